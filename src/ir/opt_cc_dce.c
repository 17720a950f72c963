/*
 * opt_cc_dce.c - ir_opt_cc_dce(): flag liveness, cc_plain and dead-op
 * removal in one backward walk, with the same result as the separate passes
 *     ir_opt_cc_liveness; ir_opt_cc_plain; ir_opt_dce; [ir_opt_cc_liveness]
 * (opt.c runs those on the rare blocks this pass declines, and in XLAT_DEBUG
 * builds checks that both give the same block).  It exists for speed: every
 * block translated ran four or five walks over its ops for this, and a
 * short-lived program spends most of its time translating.
 *
 * Two live sets run side by side, from the last op back:
 *   live1  the liveness of the block as fold left it (what the separate
 *          liveness pass computes first); cc_plain and the dead-op test read
 *          it, exactly as the separate passes do;
 *   live2  the liveness of the block without the ops found dead, which is
 *          what the second liveness pass computes; it becomes op->cc_live.
 *          (An op cc_plain turns plain writes only flags dead in live1, and
 *          live2 is a subset of live1, so the plain op is transparent.)
 * Use counts come from the fold pass (ir_opt_fold_count), counted over its
 * output; an op found dead gives back its inputs' uses, so the chains it fed
 * die with it, as in ir_opt_dce.  "xor t, t" turned into "mov $0" gives back
 * two uses of t.
 *
 * Constants that cc_plain adds ("inc" -> "add $1", "xor r, r" -> "mov $0")
 * are made in op order in the final forward walk that also drops the dead
 * ops, so values are numbered as the separate passes number them.  A block
 * so close to IR_MAX_VALS that a constant might not fit is declined (false):
 * the separate passes skip such conversions one by one.
 *
 * Example: "t0 = add_cc eax, ecx; mov eax, t0; t1 = adc_cc ebx, edx (t1
 * unused); t2 = sub_cc esi, edi; mov esi, t2": live1 after t0 is C (the adc
 * reads CF), so t0 stays add_cc; the adc is dead (result unused, its flags
 * rewritten by sub_cc) and goes; live2 after t0 is empty, so t0's cc_live
 * is 0 and the backends skip its flag work.
 */
#include "ir/opt.h"

#include <string.h>

/* fate[] bits of each op, decided backward, applied forward */
enum {
    CD_DEAD = 1,   /* removed */
    CD_CONST1 = 2, /* inc/dec became add/sub: in[1] = $1 */
    CD_CONST0 = 4, /* xor/sub r, r became mov: in[0] = $0 */
};

/* The op with its flags dead after it (live1) becomes plain, if it can:
 * cc_plain's rule.  Returns the CD_CONST* bit it needs, or 0. */
static int cd_plain(IRBlock *b, IROp *op, uint16_t may_write, uint16_t after1, uint16_t *nuse)
{
    IROpc p = ir_opt_cc_plain_opc(b, op);
    if (p == IR_NOPC || (may_write & after1))
        return 0;
    int need = 0;
    if (op->opc == IR_inc_cc || op->opc == IR_dec_cc)
        need = CD_CONST1;
    op->opc = (uint8_t)p;
    op->nin = ir_opdef[p].nin;
    op->nout = ir_opdef[p].nout;
    if ((p == IR_xor || p == IR_sub) && op->in[0] == op->in[1]) {
        nuse[op->in[0]] -= 2; /* counted twice by fold; the mov reads a constant */
        op->opc = IR_mov;
        op->nin = 1;
        op->in[0] = IR_NOVAL;
        op->in[1] = IR_NOVAL;
        need = CD_CONST0;
    }
    return need;
}

/* ir_opt_dce's test: nothing outside the op sees its work (after1: the
 * flags live after it, as the separate dce pass saw them). */
static bool cd_removable(const IRBlock *b, const IROp *op, const uint16_t *nuse, IRCCEffect e,
                         uint16_t after1)
{
    uint16_t f = ir_opdef[op->opc].flags;
    if (f & (IR_F_SIDE | IR_F_MEM | IR_F_END | IR_F_BR | IR_F_CALL))
        return false;
    for (int k = 0; k < op->nout; k++) {
        IRVal o = op->out[k];
        if (o != IR_NOVAL && (ir_is_global(o) || b->val[o].kind != IRV_TEMP || nuse[o]))
            return false;
    }
    return !(f & IR_F_CC) || !(e.may_write & after1);
}

/* Give back the uses of a removed op's inputs. */
static void cd_unuse(const IROp *op, uint16_t *nuse)
{
    for (int k = 0; k < op->nin && k < 4; k++)
        if (op->in[k] != IR_NOVAL)
            nuse[op->in[k]]--;
}

