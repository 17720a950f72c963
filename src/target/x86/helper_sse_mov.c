/*
 * helper_sse_mov.c - MMX/SSE data movement and shuffles (movaps ... movq,
 * movd, movhlps, unpck*, pshuf*, shufps, pinsrw/pextrw, movmsk*, maskmov*,
 * emms, ldmxcsr/stmxcsr) and the scalar-integer extras that share the
 * 0F-map prefix splits (popcnt, lzcnt, movbe, crc32).
 *
 * Each SseFn reads c->d (the destination's old value) and c->s (the source)
 * and leaves the result in c->d; the generic helper writes it back.  Memory
 * sources arrive zero-extended from their size, so "movss xmm, m32" and
 * "movss xmm, xmm" differ only by c->src_mem.
 * Example: pshufd xmm0, xmm1, 0x1b reverses the dwords of xmm1 into xmm0.
 */
#include <signal.h>
#include <string.h>

#include "linux-user/guest-mem.h"
#include "target/x86/helper_sse.h"
#include "target/x86/translate.h"

static void mov_all(SseCtx *c)
{
    c->d = c->s;
}

/* movss/movsd: a load zero-extends, a register move merges. */
static void mov_lo32(SseCtx *c)
{
    if (c->src_mem)
        c->d = c->s;
    else
        c->d.d[0] = c->s.d[0];
}

static void mov_lo64(SseCtx *c)
{
    if (c->src_mem)
        c->d = c->s;
    else
        c->d.q[0] = c->s.q[0];
}

/* movlps/movlpd xmm, m64 and their stores; movhlps for the register form */
static void mov_lps(SseCtx *c)
{
    c->d.q[0] = c->src_mem ? c->s.q[0] : c->s.q[1];
}

static void mov_store_lo64(SseCtx *c)
{
    c->d.q[0] = c->s.q[0];
}

/* movhps/movhpd xmm, m64 and movlhps */
static void mov_hps(SseCtx *c)
{
    c->d.q[1] = c->s.q[0];
}

static void mov_store_hi64(SseCtx *c)
{
    c->d.q[0] = c->s.q[1];
}

/* movq xmm, xmm/m64; movq xmm/m64, xmm; movq2dq; movdq2q; movd */
static void mov_zx64(SseCtx *c)
{
    c->d.q[0] = c->s.q[0];
    c->d.q[1] = 0;
}

static void mov_zx32(SseCtx *c)
{
    uint32_t v = c->s.d[0];
    memset(&c->d, 0, sizeof c->d);
    c->d.d[0] = v;
}

static void mov_sldup(SseCtx *c)
{
    X86Vec s = c->s;
    c->d.d[0] = c->d.d[1] = s.d[0];
    c->d.d[2] = c->d.d[3] = s.d[2];
}

static void mov_shdup(SseCtx *c)
{
    X86Vec s = c->s;
    c->d.d[0] = c->d.d[1] = s.d[1];
    c->d.d[2] = c->d.d[3] = s.d[3];
}

static void mov_ddup(SseCtx *c)
{
    c->d.q[0] = c->d.q[1] = c->s.q[0];
}

/* unpck{l,h}{ps,pd} and punpck*: interleave the low (hi = 0) or high
 * halves of d and s, element size esize, over the vector width. */
static void sse_unpack(SseCtx *c, int esize, bool hi)
{
    X86Vec r;
    if (esize == 8) { /* unpck{l,h}pd, punpck{l,h}qdq: the common fast case */
        r.q[0] = c->d.q[hi];
        r.q[1] = c->s.q[hi];
        c->d = r;
        return;
    }
    int n = c->width / esize / 2, base = hi ? n : 0;
    for (int i = 0; i < n; i++) {
        sse_set(&r, 2 * i, esize, sse_get(&c->d, base + i, esize));
        sse_set(&r, 2 * i + 1, esize, sse_get(&c->s, base + i, esize));
    }
    if (c->width == 8)
        r.q[1] = 0;
    c->d = r;
}

static void mov_unpackl(SseCtx *c)
{
    sse_unpack(c, c->def->esize, false);
}

static void mov_unpackh(SseCtx *c)
{
    sse_unpack(c, c->def->esize, true);
}

/* pshufw / pshufd: each destination element picks a source element */
static void mov_pshuf(SseCtx *c)
{
    int esize = c->def->esize, n = c->width / esize;
    X86Vec r = {0};
    for (int i = 0; i < n; i++)
        sse_set(&r, i, esize, sse_get(&c->s, (c->imm >> (2 * i)) & 3, esize));
    c->d = r;
}

/* pshuflw (half 0) / pshufhw (half 1): shuffle the words of one half */
static void mov_pshufw_half(SseCtx *c)
{
    int half = c->def->esize; /* row data: which half */
    X86Vec r = c->s;
    for (int i = 0; i < 4; i++)
        r.w[half * 4 + i] = c->s.w[half * 4 + ((c->imm >> (2 * i)) & 3)];
    c->d = r;
}

