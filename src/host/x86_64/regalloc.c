/*
 * regalloc.c - IR temps -> host registers for the x86-64 emitter.
 *
 * A local, on-demand allocator over the pool r8-r11, r13 (target.h).  Temps
 * are single-assignment, so a register copy never goes stale: spilling a
 * temp stores it once to its env->spill[] slot, and from then on the slot
 * and any register copy agree.  Per op: inputs are fetched into registers
 * (or used as memory / immediate operands) and locked, so fetching another
 * input or allocating the output can evict only temps the op does not read.
 * When the op ends, registers of temps whose last use was this op are freed.
 *
 * Before a branch every live temp is stored (ra_flush); at a label all
 * register copies are forgotten (ra_forget), so every path into a label
 * agrees that live temps are in their slots.
 *
 * Cost: this runs for every IR op of every block translated, so the walks
 * over the pool visit only the registers in c->bound (those holding a
 * temp), lowest register first, which is the pool's order (r8..r11, r13):
 * the code emitted is the same as a walk over the whole pool.
 */
#include "host/x86_64/isel.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include "target/x86/cpu.h"

X64Mem ra_env(int off) { return x64_mem(HOST_REG_ENV, off); }

X64Mem ra_slot_mem(int slot)
{
    return ra_env((int)offsetof(CPUX86State, spill) + slot * 8);
}

bool ra_is_pinned(IRVal v) { return v <= IR_G_EDI; }
int ra_pinned_reg(IRVal v) { return host_guest_reg[v]; }

static bool is_temp(const EmitCtx *c, IRVal v)
{
    return v != IR_NOVAL && c->ir->val[v].kind == IRV_TEMP;
}

bool ra_temp_dead_after(EmitCtx *c, IRVal v) { return c->t[v].last_use <= c->cur; }

/* Pool registers in ascending order, as host_pool_regs lists them. */
#define RA_POOL_MASK ((1u << X64_R8) | (1u << X64_R9) | (1u << X64_R10) | (1u << X64_R11) | \
                      (1u << X64_R13))
_Static_assert(HOST_NPOOL == 5, "RA_POOL_MASK lists the pool of target.h");

/* Take the lowest register out of *mask. */
static int ra_next_reg(uint32_t *mask)
{
    int r = __builtin_ctz(*mask);
    *mask &= *mask - 1;
    return r;
}

void ra_init(EmitCtx *c)
{
    const IRBlock *b = c->ir;
    /* only temps get a TempLoc; globals and constants are never looked up */
    for (int v = IR_NGLOBALS; v < b->nvals; v++)
        c->t[v] = (TempLoc){-1, -1, false, -1, 0};
    for (int i = 0; i < b->nops; i++) {
        const IROp *op = &b->op[i];
        for (int k = 0; k < op->nin; k++) {
            IRVal v = op->in[k];
            if (is_temp(c, v)) {
                c->t[v].last_use = (int16_t)i;
                c->t[v].nuses++;
            }
        }
    }
    for (int r = 0; r < X64_NREGS; r++)
        c->reg_temp[r] = IR_NOVAL;
    c->bound = 0;
    c->locked = 0;
    c->slots_used = 0;
}

static _Noreturn void ra_fatal(const char *why)
{
    fprintf(stderr, "xlat: x86-64 emitter: %s\n", why);
    abort();
}

static int ra_new_slot(EmitCtx *c)
{
    for (int s = 0; s < X64_NSPILL; s++)
        if (!(c->slots_used & (1u << s))) {
            c->slots_used |= 1u << s;
            return s;
        }
    ra_fatal("out of spill slots");
}

/* store temp v to its slot (keeps any register copy) */
static void ra_store_temp(EmitCtx *c, IRVal v)
{
    TempLoc *t = &c->t[v];
    if (t->in_mem)
        return;
    if (t->slot < 0)
        t->slot = (int8_t)ra_new_slot(c);
    x64_store32(&c->cb, ra_slot_mem(t->slot), t->reg);
    t->in_mem = true;
}

static void ra_unbind(EmitCtx *c, int r)
{
    IRVal v = c->reg_temp[r];
    if (v != IR_NOVAL)
        c->t[v].reg = -1;
    c->reg_temp[r] = IR_NOVAL;
    c->bound &= ~(1u << r);
}

static void ra_bind(EmitCtx *c, int r, IRVal v)
{
    c->reg_temp[r] = v;
    c->t[v].reg = (int8_t)r;
    c->bound |= 1u << r;
}

