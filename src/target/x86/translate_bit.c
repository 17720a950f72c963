/*
 * translate_bit.c - bit tests and scans, bswap, setcc, cmovcc.
 *
 * bt/bts/btr/btc with a register offset on a memory operand address the
 * whole bit string: the operand is at ea + (signed offset >> log2(bits)) *
 * bytes, and the op masks the remaining offset to the operand size.  With
 * an immediate offset the op's own masking is the whole story.
 */
#include "target/x86/translate.h"

/* Address of the word holding the bit: ea + (sext(off) >> log2 bits) * bytes. */
static IRVal gen_bt_addr(X86Trans *t, IRVal ea, IRVal off, int bytes)
{
    int bits = X86_BITS(bytes);
    IRVal soff = bytes == 2 ? gen_op1(t, IR_sext, 16, off) : off;
    IRVal words = gen_op2(t, IR_sar, 32, soff, gen_const(t, bits == 16 ? 4 : 5));
    IRVal delta = gen_op2(t, IR_shl, 32, words, gen_const(t, bits == 16 ? 1 : 2));
    return gen_op2(t, IR_add, 32, ea, delta);
}

static void gen_bitop(X86Trans *t, const X86Insn *insn, IROpc opc)
{
    const X86Operand *d = &insn->op[0], *o = &insn->op[1];
    int bits = X86_BITS(d->size);
    IRVal off = gen_ld_op(t, o, IR_NOVAL);
    IRVal ea = IR_NOVAL;
    if (d->kind == X86_OP_MEM) {
        ea = gen_ea(t, d);
        if (o->kind == X86_OP_REG)
            ea = gen_bt_addr(t, ea, off, d->size);
    }
    if (opc == IR_bt_cc) {
        IRVal v = gen_ld_op(t, d, ea);
        ir_op2(t->ir, IR_bt_cc, bits, IR_NOVAL, v, off);
        return;
    }
    IRVal v = gen_ldw_op(t, d, ea);
    IRVal r = gen_op2(t, opc, bits, v, off);
    gen_st_op(t, d, ea, r);
}

void gen_BT(X86Trans *t, const X86Insn *insn)
{
    gen_bitop(t, insn, IR_bt_cc);
}
void gen_BTS(X86Trans *t, const X86Insn *insn)
{
    gen_bitop(t, insn, IR_bts_cc);
}
void gen_BTR(X86Trans *t, const X86Insn *insn)
{
    gen_bitop(t, insn, IR_btr_cc);
}
void gen_BTC(X86Trans *t, const X86Insn *insn)
{
    gen_bitop(t, insn, IR_btc_cc);
}

/* bsf/bsr r, r/m: a zero source keeps the old destination (in1). */
static void gen_bitscan(X86Trans *t, const X86Insn *insn, IROpc opc)
{
    const X86Operand *d = &insn->op[0], *s = &insn->op[1];
    IRVal v = gen_ld_op(t, s, gen_ea_if_mem(t, s));
    IRVal old = gen_reg_read(t, d->reg, d->size);
    IRVal r = gen_op2(t, opc, X86_BITS(d->size), v, old);
    gen_reg_write(t, d->reg, d->size, r);
}

void gen_BSF(X86Trans *t, const X86Insn *insn)
{
    gen_bitscan(t, insn, IR_bsf_cc);
}
void gen_BSR(X86Trans *t, const X86Insn *insn)
{
    gen_bitscan(t, insn, IR_bsr_cc);
}

/* bswap r32; with a 16-bit operand (undefined in the SDM) real CPUs clear
 * the low 16 bits, and so do we. */
void gen_BSWAP(X86Trans *t, const X86Insn *insn)
{
    const X86Operand *d = &insn->op[0];
    if (d->size == 2) {
        gen_reg_write(t, d->reg, 2, gen_const(t, 0));
        return;
    }
    IRVal r = gen_op1(t, IR_bswap, 32, (IRVal)(IR_G_EAX + d->reg));
    gen_reg_write(t, d->reg, 4, r);
}

void gen_SETCC(X86Trans *t, const X86Insn *insn)
{
    const X86Operand *d = &insn->op[0];
    IRVal ea = gen_ea_if_mem(t, d);
    IRVal r = ir_temp(t->ir);
    ir_op1(t->ir, IR_setcond, 32, r, IR_NOVAL)->cond = insn->cond;
    gen_st_op(t, d, ea, r);
}

/* cmovcc r, r/m: the source is read (and may fault) whatever the condition;
 * the destination is written either way, as on hardware. */
void gen_CMOVCC(X86Trans *t, const X86Insn *insn)
{
    const X86Operand *d = &insn->op[0], *s = &insn->op[1];
    IRVal v = gen_ld_op(t, s, gen_ea_if_mem(t, s));
    IRVal old = gen_reg_read(t, d->reg, d->size);
    IRVal r = ir_temp(t->ir);
    ir_op2(t->ir, IR_selcc, 32, r, v, old)->cond = insn->cond;
    gen_reg_write(t, d->reg, d->size, r);
}
