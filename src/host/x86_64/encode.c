/*
 * encode.c - raw x86-64 instruction encoder: prefixes, REX, ModRM/SIB,
 * displacements, immediates and rel32 jumps.  Knows nothing of IR.
 *
 * Every 8-bit register operand below 8 with a REX prefix means spl/bpl/sil/
 * dil; the encoder adds an empty REX (0x40) whenever a byte operand names
 * registers 4-7, so "byte register n" always means the low byte of host
 * register n.
 *
 * Speed: every translated block calls this a few dozen times, so the
 * workhorses (x64_put_opcode, x64_put_modrm_mem) take the output pointer
 * and return the new end, and their callers load and store cb->p once: a
 * store through a uint8_t pointer may alias *cb, so writing via cb->p
 * directly makes the compiler reload and store it for every byte.
 */
#include "host/x86_64/encode.h"

#include <string.h>

void x64_imm(CodeBuf *cb, int size, uint32_t v)
{
    if (size == 8)
        x64_byte(cb, (uint8_t)v);
    else if (size == 16)
        x64_u16(cb, (uint16_t)v);
    else
        x64_u32(cb, v);
}

/* Prefixes, REX and opcode bytes at p; returns the end.  rm_is_reg: the rm
 * field names a register (not a memory operand), so P_BRM applies to it.
 * index / rm < 0: absent.  The REX bits are computed without branches on
 * the common path (registers 0-15, or -1 masked off). */
static inline uint8_t *x64_put_opcode(uint8_t *p, unsigned opc, int reg, int index, int rm,
                                      bool rm_is_reg)
{
    if (opc & (P_LOCK | P_66 | P_F3)) {
        if (opc & P_LOCK)
            *p++ = 0xf0;
        if (opc & P_66)
            *p++ = 0x66;
        if (opc & P_F3)
            *p++ = 0xf3;
    }
    unsigned rex = ((opc & P_REXW) ? 8u : 0u) | (((unsigned)reg >> 1) & 4u);
    if (index >= 0)
        rex |= ((unsigned)index >> 2) & 2u;
    if (rm >= 0)
        rex |= ((unsigned)rm >> 3) & 1u;
    if (((opc & P_BREG) && reg >= 4 && reg < 8) ||
        ((opc & P_BRM) && rm_is_reg && rm >= 4 && rm < 8))
        rex |= 0x40;
    if (rex)
        *p++ = (uint8_t)(0x40 | (rex & 0xf));
    if (opc & P_0F)
        *p++ = 0x0f;
    *p++ = (uint8_t)opc;
    return p;
}

/* ModRM (+ SIB, + displacement) for a memory operand with a base; returns
 * the end. */
static inline uint8_t *x64_put_modrm_mem(uint8_t *p, int reg, X64Mem m)
{
    int mod;
    if (m.disp == 0 && (m.base & 7) != X64_RBP)
        mod = 0;
    else if (m.disp >= -128 && m.disp <= 127)
        mod = 1;
    else
        mod = 2;
    if (m.index < 0 && (m.base & 7) != X64_RSP) {
        *p++ = (uint8_t)((mod << 6) | ((reg & 7) << 3) | (m.base & 7));
    } else {
        int ss = m.scale == 8 ? 3 : m.scale == 4 ? 2 : m.scale == 2 ? 1 : 0;
        int idx = m.index < 0 ? X64_RSP : m.index; /* 100b: no index */
        *p++ = (uint8_t)((mod << 6) | ((reg & 7) << 3) | 4);
        *p++ = (uint8_t)((ss << 6) | ((idx & 7) << 3) | (m.base & 7));
    }
    if (mod == 1) {
        *p++ = (uint8_t)m.disp;
    } else if (mod == 2) {
        uint32_t d = (uint32_t)m.disp;
        memcpy(p, &d, 4);
        p += 4;
    }
    return p;
}

void x64_rr(CodeBuf *cb, unsigned opc, int reg, int rm)
{
    uint8_t *p = x64_put_opcode(cb->p, opc, reg, -1, rm, true);
    *p++ = (uint8_t)(0xc0 | ((reg & 7) << 3) | (rm & 7));
    cb->p = p;
}

