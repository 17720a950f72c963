/*
 * tb.c - the translation cache: TB allocation, lookup by (pc, flags),
 * per-page lists, chaining bookkeeping, invalidation and flush.
 *
 * Invariants:
 *  - TBs live in one arena (see "TB memory") and link each other by number
 *    (TBRef, exec.h).
 *  - A valid TB is in exactly one hash bucket and on the list of each guest
 *    page it covers (tb_page_addr(tb, 0), (tb, 1) if it crosses a page, and
 *    (tb, 2) for guest code it read elsewhere: extra_pc/extra_len).
 *  - tb->jmp_dest[n] != 0 iff slot n of tb is patched to jump there, and
 *    then tb is on jmp_dest[n]'s incoming list.  The incoming list holds
 *    tagged numbers: the low bit names the slot of the source TB through
 *    which the list continues (a TB may chain both slots to one target).
 *  - An invalid TB is on no list except the deferred-free list (linked by
 *    hash_next), unchained both ways, and in no jump cache; its free_epoch
 *    holds the place of its page links.  It is freed
 *    only by tb_exec_drain() at the top of the exec loop, because a guest
 *    store (write fault handler) may invalidate the TB that is running.
 *  - A flush asked for while a TB runs is only recorded (tb_flush_pending).
 *
 * Threads: tb_lock (recursive) guards the hash table, the page lists, the
 * chaining lists, the code buffer and tb_ir; lookups from the jump caches
 * need no lock.  An invalidated TB gets the epoch of its invalidation and is
 * freed only once every attached CPU has passed the top of its exec loop
 * since (tb_exec_quiescent() stamps a CPU with a newer epoch), so no thread
 * can still be running it or hold it in a pending chain.  A CPU blocked in a
 * system call keeps TBs alive longer, which only delays freeing.
 *
 * A full flush with several threads stops the world (tb_flush_stopped):
 * each CPU is "in" (tb_cpu_in[slot]) from the top of its exec loop until
 * it leaves for a system call, an exception or a signal delivery; only an
 * "in" CPU may run generated code or hold TB pointers.  The flushing CPU
 * leaves, raises tb_stop_pending, asks every "in" CPU to come back
 * (exit_request, seen at the next TB entry) and waits until each has
 * parked at the top of its loop (tb_exec_enter) or left.  CPUs blocked in
 * system calls are out already, so they are never waited for.  Then it
 * flushes under tb_lock and releases them.  Nobody waits for the stop
 * while holding tb_lock (the flusher gives it up before, a parked CPU
 * holds none), so a CPU that takes tb_lock on its way back (a lookup, a
 * write fault on a code page) still gets through.  Lock order: tb_lock,
 * then tb_stop_mutex.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "exec/exec-internal.h"
#include "exec/pcache.h"
#include "linux-user/guest-mem.h"
#include "util/log.h"
#include "util/prefault.h"

/* The pc -> TB hash starts at 2^11 buckets (prefaulted: a short run's TBs
 * spread over all of it) and doubles whenever it holds more TBs than
 * buckets: gcc's cc1 translates ~140k blocks, and chains of 4 cold TBs made
 * each exec-loop lookup a string of cache misses.  Not larger at the start:
 * every page of it costs a run ~1.4 us to map (64 pages were 3% of a static
 * do-nothing run), and a static libc program translates ~1,000 blocks. */
#define TB_HASH_BITS_MIN 11
#define TB_HASH_BITS_MAX 20
#define TB_NPAGES    (1u << (32 - GUEST_PAGE_BITS))
#define TB_MAX_ENVS  64

const Backend *backend;
__thread volatile int tb_running;
uint64_t tb_flush_gen;
uint32_t tb_size_limit;
/* cpu_request_exit's jump cache: never written, so it costs no memory (here,
 * not in cpu_exec.c, which tb.c's users need not link) */
void *cpu_no_jmp_cache[TB_JMP_CACHE_SIZE];

static TBRef tb_hash_min[1u << TB_HASH_BITS_MIN];
static TBRef *tb_hash = tb_hash_min;
static unsigned tb_hash_bits = TB_HASH_BITS_MIN;
static uint32_t tb_hash_count; /* TBs in the hash */
static TBRef *tb_page_head; /* per guest page: first TB covering it */
static TBRef tb_deferred;   /* invalidated, waiting to be freed */
static int tb_ndeferred;
static volatile int tb_flush_pending;
static CPUX86State *tb_envs[TB_MAX_ENVS];
static uint64_t tb_env_epoch[TB_MAX_ENVS]; /* last quiescent epoch of each CPU */
static int tb_nenvs;
static IRBlock tb_ir; /* the block being translated (one at a time) */
/* host code translated since the last flush */
static uint64_t tb_cache_bytes;
static pthread_mutex_t tb_mutex = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;
static uint64_t tb_epoch = 1; /* advanced by every quiescent CPU */
static __thread int tb_my_slot = -1;
int tb_multi_thread; /* set once a second guest thread exists */

