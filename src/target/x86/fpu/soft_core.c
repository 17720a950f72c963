/*
 * soft_core.c - classification, NaN propagation and rounding of 80-bit x87
 * values: the part every soft_* operation shares.
 *
 * Rounding works on an exact (or sticky-jammed) 128-bit significand whose
 * bit 127 is the integer bit: value = sig * 2^(exp - 127), exp unbiased.
 * The x87 keeps its full 15-bit exponent range whatever the precision
 * control, so a 24-bit result may still be as small as 2^-16382 and
 * denormal results are rounded at the same bit position of the 64-bit
 * significand as normal ones (the denormal shift eats the top bits).
 * Tininess is detected after rounding, as the x87 does (a result that rounds
 * up to 2^-16382 is not tiny); masked UE needs tiny AND inexact, unmasked UE
 * only tiny, and then the result carries the exponent wrapped by 0x6000.
 *
 * Example: soft_round_pack(&f, false, 0, (soft_u128)1 << 127, 64) == 1.0.
 */
#include "target/x86/fpu/soft_fp.h"

SoftF80 soft_make(bool sign, uint32_t bexp, uint64_t mant)
{
    SoftF80 r = {.mant = mant, .sexp = (uint16_t)((sign ? 0x8000 : 0) | (bexp & 0x7fff))};
    return r;
}

SoftF80 soft_default_nan(void) { return soft_make(true, SOFT_EXP_MAX, 0xc000000000000000ull); }
SoftF80 soft_zero(bool sign) { return soft_make(sign, 0, 0); }
SoftF80 soft_inf(bool sign) { return soft_make(sign, SOFT_EXP_MAX, 0x8000000000000000ull); }
bool soft_sign(SoftF80 a) { return a.sexp >> 15; }

bool soft_is_nan_class(SoftClass c) { return c == SOFT_QNAN || c == SOFT_SNAN; }

SoftClass soft_classify(SoftF80 a)
{
    uint32_t e = a.sexp & 0x7fff;
    bool j = a.mant >> 63;
    if (e == 0)
        return a.mant == 0 ? SOFT_ZERO : SOFT_DENORMAL;
    if (!j)
        return SOFT_UNSUPPORTED; /* unnormal, pseudo-infinity, pseudo-NaN */
    if (e != SOFT_EXP_MAX)
        return SOFT_NORMAL;
    if ((a.mant << 1) == 0)
        return SOFT_INF;
    return (a.mant >> 62) & 1 ? SOFT_QNAN : SOFT_SNAN;
}

/* A pseudo-denormal (exp 0, J=1) has the value of exponent 1, like every
 * denormal; normalizing brings each to bit 63. */
SoftNum soft_unpack(SoftF80 a)
{
    SoftNum n = {.sign = soft_sign(a), .exp = (int32_t)(a.sexp & 0x7fff) - SOFT_BIAS,
                 .sig = a.mant};
    if ((a.sexp & 0x7fff) == 0) {
        int z = __builtin_clzll(a.mant);
        n.exp = 1 - SOFT_BIAS - z;
        n.sig = a.mant << z;
    }
    return n;
}

int soft_clz128(soft_u128 x)
{
    uint64_t hi = (uint64_t)(x >> 64);
    if (hi)
        return __builtin_clzll(hi);
    return 64 + __builtin_clzll((uint64_t)x);
}

int soft_pc_bits(uint16_t cw)
{
    static const int bits[4] = {24, 64, 53, 64};
    return bits[SOFT_CW_PC(cw)];
}

bool soft_raise(SoftFpu *f, uint16_t exc)
{
    f->sw |= exc;
    return (exc & ~f->cw & SOFT_EXC_MASK) != 0;
}

/* ---- NaNs ---- */

static SoftF80 soft_quiet(SoftF80 a)
{
    a.mant |= 0x4000000000000000ull;
    return a;
}

SoftF80 soft_propagate_nan1(SoftFpu *f, SoftF80 a)
{
    if (soft_classify(a) == SOFT_SNAN)
        soft_raise(f, SOFT_IE);
    return soft_quiet(a);
}

/* An SNaN and a QNaN: the QNaN.  Two of a kind: the larger significand;
 * on a tie the positive one.  One NaN: it, quieted. */
SoftF80 soft_propagate_nan2(SoftFpu *f, SoftF80 a, SoftF80 b)
{
    SoftClass ca = soft_classify(a), cb = soft_classify(b);
    if (ca == SOFT_SNAN || cb == SOFT_SNAN)
        soft_raise(f, SOFT_IE);
    if (!soft_is_nan_class(ca))
        return soft_quiet(b);
    if (!soft_is_nan_class(cb))
        return soft_quiet(a);
    if (ca != cb) /* one SNaN, one QNaN: the QNaN */
        return ca == SOFT_QNAN ? a : b;
    uint64_t ma = a.mant | 0x4000000000000000ull, mb = b.mant | 0x4000000000000000ull;
    if (ma != mb)
        return soft_quiet(ma > mb ? a : b);
    return soft_quiet(soft_sign(a) ? b : a);
}

/* ---- rounding ---- */

/* Round sig to `bits` significant bits (counted from bit 127) in mode rc;
 * returns the rounded value (may carry out: then it is 0 and *carry set),
 * and whether it was inexact. */
