/*
 * test-translate.c - the x86 -> IR translator.
 *
 * Hand-assembled i386 byte sequences are placed in guest memory (pages
 * mapped by hand in the guest region), translated, validated with
 * ir_validate, checked for shape (fused read-modify-write, block ends,
 * exits) and for the fault-ordering rule of ir.h (no global or CC write
 * before a faulting op of the same instruction, except the RMW store).
 * Then programs run block by block in the interpreter backend and their
 * registers, flags and memory are checked against what the SDM says.
 * Ends with "N passed, N failed"; exits non-zero on failure.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "exec/exec.h"
#include "linux-user/guest-mem.h"
#include "target/x86/x87.h"
#include "target/x86/cpuid.h"
#include "target/x86/translate.h"
#include "unit.h"

/* Stand-in for the exec layer when the test is linked without it. */
__attribute__((weak)) _Noreturn void cpu_raise(CPUX86State *env, int signo, int code, uint32_t addr)
{
    env->exc_signo = signo;
    env->exc_code = code;
    env->exc_addr = addr;
    env->exit_reason = EXIT_EXCEPTION;
    siglongjmp(env->jmp_env, 1);
}

__attribute__((weak)) void tb_invalidate_range(uint32_t start, uint32_t end) {}


static void check_eq(uint32_t got, uint32_t want, const char *what)
{
    if (got != want) {
        char buf[256];
        snprintf(buf, sizeof(buf), "%s: got 0x%x, want 0x%x", what, got, want);
        check(false, buf);
    } else {
        check(true, what);
    }
}

/* ------------------------------------------------------------------------ */
/* guest memory                                                             */

#define CODE      0x10000u
#define STACK_TOP 0x21000u
#define DATA      0x30000u

static void map_page(uint32_t addr, int prot)
{
    addr &= GUEST_PAGE_MASK;
    int hp = PROT_READ | ((prot & PAGE_WRITE) ? PROT_WRITE : 0);
    if (!prot)
        hp = PROT_NONE;
    if (mprotect(g2h(addr), GUEST_PAGE_SIZE, hp) != 0) {
        perror("mprotect");
        exit(2);
    }
    page_prot[addr >> GUEST_PAGE_BITS] = (uint8_t)(prot ? prot | PAGE_VALID : 0);
}

static void setup_memory(void)
{
    if (!guest_mem_init()) {
        fprintf(stderr, "guest_mem_init failed\n");
        exit(2);
    }
    for (uint32_t a = CODE; a < CODE + 0x2000; a += GUEST_PAGE_SIZE)
        map_page(a, PAGE_READ | PAGE_WRITE | PAGE_EXEC);
    map_page(0x20000, PAGE_READ | PAGE_WRITE);
    map_page(DATA, PAGE_READ | PAGE_WRITE);
    map_page(DATA + 0x1000, PAGE_READ | PAGE_WRITE);
    map_page(0x40000, PAGE_READ | PAGE_WRITE | PAGE_EXEC); /* next page unmapped */
    map_page(0x50000, PAGE_READ | PAGE_WRITE);             /* not executable */
}

static void put_code(uint32_t addr, const uint8_t *code, size_t len)
{
    memcpy(g2h(addr), code, len);
}

static uint32_t rd32(uint32_t a)
{
    uint32_t v;
    memcpy(&v, g2h(a), 4);
    return v;
}

static void wr32(uint32_t a, uint32_t v)
{
    memcpy(g2h(a), &v, 4);
}

/* ------------------------------------------------------------------------ */
/* IR checks                                                                */

static IRBlock ir;

static int count_op(const IRBlock *b, IROpc opc)
{
    int n = 0;
    for (int i = 0; i < b->nops; i++)
        n += b->op[i].opc == opc;
    return n;
}

static bool may_fault(const IROp *op)
{
    if (op->opc == IR_call)
        return (ir_helpers[op->aux[0]]->flags & HF_SYNC) != 0;
    return (ir_opdef[op->opc].flags & IR_F_MEM) != 0;
}

static bool writes_cc(const IROp *op)
{
    if (op->opc == IR_call)
        return (ir_helpers[op->aux[0]]->flags & HF_WRITE_CC) != 0;
    if (!(ir_opdef[op->opc].flags & IR_F_CC))
        return false;
    return op->opc != IR_getcc && op->opc != IR_setcond && op->opc != IR_selcc &&
           op->opc != IR_brcond;
}

/* The FAULTS rule of ir.h: inside one instruction, no op that may fault
 * after a write of a guest register (EIP excepted: it is set to the pc
 * before helpers) or of CC, unless it is the store of a RMW whose ldw came
 * first at the same address. */
