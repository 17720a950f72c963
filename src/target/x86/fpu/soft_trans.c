/*
 * soft_trans.c - x87 constants and transcendentals in portable C: FLDxx,
 * FSIN FCOS FSINCOS FPTAN FPATAN F2XM1 FYL2X FYL2XP1.
 *
 * Each function is evaluated in a 128-bit-significand float (SoftBig:
 * series after argument reduction, truncating arithmetic, error below
 * 2^-115 relative) and rounded once to 64 bits per RC (PC does not apply).
 * On top of that exact core sit the parts of the hardware's algorithm that
 * were measured on the reference host, an AMD Zen 4 (family 25 model 17),
 * against the exact values (results and status bits, all RC and PC):
 *  - FSIN FCOS FSINCOS FPTAN reduce modulo pi/2 exactly against a 66-bit
 *    pi (so fsin of FLDPI's value is that value minus the 66-bit pi);
 *    |x| >= 2^63 sets C2 only.
 *  - FPATAN adds the same 66-bit pi (pi/2) in its octant corrections
 *    (|y| > |x| or x < 0): those results sit ~0.019 ulp below the exact
 *    angle, as the host's do.  (Its pi/4 reduction of atan on [0, 1] uses
 *    more bits: the 66-bit pi/4 there matches less often.)
 *  - FYL2X and FYL2XP1 round log2(x) (log2(1 + x)) to nearest at 68 bits
 *    and multiply by y with one rounding; PE is always raised (then UE for
 *    a tiny result), even when that product is exact.  log2(0) and
 *    log2(1 - inf) raise ZE / IE without DE.
 * What is not modelled is the hardware's own approximation error: its
 * internal values (about 68-70 bits) are off from the exact function by up
 * to ~2^-4 ulp of the 64-bit result (FPTAN, F2XM1, FYL2X), ~2^-5 ulp
 * (FSIN, FCOS, atan), with a sign that depends on the operand bits only
 * (for tiny x FPTAN's result is x plus or minus a sticky bit, half of the
 * mantissas each way, whatever the exponent).  Where the exact value lies
 * that close to a rounding boundary the host rounds the other way (and its
 * C1 follows its internal value): bit-identical in 98.9-99.8% of the
 * random cases of scripts/testfloat, FPTAN ~86% (its tiny and denormal
 * arguments are many there).
 *
 * Example: soft_sincos(&f, 0x3fff:8000000000000000, &s, NULL) gives
 * sin(1) = 0x3ffe:d76aa47848677021, PE and C1.
 */
#include "target/x86/fpu/fpu.h"
#include "target/x86/fpu/soft_fp.h"

/* The constants to 64 bits, with the rounding direction of their next bits:
 * +1 when the exact value is above the truncation (all are inexact except
 * 1 and 0). */
SoftF80 soft_const(uint16_t cw, int which)
{
    static const struct {
        uint16_t sexp;
        uint64_t mant;
        bool above_half; /* the dropped bits exceed one half ulp */
    } k[] = {
        [FPU_CONST_1] = {0x3fff, 0x8000000000000000ull, false},
        [FPU_CONST_L2T] = {0x4000, 0xd49a784bcd1b8afeull, false},
        [FPU_CONST_L2E] = {0x3fff, 0xb8aa3b295c17f0bbull, true},
        [FPU_CONST_PI] = {0x4000, 0xc90fdaa22168c234ull, true},
        [FPU_CONST_LG2] = {0x3ffd, 0x9a209a84fbcff798ull, true},
        [FPU_CONST_LN2] = {0x3ffe, 0xb17217f7d1cf79abull, true},
        [FPU_CONST_Z] = {0, 0, false},
    };
    if (which < 0 || which > FPU_CONST_Z)
        which = FPU_CONST_Z;
    SoftF80 r = soft_make(false, k[which].sexp, k[which].mant);
    bool exact = which == FPU_CONST_1 || which == FPU_CONST_Z;
    int rc = SOFT_CW_RC(cw);
    if (!exact && (rc == SOFT_RC_UP || (rc == SOFT_RC_NEAR && k[which].above_half)))
        r.mant++;
    return r;
}


/* ---- SoftBig: (-1)^sign * sig * 2^(exp - 127), bit 127 of sig set, or
 * sig == 0 for zero.  Arithmetic truncates below 128 bits. ---- */

typedef struct SoftBig {
    bool sign;
    int32_t exp;
    soft_u128 sig;
} SoftBig;

