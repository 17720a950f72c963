/*
 * helper_x87.c - the x87 FPU: register stack, tags, status and control
 * words, exceptions, environment images (fnstenv/fnsave/fxsave), and the
 * helpers that translated code calls for every x87 instruction.  Value
 * arithmetic goes through the FpuImpl table (fpu/fpu.h): host x87 or soft.
 *
 * Every helper receives (ea, fop, seg): ea the guest address of a memory
 * operand (segment base included), fop the 11-bit x87 opcode ((first byte &
 * 7) << 8 | modrm), seg the segment register of the memory operand.  All
 * helpers that may raise are HF_SYNC, so env->eip is this instruction.
 *
 * Invariants:
 *  - env->fsw keeps TOP zero; TOP lives in env->ftop.
 *  - ES and B in fsw are set exactly when an exception flag is set whose
 *    mask bit in fcw is clear; fpu_exc_pending mirrors ES.  A waiting x87
 *    instruction finding ES set raises SIGFPE (Linux si_code rules) before
 *    it does anything, with EIP at itself.
 *  - an instruction checks all its memory first (write permission before
 *    anything is written) and changes FPU state only after that.
 *
 * Example: "fadd dword [ebx]" calls x87_h_arith_mem(env, ebx, 0x003, DS),
 * which loads the float32 (IE/DE as the hardware), adds it to ST(0) through
 * fpu_impl->add and merges the status bits.
 */
#include <signal.h>
#include <string.h>

#include "linux-user/guest-mem.h"
#include "target/x86/fpu/fpu.h"
#include "target/x86/translate.h"
#include "target/x86/x87.h"
#include "util/bytes.h"

void (*x86_fp_spill)(CPUX86State *env);

#if defined(__x86_64__) || defined(__i386__)
const FpuImpl *fpu_impl = &fpu_host;
#else
const FpuImpl *fpu_impl = &fpu_soft;
#endif

bool fpu_select(const char *name)
{
    if (strcmp(name, "host") == 0) {
#if defined(__x86_64__) || defined(__i386__)
        fpu_impl = &fpu_host;
        return true;
#else
        return false;
#endif
    }
    if (strcmp(name, "soft") == 0) {
        fpu_impl = &fpu_soft;
        return true;
    }
    return false;
}

#define FPU_SI_FLTDIV 3
#define FPU_SI_FLTOVF 4
#define FPU_SI_FLTUND 5
#define FPU_SI_FLTRES 6
#define FPU_SI_FLTINV 7

static const FpuF80 x87_indefinite = {0xc000000000000000ull, 0xffff};

/* ====================================================================== */
/* stack, tags, status                                                     */

static inline int x87_phys(const CPUX86State *env, int i)
{
    return (env->ftop + i) & 7;
}

static inline FpuF80 *x87_st(CPUX86State *env, int i)
{
    return &env->fpr[x87_phys(env, i)];
}

static inline bool x87_empty(const CPUX86State *env, int i)
{
    return (env->fptag_empty >> x87_phys(env, i)) & 1;
}

static void x87_push(CPUX86State *env, const FpuF80 *v)
{
    env->ftop = (env->ftop - 1) & 7;
    env->fpr[env->ftop] = *v;
    env->fptag_empty &= (uint8_t)~(1u << env->ftop);
}

static void x87_pop(CPUX86State *env)
{
    env->fptag_empty |= (uint8_t)(1u << env->ftop);
    env->ftop = (env->ftop + 1) & 7;
}

static void x87_set_st(CPUX86State *env, int i, const FpuF80 *v)
{
    int p = x87_phys(env, i);
    env->fpr[p] = *v;
    env->fptag_empty &= (uint8_t)~(1u << p);
}

static void x87_update_es(CPUX86State *env)
{
    if (env->fsw & ~env->fcw & FPU_EXC_MASK)
        env->fsw |= FPU_ES | FPU_B;
    else
        env->fsw &= (uint16_t)~(FPU_ES | FPU_B);
    env->fpu_exc_pending = (env->fsw & FPU_ES) != 0;
}

/* Merge an FpuImpl result: sticky exceptions, and the condition bits in
 * `cc` (a mask of C0..C3) replaced by the result's. */
static void x87_merge(CPUX86State *env, unsigned s, unsigned cc)
{
    env->fsw = (uint16_t)((env->fsw & ~cc) | (s & cc) | (s & FPU_EXC_MASK));
    x87_update_es(env);
}

/* Stack fault: IE + SF, C1 = overflow.  Returns true when masked (the
 * caller then applies the masked response). */
static bool x87_stack_fault(CPUX86State *env, bool overflow)
{
    env->fsw = (uint16_t)((env->fsw & ~FPU_C1) | FPU_IE | FPU_SF | (overflow ? FPU_C1 : 0));
    x87_update_es(env);
    return (env->fcw & FPU_IE) != 0;
}

/* Linux's si_code for the unmasked exceptions in fsw. */
static int x87_si_code(const CPUX86State *env)
{
    unsigned e = env->fsw & ~env->fcw & FPU_EXC_MASK;
    if (e & FPU_IE)
        return FPU_SI_FLTINV;
    if (e & FPU_ZE)
        return FPU_SI_FLTDIV;
    if (e & FPU_OE)
        return FPU_SI_FLTOVF;
    if (e & (FPU_UE | FPU_DE))
        return FPU_SI_FLTUND;
    if (e & FPU_PE)
        return FPU_SI_FLTRES;
    return 0;
}

/* A waiting instruction: deliver a pending unmasked exception here. */
static void x87_wait(CPUX86State *env)
{
    if (env->fsw & FPU_ES)
        cpu_raise(env, SIGFPE, x87_si_code(env), env->eip);
}

/* Start of a waiting non-control instruction: check, then record FIP/FOP
 * (and FDP for memory operands), as the hardware does. */
static void x87_begin(CPUX86State *env, uint32_t fop)
{
    x87_wait(env);
    env->fop = (uint16_t)(fop & 0x7ff);
    env->fip = env->eip;
    env->fcs = env->seg_sel[R_CS];
}

static void x87_note_data(CPUX86State *env, uint32_t ea, uint32_t seg)
{
    env->fdp = ea - env->seg_base[seg & 7];
    env->fds = env->seg_sel[seg & 7];
}

/* ====================================================================== */
/* guest memory                                                            */