/* The forward walk: constants in op order, dead ops out. */
static void cd_apply(IRBlock *b, const uint8_t *fate)
{
    int n = 0;
    for (int i = 0; i < b->nops; i++) {
        IROp *op = &b->op[i];
        if (fate[i] & CD_CONST1)
            op->in[1] = ir_const(b, 1);
        if (fate[i] & CD_CONST0)
            op->in[0] = ir_const(b, 0);
        if (fate[i] & CD_DEAD)
            continue;
        if (n != i)
            b->op[n] = *op;
        n++;
    }
    b->nops = n;
}

/* An op that touches no flag and cannot fault: dead if nobody reads its
 * outputs (and it has no other effect). */
static bool cd_plain_dead(const IRBlock *b, const IROp *op, uint16_t f, const uint16_t *nuse)
{
    if (f & IR_F_SIDE)
        return false;
    for (int k = 0; k < op->nout; k++) {
        IRVal o = op->out[k];
        if (o != IR_NOVAL && (ir_is_global(o) || b->val[o].kind != IRV_TEMP || nuse[o]))
            return false;
    }
    return true;
}

/* The precise effect of a cc op (ir_opt_cc_effect), with the common case
 * (the table's def/use, no condition) inline. */
static IRCCEffect cd_effect(const IRBlock *b, const IROp *op, const IROpDef *d)
{
    if (d->cc_use == CC_ALL || (d->flags & (IR_F_COND | IR_F_CALL)) || op->opc == IR_setcc)
        return ir_opt_cc_effect(b, op);
    return (IRCCEffect){d->cc_def, d->cc_def, d->cc_use};
}

bool ir_opt_cc_dce(IRBlock *b, uint16_t *nuse)
{
    static __thread uint16_t label1[IR_MAX_OPS], label2[IR_MAX_OPS];
    static __thread uint8_t fate[IR_MAX_OPS];
    if (b->nvals + b->nops >= IR_MAX_VALS || b->nlabels > IR_MAX_OPS)
        return false; /* a constant might not fit: the separate passes decide */
    for (int l = 0; l < b->nlabels; l++)
        label1[l] = label2[l] = CC_ALL; /* a label never seen: be safe */
    memset(fate, 0, (size_t)b->nops);
    uint16_t live1 = CC_ALL, live2 = CC_ALL;
    bool any = false;
    for (int i = b->nops - 1; i >= 0; i--) {
        IROp *op = &b->op[i];
        const IROpDef *d = &ir_opdef[op->opc];
        uint16_t f = d->flags;
        op->cc_live = live2; /* what is live after a kept op */
        if (!(f & (IR_F_CC | IR_F_CALL | IR_F_MEM | IR_F_END | IR_F_BR))) {
            /* no flag effect: insn_start, label, plain ops */
            if (op->opc == IR_label) {
                label1[op->aux[0]] = live1;
                label2[op->aux[0]] = live2;
            } else if (cd_plain_dead(b, op, f, nuse)) {
                fate[i] = CD_DEAD;
                any = true;
                cd_unuse(op, nuse);
            }
            continue;
        }
        if (f & IR_F_END) {
            live1 = live2 = CC_ALL;
            op->cc_live = CC_ALL;
            continue;
        }
        if (f & IR_F_MEM) { /* a fault reads every flag; never removed */
            live1 = live2 = CC_ALL;
            continue;
        }
        if (op->opc == IR_br) {
            live1 = label1[op->aux[0]];
            live2 = label2[op->aux[0]];
            op->cc_live = live2;
            continue;
        }
        if (f & IR_F_BR) {
            live1 |= label1[op->aux[0]];
            live2 |= label2[op->aux[0]];
            op->cc_live = live2;
        }
        uint16_t after1 = live1;
        IRCCEffect e = {0, 0, 0};
        if (f & (IR_F_CC | IR_F_CALL)) {
            e = cd_effect(b, op, d);
            live1 = (uint16_t)((live1 & ~e.def) | e.use);
        }
        if ((f & IR_F_CC) && op->size == 32) {
            fate[i] = (uint8_t)cd_plain(b, op, e.may_write, after1, nuse);
            if (fate[i])
                any = true;
            if (!(ir_opdef[op->opc].flags & IR_F_CC))
                e = (IRCCEffect){0, 0, 0}; /* plain now: transparent to live2 */
        }
        if (cd_removable(b, op, nuse, e, after1)) {
            fate[i] |= CD_DEAD;
            any = true;
            cd_unuse(op, nuse);
            continue;
        }
        live2 = (uint16_t)((live2 & ~e.def) | e.use);
    }
    if (any)
        cd_apply(b, fate);
    return true;
}
