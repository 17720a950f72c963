/*
 * isel_sse.c - guest MMX and SSE instructions as the same host instructions.
 *
 * The translator makes every MMX/SSE instruction a call of a generic SSE
 * helper (translate_sse.c) whose constant arguments name the row (map,
 * opcode, mandatory prefix), the operands, the imm8 and the ModRM byte.
 * The host is an x86 with the same instructions, so instead of the call
 * this emits the guest's own encoding:
 *  - guest xmm registers live in env->xmm[]: the ones the instruction reads
 *    are loaded into the host xmm registers of the same numbers (host xmm
 *    registers are scratch: nothing else in generated code uses them).  A
 *    loaded register stays valid (xmm_cached) until a helper call, a label
 *    or the FP fill, so a run of SSE instructions loads each once, and a
 *    destination that is only written (movaps xmm, m128; pxor x, x) is not
 *    loaded at all;
 *  - deferred write-back: a destination becomes dirty (xmm_dirty: newer in
 *    the host register than in env) and is stored back by the last native
 *    SSE instruction before the next op that could see env: a helper call,
 *    label, branch or block exit (sse_run_continues).  So the write-back
 *    happens once per run, and env is exact wherever C code runs.  A fault
 *    inside a run (a later SSE memory operand, an integer load, an
 *    unmasked SIMD exception) is the one place env is behind: every pc map
 *    entry records xmm_dirty, and the fault path (backend.c fault_state ->
 *    fpstate.c x64_fp_recover_xmm) takes those registers from the host
 *    signal frame's FP image;
 *  - guest mm registers are the host's, because the x87/MMX state is live
 *    in the host FPU (fpstate.c), as is MXCSR: rounding, DAZ/FTZ, sticky
 *    flags and unmasked exceptions (host SIGFPE -> guest SIGFPE through the
 *    pc map) are the hardware's;
 *  - a memory operand becomes [r15 + guest address]: alignment faults and
 *    page faults are the host's and map back as for any load or store;
 *  - a GPR operand is the pinned host register of that guest register
 *    (guest ESP is r12: REX.R or REX.B);
 *  - comis, ptest and pcmpXstrX leave the guest flags in the host EFLAGS.
 * Stay helper calls: maskmovq/maskmovdqu (implicit DS:EDI), group 15
 * (ldmxcsr, stmxcsr, clflush), popcnt, lzcnt, movbe and crc32 (operand
 * size prefixes the helper arguments do not carry).
 *
 * Example: "addsd xmm1, [esi+8]; mulsd xmm1, xmm2; add esi, 16"
 * (F2 0F 58 4E 08, F2 0F 59 CA, 83 C6 10) ->
 *     call [r14 + fp_enter]          (first thing in the block: isel_fp.c)
 *     movaps xmm1, [r14 + xmm1]
 *     addsd xmm1, [r15 + rsi + 8]    (xmm1 dirty)
 *     movaps xmm2, [r14 + xmm2]
 *     mulsd xmm1, xmm2
 *     movaps [r14 + xmm1], xmm1      (last SSE op before the exit)
 *     lea esi, [rsi + 16]
 */
#include <stddef.h>

#include "host/x86_64/isel.h"
#include "host/x86_64/target.h"
#include "target/x86/cpu.h"
#include "target/x86/decode.h"
#include "target/x86/helper_sse.h"

#define CB         (&c->cb)
#define ENV_OFF(f) ((int)offsetof(CPUX86State, f))

typedef struct SseNative {
    uint8_t map, opc, prefix, px_index, modrm, imm;
    bool has_imm;
    uint8_t xmm_load, xmm_store; /* masks of guest xmm registers */
    int dst_xmm;                 /* the xmm register operand 0 names, or -1 */
    int src_xmm;                 /* the xmm register operand 1 names, or -1 */
    int gpr_field;               /* -1, or 0 = ModRM.reg, 1 = ModRM.rm holds a GPR */
    bool writes_flags;
} SseNative;

static const uint8_t sse_prefix_byte[4] = {0, 0x66, 0xf3, 0xf2};

/* Rows that must stay helper calls (see the header). */
static bool sse_row_excluded(int map, int opc)
{
    if (map == 0)
        return opc == 0xae || opc == 0xf7 || opc == 0xb8 || opc == 0xbd;
    return map == 1 && (opc == 0xf0 || opc == 0xf1);
}

