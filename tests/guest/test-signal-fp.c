/*
 * test-signal-fp.c - x87/MMX/SSE state in i386 signal frames.
 *
 * A handler must start with a fresh FPU (fcw 0x037f, empty stack, MXCSR
 * 0x1f80, xmm zero); the frame's fpstate (struct _fpstate_32: legacy fnsave
 * header, then the fxsave/xsave image with FP_XSTATE_MAGIC1/2) holds the
 * interrupted state; sigreturn restores it, including edits the handler made
 * in the frame (the legacy header's x87 part wins over the image's, as on
 * Linux); SIGFPE from an unmasked x87 (#MF) and SSE (#XM) exception shows
 * the status word / MXCSR in the frame, and fixing them there resumes.
 * Printed values are deterministic: FIP/FDP (which hosts may hide) and the
 * undefined C0/C2/C3 bits are not printed; the xsave image size and feature
 * mask differ by host and are only checked for consistency.
 * Example line:  handler entry: fcw 037f fsw 0000 ftw ffff mxcsr 00001f80 xmm-zero 1
 */
#define _GNU_SOURCE
#include "guest.h"

#include <signal.h>
#include <ucontext.h>
#include <unistd.h>

/* struct _fpstate_32 (asm/sigcontext.h) byte offsets */
enum {
    FP_CW = 0,
    FP_SW = 4,
    FP_TAG = 8,
    FP_CSSEL = 16,
    FP_DATASEL = 24,
    FP_ST = 28, /* 8 x 10 bytes, ST(0) first */
    FP_STATUS = 108,
    FP_MAGIC = 110,
    FX = 112, /* the fxsave image */
    FX_MXCSR = FX + 24,
    FX_ST = FX + 32,
    FX_XMM = FX + 160,
    FX_SW = FX + 464, /* struct _fpx_sw_bytes */
    FX_HDR = FX + 512,
};
#define SW_UNDEF 0x4500u /* C0 C2 C3: undefined after most x87 instructions */

static uint32_t rd32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}
static uint16_t rd16(const uint8_t *p)
{
    uint16_t v;
    memcpy(&v, p, 2);
    return v;
}
static void wr32(uint8_t *p, uint32_t v)
{
    memcpy(p, &v, 4);
}

static void hex(const char *tag, const uint8_t *p, int n)
{
    printf("%s", tag);
    for (int i = n - 1; i >= 0; i--)
        printf("%02x", p[i]);
    printf("\n");
}

static uint8_t *fpstate_of(void *ucv)
{
    ucontext_t *uc = ucv;
    return (uint8_t *)uc->uc_mcontext.fpregs;
}

static uint8_t xin[8][16] __attribute__((aligned(16)));
static uint8_t xout[8][16] __attribute__((aligned(16)));
static uint8_t stout[4][10];
static uint16_t cwout;
static uint32_t mxout;

/* 42.0 and 7.0 as 80-bit values */
static const uint8_t f80_42[10] = {0, 0, 0, 0, 0, 0, 0, 0xa8, 0x04, 0x40};
static const uint8_t f80_7[10] = {0, 0, 0, 0, 0, 0, 0, 0xe0, 0x01, 0x40};

/* (The guest tests are built without -msse, so gcc never keeps values in
 * xmm registers and the asm blocks need not, and cannot, list them.)
 * Load x87 (fild 12345, fld1, fldpi, fldl2e), xmm0-7 from xin, fcw 0x027f
 * and MXCSR 0x3f80, send sig to ourselves with a bare int 0x80 (no libc code
 * between), then store what survived into stout/xout/cwout/mxout. */