static void x87_check_mem(CPUX86State *env, uint32_t ea, uint32_t len, int prot)
{
    if (guest_access_ok(ea, len, prot))
        return;
    /* the first byte that fails, as the hardware reports */
    uint32_t a = ea;
    while (guest_access_ok(a, 1, prot) && a - ea < len)
        a = (a | (GUEST_PAGE_SIZE - 1)) + 1;
    int code = (page_prot[a >> GUEST_PAGE_BITS] & PAGE_VALID) ? X86_SEGV_ACCERR : X86_SEGV_MAPERR;
    cpu_raise(env, SIGSEGV, code, a);
}

static void x87_read(CPUX86State *env, void *dst, uint32_t ea, uint32_t len)
{
    x87_check_mem(env, ea, len, PAGE_READ);
    memcpy(dst, g2h(ea), len);
}

static void x87_write(uint32_t ea, const void *src, uint32_t len)
{
    memcpy(g2h(ea), src, len);
}

/* ====================================================================== */
/* arithmetic                                                              */

enum { X87_ADD, X87_MUL, X87_COM, X87_COMP, X87_SUB, X87_SUBR, X87_DIV, X87_DIVR };

/* dst = dst OP src for the reg field `op` of D8 (the DC/DE register forms
 * swap 4<->5 and 6<->7 before calling). */
static unsigned x87_arith(uint16_t cw, int op, FpuF80 *r, const FpuF80 *dst, const FpuF80 *src)
{
    switch (op) {
    case X87_ADD: return fpu_impl->add(cw, r, dst, src);
    case X87_MUL: return fpu_impl->mul(cw, r, dst, src);
    case X87_SUB: return fpu_impl->sub(cw, r, dst, src);
    case X87_SUBR: return fpu_impl->sub(cw, r, src, dst);
    case X87_DIV: return fpu_impl->div(cw, r, dst, src);
    default: return fpu_impl->div(cw, r, src, dst);
    }
}

/* Compare a with b into C3 C2 C0, or ZF PF CF when `eflags`.  An empty
 * operand is a stack fault giving "unordered".  Returns false when an
 * unmasked exception stops the pop (the codes are set all the same). */
static bool x87_do_compare(CPUX86State *env, const FpuF80 *a, const FpuF80 *b, bool empty,
                           bool quiet, bool eflags)
{
    unsigned s;
    if (empty) {
        x87_stack_fault(env, false); /* masked or not: "unordered" */
        s = FPU_IE | FPU_C0 | FPU_C2 | FPU_C3;
    } else {
        s = fpu_impl->compare(env->fcw, a, b, quiet);
        env->fsw = (uint16_t)(env->fsw | (s & FPU_EXC_MASK));
        x87_update_es(env);
        /* even an unmasked IE or DE sets the condition codes, as the
         * hardware does; it only stops the pop */
    }
    if (eflags) {
        /* fcomi: C1 is left as it was (the SDM says 0; the CPU, the
         * oracle, keeps it) */
        env->cc = (s & FPU_C3 ? X86_ZF : 0) | (s & FPU_C2 ? X86_PF : 0) | (s & FPU_C0 ? X86_CF : 0);
    } else {
        env->fsw = (uint16_t)((env->fsw & ~FPU_CC_MASK) | (s & (FPU_C0 | FPU_C2 | FPU_C3)));
    }
    return !(s & ~env->fcw & FPU_EXC_MASK);
}

/* Load a memory operand of escape `esc` as an 80-bit value; returns the
 * conversion's status (DE for a denormal float).  A NaN goes into the
 * arithmetic unquieted: an SNaN's IE is the arithmetic's, and NaN selection
 * compares the raw significands. */
static unsigned x87_load_arith_src(CPUX86State *env, int esc, uint32_t ea, FpuF80 *v)
{
    if (esc == 0) {
        uint32_t f;
        x87_read(env, &f, ea, 4);
        if ((f & 0x7f800000u) == 0x7f800000u && (f & 0x7fffffu)) {
            v->sexp = (uint16_t)((f >> 31) << 15 | 0x7fff);
            v->mant = 1ull << 63 | (uint64_t)(f & 0x7fffffu) << 40;
            return 0;
        }
        return fpu_impl->from_f32(env->fcw, v, f) & FPU_EXC_MASK;
    }
    if (esc == 4) {
        uint64_t f;
        x87_read(env, &f, ea, 8);
        if ((f & 0x7ff0000000000000ull) == 0x7ff0000000000000ull && (f << 12)) {
            v->sexp = (uint16_t)((f >> 63) << 15 | 0x7fff);
            v->mant = 1ull << 63 | (f & 0xfffffffffffffull) << 11;
            return 0;
        }
        return fpu_impl->from_f64(env->fcw, v, f) & FPU_EXC_MASK;
    }
    if (esc == 2) {
        int32_t i;
        x87_read(env, &i, ea, 4);
        return fpu_impl->from_i64(env->fcw, v, i) & FPU_EXC_MASK;
    }
    int16_t i;
    x87_read(env, &i, ea, 2);
    return fpu_impl->from_i64(env->fcw, v, i) & FPU_EXC_MASK;
}

/* Is v a NaN or an encoding the x87 does not support? */
static bool x87_nan_or_unsupported(const FpuF80 *v)
{
    unsigned e = v->sexp & 0x7fffu;
    return (e == 0x7fff && (v->mant << 1)) || (e != 0 && !(v->mant >> 63));
}

/* D8 / DA / DC / DE with a memory operand.  The memory operand's DE counts
 * only when the operation itself finds nothing worse (no NaN or invalid
 * encoding in ST(0), no IE or ZE): so the operation is computed first. */
static uint32_t x87_h_arith_mem(CPUX86State *env, uint32_t ea, uint32_t fop, uint32_t seg,
                                uint32_t unused)
{
    x86_fp_sync(env); /* the state may be live in the host FPU */
    x87_begin(env, fop);
    int esc = (fop >> 8) & 7, op = (fop >> 3) & 7;
    FpuF80 v;
    uint32_t len = esc == 4 ? 8 : esc == 6 ? 2 : 4;
    x87_check_mem(env, ea, len, PAGE_READ);
    x87_note_data(env, ea, seg);
    unsigned ls = x87_load_arith_src(env, esc, ea, &v);
    bool cmp = op == X87_COM || op == X87_COMP;
    if (x87_empty(env, 0)) {
        if (cmp) {
            if (x87_do_compare(env, x87_st(env, 0), &v, true, false, false) && op == X87_COMP)
                x87_pop(env);
        } else if (x87_stack_fault(env, false)) {
            x87_set_st(env, 0, &x87_indefinite);
        }
        return 0;
    }
    const FpuF80 *st0 = x87_st(env, 0);
    FpuF80 r;
    unsigned s = cmp ? fpu_impl->compare(env->fcw, st0, &v, false)
                     : x87_arith(env->fcw, op, &r, st0, &v);
    if (x87_nan_or_unsupported(st0) || (s & (FPU_IE | FPU_ZE)))
        ls &= ~(unsigned)FPU_DE;
    bool stop = (ls & ~env->fcw & FPU_DE) != 0;
    if (cmp) {
        /* an unmasked exception still sets the codes, but stops the pop */
        bool pop = x87_do_compare(env, st0, &v, false, false, false) && !stop;
        env->fsw |= (uint16_t)ls;
        x87_update_es(env);
        if (pop && op == X87_COMP)
            x87_pop(env);
        return 0;
    }
    if (stop) {
        x87_merge(env, ls, FPU_C1);
        return 0;
    }
    if (!(s & FPU_NOSTORE))
        x87_set_st(env, 0, &r);
    x87_merge(env, s | ls, FPU_C1);
    return 0;
}

