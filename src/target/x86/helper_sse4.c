/*
 * helper_sse4.c - SSE4.1 (blends, round, dpps/dppd, insert/extract,
 * pmovsx/pmovzx, ptest, phminposuw, mpsadbw, movntdqa), SSE4.2 string
 * compares (pcmpestri/pcmpestrm/pcmpistri/pcmpistrm), AES-NI and
 * PCLMULQDQ.
 *
 * Where the host instruction takes imm8 as a compile-time constant
 * (round*, aeskeygenassist, pclmulqdq) the immediate is folded into the
 * operands or the host MXCSR instead, so one host instruction form serves
 * all 256 immediates: round* with imm8[2] = 0 runs under the host MXCSR with
 * RC = imm8[1:0]; aeskeygenassist XORs the round constant in afterwards;
 * pclmulqdq moves the selected quadwords to the low halves first.
 * The string compares are computed here in C, from the SDM's definition.
 * Example: pcmpistri $0x0c, xmm1, xmm0 finds substring xmm0 in xmm1: ECX =
 * the index of the first match, CF = a match, ZF/SF = xmm1/xmm0 end early.
 */
#include <immintrin.h>
#include <string.h>

#include "target/x86/helper_sse.h"
#include "target/x86/translate.h"

static __m128i vload(const X86Vec *v)
{
    return _mm_loadu_si128((const __m128i *)v);
}
static void vstore(X86Vec *v, __m128i x)
{
    _mm_storeu_si128((__m128i *)v, x);
}

/* ---- blends, inserts, extracts ---- */

/* blendps (esize 4), blendpd (8), pblendw (2): imm8 bit i picks s */
static void s4_blend(SseCtx *c)
{
    int esize = c->def->esize;
    for (int i = 0; i < 16 / esize; i++)
        if ((c->imm >> i) & 1)
            sse_set(&c->d, i, esize, sse_get(&c->s, i, esize));
}

/* pblendvb (1), blendvps (4), blendvpd (8): the sign of each XMM0 lane */
static void s4_blendv(SseCtx *c)
{
    int esize = c->def->esize;
    const X86Vec *m = &c->env->xmm[0];
    for (int i = 0; i < 16 / esize; i++)
        if (sse_get(m, i, esize) >> (esize * 8 - 1))
            sse_set(&c->d, i, esize, sse_get(&c->s, i, esize));
}

/* pextrb/pextrw/pextrd/extractps: to r32 (zero-extended) or memory */
static void s4_extract(SseCtx *c)
{
    int esize = c->def->esize;
    uint64_t v = sse_get(&c->s, c->imm & (16 / esize - 1), esize);
    memset(&c->d, 0, sizeof c->d);
    c->d.d[0] = (uint32_t)v;
}

/* pinsrb / pinsrd */
static void s4_insert(SseCtx *c)
{
    int esize = c->def->esize;
    sse_set(&c->d, c->imm & (16 / esize - 1), esize, sse_get(&c->s, 0, esize));
}

static void s4_insertps(SseCtx *c)
{
    uint32_t v = c->src_mem ? c->s.d[0] : c->s.d[(c->imm >> 6) & 3];
    c->d.d[(c->imm >> 4) & 3] = v;
    for (int i = 0; i < 4; i++)
        if ((c->imm >> i) & 1)
            c->d.d[i] = 0;
}

/* pmovsx* / pmovzx* (0F 38 2x / 3x): low nibble names the widths */
static void s4_pmovx(SseCtx *c)
{
    static const uint8_t from[6] = {1, 1, 1, 2, 2, 4}, to[6] = {2, 4, 8, 4, 8, 8};
    int k = c->def->opcode & 7, fs = from[k], ts = to[k];
    bool sign = (c->def->opcode & 0xf0) == 0x20;
    X86Vec r;
    for (int i = 0; i < 16 / ts; i++) {
        uint64_t v = sse_get(&c->s, i, fs);
        if (sign && (v >> (fs * 8 - 1)))
            v |= ~0ull << (fs * 8);
        sse_set(&r, i, ts, v);
    }
    c->d = r;
}

/* ptest: ZF = (d AND s) == 0, CF = (NOT d AND s) == 0, others cleared */
static void s4_ptest(SseCtx *c)
{
    uint64_t z = (c->d.q[0] & c->s.q[0]) | (c->d.q[1] & c->s.q[1]);
    uint64_t cf = (~c->d.q[0] & c->s.q[0]) | (~c->d.q[1] & c->s.q[1]);
    c->env->cc = (z ? 0 : X86_ZF) | (cf ? 0 : X86_CF);
}

