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
 *  - Every live guest thread has a slot (tid, robust list head) in
 *    robust_slots, so that the death of the process releases the robust
 *    futexes of all its threads, as the kernel does.
 *  - A host thread leaves without unwinding (no pthread_exit: libgcc's
 *    unwinder takes a lock that a fork may have copied locked, and that
 *    exit() takes too): one we created returns from lu_thread_main through
 *    thread_done, the main thread makes the bare exit system call.
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
#include <setjmp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "exec/exec-internal.h"
#include "util/log.h"

/* The flags a thread clone must have; others (CLONE_SYSVSEM, CLONE_FS...)
 * are accepted as what a thread of one host process gets anyway. */
#define LU_THREAD_NEED (CLONE_VM | CLONE_THREAD | CLONE_SIGHAND | CLONE_FILES | CLONE_FS)

static int lu_nthreads = 1;

static void robust_slots_after_fork(void);

typedef struct LuThreadStart {
    CPUX86State *env;
    uint32_t flags, ptid, ctid;
    uint64_t sigblocked;
    sem_t ready;
    uint32_t tid;
} LuThreadStart;

/* Where lu_thread_exit() leaves a thread we created (see the header). */
static __thread jmp_buf thread_done;
static __thread bool have_thread_done;

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
    lu_robust_list_set(env, 0, 0); /* claims its slot in the thread table */
    sem_post(&st->ready); /* st is gone after this */
    if (setjmp(thread_done))
        return NULL;
    have_thread_done = true;
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

/* Memory shared with other processes (MAP_SHARED, shmat): their LOCK
 * operations and ours on it must exclude each other, as on the real CPU,
 * so atomic mode goes on as for threads, with the same flush (a process
 * without threads; called from a system call, so no TB runs).  Python's
 * multiprocessing Barrier lost wake-ups: glibc's sem_post is a lock add
 * on a shared page, done as a plain add by two processes at once. */
