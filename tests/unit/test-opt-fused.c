/*
 * test-opt-fused.c - ir_optimize()'s one-walk flag liveness + cc_plain +
 * dce (ir_opt_cc_dce, src/ir/opt_cc_dce.c) against the separate passes it
 * replaces (fold; cc_liveness; cc_plain; dce; cc_liveness if dce removed a
 * flag reader), on random blocks: both must leave the same ops, cc_live
 * sets and values.  The blocks mix plain and cc ops of every size, shifts
 * by constant and unknown counts, "xor t, t", inc/dec, flag readers (adc,
 * setcond, selcc, brcond, getcc), loads and stores, helper calls, forward
 * branches and labels, exits in the middle, unused results and chains of
 * them, and blocks with so many values that the fused pass must decline.
 * Ends with "N passed, N failed"; exits non-zero on failure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ir/opt.h"
#include "target/x86/cpu.h"
#include "unit.h"

static uint32_t rng_state = 12345;
static uint32_t rnd(uint32_t n)
{
    rng_state = rng_state * 1103515245u + 12345u;
    return (rng_state >> 8) % n;
}

static uint32_t helper_fn(CPUX86State *env, uint32_t a, uint32_t b, uint32_t c, uint32_t d)
{
    return a + b + c + d + (env != NULL);
}
static const IRHelper helpers[] = {
    {"h_plain", helper_fn, 2, 1, 0},
    {"h_readcc", helper_fn, 1, 1, HF_READ_CC},
    {"h_writecc", helper_fn, 1, 0, HF_WRITE_CC},
    {"h_globals", helper_fn, 0, 1, HF_READ_GLOBALS | HF_WRITE_GLOBALS},
    {"h_sync", helper_fn, 1, 0, HF_SYNC},
};
static int helper_id[5];

/* ---- random blocks ---- */

typedef struct Gen {
    IRBlock *b;
    IRVal temps[256]; /* temps defined since the last label (readable) */
    int ntemps;
    int label_next; /* labels handed out to branches, placed in order */
    int label_placed;
} Gen;

static IRVal pick_in(Gen *g)
{
    uint32_t r = rnd(10);
    if (r < 4 && g->ntemps)
        return g->temps[rnd((uint32_t)g->ntemps)];
    if (r < 7)
        return (IRVal)(IR_G_EAX + rnd(8));
    static const uint32_t consts[] = {0, 1, 2, 5, 31, 32, 0xff, 0xffffffff};
    return ir_const(g->b, consts[rnd(8)]);
}

static IRVal new_temp(Gen *g)
{
    IRVal t = ir_temp(g->b);
    if (g->ntemps < 256)
        g->temps[g->ntemps++] = t;
    return t;
}

/* an output: a new temp (maybe never read), sometimes none */
static IRVal pick_out(Gen *g, bool may_be_none)
{
    if (may_be_none && rnd(4) == 0)
        return IR_NOVAL;
    return new_temp(g);
}

static int pick_size(void)
{
    static const int sizes[] = {8, 16, 32, 32, 32};
    return sizes[rnd(5)];
}

static void gen_plain(Gen *g)
{
    static const IROpc ops2[] = {IR_add, IR_sub, IR_and, IR_or,    IR_xor,   IR_mul,
                                 IR_shl, IR_shr, IR_sar, IR_seteq, IR_setne, IR_dep};
    static const IROpc ops1[] = {IR_mov, IR_not, IR_neg, IR_zext, IR_sext, IR_ext8hi, IR_bswap};
    if (rnd(2)) {
        IROpc opc = ops2[rnd(sizeof ops2 / sizeof ops2[0])];
        IRVal a = pick_in(g), c = rnd(6) == 0 ? a : pick_in(g);
        int size = opc == IR_dep ? (rnd(2) ? 8 : 16) : 32;
        ir_op2(g->b, opc, size, pick_out(g, false), a, c);
    } else {
        IROpc opc = ops1[rnd(sizeof ops1 / sizeof ops1[0])];
        int size = (opc == IR_zext || opc == IR_sext) ? (rnd(2) ? 8 : 16) : 32;
        IRVal a = pick_in(g);
        ir_op1(g->b, opc, size, pick_out(g, false), a);
    }
}