/* stop-the-world state; tb_cpu_in and tb_stop_pending are also read and
 * written without the mutex, with seq_cst atomics (see tb_exec_enter) */
static pthread_mutex_t tb_stop_mutex = PTHREAD_MUTEX_INITIALIZER;
/* the stopper waits on tb_stop_done, parked CPUs on tb_stop_resume */
static pthread_cond_t tb_stop_done = PTHREAD_COND_INITIALIZER;
static pthread_cond_t tb_stop_resume = PTHREAD_COND_INITIALIZER;
static int tb_stop_pending;              /* a stop is being made or held */
static int tb_stop_waiting;              /* CPUs the stop still waits for */
static int tb_cpu_in[TB_MAX_ENVS];       /* the CPU may run TBs (see above) */
static bool tb_cpu_counted[TB_MAX_ENVS]; /* the stop waits for this CPU */

void tb_lock(void)
{
    pthread_mutex_lock(&tb_mutex);
}
void tb_unlock(void)
{
    pthread_mutex_unlock(&tb_mutex);
}

/* ---- small helpers ---------------------------------------------------- */

static uint32_t tb_hash_fn(uint32_t pc, uint32_t flags)
{
    return ((pc ^ flags) * 0x9e3779b1u) >> (32 - tb_hash_bits);
}

/* An entry of an incoming list: the source TB and its slot (exec.h). */
static TBRef tb_tag(const TB *tb, int slot)
{
    return tb_ref(tb) << 1 | (TBRef)slot;
}
static TB *tb_untag(TBRef e)
{
    return &tb_arena[e >> 1];
}
static int tb_tag_slot(TBRef e)
{
    return (int)(e & 1);
}

/* inline here: the insertion of every TB asks for its three pages */
static inline uint32_t tb_page_of(const TB *tb, int n)
{
    uint32_t p0 = tb->pc & GUEST_PAGE_MASK;
    uint32_t p1 = (tb->pc + (tb->guest_size ? tb->guest_size - 1u : 0u)) & GUEST_PAGE_MASK;
    uint32_t p2 = tb->extra_pc & GUEST_PAGE_MASK;
    if (n == 0)
        return p0;
    if (n == 1)
        return p1 != p0 ? p1 : ~0u;
    return tb->extra_len && p2 != p0 && p2 != p1 ? p2 : ~0u;
}

uint32_t tb_page_addr(const TB *tb, int n)
{
    return tb_page_of(tb, n);
}

/* Which of tb's page links belongs to the list of page `page`. */
static int tb_page_index(const TB *tb, uint32_t page)
{
    return tb_page_of(tb, 0) == page ? 0 : tb_page_of(tb, 1) == page ? 1 : 2;
}

/* Does tb's translation depend on guest bytes in [s, e)? */
static bool tb_overlaps(const TB *tb, uint64_t s, uint64_t e)
{
    uint64_t end = (uint64_t)tb->pc + (tb->guest_size ? tb->guest_size : 1);
    if (tb->pc < e && end > s)
        return true;
    return tb->extra_len && tb->extra_pc < e && (uint64_t)tb->extra_pc + tb->extra_len > s;
}

static uint64_t tb_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void tb_clear_jmp_caches(void)
{
    for (int i = 0; i < tb_nenvs; i++)
        if (tb_envs[i] && tb_envs[i]->jmp_cache)
            memset(tb_envs[i]->jmp_cache, 0, TB_JMP_CACHE_SIZE * sizeof(TB *));
}

static void tb_arena_init(void);

void tb_init(void)
{
    if (!tb_page_head) {
        /* 4 MiB of virtual memory; only pages that hold code are touched */
        tb_page_head = calloc(TB_NPAGES, sizeof(TBRef));
        if (!tb_page_head) {
            fprintf(stderr, "xlat-i386: out of memory for the translation cache\n");
            exit(1);
        }
        tb_arena_init();
        /* the hash spreads even a short run's TBs over all of it */
        prefault_write(tb_hash_min, sizeof(tb_hash_min));
    }
}

