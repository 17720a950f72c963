/*
 * test-sse-fptb.c - chains of blocks that keep the guest x87/SSE state live
 * in the host FPU (the emitter's "FP TBs", isel_fp.c): a chained jump from
 * one such block to another skips the fp_enter call, so every way into and
 * out of them must leave the state right:
 *  - mxcsr_loop: an SSE block (FP TB) and an ldmxcsr block (a helper call
 *    that spills the state: not an FP TB) jump to each other; the next
 *    rounding mode must reach the SSE block's divsd each time;
 *  - x87_loop: native x87 arithmetic next to fnstenv/fldenv (helpers) and
 *    fldcw (native), rounding and precision changing every iteration;
 *  - calls through a function pointer table (indirect jumps: goto_ptr
 *    enters the callee's FP TB by its host_fast entry) and int 0x80 system
 *    calls between SSE blocks (exits to the exec loop: spill, then fill);
 *  - all of it again under a 200 us SIGALRM whose handler changes MXCSR,
 *    the x87 control word and every xmm register (the kernel gives them
 *    back at sigreturn): each round must give the first round's checksum.
 * Built without -msse (see test-sse-int.c): the asm lists no xmm clobbers.
 */
#define _GNU_SOURCE

#include "guest.h"

/* globals, not static: the asm names them */
uint32_t mx_modes[4] = {0x1f80, 0x3f80, 0x5f80, 0x7f80}; /* RN, RD, RU, RZ */
uint16_t fcw_modes[4] = {0x037f, 0x067f, 0x0b7f, 0x0c7f}; /* RN/64, RD/53, RU/64, RZ/24 */
double dsrc[16] __attribute__((aligned(16))), dout[16];
uint8_t fenv_buf[28];
static volatile int nsig;

static void on_alarm(int sig)
{
    (void)sig;
    nsig++;
    uint32_t mx = 0x7f80; /* round toward zero */
    uint16_t cw = 0x0c7f;
    __asm__ volatile("ldmxcsr %0\n\tfldcw %1\n\t"
                     "pcmpeqd %%xmm0, %%xmm0\n\tpcmpeqd %%xmm1, %%xmm1\n\t"
                     "pxor %%xmm2, %%xmm2\n\tpxor %%xmm3, %%xmm3\n\tmovaps %%xmm0, %%xmm4\n\t"
                     "movaps %%xmm0, %%xmm5\n\tmovaps %%xmm1, %%xmm6\n\tpxor %%xmm7, %%xmm7\n\t"
                     "fld1\n\tfldpi\n\tfdivrp\n\tfstp %%st(0)" ::"m"(mx),
                     "m"(cw)
                     : "memory");
}

/* n iterations: xmm1 = xmm1 / xmm2 + xmm3 in the rounding mode
 * mx_modes[i & 3], set by ldmxcsr in a block of its own each time; the
 * low quadwords of every result are summed into xmm7 as integers. */
static void mxcsr_loop(uint32_t n)
{
    __asm__ volatile("movsd dsrc, %%xmm1\n\tmovsd dsrc+8, %%xmm2\n\t"
                     "movsd dsrc+16, %%xmm3\n\tpxor %%xmm7, %%xmm7\n\t"
                     "xor %%eax, %%eax\n\t"
                     "1:\n\t"
                     "movapd %%xmm1, %%xmm0\n\t"
                     "divsd %%xmm2, %%xmm0\n\t"
                     "addsd %%xmm3, %%xmm0\n\t"
                     "paddq %%xmm0, %%xmm7\n\t"
                     "movapd %%xmm0, %%xmm1\n\t"
                     "andpd dsrc+32, %%xmm1\n\t"
                     "orpd dsrc+48, %%xmm1\n\t" /* keep xmm1 in [1, 2) */
                     "jmp 2f\n\t"
                     "2:\n\t"
                     "inc %%eax\n\t"
                     "mov %%eax, %%edx\n\t"
                     "and $3, %%edx\n\t"
                     "ldmxcsr mx_modes(,%%edx,4)\n\t"
                     "cmp %%ecx, %%eax\n\t"
                     "jne 1b\n\t"
                     "ldmxcsr mx_modes\n\t"
                     "movsd %%xmm7, dout\n\tmovsd %%xmm1, dout+8"
                     :
                     : "c"(n)
                     : "eax", "edx", "memory");
}

/* n iterations of x87 arithmetic whose rounding and precision change with
 * fldcw (native) every iteration, with an fnstenv/fldenv pair (helpers)
 * every fourth one. */
