/*
 * test-exit-0.c - exit(0) after buffered output.
 * The process must end the same way natively and under xlat-i386.
 */
#include "guest.h"

int main(void)
{
    printf("exiting with 0\n");
    exit(0);
}
