/*
 * helper_sse.c - the generic MMX/SSE helper: operand loading, alignment and
 * page checks, MXCSR handling, the MMX/x87 aliasing, and the row index.
 *
 * The translator (translate_sse.c) passes four words:
 *   a0  row key: map << 10 | opcode byte << 2 | prefix index
 *   a1  operand descriptors: op[0] | op[1] << 16 (SSE_DESC below)
 *   a2  guest address of the memory operand (segment base included)
 *   a3  imm8 | ModRM.reg << 8
 * The helper checks every memory byte it will touch before it writes
 * anything (alignment #GP first, as the CPU gives #GP before #PF), runs the
 * row's SseFn on copies, and writes the destination last.  An MMX register
 * operand makes the x87 state MMX-shaped: TOP = 0, all tags valid, and a
 * written MMi gets exponent 0xffff.
 * Example: movaps xmm1, [eax] with eax = 0x1008 -> SIGSEGV SI_KERNEL addr 0
 * at the instruction, xmm1 unchanged.
 */
#include "target/x86/helper_sse.h"

#include <signal.h>
#include <string.h>

#include "linux-user/guest-mem.h"
#include "target/x86/translate.h"

#define MXCSR_FLAGS      0x3fu /* IE DE ZE OE UE PE */
#define MXCSR_MASK_SHIFT 7     /* IM .. PM are the flags shifted by 7 */

/* ---- lanes ---- */

uint64_t sse_get(const X86Vec *v, int i, int esize)
{
    switch (esize) {
    case 1:
        return v->b[i];
    case 2:
        return v->w[i];
    case 4:
        return v->d[i];
    default:
        return v->q[i];
    }
}

void sse_set(X86Vec *v, int i, int esize, uint64_t x)
{
    switch (esize) {
    case 1:
        v->b[i] = (uint8_t)x;
        break;
    case 2:
        v->w[i] = (uint16_t)x;
        break;
    case 4:
        v->d[i] = (uint32_t)x;
        break;
    default:
        v->q[i] = x;
        break;
    }
}

int64_t sse_sat(int64_t v, int bits, bool is_signed)
{
    int64_t lo = is_signed ? -((int64_t)1 << (bits - 1)) : 0;
    int64_t hi = is_signed ? ((int64_t)1 << (bits - 1)) - 1 : ((int64_t)1 << bits) - 1;
    return v < lo ? lo : v > hi ? hi : v;
}

/* ---- memory ---- */

void sse_mem_check(CPUX86State *env, uint32_t a, uint32_t len, int prot)
{
    /* fast path: the (at most two) pages carry the permission bit itself */
    uint32_t last = a + len - 1, want = (uint32_t)prot | PAGE_VALID;
    if (last >= a && (page_prot[a >> GUEST_PAGE_BITS] & want) == want &&
        (page_prot[last >> GUEST_PAGE_BITS] & want) == want)
        return;
    if (guest_access_ok(a, len, prot))
        return;
    /* the first byte the CPU cannot reach is the fault address */
    for (uint32_t i = 0; i < len; i++) {
        uint32_t p = a + i;
        if (!guest_access_ok(p, 1, prot)) {
            int code =
                (page_prot[p >> GUEST_PAGE_BITS] & PAGE_VALID) ? X86_SEGV_ACCERR : X86_SEGV_MAPERR;
            cpu_raise(env, SIGSEGV, code, p);
        }
    }
}

/* ---- MXCSR ---- */

/* FTZ does not apply while UM is unmasked (the CPU takes the underflow
 * trap instead of flushing). */
uint32_t sse_host_csr(const CPUX86State *env)
{
    uint32_t csr = (env->mxcsr & ~MXCSR_FLAGS) | (MXCSR_FLAGS << MXCSR_MASK_SHIFT);
    if (!(env->mxcsr & 0x800))
        csr &= ~0x8000u;
    return csr;
}

uint32_t sse_fp_begin(const CPUX86State *env)
{
    uint32_t saved = host_csr_get();
    host_csr_set(sse_host_csr(env));
    return saved;
}

static void sse_fp_flags_staged(CPUX86State *env, uint32_t flags, uint32_t kept);

/* The host flags since sse_fp_begin; the host MXCSR is restored. */
static uint32_t sse_fp_take(uint32_t saved)
{
    uint32_t flags = host_csr_get() & MXCSR_FLAGS;
    host_csr_set(saved);
    return flags;
}

