/*
 * syscall_time.c - clocks, sleeps and timers.
 *
 * i386 has two time ABIs: the original one with 32-bit time_t (timespec and
 * timeval are two int32), and the *_time64 calls whose struct
 * __kernel_timespec is two int64.  Both convert to the host's 64-bit types.
 * Setting clocks (clock_settime, settimeofday, stime, adjtimex,
 * clock_adjtime) passes through to the host, whose checks match the guest
 * kernel's; tests only ever exercise their error paths.
 */
#include "linux-user/lu-internal.h"
#include "linux-user/lu-syscalls.h"

#include <errno.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/timex.h>
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

/* ------------------------------------------------------------------ */
/* Setting and adjusting clocks                                       */
/*
 * These pass through to the host kernel, which does every check the guest's
 * kernel would (clock id, timespec range, CAP_SYS_TIME) in the same order.
 * The one check we must place ourselves is the bad user pointer: where the
 * kernel would look at the clock id before reading the guest's struct, an
 * unreadable guest struct is handed over as a pointer into the guest's
 * never-mapped first page, so the host reports EINVAL or EFAULT exactly
 * as it decides.
 */

/* A host pointer that always faults (guest page 0 is never mapped). */
static void *fault_ptr(void)
{
    return g2h(0);
}

static long do_clock_settime(const uint32_t *a, bool t64)
{
    struct timespec ts;
    const struct timespec *tp = &ts;
    if (!lu_timespec_in(a[1], t64, &ts))
        tp = fault_ptr();
    else if (t64)
        ts.tv_nsec = (long)(uint32_t)ts.tv_nsec; /* compat drops the padding */
    return lu_errno_ret(syscall(SYS_clock_settime, (clockid_t)a[0], tp));
}

long lu_sys_clock_settime(CPUX86State *env, const uint32_t *a)
{
    return do_clock_settime(a, false);
}
long lu_sys_clock_settime64(CPUX86State *env, const uint32_t *a)
{
    return do_clock_settime(a, true);
}

/* settimeofday(tv, tz): 32-bit timeval; struct timezone is two ints. */
long lu_sys_settimeofday(CPUX86State *env, const uint32_t *a)
{
    struct timeval tv;
    struct timezone tz;
    int32_t v[2];
    if (a[0]) {
        if (!copy_from_guest(v, a[0], 8))
            return -EFAULT;
        tv = (struct timeval){.tv_sec = v[0], .tv_usec = v[1]};
    }
    void *tzp = &tz;
    if (a[1] && !copy_from_guest(&tz, a[1], sizeof(tz)))
        tzp = fault_ptr(); /* the kernel validates tv first */
    return lu_errno_ret(syscall(SYS_settimeofday, a[0] ? &tv : NULL, a[1] ? tzp : NULL));
}

/* stime(&t): settimeofday with whole seconds (i386 only). */
long lu_sys_stime(CPUX86State *env, const uint32_t *a)
{
    int32_t t;
    if (!copy_from_guest(&t, a[0], 4))
        return -EFAULT;
    struct timeval tv = {.tv_sec = t, .tv_usec = 0};
    return lu_errno_ret(syscall(SYS_settimeofday, &tv, NULL));
}

/* struct old_timex32 (i386 adjtimex, clock_adjtime): 32 words.  Field
 * order of the words; the time field is a 32-bit timeval (two words). */
enum {
    TX_MODES, TX_OFFSET, TX_FREQ, TX_MAXERROR, TX_ESTERROR, TX_STATUS, TX_CONSTANT,
    TX_PRECISION, TX_TOLERANCE, TX_TIME_SEC, TX_TIME_USEC, TX_TICK, TX_PPSFREQ, TX_JITTER,
    TX_SHIFT, TX_STABIL, TX_JITCNT, TX_CALCNT, TX_ERRCNT, TX_STBCNT, TX_TAI, TX_WORDS = 32
};

