/*
 * opt.c - ir_optimize(): the optimizer pipeline, in this order:
 *   fold           constants, copies, identities, branches on constants
 *                  (and use counts for dce)
 * then, in one backward walk (ir_opt_cc_dce, opt_cc_dce.c), what these
 * separate passes do, which run instead on the rare block too near
 * IR_MAX_VALS for it, and in XLAT_DEBUG builds on a copy to check it:
 *   cc_liveness    flags live after each op
 *   cc_plain       cc ops with dead flags -> plain ops
 *   dce            dead temps and dead flag work
 *   cc_liveness    again, only if dce removed an op that read flags: backends
 *                  read the final op->cc_live, and neither cc_plain (it turns
 *                  ops that read no flag and whose written flags are dead into
 *                  plain ops) nor dce's other removals change it
 * In XLAT_DEBUG builds the block is validated before and after each pass;
 * a failure prints the message and the block, then aborts.
 */
#include "ir/opt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef XLAT_DEBUG
static void opt_check(const IRBlock *b, const char *after)
{
    const char *err = ir_validate(b);
    if (!err)
        return;
    fprintf(stderr, "xlat: IR invalid after %s: %s\n", after, err);
    ir_print(stderr, b);
    abort();
}
#else
static void opt_check(const IRBlock *b, const char *after)
{
    (void)b, (void)after;
}
#endif

#ifdef XLAT_DEBUG
/* The skipped second liveness pass would have changed nothing. */
static void opt_check_cc_live(IRBlock *b)
{
    static __thread uint16_t before[IR_MAX_OPS];
    for (int i = 0; i < b->nops; i++)
        before[i] = b->op[i].cc_live;
    ir_opt_cc_liveness(b);
    for (int i = 0; i < b->nops; i++) {
        if (before[i] != b->op[i].cc_live) {
            fprintf(stderr, "xlat: stale cc_live at op %d after dce\n", i);
            ir_print(stderr, b);
            abort();
        }
    }
}
#else
static void opt_check_cc_live(IRBlock *b)
{
    (void)b;
}
#endif

/* The separate passes: what ir_opt_cc_dce() does in one walk. */
static void opt_cc_dce_separate(IRBlock *b)
{
    ir_opt_cc_liveness(b);
    ir_opt_cc_plain(b);
    opt_check(b, "cc_plain");
    bool cc_changed = ir_opt_dce(b);
    opt_check(b, "dce");
    if (cc_changed)
        ir_opt_cc_liveness(b);
    else
        opt_check_cc_live(b);
}

#ifdef XLAT_DEBUG
/* The fused pass left the block the separate passes would have. */
static void opt_check_fused(const IRBlock *before, const IRBlock *after)
{
    static __thread IRBlock want;
    memcpy(&want, before, sizeof(want));
    opt_cc_dce_separate(&want);
    bool same = want.nops == after->nops && want.nvals == after->nvals &&
                memcmp(want.val, after->val, sizeof(want.val[0]) * (size_t)want.nvals) == 0;
    for (int i = 0; same && i < want.nops; i++) {
        const IROp *x = &want.op[i], *y = &after->op[i];
        same = x->opc == y->opc && x->size == y->size && x->cond == y->cond && x->nin == y->nin &&
               x->nout == y->nout && x->cc_live == y->cc_live &&
               memcmp(x->out, y->out, sizeof(x->out)) == 0 &&
               memcmp(x->in, y->in, sizeof(x->in)) == 0 &&
               memcmp(x->aux, y->aux, sizeof(x->aux)) == 0;
    }
    if (!same) {
        fprintf(stderr, "xlat: ir_opt_cc_dce differs from the separate passes\nwant:\n");
        ir_print(stderr, &want);
        fprintf(stderr, "got:\n");
        ir_print(stderr, after);
        abort();
    }
}
#endif

void ir_optimize(IRBlock *b)
{
    static __thread uint16_t nuse[IR_MAX_VALS];
    opt_check(b, "translation");
    ir_opt_fold_count(b, nuse);
    opt_check(b, "fold");
#ifdef XLAT_DEBUG
    static __thread IRBlock before;
    memcpy(&before, b, sizeof(before));
#endif
    if (!ir_opt_cc_dce(b, nuse)) {
        opt_cc_dce_separate(b);
        return;
    }
    opt_check(b, "cc_dce");
#ifdef XLAT_DEBUG
    opt_check_fused(&before, b);
#endif
}