void tb_attach_env(CPUX86State *env)
{
    tb_lock();
    for (int i = 0; i < tb_nenvs; i++) {
        if (tb_envs[i] == env) {
            tb_my_slot = i;
            tb_unlock();
            return;
        }
    }
    pthread_mutex_lock(&tb_stop_mutex);
    for (int i = 0; i < TB_MAX_ENVS; i++) {
        if (!tb_envs[i]) {
            tb_envs[i] = env;
            tb_env_epoch[i] = __atomic_load_n(&tb_epoch, __ATOMIC_SEQ_CST);
            __atomic_store_n(&tb_cpu_in[i], 0, __ATOMIC_SEQ_CST); /* out until its loop */
            tb_cpu_counted[i] = false;
            tb_my_slot = i;
            if (i >= tb_nenvs)
                tb_nenvs = i + 1;
            break;
        }
    }
    pthread_mutex_unlock(&tb_stop_mutex);
    tb_unlock();
    if (tb_my_slot < 0) {
        fprintf(stderr, "xlat-i386: more than %d guest threads\n", TB_MAX_ENVS);
        abort();
    }
}

static void tb_stop_uncount(int slot);

/* Also for a CPU that died in generated code (a vfork child killed by a
 * signal): a stop that waits for it is told it is gone. */
void tb_detach_env(CPUX86State *env)
{
    tb_lock();
    pthread_mutex_lock(&tb_stop_mutex);
    for (int i = 0; i < tb_nenvs; i++) {
        if (tb_envs[i] == env) {
            tb_envs[i] = NULL;
            __atomic_store_n(&tb_cpu_in[i], 0, __ATOMIC_SEQ_CST);
            tb_stop_uncount(i);
        }
    }
    pthread_mutex_unlock(&tb_stop_mutex);
    tb_my_slot = -1;
    tb_unlock();
}

/* In the child of a fork: only the calling thread exists; the lock may have
 * been held by a thread that is gone (the caller took it around fork). */
void tb_after_fork_child(void)
{
    pthread_mutex_t fresh = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;
    pthread_mutex_t fresh_stop = PTHREAD_MUTEX_INITIALIZER;
    pthread_cond_t fresh_cond = PTHREAD_COND_INITIALIZER;
    tb_mutex = fresh;
    /* a stop another thread was making or holding is gone with it */
    tb_stop_mutex = fresh_stop;
    tb_stop_done = fresh_cond;
    tb_stop_resume = fresh_cond;
    tb_stop_pending = 0;
    tb_stop_waiting = 0;
    for (int i = 0; i < tb_nenvs; i++) {
        tb_cpu_counted[i] = false;
        if (i != tb_my_slot) {
            tb_envs[i] = NULL;
            tb_cpu_in[i] = 0;
        }
    }
}

void tb_exec_quiescent(void)
{
    if (tb_my_slot >= 0)
        __atomic_store_n(&tb_env_epoch[tb_my_slot],
                         __atomic_add_fetch(&tb_epoch, 1, __ATOMIC_SEQ_CST), __ATOMIC_SEQ_CST);
}

/* Every attached CPU passed the top of its loop after epoch e. */
static bool tb_all_passed(uint64_t e)
{
    for (int i = 0; i < tb_nenvs; i++)
        if (tb_envs[i] && __atomic_load_n(&tb_env_epoch[i], __ATOMIC_SEQ_CST) <= e)
            return false;
    return true;
}

/* ---- stopping the other CPUs ------------------------------------------ */

/* The stop no longer waits for CPU `slot` (it parked, left or is gone).
 * Under tb_stop_mutex. */
static void tb_stop_uncount(int slot)
{
    if (!tb_cpu_counted[slot])
        return;
    tb_cpu_counted[slot] = false;
    if (--tb_stop_waiting == 0)
        pthread_cond_signal(&tb_stop_done);
}

/* A stop is pending: wait here, holding nothing, until it is over. */
static void tb_exec_park(int me)
{
    pthread_mutex_lock(&tb_stop_mutex);
    __atomic_store_n(&tb_cpu_in[me], 0, __ATOMIC_SEQ_CST);
    tb_stop_uncount(me);
    while (__atomic_load_n(&tb_stop_pending, __ATOMIC_SEQ_CST))
        pthread_cond_wait(&tb_stop_resume, &tb_stop_mutex);
    __atomic_store_n(&tb_cpu_in[me], 1, __ATOMIC_SEQ_CST);
    pthread_mutex_unlock(&tb_stop_mutex);
}

/* This CPU stores "in" and then reads tb_stop_pending; a stopper stores
 * tb_stop_pending and then reads every "in" (seq_cst both): at least one of
 * the two sees the other, so either this CPU parks or the stopper waits for
 * it.  Already "in" (the loop came back from a TB), one load is all. */
void tb_exec_enter(void)
{
    int me = tb_my_slot;
    if (!tb_multi_thread || me < 0)
        return;
    if (!__atomic_load_n(&tb_cpu_in[me], __ATOMIC_RELAXED))
        __atomic_store_n(&tb_cpu_in[me], 1, __ATOMIC_SEQ_CST);
    if (__atomic_load_n(&tb_stop_pending, __ATOMIC_SEQ_CST))
        tb_exec_park(me);
}

