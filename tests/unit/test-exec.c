/*
 * test-exec.c - the translation cache and the exec loop, with a fake backend
 * and a fake translator (no real guest code runs).
 *
 * The fake guest is a table of blocks: each has a size and either jumps
 * through chain slots, does a syscall, raises a signal or halts.  The fake
 * backend's exec() follows chained slots itself, as generated code would,
 * and returns to the loop otherwise, so the loop's chaining, syscall and
 * cpu_raise paths run for real.  Stand-ins for linux-user and the
 * translator are defined here; the IR optimizer, printer and validator are
 * weak stand-ins, replaced by the real ones when they are linked in.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exec/exec-internal.h"
#include "linux-user/guest-mem.h"
#include "linux-user/linux-user.h"
#include "util/log.h"

static int npass, nfail;
#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (cond)                                                                                  \
            npass++;                                                                               \
        else {                                                                                     \
            nfail++;                                                                               \
            printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond);                                 \
        }                                                                                          \
    } while (0)

/* ---- the fake guest ----------------------------------------------------- */

enum { F_JMP, F_JCC, F_SYSCALL, F_RAISE, F_HALT };
typedef struct FakeBlock {
    uint32_t pc, size;
    int kind;
    uint32_t t0, t1; /* F_JMP: slot 0 target; F_JCC: both slots */
} FakeBlock;

static const FakeBlock fake_blocks[] = {
    {0x1000, 0x10, F_JMP, 0x2000, 0},      {0x2000, 0x10, F_SYSCALL, 0, 0},
    {0x2010, 0x08, F_JMP, 0x1000, 0},      {0x3000, 0x04, F_RAISE, 0, 0},
    {0x4000, 0x04, F_HALT, 0, 0},          {0x5ff8, 0x10, F_JMP, 0x1000, 0},
    {0x7000, 0x10, F_JCC, 0x2000, 0x2000},
};

static const FakeBlock *fake_find(uint32_t pc)
{
    for (size_t i = 0; i < sizeof(fake_blocks) / sizeof(fake_blocks[0]); i++)
        if (fake_blocks[i].pc == pc)
            return &fake_blocks[i];
    return NULL;
}

/* ---- stand-ins for others' code ----------------------------------------- */

uintptr_t guest_base;
uint8_t *page_prot; /* the x87 helpers (linked through the emitter's FP fill) */
__thread CPUX86State *lu_thread_env;
__thread volatile int lu_in_guest;
static int n_protect, n_syscall, n_exception, last_signo;
static int syscalls_before_raise = 1000;

bool guest_access_ok(uint32_t addr, uint32_t len, int prot)
{
    (void)addr, (void)len, (void)prot;
    return false; /* the fake blocks never touch guest memory */
}

void page_protect_code(uint32_t addr, uint32_t len)
{
    (void)addr, (void)len;
    n_protect++;
}

void lu_do_syscall(CPUX86State *env)
{
    CHECK(lu_in_guest == 0);
    n_syscall++;
    if (n_syscall == syscalls_before_raise)
        env->eip = 0x3000;
    else if (n_syscall >= 3 && syscalls_before_raise == 1000)
        env->exit_reason = EXIT_HALT;
}

void lu_handle_exception(CPUX86State *env)
{
    n_exception++;
    last_signo = env->exc_signo;
    env->eip = 0x4000;
}

void lu_process_pending_signals(CPUX86State *env)
{
    (void)env;
}

void x86_translate(CPUX86State *env, IRBlock *ir, uint32_t pc)
{
    const FakeBlock *f = fake_find(pc);
    (void)env;
    ir_block_init(ir, pc);
    ir->guest_size = f ? f->size : 1;
    ir->ninsns = 1;
    /* shaped like real output, so the real validator (debug builds) agrees */
    IROp *start = ir_emit(ir, IR_insn_start, 0);
    start->aux[0] = pc, start->aux[1] = ir->guest_size;
    if (f && f->kind == F_JMP) {
        IROp *op = ir_emit(ir, IR_goto_tb, 0);
        op->aux[0] = 0, op->aux[1] = f->t0;
    } else if (f && f->kind == F_JCC) {
        int l = ir_new_label(ir);
        ir_emit(ir, IR_brcond, 0)->aux[0] = (uint32_t)l;
        IROp *op = ir_emit(ir, IR_goto_tb, 0);
        op->aux[0] = 0, op->aux[1] = f->t0;
        ir_emit(ir, IR_label, 0)->aux[0] = (uint32_t)l;
        op = ir_emit(ir, IR_goto_tb, 0);
        op->aux[0] = 1, op->aux[1] = f->t1;
    } else {
        ir_op1(ir, IR_mov, 32, IR_G_EIP, ir_const(ir, pc + ir->guest_size));
        IROp *op = ir_emit(ir, IR_exit_tb, 0);
        op->aux[0] = EXIT_NORMAL;
    }
}

__attribute__((weak)) void ir_optimize(IRBlock *b)
{
    (void)b;
}
__attribute__((weak)) void ir_print(FILE *f, const IRBlock *b)
{
    (void)f, (void)b;
}
__attribute__((weak)) const char *ir_validate(const IRBlock *b)
{
    (void)b;
    return NULL;
}

