/*
 * test-sse-wo.c - SSE instructions that overwrite their destination
 * without reading it (movaps, movss xmm, m32, cvtdq2ps, pshufd, pmovzx ...)
 * and their look-alikes that keep part of it (movss xmm, xmm, movlps,
 * cvtss2sd, sqrtss, roundss ...), each as the first instruction of a block
 * that has never run before.
 *
 * xlat's x86-64 emitter does not load a write-only destination from its CPU
 * state (isel_sse.c, sse_wo_rows): an instruction listed there by mistake
 * would compute on whatever the host register held.  Here every register
 * holds a distinct value, then an indirect jump enters fresh code (a new
 * translation: C code ran and left other values in the host registers),
 * whose first instruction writes xmm0; xmm0 is printed.
 * Built without -msse (see test-sse-int.c): the asm lists no xmm clobbers.
 */
#include "guest.h"

typedef struct {
    uint32_t w[4];
} __attribute__((aligned(16))) V;

/* globals, not static: the asm names them */
V vin[8], vout, vmem = {{0x40490fdb, 0xc0000000, 0x3f000000, 0x41200000}};
uint32_t gpr_in = 0x87654321;

#define RUN(name, insn)                                                                            \
    do {                                                                                           \
        __asm__ volatile("movdqa vin, %%xmm0\n\tmovdqa vin+16, %%xmm1\n\t"                         \
                         "movdqa vin+32, %%xmm2\n\tmovdqa vin+48, %%xmm3\n\t"                      \
                         "movdqa vin+64, %%xmm4\n\tmovdqa vin+80, %%xmm5\n\t"                      \
                         "movdqa vin+96, %%xmm6\n\tmovdqa vin+112, %%xmm7\n\t"                     \
                         "movl gpr_in, %%edx\n\t"                                                  \
                         "movl $1f, %%eax\n\tjmp *%%eax\n"                                         \
                         "1:\t" insn "\n\tmovdqa %%xmm0, vout" ::                                  \
                             : "eax", "edx", "memory");                                            \
        printf("%-24s %08x %08x %08x %08x\n", name, vout.w[3], vout.w[2], vout.w[1], vout.w[0]);   \
    } while (0)