static void s4_phminposuw(SseCtx *c)
{
    int best = 0;
    for (int i = 1; i < 8; i++)
        if (c->s.w[i] < c->s.w[best])
            best = i;
    memset(&c->d, 0, sizeof c->d);
    c->d.w[0] = c->s.w[best];
    c->d.w[1] = (uint16_t)best;
}

static void s4_mpsadbw(SseCtx *c)
{
    int o1 = ((c->imm >> 2) & 1) * 4, o2 = (c->imm & 3) * 4;
    X86Vec r;
    for (int i = 0; i < 8; i++) {
        int sum = 0;
        for (int k = 0; k < 4; k++) {
            int diff = c->d.b[o1 + i + k] - c->s.b[o2 + k];
            sum += diff < 0 ? -diff : diff;
        }
        r.w[i] = (uint16_t)sum;
    }
    c->d = r;
}

/* ---- floating point (SF_FP: under the guest MXCSR) ---- */

/* round*: imm8[2] = 0 takes the rounding from imm8[1:0] (put into the host
 * MXCSR here); imm8[3] suppresses the precision exception (its flag is
 * taken back out of the host MXCSR, which held no flags before the op).
 * One straight-line function per form: a branch between forms would let
 * the compiler run the other forms speculatively and raise their flags. */
static void round_begin(const SseCtx *c)
{
    if (!(c->imm & 4))
        host_csr_set((host_csr_get() & ~0x6000u) | (uint32_t)(c->imm & 3) << 13);
}

static void round_end(SseCtx *c, __m128i r)
{
    __asm__ volatile("" : "+x"(r)); /* the op is done before the flags are read */
    if (c->imm & 8)
        host_csr_set(host_csr_get() & ~0x20u);
    vstore(&c->d, r);
}

__attribute__((target("sse4.1"))) static void s4_roundps(SseCtx *c)
{
    round_begin(c);
    round_end(c, _mm_castps_si128(_mm_round_ps(_mm_castsi128_ps(vload(&c->s)), 4)));
}

__attribute__((target("sse4.1"))) static void s4_roundpd(SseCtx *c)
{
    round_begin(c);
    round_end(c, _mm_castpd_si128(_mm_round_pd(_mm_castsi128_pd(vload(&c->s)), 4)));
}

__attribute__((target("sse4.1"))) static void s4_roundss(SseCtx *c)
{
    round_begin(c);
    __m128 a = _mm_castsi128_ps(vload(&c->d)), b = _mm_castsi128_ps(vload(&c->s));
    round_end(c, _mm_castps_si128(_mm_round_ss(a, b, 4)));
}

__attribute__((target("sse4.1"))) static void s4_roundsd(SseCtx *c)
{
    round_begin(c);
    __m128d a = _mm_castsi128_pd(vload(&c->d)), b = _mm_castsi128_pd(vload(&c->s));
    round_end(c, _mm_castpd_si128(_mm_round_sd(a, b, 4)));
}

static float lane_f(const X86Vec *v, int i)
{
    float f;
    memcpy(&f, &v->d[i], 4);
    return f;
}

static double lane_d(const X86Vec *v, int i)
{
    double f;
    memcpy(&f, &v->q[i], 8);
    return f;
}

/* A product computed only on the path that asks for it: the volatile asm
 * keeps the compiler from hoisting the multiply out of its branch (a
 * masked-out product must raise no flag). */
static float mul_f(float a, float b)
{
    __asm__ volatile("" : "+x"(a));
    return a * b;
}

static double mul_d(double a, double b)
{
    __asm__ volatile("" : "+x"(a));
    return a * b;
}

/* dpps / dppd run in stages (products, pairwise sums, final sum) and the
 * CPU stops at the end of the first stage that raises an unmasked
 * exception: the flags of later stages are not reported (measured: dpps
 * whose products underflow with UM clear traps with UE PE, without the DE
 * the sum of those denormal products would add), those of earlier stages
 * are (sse_fp_flags_staged).  Each stage's flags are its lane ops' exact
 * flags (sse_lane_flags: PE as the CPU takes it with an unmasked UE or OE,
 * UE for exact tiny results with UM clear); the host computes the values.
 * dp_stage_end ends a stage with flags f: true if the CPU stops there. */
