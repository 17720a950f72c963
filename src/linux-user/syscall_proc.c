/*
 * syscall_proc.c - process, identity, memory-map, TLS and resource system
 * calls: exit, ids, brk/mmap family (wrappers of mmap.c), set_thread_area,
 * rlimits, uname, sysinfo, getrandom, futex.
 *
 * TLS: the three GDT TLS entries (X86_GDT_TLS_FIRST..+2, as on an x86-64
 * host kernel) live in env->tls_*; a selector
 * (entry << 3) | 3 names one of them (lu_tls_lookup).  Resource limits that
 * would constrain xlat itself (address space, data, stack) are recorded for
 * the guest but not applied to the host process.
 */
#include "linux-user/lu-internal.h"
#include "linux-user/lu-signal.h"
#include "linux-user/lu-syscalls.h"
#include "util/bytes.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "exec/pcache.h"
#include "util/log.h"

#define TLS_FIRST X86_GDT_TLS_FIRST
#define TLS_COUNT 3

/* ---- exit, ids ------------------------------------------------------- */

long lu_sys_exit(CPUX86State *env, const uint32_t *a)
{
    if (log_enabled(LOG_STRACE))
        lu_strace_exit(LU_RET_NOREG);
    lu_thread_exit(env, (int)(a[0] & 0xff));
}

long lu_sys_exit_group(CPUX86State *env, const uint32_t *a)
{
    if (log_enabled(LOG_STRACE))
        lu_strace_exit(LU_RET_NOREG);
    lu_robust_list_release_all(env);
    lu_exit((int)(a[0] & 0xff));
}

long lu_sys_getpid(CPUX86State *env, const uint32_t *a)
{
    return getpid();
}
long lu_sys_getppid(CPUX86State *env, const uint32_t *a)
{
    return getppid();
}
long lu_sys_gettid(CPUX86State *env, const uint32_t *a)
{
    return env->tid;
}
long lu_sys_getuid32(CPUX86State *env, const uint32_t *a)
{
    return getuid();
}
long lu_sys_geteuid32(CPUX86State *env, const uint32_t *a)
{
    return geteuid();
}
long lu_sys_getgid32(CPUX86State *env, const uint32_t *a)
{
    return getgid();
}
long lu_sys_getegid32(CPUX86State *env, const uint32_t *a)
{
    return getegid();
}

/* 16-bit ids: values above 65535 show as the overflow id 65534 */
static long id16(uint32_t id)
{
    return id > 0xffff ? 65534 : (long)id;
}
long lu_sys_getuid16(CPUX86State *env, const uint32_t *a)
{
    return id16(getuid());
}
long lu_sys_geteuid16(CPUX86State *env, const uint32_t *a)
{
    return id16(geteuid());
}
long lu_sys_getgid16(CPUX86State *env, const uint32_t *a)
{
    return id16(getgid());
}
long lu_sys_getegid16(CPUX86State *env, const uint32_t *a)
{
    return id16(getegid());
}

long lu_sys_getpgrp(CPUX86State *env, const uint32_t *a)
{
    return getpgrp();
}
long lu_sys_getpgid(CPUX86State *env, const uint32_t *a)
{
    return lu_errno_ret(getpgid((int)a[0]));
}
long lu_sys_getsid(CPUX86State *env, const uint32_t *a)
{
    return lu_errno_ret(getsid((int)a[0]));
}
long lu_sys_setpgid(CPUX86State *env, const uint32_t *a)
{
    return lu_errno_ret(setpgid((int)a[0], (int)a[1]));
}
long lu_sys_setsid(CPUX86State *env, const uint32_t *a)
{
    return lu_errno_ret(setsid());
}
long lu_sys_umask(CPUX86State *env, const uint32_t *a)
{
    return umask(a[0] & 0777);
}

long lu_sys_getresuid32(CPUX86State *env, const uint32_t *a)
{
    uid_t r, e, s;
    getresuid(&r, &e, &s);
    uint32_t v[3] = {r, e, s};
    for (int i = 0; i < 3; i++) {
        if (!copy_to_guest(a[i], &v[i], 4))
            return -EFAULT;
    }
    return 0;
}

long lu_sys_getresgid32(CPUX86State *env, const uint32_t *a)
{
    gid_t r, e, s;
    getresgid(&r, &e, &s);
    uint32_t v[3] = {r, e, s};
    for (int i = 0; i < 3; i++) {
        if (!copy_to_guest(a[i], &v[i], 4))
            return -EFAULT;
    }
    return 0;
}

long lu_sys_getgroups32(CPUX86State *env, const uint32_t *a)
{
    gid_t g[256];
    int n = getgroups(256, g);
    if (n < 0)
        return -errno;
    if (a[0] == 0)
        return n;
    if ((int)a[0] < n)
        return -EINVAL;
    uint32_t v[256];
    for (int i = 0; i < n; i++)
        v[i] = g[i];
    return copy_to_guest(a[1], v, (size_t)n * 4) ? n : -EFAULT;
}