static const char *fault_order(const IRBlock *b)
{
    static char msg[128];
    bool wrote = false;
    IRVal ldw_addr[16];
    int nldw = 0;
    for (int i = 0; i < b->nops; i++) {
        const IROp *op = &b->op[i];
        if (op->opc == IR_insn_start) {
            wrote = false;
            nldw = 0;
            continue;
        }
        if (ir_opdef[op->opc].flags & IR_F_END)
            continue;
        if (may_fault(op)) {
            bool rmw = false;
            for (int k = 0; k < nldw && op->opc == IR_st; k++)
                rmw |= ldw_addr[k] == op->in[0];
            if (wrote && !rmw) {
                snprintf(msg, sizeof(msg), "op %d (%s) may fault after a state write", i,
                         ir_opdef[op->opc].name);
                return msg;
            }
            if (op->opc == IR_ldw && nldw < 16)
                ldw_addr[nldw++] = op->in[0];
        }
        for (int k = 0; k < op->nout; k++)
            if (op->out[k] != IR_NOVAL && ir_is_global(op->out[k]) && op->out[k] != IR_G_EIP)
                wrote = true;
        if (writes_cc(op))
            wrote = true;
        if (op->opc == IR_call && (ir_helpers[op->aux[0]]->flags & HF_WRITE_GLOBALS))
            wrote = true;
    }
    return NULL;
}

static void translate_at(CPUX86State *env, uint32_t pc, const char *what)
{
    char buf[256];
    x86_translate(env, &ir, pc);
    const char *err = ir_validate(&ir);
    snprintf(buf, sizeof(buf), "%s: ir_validate: %s", what, err ? err : "");
    check(err == NULL, buf);
    if (err)
        ir_print(stdout, &ir);
    err = fault_order(&ir);
    snprintf(buf, sizeof(buf), "%s: fault order: %s", what, err ? err : "");
    check(err == NULL, buf);
    if (err)
        ir_print(stdout, &ir);
}

/* ------------------------------------------------------------------------ */
/* running in the interpreter                                               */

static void env_reset(CPUX86State *env)
{
    memset(env, 0, sizeof(*env));
    env->df = 1;
    env->regs[R_ESP] = STACK_TOP;
    env->seg_sel[R_DS] = env->seg_sel[R_ES] = env->seg_sel[R_SS] = 0x7b;
    env->seg_sel[R_CS] = 0x73;
    env->guest_base = guest_base;
}

/* Translate and run one block in the interpreter; returns the exit reason. */
static uint32_t run_block(CPUX86State *env)
{
    translate_at(env, env->eip, "run");
    for (int i = 0; i < ir.nops; i++)
        ir.op[i].cc_live = CC_ALL;
    TB *tb = calloc(1, sizeof(TB));
    tb->pc = ir.pc;
    tb->guest_size = ir.guest_size;
    tb->ninsns = ir.ninsns;
    tb->jmp_pc[0] = tb->jmp_pc[1] = ~0u;
    if (backend_interp.compile(tb, &ir) != 0) {
        check(false, "interp compile");
        free(tb);
        return EXIT_HALT;
    }
    volatile uint32_t reason;
    if (sigsetjmp(env->jmp_env, 1) != 0)
        reason = EXIT_EXCEPTION;
    else
        reason = backend_interp.exec(env, tb);
    backend_interp.free_tb(tb);
    free(tb);
    return reason;
}

/* Run from pc until an exit other than a plain block end. */
static uint32_t run(CPUX86State *env, uint32_t pc)
{
    env->eip = pc;
    for (int n = 0; n < 10000; n++) {
        uint32_t reason = run_block(env);
        if (reason != EXIT_NORMAL && reason != EXIT_CHAIN)
            return reason;
    }
    check(false, "program did not finish");
    return EXIT_HALT;
}

/* Place code at CODE and run it; it ends with int 0x80. */
static uint32_t run_code(CPUX86State *env, const uint8_t *code, size_t len)
{
    put_code(CODE, code, len);
    return run(env, CODE);
}

#define RUN(env, ...)                                                                              \
    do {                                                                                           \
        static const uint8_t code_[] = {__VA_ARGS__};                                              \
        run_code(env, code_, sizeof(code_));                                                       \
    } while (0)

/* ------------------------------------------------------------------------ */
/* tests                                                                    */

