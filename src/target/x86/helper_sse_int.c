/*
 * helper_sse_int.c - MMX/SSE2/SSSE3 packed integer arithmetic, as tables of
 * element functions: one row names the element function and element size,
 * and sse_pint() applies it lane by lane over 8 (MMX) or 16 (XMM) bytes.
 * Families that do not fit one lane at a time (packs, shifts by a vector
 * count, pmaddwd, psadbw, horizontal adds, pshufb ...) have their own SseFn.
 *
 * Invariant: element functions get zero-extended lanes of `bits` bits and
 * return the lane result (extra high bits are dropped by sse_set).
 * Example: paddusb lane 0xf0 + 0x20 -> e_addus(0xf0, 0x20, 8) = 0xff.
 */
#include "target/x86/helper_sse.h"

static int64_t sx(uint64_t v, int bits)
{
    return bits == 64 ? (int64_t)v : (int64_t)(v << (64 - bits)) >> (64 - bits);
}

static uint64_t lane_mask(int bits)
{
    return bits == 64 ? ~0ull : (1ull << bits) - 1;
}

/* ---- element functions ---- */

static uint64_t e_add(uint64_t a, uint64_t b, int bits)
{
    return a + b;
}
static uint64_t e_sub(uint64_t a, uint64_t b, int bits)
{
    return a - b;
}
static uint64_t e_adds(uint64_t a, uint64_t b, int bits)
{
    return (uint64_t)sse_sat(sx(a, bits) + sx(b, bits), bits, true);
}
static uint64_t e_subs(uint64_t a, uint64_t b, int bits)
{
    return (uint64_t)sse_sat(sx(a, bits) - sx(b, bits), bits, true);
}
static uint64_t e_addus(uint64_t a, uint64_t b, int bits)
{
    return (uint64_t)sse_sat((int64_t)(a + b), bits, false);
}
static uint64_t e_subus(uint64_t a, uint64_t b, int bits)
{
    return a > b ? a - b : 0;
}
static uint64_t e_mullo(uint64_t a, uint64_t b, int bits)
{
    return a * b;
}
static uint64_t e_mulhi(uint64_t a, uint64_t b, int bits)
{
    return (uint64_t)((sx(a, bits) * sx(b, bits)) >> bits);
}
static uint64_t e_mulhu(uint64_t a, uint64_t b, int bits)
{
    return (a * b) >> bits;
}
static uint64_t e_mulhrs(uint64_t a, uint64_t b, int bits)
{
    return (uint64_t)((((sx(a, bits) * sx(b, bits)) >> 14) + 1) >> 1);
}
static uint64_t e_cmpeq(uint64_t a, uint64_t b, int bits)
{
    return a == b ? ~0ull : 0;
}
static uint64_t e_cmpgt(uint64_t a, uint64_t b, int bits)
{
    return sx(a, bits) > sx(b, bits) ? ~0ull : 0;
}
static uint64_t e_mins(uint64_t a, uint64_t b, int bits)
{
    return sx(a, bits) < sx(b, bits) ? a : b;
}
static uint64_t e_maxs(uint64_t a, uint64_t b, int bits)
{
    return sx(a, bits) > sx(b, bits) ? a : b;
}
static uint64_t e_minu(uint64_t a, uint64_t b, int bits)
{
    return a < b ? a : b;
}
static uint64_t e_maxu(uint64_t a, uint64_t b, int bits)
{
    return a > b ? a : b;
}
static uint64_t e_avg(uint64_t a, uint64_t b, int bits)
{
    return (a + b + 1) >> 1;
}
static uint64_t e_and(uint64_t a, uint64_t b, int bits)
{
    return a & b;
}
static uint64_t e_andn(uint64_t a, uint64_t b, int bits)
{
    return ~a & b;
}
static uint64_t e_or(uint64_t a, uint64_t b, int bits)
{
    return a | b;
}
static uint64_t e_xor(uint64_t a, uint64_t b, int bits)
{
    return a ^ b;
}
static uint64_t e_sign(uint64_t a, uint64_t b, int bits)
{
    int64_t s = sx(b, bits);
    return s < 0 ? (uint64_t)-sx(a, bits) : s == 0 ? 0 : a;
}
static uint64_t e_abs(uint64_t a, uint64_t b, int bits)
{
    int64_t s = sx(b, bits);
    return (uint64_t)(s < 0 ? -s : s);
}
/* pmuludq / pmuldq: full products of the even dword lanes (esize 8) */
static uint64_t e_muludq(uint64_t a, uint64_t b, int bits)
{
    return (a & 0xffffffffu) * (b & 0xffffffffu);
}
static uint64_t e_muldq(uint64_t a, uint64_t b, int bits)
{
    return (uint64_t)((int64_t)(int32_t)a * (int64_t)(int32_t)b);
}