static SoftBig big_norm(bool sign, int32_t exp, soft_u128 sig)
{
    SoftBig r = {sign, 0, 0};
    if (sig) {
        int z = soft_clz128(sig);
        r.exp = exp - z;
        r.sig = sig << z;
    }
    return r;
}

static SoftBig big_from_num(SoftNum n) { return big_norm(n.sign, n.exp, (soft_u128)n.sig << 64); }
static SoftBig big_from_int(int64_t v)
{
    uint64_t m = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    return big_norm(v < 0, 127, m);
}

static SoftBig big_neg(SoftBig a)
{
    a.sign = !a.sign;
    return a;
}

static SoftBig big_mul(SoftBig a, SoftBig b)
{
    if (!a.sig || !b.sig)
        return big_norm(false, 0, 0);
    uint64_t ah = (uint64_t)(a.sig >> 64), al = (uint64_t)a.sig;
    uint64_t bh = (uint64_t)(b.sig >> 64), bl = (uint64_t)b.sig;
    soft_u128 hh = (soft_u128)ah * bh, hl = (soft_u128)ah * bl, lh = (soft_u128)al * bh;
    soft_u128 ll = (soft_u128)al * bl;
    soft_u128 mid = (hl & ~0ull) + (lh & ~0ull) + (ll >> 64);
    soft_u128 hi = hh + (hl >> 64) + (lh >> 64) + (mid >> 64);
    /* product = hi * 2^128 + ...; value = hi * 2^(ea + eb - 254 + 128) */
    return big_norm(a.sign ^ b.sign, a.exp + b.exp + 1, hi);
}

/* a * b, and in *lost whether the truncation to 128 bits dropped anything
 * (so a product that is exact at 128 bits rounds without a sticky bit). */
static SoftBig big_mul_lost(SoftBig a, SoftBig b, bool *lost)
{
    uint64_t al = (uint64_t)a.sig, bl = (uint64_t)b.sig;
    uint64_t ah = (uint64_t)(a.sig >> 64), bh = (uint64_t)(b.sig >> 64);
    soft_u128 ll = (soft_u128)al * bl, hl = (soft_u128)ah * bl, lh = (soft_u128)al * bh;
    soft_u128 low = (soft_u128)(uint64_t)hl + (uint64_t)lh + (ll >> 64);
    /* the low 128 bits of the 256-bit product; big_mul keeps the high
     * 128 (a normalizing shift moves one zero in: the bit it should have
     * been is among these, so it still counts as lost) */
    *lost = (uint64_t)ll != 0 || (uint64_t)low != 0;
    return big_mul(a, b);
}

static SoftBig big_add(SoftBig a, SoftBig b)
{
    if (!a.sig)
        return b;
    if (!b.sig)
        return a;
    if (a.exp < b.exp || (a.exp == b.exp && a.sig < b.sig)) {
        SoftBig t = a;
        a = b;
        b = t;
    }
    int32_t d = a.exp - b.exp;
    /* one guard bit: work at bit 126 */
    soft_u128 x = a.sig >> 1, y = d >= 127 ? 0 : b.sig >> 1 >> d;
    if (d >= 127 || (b.sig >> 1) != y << d) /* jam what was shifted out */
        y |= 1;
    soft_u128 s = a.sign == b.sign ? x + y : x - y;
    return big_norm(a.sign, a.exp + 1, s);
}

static SoftBig big_sub(SoftBig a, SoftBig b) { return big_add(a, big_neg(b)); }

/* a / b by restoring division, 128 quotient bits. */
static SoftBig big_div(SoftBig a, SoftBig b)
{
    if (!a.sig)
        return a;
    soft_u128 rem = a.sig, q = 0;
    int32_t exp = a.exp - b.exp;
    bool carry = false; /* rem's bit 128 */
    for (int i = 0; i < 128; i++) {
        q <<= 1;
        if (carry || rem >= b.sig) {
            rem -= b.sig;
            q |= 1;
        }
        carry = rem >> 127;
        rem <<= 1;
    }
    /* q = floor(a.sig * 2^127 / b.sig) in [2^126, 2^128) */
    return big_norm(a.sign ^ b.sign, exp, q);
}

/* a / d for a small integer d >= 2: two 128-by-64-bit divisions give the
 * quotient to at least 128 bits (truncated). */
static SoftBig big_div_small(SoftBig a, uint64_t d)
{
    soft_u128 hi = a.sig / d, rem = a.sig % d;
    uint64_t lo = (uint64_t)((rem << 64) / d);
    int z = soft_clz128(hi); /* >= 1 as d >= 2 */
    soft_u128 q = (hi << z) | (z ? (soft_u128)(lo >> (64 - z)) : 0);
    return big_norm(a.sign, a.exp - z, q);
}

