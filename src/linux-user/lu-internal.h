/*
 * lu-internal.h - declarations shared by the files of src/linux-user/ only
 * (memory map, loader, syscall table and handlers, signals).  Nothing outside
 * linux-user includes it; the public contract is linux-user.h / guest-mem.h.
 *
 * Guest address-space layout (documented here, used by loader and mmap):
 *   [0, LU_MMAP_MIN)             never mapped (NULL-pointer guard)
 *   program image                where its PT_LOADs say (static-pie: bias
 *                                LU_PIE_BIAS); the heap (brk) follows it
 *   ... free ...                 mmap() without a hint searches top-down
 *                                from lu_mmap_top_for(stack size), at least
 *                                128 MiB below LU_STACK_TOP (vDSO first)
 *   [stack_low - guard, LU_STACK_TOP)  main thread stack (default 8 MiB)
 *   [LU_STACK_TOP, LU_TASK_SIZE) free for MAP_FIXED / hints, as on a 64-bit
 *                                kernel running a 32-bit process
 */
#ifndef XLAT_LINUX_USER_LU_INTERNAL_H
#define XLAT_LINUX_USER_LU_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "linux-user/guest-mem.h"
#include "linux-user/linux-user.h"

#define LU_MMAP_MIN      0x10000u    /* vm.mmap_min_addr default */
#define LU_TASK_SIZE     0xffffe000u /* compat TASK_SIZE on x86-64 kernels */
#define LU_STACK_TOP     0xc0000000u /* classic i386 layout */
#define LU_STACK_GAP     (1u << 20)  /* between mmap area and stack */
#define LU_PIE_BIAS      0x56555000u /* static-pie load address (no ASLR) */
#define LU_DEFAULT_STACK (8u << 20)
#define LU_MMAP_MIN_GAP  (128u << 20) /* the kernel's least stack-to-mmap gap */

/* The top of the mmap area for a main stack of stack_size bytes: as the
 * kernel's mmap_base, the stack size and a guard gap below the stack top,
 * but at least 128 MiB (pthread_getattr_np and runtimes that size the main
 * stack from its rlimit find nothing mapped in between). */
static inline uint32_t lu_mmap_top_for(uint32_t stack_size)
{
    uint64_t gap = (uint64_t)stack_size + 4096u + LU_STACK_GAP;
    if (gap < LU_MMAP_MIN_GAP)
        gap = LU_MMAP_MIN_GAP;
    return gap >= LU_STACK_TOP - LU_MMAP_MIN ? LU_MMAP_MIN : LU_STACK_TOP - (uint32_t)gap;
}

static inline uint32_t lu_page_align(uint32_t a)
{
    return (a + GUEST_PAGE_SIZE - 1) & GUEST_PAGE_MASK;
}

/* ---- guest-mem.c ---- */
/* Host protection for a page_prot value (PAGE_CODE pages lose write). */
int lu_host_prot(int pageprot);
/* Make [addr, addr+len) (page aligned) unmapped again: PROT_NONE, reserved. */
bool lu_reserve_range(uint32_t addr, uint32_t len);
extern uint32_t lu_unmap_gen; /* bumped whenever guest pages are unmapped (mmap.c's search) */
/* Host pointer to guest [addr, addr+len) if all of it has `prot`; for
 * PAGE_WRITE, translated-code pages in it are unprotected first so the host
 * kernel or memcpy can write.  NULL if the range is bad (EFAULT). */
void *lu_guest_ptr(uint32_t addr, uint32_t len, int prot);
/* true if any page of the range is mapped (PAGE_VALID). */
bool lu_range_any_valid(uint32_t addr, uint32_t len);
/* true if any page of the range is mapped executable or holds code. */
bool lu_range_has_code(uint32_t addr, uint32_t len);

/* ---- mmap.c ---- (results are guest addresses or -errno) */
void lu_mmap_set_top(uint32_t top);
long lu_mmap(uint32_t addr, uint32_t len, int prot, int flags, int fd, uint64_t off);
long lu_munmap(uint32_t addr, uint32_t len);
long lu_mprotect(uint32_t addr, uint32_t len, int prot);
long lu_mremap(uint32_t old, uint32_t oldlen, uint32_t newlen, int flags, uint32_t newaddr);
long lu_madvise(uint32_t addr, uint32_t len, int advice);
long lu_brk(uint32_t newbrk);
/* The heap: [start, cur) as brk() last set it. */
void lu_brk_range(uint32_t *start, uint32_t *cur);
void lu_brk_init(uint32_t start_brk);
uint32_t lu_mmap_find_free(uint32_t len);          /* 0 if none */
void lu_mmap_prepare(uint32_t addr, uint32_t len); /* drop code there */
void lu_mmap_note(uint32_t addr, uint32_t len, int pageprot); /* page_prot */
/* Map anonymous guest memory at a fixed, free, page-aligned range. */
bool lu_map_anon_fixed(uint32_t addr, uint32_t len, int prot);

