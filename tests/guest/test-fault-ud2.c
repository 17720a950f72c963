/*
 * test-fault-ud2.c - SIGILL: ud2.
 * The process must end the same way natively and under xlat-i386.
 */
#include "guest.h"

int main(void)
{
    printf("before\n");
    fflush(stdout);
    __asm__ volatile("ud2");
    printf("after\n");
    return 0;
}
