/*
 * soft_arith.c - x87 arithmetic in portable C: add, sub, mul, div, sqrt,
 * frndint, fscale, fxtract, fprem/fprem1 and compare on 80-bit values.
 *
 * Each operation first screens its operands the way the x87 does, in the
 * hardware's priority order: invalid encodings (unnormal, pseudo-NaN,
 * pseudo-infinity) raise IE and give the QNaN indefinite; NaNs propagate
 * (soft_propagate_nan2); then the operation's own invalid cases (inf - inf,
 * 0 * inf, 0/0, ...); then DE for denormal operands.  Finite work is exact
 * in 128-bit integers and rounded once by soft_round_pack.
 *
 * Example: soft_div(&f, one, three) = 0x3ffd:aaaaaaaaaaaaaaab, PE and C1.
 */
#include "target/x86/fpu/soft_fp.h"

/* Screen two operands.  Returns true when the result is decided (*r) or
 * the operation must stop (an unmasked exception was raised). */
static bool soft_screen2(SoftFpu *f, SoftF80 a, SoftF80 b, SoftClass *ca, SoftClass *cb,
                         SoftF80 *r)
{
    *ca = soft_classify(a);
    *cb = soft_classify(b);
    if (*ca == SOFT_UNSUPPORTED || *cb == SOFT_UNSUPPORTED) {
        soft_raise(f, SOFT_IE);
        *r = soft_default_nan();
        return true;
    }
    if (soft_is_nan_class(*ca) || soft_is_nan_class(*cb)) {
        *r = soft_propagate_nan2(f, a, b);
        return true;
    }
    return false;
}

/* DE for denormal operands; true when it is unmasked (stop). */
static bool soft_denormal_check(SoftFpu *f, SoftClass ca, SoftClass cb)
{
    if (ca == SOFT_DENORMAL || cb == SOFT_DENORMAL)
        return soft_raise(f, SOFT_DE);
    return false;
}

static SoftF80 soft_invalid(SoftFpu *f)
{
    soft_raise(f, SOFT_IE);
    return soft_default_nan();
}

/* ---- add, sub ---- */

static SoftF80 soft_add_finite(SoftFpu *f, SoftNum x, SoftNum y)
{
    if (x.exp < y.exp) {
        SoftNum t = x;
        x = y;
        y = t;
    }
    int32_t d = x.exp - y.exp;
    soft_u128 mx = (soft_u128)x.sig << 62, my = (soft_u128)y.sig << 62;
    if (d >= 126)
        my = 1;
    else if (d > 0)
        my = (my >> d) | ((my & (((soft_u128)1 << d) - 1)) != 0);
    bool sign = x.sign;
    soft_u128 sum;
    if (x.sign == y.sign) {
        sum = mx + my;
    } else if (mx >= my) {
        sum = mx - my;
    } else {
        sum = my - mx;
        sign = y.sign;
    }
    if (sum == 0)
        return soft_zero(SOFT_CW_RC(f->cw) == SOFT_RC_DOWN);
    return soft_norm_round(f, sign, x.exp + 2, sum, soft_pc_bits(f->cw));
}

SoftF80 soft_add(SoftFpu *f, SoftF80 a, SoftF80 b, bool negate_b)
{
    SoftClass ca, cb;
    SoftF80 r;
    if (soft_screen2(f, a, b, &ca, &cb, &r))
        return r;
    bool sa = soft_sign(a), sb = soft_sign(b) ^ negate_b;
    if (ca == SOFT_INF || cb == SOFT_INF) {
        if (ca == SOFT_INF && cb == SOFT_INF && sa != sb)
            return soft_invalid(f);
        if (soft_denormal_check(f, ca, cb))
            return a;
        return soft_inf(ca == SOFT_INF ? sa : sb);
    }
    if (soft_denormal_check(f, ca, cb))
        return a;
    if (ca == SOFT_ZERO && cb == SOFT_ZERO) {
        if (sa == sb)
            return soft_zero(sa);
        return soft_zero(SOFT_CW_RC(f->cw) == SOFT_RC_DOWN);
    }
    if (ca == SOFT_ZERO || cb == SOFT_ZERO) {
        SoftNum x = soft_unpack(ca == SOFT_ZERO ? b : a);
        x.sign = ca == SOFT_ZERO ? sb : sa;
        return soft_round_pack_pc(f, x.sign, x.exp, (soft_u128)x.sig << 64);
    }
    SoftNum x = soft_unpack(a), y = soft_unpack(b);
    y.sign = sb;
    return soft_add_finite(f, x, y);
}

/* ---- mul, div ---- */