int main(void)
{
    /* small positive floats in xmm1..7 lanes, xmm0 a pattern of its own */
    for (int r = 0; r < 8; r++)
        for (int i = 0; i < 4; i++)
            vin[r].w[i] = r == 0 ? 0xa5a5a500u + (uint32_t)i
                                 : 0x3f800000u + (uint32_t)(r << 20) + (uint32_t)i;
    /* write-only destinations */
    RUN("movups r", "movups %%xmm1, %%xmm0");
    RUN("movupd m", "movupd vmem, %%xmm0");
    RUN("movups r (store form)", ".byte 0x0f, 0x11, 0xc8");
    RUN("movaps r", "movaps %%xmm2, %%xmm0");
    RUN("movapd m", "movapd vmem, %%xmm0");
    RUN("movaps r (store form)", ".byte 0x0f, 0x29, 0xd0");
    RUN("movss m", "movss vmem, %%xmm0");
    RUN("movsd m", "movsd vmem, %%xmm0");
    RUN("movsldup", "movsldup %%xmm3, %%xmm0");
    RUN("movshdup", "movshdup %%xmm3, %%xmm0");
    RUN("movddup", "movddup %%xmm3, %%xmm0");
    RUN("sqrtps", "sqrtps %%xmm4, %%xmm0");
    RUN("sqrtpd", "sqrtpd %%xmm4, %%xmm0");
    RUN("rsqrtps", "rsqrtps %%xmm4, %%xmm0");
    RUN("rcpps", "rcpps %%xmm4, %%xmm0");
    RUN("cvtps2pd", "cvtps2pd %%xmm5, %%xmm0");
    RUN("cvtpd2ps", "cvtpd2ps %%xmm5, %%xmm0");
    RUN("cvtdq2ps", "cvtdq2ps %%xmm5, %%xmm0");
    RUN("cvtps2dq", "cvtps2dq %%xmm5, %%xmm0");
    RUN("cvttps2dq", "cvttps2dq %%xmm5, %%xmm0");
    RUN("cvttpd2dq", "cvttpd2dq %%xmm5, %%xmm0");
    RUN("cvtpd2dq", "cvtpd2dq %%xmm5, %%xmm0");
    RUN("cvtdq2pd", "cvtdq2pd %%xmm5, %%xmm0");
    RUN("movd r32", "movd %%edx, %%xmm0");
    RUN("movdqa r", "movdqa %%xmm6, %%xmm0");
    RUN("movdqu m", "movdqu vmem, %%xmm0");
    RUN("movdqa r (store form)", ".byte 0x66, 0x0f, 0x7f, 0xf0");
    RUN("movq xmm, xmm", "movq %%xmm6, %%xmm0");
    RUN("movq xmm, m64", "movq vmem, %%xmm0");
    RUN("movq r (store form)", ".byte 0x66, 0x0f, 0xd6, 0xf0");
    RUN("pshufd", "pshufd $0x1b, %%xmm7, %%xmm0");
    RUN("pshufhw", "pshufhw $0x1b, %%xmm7, %%xmm0");
    RUN("pshuflw", "pshuflw $0x1b, %%xmm7, %%xmm0");
    RUN("pabsb", "pabsb %%xmm7, %%xmm0");
    RUN("pabsd", "pabsd %%xmm7, %%xmm0");
    RUN("pmovsxbw", "pmovsxbw %%xmm7, %%xmm0");
    RUN("pmovsxdq", "pmovsxdq %%xmm7, %%xmm0");
    RUN("pmovzxbd", "pmovzxbd %%xmm7, %%xmm0");
    RUN("pmovzxwq m", "pmovzxwq vmem, %%xmm0");
    RUN("movntdqa", "movntdqa vmem, %%xmm0");
    RUN("roundps", "roundps $1, %%xmm3, %%xmm0");
    RUN("roundpd", "roundpd $2, %%xmm3, %%xmm0");
    /* results independent of the old value */
    RUN("xorps x, x", "xorps %%xmm0, %%xmm0");
    RUN("xorpd x, x", "xorpd %%xmm0, %%xmm0");
    RUN("pxor x, x", "pxor %%xmm0, %%xmm0");
    RUN("pcmpeqb x, x", "pcmpeqb %%xmm0, %%xmm0");
    RUN("pcmpeqd x, x", "pcmpeqd %%xmm0, %%xmm0");
    RUN("psubq x, x", "psubq %%xmm0, %%xmm0");
    /* look-alikes that keep part of the destination */
    RUN("movss r", "movss %%xmm1, %%xmm0");
    RUN("movsd r", "movsd %%xmm1, %%xmm0");
    RUN("movss r (store form)", ".byte 0xf3, 0x0f, 0x11, 0xc8");
    RUN("movlps m", "movlps vmem, %%xmm0");
    RUN("movhpd m", "movhpd vmem, %%xmm0");
    RUN("movhlps", "movhlps %%xmm2, %%xmm0");
    RUN("movlhps", "movlhps %%xmm2, %%xmm0");
    RUN("cvtss2sd", "cvtss2sd %%xmm3, %%xmm0");
    RUN("cvtsd2ss", "cvtsd2ss %%xmm3, %%xmm0");
    RUN("cvtsi2ss", "cvtsi2ss %%edx, %%xmm0");
    RUN("cvtsi2sd m", "cvtsi2sdl gpr_in, %%xmm0");
    RUN("sqrtss", "sqrtss %%xmm4, %%xmm0");
    RUN("sqrtsd", "sqrtsd %%xmm4, %%xmm0");
    RUN("rcpss", "rcpss %%xmm4, %%xmm0");
    RUN("roundss", "roundss $1, %%xmm3, %%xmm0");
    RUN("roundsd", "roundsd $1, %%xmm3, %%xmm0");
    RUN("pinsrw", "pinsrw $3, %%edx, %%xmm0");
    RUN("pinsrd", "pinsrd $1, %%edx, %%xmm0");
    RUN("insertps", "insertps $0x50, %%xmm5, %%xmm0");
    RUN("palignr", "palignr $4, %%xmm5, %%xmm0");
    RUN("pblendw", "pblendw $0x0f, %%xmm5, %%xmm0");
    RUN("shufps", "shufps $0x1b, %%xmm5, %%xmm0");
    RUN("unpcklps", "unpcklps %%xmm5, %%xmm0");
    RUN("xorps x, y", "xorps %%xmm5, %%xmm0");
    return 0;
}