/* D8 / DC / DE register forms: arithmetic and compares with ST(i). */
static uint32_t x87_h_arith_reg(CPUX86State *env, uint32_t ea, uint32_t fop, uint32_t seg,
                                uint32_t unused)
{
    x86_fp_sync(env); /* the state may be live in the host FPU */
    x87_begin(env, fop);
    int esc = (fop >> 8) & 7, op = (fop >> 3) & 7, i = fop & 7;
    if (op == X87_COM || op == X87_COMP) {
        /* D8/DC: fcom, fcomp; DE D0+i: fcomp (alias), DE D9: fcompp */
        int pops = (op == X87_COMP) + (esc == 6);
        bool empty = x87_empty(env, 0) || x87_empty(env, i);
        if (x87_do_compare(env, x87_st(env, 0), x87_st(env, i), empty, false, false))
            for (int k = 0; k < pops; k++)
                x87_pop(env);
        return 0;
    }
    int dst = esc == 0 ? 0 : i, src = esc == 0 ? i : 0;
    if (esc != 0 && op >= X87_SUB)
        op ^= 1; /* fsubr/fsub and fdivr/fdiv swap in the st(i) destination forms */
    bool pop = esc == 6;
    if (x87_empty(env, dst) || x87_empty(env, src)) {
        if (!x87_stack_fault(env, false))
            return 0;
        x87_set_st(env, dst, &x87_indefinite);
    } else {
        FpuF80 r;
        unsigned s = x87_arith(env->fcw, op, &r, x87_st(env, dst), x87_st(env, src));
        if (s & FPU_NOSTORE) {
            x87_merge(env, s, FPU_C1);
            return 0;
        }
        x87_set_st(env, dst, &r);
        x87_merge(env, s, FPU_C1);
    }
    if (pop)
        x87_pop(env);
    return 0;
}

/* ====================================================================== */
/* loads and stores                                                        */

/* Push v (fld family): stack overflow when ST(7) is in use. */
static void x87_push_checked(CPUX86State *env, const FpuF80 *v)
{
    if (!x87_empty(env, 7)) {
        if (x87_stack_fault(env, true))
            x87_push(env, &x87_indefinite);
        return;
    }
    x87_push(env, v);
}

/* fld m32/m64/m80, fild m16/m32/m64, fbld. */
static uint32_t x87_h_fld_mem(CPUX86State *env, uint32_t ea, uint32_t fop, uint32_t seg,
                              uint32_t unused)
{
    x86_fp_sync(env); /* the state may be live in the host FPU */
    x87_begin(env, fop);
    int esc = (fop >> 8) & 7, op = (fop >> 3) & 7;
    FpuF80 v = {0, 0};
    unsigned s = 0;
    uint8_t buf[10];
    int kind = esc << 3 | op;
    uint32_t len = kind == (1 << 3 | 0) ? 4 : kind == (5 << 3 | 0) ? 8 : kind == (7 << 3 | 0) ? 2
                 : kind == (3 << 3 | 0) ? 4 : kind == (7 << 3 | 5) ? 8 : 10;
    x87_read(env, buf, ea, len);
    x87_note_data(env, ea, seg);
    if (!x87_empty(env, 7)) {
        if (x87_stack_fault(env, true))
            x87_push(env, &x87_indefinite);
        return 0;
    }
    switch (kind) {
    case 1 << 3 | 0: { uint32_t f; memcpy(&f, buf, 4); s = fpu_impl->from_f32(env->fcw, &v, f); break; }
    case 5 << 3 | 0: { uint64_t f; memcpy(&f, buf, 8); s = fpu_impl->from_f64(env->fcw, &v, f); break; }
    case 3 << 3 | 5: memcpy(&v.mant, buf, 8); memcpy(&v.sexp, buf + 8, 2); break;
    case 7 << 3 | 0: { int16_t i; memcpy(&i, buf, 2); fpu_impl->from_i64(env->fcw, &v, i); break; }
    case 3 << 3 | 0: { int32_t i; memcpy(&i, buf, 4); fpu_impl->from_i64(env->fcw, &v, i); break; }
    case 7 << 3 | 5: { int64_t i; memcpy(&i, buf, 8); fpu_impl->from_i64(env->fcw, &v, i); break; }
    default: s = fpu_impl->from_bcd(env->fcw, &v, buf); break; /* DF /4 fbld */
    }
    x87_merge(env, s, FPU_C1);
    if (!(s & FPU_NOSTORE))
        x87_push(env, &v);
    return 0;
}

