/*
 * interp.c - the portable IR interpreter backend (backend_interp): runs the
 * programs interp_compile.c builds (format and frame layout in interp.h).
 *
 * Invariants: guest registers and CC live in env at every moment (globals are
 * written through, cc ops update env->cc), and env->eip holds the pc of the
 * current guest instruction whenever something can observe it, so a host
 * fault or cpu_raise() in the middle of a TB sees the exact guest state of
 * the faulting instruction: fault_state() only has to name the running TB.
 * The frame's mirror of the globals is loaded from env at exec() entry and
 * after helper calls that write globals; it stays valid across chained TBs.
 *
 * Dispatch: with GCC or clang, threaded code (computed goto: each handler
 * jumps to the next, which predicts far better than one shared switch);
 * elsewhere a plain switch.  The CASE/NEXT macros hide only that choice.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "host/interp/flags.h"
#include "host/interp/interp.h"
#include "linux-user/guest-mem.h"

/* The TB this thread is running (NULL when not in interp_exec). */
static __thread TB *interp_running;

/* ------------------------------------------------------------------------ */
/* exec                                                                     */

static inline uint8_t *interp_g2h(uint32_t addr) { return (uint8_t *)(guest_base + addr); }

static uint32_t interp_load(uint32_t addr, unsigned size, bool sign)
{
    const uint8_t *p = interp_g2h(addr);
    if (size == 8)
        return sign ? (uint32_t)(int32_t)(int8_t)*p : *p;
    if (size == 16) {
        uint16_t v;
        memcpy(&v, p, 2);
        return sign ? (uint32_t)(int32_t)(int16_t)v : v;
    }
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

/* Always 0, but the compiler cannot know: clang turns an atomic "or 0" it
 * can see into a fenced plain load, which would not probe for write. */
static volatile uint8_t interp_zero;

/* Prove [addr, addr+size/8) writable without changing it: an atomic no-op
 * read-modify-write faults as a write would. */
static void interp_probe_write(uint32_t addr, unsigned size)
{
    uint8_t z = interp_zero;
    __atomic_fetch_or(interp_g2h(addr), z, __ATOMIC_RELAXED);
    __atomic_fetch_or(interp_g2h(addr + size / 8 - 1), z, __ATOMIC_RELAXED);
}

static void interp_store(uint32_t addr, unsigned size, uint32_t v)
{
    uint8_t *p = interp_g2h(addr);
    if (size == 8) {
        *p = (uint8_t)v;
    } else if (size == 16) {
        uint16_t h = (uint16_t)v;
        memcpy(p, &h, 2);
    } else {
        memcpy(p, &v, 4);
    }
}

static inline uint32_t interp_mask(unsigned size)
{
    return size == 32 ? 0xffffffffu : (1u << size) - 1;
}

static uint32_t interp_sext(unsigned size, uint32_t v)
{
    if (size == 8)
        return (uint32_t)(int32_t)(int8_t)v;
    if (size == 16)
        return (uint32_t)(int32_t)(int16_t)v;
    return v;
}

static inline uint32_t interp_bswap(uint32_t v)
{
    return (v >> 24) | ((v >> 8) & 0xff00) | ((v << 8) & 0xff0000) | (v << 24);
}

/* Exception address the guest sees in si_addr for a raise op: the pc for
 * SIGILL/SIGFPE (as Linux reports ud2 and divide errors), else 0 (int3,
 * general protection). */
static uint32_t interp_raise_addr(int signo, uint32_t eip)
{
    return (signo == SIGILL || signo == SIGFPE) ? eip : 0;
}

/* One cc op of the "flags or not" kind: computes into a scratch cc when the
 * flags are dead so env->cc keeps what later ops expect. */
static uint32_t interp_cc_op(CPUX86State *env, const InterpInsn *x, const uint32_t *fr,
                             uint32_t *hi)
{
    uint32_t a = fr[x->in[0]], b = fr[x->in[1]], c = fr[x->in[2]];
    uint32_t scratch = env->cc;
    uint32_t *cc = (x->flags & INSN_NOCC) ? &scratch : &env->cc;
    unsigned s = x->size;

    switch (x->opc) {
    case IR_adc_cc: return interp_cc_adc(s, a, b, cc);
    case IR_sbb_cc: return interp_cc_sbb(s, a, b, cc);
    case IR_neg_cc: return interp_cc_neg(s, a, cc);
    case IR_shl_cc: return interp_cc_shl(s, a, b, cc);
    case IR_shr_cc: return interp_cc_shr(s, a, b, cc);
    case IR_sar_cc: return interp_cc_sar(s, a, b, cc);
    case IR_rol_cc: return interp_cc_rol(s, a, b, cc);
    case IR_ror_cc: return interp_cc_ror(s, a, b, cc);
    case IR_rcl_cc: return interp_cc_rcl(s, a, b, cc);
    case IR_rcr_cc: return interp_cc_rcr(s, a, b, cc);
    case IR_shld_cc: return interp_cc_shld(s, a, b, c, cc);
    case IR_shrd_cc: return interp_cc_shrd(s, a, b, c, cc);
    case IR_mulu_cc: return interp_cc_mulu(s, a, b, hi, cc);
    case IR_muls_cc: return interp_cc_muls(s, a, b, hi, cc);
    case IR_bsf_cc: return interp_cc_bsf(s, a, b, cc);
    case IR_bsr_cc: return interp_cc_bsr(s, a, b, cc);
    case IR_bt_cc: return interp_cc_bt(s, 0, a, b, cc);
    case IR_bts_cc: return interp_cc_bt(s, 1, a, b, cc);
    case IR_btr_cc: return interp_cc_bt(s, 2, a, b, cc);
    case IR_btc_cc: return interp_cc_bt(s, 3, a, b, cc);
    default: abort();
    }
}

static void interp_reload_mirror(uint32_t *fr, const CPUX86State *env)
{
    memcpy(fr, env, INTERP_ENVW * sizeof(uint32_t));
}

static uint32_t interp_call(CPUX86State *env, const InterpInsn *x, uint32_t *fr)
{
    const IRHelper *h = ir_helpers[x->aux[0]];
    if (x->aux[0] < EXEC_STATS_MAX_HELPERS) /* -d stats; one add per (rare) call */
        exec_stats.helper_count[x->aux[0]]++;
    uint32_t r = h->fn(env, fr[x->in[0]], fr[x->in[1]], fr[x->in[2]], fr[x->in[3]]);
    if (h->flags & HF_WRITE_GLOBALS)
        interp_reload_mirror(fr, env);
    return r;
}

static _Noreturn void interp_div_error(CPUX86State *env)
{
    interp_running = NULL;
    cpu_raise(env, SIGFPE, FPE_INTDIV, env->eip);
}

/* Leave with an exit reason. */
static uint32_t interp_leave(CPUX86State *env, uint32_t reason)
{
    env->exit_reason = reason;
    interp_running = NULL;
    return reason;
}

/* Write an output slot; slots below INTERP_ENVW are globals, written through. */
#define PUT(slot, val)                                                                             \
    do {                                                                                           \
        uint32_t put_s_ = (slot), put_v_ = (val);                                                  \
        fr[put_s_] = put_v_;                                                                       \
        if (put_s_ < INTERP_ENVW)                                                                  \
            envw[put_s_] = put_v_;                                                                 \
    } while (0)

/* Store the pending guest pc (INSN_SETPC) before an op that can observe it. */
#define SYNC_PC()                                                                                  \
    do {                                                                                           \
        if (x->flags & INSN_SETPC) {                                                               \
            env->eip = x->pc;                                                                      \
            fr[SLOT_EIP] = x->pc;                                                                  \
        }                                                                                          \
    } while (0)

#define IN0 fr[x->in[0]]
#define IN1 fr[x->in[1]]
#define IN2 fr[x->in[2]]
#define NOCC (x->flags & INSN_NOCC)

#if defined(__GNUC__) && !defined(INTERP_SWITCH)
#define INTERP_THREADED 1
#define CASE(name) L_##name:
#define NEXT()                                                                                     \
    do {                                                                                           \
        x = ip++;                                                                                  \
        goto *dispatch[x->opc];                                                                    \
    } while (0)
#else
#define CASE(name) case name:
#define NEXT() continue
#endif

/* GCC would merge the handlers' identical dispatch tails back into one
 * shared indirect jump, undoing the threading. */
#if defined(__GNUC__) && !defined(__clang__)
__attribute__((optimize("no-crossjumping", "no-gcse")))
#endif
static uint32_t interp_exec(CPUX86State *env, TB *tb)
{
    uint32_t fr[INTERP_MAX_SLOTS];
    uint32_t *envw = (uint32_t *)env;
    const InterpProg *prog;
    const InterpInsn *ip, *x;
    uint32_t r, hi;
#ifdef INTERP_THREADED
    static const void *const dispatch[IOP_NOPC] = {
#define DEF(name, nout, nin, naux, flags, cc_def, cc_use) [IR_##name] = &&L_IR_##name,
#include "ir/ir-opc.h"
#undef DEF
        [IOP_SETPC] = &&L_IOP_SETPC, [IOP_LD32] = &&L_IOP_LD32, [IOP_ST32] = &&L_IOP_ST32,
        [IOP_CHECKTB] = &&L_IOP_CHECKTB,
    };
#endif

    interp_reload_mirror(fr, env);
    fr[SLOT_ZERO] = 0;
enter:
    /* A host signal handler asked for the exec loop (exit_request): leave
     * at this TB's start, where env is exact, even in a chained loop. */
    if (__builtin_expect(env->exit_request != 0, 0)) {
        env->eip = tb->pc;
        return interp_leave(env, EXIT_NORMAL);
    }
    interp_running = tb;
    prog = tb->host_code;
    memcpy(fr + SLOT_CONST0, prog->consts, sizeof(uint32_t) * prog->nconsts);
    ip = prog->insn;
#ifdef INTERP_THREADED
    NEXT();
#else
    for (;;) {
        x = ip++;
        switch (x->opc) {
#endif
    CASE(IR_mov) PUT(x->out[0], IN0); NEXT();
    CASE(IR_add) PUT(x->out[0], IN0 + IN1); NEXT();
    CASE(IR_sub) PUT(x->out[0], IN0 - IN1); NEXT();
    CASE(IR_and) PUT(x->out[0], IN0 & IN1); NEXT();
    CASE(IR_or) PUT(x->out[0], IN0 | IN1); NEXT();
    CASE(IR_xor) PUT(x->out[0], IN0 ^ IN1); NEXT();
    CASE(IR_mul) PUT(x->out[0], IN0 * IN1); NEXT();
    CASE(IR_shl) PUT(x->out[0], IN0 << (IN1 & 31)); NEXT();
    CASE(IR_shr) PUT(x->out[0], IN0 >> (IN1 & 31)); NEXT();
    CASE(IR_sar) PUT(x->out[0], (uint32_t)((int32_t)IN0 >> (IN1 & 31))); NEXT();
    CASE(IR_not) PUT(x->out[0], ~IN0); NEXT();
    CASE(IR_neg) PUT(x->out[0], 0 - IN0); NEXT();
    CASE(IR_bswap) PUT(x->out[0], interp_bswap(IN0)); NEXT();
    CASE(IR_zext) PUT(x->out[0], IN0 & interp_mask(x->size)); NEXT();
    CASE(IR_sext) PUT(x->out[0], interp_sext(x->size, IN0)); NEXT();
    CASE(IR_ext8hi) PUT(x->out[0], (IN0 >> 8) & 0xff); NEXT();
    CASE(IR_dep)
        r = interp_mask(x->size);
        PUT(x->out[0], (IN0 & ~r) | (IN1 & r));
        NEXT();
    CASE(IR_dep8hi) PUT(x->out[0], (IN0 & ~0xff00u) | ((IN1 & 0xff) << 8)); NEXT();
    CASE(IR_seteq) PUT(x->out[0], IN0 == IN1); NEXT();
    CASE(IR_setne) PUT(x->out[0], IN0 != IN1); NEXT();
    CASE(IR_selnz) PUT(x->out[0], IN0 ? IN1 : IN2); NEXT();

    /* guest memory: address = in0 + aux[1] (a displacement folded in) */
    CASE(IOP_LD32)
        SYNC_PC();
        memcpy(&r, interp_g2h(IN0 + x->aux[1]), 4);
        PUT(x->out[0], r);
        NEXT();
    CASE(IOP_ST32)
        SYNC_PC();
        memcpy(interp_g2h(IN0 + x->aux[1]), &IN1, 4);
        NEXT();
    CASE(IR_ld)
        SYNC_PC();
        PUT(x->out[0], interp_load(IN0 + x->aux[1], x->size, false));
        NEXT();
    CASE(IR_lds)
        SYNC_PC();
        PUT(x->out[0], interp_load(IN0 + x->aux[1], x->size, true));
        NEXT();
    CASE(IR_ldw)
        SYNC_PC();
        interp_probe_write(IN0 + x->aux[1], x->size);
        PUT(x->out[0], interp_load(IN0 + x->aux[1], x->size, false));
        NEXT();
    CASE(IR_st)
        SYNC_PC();
        interp_store(IN0 + x->aux[1], x->size, IN1);
        NEXT();

    /* the common cc ops, with a cheap path when their flags are dead */
    CASE(IR_add_cc)
        r = NOCC ? (IN0 + IN1) & interp_mask(x->size) : interp_cc_add(x->size, IN0, IN1, &env->cc);
        PUT(x->out[0], r);
        NEXT();
    CASE(IR_sub_cc)
        r = NOCC ? (IN0 - IN1) & interp_mask(x->size) : interp_cc_sub(x->size, IN0, IN1, &env->cc);
        PUT(x->out[0], r);
        NEXT();
    CASE(IR_and_cc)
        r = NOCC ? IN0 & IN1 & interp_mask(x->size) : interp_cc_and(x->size, IN0, IN1, &env->cc);
        PUT(x->out[0], r);
        NEXT();
    CASE(IR_or_cc)
        r = NOCC ? (IN0 | IN1) & interp_mask(x->size) : interp_cc_or(x->size, IN0, IN1, &env->cc);
        PUT(x->out[0], r);
        NEXT();
    CASE(IR_xor_cc)
        r = NOCC ? (IN0 ^ IN1) & interp_mask(x->size) : interp_cc_xor(x->size, IN0, IN1, &env->cc);
        PUT(x->out[0], r);
        NEXT();
    CASE(IR_inc_cc)
        r = NOCC ? (IN0 + 1) & interp_mask(x->size) : interp_cc_inc(x->size, IN0, &env->cc);
        PUT(x->out[0], r);
        NEXT();
    CASE(IR_dec_cc)
        r = NOCC ? (IN0 - 1) & interp_mask(x->size) : interp_cc_dec(x->size, IN0, &env->cc);
        PUT(x->out[0], r);
        NEXT();
    CASE(IR_rol_cc) CASE(IR_ror_cc)
        if (NOCC && x->size == 32) {
            /* the value of a 32-bit rotate needs no flag work */
            uint32_t n = IN1 & 31;
            r = n == 0 ? IN0
                : x->opc == IR_rol_cc ? (IN0 << n) | (IN0 >> (32 - n))
                                      : (IN0 >> n) | (IN0 << (32 - n));
            PUT(x->out[0], r);
            NEXT();
        }
        PUT(x->out[0], interp_cc_op(env, x, fr, &hi));
        NEXT();
    CASE(IR_adc_cc) CASE(IR_sbb_cc) CASE(IR_neg_cc)
    CASE(IR_shl_cc) CASE(IR_shr_cc) CASE(IR_sar_cc)
    CASE(IR_rcl_cc) CASE(IR_rcr_cc)
    CASE(IR_shld_cc) CASE(IR_shrd_cc)
    CASE(IR_bsf_cc) CASE(IR_bsr_cc)
    CASE(IR_bt_cc) CASE(IR_bts_cc) CASE(IR_btr_cc) CASE(IR_btc_cc)
        PUT(x->out[0], interp_cc_op(env, x, fr, &hi));
        NEXT();
    CASE(IR_mulu_cc) CASE(IR_muls_cc)
        r = interp_cc_op(env, x, fr, &hi);
        PUT(x->out[0], r);
        PUT(x->out[1], hi);
        NEXT();
    CASE(IR_divu) CASE(IR_divs) {
        uint32_t q, rem;
        SYNC_PC();
        bool ok = x->opc == IR_divu ? interp_divu(x->size, IN0, IN1, IN2, &q, &rem)
                                    : interp_divs(x->size, IN0, IN1, IN2, &q, &rem);
        if (!ok)
            interp_div_error(env);
        PUT(x->out[0], q);
        PUT(x->out[1], rem);
        NEXT();
    }

    CASE(IR_getcc) PUT(x->out[0], env->cc & X86_CC_MASK); NEXT();
    CASE(IR_setcc)
        env->cc = (env->cc & ~x->aux[0]) | (IN0 & x->aux[0] & X86_CC_MASK);
        NEXT();
    CASE(IR_setcond) PUT(x->out[0], ir_cond_eval(x->cond, env->cc)); NEXT();
    CASE(IR_selcc) PUT(x->out[0], ir_cond_eval(x->cond, env->cc) ? IN0 : IN1); NEXT();

    CASE(IOP_SETPC)
        env->eip = x->pc;
        fr[SLOT_EIP] = x->pc;
        NEXT();
    CASE(IOP_CHECKTB)
        if (tb->invalid) {
            env->eip = x->pc;
            fr[SLOT_EIP] = x->pc;
            return interp_leave(env, EXIT_NORMAL);
        }
        NEXT();
    CASE(IR_br)
        SYNC_PC();
        ip = prog->insn + x->aux[0];
        NEXT();
    CASE(IR_brcond)
        SYNC_PC();
        if (ir_cond_eval(x->cond, env->cc))
            ip = prog->insn + x->aux[0];
        NEXT();
    CASE(IR_brz)
        SYNC_PC();
        if (IN0 == 0)
            ip = prog->insn + x->aux[0];
        NEXT();
    CASE(IR_brnz)
        SYNC_PC();
        if (IN0 != 0)
            ip = prog->insn + x->aux[0];
        NEXT();
    CASE(IR_call)
        SYNC_PC();
        PUT(x->out[0], interp_call(env, x, fr));
        NEXT();

    CASE(IR_goto_tb) {
        uint32_t slot = x->aux[0] & 1;
        env->eip = x->aux[1];
        fr[SLOT_EIP] = x->aux[1];
        TB *next = prog->next[slot];
        if (next && !next->invalid) {
            tb = next;
            goto enter;
        }
        env->exit_tb = tb;
        env->exit_slot = slot;
        return interp_leave(env, EXIT_CHAIN);
    }
    CASE(IR_goto_ptr) {
        SYNC_PC();
        TB **cache = env->jmp_cache;
        TB *next = cache ? cache[tb_jmp_cache_hash(env->eip)] : NULL;
        if (next && next->pc == env->eip && !next->invalid) {
            tb = next;
            goto enter;
        }
        return interp_leave(env, EXIT_NORMAL);
    }
    CASE(IR_exit_tb)
        SYNC_PC();
        if (x->aux[0] == EXIT_EXCEPTION) {
            env->exc_signo = (int32_t)x->aux[1];
            env->exc_code = 0;
            env->exc_addr = interp_raise_addr((int)x->aux[1], env->eip);
        }
        return interp_leave(env, x->aux[0]);
    CASE(IR_raise)
        SYNC_PC();
        env->exc_signo = (int32_t)x->aux[0];
        env->exc_code = (int32_t)x->aux[1];
        env->exc_addr = interp_raise_addr((int)x->aux[0], env->eip);
        return interp_leave(env, EXIT_EXCEPTION);

    /* never in a program: compile drops them */
    CASE(IR_insn_start) CASE(IR_label)
#ifndef INTERP_THREADED
        default:
#endif
        abort();
#ifndef INTERP_THREADED
        }
    }
#endif
}

/* ------------------------------------------------------------------------ */
/* the rest of the Backend interface                                        */

static void interp_init(void) {}

/* Only the program's own link changes: tb->jmp_dest and the incoming lists
 * belong to the translation cache, which updates them around this call. */
static void interp_chain(TB *from, int slot, TB *to)
{
    InterpProg *prog = from->host_code;
    if (prog)
        prog->next[slot & 1] = to;
}

static void interp_free_tb(TB *tb)
{
    InterpProg *prog = tb->host_code;
    if (prog)
        free(prog->insn);
    free(prog);
    tb->host_code = NULL;
}

/* Programs are owned by their TBs; the cache frees each with free_tb. */
static void interp_flush(void) {}

static TB *interp_fault_state(CPUX86State *env, ucontext_t *uc, uintptr_t host_pc)
{
    (void)env, (void)uc, (void)host_pc;
    return interp_running;
}

const Backend backend_interp = {
    .name = "interp",
    .init = interp_init,
    .compile = interp_compile,
    .exec = interp_exec,
    .chain = interp_chain,
    .free_tb = interp_free_tb,
    .flush = interp_flush,
    .fault_state = interp_fault_state,
};
