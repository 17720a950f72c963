/*
 * translate_mov.c - data movement: mov movsx movzx xlat lea, xchg xadd
 * cmpxchg cmpxchg8b, cbw/cwde cwd/cdq, segment register moves and the
 * far-pointer loads lds les lfs lgs lss.
 *
 * Exchanges keep the fault rule: every load and store comes first, then
 * the flags, then the register writes.  cmpxchg always writes its
 * destination (the old value when the compare fails), as hardware does.
 * Segment loads go through a helper that validates the selector and may
 * raise SIGSEGV before anything else changes.
 */
#include "target/x86/translate.h"

void gen_MOV(X86Trans *t, const X86Insn *insn)
{
    const X86Operand *d = &insn->op[0], *s = &insn->op[1];
    IRVal v = gen_ld_op(t, s, gen_ea_if_mem(t, s));
    gen_st_op(t, d, gen_ea_if_mem(t, d), v);
}

static void gen_movx(X86Trans *t, const X86Insn *insn, IROpc ext)
{
    const X86Operand *d = &insn->op[0], *s = &insn->op[1];
    IRVal v = gen_ld_op(t, s, gen_ea_if_mem(t, s));
    IRVal r = gen_op1(t, ext, X86_BITS(s->size), v);
    gen_reg_write(t, d->reg, d->size, r);
}

void gen_MOVSX(X86Trans *t, const X86Insn *insn)
{
    gen_movx(t, insn, IR_sext);
}
void gen_MOVZX(X86Trans *t, const X86Insn *insn)
{
    gen_movx(t, insn, IR_zext);
}

/* AL = [seg:EBX + AL] (BX + AL with 16-bit addressing). */
void gen_XLAT(X86Trans *t, const X86Insn *insn)
{
    X86Operand m = {.kind = X86_OP_MEM, .size = 1, .base = R_EBX, .index = -1, .scale = 1};
    m.seg = (insn->prefixes & X86_PFX_SEG) ? insn->seg_override : R_DS;
    IRVal al = gen_reg_read(t, R_EAX, 1);
    IRVal off = gen_op2(t, IR_add, 32, IR_G_EBX, al);
    if (t->adsize == 2)
        off = gen_op1(t, IR_zext, 16, off);
    if (m.seg == R_FS || m.seg == R_GS)
        off = gen_op2(t, IR_add, 32, off, m.seg == R_FS ? IR_G_FS_BASE : IR_G_GS_BASE);
    IRVal v = gen_ld_op(t, &m, off);
    gen_reg_write(t, R_EAX, 1, v);
}

/* lea: the offset only, no segment base and no memory access. */
void gen_LEA(X86Trans *t, const X86Insn *insn)
{
    const X86Operand *d = &insn->op[0];
    IRVal a = gen_ea_offset(t, &insn->op[1]);
    gen_reg_write(t, d->reg, d->size, a);
}

void gen_XCHG(X86Trans *t, const X86Insn *insn)
{
    const X86Operand *a = &insn->op[0], *b = &insn->op[1];
    if (b->kind == X86_OP_MEM) {
        const X86Operand *tmp = a;
        a = b;
        b = tmp;
    }
    IRVal ea = gen_ea_if_mem(t, a);
    IRVal va = gen_copy(t, gen_ldw_op(t, a, ea));
    IRVal vb = gen_copy(t, gen_ld_op(t, b, IR_NOVAL));
    gen_st_op(t, a, ea, vb);
    gen_st_op(t, b, IR_NOVAL, va);
}

/* xadd r/m, r: tmp = dst + src; src = dst; dst = tmp (dst written last, so
 * xadd r, r with the same register leaves the sum). */
void gen_XADD(X86Trans *t, const X86Insn *insn)
{
    const X86Operand *d = &insn->op[0], *s = &insn->op[1];
    IRVal ea = gen_ea_if_mem(t, d);
    IRVal vs = gen_ld_op(t, s, IR_NOVAL);
    IRVal vd = gen_ldw_op(t, d, ea);
    if (d->kind != X86_OP_MEM)
        vd = gen_copy(t, vd); /* the register is written before vd is used */
    /* memory: exactly "ldw; add_cc; st", the fused RMW shape */
    IRVal sum = gen_op2(t, IR_add_cc, X86_BITS(d->size), vd, vs);
    if (d->kind == X86_OP_MEM) {
        gen_st_op(t, d, ea, sum);
        gen_reg_write(t, s->reg, s->size, vd);
    } else {
        gen_reg_write(t, s->reg, s->size, vd);
        gen_reg_write(t, d->reg, d->size, sum);
    }
}

/* cmpxchg r/m, r: if acc == dst { ZF=1; dst = src } else { ZF=0; acc = dst;
 * dst = dst }.  Flags as cmp acc, dst. */
