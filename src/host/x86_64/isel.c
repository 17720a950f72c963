/*
 * isel.c - instruction selection: one IR op -> host x86-64 instructions.
 *
 * Guest ALU ops with flags become the same host instruction, so results and
 * flags (undefined ones included) are the host CPU's.  The guest CC lives in
 * the host EFLAGS until something would clobber it while it is live; then it
 * is saved to env->cc (cc_save) and brought back (cc_restore) before an op
 * that reads or partly keeps it.  Plain ops prefer flag-neutral host
 * instructions (mov, lea, movzx, not) so that no save is needed.
 *
 * Invariants kept here (see also isel.h, target.h):
 *  - a register holding a 32-bit value has zero upper 32 bits: every value
 *    write is a 32-bit (or narrower, into such a register) operation;
 *  - byte operations name low bytes only (al..r15b; never ah..bh);
 *  - at labels: live temps in memory, live CC in host flags;
 *  - at block exits and chained entries: CC in host flags (goto_tb) or
 *    wherever the epilogue variant expects it;
 *  - code that runs while the guest CC may be live in the host flags and
 *    must branch (TB entry exit-request check, goto_ptr's jump-cache probe)
 *    branches with jrcxz, parking guest ECX in r11;
 *  - guest addresses go into host operands as [r15 + reg] or, for
 *    reg + disp with disp < 32 KiB, [r15 + reg + disp] (see addr_memable);
 *    the one exception is the inline rep movs/stos (emit_string_inline);
 *  - guest calls are host calls and guest rets host rets, over a shadow
 *    stack of 16-byte entries, so rsp stays 16-aligned at block boundaries
 *    ("return prediction" below).
 */
#include "host/x86_64/isel.h"

#include <signal.h>
#include <stddef.h>
#include <stdlib.h>

#include "target/x86/cpu.h"
#include "target/x86/translate.h" /* X86_STR_DESC: the string helpers' descriptor */
#include "util/log.h"

#define CB (&c->cb)
#define ENV_OFF(f) ((int)offsetof(CPUX86State, f))

static unsigned p66(int size) { return size == 16 ? P_66 : 0; }

/* ==================== pc map and CC location ==================== */

static void pcmap_add(EmitCtx *c)
{
    uint32_t off = (uint32_t)(c->cb.p - c->cb.start);
    if (c->npcmap > 0 && c->pcmap[c->npcmap - 1].host_off == off) {
        c->pcmap[c->npcmap - 1].guest_pc = c->insn_pc;
        c->pcmap[c->npcmap - 1].cc_where = (uint8_t)c->cc_where;
        c->pcmap[c->npcmap - 1].x87_modrm = 0;
        c->pcmap[c->npcmap - 1].xmm_dirty = c->xmm_dirty & c->xmm_cached;
        return;
    }
    if (c->npcmap == c->pcmap_cap) {
        c->pcmap_cap = c->pcmap_cap ? c->pcmap_cap * 2 : 64;
        c->pcmap = realloc(c->pcmap, c->pcmap_cap * sizeof(TBPcMap));
        if (!c->pcmap)
            abort();
    }
    c->pcmap[c->npcmap++] =
        (TBPcMap){off, c->insn_pc, (uint8_t)c->cc_where, 0, 0, c->xmm_dirty & c->xmm_cached};
}

/* The pc map entry of the host code emitted from here on. */
TBPcMap *pcmap_here(EmitCtx *c)
{
    pcmap_add(c);
    return &c->pcmap[c->npcmap - 1];
}

void cc_set_where(EmitCtx *c, int where)
{
    if (c->cc_where != where) {
        c->cc_where = where;
        pcmap_add(c);
    }
}

void cc_save(EmitCtx *c)
{
    if (c->cc_where != CCW_HOST)
        return;
    int r = ra_alloc(c);
    x64_byte(CB, 0x9c); /* pushfq */
    x64_pop(CB, r);
    x64_arith_ri(CB, ARITH_AND, 32, r, X86_CC_MASK);
    x64_store32(CB, ra_env(ENV_OFF(cc)), r);
    cc_set_where(c, CCW_ENV);
}

void cc_restore(EmitCtx *c)
{
    if (c->cc_where != CCW_ENV)
        return;
    /* env->cc holds only status flags: popfq leaves TF, DF, AC clear */
    int r = ra_alloc(c);
    x64_load32(CB, r, ra_env(ENV_OFF(cc)));
    x64_push(CB, r);
    x64_byte(CB, 0x9d); /* popfq */
    cc_set_where(c, CCW_HOST);
}

/* flags the guest still needs just before the current op */
static uint16_t cc_live_before(EmitCtx *c)
{
    int i = c->cur;
    if (i == 0)
        return CC_ALL;
    const IROp *prev = &c->ir->op[i - 1];
    if ((ir_opdef[prev->opc].flags & IR_F_END) || prev->opc == IR_br)
        return c->ir->op[i].cc_live;
    return prev->cc_live;
}

/* The current op is about to clobber the host flags: keep live CC. */
static void cc_clobber(EmitCtx *c)
{
    if (c->cc_where == CCW_HOST && (cc_live_before(c) | c->ir->op[c->cur].cc_live))
        cc_save(c);
}

/* The current op keeps some flags (inc, bt, shift by maybe 0): bring CC
 * into the host flags if anything is live. */
static void cc_keep(EmitCtx *c)
{
    if (c->cc_where == CCW_ENV && cc_live_before(c))
        cc_restore(c);
}

/* ==================== operand helpers ==================== */

static bool is_temp(const EmitCtx *c, IRVal v)
{
    return v != IR_NOVAL && c->ir->val[v].kind == IRV_TEMP;
}

static uint32_t opnd_mask(X64Opnd o) { return o.kind == OPND_REG ? 1u << o.reg : 0; }

static void load_opnd(EmitCtx *c, int r, X64Opnd o)
{
    if (o.kind == OPND_REG) {
        if (o.reg != r)
            x64_mov_rr32(CB, r, o.reg);
    } else if (o.kind == OPND_MEM) {
        x64_load32(CB, r, o.mem);
    } else {
        x64_mov_ri32(CB, r, o.imm);
    }
}

/* Register to compute `out` into; `avoid` holds registers of inputs still to
 * be read after the destination is first written. */
int out_begin(EmitCtx *c, IRVal out, uint32_t avoid)
{
    if (out != IR_NOVAL && ra_is_pinned(out)) {
        int g = ra_pinned_reg(out);
        if (!(avoid & (1u << g)))
            return g;
        return ra_alloc(c);
    }
    if (is_temp(c, out))
        return ra_def_temp(c, out);
    return ra_alloc(c);
}

void out_end(EmitCtx *c, IRVal out, int r)
{
    if (out == IR_NOVAL)
        return;
    if (ra_is_pinned(out)) {
        int g = ra_pinned_reg(out);
        if (g != r)
            x64_mov_rr32(CB, g, r);
    } else if (c->ir->val[out].kind == IRV_GLOBAL) {
        x64_store32(CB, ra_env(ir_global_offset[out]), r);
        if (out == IR_G_EIP)
            c->eip_written = true;
    }
}

/* opc d, o  for a "Gv,Ev" style opcode (o may not be an immediate) */
static void emit_g_e(EmitCtx *c, unsigned opc, int d, X64Opnd o)
{
    if (o.kind == OPND_REG)
        x64_rr(CB, opc, d, o.reg);
    else
        x64_rm(CB, opc, d, o.mem);
}

static void emit_arith(EmitCtx *c, int ext, int size, int d, X64Opnd o)
{
    unsigned opc = (size == 8 ? OPC_ARITH_GbEb : OPC_ARITH_GvEv | p66(size)) + (unsigned)(ext << 3);
    if (o.kind == OPND_IMM)
        x64_arith_ri(CB, ext, size, d, o.imm);
    else
        emit_g_e(c, opc, d, o);
}

/* ==================== data movement and plain ALU ==================== */

static void emit_mov(EmitCtx *c, IRVal out, IRVal in)
{
    X64Opnd o = ra_opnd(c, in);
    if (!ra_is_pinned(out) && !is_temp(c, out) && out != IR_NOVAL) {
        X64Mem m = ra_env(ir_global_offset[out]);
        if (o.kind == OPND_IMM) {
            x64_store_i32(CB, m, o.imm);
        } else {
            int r = o.kind == OPND_REG ? o.reg : ra_in_reg(c, in);
            const IROp *next = c->cur + 1 < c->ir->nops ? &c->ir->op[c->cur + 1] : NULL;
            /* goto_ptr right after takes the pc from r, and stores it only
             * when it leaves for the exec loop (blocks never read env->eip
             * on entry: a chained jump does not store it either) */
            c->eip_deferred = out == IR_G_EIP && next && next->opc == IR_goto_ptr &&
                              c->cc_where == CCW_HOST;
            if (!c->eip_deferred)
                x64_store32(CB, m, r);
            if (out == IR_G_EIP) {
                c->eip_reg = r;
                c->eip_reg_op = c->cur;
            }
        }
        if (out == IR_G_EIP)
            c->eip_written = true;
        return;
    }
    int d = out_begin(c, out, 0);
    load_opnd(c, d, o);
    out_end(c, out, d);
}

/* out = in0 <ext> in1 as a two-address host op of `size` bits */
static void emit_binop(EmitCtx *c, const IROp *op, int ext, int size)
{
    IRVal a = op->in[0], b = op->in[1], out = op->out[0];
    if (ir_opdef[op->opc].flags & IR_F_COMMUT) {
        if ((ir_is_const(c->ir, a) && !ir_is_const(c->ir, b)) || (out == b && out != a))
            a = op->in[1], b = op->in[0];
    }
    X64Opnd oa = ra_opnd(c, a);
    X64Opnd ob = ra_opnd(c, b);
    /* "xor eax, eax": with a == b the out register may be the input's */
    int d = out_begin(c, out, a == b ? 0 : opnd_mask(ob));
    load_opnd(c, d, oa);
    emit_arith(c, ext, size, d, ob);
    out_end(c, out, d);
}

/* plain add / sub with a constant or register: lea keeps the flags.  A
 * global kept in env (gs_base + offset: TLS, the stack canary) is loaded
 * first, rather than added with a flag-clobbering add that costs a save of
 * live guest flags. */
