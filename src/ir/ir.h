/*
 * ir.h - the intermediate representation between the x86 translator and the
 * backends (x86-64 emitter, interpreter).
 *
 * A block (IRBlock) is a linear list of ops (IROp) for one translation block:
 * straight-line code with forward branches to labels inside the block, and
 * exits (goto_tb, goto_ptr, exit_tb, raise) that leave it.  Ops are defined
 * in ir-opc.h, which also gives the semantics of each.
 *
 * VALUES.  Every operand is an IRVal, an index into block->val[]:
 *   0 .. IR_NGLOBALS-1      globals: guest state in CPUX86State (EAX..EDI,
 *                           EIP, segment bases, DF); see ir_global_*
 *   IR_NGLOBALS ..          temps (IRV_TEMP) and constants (IRV_CONST),
 *                           created with ir_temp() and ir_const()
 * A temp is written by exactly one op (single assignment) before it is read,
 * and only lives inside the block; it does not survive a label (a temp
 * defined before a label may be read after it only if it was defined on
 * every path, i.e. before the first branch to that label).  Globals may be
 * written any number of times.  Constants are read-only.
 *
 * The guest status flags (CC: OF SF ZF AF PF CF) are implicit state, not a
 * value: ops with IR_F_CC read or write them, as listed in ir-opc.h.  After
 * ir_opt_cc_liveness(), op->cc_live holds the flags still needed after the
 * op; an op whose written flags are all dead may skip computing flags.
 *
 * EXAMPLE.  "add eax, [ebx+4]" at 0x8048000 (3 bytes):
 *     insn_start 0x8048000, 3
 *     t0 = add ebx, $4
 *     t1 = ld32 t0
 *     t2 = add_cc32 eax, t1
 *     mov eax, t2
 *
 * FAULTS.  The translator orders each guest instruction so that every op
 * that can fault (IR_F_MEM) comes before the first write of a global or of
 * CC by that instruction, except for the read-modify-write pattern
 * "ldw; <cc op>; st" where the ldw has already proven the page writable.
 * So a fault leaves the guest state of the instruction's start, which the
 * backend recovers from its map of insn_start positions.
 */
#ifndef XLAT_IR_IR_H
#define XLAT_IR_IR_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* CC masks (same bits as EFLAGS) */
#define CC_C 0x0001u
#define CC_P 0x0004u
#define CC_A 0x0010u
#define CC_Z 0x0040u
#define CC_S 0x0080u
#define CC_O 0x0800u
#define CC_ALL (CC_C | CC_P | CC_A | CC_Z | CC_S | CC_O)

/* op flags */
#define IR_F_SIZED  0x01  /* op->size is 8, 16 or 32 */
#define IR_F_MEM    0x02  /* may fault (guest memory, divide) */
#define IR_F_SIDE   0x04  /* has effects beyond its outputs; never removed */
#define IR_F_CC     0x08  /* reads or writes CC */
#define IR_F_COND   0x10  /* uses op->cond (x86 condition code 0..15) */
#define IR_F_BR     0x20  /* branches to a label */
#define IR_F_END    0x40  /* leaves the block; nothing after it runs */
#define IR_F_CALL   0x80  /* helper call */
#define IR_F_COMMUT 0x100 /* in0 and in1 may be swapped */

typedef enum IROpc {
#define DEF(name, nout, nin, naux, flags, cc_def, cc_use) IR_##name,
#include "ir-opc.h"
#undef DEF
    IR_NOPC
} IROpc;

typedef struct IROpDef {
    const char *name;
    uint8_t nout, nin, naux;
    uint16_t flags;
    uint16_t cc_def, cc_use;
} IROpDef;
extern const IROpDef ir_opdef[IR_NOPC];

/* x86 condition codes, in encoding order (jcc = 0x70 + cond) */
enum {
    CC_COND_O, CC_COND_NO, CC_COND_B, CC_COND_AE, CC_COND_E, CC_COND_NE, CC_COND_BE, CC_COND_A,
    CC_COND_S, CC_COND_NS, CC_COND_P, CC_COND_NP, CC_COND_L, CC_COND_GE, CC_COND_LE, CC_COND_G,
};
/* flags that condition `cond` reads */
uint16_t ir_cond_cc_use(int cond);
/* evaluate condition `cond` on status flags `cc` (EFLAGS layout) */
bool ir_cond_eval(int cond, uint32_t cc);

/* globals: guest state, each at a fixed offset in CPUX86State */
enum {
    IR_G_EAX, IR_G_ECX, IR_G_EDX, IR_G_EBX, IR_G_ESP, IR_G_EBP, IR_G_ESI, IR_G_EDI,
    IR_G_EIP,
    IR_G_ES_BASE, IR_G_CS_BASE, IR_G_SS_BASE, IR_G_DS_BASE, IR_G_FS_BASE, IR_G_GS_BASE,
    IR_G_DF,                   /* +1 or -1 */
    IR_NGLOBALS
};
extern const uint16_t ir_global_offset[IR_NGLOBALS]; /* offsetof(CPUX86State, ...) */
extern const char *const ir_global_name[IR_NGLOBALS];

