/*
 * decode.c - the i386 instruction decoder: the engine that walks the
 * opcode-map tables of decode_tables.c.  See decode.h for the contract.
 *
 * Decoding runs in stages, each a small function: prefixes, opcode row
 * (following escapes, /reg groups and mandatory-prefix splits), ModRM and
 * SIB with displacement, then each operand of the row in order, which is
 * also encoding order for immediates.  Every byte is fetched through
 * dec_need(), which enforces the two limits:
 *   - an instruction never extends past 15 bytes (X86_DEC_TOO_LONG as soon
 *     as byte 16 would be needed, whatever is available);
 *   - no byte at or beyond buf[avail] is read (X86_DEC_SHORT).
 *
 * Conventions beyond decode.h:
 *  - byte string instructions (movsb, stosb, insb ...) list no operands, so
 *    they report opsize 1: the translator takes their element size from
 *    insn->opsize;
 *  - far pointers Ap (jmpf/callf ptr16:32) give two IMM operands in Intel
 *    order, op[0] = selector (size 2), op[1] = offset (size opsize), and the
 *    selector again in imm2; enter gives op[0] = Iw, op[1] = Ib = imm2;
 *  - an IMM operand's size is the size the instruction uses it at: imm8
 *    sign-extended to the operand size (83 /r, 6A, 6B) has the operand
 *    size, shift counts / int vectors / port numbers have size 1;
 *  - X87 and SYS are decoded for length; their operands are a sketch
 *    (x87: the memory operand with its size, or st(i));
 *  - SSE/MMX rows (decode_tables_sse.c) are chosen by mandatory prefix,
 *    recorded in insn->mprefix, and have exact operands (xmm/mm/GPR
 *    classes, memory sizes, imm8); VEX encodings keep a length-only sketch.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "target/x86/cpu.h"
#include "target/x86/decode.h"
#include "target/x86/decode_tables.h"

#define X86_MAX_INSN_LEN 15

/* The small helpers every instruction goes through are inlined by force:
 * called out of line, they make the X86Dec escape, and then every store
 * into the X86Insn (a uint8_t store may alias anything) reloads it. */
#define DEC_HOT static inline __attribute__((always_inline))

typedef struct X86Dec {
    const uint8_t *buf;
    size_t avail;
    size_t pos; /* bytes consumed so far */
    size_t lim; /* min(avail, 15): bytes below it may be read without checks */
    X86Insn *insn;
    uint8_t rep_last; /* 0, 0xF2 or 0xF3: the last of them (mandatory prefix) */
    uint8_t opbyte;   /* the final opcode byte (for Zb/Zv, cond) */
    X86Operand mem;   /* the ModRM memory operand, when mod != 3 */
} X86Dec;

/* ---- byte fetch ---- */

static int dec_need(const X86Dec *d, size_t n)
{
    if (d->pos + n > X86_MAX_INSN_LEN)
        return X86_DEC_TOO_LONG;
    if (d->pos + n > d->avail)
        return X86_DEC_SHORT;
    return X86_DEC_OK;
}

/* Read n (1, 2, 4) little-endian bytes into *v.  One test against lim
 * on the way that every instruction takes; dec_need() names the error. */
DEC_HOT int dec_fetch(X86Dec *d, int n, uint32_t *v)
{
    if (d->pos + (size_t)n > d->lim) {
        *v = 0;
        return dec_need(d, (size_t)n);
    }
    const uint8_t *p = d->buf + d->pos;
    d->pos += (size_t)n;
    if (n == 1) {
        *v = p[0];
    } else if (n == 2) {
        *v = (uint32_t)p[0] | (uint32_t)p[1] << 8;
    } else {
        uint32_t x = 0;
        for (int i = 0; i < n; i++)
            x |= (uint32_t)p[i] << (8 * i);
        *v = x;
    }
    return X86_DEC_OK;
}

DEC_HOT int dec_fetch_signed(X86Dec *d, int n, uint32_t *v)
{
    int rc = dec_fetch(d, n, v);
    if (rc == X86_DEC_OK && n < 4) {
        uint32_t sign = 1u << (8 * n - 1);
        *v = (*v ^ sign) - sign;
    }
    return rc;
}

/* ---- prefixes ---- */