int ra_alloc(EmitCtx *c)
{
    int victim = -1;
    for (int i = 0; i < HOST_NPOOL; i++) {
        int r = host_pool_regs[i];
        if (c->locked & (1u << r))
            continue;
        IRVal v = c->reg_temp[r];
        if (v == IR_NOVAL || c->t[v].last_use < c->cur) {
            ra_unbind(c, r);
            c->locked |= 1u << r;
            return r;
        }
        /* evict the temp used last */
        if (victim < 0 || c->t[v].last_use > c->t[c->reg_temp[victim]].last_use)
            victim = r;
    }
    if (victim < 0)
        ra_fatal("out of registers");
    ra_store_temp(c, c->reg_temp[victim]);
    ra_unbind(c, victim);
    c->locked |= 1u << victim;
    return victim;
}

int ra_def_temp(EmitCtx *c, IRVal v)
{
    int r = ra_alloc(c);
    ra_bind(c, r, v);
    c->t[v].in_mem = false;
    return r;
}

int ra_in_reg(EmitCtx *c, IRVal v)
{
    if (ra_is_pinned(v))
        return ra_pinned_reg(v);
    const IRValInfo *vi = &c->ir->val[v];
    if (vi->kind == IRV_CONST) {
        int r = ra_alloc(c);
        x64_mov_ri32(&c->cb, r, vi->cval);
        return r;
    }
    if (vi->kind == IRV_GLOBAL) {
        int r = ra_alloc(c);
        x64_load32(&c->cb, r, ra_env(ir_global_offset[v]));
        return r;
    }
    TempLoc *t = &c->t[v];
    if (t->reg >= 0) {
        c->locked |= 1u << t->reg;
        return t->reg;
    }
    if (!t->in_mem)
        ra_fatal("temp read before it is written");
    int r = ra_alloc(c);
    x64_load32(&c->cb, r, ra_slot_mem(t->slot));
    ra_bind(c, r, v);
    return r;
}

X64Opnd ra_opnd(EmitCtx *c, IRVal v)
{
    X64Opnd o = {OPND_REG, -1, {0, -1, 1, 0}, 0};
    if (ra_is_pinned(v)) {
        o.reg = ra_pinned_reg(v);
        return o;
    }
    const IRValInfo *vi = &c->ir->val[v];
    if (vi->kind == IRV_CONST) {
        o.kind = OPND_IMM;
        o.imm = vi->cval;
    } else if (vi->kind == IRV_GLOBAL) {
        o.kind = OPND_MEM;
        o.mem = ra_env(ir_global_offset[v]);
    } else if (c->t[v].reg >= 0) {
        o.reg = c->t[v].reg;
        c->locked |= 1u << o.reg;
    } else {
        if (!c->t[v].in_mem)
            ra_fatal("temp read before it is written");
        o.kind = OPND_MEM;
        o.mem = ra_slot_mem(c->t[v].slot);
    }
    return o;
}

X64Opnd ra_opnd_rm(EmitCtx *c, IRVal v)
{
    X64Opnd o = ra_opnd(c, v);
    if (o.kind == OPND_IMM) {
        o.kind = OPND_REG;
        o.reg = ra_in_reg(c, v);
    }
    return o;
}

void ra_end_op(EmitCtx *c)
{
    c->locked = 0;
    for (uint32_t m = c->bound; m;) {
        int r = ra_next_reg(&m);
        if (c->t[c->reg_temp[r]].last_use <= c->cur)
            ra_unbind(c, r);
    }
    /* free the slots of temps that died here */
    const IROp *op = &c->ir->op[c->cur];
    for (int k = 0; k < op->nin; k++) {
        IRVal v = op->in[k];
        if (is_temp(c, v) && c->t[v].last_use == c->cur && c->t[v].slot >= 0) {
            c->slots_used &= ~(1u << c->t[v].slot);
            c->t[v].slot = -1;
            c->t[v].in_mem = false;
        }
    }
    for (int k = 0; k < op->nout; k++) {
        IRVal v = op->out[k];
        if (is_temp(c, v) && c->t[v].last_use < c->cur && c->t[v].reg >= 0)
            ra_unbind(c, c->t[v].reg);
    }
}

void ra_flush(EmitCtx *c)
{
    for (uint32_t m = c->bound; m;) {
        IRVal v = c->reg_temp[ra_next_reg(&m)];
        if (c->t[v].last_use > c->cur)
            ra_store_temp(c, v);
    }
}

void ra_forget(EmitCtx *c)
{
    for (uint32_t m = c->bound; m;)
        ra_unbind(c, ra_next_reg(&m));
}

void ra_spill_caller_saved(EmitCtx *c)
{
    for (uint32_t m = c->bound & HOST_CALLER_SAVED; m;) {
        IRVal v = c->reg_temp[ra_next_reg(&m)];
        if (c->t[v].last_use > c->cur)
            ra_store_temp(c, v);
    }
}

void ra_unbind_caller_saved(EmitCtx *c)
{
    for (int i = 0; i < HOST_NPOOL; i++) {
        int r = host_pool_regs[i];
        if (HOST_CALLER_SAVED & (1u << r)) {
            ra_unbind(c, r);
            c->locked &= ~(1u << r);
        }
    }
}
