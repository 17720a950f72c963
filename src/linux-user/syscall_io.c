/*
 * syscall_io.c - descriptors that wait or notify, and the file-moving and
 * scheduling calls real programs add on top of the basics: epoll, eventfd,
 * signalfd, timerfd (32- and 64-bit time), inotify, ppoll and pselect6
 * (both time variants), waitid, sendfile64, splice, tee, copy_file_range,
 * fallocate, fadvise64_64, memfd_create, sched_*, priorities, mknod.
 *
 * struct epoll_event is packed (12 bytes) in both the i386 and the x86-64
 * ABIs, so event arrays pass through; so do inotify events and
 * signalfd_siginfo (fixed 128-byte layout).  Time structures are converted
 * (32-bit {sec, nsec} pairs, or 64-bit ones for the *_time64 calls).
 * Guest signal masks are 8 bytes; the host mask for a call is the guest mask
 * minus the fault signals xlat keeps for itself.
 */
#include "linux-user/lu-internal.h"
#include "linux-user/lu-signal.h"
#include "linux-user/lu-syscalls.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/sendfile.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

_Static_assert(sizeof(struct epoll_event) == 12, "epoll_event is packed on x86");

/* ---- time conversions ------------------------------------------------- */

/* 32-bit or time64 timespec: lu_timespec_in/out (syscall_time.c). */
static bool ts_in(uint32_t g, bool t64, struct timespec *ts)
{
    return lu_timespec_in(g, t64, ts);
}

static bool ts_out(uint32_t g, bool t64, const struct timespec *ts)
{
    return lu_timespec_out(g, t64, ts) == 0;
}

static bool its_in(uint32_t g, bool t64, struct itimerspec *it)
{
    return ts_in(g, t64, &it->it_interval) && ts_in(g + (t64 ? 16 : 8), t64, &it->it_value);
}

static bool its_out(uint32_t g, bool t64, const struct itimerspec *it)
{
    return ts_out(g, t64, &it->it_interval) && ts_out(g + (t64 ? 16 : 8), t64, &it->it_value);
}

/* Guest 8-byte signal mask -> host sigset (fault signals stay ours). */
static int mask_in(uint32_t g, uint32_t size, sigset_t *hs)
{
    uint64_t m;
    if (size != 8)
        return -EINVAL;
    if (!copy_from_guest(&m, g, 8))
        return -EFAULT;
    lu_host_sigset(m, hs);
    return 0;
}

/* ---- epoll -------------------------------------------------------------- */

long lu_sys_epoll_create(CPUX86State *env, const uint32_t *a)
{
    return (int32_t)a[0] <= 0 ? -EINVAL : lu_errno_ret(epoll_create1(0));
}

long lu_sys_epoll_create1(CPUX86State *env, const uint32_t *a)
{
    return lu_errno_ret(epoll_create1((int)a[0]));
}

long lu_sys_epoll_ctl(CPUX86State *env, const uint32_t *a)
{
    struct epoll_event *ev = NULL;
    if (a[1] != EPOLL_CTL_DEL || a[3]) {
        ev = lu_guest_ptr(a[3], sizeof(*ev), PAGE_READ);
        if (!ev)
            return -EFAULT;
    }
    return lu_errno_ret(epoll_ctl((int)a[0], (int)a[1], (int)a[2], ev));
}

static long do_epoll_wait(const uint32_t *a, int timeout, const sigset_t *mask)
{
    if ((int32_t)a[2] <= 0 || a[2] > 65536)
        return -EINVAL;
    struct epoll_event *ev = lu_guest_ptr(a[1], a[2] * sizeof(*ev), PAGE_WRITE);
    if (!ev)
        return -EFAULT;
    return lu_errno_ret(epoll_pwait((int)a[0], ev, (int)a[2], timeout, mask));
}

long lu_sys_epoll_wait(CPUX86State *env, const uint32_t *a)
{
    return do_epoll_wait(a, (int)a[3], NULL);
}

long lu_sys_epoll_pwait(CPUX86State *env, const uint32_t *a)
{
    sigset_t hs;
    if (a[4]) {
        int e = mask_in(a[4], a[5], &hs);
        if (e)
            return e;
    }
    return do_epoll_wait(a, (int)a[3], a[4] ? &hs : NULL);
}

