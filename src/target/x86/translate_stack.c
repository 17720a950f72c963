/*
 * translate_stack.c - push pop pusha popa pushf popf enter leave, and
 * push/pop of segment registers.
 *
 * The stack is always 32-bit (Linux SS); the operand size (66 prefix) sets
 * the element size, 2 or 4 bytes.  Every push stores below the old ESP
 * before ESP is written, and every pop loads before ESP changes, so a stack
 * fault leaves ESP as it was.  push esp pushes the old value; pop esp
 * leaves the popped value; pop [esp+x] addresses with the popped ESP.
 */
#include "target/x86/translate.h"

IRVal gen_push_at(X86Trans *t, IRVal esp, IRVal v, int bytes)
{
    IRVal nesp = gen_op2(t, IR_sub, 32, esp, gen_const(t, (uint32_t)bytes));
    ir_op2(t->ir, IR_st, X86_BITS(bytes), IR_NOVAL, nesp, v);
    return nesp;
}

void gen_push(X86Trans *t, IRVal v, int bytes)
{
    IRVal nesp = gen_push_at(t, IR_G_ESP, v, bytes);
    ir_op1(t->ir, IR_mov, 32, IR_G_ESP, nesp);
}

static IRVal gen_pop_ld(X86Trans *t, IRVal esp, int bytes)
{
    return gen_op1(t, IR_ld, X86_BITS(bytes), esp);
}

void gen_PUSH(X86Trans *t, const X86Insn *insn)
{
    const X86Operand *s = &insn->op[0];
    IRVal v = gen_ld_op(t, s, gen_ea_if_mem(t, s));
    gen_push(t, v, insn->opsize);
}

void gen_POP(X86Trans *t, const X86Insn *insn)
{
    const X86Operand *d = &insn->op[0];
    int bytes = insn->opsize;
    IRVal v = gen_pop_ld(t, IR_G_ESP, bytes);
    if (d->kind == X86_OP_REG && d->reg != R_ESP) {
        /* the register first: the emitter loads straight into it (nothing
         * can fault after the load, so the order is invisible to the guest) */
        gen_reg_write(t, d->reg, bytes, v);
        ir_op1(t->ir, IR_mov, 32, IR_G_ESP,
               gen_op2(t, IR_add, 32, IR_G_ESP, gen_const(t, (uint32_t)bytes)));
        return;
    }
    IRVal nesp = gen_op2(t, IR_add, 32, IR_G_ESP, gen_const(t, (uint32_t)bytes));
    if (d->kind == X86_OP_MEM) {
        IRVal ea = gen_ea_esp(t, d, nesp);
        gen_st_op(t, d, ea, v);
        ir_op1(t->ir, IR_mov, 32, IR_G_ESP, nesp);
        return;
    }
    ir_op1(t->ir, IR_mov, 32, IR_G_ESP, nesp);
    gen_reg_write(t, d->reg, bytes, v); /* after ESP: pop esp keeps v */
}

/* pusha: EAX ECX EDX EBX (old ESP) EBP ESI EDI. */
void gen_PUSHA(X86Trans *t, const X86Insn *insn)
{
    int bytes = insn->opsize;
    IRVal esp = gen_copy(t, IR_G_ESP);
    IRVal p = esp;
    for (int r = R_EAX; r <= R_EDI; r++)
        p = gen_push_at(t, p, r == R_ESP ? esp : (IRVal)(IR_G_EAX + r), bytes);
    ir_op1(t->ir, IR_mov, 32, IR_G_ESP, p);
}

/* popa: the reverse, skipping the saved ESP. */
void gen_POPA(X86Trans *t, const X86Insn *insn)
{
    int bytes = insn->opsize;
    IRVal v[8];
    for (int r = R_EDI; r >= R_EAX; r--) {
        if (r == R_ESP)
            continue;
        IRVal a = gen_op2(t, IR_add, 32, IR_G_ESP, gen_const(t, (uint32_t)((7 - r) * bytes)));
        v[r] = gen_pop_ld(t, a, bytes);
    }
    IRVal nesp = gen_op2(t, IR_add, 32, IR_G_ESP, gen_const(t, (uint32_t)(8 * bytes)));
    ir_op1(t->ir, IR_mov, 32, IR_G_ESP, nesp);
    for (int r = R_EAX; r <= R_EDI; r++)
        if (r != R_ESP)
            gen_reg_write(t, r, bytes, v[r]);
}

