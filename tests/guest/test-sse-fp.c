/*
 * test-sse-fp.c - SSE/SSE2/SSE3 floating point under every MXCSR rounding
 * mode with DAZ and FTZ off and on: arithmetic, sqrt, rcp/rsqrt, min/max,
 * cmpps/pd/ss/sd with all eight predicates, comis/ucomis (EFLAGS),
 * conversions (including to and from GPRs and MMX), horizontal and addsub
 * ops; register and memory forms, over +-0, denormals, +-inf, QNaN/SNaN
 * with payloads, largest/smallest finite and rounding-boundary values.
 * Each line prints the result in hex and MXCSR (flags cleared before).
 *
 * Built without -msse (see test-sse-int.c): the asm lists no xmm clobbers.
 */
#include "guest.h"

typedef struct {
    uint8_t b[16];
} __attribute__((aligned(16))) V;

typedef void (*TestFn)(const V *a, const V *b, V *r, uint32_t *csr);

/* MXCSR = *csr; xmm0 = a; op xmm1 (= b) or op [b]; *csr = MXCSR after */
#define T2(name, insn)                                                                             \
    static void rr_##name(const V *a, const V *b, V *r, uint32_t *csr)                             \
    {                                                                                              \
        __asm__ volatile("movdqu (%0), %%xmm0\n\tmovdqu (%1), %%xmm1\n\tldmxcsr (%3)\n\t" insn     \
                         " %%xmm1, %%xmm0\n\tstmxcsr (%3)\n\tmovdqu %%xmm0, (%2)" ::"r"(a),        \
                         "r"(b), "r"(r), "r"(csr)                                                  \
                         : "memory");                                                              \
    }                                                                                              \
    static void rm_##name(const V *a, const V *b, V *r, uint32_t *csr)                             \
    {                                                                                              \
        __asm__ volatile("movdqu (%0), %%xmm0\n\tldmxcsr (%3)\n\t" insn                            \
                         " (%1), %%xmm0\n\tstmxcsr (%3)\n\tmovdqu %%xmm0, (%2)" ::"r"(a),          \
                         "r"(b), "r"(r), "r"(csr)                                                  \
                         : "memory");                                                              \
    }

/* kinds: which vector set the operands come from */
enum { KS, KD, KI }; /* single, double, int32 */
#define L(name, kind)                                                                              \
    {                                                                                              \
#name, rr_##name, rm_##name, kind                                                          \
    }

/* clang-format off */
T2(addps, "addps")
T2(addss, "addss")
T2(addpd, "addpd")
T2(addsd, "addsd")
T2(subps, "subps")
T2(subss, "subss")
T2(subpd, "subpd")
T2(subsd, "subsd")
T2(mulps, "mulps")
T2(mulss, "mulss")
T2(mulpd, "mulpd")
T2(mulsd, "mulsd")
T2(divps, "divps")
T2(divss, "divss")
T2(divpd, "divpd")
T2(divsd, "divsd")
T2(minps, "minps")
T2(minss, "minss")
T2(minpd, "minpd")
T2(minsd, "minsd")
T2(maxps, "maxps")
T2(maxss, "maxss")
T2(maxpd, "maxpd")
T2(maxsd, "maxsd")
T2(sqrtps, "sqrtps")
T2(sqrtss, "sqrtss")
T2(sqrtpd, "sqrtpd")
T2(sqrtsd, "sqrtsd")
T2(rcpps, "rcpps")
T2(rcpss, "rcpss")
T2(rsqrtps, "rsqrtps")
T2(rsqrtss, "rsqrtss")
T2(cmpeqps, "cmpps $0,")
T2(cmpltps, "cmpps $1,")
T2(cmpleps, "cmpps $2,")
T2(cmpunordps, "cmpps $3,")
T2(cmpneqps, "cmpps $4,")
T2(cmpnltps, "cmpps $5,")
T2(cmpnleps, "cmpps $6,")
T2(cmpordps, "cmpps $7,")
T2(cmpeqss, "cmpss $0,")
T2(cmpltss, "cmpss $1,")
T2(cmpnless, "cmpss $6,")
T2(cmpordss, "cmpss $7,")
T2(cmpeqpd, "cmppd $0,")
T2(cmpltpd, "cmppd $1,")
T2(cmplepd, "cmppd $2,")
T2(cmpunordpd, "cmppd $3,")
T2(cmpneqpd, "cmppd $4,")
T2(cmpnltpd, "cmppd $5,")
T2(cmpnlepd, "cmppd $6,")
T2(cmpordpd, "cmppd $7,")
T2(cmpps9, "cmpps $9,")
T2(cmpssfd, "cmpss $0xfd,")
T2(cmppd1c, "cmppd $0x1c,")
T2(cmplesd, "cmpsd $2,")
T2(cmpunordsd, "cmpsd $3,")
T2(cmpneqsd, "cmpsd $4,")
T2(cvtps2pd, "cvtps2pd")
T2(cvtpd2ps, "cvtpd2ps")
T2(cvtss2sd, "cvtss2sd")
T2(cvtsd2ss, "cvtsd2ss")
T2(cvtdq2ps, "cvtdq2ps")
T2(cvtps2dq, "cvtps2dq")
T2(cvttps2dq, "cvttps2dq")
T2(cvttpd2dq, "cvttpd2dq")
T2(cvtdq2pd, "cvtdq2pd")
T2(cvtpd2dq, "cvtpd2dq")
T2(haddps, "haddps")
T2(haddpd, "haddpd")
T2(hsubps, "hsubps")
T2(hsubpd, "hsubpd")
T2(addsubps, "addsubps")
T2(addsubpd, "addsubpd")
/* clang-format on */

