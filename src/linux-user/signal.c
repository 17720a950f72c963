/*
 * signal.c - host fault handling and guest signals.
 *
 * Host side: SIGSEGV/SIGBUS/SIGFPE/SIGILL/SIGTRAP run host_fault() on an
 * alternate stack.  A write to a guest page holding translated code is
 * resolved in place (the page is invalidated and unprotected, the store is
 * retried).  A fault while lu_in_guest becomes a guest signal: the backend
 * rebuilds the guest state, and we siglongjmp to the exec loop with
 * EXIT_EXCEPTION.  Any other fault is a bug in xlat and aborts.
 *
 * Guest side: the guest's actions (kernel i386 layout) and blocked mask live
 * here.  Signals the guest handles are caught on the host by async_handler()
 * and queued; queued and synchronous signals are delivered by building an
 * i386 sigframe / rt_sigframe on the guest stack (with the x87/SSE state
 * above it, laid out as an x86-64 kernel does; the handler starts with a
 * fresh FPU and sigreturn reloads the frame's state), at the end of a system
 * call, when an exception reaches lu_handle_exception(), or when the exec
 * loop sees env->exit_request (set by async_handler so that a guest spinning
 * in chained code comes back) and calls lu_process_pending_signals().
 * Signals the guest sends itself while they are blocked go through the host
 * kernel (see syscall_sig.c), so signalfd and sigpending see them and the
 * kernel wakes a thread that waits for them.  The host mask mirrors the
 * guest mask (except the fault signals), real-time signals and 32/33 (the
 * guest glibc's SIGCANCEL/SIGSETXID; raw system calls, see below) included,
 * so the host kernel holds and routes the process's signals exactly as it
 * would for the guest.  Signals whose default action kills get
 * fatal_handler, which releases every guest thread's robust futexes first.
 */
#include "linux-user/lu-internal.h"
#include "linux-user/lu-signal.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#include "exec/exec.h"
#include "exec/pcache.h"
#include "target/x86/x87.h"
#include "util/bytes.h"
#include "util/log.h"

__thread CPUX86State *lu_thread_env;
__thread volatile int lu_in_guest;

LuSigAction lu_sigact[LU_NSIG + 1];
__thread uint64_t lu_sigblocked; /* per guest thread, as in Linux */
__thread LuSigAltStack lu_altstack = {0, LU_SS_DISABLE, 0}; /* per thread */

/* Queued guest signals, per host thread: the host mask of each thread
 * mirrors its guest mask, so the kernel already picks the thread a signal
 * belongs to (the target of tgkill, or one that does not block a
 * process-wide signal), and the handler runs on it. */
static __thread volatile sig_atomic_t pending_any;
static __thread volatile sig_atomic_t pending[LU_NSIG + 1];
static __thread uint8_t pending_info[LU_NSIG + 1][128]; /* guest siginfo, i386 layout */
static __thread uint64_t suspend_mask;                  /* mask to restore after rt_sigsuspend's signal */
static __thread bool have_suspend_mask;
/* Process-directed signals the host kernel cannot hold for us (the fault
 * signals, which the host mask never blocks) sent to ourselves while the
 * sender blocks them: pending for every thread, taken by the first thread
 * that delivers or waits for them, like the kernel's shared queue.  Only
 * touched from system calls and the exec loop (never from a host signal
 * handler), under shared_lock. */
static pthread_mutex_t shared_lock = PTHREAD_MUTEX_INITIALIZER;
static volatile int shared_any;
static uint8_t shared_pending[LU_NSIG + 1];
static uint8_t shared_info[LU_NSIG + 1][128];
/* Which thread takes a fault signal sent to the process (see "Fault
 * signals sent to the process" below). */
typedef struct SigSlot SigSlot;
static SigSlot *sig_slot(void);
static void slot_set_blocked(uint64_t mask);
static void slot_set_waits(uint64_t waits);
/* Page-fault error code of the host fault being turned into a guest SIGSEGV
 * (bits P, W/R, U/S as the guest kernel would report them), or -1. */
static __thread int fault_err = -1;

static const int fault_signals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP};

static bool is_fault_signal(int sig)
{
    for (size_t i = 0; i < sizeof(fault_signals) / sizeof(fault_signals[0]); i++) {
        if (fault_signals[i] == sig)
            return true;
    }
    return false;
}

/* Default actions (signal(7)); everything not listed terminates. */
enum { DFL_TERM, DFL_CORE, DFL_IGN, DFL_STOP };
static const uint8_t default_action[32] = {
    [SIGQUIT] = DFL_CORE, [SIGILL] = DFL_CORE,  [SIGTRAP] = DFL_CORE, [SIGABRT] = DFL_CORE,
    [SIGBUS] = DFL_CORE,  [SIGFPE] = DFL_CORE,  [SIGSEGV] = DFL_CORE, [SIGXCPU] = DFL_CORE,
    [SIGXFSZ] = DFL_CORE, [SIGSYS] = DFL_CORE,  [SIGCHLD] = DFL_IGN,  [SIGURG] = DFL_IGN,
    [SIGWINCH] = DFL_IGN, [SIGCONT] = DFL_IGN,  [SIGSTOP] = DFL_STOP, [SIGTSTP] = DFL_STOP,
    [SIGTTIN] = DFL_STOP, [SIGTTOU] = DFL_STOP,
};

static int dfl_action(int sig)
{
    return sig < 32 ? default_action[sig] : DFL_TERM;
}

static uint64_t sigbit(int sig)
{
    return 1ull << (sig - 1);
}

/* ------------------------------------------------------------------ */
/* Host signal sets and actions that include 32 and 33                */
/*
 * Guest signals 32 and 33 (the guest glibc's SIGCANCEL and SIGSETXID) are
 * host signals 32 and 33, which the host glibc keeps for pthread_cancel and
 * setxid, calls xlat never makes.  Its wrappers refuse or drop them
 * (sigaddset, sigaction, sigprocmask), so sets are built bit by bit and
 * masks and actions set with the raw system calls.
 */

static void host_sigaddset(sigset_t *set, int sig)
{
    ((unsigned long *)set)[(sig - 1) / (8 * sizeof(long))] |=
        1ul << ((sig - 1) % (8 * sizeof(long)));
}

bool lu_host_sigismember(const sigset_t *set, int sig)
{
    return ((const unsigned long *)set)[(sig - 1) / (8 * sizeof(long))] >>
               ((sig - 1) % (8 * sizeof(long))) &
           1;
}

static void host_sigmask(int how, const sigset_t *set, sigset_t *old)
{
    syscall(SYS_rt_sigprocmask, how, set, old, (size_t)(_NSIG / 8));
}

void lu_host_block_all(sigset_t *old)
{
    sigset_t all;
    sigfillset(&all);
    host_sigaddset(&all, 32);
    host_sigaddset(&all, 33);
    host_sigmask(SIG_SETMASK, &all, old);
}

void lu_host_setmask(const sigset_t *set)
{
    host_sigmask(SIG_SETMASK, set, NULL);
}