/* ---- memory ---------------------------------------------------------- */

/* The guest memory map (page_prot, free-range search) is shared by all
 * guest threads: each call runs under lu_mm_lock (thread.c). */

long lu_sys_brk(CPUX86State *env, const uint32_t *a)
{
    lu_mm_lock();
    long r = lu_brk(a[0]);
    lu_mm_unlock();
    return r;
}

long lu_sys_mmap2(CPUX86State *env, const uint32_t *a)
{
    lu_mm_lock();
    long r = lu_mmap(a[0], a[1], (int)a[2], (int)a[3], (int)a[4], (uint64_t)a[5] << 12);
    lu_mm_unlock();
    return r;
}

/* old mmap: one pointer to the six arguments, offset in bytes */
long lu_sys_old_mmap(CPUX86State *env, const uint32_t *a)
{
    uint32_t v[6];
    if (!copy_from_guest(v, a[0], sizeof(v)))
        return -EFAULT;
    lu_mm_lock();
    long r = lu_mmap(v[0], v[1], (int)v[2], (int)v[3], (int)v[4], v[5]);
    lu_mm_unlock();
    return r;
}

long lu_sys_munmap(CPUX86State *env, const uint32_t *a)
{
    lu_mm_lock();
    long r = lu_munmap(a[0], a[1]);
    lu_mm_unlock();
    return r;
}
long lu_sys_mprotect(CPUX86State *env, const uint32_t *a)
{
    lu_mm_lock();
    long r = lu_mprotect(a[0], a[1], (int)a[2]);
    lu_mm_unlock();
    return r;
}
long lu_sys_mremap(CPUX86State *env, const uint32_t *a)
{
    lu_mm_lock();
    long r = lu_mremap(a[0], a[1], a[2], (int)a[3], a[4]);
    lu_mm_unlock();
    return r;
}
long lu_sys_madvise(CPUX86State *env, const uint32_t *a)
{
    lu_mm_lock();
    long r = lu_madvise(a[0], a[1], (int)a[2]);
    lu_mm_unlock();
    return r;
}

long lu_sys_msync(CPUX86State *env, const uint32_t *a)
{
    if (!guest_access_ok(a[0], a[1], 0))
        return -ENOMEM;
    return lu_errno_ret(msync(g2h(a[0]), a[1], (int)a[2]));
}

long lu_sys_mlock(CPUX86State *env, const uint32_t *a)
{
    return 0;
}

/* ---- TLS (struct user_desc: entry, base, limit, flags word) ----------- */

bool lu_tls_lookup(CPUX86State *env, uint16_t sel, uint32_t *base)
{
    unsigned idx = sel >> 3;
    if ((sel & 7) != 3 || idx < TLS_FIRST || idx >= TLS_FIRST + TLS_COUNT)
        return false;
    if (!(env->tls_flags[idx - TLS_FIRST] & 1))
        return false;
    *base = env->tls_base[idx - TLS_FIRST];
    return true;
}

long lu_sys_set_thread_area(CPUX86State *env, const uint32_t *a)
{
    uint8_t d[16];
    if (!copy_from_guest(d, a[0], sizeof(d)))
        return -EFAULT;
    int32_t entry = (int32_t)get32(d);
    uint32_t flags = get32(d + 12);
    if (entry == -1) {
        for (int i = 0; i < TLS_COUNT && entry == -1; i++) {
            if (!(env->tls_flags[i] & 1))
                entry = TLS_FIRST + i;
        }
        if (entry == -1)
            return -ESRCH;
        put32(d, (uint32_t)entry);
        if (!copy_to_guest(a[0], d, 4))
            return -EFAULT;
    }
    if (entry < TLS_FIRST || entry >= TLS_FIRST + TLS_COUNT)
        return -EINVAL;
    /* flags: seg_32bit:1 contents:2 read_exec_only:1 limit_in_pages:1
     * seg_not_present:1 useable:1 */
    bool empty = (flags & 0x28) == 0x28 && !get32(d + 4) && !get32(d + 8);
    int i = entry - TLS_FIRST;
    env->tls_base[i] = empty ? 0 : get32(d + 4);
    env->tls_limit[i] = empty ? 0 : get32(d + 8);
    env->tls_flags[i] =
        empty || (flags & 0x20) ? 0 : (uint8_t)(1 | (flags & 1 ? 2 : 0) | (flags & 0x10 ? 4 : 0));
    /* a loaded segment register keeps the cached base until reloaded, but
     * glibc loads %gs after the call, so refresh selectors that match */
    for (int s = 0; s < X86_NSEG; s++) {
        if (env->seg_sel[s] == (uint16_t)(entry << 3 | 3))
            env->seg_base[s] = env->tls_base[i];
    }
    return 0;
}

