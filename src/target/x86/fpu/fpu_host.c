/*
 * fpu_host.c - the FpuImpl that runs every x87 operation on the host's own
 * x87 unit (x86 hosts only), so results, rounding, C1 and exception flags are
 * exactly the hardware's.
 *
 * Each operation: load the guest control word (unless it is the host's),
 * load the operands with fldt, run the one instruction, read the status word
 * with fnstsw and clear it with fnclex BEFORE any waiting instruction (so an
 * unmasked guest exception never traps on the host), store the result, and
 * restore the host control word.  The host x87 stack is empty on entry and
 * exit (SysV ABI).  Conversions that are exact and raise nothing (fld m64 of
 * a normal number ...) are done in C without the host unit.
 *
 * Exceptions the hardware detects before computing (IE, ZE, DE) have the same
 * flags whether masked or not; an unmasked one only suppresses the result and
 * the stack change.  So the host runs with those three masked (the stack
 * effect is then always the same) and FPU_NOSTORE is computed from the
 * guest's masks.  OE, UE and PE keep the guest's masks: an unmasked OE/UE
 * changes the result (exponent bias adjust) and UE's detection rule.
 *
 * Example: fpu_host.add(0x037f, &r, &a, &b) runs "fldt b; fldt a;
 * fadd %st(1),%st" on the host and returns its IE..PE and C1 bits.
 */
#include "target/x86/fpu/fpu.h"

#if defined(__x86_64__) || defined(__i386__)

#define PRE_EXC (FPU_IE | FPU_ZE | FPU_DE)

/* The control word the host runs with: guest PC/RC and OE/UE/PE masks. */
static inline uint16_t host_cw(uint16_t cw, unsigned premask)
{
    return (uint16_t)(cw | premask);
}

/* The host's own control word (the SysV default) is loaded between guest
 * operations, so fldcw is skipped when the guest's equals it (the common
 * case: Linux starts processes with 0x037f).  The host exception flags are
 * clear between operations (each one ends with fnclex), so none is needed
 * before. */
#define HOST_CW 0x037f

static inline uint16_t host_enter(uint16_t cw)
{
    if (cw != HOST_CW)
        __asm__ volatile("fldcw %0" : : "m"(cw));
    return cw;
}

static inline void host_leave(uint16_t cw)
{
    static const uint16_t host = HOST_CW;
    if (cw != HOST_CW)
        __asm__ volatile("fldcw %0" : : "m"(host));
}

/* Result bits: exceptions, C1, and FPU_NOSTORE for unmasked `nostore_exc`. */
static inline unsigned host_result(uint16_t cw, uint16_t sw, unsigned keep, unsigned nostore_exc)
{
    /* an unmasked IE/ZE/DE stops the instruction before it computes: the
     * flags the masked host run raised after that point do not count */
    if (sw & nostore_exc & PRE_EXC & ~cw)
        return (sw & PRE_EXC) | FPU_NOSTORE;
    unsigned r = sw & (FPU_EXC_MASK | keep);
    if (sw & nostore_exc & ~cw & FPU_EXC_MASK)
        r |= FPU_NOSTORE;
    return r;
}

/* ---- two-operand arithmetic: st0 = a, st1 = b ---- */

#define HOST_BINOP(insn)                                                                           \
    "fldt %[b]\n\tfldt %[a]\n\t" insn "\n\tfnstsw %%ax\n\tfnclex\n\tfstpt %[r]\n\tfstp %%st(0)"

static unsigned host_add(uint16_t cw, FpuF80 *r, const FpuF80 *a, const FpuF80 *b)
{
    uint16_t sw, save = host_enter(host_cw(cw, PRE_EXC));
    __asm__ volatile(HOST_BINOP("fadd %%st(1), %%st")
                     : [r] "=m"(*r), [sw] "=a"(sw) : [a] "m"(*a), [b] "m"(*b) : "st", "st(1)");
    host_leave(save);
    return host_result(cw, sw, FPU_C1, PRE_EXC);
}

