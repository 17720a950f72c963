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

/* One entry of a TB's map from host code to guest instructions. */
typedef struct TBPcMap {
    uint32_t host_off;       /* offset in host code (or op index for interp) */
    uint32_t guest_pc;
    uint8_t cc_where;        /* emitter: where the guest CC is at this point
                                (0 = host EFLAGS, 1 = env->cc) */
    uint8_t x87_modrm;       /* emitter, x87 memory forms: the guest ModRM and */
    uint8_t x87_seg;         /* segment of the operand (host FOP/FDP -> guest) */
    uint8_t xmm_dirty;       /* emitter: guest xmm registers whose value is in
                                the host xmm register only (isel_sse.c) */
} TBPcMap;

typedef struct TB {
    uint32_t pc;             /* guest pc of the first instruction */
    uint32_t flags;          /* mode bits; 0 in i386 user mode */
    uint32_t guest_size;     /* bytes of guest code covered */
    uint32_t ninsns;
    /* backend data */
    void *host_code;         /* emitter: machine code; interp: its program */
    uint32_t host_size;
    uint32_t fp_body;        /* emitter, FP TBs (isel_fp.c): offset of the body
                                for chained jumps from FP TBs; 0 if not one */
    void *host_fast;         /* emitter: the entry past the exit-request check
                                (forward chained jumps and goto_ptr) */
    TBPcMap *pcmap;
    uint32_t npcmap;
    /* chaining: direct exits (goto_tb slots 0 and 1) */
    uint32_t jmp_pc[2];      /* target guest pc of each slot, or ~0 if unused */
    uint32_t jmp_patch[2];   /* backend: where the slot's jump lives */
    uint32_t jmp_stub[2];    /* backend: where it goes when not chained */
    struct TB *jmp_dest[2];  /* chained-to TB, or NULL */
    struct TB *jmp_incoming; /* list of TBs chained to this one ... */
    struct TB *jmp_in_next[2]; /* ... linked through their slot */
    /* cache lists */
    struct TB *hash_next;
    struct TB *page_next[3]; /* TBs on the same guest page (page 0 = pc's, 1 = next,
                                2 = the extra code's) */
    uint32_t page_addr[3];   /* guest pages covered (~0 when unused) */
    /* guest code read by the translation outside [pc, pc + guest_size): a
     * PIC thunk inlined at its call (translate_ctl.c); extra_len 0 if none */
    uint32_t extra_pc, extra_len;
    bool invalid;
    uint8_t jmp_via_ret;     /* emitter: bit n set if slot n is taken after a
                                host return (the continuation of a call) */
    uint8_t fp_check;        /* emitter, FP TBs: offset of the exit-request
                                check, for backward chained jumps from FP TBs */
    uint64_t free_epoch;     /* invalidated at this epoch (tb.c, threads) */
} TB;

/* A backend compiles an optimized IRBlock into a TB and runs TBs. */
typedef struct Backend {
    const char *name;
    void (*init)(void);
    /* Fill tb->host_code, host_size, pcmap, jmp_patch.  Return 0, or -1 if
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