static bool emit_lea(EmitCtx *c, const IROp *op)
{
    X64Opnd oa = ra_opnd(c, op->in[0]);
    X64Opnd ob = ra_opnd(c, op->in[1]);
    if (op->opc == IR_add && oa.kind == OPND_IMM && ob.kind != OPND_IMM) {
        X64Opnd t = oa;
        oa = ob;
        ob = t;
    }
    bool by_imm = ob.kind == OPND_IMM, by_reg = ob.kind == OPND_REG && op->opc == IR_add;
    if ((oa.kind != OPND_REG && oa.kind != OPND_MEM) || !(by_imm || by_reg))
        return false;
    int d = out_begin(c, op->out[0], oa.kind == OPND_MEM ? opnd_mask(ob) : 0);
    if (oa.kind == OPND_MEM) {
        x64_load32(CB, d, oa.mem);
        oa = (X64Opnd){.kind = OPND_REG, .reg = d};
    }
    if (by_imm) {
        uint32_t k = op->opc == IR_sub ? (uint32_t)-ob.imm : ob.imm;
        x64_lea32(CB, d, x64_mem(oa.reg, (int32_t)k));
    } else {
        x64_lea32(CB, d, x64_mem_idx(oa.reg, ob.reg, 1, 0));
    }
    out_end(c, op->out[0], d);
    return true;
}

static void emit_plain_alu(EmitCtx *c, const IROp *op)
{
    static const int ext[] = {[IR_add] = ARITH_ADD, [IR_sub] = ARITH_SUB, [IR_and] = ARITH_AND,
                              [IR_or] = ARITH_OR, [IR_xor] = ARITH_XOR};
    if ((op->opc == IR_add || op->opc == IR_sub) && emit_lea(c, op))
        return;
    cc_clobber(c);
    emit_binop(c, op, ext[op->opc], 32);
}

static void emit_mul(EmitCtx *c, const IROp *op)
{
    IRVal a = op->in[0], b = op->in[1], out = op->out[0];
    if (ir_is_const(c->ir, a))
        a = op->in[1], b = op->in[0];
    cc_clobber(c);
    X64Opnd oa = ra_opnd(c, a);
    X64Opnd ob = ra_opnd(c, b);
    int d = out_begin(c, out, opnd_mask(ob));
    load_opnd(c, d, oa);
    if (ob.kind == OPND_IMM) {
        x64_rr(CB, 0x69, d, d); /* imul d, d, imm32 */
        x64_u32(CB, ob.imm);
    } else {
        emit_g_e(c, OPC_IMUL_GvEv, d, ob);
    }
    out_end(c, out, d);
}

/* not/neg/inc/dec (and their cc forms): one-operand group 3/4/5 op */
static void emit_unop(EmitCtx *c, const IROp *op, bool grp3, int ext, int size)
{
    X64Opnd oa = ra_opnd(c, op->in[0]);
    int d = out_begin(c, op->out[0], 0);
    load_opnd(c, d, oa);
    unsigned opc = grp3 ? (size == 8 ? OPC_GRP3_Eb : OPC_GRP3_Ev | p66(size))
                        : (size == 8 ? OPC_GRP4_Eb : OPC_GRP5_Ev | p66(size));
    x64_rr(CB, opc, ext, d);
    out_end(c, op->out[0], d);
}

static void emit_bswap(EmitCtx *c, const IROp *op)
{
    X64Opnd oa = ra_opnd(c, op->in[0]);
    int d = out_begin(c, op->out[0], 0);
    load_opnd(c, d, oa);
    if (d & 8)
        x64_byte(CB, 0x41);
    x64_byte(CB, 0x0f);
    x64_byte(CB, (uint8_t)(0xc8 + (d & 7)));
    out_end(c, op->out[0], d);
}

static void emit_ext(EmitCtx *c, const IROp *op, bool sign)
{
    if (op->size == 32) {
        emit_mov(c, op->out[0], op->in[0]);
        return;
    }
    X64Opnd oa = ra_opnd(c, op->in[0]);
    int d = out_begin(c, op->out[0], 0);
    if (oa.kind == OPND_IMM) {
        uint32_t v = op->size == 8 ? (sign ? (uint32_t)(int8_t)oa.imm : (uint8_t)oa.imm)
                                   : (sign ? (uint32_t)(int16_t)oa.imm : (uint16_t)oa.imm);
        x64_mov_ri32(CB, d, v);
    } else {
        unsigned opc = op->size == 8 ? (sign ? OPC_MOVSX_GvEb : OPC_MOVZX_GvEb)
                                     : (sign ? OPC_MOVSX_GvEw : OPC_MOVZX_GvEw);
        emit_g_e(c, opc, d, oa);
    }
    out_end(c, op->out[0], d);
}

/* store the low byte of o at m */
static void store8(EmitCtx *c, X64Mem m, X64Opnd o, IRVal v)
{
    if (o.kind == OPND_IMM) {
        x64_rm(CB, OPC_MOV_EbIb, 0, m);
        x64_byte(CB, (uint8_t)o.imm);
    } else {
        int r = o.kind == OPND_REG ? o.reg : ra_in_reg(c, v);
        x64_rm(CB, OPC_MOV_EbGb, r, m);
    }
}

/* ext8hi / dep8hi go through the scratch slot: flag-neutral, no ah */
static void emit_ext8hi(EmitCtx *c, const IROp *op)
{
    X64Mem slot = ra_slot_mem(X64_SCRATCH_SLOT);
    X64Opnd oa = ra_opnd(c, op->in[0]);
    int d = out_begin(c, op->out[0], 0);
    if (oa.kind == OPND_IMM) {
        x64_mov_ri32(CB, d, (oa.imm >> 8) & 0xff);
    } else {
        if (oa.kind == OPND_MEM) {
            slot = oa.mem;
        } else {
            x64_store32(CB, slot, oa.reg);
        }
        slot.disp += 1;
        x64_rm(CB, OPC_MOVZX_GvEb, d, slot);
    }
    out_end(c, op->out[0], d);
}

static void emit_dep8hi(EmitCtx *c, const IROp *op)
{
    X64Mem slot = ra_slot_mem(X64_SCRATCH_SLOT);
    X64Opnd oa = ra_opnd(c, op->in[0]);
    X64Opnd ob = ra_opnd(c, op->in[1]);
    if (oa.kind == OPND_IMM)
        x64_store_i32(CB, slot, oa.imm);
    else
        x64_store32(CB, slot, oa.kind == OPND_REG ? oa.reg : ra_in_reg(c, op->in[0]));
    X64Mem hi = slot;
    hi.disp += 1;
    store8(c, hi, ob, op->in[1]);
    int d = out_begin(c, op->out[0], 0);
    x64_load32(CB, d, slot);
    out_end(c, op->out[0], d);
}

static void emit_dep(EmitCtx *c, const IROp *op)
{
    if (op->size == 32) {
        emit_mov(c, op->out[0], op->in[1]);
        return;
    }
    X64Opnd oa = ra_opnd(c, op->in[0]);
    X64Opnd ob = ra_opnd(c, op->in[1]);
    int d = out_begin(c, op->out[0], opnd_mask(ob));
    load_opnd(c, d, oa);
    if (op->size == 8) {
        if (ob.kind == OPND_IMM) {
            x64_rr(CB, OPC_MOV_EbIb, 0, d);
            x64_byte(CB, (uint8_t)ob.imm);
        } else if (ob.kind == OPND_REG) {
            x64_rr(CB, OPC_MOV_EbGb, ob.reg, d);
        } else {
            x64_rm(CB, OPC_MOV_GbEb, d, ob.mem);
        }
    } else {
        if (ob.kind == OPND_IMM) {
            x64_rr(CB, OPC_MOV_EvIz | P_66, 0, d);
            x64_u16(CB, (uint16_t)ob.imm);
        } else {
            emit_g_e(c, OPC_MOV_GvEv | P_66, d, ob);
        }
    }
    out_end(c, op->out[0], d);
}

/* out = cond ? a : b, with the condition already in the host flags */
static void emit_select(EmitCtx *c, int cond, IRVal out, IRVal a, IRVal b)
{
    X64Opnd oa = ra_opnd_rm(c, a);
    X64Opnd ob = ra_opnd(c, b);
    int d = out_begin(c, out, opnd_mask(oa));
    load_opnd(c, d, ob);
    emit_g_e(c, OPC_CMOVcc_GvEv + (unsigned)cond, d, oa);
    out_end(c, out, d);
}

/* flags := compare a with b (32 bits) */
static void emit_cmp(EmitCtx *c, IRVal a, IRVal b)
{
    X64Opnd oa = ra_opnd_rm(c, a);
    X64Opnd ob = ra_opnd(c, b);
    if (oa.kind == OPND_MEM && ob.kind == OPND_MEM) {
        ob.kind = OPND_REG;
        ob.reg = ra_in_reg(c, b);
    }
    if (oa.kind == OPND_REG) {
        emit_arith(c, ARITH_CMP, 32, oa.reg, ob);
    } else if (ob.kind == OPND_REG) {
        x64_rm(CB, OPC_ARITH_EvGv + (ARITH_CMP << 3), ob.reg, oa.mem);
    } else {
        x64_rm(CB, OPC_ARITH_EvIz, ARITH_CMP, oa.mem);
        x64_u32(CB, ob.imm);
    }
}

static void emit_setcond_out(EmitCtx *c, int cond, IRVal out)
{
    int d = out_begin(c, out, 0);
    x64_rr(CB, OPC_SETcc_Eb + (unsigned)cond, 0, d);
    x64_rr(CB, OPC_MOVZX_GvEb, d, d);
    out_end(c, out, d);
}

static void emit_seteq(EmitCtx *c, const IROp *op)
{
    cc_clobber(c);
    emit_cmp(c, op->in[0], op->in[1]);
    emit_setcond_out(c, op->opc == IR_seteq ? CC_COND_E : CC_COND_NE, op->out[0]);
}

/* flags := (v != 0) */
static void emit_test(EmitCtx *c, IRVal v)
{
    X64Opnd o = ra_opnd_rm(c, v);
    if (o.kind == OPND_REG) {
        x64_rr(CB, OPC_TEST_EvGv, o.reg, o.reg);
    } else {
        x64_rm(CB, OPC_ARITH_EvIb, ARITH_CMP, o.mem);
        x64_byte(CB, 0);
    }
}

static void emit_selnz(EmitCtx *c, const IROp *op)
{
    if (ir_is_const(c->ir, op->in[0])) {
        emit_mov(c, op->out[0], c->ir->val[op->in[0]].cval ? op->in[1] : op->in[2]);
        return;
    }
    cc_clobber(c);
    emit_test(c, op->in[0]);
    emit_select(c, CC_COND_NE, op->out[0], op->in[1], op->in[2]);
}

/* ==================== address arithmetic ==================== */

/* Chains of plain add and shl-by-1..3 over pinned guest registers and
 * constants (address computations: [esp+ebx*4+8]) become one lea.  An op
 * whose single-use result feeds the very next add/shl is not emitted; its
 * expression waits in c->pend and the consumer folds it in.  Nothing runs
 * in between, so the pinned registers it names still hold their values. */
