/*
 * test-fault-div0-8.c - SIGFPE: 8-bit divide by zero (div r/m8).
 * The process must end the same way natively and under xlat-i386.
 */
#include "guest.h"

int main(void)
{
    unsigned ax = 1000;
    printf("before\n");
    fflush(stdout);
    __asm__ volatile("divb %b1" : "+a"(ax) : "q"(0) : "cc");
    printf("%u\n", ax);
    return 0;
}
