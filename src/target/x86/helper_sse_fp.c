/*
 * helper_sse_fp.c - SSE/SSE2/SSE3 floating point: arithmetic, sqrt, rcp,
 * rsqrt, min/max, compares, comis/ucomis, conversions, horizontal and
 * addsub ops, bitwise logic on floats.
 *
 * Rows flagged SF_FP run between sse_fp_begin() and sse_fp_end(): the host
 * MXCSR holds the guest's rounding control, DAZ and FTZ with every
 * exception masked, so the host's own SSE instruction (reached through the
 * compiler intrinsics below, one kernel per instruction) gives the exact
 * result and exception flags, which sse_fp_end() merges into the guest
 * MXCSR (SIGFPE when unmasked, before any result is written).
 * Example: divss xmm0, xmm1 with xmm1 = 0.0 and ZM clear -> ZE set, SIGFPE
 * (FPE_FLTDIV) at the instruction, xmm0 unchanged.
 */
#include <immintrin.h>
#include <string.h>

#include "target/x86/helper_sse.h"
#include "target/x86/translate.h"

typedef __m128i FpKernel(__m128i a, __m128i b);

static __m128i vload(const X86Vec *v)
{
    return _mm_loadu_si128((const __m128i *)v);
}
static void vstore(X86Vec *v, __m128i x)
{
    _mm_storeu_si128((__m128i *)v, x);
}
static __m128 PS(__m128i v)
{
    return _mm_castsi128_ps(v);
}
static __m128d PD(__m128i v)
{
    return _mm_castsi128_pd(v);
}
static __m128i IS(__m128 v)
{
    return _mm_castps_si128(v);
}
static __m128i ID(__m128d v)
{
    return _mm_castpd_si128(v);
}

/* ---- kernels: (dest, source) -> result, as the instruction computes ---- */

