/*
 * test-sse-dirty-timer.c - asynchronous signals (setitimer, SIGALRM every
 * 200 us) arriving while a long loop of SSE instructions keeps all eight
 * xmm registers busy.  The handler clobbers xmm0..xmm7 (its FP state is
 * its own: the interrupted code's comes back at sigreturn), so a register
 * that an emulator had not yet written back to its CPU state when it
 * stopped for the signal would come back stale and change the checksum.
 *
 * The loop runs over and over until at least 30 signals came (at least 3
 * rounds); every round must give the same checksum, which is printed.
 * Built without -msse (see test-sse-int.c): the asm lists no xmm clobbers.
 */
#define _GNU_SOURCE

#include "guest.h"

typedef struct {
    uint32_t w[4];
} __attribute__((aligned(16))) V;

/* globals, not static: the asm names them */
V seed[8], out[8];
static volatile int nsig;

static void on_alarm(int sig)
{
    (void)sig;
    nsig++;
    __asm__ volatile("pcmpeqd %%xmm0, %%xmm0\n\tpcmpeqd %%xmm1, %%xmm1\n\t"
                     "pxor %%xmm2, %%xmm2\n\tpxor %%xmm3, %%xmm3\n\tmovaps %%xmm0, %%xmm4\n\t"
                     "movaps %%xmm0, %%xmm5\n\tmovaps %%xmm1, %%xmm6\n\tpxor %%xmm7, %%xmm7" ::
                         : "memory");
}

/* One round: n iterations of integer and float SIMD work on xmm0..7
 * (float lanes stay in [1, 2): multiply by values near 1, then mask the
 * exponent back), then out[] = xmm0..7. */
static uint32_t round_checksum(uint32_t n)
{
    __asm__ volatile("movdqu seed, %%xmm0\n\tmovdqu seed+16, %%xmm1\n\t"
                     "movdqu seed+32, %%xmm2\n\tmovdqu seed+48, %%xmm3\n\t"
                     "movdqu seed+64, %%xmm4\n\tmovdqu seed+80, %%xmm5\n\t"
                     "movdqu seed+96, %%xmm6\n\tmovdqu seed+112, %%xmm7\n\t"
                     "1:\n\t"
                     "paddd %%xmm1, %%xmm0\n\t"
                     "pshufd $0x39, %%xmm0, %%xmm0\n\t"
                     "pxor %%xmm0, %%xmm1\n\t"
                     "movdqa %%xmm1, %%xmm2\n\t"
                     "pslld $7, %%xmm2\n\t"
                     "psrld $25, %%xmm1\n\t"
                     "por %%xmm2, %%xmm1\n\t"
                     "mulps %%xmm4, %%xmm3\n\t"
                     "andps %%xmm5, %%xmm3\n\t"
                     "orps %%xmm6, %%xmm3\n\t"
                     "addpd %%xmm3, %%xmm7\n\t"
                     "pxor %%xmm1, %%xmm7\n\t"
                     "dec %%ecx\n\t"
                     "jnz 1b\n\t"
                     "movdqu %%xmm0, out\n\tmovdqu %%xmm1, out+16\n\t"
                     "movdqu %%xmm2, out+32\n\tmovdqu %%xmm3, out+48\n\t"
                     "movdqu %%xmm4, out+64\n\tmovdqu %%xmm5, out+80\n\t"
                     "movdqu %%xmm6, out+96\n\tmovdqu %%xmm7, out+112"
                     : "+c"(n)
                     :
                     : "memory");
    return g_crc32(0, out, sizeof(out));
}

int main(void)
{
    for (int r = 0; r < 8; r++)
        for (int i = 0; i < 4; i++)
            seed[r].w[i] = g_rand();
    for (int i = 0; i < 4; i++) {
        seed[3].w[i] = 0x3f800000u + (g_rand() & 0x7fffff); /* floats in [1, 2) */
        seed[4].w[i] = 0x3f800000u + (g_rand() & 0xfff);    /* near 1 */
        seed[5].w[i] = 0x007fffffu;                         /* mantissa mask */
        seed[6].w[i] = 0x3f800000u;                         /* exponent of 1.0 */
    }
    g_alarm_every(on_alarm, 200);
    uint32_t first = round_checksum(100000);
    int rounds = 1, same = 1;
    while ((nsig < 30 || rounds < 3) && rounds < 100000) {
        same &= round_checksum(100000) == first;
        rounds++;
    }
    g_alarm_every(on_alarm, 0);
    printf("checksum %08x, every round the same: %s, 30 signals: %s\n", first, same ? "yes" : "no",
           nsig >= 30 ? "yes" : "no");
    for (int r = 0; r < 8; r++)
        printf("xmm%d %08x %08x %08x %08x\n", r, out[r].w[3], out[r].w[2], out[r].w[1],
               out[r].w[0]);
    return 0;
}
