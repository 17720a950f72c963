/*
 * test-fault-rmw-rodata.c - SIGSEGV: read-modify-write (add to memory) on a read-only page; the write
 * permission is checked before the read, and nothing changes.
 * The process must end the same way natively and under xlat-i386.
 */
#include "guest.h"

static const int konst = 5;

int main(void)
{
    int r = 7;
    printf("before %d\n", konst);
    fflush(stdout);
    __asm__ volatile("addl %1, %0" : "+m"(*(int *)&konst) : "r"(r) : "cc");
    printf("after %d\n", konst);
    return 0;
}
