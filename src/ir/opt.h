/*
 * opt.h - what the optimizer passes (src/ir/opt_*.c) share beyond ir.h: the
 * precise CC effects of one op, which refine the ir_opdef table with what
 * the op's operands tell (a shift by a constant, setcc's mask, a helper's
 * HF_* flags, a condition).
 *   def:       flags the op always writes (kills them for liveness)
 *   may-write: flags it writes on some executions (DCE and cc_plain may drop
 *              the op or its flag work only if all of these are dead)
 *   use:       flags it reads, or may leave unchanged where the table says so
 */
#ifndef XLAT_IR_OPT_H
#define XLAT_IR_OPT_H

#include "ir/ir.h"

typedef struct IRCCEffect {
    uint16_t def, may_write, use;
} IRCCEffect;

IRCCEffect ir_opt_cc_effect(const IRBlock *b, const IROp *op);
void ir_opt_cc_plain(IRBlock *b);
IROpc ir_opt_cc_plain_opc(const IRBlock *b, const IROp *op);

/* ir_opt_fold that also counts, in nuse[v], the reads of each value by the
 * ops it leaves (nuse[] has IR_MAX_VALS entries; all b->nvals are set). */
void ir_opt_fold_count(IRBlock *b, uint16_t *nuse);
/* cc_liveness, cc_plain, dce (and the second liveness) in one backward
 * walk, given fold's use counts; false (block untouched) if the block is
 * too near IR_MAX_VALS for it: then run the separate passes. */
bool ir_opt_cc_dce(IRBlock *b, uint16_t *nuse);

#endif
