/*
 * translate.h - internal interface of the x86 -> IR translator, shared by
 * translate.c (decode loop, dispatch table, operand access) and the family
 * files translate_*.c (one gen_XXX function per X86Mnem family).
 *
 * Invariants every gen_XXX keeps (see the FAULTS rule in ir/ir.h):
 *  - all ops that may fault (loads, stores, divides, helpers that raise)
 *    come before the instruction's first write of a guest register global
 *    or of CC, except the fused read-modify-write shape
 *    "t = ldw A; t2 = <one cc op> t, x; st A, t2";
 *  - values are computed into temps and the globals are written last;
 *  - an instruction that leaves the block (branch, raise, exit) sets
 *    t->ended so the decode loop stops after it.
 *
 * Operand sizes given to IR ops are in bits (8, 16, 32); decoder operand
 * sizes are in bytes, so family code converts with X86_BITS().
 */
#ifndef XLAT_TARGET_X86_TRANSLATE_H
#define XLAT_TARGET_X86_TRANSLATE_H

#include <stdbool.h>
#include <stdint.h>

#include "ir/ir.h"
#include "target/x86/cpu.h"
#include "target/x86/decode.h"

#define X86_BITS(bytes) ((int)(bytes)*8)

/* si_code values the translator raises (Linux uapi siginfo.h). */
#define X86_SI_KERNEL   0x80
#define X86_ILL_ILLOPN  2
#define X86_FPE_INTDIV  1
#define X86_SEGV_MAPERR 1
#define X86_SEGV_ACCERR 2

/* Translation state of the current instruction, passed explicitly. */
typedef struct X86Trans {
    CPUX86State *env;
    IRBlock *ir;
    uint32_t pc;      /* the instruction being translated */
    uint32_t next_pc; /* pc + length */
    int adsize;       /* address size of the instruction, bytes (2 or 4) */
    bool ended;       /* the instruction ended the block */
} X86Trans;

typedef void (*X86GenFn)(X86Trans *t, const X86Insn *insn);

/* ---- operand access (translate.c) ---- */
IRVal gen_ea(X86Trans *t, const X86Operand *op);
/* The offset part only (no segment base), as lea computes it. */
IRVal gen_ea_offset(X86Trans *t, const X86Operand *op);
/* gen_ea, with `esp` standing for ESP (pop [esp+x] sees the popped ESP). */
IRVal gen_ea_esp(X86Trans *t, const X86Operand *op, IRVal esp);
/* Value of an operand, zero-extended to 32 bits for REG and MEM (a full
 * 32-bit register comes back as its global: read it before writing it).
 * ea is the operand's address for MEM (from gen_ea), ignored otherwise. */
IRVal gen_ld_op(X86Trans *t, const X86Operand *op, IRVal ea);
/* Same, but a memory operand is loaded with ldw (RMW destination). */
IRVal gen_ldw_op(X86Trans *t, const X86Operand *op, IRVal ea);
void gen_st_op(X86Trans *t, const X86Operand *op, IRVal ea, IRVal v);
/* ea of op if it is MEM, else IR_NOVAL. */
IRVal gen_ea_if_mem(X86Trans *t, const X86Operand *op);
IRVal gen_reg_read(X86Trans *t, int reg, int bytes);
void gen_reg_write(X86Trans *t, int reg, int bytes, IRVal v);
/* A temp copy of a value (to keep a register's old value across writes). */
IRVal gen_copy(X86Trans *t, IRVal v);
IRVal gen_const(X86Trans *t, uint32_t v);
IRVal gen_op2(X86Trans *t, IROpc opc, int bits, IRVal a, IRVal b);
IRVal gen_op1(X86Trans *t, IROpc opc, int bits, IRVal a);
IRVal gen_op3(X86Trans *t, IROpc opc, int bits, IRVal a, IRVal b, IRVal c);

