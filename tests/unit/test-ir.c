/*
 * test-ir.c - the IR printer, validator and optimizer passes on hand-built
 * blocks: the validator accepts good blocks and names the fault in bad ones,
 * each fold rule fires (and the ones that must not, do not), flag liveness
 * through branches and labels, cc_plain and dce.
 * Ends with "N passed, N failed"; exits non-zero on failure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ir/opt.h"
#include "target/x86/cpu.h"
#include "unit.h"

static IRBlock blk;

static void start(IRBlock *b)
{
    ir_block_init(b, 0x8048000);
    IROp *op = ir_emit(b, IR_insn_start, 32);
    op->aux[0] = 0x8048000;
    op->aux[1] = 3;
}

static IROp *finish(IRBlock *b)
{
    IROp *op = ir_emit(b, IR_exit_tb, 32);
    op->aux[0] = EXIT_NORMAL;
    return op;
}

static IROp *emit_label(IRBlock *b, int l)
{
    IROp *op = ir_emit(b, IR_label, 32);
    op->aux[0] = (uint32_t)l;
    return op;
}

static IROp *emit_br(IRBlock *b, IROpc opc, IRVal v, int l)
{
    IROp *op = ir_emit(b, opc, 32);
    if (opc == IR_brz || opc == IR_brnz)
        op->in[0] = v;
    op->aux[0] = (uint32_t)l;
    return op;
}

/* count ops with opcode opc */
static int count_opc(const IRBlock *b, IROpc opc)
{
    int n = 0;
    for (int i = 0; i < b->nops; i++)
        n += b->op[i].opc == opc;
    return n;
}

/* the op that writes v, or NULL */
static const IROp *def_of(const IRBlock *b, IRVal v)
{
    for (int i = 0; i < b->nops; i++)
        for (int k = 0; k < b->op[i].nout; k++)
            if (b->op[i].out[k] == v)
                return &b->op[i];
    return NULL;
}

static bool is_const_val(const IRBlock *b, IRVal v, uint32_t c)
{
    return v != IR_NOVAL && ir_is_const(b, v) && b->val[v].cval == c;
}

/* ------------------------------------------------------------------------ */

static void test_print(void)
{
    start(&blk);
    IRVal t0 = ir_temp(&blk), t1 = ir_temp(&blk);
    ir_op2(&blk, IR_add_cc, 32, t0, IR_G_EAX, ir_const(&blk, 4));
    ir_op1(&blk, IR_ld, 16, t1, t0);
    ir_op1(&blk, IR_mov, 32, IR_G_EBX, t1);
    IROp *op = ir_emit(&blk, IR_goto_tb, 32);
    op->aux[1] = 0x8048003;
    ir_opt_cc_liveness(&blk);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    ir_print(f, &blk);
    fclose(f);
    check(strstr(buf, "  t0 = add_cc32 eax, $0x4  ; cc_live=OSZAPC\n") != NULL, "print cc op");
    check(strstr(buf, "0x08048000") != NULL, "print insn_start pc");
    check(strstr(buf, "  t1 = ld16 t0\n") != NULL, "print sized load");
    check(strstr(buf, "  mov ebx, t1\n") != NULL, "print global write");
    check(strstr(buf, "goto_tb 0, 0x8048003") != NULL, "print goto_tb");
    free(buf);
}

/* ------------------------------------------------------------------------ */

typedef void (*BuildFn)(IRBlock *b);

