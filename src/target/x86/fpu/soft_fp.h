/*
 * soft_fp.h - internal interface of the portable 80-bit x87 arithmetic
 * (soft_core.c, soft_arith.c, soft_conv.c, soft_trans.c; fpu_soft.c wraps
 * it as the FpuImpl table).
 *
 * A value is a struct X86Float80 (cpu.h): explicit integer bit 63 in mant,
 * sign and 15-bit biased exponent in sexp.  Each operation takes a SoftFpu
 * holding the x87 control word (precision control, rounding control, masks)
 * and ORs into its sw the status bits the operation raises: IE DE ZE OE UE
 * PE, and C0..C3 where the operation defines them (C1 = "rounded up" for
 * rounding operations).  Nothing here knows about the register stack.
 *
 * Invariants: results are what the hardware produces with the given control
 * word.  fpu_soft.c runs the core with IE, ZE and DE masked (their flags do
 * not depend on the masks; an unmasked one only suppresses the store); an
 * unmasked OE or UE gives the result with its exponent wrapped by 0x6000 as
 * the hardware delivers it to a register (or 0 / infinity when even the
 * wrapped exponent is out of range, as FSCALE can produce).
 *
 * Example: SoftFpu f = { .cw = 0x037f }; r = soft_add(&f, a, b, false);
 *          (f.sw & SOFT_PE) tells whether the sum was rounded.
 */
#ifndef XLAT_TARGET_X86_FPU_SOFT_FP_H
#define XLAT_TARGET_X86_FPU_SOFT_FP_H

#include <stdbool.h>
#include <stdint.h>

#include "target/x86/cpu.h"

typedef struct X86Float80 SoftF80;

/* Status word bits (x87 FSW layout). */
#define SOFT_IE 0x0001
#define SOFT_DE 0x0002
#define SOFT_ZE 0x0004
#define SOFT_OE 0x0008
#define SOFT_UE 0x0010
#define SOFT_PE 0x0020
#define SOFT_C0 0x0100
#define SOFT_C1 0x0200
#define SOFT_C2 0x0400
#define SOFT_C3 0x4000
#define SOFT_EXC_MASK 0x003f

/* Control word fields. */
#define SOFT_CW_PC(cw) (((cw) >> 8) & 3)
#define SOFT_CW_RC(cw) (((cw) >> 10) & 3)
enum { SOFT_RC_NEAR, SOFT_RC_DOWN, SOFT_RC_UP, SOFT_RC_ZERO };

#define SOFT_BIAS 16383
#define SOFT_EXP_MAX 0x7fff
#define SOFT_WRAP_BIAS 0x6000 /* exponent adjust of unmasked OE/UE results */

typedef struct SoftFpu {
    uint16_t cw; /* in: control word */
    uint16_t sw; /* out: exception flags and condition codes raised */
} SoftFpu;

/* Operand classes, as the x87 sees a register's bits. */
typedef enum SoftClass {
    SOFT_ZERO,
    SOFT_DENORMAL, /* exponent 0, nonzero: includes pseudo-denormals */
    SOFT_NORMAL,
    SOFT_INF,
    SOFT_QNAN,
    SOFT_SNAN,
    SOFT_UNSUPPORTED, /* unnormal, pseudo-infinity, pseudo-NaN */
} SoftClass;

/* An unpacked finite nonzero value: (-1)^sign * sig * 2^(exp - 63), with
 * bit 63 of sig set (normalized), exp unbiased. */
typedef struct SoftNum {
    bool sign;
    int32_t exp;
    uint64_t sig;
} SoftNum;

typedef unsigned __int128 soft_u128;

/* ---- soft_core.c ---- */
SoftClass soft_classify(SoftF80 a);
SoftNum soft_unpack(SoftF80 a); /* a finite nonzero (normal or denormal) */
SoftF80 soft_make(bool sign, uint32_t bexp, uint64_t mant);
SoftF80 soft_default_nan(void);
SoftF80 soft_zero(bool sign);
SoftF80 soft_inf(bool sign);
bool soft_is_nan_class(SoftClass c);
bool soft_sign(SoftF80 a);
/* Round (-1)^sign * sig * 2^(exp - 127) (bit 127 of sig set) to precision
 * `bits` (24, 53 or 64) in the extended exponent range per the control word;
 * sets PE UE OE and C1. */