static __m128i k_addps(__m128i a, __m128i b)
{
    return IS(_mm_add_ps(PS(a), PS(b)));
}
static __m128i k_addpd(__m128i a, __m128i b)
{
    return ID(_mm_add_pd(PD(a), PD(b)));
}
static __m128i k_addss(__m128i a, __m128i b)
{
    return IS(_mm_add_ss(PS(a), PS(b)));
}
static __m128i k_addsd(__m128i a, __m128i b)
{
    return ID(_mm_add_sd(PD(a), PD(b)));
}
static __m128i k_subps(__m128i a, __m128i b)
{
    return IS(_mm_sub_ps(PS(a), PS(b)));
}
static __m128i k_subpd(__m128i a, __m128i b)
{
    return ID(_mm_sub_pd(PD(a), PD(b)));
}
static __m128i k_subss(__m128i a, __m128i b)
{
    return IS(_mm_sub_ss(PS(a), PS(b)));
}
static __m128i k_subsd(__m128i a, __m128i b)
{
    return ID(_mm_sub_sd(PD(a), PD(b)));
}
static __m128i k_mulps(__m128i a, __m128i b)
{
    return IS(_mm_mul_ps(PS(a), PS(b)));
}
static __m128i k_mulpd(__m128i a, __m128i b)
{
    return ID(_mm_mul_pd(PD(a), PD(b)));
}
static __m128i k_mulss(__m128i a, __m128i b)
{
    return IS(_mm_mul_ss(PS(a), PS(b)));
}
static __m128i k_mulsd(__m128i a, __m128i b)
{
    return ID(_mm_mul_sd(PD(a), PD(b)));
}
static __m128i k_divps(__m128i a, __m128i b)
{
    return IS(_mm_div_ps(PS(a), PS(b)));
}
static __m128i k_divpd(__m128i a, __m128i b)
{
    return ID(_mm_div_pd(PD(a), PD(b)));
}
static __m128i k_divss(__m128i a, __m128i b)
{
    return IS(_mm_div_ss(PS(a), PS(b)));
}
static __m128i k_divsd(__m128i a, __m128i b)
{
    return ID(_mm_div_sd(PD(a), PD(b)));
}
static __m128i k_minps(__m128i a, __m128i b)
{
    return IS(_mm_min_ps(PS(a), PS(b)));
}
static __m128i k_minpd(__m128i a, __m128i b)
{
    return ID(_mm_min_pd(PD(a), PD(b)));
}
static __m128i k_minss(__m128i a, __m128i b)
{
    return IS(_mm_min_ss(PS(a), PS(b)));
}
static __m128i k_minsd(__m128i a, __m128i b)
{
    return ID(_mm_min_sd(PD(a), PD(b)));
}
static __m128i k_maxps(__m128i a, __m128i b)
{
    return IS(_mm_max_ps(PS(a), PS(b)));
}
static __m128i k_maxpd(__m128i a, __m128i b)
{
    return ID(_mm_max_pd(PD(a), PD(b)));
}
static __m128i k_maxss(__m128i a, __m128i b)
{
    return IS(_mm_max_ss(PS(a), PS(b)));
}
static __m128i k_maxsd(__m128i a, __m128i b)
{
    return ID(_mm_max_sd(PD(a), PD(b)));
}
static __m128i k_sqrtps(__m128i a, __m128i b)
{
    return IS(_mm_sqrt_ps(PS(b)));
}
static __m128i k_sqrtpd(__m128i a, __m128i b)
{
    return ID(_mm_sqrt_pd(PD(b)));
}
static __m128i k_sqrtss(__m128i a, __m128i b)
{
    return IS(_mm_move_ss(PS(a), _mm_sqrt_ss(PS(b))));
}
static __m128i k_sqrtsd(__m128i a, __m128i b)
{
    return ID(_mm_sqrt_sd(PD(a), PD(b)));
}
static __m128i k_rsqrtps(__m128i a, __m128i b)
{
    return IS(_mm_rsqrt_ps(PS(b)));
}
static __m128i k_rsqrtss(__m128i a, __m128i b)
{
    return IS(_mm_move_ss(PS(a), _mm_rsqrt_ss(PS(b))));
}
static __m128i k_rcpps(__m128i a, __m128i b)
{
    return IS(_mm_rcp_ps(PS(b)));
}
static __m128i k_rcpss(__m128i a, __m128i b)
{
    return IS(_mm_move_ss(PS(a), _mm_rcp_ss(PS(b))));
}
static __m128i k_and(__m128i a, __m128i b)
{
    return _mm_and_si128(a, b);
}
static __m128i k_andn(__m128i a, __m128i b)
{
    return _mm_andnot_si128(a, b);
}
static __m128i k_or(__m128i a, __m128i b)
{
    return _mm_or_si128(a, b);
}
static __m128i k_xor(__m128i a, __m128i b)
{
    return _mm_xor_si128(a, b);
}

