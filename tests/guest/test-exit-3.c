/*
 * test-exit-3.c - exit(3) with output still in the stdio buffer.
 * The process must end the same way natively and under xlat-i386.
 */
#include "guest.h"

int main(void)
{
    printf("exiting with 3\n");
    exit(3);
}
