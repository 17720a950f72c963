/*
 * helper_misc.c - C helpers called from translated code for the rare or
 * complex instructions: raising guest signals, pushf/popf, cpuid, rdtsc,
 * segment register loads, BCD adjusts, cmpxchg8b, bound.
 *
 * Each helper is described by an IRHelper whose HF_* flags say what it
 * touches; helpers register themselves at first use (x86_helper_*_id).
 * Helpers that may raise are HF_SYNC: env (registers, CC, EIP) is exact
 * when they run, and they check before they change anything.
 */
#include <signal.h>
#include <string.h>
#include <time.h>

#include "linux-user/guest-mem.h"
#include "target/x86/cpuid.h"
#include "target/x86/translate.h"

/* ---------------------------------------------------------------------- */
/* flag arithmetic                                                         */

uint32_t x86_cc_szp(uint32_t r, int bits)
{
    uint32_t mask = bits == 32 ? 0xffffffffu : (1u << bits) - 1;
    uint32_t cc = 0;
    r &= mask;
    if (r == 0)
        cc |= X86_ZF;
    if (r >> (bits - 1))
        cc |= X86_SF;
    if (!__builtin_parity(r & 0xff))
        cc |= X86_PF;
    return cc;
}

uint32_t x86_cc_sub(uint32_t a, uint32_t b, int bits)
{
    uint32_t mask = bits == 32 ? 0xffffffffu : (1u << bits) - 1;
    a &= mask;
    b &= mask;
    uint32_t r = (a - b) & mask;
    uint32_t cc = x86_cc_szp(r, bits);
    if (a < b)
        cc |= X86_CF;
    if ((a ^ b ^ r) & 0x10)
        cc |= X86_AF;
    if ((((a ^ b) & (a ^ r)) >> (bits - 1)) & 1)
        cc |= X86_OF;
    return cc;
}

/* ---------------------------------------------------------------------- */
/* signals                                                                 */

static uint32_t helper_raise(CPUX86State *env, uint32_t eip, uint32_t signo, uint32_t code,
                             uint32_t addr)
{
    env->eip = eip;
    cpu_raise(env, (int)signo, (int)code, addr);
}

static const IRHelper x86_raise_helper = {"raise", helper_raise, 4, 0, HF_ALL};

int x86_helper_raise_id(void)
{
    static int id = -1;
    if (id < 0)
        id = ir_helper_register(&x86_raise_helper);
    return id;
}

/* #GP from a helper (bad selector ...): SIGSEGV, SI_KERNEL, addr 0. */
_Noreturn static void helper_gp(CPUX86State *env)
{
    cpu_raise(env, SIGSEGV, X86_SI_KERNEL, 0);
}

/* ---------------------------------------------------------------------- */
/* EFLAGS                                                                  */

static uint32_t helper_pushf(CPUX86State *env, uint32_t a0, uint32_t a1, uint32_t a2, uint32_t a3)
{
    return x86_get_eflags(env);
}

/* a0 = popped value, a1 = operand size in bytes. */
static uint32_t helper_popf(CPUX86State *env, uint32_t v, uint32_t bytes, uint32_t a2, uint32_t a3)
{
    if (bytes == 2)
        v = (x86_get_eflags(env) & 0xffff0000u) | (v & 0xffff);
    x86_set_eflags(env, v);
    return 0;
}

/* ---------------------------------------------------------------------- */
/* cpuid, time stamp counter                                               */

static uint32_t helper_cpuid(CPUX86State *env, uint32_t a0, uint32_t a1, uint32_t a2, uint32_t a3)
{
    uint32_t out[4];
    x86_cpuid(env->regs[R_EAX], env->regs[R_ECX], out);
    env->regs[R_EAX] = out[0];
    env->regs[R_EBX] = out[1];
    env->regs[R_ECX] = out[2];
    env->regs[R_EDX] = out[3];
    return 0;
}

static uint64_t host_tsc(void)
{
#if defined(__x86_64__) || defined(__i386__)
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (uint64_t)hi << 32 | lo;
#else
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
#endif
}

static uint32_t helper_rdtsc(CPUX86State *env, uint32_t a0, uint32_t a1, uint32_t a2, uint32_t a3)
{
    uint64_t t = host_tsc();
    env->regs[R_EAX] = (uint32_t)t;
    env->regs[R_EDX] = (uint32_t)(t >> 32);
    return 0;
}

