/*
 * test-malloc.c - malloc/calloc/realloc/free stress with content checksums:
 * many sizes (small bins to mmap'd blocks), random lifetimes, growing and
 * shrinking reallocs that must keep the contents.
 */
#include "guest.h"

#define SLOTS 512

static uint8_t *ptr[SLOTS];
static uint32_t len[SLOTS], seed[SLOTS];

static void fill(int i)
{
    for (uint32_t k = 0; k < len[i]; k++)
        ptr[i][k] = (uint8_t)(seed[i] + k * 7);
}

static int check(int i, uint32_t n)
{
    for (uint32_t k = 0; k < n; k++)
        if (ptr[i][k] != (uint8_t)(seed[i] + k * 7))
            return 0;
    return 1;
}

static uint32_t pick_size(void)
{
    uint32_t r = g_rand();
    switch (r & 7) {
    case 0: return r >> 28;                  /* 0..15 */
    case 1: case 2: case 3: return (r >> 20) & 255;
    case 4: case 5: return (r >> 16) & 4095;
    case 6: return (r >> 12) & 65535;
    default:
        if ((r >> 3) & 7)
            return (r >> 16) & 1023;
        return ((r >> 8) & 0xffff) + 140000; /* above the mmap threshold */
    }
}

int main(void)
{
    g_srand(2024);
    uint32_t bad = 0, allocs = 0, reallocs = 0, total = 0;
    for (int round = 0; round < 6000; round++) {
        int i = g_rand() % SLOTS;
        uint32_t op = g_rand() % 4;
        if (ptr[i] && !check(i, len[i]))
            bad++;
        if (!ptr[i] || op == 0) {
            free(ptr[i]);
            len[i] = pick_size();
            seed[i] = g_rand();
            ptr[i] = (op & 1) ? calloc(1, len[i] ? len[i] : 1) : malloc(len[i]);
            if (op & 1)
                for (uint32_t k = 0; k < len[i]; k++)
                    bad += ptr[i][k] != 0;
            if (len[i] && !ptr[i])
                bad++;
            if (((uintptr_t)ptr[i] & 7) != 0)
                bad++;
            fill(i);
            allocs++;
        } else if (op == 1) {
            uint32_t n = pick_size();
            uint8_t *p = realloc(ptr[i], n ? n : 1);
            if (!p) {
                bad++;
                continue;
            }
            ptr[i] = p;
            if (!check(i, n < len[i] ? n : len[i]))
                bad++;
            len[i] = n;
            fill(i);
            reallocs++;
        } else if (op == 2) {
            free(ptr[i]);
            ptr[i] = NULL;
            len[i] = 0;
        }
        total += len[i];
    }
    uint32_t crc = 0;
    for (int i = 0; i < SLOTS; i++)
        if (ptr[i]) {
            crc = g_crc32(crc, ptr[i], len[i]);
            free(ptr[i]);
        }
    printf("allocs %u reallocs %u total %u bad %u crc %08x\n", allocs, reallocs, total, bad, crc);
    return bad != 0;
}
