/*
 * soft_conv.c - x87 conversions in portable C: integers (FILD, FIST,
 * FISTTP), float32/float64 (FLD m32/m64, FST m32/m64) and packed BCD
 * (FBLD, FBSTP).
 *
 * Stores to a narrower binary format round per RC only (never PC) into that
 * format's own exponent range: denormal results, overflow to infinity or
 * the largest finite value, and tininess after rounding, as for register
 * results.  Out-of-range integer stores give the integer indefinite
 * (1 << (width - 1)) with IE.
 *
 * Example: soft_to_f32(&f, 0x3fff:8000000000000001) = 0x3f800000, PE.
 */
#include "target/x86/fpu/soft_fp.h"


/* ---- integers ---- */

SoftF80 soft_from_int(int64_t v)
{
    if (v == 0)
        return soft_zero(false);
    bool sign = v < 0;
    uint64_t mag = sign ? 0 - (uint64_t)v : (uint64_t)v;
    int z = __builtin_clzll(mag);
    return soft_make(sign, (uint32_t)(SOFT_BIAS + 63 - z), mag << z);
}

/* Round a to an integer of magnitude at most `limit` for a negative value,
 * `limit - 1`... per sign: positive values must stay <= pos_max, negative
 * ones <= neg_max.  Returns false (and raises IE) when out of range. */
static bool soft_to_bounded(SoftFpu *f, SoftF80 a, int rc, uint64_t pos_max, uint64_t neg_max,
                            bool *sign, uint64_t *mag)
{
    SoftClass c = soft_classify(a);
    *sign = soft_sign(a);
    *mag = 0;
    if (c == SOFT_UNSUPPORTED || c == SOFT_INF || soft_is_nan_class(c)) {
        soft_raise(f, SOFT_IE);
        return false;
    }
    if (c == SOFT_ZERO)
        return true;
    SoftNum x = soft_unpack(a); /* a denormal raises no DE here */
    bool inexact, up;
    if (!soft_round_int(x, rc, mag, &inexact, &up) || *mag > (x.sign ? neg_max : pos_max)) {
        soft_raise(f, SOFT_IE);
        return false;
    }
    if (inexact)
        f->sw |= SOFT_PE;
    if (up)
        f->sw |= SOFT_C1;
    return true;
}

int64_t soft_to_int(SoftFpu *f, SoftF80 a, int width, bool truncate)
{
    uint64_t top = 1ull << (width - 1);
    int64_t indefinite = -(int64_t)(top - 1) - 1;
    int rc = truncate ? SOFT_RC_ZERO : SOFT_CW_RC(f->cw);
    bool sign;
    uint64_t mag;
    if (!soft_to_bounded(f, a, rc, top - 1, top, &sign, &mag))
        return indefinite;
    return sign ? (int64_t)(0 - mag) : (int64_t)mag;
}

/* ---- binary formats ---- */

/* Widen an IEEE binary value (mbits significand bits with the hidden one,
 * ebits exponent bits) to 80 bits: exact; SNaN -> IE, denormal -> DE. */
static SoftF80 soft_from_binary(SoftFpu *f, uint64_t v, int mbits, int ebits)
{
    int fbits = mbits - 1;
    bool sign = (v >> (fbits + ebits)) & 1;
    uint32_t e = (uint32_t)(v >> fbits) & ((1u << ebits) - 1);
    uint64_t frac = v & ((1ull << fbits) - 1);
    int32_t bias = (1 << (ebits - 1)) - 1;
    if (e == (1u << ebits) - 1) {
        if (frac == 0)
            return soft_inf(sign);
        if (!((frac >> (fbits - 1)) & 1))
            soft_raise(f, SOFT_IE);
        return soft_make(sign, SOFT_EXP_MAX, (3ull << 62) | (frac << (63 - fbits)));
    }
    if (e == 0) {
        if (frac == 0)
            return soft_zero(sign);
        soft_raise(f, SOFT_DE);
        int z = __builtin_clzll(frac);
        /* value = frac * 2^(1 - bias - fbits); frac << z has its top at 63 */
        int32_t exp = 1 - bias - fbits + 63 - z;
        return soft_make(sign, (uint32_t)(exp + SOFT_BIAS), frac << z);
    }
    return soft_make(sign, (uint32_t)((int32_t)e - bias + SOFT_BIAS),
                     (1ull << 63) | (frac << (63 - fbits)));
}

SoftF80 soft_from_f32(SoftFpu *f, uint32_t v) { return soft_from_binary(f, v, 24, 8); }
SoftF80 soft_from_f64(SoftFpu *f, uint64_t v) { return soft_from_binary(f, v, 53, 11); }

/* Round sig (bit 127 = top) to mbits bits per rc; see soft_core.c. */
static soft_u128 soft_round_bits(soft_u128 sig, int mbits, int rc, bool sign, bool *inexact,
                                 bool *up)
{
    int drop = 128 - mbits;
    soft_u128 unit = (soft_u128)1 << drop;
    soft_u128 rest = sig & (unit - 1), half = unit >> 1, kept = sig - rest;
    bool u = false;
    if (rc == SOFT_RC_NEAR)
        u = rest > half || (rest == half && (kept & unit));
    else if (rc == SOFT_RC_DOWN)
        u = rest && sign;
    else if (rc == SOFT_RC_UP)
        u = rest && !sign;
    *inexact = rest != 0;
    *up = u;
    return kept >> drop; /* caller adds u: the sum may need mbits + 1 bits */
}

