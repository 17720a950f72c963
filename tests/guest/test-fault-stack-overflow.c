/*
 * test-fault-stack-overflow.c - SIGSEGV: unbounded recursion overflows the stack.
 * The process must end the same way natively and under xlat-i386.
 */
#include "guest.h"

static int recurse(volatile int n)
{
    volatile char pad[256];
    pad[n & 255] = (char)n;
    return recurse(n + 1) + pad[(n + 1) & 255];
}

int main(void)
{
    printf("before\n");
    fflush(stdout);
    printf("%d\n", recurse(0));
    return 0;
}
