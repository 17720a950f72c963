/*
 * test-fault-call-badptr.c - SIGSEGV: call through a bad function pointer.
 * The process must end the same way natively and under xlat-i386.
 */
#include "guest.h"

int main(void)
{
    printf("before\n");
    fflush(stdout);
    int (*volatile f)(int) = (int (*)(int))0x10;
    printf("%d\n", f(3));
    return 0;
}