static bool dp_stage_end(SseCtx *c, uint32_t f)
{
    uint32_t all = c->fp_kept | f;
    host_csr_set((host_csr_get() & ~0x3fu) | all);
    if (f & ~(c->env->mxcsr >> 7) & 0x3fu)
        return true;
    c->fp_kept = all;
    return false;
}

static uint64_t bits_f(float f)
{
    uint32_t u;
    __asm__ volatile("" : "+x"(f));
    memcpy(&u, &f, 4);
    return u;
}

static uint64_t bits_d(double f)
{
    uint64_t u;
    __asm__ volatile("" : "+x"(f));
    memcpy(&u, &f, 8);
    return u;
}

/* The flags of the float or double (dbl) sum of two stage results. */
static uint32_t add_flags(const SseCtx *c, uint64_t a, uint64_t b, bool dbl)
{
    return sse_lane_flags(c->env, SSE_LANE_ADD, a, b, dbl);
}

/* dpps: masked products (masked-out lanes are +0.0 and compute nothing),
 * summed pairwise as the SDM orders it, broadcast to the imm8[3:0] lanes */
static void s4_dpps(SseCtx *c)
{
    float t[4];
    uint64_t b[4];
    uint32_t f = 0;
    for (int i = 0; i < 4; i++) {
        bool on = (c->imm >> (4 + i)) & 1;
        t[i] = on ? mul_f(lane_f(&c->d, i), lane_f(&c->s, i)) : 0.0f;
        b[i] = bits_f(t[i]);
        if (on)
            f |= sse_lane_flags(c->env, SSE_LANE_MUL, c->d.d[i], c->s.d[i], false);
    }
    if (dp_stage_end(c, f))
        return; /* the trap follows: the destination is not written */
    float lo = t[0] + t[1], hi = t[2] + t[3];
    bits_f(lo);
    bits_f(hi);
    f = add_flags(c, b[0], b[1], false) | add_flags(c, b[2], b[3], false);
    if (dp_stage_end(c, f))
        return;
    float sum = lo + hi;
    f = add_flags(c, bits_f(lo), bits_f(hi), false);
    bits_f(sum); /* computed before its stage ends (and its host flags go) */
    if (dp_stage_end(c, f))
        return;
    for (int i = 0; i < 4; i++) {
        float v = ((c->imm >> i) & 1) ? sum : 0.0f;
        memcpy(&c->d.d[i], &v, 4);
    }
}

static void s4_dppd(SseCtx *c)
{
    double t[2];
    uint32_t f = 0;
    for (int i = 0; i < 2; i++) {
        bool on = (c->imm >> (4 + i)) & 1;
        t[i] = on ? mul_d(lane_d(&c->d, i), lane_d(&c->s, i)) : 0.0;
        if (on)
            f |= sse_lane_flags(c->env, SSE_LANE_MUL, c->d.q[i], c->s.q[i], true);
        bits_d(t[i]);
    }
    if (dp_stage_end(c, f))
        return;
    double sum = t[0] + t[1];
    f = add_flags(c, bits_d(t[0]), bits_d(t[1]), true);
    bits_d(sum);
    if (dp_stage_end(c, f))
        return;
    for (int i = 0; i < 2; i++) {
        double v = ((c->imm >> i) & 1) ? sum : 0.0;
        memcpy(&c->d.q[i], &v, 8);
    }
}

/* ---- SSE4.2 string compares ---- */

typedef struct StrCmp {
    int n;        /* elements: 16 bytes or 8 words */
    int la, lb;   /* valid lengths of d (reg1) and s (reg2/mem) */
    uint32_t res; /* IntRes2 */
} StrCmp;

static int32_t str_elem(const X86Vec *v, int i, int imm)
{
    switch (imm & 3) {
    case 0:
        return v->b[i];
    case 1:
        return v->w[i];
    case 2:
        return (int8_t)v->b[i];
    default:
        return (int16_t)v->w[i];
    }
}

static int str_implicit_len(const X86Vec *v, int n, int imm)
{
    int i = 0;
    while (i < n && str_elem(v, i, imm) != 0)
        i++;
    return i;
}

static int str_explicit_len(uint32_t reg, int n)
{
    int64_t v = (int32_t)reg;
    if (v < 0)
        v = -v;
    return v > n ? n : (int)v;
}