static unsigned host_sub(uint16_t cw, FpuF80 *r, const FpuF80 *a, const FpuF80 *b)
{
    uint16_t sw, save = host_enter(host_cw(cw, PRE_EXC));
    __asm__ volatile(HOST_BINOP("fsub %%st(1), %%st")
                     : [r] "=m"(*r), [sw] "=a"(sw) : [a] "m"(*a), [b] "m"(*b) : "st", "st(1)");
    host_leave(save);
    return host_result(cw, sw, FPU_C1, PRE_EXC);
}

static unsigned host_mul(uint16_t cw, FpuF80 *r, const FpuF80 *a, const FpuF80 *b)
{
    uint16_t sw, save = host_enter(host_cw(cw, PRE_EXC));
    __asm__ volatile(HOST_BINOP("fmul %%st(1), %%st")
                     : [r] "=m"(*r), [sw] "=a"(sw) : [a] "m"(*a), [b] "m"(*b) : "st", "st(1)");
    host_leave(save);
    return host_result(cw, sw, FPU_C1, PRE_EXC);
}

static unsigned host_div(uint16_t cw, FpuF80 *r, const FpuF80 *a, const FpuF80 *b)
{
    uint16_t sw, save = host_enter(host_cw(cw, PRE_EXC));
    __asm__ volatile(HOST_BINOP("fdiv %%st(1), %%st")
                     : [r] "=m"(*r), [sw] "=a"(sw) : [a] "m"(*a), [b] "m"(*b) : "st", "st(1)");
    host_leave(save);
    return host_result(cw, sw, FPU_C1, PRE_EXC);
}

static unsigned host_scale(uint16_t cw, FpuF80 *r, const FpuF80 *a, const FpuF80 *b)
{
    uint16_t sw, save = host_enter(host_cw(cw, PRE_EXC));
    __asm__ volatile(HOST_BINOP("fscale")
                     : [r] "=m"(*r), [sw] "=a"(sw) : [a] "m"(*a), [b] "m"(*b) : "st", "st(1)");
    host_leave(save);
    return host_result(cw, sw, FPU_C1, PRE_EXC);
}

static unsigned host_prem(uint16_t cw, FpuF80 *r, const FpuF80 *a, const FpuF80 *b)
{
    uint16_t sw, save = host_enter(host_cw(cw, PRE_EXC));
    __asm__ volatile(HOST_BINOP("fprem")
                     : [r] "=m"(*r), [sw] "=a"(sw) : [a] "m"(*a), [b] "m"(*b) : "st", "st(1)");
    host_leave(save);
    return host_result(cw, sw, FPU_CC_MASK, PRE_EXC);
}

static unsigned host_prem1(uint16_t cw, FpuF80 *r, const FpuF80 *a, const FpuF80 *b)
{
    uint16_t sw, save = host_enter(host_cw(cw, PRE_EXC));
    __asm__ volatile(HOST_BINOP("fprem1")
                     : [r] "=m"(*r), [sw] "=a"(sw) : [a] "m"(*a), [b] "m"(*b) : "st", "st(1)");
    host_leave(save);
    return host_result(cw, sw, FPU_CC_MASK, PRE_EXC);
}

/* ---- one-operand ops: st0 = a ---- */

#define HOST_UNOP(insn) "fldt %[a]\n\t" insn "\n\tfnstsw %%ax\n\tfnclex\n\tfstpt %[r]"

static unsigned host_sqrt(uint16_t cw, FpuF80 *r, const FpuF80 *a)
{
    uint16_t sw, save = host_enter(host_cw(cw, PRE_EXC));
    __asm__ volatile(HOST_UNOP("fsqrt") : [r] "=m"(*r), [sw] "=a"(sw) : [a] "m"(*a) : "st");
    host_leave(save);
    return host_result(cw, sw, FPU_C1, PRE_EXC);
}

static unsigned host_rndint(uint16_t cw, FpuF80 *r, const FpuF80 *a)
{
    uint16_t sw, save = host_enter(host_cw(cw, PRE_EXC));
    __asm__ volatile(HOST_UNOP("frndint") : [r] "=m"(*r), [sw] "=a"(sw) : [a] "m"(*a) : "st");
    host_leave(save);
    return host_result(cw, sw, FPU_C1, PRE_EXC);
}