void gen_PUSHF(X86Trans *t, const X86Insn *insn)
{
    IRVal fl =
        gen_helper(t, x86_helper_misc_id(X86H_PUSHF), 0, IR_NOVAL, IR_NOVAL, IR_NOVAL, IR_NOVAL);
    gen_push(t, fl, insn->opsize);
}

/* popf: the helper changes only what user mode may (status flags, DF, AC,
 * ID); a 16-bit popf keeps the upper half. */
void gen_POPF(X86Trans *t, const X86Insn *insn)
{
    int bytes = insn->opsize;
    IRVal v = gen_pop_ld(t, IR_G_ESP, bytes);
    IRVal nesp = gen_op2(t, IR_add, 32, IR_G_ESP, gen_const(t, (uint32_t)bytes));
    gen_helper(t, x86_helper_misc_id(X86H_POPF), 2, v, gen_const(t, (uint32_t)bytes), IR_NOVAL,
               IR_NOVAL);
    ir_op1(t->ir, IR_mov, 32, IR_G_ESP, nesp);
}

/* enter size, level: push EBP; copy level-1 frame pointers from the old
 * frame; push the new frame pointer; allocate size bytes. */
void gen_ENTER(X86Trans *t, const X86Insn *insn)
{
    int bytes = insn->opsize;
    uint32_t size = insn->op[0].imm & 0xffff;
    uint32_t level = (insn->nops >= 2 ? insn->op[1].imm : insn->imm2) & 31;
    IRVal p = gen_push_at(t, IR_G_ESP, IR_G_EBP, bytes);
    IRVal frame = p;
    if (level > 0) {
        for (uint32_t i = 1; i < level; i++) {
            IRVal a = gen_op2(t, IR_sub, 32, IR_G_EBP, gen_const(t, i * (uint32_t)bytes));
            p = gen_push_at(t, p, gen_pop_ld(t, a, bytes), bytes);
        }
        p = gen_push_at(t, p, frame, bytes);
    }
    IRVal nesp = gen_op2(t, IR_sub, 32, p, gen_const(t, size));
    ir_op1(t->ir, IR_mov, 32, IR_G_ESP, nesp);
    gen_reg_write(t, R_EBP, bytes, frame);
}

/* leave: ESP = EBP; pop EBP. */
void gen_LEAVE(X86Trans *t, const X86Insn *insn)
{
    int bytes = insn->opsize;
    IRVal v = gen_pop_ld(t, IR_G_EBP, bytes);
    IRVal nesp = gen_op2(t, IR_add, 32, IR_G_EBP, gen_const(t, (uint32_t)bytes));
    ir_op1(t->ir, IR_mov, 32, IR_G_ESP, nesp);
    gen_reg_write(t, R_EBP, bytes, v);
}

/* push Sreg: recent Intel CPUs store 16 bits and move ESP by the operand
 * size, leaving the upper half of a 32-bit slot unchanged. */
void gen_PUSHSEG(X86Trans *t, const X86Insn *insn)
{
    int bytes = insn->opsize;
    IRVal sel = gen_helper(t, x86_helper_misc_id(X86H_GET_SEG), 1, gen_const(t, insn->op[0].reg),
                           IR_NOVAL, IR_NOVAL, IR_NOVAL);
    IRVal nesp = gen_op2(t, IR_sub, 32, IR_G_ESP, gen_const(t, (uint32_t)bytes));
    ir_op2(t->ir, IR_st, 16, IR_NOVAL, nesp, sel);
    ir_op1(t->ir, IR_mov, 32, IR_G_ESP, nesp);
}

void gen_POPSEG(X86Trans *t, const X86Insn *insn)
{
    int bytes = insn->opsize;
    IRVal sel = gen_pop_ld(t, IR_G_ESP, 2);
    IRVal nesp = gen_op2(t, IR_add, 32, IR_G_ESP, gen_const(t, (uint32_t)bytes));
    gen_set_eip(t, t->pc);
    gen_helper(t, x86_helper_misc_id(X86H_LOAD_SEG), 2, gen_const(t, insn->op[0].reg), sel,
               IR_NOVAL, IR_NOVAL);
    ir_op1(t->ir, IR_mov, 32, IR_G_ESP, nesp);
}
