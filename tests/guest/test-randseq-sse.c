/*
 * test-randseq-sse.c - test-randseq.c with its SSE2 integer table mixed in
 * (--sse): random sequences of integer and SSE2 instructions, xmm0-7
 * compared as well, plus the SSE regressions that scripts/fuzz-randseq
 * saved (SSE=1) in tests/fuzz/randseq/regressions-sse.txt.
 */
// args: --sse --replay "$XLAT_SRCDIR/tests/fuzz/randseq/regressions-sse.txt" --seed 1 --count 2000
#include "test-randseq.c"