static void gen_cc(Gen *g)
{
    static const IROpc ops2[] = {IR_add_cc, IR_sub_cc, IR_adc_cc, IR_sbb_cc, IR_and_cc,
                                 IR_or_cc,  IR_xor_cc, IR_bt_cc,  IR_bts_cc, IR_bsf_cc};
    static const IROpc ops1[] = {IR_inc_cc, IR_dec_cc, IR_neg_cc};
    static const IROpc shifts[] = {IR_shl_cc, IR_shr_cc, IR_sar_cc, IR_rol_cc,
                                   IR_ror_cc, IR_rcl_cc, IR_rcr_cc};
    int size = pick_size();
    uint32_t r = rnd(10);
    if (r < 5) {
        IROpc opc = ops2[rnd(sizeof ops2 / sizeof ops2[0])];
        IRVal a = pick_in(g), c = rnd(5) == 0 ? a : pick_in(g); /* xor t, t ... */
        IRVal out = opc == IR_bt_cc ? IR_NOVAL : pick_out(g, true);
        ir_op2(g->b, opc, size, out, a, c);
    } else if (r < 7) {
        IRVal a = pick_in(g);
        ir_op1(g->b, ops1[rnd(3)], size, pick_out(g, true), a);
    } else if (r < 9) {
        static const uint32_t counts[] = {0, 1, 3, 9, 32, 33};
        IRVal cnt = rnd(3) ? ir_const(g->b, counts[rnd(6)]) : pick_in(g);
        IRVal a = pick_in(g);
        ir_op2(g->b, shifts[rnd(7)], size, pick_out(g, true), a, cnt);
    } else {
        IRVal a = pick_in(g), c = pick_in(g);
        IRVal outs[2] = {pick_out(g, true), pick_out(g, true)};
        IROp *op = ir_op2(g->b, rnd(2) ? IR_mulu_cc : IR_muls_cc, size, outs[0], a, c);
        op->out[1] = outs[1];
    }
}

static void gen_flag_reader(Gen *g)
{
    switch (rnd(5)) {
    case 0:
        ir_op1(g->b, IR_setcond, 32, pick_out(g, false), IR_NOVAL)->cond = (uint8_t)rnd(16);
        break;
    case 1: {
        IRVal a = pick_in(g), c = pick_in(g);
        ir_op2(g->b, IR_selcc, 32, pick_out(g, false), a, c)->cond = (uint8_t)rnd(16);
        break;
    }
    case 2:
        ir_op1(g->b, IR_getcc, 32, pick_out(g, false), IR_NOVAL);
        break;
    case 3: {
        IROp *op = ir_op1(g->b, IR_setcc, 32, IR_NOVAL, pick_in(g));
        op->aux[0] = rnd(2) ? CC_ALL : CC_C | CC_Z;
        break;
    }
    default: {
        int h = (int)rnd(5);
        IRVal args[4] = {pick_in(g), pick_in(g), pick_in(g), pick_in(g)};
        IRVal out = helpers[h].has_ret ? pick_out(g, false) : IR_NOVAL;
        ir_call(g->b, helper_id[h], out, helpers[h].nargs, args);
        break;
    }
    }
}

static void gen_mem(Gen *g)
{
    IRVal a = pick_in(g), c = pick_in(g);
    if (rnd(2))
        ir_op1(g->b, rnd(3) ? IR_ld : IR_ldw, pick_size(), pick_out(g, false), a);
    else
        ir_op2(g->b, IR_st, pick_size(), IR_NOVAL, a, c);
}

/* a forward branch to a label placed later */
static void gen_branch(Gen *g)
{
    if (g->label_next >= 30)
        return;
    int l = ir_new_label(g->b);
    g->label_next++;
    IROp *op;
    switch (rnd(4)) {
    case 0:
        op = ir_emit(g->b, IR_brcond, 32);
        op->cond = (uint8_t)rnd(16);
        break;
    case 1:
        op = ir_op1(g->b, IR_brz, 32, IR_NOVAL, pick_in(g));
        break;
    case 2:
        op = ir_op1(g->b, IR_brnz, 32, IR_NOVAL, pick_in(g));
        break;
    default:
        op = ir_emit(g->b, IR_br, 32);
        break;
    }
    op->aux[0] = (uint32_t)l;
}

static void gen_label(Gen *g)
{
    if (g->label_placed >= g->label_next)
        return;
    ir_emit(g->b, IR_label, 32)->aux[0] = (uint32_t)g->label_placed++;
    g->ntemps = 0; /* temps from before may be undefined on some path */
}

static void gen_exit(Gen *g, bool last)
{
    IROp *op;
    if (!last && rnd(2)) {
        op = ir_emit(g->b, IR_raise, 32);
        op->aux[0] = 11;
    } else if (rnd(2)) {
        op = ir_emit(g->b, IR_goto_tb, 32);
        op->aux[0] = rnd(2);
        op->aux[1] = 0x8049000;
    } else {
        op = ir_emit(g->b, IR_exit_tb, 32);
        op->aux[0] = EXIT_NORMAL;
    }
}

