/*
 * translate.c - x86 (i386) guest code to IR: the decode loop, the table from
 * X86Mnem to the family functions (gen_ADD ... in translate_*.c), operand
 * access and block exits.
 *
 * A block holds the instructions from `pc` up to the first control transfer,
 * at most 64 instructions, and never an instruction that starts on another
 * guest page than the first one (so a TB covers at most two pages: the
 * first, and the one its last instruction may spill into).  Guest code is
 * read only from pages the guest may execute; a block whose very first
 * instruction cannot be fetched raises SIGSEGV at that pc, otherwise the
 * block simply ends before the unfetchable instruction.
 *
 * Each instruction opens with insn_start (pc, length), which the backends
 * use to rebuild the guest state of a faulting instruction.
 */
#include "target/x86/translate.h"

#include <signal.h>
#include <string.h>

#include "exec/exec.h"
#include "linux-user/guest-mem.h"
#include "util/log.h"

#define X86_MAX_INSNS    64
#define X86_MAX_INSN_LEN 15

/* ---------------------------------------------------------------------- */
/* values and operands                                                     */

IRVal gen_const(X86Trans *t, uint32_t v)
{
    return ir_const(t->ir, v);
}

IRVal gen_op1(X86Trans *t, IROpc opc, int bits, IRVal a)
{
    IRVal r = ir_temp(t->ir);
    ir_op1(t->ir, opc, bits, r, a);
    return r;
}

IRVal gen_op2(X86Trans *t, IROpc opc, int bits, IRVal a, IRVal b)
{
    IRVal r = ir_temp(t->ir);
    ir_op2(t->ir, opc, bits, r, a, b);
    return r;
}

IRVal gen_op3(X86Trans *t, IROpc opc, int bits, IRVal a, IRVal b, IRVal c)
{
    IRVal r = ir_temp(t->ir);
    ir_op3(t->ir, opc, bits, r, a, b, c);
    return r;
}

IRVal gen_copy(X86Trans *t, IRVal v)
{
    return gen_op1(t, IR_mov, 32, v);
}

IRVal gen_reg_read(X86Trans *t, int reg, int bytes)
{
    if (bytes == 4)
        return (IRVal)(IR_G_EAX + reg);
    if (bytes == 2)
        return gen_op1(t, IR_zext, 16, (IRVal)(IR_G_EAX + reg));
    if (reg < 4)
        return gen_op1(t, IR_zext, 8, (IRVal)(IR_G_EAX + reg));
    return gen_op1(t, IR_ext8hi, 32, (IRVal)(IR_G_EAX + reg - 4));
}

void gen_reg_write(X86Trans *t, int reg, int bytes, IRVal v)
{
    if (bytes == 4) {
        ir_op1(t->ir, IR_mov, 32, (IRVal)(IR_G_EAX + reg), v);
    } else if (bytes == 2 || reg < 4) {
        IRVal g = (IRVal)(IR_G_EAX + reg);
        ir_op2(t->ir, IR_dep, X86_BITS(bytes), g, g, v);
    } else {
        IRVal g = (IRVal)(IR_G_EAX + reg - 4);
        ir_op2(t->ir, IR_dep8hi, 32, g, g, v);
    }
}

/* Only FS and GS have a non-zero base in Linux user mode. */
static IRVal gen_seg_base(int seg)
{
    if (seg == R_FS)
        return IR_G_FS_BASE;
    if (seg == R_GS)
        return IR_G_GS_BASE;
    return IR_NOVAL;
}

/* base + index*scale + disp, with `esp` in place of the ESP global, wrapped
 * to the address size; with_seg adds the FS/GS base. */
static IRVal gen_ea_full(X86Trans *t, const X86Operand *op, IRVal esp, bool with_seg)
{
    IRVal a = IR_NOVAL;
    if (op->base >= 0)
        a = op->base == R_ESP ? esp : (IRVal)(IR_G_EAX + op->base);
    if (op->index >= 0) {
        IRVal idx = op->index == R_ESP ? esp : (IRVal)(IR_G_EAX + op->index);
        if (op->scale > 1) {
            int sh = op->scale == 2 ? 1 : op->scale == 4 ? 2 : 3;
            idx = gen_op2(t, IR_shl, 32, idx, gen_const(t, (uint32_t)sh));
        }
        a = a == IR_NOVAL ? idx : gen_op2(t, IR_add, 32, a, idx);
    }
    if (a == IR_NOVAL)
        a = gen_const(t, (uint32_t)op->disp);
    else if (op->disp)
        a = gen_op2(t, IR_add, 32, a, gen_const(t, (uint32_t)op->disp));
    if (t->adsize == 2)
        a = gen_op1(t, IR_zext, 16, a);
    IRVal seg = with_seg ? gen_seg_base(op->seg) : IR_NOVAL;
    if (seg != IR_NOVAL)
        a = gen_op2(t, IR_add, 32, a, seg);
    /* Never hand out a global as an address: the instruction may write
     * that register before its last use of the address. */
    if (ir_is_global(a))
        a = gen_copy(t, a);
    return a;
}

