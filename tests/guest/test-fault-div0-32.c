/*
 * test-fault-div0-32.c - SIGFPE: 32-bit divide by zero.
 * The process must end the same way natively and under xlat-i386.
 */
#include "guest.h"

int main(void)
{
    volatile unsigned a = 10, b = 0;
    printf("before\n");
    fflush(stdout);
    printf("%u\n", a / b);
    return 0;
}