/* conversions */
static __m128i k_cvtps2pd(__m128i a, __m128i b)
{
    return ID(_mm_cvtps_pd(PS(b)));
}
static __m128i k_cvtpd2ps(__m128i a, __m128i b)
{
    return IS(_mm_cvtpd_ps(PD(b)));
}
static __m128i k_cvtss2sd(__m128i a, __m128i b)
{
    return ID(_mm_cvtss_sd(PD(a), PS(b)));
}
static __m128i k_cvtsd2ss(__m128i a, __m128i b)
{
    return IS(_mm_cvtsd_ss(PS(a), PD(b)));
}
static __m128i k_cvtdq2ps(__m128i a, __m128i b)
{
    return IS(_mm_cvtepi32_ps(b));
}
static __m128i k_cvtps2dq(__m128i a, __m128i b)
{
    return _mm_cvtps_epi32(PS(b));
}
static __m128i k_cvttps2dq(__m128i a, __m128i b)
{
    return _mm_cvttps_epi32(PS(b));
}
static __m128i k_cvttpd2dq(__m128i a, __m128i b)
{
    return _mm_cvttpd_epi32(PD(b));
}
static __m128i k_cvtpd2dq(__m128i a, __m128i b)
{
    return _mm_cvtpd_epi32(PD(b));
}
static __m128i k_cvtdq2pd(__m128i a, __m128i b)
{
    return ID(_mm_cvtepi32_pd(b));
}
static __m128i k_cvtsi2ss(__m128i a, __m128i b)
{
    return IS(_mm_cvtsi32_ss(PS(a), _mm_cvtsi128_si32(b)));
}
static __m128i k_cvtsi2sd(__m128i a, __m128i b)
{
    return ID(_mm_cvtsi32_sd(PD(a), _mm_cvtsi128_si32(b)));
}
/* to GPR: the result's low dword is the register value */
static __m128i k_cvtss2si(__m128i a, __m128i b)
{
    return _mm_cvtsi32_si128(_mm_cvtss_si32(PS(b)));
}
static __m128i k_cvttss2si(__m128i a, __m128i b)
{
    return _mm_cvtsi32_si128(_mm_cvttss_si32(PS(b)));
}
static __m128i k_cvtsd2si(__m128i a, __m128i b)
{
    return _mm_cvtsi32_si128(_mm_cvtsd_si32(PD(b)));
}
static __m128i k_cvttsd2si(__m128i a, __m128i b)
{
    return _mm_cvtsi32_si128(_mm_cvttsd_si32(PD(b)));
}
/* MMX forms: only the low two lanes exist (the others are zeroed first so
 * they raise nothing) */
static __m128i lo64(__m128i b)
{
    return _mm_move_epi64(b);
}
static __m128i k_cvtps2pi(__m128i a, __m128i b)
{
    return _mm_cvtps_epi32(PS(lo64(b)));
}
static __m128i k_cvttps2pi(__m128i a, __m128i b)
{
    return _mm_cvttps_epi32(PS(lo64(b)));
}
static __m128i k_cvtpi2ps(__m128i a, __m128i b)
{
    __m128i r = IS(_mm_cvtepi32_ps(lo64(b)));
    return _mm_unpacklo_epi64(r, _mm_unpackhi_epi64(a, a));
}

/* SSE3 */
__attribute__((target("sse3"))) static __m128i k_haddps(__m128i a, __m128i b)
{
    return IS(_mm_hadd_ps(PS(a), PS(b)));
}
__attribute__((target("sse3"))) static __m128i k_haddpd(__m128i a, __m128i b)
{
    return ID(_mm_hadd_pd(PD(a), PD(b)));
}
__attribute__((target("sse3"))) static __m128i k_hsubps(__m128i a, __m128i b)
{
    return IS(_mm_hsub_ps(PS(a), PS(b)));
}
__attribute__((target("sse3"))) static __m128i k_hsubpd(__m128i a, __m128i b)
{
    return ID(_mm_hsub_pd(PD(a), PD(b)));
}
__attribute__((target("sse3"))) static __m128i k_addsubps(__m128i a, __m128i b)
{
    return IS(_mm_addsub_ps(PS(a), PS(b)));
}
__attribute__((target("sse3"))) static __m128i k_addsubpd(__m128i a, __m128i b)
{
    return ID(_mm_addsub_pd(PD(a), PD(b)));
}

/* ---- families ---- */

/* the row's kernel on (d, s); the MMX-destination and GPR-destination
 * forms take the low 64 / 32 bits of the same result */
static void fp_kernel(SseCtx *c)
{
    FpKernel *k = (FpKernel *)c->def->arg;
    vstore(&c->d, k(vload(&c->d), vload(&c->s)));
}

/* Rows run by fp_kernel_lanes give their lanes' op and layout in esize:
 * LANES(SSE_LANE_*, LN_*). */
