/*
 * backend.c - the x86-64 code emitter as a Backend: code buffer, the
 * prologue/epilogue that enter and leave generated code, compile, chaining
 * and recovery of the guest state after a host fault.
 *
 * Code buffer: one RWX mapping, bump-allocated; the prologue and the two
 * epilogues sit at its start and survive flush().  TBs are allocated in
 * increasing address order, so an array of them sorted by host address is
 * kept by appending (tb_index) and searched by fault_state().  Each TB's
 * code is followed by its pc map, packed (see "pc map"), and the buffer is
 * populated CODE_PREFAULT bytes at a time ahead of the code.
 *
 * Entry convention of every TB: guest registers in their host registers
 * (target.h), r14 = env, r15 = guest_base, guest CC in the host flags, host
 * rsp 16-byte aligned.  A chained jump keeps all of that.
 *
 * Return prediction: between entry and exit the host stack below
 * env->shadow_top holds a shadow stack of guest calls (16 bytes each: a
 * host return address into the caller's block), which the prologue starts
 * empty with a sentinel and the epilogues drop (isel.c, "return
 * prediction").  Shared code here: the sentinel and the jump-cache probe
 * that unpredicted returns take.
 */
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>

#include "exec/exec.h"
#include "host/x86_64/isel.h"
#include "host/x86_64/persist.h"
#include "target/x86/cpu.h"
#include "util/prefault.h"

#define CODE_BUF_DEFAULT (64u << 20) /* unless --tb-size says otherwise */
/* Populating 64 KiB of the buffer at a time costs one madvise where a
 * dynamic /bin/true took 67 page faults, and at most 64 KiB of RSS. */
#define CODE_PREFAULT (64u << 10)
#define ENV_OFF(f) ((int)offsetof(CPUX86State, f))

_Static_assert(offsetof(CPUX86State, regs) == 0, "guest regs at env+0 (isel uses g*4)");
_Static_assert(sizeof(((CPUX86State *)0)->spill) / 8 >= X64_NSPILL + 1, "spill slots");

typedef uint32_t (*x64_entry_fn)(CPUX86State *env, void *code);

static uint8_t *code_buf;
static size_t code_buf_size;   /* tb_size_limit, or CODE_BUF_DEFAULT */
static uint8_t *code_ptr;      /* next free byte */
static uint8_t *code_tbs;      /* first byte after the shared code */
static uint8_t *code_populated; /* end of the part of the buffer populated */
static x64_entry_fn x64_prologue;
static const uint8_t *x64_epilogue_cc, *x64_epilogue_nocc;
static const uint8_t *x64_exit_chain[2], *x64_exit_at_pc;
static const uint8_t *x64_probe_shared;
static EmitCtx *emit_ctx;
static pthread_mutex_t x64_lock = PTHREAD_MUTEX_INITIALIZER;

/* TBs by host address */
static TB **tb_index;
static size_t tb_index_n, tb_index_cap;

static void x64_store_guest_regs(CodeBuf *cb)
{
    for (int g = 0; g < 8; g++)
        x64_store32(cb, x64_mem(HOST_REG_ENV, g * 4), host_guest_reg[g]);
}

/* The shared halves of the exit stubs.  A block's stub is a call to one of
 * them followed by its data, 24 or 11 bytes instead of 39 or 21 of stores:
 * the stubs sit between hot code (each chainable exit keeps one for
 * unchaining), and cc1 has ~140k blocks.  The data are the immediates of
 * instructions that never run but keep `-d out_asm` readable:
 *   call exit_chain[k]; mov r11d, pc; mov r11, tb; mov r11b, slot
 *   call exit_at_pc; mov r11d, pc          (CC in the host flags)
 * The callee pops the data address; nothing here touches the host flags
 * (they may hold the guest CC). */
