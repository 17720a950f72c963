/*
 * fpu_soft.c - the portable FpuImpl: 80-bit x87 arithmetic in plain C
 * (soft_*.c), bit-identical in results and status bits to fpu_host.
 *
 * This file only adapts the soft_* core to the fpu.h contracts: pointers,
 * the returned status mask, and FPU_NOSTORE.  The exceptions the x87
 * detects before computing (IE, ZE, DE) raise the same flags whether masked
 * or not, so the core always runs with them masked and an unmasked one
 * only turns into FPU_NOSTORE; OE, UE and PE keep the guest's masks (they
 * change the result: exponent wrapping, UE detection).  Stores to memory
 * formats are suppressed also by an unmasked OE or UE.
 *
 * Example: fpu_soft.add(0x037f, &r, &a, &b), as fpu_host.add.
 */
#include "target/x86/fpu/fpu.h"
#include "target/x86/fpu/soft_fp.h"

#define SOFT_PRE_EXC (SOFT_IE | SOFT_ZE | SOFT_DE)

static SoftFpu soft_begin(uint16_t cw)
{
    SoftFpu f = {.cw = (uint16_t)(cw | SOFT_PRE_EXC), .sw = 0};
    return f;
}

/* The status mask of fpu.h from the core's flags; `keep` the C bits the
 * operation defines, `nostore_exc` the exceptions that suppress the store. */
static unsigned soft_finish(uint16_t cw, const SoftFpu *f, unsigned keep, unsigned nostore_exc)
{
    /* an unmasked IE/ZE/DE stops the instruction before it computes: the
     * flags raised after that point do not count */
    if (f->sw & nostore_exc & SOFT_PRE_EXC & ~cw)
        return (f->sw & SOFT_PRE_EXC) | FPU_NOSTORE;
    unsigned r = f->sw & (FPU_EXC_MASK | keep);
    if (f->sw & nostore_exc & ~cw & FPU_EXC_MASK)
        r |= FPU_NOSTORE;
    return r;
}

/* ---- arithmetic ---- */

static unsigned soft_fpu_add(uint16_t cw, FpuF80 *r, const FpuF80 *a, const FpuF80 *b)
{
    SoftFpu f = soft_begin(cw);
    *r = soft_add(&f, *a, *b, false);
    return soft_finish(cw, &f, FPU_C1, SOFT_PRE_EXC);
}

static unsigned soft_fpu_sub(uint16_t cw, FpuF80 *r, const FpuF80 *a, const FpuF80 *b)
{
    SoftFpu f = soft_begin(cw);
    *r = soft_add(&f, *a, *b, true);
    return soft_finish(cw, &f, FPU_C1, SOFT_PRE_EXC);
}

static unsigned soft_fpu_mul(uint16_t cw, FpuF80 *r, const FpuF80 *a, const FpuF80 *b)
{
    SoftFpu f = soft_begin(cw);
    *r = soft_mul(&f, *a, *b);
    return soft_finish(cw, &f, FPU_C1, SOFT_PRE_EXC);
}

static unsigned soft_fpu_div(uint16_t cw, FpuF80 *r, const FpuF80 *a, const FpuF80 *b)
{
    SoftFpu f = soft_begin(cw);
    *r = soft_div(&f, *a, *b);
    return soft_finish(cw, &f, FPU_C1, SOFT_PRE_EXC);
}

static unsigned soft_fpu_sqrt(uint16_t cw, FpuF80 *r, const FpuF80 *a)
{
    SoftFpu f = soft_begin(cw);
    *r = soft_sqrt(&f, *a);
    return soft_finish(cw, &f, FPU_C1, SOFT_PRE_EXC);
}

static unsigned soft_fpu_rndint(uint16_t cw, FpuF80 *r, const FpuF80 *a)
{
    SoftFpu f = soft_begin(cw);
    *r = soft_rndint(&f, *a);
    return soft_finish(cw, &f, FPU_C1, SOFT_PRE_EXC);
}

static unsigned soft_fpu_scale(uint16_t cw, FpuF80 *r, const FpuF80 *a, const FpuF80 *b)
{
    SoftFpu f = soft_begin(cw);
    *r = soft_scale(&f, *a, *b);
    return soft_finish(cw, &f, FPU_C1, SOFT_PRE_EXC);
}