static void gen_block(IRBlock *b, bool many_consts)
{
    Gen g = {.b = b};
    ir_block_init(b, 0x8048000);
    if (many_consts) /* push nvals near IR_MAX_VALS: the fused pass declines */
        while (b->nvals < IR_MAX_VALS - 40 - (int)rnd(60))
            ir_const(b, rnd(4));
    int n = 5 + (int)rnd(55);
    for (int i = 0; i < n && b->nvals < IR_MAX_VALS - 12; i++) {
        uint32_t r = rnd(100);
        if (r < 12) {
            IROp *op = ir_emit(b, IR_insn_start, 32);
            op->aux[0] = 0x8048000 + (uint32_t)i;
            op->aux[1] = 1;
        } else if (r < 30) {
            gen_plain(&g);
        } else if (r < 60) {
            gen_cc(&g);
        } else if (r < 68) {
            gen_flag_reader(&g);
        } else if (r < 76) {
            gen_mem(&g);
        } else if (r < 84) {
            if (g.ntemps)
                ir_op1(b, IR_mov, 32, (IRVal)(IR_G_EAX + rnd(8)), g.temps[rnd((uint32_t)g.ntemps)]);
        } else if (r < 90) {
            gen_branch(&g);
        } else if (r < 96) {
            gen_label(&g);
        } else if (r < 98 && g.label_placed < g.label_next) {
            gen_exit(&g, false); /* only where a later label makes code reachable */
            gen_label(&g);
        }
    }
    while (g.label_placed < g.label_next)
        gen_label(&g);
    gen_exit(&g, true);
}

/* ---- the comparison ---- */

static void optimize_separately(IRBlock *b)
{
    ir_opt_fold(b);
    ir_opt_cc_liveness(b);
    ir_opt_cc_plain(b);
    if (ir_opt_dce(b))
        ir_opt_cc_liveness(b);
}

static bool same_block(const IRBlock *x, const IRBlock *y)
{
    if (x->nops != y->nops || x->nvals != y->nvals ||
        memcmp(x->val, y->val, sizeof(x->val[0]) * (size_t)x->nvals) != 0)
        return false;
    for (int i = 0; i < x->nops; i++) {
        const IROp *a = &x->op[i], *b = &y->op[i];
        if (a->opc != b->opc || a->size != b->size || a->cond != b->cond || a->nin != b->nin ||
            a->nout != b->nout || a->cc_live != b->cc_live ||
            memcmp(a->out, b->out, sizeof(a->out)) != 0 ||
            memcmp(a->in, b->in, sizeof(a->in)) != 0 || memcmp(a->aux, b->aux, sizeof(a->aux)) != 0)
            return false;
    }
    return true;
}

static IRBlock orig, want, got;

static void test_random_blocks(int count, bool many_consts)
{
    int differ = 0, declined = 0, removed = 0, planed = 0, fits = 0;
    for (int i = 0; i < count; i++) {
        gen_block(&orig, many_consts);
        memcpy(&want, &orig, sizeof(orig));
        memcpy(&got, &orig, sizeof(orig));
        optimize_separately(&want);
        ir_optimize(&got);
        if (!same_block(&want, &got)) {
            if (differ++ == 0) {
                printf("block %d differs; input:\n", i);
                ir_print(stdout, &orig);
                printf("separate passes:\n");
                ir_print(stdout, &want);
                printf("ir_optimize:\n");
                ir_print(stdout, &got);
            }
        }
        /* what the blocks exercised */
        static uint16_t nuse[IR_MAX_VALS];
        memcpy(&got, &orig, sizeof(orig));
        ir_opt_fold_count(&got, nuse);
        int before = got.nops, nvals = got.nvals;
        bool must_decline = got.nvals + got.nops >= IR_MAX_VALS;
        fits += !must_decline;
        if (!ir_opt_cc_dce(&got, nuse))
            declined++;
        else if (got.nops < before)
            removed++;
        planed += got.nvals > nvals; /* inc -> add $1, xor t, t -> mov $0 */
    }
    char what[128];
    snprintf(what, sizeof what, "%d random blocks%s: fused = separate passes (%d differ)", count,
             many_consts ? " near IR_MAX_VALS" : "", differ);
    check(differ == 0, what);
    printf("(%d blocks: %d declined, %d fit, %d lost ops, %d made constants)\n", count, declined,
           fits, removed, planed);
    if (many_consts) {
        check(declined == count - fits && declined > 0 && fits > 0,
              "blocks near IR_MAX_VALS are declined exactly when a constant might not fit");
    } else {
        check(declined == 0, "ordinary blocks are not declined");
        check(removed > count / 4, "many blocks lose dead ops");
        check(planed > 0, "cc_plain made constants");
    }
}

int main(void)
{
    for (int i = 0; i < 5; i++)
        helper_id[i] = ir_helper_register(&helpers[i]);
    test_random_blocks(20000, false);
    test_random_blocks(500, true);
    return unit_summary();
}
