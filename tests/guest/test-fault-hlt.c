/*
 * test-fault-hlt.c - SIGSEGV: hlt is privileged (general protection fault).
 * The process must end the same way natively and under xlat-i386.
 */
#include "guest.h"

int main(void)
{
    printf("before\n");
    fflush(stdout);
    __asm__ volatile("hlt");
    printf("after\n");
    return 0;
}