/* [index*scale + disp32] with no base register (SIB base 101, mod 00) */
static void x64_rm_nobase(CodeBuf *cb, unsigned opc, int reg, X64Mem m)
{
    int ss = m.scale == 8 ? 3 : m.scale == 4 ? 2 : m.scale == 2 ? 1 : 0;
    uint8_t *p = x64_put_opcode(cb->p, opc, reg, m.index, -1, false);
    *p++ = (uint8_t)(((reg & 7) << 3) | 4);
    *p++ = (uint8_t)((ss << 6) | ((m.index & 7) << 3) | 5);
    uint32_t d = (uint32_t)m.disp;
    memcpy(p, &d, 4);
    cb->p = p + 4;
}

void x64_rm(CodeBuf *cb, unsigned opc, int reg, X64Mem m)
{
    if (m.base < 0) {
        x64_rm_nobase(cb, opc, reg, m);
        return;
    }
    uint8_t *p = x64_put_opcode(cb->p, opc, reg, m.index, m.base, false);
    cb->p = x64_put_modrm_mem(p, reg, m);
}

void x64_modrm_mem(CodeBuf *cb, int reg, X64Mem m)
{
    cb->p = x64_put_modrm_mem(cb->p, reg, m);
}

void x64_mov_rr32(CodeBuf *cb, int dst, int src) { x64_rr(cb, OPC_MOV_EvGv, src, dst); }
void x64_mov_rr64(CodeBuf *cb, int dst, int src) { x64_rr(cb, OPC_MOV_EvGv | P_REXW, src, dst); }

void x64_mov_ri32(CodeBuf *cb, int dst, uint32_t imm)
{
    if (dst & 8)
        x64_byte(cb, 0x41);
    x64_byte(cb, (uint8_t)(0xb8 + (dst & 7)));
    x64_u32(cb, imm);
}

void x64_mov_ri64(CodeBuf *cb, int dst, uint64_t imm)
{
    if (imm <= 0xffffffffu) {
        x64_mov_ri32(cb, dst, (uint32_t)imm);
        if (x64_reloc_logging) /* a helper's address in a non-PIE xlat */
            x64_reloc_note_slow(cb, cb->p - 4, X64_RELOC_IMM32, imm);
        return;
    }
    x64_byte(cb, (uint8_t)(0x48 | ((dst & 8) ? 1 : 0)));
    x64_byte(cb, (uint8_t)(0xb8 + (dst & 7)));
    x64_reloc_note(cb, X64_RELOC_IMM64, imm);
    x64_u64(cb, imm);
}

void x64_load32(CodeBuf *cb, int dst, X64Mem m) { x64_rm(cb, OPC_MOV_GvEv, dst, m); }
void x64_load64(CodeBuf *cb, int dst, X64Mem m) { x64_rm(cb, OPC_MOV_GvEv | P_REXW, dst, m); }
void x64_store32(CodeBuf *cb, X64Mem m, int src) { x64_rm(cb, OPC_MOV_EvGv, src, m); }
void x64_store64(CodeBuf *cb, X64Mem m, int src) { x64_rm(cb, OPC_MOV_EvGv | P_REXW, src, m); }

void x64_store_i32(CodeBuf *cb, X64Mem m, uint32_t imm)
{
    x64_rm(cb, OPC_MOV_EvIz, 0, m);
    x64_u32(cb, imm);
}

void x64_push(CodeBuf *cb, int r)
{
    if (r & 8)
        x64_byte(cb, 0x41);
    x64_byte(cb, (uint8_t)(0x50 + (r & 7)));
}

void x64_pop(CodeBuf *cb, int r)
{
    if (r & 8)
        x64_byte(cb, 0x41);
    x64_byte(cb, (uint8_t)(0x58 + (r & 7)));
}

void x64_lea32(CodeBuf *cb, int dst, X64Mem m) { x64_rm(cb, OPC_LEA_GvM, dst, m); }

void x64_arith_ri(CodeBuf *cb, int ext, int size, int dst, uint32_t imm)
{
    if (size == 8) {
        x64_rr(cb, OPC_ARITH_EbIb, ext, dst);
        x64_byte(cb, (uint8_t)imm);
        return;
    }
    unsigned p = size == 16 ? P_66 : 0;
    int32_t s = size == 16 ? (int16_t)imm : (int32_t)imm;
    if (s >= -128 && s <= 127) {
        x64_rr(cb, OPC_ARITH_EvIb | p, ext, dst);
        x64_byte(cb, (uint8_t)s);
    } else {
        x64_rr(cb, OPC_ARITH_EvIz | p, ext, dst);
        x64_imm(cb, size, imm);
    }
}