/* ---- lane-wise families ---- */

static void sse_pint(SseCtx *c)
{
    int esize = c->def->esize, bits = esize * 8;
    for (int i = 0; i < c->width / esize; i++)
        sse_set(&c->d, i, esize,
                c->def->ef(sse_get(&c->d, i, esize), sse_get(&c->s, i, esize), bits) &
                    lane_mask(bits));
}

/* shifts by the low 64 bits of the source (register or memory) or by
 * imm8 (groups 12-14): counts beyond the lane give 0 (sign for psra) */
static void sse_shift_by(SseCtx *c, uint64_t count, int kind)
{
    int esize = c->def->esize, bits = esize * 8;
    for (int i = 0; i < c->width / esize; i++) {
        uint64_t v = sse_get(&c->d, i, esize), r;
        if (kind == 0) /* srl */
            r = count >= (uint64_t)bits ? 0 : v >> count;
        else if (kind == 1) /* sra */
            r = (uint64_t)(sx(v, bits) >> (count >= (uint64_t)bits ? bits - 1 : (int)count));
        else /* sll */
            r = count >= (uint64_t)bits ? 0 : v << count;
        sse_set(&c->d, i, esize, r & lane_mask(bits));
    }
}

static void sse_psrl(SseCtx *c)
{
    sse_shift_by(c, c->s.q[0], 0);
}
static void sse_psra(SseCtx *c)
{
    sse_shift_by(c, c->s.q[0], 1);
}
static void sse_psll(SseCtx *c)
{
    sse_shift_by(c, c->s.q[0], 2);
}

/* psrldq / pslldq: whole-register byte shifts */
static void sse_byteshift(SseCtx *c, bool left)
{
    X86Vec r = {0};
    int n = c->imm > 16 ? 16 : c->imm;
    for (int i = 0; i < 16; i++) {
        int from = left ? i - n : i + n;
        if (from >= 0 && from < 16)
            r.b[i] = c->d.b[from];
    }
    c->d = r;
}

/* groups 12-14 (0F 71-73): the operation is in ModRM.reg */
static void sse_shift_imm(SseCtx *c)
{
    switch (c->reg) {
    case 2:
        sse_shift_by(c, c->imm, 0);
        break;
    case 3:
        sse_byteshift(c, false);
        break;
    case 4:
        sse_shift_by(c, c->imm, 1);
        break;
    case 6:
        sse_shift_by(c, c->imm, 2);
        break;
    case 7:
        sse_byteshift(c, true);
        break;
    }
}

/* packsswb / packssdw / packuswb / packusdw: narrow d then s, saturating */
static void sse_pack(SseCtx *c, bool is_signed)
{
    int esize = c->def->esize, n = c->width / esize; /* source lanes per operand */
    X86Vec r = {0};
    for (int i = 0; i < 2 * n; i++) {
        const X86Vec *v = i < n ? &c->d : &c->s;
        int64_t x = sx(sse_get(v, i % n, esize), esize * 8);
        sse_set(&r, i, esize / 2, (uint64_t)sse_sat(x, esize * 4, is_signed));
    }
    c->d = r;
}

static void sse_packss(SseCtx *c)
{
    sse_pack(c, true);
}
static void sse_packus(SseCtx *c)
{
    sse_pack(c, false);
}

static void sse_pmaddwd(SseCtx *c)
{
    X86Vec r = {0};
    for (int i = 0; i < c->width / 4; i++) {
        int32_t p0 = (int16_t)c->d.w[2 * i] * (int16_t)c->s.w[2 * i];
        int32_t p1 = (int16_t)c->d.w[2 * i + 1] * (int16_t)c->s.w[2 * i + 1];
        r.d[i] = (uint32_t)p0 + (uint32_t)p1;
    }
    c->d = r;
}

/* pmaddubsw: unsigned bytes of d times signed bytes of s, pairs summed */
static void sse_pmaddubsw(SseCtx *c)
{
    X86Vec r = {0};
    for (int i = 0; i < c->width / 2; i++) {
        int32_t v =
            c->d.b[2 * i] * (int8_t)c->s.b[2 * i] + c->d.b[2 * i + 1] * (int8_t)c->s.b[2 * i + 1];
        r.w[i] = (uint16_t)sse_sat(v, 16, true);
    }
    c->d = r;
}

static void sse_psadbw(SseCtx *c)
{
    X86Vec r = {0};
    for (int q = 0; q < c->width / 8; q++) {
        uint32_t sum = 0;
        for (int i = 0; i < 8; i++) {
            int diff = c->d.b[8 * q + i] - c->s.b[8 * q + i];
            sum += (uint32_t)(diff < 0 ? -diff : diff);
        }
        r.q[q] = sum;
    }
    c->d = r;
}

