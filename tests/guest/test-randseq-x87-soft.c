/*
 * test-randseq-x87-soft.c - test-randseq-x87.c for xlat's portable x87
 * arithmetic (XLAT_FPU=soft; the variable means nothing to the native run):
 * integer and x87 instructions except the transcendentals (--no-transc: the
 * soft ones may differ from the host's in the last bit), plus the
 * regressions that scripts/fuzz-randseq saved (MODES=x87 FPU=soft) in
 * tests/fuzz/randseq/regressions-x87-soft.txt.
 */
// args: --x87 --no-transc --replay "$XLAT_SRCDIR/tests/fuzz/randseq/regressions-x87-soft.txt" --seed 1 --count 2000
// env: XLAT_FPU=soft
#include "test-randseq.c"