/* ---- block exits (translate.c) ---- */
void gen_goto_tb(X86Trans *t, int slot, uint32_t dest);
void gen_jmp_indirect(X86Trans *t, IRVal dest);
/* Guest signal: EIP = eip, then signo/code/addr; ends the block. */
void gen_raise(X86Trans *t, int signo, int code, uint32_t addr, uint32_t eip);
/* SIGILL (ILL_ILLOPN) at this pc. */
void gen_illegal(X86Trans *t);
/* #GP in user mode: SIGSEGV SI_KERNEL, addr 0, EIP = pc. */
void gen_gp(X86Trans *t);
/* Call helper `helper_id` with nargs (0..4) of a0..a3; returns its result
 * temp (IR_NOVAL if it returns nothing). */
IRVal gen_helper(X86Trans *t, int helper_id, int nargs, IRVal a0, IRVal a1, IRVal a2, IRVal a3);
void gen_set_eip(X86Trans *t, uint32_t pc);

/* ---- stack (translate_stack.c) ---- */
/* Store v (bytes wide) below esp; returns the new ESP value (not written). */
IRVal gen_push_at(X86Trans *t, IRVal esp, IRVal v, int bytes);
void gen_push(X86Trans *t, IRVal v, int bytes);

/* ---- helper ids (registered in helper_*.c at first use) ---- */
int x86_helper_raise_id(void);
int x86_helper_string_id(int mnem);
int x86_helper_misc_id(int which);
enum {
    X86H_PUSHF,
    X86H_POPF,
    X86H_CPUID,
    X86H_RDTSC,
    X86H_RDTSCP,
    X86H_LOAD_SEG,
    X86H_GET_SEG,
    X86H_DAA,
    X86H_DAS,
    X86H_AAA,
    X86H_AAS,
    X86H_AAM,
    X86H_AAD,
    X86H_CMPXCHG8B,
    X86H_BOUND,
    X86H_SELINFO,
    X86H_NMISC
};
/* String helper descriptor (first argument): element size, address size,
 * rep kind, source segment. */
#define X86_STR_DESC(bytes, adsize, rep, seg)                                                      \
    ((bytes) | ((adsize) << 4) | ((rep) << 8) | ((seg) << 12))
enum { X86_STR_NOREP, X86_STR_REP, X86_STR_REPNE };

/* ---- LOCK-prefixed RMW and xchg m as host atomics (translate_atomic.c,
 * helper_atomic.c), used while x86_atomic_mode (cpu.h) is set ---- */
enum {
    X86_ATOMIC_ADD, X86_ATOMIC_OR, X86_ATOMIC_ADC, X86_ATOMIC_SBB, X86_ATOMIC_AND,
    X86_ATOMIC_SUB, X86_ATOMIC_XOR, X86_ATOMIC_INC, X86_ATOMIC_DEC, X86_ATOMIC_NEG,
    X86_ATOMIC_NOT, X86_ATOMIC_XCHG, X86_ATOMIC_XADD, X86_ATOMIC_CMPXCHG, X86_ATOMIC_BTS,
    X86_ATOMIC_BTR, X86_ATOMIC_BTC
};
/* helper_atomic's first argument: op, operand bytes, register operand. */
#define X86_ATOMIC_DESC(op, bytes, reg) ((uint32_t)(op) | (uint32_t)(bytes) << 8 | (uint32_t)(reg) << 12)
int x86_helper_atomic_id(int which); /* 0: atomic, 1: cmpxchg8b */
/* Translate insn as an atomic operation if it is a locked RMW or xchg with
 * memory and x86_atomic_mode is on; false if it is not one. */
bool gen_atomic(X86Trans *t, const X86Insn *insn);

/* ---- flag arithmetic for the C helpers (helper_misc.c) ---- */
/* SF ZF PF of a result of `bits` bits (EFLAGS layout). */
uint32_t x86_cc_szp(uint32_t r, int bits);
/* All six status flags of a - b at `bits` bits (cmp). */
uint32_t x86_cc_sub(uint32_t a, uint32_t b, int bits);

