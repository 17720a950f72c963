/*
 * test-signal-eintr.c - blocking system calls interrupted by a signal
 * handler: read on an empty pipe fails with EINTR when the handler's action
 * lacks SA_RESTART, and is restarted (returning the byte the handler wrote
 * into the pipe) when it has SA_RESTART.  Also nanosleep (never restarted,
 * EINTR with the remaining time), pause and sigsuspend (always EINTR), and
 * the same for a signal sent by another process (the child) instead of a
 * timer.  Example line:  read, no SA_RESTART: ret -1 errno EINTR handler 1
 */
#include "guest.h"

#include <errno.h>
#include <signal.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int pfd[2];
static volatile int handled;

static void on_alarm(int sig)
{
    handled++;
    char c = 'R';
    if (write(pfd[1], &c, 1) != 1)
        handled = -100;
}

static void on_plain(int sig)
{
    handled++;
}

static void set(int sig, void (*h)(int), int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = h;
    sa.sa_flags = flags;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
}

static void timer_ms(int ms)
{
    struct itimerval it = {{0, 0}, {ms / 1000, (ms % 1000) * 1000}};
    setitimer(ITIMER_REAL, &it, NULL);
}

static const char *errname(int e)
{
    return e == EINTR ? "EINTR" : e == 0 ? "0" : "other";
}

static void read_case(const char *name, int flags)
{
    char c = 0;
    handled = 0;
    set(SIGALRM, on_alarm, flags);
    timer_ms(30);
    errno = 0;
    ssize_t r = read(pfd[0], &c, 1);
    int e = errno;
    printf("read, %s: ret %d errno %s handler %d byte %c\n", name, (int)r, errname(e), handled,
           c ? c : '-');
    if (r < 0 && read(pfd[0], &c, 1) == 1) /* drain the handler's byte */
        printf("  drained %c\n", c);
}

static void child_signals_parent(int flags)
{
    handled = 0;
    set(SIGUSR1, on_plain, flags);
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid == 0) {
        struct timespec ts = {0, 50 * 1000 * 1000};
        nanosleep(&ts, NULL);
        kill(parent, SIGUSR1);
        ts.tv_nsec = 100 * 1000 * 1000;
        nanosleep(&ts, NULL);
        char c = 'C';
        if (write(pfd[1], &c, 1) != 1)
            _exit(1);
        _exit(0);
    }
    char c = 0;
    errno = 0;
    ssize_t r = read(pfd[0], &c, 1);
    int e = errno;
    if (r < 0)
        r = read(pfd[0], &c, 1);
    int st;
    waitpid(pid, &st, 0);
    printf("read, signal from child, flags %s: first errno %s, got %c, handler %d, child %d\n",
           flags ? "SA_RESTART" : "0", errname(e), c ? c : '-', handled, WEXITSTATUS(st));
}

int main(void)
{
    if (pipe(pfd) != 0)
        return 1;
    read_case("no SA_RESTART", 0);
    read_case("SA_RESTART", SA_RESTART);

    set(SIGALRM, on_plain, SA_RESTART);
    handled = 0;
    timer_ms(30);
    struct timespec req = {5, 0}, rem = {0, 0};
    int r = nanosleep(&req, &rem);
    printf("nanosleep: ret %d errno %s handler %d rem-sane %d\n", r, errname(errno), handled,
           rem.tv_sec >= 3 && rem.tv_sec <= 5);

    handled = 0;
    timer_ms(30);
    r = pause();
    printf("pause: ret %d errno %s handler %d\n", r, errname(errno), handled);

    child_signals_parent(0);
    child_signals_parent(SA_RESTART);
    return 0;
}