static bool addr_of(EmitCtx *c, IRVal v, X64Addr *a)
{
    if (v == c->pend_t && v != IR_NOVAL) {
        *a = c->pend;
        return true;
    }
    if (v == IR_NOVAL)
        return false;
    if (ir_is_const(c->ir, v)) {
        *a = (X64Addr){IR_NOVAL, IR_NOVAL, 1, c->ir->val[v].cval};
        return true;
    }
    if (ra_is_pinned(v)) {
        *a = (X64Addr){v, IR_NOVAL, 1, 0};
        return true;
    }
    return false;
}

/* a + reg*scale, if there is room for another register term */
static bool addr_add_term(X64Addr *a, IRVal reg, int scale)
{
    if (reg == IR_NOVAL)
        return true;
    if (scale == 1 && a->base == IR_NOVAL) {
        a->base = reg;
        return true;
    }
    if (a->index == IR_NOVAL) {
        a->index = reg;
        a->scale = scale;
        return true;
    }
    return false;
}

static bool addr_combine(EmitCtx *c, const IROp *op, X64Addr *r)
{
    X64Addr a, b;
    if (!addr_of(c, op->in[0], &a) || !addr_of(c, op->in[1], &b))
        return false;
    if (op->opc == IR_sub) { /* reg - constant: "push" */
        if (!ir_is_const(c->ir, op->in[1]))
            return false;
        *r = a;
        r->disp -= b.disp;
        return true;
    }
    if (op->opc == IR_add) {
        *r = a;
        r->disp += b.disp;
        return addr_add_term(r, b.base, 1) && addr_add_term(r, b.index, b.scale);
    }
    /* shl by a constant 1..3: one register term, scaled */
    if (b.base != IR_NOVAL || b.index != IR_NOVAL || (b.disp & 31) < 1 || (b.disp & 31) > 3)
        return false;
    int k = (int)(b.disp & 31);
    if (a.base != IR_NOVAL && a.index != IR_NOVAL)
        return false;
    IRVal reg = a.base != IR_NOVAL ? a.base : a.index;
    int scale = (a.base != IR_NOVAL ? 1 : a.scale) << k;
    if (scale > 8)
        return false;
    *r = (X64Addr){IR_NOVAL, reg, reg == IR_NOVAL ? 1 : scale, a.disp << k};
    return true;
}

static void addr_emit(EmitCtx *c, const X64Addr *a, IRVal out)
{
    int d = out_begin(c, out, 0);
    if (a->base == IR_NOVAL && a->index == IR_NOVAL) {
        x64_mov_ri32(CB, d, a->disp);
    } else {
        int base = a->base != IR_NOVAL ? ra_pinned_reg(a->base) : -1;
        int index = a->index != IR_NOVAL ? ra_pinned_reg(a->index) : -1;
        if (base < 0 && a->scale == 1) {
            base = index;
            index = -1;
        }
        x64_lea32(CB, d, x64_mem_idx(base, index, a->scale, (int32_t)a->disp));
    }
    out_end(c, out, d);
}

/* The pending expression, computed into its temp's register after all
 * (its consumer turned out not to fold it). */
static void addr_materialize(EmitCtx *c)
{
    IRVal t = c->pend_t;
    c->pend_t = IR_NOVAL;
    addr_emit(c, &c->pend, t);
}

/* Guest addresses reg + disp with -32 KiB < disp < 32 KiB may go straight
 * into the host operand [r15 + reg + disp]: if the sum passes 4 GiB, the
 * real CPU wraps to below 32 KiB, which a guest can never map
 * (mmap_min_addr), and the host access lands in the guard past the 4 GiB
 * reservation instead: the same SIGSEGV with the same wrapped si_addr.
 * Below 0 it wraps to the top 32 KiB, which an i386 process cannot map
 * either, and the host access lands in the guard before guest address 0
 * (GUEST_GUARD, guest-mem.h).  Scaled indexes never (index*4 can overshoot
 * the guard by gigabytes). */
#define X64_ADDR_FOLD_MAX 0x8000u

static bool addr_memable(const X64Addr *a)
{
    bool one = (a->base != IR_NOVAL) != (a->index != IR_NOVAL);
    return one && (a->index == IR_NOVAL || a->scale == 1) &&
           (a->disp < X64_ADDR_FOLD_MAX || a->disp > 0u - X64_ADDR_FOLD_MAX);
}

/* the op reads the pending address as its guest address (and only so) */
static bool addr_pend_mem_use(EmitCtx *c, const IROp *op, IRVal t)
{
    switch (op->opc) {
    case IR_ld: case IR_lds: case IR_ldw:
        return op->in[0] == t;
    case IR_st:
        return op->in[0] == t && op->in[1] != t;
    case IR_call: /* an SSE instruction run natively (isel_sse.c) */
        return isel_sse_addr_use(c, op, t);
    default:
        return false;
    }
}

static bool try_addr(EmitCtx *c, const IROp *op)
{
    X64Addr r;
    if (!addr_combine(c, op, &r))
        return false;
    c->pend_t = IR_NOVAL;
    IRVal out = op->out[0];
    const IROp *next = c->cur + 1 < c->ir->nops ? &c->ir->op[c->cur + 1] : NULL;
    if (next && is_temp(c, out) && c->t[out].nuses == 1 &&
        (((next->opc == IR_add || next->opc == IR_shl) &&
          (next->in[0] == out || next->in[1] == out)) ||
         (addr_memable(&r) && addr_pend_mem_use(c, next, out)))) {
        c->pend_t = out;
        c->pend = r;
        c->pend_op = c->cur + 1;
        return true;
    }
    if (next && is_temp(c, out) && c->t[out].nuses == 2 && addr_memable(&r) &&
        next->opc == IR_st && addr_pend_mem_use(c, next, out) && c->cur + 2 < c->ir->nops) {
        /* "push": t = esp - 4; st t, v; mov esp, t.  The store takes
         * [r15 + r12 - 4] and the mov becomes lea r12d, [r12 - 4]: a store
         * changes no register, so the expression still holds for the mov. */
        const IROp *mv = &c->ir->op[c->cur + 2];
        if (mv->opc == IR_mov && mv->in[0] == out && ra_is_pinned(mv->out[0])) {
            c->pend_t = out;
            c->pend = r;
            c->pend_op = c->cur + 2;
            return true;
        }
    }
    addr_emit(c, &r, out);
    return true;
}

/* ==================== shifts ==================== */

/* Variable shift counts go through cl; guest ECX lives in rcx, so it is
 * parked in a scratch register around the shift.  Returns the register now
 * holding guest ECX's value (rcx or the scratch), -1 if rcx was untouched. */
static int shift_count_to_cl(EmitCtx *c, IRVal n)
{
    X64Opnd on = ra_opnd(c, n);
    if (on.kind == OPND_REG && on.reg == X64_RCX)
        return -1;
    int save = ra_alloc(c);
    x64_mov_rr64(CB, save, X64_RCX);
    load_opnd(c, X64_RCX, on);
    return save;
}

/* operand for v, reading guest ECX from `save` if rcx holds the count */
static X64Opnd opnd_ecx_moved(EmitCtx *c, IRVal v, int save)
{
    X64Opnd o = ra_opnd(c, v);
    if (save >= 0 && o.kind == OPND_REG && o.reg == X64_RCX)
        o.reg = save;
    return o;
}

static void emit_shift(EmitCtx *c, const IROp *op, int ext, bool is_cc)
{
    int size = is_cc ? op->size : 32;
    IRVal a = op->in[0], n = op->in[1], out = op->out[0];
    if (ir_is_const(c->ir, n)) {
        uint32_t cnt = c->ir->val[n].cval & 31;
        if (cnt == 0) {
            emit_mov(c, out, a); /* nothing shifts, no flag changes */
            return;
        }
        if (!is_cc && ext == SHIFT_SHL && cnt <= 3) {
            /* lea keeps the host flags (the guest CC may be live there) */
            int ra = ra_in_reg(c, a);
            int d = out_begin(c, out, 0);
            x64_lea32(CB, d, x64_mem_idx(-1, ra, 1 << cnt, 0));
            out_end(c, out, d);
            return;
        }
        X64Opnd oa = ra_opnd(c, a);
        int d = out_begin(c, out, 0);
        load_opnd(c, d, oa);
        if (!is_cc)
            cc_clobber(c);
        else if (ext == SHIFT_RCL || ext == SHIFT_RCR)
            cc_restore(c);
        else if (ext == SHIFT_ROL || ext == SHIFT_ROR)
            cc_keep(c);
        x64_rr(CB, size == 8 ? OPC_SHIFT_EbIb : OPC_SHIFT_EvIb | p66(size), ext, d);
        x64_byte(CB, (uint8_t)cnt);
        out_end(c, out, d);
        if (is_cc)
            cc_set_where(c, CCW_HOST);
        return;
    }
    int save = shift_count_to_cl(c, n);
    X64Opnd oa = opnd_ecx_moved(c, a, save);
    int d = out_begin(c, out, 1u << X64_RCX);
    load_opnd(c, d, oa);
    if (!is_cc)
        cc_clobber(c);
    else if (ext == SHIFT_RCL || ext == SHIFT_RCR)
        cc_restore(c);
    else
        cc_keep(c);
    x64_rr(CB, size == 8 ? OPC_SHIFT_EbCL : OPC_SHIFT_EvCL | p66(size), ext, d);
    if (save >= 0)
        x64_mov_rr64(CB, X64_RCX, save);
    out_end(c, out, d);
    if (is_cc)
        cc_set_where(c, CCW_HOST);
}

static void emit_shxd(EmitCtx *c, const IROp *op, bool left)
{
    IRVal a = op->in[0], b = op->in[1], n = op->in[2], out = op->out[0];
    unsigned p = p66(op->size);
    if (ir_is_const(c->ir, n)) {
        uint32_t cnt = c->ir->val[n].cval & 31;
        if (cnt == 0) {
            emit_mov(c, out, a);
            return;
        }
        int rb = ra_in_reg(c, b);
        X64Opnd oa = ra_opnd(c, a);
        int d = out_begin(c, out, 1u << rb);
        load_opnd(c, d, oa);
        x64_rr(CB, (left ? OPC_SHLD_EvGvIb : OPC_SHRD_EvGvIb) | p, rb, d);
        x64_byte(CB, (uint8_t)cnt);
        out_end(c, out, d);
        cc_set_where(c, CCW_HOST);
        return;
    }
    int save = shift_count_to_cl(c, n);
    X64Opnd ob = opnd_ecx_moved(c, b, save);
    int rb;
    if (ob.kind == OPND_REG) {
        rb = ob.reg;
    } else {
        rb = ra_alloc(c);
        load_opnd(c, rb, ob);
    }
    X64Opnd oa = opnd_ecx_moved(c, a, save);
    int d = out_begin(c, out, (1u << X64_RCX) | (1u << rb));
    load_opnd(c, d, oa);
    cc_keep(c);
    x64_rr(CB, (left ? OPC_SHLD_EvGvCL : OPC_SHRD_EvGvCL) | p, rb, d);
    if (save >= 0)
        x64_mov_rr64(CB, X64_RCX, save);
    out_end(c, out, d);
    cc_set_where(c, CCW_HOST);
}