static uint32_t helper_rdtscp(CPUX86State *env, uint32_t a0, uint32_t a1, uint32_t a2, uint32_t a3)
{
    helper_rdtsc(env, 0, 0, 0, 0);
    env->regs[R_ECX] = 0; /* IA32_TSC_AUX: cpu 0 */
    return 0;
}

/* ---------------------------------------------------------------------- */
/* segment registers                                                       */

/* Linux GDT: the set_thread_area TLS entries (cpu.h); flat user code/data
 * selectors of the i386 kernel (0x73/0x7b) and of x86-64 compat (0x23/0x2b). */
#define X86_GDT_TLS_MIN X86_GDT_TLS_FIRST
#define X86_GDT_TLS_MAX (X86_GDT_TLS_FIRST + X86_GDT_TLS_COUNT - 1)

static bool flat_data_sel(uint32_t sel)
{
    return (sel | 3) == 0x7b || (sel | 3) == 0x2b;
}
static bool flat_code_sel(uint32_t sel)
{
    return (sel | 3) == 0x73 || (sel | 3) == 0x23;
}

/* a0 = segment register (R_ES..R_GS), a1 = selector.  #GP for anything
 * the Linux GDT does not hold. */
static uint32_t helper_load_seg(CPUX86State *env, uint32_t seg, uint32_t sel, uint32_t a2,
                                uint32_t a3)
{
    uint32_t base = 0;
    sel &= 0xffff;
    uint32_t idx = sel >> 3;
    if ((sel & ~3u) == 0) {
        if (seg == R_SS || seg == R_CS)
            helper_gp(env);
    } else if (sel & 4) {
        helper_gp(env); /* no LDT */
    } else if (idx >= X86_GDT_TLS_MIN && idx <= X86_GDT_TLS_MAX) {
        uint32_t i = idx - X86_GDT_TLS_MIN;
        if (!(env->tls_flags[i] & 1) || (seg == R_SS && (sel & 3) != 3))
            helper_gp(env);
        base = env->tls_base[i];
    } else if (seg == R_SS) {
        if (!flat_data_sel(sel) || (sel & 3) != 3)
            helper_gp(env);
    } else if (!flat_data_sel(sel) && !flat_code_sel(sel)) {
        helper_gp(env);
    }
    env->seg_sel[seg] = (uint16_t)sel;
    env->seg_base[seg] = base;
    return 0;
}

static uint32_t helper_get_seg(CPUX86State *env, uint32_t seg, uint32_t a1, uint32_t a2,
                               uint32_t a3)
{
    return env->seg_sel[seg % X86_NSEG];
}

/* lar/lsl/verr/verw.  The descriptors are those of the Linux GDT as
 * xlat models it: flat 32-bit user code (0x23/0x73) and data (0x2b/0x7b),
 * both with the accessed bit set as Linux builds them, and the TLS entries
 * as set_thread_area fills them (writable data, accessed, "useable" set as
 * glibc asks).  Anything else reads as invisible: ZF=0. */
static uint32_t helper_selinfo(CPUX86State *env, uint32_t kind, uint32_t sel, uint32_t old,
                               uint32_t a3)
{
    uint32_t ar = 0, limit = 0; /* ar: bits 8..23 of the descriptor's high word */
    uint32_t idx = (sel & 0xffff) >> 3;
    bool ok = true;
    if ((sel & 0xffff) < 4 || (sel & 4)) {
        ok = false;
    } else if (flat_code_sel(sel)) {
        ar = 0x00cffb00, limit = 0xffffffff;
    } else if (flat_data_sel(sel)) {
        ar = 0x00cff300, limit = 0xffffffff;
    } else if (idx >= X86_GDT_TLS_MIN && idx <= X86_GDT_TLS_MAX &&
               (env->tls_flags[idx - X86_GDT_TLS_MIN] & 1)) {
        uint32_t i = idx - X86_GDT_TLS_MIN, f = env->tls_flags[i];
        limit = env->tls_limit[i] & 0xfffff;
        ar = 0x0010f300 | (limit & 0xf0000) | (f & 2 ? 0x400000 : 0) | (f & 4 ? 0x800000 : 0);
        if (f & 4)
            limit = limit << 12 | 0xfff;
    } else {
        ok = false;
    }
    if (ok && kind == X86_SEL_VERW && flat_code_sel(sel))
        ok = false;
    env->cc = ok ? env->cc | X86_ZF : env->cc & ~X86_ZF;
    if (!ok)
        return old;
    return kind == X86_SEL_LAR ? ar : kind == X86_SEL_LSL ? limit : old;
}

