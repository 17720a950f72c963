/*
 * test-randseq.c - random integer instruction sequences, checked against the
 * real CPU.  The program is its own oracle harness: it generates sequences
 * from a seed with an encoder table of its own, writes each into an RWX
 * buffer between a prologue (load every register and EFLAGS from random
 * values) and an epilogue (store them back), runs it, and prints one line
 * per sequence: registers, EFLAGS, a hash of the memory the code can touch.
 * The same binary runs natively and under xlat-i386; the lines must match.
 *
 * Invariants of the generated code:
 *  - ESP points into stk[] and EBP into scratch[]; no instruction writes
 *    either (they are the bases of every memory operand), so all addresses
 *    stay inside the two static arrays and print the same everywhere;
 *  - a sequence is a list of UNITS: one instruction plus the guard
 *    instructions it needs (divisor set up so div cannot fault, CL bounded
 *    for 16-bit shld, ESI/EDI/ECX set before a string op, ...).  Shrinking a
 *    sequence removes whole units;
 *  - flags the Intel SDM calls undefined never reach a reader: each unit
 *    records the flags it reads, defines (kill) and leaves undefined (gen);
 *    a reader of an undefined flag gets a "cmp r32, imm32" in its unit
 *    first, and the final EFLAGS print masks flags still undefined;
 *  - with --x87 the prologue loads a random x87 state (frstor: edge values,
 *    random TOP, tags, precision and rounding) and the epilogue saves it
 *    (fnsave); the line adds control, status and tag words and a hash of
 *    the image (FIP/FOP/FDP only while ES is set, never FCS/FDS: see
 *    mask_x87_image).  With --ssefp, xmm0-7 start with float edge values and
 *    MXCSR with a random rounding mode, DAZ and FTZ; the line adds MXCSR and
 *    a hash of xmm0-7.  At a fault, the same fields come from the signal
 *    frame's FP state.  Exceptions stay masked except in an occasional
 *    initial state, whose SIGFPE is compared like any fault.
 *
 * Command line (run in order):
 *   --sse             also generate SSE2 integer instructions (tmpl_sse) and
 *                     compare xmm0-7; must come first
 *   --x87             also generate x87 instructions (tmpl_x87); first too
 *   --ssefp           also generate SSE/SSE2/SSE3/SSE4.1 floating-point
 *                     instructions (tmpl_ssefp); first too.  Tables combine:
 *                     each unit is integer or one of the enabled tables
 *   --no-transc       leave out fsin ... fyl2xp1 (for --fpu=soft runs)
 *   --replay FILE     replay each "SEED UNIT..." line of FILE (# comments)
 *   --line "SEED UNIT..."   replay one line
 *   --seed S --count N      run generated sequences S .. S+N-1
 *   --dump S          print the replay line of generated sequence S
 * A --line run prints more: the initial x87 status and tag words, the x87
 * registers and xmm0-7 in full, and the memory words that changed.
 * A UNIT is hex bytes, optionally ":read:kill:gen" flag masks in hex, e.g.
 *   "7 b103660fa5c3:0:8d5:810" (seed 7; mov cl,3; shld bx,ax,cl).
 */
// args: --replay "$XLAT_SRCDIR/tests/fuzz/randseq/regressions.txt" --seed 1 --count 3000
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>

#include "guest.h"

/* ---- state the generated code sees ---------------------------------------- */

#define SCRATCH_SIZE 1024
#define STACK_SIZE 4096
#define EBP_OFF 384  /* EBP = scratch + EBP_OFF */
#define ESP_OFF 2048 /* ESP = stk + ESP_OFF at sequence start */
#define MAX_DEPTH 192 /* bytes a sequence may push or pop, net */

/* Fixed addresses (mapped in setup()), so that saved regression lines,
 * which hold absolute addresses, survive a rebuild of this program. */
#define scratch ((uint8_t *)0x30000000)
#define stk ((uint8_t *)0x30002000)
#define RO_PAGE 0x30008000u /* mapped read-only: stores there fault */
static struct { uint32_t r[8], fl; } rin, rout;
static uint32_t saved_esp;
static uint8_t xin[128] __attribute__((aligned(16))), xout[128] __attribute__((aligned(16)));

#define A32(p) ((uint32_t)(uintptr_t)(p))
#define EBP_VAL (A32(scratch) + EBP_OFF)
#define ESP_VAL (A32(stk) + ESP_OFF)

/* Status flags, in EFLAGS bit positions */
enum { FC = 0x1, FP = 0x4, FA = 0x10, FZ = 0x40, FS = 0x80, FO = 0x800, FALL = 0x8d5 };
#define F_DFLAG 0x400u

/* ---- units and sequences --------------------------------------------------- */

#define UNIT_MAX 160
#define SEQ_MAX 40

typedef struct Unit {
    uint8_t len;
    uint8_t b[UNIT_MAX];
    uint16_t read, kill, gen; /* flag effect relative to the unit's start */
} Unit;

typedef struct Seq {
    uint32_t seed;
    int n;
    Unit u[SEQ_MAX];
} Seq;

/* Generator state: the unit being written and what is known so far. */
typedef struct Gen {
    uint32_t rng;
    uint32_t undef; /* flags undefined at this point */
    int depth;      /* bytes pushed (net) since the sequence start */
    Unit *u;
    unsigned ninsn; /* instructions emitted (guards included) */
} Gen;

static uint32_t mix32(uint32_t x)
{
    x ^= x >> 16;
    x *= 0x7feb352dU;
    x ^= x >> 15;
    x *= 0x846ca68bU;
    x ^= x >> 16;
    return x ? x : 1;
}

static uint32_t rnd(Gen *g)
{
    uint32_t x = g->rng;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return g->rng = x;
}

static uint32_t rn(Gen *g, uint32_t n)
{
    return rnd(g) % n;
}

/* A value worth testing: edge cases a quarter of the time. */
static uint32_t rnd_val(Gen *g)
{
    static const uint32_t edge[] = {0,       1,          2,          0xffffffff, 0x7f,
                                    0x80,    0xff,       0x100,      0x7fff,     0x8000,
                                    0xffff,  0x10000,    0x7fffffff, 0x80000000, 0x80000001,
                                    31,      32,         33,         16,         17,
                                    8,       9,          0xfffffffe, 0x0f0f0f0f, 0x99};
    switch (rn(g, 8)) {
    case 0:
    case 1:
        return edge[rn(g, sizeof edge / sizeof edge[0])];
    case 2:
        return rn(g, 64);
    case 3:
        return -rn(g, 64);
    default:
        return rnd(g);
    }
}

static uint32_t rnd_count(Gen *g)
{
    static const uint8_t c[] = {0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 255};
    return rn(g, 3) ? c[rn(g, sizeof c)] : rn(g, 256);
}

/* ---- byte emission ---------------------------------------------------------- */

static void eb(Gen *g, uint32_t b)
{
    if (g->u->len < UNIT_MAX)
        g->u->b[g->u->len++] = (uint8_t)b;
}

static void ew(Gen *g, uint32_t v)
{
    eb(g, v);
    eb(g, v >> 8);
}

static void ed(Gen *g, uint32_t v)
{
    ew(g, v);
    ew(g, v >> 16);
}

static void eimm(Gen *g, uint32_t v, int size)
{
    if (size == 1)
        eb(g, v);
    else if (size == 2)
        ew(g, v);
    else
        ed(g, v);
}

/* Flag effect of the instruction just emitted (see Unit). */
static void fx(Gen *g, uint32_t read, uint32_t kill, uint32_t gen)
{
    Unit *u = g->u;
    u->read |= read & ~(u->kill | u->gen);
    u->gen = (u->gen & ~kill) | gen;
    u->kill |= kill;
    g->undef = (g->undef & ~kill) | gen;
}

/* Before a flag reader: make the flags it reads defined. */
static void need_flags(Gen *g, uint32_t mask)
{
    if (!(g->undef & mask))
        return;
    g->ninsn++;
    eb(g, 0x81); /* cmp r32, imm32 */
    eb(g, 0xf8 | rn(g, 8));
    ed(g, rnd_val(g));
    fx(g, 0, FALL, 0);
}

static uint32_t cond_reads(int cc)
{
    static const uint16_t r[8] = {FO, FC, FZ, FC | FZ, FS, FP, FS | FO, FZ | FS | FO};
    return r[(cc >> 1) & 7];
}

/* ---- operands ------------------------------------------------------------- */

/* A register that may be written: never ESP (4) or EBP (5), except as the
 * byte registers AH and CH, which are numbers 4 and 5 at size 1. */
static int dreg(Gen *g, int size)
{
    static const uint8_t ok[6] = {0, 1, 2, 3, 6, 7};
    return size == 1 ? (int)rn(g, 8) : ok[rn(g, 6)];
}

/* A memory operand as ModRM(+SIB)(+disp) bytes with reg field 0, so the
 * same address can be emitted twice (a guard store, then the instruction). */
typedef struct Addr {
    uint8_t len, b[6];
} Addr;

static void addr_disp(Addr *a, uint32_t d, int bytes)
{
    for (int i = 0; i < bytes; i++)
        a->b[a->len++] = (uint8_t)(d >> (8 * i));
}

/* An address in scratch[] or stk[] with room for `span` bytes. */
static Addr pick_addr(Gen *g, int span)
{
    Addr a = {0};
    int32_t d8 = (int32_t)rn(g, 241) - 120;
    switch (rn(g, 7)) {
    case 0: /* [ebp+d8] */
        a.b[a.len++] = 0x45;
        addr_disp(&a, d8, 1);
        break;
    case 1: /* [ebp+d32] */
        a.b[a.len++] = 0x85;
        addr_disp(&a, (int32_t)rn(g, SCRATCH_SIZE - 16 - span) - EBP_OFF + 4, 4);
        break;
    case 2: /* [disp32] */
        a.b[a.len++] = 0x05;
        addr_disp(&a, A32(scratch) + rn(g, SCRATCH_SIZE - 8 - span), 4);
        break;
    case 3: /* [ebp+d8] through a SIB byte with no index, any scale */
        a.b[a.len++] = 0x44;
        a.b[a.len++] = (uint8_t)(rn(g, 4) << 6 | 4 << 3 | 5);
        addr_disp(&a, d8, 1);
        break;
    case 4: /* [esp+d8] */
        a.b[a.len++] = 0x44;
        a.b[a.len++] = 0x24;
        addr_disp(&a, d8, 1);
        break;
    case 5: /* [esp] */
        a.b[a.len++] = 0x04;
        a.b[a.len++] = 0x24;
        break;
    default: /* [ebp*1+disp32] */
        a.b[a.len++] = 0x04;
        a.b[a.len++] = 0x2d;
        addr_disp(&a, (int32_t)rn(g, SCRATCH_SIZE - 16 - span) - EBP_OFF + 4, 4);
        break;
    }
    return a;
}

static void emit_addr(Gen *g, const Addr *a, int regfield)
{
    eb(g, a->b[0] | (regfield & 7) << 3);
    for (int i = 1; i < a->len; i++)
        eb(g, a->b[i]);
}

/* An r/m operand: a register or a memory address. */
typedef struct Opnd {
    int mem, reg;
    Addr a;
} Opnd;

static Opnd pick_rm(Gen *g, int size, int dest)
{
    Opnd o = {0};
    if (rn(g, 3) == 0) {
        o.mem = 1;
        o.a = pick_addr(g, 8);
    } else {
        o.reg = dest ? dreg(g, size) : (int)rn(g, 8);
    }
    return o;
}

static Opnd reg_opnd(int reg)
{
    Opnd o = {0};
    o.reg = reg;
    return o;
}

static void emit_rm(Gen *g, const Opnd *o, int regfield)
{
    if (o->mem)
        emit_addr(g, &o->a, regfield);
    else
        eb(g, 0xc0 | (regfield & 7) << 3 | o->reg);
}

static int pick_size(Gen *g)
{
    uint32_t r = rn(g, 20);
    return r < 6 ? 1 : r < 11 ? 2 : 4;
}

/* Prefixes in a random order: 66 for 16-bit operands, lock, and a
 * segment override (ES SS DS: flat and writable; CS is not writable) on
 * memory operands. */
static void prefixes(Gen *g, int opsize16, int lock, int mem)
{
    static const uint8_t segs[3] = {0x26, 0x36, 0x3e};
    uint8_t p[3];
    int n = 0;
    if (opsize16)
        p[n++] = 0x66;
    if (lock)
        p[n++] = 0xf0;
    if (mem && rn(g, 8) == 0)
        p[n++] = segs[rn(g, 3)];
    for (int i = n - 1; i > 0; i--) {
        int j = (int)rn(g, i + 1);
        uint8_t t = p[i];
        p[i] = p[j];
        p[j] = t;
    }
    for (int i = 0; i < n; i++)
        eb(g, p[i]);
    g->ninsn++;
}