/* ==================== multiply, divide, bit ops ==================== */

/* Widening mul/imul and div/idiv use rax/rdx, which hold guest EAX/EDX:
 * park those in env->regs[] (their home), run the host instruction, hand
 * out the results and reload what the op did not produce.  With the
 * dividend already in EAX(/EDX) nothing changes before the host div, so a
 * #DE leaves the exact guest state. */
static void load_fixed(EmitCtx *c, int dst, IRVal v)
{
    X64Opnd o = ra_opnd(c, v);
    if (o.kind == OPND_REG && (o.reg == X64_RAX || o.reg == X64_RDX)) {
        if (o.reg != dst)
            x64_load32(CB, dst, ra_env(o.reg == X64_RAX ? 0 : 8));
        return;
    }
    load_opnd(c, dst, o);
}

static void emit_muldiv(EmitCtx *c, const IROp *op, int ext, bool is_div)
{
    int size = op->size;
    IRVal src = is_div ? op->in[2] : op->in[1];
    X64Mem eax_home = ra_env(0), edx_home = ra_env(8);
    IRVal o0 = op->out[0], o1 = op->out[1];
    bool nat0 = o0 == IR_G_EAX, nat1 = o1 == IR_G_EDX && size > 8;
    /* operands already in place and results going there: nothing to park */
    bool in_place = size == 32 && nat0 && nat1 && op->in[0] == IR_G_EAX &&
                    (!is_div || op->in[1] == IR_G_EDX) && src != IR_G_EAX && src != IR_G_EDX;
    if (!in_place) {
        x64_store32(CB, eax_home, X64_RAX);
        x64_store32(CB, edx_home, X64_RDX);
    }
    X64Opnd os = ra_opnd(c, src);
    if (os.kind == OPND_IMM) {
        int r = ra_alloc(c);
        x64_mov_ri32(CB, r, os.imm);
        os.kind = OPND_REG;
        os.reg = r;
    } else if (os.kind == OPND_REG && (os.reg == X64_RAX || os.reg == X64_RDX)) {
        os.kind = OPND_MEM;
        os.mem = os.reg == X64_RAX ? eax_home : edx_home;
    }
    load_fixed(c, X64_RAX, op->in[0]);
    if (is_div && size > 8)
        load_fixed(c, X64_RDX, op->in[1]);
    unsigned opc = size == 8 ? OPC_GRP3_Eb : OPC_GRP3_Ev | p66(size);
    if (os.kind == OPND_REG)
        x64_rr(CB, opc, ext, os.reg);
    else
        x64_rm(CB, opc, ext, os.mem);
    cc_set_where(c, CCW_HOST);

    uint32_t fixed = (1u << X64_RAX) | (1u << X64_RDX);
    int r0 = -1, r1 = -1;
    if (o0 != IR_NOVAL && !nat0) {
        r0 = out_begin(c, o0, fixed);
        x64_mov_rr32(CB, r0, X64_RAX);
    }
    if (o1 != IR_NOVAL && !nat1) {
        r1 = out_begin(c, o1, fixed);
        if (size == 8) { /* remainder / high half is in ah */
            X64Mem slot = ra_slot_mem(X64_SCRATCH_SLOT);
            x64_store32(CB, slot, X64_RAX);
            slot.disp += 1;
            x64_rm(CB, OPC_MOVZX_GvEb, r1, slot);
        } else {
            x64_mov_rr32(CB, r1, X64_RDX);
        }
    }
    if (!nat0)
        x64_load32(CB, X64_RAX, eax_home);
    if (!nat1)
        x64_load32(CB, X64_RDX, edx_home);
    if (r0 >= 0)
        out_end(c, o0, r0);
    if (r1 >= 0)
        out_end(c, o1, r1);
}

static void emit_bsx(EmitCtx *c, const IROp *op, bool fwd)
{
    X64Opnd os = ra_opnd_rm(c, op->in[0]);
    X64Opnd old = ra_opnd(c, op->in[1]);
    int d = out_begin(c, op->out[0], opnd_mask(os));
    load_opnd(c, d, old); /* a zero source leaves the destination as it was */
    emit_g_e(c, (fwd ? OPC_BSF_GvEv : OPC_BSR_GvEv) | p66(op->size == 8 ? 16 : op->size), d, os);
    out_end(c, op->out[0], d);
    cc_set_where(c, CCW_HOST);
}

static void emit_bt(EmitCtx *c, const IROp *op, int ext)
{
    int size = op->size == 8 ? 16 : op->size;
    unsigned p = p66(size);
    X64Opnd oi = ra_opnd(c, op->in[1]);
    if (oi.kind == OPND_MEM) {
        oi.kind = OPND_REG;
        oi.reg = ra_in_reg(c, op->in[1]);
    }
    int d;
    if (ext == BTX_BT) {
        d = ra_in_reg(c, op->in[0]);
    } else {
        X64Opnd oa = ra_opnd(c, op->in[0]);
        d = out_begin(c, op->out[0], opnd_mask(oi));
        load_opnd(c, d, oa);
    }
    cc_keep(c); /* ZF is unchanged */
    if (oi.kind == OPND_IMM) {
        x64_rr(CB, OPC_BTx_EvIb | p, ext, d);
        x64_byte(CB, (uint8_t)(oi.imm & (unsigned)(size - 1)));
    } else {
        static const unsigned opc[] = {OPC_BT_EvGv, OPC_BTS_EvGv, OPC_BTR_EvGv, OPC_BTC_EvGv};
        x64_rr(CB, opc[ext - BTX_BT] | p, oi.reg, d);
    }
    if (ext != BTX_BT)
        out_end(c, op->out[0], d);
    cc_set_where(c, CCW_HOST);
}

/* ==================== CC access ==================== */

static void emit_getcc(EmitCtx *c, const IROp *op)
{
    int d = out_begin(c, op->out[0], 0);
    if (c->cc_where == CCW_HOST) {
        x64_byte(CB, 0x9c); /* pushfq */
        x64_pop(CB, d);
        x64_arith_ri(CB, ARITH_AND, 32, d, X86_CC_MASK);
        x64_store32(CB, ra_env(ENV_OFF(cc)), d);
        cc_set_where(c, CCW_ENV);
    } else {
        x64_load32(CB, d, ra_env(ENV_OFF(cc)));
    }
    out_end(c, op->out[0], d);
}

static void emit_setcc(EmitCtx *c, const IROp *op)
{
    uint32_t mask = op->aux[0] & X86_CC_MASK;
    X64Mem cc = ra_env(ENV_OFF(cc));
    if (mask != X86_CC_MASK)
        cc_save(c);
    X64Opnd o = ra_opnd(c, op->in[0]);
    int r = ra_alloc(c);
    load_opnd(c, r, o);
    x64_arith_ri(CB, ARITH_AND, 32, r, mask);
    if (mask != X86_CC_MASK) {
        x64_rm(CB, OPC_ARITH_EvIz, ARITH_AND, cc);
        x64_u32(CB, ~mask);
        x64_rm(CB, OPC_ARITH_EvGv + (ARITH_OR << 3), r, cc);
    } else {
        x64_store32(CB, cc, r);
    }
    c->cc_where = -1; /* force a pc map entry: env->cc is now the truth */
    cc_set_where(c, CCW_ENV);
}

/* ==================== guest memory ==================== */

X64Mem guest_addr(EmitCtx *c, IRVal a)
{
    if (a == c->pend_t && a != IR_NOVAL) { /* reg + small disp, see addr_memable */
        IRVal g = c->pend.base != IR_NOVAL ? c->pend.base : c->pend.index;
        return x64_mem_idx(HOST_REG_GBASE, ra_pinned_reg(g), 1, (int32_t)c->pend.disp);
    }
    if (ir_is_const(c->ir, a) && c->ir->val[a].cval < 0x80000000u)
        return x64_mem(HOST_REG_GBASE, (int32_t)c->ir->val[a].cval);
    int r = ra_in_reg(c, a);
    return x64_mem_idx(HOST_REG_GBASE, r, 1, 0);
}

static void emit_load(EmitCtx *c, const IROp *op, bool sign)
{
    X64Mem m = guest_addr(c, op->in[0]);
    int d = out_begin(c, op->out[0], 0);
    if (op->size == 32)
        x64_load32(CB, d, m);
    else if (op->size == 16)
        x64_rm(CB, sign ? OPC_MOVSX_GvEw : OPC_MOVZX_GvEw, d, m);
    else
        x64_rm(CB, sign ? OPC_MOVSX_GvEb : OPC_MOVZX_GvEb, d, m);
    out_end(c, op->out[0], d);
}

static void emit_store(EmitCtx *c, const IROp *op)
{
    X64Mem m = guest_addr(c, op->in[0]);
    X64Opnd o = ra_opnd(c, op->in[1]);
    if (op->size == 8) {
        store8(c, m, o, op->in[1]);
        return;
    }
    unsigned p = p66(op->size);
    if (o.kind == OPND_IMM) {
        x64_rm(CB, OPC_MOV_EvIz | p, 0, m);
        x64_imm(CB, op->size, o.imm);
    } else {
        int r = o.kind == OPND_REG ? o.reg : ra_in_reg(c, op->in[1]);
        x64_rm(CB, OPC_MOV_EvGv | p, r, m);
    }
}

/* ldw; <op> t, x; st: one host read-modify-write instruction, which checks
 * the write permission before it reads and changes nothing if it faults. */
static int rmw_ext(const IROp *alu, bool *unary, bool *grp3, bool *keeps)
{
    *unary = *grp3 = *keeps = false;
    switch (alu->opc) {
    case IR_add_cc: return ARITH_ADD;
    case IR_or_cc: return ARITH_OR;
    case IR_adc_cc: *keeps = true; return ARITH_ADC;
    case IR_sbb_cc: *keeps = true; return ARITH_SBB;
    case IR_and_cc: return ARITH_AND;
    case IR_sub_cc: return ARITH_SUB;
    case IR_xor_cc: return ARITH_XOR;
    case IR_inc_cc: *unary = *keeps = true; return GRP5_INC;
    case IR_dec_cc: *unary = *keeps = true; return GRP5_DEC;
    case IR_neg_cc: *unary = *grp3 = true; return GRP3_NEG;
    default: return -1;
    }
}

