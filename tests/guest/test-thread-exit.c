/*
 * test-thread-exit.c - how guest threads end: pthread_exit values, a thread
 * whose tid differs from the pid, a signal sent with pthread_kill (tgkill)
 * that runs its handler on the target thread, per-thread signal masks, a
 * fork while threads run (the child starts threads of its own), and
 * finally a thread calling exit() (exit_group) while others are blocked:
 * the whole process ends with that status (3).
 */
#include <pthread.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "guest.h"

static void *exit_with(void *arg)
{
    pthread_exit((void *)((intptr_t)arg * 3));
    return NULL;
}

static void *tid_check(void *arg)
{
    (void)arg;
    long tid = syscall(SYS_gettid);
    return (void *)(intptr_t)(tid != getpid() && tid > 0);
}

static pthread_t target;
static volatile int handled_on_target;
static void on_usr1(int sig)
{
    (void)sig;
    handled_on_target = pthread_equal(pthread_self(), target) ? 1 : 2;
}

static volatile int go;
static void *wait_signal(void *arg)
{
    (void)arg;
    while (!handled_on_target)
        __atomic_load_n(&go, __ATOMIC_SEQ_CST);
    return NULL;
}

static void *mask_thread(void *arg)
{
    (void)arg;
    sigset_t s, old;
    sigemptyset(&s);
    sigaddset(&s, SIGUSR2);
    pthread_sigmask(SIG_BLOCK, &s, NULL);
    pthread_sigmask(SIG_BLOCK, NULL, &old);
    return (void *)(intptr_t)sigismember(&old, SIGUSR2);
}

static pthread_mutex_t never = PTHREAD_MUTEX_INITIALIZER;
static void *block_forever(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&never); /* main holds it: blocks in futex */
    return NULL;
}
static void *exit_process(void *arg)
{
    (void)arg;
    printf("thread calls exit(3)\n");
    exit(3);
}

int main(void)
{
    pthread_t th;
    void *ret;
    for (int i = 1; i <= 3; i++) {
        pthread_create(&th, NULL, exit_with, (void *)(intptr_t)i);
        pthread_join(th, &ret);
        printf("pthread_exit value %d\n", (int)(intptr_t)ret);
    }
    pthread_create(&th, NULL, tid_check, NULL);
    pthread_join(th, &ret);
    printf("thread tid differs from pid: %d\n", (int)(intptr_t)ret);

    signal(SIGUSR1, on_usr1);
    pthread_create(&target, NULL, wait_signal, NULL);
    pthread_kill(target, SIGUSR1);
    pthread_join(target, NULL);
    printf("pthread_kill handled on target: %d\n", handled_on_target);

    pthread_create(&th, NULL, mask_thread, NULL);
    pthread_join(th, &ret);
    sigset_t cur;
    pthread_sigmask(SIG_BLOCK, NULL, &cur);
    printf("thread blocked SIGUSR2: %d, main blocks it: %d\n", (int)(intptr_t)ret,
           sigismember(&cur, SIGUSR2));

    fflush(stdout);
    pthread_t busy;
    pthread_create(&busy, NULL, wait_signal, NULL); /* runs during the fork */
    pid_t pid = fork();
    if (pid == 0) {
        pthread_create(&th, NULL, exit_with, (void *)(intptr_t)5);
        pthread_join(th, &ret);
        _exit((int)(intptr_t)ret);
    }
    int status;
    waitpid(pid, &status, 0);
    printf("forked child with a thread: exit %d\n", WEXITSTATUS(status));
    handled_on_target = 1;
    pthread_join(busy, NULL);

    fflush(stdout);
    pthread_mutex_lock(&never);
    pthread_create(&th, NULL, block_forever, NULL);
    pthread_create(&th, NULL, exit_process, NULL);
    for (;;)
        pause();
}