long lu_sys_get_thread_area(CPUX86State *env, const uint32_t *a)
{
    uint8_t d[16];
    if (!copy_from_guest(d, a[0], 4))
        return -EFAULT;
    int32_t entry = (int32_t)get32(d);
    if (entry < TLS_FIRST || entry >= TLS_FIRST + TLS_COUNT)
        return -EINVAL;
    int i = entry - TLS_FIRST;
    uint8_t f = env->tls_flags[i];
    uint32_t flags = (f & 1) ? ((f & 2 ? 1 : 0) | (f & 4 ? 0x10 : 0) | 0x40) : 0x28;
    put32(d + 4, env->tls_base[i]);
    put32(d + 8, env->tls_limit[i]);
    put32(d + 12, flags);
    return copy_to_guest(a[0], d, sizeof(d)) ? 0 : -EFAULT;
}

long lu_sys_set_tid_address(CPUX86State *env, const uint32_t *a)
{
    env->clear_child_tid = a[0];
    return env->tid;
}

long lu_sys_set_robust_list(CPUX86State *env, const uint32_t *a)
{
    if (a[1] != 12)
        return -EINVAL;
    lu_robust_list_set(env, a[0], a[1]);
    return 0;
}

/* get_robust_list(pid, head_ptr, len_ptr): 0 is the caller; another
 * thread of ours answers from the thread table.  Another process: the
 * host's answer would be its host list, so only its errors (ESRCH, EPERM)
 * are the kernel's; an i386 head of another process is not ours to know
 * (0, as for a process that never set one). */
long lu_sys_get_robust_list(CPUX86State *env, const uint32_t *a)
{
    int32_t pid = (int32_t)a[0];
    uint32_t head = 0, len = 12;
    if (pid == 0 || (uint32_t)pid == env->tid) {
        head = env->robust_list;
    } else if (!lu_robust_list_get((uint32_t)pid, &head)) {
        if (pid < 0)
            return -ESRCH;
        struct robust_list_head *hh;
        size_t hl;
        long r = syscall(SYS_get_robust_list, pid, &hh, &hl);
        if (r < 0)
            return -errno;
        head = 0;
    }
    if (!copy_to_guest(a[2], &len, 4) || !copy_to_guest(a[1], &head, 4))
        return -EFAULT;
    return 0;
}

/* ---- resources ------------------------------------------------------- */

/* Limits kept for the guest only: applying them would starve xlat. */
static struct rlimit guest_only[RLIM_NLIMITS];
static bool guest_only_set[RLIM_NLIMITS];

static bool is_guest_only(unsigned res)
{
    return res == RLIMIT_AS || res == RLIMIT_DATA || res == RLIMIT_STACK;
}

static int get_rlimit(unsigned res, struct rlimit *rl)
{
    if (res >= RLIM_NLIMITS)
        return -EINVAL;
    if (is_guest_only(res) && guest_only_set[res]) {
        *rl = guest_only[res];
        return 0;
    }
    return getrlimit((int)res, rl) ? -errno : 0;
}

static int set_rlimit(unsigned res, const struct rlimit *rl)
{
    if (res >= RLIM_NLIMITS)
        return -EINVAL;
    if (rl->rlim_cur > rl->rlim_max)
        return -EINVAL;
    if (is_guest_only(res)) {
        guest_only[res] = *rl;
        guest_only_set[res] = true;
        return 0;
    }
    return setrlimit((int)res, rl) ? -errno : 0;
}

long lu_sys_prlimit64(CPUX86State *env, const uint32_t *a)
{
    if (a[0] && a[0] != (uint32_t)getpid()) {
        /* another process: pass through (struct rlimit64 is the same) */
        void *nw = a[2] ? lu_guest_ptr(a[2], 16, PAGE_READ) : NULL;
        void *old = a[3] ? lu_guest_ptr(a[3], 16, PAGE_WRITE) : NULL;
        if ((a[2] && !nw) || (a[3] && !old))
            return -EFAULT;
        return lu_errno_ret(syscall(SYS_prlimit64, (int)a[0], (int)a[1], nw, old));
    }
    struct rlimit cur, nl;
    uint64_t v[2];
    if (a[2] && !copy_from_guest(v, a[2], 16))
        return -EFAULT;
    int e = get_rlimit(a[1], &cur);
    if (e)
        return e;
    if (a[2]) {
        nl.rlim_cur = v[0];
        nl.rlim_max = v[1];
        if ((e = set_rlimit(a[1], &nl)))
            return e;
    }
    v[0] = cur.rlim_cur;
    v[1] = cur.rlim_max;
    if (a[3] && !copy_to_guest(a[3], v, 16))
        return -EFAULT;
    return 0;
}

static uint32_t rlim32(rlim_t v, uint32_t inf)
{
    return v == RLIM_INFINITY || v > inf ? inf : (uint32_t)v;
}

static long do_getrlimit(const uint32_t *a, uint32_t inf)
{
    struct rlimit rl;
    int e = get_rlimit(a[0], &rl);
    if (e)
        return e;
    uint32_t v[2] = {rlim32(rl.rlim_cur, inf), rlim32(rl.rlim_max, inf)};
    return copy_to_guest(a[1], v, 8) ? 0 : -EFAULT;
}

