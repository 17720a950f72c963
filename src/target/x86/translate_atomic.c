/*
 * translate_atomic.c - LOCK-prefixed read-modify-write instructions and
 * xchg with memory when the guest has threads (x86_atomic_mode).
 *
 * Single-threaded code keeps the plain "ldw; op; st" shape (the decoder has
 * already checked that LOCK is legal).  With threads, the whole instruction
 * becomes one call of helper_atomic (helper_atomic.c), which updates memory
 * with a host compare-and-swap and writes CC and the register operand.  The
 * helper is HF_ALL, so EIP is set to the instruction first: a fault inside
 * it is reported at this instruction with nothing changed.
 *
 * Example: "lock incl (%eax)" -> set_eip pc; call atomic(DESC(INC, 4, 0),
 * eax, 0).
 */
#include "target/x86/translate.h"

/* The guest operation of a lockable mnemonic, or -1. */
static int atomic_op_of(int mnem)
{
    switch (mnem) {
    case X86_ADD:
        return X86_ATOMIC_ADD;
    case X86_OR:
        return X86_ATOMIC_OR;
    case X86_ADC:
        return X86_ATOMIC_ADC;
    case X86_SBB:
        return X86_ATOMIC_SBB;
    case X86_AND:
        return X86_ATOMIC_AND;
    case X86_SUB:
        return X86_ATOMIC_SUB;
    case X86_XOR:
        return X86_ATOMIC_XOR;
    case X86_INC:
        return X86_ATOMIC_INC;
    case X86_DEC:
        return X86_ATOMIC_DEC;
    case X86_NEG:
        return X86_ATOMIC_NEG;
    case X86_NOT:
        return X86_ATOMIC_NOT;
    case X86_XCHG:
        return X86_ATOMIC_XCHG;
    case X86_XADD:
        return X86_ATOMIC_XADD;
    case X86_CMPXCHG:
        return X86_ATOMIC_CMPXCHG;
    case X86_BTS:
        return X86_ATOMIC_BTS;
    case X86_BTR:
        return X86_ATOMIC_BTR;
    case X86_BTC:
        return X86_ATOMIC_BTC;
    default:
        return -1;
    }
}

/* bts/btr/btc with a register offset address the whole bit string: the
 * word is at ea + (signed offset >> log2 bits) * bytes. */
static IRVal gen_atomic_bt_addr(X86Trans *t, IRVal ea, IRVal off, int bytes)
{
    IRVal soff = bytes == 2 ? gen_op1(t, IR_sext, 16, off) : off;
    IRVal words = gen_op2(t, IR_sar, 32, soff, gen_const(t, bytes == 2 ? 4 : 5));
    IRVal delta = gen_op2(t, IR_shl, 32, words, gen_const(t, bytes == 2 ? 1 : 2));
    return gen_op2(t, IR_add, 32, ea, delta);
}

static void gen_atomic_cmpxchg8b(X86Trans *t, const X86Insn *insn)
{
    IRVal ea = gen_ea(t, &insn->op[0]);
    gen_set_eip(t, t->pc);
    gen_helper(t, x86_helper_atomic_id(1), 1, ea, IR_NOVAL, IR_NOVAL, IR_NOVAL);
}

bool gen_atomic(X86Trans *t, const X86Insn *insn)
{
    if (!x86_atomic_mode)
        return false;
    if (insn->mnem == X86_CMPXCHG8B && (insn->prefixes & X86_PFX_LOCK)) {
        gen_atomic_cmpxchg8b(t, insn);
        return true;
    }
    int op = atomic_op_of(insn->mnem);
    const X86Operand *m = &insn->op[0], *s = &insn->op[1];
    if (op == X86_ATOMIC_XCHG && s->kind == X86_OP_MEM) {
        const X86Operand *tmp = m; /* xchg r, m is xchg m, r */
        m = s;
        s = tmp;
    }
    bool locked = (insn->prefixes & X86_PFX_LOCK) || op == X86_ATOMIC_XCHG;
    if (op < 0 || !locked || m->kind != X86_OP_MEM)
        return false;
    bool unary = op == X86_ATOMIC_INC || op == X86_ATOMIC_DEC || op == X86_ATOMIC_NEG ||
                 op == X86_ATOMIC_NOT;
    IRVal ea = gen_ea(t, m);
    IRVal src = unary ? gen_const(t, 0) : gen_ld_op(t, s, IR_NOVAL);
    bool bt = op == X86_ATOMIC_BTS || op == X86_ATOMIC_BTR || op == X86_ATOMIC_BTC;
    if (bt && s->kind == X86_OP_REG)
        ea = gen_atomic_bt_addr(t, ea, src, m->size);
    int reg = !unary && s->kind == X86_OP_REG ? s->reg : 0;
    gen_set_eip(t, t->pc);
    gen_helper(t, x86_helper_atomic_id(0), 3, gen_const(t, X86_ATOMIC_DESC(op, m->size, reg)), ea,
               src, IR_NOVAL);
    return true;
}