static void test_alu(void)
{
    CPUX86State env;
    env_reset(&env);
    RUN(&env, 0xb8, 0xff, 0xff, 0xff, 0x7f, /* mov eax, 0x7fffffff */
        0x83, 0xc0, 0x01,                   /* add eax, 1 */
        0xcd, 0x80);
    check_eq(env.regs[R_EAX], 0x80000000, "add result");
    check_eq(env.cc & (CC_O | CC_S | CC_Z | CC_C | CC_A), CC_O | CC_S | CC_A, "add flags");
    check_eq(env.eip, CODE + 10, "eip after int 0x80");

    env_reset(&env);
    env.regs[R_EBX] = 3;
    RUN(&env, 0x31, 0xc0,       /* xor eax, eax */
        0x29, 0xd8,             /* sub eax, ebx */
        0x0f, 0x92, 0xc1,       /* setb cl */
        0x66, 0xb8, 0xff, 0xff, /* mov ax, 0xffff */
        0x66, 0x83, 0xc0, 0x01, /* add ax, 1 */
        0x0f, 0x94, 0xc5,       /* setz ch */
        0xcd, 0x80);
    check_eq(env.regs[R_EAX], 0xffff0000, "16-bit add keeps the upper half");
    check_eq(env.regs[R_ECX] & 0xffff, 0x0101, "setb / setz");
}

static void test_rmw_shape(void)
{
    CPUX86State env;
    env_reset(&env);
    static const uint8_t code[] = {0x01, 0x43, 0x04, 0xcd, 0x80}; /* add [ebx+4], eax */
    put_code(CODE, code, sizeof(code));
    translate_at(&env, CODE, "rmw");
    int i = 0;
    while (i < ir.nops && ir.op[i].opc != IR_ldw)
        i++;
    bool ok = i + 2 < ir.nops && ir.op[i + 1].opc == IR_add_cc && ir.op[i + 2].opc == IR_st &&
              ir.op[i + 2].in[0] == ir.op[i].in[0] && ir.op[i + 2].in[1] == ir.op[i + 1].out[0] &&
              ir.op[i + 1].in[0] == ir.op[i].out[0] && ir.op[i].size == 32;
    check(ok, "add [ebx+4], eax is ldw; add_cc; st");
    check(count_op(&ir, IR_ldw) == 1 && count_op(&ir, IR_ld) == 0, "rmw: one ldw, no ld");
    static const uint8_t xadd[] = {0x0f, 0xc1, 0x0b, 0xcd, 0x80}; /* xadd [ebx], ecx */
    put_code(CODE, xadd, sizeof(xadd));
    translate_at(&env, CODE, "xadd");
    i = 0;
    while (i < ir.nops && ir.op[i].opc != IR_ldw)
        i++;
    check(i + 2 < ir.nops && ir.op[i + 1].opc == IR_add_cc && ir.op[i + 2].opc == IR_st &&
              ir.op[i + 1].in[0] == ir.op[i].out[0] && ir.op[i + 2].in[1] == ir.op[i + 1].out[0],
          "xadd [mem] is ldw; add_cc; st");
    check_eq(ir.ninsns, 2, "block ends after int 0x80");
    check(ir.op[ir.nops - 1].opc == IR_exit_tb && ir.op[ir.nops - 1].aux[0] == EXIT_SYSCALL,
          "int 0x80 exits with EXIT_SYSCALL");

    env_reset(&env);
    env.regs[R_EAX] = 5;
    wr32(DATA + 4, 10);
    RUN(&env, 0xbb, 0x00, 0x00, 0x03, 0x00, /* mov ebx, DATA */
        0x01, 0x43, 0x04,                   /* add [ebx+4], eax */
        0x80, 0x6b, 0x04, 0x01,             /* sub byte [ebx+4], 1 */
        0xf7, 0x53, 0x04,                   /* not dword [ebx+4] */
        0xcd, 0x80);
    check_eq(rd32(DATA + 4), ~14u, "memory RMW result");
}

static void test_jcc_shape(void)
{
    CPUX86State env;
    env_reset(&env);
    static const uint8_t code[] = {0x90, 0x74, 0x05}; /* nop; je +5 */
    put_code(CODE, code, sizeof(code));
    translate_at(&env, CODE, "jcc");
    check_eq(ir.ninsns, 2, "jcc ends the block");
    check_eq(ir.guest_size, 3, "guest_size");
    int n = ir.nops;
    bool ok = n >= 4 && ir.op[n - 1].opc == IR_goto_tb && ir.op[n - 1].aux[0] == 1 &&
              ir.op[n - 1].aux[1] == CODE + 8 && ir.op[n - 2].opc == IR_label &&
              ir.op[n - 3].opc == IR_goto_tb && ir.op[n - 3].aux[0] == 0 &&
              ir.op[n - 3].aux[1] == CODE + 3 && ir.op[n - 4].opc == IR_brcond &&
              ir.op[n - 4].cond == CC_COND_E;
    check(ok, "jcc: brcond; goto_tb 0 next; label; goto_tb 1 target");
}