static void __attribute__((noinline)) run_with_fp_state(int sig)
{
    static const uint16_t cw_in = 0x027f, cw_def = 0x037f;
    static const uint32_t mx_in = 0x3f80, mx_def = 0x1f80;
    static const int ival = 12345;
    int ret = 37; /* kill */
    __asm__ volatile("fninit\n\tfldcw %[cwin]\n\tldmxcsr %[mxin]\n\t"
                     "movups 0(%%esi),%%xmm0\n\tmovups 16(%%esi),%%xmm1\n\t"
                     "movups 32(%%esi),%%xmm2\n\tmovups 48(%%esi),%%xmm3\n\t"
                     "movups 64(%%esi),%%xmm4\n\tmovups 80(%%esi),%%xmm5\n\t"
                     "movups 96(%%esi),%%xmm6\n\tmovups 112(%%esi),%%xmm7\n\t"
                     "fildl %[iv]\n\tfld1\n\tfldpi\n\tfldl2e\n\t"
                     "int $0x80\n\t"
                     "fstpt 0(%%edx)\n\tfstpt 10(%%edx)\n\tfstpt 20(%%edx)\n\tfstpt 30(%%edx)\n\t"
                     "movups %%xmm0,0(%%edi)\n\tmovups %%xmm1,16(%%edi)\n\t"
                     "movups %%xmm2,32(%%edi)\n\tmovups %%xmm3,48(%%edi)\n\t"
                     "movups %%xmm4,64(%%edi)\n\tmovups %%xmm5,80(%%edi)\n\t"
                     "movups %%xmm6,96(%%edi)\n\tmovups %%xmm7,112(%%edi)\n\t"
                     "fnstcw %[cwout]\n\tstmxcsr %[mxout]\n\t"
                     "fldcw %[cwdef]\n\tldmxcsr %[mxdef]"
                     : "+a"(ret), [cwout] "=m"(cwout), [mxout] "=m"(mxout)
                     : "b"(getpid()), "c"(sig), "S"(xin), "D"(xout), "d"(stout),
                       [cwin] "m"(cw_in), [mxin] "m"(mx_in), [iv] "m"(ival),
                       [cwdef] "m"(cw_def), [mxdef] "m"(mx_def)
                     : "memory", "cc", "st", "st(1)", "st(2)", "st(3)", "st(4)", "st(5)",
                       "st(6)", "st(7)");
}

static void print_after(const char *what)
{
    printf("%s: fcw %04x mxcsr %08x\n", what, cwout, mxout);
    for (int i = 0; i < 4; i++) {
        char tag[16];
        snprintf(tag, sizeof(tag), "  st%d ", i);
        hex(tag, stout[i], 10);
    }
    for (int i = 0; i < 8; i++) {
        char tag[16];
        snprintf(tag, sizeof(tag), "  xmm%d ", i);
        hex(tag, xout[i], 16);
    }
}

/* ---- 1: fresh state in the handler, frame layout, state preserved ---- */

static void print_entry_state(void)
{
    uint16_t cw, sw;
    uint32_t mx, any = 0;
    uint8_t env[28], x[8][16];
    __asm__ volatile("fnstcw %0\n\tfnstsw %1\n\tstmxcsr %2\n\tfnstenv %3\n\tfldcw %0\n\t"
                     "movups %%xmm0,0(%4)\n\tmovups %%xmm1,16(%4)\n\t"
                     "movups %%xmm2,32(%4)\n\tmovups %%xmm3,48(%4)\n\t"
                     "movups %%xmm4,64(%4)\n\tmovups %%xmm5,80(%4)\n\t"
                     "movups %%xmm6,96(%4)\n\tmovups %%xmm7,112(%4)"
                     : "=m"(cw), "=m"(sw), "=m"(mx), "=m"(env)
                     : "r"(x)
                     : "memory");
    for (int i = 0; i < 8; i++)
        for (int j = 0; j < 16; j++)
            any |= x[i][j];
    printf("handler entry: fcw %04x fsw %04x ftw %04x mxcsr %08x xmm-zero %d\n", cw, sw,
           rd16(env + 8), mx, any == 0);
}