/* ---------------------------------------------------------------------- */
/* BCD adjusts (SDM pseudo-code; undefined flags as noted)                 */

static void set_al(CPUX86State *env, uint32_t al)
{
    env->regs[R_EAX] = (env->regs[R_EAX] & ~0xffu) | (al & 0xff);
}

static void set_ax(CPUX86State *env, uint32_t ax)
{
    env->regs[R_EAX] = (env->regs[R_EAX] & ~0xffffu) | (ax & 0xffff);
}

/* OF undefined: 0. */
static uint32_t helper_daa(CPUX86State *env, uint32_t a0, uint32_t a1, uint32_t a2, uint32_t a3)
{
    uint32_t al = env->regs[R_EAX] & 0xff, old_al = al;
    bool old_cf = env->cc & X86_CF, af = false, cf = false;
    if ((al & 0xf) > 9 || (env->cc & X86_AF)) {
        al = (al + 6) & 0xff;
        af = true;
    }
    if (old_al > 0x99 || old_cf) {
        al = (al + 0x60) & 0xff;
        cf = true;
    }
    set_al(env, al);
    env->cc = x86_cc_szp(al, 8) | (af ? X86_AF : 0) | (cf ? X86_CF : 0);
    return 0;
}

static uint32_t helper_das(CPUX86State *env, uint32_t a0, uint32_t a1, uint32_t a2, uint32_t a3)
{
    uint32_t al = env->regs[R_EAX] & 0xff, old_al = al;
    bool old_cf = env->cc & X86_CF, af = false, cf = false;
    if ((al & 0xf) > 9 || (env->cc & X86_AF)) {
        cf = old_cf || al < 6;
        al = (al - 6) & 0xff;
        af = true;
    }
    if (old_al > 0x99 || old_cf) {
        al = (al - 0x60) & 0xff;
        cf = true;
    }
    set_al(env, al);
    env->cc = x86_cc_szp(al, 8) | (af ? X86_AF : 0) | (cf ? X86_CF : 0);
    return 0;
}

/* aaa/aas: only AF and CF are defined; SF ZF PF OF follow AL (our choice). */
static uint32_t helper_aaa(CPUX86State *env, uint32_t a0, uint32_t a1, uint32_t a2, uint32_t a3)
{
    uint32_t ax = env->regs[R_EAX] & 0xffff;
    bool adj = (ax & 0xf) > 9 || (env->cc & X86_AF);
    if (adj)
        ax += 0x106;
    ax = (ax & 0xff00) | (ax & 0x0f);
    set_ax(env, ax);
    env->cc = x86_cc_szp(ax, 8) | (adj ? X86_AF | X86_CF : 0);
    return 0;
}

static uint32_t helper_aas(CPUX86State *env, uint32_t a0, uint32_t a1, uint32_t a2, uint32_t a3)
{
    uint32_t ax = env->regs[R_EAX] & 0xffff;
    bool adj = (ax & 0xf) > 9 || (env->cc & X86_AF);
    if (adj) {
        ax = (ax - 6) & 0xffff;
        ax = (ax - 0x100) & 0xffff;
    }
    ax = (ax & 0xff00) | (ax & 0x0f);
    set_ax(env, ax);
    env->cc = x86_cc_szp(ax, 8) | (adj ? X86_AF | X86_CF : 0);
    return 0;
}

/* aam base (base != 0, checked at translation): OF AF CF undefined: 0. */
static uint32_t helper_aam(CPUX86State *env, uint32_t base, uint32_t a1, uint32_t a2, uint32_t a3)
{
    uint32_t al = env->regs[R_EAX] & 0xff;
    uint32_t ax = (al / base) << 8 | (al % base);
    set_ax(env, ax);
    env->cc = x86_cc_szp(ax, 8);
    return 0;
}

/* aad base: AL = AL + AH * base; AH = 0.  OF AF CF undefined: those of the
 * 8-bit add, which is what Intel parts give. */
static uint32_t helper_aad(CPUX86State *env, uint32_t base, uint32_t a1, uint32_t a2, uint32_t a3)
{
    uint32_t al = env->regs[R_EAX] & 0xff, ah = (env->regs[R_EAX] >> 8) & 0xff;
    uint32_t b = (ah * base) & 0xff, r = (al + b) & 0xff;
    uint32_t cc = x86_cc_szp(r, 8);
    if (al + b > 0xff)
        cc |= X86_CF;
    if ((al ^ b ^ r) & 0x10)
        cc |= X86_AF;
    if ((~(al ^ b) & (al ^ r)) & 0x80)
        cc |= X86_OF;
    set_ax(env, r);
    env->cc = cc;
    return 0;
}

