/*
 * opt_dce.c - ir_opt_dce(): remove ops whose work nobody sees.
 *
 * Invariants: an op is removed only if it has neither IR_F_SIDE nor IR_F_MEM
 * (stores, branches, exits, calls, and anything that can fault stay), every
 * output is IR_NOVAL or a temp that is never read, and (for ops touching CC)
 * every flag it may write is dead after it (op->cc_live from the liveness
 * pass; a stale cc_live is a superset, hence still safe).  Writes to globals
 * are never removed.  One backward walk: removing an op drops the reads of
 * its inputs, which may make their earlier definitions dead in turn.
 *
 * Removing an op whose flags are all dead leaves every other op's cc_live
 * as it was, unless the op also read flags (adc, rcl ...): then the flags it
 * read may be dead before it now.  The return value says so, and only then
 * must liveness run again.
 */
#include "ir/opt.h"

#include <string.h>

/* 0: op stays; 1: removable; 2: removable, and it read flags, so the
 * liveness computed before this pass may be larger than the truth. */
static int dce_removable(const IRBlock *b, const IROp *op, const uint16_t *nuse)
{
    const IROpDef *d = &ir_opdef[op->opc];
    if (d->flags & (IR_F_SIDE | IR_F_MEM | IR_F_END | IR_F_BR | IR_F_CALL))
        return false;
    for (int k = 0; k < op->nout; k++) {
        IRVal o = op->out[k];
        if (o == IR_NOVAL)
            continue;
        if (ir_is_global(o) || b->val[o].kind != IRV_TEMP || nuse[o])
            return false;
    }
    if (d->flags & IR_F_CC) {
        IRCCEffect e = ir_opt_cc_effect(b, op);
        if (e.may_write & op->cc_live)
            return 0;
        return e.use ? 2 : 1;
    }
    return 1;
}

bool ir_opt_dce(IRBlock *b)
{
    static __thread uint16_t nuse[IR_MAX_VALS];
    static __thread uint8_t dead[IR_MAX_OPS];

    memset(nuse, 0, sizeof(nuse[0]) * (size_t)b->nvals);
    for (int i = 0; i < b->nops; i++)
        for (int k = 0; k < b->op[i].nin && k < 4; k++)
            if (b->op[i].in[k] != IR_NOVAL)
                nuse[b->op[i].in[k]]++;
    bool cc_changed = false;
    for (int i = b->nops - 1; i >= 0; i--) {
        IROp *op = &b->op[i];
        int r = dce_removable(b, op, nuse);
        dead[i] = r != 0;
        cc_changed |= r == 2;
        if (dead[i])
            for (int k = 0; k < op->nin && k < 4; k++)
                if (op->in[k] != IR_NOVAL)
                    nuse[op->in[k]]--;
    }
    int n = 0;
    for (int i = 0; i < b->nops; i++) {
        if (dead[i])
            continue;
        if (n != i) /* most blocks lose few ops: don't copy the rest onto themselves */
            b->op[n] = b->op[i];
        n++;
    }
    b->nops = n;
    return cc_changed;
}
