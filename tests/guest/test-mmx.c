/*
 * test-mmx.c - MMX and the SSE/SSE2/SSSE3 MMX-register forms: every packed
 * integer op on mm registers (register and m64 forms; punpckl* with m32),
 * shifts by mm/m64 and by imm8, pshufw, pinsrw/pextrw, pmovmskb, movd/movq,
 * maskmovq, movntq, movq2dq/movdq2q, palignr/pshufb on mm, and the x87
 * aliasing (an MMX write makes TOP 0 and every tag valid; emms empties).
 * The real CPU is the oracle.  No xmm/mm clobbers: built without -mmmx.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <ucontext.h>

#include "guest.h"

typedef struct {
    uint8_t b[8];
} __attribute__((aligned(8))) M;

#define T2(name, insn)                                                                             \
    static void rr_##name(const M *a, const M *b, M *r)                                            \
    {                                                                                              \
        __asm__ volatile("movq (%0), %%mm0\n\tmovq (%1), %%mm1\n\t" insn                           \
                         " %%mm1, %%mm0\n\tmovq %%mm0, (%2)\n\temms" ::"r"(a),                     \
                         "r"(b), "r"(r)                                                            \
                         : "memory");                                                              \
    }                                                                                              \
    static void rm_##name(const M *a, const M *b, M *r)                                            \
    {                                                                                              \
        __asm__ volatile("movq (%0), %%mm2\n\t" insn                                               \
                         " (%1), %%mm2\n\tmovq %%mm2, (%2)\n\temms" ::"r"(a),                      \
                         "r"(b), "r"(r)                                                            \
                         : "memory");                                                              \
    }
#define L(name)                                                                                    \
    {                                                                                              \
#name, rr_##name, rm_##name                                                                \
    }

/* clang-format off */
T2(paddb, "paddb")
T2(paddw, "paddw")
T2(paddd, "paddd")
T2(paddq, "paddq")
T2(psubb, "psubb")
T2(psubw, "psubw")
T2(psubd, "psubd")
T2(psubq, "psubq")
T2(paddsb, "paddsb")
T2(paddsw, "paddsw")
T2(paddusb, "paddusb")
T2(paddusw, "paddusw")
T2(psubsb, "psubsb")
T2(psubsw, "psubsw")
T2(psubusb, "psubusb")
T2(psubusw, "psubusw")
T2(pmullw, "pmullw")
T2(pmulhw, "pmulhw")
T2(pmulhuw, "pmulhuw")
T2(pmuludq, "pmuludq")
T2(pmaddwd, "pmaddwd")
T2(psadbw, "psadbw")
T2(pavgb, "pavgb")
T2(pavgw, "pavgw")
T2(pminub, "pminub")
T2(pmaxub, "pmaxub")
T2(pminsw, "pminsw")
T2(pmaxsw, "pmaxsw")
T2(pand, "pand")
T2(pandn, "pandn")
T2(por, "por")
T2(pxor, "pxor")
T2(pcmpeqb, "pcmpeqb")
T2(pcmpeqw, "pcmpeqw")
T2(pcmpeqd, "pcmpeqd")
T2(pcmpgtb, "pcmpgtb")
T2(pcmpgtw, "pcmpgtw")
T2(pcmpgtd, "pcmpgtd")
T2(packsswb, "packsswb")
T2(packssdw, "packssdw")
T2(packuswb, "packuswb")
T2(punpcklbw, "punpcklbw")
T2(punpcklwd, "punpcklwd")
T2(punpckldq, "punpckldq")
T2(punpckhbw, "punpckhbw")
T2(punpckhwd, "punpckhwd")
T2(punpckhdq, "punpckhdq")
T2(psllw, "psllw")
T2(pslld, "pslld")
T2(psllq, "psllq")
T2(psrlw, "psrlw")
T2(psrld, "psrld")
T2(psrlq, "psrlq")
T2(psraw, "psraw")
T2(psrad, "psrad")
T2(pshufw1b, "pshufw $0x1b,")
T2(pshufwc6, "pshufw $0xc6,")
T2(movq, "movq")
T2(pshufb, "pshufb")
T2(phaddw, "phaddw")
T2(phaddd, "phaddd")
T2(phaddsw, "phaddsw")
T2(phsubw, "phsubw")
T2(phsubd, "phsubd")
T2(phsubsw, "phsubsw")
T2(pmaddubsw, "pmaddubsw")
T2(psignb, "psignb")
T2(psignw, "psignw")
T2(psignd, "psignd")
T2(pmulhrsw, "pmulhrsw")
T2(pabsb, "pabsb")
T2(pabsw, "pabsw")
T2(pabsd, "pabsd")
T2(palignr3, "palignr $3,")
T2(palignr9, "palignr $9,")
T2(palignr17, "palignr $17,")
/* clang-format on */