IRVal gen_ea(X86Trans *t, const X86Operand *op)
{
    return gen_ea_full(t, op, IR_G_ESP, true);
}
IRVal gen_ea_offset(X86Trans *t, const X86Operand *op)
{
    return gen_ea_full(t, op, IR_G_ESP, false);
}
IRVal gen_ea_esp(X86Trans *t, const X86Operand *op, IRVal esp)
{
    return gen_ea_full(t, op, esp, true);
}

IRVal gen_ea_if_mem(X86Trans *t, const X86Operand *op)
{
    return op->kind == X86_OP_MEM ? gen_ea(t, op) : IR_NOVAL;
}

static IRVal gen_ld_kind(X86Trans *t, const X86Operand *op, IRVal ea, IROpc ld)
{
    switch (op->kind) {
    case X86_OP_REG:
        return gen_reg_read(t, op->reg, op->size);
    case X86_OP_MEM: {
        int bytes = op->size > 4 ? 4 : op->size;
        return gen_op1(t, ld, X86_BITS(bytes), ea);
    }
    case X86_OP_IMM:
        return gen_const(t, op->imm);
    default:
        return gen_const(t, 0);
    }
}

IRVal gen_ld_op(X86Trans *t, const X86Operand *op, IRVal ea)
{
    return gen_ld_kind(t, op, ea, IR_ld);
}

IRVal gen_ldw_op(X86Trans *t, const X86Operand *op, IRVal ea)
{
    return gen_ld_kind(t, op, ea, IR_ldw);
}

void gen_st_op(X86Trans *t, const X86Operand *op, IRVal ea, IRVal v)
{
    if (op->kind == X86_OP_MEM)
        ir_op2(t->ir, IR_st, X86_BITS(op->size), IR_NOVAL, ea, v);
    else if (op->kind == X86_OP_REG)
        gen_reg_write(t, op->reg, op->size, v);
}

IRVal gen_helper(X86Trans *t, int helper_id, int nargs, IRVal a0, IRVal a1, IRVal a2, IRVal a3)
{
    IRVal args[4] = {a0, a1, a2, a3};
    IRVal out = ir_helpers[helper_id]->has_ret ? ir_temp(t->ir) : IR_NOVAL;
    ir_call(t->ir, helper_id, out, nargs, args);
    return out;
}

/* ---------------------------------------------------------------------- */
/* block exits                                                             */

void gen_set_eip(X86Trans *t, uint32_t pc)
{
    ir_op1(t->ir, IR_mov, 32, IR_G_EIP, gen_const(t, pc));
}

void gen_goto_tb(X86Trans *t, int slot, uint32_t dest)
{
    IROp *op = ir_emit(t->ir, IR_goto_tb, 32);
    op->aux[0] = (uint32_t)slot;
    op->aux[1] = dest;
    t->ended = true;
}

void gen_jmp_indirect(X86Trans *t, IRVal dest)
{
    ir_op1(t->ir, IR_mov, 32, IR_G_EIP, dest);
    ir_emit(t->ir, IR_goto_ptr, 32);
    t->ended = true;
}

/* The raise op carries signo and si_code; si_addr is by convention the
 * pc for SIGILL/SIGFPE and 0 otherwise (what Linux reports for ud2, divide
 * errors, int3 and #GP).  Any other address (a code fetch fault) goes
 * through a helper that gets all four values; the raise op after it is then
 * never reached but keeps the block's end explicit. */
void gen_raise(X86Trans *t, int signo, int code, uint32_t addr, uint32_t eip)
{
    gen_set_eip(t, eip);
    uint32_t conv_addr = (signo == SIGILL || signo == SIGFPE) ? eip : 0;
    if (addr != conv_addr)
        gen_helper(t, x86_helper_raise_id(), 4, gen_const(t, eip), gen_const(t, (uint32_t)signo),
                   gen_const(t, (uint32_t)code), gen_const(t, addr));
    IROp *op = ir_emit(t->ir, IR_raise, 32);
    op->aux[0] = (uint32_t)signo;
    op->aux[1] = (uint32_t)code;
    t->ended = true;
}

