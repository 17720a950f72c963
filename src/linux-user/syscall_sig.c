/*
 * syscall_sig.c - the guest's signal system calls: actions, masks,
 * sigaltstack, suspend/wait, kill to itself, and sigreturn.
 *
 * Signals a process sends to itself are queued here directly rather than
 * through the host kernel, so they are delivered (or kill the process) at
 * the end of the very system call that sent them, as on Linux.
 */
#include "linux-user/lu-internal.h"
#include "linux-user/lu-signal.h"
#include "linux-user/lu-syscalls.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static bool valid_sig(uint32_t s)
{
    return s >= 1 && s <= LU_NSIG;
}
static uint64_t unblockable(void)
{
    return 1ull << (SIGKILL - 1) | 1ull << (SIGSTOP - 1);
}

static long set_action(uint32_t sig, const LuSigAction *nw, LuSigAction *old)
{
    if (!valid_sig(sig))
        return -EINVAL;
    if (old)
        *old = lu_sigact[sig];
    if (nw) {
        if (sig == SIGKILL || sig == SIGSTOP)
            return -EINVAL;
        lu_sigact[sig] = *nw;
        lu_sigact[sig].mask &= ~unblockable();
        lu_sigaction_changed((int)sig);
    }
    return 0;
}

long lu_sys_rt_sigaction(CPUX86State *env, const uint32_t *a)
{
    if (a[3] != 8)
        return -EINVAL;
    LuSigAction nw, old;
    uint8_t b[20];
    if (a[1]) {
        if (!copy_from_guest(b, a[1], 20))
            return -EFAULT;
        memcpy(&nw.handler, b, 4);
        memcpy(&nw.flags, b + 4, 4);
        memcpy(&nw.restorer, b + 8, 4);
        memcpy(&nw.mask, b + 12, 8);
    }
    long r = set_action(a[0], a[1] ? &nw : NULL, &old);
    if (r == 0 && a[2]) {
        memcpy(b, &old.handler, 4);
        memcpy(b + 4, &old.flags, 4);
        memcpy(b + 8, &old.restorer, 4);
        memcpy(b + 12, &old.mask, 8);
        if (!copy_to_guest(a[2], b, 20))
            return -EFAULT;
    }
    return r;
}

/* old sigaction: {handler, u32 mask, flags, restorer} */
long lu_sys_sigaction(CPUX86State *env, const uint32_t *a)
{
    LuSigAction nw, old;
    uint32_t b[4];
    if (a[1]) {
        if (!copy_from_guest(b, a[1], 16))
            return -EFAULT;
        nw = (LuSigAction){.handler = b[0], .mask = b[1], .flags = b[2], .restorer = b[3]};
    }
    long r = set_action(a[0], a[1] ? &nw : NULL, &old);
    if (r == 0 && a[2]) {
        uint32_t o[4] = {old.handler, (uint32_t)old.mask, old.flags, old.restorer};
        if (!copy_to_guest(a[2], o, 16))
            return -EFAULT;
    }
    return r;
}

static long do_sigprocmask(uint32_t how, uint32_t gset, uint32_t gold, uint32_t size)
{
    uint64_t old = lu_sigblocked, set = 0;
    if (gset) {
        if (!copy_from_guest(&set, gset, size))
            return -EFAULT;
        switch (how) {
        case SIG_BLOCK:
            lu_set_blocked(old | set);
            break;
        case SIG_UNBLOCK:
            lu_set_blocked(old & ~set);
            break;
        case SIG_SETMASK:
            lu_set_blocked(set | (size == 4 ? old & ~0xffffffffull : 0));
            break;
        default:
            return -EINVAL;
        }
    }
    if (gold && !copy_to_guest(gold, &old, size))
        return -EFAULT;
    return 0;
}

long lu_sys_rt_sigprocmask(CPUX86State *env, const uint32_t *a)
{
    if (a[3] != 8)
        return -EINVAL;
    return do_sigprocmask(a[0], a[1], a[2], 8);
}

long lu_sys_sigprocmask(CPUX86State *env, const uint32_t *a)
{
    return do_sigprocmask(a[0], a[1], a[2], 4);
}

long lu_sys_rt_sigpending(CPUX86State *env, const uint32_t *a)
{
    if (a[1] != 8)
        return -EINVAL;
    sigset_t hs;
    sigpending(&hs);
    uint64_t set = lu_pending_set();
    for (int s = 1; s <= SIGRTMAX && s <= LU_NSIG; s++) {
        if (lu_host_can_hold(s) && lu_host_sigismember(&hs, s))
            set |= 1ull << (s - 1);
    }
    set &= lu_sigblocked;
    return copy_to_guest(a[0], &set, 8) ? 0 : -EFAULT;
}