/* ---- the fake backend -------------------------------------------------- */

typedef struct ChainCall {
    TB *from;
    int slot;
    TB *to;
} ChainCall;
static ChainCall chain_log[64];
static int n_chain_calls, n_free, n_flush, compile_failures, n_follow;

static void fake_init(void) {}

static int fake_compile(TB *tb, const IRBlock *ir)
{
    (void)ir;
    if (compile_failures > 0) {
        compile_failures--;
        return -1;
    }
    tb->host_code = malloc(16);
    tb->host_size = 16;
    return 0;
}

static void fake_chain(TB *from, int slot, TB *to)
{
    if (n_chain_calls < 64)
        chain_log[n_chain_calls] = (ChainCall){from, slot, to};
    n_chain_calls++;
}

static uint32_t fake_exit(CPUX86State *env, uint32_t reason)
{
    env->exit_reason = reason;
    return reason;
}

static uint32_t fake_exec(CPUX86State *env, TB *tb)
{
    CHECK(lu_in_guest == 1 && tb_running == 1);
    for (;;) {
        const FakeBlock *f = fake_find(tb->pc);
        if (!f)
            return fake_exit(env, EXIT_HALT);
        switch (f->kind) {
        case F_JMP:
            if (tb->jmp_dest[0]) { /* chained: stay in "generated code" */
                tb = tb_jmp_dest(tb, 0);
                n_follow++;
                continue;
            }
            env->eip = f->t0;
            env->exit_tb = tb;
            env->exit_slot = 0;
            return fake_exit(env, EXIT_CHAIN);
        case F_SYSCALL:
            env->eip = f->pc + f->size;
            return fake_exit(env, EXIT_SYSCALL);
        case F_RAISE:
            env->eip = f->pc;
            cpu_raise(env, SIGILL, 2, f->pc);
        default:
            return fake_exit(env, EXIT_HALT);
        }
    }
}

static void fake_free_tb(TB *tb)
{
    free(tb->host_code);
    n_free++;
}

static void fake_flush(void)
{
    n_flush++;
}

static const Backend fake_backend = {
    .name = "fake",
    .init = fake_init,
    .compile = fake_compile,
    .exec = fake_exec,
    .chain = fake_chain,
    .free_tb = fake_free_tb,
    .flush = fake_flush,
};

/* ---- tests ---------------------------------------------------------------- */

static CPUX86State *new_env(void)
{
    CPUX86State *env = calloc(1, sizeof(*env));
    env->jmp_cache = calloc(TB_JMP_CACHE_SIZE, sizeof(TB *));
    env->df = 1;
    return env;
}

static void test_insert_lookup(CPUX86State *env)
{
    TB *a = tb_gen_code(env, 0x1000);
    CHECK(a && a->pc == 0x1000 && a->guest_size == 0x10);
    CHECK(tb_lookup(env, 0x1000) == a);
    CHECK(tb_lookup(env, 0x1004) == NULL);
    CHECK(a->jmp_pc[0] == 0x2000 && a->jmp_pc[1] == ~0u);
    CHECK(tb_page_addr(a, 0) == 0x1000 && tb_page_addr(a, 1) == ~0u && tb_page_addr(a, 2) == ~0u);
    TB *x = tb_gen_code(env, 0x5ff8);
    CHECK(tb_page_addr(x, 0) == 0x5000 && tb_page_addr(x, 1) == 0x6000);
    CHECK(n_protect == 2);

    /* invalidating a range next to a TB leaves it alone */
    tb_invalidate_range(0x1010, 0x1020);
    CHECK(tb_lookup(env, 0x1000) == a && !a->invalid);
    /* the second page of a page-crossing TB */
    tb_invalidate_range(0x6004, 0x6005);
    CHECK(x->invalid && tb_lookup(env, 0x5ff8) == NULL);
    CHECK(tb_deferred_count() == 1 && n_free == 0);
    tb_invalidate_range(0x100f, 0x1010);
    CHECK(a->invalid && tb_lookup(env, 0x1000) == NULL);
    CHECK(tb_deferred_count() == 2);
    tb_exec_drain();
    CHECK(tb_deferred_count() == 0 && n_free == 2);
    /* a page list that lost its TBs still takes new ones */
    a = tb_gen_code(env, 0x1000);
    CHECK(tb_lookup(env, 0x1000) == a);
    tb_invalidate_range(0xfffff000, 0); /* end 0 = top of the address space */
    CHECK(!a->invalid);
}