void gen_gp(X86Trans *t)
{
    gen_raise(t, SIGSEGV, X86_SI_KERNEL, 0, t->pc);
}

/* -d unimp: each unimplemented instruction is logged once per pc. */
static bool unimp_seen(uint32_t pc)
{
    static uint32_t seen[1024];
    static bool used[1024];
    uint32_t h = (pc * 2654435761u) >> 22;
    for (int i = 0; i < 1024; i++, h = (h + 1) & 1023) {
        if (!used[h]) {
            used[h] = true;
            seen[h] = pc;
            return false;
        }
        if (seen[h] == pc)
            return true;
    }
    return false; /* table full: log again rather than drop */
}

void gen_illegal(X86Trans *t)
{
    gen_raise(t, SIGILL, X86_ILL_ILLOPN, t->pc, t->pc);
}

static void log_unimp(const X86Insn *insn)
{
    if (!log_enabled(LOG_UNIMP) || unimp_seen(insn->pc))
        return;
    xlat_log("xlat: unimplemented instruction %s (opcode 0x%x) at 0x%08x\n",
             x86_mnem_name[insn->mnem], (unsigned)insn->opcode, (unsigned)insn->pc);
}

/* X87 / SSE / SYS: decoded for length only; SIGILL, logged. */
void gen_UNIMP(X86Trans *t, const X86Insn *insn)
{
    log_unimp(insn);
    gen_illegal(t);
}

/* ud0/ud1/ud2 and undefined encodings. */
void gen_UD(X86Trans *t, const X86Insn *insn)
{
    gen_illegal(t);
}

/* Instructions user mode may not run: #GP -> SIGSEGV (SI_KERNEL, addr 0). */
void gen_GP(X86Trans *t, const X86Insn *insn)
{
    gen_gp(t);
}

/* ---------------------------------------------------------------------- */
/* dispatch                                                                */