/* GPR operands sit in ModRM.reg for these rows, in ModRM.rm for the others
 * (movd, cvtsi2ss/sd, pinsr*, pextrb/w/d and extractps to memory or r32). */
static bool sse_gpr_in_reg(int map, int opc)
{
    return map == 0 && (opc == 0x2c || opc == 0x2d || opc == 0x50 || opc == 0xc5 || opc == 0xd7);
}

static void sse_add_desc(SseNative *n, uint32_t d, bool dst)
{
    if (DESC_KIND(d) != X86_OP_REG)
        return;
    if (DESC_CLASS(d) == X86_RC_XMM) {
        n->xmm_load |= (uint8_t)(1u << DESC_REG(d));
        if (dst)
            n->xmm_store |= (uint8_t)(1u << DESC_REG(d));
        *(dst ? &n->dst_xmm : &n->src_xmm) = (int)DESC_REG(d);
    } else if (DESC_CLASS(d) == X86_RC_GPR) {
        n->gpr_field = 1;
    }
}

/* Rows that overwrite their whole xmm destination without reading it
 * (Intel SDM: moves, loads that zero the upper part, conversions and
 * shuffles of the source alone), as masks of the mandatory prefixes (bit
 * k: prefix index k, none 66 F3 F2) for which that holds in both forms.
 * Not the reg-reg movss/movsd, cvtss2sd, sqrtss and the like: those keep
 * the upper lanes. */
enum { WO_NP = 1, WO_66 = 2, WO_F3 = 4, WO_F2 = 8 };
static const uint8_t sse_wo_rows[3][256] = {
    [0] =
        {
            [0x10] = WO_NP | WO_66, /* movups, movupd (movss/sd m: below) */
            [0x11] = WO_NP | WO_66, /* movups, movupd xmm/m, xmm */
            [0x12] = WO_F3 | WO_F2, /* movsldup, movddup */
            [0x16] = WO_F3,         /* movshdup */
            [0x28] = WO_NP | WO_66, /* movaps, movapd */
            [0x29] = WO_NP | WO_66,
            [0x51] = WO_NP | WO_66,         /* sqrtps, sqrtpd */
            [0x52] = WO_NP,                 /* rsqrtps */
            [0x53] = WO_NP,                 /* rcpps */
            [0x5a] = WO_NP | WO_66,         /* cvtps2pd, cvtpd2ps */
            [0x5b] = WO_NP | WO_66 | WO_F3, /* cvtdq2ps, cvtps2dq, cvttps2dq */
            [0x6e] = WO_66,                 /* movd xmm, r/m32 */
            [0x6f] = WO_66 | WO_F3,         /* movdqa, movdqu */
            [0x70] = WO_66 | WO_F3 | WO_F2, /* pshufd, pshufhw, pshuflw */
            [0x7e] = WO_F3,                 /* movq xmm, xmm/m64 */
            [0x7f] = WO_66 | WO_F3,
            [0xd6] = WO_66,                 /* movq xmm/m64, xmm */
            [0xe6] = WO_66 | WO_F3 | WO_F2, /* cvttpd2dq, cvtdq2pd, cvtpd2dq */
        },
    [1] =
        {
            /* pabsb/w/d, pmovsx*, movntdqa, pmovzx* */
            [0x1c] = WO_66,
            [0x1d] = WO_66,
            [0x1e] = WO_66,
            [0x20] = WO_66,
            [0x21] = WO_66,
            [0x22] = WO_66,
            [0x23] = WO_66,
            [0x24] = WO_66,
            [0x25] = WO_66,
            [0x2a] = WO_66,
            [0x30] = WO_66,
            [0x31] = WO_66,
            [0x32] = WO_66,
            [0x33] = WO_66,
            [0x34] = WO_66,
            [0x35] = WO_66,
        },
    [2] =
        {
            [0x08] = WO_66, /* roundps */
            [0x09] = WO_66, /* roundpd */
        },
};

static bool sse_dst_write_only(const SseNative *n)
{
    if (n->map > 2)
        return false;
    if (n->map == 0 && n->opc == 0x10 && n->modrm < 0xc0)
        return true; /* movss/movsd xmm, m zero the upper lanes */
    return (sse_wo_rows[n->map][n->opc] >> n->px_index) & 1;
}

