/*
 * test-lu-faultsig.c - the fault signals (SIGSEGV, SIGBUS, SIGFPE, SIGILL,
 * SIGTRAP) sent with kill, sigqueue or tgkill are ordinary signals: while
 * blocked they are pending (sigpending shows them) and are delivered with
 * their sender's si_code and si_pid when unblocked; sent to the process
 * while the sender blocks them, they wake a thread that waits for them
 * (sigwaitinfo, sigtimedwait, sigsuspend, pause) or go to a thread that
 * does not block them, even one spinning in its own code.  Each wait has a
 * timeout far above what it takes natively, so a missed wake-up prints
 * "woken 0" instead of hanging.
 * Example line: "sigwaitinfo SEGV (kill self): woken 1 sig ok code 0"
 */
#define _GNU_SOURCE
#include "guest.h"

#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const int fault_sigs[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP};
#define NFAULT 5

static volatile int handled, handled_code, handled_pid_ok, handled_value;
static volatile int spin_stop;

static void on_sig(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    handled = sig;
    handled_code = si->si_code;
    handled_pid_ok = si->si_pid == getpid();
    handled_value = si->si_code == SI_QUEUE ? si->si_value.sival_int : 0;
}

static void install(int sig)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_sig;
    sa.sa_flags = SA_SIGINFO;
    sigaction(sig, &sa, NULL);
}

static void block(int sig, int how)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, sig);
    pthread_sigmask(how, &set, NULL);
}

static const char *name_of(int sig)
{
    return sigabbrev_np(sig);
}

/* ---- one thread: pending while blocked, delivered at unblock ---- */

enum { FROM_KILL, FROM_SIGQUEUE, FROM_TGKILL, FROM_CHILD };
static const char *const from_names[] = {"kill self", "sigqueue self", "tgkill self", "from child"};

static void send_signal(int sig, int from)
{
    union sigval v = {.sival_int = 4242};
    switch (from) {
    case FROM_KILL:
        kill(getpid(), sig);
        break;
    case FROM_SIGQUEUE:
        sigqueue(getpid(), sig, v);
        break;
    case FROM_TGKILL:
        syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), sig);
        break;
    default: {
        pid_t parent = getpid(), p = fork();
        if (p == 0) {
            kill(parent, sig);
            _exit(0);
        }
        int st;
        while (waitpid(p, &st, 0) < 0 && errno == EINTR)
            ;
    }
    }
}

static void pending_then_unblock(int sig, int from)
{
    block(sig, SIG_BLOCK);
    handled = 0;
    send_signal(sig, from);
    sigset_t p;
    sigpending(&p);
    int before = handled;
    int pend = sigismember(&p, sig);
    block(sig, SIG_UNBLOCK);
    sigpending(&p);
    printf("%s blocked (%s): pending %d handled-while-blocked %d, unblocked: handled %s code %d "
           "pid-ok %d value %d, pending after %d\n",
           name_of(sig), from_names[from], pend, before != 0, handled == sig ? "ok" : "no",
           handled_code, handled_pid_ok, handled_value, sigismember(&p, sig));
}

/* ---- another thread waits ---- */

enum { WAIT_INFO, WAIT_TIMED, WAIT_SUSPEND, WAIT_PAUSE };
static const char *const wait_names[] = {"sigwaitinfo", "sigtimedwait", "sigsuspend", "pause"};

static sem_t ready, done;
static volatile int got_sig, got_code;
static int how, want;
static const struct timespec five_s = {5, 0};

