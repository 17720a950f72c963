/*
 * flags.c - x86 ALU results and status flags in portable C (see flags.h).
 *
 * Defined flags follow the Intel SDM exactly; tests/unit/test-interp.c checks
 * every function against the host CPU.  For flags the SDM calls undefined we
 * pick one deterministic value, chosen to be what a naive single-step
 * hardware implementation gives (the emitter gives whatever the host gives):
 *   and/or/xor/test        AF = 0
 *   shl/shr/sar (count>0)  AF = 0; OF for count > 1 as for the last single-bit
 *                          step (shl: MSB(r)^CF, shr: bit size-1 of the value
 *                          before the last step, sar: 0); CF for shl/shr with
 *                          count >= size is the last bit shifted out (0 once
 *                          the count passes the operand)
 *   rol/ror/rcl/rcr        OF for count != 1 by the count-1 formula applied to
 *                          the result (rol/rcl: MSB(r)^CF, ror/rcr: the two
 *                          top bits of r xor'ed)
 *   shld/shrd              OF as for the last single-bit step; AF = 0; 16-bit
 *                          counts 17..31 shift through a:b:a (shld) or
 *                          a:b:a from the right (shrd), as Intel CPUs do
 *   mul/imul               SF ZF PF from the low half, AF = 0
 *   div/idiv               all flags unchanged
 *   bsf/bsr, bt*           CF(bsf/bsr) OF SF AF PF = 0
 */
#include "host/interp/flags.h"

#include "ir/ir.h"

static inline uint32_t size_mask(unsigned size)
{
    return size == 32 ? 0xffffffffu : (1u << size) - 1;
}

static inline uint32_t sign_bit(unsigned size) { return 1u << (size - 1); }

static inline uint32_t parity_flag(uint32_t r)
{
    r &= 0xff;
    r ^= r >> 4;
    return ((0x6996u >> (r & 0xf)) & 1) ? 0 : CC_P;
}

/* SF ZF PF of a result */
static inline uint32_t szp(unsigned size, uint32_t r)
{
    uint32_t f = parity_flag(r);
    if ((r & size_mask(size)) == 0)
        f |= CC_Z;
    if (r & sign_bit(size))
        f |= CC_S;
    return f;
}

/* ---- add, sub and friends ---- */

static uint32_t add_flags(unsigned size, uint32_t a, uint32_t b, uint32_t r, bool carry)
{
    uint32_t f = szp(size, r) | ((a ^ b ^ r) & CC_A);
    if (carry)
        f |= CC_C;
    if ((a ^ r) & (b ^ r) & sign_bit(size))
        f |= CC_O;
    return f;
}

static uint32_t sub_flags(unsigned size, uint32_t a, uint32_t b, uint32_t r, bool borrow)
{
    uint32_t f = szp(size, r) | ((a ^ b ^ r) & CC_A);
    if (borrow)
        f |= CC_C;
    if ((a ^ b) & (a ^ r) & sign_bit(size))
        f |= CC_O;
    return f;
}

uint32_t interp_cc_add(unsigned size, uint32_t a, uint32_t b, uint32_t *cc)
{
    uint32_t m = size_mask(size);
    a &= m, b &= m;
    uint32_t r = (a + b) & m;
    *cc = add_flags(size, a, b, r, r < a);
    return r;
}

uint32_t interp_cc_adc(unsigned size, uint32_t a, uint32_t b, uint32_t *cc)
{
    uint32_t m = size_mask(size), c = *cc & CC_C;
    a &= m, b &= m;
    uint32_t r = (a + b + c) & m;
    *cc = add_flags(size, a, b, r, c ? r <= a : r < a);
    return r;
}

uint32_t interp_cc_sub(unsigned size, uint32_t a, uint32_t b, uint32_t *cc)
{
    uint32_t m = size_mask(size);
    a &= m, b &= m;
    uint32_t r = (a - b) & m;
    *cc = sub_flags(size, a, b, r, a < b);
    return r;
}