static unsigned soft_fpu_xtract(uint16_t cw, FpuF80 *sig, FpuF80 *exp, const FpuF80 *a)
{
    SoftFpu f = soft_begin(cw);
    FpuF80 e, s = soft_xtract(&f, *a, &e);
    *sig = s;
    *exp = e;
    return soft_finish(cw, &f, FPU_C1, SOFT_PRE_EXC);
}

static unsigned soft_fpu_prem(uint16_t cw, FpuF80 *r, const FpuF80 *a, const FpuF80 *b)
{
    SoftFpu f = soft_begin(cw);
    *r = soft_prem(&f, *a, *b, false);
    return soft_finish(cw, &f, FPU_CC_MASK, SOFT_PRE_EXC);
}

static unsigned soft_fpu_prem1(uint16_t cw, FpuF80 *r, const FpuF80 *a, const FpuF80 *b)
{
    SoftFpu f = soft_begin(cw);
    *r = soft_prem(&f, *a, *b, true);
    return soft_finish(cw, &f, FPU_CC_MASK, SOFT_PRE_EXC);
}

static unsigned soft_fpu_compare(uint16_t cw, const FpuF80 *a, const FpuF80 *b, bool quiet)
{
    SoftFpu f = soft_begin(cw);
    f.sw |= soft_compare(&f, *a, *b, quiet);
    return soft_finish(cw, &f, FPU_CC_MASK, 0);
}

/* ---- conversions ---- */

static unsigned soft_fpu_from_i64(uint16_t cw, FpuF80 *r, int64_t v)
{
    *r = soft_from_int(v);
    return 0;
}

static unsigned soft_fpu_to_int(uint16_t cw, int64_t *out, const FpuF80 *a, int bits, bool trunc)
{
    SoftFpu f = soft_begin(cw);
    *out = soft_to_int(&f, *a, bits, trunc);
    return soft_finish(cw, &f, FPU_C1, SOFT_IE);
}

static unsigned soft_fpu_from_f32(uint16_t cw, FpuF80 *r, uint32_t v)
{
    SoftFpu f = soft_begin(cw);
    *r = soft_from_f32(&f, v);
    return soft_finish(cw, &f, FPU_C1, SOFT_IE); /* an unmasked DE still loads */
}

static unsigned soft_fpu_from_f64(uint16_t cw, FpuF80 *r, uint64_t v)
{
    SoftFpu f = soft_begin(cw);
    *r = soft_from_f64(&f, v);
    return soft_finish(cw, &f, FPU_C1, SOFT_IE); /* an unmasked DE still loads */
}

static unsigned soft_fpu_to_f32(uint16_t cw, uint32_t *out, const FpuF80 *a)
{
    SoftFpu f = soft_begin(cw);
    *out = soft_to_f32(&f, *a);
    return soft_finish(cw, &f, FPU_C1, SOFT_PRE_EXC | SOFT_OE | SOFT_UE);
}

static unsigned soft_fpu_to_f64(uint16_t cw, uint64_t *out, const FpuF80 *a)
{
    SoftFpu f = soft_begin(cw);
    *out = soft_to_f64(&f, *a);
    return soft_finish(cw, &f, FPU_C1, SOFT_PRE_EXC | SOFT_OE | SOFT_UE);
}

static unsigned soft_fpu_from_bcd(uint16_t cw, FpuF80 *r, const uint8_t bcd[10])
{
    *r = soft_from_bcd(bcd);
    return 0;
}

static unsigned soft_fpu_to_bcd(uint16_t cw, uint8_t bcd[10], const FpuF80 *a)
{
    SoftFpu f = soft_begin(cw);
    soft_to_bcd(&f, *a, bcd);
    return soft_finish(cw, &f, FPU_C1, SOFT_IE);
}

static unsigned soft_fpu_ldconst(uint16_t cw, FpuF80 *r, int which)
{
    *r = soft_const(cw, which);
    return 0;
}

/* ---- transcendentals ---- */