static void *waiter(void *arg)
{
    (void)arg;
    sigset_t set, empty;
    sigemptyset(&set);
    sigaddset(&set, want);
    sigemptyset(&empty);
    siginfo_t si;
    memset(&si, 0, sizeof(si));
    int sig = 0;
    sem_post(&ready);
    switch (how) {
    case WAIT_INFO:
        sig = sigwaitinfo(&set, &si);
        break;
    case WAIT_TIMED:
        sig = sigtimedwait(&set, &si, &five_s);
        break;
    case WAIT_SUSPEND:
        sigsuspend(&empty);
        sig = handled;
        si.si_code = handled_code;
        break;
    case WAIT_PAUSE:
        pthread_sigmask(SIG_UNBLOCK, &set, NULL);
        pause();
        sig = handled;
        si.si_code = handled_code;
        break;
    }
    got_sig = sig;
    got_code = si.si_code;
    sem_post(&done);
    return NULL;
}

static int wait_done(void)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 5;
    while (sem_timedwait(&done, &until) != 0) {
        if (errno != EINTR)
            return 0;
    }
    return 1;
}

static void run_waiter(int w, int sig, int from)
{
    how = w;
    want = sig;
    got_sig = 0;
    handled = 0;
    pthread_t t;
    pthread_create(&t, NULL, waiter, NULL);
    sem_wait(&ready);
    struct timespec d = {0, 100 * 1000 * 1000};
    nanosleep(&d, NULL); /* let it block in the wait */
    send_signal(sig, from);
    int woken = wait_done();
    printf("%s %s (%s): woken %d", wait_names[w], name_of(sig), from_names[from], woken);
    if (woken)
        printf(" sig %s code %d", got_sig == sig ? "ok" : "wrong", got_code);
    printf("\n");
    if (!woken)
        _exit(1); /* the thread still waits: nothing after this would be sane */
    pthread_join(t, NULL);
}

/* ---- a thread that does not block it, spinning in its own code ---- */

static void *spinner(void *arg)
{
    int sig = *(int *)arg;
    block(sig, SIG_UNBLOCK);
    sem_post(&ready);
    while (!spin_stop && handled != sig)
        ;
    sem_post(&done);
    return NULL;
}

static void run_spinner(int sig, int from)
{
    handled = 0;
    spin_stop = 0;
    pthread_t t;
    pthread_create(&t, NULL, spinner, &sig);
    sem_wait(&ready);
    send_signal(sig, from);
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 5;
    for (;;) {
        if (handled == sig)
            break;
        struct timespec now;
        clock_gettime(CLOCK_REALTIME, &now);
        if (now.tv_sec > until.tv_sec)
            break;
        sched_yield();
    }
    spin_stop = 1;
    wait_done();
    pthread_join(t, NULL);
    printf("spinning thread, %s (%s): handled %s code %d\n", name_of(sig), from_names[from],
           handled == sig ? "ok" : "no", handled_code);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    sem_init(&ready, 0, 0);
    sem_init(&done, 0, 0);
    for (int i = 0; i < NFAULT; i++)
        install(fault_sigs[i]);
    for (int i = 0; i < NFAULT; i++) {
        for (int from = FROM_KILL; from <= FROM_CHILD; from++)
            pending_then_unblock(fault_sigs[i], from);
    }
    /* from here on the main thread blocks them all */
    for (int i = 0; i < NFAULT; i++)
        block(fault_sigs[i], SIG_BLOCK);
    for (int i = 0; i < NFAULT; i++) {
        int sig = fault_sigs[i];
        run_waiter(WAIT_INFO, sig, FROM_KILL);
        run_waiter(WAIT_TIMED, sig, FROM_SIGQUEUE);
        run_waiter(WAIT_SUSPEND, sig, i & 1 ? FROM_CHILD : FROM_KILL);
        run_waiter(WAIT_PAUSE, sig, i & 1 ? FROM_KILL : FROM_CHILD);
        run_waiter(WAIT_INFO, sig, FROM_CHILD);
        run_spinner(sig, i & 1 ? FROM_CHILD : FROM_KILL);
    }
    sigset_t pend;
    sigpending(&pend);
    int left = 0;
    for (int s = 1; s < 65; s++)
        left += sigismember(&pend, s) == 1;
    printf("left pending: %d\n", left);
    return 0;
}
