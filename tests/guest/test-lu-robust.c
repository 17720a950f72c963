/*
 * test-lu-robust.c - robust mutexes (set_robust_list): a lock still held
 * when its owner dies is handed to the next locker with EOWNERDEAD, as the
 * kernel marks it FUTEX_OWNER_DIED and wakes a waiter.  Owners die by
 * thread exit (no waiter, and with a waiter blocked), and by the exit of a
 * forked child holding a process-shared robust mutex.  Timed locks turn a
 * missing release into ETIMEDOUT instead of a hang.
 * Example line:  thread exit, no waiter: EOWNERDEAD, then relock 0
 */
#define _GNU_SOURCE
#include "guest.h"

#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *ename(int e)
{
    return e == 0                 ? "0"
           : e == EOWNERDEAD      ? "EOWNERDEAD"
           : e == ETIMEDOUT       ? "ETIMEDOUT"
           : e == ENOTRECOVERABLE ? "ENOTRECOVERABLE"
                                  : "other";
}

static void robust_init(pthread_mutex_t *m, int pshared)
{
    pthread_mutexattr_t at;
    pthread_mutexattr_init(&at);
    pthread_mutexattr_setrobust(&at, PTHREAD_MUTEX_ROBUST);
    pthread_mutexattr_setpshared(&at, pshared);
    pthread_mutex_init(m, &at);
    pthread_mutexattr_destroy(&at);
}

static int timed_lock(pthread_mutex_t *m, int seconds)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += seconds;
    return pthread_mutex_timedlock(m, &ts);
}

/* Take the lock back from a dead owner and show that it is usable again. */
static void recover(const char *what, pthread_mutex_t *m, int r)
{
    int again = -1;
    if (r == EOWNERDEAD) {
        pthread_mutex_consistent(m);
        pthread_mutex_unlock(m);
        again = timed_lock(m, 1);
        if (again == 0)
            pthread_mutex_unlock(m);
    }
    printf("%s: %s, then relock %s\n", what, ename(r), again < 0 ? "-" : ename(again));
}

static pthread_mutex_t m1, m2;
static sem_t locked;

static void *take_and_exit(void *arg)
{
    pthread_mutex_t *m = arg;
    pthread_mutex_lock(m);
    sem_post(&locked);
    usleep(100000); /* let a waiter block first */
    return NULL;    /* dies holding m */
}

/* Blocks on m2 while its owner dies; recovers it before exiting itself. */
static void *waiter(void *arg)
{
    (void)arg;
    sem_wait(&locked);
    int r = timed_lock(&m2, 3);
    if (r == EOWNERDEAD)
        pthread_mutex_consistent(&m2);
    if (r == 0 || r == EOWNERDEAD)
        pthread_mutex_unlock(&m2);
    return (void *)(intptr_t)r;
}

static void thread_owner_dies(void)
{
    robust_init(&m1, PTHREAD_PROCESS_PRIVATE);
    sem_init(&locked, 0, 0);
    pthread_t t;
    pthread_create(&t, NULL, take_and_exit, &m1);
    pthread_join(t, NULL);
    sem_wait(&locked);
    recover("thread exit, no waiter", &m1, timed_lock(&m1, 2));

    robust_init(&m2, PTHREAD_PROCESS_PRIVATE);
    pthread_t a, b;
    pthread_create(&b, NULL, waiter, NULL);
    pthread_create(&a, NULL, take_and_exit, &m2);
    void *rv;
    pthread_join(b, &rv);
    pthread_join(a, NULL);
    int again = timed_lock(&m2, 1);
    printf("thread exit, waiter blocked: %s, then relock %s\n", ename((int)(intptr_t)rv),
           ename(again));
}

static void process_owner_dies(void)
{
    pthread_mutex_t *m =
        mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    robust_init(m, PTHREAD_PROCESS_SHARED);
    pid_t p = fork();
    if (p == 0) {
        pthread_mutex_lock(m);
        _exit(0);
    }
    waitpid(p, NULL, 0);
    recover("child exit_group, shared mutex", m, timed_lock(m, 2));
    munmap(m, 4096);
}

int main(void)
{
    thread_owner_dies();
    process_owner_dies();
    return 0;
}
