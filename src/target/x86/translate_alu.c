/*
 * translate_alu.c - the integer ALU families: add or adc sbb and sub xor cmp
 * test inc dec neg not.
 *
 * A memory destination is a read-modify-write in exactly the shape the
 * emitter fuses into one host instruction: "t = ldw A; r = <cc op> t, x;
 * st A, r".  ldw proves the page writable before anything changes, so the
 * flags written by the cc op before the store are safe (ir.h FAULTS rule).
 * cmp and test only read their destination (plain ld, no store).
 */
#include "target/x86/translate.h"

/* dst = dst <op> src, with x86 flags; store=false for cmp/test. */
static void gen_alu2(X86Trans *t, const X86Insn *insn, IROpc cc_op, bool store)
{
    const X86Operand *d = &insn->op[0], *s = &insn->op[1];
    IRVal dea = gen_ea_if_mem(t, d);
    IRVal sea = gen_ea_if_mem(t, s);
    IRVal b = gen_ld_op(t, s, sea);
    IRVal a = store ? gen_ldw_op(t, d, dea) : gen_ld_op(t, d, dea);
    IRVal r = gen_op2(t, cc_op, X86_BITS(d->size), a, b);
    if (store)
        gen_st_op(t, d, dea, r);
}

/* dst = <op> dst (inc dec neg: with flags; not: without). */
static void gen_alu1(X86Trans *t, const X86Insn *insn, IROpc opc, int bits)
{
    const X86Operand *d = &insn->op[0];
    IRVal dea = gen_ea_if_mem(t, d);
    IRVal a = gen_ldw_op(t, d, dea);
    IRVal r = gen_op1(t, opc, bits, a);
    gen_st_op(t, d, dea, r);
}

void gen_ADD(X86Trans *t, const X86Insn *insn)
{
    gen_alu2(t, insn, IR_add_cc, true);
}
void gen_OR(X86Trans *t, const X86Insn *insn)
{
    gen_alu2(t, insn, IR_or_cc, true);
}
void gen_ADC(X86Trans *t, const X86Insn *insn)
{
    gen_alu2(t, insn, IR_adc_cc, true);
}
void gen_SBB(X86Trans *t, const X86Insn *insn)
{
    gen_alu2(t, insn, IR_sbb_cc, true);
}
void gen_AND(X86Trans *t, const X86Insn *insn)
{
    gen_alu2(t, insn, IR_and_cc, true);
}
void gen_SUB(X86Trans *t, const X86Insn *insn)
{
    gen_alu2(t, insn, IR_sub_cc, true);
}
void gen_XOR(X86Trans *t, const X86Insn *insn)
{
    gen_alu2(t, insn, IR_xor_cc, true);
}
void gen_CMP(X86Trans *t, const X86Insn *insn)
{
    gen_alu2(t, insn, IR_sub_cc, false);
}
void gen_TEST(X86Trans *t, const X86Insn *insn)
{
    gen_alu2(t, insn, IR_and_cc, false);
}

void gen_INC(X86Trans *t, const X86Insn *insn)
{
    gen_alu1(t, insn, IR_inc_cc, X86_BITS(insn->op[0].size));
}

void gen_DEC(X86Trans *t, const X86Insn *insn)
{
    gen_alu1(t, insn, IR_dec_cc, X86_BITS(insn->op[0].size));
}

void gen_NEG(X86Trans *t, const X86Insn *insn)
{
    gen_alu1(t, insn, IR_neg_cc, X86_BITS(insn->op[0].size));
}

/* not has no flags; the plain op is 32-bit and the store keeps the size. */
void gen_NOT(X86Trans *t, const X86Insn *insn)
{
    gen_alu1(t, insn, IR_not, 32);
}