static const struct {
    const char *name;
    TestFn rr, rm;
    int kind;
} tests[] = {
    L(addps, KS),      L(addss, KS),      L(addpd, KD),      L(addsd, KD),    L(subps, KS),
    L(subss, KS),      L(subpd, KD),      L(subsd, KD),      L(mulps, KS),    L(mulss, KS),
    L(mulpd, KD),      L(mulsd, KD),      L(divps, KS),      L(divss, KS),    L(divpd, KD),
    L(divsd, KD),      L(minps, KS),      L(minss, KS),      L(minpd, KD),    L(minsd, KD),
    L(maxps, KS),      L(maxss, KS),      L(maxpd, KD),      L(maxsd, KD),    L(sqrtps, KS),
    L(sqrtss, KS),     L(sqrtpd, KD),     L(sqrtsd, KD),     L(rcpps, KS),    L(rcpss, KS),
    L(rsqrtps, KS),    L(rsqrtss, KS),    L(cmpeqps, KS),    L(cmpltps, KS),  L(cmpleps, KS),
    L(cmpunordps, KS), L(cmpneqps, KS),   L(cmpnltps, KS),   L(cmpnleps, KS), L(cmpordps, KS),
    L(cmpeqss, KS),    L(cmpltss, KS),    L(cmpnless, KS),   L(cmpordss, KS), L(cmpeqpd, KD),
    L(cmpltpd, KD),    L(cmplepd, KD),    L(cmpunordpd, KD), L(cmpneqpd, KD), L(cmpnltpd, KD),
    L(cmpnlepd, KD),   L(cmpordpd, KD),   L(cmpps9, KS),     L(cmpssfd, KS),  L(cmppd1c, KD),
    L(cmplesd, KD),    L(cmpunordsd, KD), L(cmpneqsd, KD),   L(cvtps2pd, KS), L(cvtpd2ps, KD),
    L(cvtss2sd, KS),   L(cvtsd2ss, KD),   L(cvtdq2ps, KI),   L(cvtps2dq, KS), L(cvttps2dq, KS),
    L(cvttpd2dq, KD),  L(cvtdq2pd, KI),   L(cvtpd2dq, KD),   L(haddps, KS),   L(haddpd, KD),
    L(hsubps, KS),     L(hsubpd, KD),     L(addsubps, KS),   L(addsubpd, KD),
};

