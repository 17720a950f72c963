/*
 * encode.h - raw x86-64 instruction encoder.
 *
 * An opcode constant (OPC_*) packs the opcode byte with prefix flags: P_0F
 * for the two-byte map, P_66 for a 16-bit operand, P_REXW for 64-bit, and
 * P_BREG/P_BRM when the reg/rm field names a byte register (spl, bpl, sil,
 * dil need a REX prefix, without one the same numbers mean ah..bh, which the
 * emitter never uses).  Names follow the SDM operand notation: OPC_ADD_GvEv
 * is "add Gv, Ev" (reg <- reg op r/m).
 *
 * The encoder never fails: the caller keeps enough room in the buffer
 * (X64_MAX_INSN per instruction) and checks cb->p against cb->end between
 * ops.
 */
#ifndef XLAT_HOST_X86_64_ENCODE_H
#define XLAT_HOST_X86_64_ENCODE_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "host/x86_64/target.h"

#define X64_MAX_INSN 16

typedef struct CodeBuf {
    uint8_t *start; /* start of the code being generated */
    uint8_t *p;     /* next byte */
    uint8_t *end;   /* limit */
} CodeBuf;

/* memory operand [base + index*scale + disp]; index = -1 for none */
typedef struct X64Mem {
    int base, index, scale;
    int32_t disp;
} X64Mem;

static inline X64Mem x64_mem(int base, int32_t disp) { return (X64Mem){base, -1, 1, disp}; }
static inline X64Mem x64_mem_idx(int base, int index, int scale, int32_t disp)
{
    return (X64Mem){base, index, scale, disp};
}

#define P_0F 0x100u
#define P_66 0x200u
#define P_REXW 0x400u
#define P_BREG 0x800u  /* reg field is a byte register */
#define P_BRM 0x1000u  /* rm field is a byte register */
#define P_F3 0x2000u
#define P_LOCK 0x4000u
#define P_B (P_BREG | P_BRM)

enum {
    /* group 1 ALU, Ev,Gv forms; add (ext<<3) for the others */
    OPC_ARITH_EbGb = 0x00 | P_B,
    OPC_ARITH_EvGv = 0x01,
    OPC_ARITH_GbEb = 0x02 | P_B,
    OPC_ARITH_GvEv = 0x03,
    OPC_ARITH_EbIb = 0x80 | P_BRM,
    OPC_ARITH_EvIz = 0x81,
    OPC_ARITH_EvIb = 0x83,
    OPC_TEST_EbGb = 0x84 | P_B,
    OPC_TEST_EvGv = 0x85,
    OPC_XCHG_EvGv = 0x87,
    OPC_MOV_EbGb = 0x88 | P_B,
    OPC_MOV_EvGv = 0x89,
    OPC_MOV_GbEb = 0x8a | P_B,
    OPC_MOV_GvEv = 0x8b,
    OPC_LEA_GvM = 0x8d,
    OPC_PUSHF = 0x9c,
    OPC_POPF = 0x9d,
    OPC_SHIFT_EbIb = 0xc0 | P_BRM,
    OPC_SHIFT_EvIb = 0xc1,
    OPC_RET = 0xc3,
    OPC_MOV_EbIb = 0xc6 | P_BRM,
    OPC_MOV_EvIz = 0xc7,
    OPC_SHIFT_EbCL = 0xd2 | P_BRM,
    OPC_SHIFT_EvCL = 0xd3,
    OPC_GRP3_Eb = 0xf6 | P_BRM,
    OPC_GRP3_Ev = 0xf7,
    OPC_GRP4_Eb = 0xfe | P_BRM,
    OPC_GRP5_Ev = 0xff,
    OPC_CMOVcc_GvEv = 0x40 | P_0F,
    OPC_SETcc_Eb = 0x90 | P_0F | P_BRM,
    OPC_BT_EvGv = 0xa3 | P_0F,
    OPC_SHLD_EvGvIb = 0xa4 | P_0F,
    OPC_SHLD_EvGvCL = 0xa5 | P_0F,
    OPC_BTS_EvGv = 0xab | P_0F,
    OPC_SHRD_EvGvIb = 0xac | P_0F,
    OPC_SHRD_EvGvCL = 0xad | P_0F,
    OPC_IMUL_GvEv = 0xaf | P_0F,
    OPC_BTR_EvGv = 0xb3 | P_0F,
    OPC_MOVZX_GvEb = 0xb6 | P_0F | P_BRM,
    OPC_MOVZX_GvEw = 0xb7 | P_0F,
    OPC_BTx_EvIb = 0xba | P_0F,
    OPC_BTC_EvGv = 0xbb | P_0F,
    OPC_BSF_GvEv = 0xbc | P_0F,
    OPC_BSR_GvEv = 0xbd | P_0F,
    OPC_MOVSX_GvEb = 0xbe | P_0F | P_BRM,
    OPC_MOVSX_GvEw = 0xbf | P_0F,
};

/* group 1 / group 2 / group 3 / group 4-5 extensions (ModRM.reg) */
enum { ARITH_ADD, ARITH_OR, ARITH_ADC, ARITH_SBB, ARITH_AND, ARITH_SUB, ARITH_XOR, ARITH_CMP };
enum { SHIFT_ROL, SHIFT_ROR, SHIFT_RCL, SHIFT_RCR, SHIFT_SHL, SHIFT_SHR, SHIFT_SAL, SHIFT_SAR };
enum { GRP3_TEST, GRP3_TEST1, GRP3_NOT, GRP3_NEG, GRP3_MUL, GRP3_IMUL, GRP3_DIV, GRP3_IDIV };
enum { GRP5_INC, GRP5_DEC, GRP5_CALL = 2, GRP5_JMP = 4, GRP5_PUSH = 6 };
enum { BTX_BT = 4, BTX_BTS, BTX_BTR, BTX_BTC };

