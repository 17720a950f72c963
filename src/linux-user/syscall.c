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
    [14] = {"mknod", lu_sys_mknod, "sox"},
    [15] = {"chmod", lu_sys_chmod, "so"},
    [16] = {"lchown", lu_sys_lchown16, "sdd"},
    [19] = {"lseek", lu_sys_lseek, "ddd"},
    [20] = {"getpid", lu_sys_getpid, ""},
    [24] = {"getuid", lu_sys_getuid16, ""},
    [25] = {"stime", lu_sys_stime, "p"},
    [27] = {"alarm", lu_sys_alarm, "u"},
    [29] = {"pause", lu_sys_pause, ""},
    [33] = {"access", lu_sys_access, "so"},
    [34] = {"nice", lu_sys_nice, "d"},
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
    [74] = {"sethostname", lu_sys_sethostname, "pu"},
    [75] = {"setrlimit", lu_sys_setrlimit, "dp"},
    [76] = {"getrlimit", lu_sys_getrlimit, "dp"},
    [77] = {"getrusage", lu_sys_getrusage, "dp"},
    [78] = {"gettimeofday", lu_sys_gettimeofday, "pp"},
    [79] = {"settimeofday", lu_sys_settimeofday, "pp"},
    [83] = {"symlink", lu_sys_symlink, "ss"},
    [85] = {"readlink", lu_sys_readlink, "spu"},
    [90] = {"mmap", lu_sys_old_mmap, "p"},
    [91] = {"munmap", lu_sys_munmap, "xu"},
    [92] = {"truncate", lu_sys_truncate, "sd"},
    [93] = {"ftruncate", lu_sys_ftruncate, "dd"},
    [94] = {"fchmod", lu_sys_fchmod, "do"},
    [95] = {"fchown", lu_sys_fchown16, "ddd"},
    [96] = {"getpriority", lu_sys_getpriority, "dd"},
    [97] = {"setpriority", lu_sys_setpriority, "ddd"},
    [102] = {"socketcall", lu_sys_socketcall, "dp"},
    [104] = {"setitimer", lu_sys_setitimer, "dpp"},
    [105] = {"getitimer", lu_sys_getitimer, "dp"},
    [114] = {"wait4", lu_sys_wait4, "dpdp"},
    [116] = {"sysinfo", lu_sys_sysinfo, "p"},
    [117] = {"ipc", lu_sys_ipc, "dddxpx"},
    [118] = {"fsync", lu_sys_fsync, "d"},
    [119] = {"sigreturn", lu_sys_sigreturn, ""},
    [120] = {"clone", lu_sys_clone, "xpppp"},
    [121] = {"setdomainname", lu_sys_setdomainname, "pu"},
    [122] = {"uname", lu_sys_uname, "p"},
    [124] = {"adjtimex", lu_sys_adjtimex, "p"},
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
    [154] = {"sched_setparam", lu_sys_sched_setparam, "dp"},
    [155] = {"sched_getparam", lu_sys_sched_getparam, "dp"},
    [156] = {"sched_setscheduler", lu_sys_sched_setscheduler, "ddp"},
    [157] = {"sched_getscheduler", lu_sys_sched_getscheduler, "d"},
    [158] = {"sched_yield", lu_sys_sched_yield, ""},
    [159] = {"sched_get_priority_max", lu_sys_sched_get_priority_max, "d"},
    [160] = {"sched_get_priority_min", lu_sys_sched_get_priority_min, "d"},
    [161] = {"sched_rr_get_interval", lu_sys_sched_rr_get_interval, "dp"},
    [162] = {"nanosleep", lu_sys_nanosleep, "pp"},
    [163] = {"mremap", lu_sys_mremap, "xuuxx"},
    [168] = {"poll", lu_sys_poll, "pud"},
    [172] = {"prctl", lu_sys_prctl, "dxxxx"},
    [173] = {"rt_sigreturn", lu_sys_rt_sigreturn, ""},
    [174] = {"rt_sigaction", lu_sys_rt_sigaction, "dppu"},
    [175] = {"rt_sigprocmask", lu_sys_rt_sigprocmask, "dppu"},
    [176] = {"rt_sigpending", lu_sys_rt_sigpending, "pu"},
    [177] = {"rt_sigtimedwait", lu_sys_rt_sigtimedwait, "pppu"},
    [178] = {"rt_sigqueueinfo", lu_sys_rt_sigqueueinfo, "ddp"},
    [179] = {"rt_sigsuspend", lu_sys_rt_sigsuspend, "pu"},
    [180] = {"pread64", lu_sys_pread64, "dpuxx"},
    [181] = {"pwrite64", lu_sys_pwrite64, "dpuxx"},
    [182] = {"chown", lu_sys_chown16, "sdd"},
    [183] = {"getcwd", lu_sys_getcwd, "pu"},
    [186] = {"sigaltstack", lu_sys_sigaltstack, "pp"},
    [187] = {"sendfile", lu_sys_sendfile, "ddpu"},
    [190] = {"vfork", lu_sys_vfork, ""},
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
    [203] = {"setreuid32", lu_sys_setreuid32, "dd"},
    [204] = {"setregid32", lu_sys_setregid32, "dd"},
    [205] = {"getgroups32", lu_sys_getgroups32, "dp"},
    [206] = {"setgroups32", lu_sys_setgroups32, "dp"},
    [207] = {"fchown32", lu_sys_fchown32, "ddd"},
    [208] = {"setresuid32", lu_sys_setresuid32, "ddd"},
    [209] = {"getresuid32", lu_sys_getresuid32, "ppp"},
    [210] = {"setresgid32", lu_sys_setresgid32, "ddd"},
    [211] = {"getresgid32", lu_sys_getresgid32, "ppp"},
    [212] = {"chown32", lu_sys_chown32, "sdd"},
    [213] = {"setuid32", lu_sys_setuid32, "d"},
    [214] = {"setgid32", lu_sys_setgid32, "d"},
    [215] = {"setfsuid32", lu_sys_setfsuid32, "d"},
    [216] = {"setfsgid32", lu_sys_setfsgid32, "d"},
    [219] = {"madvise", lu_sys_madvise, "xud"},
    [220] = {"getdents64", lu_sys_getdents64, "dpu"},
    [221] = {"fcntl64", lu_sys_fcntl64, "ddx"},
    [224] = {"gettid", lu_sys_gettid, ""},
    [226] = {"setxattr", lu_sys_setxattr, "sspux"},
    [227] = {"lsetxattr", lu_sys_lsetxattr, "sspux"},
    [228] = {"fsetxattr", lu_sys_fsetxattr, "dspux"},
    [229] = {"getxattr", lu_sys_getxattr, "sspu"},
    [230] = {"lgetxattr", lu_sys_lgetxattr, "sspu"},
    [231] = {"fgetxattr", lu_sys_fgetxattr, "dspu"},
    [232] = {"listxattr", lu_sys_listxattr, "spu"},
    [233] = {"llistxattr", lu_sys_llistxattr, "spu"},
    [234] = {"flistxattr", lu_sys_flistxattr, "dpu"},
    [235] = {"removexattr", lu_sys_removexattr, "ss"},
    [236] = {"lremovexattr", lu_sys_lremovexattr, "ss"},
    [237] = {"fremovexattr", lu_sys_fremovexattr, "ds"},
    [238] = {"tkill", lu_sys_tkill, "dd"},
    [239] = {"sendfile64", lu_sys_sendfile64, "ddpu"},
    [240] = {"futex", lu_sys_futex, "pdxppx"},
    [241] = {"sched_setaffinity", lu_sys_sched_setaffinity, "dup"},
    [242] = {"sched_getaffinity", lu_sys_sched_getaffinity, "dup"},
    [243] = {"set_thread_area", lu_sys_set_thread_area, "p"},
    [244] = {"get_thread_area", lu_sys_get_thread_area, "p"},
    [250] = {"fadvise64", lu_sys_fadvise64, "dxxud"},
    [252] = {"exit_group", lu_sys_exit_group, "d"},
    [254] = {"epoll_create", lu_sys_epoll_create, "d"},
    [255] = {"epoll_ctl", lu_sys_epoll_ctl, "dddp"},
    [256] = {"epoll_wait", lu_sys_epoll_wait, "dpdd"},
    [258] = {"set_tid_address", lu_sys_set_tid_address, "p"},
    [264] = {"clock_settime", lu_sys_clock_settime, "dp"},
    [265] = {"clock_gettime", lu_sys_clock_gettime, "dp"},
    [266] = {"clock_getres", lu_sys_clock_getres, "dp"},
    [267] = {"clock_nanosleep", lu_sys_clock_nanosleep, "ddpp"},
    [268] = {"statfs64", lu_sys_statfs64, "sup"},
    [269] = {"fstatfs64", lu_sys_fstatfs64, "dup"},
    [270] = {"tgkill", lu_sys_tgkill, "ddd"},
    [272] = {"fadvise64_64", lu_sys_fadvise64_64, "dxxxxd"},
    [284] = {"waitid", lu_sys_waitid, "ddpxp"},
    [291] = {"inotify_init", lu_sys_inotify_init, ""},
    [292] = {"inotify_add_watch", lu_sys_inotify_add_watch, "dsx"},
    [293] = {"inotify_rm_watch", lu_sys_inotify_rm_watch, "dd"},
    [295] = {"openat", lu_sys_openat, "dsxo"},
    [296] = {"mkdirat", lu_sys_mkdirat, "dso"},
    [297] = {"mknodat", lu_sys_mknodat, "dsox"},
    [298] = {"fchownat", lu_sys_fchownat, "dsddx"},
    [300] = {"fstatat64", lu_sys_fstatat64, "dspx"},
    [301] = {"unlinkat", lu_sys_unlinkat, "dsx"},
    [302] = {"renameat", lu_sys_renameat, "dsds"},
    [303] = {"linkat", lu_sys_linkat, "dsdsx"},
    [304] = {"symlinkat", lu_sys_symlinkat, "sds"},
    [305] = {"readlinkat", lu_sys_readlinkat, "dspu"},
    [306] = {"fchmodat", lu_sys_fchmodat, "dso"},
    [307] = {"faccessat", lu_sys_faccessat, "dso"},
    [308] = {"pselect6", lu_sys_pselect6, "dppppp"},
    [309] = {"ppoll", lu_sys_ppoll, "pupp"},
    [311] = {"set_robust_list", lu_sys_set_robust_list, "pu"},
    [312] = {"get_robust_list", lu_sys_get_robust_list, "dpp"},
    [313] = {"splice", lu_sys_splice, "dpdpux"},
    [314] = {"sync_file_range", lu_sys_sync_file_range, "dxxxxx"},
    [315] = {"tee", lu_sys_tee, "ddux"},
    [318] = {"getcpu", lu_sys_getcpu, "ppp"},
    [319] = {"epoll_pwait", lu_sys_epoll_pwait, "dpddpu"},
    [320] = {"utimensat", lu_sys_utimensat, "dspx"},
    [321] = {"signalfd", lu_sys_signalfd, "dpu"},
    [322] = {"timerfd_create", lu_sys_timerfd_create, "dx"},
    [323] = {"eventfd", lu_sys_eventfd, "u"},
    [324] = {"fallocate", lu_sys_fallocate, "ddxxxx"},
    [325] = {"timerfd_settime", lu_sys_timerfd_settime, "dxpp"},
    [326] = {"timerfd_gettime", lu_sys_timerfd_gettime, "dp"},
    [327] = {"signalfd4", lu_sys_signalfd4, "dpux"},
    [328] = {"eventfd2", lu_sys_eventfd2, "ux"},
    [329] = {"epoll_create1", lu_sys_epoll_create1, "x"},
    [330] = {"dup3", lu_sys_dup3, "ddx"},
    [331] = {"pipe2", lu_sys_pipe2, "px"},
    [332] = {"inotify_init1", lu_sys_inotify_init1, "x"},
    [333] = {"preadv", lu_sys_preadv, "dpdxx"},
    [334] = {"pwritev", lu_sys_pwritev, "dpdxx"},
    [335] = {"rt_tgsigqueueinfo", lu_sys_rt_tgsigqueueinfo, "dddp"},
    [337] = {"recvmmsg", lu_sys_recvmmsg, "dpuxp"},
    [340] = {"prlimit64", lu_sys_prlimit64, "ddpp"},
    [343] = {"clock_adjtime", lu_sys_clock_adjtime, "dp"},
    [344] = {"syncfs", lu_sys_syncfs, "d"},
    [345] = {"sendmmsg", lu_sys_sendmmsg, "dpux"},
    [353] = {"renameat2", lu_sys_renameat2, "dsdsx"},
    [355] = {"getrandom", lu_sys_getrandom, "pux"},
    [356] = {"memfd_create", lu_sys_memfd_create, "sx"},
    [358] = {"execveat", lu_sys_execveat, "dsppx"},
    [359] = {"socket", lu_sys_socket, "ddd"},
    [360] = {"socketpair", lu_sys_socketpair, "dddp"},
    [361] = {"bind", lu_sys_bind, "dpu"},
    [362] = {"connect", lu_sys_connect, "dpu"},
    [363] = {"listen", lu_sys_listen, "dd"},
    [364] = {"accept4", lu_sys_accept4, "dppx"},
    [365] = {"getsockopt", lu_sys_getsockopt, "dddpp"},
    [366] = {"setsockopt", lu_sys_setsockopt, "dddpu"},
    [367] = {"getsockname", lu_sys_getsockname, "dpp"},
    [368] = {"getpeername", lu_sys_getpeername, "dpp"},
    [369] = {"sendto", lu_sys_sendto, "dpuxpu"},
    [370] = {"sendmsg", lu_sys_sendmsg, "dpx"},
    [371] = {"recvfrom", lu_sys_recvfrom, "dpuxpp"},
    [372] = {"recvmsg", lu_sys_recvmsg, "dpx"},
    [373] = {"shutdown", lu_sys_shutdown, "dd"},
    [377] = {"copy_file_range", lu_sys_copy_file_range, "dpdpux"},
    [378] = {"preadv2", lu_sys_preadv2, "dpdxxx"},
    [379] = {"pwritev2", lu_sys_pwritev2, "dpdxxx"},
    [383] = {"statx", lu_sys_statx, "dsxxp"},
    [393] = {"semget", lu_sys_semget, "xdx"},
    [394] = {"semctl", lu_sys_semctl, "dddx"},
    [395] = {"shmget", lu_sys_shmget, "xux"},
    [396] = {"shmctl", lu_sys_shmctl, "ddp"},
    [397] = {"shmat", lu_sys_shmat, "dpx"},
    [398] = {"shmdt", lu_sys_shmdt, "p"},
    [399] = {"msgget", lu_sys_msgget, "xx"},
    [400] = {"msgsnd", lu_sys_msgsnd, "dpux"},
    [401] = {"msgrcv", lu_sys_msgrcv, "dpudx"},
    [402] = {"msgctl", lu_sys_msgctl, "ddp"},
    [403] = {"clock_gettime64", lu_sys_clock_gettime64, "dp"},
    [404] = {"clock_settime64", lu_sys_clock_settime64, "dp"},
    [405] = {"clock_adjtime64", lu_sys_clock_adjtime64, "dp"},
    [406] = {"clock_getres_time64", lu_sys_clock_getres_time64, "dp"},
    [407] = {"clock_nanosleep_time64", lu_sys_clock_nanosleep_time64, "ddpp"},
    [410] = {"timerfd_gettime64", lu_sys_timerfd_gettime64, "dp"},
    [411] = {"timerfd_settime64", lu_sys_timerfd_settime64, "dxpp"},
    [412] = {"utimensat_time64", lu_sys_utimensat_time64, "dspx"},
    [413] = {"pselect6_time64", lu_sys_pselect6_time64, "dppppp"},
    [414] = {"ppoll_time64", lu_sys_ppoll_time64, "pupp"},
    [417] = {"recvmmsg_time64", lu_sys_recvmmsg_time64, "dpuxp"},
    [420] = {"semtimedop_time64", lu_sys_semtimedop_time64, "dpup"},
    [421] = {"rt_sigtimedwait_time64", lu_sys_rt_sigtimedwait_time64, "pppu"},
    [422] = {"futex_time64", lu_sys_futex_time64, "pdxppx"},
    [423] = {"sched_rr_get_interval_time64", lu_sys_sched_rr_get_interval_time64, "dp"},
    [424] = {"pidfd_send_signal", lu_sys_pidfd_send_signal, "ddpx"},
    [434] = {"pidfd_open", lu_sys_pidfd_open, "dx"},
    [436] = {"close_range", lu_sys_close_range, "uux"},
    [438] = {"pidfd_getfd", lu_sys_pidfd_getfd, "ddx"},
    [439] = {"faccessat2", lu_sys_faccessat2, "dsox"},
    [441] = {"epoll_pwait2", lu_sys_epoll_pwait2, "dpdppu"},
};