long lu_sys_epoll_pwait2(CPUX86State *env, const uint32_t *a)
{
    int timeout = -1;
    if (a[3]) {
        struct timespec ts;
        if (!ts_in(a[3], true, &ts))
            return -EFAULT;
        timeout = (int)(ts.tv_sec * 1000 + (ts.tv_nsec + 999999) / 1000000);
    }
    sigset_t hs;
    if (a[4]) {
        int e = mask_in(a[4], a[5], &hs);
        if (e)
            return e;
    }
    return do_epoll_wait(a, timeout, a[4] ? &hs : NULL);
}

/* ---- eventfd, signalfd, timerfd, inotify, memfd ------------------------ */

long lu_sys_eventfd(CPUX86State *env, const uint32_t *a)
{
    return lu_errno_ret(eventfd(a[0], 0));
}

long lu_sys_eventfd2(CPUX86State *env, const uint32_t *a)
{
    return lu_errno_ret(eventfd(a[0], (int)a[1]));
}

long lu_sys_signalfd4(CPUX86State *env, const uint32_t *a)
{
    sigset_t hs;
    int e = mask_in(a[1], a[2], &hs);
    return e ? e : lu_errno_ret(signalfd((int)a[0], &hs, (int)a[3]));
}

long lu_sys_signalfd(CPUX86State *env, const uint32_t *a)
{
    uint32_t b[4] = {a[0], a[1], a[2], 0};
    return lu_sys_signalfd4(env, b);
}

long lu_sys_timerfd_create(CPUX86State *env, const uint32_t *a)
{
    return lu_errno_ret(timerfd_create((int)a[0], (int)a[1]));
}

static long do_timerfd_settime(const uint32_t *a, bool t64)
{
    struct itimerspec nw, old;
    if (!its_in(a[2], t64, &nw))
        return -EFAULT;
    if (timerfd_settime((int)a[0], (int)a[1], &nw, &old) < 0)
        return -errno;
    if (a[3] && !its_out(a[3], t64, &old))
        return -EFAULT;
    return 0;
}

static long do_timerfd_gettime(const uint32_t *a, bool t64)
{
    struct itimerspec cur;
    if (timerfd_gettime((int)a[0], &cur) < 0)
        return -errno;
    return its_out(a[1], t64, &cur) ? 0 : -EFAULT;
}

long lu_sys_timerfd_settime(CPUX86State *env, const uint32_t *a)
{
    return do_timerfd_settime(a, false);
}
long lu_sys_timerfd_settime64(CPUX86State *env, const uint32_t *a)
{
    return do_timerfd_settime(a, true);
}
long lu_sys_timerfd_gettime(CPUX86State *env, const uint32_t *a)
{
    return do_timerfd_gettime(a, false);
}
long lu_sys_timerfd_gettime64(CPUX86State *env, const uint32_t *a)
{
    return do_timerfd_gettime(a, true);
}

long lu_sys_inotify_init(CPUX86State *env, const uint32_t *a)
{
    return lu_errno_ret(inotify_init1(0));
}

long lu_sys_inotify_init1(CPUX86State *env, const uint32_t *a)
{
    return lu_errno_ret(inotify_init1((int)a[0]));
}

long lu_sys_inotify_add_watch(CPUX86State *env, const uint32_t *a)
{
    char p[4096];
    int e = lu_get_path(a[1], p, sizeof(p));
    return e ? e : lu_errno_ret(inotify_add_watch((int)a[0], p, a[2]));
}

long lu_sys_inotify_rm_watch(CPUX86State *env, const uint32_t *a)
{
    return lu_errno_ret(inotify_rm_watch((int)a[0], (int)a[1]));
}

long lu_sys_memfd_create(CPUX86State *env, const uint32_t *a)
{
    long n = guest_strnlen(a[0], 250);
    if (n < 0)
        return -EFAULT;
    return lu_errno_ret(memfd_create(g2h(a[0]), a[1]));
}

/* ---- ppoll, pselect6 ------------------------------------------------------ */

static long do_ppoll(const uint32_t *a, bool t64)
{
    if (a[1] > 65536)
        return -EINVAL;
    struct pollfd *p = lu_guest_ptr(a[0], a[1] * 8, PAGE_WRITE);
    if (!p && a[1])
        return -EFAULT;
    struct timespec ts;
    if (a[2] && !ts_in(a[2], t64, &ts))
        return -EFAULT;
    sigset_t hs;
    if (a[3]) {
        int e = mask_in(a[3], a[4], &hs);
        if (e)
            return e;
    }
    int r = ppoll(p, a[1], a[2] ? &ts : NULL, a[3] ? &hs : NULL);
    if (r < 0)
        return -errno;
    if (a[2])
        ts_out(a[2], t64, &ts);
    return r;
}

