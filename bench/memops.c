/* memops.c - memcpy, memmove and memset of many sizes and alignments (libc's
 * string routines, rep movs/stos, vector loads and stores). */
#include "bench.h"

static uint8_t src[1 << 16], dst[1 << 16];

int main(int argc, char **argv)
{
    unsigned rounds = 90 * bench_scale(argc, argv) / 100;
    for (size_t i = 0; i < sizeof src; i++)
        src[i] = (uint8_t)bench_rand();
    uint32_t h = 0;
    static const unsigned sizes[] = {1, 3, 8, 15, 16, 31, 64, 100, 256, 1000, 4096, 16384, 60000};
    for (unsigned r = 0; r < rounds; r++)
        for (unsigned k = 0; k < sizeof sizes / sizeof sizes[0]; k++)
            for (unsigned rep = 0; rep < 60000 / sizes[k] + 8; rep++) {
                unsigned n = sizes[k], so = (rep * 7) & 31, d = (rep * 3 + r) & 31;
                if (n + 64 > sizeof dst)
                    n = sizeof dst - 64;
                memcpy(dst + d, src + so, n);
                memset(dst + d + n / 2, (int)rep, n / 4);
                memmove(dst + d + 1, dst + d, n / 2);
                h = h * 31 + dst[d + n / 3] + dst[d + n - 1];
            }
    printf("memops %08x\n", h);
    return 0;
}
