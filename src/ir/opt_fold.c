/*
 * opt_fold.c - ir_opt_fold(): constant folding, copy propagation and
 * algebraic identities, in one forward walk.
 *
 * Invariants (what a rule may and may not do):
 *  - ops are never reordered; writes to globals are never moved or removed
 *    (a folded op that writes a global becomes "mov global, $c"); memory ops
 *    (IR_F_MEM: loads can fault, which the guest sees) are never folded or
 *    removed, only their inputs are rewritten;
 *  - copy propagation: a temp defined by "mov t, x" (or by an op that folds
 *    to one) is replaced by x in later reads.  x is a constant, a temp, or a
 *    global; a global only while it is not written in between (every write
 *    of a global, and every call that may write globals, bumps its version);
 *  - forward branches only, so the linear order visits every path's ops in
 *    path order: a fact recorded at op i holds at a later op j on any path
 *    that reaches j, as long as it does not depend on a global written
 *    between i and j (the version check makes it linear-order conservative);
 *  - a brz/brnz on a constant becomes br (taken) or disappears (not taken);
 *    the only removals this pass makes.
 * Adding a rule: fold_* returns true when it rewrote the op into a mov (via
 * fold_to_mov / fold_to_const) or changed it in place.
 */
#include "ir/opt.h"

#include <string.h>

typedef struct IRFold {
    IRBlock *b;
    int nvals0;                     /* values before the walk: repl[] covers these */
    IRVal repl[IR_MAX_VALS];        /* temp -> value it equals (IR_NOVAL: none) */
    uint32_t repl_ver[IR_MAX_VALS]; /* global version when repl is a global */
    uint32_t gver[IR_NGLOBALS];
} IRFold;

/* the value to read instead of v */
static IRVal fold_resolve(IRFold *s, IRVal v)
{
    /* repl[] is IR_NOVAL for globals and constants: only temps are mapped;
     * IR_NOVAL and constants made by the walk are >= nvals0 */
    if (v >= s->nvals0)
        return v;
    IRVal r = s->repl[v];
    if (r == IR_NOVAL)
        return v;
    if (r < IR_NGLOBALS && s->gver[r] != s->repl_ver[v])
        return v; /* the global changed since the copy */
    return r;
}

static bool fold_const(const IRFold *s, IRVal v, uint32_t *c)
{
    if (v == IR_NOVAL || !ir_is_const(s->b, v))
        return false;
    *c = s->b->val[v].cval;
    return true;
}

static bool fold_is_const(const IRFold *s, IRVal v, uint32_t c)
{
    uint32_t k;
    return fold_const(s, v, &k) && k == c;
}

/* Rewrite op into "mov out, x". */
static bool fold_to_mov(IROp *op, IRVal x)
{
    IRVal out = op->out[0];
    uint16_t live = op->cc_live;
    memset(op, 0, sizeof(*op));
    op->opc = IR_mov;
    op->size = 32;
    op->nin = 1;
    op->nout = 1;
    op->cc_live = live;
    op->out[0] = out;
    op->out[1] = IR_NOVAL;
    op->in[0] = x;
    op->in[1] = op->in[2] = op->in[3] = IR_NOVAL;
    return true;
}

static bool fold_to_const(IRFold *s, IROp *op, uint32_t c)
{
    if (s->b->nvals >= IR_MAX_VALS)
        return false;
    return fold_to_mov(op, ir_const(s->b, c));
}

static uint32_t fold_size_mask(unsigned size)
{
    return size >= 32 ? 0xffffffffu : (1u << size) - 1;
}