long lu_sys_ppoll(CPUX86State *env, const uint32_t *a)
{
    return do_ppoll(a, false);
}
long lu_sys_ppoll_time64(CPUX86State *env, const uint32_t *a)
{
    return do_ppoll(a, true);
}

static long do_pselect6(const uint32_t *a, bool t64)
{
    int n = (int)a[0];
    if (n < 0 || n > FD_SETSIZE)
        return -EINVAL;
    uint32_t bytes = (uint32_t)(n + 31) / 32 * 4;
    fd_set sets[3];
    fd_set *sp[3] = {NULL, NULL, NULL};
    for (int i = 0; i < 3; i++) {
        FD_ZERO(&sets[i]);
        if (a[1 + i]) {
            if (!copy_from_guest(&sets[i], a[1 + i], bytes))
                return -EFAULT;
            sp[i] = &sets[i];
        }
    }
    struct timespec ts;
    if (a[4] && !ts_in(a[4], t64, &ts))
        return -EFAULT;
    sigset_t hs;
    bool masked = false;
    if (a[5]) { /* { const sigset_t *ss; size_t ss_len; } */
        uint32_t d[2];
        if (!copy_from_guest(d, a[5], 8))
            return -EFAULT;
        if (d[0]) {
            int e = mask_in(d[0], d[1], &hs);
            if (e)
                return e;
            masked = true;
        }
    }
    int r = pselect(n, sp[0], sp[1], sp[2], a[4] ? &ts : NULL, masked ? &hs : NULL);
    if (r < 0)
        return -errno;
    for (int i = 0; i < 3; i++) {
        if (sp[i] && !copy_to_guest(a[1 + i], sp[i], bytes))
            return -EFAULT;
    }
    return r;
}

long lu_sys_pselect6(CPUX86State *env, const uint32_t *a)
{
    return do_pselect6(a, false);
}
long lu_sys_pselect6_time64(CPUX86State *env, const uint32_t *a)
{
    return do_pselect6(a, true);
}

/* ---- waitid ------------------------------------------------------------------ */

long lu_sys_waitid(CPUX86State *env, const uint32_t *a)
{
    siginfo_t si;
    memset(&si, 0, sizeof(si));
    if (waitid((idtype_t)a[0], (id_t)a[1], &si, (int)a[3]) < 0)
        return -errno;
    if (a[2]) {
        int32_t g[32] = {si.si_signo, si.si_errno, si.si_code, si.si_pid, (int32_t)si.si_uid,
                         si.si_status};
        if (!si.si_pid) /* WNOHANG and nothing waited: the kernel zeroes it */
            memset(g, 0, sizeof(g));
        if (!copy_to_guest(a[2], g, sizeof(g)))
            return -EFAULT;
    }
    if (a[4]) {
        struct rusage ru;
        getrusage(RUSAGE_CHILDREN, &ru);
        int32_t g[18] = {(int32_t)ru.ru_utime.tv_sec, (int32_t)ru.ru_utime.tv_usec,
                         (int32_t)ru.ru_stime.tv_sec, (int32_t)ru.ru_stime.tv_usec};
        copy_to_guest(a[4], g, sizeof(g));
    }
    return 0;
}

/* ---- moving data between descriptors ------------------------------------ */

/* A guest loff_t pointer (64-bit), in and out around a host call. */
static int off_in(uint32_t g, loff_t *v, loff_t **p)
{
    *p = NULL;
    if (!g)
        return 0;
    if (!copy_from_guest(v, g, 8))
        return -EFAULT;
    *p = v;
    return 0;
}

long lu_sys_sendfile64(CPUX86State *env, const uint32_t *a)
{
    loff_t off, *op;
    if (off_in(a[2], &off, &op))
        return -EFAULT;
    long r = lu_errno_ret(sendfile((int)a[0], (int)a[1], op, a[3]));
    if (op)
        copy_to_guest(a[2], &off, 8);
    return r;
}

long lu_sys_sendfile(CPUX86State *env, const uint32_t *a)
{
    int32_t o32 = 0;
    off_t off;
    if (a[2] && !copy_from_guest(&o32, a[2], 4))
        return -EFAULT;
    off = o32;
    long r = lu_errno_ret(sendfile((int)a[0], (int)a[1], a[2] ? &off : NULL, a[3]));
    o32 = (int32_t)off;
    if (a[2])
        copy_to_guest(a[2], &o32, 4);
    return r;
}

