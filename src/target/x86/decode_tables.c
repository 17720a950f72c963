/*
 * decode_tables.c - the i386 opcode maps as data, transcribed from the
 * Intel SDM Vol. 2 Appendix A (one-byte map, two-byte map,
 * group table A-6, x87 escape tables A-7..A-22).
 *
 * Invariants:
 *  - a row left out is all zeros: mnem X86_INVALID, an undefined encoding;
 *  - operands are in Intel order (destination first) and list only what
 *    Intel syntax shows: implicit registers (mul's EAX, string ops' ESI/EDI,
 *    push's stack) are not operands;
 *  - immediates appear in the order they are encoded (enter: Iw then Ib).
 * Families the translator does not handle yet (SYS) are decoded for their
 * length; their operands are approximate.  The SSE/MMX rows, split by
 * mandatory prefix, are in decode_tables_sse.c.
 */
#include "target/x86/decode_tables.h"

/* Rows leave out trailing fields on purpose (zero: no flags, XK_INSN), so
 * they read like the manual's "Ev,Gv" and not like a struct dump. */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

/* The maps are aligned by hand, like the manual's tables. */
/* clang-format off */

const char *const x86_mnem_name[X86_NMNEM] = {
#define DEF(name) #name,
#include "target/x86/x86-mnem.h"
#undef DEF
};

/* ---- one-byte map ---- */

/* 00-3F: the eight ALU ops, each as Eb,Gb Ev,Gv Gb,Eb Gv,Ev AL,Ib eAX,Iz */
#define ALU_ROWS(base, m, lk)                                                                      \
    [base + 0] = {m, {Eb, Gb}, lk, XK_INSN, 0}, [base + 1] = {m, {Ev, Gv}, lk, XK_INSN, 0},        \
    [base + 2] = {m, {Gb, Eb}, 0, XK_INSN, 0}, [base + 3] = {m, {Gv, Ev}, 0, XK_INSN, 0},          \
    [base + 4] = {m, {AL, Ib}, 0, XK_INSN, 0}, [base + 5] = {m, {eAX, Iz}, 0, XK_INSN, 0}

