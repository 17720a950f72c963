/*
 * test-signal-handlers.c - asynchronous-style signals sent to ourselves:
 * SA_SIGINFO fields (si_signo, si_code for kill/tgkill/sigqueue, si_value),
 * SA_NODEFER (a handler that re-raises its own signal nests), SA_RESETHAND
 * (the second delivery takes the default action, seen through sigaction),
 * sa_mask and sigprocmask (blocked signals stay pending, sigpending shows
 * them, unblocking delivers them in signal-number order), sigaltstack
 * (the handler's frame lies on the alternate stack; SS_ONSTACK inside),
 * sigsuspend, and sigreturn restoring every register and the flags.
 * Example line:  siginfo: signo 10 code 0 (SI_USER) pid-ok 1
 */
#define _GNU_SOURCE
#include "guest.h"

#include <signal.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

static volatile int depth, max_depth, calls, order[8], norder;
static char altstack[65536];
static volatile int on_alt, ss_flags_inside;

static void on_info(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    printf("siginfo: signo %d code %d pid-ok %d value %d\n", si->si_signo, si->si_code,
           si->si_pid == getpid(), si->si_code == SI_QUEUE ? si->si_value.sival_int : -1);
}

static void on_nodefer(int sig)
{
    depth++;
    calls++;
    if (depth > max_depth)
        max_depth = depth;
    if (calls < 3)
        raise(sig);
    depth--;
}

static void on_order(int sig)
{
    if (norder < 8)
        order[norder++] = sig;
}

static void on_alt_handler(int sig)
{
    char local;
    on_alt = &local >= altstack && &local < altstack + sizeof(altstack);
    stack_t ss;
    sigaltstack(NULL, &ss);
    ss_flags_inside = ss.ss_flags;
}

static void set(int sig, void (*h)(int), int flags, const sigset_t *mask)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = h;
    sa.sa_flags = flags;
    if (mask)
        sa.sa_mask = *mask;
    else
        sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
}

static void test_siginfo(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_info;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGUSR1, &sa, NULL);
    kill(getpid(), SIGUSR1);
    syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), SIGUSR1);
    union sigval v = {.sival_int = 1234};
    sigqueue(getpid(), SIGUSR1, v);
}

static void test_nodefer_resethand(void)
{
    set(SIGUSR2, on_nodefer, SA_NODEFER, NULL);
    raise(SIGUSR2);
    printf("nodefer: max depth %d calls %d\n", max_depth, calls);
    depth = max_depth = calls = 0;
    set(SIGUSR2, on_nodefer, 0, NULL);
    raise(SIGUSR2);
    printf("defer: max depth %d calls %d\n", max_depth, calls);
    set(SIGHUP, on_order, SA_RESETHAND, NULL);
    raise(SIGHUP);
    struct sigaction old;
    sigaction(SIGHUP, NULL, &old);
    printf("resethand: delivered %d, now default %d\n", norder, old.sa_handler == SIG_DFL);
    norder = 0;
}

static void test_masks(void)
{
    sigset_t s, old, pend;
    set(SIGUSR1, on_order, 0, NULL);
    set(SIGUSR2, on_order, 0, NULL);
    set(SIGTERM, on_order, 0, NULL);
    sigemptyset(&s);
    sigaddset(&s, SIGUSR1);
    sigaddset(&s, SIGUSR2);
    sigaddset(&s, SIGTERM);
    sigprocmask(SIG_BLOCK, &s, &old);
    raise(SIGTERM);
    raise(SIGUSR2);
    raise(SIGUSR1);
    raise(SIGUSR1); /* standard signals do not queue twice */
    sigpending(&pend);
    printf("pending: usr1 %d usr2 %d term %d hup %d, delivered so far %d\n",
           sigismember(&pend, SIGUSR1), sigismember(&pend, SIGUSR2), sigismember(&pend, SIGTERM),
           sigismember(&pend, SIGHUP), norder);
    sigprocmask(SIG_SETMASK, &old, NULL);
    printf("order:");
    for (int i = 0; i < norder; i++)
        printf(" %d", order[i]);
    printf("\n");
    /* sa_mask: while the USR1 handler runs, USR2 (raised inside) waits */
    norder = 0;
    sigset_t m;
    sigemptyset(&m);
    sigaddset(&m, SIGUSR2);
    set(SIGUSR1, on_order, 0, &m);
    sigprocmask(SIG_BLOCK, &s, &old);
    raise(SIGUSR1);
    raise(SIGUSR2);
    sigset_t susp;
    sigfillset(&susp);
    sigdelset(&susp, SIGUSR1);
    sigsuspend(&susp); /* only USR1 gets through */
    printf("after sigsuspend: delivered %d first %d\n", norder, order[0]);
    sigprocmask(SIG_SETMASK, &old, NULL);
    printf("after unblock: delivered %d last %d\n", norder, order[norder - 1]);
}

static void test_altstack(void)
{
    stack_t ss = {.ss_sp = altstack, .ss_size = sizeof(altstack), .ss_flags = 0};
    sigaltstack(&ss, NULL);
    set(SIGWINCH, on_alt_handler, SA_ONSTACK, NULL);
    raise(SIGWINCH);
    printf("altstack: on alt %d, ss_flags inside %d\n", on_alt, ss_flags_inside);
    set(SIGWINCH, on_alt_handler, 0, NULL);
    raise(SIGWINCH);
    printf("no SA_ONSTACK: on alt %d\n", on_alt);
    stack_t cur;
    sigaltstack(NULL, &cur);
    printf("outside: ss_flags %d size-ok %d\n", cur.ss_flags, cur.ss_size == sizeof(altstack));
    ss.ss_flags = SS_DISABLE;
    sigaltstack(&ss, NULL);
}

/* A signal arriving between two instructions must leave every register and
 * the arithmetic flags as they were (sigreturn restores them). */
uint32_t g_regs_out[8];

static void test_sigreturn_regs(void)
{
    set(SIGUSR1, on_order, 0, NULL);
    static uint32_t pid;
    pid = (uint32_t)getpid();
    __asm__ volatile("pushl %%ebp\n"
                     "movl $0x11111111, %%ebp\n"
                     "movl $37, %%eax\n" /* kill(pid, SIGUSR1) */
                     "movl %[pid], %%ebx\n"
                     "movl $10, %%ecx\n"
                     "movl $0x33333333, %%edx\n"
                     "movl $0x44444444, %%esi\n"
                     "movl $0x55555555, %%edi\n"
                     "int $0x80\n"
                     "cmpl $0, %%eax\n" /* ZF=1 */
                     "stc\n"
                     "movl %%ebp, g_regs_out+0\n"
                     "movl %%ebx, g_regs_out+4\n"
                     "movl %%ecx, g_regs_out+8\n"
                     "movl %%edx, g_regs_out+12\n"
                     "movl %%esi, g_regs_out+16\n"
                     "movl %%edi, g_regs_out+20\n"
                     "movl %%eax, g_regs_out+24\n"
                     "pushfl\n"
                     "popl g_regs_out+28\n"
                     "popl %%ebp\n"
                     :
                     : [pid] "m"(pid)
                     : "eax", "ebx", "ecx", "edx", "esi", "edi", "memory", "cc");
    uint32_t *o = g_regs_out;
    printf("regs after signal: %08x %08x %08x %08x %08x %08x %08x flags %03x\n", o[1] == pid,
           o[0], o[2], o[3], o[4], o[5], o[6], o[7] & 0xcd5);
}

int main(void)
{
    test_siginfo();
    test_nodefer_resethand();
    test_masks();
    test_altstack();
    test_sigreturn_regs();
    return 0;
}
