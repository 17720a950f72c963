/*
 * exec.h - translation blocks, the translation cache, the backend interface
 * and the exec loop.
 *
 * A TB is the translation of a run of guest instructions starting at `pc`
 * (one entry, several exits).  It is keyed by (pc, flags) where flags holds
 * the CPU mode bits the translation depends on (for the i386 user-mode
 * guest: none yet, always 0 - kept so that system mode slots in).
 *
 * Flow: cpu_exec() looks the pc up (jump cache, then hash table), translates
 * on a miss (x86_translate -> ir_optimize -> backend->compile), runs it with
 * backend->exec() and acts on env->exit_reason.  On EXIT_CHAIN it patches
 * the exiting TB's slot to jump straight to the next TB (backend->chain).
 *
 * Invalidation: every TB is on the list of each guest page it covers
 * (at most three: its own one or two, and one more for guest code its
 * translation read elsewhere, an inlined PIC thunk: extra_pc/extra_len).
 * tb_invalidate_range() unchains and frees every TB whose bytes overlap the
 * range, and clears the jump cache.  linux-user calls it from
 * munmap/mprotect/mremap and from the write-fault handler of pages that hold
 * code (those pages are kept read-only on the host while they hold TBs).
 */
#ifndef XLAT_EXEC_EXEC_H
#define XLAT_EXEC_EXEC_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "ir/ir.h"
#include "target/x86/cpu.h"

/* The jump cache maps pc -> TB by the low 16 bits of the pc (the emitter's
 * inline probe, goto_ptr, computes the index with one flag-free movzx), two
 * ways per index: entry h and entry h + TB_JMP_CACHE_SETS.  One way was not
 * enough: a few hot pairs of targets 64 KiB apart (a program and its
 * libraries) took turns evicting each other, 85,000 of sqlite3's 100,000
 * exits to the exec loop.  The loop puts a new TB in way 0 and moves the
 * old one to way 1.  1 MiB per thread, touched only where used. */
#define TB_JMP_CACHE_BITS 16
#define TB_JMP_CACHE_SETS (1u << TB_JMP_CACHE_BITS)
#define TB_JMP_CACHE_SIZE (2 * TB_JMP_CACHE_SETS) /* entries, both ways */
static inline uint32_t tb_jmp_cache_hash(uint32_t pc)
{
    return pc & (TB_JMP_CACHE_SETS - 1); /* way 0; way 1 is + TB_JMP_CACHE_SETS */
}
/* Map a new, zeroed jump cache of TB_JMP_CACHE_SIZE entries in one go
 * (tb.c): way 0 for writing, way 1 for reading only (see there). */
void tb_jmp_cache_prefault(void *cache);

/* One entry of a TB's map from host code to guest instructions, as the
 * emitter builds it (isel.c) and as lookups return it.  The TB keeps the
 * map packed (backend.c, "pc map": ~2 bytes an entry); the interpreter
 * keeps env exact and needs none. */
typedef struct TBPcMap {
    uint32_t host_off;       /* offset in host code */
    uint32_t guest_pc;
    uint8_t cc_where;        /* emitter: where the guest CC is at this point
                                (0 = host EFLAGS, 1 = env->cc) */
    uint8_t x87_modrm;       /* emitter, x87 memory forms: the guest ModRM and */
    uint8_t x87_seg;         /* segment of the operand (host FOP/FDP -> guest) */
    uint8_t xmm_dirty;       /* emitter: guest xmm registers whose value is in
                                the host xmm register only (isel_sse.c) */
} TBPcMap;

/* A link between TBs inside the translation cache: the TB's number in the
 * TB arena (tb.c; TB n is tb_arena[n]), 0 for none.  Half a pointer: a
 * python3 start-up holds 35,000 TBs with ten links each.  Only the cache's
 * own lists use numbers; TB pointers everywhere else (the jump cache,
 * env->exit_tb, backends) stay pointers. */
