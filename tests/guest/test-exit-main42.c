/*
 * test-exit-main42.c - return 42 from main.
 * The process must end the same way natively and under xlat-i386.
 */
#include "guest.h"

int main(void)
{
    printf("returning 42\n");
    return 42;
}
