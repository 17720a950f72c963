/*
 * print.c - the IR printer behind -d op and -d op_opt.  One op per line:
 *
 *    ---- 0x08048000 (3 bytes)
 *     t0 = add ebx, $0x4
 *     t1 = ld32 t0
 *     t2 = add_cc32 eax, t1  ; cc_live=OSZAPC
 *     mov eax, t2
 *     brcond_ne L1
 *   L1:
 *
 * Temps are named tN with N = value index - IR_NGLOBALS (stable across
 * passes), constants $0x.., globals by register name.  Sized ops carry their
 * size as a suffix; cc ops show the flags live after them.
 */
#include "ir/ir.h"

static const char *const ir_cond_name[16] = {"o", "no", "b",  "ae", "e", "ne", "be", "a",
                                             "s", "ns", "p",  "np", "l", "ge", "le", "g"};

static void ir_print_val(FILE *f, const IRBlock *b, IRVal v)
{
    if (v == IR_NOVAL)
        fputs("_", f);
    else if (v >= b->nvals)
        fprintf(f, "?%u", v);
    else if (ir_is_global(v))
        fputs(ir_global_name[v], f);
    else if (b->val[v].kind == IRV_CONST)
        fprintf(f, "$%#x", b->val[v].cval);
    else
        fprintf(f, "t%d", v - IR_NGLOBALS);
}

static void ir_print_cc(FILE *f, uint16_t cc)
{
    static const struct {
        uint16_t bit;
        char c;
    } flag[6] = {{CC_O, 'O'}, {CC_S, 'S'}, {CC_Z, 'Z'}, {CC_A, 'A'}, {CC_P, 'P'}, {CC_C, 'C'}};
    if (!(cc & CC_ALL))
        fputc('-', f);
    for (int i = 0; i < 6; i++)
        if (cc & flag[i].bit)
            fputc(flag[i].c, f);
}

/* the op name with size and condition suffixes */
static void ir_print_name(FILE *f, const IROp *op)
{
    const IROpDef *d = &ir_opdef[op->opc];
    fputs(d->name, f);
    if (d->flags & IR_F_SIZED)
        fprintf(f, "%u", op->size);
    if (d->flags & IR_F_COND)
        fprintf(f, "_%s", ir_cond_name[op->cond & 15]);
}

/* aux arguments of the ops that have them */
static void ir_print_aux(FILE *f, const IROp *op, bool comma)
{
    const char *sep = comma ? ", " : " ";
    switch (op->opc) {
    case IR_br: case IR_brcond: case IR_brz: case IR_brnz:
        fprintf(f, "%sL%u", sep, op->aux[0]);
        break;
    case IR_goto_tb: fprintf(f, "%s%u, %#x", sep, op->aux[0], op->aux[1]); break;
    case IR_exit_tb: case IR_raise: fprintf(f, "%s%u, %u", sep, op->aux[0], op->aux[1]); break;
    case IR_setcc:
        fprintf(f, "%smask=", sep);
        ir_print_cc(f, (uint16_t)op->aux[0]);
        break;
    default: break;
    }
}

static void ir_print_op(FILE *f, const IRBlock *b, const IROp *op)
{
    const IROpDef *d = &ir_opdef[op->opc];
    if (op->opc == IR_insn_start) {
        fprintf(f, " ---- %#010x (%u bytes)\n", op->aux[0], op->aux[1]);
        return;
    }
    if (op->opc == IR_label) {
        fprintf(f, "L%u:\n", op->aux[0]);
        return;
    }
    fputs("  ", f);
    int nout = op->nout;
    if (op->opc == IR_mov && nout == 1 && !(op->out[0] != IR_NOVAL && op->out[0] >= IR_NGLOBALS &&
                                            op->out[0] < b->nvals)) {
        /* writes of globals read better as "mov eax, t2" */
        fputs("mov ", f);
        ir_print_val(f, b, op->out[0]);
        fputs(", ", f);
        ir_print_val(f, b, op->in[0]);
    } else {
        for (int i = 0; i < nout; i++) {
            ir_print_val(f, b, op->out[i]);
            fputs(i + 1 < nout ? ", " : " = ", f);
        }
        ir_print_name(f, op);
        if (op->opc == IR_call) {
            int id = (int)op->aux[0];
            fprintf(f, " %s", id < ir_nhelpers ? ir_helpers[id]->name : "?");
        }
        for (int i = 0; i < op->nin && i < 4; i++) {
            fputs(i || op->opc == IR_call ? ", " : " ", f);
            ir_print_val(f, b, op->in[i]);
        }
        ir_print_aux(f, op, op->nin > 0);
    }
    if (d->flags & IR_F_CC) {
        fputs("  ; cc_live=", f);
        ir_print_cc(f, op->cc_live);
    }
    fputc('\n', f);
}

void ir_print(FILE *f, const IRBlock *b)
{
    fprintf(f, "IR block pc=%#x: %d ops, %d values, %u insns\n", b->pc, b->nops, b->nvals,
            b->ninsns);
    for (int i = 0; i < b->nops; i++)
        ir_print_op(f, b, &b->op[i]);
    fputc('\n', f);
}
