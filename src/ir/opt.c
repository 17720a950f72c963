/*
 * opt.c - ir_optimize(): the optimizer pipeline, in this order:
 *   fold           constants, copies, identities, branches on constants
 *   cc_liveness    flags live after each op
 *   cc_plain       cc ops with dead flags -> plain ops
 *   dce            dead temps and dead flag work
 *   cc_liveness    again: backends read the final op->cc_live
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

void ir_optimize(IRBlock *b)
{
    opt_check(b, "translation");
    ir_opt_fold(b);
    opt_check(b, "fold");
    ir_opt_cc_liveness(b);
    ir_opt_cc_plain(b);
    opt_check(b, "cc_plain");
    ir_opt_dce(b);
    opt_check(b, "dce");
    ir_opt_cc_liveness(b);
}