static void good_branchy(IRBlock *b)
{
    start(b);
    int l0 = ir_new_label(b);
    IRVal t0 = ir_temp(b), t1 = ir_temp(b);
    ir_op1(b, IR_mov, 32, t0, IR_G_EAX);
    emit_br(b, IR_brz, t0, l0);
    ir_op2(b, IR_add, 32, t1, t0, t0);
    ir_op1(b, IR_mov, 32, IR_G_EBX, t1);
    emit_label(b, l0);
    ir_op1(b, IR_mov, 32, IR_G_ECX, t0); /* t0 defined before the branch: fine */
    finish(b);
}
static void bad_use_before_def(IRBlock *b)
{
    start(b);
    IRVal t0 = ir_temp(b);
    ir_op1(b, IR_mov, 32, IR_G_EAX, t0);
    finish(b);
}
static void bad_double_def(IRBlock *b)
{
    start(b);
    IRVal t0 = ir_temp(b);
    ir_op1(b, IR_mov, 32, t0, IR_G_EAX);
    ir_op1(b, IR_mov, 32, t0, IR_G_EBX);
    finish(b);
}
static void bad_const_write(IRBlock *b)
{
    start(b);
    ir_op1(b, IR_mov, 32, ir_const(b, 1), IR_G_EAX);
    finish(b);
}
static void bad_label_twice(IRBlock *b)
{
    start(b);
    int l = ir_new_label(b);
    emit_label(b, l);
    emit_label(b, l);
    finish(b);
}
static void bad_backward_branch(IRBlock *b)
{
    start(b);
    int l = ir_new_label(b);
    emit_label(b, l);
    emit_br(b, IR_br, IR_NOVAL, l);
    finish(b);
}
static void bad_no_end(IRBlock *b)
{
    start(b);
    ir_op1(b, IR_mov, 32, IR_G_EAX, IR_G_EBX);
}
static void bad_nin(IRBlock *b)
{
    start(b);
    IROp *op = ir_op2(b, IR_add, 32, IR_G_EAX, IR_G_EAX, IR_G_EBX);
    op->nin = 1;
    finish(b);
}
static void bad_size(IRBlock *b)
{
    start(b);
    ir_op2(b, IR_add_cc, 12, IR_G_EAX, IR_G_EAX, IR_G_EBX);
    finish(b);
}
static void bad_shld_size(IRBlock *b)
{
    start(b);
    ir_op3(b, IR_shld_cc, 8, IR_G_EAX, IR_G_EAX, IR_G_EBX, IR_G_ECX);
    finish(b);
}
static void bad_after_label(IRBlock *b)
{
    start(b);
    int l0 = ir_new_label(b);
    IRVal t1 = ir_temp(b);
    emit_br(b, IR_brz, IR_G_EAX, l0);
    ir_op1(b, IR_mov, 32, t1, IR_G_EAX);
    emit_label(b, l0);
    ir_op1(b, IR_mov, 32, IR_G_ECX, t1); /* t1 not defined on the branch path */
    finish(b);
}
static void bad_undefined_label(IRBlock *b)
{
    start(b);
    int l0 = ir_new_label(b);
    emit_br(b, IR_br, IR_NOVAL, l0);
    finish(b);
}
static void bad_input_noval(IRBlock *b)
{
    start(b);
    ir_op2(b, IR_add, 32, IR_G_EAX, IR_G_EAX, IR_NOVAL);
    finish(b);
}

static void test_validate(void)
{
    static const struct {
        const char *name;
        BuildFn fn;
        bool good;
    } t[] = {
        {"good branchy", good_branchy, true},
        {"use before def", bad_use_before_def, false},
        {"double def", bad_double_def, false},
        {"const write", bad_const_write, false},
        {"label twice", bad_label_twice, false},
        {"backward branch", bad_backward_branch, false},
        {"no end", bad_no_end, false},
        {"nin", bad_nin, false},
        {"size", bad_size, false},
        {"shld size", bad_shld_size, false},
        {"read after label", bad_after_label, false},
        {"undefined label", bad_undefined_label, false},
        {"input noval", bad_input_noval, false},
    };
    for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        t[i].fn(&blk);
        const char *err = ir_validate(&blk);
        char msg[200];
        snprintf(msg, sizeof(msg), "validate %s: %s", t[i].name, err ? err : "accepted");
        check(t[i].good ? err == NULL : err != NULL, msg);
    }
}

/* ------------------------------------------------------------------------ */
/* fold: t = op(x, y); mov ebx, t; exit.  Returns what ebx is written from. */

static IRVal fold_one(IROpc opc, int size, IRVal x, IRVal y)
{
    IRVal t = ir_temp(&blk);
    IROp *op = ir_emit(&blk, opc, size);
    op->out[0] = t;
    op->in[0] = x;
    op->in[1] = y;
    ir_op1(&blk, IR_mov, 32, IR_G_EBX, t);
    finish(&blk);
    ir_opt_fold(&blk);
    check(ir_validate(&blk) == NULL, "valid after fold");
    return blk.op[blk.nops - 2].in[0];
}