/* What each prefix byte sets: an X86_PFX_* bit and maybe a segment. */
static const struct {
    uint8_t byte, pfx;
    int8_t seg;
} x86_prefix_bytes[] = {
    {0xf0, X86_PFX_LOCK, -1},  {0xf2, X86_PFX_REPNE, -1}, {0xf3, X86_PFX_REP, -1},
    {0x66, X86_PFX_OPSZ, -1},  {0x67, X86_PFX_ADSZ, -1},  {0x26, X86_PFX_SEG, R_ES},
    {0x2e, X86_PFX_SEG, R_CS}, {0x36, X86_PFX_SEG, R_SS}, {0x3e, X86_PFX_SEG, R_DS},
    {0x64, X86_PFX_SEG, R_FS}, {0x65, X86_PFX_SEG, R_GS},
};

static int dec_prefixes(X86Dec *d)
{
    X86Insn *insn = d->insn;
    for (;;) {
        if (d->pos >= d->lim)
            return dec_need(d, 1);
        uint8_t b = d->buf[d->pos];
        if (x86_map_1byte[b].kind != XK_PREFIX)
            return X86_DEC_OK;
        for (size_t k = 0; k < sizeof x86_prefix_bytes / sizeof x86_prefix_bytes[0]; k++) {
            if (x86_prefix_bytes[k].byte != b)
                continue;
            insn->prefixes |= x86_prefix_bytes[k].pfx;
            if (x86_prefix_bytes[k].seg >= 0) /* the last segment override wins */
                insn->seg_override = (uint8_t)x86_prefix_bytes[k].seg;
            if (b == 0xf2 || b == 0xf3)
                d->rep_last = b; /* the last of F2/F3 is the mandatory prefix */
        }
        d->pos++;
    }
}

/* ---- ModRM, SIB, displacement ---- */

DEC_HOT int dec_modrm(X86Dec *d)
{
    if (d->insn->has_modrm)
        return X86_DEC_OK;
    uint32_t v;
    int rc = dec_fetch(d, 1, &v);
    if (rc != X86_DEC_OK)
        return rc;
    d->insn->has_modrm = true;
    d->insn->modrm = (uint8_t)v;
    return X86_DEC_OK;
}

static uint8_t dec_default_seg(const X86Dec *d, bool stack_based)
{
    if (d->insn->prefixes & X86_PFX_SEG)
        return d->insn->seg_override;
    return stack_based ? R_SS : R_DS;
}

/* 16-bit forms: [bx+si] [bx+di] [bp+si] [bp+di] [si] [di] [bp]/disp16 [bx] */
static int dec_mem16(X86Dec *d, int mod, int rm)
{
    static const int8_t base16[8] = {R_EBX, R_EBX, R_EBP, R_EBP, R_ESI, R_EDI, R_EBP, R_EBX};
    static const int8_t index16[8] = {R_ESI, R_EDI, R_ESI, R_EDI, -1, -1, -1, -1};
    X86Operand *m = &d->mem;
    uint32_t disp = 0;
    int rc = X86_DEC_OK;
    m->base = base16[rm];
    m->index = index16[rm];
    if (mod == 0 && rm == 6) {
        m->base = -1;
        rc = dec_fetch(d, 2, &disp); /* an absolute offset: zero-extended */
    } else if (mod == 1) {
        rc = dec_fetch_signed(d, 1, &disp);
    } else if (mod == 2) {
        rc = dec_fetch_signed(d, 2, &disp);
    }
    m->disp = (int32_t)disp;
    m->seg = dec_default_seg(d, m->base == R_EBP);
    return rc;
}

static int dec_mem32(X86Dec *d, int mod, int rm)
{
    X86Operand *m = &d->mem;
    uint32_t v, disp = 0;
    int rc;
    m->base = (int8_t)rm;
    if (rm == 4) {
        if ((rc = dec_fetch(d, 1, &v)) != X86_DEC_OK)
            return rc;
        int index = (v >> 3) & 7, base = v & 7;
        m->scale = (uint8_t)(1u << (v >> 6));
        m->index = index == 4 ? -1 : (int8_t)index;
        if (index == 4)
            m->scale = 1; /* no index: the scale bits mean nothing */
        m->base = (int8_t)base;
        if (base == 5 && mod == 0)
            m->base = -1; /* disp32 with no base */
    } else if (rm == 5 && mod == 0) {
        m->base = -1; /* disp32 alone */
    }
    if (m->base == -1 || mod == 2)
        rc = dec_fetch(d, 4, &disp);
    else if (mod == 1)
        rc = dec_fetch_signed(d, 1, &disp);
    else
        rc = X86_DEC_OK;
    m->disp = (int32_t)disp;
    m->seg = dec_default_seg(d, m->base == R_ESP || m->base == R_EBP);
    return rc;
}