typedef uint16_t IRVal;
#define IR_NOVAL 0xffff

enum { IRV_GLOBAL, IRV_TEMP, IRV_CONST };
typedef struct IRValInfo {
    uint8_t kind;
    uint32_t cval;            /* IRV_CONST: the value */
} IRValInfo;

typedef struct IROp {
    uint8_t opc;              /* IROpc */
    uint8_t size;             /* 8, 16, 32 */
    uint8_t cond;             /* IR_F_COND ops */
    uint8_t nin, nout;        /* from ir_opdef, or the helper for `call` */
    uint16_t cc_live;         /* flags live after this op (ir_opt_cc_liveness) */
    IRVal out[2];
    IRVal in[4];
    uint32_t aux[2];
} IROp;

#define IR_MAX_OPS 1024
#define IR_MAX_VALS 2048

typedef struct IRBlock {
    uint32_t pc;              /* guest pc of the first instruction */
    uint32_t guest_size;      /* bytes of guest code translated */
    uint32_t ninsns;
    int nops, nvals, nlabels;
    IROp op[IR_MAX_OPS];
    IRValInfo val[IR_MAX_VALS];
} IRBlock;

/* ---- helpers callable from generated code ---- */
#define HF_READ_GLOBALS  0x01 /* reads guest registers from env */
#define HF_WRITE_GLOBALS 0x02 /* writes guest registers to env */
#define HF_READ_CC       0x04 /* reads env->cc */
#define HF_WRITE_CC      0x08 /* writes env->cc */
#define HF_SYNC          0x10 /* may raise a guest signal or fault: env->eip,
                                 registers and cc must be exact in env */
#define HF_FP            0x20 /* uses the guest FP state in env: takes it back
                                 from the host FPU first (x86_fp_sync) */
#define HF_ALL (HF_READ_GLOBALS | HF_WRITE_GLOBALS | HF_READ_CC | HF_WRITE_CC | HF_SYNC)

struct CPUX86State;
typedef uint32_t (*ir_helper_fn)(struct CPUX86State *env, uint32_t a0, uint32_t a1, uint32_t a2,
                                 uint32_t a3);
typedef struct IRHelper {
    const char *name;
    ir_helper_fn fn;
    uint8_t nargs;            /* 0..4 inputs after env */
    uint8_t has_ret;          /* 1 if out[0] receives the return value */
    uint8_t flags;            /* HF_* */
} IRHelper;
/* Helpers register themselves in this table (ir.c owns it). */
int ir_helper_register(const IRHelper *h);   /* returns the helper id */
extern const IRHelper *ir_helpers[];
extern int ir_nhelpers;

/* ---- building ---- */
void ir_block_init(IRBlock *b, uint32_t pc);
IRVal ir_temp(IRBlock *b);
IRVal ir_const(IRBlock *b, uint32_t v);
int ir_new_label(IRBlock *b);
/* Append an op; fields not given are zero/IR_NOVAL.  Returns the op so the
 * caller can set cond, aux[]. nin/nout are taken from ir_opdef. */
IROp *ir_emit(IRBlock *b, IROpc opc, int size);
/* Shorthands: out = opc(in...) with size; pass IR_NOVAL for unused. */
IROp *ir_op1(IRBlock *b, IROpc opc, int size, IRVal out, IRVal in0);
IROp *ir_op2(IRBlock *b, IROpc opc, int size, IRVal out, IRVal in0, IRVal in1);
IROp *ir_op3(IRBlock *b, IROpc opc, int size, IRVal out, IRVal in0, IRVal in1, IRVal in2);
IROp *ir_call(IRBlock *b, int helper_id, IRVal out, int nargs, const IRVal *args);
bool ir_block_full(const IRBlock *b); /* true when fewer than ~64 ops or values remain */

static inline bool ir_is_const(const IRBlock *b, IRVal v) { return b->val[v].kind == IRV_CONST; }
static inline bool ir_is_global(IRVal v) { return v < IR_NGLOBALS; }

/* ---- checking, printing ---- */
/* Returns NULL if the block is well formed, else a message naming the op. */
const char *ir_validate(const IRBlock *b);
void ir_print(FILE *f, const IRBlock *b);

/* ---- optimizer (src/ir/opt_*.c) ---- */
void ir_optimize(IRBlock *b);              /* all passes in order */
void ir_opt_fold(IRBlock *b);              /* constant folding + copy propagation */
bool ir_opt_dce(IRBlock *b);               /* dead temp removal; true if a removed
                                              op read flags (cc_live may shrink) */
void ir_opt_cc_liveness(IRBlock *b);       /* fills op->cc_live */

#endif