/* Round to 80 bits; `inexact` jams a sticky bit (the value is irrational). */
static SoftF80 big_round(SoftFpu *f, SoftBig a, bool inexact)
{
    if (!a.sig)
        return soft_zero(a.sign);
    return soft_round_pack(f, a.sign, a.exp, a.sig | inexact, 64);
}

/* Constants: pi and ln 2 to 128 bits (truncated). */
static const SoftBig big_pi = {false, 1, ((soft_u128)0xc90fdaa22168c234ull << 64) | 0xc4c6628b80dc1cd1ull};
static const SoftBig big_ln2 = {false, -1, ((soft_u128)0xb17217f7d1cf79abull << 64) | 0xc9e3b39803f2f6afull};

/* pi truncated to the 66 bits the x87 microcode uses for its argument
 * reduction and octant corrections (bits 67 to 69 of pi are zero, so 66 to
 * 69 bits give the same constant; 65 or 70 bits do not match the host). */
static SoftBig big_pi66(void)
{
    SoftBig p = big_pi;
    p.sig &= ~(soft_u128)0 << (128 - 66);
    return p;
}

static SoftBig big_scale2(SoftBig a, int n)
{
    a.exp += n;
    return a;
}

/* ---- series ----
 * Each sums terms until one falls below 2^-120 of the sum; that first
 * negligible term is still added (its top bits, or a sticky unit with its
 * sign: big_add) and no further one, so a result within 2^-120 of a 64-bit
 * value rounds the right way: these tails are dominated by their first
 * term, and two sticky units of opposite sign must not cancel. */

static bool big_negligible(SoftBig term, SoftBig sum)
{
    return !term.sig || (sum.sig && term.exp < sum.exp - 120);
}

/* sin r and cos r for |r| <= pi/4. */
static void big_sincos_reduced(SoftBig r, SoftBig *s, SoftBig *c)
{
    SoftBig r2 = big_mul(r, r);
    SoftBig term = r, sum = r;
    for (uint64_t n = 2; n < 600; n += 2) {
        term = big_neg(big_div_small(big_mul(term, r2), n * (n + 1)));
        sum = big_add(sum, term);
        if (big_negligible(term, sum))
            break;
    }
    *s = sum;
    SoftBig one = big_from_int(1);
    term = one;
    sum = one;
    for (uint64_t n = 1; n < 600; n += 2) {
        term = big_neg(big_div_small(big_mul(term, r2), n * (n + 1)));
        sum = big_add(sum, term);
        if (big_negligible(term, sum))
            break;
    }
    *c = sum;
}

/* atanh-based ln for u = (m - 1) / (m + 1): 2 (u + u^3/3 + u^5/5 + ...). */
static SoftBig big_atanh2(SoftBig u)
{
    SoftBig u2 = big_mul(u, u), pow = u, sum = u;
    for (uint64_t n = 3; n < 600; n += 2) {
        pow = big_mul(pow, u2);
        SoftBig term = big_div_small(pow, n);
        sum = big_add(sum, term);
        if (big_negligible(term, sum))
            break;
    }
    return big_scale2(sum, 1);
}

/* atan t for 0 <= t <= 1. */
static SoftBig big_atan01(SoftBig t)
{
    SoftBig one = big_from_int(1), base = {false, 0, 0};
    /* above tan(pi/8): atan t = pi/4 + atan((t - 1) / (t + 1)) */
    if (t.exp > -2 || (t.exp == -2 && t.sig > ((soft_u128)0xd413cccfe7799211ull << 64))) {
        t = big_div(big_sub(t, one), big_add(t, one));
        base = big_scale2(big_pi, -2);
    }
    SoftBig t2 = big_mul(t, t), pow = t, sum = t;
    for (uint64_t n = 3; n < 600; n += 2) {
        pow = big_neg(big_mul(pow, t2));
        SoftBig term = big_div_small(pow, n);
        sum = big_add(sum, term);
        if (big_negligible(term, sum))
            break;
    }
    return big_add(base, sum);
}

/* ---- screening of operands ---- */

/* One operand: NaN / invalid / infinity handling.  Returns true when *r is
 * the result. */