static const uint8_t *x64_gen_exit_stub(CodeBuf *cb, bool chain, const uint8_t *epilogue)
{
    while ((uintptr_t)cb->p & 15)
        x64_byte(cb, 0xcc);
    const uint8_t *start = cb->p;
    x64_pop(cb, X64_R11);
    x64_load32(cb, X64_R10, x64_mem(X64_R11, X64_STUB_PC));
    x64_store32(cb, x64_mem(HOST_REG_ENV, ENV_OFF(eip)), X64_R10);
    if (chain) {
        x64_load64(cb, X64_R10, x64_mem(X64_R11, X64_STUB_TB));
        x64_store64(cb, x64_mem(HOST_REG_ENV, ENV_OFF(exit_tb)), X64_R10);
        x64_rm(cb, OPC_MOVZX_GvEb, X64_R10, x64_mem(X64_R11, X64_STUB_SLOT));
        x64_store32(cb, x64_mem(HOST_REG_ENV, ENV_OFF(exit_slot)), X64_R10);
    }
    x64_store_i32(cb, x64_mem(HOST_REG_ENV, ENV_OFF(exit_reason)), chain ? EXIT_CHAIN : EXIT_NORMAL);
    x64_jmp32(cb, epilogue);
    return start;
}

static void x64_gen_exit_stubs(CodeBuf *cb)
{
    x64_exit_chain[0] = x64_gen_exit_stub(cb, true, x64_epilogue_cc);
    x64_exit_chain[1] = x64_gen_exit_stub(cb, true, x64_epilogue_nocc);
    x64_exit_at_pc = x64_gen_exit_stub(cb, false, x64_epilogue_cc);
}

/* Return prediction (isel.c emit_call_predicted): a guest ret whose
 * shadow-stack entry does not match goes to the jump-cache probe of r8
 * (guest pc, CC in the host flags), and leaves for the exec loop on a
 * miss. */
static void x64_gen_probe_shared(CodeBuf *cb)
{
    while ((uintptr_t)cb->p & 15)
        x64_byte(cb, 0xcc);
    x64_probe_shared = cb->p;
    uint32_t hit[2];
    x64_emit_probe(cb, hit);
    x64_store32(cb, x64_mem(HOST_REG_ENV, ENV_OFF(eip)), X64_R8);
    x64_store_i32(cb, x64_mem(HOST_REG_ENV, ENV_OFF(exit_reason)), EXIT_NORMAL);
    x64_jmp32(cb, x64_epilogue_cc);
    x64_emit_probe_hit(cb, hit, false);
}

/* The shadow stack's sentinel: a ret 8 that found no entry pops it and
 * lands here; its slot below is untouched, so moving rsp back re-arms it. */
static const uint8_t *x64_gen_shadow_sentinel(CodeBuf *cb)
{
    while ((uintptr_t)cb->p & 15)
        x64_byte(cb, 0xcc);
    const uint8_t *start = cb->p;
    x64_rm(cb, OPC_LEA_GvM | P_REXW, X64_RSP, x64_mem(X64_RSP, -16));
    x64_jmp32(cb, x64_probe_shared);
    return start;
}