/* Opcode for byte / word-or-dword forms: base, or base+1 for size 2/4. */
static uint32_t opc_bv(int base, int size)
{
    return size == 1 ? base : base + 1;
}

/* ---- instruction families (one function each) ------------------------------ */

/* add or adc sbb and sub xor cmp: all forms */
static void t_alu(Gen *g)
{
    int op = rn(g, 8), size = pick_size(g), form = rn(g, 6);
    uint32_t read = (op == 2 || op == 3) ? FC : 0;
    uint32_t gen = (op == 1 || op == 4 || op == 6) ? FA : 0;
    need_flags(g, read);
    if (form <= 1) { /* E,G */
        Opnd e = pick_rm(g, size, op != 7);
        prefixes(g, size == 2, e.mem && op != 7 && rn(g, 4) == 0, e.mem);
        eb(g, opc_bv(op * 8, size));
        emit_rm(g, &e, rn(g, 8));
    } else if (form == 2) { /* G,E */
        Opnd e = pick_rm(g, size, 0);
        prefixes(g, size == 2, 0, e.mem);
        eb(g, opc_bv(op * 8 + 2, size));
        emit_rm(g, &e, op == 7 ? (int)rn(g, 8) : dreg(g, size));
    } else if (form == 3) { /* AL/eAX, imm */
        prefixes(g, size == 2, 0, 0);
        eb(g, opc_bv(op * 8 + 4, size));
        eimm(g, rnd_val(g), size);
    } else { /* group 1: 80 81 82 83 */
        Opnd e = pick_rm(g, size, op != 7);
        int sx = size != 1 && rn(g, 2);
        prefixes(g, size == 2, e.mem && op != 7 && rn(g, 4) == 0, e.mem);
        eb(g, size == 1 ? (rn(g, 4) ? 0x80 : 0x82) : sx ? 0x83 : 0x81);
        emit_rm(g, &e, op);
        eimm(g, rnd_val(g), sx ? 1 : size);
    }
    fx(g, read, FALL & ~gen, gen);
}

static void t_test(Gen *g)
{
    int size = pick_size(g), form = rn(g, 3);
    Opnd e = pick_rm(g, size, 0);
    prefixes(g, size == 2, 0, e.mem && form != 1);
    if (form == 0) {
        eb(g, opc_bv(0x84, size));
        emit_rm(g, &e, rn(g, 8));
    } else if (form == 1) {
        eb(g, opc_bv(0xa8, size));
        eimm(g, rnd_val(g), size);
    } else {
        eb(g, opc_bv(0xf6, size));
        emit_rm(g, &e, rn(g, 2)); /* /1 is an alias of /0 */
        eimm(g, rnd_val(g), size);
    }
    fx(g, 0, FALL & ~FA, FA);
}

/* inc dec (ModRM and 40+r forms), not, neg */
static void t_unary(Gen *g)
{
    int size = pick_size(g), which = rn(g, 5);
    if (which == 4 && size != 1) { /* 40+r / 48+r */
        prefixes(g, size == 2, 0, 0);
        eb(g, (rn(g, 2) ? 0x40 : 0x48) + dreg(g, size));
        fx(g, 0, FALL & ~FC, 0);
        return;
    }
    Opnd e = pick_rm(g, size, 1);
    prefixes(g, size == 2, e.mem && rn(g, 4) == 0, e.mem);
    if (which < 2 || which == 4) {
        eb(g, opc_bv(0xfe, size));
        emit_rm(g, &e, which & 1);
        fx(g, 0, FALL & ~FC, 0);
    } else {
        eb(g, opc_bv(0xf6, size));
        emit_rm(g, &e, which); /* 2 not, 3 neg */
        if (which == 3)
            fx(g, 0, FALL, 0);
    }
}

/* mul imul (one, two and three operand forms) */
static void t_mul(Gen *g)
{
    int size = pick_size(g), form = rn(g, 4);
    if (form == 0 || size == 1) {
        Opnd e = pick_rm(g, size, 0);
        prefixes(g, size == 2, 0, e.mem);
        eb(g, opc_bv(0xf6, size));
        emit_rm(g, &e, 4 + rn(g, 2));
    } else if (form == 1) {
        Opnd e = pick_rm(g, size, 0);
        prefixes(g, size == 2, 0, e.mem);
        eb(g, 0x0f);
        eb(g, 0xaf);
        emit_rm(g, &e, dreg(g, size));
    } else {
        Opnd e = pick_rm(g, size, 0);
        prefixes(g, size == 2, 0, e.mem);
        eb(g, form == 2 ? 0x69 : 0x6b);
        emit_rm(g, &e, dreg(g, size));
        eimm(g, rnd_val(g), form == 2 ? size : 1);
    }
    fx(g, 0, FC | FO, FS | FZ | FA | FP);
}

/* mov r/m, imm (guard before div) */
static void emit_mov_imm(Gen *g, const Opnd *o, uint32_t v, int size)
{
    prefixes(g, size == 2, 0, o->mem);
    if (o->mem) {
        eb(g, opc_bv(0xc6, size));
        emit_rm(g, o, 0);
    } else {
        eb(g, (size == 1 ? 0xb0 : 0xb8) + o->reg);
    }
    eimm(g, v, size);
}

static int32_t sext(uint32_t v, int size)
{
    return size == 1 ? (int8_t)v : size == 2 ? (int16_t)v : (int32_t)v;
}

/* div idiv, with the divisor and the high half of the dividend set first so
 * the quotient fits (no #DE). */
static void t_div(Gen *g)
{
    int size = pick_size(g), sgn = rn(g, 2);
    uint32_t mask = size == 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
    Opnd d = pick_rm(g, size, 1);
    while (!d.mem && (size == 1 ? (d.reg & 3) == 0 : (d.reg == 0 || d.reg == 2)))
        d.reg = dreg(g, size);
    uint32_t dv;
    do
        dv = rnd_val(g) & mask;
    while (dv == 0 || (sgn && sext(dv, size) == -1));
    emit_mov_imm(g, &d, dv, size);
    Opnd hi = reg_opnd(size == 1 ? 4 : 2); /* AH, DX, EDX */
    if (!sgn) {
        emit_mov_imm(g, &hi, rnd(g) % dv, size);
    } else {
        int32_t ad = sext(dv, size);
        ad = ad < 0 ? -ad : ad;
        if (ad >= 4 && rn(g, 2)) {
            int32_t lim = ad / 2 - 1;
            emit_mov_imm(g, &hi, (uint32_t)((int32_t)rn(g, 2 * lim + 1) - lim), size);
        } else { /* cbw / cwd / cdq */
            prefixes(g, size != 4, 0, 0);
            eb(g, size == 1 ? 0x98 : 0x99);
        }
    }
    prefixes(g, size == 2, 0, d.mem);
    eb(g, opc_bv(0xf6, size));
    emit_rm(g, &d, 6 + sgn);
    fx(g, 0, 0, FALL);
}

/* Flags after a shift or rotate (op = /r of group 2) by `count` (-1: CL,
 * unknown) at `size` bytes. */
static void shift_fx(Gen *g, int op, int size, int count)
{
    int bits = size * 8;
    if (count < 0) {
        uint32_t gen = FO;
        if (op >= 4)
            gen |= FA;
        if ((op == 4 || op == 5 || op == 6) && bits < 32)
            gen |= FC;
        fx(g, op == 2 || op == 3 ? FC : 0, 0, gen);
        return;
    }
    count &= 31;
    if (count == 0) {
        fx(g, op == 2 || op == 3 ? FC : 0, 0, 0);
        return;
    }
    uint32_t kill = 0, gen = 0;
    if (count == 1)
        kill |= FO;
    else
        gen |= FO;
    if (op < 4) {
        kill |= FC;
    } else {
        kill |= FS | FZ | FP;
        gen |= FA;
        if (op != 7 && count >= bits)
            gen |= FC;
        else
            kill |= FC;
    }
    fx(g, op == 2 || op == 3 ? FC : 0, kill, gen);
}

/* rol ror rcl rcr shl shr sal sar by 1, imm8, CL */
static void t_shift(Gen *g)
{
    int op = rn(g, 8), size = pick_size(g), form = rn(g, 3);
    if (op == 2 || op == 3)
        need_flags(g, FC);
    Opnd e = pick_rm(g, size, 1);
    prefixes(g, size == 2, 0, e.mem);
    int count = -1;
    if (form == 0) {
        eb(g, opc_bv(0xd0, size));
        count = 1;
    } else if (form == 1) {
        eb(g, opc_bv(0xc0, size));
        count = rnd_count(g);
    } else {
        eb(g, opc_bv(0xd2, size));
    }
    emit_rm(g, &e, op);
    if (form == 1)
        eb(g, count);
    shift_fx(g, op, size, count);
}

/* shld shrd by imm8 or CL; 16-bit counts above 16 are undefined, so
 * a 16-bit form by CL loads CL first. */
static void t_shxd(Gen *g)
{
    int size = rn(g, 2) ? 2 : 4, right = rn(g, 2), by_cl = rn(g, 2);
    int count = -1;
    if (size == 2) {
        count = (int)(rn(g, 17) + 32 * rn(g, 8));
        if (by_cl) {
            prefixes(g, 0, 0, 0);
            eb(g, 0xb1); /* mov cl, imm8 */
            eb(g, count);
        }
    } else if (!by_cl) {
        count = rnd_count(g);
    }
    Opnd e = pick_rm(g, size, 1);
    prefixes(g, size == 2, 0, e.mem);
    eb(g, 0x0f);
    eb(g, (right ? 0xac : 0xa4) + by_cl);
    emit_rm(g, &e, rn(g, 8));
    if (!by_cl)
        eb(g, count);
    if (count < 0) {
        fx(g, 0, 0, FO | FA);
    } else if ((count & 31) == 0) {
        fx(g, 0, 0, 0);
    } else {
        fx(g, 0, FC | FS | FZ | FP | ((count & 31) == 1 ? FO : 0),
           FA | ((count & 31) == 1 ? 0 : FO));
    }
}

/* bt bts btr btc, by register or imm8; a memory operand by register gets
 * its bit offset bounded to -64..63 first */
static void t_bt(Gen *g)
{
    int op = rn(g, 4), size = rn(g, 2) ? 2 : 4, by_imm = rn(g, 2);
    Opnd e = pick_rm(g, size, op != 0);
    int r = rn(g, 8);
    if (e.mem && !by_imm) {
        r = dreg(g, 4);
        prefixes(g, 0, 0, 0);
        eb(g, 0x83), eb(g, 0xe0 | r), eb(g, 0x7f); /* and r, 0x7f */
        prefixes(g, 0, 0, 0);
        eb(g, 0x83), eb(g, 0xe8 | r), eb(g, 0x40); /* sub r, 0x40 */
        fx(g, 0, FALL, 0);
    }
    prefixes(g, size == 2, e.mem && op && rn(g, 4) == 0, e.mem);
    eb(g, 0x0f);
    if (by_imm) {
        eb(g, 0xba);
        emit_rm(g, &e, 4 + op);
        eb(g, rnd_count(g));
    } else {
        eb(g, 0xa3 + 8 * op);
        emit_rm(g, &e, r);
    }
    fx(g, 0, FC, FO | FS | FA | FP);
}

static void t_bsf(Gen *g)
{
    int size = rn(g, 2) ? 2 : 4;
    Opnd e = pick_rm(g, size, 0);
    prefixes(g, size == 2, 0, e.mem);
    eb(g, 0x0f);
    eb(g, 0xbc + rn(g, 2));
    emit_rm(g, &e, dreg(g, size));
    fx(g, 0, FZ, FC | FO | FS | FA | FP);
}

static void t_setcc(Gen *g)
{
    int cc = rn(g, 16);
    need_flags(g, cond_reads(cc));
    Opnd e = pick_rm(g, 1, 1);
    prefixes(g, 0, 0, e.mem);
    eb(g, 0x0f);
    eb(g, 0x90 + cc);
    emit_rm(g, &e, rn(g, 8));
    fx(g, cond_reads(cc), 0, 0);
}

static void t_cmov(Gen *g)
{
    int cc = rn(g, 16), size = rn(g, 2) ? 2 : 4;
    need_flags(g, cond_reads(cc));
    Opnd e = pick_rm(g, size, 0);
    prefixes(g, size == 2, 0, e.mem);
    eb(g, 0x0f);
    eb(g, 0x40 + cc);
    emit_rm(g, &e, dreg(g, size));
    fx(g, cond_reads(cc), 0, 0);
}