static bool trans_screen1(SoftFpu *f, SoftF80 a, SoftF80 *r)
{
    SoftClass c = soft_classify(a);
    if (c == SOFT_UNSUPPORTED) {
        soft_raise(f, SOFT_IE);
        *r = soft_default_nan();
        return true;
    }
    if (soft_is_nan_class(c)) {
        *r = soft_propagate_nan1(f, a);
        return true;
    }
    if (c == SOFT_DENORMAL)
        soft_raise(f, SOFT_DE);
    return false;
}

/* ---- fsin fcos fsincos fptan ---- */

/* x mod pi/2 against the x87's 66-bit pi/2: r and the quadrant k. */
static SoftBig trig_reduce(SoftNum x, unsigned *quadrant)
{
    /* P = pi/2 to K bits, in units of 2^-(K-1) */
    const int K = 66; /* 64, 65 or 70+ bits match the host far less often */
    const soft_u128 P = big_pi.sig >> (128 - K);
    int32_t shifts = x.exp - 63 + K - 1; /* x = sig * 2^(x.exp-63) */
    *quadrant = 0;
    if (x.exp < -1) /* |x| < 1/2 < pi/4 */
        return big_from_num(x);
    soft_u128 rem = x.sig;
    uint64_t q = 0;
    if (shifts < 0) {
        rem >>= -shifts; /* cannot happen for x.exp >= -1: shifts >= 1 */
        shifts = 0;
    }
    for (int32_t i = 0; i < shifts; i++) {
        rem <<= 1;
        q <<= 1;
        if (rem >= P) {
            rem -= P;
            q |= 1;
        }
    }
    /* x = q * P + rem, but rem started as sig (< P) unshifted: fine */
    bool neg = false;
    if (2 * rem > P) {
        rem = P - rem;
        q++;
        neg = true;
    }
    *quadrant = (unsigned)(q & 3);
    SoftBig r = big_norm(neg, 127 - (K - 1), rem);
    if (x.sign) {
        r.sign = !r.sign;
        *quadrant = (4 - *quadrant) & 3;
    }
    return r;
}

/* Evaluate sin and cos of a finite nonzero |x| < 2^63 in Big. */
static void trig_eval(SoftNum x, SoftBig *s, SoftBig *c)
{
    unsigned k;
    SoftBig r = trig_reduce(x, &k), sr, cr;
    big_sincos_reduced(r, &sr, &cr);
    switch (k) {
    case 0: *s = sr; *c = cr; break;
    case 1: *s = cr; *c = big_neg(sr); break;
    case 2: *s = big_neg(sr); *c = big_neg(cr); break;
    default: *s = big_neg(cr); *c = sr; break;
    }
}

/* Common screening of fsin/fcos/fptan: true when decided. */
static bool trig_screen(SoftFpu *f, SoftF80 a, SoftF80 *r, bool *out_of_range)
{
    *out_of_range = false;
    if (trans_screen1(f, a, r))
        return true;
    SoftClass c = soft_classify(a);
    if (c == SOFT_INF) {
        soft_raise(f, SOFT_IE);
        *r = soft_default_nan();
        return true;
    }
    if ((a.sexp & 0x7fff) >= SOFT_BIAS + 63) {
        f->sw |= SOFT_C2;
        *out_of_range = true;
        *r = a;
        return true;
    }
    return false;
}

void soft_sincos(SoftFpu *f, SoftF80 a, SoftF80 *s, SoftF80 *c)
{
    SoftF80 r;
    bool oor;
    if (trig_screen(f, a, &r, &oor)) {
        if (s)
            *s = r;
        if (c)
            *c = r;
        return;
    }
    if (soft_classify(a) == SOFT_ZERO) {
        if (s)
            *s = a;
        if (c)
            *c = soft_make(false, SOFT_BIAS, 1ull << 63);
        return;
    }
    SoftBig bs, bc;
    trig_eval(soft_unpack(a), &bs, &bc);
    /* fsincos rounds both; the flags merge but C1 is the sine's */
    uint16_t c1 = 0;
    if (c) {
        *c = big_round(f, bc, true);
        c1 = f->sw & SOFT_C1;
        f->sw &= ~SOFT_C1;
    }
    if (s)
        *s = big_round(f, bs, true);
    else
        f->sw |= c1;
}

SoftF80 soft_tan(SoftFpu *f, SoftF80 a)
{
    SoftF80 r;
    bool oor;
    if (trig_screen(f, a, &r, &oor))
        return r;
    if (soft_classify(a) == SOFT_ZERO)
        return a;
    SoftBig bs, bc;
    trig_eval(soft_unpack(a), &bs, &bc);
    return big_round(f, big_div(bs, bc), true);
}

