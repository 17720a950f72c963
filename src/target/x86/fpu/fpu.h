/*
 * fpu.h - the x87 arithmetic interface shared by the two implementations:
 * fpu_host.c (runs each operation on the host x87 unit; fast, exact on x86
 * hosts) and fpu_soft.c (portable 80-bit software arithmetic, any host, and
 * a cross-check of the first).  Both MUST give bit-identical results and
 * status bits for every input: the real CPU is the reference.
 *
 * WHAT LIVES HERE AND WHAT DOES NOT.  An FpuImpl does value arithmetic only:
 * 80-bit operands in, 80-bit (or integer / float32 / float64 / BCD) results
 * out.  The register stack, TOP, the tag word, stack overflow/underflow (SF,
 * C1 direction, the QNaN indefinite pushed by the masked response), FXAM,
 * FABS/FCHS, FLD/FST of m80 and st(i), FCMOV, FXCH, and the choice of which
 * status bits to merge into FSW all live in the shared code (helper_x87.c).
 *
 * CONVENTIONS (every function):
 *  - `cw` is the guest control word, used whole: PC (bits 8-9) for the ops
 *    that round to precision (add sub mul div sqrt, and only those, as the
 *    hardware: FLD const, FSCALE, FRNDINT, FPREM, transcendentals round to
 *    64 bits ... whatever the host does is right), RC (bits 10-11), and the
 *    exception masks (bits 0-5).  The masks matter to the RESULT: with an
 *    unmasked OE/UE the hardware delivers the result with its exponent
 *    bias-adjusted by 24576 (0x6000), and an unmasked IE/ZE/DE leaves the
 *    destination unchanged (see FPU_NOSTORE).
 *  - The return value is a mask in FSW layout (FPU_* below): the exception
 *    flags the operation raised (IE DE ZE OE UE PE; never SF, never ES/B),
 *    C1 (round-up: set when PE is raised and the rounded result's magnitude
 *    was rounded up; 0 otherwise), and C0 C2 C3 only for the ops that define
 *    them (compare, prem, trig out-of-range C2).  Bits the op does not
 *    define are 0.  FPU_NOSTORE may be or-ed in: the hardware suppresses
 *    the write of the destination (unmasked IE, ZE or DE for arithmetic; an
 *    unmasked IE, OE or UE for stores to memory formats: FST m32/m64, FIST,
 *    FBSTP).  When FPU_NOSTORE is set the output buffer contents are
 *    unspecified and the caller must not use them.
 *  - Inputs may be any 80-bit encoding: zeros, denormals, pseudo-denormals
 *    (exp 0, J=1), unnormals (J=0, exp != 0), pseudo-NaN / pseudo-infinity
 *    (exp 0x7fff, J=0): these behave as the host x87 (invalid encodings
 *    raise IE and give the QNaN indefinite 0xffff:c000000000000000).
 *  - Outputs are written only through the result pointers; a result pointer
 *    may alias an input.
 *
 * EXAMPLE.  FADD ST(0), ST(1) with cw = 0x037f:
 *     struct X86Float80 r;
 *     unsigned s = fpu_impl->add(0x037f, &r, &st0, &st1);
 *     if (!(s & FPU_NOSTORE)) st0 = r;
 *     fsw = (fsw & ~FPU_C1) | (s & (FPU_EXC_MASK | FPU_C1));
 */
#ifndef XLAT_TARGET_X86_FPU_FPU_H
#define XLAT_TARGET_X86_FPU_FPU_H

#include <stdbool.h>
#include <stdint.h>

#include "target/x86/cpu.h"

typedef struct X86Float80 FpuF80;

/* Status bits, FSW layout. */
#define FPU_IE 0x0001u
#define FPU_DE 0x0002u
#define FPU_ZE 0x0004u
#define FPU_OE 0x0008u
#define FPU_UE 0x0010u
#define FPU_PE 0x0020u
#define FPU_SF 0x0040u
#define FPU_ES 0x0080u
#define FPU_C0 0x0100u
#define FPU_C1 0x0200u
#define FPU_C2 0x0400u
#define FPU_C3 0x4000u
#define FPU_B  0x8000u
#define FPU_EXC_MASK 0x003fu            /* IE..PE */
#define FPU_CC_MASK (FPU_C0 | FPU_C1 | FPU_C2 | FPU_C3)
#define FPU_NOSTORE 0x10000u            /* result suppressed (see above) */