/* uint32_t prologue(CPUX86State *env, void *code) and the epilogues */
static void x64_gen_shared(void)
{
    static const int saved[] = {X64_RBX, X64_RBP, X64_R12, X64_R13, X64_R14, X64_R15};
    CodeBuf cb = {code_buf, code_buf, code_buf + 4096};
    x64_prologue = (x64_entry_fn)(void *)cb.p;
    for (int i = 0; i < 6; i++)
        x64_push(&cb, saved[i]);
    x64_rr(&cb, 0x83 | P_REXW, ARITH_SUB, X64_RSP); /* sub rsp, 8: rsp 16-aligned */
    x64_byte(&cb, 8);
    x64_mov_rr64(&cb, HOST_REG_ENV, X64_RDI);
    x64_store64(&cb, x64_mem(HOST_REG_ENV, ENV_OFF(host_sp)), X64_RSP);
    /* an empty shadow stack (isel.c, return prediction): rsp = A - 16 with
     * A the 64 KiB boundary at or below rsp, and the sentinel at [A - 16] */
    x64_mov_rr64(&cb, X64_RAX, X64_RSP);
    x64_rr(&cb, OPC_ARITH_EvIz | P_REXW, ARITH_AND, X64_RAX);
    x64_u32(&cb, 0xffff0000u);
    x64_rm(&cb, OPC_LEA_GvM | P_REXW, X64_RSP, x64_mem(X64_RAX, -16));
    x64_byte(&cb, 0x48); /* mov rax, imm64: the sentinel's address, below */
    x64_byte(&cb, 0xb8);
    uint8_t *sentinel_imm = cb.p;
    x64_u64(&cb, 0);
    x64_store64(&cb, x64_mem(X64_RSP, 0), X64_RAX);
    x64_store64(&cb, x64_mem(HOST_REG_ENV, ENV_OFF(shadow_top)), X64_RSP);
    x64_load64(&cb, HOST_REG_GBASE, x64_mem(HOST_REG_ENV, ENV_OFF(guest_base)));
    x64_mov_rr64(&cb, X64_R11, X64_RSI);
    x64_load32(&cb, X64_RAX, x64_mem(HOST_REG_ENV, ENV_OFF(cc)));
    x64_arith_ri(&cb, ARITH_AND, 32, X64_RAX, X86_CC_MASK);
    x64_push(&cb, X64_RAX);
    x64_byte(&cb, 0x9d); /* popfq */
    for (int g = 0; g < 8; g++)
        x64_load32(&cb, host_guest_reg[g], x64_mem(HOST_REG_ENV, g * 4));
    x64_rr(&cb, OPC_GRP5_Ev, GRP5_JMP, X64_R11);

    while ((uintptr_t)cb.p & 15)
        x64_byte(&cb, 0xcc);
    x64_epilogue_nocc = cb.p;
    x64_store_guest_regs(&cb);
    uint32_t to_common = x64_jmp8(&cb);

    while ((uintptr_t)cb.p & 15)
        x64_byte(&cb, 0xcc);
    x64_epilogue_cc = cb.p;
    x64_store_guest_regs(&cb);
    x64_byte(&cb, 0x9c); /* pushfq */
    x64_pop(&cb, X64_R11);
    x64_arith_ri(&cb, ARITH_AND, 32, X64_R11, X86_CC_MASK);
    x64_store32(&cb, x64_mem(HOST_REG_ENV, ENV_OFF(cc)), X64_R11);
    x64_patch8(&cb, to_common, cb.p);
    x64_load64(&cb, X64_RSP, x64_mem(HOST_REG_ENV, ENV_OFF(host_sp)));
    x64_load32(&cb, X64_RAX, x64_mem(HOST_REG_ENV, ENV_OFF(exit_reason)));
    x64_rr(&cb, 0x83 | P_REXW, ARITH_ADD, X64_RSP);
    x64_byte(&cb, 8);
    for (int i = 5; i >= 0; i--)
        x64_pop(&cb, saved[i]);
    x64_byte(&cb, 0xc3);

    x64_gen_exit_stubs(&cb);
    x64_gen_probe_shared(&cb);
    uint64_t sentinel = (uint64_t)(uintptr_t)x64_gen_shadow_sentinel(&cb);
    memcpy(sentinel_imm, &sentinel, 8);
    while ((uintptr_t)cb.p & 15)
        x64_byte(&cb, 0xcc);
    x64_fp_gen_stubs(&cb);
    code_tbs = (uint8_t *)(((uintptr_t)cb.p + 63) & ~(uintptr_t)63);
}

static void x64_init(void)
{
    if (code_buf)
        return;
    code_buf_size = tb_size_limit ? tb_size_limit : CODE_BUF_DEFAULT;
    void *p = mmap(NULL, code_buf_size, PROT_READ | PROT_WRITE | PROT_EXEC,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        perror("xlat: mmap code buffer");
        exit(1);
    }
    code_buf = p;
    code_populated = p;
    x86_fp_spill = x64_fp_spill;
    emit_ctx = calloc(1, sizeof(*emit_ctx));
    if (!emit_ctx)
        abort();
    x64_gen_shared();
    code_ptr = code_tbs;
}