const X86OpcodeRow x86_map_1byte[256] = {
    ALU_ROWS(0x00, X86_ADD, XF_LOCK),
    [0x06] = {X86_PUSHSEG, {sES}},
    [0x07] = {X86_POPSEG, {sES}},
    ALU_ROWS(0x08, X86_OR, XF_LOCK),
    [0x0e] = {X86_PUSHSEG, {sCS}},
    [0x0f] = {.kind = XK_ESC_0F},
    ALU_ROWS(0x10, X86_ADC, XF_LOCK),
    [0x16] = {X86_PUSHSEG, {sSS}},
    [0x17] = {X86_POPSEG, {sSS}},
    ALU_ROWS(0x18, X86_SBB, XF_LOCK),
    [0x1e] = {X86_PUSHSEG, {sDS}},
    [0x1f] = {X86_POPSEG, {sDS}},
    ALU_ROWS(0x20, X86_AND, XF_LOCK),
    [0x26] = {.kind = XK_PREFIX},
    [0x27] = {X86_DAA},
    ALU_ROWS(0x28, X86_SUB, XF_LOCK),
    [0x2e] = {.kind = XK_PREFIX},
    [0x2f] = {X86_DAS},
    ALU_ROWS(0x30, X86_XOR, XF_LOCK),
    [0x36] = {.kind = XK_PREFIX},
    [0x37] = {X86_AAA},
    ALU_ROWS(0x38, X86_CMP, 0),
    [0x3e] = {.kind = XK_PREFIX},
    [0x3f] = {X86_AAS},

    [0x40] = {X86_INC, {Zv}}, [0x41] = {X86_INC, {Zv}}, [0x42] = {X86_INC, {Zv}},
    [0x43] = {X86_INC, {Zv}}, [0x44] = {X86_INC, {Zv}}, [0x45] = {X86_INC, {Zv}},
    [0x46] = {X86_INC, {Zv}}, [0x47] = {X86_INC, {Zv}},
    [0x48] = {X86_DEC, {Zv}}, [0x49] = {X86_DEC, {Zv}}, [0x4a] = {X86_DEC, {Zv}},
    [0x4b] = {X86_DEC, {Zv}}, [0x4c] = {X86_DEC, {Zv}}, [0x4d] = {X86_DEC, {Zv}},
    [0x4e] = {X86_DEC, {Zv}}, [0x4f] = {X86_DEC, {Zv}},
    [0x50] = {X86_PUSH, {Zv}}, [0x51] = {X86_PUSH, {Zv}}, [0x52] = {X86_PUSH, {Zv}},
    [0x53] = {X86_PUSH, {Zv}}, [0x54] = {X86_PUSH, {Zv}}, [0x55] = {X86_PUSH, {Zv}},
    [0x56] = {X86_PUSH, {Zv}}, [0x57] = {X86_PUSH, {Zv}},
    [0x58] = {X86_POP, {Zv}}, [0x59] = {X86_POP, {Zv}}, [0x5a] = {X86_POP, {Zv}},
    [0x5b] = {X86_POP, {Zv}}, [0x5c] = {X86_POP, {Zv}}, [0x5d] = {X86_POP, {Zv}},
    [0x5e] = {X86_POP, {Zv}}, [0x5f] = {X86_POP, {Zv}},

    [0x60] = {X86_PUSHA},
    [0x61] = {X86_POPA},
    [0x62] = {X86_BOUND, {Gv, Ma}, XF_MEM},   /* mod=3 would be EVEX: not in i386 */
    [0x63] = {X86_ARPL, {Ew, Gw}},
    [0x64] = {.kind = XK_PREFIX},
    [0x65] = {.kind = XK_PREFIX},
    [0x66] = {.kind = XK_PREFIX},
    [0x67] = {.kind = XK_PREFIX},
    [0x68] = {X86_PUSH, {Iz}},
    [0x69] = {X86_IMUL, {Gv, Ev, Iz}},
    [0x6a] = {X86_PUSH, {Ibs}},
    [0x6b] = {X86_IMUL, {Gv, Ev, Ibs}},
    [0x6c] = {X86_INS, {0}, XF_BYTE},
    [0x6d] = {X86_INS},
    [0x6e] = {X86_OUTS, {0}, XF_BYTE},
    [0x6f] = {X86_OUTS},

    [0x70] = {X86_JCC, {Jb}}, [0x71] = {X86_JCC, {Jb}}, [0x72] = {X86_JCC, {Jb}},
    [0x73] = {X86_JCC, {Jb}}, [0x74] = {X86_JCC, {Jb}}, [0x75] = {X86_JCC, {Jb}},
    [0x76] = {X86_JCC, {Jb}}, [0x77] = {X86_JCC, {Jb}}, [0x78] = {X86_JCC, {Jb}},
    [0x79] = {X86_JCC, {Jb}}, [0x7a] = {X86_JCC, {Jb}}, [0x7b] = {X86_JCC, {Jb}},
    [0x7c] = {X86_JCC, {Jb}}, [0x7d] = {X86_JCC, {Jb}}, [0x7e] = {X86_JCC, {Jb}},
    [0x7f] = {X86_JCC, {Jb}},

    [0x80] = {0, {Eb, Ib}, 0, XK_GROUP, XG_1},
    [0x81] = {0, {Ev, Iz}, 0, XK_GROUP, XG_1},
    [0x82] = {0, {Eb, Ib}, 0, XK_GROUP, XG_1},   /* alias of 0x80 (i386 only) */
    [0x83] = {0, {Ev, Ibs}, 0, XK_GROUP, XG_1},
    [0x84] = {X86_TEST, {Eb, Gb}},
    [0x85] = {X86_TEST, {Ev, Gv}},
    [0x86] = {X86_XCHG, {Eb, Gb}, XF_LOCK},
    [0x87] = {X86_XCHG, {Ev, Gv}, XF_LOCK},
    [0x88] = {X86_MOV, {Eb, Gb}},
    [0x89] = {X86_MOV, {Ev, Gv}},
    [0x8a] = {X86_MOV, {Gb, Eb}},
    [0x8b] = {X86_MOV, {Gv, Ev}},
    [0x8c] = {X86_MOVSEG, {MwRv, Sw}},
    [0x8d] = {X86_LEA, {Gv, M}, XF_MEM},
    [0x8e] = {X86_MOVSEG, {Sw, Ew}},
    [0x8f] = {0, {0}, 0, XK_GROUP, XG_1A},

    [0x90] = {X86_NOP},   /* also F3 90 (pause) */
    [0x91] = {X86_XCHG, {eAX, Zv}}, [0x92] = {X86_XCHG, {eAX, Zv}},
    [0x93] = {X86_XCHG, {eAX, Zv}}, [0x94] = {X86_XCHG, {eAX, Zv}},
    [0x95] = {X86_XCHG, {eAX, Zv}}, [0x96] = {X86_XCHG, {eAX, Zv}},
    [0x97] = {X86_XCHG, {eAX, Zv}},
    [0x98] = {X86_CBW},
    [0x99] = {X86_CWD},
    [0x9a] = {X86_CALLF, {Ap}},
    [0x9b] = {X86_X87},   /* fwait */
    [0x9c] = {X86_PUSHF},
    [0x9d] = {X86_POPF},
    [0x9e] = {X86_SAHF},
    [0x9f] = {X86_LAHF},

    [0xa0] = {X86_MOV, {AL, Ob}},
    [0xa1] = {X86_MOV, {eAX, Ov}},
    [0xa2] = {X86_MOV, {Ob, AL}},
    [0xa3] = {X86_MOV, {Ov, eAX}},
    [0xa4] = {X86_MOVS, {0}, XF_BYTE},
    [0xa5] = {X86_MOVS},
    [0xa6] = {X86_CMPS, {0}, XF_BYTE},
    [0xa7] = {X86_CMPS},
    [0xa8] = {X86_TEST, {AL, Ib}},
    [0xa9] = {X86_TEST, {eAX, Iz}},
    [0xaa] = {X86_STOS, {0}, XF_BYTE},
    [0xab] = {X86_STOS},
    [0xac] = {X86_LODS, {0}, XF_BYTE},
    [0xad] = {X86_LODS},
    [0xae] = {X86_SCAS, {0}, XF_BYTE},
    [0xaf] = {X86_SCAS},

    [0xb0] = {X86_MOV, {Zb, Ib}}, [0xb1] = {X86_MOV, {Zb, Ib}}, [0xb2] = {X86_MOV, {Zb, Ib}},
    [0xb3] = {X86_MOV, {Zb, Ib}}, [0xb4] = {X86_MOV, {Zb, Ib}}, [0xb5] = {X86_MOV, {Zb, Ib}},
    [0xb6] = {X86_MOV, {Zb, Ib}}, [0xb7] = {X86_MOV, {Zb, Ib}},
    [0xb8] = {X86_MOV, {Zv, Iz}}, [0xb9] = {X86_MOV, {Zv, Iz}}, [0xba] = {X86_MOV, {Zv, Iz}},
    [0xbb] = {X86_MOV, {Zv, Iz}}, [0xbc] = {X86_MOV, {Zv, Iz}}, [0xbd] = {X86_MOV, {Zv, Iz}},
    [0xbe] = {X86_MOV, {Zv, Iz}}, [0xbf] = {X86_MOV, {Zv, Iz}},

    [0xc0] = {0, {Eb, Ib}, 0, XK_GROUP, XG_2},
    [0xc1] = {0, {Ev, Ib}, 0, XK_GROUP, XG_2},
    [0xc2] = {X86_RET, {Iw}},
    [0xc3] = {X86_RET},
    [0xc4] = {0, {0}, 0, XK_SPECIAL, XS_VEX_LES},   /* les Gv,Mp; mod=3: VEX3 */
    [0xc5] = {0, {0}, 0, XK_SPECIAL, XS_VEX_LDS},   /* lds Gv,Mp; mod=3: VEX2 */
    [0xc6] = {0, {0}, 0, XK_GROUP, XG_11B},
    [0xc7] = {0, {0}, 0, XK_GROUP, XG_11V},
    [0xc8] = {X86_ENTER, {Iw, Ib}},
    [0xc9] = {X86_LEAVE},
    [0xca] = {X86_RETF, {Iw}},
    [0xcb] = {X86_RETF},
    [0xcc] = {X86_INT3},
    [0xcd] = {X86_INT, {Ib}},
    [0xce] = {X86_INTO},
    [0xcf] = {X86_IRET},

    [0xd0] = {0, {Eb, ONE}, 0, XK_GROUP, XG_2},
    [0xd1] = {0, {Ev, ONE}, 0, XK_GROUP, XG_2},
    [0xd2] = {0, {Eb, CL}, 0, XK_GROUP, XG_2},
    [0xd3] = {0, {Ev, CL}, 0, XK_GROUP, XG_2},
    [0xd4] = {X86_AAM, {Ib}},
    [0xd5] = {X86_AAD, {Ib}},
    [0xd6] = {X86_SALC},
    [0xd7] = {X86_XLAT},
    [0xd8] = {.kind = XK_X87}, [0xd9] = {.kind = XK_X87}, [0xda] = {.kind = XK_X87},
    [0xdb] = {.kind = XK_X87}, [0xdc] = {.kind = XK_X87}, [0xdd] = {.kind = XK_X87},
    [0xde] = {.kind = XK_X87}, [0xdf] = {.kind = XK_X87},

    [0xe0] = {X86_LOOPNE, {Jb}},
    [0xe1] = {X86_LOOPE, {Jb}},
    [0xe2] = {X86_LOOP, {Jb}},
    [0xe3] = {X86_JCXZ, {Jb}},
    [0xe4] = {X86_IN, {AL, Ib}},
    [0xe5] = {X86_IN, {eAX, Ib}},
    [0xe6] = {X86_OUT, {Ib, AL}},
    [0xe7] = {X86_OUT, {Ib, eAX}},
    [0xe8] = {X86_CALL, {Jz}},
    [0xe9] = {X86_JMP, {Jz}},
    [0xea] = {X86_JMPF, {Ap}},
    [0xeb] = {X86_JMP, {Jb}},
    [0xec] = {X86_IN, {AL, DX}},
    [0xed] = {X86_IN, {eAX, DX}},
    [0xee] = {X86_OUT, {DX, AL}},
    [0xef] = {X86_OUT, {DX, eAX}},

    [0xf0] = {.kind = XK_PREFIX},
    [0xf1] = {X86_INT1},
    [0xf2] = {.kind = XK_PREFIX},
    [0xf3] = {.kind = XK_PREFIX},
    [0xf4] = {X86_HLT},
    [0xf5] = {X86_CMC},
    [0xf6] = {0, {0}, 0, XK_GROUP, XG_3B},
    [0xf7] = {0, {0}, 0, XK_GROUP, XG_3V},
    [0xf8] = {X86_CLC},
    [0xf9] = {X86_STC},
    [0xfa] = {X86_CLI},
    [0xfb] = {X86_STI},
    [0xfc] = {X86_CLD},
    [0xfd] = {X86_STD},
    [0xfe] = {0, {0}, 0, XK_GROUP, XG_4},
    [0xff] = {0, {0}, 0, XK_GROUP, XG_5},
};