static const struct {
    const char *name;
    void (*rr)(const M *, const M *, M *);
    void (*rm)(const M *, const M *, M *);
} tests[] = {
    L(paddb),     L(paddw),     L(paddd),     L(paddq),     L(psubb),     L(psubw),
    L(psubd),     L(psubq),     L(paddsb),    L(paddsw),    L(paddusb),   L(paddusw),
    L(psubsb),    L(psubsw),    L(psubusb),   L(psubusw),   L(pmullw),    L(pmulhw),
    L(pmulhuw),   L(pmuludq),   L(pmaddwd),   L(psadbw),    L(pavgb),     L(pavgw),
    L(pminub),    L(pmaxub),    L(pminsw),    L(pmaxsw),    L(pand),      L(pandn),
    L(por),       L(pxor),      L(pcmpeqb),   L(pcmpeqw),   L(pcmpeqd),   L(pcmpgtb),
    L(pcmpgtw),   L(pcmpgtd),   L(packsswb),  L(packssdw),  L(packuswb),  L(punpcklbw),
    L(punpcklwd), L(punpckldq), L(punpckhbw), L(punpckhwd), L(punpckhdq), L(psllw),
    L(pslld),     L(psllq),     L(psrlw),     L(psrld),     L(psrlq),     L(psraw),
    L(psrad),     L(pshufw1b),  L(pshufwc6),  L(movq),      L(pshufb),    L(phaddw),
    L(phaddd),    L(phaddsw),   L(phsubw),    L(phsubd),    L(phsubsw),   L(pmaddubsw),
    L(psignb),    L(psignw),    L(psignd),    L(pmulhrsw),  L(pabsb),     L(pabsw),
    L(pabsd),     L(palignr3),  L(palignr9),  L(palignr17),
};

#define NV 10
static M vecs[NV];

static void print_m(const char *tag, const M *m)
{
    uint32_t w[2];
    memcpy(w, m->b, 8);
    printf(" %s%08x%08x", tag, w[1], w[0]);
}

/* one block so the asm needs one pointer: a 0, b 8, r 16, g 64, store 80 */
typedef struct {
    M a, b, r[6];
    uint32_t g[4];
    uint8_t store[16];
} MiscState;

static void test_misc(void)
{
    for (int v = 0; v < NV; v++) {
        MiscState st;
        st.a = vecs[v];
        st.b = vecs[(v + 1) % NV];
        memset(st.store, 0x5a, sizeof st.store);
        __asm__ volatile(
            "movq 0(%0), %%mm3\n\t"
            "movq %%mm3, %%mm4\n\tpsrlw $3, %%mm4\n\tmovq %%mm4, 16(%0)\n\t"
            "movq %%mm3, %%mm4\n\tpsraw $15, %%mm4\n\tmovq %%mm4, 24(%0)\n\t"
            "movq %%mm3, %%mm4\n\tpslld $9, %%mm4\n\tmovq %%mm4, 32(%0)\n\t"
            "movq %%mm3, %%mm4\n\tpsrad $40, %%mm4\n\tmovq %%mm4, 40(%0)\n\t"
            "movq %%mm3, %%mm4\n\tpsrlq $1, %%mm4\n\tpsllq $7, %%mm4\n\t"
            "movq %%mm4, 48(%0)\n\t"
            "pmovmskb %%mm3, %%eax\n\tmov %%eax, 64(%0)\n\t"
            "pextrw $3, %%mm3, %%eax\n\tmov %%eax, 68(%0)\n\t"
            "movd %%mm3, %%eax\n\tmov %%eax, 72(%0)\n\t"
            "movd 12(%0), %%mm5\n\tmovd %%mm5, 76(%0)\n\t"
            "mov 8(%0), %%eax\n\tpinsrw $2, %%eax, %%mm3\n\tpinsrw $0, 14(%0), %%mm3\n\t"
            "movq %%mm3, 56(%0)\n\t"
            "movq 8(%0), %%mm6\n\tmovq %%mm3, %%mm7\n\t"
            "lea 80(%0), %%edi\n\tmaskmovq %%mm6, %%mm7\n\t"
            "movntq %%mm3, 88(%0)\n\t"
            "emms" ::"r"(&st)
            : "eax", "edi", "memory");
        printf("misc %d:", v);
        for (int i = 0; i < 6; i++)
            print_m("", &st.r[i]);
        printf(" g %08x %08x %08x %08x st ", st.g[0], st.g[1], st.g[2], st.g[3]);
        for (int i = 0; i < 16; i++)
            printf("%02x", st.store[i]);
        printf("\n");
    }
    /* movq2dq / movdq2q / punpckl with m32 */
    for (int v = 0; v < 4; v++) {
        uint32_t out[8];
        __asm__ volatile("movq (%1), %%mm0\n\tpcmpeqd %%xmm0, %%xmm0\n\tmovq2dq %%mm0, %%xmm0\n\t"
                         "movdqu %%xmm0, 0(%0)\n\tmovdqu (%2), %%xmm1\n\tmovdq2q %%xmm1, %%mm1\n\t"
                         "movq %%mm1, 16(%0)\n\tmovq (%1), %%mm2\n\tpunpcklbw 2(%2), %%mm2\n\t"
                         "movq %%mm2, 24(%0)\n\temms" ::"r"(out),
                         "r"(&vecs[v]), "r"(&vecs[v + 2])
                         : "memory");
        printf("xfer %d:", v);
        for (int i = 0; i < 8; i++)
            printf(" %08x", out[i]);
        printf("\n");
    }
}