/* Evaluate a plain op on constants; false if the op is not foldable. */
static bool fold_eval(const IROp *op, const uint32_t *k, uint32_t *r)
{
    uint32_t a = k[0], b = k[1], m = fold_size_mask(op->size);
    switch (op->opc) {
    case IR_mov: *r = a; break;
    case IR_add: *r = a + b; break;
    case IR_sub: *r = a - b; break;
    case IR_and: *r = a & b; break;
    case IR_or: *r = a | b; break;
    case IR_xor: *r = a ^ b; break;
    case IR_mul: *r = a * b; break;
    case IR_shl: *r = a << (b & 31); break;
    case IR_shr: *r = a >> (b & 31); break;
    case IR_sar: *r = (uint32_t)((int32_t)a >> (b & 31)); break;
    case IR_not: *r = ~a; break;
    case IR_neg: *r = 0 - a; break;
    case IR_bswap:
        *r = (a >> 24) | ((a >> 8) & 0xff00) | ((a << 8) & 0xff0000) | (a << 24);
        break;
    case IR_zext: *r = a & m; break;
    case IR_sext: *r = (a & m) | (((a >> (op->size - 1)) & 1) ? ~m : 0); break;
    case IR_ext8hi: *r = (a >> 8) & 0xff; break;
    case IR_dep: *r = (a & ~m) | (b & m); break;
    case IR_dep8hi: *r = (a & ~0xff00u) | ((b & 0xff) << 8); break;
    case IR_seteq: *r = a == b; break;
    case IR_setne: *r = a != b; break;
    case IR_selnz: *r = a ? b : k[2]; break;
    default: return false;
    }
    return true;
}

/* Identities with one constant operand, or equal operands. */
static bool fold_identity(IRFold *s, IROp *op)
{
    IRVal x = op->in[0], y = op->in[1];
    uint32_t c;
    switch (op->opc) {
    case IR_add: case IR_or: case IR_xor:
        if (fold_is_const(s, y, 0))
            return fold_to_mov(op, x);
        if (fold_is_const(s, x, 0))
            return fold_to_mov(op, y);
        if (op->opc == IR_xor && x == y)
            return fold_to_const(s, op, 0);
        if (op->opc == IR_or && x == y)
            return fold_to_mov(op, x);
        return false;
    case IR_sub:
        if (fold_is_const(s, y, 0))
            return fold_to_mov(op, x);
        if (x == y)
            return fold_to_const(s, op, 0);
        return false;
    case IR_and:
        if (fold_is_const(s, y, 0) || fold_is_const(s, x, 0))
            return fold_to_const(s, op, 0);
        if (fold_is_const(s, y, 0xffffffff))
            return fold_to_mov(op, x);
        if (fold_is_const(s, x, 0xffffffff) || x == y)
            return fold_to_mov(op, y);
        return false;
    case IR_mul:
        if (fold_is_const(s, y, 0) || fold_is_const(s, x, 0))
            return fold_to_const(s, op, 0);
        if (fold_is_const(s, y, 1))
            return fold_to_mov(op, x);
        if (fold_is_const(s, x, 1))
            return fold_to_mov(op, y);
        return false;
    case IR_shl: case IR_shr: case IR_sar:
        if (fold_const(s, y, &c) && (c & 31) == 0)
            return fold_to_mov(op, x);
        if (fold_is_const(s, x, 0))
            return fold_to_const(s, op, 0);
        return false;
    case IR_zext: case IR_sext:
        return op->size == 32 ? fold_to_mov(op, x) : false;
    case IR_dep:
        return op->size == 32 ? fold_to_mov(op, y) : false;
    case IR_seteq: case IR_setne:
        return x == y ? fold_to_const(s, op, op->opc == IR_seteq) : false;
    case IR_selnz:
        if (fold_const(s, x, &c))
            return fold_to_mov(op, c ? y : op->in[2]);
        return y == op->in[2] ? fold_to_mov(op, y) : false;
    default:
        return false;
    }
}

/* Fold a plain op whose inputs are all constants. */
static bool fold_constants(IRFold *s, IROp *op)
{
    const IROpDef *d = &ir_opdef[op->opc];
    if (d->flags & (IR_F_MEM | IR_F_CC | IR_F_SIDE | IR_F_CALL) || op->nout != 1 ||
        op->opc == IR_mov)
        return false;
    uint32_t k[4] = {0, 0, 0, 0}, r;
    for (int i = 0; i < op->nin; i++)
        if (!fold_const(s, op->in[i], &k[i]))
            return false;
    if (!fold_eval(op, k, &r))
        return false;
    return fold_to_const(s, op, r);
}