void sse_fp_end(CPUX86State *env, uint32_t saved)
{
    sse_fp_flags(env, sse_fp_take(saved));
}

/* Run a SF_FP row.  With UM unmasked the CPU signals underflow for every
 * tiny result, exact or not, while the masked run we compute with flags UE
 * only for inexact ones: so if the guest unmasks UM and no UE came, the row
 * runs again on a copy with FTZ set, which flags any tiny result (UE only
 * is taken from that run).  An inexact tiny result keeps its PE with the
 * unmasked UE (measured: mulss of 1e-20f by itself with UM clear traps with
 * UE and PE set; an exact tiny one with UE alone).  SF_STAGED rows do all
 * that themselves, stage by stage (a later stage the CPU never reaches must
 * not add its UE).  An instruction that traps leaves EFLAGS as they were
 * (comiss with an unmasked IE or DE), so env->cc is put back before the
 * trap. */
static void sse_fp_run(SseCtx *c)
{
    CPUX86State *env = c->env;
    bool staged = (c->def->flags & SF_STAGED) != 0;
    bool rerun = !(env->mxcsr & 0x800) && !staged;
    uint32_t cc = env->cc;
    SseCtx copy;
    if (rerun)
        copy = *c;
    c->fp_kept = 0;
    uint32_t saved = sse_fp_begin(env);
    c->def->fn(c);
    uint32_t flags = sse_fp_take(saved);
    if (rerun && !(flags & 0x10)) {
        saved = host_csr_get();
        host_csr_set(sse_host_csr(env) | 0x8000);
        copy.def->fn(&copy);
        flags |= sse_fp_take(saved) & 0x10;
    }
    if (flags & ~(env->mxcsr >> MXCSR_MASK_SHIFT) & MXCSR_FLAGS)
        env->cc = cc;
    sse_fp_flags_staged(env, flags, staged ? c->fp_kept : 0);
}

/* si_code for the unmasked exceptions pending in mxcsr, in the order Linux
 * tests them: invalid, divide, overflow, underflow/denormal, precision. */
static int sse_fpe_code(uint32_t mxcsr)
{
    uint32_t err = mxcsr & ~(mxcsr >> MXCSR_MASK_SHIFT) & MXCSR_FLAGS;
    if (err & 0x01)
        return 7; /* FPE_FLTINV */
    if (err & 0x04)
        return 3; /* FPE_FLTDIV */
    if (err & 0x08)
        return 4; /* FPE_FLTOVF */
    if (err & 0x12)
        return 5; /* FPE_FLTUND */
    if (err & 0x20)
        return 6; /* FPE_FLTRES */
    return 0;
}

/* Exceptions the CPU detects before computing (invalid, denormal, divide)
 * stop the instruction when unmasked, and only their flags are set; the
 * others are set with the result's (and then trap if unmasked).  `kept`
 * are the flags of the stages an SF_STAGED instruction completed before
 * the one that stops it: the CPU reports them either way (measured: dpps
 * whose product underflows with UM masked, then whose sum of that denormal
 * product traps on an unmasked DE, reports UE PE DE). */
static void sse_fp_flags_staged(CPUX86State *env, uint32_t flags, uint32_t kept)
{
    uint32_t unmasked = ~(env->mxcsr >> MXCSR_MASK_SHIFT) & MXCSR_FLAGS;
    if (!(flags & unmasked)) {
        env->mxcsr |= flags;
        return;
    }
    uint32_t pre = flags & 0x07;
    env->mxcsr |= kept | ((pre & unmasked) ? pre : flags);
    cpu_raise(env, SIGFPE, sse_fpe_code(env->mxcsr), env->eip);
}

void sse_fp_flags(CPUX86State *env, uint32_t flags)
{
    sse_fp_flags_staged(env, flags, 0);
}

/* ---- the row index ---- */

static const X86SseDef *sse_index[3][256][4];

static int sse_map_of(unsigned opcode)
{
    switch (opcode >> 8) {
    case 0x0f:
        return 0;
    case 0x38:
        return 1;
    case 0x3a:
        return 2;
    }
    return -1;
}

static void sse_index_build(void)
{
    static const X86SseDef *const tables[] = {x86_sse_mov_defs, x86_sse_int_defs, x86_sse_fp_defs,
                                              x86_sse4_defs};
    for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++) {
        for (const X86SseDef *d = tables[t]; d->fn; d++) {
            int map = sse_map_of(d->opcode);
            for (int p = 0; p < 4; p++)
                if (map >= 0 && (d->prefixes >> p) & 1)
                    sse_index[map][d->opcode & 0xff][p] = d;
        }
    }
}

