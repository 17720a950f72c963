/*
 * interp_compile.c - turns an optimized IRBlock into an InterpProg (see
 * interp.h) for the interpreter backend.
 *
 * Besides resolving values to frame slots and labels to insn indices, it
 * removes dispatches the IR does not need in an interpreter, each only where
 * no guest-visible state can differ:
 *  - insn_start: the pc is stored lazily, right before the first op that can
 *    observe env->eip (a memory op or divide that may fault, a call, a
 *    branch, a label, a block exit, any op reading or writing the EIP
 *    global), so env->eip holds the same value at every observation as with
 *    one store per insn_start;
 *  - "t = add x, $c" whose t is only ever a memory op's address becomes the
 *    memory op's displacement, if x is not written before t's last use;
 *  - "t = op ...; mov G, t" with t read only there writes G directly (G not
 *    EIP); nothing runs between the two, so no fault can tell the
 *    difference;
 *  - ld32/st32 get their own opcodes (no size switch).
 * It also adds one op: after a guest instruction that may write memory (a
 * store, the ldw write probe, a helper call), IOP_CHECKTB at the next
 * instruction boundary leaves the TB if a write to a code page invalidated
 * it, so code the guest rewrote in the running block is not run stale.
 */
#include <stdlib.h>
#include <string.h>

#include "host/interp/interp.h"

typedef struct InterpCompiler {
    const IRBlock *b;
    uint16_t slot[IR_MAX_VALS];
    uint32_t cval[IR_MAX_VALS];
    uint32_t nconsts, ntemps;
    uint16_t nuse[IR_MAX_VALS];
    uint8_t fused_addr[IR_MAX_VALS];  /* temp folded into memory ops */
    IRVal addr_base[IR_MAX_VALS];
    uint32_t addr_disp[IR_MAX_VALS];
    int32_t label_pos[IR_MAX_OPS];
    InterpInsn *insn;
    uint32_t n;
    bool pending;                    /* an insn_start's pc not stored yet */
    bool wrote;                      /* memory may have been written since the
                                        last instruction boundary */
    uint32_t pc;
} InterpCompiler;

static uint16_t ic_slot(InterpCompiler *c, IRVal v, bool is_out)
{
    const IRBlock *b = c->b;
    if (v == IR_NOVAL)
        return is_out ? SLOT_SINK : SLOT_ZERO;
    if (ir_is_global(v))
        return (uint16_t)(ir_global_offset[v] / 4);
    if (c->slot[v] != 0xffff)
        return c->slot[v];
    if (b->val[v].kind == IRV_CONST) {
        c->cval[c->nconsts] = b->val[v].cval;
        c->slot[v] = (uint16_t)(SLOT_CONST0 + c->nconsts++);
    } else {
        /* temps are numbered after all constants: fixed up at the end */
        c->slot[v] = (uint16_t)(0x8000 | c->ntemps++);
    }
    return c->slot[v];
}

static bool ic_is_mem_addr_op(const IROp *op)
{
    return op->opc == IR_ld || op->opc == IR_lds || op->opc == IR_ldw || op->opc == IR_st;
}

static bool ic_writes(const IROp *op, IRVal x)
{
    if (!ir_is_global(x))
        return false; /* temps are written once, constants never */
    if (op->opc == IR_call && (ir_helpers[op->aux[0]]->flags & HF_WRITE_GLOBALS))
        return true;
    for (int k = 0; k < op->nout; k++)
        if (op->out[k] == x)
            return true;
    return false;
}

/* Is op i "t = add x, $c" with t only used as a memory address while x
 * stays unchanged?  Then record t = x + c. */
static void ic_try_fuse_addr(InterpCompiler *c, int i)
{
    const IRBlock *b = c->b;
    const IROp *op = &b->op[i];
    IRVal t = op->out[0];
    if (op->opc != IR_add || t == IR_NOVAL || ir_is_global(t) || c->nuse[t] == 0)
        return;
    int ci = ir_is_const(b, op->in[1]) ? 1 : ir_is_const(b, op->in[0]) ? 0 : -1;
    if (ci < 0)
        return;
    IRVal x = op->in[1 - ci];
    int remaining = c->nuse[t];
    for (int j = i + 1; j < b->nops && j < i + 64 && remaining > 0; j++) {
        const IROp *u = &b->op[j];
        for (int k = 0; k < u->nin && k < 4; k++) {
            if (u->in[k] != t)
                continue;
            if (k != 0 || !ic_is_mem_addr_op(u))
                return;
            remaining--;
        }
        if (remaining > 0 && ic_writes(u, x))
            return;
    }
    if (remaining)
        return;
    c->fused_addr[t] = 1;
    c->addr_base[t] = x;
    c->addr_disp[t] = b->val[op->in[ci]].cval;
}