static const X86GenFn x86_gen_table[X86_NMNEM] = {
    [X86_INVALID] = gen_UD,
    [X86_ADD] = gen_ADD,
    [X86_OR] = gen_OR,
    [X86_ADC] = gen_ADC,
    [X86_SBB] = gen_SBB,
    [X86_AND] = gen_AND,
    [X86_SUB] = gen_SUB,
    [X86_XOR] = gen_XOR,
    [X86_CMP] = gen_CMP,
    [X86_TEST] = gen_TEST,
    [X86_INC] = gen_INC,
    [X86_DEC] = gen_DEC,
    [X86_NEG] = gen_NEG,
    [X86_NOT] = gen_NOT,
    [X86_MUL] = gen_MUL,
    [X86_IMUL] = gen_IMUL,
    [X86_DIV] = gen_DIV,
    [X86_IDIV] = gen_IDIV,
    [X86_ROL] = gen_ROL,
    [X86_ROR] = gen_ROR,
    [X86_RCL] = gen_RCL,
    [X86_RCR] = gen_RCR,
    [X86_SHL] = gen_SHL,
    [X86_SHR] = gen_SHR,
    [X86_SAR] = gen_SAR,
    [X86_SHLD] = gen_SHLD,
    [X86_SHRD] = gen_SHRD,
    [X86_BT] = gen_BT,
    [X86_BTS] = gen_BTS,
    [X86_BTR] = gen_BTR,
    [X86_BTC] = gen_BTC,
    [X86_BSF] = gen_BSF,
    [X86_BSR] = gen_BSR,
    [X86_BSWAP] = gen_BSWAP,
    [X86_XADD] = gen_XADD,
    [X86_XCHG] = gen_XCHG,
    [X86_CMPXCHG] = gen_CMPXCHG,
    [X86_CMPXCHG8B] = gen_CMPXCHG8B,
    [X86_SETCC] = gen_SETCC,
    [X86_CMOVCC] = gen_CMOVCC,
    [X86_JCC] = gen_JCC,
    [X86_JMP] = gen_JMP,
    [X86_JMPF] = gen_GP,
    [X86_CALLF] = gen_GP,
    [X86_RETF] = gen_GP,
    [X86_IRET] = gen_GP,
    [X86_CALL] = gen_CALL,
    [X86_RET] = gen_RET,
    [X86_LOOP] = gen_LOOP,
    [X86_LOOPE] = gen_LOOPE,
    [X86_LOOPNE] = gen_LOOPNE,
    [X86_JCXZ] = gen_JCXZ,
    [X86_ENTER] = gen_ENTER,
    [X86_LEAVE] = gen_LEAVE,
    [X86_PUSH] = gen_PUSH,
    [X86_POP] = gen_POP,
    [X86_PUSHA] = gen_PUSHA,
    [X86_POPA] = gen_POPA,
    [X86_PUSHF] = gen_PUSHF,
    [X86_POPF] = gen_POPF,
    [X86_LAHF] = gen_LAHF,
    [X86_SAHF] = gen_SAHF,
    [X86_CBW] = gen_CBW,
    [X86_CWD] = gen_CWD,
    [X86_MOV] = gen_MOV,
    [X86_MOVSX] = gen_MOVSX,
    [X86_MOVZX] = gen_MOVZX,
    [X86_XLAT] = gen_XLAT,
    [X86_LEA] = gen_LEA,
    [X86_MOVS] = gen_MOVS,
    [X86_CMPS] = gen_CMPS,
    [X86_STOS] = gen_STOS,
    [X86_LODS] = gen_LODS,
    [X86_SCAS] = gen_SCAS,
    [X86_INS] = gen_GP,
    [X86_OUTS] = gen_GP,
    [X86_IN] = gen_GP,
    [X86_OUT] = gen_GP,
    [X86_DAA] = gen_DAA,
    [X86_DAS] = gen_DAS,
    [X86_AAA] = gen_AAA,
    [X86_AAS] = gen_AAS,
    [X86_AAM] = gen_AAM,
    [X86_AAD] = gen_AAD,
    [X86_SALC] = gen_SALC,
    [X86_CPUID] = gen_CPUID,
    [X86_RDTSC] = gen_RDTSC,
    [X86_RDTSCP] = gen_RDTSCP,
    [X86_RDPMC] = gen_GP,
    [X86_NOP] = gen_NOP,
    [X86_FENCE] = gen_NOP,
    [X86_INT] = gen_INT,
    [X86_INT3] = gen_INT3,
    [X86_INTO] = gen_INTO,
    [X86_INT1] = gen_GP,
    [X86_UD] = gen_UD,
    [X86_HLT] = gen_GP,
    [X86_CLI] = gen_GP,
    [X86_STI] = gen_GP,
    [X86_CLC] = gen_CLC,
    [X86_STC] = gen_STC,
    [X86_CMC] = gen_CMC,
    [X86_CLD] = gen_CLD,
    [X86_STD] = gen_STD,
    [X86_BOUND] = gen_BOUND,
    [X86_ARPL] = gen_ARPL,
    [X86_LDS] = gen_LDS,
    [X86_LES] = gen_LES,
    [X86_LFS] = gen_LFS,
    [X86_LGS] = gen_LGS,
    [X86_LSS] = gen_LSS,
    [X86_MOVSEG] = gen_MOVSEG,
    [X86_PUSHSEG] = gen_PUSHSEG,
    [X86_POPSEG] = gen_POPSEG,
    [X86_PRIV] = gen_GP,
    [X86_SYSENTER] = gen_GP,
    [X86_SYSCALL] = gen_GP,
    /* UMIP-enabled kernels give SIGSEGV for these */
    [X86_SGDT] = gen_GP,
    [X86_SIDT] = gen_GP,
    [X86_SLDT] = gen_GP,
    [X86_STR] = gen_GP,
    [X86_SMSW] = gen_GP,
    [X86_LAR] = gen_LAR,
    [X86_LSL] = gen_LSL,
    [X86_VERR] = gen_VERR,
    [X86_VERW] = gen_VERW,
    [X86_XGETBV] = gen_XGETBV,
    [X86_X87] = gen_X87,
    [X86_FXSAVE] = gen_FXSAVE,
    [X86_SSE] = gen_SSE,
    [X86_SYS] = gen_UNIMP,
};

/* ---------------------------------------------------------------------- */
/* fetching                                                                */

/* Copy up to 15 bytes of executable guest code at pc into buf; returns how
 * many, and in *bad the first address that could not be read. */
static size_t x86_fetch(uint32_t pc, uint8_t *buf, uint32_t *bad)
{
    size_t n = 0;
    while (n < X86_MAX_INSN_LEN) {
        uint32_t a = pc + (uint32_t)n;
        if (!guest_access_ok(a, 1, PAGE_EXEC)) {
            *bad = a;
            return n;
        }
        size_t k = GUEST_PAGE_SIZE - (a & ~GUEST_PAGE_MASK);
        if (k > X86_MAX_INSN_LEN - n)
            k = X86_MAX_INSN_LEN - n;
        memcpy(buf + n, g2h(a), k); /* a..a+k-1 stays inside one page */
        n += k;
    }
    *bad = pc + (uint32_t)n;
    return n;
}