static unsigned host_f2xm1(uint16_t cw, FpuF80 *r, const FpuF80 *a)
{
    uint16_t sw, save = host_enter(host_cw(cw, PRE_EXC));
    __asm__ volatile(HOST_UNOP("f2xm1") : [r] "=m"(*r), [sw] "=a"(sw) : [a] "m"(*a) : "st");
    host_leave(save);
    return host_result(cw, sw, FPU_C1, PRE_EXC);
}

/* fsin/fcos leave the operand alone and set C2 when |a| >= 2^63. */
static unsigned host_sin(uint16_t cw, FpuF80 *r, const FpuF80 *a)
{
    uint16_t sw, save = host_enter(host_cw(cw, PRE_EXC));
    __asm__ volatile(HOST_UNOP("fsin") : [r] "=m"(*r), [sw] "=a"(sw) : [a] "m"(*a) : "st");
    host_leave(save);
    return host_result(cw, sw, FPU_C1 | FPU_C2, PRE_EXC);
}

static unsigned host_cos(uint16_t cw, FpuF80 *r, const FpuF80 *a)
{
    uint16_t sw, save = host_enter(host_cw(cw, PRE_EXC));
    __asm__ volatile(HOST_UNOP("fcos") : [r] "=m"(*r), [sw] "=a"(sw) : [a] "m"(*a) : "st");
    host_leave(save);
    return host_result(cw, sw, FPU_C1 | FPU_C2, PRE_EXC);
}

/* fsincos/fptan push a second value unless C2 (out of range) is set. */
static unsigned host_sincos(uint16_t cw, FpuF80 *s, FpuF80 *c, const FpuF80 *a)
{
    uint16_t sw, save = host_enter(host_cw(cw, PRE_EXC));
    __asm__ volatile("fldt %[a]\n\tfsincos\n\tfnstsw %%ax\n\tfnclex\n\t"
                     "testb $4, %%ah\n\tjnz 1f\n\tfstpt %[c]\n\t"
                     "1: fstpt %[s]"
                     : [s] "=m"(*s), [c] "=m"(*c), [sw] "=a"(sw) : [a] "m"(*a) : "st", "st(1)", "cc");
    host_leave(save);
    return host_result(cw, sw, FPU_C1 | FPU_C2, PRE_EXC);
}

static unsigned host_ptan(uint16_t cw, FpuF80 *r, const FpuF80 *a)
{
    uint16_t sw, save = host_enter(host_cw(cw, PRE_EXC));
    __asm__ volatile("fldt %[a]\n\tfptan\n\tfnstsw %%ax\n\tfnclex\n\t"
                     "testb $4, %%ah\n\tjnz 1f\n\tfstp %%st(0)\n\t"
                     "1: fstpt %[r]"
                     : [r] "=m"(*r), [sw] "=a"(sw) : [a] "m"(*a) : "st", "st(1)", "cc");
    host_leave(save);
    return host_result(cw, sw, FPU_C1 | FPU_C2, PRE_EXC);
}

/* fxtract: st0 = significand, st1 = exponent. */
static unsigned host_xtract(uint16_t cw, FpuF80 *sig, FpuF80 *exp, const FpuF80 *a)
{
    uint16_t sw, save = host_enter(host_cw(cw, PRE_EXC));
    __asm__ volatile("fldt %[a]\n\tfxtract\n\tfnstsw %%ax\n\tfnclex\n\tfstpt %[s]\n\tfstpt %[e]"
                     : [s] "=m"(*sig), [e] "=m"(*exp), [sw] "=a"(sw) : [a] "m"(*a)
                     : "st", "st(1)");
    host_leave(save);
    return host_result(cw, sw, FPU_C1, PRE_EXC);
}

/* ---- st1 = y, st0 = x, result replaces both ---- */

#define HOST_YX(insn) "fldt %[y]\n\tfldt %[x]\n\t" insn "\n\tfnstsw %%ax\n\tfnclex\n\tfstpt %[r]"