/* "xorps x, x", "pxor x, x", "pcmpeqd x, x", "psubd x, x": the result
 * does not depend on the register's old value. */
static bool sse_same_reg_idiom(const SseNative *n)
{
    if (n->map != 0 || n->dst_xmm < 0 || n->dst_xmm != n->src_xmm)
        return false;
    if (n->opc == 0x57)
        return n->prefix == 0 || n->prefix == 0x66;
    return n->prefix == 0x66 && (n->opc == 0xef || (n->opc >= 0x74 && n->opc <= 0x76) ||
                                 (n->opc >= 0xf8 && n->opc <= 0xfb));
}

/* Decode the helper call's constant arguments; false if it stays a call. */
static bool sse_describe(const EmitCtx *c, const IROp *op, int kind, SseNative *n)
{
    for (int k = 0; k < 4; k++)
        if (k != 2 && !ir_is_const(c->ir, op->in[k]))
            return false;
    uint32_t key = c->ir->val[op->in[0]].cval, arg = c->ir->val[op->in[1]].cval;
    uint32_t last = c->ir->val[op->in[3]].cval;
    *n = (SseNative){.map = (uint8_t)(key >> 10),
                     .opc = (uint8_t)(key >> 2),
                     .prefix = sse_prefix_byte[key & 3],
                     .px_index = (uint8_t)(key & 3),
                     .dst_xmm = -1,
                     .src_xmm = -1,
                     .gpr_field = -1};
    if (!(last & SSE_ENC_MODRM))
        return n->map == 0 && n->opc == 0x77 && (key & 3) == 0; /* emms */
    if (sse_row_excluded(n->map, n->opc))
        return false;
    n->modrm = (uint8_t)(last >> SSE_ENC_MODRM_SHIFT);
    n->has_imm = (last & SSE_ENC_IMM) != 0;
    n->imm = (uint8_t)last;
    if (kind == SSE_H_XX) {
        n->xmm_load = n->xmm_store = (uint8_t)(1u << (arg & 7));
        n->dst_xmm = (int)(arg & 7);
        if (!((arg >> 16) & 1)) {
            n->xmm_load |= (uint8_t)(1u << ((arg >> 8) & 7));
            n->src_xmm = (int)((arg >> 8) & 7);
        }
    } else {
        sse_add_desc(n, arg & 0xffff, true);
        sse_add_desc(n, arg >> 16, false);
        if (n->gpr_field >= 0)
            n->gpr_field = sse_gpr_in_reg(n->map, n->opc) ? 0 : 1;
    }
    /* a destination that is only written need not come from env first */
    if (n->dst_xmm >= 0 &&
        ((sse_dst_write_only(n) && n->src_xmm != n->dst_xmm) || sse_same_reg_idiom(n)))
        n->xmm_load &= (uint8_t) ~(1u << n->dst_xmm);
    /* implicit xmm0: blendv reads it, pcmpestrm/pcmpistrm write it */
    if ((n->map == 1 && (n->opc == 0x10 || n->opc == 0x14 || n->opc == 0x15)) ||
        (n->map == 2 && (n->opc == 0x60 || n->opc == 0x62)))
        n->xmm_load |= 1;
    if (n->map == 2 && (n->opc == 0x60 || n->opc == 0x62))
        n->xmm_store |= 1;
    n->writes_flags = (n->map == 0 && (n->opc == 0x2e || n->opc == 0x2f)) ||
                      (n->map == 1 && n->opc == 0x17) ||
                      (n->map == 2 && n->opc >= 0x60 && n->opc <= 0x63);
    return true;
}

/* movaps xmmR, [env + xmm[R]] (store: movaps [env + xmm[R]], xmmR) */
static void sse_move_env(EmitCtx *c, int r, bool store)
{
    x64_rm(CB, (store ? 0x29 : 0x28) | P_0F, r, ra_env(ENV_OFF(xmm) + 16 * r));
}