/* ---- two-byte map (0F xx) ---- */

/* SSE/MMX rows: by mandatory prefix in x86_sse_0f (decode_tables_sse.c). */
#define SSE {.kind = XK_SSE}
#define SSE_IB SSE

const X86OpcodeRow x86_map_0f[256] = {
    [0x00] = {0, {0}, 0, XK_GROUP, XG_6},
    [0x01] = {0, {0}, 0, XK_GROUP, XG_7},
    [0x02] = {X86_LAR, {Gv, MwRv}},
    [0x03] = {X86_LSL, {Gv, MwRv}},
    [0x05] = {X86_SYSCALL},
    [0x06] = {X86_PRIV},   /* clts */
    [0x07] = {X86_PRIV},   /* sysret */
    [0x08] = {X86_PRIV},   /* invd */
    [0x09] = {X86_PRIV},   /* wbinvd */
    [0x0b] = {X86_UD},     /* ud2 */
    [0x0d] = {X86_NOP, {Ev}},   /* prefetch / prefetchw hints */
    [0x0e] = {X86_SSE},          /* femms */
    [0x0f] = {0, {0}, 0, XK_SPECIAL, XS_3DNOW},

    [0x10] = SSE, [0x11] = SSE, [0x12] = SSE, [0x13] = SSE,
    [0x14] = SSE, [0x15] = SSE, [0x16] = SSE, [0x17] = SSE,
    /* 0F 18-1F: prefetch hints and reserved NOPs (endbr32 is F3 0F 1E FB) */
    [0x18] = {X86_NOP, {Ev}}, [0x19] = {X86_NOP, {Ev}}, [0x1a] = {X86_NOP, {Ev}},
    [0x1b] = {X86_NOP, {Ev}}, [0x1c] = {X86_NOP, {Ev}}, [0x1d] = {X86_NOP, {Ev}},
    [0x1e] = {X86_NOP, {Ev}}, [0x1f] = {X86_NOP, {Ev}},

    [0x20] = {X86_PRIV, {Rd, Cd}},
    [0x21] = {X86_PRIV, {Rd, Dd}},
    [0x22] = {X86_PRIV, {Cd, Rd}},
    [0x23] = {X86_PRIV, {Dd, Rd}},
    [0x28] = SSE, [0x29] = SSE, [0x2a] = SSE, [0x2b] = SSE,
    [0x2c] = SSE, [0x2d] = SSE, [0x2e] = SSE, [0x2f] = SSE,

    [0x30] = {X86_PRIV},   /* wrmsr */
    [0x31] = {X86_RDTSC},
    [0x32] = {X86_PRIV},   /* rdmsr */
    [0x33] = {X86_RDPMC},
    [0x34] = {X86_SYSENTER},
    [0x35] = {X86_PRIV},   /* sysexit */
    [0x37] = {X86_SYS},    /* getsec */
    [0x38] = {.kind = XK_ESC_0F38},
    [0x3a] = {.kind = XK_ESC_0F3A},

    [0x40] = {X86_CMOVCC, {Gv, Ev}}, [0x41] = {X86_CMOVCC, {Gv, Ev}},
    [0x42] = {X86_CMOVCC, {Gv, Ev}}, [0x43] = {X86_CMOVCC, {Gv, Ev}},
    [0x44] = {X86_CMOVCC, {Gv, Ev}}, [0x45] = {X86_CMOVCC, {Gv, Ev}},
    [0x46] = {X86_CMOVCC, {Gv, Ev}}, [0x47] = {X86_CMOVCC, {Gv, Ev}},
    [0x48] = {X86_CMOVCC, {Gv, Ev}}, [0x49] = {X86_CMOVCC, {Gv, Ev}},
    [0x4a] = {X86_CMOVCC, {Gv, Ev}}, [0x4b] = {X86_CMOVCC, {Gv, Ev}},
    [0x4c] = {X86_CMOVCC, {Gv, Ev}}, [0x4d] = {X86_CMOVCC, {Gv, Ev}},
    [0x4e] = {X86_CMOVCC, {Gv, Ev}}, [0x4f] = {X86_CMOVCC, {Gv, Ev}},

    [0x50] = SSE, [0x51] = SSE, [0x52] = SSE, [0x53] = SSE,
    [0x54] = SSE, [0x55] = SSE, [0x56] = SSE, [0x57] = SSE,
    [0x58] = SSE, [0x59] = SSE, [0x5a] = SSE, [0x5b] = SSE,
    [0x5c] = SSE, [0x5d] = SSE, [0x5e] = SSE, [0x5f] = SSE,
    [0x60] = SSE, [0x61] = SSE, [0x62] = SSE, [0x63] = SSE,
    [0x64] = SSE, [0x65] = SSE, [0x66] = SSE, [0x67] = SSE,
    [0x68] = SSE, [0x69] = SSE, [0x6a] = SSE, [0x6b] = SSE,
    [0x6c] = SSE, [0x6d] = SSE, [0x6e] = SSE, [0x6f] = SSE,
    [0x70] = SSE_IB,
    /* groups 12-14 (shift by immediate): register forms only */
    [0x71] = SSE, [0x72] = SSE, [0x73] = SSE,
    [0x74] = SSE, [0x75] = SSE, [0x76] = SSE,
    [0x77] = SSE,   /* emms: no ModRM */
    [0x78] = {X86_PRIV, {Ev, Gv}},   /* vmread */
    [0x79] = {X86_PRIV, {Gv, Ev}},   /* vmwrite */
    [0x7c] = SSE, [0x7d] = SSE, [0x7e] = SSE, [0x7f] = SSE,

    [0x80] = {X86_JCC, {Jz}}, [0x81] = {X86_JCC, {Jz}}, [0x82] = {X86_JCC, {Jz}},
    [0x83] = {X86_JCC, {Jz}}, [0x84] = {X86_JCC, {Jz}}, [0x85] = {X86_JCC, {Jz}},
    [0x86] = {X86_JCC, {Jz}}, [0x87] = {X86_JCC, {Jz}}, [0x88] = {X86_JCC, {Jz}},
    [0x89] = {X86_JCC, {Jz}}, [0x8a] = {X86_JCC, {Jz}}, [0x8b] = {X86_JCC, {Jz}},
    [0x8c] = {X86_JCC, {Jz}}, [0x8d] = {X86_JCC, {Jz}}, [0x8e] = {X86_JCC, {Jz}},
    [0x8f] = {X86_JCC, {Jz}},
    [0x90] = {X86_SETCC, {Eb}}, [0x91] = {X86_SETCC, {Eb}}, [0x92] = {X86_SETCC, {Eb}},
    [0x93] = {X86_SETCC, {Eb}}, [0x94] = {X86_SETCC, {Eb}}, [0x95] = {X86_SETCC, {Eb}},
    [0x96] = {X86_SETCC, {Eb}}, [0x97] = {X86_SETCC, {Eb}}, [0x98] = {X86_SETCC, {Eb}},
    [0x99] = {X86_SETCC, {Eb}}, [0x9a] = {X86_SETCC, {Eb}}, [0x9b] = {X86_SETCC, {Eb}},
    [0x9c] = {X86_SETCC, {Eb}}, [0x9d] = {X86_SETCC, {Eb}}, [0x9e] = {X86_SETCC, {Eb}},
    [0x9f] = {X86_SETCC, {Eb}},

    [0xa0] = {X86_PUSHSEG, {sFS}},
    [0xa1] = {X86_POPSEG, {sFS}},
    [0xa2] = {X86_CPUID},
    [0xa3] = {X86_BT, {Ev, Gv}},
    [0xa4] = {X86_SHLD, {Ev, Gv, Ib}},
    [0xa5] = {X86_SHLD, {Ev, Gv, CL}},
    [0xa8] = {X86_PUSHSEG, {sGS}},
    [0xa9] = {X86_POPSEG, {sGS}},
    [0xaa] = {X86_PRIV},   /* rsm */
    [0xab] = {X86_BTS, {Ev, Gv}, XF_LOCK},
    [0xac] = {X86_SHRD, {Ev, Gv, Ib}},
    [0xad] = {X86_SHRD, {Ev, Gv, CL}},
    [0xae] = {0, {0}, 0, XK_GROUP, XG_15},
    [0xaf] = {X86_IMUL, {Gv, Ev}},

    [0xb0] = {X86_CMPXCHG, {Eb, Gb}, XF_LOCK},
    [0xb1] = {X86_CMPXCHG, {Ev, Gv}, XF_LOCK},
    [0xb2] = {X86_LSS, {Gv, Mp}, XF_MEM},
    [0xb3] = {X86_BTR, {Ev, Gv}, XF_LOCK},
    [0xb4] = {X86_LFS, {Gv, Mp}, XF_MEM},
    [0xb5] = {X86_LGS, {Gv, Mp}, XF_MEM},
    [0xb6] = {X86_MOVZX, {Gv, Eb}},
    [0xb7] = {X86_MOVZX, {Gv, Ew}},
    [0xb8] = {0, {0}, 0, XK_PREFIXED, XP_0FB8},
    [0xb9] = {X86_UD, {Gv, Ev}},   /* ud1 */
    [0xba] = {0, {Ev, Ib}, 0, XK_GROUP, XG_8},
    [0xbb] = {X86_BTC, {Ev, Gv}, XF_LOCK},
    [0xbc] = {0, {0}, 0, XK_PREFIXED, XP_0FBC},
    [0xbd] = {0, {0}, 0, XK_PREFIXED, XP_0FBD},
    [0xbe] = {X86_MOVSX, {Gv, Eb}},
    [0xbf] = {X86_MOVSX, {Gv, Ew}},

    [0xc0] = {X86_XADD, {Eb, Gb}, XF_LOCK},
    [0xc1] = {X86_XADD, {Ev, Gv}, XF_LOCK},
    [0xc2] = SSE_IB,
    [0xc3] = SSE,   /* movnti */
    [0xc4] = SSE_IB, [0xc5] = SSE_IB, [0xc6] = SSE_IB,
    [0xc7] = {0, {0}, 0, XK_GROUP, XG_9},
    [0xc8] = {X86_BSWAP, {Zv}}, [0xc9] = {X86_BSWAP, {Zv}}, [0xca] = {X86_BSWAP, {Zv}},
    [0xcb] = {X86_BSWAP, {Zv}}, [0xcc] = {X86_BSWAP, {Zv}}, [0xcd] = {X86_BSWAP, {Zv}},
    [0xce] = {X86_BSWAP, {Zv}}, [0xcf] = {X86_BSWAP, {Zv}},

    [0xd0] = SSE, [0xd1] = SSE, [0xd2] = SSE, [0xd3] = SSE,
    [0xd4] = SSE, [0xd5] = SSE, [0xd6] = SSE, [0xd7] = SSE,
    [0xd8] = SSE, [0xd9] = SSE, [0xda] = SSE, [0xdb] = SSE,
    [0xdc] = SSE, [0xdd] = SSE, [0xde] = SSE, [0xdf] = SSE,
    [0xe0] = SSE, [0xe1] = SSE, [0xe2] = SSE, [0xe3] = SSE,
    [0xe4] = SSE, [0xe5] = SSE, [0xe6] = SSE, [0xe7] = SSE,
    [0xe8] = SSE, [0xe9] = SSE, [0xea] = SSE, [0xeb] = SSE,
    [0xec] = SSE, [0xed] = SSE, [0xee] = SSE, [0xef] = SSE,
    [0xf0] = SSE, [0xf1] = SSE, [0xf2] = SSE, [0xf3] = SSE,
    [0xf4] = SSE, [0xf5] = SSE, [0xf6] = SSE, [0xf7] = SSE,
    [0xf8] = SSE, [0xf9] = SSE, [0xfa] = SSE, [0xfb] = SSE,
    [0xfc] = SSE, [0xfd] = SSE, [0xfe] = SSE,
    [0xff] = {X86_UD, {Gv, Ev}},   /* ud0 (with ModRM, as the current SDM says) */
};