/* Decode the addressing form of the ModRM byte into d->mem (mod != 3). */
static int dec_address(X86Dec *d)
{
    int mod = d->insn->modrm >> 6, rm = d->insn->modrm & 7;
    memset(&d->mem, 0, sizeof d->mem);
    d->mem.kind = X86_OP_MEM;
    d->mem.index = -1;
    d->mem.scale = 1;
    return d->insn->adsize == 2 ? dec_mem16(d, mod, rm) : dec_mem32(d, mod, rm);
}

/* ---- operands ---- */

static void op_reg(X86Operand *op, int cls, int reg, int size)
{
    op->kind = X86_OP_REG;
    op->reg_class = (uint8_t)cls;
    op->reg = (uint8_t)reg;
    op->size = (uint8_t)size;
    op->base = op->index = -1;
}

static void op_imm(X86Operand *op, uint32_t value, int size)
{
    op->kind = X86_OP_IMM;
    op->imm = value;
    op->size = (uint8_t)size;
    op->base = op->index = -1;
}

/* r/m as register (class cls, size regsize) or as memory of size memsize. */
static void op_rm(X86Dec *d, X86Operand *op, int cls, int regsize, int memsize)
{
    if ((d->insn->modrm >> 6) == 3) {
        op_reg(op, cls, d->insn->modrm & 7, regsize);
    } else {
        *op = d->mem;
        op->size = (uint8_t)memsize;
    }
}

/* Size in bytes of an r/m operand when it is memory; 0 if not an r/m spec. */
DEC_HOT int spec_mem_size(int spec, int opsize)
{
    switch (spec) {
    case Eb:
    case Mb:
        return 1;
    case Ew:
    case Mw:
    case MwRv:
        return 2;
    case Ev:
    case M:
        return opsize;
    case Md:
        return 4;
    case Mq:
        return 8;
    case Mp:
        return 2 + opsize;
    case Ma:
        return 2 * opsize;
    case Ms:
        return 6;
    case Wx:
        return 16;
    case Wq:
    case Qq:
        return 8;
    case Wd:
    case Qd:
    case Ed:
        return 4;
    case Ww:
    case EdMw:
        return 2;
    case EdMb:
        return 1;
    case Mx87:
        return 1; /* (real size set by dec_operand) */
    default:
        return 0;
    }
}

/* Specs that need a ModRM byte: every r/m spec (spec_mem_size() != 0) and
 * the reg-field ones.  A table, not a test per call: the decoder asks this
 * for each of a row's three operand slots of every instruction translated.
 * spec_uses_modrm_check() proves it equal to that definition in debug
 * builds. */
static const bool x86_spec_modrm[X86_NSPEC] = {
    [Eb] = 1, [Ew] = 1, [Ev] = 1, [MwRv] = 1, [M] = 1,    [Mb] = 1,   [Mw] = 1,   [Md] = 1,
    [Mq] = 1, [Mp] = 1, [Ma] = 1, [Ms] = 1,   [Gb] = 1,   [Gw] = 1,   [Gv] = 1,   [Sw] = 1,
    [Cd] = 1, [Dd] = 1, [Rd] = 1, [Vx] = 1,   [Wx] = 1,   [Wq] = 1,   [Wd] = 1,   [Ww] = 1,
    [Pq] = 1, [Qq] = 1, [Qd] = 1, [Ed] = 1,   [Gd] = 1,   [EdMb] = 1, [EdMw] = 1, [Mx87] = 1,
};

static bool spec_uses_modrm(int spec)
{
    return x86_spec_modrm[spec];
}