static void test_fold_rules(void)
{
    static const struct {
        IROpc opc;
        int size;
        int x, y;      /* >=0: constant value; -1: eax; -2: ecx */
        int64_t want;  /* >=0: constant; -1: eax; -2: ecx; -3: not folded */
    } t[] = {
        {IR_add, 32, 2, 3, 5},          {IR_sub, 32, 2, 3, 0xffffffff},
        {IR_mul, 32, 6, 7, 42},         {IR_shl, 32, 1, 35, 8},
        {IR_sar, 32, 0x80000000, 4, 0xf8000000}, {IR_zext, 8, 0x1ff, 0, 0xff},
        {IR_sext, 16, 0x8000, 0, 0xffff8000},    {IR_dep, 8, 0x1234, 0x56, 0x1256},
        {IR_bswap, 32, 0x01020304, 0, 0x04030201}, {IR_seteq, 32, 4, 4, 1},
        {IR_add, 32, -1, 0, -1},        {IR_add, 32, 0, -1, -1},
        {IR_sub, 32, -1, 0, -1},        {IR_or, 32, -1, 0, -1},
        {IR_xor, 32, -1, 0, -1},        {IR_and, 32, -1, 0xffffffff, -1},
        {IR_and, 32, -1, 0, 0},         {IR_mul, 32, -1, 1, -1},
        {IR_mul, 32, -1, 0, 0},         {IR_shl, 32, -1, 0, -1},
        {IR_shr, 32, -1, 32, -1},       {IR_sar, 32, -1, 0, -1},
        {IR_xor, 32, -1, -1, 0},        {IR_sub, 32, -1, -1, 0},
        {IR_zext, 32, -1, 0, -1},       {IR_dep, 32, -1, -2, -2},
        {IR_add, 32, -1, -2, -3},       {IR_and, 32, -1, 0xff, -3},
        {IR_add_cc, 32, 2, 3, -3},      {IR_zext, 8, -1, 0, -3},
    };
    for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        start(&blk);
        IRVal x = t[i].x == -1 ? IR_G_EAX : t[i].x == -2 ? IR_G_ECX : ir_const(&blk, (uint32_t)t[i].x);
        IRVal y = t[i].y == -1 ? IR_G_EAX : t[i].y == -2 ? IR_G_ECX : ir_const(&blk, (uint32_t)t[i].y);
        if (ir_opdef[t[i].opc].nin < 2)
            y = IR_NOVAL;
        IRVal r = fold_one(t[i].opc, t[i].size, x, y);
        bool ok;
        if (t[i].want >= 0)
            ok = is_const_val(&blk, r, (uint32_t)t[i].want);
        else if (t[i].want == -1)
            ok = r == IR_G_EAX;
        else if (t[i].want == -2)
            ok = r == IR_G_ECX;
        else
            ok = r >= IR_NGLOBALS && !ir_is_const(&blk, r) && def_of(&blk, r)->opc == t[i].opc;
        char msg[100];
        snprintf(msg, sizeof(msg), "fold rule %zu (%s%d)", i, ir_opdef[t[i].opc].name, t[i].size);
        check(ok, msg);
    }
}

