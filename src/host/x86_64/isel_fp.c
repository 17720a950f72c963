/*
 * isel_fp.c - guest x87 instructions as the same host instructions.
 *
 * The translator turns every x87 instruction into a call of an x87 helper
 * (translate_x87.c) whose arguments say which instruction it is: the 11-bit
 * FOP and the memory operand's guest address.  With the host FPU
 * implementation selected (--fpu=host, the default) this emitter does not
 * call the helper: the guest state is live in the host x87 unit
 * (fpstate.c), so it emits the guest's escape byte and ModRM (a memory form
 * addressed as [r15 + address]) and the host does exactly what the guest's
 * CPU does, flags, stack faults, exceptions and all.  Invalid encodings
 * fault on the host as on the guest (SIGILL), and an unmasked exception
 * traps at the next waiting instruction (host SIGFPE -> the same guest
 * SIGFPE through the pc map).
 *
 * Stay calls: fldenv, fnstenv, frstor, fnsave (their images hold FIP/FDP
 * and selectors in the guest's layout, and 16-bit forms), fxsave/fxrstor
 * and fninit (see fp_native).  Those helpers spill the state back into env
 * first (x86_fp_sync).  FIP, FOP and FDP of native instructions are the
 * host unit's own, translated back at the spill (fpstate.c): no stores.
 *
 * Invariants:
 *  - before the first native instruction of a block, and after an x87/SSE
 *    helper call (HF_FP) or a label, *env->fp_enter is called (fp_ready
 *    tracks this); other helpers leave the host FPU state alone.  An FP TB
 *    (a block with native FP instructions and no HF_FP helper call) calls
 *    it once, first thing, and chained jumps between FP TBs skip even that
 *    (see "FP TBs" below);
 *  - no native x87 instruction touches the host EFLAGS except fcomi and
 *    friends, whose result IS the guest's (ZF PF CF set, OF SF AF clear);
 *    fcmovcc reads the guest CC from the host flags.
 *
 * Example: "fmul qword [ebx+8]" (DC 4B 08) ->
 *     call [r14 + fp_enter]          (first FP op of the block)
 *     lea r8d, [rbx + 8]
 *     fmul qword [r15 + r8]          (DC /1 with the host addressing)
 */
#include <stddef.h>

#include "host/x86_64/isel.h"
#include "target/x86/cpu.h"
#include "target/x86/fpu/fpu.h"
#include "target/x86/x87.h"

#define CB         (&c->cb)
#define ENV_OFF(f) ((int)offsetof(CPUX86State, f))

/* The TB being compiled is an FP TB (see "FP TBs" below): the guest FP
 * state is live in the host FPU everywhere in its body.  One block is
 * compiled at a time (backend.c holds its lock). */
static bool fp_tb;

static void emit_fp_enter(CodeBuf *cb)
{
    x64_rm(cb, OPC_GRP5_Ev, GRP5_CALL, ra_env(ENV_OFF(fp_enter)));
}

void isel_fp_ensure(EmitCtx *c)
{
    if (c->fp_ready || fp_tb)
        return;
    emit_fp_enter(CB);
    c->fp_ready = true;
    c->xmm_cached = 0; /* the fill's fxrstor64 and C code clobber them */
}

static uint32_t const_in(const EmitCtx *c, const IROp *op, int k)
{
    return c->ir->val[op->in[k]].cval;
}

/* The control-memory forms that run natively: fldcw, fnstcw, fnstsw m16. */
static bool x87_ctl_native(uint32_t fop)
{
    int esc = (int)(fop >> 8) & 7, reg = (int)(fop >> 3) & 7;
    return (esc == 1 && (reg == 5 || reg == 7)) || (esc == 5 && reg == 7);
}

/* fnstsw ax: through the scratch slot into the IR value */
static void emit_fnstsw_ax(EmitCtx *c, const IROp *op)
{
    X64Mem tmp = ra_slot_mem(X64_SCRATCH_SLOT);
    x64_rm(CB, 0xdd, 7, tmp); /* fnstsw m16 */
    IRVal out = op->out[0];
    int r = out_begin(c, out, 0);
    x64_rm(CB, OPC_MOVZX_GvEw, r, tmp);
    out_end(c, out, r);
}

/* Whether an x87 helper call runs as the host instruction: all but the
 * environment images (their FIP/FDP and selectors are the guest's),
 * fxsave/fxrstor, and fninit (the host FIP must never be zero while the
 * state is live, see fpstate.c; fninit is rare). */
static bool fp_native(const EmitCtx *c, const IROp *op, int kind)
{
    if (fpu_impl != &fpu_host || kind < 0 || kind == X87H_FXSAVE)
        return false;
    if (kind == X87H_FWAIT || kind == X87H_FNSTSW_AX)
        return true;
    if (op->nin < 2 || !ir_is_const(c->ir, op->in[1]))
        return false;
    uint32_t fop = const_in(c, op, 1);
    if (kind == X87H_CTL_MEM)
        return x87_ctl_native(fop);
    return !(kind == X87H_REG && fop == 0x3e3);
}