#ifdef XLAT_DEBUG
static void spec_uses_modrm_check(void)
{
    static bool done;
    for (int spec = 0; spec < X86_NSPEC && !done; spec++) {
        bool want = spec_mem_size(spec, 4) != 0 || spec == Gb || spec == Gw || spec == Gv ||
                    spec == Sw || spec == Cd || spec == Dd || spec == Rd || spec == Vx ||
                    spec == Pq || spec == Gd;
        if (want != x86_spec_modrm[spec]) {
            fprintf(stderr, "xlat: decode.c: x86_spec_modrm[%d] is wrong\n", spec);
            abort();
        }
    }
    done = true;
}
#else
static void spec_uses_modrm_check(void)
{
}
#endif

/* Read an immediate-like operand (immediates, branches, moffs, Ap). */
static int dec_imm_operand(X86Dec *d, int spec, X86Operand *op)
{
    X86Insn *insn = d->insn;
    int os = insn->opsize;
    uint32_t v = 0, sel = 0;
    int rc;
    switch (spec) {
    case Ib:
        rc = dec_fetch(d, 1, &v);
        op_imm(op, v, 1);
        return rc;
    case Iw:
        rc = dec_fetch(d, 2, &v);
        op_imm(op, v, 2);
        return rc;
    case Iz:
        rc = dec_fetch(d, os, &v);
        op_imm(op, v, os);
        return rc;
    case Ibs:
        rc = dec_fetch_signed(d, 1, &v);
        op_imm(op, v, os);
        return rc;
    case Jb:
    case Jz:
        rc = dec_fetch_signed(d, spec == Jb ? 1 : os, &v);
        v += insn->pc + (uint32_t)d->pos; /* the next instruction's pc */
        op_imm(op, os == 2 ? v & 0xffff : v, os);
        return rc;
    case Ob:
    case Ov:
        rc = dec_fetch(d, insn->adsize, &v);
        memset(op, 0, sizeof *op);
        op->kind = X86_OP_MEM;
        op->size = (uint8_t)(spec == Ob ? 1 : os);
        op->base = op->index = -1;
        op->scale = 1;
        op->disp = (int32_t)v;
        op->seg = dec_default_seg(d, false);
        return rc;
    case Ap: /* ptr16:16 / ptr16:32: offset, then selector; shown sel:off */
        if ((rc = dec_fetch(d, os, &v)) != X86_DEC_OK || (rc = dec_fetch(d, 2, &sel)) != X86_DEC_OK)
            return rc;
        op_imm(op, sel, 2);
        op_imm(op + 1, v, os);
        insn->imm2 = sel;
        insn->imm2_size = 2;
        insn->nops++;
        return X86_DEC_OK;
    }
    return X86_DEC_INVALID;
}

/* Operands that name a fixed register: class, number and size in bytes
 * (OPSIZE: the operand size).  Entries with size 0 are not fixed. */
enum { OPSIZE = 0xff };
static const struct {
    uint8_t cls, reg, size;
} x86_fixed_reg[X86_NSPEC] = {
    [AL] = {X86_RC_GPR, R_EAX, 1}, [CL] = {X86_RC_GPR, R_ECX, 1},
    [DX] = {X86_RC_GPR, R_EDX, 2}, [eAX] = {X86_RC_GPR, R_EAX, OPSIZE},
    [sES] = {X86_RC_SEG, R_ES, 2}, [sCS] = {X86_RC_SEG, R_CS, 2},
    [sSS] = {X86_RC_SEG, R_SS, 2}, [sDS] = {X86_RC_SEG, R_DS, 2},
    [sFS] = {X86_RC_SEG, R_FS, 2}, [sGS] = {X86_RC_SEG, R_GS, 2},
};