typedef uint32_t TBRef;

/* 112 bytes (184 with pointer links, a malloc'd pc map and page_addr[3]).
 * Offsets into the host code are 32-bit: a block of 1024 IR ops may emit
 * more than 64 KiB. */
typedef struct TB {
    uint32_t pc;             /* guest pc of the first instruction */
    uint32_t flags;          /* mode bits; 0 in i386 user mode */
    uint16_t guest_size;     /* bytes of guest code covered (at most 64
                                instructions, none starting on the next page) */
    uint16_t ninsns;         /* guest instructions */
    uint32_t host_size;      /* bytes of host code (the pc map not counted) */
    /* backend data */
    void *host_code;         /* emitter: machine code; interp: its program */
    void *host_fast;         /* emitter: the entry past the exit-request check
                                (forward chained jumps and goto_ptr) */
    /* chaining: direct exits (goto_tb slots 0 and 1) */
    uint32_t jmp_pc[2];      /* target guest pc of each slot, or ~0 if unused */
    uint32_t jmp_patch[2];   /* backend: where the slot's jump lives */
    uint32_t jmp_stub[2];    /* backend: where it goes when not chained */
    uint32_t fp_body;        /* emitter, FP TBs (isel_fp.c): offset of the body
                                for chained jumps from FP TBs; 0 if not one */
    /* guest code read by the translation outside [pc, pc + guest_size): a
     * PIC thunk inlined at its call (translate_ctl.c); extra_len 0 if none */
    uint32_t extra_pc;
    TBRef jmp_dest[2];       /* chained-to TB, or 0 (tb_jmp_dest()) */
    TBRef jmp_in_next[2];    /* incoming list of jmp_dest[n], continued */
    TBRef jmp_incoming;      /* list of TBs chained to this one: each entry
                                is tb_ref(src) << 1 | slot of src, and the
                                list goes on at src->jmp_in_next[slot] */
    TBRef hash_next;         /* hash bucket list; the free and deferred-free
                                lists when not in the cache */
    union {
        TBRef page_next[3];  /* valid TBs: the next TB on the list of page
                                n (tb_page_addr(): 0 = pc's, 1 = the next
                                page, 2 = the extra code's) */
        uint64_t free_epoch; /* invalidated TBs (off every page list): the
                                epoch of the invalidation (tb.c, threads) */
    };
    uint16_t pcmap_size;     /* emitter: bytes of the packed pc map stored
                                right after the host code; 0 if none */
    uint8_t extra_len;       /* see extra_pc */
    bool invalid;
    uint8_t jmp_via_ret;     /* emitter: bit n set if slot n is taken after a
                                host return (the continuation of a call) */
    uint8_t fp_check;        /* emitter, FP TBs: offset of the exit-request
                                check, for backward chained jumps from FP TBs */
} TB;

/* The arena all the cache's TBs come from (tb.c); backends and unit tests
 * may also compile TBs of their own, which have no number. */
extern TB *tb_arena;
static inline TB *tb_at(TBRef r)
{
    return r ? &tb_arena[r] : (TB *)0;
}
static inline TBRef tb_ref(const TB *tb)
{
    return tb ? (TBRef)(tb - tb_arena) : 0;
}
static inline TB *tb_jmp_dest(const TB *tb, int slot)
{
    return tb_at(tb->jmp_dest[slot]);
}
/* The guest pages a TB's translation depends on: n = 0 its first page,
 * 1 the page its last instruction ends on, 2 the page of its extra code;
 * ~0 where that page is none or one of the others (tb.c). */
uint32_t tb_page_addr(const TB *tb, int n);

