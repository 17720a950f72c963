/*
 * translate_muldiv.c - mul, imul (1, 2 and 3 operands), div, idiv.
 *
 * One-operand forms use the accumulator pair: 8-bit AL * src -> AX,
 * 16-bit AX * src -> DX:AX, 32-bit EAX * src -> EDX:EAX; divides take the
 * dividend from AX / DX:AX / EDX:EAX.  divu/divs raise SIGFPE themselves
 * (divisor 0 or quotient overflow) and come before any register write.
 */
#include "target/x86/translate.h"

/* Write a (lo, hi) pair to AL/AH, AX/DX or EAX/EDX. */
static void gen_write_acc_pair(X86Trans *t, int bytes, IRVal lo, IRVal hi)
{
    if (bytes == 1) {
        gen_reg_write(t, R_EAX, 1, lo);
        gen_reg_write(t, 4 /* AH */, 1, hi);
    } else {
        gen_reg_write(t, R_EAX, bytes, lo);
        gen_reg_write(t, R_EDX, bytes, hi);
    }
}

static void gen_mul1(X86Trans *t, const X86Insn *insn, IROpc opc)
{
    const X86Operand *s = &insn->op[0];
    int bytes = s->size;
    IRVal v = gen_ld_op(t, s, gen_ea_if_mem(t, s));
    IROp *op = ir_emit(t->ir, opc, X86_BITS(bytes));
    IRVal lo = ir_temp(t->ir), hi = ir_temp(t->ir);
    op->in[0] = IR_G_EAX;
    op->in[1] = v;
    op->out[0] = lo;
    op->out[1] = hi;
    gen_write_acc_pair(t, bytes, lo, hi);
}

void gen_MUL(X86Trans *t, const X86Insn *insn)
{
    gen_mul1(t, insn, IR_mulu_cc);
}

/* imul r, r/m (nops 2) or imul r, r/m, imm (nops 3): truncated product. */
void gen_IMUL(X86Trans *t, const X86Insn *insn)
{
    if (insn->nops <= 1) {
        gen_mul1(t, insn, IR_muls_cc);
        return;
    }
    const X86Operand *d = &insn->op[0];
    const X86Operand *a = insn->nops == 3 ? &insn->op[1] : &insn->op[0];
    const X86Operand *b = insn->nops == 3 ? &insn->op[2] : &insn->op[1];
    IRVal va = gen_ld_op(t, a, gen_ea_if_mem(t, a));
    IRVal vb = gen_ld_op(t, b, gen_ea_if_mem(t, b));
    IROp *op = ir_emit(t->ir, IR_muls_cc, X86_BITS(d->size));
    IRVal lo = ir_temp(t->ir), hi = ir_temp(t->ir);
    op->in[0] = va;
    op->in[1] = vb;
    op->out[0] = lo;
    op->out[1] = hi;
    gen_reg_write(t, d->reg, d->size, lo);
}

static void gen_div(X86Trans *t, const X86Insn *insn, IROpc opc)
{
    const X86Operand *s = &insn->op[0];
    int bytes = s->size;
    IRVal v = gen_ld_op(t, s, gen_ea_if_mem(t, s));
    IROp *op = ir_emit(t->ir, opc, X86_BITS(bytes));
    IRVal q = ir_temp(t->ir), r = ir_temp(t->ir);
    op->in[0] = IR_G_EAX;
    op->in[1] = bytes == 1 ? gen_const(t, 0) : IR_G_EDX;
    op->in[2] = v;
    op->out[0] = q;
    op->out[1] = r;
    gen_write_acc_pair(t, bytes, q, r);
}

void gen_DIV(X86Trans *t, const X86Insn *insn)
{
    gen_div(t, insn, IR_divu);
}
void gen_IDIV(X86Trans *t, const X86Insn *insn)
{
    gen_div(t, insn, IR_divs);
}