static void timex_in(const int32_t g[TX_WORDS], struct timex *t)
{
    memset(t, 0, sizeof(*t));
    t->modes = (unsigned)g[TX_MODES];
    t->offset = g[TX_OFFSET];
    t->freq = g[TX_FREQ];
    t->maxerror = g[TX_MAXERROR];
    t->esterror = g[TX_ESTERROR];
    t->status = g[TX_STATUS];
    t->constant = g[TX_CONSTANT];
    t->precision = g[TX_PRECISION];
    t->tolerance = g[TX_TOLERANCE];
    t->time.tv_sec = g[TX_TIME_SEC];
    t->time.tv_usec = g[TX_TIME_USEC];
    t->tick = g[TX_TICK];
    t->ppsfreq = g[TX_PPSFREQ];
    t->jitter = g[TX_JITTER];
    t->shift = g[TX_SHIFT];
    t->stabil = g[TX_STABIL];
    t->jitcnt = g[TX_JITCNT];
    t->calcnt = g[TX_CALCNT];
    t->errcnt = g[TX_ERRCNT];
    t->stbcnt = g[TX_STBCNT];
    t->tai = g[TX_TAI];
}

static void timex_out(const struct timex *t, int32_t g[TX_WORDS])
{
    memset(g, 0, TX_WORDS * 4);
    g[TX_MODES] = (int32_t)t->modes;
    g[TX_OFFSET] = (int32_t)t->offset;
    g[TX_FREQ] = (int32_t)t->freq;
    g[TX_MAXERROR] = (int32_t)t->maxerror;
    g[TX_ESTERROR] = (int32_t)t->esterror;
    g[TX_STATUS] = t->status;
    g[TX_CONSTANT] = (int32_t)t->constant;
    g[TX_PRECISION] = (int32_t)t->precision;
    g[TX_TOLERANCE] = (int32_t)t->tolerance;
    g[TX_TIME_SEC] = (int32_t)t->time.tv_sec;
    g[TX_TIME_USEC] = (int32_t)t->time.tv_usec;
    g[TX_TICK] = (int32_t)t->tick;
    g[TX_PPSFREQ] = (int32_t)t->ppsfreq;
    g[TX_JITTER] = (int32_t)t->jitter;
    g[TX_SHIFT] = t->shift;
    g[TX_STABIL] = (int32_t)t->stabil;
    g[TX_JITCNT] = (int32_t)t->jitcnt;
    g[TX_CALCNT] = (int32_t)t->calcnt;
    g[TX_ERRCNT] = (int32_t)t->errcnt;
    g[TX_STBCNT] = (int32_t)t->stbcnt;
    g[TX_TAI] = t->tai;
}

/* The kernel reads the whole struct first (EFAULT), adjusts, then writes it
 * back (EFAULT after the adjustment took effect). */
static long do_clock_adjtime32(clockid_t clk, uint32_t gtx)
{
    int32_t g[TX_WORDS];
    struct timex t;
    if (!copy_from_guest(g, gtx, sizeof(g)))
        return -EFAULT;
    timex_in(g, &t);
    long r = syscall(SYS_clock_adjtime, clk, &t);
    if (r < 0)
        return -errno;
    timex_out(&t, g);
    return copy_to_guest(gtx, g, sizeof(g)) ? r : -EFAULT;
}

long lu_sys_adjtimex(CPUX86State *env, const uint32_t *a)
{
    return do_clock_adjtime32(CLOCK_REALTIME, a[0]);
}
long lu_sys_clock_adjtime(CPUX86State *env, const uint32_t *a)
{
    return do_clock_adjtime32((clockid_t)a[0], a[1]);
}

/* clock_adjtime64: struct __kernel_timex is the x86-64 struct timex. */
long lu_sys_clock_adjtime64(CPUX86State *env, const uint32_t *a)
{
    _Static_assert(sizeof(struct timex) == 208, "struct __kernel_timex layout");
    struct timex t;
    if (!copy_from_guest(&t, a[1], sizeof(t)))
        return -EFAULT;
    long r = syscall(SYS_clock_adjtime, (clockid_t)a[0], &t);
    if (r < 0)
        return -errno;
    return copy_to_guest(a[1], &t, sizeof(t)) ? r : -EFAULT;
}