static void gen_insn_start(IRBlock *ir, uint32_t pc, uint32_t len)
{
    IROp *op = ir_emit(ir, IR_insn_start, 32);
    op->aux[0] = pc;
    op->aux[1] = len;
}

/* The first instruction of a block cannot be fetched: SIGSEGV at pc. */
static void gen_fetch_fault(X86Trans *t, uint32_t bad, size_t avail)
{
    uint32_t len = avail ? (uint32_t)avail : 1;
    gen_insn_start(t->ir, t->pc, len);
    int code = guest_access_ok(bad, 1, PAGE_VALID) ? X86_SEGV_ACCERR : X86_SEGV_MAPERR;
    gen_raise(t, SIGSEGV, code, bad, t->pc);
    t->ir->guest_size = len;
    t->ir->ninsns = 1;
}

void x86_translate(CPUX86State *env, IRBlock *ir, uint32_t pc)
{
    X86Trans t = {.env = env, .ir = ir, .pc = pc};
    uint32_t cur = pc;
    /* Instructions that lie wholly on the block's first page, once that page
     * is known executable, are decoded in place: one page check per block
     * instead of a check and a copy per instruction.  (Every instruction of
     * a block starts on that page; the rest go through x86_fetch.) */
    uint32_t first_page = guest_access_ok(pc, 1, PAGE_EXEC) ? pc & GUEST_PAGE_MASK : 1;

    ir_block_init(ir, pc);
    for (;;) {
        if (ir->ninsns > 0 &&
            (((cur ^ pc) & GUEST_PAGE_MASK) || ir->ninsns >= X86_MAX_INSNS || ir_block_full(ir)))
            break;
        uint8_t copy[X86_MAX_INSN_LEN];
        const uint8_t *buf = copy;
        uint32_t bad = 0;
        size_t avail;
        if ((cur & GUEST_PAGE_MASK) == first_page &&
            (cur & ~GUEST_PAGE_MASK) <= GUEST_PAGE_SIZE - X86_MAX_INSN_LEN) {
            buf = g2h(cur); /* 15 bytes, all on first_page: executable */
            avail = X86_MAX_INSN_LEN;
        } else {
            avail = x86_fetch(cur, copy, &bad);
        }
        X86Insn insn; /* x86_decode() fills all of it */
        if (!avail)
            memset(&insn, 0, sizeof(insn));
        int r = avail ? x86_decode(&insn, buf, avail, cur) : X86_DEC_SHORT;
        t.pc = cur;
        t.ended = false;
        if (r == X86_DEC_SHORT) {
            if (ir->ninsns == 0) {
                gen_fetch_fault(&t, bad, avail);
                return;
            }
            break;
        }
        if (r == X86_DEC_TOO_LONG)
            insn.len = X86_MAX_INSN_LEN;
        if (insn.len == 0)
            insn.len = 1;
        /* enter with a deep nesting level is the one instruction whose IR
         * can outgrow ir_block_full()'s margin: give it a block of its own */
        if (ir->ninsns > 0 && r == X86_DEC_OK && insn.mnem == X86_ENTER &&
            ir->nops > IR_MAX_OPS / 2)
            break;
        t.next_pc = cur + insn.len;
        t.adsize = insn.adsize == 2 ? 2 : 4;
        gen_insn_start(ir, cur, insn.len);
        if (r == X86_DEC_TOO_LONG) {
            gen_gp(&t); /* more than 15 bytes: #GP */
        } else {
            X86GenFn fn =
                r == X86_DEC_OK && insn.mnem < X86_NMNEM ? x86_gen_table[insn.mnem] : NULL;
            if (r != X86_DEC_OK)
                fn = gen_UD;
            /* (gen_atomic's own test of x86_atomic_mode, made here first:
             * single-threaded guests never need the call) */
            if (r != X86_DEC_OK || !x86_atomic_mode || !gen_atomic(&t, &insn))
                (fn ? fn : gen_UNIMP)(&t, &insn);
        }
        ir->ninsns++;
        ir->guest_size += insn.len;
        cur = t.next_pc;
        if (t.ended)
            return;
    }
    t.pc = cur;
    gen_goto_tb(&t, 0, cur);
}