/* movzx movsx */
static void t_movx(Gen *g)
{
    int word = rn(g, 2), size = rn(g, 3) ? 4 : 2;
    Opnd e = pick_rm(g, word ? 2 : 1, 0);
    prefixes(g, size == 2, 0, e.mem);
    eb(g, 0x0f);
    eb(g, (rn(g, 2) ? 0xb6 : 0xbe) + word);
    emit_rm(g, &e, dreg(g, size));
}

/* mov in all integer forms, including moffs */
static void t_mov(Gen *g)
{
    int size = pick_size(g), form = rn(g, 5);
    if (form == 0) {
        Opnd e = pick_rm(g, size, 1);
        prefixes(g, size == 2, 0, e.mem);
        eb(g, opc_bv(0x88, size));
        emit_rm(g, &e, rn(g, 8));
    } else if (form == 1) {
        Opnd e = pick_rm(g, size, 0);
        prefixes(g, size == 2, 0, e.mem);
        eb(g, opc_bv(0x8a, size));
        emit_rm(g, &e, dreg(g, size));
    } else if (form == 2) {
        Opnd e = pick_rm(g, size, 1);
        emit_mov_imm(g, &e, rnd_val(g), size);
    } else if (form == 3) {
        prefixes(g, size == 2, 0, 1);
        eb(g, opc_bv(rn(g, 2) ? 0xa0 : 0xa2, size));
        ed(g, A32(scratch) + rn(g, SCRATCH_SIZE - 8));
    } else {
        Opnd e = pick_rm(g, size, 1);
        e.mem = 1;
        e.a = pick_addr(g, 8);
        prefixes(g, size == 2, 0, 1);
        eb(g, opc_bv(0x88, size));
        emit_rm(g, &e, rn(g, 8));
    }
}

/* xchg, xadd, cmpxchg, cmpxchg8b */
static void t_xchg(Gen *g)
{
    int size = pick_size(g), which = rn(g, 5);
    if (which == 4) {
        if (size == 1) { /* cmpxchg8b m64 */
            Addr a = pick_addr(g, 8);
            prefixes(g, 0, rn(g, 2), 1);
            eb(g, 0x0f), eb(g, 0xc7);
            emit_addr(g, &a, 1);
            fx(g, 0, FZ, 0);
            return;
        }
        prefixes(g, size == 2, 0, 0); /* xchg eAX, r */
        eb(g, 0x90 + dreg(g, size));
        return;
    }
    Opnd e = pick_rm(g, size, 1);
    prefixes(g, size == 2, e.mem && rn(g, 3) == 0, e.mem);
    if (which <= 1) {
        eb(g, opc_bv(0x86, size));
    } else {
        eb(g, 0x0f);
        eb(g, opc_bv(which == 2 ? 0xc0 : 0xb0, size));
    }
    emit_rm(g, &e, which == 3 ? (int)rn(g, 8) : dreg(g, size));
    if (which >= 2)
        fx(g, 0, FALL, 0);
}

/* lea with any ModRM/SIB (no memory access, so any registers), 16-bit
 * addressing under 67, 16-bit destination under 66 */
static void t_lea(Gen *g)
{
    int a16 = rn(g, 4) == 0, o16 = rn(g, 4) == 0;
    int mod = rn(g, 3), rm = rn(g, 8);
    if (a16)
        eb(g, 0x67);
    prefixes(g, o16, 0, 0);
    eb(g, 0x8d);
    eb(g, mod << 6 | dreg(g, o16 ? 2 : 4) << 3 | rm);
    if (a16) {
        if (mod == 1)
            eb(g, rnd(g));
        else if (mod == 2 || (mod == 0 && rm == 6))
            ew(g, rnd_val(g));
        return;
    }
    int base = rm;
    if (rm == 4) {
        uint8_t sib = rnd(g);
        eb(g, sib);
        base = sib & 7;
    }
    if (mod == 1)
        eb(g, rnd(g));
    else if (mod == 2 || (mod == 0 && base == 5))
        ed(g, rnd_val(g));
}

/* bswap, cbw/cwde, cwd/cdq, nop forms */
static void t_misc(Gen *g)
{
    switch (rn(g, 5)) {
    case 0:
        prefixes(g, 0, 0, 0);
        eb(g, 0x0f);
        eb(g, 0xc8 + dreg(g, 4));
        break;
    case 1:
    case 2:
        prefixes(g, rn(g, 2), 0, 0);
        eb(g, rn(g, 2) ? 0x98 : 0x99);
        break;
    case 3: { /* nop r/m (hint nop: no memory access) */
        int o16 = rn(g, 2);
        prefixes(g, o16, 0, 0);
        eb(g, 0x0f);
        eb(g, 0x1f);
        eb(g, (rn(g, 3) << 6) | rn(g, 4)); /* rm 0..3: no SIB/disp32 */
        if ((g->u->b[g->u->len - 1] >> 6) == 1)
            eb(g, rnd(g));
        else if ((g->u->b[g->u->len - 1] >> 6) == 2)
            ed(g, rnd(g));
        break;
    }
    default:
        prefixes(g, rn(g, 2), 0, 0);
        eb(g, 0x90);
        break;
    }
}

/* clc stc cmc cld std lahf sahf salc */
static void t_flagop(Gen *g)
{
    static const struct {
        uint8_t opc;
        uint16_t read, kill;
    } tab[] = {
        {0xf8, 0, FC},  {0xf9, 0, FC},  {0xf5, FC, FC},
        {0xfc, 0, 0},   {0xfd, 0, 0},   {0x9f, FS | FZ | FA | FP | FC, 0},
        {0x9e, 0, FS | FZ | FA | FP | FC}, {0xd6, FC, 0},
    };
    int i = rn(g, sizeof tab / sizeof tab[0]);
    need_flags(g, tab[i].read);
    prefixes(g, 0, 0, 0);
    eb(g, tab[i].opc);
    fx(g, tab[i].read, tab[i].kill, 0);
}

/* daa das aaa aas aam aad */
static void t_bcd(Gen *g)
{
    int which = rn(g, 6);
    static const uint8_t opc[4] = {0x27, 0x2f, 0x37, 0x3f};
    if (which < 2) {
        need_flags(g, FC | FA);
        prefixes(g, 0, 0, 0);
        eb(g, opc[which]);
        fx(g, FC | FA, FC | FA | FS | FZ | FP, FO);
    } else if (which < 4) {
        need_flags(g, FA);
        prefixes(g, 0, 0, 0);
        eb(g, opc[which]);
        fx(g, FA, FA | FC, FO | FS | FZ | FP);
    } else {
        uint32_t base = rn(g, 2) ? 10 : rnd(g) & 0xff;
        if (which == 4 && base == 0)
            base = 10;
        prefixes(g, 0, 0, 0);
        eb(g, which == 4 ? 0xd4 : 0xd5);
        eb(g, base);
        fx(g, 0, FS | FZ | FP, FO | FA | FC);
    }
}

/* push pop (registers, imm, memory; 16 and 32 bit), pushf, push imm + popf,
 * pusha ... popa */
static void t_stack(Gen *g)
{
    int o16 = rn(g, 5) == 0, bytes = o16 ? 2 : 4;
    int which = rn(g, 8);
    if (which == 0) { /* pushf */
        need_flags(g, FALL);
        prefixes(g, o16, 0, 0);
        eb(g, 0x9c);
        fx(g, FALL, 0, 0);
        g->depth += bytes;
        return;
    }
    if (which == 1) { /* push imm32 with safe flags; popf */
        prefixes(g, 0, 0, 0);
        eb(g, 0x68);
        ed(g, (rnd(g) & (FALL | F_DFLAG)) | 2);
        prefixes(g, 0, 0, 0);
        eb(g, 0x9d);
        fx(g, 0, FALL, 0);
        return;
    }
    if (which == 2) { /* pusha; popa (EBP and ESP come back unchanged) */
        prefixes(g, o16, 0, 0);
        eb(g, 0x60);
        prefixes(g, o16, 0, 0);
        eb(g, 0x61);
        return;
    }
    int push = g->depth < -MAX_DEPTH ? 1 : g->depth > MAX_DEPTH ? 0 : (int)rn(g, 2);
    g->depth += push ? bytes : -bytes;
    int form = rn(g, 3);
    if (push) {
        if (form == 0) {
            prefixes(g, o16, 0, 0);
            eb(g, 0x50 + rn(g, 8));
        } else if (form == 1) {
            int b8 = rn(g, 2);
            prefixes(g, o16, 0, 0);
            eb(g, b8 ? 0x6a : 0x68);
            eimm(g, rnd_val(g), b8 ? 1 : bytes);
        } else {
            Addr a = pick_addr(g, 8);
            prefixes(g, o16, 0, 1);
            eb(g, 0xff);
            emit_addr(g, &a, 6);
        }
    } else {
        if (form == 0) {
            prefixes(g, o16, 0, 0);
            eb(g, 0x58 + dreg(g, 4));
        } else {
            Addr a = pick_addr(g, 8);
            prefixes(g, o16, 0, 1);
            eb(g, 0x8f);
            emit_addr(g, &a, 0);
        }
    }
}

/* movs cmps stos lods scas, with rep/repe/repne and counts 0..9 */
static void t_string(Gen *g)
{
    static const uint8_t ops[5] = {0xa4, 0xa6, 0xaa, 0xac, 0xae};
    int k = rn(g, 5), size = pick_size(g), rep = rn(g, 3), n = rn(g, 10);
    prefixes(g, 0, 0, 0);
    eb(g, 0xbe), ed(g, A32(scratch) + 400 + rn(g, 200)); /* mov esi, imm */
    prefixes(g, 0, 0, 0);
    eb(g, 0xbf), ed(g, A32(scratch) + 400 + rn(g, 200)); /* mov edi, imm */
    prefixes(g, 0, 0, 0);
    eb(g, 0xb9), ed(g, n); /* mov ecx, n */
    int cmp = k == 1 || k == 4;
    if (rep)
        eb(g, cmp && rep == 2 ? 0xf2 : 0xf3);
    prefixes(g, size == 2, 0, k != 2 && k != 4); /* segment override on the source */
    eb(g, opc_bv(ops[k], size));
    if (cmp && (!rep || n > 0))
        fx(g, 0, FALL, 0);
}

/* xlat, with EBX set into scratch first */
static void t_xlat(Gen *g)
{
    prefixes(g, 0, 0, 0);
    eb(g, 0x8d), eb(g, 0x5d), eb(g, (uint32_t)(rn(g, 240) - 120)); /* lea ebx, [ebp+d8] */
    prefixes(g, 0, 0, 1);
    eb(g, 0xd7);
}

typedef void (*TmplFn)(Gen *g);
typedef struct Tmpl {
    TmplFn fn;
    uint8_t weight;
    uint8_t simple; /* may sit inside a jcc skip: no stack, no branch */
} Tmpl;

/* mov r/m16 or r32, Sreg: ES CS SS DS only (the TLS selector in GS depends on
 * the kernel's GDT layout: 0x63 on x86-64 kernels, 0x33 on i386 ones) */
static void t_sreg(Gen *g)
{
    int o16 = rn(g, 2);
    Opnd e = pick_rm(g, o16 ? 2 : 4, 1);
    if (e.mem)
        o16 = 0; /* the memory form always stores 16 bits */
    prefixes(g, o16, 0, e.mem);
    eb(g, 0x8c);
    emit_rm(g, &e, rn(g, 4));
}

/* The loop counter lives in stk[16..19], which no other operand reaches. */
#define LOOP_COUNTER (A32(stk) + 16)

static const Tmpl *pick_tmpl(Gen *g, int simple_only);

/* A backward loop of 1..4 iterations around one or two simple
 * instructions: "mov [ctr], n; L: body; dec [ctr]; jnz L".  The body is
 * generated as if every flag were undefined (it runs after the dec too). */
static void t_loop(Gen *g)
{
    prefixes(g, 0, 0, 0);
    eb(g, 0xc7), eb(g, 0x05), ed(g, LOOP_COUNTER), ed(g, 1 + rn(g, 4));
    int top = g->u->len;
    fx(g, 0, 0, FALL);
    for (int k = 1 + rn(g, 2); k > 0; k--)
        pick_tmpl(g, 1)->fn(g);
    prefixes(g, 0, 0, 0);
    eb(g, 0xff), eb(g, 0x0d), ed(g, LOOP_COUNTER); /* dec dword [ctr] */
    fx(g, 0, FALL & ~FC, 0);
    prefixes(g, 0, 0, 0);
    eb(g, 0x75);
    eb(g, (uint32_t)(top - (g->u->len + 1)));
    fx(g, FZ, 0, 0);
}

/* An instruction that faults, to check the exact state at a fault: loads,
 * stores and read-modify-writes to unmapped or read-only memory, divide by
 * zero, ud2, int3, hlt, into with OF set.  The sequence ends there. */