/* ---- mandatory-prefix splits: none, 66, F3, F2 ---- */

const X86OpcodeRow x86_prefixed[XP_NPREFIXED][4] = {
    /* 0F B8: jmpe (IA-64 only) is undefined here; F3: popcnt */
    [XP_0FB8] = {{0}, {0}, {X86_SSE, {Gv, Ev}}, {0}},
    /* 0F BC/BD: bsf/bsr; F3: tzcnt (BMI1, not advertised: bsf as on
     * pre-BMI CPUs) / lzcnt (ABM) */
    [XP_0FBC] = {{X86_BSF, {Gv, Ev}}, {X86_BSF, {Gv, Ev}}, {X86_BSF, {Gv, Ev}},
                 {X86_BSF, {Gv, Ev}}},
    [XP_0FBD] = {{X86_BSR, {Gv, Ev}}, {X86_BSR, {Gv, Ev}}, {X86_SSE, {Gv, Ev}},
                 {X86_BSR, {Gv, Ev}}},
};

/* ---- /reg groups (SDM table A-6) ---- */

#define SAME_REG(...) .reg = {__VA_ARGS__}, .mem = {__VA_ARGS__}

const X86Group x86_groups[XG_NGROUPS] = {
    /* 80-83: operands from the opcode row */
    [XG_1] = {SAME_REG({X86_ADD, {0}, XF_LOCK}, {X86_OR, {0}, XF_LOCK},
                       {X86_ADC, {0}, XF_LOCK}, {X86_SBB, {0}, XF_LOCK},
                       {X86_AND, {0}, XF_LOCK}, {X86_SUB, {0}, XF_LOCK},
                       {X86_XOR, {0}, XF_LOCK}, {X86_CMP})},
    /* 8F: pop Ev; /1-/7 are AMD XOP, undefined here */
    [XG_1A] = {SAME_REG({X86_POP, {Ev}})},
    /* C0/C1/D0-D3: operands from the opcode row; /6 is SAL = SHL */
    [XG_2] = {SAME_REG({X86_ROL}, {X86_ROR}, {X86_RCL}, {X86_RCR}, {X86_SHL}, {X86_SHR},
                       {X86_SHL}, {X86_SAR})},
    /* F6/F7: /1 is an undocumented alias of test */
    [XG_3B] = {SAME_REG({X86_TEST, {Eb, Ib}}, {X86_TEST, {Eb, Ib}}, {X86_NOT, {Eb}, XF_LOCK},
                        {X86_NEG, {Eb}, XF_LOCK}, {X86_MUL, {Eb}}, {X86_IMUL, {Eb}},
                        {X86_DIV, {Eb}}, {X86_IDIV, {Eb}})},
    [XG_3V] = {SAME_REG({X86_TEST, {Ev, Iz}}, {X86_TEST, {Ev, Iz}}, {X86_NOT, {Ev}, XF_LOCK},
                        {X86_NEG, {Ev}, XF_LOCK}, {X86_MUL, {Ev}}, {X86_IMUL, {Ev}},
                        {X86_DIV, {Ev}}, {X86_IDIV, {Ev}})},
    [XG_4] = {SAME_REG({X86_INC, {Eb}, XF_LOCK}, {X86_DEC, {Eb}, XF_LOCK})},
    [XG_5] = {SAME_REG({X86_INC, {Ev}, XF_LOCK}, {X86_DEC, {Ev}, XF_LOCK}, {X86_CALL, {Ev}},
                       {X86_CALLF, {Mp}, XF_MEM}, {X86_JMP, {Ev}}, {X86_JMPF, {Mp}, XF_MEM},
                       {X86_PUSH, {Ev}})},
    /* 0F 00 */
    [XG_6] = {SAME_REG({X86_SLDT, {MwRv}}, {X86_STR, {MwRv}}, {X86_PRIV, {Ew}},
                       {X86_PRIV, {Ew}}, {X86_VERR, {Ew}}, {X86_VERW, {Ew}})},
    /* 0F 01: register forms are named by the whole ModRM byte (x86_0f01_reg)
     * except smsw and lmsw, which take any register */
    [XG_7] = {.mem = {{X86_SGDT, {Ms}}, {X86_SIDT, {Ms}}, {X86_PRIV, {Ms}}, {X86_PRIV, {Ms}},
                      {X86_SMSW, {MwRv}}, {0}, {X86_PRIV, {Ew}}, {X86_PRIV, {Mb}}},
              .reg = {{0, {0}, 0, XK_SPECIAL, XS_0F01_REG},
                      {0, {0}, 0, XK_SPECIAL, XS_0F01_REG},
                      {0, {0}, 0, XK_SPECIAL, XS_0F01_REG},
                      {0, {0}, 0, XK_SPECIAL, XS_0F01_REG},
                      {X86_SMSW, {MwRv}},
                      {0, {0}, 0, XK_SPECIAL, XS_0F01_REG},
                      {X86_PRIV, {Ew}},
                      {0, {0}, 0, XK_SPECIAL, XS_0F01_REG}}},
    /* 0F BA: operands Ev,Ib from the opcode row */
    [XG_8] = {SAME_REG({0}, {0}, {0}, {0}, {X86_BT}, {X86_BTS, {0}, XF_LOCK},
                       {X86_BTR, {0}, XF_LOCK}, {X86_BTC, {0}, XF_LOCK})},
    /* 0F C7: cmpxchg8b; xrstors/xsavec/xsaves; vmptrld/vmptrst; rdrand/rdseed */
    [XG_9] = {.mem = {{0}, {X86_CMPXCHG8B, {Mq}, XF_LOCK}, {0}, {X86_SYS, {Mb}},
                      {X86_SYS, {Mb}}, {X86_SYS, {Mb}}, {X86_PRIV, {Mq}}, {X86_PRIV, {Mq}}},
              .reg = {[6] = {X86_SYS, {Ev}}, [7] = {X86_SYS, {Ev}}}},
    /* C6/C7: mov; C6 F8 xabort Ib and C7 F8 xbegin Jz (TSX) are SYS */
    [XG_11B] = {.mem = {{X86_MOV, {Eb, Ib}}},
                .reg = {{X86_MOV, {Eb, Ib}}, [7] = {0, {0}, 0, XK_SPECIAL, XS_TSX}}},
    [XG_11V] = {.mem = {{X86_MOV, {Ev, Iz}}},
                .reg = {{X86_MOV, {Ev, Iz}}, [7] = {0, {0}, 0, XK_SPECIAL, XS_TSX}}},
    /* 0F AE: fxsave fxrstor ldmxcsr stmxcsr xsave xrstor xsaveopt clflush;
     * register forms /5 /6 /7 are lfence mfence sfence */
    [XG_15] = {.mem = {{X86_FXSAVE, {Mb}}, {X86_FXSAVE, {Mb}}, {X86_SSE, {Md}}, {X86_SSE, {Md}},
                       {X86_SYS, {Mb}}, {X86_SYS, {Mb}}, {X86_SYS, {Mb}}, {X86_SSE, {Mb}}},
               .reg = {[5] = {X86_FENCE}, [6] = {X86_FENCE}, [7] = {X86_FENCE}}},
};

