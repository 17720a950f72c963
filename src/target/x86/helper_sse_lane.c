/*
 * helper_sse_lane.c - the exception flags of one SSE floating-point lane,
 * as the CPU reports them when an overflow or underflow trap is unmasked.
 *
 * The helpers compute under a host MXCSR with every exception masked, and
 * for a masked overflow or underflow the host's PE comes from the rounded
 * infinity, maximum, denormal or zero.  With OE (or UE) unmasked the CPU
 * instead takes PE from the result rounded to the lane's precision with an
 * unbounded exponent (the value the trap handler would be given), and it
 * does so lane by lane: the other lanes keep their ordinary flags, a flushed
 * tiny lane (UM masked, FTZ) its PE included.  Measured on the host:
 *   addps -max, -max with OM clear and round-to-zero: OE, no PE (the sum
 *     -2^129 + 2^105 is exact in 24 bits; the masked run says PE);
 *   addps {max, 1.0}, {max, 2^-24 + ulp} with OM clear: OE PE (the PE of
 *     the inexact normal lane 1, not of the exact overflowing lane 0);
 *   mulss of the denormal 0x00000002 by 1.1f with UM clear: UE DE, no PE.
 * So the exactness test below is integer arithmetic on the significands,
 * independent of any exponent range.  Invariant: sse_lane_flags leaves the
 * host MXCSR as it found it.
 */
#include <immintrin.h>

#include "target/x86/helper_sse.h"

#define F_UE 0x10u
#define F_OE 0x08u
#define F_PE 0x20u

/* A finite lane as m * 2^e (sign dropped: exactness does not depend on it
 * except for sums, which take it separately).  False for infinities and
 * NaNs.  Under DAZ a denormal is zero. */
static bool lane_unpack(uint64_t x, bool dbl, bool daz, uint64_t *m, int *e)
{
    int mbits = dbl ? 52 : 23, bias = dbl ? 1023 : 127;
    uint64_t emax = dbl ? 0x7ff : 0xff;
    uint64_t frac = x & ((1ull << mbits) - 1), ex = (x >> mbits) & emax;
    if (ex == emax)
        return false;
    if (ex == 0) {
        *m = daz ? 0 : frac;
        *e = 1 - bias - mbits;
    } else {
        *m = frac | 1ull << mbits;
        *e = (int)ex - bias - mbits;
    }
    return true;
}

static bool lane_neg(uint64_t x, bool dbl)
{
    return (x >> (dbl ? 63 : 31)) & 1;
}

static int ctz128(unsigned __int128 v)
{
    uint64_t lo = (uint64_t)v;
    return lo ? __builtin_ctzll(lo) : 64 + __builtin_ctzll((uint64_t)(v >> 64));
}

/* Does the integer v fit in `prec` significant bits (trailing zeros are
 * the exponent's business)? */
static bool fits(unsigned __int128 v, int prec)
{
    if (v == 0)
        return true;
    v >>= ctz128(v);
    return (v >> prec) == 0;
}

/* a + b (b negated for subtraction), both finite, m * 2^e with signs. */
static bool sum_exact(uint64_t ma, int ea, bool na, uint64_t mb, int eb, bool nb, int prec)
{
    if (ma == 0 || mb == 0)
        return true; /* the other operand, representable as it is */
    int za = __builtin_ctzll(ma), zb = __builtin_ctzll(mb);
    ma >>= za, ea += za;
    mb >>= zb, eb += zb;
    if (ea < eb) { /* make a the operand with the larger exponent */
        uint64_t tm = ma;
        int te = ea;
        bool tn = na;
        ma = mb, ea = eb, na = nb;
        mb = tm, eb = te, nb = tn;
    }
    int d = ea - eb;
    /* mb is odd: the sum's lowest bit is at eb, and for d > 64 its highest
     * is at or above ea - 1, more than 53 bits apart */
    if (d > 64)
        return false;
    unsigned __int128 a = (unsigned __int128)ma << d, b = mb;
    return fits(na == nb ? a + b : a > b ? a - b : b - a, prec);
}

