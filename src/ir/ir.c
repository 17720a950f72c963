/*
 * ir.c - the op table, globals, helper registry and block builder.
 * The printer, validator and optimizer passes live in their own files.
 */
#include "ir/ir.h"

#include <assert.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "target/x86/cpu.h"

const IROpDef ir_opdef[IR_NOPC] = {
#define DEF(name, nout, nin, naux, flags, cc_def, cc_use)                                          \
    [IR_##name] = {#name, nout, nin, naux, flags, cc_def, cc_use},
#include "ir/ir-opc.h"
#undef DEF
};

const uint16_t ir_global_offset[IR_NGLOBALS] = {
    [IR_G_EAX] = offsetof(CPUX86State, regs[R_EAX]),
    [IR_G_ECX] = offsetof(CPUX86State, regs[R_ECX]),
    [IR_G_EDX] = offsetof(CPUX86State, regs[R_EDX]),
    [IR_G_EBX] = offsetof(CPUX86State, regs[R_EBX]),
    [IR_G_ESP] = offsetof(CPUX86State, regs[R_ESP]),
    [IR_G_EBP] = offsetof(CPUX86State, regs[R_EBP]),
    [IR_G_ESI] = offsetof(CPUX86State, regs[R_ESI]),
    [IR_G_EDI] = offsetof(CPUX86State, regs[R_EDI]),
    [IR_G_EIP] = offsetof(CPUX86State, eip),
    [IR_G_ES_BASE] = offsetof(CPUX86State, seg_base[R_ES]),
    [IR_G_CS_BASE] = offsetof(CPUX86State, seg_base[R_CS]),
    [IR_G_SS_BASE] = offsetof(CPUX86State, seg_base[R_SS]),
    [IR_G_DS_BASE] = offsetof(CPUX86State, seg_base[R_DS]),
    [IR_G_FS_BASE] = offsetof(CPUX86State, seg_base[R_FS]),
    [IR_G_GS_BASE] = offsetof(CPUX86State, seg_base[R_GS]),
    [IR_G_DF] = offsetof(CPUX86State, df),
};

const char *const ir_global_name[IR_NGLOBALS] = {
    "eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi", "eip",
    "es_base", "cs_base", "ss_base", "ds_base", "fs_base", "gs_base", "df",
};

uint16_t ir_cond_cc_use(int cond)
{
    static const uint16_t use[8] = {CC_O, CC_C, CC_Z, CC_C | CC_Z, CC_S, CC_P, CC_S | CC_O,
                                    CC_Z | CC_S | CC_O};
    return use[(cond >> 1) & 7];
}

bool ir_cond_eval(int cond, uint32_t cc)
{
    bool cf = cc & CC_C, pf = cc & CC_P, zf = cc & CC_Z, sf = cc & CC_S, of = cc & CC_O;
    bool r;
    switch ((cond >> 1) & 7) {
    case 0: r = of; break;
    case 1: r = cf; break;
    case 2: r = zf; break;
    case 3: r = cf || zf; break;
    case 4: r = sf; break;
    case 5: r = pf; break;
    case 6: r = sf != of; break;
    default: r = zf || (sf != of); break;
    }
    return (cond & 1) ? !r : r;
}

/* ---- helper registry ---- */
#define IR_MAX_HELPERS 256
const IRHelper *ir_helpers[IR_MAX_HELPERS];
int ir_nhelpers;

int ir_helper_register(const IRHelper *h)
{
    for (int i = 0; i < ir_nhelpers; i++)
        if (ir_helpers[i] == h)
            return i;
    assert(ir_nhelpers < IR_MAX_HELPERS && "too many helpers");
    ir_helpers[ir_nhelpers] = h;
    return ir_nhelpers++;
}

/* ---- builder ---- */
void ir_block_init(IRBlock *b, uint32_t pc)
{
    b->pc = pc;
    b->guest_size = 0;
    b->ninsns = 0;
    b->nops = 0;
    b->nlabels = 0;
    b->nvals = IR_NGLOBALS;
    static const IRValInfo globals[IR_NGLOBALS]; /* IRV_GLOBAL is 0 */
    _Static_assert(IRV_GLOBAL == 0, "globals[] is all zero");
    memcpy(b->val, globals, sizeof(globals));
}

IRVal ir_temp(IRBlock *b)
{
    assert(b->nvals < IR_MAX_VALS && "IR block out of values");
    b->val[b->nvals] = (IRValInfo){IRV_TEMP, 0};
    return (IRVal)b->nvals++;
}

IRVal ir_const(IRBlock *b, uint32_t v)
{
    assert(b->nvals < IR_MAX_VALS && "IR block out of values");
    b->val[b->nvals] = (IRValInfo){IRV_CONST, v};
    return (IRVal)b->nvals++;
}

int ir_new_label(IRBlock *b) { return b->nlabels++; }

/* Every op the translator makes comes through here, in one struct store
 * (ir_op1/2/3 used to chain to ir_emit and patch fields after it). */
static IROp *ir_new_op(IRBlock *b, IROpc opc, int size, IRVal out, IRVal in0, IRVal in1,
                       IRVal in2)
{
    assert(b->nops < IR_MAX_OPS && "IR block out of ops");
    IROp *op = &b->op[b->nops++];
    *op = (IROp){
        .opc = (uint8_t)opc,
        .size = (uint8_t)(size ? size : 32),
        .nin = ir_opdef[opc].nin,
        .nout = ir_opdef[opc].nout,
        .out = {out, IR_NOVAL},
        .in = {in0, in1, in2, IR_NOVAL},
    };
    return op;
}

IROp *ir_emit(IRBlock *b, IROpc opc, int size)
{
    return ir_new_op(b, opc, size, IR_NOVAL, IR_NOVAL, IR_NOVAL, IR_NOVAL);
}

IROp *ir_op1(IRBlock *b, IROpc opc, int size, IRVal out, IRVal in0)
{
    return ir_new_op(b, opc, size, out, in0, IR_NOVAL, IR_NOVAL);
}

IROp *ir_op2(IRBlock *b, IROpc opc, int size, IRVal out, IRVal in0, IRVal in1)
{
    return ir_new_op(b, opc, size, out, in0, in1, IR_NOVAL);
}

IROp *ir_op3(IRBlock *b, IROpc opc, int size, IRVal out, IRVal in0, IRVal in1, IRVal in2)
{
    return ir_new_op(b, opc, size, out, in0, in1, in2);
}

IROp *ir_call(IRBlock *b, int helper_id, IRVal out, int nargs, const IRVal *args)
{
    const IRHelper *h = ir_helpers[helper_id];
    assert(nargs == h->nargs);
    IROp *op = ir_emit(b, IR_call, 32);
    op->aux[0] = (uint32_t)helper_id;
    op->nin = (uint8_t)nargs;
    op->nout = h->has_ret ? 1 : 0;
    op->out[0] = h->has_ret ? out : IR_NOVAL;
    for (int i = 0; i < nargs; i++)
        op->in[i] = args[i];
    return op;
}

bool ir_block_full(const IRBlock *b)
{
    return b->nops > IR_MAX_OPS - 96 || b->nvals > IR_MAX_VALS - 160;
}