/* Operands named by the ModRM reg field (and mov cr/dr's r/m). */
static int dec_reg_operand(X86Dec *d, int spec, X86Operand *op, int index)
{
    int os = d->insn->opsize, reg = (d->insn->modrm >> 3) & 7;
    switch (spec) {
    case Gb:
    case Gw:
    case Gv:
        op_reg(op, X86_RC_GPR, reg, spec == Gb ? 1 : spec == Gw ? 2 : os);
        return X86_DEC_OK;
    case Vx:
        op_reg(op, X86_RC_XMM, reg, 16);
        return X86_DEC_OK;
    case Pq:
        op_reg(op, X86_RC_MMX, reg, 8);
        return X86_DEC_OK;
    case Gd:
        op_reg(op, X86_RC_GPR, reg, 4);
        return X86_DEC_OK;
    case Rd:
        op_reg(op, X86_RC_GPR, d->insn->modrm & 7, 4);
        return X86_DEC_OK;
    case Sw:
        /* only six segment registers; cs cannot be loaded with mov */
        if (reg >= X86_NSEG || (index == 0 && reg == R_CS))
            return X86_DEC_INVALID;
        op_reg(op, X86_RC_SEG, reg, 2);
        return X86_DEC_OK;
    case Cd: /* cr0 cr2 cr3 cr4 exist in 32-bit mode */
        if (reg == 1 || reg > 4)
            return X86_DEC_INVALID;
        op_reg(op, X86_RC_CR, reg, 4);
        return X86_DEC_OK;
    case Dd:
        op_reg(op, X86_RC_DR, reg, 4);
        return X86_DEC_OK;
    }
    return X86_DEC_INVALID;
}

/* Fill op from spec; may add a second operand (Ap).  Returns a status.
 * One switch over every spec: this runs for each operand of each
 * instruction translated. */
static int dec_operand(X86Dec *d, int spec, X86Operand *op, int index)
{
    X86Insn *insn = d->insn;
    int os = insn->opsize, reg = (insn->modrm >> 3) & 7;
    switch (spec) {
    case AL:
    case CL:
    case DX:
    case eAX:
    case sES:
    case sCS:
    case sSS:
    case sDS:
    case sFS:
    case sGS: {
        int size = x86_fixed_reg[spec].size;
        op_reg(op, x86_fixed_reg[spec].cls, x86_fixed_reg[spec].reg, size == OPSIZE ? os : size);
        return X86_DEC_OK;
    }
    case Eb:
        op_rm(d, op, X86_RC_GPR, 1, 1);
        return X86_DEC_OK;
    case Ew:
        op_rm(d, op, X86_RC_GPR, 2, 2);
        return X86_DEC_OK;
    case Ev:
        op_rm(d, op, X86_RC_GPR, os, os);
        return X86_DEC_OK;
    case M:
    case Mb:
    case Mw:
    case Md:
    case Mq:
    case Mp:
    case Ma:
    case Ms:
        op_rm(d, op, X86_RC_GPR, os, spec_mem_size(spec, os));
        return X86_DEC_OK;
    case Gb:
    case Gw:
    case Gv:
    case Vx:
    case Pq:
    case Gd:
    case Rd:
    case Sw:
    case Cd:
    case Dd:
        return dec_reg_operand(d, spec, op, index);
    case Zb:
    case Zv:
        op_reg(op, X86_RC_GPR, d->opbyte & 7, spec == Zb ? 1 : os);
        return X86_DEC_OK;
    case ONE:
        op_imm(op, 1, 1);
        return X86_DEC_OK;
    case STi:
        op_reg(op, X86_RC_ST, insn->modrm & 7, 10);
        return X86_DEC_OK;
    case Mx87: {
        int size = x86_x87_mem_size[d->opbyte - 0xd8][reg];
        if (os == 2 && size > 10) /* 16-bit fldenv/fnstenv, frstor/fnsave layouts */
            size = size == 28 ? 14 : 94;
        op_rm(d, op, X86_RC_GPR, 4, size);
        return X86_DEC_OK;
    }
    case Wx:
    case Wq:
    case Wd:
    case Ww:
        op_rm(d, op, X86_RC_XMM, 16, spec_mem_size(spec, os));
        return X86_DEC_OK;
    case Qq:
    case Qd:
        op_rm(d, op, X86_RC_MMX, 8, spec_mem_size(spec, os));
        return X86_DEC_OK;
    case Ed:
    case EdMb:
    case EdMw:
        op_rm(d, op, X86_RC_GPR, 4, spec_mem_size(spec, os));
        return X86_DEC_OK;
    case MwRv:
        op_rm(d, op, X86_RC_GPR, os, 2);
        return X86_DEC_OK;
    }
    return dec_imm_operand(d, spec, op);
}

/* ---- opcode rows ---- */

