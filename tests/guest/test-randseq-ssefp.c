/*
 * test-randseq-ssefp.c - test-randseq.c with its SSE floating-point table
 * mixed in (--ssefp): random sequences of integer and SSE..SSE4.1
 * floating-point instructions from float edge values in xmm0-7 and a random
 * MXCSR (rounding, DAZ, FTZ), xmm0-7 and MXCSR compared, plus the
 * regressions that scripts/fuzz-randseq saved (MODES=ssefp) in
 * tests/fuzz/randseq/regressions-ssefp.txt.
 */
// args: --ssefp --replay "$XLAT_SRCDIR/tests/fuzz/randseq/regressions-ssefp.txt" --seed 1 --count 3000
#include "test-randseq.c"