long lu_sys_ugetrlimit(CPUX86State *env, const uint32_t *a)
{
    return do_getrlimit(a, UINT32_MAX);
}
long lu_sys_getrlimit(CPUX86State *env, const uint32_t *a)
{
    return do_getrlimit(a, 0x7fffffff);
}

long lu_sys_setrlimit(CPUX86State *env, const uint32_t *a)
{
    uint32_t v[2];
    if (!copy_from_guest(v, a[1], 8))
        return -EFAULT;
    struct rlimit rl = {v[0] == UINT32_MAX ? RLIM_INFINITY : v[0],
                        v[1] == UINT32_MAX ? RLIM_INFINITY : v[1]};
    return set_rlimit(a[0], &rl);
}

/* struct rusage (i386): two 32-bit timevals then 14 longs = 72 bytes */
long lu_sys_getrusage(CPUX86State *env, const uint32_t *a)
{
    struct rusage ru;
    if (getrusage((int)a[0], &ru) != 0)
        return -errno;
    int32_t g[18] = {(int32_t)ru.ru_utime.tv_sec, (int32_t)ru.ru_utime.tv_usec,
                     (int32_t)ru.ru_stime.tv_sec, (int32_t)ru.ru_stime.tv_usec};
    const long *rest = &ru.ru_maxrss;
    for (int i = 0; i < 14; i++)
        g[4 + i] = (int32_t)rest[i];
    return copy_to_guest(a[1], g, sizeof(g)) ? 0 : -EFAULT;
}

/* ---- system information ---------------------------------------------- */

/* sethostname/setdomainname(name, len): the host's (one UTS namespace). */
static long set_uts_name(uint32_t g, uint32_t len, bool domain)
{
    char name[65];
    if ((int32_t)len < 0 || len > 64)
        return -EINVAL;
    if (len && !copy_from_guest(name, g, len))
        return -EFAULT;
    return lu_errno_ret(domain ? setdomainname(name, len) : sethostname(name, len));
}

long lu_sys_sethostname(CPUX86State *env, const uint32_t *a)
{
    return set_uts_name(a[0], a[1], false);
}

long lu_sys_setdomainname(CPUX86State *env, const uint32_t *a)
{
    return set_uts_name(a[0], a[1], true);
}

long lu_sys_uname(CPUX86State *env, const uint32_t *a)
{
    struct utsname u;
    if (uname(&u) != 0)
        return -errno;
    snprintf(u.machine, sizeof(u.machine), "i686");
    /* struct new_utsname: six 65-byte fields, as on the host */
    _Static_assert(sizeof(struct utsname) >= 6 * 65, "utsname");
    return copy_to_guest(a[0], &u, 6 * 65) ? 0 : -EFAULT;
}

long lu_sys_sysinfo(CPUX86State *env, const uint32_t *a)
{
    struct sysinfo s;
    if (sysinfo(&s) != 0)
        return -errno;
    unsigned long *mem[] = {&s.totalram,  &s.freeram,  &s.sharedram, &s.bufferram,
                            &s.totalswap, &s.freeswap, &s.totalhigh, &s.freehigh};
    uint32_t unit = s.mem_unit;
    bool big = true;
    while (big) { /* scale like the compat kernel until every count fits */
        big = false;
        for (size_t i = 0; i < 8; i++)
            big |= *mem[i] > UINT32_MAX;
        if (big) {
            for (size_t i = 0; i < 8; i++)
                *mem[i] >>= 1;
            unit <<= 1;
        }
    }
    uint8_t g[64] = {0};
    put32(g, (uint32_t)s.uptime);
    for (int i = 0; i < 3; i++)
        put32(g + 4 + 4 * i, (uint32_t)s.loads[i]);
    for (int i = 0; i < 6; i++)
        put32(g + 16 + 4 * i, (uint32_t)*mem[i]);
    memcpy(g + 40, &s.procs, 2);
    put32(g + 44, (uint32_t)s.totalhigh);
    put32(g + 48, (uint32_t)s.freehigh);
    put32(g + 52, unit);
    return copy_to_guest(a[0], g, sizeof(g)) ? 0 : -EFAULT;
}

long lu_sys_getrandom(CPUX86State *env, const uint32_t *a)
{
    void *p = lu_guest_ptr(a[0], a[1], PAGE_WRITE);
    if (!p && a[1])
        return -EFAULT;
    return lu_errno_ret(getrandom(p, a[1], a[2]));
}

long lu_sys_sched_yield(CPUX86State *env, const uint32_t *a)
{
    return sched_yield();
}

long lu_sys_sched_getaffinity(CPUX86State *env, const uint32_t *a)
{
    uint8_t mask[128];
    uint32_t len = a[1] < sizeof(mask) ? a[1] : (uint32_t)sizeof(mask);
    long r = syscall(SYS_sched_getaffinity, (int)a[0], len, mask);
    if (r < 0)
        return -errno;
    return copy_to_guest(a[2], mask, (size_t)r) ? r : -EFAULT;
}

