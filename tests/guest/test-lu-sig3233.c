/*
 * test-lu-sig3233.c - signals 32 and 33, which glibc keeps for itself
 * (SIGCANCEL for pthread_cancel, SIGSETXID for the setuid/setgid family
 * in a multithreaded process), behave as natively: a thread blocked in a
 * system call is cancelled; setgid() changes the ids of every thread; and
 * a handler installed with the raw rt_sigaction system call gets them
 * from kill() to ourselves, from another process, and from sigtimedwait
 * while blocked with the raw rt_sigprocmask.
 * Example line:  cancel in read: canceled 1
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

/* ---- pthread_cancel (SIGCANCEL, 32) ---- */

static int pipefd[2];
static sem_t started;

static void *block_in_read(void *arg)
{
    (void)arg;
    char c;
    sem_post(&started);
    read(pipefd[0], &c, 1);
    return (void *)1;
}

static void *block_in_nanosleep(void *arg)
{
    (void)arg;
    struct timespec t = {30, 0};
    sem_post(&started);
    nanosleep(&t, NULL);
    return (void *)1;
}

static void cancel_case(const char *what, void *(*fn)(void *))
{
    pthread_t t;
    pthread_create(&t, NULL, fn, NULL);
    sem_wait(&started);
    struct timespec d = {0, 50 * 1000 * 1000};
    nanosleep(&d, NULL);
    pthread_cancel(t);
    void *rv = NULL;
    pthread_join(t, &rv);
    printf("cancel in %s: canceled %d\n", what, rv == PTHREAD_CANCELED);
}

/* ---- setgid in a multithreaded process (SIGSETXID, 33) ---- */

static sem_t go, answered;
static volatile int thread_gid[3];

static void *report_gid(void *arg)
{
    int i = (int)(intptr_t)arg;
    sem_post(&answered);
    sem_wait(&go);
    thread_gid[i] = (int)syscall(SYS_getgid32);
    sem_post(&answered);
    return NULL;
}

static void setxid_case(void)
{
    pthread_t t[3];
    for (int i = 0; i < 3; i++)
        pthread_create(&t[i], NULL, report_gid, (void *)(intptr_t)i);
    for (int i = 0; i < 3; i++)
        sem_wait(&answered);
    gid_t want = getuid() == 0 ? 4321 : getgid();
    int r = setgid(want);
    for (int i = 0; i < 3; i++)
        sem_post(&go);
    for (int i = 0; i < 3; i++)
        sem_wait(&answered);
    int same = 1;
    for (int i = 0; i < 3; i++)
        same &= thread_gid[i] == (int)want;
    printf("setgid in 4 threads: %d, every thread has it %d, main %d\n", r, same,
           (int)syscall(SYS_getgid32) == (int)want);
    for (int i = 0; i < 3; i++)
        pthread_join(t[i], NULL);
}

/* ---- raw handlers for 32 and 33 ---- */

struct ksigaction {
    void (*handler)(int, siginfo_t *, void *);
    unsigned long flags;
    void (*restorer)(void);
    uint32_t mask[2];
};

static volatile int got[65], got_code[65];

static void raw_handler(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    got[sig]++;
    got_code[sig] = si->si_code;
}

/* rt_sigreturn, as glibc's own restorer (an i386 process without one
 * returns through the vDSO, which xlat does not provide) */
void test_restore_rt(void);
__asm__(".text\n"
        "test_restore_rt:\n"
        "    movl $173, %eax\n"
        "    int $0x80\n");

static void raw_install(int sig)
{
    struct ksigaction ka = {
        .handler = raw_handler, .flags = SA_SIGINFO | 0x04000000, .restorer = test_restore_rt};
    long r = syscall(SYS_rt_sigaction, sig, &ka, NULL, 8);
    struct ksigaction old;
    memset(&old, 0, sizeof(old));
    syscall(SYS_rt_sigaction, sig, NULL, &old, 8);
    printf("raw rt_sigaction(%d): %ld, reads back %d\n", sig, r, old.handler == raw_handler);
}

static void raw_mask(int how, int sig)
{
    uint32_t m[2] = {0, 0};
    m[(sig - 1) / 32] = 1u << ((sig - 1) % 32);
    syscall(SYS_rt_sigprocmask, how, m, NULL, 8);
}

static void raw_cases(int sig)
{
    raw_install(sig);
    got[sig] = 0;
    kill(getpid(), sig);
    printf("kill(self, %d): handled %d code %d\n", sig, got[sig], got_code[sig]);

    got[sig] = 0;
    pid_t parent = getpid(), p = fork();
    if (p == 0) {
        kill(parent, sig);
        _exit(0);
    }
    int st;
    while (waitpid(p, &st, 0) < 0 && errno == EINTR)
        ;
    for (int i = 0; i < 2000 && !got[sig]; i++)
        usleep(1000);
    printf("%d from another process: handled %d code %d\n", sig, got[sig], got_code[sig]);

    /* blocked: pending, then taken by sigtimedwait */
    raw_mask(SIG_BLOCK, sig);
    got[sig] = 0;
    kill(getpid(), sig);
    uint32_t pend[2] = {0, 0};
    syscall(SYS_rt_sigpending, pend, 8);
    int pending = (pend[(sig - 1) / 32] >> ((sig - 1) % 32)) & 1;
    uint32_t set[2] = {0, 0};
    set[(sig - 1) / 32] = 1u << ((sig - 1) % 32);
    struct timespec ts = {3, 0};
    siginfo_t si;
    long w = syscall(SYS_rt_sigtimedwait, set, &si, &ts, 8);
    printf("blocked %d: pending %d, sigtimedwait %ld, handled %d\n", sig, pending, w, got[sig]);
    raw_mask(SIG_UNBLOCK, sig);
}

int main(void)
{
    sem_init(&started, 0, 0);
    sem_init(&go, 0, 0);
    sem_init(&answered, 0, 0);
    pipe(pipefd);
    cancel_case("read", block_in_read);
    cancel_case("nanosleep", block_in_nanosleep);
    setxid_case();
    raw_cases(33);
    raw_cases(32);
    return 0;
}