static void sse_emit_insn(EmitCtx *c, const SseNative *n, const IROp *op)
{
    int reg = (n->modrm >> 3) & 7, rm = n->modrm & 7;
    bool mem = n->modrm < 0xc0;
    if (n->gpr_field == 0)
        reg = host_guest_reg[reg];
    else if (n->gpr_field == 1 && !mem)
        rm = host_guest_reg[rm];
    X64Mem m = {0, -1, 1, 0};
    if (mem)
        m = guest_addr(c, op->in[2]);
    unsigned rex = (reg & 8 ? 4 : 0) |
                   (mem ? ((m.index >= 0 && (m.index & 8)) ? 2 : 0) | ((m.base & 8) ? 1 : 0)
                        : ((rm & 8) ? 1 : 0));
    if (n->prefix)
        x64_byte(CB, n->prefix);
    if (rex)
        x64_byte(CB, (uint8_t)(0x40 | rex));
    x64_byte(CB, 0x0f);
    if (n->map)
        x64_byte(CB, n->map == 1 ? 0x38 : 0x3a);
    x64_byte(CB, n->opc);
    if (mem)
        x64_modrm_mem(CB, reg, m);
    else
        x64_byte(CB, (uint8_t)(0xc0 | (reg & 7) << 3 | (rm & 7)));
    if (n->has_imm)
        x64_byte(CB, n->imm);
}

/* The helper call op as a native instruction, or false if it stays a call. */
static bool sse_native_op(const EmitCtx *c, const IROp *op, SseNative *n)
{
    int kind = x86_helper_sse_kind((int)op->aux[0]);
    return kind >= 0 && op->nin >= 4 && sse_describe(c, op, kind, n);
}

bool isel_sse_native(const EmitCtx *c, const IROp *op)
{
    SseNative n;
    return sse_native_op(c, op, &n);
}

/* Whether op is a native SSE instruction whose memory operand is at guest
 * address t: then t may stay a pending [r15 + reg + disp] (isel.c
 * addr_pend_mem_use), as for a plain load or store. */
bool isel_sse_addr_use(const EmitCtx *c, const IROp *op, IRVal t)
{
    SseNative n;
    return op->in[2] == t && sse_native_op(c, op, &n) && !(n.map == 0 && n.opc == 0x77) &&
           n.modrm < 0xc0;
}

/* Whether the next op after the current one that could see env->xmm is
 * another native SSE instruction (which then takes over the dirty
 * registers).  Ops that see env: helper calls (C code), labels and
 * branches (the other path meets code that assumes env), block exits.
 * Plain integer ops in between are fine: a fault there finds the dirty
 * registers through the pc map.  x87 helper calls end a run too, even the
 * ones isel_fp.c runs natively (rarely mixed with SSE in one block). */
static bool sse_run_continues(const EmitCtx *c)
{
    const IRBlock *b = c->ir;
    for (int j = c->cur + 1; j < b->nops; j++) {
        const IROp *op = &b->op[j];
        unsigned f = ir_opdef[op->opc].flags;
        SseNative n;
        if (f & IR_F_CALL)
            return sse_native_op(c, op, &n) && !(n.map == 0 && n.opc == 0x77);
        if (op->opc == IR_label || (f & (IR_F_BR | IR_F_END)))
            return false;
    }
    return false;
}

/* Store the dirty registers back to env (they stay cached). */
static void sse_writeback(EmitCtx *c)
{
    for (int r = 0; r < 8; r++)
        if (c->xmm_dirty & (1u << r))
            sse_move_env(c, r, true);
    c->xmm_dirty = 0;
}

bool isel_sse_call(EmitCtx *c, const IROp *op)
{
    SseNative n;
    if (!sse_native_op(c, op, &n))
        return false;
    /* dirty registers are cached ones: a stale mask (a block given up
     * half-way, see isel_block) must not survive a reset of xmm_cached */
    c->xmm_dirty &= c->xmm_cached;
    isel_fp_ensure(c);
    if (n.map == 0 && n.opc == 0x77) {
        x64_byte(CB, 0x0f);
        x64_byte(CB, 0x77); /* emms */
        return true;
    }
    for (int r = 0; r < 8; r++)
        if (n.xmm_load & ~c->xmm_cached & (1u << r))
            sse_move_env(c, r, false);
    sse_emit_insn(c, &n, op);
    c->xmm_cached |= n.xmm_load | n.xmm_store;
    c->xmm_dirty |= n.xmm_store;
    if (!sse_run_continues(c))
        sse_writeback(c);
    if (n.writes_flags)
        cc_set_where(c, CCW_HOST);
    return true;
}