long lu_sys_personality(CPUX86State *env, const uint32_t *a)
{
    return a[0] == 0xffffffff ? 0 : (a[0] == 0 ? 0 : -EINVAL);
}

long lu_sys_prctl(CPUX86State *env, const uint32_t *a)
{
    if (log_enabled(LOG_UNIMP))
        xlat_log("unimplemented prctl option %u\n", a[0]);
    return -EINVAL;
}

/* ---- futex (single process: host futexes on guest memory work) -------- */

static long do_futex(const uint32_t *a, bool time64)
{
    int op = (int)a[1] & FUTEX_CMD_MASK;
    if (!guest_access_ok(a[0], 4, PAGE_READ))
        return -EFAULT;
    struct timespec ts, *tp = NULL;
    bool has_timeout = op == FUTEX_WAIT || op == FUTEX_WAIT_BITSET || op == FUTEX_LOCK_PI ||
                       op == FUTEX_WAIT_REQUEUE_PI;
    if (has_timeout && a[3]) {
        if (!lu_timespec_in(a[3], time64, &ts))
            return -EFAULT;
        tp = &ts;
    }
    void *uaddr2 = NULL;
    if (op == FUTEX_REQUEUE || op == FUTEX_CMP_REQUEUE || op == FUTEX_WAKE_OP ||
        op == FUTEX_CMP_REQUEUE_PI) {
        uaddr2 = lu_guest_ptr(a[4], 4, PAGE_READ);
        if (!uaddr2)
            return -EFAULT;
    }
    long val2 = has_timeout ? (long)tp : (long)a[3];
    return lu_errno_ret(syscall(SYS_futex, g2h(a[0]), (int)a[1], a[2], val2, uaddr2, a[5]));
}

long lu_sys_futex(CPUX86State *env, const uint32_t *a)
{
    return do_futex(a, false);
}
long lu_sys_futex_time64(CPUX86State *env, const uint32_t *a)
{
    return do_futex(a, true);
}

/* ---- children ---------------------------------------------------------- */

long lu_sys_wait4(CPUX86State *env, const uint32_t *a)
{
    int status;
    if (a[3] && !guest_access_ok(a[3], 72, PAGE_WRITE))
        return -EFAULT;
    struct rusage ru;
    pid_t r = wait4((pid_t)(int32_t)a[0], &status, (int)a[2], a[3] ? &ru : NULL);
    if (r < 0)
        return -errno;
    if (a[1] && r > 0 && !copy_to_guest(a[1], &status, 4))
        return -EFAULT;
    if (a[3]) {
        int32_t g[18] = {(int32_t)ru.ru_utime.tv_sec, (int32_t)ru.ru_utime.tv_usec,
                         (int32_t)ru.ru_stime.tv_sec, (int32_t)ru.ru_stime.tv_usec};
        const long *rest = &ru.ru_maxrss;
        for (int i = 0; i < 14; i++)
            g[4 + i] = (int32_t)rest[i];
        copy_to_guest(a[3], g, sizeof(g));
    }
    return r;
}

long lu_sys_waitpid(CPUX86State *env, const uint32_t *a)
{
    uint32_t b[4] = {a[0], a[1], a[2], 0};
    return lu_sys_wait4(env, b);
}

/* ---- fork, clone (without CLONE_VM), execve ---------------------------- */

static long fork_child_setup(CPUX86State *env, uint32_t flags, uint32_t newsp, uint32_t tls,
                             uint32_t ctid)
{
    env->tid = (uint32_t)getpid();
    if (newsp)
        env->regs[R_ESP] = newsp;
    if (flags & CLONE_CHILD_SETTID)
        copy_to_guest(ctid, &env->tid, 4);
    if (flags & CLONE_CHILD_CLEARTID)
        env->clear_child_tid = ctid;
    if (flags & CLONE_SETTLS) {
        uint32_t a[1] = {tls};
        lu_sys_set_thread_area(env, a);
    }
    return 0;
}

/* vfork(): the child shares our memory until it calls execve or exits. */
long lu_sys_vfork(CPUX86State *env, const uint32_t *a)
{
    return lu_thread_vfork(env, CLONE_VM | CLONE_VFORK | SIGCHLD, 0, 0, 0, 0);
}

long lu_sys_fork(CPUX86State *env, const uint32_t *a)
{
    if (log_file)
        fflush(log_file);
    pid_t pid = lu_thread_fork();
    if (pid < 0)
        return -errno;
    return pid == 0 ? fork_child_setup(env, 0, 0, 0, 0) : pid;
}

/* i386 clone(flags, newsp, parent_tid, tls, child_tid).  Threads (CLONE_VM
 * without CLONE_VFORK) are host threads (thread.c); CLONE_VM|CLONE_VFORK
 * children share our memory (thread.c); other clones are forks. */