/* Whether an x87/SSE helper call op runs as the host instruction. */
static bool fp_op_native(const EmitCtx *c, const IROp *op)
{
    int kind = x87_helper_kind((int)op->aux[0]);
    return kind < 0 ? isel_sse_native(c, op) : fp_native(c, op, kind);
}

bool isel_fp_call(EmitCtx *c, const IROp *op)
{
    int kind = x87_helper_kind((int)op->aux[0]);
    if (kind < 0)
        return isel_sse_call(c, op);
    if (!fp_native(c, op, kind))
        return false;
    isel_fp_ensure(c);
    if (kind == X87H_FWAIT) {
        x64_byte(CB, 0x9b);
        return true;
    }
    if (kind == X87H_FNSTSW_AX) {
        emit_fnstsw_ax(c, op);
        return true;
    }
    uint32_t fop = const_in(c, op, 1);
    uint8_t esc = (uint8_t)(0xd8 | ((fop >> 8) & 7)), modrm = (uint8_t)fop;
    if (kind == X87H_FCMOV)
        cc_restore(c);
    if (modrm < 0xc0) {
        X64Mem m = guest_addr(c, op->in[0]);
        /* the host's FOP and FDP of this instruction differ from the guest's:
         * the pc map keeps what turns them back (fpstate.c) */
        TBPcMap *e = pcmap_here(c);
        e->x87_modrm = modrm;
        e->x87_seg = (uint8_t)(ir_is_const(c->ir, op->in[2]) ? const_in(c, op, 2) & 7 : R_DS);
        x64_rm(CB, esc, (modrm >> 3) & 7, m);
    } else {
        x64_byte(CB, esc);
        x64_byte(CB, modrm);
    }
    if (kind == X87H_FCOMI)
        cc_set_where(c, CCW_HOST);
    return true;
}

/* ==================== FP TBs ====================
 *
 * A block whose native x87/SSE instructions are not mixed with FP helper
 * calls (HF_FP: those spill the state) is an FP TB: it opens with the
 * fp_enter call, before its exit-request check, so the state is live in
 * all of its body and at every exit, and chained jumps between FP TBs need
 * no call at all (a call of the `ret` stub per block entry doubled the time
 * of matmul-sse's inner loop):
 *     host_code:      call [r14 + fp_enter]
 *     fp_check:       exit-request check    <- backward jump from an FP TB
 *     fp_body:        ...                   <- forward jump from an FP TB
 *     host_fast:      call [r14 + fp_enter]; jmp body   (out of line)
 * host_fast keeps its meaning (the entry past the exit-request check, for
 * goto_ptr and forward jumps from other TBs); the exec loop and backward
 * jumps from other TBs enter at host_code.  The TB records the two FP
 * entries (fp_check, fp_body; fp_body 0 for other TBs) for x64_chain.
 */

static bool fp_block_qualifies(const EmitCtx *c)
{
    const IRBlock *b = c->ir;
    bool native = false;
    for (int i = 0; i < b->nops; i++) {
        const IROp *op = &b->op[i];
        if (op->opc != IR_call || op->aux[0] >= (uint32_t)ir_nhelpers)
            continue;
        if (!(ir_helpers[op->aux[0]]->flags & HF_FP))
            continue;
        if (fpu_impl != &fpu_host || !fp_op_native(c, op))
            return false;
        native = true;
    }
    return native;
}

/* At the start of a block, before its exit-request check. */
void isel_fp_block_start(EmitCtx *c)
{
    fp_tb = fp_block_qualifies(c);
    c->tb->fp_body = 0;
    c->tb->fp_check = 0;
    if (!fp_tb)
        return;
    emit_fp_enter(CB);
    c->tb->fp_check = (uint8_t)(c->cb.p - c->cb.start);
    c->fp_ready = true;
    c->xmm_cached = 0;
}

/* At the end of a block: an FP TB's host_fast becomes the out-of-line
 * fp_enter call in front of the body (tb->host_fast on entry). */
void isel_fp_block_end(EmitCtx *c)
{
    if (!fp_tb)
        return;
    fp_tb = false;
    const uint8_t *body = c->tb->host_fast;
    c->tb->fp_body = (uint32_t)(body - c->cb.start);
    c->tb->host_fast = c->cb.p;
    emit_fp_enter(CB);
    x64_jmp32(CB, body);
}

/* The entry of `to` for a chained jump from `from` when both are FP TBs
 * (NULL otherwise: the usual entries).  A jump to a lower or equal pc keeps
 * the exit-request check (backend.c x64_chain). */
void *x64_fp_chain_target(const TB *from, const TB *to)
{
    if (!from->fp_body || !to->fp_body)
        return NULL;
    return (uint8_t *)to->host_code + (to->pc <= from->pc ? to->fp_check : to->fp_body);
}