SoftF80 soft_mul(SoftFpu *f, SoftF80 a, SoftF80 b)
{
    SoftClass ca, cb;
    SoftF80 r;
    if (soft_screen2(f, a, b, &ca, &cb, &r))
        return r;
    bool sign = soft_sign(a) ^ soft_sign(b);
    if ((ca == SOFT_INF && cb == SOFT_ZERO) || (ca == SOFT_ZERO && cb == SOFT_INF))
        return soft_invalid(f);
    if (soft_denormal_check(f, ca, cb))
        return a;
    if (ca == SOFT_INF || cb == SOFT_INF)
        return soft_inf(sign);
    if (ca == SOFT_ZERO || cb == SOFT_ZERO)
        return soft_zero(sign);
    SoftNum x = soft_unpack(a), y = soft_unpack(b);
    soft_u128 p = (soft_u128)x.sig * y.sig;
    return soft_norm_round(f, sign, x.exp + y.exp + 1, p, soft_pc_bits(f->cw));
}

SoftF80 soft_div(SoftFpu *f, SoftF80 a, SoftF80 b)
{
    SoftClass ca, cb;
    SoftF80 r;
    if (soft_screen2(f, a, b, &ca, &cb, &r))
        return r;
    bool sign = soft_sign(a) ^ soft_sign(b);
    if ((ca == SOFT_INF && cb == SOFT_INF) || (ca == SOFT_ZERO && cb == SOFT_ZERO))
        return soft_invalid(f);
    if (cb == SOFT_ZERO && ca != SOFT_INF) { /* ZE hides DE */
        soft_raise(f, SOFT_ZE);
        return soft_inf(sign);
    }
    if (soft_denormal_check(f, ca, cb))
        return a;
    if (ca == SOFT_INF)
        return soft_inf(sign);
    if (ca == SOFT_ZERO || cb == SOFT_INF)
        return soft_zero(sign);
    SoftNum x = soft_unpack(a), y = soft_unpack(b);
    int32_t exp = x.exp - y.exp;
    soft_u128 num;
    if (x.sig < y.sig) {
        num = (soft_u128)x.sig << 64;
        exp--;
    } else {
        num = (soft_u128)x.sig << 63;
    }
    uint64_t q1 = (uint64_t)(num / y.sig);
    soft_u128 rem = num % y.sig;
    num = rem << 64;
    uint64_t q2 = (uint64_t)(num / y.sig);
    rem = num % y.sig;
    soft_u128 q = ((soft_u128)q1 << 64) | q2 | (rem != 0);
    return soft_round_pack_pc(f, sign, exp, q);
}

/* ---- sqrt ---- */

/* floor(sqrt(n)) for 2^126 <= n < 2^128: Newton's iteration on integers
 * from an overestimate (it then decreases monotonically to the floor). */
static uint64_t soft_isqrt128(soft_u128 n)
{
    /* 2^63 * sqrt(1 + f), f from n's top bits, overestimated by a linear
     * bound: sqrt(1 + f) <= 1 + f / 2 */
    uint64_t top = (uint64_t)(n >> 64); /* >= 2^62 */
    soft_u128 x = top >= (1ull << 63) ? ((soft_u128)1 << 64) - 1 : ((soft_u128)1 << 63) + (top >> 1);
    for (;;) {
        soft_u128 y = (x + n / x) >> 1;
        if (y >= x)
            break;
        x = y;
    }
    return (uint64_t)x;
}

SoftF80 soft_sqrt(SoftFpu *f, SoftF80 a)
{
    SoftClass c = soft_classify(a);
    if (c == SOFT_UNSUPPORTED)
        return soft_invalid(f);
    if (soft_is_nan_class(c))
        return soft_propagate_nan1(f, a);
    if (c == SOFT_ZERO)
        return a;
    if (soft_sign(a))
        return soft_invalid(f);
    if (c == SOFT_INF)
        return a;
    if (c == SOFT_DENORMAL && soft_raise(f, SOFT_DE))
        return a;
    SoftNum x = soft_unpack(a);
    int k = (x.exp & 1) ? 64 : 63;
    soft_u128 n = (soft_u128)x.sig << k;
    uint64_t r = soft_isqrt128(n);
    soft_u128 rem = n - (soft_u128)r * r;
    soft_u128 sig = ((soft_u128)r << 64) | (rem > r ? (soft_u128)1 << 63 : 0) | (rem != 0);
    int32_t exp = (x.exp - 63 - k) / 2 + 63;
    return soft_round_pack_pc(f, false, exp, sig);
}

/* ---- rounding to integers ---- */

/* Round |x| to an integer per rc (x's sign decides directed modes).  Sets
 * *inexact and *up; returns false when the magnitude is >= 2^64. */