/* brz/brnz on a constant: true if the op is to be removed. */
static bool fold_branch(IRFold *s, IROp *op)
{
    uint32_t c;
    if ((op->opc != IR_brz && op->opc != IR_brnz) || !fold_const(s, op->in[0], &c))
        return false;
    bool taken = op->opc == IR_brz ? c == 0 : c != 0;
    if (!taken)
        return true;
    op->opc = IR_br;
    op->nin = 0;
    op->in[0] = IR_NOVAL;
    return false;
}

/* Record what op's outputs tell later ops. */
static void fold_note_outputs(IRFold *s, const IROp *op)
{
    if (op->opc == IR_call && (ir_helpers[op->aux[0]]->flags & HF_WRITE_GLOBALS))
        for (int g = 0; g < IR_NGLOBALS; g++)
            s->gver[g]++;
    for (int i = 0; i < op->nout; i++) {
        IRVal o = op->out[i];
        if (o == IR_NOVAL)
            continue;
        if (o < IR_NGLOBALS) {
            s->gver[o]++;
            continue;
        }
        if (op->opc == IR_mov && i == 0) {
            IRVal src = op->in[0];
            s->repl[o] = src;
            if (src < IR_NGLOBALS)
                s->repl_ver[o] = s->gver[src];
        }
    }
}

/* The walk; nuse (may be NULL) receives the use counts of the result.
 * Per op (this runs for every op translated): inputs resolved, branches on
 * constants, folds of plain ops, what the outputs tell, uses counted. */
static void fold_block(IRBlock *b, uint16_t *nuse)
{
    static __thread IRFold s;
    s.b = b;
    /* only the block's values: constants made while folding are never
     * looked up (fold_resolve maps temps only) */
    int nvals0 = b->nvals;
    s.nvals0 = nvals0;
    memset(s.repl, 0xff, sizeof(s.repl[0]) * (size_t)nvals0);
    memset(s.gver, 0, sizeof(s.gver));
    if (nuse) { /* fold makes at most one constant per op */
        int nv = nvals0 + b->nops < IR_MAX_VALS ? nvals0 + b->nops : IR_MAX_VALS;
        memset(nuse, 0, sizeof(nuse[0]) * (size_t)nv);
    }
    int n = 0;
    for (int i = 0; i < b->nops; i++) {
        IROp *op = &b->op[i];
        if (op->opc != IR_insn_start) { /* a quarter of all ops: nothing to do */
            uint16_t f = ir_opdef[op->opc].flags;
            int nin = op->nin < 4 ? op->nin : 4;
            for (int k = 0; k < nin; k++)
                op->in[k] = fold_resolve(&s, op->in[k]);
            if (f & IR_F_BR) {
                if (fold_branch(&s, op))
                    continue; /* a branch never taken: drop it */
            } else if (!(f & (IR_F_MEM | IR_F_CC | IR_F_SIDE | IR_F_CALL))) {
                /* (every rule is about plain ops) */
                if (!fold_constants(&s, op))
                    fold_identity(&s, op);
            }
            fold_note_outputs(&s, op);
            if (nuse) {
                nin = op->nin < 4 ? op->nin : 4; /* (a fold may have changed it) */
                for (int k = 0; k < nin; k++)
                    if (op->in[k] != IR_NOVAL)
                        nuse[op->in[k]]++;
            }
        }
        if (n != i)
            b->op[n] = *op;
        n++;
    }
    b->nops = n;
}

void ir_opt_fold(IRBlock *b)
{
    fold_block(b, NULL);
}

void ir_opt_fold_count(IRBlock *b, uint16_t *nuse)
{
    fold_block(b, nuse);
}
