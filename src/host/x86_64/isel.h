/*
 * isel.h - state shared by the x86-64 emitter's instruction selection
 * (isel.c), register allocator (regalloc.c) and backend glue (backend.c)
 * while one IR block is compiled.
 *
 * Where values live while a block runs:
 *  - pinned globals (EAX..EDI) in their host registers (target.h);
 *  - other globals (EIP, segment bases, DF) in env at ir_global_offset[];
 *  - temps in a pool register, or in an env->spill[] slot when evicted, or
 *    both (in_mem says the slot is up to date);
 *  - guest CC in the host EFLAGS (cc_where == CCW_HOST) or in env->cc
 *    (CCW_ENV).  Every change of cc_where gets a pc map entry, so a fault can
 *    find the flags.
 * At labels all temps are in memory and CC is in the host flags (when live).
 */
#ifndef XLAT_HOST_X86_64_ISEL_H
#define XLAT_HOST_X86_64_ISEL_H

#include <stdbool.h>
#include <stdint.h>

#include "exec/exec.h"
#include "host/x86_64/encode.h"
#include "ir/ir.h"

enum { CCW_HOST = 0, CCW_ENV = 1 };

#define X64_NSPILL 31          /* env->spill[31] is a scratch slot */
#define X64_SCRATCH_SLOT 31
#define X64_MAX_FIXUPS 256

typedef struct TempLoc {
    int8_t reg;       /* host register or -1 */
    int8_t slot;      /* spill slot or -1 */
    bool in_mem;      /* the slot holds the value */
    int16_t last_use; /* last op reading it, -1 if none */
    uint16_t nuses;
} TempLoc;

/* an operand as the host sees it */
enum { OPND_REG, OPND_MEM, OPND_IMM };
typedef struct X64Opnd {
    int kind;
    int reg;
    X64Mem mem;
    uint32_t imm;
} X64Opnd;

/* a 32-bit address expression base + index*scale + disp for lea (isel.c);
 * base and index are pinned guest registers or IR_NOVAL */
typedef struct X64Addr {
    IRVal base, index;
    int scale;
    uint32_t disp;
} X64Addr;

typedef struct EmitCtx {
    CodeBuf cb;
    const IRBlock *ir;
    TB *tb;
    int cur;                    /* op being emitted */
    /* register allocation */
    IRVal reg_temp[X64_NREGS];  /* temp held by a pool register */
    uint32_t locked;            /* registers in use by the current op */
    uint32_t bound;             /* pool registers with reg_temp[r] != IR_NOVAL */
    uint32_t slots_used;
    TempLoc t[IR_MAX_VALS];
    /* flags */
    int cc_where;
    /* labels */
    int nfix;
    struct { int label; uint32_t at; } fix[X64_MAX_FIXUPS];
    int16_t label_op[IR_MAX_OPS];  /* op index of each label */
    int direct_op;              /* goto_tb whose slot is a brcond's jcc, or -1 */
    uint32_t direct_at;         /* ... and that jcc's rel32 */
    /* pc map */
    TBPcMap *pcmap;
    uint32_t npcmap, pcmap_cap;
    uint32_t insn_pc;
    bool eip_written;
    bool error;                 /* unsupported construct: give up on the block */
    /* address arithmetic folded into the next op's lea (isel.c) */
    IRVal pend_t;               /* temp not computed yet, or IR_NOVAL */
    X64Addr pend;               /* its value */
    int pend_op;                /* the op that reads it */
    int eip_reg, eip_reg_op;    /* host register that op eip_reg_op stored to EIP */
    bool eip_deferred;          /* ... without the store: goto_ptr does it on a miss */
    bool fp_ready;              /* the guest FP state is live in the host FPU here */
    uint8_t xmm_cached;         /* host xmmN holds guest xmmN (isel_sse.c) */
    uint8_t xmm_dirty;          /* ... and env->xmm[N] is older (subset of cached) */
    /* shared code */
    const uint8_t *epilogue_cc;    /* store regs, save host flags to env->cc, return */
    const uint8_t *epilogue_nocc;  /* store regs, return (env->cc already right) */
    /* the shared halves of exit stubs (backend.c x64_gen_exit_stubs); [2]:
     * 0 = CC in the host flags, 1 = CC in env */
    const uint8_t *exit_chain[2]; /* called with data: pc, TB *, slot */
    const uint8_t *exit_at_pc;    /* called with data: pc; CC in host flags */
    /* the jump-cache probe of r8 for returns that the shadow stack did not
     * predict (backend.c); CC in host flags */
    const uint8_t *probe_shared;
    uint32_t insn_len;            /* length of the guest instruction insn_pc */
} EmitCtx;

