/*
 * translate_ctl.c - control transfers: jmp call ret jcc, loop loope loopne
 * jcxz, int int3 into, bound.
 *
 * Direct targets leave through goto_tb (slot 0 = fall-through or the only
 * target, slot 1 = taken branch) so the exec loop can chain them; indirect
 * ones write EIP and leave through goto_ptr.  Two calls do not end the
 * block: a call to the next instruction (a push) and a call to a PIC thunk
 * "mov reg, [esp]; ret" (a push below ESP and a mov; see
 * gen_call_pc_thunk).  The loop family uses plain ops only: it must not
 * change the flags.  Decoder IMM targets are absolute and
 * already truncated to 16 bits under a 66 prefix.
 */
#include "target/x86/translate.h"

#include <signal.h>

#include "exec/exec.h"
#include "linux-user/guest-mem.h"

void gen_JMP(X86Trans *t, const X86Insn *insn)
{
    const X86Operand *o = &insn->op[0];
    if (o->kind == X86_OP_IMM) {
        gen_goto_tb(t, 0, o->imm);
        return;
    }
    gen_jmp_indirect(t, gen_ld_op(t, o, gen_ea_if_mem(t, o)));
}

/* The register a PIC thunk at `target` loads, or -1 if it is not one.  A
 * thunk is "mov reg, [esp]; ret" (8b 04+8*reg 24 c3: glibc's and gcc's
 * __x86.get_pc_thunk.reg), executable, on one page. */
static int pc_thunk_reg(uint32_t target)
{
    if (!guest_access_ok(target, 4, PAGE_EXEC))
        return -1;
    const uint8_t *b = g2h(target);
    if (b[0] != 0x8b || (b[1] & 0xc7) != 0x04 || b[2] != 0x24 || b[3] != 0xc3)
        return -1;
    int reg = (b[1] >> 3) & 7;
    return reg == R_ESP ? -1 : reg;
}

/* "call thunk" as what the thunk does: the return address is stored below
 * ESP (so the guest sees the same stack bytes and the same fault), the
 * register gets it, ESP is back where it was, and the block goes on at the
 * return address.  Every function of PIC code (glibc, Debian's PIE
 * programs) starts so; as a call it was a block end, a block for the thunk
 * and an indirect jump.  The TB depends on the thunk's bytes, so the cache
 * invalidates it on a write there (tb_note_extra_code). */
static bool gen_call_pc_thunk(X86Trans *t, uint32_t target, uint32_t ret)
{
    int reg = pc_thunk_reg(target);
    if (reg < 0 || !tb_note_extra_code(target, 4))
        return false;
    gen_push_at(t, IR_G_ESP, gen_const(t, ret), 4);
    gen_reg_write(t, reg, 4, gen_const(t, ret));
    return true;
}

/* call: the target is read before the push (call [esp] uses the old ESP);
 * the return address is stored before ESP changes.  A call to the next
 * instruction (the older PIC idiom "call 1f; 1: pop reg") is a push, and
 * the block goes on. */
void gen_CALL(X86Trans *t, const X86Insn *insn)
{
    const X86Operand *o = &insn->op[0];
    int bytes = insn->opsize;
    if (o->kind == X86_OP_IMM && bytes == 4) {
        if (o->imm == t->next_pc) {
            gen_push(t, gen_const(t, t->next_pc), 4);
            return;
        }
        if (gen_call_pc_thunk(t, o->imm, t->next_pc))
            return;
    }
    IRVal dest = IR_NOVAL;
    if (o->kind != X86_OP_IMM)
        dest = gen_copy(t, gen_ld_op(t, o, gen_ea_if_mem(t, o)));
    uint32_t ret = bytes == 2 ? t->next_pc & 0xffff : t->next_pc;
    gen_push(t, gen_const(t, ret), bytes);
    if (o->kind == X86_OP_IMM)
        gen_goto_tb(t, 0, o->imm);
    else
        gen_jmp_indirect(t, dest);
}

/* ret [imm16]: a 16-bit ret loads 16 bits, so EIP is zero-extended. */
void gen_RET(X86Trans *t, const X86Insn *insn)
{
    int bytes = insn->opsize;
    uint32_t extra = insn->nops >= 1 ? insn->op[0].imm & 0xffff : 0;
    IRVal dest = gen_op1(t, IR_ld, X86_BITS(bytes), IR_G_ESP);
    IRVal nesp = gen_op2(t, IR_add, 32, IR_G_ESP, gen_const(t, (uint32_t)bytes + extra));
    ir_op1(t->ir, IR_mov, 32, IR_G_ESP, nesp);
    gen_jmp_indirect(t, dest);
}

/* Two-way end of block: taken -> slot 1 to target, else slot 0 to next. */
static void gen_branch_end(X86Trans *t, int label, uint32_t target)
{
    gen_goto_tb(t, 0, t->next_pc);
    ir_emit(t->ir, IR_label, 32)->aux[0] = (uint32_t)label;
    gen_goto_tb(t, 1, target);
}