static void test_chain_bookkeeping(CPUX86State *env)
{
    TB *a = tb_lookup(env, 0x1000);
    TB *b = tb_gen_code(env, 0x2010); /* jumps back to a */
    TB *c = tb_gen_code(env, 0x7000); /* both slots to 0x2000 */
    TB *d = tb_gen_code(env, 0x2000);
    CHECK(c->jmp_pc[0] == 0x2000 && c->jmp_pc[1] == 0x2000);

    n_chain_calls = 0;
    tb_add_jump(a, 0, d);
    tb_add_jump(c, 0, d);
    tb_add_jump(c, 1, d);
    tb_add_jump(b, 0, a);
    tb_add_jump(a, 0, b); /* slot already chained: ignored */
    CHECK(n_chain_calls == 4);
    CHECK(tb_jmp_dest(a, 0) == d && tb_jmp_dest(c, 0) == d && tb_jmp_dest(c, 1) == d);

    ((TB **)env->jmp_cache)[tb_jmp_cache_hash(0x1000)] = a;
    ((TB **)env->jmp_cache)[tb_jmp_cache_hash(0x2000)] = d;
    n_chain_calls = 0;
    tb_invalidate_range(0x2000, 0x2001); /* d: three incoming slots */
    CHECK(d->invalid && n_chain_calls == 3);
    CHECK(tb_jmp_dest(a, 0) == NULL && tb_jmp_dest(c, 0) == NULL && tb_jmp_dest(c, 1) == NULL);
    int unchained = 0;
    for (int i = 0; i < n_chain_calls && i < 64; i++)
        unchained += chain_log[i].to == NULL && chain_log[i].from != d;
    CHECK(unchained == 3);
    /* the invalidated TB leaves the jump cache; valid ones stay */
    CHECK(((TB **)env->jmp_cache)[tb_jmp_cache_hash(0x2000)] == NULL);
    CHECK(((TB **)env->jmp_cache)[tb_jmp_cache_hash(0x1000)] == a);

    /* a: outgoing slot now free; b still chained into a */
    tb_add_jump(a, 0, b);
    CHECK(tb_jmp_dest(a, 0) == b && b->jmp_incoming != 0);
    n_chain_calls = 0;
    tb_invalidate_range(0x1000, 0x1001); /* a: one out (to b), one in (from b) */
    CHECK(n_chain_calls == 2 && tb_jmp_dest(b, 0) == NULL && b->jmp_incoming == 0);
    /* an invalid TB is never chained */
    n_chain_calls = 0;
    tb_add_jump(b, 0, a);
    CHECK(n_chain_calls == 0 && tb_jmp_dest(b, 0) == NULL);
    tb_exec_drain();
    CHECK(tb_deferred_count() == 0);
}

static void test_flush(CPUX86State *env)
{
    uint64_t gen = tb_flush_gen;
    int flushes = n_flush;
    TB *b = tb_lookup(env, 0x2010);
    CHECK(b != NULL);

    tb_running = 1; /* as if a helper asked while a TB runs */
    tb_flush();
    CHECK(tb_lookup(env, 0x2010) == b && n_flush == flushes && tb_flush_gen == gen);
    tb_running = 0;
    tb_exec_drain();
    CHECK(n_flush == flushes + 1 && tb_flush_gen == gen + 1);
    CHECK(tb_lookup(env, 0x2010) == NULL && tb_lookup(env, 0x7000) == NULL);

    /* full code buffer: flush and retry once */
    b = tb_gen_code(env, 0x2010);
    compile_failures = 1;
    TB *a = tb_gen_code(env, 0x1000);
    CHECK(a && a->host_code && n_flush == flushes + 2);
    CHECK(tb_lookup(env, 0x1000) == a && tb_lookup(env, 0x2010) == NULL);
    tb_flush();
}

static void test_exec_loop(CPUX86State *env)
{
    uint64_t chains = exec_stats.chains;
    n_syscall = 0, n_follow = 0;
    env->eip = 0x1000;
    cpu_exec(env);
    CHECK(n_syscall == 3);
    CHECK(exec_stats.chains == chains + 2);
    CHECK(n_follow >= 2);
    CHECK(lu_in_guest == 0 && tb_running == 0);
    TB *a = tb_lookup(env, 0x1000), *d = tb_lookup(env, 0x2000);
    CHECK(a && d && tb_jmp_dest(a, 0) == d);

    /* cpu_raise from "generated code" reaches lu_handle_exception */
    syscalls_before_raise = 2;
    n_syscall = 0, n_exception = 0;
    env->eip = 0x1000;
    cpu_exec(env);
    CHECK(n_exception == 1 && last_signo == SIGILL && env->exc_addr == 0x3000);
    CHECK(lu_in_guest == 0 && tb_running == 0);
}

static void test_log_items(void)
{
    unsigned m = 0;
    const char *bad = NULL;
    CHECK(log_parse_items("in_asm,op_opt,exec", &m, &bad));
    CHECK(m == (LOG_IN_ASM | LOG_OP_OPT | LOG_EXEC));
    CHECK(!log_parse_items("op,nosuch", &m, &bad) && bad && strcmp(bad, "nosuch") == 0);
    CHECK(log_parse_items("all", &m, &bad) && (m & LOG_PAGE) && (m & LOG_IN_ASM));
}

int main(void)
{
    CPUX86State *env = new_env();
    log_file = stderr;
    backend = &fake_backend;
    tb_init();
    tb_attach_env(env);
    test_insert_lookup(env);
    test_chain_bookkeeping(env);
    test_flush(env);
    test_exec_loop(env);
    test_log_items();
    printf("%d passed, %d failed\n", npass, nfail);
    return nfail != 0;
}