/* fst/fstp m32/m64/m80, fist/fistp m16/m32/m64, fisttp, fbstp. */
static uint32_t x87_h_fst_mem(CPUX86State *env, uint32_t ea, uint32_t fop, uint32_t seg,
                              uint32_t unused)
{
    x86_fp_sync(env); /* the state may be live in the host FPU */
    x87_begin(env, fop);
    int esc = (fop >> 8) & 7, op = (fop >> 3) & 7;
    int kind = esc << 3 | op;
    uint8_t buf[10];
    uint32_t len;
    bool pop;
    switch (kind) {
    case 1 << 3 | 2: case 3 << 3 | 2: len = 4; pop = false; break;     /* fst m32, fist m32 */
    case 1 << 3 | 3: case 3 << 3 | 3: case 3 << 3 | 1: len = 4; pop = true; break;
    case 5 << 3 | 2: len = 8; pop = false; break;                      /* fst m64 */
    case 5 << 3 | 3: case 5 << 3 | 1: case 7 << 3 | 7: len = 8; pop = true; break;
    case 7 << 3 | 2: len = 2; pop = false; break;                      /* fist m16 */
    case 7 << 3 | 3: case 7 << 3 | 1: len = 2; pop = true; break;
    default: len = 10; pop = true; break;                              /* fstp m80, fbstp */
    }
    x87_check_mem(env, ea, len, PAGE_WRITE);
    x87_note_data(env, ea, seg);
    unsigned s = 0;
    if (x87_empty(env, 0)) {
        if (!x87_stack_fault(env, false))
            return 0;
        /* masked underflow stores the indefinite of the format */
        s = FPU_IE; /* converting the indefinite below raises nothing more */
    }
    const FpuF80 *a = x87_empty(env, 0) ? &x87_indefinite : x87_st(env, 0);
    uint16_t cw = x87_empty(env, 0) ? (uint16_t)(env->fcw | FPU_IE) : env->fcw;
    switch (kind) {
    case 1 << 3 | 2: case 1 << 3 | 3: { uint32_t f; s |= fpu_impl->to_f32(cw, &f, a); memcpy(buf, &f, 4); break; }
    case 5 << 3 | 2: case 5 << 3 | 3: { uint64_t f; s |= fpu_impl->to_f64(cw, &f, a); memcpy(buf, &f, 8); break; }
    case 3 << 3 | 7: memcpy(buf, &a->mant, 8); memcpy(buf + 8, &a->sexp, 2); break;
    case 7 << 3 | 6: s |= fpu_impl->to_bcd(cw, buf, a); break;
    default: {
        int bits = len * 8;
        bool trunc = op == 1;
        int64_t i;
        s |= fpu_impl->to_int(cw, &i, a, bits, trunc);
        memcpy(buf, &i, len);
        break;
    }
    }
    x87_merge(env, s, FPU_C1);
    if (s & FPU_NOSTORE)
        return 0;
    x87_write(ea, buf, len);
    if (pop)
        x87_pop(env);
    return 0;
}

/* ====================================================================== */
/* register forms without arithmetic                                       */

static void x87_fld_sti(CPUX86State *env, int i)
{
    if (x87_empty(env, i)) {
        /* underflow wins: the indefinite is pushed without an overflow
         * check (C1 stays 0, as the CPU) */
        if (x87_stack_fault(env, false))
            x87_push(env, &x87_indefinite);
        return;
    }
    FpuF80 v = *x87_st(env, i);
    env->fsw &= (uint16_t)~FPU_C1;
    x87_push_checked(env, &v);
}

static void x87_fst_sti(CPUX86State *env, int i, bool pop)
{
    if (x87_empty(env, 0)) {
        if (!x87_stack_fault(env, false))
            return;
        x87_set_st(env, i, &x87_indefinite);
    } else {
        FpuF80 v = *x87_st(env, 0);
        x87_set_st(env, i, &v);
        env->fsw &= (uint16_t)~FPU_C1;
    }
    if (pop)
        x87_pop(env);
}

static void x87_fxch(CPUX86State *env, int i)
{
    if (x87_empty(env, 0) || x87_empty(env, i)) {
        if (!x87_stack_fault(env, false))
            return;
        if (x87_empty(env, 0))
            x87_set_st(env, 0, &x87_indefinite);
        if (x87_empty(env, i))
            x87_set_st(env, i, &x87_indefinite);
    } else {
        env->fsw &= (uint16_t)~FPU_C1;
    }
    FpuF80 t = *x87_st(env, 0);
    *x87_st(env, 0) = *x87_st(env, i);
    *x87_st(env, i) = t;
}

/* FXAM: C3 C2 C0 class, C1 sign (also for an empty register). */
static unsigned x87_classify(const FpuF80 *v, bool empty)
{
    unsigned c1 = (v->sexp & 0x8000) ? FPU_C1 : 0;
    unsigned e = v->sexp & 0x7fff;
    bool j = (v->mant >> 63) & 1;
    if (empty)
        return c1 | FPU_C3 | FPU_C0;
    if (e == 0)
        return c1 | (v->mant == 0 ? FPU_C3 : FPU_C3 | FPU_C2);
    if (!j)
        return c1; /* unnormal, pseudo-NaN, pseudo-infinity: unsupported */
    if (e == 0x7fff)
        return c1 | ((v->mant << 1) == 0 ? FPU_C2 | FPU_C0 : FPU_C0);
    return c1 | FPU_C2;
}

/* One-operand ST(0) ops through the FpuImpl (fsqrt, frndint, f2xm1, fsin,
 * fcos). C2 from the trig ops means "out of range, ST(0) unchanged". */
static void x87_unary(CPUX86State *env, unsigned (*fn)(uint16_t, FpuF80 *, const FpuF80 *),
                      bool trig)
{
    if (x87_empty(env, 0)) {
        if (trig)
            env->fsw &= (uint16_t)~FPU_C2; /* a stack fault is "in range" */
        if (x87_stack_fault(env, false))
            x87_set_st(env, 0, &x87_indefinite);
        return;
    }
    FpuF80 r;
    unsigned s = fn(env->fcw, &r, x87_st(env, 0));
    if (!(s & FPU_NOSTORE) && !(trig && (s & FPU_C2)))
        x87_set_st(env, 0, &r);
    x87_merge(env, s, trig ? FPU_C1 | FPU_C2 : FPU_C1);
}

/* ST(1) op ST(0) -> ST(1), pop (fpatan, fyl2x, fyl2xp1). */
static void x87_binary_pop(CPUX86State *env,
                           unsigned (*fn)(uint16_t, FpuF80 *, const FpuF80 *, const FpuF80 *))
{
    if (x87_empty(env, 0) || x87_empty(env, 1)) {
        if (!x87_stack_fault(env, false))
            return;
        x87_set_st(env, 1, &x87_indefinite);
        x87_pop(env);
        return;
    }
    FpuF80 r;
    unsigned s = fn(env->fcw, &r, x87_st(env, 1), x87_st(env, 0));
    x87_merge(env, s, FPU_C1);
    if (s & FPU_NOSTORE)
        return;
    x87_set_st(env, 1, &r);
    x87_pop(env);
}

/* ST(0) op ST(1) -> ST(0) (fscale). */
static void x87_binary_st0(CPUX86State *env,
                           unsigned (*fn)(uint16_t, FpuF80 *, const FpuF80 *, const FpuF80 *))
{
    if (x87_empty(env, 0) || x87_empty(env, 1)) {
        if (x87_stack_fault(env, false))
            x87_set_st(env, 0, &x87_indefinite);
        return;
    }
    FpuF80 r;
    unsigned s = fn(env->fcw, &r, x87_st(env, 0), x87_st(env, 1));
    if (!(s & FPU_NOSTORE))
        x87_set_st(env, 0, &r);
    x87_merge(env, s, FPU_C1);
}