SoftF80 soft_round_pack(SoftFpu *f, bool sign, int32_t exp, soft_u128 sig, int bits);
/* Same with the precision control of f->cw. */
SoftF80 soft_round_pack_pc(SoftFpu *f, bool sign, int32_t exp, soft_u128 sig);
/* Normalize a nonzero 128-bit significand (value sig * 2^(exp - 127)) and
 * round it. */
SoftF80 soft_norm_round(SoftFpu *f, bool sign, int32_t exp, soft_u128 sig, int bits);
int soft_pc_bits(uint16_t cw);
/* NaN operands of a two-operand op (at least one a NaN): x87 rules. */
SoftF80 soft_propagate_nan2(SoftFpu *f, SoftF80 a, SoftF80 b);
SoftF80 soft_propagate_nan1(SoftFpu *f, SoftF80 a);
/* Raise an exception; true when it is unmasked (the op must stop). */
bool soft_raise(SoftFpu *f, uint16_t exc);
int soft_clz128(soft_u128 x);

/* ---- soft_arith.c ---- */
SoftF80 soft_add(SoftFpu *f, SoftF80 a, SoftF80 b, bool negate_b);
SoftF80 soft_mul(SoftFpu *f, SoftF80 a, SoftF80 b);
SoftF80 soft_div(SoftFpu *f, SoftF80 a, SoftF80 b);
SoftF80 soft_sqrt(SoftFpu *f, SoftF80 a);
SoftF80 soft_rndint(SoftFpu *f, SoftF80 a);
SoftF80 soft_scale(SoftFpu *f, SoftF80 a, SoftF80 b);
/* fxtract: *exp_out = exponent as a value, return the significand. */
SoftF80 soft_xtract(SoftFpu *f, SoftF80 a, SoftF80 *sig_out);
/* fprem (round_nearest false) / fprem1: a rem b; sets C0 C1 C2 C3. */
SoftF80 soft_prem(SoftFpu *f, SoftF80 a, SoftF80 b, bool round_nearest);
/* Compare: returns C3/C2/C0 bits (not ORed into sw); quiet = fucom. */
uint16_t soft_compare(SoftFpu *f, SoftF80 a, SoftF80 b, bool quiet);

/* ---- soft_conv.c ---- */
SoftF80 soft_from_int(int64_t v);
/* To a width-bit integer (16, 32, 64), rounding per RC or truncating. */
int64_t soft_to_int(SoftFpu *f, SoftF80 a, int width, bool truncate);
SoftF80 soft_from_f32(SoftFpu *f, uint32_t v);
SoftF80 soft_from_f64(SoftFpu *f, uint64_t v);
uint32_t soft_to_f32(SoftFpu *f, SoftF80 a);
uint64_t soft_to_f64(SoftFpu *f, SoftF80 a);
SoftF80 soft_from_bcd(const uint8_t bcd[10]);
void soft_to_bcd(SoftFpu *f, SoftF80 a, uint8_t bcd[10]);
/* Round |x| to an integer per rc; false when it is >= 2^64. */
bool soft_round_int(SoftNum x, int rc, uint64_t *mag, bool *inexact, bool *up);

/* ---- soft_trans.c ---- */
/* FLDxx constant `which` (FPU_CONST_*) rounded per RC of cw, no flags. */
SoftF80 soft_const(uint16_t cw, int which);
/* fsin/fcos/fsincos (s or c may be NULL): |a| >= 2^63 sets C2 only. */
void soft_sincos(SoftFpu *f, SoftF80 a, SoftF80 *s, SoftF80 *c);
SoftF80 soft_tan(SoftFpu *f, SoftF80 a);
SoftF80 soft_atan2(SoftFpu *f, SoftF80 y, SoftF80 x);
SoftF80 soft_exp2m1(SoftFpu *f, SoftF80 a);
/* y * log2(x) or y * log2(x + 1) (plus_one). */
SoftF80 soft_ylog2(SoftFpu *f, SoftF80 y, SoftF80 x, bool plus_one);

#endif
