/* recursion.c - deep and wide recursion: fib and ackermann (calls, returns,
 * stack traffic; return prediction). */
#include "bench.h"

static unsigned fib(unsigned n)
{
    return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

static unsigned ack(unsigned m, unsigned n)
{
    while (m != 0) {
        n = n == 0 ? 1 : ack(m, n - 1);
        m--;
    }
    return n + 1;
}

int main(int argc, char **argv)
{
    unsigned s = bench_scale(argc, argv);
    unsigned f = 0, a = 0;
    for (unsigned i = 0; i < s / 10; i++)
        f += fib(30 - (i & 1));
    for (unsigned i = 0; i < s; i++)
        a += ack(2, 2000 + i) + ack(3, 7);
    printf("recursion %u %u\n", f, a);
    return 0;
}
