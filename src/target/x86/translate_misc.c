/*
 * translate_misc.c - flag instructions (clc stc cmc cld std lahf sahf salc),
 * BCD adjusts, cpuid, rdtsc/rdtscp, nop/pause/fences, arpl, lar/lsl/verr/verw,
 * and the
 * instructions xlat refuses (xgetbv: OSXSAVE is not advertised).
 *
 * Single status flags are changed with setcc and a CC mask so the other
 * flags stay live; DF is its own global (+1/-1).  The BCD adjusts and the
 * CPU identification run as helpers.
 */
#include "target/x86/translate.h"

#include <signal.h>

#include "target/x86/cpuid.h"

void gen_NOP(X86Trans *t, const X86Insn *insn) {}

static void gen_set_flags(X86Trans *t, uint32_t mask, IRVal v)
{
    IROp *op = ir_emit(t->ir, IR_setcc, 32);
    op->in[0] = v;
    op->aux[0] = mask;
}

void gen_CLC(X86Trans *t, const X86Insn *insn)
{
    gen_set_flags(t, CC_C, gen_const(t, 0));
}
void gen_STC(X86Trans *t, const X86Insn *insn)
{
    gen_set_flags(t, CC_C, gen_const(t, CC_C));
}

void gen_CMC(X86Trans *t, const X86Insn *insn)
{
    IRVal cc = ir_temp(t->ir);
    ir_op1(t->ir, IR_getcc, 32, cc, IR_NOVAL);
    gen_set_flags(t, CC_C, gen_op2(t, IR_xor, 32, cc, gen_const(t, CC_C)));
}

void gen_CLD(X86Trans *t, const X86Insn *insn)
{
    ir_op1(t->ir, IR_mov, 32, IR_G_DF, gen_const(t, 1));
}

void gen_STD(X86Trans *t, const X86Insn *insn)
{
    ir_op1(t->ir, IR_mov, 32, IR_G_DF, gen_const(t, 0xffffffffu));
}

/* lahf: AH = SF:ZF:0:AF:0:PF:1:CF. */
void gen_LAHF(X86Trans *t, const X86Insn *insn)
{
    IRVal cc = ir_temp(t->ir);
    ir_op1(t->ir, IR_getcc, 32, cc, IR_NOVAL);
    IRVal v = gen_op2(t, IR_and, 32, cc, gen_const(t, CC_S | CC_Z | CC_A | CC_P | CC_C));
    v = gen_op2(t, IR_or, 32, v, gen_const(t, 0x2));
    gen_reg_write(t, 4 /* AH */, 1, v);
}

void gen_SAHF(X86Trans *t, const X86Insn *insn)
{
    IRVal ah = gen_op1(t, IR_ext8hi, 32, IR_G_EAX);
    gen_set_flags(t, CC_S | CC_Z | CC_A | CC_P | CC_C, ah);
}

/* salc: AL = CF ? 0xff : 0 (flags unchanged). */
void gen_SALC(X86Trans *t, const X86Insn *insn)
{
    IRVal c = ir_temp(t->ir);
    ir_op1(t->ir, IR_setcond, 32, c, IR_NOVAL)->cond = CC_COND_B;
    gen_reg_write(t, R_EAX, 1, gen_op1(t, IR_neg, 32, c));
}

static void gen_misc_helper(X86Trans *t, int which, IRVal arg)
{
    gen_set_eip(t, t->pc);
    gen_helper(t, x86_helper_misc_id(which), arg == IR_NOVAL ? 0 : 1, arg, IR_NOVAL, IR_NOVAL,
               IR_NOVAL);
}

void gen_DAA(X86Trans *t, const X86Insn *insn)
{
    gen_misc_helper(t, X86H_DAA, IR_NOVAL);
}
void gen_DAS(X86Trans *t, const X86Insn *insn)
{
    gen_misc_helper(t, X86H_DAS, IR_NOVAL);
}
void gen_AAA(X86Trans *t, const X86Insn *insn)
{
    gen_misc_helper(t, X86H_AAA, IR_NOVAL);
}
void gen_AAS(X86Trans *t, const X86Insn *insn)
{
    gen_misc_helper(t, X86H_AAS, IR_NOVAL);
}