/* fprem / fprem1: ST(0) = partial remainder of ST(0) / ST(1).  When no
 * quotient is computed (stack fault, IE, an unmasked DE, or a NaN operand:
 * the NaN is the result) the CPU reports a "complete" reduction without quotient bits: C2
 * and C1 cleared, C0 and C3 left as they were.  The FpuImpl's C0 C3 are
 * then not used (the host unit's would be its own stale ones). */
static void x87_prem(CPUX86State *env,
                     unsigned (*fn)(uint16_t, FpuF80 *, const FpuF80 *, const FpuF80 *))
{
    if (x87_empty(env, 0) || x87_empty(env, 1)) {
        env->fsw &= (uint16_t)~FPU_C2;
        if (x87_stack_fault(env, false))
            x87_set_st(env, 0, &x87_indefinite);
        return;
    }
    const FpuF80 *a = x87_st(env, 0), *b = x87_st(env, 1);
    bool nan = x87_nan_or_unsupported(a) || x87_nan_or_unsupported(b);
    FpuF80 r;
    unsigned s = fn(env->fcw, &r, a, b);
    if (!(s & FPU_NOSTORE))
        x87_set_st(env, 0, &r);
    if (nan || (s & (FPU_IE | FPU_NOSTORE)))
        x87_merge(env, s & ~(unsigned)FPU_CC_MASK, FPU_C1 | FPU_C2);
    else
        x87_merge(env, s, FPU_CC_MASK);
}

/* ST(0) -> two results, the second pushed (fxtract, fsincos, fptan). */
static void x87_unary_push(CPUX86State *env, int which)
{
    if (which != 0 && (x87_empty(env, 0) || !x87_empty(env, 7)))
        env->fsw &= (uint16_t)~FPU_C2; /* a stack fault is "in range" */
    if (x87_empty(env, 0)) {
        /* the masked response fills both results without a second check
         * for overflow (C1 stays 0, as the CPU) */
        if (!x87_stack_fault(env, false))
            return;
        x87_set_st(env, 0, &x87_indefinite);
        x87_push(env, &x87_indefinite);
        return;
    }
    if (!x87_empty(env, 7)) {
        if (x87_stack_fault(env, true)) {
            x87_set_st(env, 0, &x87_indefinite);
            x87_push(env, &x87_indefinite);
        }
        return;
    }
    FpuF80 lo, hi; /* lo replaces ST(0), hi is pushed */
    unsigned s, cc = FPU_C1;
    if (which == 0) {
        s = fpu_impl->xtract(env->fcw, &hi, &lo, x87_st(env, 0));
    } else if (which == 1) {
        s = fpu_impl->sincos(env->fcw, &lo, &hi, x87_st(env, 0));
        cc |= FPU_C2;
    } else {
        s = fpu_impl->ptan(env->fcw, &lo, x87_st(env, 0));
        /* 1.0 is pushed, except that a NaN result is pushed twice */
        if ((lo.sexp & 0x7fff) == 0x7fff && (lo.mant << 1))
            hi = lo;
        else
            fpu_impl->ldconst(env->fcw, &hi, FPU_CONST_1);
        cc |= FPU_C2;
    }
    x87_merge(env, s, cc);
    if ((s & FPU_NOSTORE) || (which != 0 && (s & FPU_C2)))
        return;
    x87_set_st(env, 0, &lo);
    x87_push(env, &hi);
}

static void x87_fldconst(CPUX86State *env, int which)
{
    FpuF80 v;
    fpu_impl->ldconst(env->fcw, &v, which);
    env->fsw &= (uint16_t)~FPU_C1;
    x87_push_checked(env, &v);
}

/* D9 E0..FF */
static void x87_d9_misc(CPUX86State *env, int modrm)
{
    static const int consts[8] = {FPU_CONST_1, FPU_CONST_L2T, FPU_CONST_L2E, FPU_CONST_PI,
                                  FPU_CONST_LG2, FPU_CONST_LN2, FPU_CONST_Z, -1};
    FpuF80 *st0 = x87_st(env, 0);
    switch (modrm) {
    case 0xe0: case 0xe1: /* fchs, fabs */
        if (x87_empty(env, 0)) {
            if (x87_stack_fault(env, false))
                x87_set_st(env, 0, &x87_indefinite);
            return;
        }
        st0->sexp = modrm == 0xe0 ? st0->sexp ^ 0x8000 : st0->sexp & 0x7fff;
        env->fsw &= (uint16_t)~FPU_C1;
        return;
    case 0xe4: { /* ftst */
        FpuF80 zero = {0, 0};
        x87_do_compare(env, st0, &zero, x87_empty(env, 0), false, false);
        return;
    }
    case 0xe5:
        env->fsw = (uint16_t)((env->fsw & ~FPU_CC_MASK) | x87_classify(st0, x87_empty(env, 0)));
        return;
    case 0xf0: x87_unary(env, fpu_impl->f2xm1, false); return;
    case 0xf1: x87_binary_pop(env, fpu_impl->yl2x); return;
    case 0xf2: x87_unary_push(env, 2); return;
    case 0xf3: x87_binary_pop(env, fpu_impl->patan); return;
    case 0xf4: x87_unary_push(env, 0); return;
    case 0xf5: x87_prem(env, fpu_impl->prem1); return;
    case 0xf6: env->ftop = (env->ftop - 1) & 7; env->fsw &= (uint16_t)~FPU_C1; return;
    case 0xf7: env->ftop = (env->ftop + 1) & 7; env->fsw &= (uint16_t)~FPU_C1; return;
    case 0xf8: x87_prem(env, fpu_impl->prem); return;
    case 0xf9: x87_binary_pop(env, fpu_impl->yl2xp1); return;
    case 0xfa: x87_unary(env, fpu_impl->sqrt, false); return;
    case 0xfb: x87_unary_push(env, 1); return;
    case 0xfc: x87_unary(env, fpu_impl->rndint, false); return;
    case 0xfd: x87_binary_st0(env, fpu_impl->scale); return;
    case 0xfe: x87_unary(env, fpu_impl->sin, true); return;
    case 0xff: x87_unary(env, fpu_impl->cos, true); return;
    default:
        if (modrm >= 0xe8 && modrm <= 0xee)
            x87_fldconst(env, consts[modrm - 0xe8]);
        return;
    }
}

static void x87_init(CPUX86State *env)
{
    env->fcw = 0x037f;
    env->fsw = 0;
    env->ftop = 0;
    env->fptag_empty = 0xff;
    env->fop = 0;
    env->fip = env->fdp = 0;
    env->fcs = env->fds = 0;
    env->fpu_exc_pending = 0;
}