static bool try_rmw(EmitCtx *c, const IROp *ld)
{
    int i = c->cur;
    if (i + 2 >= c->ir->nops)
        return false;
    const IROp *alu = &c->ir->op[i + 1], *st = &c->ir->op[i + 2];
    IRVal t = ld->out[0], t2 = alu->out[0];
    if (!is_temp(c, t) || c->t[t].nuses != 1 || !is_temp(c, t2) || c->t[t2].nuses != 1)
        return false;
    if (st->opc != IR_st || st->size != ld->size || st->in[0] != ld->in[0] || st->in[1] != t2)
        return false;
    bool unary, grp3, keeps;
    int ext = rmw_ext(alu, &unary, &grp3, &keeps);
    if (ext < 0 || alu->size != ld->size)
        return false;
    IRVal x = IR_NOVAL;
    if (unary) {
        if (alu->in[0] != t)
            return false;
    } else if (alu->in[0] == t && alu->in[1] != t) {
        x = alu->in[1];
    } else if (alu->in[1] == t && alu->in[0] != t && (ir_opdef[alu->opc].flags & IR_F_COMMUT)) {
        x = alu->in[0];
    } else {
        return false;
    }
    c->cur = i + 2; /* the three ops are one; inputs stay locked */
    int size = ld->size;
    unsigned p = p66(size);
    X64Mem m = guest_addr(c, ld->in[0]);
    X64Opnd ox = x == IR_NOVAL ? (X64Opnd){OPND_IMM, -1, {0, -1, 1, 0}, 0} : ra_opnd(c, x);
    if (ox.kind == OPND_MEM) {
        ox.kind = OPND_REG;
        ox.reg = ra_in_reg(c, x);
    }
    c->cur = i + 1;
    if (keeps && c->cc_where == CCW_ENV)
        cc_restore(c);
    c->cur = i + 2;
    if (unary) {
        unsigned opc = grp3 ? (size == 8 ? OPC_GRP3_Eb : OPC_GRP3_Ev | p)
                            : (size == 8 ? OPC_GRP4_Eb : OPC_GRP5_Ev | p);
        x64_rm(CB, opc, ext, m);
    } else if (ox.kind == OPND_REG) {
        x64_rm(CB, (size == 8 ? OPC_ARITH_EbGb : OPC_ARITH_EvGv | p) + (unsigned)(ext << 3), ox.reg,
               m);
    } else if (size == 8) {
        x64_rm(CB, OPC_ARITH_EbIb, ext, m);
        x64_byte(CB, (uint8_t)ox.imm);
    } else if ((int32_t)(size == 16 ? (int16_t)ox.imm : (int32_t)ox.imm) >= -128 &&
               (int32_t)(size == 16 ? (int16_t)ox.imm : (int32_t)ox.imm) <= 127) {
        x64_rm(CB, OPC_ARITH_EvIb | p, ext, m);
        x64_byte(CB, (uint8_t)ox.imm);
    } else {
        x64_rm(CB, OPC_ARITH_EvIz | p, ext, m);
        x64_imm(CB, size, ox.imm);
    }
    cc_set_where(c, CCW_HOST);
    return true;
}

static void emit_ldw(EmitCtx *c, const IROp *op)
{
    cc_clobber(c);
    X64Mem m = guest_addr(c, op->in[0]);
    /* prove the page(s) writable without changing memory */
    x64_rm(CB, OPC_ARITH_EbIb | P_LOCK, ARITH_OR, m);
    x64_byte(CB, 0);
    if (op->size > 8) {
        X64Mem last = m;
        last.disp += op->size / 8 - 1;
        x64_rm(CB, OPC_ARITH_EbIb | P_LOCK, ARITH_OR, last);
        x64_byte(CB, 0);
    }
    emit_load(c, op, false);
}

/* ==================== control flow ==================== */

static void add_fixup(EmitCtx *c, int label, uint32_t at)
{
    if (c->nfix >= X64_MAX_FIXUPS) {
        c->error = true;
        return;
    }
    c->fix[c->nfix].label = label;
    c->fix[c->nfix].at = at;
    c->nfix++;
}

static uint16_t label_cc_live(EmitCtx *c, int label)
{
    int i = c->label_op[label];
    return i >= 0 ? c->ir->op[i].cc_live : CC_ALL;
}

static void emit_br(EmitCtx *c, const IROp *op)
{
    ra_flush(c);
    if (label_cc_live(c, (int)op->aux[0]))
        cc_restore(c);
    add_fixup(c, (int)op->aux[0], x64_jmp32(CB, NULL));
}

/* The goto_tb right after label `label`, if only this branch reaches the
 * label (nothing falls into it, no other branch names it); else -1. */
static int label_only_goto(EmitCtx *c, int label)
{
    const IRBlock *b = c->ir;
    int l = c->label_op[label];
    if (l <= c->cur || l + 1 >= b->nops || b->op[l + 1].opc != IR_goto_tb)
        return -1;
    const IROp *prev = &b->op[l - 1];
    if (!(ir_opdef[prev->opc].flags & IR_F_END) && prev->opc != IR_br)
        return -1;
    for (int i = c->cur + 1; i < l; i++)
        if ((ir_opdef[b->op[i].opc].flags & IR_F_BR) && (int)b->op[i].aux[0] == label)
            return -1;
    return l + 1;
}

/* "brcond L; goto_tb 0, A; L: goto_tb 1, B": the jcc's own rel32 is slot
 * 1's patch site (emit_goto_slot), so a chained taken branch is one host
 * jump instead of a jcc to a jmp. */
static void emit_brcond(EmitCtx *c, const IROp *op)
{
    ra_flush(c);
    cc_restore(c);
    int g = label_only_goto(c, (int)op->aux[0]);
    if (g >= 0) {
        /* rel32 4-byte aligned (at p + 2) for chain()'s atomic patch */
        x64_nops(CB, (int)((2 - ((uintptr_t)c->cb.p & 3)) & 3));
        c->direct_at = x64_jcc32(CB, op->cond, NULL);
        c->direct_op = g;
        return;
    }
    add_fixup(c, (int)op->aux[0], x64_jcc32(CB, op->cond, NULL));
}

static void emit_brz(EmitCtx *c, const IROp *op, bool nz)
{
    int label = (int)op->aux[0];
    ra_flush(c);
    if (ir_is_const(c->ir, op->in[0])) {
        if ((c->ir->val[op->in[0]].cval != 0) == nz)
            emit_br(c, op);
        return;
    }
    bool label_live = label_cc_live(c, label) != 0;
    if (label_live)
        cc_restore(c);
    int cond = nz ? CC_COND_NE : CC_COND_E;
    if (c->cc_where == CCW_HOST && (label_live || op->cc_live)) {
        /* keep the guest flags on both paths */
        x64_byte(CB, 0x9c);
        emit_test(c, op->in[0]);
        uint32_t skip = x64_jcc8(CB, cond ^ 1);
        x64_byte(CB, 0x9d);
        add_fixup(c, label, x64_jmp32(CB, NULL));
        x64_patch8(CB, skip, c->cb.p);
        x64_byte(CB, 0x9d);
    } else {
        emit_test(c, op->in[0]);
        add_fixup(c, label, x64_jcc32(CB, cond, NULL));
    }
}

static void emit_label(EmitCtx *c, const IROp *op)
{
    int label = (int)op->aux[0];
    const IROp *prev = c->cur > 0 ? &c->ir->op[c->cur - 1] : NULL;
    if (prev && !(ir_opdef[prev->opc].flags & IR_F_END) && prev->opc != IR_br) {
        ra_flush(c);
        if (op->cc_live)
            cc_restore(c);
    }
    for (int k = 0; k < c->nfix; k++) {
        if (c->fix[k].label == label) {
            x64_patch32(CB, c->fix[k].at, c->cb.p);
            c->fix[k] = c->fix[--c->nfix];
            k--;
        }
    }
    ra_forget(c);
    cc_set_where(c, CCW_HOST);
    c->fp_ready = false; /* some path here may not have loaded the FP state */
    c->xmm_cached = 0;
}

/* leave through the epilogue matching where CC is */
static void jmp_epilogue(EmitCtx *c)
{
    x64_jmp32(CB, c->cc_where == CCW_HOST ? c->epilogue_cc : c->epilogue_nocc);
}

/* The data after an exit stub's call, as instructions that never run:
 * mov r11d, pc [; mov r11, tb; mov r11b, slot] (X64_STUB_*). */
static void isel_stub_data(EmitCtx *c, uint32_t pc, const TB *tb, int slot)
{
    x64_byte(CB, 0x41);
    x64_byte(CB, 0xbb);
    x64_u32(CB, pc);
    if (tb) {
        x64_byte(CB, 0x49);
        x64_byte(CB, 0xbb);
        x64_reloc_note(CB, X64_RELOC_TB, 0); /* persist.c: the loading run's TB */
        x64_u64(CB, (uint64_t)(uintptr_t)tb);
        x64_byte(CB, 0x41);
        x64_byte(CB, 0xb3);
        x64_byte(CB, (uint8_t)slot);
    }
}

/* A chainable exit through slot `slot` towards guest pc `pc`. */
static void emit_goto_slot(EmitCtx *c, int slot, uint32_t pc)
{
    uint32_t at;
    if (c->cur == c->direct_op) { /* the jcc of emit_brcond */
        at = c->direct_at;
        c->direct_op = -1;
        x64_patch32(CB, at, c->cb.p);
    } else {
        /* the rel32 must be 4-byte aligned so chain() patches it atomically */
        uintptr_t a = (uintptr_t)c->cb.p;
        x64_nops(CB, (int)((3 - (a & 3)) & 3));
        at = x64_jmp32(CB, NULL); /* rel 0: falls into the exit stub */
    }
    c->tb->jmp_patch[slot] = at;
    c->tb->jmp_stub[slot] = (uint32_t)(c->cb.p - c->cb.start);
    c->tb->jmp_pc[slot] = pc;
    /* the stub (backend.c x64_gen_exit_stub) */
    x64_call32(CB, c->exit_chain[c->cc_where == CCW_HOST ? 0 : 1]);
    isel_stub_data(c, pc, c->tb, slot);
}

static void emit_call_predicted(EmitCtx *c, uint32_t target, uint32_t ret, bool indirect,
                                bool deferred);
static bool call_return_pc(EmitCtx *c, uint32_t *ret);

static void emit_goto_tb(EmitCtx *c, const IROp *op)
{
    int slot = (int)op->aux[0] & 1;
    if (cc_live_before(c) | op->cc_live)
        cc_restore(c);
    uint32_t ret;
    if (slot == 0 && c->cur == c->ir->nops - 1 && c->tb->jmp_pc[1] == ~0u &&
        call_return_pc(c, &ret)) {
        emit_call_predicted(c, op->aux[1], ret, false, false);
        return;
    }
    emit_goto_slot(c, slot, op->aux[1]);
}

/* Indirect jump: inline probe of env->jmp_probe (the jump cache, or an empty
 * table while an exit is requested), entering the TB past its exit-request
 * check (tb->host_fast), without touching the host flags (they hold the
 * guest CC, which the next block may read): the index is the low 16 bits of
 * the pc (movzx), and both tests (empty slot, pc match) of each of the two
 * ways go through rcx and jrcxz, with guest ECX parked in r11 and the TB in
 * r13.  The match is ~tb->pc + pc + 1 == 0, computed with not and lea.
 * Temps are dead here, so the pool registers are free.  The jump cache
 * never holds an invalid TB (the cache clears it on invalidation). */
