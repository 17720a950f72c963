/*
 * test-randseq-x87-ssefp.c - test-randseq.c with both floating-point tables
 * mixed in (--x87 --ssefp): integer, x87 and SSE floating-point
 * instructions in one sequence (x87 and SSE share no state, but xlat's
 * helpers and the host FPU modes do), plus the regressions that
 * scripts/fuzz-randseq saved (MODES=x87+ssefp) in
 * tests/fuzz/randseq/regressions-x87-ssefp.txt.
 */
// args: --x87 --ssefp --replay "$XLAT_SRCDIR/tests/fuzz/randseq/regressions-x87-ssefp.txt" --seed 1 --count 2000
#include "test-randseq.c"