static void test_fold_copies(void)
{
    /* copy of a global, global unchanged: propagated */
    start(&blk);
    IRVal t0 = ir_temp(&blk), t1 = ir_temp(&blk), t2 = ir_temp(&blk);
    ir_op1(&blk, IR_mov, 32, t0, IR_G_EAX);
    ir_op1(&blk, IR_mov, 32, t1, t0);
    ir_op2(&blk, IR_add, 32, t2, t1, IR_G_ECX);
    ir_op1(&blk, IR_mov, 32, IR_G_EDX, t2);
    finish(&blk);
    ir_opt_fold(&blk);
    check(def_of(&blk, t2)->in[0] == IR_G_EAX, "copy chain of a global propagates");

    /* the global is written in between: not propagated */
    start(&blk);
    t0 = ir_temp(&blk), t1 = ir_temp(&blk);
    ir_op1(&blk, IR_mov, 32, t0, IR_G_EAX);
    ir_op1(&blk, IR_mov, 32, IR_G_EAX, IR_G_ECX);
    ir_op2(&blk, IR_add, 32, t1, t0, IR_G_ECX);
    ir_op1(&blk, IR_mov, 32, IR_G_EDX, t1);
    finish(&blk);
    ir_opt_fold(&blk);
    check(def_of(&blk, t1)->in[0] == t0, "copy of a global written in between stays");
    check(count_opc(&blk, IR_mov) == 3, "global writes kept");

    /* constants propagate into memory ops, which are kept */
    start(&blk);
    t0 = ir_temp(&blk), t1 = ir_temp(&blk);
    ir_op1(&blk, IR_mov, 32, t0, ir_const(&blk, 0x1000));
    ir_op1(&blk, IR_ld, 32, t1, t0); /* result unused: still kept */
    finish(&blk);
    ir_opt_fold(&blk);
    ir_opt_cc_liveness(&blk);
    ir_opt_dce(&blk);
    check(count_opc(&blk, IR_ld) == 1, "unused load kept");
    check(is_const_val(&blk, def_of(&blk, t1)->in[0], 0x1000), "const propagated into load");
    check(count_opc(&blk, IR_mov) == 0, "dead mov removed");

    /* brz/brnz on constants */
    for (int k = 0; k < 4; k++) {
        start(&blk);
        int l = ir_new_label(&blk);
        emit_br(&blk, k < 2 ? IR_brz : IR_brnz, ir_const(&blk, k & 1), l);
        ir_op1(&blk, IR_mov, 32, IR_G_EAX, IR_G_EBX);
        emit_label(&blk, l);
        finish(&blk);
        ir_opt_fold(&blk);
        bool taken = k < 2 ? (k & 1) == 0 : (k & 1) != 0;
        check(count_opc(&blk, IR_br) == (taken ? 1 : 0) && count_opc(&blk, IR_brz) == 0 &&
                  count_opc(&blk, IR_brnz) == 0 && ir_validate(&blk) == NULL,
              "branch on constant");
    }

    /* selnz on a constant */
    start(&blk);
    t0 = ir_temp(&blk);
    ir_op3(&blk, IR_selnz, 32, t0, ir_const(&blk, 0), IR_G_EAX, IR_G_ECX);
    ir_op1(&blk, IR_mov, 32, IR_G_EDX, t0);
    finish(&blk);
    ir_opt_fold(&blk);
    check(blk.op[blk.nops - 2].in[0] == IR_G_ECX, "selnz on constant");

    /* a call that writes globals ends the copy of a global */
    static const IRHelper h = {"h", NULL, 0, 0, HF_WRITE_GLOBALS};
    int id = ir_helper_register(&h);
    start(&blk);
    t0 = ir_temp(&blk), t1 = ir_temp(&blk);
    ir_op1(&blk, IR_mov, 32, t0, IR_G_EAX);
    ir_call(&blk, id, IR_NOVAL, 0, NULL);
    ir_op2(&blk, IR_add, 32, t1, t0, IR_G_ECX);
    ir_op1(&blk, IR_mov, 32, IR_G_EDX, t1);
    finish(&blk);
    ir_opt_fold(&blk);
    check(def_of(&blk, t1)->in[0] == t0, "call writing globals stops copy propagation");
}

/* ------------------------------------------------------------------------ */

static const IROp *nth_opc(const IRBlock *b, IROpc opc, int n)
{
    for (int i = 0; i < b->nops; i++)
        if (b->op[i].opc == opc && n-- == 0)
            return &b->op[i];
    return NULL;
}