static void test_block_limits(void)
{
    CPUX86State env;
    env_reset(&env);
    /* nops across the page boundary at CODE + 0x1000 */
    memset(g2h(CODE + 0xff0), 0x90, 0x20);
    translate_at(&env, CODE + 0xff0, "page end");
    check_eq(ir.ninsns, 16, "block stops at the page boundary");
    check(ir.op[ir.nops - 1].opc == IR_goto_tb && ir.op[ir.nops - 1].aux[1] == CODE + 0x1000,
          "falls through to the next page");
    /* a straddling instruction is the last one */
    static const uint8_t mov[] = {0xb8, 1, 2, 3, 4};
    put_code(CODE + 0xffe, mov, sizeof(mov));
    translate_at(&env, CODE + 0xffe, "straddle");
    check_eq(ir.ninsns, 1, "straddling insn translated");
    check_eq(ir.guest_size, 5, "straddling guest_size");
    /* 64 instruction limit */
    memset(g2h(CODE + 0x100), 0x90, 100);
    translate_at(&env, CODE + 0x100, "64 insns");
    check_eq(ir.ninsns, 64, "at most 64 instructions");
}

static void test_fetch_faults(void)
{
    CPUX86State env;
    env_reset(&env);
    /* mapped but not executable */
    check_eq(run(&env, 0x50000), EXIT_EXCEPTION, "nx page: exception");
    check_eq((uint32_t)env.exc_signo, SIGSEGV, "nx page: SIGSEGV");
    check_eq((uint32_t)env.exc_code, X86_SEGV_ACCERR, "nx page: SEGV_ACCERR");
    check_eq(env.exc_addr, 0x50000, "nx page: addr");
    check_eq(env.eip, 0x50000, "nx page: eip");
    /* cut by an unmapped page */
    static const uint8_t code[] = {0x90, 0xb8, 1};
    put_code(0x40ffd, code, sizeof(code));
    translate_at(&env, 0x40ffd, "cut");
    check_eq(ir.ninsns, 1, "cut insn ends the block before it");
    check(ir.op[ir.nops - 1].opc == IR_goto_tb && ir.op[ir.nops - 1].aux[1] == 0x40ffe,
          "cut: goto_tb to it");
    env_reset(&env);
    check_eq(run(&env, 0x40ffe), EXIT_EXCEPTION, "cut first insn: exception");
    check_eq((uint32_t)env.exc_signo, SIGSEGV, "cut: SIGSEGV");
    check_eq((uint32_t)env.exc_code, X86_SEGV_MAPERR, "cut: SEGV_MAPERR");
    check_eq(env.exc_addr, 0x41000, "cut: first inaccessible address");
    check_eq(env.eip, 0x40ffe, "cut: eip");
}

static void test_signals(void)
{
    CPUX86State env;
    env_reset(&env);
    static const uint8_t ud2[] = {0x90, 0x0f, 0x0b};
    put_code(CODE, ud2, sizeof(ud2));
    check_eq(run(&env, CODE), EXIT_EXCEPTION, "ud2 exception");
    check_eq((uint32_t)env.exc_signo, SIGILL, "ud2 SIGILL");
    check_eq((uint32_t)env.exc_code, X86_ILL_ILLOPN, "ud2 ILL_ILLOPN");
    check_eq(env.eip, CODE + 1, "ud2 eip");
    check_eq(env.exc_addr, CODE + 1, "ud2 addr");

    env_reset(&env);
    static const uint8_t int3[] = {0xcc};
    put_code(CODE, int3, 1);
    run(&env, CODE);
    check_eq((uint32_t)env.exc_signo, SIGTRAP, "int3 SIGTRAP");
    check_eq(env.eip, CODE + 1, "int3 eip after");

    env_reset(&env);
    static const uint8_t hlt[] = {0xf4};
    put_code(CODE, hlt, 1);
    run(&env, CODE);
    check_eq((uint32_t)env.exc_signo, SIGSEGV, "hlt SIGSEGV");
    check_eq((uint32_t)env.exc_code, X86_SI_KERNEL, "hlt SI_KERNEL");
    check_eq(env.eip, CODE, "hlt eip");

    env_reset(&env);
    env.regs[R_ECX] = 7;
    static const uint8_t div0[] = {0x31, 0xd2, 0x31, 0xc9, 0xf7, 0xf1}; /* xor edx; xor ecx; div */
    put_code(CODE, div0, sizeof(div0));
    run(&env, CODE);
    check_eq((uint32_t)env.exc_signo, SIGFPE, "div 0 SIGFPE");
    check_eq(env.eip, CODE + 4, "div 0 eip");

    env_reset(&env);
    env.regs[R_EAX] = 0x1234;
    static const uint8_t movds[] = {0x8e, 0xd8}; /* mov ds, ax */
    put_code(CODE, movds, sizeof(movds));
    run(&env, CODE);
    check_eq((uint32_t)env.exc_signo, SIGSEGV, "mov ds, bad selector");
    check_eq(env.eip, CODE, "mov ds eip");

    env_reset(&env);
    static const uint8_t into[] = {0xce, 0xcd, 0x80}; /* into (OF=0); int 0x80 */
    put_code(CODE, into, sizeof(into));
    check_eq(run(&env, CODE), EXIT_SYSCALL, "into with OF=0 continues");

    env_reset(&env);
    x87_reset(&env);
    static const uint8_t x87[] = {0xd9, 0xe8, 0xcd, 0x80}; /* fld1; int 0x80 */
    put_code(CODE, x87, sizeof(x87));
    check_eq(run(&env, CODE), EXIT_SYSCALL, "fld1 runs");
    check_eq(env.fpr[7].sexp, 0x3fff, "fld1 pushes 1.0 into R7");
}