static void tb_index_add(TB *tb)
{
    if (tb_index_n == tb_index_cap) {
        tb_index_cap = tb_index_cap ? tb_index_cap * 2 : 1024;
        tb_index = realloc(tb_index, tb_index_cap * sizeof(*tb_index));
        if (!tb_index)
            abort();
    }
    tb_index[tb_index_n++] = tb;
}

/* ---- pc map ---------------------------------------------------------------
 * The map from host code offsets to guest instructions (TBPcMap, exec.h)
 * is read only after a host fault or for the x87 FIP, so it is kept packed
 * right after the TB's host code, pcmap_size bytes: a python3 start-up's
 * TBs have 4.8 entries of 2.0 bytes (12 bytes an entry, a malloc header
 * and a pointer before: 3 MB of its RSS, now 0.35 MB).  Each entry,
 * relative to the one before (the first to host offset 0 and tb->pc):
 *   byte 0: bit 0 cc_where, bit 1 x87 bytes follow, bit 2 an xmm_dirty byte
 *           follows, bits 3-7 the guest pc delta 0..30, or 31: a 4-byte
 *           guest pc follows
 *   the host offset delta, LEB128 (7 bits a byte, low first)
 *   [guest pc, 4 bytes little-endian] [x87_modrm, x87_seg] [xmm_dirty]
 * Example: entries {0, pc}, {23, pc + 3, CC in env} are 00 00 19 17. */

#define PCMAP_ENTRY_MAX 13 /* 1 + 5 + 4 + 2 + 1 bytes */
#define PCMAP_PC_ESC 31u

static uint8_t *pcmap_put_entry(uint8_t *p, const TBPcMap *e, const TBPcMap *prev)
{
    uint32_t dpc = e->guest_pc - prev->guest_pc, doff = e->host_off - prev->host_off;
    uint8_t head = (uint8_t)((e->cc_where & 1) | (e->x87_modrm ? 2 : 0) | (e->xmm_dirty ? 4 : 0));
    *p++ = (uint8_t)(head | (dpc < PCMAP_PC_ESC ? dpc : PCMAP_PC_ESC) << 3);
    do {
        *p++ = (uint8_t)((doff & 0x7f) | (doff > 0x7f ? 0x80 : 0));
        doff >>= 7;
    } while (doff);
    if (dpc >= PCMAP_PC_ESC) {
        memcpy(p, &e->guest_pc, 4);
        p += 4;
    }
    if (e->x87_modrm) {
        *p++ = e->x87_modrm;
        *p++ = e->x87_seg;
    }
    if (e->xmm_dirty)
        *p++ = e->xmm_dirty;
    return p;
}

/* Pack n entries to dst (which has room for n * PCMAP_ENTRY_MAX bytes);
 * returns the bytes written. */
static size_t pcmap_pack(uint8_t *dst, const TBPcMap *map, uint32_t n, uint32_t pc)
{
    TBPcMap first = {0, pc, 0, 0, 0, 0};
    const TBPcMap *prev = &first;
    uint8_t *p = dst;
    for (const TBPcMap *e = map; e < map + n; prev = e++) {
        uint32_t dpc = e->guest_pc - prev->guest_pc, doff = e->host_off - prev->host_off;
        if (dpc < PCMAP_PC_ESC && doff < 0x80 && !(e->x87_modrm | e->xmm_dirty)) {
            p[0] = (uint8_t)((e->cc_where & 1) | dpc << 3); /* most entries: 2 bytes */
            p[1] = (uint8_t)doff;
            p += 2;
        } else {
            p = pcmap_put_entry(p, e, prev);
        }
    }
    return (size_t)(p - dst);
}

/* Unpack the entry at p over e, the entry before it; returns its end. */
static const uint8_t *pcmap_get_entry(const uint8_t *p, TBPcMap *e)
{
    uint8_t head = *p++;
    uint32_t doff = 0;
    for (int shift = 0;; shift += 7) {
        doff |= (uint32_t)(*p & 0x7f) << shift;
        if (!(*p++ & 0x80))
            break;
    }
    e->host_off += doff;
    e->cc_where = head & 1;
    if ((head >> 3) == PCMAP_PC_ESC) {
        memcpy(&e->guest_pc, p, 4);
        p += 4;
    } else {
        e->guest_pc += head >> 3;
    }
    e->x87_modrm = e->x87_seg = e->xmm_dirty = 0;
    if (head & 2) {
        e->x87_modrm = p[0];
        e->x87_seg = p[1];
        p += 2;
    }
    if (head & 4)
        e->xmm_dirty = *p++;
    return p;
}