static uint32_t bcd_base(const X86Insn *insn)
{
    return insn->nops >= 1 ? insn->op[0].imm & 0xff : 10;
}

/* aam 0 is a divide error. */
void gen_AAM(X86Trans *t, const X86Insn *insn)
{
    uint32_t base = bcd_base(insn);
    if (base == 0) {
        gen_raise(t, SIGFPE, X86_FPE_INTDIV, t->pc, t->pc);
        return;
    }
    gen_misc_helper(t, X86H_AAM, gen_const(t, base));
}

void gen_AAD(X86Trans *t, const X86Insn *insn)
{
    gen_misc_helper(t, X86H_AAD, gen_const(t, bcd_base(insn)));
}

void gen_CPUID(X86Trans *t, const X86Insn *insn)
{
    gen_misc_helper(t, X86H_CPUID, IR_NOVAL);
}
void gen_RDTSC(X86Trans *t, const X86Insn *insn)
{
    gen_misc_helper(t, X86H_RDTSC, IR_NOVAL);
}

void gen_RDTSCP(X86Trans *t, const X86Insn *insn)
{
    if (!x86_cpu_has_rdtscp()) {
        gen_illegal(t);
        return;
    }
    gen_misc_helper(t, X86H_RDTSCP, IR_NOVAL);
}

void gen_XGETBV(X86Trans *t, const X86Insn *insn)
{
    gen_illegal(t);
}

/* arpl r/m16, r16: raise the destination's RPL to the source's; ZF says
 * whether it changed. */
void gen_ARPL(X86Trans *t, const X86Insn *insn)
{
    const X86Operand *d = &insn->op[0];
    IRVal ea = gen_ea_if_mem(t, d);
    IRVal src = gen_ld_op(t, &insn->op[1], IR_NOVAL);
    IRVal dv = gen_ldw_op(t, d, ea);
    IRVal drpl = gen_op2(t, IR_and, 32, dv, gen_const(t, 3));
    IRVal srpl = gen_op2(t, IR_and, 32, src, gen_const(t, 3));
    /* drpl < srpl  <=>  drpl - srpl is negative (both are 0..3) */
    IRVal less = gen_op2(t, IR_shr, 32, gen_op2(t, IR_sub, 32, drpl, srpl), gen_const(t, 31));
    IRVal adj = gen_op2(t, IR_or, 32, gen_op2(t, IR_and, 32, dv, gen_const(t, ~3u)), srpl);
    IRVal r = gen_op3(t, IR_selnz, 32, less, adj, dv);
    gen_st_op(t, d, ea, r);
    gen_set_flags(t, CC_Z, gen_op2(t, IR_shl, 32, less, gen_const(t, 6)));
}

/* lar/lsl r, r/m16: the helper sets ZF and returns the new destination
 * (the old one when the selector is not visible). */
static void gen_selinfo(X86Trans *t, const X86Insn *insn, int kind)
{
    X86Operand s16 = insn->op[insn->nops >= 2 ? 1 : 0];
    s16.size = 2;
    IRVal sel = gen_ld_op(t, &s16, gen_ea_if_mem(t, &s16));
    IRVal old = IR_NOVAL;
    const X86Operand *d = &insn->op[0];
    if (kind == X86_SEL_LAR || kind == X86_SEL_LSL)
        old = gen_reg_read(t, d->reg, 4);
    IRVal r = gen_helper(t, x86_helper_misc_id(X86H_SELINFO), 3, gen_const(t, (uint32_t)kind), sel,
                         old == IR_NOVAL ? gen_const(t, 0) : old, IR_NOVAL);
    if (old != IR_NOVAL)
        gen_reg_write(t, d->reg, d->size, r);
}

void gen_LAR(X86Trans *t, const X86Insn *insn)
{
    gen_selinfo(t, insn, X86_SEL_LAR);
}
void gen_LSL(X86Trans *t, const X86Insn *insn)
{
    gen_selinfo(t, insn, X86_SEL_LSL);
}
void gen_VERR(X86Trans *t, const X86Insn *insn)
{
    gen_selinfo(t, insn, X86_SEL_VERR);
}
void gen_VERW(X86Trans *t, const X86Insn *insn)
{
    gen_selinfo(t, insn, X86_SEL_VERW);
}