/* 0F 01 register forms (mod=3) other than smsw/lmsw. */
const X86ModrmRow x86_0f01_reg[] = {
    {0xc1, X86_PRIV}, {0xc2, X86_PRIV}, {0xc3, X86_PRIV}, {0xc4, X86_PRIV},   /* vmx */
    {0xc8, X86_PRIV}, {0xc9, X86_PRIV},                                       /* monitor mwait */
    {0xca, X86_PRIV}, {0xcb, X86_PRIV},                                       /* clac stac */
    {0xd0, X86_XGETBV}, {0xd1, X86_PRIV},                                     /* xsetbv */
    {0xd4, X86_PRIV},                                                         /* vmfunc */
    {0xd5, X86_SYS},  {0xd6, X86_SYS},                                        /* xend xtest */
    {0xd8, X86_PRIV}, {0xd9, X86_PRIV}, {0xda, X86_PRIV}, {0xdb, X86_PRIV},   /* svm */
    {0xdc, X86_PRIV}, {0xdd, X86_PRIV}, {0xde, X86_PRIV}, {0xdf, X86_PRIV},
    {0xee, X86_SYS},  {0xef, X86_SYS},                                        /* rdpkru wrpkru */
    {0xf9, X86_RDTSCP},
};
const unsigned x86_0f01_reg_count = sizeof x86_0f01_reg / sizeof x86_0f01_reg[0];