/* ---------------------------------------------------------------------- */
/* cmpxchg8b, bound                                                        */

/* cmpxchg8b m64: the destination is always written (the old value on
 * failure), so a read-only page faults either way, before any register
 * changes. */
static uint32_t helper_cmpxchg8b(CPUX86State *env, uint32_t ea, uint32_t a1, uint32_t a2,
                                 uint32_t a3)
{
    uint32_t lo, hi;
    memcpy(&lo, g2h(ea), 4);
    memcpy(&hi, g2h(ea + 4), 4);
    bool eq = lo == env->regs[R_EAX] && hi == env->regs[R_EDX];
    uint32_t nlo = eq ? env->regs[R_EBX] : lo, nhi = eq ? env->regs[R_ECX] : hi;
    memcpy(g2h(ea), &nlo, 4);
    memcpy(g2h(ea + 4), &nhi, 4);
    if (eq) {
        env->cc |= X86_ZF;
    } else {
        env->cc &= ~X86_ZF;
        env->regs[R_EAX] = lo;
        env->regs[R_EDX] = hi;
    }
    return 0;
}

/* bound: index and bounds already sign-extended; out of range is #BR,
 * which Linux delivers as SIGSEGV (SI_KERNEL). */
static uint32_t helper_bound(CPUX86State *env, uint32_t idx, uint32_t lo, uint32_t hi, uint32_t a3)
{
    if ((int32_t)idx < (int32_t)lo || (int32_t)idx > (int32_t)hi)
        helper_gp(env);
    return 0;
}

/* ---------------------------------------------------------------------- */
/* registry                                                                */

#define HF_REGS_CC (HF_READ_GLOBALS | HF_WRITE_GLOBALS | HF_READ_CC | HF_WRITE_CC)

static const IRHelper x86_misc_helpers[X86H_NMISC] = {
    [X86H_PUSHF] = {"pushf", helper_pushf, 0, 1, HF_READ_GLOBALS | HF_READ_CC},
    [X86H_POPF] = {"popf", helper_popf, 2, 0, HF_REGS_CC},
    [X86H_CPUID] = {"cpuid", helper_cpuid, 0, 0, HF_READ_GLOBALS | HF_WRITE_GLOBALS},
    [X86H_RDTSC] = {"rdtsc", helper_rdtsc, 0, 0, HF_READ_GLOBALS | HF_WRITE_GLOBALS},
    [X86H_RDTSCP] = {"rdtscp", helper_rdtscp, 0, 0, HF_READ_GLOBALS | HF_WRITE_GLOBALS},
    [X86H_LOAD_SEG] = {"load_seg", helper_load_seg, 2, 0, HF_ALL},
    [X86H_GET_SEG] = {"get_seg", helper_get_seg, 1, 1, 0},
    [X86H_DAA] = {"daa", helper_daa, 0, 0, HF_REGS_CC},
    [X86H_DAS] = {"das", helper_das, 0, 0, HF_REGS_CC},
    [X86H_AAA] = {"aaa", helper_aaa, 0, 0, HF_REGS_CC},
    [X86H_AAS] = {"aas", helper_aas, 0, 0, HF_REGS_CC},
    [X86H_AAM] = {"aam", helper_aam, 1, 0, HF_REGS_CC},
    [X86H_AAD] = {"aad", helper_aad, 1, 0, HF_REGS_CC},
    [X86H_CMPXCHG8B] = {"cmpxchg8b", helper_cmpxchg8b, 1, 0, HF_ALL},
    [X86H_SELINFO] = {"selinfo", helper_selinfo, 3, 1, HF_READ_CC | HF_WRITE_CC},
    [X86H_BOUND] = {"bound", helper_bound, 3, 0, HF_READ_GLOBALS | HF_READ_CC | HF_SYNC},
};

int x86_helper_misc_id(int which)
{
    static int ids[X86H_NMISC];
    static bool done[X86H_NMISC];
    if (!done[which]) {
        ids[which] = ir_helper_register(&x86_misc_helpers[which]);
        done[which] = true;
    }
    return ids[which];
}
