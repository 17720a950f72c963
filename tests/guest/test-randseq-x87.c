/*
 * test-randseq-x87.c - test-randseq.c with its x87 table mixed in (--x87):
 * random sequences of integer and x87 instructions from a random x87 state
 * (frstor of edge values, random TOP, tags, precision and rounding), the
 * x87 state compared after fnsave, plus the x87 regressions that
 * scripts/fuzz-randseq saved (MODES=x87) in
 * tests/fuzz/randseq/regressions-x87.txt.
 */
// args: --x87 --replay "$XLAT_SRCDIR/tests/fuzz/randseq/regressions-x87.txt" --seed 1 --count 3000
#include "test-randseq.c"
