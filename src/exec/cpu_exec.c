/*
 * cpu_exec.c - the exec loop: find or translate the TB for env->eip, run it,
 * and act on why it came back (chain, syscall, guest signal, halt).
 *
 * Invariants:
 *  - env->jmp_env is armed (sigsetjmp) for the whole of cpu_exec(): helpers
 *    unwind to it with cpu_raise(), and the linux-user host fault handler
 *    with env already holding the guest state of the faulting instruction.
 *  - tb_running and lu_in_guest are 1 exactly around backend->exec().
 *  - A TB pointer kept across the top of the loop (the pending chain) is used
 *    only if it was not invalidated and no flush happened meanwhile; it is
 *    checked before tb_exec_drain() can free it.
 *  - Every exit that runs linux-user code on env (syscall, guest signal,
 *    halt) first takes the FP state back from the host FPU (x86_fp_sync).
 *  - Threads: each guest thread runs its own cpu_exec() with its own env and
 *    jump cache; tb_exec_drain() marks the CPU quiescent for deferred frees.
 *    A CPU is "in" (may run TBs, holds TB pointers) from tb_exec_enter() at
 *    the top of the loop to tb_exec_leave() before anything that may block
 *    (system call, exception, signal delivery, the end): a full flush by
 *    another thread parks it in tb_exec_enter() or finds it out.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "exec/exec-internal.h"
#include "linux-user/linux-user.h"
#include "util/log.h"

/* The CPU mode bits a translation depends on: none in i386 user mode. */
static uint32_t cpu_tb_flags(const CPUX86State *env)
{
    (void)env;
    return 0;
}

/* The jump cache's entry for pc in either way, or NULL. */
static TB *cpu_jmp_cache_get(TB **cache, uint32_t h, uint32_t pc, uint32_t flags)
{
    for (int way = 0; way < 2; way++) {
        TB *tb = cache[h + way * TB_JMP_CACHE_SETS];
        if (tb && tb->pc == pc && tb->flags == flags && !tb->invalid)
            return tb;
    }
    return NULL;
}

/* A new entry goes to way 0; the one it displaces to way 1, so that two hot
 * targets with the same index both stay (see exec.h). */
static void cpu_jmp_cache_put(TB **cache, uint32_t h, TB *tb)
{
    if (cache[h] && cache[h] != tb)
        cache[h + TB_JMP_CACHE_SETS] = cache[h];
    cache[h] = tb;
}

static TB *cpu_tb_find(CPUX86State *env, uint32_t pc)
{
    TB **cache = env->jmp_cache;
    uint32_t h = tb_jmp_cache_hash(pc);
    TB *tb = cpu_jmp_cache_get(cache, h, pc, cpu_tb_flags(env));

    if (tb) {
        exec_stats.loop_jc_hits++;
        return tb;
    }
    exec_stats.loop_jc_misses++;
    for (;;) {
        /* under the lock, so that an invalidation by another thread either
         * happens before (tb is a fresh one) or clears the entry after */
        tb_lock();
        uint64_t gen = tb_flush_gen;
        tb = tb_lookup(env, pc);
        if (!tb) {
            /* translation makes system calls (mprotect of the code page),
             * where the kernel may save and restore the FPU: with no
             * exception pending, this AMD host then drops the x87 data
             * pointer of a guest state live in it.  Its spill keeps it. */
            x86_fp_sync(env);
            tb = tb_gen_code(env, pc);
        }
        if (tb) {
            cpu_jmp_cache_put(cache, h, tb);
            tb_unlock();
            return tb;
        }
        /* full, with other threads: they must be stopped, without the lock */
        tb_unlock();
        tb_flush_stopped(gen);
    }
}

/* A pending chain: slot `slot` of `from` exited towards the next TB. */
typedef struct CpuChain {
    TB *from;
    int slot;
    uint64_t gen;
} CpuChain;

static void cpu_try_chain(CpuChain *c, TB *next)
{
    if (c->from && c->gen == tb_flush_gen && !c->from->invalid &&
        c->from->jmp_pc[c->slot] == next->pc)
        tb_add_jump(c->from, c->slot, next);
    c->from = NULL;
}

/* Runs until EXIT_HALT.  Everything it keeps is lost on a longjmp, which is
 * fine: a pending chain is only an optimisation. */
static void cpu_exec_loop(CPUX86State *env)
{
    CpuChain chain = {NULL, 0, 0};
    /* a request made before this point is handled by the first pass */
    env->jmp_probe = env->jmp_cache;

    for (;;) {
        if (env->exit_request) {
            /* clear first: a signal arriving meanwhile asks again */
            env->exit_request = 0;
            env->jmp_probe = env->jmp_cache;
            exec_stats.exit_requests++;
            tb_exec_leave();
            x86_fp_sync(env); /* a handler's frame holds the FP state */
            lu_process_pending_signals(env);
            if (env->exit_reason == EXIT_HALT)
                return;
        }
        tb_exec_enter();
        /* a flush (generation) recycles TBs without marking them invalid */
        if (chain.from && (chain.gen != tb_flush_gen || chain.from->invalid))
            chain.from = NULL;
        tb_exec_drain();
        TB *tb = cpu_tb_find(env, env->eip);
        cpu_try_chain(&chain, tb);

        if (log_enabled(LOG_EXEC))
            xlat_log("Trace 0: %p [%08x]\n", tb->host_code, tb->pc);
        tb_running = 1;
        lu_in_guest = 1;
        uint32_t reason = backend->exec(env, tb);
        lu_in_guest = 0;
        tb_running = 0;
        exec_stats.exits++;
        exec_stats.exit_reason[reason & 7]++;
        /* syscalls, signals and exit read or write the FP state in env;
         * chaining and lookups leave it live in the host FPU */
        if (reason >= EXIT_SYSCALL)
            x86_fp_sync(env);

        switch (reason) {
        case EXIT_NORMAL:
            break;
        case EXIT_CHAIN:
            if (env->exit_tb && env->exit_slot < 2) {
                chain.from = env->exit_tb;
                chain.slot = (int)env->exit_slot;
                chain.gen = tb_flush_gen;
            }
            break;
        case EXIT_SYSCALL:
            tb_exec_leave();
            lu_do_syscall(env);
            if (env->exit_reason == EXIT_HALT)
                return;
            break;
        case EXIT_EXCEPTION:
            tb_exec_leave();
            lu_handle_exception(env);
            if (env->exit_reason == EXIT_HALT)
                return;
            break;
        case EXIT_HALT:
            return;
        default:
            fprintf(stderr, "xlat-i386: bad exit reason %u at 0x%08x\n", reason, env->eip);
            abort();
        }
    }
}

void cpu_exec(CPUX86State *env)
{
    tb_attach_env(env);
    if (backend->attach_env)
        backend->attach_env(env);
    if (sigsetjmp(env->jmp_env, 1) != 0) {
        /* back from cpu_raise() or a host fault in guest code */
        lu_in_guest = 0;
        tb_running = 0;
        exec_stats.exits++;
        tb_exec_leave();
        x86_fp_sync(env);
        lu_handle_exception(env);
    }
    env->exit_reason = EXIT_NORMAL;
    cpu_exec_loop(env);
    tb_exec_leave();
}

_Noreturn void cpu_raise(CPUX86State *env, int signo, int code, uint32_t addr)
{
    env->exc_signo = signo;
    env->exc_code = code;
    env->exc_addr = addr;
    env->exit_reason = EXIT_EXCEPTION;
    siglongjmp(env->jmp_env, 1);
}
