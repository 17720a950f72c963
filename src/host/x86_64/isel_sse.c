/*
 * isel_sse.c - guest MMX and SSE instructions as the same host instructions.
 *
 * The translator makes every MMX/SSE instruction a call of a generic SSE
 * helper (translate_sse.c) whose constant arguments name the row (map,
 * opcode, mandatory prefix), the operands, the imm8 and the ModRM byte.
 * The host is an x86 with the same instructions, so instead of the call
 * this emits the guest's own encoding:
 *  - guest xmm registers live in env->xmm[]: the ones the instruction names
 *    are loaded into the host xmm registers of the same numbers, and its
 *    destination is stored back at once, so env is exact at any fault (host
 *    xmm registers are scratch: nothing else in generated code uses them).
 *    A loaded register stays valid (xmm_cached) until a helper call, a
 *    label or the FP fill, so a run of SSE instructions loads each once;
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
 * Example: "addsd xmm1, [esi+8]" (F2 0F 58 4E 08) ->
 *     call [r14 + fp_enter]          (first FP op of the block)
 *     movaps xmm1, [r14 + xmm1]
 *     addsd xmm1, [r15 + rsi + 8]
 *     movaps [r14 + xmm1], xmm1
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
    uint8_t map, opc, prefix, modrm, imm;
    bool has_imm;
    uint8_t xmm_load, xmm_store; /* masks of guest xmm registers */
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
    } else if (DESC_CLASS(d) == X86_RC_GPR) {
        n->gpr_field = 1;
    }
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
        if (!((arg >> 16) & 1))
            n->xmm_load |= (uint8_t)(1u << ((arg >> 8) & 7));
    } else {
        sse_add_desc(n, arg & 0xffff, true);
        sse_add_desc(n, arg >> 16, false);
        if (n->gpr_field >= 0)
            n->gpr_field = sse_gpr_in_reg(n->map, n->opc) ? 0 : 1;
    }
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

bool isel_sse_call(EmitCtx *c, const IROp *op)
{
    int kind = x86_helper_sse_kind((int)op->aux[0]);
    SseNative n;
    if (kind < 0 || op->nin < 4 || !sse_describe(c, op, kind, &n))
        return false;
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
    for (int r = 0; r < 8; r++)
        if (n.xmm_store & (1u << r))
            sse_move_env(c, r, true);
    c->xmm_cached |= n.xmm_load | n.xmm_store;
    if (n.writes_flags)
        cc_set_where(c, CCW_HOST);
    return true;
}