/* The kernel's struct sigaction on x86-64 (glibc hides SA_RESTORER). */
#define HOST_SA_RESTORER 0x04000000ul
struct host_ksigaction {
    void *handler;
    unsigned long flags;
    void *restorer;
    uint64_t mask;
};

/* The restorer glibc gives its handlers (the x86-64 kernel needs one for
 * every SA_SIGINFO handler), taken once from the fault handlers that
 * lu_signal_init installs through sigaction(). */
static void *host_restorer(void)
{
    static void *restorer;
    struct host_ksigaction ref;
    if (!restorer && syscall(SYS_rt_sigaction, SIGSEGV, NULL, &ref, (size_t)8) == 0)
        restorer = ref.restorer;
    return restorer;
}

/* Set the host action of sig: SIG_DFL, SIG_IGN or a SA_SIGINFO handler
 * run with every signal blocked; the previous action goes to *old if old
 * is not NULL (one system call for both: start-up sets ~60 of them).  The
 * raw call serves 32 and 33 too, which glibc's sigaction refuses. */
static int host_set_action(int sig, void (*fn)(int, siginfo_t *, void *), void (*simple)(int),
                           struct host_ksigaction *old)
{
    struct host_ksigaction ka = {.handler = (void *)simple};
    if (fn) {
        ka.handler = (void *)fn;
        ka.flags = SA_SIGINFO | SA_ONSTACK | HOST_SA_RESTORER;
        ka.restorer = host_restorer();
        ka.mask = ~0ull;
        if (!ka.restorer)
            return -1;
    }
    return (int)syscall(SYS_rt_sigaction, sig, &ka, old, (size_t)8);
}

/* ------------------------------------------------------------------ */
/* Dying and exiting like the native process would                    */

/* Take the default action of sig (which kills) on the host. */
static _Noreturn void die_on_host(int sig)
{
    host_set_action(sig, NULL, SIG_DFL, NULL);
    sigset_t set;
    sigemptyset(&set);
    host_sigaddset(&set, sig);
    host_sigmask(SIG_UNBLOCK, &set, NULL);
    /* not raise(): in a vfork child glibc's cached thread id is the
     * parent's */
    syscall(SYS_tgkill, getpid(), (pid_t)syscall(SYS_gettid), sig);
    _exit(128 + sig);
}

_Noreturn void lu_die_with_signal(int sig)
{
    /* the kernel releases each killed thread's robust futexes */
    lu_robust_list_release_all(lu_thread_env);
    if (log_file)
        fflush(log_file);
    fflush(stdout);
    fflush(stderr);
    die_on_host(sig);
}

void exec_stats_print(void);

_Noreturn void lu_exit(int code)
{
    pcache_save(); /* the persistent translation cache (exec/pcache.c) */
    if (log_enabled(LOG_STATS))
        exec_stats_print();
    if (log_file)
        fflush(log_file);
    /* not exit(): other host threads may still run (one leaving in
     * lu_thread_exit, others in system calls or in generated code), and
     * exit's handlers and destructors (libgcc's frame registry, whose lock
     * a fork may have copied locked) would race with them; nothing of ours
     * needs them.  A vfork child must not flush the parent's stdio. */
    if (!lu_in_vfork_child())
        fflush(stdout);
    _exit(code);
}

/* ------------------------------------------------------------------ */
/* Host handlers                                                      */

/* The i386 siginfo of a host one that kill/sigqueue/a child sent. */
static void guest_info_of(uint8_t gi[128], int sig, const siginfo_t *si)
{
    memset(gi, 0, 128);
    put32(gi, (uint32_t)sig);
    put32(gi + 4, (uint32_t)si->si_errno);
    put32(gi + 8, (uint32_t)si->si_code);
    put32(gi + 12, (uint32_t)si->si_pid);
    put32(gi + 16, (uint32_t)si->si_uid);
    if (sig == SIGCHLD) {
        put32(gi + 20, (uint32_t)si->si_status);
        put32(gi + 24, (uint32_t)si->si_utime);
        put32(gi + 28, (uint32_t)si->si_stime);
    } else if (si->si_code == SI_QUEUE || si->si_code == SI_TIMER || si->si_code == SI_MESGQ) {
        put32(gi + 20, (uint32_t)si->si_value.sival_int);
    }
}

static void queue_signal(int sig, const siginfo_t *si)
{
    guest_info_of(pending_info[sig], sig, si);
    pending[sig] = 1;
    pending_any = 1;
}

/* A signal the guest handles arrived: queue it and make the generated code
 * come back to the exec loop at the next TB entry (a guest spinning in a
 * chained loop would never reach a syscall boundary otherwise). */
static void async_handler(int sig, siginfo_t *si, void *ucv)
{
    queue_signal(sig, si);
    /* a real-time signal queues: further instances stay in the kernel's
     * queue (blocked in this thread) until this one is taken (rt_release) */
    if (sig >= 32)
        host_sigaddset(&((ucontext_t *)ucv)->uc_sigmask, sig);
    if (lu_thread_env)
        cpu_request_exit(lu_thread_env);
}

/* A signal whose guest action is the default one, terminate (or core),
 * arrived from outside: the process dies of it, as natively, but first the
 * robust futex lists of all guest threads are released, which the host
 * kernel cannot do for us (it only knows xlat's own lists). */
static void fatal_handler(int sig, siginfo_t *si, void *ucv)
{
    (void)si;
    (void)ucv;
    /* no stdio here: the interrupted thread may hold a FILE lock */
    lu_robust_list_release_all(lu_thread_env);
    die_on_host(sig);
}

static void route_fault_locked(int sig, const uint8_t info[128]);

/* A fault signal that kill/sigqueue/tgkill sent (host_fault, si_code <=
 * 0), or a tgkill that brings one routed here (lu_take_mail).  One for the
 * process that this thread blocks goes where the kernel would send it
 * (route_fault_locked); if shared_lock is busy (perhaps held by the very
 * code we interrupted) it stays queued here.  The rest is queued for this
 * thread. */
static void foreign_fault_signal(int sig, const siginfo_t *si)
{
    uint8_t info[128];
    bool for_process = si->si_code != SI_TKILL;
    if (lu_take_mail(sig, info))
        for_process = true;
    else
        guest_info_of(info, sig, si);
    if (lu_thread_env && for_process && (lu_sigblocked & sigbit(sig)) && !lu_in_vfork_child() &&
        pthread_mutex_trylock(&shared_lock) == 0) {
        route_fault_locked(sig, info);
        return;
    }
    memcpy(pending_info[sig], info, 128);
    pending[sig] = 1;
    pending_any = 1;
    if (lu_thread_env)
        cpu_request_exit(lu_thread_env);
}

static _Noreturn void internal_error(int sig, uintptr_t pc, uintptr_t addr)
{
    char buf[160];
    int n = snprintf(buf, sizeof(buf),
                     "xlat-i386: internal error: signal %d at host pc %#lx (address %#lx)\n", sig,
                     (unsigned long)pc, (unsigned long)addr);
    if (n > 0 && write(2, buf, (size_t)n) < 0)
        abort();
    abort();
}