const X86SseDef *x86_sse_find(unsigned opcode, int prefix)
{
    static bool built;
    if (!built) {
        sse_index_build();
        built = true;
    }
    int map = sse_map_of(opcode);
    if (map < 0 || prefix < 0 || prefix > 3)
        return NULL;
    return sse_index[map][opcode & 0xff][prefix];
}

/* ---- the generic helper ---- */

/* Operand descriptors: DESC_* in helper_sse.h. */

static bool desc_is_mmx(uint32_t d)
{
    return DESC_KIND(d) == X86_OP_REG && DESC_CLASS(d) == X86_RC_MMX;
}

static uint32_t gpr_read(const CPUX86State *env, int reg, int size)
{
    if (size == 1)
        return reg < 4 ? env->regs[reg] & 0xff : (env->regs[reg - 4] >> 8) & 0xff;
    return size == 2 ? env->regs[reg] & 0xffff : env->regs[reg];
}

static void gpr_write(CPUX86State *env, int reg, int size, uint32_t v)
{
    if (size == 2)
        env->regs[reg] = (env->regs[reg] & 0xffff0000u) | (v & 0xffff);
    else
        env->regs[reg] = v;
}

/* Read an operand (register of any class, or memory) into *v. */
static void opnd_read(SseCtx *c, uint32_t desc, X86Vec *v)
{
    CPUX86State *env = c->env;
    memset(v, 0, sizeof *v);
    if (DESC_KIND(desc) == X86_OP_MEM) {
        memcpy(v, g2h(c->ea), DESC_SIZE(desc));
        return;
    }
    if (DESC_KIND(desc) != X86_OP_REG)
        return;
    int r = DESC_REG(desc);
    switch (DESC_CLASS(desc)) {
    case X86_RC_XMM:
        *v = env->xmm[r];
        break;
    case X86_RC_MMX:
        v->q[0] = env->fpr[r].mant;
        break;
    case X86_RC_GPR:
        v->d[0] = gpr_read(env, r, DESC_SIZE(desc));
        break;
    }
}

static void opnd_write(SseCtx *c, uint32_t desc, const X86Vec *v)
{
    CPUX86State *env = c->env;
    int r = DESC_REG(desc);
    if (DESC_KIND(desc) == X86_OP_MEM) {
        memcpy(g2h(c->ea), v, DESC_SIZE(desc));
        return;
    }
    switch (DESC_CLASS(desc)) {
    case X86_RC_XMM:
        env->xmm[r] = *v;
        break;
    case X86_RC_MMX:
        env->fpr[r].mant = v->q[0];
        env->fpr[r].sexp = 0xffff;
        break;
    case X86_RC_GPR:
        gpr_write(env, r, DESC_SIZE(desc), v->d[0]);
        break;
    }
}

/* Alignment and page checks for the memory operand, before any change. */
static void opnd_check_mem(SseCtx *c, uint32_t d0, uint32_t d1)
{
    bool dst = DESC_KIND(d0) == X86_OP_MEM, src = DESC_KIND(d1) == X86_OP_MEM;
    if (!dst && !src)
        return;
    uint32_t size = DESC_SIZE(dst ? d0 : d1);
    if (size == 16 && !(c->def->flags & SF_UNALIGNED) && (c->ea & 15))
        cpu_raise(c->env, SIGSEGV, X86_SI_KERNEL, 0);
    if (c->def->flags & SF_OWNMEM)
        return;
    sse_mem_check(c->env, c->ea, size, dst ? PAGE_WRITE : PAGE_READ);
}

/* An MMX instruction (emms too) first delivers a pending unmasked x87
 * exception (#MF), as a waiting x87 instruction would: fsw's exception bits
 * and fcw's masks sit where MXCSR keeps its flags and masks >> 7. */
static void mmx_check_pending(CPUX86State *env)
{
    if (env->fpu_exc_pending)
        cpu_raise(env, SIGFPE,
                  sse_fpe_code((env->fsw & MXCSR_FLAGS) | (uint32_t)(env->fcw & MXCSR_FLAGS)
                                                              << MXCSR_MASK_SHIFT),
                  env->eip);
}

