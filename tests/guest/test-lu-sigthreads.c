/*
 * test-lu-sigthreads.c - several threads take signals at the same moment
 * and each resumes with its own registers.  The main thread sends SIGUSR1
 * to four computing threads in bursts; every handler runs on its thread's
 * stack and sigreturn must restore that thread's context (xlat once built
 * every signal frame in one static buffer, so two threads setting up
 * frames at once could resume with each other's registers).
 * Example line:  thread 2: 7f1c2a33
 */
#define _GNU_SOURCE
#include "guest.h"

#include <pthread.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#define NTHREADS 4
#define ROUNDS 40000000u

static volatile pid_t tids[NTHREADS];
static volatile int done[NTHREADS];
static volatile int handled[NTHREADS];
static __thread int my_index;

static void on_usr1(int sig)
{
    (void)sig;
    handled[my_index] = 1;
}

/* A computation whose state lives in registers across the whole loop. */
static uint32_t mix(uint32_t seed)
{
    uint32_t a = seed, b = seed * 7 + 1, c = ~seed, d = seed ^ 0x5a5a5a5a;
    for (uint32_t i = 0; i < ROUNDS; i++) {
        a += b ^ i;
        b = (b << 3 | b >> 29) + c;
        c ^= d + a;
        d = d * 5 + (a >> 7);
    }
    return a ^ b ^ c ^ d;
}

static void *worker(void *arg)
{
    int i = (int)(intptr_t)arg;
    my_index = i;
    tids[i] = (pid_t)syscall(SYS_gettid);
    uint32_t r = mix(0x1000u * (uint32_t)(i + 1));
    done[i] = 1;
    return (void *)(uintptr_t)r;
}

int main(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_usr1;
    sigaction(SIGUSR1, &sa, NULL);
    pthread_t t[NTHREADS];
    for (int i = 0; i < NTHREADS; i++)
        pthread_create(&t[i], NULL, worker, (void *)(intptr_t)i);
    for (int i = 0; i < NTHREADS; i++)
        while (!tids[i])
            sched_yield();
    /* bursts: every running thread gets a signal at nearly the same time */
    int running = NTHREADS;
    while (running) {
        running = 0;
        for (int i = 0; i < NTHREADS; i++) {
            if (!done[i]) {
                syscall(SYS_tgkill, getpid(), tids[i], SIGUSR1);
                running++;
            }
        }
        usleep(200);
    }
    for (int i = 0; i < NTHREADS; i++) {
        void *rv;
        pthread_join(t[i], &rv);
        printf("thread %d: %08x\n", i, (unsigned)(uintptr_t)rv);
    }
    return 0;
}
