/*
 * test-fault-idiv-overflow.c - SIGFPE: idiv INT_MIN / -1 (quotient overflow).
 * The process must end the same way natively and under xlat-i386.
 */
#include "guest.h"

int main(void)
{
    volatile int a = (int)0x80000000, b = -1;
    printf("before\n");
    fflush(stdout);
    printf("%d\n", a / b);
    return 0;
}
