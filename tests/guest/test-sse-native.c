/*
 * test-sse-native.c - SSE instructions whose operands the x86-64 emitter
 * must map when it runs them as host instructions: guest ESP as a GPR
 * operand (host r12) in ModRM.reg and ModRM.rm, the implicit xmm0 of
 * blendvps and pcmpistrm, pcmpestri's implicit EAX/EDX/ECX and its flags,
 * comisd's flags, MMX <-> xmm conversions, and an unmasked SIMD exception
 * (SIGFPE with the destination untouched and MXCSR in the frame).
 * Everything prints as hex; native and xlat output must be identical.
 * Example line: "movd esp: 12345678 fedcba98"
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <ucontext.h>

#pragma GCC target("sse4.2")

typedef struct { uint32_t d[4]; } __attribute__((aligned(16))) V4;

static void pv(const char *what, const V4 *v)
{
    printf("%s %08x %08x %08x %08x", what, v->d[0], v->d[1], v->d[2], v->d[3]);
}

/* GPR operands that are guest ESP: save ESP in a static, use it, restore. */
uint32_t saved_esp, out1, out2; /* named in the asm: global */
V4 vin = {{0x12345678, 0xfedcba98, 0x0badf00d, 0x80000001}}, vout;
double dval = -1234.75;

static void test_esp_operands(void)
{
    /* movd xmm1, esp (ESP in ModRM.rm); movd esp, xmm1 (rm); pextrw esp (reg) */
    __asm__ volatile("movl %%esp, saved_esp\n\t"
                     "movl $0x13572468, %%esp\n\t"
                     "movd %%esp, %%xmm1\n\t"
                     "movdqa vin, %%xmm2\n\t"
                     "movd %%xmm2, %%esp\n\t"
                     "movl %%esp, out1\n\t"
                     "pextrw $3, %%xmm2, %%esp\n\t"
                     "movl %%esp, out2\n\t"
                     "movl saved_esp, %%esp\n\t"
                     "movdqa %%xmm1, vout"
                     :
                     :
                     : "xmm1", "xmm2", "memory");
    pv("movd esp:", &vout);
    printf(" out1=%08x out2=%08x\n", out1, out2);
    /* cvtsi2sd keeps xmm3's upper half: clear what libc's string code left
     * there (it depends on the stack and environment layout) */
    __asm__ volatile("pxor %%xmm3, %%xmm3\n\t"
                     "movl %%esp, saved_esp\n\t"
                     "cvttsd2si dval, %%esp\n\t"
                     "movl %%esp, out1\n\t"
                     "movl $-7, %%esp\n\t"
                     "cvtsi2sd %%esp, %%xmm3\n\t"
                     "pinsrw $5, %%esp, %%xmm3\n\t"
                     "pmovmskb %%xmm3, %%esp\n\t"
                     "movl %%esp, out2\n\t"
                     "movl saved_esp, %%esp\n\t"
                     "movdqa %%xmm3, vout"
                     :
                     :
                     : "xmm3", "memory");
    pv("cvt esp:", &vout);
    printf(" out1=%08x out2=%08x\n", out1, out2);
}

static void test_implicit(void)
{
    static V4 mask = {{0x80000000, 0, 0x80000000, 0x7fffffff}};
    static V4 a = {{1, 2, 3, 4}}, b = {{5, 6, 7, 8}};
    V4 r, m;
    __asm__ volatile("movdqa %2, %%xmm0\n\tmovdqa %3, %%xmm4\n\tblendvps %%xmm0, %4, %%xmm4\n\t"
                     "movdqa %%xmm4, %0\n\tmovdqa %%xmm0, %1"
                     : "=m"(r), "=m"(m)
                     : "m"(mask), "m"(a), "m"(b)
                     : "xmm0", "xmm4");
    pv("blendvps:", &r);
    pv(" xmm0:", &m);
    printf("\n");
    static const char s1[16] __attribute__((aligned(16))) = "hello, world!!!";
    static const char s2[16] __attribute__((aligned(16))) = "lo";
    uint32_t ecx, fl;
    __asm__ volatile("movdqa %3, %%xmm5\n\tmovl $2, %%eax\n\tmovl $15, %%edx\n\t"
                     "pcmpestri $0x0c, %4, %%xmm5\n\tpushfl\n\tpopl %1\n\t"
                     "pcmpistrm $0x44, %4, %%xmm5\n\tmovdqa %%xmm0, %2"
                     : "=c"(ecx), "=r"(fl), "=m"(r)
                     : "m"(s2), "m"(s1)
                     : "eax", "edx", "xmm0", "xmm5", "cc");
    printf("pcmpestri ecx=%u flags=%03x", ecx, fl & 0x8d5);
    pv(" pcmpistrm xmm0:", &r);
    printf("\n");
    double x = 1.5, y = 0.0 / 0.0;
    __asm__ volatile("movsd %1, %%xmm6\n\tcomisd %2, %%xmm6\n\tpushfl\n\tpopl %0"
                     : "=r"(fl)
                     : "m"(x), "m"(y)
                     : "xmm6", "cc");
    printf("comisd nan: flags=%03x\n", fl & 0x8d5);
}

static void test_mmx_xmm(void)
{
    static uint64_t q = 0x8000000100000002ull;
    V4 r;
    __asm__ volatile("movq %1, %%mm2\n\tcvtpi2pd %%mm2, %%xmm7\n\tmovq2dq %%mm2, %%xmm1\n\t"
                     "paddd %%xmm1, %%xmm7\n\tmovdqa %%xmm7, %0\n\temms"
                     : "=m"(r)
                     : "m"(q)
                     : "xmm1", "xmm7");
    pv("mmx-xmm:", &r);
    printf("\n");
}

static sigjmp_buf jb;
static volatile uint32_t got_code, got_mxcsr, got_x2;

static void on_fpe(int sig, siginfo_t *si, void *ucv)
{
    (void)sig;
    ucontext_t *uc = ucv;
    got_code = (uint32_t)si->si_code;
    /* i386: the fxsave image follows the legacy fnsave part in the frame */
    const uint8_t *fp = (const uint8_t *)uc->uc_mcontext.fpregs;
    memcpy((void *)&got_mxcsr, fp + 112 + 24, 4);
    memcpy((void *)&got_x2, fp + 112 + 160 + 32, 4);
    siglongjmp(jb, 1);
}

static void test_unmasked(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_fpe;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigaction(SIGFPE, &sa, NULL);
    static V4 one = {{0x3f800000, 0x3f800000, 0x3f800000, 0x3f800000}};
    static V4 zero = {{0, 0x3f800000, 0x3f800000, 0x3f800000}};
    static uint32_t csr = 0x1f80 & ~0x200, dflt = 0x1f80; /* ZM unmasked */
    if (sigsetjmp(jb, 1) == 0) {
        __asm__ volatile("movaps %0, %%xmm2\n\tldmxcsr %2\n\tdivps %1, %%xmm2\n\tldmxcsr %3"
                         :
                         : "m"(one), "m"(zero), "m"(csr), "m"(dflt)
                         : "xmm2");
        printf("unmasked: no signal\n");
    } else {
        __asm__ volatile("ldmxcsr %0" : : "m"(dflt));
        printf("unmasked: code=%u mxcsr=%08x xmm2.d0=%08x\n", got_code, got_mxcsr, got_x2);
    }
    signal(SIGFPE, SIG_DFL);
}

int main(void)
{
    test_esp_operands();
    test_implicit();
    test_mmx_xmm();
    test_unmasked();
    return 0;
}