/* x87 view of the MMX state: status word TOP and the tag word */
static void test_aliasing(void)
{
    uint16_t env1[14], env2[14], env3[14];
    uint8_t ext[10];
    __asm__ volatile("fninit\n\tfld1\n\tfldz\n\t"
                     "movq (%3), %%mm1\n\tfnstenv (%0)\n\tfldcw (%0)\n\t"
                     "fstpt (%4)\n\t"
                     "emms\n\tfnstenv (%1)\n\tfldcw (%1)\n\t"
                     "fld1\n\tfnstenv (%2)\n\tfldcw (%2)\n\tfstp %%st(0)\n\tfninit" ::"r"(env1),
                     "r"(env2), "r"(env3), "r"(&vecs[3]), "r"(ext)
                     : "memory");
    printf("alias: after movq sw %04x tw %04x; fstpt mm0 ", env1[2] & 0x3800, env1[4]);
    for (int i = 0; i < 10; i++)
        printf("%02x", ext[i]);
    printf("; after emms sw %04x tw %04x; fld1 sw %04x tw %04x\n", env2[2] & 0x3800, env2[4],
           env3[2] & 0x3800, env3[4]);
}

/* A pending unmasked x87 exception is delivered by the next MMX
 * instruction (#MF), before it changes anything. */
volatile uint32_t mf_insn, mf_resume, mf_eip; /* named by the asm */
static volatile int mf_sig, mf_code;

static void mf_handler(int sig, siginfo_t *si, void *uc_)
{
    ucontext_t *uc = uc_;
    mf_sig = sig;
    mf_code = si->si_code;
    mf_eip = (uint32_t)uc->uc_mcontext.gregs[REG_EIP];
    uc->uc_mcontext.gregs[REG_EIP] = (greg_t)mf_resume;
}

static void test_pending_x87(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = mf_handler;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGFPE, &sa, NULL);
    static const char *names[] = {"movq", "paddb", "emms"};
    for (int k = 0; k < 3; k++) {
        uint16_t cw = 0x037b; /* ZE unmasked */
        M out;
        mf_sig = mf_code = 0;
        __asm__ volatile("fninit\n\tmovq (%1), %%mm0\n\tmovq (%2), %%mm1\n\temms\n\tfldcw (%0)\n\t"
                         "fld1\n\tfldz\n\tfdivrp\n\t" /* 1/0: ZE pending, no trap yet */
                         "movl $1f, mf_resume\n\t"
                         "cmpl $1, %3\n\tje 3f\n\tcmpl $2, %3\n\tje 4f\n\t"
                         "movl $0f, mf_insn\n0: movq %%mm1, %%mm0\n\tjmp 1f\n"
                         "3: movl $2f, mf_insn\n2: paddb %%mm1, %%mm0\n\tjmp 1f\n"
                         "4: movl $5f, mf_insn\n5: emms\n"
                         "1: fnclex\n\tmovq %%mm0, (%4)\n\temms\n\tfninit" ::"r"(&cw),
                         "r"(&vecs[1]), "r"(&vecs[2]), "r"(k), "r"(&out)
                         : "memory");
        printf("pending x87 + %s: sig %d code %d eip %+d", names[k], mf_sig, mf_code,
               mf_sig ? (int)(mf_eip - mf_insn) : 0);
        print_m("mm0 ", &out);
        printf("\n");
    }
    signal(SIGFPE, SIG_DFL);
}

int main(void)
{
    static const uint32_t edge[] = {0,      1,      0x7f,       0x80,       0xff,       0x7fff,
                                    0x8000, 0xffff, 0x7fffffff, 0x80000000, 0xffffffff, 0x807f7f80};
    for (int v = 0; v < NV; v++) {
        uint32_t w[2];
        for (int i = 0; i < 2; i++)
            w[i] = v < 6 ? edge[(v * 2 + i) % 12] ^ (edge[(v + 5 * i) % 12] << 8) : g_rand();
        memcpy(vecs[v].b, w, 8);
    }
    vecs[4].b[0] = 5;
    memset(vecs[4].b + 1, 0, 7);
    for (size_t t = 0; t < sizeof tests / sizeof tests[0]; t++)
        for (int i = 0; i < NV; i++) {
            int j = (i * 3 + 4) % NV;
            M r1, r2;
            tests[t].rr(&vecs[i], &vecs[j], &r1);
            tests[t].rm(&vecs[i], &vecs[j], &r2);
            printf("%s %d,%d:", tests[t].name, i, j);
            print_m("", &r1);
            print_m("m", &r2);
            printf("\n");
        }
    test_misc();
    test_aliasing();
    test_pending_x87();
    return 0;
}