static void print_frame(void *ucv)
{
    uint8_t *fp = fpstate_of(ucv);
    uint8_t *fx = fp + FX;
    uint32_t xsize = rd32(fp + FX_SW + 16);
    printf("fpstate: in-frame-above-uc %d image-aligned64 %d magic %04x status==fsw %d\n",
           fp > (uint8_t *)ucv, ((uintptr_t)fx & 63) == 0, rd16(fp + FP_MAGIC),
           rd16(fp + FP_STATUS) == rd16(fx + 2));
    /* extended_size = legacy header + xsave image + MAGIC2 */
    printf("xstate: magic1 %d ext-size-ok %d features-fpsse %u magic2 %d xstate_bv-fpsse %u\n",
           rd32(fp + FX_SW) == 0x46505853u, rd32(fp + FX_SW + 4) == FX + xsize + 4,
           rd32(fp + FX_SW + 8) & 3, rd32(fx + xsize) == 0x46505845u, rd32(fp + FX_HDR) & 3);
    printf("legacy: cw %08x sw %08x tag %08x cssel %08x datasel %08x\n", rd32(fp + FP_CW),
           rd32(fp + FP_SW) & ~SW_UNDEF, rd32(fp + FP_TAG), rd32(fp + FP_CSSEL),
           rd32(fp + FP_DATASEL));
    printf("fxsave: fcw %04x fsw %04x ftw %02x mxcsr %08x\n", rd16(fx), rd16(fx + 2) & ~SW_UNDEF,
           fx[4], rd32(fp + FX_MXCSR));
    int same = 1;
    for (int i = 0; i < 8; i++)
        same &= !memcmp(fp + FP_ST + 10 * i, fp + FX_ST + 16 * i, 10);
    printf("legacy st == fxsave st: %d\n", same);
    for (int i = 0; i < 4; i++) {
        char tag[16];
        snprintf(tag, sizeof(tag), "  frame st%d ", i);
        hex(tag, fp + FP_ST + 10 * i, 10);
    }
    printf("frame xmm == interrupted xmm: %d\n", !memcmp(fp + FX_XMM, xin, sizeof(xin)));
}

/* Leave junk in the FPU: sigreturn must put the interrupted state back. */
static void clobber_fpu(void)
{
    static const uint16_t cw = 0x007f;
    static const uint32_t mx = 0x7f80;
    static const uint8_t junk[16] __attribute__((aligned(16))) = {
        0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee,
        0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee};
    __asm__ volatile("fldz\n\tfld1\n\tfldpi\n\tfldcw %0\n\tldmxcsr %1\n\t"
                     "movaps %2,%%xmm0\n\tmovaps %%xmm0,%%xmm1\n\tmovaps %%xmm0,%%xmm2\n\t"
                     "movaps %%xmm0,%%xmm3\n\tmovaps %%xmm0,%%xmm4\n\tmovaps %%xmm0,%%xmm5\n\t"
                     "movaps %%xmm0,%%xmm6\n\tmovaps %%xmm0,%%xmm7"
                     :
                     : "m"(cw), "m"(mx), "m"(junk)
                     : "memory");
}

static void on_check(int sig, siginfo_t *si, void *ucv)
{
    (void)sig;
    (void)si;
    print_entry_state();
    print_frame(ucv);
    clobber_fpu();
}

/* ---- 2: the handler edits the saved state ---- */

static void on_edit(int sig, siginfo_t *si, void *ucv)
{
    (void)sig;
    (void)si;
    uint8_t *fp = fpstate_of(ucv);
    memcpy(fp + FP_ST, f80_42, 10);     /* legacy ST(0): this one counts */
    memcpy(fp + FX_ST, f80_7, 10);      /* image ST(0): overridden */
    wr32(fp + FP_CW, 0xffff0f7f);       /* extended precision, chop */
    memset(fp + FX_XMM + 16, 0x5a, 16); /* xmm1 */
    wr32(fp + FX_MXCSR, 0x7f80);        /* round toward zero */
    clobber_fpu();
}

/* ---- 3: old-style (non-SA_SIGINFO) frame: sigcontext.fpstate ---- */

static void on_old(int sig)
{
    uint32_t fpa;
    memcpy(&fpa, (uint8_t *)(&sig + 1) + 76, 4); /* struct sigcontext .fpstate */
    uint8_t *fp = (uint8_t *)(uintptr_t)fpa;
    printf("old frame: fpstate %d magic %04x cw %08x xmm2 == interrupted %d\n", fp != NULL,
           rd16(fp + FP_MAGIC), rd32(fp + FP_CW), !memcmp(fp + FX_XMM + 32, xin[2], 16));
    memcpy(fp + FP_ST + 10, f80_42, 10); /* ST(1) */
    memset(fp + FX_XMM + 32, 0xa5, 16);  /* xmm2 */
    clobber_fpu();
}

/* ---- 4: SIGFPE from unmasked x87 and SSE exceptions ---- */

extern const char x87_wait_insn[], sse_div_insn[];

