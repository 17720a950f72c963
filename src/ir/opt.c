/*
 * opt.c - ir_optimize(): the optimizer pipeline, in this order:
 *   fold           constants, copies, identities, branches on constants
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

void ir_optimize(IRBlock *b)
{
    opt_check(b, "translation");
    ir_opt_fold(b);
    opt_check(b, "fold");
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
