/*
 * test-lu-sigpending.c - sigpending is the union of the calling thread's
 * own pending signals and the process's: a kill() to the process while
 * every thread blocks the signal is pending for all of them (standard and
 * real-time signals), a tgkill() only for its target thread, and a
 * process-directed signal is taken by whichever thread unblocks it first.
 * Example line:  thread: USR1 1 RT2 1 USR2 0
 */
#define _GNU_SOURCE
#include "guest.h"

#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

static sem_t step_main, step_thread;
static volatile int handled_rt2_in_thread, handled_rt2_in_main;
static pthread_t main_thread;

static void show(const char *who)
{
    sigset_t p;
    sigpending(&p);
    printf("%s: USR1 %d RT2 %d USR2 %d RT5 %d\n", who, sigismember(&p, SIGUSR1),
           sigismember(&p, SIGRTMIN + 2), sigismember(&p, SIGUSR2), sigismember(&p, SIGRTMIN + 5));
}

static void on_rt2(int sig)
{
    (void)sig;
    if (pthread_equal(pthread_self(), main_thread))
        handled_rt2_in_main++;
    else
        handled_rt2_in_thread++;
}

static void *thread_main(void *arg)
{
    (void)arg;
    sem_wait(&step_thread);
    show("thread");
    /* a signal aimed at this thread only */
    syscall(SYS_tgkill, getpid(), (pid_t)syscall(SYS_gettid), SIGRTMIN + 5);
    show("thread after tgkill");
    sem_post(&step_main);
    sem_wait(&step_thread);
    /* take the process-directed RT2 here */
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGRTMIN + 2);
    pthread_sigmask(SIG_UNBLOCK, &s, NULL);
    printf("thread unblocked RT2: handled here %d\n", handled_rt2_in_thread);
    show("thread after unblock");
    sem_post(&step_main);
    return NULL;
}

int main(void)
{
    main_thread = pthread_self();
    signal(SIGRTMIN + 2, on_rt2);
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGUSR1);
    sigaddset(&s, SIGUSR2);
    sigaddset(&s, SIGRTMIN + 2);
    sigaddset(&s, SIGRTMIN + 5);
    pthread_sigmask(SIG_BLOCK, &s, NULL);
    sem_init(&step_main, 0, 0);
    sem_init(&step_thread, 0, 0);
    pthread_t t;
    pthread_create(&t, NULL, thread_main, NULL);
    kill(getpid(), SIGUSR1);
    kill(getpid(), SIGRTMIN + 2);
    show("main");
    sem_post(&step_thread);
    sem_wait(&step_main);
    show("main after thread's tgkill");
    sem_post(&step_thread);
    sem_wait(&step_main);
    show("main after thread took RT2");
    pthread_join(t, NULL);
    printf("RT2 handled: thread %d, main %d\n", handled_rt2_in_thread, handled_rt2_in_main);
    return 0;
}