void lu_atomic_begin(void)
{
    if (x86_atomic_mode)
        return;
    tb_lock();
    x86_atomic_mode = true;
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
    sigset_t old;
    lu_host_block_all(&old);
    __atomic_add_fetch(&lu_nthreads, 1, __ATOMIC_SEQ_CST);
    pthread_t th;
    int rc = pthread_create(&th, &attr, lu_thread_main, &st);
    /* the host glibc takes signal 33 (its SIGSETXID) at its first
     * pthread_create: give it back to the guest */
    static bool took_33_back;
    if (rc == 0 && !took_33_back) {
        took_33_back = true;
        lu_sigaction_changed(33);
    }
    lu_host_setmask(&old);
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

/* The pid of the process that owns this memory (set once a vfork child may
 * exist): a vfork child shares the variable but has another pid. */
static pid_t lu_owner_pid;

bool lu_in_vfork_child(void)
{
    return lu_owner_pid && getpid() != lu_owner_pid;
}

pid_t lu_thread_fork(void)
{
    tb_lock();
    pid_t pid = fork();
    if (pid == 0) {
        tb_after_fork_child();
        lu_nthreads = 1;
        robust_slots_after_fork();
        lu_signal_after_fork();
        if (lu_owner_pid)
            lu_owner_pid = getpid();
    } else {
        tb_unlock();
    }
    return pid;
}

/* ------------------------------------------------------------------ */
/* Robust futexes                                                     */
/*
 * The kernel's robust-futex ABI (Documentation/locking/robust-futex-ABI):
 * set_robust_list registers a 12-byte head {next, futex_offset,
 * list_op_pending} in guest memory; each held lock is an entry of the
 * circular list through `next` (bit 0 set: a PI futex), and its futex word
 * is at entry + futex_offset.  When the thread dies, every word still
 * owned by its tid gets FUTEX_OWNER_DIED (keeping FUTEX_WAITERS), and one
 * waiter is woken, so the next locker sees EOWNERDEAD.  The host kernel
 * only knows the host's own lists, so we walk the guest's, with the
 * kernel's rules: at most 2048 entries, stop at the first fault, the
 * pending entry last (woken even if its word is still 0).
 */

#define LU_FUTEX_WAITERS 0x80000000u
#define LU_FUTEX_OWNER_DIED 0x40000000u
#define LU_FUTEX_TID_MASK 0x3fffffffu
#define LU_ROBUST_LIST_LIMIT 2048

static void robust_wake_one(uint32_t *word)
{
    /* not FUTEX_PRIVATE: the kernel wakes robust futexes as shared, and
     * glibc waits on them that way */
    syscall(SYS_futex, word, FUTEX_WAKE, 1, NULL, NULL, 0);
}

/* The dying thread tid may own the futex word at uaddr: mark it.  false
 * when the word is unusable (the walk stops there). */
static bool robust_futex_death(uint32_t uaddr, uint32_t tid, bool pi, bool pending)
{
    if (uaddr & 3)
        return false;
    uint32_t *word = lu_guest_ptr(uaddr, 4, PAGE_READ | PAGE_WRITE);
    if (!word)
        return false;
    uint32_t old = __atomic_load_n(word, __ATOMIC_SEQ_CST);
    for (;;) {
        if (pending && !pi && old == 0) {
            robust_wake_one(word); /* died between taking the lock and listing it */
            return true;
        }
        if ((old & LU_FUTEX_TID_MASK) != tid)
            return true;
        uint32_t nv = (old & LU_FUTEX_WAITERS) | LU_FUTEX_OWNER_DIED;
        if (__atomic_compare_exchange_n(word, &old, nv, false, __ATOMIC_SEQ_CST,
                                        __ATOMIC_SEQ_CST))
            break;
    }
    /* PI waiters are the host kernel's business (its pi_state of our tid) */
    if (!pi && (old & LU_FUTEX_WAITERS))
        robust_wake_one(word);
    return true;
}

/* A list pointer: the entry address and its PI bit. */
static bool robust_fetch(uint32_t at, uint32_t *entry, bool *pi)
{
    uint32_t v;
    if (!copy_from_guest(&v, at, 4))
        return false;
    *entry = v & ~1u;
    *pi = v & 1;
    return true;
}

/* Walk the list at head for the dying thread tid. */
static void robust_release(uint32_t head, uint32_t tid)
{
    uint32_t entry, pending, next;
    int32_t off;
    bool pi, ppi, npi;
    if (!head || !robust_fetch(head, &entry, &pi) || !copy_from_guest(&off, head + 4, 4) ||
        !robust_fetch(head + 8, &pending, &ppi))
        return;
    for (int limit = LU_ROBUST_LIST_LIMIT; entry != head;) {
        bool ok = robust_fetch(entry, &next, &npi);
        if (entry != pending && !robust_futex_death(entry + (uint32_t)off, tid, pi, false))
            return;
        if (!ok)
            return;
        entry = next;
        pi = npi;
        if (!--limit)
            break;
    }
    if (pending)
        robust_futex_death(pending + (uint32_t)off, tid, ppi, true);
}

/*
 * Every live guest thread's tid and list head, so that the death of the
 * whole process (exit_group, a fatal signal, execve) releases the lists of
 * all its threads, as the kernel does for each thread it kills, and so
 * that get_robust_list can answer for another thread.  Slots are claimed
 * and freed with atomics only: a fatal host signal handler reads them.
 * A vfork child (another process on our memory) stays out of it.
 */
#define LU_ROBUST_SLOTS 1024

typedef struct LuRobustSlot {
    uint32_t tid, head;
} LuRobustSlot;

static LuRobustSlot robust_slots[LU_ROBUST_SLOTS];
static __thread LuRobustSlot *robust_slot; /* the calling thread's, or NULL */

/* The calling thread's slot (claimed on first use); NULL if all are taken
 * (that thread's list is then released only at its own exit). */
static LuRobustSlot *robust_slot_of(CPUX86State *env)
{
    if (robust_slot && __atomic_load_n(&robust_slot->tid, __ATOMIC_RELAXED) == env->tid)
        return robust_slot;
    for (int i = 0; i < LU_ROBUST_SLOTS; i++) {
        uint32_t free_tid = 0;
        if (__atomic_compare_exchange_n(&robust_slots[i].tid, &free_tid, env->tid, false,
                                        __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
            return robust_slot = &robust_slots[i];
    }
    return NULL;
}

static void robust_slot_free(void)
{
    if (robust_slot) {
        __atomic_store_n(&robust_slot->head, 0, __ATOMIC_SEQ_CST);
        __atomic_store_n(&robust_slot->tid, 0, __ATOMIC_SEQ_CST);
        robust_slot = NULL;
    }
}

void lu_robust_list_set(CPUX86State *env, uint32_t head, uint32_t len)
{
    env->robust_list = head;
    env->robust_list_len = len;
    if (lu_in_vfork_child())
        return;
    LuRobustSlot *slot = robust_slot_of(env);
    if (slot)
        __atomic_store_n(&slot->head, head, __ATOMIC_SEQ_CST);
}

bool lu_robust_list_get(uint32_t tid, uint32_t *head)
{
    for (int i = 0; i < LU_ROBUST_SLOTS; i++) {
        if (__atomic_load_n(&robust_slots[i].tid, __ATOMIC_SEQ_CST) == tid) {
            *head = __atomic_load_n(&robust_slots[i].head, __ATOMIC_SEQ_CST);
            return true;
        }
    }
    return false;
}

void lu_robust_list_release(CPUX86State *env)
{
    uint32_t head = env->robust_list;
    env->robust_list = 0;
    if (robust_slot && !lu_in_vfork_child())
        __atomic_store_n(&robust_slot->head, 0, __ATOMIC_SEQ_CST);
    robust_release(head, env->tid);
}

void lu_robust_list_release_all(CPUX86State *env)
{
    if (env)
        lu_robust_list_release(env);
    if (lu_in_vfork_child())
        return;
    for (int i = 0; i < LU_ROBUST_SLOTS; i++) {
        uint32_t tid = __atomic_load_n(&robust_slots[i].tid, __ATOMIC_SEQ_CST);
        uint32_t head = __atomic_exchange_n(&robust_slots[i].head, 0, __ATOMIC_SEQ_CST);
        if (tid && head && (!env || tid != env->tid))
            robust_release(head, tid);
    }
}

/* A fork child keeps only the calling thread. */
static void robust_slots_after_fork(void)
{
    for (int i = 0; i < LU_ROBUST_SLOTS; i++) {
        if (&robust_slots[i] != robust_slot)
            robust_slots[i] = (LuRobustSlot){0, 0};
    }
    if (robust_slot)
        robust_slot->tid = (uint32_t)getpid(); /* our tid in the child */
}

/* exit(2) of one thread: its robust futexes are released, then
 * CLONE_CHILD_CLEARTID wakes its joiner (the kernel's order); the last
 * thread ends the process. */
_Noreturn void lu_thread_exit(CPUX86State *env, int code)
{
    lu_robust_list_release(env);
    if (lu_in_vfork_child())
        lu_exit(code); /* its only thread; the thread count is the parent's */
    robust_slot_free();
    if (__atomic_sub_fetch(&lu_nthreads, 1, __ATOMIC_SEQ_CST) == 0)
        lu_exit(code);
    /* process-directed signals must go to a thread that is still there */
    lu_host_block_all(NULL);
    lu_signal_thread_exit();
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
    if (have_thread_done)
        longjmp(thread_done, 1);
    /* the main thread: the others go on, the process stays */
    for (;;)
        syscall(SYS_exit, 0);
}

/* ------------------------------------------------------------------ */
/* vfork                                                              */
/*
 * A vfork child shares the guest memory with its parent, as natively:
 * glibc's posix_spawn reports a failed exec through that memory, and the
 * child's translations stay in the shared cache for the next child (a
 * fork would copy our page tables and translate the child's path afresh
 * each time, ~10 ms per subprocess of a big Python).  The child is a host
 * process made by clone(CLONE_VM|CLONE_VFORK) on a stack of its own,
 * running its own CPU copy; the host kernel keeps the calling thread
 * asleep until the child calls execve or exits.  The child runs on the
 * calling thread's TLS, so that thread's signal state, jump-cache slot and
 * exec-loop flags are set aside first and taken back afterwards; host
 * signals stay blocked in the thread meanwhile.
 */

#define LU_VFORK_STACK (1u << 20)

static int lu_vfork_child_main(void *arg)
{
    CPUX86State *env = arg;
    env->tid = (uint32_t)getpid();
    lu_thread_env = env;
    lu_set_blocked(lu_sigblocked); /* the parent blocked everything on the host */
    cpu_exec(env);
    lu_exit(0);
}

long lu_thread_vfork(CPUX86State *env, uint32_t flags, uint32_t newsp, uint32_t ptid,
                     uint32_t tls, uint32_t ctid)
{
    if (!lu_owner_pid)
        lu_owner_pid = getpid();
    CPUX86State *child = lu_thread_cpu(env, flags & ~CLONE_CHILD_CLEARTID, newsp, tls, ctid);
    if (!child)
        return -ENOMEM;
    void *stack = mmap(NULL, LU_VFORK_STACK, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    LuSigThreadState *saved = stack != MAP_FAILED ? lu_signal_thread_save() : NULL;
    if (!saved) {
        if (stack != MAP_FAILED)
            munmap(stack, LU_VFORK_STACK);
        free(child->jmp_cache);
        free(child);
        return -ENOMEM;
    }
    sigset_t old;
    lu_host_block_all(&old);
    int running = tb_running, in_guest = lu_in_guest;
    if (log_file)
        fflush(log_file);
    /* the exit signal and the flags that only concern the child's place */
    int hflags = CLONE_VM | CLONE_VFORK | (int)(flags & (CSIGNAL | CLONE_PARENT));
    pid_t pid = clone(lu_vfork_child_main, (uint8_t *)stack + LU_VFORK_STACK, hflags, child);
    int err = errno;
    /* the child has exec'ed or exited: its CPU and stack are ours again */
    tb_detach_env(child);
    tb_attach_env(env);
    tb_running = running;
    lu_in_guest = in_guest;
    lu_thread_env = env;
    lu_signal_thread_restore(saved);
    lu_host_setmask(&old);
    munmap(stack, LU_VFORK_STACK);
    free(child->jmp_cache);
    free(child);
    if (pid < 0)
        return -err;
    if (flags & CLONE_PARENT_SETTID)
        copy_to_guest(ptid, &pid, 4);
    return pid;
}
