/*
 * exec-internal.h - what the translation cache (tb.c) and the exec loop
 * (cpu_exec.c) share beyond the public exec.h; also used by the unit test.
 *
 * Invariants: tb_running is nonzero exactly while generated code (or a helper
 * it called) runs; then nothing may be freed and a flush is only recorded.
 * tb_flush_gen changes on every real flush, so a TB pointer kept across a
 * call that may translate is still good iff the generation is unchanged and
 * the TB is not marked invalid.
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
/* Chain slot `slot` of `from` to `to`, with the incoming-list bookkeeping.
 * Does nothing if either is invalid or the slot is already chained. */
void tb_add_jump(TB *from, int slot, TB *to);
/* Number of TBs waiting for tb_exec_drain() (for tests). */
int tb_deferred_count(void);

#endif