#define NSYSCALLS (sizeof(syscalls) / sizeof(syscalls[0]))

/* Names of common calls we leave unimplemented, for the -d unimp log. */
static const struct {
    uint32_t nr;
    const char *name;
} unimp_names[] = {
    {384, "arch_prctl"}, {386, "rseq"}, {435, "clone3"}, {286, "add_key"},
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
static const uint16_t restartable[] = {
    3,   4,   5,   7,   54,  55,  114, 143, 145, 146, 180, 181, 221, 240, 295, 422,
    102, 364, 369, 370, 371, 372, 337, 345, /* socketcall, accept4, send/recv* */
    333, 334, 378, 379,                     /* preadv, pwritev (2) */
};

/* Was the call interrupted by a signal whose handler asks for restart?  As in
 * the kernel, the action of the signal delivered first decides. */
static bool should_restart(uint32_t nr, long ret)
{
    if (ret != -EINTR)
        return false;
    int sig = lu_next_pending();
    if (!sig)
        return false;
    bool ok = false;
    for (size_t i = 0; i < sizeof(restartable) / sizeof(restartable[0]); i++)
        ok |= restartable[i] == nr;
    return ok && lu_sigact[sig].handler > LU_SIG_IGN && (lu_sigact[sig].flags & LU_SA_RESTART);
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