_Static_assert(TB_JMP_CACHE_SETS == 0x10000, "goto_ptr indexes the jump cache with movzx r16");
void x64_emit_probe(CodeBuf *cb, uint32_t hit[2])
{
    x64_rr(cb, OPC_MOVZX_GvEw, X64_R9, X64_R8);
    x64_load64(cb, X64_R10, x64_mem(HOST_REG_ENV, ENV_OFF(jmp_probe)));
    x64_mov_rr64(cb, X64_R11, X64_RCX);
    for (int way = 0; way < 2; way++) {
        int disp = way * (int)(TB_JMP_CACHE_SETS * sizeof(void *));
        x64_load64(cb, X64_RCX, x64_mem_idx(X64_R10, X64_R9, 8, disp));
        uint32_t empty = x64_jrcxz8(cb, false);
        x64_mov_rr64(cb, X64_R13, X64_RCX);
        x64_load32(cb, X64_RCX, x64_mem(X64_R13, (int)offsetof(TB, pc)));
        x64_rr(cb, OPC_GRP3_Ev, GRP3_NOT, X64_RCX);
        x64_lea32(cb, X64_RCX, x64_mem_idx(X64_RCX, X64_R8, 1, 1));
        hit[way] = x64_jrcxz8(cb, false);
        x64_patch8(cb, empty, cb->p);
    }
    x64_mov_rr64(cb, X64_RCX, X64_R11);
}

/* CC from env->cc into the host flags, without the flags on the way */
static void cc_env_to_host(CodeBuf *cb)
{
    x64_load32(cb, X64_R11, x64_mem(HOST_REG_ENV, ENV_OFF(cc)));
    x64_push(cb, X64_R11);
    x64_byte(cb, 0x9d); /* popfq */
}

void x64_emit_probe_hit(CodeBuf *cb, const uint32_t hit[2], bool cc_in_env)
{
    x64_patch8(cb, hit[0], cb->p);
    x64_patch8(cb, hit[1], cb->p);
    x64_mov_rr64(cb, X64_RCX, X64_R11);
    if (cc_in_env) /* blocks are entered with CC in the host flags */
        cc_env_to_host(cb);
    x64_rm(cb, OPC_GRP5_Ev, GRP5_JMP, x64_mem(X64_R13, (int)offsetof(TB, host_fast)));
}

/* The guest pc the current goto_ptr jumps to is in r8. */
static void goto_ptr_target(EmitCtx *c)
{
    /* the target is still in the register just stored to EIP: no reload
     * through memory on the dispatch's critical path */
    if (c->eip_reg_op == c->cur - 1 && c->cc_where == CCW_HOST) {
        if (c->eip_reg != X64_R8)
            x64_mov_rr32(CB, X64_R8, c->eip_reg);
    } else {
        x64_load32(CB, X64_R8, ra_env(ENV_OFF(eip)));
    }
}

/* blocks are entered with CC in the host flags */
static void cc_to_host_flag_free(EmitCtx *c)
{
    if (c->cc_where == CCW_ENV)
        cc_env_to_host(CB);
}

/* ---- return prediction ----
 * A guest call is also a host call, so that the host's return stack
 * predicts the guest's return: the host ret of the callee lands right after
 * the host call in the caller's block, where the guest pc it returned to
 * (r8) is compared with the call's return address.  Equal: a chained jump
 * (slot 1) to the block there.  Not equal (longjmp, a return address the
 * guest changed, an entry popped by a mispredicted ret): the shared
 * jump-cache probe.  The guest's behaviour never depends on the shadow
 * stack, only the speed.
 * The shadow stack is the host stack below env->shadow_top (backend.c
 * prologue), 16 bytes per entry (lea rsp, [rsp-8]; call; ret 8), so rsp
 * stays 16-byte aligned at every block boundary.  Its bottom entry is a
 * sentinel whose "return address" re-arms itself and probes; the prologue
 * puts it 16 bytes below a 64 KiB boundary, and a call finding rsp at the
 * next boundary down (4095 entries deep) empties the stack first, so a
 * guest that calls and never returns (or recurses deeply) cannot grow it
 * past 64 KiB.  Every exit to the exec loop empties it (the epilogue
 * reloads rsp).  No entry can outlive its code: the code buffer is
 * recycled only by a flush, which runs from the exec loop. */

/* The guest's return address if the current instruction is a call: it
 * stores the address of the next instruction (push of a constant). */
static bool call_return_pc(EmitCtx *c, uint32_t *ret)
{
    const IRBlock *b = c->ir;
    uint32_t end = c->insn_pc + c->insn_len;
    for (int i = c->cur - 1; i >= 0 && b->op[i].opc != IR_insn_start; i--) {
        const IROp *op = &b->op[i];
        if (op->opc == IR_st && op->size == 32 && ir_is_const(b, op->in[1]) &&
            b->val[op->in[1]].cval == end) {
            *ret = end;
            return true;
        }
    }
    return false;
}

/* Is the current goto_ptr a guest ret: its target loaded from [esp]? */
static bool goto_ptr_is_ret(EmitCtx *c)
{
    const IRBlock *b = c->ir;
    const IROp *mv = c->cur > 0 ? &b->op[c->cur - 1] : NULL;
    if (!mv || mv->opc != IR_mov || mv->out[0] != IR_G_EIP)
        return false;
    for (int i = c->cur - 2; i >= 0 && b->op[i].opc != IR_insn_start; i--) {
        const IROp *op = &b->op[i];
        if (op->opc == IR_ld && op->out[0] == mv->in[0])
            return op->size == 32 && op->in[0] == IR_G_ESP;
    }
    return false;
}

static void emit_goto_ptr_probe(EmitCtx *c, bool deferred);

/* Patch a rel8 jump, which must reach. */
static void patch8_near(EmitCtx *c, uint32_t at, const uint8_t *target)
{
    long rel = target - (c->cb.start + at + 1);
    if (rel < -128 || rel > 127) {
        fprintf(stderr, "xlat: x86-64 emitter: rel8 out of range (%ld)\n", rel);
        abort();
    }
    x64_patch8(CB, at, target);
}

/* A call ending the block: a host call to the jump to the callee (slot 0 to
 * `target`, or with `indirect` the probe of r8), and after it the return
 * continuation through slot 1.  Before the call, the shadow stack is emptied
 * if it is 4095 entries deep: rsp (16-aligned, starting 16 below a 64 KiB
 * boundary) is then a multiple of 64 KiB, so movzx ecx, sp is zero. */
static void emit_call_predicted(EmitCtx *c, uint32_t target, uint32_t ret, bool indirect,
                                bool deferred)
{
    int cc_at_call = c->cc_where;
    x64_mov_rr64(CB, X64_R11, X64_RCX);
    x64_rr(CB, OPC_MOVZX_GvEw, X64_RCX, X64_RSP); /* movzx ecx, sp */
    uint32_t deep = x64_jrcxz8(CB, false);
    x64_mov_rr64(CB, X64_RCX, X64_R11);
    const uint8_t *do_call = c->cb.p;
    x64_rm(CB, OPC_LEA_GvM | P_REXW, X64_RSP, x64_mem(X64_RSP, -8));
    x64_byte(CB, 0xe8); /* call: to the jump to the callee, below */
    uint32_t call_at = (uint32_t)(c->cb.p - c->cb.start);
    x64_u32(CB, 0);
    /* here after the host ret: guest pc in r8, CC in the host flags */
    c->cc_where = CCW_HOST;
    x64_mov_rr64(CB, X64_R11, X64_RCX);
    x64_lea32(CB, X64_RCX, x64_mem(X64_R8, (int32_t)(0u - ret)));
    uint32_t match = x64_jrcxz8(CB, false);
    x64_mov_rr64(CB, X64_RCX, X64_R11);
    x64_jmp32(CB, c->probe_shared);
    patch8_near(c, match, c->cb.p);
    x64_mov_rr64(CB, X64_RCX, X64_R11);
    emit_goto_slot(c, 1, ret);
    c->tb->jmp_via_ret |= 1u << 1;
    /* the shadow stack was full: empty it, then call */
    patch8_near(c, deep, c->cb.p);
    x64_mov_rr64(CB, X64_RCX, X64_R11);
    x64_load64(CB, X64_RSP, ra_env(ENV_OFF(shadow_top)));
    patch8_near(c, x64_jmp8(CB), do_call);
    x64_patch32(CB, call_at, c->cb.p);
    c->cc_where = cc_at_call;
    if (indirect)
        emit_goto_ptr_probe(c, deferred);
    else
        emit_goto_slot(c, 0, target);
}

static void emit_goto_ptr(EmitCtx *c)
{
    bool deferred = c->eip_deferred; /* set by the mov just before */
    c->eip_deferred = false;
    goto_ptr_target(c);
    uint32_t ret;
    if (c->tb->jmp_pc[1] == ~0u && call_return_pc(c, &ret)) {
        emit_call_predicted(c, 0, ret, true, deferred);
        return;
    }
    if (goto_ptr_is_ret(c)) {
        /* the caller's block checks r8 against its return address */
        cc_to_host_flag_free(c);
        x64_byte(CB, 0xc2); /* ret 8 */
        x64_u16(CB, 8);
        return;
    }
    emit_goto_ptr_probe(c, deferred);
}

/* The jump-cache probe of r8 and the exit on a miss. */
static void emit_goto_ptr_probe(EmitCtx *c, bool deferred)
{
    uint32_t hit[2];
    x64_emit_probe(CB, hit);
    if (deferred)
        x64_store32(CB, ra_env(ENV_OFF(eip)), X64_R8);
    x64_store_i32(CB, ra_env(ENV_OFF(exit_reason)), EXIT_NORMAL);
    jmp_epilogue(c);
    x64_emit_probe_hit(CB, hit, c->cc_where == CCW_ENV);
}

static void emit_exit(EmitCtx *c, const IROp *op)
{
    uint32_t reason = op->opc == IR_raise ? EXIT_EXCEPTION : op->aux[0];
    x64_store_i32(CB, ra_env(ENV_OFF(exit_reason)), reason);
    if (reason == EXIT_EXCEPTION) {
        uint32_t signo = op->opc == IR_raise ? op->aux[0] : op->aux[1];
        x64_store_i32(CB, ra_env(ENV_OFF(exc_signo)), signo);
        x64_store_i32(CB, ra_env(ENV_OFF(exc_code)), op->opc == IR_raise ? op->aux[1] : 0);
        /* si_addr: the pc for SIGILL and SIGFPE (as Linux reports them), else 0 */
        if (signo == SIGILL || signo == SIGFPE) {
            x64_load32(CB, X64_R11, ra_env(ENV_OFF(eip)));
            x64_store32(CB, ra_env(ENV_OFF(exc_addr)), X64_R11);
        } else {
            x64_store_i32(CB, ra_env(ENV_OFF(exc_addr)), 0);
        }
    }
    jmp_epilogue(c);
}