void gen_JCC(X86Trans *t, const X86Insn *insn)
{
    int l = ir_new_label(t->ir);
    IROp *op = ir_emit(t->ir, IR_brcond, 32);
    op->cond = insn->cond;
    op->aux[0] = (uint32_t)l;
    gen_branch_end(t, l, insn->op[0].imm);
}

/* ECX (or CX with a 67 prefix) minus one, written back; returns the new count. */
static IRVal gen_dec_count(X86Trans *t)
{
    IRVal n = gen_op2(t, IR_sub, 32, IR_G_ECX, gen_const(t, 1));
    if (t->adsize == 2) {
        gen_reg_write(t, R_ECX, 2, n);
        return gen_op1(t, IR_zext, 16, n);
    }
    gen_reg_write(t, R_ECX, 4, n);
    return n;
}

static void gen_branch_nz(X86Trans *t, IRVal take, uint32_t target)
{
    int l = ir_new_label(t->ir);
    ir_op1(t->ir, IR_brnz, 32, IR_NOVAL, take)->aux[0] = (uint32_t)l;
    gen_branch_end(t, l, target);
}

void gen_LOOP(X86Trans *t, const X86Insn *insn)
{
    gen_branch_nz(t, gen_dec_count(t), insn->op[0].imm);
}

/* loope/loopne: taken when count != 0 and ZF is set/clear. */
static void gen_loop_cc(X86Trans *t, const X86Insn *insn, int cond)
{
    IRVal n = gen_dec_count(t);
    IRVal z = ir_temp(t->ir);
    ir_op1(t->ir, IR_setcond, 32, z, IR_NOVAL)->cond = (uint8_t)cond;
    IRVal take = gen_op3(t, IR_selnz, 32, n, z, gen_const(t, 0));
    gen_branch_nz(t, take, insn->op[0].imm);
}

void gen_LOOPE(X86Trans *t, const X86Insn *insn)
{
    gen_loop_cc(t, insn, CC_COND_E);
}
void gen_LOOPNE(X86Trans *t, const X86Insn *insn)
{
    gen_loop_cc(t, insn, CC_COND_NE);
}

void gen_JCXZ(X86Trans *t, const X86Insn *insn)
{
    IRVal c = gen_reg_read(t, R_ECX, t->adsize);
    int l = ir_new_label(t->ir);
    ir_op1(t->ir, IR_brz, 32, IR_NOVAL, c)->aux[0] = (uint32_t)l;
    gen_branch_end(t, l, insn->op[0].imm);
}

/* int n.  0x80 is the system call; int 3 and int 4 reach user-accessible
 * gates (SIGTRAP, SIGSEGV, both traps: EIP after the int); any other
 * vector is a #GP (SIGSEGV at the int). */
void gen_INT(X86Trans *t, const X86Insn *insn)
{
    uint32_t vec = insn->op[0].imm & 0xff;
    if (vec == 0x80) {
        gen_set_eip(t, t->next_pc);
        IROp *op = ir_emit(t->ir, IR_exit_tb, 32);
        op->aux[0] = EXIT_SYSCALL;
        t->ended = true;
    } else if (vec == 3) {
        gen_raise(t, SIGTRAP, X86_SI_KERNEL, 0, t->next_pc);
    } else if (vec == 4) {
        gen_raise(t, SIGSEGV, X86_SI_KERNEL, 0, t->next_pc);
    } else {
        gen_gp(t);
    }
}

void gen_INT3(X86Trans *t, const X86Insn *insn)
{
    gen_raise(t, SIGTRAP, X86_SI_KERNEL, 0, t->next_pc);
}

/* into: a trap when OF=1 (SIGSEGV, EIP after the instruction). */
void gen_INTO(X86Trans *t, const X86Insn *insn)
{
    int l = ir_new_label(t->ir);
    IROp *op = ir_emit(t->ir, IR_brcond, 32);
    op->cond = CC_COND_NO;
    op->aux[0] = (uint32_t)l;
    gen_raise(t, SIGSEGV, X86_SI_KERNEL, 0, t->next_pc);
    ir_emit(t->ir, IR_label, 32)->aux[0] = (uint32_t)l;
    gen_goto_tb(t, 0, t->next_pc);
}

/* bound r, m: signed lower/upper pair; out of range -> SIGSEGV (#BR). */
void gen_BOUND(X86Trans *t, const X86Insn *insn)
{
    int bytes = insn->opsize;
    int bits = X86_BITS(bytes);
    IRVal ea = gen_ea(t, &insn->op[1]);
    IRVal lo = gen_op1(t, IR_lds, bits, ea);
    IRVal hea = gen_op2(t, IR_add, 32, ea, gen_const(t, (uint32_t)bytes));
    IRVal hi = gen_op1(t, IR_lds, bits, hea);
    IRVal idx = gen_op1(t, IR_sext, bits, gen_reg_read(t, insn->op[0].reg, bytes));
    gen_set_eip(t, t->pc);
    gen_helper(t, x86_helper_misc_id(X86H_BOUND), 3, idx, lo, hi, IR_NOVAL);
}