/* ---- three-byte maps: which opcodes exist (all have ModRM; 0F 3A adds Ib) ---- */

/* 0F 38: 00-0B 10 14 15 17 1C-1E 20-25 28-2B 30-35 37-41 80-82 C8-CD CF DB-DF F0 F1 F6 */
const uint32_t x86_0f38_defined[8] = {
    0x70000fffu | 0x00010000u | 0x00100000u | 0x00200000u | 0x00800000u,   /* 00-1F */
    0x0000003fu | 0x00000f00u | 0x003f0000u | 0xff800000u,                 /* 20-3F */
    0x00000003u,                                                           /* 40-5F */
    0,
    0x00000007u,                                                           /* 80-9F */
    0,
    0x0000bf00u | 0xf8000000u,                                             /* C0-DF */
    0x00430000u,                                                           /* E0-FF */
};
/* 0F 3A: 08-0F 14-17 20-22 40-42 44 60-63 CC CE CF DF */
const uint32_t x86_0f3a_defined[8] = {
    0x0000ff00u | 0x00f00000u,   /* 00-1F */
    0x00000007u,                 /* 20-3F */
    0x00000017u,                 /* 40-5F */
    0x0000000fu,                 /* 60-7F */
    0,
    0,
    0x0000d000u | 0x80000000u,   /* C0-DF */
    0,
};