static void on_fpe(int sig, siginfo_t *si, void *ucv)
{
    (void)sig;
    ucontext_t *uc = ucv;
    uint8_t *fp = fpstate_of(ucv);
    uint32_t eip = (uint32_t)uc->uc_mcontext.gregs[REG_EIP];
    printf("SIGFPE: code %d trapno %d err %d at-x87-wait %d at-divss %d\n", si->si_code,
           (int)uc->uc_mcontext.gregs[REG_TRAPNO], (int)uc->uc_mcontext.gregs[REG_ERR],
           eip == (uint32_t)(uintptr_t)x87_wait_insn, eip == (uint32_t)(uintptr_t)sse_div_insn);
    printf("  legacy cw %08x sw %04x status %04x; fxsave fsw %04x mxcsr %08x\n",
           rd32(fp + FP_CW), rd32(fp + FP_SW) & 0x38ff, rd16(fp + FP_STATUS) & 0x38ff,
           rd16(fp + FX + 2) & 0x38ff, rd32(fp + FX_MXCSR));
    /* resume with the exception masked and its flags cleared */
    wr32(fp + FP_CW, rd32(fp + FP_CW) | 0x3f);
    wr32(fp + FP_SW, rd32(fp + FP_SW) & ~0x80ffu);
    wr32(fp + FX_MXCSR, (rd32(fp + FX_MXCSR) | 0x1f80) & ~0x3fu);
}

static void x87_fpe(void)
{
    static const uint16_t cw = 0x037b, cw_def = 0x037f; /* ZM clear */
    static const double zero = 0.0;
    double r;
    uint16_t sw;
    __asm__ volatile("fninit\n\tfldcw %[cw]\n\tfld1\n\tfdivl %[z]\n\t"
                     ".globl x87_wait_insn\nx87_wait_insn:\n\tfwait\n\t"
                     "fstpl %[r]\n\tfnstsw %[sw]\n\tfldcw %[cwdef]"
                     : [r] "=m"(r), [sw] "=m"(sw)
                     : [cw] "m"(cw), [z] "m"(zero), [cwdef] "m"(cw_def)
                     : "memory", "st");
    uint64_t bits;
    memcpy(&bits, &r, 8);
    printf("x87 after SIGFPE: result %016llx fsw %04x\n", (unsigned long long)bits, sw & 0x38ff);
}

static void sse_fpe(void)
{
    static const uint32_t mx = 0x1d80, mx_def = 0x1f80; /* ZM clear */
    static const float one = 1.0f, zero = 0.0f;
    float r;
    uint32_t mo;
    __asm__ volatile("ldmxcsr %[mx]\n\tmovss %[a],%%xmm0\n\tmovss %[b],%%xmm1\n\t"
                     ".globl sse_div_insn\nsse_div_insn:\n\tdivss %%xmm1,%%xmm0\n\t"
                     "movss %%xmm0,%[r]\n\tstmxcsr %[mo]\n\tldmxcsr %[mxdef]"
                     : [r] "=m"(r), [mo] "=m"(mo)
                     : [mx] "m"(mx), [a] "m"(one), [b] "m"(zero), [mxdef] "m"(mx_def)
                     : "memory");
    uint32_t bits;
    memcpy(&bits, &r, 4);
    printf("sse after SIGFPE: result %08x mxcsr %08x\n", bits, mo);
}

static void set_action(int sig, void (*h)(int, siginfo_t *, void *))
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = h;
    sa.sa_flags = SA_SIGINFO;
    sigaction(sig, &sa, NULL);
}

int main(void)
{
    for (int i = 0; i < 8; i++)
        for (int j = 0; j < 16; j++)
            xin[i][j] = (uint8_t)(i * 16 + j + 1);

    set_action(SIGUSR1, on_check);
    run_with_fp_state(SIGUSR1);
    print_after("after handler");

    set_action(SIGUSR2, on_edit);
    run_with_fp_state(SIGUSR2);
    print_after("after frame edit");

    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_old;
    sigaction(SIGHUP, &sa, NULL);
    run_with_fp_state(SIGHUP);
    print_after("after old-frame edit");

    set_action(SIGFPE, on_fpe);
    x87_fpe();
    sse_fpe();
    return 0;
}
