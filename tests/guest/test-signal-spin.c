/*
 * test-signal-spin.c - signals reach a guest that spins in generated code
 * without making system calls: alarm() ends an endless loop, a periodic
 * ITIMER_REAL interrupts a loop that counts its own ticks, and a signal sent
 * by a child process interrupts a loop that does pure register arithmetic;
 * alarm() ends a loop closed by an indirect jump.
 * Under xlat the host handler must make the running (chained) code return
 * to the exec loop so the guest handler runs.  Example line:
 *   alarm: loop left after handler 1
 */
#include "guest.h"

#include <signal.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile int ticks, stop;

static void on_tick(int sig)
{
    ticks++;
    if (sig == SIGALRM && ticks >= 5)
        stop = 1;
}

static void on_stop(int sig)
{
    stop = 1;
}

static void set(int sig, void (*h)(int))
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = h;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
}

int main(void)
{
    set(SIGALRM, on_stop);
    stop = 0;
    alarm(1);
    unsigned long n = 0;
    while (!stop)
        n++;
    printf("alarm: loop left after handler %d\n", stop);

    set(SIGALRM, on_tick);
    stop = 0;
    struct itimerval it = {{0, 20000}, {0, 20000}};
    setitimer(ITIMER_REAL, &it, NULL);
    while (!stop)
        n++;
    struct itimerval off = {{0, 0}, {0, 0}};
    setitimer(ITIMER_REAL, &off, NULL);
    printf("itimer: %d ticks seen\n", ticks >= 5);

    set(SIGUSR1, on_stop);
    stop = 0;
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid == 0) {
        usleep(50000);
        kill(parent, SIGUSR1);
        _exit(0);
    }
    /* the loop body keeps everything in registers; only the flag is memory */
    uint32_t x = 1;
    while (!stop) {
        for (int i = 0; i < 1000; i++)
            x = x * 1103515245u + 12345u;
    }
    int st;
    waitpid(pid, &st, 0);
    printf("kill from child: loop left, child %d, x-used %d\n", WEXITSTATUS(st), x != 0 || 1);

    /* a loop closed only by an indirect jump to a lower address: under the
     * x86-64 emitter no block of it tests exit_request on entry (forward
     * chains and goto_ptr skip the test), so the request must reach it
     * through the jump cache it probes */
    set(SIGALRM, on_stop);
    stop = 0;
    alarm(1);
    __asm__ volatile("    movl $1f, %%eax\n"
                     "1:  cmpl $0, %0\n"
                     "    jne 2f\n"
                     "    jmp *%%eax\n"
                     "2:\n"
                     :
                     : "m"(stop)
                     : "eax", "cc", "memory");
    printf("indirect loop: left after handler %d\n", stop);
    return 0;
}
