/* qsort.c - libc qsort with a comparator (indirect calls), repeatedly. */
#include "bench.h"

static int ncmp;

static int cmp(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    ncmp++;
    return (x > y) - (x < y);
}

static uint32_t a[200000];

int main(int argc, char **argv)
{
    unsigned rounds = 28 * bench_scale(argc, argv) / 100;
    uint32_t h = 0;
    for (unsigned r = 0; r < rounds; r++) {
        for (unsigned i = 0; i < 200000; i++)
            a[i] = bench_rand() % 1000000;
        qsort(a, 200000, sizeof a[0], cmp);
        for (unsigned i = 0; i < 200000; i += 1000)
            h = h * 31 + a[i];
    }
    printf("qsort %08x\n", h);
    return 0;
}