static uint32_t x64_rel_field(CodeBuf *cb) { return (uint32_t)(cb->p - cb->start); }

uint32_t x64_jmp32(CodeBuf *cb, const uint8_t *target)
{
    x64_byte(cb, 0xe9);
    uint32_t at = x64_rel_field(cb);
    x64_u32(cb, 0);
    if (target)
        x64_patch32(cb, at, target);
    return at;
}

void x64_call32(CodeBuf *cb, const uint8_t *target)
{
    x64_byte(cb, 0xe8);
    uint32_t at = x64_rel_field(cb);
    x64_u32(cb, 0);
    x64_patch32(cb, at, target);
}

uint32_t x64_jcc32(CodeBuf *cb, int cond, const uint8_t *target)
{
    x64_byte(cb, 0x0f);
    x64_byte(cb, (uint8_t)(0x80 + cond));
    uint32_t at = x64_rel_field(cb);
    x64_u32(cb, 0);
    if (target)
        x64_patch32(cb, at, target);
    return at;
}

uint32_t x64_jcc8(CodeBuf *cb, int cond)
{
    x64_byte(cb, (uint8_t)(0x70 + cond));
    uint32_t at = x64_rel_field(cb);
    x64_byte(cb, 0);
    return at;
}

/* jrcxz/jecxz rel8: the one flag-free conditional branch (tests rcx, or ecx
 * with `ecx`); lets generated code branch while the guest flags sit in the
 * host EFLAGS. */
uint32_t x64_jrcxz8(CodeBuf *cb, bool ecx)
{
    if (ecx)
        x64_byte(cb, 0x67);
    x64_byte(cb, 0xe3);
    uint32_t at = x64_rel_field(cb);
    x64_byte(cb, 0);
    return at;
}

uint32_t x64_jmp8(CodeBuf *cb)
{
    x64_byte(cb, 0xeb);
    uint32_t at = x64_rel_field(cb);
    x64_byte(cb, 0);
    return at;
}

void x64_patch32(CodeBuf *cb, uint32_t at, const uint8_t *target)
{
    int32_t rel = (int32_t)(target - (cb->start + at + 4));
    memcpy(cb->start + at, &rel, 4);
    if (x64_reloc_logging)
        x64_reloc_note_slow(cb, cb->start + at, X64_RELOC_REL32, (uint64_t)(uintptr_t)target);
}

void x64_patch8(CodeBuf *cb, uint32_t at, const uint8_t *target)
{
    long rel = target - (cb->start + at + 1);
    cb->start[at] = (uint8_t)(int8_t)rel;
}

void x64_call_abs(CodeBuf *cb, const void *fn, int scratch)
{
    x64_mov_ri64(cb, scratch, (uint64_t)(uintptr_t)fn);
    x64_rr(cb, OPC_GRP5_Ev, GRP5_CALL, scratch);
}

void x64_nops(CodeBuf *cb, int n)
{
    /* jump alignment on the hot path: one instruction, not n */
    static const uint8_t nop2[] = {0x66, 0x90}, nop3[] = {0x0f, 0x1f, 0x00};
    for (; n >= 3; n -= 3)
        for (int i = 0; i < 3; i++)
            x64_byte(cb, nop3[i]);
    if (n == 2)
        for (int i = 0; i < 2; i++)
            x64_byte(cb, nop2[i]);
    else if (n == 1)
        x64_byte(cb, 0x90);
}

/* ---- relocation log (see encode.h) ---- */

bool x64_reloc_logging;
X64RelocEntry x64_reloc_log[X64_RELOC_LOG_MAX];
uint32_t x64_reloc_count;
bool x64_reloc_overflow;

void x64_reloc_note_slow(const CodeBuf *cb, uint8_t *field, int kind, uint64_t value)
{
    if (x64_reloc_count == X64_RELOC_LOG_MAX) {
        x64_reloc_overflow = true;
        return;
    }
    x64_reloc_log[x64_reloc_count++] = (X64RelocEntry){cb->start, field, value, (uint8_t)kind};
}
