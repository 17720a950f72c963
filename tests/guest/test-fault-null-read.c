/*
 * test-fault-null-read.c - SIGSEGV: read through a null pointer.
 * The process must end the same way natively and under xlat-i386.
 */
#include "guest.h"

int main(void)
{
    printf("before\n");
    fflush(stdout);
    volatile int *p = (volatile int *)0;
    printf("%d\n", *p);
    return 0;
}