static void t_fault(Gen *g)
{
    uint32_t bad = rn(g, 2) ? 0x10 + rn(g, 0x100) : RO_PAGE + rn(g, 0x100); /* page 0, or read-only */
    int size = pick_size(g);
    switch (rn(g, 7)) {
    case 0: /* mov r, [bad] */
        prefixes(g, size == 2, 0, 1);
        eb(g, opc_bv(0x8a, size)), eb(g, 0x05 | dreg(g, size) << 3), ed(g, bad);
        break;
    case 1: /* add [bad], r: must fault as a write, with nothing changed */
        prefixes(g, size == 2, rn(g, 4) == 0, 1);
        eb(g, opc_bv(8 * rn(g, 7), size)), eb(g, 0x05 | rn(g, 8) << 3), ed(g, bad);
        break;
    case 2: { /* div by zero */
        Opnd d = reg_opnd(size == 1 ? 3 : 1); /* BL, CX, ECX */
        emit_mov_imm(g, &d, 0, size);
        prefixes(g, size == 2, 0, 0);
        eb(g, opc_bv(0xf6, size)), emit_rm(g, &d, 6 + rn(g, 2));
        break;
    }
    case 3:
        prefixes(g, 0, 0, 0);
        eb(g, 0x0f), eb(g, 0x0b); /* ud2 */
        break;
    case 4:
        prefixes(g, 0, 0, 0);
        eb(g, 0xcc); /* int3 */
        break;
    case 5:
        prefixes(g, 0, 0, 0);
        eb(g, 0xf4); /* hlt */
        break;
    default: /* push imm with OF; popf; into */
        prefixes(g, 0, 0, 0);
        eb(g, 0x68), ed(g, (rnd(g) & (FALL | F_DFLAG)) | FO | 2);
        prefixes(g, 0, 0, 0);
        eb(g, 0x9d);
        fx(g, 0, FALL, 0);
        prefixes(g, 0, 0, 0);
        eb(g, 0xce);
        break;
    }
}


static void t_branch(Gen *g);

static const Tmpl tmpl_int[] = {
    {t_alu, 14, 1},  {t_test, 3, 1},   {t_unary, 5, 1}, {t_mul, 4, 1},    {t_div, 3, 1},
    {t_shift, 9, 1}, {t_shxd, 4, 1},   {t_bt, 4, 1},    {t_bsf, 2, 1},    {t_setcc, 3, 1},
    {t_cmov, 3, 1},  {t_movx, 3, 1},   {t_mov, 5, 1},   {t_xchg, 4, 1},   {t_lea, 3, 1},
    {t_misc, 3, 1},  {t_flagop, 3, 1}, {t_bcd, 3, 1},   {t_stack, 5, 0},  {t_string, 3, 1},
    {t_xlat, 1, 1},  {t_branch, 4, 0}, {t_sreg, 1, 1},   {t_loop, 2, 0},   {t_fault, 1, 0},
};
#define NTMPL ((int)(sizeof tmpl_int / sizeof tmpl_int[0]))

static const Tmpl *pick_tmpl(Gen *g, int simple_only)
{
    for (;;) {
        int total = 0;
        for (int i = 0; i < NTMPL; i++)
            total += tmpl_int[i].weight;
        int r = rn(g, total);
        for (int i = 0; i < NTMPL; i++) {
            r -= tmpl_int[i].weight;
            if (r < 0) {
                if (simple_only && !tmpl_int[i].simple)
                    break;
                return &tmpl_int[i];
            }
        }
    }
}

/* jcc / jecxz / loop* forward over one simple instruction.  The skipped
 * instruction may or may not run, so the unit's flag effect is the union
 * of both paths. */
static void t_branch(Gen *g)
{
    int kind = rn(g, 6), cc = rn(g, 16);
    uint32_t read = 0;
    if (kind <= 2)
        read = cond_reads(cc);
    else if (kind == 4)
        read = FZ; /* loope / loopne */
    need_flags(g, read);
    prefixes(g, 0, 0, 0);
    int at;
    if (kind <= 1) {
        eb(g, 0x70 + cc);
    } else if (kind == 2) {
        eb(g, 0x0f), eb(g, 0x80 + cc);
    } else {
        eb(g, kind == 3 ? 0xe3 : kind == 4 ? 0xe0 + rn(g, 2) : 0xe2);
    }
    at = g->u->len;
    if (kind == 2)
        ed(g, 0);
    else
        eb(g, 0);
    fx(g, read, 0, 0);
    Unit *u = g->u;
    uint32_t k0 = u->kill, g0 = u->gen, undef0 = g->undef;
    pick_tmpl(g, 1)->fn(g);
    uint32_t skip = u->len - at - (kind == 2 ? 4 : 1);
    u->b[at] = (uint8_t)skip;
    u->kill = k0 & u->kill;
    u->gen = g0 | u->gen;
    g->undef |= undef0;
}

/* ---- SSE2 integer table (enabled by --sse) --------------------------------
 * xmm0-7 are loaded from random values and stored back; their hash is
 * printed.  Memory operands are 16-byte aligned scratch addresses (the
 * legacy SSE encodings fault on unaligned ones).  No status flags. */

static int isa_sse;

static Opnd pick_xrm(Gen *g)
{
    Opnd o = {0};
    if (rn(g, 4) == 0) {
        o.mem = 1;
        o.a.len = 5;
        o.a.b[0] = 0x05; /* [disp32] */
        uint32_t a = A32(scratch) + 16 * rn(g, SCRATCH_SIZE / 16 - 1);
        memcpy(&o.a.b[1], &a, 4);
    } else {
        o.reg = rn(g, 8);
    }
    return o;
}

/* 66 0F xx xmm, xmm/m128: packed integer arithmetic, logic, compares,
 * unpacks, packs, shifts by xmm */
static void t_sse_alu(Gen *g)
{
    static const uint8_t opc[] = {
        0xd4, 0xfc, 0xfd, 0xfe, 0xf8, 0xf9, 0xfa, 0xfb, 0xdb, 0xdf, 0xeb, 0xef, 0x74, 0x75,
        0x76, 0x64, 0x65, 0x66, 0x60, 0x61, 0x62, 0x6c, 0x68, 0x69, 0x6a, 0x6d, 0xd5, 0xe5,
        0xe4, 0xf4, 0xf5, 0xec, 0xed, 0xdc, 0xdd, 0xe8, 0xe9, 0xd8, 0xd9, 0xda, 0xde, 0xea,
        0xee, 0xe0, 0xe3, 0xf6, 0x63, 0x67, 0x6b, 0xf1, 0xf2, 0xf3, 0xd1, 0xd2, 0xd3, 0xe1,
        0xe2,
    };
    Opnd e = pick_xrm(g);
    prefixes(g, 1, 0, e.mem);
    eb(g, 0x0f);
    eb(g, opc[rn(g, sizeof opc)]);
    emit_rm(g, &e, rn(g, 8));
}

/* shifts by imm (66 0F 71-73 /2 /4 /6, 73 /3 /7), pshufd/hw/lw */
static void t_sse_imm(Gen *g)
{
    if (rn(g, 2)) {
        static const uint8_t grp[][2] = {{0x71, 2}, {0x71, 4}, {0x71, 6}, {0x72, 2}, {0x72, 4},
                                         {0x72, 6}, {0x73, 2}, {0x73, 3}, {0x73, 6}, {0x73, 7}};
        int k = rn(g, 10);
        prefixes(g, 1, 0, 0);
        eb(g, 0x0f), eb(g, grp[k][0]), eb(g, 0xc0 | grp[k][1] << 3 | rn(g, 8));
        eb(g, rnd_count(g));
        return;
    }
    static const uint8_t pfx[3] = {0x66, 0xf3, 0xf2};
    Opnd e = pick_xrm(g);
    eb(g, pfx[rn(g, 3)]);
    prefixes(g, 0, 0, e.mem);
    eb(g, 0x0f), eb(g, 0x70);
    emit_rm(g, &e, rn(g, 8));
    eb(g, rnd(g));
}

/* moves between xmm and general registers / memory */
static void t_sse_mov(Gen *g)
{
    int which = rn(g, 6);
    if (which == 0) { /* movd xmm, r/m32 */
        Opnd e = pick_rm(g, 4, 0);
        prefixes(g, 1, 0, e.mem);
        eb(g, 0x0f), eb(g, 0x6e);
        emit_rm(g, &e, rn(g, 8));
    } else if (which == 1) { /* movd r/m32, xmm */
        Opnd e = pick_rm(g, 4, 1);
        prefixes(g, 1, 0, e.mem);
        eb(g, 0x0f), eb(g, 0x7e);
        emit_rm(g, &e, rn(g, 8));
    } else if (which == 2) { /* pmovmskb r32, xmm */
        prefixes(g, 1, 0, 0);
        eb(g, 0x0f), eb(g, 0xd7), eb(g, 0xc0 | dreg(g, 4) << 3 | rn(g, 8));
    } else if (which == 3) { /* pextrw r32, xmm, ib / pinsrw xmm, r32, ib */
        prefixes(g, 1, 0, 0);
        if (rn(g, 2))
            eb(g, 0x0f), eb(g, 0xc5), eb(g, 0xc0 | dreg(g, 4) << 3 | rn(g, 8));
        else
            eb(g, 0x0f), eb(g, 0xc4), eb(g, 0xc0 | rn(g, 8) << 3 | rn(g, 8));
        eb(g, rnd(g));
    } else { /* movdqa / movdqu / movq loads and stores */
        static const uint8_t mv[][2] = {{0x66, 0x6f}, {0xf3, 0x6f}, {0x66, 0x7f},
                                        {0xf3, 0x7f}, {0xf3, 0x7e}, {0x66, 0xd6}};
        int k = rn(g, 6);
        Opnd e = pick_xrm(g);
        eb(g, mv[k][0]);
        prefixes(g, 0, 0, e.mem);
        eb(g, 0x0f), eb(g, mv[k][1]);
        emit_rm(g, &e, rn(g, 8));
    }
}

static const Tmpl tmpl_sse[] = {
    {t_sse_alu, 6, 1},
    {t_sse_imm, 2, 1},
    {t_sse_mov, 3, 1},
};
#define NTMPL_SSE ((int)(sizeof tmpl_sse / sizeof tmpl_sse[0]))

/* A generic weighted pick from a table of templates. */
static const Tmpl *pick_from(Gen *g, const Tmpl *t, int n)
{
    int total = 0;
    for (int i = 0; i < n; i++)
        total += t[i].weight;
    int r = rn(g, total);
    for (int i = 0; i < n; i++) {
        r -= t[i].weight;
        if (r < 0)
            return &t[i];
    }
    return &t[0];
}

/* ---- floating-point values --------------------------------------------------
 * Edge values of each format, for the initial x87 and xmm state and for the
 * guard stores in front of memory loads: zeros, denormals, (for float80)
 * pseudo-denormals, unnormals, pseudo-NaNs, infinities, QNaN and SNaN with
 * payloads, the largest and smallest, ties at 24 and 53 bits of mantissa,
 * halves (rounding to integer), integer-conversion limits. */

static int isa_x87;   /* --x87: the x87 table and state */
static int isa_ssefp; /* --ssefp: the SSE floating-point table, MXCSR */
static int no_transc; /* --no-transc: no fsin ... fyl2xp1 (for --fpu=soft runs,
                       * whose transcendentals may differ in the last bit) */

typedef struct F80v {
    uint64_t m;
    uint16_t se;
} F80v;

