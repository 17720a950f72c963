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
 *    first, and the final EFLAGS print masks flags still undefined.
 *
 * Command line (run in order):
 *   --sse             also generate SSE2 integer instructions (tmpl_sse) and
 *                     compare xmm0-7; must come first
 *   --replay FILE     replay each "SEED UNIT..." line of FILE (# comments)
 *   --line "SEED UNIT..."   replay one line
 *   --seed S --count N      run generated sequences S .. S+N-1
 *   --dump S          print the replay line of generated sequence S
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

/* x87: the table goes here once translate_x87.c is complete (same shape as
 * tmpl_sse, with the FPU state saved by fnsave in the epilogue). */

static const Tmpl *pick_sse(Gen *g)
{
    int total = 0;
    for (int i = 0; i < NTMPL_SSE; i++)
        total += tmpl_sse[i].weight;
    int r = rn(g, total);
    for (int i = 0; i < NTMPL_SSE; i++) {
        r -= tmpl_sse[i].weight;
        if (r < 0)
            return &tmpl_sse[i];
    }
    return &tmpl_sse[0];
}

/* ---- generating, printing and parsing sequences --------------------------- */

static void gen_seq(Seq *s, uint32_t seed, unsigned *ninsn)
{
    Gen g = {.rng = mix32(seed * 2 + 1)};
    s->seed = seed;
    s->n = 1 + rn(&g, SEQ_MAX - 1);
    for (int i = 0; i < s->n; i++) {
        memset(&s->u[i], 0, sizeof s->u[i]);
        g.u = &s->u[i];
        if (isa_sse && rn(&g, 2))
            pick_sse(&g)->fn(&g);
        else
            pick_tmpl(&g, 0)->fn(&g);
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

static uint8_t *code;
#define CODE_SIZE 8192


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
    for (int x = 0; isa_sse && x < 8; x++) {               /* movdqu xmmx, [xin+16x] */
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
    for (int x = 0; isa_sse && x < 8; x++) {               /* movdqu [xout+16x], xmmx */
        p = put8(p, 0xf3), p = put8(p, 0x0f), p = put8(p, 0x7f), p = put8(p, 0x05 | x << 3);
        p = put32(p, A32(xout + 16 * x));
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
    /* SIGSEGV: the data address; other signals: the pc, made relative */
    fault_addr = si->si_code == 0x80 ? 0 /* SI_KERNEL: no address */
                 : A32(si->si_addr) - (sig == SIGSEGV ? 0 : A32(code));
    siglongjmp(fault_jb, 1);
}

static void setup(void)
{
    code = mmap(NULL, CODE_SIZE, PROT_READ | PROT_WRITE | PROT_EXEC,
                MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (code == MAP_FAILED) {
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
               "sp=%08x bp=%08x si=%08x di=%08x f=%03x u=%03x m=%08x\n",
               label, s->seed, fault_sig, fault_code, fault_addr, fault_eip, i, fault_regs[0],
               fault_regs[1], fault_regs[2], fault_regs[3], fault_regs[4], fault_regs[5],
               fault_regs[6], fault_regs[7], fault_fl & ~fu & (FALL | F_DFLAG), fu, h);
        return 1;
    }
    uint32_t h = hash_mem(hash_mem(0x811c9dc5u, scratch, SCRATCH_SIZE), stk, STACK_SIZE);
    if (isa_sse)
        h = hash_mem(h, xout, sizeof xout);
    printf("%s %u: a=%08x c=%08x d=%08x b=%08x sp=%08x bp=%08x si=%08x di=%08x f=%03x "
           "u=%03x m=%08x\n",
           label, s->seed, rout.r[0], rout.r[1], rout.r[2], rout.r[3], rout.r[4], rout.r[5],
           rout.r[6], rout.r[7], rout.fl & ~undef & (FALL | F_DFLAG), undef, h);
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
            printf("usage: test-randseq [--sse] [--replay FILE] [--line L] "
                   "[--seed S --count N] [--dump S]\n");
            return 2;
        }
    }
    return 0;
}