/* ---- x87 escapes ---- */

/* Memory operand bytes by (escape, reg); 0 = undefined.  fldenv/fnstenv
 * and frstor/fnsave are given their 32-bit sizes here (28, 108); the
 * decoder shrinks them for a 16-bit operand size. */
const uint8_t x86_x87_mem_size[8][8] = {
    {4, 4, 4, 4, 4, 4, 4, 4},       /* D8: m32fp arithmetic */
    {4, 0, 4, 4, 28, 2, 28, 2},     /* D9: fld fst fstp fldenv fldcw fnstenv fnstcw */
    {4, 4, 4, 4, 4, 4, 4, 4},       /* DA: m32int arithmetic */
    {4, 4, 4, 4, 0, 10, 0, 10},     /* DB: fild fisttp fist fistp fld80 fstp80 */
    {8, 8, 8, 8, 8, 8, 8, 8},       /* DC: m64fp arithmetic */
    {8, 8, 8, 8, 108, 0, 108, 2},   /* DD: fld fisttp fst fstp frstor fnsave fnstsw */
    {2, 2, 2, 2, 2, 2, 2, 2},       /* DE: m16int arithmetic */
    {2, 2, 2, 2, 10, 8, 10, 8},     /* DF: fild fisttp fist fistp fbld fild64 fbstp fistp64 */
};

