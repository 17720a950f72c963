/*
 * lu-signal.h - guest signal state shared by signal.c and the signal
 * system calls (syscall_sig.c).  Layouts and constants are the i386 kernel's.
 */
#ifndef XLAT_LINUX_USER_LU_SIGNAL_H
#define XLAT_LINUX_USER_LU_SIGNAL_H

#include <stdbool.h>
#include <signal.h>
#include <stdint.h>

#include "target/x86/cpu.h"

#define LU_NSIG         64
#define LU_SIG_DFL      0u
#define LU_SIG_IGN      1u
#define LU_SA_SIGINFO   0x00000004u
#define LU_SA_ONSTACK   0x08000000u
#define LU_SA_RESTART   0x10000000u
#define LU_SA_NODEFER   0x40000000u
#define LU_SA_RESETHAND 0x80000000u
#define LU_SA_RESTORER  0x04000000u
#define LU_SS_ONSTACK   1
#define LU_SS_DISABLE   2

/* struct sigaction as rt_sigaction sees it on i386 (20 bytes) */
typedef struct LuSigAction {
    uint32_t handler, flags, restorer;
    uint64_t mask;
} LuSigAction;

typedef struct LuSigAltStack {
    uint32_t sp;
    int32_t flags;
    uint32_t size;
} LuSigAltStack;

extern LuSigAction lu_sigact[LU_NSIG + 1];
extern __thread uint64_t lu_sigblocked; /* the calling thread's mask */
extern __thread LuSigAltStack lu_altstack;

void lu_set_blocked(uint64_t mask);
/* The host signals that stand for the guest signals of mask (the host
 * kernel holds them for us while blocked; see signal.c). */
void lu_host_sigset(uint64_t mask, sigset_t *hs);
/* Can the host kernel hold guest signal sig for us (blocked, pending)?
 * All but the fault signals and SIGKILL/SIGSTOP. */
bool lu_host_can_hold(int sig);
/* sigismember that also sees 32 and 33 (glibc's refuses them). */
bool lu_host_sigismember(const sigset_t *set, int sig);
/* Block every host signal, 32 and 33 too (*old gets the mask; may be
 * NULL), and set a mask back: raw calls, as glibc's drop 32 and 33. */
void lu_host_block_all(sigset_t *old);
void lu_host_setmask(const sigset_t *set);
/* Sleep with guest mask `mask` until a signal is queued for this thread
 * (rt_sigsuspend, pause); the mask stays set. */
void lu_suspend(uint64_t mask);
void lu_sigaction_changed(int sig);
void lu_set_suspend_mask(uint64_t old);
void lu_queue_self(int sig, int code);
void lu_queue_self_info(int sig, const uint8_t info[128]);
void lu_queue_process_info(int sig, const uint8_t info[128]);
/* sigtimedwait: take a queued signal of set (its number, info filled), or
 * return 0 with this thread published as waiting for the fault signals of
 * set until lu_wait_end. */
int lu_wait_begin(uint64_t set, uint8_t info[128]);
void lu_wait_end(void);
/* Add the fault signals of guest mask `mask` to host set hs. */
void lu_host_add_faults(uint64_t mask, sigset_t *hs);
/* A fault signal sig arrived by tgkill: true (info filled) if it brings a
 * process-directed siginfo routed to this thread. */
bool lu_take_mail(int sig, uint8_t info[128]);
/* The calling guest thread ends (no more signals routed to it). */
void lu_signal_thread_exit(void);
void lu_signal_after_fork(void);
uint64_t lu_pending_set(void);
int lu_next_pending(void);
long lu_sigreturn(CPUX86State *env, bool rt);
/* Save the calling thread's signal state and the action table, leaving an
 * empty queue (for a vfork child borrowing this thread); restore frees it. */
typedef struct LuSigThreadState LuSigThreadState;
LuSigThreadState *lu_signal_thread_save(void);
void lu_signal_thread_restore(LuSigThreadState *s);

#endif
