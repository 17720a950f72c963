/*
 * interp.h - the program format shared by the interpreter's compiler
 * (interp_compile.c) and its executor (interp.c).
 *
 * A program is an array of pre-decoded InterpInsn whose operands are slot
 * indices into one frame of uint32_t values, the same layout for every
 * program so that chained TBs share the frame:
 *   0 .. INTERP_ENVW-1  a mirror of the env words that hold IR globals
 *                       (slot = ir_global_offset / 4); writes go through to
 *                       env at once, so env is exact at every moment
 *   SLOT_ZERO           reads as 0 (unused inputs, e.g. call args past nin)
 *   SLOT_SINK           write-only sink for IR_NOVAL outputs
 *   SLOT_CONST0 ..      the program's constants, copied in at TB entry
 *   then                temps
 * Opcodes are IROpc values plus the IOP_* forms below.  Label ops vanish:
 * branches hold the target insn index in aux[0].  insn_start ops vanish
 * too: the pc is stored in env->eip lazily (INSN_SETPC on the op that needs
 * it, or an IOP_SETPC insn), before anything that can observe it.
 */
#ifndef XLAT_HOST_INTERP_INTERP_H
#define XLAT_HOST_INTERP_INTERP_H

#include <stddef.h>

#include "exec/exec.h"

enum {
    INTERP_ENVW = 18, /* env words 0..17 cover every IR global */
    SLOT_ZERO = INTERP_ENVW,
    SLOT_SINK,
    SLOT_CONST0,
    INTERP_MAX_SLOTS = SLOT_CONST0 + IR_MAX_VALS,
    SLOT_EIP = offsetof(CPUX86State, eip) / 4,
};
_Static_assert(offsetof(CPUX86State, seg_base[R_GS]) / 4 < INTERP_ENVW, "globals in mirror");
_Static_assert(offsetof(CPUX86State, df) / 4 < INTERP_ENVW, "df in mirror");

/* interpreter-only opcodes, after the IR's */
enum {
    IOP_SETPC = IR_NOPC, /* env->eip = pc */
    IOP_LD32,            /* ld32 */
    IOP_ST32,            /* st32 */
    IOP_CHECKTB,         /* insn boundary after a store: leave if the TB was
                            invalidated (the guest rewrote its own code) */
    IOP_NOPC
};
_Static_assert(IOP_NOPC <= 256, "opcodes fit in a byte");

#define INSN_NOCC  0x01 /* the op's written flags are all dead: skip them */
#define INSN_SETPC 0x02 /* store pc in env->eip before the op runs */

typedef struct InterpInsn {
    uint8_t opc;       /* IROpc or IOP_* */
    uint8_t size;
    uint8_t cond;
    uint8_t flags;     /* INSN_* */
    uint16_t out[2];   /* frame slots */
    uint16_t in[4];
    uint32_t aux[2];   /* as the IR op's; branches: target insn; memory ops:
                          aux[1] = displacement added to in[0] */
    uint32_t pc;       /* INSN_SETPC, IOP_SETPC */
    uint32_t pad;
} InterpInsn;

typedef struct InterpProg {
    uint32_t ninsns, nconsts;
    InterpInsn *insn;
    /* goto_tb slot targets, set by chain(): the backend's own copy, like the
     * emitter's patched jumps (tb->jmp_dest is the cache's bookkeeping) */
    TB *next[2];
    uint32_t consts[]; /* slots SLOT_CONST0 .. */
} InterpProg;

int interp_compile(TB *tb, const IRBlock *b);

#endif