long lu_sys_splice(CPUX86State *env, const uint32_t *a)
{
    loff_t oi, oo, *pi, *po;
    if (off_in(a[1], &oi, &pi) || off_in(a[3], &oo, &po))
        return -EFAULT;
    long r = lu_errno_ret(splice((int)a[0], pi, (int)a[2], po, a[4], a[5]));
    if (pi)
        copy_to_guest(a[1], &oi, 8);
    if (po)
        copy_to_guest(a[3], &oo, 8);
    return r;
}

long lu_sys_tee(CPUX86State *env, const uint32_t *a)
{
    return lu_errno_ret(tee((int)a[0], (int)a[1], a[2], a[3]));
}

long lu_sys_copy_file_range(CPUX86State *env, const uint32_t *a)
{
    loff_t oi, oo, *pi, *po;
    if (off_in(a[1], &oi, &pi) || off_in(a[3], &oo, &po))
        return -EFAULT;
    long r = lu_errno_ret(copy_file_range((int)a[0], pi, (int)a[2], po, a[4], a[5]));
    if (pi)
        copy_to_guest(a[1], &oi, 8);
    if (po)
        copy_to_guest(a[3], &oo, 8);
    return r;
}

static off_t off64_of(uint32_t lo, uint32_t hi)
{
    return (off_t)((uint64_t)hi << 32 | lo);
}

/* fallocate(fd, mode, offset lo/hi, len lo/hi) */
long lu_sys_fallocate(CPUX86State *env, const uint32_t *a)
{
    return lu_errno_ret(fallocate((int)a[0], (int)a[1], off64_of(a[2], a[3]), off64_of(a[4], a[5])));
}

/* fadvise64_64(fd, offset lo/hi, len lo/hi, advice) */
long lu_sys_fadvise64_64(CPUX86State *env, const uint32_t *a)
{
    return -posix_fadvise((int)a[0], off64_of(a[1], a[2]), off64_of(a[3], a[4]), (int)a[5]);
}

/* fadvise64(fd, offset lo/hi, len (32-bit), advice) */
long lu_sys_fadvise64(CPUX86State *env, const uint32_t *a)
{
    return -posix_fadvise((int)a[0], off64_of(a[1], a[2]), (off_t)a[3], (int)a[4]);
}

long lu_sys_mknodat(CPUX86State *env, const uint32_t *a)
{
    char p[4096];
    int e = lu_get_path(a[1], p, sizeof(p));
    return e ? e : lu_errno_ret(mknodat((int)a[0], p, a[2], a[3]));
}

long lu_sys_mknod(CPUX86State *env, const uint32_t *a)
{
    uint32_t b[4] = {(uint32_t)AT_FDCWD, a[0], a[1], a[2]};
    return lu_sys_mknodat(env, b);
}

/* ---- scheduling, priorities ------------------------------------------------ */

long lu_sys_getpriority(CPUX86State *env, const uint32_t *a)
{
    /* the raw call returns 20 - nice, never negative */
    return lu_errno_ret(syscall(SYS_getpriority, (int)a[0], (id_t)a[1]));
}

long lu_sys_setpriority(CPUX86State *env, const uint32_t *a)
{
    return lu_errno_ret(setpriority((int)a[0], (id_t)a[1], (int)a[2]));
}

long lu_sys_nice(CPUX86State *env, const uint32_t *a)
{
    errno = 0;
    int r = nice((int)a[0]);
    return r == -1 && errno ? -errno : 0;
}

long lu_sys_sched_getscheduler(CPUX86State *env, const uint32_t *a)
{
    return lu_errno_ret(sched_getscheduler((pid_t)a[0]));
}

long lu_sys_sched_getparam(CPUX86State *env, const uint32_t *a)
{
    struct sched_param sp;
    if (sched_getparam((pid_t)a[0], &sp) < 0)
        return -errno;
    int32_t v = sp.sched_priority;
    return copy_to_guest(a[1], &v, 4) ? 0 : -EFAULT;
}

long lu_sys_sched_setparam(CPUX86State *env, const uint32_t *a)
{
    int32_t v;
    if (!copy_from_guest(&v, a[1], 4))
        return -EFAULT;
    struct sched_param sp = {.sched_priority = v};
    return lu_errno_ret(sched_setparam((pid_t)a[0], &sp));
}

