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
 * and selectors in the guest's layout, and 16-bit forms), fxsave/fxrstor.
 * Those helpers spill the state back into env first (x86_fp_sync).
 *
 * Invariants:
 *  - before the first native instruction of a block, and after any helper
 *    call or label, *env->fp_enter is called (fp_ready tracks this);
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

#define CB (&c->cb)
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

/* How an x87 helper call is emitted. */
enum { FPK_CALL, FPK_CTL, FPK_PTR, FPK_PTR_MEM, FPK_INIT };

/* FPK_CALL: stays a helper call; FPK_CTL: native, leaves FIP/FOP/FDP
 * alone; FPK_PTR(_MEM): native non-control instruction, sets FIP and FOP
 * (and FDP); FPK_INIT: fninit, clears them. */
static int fp_classify(const EmitCtx *c, const IROp *op)
{
    if (op->opc != IR_call || fpu_impl != &fpu_host)
        return FPK_CALL;
    int kind = x87_helper_kind((int)op->aux[0]);
    if (kind < 0 || kind == X87H_FXSAVE)
        return FPK_CALL;
    if (kind == X87H_FWAIT || kind == X87H_FNSTSW_AX)
        return FPK_CTL;
    if (op->nin < 2 || !ir_is_const(c->ir, op->in[1]))
        return FPK_CALL;
    uint32_t fop = const_in(c, op, 1);
    if (kind == X87H_CTL_MEM)
        return x87_ctl_native(fop) ? FPK_CTL : FPK_CALL;
    if (kind == X87H_REG && (fop >> 8) == 3 && (fop & 0xff) >= 0xe0 && (fop & 0xff) <= 0xe4)
        return (fop & 0xff) == 0xe3 ? FPK_INIT : FPK_CTL; /* fninit; fnclex, nops */
    return (fop & 0xff) < 0xc0 ? FPK_PTR_MEM : FPK_PTR;
}

/* Ops after which C code may look at env's FIP/FOP/FDP, or after which
 * other paths join: helper calls, labels, branches, block exits. */
static bool fp_ptr_barrier(const EmitCtx *c, const IROp *op)
{
    if (op->opc == IR_call)
        return fp_classify(c, op) == FPK_CALL;
    return op->opc == IR_label || (ir_opdef[op->opc].flags & IR_F_END) || op->opc == IR_br ||
           op->opc == IR_brcond || op->opc == IR_brz || op->opc == IR_brnz;
}

/* Before a block: which native x87 ops must store FIP/FOP (the last one
 * before a barrier) and FDP (the last one with a memory operand).  Between
 * barriers only those values can be observed: a fault there recovers the
 * pointers from the kernel's image (fpstate.c). */
void isel_fp_prepass(EmitCtx *c)
{
    bool need_ptr = true, need_fdp = true;
    for (int i = c->ir->nops - 1; i >= 0; i--) {
        const IROp *op = &c->ir->op[i];
        c->fp_store[i] = 0;
        if (fp_ptr_barrier(c, op)) {
            need_ptr = need_fdp = true;
            continue;
        }
        if (op->opc != IR_call)
            continue;
        int k = fp_classify(c, op);
        if ((k == FPK_PTR || k == FPK_PTR_MEM || k == FPK_INIT) && need_ptr) {
            c->fp_store[i] |= FP_STORE_PTR;
            need_ptr = false;
        }
        if ((k == FPK_PTR_MEM || k == FPK_INIT) && need_fdp) {
            c->fp_store[i] |= FP_STORE_FDP;
            need_fdp = false;
        }
    }
}

/* env->fcs/fop = CS, fop; env->fip = pc (all zero for fninit) */
static void store_fip(EmitCtx *c, uint32_t fop, bool clear)
{
    if (clear) {
        x64_store_i32(CB, ra_env(ENV_OFF(fcs)), 0);
        x64_store_i32(CB, ra_env(ENV_OFF(fip)), 0);
        return;
    }
    int r = ra_alloc(c);
    x64_rm(CB, OPC_MOVZX_GvEw, r, ra_env(ENV_OFF(seg_sel) + 2 * R_CS));
    x64_rm(CB, OPC_LEA_GvM, r, x64_mem(r, (int32_t)((fop & 0x7ff) << 16)));
    x64_store32(CB, ra_env(ENV_OFF(fcs)), r);
    x64_store_i32(CB, ra_env(ENV_OFF(fip)), c->insn_pc);
}

/* env->fdp = the operand's offset in its segment, env->fds its selector */
static void store_fdp(EmitCtx *c, X64Mem m, int seg)
{
    int r = ra_alloc(c);
    if (m.index < 0) {
        x64_mov_ri32(CB, r, (uint32_t)m.disp);
    } else {
        x64_rm(CB, OPC_LEA_GvM, r, x64_mem(m.index, m.disp));
    }
    if (seg == R_FS || seg == R_GS) { /* ea - base, without touching flags */
        int b = ra_alloc(c);
        x64_load32(CB, b, ra_env(ENV_OFF(seg_base) + 4 * seg));
        x64_rr(CB, OPC_GRP3_Ev, GRP3_NOT, b);
        x64_rm(CB, OPC_LEA_GvM, r, x64_mem_idx(r, b, 1, 1));
    }
    x64_store32(CB, ra_env(ENV_OFF(fdp)), r);
    x64_rm(CB, OPC_MOVZX_GvEw, r, ra_env(ENV_OFF(seg_sel) + 2 * seg));
    x64_rm(CB, OPC_MOV_EvGv | P_66, r, ra_env(ENV_OFF(fds)));
}

bool isel_fp_call(EmitCtx *c, const IROp *op)
{
    int k = fp_classify(c, op);
    if (k == FPK_CALL)
        return isel_sse_call(c, op);
    int kind = x87_helper_kind((int)op->aux[0]);
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
    X64Mem m = {0, -1, 1, 0};
    if (modrm < 0xc0) {
        m = guest_addr(c, op->in[0]);
        x64_rm(CB, esc, (modrm >> 3) & 7, m);
    } else {
        x64_byte(CB, esc);
        x64_byte(CB, modrm);
    }
    if (kind == X87H_FCOMI)
        cc_set_where(c, CCW_HOST);
    uint8_t st = c->fp_store[c->cur];
    if (st & FP_STORE_PTR)
        store_fip(c, fop, k == FPK_INIT);
    if ((st & FP_STORE_FDP) && k == FPK_INIT) {
        x64_store_i32(CB, ra_env(ENV_OFF(fdp)), 0);
        x64_rm(CB, OPC_MOV_EvIz | P_66, 0, ra_env(ENV_OFF(fds)));
        x64_imm(CB, 16, 0);
    } else if (st & FP_STORE_FDP) {
        uint32_t seg = ir_is_const(c->ir, op->in[2]) ? const_in(c, op, 2) : R_DS;
        store_fdp(c, m, (int)seg & 7);
    }
    return true;
}