/* pmuludq/pmuldq: even dword lanes only */
static void sse_pmul_even(SseCtx *c)
{
    for (int i = 0; i < c->width / 8; i++)
        c->d.q[i] = c->def->ef(c->d.q[i], c->s.q[i], 32);
}

/* phadd* / phsub*: pairs of d, then pairs of s */
static void sse_phorizontal(SseCtx *c)
{
    int esize = c->def->esize, n = c->width / esize, bits = esize * 8;
    X86Vec r = {0};
    for (int i = 0; i < n; i++) {
        const X86Vec *v = i < n / 2 ? &c->d : &c->s;
        int j = (i % (n / 2)) * 2;
        uint64_t x = c->def->ef(sse_get(v, j, esize), sse_get(v, j + 1, esize), bits);
        sse_set(&r, i, esize, x & lane_mask(bits));
    }
    c->d = r;
}

static void sse_pshufb(SseCtx *c)
{
    X86Vec r = {0};
    int mask = c->width - 1;
    for (int i = 0; i < c->width; i++)
        r.b[i] = (c->s.b[i] & 0x80) ? 0 : c->d.b[c->s.b[i] & mask];
    c->d = r;
}

/* palignr: (d:s) >> imm bytes, low width bytes */
static void sse_palignr(SseCtx *c)
{
    uint8_t cat[32] = {0};
    int w = c->width;
    for (int i = 0; i < w; i++) {
        cat[i] = c->s.b[i];
        cat[w + i] = c->d.b[i];
    }
    X86Vec r = {0};
    for (int i = 0; i < w; i++)
        r.b[i] = (c->imm + i < 2 * w) ? cat[c->imm + i] : 0;
    c->d = r;
}

#define PXALL (PX_NONE | PX_66)

