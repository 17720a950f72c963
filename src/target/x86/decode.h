/*
 * decode.h - the x86 (i386, 32-bit protected mode) instruction decoder.
 *
 * x86_decode() turns guest bytes into a plain X86Insn: prefixes, sizes,
 * family (X86Mnem), condition, and up to 3 operands in Intel order
 * (op[0] is the destination).  It knows nothing of IR; the same decoder
 * serves the translator, the -d in_asm cross-check and the unit tests.
 * Its tables (decode_tables.c) follow the Intel SDM opcode maps and operand
 * notation (Eb,Gb / Ev,Iz / ...).
 *
 * EXAMPLE.  bytes 66 03 44 8b 04  (add ax, [ebx+ecx*4+4]):
 *   len 5, mnem X86_ADD, opsize 2, adsize 4, nops 2,
 *   op[0] = REG GPR 0 size 2, op[1] = MEM size 2 base 3 index 1 scale 4
 *   disp 4 seg R_DS.
 */
#ifndef XLAT_TARGET_X86_DECODE_H
#define XLAT_TARGET_X86_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum X86Mnem {
#define DEF(name) X86_##name,
#include "x86-mnem.h"
#undef DEF
    X86_NMNEM
} X86Mnem;
extern const char *const x86_mnem_name[X86_NMNEM];

enum X86OpKind { X86_OP_NONE, X86_OP_REG, X86_OP_MEM, X86_OP_IMM };
enum X86RegClass { X86_RC_GPR, X86_RC_SEG, X86_RC_CR, X86_RC_DR, X86_RC_MMX, X86_RC_XMM, X86_RC_ST };

/* prefix bits */
#define X86_PFX_LOCK  0x01
#define X86_PFX_REP   0x02   /* F3 (rep / repe) */
#define X86_PFX_REPNE 0x04   /* F2 */
#define X86_PFX_OPSZ  0x08   /* 66 */
#define X86_PFX_ADSZ  0x10   /* 67 */
#define X86_PFX_SEG   0x20   /* a segment override is present (seg_override) */

typedef struct X86Operand {
    uint8_t kind;            /* X86_OP_* */
    uint8_t size;            /* bytes: 1, 2, 4; 6 (far pointer m16:32), 8 (m64/m32&32) */
    /* REG: number within its class; GPR size 1 numbers are AL CL DL BL AH CH DH BH (0..7) */
    uint8_t reg;
    uint8_t reg_class;       /* X86_RC_* */
    /* MEM: effective address = seg_base[seg] + (base + index*scale + disp)
     * truncated to the address size (16-bit address: base/index from the
     * 16-bit ModRM table, sum truncated to 16 bits). */
    int8_t base, index;      /* GPR numbers, -1 if absent */
    uint8_t scale;           /* 1, 2, 4, 8 */
    uint8_t seg;             /* R_ES..R_GS: override or default (SS for EBP/ESP bases) */
    int32_t disp;
    /* IMM: value sign- or zero-extended as the instruction defines, to 32
     * bits.  Relative branch targets are resolved to the absolute target pc
     * (truncated to 16 bits when the operand size is 16). */
    uint32_t imm;
} X86Operand;

typedef struct X86Insn {
    uint32_t pc;
    uint8_t len;             /* total length in bytes, 1..15 */
    uint8_t mnem;            /* X86Mnem */
    uint8_t cond;            /* Jcc/SETcc/CMOVcc: condition 0..15 */
    uint8_t prefixes;        /* X86_PFX_* */
    uint8_t seg_override;    /* R_ES..R_GS when X86_PFX_SEG */
    uint8_t opsize;          /* 2 or 4 (effective operand size) */
                             /* ... 1 for byte string ops (movsb ... insb), which list no operands */
    uint8_t adsize;          /* 2 or 4 (effective address size) */
    uint8_t nops;
    uint16_t opcode;         /* 0x00-0xff; 0x0f00 | b2; 0x0f3800 | b3; 0x0f3a00 | b3 */
                             /* ... the last two truncated to 16 bits: 0x3800 | b3, 0x3a00 | b3 */
    bool has_modrm;
    uint8_t modrm;
    uint8_t mprefix;         /* rows split by mandatory prefix (SSE, popcnt ...):
                                0 none, 1 66, 2 F3, 3 F2 (the one that chose the row);
                                X86_MPREFIX_VEX for VEX encodings (length only) */
    uint8_t imm2_size;       /* ENTER Ib, far pointers: second immediate */
    uint32_t imm2;
    X86Operand op[3];
} X86Insn;

#define X86_MPREFIX_VEX 4

/* Decoder results */
enum {
    X86_DEC_OK = 0,
    X86_DEC_INVALID,         /* undefined opcode: guest gets SIGILL at pc */
    X86_DEC_TOO_LONG,        /* over 15 bytes: SIGILL (#GP on hardware: SIGSEGV) */
    X86_DEC_SHORT,           /* fewer than the needed bytes were available */
};

/*
 * Decode one instruction from buf[0..avail-1], which holds guest code at
 * guest address pc.  On X86_DEC_OK fills *insn.  On X86_DEC_INVALID,
 * insn->len is the length the decoder consumed (at least 1), insn->mnem is
 * X86_INVALID.  On X86_DEC_SHORT, more bytes are needed (the caller may
 * retry with more, or treat the end of the mapping as a fault at that pc).
 * Never reads beyond buf[avail-1].
 */
int x86_decode(X86Insn *insn, const uint8_t *buf, size_t avail, uint32_t pc);

/* Print "mnemonic operands" in Intel syntax (for logs and tests). */
void x86_insn_format(const X86Insn *insn, char *out, size_t outsz);

#endif
