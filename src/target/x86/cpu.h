/*
 * cpu.h - the i386 guest CPU state.
 *
 * One CPUX86State per guest thread. Generated code (both backends) reads and
 * writes it at fixed offsets, so every field that generated code touches has
 * a _Static_assert on its offset below; reorder nothing without updating them.
 *
 * Invariants:
 *  - regs[] holds EAX..EDI in encoding order (EAX=0, ECX=1, EDX=2, EBX=3,
 *    ESP=4, EBP=5, ESI=6, EDI=7) whenever C code (exec loop, helpers flagged
 *    HF_SYNC, syscalls, signal handling) looks at them.
 *  - cc holds the guest status flags OF SF ZF AF PF CF in their EFLAGS bit
 *    positions (mask X86_CC_MASK); other bits of cc are zero.
 *  - df is +1 when EFLAGS.DF=0 and -1 when DF=1 (string op stride sign).
 *  - eflags_rest holds the other guest-visible EFLAGS bits (ID, AC), without
 *    the status flags and DF; bit 1 (always 1) is added when EFLAGS is built.
 */
#ifndef XLAT_TARGET_X86_CPU_H
#define XLAT_TARGET_X86_CPU_H

#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { R_EAX, R_ECX, R_EDX, R_EBX, R_ESP, R_EBP, R_ESI, R_EDI };
enum { R_ES, R_CS, R_SS, R_DS, R_FS, R_GS, X86_NSEG };

/* EFLAGS bits */
#define X86_CF 0x0001u
#define X86_PF 0x0004u
#define X86_AF 0x0010u
#define X86_ZF 0x0040u
#define X86_SF 0x0080u
#define X86_TF 0x0100u
#define X86_IF 0x0200u
#define X86_DF 0x0400u
#define X86_OF 0x0800u
#define X86_AC 0x40000u
#define X86_ID 0x200000u
#define X86_FSW_TOP_SHIFT 11

/* GDT entries that set_thread_area hands out: 12..14, as an x86-64 host
 * kernel gives 32-bit processes (the native run is the oracle; an i386
 * kernel would use 6..8).  Selector = entry << 3 | 3. */
#define X86_GDT_TLS_FIRST 12
#define X86_GDT_TLS_COUNT 3
#define X86_CC_MASK (X86_CF | X86_PF | X86_AF | X86_ZF | X86_SF | X86_OF)

/* Why generated code or a helper returned to the exec loop. */
enum x86_exit {
    EXIT_NORMAL = 0,  /* env->eip holds the next guest pc */
    EXIT_CHAIN,       /* like NORMAL; env->exit_tb/exit_slot ask for chaining */
    EXIT_SYSCALL,     /* int 0x80: env->eip is past the int instruction */
    EXIT_EXCEPTION,   /* env->exc_signo/code/addr describe a guest signal;
                         env->eip is the faulting (or trapping) pc */
    EXIT_HALT,        /* the guest process ends (exit_group done) */
};