bool soft_round_int(SoftNum x, int rc, uint64_t *mag, bool *inexact, bool *up)
{
    uint64_t ip, frac;
    if (x.exp >= 64)
        return false;
    if (x.exp >= 63) {
        ip = x.sig;
        frac = 0;
    } else if (x.exp >= 0) {
        ip = x.sig >> (63 - x.exp);
        frac = x.sig << (x.exp + 1);
    } else if (x.exp == -1) {
        ip = 0;
        frac = x.sig;
    } else {
        ip = 0;
        frac = 1; /* below one half, nonzero */
    }
    bool u = false;
    switch (rc) {
    case SOFT_RC_NEAR:
        u = frac > 0x8000000000000000ull || (frac == 0x8000000000000000ull && (ip & 1));
        break;
    case SOFT_RC_DOWN:
        u = frac && x.sign;
        break;
    case SOFT_RC_UP:
        u = frac && !x.sign;
        break;
    default:
        break;
    }
    *inexact = frac != 0;
    *up = u;
    if (u) {
        ip++;
        if (ip == 0)
            return false;
    }
    *mag = ip;
    return true;
}

SoftF80 soft_rndint(SoftFpu *f, SoftF80 a)
{
    SoftClass c = soft_classify(a);
    if (c == SOFT_UNSUPPORTED)
        return soft_invalid(f);
    if (soft_is_nan_class(c))
        return soft_propagate_nan1(f, a);
    if (c == SOFT_ZERO || c == SOFT_INF)
        return a;
    if (c == SOFT_DENORMAL && soft_raise(f, SOFT_DE))
        return a;
    SoftNum x = soft_unpack(a);
    if (x.exp >= 63)
        return a;
    uint64_t mag;
    bool inexact, up;
    soft_round_int(x, SOFT_CW_RC(f->cw), &mag, &inexact, &up);
    if (inexact)
        f->sw |= SOFT_PE;
    if (up)
        f->sw |= SOFT_C1;
    if (mag == 0)
        return soft_zero(x.sign);
    int z = __builtin_clzll(mag);
    return soft_make(x.sign, (uint32_t)(SOFT_BIAS + 63 - z), mag << z);
}

/* ---- fscale, fxtract ---- */

SoftF80 soft_scale(SoftFpu *f, SoftF80 a, SoftF80 b)
{
    SoftClass ca, cb;
    SoftF80 r;
    if (soft_screen2(f, a, b, &ca, &cb, &r))
        return r;
    bool sa = soft_sign(a);
    if (cb == SOFT_INF) {
        bool bad = soft_sign(b) ? ca == SOFT_INF : ca == SOFT_ZERO;
        if (bad)
            return soft_invalid(f);
        if (soft_denormal_check(f, ca, cb))
            return a;
        return soft_sign(b) ? soft_zero(sa) : soft_inf(sa);
    }
    if (soft_denormal_check(f, ca, cb))
        return a;
    if (ca == SOFT_INF || ca == SOFT_ZERO)
        return a;
    int32_t n = 0;
    if (cb != SOFT_ZERO) {
        SoftNum y = soft_unpack(b);
        if (y.exp >= 30)
            n = 1 << 30;
        else if (y.exp >= 0)
            n = (int32_t)(y.sig >> (63 - y.exp));
        if (y.sign)
            n = -n;
    }
    SoftNum x = soft_unpack(a);
    int32_t exp = x.exp + n; /* |n| <= 2^30: no overflow */
    if (exp > 100000)
        exp = 100000;
    if (exp < -100000)
        exp = -100000;
    return soft_round_pack(f, x.sign, exp, (soft_u128)x.sig << 64, 64);
}

SoftF80 soft_xtract(SoftFpu *f, SoftF80 a, SoftF80 *exp_out)
{
    SoftClass c = soft_classify(a);
    if (c == SOFT_UNSUPPORTED) {
        *exp_out = soft_invalid(f);
        return *exp_out;
    }
    if (soft_is_nan_class(c)) {
        *exp_out = soft_propagate_nan1(f, a);
        return *exp_out;
    }
    if (c == SOFT_ZERO) {
        soft_raise(f, SOFT_ZE);
        *exp_out = soft_inf(true);
        return a;
    }
    if (c == SOFT_INF) {
        *exp_out = soft_inf(false);
        return a;
    }
    if (c == SOFT_DENORMAL && soft_raise(f, SOFT_DE))
        return a;
    SoftNum x = soft_unpack(a);
    *exp_out = soft_from_int(x.exp);
    return soft_make(x.sign, SOFT_BIAS, x.sig);
}

/* ---- fprem, fprem1 ---- */