static void test_liveness(void)
{
    /* add_cc; adc_cc; exit: only CF of the first is live */
    start(&blk);
    IRVal t0 = ir_temp(&blk), t1 = ir_temp(&blk);
    ir_op2(&blk, IR_add_cc, 32, t0, IR_G_EAX, IR_G_EBX);
    ir_op2(&blk, IR_adc_cc, 32, t1, IR_G_ECX, IR_G_EDX);
    finish(&blk);
    ir_opt_cc_liveness(&blk);
    check(blk.op[1].cc_live == CC_C && blk.op[2].cc_live == CC_ALL, "liveness adc");

    /* branch: live at label joins the fall-through */
    start(&blk);
    int l = ir_new_label(&blk);
    ir_op2(&blk, IR_sub_cc, 32, IR_NOVAL, IR_G_EAX, IR_G_EBX);   /* op 1 */
    IROp *op = emit_br(&blk, IR_brcond, IR_NOVAL, l);              /* op 2: jz */
    op->cond = CC_COND_E;
    ir_op2(&blk, IR_and_cc, 32, t0, IR_G_EAX, IR_G_EBX);          /* op 3 */
    op = ir_emit(&blk, IR_setcond, 32);                            /* op 4: setc */
    op->out[0] = t1;
    op->cond = CC_COND_B;
    ir_op1(&blk, IR_mov, 32, IR_G_ECX, t1);
    ir_op2(&blk, IR_xor_cc, 32, IR_G_EDX, IR_G_EDX, IR_G_EDX);    /* op 6 */
    emit_label(&blk, l);
    op = ir_emit(&blk, IR_setcc, 32); /* defines everything but SF */
    op->in[0] = IR_G_EAX;
    op->aux[0] = CC_ALL & ~CC_S;
    finish(&blk);
    ir_opt_cc_liveness(&blk);
    check(blk.op[6].cc_live == CC_S, "liveness before label with setcc");
    check(blk.op[3].cc_live == CC_C, "liveness setcond");
    check(blk.op[2].cc_live == CC_S, "liveness after brcond = label | fall-through");
    check(blk.op[1].cc_live == (CC_S | CC_Z), "liveness brcond uses ZF");
    check(blk.op[0].cc_live == 0, "liveness at block start (sub kills all)");

    /* shifts: constant nonzero count kills, zero or unknown count does not */
    static const struct {
        IROpc opc;
        int size;
        int count; /* -1: ecx */
        uint16_t live_before;
    } sh[] = {
        {IR_shl_cc, 32, 3, 0},         {IR_shl_cc, 32, 32, CC_ALL},
        {IR_shr_cc, 32, -1, CC_ALL},   {IR_rol_cc, 32, 1, CC_ALL & ~(CC_C | CC_O)},
        {IR_rcl_cc, 32, 1, (CC_ALL & ~(CC_O)) }, {IR_rcl_cc, 8, 9, CC_ALL},
        {IR_shld_cc, 32, 4, 0},
    };
    for (size_t i = 0; i < sizeof(sh) / sizeof(sh[0]); i++) {
        start(&blk);
        IRVal c = sh[i].count < 0 ? IR_G_ECX : ir_const(&blk, (uint32_t)sh[i].count);
        t0 = ir_temp(&blk);
        if (sh[i].opc == IR_shld_cc)
            ir_op3(&blk, sh[i].opc, sh[i].size, t0, IR_G_EAX, IR_G_EBX, c);
        else
            ir_op2(&blk, sh[i].opc, sh[i].size, t0, IR_G_EAX, c);
        ir_op1(&blk, IR_mov, 32, IR_G_EAX, t0);
        finish(&blk);
        ir_opt_cc_liveness(&blk);
        char msg[80];
        snprintf(msg, sizeof(msg), "liveness shift %zu: %#x", i, blk.op[0].cc_live);
        check(blk.op[0].cc_live == sh[i].live_before, msg);
    }

    /* calls */
    static const IRHelper hr = {"rd", NULL, 0, 0, HF_READ_CC}, hw = {"wr", NULL, 0, 0, HF_WRITE_CC};
    int idr = ir_helper_register(&hr), idw = ir_helper_register(&hw);
    start(&blk);
    ir_op2(&blk, IR_add_cc, 32, IR_NOVAL, IR_G_EAX, IR_G_EBX);
    ir_call(&blk, idr, IR_NOVAL, 0, NULL);
    ir_op2(&blk, IR_add_cc, 32, IR_NOVAL, IR_G_EAX, IR_G_EBX);
    ir_call(&blk, idw, IR_NOVAL, 0, NULL);
    finish(&blk);
    ir_opt_cc_liveness(&blk);
    check(blk.op[1].cc_live == CC_ALL && blk.op[3].cc_live == 0, "liveness calls");
}