/* ---- families ---- */
/* One function per X86Mnem family, (t, insn) -> IR; grouped by file. */
/* translate_alu.c */
void gen_ADD(X86Trans *t, const X86Insn *insn);
void gen_OR(X86Trans *t, const X86Insn *insn);
void gen_ADC(X86Trans *t, const X86Insn *insn);
void gen_SBB(X86Trans *t, const X86Insn *insn);
void gen_AND(X86Trans *t, const X86Insn *insn);
void gen_SUB(X86Trans *t, const X86Insn *insn);
void gen_XOR(X86Trans *t, const X86Insn *insn);
void gen_CMP(X86Trans *t, const X86Insn *insn);
void gen_TEST(X86Trans *t, const X86Insn *insn);
void gen_INC(X86Trans *t, const X86Insn *insn);
void gen_DEC(X86Trans *t, const X86Insn *insn);
void gen_NEG(X86Trans *t, const X86Insn *insn);
void gen_NOT(X86Trans *t, const X86Insn *insn);
/* translate_muldiv.c */
void gen_MUL(X86Trans *t, const X86Insn *insn);
void gen_IMUL(X86Trans *t, const X86Insn *insn);
void gen_DIV(X86Trans *t, const X86Insn *insn);
void gen_IDIV(X86Trans *t, const X86Insn *insn);
/* translate_shift.c */
void gen_ROL(X86Trans *t, const X86Insn *insn);
void gen_ROR(X86Trans *t, const X86Insn *insn);
void gen_RCL(X86Trans *t, const X86Insn *insn);
void gen_RCR(X86Trans *t, const X86Insn *insn);
void gen_SHL(X86Trans *t, const X86Insn *insn);
void gen_SHR(X86Trans *t, const X86Insn *insn);
void gen_SAR(X86Trans *t, const X86Insn *insn);
void gen_SHLD(X86Trans *t, const X86Insn *insn);
void gen_SHRD(X86Trans *t, const X86Insn *insn);
/* translate_bit.c */
void gen_BT(X86Trans *t, const X86Insn *insn);
void gen_BTS(X86Trans *t, const X86Insn *insn);
void gen_BTR(X86Trans *t, const X86Insn *insn);
void gen_BTC(X86Trans *t, const X86Insn *insn);
void gen_BSF(X86Trans *t, const X86Insn *insn);
void gen_BSR(X86Trans *t, const X86Insn *insn);
void gen_BSWAP(X86Trans *t, const X86Insn *insn);
void gen_SETCC(X86Trans *t, const X86Insn *insn);
void gen_CMOVCC(X86Trans *t, const X86Insn *insn);
/* translate_mov.c */
void gen_MOV(X86Trans *t, const X86Insn *insn);
void gen_MOVSX(X86Trans *t, const X86Insn *insn);
void gen_MOVZX(X86Trans *t, const X86Insn *insn);
void gen_XLAT(X86Trans *t, const X86Insn *insn);
void gen_LEA(X86Trans *t, const X86Insn *insn);
void gen_XCHG(X86Trans *t, const X86Insn *insn);
void gen_XADD(X86Trans *t, const X86Insn *insn);
void gen_CMPXCHG(X86Trans *t, const X86Insn *insn);
void gen_CMPXCHG8B(X86Trans *t, const X86Insn *insn);
void gen_CBW(X86Trans *t, const X86Insn *insn);
void gen_CWD(X86Trans *t, const X86Insn *insn);
void gen_MOVSEG(X86Trans *t, const X86Insn *insn);
void gen_LDS(X86Trans *t, const X86Insn *insn);
void gen_LES(X86Trans *t, const X86Insn *insn);
void gen_LFS(X86Trans *t, const X86Insn *insn);
void gen_LGS(X86Trans *t, const X86Insn *insn);
void gen_LSS(X86Trans *t, const X86Insn *insn);
/* translate_stack.c */
void gen_PUSH(X86Trans *t, const X86Insn *insn);
void gen_POP(X86Trans *t, const X86Insn *insn);
void gen_PUSHA(X86Trans *t, const X86Insn *insn);
void gen_POPA(X86Trans *t, const X86Insn *insn);
void gen_PUSHF(X86Trans *t, const X86Insn *insn);
void gen_POPF(X86Trans *t, const X86Insn *insn);
void gen_ENTER(X86Trans *t, const X86Insn *insn);
void gen_LEAVE(X86Trans *t, const X86Insn *insn);
void gen_PUSHSEG(X86Trans *t, const X86Insn *insn);
void gen_POPSEG(X86Trans *t, const X86Insn *insn);
/* translate_ctl.c */
void gen_JMP(X86Trans *t, const X86Insn *insn);
void gen_CALL(X86Trans *t, const X86Insn *insn);
void gen_RET(X86Trans *t, const X86Insn *insn);
void gen_JCC(X86Trans *t, const X86Insn *insn);
void gen_LOOP(X86Trans *t, const X86Insn *insn);
void gen_LOOPE(X86Trans *t, const X86Insn *insn);
void gen_LOOPNE(X86Trans *t, const X86Insn *insn);
void gen_JCXZ(X86Trans *t, const X86Insn *insn);
void gen_INT(X86Trans *t, const X86Insn *insn);
void gen_INT3(X86Trans *t, const X86Insn *insn);
void gen_INTO(X86Trans *t, const X86Insn *insn);
void gen_BOUND(X86Trans *t, const X86Insn *insn);
/* translate_string.c */
void gen_MOVS(X86Trans *t, const X86Insn *insn);
void gen_CMPS(X86Trans *t, const X86Insn *insn);
void gen_STOS(X86Trans *t, const X86Insn *insn);
void gen_LODS(X86Trans *t, const X86Insn *insn);
void gen_SCAS(X86Trans *t, const X86Insn *insn);
/* translate_misc.c; gen_UD, gen_GP, gen_UNIMP in translate.c */
void gen_NOP(X86Trans *t, const X86Insn *insn);
void gen_CLC(X86Trans *t, const X86Insn *insn);
void gen_STC(X86Trans *t, const X86Insn *insn);
void gen_CMC(X86Trans *t, const X86Insn *insn);
void gen_CLD(X86Trans *t, const X86Insn *insn);
void gen_STD(X86Trans *t, const X86Insn *insn);
void gen_LAHF(X86Trans *t, const X86Insn *insn);
void gen_SAHF(X86Trans *t, const X86Insn *insn);
void gen_SALC(X86Trans *t, const X86Insn *insn);
void gen_DAA(X86Trans *t, const X86Insn *insn);
void gen_DAS(X86Trans *t, const X86Insn *insn);
void gen_AAA(X86Trans *t, const X86Insn *insn);
void gen_AAS(X86Trans *t, const X86Insn *insn);
void gen_AAM(X86Trans *t, const X86Insn *insn);
void gen_AAD(X86Trans *t, const X86Insn *insn);
void gen_CPUID(X86Trans *t, const X86Insn *insn);
void gen_RDTSC(X86Trans *t, const X86Insn *insn);
void gen_RDTSCP(X86Trans *t, const X86Insn *insn);
void gen_UD(X86Trans *t, const X86Insn *insn);
void gen_GP(X86Trans *t, const X86Insn *insn);
void gen_UNIMP(X86Trans *t, const X86Insn *insn);
void gen_XGETBV(X86Trans *t, const X86Insn *insn);
void gen_ARPL(X86Trans *t, const X86Insn *insn);
void gen_LAR(X86Trans *t, const X86Insn *insn);
void gen_LSL(X86Trans *t, const X86Insn *insn);
void gen_VERR(X86Trans *t, const X86Insn *insn);
void gen_VERW(X86Trans *t, const X86Insn *insn);
/* translate_x87.c */
void gen_X87(X86Trans *t, const X86Insn *insn);
void gen_FXSAVE(X86Trans *t, const X86Insn *insn);
/* translate_sse.c: MMX/SSE..SSE4.2, popcnt, lzcnt, movbe, crc32 */
void gen_SSE(X86Trans *t, const X86Insn *insn);
/* selector queries (helper X86H_SELINFO, first argument) */
enum { X86_SEL_LAR, X86_SEL_LSL, X86_SEL_VERR, X86_SEL_VERW };

#endif