static void mov_shufps(SseCtx *c)
{
    X86Vec r;
    r.d[0] = c->d.d[c->imm & 3];
    r.d[1] = c->d.d[(c->imm >> 2) & 3];
    r.d[2] = c->s.d[(c->imm >> 4) & 3];
    r.d[3] = c->s.d[(c->imm >> 6) & 3];
    c->d = r;
}

static void mov_shufpd(SseCtx *c)
{
    X86Vec r;
    r.q[0] = c->d.q[c->imm & 1];
    r.q[1] = c->s.q[(c->imm >> 1) & 1];
    c->d = r;
}

static void mov_pinsrw(SseCtx *c)
{
    c->d.w[c->imm & (c->width / 2 - 1)] = c->s.w[0];
}

static void mov_pextrw(SseCtx *c)
{
    uint32_t v = c->s.w[c->imm & (c->width / 2 - 1)];
    c->d.d[0] = v;
}

/* movmskps (esize 4), movmskpd (8), pmovmskb (1): the sign bits */
static void mov_movmsk(SseCtx *c)
{
    int esize = c->def->esize, n = c->width / esize;
    uint32_t m = 0;
    for (int i = 0; i < n; i++)
        m |= (uint32_t)(sse_get(&c->s, i, esize) >> (esize * 8 - 1)) << i;
    c->d.d[0] = m;
}

/* maskmovq / maskmovdqu: store the bytes of d whose mask byte in s has its
 * top bit set, at DS:EDI (c->ea).  Checked byte by byte before writing. */
static void mov_maskmov(SseCtx *c)
{
    for (int i = 0; i < c->width; i++)
        if (c->s.b[i] & 0x80)
            sse_mem_check(c->env, c->ea + (uint32_t)i, 1, PAGE_WRITE);
    for (int i = 0; i < c->width; i++)
        if (c->s.b[i] & 0x80)
            *(uint8_t *)g2h(c->ea + (uint32_t)i) = c->d.b[i];
}

/* emms: every tag empty; the CPU also leaves TOP at 0 (measured: fld1,
 * fld1, emms, fnstenv shows TOP 0) */
void x86_sse_emms(SseCtx *c)
{
    c->env->fptag_empty = 0xff;
    c->env->ftop = 0;
}

/* 0F AE /2 ldmxcsr, /3 stmxcsr (reserved MXCSR bits set -> #GP), /7
 * clflush (no cache to flush; it faults like a one-byte load) */
static void mov_grp15(SseCtx *c)
{
    CPUX86State *env = c->env;
    uint32_t v;
    switch (c->reg) {
    case 2:
        sse_mem_check(env, c->ea, 4, PAGE_READ);
        memcpy(&v, g2h(c->ea), 4);
        if (v & 0xffff0000u)
            cpu_raise(env, SIGSEGV, X86_SI_KERNEL, 0);
        env->mxcsr = v;
        break;
    case 3:
        sse_mem_check(env, c->ea, 4, PAGE_WRITE);
        memcpy(g2h(c->ea), &env->mxcsr, 4);
        break;
    default:
        sse_mem_check(env, c->ea, 1, PAGE_READ);
        break;
    }
}

/* ---- scalar integer extras ---- */

static uint32_t size_mask(int bytes)
{
    return bytes == 4 ? 0xffffffffu : (1u << (bytes * 8)) - 1;
}

/* popcnt: ZF if the source is 0; OF SF AF PF CF cleared */
static void int_popcnt(SseCtx *c)
{
    uint32_t v = c->s.d[0] & size_mask(c->ssize);
    c->d.d[0] = (uint32_t)__builtin_popcount(v);
    c->env->cc = v ? 0 : X86_ZF;
}

/* lzcnt: CF if the source is 0 (result = operand size), ZF if result 0 */
static void int_lzcnt(SseCtx *c)
{
    int bits = c->ssize * 8;
    uint32_t v = c->s.d[0] & size_mask(c->ssize);
    uint32_t n = v ? (uint32_t)(__builtin_clz(v) - (32 - bits)) : (uint32_t)bits;
    c->d.d[0] = n;
    c->env->cc = (c->env->cc & ~(X86_CF | X86_ZF)) | (v ? 0 : X86_CF) | (n ? 0 : X86_ZF);
}

static void int_movbe(SseCtx *c)
{
    uint32_t v = c->s.d[0];
    c->d.d[0] = c->ssize == 2 ? (uint32_t)__builtin_bswap16((uint16_t)v) : __builtin_bswap32(v);
}

/* crc32 (Castagnoli, reflected), source bytes in little-endian order */
static void int_crc32(SseCtx *c)
{
    uint32_t crc = c->d.d[0];
    for (int i = 0; i < c->ssize; i++) {
        crc ^= c->s.b[i];
        for (int k = 0; k < 8; k++)
            crc = (crc >> 1) ^ (0x82f63b78u & (0u - (crc & 1)));
    }
    c->d.d[0] = crc;
}

#define PXALL (PX_NONE | PX_66)