static bool quot_exact(uint64_t ma, uint64_t mb, int prec)
{
    if (ma == 0 || mb == 0)
        return true;
    mb >>= __builtin_ctzll(mb);
    return ma % mb == 0 && fits(ma / mb, prec);
}

/* Is `a op b` exact when rounded to the result's precision with an
 * unbounded exponent?  Infinities and NaNs are (nothing is rounded). */
static bool lane_exact_unbounded(int op, uint64_t a, uint64_t b, bool dbl, bool daz)
{
    uint64_t ma = 0, mb;
    int ea = 0, eb;
    if (op != SSE_LANE_CVT && !lane_unpack(a, dbl, daz, &ma, &ea))
        return true;
    if (!lane_unpack(b, dbl || op == SSE_LANE_CVT, daz, &mb, &eb))
        return true;
    int prec = dbl && op != SSE_LANE_CVT ? 53 : 24;
    switch (op) {
    case SSE_LANE_ADD:
    case SSE_LANE_SUB:
        return sum_exact(ma, ea, lane_neg(a, dbl), mb, eb,
                         lane_neg(b, dbl) != (op == SSE_LANE_SUB), prec);
    case SSE_LANE_MUL:
        return fits((unsigned __int128)ma * mb, prec);
    case SSE_LANE_DIV:
        return quot_exact(ma, mb, prec);
    default:
        return fits(mb, prec);
    }
}

/* One lane on the host's SSE unit under `csr`: its exception flags.  The
 * asm keeps each operation where it is (and makes it happen at all). */
static uint32_t lane_host_flags(int op, uint64_t a, uint64_t b, bool dbl, uint32_t csr)
{
    __m128i x = _mm_cvtsi64_si128((long long)a), y = _mm_cvtsi64_si128((long long)b);
    host_csr_set(csr);
    switch (op * 2 + dbl) {
    case SSE_LANE_ADD * 2:
        __asm__ volatile("addss %1, %0" : "+x"(x) : "x"(y));
        break;
    case SSE_LANE_ADD * 2 + 1:
        __asm__ volatile("addsd %1, %0" : "+x"(x) : "x"(y));
        break;
    case SSE_LANE_SUB * 2:
        __asm__ volatile("subss %1, %0" : "+x"(x) : "x"(y));
        break;
    case SSE_LANE_SUB * 2 + 1:
        __asm__ volatile("subsd %1, %0" : "+x"(x) : "x"(y));
        break;
    case SSE_LANE_MUL * 2:
        __asm__ volatile("mulss %1, %0" : "+x"(x) : "x"(y));
        break;
    case SSE_LANE_MUL * 2 + 1:
        __asm__ volatile("mulsd %1, %0" : "+x"(x) : "x"(y));
        break;
    case SSE_LANE_DIV * 2:
        __asm__ volatile("divss %1, %0" : "+x"(x) : "x"(y));
        break;
    case SSE_LANE_DIV * 2 + 1:
        __asm__ volatile("divsd %1, %0" : "+x"(x) : "x"(y));
        break;
    default: /* SSE_LANE_CVT: the double b to float */
        __asm__ volatile("cvtsd2ss %1, %0" : "+x"(x) : "x"(y));
        break;
    }
    return host_csr_get() & 0x3fu;
}

uint32_t sse_lane_flags(const CPUX86State *env, int op, uint64_t a, uint64_t b, bool dbl)
{
    uint32_t saved = host_csr_get(), csr = sse_host_csr(env);
    uint32_t unmasked = ~(env->mxcsr >> 7) & 0x3fu;
    uint32_t f = lane_host_flags(op, a, b, dbl, csr);
    /* with UM clear an exact tiny result underflows too: FTZ flags it */
    if ((unmasked & F_UE) && !(f & F_UE))
        f |= lane_host_flags(op, a, b, dbl, csr | 0x8000u) & F_UE;
    if (f & unmasked & (F_OE | F_UE)) {
        f &= ~F_PE;
        if (!lane_exact_unbounded(op, a, b, dbl, (env->mxcsr & 0x40) != 0))
            f |= F_PE;
    }
    host_csr_set(saved);
    return f;
}