static bool ic_touches_eip(const IROp *op)
{
    for (int k = 0; k < op->nin && k < 4; k++)
        if (op->in[k] == IR_G_EIP)
            return true;
    for (int k = 0; k < op->nout; k++)
        if (op->out[k] == IR_G_EIP)
            return true;
    return false;
}

static InterpInsn *ic_new(InterpCompiler *c, uint8_t opc)
{
    InterpInsn *x = &c->insn[c->n++];
    memset(x, 0, sizeof(*x));
    x->opc = opc;
    x->out[0] = x->out[1] = SLOT_SINK;
    for (int j = 0; j < 4; j++)
        x->in[j] = SLOT_ZERO;
    return x;
}

/* Store a pending pc with its own insn (before labels, EIP accesses). */
static void ic_flush_pc(InterpCompiler *c)
{
    if (!c->pending)
        return;
    ic_new(c, IOP_SETPC)->pc = c->pc;
    c->pending = false;
}

static uint8_t ic_opcode(const IROp *op)
{
    if (op->opc == IR_ld && op->size == 32)
        return IOP_LD32;
    if (op->opc == IR_st && op->size == 32)
        return IOP_ST32;
    return op->opc;
}

/* Flags an op may write (for INSN_NOCC). */
static uint16_t ic_may_write(const IROp *op)
{
    switch (op->opc) {
    case IR_rol_cc: case IR_ror_cc: case IR_rcl_cc: case IR_rcr_cc:
        return CC_C | CC_O;
    case IR_shl_cc: case IR_shr_cc: case IR_sar_cc: case IR_shld_cc: case IR_shrd_cc:
        return CC_ALL;
    default:
        return ir_opdef[op->opc].cc_def;
    }
}

/* Emit op i; returns how many IR ops it consumed (2 with a fused mov). */
static int ic_emit_op(InterpCompiler *c, int i)
{
    const IRBlock *b = c->b;
    const IROp *op = &b->op[i];
    uint16_t f = ir_opdef[op->opc].flags;
    int used = 1;

    bool observes = (f & (IR_F_MEM | IR_F_CALL | IR_F_BR)) ||
                    ((f & IR_F_END) && op->opc != IR_goto_tb);
    if (!observes && ic_touches_eip(op))
        ic_flush_pc(c);
    InterpInsn *x = ic_new(c, ic_opcode(op));
    if (observes && c->pending) {
        x->flags |= INSN_SETPC;
        x->pc = c->pc;
        c->pending = false;
    }
    x->size = op->size;
    x->cond = op->cond;
    x->aux[0] = op->aux[0];
    x->aux[1] = op->aux[1];
    for (int j = 0; j < op->nout && j < 2; j++)
        x->out[j] = ic_slot(c, op->out[j], true);
    for (int j = 0; j < op->nin && j < 4; j++)
        x->in[j] = ic_slot(c, op->in[j], false);
    if (ic_is_mem_addr_op(op) && op->in[0] != IR_NOVAL && c->fused_addr[op->in[0]]) {
        x->in[0] = ic_slot(c, c->addr_base[op->in[0]], false);
        x->aux[1] = c->addr_disp[op->in[0]];
    }
    if ((f & IR_F_CC) && !(ic_may_write(op) & op->cc_live))
        x->flags |= INSN_NOCC;

    /* "t = op; mov G, t" with t used once: write G directly */
    const IROp *next = i + 1 < b->nops ? &b->op[i + 1] : NULL;
    IRVal t = op->nout ? op->out[0] : IR_NOVAL;
    if (next && next->opc == IR_mov && next->in[0] == t && t != IR_NOVAL && !ir_is_global(t) &&
        c->nuse[t] == 1 && ir_is_global(next->out[0]) && next->out[0] != IR_G_EIP &&
        !(f & (IR_F_BR | IR_F_END))) {
        x->out[0] = ic_slot(c, next->out[0], true);
        used = 2;
    }
    return used;
}