static const uint32_t f32s[] = {
    0x00000000, 0x80000000, 0x00000001, 0x807fffff, 0x00800000, 0x7f7fffff, 0xff7fffff,
    0x7f800000, 0xff800000, 0x7fc12345, 0xffc00000, 0x7f812345, 0x3f800000, 0x3f800001,
    0x40400000, 0xbfc00000, 0x4f000000, 0xcf000000, 0x4effffff, 0x3eaaaaab, 0x00400000,
    0x0c000000, 0x72000000, 0x3fffffff, 0xbf7fffff, 0x4b000001, 0x3f000000, 0xc0400000,
};
static const uint64_t f64s[] = {
    0x0000000000000000ull, 0x8000000000000000ull, 0x0000000000000001ull, 0x800fffffffffffffull,
    0x0010000000000000ull, 0x7fefffffffffffffull, 0xffefffffffffffffull, 0x7ff0000000000000ull,
    0xfff0000000000000ull, 0x7ff8000000012345ull, 0xfff8000000000000ull, 0x7ff0000000012345ull,
    0x3ff0000000000000ull, 0x3ff0000000000001ull, 0x4008000000000000ull, 0xbff8000000000000ull,
    0x41e0000000000000ull, 0xc1e0000000000000ull, 0x41dfffffffc00000ull, 0x3fd5555555555555ull,
    0x0008000000000000ull, 0x2000000000000000ull, 0x6000000000000000ull, 0x3ff8000000000001ull,
    0x36a0000000000000ull, 0x47efffffe0000000ull, 0x41dfffffffe00000ull, 0xc1e0000000100000ull,
};
static const uint32_t i32s[] = {0,          1,          0xffffffff, 0x7fffffff,
                                0x80000000, 0x01000001, 0xfeffffff, 0x00ffffff,
                                0x12345678, 0x87654321, 3,          0x40000001};

#define NV 14
static V sv[NV], dv[NV], iv[NV];

static void make_vectors(void)
{
    int ns = sizeof f32s / sizeof f32s[0], nd = sizeof f64s / sizeof f64s[0];
    int ni = sizeof i32s / sizeof i32s[0];
    for (int v = 0; v < NV; v++) {
        uint32_t w[4];
        uint64_t q[2];
        for (int i = 0; i < 4; i++)
            w[i] = f32s[(v * 4 + i * 3) % ns];
        memcpy(sv[v].b, w, 16);
        for (int i = 0; i < 2; i++)
            q[i] = f64s[(v * 2 + i * 7) % nd];
        memcpy(dv[v].b, q, 16);
        for (int i = 0; i < 4; i++)
            w[i] = i32s[(v * 4 + i) % ni];
        memcpy(iv[v].b, w, 16);
    }
}

/* MXCSR settings: rounding control x {none, DAZ, FTZ, both}; all masked */
static uint32_t mode_csr(int m)
{
    return 0x1f80 | (uint32_t)(m & 3) << 13 | ((m & 4) ? 0x40 : 0) | ((m & 8) ? 0x8000 : 0);
}

static void print_v(const V *r, uint32_t csr)
{
    uint32_t w[4];
    memcpy(w, r->b, 16);
    printf(" %08x%08x%08x%08x/%04x", w[3], w[2], w[1], w[0], csr);
}

static void run_table(void)
{
    for (size_t t = 0; t < sizeof tests / sizeof tests[0]; t++) {
        const V *set = tests[t].kind == KS ? sv : tests[t].kind == KD ? dv : iv;
        for (int i = 0; i < NV; i++) {
            int j = (i * 3 + 5) % NV;
            printf("%s %d,%d:", tests[t].name, i, j);
            for (int m = 0; m < 16; m++) {
                V r;
                uint32_t csr = mode_csr(m);
                if (m & 1) /* alternate register and memory forms */
                    tests[t].rm(&set[i], &set[j], &r, &csr);
                else
                    tests[t].rr(&set[i], &set[j], &r, &csr);
                print_v(&r, csr);
            }
            printf("\n");
        }
    }
}

/* comis/ucomis: EFLAGS; cvt*2si: GPR results.  One block of state so the
 * asm needs a single pointer: sa 0, sb 16, da 32, db 48, csr 64, fl 96, g 112 */
typedef struct {
    V sa, sb, da, db;
    uint32_t csr[8], fl[4], g[8];
} GprState;