typedef struct CPUX86State {
    uint32_t regs[8];          /* EAX..EDI */
    uint32_t eip;
    uint32_t cc;               /* status flags, EFLAGS layout, X86_CC_MASK */
    int32_t df;                /* +1 or -1 */
    uint32_t eflags_rest;      /* AC, ID (never TF/IF/IOPL) */
    uint32_t seg_base[X86_NSEG];
    uint16_t seg_sel[X86_NSEG];

    /* exit protocol, written by generated code and helpers */
    uint32_t exit_reason;      /* enum x86_exit */
    uint32_t exit_slot;        /* EXIT_CHAIN: which goto_tb slot */
    void *exit_tb;             /* EXIT_CHAIN: the TB that exited */
    int32_t exc_signo;         /* EXIT_EXCEPTION: guest signal number */
    int32_t exc_code;          /* si_code */
    uint32_t exc_addr;         /* si_addr */

    /* used by generated code */
    uint64_t guest_base;       /* host address of guest address 0 */
    void *jmp_cache;           /* struct TB *[TB_JMP_CACHE_SIZE] */
    void *jmp_probe;           /* the table goto_ptr probes: jmp_cache, or
                                  an empty one while exit_request is set */
    uint64_t spill[32];        /* emitter spill slots */
    uint64_t host_sp;          /* host rsp at entry to generated code */

    /* thread-local storage: the three GDT TLS slots (set_thread_area) */
    uint32_t tls_base[3];
    uint32_t tls_limit[3];
    uint8_t tls_flags[3];      /* bit0 present, bit1 seg_32bit, bit2 limit_in_pages */

    /* user mode */
    uint32_t tid;
    uint32_t clear_child_tid;  /* set_tid_address */
    uint32_t robust_list, robust_list_len;
    sigjmp_buf jmp_env;        /* cpu_raise() unwinds here */
    void *opaque;              /* owner (linux-user per-thread state) */

    /* ---- x87 FPU (and MMX, which aliases it) ----
     * fpr[] are the PHYSICAL registers R0..R7; ST(i) is fpr[(ftop + i) & 7].
     * An MMX register MMi is fpr[i].mant, and writing one sets fpr[i].sexp to
     * 0xffff, ftop to 0 and every tag to valid, as the hardware does. */
    struct X86Float80 {
        uint64_t mant;         /* significand, explicit integer bit 63 */
        uint16_t sexp;         /* sign (bit 15) and 15-bit biased exponent */
    } fpr[8];
    uint16_t fcs, fop;         /* FIP selector; last non-control opcode (11 bits):
                                  adjacent, generated code stores both at once */
    uint16_t fcw;              /* control word */
    uint16_t fsw;              /* status word with TOP (bits 11-13) kept 0 */
    uint8_t ftop;              /* TOP, 0..7 */
    uint8_t fptag_empty;       /* bit i set: physical register i is empty */
    uint32_t fip, fdp;         /* last instruction / data pointer */
    uint16_t fds;
    uint8_t fpu_exc_pending;   /* an unmasked x87 exception waits for the next
                                  waiting x87 instruction (SIGFPE there) */

    /* ---- SSE ---- */
    union X86Xmm {
        uint8_t b[16];
        uint16_t w[8];
        uint32_t d[4];
        uint64_t q[2];
    } xmm[8] __attribute__((aligned(16)));
    uint32_t mxcsr;

    /* Set (to 1) from a host signal handler or another thread to make the
     * running generated code return to the exec loop soon: every TB checks
     * it on entry, so even a guest spinning in a chained loop comes back. */
    volatile uint32_t exit_request;

    /* ---- floating-point state live in the host FPU ----
     * The x86-64 emitter runs guest x87 and MMX instructions as the same
     * host instructions (src/host/x86_64/fpstate.c): while fp_live is 1 the
     * host x87 registers, status, control and tag words and the host MXCSR
     * ARE the guest's, and the fields above (fpr .. fpu_exc_pending, mxcsr)
     * are stale.  C code that reads or writes those fields calls
     * x86_fp_sync() first.  Generated code calls *fp_enter before its first
     * native FP instruction: a plain return while fp_live, else a stub that
     * loads the state (fp_area is its fxsave64 image buffer). */
    uint32_t fp_live;
    const void *fp_enter;
    uint8_t fp_area[512] __attribute__((aligned(64)));

    /* x86-64 emitter, return prediction (backend.c): the host rsp of an
     * empty shadow stack of guest calls, where its sentinel lies. */
    uint64_t shadow_top;
} CPUX86State;

/* Offsets used by generated code and the IR global table. */
_Static_assert(offsetof(CPUX86State, regs) == 0, "regs at 0");
_Static_assert(offsetof(CPUX86State, eip) == 32, "eip");
_Static_assert(offsetof(CPUX86State, cc) == 36, "cc");
_Static_assert(offsetof(CPUX86State, df) == 40, "df");
_Static_assert(offsetof(CPUX86State, eflags_rest) == 44, "eflags_rest");
_Static_assert(offsetof(CPUX86State, seg_base) == 48, "seg_base");
_Static_assert(offsetof(CPUX86State, fop) == offsetof(CPUX86State, fcs) + 2 &&
                   offsetof(CPUX86State, fcs) % 4 == 0,
               "fcs and fop form one aligned 32-bit word");

/* Ask the CPU running env to come back to the exec loop soon (from a host
 * signal handler or another thread).  Every TB entered by a backward jump
 * tests exit_request; indirect jumps (goto_ptr) enter TBs past that test
 * and instead stop finding anything in the jump cache, so they leave too.
 * The exec loop clears both (cpu_exec.c). */
extern void *cpu_no_jmp_cache[]; /* TB_JMP_CACHE_SIZE NULLs */
static inline void cpu_request_exit(CPUX86State *env)
{
    env->exit_request = 1;
    env->jmp_probe = cpu_no_jmp_cache;
}

/* Whole EFLAGS as pushf would push it. */
static inline uint32_t x86_get_eflags(const CPUX86State *env)
{
    return (env->cc & X86_CC_MASK) | (env->df < 0 ? X86_DF : 0) | env->eflags_rest | 0x2 |
           X86_IF;
}

/* popf from user mode: status flags, DF, AC and ID change; others stay. */
static inline void x86_set_eflags(CPUX86State *env, uint32_t v)
{
    env->cc = v & X86_CC_MASK;
    env->df = (v & X86_DF) ? -1 : 1;
    env->eflags_rest = v & (X86_AC | X86_ID);
}

/* Unwind from a helper to the exec loop with a guest signal.  env->eip must
 * already be the pc the guest will see (the helper's HF_SYNC contract). */
_Noreturn void cpu_raise(CPUX86State *env, int signo, int code, uint32_t addr);

/* Set by a backend that keeps FP state live in the host FPU: stores it back
 * into env (fpr .. mxcsr) and clears fp_live. */
extern void (*x86_fp_spill)(CPUX86State *env);

static inline void x86_fp_sync(CPUX86State *env)
{
    if (env->fp_live)
        x86_fp_spill(env);
}

/* Set (by linux-user, once, before a second guest thread runs) to translate
 * LOCK-prefixed read-modify-writes and xchg with memory as host atomics. */
extern bool x86_atomic_mode;

#endif