static unsigned host_patan(uint16_t cw, FpuF80 *r, const FpuF80 *y, const FpuF80 *x)
{
    uint16_t sw, save = host_enter(host_cw(cw, PRE_EXC));
    __asm__ volatile(HOST_YX("fpatan")
                     : [r] "=m"(*r), [sw] "=a"(sw) : [x] "m"(*x), [y] "m"(*y) : "st", "st(1)");
    host_leave(save);
    return host_result(cw, sw, FPU_C1, PRE_EXC);
}

static unsigned host_yl2x(uint16_t cw, FpuF80 *r, const FpuF80 *y, const FpuF80 *x)
{
    uint16_t sw, save = host_enter(host_cw(cw, PRE_EXC));
    __asm__ volatile(HOST_YX("fyl2x")
                     : [r] "=m"(*r), [sw] "=a"(sw) : [x] "m"(*x), [y] "m"(*y) : "st", "st(1)");
    host_leave(save);
    return host_result(cw, sw, FPU_C1, PRE_EXC);
}

static unsigned host_yl2xp1(uint16_t cw, FpuF80 *r, const FpuF80 *y, const FpuF80 *x)
{
    uint16_t sw, save = host_enter(host_cw(cw, PRE_EXC));
    __asm__ volatile(HOST_YX("fyl2xp1")
                     : [r] "=m"(*r), [sw] "=a"(sw) : [x] "m"(*x), [y] "m"(*y) : "st", "st(1)");
    host_leave(save);
    return host_result(cw, sw, FPU_C1, PRE_EXC);
}

/* ---- compare ---- */

static unsigned host_compare(uint16_t cw, const FpuF80 *a, const FpuF80 *b, bool quiet)
{
    uint16_t sw, save = host_enter(host_cw(cw, PRE_EXC));
    if (quiet)
        __asm__ volatile("fldt %[b]\n\tfldt %[a]\n\tfucom %%st(1)\n\tfnstsw %%ax\n\tfnclex\n\t"
                         "fstp %%st(0)\n\tfstp %%st(0)"
                         : [sw] "=a"(sw) : [a] "m"(*a), [b] "m"(*b) : "st", "st(1)");
    else
        __asm__ volatile("fldt %[b]\n\tfldt %[a]\n\tfcom %%st(1)\n\tfnstsw %%ax\n\tfnclex\n\t"
                         "fstp %%st(0)\n\tfstp %%st(0)"
                         : [sw] "=a"(sw) : [a] "m"(*a), [b] "m"(*b) : "st", "st(1)");
    host_leave(save);
    return host_result(cw, sw, FPU_CC_MASK, 0);
}

/* ---- conversions ---- */

static unsigned host_from_i64(uint16_t cw, FpuF80 *r, int64_t v)
{
    __asm__ volatile("fildll %[v]\n\tfstpt %[r]" : [r] "=m"(*r) : [v] "m"(v) : "st");
    return 0;
}

/* fist/fisttp raise only IE and PE: IE runs masked (fistp then always
 * pops), PE keeps the guest mask (it never suppresses the store). */
static unsigned host_to_int(uint16_t cw, int64_t *out, const FpuF80 *a, int bits, bool trunc)
{
    uint16_t sw, save = host_enter(host_cw(cw, FPU_IE));
    int16_t v16 = 0;
    int32_t v32 = 0;
    int64_t v64 = 0;
    if (bits == 16 && !trunc)
        __asm__ volatile("fldt %[a]\n\tfistps %[o]\n\tfnstsw %%ax\n\tfnclex"
                         : [o] "=m"(v16), [sw] "=a"(sw) : [a] "m"(*a) : "st");
    else if (bits == 16)
        __asm__ volatile("fldt %[a]\n\tfisttps %[o]\n\tfnstsw %%ax\n\tfnclex"
                         : [o] "=m"(v16), [sw] "=a"(sw) : [a] "m"(*a) : "st");
    else if (bits == 32 && !trunc)
        __asm__ volatile("fldt %[a]\n\tfistpl %[o]\n\tfnstsw %%ax\n\tfnclex"
                         : [o] "=m"(v32), [sw] "=a"(sw) : [a] "m"(*a) : "st");
    else if (bits == 32)
        __asm__ volatile("fldt %[a]\n\tfisttpl %[o]\n\tfnstsw %%ax\n\tfnclex"
                         : [o] "=m"(v32), [sw] "=a"(sw) : [a] "m"(*a) : "st");
    else if (!trunc)
        __asm__ volatile("fldt %[a]\n\tfistpll %[o]\n\tfnstsw %%ax\n\tfnclex"
                         : [o] "=m"(v64), [sw] "=a"(sw) : [a] "m"(*a) : "st");
    else
        __asm__ volatile("fldt %[a]\n\tfisttpll %[o]\n\tfnstsw %%ax\n\tfnclex"
                         : [o] "=m"(v64), [sw] "=a"(sw) : [a] "m"(*a) : "st");
    host_leave(save);
    *out = bits == 16 ? v16 : bits == 32 ? v32 : v64;
    return host_result(cw, sw, FPU_C1, FPU_IE);
}

