/*
 * test-lu-pvio.c - preadv/pwritev and preadv2/pwritev2 (scatter-gather at
 * an offset, offset -1 = the file position for the "2" forms, RWF flags,
 * too many vectors, negative offsets), and process descriptors:
 * pidfd_open, poll on it until the child exits, waitid(P_PIDFD),
 * pidfd_send_signal with and without a siginfo, pidfd_getfd.
 * Example line: "preadv at 3: 10 [lo wor] [ld] [ abc]"
 */
#define _GNU_SOURCE
#include "guest.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

static void show_err(const char *what, long r)
{
    printf("%s: %ld %s\n", what, r, r < 0 ? strerrorname_np(errno) : "");
}

static void test_vectors(void)
{
    int fd = open("pv.txt", O_RDWR | O_CREAT | O_TRUNC, 0644);
    struct iovec w[3] = {{"hello", 5}, {" world", 6}, {" abc", 4}};
    printf("pwritev at 0: %zd\n", pwritev(fd, w, 3, 0));
    char a[6] = {0}, b[2] = {0}, c[4] = {0};
    struct iovec r[3] = {{a, 6}, {b, 2}, {c, 4}};
    ssize_t n = preadv(fd, r, 3, 3);
    printf("preadv at 3: %zd [%.6s] [%.2s] [%.4s]\n", n, a, b, c);
    printf("position still %ld\n", (long)lseek(fd, 0, SEEK_CUR));
    /* the "2" forms: offset -1 reads and moves the file position */
    lseek(fd, 6, SEEK_SET);
    memset(a, 0, sizeof(a));
    struct iovec one = {a, 5};
    n = preadv2(fd, &one, 1, -1, 0);
    printf("preadv2 at -1: %zd [%.5s], position %ld\n", n, a, (long)lseek(fd, 0, SEEK_CUR));
    struct iovec tail = {"!", 1};
    n = pwritev2(fd, &tail, 1, -1, 0);
    printf("pwritev2 at -1: %zd, position %ld\n", n, (long)lseek(fd, 0, SEEK_CUR));
    n = pwritev2(fd, &tail, 1, 30, RWF_DSYNC);
    printf("pwritev2 RWF_DSYNC at 30: %zd, size %ld\n", n, (long)lseek(fd, 0, SEEK_END));
    errno = 0;
    show_err("preadv2 bad flag", preadv2(fd, &one, 1, 0, 0x40000000));
    show_err("preadv negative offset", preadv(fd, &one, 1, -5));
    show_err("pwritev negative offset", pwritev(fd, &tail, 1, -2));
    static struct iovec many[1025];
    for (int i = 0; i < 1025; i++)
        many[i] = (struct iovec){a, 1};
    show_err("preadv 1025 vectors", preadv(fd, many, 1025, 0));
    show_err("preadv 1024 vectors", preadv(fd, many, 1024, 0));
    struct iovec bad = {(void *)16, 4};
    show_err("preadv bad buffer", preadv(fd, &bad, 1, 0));
    show_err("preadv bad fd", preadv(999, &one, 1, 0));
    close(fd);
    unlink("pv.txt");
}

static void test_pidfd(void)
{
    pid_t p = fork();
    if (p == 0) {
        pause();
        _exit(3);
    }
    int pfd = (int)syscall(SYS_pidfd_open, p, 0);
    printf("pidfd_open: %s\n", pfd >= 0 ? "fd" : strerrorname_np(errno));
    if (pfd < 0) {
        kill(p, SIGKILL);
        waitpid(p, NULL, 0);
        return;
    }
    struct pollfd pf = {pfd, POLLIN, 0};
    printf("poll before exit: %d\n", poll(&pf, 1, 0));
    printf("pidfd_send_signal SIGTERM: %ld\n",
           syscall(SYS_pidfd_send_signal, pfd, SIGTERM, NULL, 0));
    int ready = poll(&pf, 1, 5000);
    printf("poll: %d revents %#x\n", ready, pf.revents);
    siginfo_t si;
    memset(&si, 0, sizeof(si));
    int r = waitid(P_PIDFD, (id_t)pfd, &si, WEXITED);
    printf("waitid P_PIDFD: %d code %d status %d pid-ok %d\n", r, si.si_code, si.si_status,
           si.si_pid == p);
    close(pfd);

    /* a siginfo with the sender's own code, to a child that waits for it */
    int pipefd[2];
    pipe(pipefd);
    p = fork();
    if (p == 0) {
        sigset_t s;
        sigemptyset(&s);
        sigaddset(&s, SIGUSR1);
        sigprocmask(SIG_BLOCK, &s, NULL);
        write(pipefd[1], "r", 1);
        siginfo_t got;
        sigwaitinfo(&s, &got);
        _exit(got.si_code == SI_QUEUE && got.si_value.sival_int == 77 ? 0 : 1);
    }
    char ch;
    read(pipefd[0], &ch, 1);
    pfd = (int)syscall(SYS_pidfd_open, p, 0);
    if (pfd < 0) {
        kill(p, SIGKILL);
        waitpid(p, NULL, 0);
        return;
    }
    memset(&si, 0, sizeof(si));
    si.si_signo = SIGUSR1;
    si.si_code = SI_QUEUE;
    si.si_pid = getpid();
    si.si_uid = getuid();
    si.si_value.sival_int = 77;
    printf("pidfd_send_signal with siginfo: %ld\n",
           syscall(SYS_pidfd_send_signal, pfd, SIGUSR1, &si, 0));
    int st;
    waitpid(p, &st, 0);
    printf("child saw SI_QUEUE 77: %d\n", WIFEXITED(st) && WEXITSTATUS(st) == 0);

    /* pidfd_getfd of our own descriptor */
    int self = (int)syscall(SYS_pidfd_open, getpid(), 0);
    int dup_fd = (int)syscall(SYS_pidfd_getfd, self, pipefd[1], 0);
    printf("pidfd_getfd: %s\n", dup_fd >= 0 ? "fd" : strerrorname_np(errno));
    if (dup_fd >= 0) {
        write(dup_fd, "x", 1);
        printf("through the copy: %zd\n", read(pipefd[0], &ch, 1));
    }
    errno = 0;
    show_err("pidfd_open bad flags", syscall(SYS_pidfd_open, getpid(), 1));
    show_err("pidfd_open no such pid", syscall(SYS_pidfd_open, 0x3ffffff0, 0));
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    test_vectors();
    test_pidfd();
    return 0;
}
