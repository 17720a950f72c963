/*
 * syscall.c - the i386 system call table and dispatcher (int 0x80).
 *
 * The number is in EAX, arguments in EBX ECX EDX ESI EDI EBP, and the result
 * (or -errno) goes back to EAX.  Each table row gives the name, the handler
 * and the argument kinds that -strace prints (one letter per argument:
 * d signed, u unsigned, x hex, o octal, p pointer, s string).  Numbers
 * without a row return -ENOSYS and are named under -d unimp.
 *
 * After a call, pending guest signals are delivered; a call interrupted by a
 * signal whose action has SA_RESTART is rewound to run again after the
 * handler, as the kernel does.
 */
#include "linux-user/lu-internal.h"
#include "linux-user/lu-signal.h"
#include "linux-user/lu-syscalls.h"

#include <errno.h>
#include <unistd.h>

#include "util/log.h"

typedef struct LuSyscall {
    const char *name;
    LuSyscallFn fn;
    const char *args;
} LuSyscall;

static const LuSyscall syscalls[] = {
    [1] = {"exit", lu_sys_exit, "d"},
    [2] = {"fork", lu_sys_fork, ""},
    [3] = {"read", lu_sys_read, "dpu"},
    [4] = {"write", lu_sys_write, "dpu"},
    [5] = {"open", lu_sys_open, "sxo"},
    [6] = {"close", lu_sys_close, "d"},
    [7] = {"waitpid", lu_sys_waitpid, "dpd"},
    [8] = {"creat", lu_sys_creat, "so"},
    [9] = {"link", lu_sys_link, "ss"},
    [10] = {"unlink", lu_sys_unlink, "s"},
    [11] = {"execve", lu_sys_execve, "spp"},
    [12] = {"chdir", lu_sys_chdir, "s"},
    [13] = {"time", lu_sys_time, "p"},
    [15] = {"chmod", lu_sys_chmod, "so"},
    [16] = {"lchown", lu_sys_lchown16, "sdd"},
    [19] = {"lseek", lu_sys_lseek, "ddd"},
    [20] = {"getpid", lu_sys_getpid, ""},
    [24] = {"getuid", lu_sys_getuid16, ""},
    [27] = {"alarm", lu_sys_alarm, "u"},
    [29] = {"pause", lu_sys_pause, ""},
    [33] = {"access", lu_sys_access, "so"},
    [36] = {"sync", lu_sys_sync, ""},
    [37] = {"kill", lu_sys_kill, "dd"},
    [38] = {"rename", lu_sys_rename, "ss"},
    [39] = {"mkdir", lu_sys_mkdir, "so"},
    [40] = {"rmdir", lu_sys_rmdir, "s"},
    [41] = {"dup", lu_sys_dup, "d"},
    [42] = {"pipe", lu_sys_pipe, "p"},
    [43] = {"times", lu_sys_times, "p"},
    [45] = {"brk", lu_sys_brk, "x"},
    [47] = {"getgid", lu_sys_getgid16, ""},
    [49] = {"geteuid", lu_sys_geteuid16, ""},
    [50] = {"getegid", lu_sys_getegid16, ""},
    [54] = {"ioctl", lu_sys_ioctl, "dxp"},
    [55] = {"fcntl", lu_sys_fcntl64, "ddx"},
    [57] = {"setpgid", lu_sys_setpgid, "dd"},
    [60] = {"umask", lu_sys_umask, "o"},
    [63] = {"dup2", lu_sys_dup2, "dd"},
    [64] = {"getppid", lu_sys_getppid, ""},
    [65] = {"getpgrp", lu_sys_getpgrp, ""},
    [66] = {"setsid", lu_sys_setsid, ""},
    [67] = {"sigaction", lu_sys_sigaction, "dpp"},
    [75] = {"setrlimit", lu_sys_setrlimit, "dp"},
    [76] = {"getrlimit", lu_sys_getrlimit, "dp"},
    [77] = {"getrusage", lu_sys_getrusage, "dp"},
    [78] = {"gettimeofday", lu_sys_gettimeofday, "pp"},
    [83] = {"symlink", lu_sys_symlink, "ss"},
    [85] = {"readlink", lu_sys_readlink, "spu"},
    [90] = {"mmap", lu_sys_old_mmap, "p"},
    [91] = {"munmap", lu_sys_munmap, "xu"},
    [92] = {"truncate", lu_sys_truncate, "sd"},
    [93] = {"ftruncate", lu_sys_ftruncate, "dd"},
    [94] = {"fchmod", lu_sys_fchmod, "do"},
    [95] = {"fchown", lu_sys_fchown16, "ddd"},
    [104] = {"setitimer", lu_sys_setitimer, "dpp"},
    [105] = {"getitimer", lu_sys_getitimer, "dp"},
    [114] = {"wait4", lu_sys_wait4, "dpdp"},
    [116] = {"sysinfo", lu_sys_sysinfo, "p"},
    [118] = {"fsync", lu_sys_fsync, "d"},
    [119] = {"sigreturn", lu_sys_sigreturn, ""},
    [120] = {"clone", lu_sys_clone, "xpppp"},
    [122] = {"uname", lu_sys_uname, "p"},
    [125] = {"mprotect", lu_sys_mprotect, "xud"},
    [126] = {"sigprocmask", lu_sys_sigprocmask, "dpp"},
    [132] = {"getpgid", lu_sys_getpgid, "d"},
    [133] = {"fchdir", lu_sys_fchdir, "d"},
    [136] = {"personality", lu_sys_personality, "x"},
    [140] = {"_llseek", lu_sys_llseek, "dxxpd"},
    [141] = {"getdents", lu_sys_getdents, "dpu"},
    [142] = {"_newselect", lu_sys_newselect, "dpppp"},
    [143] = {"flock", lu_sys_flock, "dd"},
    [144] = {"msync", lu_sys_msync, "xud"},
    [145] = {"readv", lu_sys_readv, "dpd"},
    [146] = {"writev", lu_sys_writev, "dpd"},
    [147] = {"getsid", lu_sys_getsid, "d"},
    [148] = {"fdatasync", lu_sys_fdatasync, "d"},
    [150] = {"mlock", lu_sys_mlock, "xu"},
    [151] = {"munlock", lu_sys_mlock, "xu"},
    [158] = {"sched_yield", lu_sys_sched_yield, ""},
    [162] = {"nanosleep", lu_sys_nanosleep, "pp"},
    [163] = {"mremap", lu_sys_mremap, "xuuxx"},
    [168] = {"poll", lu_sys_poll, "pud"},
    [172] = {"prctl", lu_sys_prctl, "dxxxx"},
    [173] = {"rt_sigreturn", lu_sys_rt_sigreturn, ""},
    [174] = {"rt_sigaction", lu_sys_rt_sigaction, "dppu"},
    [175] = {"rt_sigprocmask", lu_sys_rt_sigprocmask, "dppu"},
    [176] = {"rt_sigpending", lu_sys_rt_sigpending, "pu"},
    [177] = {"rt_sigtimedwait", lu_sys_rt_sigtimedwait, "pppu"},
    [179] = {"rt_sigsuspend", lu_sys_rt_sigsuspend, "pu"},
    [180] = {"pread64", lu_sys_pread64, "dpuxx"},
    [181] = {"pwrite64", lu_sys_pwrite64, "dpuxx"},
    [182] = {"chown", lu_sys_chown16, "sdd"},
    [183] = {"getcwd", lu_sys_getcwd, "pu"},
    [186] = {"sigaltstack", lu_sys_sigaltstack, "pp"},
    [190] = {"vfork", lu_sys_fork, ""},
    [191] = {"ugetrlimit", lu_sys_ugetrlimit, "dp"},
    [192] = {"mmap2", lu_sys_mmap2, "xudxdx"},
    [193] = {"truncate64", lu_sys_truncate64, "sxx"},
    [194] = {"ftruncate64", lu_sys_ftruncate64, "dxx"},
    [195] = {"stat64", lu_sys_stat64, "sp"},
    [196] = {"lstat64", lu_sys_lstat64, "sp"},
    [197] = {"fstat64", lu_sys_fstat64, "dp"},
    [198] = {"lchown32", lu_sys_lchown32, "sdd"},
    [199] = {"getuid32", lu_sys_getuid32, ""},
    [200] = {"getgid32", lu_sys_getgid32, ""},
    [201] = {"geteuid32", lu_sys_geteuid32, ""},
    [202] = {"getegid32", lu_sys_getegid32, ""},
    [205] = {"getgroups32", lu_sys_getgroups32, "dp"},
    [207] = {"fchown32", lu_sys_fchown32, "ddd"},
    [209] = {"getresuid32", lu_sys_getresuid32, "ppp"},
    [211] = {"getresgid32", lu_sys_getresgid32, "ppp"},
    [212] = {"chown32", lu_sys_chown32, "sdd"},
    [219] = {"madvise", lu_sys_madvise, "xud"},
    [220] = {"getdents64", lu_sys_getdents64, "dpu"},
    [221] = {"fcntl64", lu_sys_fcntl64, "ddx"},
    [224] = {"gettid", lu_sys_gettid, ""},
    [238] = {"tkill", lu_sys_tkill, "dd"},
    [240] = {"futex", lu_sys_futex, "pdxppx"},
    [242] = {"sched_getaffinity", lu_sys_sched_getaffinity, "dup"},
    [243] = {"set_thread_area", lu_sys_set_thread_area, "p"},
    [244] = {"get_thread_area", lu_sys_get_thread_area, "p"},
    [252] = {"exit_group", lu_sys_exit_group, "d"},
    [258] = {"set_tid_address", lu_sys_set_tid_address, "p"},
    [265] = {"clock_gettime", lu_sys_clock_gettime, "dp"},
    [266] = {"clock_getres", lu_sys_clock_getres, "dp"},
    [267] = {"clock_nanosleep", lu_sys_clock_nanosleep, "ddpp"},
    [268] = {"statfs64", lu_sys_statfs64, "sup"},
    [269] = {"fstatfs64", lu_sys_fstatfs64, "dup"},
    [270] = {"tgkill", lu_sys_tgkill, "ddd"},
    [295] = {"openat", lu_sys_openat, "dsxo"},
    [296] = {"mkdirat", lu_sys_mkdirat, "dso"},
    [298] = {"fchownat", lu_sys_fchownat, "dsddx"},
    [300] = {"fstatat64", lu_sys_fstatat64, "dspx"},
    [301] = {"unlinkat", lu_sys_unlinkat, "dsx"},
    [302] = {"renameat", lu_sys_renameat, "dsds"},
    [303] = {"linkat", lu_sys_linkat, "dsdsx"},
    [304] = {"symlinkat", lu_sys_symlinkat, "sds"},
    [305] = {"readlinkat", lu_sys_readlinkat, "dspu"},
    [306] = {"fchmodat", lu_sys_fchmodat, "dso"},
    [307] = {"faccessat", lu_sys_faccessat, "dso"},
    [311] = {"set_robust_list", lu_sys_set_robust_list, "pu"},
    [320] = {"utimensat", lu_sys_utimensat, "dspx"},
    [330] = {"dup3", lu_sys_dup3, "ddx"},
    [331] = {"pipe2", lu_sys_pipe2, "px"},
    [340] = {"prlimit64", lu_sys_prlimit64, "ddpp"},
    [353] = {"renameat2", lu_sys_renameat2, "dsdsx"},
    [355] = {"getrandom", lu_sys_getrandom, "pux"},
    [383] = {"statx", lu_sys_statx, "dsxxp"},
    [403] = {"clock_gettime64", lu_sys_clock_gettime64, "dp"},
    [406] = {"clock_getres_time64", lu_sys_clock_getres_time64, "dp"},
    [407] = {"clock_nanosleep_time64", lu_sys_clock_nanosleep_time64, "ddpp"},
    [412] = {"utimensat_time64", lu_sys_utimensat_time64, "dspx"},
    [422] = {"futex_time64", lu_sys_futex_time64, "pdxppx"},
    [439] = {"faccessat2", lu_sys_faccessat2, "dsox"},
};

