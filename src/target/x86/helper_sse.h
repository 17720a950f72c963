/*
 * helper_sse.h - private interface of the MMX/SSE helpers (helper_sse*.c)
 * and their translator (translate_sse.c).
 *
 * Every MMX/SSE instruction becomes one call of the generic helper
 * (helper_sse.c), which loads the operands into an SseCtx, runs the
 * instruction's SseFn on the copies and writes the destination back only if
 * nothing faulted: a memory fault, an alignment #GP or an unmasked SIMD
 * exception leaves registers and memory untouched, as hardware does.
 *
 * The instructions are rows of X86SseDef tables, one table per group file
 * (helper_sse_int.c, helper_sse_fp.c, helper_sse4.c, ...), keyed like the
 * decoder's rows by (opcode, mandatory prefix).  Regular families share one
 * SseFn and differ by the row's element function and element size, e.g.
 *   {0x0ffc, PX_NONE | PX_66, "paddb", sse_pint, .ef = e_add, .esize = 1}
 * is paddb mm, mm/m64 and paddb xmm, xmm/m128.
 */
#ifndef XLAT_TARGET_X86_HELPER_SSE_H
#define XLAT_TARGET_X86_HELPER_SSE_H

#include <stdbool.h>
#include <stdint.h>

#include "target/x86/cpu.h"

typedef union X86Xmm X86Vec;

/* One instruction being executed. */
typedef struct SseCtx {
    CPUX86State *env;
    const struct X86SseDef *def;
    X86Vec d;             /* destination: old value in, result out */
    X86Vec s;             /* source (zero-extended from its memory size) */
    int width;            /* vector bytes: 8 with an MMX register operand, else 16 */
    bool src_mem;         /* the source operand is memory */
    uint8_t imm;          /* Ib */
    uint8_t reg;          /* ModRM.reg (groups 12-15) */
    uint32_t ea;          /* address of the memory operand (or maskmov's DS:EDI) */
    uint8_t dsize, ssize; /* operand sizes in bytes (GPR and memory forms) */
    uint32_t fp_kept;     /* SF_STAGED: MXCSR flags of the stages completed */
} SseCtx;

typedef void SseFn(SseCtx *c);
/* element op on zero-extended elements of `bits` bits */
typedef uint64_t SseElemFn(uint64_t a, uint64_t b, int bits);

/* Operand descriptor, the generic helper's view of one operand (built by
 * translate_sse.c, read by the helpers and the emitter's native path):
 * kind (X86_OP_*) | class << 2 | reg << 5 | size << 8 */
#define DESC_KIND(d)  ((d)&3)
#define DESC_CLASS(d) (((d) >> 2) & 7)
#define DESC_REG(d)   (((d) >> 5) & 7)
#define DESC_SIZE(d)  (((d) >> 8) & 31)
#define DESC_MAKE(kind, cls, reg, size)                                                           \
    ((uint32_t)(kind) | (uint32_t)(cls) << 2 | (uint32_t)((reg) & 7) << 5 |                      \
     (uint32_t)((size) & 31) << 8)

/* The helpers' last argument: imm8 (bits 0-7), ModRM.reg (8-15, the
 * generic helper only) and, for the emitter's native path, these: */
#define SSE_ENC_MODRM_SHIFT 16   /* the ModRM byte, bits 16-23 */
#define SSE_ENC_IMM (1u << 24)   /* an imm8 follows */
#define SSE_ENC_MODRM (1u << 25) /* there is a ModRM byte */

/* mandatory prefix columns, as a mask */
enum { PX_NONE = 1, PX_66 = 2, PX_F3 = 4, PX_F2 = 8 };