enum {
    LN_PS,   /* four float lanes: d[i] op s[i] */
    LN_PD,   /* two double lanes */
    LN_SS,   /* float lane 0 */
    LN_SD,   /* double lane 0 */
    LN_HPS,  /* haddps/hsubps: d0 op d1, d2 op d3, s0 op s1, s2 op s3 */
    LN_HPD,  /* haddpd/hsubpd: d0 op d1, s0 op s1 */
    LN_ASPS, /* addsubps: even lanes subtract, odd lanes add */
    LN_ASPD, /* addsubpd */
    LN_CVT2, /* cvtpd2ps: the doubles s0, s1 to float */
    LN_CVT1, /* cvtsd2ss: the double s0 to float */
};
#define LANES(op, layout) ((op) | (layout) << 3)

/* Lane i of row esize `lanes` on (d, s): its op and operands, false past
 * the last lane. */
static bool lane_of(int lanes, const X86Vec *d, const X86Vec *s, int i, int *op, uint64_t *a,
                    uint64_t *b)
{
    static const uint8_t count[] = {4, 2, 1, 1, 4, 2, 4, 2, 2, 1};
    int layout = lanes >> 3;
    *op = lanes & 7;
    if (i >= count[layout])
        return false;
    switch (layout) {
    case LN_PS:
    case LN_SS:
    case LN_ASPS:
        *a = d->d[i], *b = s->d[i];
        break;
    case LN_HPS: {
        const X86Vec *v = i < 2 ? d : s;
        *a = v->d[2 * (i & 1)], *b = v->d[2 * (i & 1) + 1];
        break;
    }
    case LN_HPD: {
        const X86Vec *v = i < 1 ? d : s;
        *a = v->q[0], *b = v->q[1];
        break;
    }
    default: /* LN_PD LN_SD LN_ASPD LN_CVT2 LN_CVT1 */
        *a = d->q[i], *b = s->q[i];
        break;
    }
    if (layout == LN_ASPS || layout == LN_ASPD)
        *op = (i & 1) ? SSE_LANE_ADD : SSE_LANE_SUB;
    return true;
}

static bool lanes_dbl(int lanes)
{
    int layout = lanes >> 3;
    return layout == LN_PD || layout == LN_SD || layout == LN_HPD || layout == LN_ASPD;
}

/* Arithmetic that can overflow or underflow.  With an unmasked UE or OE
 * raised the CPU takes PE lane by lane, from the result rounded with an
 * unbounded exponent where the lane overflowed or underflowed
 * (helper_sse_lane.c), while the masked host run took it from the rounded
 * infinity or denormal: PE is then recomputed from the lanes. */
static void fp_kernel_lanes(SseCtx *c)
{
    X86Vec d = c->d; /* the operands, before the result replaces d */
    fp_kernel(c);
    uint32_t csr = host_csr_get();
    if (!(~(c->env->mxcsr >> 7) & 0x18u & csr))
        return;
    uint32_t pe = 0;
    int op;
    uint64_t a, b;
    for (int i = 0; lane_of(c->def->esize, &d, &c->s, i, &op, &a, &b); i++)
        pe |= sse_lane_flags(c->env, op, a, b, lanes_dbl(c->def->esize)) & 0x20u;
    host_csr_set((csr & ~0x20u) | pe);
}

static void fp_kernel_mmx(SseCtx *c)
{
    FpKernel *k = (FpKernel *)c->def->arg;
    X86Vec r;
    vstore(&r, k(vload(&c->d), vload(&c->s)));
    c->d.q[0] = r.q[0];
    c->d.q[1] = 0;
}

/* cmpps/cmppd/cmpss/cmpsd: predicate imm8[2:0].  OPAQUE passes an input
 * through a volatile asm inside each case, so the compiler cannot compute
 * the other predicates speculatively (they would raise host flags). */
#define OPAQUE(x) __asm__ volatile("" : "+x"(x))

