/*
 * test-libc-string.c - libc string functions (strlen memcpy memmove memset
 * strcmp strncmp strchr strrchr strstr memchr memcmp strcpy strcat) over many
 * alignments and lengths.  glibc picks SSE2/AVX2 variants at startup from
 * cpuid, so these also exercise the vector paths the CPU model advertises.
 * Results are compared against simple byte loops and folded into checksums.
 */
#include "guest.h"

static uint8_t src[600], dst[600], ref[600];

static size_t my_strlen(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

static int sgn(int x)
{
    return (x > 0) - (x < 0);
}

int main(void)
{
    uint32_t h = 0, bad = 0;
    g_srand(5);
    for (int i = 0; i < 600; i++)
        src[i] = (uint8_t)(g_rand() % 255 + 1);
    for (int al = 0; al < 16; al++)
        for (int len = 0; len < 300; len += (len < 40 ? 1 : 17)) {
            char *s = (char *)src + al;
            uint8_t save = s[len];
            s[len] = 0;
            size_t n = strlen(s);
            bad += n != my_strlen(s) || n != (size_t)len;
            /* memcpy / memset at different destination alignments */
            for (int da = 0; da < 4; da++) {
                memset(dst, 0xee, sizeof dst);
                memcpy(dst + da * 5, s, len);
                memcpy(ref, dst, sizeof ref);
                bad += memcmp(dst + da * 5, s, len) != 0;
                memset(dst + da * 3 + 1, da, len);
                h = g_crc32(h, dst, 400);
            }
            /* memmove both directions */
            memcpy(dst, src, 600);
            memmove(dst + al, dst + 20, len);
            h = g_crc32(h, dst, 400);
            memcpy(dst, src, 600);
            memmove(dst + 20, dst + al, len);
            h = g_crc32(h, dst, 400);
            /* comparisons */
            memcpy(dst, s, len + 1);
            bad += strcmp((char *)dst, s) != 0 || memcmp(dst, s, len) != 0;
            if (len > 0) {
                dst[len / 2] ^= 0x80;
                int c1 = sgn(strcmp((char *)dst, s)), c2 = sgn(memcmp(dst, s, len));
                int c3 = sgn(strncmp((char *)dst, s, len / 2)), c4 = sgn(strncmp((char *)dst, s, len));
                h = h * 31 + (c1 + 2) * 27 + (c2 + 2) * 9 + (c3 + 2) * 3 + c4 + 2;
            }
            /* searching */
            if (len > 3) {
                char c = s[len - 2];
                char *p = strchr(s, c), *q = strrchr(s, c);
                void *m = memchr(s, c, len);
                h = h * 31 + (uint32_t)(p - s) * 7 + (uint32_t)(q - s) + (uint32_t)((char *)m - s);
                bad += strchr(s, 0) != s + len;
                char needle[4] = {s[len - 3], s[len - 2], s[len - 1], 0};
                char *ss = strstr(s, needle);
                bad += ss == NULL;
                h = h * 31 + (uint32_t)(ss - s);
                bad += memchr(s, 0, len) != NULL;
            }
            /* strcpy / strcat */
            strcpy((char *)dst + al, s);
            strcat((char *)dst + al, "tail");
            bad += strlen((char *)dst + al) != (size_t)len + 4;
            h = g_crc32(h, dst + al, len + 5);
            s[len] = save;
        }
    printf("checksum %08x bad %u\n", h, bad);
    printf("strstr: %s\n", strstr("the quick brown fox", "brown"));
    printf("strrchr: %s\n", strrchr("a/b/c/d", '/'));
    return bad != 0;
}