/* Control word fields. */
#define FPU_CW_PC_SHIFT 8               /* 0 = 24 bits, 2 = 53, 3 = 64 */
#define FPU_CW_RC_SHIFT 10              /* 0 nearest, 1 down, 2 up, 3 zero */

/* FLDxx constants (fldconst `which`); the hardware rounds the inexact ones
 * (L2T L2E PI LG2 LN2) per RC without raising PE. */
enum { FPU_CONST_1, FPU_CONST_L2T, FPU_CONST_L2E, FPU_CONST_PI, FPU_CONST_LG2,
       FPU_CONST_LN2, FPU_CONST_Z };

typedef struct FpuImpl {
    const char *name;                   /* "host", "soft" */

    /* ---- arithmetic: r = a OP b, rounded per PC and RC ----
     * FSUBR/FDIVR and the popping forms are the callers' business
     * (argument order, stack).  Sets exceptions, C1. ZE: div by zero. */
    unsigned (*add)(uint16_t cw, FpuF80 *r, const FpuF80 *a, const FpuF80 *b);
    unsigned (*sub)(uint16_t cw, FpuF80 *r, const FpuF80 *a, const FpuF80 *b);
    unsigned (*mul)(uint16_t cw, FpuF80 *r, const FpuF80 *a, const FpuF80 *b);
    unsigned (*div)(uint16_t cw, FpuF80 *r, const FpuF80 *a, const FpuF80 *b);
    /* FSQRT (per PC and RC). */
    unsigned (*sqrt)(uint16_t cw, FpuF80 *r, const FpuF80 *a);
    /* FRNDINT: round a to an integer per RC (PE when inexact). */
    unsigned (*rndint)(uint16_t cw, FpuF80 *r, const FpuF80 *a);
    /* FSCALE: r = a * 2^trunc(b); a = ST(0), b = ST(1). */
    unsigned (*scale)(uint16_t cw, FpuF80 *r, const FpuF80 *a, const FpuF80 *b);
    /* FXTRACT: exp = unbiased exponent of a (as a value), sig = significand
     * with a's sign and exponent 0x3fff.  Zero: ZE, exp = -inf, sig = a.
     * (The shared code puts exp in ST(0)'s place and pushes sig.) */
    unsigned (*xtract)(uint16_t cw, FpuF80 *sig, FpuF80 *exp, const FpuF80 *a);
    /* FPREM (truncating quotient) / FPREM1 (IEEE, nearest quotient):
     * r = partial remainder of a / b (a = ST(0), b = ST(1)).  Returns C2 =
     * incomplete; when complete C0 C3 C1 = quotient bits 2 1 0.  When
     * incomplete C0 C1 C3 are 0.  With IE the C bits are unspecified (the
     * caller keeps C0 C2 C3 and clears C1). */
    unsigned (*prem)(uint16_t cw, FpuF80 *r, const FpuF80 *a, const FpuF80 *b);
    unsigned (*prem1)(uint16_t cw, FpuF80 *r, const FpuF80 *a, const FpuF80 *b);

    /* ---- compare a (ST(0)) with b ----
     * Returns C3 C2 C0: a > b: 000, a < b: 001, equal: 100, unordered: 111,
     * C1 = 0.  quiet=false (FCOM, FCOMI, FTST): IE for any NaN operand;
     * quiet=true (FUCOM, FUCOMI): IE only for an SNaN (or invalid
     * encoding).  DE for denormal operands.  Never FPU_NOSTORE (the
     * caller decides whether unmasked IE/DE suppress the flag update:
     * they do, as the hardware). */
    unsigned (*compare)(uint16_t cw, const FpuF80 *a, const FpuF80 *b, bool quiet);

    /* ---- conversions ----
     * from_i64: exact (FILD m16/m32/m64 widen first); returns 0. */
    unsigned (*from_i64)(uint16_t cw, FpuF80 *r, int64_t v);
    /* FIST/FISTP to a `bits` (16, 32, 64) integer, rounded per RC, or
     * truncated when trunc (FISTTP).  Out of range / NaN / inf: IE, and the
     * integer indefinite (1 << (bits-1)) when IE is masked, else
     * FPU_NOSTORE.  PE, C1 as the hardware.  *out holds the value
     * sign-extended to 64 bits. */
    unsigned (*to_int)(uint16_t cw, int64_t *out, const FpuF80 *a, int bits, bool trunc);
    /* FLD m32 / m64: SNaN -> IE (QNaN result, FPU_NOSTORE if unmasked),
     * denormal -> DE (never FPU_NOSTORE: even an unmasked DE loads the
     * value, as the hardware does). Exact otherwise.  *r is always written. */
    unsigned (*from_f32)(uint16_t cw, FpuF80 *r, uint32_t v);
    unsigned (*from_f64)(uint16_t cw, FpuF80 *r, uint64_t v);
    /* FST m32 / m64: round per RC (never PC), IE OE UE PE, C1 as the
     * hardware; FPU_NOSTORE for unmasked IE, OE, UE. */
    unsigned (*to_f32)(uint16_t cw, uint32_t *out, const FpuF80 *a);
    unsigned (*to_f64)(uint16_t cw, uint64_t *out, const FpuF80 *a);
    /* FBLD: 10-byte packed BCD (18 digits, sign in bit 7 of byte 9) -> r;
     * exact.  Invalid digits: whatever the host gives. */
    unsigned (*from_bcd)(uint16_t cw, FpuF80 *r, const uint8_t bcd[10]);
    /* FBSTP: round per RC to an integer; |value| >= 10^18, NaN, inf: IE,
     * BCD indefinite (ff ff c0 00 .. 00, byte 9 first) when masked. */
    unsigned (*to_bcd)(uint16_t cw, uint8_t bcd[10], const FpuF80 *a);
    /* FLD1 FLDL2T FLDL2E FLDPI FLDLG2 FLDLN2 FLDZ. */
    unsigned (*ldconst)(uint16_t cw, FpuF80 *r, int which);

    /* ---- transcendentals (results as the host x87 gives them) ----
     * FSIN FCOS FSINCOS FPTAN: |a| >= 2^63: C2 = 1 and NO result
     * (FPU_NOSTORE is NOT set; the caller leaves the stack alone when C2
     * is returned); else C2 = 0.  FPTAN's pushed 1.0 is the caller's. */
    unsigned (*sin)(uint16_t cw, FpuF80 *r, const FpuF80 *a);
    unsigned (*cos)(uint16_t cw, FpuF80 *r, const FpuF80 *a);
    unsigned (*sincos)(uint16_t cw, FpuF80 *s, FpuF80 *c, const FpuF80 *a);
    unsigned (*ptan)(uint16_t cw, FpuF80 *r, const FpuF80 *a);
    /* FPATAN: r = arctan(y / x), x = ST(0), y = ST(1). */
    unsigned (*patan)(uint16_t cw, FpuF80 *r, const FpuF80 *y, const FpuF80 *x);
    /* F2XM1: r = 2^a - 1. */
    unsigned (*f2xm1)(uint16_t cw, FpuF80 *r, const FpuF80 *a);
    /* FYL2X: r = y * log2(x); FYL2XP1: r = y * log2(x + 1); x = ST(0),
     * y = ST(1). */
    unsigned (*yl2x)(uint16_t cw, FpuF80 *r, const FpuF80 *y, const FpuF80 *x);
    unsigned (*yl2xp1)(uint16_t cw, FpuF80 *r, const FpuF80 *y, const FpuF80 *x);
} FpuImpl;

extern const FpuImpl fpu_host, fpu_soft;
/* The implementation in use: &fpu_host by default on x86 hosts; chosen by
 * --fpu=host|soft or XLAT_FPU (fpu_select). */
extern const FpuImpl *fpu_impl;
/* Select by name ("host" or "soft"); false if unknown or not available. */
bool fpu_select(const char *name);

#endif