static void guest_fault_info(CPUX86State *env, int sig, const siginfo_t *si)
{
    uintptr_t a = (uintptr_t)si->si_addr;
    env->exc_signo = sig;
    env->exc_code = si->si_code;
    env->exc_addr = env->eip;
    if ((sig == SIGSEGV || sig == SIGBUS) && si->si_code > 0 && h_is_guest(a)) {
        uint32_t g = (uint32_t)(a - guest_base);
        env->exc_addr = g;
        if (sig == SIGSEGV)
            env->exc_code =
                (page_prot[g >> GUEST_PAGE_BITS] & PAGE_VALID) ? SEGV_ACCERR : SEGV_MAPERR;
    } else if (sig == SIGSEGV && ((a >= guest_base + (1ull << 32) && a < guest_base + (1ull << 33)) ||
                                  (a < guest_base && a >= guest_base - GUEST_GUARD))) {
        /* an access that wrapped past 4 GiB or below 0 into a guard */
        env->exc_addr = (uint32_t)(a - guest_base);
        env->exc_code = SEGV_MAPERR;
    } else if (sig == SIGSEGV) {
        /* general protection (privileged insn, bad segment): SI_KERNEL, 0 */
        env->exc_addr = 0;
        env->exc_code = SI_KERNEL;
    }
}

static void host_fault(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    uintptr_t pc = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
    uintptr_t addr = (uintptr_t)si->si_addr;
    if (si->si_code <= 0) {
        /* sent by kill/tgkill/raise, not a fault: an ordinary guest signal */
        foreign_fault_signal(sig, si);
        return;
    }
    if (sig == SIGSEGV && h_is_guest(addr) && (uc->uc_mcontext.gregs[REG_ERR] & 2)) {
        uint32_t g = (uint32_t)(addr - guest_base);
        if (page_unprotect_code(g))
            return;
        /* another guest thread unprotected the code page meanwhile: retry */
        int pp = page_prot[g >> GUEST_PAGE_BITS];
        if ((pp & PAGE_WRITE) && !(pp & PAGE_CODE))
            return;
    }
    CPUX86State *env = lu_thread_env;
    if (!lu_in_guest || !env)
        internal_error(sig, pc, addr);
    fault_err = sig == SIGSEGV ? (int)((uc->uc_mcontext.gregs[REG_ERR] & 3) | 4) : -1;
    if (backend && backend->fault_state)
        backend->fault_state(env, uc, pc);
    guest_fault_info(env, sig, si);
    env->exit_reason = EXIT_EXCEPTION;
    lu_in_guest = 0;
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, sig);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    siglongjmp(env->jmp_env, 1);
}

/* The signal mask survives execve: the host mask we started with is the
 * guest's (an exec from under xlat blocks the fault signals there too, see
 * syscall_proc.c); then the host mask takes its usual form. */
static void adopt_inherited_mask(void)
{
    sigset_t cur;
    sigemptyset(&cur);
    host_sigmask(SIG_SETMASK, NULL, &cur);
    uint64_t m = 0;
    for (int s = 1; s <= LU_NSIG && s <= SIGRTMAX; s++) {
        if (lu_host_sigismember(&cur, s))
            m |= sigbit(s);
    }
    lu_set_blocked(m);
}

void lu_signal_init(void)
{
    static bool done;
    if (done)
        return;
    done = true;
    sig_slot(); /* the main thread's */
    adopt_inherited_mask();
    /* the main thread's alternate stack: faults on a full guest-sized host
     * stack (or in deep helper recursion) still reach host_fault() */
    static uint8_t altstack[256 << 10] __attribute__((aligned(16)));
    stack_t ss = {.ss_sp = altstack, .ss_size = sizeof(altstack)};
    sigaltstack(&ss, NULL);
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = host_fault;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
    sigfillset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof(fault_signals) / sizeof(fault_signals[0]); i++) {
        sigdelset(&sa.sa_mask, fault_signals[i]);
    }
    for (size_t i = 0; i < sizeof(fault_signals) / sizeof(fault_signals[0]); i++)
        sigaction(fault_signals[i], &sa, NULL);
    /* Inherited ignored signals stay ignored for the guest, as across exec;
     * the others that kill by default get fatal_handler.  One call each sets
     * fatal_handler and reads the inherited action (put back if it was
     * SIG_IGN); the rest start as SIG_DFL on the host already (exec resets
     * every handled signal) and are only read.  Signals stay blocked
     * meanwhile: one sent to an ignored signal in the moment its handler is
     * fatal_handler stays pending and is discarded when SIG_IGN is back. */
    sigset_t saved;
    lu_host_block_all(&saved);
    for (int s = 1; s <= LU_NSIG && s <= SIGRTMAX; s++) {
        struct host_ksigaction old;
        if (is_fault_signal(s) || s == SIGKILL || s == SIGSTOP)
            continue;
        bool fatal = dfl_action(s) == DFL_TERM || dfl_action(s) == DFL_CORE;
        int r = fatal ? host_set_action(s, fatal_handler, NULL, &old)
                      : (int)syscall(SYS_rt_sigaction, s, NULL, &old, (size_t)8);
        if (r != 0 || old.handler != (void *)SIG_IGN)
            continue;
        lu_sigact[s].handler = LU_SIG_IGN;
        if (fatal)
            host_set_action(s, NULL, SIG_IGN, NULL);
    }
    lu_host_setmask(&saved);
}

/* Guest signal mask -> host sigset: the signals the host kernel may hold
 * for the guest (every one but the fault signals, which must reach
 * host_fault(), and SIGKILL/SIGSTOP). */
void lu_host_sigset(uint64_t mask, sigset_t *hs)
{
    sigemptyset(hs);
    for (int s = 1; s <= LU_NSIG && s <= SIGRTMAX; s++) {
        if ((mask & sigbit(s)) && lu_host_can_hold(s))
            host_sigaddset(hs, s);
    }
}

bool lu_host_can_hold(int sig)
{
    return sig >= 1 && sig <= LU_NSIG && sig <= SIGRTMAX && !is_fault_signal(sig) &&
           sig != SIGKILL && sig != SIGSTOP;
}

/* Mirror the guest mask on the host (so that the host kernel keeps the
 * process's signals pending and picks a thread that takes them, exactly as
 * it would for the guest); real-time signals with an instance queued here
 * stay blocked too (see async_handler). */
static void sync_host_mask(void)
{
    sigset_t set;
    lu_host_sigset(lu_sigblocked, &set);
    for (int s = 32; s <= LU_NSIG && s <= SIGRTMAX; s++)
        if (pending[s])
            host_sigaddset(&set, s);
    host_sigmask(SIG_SETMASK, &set, NULL);
}

/* The queued instance of real-time signal sig was taken: let the kernel
 * hand over the next one, unless the guest blocks it (then the kernel
 * keeps it pending, as for the guest). */
static void rt_release(int sig)
{
    if (sig < 32 || sig > SIGRTMAX || (lu_sigblocked & sigbit(sig)))
        return;
    sigset_t set;
    sigemptyset(&set);
    host_sigaddset(&set, sig);
    host_sigmask(SIG_UNBLOCK, &set, NULL);
}