static void run_gpr(void)
{
    for (int i = 0; i < NV; i++) {
        int j = (i * 5 + 1) % NV;
        for (int m = 0; m < 16; m += 5) {
            GprState st;
            st.sa = sv[i];
            st.sb = sv[j];
            st.da = dv[i];
            st.db = dv[j];
            for (int k = 0; k < 8; k++)
                st.csr[k] = mode_csr(m);
            __asm__ volatile(
                "movdqu 0(%0), %%xmm0\n\tmovdqu 16(%0), %%xmm1\n\t"
                "ldmxcsr 64(%0)\n\tcomiss %%xmm1, %%xmm0\n\tpushf\n\tpop 96(%0)\n\tstmxcsr "
                "64(%0)\n\t"
                "ldmxcsr 68(%0)\n\tucomiss 16(%0), %%xmm0\n\tpushf\n\tpop 100(%0)\n\tstmxcsr "
                "68(%0)\n\t"
                "movdqu 32(%0), %%xmm2\n\tmovdqu 48(%0), %%xmm3\n\t"
                "ldmxcsr 72(%0)\n\tcomisd 48(%0), %%xmm2\n\tpushf\n\tpop 104(%0)\n\tstmxcsr "
                "72(%0)\n\t"
                "ldmxcsr 76(%0)\n\tucomisd %%xmm3, %%xmm2\n\tpushf\n\tpop 108(%0)\n\tstmxcsr "
                "76(%0)\n\t"
                "ldmxcsr 80(%0)\n\tcvtss2si %%xmm0, %%eax\n\tmov %%eax, 112(%0)\n\t"
                "cvttss2si 16(%0), %%eax\n\tmov %%eax, 116(%0)\n\tstmxcsr 80(%0)\n\t"
                "ldmxcsr 84(%0)\n\tcvtsd2si 48(%0), %%eax\n\tmov %%eax, 120(%0)\n\t"
                "cvttsd2si %%xmm2, %%eax\n\tmov %%eax, 124(%0)\n\tstmxcsr 84(%0)\n\t"
                "ldmxcsr 88(%0)\n\tmovl $0x12345678, %%eax\n\tcvtsi2ss %%eax, %%xmm0\n\t"
                "movd %%xmm0, 128(%0)\n\tcvtsi2sd 32(%0), %%xmm1\n\tmovq %%xmm1, 132(%0)\n\t"
                "stmxcsr 88(%0)\n\t"
                :
                : "r"(&st)
                : "eax", "memory");
            uint32_t *f = st.fl, *g = st.g, *csr = st.csr;
            printf("gpr %d,%d m%d: comis %03x/%04x %03x/%04x %03x/%04x %03x/%04x", i, j, m,
                   f[0] & 0x8d5, csr[0], f[1] & 0x8d5, csr[1], f[2] & 0x8d5, csr[2], f[3] & 0x8d5,
                   csr[3]);
            printf(" cvt %08x %08x %08x %08x/%04x %08x/%04x %08x%08x/%04x\n", g[0], g[1], g[2],
                   g[3], csr[4], g[4], csr[5], g[6], g[5], csr[6]);
        }
    }
}

/* cvtpi2ps / cvtps2pi / cvttps2pi / cvtpi2pd / cvtpd2pi through MMX */
static void run_mmx_cvt(void)
{
    for (int i = 0; i < NV; i++) {
        uint32_t out[16], csr = 0x1f80;
        __asm__ volatile("ldmxcsr (%4)\n\t"
                         "movdqu (%1), %%xmm0\n\tmovq (%2), %%mm0\n\t"
                         "cvtpi2ps %%mm0, %%xmm0\n\tmovdqu %%xmm0, 0(%0)\n\t"
                         "cvtps2pi (%3), %%mm1\n\tmovq %%mm1, 16(%0)\n\t"
                         "movdqu (%3), %%xmm1\n\tcvttps2pi %%xmm1, %%mm2\n\tmovq %%mm2, 24(%0)\n\t"
                         "cvtpi2pd (%2), %%xmm2\n\tmovdqu %%xmm2, 32(%0)\n\t"
                         "cvtpd2pi %%xmm2, %%mm3\n\tmovq %%mm3, 48(%0)\n\t"
                         "cvttpd2pi (%1), %%mm4\n\tmovq %%mm4, 56(%0)\n\t"
                         "emms\n\tstmxcsr (%4)" ::"r"(out),
                         "r"(&sv[i]), "r"(&iv[i]), "r"(&sv[(i + 3) % NV]), "r"(&csr)
                         : "memory");
        printf("mmxcvt %d:", i);
        for (int k = 0; k < 16; k++)
            printf(" %08x", out[k]);
        printf(" /%04x\n", csr);
    }
}

