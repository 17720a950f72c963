/*
 * test-printf.c - integer printf: conversions, flags, widths, precisions,
 * length modifiers, and snprintf truncation (no floating point).
 */
#include <inttypes.h>
#include <limits.h>

#include "guest.h"

int main(void)
{
    static const int iv[] = {0, 1, -1, 42, -42, 255, 65535, INT_MAX, INT_MIN, 123456789};
    static const char *fmts[] = {
        "%d", "%i", "%5d", "%-5d|", "%05d", "%+d", "% d", "%.3d", "%8.3d", "%-8.3d|", "%x",
        "%X", "%#x", "%#o", "%o", "%u", "%08X", "%#10x", "%hd", "%hhd", "%hu", "%hhx", "%c",
    };
    for (unsigned f = 0; f < sizeof fmts / sizeof fmts[0]; f++) {
        printf("%-8s:", fmts[f]);
        for (unsigned i = 0; i < sizeof iv / sizeof iv[0]; i++) {
            printf(" [");
            if (strcmp(fmts[f], "%c") == 0)
                printf(fmts[f], 'A' + (iv[i] & 15));
            else
                printf(fmts[f], iv[i]);
            printf("]");
        }
        printf("\n");
    }
    static const long long lv[] = {0, -1, LLONG_MAX, LLONG_MIN, 1234567890123456789LL, 1LL << 32};
    for (unsigned i = 0; i < sizeof lv / sizeof lv[0]; i++)
        printf("ll: %lld %llu %llx %#llo %20lld %-20lld| %.25lld\n", lv[i], (unsigned long long)lv[i],
               (unsigned long long)lv[i], (unsigned long long)lv[i], lv[i], lv[i], lv[i]);
    printf("j/z/t: %jd %zu %td %" PRId64 " %" PRIx32 "\n", (intmax_t)-5, (size_t)77, (ptrdiff_t)-3,
           (int64_t)-9000000000LL, (uint32_t)0xdeadbeef);
    printf("star: [%*d] [%-*d] [%.*d] [%*.*d]\n", 6, 12, 6, 12, 4, 12, 7, 3, 5);
    printf("str: [%s] [%10s] [%-10s] [%.3s] [%10.2s] [%%]\n", "hello", "hi", "hi", "abcdef", "xyz");
    char buf[16];
    int n = snprintf(buf, sizeof buf, "%s-%d-%x", "truncated output", 12345, 0xabc);
    printf("snprintf n=%d buf=[%s]\n", n, buf);
    n = snprintf(NULL, 0, "%d", INT_MIN);
    printf("snprintf(NULL) n=%d\n", n);
    int pos1, pos2;
    printf("abc%nxyz%n\n", &pos1, &pos2);
    printf("%%n: %d %d\n", pos1, pos2);
    char big[300];
    memset(big, 'x', 299);
    big[299] = 0;
    printf("long: %.5s... len %zu\n", big, strlen(big));
    fprintf(stderr, "stderr is not compared\n");
    return 0;
}