/* rt_sigsuspend / pause: take guest mask `mask` and sleep until a signal
 * is queued here.  The host signals stay blocked while we look at the
 * queue, and sigsuspend unblocks them atomically, so one that comes in
 * between still ends the sleep. */
void lu_suspend(uint64_t mask)
{
    sigset_t all, hs;
    lu_host_sigset(~0ull, &all);
    lu_host_add_faults(~0ull, &all);
    host_sigmask(SIG_BLOCK, &all, NULL);
    lu_sigblocked = mask & ~(sigbit(SIGKILL) | sigbit(SIGSTOP));
    slot_set_blocked(lu_sigblocked);
    /* look and publish the wait under shared_lock (see route_target) */
    pthread_mutex_lock(&shared_lock);
    bool ready = lu_signal_pending();
    if (!ready)
        slot_set_waits(~lu_sigblocked);
    pthread_mutex_unlock(&shared_lock);
    if (!ready) {
        lu_host_sigset(lu_sigblocked, &hs);
        lu_host_add_faults(lu_sigblocked, &hs);
        for (int s = 32; s <= LU_NSIG && s <= SIGRTMAX; s++)
            if (pending[s])
                host_sigaddset(&hs, s);
        sigsuspend(&hs);
        slot_set_waits(0);
    }
    sync_host_mask();
}

void lu_set_blocked(uint64_t mask)
{
    lu_sigblocked = mask & ~(sigbit(SIGKILL) | sigbit(SIGSTOP));
    slot_set_blocked(lu_sigblocked);
    sync_host_mask();
}

/* The guest changed its action for sig: make the host action match. */
void lu_sigaction_changed(int sig)
{
    if (is_fault_signal(sig) || sig == SIGKILL || sig == SIGSTOP || sig > SIGRTMAX ||
        sig > LU_NSIG)
        return;
    uint32_t h = lu_sigact[sig].handler;
    if (h == LU_SIG_DFL && (dfl_action(sig) == DFL_TERM || dfl_action(sig) == DFL_CORE))
        host_set_action(sig, fatal_handler, NULL, NULL);
    else if (h == LU_SIG_DFL)
        host_set_action(sig, NULL, SIG_DFL, NULL);
    else if (h == LU_SIG_IGN)
        host_set_action(sig, NULL, SIG_IGN, NULL);
    else
        host_set_action(sig, async_handler, NULL, NULL);
}

void lu_set_suspend_mask(uint64_t old)
{
    suspend_mask = old;
    have_suspend_mask = true;
}

/* The process-wide queue as a set (unlocked read: a hint, as signals may
 * arrive any time). */
static uint64_t shared_set(void)
{
    uint64_t set = 0;
    if (!__atomic_load_n(&shared_any, __ATOMIC_ACQUIRE))
        return 0;
    for (int s = 1; s <= LU_NSIG; s++) {
        if (__atomic_load_n(&shared_pending[s], __ATOMIC_RELAXED))
            set |= sigbit(s);
    }
    return set;
}

/* Take sig off the process-wide queue (shared_lock held); false if it is
 * not there (another thread took it). */
static bool shared_take_locked(int sig, uint8_t info[128])
{
    bool had = shared_pending[sig];
    if (had) {
        shared_pending[sig] = 0;
        memcpy(info, shared_info[sig], 128);
        bool any = false;
        for (int s = 1; s <= LU_NSIG; s++)
            any |= shared_pending[s] != 0;
        __atomic_store_n(&shared_any, any, __ATOMIC_RELEASE);
    }
    return had;
}

static bool shared_take(int sig, uint8_t info[128])
{
    pthread_mutex_lock(&shared_lock);
    bool had = shared_take_locked(sig, info);
    pthread_mutex_unlock(&shared_lock);
    return had;
}

static void shared_put_locked(int sig, const uint8_t info[128])
{
    memcpy(shared_info[sig], info, 128);
    put32(shared_info[sig], (uint32_t)sig);
    shared_pending[sig] = 1;
    __atomic_store_n(&shared_any, 1, __ATOMIC_RELEASE);
}

/* ------------------------------------------------------------------ */
/* Fault signals sent to the process                                  */
/*
 * The host mask never blocks the fault signals (a real fault must reach
 * host_fault), so the host kernel cannot hold a SIGSEGV that kill() sends
 * to a process whose threads block it, nor pick the thread that waits for
 * it.  We do that part of the kernel's job: each guest thread has a slot
 * with its tid, its guest mask and the fault signals it waits for
 * (sigtimedwait set, or those sigsuspend/pause unblock).  A process-
 * directed fault signal that the receiving thread blocks goes to a thread
 * that waits for it, else to one that does not block it; with no such
 * thread it stays on the process-wide queue (shared_pending), where a
 * thread that later unblocks or waits for it finds it.  Routing decisions
 * and the publishing of a wait happen under shared_lock, so a wait that
 * starts while the signal is being sent cannot miss it.
 *
 * The kernel lets a process queue a siginfo with the sender's si_code
 * (SI_USER, SI_QUEUE) only to the calling thread, so the siginfo goes into
 * the target's mailbox and a tgkill of the same signal wakes it; the
 * target takes the mailbox's siginfo for it (wait_host in syscall_sig.c,
 * or foreign_fault_signal).  A waiting thread keeps the fault signals it
 * blocks blocked on the host during the wait (no fault can happen while it
 * sleeps in the host kernel), so the signal it waits for is taken by the
 * host's sigtimedwait, and one it blocks does not interrupt the wait.
 */

#define LU_SIG_SLOTS 1024
#define LU_NFAULT    5
struct SigSlot {
    uint32_t tid;     /* 0: free */
    uint64_t blocked; /* the thread's guest mask */
    uint64_t waits;   /* fault signals it waits for now */
    uint32_t mail;    /* fault signals (by fault_index) with a siginfo in mailbox */
};
static SigSlot sig_slots[LU_SIG_SLOTS];
static uint8_t mailbox[LU_SIG_SLOTS][LU_NFAULT][128]; /* apart: scans stay small */
static __thread SigSlot *my_slot;

_Static_assert(sizeof(fault_signals) / sizeof(fault_signals[0]) == LU_NFAULT, "LU_NFAULT");

static int fault_index(int sig)
{
    for (int i = 0; i < LU_NFAULT; i++) {
        if (fault_signals[i] == sig)
            return i;
    }
    return -1;
}

static uint64_t fault_set(void)
{
    uint64_t m = 0;
    for (int i = 0; i < LU_NFAULT; i++)
        m |= sigbit(fault_signals[i]);
    return m;
}

/* The calling thread's slot, claimed on first use (NULL if the table is
 * full: the thread is then never chosen, as if it blocked everything). */
static SigSlot *sig_slot(void)
{
    if (my_slot || lu_in_vfork_child())
        return my_slot;
    uint32_t tid = (uint32_t)syscall(SYS_gettid);
    for (int i = 0; i < LU_SIG_SLOTS; i++) {
        uint32_t free_tid = 0;
        if (__atomic_compare_exchange_n(&sig_slots[i].tid, &free_tid, tid, false, __ATOMIC_SEQ_CST,
                                        __ATOMIC_SEQ_CST)) {
            my_slot = &sig_slots[i];
            __atomic_store_n(&my_slot->blocked, lu_sigblocked, __ATOMIC_SEQ_CST);
            __atomic_store_n(&my_slot->mail, 0, __ATOMIC_SEQ_CST);
            return my_slot;
        }
    }
    return NULL;
}

