/*
 * translate_sse.c - MMX, SSE .. SSE4.2, AES-NI, PCLMULQDQ, POPCNT, LZCNT,
 * MOVBE and CRC32 to IR: each instruction is one call of the generic SSE
 * helper (helper_sse.c) with the row key, the operand descriptors, the
 * memory operand's address and imm8 (see helper_sse.c for the layout).
 *
 * Invariants: the helper is HF_SYNC (it may raise SIGSEGV for a bad or
 * misaligned operand and SIGFPE for an unmasked SIMD exception, with the
 * state of the instruction's start); rows flagged SF_GPR use the HF_ALL
 * variant because they write GPRs or EFLAGS from C.  Rows the helper tables
 * do not know fall back to gen_UNIMP (SIGILL, logged with -d unimp).
 * The last argument also carries the ModRM byte and whether an imm8
 * follows (sse_enc_bits), so that the x86-64 emitter can run the
 * instruction as itself instead of calling the helper (isel_sse.c).
 * Example: 66 0F FE C1 (paddd xmm0, xmm1) -> call sse $0x3fa, $0x0230_0030...
 */
#include "target/x86/cpuid.h"
#include "target/x86/helper_sse.h"
#include "target/x86/translate.h"

/* The operand descriptor (DESC_* in helper_sse.h). */
static uint32_t sse_desc(const X86Operand *op)
{
    if (op->kind != X86_OP_REG && op->kind != X86_OP_MEM)
        return 0;
    return DESC_MAKE(op->kind, op->reg_class, op->reg, op->size);
}

static uint32_t sse_key(const X86Insn *insn)
{
    unsigned map = (insn->opcode >> 8) == 0x0f ? 0 : (insn->opcode >> 8) == 0x38 ? 1 : 2;
    return map << 10 | (uint32_t)(insn->opcode & 0xff) << 2 | insn->mprefix;
}

/* Bits 16-25 of the helper's last argument: the ModRM byte, whether there
 * is an imm8 and whether there is a ModRM (SSE_ENC_* in helper_sse.h). */
static uint32_t sse_enc_bits(const X86Insn *insn)
{
    uint32_t e = insn->has_modrm ? (uint32_t)insn->modrm << 16 | SSE_ENC_MODRM : 0;
    for (int i = 0; i < insn->nops; i++)
        if (insn->op[i].kind == X86_OP_IMM)
            e |= SSE_ENC_IMM;
    return e;
}

/* maskmovq / maskmovdqu store at DS:EDI (DS overridable) */
static IRVal gen_sse_maskmov_ea(X86Trans *t, const X86Insn *insn)
{
    X86Operand m = {.kind = X86_OP_MEM, .size = 16, .base = R_EDI, .index = -1, .scale = 1};
    m.seg = (insn->prefixes & X86_PFX_SEG) ? insn->seg_override : R_DS;
    return gen_ea(t, &m);
}

/* The common shape helper_sse_xx takes: xmm destination register, xmm
 * register or memory source, an optional imm8, and a plain row. */
static bool sse_is_xx(const X86Insn *insn, const X86SseDef *def)
{
    const X86Operand *d = &insn->op[0], *s = &insn->op[1];
    if (insn->nops < 2 || (def->flags & (SF_GPR | SF_NOWB | SF_OWNMEM)))
        return false;
    if (d->kind != X86_OP_REG || d->reg_class != X86_RC_XMM)
        return false;
    return s->kind == X86_OP_MEM || (s->kind == X86_OP_REG && s->reg_class == X86_RC_XMM);
}

void gen_SSE(X86Trans *t, const X86Insn *insn)
{
    const X86SseDef *def = x86_sse_find(insn->opcode, insn->mprefix);
    if (!def) {
        gen_UNIMP(t, insn);
        return;
    }
    /* CPU models without MMX/SSE (-cpu pentium, i686 ...): #UD, as there */
    if (!(x86_cpu_hwcap() & (CPUID_MMX | CPUID_SSE))) {
        gen_illegal(t);
        return;
    }
    uint32_t desc[2] = {0, 0}, imm = 0;
    IRVal ea = IR_NOVAL;
    for (int i = 0; i < insn->nops; i++) {
        const X86Operand *op = &insn->op[i];
        if (op->kind == X86_OP_IMM)
            imm = op->imm & 0xff;
        else if (i < 2)
            desc[i] = sse_desc(op);
        if (op->kind == X86_OP_MEM)
            ea = gen_ea(t, op);
    }
    if (insn->opcode == 0x0ff7)
        ea = gen_sse_maskmov_ea(t, insn);
    if (ea == IR_NOVAL)
        ea = gen_const(t, 0);
    uint32_t reg = insn->has_modrm ? (insn->modrm >> 3) & 7 : 0;
    /* for the emitter's native path (isel_sse.c), ignored by the helper */
    uint32_t enc = sse_enc_bits(insn);
    if (sse_is_xx(insn, def)) {
        const X86Operand *src = &insn->op[1];
        uint32_t regs = insn->op[0].reg | (uint32_t)src->reg << 8;
        if (src->kind == X86_OP_MEM)
            regs = insn->op[0].reg | 1u << 16 | (uint32_t)src->size << 17;
        gen_helper(t, x86_helper_sse_id(SSE_H_XX), 4, gen_const(t, sse_key(insn)),
                   gen_const(t, regs), ea, gen_const(t, imm | enc));
        return;
    }
    gen_helper(t, x86_helper_sse_id((def->flags & SF_GPR) ? SSE_H_FULL : SSE_H_LIGHT), 4,
               gen_const(t, sse_key(insn)), gen_const(t, desc[0] | desc[1] << 16), ea,
               gen_const(t, imm | reg << 8 | enc));
}
