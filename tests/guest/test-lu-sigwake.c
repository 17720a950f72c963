/*
 * test-lu-sigwake.c - a signal sent to the whole process while every
 * thread blocks it (kill to ourselves, or from another process) wakes a
 * thread that waits for it at once: sigwaitinfo, sigtimedwait, sigwait,
 * and sigsuspend / pause with the signal unblocked there.  Each wait has a
 * timeout far above what it takes natively, so a missed wake-up prints
 * "woken 0" instead of hanging.
 * Example line: "sigwaitinfo RT+1 (kill self): woken 1 sig +1 code 0"
 */
#define _GNU_SOURCE
#include "guest.h"

#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { WAIT_INFO, WAIT_TIMED, WAIT_SIGWAIT, WAIT_SUSPEND, WAIT_PAUSE };
static const char *const wait_names[] = {"sigwaitinfo", "sigtimedwait", "sigwait", "sigsuspend",
                                         "pause"};

static sem_t ready, done;
static volatile int got_sig, got_code, got_value, handled;
static int how, want;

static void on_sig(int sig)
{
    handled = sig;
}

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
    case WAIT_SIGWAIT:
        if (sigwait(&set, &sig) != 0)
            sig = -1;
        si.si_code = SI_USER;
        break;
    case WAIT_SUSPEND:
        sigsuspend(&empty);
        sig = handled;
        si.si_code = SI_USER;
        break;
    case WAIT_PAUSE:
        /* unblocked here only; a signal before pause() would be handled
         * already, and the caller waits long enough before sending */
        pthread_sigmask(SIG_UNBLOCK, &set, NULL);
        pause();
        sig = handled;
        si.si_code = SI_USER;
        break;
    }
    got_sig = sig;
    got_code = si.si_code;
    got_value = si.si_value.sival_int;
    sem_post(&done);
    return NULL;
}

enum { FROM_KILL, FROM_SIGQUEUE, FROM_CHILD };
static const char *const from_names[] = {"kill self", "sigqueue self", "from child"};

static void send_signal(int sig, int from)
{
    if (from == FROM_KILL) {
        kill(getpid(), sig);
        return;
    }
    if (from == FROM_SIGQUEUE) {
        union sigval v = {.sival_int = 4242};
        sigqueue(getpid(), sig, v);
        return;
    }
    pid_t parent = getpid(), p = fork();
    if (p == 0) {
        kill(parent, sig);
        _exit(0);
    }
    int st;
    while (waitpid(p, &st, 0) < 0 && errno == EINTR)
        ;
}

static void run(int w, int sig, int from)
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
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 5;
    int woken = sem_timedwait(&done, &until) == 0;
    char name[16];
    if (sig == SIGUSR1)
        snprintf(name, sizeof(name), "USR1");
    else
        snprintf(name, sizeof(name), "RT+%d", sig - SIGRTMIN);
    printf("%s %s (%s): woken %d", wait_names[w], name, from_names[from], woken);
    if (woken)
        printf(" sig %s code %d", got_sig == sig ? "ok" : "wrong", got_code);
    if (woken && from == FROM_SIGQUEUE && w <= WAIT_TIMED)
        printf(" value %d", got_value);
    printf("\n");
    fflush(stdout);
    if (!woken)
        _exit(1); /* the thread still waits: nothing after this would be sane */
    pthread_join(t, NULL);
}

int main(void)
{
    sigset_t all;
    sigemptyset(&all);
    sigaddset(&all, SIGUSR1);
    for (int k = 1; k <= 6; k++)
        sigaddset(&all, SIGRTMIN + k);
    pthread_sigmask(SIG_BLOCK, &all, NULL);
    signal(SIGUSR1, on_sig);
    for (int k = 1; k <= 6; k++)
        signal(SIGRTMIN + k, on_sig);
    /* one that keeps its default action (terminate): only the wait takes it */
    signal(SIGRTMIN + 6, SIG_DFL);
    sem_init(&ready, 0, 0);
    sem_init(&done, 0, 0);
    for (int from = FROM_KILL; from <= FROM_CHILD; from++) {
        run(WAIT_INFO, SIGUSR1, from);
        run(WAIT_INFO, SIGRTMIN + 1, from);
        run(WAIT_TIMED, SIGRTMIN + 2, from);
        run(WAIT_SIGWAIT, SIGRTMIN + 3, from);
        run(WAIT_SUSPEND, SIGUSR1, from);
        run(WAIT_SUSPEND, SIGRTMIN + 4, from);
        run(WAIT_PAUSE, SIGRTMIN + 5, from);
        run(WAIT_INFO, SIGRTMIN + 6, from);
    }
    sigset_t pend;
    sigpending(&pend);
    int left = 0;
    for (int s = 1; s < 65; s++)
        left += sigismember(&pend, s) == 1;
    printf("left pending: %d\n", left);
    return 0;
}
