/*
 * test-lu-execmask.c - what execve keeps and how a program can be named:
 * the blocked mask (fault signals and real-time ones too), ignored
 * signals and pending signals survive execve and posix_spawn's
 * POSIX_SPAWN_SETSIGMASK reaches the new program; fexecve of an O_CLOEXEC
 * descriptor, execve("/proc/self/fd/N") of one, and execveat with a
 * directory descriptor and AT_EMPTY_PATH run the program.
 * Example line: "child (execve): blocked USR1 1 SEGV 1 RT3 1 USR2 0, USR2 ignored 1, pending USR1
 * 1"
 */
#define _GNU_SOURCE
#include "guest.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static int is_blocked(int sig)
{
    sigset_t cur;
    sigprocmask(SIG_SETMASK, NULL, &cur);
    return sigismember(&cur, sig);
}

static int is_pending(int sig)
{
    sigset_t p;
    sigpending(&p);
    return sigismember(&p, sig);
}

/* The exec'ed side: report, then show that a blocked signal stays pending. */
static int child(const char *how)
{
    struct sigaction sa;
    sigaction(SIGUSR2, NULL, &sa);
    printf("child (%s): blocked USR1 %d SEGV %d RT3 %d USR2 %d, USR2 ignored %d, pending USR1 %d\n",
           how, is_blocked(SIGUSR1), is_blocked(SIGSEGV), is_blocked(SIGRTMIN + 3),
           is_blocked(SIGUSR2), sa.sa_handler == SIG_IGN, is_pending(SIGUSR1));
    if (is_blocked(SIGUSR1)) {
        kill(getpid(), SIGUSR1);
        printf("child (%s): USR1 sent, pending %d\n", how, is_pending(SIGUSR1));
    }
    if (is_blocked(SIGSEGV)) {
        kill(getpid(), SIGSEGV);
        printf("child (%s): SEGV sent, pending %d\n", how, is_pending(SIGSEGV));
    }
    return 0;
}

static void report(const char *what, pid_t pid)
{
    int st = 0;
    if (pid < 0) {
        printf("%s: cannot start (%s)\n", what, strerror(errno));
        return;
    }
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    if (WIFEXITED(st))
        printf("%s: exit %d\n", what, WEXITSTATUS(st));
    else
        printf("%s: killed by %s\n", what, sigabbrev_np(WTERMSIG(st)));
}

enum { BY_EXECVE, BY_FEXECVE, BY_PROCFD, BY_EXECVEAT_DIR, BY_EXECVEAT_EMPTY };
static const char *const by_names[] = {"execve", "fexecve", "execve /proc/self/fd",
                                       "execveat dirfd", "execveat AT_EMPTY_PATH"};

static void exec_self(int by, const char *self)
{
    char *argv[] = {(char *)self, "child", (char *)by_names[by], NULL};
    int fd = open(self, O_RDONLY | O_CLOEXEC);
    char path[64];
    switch (by) {
    case BY_EXECVE:
        execve(self, argv, environ);
        break;
    case BY_FEXECVE:
        fexecve(fd, argv, environ);
        break;
    case BY_PROCFD:
        snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
        execve(path, argv, environ);
        break;
    case BY_EXECVEAT_DIR: {
        int dir = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        syscall(SYS_execveat, dir, "prog", argv, environ, 0);
        break;
    }
    case BY_EXECVEAT_EMPTY:
        syscall(SYS_execveat, fd, "", argv, environ, AT_EMPTY_PATH);
        break;
    }
    printf("exec by %s failed: %s\n", by_names[by], strerror(errno));
    _exit(126);
}

/* A copy of ourselves in the current directory, for execveat(dirfd, "prog"). */
static void copy_self(const char *self)
{
    int in = open(self, O_RDONLY), out = open("prog", O_WRONLY | O_CREAT | O_TRUNC, 0755);
    char buf[65536];
    ssize_t n;
    while ((n = read(in, buf, sizeof(buf))) > 0)
        if (write(out, buf, (size_t)n) != n)
            break;
    close(in);
    close(out);
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc > 2 && strcmp(argv[1], "child") == 0)
        return child(argv[2]);
    char self[4096];
    ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
    if (n <= 0)
        return 1;
    self[n] = 0;
    copy_self(self);

    /* the mask, an ignored signal and a pending one across each exec */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigaddset(&set, SIGSEGV);
    sigaddset(&set, SIGRTMIN + 3);
    sigprocmask(SIG_BLOCK, &set, NULL);
    signal(SIGUSR2, SIG_IGN);
    for (int by = BY_EXECVE; by <= BY_EXECVEAT_EMPTY; by++) {
        pid_t pid = fork();
        if (pid == 0) {
            if (by == BY_EXECVE)
                raise(SIGUSR1); /* pending across the exec */
            exec_self(by, self);
        }
        report(by_names[by], pid);
    }
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    signal(SIGUSR2, SIG_DFL);

    /* posix_spawn with a mask for the child: it raises SIGUSR1, blocked */
    posix_spawnattr_t at;
    posix_spawnattr_init(&at);
    sigset_t m;
    sigemptyset(&m);
    sigaddset(&m, SIGUSR1);
    posix_spawnattr_setsigmask(&at, &m);
    posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK);
    char *sargv[] = {self, "child", "posix_spawn setsigmask", NULL};
    pid_t pid;
    int r = posix_spawn(&pid, self, NULL, &at, sargv, environ);
    report("posix_spawn setsigmask", r == 0 ? pid : -1);
    posix_spawnattr_destroy(&at);

    /* execveat's errors */
    errno = 0;
    long e = syscall(SYS_execveat, AT_FDCWD, "", sargv, environ, 0);
    printf("execveat empty path without AT_EMPTY_PATH: %ld %s\n", e, strerrorname_np(errno));
    e = syscall(SYS_execveat, 9999, "", sargv, environ, AT_EMPTY_PATH);
    printf("execveat bad fd: %ld %s\n", e, strerrorname_np(errno));
    e = syscall(SYS_execveat, AT_FDCWD, "prog", sargv, environ, 0x8000);
    printf("execveat bad flags: %ld %s\n", e, strerrorname_np(errno));
    symlink("prog", "link");
    e = syscall(SYS_execveat, AT_FDCWD, "link", sargv, environ, AT_SYMLINK_NOFOLLOW);
    printf("execveat symlink, AT_SYMLINK_NOFOLLOW: %ld %s\n", e, strerrorname_np(errno));
    unlink("link");
    unlink("prog");
    return 0;
}