#define NSYSCALLS (sizeof(syscalls) / sizeof(syscalls[0]))

/* Names of common calls we leave unimplemented, for the -d unimp log. */
static const struct {
    uint32_t nr;
    const char *name;
} unimp_names[] = {
    {102, "socketcall"},   {117, "ipc"},      {384, "arch_prctl"},    {386, "rseq"},
    {254, "epoll_create"}, {328, "eventfd2"}, {329, "epoll_create1"}, {356, "memfd_create"},
};

static const char *unimp_name(uint32_t nr)
{
    for (size_t i = 0; i < sizeof(unimp_names) / sizeof(unimp_names[0]); i++) {
        if (unimp_names[i].nr == nr)
            return unimp_names[i].name;
    }
    return "?";
}

long lu_sys_sync(CPUX86State *env, const uint32_t *a)
{
    sync();
    return 0;
}

/* Calls the kernel restarts after a SA_RESTART handler (-ERESTARTSYS);
 * sleeps, waits for signals and polls return -EINTR instead. */
static const uint16_t restartable[] = {3,   4,   5,   7,   54,  55,  114, 143,
                                       145, 146, 180, 181, 221, 240, 295, 422};

/* Was the call interrupted by a signal whose handler asks for restart? */
static bool should_restart(uint32_t nr, long ret)
{
    if (ret != -EINTR || !lu_signal_pending())
        return false;
    bool ok = false;
    for (size_t i = 0; i < sizeof(restartable) / sizeof(restartable[0]); i++)
        ok |= restartable[i] == nr;
    if (!ok)
        return false;
    for (int s = 1; s <= LU_NSIG; s++) {
        if (!(lu_sigblocked & (1ull << (s - 1))) && lu_sigact[s].handler > LU_SIG_IGN &&
            (lu_sigact[s].flags & LU_SA_RESTART))
            return true;
    }
    return false;
}