/* ==================== helper calls ==================== */

static void store_guest_regs(EmitCtx *c, uint32_t only)
{
    for (int g = 0; g < 8; g++)
        if (only & (1u << host_guest_reg[g]))
            x64_store32(CB, ra_env(g * 4), host_guest_reg[g]);
}

static void load_guest_regs(EmitCtx *c, uint32_t only)
{
    for (int g = 0; g < 8; g++)
        if (only & (1u << host_guest_reg[g]))
            x64_load32(CB, host_guest_reg[g], ra_env(g * 4));
}

static void emit_helper_call(EmitCtx *c, const IROp *op)
{
    const IRHelper *h = ir_helpers[op->aux[0]];
    static const int argreg[4] = {X64_RSI, X64_RDX, X64_RCX, X64_R8};
    /* the call clobbers the host flags; helpers may read env->cc */
    cc_save(c);
    ra_spill_caller_saved(c);
    store_guest_regs(c, 0xffff);
    if ((h->flags & HF_SYNC) && !c->eip_written)
        x64_store_i32(CB, ra_env(ENV_OFF(eip)), c->insn_pc);
    for (int k = 0; k < op->nin && k < 4; k++) {
        IRVal v = op->in[k];
        if (ra_is_pinned(v)) {
            x64_load32(CB, argreg[k], ra_env(v * 4)); /* rsi.. may already be args */
        } else {
            X64Opnd o = ra_opnd(c, v);
            load_opnd(c, argreg[k], o);
        }
    }
    x64_mov_rr64(CB, X64_RDI, HOST_REG_ENV);
    x64_call_abs(CB, (const void *)h->fn, X64_RAX);
    if (log_enabled(LOG_STATS) && op->aux[0] < EXEC_STATS_MAX_HELPERS) {
        /* -d stats only: count the call (the host flags are dead here) */
        x64_mov_ri64(CB, X64_R11, (uint64_t)(uintptr_t)&exec_stats.helper_count[op->aux[0]]);
        x64_rm(CB, OPC_GRP5_Ev | P_REXW, GRP5_INC, x64_mem(X64_R11, 0));
    }
    ra_unbind_caller_saved(c);
    IRVal out = op->nout ? op->out[0] : IR_NOVAL;
    int r = -1;
    if (out != IR_NOVAL) {
        r = is_temp(c, out) ? ra_def_temp(c, out) : ra_alloc(c);
        x64_mov_rr32(CB, r, X64_RAX);
    }
    load_guest_regs(c, (h->flags & HF_WRITE_GLOBALS) ? 0xffff : HOST_CALLER_SAVED);
    if (out != IR_NOVAL)
        out_end(c, out, r);
    c->cc_where = -1;
    cc_set_where(c, CCW_ENV);
    if (h->flags & HF_FP)
        c->fp_ready = false; /* it took the FP state back into env */
    c->xmm_cached = 0;       /* the host xmm registers are caller-saved */
}

/* rep movs / rep stos (and the plain forms) with 32-bit addresses as the
 * host instruction itself, when at run time DF = +1 and the segment bases
 * are 0 (always, unless the guest set up an LDT); else the helper.  The
 * guest ESI/EDI are host addresses (+ guest_base) only around the host
 * instruction, and ECX is the count in rcx: a fault in the middle leaves
 * rcx/rsi/rdi at the faulting element, as the guest's own rep would, and
 * backend.c x64_fault_state subtracts guest_base from rsi/rdi when it finds
 * the host pc on such an instruction.  Flags are untouched (mov, lea,
 * jrcxz), so live guest CC stays in the host flags.  The helper's element
 * loop was ~5% of a gcc -O2 run (cc1 calls it 4.3 million times). */
static bool emit_string_inline(EmitCtx *c, const IROp *op)
{
    int id = (int)op->aux[0];
    bool stos = id == x86_helper_string_id(X86_STOS);
    if ((!stos && id != x86_helper_string_id(X86_MOVS)) || !ir_is_const(c->ir, op->in[0]))
        return false;
    uint32_t desc = c->ir->val[op->in[0]].cval;
    uint32_t bytes = desc & 15, adsize = (desc >> 4) & 15, rep = (desc >> 8) & 15;
    uint32_t seg = (desc >> 12) & 7;
    if (adsize != 4 || (rep != X86_STR_NOREP && rep != X86_STR_REP) || seg >= X86_NSEG ||
        (bytes != 1 && bytes != 2 && bytes != 4))
        return false;
    int cc_before = c->cc_where;
    ra_spill_caller_saved(c);
    /* rcx = es_base + src_base + df - 1: zero iff both bases are 0 and
     * DF = +1 (each term is a zero-extended 32-bit value, df >= 1) */
    x64_mov_rr64(CB, X64_R11, X64_RCX);
    x64_load32(CB, X64_RCX, ra_env(ENV_OFF(seg_base[R_ES])));
    if (!stos) {
        x64_load32(CB, X64_R10, ra_env(ENV_OFF(seg_base[0]) + 4 * (int)seg));
        x64_rm(CB, OPC_LEA_GvM | P_REXW, X64_RCX, x64_mem_idx(X64_RCX, X64_R10, 1, 0));
    }
    x64_load32(CB, X64_R10, ra_env(ENV_OFF(df)));
    x64_rm(CB, OPC_LEA_GvM | P_REXW, X64_RCX, x64_mem_idx(X64_RCX, X64_R10, 1, -1));
    uint32_t fast = x64_jrcxz8(CB, false);
    uint32_t to_slow = x64_jmp32(CB, NULL);
    patch8_near(c, fast, c->cb.p);
    x64_mov_rr64(CB, X64_RCX, X64_R11);
    x64_rm(CB, OPC_LEA_GvM | P_REXW, X64_RDI, x64_mem_idx(HOST_REG_GBASE, X64_RDI, 1, 0));
    if (!stos)
        x64_rm(CB, OPC_LEA_GvM | P_REXW, X64_RSI, x64_mem_idx(HOST_REG_GBASE, X64_RSI, 1, 0));
    if (rep == X86_STR_REP)
        x64_byte(CB, 0xf3);
    if (bytes == 2)
        x64_byte(CB, 0x66);
    x64_byte(CB, (uint8_t)((stos ? 0xaa : 0xa4) + (bytes > 1)));
    /* back to guest addresses: r - guest_base = r + ~guest_base + 1 */
    x64_mov_rr64(CB, X64_R10, HOST_REG_GBASE);
    x64_rr(CB, OPC_GRP3_Ev | P_REXW, GRP3_NOT, X64_R10);
    x64_rm(CB, OPC_LEA_GvM | P_REXW, X64_RDI, x64_mem_idx(X64_RDI, X64_R10, 1, 1));
    x64_mov_rr32(CB, X64_RDI, X64_RDI);
    if (!stos) {
        x64_rm(CB, OPC_LEA_GvM | P_REXW, X64_RSI, x64_mem_idx(X64_RSI, X64_R10, 1, 1));
        x64_mov_rr32(CB, X64_RSI, X64_RSI);
    }
    uint32_t to_done = x64_jmp32(CB, NULL);
    x64_patch32(CB, to_slow, c->cb.p);
    x64_mov_rr64(CB, X64_RCX, X64_R11);
    emit_helper_call(c, op);
    if (cc_before == CCW_HOST)
        cc_restore(c);
    x64_patch32(CB, to_done, c->cb.p);
    return true;
}

static void emit_call(EmitCtx *c, const IROp *op)
{
    if (isel_fp_call(c, op) || emit_string_inline(c, op))
        return;
    emit_helper_call(c, op);
}

/* ==================== dispatch ==================== */

/* sub_cc / and_cc whose result nobody reads (guest cmp, test): cmp or
 * test, with no destination register. */
static bool emit_cc_compare(EmitCtx *c, const IROp *op, int ext)
{
    IRVal out = op->out[0];
    if ((ext != ARITH_SUB && ext != ARITH_AND) ||
        (out != IR_NOVAL && !(is_temp(c, out) && c->t[out].nuses == 0)))
        return false;
    int size = op->size;
    unsigned p = p66(size);
    int ra = ra_in_reg(c, op->in[0]);
    X64Opnd ob = ra_opnd(c, op->in[1]);
    if (ext == ARITH_SUB) {
        emit_arith(c, ARITH_CMP, size, ra, ob);
    } else if (ob.kind == OPND_IMM) {
        x64_rr(CB, size == 8 ? OPC_GRP3_Eb : OPC_GRP3_Ev | p, GRP3_TEST, ra);
        x64_imm(CB, size, ob.imm);
    } else {
        unsigned opc = size == 8 ? OPC_TEST_EbGb : OPC_TEST_EvGv | p;
        if (ob.kind == OPND_REG)
            x64_rr(CB, opc, ob.reg, ra);
        else
            x64_rm(CB, opc, ra, ob.mem);
    }
    cc_set_where(c, CCW_HOST);
    return true;
}

static void emit_cc_binop(EmitCtx *c, const IROp *op, int ext)
{
    if (emit_cc_compare(c, op, ext))
        return;
    if (ext == ARITH_ADC || ext == ARITH_SBB)
        cc_restore(c);
    emit_binop(c, op, ext, op->size);
    cc_set_where(c, CCW_HOST);
}

static void emit_cc_unop(EmitCtx *c, const IROp *op, bool grp3, int ext)
{
    if (!grp3)
        cc_keep(c); /* inc/dec keep CF */
    emit_unop(c, op, grp3, ext, op->size);
    cc_set_where(c, CCW_HOST);
}