/* The entry of tb's map for host code offset off: the last one at or
 * before off (the first one if none is).  False if the map is empty. */
static bool pcmap_lookup(const TB *tb, uint32_t off, TBPcMap *out)
{
    const uint8_t *p = (const uint8_t *)tb->host_code + tb->host_size;
    const uint8_t *end = p + tb->pcmap_size;
    TBPcMap cur = {0, tb->pc, 0, 0, 0, 0};
    if (p == end)
        return false;
    p = pcmap_get_entry(p, &cur);
    *out = cur;
    while (p < end) {
        p = pcmap_get_entry(p, &cur);
        if (cur.host_off > off)
            break;
        *out = cur;
    }
    return true;
}

/* Pack tb's map right after its code at code_ptr (under x64_lock); -1 if
 * the buffer has no room for it. */
static int pcmap_store(TB *tb, const TBPcMap *map, uint32_t n)
{
    uint8_t *at = (uint8_t *)tb->host_code + tb->host_size;
    if ((size_t)(code_buf + code_buf_size - at) < (size_t)n * PCMAP_ENTRY_MAX)
        return -1;
    size_t size = pcmap_pack(at, map, n, tb->pc);
    if (size > UINT16_MAX) { /* cannot be: 1024 IR ops make < 2,100 entries */
        fprintf(stderr, "xlat: pc map of the block at 0x%x too large\n", tb->pc);
        abort();
    }
    tb->pcmap_size = (uint16_t)size;
    code_ptr = at + size;
    return 0;
}

/* Populate the code buffer ahead of code emitted at `start`. */
static void code_populate(const uint8_t *start)
{
    const uint8_t *want = start + 2 * 4096;
    while (code_populated < want && code_populated < code_buf + code_buf_size) {
        size_t n = (size_t)(code_buf + code_buf_size - code_populated);
        n = n < CODE_PREFAULT ? n : CODE_PREFAULT;
        prefault_write(code_populated, n);
        code_populated += n;
    }
}

static int x64_compile(TB *tb, const IRBlock *ir)
{
    x64_init();
    pthread_mutex_lock(&x64_lock);
    EmitCtx *c = emit_ctx;
    uint8_t *start = (uint8_t *)(((uintptr_t)code_ptr + 15) & ~(uintptr_t)15);
    if (start + 4096 > code_buf + code_buf_size) {
        pthread_mutex_unlock(&x64_lock);
        return -1;
    }
    code_populate(start);
    c->cb = (CodeBuf){start, start, code_buf + code_buf_size};
    c->ir = ir;
    c->tb = tb;
    c->epilogue_cc = x64_epilogue_cc;
    c->epilogue_nocc = x64_epilogue_nocc;
    c->exit_chain[0] = x64_exit_chain[0];
    c->exit_chain[1] = x64_exit_chain[1];
    c->exit_at_pc = x64_exit_at_pc;
    c->probe_shared = x64_probe_shared;
    tb->jmp_pc[0] = tb->jmp_pc[1] = ~0u;
    tb->jmp_via_ret = 0;
    tb->jmp_patch[0] = tb->jmp_patch[1] = 0;
    int r = isel_block(c);
    if (r == -2) {
        fprintf(stderr, "xlat: x86-64 emitter cannot compile block at 0x%x (op %d)\n", ir->pc,
                c->cur);
        abort();
    }
    if (r < 0) {
        pthread_mutex_unlock(&x64_lock);
        return -1;
    }
    tb->host_code = start;
    tb->host_size = (uint32_t)(c->cb.p - start);
    if (pcmap_store(tb, c->pcmap, c->npcmap) < 0) {
        pthread_mutex_unlock(&x64_lock);
        return -1;
    }
    tb_index_add(tb);
    pthread_mutex_unlock(&x64_lock);
    return 0;
}

