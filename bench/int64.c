/* int64.c - 64-bit arithmetic on a 32-bit machine: long long multiply,
 * divide (libgcc calls), modulo and shifts in a loop. */
#include "bench.h"

int main(int argc, char **argv)
{
    unsigned n = 300000u * bench_scale(argc, argv);
    uint64_t x = 88172645463325252ull, acc = 0;
    int64_t s = -1234567;
    for (unsigned i = 0; i < n; i++) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        acc += x / ((x >> 33) | 1);
        acc ^= x % 1000000007ull;
        s = (s * 3 + (int64_t)(x >> 40)) / 2;
        acc += (uint64_t)s << (i & 31);
        acc = (acc >> 3) | (acc << 61);
    }
    printf("int64 %016llx %lld\n", (unsigned long long)acc, (long long)s);
    return 0;
}