static const F80v f80_edge[] = {
    {0, 0},
    {0, 0x8000},
    {1ull << 63, 0x3fff},                  /* 1 */
    {0xc000000000000000ull, 0xbfff},       /* -1.5 */
    {0xaaaaaaaaaaaaaaabull, 0x3ffd},       /* 1/3 */
    {0xc90fdaa22168c235ull, 0x4000},       /* pi */
    {0xc90fdaa22168c235ull, 0x3fff},       /* pi/2 */
    {1ull << 63, 0x0001},                  /* smallest normal */
    {1, 0},                                /* smallest denormal */
    {0x7fffffffffffffffull, 0x8000},       /* largest denormal, negative */
    {0x8000000000000001ull, 0},            /* pseudo-denormal */
    {0xffffffffffffffffull, 0x7ffe},       /* largest finite */
    {1ull << 63, 0x7fff},                  /* +inf */
    {1ull << 63, 0xffff},                  /* -inf */
    {0xc000000000001234ull, 0x7fff},       /* QNaN with payload */
    {0x8000000000005678ull, 0xffff},       /* -SNaN with payload */
    {0xc000000000000000ull, 0xffff},       /* the indefinite */
    {0x4000000000000000ull, 0x4000},       /* unnormal */
    {0x4000000000000000ull, 0x7fff},       /* pseudo-NaN */
    {0, 0x7fff},                           /* pseudo-infinity */
    {0x8000000000000400ull, 0x3fff},       /* 1 + 2^-53: a tie at 53 bits */
    {0x8000000000000c00ull, 0x3fff},       /* a tie at 53 bits, odd */
    {0x8000008000000000ull, 0x3fff},       /* a tie at 24 bits */
    {0x800000ffffffffffull, 0xbfff},       /* just above a tie at 24 bits */
    {1ull << 63, 0x3ffe},                  /* 0.5 */
    {0xa000000000000000ull, 0x4000},       /* 2.5 */
    {0xc000000000000000ull, 0xbffe},       /* -0.75 */
    {1ull << 63, 0x400e},                  /* 32768 */
    {1ull << 63, 0xc00e},                  /* -32768 */
    {1ull << 63, 0x401e},                  /* 2^31 */
    {1ull << 63, 0xc01e},                  /* -2^31 */
    {0xfffffffe00000000ull, 0x401d},       /* 2^31 - 1 */
    {1ull << 63, 0x403e},                  /* 2^63 */
    {1ull << 63, 0xc03e},                  /* -2^63 */
    {0xde0b6b3a763ffff0ull, 0x403a},       /* 10^18 - 1 (fbstp limit) */
    {0xde0b6b3a76400000ull, 0xc03a},       /* -10^18 */
    {0xffffff0000000000ull, 0x407e},       /* float32 max */
    {1ull << 63, 0x3f81},                  /* float32 min normal */
    {1ull << 63, 0x3f6a},                  /* float32 min denormal */
    {0xfffffffffffff800ull, 0x43fe},       /* float64 max */
    {1ull << 63, 0x3c01},                  /* float64 min normal */
    {1ull << 63, 0x3bcd},                  /* float64 min denormal */
    {1ull << 63, 0x4005},                  /* 64: fscale by a large count */
    {0xb17217f7d1cf79acull, 0x3ffe},       /* ln 2 */
};

static const uint32_t f32_edge[] = {
    0x00000000, 0x80000000, 0x3f800000, 0xbfc00000, 0x00000001, 0x807fffff, 0x00800000,
    0x7f7fffff, 0xff7fffff, 0x7f800000, 0xff800000, 0x7fc01234, 0xffc00000, 0x7f801234,
    0xff800001, 0x3f800001, 0x3f000000, 0x3fc00000, 0x40200000, 0xbf400000, 0x4b000000,
    0x4effffff, 0x4f000000, 0xcf000000, 0xcf000001, 0x5f000000, 0xdf000000, 0x33800000,
    0x3eaaaaab, 0x40490fdb,
};

static const uint64_t f64_edge[] = {
    0x0000000000000000ull, 0x8000000000000000ull, 0x3ff0000000000000ull,
    0xbff8000000000000ull, 0x0000000000000001ull, 0x800fffffffffffffull,
    0x0010000000000000ull, 0x7fefffffffffffffull, 0xffefffffffffffffull,
    0x7ff0000000000000ull, 0xfff0000000000000ull, 0x7ff8000000001234ull,
    0xfff8000000000000ull, 0x7ff0000000005678ull, 0xfff0000000000001ull,
    0x3ff0000000000001ull, 0x3fe0000000000000ull, 0x3ff8000000000000ull,
    0x4004000000000000ull, 0xbfe8000000000000ull, 0x4330000000000000ull,
    0x41dfffffffc00000ull, 0x41e0000000000000ull, 0xc1e0000000000000ull,
    0xc1e0000000200000ull, 0x43e0000000000000ull, 0xc3e0000000000000ull,
    0x3ca0000000000000ull, 0x3fd5555555555555ull, 0x400921fb54442d18ull,
    0x36a0000000000000ull, 0x47efffffe0000000ull, /* float32 limits */
};

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))

static F80v rnd_f80(Gen *g)
{
    F80v v;
    switch (rn(g, 8)) {
    case 0:
    case 1:
    case 2:
        v = f80_edge[rn(g, NELEM(f80_edge))];
        v.se ^= rn(g, 4) == 0 ? 0x8000 : 0;
        return v;
    case 3:
    case 4: /* a normal number near 1 */
        v.m = (uint64_t)rnd(g) << 32 | rnd(g) | 1ull << 63;
        v.se = (uint16_t)((0x3fff + rn(g, 161) - 80) | (rn(g, 2) << 15));
        return v;
    case 5: { /* a small integer */
        int32_t k = (int32_t)rn(g, 2001) - 1000;
        uint32_t a = k < 0 ? -k : k;
        if (a == 0)
            return (F80v){0, k < 0 ? 0x8000 : 0};
        int e = 31 - __builtin_clz(a);
        v.m = (uint64_t)a << (63 - e);
        v.se = (uint16_t)((0x3fff + e) | (k < 0 ? 0x8000 : 0));
        return v;
    }
    case 6: /* any exponent */
        v.m = (uint64_t)rnd(g) << 32 | rnd(g) | 1ull << 63;
        v.se = (uint16_t)rnd(g);
        return v;
    default: /* any bits: unnormals, pseudo-NaNs ... */
        v.m = (uint64_t)rnd(g) << 32 | rnd(g);
        v.se = (uint16_t)rnd(g);
        return v;
    }
}

static uint32_t rnd_f32(Gen *g)
{
    switch (rn(g, 4)) {
    case 0:
    case 1:
        return f32_edge[rn(g, NELEM(f32_edge))] ^ (rn(g, 4) == 0 ? 0x80000000u : 0);
    case 2: /* near 1 */
        return (rnd(g) & 0x807fffffu) | (uint32_t)(127 + rn(g, 41) - 20) << 23;
    default:
        return rnd(g);
    }
}

static uint64_t rnd_f64(Gen *g)
{
    uint64_t r = (uint64_t)rnd(g) << 32 | rnd(g);
    switch (rn(g, 4)) {
    case 0:
    case 1:
        return f64_edge[rn(g, NELEM(f64_edge))] ^ (rn(g, 4) == 0 ? 1ull << 63 : 0);
    case 2:
        return (r & 0x800fffffffffffffull) | (uint64_t)(1023 + rn(g, 81) - 40) << 52;
    default:
        return r;
    }
}

/* ---- x87 table (--x87) ------------------------------------------------------
 * The prologue loads a random x87 state with frstor (see init_fp_state) and
 * the epilogue saves it with fnsave.  Memory operands are [ebp+disp] in
 * scratch[]; a load is often preceded by guard stores that put an edge value
 * of its format there.  Every exception stays masked (fldcw keeps the masks);
 * only an occasional initial state unmasks some, and then the SIGFPE at the
 * next waiting instruction is compared like any fault.  EFLAGS: fcomi and
 * friends write ZF PF CF and clear OF SF AF; fcmovcc reads them. */

/* ModRM (+disp) for [ebp+d] with the given reg field */
static void ebp_modrm(Gen *g, int reg, int32_t d)
{
    if (d >= -128 && d <= 127) {
        eb(g, 0x45 | reg << 3);
        eb(g, (uint32_t)d);
    } else {
        eb(g, 0x85 | reg << 3);
        ed(g, (uint32_t)d);
    }
}

/* A displacement from EBP inside scratch[] with room for 16 bytes. */
static int32_t fp_disp(Gen *g)
{
    if (rn(g, 4))
        return (int32_t)rn(g, 231) - 120;
    return (int32_t)rn(g, SCRATCH_SIZE - 32) - EBP_OFF;
}

/* mov dword [ebp+d], v  /  mov word [ebp+d], v */
static void guard_st32(Gen *g, int32_t d, uint32_t v)
{
    prefixes(g, 0, 0, 0);
    eb(g, 0xc7);
    ebp_modrm(g, 0, d);
    ed(g, v);
}

static void guard_st16(Gen *g, int32_t d, uint32_t v)
{
    prefixes(g, 1, 0, 0);
    eb(g, 0xc7);
    ebp_modrm(g, 0, d);
    ew(g, v);
}

/* Guard stores of a random value of `fmt` (4 f32, 8 f64, 10 f80, 2/-4/-8
 * integers, 0x10 BCD) at [ebp+d], half of the time. */
static void guard_fp_value(Gen *g, int32_t d, int fmt)
{
    if (rn(g, 2))
        return;
    switch (fmt) {
    case 4:
        guard_st32(g, d, rnd_f32(g));
        break;
    case 8: {
        uint64_t v = rnd_f64(g);
        guard_st32(g, d, (uint32_t)v);
        guard_st32(g, d + 4, (uint32_t)(v >> 32));
        break;
    }
    case 10: {
        F80v v = rnd_f80(g);
        guard_st32(g, d, (uint32_t)v.m);
        guard_st32(g, d + 4, (uint32_t)(v.m >> 32));
        guard_st16(g, d + 8, v.se);
        break;
    }
    case 2:
        guard_st16(g, d, rnd_val(g));
        break;
    case -4:
        guard_st32(g, d, rnd_val(g));
        break;
    case -8:
        guard_st32(g, d, rnd_val(g));
        guard_st32(g, d + 4, rn(g, 2) ? rnd_val(g) : -(rnd(g) & 1));
        break;
    default: { /* packed BCD: 18 digits and a sign byte, sometimes a bad digit */
        uint8_t b[10];
        for (int i = 0; i < 9; i++)
            b[i] = (uint8_t)(rn(g, 10) << 4 | rn(g, 10));
        b[9] = rn(g, 2) ? 0x80 : 0;
        if (rn(g, 4) == 0) { /* a digit A..F, high or low */
            int k = rn(g, 9), bad = 10 + rn(g, 6);
            b[k] = rn(g, 2) ? (uint8_t)((b[k] & 0x0f) | bad << 4) : (uint8_t)((b[k] & 0xf0) | bad);
        }
        if (rn(g, 8) == 0)
            b[9] |= rnd(g) & 0x7f; /* the sign byte's unused bits */
        uint32_t w0, w1;
        memcpy(&w0, b, 4);
        memcpy(&w1, b + 4, 4);
        guard_st32(g, d, w0);
        guard_st32(g, d + 4, w1);
        guard_st16(g, d + 8, b[8] | b[9] << 8);
        break;
    }
    }
}

/* An x87 instruction with a memory operand: ESC byte, /reg, [ebp+d] */
static void x87_mem(Gen *g, int esc, int reg, int32_t d)
{
    prefixes(g, 0, 0, 1);
    eb(g, esc);
    ebp_modrm(g, reg, d);
}

/* An x87 instruction with no memory operand: two opcode bytes */
static void x87_op(Gen *g, int b0, int b1)
{
    prefixes(g, 0, 0, 0);
    eb(g, b0);
    eb(g, b1);
}

/* fld m32/m64/m80, fild m16/m32/m64, fbld, fld st(i), the constants */
static void t_x87_load(Gen *g)
{
    static const struct {
        uint8_t esc, reg;
        int8_t fmt;
    } mem[] = {{0xd9, 0, 4},  {0xdd, 0, 8},  {0xdb, 5, 10}, {0xdf, 0, 2},
               {0xdb, 0, -4}, {0xdf, 5, -8}, {0xdf, 4, 0x10}};
    int k = rn(g, NELEM(mem) + 3);
    if (k < NELEM(mem)) {
        int32_t d = fp_disp(g);
        guard_fp_value(g, d, mem[k].fmt);
        x87_mem(g, mem[k].esc, mem[k].reg, d);
    } else if (k == NELEM(mem)) {
        x87_op(g, 0xd9, 0xc0 + rn(g, 8));
    } else {
        static const uint8_t cst[7] = {0xe8, 0xe9, 0xea, 0xeb, 0xec, 0xed, 0xee};
        x87_op(g, 0xd9, cst[rn(g, 7)]);
    }
}

/* fst/fstp m32/m64, fstp m80, fist/fistp m16/m32, fistp m64, fisttp
 * m16/m32/m64, fbstp, fst/fstp st(i) */
static void t_x87_store(Gen *g)
{
    static const uint8_t mem[][2] = {{0xd9, 2}, {0xd9, 3}, {0xdd, 2}, {0xdd, 3}, {0xdb, 7},
                                     {0xdf, 2}, {0xdf, 3}, {0xdb, 2}, {0xdb, 3}, {0xdf, 7},
                                     {0xdf, 1}, {0xdb, 1}, {0xdd, 1}, {0xdf, 6}};
    int k = rn(g, NELEM(mem) + 2);
    if (k < NELEM(mem))
        x87_mem(g, mem[k][0], mem[k][1], fp_disp(g));
    else
        x87_op(g, 0xdd, (k == NELEM(mem) ? 0xd0 : 0xd8) + rn(g, 8));
}

/* fadd fmul fsub fsubr fdiv fdivr: st,st(i); st(i),st; the p forms;
 * m32/m64 real and m16/m32 integer operands (fcom/ficom too, /2 /3) */
