/*
 * test-int64.c - 64-bit integer arithmetic on a 32-bit machine: long long
 * multiply, divide and modulo (libgcc __divdi3/__udivdi3/__moddi3/__umoddi3),
 * shifts by variable counts (shld/shrd sequences), compares and conversions.
 */
#include "guest.h"

static const uint64_t vals[] = {
    0, 1, 2, 3, 7, 10, 0x7f, 0xff, 0xffff, 0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ull,
    0x123456789abcdef0ull, 0x7fffffffffffffffull, 0x8000000000000000ull, 0xffffffffffffffffull,
    0xfffffffffffffff9ull, 1000000007ull, 0xdeadbeefcafebabeull,
};
#define N (sizeof vals / sizeof vals[0])

int main(void)
{
    uint32_t h = 0;
    for (unsigned i = 0; i < N; i++) {
        for (unsigned j = 0; j < N; j++) {
            volatile uint64_t a = vals[i], b = vals[j];
            volatile int64_t sa = (int64_t)a, sb = (int64_t)b;
            uint64_t mul = a * b, add = a + b, sub = a - b;
            printf("%llx %llx: mul %llx add %llx sub %llx", (unsigned long long)a,
                   (unsigned long long)b, (unsigned long long)mul, (unsigned long long)add,
                   (unsigned long long)sub);
            if (b != 0)
                printf(" udiv %llx umod %llx", (unsigned long long)(a / b), (unsigned long long)(a % b));
            if (sb != 0 && !(sa == INT64_MIN && sb == -1))
                printf(" sdiv %lld smod %lld", (long long)(sa / sb), (long long)(sa % sb));
            printf(" lt %d slt %d\n", a < b, sa < sb);
        }
        for (volatile int s = 0; s < 64; s++) {
            volatile uint64_t a = vals[i];
            uint64_t l = a << s, r = a >> s;
            int64_t ar = (int64_t)a >> s;
            h = h * 31 + (uint32_t)l + (uint32_t)(l >> 32) * 3 + (uint32_t)r * 5 +
                (uint32_t)(r >> 32) * 7 + (uint32_t)ar * 11 + (uint32_t)((uint64_t)ar >> 32);
        }
        printf("shifts %llx -> %08x\n", (unsigned long long)vals[i], h);
    }
    /* a long-running accumulation: LCG in 64 bits, mixed with division */
    uint64_t x = 88172645463325252ull, acc = 0;
    for (int i = 0; i < 20000; i++) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        acc += x / ((x >> 40) | 1) + (x % 1000003);
        acc ^= (uint64_t)((int64_t)x >> (i & 63));
    }
    printf("lcg %llx acc %llx\n", (unsigned long long)x, (unsigned long long)acc);
    /* conversions */
    volatile int32_t neg = -5;
    volatile uint32_t big = 0xfffffffb;
    printf("conv %lld %llu %lld\n", (long long)neg, (unsigned long long)big, (long long)(int64_t)big);
    return 0;
}