/* Seeded random operands weighted towards the edge classes, many per op,
 * under random MXCSR modes; one line per op with a checksum of results and
 * MXCSRs (the fixed tables above print every value). */
static uint32_t rand_f32(void)
{
    uint32_t r = g_rand(), sign = r & 0x80000000u, m = g_rand() & 0x7fffff;
    switch (r & 15) {
    case 0:
        return sign; /* +-0 */
    case 1:
        return sign | (m ? m : 1); /* denormal */
    case 2:
        return sign | 0x7f800000u; /* inf */
    case 3:
        return sign | 0x7f800000u | (m ? m : 1); /* NaN */
    case 4:
        return sign | (uint32_t)(1 + (r >> 8) % 3) << 23 | m; /* tiny normal */
    case 5:
        return sign | (uint32_t)(252 + (r >> 8) % 3) << 23 | m; /* near max */
    case 6:
        return sign | 0x3f800000u | (m & 7); /* near 1 */
    case 7:
        return sign | (uint32_t)(150 + (r >> 8) % 8) << 23 | m; /* near 2^23..2^31 */
    default:
        return sign | (uint32_t)(100 + (r >> 8) % 56) << 23 | m;
    }
}

static uint64_t rand_f64(void)
{
    uint32_t r = g_rand();
    uint64_t sign = (uint64_t)(r & 0x80000000u) << 32;
    uint64_t m = ((uint64_t)g_rand() << 32 | g_rand()) & 0xfffffffffffffull;
    switch (r & 15) {
    case 0:
        return sign;
    case 1:
        return sign | (m ? m : 1);
    case 2:
        return sign | 0x7ff0000000000000ull;
    case 3:
        return sign | 0x7ff0000000000000ull | (m ? m : 1);
    case 4:
        return sign | (uint64_t)(1 + (r >> 8) % 3) << 52 | m;
    case 5:
        return sign | (uint64_t)(2044 + (r >> 8) % 3) << 52 | m;
    case 6:
        return sign | 0x3ff0000000000000ull | (m & 7);
    case 7:
        return sign | (uint64_t)(1043 + (r >> 8) % 12) << 52 | m;
    default:
        return sign | (uint64_t)(900 + (r >> 8) % 250) << 52 | m;
    }
}

static void run_random(void)
{
    g_srand(12345);
    for (size_t t = 0; t < sizeof tests / sizeof tests[0]; t++) {
        uint32_t h = 0;
        for (int k = 0; k < 800; k++) {
            V a, b, r;
            for (int i = 0; i < 4; i++) {
                uint32_t x = tests[t].kind == KS ? rand_f32() : g_rand();
                uint32_t y = tests[t].kind == KS ? rand_f32() : g_rand();
                memcpy(&a.b[4 * i], &x, 4);
                memcpy(&b.b[4 * i], &y, 4);
            }
            if (tests[t].kind == KD) {
                for (int i = 0; i < 2; i++) {
                    uint64_t x = rand_f64(), y = rand_f64();
                    memcpy(&a.b[8 * i], &x, 8);
                    memcpy(&b.b[8 * i], &y, 8);
                }
            }
            uint32_t csr = mode_csr((int)(g_rand() & 15));
            if (k & 1)
                tests[t].rm(&a, &b, &r, &csr);
            else
                tests[t].rr(&a, &b, &r, &csr);
            h = g_crc32(h, &r, sizeof r);
            h = g_crc32(h, &csr, sizeof csr);
        }
        printf("random %s: %08x\n", tests[t].name, h);
    }
}

int main(void)
{
    make_vectors();
    run_table();
    run_gpr();
    run_mmx_cvt();
    run_random();
    return 0;
}
