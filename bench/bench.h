/*
 * bench.h - shared bits of the benchmark programs in bench/ (static i386,
 * gcc -m32 -O2; nbody and matmul also with -msse2 -mfpmath=sse).  Each
 * program does a fixed amount of work, scaled by an optional first argument
 * (a percentage, default 100), and prints a checksum that must be the same
 * natively and under emulation.
 */
#ifndef XLAT_BENCH_BENCH_H
#define XLAT_BENCH_BENCH_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Work scale in percent from argv[1] (default 100). */
static inline unsigned bench_scale(int argc, char **argv)
{
    return argc > 1 ? (unsigned)atoi(argv[1]) : 100;
}

static uint32_t bench_rand_state = 0x9e3779b9u;

static inline uint32_t bench_rand(void)
{
    uint32_t x = bench_rand_state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return bench_rand_state = x;
}

#endif