static void test_stack_calls(void)
{
    CPUX86State env;
    env_reset(&env);
    RUN(&env, 0x68, 0x34, 0x12, 0x00, 0x00, /* 0: push 0x1234 */
        0xe8, 0x05, 0x00, 0x00, 0x00,       /* 5: call 15 */
        0x59,                               /* 10: pop ecx */
        0xcd, 0x80,                         /* 11: int 0x80 */
        0x90, 0x90,                         /* 13 */
        0x8b, 0x44, 0x24, 0x04,             /* 15: mov eax, [esp+4] */
        0xc3);                              /* 19: ret */
    check_eq(env.regs[R_EAX], 0x1234, "call/[esp+4]");
    check_eq(env.regs[R_ECX], 0x1234, "ret/pop");
    check_eq(env.regs[R_ESP], STACK_TOP, "esp balanced");

    env_reset(&env);
    env.regs[R_EAX] = 1, env.regs[R_ECX] = 2, env.regs[R_EDX] = 3, env.regs[R_EBX] = 4;
    env.regs[R_EBP] = 6, env.regs[R_ESI] = 7, env.regs[R_EDI] = 8;
    RUN(&env, 0x60,                         /* pusha */
        0x31, 0xc0, 0x31, 0xdb, 0x31, 0xed, /* xor eax, ebx, ebp */
        0x61,                               /* popa */
        0x54,                               /* push esp */
        0x5b,                               /* pop ebx */
        0xc8, 0x08, 0x00, 0x00,             /* enter 8, 0 */
        0x89, 0xee,                         /* mov esi, ebp */
        0xc9,                               /* leave */
        0xcd, 0x80);
    check_eq(env.regs[R_EAX], 1, "popa eax");
    check_eq(env.regs[R_EBP], 6, "popa/leave ebp");
    check_eq(rd32(STACK_TOP - 20), STACK_TOP, "pusha saved esp");
    check_eq(env.regs[R_EBX], STACK_TOP, "push esp pushes the old esp");
    check_eq(env.regs[R_ESI], STACK_TOP - 4, "enter frame");
    check_eq(env.regs[R_ESP], STACK_TOP, "enter/leave balanced");

    env_reset(&env);
    RUN(&env, 0xf9,                   /* stc */
        0xfd,                         /* std */
        0x9c,                         /* pushf */
        0x58,                         /* pop eax */
        0x68, 0xd5, 0x08, 0x00, 0x00, /* push 0x8d5 */
        0x9d,                         /* popf */
        0x9f,                         /* lahf */
        0xfc,                         /* cld */
        0xcd, 0x80);
    check_eq(env.regs[R_EAX] & 0xffff, 0xd700 | 0x602 | 1, "pushf image");
    check_eq(env.cc, 0x8d5, "popf flags");
    check_eq(env.df, 1, "cld");
    check_eq((env.regs[R_EAX] >> 8) & 0xff, 0xd7, "lahf");

    env_reset(&env);
    wr32(STACK_TOP - 4, 0x55);
    env.regs[R_ESP] = STACK_TOP - 4;
    RUN(&env, 0x8f, 0x44, 0x24, 0xfc, /* pop [esp-4]: address uses the new esp */
        0xcd, 0x80);
    check_eq(rd32(STACK_TOP - 4), 0x55, "pop [esp-4] lands on the popped slot");
}