static void slot_set_blocked(uint64_t mask)
{
    SigSlot *sl = sig_slot();
    if (sl)
        __atomic_store_n(&sl->blocked, mask, __ATOMIC_SEQ_CST);
}

static void slot_set_waits(uint64_t waits)
{
    SigSlot *sl = sig_slot();
    if (sl)
        __atomic_store_n(&sl->waits, waits & fault_set(), __ATOMIC_SEQ_CST);
}

/* The calling guest thread ends: it takes no more signals. */
void lu_signal_thread_exit(void)
{
    if (my_slot)
        __atomic_store_n(&my_slot->tid, 0, __ATOMIC_SEQ_CST);
    my_slot = NULL;
}

/* Another thread that should take process-directed sig: one that waits
 * for it, else one that does not block it; NULL if none (shared_lock
 * held). */
static SigSlot *route_target(int sig)
{
    for (int pass = 0; pass < 2; pass++) {
        for (int i = 0; i < LU_SIG_SLOTS; i++) {
            SigSlot *sl = &sig_slots[i];
            if (sl == my_slot || !__atomic_load_n(&sl->tid, __ATOMIC_SEQ_CST))
                continue;
            bool take = pass == 0
                            ? __atomic_load_n(&sl->waits, __ATOMIC_SEQ_CST) & sigbit(sig)
                            : !(__atomic_load_n(&sl->blocked, __ATOMIC_SEQ_CST) & sigbit(sig));
            if (take)
                return sl;
        }
    }
    return NULL;
}

/* Put guest siginfo `info` of sig in sl's mailbox and wake it with a
 * tgkill; 0 or the errno (ESRCH: the thread is gone). */
static int send_to_slot(SigSlot *sl, int sig, const uint8_t info[128])
{
    int k = fault_index(sig);
    uint32_t bit = 1u << k;
    if (__atomic_load_n(&sl->mail, __ATOMIC_ACQUIRE) & bit)
        return 0; /* one is on its way there already: they merge, as pending ones do */
    memcpy(mailbox[sl - sig_slots][k], info, 128);
    __atomic_fetch_or(&sl->mail, bit, __ATOMIC_RELEASE);
    int saved = errno; /* we may be in a signal handler */
    uint32_t tid = __atomic_load_n(&sl->tid, __ATOMIC_SEQ_CST);
    int err = !tid ? ESRCH : syscall(SYS_tgkill, getpid(), (pid_t)tid, sig) == 0 ? 0 : errno;
    errno = saved;
    if (err)
        __atomic_fetch_and(&sl->mail, ~bit, __ATOMIC_RELEASE);
    return err;
}

/* A tgkill of sig arrived: if it brings a process-directed siginfo from
 * our mailbox, take it into info. */
bool lu_take_mail(int sig, uint8_t info[128])
{
    int k = fault_index(sig);
    if (!my_slot || k < 0 || !(__atomic_load_n(&my_slot->mail, __ATOMIC_ACQUIRE) & (1u << k)))
        return false;
    memcpy(info, mailbox[my_slot - sig_slots][k], 128);
    __atomic_fetch_and(&my_slot->mail, ~(1u << k), __ATOMIC_RELEASE);
    return true;
}

/* A fault signal for the process that the calling thread blocks: to a
 * thread that takes it, or onto the process-wide queue.  The caller holds
 * shared_lock (released here). */
static void route_fault_locked(int sig, const uint8_t info[128])
{
    for (;;) {
        SigSlot *sl = route_target(sig);
        int err = sl ? send_to_slot(sl, sig, info) : -1;
        if (err != ESRCH) {
            if (err)
                shared_put_locked(sig, info);
            break;
        }
        /* it has just gone (killed by exit_group): look again without it */
        __atomic_store_n(&sl->tid, 0, __ATOMIC_SEQ_CST);
    }
    pthread_mutex_unlock(&shared_lock);
}

/* kill/rt_sigqueueinfo to our own process of a signal that the calling
 * thread blocks and the host cannot hold (a fault signal): queue it for
 * the process, or give it to a thread that waits for it or does not block
 * it, as the kernel would. */
void lu_queue_process_info(int sig, const uint8_t info[128])
{
    uint8_t gi[128];
    memcpy(gi, info, 128);
    put32(gi, (uint32_t)sig);
    if (lu_in_vfork_child()) {
        /* one thread, and the queue is the parent's memory */
        lu_queue_self_info(sig, gi);
        return;
    }
    pthread_mutex_lock(&shared_lock);
    route_fault_locked(sig, gi);
}

/* Start waiting for the signals of `set` (sigtimedwait): take one that is
 * already queued for this thread or the process, else publish the fault
 * signals of the set as waited for, atomically with that look. */
int lu_wait_begin(uint64_t set, uint8_t info[128])
{
    for (int s = 1; s <= LU_NSIG; s++) {
        if (pending[s] && (set & sigbit(s))) {
            pending[s] = 0;
            memcpy(info, pending_info[s], 128);
            rt_release(s);
            return s;
        }
    }
    pthread_mutex_lock(&shared_lock);
    for (int s = 1; s <= LU_NSIG; s++) {
        if ((set & sigbit(s)) && shared_take_locked(s, info)) {
            pthread_mutex_unlock(&shared_lock);
            return s;
        }
    }
    slot_set_waits(set);
    pthread_mutex_unlock(&shared_lock);
    return 0;
}

void lu_wait_end(void)
{
    slot_set_waits(0);
}

/* Add to hs the fault signals of guest mask `mask` (a thread about to
 * sleep in the host kernel, where no fault can happen). */
void lu_host_add_faults(uint64_t mask, sigset_t *hs)
{
    for (size_t i = 0; i < sizeof(fault_signals) / sizeof(fault_signals[0]); i++) {
        if (mask & sigbit(fault_signals[i]))
            host_sigaddset(hs, fault_signals[i]);
    }
}

/* A fork child starts with nothing pending. */
void lu_signal_after_fork(void)
{
    pthread_mutex_t fresh = PTHREAD_MUTEX_INITIALIZER; /* a gone thread may have held it */
    shared_lock = fresh;
    memset(shared_pending, 0, sizeof(shared_pending));
    shared_any = 0;
    /* only the calling thread lives on, with the child's pid as its tid */
    for (int i = 0; i < LU_SIG_SLOTS; i++) {
        if (&sig_slots[i] != my_slot && sig_slots[i].tid)
            sig_slots[i] = (SigSlot){0, 0, 0, 0};
    }
    if (my_slot)
        *my_slot = (SigSlot){(uint32_t)getpid(), lu_sigblocked, 0, 0};
}

bool lu_signal_pending(void)
{
    return lu_next_pending() != 0;
}

