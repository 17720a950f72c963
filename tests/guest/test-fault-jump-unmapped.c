/*
 * test-fault-jump-unmapped.c - SIGSEGV: jump to unmapped memory.
 * The process must end the same way natively and under xlat-i386.
 */
#include "guest.h"

int main(void)
{
    printf("before\n");
    fflush(stdout);
    void (*volatile f)(void) = (void (*)(void))0xdead0000;
    __asm__ volatile("jmp *%0" : : "r"(f));
    printf("after\n");
    return 0;
}
