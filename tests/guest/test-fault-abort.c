/*
 * test-fault-abort.c - SIGABRT: abort().
 * The process must end the same way natively and under xlat-i386.
 */
#include "guest.h"

int main(void)
{
    printf("before\n");
    fflush(stdout);
    abort();
}
