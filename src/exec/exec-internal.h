/*
 * exec-internal.h - what the translation cache (tb.c) and the exec loop
 * (cpu_exec.c) share beyond the public exec.h; also used by the unit test.
 *
 * Invariants: tb_running is nonzero exactly while generated code (or a helper
 * it called) runs; then nothing may be freed and a flush is only recorded.
 * tb_flush_gen changes on every real flush, so a TB pointer kept across a
 * call that may translate is still good iff the generation is unchanged and
 * the TB is not marked invalid.
 * With several threads, a CPU runs generated code or holds TB pointers only
 * between tb_exec_enter() and tb_exec_leave(); a full flush waits until
 * every other CPU is out or parked in tb_exec_enter() (tb.c).
 */
#ifndef XLAT_EXEC_EXEC_INTERNAL_H
#define XLAT_EXEC_EXEC_INTERNAL_H

#include "exec/exec.h"

extern __thread volatile int tb_running; /* this thread runs a TB */
extern int tb_multi_thread;             /* a second guest thread exists */
extern uint64_t tb_flush_gen;

/* Let the cache clear this CPU's jump cache on invalidation (and count it
 * for deferred frees); detach when its thread ends. */
void tb_attach_env(CPUX86State *env);
void tb_detach_env(CPUX86State *env);
/* fork with threads: take tb_lock() before fork, call this in the child
 * (drops the other threads' CPUs, renews the lock), tb_unlock() in the parent. */
void tb_after_fork_child(void);
/* The calling CPU runs no TB and holds no TB pointer (top of its loop). */
void tb_exec_quiescent(void);
/* The translation-cache lock (recursive): translation, lookup in the hash
 * table, chaining, invalidation, flush. */
void tb_lock(void);
void tb_unlock(void);
/* Top of the exec loop: run a pending flush and free invalidated TBs. */
void tb_exec_drain(void);
/* Top of the exec loop, before any TB pointer is used: from here on this
 * CPU may run TBs; waits while another CPU flushes.  Call with no lock. */
void tb_exec_enter(void);
/* Before a system call, exception or signal delivery (anything that may
 * block, none of which runs TBs): a flush need not wait for this CPU. */
void tb_exec_leave(void);
/* The cache filled up at generation gen (tb_gen_code returned NULL): stop
 * the other CPUs, flush unless someone did since, and resume.  From the
 * exec loop, with no lock and no TB pointer that is used unchecked. */
void tb_flush_stopped(uint64_t gen);
/* Chain slot `slot` of `from` to `to`, with the incoming-list bookkeeping.
 * Does nothing if either is invalid or the slot is already chained. */
void tb_add_jump(TB *from, int slot, TB *to);
/* Number of TBs waiting for tb_exec_drain() (for tests). */
int tb_deferred_count(void);

#endif