/* Rows leave out trailing fields (zero) on purpose, like the decoder's. */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
/* clang-format off */
const X86SseDef x86_sse_int_defs[] = {
    {0x0f63, PXALL, "packsswb", sse_packss, 0, 2},
    {0x0f64, PXALL, "pcmpgtb", sse_pint, 0, 1, e_cmpgt},
    {0x0f65, PXALL, "pcmpgtw", sse_pint, 0, 2, e_cmpgt},
    {0x0f66, PXALL, "pcmpgtd", sse_pint, 0, 4, e_cmpgt},
    {0x0f67, PXALL, "packuswb", sse_packus, 0, 2},
    {0x0f6b, PXALL, "packssdw", sse_packss, 0, 4},
    {0x0f71, PXALL, "psxw", sse_shift_imm, 0, 2},
    {0x0f72, PXALL, "psxd", sse_shift_imm, 0, 4},
    {0x0f73, PXALL, "psxq", sse_shift_imm, 0, 8},
    {0x0f74, PXALL, "pcmpeqb", sse_pint, 0, 1, e_cmpeq},
    {0x0f75, PXALL, "pcmpeqw", sse_pint, 0, 2, e_cmpeq},
    {0x0f76, PXALL, "pcmpeqd", sse_pint, 0, 4, e_cmpeq},
    {0x0fd1, PXALL, "psrlw", sse_psrl, 0, 2},
    {0x0fd2, PXALL, "psrld", sse_psrl, 0, 4},
    {0x0fd3, PXALL, "psrlq", sse_psrl, 0, 8},
    {0x0fd4, PXALL, "paddq", sse_pint, 0, 8, e_add},
    {0x0fd5, PXALL, "pmullw", sse_pint, 0, 2, e_mullo},
    {0x0fd8, PXALL, "psubusb", sse_pint, 0, 1, e_subus},
    {0x0fd9, PXALL, "psubusw", sse_pint, 0, 2, e_subus},
    {0x0fda, PXALL, "pminub", sse_pint, 0, 1, e_minu},
    {0x0fdb, PXALL, "pand", sse_pint, 0, 8, e_and},
    {0x0fdc, PXALL, "paddusb", sse_pint, 0, 1, e_addus},
    {0x0fdd, PXALL, "paddusw", sse_pint, 0, 2, e_addus},
    {0x0fde, PXALL, "pmaxub", sse_pint, 0, 1, e_maxu},
    {0x0fdf, PXALL, "pandn", sse_pint, 0, 8, e_andn},
    {0x0fe0, PXALL, "pavgb", sse_pint, 0, 1, e_avg},
    {0x0fe1, PXALL, "psraw", sse_psra, 0, 2},
    {0x0fe2, PXALL, "psrad", sse_psra, 0, 4},
    {0x0fe3, PXALL, "pavgw", sse_pint, 0, 2, e_avg},
    {0x0fe4, PXALL, "pmulhuw", sse_pint, 0, 2, e_mulhu},
    {0x0fe5, PXALL, "pmulhw", sse_pint, 0, 2, e_mulhi},
    {0x0fe8, PXALL, "psubsb", sse_pint, 0, 1, e_subs},
    {0x0fe9, PXALL, "psubsw", sse_pint, 0, 2, e_subs},
    {0x0fea, PXALL, "pminsw", sse_pint, 0, 2, e_mins},
    {0x0feb, PXALL, "por", sse_pint, 0, 8, e_or},
    {0x0fec, PXALL, "paddsb", sse_pint, 0, 1, e_adds},
    {0x0fed, PXALL, "paddsw", sse_pint, 0, 2, e_adds},
    {0x0fee, PXALL, "pmaxsw", sse_pint, 0, 2, e_maxs},
    {0x0fef, PXALL, "pxor", sse_pint, 0, 8, e_xor},
    {0x0ff1, PXALL, "psllw", sse_psll, 0, 2},
    {0x0ff2, PXALL, "pslld", sse_psll, 0, 4},
    {0x0ff3, PXALL, "psllq", sse_psll, 0, 8},
    {0x0ff4, PXALL, "pmuludq", sse_pmul_even, 0, 8, e_muludq},
    {0x0ff5, PXALL, "pmaddwd", sse_pmaddwd},
    {0x0ff6, PXALL, "psadbw", sse_psadbw},
    {0x0ff8, PXALL, "psubb", sse_pint, 0, 1, e_sub},
    {0x0ff9, PXALL, "psubw", sse_pint, 0, 2, e_sub},
    {0x0ffa, PXALL, "psubd", sse_pint, 0, 4, e_sub},
    {0x0ffb, PXALL, "psubq", sse_pint, 0, 8, e_sub},
    {0x0ffc, PXALL, "paddb", sse_pint, 0, 1, e_add},
    {0x0ffd, PXALL, "paddw", sse_pint, 0, 2, e_add},
    {0x0ffe, PXALL, "paddd", sse_pint, 0, 4, e_add},
    /* SSSE3 */
    {0x3800, PXALL, "pshufb", sse_pshufb},
    {0x3801, PXALL, "phaddw", sse_phorizontal, 0, 2, e_add},
    {0x3802, PXALL, "phaddd", sse_phorizontal, 0, 4, e_add},
    {0x3803, PXALL, "phaddsw", sse_phorizontal, 0, 2, e_adds},
    {0x3804, PXALL, "pmaddubsw", sse_pmaddubsw},
    {0x3805, PXALL, "phsubw", sse_phorizontal, 0, 2, e_sub},
    {0x3806, PXALL, "phsubd", sse_phorizontal, 0, 4, e_sub},
    {0x3807, PXALL, "phsubsw", sse_phorizontal, 0, 2, e_subs},
    {0x3808, PXALL, "psignb", sse_pint, 0, 1, e_sign},
    {0x3809, PXALL, "psignw", sse_pint, 0, 2, e_sign},
    {0x380a, PXALL, "psignd", sse_pint, 0, 4, e_sign},
    {0x380b, PXALL, "pmulhrsw", sse_pint, 0, 2, e_mulhrs},
    {0x381c, PXALL, "pabsb", sse_pint, 0, 1, e_abs},
    {0x381d, PXALL, "pabsw", sse_pint, 0, 2, e_abs},
    {0x381e, PXALL, "pabsd", sse_pint, 0, 4, e_abs},
    {0x3a0f, PXALL, "palignr", sse_palignr},
    /* SSE4.1 integer */
    {0x3828, PX_66, "pmuldq", sse_pmul_even, 0, 8, e_muldq},
    {0x3829, PX_66, "pcmpeqq", sse_pint, 0, 8, e_cmpeq},
    {0x382b, PX_66, "packusdw", sse_packus, 0, 4},
    {0x3837, PX_66, "pcmpgtq", sse_pint, 0, 8, e_cmpgt},
    {0x3838, PX_66, "pminsb", sse_pint, 0, 1, e_mins},
    {0x3839, PX_66, "pminsd", sse_pint, 0, 4, e_mins},
    {0x383a, PX_66, "pminuw", sse_pint, 0, 2, e_minu},
    {0x383b, PX_66, "pminud", sse_pint, 0, 4, e_minu},
    {0x383c, PX_66, "pmaxsb", sse_pint, 0, 1, e_maxs},
    {0x383d, PX_66, "pmaxsd", sse_pint, 0, 4, e_maxs},
    {0x383e, PX_66, "pmaxuw", sse_pint, 0, 2, e_maxu},
    {0x383f, PX_66, "pmaxud", sse_pint, 0, 4, e_maxu},
    {0x3840, PX_66, "pmulld", sse_pint, 0, 4, e_mullo},
    {0},
};
/* clang-format on */