/* The mirror of tb_exec_enter: a stopper that saw this CPU "in" stored
 * tb_stop_pending before, so the load below sees it and uncounts us. */
void tb_exec_leave(void)
{
    int me = tb_my_slot;
    if (!tb_multi_thread || me < 0 || !__atomic_load_n(&tb_cpu_in[me], __ATOMIC_RELAXED))
        return;
    __atomic_store_n(&tb_cpu_in[me], 0, __ATOMIC_SEQ_CST);
    if (__atomic_load_n(&tb_stop_pending, __ATOMIC_SEQ_CST)) {
        pthread_mutex_lock(&tb_stop_mutex);
        tb_stop_uncount(me);
        pthread_mutex_unlock(&tb_stop_mutex);
    }
}

/* Bring every other CPU out of generated code: on return each is parked at
 * the top of its loop or out (system call, signal delivery) and stays so
 * until tb_stop_end().  The caller is out and holds no tb_lock. */
static void tb_stop_begin(void)
{
    int me = tb_my_slot;
    pthread_mutex_lock(&tb_stop_mutex);
    while (tb_stop_pending) /* another CPU's stop: we are out, let it end */
        pthread_cond_wait(&tb_stop_resume, &tb_stop_mutex);
    __atomic_store_n(&tb_stop_pending, 1, __ATOMIC_SEQ_CST);
    for (int i = 0; i < tb_nenvs; i++) {
        if (i == me || !tb_envs[i] || !__atomic_load_n(&tb_cpu_in[i], __ATOMIC_SEQ_CST))
            continue;
        tb_cpu_counted[i] = true;
        tb_stop_waiting++;
        cpu_request_exit(tb_envs[i]); /* seen at its next TB entry */
    }
    while (tb_stop_waiting > 0)
        pthread_cond_wait(&tb_stop_done, &tb_stop_mutex);
    pthread_mutex_unlock(&tb_stop_mutex);
}

static void tb_stop_end(void)
{
    pthread_mutex_lock(&tb_stop_mutex);
    __atomic_store_n(&tb_stop_pending, 0, __ATOMIC_SEQ_CST);
    pthread_cond_broadcast(&tb_stop_resume);
    pthread_mutex_unlock(&tb_stop_mutex);
}

/* Another CPU is attached (it may run TBs now or later). */
static bool tb_other_cpus(void)
{
    for (int i = 0; i < tb_nenvs; i++)
        if (i != tb_my_slot && tb_envs[i])
            return true;
    return false;
}

/* ---- lookup and insertion --------------------------------------------- */

TB *tb_lookup(CPUX86State *env, uint32_t pc)
{
    (void)env;
    const uint32_t flags = 0; /* i386 user mode: no mode bits yet */
    for (TBRef r = tb_hash[tb_hash_fn(pc, flags)]; r;) {
        TB *tb = &tb_arena[r];
        if (tb->pc == pc && tb->flags == flags && !tb->invalid)
            return tb;
        r = tb->hash_next;
    }
    return NULL;
}

static void tb_page_add(TB *tb, int n)
{
    uint32_t page = tb_page_of(tb, n) >> GUEST_PAGE_BITS;
    tb->page_next[n] = tb_page_head[page];
    tb_page_head[page] = tb_ref(tb);
}

/* Double the hash (under tb_lock, like every hash access).  On failure to
 * allocate, keep the old one: only lookups get slower. */
static void tb_hash_grow(void)
{
    unsigned bits = tb_hash_bits + 1;
    TBRef *old = tb_hash, *new = calloc((size_t)1 << bits, sizeof(TBRef));
    if (!new)
        return;
    uint32_t n = 1u << tb_hash_bits;
    tb_hash = new;
    tb_hash_bits = bits;
    for (uint32_t h = 0; h < n; h++) {
        for (TBRef r = old[h], next; r; r = next) {
            TB *tb = &tb_arena[r];
            next = tb->hash_next;
            uint32_t k = tb_hash_fn(tb->pc, tb->flags);
            tb->hash_next = new[k];
            new[k] = r;
        }
    }
    if (old != tb_hash_min)
        free(old);
}

static void tb_insert(TB *tb)
{
    if (++tb_hash_count > (1u << tb_hash_bits) && tb_hash_bits < TB_HASH_BITS_MAX)
        tb_hash_grow();
    uint32_t h = tb_hash_fn(tb->pc, tb->flags);
    tb->hash_next = tb_hash[h];
    tb_hash[h] = tb_ref(tb);
    for (int n = 0; n < 3; n++)
        if (tb_page_of(tb, n) != ~0u)
            tb_page_add(tb, n);
}

/* ---- chaining bookkeeping --------------------------------------------- */