uint32_t interp_cc_sbb(unsigned size, uint32_t a, uint32_t b, uint32_t *cc)
{
    uint32_t m = size_mask(size), c = *cc & CC_C;
    a &= m, b &= m;
    uint32_t r = (a - b - c) & m;
    *cc = sub_flags(size, a, b, r, c ? a <= b : a < b);
    return r;
}

uint32_t interp_cc_and(unsigned size, uint32_t a, uint32_t b, uint32_t *cc)
{
    uint32_t r = a & b & size_mask(size);
    *cc = szp(size, r);
    return r;
}

uint32_t interp_cc_or(unsigned size, uint32_t a, uint32_t b, uint32_t *cc)
{
    uint32_t r = (a | b) & size_mask(size);
    *cc = szp(size, r);
    return r;
}

uint32_t interp_cc_xor(unsigned size, uint32_t a, uint32_t b, uint32_t *cc)
{
    uint32_t r = (a ^ b) & size_mask(size);
    *cc = szp(size, r);
    return r;
}

uint32_t interp_cc_inc(unsigned size, uint32_t a, uint32_t *cc)
{
    uint32_t m = size_mask(size);
    a &= m;
    uint32_t r = (a + 1) & m;
    *cc = (*cc & CC_C) | add_flags(size, a, 1, r, false);
    return r;
}

uint32_t interp_cc_dec(unsigned size, uint32_t a, uint32_t *cc)
{
    uint32_t m = size_mask(size);
    a &= m;
    uint32_t r = (a - 1) & m;
    *cc = (*cc & CC_C) | sub_flags(size, a, 1, r, false);
    return r;
}

uint32_t interp_cc_neg(unsigned size, uint32_t a, uint32_t *cc)
{
    uint32_t m = size_mask(size);
    a &= m;
    uint32_t r = (0 - a) & m;
    *cc = sub_flags(size, 0, a, r, a != 0);
    return r;
}

/* ---- shifts ---- */

/* Replace the flags in `mask` of *cc by those in f. */
static inline void cc_merge(uint32_t *cc, uint32_t mask, uint32_t f)
{
    *cc = (*cc & ~mask) | (f & mask);
}

uint32_t interp_cc_shl(unsigned size, uint32_t a, uint32_t count, uint32_t *cc)
{
    uint32_t m = size_mask(size), c = count & 31;
    a &= m;
    if (c == 0)
        return a;
    uint32_t r = (uint32_t)((uint64_t)a << c) & m;
    uint32_t cf = c <= size ? (a >> (size - c)) & 1 : 0;
    uint32_t f = szp(size, r) | cf;
    if (((r >> (size - 1)) & 1) ^ cf)
        f |= CC_O;
    *cc = f;
    return r;
}

uint32_t interp_cc_shr(unsigned size, uint32_t a, uint32_t count, uint32_t *cc)
{
    uint32_t m = size_mask(size), c = count & 31;
    a &= m;
    if (c == 0)
        return a;
    uint32_t prev = a >> (c - 1); /* the value before the last step */
    uint32_t r = prev >> 1;
    uint32_t f = szp(size, r) | (prev & 1);
    if (prev & sign_bit(size))
        f |= CC_O;
    *cc = f;
    return r;
}

uint32_t interp_cc_sar(unsigned size, uint32_t a, uint32_t count, uint32_t *cc)
{
    uint32_t m = size_mask(size), c = count & 31;
    a &= m;
    if (c == 0)
        return a;
    /* sign-extend to 32 bits; a count up to 31 then keeps shifting in the sign */
    int32_t x = (int32_t)((a ^ sign_bit(size)) - sign_bit(size));
    int32_t prev = x >> (c - 1);
    uint32_t r = (uint32_t)(prev >> 1) & m;
    *cc = szp(size, r) | ((uint32_t)prev & 1);
    return r;
}

/* ---- rotates ---- */

uint32_t interp_cc_rol(unsigned size, uint32_t a, uint32_t count, uint32_t *cc)
{
    uint32_t m = size_mask(size), c = count & 31;
    a &= m;
    if (c == 0)
        return a;
    uint32_t k = c & (size - 1);
    uint32_t r = k ? ((a << k) | (a >> (size - k))) & m : a;
    uint32_t cf = r & 1;
    uint32_t of = ((r >> (size - 1)) & 1) ^ cf;
    cc_merge(cc, CC_C | CC_O, cf | (of ? CC_O : 0));
    return r;
}