static __m128 cmp_ps(__m128 a, __m128 b, int p)
{
    switch (p & 7) {
    case 0:
        OPAQUE(a);
        return _mm_cmpeq_ps(a, b);
    case 1:
        OPAQUE(a);
        return _mm_cmplt_ps(a, b);
    case 2:
        OPAQUE(a);
        return _mm_cmple_ps(a, b);
    case 3:
        OPAQUE(a);
        return _mm_cmpunord_ps(a, b);
    case 4:
        OPAQUE(a);
        return _mm_cmpneq_ps(a, b);
    case 5:
        OPAQUE(a);
        return _mm_cmpnlt_ps(a, b);
    case 6:
        OPAQUE(a);
        return _mm_cmpnle_ps(a, b);
    default:
        OPAQUE(a);
        return _mm_cmpord_ps(a, b);
    }
}

static __m128 cmp_ss(__m128 a, __m128 b, int p)
{
    switch (p & 7) {
    case 0:
        OPAQUE(a);
        return _mm_cmpeq_ss(a, b);
    case 1:
        OPAQUE(a);
        return _mm_cmplt_ss(a, b);
    case 2:
        OPAQUE(a);
        return _mm_cmple_ss(a, b);
    case 3:
        OPAQUE(a);
        return _mm_cmpunord_ss(a, b);
    case 4:
        OPAQUE(a);
        return _mm_cmpneq_ss(a, b);
    case 5:
        OPAQUE(a);
        return _mm_cmpnlt_ss(a, b);
    case 6:
        OPAQUE(a);
        return _mm_cmpnle_ss(a, b);
    default:
        OPAQUE(a);
        return _mm_cmpord_ss(a, b);
    }
}

static __m128d cmp_pd(__m128d a, __m128d b, int p)
{
    switch (p & 7) {
    case 0:
        OPAQUE(a);
        return _mm_cmpeq_pd(a, b);
    case 1:
        OPAQUE(a);
        return _mm_cmplt_pd(a, b);
    case 2:
        OPAQUE(a);
        return _mm_cmple_pd(a, b);
    case 3:
        OPAQUE(a);
        return _mm_cmpunord_pd(a, b);
    case 4:
        OPAQUE(a);
        return _mm_cmpneq_pd(a, b);
    case 5:
        OPAQUE(a);
        return _mm_cmpnlt_pd(a, b);
    case 6:
        OPAQUE(a);
        return _mm_cmpnle_pd(a, b);
    default:
        OPAQUE(a);
        return _mm_cmpord_pd(a, b);
    }
}

static __m128d cmp_sd(__m128d a, __m128d b, int p)
{
    switch (p & 7) {
    case 0:
        OPAQUE(a);
        return _mm_cmpeq_sd(a, b);
    case 1:
        OPAQUE(a);
        return _mm_cmplt_sd(a, b);
    case 2:
        OPAQUE(a);
        return _mm_cmple_sd(a, b);
    case 3:
        OPAQUE(a);
        return _mm_cmpunord_sd(a, b);
    case 4:
        OPAQUE(a);
        return _mm_cmpneq_sd(a, b);
    case 5:
        OPAQUE(a);
        return _mm_cmpnlt_sd(a, b);
    case 6:
        OPAQUE(a);
        return _mm_cmpnle_sd(a, b);
    default:
        OPAQUE(a);
        return _mm_cmpord_sd(a, b);
    }
}

static void fp_cmp(SseCtx *c)
{
    __m128i a = vload(&c->d), b = vload(&c->s), r;
    switch (c->def->esize) {
    case 0:
        r = IS(cmp_ps(PS(a), PS(b), c->imm));
        break;
    case 1:
        r = ID(cmp_pd(PD(a), PD(b), c->imm));
        break;
    case 2:
        r = IS(cmp_ss(PS(a), PS(b), c->imm));
        break;
    default:
        r = ID(cmp_sd(PD(a), PD(b), c->imm));
        break;
    }
    vstore(&c->d, r);
}

/* comiss/ucomiss/comisd/ucomisd: ZF PF CF from the host compare itself (so
 * QNaN signals exactly when the host instruction does); OF SF AF cleared.
 * Row esize: bit 0 double, bit 1 unordered-quiet (ucomis). */