void tb_add_jump(TB *from, int slot, TB *to)
{
    if (from->invalid || to->invalid || from->jmp_dest[slot])
        return;
    tb_lock();
    if (from->invalid || to->invalid || from->jmp_dest[slot]) {
        tb_unlock();
        return;
    }
    backend->chain(from, slot, to);
    from->jmp_dest[slot] = tb_ref(to);
    from->jmp_in_next[slot] = to->jmp_incoming;
    to->jmp_incoming = tb_tag(from, slot);
    exec_stats.chains++;
    tb_unlock();
}

/* Remove (from, slot) from the incoming list of from->jmp_dest[slot]. */
static void tb_unlink_incoming(TB *from, int slot)
{
    TB *to = tb_jmp_dest(from, slot);
    TBRef *link = &to->jmp_incoming;
    while (*link) {
        TB *src = tb_untag(*link);
        int s = tb_tag_slot(*link);
        if (src == from && s == slot) {
            *link = from->jmp_in_next[slot];
            break;
        }
        link = &src->jmp_in_next[s];
    }
    from->jmp_in_next[slot] = 0;
}

/* Unchain tb both ways: its own slots and every slot that jumps into it. */
static void tb_unchain(TB *tb)
{
    for (int n = 0; n < 2; n++) {
        if (tb->jmp_dest[n]) {
            backend->chain(tb, n, NULL);
            tb_unlink_incoming(tb, n);
            tb->jmp_dest[n] = 0;
        }
    }
    TBRef p = tb->jmp_incoming;
    while (p) {
        TB *src = tb_untag(p);
        int s = tb_tag_slot(p);
        p = src->jmp_in_next[s];
        backend->chain(src, s, NULL);
        src->jmp_dest[s] = 0;
        src->jmp_in_next[s] = 0;
    }
    tb->jmp_incoming = 0;
}

/* ---- invalidation ------------------------------------------------------ */

static void tb_hash_remove(TB *tb)
{
    TBRef me = tb_ref(tb), *link = &tb_hash[tb_hash_fn(tb->pc, tb->flags)];
    while (*link && *link != me)
        link = &tb_arena[*link].hash_next;
    if (*link) {
        *link = tb->hash_next;
        tb_hash_count--;
    }
    tb->hash_next = 0;
}

static void tb_page_remove(TB *tb, int n)
{
    uint32_t page = tb_page_of(tb, n);
    TBRef me = tb_ref(tb), *link = &tb_page_head[page >> GUEST_PAGE_BITS];
    while (*link && *link != me) {
        TB *t = &tb_arena[*link];
        link = &t->page_next[tb_page_index(t, page)];
    }
    if (*link)
        *link = tb->page_next[n];
    tb->page_next[n] = 0;
}

/* Every run spreads its pcs over the whole of way 0: it is mapped for
 * writing at once.  Way 1 takes only the TBs that way 0 displaces
 * (cpu_exec.c), so most of it is never written and stays out of the RSS;
 * but every probe that misses way 0 reads way 1, which took a dynamic
 * /bin/true 120 page faults (a third of its faults) to map the zero page
 * page by page: it is mapped to the zero page at once.  A transparent huge
 * page for both ways was faster to map but cost 1.5 MiB of RSS. */
void tb_jmp_cache_prefault(void *cache)
{
    TB **c = cache;
    prefault_write(c, TB_JMP_CACHE_SETS * sizeof(TB *));
    prefault_read(c + TB_JMP_CACHE_SETS, TB_JMP_CACHE_SETS * sizeof(TB *));
}

/* Drop tb from every CPU's jump cache.  The exec loop stores a TB only at
 * tb_jmp_cache_hash(tb->pc) in one of two ways, so that two slots per cache
 * are all there is to clear (clearing whole caches would touch 1 MiB per
 * thread). */
static void tb_jmp_cache_remove(TB *tb)
{
    uint32_t h = tb_jmp_cache_hash(tb->pc);
    for (int i = 0; i < tb_nenvs; i++) {
        TB **cache = tb_envs[i] ? tb_envs[i]->jmp_cache : NULL;
        for (uint32_t way = 0; cache && way < 2; way++)
            if (cache[h + way * TB_JMP_CACHE_SETS] == tb)
                cache[h + way * TB_JMP_CACHE_SETS] = NULL;
    }
}

static void tb_invalidate_one(TB *tb)
{
    tb_jmp_cache_remove(tb);
    tb_unchain(tb);
    tb_hash_remove(tb);
    for (int n = 0; n < 3; n++)
        if (tb_page_of(tb, n) != ~0u)
            tb_page_remove(tb, n);
    tb->invalid = true;
    /* off the page lists: free_epoch may take the place of their links */
    tb->free_epoch = __atomic_load_n(&tb_epoch, __ATOMIC_SEQ_CST);
    tb->hash_next = tb_deferred;
    tb_deferred = tb_ref(tb);
    tb_ndeferred++;
    exec_stats.invalidations++;
}