/* BoolRes for (b index j, a index i) with the SDM's invalid-element rules */
static bool str_bool(const SseCtx *c, const StrCmp *st, int agg, int j, int i)
{
    bool av = i < st->la, bv = j < st->lb;
    int32_t a = str_elem(&c->d, i, c->imm), b = str_elem(&c->s, j, c->imm);
    switch (agg) {
    case 0: /* equal any */
        return av && bv && a == b;
    case 1: /* ranges: a[even] <= b, b <= a[odd] */
        return av && bv && ((i & 1) ? b <= a : b >= a);
    case 2: /* equal each */
        return (av && bv) ? a == b : (!av && !bv);
    default: /* equal ordered */
        return !av ? true : !bv ? false : a == b;
    }
}

static void str_compute(SseCtx *c, StrCmp *st)
{
    int agg = (c->imm >> 2) & 3, n = st->n;
    uint32_t r1 = 0;
    for (int j = 0; j < n; j++) {
        bool bit = false;
        if (agg == 0) {
            for (int i = 0; i < n; i++)
                bit |= str_bool(c, st, agg, j, i);
        } else if (agg == 1) {
            for (int i = 0; i + 1 < n; i += 2)
                bit |= str_bool(c, st, agg, j, i) && str_bool(c, st, agg, j, i + 1);
        } else if (agg == 2) {
            bit = str_bool(c, st, agg, j, j);
        } else {
            bit = true;
            for (int i = 0; i < n - j; i++)
                bit &= str_bool(c, st, agg, j + i, i);
        }
        r1 |= (uint32_t)bit << j;
    }
    uint32_t all = (1u << n) - 1;
    switch ((c->imm >> 4) & 3) {
    case 1:
        r1 = ~r1 & all;
        break;
    case 3:
        r1 ^= (1u << st->lb) - 1; /* negate only where reg2/mem is valid */
        break;
    }
    st->res = r1;
    c->env->cc = (r1 ? X86_CF : 0) | (st->lb < n ? X86_ZF : 0) | (st->la < n ? X86_SF : 0) |
                 (r1 & 1 ? X86_OF : 0);
}

/* row esize: bit 0 explicit lengths (EAX, EDX), bit 1 index (else mask) */
static void s4_pcmpstr(SseCtx *c)
{
    CPUX86State *env = c->env;
    StrCmp st = {.n = (c->imm & 1) ? 8 : 16};
    if (c->def->esize & 1) {
        st.la = str_explicit_len(env->regs[R_EAX], st.n);
        st.lb = str_explicit_len(env->regs[R_EDX], st.n);
    } else {
        st.la = str_implicit_len(&c->d, st.n, c->imm);
        st.lb = str_implicit_len(&c->s, st.n, c->imm);
    }
    str_compute(c, &st);
    if (c->def->esize & 2) {
        int idx = st.n;
        if (st.res)
            idx = (c->imm & 0x40) ? 31 - __builtin_clz(st.res) : __builtin_ctz(st.res);
        env->regs[R_ECX] = (uint32_t)idx;
        return;
    }
    X86Vec m = {0};
    int esize = (c->imm & 1) ? 2 : 1;
    for (int i = 0; i < st.n; i++) {
        if (c->imm & 0x40)
            sse_set(&m, i, esize, ((st.res >> i) & 1) ? ~0ull : 0);
        else if ((st.res >> i) & 1)
            m.w[i / 16] |= (uint16_t)(1u << (i % 16));
    }
    env->xmm[0] = m;
}

/* ---- AES-NI, PCLMULQDQ ---- */

__attribute__((target("aes"))) static void s4_aes(SseCtx *c)
{
    __m128i a = vload(&c->d), b = vload(&c->s), r;
    switch (c->def->opcode & 0xff) {
    case 0xdb:
        r = _mm_aesimc_si128(b);
        break;
    case 0xdc:
        r = _mm_aesenc_si128(a, b);
        break;
    case 0xdd:
        r = _mm_aesenclast_si128(a, b);
        break;
    case 0xde:
        r = _mm_aesdec_si128(a, b);
        break;
    default:
        r = _mm_aesdeclast_si128(a, b);
        break;
    }
    vstore(&c->d, r);
}

__attribute__((target("aes"))) static void s4_aeskeygenassist(SseCtx *c)
{
    vstore(&c->d, _mm_aeskeygenassist_si128(vload(&c->s), 0));
    c->d.d[1] ^= c->imm;
    c->d.d[3] ^= c->imm;
}