static uint32_t x64_exec(CPUX86State *env, TB *tb)
{
    return x64_prologue(env, tb->host_code);
}

/* A chained jump to a TB at a higher guest pc enters past its exit-request
 * check: any cycle of chained TBs has a jump to a lower or equal pc, which
 * keeps the check (as do goto_ptr and the exec loop), so a guest spinning in
 * chained code still comes back for signals.  Most chained jumps go forward,
 * and the check was 2-5 host instructions of every block entered. */
static void x64_chain(TB *from, int slot, TB *to)
{
    uint8_t *at = (uint8_t *)from->host_code + from->jmp_patch[slot];
    /* between FP TBs, the entries past the fp_enter call (isel_fp.c); not
     * for a return continuation (slot bit in jmp_via_ret): the code that
     * ran before it is the callee's, not from's */
    uint8_t *fp = to && !(from->jmp_via_ret & (1u << slot)) ? x64_fp_chain_target(from, to) : NULL;
    uint8_t *target = !to                ? (uint8_t *)from->host_code + from->jmp_stub[slot]
                      : fp                ? fp
                      : to->pc > from->pc ? (uint8_t *)to->host_fast
                                          : (uint8_t *)to->host_code;
    int32_t rel = (int32_t)(target - (at + 4));
    __atomic_store_n((int32_t *)(void *)at, rel, __ATOMIC_RELEASE);
}

