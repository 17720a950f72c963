/*
 * test-sse-int.c - SSE2/SSSE3/SSE4.1 packed integer instructions and the
 * SSE data moves, shuffles and inserts, register and memory forms, over
 * vectors of edge values (0, 1, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff,
 * 0x7fffffff, 0x80000000 ... and seeded random), printing results in hex.
 * The real CPU is the oracle: the output must match byte for byte.
 *
 * The asm lists no xmm clobbers: this file is built without -msse, so the
 * compiler uses no xmm register itself (and refuses xmm clobbers).
 */
#include "guest.h"

typedef struct {
    uint8_t b[16];
} __attribute__((aligned(16))) V;

typedef void (*TestFn)(const V *a, const V *b, V *r);

/* xmm0 = a; op xmm1 (= b) or op [b]; result from xmm0 */
#define T2(name, insn)                                                                             \
    static void rr_##name(const V *a, const V *b, V *r)                                            \
    {                                                                                              \
        __asm__ volatile("movdqu (%0), %%xmm0\n\tmovdqu (%1), %%xmm1\n\t" insn                     \
                         " %%xmm1, %%xmm0\n\tmovdqu %%xmm0, (%2)" ::"r"(a),                        \
                         "r"(b), "r"(r)                                                            \
                         : "memory");                                                              \
    }                                                                                              \
    static void rm_##name(const V *a, const V *b, V *r)                                            \
    {                                                                                              \
        __asm__ volatile("movdqu (%0), %%xmm0\n\t" insn                                            \
                         " (%1), %%xmm0\n\tmovdqu %%xmm0, (%2)" ::"r"(a),                          \
                         "r"(b), "r"(r)                                                            \
                         : "memory");                                                              \
    }

#define LIST2(name)                                                                                \
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
T2(punpcklqdq, "punpcklqdq")
T2(punpckhbw, "punpckhbw")
T2(punpckhwd, "punpckhwd")
T2(punpckhdq, "punpckhdq")
T2(punpckhqdq, "punpckhqdq")
T2(psllw, "psllw")
T2(pslld, "pslld")
T2(psllq, "psllq")
T2(psrlw, "psrlw")
T2(psrld, "psrld")
T2(psrlq, "psrlq")
T2(psraw, "psraw")
T2(psrad, "psrad")
T2(pshufd1b, "pshufd $0x1b,")
T2(pshufde4, "pshufd $0xe4,")
T2(pshufd00, "pshufd $0x00,")
T2(pshufhw, "pshufhw $0x9c,")
T2(pshuflw, "pshuflw $0x72,")
T2(shufps, "shufps $0x4e,")
T2(shufpd1, "shufpd $1,")
T2(shufpd2, "shufpd $2,")
T2(unpcklps, "unpcklps")
T2(unpckhps, "unpckhps")
T2(unpcklpd, "unpcklpd")
T2(unpckhpd, "unpckhpd")
T2(andps, "andps")
T2(andnps, "andnps")
T2(orps, "orps")
T2(xorps, "xorps")
T2(andpd, "andpd")
T2(andnpd, "andnpd")
T2(orpd, "orpd")
T2(xorpd, "xorpd")
T2(movaps, "movaps")
T2(movapd, "movapd")
T2(movdqa, "movdqa")
T2(movdqu, "movdqu")
T2(movups, "movups")
T2(movupd, "movupd")
T2(movss, "movss")
T2(movsd, "movsd")
T2(movq, "movq")
T2(movsldup, "movsldup")
T2(movshdup, "movshdup")
T2(movddup, "movddup")
T2(shufps1b, "shufps $0x1b,")
T2(shufpse0, "shufps $0xe0,")
/* SSSE3 */
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
T2(palignr0, "palignr $0,")
T2(palignr5, "palignr $5,")
T2(palignr16, "palignr $16,")
T2(palignr21, "palignr $21,")
T2(palignr40, "palignr $40,")
/* SSE4.1 integer */
T2(pmuldq, "pmuldq")
T2(pcmpeqq, "pcmpeqq")
T2(packusdw, "packusdw")
T2(pcmpgtq, "pcmpgtq")
T2(pminsb, "pminsb")
T2(pminsd, "pminsd")
T2(pminuw, "pminuw")
T2(pminud, "pminud")
T2(pmaxsb, "pmaxsb")
T2(pmaxsd, "pmaxsd")
T2(pmaxuw, "pmaxuw")
T2(pmaxud, "pmaxud")
T2(pmulld, "pmulld")
/* clang-format on */