void x87_reset(CPUX86State *env)
{
    x87_init(env);
    env->mxcsr = 0x1f80;
}

/* Register forms of D9 DA DB DD DF that neither compare into EFLAGS nor
 * read them (those are x87_h_fcomi / x87_h_fcmov). */
static uint32_t x87_h_reg(CPUX86State *env, uint32_t ea, uint32_t fop, uint32_t seg,
                          uint32_t unused)
{
    x86_fp_sync(env); /* the state may be live in the host FPU */
    int esc = (fop >> 8) & 7, modrm = fop & 0xff, op = (modrm >> 3) & 7, i = modrm & 7;
    if (esc == 3 && (modrm == 0xe2 || modrm == 0xe3 || modrm == 0xe0 || modrm == 0xe1 ||
                     modrm == 0xe4)) {
        /* fnclex / fninit / feni, fdisi, fsetpm (nops): non-waiting */
        if (modrm == 0xe2) {
            env->fsw &= (uint16_t)~(FPU_EXC_MASK | FPU_SF | FPU_ES | FPU_B);
            env->fpu_exc_pending = 0;
        } else if (modrm == 0xe3) {
            x87_init(env);
        }
        return 0;
    }
    x87_begin(env, fop);
    switch (esc << 3 | op) {
    case 1 << 3 | 0: x87_fld_sti(env, i); break;
    case 1 << 3 | 1: case 5 << 3 | 1: case 7 << 3 | 1: x87_fxch(env, i); break;
    case 1 << 3 | 2: break; /* fnop */
    case 1 << 3 | 3: case 5 << 3 | 3: case 7 << 3 | 2: case 7 << 3 | 3: x87_fst_sti(env, i, true); break;
    case 5 << 3 | 2: x87_fst_sti(env, i, false); break;
    case 5 << 3 | 0: /* ffree: C1 cleared, as this CPU does */
        env->fptag_empty |= (uint8_t)(1u << x87_phys(env, i));
        env->fsw &= (uint16_t)~FPU_C1;
        break;
    case 7 << 3 | 0: /* ffreep */
        env->fptag_empty |= (uint8_t)(1u << x87_phys(env, i));
        x87_pop(env);
        break;
    case 5 << 3 | 4: case 5 << 3 | 5: /* fucom, fucomp */
        if (x87_do_compare(env, x87_st(env, 0), x87_st(env, i),
                           x87_empty(env, 0) || x87_empty(env, i), true, false) && op == 5)
            x87_pop(env);
        break;
    case 2 << 3 | 5: /* DA E9 fucompp */
        if (x87_do_compare(env, x87_st(env, 0), x87_st(env, 1),
                           x87_empty(env, 0) || x87_empty(env, 1), true, false)) {
            x87_pop(env);
            x87_pop(env);
        }
        break;
    default:
        if (esc == 1)
            x87_d9_misc(env, modrm);
        break;
    }
    return 0;
}

/* fcomi fucomi (DB), fcomip fucomip (DF): ZF PF CF; OF SF AF cleared. */
static uint32_t x87_h_fcomi(CPUX86State *env, uint32_t ea, uint32_t fop, uint32_t seg,
                            uint32_t unused)
{
    x86_fp_sync(env); /* the state may be live in the host FPU */
    x87_begin(env, fop);
    int esc = (fop >> 8) & 7, i = fop & 7;
    bool quiet = ((fop >> 3) & 7) == 5;
    if (x87_do_compare(env, x87_st(env, 0), x87_st(env, i),
                       x87_empty(env, 0) || x87_empty(env, i), quiet, true) && esc == 7)
        x87_pop(env);
    return 0;
}

/* fcmovcc: DA C0-DF b e be u, DB C0-DF nb ne nbe nu. */
static uint32_t x87_h_fcmov(CPUX86State *env, uint32_t ea, uint32_t fop, uint32_t seg,
                            uint32_t unused)
{
    x86_fp_sync(env); /* the state may be live in the host FPU */
    x87_begin(env, fop);
    static const uint32_t flag[4] = {X86_CF, X86_ZF, X86_CF | X86_ZF, X86_PF};
    int esc = (fop >> 8) & 7, op = (fop >> 3) & 3, i = fop & 7;
    bool cond = (env->cc & flag[op]) != 0;
    if (esc == 3)
        cond = !cond;
    if (x87_empty(env, 0) || x87_empty(env, i)) {
        /* masked: ST(0) becomes the indefinite whatever the condition */
        if (x87_stack_fault(env, false))
            x87_set_st(env, 0, &x87_indefinite);
        return 0;
    }
    /* C1 is left as it was (the SDM's "undefined"; this CPU keeps it) */
    if (cond) {
        FpuF80 v = *x87_st(env, i);
        x87_set_st(env, 0, &v);
    }
    return 0;
}

/* DF E0: fnstsw ax (non-waiting); returns the status word with TOP. */
static uint16_t x87_get_fsw(const CPUX86State *env)
{
    return (uint16_t)((env->fsw & ~(7u << X86_FSW_TOP_SHIFT)) | (env->ftop << X86_FSW_TOP_SHIFT));
}

static uint32_t x87_h_fnstsw_ax(CPUX86State *env, uint32_t a0, uint32_t a1, uint32_t a2,
                                uint32_t a3)
{
    x86_fp_sync(env); /* the state may be live in the host FPU */
    return x87_get_fsw(env);
}

/* 9B fwait */
static uint32_t x87_h_fwait(CPUX86State *env, uint32_t a0, uint32_t a1, uint32_t a2, uint32_t a3)
{
    x86_fp_sync(env); /* the state may be live in the host FPU */
    x87_wait(env);
    return 0;
}

/* ====================================================================== */
/* control words and environment images                                   */

static unsigned x87_tag_of(const FpuF80 *v)
{
    unsigned e = v->sexp & 0x7fff;
    if (e == 0x7fff)
        return 2;
    if (e == 0)
        return v->mant ? 2 : 1;
    return (v->mant >> 63) ? 0 : 2;
}

static uint16_t x87_get_ftw(const CPUX86State *env)
{
    uint16_t tw = 0;
    for (int p = 0; p < 8; p++)
        tw |= (uint16_t)(((env->fptag_empty >> p) & 1 ? 3 : x87_tag_of(&env->fpr[p])) << (2 * p));
    return tw;
}

static void x87_set_fcw(CPUX86State *env, uint16_t cw)
{
    env->fcw = (uint16_t)((cw & 0x1f3f) | 0x40);
    x87_update_es(env);
}

static void x87_set_fsw(CPUX86State *env, uint16_t sw)
{
    env->ftop = (sw >> X86_FSW_TOP_SHIFT) & 7;
    env->fsw = (uint16_t)(sw & ~(7u << X86_FSW_TOP_SHIFT));
    x87_update_es(env);
}