/* The signal delivered next: the lowest queued one not blocked, or 0. */
int lu_next_pending(void)
{
    if (!pending_any && !shared_any)
        return 0;
    uint64_t shared = shared_set();
    for (int s = 1; s <= LU_NSIG; s++) {
        if ((pending[s] || (shared & sigbit(s))) && !(lu_sigblocked & sigbit(s)))
            return s;
    }
    return 0;
}

/* Signals queued here (sent to ourselves, or caught while unblocked), and
 * for the whole process. */
uint64_t lu_pending_set(void)
{
    uint64_t set = shared_set();
    for (int s = 1; s <= LU_NSIG; s++) {
        if (pending[s])
            set |= sigbit(s);
    }
    return set;
}

/* rt_sigqueueinfo to ourselves: queue the guest's own siginfo. */
void lu_queue_self_info(int sig, const uint8_t info[128])
{
    memcpy(pending_info[sig], info, 128);
    put32(pending_info[sig], (uint32_t)sig);
    pending[sig] = 1;
    pending_any = 1;
}

/* kill/tgkill/tkill aimed at ourselves: queue like the kernel would. */
void lu_queue_self(int sig, int code)
{
    uint8_t *gi = pending_info[sig];
    memset(gi, 0, 128);
    put32(gi, (uint32_t)sig);
    put32(gi + 8, (uint32_t)code);
    put32(gi + 12, (uint32_t)getpid());
    put32(gi + 16, (uint32_t)getuid());
    pending[sig] = 1;
    pending_any = 1;
}

/* A vfork child runs on this thread's TLS (and the process's action table)
 * while this thread sleeps in clone: keep ours aside, give the child an
 * empty queue as the kernel does, and take ours back afterwards. */
struct LuSigThreadState {
    LuSigAction act[LU_NSIG + 1];
    uint64_t blocked, suspend_mask;
    LuSigAltStack altstack;
    bool have_suspend_mask;
    int fault_err;
    sig_atomic_t pending_any, pending[LU_NSIG + 1];
    uint8_t info[LU_NSIG + 1][128];
    SigSlot *slot;
};

LuSigThreadState *lu_signal_thread_save(void)
{
    LuSigThreadState *s = malloc(sizeof(*s));
    if (!s)
        return NULL;
    memcpy(s->act, lu_sigact, sizeof(s->act));
    s->blocked = lu_sigblocked;
    s->suspend_mask = suspend_mask;
    s->altstack = lu_altstack;
    s->have_suspend_mask = have_suspend_mask;
    s->fault_err = fault_err;
    s->pending_any = pending_any;
    for (int i = 0; i <= LU_NSIG; i++) {
        s->pending[i] = pending[i];
        pending[i] = 0;
    }
    memcpy(s->info, pending_info, sizeof(s->info));
    pending_any = 0;
    have_suspend_mask = false;
    s->slot = my_slot; /* the child is not one of our threads */
    my_slot = NULL;
    return s;
}

void lu_signal_thread_restore(LuSigThreadState *s)
{
    memcpy(lu_sigact, s->act, sizeof(s->act));
    lu_sigblocked = s->blocked;
    suspend_mask = s->suspend_mask;
    lu_altstack = s->altstack;
    have_suspend_mask = s->have_suspend_mask;
    fault_err = s->fault_err;
    for (int i = 0; i <= LU_NSIG; i++)
        pending[i] = s->pending[i];
    memcpy(pending_info, s->info, sizeof(s->info));
    pending_any = s->pending_any;
    my_slot = s->slot;
    free(s);
}

/* ------------------------------------------------------------------ */
/* Guest frames (i386 kernel layout)                                  */

/* struct sigcontext (88 bytes) */
enum {
    SC_GS = 0,
    SC_FS = 4,
    SC_ES = 8,
    SC_DS = 12,
    SC_EDI = 16,
    SC_ESI = 20,
    SC_EBP = 24,
    SC_ESP = 28,
    SC_EBX = 32,
    SC_EDX = 36,
    SC_ECX = 40,
    SC_EAX = 44,
    SC_TRAPNO = 48,
    SC_ERR = 52,
    SC_EIP = 56,
    SC_CS = 60,
    SC_EFLAGS = 64,
    SC_ESP_AT_SIGNAL = 68,
    SC_SS = 72,
    SC_FPSTATE = 76,
    SC_OLDMASK = 80,
    SC_CR2 = 84,
    SC_SIZE = 88
};
/* struct rt_sigframe: pretcode, sig, pinfo, puc, siginfo, ucontext, retcode */
enum {
    RT_INFO = 16,
    RT_UC = 144,
    RT_UC_STACK = RT_UC + 8,
    RT_SC = RT_UC + 20,
    RT_MASK = RT_SC + SC_SIZE,
    RT_RETCODE = RT_MASK + 8,
    RT_SIZE = RT_RETCODE + 8
};
/* struct sigframe: pretcode, sig, sigcontext, unused fpstate, extramask, retcode */
enum { SF_SC = 8, SF_EXTRAMASK = 720, SF_RETCODE = 724, SF_SIZE = 732 };

static const uint8_t reg_slot[8] = {
    [R_EAX] = SC_EAX, [R_ECX] = SC_ECX, [R_EDX] = SC_EDX, [R_EBX] = SC_EBX,
    [R_ESP] = SC_ESP, [R_EBP] = SC_EBP, [R_ESI] = SC_ESI, [R_EDI] = SC_EDI,
};
static const uint8_t seg_slot[][2] = {
    {R_GS, SC_GS}, {R_FS, SC_FS}, {R_ES, SC_ES}, {R_DS, SC_DS}, {R_CS, SC_CS}, {R_SS, SC_SS},
};

static int trapno_of(CPUX86State *env, int sig)
{
    switch (sig) {
    case SIGSEGV:
        return 14;
    case SIGFPE:
        /* #DE (0) for integer divides; #MF (16) while an x87 exception is
         * pending (FSW.ES), else #XM (19) */
        if (env->exc_code < FPE_FLTDIV)
            return 0;
        return (env->fsw & 0x80) ? 16 : 19;
    case SIGILL:
        return 6;
    case SIGTRAP:
        return 3;
    default:
        return 0;
    }
}

static void save_sigcontext(uint8_t *sc, CPUX86State *env, int sig, uint32_t addr, uint64_t mask)
{
    memset(sc, 0, SC_SIZE);
    for (int r = 0; r < 8; r++)
        put32(sc + reg_slot[r], env->regs[r]);
    for (size_t i = 0; i < sizeof(seg_slot) / sizeof(seg_slot[0]); i++)
        put32(sc + seg_slot[i][1], env->seg_sel[seg_slot[i][0]]);
    put32(sc + SC_TRAPNO, (uint32_t)trapno_of(env, sig));
    put32(sc + SC_ERR, sig == SIGSEGV ? (uint32_t)(fault_err >= 0 ? fault_err : 4) : 0);
    put32(sc + SC_EIP, env->eip);
    put32(sc + SC_EFLAGS, x86_get_eflags(env));
    put32(sc + SC_ESP_AT_SIGNAL, env->regs[R_ESP]);
    put32(sc + SC_OLDMASK, (uint32_t)mask);
    put32(sc + SC_CR2, addr);
}