static uint32_t helper_sse(CPUX86State *env, uint32_t key, uint32_t descs, uint32_t ea,
                           uint32_t immreg)
{
    x86_fp_sync(env); /* MXCSR and MMX state may be live in the host */
    const X86SseDef *def = sse_index[key >> 10][(key >> 2) & 0xff][key & 3];
    uint32_t d0 = descs & 0xffff, d1 = descs >> 16;
    SseCtx c = {
        .env = env, .def = def, .ea = ea, .imm = (uint8_t)immreg, .reg = (uint8_t)(immreg >> 8)};
    bool mmx = desc_is_mmx(d0) || desc_is_mmx(d1);
    if (mmx || def->fn == x86_sse_emms)
        mmx_check_pending(env);
    c.width = mmx ? 8 : 16;
    c.src_mem = DESC_KIND(d1) == X86_OP_MEM;
    c.dsize = (uint8_t)DESC_SIZE(d0);
    c.ssize = (uint8_t)DESC_SIZE(d1);
    opnd_check_mem(&c, d0, d1);
    if (DESC_KIND(d0) != X86_OP_MEM)
        opnd_read(&c, d0, &c.d); /* (a memory destination is never read) */
    opnd_read(&c, d1, &c.s);
    if (def->flags & SF_FP)
        sse_fp_run(&c);
    else
        def->fn(&c);
    if (!(def->flags & SF_NOWB) && DESC_KIND(d0) != X86_OP_NONE)
        opnd_write(&c, d0, &c.d);
    if (mmx) {
        env->ftop = 0;
        env->fptag_empty = 0;
    }
    return 0;
}

/* The common shape "xmm <- op(xmm, xmm or memory)" without GPR, MMX or
 * special rows, with the operands pre-decoded by the translator:
 *   regs = dst | src << 8 | (source is memory) << 16 | memory size << 17 */
static uint32_t helper_sse_xx(CPUX86State *env, uint32_t key, uint32_t regs, uint32_t ea,
                              uint32_t imm)
{
    x86_fp_sync(env); /* MXCSR and MMX state may be live in the host */
    const X86SseDef *def = sse_index[key >> 10][(key >> 2) & 0xff][key & 3];
    SseCtx c;
    c.env = env;
    c.def = def;
    c.width = 16;
    c.imm = (uint8_t)imm;
    c.reg = 0;
    c.ea = ea;
    c.dsize = 16;
    c.d = env->xmm[regs & 7];
    c.src_mem = (regs >> 16) & 1;
    if (c.src_mem) {
        uint32_t size = regs >> 17;
        if (size == 16 && !(def->flags & SF_UNALIGNED) && (ea & 15))
            cpu_raise(env, SIGSEGV, X86_SI_KERNEL, 0);
        sse_mem_check(env, ea, size, PAGE_READ);
        memset(&c.s, 0, sizeof c.s);
        memcpy(&c.s, g2h(ea), size);
        c.ssize = (uint8_t)size;
    } else {
        c.s = env->xmm[(regs >> 8) & 7];
        c.ssize = 16;
    }
    if (def->flags & SF_FP)
        sse_fp_run(&c);
    else
        def->fn(&c);
    env->xmm[regs & 7] = c.d;
    return 0;
}

static const IRHelper x86_sse_helpers[3] = {
    {"sse", helper_sse, 4, 0, HF_SYNC | HF_READ_GLOBALS | HF_READ_CC | HF_FP},
    {"sse_full", helper_sse, 4, 0, HF_ALL | HF_FP},
    {"sse_xx", helper_sse_xx, 4, 0, HF_SYNC | HF_READ_GLOBALS | HF_READ_CC | HF_FP},
};

int x86_helper_sse_id(int kind)
{
    static int id[3] = {-1, -1, -1};
    if (id[kind] < 0)
        id[kind] = ir_helper_register(&x86_sse_helpers[kind]);
    return id[kind];
}

int x86_helper_sse_kind(int helper_id)
{
    if (helper_id < 0 || helper_id >= ir_nhelpers)
        return -1;
    /* O(1): the emitter asks this for every call op it compiles */
    uintptr_t h = (uintptr_t)ir_helpers[helper_id], first = (uintptr_t)&x86_sse_helpers[0];
    if (h < first || h >= (uintptr_t)&x86_sse_helpers[3])
        return -1;
    return (int)((h - first) / sizeof(x86_sse_helpers[0]));
}
