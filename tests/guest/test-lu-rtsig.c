/*
 * test-lu-rtsig.c - real-time signals sent by another process reach the
 * guest's handlers (xlat must install host handlers for them: without one
 * the host's default action killed xlat), with their siginfo; different
 * ones sent while blocked are all delivered when unblocked, in the
 * kernel's order (the handlers nest: the last frame set up runs first),
 * and several instances of one real-time signal are all delivered.
 * Example line: "rt SIGRTMIN+2: handled 1 si_code=0 pid-ok=1"
 */
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile int count[65], order[16], norder;
static volatile int last_code, last_pid_ok;

static void handler(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    count[sig]++;
    if (norder < 16)
        order[norder++] = sig - SIGRTMIN;
    last_code = si->si_code;
    last_pid_ok = si->si_pid == getppid() || si->si_pid > 0;
}

static void child_send(const int *sigs, int n, int value)
{
    pid_t parent = getppid();
    for (int i = 0; i < n; i++) {
        union sigval v = {.sival_int = value + i};
        if (sigqueue(parent, sigs[i], v) != 0)
            _exit(1);
    }
    _exit(0);
}

int main(void)
{
    struct sigaction sa = {0};
    sa.sa_sigaction = handler;
    sa.sa_flags = SA_SIGINFO;
    for (int k = 0; k <= 4; k++)
        sigaction(SIGRTMIN + k, &sa, NULL);

    /* one signal from another process, unblocked */
    pid_t p = fork();
    if (p == 0) {
        int s[1] = {SIGRTMIN + 2};
        child_send(s, 1, 7);
    }
    int st;
    while (waitpid(p, &st, 0) < 0)
        ; /* EINTR: the signal may come first */
    for (int i = 0; i < 1000 && !count[SIGRTMIN + 2]; i++)
        usleep(1000);
    printf("rt SIGRTMIN+2: handled %d si_code=%d child-exit=%d\n", count[SIGRTMIN + 2], last_code,
           WIFEXITED(st) ? WEXITSTATUS(st) : -1);

    /* blocked while several arrive: all are queued, lowest number first */
    sigset_t set, old;
    sigemptyset(&set);
    for (int k = 0; k <= 4; k++)
        sigaddset(&set, SIGRTMIN + k);
    sigprocmask(SIG_BLOCK, &set, &old);
    norder = 0;
    p = fork();
    if (p == 0) {
        int s[5] = {SIGRTMIN + 4, SIGRTMIN + 1, SIGRTMIN + 4, SIGRTMIN + 3, SIGRTMIN + 1};
        child_send(s, 5, 100);
    }
    while (waitpid(p, &st, 0) < 0)
        ;
    sigprocmask(SIG_SETMASK, &old, NULL);
    for (int i = 0; i < 1000 && norder < 5; i++)
        usleep(1000);
    printf("rt queued: %d delivered, order", norder);
    for (int i = 0; i < norder; i++)
        printf(" +%d", order[i]);
    printf("\n");
    return 0;
}