static void restore_sigcontext(CPUX86State *env, const uint8_t *sc)
{
    for (int r = 0; r < 8; r++)
        env->regs[r] = get32(sc + reg_slot[r]);
    env->eip = get32(sc + SC_EIP);
    x86_set_eflags(env, get32(sc + SC_EFLAGS));
    uint16_t gs = (uint16_t)get32(sc + SC_GS), fs = (uint16_t)get32(sc + SC_FS);
    uint32_t base = 0;
    env->seg_sel[R_GS] = gs;
    env->seg_base[R_GS] = lu_tls_lookup(env, gs, &base) ? base : 0;
    base = 0;
    env->seg_sel[R_FS] = fs;
    env->seg_base[R_FS] = lu_tls_lookup(env, fs, &base) ? base : 0;
}

/* ------------------------------------------------------------------ */
/* FPU state in the frame                                             */
/*
 * What an x86-64 kernel writes for a 32-bit process (struct _fpstate_32,
 * uapi asm/sigcontext.h), above the sigframe: the 112-byte legacy header
 * (fnsave layout with FCS = user CS, FOS = DS | 0xffff0000, then status
 * and magic 0 = "fxsave data follows"), then at a 64-byte boundary the
 * xsave image in its 64-bit format (FIP/FDP 64 bits wide, no selectors),
 * whose software bytes (464..511) carry FP_XSTATE_MAGIC1 and the sizes, and
 * FP_XSTATE_MAGIC2 after it.  We give the smallest xsave image: x87 and
 * SSE only (576 bytes).  On sigreturn the image is loaded first and the
 * legacy header then overrides the x87 part, as the kernel does.
 */
enum {
    FP_LEGACY = 112,           /* struct _fpstate_32 up to _fxsr_env */
    FP_STATUS = 108,           /* __u16 status, __u16 magic */
    FPX_SW = 464,              /* struct _fpx_sw_bytes in the image */
    FPX_HDR = 512,             /* xsave header: xstate_bv */
    FPX_XSTATE_SIZE = 576,     /* legacy area + xsave header */
    FPX_FRAME = FPX_XSTATE_SIZE + 4, /* + FP_XSTATE_MAGIC2 */
    FP_AREA = FP_LEGACY + FPX_FRAME,
};
#define LU_FP_XSTATE_MAGIC1 0x46505853u
#define LU_FP_XSTATE_MAGIC2 0x46505845u
#define FPX_FEATURES 3u        /* x87 | SSE */

static void save_fpstate(uint8_t *a, const CPUX86State *env)
{
    memset(a, 0, FP_AREA);
    uint8_t *fx = a + FP_LEGACY;
    x87_fxsave_image(env, fx);
    memset(fx + 12, 0, 4); /* 64-bit format: upper FIP, upper FDP */
    memset(fx + 20, 0, 4);
    x87_fnsave_image(env, a);
    put32(a + 12, get32(fx + 8));
    put32(a + 16, env->seg_sel[R_CS]);
    put32(a + 20, get32(fx + 16));
    put32(a + 24, 0xffff0000u | env->seg_sel[R_DS]);
    memcpy(a + FP_STATUS, fx + 2, 2); /* status = FSW, magic = 0 */
    put32(fx + FPX_SW, LU_FP_XSTATE_MAGIC1);
    put32(fx + FPX_SW + 4, FP_AREA); /* extended_size counts the legacy header */
    put32(fx + FPX_SW + 8, FPX_FEATURES);
    put32(fx + FPX_SW + 16, FPX_XSTATE_SIZE);
    put32(fx + FPX_HDR, FPX_FEATURES);
    put32(fx + FPX_XSTATE_SIZE, LU_FP_XSTATE_MAGIC2);
}

/* The handler runs with the FPU in its initial state. */
static void fresh_fpstate(CPUX86State *env)
{
    x87_reset(env);
    memset(env->xmm, 0, sizeof(env->xmm));
}

/* Load the state at guest address fpa (0: initial state); false if the
 * area is unreadable or invalid (sigreturn then kills with SIGSEGV). */
static bool restore_fpstate(CPUX86State *env, uint32_t fpa)
{
    uint8_t a[FP_AREA];
    if (!fpa) {
        fresh_fpstate(env);
        return true;
    }
    if (!copy_from_guest(a, fpa, FP_LEGACY + X87_FXSAVE_USED))
        return false;
    uint8_t *fx = a + FP_LEGACY;
    uint32_t features = FPX_FEATURES, bv = FPX_FEATURES;
    /* the xsave path needs both magics and a size we could have written
     * (576 is both the smallest and our largest); otherwise the kernel
     * takes the image as plain fxsave data */
    if (copy_from_guest(fx + X87_FXSAVE_USED, fpa + FP_LEGACY + X87_FXSAVE_USED,
                        FPX_FRAME - X87_FXSAVE_USED) &&
        get32(fx + FPX_SW) == LU_FP_XSTATE_MAGIC1 && get32(fx + FPX_SW + 16) == FPX_XSTATE_SIZE &&
        get32(fx + FPX_SW + 4) >= FPX_XSTATE_SIZE &&
        get32(fx + FPX_XSTATE_SIZE) == LU_FP_XSTATE_MAGIC2) {
        features = get32(fx + FPX_SW + 8);
        bv = get32(fx + FPX_HDR);
    }
    if (!x87_fxrstor_image(env, fx))
        return false;
    uint16_t fcs = env->fcs, fds = env->fds;
    x87_frstor_image(env, a);
    env->fcs = fcs; /* "cs and ds ignored" */
    env->fds = fds;
    bv &= features;
    if (!(bv & 1)) {
        uint32_t mxcsr = env->mxcsr;
        x87_reset(env);
        env->mxcsr = mxcsr;
    }
    if (!(bv & 2))
        memset(env->xmm, 0, sizeof(env->xmm));
    return true;
}

/* Where the frame goes: the alternate stack if asked for and not on it.
 * The FPU area goes first (highest), at *fpa. */
static uint32_t frame_sp(CPUX86State *env, const LuSigAction *act, uint32_t size, uint32_t *fpa)
{
    uint32_t sp = env->regs[R_ESP];
    if ((act->flags & LU_SA_ONSTACK) && !(lu_altstack.flags & LU_SS_DISABLE) &&
        sp - lu_altstack.sp >= lu_altstack.size)
        sp = lu_altstack.sp + lu_altstack.size;
    *fpa = ((sp - FPX_FRAME) & ~63u) - FP_LEGACY;
    return ((*fpa - size + 4) & ~15u) - 4;
}

