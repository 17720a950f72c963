/*
 * decode_format.c - x86_insn_format(): a decoded instruction as Intel-syntax
 * text, close to what Capstone prints ("add dword ptr [ebx + ecx*4 + 4], eax"),
 * for logs and tests.  Families decoded for length only (x87, SSE, SYS,
 * PRIV) print their family name and approximate operands.
 *
 * The output is always NUL-terminated and truncated to outsz.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "target/x86/decode.h"

typedef struct X86Out {
    char *p;
    size_t left;
} X86Out;

__attribute__((format(printf, 2, 3))) static void out_printf(X86Out *o, const char *fmt, ...)
{
    if (o->left <= 1)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(o->p, o->left, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    size_t used = (size_t)n < o->left ? (size_t)n : o->left - 1;
    o->p += used;
    o->left -= used;
}

static const char *const x86_cond_name[16] = {"o", "no", "b", "ae", "e", "ne", "be", "a",
                                              "s", "ns", "p", "np", "l", "ge", "le", "g"};
static const char *const x86_reg8_name[8] = {"al", "cl", "dl", "bl", "ah", "ch", "dh", "bh"};
static const char *const x86_reg16_name[8] = {"ax", "cx", "dx", "bx", "sp", "bp", "si", "di"};
static const char *const x86_reg32_name[8] = {"eax", "ecx", "edx", "ebx",
                                              "esp", "ebp", "esi", "edi"};
static const char *const x86_seg_name[6] = {"es", "cs", "ss", "ds", "fs", "gs"};

static void format_reg(X86Out *o, const X86Operand *op)
{
    int r = op->reg & 7;
    switch (op->reg_class) {
    case X86_RC_GPR:
        out_printf(o, "%s",
                   op->size == 1   ? x86_reg8_name[r]
                   : op->size == 2 ? x86_reg16_name[r]
                                   : x86_reg32_name[r]);
        break;
    case X86_RC_SEG:
        out_printf(o, "%s", op->reg < 6 ? x86_seg_name[op->reg] : "?s");
        break;
    case X86_RC_CR:
        out_printf(o, "cr%d", op->reg);
        break;
    case X86_RC_DR:
        out_printf(o, "dr%d", op->reg);
        break;
    case X86_RC_MMX:
        out_printf(o, "mm%d", op->reg);
        break;
    case X86_RC_XMM:
        out_printf(o, "xmm%d", op->reg);
        break;
    case X86_RC_ST:
        out_printf(o, "st(%d)", op->reg);
        break;
    }
}

static const char *size_ptr_name(int size)
{
    switch (size) {
    case 1:
        return "byte ptr ";
    case 2:
        return "word ptr ";
    case 4:
        return "dword ptr ";
    case 6:
        return "fword ptr ";
    case 8:
        return "qword ptr ";
    case 10:
        return "xword ptr ";
    case 16:
        return "xmmword ptr ";
    default:
        return "";
    }
}

static void format_hex(X86Out *o, uint32_t v)
{
    out_printf(o, v > 9 ? "0x%x" : "%u", v);
}

static void format_mem(X86Out *o, const X86Insn *insn, const X86Operand *op)
{
    const char *const *names = insn->adsize == 2 ? x86_reg16_name : x86_reg32_name;
    bool any = false;
    out_printf(o, "%s", size_ptr_name(op->size));
    if (insn->prefixes & X86_PFX_SEG)
        out_printf(o, "%s:", x86_seg_name[op->seg % 6]);
    out_printf(o, "[");
    if (op->base >= 0) {
        out_printf(o, "%s", names[op->base & 7]);
        any = true;
    }
    if (op->index >= 0) {
        out_printf(o, "%s%s", any ? " + " : "", names[op->index & 7]);
        if (op->scale != 1)
            out_printf(o, "*%d", op->scale);
        any = true;
    }
    uint32_t disp = (uint32_t)op->disp;
    if (insn->adsize == 2)
        disp &= 0xffff;
    if (!any) {
        format_hex(o, disp);
    } else if (op->disp < 0 && insn->adsize == 4) {
        out_printf(o, " - ");
        format_hex(o, 0u - disp);
    } else if (disp != 0) {
        out_printf(o, " + ");
        format_hex(o, disp);
    }
    out_printf(o, "]");
}

static void format_operand(X86Out *o, const X86Insn *insn, const X86Operand *op)
{
    switch (op->kind) {
    case X86_OP_REG:
        format_reg(o, op);
        break;
    case X86_OP_MEM:
        format_mem(o, insn, op);
        break;
    case X86_OP_IMM: {
        uint32_t v = op->imm;
        if (op->size == 1)
            v &= 0xff;
        else if (op->size == 2)
            v &= 0xffff;
        format_hex(o, v);
        break;
    }
    }
}

/* Mnemonic of size-variant families (cbw/cwde, movsb/movsd ...). */
static void format_mnemonic(X86Out *o, const X86Insn *insn)
{
    static const char suffix[5] = {'?', 'b', 'w', '?', 'd'};
    char sfx = suffix[insn->opsize <= 4 ? insn->opsize : 0];
    bool o16 = insn->opsize == 2;
    switch (insn->mnem) {
    case X86_JCC:
        out_printf(o, "j%s", x86_cond_name[insn->cond & 15]);
        return;
    case X86_SETCC:
        out_printf(o, "set%s", x86_cond_name[insn->cond & 15]);
        return;
    case X86_CMOVCC:
        out_printf(o, "cmov%s", x86_cond_name[insn->cond & 15]);
        return;
    case X86_MOVS:
    case X86_CMPS:
    case X86_STOS:
    case X86_LODS:
    case X86_SCAS:
    case X86_INS:
    case X86_OUTS: {
        char name[8];
        snprintf(name, sizeof name, "%s", x86_mnem_name[insn->mnem]);
        for (char *c = name; *c; c++)
            *c = (char)tolower((unsigned char)*c);
        out_printf(o, "%s%c", name, sfx);
        return;
    }
    case X86_CBW:
        out_printf(o, o16 ? "cbw" : "cwde");
        return;
    case X86_CWD:
        out_printf(o, o16 ? "cwd" : "cdq");
        return;
    case X86_PUSHA:
        out_printf(o, o16 ? "pushaw" : "pushal");
        return;
    case X86_POPA:
        out_printf(o, o16 ? "popaw" : "popal");
        return;
    case X86_PUSHF:
        out_printf(o, o16 ? "pushf" : "pushfd");
        return;
    case X86_POPF:
        out_printf(o, o16 ? "popf" : "popfd");
        return;
    case X86_IRET:
        out_printf(o, o16 ? "iret" : "iretd");
        return;
    case X86_JCXZ:
        out_printf(o, insn->adsize == 2 ? "jcxz" : "jecxz");
        return;
    case X86_JMPF:
        out_printf(o, "ljmp");
        return;
    case X86_CALLF:
        out_printf(o, "lcall");
        return;
    case X86_MOVSEG:
        out_printf(o, "mov");
        return;
    case X86_PUSHSEG:
        out_printf(o, "push");
        return;
    case X86_POPSEG:
        out_printf(o, "pop");
        return;
    case X86_XLAT:
        out_printf(o, "xlatb");
        return;
    case X86_INVALID:
        out_printf(o, "(bad)");
        return;
    }
    for (const char *c = x86_mnem_name[insn->mnem]; *c; c++)
        out_printf(o, "%c", tolower((unsigned char)*c));
}

