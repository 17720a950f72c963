/*
 * test-lu-events.c - waiting and notification descriptors and the newer
 * file calls: epoll (packed epoll_event), eventfd, timerfd (settime,
 * gettime), signalfd (reads a blocked SIGUSR1), ppoll and pselect with a
 * timeout, inotify (an event for a created file), memfd_create, sendfile,
 * splice through a pipe, copy_file_range, fallocate, waitid, sched and
 * priority calls, an unknown ioctl (ENOTTY) and bad pointers (EFAULT).
 * Example line:  epoll: 1 ready, events 1 data 0x1122334455667788
 */
#define _GNU_SOURCE
#include "guest.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/sendfile.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *en(int r)
{
    return r >= 0 ? "ok" : errno == EFAULT ? "EFAULT" : errno == ENOTTY ? "ENOTTY" : "other";
}

static void events(void)
{
    int ep = epoll_create1(EPOLL_CLOEXEC);
    int efd = eventfd(0, EFD_NONBLOCK);
    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = 0x1122334455667788ull};
    epoll_ctl(ep, EPOLL_CTL_ADD, efd, &ev);
    struct epoll_event out[4];
    printf("epoll: %d ready before\n", epoll_wait(ep, out, 4, 0));
    uint64_t one = 5;
    if (write(efd, &one, 8) != 8)
        return;
    memset(out, 0, sizeof(out));
    int n = epoll_wait(ep, out, 4, 1000);
    printf("epoll: %d ready, events %x data 0x%llx\n", n, out[0].events,
           (unsigned long long)out[0].data.u64);
    uint64_t v = 0;
    int rv = (int)read(efd, &v, 8);
    printf("eventfd: read %d value %llu\n", rv, (unsigned long long)v);
    errno = 0;
    rv = (int)read(efd, &v, 8);
    printf("eventfd: empty read %d %s\n", rv, errno == EAGAIN ? "EAGAIN" : "?");

    int tfd = timerfd_create(CLOCK_MONOTONIC, 0);
    struct itimerspec its = {{0, 0}, {0, 20 * 1000 * 1000}}, cur;
    timerfd_settime(tfd, 0, &its, NULL);
    timerfd_gettime(tfd, &cur);
    printf("timerfd: armed %d\n", cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec > 0);
    uint64_t exp = 0;
    rv = (int)read(tfd, &exp, 8);
    printf("timerfd: read %d expirations %llu\n", rv, (unsigned long long)exp);

    sigset_t m;
    sigemptyset(&m);
    sigaddset(&m, SIGUSR1);
    sigprocmask(SIG_BLOCK, &m, NULL);
    int sfd = signalfd(-1, &m, 0);
    raise(SIGUSR1);
    struct signalfd_siginfo si;
    int r = (int)read(sfd, &si, sizeof(si));
    printf("signalfd: read %d signo %u code %d pid-ok %d\n", r, si.ssi_signo, si.ssi_code,
           si.ssi_pid == (uint32_t)getpid());

    struct pollfd pf = {.fd = efd, .events = POLLIN};
    struct timespec ts = {0, 10 * 1000 * 1000};
    printf("ppoll: %d\n", ppoll(&pf, 1, &ts, NULL));
    fd_set rs;
    FD_ZERO(&rs);
    FD_SET(efd, &rs);
    struct timespec ts2 = {0, 10 * 1000 * 1000};
    printf("pselect: %d\n", pselect(efd + 1, &rs, NULL, NULL, &ts2, &m));
    one = 1;
    if (write(efd, &one, 8) != 8)
        return;
    FD_SET(efd, &rs);
    printf("pselect ready: %d isset %d\n", pselect(efd + 1, &rs, NULL, NULL, NULL, NULL),
           FD_ISSET(efd, &rs) != 0);
    close(ep);
    close(efd);
    close(tfd);
    close(sfd);
}

static void files(void)
{
    int in = inotify_init1(IN_NONBLOCK);
    mkdir("watched", 0700);
    int wd = inotify_add_watch(in, "watched", IN_CREATE);
    close(open("watched/newfile", O_CREAT | O_WRONLY, 0600));
    char buf[512] __attribute__((aligned(4)));
    int r = (int)read(in, buf, sizeof(buf));
    struct inotify_event *e = (struct inotify_event *)buf;
    printf("inotify: %d wd-ok %d mask %x name %s\n", r > 0, e->wd == wd, e->mask, e->name);
    close(in);

    int mfd = memfd_create("test", MFD_CLOEXEC);
    printf("memfd: write %d\n", (int)write(mfd, "memfd contents\n", 15));
    int out = open("copy.txt", O_CREAT | O_RDWR | O_TRUNC, 0600);
    off_t off = 0;
    int sr = (int)sendfile(out, mfd, &off, 100);
    printf("sendfile: %d off %d\n", sr, (int)off);
    int p[2];
    if (pipe(p))
        return;
    loff_t o2 = 6;
    printf("splice in: %d\n", (int)splice(mfd, &o2, p[1], NULL, 8, 0));
    printf("splice out: %d\n", (int)splice(p[0], NULL, out, NULL, 8, 0));
    loff_t ci = 0, co = 23;
    int cr = (int)copy_file_range(mfd, &ci, out, &co, 5, 0);
    printf("copy_file_range: %s\n", cr == 5 || (cr < 0 && errno == EXDEV) ? "ok" : "bad");
    int fr = fallocate(out, 0, 0, 100);
    printf("fallocate: %d size %d\n", fr, (int)lseek(out, 0, SEEK_END));
    char got[64] = {0};
    int pr = (int)pread(out, got, 23, 0);
    printf("copy.txt: %d \"%.23s\"\n", pr, got);
    close(out);
    close(mfd);

    pid_t pid = fork();
    if (pid == 0)
        _exit(42);
    siginfo_t si;
    memset(&si, 0, sizeof(si));
    int wr = waitid(P_PID, pid, &si, WEXITED);
    printf("waitid: %d code %d status %d pid-ok %d\n", wr, si.si_code, si.si_status,
           si.si_pid == pid);
}

static void misc(void)
{
    errno = 0;
    int prio = getpriority(PRIO_PROCESS, 0);
    printf("getpriority: %d errno %d\n", prio, errno);
    printf("sched_getscheduler: %d\n", sched_getscheduler(0));
    printf("sched max/min other: %d %d\n", sched_get_priority_max(SCHED_OTHER),
           sched_get_priority_min(SCHED_OTHER));
    struct sched_param sp = {-1};
    int r = sched_getparam(0, &sp);
    printf("sched_getparam: %d prio %d\n", r, sp.sched_priority);
    int p[2];
    if (pipe(p) || write(p[1], "abc", 3) != 3)
        return;
    r = ioctl(p[0], 0x12345678, 0);
    printf("unknown ioctl: %d %s\n", r, en(r));
    r = ioctl(p[0], FIONREAD, (void *)16);
    printf("FIONREAD bad pointer: %d %s\n", r, en(r));
    int avail = 0;
    r = ioctl(p[0], FIONREAD, &avail);
    printf("FIONREAD: %d %d\n", r, avail);
    r = (int)read(p[0], (void *)16, 10);
    printf("read bad pointer: %d %s\n", r, en(r));
    r = epoll_ctl(epoll_create1(0), EPOLL_CTL_ADD, 0, (void *)16);
    printf("epoll_ctl bad pointer: %d %s\n", r, en(r));
}

int main(void)
{
    events();
    files();
    misc();
    return 0;
}