/* Rows leave out trailing fields (zero) on purpose, like the decoder's. */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
/* clang-format off */
const X86SseDef x86_sse_mov_defs[] = {
    {0x0f10, PXALL, "movups", mov_all, SF_UNALIGNED},
    {0x0f10, PX_F3, "movss", mov_lo32},
    {0x0f10, PX_F2, "movsd", mov_lo64},
    {0x0f11, PXALL, "movups", mov_all, SF_UNALIGNED},
    {0x0f11, PX_F3, "movss", mov_lo32},
    {0x0f11, PX_F2, "movsd", mov_lo64},
    {0x0f12, PXALL, "movlps", mov_lps},
    {0x0f12, PX_F3, "movsldup", mov_sldup},
    {0x0f12, PX_F2, "movddup", mov_ddup},
    {0x0f13, PXALL, "movlps", mov_store_lo64},
    {0x0f14, PX_NONE, "unpcklps", mov_unpackl, 0, 4},
    {0x0f14, PX_66, "unpcklpd", mov_unpackl, 0, 8},
    {0x0f15, PX_NONE, "unpckhps", mov_unpackh, 0, 4},
    {0x0f15, PX_66, "unpckhpd", mov_unpackh, 0, 8},
    {0x0f16, PXALL, "movhps", mov_hps},
    {0x0f16, PX_F3, "movshdup", mov_shdup},
    {0x0f17, PXALL, "movhps", mov_store_hi64},
    {0x0f28, PXALL, "movaps", mov_all},
    {0x0f29, PXALL, "movaps", mov_all},
    {0x0f2b, PXALL, "movntps", mov_all},
    {0x0f50, PX_NONE, "movmskps", mov_movmsk, SF_GPR, 4},
    {0x0f50, PX_66, "movmskpd", mov_movmsk, SF_GPR, 8},
    {0x0f60, PXALL, "punpcklbw", mov_unpackl, 0, 1},
    {0x0f61, PXALL, "punpcklwd", mov_unpackl, 0, 2},
    {0x0f62, PXALL, "punpckldq", mov_unpackl, 0, 4},
    {0x0f68, PXALL, "punpckhbw", mov_unpackh, 0, 1},
    {0x0f69, PXALL, "punpckhwd", mov_unpackh, 0, 2},
    {0x0f6a, PXALL, "punpckhdq", mov_unpackh, 0, 4},
    {0x0f6c, PX_66, "punpcklqdq", mov_unpackl, 0, 8},
    {0x0f6d, PX_66, "punpckhqdq", mov_unpackh, 0, 8},
    {0x0f6e, PXALL, "movd", mov_zx32},
    {0x0f6f, PXALL, "movq", mov_all},
    {0x0f6f, PX_F3, "movdqu", mov_all, SF_UNALIGNED},
    {0x0f70, PX_NONE, "pshufw", mov_pshuf, 0, 2},
    {0x0f70, PX_66, "pshufd", mov_pshuf, 0, 4},
    {0x0f70, PX_F3, "pshufhw", mov_pshufw_half, 0, 1},
    {0x0f70, PX_F2, "pshuflw", mov_pshufw_half, 0, 0},
    {0x0f77, PX_NONE, "emms", x86_sse_emms},
    {0x0f7e, PXALL, "movd", mov_zx32, SF_GPR},
    {0x0f7e, PX_F3, "movq", mov_zx64},
    {0x0f7f, PXALL, "movq", mov_all},
    {0x0f7f, PX_F3, "movdqu", mov_all, SF_UNALIGNED},
    {0x0fae, PX_NONE, "ldmxcsr/stmxcsr/clflush", mov_grp15, SF_NOWB | SF_OWNMEM},
    {0x0fb8, PX_F3, "popcnt", int_popcnt, SF_GPR},
    {0x0fbd, PX_F3, "lzcnt", int_lzcnt, SF_GPR},
    {0x0fc3, PX_NONE, "movnti", mov_all},
    {0x0fc4, PXALL, "pinsrw", mov_pinsrw},
    {0x0fc5, PXALL, "pextrw", mov_pextrw, SF_GPR},
    {0x0fc6, PX_NONE, "shufps", mov_shufps},
    {0x0fc6, PX_66, "shufpd", mov_shufpd},
    {0x0fd6, PX_66 | PX_F3 | PX_F2, "movq", mov_zx64},
    {0x0fd7, PXALL, "pmovmskb", mov_movmsk, SF_GPR, 1},
    {0x0fe7, PXALL, "movntq", mov_all},
    {0x0ff0, PX_F2, "lddqu", mov_all, SF_UNALIGNED},
    {0x0ff7, PXALL, "maskmovq", mov_maskmov, SF_NOWB | SF_OWNMEM},
    {0x38f0, PXALL, "movbe", int_movbe, SF_GPR},
    {0x38f1, PXALL, "movbe", int_movbe, SF_GPR},
    {0x38f0, PX_F2, "crc32", int_crc32, SF_GPR},
    {0x38f1, PX_F2, "crc32", int_crc32, SF_GPR},
    {0},
};
/* clang-format on */
