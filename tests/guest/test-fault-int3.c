/*
 * test-fault-int3.c - SIGTRAP: int3.
 * The process must end the same way natively and under xlat-i386.
 */
#include "guest.h"

int main(void)
{
    printf("before\n");
    fflush(stdout);
    __asm__ volatile("int3");
    printf("after\n");
    return 0;
}