/* row flags */
enum {
    SF_UNALIGNED = 0x01, /* m128 needs no 16-byte alignment */
    SF_GPR = 0x02,       /* writes guest GPRs or EFLAGS from the helper */
    SF_NOWB = 0x04,      /* the SseFn stores its result itself (no write-back) */
    SF_FP = 0x08,        /* runs under the guest MXCSR (fp_begin/fp_end) */
    SF_OWNMEM = 0x10,    /* the SseFn checks and accesses memory itself */
    SF_SCALAR = 0x20,    /* one float lane (ss/sd) */
    SF_STAGED = 0x40,    /* SF_FP computed in stages: the SseFn leaves exact flags
                            (sse_lane_flags) and fp_kept, see sse_fp_run */
};

typedef struct X86SseDef {
    uint16_t opcode;  /* as X86Insn.opcode: 0x0fXX, 0x38XX, 0x3aXX */
    uint8_t prefixes; /* PX_* columns this row stands for */
    const char *name;
    SseFn *fn;
    uint8_t flags;   /* SF_* */
    uint8_t esize;   /* element bytes for table-driven families */
    SseElemFn *ef;   /* element function for table-driven families */
    const void *arg; /* other per-row data (float kernels ...) */
} X86SseDef;

/* The group tables, each ending with a row whose fn is NULL. */
extern const X86SseDef x86_sse_int_defs[];
extern const X86SseDef x86_sse_fp_defs[];
extern const X86SseDef x86_sse_mov_defs[];
extern const X86SseDef x86_sse4_defs[];

/* emms (the generic helper knows it: it checks for pending x87 faults) */
void x86_sse_emms(SseCtx *c);
/* Row for (opcode, prefix index 0..3), or NULL. */
const X86SseDef *x86_sse_find(unsigned opcode, int prefix);
/* The helpers' ids: generic light (vector state only), generic full (also
 * GPRs, EFLAGS), and the pre-decoded "xmm, xmm/mem" shape. */
enum { SSE_H_LIGHT, SSE_H_FULL, SSE_H_XX };
int x86_helper_sse_id(int kind);
/* The SSE_H_* kind of a registered helper id, or -1. */
int x86_helper_sse_kind(int helper_id);

/* ---- shared by the group files (helper_sse.c) ---- */
uint64_t sse_get(const X86Vec *v, int i, int esize);
void sse_set(X86Vec *v, int i, int esize, uint64_t x);
/* Check [a, a+len) for prot (PAGE_READ / PAGE_WRITE): SIGSEGV otherwise. */
void sse_mem_check(CPUX86State *env, uint32_t a, uint32_t len, int prot);
/* Merge host exception flags into the guest MXCSR; SIGFPE if unmasked. */
void sse_fp_flags(CPUX86State *env, uint32_t flags);
/* The host MXCSR a guest op is computed under: the guest's RC, DAZ, FTZ
 * (not while UM is clear), every exception masked, no flags. */
uint32_t sse_host_csr(const CPUX86State *env);
/* Run under the guest MXCSR (all exceptions masked while computing). */
uint32_t sse_fp_begin(const CPUX86State *env);
void sse_fp_end(CPUX86State *env, uint32_t saved);
int64_t sse_sat(int64_t v, int bits, bool is_signed);

/* ---- exact flags of one float lane (helper_sse_lane.c) ---- */
enum { SSE_LANE_ADD, SSE_LANE_SUB, SSE_LANE_MUL, SSE_LANE_DIV, SSE_LANE_CVT };
/* The MXCSR flags the CPU reports for the lane a OP b (float lanes, or
 * double with dbl; SSE_LANE_CVT converts the double b to float) under the
 * guest MXCSR, with PE as the CPU takes it when an unmasked OE or UE is
 * raised and UE for exact tiny results when UM is clear. */
uint32_t sse_lane_flags(const CPUX86State *env, int op, uint64_t a, uint64_t b, bool dbl);

/* The host MXCSR (the ops themselves run on the host's SSE unit). */
static inline uint32_t host_csr_get(void)
{
    uint32_t v;
    __asm__ volatile("stmxcsr %0" : "=m"(v)::"memory");
    return v;
}

static inline void host_csr_set(uint32_t v)
{
    __asm__ volatile("ldmxcsr %0" ::"m"(v) : "memory");
}

#endif