/* May run in a host signal handler (write fault on a code page): it only
 * relinks lists and patches code, it never allocates, frees or logs. */
void tb_invalidate_range(uint32_t start, uint32_t end)
{
    uint64_t s = start, e = end ? end : (1ull << 32);

    if (!tb_page_head || e <= s)
        return;
    tb_lock();
    for (uint64_t page = s & GUEST_PAGE_MASK; page < e; page += GUEST_PAGE_SIZE) {
        TBRef r = tb_page_head[page >> GUEST_PAGE_BITS];
        while (r) {
            TB *tb = &tb_arena[r];
            r = tb->page_next[tb_page_index(tb, (uint32_t)page)];
            if (tb_overlaps(tb, s, e))
                tb_invalidate_one(tb);
        }
    }
    tb_unlock();
}

/* ---- TB memory ----------------------------------------------------------
 * TBs come from one arena reserved at start-up (TB_ARENA_TBS of them, in
 * virtual memory only), so that the cache's links are 32-bit TB numbers
 * (exec.h TBRef); TB 0 is never handed out.  New TBs are taken in order
 * and the arena is populated TB_ARENA_CHUNK bytes at a time, ahead of use:
 * one madvise per 292 TBs instead of a page fault per 36, and a short run
 * maps only what it uses (a dynamic /bin/true: 2,000 TBs, 224 KiB; the 64
 * KiB slabs before took 384 KiB).  Freed TBs go on a free list (linked by
 * hash_next), under tb_lock, and are taken first.  When the arena is used
 * up, translation flushes the cache as for a full code buffer (gcc's cc1,
 * the largest run seen, holds 140,000 TBs: 7% of it). */

#define TB_ARENA_TBS (1u << 21)
#define TB_ARENA_CHUNK (32u << 10)
/* exec.h: a python3 start-up holds 35,000 TBs; 6 bytes are left at the end */
_Static_assert(sizeof(TB) <= 112, "TB grew: see exec.h");

TB *tb_arena;
static TBRef tb_free_list;
static TBRef tb_arena_next = 1;   /* first TB never handed out */
static char *tb_arena_populated; /* end of the populated part */

static void tb_arena_init(void)
{
    void *p = mmap(NULL, (size_t)TB_ARENA_TBS * sizeof(TB), PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) {
        fprintf(stderr, "xlat-i386: cannot reserve memory for the translation cache\n");
        exit(1);
    }
    tb_arena = p;
    tb_arena_populated = p;
}

/* A TB with all fields 0, or NULL if the arena is used up. */
static TB *tb_mem_get(void)
{
    TB *tb;
    if (tb_free_list) {
        tb = &tb_arena[tb_free_list];
        tb_free_list = tb->hash_next;
    } else {
        if (tb_arena_next >= TB_ARENA_TBS)
            return NULL;
        tb = &tb_arena[tb_arena_next++];
        if ((char *)(tb + 1) > tb_arena_populated) {
            prefault_write(tb_arena_populated, TB_ARENA_CHUNK);
            tb_arena_populated += TB_ARENA_CHUNK;
        }
    }
    memset(tb, 0, sizeof(*tb));
    return tb;
}

static void tb_mem_put(TB *tb)
{
    tb->hash_next = tb_free_list;
    tb_free_list = tb_ref(tb);
}

/* ---- flush and deferred free ------------------------------------------ */

static void tb_free(TB *tb)
{
    if (backend && backend->free_tb)
        backend->free_tb(tb);
    tb_mem_put(tb);
}

/* Free the invalidated TBs no CPU can still be running (all of them when
 * `all`, i.e. under a flush or with a single thread). */
static void tb_free_deferred(bool all)
{
    TBRef *link = &tb_deferred;
    while (*link) {
        TB *tb = &tb_arena[*link];
        if (all || tb_all_passed(tb->free_epoch)) {
            *link = tb->hash_next;
            tb_free(tb);
            tb_ndeferred--;
        } else {
            link = &tb->hash_next;
        }
    }
}

/* Under tb_lock, with no other CPU in generated code (one thread, or the
 * others stopped). */
static void tb_flush_now(void)
{
    tb_free_deferred(true);
    for (uint32_t h = 0; h < (1u << tb_hash_bits); h++) {
        TBRef r = tb_hash[h];
        while (r) {
            TB *tb = &tb_arena[r];
            r = tb->hash_next;
            for (int n = 0; n < 3; n++)
                if (tb_page_of(tb, n) != ~0u)
                    tb_page_head[tb_page_of(tb, n) >> GUEST_PAGE_BITS] = 0;
            tb_free(tb);
        }
        tb_hash[h] = 0;
    }
    tb_hash_count = 0;
    if (backend && backend->flush)
        backend->flush();
    tb_clear_jmp_caches();
    tb_flush_pending = 0;
    tb_cache_bytes = 0;
    tb_flush_gen++;
    exec_stats.flushes++;
}