static soft_u128 soft_round_sig(soft_u128 sig, int bits, int rc, bool sign, bool *inexact,
                                bool *carry, bool *rounded_up)
{
    int drop = 128 - bits;
    soft_u128 unit = (soft_u128)1 << drop;
    soft_u128 rest = sig & (unit - 1);
    soft_u128 half = unit >> 1;
    soft_u128 kept = sig - rest;
    bool up = false;
    *inexact = rest != 0;
    switch (rc) {
    case SOFT_RC_NEAR:
        up = rest > half || (rest == half && (kept & unit));
        break;
    case SOFT_RC_DOWN:
        up = rest && sign;
        break;
    case SOFT_RC_UP:
        up = rest && !sign;
        break;
    default:
        break;
    }
    *carry = false;
    *rounded_up = up;
    if (up) {
        kept += unit;
        *carry = kept == 0;
    }
    return kept;
}

/* Masked overflow: infinity or the largest finite value of this precision,
 * per rounding direction. */
static SoftF80 soft_overflow_result(SoftFpu *f, bool sign, int bits)
{
    int rc = SOFT_CW_RC(f->cw);
    bool to_inf = rc == SOFT_RC_NEAR || (rc == SOFT_RC_UP && !sign) || (rc == SOFT_RC_DOWN && sign);
    if (to_inf) {
        f->sw |= SOFT_C1;
        return soft_inf(sign);
    }
    return soft_make(sign, SOFT_EXP_MAX - 1, ~0ull << (64 - bits));
}

/* Normal-range rounding: biased exponent e >= 1 (may exceed the range:
 * the caller checks). */
static SoftF80 soft_round_normal(SoftFpu *f, bool sign, int32_t e, soft_u128 sig, int bits,
                                 int32_t *e_out, bool *inexact)
{
    bool carry, up;
    soft_u128 r = soft_round_sig(sig, bits, SOFT_CW_RC(f->cw), sign, inexact, &carry, &up);
    if (carry) {
        r = (soft_u128)1 << 127;
        e++;
    }
    if (up)
        f->sw |= SOFT_C1;
    *e_out = e;
    return soft_make(sign, 0, (uint64_t)(r >> 64));
}

SoftF80 soft_round_pack(SoftFpu *f, bool sign, int32_t exp, soft_u128 sig, int bits)
{
    int32_t e = exp + SOFT_BIAS;
    bool inexact;
    int32_t eo;

    if (e >= 1) {
        SoftF80 r = soft_round_normal(f, sign, e, sig, bits, &eo, &inexact);
        if (eo >= SOFT_EXP_MAX) {
            /* unmasked: the wrapped result, if the wrap brings it in range */
            if (soft_raise(f, SOFT_OE)) {
                if (eo - SOFT_WRAP_BIAS >= SOFT_EXP_MAX) { /* beyond even that: inf */
                    f->sw |= SOFT_PE | SOFT_C1;
                    return soft_inf(sign);
                }
                if (inexact)
                    f->sw |= SOFT_PE;
                r.sexp = (uint16_t)((sign ? 0x8000 : 0) | ((eo - SOFT_WRAP_BIAS) & 0x7fff));
                return r;
            }
            f->sw &= ~SOFT_C1;
            f->sw |= SOFT_PE;
            return soft_overflow_result(f, sign, bits);
        }
        if (inexact)
            f->sw |= SOFT_PE;
        r.sexp |= (uint16_t)eo;
        return r;
    }

    /* Tiny before rounding. Tiny after rounding unless e == 0 and the
     * rounding at full exponent range carries into 2^-16382. */
    bool tiny = true;
    if (e == 0) {
        bool ix, carry, up;
        soft_round_sig(sig, bits, SOFT_CW_RC(f->cw), sign, &ix, &carry, &up);
        tiny = !carry;
    }
    if (tiny && (~f->cw & SOFT_UE) && e + SOFT_WRAP_BIAS < 1) { /* beyond even that: 0 */
        f->sw = (uint16_t)((f->sw & ~SOFT_C1) | SOFT_UE | SOFT_PE);
        return soft_zero(sign);
    }
    if (tiny && (~f->cw & SOFT_UE)) {
        /* Unmasked underflow: deliver the wrapped-exponent result. */
        f->sw |= SOFT_UE;
        SoftF80 r = soft_round_normal(f, sign, e + SOFT_WRAP_BIAS, sig, bits, &eo, &inexact);
        if (inexact)
            f->sw |= SOFT_PE;
        r.sexp |= (uint16_t)eo;
        return r;
    }
    int shift = 1 - e;
    soft_u128 d;
    if (shift >= 128)
        d = sig != 0;
    else
        d = (sig >> shift) | ((sig & (((soft_u128)1 << shift) - 1)) != 0);
    bool carry, up;
    soft_u128 r = soft_round_sig(d, bits, SOFT_CW_RC(f->cw), sign, &inexact, &carry, &up);
    if (inexact)
        f->sw |= SOFT_PE;
    if (tiny && (inexact || (~f->cw & SOFT_UE)))
        f->sw |= SOFT_UE;
    if (up)
        f->sw |= SOFT_C1;
    if (carry) /* only possible from exponent 0 to 1 with bit 127: cannot happen */
        return soft_make(sign, 1, 0x8000000000000000ull);
    uint64_t m = (uint64_t)(r >> 64);
    return soft_make(sign, (m >> 63) ? 1 : 0, m);
}

SoftF80 soft_round_pack_pc(SoftFpu *f, bool sign, int32_t exp, soft_u128 sig)
{
    return soft_round_pack(f, sign, exp, sig, soft_pc_bits(f->cw));
}

SoftF80 soft_norm_round(SoftFpu *f, bool sign, int32_t exp, soft_u128 sig, int bits)
{
    int z = soft_clz128(sig);
    return soft_round_pack(f, sign, exp - z, sig << z, bits);
}
