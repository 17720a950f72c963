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
 */
#include "ir/opt.h"

#include <string.h>

static bool dce_removable(const IRBlock *b, const IROp *op, const uint16_t *nuse)
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
    if ((d->flags & IR_F_CC) && (ir_opt_cc_effect(b, op).may_write & op->cc_live))
        return false;
    return true;
}

void ir_opt_dce(IRBlock *b)
{
    static __thread uint16_t nuse[IR_MAX_VALS];
    static __thread uint8_t dead[IR_MAX_OPS];

    memset(nuse, 0, sizeof(nuse[0]) * (size_t)b->nvals);
    for (int i = 0; i < b->nops; i++)
        for (int k = 0; k < b->op[i].nin && k < 4; k++)
            if (b->op[i].in[k] != IR_NOVAL)
                nuse[b->op[i].in[k]]++;
    for (int i = b->nops - 1; i >= 0; i--) {
        IROp *op = &b->op[i];
        dead[i] = dce_removable(b, op, nuse);
        if (dead[i])
            for (int k = 0; k < op->nin && k < 4; k++)
                if (op->in[k] != IR_NOVAL)
                    nuse[op->in[k]]--;
    }
    int n = 0;
    for (int i = 0; i < b->nops; i++)
        if (!dead[i])
            b->op[n++] = b->op[i];
    b->nops = n;
}