static void fp_comis(SseCtx *c)
{
    __m128i a = vload(&c->d), b = vload(&c->s);
    bool z, p, cf;
    switch (c->def->esize) {
    case 0:
        __asm__ volatile("comiss %3, %4" : "=@ccz"(z), "=@ccp"(p), "=@ccc"(cf) : "x"(b), "x"(a));
        break;
    case 1:
        __asm__ volatile("comisd %3, %4" : "=@ccz"(z), "=@ccp"(p), "=@ccc"(cf) : "x"(b), "x"(a));
        break;
    case 2:
        __asm__ volatile("ucomiss %3, %4" : "=@ccz"(z), "=@ccp"(p), "=@ccc"(cf) : "x"(b), "x"(a));
        break;
    default:
        __asm__ volatile("ucomisd %3, %4" : "=@ccz"(z), "=@ccp"(p), "=@ccc"(cf) : "x"(b), "x"(a));
        break;
    }
    c->env->cc = (z ? X86_ZF : 0) | (p ? X86_PF : 0) | (cf ? X86_CF : 0);
}

#define PS_  (PX_NONE)
#define K(k) .arg = (const void *)(k)

/* Rows leave out trailing fields (zero) on purpose, like the decoder's. */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
/* clang-format off */
const X86SseDef x86_sse_fp_defs[] = {
    {0x0f58, PX_NONE, "addps", fp_kernel_lanes, SF_FP, LANES(SSE_LANE_ADD, LN_PS), K(k_addps)},
    {0x0f58, PX_66, "addpd", fp_kernel_lanes, SF_FP, LANES(SSE_LANE_ADD, LN_PD), K(k_addpd)},
    {0x0f58, PX_F3, "addss", fp_kernel_lanes, SF_FP | SF_SCALAR, LANES(SSE_LANE_ADD, LN_SS), K(k_addss)},
    {0x0f58, PX_F2, "addsd", fp_kernel_lanes, SF_FP | SF_SCALAR, LANES(SSE_LANE_ADD, LN_SD), K(k_addsd)},
    {0x0f59, PX_NONE, "mulps", fp_kernel_lanes, SF_FP, LANES(SSE_LANE_MUL, LN_PS), K(k_mulps)},
    {0x0f59, PX_66, "mulpd", fp_kernel_lanes, SF_FP, LANES(SSE_LANE_MUL, LN_PD), K(k_mulpd)},
    {0x0f59, PX_F3, "mulss", fp_kernel_lanes, SF_FP | SF_SCALAR, LANES(SSE_LANE_MUL, LN_SS), K(k_mulss)},
    {0x0f59, PX_F2, "mulsd", fp_kernel_lanes, SF_FP | SF_SCALAR, LANES(SSE_LANE_MUL, LN_SD), K(k_mulsd)},
    {0x0f5c, PX_NONE, "subps", fp_kernel_lanes, SF_FP, LANES(SSE_LANE_SUB, LN_PS), K(k_subps)},
    {0x0f5c, PX_66, "subpd", fp_kernel_lanes, SF_FP, LANES(SSE_LANE_SUB, LN_PD), K(k_subpd)},
    {0x0f5c, PX_F3, "subss", fp_kernel_lanes, SF_FP | SF_SCALAR, LANES(SSE_LANE_SUB, LN_SS), K(k_subss)},
    {0x0f5c, PX_F2, "subsd", fp_kernel_lanes, SF_FP | SF_SCALAR, LANES(SSE_LANE_SUB, LN_SD), K(k_subsd)},
    {0x0f5d, PX_NONE, "minps", fp_kernel, SF_FP, K(k_minps)},
    {0x0f5d, PX_66, "minpd", fp_kernel, SF_FP, K(k_minpd)},
    {0x0f5d, PX_F3, "minss", fp_kernel, SF_FP | SF_SCALAR, K(k_minss)},
    {0x0f5d, PX_F2, "minsd", fp_kernel, SF_FP | SF_SCALAR, K(k_minsd)},
    {0x0f5e, PX_NONE, "divps", fp_kernel_lanes, SF_FP, LANES(SSE_LANE_DIV, LN_PS), K(k_divps)},
    {0x0f5e, PX_66, "divpd", fp_kernel_lanes, SF_FP, LANES(SSE_LANE_DIV, LN_PD), K(k_divpd)},
    {0x0f5e, PX_F3, "divss", fp_kernel_lanes, SF_FP | SF_SCALAR, LANES(SSE_LANE_DIV, LN_SS), K(k_divss)},
    {0x0f5e, PX_F2, "divsd", fp_kernel_lanes, SF_FP | SF_SCALAR, LANES(SSE_LANE_DIV, LN_SD), K(k_divsd)},
    {0x0f5f, PX_NONE, "maxps", fp_kernel, SF_FP, K(k_maxps)},
    {0x0f5f, PX_66, "maxpd", fp_kernel, SF_FP, K(k_maxpd)},
    {0x0f5f, PX_F3, "maxss", fp_kernel, SF_FP | SF_SCALAR, K(k_maxss)},
    {0x0f5f, PX_F2, "maxsd", fp_kernel, SF_FP | SF_SCALAR, K(k_maxsd)},
    {0x0f51, PX_NONE, "sqrtps", fp_kernel, SF_FP, K(k_sqrtps)},
    {0x0f51, PX_66, "sqrtpd", fp_kernel, SF_FP, K(k_sqrtpd)},
    {0x0f51, PX_F3, "sqrtss", fp_kernel, SF_FP | SF_SCALAR, K(k_sqrtss)},
    {0x0f51, PX_F2, "sqrtsd", fp_kernel, SF_FP | SF_SCALAR, K(k_sqrtsd)},
    {0x0f52, PX_NONE, "rsqrtps", fp_kernel, SF_FP, K(k_rsqrtps)},
    {0x0f52, PX_F3, "rsqrtss", fp_kernel, SF_FP, K(k_rsqrtss)},
    {0x0f53, PX_NONE, "rcpps", fp_kernel, SF_FP, K(k_rcpps)},
    {0x0f53, PX_F3, "rcpss", fp_kernel, SF_FP, K(k_rcpss)},
    {0x0f54, PX_NONE | PX_66, "andps", fp_kernel, 0, K(k_and)},
    {0x0f55, PX_NONE | PX_66, "andnps", fp_kernel, 0, K(k_andn)},
    {0x0f56, PX_NONE | PX_66, "orps", fp_kernel, 0, K(k_or)},
    {0x0f57, PX_NONE | PX_66, "xorps", fp_kernel, 0, K(k_xor)},
    {0x0f5a, PX_NONE, "cvtps2pd", fp_kernel, SF_FP, K(k_cvtps2pd)},
    {0x0f5a, PX_66, "cvtpd2ps", fp_kernel_lanes, SF_FP, LANES(SSE_LANE_CVT, LN_CVT2), K(k_cvtpd2ps)},
    {0x0f5a, PX_F3, "cvtss2sd", fp_kernel, SF_FP | SF_SCALAR, K(k_cvtss2sd)},
    {0x0f5a, PX_F2, "cvtsd2ss", fp_kernel_lanes, SF_FP | SF_SCALAR, LANES(SSE_LANE_CVT, LN_CVT1), K(k_cvtsd2ss)},
    {0x0f5b, PX_NONE, "cvtdq2ps", fp_kernel, SF_FP, K(k_cvtdq2ps)},
    {0x0f5b, PX_66, "cvtps2dq", fp_kernel, SF_FP, K(k_cvtps2dq)},
    {0x0f5b, PX_F3, "cvttps2dq", fp_kernel, SF_FP, K(k_cvttps2dq)},
    {0x0fe6, PX_66, "cvttpd2dq", fp_kernel, SF_FP, K(k_cvttpd2dq)},
    {0x0fe6, PX_F3, "cvtdq2pd", fp_kernel, SF_FP, K(k_cvtdq2pd)},
    {0x0fe6, PX_F2, "cvtpd2dq", fp_kernel, SF_FP, K(k_cvtpd2dq)},
    {0x0f2a, PX_NONE, "cvtpi2ps", fp_kernel, SF_FP, K(k_cvtpi2ps)},
    {0x0f2a, PX_66, "cvtpi2pd", fp_kernel, SF_FP, K(k_cvtdq2pd)},
    {0x0f2a, PX_F3, "cvtsi2ss", fp_kernel, SF_FP | SF_SCALAR, K(k_cvtsi2ss)},
    {0x0f2a, PX_F2, "cvtsi2sd", fp_kernel, SF_FP | SF_SCALAR, K(k_cvtsi2sd)},
    {0x0f2c, PX_NONE, "cvttps2pi", fp_kernel_mmx, SF_FP, K(k_cvttps2pi)},
    {0x0f2c, PX_66, "cvttpd2pi", fp_kernel_mmx, SF_FP, K(k_cvttpd2dq)},
    {0x0f2c, PX_F3, "cvttss2si", fp_kernel, SF_FP | SF_GPR, K(k_cvttss2si)},
    {0x0f2c, PX_F2, "cvttsd2si", fp_kernel, SF_FP | SF_GPR, K(k_cvttsd2si)},
    {0x0f2d, PX_NONE, "cvtps2pi", fp_kernel_mmx, SF_FP, K(k_cvtps2pi)},
    {0x0f2d, PX_66, "cvtpd2pi", fp_kernel_mmx, SF_FP, K(k_cvtpd2dq)},
    {0x0f2d, PX_F3, "cvtss2si", fp_kernel, SF_FP | SF_GPR, K(k_cvtss2si)},
    {0x0f2d, PX_F2, "cvtsd2si", fp_kernel, SF_FP | SF_GPR, K(k_cvtsd2si)},
    {0x0f2e, PX_NONE, "ucomiss", fp_comis, SF_FP | SF_GPR, 2},
    {0x0f2e, PX_66, "ucomisd", fp_comis, SF_FP | SF_GPR, 3},
    {0x0f2f, PX_NONE, "comiss", fp_comis, SF_FP | SF_GPR, 0},
    {0x0f2f, PX_66, "comisd", fp_comis, SF_FP | SF_GPR, 1},
    {0x0fc2, PX_NONE, "cmpps", fp_cmp, SF_FP, 0},
    {0x0fc2, PX_66, "cmppd", fp_cmp, SF_FP, 1},
    {0x0fc2, PX_F3, "cmpss", fp_cmp, SF_FP, 2},
    {0x0fc2, PX_F2, "cmpsd", fp_cmp, SF_FP, 3},
    {0x0f7c, PX_66, "haddpd", fp_kernel_lanes, SF_FP, LANES(SSE_LANE_ADD, LN_HPD), K(k_haddpd)},
    {0x0f7c, PX_F2, "haddps", fp_kernel_lanes, SF_FP, LANES(SSE_LANE_ADD, LN_HPS), K(k_haddps)},
    {0x0f7d, PX_66, "hsubpd", fp_kernel_lanes, SF_FP, LANES(SSE_LANE_SUB, LN_HPD), K(k_hsubpd)},
    {0x0f7d, PX_F2, "hsubps", fp_kernel_lanes, SF_FP, LANES(SSE_LANE_SUB, LN_HPS), K(k_hsubps)},
    {0x0fd0, PX_66, "addsubpd", fp_kernel_lanes, SF_FP, LANES(SSE_LANE_ADD, LN_ASPD), K(k_addsubpd)},
    {0x0fd0, PX_F2, "addsubps", fp_kernel_lanes, SF_FP, LANES(SSE_LANE_ADD, LN_ASPS), K(k_addsubps)},
    {0},
};
/* clang-format on */