static const struct {
    const char *name;
    TestFn rr, rm;
} tests[] = {
    LIST2(paddb),     LIST2(paddw),     LIST2(paddd),     LIST2(paddq),      LIST2(psubb),
    LIST2(psubw),     LIST2(psubd),     LIST2(psubq),     LIST2(paddsb),     LIST2(paddsw),
    LIST2(paddusb),   LIST2(paddusw),   LIST2(psubsb),    LIST2(psubsw),     LIST2(psubusb),
    LIST2(psubusw),   LIST2(pmullw),    LIST2(pmulhw),    LIST2(pmulhuw),    LIST2(pmuludq),
    LIST2(pmaddwd),   LIST2(psadbw),    LIST2(pavgb),     LIST2(pavgw),      LIST2(pminub),
    LIST2(pmaxub),    LIST2(pminsw),    LIST2(pmaxsw),    LIST2(pand),       LIST2(pandn),
    LIST2(por),       LIST2(pxor),      LIST2(pcmpeqb),   LIST2(pcmpeqw),    LIST2(pcmpeqd),
    LIST2(pcmpgtb),   LIST2(pcmpgtw),   LIST2(pcmpgtd),   LIST2(packsswb),   LIST2(packssdw),
    LIST2(packuswb),  LIST2(punpcklbw), LIST2(punpcklwd), LIST2(punpckldq),  LIST2(punpcklqdq),
    LIST2(punpckhbw), LIST2(punpckhwd), LIST2(punpckhdq), LIST2(punpckhqdq), LIST2(psllw),
    LIST2(pslld),     LIST2(psllq),     LIST2(psrlw),     LIST2(psrld),      LIST2(psrlq),
    LIST2(psraw),     LIST2(psrad),     LIST2(pshufd1b),  LIST2(pshufde4),   LIST2(pshufd00),
    LIST2(pshufhw),   LIST2(pshuflw),   LIST2(shufps),    LIST2(shufpd1),    LIST2(shufpd2),
    LIST2(unpcklps),  LIST2(unpckhps),  LIST2(unpcklpd),  LIST2(unpckhpd),   LIST2(andps),
    LIST2(andnps),    LIST2(orps),      LIST2(xorps),     LIST2(andpd),      LIST2(andnpd),
    LIST2(orpd),      LIST2(xorpd),     LIST2(movaps),    LIST2(movapd),     LIST2(movdqa),
    LIST2(movdqu),    LIST2(movups),    LIST2(movupd),    LIST2(movss),      LIST2(movsd),
    LIST2(movq),      LIST2(movsldup),  LIST2(movshdup),  LIST2(movddup),    LIST2(pshufb),
    LIST2(phaddw),    LIST2(phaddd),    LIST2(phaddsw),   LIST2(phsubw),     LIST2(phsubd),
    LIST2(phsubsw),   LIST2(pmaddubsw), LIST2(psignb),    LIST2(psignw),     LIST2(psignd),
    LIST2(pmulhrsw),  LIST2(pabsb),     LIST2(pabsw),     LIST2(pabsd),      LIST2(palignr0),
    LIST2(palignr5),  LIST2(palignr16), LIST2(palignr21), LIST2(palignr40),  LIST2(pmuldq),
    LIST2(pcmpeqq),   LIST2(packusdw),  LIST2(pcmpgtq),   LIST2(pminsb),     LIST2(pminsd),
    LIST2(pminuw),    LIST2(pminud),    LIST2(pmaxsb),    LIST2(pmaxsd),     LIST2(pmaxuw),
    LIST2(pmaxud),    LIST2(pmulld),    LIST2(shufps1b),  LIST2(shufpse0),
};

#define NVEC 12
static V vecs[NVEC];

static void make_vectors(void)
{
    static const uint32_t edge[] = {0,      1,      0x7f,       0x80,       0xff,       0x7fff,
                                    0x8000, 0xffff, 0x7fffffff, 0x80000000, 0xffffffff, 0x7f807f80};
    for (int v = 0; v < NVEC; v++) {
        uint32_t w[4];
        for (int i = 0; i < 4; i++) {
            if (v < 4)
                w[i] = edge[(v * 4 + i) % 12];
            else if (v < 8)
                w[i] = edge[(v * 3 + i * 5) % 12] ^ (edge[(v + i) % 12] << 16);
            else
                w[i] = g_rand();
        }
        memcpy(vecs[v].b, w, 16);
    }
    /* small shift counts and pshufb indices in some vectors */
    vecs[2].b[0] = 3;
    memset(vecs[2].b + 1, 0, 7);
    vecs[5].b[0] = 17;
    memset(vecs[5].b + 1, 0, 7);
    vecs[9].b[0] = 33;
    memset(vecs[9].b + 1, 0, 7);
}