void lu_do_syscall(CPUX86State *env)
{
    uint32_t nr = env->regs[R_EAX];
    uint32_t a[6] = {env->regs[R_EBX], env->regs[R_ECX], env->regs[R_EDX],
                     env->regs[R_ESI], env->regs[R_EDI], env->regs[R_EBP]};
    const LuSyscall *sc = nr < NSYSCALLS && syscalls[nr].fn ? &syscalls[nr] : NULL;
    bool trace = log_enabled(LOG_STRACE);
    long ret;
    if (sc) {
        if (trace)
            lu_strace_enter(env, (int)nr, sc->name, sc->args, a);
        ret = sc->fn(env, a);
    } else {
        if (log_enabled(LOG_UNIMP))
            xlat_log("unimplemented syscall %u (%s)\n", nr, unimp_name(nr));
        if (trace)
            lu_strace_enter(env, (int)nr, unimp_name(nr), "xxx", a);
        ret = -ENOSYS;
    }
    if (ret != LU_RET_NOREG) {
        if (should_restart(nr, ret)) {
            env->eip -= 2; /* back onto the int $0x80 */
            ret = nr;
        }
        env->regs[R_EAX] = (uint32_t)ret;
    }
    if (trace)
        lu_strace_exit(ret);
    if (lu_signal_pending())
        lu_signal_deliver_pending(env);
}