long lu_sys_sched_setscheduler(CPUX86State *env, const uint32_t *a)
{
    int32_t v;
    if (!copy_from_guest(&v, a[2], 4))
        return -EFAULT;
    struct sched_param sp = {.sched_priority = v};
    return lu_errno_ret(sched_setscheduler((pid_t)a[0], (int)a[1], &sp));
}

long lu_sys_sched_get_priority_max(CPUX86State *env, const uint32_t *a)
{
    return lu_errno_ret(sched_get_priority_max((int)a[0]));
}

long lu_sys_sched_get_priority_min(CPUX86State *env, const uint32_t *a)
{
    return lu_errno_ret(sched_get_priority_min((int)a[0]));
}

long lu_sys_sched_setaffinity(CPUX86State *env, const uint32_t *a)
{
    void *p = lu_guest_ptr(a[2], a[1], PAGE_READ);
    if (!p && a[1])
        return -EFAULT;
    return lu_errno_ret(syscall(SYS_sched_setaffinity, (pid_t)a[0], (size_t)a[1], p));
}

static long do_rr_interval(const uint32_t *a, bool t64)
{
    struct timespec ts;
    if (sched_rr_get_interval((pid_t)a[0], &ts) < 0)
        return -errno;
    return ts_out(a[1], t64, &ts) ? 0 : -EFAULT;
}

long lu_sys_sched_rr_get_interval(CPUX86State *env, const uint32_t *a)
{
    return do_rr_interval(a, false);
}
long lu_sys_sched_rr_get_interval_time64(CPUX86State *env, const uint32_t *a)
{
    return do_rr_interval(a, true);
}

long lu_sys_getcpu(CPUX86State *env, const uint32_t *a)
{
    unsigned cpu, node;
    if (syscall(SYS_getcpu, &cpu, &node, NULL) < 0)
        return -errno;
    if ((a[0] && !copy_to_guest(a[0], &cpu, 4)) || (a[1] && !copy_to_guest(a[1], &node, 4)))
        return -EFAULT;
    return 0;
}

/* ---- credentials (32-bit ids pass through) --------------------------------- */

long lu_sys_setuid32(CPUX86State *env, const uint32_t *a)
{
    return lu_errno_ret(syscall(SYS_setuid, a[0]));
}
long lu_sys_setgid32(CPUX86State *env, const uint32_t *a)
{
    return lu_errno_ret(syscall(SYS_setgid, a[0]));
}
long lu_sys_setreuid32(CPUX86State *env, const uint32_t *a)
{
    return lu_errno_ret(syscall(SYS_setreuid, a[0], a[1]));
}
long lu_sys_setregid32(CPUX86State *env, const uint32_t *a)
{
    return lu_errno_ret(syscall(SYS_setregid, a[0], a[1]));
}
long lu_sys_setresuid32(CPUX86State *env, const uint32_t *a)
{
    return lu_errno_ret(syscall(SYS_setresuid, a[0], a[1], a[2]));
}
long lu_sys_setresgid32(CPUX86State *env, const uint32_t *a)
{
    return lu_errno_ret(syscall(SYS_setresgid, a[0], a[1], a[2]));
}
long lu_sys_setgroups32(CPUX86State *env, const uint32_t *a)
{
    if (a[0] > 65536)
        return -EINVAL;
    void *p = lu_guest_ptr(a[1], a[0] * 4, PAGE_READ);
    if (!p && a[0])
        return -EFAULT;
    return lu_errno_ret(syscall(SYS_setgroups, (size_t)a[0], p));
}
long lu_sys_setfsuid32(CPUX86State *env, const uint32_t *a)
{
    return syscall(SYS_setfsuid, a[0]);
}
long lu_sys_setfsgid32(CPUX86State *env, const uint32_t *a)
{
    return syscall(SYS_setfsgid, a[0]);
}

long lu_sys_sync_file_range(CPUX86State *env, const uint32_t *a)
{
    return lu_errno_ret(sync_file_range((int)a[0], off64_of(a[1], a[2]), off64_of(a[3], a[4]), a[5]));
}

long lu_sys_syncfs(CPUX86State *env, const uint32_t *a)
{
    return lu_errno_ret(syncfs((int)a[0]));
}

long lu_sys_close_range(CPUX86State *env, const uint32_t *a)
{
    return lu_errno_ret(syscall(SYS_close_range, a[0], a[1], a[2]));
}