/* raw bytes; inline, since instruction selection calls them per instruction */
static inline void x64_byte(CodeBuf *cb, uint8_t b) { *cb->p++ = b; }
static inline void x64_u16(CodeBuf *cb, uint16_t v)
{
    memcpy(cb->p, &v, 2);
    cb->p += 2;
}
static inline void x64_u32(CodeBuf *cb, uint32_t v)
{
    memcpy(cb->p, &v, 4);
    cb->p += 4;
}
static inline void x64_u64(CodeBuf *cb, uint64_t v)
{
    memcpy(cb->p, &v, 8);
    cb->p += 8;
}
/* immediate of `size` bits (8, 16 or 32) */
void x64_imm(CodeBuf *cb, int size, uint32_t v);

/* opc reg, rm (register-direct ModRM) */
void x64_rr(CodeBuf *cb, unsigned opc, int reg, int rm);
/* opc reg, [mem] */
void x64_rm(CodeBuf *cb, unsigned opc, int reg, X64Mem m);
/* the ModRM, SIB and displacement of x64_rm alone (m.base >= 0), for
 * callers that emit their own prefixes and opcode */
void x64_modrm_mem(CodeBuf *cb, int reg, X64Mem m);

/* common instructions */
void x64_mov_rr32(CodeBuf *cb, int dst, int src);             /* mov dst32, src32 */
void x64_mov_rr64(CodeBuf *cb, int dst, int src);
void x64_mov_ri32(CodeBuf *cb, int dst, uint32_t imm);        /* mov dst32, imm (no flags) */
void x64_mov_ri64(CodeBuf *cb, int dst, uint64_t imm);
void x64_load32(CodeBuf *cb, int dst, X64Mem m);              /* mov dst32, [m] */
void x64_load64(CodeBuf *cb, int dst, X64Mem m);
void x64_store32(CodeBuf *cb, X64Mem m, int src);             /* mov [m], src32 */
void x64_store64(CodeBuf *cb, X64Mem m, int src);
void x64_store_i32(CodeBuf *cb, X64Mem m, uint32_t imm);      /* mov dword [m], imm */
void x64_push(CodeBuf *cb, int r);
void x64_pop(CodeBuf *cb, int r);
void x64_lea32(CodeBuf *cb, int dst, X64Mem m);
/* arith (ARITH_*) of `size` bits on register dst with an immediate */
void x64_arith_ri(CodeBuf *cb, int ext, int size, int dst, uint32_t imm);
/* jumps; return the offset of the rel field from cb->start */
uint32_t x64_jmp32(CodeBuf *cb, const uint8_t *target);       /* NULL: rel 0 */
void x64_call32(CodeBuf *cb, const uint8_t *target);          /* call rel32 */
uint32_t x64_jcc32(CodeBuf *cb, int cond, const uint8_t *target);
uint32_t x64_jcc8(CodeBuf *cb, int cond);                     /* patch with x64_patch8 */
uint32_t x64_jmp8(CodeBuf *cb);
uint32_t x64_jrcxz8(CodeBuf *cb, bool ecx);                   /* jump if rcx (ecx) == 0 */
void x64_patch32(CodeBuf *cb, uint32_t at, const uint8_t *target);
void x64_patch8(CodeBuf *cb, uint32_t at, const uint8_t *target);
void x64_call_abs(CodeBuf *cb, const void *fn, int scratch);  /* mov scratch, fn; call scratch */
void x64_nops(CodeBuf *cb, int n);

/* ---- relocation log (the persistent translation cache, persist.c) ----
 * While x64_reloc_logging is set, the encoder notes every field whose bytes
 * depend on where code or data lie: each rel32 it patches (x64_patch32: its
 * host address and target) and each immediate of x64_mov_ri64 (address,
 * width 4 or 8, value); instruction selection adds the fields it writes by
 * hand (X64_RELOC_TB: the TB pointer in an exit stub).  persist.c keeps the
 * entries inside a new TB's code, the last one per field.  The log holds
 * one block's worth (reset per block); overflowing it marks the block as
 * not storable. */
enum { X64_RELOC_REL32 = 1, X64_RELOC_IMM32, X64_RELOC_IMM64, X64_RELOC_TB };
typedef struct X64RelocEntry {
    const uint8_t *start; /* cb->start of the code being generated */
    uint8_t *field;    /* host address of the field */
    uint64_t value;    /* REL32: target address; IMM*: the immediate */
    uint8_t kind;
} X64RelocEntry;
#define X64_RELOC_LOG_MAX 4096
extern bool x64_reloc_logging;
extern X64RelocEntry x64_reloc_log[X64_RELOC_LOG_MAX];
extern uint32_t x64_reloc_count;  /* entries noted since the reset ... */
extern bool x64_reloc_overflow;   /* ... and whether some did not fit */
void x64_reloc_note_slow(const CodeBuf *cb, uint8_t *field, int kind, uint64_t value);
static inline void x64_reloc_note(CodeBuf *cb, int kind, uint64_t value)
{
    if (x64_reloc_logging)
        x64_reloc_note_slow(cb, cb->p, kind, value);
}

#endif