long lu_sys_clone(CPUX86State *env, const uint32_t *a)
{
    uint32_t flags = a[0];
    if ((flags & CLONE_VM) && !(flags & CLONE_VFORK))
        return lu_thread_clone(env, flags, a[1], a[2], a[3], a[4]);
    if ((flags & (CLONE_VM | CLONE_VFORK)) == (CLONE_VM | CLONE_VFORK) &&
        !(flags & (CLONE_THREAD | CLONE_SIGHAND | CLONE_FILES | CLONE_FS | CLONE_SETTLS)))
        return lu_thread_vfork(env, flags, a[1], a[2], a[3], a[4]);
    if (flags & (CLONE_THREAD | CLONE_SIGHAND | CLONE_NEWNS | CLONE_NEWUSER | CLONE_NEWPID))
        return -EINVAL;
    if (log_file)
        fflush(log_file);
    pid_t pid = lu_thread_fork();
    if (pid < 0)
        return -errno;
    if (pid == 0)
        return fork_child_setup(env, flags, a[1], a[3], a[4]);
    if (flags & CLONE_PARENT_SETTID)
        copy_to_guest(a[2], &pid, 4);
    return pid;
}

/* Guest NULL-terminated array of strings -> malloc'ed host array (the
 * strings stay in guest memory).  NULL with *err set on failure. */
static char **get_strv(uint32_t g, int extra, int *count, long *err)
{
    int n = 0;
    uint32_t p;
    for (;; n++) {
        if (n > 65536) {
            *err = -E2BIG;
            return NULL;
        }
        if (g == 0 || !copy_from_guest(&p, g + 4u * (uint32_t)n, 4)) {
            *err = g == 0 ? 0 : -EFAULT;
            if (g)
                return NULL;
            break;
        }
        if (!p)
            break;
        if (guest_strnlen(p, 1u << 17) < 0) {
            *err = -EFAULT;
            return NULL;
        }
    }
    char **v = calloc((size_t)n + (size_t)extra + 1, sizeof(char *));
    if (!v) {
        *err = -ENOMEM;
        return NULL;
    }
    for (int i = 0; i < n; i++) {
        copy_from_guest(&p, g + 4u * (uint32_t)i, 4);
        v[extra + i] = g2h(p);
    }
    *count = n;
    return v;
}

/* Is path an i386 ELF we should run under ourselves? */
static bool is_i386_elf(const char *path)
{
    uint8_t h[20];
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    size_t n = fread(h, 1, sizeof(h), f);
    fclose(f);
    return n == sizeof(h) && !memcmp(h, "\177ELF", 4) && h[4] == 1 && h[18] == 3 && h[19] == 0;
}

/* A "#!" script: its interpreter and optional argument as the kernel's
 * binfmt_script splits them (the line up to 255 bytes, first word, then the
 * rest with surrounding blanks removed).  false if path is not a script. */
static bool script_interp(const char *path, char *interp, size_t isize, char *arg, size_t asize)
{
    char line[256];
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    size_t n = fread(line, 1, sizeof(line) - 1, f);
    fclose(f);
    line[n] = 0;
    if (n < 3 || line[0] != '#' || line[1] != '!')
        return false;
    char *nl = strchr(line, '\n');
    if (nl)
        *nl = 0;
    char *p = line + 2;
    while (*p == ' ' || *p == '\t')
        p++;
    size_t il = strcspn(p, " \t");
    if (!il || il >= isize)
        return false;
    memcpy(interp, p, il);
    interp[il] = 0;
    p += il;
    while (*p == ' ' || *p == '\t')
        p++;
    size_t al = strlen(p);
    while (al && (p[al - 1] == ' ' || p[al - 1] == '\t'))
        al--;
    if (al >= asize)
        return false;
    memcpy(arg, p, al);
    arg[al] = 0;
    return true;
}

/* Host path of a guest path: under -L, the prefixed file if it exists. */
static void host_path(const char *gpath, char *out, size_t size)
{
    if (lu_ld_prefix && gpath[0] == '/') {
        int k = snprintf(out, size, "%s%s", lu_ld_prefix, gpath);
        if (k > 0 && (size_t)k < size && access(out, F_OK) == 0)
            return;
    }
    snprintf(out, size, "%s", gpath);
}

static char **own_options(int *n);

/* Run an i386 program under a fresh xlat-i386 with our options:
 * /proc/self/exe [options] -0 argv0 hostpath extra... argv[1..] */
static void exec_under_xlat(const char *argv0, const char *hpath, char **extra, int nextra,
                            char **argv, int argc, char **envp)
{
    int nopt = 0;
    char **opts = own_options(&nopt);
    char **v = calloc((size_t)nopt + (size_t)argc + (size_t)nextra + 5, sizeof(char *));
    if (!v) {
        errno = ENOMEM;
        return;
    }
    int k = 0;
    v[k++] = "/proc/self/exe";
    for (int i = 0; i < nopt; i++)
        v[k++] = opts[i];
    v[k++] = "-0";
    v[k++] = (char *)argv0;
    v[k++] = (char *)hpath;
    for (int i = 0; i < nextra; i++)
        v[k++] = extra[i];
    for (int i = 1; i < argc; i++)
        v[k++] = argv[i];
    execve("/proc/self/exe", v, envp);
    int e = errno;
    free(v);
    errno = e;
}