long lu_sys_rt_sigsuspend(CPUX86State *env, const uint32_t *a)
{
    uint64_t m;
    if (a[1] != 8)
        return -EINVAL;
    if (!copy_from_guest(&m, a[0], 8))
        return -EFAULT;
    lu_set_suspend_mask(lu_sigblocked);
    lu_suspend(m);
    return -EINTR;
}

long lu_sys_pause(CPUX86State *env, const uint32_t *a)
{
    lu_suspend(lu_sigblocked);
    return -EINTR;
}

/* i386 siginfo from a host one: the fields every si_code shares, then the
 * union's first words (pid/uid, or timer id/overrun, or status). */
static void guest_siginfo(uint8_t g[128], const siginfo_t *si)
{
    uint32_t w[7] = {(uint32_t)si->si_signo, (uint32_t)si->si_errno, (uint32_t)si->si_code,
                     (uint32_t)si->si_pid, (uint32_t)si->si_uid, 0, 0};
    if (si->si_signo == SIGCHLD) {
        w[5] = (uint32_t)si->si_status;
    } else if (si->si_code == SI_QUEUE || si->si_code == SI_TIMER || si->si_code == SI_MESGQ) {
        w[5] = (uint32_t)si->si_value.sival_int;
    }
    memset(g, 0, 128);
    memcpy(g, w, sizeof(w));
}

/* Sleep in the host's sigtimedwait for the signals of guest set m.  The
 * fault signals of m, and those the thread blocks, are blocked on the host
 * meanwhile (see signal.c: a fault signal sent to the process comes here
 * with rt_tgsigqueueinfo).  Returns the signal, or -errno. */
static int wait_host(uint64_t m, const struct timespec *tp, uint8_t g[128])
{
    int sig = lu_wait_begin(m, g);
    if (sig)
        return sig;
    sigset_t hs, faults;
    lu_host_sigset(m, &hs);
    lu_host_add_faults(m, &hs);
    sigemptyset(&faults);
    lu_host_add_faults(m | lu_sigblocked, &faults);
    /* only the fault signals change: a handler that runs meanwhile may
     * block a real-time signal in the thread's mask (see async_handler) */
    pthread_sigmask(SIG_BLOCK, &faults, NULL);
    siginfo_t si;
    sig = sigtimedwait(&hs, &si, tp);
    int err = errno;
    lu_wait_end();
    pthread_sigmask(SIG_UNBLOCK, &faults, NULL);
    if (sig < 0)
        return -err;
    if (!lu_take_mail(sig, g))
        guest_siginfo(g, &si);
    return sig;
}

static long do_sigtimedwait(const uint32_t *a, bool t64)
{
    uint64_t m;
    if (a[3] != 8)
        return -EINVAL;
    if (!copy_from_guest(&m, a[0], 8))
        return -EFAULT;
    struct timespec ts, *tp = NULL;
    if (a[2]) {
        if (!lu_timespec_in(a[2], t64, &ts))
            return -EFAULT;
        tp = &ts;
    }
    m &= ~unblockable();
    uint8_t g[128];
    int sig = wait_host(m, tp, g);
    if (sig < 0)
        return sig;
    if (a[1] && !copy_to_guest(a[1], g, sizeof(g)))
        return -EFAULT;
    return sig;
}

long lu_sys_rt_sigtimedwait(CPUX86State *env, const uint32_t *a)
{
    return do_sigtimedwait(a, false);
}

long lu_sys_rt_sigtimedwait_time64(CPUX86State *env, const uint32_t *a)
{
    return do_sigtimedwait(a, true);
}

/* rt_sigqueueinfo(pid, sig, info) and rt_tgsigqueueinfo(pid, tid, sig, info) */
static long do_sigqueueinfo(CPUX86State *env, uint32_t pid, uint32_t tid, uint32_t sig,
                            uint32_t ginfo)
{
    uint8_t g[128];
    if (!copy_from_guest(g, ginfo, sizeof(g)))
        return -EFAULT;
    if (!valid_sig(sig))
        return -EINVAL;
    int32_t code;
    memcpy(&code, g + 8, 4);
    bool self = (int32_t)pid == getpid() && (tid == 0 || tid == env->tid);
    bool held = (lu_sigblocked >> (sig - 1) & 1) && lu_host_can_hold((int)sig);
    /* to ourselves and not blocked: delivered at the end of this call; a
     * blocked one the host can hold goes through the host kernel (below),
     * which wakes a thread waiting for it (see self_signal) */
    if (self && !held) {
        if (tid == 0 && (lu_sigblocked >> (sig - 1) & 1))
            lu_queue_process_info((int)sig, g); /* any thread may take it */
        else
            lu_queue_self_info((int)sig, g);
        return 0;
    }
    siginfo_t si;
    memset(&si, 0, sizeof(si));
    si.si_signo = (int)sig;
    si.si_code = code;
    memcpy(&si.si_pid, g + 12, 4);
    memcpy(&si.si_uid, g + 16, 4);
    memcpy(&si.si_value.sival_int, g + 20, 4);
    if (tid)
        return lu_errno_ret(syscall(SYS_rt_tgsigqueueinfo, (int)pid, (int)tid, (int)sig, &si));
    return lu_errno_ret(syscall(SYS_rt_sigqueueinfo, (int)pid, (int)sig, &si));
}