uint32_t interp_cc_ror(unsigned size, uint32_t a, uint32_t count, uint32_t *cc)
{
    uint32_t m = size_mask(size), c = count & 31;
    a &= m;
    if (c == 0)
        return a;
    uint32_t k = c & (size - 1);
    uint32_t r = k ? ((a >> k) | (a << (size - k))) & m : a;
    uint32_t cf = (r >> (size - 1)) & 1;
    uint32_t of = cf ^ ((r >> (size - 2)) & 1);
    cc_merge(cc, CC_C | CC_O, cf | (of ? CC_O : 0));
    return r;
}

/* rcl/rcr rotate the size+1 bit value CF:a. */
uint32_t interp_cc_rcl(unsigned size, uint32_t a, uint32_t count, uint32_t *cc)
{
    uint32_t m = size_mask(size), c = count & 31;
    a &= m;
    if (c == 0)
        return a;
    c %= size + 1;
    uint64_t wm = ((uint64_t)1 << (size + 1)) - 1;
    uint64_t v = ((uint64_t)(*cc & CC_C) << size) | a;
    if (c)
        v = ((v << c) | (v >> (size + 1 - c))) & wm;
    uint32_t r = (uint32_t)v & m, cf = (uint32_t)(v >> size) & 1;
    uint32_t of = ((r >> (size - 1)) & 1) ^ cf;
    cc_merge(cc, CC_C | CC_O, cf | (of ? CC_O : 0));
    return r;
}

uint32_t interp_cc_rcr(unsigned size, uint32_t a, uint32_t count, uint32_t *cc)
{
    uint32_t m = size_mask(size), c = count & 31;
    a &= m;
    if (c == 0)
        return a;
    c %= size + 1;
    uint64_t wm = ((uint64_t)1 << (size + 1)) - 1;
    uint64_t v = ((uint64_t)(*cc & CC_C) << size) | a;
    if (c)
        v = ((v >> c) | (v << (size + 1 - c))) & wm;
    uint32_t r = (uint32_t)v & m, cf = (uint32_t)(v >> size) & 1;
    uint32_t of = ((r >> (size - 1)) ^ (r >> (size - 2))) & 1;
    cc_merge(cc, CC_C | CC_O, cf | (of ? CC_O : 0));
    return r;
}

/* ---- double shifts ---- */

uint32_t interp_cc_shld(unsigned size, uint32_t a, uint32_t b, uint32_t count, uint32_t *cc)
{
    uint32_t m = size_mask(size), c = count & 31;
    a &= m, b &= m;
    if (c == 0)
        return a;
    uint32_t r, cf;
    if (size == 32) {
        uint64_t x = ((uint64_t)a << 32) | b;
        r = (uint32_t)((x << c) >> 32);
        cf = (a >> (32 - c)) & 1;
    } else {
        uint64_t x = ((uint64_t)a << 32) | ((uint64_t)b << 16) | a; /* a:b:a */
        r = (uint32_t)((x << c) >> 32) & m;
        cf = (uint32_t)(x >> (48 - c)) & 1;
    }
    uint32_t f = szp(size, r) | cf;
    if (((r >> (size - 1)) & 1) ^ cf)
        f |= CC_O;
    *cc = f;
    return r;
}

uint32_t interp_cc_shrd(unsigned size, uint32_t a, uint32_t b, uint32_t count, uint32_t *cc)
{
    uint32_t m = size_mask(size), c = count & 31;
    a &= m, b &= m;
    if (c == 0)
        return a;
    uint64_t x = size == 32 ? ((uint64_t)b << 32) | a
                            : ((uint64_t)a << 32) | ((uint64_t)b << 16) | a; /* a:b:a */
    uint32_t r = (uint32_t)(x >> c) & m;
    uint32_t cf = (uint32_t)(x >> (c - 1)) & 1;
    uint32_t f = szp(size, r) | cf;
    if (((r >> (size - 1)) ^ (r >> (size - 2))) & 1)
        f |= CC_O;
    *cc = f;
    return r;
}