/* The x87 reduces at most 63 exponent steps per instruction: with a larger
 * exponent difference D it leaves a partial remainder of exponent
 * difference 32 + D mod 32 and sets C2. */
SoftF80 soft_prem(SoftFpu *f, SoftF80 a, SoftF80 b, bool round_nearest)
{
    SoftClass ca, cb;
    SoftF80 r;
    if (soft_screen2(f, a, b, &ca, &cb, &r))
        return r;
    if (ca == SOFT_INF || cb == SOFT_ZERO)
        return soft_invalid(f);
    if (soft_denormal_check(f, ca, cb))
        return a;
    if (ca == SOFT_ZERO)
        return a;
    SoftNum x = soft_unpack(a);
    if (cb == SOFT_INF) /* a, but normalized (and a denormal underflows) */
        return soft_norm_round(f, x.sign, x.exp + 64, x.sig, 64);
    SoftNum y = soft_unpack(b);
    int32_t d = x.exp - y.exp;
    bool partial = d >= 64;
    int32_t steps = partial ? 32 + d % 32 : d;
    int32_t yexp = x.exp - steps; /* y scaled to x's neighbourhood */
    uint64_t q = 0;
    soft_u128 rem = x.sig;
    bool sign = x.sign;
    if (steps < 0) {
        /* |x| < |y|: quotient 0, or 1 for fprem1 when |x| > |y| / 2 */
        if (round_nearest && steps == -1 && x.sig > y.sig) {
            soft_u128 diff = ((soft_u128)y.sig << 1) - x.sig;
            f->sw |= SOFT_C1;
            return soft_norm_round(f, !sign, x.exp + 64, diff, 64);
        }
        return soft_norm_round(f, sign, x.exp + 64, (soft_u128)x.sig, 64);
    }
    for (int32_t i = 0; i <= steps; i++) {
        q <<= 1;
        if (rem >= y.sig) {
            rem -= y.sig;
            q |= 1;
        }
        if (i < steps)
            rem <<= 1;
    }
    if (round_nearest && !partial) {
        soft_u128 twice = rem << 1;
        if (twice > y.sig || (twice == y.sig && (q & 1))) {
            rem = y.sig - rem;
            q++;
            sign = !sign;
        }
    }
    if (partial) {
        f->sw |= SOFT_C2;
    } else {
        if (q & 4)
            f->sw |= SOFT_C0;
        if (q & 2)
            f->sw |= SOFT_C3;
        if (q & 1)
            f->sw |= SOFT_C1;
    }
    if (rem == 0)
        return soft_zero(x.sign);
    /* rem is in units of y's lsb at exponent yexp: value rem * 2^(yexp-63) */
    return soft_norm_round(f, sign, yexp - 63 + 127, rem, 64);
}

/* ---- compare ---- */

/* -1, 0, 1 for a <, =, > b; both ordered, not NaN. */
static int soft_cmp_values(SoftF80 a, SoftClass ca, SoftF80 b, SoftClass cb)
{
    if (ca == SOFT_ZERO && cb == SOFT_ZERO)
        return 0;
    bool sa = soft_sign(a), sb = soft_sign(b);
    if (ca == SOFT_ZERO)
        return sb ? 1 : -1;
    if (cb == SOFT_ZERO)
        return sa ? -1 : 1;
    if (sa != sb)
        return sa ? -1 : 1;
    int mag;
    if (ca == SOFT_INF || cb == SOFT_INF) {
        mag = (ca == SOFT_INF) - (cb == SOFT_INF);
    } else {
        SoftNum x = soft_unpack(a), y = soft_unpack(b);
        if (x.exp != y.exp)
            mag = x.exp > y.exp ? 1 : -1;
        else
            mag = x.sig == y.sig ? 0 : (x.sig > y.sig ? 1 : -1);
    }
    return sa ? -mag : mag;
}

uint16_t soft_compare(SoftFpu *f, SoftF80 a, SoftF80 b, bool quiet)
{
    SoftClass ca = soft_classify(a), cb = soft_classify(b);
    const uint16_t unordered = SOFT_C3 | SOFT_C2 | SOFT_C0;
    if (ca == SOFT_UNSUPPORTED || cb == SOFT_UNSUPPORTED) {
        soft_raise(f, SOFT_IE);
        return unordered;
    }
    if (soft_is_nan_class(ca) || soft_is_nan_class(cb)) {
        if (!quiet || ca == SOFT_SNAN || cb == SOFT_SNAN)
            soft_raise(f, SOFT_IE);
        return unordered;
    }
    soft_denormal_check(f, ca, cb);
    int c = soft_cmp_values(a, ca, b, cb);
    return c == 0 ? SOFT_C3 : c < 0 ? SOFT_C0 : 0;
}
