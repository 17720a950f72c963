/*
 * translate_x87.c - x87 instructions (escapes D8-DF, 9B fwait, 0F AE
 * fxsave/fxrstor) to IR: each instruction becomes one call of an x87 helper
 * (helper_x87.c) with its memory address, its 11-bit FOP and its segment;
 * the helpers own all FPU state, so the IR never touches it.
 *
 * Invariant: the helper is the instruction's only op that can fault, and
 * the only guest-visible write besides "fnstsw ax" (helper result -> AX,
 * written after the call) and fcomi's EFLAGS (HF_WRITE_CC).
 *
 * Example: "fstp qword [esp+8]" (DD 5C 24 08):
 *     t0 = add esp, $8
 *     call x87_fst_mem t0, $0x55c, $2, $0
 */
#include "target/x86/translate.h"
#include "target/x86/x87.h"

/* Memory forms: helper by (escape - D8, reg field). */
static const uint8_t x87_mem_helper[8][8] = {
    {X87H_ARITH_MEM, X87H_ARITH_MEM, X87H_ARITH_MEM, X87H_ARITH_MEM, X87H_ARITH_MEM,
     X87H_ARITH_MEM, X87H_ARITH_MEM, X87H_ARITH_MEM},
    /* D9: fld m32, -, fst, fstp, fldenv, fldcw, fnstenv, fnstcw */
    {X87H_FLD_MEM, X87H_FST_MEM, X87H_FST_MEM, X87H_FST_MEM, X87H_CTL_MEM, X87H_CTL_MEM,
     X87H_CTL_MEM, X87H_CTL_MEM},
    {X87H_ARITH_MEM, X87H_ARITH_MEM, X87H_ARITH_MEM, X87H_ARITH_MEM, X87H_ARITH_MEM,
     X87H_ARITH_MEM, X87H_ARITH_MEM, X87H_ARITH_MEM},
    /* DB: fild m32, fisttp, fist, fistp, -, fld m80, -, fstp m80 */
    {X87H_FLD_MEM, X87H_FST_MEM, X87H_FST_MEM, X87H_FST_MEM, X87H_FLD_MEM, X87H_FLD_MEM,
     X87H_FST_MEM, X87H_FST_MEM},
    {X87H_ARITH_MEM, X87H_ARITH_MEM, X87H_ARITH_MEM, X87H_ARITH_MEM, X87H_ARITH_MEM,
     X87H_ARITH_MEM, X87H_ARITH_MEM, X87H_ARITH_MEM},
    /* DD: fld m64, fisttp m64, fst, fstp, frstor, -, fnsave, fnstsw */
    {X87H_FLD_MEM, X87H_FST_MEM, X87H_FST_MEM, X87H_FST_MEM, X87H_CTL_MEM, X87H_CTL_MEM,
     X87H_CTL_MEM, X87H_CTL_MEM},
    {X87H_ARITH_MEM, X87H_ARITH_MEM, X87H_ARITH_MEM, X87H_ARITH_MEM, X87H_ARITH_MEM,
     X87H_ARITH_MEM, X87H_ARITH_MEM, X87H_ARITH_MEM},
    /* DF: fild m16, fisttp m16, fist, fistp, fbld, fild m64, fbstp, fistp m64 */
    {X87H_FLD_MEM, X87H_FST_MEM, X87H_FST_MEM, X87H_FST_MEM, X87H_FLD_MEM, X87H_FLD_MEM,
     X87H_FST_MEM, X87H_FST_MEM},
};

/* Register forms (mod = 3): helper by escape and modrm. */
static int x87_reg_helper(int esc, int modrm)
{
    if (esc == 0 || esc == 4 || esc == 6)
        return X87H_ARITH_REG;
    if ((esc == 2 || esc == 3) && modrm < 0xe0)
        return X87H_FCMOV;
    if ((esc == 3 || esc == 7) && modrm >= 0xe8 && modrm < 0xf8)
        return X87H_FCOMI;
    if (esc == 7 && modrm == 0xe0)
        return X87H_FNSTSW_AX;
    return X87H_REG;
}

void gen_X87(X86Trans *t, const X86Insn *insn)
{
    if (insn->opcode == 0x9b) {
        gen_helper(t, x87_helper_id(X87H_FWAIT), 0, IR_NOVAL, IR_NOVAL, IR_NOVAL, IR_NOVAL);
        return;
    }
    int esc = (insn->opcode - 0xd8) & 7, modrm = insn->modrm;
    uint32_t fop = (uint32_t)esc << 8 | (uint32_t)modrm;
    bool mem = (modrm >> 6) != 3;
    int h = mem ? x87_mem_helper[esc][(modrm >> 3) & 7] : x87_reg_helper(esc, modrm);
    if (h == X87H_FNSTSW_AX) {
        IRVal v = gen_helper(t, x87_helper_id(h), 0, IR_NOVAL, IR_NOVAL, IR_NOVAL, IR_NOVAL);
        gen_reg_write(t, R_EAX, 2, v);
        return;
    }
    IRVal ea = mem ? gen_ea(t, &insn->op[0]) : gen_const(t, 0);
    uint32_t seg = mem ? insn->op[0].seg : 0;
    gen_helper(t, x87_helper_id(h), 4, ea, gen_const(t, fop), gen_const(t, seg),
               gen_const(t, insn->opsize == 2));
}

/* 0F AE /0 fxsave, /1 fxrstor. */
void gen_FXSAVE(X86Trans *t, const X86Insn *insn)
{
    IRVal ea = gen_ea(t, &insn->op[0]);
    uint32_t restore = (insn->modrm >> 3) & 1;
    gen_helper(t, x87_helper_id(X87H_FXSAVE), 2, ea, gen_const(t, restore), IR_NOVAL, IR_NOVAL);
}
