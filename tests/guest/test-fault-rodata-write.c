/*
 * test-fault-rodata-write.c - SIGSEGV: write to a string literal (read-only page).
 * The process must end the same way natively and under xlat-i386.
 */
#include "guest.h"

int main(void)
{
    char *volatile s = (char *)"a read-only string";
    printf("before %s\n", s);
    fflush(stdout);
    __asm__ volatile("movb $0x41, 3(%0)" : : "r"(s) : "memory");
    printf("after %s\n", s);
    return 0;
}