void isel_op(EmitCtx *c, const IROp *op)
{
    if (c->pend_t != IR_NOVAL && c->cur > c->pend_op)
        c->pend_t = IR_NOVAL; /* folded into the previous op's operand */
    if ((op->opc == IR_add || op->opc == IR_shl || op->opc == IR_sub) && try_addr(c, op))
        return;
    if (op->opc == IR_mov && op->in[0] == c->pend_t && c->pend_t != IR_NOVAL &&
        ra_is_pinned(op->out[0])) { /* the mov of a "push" (try_addr) */
        c->pend_t = IR_NOVAL;
        addr_emit(c, &c->pend, op->out[0]);
        return;
    }
    if (c->pend_t != IR_NOVAL && !(addr_pend_mem_use(c, op, c->pend_t) && addr_memable(&c->pend)))
        addr_materialize(c);
    switch ((IROpc)op->opc) {
    case IR_mov: emit_mov(c, op->out[0], op->in[0]); break;
    case IR_add: case IR_sub: case IR_and: case IR_or: case IR_xor: emit_plain_alu(c, op); break;
    case IR_mul: emit_mul(c, op); break;
    case IR_shl: emit_shift(c, op, SHIFT_SHL, false); break;
    case IR_shr: emit_shift(c, op, SHIFT_SHR, false); break;
    case IR_sar: emit_shift(c, op, SHIFT_SAR, false); break;
    case IR_not: emit_unop(c, op, true, GRP3_NOT, 32); break;
    case IR_neg: cc_clobber(c); emit_unop(c, op, true, GRP3_NEG, 32); break;
    case IR_bswap: emit_bswap(c, op); break;
    case IR_zext: emit_ext(c, op, false); break;
    case IR_sext: emit_ext(c, op, true); break;
    case IR_ext8hi: emit_ext8hi(c, op); break;
    case IR_dep: emit_dep(c, op); break;
    case IR_dep8hi: emit_dep8hi(c, op); break;
    case IR_seteq: case IR_setne: emit_seteq(c, op); break;
    case IR_selnz: emit_selnz(c, op); break;
    case IR_ld: emit_load(c, op, false); break;
    case IR_lds: emit_load(c, op, true); break;
    case IR_ldw:
        if (try_rmw(c, op))
            break;
        emit_ldw(c, op);
        break;
    case IR_st: emit_store(c, op); break;
    case IR_add_cc: emit_cc_binop(c, op, ARITH_ADD); break;
    case IR_adc_cc: emit_cc_binop(c, op, ARITH_ADC); break;
    case IR_sub_cc: emit_cc_binop(c, op, ARITH_SUB); break;
    case IR_sbb_cc: emit_cc_binop(c, op, ARITH_SBB); break;
    case IR_and_cc: emit_cc_binop(c, op, ARITH_AND); break;
    case IR_or_cc: emit_cc_binop(c, op, ARITH_OR); break;
    case IR_xor_cc: emit_cc_binop(c, op, ARITH_XOR); break;
    case IR_inc_cc: emit_cc_unop(c, op, false, GRP5_INC); break;
    case IR_dec_cc: emit_cc_unop(c, op, false, GRP5_DEC); break;
    case IR_neg_cc: emit_cc_unop(c, op, true, GRP3_NEG); break;
    case IR_shl_cc: emit_shift(c, op, SHIFT_SHL, true); break;
    case IR_shr_cc: emit_shift(c, op, SHIFT_SHR, true); break;
    case IR_sar_cc: emit_shift(c, op, SHIFT_SAR, true); break;
    case IR_rol_cc: emit_shift(c, op, SHIFT_ROL, true); break;
    case IR_ror_cc: emit_shift(c, op, SHIFT_ROR, true); break;
    case IR_rcl_cc: emit_shift(c, op, SHIFT_RCL, true); break;
    case IR_rcr_cc: emit_shift(c, op, SHIFT_RCR, true); break;
    case IR_shld_cc: emit_shxd(c, op, true); break;
    case IR_shrd_cc: emit_shxd(c, op, false); break;
    case IR_mulu_cc: emit_muldiv(c, op, GRP3_MUL, false); break;
    case IR_muls_cc: emit_muldiv(c, op, GRP3_IMUL, false); break;
    case IR_divu: emit_muldiv(c, op, GRP3_DIV, true); break;
    case IR_divs: emit_muldiv(c, op, GRP3_IDIV, true); break;
    case IR_bsf_cc: emit_bsx(c, op, true); break;
    case IR_bsr_cc: emit_bsx(c, op, false); break;
    case IR_bt_cc: emit_bt(c, op, BTX_BT); break;
    case IR_bts_cc: emit_bt(c, op, BTX_BTS); break;
    case IR_btr_cc: emit_bt(c, op, BTX_BTR); break;
    case IR_btc_cc: emit_bt(c, op, BTX_BTC); break;
    case IR_getcc: emit_getcc(c, op); break;
    case IR_setcc: emit_setcc(c, op); break;
    case IR_setcond: cc_restore(c); emit_setcond_out(c, op->cond, op->out[0]); break;
    case IR_selcc:
        cc_restore(c);
        emit_select(c, op->cond, op->out[0], op->in[0], op->in[1]);
        break;
    case IR_insn_start:
        c->insn_pc = op->aux[0];
        c->insn_len = op->aux[1];
        c->eip_written = false;
        pcmap_add(c);
        break;
    case IR_label: emit_label(c, op); break;
    case IR_br: emit_br(c, op); break;
    case IR_brcond: emit_brcond(c, op); break;
    case IR_brz: emit_brz(c, op, false); break;
    case IR_brnz: emit_brz(c, op, true); break;
    case IR_goto_tb: emit_goto_tb(c, op); break;
    case IR_goto_ptr: emit_goto_ptr(c); break;
    case IR_exit_tb: case IR_raise: emit_exit(c, op); break;
    case IR_call: emit_call(c, op); break;
    default: c->error = true; break;
    }
}

/* ==================== fusing ==================== */

/* "t = <op> ...; mov G, t" with G a pinned guest register and t read only
 * by that mov: compute straight into G's host register.  Nothing happens
 * between the two ops, and every emitter writes its destination only once
 * nothing in the op can fault any more, so the guest state at a fault is
 * unchanged.  Fills *fused with the op writing G. */
static bool fuse_mov_of(EmitCtx *c, int i, IRVal t)
{
    const IROp *mv = &c->ir->op[i];
    return i < c->ir->nops && mv->opc == IR_mov && ra_is_pinned(mv->out[0]) && mv->in[0] == t &&
           is_temp(c, t) && c->t[t].nuses == 1;
}

/* Returns how many movs after the current op were folded into *fused: 1,
 * or 2 for "t1, t2 = mul/div ...; mov G1, t1; mov G2, t2" (mul and div
 * then produce EDX:EAX in place). */
static int isel_fuse_mov(EmitCtx *c, IROp *fused)
{
    const IRBlock *b = c->ir;
    int i = c->cur;
    if (i + 1 >= b->nops)
        return 0;
    const IROp *op = &b->op[i], *mv = &b->op[i + 1];
    /* a mov of a constant fuses too ("t = mov $0; mov eax, t": xor eax, eax
     * whose flags are dead is mov eax, 0) */
    bool mov_const = op->opc == IR_mov && ir_is_const(b, op->in[0]);
    if (op->nout < 1 || (op->opc == IR_mov && !mov_const) || op->opc == IR_ldw || op->opc == IR_call ||
        !fuse_mov_of(c, i + 1, op->out[0]))
        return 0;
    if (op->nout > 1 && op->out[1] == mv->out[0])
        return 0;
    *fused = *op;
    fused->out[0] = mv->out[0];
    if (op->nout > 1 && op->out[1] != IR_NOVAL && i + 2 < b->nops &&
        fuse_mov_of(c, i + 2, op->out[1]) && b->op[i + 2].out[0] != mv->out[0]) {
        fused->out[1] = b->op[i + 2].out[0];
        return 2;
    }
    return 1;
}

/* ==================== exit request ==================== */

/* Every TB opens with a test of env->exit_request (set by host signal
 * handlers), so a guest spinning in chained TBs comes back to the exec loop.
 * Forward chained jumps enter past it (tb->host_fast, backend.c x64_chain),
 * and so does goto_ptr, which probes env->jmp_probe: an empty table while a
 * request is pending (cpu_request_exit), so it leaves at its next miss.
 * The guest flags are in the host EFLAGS on entry: if the block overwrites
 * them before reading them (and before anything can fault), a cmp is free;
 * otherwise the test goes through rcx (guest ECX parked in r11) and the
 * flag-free jrcxz.  Returns the rel32 to patch towards the exit stub. */
static uint32_t emit_exit_check(EmitCtx *c)
{
    const IRBlock *b = c->ir;
    X64Mem req = ra_env(ENV_OFF(exit_request));
    if (b->nops > 0 && b->op[0].opc == IR_insn_start && b->op[0].cc_live == 0) {
        x64_rm(CB, OPC_ARITH_EvIb, ARITH_CMP, req);
        x64_byte(CB, 0);
        return x64_jcc32(CB, CC_COND_NE, NULL);
    }
    x64_mov_rr64(CB, X64_R11, X64_RCX);
    x64_load32(CB, X64_RCX, req);
    uint32_t ok = x64_jrcxz8(CB, false);
    x64_mov_rr64(CB, X64_RCX, X64_R11);
    uint32_t at = x64_jmp32(CB, NULL);
    x64_patch8(CB, ok, c->cb.p);
    x64_mov_rr64(CB, X64_RCX, X64_R11);
    return at;
}

/* Out of line, after the block: leave at the TB's first instruction, with
 * the entry state untouched (guest registers pinned, CC in host flags). */
static void emit_exit_stub(EmitCtx *c, uint32_t at)
{
    x64_patch32(CB, at, c->cb.p);
    x64_call32(CB, c->exit_at_pc); /* backend.c x64_gen_exit_stub */
    isel_stub_data(c, c->ir->pc, NULL, 0);
}

int isel_block(EmitCtx *c)
{
    const IRBlock *b = c->ir;
    for (int l = 0; l < b->nlabels && l < IR_MAX_OPS; l++)
        c->label_op[l] = -1;
    for (int i = 0; i < b->nops; i++)
        if (b->op[i].opc == IR_label && b->op[i].aux[0] < IR_MAX_OPS)
            c->label_op[b->op[i].aux[0]] = (int16_t)i;
    ra_init(c);
    c->cc_where = CCW_HOST;
    c->nfix = 0;
    c->npcmap = 0;
    c->insn_pc = b->pc;
    c->insn_len = 0;
    c->eip_written = false;
    c->error = false;
    c->pend_t = IR_NOVAL;
    c->eip_reg_op = -1;
    c->eip_deferred = false;
    c->fp_ready = false;
    c->xmm_cached = 0;
    c->direct_op = -1;
    isel_fp_block_start(c); /* an FP TB opens with its fp_enter call (isel_fp.c) */
    uint32_t exit_check = emit_exit_check(c);
    c->tb->host_fast = c->cb.p;
    for (c->cur = 0; c->cur < b->nops; c->cur++) {
        if (c->cb.end - c->cb.p < 1024)
            return -1;
        IROp fused;
        int nmov = isel_fuse_mov(c, &fused);
        if (nmov) {
            isel_op(c, &fused);
            for (int k = 0; k < nmov; k++) {
                ra_end_op(c);
                c->cur++; /* the mov: nothing left to do but free its input */
            }
        } else {
            isel_op(c, &b->op[c->cur]);
        }
        ra_end_op(c);
        if (c->error)
            return -2;
    }
    if (c->nfix)
        return -2;
    emit_exit_stub(c, exit_check);
    isel_fp_block_end(c);
    return 0;
}