/* The fnstenv image: 28 bytes (32-bit operand size) or 14 (16-bit). */
static uint32_t x87_env_size(bool o16) { return o16 ? 14 : 28; }

static void x87_store_env(const CPUX86State *env, uint8_t *p, bool o16)
{
    if (o16) {
        put16(p, env->fcw);
        put16(p + 2, x87_get_fsw(env));
        put16(p + 4, x87_get_ftw(env));
        put16(p + 6, (uint16_t)env->fip);
        put16(p + 8, env->fcs);
        put16(p + 10, (uint16_t)env->fdp);
        put16(p + 12, env->fds);
        return;
    }
    put32(p, 0xffff0000u | env->fcw);
    put32(p + 4, 0xffff0000u | x87_get_fsw(env));
    put32(p + 8, 0xffff0000u | x87_get_ftw(env));
    put32(p + 12, env->fip);
    put32(p + 16, env->fcs | (uint32_t)(env->fop & 0x7ff) << 16);
    put32(p + 20, env->fdp);
    put32(p + 24, 0xffff0000u | env->fds);
}

static void x87_load_env(CPUX86State *env, const uint8_t *p, bool o16)
{
    uint16_t tw;
    if (o16) {
        x87_set_fcw(env, get16(p));
        x87_set_fsw(env, get16(p + 2));
        tw = get16(p + 4);
        env->fip = get16(p + 6);
        env->fcs = get16(p + 8);
        env->fdp = get16(p + 10);
        env->fds = get16(p + 12);
    } else {
        x87_set_fcw(env, get16(p));
        x87_set_fsw(env, get16(p + 4));
        tw = get16(p + 8);
        env->fip = get32(p + 12);
        env->fcs = get16(p + 16);
        env->fop = (uint16_t)(get32(p + 16) >> 16 & 0x7ff);
        env->fdp = get32(p + 20);
        env->fds = get16(p + 24);
    }
    env->fptag_empty = 0;
    for (int r = 0; r < 8; r++)
        if (((tw >> (2 * r)) & 3) == 3)
            env->fptag_empty |= (uint8_t)(1u << r);
}

/* D9 /4 fldenv, /5 fldcw, /6 fnstenv, /7 fnstcw; DD /4 frstor, /6 fnsave,
 * /7 fnstsw.  a3 = 1 for a 16-bit operand size. */
static uint32_t x87_h_ctl_mem(CPUX86State *env, uint32_t ea, uint32_t fop, uint32_t seg,
                              uint32_t o16)
{
    x86_fp_sync(env); /* the state may be live in the host FPU */
    int esc = (fop >> 8) & 7, op = (fop >> 3) & 7;
    uint32_t esz = x87_env_size(o16);
    uint8_t buf[108];
    switch (esc << 3 | op) {
    case 1 << 3 | 5: /* fldcw */
        x87_wait(env);
        x87_read(env, buf, ea, 2);
        x87_set_fcw(env, get16(buf));
        return 0;
    case 1 << 3 | 7: /* fnstcw */
        x87_check_mem(env, ea, 2, PAGE_WRITE);
        put16(buf, env->fcw);
        x87_write(ea, buf, 2);
        return 0;
    case 5 << 3 | 7: /* fnstsw m16 */
        x87_check_mem(env, ea, 2, PAGE_WRITE);
        put16(buf, x87_get_fsw(env));
        x87_write(ea, buf, 2);
        return 0;
    case 1 << 3 | 4: /* fldenv */
        x87_wait(env);
        x87_read(env, buf, ea, esz);
        x87_load_env(env, buf, o16);
        return 0;
    case 1 << 3 | 6: /* fnstenv: then masks all exceptions */
        x87_check_mem(env, ea, esz, PAGE_WRITE);
        x87_store_env(env, buf, o16);
        x87_write(ea, buf, esz);
        env->fcw |= FPU_EXC_MASK;
        x87_update_es(env);
        return 0;
    case 5 << 3 | 4: /* frstor */
        x87_wait(env);
        x87_read(env, buf, ea, esz + 80);
        x87_load_env(env, buf, o16);
        for (int i = 0; i < 8; i++) {
            FpuF80 *r = x87_st(env, i);
            memcpy(&r->mant, buf + esz + 10 * i, 8);
            memcpy(&r->sexp, buf + esz + 10 * i + 8, 2);
        }
        return 0;
    default: /* DD /6 fnsave: then fninit */
        x87_check_mem(env, ea, esz + 80, PAGE_WRITE);
        x87_store_env(env, buf, o16);
        for (int i = 0; i < 8; i++) {
            const FpuF80 *r = x87_st(env, i);
            memcpy(buf + esz + 10 * i, &r->mant, 8);
            memcpy(buf + esz + 10 * i + 8, &r->sexp, 2);
        }
        x87_write(ea, buf, esz + 80);
        x87_init(env);
        return 0;
    }
}

/* MXCSR_MASK as the host reports it (so that guests see the same image
 * natively and under xlat); 0xffff (DAZ supported) elsewhere. */
static uint32_t x87_mxcsr_mask(void)
{
    static uint32_t mask;
    if (!mask) {
#if defined(__x86_64__) || defined(__i386__)
        static uint8_t fx[512] __attribute__((aligned(16)));
        __asm__ volatile("fxsave %0" : "=m"(fx));
        mask = get32(fx + 28);
#endif
        if (!mask)
            mask = 0xffff;
    }
    return mask;
}

/* AMD CPUs store FOP, FIP and FDP with fxsave only while an exception is
 * pending (ES); guests then see zeros there.  Do as the host does. */
static bool x87_fxsave_hides_ptrs(void)
{
    static int hides = -1;
    if (hides < 0) {
        hides = 0;
#if defined(__x86_64__) || defined(__i386__)
        static uint8_t fx[512] __attribute__((aligned(16)));
        __asm__ volatile("fninit\n\tfld1\n\tfxsave %0\n\tfstp %%st(0)" : "=m"(fx) : : "st");
        hides = get32(fx + 8) == 0 && get16(fx + 6) == 0;
#endif
    }
    return hides;
}

/* The first 288 bytes of the fxsave image (32-bit format: FCS and FDS at
 * bytes 12 and 20); the rest of the 512 is left to the caller.  Shared with
 * the signal frames (linux-user/signal.c). */
