/*
 * opt_cc.c - status-flag passes: ir_opt_cc_liveness() and ir_opt_cc_plain().
 *
 * Liveness invariants:
 *  - op->cc_live = the flags some later op may read before they are
 *    rewritten, on any path from just after op;
 *  - at block exits (IR_F_END) every flag is live (the next block, the exec
 *    loop or a signal handler may read EFLAGS);
 *  - a label's live set is what is live at its fall-through; a branch adds
 *    its label's set to what is live after it (br: only the label's);
 *    branches go forward only, so one backward walk sees every label before
 *    the branches to it;
 *  - helpers flagged HF_READ_CC or HF_SYNC (which may raise a guest signal,
 *    so env->cc must be exact) read all flags; HF_WRITE_CC writes all.
 *  - ops that can fault (IR_F_MEM: loads, stores, divides) read all flags:
 *    a fault hands the guest's signal handler the EFLAGS of the faulting
 *    instruction, so every flag must be exact (in host EFLAGS or env->cc)
 *    wherever a fault can happen.  On the emitter this costs little, since
 *    a cc op computes its flags for free; it forbids turning a cc op into a
 *    plain one when a memory access follows before the flags are rewritten.
 *
 * cc_plain invariants: a size-32 cc op whose may-write flags are all dead
 * after it, and which reads no flag (adc/sbb stay), becomes the plain op
 * with the same 32-bit result (xor r,r and sub r,r: mov $0).  Live sets stay valid: the op killed only
 * dead flags, so nothing before it changes.
 */
#include "ir/opt.h"

/* Shifts and rotates with a constant count: what they do for sure. */
static IRCCEffect cc_effect_shift(const IRBlock *b, const IROp *op)
{
    IRCCEffect e = {0, 0, 0};
    bool dbl = op->opc == IR_shld_cc || op->opc == IR_shrd_cc;
    bool rot = op->opc >= IR_rol_cc && op->opc <= IR_rcr_cc;
    bool rc = op->opc == IR_rcl_cc || op->opc == IR_rcr_cc;
    IRVal cnt = op->in[dbl ? 2 : 1];

    e.may_write = rot ? CC_C | CC_O : CC_ALL;
    e.use = CC_ALL; /* unknown count: may change nothing */
    if (cnt == IR_NOVAL || !ir_is_const(b, cnt))
        return e;
    uint32_t c = b->val[cnt].cval & 31;
    if (c == 0) /* nothing happens: flags pass through */
        return (IRCCEffect){0, 0, 0};
    if (rc && op->size < 32 && c % (op->size + 1u) == 0)
        return e; /* the value and CF stay, OF is undefined: be conservative */
    e.def = e.may_write;
    e.use = rc ? CC_C : 0;
    return e;
}

IRCCEffect ir_opt_cc_effect(const IRBlock *b, const IROp *op)
{
    const IROpDef *d = &ir_opdef[op->opc];
    IRCCEffect e = {d->cc_def, d->cc_def, d->cc_use};

    switch (op->opc) {
    case IR_shl_cc: case IR_shr_cc: case IR_sar_cc: case IR_rol_cc: case IR_ror_cc:
    case IR_rcl_cc: case IR_rcr_cc: case IR_shld_cc: case IR_shrd_cc:
        return cc_effect_shift(b, op);
    case IR_setcc:
        e.def = e.may_write = (uint16_t)(op->aux[0] & CC_ALL);
        e.use = 0; /* the other flags pass through */
        return e;
    case IR_call: {
        uint8_t hf = op->aux[0] < (uint32_t)ir_nhelpers ? ir_helpers[op->aux[0]]->flags : HF_ALL;
        e.def = e.may_write = (hf & HF_WRITE_CC) ? CC_ALL : 0;
        e.use = (hf & (HF_READ_CC | HF_SYNC)) ? CC_ALL : 0;
        return e;
    }
    default:
        break;
    }
    if (d->flags & IR_F_COND)
        e.use |= ir_cond_cc_use(op->cond);
    if (d->flags & IR_F_MEM)
        e.use = CC_ALL;
    return e;
}

void ir_opt_cc_liveness(IRBlock *b)
{
    static __thread uint16_t label_live[IR_MAX_OPS];
    uint16_t live = CC_ALL;

    for (int l = 0; l < b->nlabels && l < IR_MAX_OPS; l++)
        label_live[l] = CC_ALL; /* a label never seen: be safe */
    for (int i = b->nops - 1; i >= 0; i--) {
        IROp *op = &b->op[i];
        uint16_t f = ir_opdef[op->opc].flags;
        if (f & IR_F_END) {
            live = CC_ALL;
            op->cc_live = CC_ALL;
            continue;
        }
        if (op->opc == IR_label) {
            op->cc_live = live;
            label_live[op->aux[0]] = live;
            continue;
        }
        if (op->opc == IR_br) {
            live = label_live[op->aux[0]];
            op->cc_live = live;
            continue;
        }
        if (f & IR_F_BR)
            live |= label_live[op->aux[0]];
        op->cc_live = live;
        if (f & (IR_F_CC | IR_F_CALL | IR_F_MEM)) { /* IR_F_MEM: a fault reads them all */
            IRCCEffect e = ir_opt_cc_effect(b, op);
            live = (uint16_t)((live & ~e.def) | e.use);
        }
    }
}

/* The plain op for a size-32 cc op whose flags are dead, or IR_NOPC. */
IROpc ir_opt_cc_plain_opc(const IRBlock *b, const IROp *op)
{
    switch (op->opc) {
    case IR_add_cc: case IR_inc_cc: return IR_add;
    case IR_sub_cc: case IR_dec_cc: return IR_sub;
    case IR_and_cc: return IR_and;
    case IR_or_cc: return IR_or;
    case IR_xor_cc: return IR_xor;
    case IR_neg_cc: return IR_neg;
    case IR_shl_cc: case IR_shr_cc: case IR_sar_cc: {
        IRVal c = op->in[1];
        if (!ir_is_const(b, c) || (b->val[c].cval & 31) == 0)
            return IR_NOPC;
        return op->opc == IR_shl_cc ? IR_shl : op->opc == IR_shr_cc ? IR_shr : IR_sar;
    }
    default: return IR_NOPC;
    }
}

void ir_opt_cc_plain(IRBlock *b)
{
    for (int i = 0; i < b->nops; i++) {
        IROp *op = &b->op[i];
        if (op->size != 32 || !(ir_opdef[op->opc].flags & IR_F_CC))
            continue;
        IROpc p = ir_opt_cc_plain_opc(b, op);
        if (p == IR_NOPC || (ir_opt_cc_effect(b, op).may_write & op->cc_live))
            continue;
        if (op->opc == IR_inc_cc || op->opc == IR_dec_cc) {
            if (b->nvals >= IR_MAX_VALS)
                continue;
            op->in[1] = ir_const(b, 1);
        }
        op->opc = (uint8_t)p;
        op->nin = ir_opdef[p].nin;
        op->nout = ir_opdef[p].nout;
        /* xor r, r / sub r, r (the zeroing idioms): the fold pass ran
         * before this op lost its flags, so fold it here */
        if ((p == IR_xor || p == IR_sub) && op->in[0] == op->in[1] && b->nvals < IR_MAX_VALS) {
            op->opc = IR_mov;
            op->nin = 1;
            op->in[0] = ir_const(b, 0);
            op->in[1] = IR_NOVAL;
        }
    }
}