static void test_cc_plain_dce(void)
{
    start(&blk);
    IRVal t[8];
    for (int i = 0; i < 8; i++)
        t[i] = ir_temp(&blk);
    ir_op2(&blk, IR_add_cc, 32, t[0], IR_G_EAX, IR_G_EBX);   /* flags dead: add */
    ir_op2(&blk, IR_add_cc, 8, t[1], IR_G_EAX, IR_G_EBX);    /* size 8: stays */
    ir_op2(&blk, IR_shl_cc, 32, t[4], t[0], IR_G_ECX);        /* unknown count: stays */
    ir_op1(&blk, IR_inc_cc, 32, t[2], t[4]);                  /* -> add $1 */
    ir_op2(&blk, IR_shl_cc, 32, t[3], t[2], ir_const(&blk, 2)); /* -> shl */
    ir_op2(&blk, IR_sub_cc, 32, t[5], IR_G_EAX, IR_G_EBX);   /* unused result, dead: removed */
    ir_op2(&blk, IR_mul, 32, t[6], t[5], t[5]);               /* unused: removed */
    ir_op2(&blk, IR_sub_cc, 32, IR_NOVAL, t[3], t[1]);        /* cmp, flags live: stays */
    ir_op1(&blk, IR_mov, 32, IR_G_EAX, t[3]);
    finish(&blk);
    ir_optimize(&blk);
    check(ir_validate(&blk) == NULL, "valid after optimize");
    check(def_of(&blk, t[0])->opc == IR_add, "cc_plain add");
    check(def_of(&blk, t[1])->opc == IR_add_cc, "cc_plain keeps size 8");
    check(def_of(&blk, t[2])->opc == IR_add && is_const_val(&blk, def_of(&blk, t[2])->in[1], 1),
          "cc_plain inc -> add 1");
    check(def_of(&blk, t[3])->opc == IR_shl, "cc_plain shl by constant");
    check(def_of(&blk, t[4])->opc == IR_shl_cc, "shl by unknown count stays");
    check(!def_of(&blk, t[5]) && !def_of(&blk, t[6]), "dce removes dead chain");
    check(count_opc(&blk, IR_sub_cc) == 1, "live cmp kept");
    const IROp *cmp = nth_opc(&blk, IR_sub_cc, 0);
    check(cmp && cmp->cc_live == CC_ALL, "final liveness");
}

/* ir_opt_dce() says when removing an op made flags dead (it read them),
 * so that ir_optimize() runs liveness again only then: "t0 = add_cc; ...;
 * <dead op with flags dead after it>; sub_cc" with the dead op an adc (reads
 * CF) or an add (reads nothing). */
static void test_dce_cc_changed(void)
{
    for (int adc = 0; adc < 2; adc++) {
        for (int whole = 0; whole < 2; whole++) {
            start(&blk);
            IRVal t0 = ir_temp(&blk), t1 = ir_temp(&blk), t2 = ir_temp(&blk);
            ir_op2(&blk, IR_add_cc, 32, t0, IR_G_EAX, IR_G_ECX);
            ir_op1(&blk, IR_mov, 32, IR_G_EAX, t0);
            ir_op2(&blk, adc ? IR_adc_cc : IR_add_cc, 32, t1, IR_G_EBX, IR_G_EDX); /* unused */
            ir_op2(&blk, IR_sub_cc, 32, t2, IR_G_ESI, IR_G_EDI);
            ir_op1(&blk, IR_mov, 32, IR_G_ESI, t2);
            finish(&blk);
            if (whole) {
                ir_optimize(&blk);
            } else {
                ir_opt_cc_liveness(&blk);
                check(def_of(&blk, t0)->cc_live == (adc ? CC_C : 0), "cc_live before dce");
                check(ir_opt_dce(&blk) == (adc != 0), "dce reports removed flag reads");
                ir_opt_cc_liveness(&blk);
            }
            check(def_of(&blk, t1) == NULL, "dead op removed");
            check(def_of(&blk, t0)->cc_live == 0, "flags read only by a removed op are dead");
        }
    }
}

int main(void)
{
    test_print();
    test_validate();
    test_fold_rules();
    test_fold_copies();
    test_liveness();
    test_cc_plain_dce();
    test_dce_cc_changed();
    return unit_summary();
}