static void t_x87_arith(Gen *g)
{
    int op = rn(g, 8);
    switch (rn(g, 4)) {
    case 0: { /* memory: d8 m32, dc m64, da m32int, de m16int */
        static const uint8_t esc[4] = {0xd8, 0xdc, 0xda, 0xde};
        static const int8_t fmt[4] = {4, 8, -4, 2};
        int k = rn(g, 4);
        int32_t d = fp_disp(g);
        guard_fp_value(g, d, fmt[k]);
        x87_mem(g, esc[k], op, d);
        break;
    }
    case 1: /* d8: st, st(i) (fcom fcomp at /2 /3) */
        x87_op(g, 0xd8, 0xc0 | op << 3 | rn(g, 8));
        break;
    case 2: /* dc: st(i), st */
        if (op == 2 || op == 3)
            op = rn(g, 2);
        x87_op(g, 0xdc, 0xc0 | op << 3 | rn(g, 8));
        break;
    default: /* de: p forms */
        if (op == 2 || op == 3)
            op = 4 + rn(g, 4);
        x87_op(g, 0xde, 0xc0 | op << 3 | rn(g, 8));
        break;
    }
}

/* fcom fcomp fcompp fucom fucomp fucompp fcomi fucomi fcomip fucomip ftst
 * fxam; fnstsw ax then sahf */
static void t_x87_cmp(Gen *g)
{
    int i = rn(g, 8);
    switch (rn(g, 8)) {
    case 0:
        x87_op(g, 0xd8, (rn(g, 2) ? 0xd0 : 0xd8) + i);
        break;
    case 1:
        x87_op(g, 0xdd, (rn(g, 2) ? 0xe0 : 0xe8) + i);
        break;
    case 2:
        if (rn(g, 2))
            x87_op(g, 0xde, 0xd9);
        else
            x87_op(g, 0xda, 0xe9);
        break;
    case 3:
    case 4: { /* fcomi fucomi fcomip fucomip */
        static const uint8_t f[4][2] = {{0xdb, 0xf0}, {0xdb, 0xe8}, {0xdf, 0xf0}, {0xdf, 0xe8}};
        int k = rn(g, 4);
        x87_op(g, f[k][0], f[k][1] + i);
        fx(g, 0, FALL, 0);
        break;
    }
    case 5:
        x87_op(g, 0xd9, rn(g, 2) ? 0xe4 : 0xe5);
        break;
    default: /* fnstsw ax; sahf (C0 C2 C3 into CF PF ZF) */
        x87_op(g, 0xdf, 0xe0);
        if (rn(g, 2)) {
            prefixes(g, 0, 0, 0);
            eb(g, 0x9e);
            fx(g, 0, FS | FZ | FA | FP | FC, 0);
        }
        break;
    }
}

/* fcmovcc st, st(i): B E BE U and their negations */
static void t_x87_fcmov(Gen *g)
{
    static const uint16_t reads[4] = {FC, FZ, FC | FZ, FP};
    int cc = rn(g, 4), neg = rn(g, 2);
    need_flags(g, reads[cc]);
    x87_op(g, neg ? 0xdb : 0xda, 0xc0 | cc << 3 | rn(g, 8));
    fx(g, reads[cc], 0, 0);
}

/* fchs fabs fsqrt frndint fscale fxtract fprem fprem1 */
static void t_x87_unary(Gen *g)
{
    static const uint8_t op[] = {0xe0, 0xe1, 0xfa, 0xfc, 0xfd, 0xf4, 0xf8, 0xf5};
    x87_op(g, 0xd9, op[rn(g, NELEM(op))]);
}

/* fsin fcos fsincos fptan fpatan f2xm1 fyl2x fyl2xp1 */
static void t_x87_transc(Gen *g)
{
    static const uint8_t op[] = {0xfe, 0xff, 0xfb, 0xf2, 0xf3, 0xf0, 0xf1, 0xf9};
    if (no_transc) {
        t_x87_unary(g);
        return;
    }
    x87_op(g, 0xd9, op[rn(g, NELEM(op))]);
}

/* A control word: random precision and rounding, every exception masked;
 * now and then the reserved bits set too (the CPU decides what sticks). */
static uint32_t rnd_fcw(Gen *g)
{
    uint32_t cw = 0x3f | rn(g, 4) << 8 | rn(g, 4) << 10 | 0x40;
    if (rn(g, 8) == 0)
        cw |= rnd(g) & 0xf0c0;
    return cw;
}

/* fxch ffree fincstp fdecstp fldcw fnstcw fnstsw m16 fnclex fnop fwait */
static void t_x87_ctl(Gen *g)
{
    int32_t d = fp_disp(g);
    switch (rn(g, 10)) {
    case 0:
    case 1:
        x87_op(g, 0xd9, 0xc8 + rn(g, 8));
        break;
    case 2:
        x87_op(g, 0xdd, 0xc0 + rn(g, 8));
        break;
    case 3:
        x87_op(g, 0xd9, rn(g, 2) ? 0xf6 : 0xf7);
        break;
    case 4:
    case 5:
        guard_st16(g, d, rnd_fcw(g));
        x87_mem(g, 0xd9, 5, d);
        break;
    case 6:
        x87_mem(g, 0xd9, 7, d);
        break;
    case 7:
        x87_mem(g, 0xdd, 7, d);
        break;
    case 8:
        x87_op(g, 0xdb, 0xe2);
        break;
    default:
        if (rn(g, 2)) {
            x87_op(g, 0xd9, 0xd0);
        } else {
            prefixes(g, 0, 0, 0);
            eb(g, 0x9b);
        }
        break;
    }
}

static const Tmpl tmpl_x87[] = {
    {t_x87_load, 8, 1},  {t_x87_store, 6, 1},  {t_x87_arith, 10, 1}, {t_x87_cmp, 5, 1},
    {t_x87_fcmov, 2, 1}, {t_x87_unary, 4, 1}, {t_x87_transc, 3, 1}, {t_x87_ctl, 5, 1},
};

/* ---- SSE floating-point table (--ssefp) -------------------------------------
 * xmm0-7 start with float32 or float64 edge values, MXCSR with a random
 * rounding mode, DAZ and FTZ, all exceptions masked (now and then some
 * unmasked: the SIGFPE is compared like any fault); ldmxcsr in the sequence
 * keeps the masks.  comiss/ucomiss and friends write ZF PF CF, clear OF SF AF. */

static const uint8_t sse_pfx[4] = {0, 0x66, 0xf3, 0xf2}; /* ps pd ss sd */

/* An xmm operand, or m128 at any (unaligned: movups) address of scratch[] */
static Opnd pick_xrm_u(Gen *g)
{
    Opnd o = pick_xrm(g);
    if (o.mem) {
        uint32_t a = A32(scratch) + rn(g, SCRATCH_SIZE - 32);
        memcpy(&o.a.b[1], &a, 4);
    }
    return o;
}

/* [pfx] 0F op xmm, xmm/m */
static void sse_op(Gen *g, int pfx, int op, const Opnd *e, int reg)
{
    if (pfx)
        eb(g, pfx);
    prefixes(g, 0, 0, e->mem);
    eb(g, 0x0f);
    eb(g, op);
    emit_rm(g, e, reg);
}

/* add mul sub min div max sqrt (ps pd ss sd), rsqrt rcp (ps ss) */
static void t_ssefp_arith(Gen *g)
{
    static const uint8_t op[] = {0x58, 0x59, 0x5c, 0x5d, 0x5e, 0x5f, 0x51, 0x52, 0x53};
    int k = rn(g, NELEM(op));
    int p = op[k] >= 0x52 ? 2 * (int)rn(g, 2) : (int)rn(g, 4);
    Opnd e = pick_xrm(g);
    sse_op(g, sse_pfx[p], op[k], &e, rn(g, 8));
}

/* cmpps/pd/ss/sd with every predicate (and now and then a reserved one) */
static void t_ssefp_cmp(Gen *g)
{
    Opnd e = pick_xrm(g);
    sse_op(g, sse_pfx[rn(g, 4)], 0xc2, &e, rn(g, 8));
    eb(g, rn(g, 16) ? rn(g, 8) : rnd(g));
}

/* comiss ucomiss comisd ucomisd */
static void t_ssefp_comi(Gen *g)
{
    Opnd e = pick_xrm(g);
    sse_op(g, rn(g, 2) ? 0x66 : 0, rn(g, 2) ? 0x2e : 0x2f, &e, rn(g, 8));
    fx(g, 0, FALL, 0);
}

/* every conversion between int32, float and double with an xmm side */
static void t_ssefp_cvt(Gen *g)
{
    static const struct {
        uint8_t pfx, op, kind; /* 0 xmm,xmm/m  1 xmm,r/m32  2 r32,xmm/m */
    } c[] = {
        {0, 0x5a, 0},    {0x66, 0x5a, 0}, {0xf3, 0x5a, 0}, {0xf2, 0x5a, 0},
        {0, 0x5b, 0},    {0x66, 0x5b, 0}, {0xf3, 0x5b, 0}, {0xf3, 0xe6, 0},
        {0xf2, 0xe6, 0}, {0x66, 0xe6, 0}, {0xf3, 0x2a, 1}, {0xf2, 0x2a, 1},
        {0xf3, 0x2d, 2}, {0xf3, 0x2c, 2}, {0xf2, 0x2d, 2}, {0xf2, 0x2c, 2},
    };
    int k = rn(g, NELEM(c));
    if (c[k].kind == 1) {
        Opnd e = pick_rm(g, 4, 0);
        sse_op(g, c[k].pfx, c[k].op, &e, rn(g, 8));
    } else {
        Opnd e = pick_xrm(g);
        sse_op(g, c[k].pfx, c[k].op, &e, c[k].kind == 2 ? dreg(g, 4) : (int)rn(g, 8));
    }
}

/* andps andnps orps xorps (pd too), shufps/pd, unpck[lh]ps/pd */
static void t_ssefp_logic(Gen *g)
{
    static const uint8_t op[] = {0x54, 0x55, 0x56, 0x57, 0xc6, 0x14, 0x15};
    int k = rn(g, NELEM(op));
    Opnd e = pick_xrm(g);
    sse_op(g, rn(g, 2) ? 0x66 : 0, op[k], &e, rn(g, 8));
    if (op[k] == 0xc6)
        eb(g, rnd(g));
}

/* movaps movups movss movsd (loads, stores, register forms), movlps movhps
 * movlpd movhpd, movhlps movlhps, movmskps/pd */
static void t_ssefp_mov(Gen *g)
{
    int which = rn(g, 5);
    if (which <= 1) { /* 0F 10/11 (ups upd ss sd), 0F 28/29 (aps apd) */
        int p = rn(g, 4), store = rn(g, 2), aligned = p < 2 && rn(g, 2);
        Opnd e = aligned || p >= 2 ? pick_xrm(g) : pick_xrm_u(g);
        sse_op(g, sse_pfx[p], (aligned ? 0x28 : 0x10) + store, &e, rn(g, 8));
    } else if (which == 2) { /* movlps/movhps/movlpd/movhpd m64 */
        Opnd e = pick_xrm_u(g);
        if (!e.mem)
            e = pick_xrm_u(g);
        if (!e.mem) { /* movhlps / movlhps */
            sse_op(g, 0, rn(g, 2) ? 0x12 : 0x16, &e, rn(g, 8));
            return;
        }
        sse_op(g, rn(g, 2) ? 0x66 : 0, (rn(g, 2) ? 0x12 : 0x16) + rn(g, 2), &e, rn(g, 8));
    } else if (which == 3) { /* movmskps/pd r32, xmm */
        Opnd e = reg_opnd(rn(g, 8));
        sse_op(g, rn(g, 2) ? 0x66 : 0, 0x50, &e, dreg(g, 4));
    } else { /* movss/movsd register forms */
        Opnd e = reg_opnd(rn(g, 8));
        sse_op(g, rn(g, 2) ? 0xf3 : 0xf2, 0x10 + rn(g, 2), &e, rn(g, 8));
    }
}

/* SSE3: haddps/pd hsubps/pd addsubps/pd movddup movsldup movshdup */
static void t_ssefp_sse3(Gen *g)
{
    static const uint8_t c[][2] = {{0xf2, 0x7c}, {0x66, 0x7c}, {0xf2, 0x7d}, {0x66, 0x7d},
                                   {0xf2, 0xd0}, {0x66, 0xd0}, {0xf2, 0x12}, {0xf3, 0x12},
                                   {0xf3, 0x16}};
    int k = rn(g, NELEM(c));
    Opnd e = pick_xrm(g);
    sse_op(g, c[k][0], c[k][1], &e, rn(g, 8));
}

/* SSE4.1: round ps/pd/ss/sd, dpps dppd, blendps/pd, insertps, extractps,
 * blendvps/pd (xmm0 implicit) */
