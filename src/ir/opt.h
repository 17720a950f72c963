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

#endif