static void x87_loop(uint32_t n)
{
    __asm__ volatile("fldz\n\tfld1\n\t" /* st1 = sum, st0 = x */
                     "xor %%eax, %%eax\n\t"
                     "1:\n\t"
                     "fld %%st(0)\n\t"
                     "fmull dsrc+64\n\t"
                     "fdivl dsrc+72\n\t"
                     "fadd %%st(0), %%st(2)\n\t"
                     "fsqrt\n\t"
                     "fstp %%st(1)\n\t"
                     "fld1\n\t"
                     "faddp\n\t"
                     "inc %%eax\n\t"
                     "mov %%eax, %%edx\n\t"
                     "and $3, %%edx\n\t"
                     "fldcw fcw_modes(,%%edx,2)\n\t"
                     "test %%edx, %%edx\n\t"
                     "jne 2f\n\t"
                     "fnstenv fenv_buf\n\t"
                     "fldenv fenv_buf\n\t"
                     "2:\n\t"
                     "cmp %%ecx, %%eax\n\t"
                     "jne 1b\n\t"
                     "fldcw fcw_modes\n\t"
                     "fstpl dout+16\n\t"
                     "fstpl dout+24"
                     :
                     : "c"(n)
                     : "eax", "edx", "memory");
}

/* SSE leaf functions called through a table: their first block is an FP
 * TB entered by an indirect call, their ret an indirect jump back into
 * one.  Each takes and returns its value in xmm0 (xmm5, xmm6: constants). */
__asm__(".text\n"
        "fptb_f0:\n\tmulsd %xmm5, %xmm0\n\taddsd %xmm6, %xmm0\n\tret\n"
        "fptb_f1:\n\tsqrtsd %xmm0, %xmm0\n\taddsd %xmm6, %xmm0\n\tret\n"
        "fptb_f2:\n\tdivsd %xmm5, %xmm0\n\tsubsd %xmm6, %xmm0\n\tret\n"
        "fptb_f3:\n\tmovl $64, %eax\n\tint $0x80\n\t" /* getppid: exits to the loop */
        "mulsd %xmm0, %xmm0\n\tmaxsd %xmm6, %xmm0\n\tret\n");
void fptb_f0(void), fptb_f1(void), fptb_f2(void), fptb_f3(void);
void (*fptb_tab[4])(void) = {fptb_f0, fptb_f1, fptb_f2, fptb_f3};

/* n iterations of x = f[i & 3](x), kept in [1, 2) by masking. */
static void call_loop(uint32_t n)
{
    __asm__ volatile("movsd dsrc+80, %%xmm0\n\tmovsd dsrc+88, %%xmm5\n\t"
                     "movsd dsrc+96, %%xmm6\n\tpxor %%xmm7, %%xmm7\n\t"
                     "xor %%ebx, %%ebx\n\t"
                     "1:\n\t"
                     "mov %%ebx, %%eax\n\t"
                     "and $3, %%eax\n\t"
                     "call *fptb_tab(,%%eax,4)\n\t"
                     "andpd dsrc+32, %%xmm0\n\t"
                     "orpd dsrc+48, %%xmm0\n\t"
                     "paddq %%xmm0, %%xmm7\n\t"
                     "inc %%ebx\n\t"
                     "cmp %%ecx, %%ebx\n\t"
                     "jne 1b\n\t"
                     "movsd %%xmm7, dout+32\n\tmovsd %%xmm0, dout+40"
                     :
                     : "c"(n)
                     : "eax", "ebx", "edx", "memory");
}

static uint32_t round_checksum(uint32_t n)
{
    mxcsr_loop(n);
    x87_loop(n);
    call_loop(n / 16);
    return g_crc32(0, dout, 6 * sizeof(double));
}

static void set_double(int i, uint64_t bits)
{
    memcpy(&dsrc[i], &bits, sizeof(bits));
}

int main(void)
{
    set_double(0, 0x3ff3c0ca428c59fbull); /* 1.2345678 */
    set_double(1, 0x3fe5555555555555ull); /* 2/3 */
    set_double(2, 0x3eb0c6f7a0b5ed8dull); /* 1e-6 */
    set_double(4, 0x000fffffffffffffull); /* mantissa mask */
    set_double(6, 0x3ff0000000000000ull); /* exponent of 1.0 */
    dsrc[8] = 3.0;
    dsrc[9] = 7.0;
    dsrc[10] = 1.5;
    dsrc[11] = 1.0009765625;
    dsrc[12] = 0.125;
    uint32_t quiet = round_checksum(40000);
    printf("no signals: mxcsr %016llx %016llx\n", *(unsigned long long *)&dout[0],
           *(unsigned long long *)&dout[1]);
    printf("no signals: x87 %016llx %016llx\n", *(unsigned long long *)&dout[2],
           *(unsigned long long *)&dout[3]);
    printf("no signals: calls %016llx %016llx\n", *(unsigned long long *)&dout[4],
           *(unsigned long long *)&dout[5]);

    g_alarm_every(on_alarm, 200);
    int rounds = 0, same = 1;
    while ((nsig < 30 || rounds < 3) && rounds < 10000) {
        same &= round_checksum(40000) == quiet;
        rounds++;
    }
    g_alarm_every(on_alarm, 0);
    printf("checksum %08x, every round with signals the same: %s, 30 signals: %s\n", quiet,
           same ? "yes" : "no", nsig >= 30 ? "yes" : "no");
    return 0;
}