/* Index of the mandatory prefix: F3/F2 (the last one) over 66 over none. */
static int dec_mandatory_prefix(const X86Dec *d)
{
    if (d->rep_last == 0xf3)
        return 2;
    if (d->rep_last == 0xf2)
        return 3;
    return (d->insn->prefixes & X86_PFX_OPSZ) ? 1 : 0;
}

static int dec_opcode_byte(X86Dec *d, uint32_t *b)
{
    int rc = dec_fetch(d, 1, b);
    d->opbyte = (uint8_t)*b;
    return rc;
}

/* VEX (C4/C5 with a register-form "ModRM" in 32-bit mode): length only. */
static int dec_vex(X86Dec *d, X86OpcodeRow *out, bool three)
{
    X86Insn *insn = d->insn;
    uint32_t p1 = 0, p2 = 0, op = 0;
    int rc, map = 1;
    if (insn->prefixes & (X86_PFX_LOCK | X86_PFX_OPSZ | X86_PFX_REP | X86_PFX_REPNE))
        return X86_DEC_INVALID;
    if ((rc = dec_fetch(d, 1, &p1)) != X86_DEC_OK)
        return rc;
    if (three) {
        map = p1 & 0x1f;
        if ((rc = dec_fetch(d, 1, &p2)) != X86_DEC_OK)
            return rc;
        if (map < 1 || map > 3)
            return X86_DEC_INVALID;
    }
    if ((rc = dec_opcode_byte(d, &op)) != X86_DEC_OK)
        return rc;
    insn->opcode = (uint16_t)((map == 1 ? 0x0f00 : map == 2 ? 0x3800 : 0x3a00) | op);
    insn->mprefix = X86_MPREFIX_VEX; /* AVX is not implemented: no SSE row matches */
    *out = (X86OpcodeRow){.mnem = X86_SSE, .ops = {Vx, Wx}};
    if (map == 1 && op == 0x77)
        *out = (X86OpcodeRow){.mnem = X86_SSE}; /* vzeroupper / vzeroall */
    else if (map == 3 ||
             (map == 1 && ((op >= 0x70 && op <= 0x73) || op == 0xc2 || (op >= 0xc4 && op <= 0xc6))))
        out->ops[2] = Ib;
    return X86_DEC_OK;
}

static int dec_special(X86Dec *d, int which, X86OpcodeRow *out)
{
    X86Insn *insn = d->insn;
    int rc;
    switch (which) {
    case XS_VEX_LES:
    case XS_VEX_LDS:
        if ((rc = dec_need(d, 1)) != X86_DEC_OK)
            return rc;
        if ((d->buf[d->pos] >> 6) == 3)
            return dec_vex(d, out, which == XS_VEX_LES);
        *out = (X86OpcodeRow){
            .mnem = which == XS_VEX_LES ? X86_LES : X86_LDS, .ops = {Gv, Mp}, .flags = XF_MEM};
        return X86_DEC_OK;
    case XS_3DNOW: /* 0F 0F /r ib: the trailing byte is the real opcode */
        *out = (X86OpcodeRow){.mnem = X86_SSE, .ops = {Vx, Wx, Ib}};
        return X86_DEC_OK;
    case XS_0F01_REG:
        for (unsigned i = 0; i < x86_0f01_reg_count; i++) {
            if (x86_0f01_reg[i].modrm == insn->modrm) {
                *out = (X86OpcodeRow){.mnem = x86_0f01_reg[i].mnem};
                return X86_DEC_OK;
            }
        }
        return X86_DEC_INVALID;
    case XS_TSX: /* C6 F8 xabort Ib, C7 F8 xbegin Jz: only rm 0 */
        if (insn->modrm != 0xf8)
            return X86_DEC_INVALID;
        *out = (X86OpcodeRow){.mnem = X86_SYS, .ops = {d->opbyte == 0xc6 ? Ib : Jz}};
        return X86_DEC_OK;
    }
    return X86_DEC_INVALID;
}