void x86_insn_format(const X86Insn *insn, char *out, size_t outsz)
{
    X86Out o = {out, outsz};
    if (outsz == 0)
        return;
    out[0] = 0;
    if (insn->mnem >= X86_NMNEM) {
        out_printf(&o, "(bad)");
        return;
    }
    bool str = insn->mnem == X86_MOVS || insn->mnem == X86_STOS || insn->mnem == X86_LODS ||
               insn->mnem == X86_INS || insn->mnem == X86_OUTS;
    bool cmp = insn->mnem == X86_CMPS || insn->mnem == X86_SCAS;
    if (insn->prefixes & X86_PFX_LOCK)
        out_printf(&o, "lock ");
    if ((str || cmp) && (insn->prefixes & X86_PFX_REPNE))
        out_printf(&o, "repne ");
    else if ((str || cmp) && (insn->prefixes & X86_PFX_REP))
        out_printf(&o, cmp ? "repe " : "rep ");
    format_mnemonic(&o, insn);
    bool far_ptr = insn->mnem == X86_JMPF || insn->mnem == X86_CALLF;
    for (int i = 0; i < insn->nops && i < 3; i++) {
        /* far pointer immediates print as sel:off */
        const char *sep = i == 0 ? " " : far_ptr && insn->op[0].kind == X86_OP_IMM ? ":" : ", ";
        out_printf(&o, "%s", sep);
        format_operand(&o, insn, &insn->op[i]);
    }
}