static void t_ssefp_sse41(Gen *g)
{
    static const uint8_t op3a[] = {0x08, 0x09, 0x0a, 0x0b, 0x40, 0x41, 0x0c, 0x0d, 0x21, 0x17};
    int k = rn(g, NELEM(op3a) + 2);
    if (k >= NELEM(op3a)) {
        Opnd e = pick_xrm(g);
        eb(g, 0x66);
        prefixes(g, 0, 0, e.mem);
        eb(g, 0x0f), eb(g, 0x38), eb(g, 0x14 + k - NELEM(op3a));
        emit_rm(g, &e, rn(g, 8));
        return;
    }
    Opnd e = op3a[k] == 0x17 ? pick_rm(g, 4, 1) : pick_xrm(g);
    eb(g, 0x66);
    prefixes(g, 0, 0, e.mem);
    eb(g, 0x0f), eb(g, 0x3a), eb(g, op3a[k]);
    emit_rm(g, &e, rn(g, 8));
    eb(g, op3a[k] <= 0x0b && rn(g, 2) ? rn(g, 16) : rnd(g));
}

/* An MXCSR value: random rounding, DAZ, FTZ and sticky flags, masks set */
static uint32_t rnd_mxcsr(Gen *g)
{
    return 0x1f80 | (rnd(g) & 0xe040) | (rn(g, 2) ? rnd(g) & 0x3f : 0);
}

/* ldmxcsr (after a guard store), stmxcsr */
static void t_ssefp_mxcsr(Gen *g)
{
    int32_t d = fp_disp(g);
    int ld = rn(g, 3) != 0;
    if (ld)
        guard_st32(g, d, rnd_mxcsr(g));
    prefixes(g, 0, 0, 1);
    eb(g, 0x0f), eb(g, 0xae);
    ebp_modrm(g, ld ? 2 : 3, d);
}

static const Tmpl tmpl_ssefp[] = {
    {t_ssefp_arith, 10, 1}, {t_ssefp_cmp, 3, 1},  {t_ssefp_comi, 2, 1},
    {t_ssefp_cvt, 6, 1},    {t_ssefp_logic, 3, 1}, {t_ssefp_mov, 4, 1},
    {t_ssefp_sse3, 2, 1},   {t_ssefp_sse41, 4, 1}, {t_ssefp_mxcsr, 2, 1},
};

/* ---- generating, printing and parsing sequences --------------------------- */

/* The integer table, or one of the tables the options enabled, each as
 * likely (with --sse alone: half integer, half SSE2 integer, as always). */
static const Tmpl *pick_unit_tmpl(Gen *g)
{
    int n = 1 + isa_sse + isa_x87 + isa_ssefp;
    int k = n > 1 ? (int)rn(g, n) : 0;
    if (k == 0)
        return pick_tmpl(g, 0);
    if (isa_sse && --k == 0)
        return pick_from(g, tmpl_sse, NTMPL_SSE);
    if (isa_x87 && --k == 0)
        return pick_from(g, tmpl_x87, NELEM(tmpl_x87));
    return pick_from(g, tmpl_ssefp, NELEM(tmpl_ssefp));
}

static void gen_seq(Seq *s, uint32_t seed, unsigned *ninsn)
{
    Gen g = {.rng = mix32(seed * 2 + 1)};
    s->seed = seed;
    s->n = 1 + rn(&g, SEQ_MAX - 1);
    for (int i = 0; i < s->n; i++) {
        memset(&s->u[i], 0, sizeof s->u[i]);
        g.u = &s->u[i];
        pick_unit_tmpl(&g)->fn(&g);
    }
    *ninsn += g.ninsn;
}

static void print_line(const Seq *s)
{
    printf("%u", s->seed);
    for (int i = 0; i < s->n; i++) {
        const Unit *u = &s->u[i];
        printf(" ");
        for (int k = 0; k < u->len; k++)
            printf("%02x", u->b[k]);
        if (u->read | u->kill | u->gen)
            printf(":%x:%x:%x", u->read, u->kill, u->gen);
    }
    printf("\n");
}

static int hexval(int c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Parse "SEED UNIT..."; returns 0 on a malformed line. */
static int parse_line(Seq *s, const char *p)
{
    char *end;
    s->seed = (uint32_t)strtoul(p, &end, 0);
    if (end == p)
        return 0;
    p = end;
    s->n = 0;
    for (;;) {
        while (*p == ' ' || *p == '\t')
            p++;
        if (!*p || *p == '\n' || *p == '#')
            return 1;
        if (s->n == SEQ_MAX)
            return 0;
        Unit *u = &s->u[s->n++];
        memset(u, 0, sizeof *u);
        while (hexval(p[0]) >= 0 && hexval(p[1]) >= 0 && u->len < UNIT_MAX) {
            u->b[u->len++] = (uint8_t)(hexval(p[0]) << 4 | hexval(p[1]));
            p += 2;
        }
        if (*p == ':') {
            unsigned r, k, gn;
            int used;
            if (sscanf(p, ":%x:%x:%x%n", &r, &k, &gn, &used) != 3)
                return 0;
            u->read = r, u->kill = k, u->gen = gn;
            p += used;
        }
        if (*p && *p != ' ' && *p != '\t' && *p != '\n')
            return 0;
    }
}

/* ---- running ------------------------------------------------------------ */

/* The code buffer sits at a fixed address too: FIP in a saved x87 state
 * (compared while an exception is pending) is an absolute address. */
#define code ((uint8_t *)0x30010000)
#define CODE_SIZE 8192

/* x87 state in and out (fnsave images), MXCSR in and out, and the C code's
 * MXCSR, restored by the epilogue */
static uint8_t fin[108], fout[108];
static uint32_t mxin, mxout, mx_c;


static uint8_t *put8(uint8_t *p, uint32_t v)
{
    *p++ = (uint8_t)v;
    return p;
}

static uint8_t *put32(uint8_t *p, uint32_t v)
{
    memcpy(p, &v, 4);
    return p + 4;
}

/* prologue: save the C registers, load the random state */
static uint8_t *emit_prologue(uint8_t *p)
{
    p = put8(p, 0x60);                                     /* pusha */
    p = put8(p, 0x89), p = put8(p, 0x25);                  /* mov [saved_esp], esp */
    p = put32(p, A32(&saved_esp));
    p = put8(p, 0xbc), p = put32(p, ESP_VAL);              /* mov esp, imm */
    p = put8(p, 0xff), p = put8(p, 0x35);                  /* push dword [rin.fl] */
    p = put32(p, A32(&rin.fl));
    p = put8(p, 0x9d);                                     /* popf */
    for (int r = 0; r < 8; r++) {
        if (r == 4)
            continue;
        p = put8(p, 0x8b), p = put8(p, 0x05 | r << 3);     /* mov r, [rin.r[r]] */
        p = put32(p, A32(&rin.r[r]));
    }
    if (isa_x87) {                                         /* frstor [fin] */
        p = put8(p, 0xdd), p = put8(p, 0x25), p = put32(p, A32(fin));
    }
    if (isa_ssefp) {                        /* stmxcsr [mx_c]; ldmxcsr [mxin] */
        p = put8(p, 0x0f), p = put8(p, 0xae), p = put8(p, 0x1d), p = put32(p, A32(&mx_c));
        p = put8(p, 0x0f), p = put8(p, 0xae), p = put8(p, 0x15), p = put32(p, A32(&mxin));
    }
    for (int x = 0; (isa_sse || isa_ssefp) && x < 8; x++) { /* movdqu xmmx, [xin+16x] */
        p = put8(p, 0xf3), p = put8(p, 0x0f), p = put8(p, 0x6f), p = put8(p, 0x05 | x << 3);
        p = put32(p, A32(xin + 16 * x));
    }
    return p;
}

/* epilogue: store the state, restore the C registers */
static uint8_t *emit_epilogue(uint8_t *p)
{
    for (int r = 0; r < 8; r++) {
        p = put8(p, 0x89), p = put8(p, 0x05 | r << 3);     /* mov [rout.r[r]], r */
        p = put32(p, A32(&rout.r[r]));
    }
    for (int x = 0; (isa_sse || isa_ssefp) && x < 8; x++) { /* movdqu [xout+16x], xmmx */
        p = put8(p, 0xf3), p = put8(p, 0x0f), p = put8(p, 0x7f), p = put8(p, 0x05 | x << 3);
        p = put32(p, A32(xout + 16 * x));
    }
    if (isa_x87) {                             /* fnsave [fout] (and fninit) */
        p = put8(p, 0xdd), p = put8(p, 0x35), p = put32(p, A32(fout));
    }
    if (isa_ssefp) {                       /* stmxcsr [mxout]; ldmxcsr [mx_c] */
        p = put8(p, 0x0f), p = put8(p, 0xae), p = put8(p, 0x1d), p = put32(p, A32(&mxout));
        p = put8(p, 0x0f), p = put8(p, 0xae), p = put8(p, 0x15), p = put32(p, A32(&mx_c));
    }
    p = put8(p, 0x9c);                                     /* pushf */
    p = put8(p, 0x8f), p = put8(p, 0x05);                  /* pop dword [rout.fl] */
    p = put32(p, A32(&rout.fl));
    p = put8(p, 0xc7), p = put8(p, 0x44), p = put8(p, 0x24); /* mov dword [esp-4], 0 */
    p = put8(p, 0xfc), p = put32(p, 0);
    p = put8(p, 0xfc);                                     /* cld */
    p = put8(p, 0x8b), p = put8(p, 0x25);                  /* mov esp, [saved_esp] */
    p = put32(p, A32(&saved_esp));
    p = put8(p, 0x61);                                     /* popa */
    p = put8(p, 0xc3);                                     /* ret */
    return p;
}

/* A fault in generated code (a generator bug, or an emulation bug) is
 * reported with the state at the fault and the sequence is abandoned. */
static sigjmp_buf fault_jb;
static volatile int fault_sig;
static volatile uint32_t fault_eip, fault_regs[8], fault_fl, fault_code, fault_addr;
/* The FP state in the signal frame (struct _fpstate_32): the fnsave-format
 * header (108 bytes, then status and magic), the fxsave image at 112. */
#define FRAME_FP_SIZE (112 + 512)
static uint8_t fault_fp[FRAME_FP_SIZE];

static void on_fault(int sig, siginfo_t *si, void *ctx)
{
    ucontext_t *uc = ctx;
    static const int gi[8] = {REG_EAX, REG_ECX, REG_EDX, REG_EBX,
                              REG_ESP, REG_EBP, REG_ESI, REG_EDI};
    fault_sig = sig;
    fault_eip = uc->uc_mcontext.gregs[REG_EIP] - A32(code);
    for (int i = 0; i < 8; i++)
        fault_regs[i] = uc->uc_mcontext.gregs[gi[i]];
    fault_fl = uc->uc_mcontext.gregs[REG_EFL];
    fault_code = si->si_code;
    memset(fault_fp, 0, sizeof fault_fp);
    if (uc->uc_mcontext.fpregs)
        memcpy(fault_fp, uc->uc_mcontext.fpregs, sizeof fault_fp);
    /* SIGSEGV: the data address; other signals: the pc, made relative */
    fault_addr = si->si_code == 0x80 ? 0 /* SI_KERNEL: no address */
                 : A32(si->si_addr) - (sig == SIGSEGV ? 0 : A32(code));
    siglongjmp(fault_jb, 1);
}

static void setup(void)
{
    if (mmap(code, CODE_SIZE, PROT_READ | PROT_WRITE | PROT_EXEC,
             MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) != code) {
        printf("mmap failed\n");
        exit(1);
    }
    if (mmap(scratch, 0x3000, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
             -1, 0) != scratch ||
        mmap((void *)RO_PAGE, 0x1000, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1,
             0) != (void *)RO_PAGE) {
        printf("mmap fixed failed\n");
        exit(1);
    }
    static uint8_t altstack[65536];
    stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack};
    sigaltstack(&ss, NULL);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
    static const int sigs[] = {SIGSEGV, SIGILL, SIGFPE, SIGBUS, SIGTRAP};
    for (unsigned i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        sigaction(sigs[i], &sa, NULL);
}

static uint32_t hash_mem(uint32_t h, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i += 4) {
        uint32_t w;
        memcpy(&w, p + i, 4);
        h = (h ^ w) * 0x01000193u;
        h ^= h >> 15;
    }
    return h;
}

/* Random initial registers, flags and memory, from the seed alone (so a
 * shrunk sequence starts from the same state).  Saved regression lines
 * depend on it: changing this function or rnd_val() changes their start. */
