/*
 * target.h - register roles of the x86-64 emitter.
 *
 * While generated code runs, the eight guest GPRs live in fixed host
 * registers (guest EAX in rax, ECX in rcx, ... so that mul, div and shifts by
 * CL map directly), r14 holds the CPUX86State pointer and r15 the guest
 * memory base.  The remaining registers (r8-r11, r13) hold IR temps and
 * scratch values; they carry nothing across block boundaries.
 *
 * Invariant: every host register holding a 32-bit guest value (pinned guest
 * registers, temps) has its upper 32 bits zero, so [r15 + reg] is the host
 * address of a guest address held in reg.
 */
#ifndef XLAT_HOST_X86_64_TARGET_H
#define XLAT_HOST_X86_64_TARGET_H

enum {
    X64_RAX, X64_RCX, X64_RDX, X64_RBX, X64_RSP, X64_RBP, X64_RSI, X64_RDI,
    X64_R8, X64_R9, X64_R10, X64_R11, X64_R12, X64_R13, X64_R14, X64_R15,
    X64_NREGS
};

#define HOST_REG_ENV X64_R14   /* CPUX86State *env */
#define HOST_REG_GBASE X64_R15 /* guest_base */

/* host register of guest register r (R_EAX..R_EDI) */
static const int host_guest_reg[8] = {
    X64_RAX, X64_RCX, X64_RDX, X64_RBX, X64_R12, X64_RBP, X64_RSI, X64_RDI,
};

/* registers for IR temps and scratch values, in allocation order */
#define HOST_NPOOL 5
static const int host_pool_regs[HOST_NPOOL] = {X64_R8, X64_R9, X64_R10, X64_R11, X64_R13};

/* registers a C call clobbers (SysV) */
#define HOST_CALLER_SAVED                                                                          \
    ((1u << X64_RAX) | (1u << X64_RCX) | (1u << X64_RDX) | (1u << X64_RSI) | (1u << X64_RDI) |    \
     (1u << X64_R8) | (1u << X64_R9) | (1u << X64_R10) | (1u << X64_R11))

#endif