/* ---- elfload.c ---- */
extern LuImage lu_image; /* the loaded program (for /proc, auxv) */
extern const char *lu_exe_path;
extern const char *lu_ld_prefix; /* -L, or NULL */
extern int lu_guest_argc;        /* guest argc (to find our own options) */
extern uint32_t lu_auxv[64];     /* the auxv given to the program ... */
extern uint32_t lu_auxv_size;    /* ... and its size in bytes (/proc/self/auxv) */
extern char **lu_guest_argv;     /* guest argv (/proc/self/cmdline) */
/* The main stack: reserved (and mapped) from lu_stack_low up to
 * LU_STACK_TOP; the kernel's stack VMA would start at lu_stack_start
 * (argument pages + LU_STACK_EXPAND) and grow down as pages are touched. */
extern uint32_t lu_stack_low, lu_stack_start;
#define LU_STACK_EXPAND (128u << 10)

/* ---- vdso.c ---- */
/* Guest address of the vDSO page (0 if none): AT_SYSINFO_EHDR. */
extern uint32_t lu_vdso_base;
/* Build and map the vDSO page for a new process; false if no room. */
bool lu_vdso_map(void);
/* Its __kernel_vsyscall (AT_SYSINFO), or 0 if none. */
uint32_t lu_vdso_vsyscall(void);
/* Its __kernel_rt_sigreturn (rt) or __kernel_sigreturn, or 0 if none:
 * where a handler without SA_RESTORER returns. */
uint32_t lu_vdso_sigreturn(bool rt);

/* ---- syscall.c ---- */
/* Handlers take the six argument registers and return the result or -errno. */
typedef long (*LuSyscallFn)(CPUX86State *env, const uint32_t *a);
/* Returned by handlers that set every register themselves (sigreturn). */
#define LU_RET_NOREG ((long)0x7fffffff00000001LL)

/* Read a guest path string into buf (PATH_MAX); returns 0 or -errno. */
int lu_get_path(uint32_t gaddr, char *buf, size_t size);
/* A guest string into buf: -EFAULT, or -too_long when it does not fit. */
int lu_get_str(uint32_t gaddr, char *buf, size_t size, int too_long);
/* Host result (-1 + errno) to guest result. */
static inline long lu_ret(long r)
{
    return r;
}
long lu_errno_ret(long r);

/* ---- procfs.c ---- */
/* If the guest path names one of the /proc files xlat fakes (the guest's
 * maps, auxv, cmdline, exe of its own pid, /proc/cpuinfo), open the view
 * and return the host fd (or -errno); else return LU_PROC_NOT_OURS. */
#define LU_PROC_NOT_OURS (-100000)
int lu_proc_open(const char *path, int flags, int mode);

/* ---- signal.c ---- */
bool lu_signal_pending(void);
void lu_signal_deliver_pending(CPUX86State *env);
_Noreturn void lu_die_with_signal(int sig);
long lu_kill_self_check(int sig);

/* ---- thread.c ---- */
/* clone() of a thread (CLONE_VM without CLONE_VFORK): returns the new tid
 * or -errno. */
long lu_thread_clone(CPUX86State *env, uint32_t flags, uint32_t newsp, uint32_t ptid, uint32_t tls,
                     uint32_t ctid);
/* Make the guest's LOCK operations atomic on the host from now on (its
 * memory is shared with another process); flushes the cache once. */
void lu_atomic_begin(void);
/* fork() that leaves the child a consistent translation cache and thread
 * count (only the calling thread survives a fork). */
pid_t lu_thread_fork(void);
/* Serialize changes of the guest memory map between threads (recursive;
 * the same lock as the translation cache, which they invalidate). */
void lu_mm_lock(void);
void lu_mm_unlock(void);
/* The calling thread dies (exit, exit_group, execve): mark the robust
 * futexes it still holds on its set_robust_list list as the kernel does. */
void lu_robust_list_release(CPUX86State *env);
/* The whole process dies (exit_group, a fatal signal, execve): release
 * the lists of all guest threads, env's first (env may be NULL).  Safe in
 * a host signal handler. */
void lu_robust_list_release_all(CPUX86State *env);
/* set_robust_list of the calling thread (env). */
void lu_robust_list_set(CPUX86State *env, uint32_t head, uint32_t len);
/* The list head of guest thread tid of this process; false if no such
 * thread is known. */
bool lu_robust_list_get(uint32_t tid, uint32_t *head);
/* exit(2): end the calling guest thread (the process if it is the last). */
_Noreturn void lu_thread_exit(CPUX86State *env, int code);
/* clone(CLONE_VM|CLONE_VFORK): a child process sharing our memory, run on
 * its own CPU while the calling thread waits for its execve or exit.
 * Returns the child's pid or -errno. */
long lu_thread_vfork(CPUX86State *env, uint32_t flags, uint32_t newsp, uint32_t ptid,
                     uint32_t tls, uint32_t ctid);
/* true in such a child (it must not run the parent's exit-time cleanup) */
bool lu_in_vfork_child(void);

/* ---- strace.c ---- */
void lu_strace_enter(CPUX86State *env, int nr, const char *name, const char *kinds,
                     const uint32_t *a);
void lu_strace_exit(long ret);

/* Guest timespec (32-bit, or time64 when t64) to and from the host's.
 * lu_timespec_out returns 0, -EFAULT, or -EOVERFLOW when a 32-bit time_t
 * cannot hold the seconds. */
struct timespec;
bool lu_timespec_in(uint32_t g, bool t64, struct timespec *ts);
long lu_timespec_out(uint32_t g, bool t64, const struct timespec *ts);

#endif
