/*
 * translate_shift.c - rol ror rcl rcr shl shr sar, shld shrd.
 *
 * The IR shift ops mask the count as x86 does and leave the value and all
 * flags alone for a masked count of zero, so each instruction is one cc op;
 * a memory destination keeps the fused "ldw; cc op; st" shape.
 */
#include "target/x86/translate.h"

/* A shift count operand: an immediate, or CL.  The ops mask the count
 * themselves, so CL is passed as the whole ECX global (no zext temp: the
 * emitter can use the host CL directly). */
static IRVal gen_count(X86Trans *t, const X86Operand *op)
{
    if (op->kind == X86_OP_REG && op->reg == R_ECX)
        return IR_G_ECX;
    return gen_ld_op(t, op, IR_NOVAL);
}

/* op[0] = destination; op[1] = count (imm or CL), absent for the "by 1" forms. */
static void gen_shift(X86Trans *t, const X86Insn *insn, IROpc opc)
{
    const X86Operand *d = &insn->op[0];
    IRVal cnt = insn->nops >= 2 ? gen_count(t, &insn->op[1]) : gen_const(t, 1);
    IRVal dea = gen_ea_if_mem(t, d);
    IRVal a = gen_ldw_op(t, d, dea);
    IRVal r = gen_op2(t, opc, X86_BITS(d->size), a, cnt);
    gen_st_op(t, d, dea, r);
}

void gen_ROL(X86Trans *t, const X86Insn *insn)
{
    gen_shift(t, insn, IR_rol_cc);
}
void gen_ROR(X86Trans *t, const X86Insn *insn)
{
    gen_shift(t, insn, IR_ror_cc);
}
void gen_RCL(X86Trans *t, const X86Insn *insn)
{
    gen_shift(t, insn, IR_rcl_cc);
}
void gen_RCR(X86Trans *t, const X86Insn *insn)
{
    gen_shift(t, insn, IR_rcr_cc);
}
void gen_SHL(X86Trans *t, const X86Insn *insn)
{
    gen_shift(t, insn, IR_shl_cc);
}
void gen_SHR(X86Trans *t, const X86Insn *insn)
{
    gen_shift(t, insn, IR_shr_cc);
}
void gen_SAR(X86Trans *t, const X86Insn *insn)
{
    gen_shift(t, insn, IR_sar_cc);
}

/* shld/shrd r/m, r, imm8|CL */
static void gen_dshift(X86Trans *t, const X86Insn *insn, IROpc opc)
{
    const X86Operand *d = &insn->op[0];
    IRVal src = gen_ld_op(t, &insn->op[1], IR_NOVAL);
    IRVal cnt = gen_count(t, &insn->op[2]);
    IRVal dea = gen_ea_if_mem(t, d);
    IRVal a = gen_ldw_op(t, d, dea);
    IRVal r = gen_op3(t, opc, X86_BITS(d->size), a, src, cnt);
    gen_st_op(t, d, dea, r);
}

void gen_SHLD(X86Trans *t, const X86Insn *insn)
{
    gen_dshift(t, insn, IR_shld_cc);
}
void gen_SHRD(X86Trans *t, const X86Insn *insn)
{
    gen_dshift(t, insn, IR_shrd_cc);
}
