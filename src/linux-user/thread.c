/*
 * thread.c - guest threads: clone(CLONE_VM|CLONE_THREAD...) and thread exit.
 *
 * Each guest thread is a host pthread with its own CPUX86State (a copy of
 * the cloning thread's, EAX = 0, ESP = the new stack, TLS from the
 * user_desc), its own jump cache and its own exec loop.  Guest memory is
 * host memory, so futexes on guest addresses pass straight to the host
 * kernel (syscall_proc.c) and CLONE_CHILD_CLEARTID is a store of 0 plus a
 * host FUTEX_WAKE on g2h(ctid).
 *
 * Invariants:
 *  - lu_nthreads counts live guest threads (the main one included); the
 *    last one to call exit ends the process with its status, exit_group
 *    ends all of them at once (host exit).
 *  - The first clone of a thread switches the translator to atomic LOCK
 *    operations (x86_atomic_mode) and flushes the cache, so code translated
 *    while single-threaded (plain RMW, faster) never runs concurrently.
 *
 * Example: glibc's pthread_create calls clone(0x3d0f00, stack, &ptid, &tls,
 * &ctid); the child sees 0 in EAX and the parent the child's tid.
 */
#include "linux-user/lu-internal.h"
#include "linux-user/lu-signal.h"
#include "linux-user/lu-syscalls.h"

#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "exec/exec-internal.h"
#include "util/log.h"

/* The flags a thread clone must have; others (CLONE_SYSVSEM, CLONE_FS...)
 * are accepted as what a thread of one host process gets anyway. */
#define LU_THREAD_NEED (CLONE_VM | CLONE_THREAD | CLONE_SIGHAND | CLONE_FILES | CLONE_FS)

static int lu_nthreads = 1;

typedef struct LuThreadStart {
    CPUX86State *env;
    uint32_t flags, ptid, ctid;
    uint64_t sigblocked;
    sem_t ready;
    uint32_t tid;
} LuThreadStart;

static void *lu_thread_main(void *arg)
{
    LuThreadStart *st = arg;
    CPUX86State *env = st->env;
    env->tid = (uint32_t)syscall(SYS_gettid);
    lu_thread_env = env;
    lu_set_blocked(st->sigblocked);
    if (st->flags & CLONE_PARENT_SETTID)
        copy_to_guest(st->ptid, &env->tid, 4);
    if (st->flags & CLONE_CHILD_SETTID)
        copy_to_guest(st->ctid, &env->tid, 4);
    st->tid = env->tid;
    sem_post(&st->ready); /* st is gone after this */
    cpu_exec(env);
    lu_exit(0);
}

/* The new thread's CPU: the parent's registers, flags, FPU/SSE and TLS. */
static CPUX86State *lu_thread_cpu(const CPUX86State *parent, uint32_t flags, uint32_t newsp,
                                  uint32_t tls, uint32_t ctid)
{
    CPUX86State *env = aligned_alloc(64, (sizeof(*env) + 63) & ~(size_t)63);
    if (!env)
        return NULL;
    memcpy(env, parent, sizeof(*env));
    env->jmp_cache = calloc(TB_JMP_CACHE_SIZE, sizeof(TB *));
    if (!env->jmp_cache) {
        free(env);
        return NULL;
    }
    env->regs[R_EAX] = 0;
    if (newsp)
        env->regs[R_ESP] = newsp;
    env->exit_request = 0;
    env->exit_reason = EXIT_NORMAL;
    env->clear_child_tid = (flags & CLONE_CHILD_CLEARTID) ? ctid : 0;
    env->robust_list = env->robust_list_len = 0;
    if (flags & CLONE_SETTLS) {
        uint32_t a[6] = {tls};
        lu_sys_set_thread_area(env, a);
    }
    return env;
}

/* Enter multi-threaded mode: atomic LOCK ops from now on, and no TB that
 * was translated without them.  Called by the only thread, from a syscall,
 * so no TB runs and the flush happens on the spot. */
static void lu_threads_begin(void)
{
    if (tb_multi_thread)
        return;
    tb_lock();
    x86_atomic_mode = true;
    tb_multi_thread = 1;
    tb_flush();
    tb_unlock();
}

long lu_thread_clone(CPUX86State *env, uint32_t flags, uint32_t newsp, uint32_t ptid, uint32_t tls,
                     uint32_t ctid)
{
    if ((flags & LU_THREAD_NEED) != LU_THREAD_NEED) {
        if (log_enabled(LOG_UNIMP))
            xlat_log("unimplemented: clone with CLONE_VM, flags 0x%x\n", flags);
        return -EINVAL;
    }
    lu_threads_begin();
    LuThreadStart st = {.flags = flags, .ptid = ptid, .ctid = ctid, .sigblocked = lu_sigblocked};
    st.env = lu_thread_cpu(env, flags, newsp, tls, ctid);
    if (!st.env)
        return -ENOMEM;
    sem_init(&st.ready, 0, 0);
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&attr, 1u << 20);
    /* the new host thread starts with every signal blocked, then takes the
     * guest mask: a signal must not find it without lu_thread_env */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    __atomic_add_fetch(&lu_nthreads, 1, __ATOMIC_SEQ_CST);
    pthread_t th;
    int rc = pthread_create(&th, &attr, lu_thread_main, &st);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    pthread_attr_destroy(&attr);
    if (rc != 0) {
        __atomic_sub_fetch(&lu_nthreads, 1, __ATOMIC_SEQ_CST);
        free(st.env->jmp_cache);
        free(st.env);
        sem_destroy(&st.ready);
        return -rc;
    }
    while (sem_wait(&st.ready) != 0)
        continue;
    sem_destroy(&st.ready);
    return st.tid;
}

void lu_mm_lock(void)
{
    tb_lock();
}
void lu_mm_unlock(void)
{
    tb_unlock();
}

pid_t lu_thread_fork(void)
{
    tb_lock();
    pid_t pid = fork();
    if (pid == 0) {
        tb_after_fork_child();
        lu_nthreads = 1;
    } else {
        tb_unlock();
    }
    return pid;
}

/* exit(2) of one thread: CLONE_CHILD_CLEARTID wakes its joiner; the last
 * thread ends the process. */
_Noreturn void lu_thread_exit(CPUX86State *env, int code)
{
    if (__atomic_sub_fetch(&lu_nthreads, 1, __ATOMIC_SEQ_CST) == 0)
        lu_exit(code);
    /* process-directed signals must go to a thread that is still there */
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, NULL);
    if (env->clear_child_tid) {
        uint32_t zero = 0;
        if (copy_to_guest(env->clear_child_tid, &zero, 4))
            syscall(SYS_futex, g2h(env->clear_child_tid), FUTEX_WAKE, 1, NULL, NULL, 0);
    }
    /* after the detach no other thread touches this CPU (jump caches are
     * cleared under tb_lock), and our signals are blocked */
    tb_detach_env(env);
    lu_thread_env = NULL;
    free(env->jmp_cache);
    free(env);
    pthread_exit(NULL);
}