static void print_v(const char *tag, const V *r)
{
    uint32_t w[4];
    memcpy(w, r->b, 16);
    printf(" %s%08x%08x%08x%08x", tag, w[3], w[2], w[1], w[0]);
}

/* GPR <-> xmm moves and extracts */
static void test_gpr_forms(void)
{
    for (int v = 0; v < NVEC; v++) {
        V r, r2;
        uint32_t x = 0, m = 0, e = 0, e7 = 0;
        uint32_t g = ((const uint32_t *)vecs[v].b)[1];
        __asm__ volatile("movdqu (%1), %%xmm2\n\t"
                         "movd %2, %%xmm3\n\t"
                         "movdqu %%xmm3, (%3)\n\t"
                         "movd %%xmm2, %0\n\t"
                         "pinsrw $5, %2, %%xmm2\n\t"
                         "movdqu %%xmm2, (%4)"
                         : "=&r"(x)
                         : "r"(&vecs[v]), "r"(g), "r"(&r), "r"(&r2)
                         : "memory");
        __asm__ volatile("movdqu (%3), %%xmm4\n\t"
                         "pmovmskb %%xmm4, %0\n\t"
                         "pextrw $2, %%xmm4, %1\n\t"
                         "pextrw $7, %%xmm4, %2\n\t"
                         : "=&r"(m), "=&r"(e), "=&r"(e7)
                         : "r"(&vecs[v])
                         : "memory");
        uint32_t mps, mpd;
        __asm__ volatile("movdqu (%2), %%xmm5\n\tmovmskps %%xmm5, %0\n\tmovmskpd %%xmm5, %1"
                         : "=&r"(mps), "=&r"(mpd)
                         : "r"(&vecs[v])
                         : "memory");
        printf("gpr v%d: movd %08x pmovmskb %04x pextrw %04x %04x movmsk %x %x", v, x, m, e, e7,
               mps, mpd);
        print_v("movd>", &r);
        print_v("pinsrw>", &r2);
        printf("\n");
    }
}

/* shifts by immediate (groups 12-14) */
#define TSI(insn)                                                                                  \
    __asm__ volatile("movdqu (%0), %%xmm6\n\t" insn ", %%xmm6\n\tmovdqu %%xmm6, (%1)" ::"r"(a),    \
                     "r"(&r)                                                                       \
                     : "memory");                                                                  \
    print_v(insn, &r)

static void test_shift_imm(void)
{
    for (int v = 0; v < NVEC; v++) {
        const V *a = &vecs[v];
        V r;
        printf("shimm v%d:", v);
        TSI("psrlw $3");
        TSI("psrlw $16");
        TSI("psraw $5");
        TSI("psraw $200");
        TSI("psllw $15");
        TSI("psrld $1");
        TSI("psrad $31");
        TSI("psrad $32");
        TSI("pslld $7");
        TSI("psrlq $63");
        TSI("psllq $33");
        TSI("psllq $64");
        TSI("psrldq $3");
        TSI("psrldq $17");
        TSI("pslldq $1");
        TSI("pslldq $15");
        printf("\n");
    }
}