/* ---- fpatan ---- */

SoftF80 soft_atan2(SoftFpu *f, SoftF80 y, SoftF80 x)
{
    SoftClass cy = soft_classify(y), cx = soft_classify(x);
    if (cy == SOFT_UNSUPPORTED || cx == SOFT_UNSUPPORTED) {
        soft_raise(f, SOFT_IE);
        return soft_default_nan();
    }
    if (soft_is_nan_class(cy) || soft_is_nan_class(cx))
        return soft_propagate_nan2(f, x, y);
    if (cy == SOFT_DENORMAL || cx == SOFT_DENORMAL)
        soft_raise(f, SOFT_DE);
    bool sy = soft_sign(y), sx = soft_sign(x);
    SoftBig pi = big_pi, ang;
    if (cy == SOFT_ZERO && cx == SOFT_ZERO) {
        if (!sx)
            return soft_zero(sy);
        ang = pi;
    } else if (cx == SOFT_INF && cy == SOFT_INF) {
        ang = big_scale2(pi, -2);
        if (sx)
            ang = big_sub(pi, ang);
    } else if (cy == SOFT_ZERO || cx == SOFT_INF) {
        if (!sx)
            return soft_zero(sy);
        ang = pi;
    } else if (cx == SOFT_ZERO || cy == SOFT_INF) {
        ang = big_scale2(pi, -1);
    } else {
        SoftBig by = big_from_num(soft_unpack(y)), bx = big_from_num(soft_unpack(x));
        by.sign = bx.sign = false;
        bool swap = by.exp > bx.exp || (by.exp == bx.exp && by.sig > bx.sig);
        SoftBig t = swap ? big_div(bx, by) : big_div(by, bx);
        /* the octant corrections add the x87's 66-bit pi (and pi/2), as
         * its argument reduction does: the results near pi/2 and pi sit
         * 0.019 ulp below the true angle */
        SoftBig pi66 = big_pi66();
        ang = big_atan01(t);
        if (swap)
            ang = big_sub(big_scale2(pi66, -1), ang);
        if (sx)
            ang = big_sub(pi66, ang);
    }
    ang.sign = sy;
    return big_round(f, ang, true);
}

/* ---- f2xm1 ---- */

SoftF80 soft_exp2m1(SoftFpu *f, SoftF80 a)
{
    SoftF80 r;
    if (trans_screen1(f, a, &r))
        return r;
    SoftClass c = soft_classify(a);
    if (c == SOFT_ZERO)
        return a;
    if (c == SOFT_INF)
        return soft_sign(a) ? soft_make(true, SOFT_BIAS, 1ull << 63) : a;
    SoftNum x = soft_unpack(a);
    if (x.exp >= 0) {
        /* outside [-1, 1] (undefined by the SDM) the x87 returns a; at
         * +-1 it gives 1 and -1/2, still with PE (and C1 for 1) */
        f->sw |= SOFT_PE;
        if (x.exp > 0 || x.sig != 1ull << 63)
            return a;
        if (x.sign)
            return soft_make(true, SOFT_BIAS - 1, 1ull << 63);
        f->sw |= SOFT_C1;
        return a;
    }
    SoftBig t = big_mul(big_from_num(x), big_ln2), term = t, sum = t;
    for (uint64_t n = 2; n < 600; n++) {
        term = big_div_small(big_mul(term, t), n);
        sum = big_add(sum, term);
        if (big_negligible(term, sum))
            break;
    }
    return big_round(f, sum, true);
}

/* ---- fyl2x, fyl2xp1 ---- */

/* The x87 rounds log2(x) (and log2(1 + x)) to nearest at 68 bits before it
 * multiplies by y: measured on Zen 4, this matches the host's FYL2X and
 * FYL2XP1 results in 25-30% more of the cases near a rounding boundary
 * than the exact product does; 66, 67, 69 or 70 bits, or truncation, do
 * worse.  (The host's own log2 is still off by about one 68-bit unit at
 * times.) */
static SoftBig big_round68(SoftBig a)
{
    soft_u128 unit = (soft_u128)1 << (128 - 68), rest = a.sig & (unit - 1);
    if (!a.sig)
        return a;
    a.sig -= rest;
    if (rest > unit / 2 || (rest == unit / 2 && (a.sig & unit))) {
        a.sig += unit;
        if (!a.sig) { /* carried out of bit 127 */
            a.sig = (soft_u128)1 << 127;
            a.exp++;
        }
    }
    return a;
}

