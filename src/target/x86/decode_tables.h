/*
 * decode_tables.h - private to the decoder (decode.c, decode_tables.c):
 * the shape of the opcode-map rows and the operand notation they use.
 *
 * A row names an instruction family (X86Mnem) and up to three operands in
 * the Intel SDM's opcode-map notation, destination first:
 *   {X86_ADD, {Ev, Iz}, XF_LOCK}       81 /0  add r/m32, imm32
 * Rows that are not instructions say what to look at next (kind): a /reg
 * group, a mandatory-prefix split, or an escape to another map.  A group
 * row with no operands takes the operands of the row that led to it (so the
 * 0x80/0x81/0x83 rows carry "Eb,Ib" / "Ev,Iz" / "Ev,Ibs" and one ALU group
 * names ADD..CMP).
 *
 * The operand names below are the SDM's, kept short on purpose so the
 * tables read like the manual; they are visible only in these two files.
 */
#ifndef XLAT_TARGET_X86_DECODE_TABLES_H
#define XLAT_TARGET_X86_DECODE_TABLES_H

#include <stdint.h>

#include "target/x86/decode.h"

/* Operand specifications (SDM Appendix A notation; a few additions noted). */
/* clang-format off */
enum X86OperandSpec {
    O_NONE = 0,
    /* ModRM r/m: register or memory */
    Eb, Ew, Ev,
    MwRv,     /* memory word, or full-size register (mov Ev,Sw; sldt; lar src) */
    /* ModRM r/m: memory only (mod=3 makes the row invalid) */
    M,        /* address only (lea): size = operand size */
    Mb, Mw, Md, Mq,
    Mp,       /* far pointer m16:16 / m16:32 (size 4 / 6) */
    Ma,       /* bound's pair of words / dwords */
    Ms,       /* sgdt/sidt pseudo-descriptor, 6 bytes */
    /* ModRM reg field */
    Gb, Gw, Gv,
    Sw,       /* segment register */
    Cd, Dd,   /* control / debug register (mod ignored) */
    Rd,       /* r/m as a 32-bit register whatever mod says (mov cr/dr) */
    Vx, Wx,   /* xmm register (reg field) / xmm register or m128 (r/m) */
    /* SSE/MMX operands (rows in x86_sse_*): r/m as xmm or memory of 8/4/2
     * bytes; mmx register (reg field), mmx or m64 / m32 (r/m); r32 or m32;
     * r32 (reg field); r32 or m8 / m16 (pextrb/pinsrb, pextrw/pinsrw) */
    Wq, Wd, Ww, Pq, Qq, Qd, Ed, Gd, EdMb, EdMw,
    /* immediates */
    Ib, Iw, Iz,
    Ibs,      /* byte sign-extended to the operand size (83, 6A, 6B) */
    Jb, Jz,   /* relative branch, resolved to the absolute target */
    Ob, Ov,   /* moffs: address-size offset, no ModRM */
    Ap,       /* far pointer ptr16:16 / ptr16:32 */
    ONE,      /* the constant 1 of D0/D1 shifts */
    /* fixed registers */
    AL, CL, DX, eAX,
    Zb, Zv,   /* register in the low three opcode bits (B0+r, 50+r ...) */
    sES, sCS, sSS, sDS, sFS, sGS,
    /* x87 escapes (decode.c): memory of the size x86_x87_mem_size says, or st(rm) */
    Mx87, STi,
    X86_NSPEC
};
/* clang-format on */

enum X86RowKind {
    XK_INSN = 0, /* an instruction */
    XK_GROUP,    /* look up modrm.reg in x86_groups[arg] */
    XK_PREFIXED, /* pick by mandatory prefix in x86_prefixed[arg] */
    XK_ESC_0F,   /* two-byte map */
    XK_ESC_0F38, /* three-byte maps */
    XK_ESC_0F3A,
    XK_X87,     /* D8-DF */
    XK_PREFIX,  /* a prefix byte (handled before the table lookup) */
    XK_SPECIAL, /* decode.c handles it by hand (arg: which) */
    XK_SSE,     /* pick by mandatory prefix in x86_sse_0f[opcode] */
};

/* Row flags */
enum {
    XF_LOCK = 0x01,  /* LOCK allowed (with a memory destination) */
    XF_MEM = 0x02,   /* r/m must be memory */
    XF_REG = 0x04,   /* r/m must be a register */
    XF_BYTE = 0x10,  /* implicit byte operands: insn->opsize = 1 (movsb ...) */
};
/* An all-zero row is mnem X86_INVALID, kind XK_INSN: undefined encoding. */

/* XK_SPECIAL cases */
enum { XS_VEX_LES, XS_VEX_LDS, XS_3DNOW, XS_0F01_REG, XS_TSX };

typedef struct X86OpcodeRow {
    uint8_t mnem;   /* X86Mnem (XK_INSN) */
    uint8_t ops[3]; /* enum X86OperandSpec */
    uint8_t flags;  /* XF_* */
    uint8_t kind;   /* enum X86RowKind */
    uint8_t arg;    /* group / prefixed-table index, or XS_* */
} X86OpcodeRow;

/* A /reg group: rows for memory forms and for register forms (mod=3). */
typedef struct X86Group {
    X86OpcodeRow mem[8];
    X86OpcodeRow reg[8];
} X86Group;

enum {
    XG_1,
    XG_1A,
    XG_2,
    XG_3B,
    XG_3V,
    XG_4,
    XG_5,
    XG_6,
    XG_7,
    XG_8,
    XG_9,
    XG_11B,
    XG_11V,
    XG_15,
    XG_NGROUPS
};

/* Mandatory-prefix splits: [0] none, [1] 66, [2] F3, [3] F2. */
enum { XP_0FB8, XP_0FBC, XP_0FBD, XP_NPREFIXED };

extern const X86OpcodeRow x86_map_1byte[256];
extern const X86OpcodeRow x86_map_0f[256];
extern const X86Group x86_groups[XG_NGROUPS];
extern const X86OpcodeRow x86_prefixed[XP_NPREFIXED][4];
/* 0F 01 with mod=3: the whole ModRM byte names the instruction. */
typedef struct X86ModrmRow {
    uint8_t modrm;
    uint8_t mnem;
} X86ModrmRow;
extern const X86ModrmRow x86_0f01_reg[];
extern const unsigned x86_0f01_reg_count;
/* SSE/MMX rows by opcode and mandatory prefix ([0] none, [1] 66, [2] F3,
 * [3] F2), for the 0F map rows of kind XK_SSE and the 0F 38 / 0F 3A maps.
 * A zero row there is undefined (or not yet known: then the bitmaps below
 * still decode it for length). */
extern const X86OpcodeRow x86_sse_0f[256][4];
extern const X86OpcodeRow x86_sse_0f38[256][4];
extern const X86OpcodeRow x86_sse_0f3a[256][4];
/* Defined opcodes of the 0F 38 and 0F 3A maps (one bit each). */
extern const uint32_t x86_0f38_defined[8];
extern const uint32_t x86_0f3a_defined[8];
/* x87: memory operand size per (opcode - D8, reg), 0 = undefined;
 * register forms: bit rm set when ModRM C0 | reg<<3 | rm is defined. */
extern const uint8_t x86_x87_mem_size[8][8];
extern const uint8_t x86_x87_reg_defined[8][8];

#endif