/* Narrow a finite nonzero value to the binary format; returns the bits
 * without the sign; sets IE OE UE PE C1; *nostore for unmasked OE/UE. */
static uint64_t soft_pack_binary(SoftFpu *f, SoftNum x, int mbits, int ebits, bool *nostore)
{
    int rc = SOFT_CW_RC(f->cw);
    int32_t bias = (1 << (ebits - 1)) - 1, emax = (1 << ebits) - 1;
    int32_t e = x.exp + bias;
    soft_u128 sig = (soft_u128)x.sig << 64;
    bool inexact, up;
    uint64_t m;
    if (e >= 1) {
        m = (uint64_t)soft_round_bits(sig, mbits, rc, x.sign, &inexact, &up) + up;
        if (m >> mbits) {
            m >>= 1;
            e++;
        }
        if (e >= emax) {
            if (soft_raise(f, SOFT_OE)) {
                *nostore = true;
                return 0;
            }
            f->sw |= SOFT_PE;
            bool to_inf = rc == SOFT_RC_NEAR || (rc == SOFT_RC_UP && !x.sign) ||
                          (rc == SOFT_RC_DOWN && x.sign);
            uint64_t inf = (uint64_t)emax << (mbits - 1);
            if (to_inf)
                f->sw |= SOFT_C1;
            return to_inf ? inf : inf - 1;
        }
        if (inexact)
            f->sw |= SOFT_PE;
        if (up)
            f->sw |= SOFT_C1;
        return ((uint64_t)e << (mbits - 1)) + (m & ((1ull << (mbits - 1)) - 1));
    }
    bool tiny = true;
    if (e == 0) {
        uint64_t t = (uint64_t)soft_round_bits(sig, mbits, rc, x.sign, &inexact, &up) + up;
        tiny = !(t >> mbits);
    }
    int shift = 1 - e;
    soft_u128 d = shift >= 128 ? 1 : (sig >> shift) | ((sig & (((soft_u128)1 << shift) - 1)) != 0);
    m = (uint64_t)soft_round_bits(d, mbits, rc, x.sign, &inexact, &up) + up;
    if (tiny && (~f->cw & SOFT_UE)) {
        f->sw |= SOFT_UE;
        *nostore = true;
        return 0;
    }
    if (inexact) {
        f->sw |= SOFT_PE;
        if (tiny)
            f->sw |= SOFT_UE;
    }
    if (up)
        f->sw |= SOFT_C1;
    return m; /* a carry into the hidden bit is exponent field 1 */
}

/* FST m32/m64 of any 80-bit value. */
static uint64_t soft_to_binary(SoftFpu *f, SoftF80 a, int mbits, int ebits, bool *nostore)
{
    SoftClass c = soft_classify(a);
    int fbits = mbits - 1;
    uint64_t sign = (uint64_t)soft_sign(a) << (fbits + ebits);
    uint64_t inf = ((1ull << ebits) - 1) << fbits;
    *nostore = false;
    switch (c) {
    case SOFT_UNSUPPORTED:
        *nostore = soft_raise(f, SOFT_IE);
        return (1ull << (fbits + ebits)) | inf | (1ull << (fbits - 1));
    case SOFT_SNAN:
    case SOFT_QNAN:
        if (c == SOFT_SNAN)
            *nostore = soft_raise(f, SOFT_IE);
        return sign | inf | (1ull << (fbits - 1)) | ((a.mant << 1) >> (64 - fbits));
    case SOFT_INF:
        return sign | inf;
    case SOFT_ZERO:
        return sign;
    default: /* a denormal raises no DE on a store */
        break;
    }
    return sign | soft_pack_binary(f, soft_unpack(a), mbits, ebits, nostore);
}

uint32_t soft_to_f32(SoftFpu *f, SoftF80 a)
{
    bool nostore;
    uint32_t r = (uint32_t)soft_to_binary(f, a, 24, 8, &nostore);
    return r;
}

uint64_t soft_to_f64(SoftFpu *f, SoftF80 a)
{
    bool nostore;
    return soft_to_binary(f, a, 53, 11, &nostore);
}

/* ---- packed BCD ---- */

SoftF80 soft_from_bcd(const uint8_t bcd[10])
{
    uint64_t v = 0;
    for (int i = 8; i >= 0; i--)
        v = v * 100 + (uint64_t)(bcd[i] >> 4) * 10 + (bcd[i] & 15);
    SoftF80 r = soft_from_int((int64_t)v);
    if (bcd[9] & 0x80)
        r.sexp |= 0x8000;
    return r;
}

void soft_to_bcd(SoftFpu *f, SoftF80 a, uint8_t bcd[10])
{
    static const uint64_t max = 999999999999999999ull;
    bool sign;
    uint64_t mag;
    if (!soft_to_bounded(f, a, SOFT_CW_RC(f->cw), max, max, &sign, &mag)) {
        for (int i = 0; i < 10; i++)
            bcd[i] = 0;
        bcd[9] = 0xff;
        bcd[8] = 0xff;
        bcd[7] = 0xc0;
        return;
    }
    for (int i = 0; i < 9; i++) {
        bcd[i] = (uint8_t)((mag % 10) | ((mag / 10 % 10) << 4));
        mag /= 100;
    }
    bcd[9] = sign ? 0x80 : 0;
}
