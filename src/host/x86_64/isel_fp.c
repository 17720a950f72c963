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
 *    tracks this); other helpers leave the host FPU state alone;
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

void isel_fp_ensure(EmitCtx *c)
{
    if (c->fp_ready)
        return;
    x64_rm(CB, OPC_GRP5_Ev, GRP5_CALL, ra_env(ENV_OFF(fp_enter)));
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