/* x87 escapes D8-DF: memory forms by (escape, reg), register forms by bit. */
static int dec_x87(X86Dec *d, X86OpcodeRow *out)
{
    X86Insn *insn = d->insn;
    int rc = dec_modrm(d);
    if (rc != X86_DEC_OK)
        return rc;
    int esc = d->opbyte - 0xd8, reg = (insn->modrm >> 3) & 7, rm = insn->modrm & 7;
    *out = (X86OpcodeRow){.mnem = X86_X87, .ops = {(insn->modrm >> 6) == 3 ? STi : Mx87}};
    if ((insn->modrm >> 6) == 3)
        return (x86_x87_reg_defined[esc][reg] >> rm) & 1 ? X86_DEC_OK : X86_DEC_INVALID;
    return x86_x87_mem_size[esc][reg] ? X86_DEC_OK : X86_DEC_INVALID;
}

/* Groups 12-14 (0F 71-73): which ModRM.reg values are defined, per prefix
 * column (none = MMX, 66 = XMM); psrldq/pslldq (/3, /7) are XMM only. */
static bool sse_group_ok(int opbyte, int prefix, int reg)
{
    static const uint8_t ok[3][2] = {
        {0x54, 0x54}, /* 71: /2 psrlw /4 psraw /6 psllw */
        {0x54, 0x54}, /* 72: /2 psrld /4 psrad /6 pslld */
        {0x44, 0xcc}, /* 73: /2 psrlq /6 psllq; 66: also /3 psrldq /7 pslldq */
    };
    return prefix < 2 && ((ok[opbyte - 0x71][prefix] >> reg) & 1);
}

/* An SSE/MMX row from table[b] by mandatory prefix. */
static int dec_sse_row(X86Dec *d, const X86OpcodeRow (*table)[4], uint32_t b, X86OpcodeRow *out)
{
    X86Insn *insn = d->insn;
    int rc;
    insn->mprefix = (uint8_t)dec_mandatory_prefix(d);
    *out = table[b][insn->mprefix];
    if (out->mnem == X86_INVALID)
        return X86_DEC_INVALID;
    if (table == x86_sse_0f && b >= 0x71 && b <= 0x73) {
        if ((rc = dec_modrm(d)) != X86_DEC_OK)
            return rc;
        if (!sse_group_ok((int)b, insn->mprefix, (insn->modrm >> 3) & 7))
            return X86_DEC_INVALID;
    }
    return X86_DEC_OK;
}

/* Follow escapes, groups and prefix splits from the first opcode byte to an
 * instruction row.  Group rows without operands inherit the parent's. */
static int dec_row(X86Dec *d, X86OpcodeRow *out)
{
    X86Insn *insn = d->insn;
    uint32_t b;
    int rc;
    if ((rc = dec_opcode_byte(d, &b)) != X86_DEC_OK)
        return rc;
    insn->opcode = (uint16_t)b;
    const X86OpcodeRow *row = &x86_map_1byte[b];
    if (row->kind == XK_ESC_0F) {
        if ((rc = dec_opcode_byte(d, &b)) != X86_DEC_OK)
            return rc;
        insn->opcode = (uint16_t)(0x0f00 | b);
        row = &x86_map_0f[b];
    }
    switch (row->kind) {
    case XK_INSN:
        *out = *row;
        return X86_DEC_OK;
    case XK_X87:
        return dec_x87(d, out);
    case XK_SPECIAL:
        if (row->arg == XS_3DNOW && (rc = dec_modrm(d)) != X86_DEC_OK)
            return rc;
        return dec_special(d, row->arg, out);
    case XK_PREFIXED:
        insn->mprefix = (uint8_t)dec_mandatory_prefix(d);
        *out = x86_prefixed[row->arg][insn->mprefix];
        return X86_DEC_OK;
    case XK_SSE:
        return dec_sse_row(d, x86_sse_0f, b, out);
    case XK_ESC_0F38:
    case XK_ESC_0F3A: {
        bool is38 = row->kind == XK_ESC_0F38;
        if ((rc = dec_opcode_byte(d, &b)) != X86_DEC_OK)
            return rc;
        /* the opcode field is 16 bits: keep the map in its high byte */
        insn->opcode = (uint16_t)((is38 ? 0x3800 : 0x3a00) | b);
        rc = dec_sse_row(d, is38 ? x86_sse_0f38 : x86_sse_0f3a, b, out);
        if (rc != X86_DEC_INVALID || out->mnem != X86_INVALID)
            return rc;
        /* not in the SSE tables (SHA, VMX ...): decoded for length only */
        const uint32_t *defined = is38 ? x86_0f38_defined : x86_0f3a_defined;
        if (!((defined[b >> 5] >> (b & 31)) & 1))
            return X86_DEC_INVALID;
        *out = (X86OpcodeRow){.mnem = X86_SSE, .ops = {Vx, Wx, is38 ? O_NONE : Ib}};
        return X86_DEC_OK;
    }
    case XK_GROUP: {
        if ((rc = dec_modrm(d)) != X86_DEC_OK)
            return rc;
        const X86Group *g = &x86_groups[row->arg];
        int reg = (insn->modrm >> 3) & 7;
        const X86OpcodeRow *sub = (insn->modrm >> 6) == 3 ? &g->reg[reg] : &g->mem[reg];
        if (sub->kind == XK_SPECIAL)
            return dec_special(d, sub->arg, out);
        *out = *sub;
        if (out->ops[0] == O_NONE && out->mnem != X86_INVALID)
            memcpy(out->ops, row->ops, sizeof out->ops);
        return X86_DEC_OK;
    }
    }
    return X86_DEC_INVALID;
}