static bool setup_frame(CPUX86State *env, int sig, const LuSigAction *act, const uint8_t *info,
                        uint64_t oldmask)
{
    bool rt = act->flags & LU_SA_SIGINFO;
    uint32_t size = rt ? RT_SIZE : SF_SIZE;
    uint32_t fpa;
    uint32_t fp = frame_sp(env, act, size, &fpa);
    uint8_t f[SF_SIZE]; /* not static: threads take signals at once */
    uint8_t fpu[FP_AREA];
    memset(f, 0, sizeof(f));
    uint32_t addr = get32(info + 12);
    /* without SA_RESTORER the kernel returns through the vDSO; the retcode
     * in the frame is only a signature for unwinders (the stack is not
     * executable), used only if there is no vDSO */
    uint32_t restorer = (act->flags & LU_SA_RESTORER) ? act->restorer : lu_vdso_sigreturn(rt);
    if (!restorer)
        restorer = fp + (rt ? RT_RETCODE : SF_RETCODE);
    put32(f, restorer);
    put32(f + 4, (uint32_t)sig);
    if (rt) {
        put32(f + 8, fp + RT_INFO);
        put32(f + 12, fp + RT_UC);
        memcpy(f + RT_INFO, info, 128);
        put32(f + RT_UC_STACK, lu_altstack.sp);
        put32(f + RT_UC_STACK + 4, lu_altstack.flags);
        put32(f + RT_UC_STACK + 8, lu_altstack.size);
        save_sigcontext(f + RT_SC, env, sig, addr, oldmask);
        memcpy(f + RT_MASK, &oldmask, 8);
        /* mov $173, %eax; int $0x80 */
        static const uint8_t code[] = {0xb8, 173, 0, 0, 0, 0xcd, 0x80, 0};
        memcpy(f + RT_RETCODE, code, sizeof(code));
    } else {
        save_sigcontext(f + SF_SC, env, sig, addr, oldmask);
        put32(f + SF_EXTRAMASK, (uint32_t)(oldmask >> 32));
        /* pop %eax; mov $119, %eax; int $0x80 */
        static const uint8_t code[] = {0x58, 0xb8, 119, 0, 0, 0, 0xcd, 0x80};
        memcpy(f + SF_RETCODE, code, sizeof(code));
    }
    put32(f + (rt ? RT_SC : SF_SC) + SC_FPSTATE, fpa);
    save_fpstate(fpu, env);
    if (!copy_to_guest(fp, f, size) || !copy_to_guest(fpa, fpu, FP_AREA))
        return false;
    fresh_fpstate(env);
    env->regs[R_ESP] = fp;
    env->regs[R_EAX] = (uint32_t)sig;
    env->regs[R_EDX] = rt ? fp + RT_INFO : 0;
    env->regs[R_ECX] = rt ? fp + RT_UC : 0;
    env->eip = act->handler;
    env->df = 1;
    env->seg_sel[R_DS] = env->seg_sel[R_ES] = env->seg_sel[R_SS] = 0x2b;
    env->seg_sel[R_CS] = 0x23;
    return true;
}

/* Run the guest's action for sig (info: i386 siginfo).  Returns normally
 * when the guest continues (handler frame set up, or signal ignored). */
static void deliver(CPUX86State *env, int sig, const uint8_t *info, bool forced)
{
    LuSigAction *act = &lu_sigact[sig];
    bool blocked = lu_sigblocked & sigbit(sig);
    if (forced && (blocked || act->handler == LU_SIG_IGN))
        lu_die_with_signal(sig); /* a blocked or ignored fault kills, as in Linux */
    if (act->handler == LU_SIG_IGN)
        return;
    if (act->handler == LU_SIG_DFL) {
        switch (dfl_action(sig)) {
        case DFL_IGN:
            return;
        case DFL_STOP:
            raise(SIGSTOP);
            return;
        default:
            lu_die_with_signal(sig);
        }
    }
    uint64_t oldmask = have_suspend_mask ? suspend_mask : lu_sigblocked;
    have_suspend_mask = false;
    if (!setup_frame(env, sig, act, info, oldmask)) {
        lu_sigact[SIGSEGV].handler = LU_SIG_DFL;
        lu_die_with_signal(SIGSEGV);
    }
    uint64_t nb = oldmask | act->mask;
    if (!(act->flags & LU_SA_NODEFER))
        nb |= sigbit(sig);
    if (act->flags & LU_SA_RESETHAND) {
        act->handler = LU_SIG_DFL;
        lu_sigaction_changed(sig);
    }
    lu_set_blocked(nb);
}

void lu_signal_deliver_pending(CPUX86State *env)
{
    /* the process's signals this thread may take, while the lowest
     * deliverable signal is one of them (the thread's own come below) */
    for (int sig; (sig = lu_next_pending()) != 0 && !pending[sig];) {
        uint8_t info[128];
        if (shared_take(sig, info))
            deliver(env, sig, info, false);
    }
    while (pending_any) {
        int sig = 0;
        pending_any = 0;
        for (int s = 1; s <= LU_NSIG; s++) {
            if (!pending[s])
                continue;
            pending_any = 1;
            if (!sig && !(lu_sigblocked & sigbit(s)))
                sig = s;
        }
        if (!sig)
            break;
        pending[sig] = 0;
        uint8_t info[128];
        memcpy(info, pending_info[sig], sizeof(info));
        rt_release(sig);
        deliver(env, sig, info, false);
    }
    if (have_suspend_mask) {
        have_suspend_mask = false;
        lu_set_blocked(suspend_mask);
    }
}

void lu_process_pending_signals(CPUX86State *env)
{
    if (lu_signal_pending())
        lu_signal_deliver_pending(env);
}

void lu_handle_exception(CPUX86State *env)
{
    int sig = env->exc_signo;
    if (sig <= 0 || sig > LU_NSIG)
        sig = SIGSEGV;
    uint8_t info[128] = {0};
    put32(info, (uint32_t)sig);
    put32(info + 8, (uint32_t)env->exc_code);
    put32(info + 12, env->exc_addr);
    if (log_enabled(LOG_STRACE))
        xlat_log("%d --- SIG%s {si_signo=%d, si_code=%d, si_addr=0x%08x} ---\n", getpid(),
                 sigabbrev_np(sig) ? sigabbrev_np(sig) : "?", sig, env->exc_code, env->exc_addr);
    deliver(env, sig, info, true);
    fault_err = -1;
    lu_signal_deliver_pending(env);
}

/* sigreturn / rt_sigreturn: restore what setup_frame saved. */
long lu_sigreturn(CPUX86State *env, bool rt)
{
    uint8_t f[RT_SIZE];
    uint32_t fp = env->regs[R_ESP] - (rt ? 4 : 8);
    uint64_t mask;
    if (rt) {
        if (!copy_from_guest(f, fp, RT_SIZE))
            goto bad;
        memcpy(&mask, f + RT_MASK, 8);
        restore_sigcontext(env, f + RT_SC);
        if (!restore_fpstate(env, get32(f + RT_SC + SC_FPSTATE)))
            goto bad;
    } else {
        uint32_t hi;
        if (!copy_from_guest(f, fp + SF_SC, SC_SIZE) || !copy_from_guest(&hi, fp + SF_EXTRAMASK, 4))
            goto bad;
        mask = get32(f + SC_OLDMASK) | (uint64_t)hi << 32;
        restore_sigcontext(env, f);
        if (!restore_fpstate(env, get32(f + SC_FPSTATE)))
            goto bad;
    }
    lu_set_blocked(mask);
    return LU_RET_NOREG;
bad:
    lu_die_with_signal(SIGSEGV);
}