void gen_CMPXCHG(X86Trans *t, const X86Insn *insn)
{
    const X86Operand *d = &insn->op[0], *s = &insn->op[1];
    int bytes = d->size;
    IRVal ea = gen_ea_if_mem(t, d);
    IRVal src = gen_copy(t, gen_ld_op(t, s, IR_NOVAL));
    IRVal old = gen_copy(t, gen_ldw_op(t, d, ea));
    IRVal acc = gen_copy(t, gen_reg_read(t, R_EAX, bytes));
    /* both sides are zero-extended from `bytes`, so a 32-bit compare works */
    IRVal eq = gen_op2(t, IR_seteq, 32, acc, old);
    IRVal newd = gen_op3(t, IR_selnz, 32, eq, src, old);
    if (d->kind == X86_OP_MEM)
        gen_st_op(t, d, ea, newd);
    gen_op2(t, IR_sub_cc, X86_BITS(bytes), acc, old);
    /* accumulator before destination: if the destination is the
     * accumulator itself the compare succeeded and dst = src must win */
    gen_reg_write(t, R_EAX, bytes, gen_op3(t, IR_selnz, 32, eq, acc, old));
    if (d->kind != X86_OP_MEM)
        gen_reg_write(t, d->reg, bytes, newd);
}

void gen_CMPXCHG8B(X86Trans *t, const X86Insn *insn)
{
    IRVal ea = gen_ea(t, &insn->op[0]);
    gen_set_eip(t, t->pc);
    gen_helper(t, x86_helper_misc_id(X86H_CMPXCHG8B), 1, ea, IR_NOVAL, IR_NOVAL, IR_NOVAL);
}

/* cbw: AX = sext(AL); cwde: EAX = sext(AX). */
void gen_CBW(X86Trans *t, const X86Insn *insn)
{
    int bytes = insn->opsize;
    IRVal r = gen_op1(t, IR_sext, bytes == 2 ? 8 : 16, IR_G_EAX);
    gen_reg_write(t, R_EAX, bytes, r);
}

/* cwd: DX = sign of AX; cdq: EDX = sign of EAX. */
void gen_CWD(X86Trans *t, const X86Insn *insn)
{
    int bytes = insn->opsize;
    IRVal v = bytes == 2 ? gen_op1(t, IR_sext, 16, IR_G_EAX) : IR_G_EAX;
    IRVal r = gen_op2(t, IR_sar, 32, v, gen_const(t, 31));
    gen_reg_write(t, R_EDX, bytes, r);
}

/* Load segment register `seg` with selector value sel (validated). */
static void gen_load_seg(X86Trans *t, int seg, IRVal sel)
{
    gen_set_eip(t, t->pc);
    gen_helper(t, x86_helper_misc_id(X86H_LOAD_SEG), 2, gen_const(t, (uint32_t)seg), sel, IR_NOVAL,
               IR_NOVAL);
}

static IRVal gen_get_seg(X86Trans *t, int seg)
{
    return gen_helper(t, x86_helper_misc_id(X86H_GET_SEG), 1, gen_const(t, (uint32_t)seg), IR_NOVAL,
                      IR_NOVAL, IR_NOVAL);
}

/* mov Sreg, r/m16 or mov r/m, Sreg (a 32-bit register gets the selector
 * zero-extended; memory always gets 16 bits). */
void gen_MOVSEG(X86Trans *t, const X86Insn *insn)
{
    const X86Operand *d = &insn->op[0], *s = &insn->op[1];
    if (d->kind == X86_OP_REG && d->reg_class == X86_RC_SEG) {
        X86Operand s16 = *s;
        s16.size = 2;
        IRVal sel = gen_ld_op(t, &s16, gen_ea_if_mem(t, &s16));
        gen_load_seg(t, d->reg, sel);
        return;
    }
    X86Operand d2 = *d;
    if (d2.kind == X86_OP_MEM)
        d2.size = 2;
    IRVal ea = gen_ea_if_mem(t, &d2);
    gen_st_op(t, &d2, ea, gen_get_seg(t, s->reg));
}

/* lXs r, m16:16/32: offset then selector; the selector is checked before
 * the register is written. */
static void gen_lxs(X86Trans *t, const X86Insn *insn, int seg)
{
    const X86Operand *d = &insn->op[0];
    int bytes = d->size;
    IRVal ea = gen_ea(t, &insn->op[1]);
    IRVal off = gen_op1(t, IR_ld, X86_BITS(bytes), ea);
    IRVal sea = gen_op2(t, IR_add, 32, ea, gen_const(t, (uint32_t)bytes));
    IRVal sel = gen_op1(t, IR_ld, 16, sea);
    gen_load_seg(t, seg, sel);
    gen_reg_write(t, d->reg, bytes, off);
}

void gen_LDS(X86Trans *t, const X86Insn *insn)
{
    gen_lxs(t, insn, R_DS);
}
void gen_LES(X86Trans *t, const X86Insn *insn)
{
    gen_lxs(t, insn, R_ES);
}
void gen_LFS(X86Trans *t, const X86Insn *insn)
{
    gen_lxs(t, insn, R_FS);
}
void gen_LGS(X86Trans *t, const X86Insn *insn)
{
    gen_lxs(t, insn, R_GS);
}
void gen_LSS(X86Trans *t, const X86Insn *insn)
{
    gen_lxs(t, insn, R_SS);
}