static void init_state(uint32_t seed)
{
    Gen g = {.rng = mix32(seed ^ 0x5eed1234u)};
    for (int r = 0; r < 8; r++)
        rin.r[r] = rnd_val(&g);
    rin.r[4] = ESP_VAL;
    rin.r[5] = EBP_VAL;
    rin.fl = (rnd(&g) & (FALL | F_DFLAG)) | 2;
    for (int i = 0; i < SCRATCH_SIZE; i += 4) {
        uint32_t v = rn(&g, 4) ? rnd(&g) : rnd_val(&g);
        memcpy(scratch + i, &v, 4);
    }
    for (int i = 0; i < STACK_SIZE; i += 4) {
        uint32_t v = rnd(&g);
        memcpy(stk + i, &v, 4);
    }
    for (int i = 0; isa_sse && i < 128; i += 4) {
        uint32_t v = rnd_val(&g);
        memcpy(xin + i, &v, 4);
    }
}

/* A random x87 state for frstor: control word with random precision and
 * rounding (every exception masked but in 1 of 16 seeds), random TOP and
 * C0-C3, random sticky exception flags while masked, tags with some empty
 * registers (all empty or all full now and then: underflow, overflow), the
 * registers from rnd_f80().  Non-empty tags are random too: the CPU
 * recomputes them. */
static void init_x87_state(Gen *g)
{
    memset(fin, 0, sizeof fin);
    uint32_t cw = 0x0040 | 0x3f | rn(g, 4) << 8 | rn(g, 4) << 10;
    int unmasked = rn(g, 16) == 0;
    if (unmasked)
        cw &= ~(rnd(g) & 0x3f);
    uint32_t sw = rn(g, 8) << 11 | (rnd(g) & 0x4700);
    if (!unmasked && rn(g, 2))
        sw |= rnd(g) & 0x7f;
    int fill = rn(g, 8); /* 0: all empty, 1: all full, else mixed */
    uint32_t tw = 0;
    for (int i = 0; i < 8; i++) {
        int empty = fill == 0 || (fill > 1 && rn(g, 8) < 3);
        tw |= (empty ? 3u : rn(g, 3)) << (2 * i);
    }
    memcpy(fin + 0, &cw, 4);
    memcpy(fin + 4, &sw, 4);
    memcpy(fin + 8, &tw, 4);
    for (int i = 0; i < 8; i++) {
        F80v v = rnd_f80(g);
        memcpy(fin + 28 + 10 * i, &v.m, 8);
        memcpy(fin + 36 + 10 * i, &v.se, 2);
    }
}

/* xmm0-7 as float32 lanes, float64 lanes or integers; MXCSR from
 * rnd_mxcsr(), with some exceptions unmasked in 1 of 16 seeds. */
static void init_sse_fp_state(Gen *g)
{
    for (int x = 0; x < 8; x++) {
        int kind = rn(g, 4);
        for (int i = 0; i < 16; i += kind == 1 ? 8 : 4) {
            if (kind == 1) {
                uint64_t v = rnd_f64(g);
                memcpy(xin + 16 * x + i, &v, 8);
            } else {
                uint32_t v = kind == 3 ? rnd_val(g) : rnd_f32(g);
                memcpy(xin + 16 * x + i, &v, 4);
            }
        }
    }
    mxin = rnd_mxcsr(g);
    if (rn(g, 16) == 0)
        mxin &= ~(rnd(g) & 0x1f80);
}

/* The floating-point part of the initial state, from its own generator so
 * the integer part (and older regression lines) stay as they were. */
static void init_fp_state(uint32_t seed)
{
    Gen g = {.rng = mix32(seed ^ 0xf10a7123u)};
    if (isa_x87)
        init_x87_state(&g);
    if (isa_ssefp)
        init_sse_fp_state(&g);
}

/* Clear what a saved x87 image may not show the same way everywhere: the
 * selectors FCS and FDS (a 64-bit kernel's context switch drops them), and
 * FIP, FOP, FDP unless an exception is pending (ES): this AMD host saves
 * them only then, and a context switch can come at any time. */
static void mask_x87_image(uint8_t *img)
{
    uint16_t sw;
    memcpy(&sw, img + 4, 2);
    memset(img + 16, 0, 2);
    memset(img + 24, 0, 4);
    if (!(sw & 0x80)) {
        memset(img + 12, 0, 4);
        memset(img + 18, 0, 2);
        memset(img + 20, 0, 4);
    }
}

/* The FP fields of a result line: x87 (from an fnsave image) and MXCSR with
 * the xmm registers (hashed; in full when verbose, for --line). */
static void print_fp(const uint8_t *img, uint32_t mx, const uint8_t *xmm, int verbose)
{
    if (isa_x87) {
        uint8_t m[108];
        uint16_t cw, sw, tw, fop;
        uint32_t fip, fdp;
        memcpy(m, img, sizeof m);
        mask_x87_image(m);
        memcpy(&cw, m, 2), memcpy(&sw, m + 4, 2), memcpy(&tw, m + 8, 2);
        memcpy(&fip, m + 12, 4), memcpy(&fop, m + 18, 2), memcpy(&fdp, m + 20, 4);
        printf(" fc=%04x fs=%04x ft=%04x fip=%x fop=%x fdp=%x fr=%08x", cw, sw, tw, fip, fop,
               fdp, hash_mem(0x811c9dc5u, m, sizeof m));
        if (verbose) { /* the initial state, to tell kept bits from set ones */
            uint16_t sw0, tw0;
            memcpy(&sw0, fin + 4, 2), memcpy(&tw0, fin + 8, 2);
            printf(" fs0=%04x ft0=%04x", sw0, tw0);
        }
        for (int i = 0; verbose && i < 8; i++) {
            uint64_t mant;
            uint16_t se;
            memcpy(&mant, m + 28 + 10 * i, 8);
            memcpy(&se, m + 36 + 10 * i, 2);
            printf(" st%d=%04x:%016llx", i, se, (unsigned long long)mant);
        }
    }
    if (isa_ssefp) {
        printf(" mx=%04x x=%08x", mx, hash_mem(0x811c9dc5u, xmm, 128));
        for (int x = 0; verbose && x < 8; x++) {
            printf(" x%d=", x);
            for (int i = 15; i >= 0; i--)
                printf("%02x", xmm[16 * x + i]);
        }
    }
}

/* For --line: the words of scratch[] and stk[] the sequence changed, as
 * " s+OFF=old>new" / " k+OFF=old>new" (regenerates the initial memory). */
static void print_mem_changes(uint32_t seed)
{
    static uint8_t after[SCRATCH_SIZE + STACK_SIZE];
    memcpy(after, scratch, SCRATCH_SIZE);
    memcpy(after + SCRATCH_SIZE, stk, STACK_SIZE);
    init_state(seed);
    for (int i = 0; i < SCRATCH_SIZE + STACK_SIZE; i += 4) {
        const uint8_t *before = i < SCRATCH_SIZE ? scratch + i : stk + i - SCRATCH_SIZE;
        uint32_t o, n;
        memcpy(&o, before, 4);
        memcpy(&n, after + i, 4);
        if (o != n)
            printf(" %c+%x=%08x>%08x", i < SCRATCH_SIZE ? 's' : 'k',
                   i < SCRATCH_SIZE ? i : i - SCRATCH_SIZE, o, n);
    }
}

/* Run sequence s and print its result line, labelled. Returns 0 if the
 * sequence was invalid (a unit reads a flag left undefined before it). */
static int run_seq(const char *label, const Seq *s)
{
    uint32_t undef = 0, ustart[SEQ_MAX + 1], uundef[SEQ_MAX + 1];
    uint8_t *p = emit_prologue(code);
    for (int i = 0; i < s->n; i++) {
        const Unit *u = &s->u[i];
        if (u->read & undef) {
            printf("%s %u: invalid (unit %d reads undefined flags %x)\n", label, s->seed, i,
                   u->read & undef);
            return 0;
        }
        ustart[i] = p - code;
        uundef[i] = undef;
        undef = (undef & ~u->kill) | u->gen;
        memcpy(p, u->b, u->len);
        p += u->len;
    }
    ustart[s->n] = p - code;
    uundef[s->n] = undef;
    emit_epilogue(p);
    init_state(s->seed);
    init_fp_state(s->seed);
    memset(&rout, 0, sizeof rout);
    fault_sig = 0;
    if (sigsetjmp(fault_jb, 1) == 0) {
        ((void (*)(void))(void *)code)();
    } else {
        __asm__ volatile("cld");
        /* flags undefined at the start of the unit that faulted (or trapped:
         * int3 reports the pc after it, the start of the next unit) */
        int i = 0;
        while (i < s->n && ustart[i + 1] <= fault_eip)
            i++;
        uint32_t fu = uundef[i] | (i < s->n ? s->u[i].gen : 0);
        uint32_t h = hash_mem(hash_mem(0x811c9dc5u, scratch, SCRATCH_SIZE), stk, STACK_SIZE);
        printf("%s %u: signal %d code %d addr %x at +%x unit %d a=%08x c=%08x d=%08x b=%08x "
               "sp=%08x bp=%08x si=%08x di=%08x f=%03x u=%03x m=%08x",
               label, s->seed, fault_sig, fault_code, fault_addr, fault_eip, i, fault_regs[0],
               fault_regs[1], fault_regs[2], fault_regs[3], fault_regs[4], fault_regs[5],
               fault_regs[6], fault_regs[7], fault_fl & ~fu & (FALL | F_DFLAG), fu, h);
        uint32_t fmx;
        memcpy(&fmx, fault_fp + 112 + 24, 4);
        print_fp(fault_fp, fmx, fault_fp + 112 + 160, label[0] == 'l');
        if (label[0] == 'l')
            print_mem_changes(s->seed);
        printf("\n");
        return 1;
    }
    uint32_t h = hash_mem(hash_mem(0x811c9dc5u, scratch, SCRATCH_SIZE), stk, STACK_SIZE);
    if (isa_sse && !isa_ssefp)
        h = hash_mem(h, xout, sizeof xout);
    printf("%s %u: a=%08x c=%08x d=%08x b=%08x sp=%08x bp=%08x si=%08x di=%08x f=%03x "
           "u=%03x m=%08x",
           label, s->seed, rout.r[0], rout.r[1], rout.r[2], rout.r[3], rout.r[4], rout.r[5],
           rout.r[6], rout.r[7], rout.fl & ~undef & (FALL | F_DFLAG), undef, h);
    print_fp(fout, mxout, xout, label[0] == 'l');
    if (label[0] == 'l')
        print_mem_changes(s->seed);
    printf("\n");
    return 1;
}

static Seq seq;

static void replay_file(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        printf("replay: cannot open the regressions file\n");
        return;
    }
    char line[8192];
    int n = 0, lineno = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        const char *p = line;
        while (*p == ' ' || *p == '\t')
            p++;
        if (!*p || *p == '\n' || *p == '#')
            continue;
        char label[32];
        snprintf(label, sizeof label, "r%d", lineno);
        if (!parse_line(&seq, p)) {
            printf("%s: malformed\n", label);
            continue;
        }
        run_seq(label, &seq);
        n++;
    }
    fclose(f);
    printf("replayed %d regressions\n", n);
}

int main(int argc, char **argv)
{
    uint32_t seed = 1, count = 100;
    unsigned ninsn = 0;
    setvbuf(stdout, NULL, _IOFBF, 1 << 16);
    setup();
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--sse")) {
            isa_sse = 1;
        } else if (!strcmp(a, "--x87")) {
            isa_x87 = 1;
        } else if (!strcmp(a, "--ssefp")) {
            isa_ssefp = 1;
        } else if (!strcmp(a, "--no-transc")) {
            no_transc = 1;
        } else if (!strcmp(a, "--replay") && v) {
            replay_file(v);
            i++;
        } else if (!strcmp(a, "--line") && v) {
            if (parse_line(&seq, v))
                run_seq("l", &seq);
            else
                printf("malformed line\n");
            i++;
        } else if (!strcmp(a, "--seed") && v) {
            seed = (uint32_t)strtoul(v, NULL, 0);
            i++;
        } else if (!strcmp(a, "--count") && v) {
            count = (uint32_t)strtoul(v, NULL, 0);
            i++;
            unsigned units = 0;
            for (uint32_t k = 0; k < count; k++) {
                gen_seq(&seq, seed + k, &ninsn);
                units += seq.n;
                run_seq("s", &seq);
            }
            printf("ran %u sequences, %u units, %u instructions\n", count, units, ninsn);
        } else if (!strcmp(a, "--dump") && v) {
            gen_seq(&seq, (uint32_t)strtoul(v, NULL, 0), &ninsn);
            print_line(&seq);
            i++;
        } else {
            printf("usage: test-randseq [--sse] [--x87] [--ssefp] [--no-transc] "
                   "[--replay FILE] [--line L] "
                   "[--seed S --count N] [--dump S]\n");
            return 2;
        }
    }
    return 0;
}