static void ic_count_uses(InterpCompiler *c)
{
    const IRBlock *b = c->b;
    memset(c->nuse, 0, sizeof(c->nuse[0]) * (size_t)b->nvals);
    memset(c->fused_addr, 0, sizeof(c->fused_addr[0]) * (size_t)b->nvals);
    memset(c->slot, 0xff, sizeof(c->slot[0]) * (size_t)b->nvals);
    for (int i = 0; i < b->nops; i++)
        for (int k = 0; k < b->op[i].nin && k < 4; k++)
            if (b->op[i].in[k] != IR_NOVAL)
                c->nuse[b->op[i].in[k]]++;
}

/* temps go after the constants; branches get their target insn */
static void ic_fixup(InterpCompiler *c)
{
    uint16_t temp0 = (uint16_t)(SLOT_CONST0 + c->nconsts);
    for (uint32_t j = 0; j < c->n; j++) {
        InterpInsn *x = &c->insn[j];
        for (int q = 0; q < 2; q++)
            if (x->out[q] & 0x8000)
                x->out[q] = (uint16_t)(temp0 + (x->out[q] & 0x7fff));
        for (int q = 0; q < 4; q++)
            if (x->in[q] & 0x8000)
                x->in[q] = (uint16_t)(temp0 + (x->in[q] & 0x7fff));
        if (x->opc < IR_NOPC && (ir_opdef[x->opc].flags & IR_F_BR))
            x->aux[0] = (uint32_t)c->label_pos[x->aux[0]];
    }
}

static int ic_finish(InterpCompiler *c, TB *tb)
{
    InterpProg *prog = malloc(sizeof(*prog) + sizeof(uint32_t) * c->nconsts);
    InterpInsn *insn = realloc(c->insn, sizeof(InterpInsn) * (c->n ? c->n : 1));
    if (!prog || !insn) {
        free(prog);
        free(insn ? insn : c->insn);
        return -1;
    }
    prog->ninsns = c->n;
    prog->nconsts = c->nconsts;
    prog->insn = insn;
    prog->next[0] = prog->next[1] = NULL;
    memcpy(prog->consts, c->cval, sizeof(uint32_t) * c->nconsts);
    tb->host_code = prog;
    tb->host_size = (uint32_t)(sizeof(*prog) + sizeof(*insn) * c->n + 4 * c->nconsts);
    return 0;
}

int interp_compile(TB *tb, const IRBlock *b)
{
    static __thread InterpCompiler ic;
    InterpCompiler *c = &ic;

    c->b = b;
    c->n = c->nconsts = c->ntemps = 0;
    c->pending = c->wrote = false;
    c->insn = malloc(sizeof(InterpInsn) * (size_t)(3 * b->nops + 1));
    if (!c->insn)
        return -1;
    ic_count_uses(c);
    for (int i = 0; i < b->nops; i++)
        ic_try_fuse_addr(c, i);
    tb->jmp_pc[0] = tb->jmp_pc[1] = ~0u;
    for (int i = 0; i < b->nops;) {
        const IROp *op = &b->op[i];
        if (op->opc == IR_insn_start) {
            if (c->wrote)
                ic_new(c, IOP_CHECKTB)->pc = op->aux[0];
            c->wrote = false;
            c->pending = true;
            c->pc = op->aux[0];
            i++;
        } else if (op->opc == IR_label) {
            ic_flush_pc(c);
            c->label_pos[op->aux[0]] = (int32_t)c->n;
            i++;
        } else if (op->opc == IR_add && op->out[0] != IR_NOVAL && !ir_is_global(op->out[0]) &&
                   c->fused_addr[op->out[0]]) {
            i++; /* folded into the memory ops that use it */
        } else {
            if (op->opc == IR_goto_tb) {
                tb->jmp_pc[op->aux[0] & 1] = op->aux[1];
                tb->jmp_patch[op->aux[0] & 1] = c->n;
            }
            if (op->opc == IR_st || op->opc == IR_ldw || op->opc == IR_call)
                c->wrote = true;
            i += ic_emit_op(c, i);
        }
    }
    ic_fixup(c);
    return ic_finish(c, tb);
}
