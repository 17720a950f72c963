/*
 * hello.c - the demo guest for `make demo`: a small, deterministic i386
 * program whose output must be byte-identical natively and under xlat-i386.
 * It exercises calls, loops, integer division, 64-bit arithmetic made of
 * 32-bit pieces, string functions and printf, and uses no floating point
 * (x87 is not supported yet).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define NPRIMES_MAX 100

static int primes_below(int limit, int *out)
{
    static unsigned char composite[1000];
    int n = 0;
    for (int i = 2; i < limit; i++) {
        if (composite[i])
            continue;
        out[n++] = i;
        for (int j = i * i; j < limit; j += i)
            composite[j] = 1;
    }
    return n;
}

/* FNV-1a over a buffer, then mixed with a 64-bit multiply. */
static uint32_t checksum(const void *p, size_t len, uint32_t seed)
{
    const unsigned char *b = p;
    uint32_t h = 2166136261u ^ seed;
    for (size_t i = 0; i < len; i++) {
        h ^= b[i];
        h *= 16777619u;
    }
    uint64_t wide = (uint64_t)h * 0x9e3779b97f4a7c15ull;
    return (uint32_t)(wide >> 32) ^ (uint32_t)wide;
}

static unsigned gcd(unsigned a, unsigned b)
{
    while (b) {
        unsigned t = a % b;
        a = b;
        b = t;
    }
    return a;
}

int main(int argc, char **argv)
{
    int primes[NPRIMES_MAX];
    char line[128];
    uint32_t sum = 0;

    (void)argv;
    printf("Hello from an i386 guest! (argc=%d)\n", argc);

    int n = primes_below(200, primes);
    printf("%d primes below 200:", n);
    for (int i = 0; i < n; i++)
        printf("%s%d", i % 12 ? " " : "\n  ", primes[i]);
    printf("\n");
    sum = checksum(primes, (size_t)n * sizeof(int), sum);

    printf("multiplication table:\n");
    for (int r = 1; r <= 9; r++) {
        char *p = line;
        for (int c = 1; c <= 9; c++)
            p += sprintf(p, "%4d", r * c);
        printf("%s\n", line);
        sum = checksum(line, strlen(line), sum);
    }

    int64_t fact = 1;
    for (int i = 1; i <= 20; i++)
        fact *= i;
    printf("20! = %lld, 20! / 12345 = %lld rem %lld\n", (long long)fact, (long long)(fact / 12345),
           (long long)(fact % 12345));
    printf("gcd(1071, 462) = %u, -7 / 2 = %d, -7 %% 2 = %d, -7 >> 1 = %d\n", gcd(1071, 462), -7 / 2,
           -7 % 2, -7 >> 1);

    uint32_t collatz = 27, steps = 0;
    while (collatz != 1) {
        collatz = (collatz & 1) ? 3 * collatz + 1 : collatz / 2;
        steps++;
    }
    printf("collatz(27) takes %u steps\n", steps);
    sum ^= steps;

    printf("checksum: %08x\n", (unsigned)sum);
    return 0;
}