/* Our own options (everything before the program on our command line), so
 * an exec'ed i386 program runs with the same backend, log and flags.  Read
 * once: two threads may call execve at the same time. */
static char *own_opts[256];
static int own_nopts;

static void read_own_options(void)
{
    static char buf[1 << 16];
    FILE *f = fopen("/proc/self/cmdline", "rb");
    if (!f)
        return;
    size_t len = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[len] = 0;
    char *all[512];
    int cnt = 0;
    for (size_t i = 0; i < len && cnt < 512; i += strlen(buf + i) + 1)
        all[cnt++] = buf + i;
    int prog = cnt - lu_guest_argc;
    for (int i = 1; i < prog && own_nopts < 250; i++)
        own_opts[own_nopts++] = all[i];
}

static char **own_options(int *n)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, read_own_options);
    *n = own_nopts;
    return own_opts;
}

/* "/proc/self/fd/N" (or /dev/fd/N, /proc/<our pid>/fd/N): N, else -1. */
static int fd_path_number(const char *path)
{
    char own[40];
    snprintf(own, sizeof(own), "/proc/%d/fd/", (int)getpid());
    const char *const pre[] = {"/proc/self/fd/", "/dev/fd/", "/proc/thread-self/fd/", own};
    for (size_t i = 0; i < sizeof(pre) / sizeof(pre[0]); i++) {
        size_t l = strlen(pre[i]);
        if (strncmp(path, pre[i], l) || !path[l] ||
            strspn(path + l, "0123456789") != strlen(path + l))
            continue;
        long n = strtol(path + l, NULL, 10);
        return n >= 0 && n < INT_MAX ? (int)n : -1;
    }
    return -1;
}

/*
 * The kernel opens the program before it closes the close-on-exec
 * descriptors, so fexecve() of an O_CLOEXEC descriptor works (glibc runs
 * execve("/proc/self/fd/N") when execveat is missing, Python opens every
 * file O_CLOEXEC).  Our exec starts a new xlat-i386 that opens the program
 * after the exec, when N is closed: give it the file's own path instead
 * when that names the same file, else a copy of the descriptor that
 * survives the exec (a deleted file, a memfd; the new process then has
 * that descriptor open too).
 */
static void resolve_fd_path(char *path, size_t size)
{
    int fd = fd_path_number(path);
    int fl = fd >= 0 ? fcntl(fd, F_GETFD) : -1;
    if (fl < 0 || !(fl & FD_CLOEXEC))
        return;
    char link[64], target[PATH_MAX];
    snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, target, sizeof(target) - 1);
    struct stat a, b;
    if (n > 0 && (size_t)n < size) {
        target[n] = 0;
        if (target[0] == '/' && stat(target, &a) == 0 && fstat(fd, &b) == 0 &&
            a.st_dev == b.st_dev && a.st_ino == b.st_ino) {
            memcpy(path, target, (size_t)n + 1);
            return;
        }
    }
    int keep = fcntl(fd, F_DUPFD, 3);
    if (keep >= 0)
        snprintf(path, size, "/proc/self/fd/%d", keep);
}

/* The signal mask survives execve.  The host mask never holds the fault
 * signals, so block the guest's whole mask on the host just before the
 * exec (no fault can happen in between); the new xlat-i386 takes it as the
 * guest's (lu_signal_init).  Undone if the exec fails. */
static void exec_mask_begin(void)
{
    sigset_t hs;
    lu_host_sigset(lu_sigblocked, &hs);
    lu_host_add_faults(lu_sigblocked, &hs);
    lu_host_setmask(&hs);
}

/* execve of host file `path` (gpath: the guest's spelling, for scripts). */
static long do_execve(CPUX86State *env, char *path, const char *gpath, uint32_t gargv,
                      uint32_t genvp)
{
    int argc = 0, envc = 0;
    long err = 0;
    char **argv = get_strv(gargv, 0, &argc, &err);
    if (!argv)
        return err;
    char **envp = get_strv(genvp, 0, &envc, &err);
    if (!envp) {
        free(argv);
        return err;
    }
    if (log_file)
        fflush(log_file);
    char interp[PATH_MAX], iarg[256], hinterp[PATH_MAX];
    bool can_exec = access(path, X_OK) == 0;
    if (can_exec) {
        pcache_save(); /* the persistent translation cache (exec/pcache.c) */
        lu_robust_list_release_all(env); /* the old image and its threads go */
        resolve_fd_path(path, PATH_MAX);
        exec_mask_begin();
    }
    if (!can_exec) {
        err = -errno;
    } else if (is_i386_elf(path)) {
        exec_under_xlat(argc ? argv[0] : path, path, NULL, 0, argv, argc, envp);
        err = -errno;
    } else if (script_interp(path, interp, sizeof(interp), iarg, sizeof(iarg)) &&
               (host_path(interp, hinterp, sizeof(hinterp)), is_i386_elf(hinterp))) {
        /* the kernel runs "interp [arg] script args...": do it under us, so
         * the interpreter is the guest's (a shell script in the -L root) */
        char *extra[2];
        int nextra = 0;
        if (iarg[0])
            extra[nextra++] = iarg;
        extra[nextra++] = (char *)gpath;
        exec_under_xlat(interp, hinterp, extra, nextra, argv, argc, envp);
        err = -errno;
    } else {
        execve(path, argv, envp);
        err = -errno;
    }
    if (can_exec)
        lu_set_blocked(lu_sigblocked);
    free(argv);
    free(envp);
    return err;
}