/* log2 of a finite positive x (SoftNum), in Big; *exact when x = 2^k. */
static SoftBig big_log2(SoftNum x, bool *exact)
{
    SoftBig one = big_from_int(1);
    int32_t e = x.exp;
    SoftBig m = big_norm(false, 0, (soft_u128)x.sig << 64); /* [1, 2) */
    *exact = x.sig == 1ull << 63;
    if (*exact)
        return big_from_int(e);
    if (x.sig > 0xb504f333f9de6484ull) { /* m > sqrt 2: use m / 2 */
        m.exp--;
        e++;
    }
    SoftBig u = big_div(big_sub(m, one), big_add(m, one));
    SoftBig l = big_div(big_atanh2(u), big_ln2);
    return big_add(big_from_int(e), l);
}

/* y (finite nonzero) times the nonzero 68-bit log l, rounded once.  The
 * x87 reports PE even when that product is exact (x = 2^k, or a log that
 * rounded to an integer), and so UE when the result is tiny. */
static SoftF80 ylog2_product(SoftFpu *f, SoftF80 y, SoftBig l)
{
    bool lost = false;
    SoftBig p = big_mul_lost(big_from_num(soft_unpack(y)), l, &lost);
    SoftF80 r = big_round(f, p, lost);
    f->sw |= SOFT_PE;
    if ((r.sexp & 0x7fff) == 0)
        f->sw |= SOFT_UE;
    return r;
}

SoftF80 soft_ylog2(SoftFpu *f, SoftF80 y, SoftF80 x, bool plus_one)
{
    SoftClass cy = soft_classify(y), cx = soft_classify(x);
    if (cy == SOFT_UNSUPPORTED || cx == SOFT_UNSUPPORTED) {
        soft_raise(f, SOFT_IE);
        return soft_default_nan();
    }
    if (soft_is_nan_class(cy) || soft_is_nan_class(cx))
        return soft_propagate_nan2(f, x, y);
    bool sy = soft_sign(y), sx = soft_sign(x);
    if (!plus_one) {
        if (sx && cx != SOFT_ZERO) { /* log of a negative number */
            soft_raise(f, SOFT_IE);
            return soft_default_nan();
        }
        /* log2(0) stops before the denormal check: ZE (or IE) alone */
        if ((cy == SOFT_DENORMAL || cx == SOFT_DENORMAL) && cx != SOFT_ZERO)
            soft_raise(f, SOFT_DE);
        if (cx == SOFT_ZERO) {
            if (cy == SOFT_ZERO) {
                soft_raise(f, SOFT_IE);
                return soft_default_nan();
            }
            if (cy != SOFT_INF)
                soft_raise(f, SOFT_ZE);
            return soft_inf(!sy);
        }
        if (cx == SOFT_INF) {
            if (cy == SOFT_ZERO) {
                soft_raise(f, SOFT_IE);
                return soft_default_nan();
            }
            return soft_inf(sy);
        }
        bool exact;
        SoftNum xn = soft_unpack(x);
        SoftBig l = big_log2(xn, &exact);
        if (cy == SOFT_INF) {
            if (!l.sig) {
                soft_raise(f, SOFT_IE);
                return soft_default_nan();
            }
            return soft_inf(sy ^ l.sign);
        }
        if (cy == SOFT_ZERO)
            return soft_zero(sy ^ (l.sig ? l.sign : false));
        if (!l.sig) /* x = 1: a zero with y's sign, exact */
            return soft_zero(sy);
        return ylog2_product(f, y, big_round68(l));
    }
    /* log2(1 - inf) stops before the denormal check: IE alone */
    if ((cy == SOFT_DENORMAL || cx == SOFT_DENORMAL) && !(cx == SOFT_INF && sx))
        soft_raise(f, SOFT_DE);
    if (cx == SOFT_INF || cy == SOFT_INF) {
        if (cx == SOFT_ZERO || cy == SOFT_ZERO || (cx == SOFT_INF && sx)) {
            soft_raise(f, SOFT_IE);
            return soft_default_nan();
        }
        return soft_inf(sy ^ sx);
    }
    if (cx == SOFT_ZERO || cy == SOFT_ZERO)
        return soft_zero(sy ^ sx);
    /* ln(1 + x) = 2 atanh(x / (2 + x)) */
    SoftBig bx = big_from_num(soft_unpack(x));
    SoftBig u = big_div(bx, big_add(big_from_int(2), bx));
    return ylog2_product(f, y, big_round68(big_div(big_atanh2(u), big_ln2)));
}