static void test_strings(void)
{
    CPUX86State env;
    env_reset(&env);
    memset(g2h(DATA), 0, 16);
    *(uint8_t *)g2h(DATA) = 'A';
    RUN(&env, 0xbe, 0x00, 0x00, 0x03, 0x00, /* mov esi, DATA */
        0xbf, 0x01, 0x00, 0x03, 0x00,       /* mov edi, DATA+1 */
        0xb9, 0x07, 0x00, 0x00, 0x00,       /* mov ecx, 7 */
        0xf3, 0xa4,                         /* rep movsb */
        0xcd, 0x80);
    check(memcmp(g2h(DATA), "AAAAAAAA", 8) == 0, "overlapping rep movsb repeats");
    check_eq(env.regs[R_ESI], DATA + 7, "rep movsb esi");
    check_eq(env.regs[R_EDI], DATA + 8, "rep movsb edi");
    check_eq(env.regs[R_ECX], 0, "rep movsb ecx");

    env_reset(&env);
    RUN(&env, 0xbf, 0x00, 0x01, 0x03, 0x00, /* mov edi, DATA+0x100 */
        0xb9, 0x00, 0x05, 0x00, 0x00,       /* mov ecx, 0x500 */
        0xb8, 0x78, 0x56, 0x34, 0x12,       /* mov eax, 0x12345678 */
        0xf3, 0xab,                         /* rep stosd (crosses a page) */
        0xcd, 0x80);
    check_eq(env.regs[R_EDI], DATA + 0x100 + 0x1400, "rep stosd edi");
    check_eq(rd32(DATA + 0x100 + 0x13fc), 0x12345678, "rep stosd last");
    check_eq(rd32(DATA + 0x1000), 0x12345678, "rep stosd page 2");

    env_reset(&env);
    memcpy(g2h(DATA + 0x200), "hello", 6);
    RUN(&env, 0xbf, 0x00, 0x02, 0x03, 0x00, /* mov edi, DATA+0x200 */
        0x31, 0xc0,                         /* xor eax, eax */
        0x31, 0xc9, 0x49,                   /* xor ecx, ecx; dec ecx */
        0xf2, 0xae,                         /* repne scasb */
        0xcd, 0x80);
    check_eq(env.regs[R_ECX], 0xfffffff9u, "repne scasb ecx");
    check_eq(env.regs[R_EDI], DATA + 0x206, "repne scasb edi");
    check(env.cc & CC_Z, "repne scasb ZF");

    env_reset(&env);
    memcpy(g2h(DATA), "abcd", 4);
    memcpy(g2h(DATA + 8), "abxd", 4);
    RUN(&env, 0xbe, 0x00, 0x00, 0x03, 0x00, /* mov esi, DATA */
        0xbf, 0x08, 0x00, 0x03, 0x00,       /* mov edi, DATA+8 */
        0xb9, 0x04, 0x00, 0x00, 0x00,       /* mov ecx, 4 */
        0xf3, 0xa6,                         /* repe cmpsb */
        0xac,                               /* lodsb */
        0xcd, 0x80);
    check_eq(env.regs[R_ECX], 1, "repe cmpsb stops at the difference");
    check(!(env.cc & CC_Z) && (env.cc & CC_C), "repe cmpsb flags ('c' < 'x')");
    check_eq(env.regs[R_EAX] & 0xff, 'd', "lodsb");
}

static void test_atomics(void)
{
    CPUX86State env;
    env_reset(&env);
    wr32(DATA, 5);
    RUN(&env, 0xbb, 0x00, 0x00, 0x03, 0x00, /* mov ebx, DATA */
        0xb8, 0x05, 0x00, 0x00, 0x00,       /* mov eax, 5 */
        0xb9, 0x09, 0x00, 0x00, 0x00,       /* mov ecx, 9 */
        0xf0, 0x0f, 0xb1, 0x0b,             /* lock cmpxchg [ebx], ecx */
        0x0f, 0x94, 0xc2,                   /* setz dl */
        0xf0, 0x0f, 0xb1, 0x0b,             /* lock cmpxchg [ebx], ecx (fails) */
        0x0f, 0x94, 0xc6,                   /* setz dh */
        0x0f, 0xc1, 0x0b,                   /* xadd [ebx], ecx */
        0xcd, 0x80);
    check_eq(env.regs[R_EDX] & 0xffff, 0x0001, "cmpxchg ZF");
    check_eq(env.regs[R_EAX], 9, "failed cmpxchg loads eax");
    check_eq(rd32(DATA), 18, "xadd memory");
    check_eq(env.regs[R_ECX], 9, "xadd old value");

    env_reset(&env);
    env.regs[R_EAX] = 3;
    env.regs[R_ECX] = 4;
    RUN(&env, 0x0f, 0xb1, 0xc8, /* cmpxchg eax, ecx (always equal) */
        0x87, 0xca,             /* xchg edx, ecx */
        0x86, 0xe2,             /* xchg dl, ah */
        0xcd, 0x80);
    check_eq(env.regs[R_EAX], 0x0404, "cmpxchg eax, ecx then xchg dl, ah");

    env_reset(&env);
    wr32(DATA, 1);
    wr32(DATA + 4, 2);
    env.regs[R_EAX] = 1, env.regs[R_EDX] = 2, env.regs[R_EBX] = 7, env.regs[R_ECX] = 8;
    env.regs[R_ESI] = DATA;
    RUN(&env, 0x0f, 0xc7, 0x0e, 0xcd, 0x80); /* cmpxchg8b [esi] */
    check(rd32(DATA) == 7 && rd32(DATA + 4) == 8 && (env.cc & CC_Z), "cmpxchg8b");
}