/* ---- the instruction ---- */

static bool row_has(const X86OpcodeRow *row, int spec)
{
    return row->ops[0] == spec || row->ops[1] == spec || row->ops[2] == spec;
}

static int dec_insn(X86Dec *d)
{
    X86Insn *insn = d->insn;
    X86OpcodeRow row;
    int rc = dec_row(d, &row);
    if (rc != X86_DEC_OK)
        return rc;
    if (row.mnem == X86_INVALID)
        return X86_DEC_INVALID;
    bool need_modrm = spec_uses_modrm(row.ops[0]) || spec_uses_modrm(row.ops[1]) ||
                      spec_uses_modrm(row.ops[2]);
    if (need_modrm && (rc = dec_modrm(d)) != X86_DEC_OK)
        return rc;
    /* mov to/from cr/dr ignores mod: always a register */
    bool is_mem = insn->has_modrm && (insn->modrm >> 6) != 3 && !row_has(&row, Rd);
    if (((row.flags & XF_MEM) && !is_mem) || ((row.flags & XF_REG) && is_mem))
        return X86_DEC_INVALID;
    /* lock: only the listed read-modify-write forms, with a memory destination */
    if ((insn->prefixes & X86_PFX_LOCK) && (!(row.flags & XF_LOCK) || !is_mem))
        return X86_DEC_INVALID;
    if (is_mem && need_modrm && (rc = dec_address(d)) != X86_DEC_OK)
        return rc;
    if (row.flags & XF_BYTE)
        insn->opsize = 1;
    insn->mnem = row.mnem;
    for (int i = 0; i < 3 && row.ops[i] != O_NONE; i++) {
        if ((rc = dec_operand(d, row.ops[i], &insn->op[insn->nops], insn->nops)) != X86_DEC_OK)
            return rc;
        insn->nops++;
    }
    if (row.mnem == X86_JCC || row.mnem == X86_SETCC || row.mnem == X86_CMOVCC)
        insn->cond = d->opbyte & 15;
    if (row.mnem == X86_ENTER) { /* nesting level: also in imm2 */
        insn->imm2 = insn->op[1].imm;
        insn->imm2_size = 1;
    }
    return X86_DEC_OK;
}

int x86_decode(X86Insn *insn, const uint8_t *buf, size_t avail, uint32_t pc)
{
    X86Dec d = {.buf = buf,
                .avail = avail,
                .lim = avail < X86_MAX_INSN_LEN ? avail : X86_MAX_INSN_LEN,
                .insn = insn};
    spec_uses_modrm_check();
    memset(insn, 0, sizeof *insn);
    insn->pc = pc;
    int rc = dec_prefixes(&d);
    if (rc == X86_DEC_OK) {
        insn->opsize = (insn->prefixes & X86_PFX_OPSZ) ? 2 : 4;
        insn->adsize = (insn->prefixes & X86_PFX_ADSZ) ? 2 : 4;
        rc = dec_insn(&d);
    }
    insn->len = (uint8_t)d.pos;
    if (rc == X86_DEC_INVALID) {
        insn->mnem = X86_INVALID;
        insn->nops = 0;
        if (insn->len == 0)
            insn->len = 1;
    }
    return rc;
}
