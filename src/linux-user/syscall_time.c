/*
 * syscall_time.c - clocks, sleeps and timers.
 *
 * i386 has two time ABIs: the original one with 32-bit time_t (timespec and
 * timeval are two int32), and the *_time64 calls whose struct
 * __kernel_timespec is two int64.  Both convert to the host's 64-bit types.
 */
#include "linux-user/lu-internal.h"
#include "linux-user/lu-syscalls.h"

#include <errno.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/times.h>
#include <time.h>
#include <unistd.h>

bool lu_timespec_in(uint32_t g, bool t64, struct timespec *ts)
{
    if (t64) {
        int64_t v[2];
        if (!copy_from_guest(v, g, 16))
            return false;
        *ts = (struct timespec){.tv_sec = v[0], .tv_nsec = (long)v[1]};
    } else {
        int32_t v[2];
        if (!copy_from_guest(v, g, 8))
            return false;
        *ts = (struct timespec){.tv_sec = v[0], .tv_nsec = v[1]};
    }
    return true;
}

long lu_timespec_out(uint32_t g, bool t64, const struct timespec *ts)
{
    if (t64) {
        int64_t v[2] = {ts->tv_sec, ts->tv_nsec};
        return copy_to_guest(g, v, 16) ? 0 : -EFAULT;
    }
    if (ts->tv_sec > INT32_MAX || ts->tv_sec < INT32_MIN)
        return -EOVERFLOW;
    int32_t v[2] = {(int32_t)ts->tv_sec, (int32_t)ts->tv_nsec};
    return copy_to_guest(g, v, 8) ? 0 : -EFAULT;
}

static long do_clock_gettime(const uint32_t *a, bool t64)
{
    struct timespec ts;
    if (clock_gettime((clockid_t)a[0], &ts) != 0)
        return -errno;
    return lu_timespec_out(a[1], t64, &ts);
}

static long do_clock_getres(const uint32_t *a, bool t64)
{
    struct timespec ts;
    if (clock_getres((clockid_t)a[0], &ts) != 0)
        return -errno;
    return a[1] ? lu_timespec_out(a[1], t64, &ts) : 0;
}

long lu_sys_clock_gettime(CPUX86State *env, const uint32_t *a)
{
    return do_clock_gettime(a, false);
}
long lu_sys_clock_gettime64(CPUX86State *env, const uint32_t *a)
{
    return do_clock_gettime(a, true);
}
long lu_sys_clock_getres(CPUX86State *env, const uint32_t *a)
{
    return do_clock_getres(a, false);
}
long lu_sys_clock_getres_time64(CPUX86State *env, const uint32_t *a)
{
    return do_clock_getres(a, true);
}

long lu_sys_gettimeofday(CPUX86State *env, const uint32_t *a)
{
    struct timeval tv;
    struct timezone tz;
    if (gettimeofday(&tv, &tz) != 0)
        return -errno;
    int32_t v[2] = {(int32_t)tv.tv_sec, (int32_t)tv.tv_usec};
    if (a[0] && !copy_to_guest(a[0], v, 8))
        return -EFAULT;
    if (a[1] && !copy_to_guest(a[1], &tz, 8))
        return -EFAULT;
    return 0;
}

long lu_sys_time(CPUX86State *env, const uint32_t *a)
{
    int32_t t = (int32_t)time(NULL);
    if (a[0] && !copy_to_guest(a[0], &t, 4))
        return -EFAULT;
    return t;
}

static long do_sleep(clockid_t clk, int flags, uint32_t greq, uint32_t grem, bool t64)
{
    struct timespec req, rem;
    if (!lu_timespec_in(greq, t64, &req))
        return -EFAULT;
    int r = clock_nanosleep(clk, flags, &req, &rem);
    if (r == EINTR && grem && !(flags & TIMER_ABSTIME))
        lu_timespec_out(grem, t64, &rem);
    return -r;
}

long lu_sys_nanosleep(CPUX86State *env, const uint32_t *a)
{
    return do_sleep(CLOCK_MONOTONIC, 0, a[0], a[1], false);
}
long lu_sys_clock_nanosleep(CPUX86State *env, const uint32_t *a)
{
    return do_sleep((clockid_t)a[0], (int)a[1], a[2], a[3], false);
}
long lu_sys_clock_nanosleep_time64(CPUX86State *env, const uint32_t *a)
{
    return do_sleep((clockid_t)a[0], (int)a[1], a[2], a[3], true);
}

long lu_sys_times(CPUX86State *env, const uint32_t *a)
{
    struct tms t;
    clock_t r = times(&t);
    if (r == (clock_t)-1)
        return -errno;
    uint32_t v[4] = {(uint32_t)t.tms_utime, (uint32_t)t.tms_stime, (uint32_t)t.tms_cutime,
                     (uint32_t)t.tms_cstime};
    if (a[0] && !copy_to_guest(a[0], v, sizeof(v)))
        return -EFAULT;
    return (int32_t)(uint32_t)r;
}

long lu_sys_alarm(CPUX86State *env, const uint32_t *a)
{
    return alarm(a[0]);
}

/* struct itimerval: four int32 (interval, value) */
static void itv_to_guest(const struct itimerval *it, int32_t v[4])
{
    v[0] = (int32_t)it->it_interval.tv_sec;
    v[1] = (int32_t)it->it_interval.tv_usec;
    v[2] = (int32_t)it->it_value.tv_sec;
    v[3] = (int32_t)it->it_value.tv_usec;
}

long lu_sys_setitimer(CPUX86State *env, const uint32_t *a)
{
    int32_t v[4];
    struct itimerval nv, ov;
    if (a[1]) {
        if (!copy_from_guest(v, a[1], sizeof(v)))
            return -EFAULT;
        nv.it_interval = (struct timeval){v[0], v[1]};
        nv.it_value = (struct timeval){v[2], v[3]};
    } else {
        memset(&nv, 0, sizeof(nv));
    }
    if (setitimer((int)a[0], &nv, &ov) != 0)
        return -errno;
    itv_to_guest(&ov, v);
    if (a[2] && !copy_to_guest(a[2], v, sizeof(v)))
        return -EFAULT;
    return 0;
}

long lu_sys_getitimer(CPUX86State *env, const uint32_t *a)
{
    struct itimerval it;
    if (getitimer((int)a[0], &it) != 0)
        return -errno;
    int32_t v[4];
    itv_to_guest(&it, v);
    return copy_to_guest(a[1], v, sizeof(v)) ? 0 : -EFAULT;
}