static void test_muldiv_bits(void)
{
    CPUX86State env;
    env_reset(&env);
    wr32(DATA + 12, 0x80000000);
    RUN(&env, 0xb8, 0x64, 0x00, 0x00, 0x00, /* mov eax, 100 */
        0x31, 0xd2,                         /* xor edx, edx */
        0xb9, 0x07, 0x00, 0x00, 0x00,       /* mov ecx, 7 */
        0xf7, 0xf1,                         /* div ecx */
        0x6b, 0xd8, 0xfd,                   /* imul ebx, eax, -3 */
        0xbe, 0x10, 0x00, 0x03, 0x00,       /* mov esi, DATA+16 */
        0xb9, 0xff, 0xff, 0xff, 0xff,       /* mov ecx, -1 */
        0x0f, 0xa3, 0x0e,                   /* bt [esi], ecx */
        0x0f, 0x92, 0xc1,                   /* setc cl */
        0xcd, 0x80);
    check_eq(env.regs[R_EAX], 14, "div quotient");
    check_eq(env.regs[R_EDX], 2, "div remainder");
    check_eq(env.regs[R_EBX], (uint32_t)-42, "imul 3-operand");
    check_eq(env.regs[R_ECX] & 0xff, 1, "bt with a negative register offset");

    env_reset(&env);
    env.regs[R_EBX] = 0xdead;
    RUN(&env, 0xb8, 0x78, 0x56, 0x34, 0x12, /* mov eax, 0x12345678 */
        0xba, 0xf0, 0xde, 0xbc, 0x9a,       /* mov edx, 0x9abcdef0 */
        0x0f, 0xa4, 0xd0, 0x08,             /* shld eax, edx, 8 */
        0x0f, 0xc8 + 2,                     /* bswap edx */
        0x31, 0xc9,                         /* xor ecx, ecx */
        0x0f, 0xbc, 0xd9,                   /* bsf ebx, ecx (zero: keeps ebx) */
        0x0f, 0x44, 0xf8,                   /* cmovz edi, eax */
        0x0f, 0xbe, 0xf2,                   /* movsx esi, dl */
        0x0f, 0xb7, 0xea,                   /* movzx ebp, dx */
        0xcd, 0x80);
    check_eq(env.regs[R_EAX], 0x3456789a, "shld");
    check_eq(env.regs[R_EDX], 0xf0debc9a, "bswap");
    check_eq(env.regs[R_EBX], 0xdead, "bsf zero keeps dest");
    check_eq(env.regs[R_EDI], 0x3456789a, "cmovz taken");
    check_eq(env.regs[R_ESI], 0xffffff9a, "movsx");
    check_eq(env.regs[R_EBP], 0xbc9a, "movzx");

    env_reset(&env);
    env.regs[R_EAX] = 0x15;
    env.regs[R_EBX] = 0x27;
    RUN(&env, 0x00, 0xd8, /* add al, bl */
        0x27,             /* daa */
        0xcd, 0x80);
    check_eq(env.regs[R_EAX] & 0xff, 0x42, "daa");

    env_reset(&env);
    env.regs[R_EAX] = 0x12345678;
    env.regs[R_ECX] = 3;
    RUN(&env, 0xd3, 0xc0, /* rol eax, cl */
        0xd1, 0xf8,       /* sar eax, 1 */
        0xc1, 0xe0, 0x04, /* shl eax, 4 */
        0xcd, 0x80);
    check_eq(env.regs[R_EAX], ((0x12345678u << 3 | 0x12345678u >> 29) >> 1) << 4, "shifts");
}