/* ---- multiply and divide ---- */

uint32_t interp_cc_mulu(unsigned size, uint32_t a, uint32_t b, uint32_t *hi, uint32_t *cc)
{
    uint32_t m = size_mask(size);
    uint64_t p = (uint64_t)(a & m) * (b & m);
    uint32_t lo = (uint32_t)p & m;
    *hi = (uint32_t)(p >> size) & m;
    *cc = szp(size, lo) | (*hi ? CC_C | CC_O : 0);
    return lo;
}

static inline int64_t sext(unsigned size, uint32_t v)
{
    uint32_t m = size_mask(size);
    return (int64_t)(int32_t)(((v & m) ^ sign_bit(size)) - sign_bit(size));
}

uint32_t interp_cc_muls(unsigned size, uint32_t a, uint32_t b, uint32_t *hi, uint32_t *cc)
{
    uint32_t m = size_mask(size);
    int64_t p = sext(size, a) * sext(size, b);
    uint32_t lo = (uint32_t)p & m;
    *hi = (uint32_t)((uint64_t)p >> size) & m;
    *cc = szp(size, lo) | (p != sext(size, lo) ? CC_C | CC_O : 0);
    return lo;
}

/* the dividend as ir-opc.h defines it for divu/divs */
static uint64_t dividend(unsigned size, uint32_t lo, uint32_t hi)
{
    switch (size) {
    case 8: return lo & 0xffff;
    case 16: return (lo & 0xffff) | ((uint64_t)(hi & 0xffff) << 16);
    default: return lo | ((uint64_t)hi << 32);
    }
}

bool interp_divu(unsigned size, uint32_t lo, uint32_t hi, uint32_t d, uint32_t *q, uint32_t *r)
{
    uint64_t n = dividend(size, lo, hi), dv = d & size_mask(size);
    if (dv == 0)
        return false;
    uint64_t qq = n / dv;
    if (qq > size_mask(size))
        return false;
    *q = (uint32_t)qq;
    *r = (uint32_t)(n % dv);
    return true;
}

bool interp_divs(unsigned size, uint32_t lo, uint32_t hi, uint32_t d, uint32_t *q, uint32_t *r)
{
    uint64_t n = dividend(size, lo, hi);
    int64_t sn = size == 32 ? (int64_t)n : sext(size * 2, (uint32_t)n);
    int64_t dv = sext(size, d);
    if (dv == 0)
        return false;
    if (dv == -1 && sn == INT64_MIN)
        return false; /* quotient 2^63 does not fit; avoid C overflow */
    int64_t qq = sn / dv;
    int64_t lim = (int64_t)1 << (size - 1);
    if (qq < -lim || qq >= lim)
        return false;
    *q = (uint32_t)qq & size_mask(size);
    *r = (uint32_t)(sn % dv) & size_mask(size);
    return true;
}

/* ---- bit scans and bit tests ---- */

uint32_t interp_cc_bsf(unsigned size, uint32_t src, uint32_t old, uint32_t *cc)
{
    src &= size_mask(size);
    if (src == 0) {
        *cc = CC_Z;
        return old & size_mask(size);
    }
    uint32_t i = 0;
    while (!((src >> i) & 1))
        i++;
    *cc = 0;
    return i;
}

uint32_t interp_cc_bsr(unsigned size, uint32_t src, uint32_t old, uint32_t *cc)
{
    src &= size_mask(size);
    if (src == 0) {
        *cc = CC_Z;
        return old & size_mask(size);
    }
    uint32_t i = size - 1;
    while (!((src >> i) & 1))
        i--;
    *cc = 0;
    return i;
}

uint32_t interp_cc_bt(unsigned size, int kind, uint32_t v, uint32_t idx, uint32_t *cc)
{
    uint32_t m = size_mask(size), bit = 1u << (idx & (size - 1));
    v &= m;
    *cc = (*cc & CC_Z) | ((v & bit) ? CC_C : 0);
    switch (kind) {
    case 1: return v | bit;
    case 2: return v & ~bit;
    case 3: return v ^ bit;
    default: return v;
    }
}
