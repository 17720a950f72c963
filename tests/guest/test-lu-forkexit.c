/*
 * test-lu-forkexit.c - fork while other threads are ending.  One thread
 * keeps creating short-lived threads while the main thread forks; each
 * child starts and joins a thread of its own and exits with status 7.
 * xlat once ended a host thread with pthread_exit, whose unwinder holds a
 * lock for a while: a fork at that moment copied the lock held, and the
 * child's own thread exit (and exit()) waited for it forever.
 * Example line:  forks 200, children exited with 7: 200, hung 0
 */
#include "guest.h"

#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define FORKS 200

static volatile int stop;

static void *nothing(void *arg)
{
    return arg;
}

static void *churn(void *arg)
{
    (void)arg;
    while (!stop) {
        pthread_t t;
        pthread_create(&t, NULL, nothing, NULL);
        pthread_join(t, NULL);
    }
    return NULL;
}

/* waitpid with a deadline: the child's status, or -1 if it hung */
static int wait_child(pid_t pid)
{
    for (int i = 0; i < 2000; i++) {
        int st;
        if (waitpid(pid, &st, WNOHANG) == pid)
            return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
        struct timespec d = {0, 5 * 1000 * 1000};
        nanosleep(&d, NULL);
    }
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    return -1;
}

int main(void)
{
    pthread_t c;
    pthread_create(&c, NULL, churn, NULL);
    int ok = 0, hung = 0;
    for (int i = 0; i < FORKS; i++) {
        pid_t pid = fork();
        if (pid == 0) {
            pthread_t t;
            pthread_create(&t, NULL, nothing, NULL);
            pthread_join(t, NULL);
            exit(7);
        }
        int st = wait_child(pid);
        ok += st == 7;
        hung += st == -1;
    }
    stop = 1;
    pthread_join(c, NULL);
    printf("forks %d, children exited with 7: %d, hung %d\n", FORKS, ok, hung);
    return 0;
}
