/*
 * test-fault-int81.c - SIGSEGV: int $0x81 (no such gate for user mode).
 * The process must end the same way natively and under xlat-i386.
 */
#include "guest.h"

int main(void)
{
    printf("before\n");
    fflush(stdout);
    __asm__ volatile("int \$0x81");
    printf("after\n");
    return 0;
}