long lu_sys_execve(CPUX86State *env, const uint32_t *a)
{
    char path[PATH_MAX], gpath[PATH_MAX];
    int e = lu_get_path(a[0], path, sizeof(path));
    if (e)
        return e;
    long glen = guest_strnlen(a[0], sizeof(gpath));
    if (glen < 0)
        return -EFAULT;
    memcpy(gpath, g2h(a[0]), (size_t)glen + 1);
    return do_execve(env, path, gpath, a[1], a[2]);
}

/* execveat(dirfd, path, argv, envp, flags): AT_EMPTY_PATH runs the file
 * dirfd is open on (fexecve), a relative path is taken from dirfd. */
long lu_sys_execveat(CPUX86State *env, const uint32_t *a)
{
    char path[PATH_MAX], gpath[PATH_MAX];
    int dirfd = (int)a[0];
    uint32_t flags = a[4];
    if (flags & ~(uint32_t)(AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW))
        return -EINVAL;
    int e = lu_get_str(a[1], gpath, sizeof(gpath), ENAMETOOLONG);
    if (e)
        return e;
    if (!gpath[0]) {
        if (!(flags & AT_EMPTY_PATH))
            return -ENOENT;
        if (fcntl(dirfd, F_GETFD) < 0)
            return -EBADF;
        snprintf(path, sizeof(path), "/proc/self/fd/%d", dirfd);
    } else if (gpath[0] == '/' || dirfd == AT_FDCWD) {
        e = lu_get_path(a[1], path, sizeof(path));
        if (e)
            return e;
    } else {
        /* from the directory's own path: dirfd may be close-on-exec (see
         * resolve_fd_path) */
        char link[64], dir[PATH_MAX];
        snprintf(link, sizeof(link), "/proc/self/fd/%d", dirfd);
        ssize_t n = readlink(link, dir, sizeof(dir) - 1);
        if (n < 0)
            return fcntl(dirfd, F_GETFD) < 0 ? -EBADF : -errno;
        dir[n] = 0;
        if (dir[0] != '/')
            memcpy(dir, link, strlen(link) + 1);
        if (snprintf(path, sizeof(path), "%s/%s", dir, gpath) >= (int)sizeof(path))
            return -ENAMETOOLONG;
    }
    struct stat st;
    if ((flags & AT_SYMLINK_NOFOLLOW) && gpath[0] && lstat(path, &st) == 0 && S_ISLNK(st.st_mode))
        return -ELOOP;
    return do_execve(env, path, gpath[0] ? gpath : path, a[2], a[3]);
}

/* ---- process file descriptors ------------------------------------------- */
/* A pidfd names a host process, and guest pids are host pids, so these
 * pass through; PIDFD_NONBLOCK is O_NONBLOCK on both. */

long lu_sys_pidfd_open(CPUX86State *env, const uint32_t *a)
{
    return lu_errno_ret(syscall(SYS_pidfd_open, (pid_t)a[0], (unsigned)a[1]));
}

long lu_sys_pidfd_getfd(CPUX86State *env, const uint32_t *a)
{
    return lu_errno_ret(syscall(SYS_pidfd_getfd, (int)a[0], (int)a[1], (unsigned)a[2]));
}

/* pidfd_send_signal(pidfd, sig, info, flags): the guest's i386 siginfo, if
 * any, as the host's (the fields a sender may set). */
long lu_sys_pidfd_send_signal(CPUX86State *env, const uint32_t *a)
{
    siginfo_t si, *sp = NULL;
    if (a[2]) {
        int32_t g[6];
        if (!copy_from_guest(g, a[2], sizeof(g)))
            return -EFAULT;
        memset(&si, 0, sizeof(si));
        si.si_signo = g[0];
        si.si_errno = g[1];
        si.si_code = g[2];
        si.si_pid = g[3];
        si.si_uid = (uid_t)g[4];
        si.si_value.sival_int = g[5];
        sp = &si;
    }
    return lu_errno_ret(syscall(SYS_pidfd_send_signal, (int)a[0], (int)a[1], sp, (unsigned)a[3]));
}