/* A backend compiles an optimized IRBlock into a TB and runs TBs. */
typedef struct Backend {
    const char *name;
    void (*init)(void);
    /* Fill tb->host_code, host_size, jmp_patch (the emitter: also the pc
     * map, pcmap_size, host_fast, jmp_stub, fp_*).  Return 0, or -1 if
     * the code buffer is full (the caller flushes the cache and retries). */
    int (*compile)(TB *tb, const IRBlock *ir);
    /* Run from tb until generated code exits; returns env->exit_reason. */
    uint32_t (*exec)(CPUX86State *env, TB *tb);
    /* Patch slot `slot` of `from` to continue at `to` (to==NULL: unchain). */
    void (*chain)(TB *from, int slot, TB *to);
    void (*free_tb)(TB *tb);       /* release what compile() allocated */
    void (*flush)(void);           /* drop all code (cache flush) */
    /* A host fault (SIGSEGV/SIGBUS/SIGFPE) happened at host_pc inside the
     * code of this backend.  If host_pc belongs to generated code, rebuild the
     * guest state of the faulting instruction into env from the signal
     * context (registers pinned in host registers, CC) and return the TB;
     * else return NULL. */
    TB *(*fault_state)(CPUX86State *env, ucontext_t *uc, uintptr_t host_pc);
    /* A CPU starts running on this thread (cpu_exec); may be NULL. */
    void (*attach_env)(CPUX86State *env);
} Backend;

extern const Backend backend_x86_64;
extern const Backend backend_interp;
extern const Backend *backend;       /* the selected one */

/* translation cache */
void tb_init(void);
TB *tb_lookup(CPUX86State *env, uint32_t pc);    /* NULL if not translated */
TB *tb_gen_code(CPUX86State *env, uint32_t pc);  /* translate and insert */
void tb_invalidate_range(uint32_t start, uint32_t end); /* [start, end) */
void tb_flush(void);
extern bool tb_perfmap; /* -perfmap: write /tmp/perf-PID.map */

/* Size of the translation cache (--tb-size, XLAT_TB_SIZE), in bytes of
 * generated code: translating past it flushes the whole cache.  0 means the
 * backend's own limit (x86-64: its 64 MiB code buffer; interp: none).  Set
 * before backend->init(); the x86-64 code buffer is mapped at this size.
 * Small values make flushes frequent (tests of flushes under threads). */
extern uint32_t tb_size_limit;
#define TB_SIZE_MIN (64u << 10)
#define TB_SIZE_MAX (1u << 30)

/* The translator read guest code at [pc, pc + len) beyond the block's own
 * bytes (an inlined PIC thunk): the TB being made must be invalidated by a
 * write there too.  Returns false if the block cannot take it (it records
 * one such range); then the translator must not depend on those bytes. */
bool tb_note_extra_code(uint32_t pc, uint32_t len);

/* translator: fills ir from guest code at pc (x86/translate.c). */
void x86_translate(CPUX86State *env, IRBlock *ir, uint32_t pc);

/* exec loop: runs the guest until exit_group; returns the exit reason
 * EXIT_SYSCALL/EXIT_EXCEPTION events are handed to linux-user. */
void cpu_exec(CPUX86State *env);

/* statistics for -d stats */
#define EXEC_STATS_MAX_HELPERS 128
typedef struct ExecStats {
    uint64_t tbs_translated, guest_bytes, host_bytes, translate_ns;
    uint64_t exits, chains, flushes, helper_calls, invalidations;
    uint64_t flush_stops;           /* flushes with the other threads stopped */
    uint64_t exit_reason[8];        /* exits to the loop by enum x86_exit */
    uint64_t exit_requests;         /* env->exit_request seen by the loop */
    uint64_t loop_jc_hits, loop_jc_misses; /* the exec loop's jump-cache probes */
    uint64_t guest_insns;           /* guest instructions translated */
    /* per helper id, counted by generated code only under -d stats
     * (backends emit the increments when log_enabled(LOG_STATS)) */
    uint64_t helper_count[EXEC_STATS_MAX_HELPERS];
} ExecStats;
extern ExecStats exec_stats;
/* Print exec_stats to the log (-d stats; called by lu_exit). */
void exec_stats_print(void);

#endif