static unsigned soft_fpu_sin(uint16_t cw, FpuF80 *r, const FpuF80 *a)
{
    SoftFpu f = soft_begin(cw);
    FpuF80 s = *a;
    soft_sincos(&f, *a, &s, NULL);
    *r = s;
    return soft_finish(cw, &f, FPU_C1 | FPU_C2, SOFT_PRE_EXC);
}

static unsigned soft_fpu_cos(uint16_t cw, FpuF80 *r, const FpuF80 *a)
{
    SoftFpu f = soft_begin(cw);
    FpuF80 c = *a;
    soft_sincos(&f, *a, NULL, &c);
    *r = c;
    return soft_finish(cw, &f, FPU_C1 | FPU_C2, SOFT_PRE_EXC);
}

static unsigned soft_fpu_sincos(uint16_t cw, FpuF80 *s, FpuF80 *c, const FpuF80 *a)
{
    SoftFpu f = soft_begin(cw);
    FpuF80 sv = *a, cv = *a;
    soft_sincos(&f, *a, &sv, &cv);
    *s = sv;
    *c = cv;
    return soft_finish(cw, &f, FPU_C1 | FPU_C2, SOFT_PRE_EXC);
}

static unsigned soft_fpu_ptan(uint16_t cw, FpuF80 *r, const FpuF80 *a)
{
    SoftFpu f = soft_begin(cw);
    *r = soft_tan(&f, *a);
    return soft_finish(cw, &f, FPU_C1 | FPU_C2, SOFT_PRE_EXC);
}

static unsigned soft_fpu_patan(uint16_t cw, FpuF80 *r, const FpuF80 *y, const FpuF80 *x)
{
    SoftFpu f = soft_begin(cw);
    *r = soft_atan2(&f, *y, *x);
    return soft_finish(cw, &f, FPU_C1, SOFT_PRE_EXC);
}

static unsigned soft_fpu_f2xm1(uint16_t cw, FpuF80 *r, const FpuF80 *a)
{
    SoftFpu f = soft_begin(cw);
    *r = soft_exp2m1(&f, *a);
    return soft_finish(cw, &f, FPU_C1, SOFT_PRE_EXC);
}

static unsigned soft_fpu_yl2x(uint16_t cw, FpuF80 *r, const FpuF80 *y, const FpuF80 *x)
{
    SoftFpu f = soft_begin(cw);
    *r = soft_ylog2(&f, *y, *x, false);
    return soft_finish(cw, &f, FPU_C1, SOFT_PRE_EXC);
}

static unsigned soft_fpu_yl2xp1(uint16_t cw, FpuF80 *r, const FpuF80 *y, const FpuF80 *x)
{
    SoftFpu f = soft_begin(cw);
    *r = soft_ylog2(&f, *y, *x, true);
    return soft_finish(cw, &f, FPU_C1, SOFT_PRE_EXC);
}

const FpuImpl fpu_soft = {
    .name = "soft",
    .add = soft_fpu_add, .sub = soft_fpu_sub, .mul = soft_fpu_mul, .div = soft_fpu_div,
    .sqrt = soft_fpu_sqrt, .rndint = soft_fpu_rndint, .scale = soft_fpu_scale,
    .xtract = soft_fpu_xtract, .prem = soft_fpu_prem, .prem1 = soft_fpu_prem1,
    .compare = soft_fpu_compare,
    .from_i64 = soft_fpu_from_i64, .to_int = soft_fpu_to_int,
    .from_f32 = soft_fpu_from_f32, .from_f64 = soft_fpu_from_f64,
    .to_f32 = soft_fpu_to_f32, .to_f64 = soft_fpu_to_f64,
    .from_bcd = soft_fpu_from_bcd, .to_bcd = soft_fpu_to_bcd, .ldconst = soft_fpu_ldconst,
    .sin = soft_fpu_sin, .cos = soft_fpu_cos, .sincos = soft_fpu_sincos, .ptan = soft_fpu_ptan,
    .patan = soft_fpu_patan, .f2xm1 = soft_fpu_f2xm1, .yl2x = soft_fpu_yl2x,
    .yl2xp1 = soft_fpu_yl2xp1,
};