/* Offsets of the exit stubs' data after their call (backend.c) */
enum { X64_STUB_PC = 2, X64_STUB_TB = 8, X64_STUB_SLOT = 18 };

/* regalloc.c */
void ra_init(EmitCtx *c);
void ra_end_op(EmitCtx *c);
int ra_alloc(EmitCtx *c);                     /* a locked scratch pool register */
int ra_in_reg(EmitCtx *c, IRVal v);           /* v in a register (locked) */
X64Opnd ra_opnd(EmitCtx *c, IRVal v);         /* v as reg, [mem] or imm (reg locked) */
X64Opnd ra_opnd_rm(EmitCtx *c, IRVal v);      /* as ra_opnd, constants in a register */
int ra_def_temp(EmitCtx *c, IRVal v);         /* fresh register for temp v */
void ra_flush(EmitCtx *c);                    /* store live temps (before branches) */
void ra_forget(EmitCtx *c);                   /* drop register copies (at labels) */
void ra_spill_caller_saved(EmitCtx *c);       /* before a helper call */
void ra_unbind_caller_saved(EmitCtx *c);      /* after it */
bool ra_is_pinned(IRVal v);
int ra_pinned_reg(IRVal v);
X64Mem ra_env(int off);                       /* [env + off] */
X64Mem ra_slot_mem(int slot);
bool ra_temp_dead_after(EmitCtx *c, IRVal v);

/* isel.c */
/* The jump-cache probe of guest pc r8, flag-free (guest ECX parked in r11):
 * a hit jumps to one of hit[] (then x64_emit_probe_hit enters the TB), a
 * miss falls through with rcx restored (cc_in_env: CC goes from env->cc
 * into the host flags before the jump). */
void x64_emit_probe(CodeBuf *cb, uint32_t hit[2]);
void x64_emit_probe_hit(CodeBuf *cb, const uint32_t hit[2], bool cc_in_env);
void isel_op(EmitCtx *c, const IROp *op);
int isel_block(EmitCtx *c);                  /* 0, -1: buffer full, -2: bad block */
void cc_set_where(EmitCtx *c, int where);
TBPcMap *pcmap_here(EmitCtx *c); /* the pc map entry for code emitted from here */
void cc_save(EmitCtx *c);
void cc_restore(EmitCtx *c);
int out_begin(EmitCtx *c, IRVal out, uint32_t avoid); /* register to compute out into */
void out_end(EmitCtx *c, IRVal out, int r);            /* move it where out lives */
X64Mem guest_addr(EmitCtx *c, IRVal a);                /* [r15 + guest address] */

/* isel_fp.c: an x87 helper call emitted as the host instruction itself;
 * false when the call must stay a call */
bool isel_fp_call(EmitCtx *c, const IROp *op);
void isel_fp_ensure(EmitCtx *c); /* call *env->fp_enter unless done in this stretch */
void isel_fp_block_start(EmitCtx *c); /* FP TBs (isel_fp.c): before the exit check */
void isel_fp_block_end(EmitCtx *c);   /* ... after the block: host_fast */
void *x64_fp_chain_target(const TB *from, const TB *to); /* backend.c x64_chain */
/* isel_sse.c: the same for MMX/SSE helper calls */
bool isel_sse_call(EmitCtx *c, const IROp *op);
/* op is a native SSE instruction with its memory operand at guest address t */
bool isel_sse_addr_use(const EmitCtx *c, const IROp *op, IRVal t);
bool isel_sse_native(const EmitCtx *c, const IROp *op); /* runs as the host insn */

/* fpstate.c: the guest FP state live in the host FPU (see there) */
struct CPUX86State;
extern const uint8_t *x64_fp_fill_stub, *x64_fp_ret_stub;
void x64_fp_gen_stubs(CodeBuf *cb);
void x64_fp_spill(struct CPUX86State *env);
void x64_fp_recover(struct CPUX86State *env, const void *fxsave64_image);
void x64_fp_recover_xmm(struct CPUX86State *env, const void *fxsave64_image, unsigned mask);
void x64_fp_attach(struct CPUX86State *env);

/* backend.c: the guest pc of a host pc inside generated code */
const TBPcMap *x64_host_pcmap(uintptr_t host_pc);
const TBPcMap *x64_host_pcmap32(uint32_t host_pc_lo);

#endif
