/*
 * translate_string.c - movs cmps stos lods scas, with rep/repe/repne.
 *
 * Each becomes one call of a C helper (helper_string.c) that walks guest
 * memory and updates ESI/EDI/ECX in env element by element, so a fault
 * half-way leaves exact registers.  EIP is written before the call so the
 * helper's view of the current instruction never depends on the backend.
 * The descriptor argument packs element size, address size, rep kind and
 * the source segment (DS unless overridden; the destination is ES).
 */
#include "target/x86/translate.h"

static void gen_string(X86Trans *t, const X86Insn *insn)
{
    int bytes = insn->opsize;
    /* operand size of the byte forms (movsb ...) is in the operands */
    if (insn->nops >= 1 && insn->op[0].size >= 1 && insn->op[0].size <= 4)
        bytes = insn->op[0].size;
    int rep = X86_STR_NOREP;
    if (insn->prefixes & X86_PFX_REP)
        rep = X86_STR_REP;
    else if (insn->prefixes & X86_PFX_REPNE)
        rep = X86_STR_REPNE;
    int seg = (insn->prefixes & X86_PFX_SEG) ? insn->seg_override : R_DS;
    uint32_t desc =
        X86_STR_DESC((uint32_t)bytes, (uint32_t)t->adsize, (uint32_t)rep, (uint32_t)seg);
    gen_set_eip(t, t->pc);
    gen_helper(t, x86_helper_string_id(insn->mnem), 1, gen_const(t, desc), IR_NOVAL, IR_NOVAL,
               IR_NOVAL);
}

void gen_MOVS(X86Trans *t, const X86Insn *insn)
{
    gen_string(t, insn);
}
void gen_CMPS(X86Trans *t, const X86Insn *insn)
{
    gen_string(t, insn);
}
void gen_STOS(X86Trans *t, const X86Insn *insn)
{
    gen_string(t, insn);
}
void gen_LODS(X86Trans *t, const X86Insn *insn)
{
    gen_string(t, insn);
}
void gen_SCAS(X86Trans *t, const X86Insn *insn)
{
    gen_string(t, insn);
}
