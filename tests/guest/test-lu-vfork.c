/*
 * test-lu-vfork.c - vfork and posix_spawn (clone with CLONE_VM|CLONE_VFORK):
 * the child shares the parent's memory until it execs or exits (a store in
 * the child is seen by the parent; posix_spawn of a missing program
 * returns ENOENT, which glibc's child reports through that memory), yet has
 * its own signal actions, its own pid, and its exit status is waited for
 * as with fork, also when it dies by a signal.  Many children in a row
 * must not leak.
 * Example line:  vfork: child stored 42, status 3
 */
#define _GNU_SOURCE
#include "guest.h"

#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;
static volatile int shared_value;
static volatile int handled;

static void on_usr1(int sig)
{
    (void)sig;
    handled++;
}

static void vfork_shares_memory(void)
{
    shared_value = 1;
    pid_t p = vfork();
    if (p == 0) {
        shared_value = 42;
        _exit(3);
    }
    int st = 0;
    waitpid(p, &st, 0);
    printf("vfork: child stored %d, status %d\n", shared_value, WEXITSTATUS(st));
}

static void vfork_own_actions(void)
{
    signal(SIGUSR1, on_usr1);
    pid_t p = vfork();
    if (p == 0) {
        signal(SIGUSR1, SIG_IGN);
        _exit(getpid() != getppid() ? 0 : 1);
    }
    int st = 0;
    waitpid(p, &st, 0);
    raise(SIGUSR1);
    printf("vfork: child status %d, parent handler still runs: %d\n", WEXITSTATUS(st), handled);
}

static void vfork_exec_fails(void)
{
    pid_t p = vfork();
    if (p == 0) {
        char *argv[] = {"nope", NULL};
        execve("/nonexistent/dir/prog", argv, environ);
        _exit(errno == ENOENT ? 9 : 10);
    }
    int st = 0;
    waitpid(p, &st, 0);
    printf("vfork+failed execve: status %d\n", WEXITSTATUS(st));
}

static void vfork_child_killed(void)
{
    pid_t p = vfork();
    if (p == 0) {
        raise(SIGTERM);
        _exit(1);
    }
    int st = 0;
    waitpid(p, &st, 0);
    printf("vfork child raises SIGTERM: signaled %d, signal %d\n", WIFSIGNALED(st),
           WIFSIGNALED(st) ? WTERMSIG(st) : 0);
}

static void spawn(const char *self)
{
    pid_t pid = -1;
    char *argv[] = {"nope", NULL};
    int r = posix_spawn(&pid, "/nonexistent/dir/prog", NULL, NULL, argv, environ);
    printf("posix_spawn(missing) = %s\n", r == ENOENT ? "ENOENT" : r == 0 ? "0" : "other");
    if (r == 0)
        waitpid(pid, NULL, 0);
    char *cargv[] = {(char *)self, "child", NULL};
    r = posix_spawn(&pid, self, NULL, NULL, cargv, environ);
    int st = 0;
    if (r == 0)
        waitpid(pid, &st, 0);
    printf("posix_spawn(self child) = %d, status %d\n", r, WEXITSTATUS(st));
}

static void many(void)
{
    int sum = 0;
    for (int i = 0; i < 300; i++) {
        pid_t p = vfork();
        if (p == 0)
            _exit(i & 7);
        int st = 0;
        if (waitpid(p, &st, 0) == p)
            sum += WEXITSTATUS(st);
    }
    printf("300 vforks: status sum %d\n", sum);
}

int main(int argc, char **argv)
{
    if (argc > 1) {
        printf("child runs\n");
        fflush(stdout);
        return 5;
    }
    setvbuf(stdout, NULL, _IONBF, 0);
    vfork_shares_memory();
    vfork_own_actions();
    vfork_exec_fails();
    vfork_child_killed();
    spawn(argv[0]);
    many();
    return 0;
}