static void test_loops_misc(void)
{
    CPUX86State env;
    env_reset(&env);
    RUN(&env, 0xb9, 0x05, 0x00, 0x00, 0x00, /* mov ecx, 5 */
        0x31, 0xc0,                         /* xor eax, eax */
        0x40,                               /* L: inc eax */
        0xe2, 0xfd,                         /* loop L */
        0xe3, 0x02,                         /* jecxz +2 */
        0x31, 0xc0,                         /* (skipped) xor eax, eax */
        0x8d, 0x44, 0x40, 0x07,             /* lea eax, [eax+eax*2+7] */
        0xcd, 0x80);
    check_eq(env.regs[R_EAX], 22, "loop / jecxz / lea");

    env_reset(&env);
    RUN(&env, 0x31, 0xc0, /* xor eax, eax */
        0x0f, 0xa2,       /* cpuid */
        0xcd, 0x80);
    check_eq(env.regs[R_EBX], 0x756e6547, "cpuid vendor Genu");
    check_eq(env.regs[R_EAX], 1, "cpuid max leaf");

    env_reset(&env);
    memcpy(g2h(DATA), "0123456789", 10);
    env.regs[R_EBX] = DATA;
    env.regs[R_EAX] = 0x1107;
    RUN(&env, 0xd7, 0xcd, 0x80); /* xlat */
    check_eq(env.regs[R_EAX], 0x1137, "xlat");

    env_reset(&env);
    env.regs[R_EAX] = 0x80;
    RUN(&env, 0x98, /* cwde (opsize 32: cwde) */
        0x66, 0x98, /* cbw */
        0x99,       /* cdq */
        0xcd, 0x80);
    check_eq(env.regs[R_EAX], 0x0000ff80, "cbw");
    check_eq(env.regs[R_EDX], 0, "cdq");

    env_reset(&env);
    RUN(&env, 0x66, 0x6a, 0xff, /* push word -1 */
        0x66, 0x5b,             /* pop bx */
        0xcd, 0x80);
    check_eq(env.regs[R_EBX], 0xffff, "16-bit push/pop");
    check_eq(env.regs[R_ESP], STACK_TOP, "16-bit push/pop esp");
}

static void test_segments(void)
{
    CPUX86State env;
    env_reset(&env);
    env.tls_flags[0] = 1;
    env.tls_base[0] = DATA;
    wr32(DATA + 8, 0xcafe);
    RUN(&env, 0x66, 0xb8, 0x63, 0x00,    /* mov ax, 0x63 (GDT 12, RPL 3) */
        0x8e, 0xe8,                      /* mov gs, ax */
        0x65, 0x8b, 0x1d, 0x08, 0, 0, 0, /* mov ebx, gs:[8] */
        0x8c, 0xe9,                      /* mov ecx, gs */
        0x0f, 0x03, 0xd0,                /* lsl edx, eax */
        0x0f, 0xa8,                      /* push gs */
        0x0f, 0xa9,                      /* pop gs */
        0xcd, 0x80);
    check_eq(env.regs[R_EBX], 0xcafe, "gs: load through a TLS selector");
    check_eq(env.regs[R_ECX], 0x63, "mov ecx, gs");
    check_eq(env.seg_base[R_GS], DATA, "gs base");
    check(env.cc & CC_Z, "lsl on a TLS selector sets ZF");
    check_eq(env.regs[R_ESP], STACK_TOP, "push/pop gs");
}

static void test_cpu_models(void)
{
    check(x86_cpu_select("max"), "select max");
    check_eq(x86_cpu_hwcap(),
             CPUID_FPU | CPUID_TSC | CPUID_CX8 | CPUID_CMOV | (1u << 24) /* FXSR */ | X86_SIMD_EDX,
             "max hwcap");
    check(x86_cpu_select("pentium"), "select pentium");
    check(!(x86_cpu_hwcap() & CPUID_CMOV), "pentium has no cmov");
    check(!x86_cpu_select("nosuchcpu"), "unknown model");
    uint32_t r[4];
    x86_cpu_select("max");
    x86_cpuid(0x80000002, 0, r);
    check(memcmp(r, "xlat virtual CPU", 16) == 0, "brand string");
    x86_cpuid(0x12345, 0, r);
    check(!r[0] && !r[1] && !r[2] && !r[3], "unknown leaf is zero");
}

int main(void)
{
    setup_memory();
    test_alu();
    test_rmw_shape();
    test_jcc_shape();
    test_block_limits();
    test_fetch_faults();
    test_signals();
    test_stack_calls();
    test_strings();
    test_atomics();
    test_muldiv_bits();
    test_loops_misc();
    test_segments();
    test_cpu_models();
    return unit_summary();
}
