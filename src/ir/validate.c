/*
 * validate.c - ir_validate(): the checks every pass must preserve.  Run
 * between passes in XLAT_DEBUG builds and by the unit tests.
 *
 * A block is well formed when:
 *  - every op is a known opcode whose nin/nout match ir_opdef (for call:
 *    the helper's nargs/has_ret), whose size is valid (sized ops 8/16/32,
 *    shld/shrd 16/32, others 32), whose cond is 0..15, whose label ids are
 *    below nlabels and whose goto_tb slot is 0 or 1;
 *  - each input is a value of the block, each output a temp, a global or
 *    IR_NOVAL (never a constant);
 *  - a temp is written once, before it is read, and read after a label only
 *    if it was defined before the first branch to that label;
 *  - labels are defined once, branches only go forward to defined labels;
 *  - the last op leaves the block (IR_F_END).
 * The message names the first offending op by index.
 */
#include "ir/ir.h"

#include <stdlib.h>
#include <string.h>

typedef struct IRValidate {
    const IRBlock *b;
    int16_t def_op[IR_MAX_VALS];     /* op index defining each temp, or -1 */
    uint8_t usable[IR_MAX_VALS];     /* temp may be read here */
    int16_t label_at[IR_MAX_OPS];    /* op index of each label, or -1 */
    int16_t first_br[IR_MAX_OPS];    /* first branch to each label, or -1 */
    IRVal order[IR_MAX_VALS];        /* defined temps, in definition order */
    int norder;
    char msg[160];
} IRValidate;

static const char *ir_fail(IRValidate *v, int i, const char *what)
{
    const IROp *op = &v->b->op[i];
    const char *name = op->opc < IR_NOPC ? ir_opdef[op->opc].name : "?";
    snprintf(v->msg, sizeof(v->msg), "op %d (%s): %s", i, name, what);
    return v->msg;
}

static bool ir_size_ok(const IROp *op)
{
    const IROpDef *d = &ir_opdef[op->opc];
    if (op->opc == IR_shld_cc || op->opc == IR_shrd_cc)
        return op->size == 16 || op->size == 32;
    if (d->flags & IR_F_SIZED)
        return op->size == 8 || op->size == 16 || op->size == 32;
    return op->size == 32;
}

/* shape: opcode, counts, size, cond, aux */
static const char *ir_check_shape(IRValidate *v, int i)
{
    const IRBlock *b = v->b;
    const IROp *op = &b->op[i];
    if (op->opc >= IR_NOPC)
        return ir_fail(v, i, "bad opcode");
    const IROpDef *d = &ir_opdef[op->opc];
    if (op->opc == IR_call) {
        if (op->aux[0] >= (uint32_t)ir_nhelpers)
            return ir_fail(v, i, "bad helper id");
        const IRHelper *h = ir_helpers[op->aux[0]];
        if (op->nin != h->nargs || op->nout != (h->has_ret ? 1 : 0))
            return ir_fail(v, i, "nin/nout differ from the helper's");
    } else if (op->nin != d->nin || op->nout != d->nout) {
        return ir_fail(v, i, "nin/nout differ from ir_opdef");
    }
    if (!ir_size_ok(op))
        return ir_fail(v, i, "bad size");
    if ((d->flags & IR_F_COND) && op->cond > 15)
        return ir_fail(v, i, "bad condition");
    if ((op->opc == IR_label || (d->flags & IR_F_BR)) && op->aux[0] >= (uint32_t)b->nlabels)
        return ir_fail(v, i, "label id out of range");
    if (op->opc == IR_goto_tb && op->aux[0] > 1)
        return ir_fail(v, i, "goto_tb slot not 0 or 1");
    return NULL;
}

/* values: inputs readable here, outputs writable */
static const char *ir_check_vals(IRValidate *v, int i)
{
    const IRBlock *b = v->b;
    const IROp *op = &b->op[i];
    for (int k = 0; k < op->nin; k++) {
        IRVal x = op->in[k];
        if (x == IR_NOVAL || x >= b->nvals)
            return ir_fail(v, i, "input is not a value");
        if (b->val[x].kind == IRV_TEMP && !ir_is_global(x)) {
            if (v->def_op[x] < 0)
                return ir_fail(v, i, "temp read before it is defined");
            if (!v->usable[x])
                return ir_fail(v, i, "temp read after a label it does not reach");
        }
    }
    for (int k = 0; k < op->nout; k++) {
        IRVal x = op->out[k];
        if (x == IR_NOVAL || ir_is_global(x))
            continue;
        if (x >= b->nvals)
            return ir_fail(v, i, "output is not a value");
        if (b->val[x].kind == IRV_CONST)
            return ir_fail(v, i, "write to a constant");
        if (v->def_op[x] >= 0)
            return ir_fail(v, i, "temp defined twice");
        v->def_op[x] = (int16_t)i;
        v->usable[x] = 1;
        v->order[v->norder++] = x;
    }
    return NULL;
}

/* labels and branches */
static const char *ir_check_flow(IRValidate *v, int i)
{
    const IROp *op = &v->b->op[i];
    uint32_t l = op->aux[0];
    if (op->opc == IR_label) {
        if (v->label_at[l] >= 0)
            return ir_fail(v, i, "label defined twice");
        v->label_at[l] = (int16_t)i;
        /* temps defined after the first branch here do not reach past it */
        if (v->first_br[l] >= 0)
            for (int k = v->norder - 1; k >= 0 && v->def_op[v->order[k]] > v->first_br[l]; k--)
                v->usable[v->order[k]] = 0;
    } else if (ir_opdef[op->opc].flags & IR_F_BR) {
        if (v->label_at[l] >= 0)
            return ir_fail(v, i, "backward branch");
        if (v->first_br[l] < 0)
            v->first_br[l] = (int16_t)i;
    }
    return NULL;
}

const char *ir_validate(const IRBlock *b)
{
    static __thread IRValidate v;
    v.b = b;
    v.norder = 0;
    if (b->nops <= 0 || b->nops > IR_MAX_OPS || b->nvals > IR_MAX_VALS || b->nvals < IR_NGLOBALS ||
        b->nlabels < 0 || b->nlabels > IR_MAX_OPS) {
        snprintf(v.msg, sizeof(v.msg), "bad block counts (nops %d, nvals %d, nlabels %d)",
                 b->nops, b->nvals, b->nlabels);
        return v.msg;
    }
    memset(v.def_op, 0xff, sizeof(v.def_op[0]) * (size_t)b->nvals);
    memset(v.usable, 0, sizeof(v.usable[0]) * (size_t)b->nvals);
    memset(v.label_at, 0xff, sizeof(v.label_at[0]) * (size_t)b->nlabels);
    memset(v.first_br, 0xff, sizeof(v.first_br[0]) * (size_t)b->nlabels);
    for (int i = 0; i < b->nops; i++) {
        const char *err = ir_check_shape(&v, i);
        if (!err)
            err = ir_check_vals(&v, i);
        if (!err)
            err = ir_check_flow(&v, i);
        if (err)
            return err;
    }
    for (int l = 0; l < b->nlabels; l++)
        if (v.first_br[l] >= 0 && v.label_at[l] < 0)
            return ir_fail(&v, v.first_br[l], "branch to a label that is never defined");
    if (!(ir_opdef[b->op[b->nops - 1].opc].flags & IR_F_END))
        return ir_fail(&v, b->nops - 1, "last op does not end the block");
    return NULL;
}
