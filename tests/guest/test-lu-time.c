/*
 * test-lu-time.c - setting and adjusting clocks through the raw i386 calls:
 * clock_settime (32- and 64-bit timespec), settimeofday, stime, adjtimex,
 * clock_adjtime and clock_adjtime64.  Only paths that cannot change the
 * clock are taken (bad clock ids, bad pointers, invalid values, read-only
 * adjtimex), so running this as root is harmless; the errors, and their
 * order (clock id before pointer, timeval before timezone), must be what
 * the native kernel gives.
 * Example line:  clock_settime(MONOTONIC, badptr) = -1 EINVAL
 */
#define _GNU_SOURCE
#include "guest.h"

#include <errno.h>
#include <sys/syscall.h>
#include <sys/timex.h>
#include <time.h>
#include <unistd.h>

#define NR_stime           25
#define NR_settimeofday    79
#define NR_adjtimex        124
#define NR_clock_settime   264
#define NR_clock_adjtime   343
#define NR_clock_settime64 404
#define NR_clock_adjtime64 405

/* An address no test maps: the kernel must report EFAULT for it. */
#define BADPTR ((void *)16)

static const char *ename(int e)
{
    switch (e) {
    case EINVAL:
        return "EINVAL";
    case EFAULT:
        return "EFAULT";
    case EPERM:
        return "EPERM";
    case EOPNOTSUPP:
        return "EOPNOTSUPP";
    case ENOSYS:
        return "ENOSYS";
    case ENODEV:
        return "ENODEV";
    default:
        return "other";
    }
}

static void show(const char *what, long r)
{
    if (r < 0)
        printf("%s = -1 %s\n", what, ename(errno));
    else
        printf("%s = %ld\n", what, r);
}

struct ts32 {
    int32_t sec, nsec;
};
struct ts64 {
    int64_t sec, nsec;
};
struct tv32 {
    int32_t sec, usec;
};

static void settime32(void)
{
    struct ts32 ok = {1000, 0}, neg_ns = {0, -1}, big_ns = {0, 1000000000}, neg_s = {-1, 0};
    show("clock_settime(MONOTONIC, ok)", syscall(NR_clock_settime, CLOCK_MONOTONIC, &ok));
    show("clock_settime(999, ok)", syscall(NR_clock_settime, 999, &ok));
    show("clock_settime(REALTIME, badptr)", syscall(NR_clock_settime, CLOCK_REALTIME, BADPTR));
    show("clock_settime(MONOTONIC, badptr)", syscall(NR_clock_settime, CLOCK_MONOTONIC, BADPTR));
    show("clock_settime(999, badptr)", syscall(NR_clock_settime, 999, BADPTR));
    show("clock_settime(REALTIME, nsec -1)", syscall(NR_clock_settime, CLOCK_REALTIME, &neg_ns));
    show("clock_settime(REALTIME, nsec 1e9)", syscall(NR_clock_settime, CLOCK_REALTIME, &big_ns));
    show("clock_settime(REALTIME, sec -1)", syscall(NR_clock_settime, CLOCK_REALTIME, &neg_s));
    show("clock_settime(PROCESS_CPUTIME, ok)",
         syscall(NR_clock_settime, CLOCK_PROCESS_CPUTIME_ID, &ok));
}

static void settime64(void)
{
    struct ts64 ok = {1000, 0}, neg_s = {-5, 0}, big_ns = {0, 0x100000000ll + 1000000000};
    show("clock_settime64(MONOTONIC, ok)", syscall(NR_clock_settime64, CLOCK_MONOTONIC, &ok));
    show("clock_settime64(REALTIME, badptr)", syscall(NR_clock_settime64, CLOCK_REALTIME, BADPTR));
    show("clock_settime64(REALTIME, sec -5)", syscall(NR_clock_settime64, CLOCK_REALTIME, &neg_s));
    show("clock_settime64(REALTIME, nsec 1e9 + padding)",
         syscall(NR_clock_settime64, CLOCK_REALTIME, &big_ns));
    show("clock_settime64(-1, ok)", syscall(NR_clock_settime64, -1, &ok));
}