void x87_fxsave_image(const CPUX86State *env, uint8_t buf[X87_FXSAVE_USED])
{
    memset(buf, 0, X87_FXSAVE_USED);
    put16(buf, env->fcw);
    put16(buf + 2, x87_get_fsw(env));
    buf[4] = (uint8_t)~env->fptag_empty;
    if ((env->fsw & FPU_ES) || !x87_fxsave_hides_ptrs()) {
        put16(buf + 6, env->fop);
        put32(buf + 8, env->fip);
        put16(buf + 12, env->fcs);
        put32(buf + 16, env->fdp);
        put16(buf + 20, env->fds);
    }
    put32(buf + 24, env->mxcsr);
    put32(buf + 28, x87_mxcsr_mask());
    for (int i = 0; i < 8; i++) {
        const FpuF80 *r = &env->fpr[(env->ftop + i) & 7];
        memcpy(buf + 32 + 16 * i, &r->mant, 8);
        memcpy(buf + 32 + 16 * i + 8, &r->sexp, 2);
    }
    memcpy(buf + 160, env->xmm, 128);
}

/* Load an fxsave image; false (nothing changed) when MXCSR has reserved
 * bits set, where fxrstor raises #GP. */
bool x87_fxrstor_image(CPUX86State *env, const uint8_t buf[X87_FXSAVE_USED])
{
    uint32_t mxcsr = get32(buf + 24);
    if (mxcsr & ~x87_mxcsr_mask())
        return false;
    x87_set_fcw(env, get16(buf));
    x87_set_fsw(env, get16(buf + 2));
    env->fptag_empty = (uint8_t)~buf[4];
    env->fop = get16(buf + 6) & 0x7ff;
    env->fip = get32(buf + 8);
    env->fcs = get16(buf + 12);
    env->fdp = get32(buf + 16);
    env->fds = get16(buf + 20);
    env->mxcsr = mxcsr;
    for (int i = 0; i < 8; i++) {
        memcpy(&env->fpr[(env->ftop + i) & 7].mant, buf + 32 + 16 * i, 8);
        memcpy(&env->fpr[(env->ftop + i) & 7].sexp, buf + 32 + 16 * i + 8, 2);
    }
    memcpy(env->xmm, buf + 160, 128);
    return true;
}

/* The 108-byte fnsave image (32-bit operand size), without fnsave's
 * reinitialisation; and its inverse, as frstor.  Signal frames use them for
 * the legacy part of struct _fpstate_32. */
void x87_fnsave_image(const CPUX86State *env, uint8_t buf[X87_FNSAVE_SIZE])
{
    x87_store_env(env, buf, false);
    for (int i = 0; i < 8; i++) {
        const FpuF80 *r = &env->fpr[(env->ftop + i) & 7];
        memcpy(buf + 28 + 10 * i, &r->mant, 8);
        memcpy(buf + 28 + 10 * i + 8, &r->sexp, 2);
    }
}

void x87_frstor_image(CPUX86State *env, const uint8_t buf[X87_FNSAVE_SIZE])
{
    x87_load_env(env, buf, false);
    for (int i = 0; i < 8; i++) {
        memcpy(&env->fpr[(env->ftop + i) & 7].mant, buf + 28 + 10 * i, 8);
        memcpy(&env->fpr[(env->ftop + i) & 7].sexp, buf + 28 + 10 * i + 8, 2);
    }
}

/* 0F AE /0 fxsave, /1 fxrstor: the 512-byte area (bytes 288..511 are not
 * touched).  16-byte alignment and reserved MXCSR bits: #GP. */
static uint32_t x87_h_fxsave(CPUX86State *env, uint32_t ea, uint32_t restore, uint32_t a2,
                             uint32_t a3)
{
    x86_fp_sync(env); /* the state may be live in the host FPU */
    uint8_t buf[X87_FXSAVE_USED];
    if (ea & 15)
        cpu_raise(env, SIGSEGV, X86_SI_KERNEL, 0);
    if (restore) {
        x87_read(env, buf, ea, sizeof(buf));
        if (!x87_fxrstor_image(env, buf))
            cpu_raise(env, SIGSEGV, X86_SI_KERNEL, 0);
        return 0;
    }
    x87_check_mem(env, ea, sizeof(buf), PAGE_WRITE);
    x87_fxsave_image(env, buf);
    x87_write(ea, buf, sizeof(buf));
    return 0;
}

/* ====================================================================== */
/* registration                                                            */

static const IRHelper x87_helpers[X87H_N] = {
    [X87H_ARITH_MEM] = {"x87_arith_mem", x87_h_arith_mem, 4, 0, HF_SYNC | HF_FP},
    [X87H_ARITH_REG] = {"x87_arith_reg", x87_h_arith_reg, 4, 0, HF_SYNC | HF_FP},
    [X87H_FLD_MEM] = {"x87_fld_mem", x87_h_fld_mem, 4, 0, HF_SYNC | HF_FP},
    [X87H_FST_MEM] = {"x87_fst_mem", x87_h_fst_mem, 4, 0, HF_SYNC | HF_FP},
    [X87H_REG] = {"x87_reg", x87_h_reg, 4, 0, HF_SYNC | HF_FP},
    [X87H_FCOMI] = {"x87_fcomi", x87_h_fcomi, 4, 0, HF_SYNC | HF_WRITE_CC | HF_FP},
    [X87H_FCMOV] = {"x87_fcmov", x87_h_fcmov, 4, 0, HF_SYNC | HF_READ_CC | HF_FP},
    [X87H_CTL_MEM] = {"x87_ctl_mem", x87_h_ctl_mem, 4, 0, HF_SYNC | HF_FP},
    [X87H_FNSTSW_AX] = {"x87_fnstsw_ax", x87_h_fnstsw_ax, 0, 1, HF_FP},
    [X87H_FWAIT] = {"x87_fwait", x87_h_fwait, 0, 0, HF_SYNC | HF_FP},
    [X87H_FXSAVE] = {"x87_fxsave", x87_h_fxsave, 2, 0, HF_SYNC | HF_FP},
};

int x87_helper_id(int which)
{
    static int ids[X87H_N];
    static bool done[X87H_N];
    if (!done[which]) {
        ids[which] = ir_helper_register(&x87_helpers[which]);
        done[which] = true;
    }
    return ids[which];
}

int x87_helper_kind(int helper_id)
{
    if (helper_id < 0 || helper_id >= ir_nhelpers)
        return -1;
    /* O(1): the emitter asks this for every call op it compiles */
    uintptr_t h = (uintptr_t)ir_helpers[helper_id], first = (uintptr_t)&x87_helpers[0];
    if (h < first || h >= (uintptr_t)&x87_helpers[X87H_N])
        return -1;
    return (int)((h - first) / sizeof(x87_helpers[0]));
}
