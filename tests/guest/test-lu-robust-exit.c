/*
 * test-lu-robust-exit.c - when a process dies, the kernel releases the
 * robust futex list of EVERY one of its threads, not only the one that
 * called exit_group: a process-shared robust mutex (plain, and priority
 * inheritance) held by a second thread of a child is EOWNERDEAD for the
 * parent after the child ends by exit_group, by a fatal signal sent from
 * outside, by a fatal signal it raises, or by execve.  Also
 * get_robust_list: our own head for 0 and for our own threads, errors for
 * others.  Timed locks turn a missing release into ETIMEDOUT, not a hang.
 * Example line:  exit_group, pi 0: EOWNERDEAD, then relock 0
 */
#define _GNU_SOURCE
#include "guest.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { END_EXIT_GROUP, END_KILLED, END_RAISE, END_EXECVE, END_COUNT };
static const char *const end_names[] = {"exit_group", "killed by SIGTERM", "raise SIGTERM",
                                        "execve"};

static const char *ename(int e)
{
    return e == 0                 ? "0"
           : e == EOWNERDEAD      ? "EOWNERDEAD"
           : e == ETIMEDOUT       ? "ETIMEDOUT"
           : e == ENOTRECOVERABLE ? "ENOTRECOVERABLE"
                                  : "other";
}

static void robust_init(pthread_mutex_t *m, int pi)
{
    pthread_mutexattr_t at;
    pthread_mutexattr_init(&at);
    pthread_mutexattr_setrobust(&at, PTHREAD_MUTEX_ROBUST);
    pthread_mutexattr_setpshared(&at, PTHREAD_PROCESS_SHARED);
    if (pi)
        pthread_mutexattr_setprotocol(&at, PTHREAD_PRIO_INHERIT);
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

typedef struct Shared {
    pthread_mutex_t m;
    volatile int locked;
} Shared;

static Shared *sh;

static void *holder(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&sh->m);
    __atomic_store_n(&sh->locked, 1, __ATOMIC_SEQ_CST);
    for (;;)
        pause(); /* holds the lock until the process ends */
    return NULL;
}

static void wait_locked(void)
{
    while (!__atomic_load_n(&sh->locked, __ATOMIC_SEQ_CST))
        usleep(1000);
}

/* The child: a second thread takes the lock, then the process ends. */
static void child(int end)
{
    signal(SIGTERM, SIG_DFL);
    pthread_t t;
    pthread_create(&t, NULL, holder, NULL);
    wait_locked();
    switch (end) {
    case END_EXIT_GROUP:
        _exit(0);
    case END_KILLED:
        for (;;)
            pause();
    case END_RAISE:
        raise(SIGTERM);
        break;
    case END_EXECVE: {
        char *const argv[] = {"true", NULL};
        execv("/bin/true", argv);
        break;
    }
    }
    _exit(99);
}

static void one_case(int end, int pi)
{
    robust_init(&sh->m, pi);
    sh->locked = 0;
    pid_t p = fork();
    if (p == 0)
        child(end);
    wait_locked();
    if (end == END_KILLED)
        kill(p, SIGTERM);
    int st = 0;
    waitpid(p, &st, 0);
    int r = timed_lock(&sh->m, 2), again = -1;
    if (r == EOWNERDEAD) {
        pthread_mutex_consistent(&sh->m);
        pthread_mutex_unlock(&sh->m);
        again = timed_lock(&sh->m, 1);
        if (again == 0)
            pthread_mutex_unlock(&sh->m);
    } else if (r == 0) {
        pthread_mutex_unlock(&sh->m);
    }
    printf("%s, pi %d: child %s %d: %s, then relock %s\n", end_names[end], pi,
           WIFSIGNALED(st) ? "signal" : "exit", WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st),
           ename(r), again < 0 ? "-" : ename(again));
    fflush(stdout);
}

/* ---- get_robust_list ---- */

static volatile uint32_t thread_tid;
static volatile int thread_stop;
static uint32_t thread_head[3];

static void *listed_thread(void *arg)
{
    (void)arg;
    syscall(SYS_set_robust_list, thread_head, 12);
    thread_tid = (uint32_t)syscall(SYS_gettid);
    while (!thread_stop)
        usleep(1000);
    return NULL;
}

static long get_list(long pid, void *head, void *len)
{
    long r = syscall(SYS_get_robust_list, pid, head, len);
    return r < 0 ? -errno : r;
}

static void robust_list_calls(void)
{
    uint32_t head = 0, len = 0, myhead[3] = {0, 0, 0};
    myhead[0] = (uint32_t)(uintptr_t)myhead;
    long r = get_list(0, &head, &len);
    printf("get_robust_list(0): %ld len %u head-set %d\n", r, len, head != 0);
    syscall(SYS_set_robust_list, myhead, 12);
    r = get_list(0, &head, &len);
    printf("after set: %ld len %u head-is-ours %d\n", r, len, head == (uint32_t)(uintptr_t)myhead);
    r = get_list(getpid(), &head, &len);
    printf("get_robust_list(getpid()): %ld head-is-ours %d\n", r,
           head == (uint32_t)(uintptr_t)myhead);
    thread_head[0] = (uint32_t)(uintptr_t)thread_head;
    pthread_t t;
    pthread_create(&t, NULL, listed_thread, NULL);
    while (!thread_tid)
        usleep(1000);
    r = get_list((long)thread_tid, &head, &len);
    printf("get_robust_list(thread): %ld len %u head-is-thread's %d\n", r, len,
           head == (uint32_t)(uintptr_t)thread_head);
    thread_stop = 1;
    pthread_join(t, NULL);
    printf("bad head ptr: %ld\n", get_list(0, (void *)16, &len));
    printf("bad len ptr: %ld\n", get_list(0, &head, (void *)16));
    printf("no such pid: %ld\n", get_list(0x3ffffff0, &head, &len));
    printf("negative pid: %ld\n", get_list(-1, &head, &len));
}

int main(void)
{
    sh = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    for (int pi = 0; pi <= 1; pi++)
        for (int end = 0; end < END_COUNT; end++)
            one_case(end, pi);
    robust_list_calls();
    return 0;
}
