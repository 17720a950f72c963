// build: static-pie
/*
 * test-static-pie.c - a static-pie program: the loader picks its base and the
 * program relocates itself (R_386_RELATIVE) before main.  Prints only
 * base-independent facts: data reached through relocated pointers, function
 * pointer tables, TLS.
 */
#include <stdio.h>
#include <string.h>

#include "guest.h"

static int add1(int x) { return x + 1; }
static int dbl(int x) { return x * 2; }
static int sq(int x) { return x * x; }
static int (*const table[])(int) = {add1, dbl, sq};
static const char *const names[] = {"add1", "dbl", "sq"};
static __thread int tls_counter = 5;

int main(int argc, char **argv)
{
    int v = 3;
    for (int r = 0; r < 4; r++)
        for (unsigned i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
            v = table[i](v) % 100003;
            printf("%s -> %d\n", names[i], v);
        }
    tls_counter += argc;
    printf("tls %d, argv0 set %d, main is code %d\n", tls_counter, argv[0] != NULL,
           (const void *)main != (const void *)names);
    char buf[64];
    snprintf(buf, sizeof(buf), "%s/%s", names[0], names[2]);
    printf("%s %zu\n", buf, strlen(buf));
    return 0;
}