long lu_sys_rt_sigqueueinfo(CPUX86State *env, const uint32_t *a)
{
    return do_sigqueueinfo(env, a[0], 0, a[1], a[2]);
}

long lu_sys_rt_tgsigqueueinfo(CPUX86State *env, const uint32_t *a)
{
    return do_sigqueueinfo(env, a[0], a[1], a[2], a[3]);
}

long lu_sys_sigaltstack(CPUX86State *env, const uint32_t *a)
{
    uint32_t sp = env->regs[R_ESP];
    bool on = !(lu_altstack.flags & LU_SS_DISABLE) && sp - lu_altstack.sp < lu_altstack.size;
    LuSigAltStack old = lu_altstack;
    old.flags = on ? LU_SS_ONSTACK : (lu_altstack.flags & LU_SS_DISABLE);
    if (a[0]) {
        uint32_t v[3];
        if (!copy_from_guest(v, a[0], 12))
            return -EFAULT;
        if (on)
            return -EPERM;
        uint32_t mode = v[1] & ~(1u << 31); /* SS_AUTODISARM accepted, not modelled */
        if (mode != 0 && mode != LU_SS_DISABLE)
            return -EINVAL;
        if (mode == LU_SS_DISABLE) {
            lu_altstack = (LuSigAltStack){0, LU_SS_DISABLE, 0};
        } else {
            if (v[2] < 2048)
                return -ENOMEM;
            lu_altstack = (LuSigAltStack){v[0], 0, v[2]};
        }
    }
    if (a[1]) {
        uint32_t v[3] = {old.sp, (uint32_t)old.flags, old.size};
        if (!copy_to_guest(a[1], v, 12))
            return -EFAULT;
    }
    return 0;
}

/* A signal to ourselves: queue it; SIGKILL/SIGSTOP go to the host. */
static long self_signal(uint32_t sig, int code)
{
    if (sig == 0)
        return 0;
    if (!valid_sig(sig))
        return -EINVAL;
    if (sig == SIGKILL || sig == SIGSTOP)
        return lu_errno_ret(raise((int)sig));
    /* Blocked (and blocked on the host too, as the host mask mirrors the
     * guest's): let the host kernel hold it, so that signalfd, sigpending
     * and sigtimedwait see it, and so that it wakes (or is delivered to)
     * another thread that waits for it or does not block it, as the kernel
     * would; unblocking here delivers it to async_handler. */
    if ((lu_sigblocked >> (sig - 1) & 1) && lu_host_can_hold((int)sig)) {
        if (code == SI_USER)
            return lu_errno_ret(kill(getpid(), (int)sig));
        return lu_errno_ret(syscall(SYS_tgkill, getpid(), (pid_t)syscall(SYS_gettid), (int)sig));
    }
    if (code == SI_USER && (lu_sigblocked >> (sig - 1) & 1)) {
        /* process-directed and blocked here: any thread may take it */
        uint8_t info[128] = {0};
        int32_t w[5] = {(int32_t)sig, 0, SI_USER, (int32_t)getpid(), (int32_t)getuid()};
        memcpy(info, w, sizeof(w));
        lu_queue_process_info((int)sig, info);
        return 0;
    }
    lu_queue_self((int)sig, code);
    return 0;
}

long lu_sys_kill(CPUX86State *env, const uint32_t *a)
{
    if ((int32_t)a[0] == getpid())
        return self_signal(a[1], SI_USER);
    return lu_errno_ret(kill((pid_t)(int32_t)a[0], (int)a[1]));
}

long lu_sys_tgkill(CPUX86State *env, const uint32_t *a)
{
    if ((int32_t)a[0] == getpid() && a[1] == env->tid)
        return self_signal(a[2], SI_TKILL);
    return lu_errno_ret(syscall(SYS_tgkill, (int)a[0], (int)a[1], (int)a[2]));
}

long lu_sys_tkill(CPUX86State *env, const uint32_t *a)
{
    if (a[0] == env->tid)
        return self_signal(a[1], SI_TKILL);
    return lu_errno_ret(syscall(SYS_tkill, (int)a[0], (int)a[1]));
}

long lu_sys_rt_sigreturn(CPUX86State *env, const uint32_t *a)
{
    return lu_sigreturn(env, true);
}
long lu_sys_sigreturn(CPUX86State *env, const uint32_t *a)
{
    return lu_sigreturn(env, false);
}