/* memory stores of every width */
static void test_stores(void)
{
    for (int v = 0; v < 4; v++) {
        V buf[3];
        memset(buf, 0xcc, sizeof buf);
        uint8_t *p = (uint8_t *)buf;
        __asm__ volatile("movdqu (%0), %%xmm7\n\t"
                         "movss %%xmm7, 1(%1)\n\t"
                         "movsd %%xmm7, 6(%1)\n\t"
                         "movlps %%xmm7, 16(%1)\n\t"
                         "movhps %%xmm7, 24(%1)\n\t"
                         "movq %%xmm7, 33(%1)\n\t"
                         "movd %%xmm7, 42(%1)\n\t"
                         "movntdq %%xmm7, 48(%1)\n\t"
                         "movups %%xmm7, 17(%1)\n\t" ::"r"(&vecs[v + 4]),
                         "r"(p)
                         : "memory");
        printf("stores v%d:", v);
        for (int i = 0; i < 48; i++)
            printf("%02x", p[i]);
        printf("\n");
    }
    /* movhlps / movlhps / movlps / movhps loads / movq zero-extension */
    for (int v = 0; v < 4; v++) {
        V r[5];
        __asm__ volatile(
            "movdqu (%0), %%xmm0\n\tmovdqu (%1), %%xmm1\n\t"
            "movdqa %%xmm0, %%xmm2\n\tmovhlps %%xmm1, %%xmm2\n\tmovdqu %%xmm2, (%2)\n\t"
            "movdqa %%xmm0, %%xmm2\n\tmovlhps %%xmm1, %%xmm2\n\tmovdqu %%xmm2, 16(%2)\n\t"
            "movdqa %%xmm0, %%xmm2\n\tmovlps 8(%1), %%xmm2\n\tmovdqu %%xmm2, 32(%2)\n\t"
            "movdqa %%xmm0, %%xmm2\n\tmovhpd 4(%1), %%xmm2\n\tmovdqu %%xmm2, 48(%2)\n\t"
            "movdqa %%xmm0, %%xmm2\n\tmovq %%xmm1, %%xmm2\n\tmovdqu %%xmm2, 64(%2)\n\t" ::"r"(
                &vecs[v]),
            "r"(&vecs[v + 8]), "r"(r)
            : "memory");
        printf("loads v%d:", v);
        for (int i = 0; i < 5; i++)
            print_v("", &r[i]);
        printf("\n");
    }
}

/* lddqu (unaligned), movntps/movnti stores, maskmovdqu at DS:EDI */
static void test_misc_mem(void)
{
    for (int v = 0; v < 4; v++) {
        uint8_t buf[64];
        memset(buf, 0x33, sizeof buf);
        V r;
        uint8_t *p = buf;
        __asm__ volatile("lddqu 3(%0), %%xmm3\n\tmovdqu %%xmm3, (%3)\n\t"
                         "movdqu (%1), %%xmm4\n\tmovdqu (%2), %%xmm5\n\t"
                         "lea 32(%0), %%edi\n\tmaskmovdqu %%xmm5, %%xmm4\n\t"
                         "mov 4(%1), %%eax\n\tmovnti %%eax, 20(%0)\n\t"
                         "andl $-16, %%edi\n\tmovntps %%xmm4, 16(%%edi)\n\t" ::"r"(p),
                         "r"(&vecs[v + 4]), "r"(&vecs[v + 8]), "r"(&r)
                         : "eax", "edi", "memory");
        printf("mem v%d:", v);
        print_v("lddqu ", &r);
        printf(" buf ");
        for (int i = 0; i < 64; i++)
            printf("%02x", buf[i]);
        printf("\n");
    }
}

/* seeded random vectors, 200 pairs per op: one checksum line per op */
static void test_random(void)
{
    g_srand(777);
    for (size_t t = 0; t < sizeof tests / sizeof tests[0]; t++) {
        uint32_t h = 0;
        for (int k = 0; k < 200; k++) {
            V a, b, r;
            for (int i = 0; i < 16; i += 4) {
                uint32_t x = g_rand(), y = g_rand();
                if (k & 4) /* small values and shift counts in some lanes */
                    y &= 0x0f0f000f;
                memcpy(&a.b[i], &x, 4);
                memcpy(&b.b[i], &y, 4);
            }
            if (k & 1)
                tests[t].rm(&a, &b, &r);
            else
                tests[t].rr(&a, &b, &r);
            h = g_crc32(h, &r, sizeof r);
        }
        printf("random %s: %08x\n", tests[t].name, h);
    }
}

int main(void)
{
    make_vectors();
    for (size_t t = 0; t < sizeof tests / sizeof tests[0]; t++) {
        for (int i = 0; i < NVEC; i++) {
            int j = (i * 5 + 3) % NVEC;
            V r1, r2;
            memset(&r1, 0, sizeof r1);
            memset(&r2, 0, sizeof r2);
            tests[t].rr(&vecs[i], &vecs[j], &r1);
            tests[t].rm(&vecs[i], &vecs[j], &r2);
            printf("%s %d,%d:", tests[t].name, i, j);
            print_v("", &r1);
            print_v("m", &r2);
            printf("\n");
        }
    }
    test_gpr_forms();
    test_shift_imm();
    test_stores();
    test_misc_mem();
    test_random();
    return 0;
}