static size_t tb_index_find(uintptr_t host_pc)
{
    size_t lo = 0, hi = tb_index_n;
    while (lo < hi) { /* first TB starting after host_pc */
        size_t mid = (lo + hi) / 2;
        if ((uintptr_t)tb_index[mid]->host_code <= host_pc)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo; /* candidate is lo - 1 */
}

static void x64_free_tb(TB *tb)
{
    pthread_mutex_lock(&x64_lock);
    size_t i = tb_index_find((uintptr_t)tb->host_code);
    if (i > 0 && tb_index[i - 1] == tb) {
        memmove(&tb_index[i - 1], &tb_index[i], (tb_index_n - i) * sizeof(*tb_index));
        tb_index_n--;
    }
    pthread_mutex_unlock(&x64_lock);
}

static void x64_flush(void)
{
    pthread_mutex_lock(&x64_lock);
    code_ptr = code_tbs;
    tb_index_n = 0;
    pthread_mutex_unlock(&x64_lock);
}

/* The TB holding host_pc and its pc map entry, or NULL. */
static TB *x64_tb_of(uintptr_t host_pc, TBPcMap *entry)
{
    if (!code_buf || host_pc < (uintptr_t)code_tbs || host_pc >= (uintptr_t)code_ptr)
        return NULL;
    size_t i = tb_index_find(host_pc);
    if (i == 0)
        return NULL;
    TB *tb = tb_index[i - 1];
    uintptr_t off = host_pc - (uintptr_t)tb->host_code;
    if (off >= tb->host_size || !pcmap_lookup(tb, (uint32_t)off, entry))
        return NULL;
    return tb;
}

/* The entry is unpacked into storage of the calling thread, good until its
 * next call (the x87 FIP lookup copies what it needs at once). */
const TBPcMap *x64_host_pcmap(uintptr_t host_pc)
{
    static __thread TBPcMap e;
    return x64_tb_of(host_pc, &e) ? &e : NULL;
}

/* The same from the low 32 bits of a host pc (x87 fnstenv in 64-bit mode
 * keeps only those): the code buffer spans less than 4 GiB, so at most one
 * of the two candidates lies in it. */
const TBPcMap *x64_host_pcmap32(uint32_t host_pc_lo)
{
    uintptr_t hi = (uintptr_t)code_buf & ~(uintptr_t)0xffffffffu;
    const TBPcMap *e = x64_host_pcmap(hi | host_pc_lo);
    return e ? e : x64_host_pcmap((hi + (1ull << 32)) | host_pc_lo);
}

/* The inline string instructions (isel.c emit_string_inline) run with
 * host addresses in rsi and rdi (rsi only for movs): a fault on one of them
 * takes guest_base back off.  Generated code holds no other a4/a5/aa/ab. */
static void x64_string_regs_fixup(CPUX86State *env, const uint8_t *ip)
{
    while (*ip == 0xf3 || *ip == 0x66)
        ip++;
    bool movs = *ip == 0xa4 || *ip == 0xa5, stos = *ip == 0xaa || *ip == 0xab;
    if (movs)
        env->regs[R_ESI] -= (uint32_t)env->guest_base;
    if (movs || stos)
        env->regs[R_EDI] -= (uint32_t)env->guest_base;
}

static TB *x64_fault_state(CPUX86State *env, ucontext_t *uc, uintptr_t host_pc)
{
    static const int greg[8] = {REG_RAX, REG_RCX, REG_RDX, REG_RBX,
                                REG_R12, REG_RBP, REG_RSI, REG_RDI};
    /* wherever the fault was (generated code or a helper it called), a live
     * guest FP state is now in the kernel's signal frame */
    x64_fp_recover(env, uc->uc_mcontext.fpregs);
    TBPcMap entry, *e = &entry;
    TB *tb = x64_tb_of(host_pc, e);
    if (!tb)
        return NULL;
    greg_t *gr = uc->uc_mcontext.gregs;
    for (int g = 0; g < 8; g++)
        env->regs[g] = (uint32_t)gr[greg[g]];
    x64_string_regs_fixup(env, (const uint8_t *)host_pc);
    env->eip = e->guest_pc;
    if (e->xmm_dirty) /* newer than env->xmm: in the frame's FP image */
        x64_fp_recover_xmm(env, uc->uc_mcontext.fpregs, e->xmm_dirty);
    if (e->cc_where == CCW_HOST)
        env->cc = (uint32_t)gr[REG_EFL] & X86_CC_MASK;
    return tb;
}

/* ---- the persistent translation cache (persist.c, persist.h) ---------- */

const uint8_t *x64_shared_code(uint32_t *len)
{
    x64_init();
    *len = (uint32_t)(code_tbs - code_buf);
    return code_buf;
}

int x64_import(TB *tb, uint32_t size, const TBPcMap *pcmap, uint32_t npcmap,
               bool (*fill)(uint8_t *dst, void *arg), void *arg)
{
    x64_init();
    pthread_mutex_lock(&x64_lock);
    uint8_t *start = (uint8_t *)(((uintptr_t)code_ptr + 15) & ~(uintptr_t)15);
    bool room = start + size + 4096 <= code_buf + code_buf_size;
    if (room)
        code_populate(start); /* as x64_compile: ahead of the code */
    int r = !room ? -1 : fill(start, arg) ? 0 : -2;
    if (r == 0) {
        tb->host_code = start;
        tb->host_size = size;
        r = pcmap_store(tb, pcmap, npcmap); /* rss: the map packed after the code */
        if (r == 0)
            tb_index_add(tb);
    }
    pthread_mutex_unlock(&x64_lock);
    return r;
}

/* tb's pc map unpacked into out (at most max entries); the count, or
 * max + 1 if there are more. */
uint32_t x64_pcmap_entries(const TB *tb, TBPcMap *out, uint32_t max)
{
    const uint8_t *p = (const uint8_t *)tb->host_code + tb->host_size;
    const uint8_t *end = p + tb->pcmap_size;
    TBPcMap cur = {0, tb->pc, 0, 0, 0, 0};
    uint32_t n = 0;
    while (p < end) {
        p = pcmap_get_entry(p, &cur);
        if (n == max)
            return max + 1;
        out[n++] = cur;
    }
    return n;
}

/* ---- end of the persistent cache's piece ------------------------------- */

const Backend backend_x86_64 = {
    .name = "x86_64",
    .init = x64_init,
    .compile = x64_compile,
    .exec = x64_exec,
    .chain = x64_chain,
    .free_tb = x64_free_tb,
    .flush = x64_flush,
    .fault_state = x64_fault_state,
    .attach_env = x64_fp_attach,
};