/* fld m32/m64 raise only IE (SNaN) and DE (denormal); an unmasked DE still
 * loads the value. */
static unsigned host_from_f32(uint16_t cw, FpuF80 *r, uint32_t v)
{
    uint32_t e = (v >> 23) & 0xff;
    if (e != 0 && e != 0xff) { /* normal: exact, no exception */
        r->sexp = (uint16_t)((v >> 31) << 15 | (e - 127 + 16383));
        r->mant = 1ull << 63 | (uint64_t)(v & 0x7fffffu) << 40;
        return 0;
    }
    uint16_t sw, save = host_enter(host_cw(cw, PRE_EXC));
    __asm__ volatile("flds %[v]\n\tfnstsw %%ax\n\tfnclex\n\tfstpt %[r]"
                     : [r] "=m"(*r), [sw] "=a"(sw) : [v] "m"(v) : "st");
    host_leave(save);
    return host_result(cw, sw, FPU_C1, FPU_IE);
}

static unsigned host_from_f64(uint16_t cw, FpuF80 *r, uint64_t v)
{
    uint32_t e = (uint32_t)(v >> 52) & 0x7ff;
    if (e != 0 && e != 0x7ff) {
        r->sexp = (uint16_t)((v >> 63) << 15 | (e - 1023 + 16383));
        r->mant = 1ull << 63 | (v & 0xfffffffffffffull) << 11;
        return 0;
    }
    uint16_t sw, save = host_enter(host_cw(cw, PRE_EXC));
    __asm__ volatile("fldl %[v]\n\tfnstsw %%ax\n\tfnclex\n\tfstpt %[r]"
                     : [r] "=m"(*r), [sw] "=a"(sw) : [v] "m"(v) : "st");
    host_leave(save);
    return host_result(cw, sw, FPU_C1, FPU_IE);
}

/* fst m32/m64: the non-popping form, so an unmasked OE/UE (no store, no
 * pop on the hardware) leaves the host stack as a masked one does. */
static unsigned host_to_f32(uint16_t cw, uint32_t *out, const FpuF80 *a)
{
    uint16_t sw, save = host_enter(host_cw(cw, PRE_EXC));
    __asm__ volatile("fldt %[a]\n\tfsts %[o]\n\tfnstsw %%ax\n\tfnclex\n\tfstp %%st(0)"
                     : [o] "=m"(*out), [sw] "=a"(sw) : [a] "m"(*a) : "st");
    host_leave(save);
    return host_result(cw, sw, FPU_C1, PRE_EXC | FPU_OE | FPU_UE);
}

/* fst m64 in C for the common case: a normal value well inside the double
 * range, rounded to nearest-even (PE and C1 as the hardware sets them). */
static bool to_f64_fast(uint16_t cw, uint64_t *out, const FpuF80 *a, unsigned *st)
{
    int e = (a->sexp & 0x7fff) - 16383 + 1023;
    if (((cw >> FPU_CW_RC_SHIFT) & 3) != 0 || e < 2 || e > 0x7fd || !(a->mant >> 63))
        return false;
    uint64_t m = a->mant, frac = m & 0x7ff, keep = m >> 11;
    bool up = frac > 0x400 || (frac == 0x400 && (keep & 1));
    keep += up;
    if (keep >> 53) { /* rounded up to the next binade */
        keep >>= 1;
        e++;
    }
    *out = (uint64_t)(a->sexp >> 15) << 63 | (uint64_t)e << 52 | (keep & 0xfffffffffffffull);
    *st = frac ? FPU_PE | (up ? FPU_C1 : 0) : 0;
    return true; /* an unmasked PE still stores */
}