__attribute__((target("pclmul"))) static void s4_pclmulqdq(SseCtx *c)
{
    __m128i a = _mm_set_epi64x(0, (long long)c->d.q[c->imm & 1]);
    __m128i b = _mm_set_epi64x(0, (long long)c->s.q[(c->imm >> 4) & 1]);
    vstore(&c->d, _mm_clmulepi64_si128(a, b, 0));
}

static void s4_mov(SseCtx *c)
{
    c->d = c->s;
}

/* Rows leave out trailing fields (zero) on purpose, like the decoder's. */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
/* clang-format off */
const X86SseDef x86_sse4_defs[] = {
    {0x3810, PX_66, "pblendvb", s4_blendv, 0, 1},
    {0x3814, PX_66, "blendvps", s4_blendv, 0, 4},
    {0x3815, PX_66, "blendvpd", s4_blendv, 0, 8},
    {0x3817, PX_66, "ptest", s4_ptest, SF_GPR},
    {0x3820, PX_66, "pmovsxbw", s4_pmovx}, {0x3821, PX_66, "pmovsxbd", s4_pmovx},
    {0x3822, PX_66, "pmovsxbq", s4_pmovx}, {0x3823, PX_66, "pmovsxwd", s4_pmovx},
    {0x3824, PX_66, "pmovsxwq", s4_pmovx}, {0x3825, PX_66, "pmovsxdq", s4_pmovx},
    {0x382a, PX_66, "movntdqa", s4_mov},
    {0x3830, PX_66, "pmovzxbw", s4_pmovx}, {0x3831, PX_66, "pmovzxbd", s4_pmovx},
    {0x3832, PX_66, "pmovzxbq", s4_pmovx}, {0x3833, PX_66, "pmovzxwd", s4_pmovx},
    {0x3834, PX_66, "pmovzxwq", s4_pmovx}, {0x3835, PX_66, "pmovzxdq", s4_pmovx},
    {0x3841, PX_66, "phminposuw", s4_phminposuw},
    {0x38db, PX_66, "aesimc", s4_aes}, {0x38dc, PX_66, "aesenc", s4_aes},
    {0x38dd, PX_66, "aesenclast", s4_aes}, {0x38de, PX_66, "aesdec", s4_aes},
    {0x38df, PX_66, "aesdeclast", s4_aes},
    {0x3a08, PX_66, "roundps", s4_roundps, SF_FP},
    {0x3a09, PX_66, "roundpd", s4_roundpd, SF_FP},
    {0x3a0a, PX_66, "roundss", s4_roundss, SF_FP | SF_SCALAR},
    {0x3a0b, PX_66, "roundsd", s4_roundsd, SF_FP | SF_SCALAR},
    {0x3a0c, PX_66, "blendps", s4_blend, 0, 4},
    {0x3a0d, PX_66, "blendpd", s4_blend, 0, 8},
    {0x3a0e, PX_66, "pblendw", s4_blend, 0, 2},
    {0x3a14, PX_66, "pextrb", s4_extract, SF_GPR, 1},
    {0x3a15, PX_66, "pextrw", s4_extract, SF_GPR, 2},
    {0x3a16, PX_66, "pextrd", s4_extract, SF_GPR, 4},
    {0x3a17, PX_66, "extractps", s4_extract, SF_GPR, 4},
    {0x3a20, PX_66, "pinsrb", s4_insert, 0, 1},
    {0x3a21, PX_66, "insertps", s4_insertps},
    {0x3a22, PX_66, "pinsrd", s4_insert, 0, 4},
    {0x3a40, PX_66, "dpps", s4_dpps, SF_FP | SF_STAGED},
    {0x3a41, PX_66, "dppd", s4_dppd, SF_FP | SF_STAGED},
    {0x3a42, PX_66, "mpsadbw", s4_mpsadbw},
    {0x3a44, PX_66, "pclmulqdq", s4_pclmulqdq},
    {0x3a60, PX_66, "pcmpestrm", s4_pcmpstr, SF_GPR | SF_UNALIGNED | SF_NOWB, 1},
    {0x3a61, PX_66, "pcmpestri", s4_pcmpstr, SF_GPR | SF_UNALIGNED | SF_NOWB, 3},
    {0x3a62, PX_66, "pcmpistrm", s4_pcmpstr, SF_GPR | SF_UNALIGNED | SF_NOWB, 0},
    {0x3a63, PX_66, "pcmpistri", s4_pcmpstr, SF_GPR | SF_UNALIGNED | SF_NOWB, 2},
    {0x3adf, PX_66, "aeskeygenassist", s4_aeskeygenassist},
    {0},
};
/* clang-format on */