/* Register forms (ModRM C0-FF): bit rm of [escape][reg].  The undocumented
 * aliases every x87 since the 387 executes are included (fstp1 D9 D8+i,
 * fcom2/fcomp3 DC D0-DF, fxch4 DD C8+i, fcomp5 DE D0+i, fxch7/fstp8/fstp9
 * DF C8-DF, feni/fdisi/fsetpm DB E0/E1/E4 as nops). */
const uint8_t x86_x87_reg_defined[8][8] = {
    {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff},   /* D8 */
    {0xff, 0xff, 0x01, 0xff, 0x33, 0x7f, 0xff, 0xff},   /* D9: fnop; fchs fabs ftst fxam; consts */
    {0xff, 0xff, 0xff, 0xff, 0x00, 0x02, 0x00, 0x00},   /* DA: fcmov*; fucompp */
    {0xff, 0xff, 0xff, 0xff, 0x1f, 0xff, 0xff, 0x00},   /* DB: fcmovn*; fnclex fninit; fucomi fcomi */
    {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff},   /* DC */
    {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00},   /* DD: ffree; fst fstp fucom fucomp */
    {0xff, 0xff, 0xff, 0x02, 0xff, 0xff, 0xff, 0xff},   /* DE: fcompp */
    {0xff, 0xff, 0xff, 0xff, 0x01, 0xff, 0xff, 0x00},   /* DF: ffreep; fnstsw ax; fucomip fcomip */
};
/* clang-format on */