/* With other CPUs attached, the flush is left to the exec loop, which
 * stops them first (tb_exec_drain). */
void tb_flush(void)
{
    tb_lock();
    if (tb_running || tb_other_cpus())
        tb_flush_pending = 1;
    else
        tb_flush_now();
    tb_unlock();
}

void tb_flush_stopped(uint64_t gen)
{
    tb_exec_leave();
    tb_stop_begin();
    tb_lock();
    if (tb_flush_gen == gen) {
        tb_flush_now();
        exec_stats.flush_stops++;
    }
    tb_unlock();
    tb_stop_end();
    tb_exec_enter();
}

void tb_exec_drain(void)
{
    if (!tb_multi_thread) {
        if (tb_flush_pending)
            tb_flush_now();
        else if (tb_deferred)
            tb_free_deferred(true);
        return;
    }
    tb_exec_quiescent();
    if (tb_flush_pending) {
        tb_flush_stopped(__atomic_load_n(&tb_flush_gen, __ATOMIC_SEQ_CST));
        return;
    }
    if (!tb_deferred)
        return;
    tb_lock();
    tb_free_deferred(false);
    tb_unlock();
}

int tb_deferred_count(void)
{
    return tb_ndeferred;
}

/* ---- translation ------------------------------------------------------- */

#ifdef XLAT_DEBUG
static void tb_check_ir(const IRBlock *ir, const char *stage)
{
    const char *msg = ir_validate(ir);
    if (msg) {
        fprintf(stderr, "xlat-i386: bad IR %s at 0x%08x: %s\n", stage, ir->pc, msg);
        ir_print(stderr, ir);
        abort();
    }
}
#else
static void tb_check_ir(const IRBlock *ir, const char *stage)
{
    (void)ir, (void)stage;
}
#endif

/* The extra code range of the block being translated (tb_note_extra_code),
 * under tb_lock like tb_ir.  A TB has three page links: its first page, the
 * one its last instruction may spill into, and one for the extra range, so
 * that range must lie on one page and be the only one; the translator
 * checks the answer and does not inline what the TB cannot track. */
static uint32_t tb_extra_pc, tb_extra_len;

bool tb_note_extra_code(uint32_t pc, uint32_t len)
{
    if (len == 0 || len > UINT8_MAX || ((pc ^ (pc + len - 1)) & GUEST_PAGE_MASK))
        return false;
    if (tb_extra_len)
        return tb_extra_pc == pc && tb_extra_len == len;
    tb_extra_pc = pc;
    tb_extra_len = len;
    return true;
}

/* Fill the parts of a new TB that come from its IR (keys, pages, slots).
 * NULL if the arena is used up (the caller flushes, as for a full code
 * buffer). */
/* every instruction of a block starts on the page of its first one */
_Static_assert(GUEST_PAGE_SIZE + 15 <= UINT16_MAX, "TB.guest_size is 16 bits");
static TB *tb_alloc(const IRBlock *ir, uint32_t pc)
{
    TB *tb = tb_mem_get();
    if (!tb)
        return NULL;
    tb->pc = pc;
    tb->guest_size = (uint16_t)ir->guest_size;
    tb->ninsns = (uint16_t)ir->ninsns;
    tb->extra_pc = tb_extra_pc;
    tb->extra_len = (uint8_t)tb_extra_len;
    tb->jmp_pc[0] = tb->jmp_pc[1] = ~0u;
    for (int i = 0; i < ir->nops; i++)
        if (ir->op[i].opc == IR_goto_tb && ir->op[i].aux[0] < 2)
            tb->jmp_pc[ir->op[i].aux[0]] = ir->op[i].aux[1];
    return tb;
}

static TB *tb_gen_code_locked(CPUX86State *env, uint32_t pc);

/* --tb-size for every backend: the x86-64 code buffer is that small
 * anyway, the interpreter's programs are counted here. */
static bool tb_cache_full(void)
{
    return tb_size_limit && tb_cache_bytes >= tb_size_limit;
}

static void tb_log_ir(unsigned item, const char *title, const IRBlock *ir)
{
    if (log_enabled(item)) {
        xlat_log("%s\n", title);
        ir_print(log_file ? log_file : stderr, ir);
        xlat_log("\n");
    }
}

/* Must be called from the exec loop (not while a TB runs): a full code
 * buffer flushes the whole cache on the spot with one thread; with several,
 * NULL is returned and the caller flushes with tb_flush_stopped() (other
 * CPUs may be running code in the buffer) and retries.  Another thread may
 * have translated pc meanwhile: then that TB is returned. */