static unsigned host_to_f64(uint16_t cw, uint64_t *out, const FpuF80 *a)
{
    unsigned st;
    if (to_f64_fast(cw, out, a, &st))
        return st;
    uint16_t sw, save = host_enter(host_cw(cw, PRE_EXC));
    __asm__ volatile("fldt %[a]\n\tfstl %[o]\n\tfnstsw %%ax\n\tfnclex\n\tfstp %%st(0)"
                     : [o] "=m"(*out), [sw] "=a"(sw) : [a] "m"(*a) : "st");
    host_leave(save);
    return host_result(cw, sw, FPU_C1, PRE_EXC | FPU_OE | FPU_UE);
}

static unsigned host_from_bcd(uint16_t cw, FpuF80 *r, const uint8_t bcd[10])
{
    uint16_t save = host_enter(host_cw(cw, PRE_EXC));
    __asm__ volatile("fbld %[v]\n\tfnclex\n\tfstpt %[r]"
                     : [r] "=m"(*r) : [v] "m"(*(const uint8_t(*)[10])bcd) : "st");
    host_leave(save);
    return 0;
}

static unsigned host_to_bcd(uint16_t cw, uint8_t bcd[10], const FpuF80 *a)
{
    uint16_t sw, save = host_enter(host_cw(cw, FPU_IE));
    __asm__ volatile("fldt %[a]\n\tfbstp %[o]\n\tfnstsw %%ax\n\tfnclex"
                     : [o] "=m"(*(uint8_t(*)[10])bcd), [sw] "=a"(sw) : [a] "m"(*a) : "st");
    host_leave(save);
    return host_result(cw, sw, FPU_C1, FPU_IE);
}

static unsigned host_ldconst(uint16_t cw, FpuF80 *r, int which)
{
    uint16_t save = host_enter(host_cw(cw, PRE_EXC));
    switch (which) {
    case FPU_CONST_1: __asm__ volatile("fld1\n\tfstpt %0" : "=m"(*r) : : "st"); break;
    case FPU_CONST_L2T: __asm__ volatile("fldl2t\n\tfstpt %0" : "=m"(*r) : : "st"); break;
    case FPU_CONST_L2E: __asm__ volatile("fldl2e\n\tfstpt %0" : "=m"(*r) : : "st"); break;
    case FPU_CONST_PI: __asm__ volatile("fldpi\n\tfstpt %0" : "=m"(*r) : : "st"); break;
    case FPU_CONST_LG2: __asm__ volatile("fldlg2\n\tfstpt %0" : "=m"(*r) : : "st"); break;
    case FPU_CONST_LN2: __asm__ volatile("fldln2\n\tfstpt %0" : "=m"(*r) : : "st"); break;
    default: __asm__ volatile("fldz\n\tfstpt %0" : "=m"(*r) : : "st"); break;
    }
    host_leave(save);
    return 0;
}

const FpuImpl fpu_host = {
    .name = "host",
    .add = host_add, .sub = host_sub, .mul = host_mul, .div = host_div,
    .sqrt = host_sqrt, .rndint = host_rndint, .scale = host_scale, .xtract = host_xtract,
    .prem = host_prem, .prem1 = host_prem1, .compare = host_compare,
    .from_i64 = host_from_i64, .to_int = host_to_int,
    .from_f32 = host_from_f32, .from_f64 = host_from_f64,
    .to_f32 = host_to_f32, .to_f64 = host_to_f64,
    .from_bcd = host_from_bcd, .to_bcd = host_to_bcd, .ldconst = host_ldconst,
    .sin = host_sin, .cos = host_cos, .sincos = host_sincos, .ptan = host_ptan,
    .patan = host_patan, .f2xm1 = host_f2xm1, .yl2x = host_yl2x, .yl2xp1 = host_yl2xp1,
};

#endif