static void settimeofday32(void)
{
    struct tv32 neg_us = {0, -1}, big_us = {0, 1000000}, neg_s = {-1, 0};
    show("settimeofday(badptr, NULL)", syscall(NR_settimeofday, BADPTR, NULL));
    show("settimeofday(usec -1, NULL)", syscall(NR_settimeofday, &neg_us, NULL));
    show("settimeofday(usec 1e6, NULL)", syscall(NR_settimeofday, &big_us, NULL));
    show("settimeofday(sec -1, NULL)", syscall(NR_settimeofday, &neg_s, NULL));
    show("settimeofday(NULL, badptr)", syscall(NR_settimeofday, NULL, BADPTR));
    show("settimeofday(usec -1, badptr)", syscall(NR_settimeofday, &neg_us, BADPTR));
    show("stime(badptr)", syscall(NR_stime, BADPTR));
}

static void adjtimex32(void)
{
    struct timex t;
    memset(&t, 0, sizeof(t));
    long r = syscall(NR_adjtimex, &t);
    printf("adjtimex(read) = %s, tick %s\n", r >= 0 ? "state" : ename(errno),
           t.tick > 0 ? "set" : "zero");
    long r2 = syscall(NR_clock_adjtime, CLOCK_REALTIME, &t);
    printf("clock_adjtime(REALTIME, read) same state: %d\n", r2 == r);
    show("adjtimex(badptr)", syscall(NR_adjtimex, BADPTR));
    memset(&t, 0, sizeof(t));
    t.modes = 0x8000; /* ADJ_ADJTIME without the single-shot bit */
    show("adjtimex(ADJ_ADJTIME alone)", syscall(NR_adjtimex, &t));
    memset(&t, 0, sizeof(t));
    t.modes = ADJ_TICK;
    t.tick = 1;
    show("adjtimex(ADJ_TICK 1)", syscall(NR_adjtimex, &t));
    memset(&t, 0, sizeof(t));
    t.modes = ADJ_OFFSET_SS_READ;
    r = syscall(NR_adjtimex, &t);
    printf("adjtimex(ADJ_OFFSET_SS_READ) = %s\n", r >= 0 ? "state" : ename(errno));
    memset(&t, 0, sizeof(t));
    show("clock_adjtime(999, read)", syscall(NR_clock_adjtime, 999, &t));
    show("clock_adjtime(MONOTONIC, read)", syscall(NR_clock_adjtime, CLOCK_MONOTONIC, &t));
    show("clock_adjtime(REALTIME, badptr)", syscall(NR_clock_adjtime, CLOCK_REALTIME, BADPTR));
}

/* struct __kernel_timex: the 64-bit layout, 208 bytes. */
struct ktimex {
    uint32_t modes, pad0;
    int64_t offset, freq, maxerror, esterror;
    int32_t status, pad1;
    int64_t constant, precision, tolerance, time_sec, time_usec, tick, ppsfreq, jitter;
    int32_t shift, pad2;
    int64_t stabil, jitcnt, calcnt, errcnt, stbcnt;
    int32_t tai, pad[11];
};
_Static_assert(sizeof(struct ktimex) == 208, "__kernel_timex");

static void adjtime64(void)
{
    struct ktimex k;
    memset(&k, 0, sizeof(k));
    long r = syscall(NR_clock_adjtime64, CLOCK_REALTIME, &k);
    struct timex t;
    memset(&t, 0, sizeof(t));
    long r32 = syscall(NR_adjtimex, &t);
    printf("clock_adjtime64(REALTIME, read) = %s, same state %d, tick equal %d, now %d\n",
           r >= 0 ? "state" : ename(errno), r == r32, k.tick == t.tick, k.time_sec > 1000000000);
    k.modes = ADJ_TICK;
    k.tick = 1;
    show("clock_adjtime64(REALTIME, ADJ_TICK 1)", syscall(NR_clock_adjtime64, CLOCK_REALTIME, &k));
    show("clock_adjtime64(REALTIME, badptr)", syscall(NR_clock_adjtime64, CLOCK_REALTIME, BADPTR));
    memset(&k, 0, sizeof(k));
    show("clock_adjtime64(999, read)", syscall(NR_clock_adjtime64, 999, &k));
}

int main(void)
{
    settime32();
    settime64();
    settimeofday32();
    adjtimex32();
    adjtime64();
    return 0;
}