TB *tb_gen_code(CPUX86State *env, uint32_t pc)
{
    tb_lock();
    TB *done = tb_lookup(env, pc);
    if (done) {
        tb_unlock();
        return done;
    }
    TB *tb = tb_gen_code_locked(env, pc);
    tb_unlock();
    return tb;
}

/* -perfmap: /tmp/perf-PID.map names each TB's host code "guest_PC", so
 * `perf report` attributes samples in generated code to guest blocks (the
 * perf map format: start, size, name, one per line; perf reads it after the
 * run, so each line is flushed at once). */
bool tb_perfmap;

static void tb_perfmap_add(const TB *tb)
{
    static FILE *f;
    static pid_t f_pid;
    if (!f || f_pid != getpid()) { /* a forked child writes its own map */
        char name[64];
        snprintf(name, sizeof(name), "/tmp/perf-%d.map", (int)getpid());
        f = fopen(name, "a");
        f_pid = getpid();
        if (!f) {
            tb_perfmap = false;
            return;
        }
        setvbuf(f, NULL, _IOLBF, 0);
    }
    fprintf(f, "%lx %x guest_%08x\n", (unsigned long)(uintptr_t)tb->host_code, tb->host_size,
            tb->pc);
}

/* -d in_asm: the guest code of a block.  A block whose first instruction
 * cannot be fetched (a jump to an unmapped or non-executable page) shows
 * only the bytes that are there. */
static void tb_log_in_asm(const IRBlock *ir, uint32_t pc)
{
    uint32_t n = 0;
    while (n < ir->guest_size && guest_access_ok(pc + n, 1, PAGE_EXEC))
        n++;
    xlat_log("----------------\nIN: \n");
    if (n)
        log_disas(g2h(pc), n, pc, false);
    if (n < ir->guest_size)
        xlat_log("0x%08x:  (cannot fetch: not mapped executable)\n", pc + n);
}

static TB *tb_gen_code_locked(CPUX86State *env, uint32_t pc)
{
    /* timed only for -d stats: two clock reads per block were ~2.5% of a
     * dynamic /bin/true run on a VM with a slow clock source */
    bool timed = log_enabled(LOG_STATS);
    uint64_t t0 = timed ? tb_now_ns() : 0;
    IRBlock *ir = &tb_ir;

    tb_extra_pc = tb_extra_len = 0;
    /* pcache: a translation an earlier run stored (pcache.c) */
    TB *tb = pcache_active && !tb_cache_full() ? tb_mem_get() : NULL;
    bool loaded = tb && (tb->pc = pc, pcache_load(env, tb));
    if (loaded)
        goto insert;
    if (tb)
        tb_mem_put(tb);
    x86_translate(env, ir, pc);
    if (log_enabled(LOG_IN_ASM))
        tb_log_in_asm(ir, pc);
    tb_log_ir(LOG_OP, "OP:", ir);
    tb_check_ir(ir, "after translation");
    ir_optimize(ir);
    tb_log_ir(LOG_OP_OPT, "OP after optimization:", ir);
    tb_check_ir(ir, "after optimization");

    tb = tb_alloc(ir, pc); /* NULL: the TB arena is used up */
    if (!tb || tb_cache_full() || backend->compile(tb, ir) < 0) {
        if (tb)
            tb_mem_put(tb);
        if (tb_multi_thread)
            return NULL; /* the caller stops the other CPUs, flushes, retries */
        tb_flush_now();
        tb = tb_alloc(ir, pc);
        if (!tb || backend->compile(tb, ir) < 0) {
            fprintf(stderr, "xlat-i386: block at 0x%08x does not fit in an empty code buffer\n",
                    pc);
            abort();
        }
    }
    if (pcache_active)
        pcache_note(tb);
    if (log_enabled(LOG_OUT_ASM) && strcmp(backend->name, "x86_64") == 0) {
        xlat_log("OUT: [size=%u]\n", tb->host_size);
        log_disas(tb->host_code, tb->host_size, (unsigned long)(uintptr_t)tb->host_code, true);
    }
insert:
    tb_insert(tb);
    page_protect_code(pc, tb->guest_size ? tb->guest_size : 1);
    if (tb->extra_len)
        page_protect_code(tb->extra_pc, tb->extra_len);
    if (tb_perfmap && strcmp(backend->name, "x86_64") == 0)
        tb_perfmap_add(tb);

    tb_cache_bytes += tb->host_size;
    if (loaded) /* counted by pcache_stats */
        return tb;
    exec_stats.tbs_translated++;
    exec_stats.guest_bytes += tb->guest_size;
    exec_stats.guest_insns += tb->ninsns;
    exec_stats.host_bytes += tb->host_size;
    if (timed)
        exec_stats.translate_ns += tb_now_ns() - t0;
    return tb;
}
