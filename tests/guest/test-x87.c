/*
 * test-x87.c - every x87 instruction form over edge values, under every
 * rounding mode and precision control, with masked and unmasked exceptions;
 * the real CPU is the oracle (stdout must match natively and under xlat).
 *
 * Each case runs one instruction in a small code buffer at a fixed address:
 *     fninit; fldcw [cw]; push [flags]; popf; fldt [b]; fldt [a];
 *     <the instruction>; pushf; pop [flags_out]; fnsave [img]; ret
 * and hashes the whole fnsave image (control, status with TOP and C0-C3,
 * tag word, FIP/FOP/FDP and the eight registers), the EFLAGS it left and any
 * memory operand.  One line per (instruction, control word) prints the hash;
 * run with "-v" to print every case (to find the first difference).
 *
 * Example line: "d8 c1 cw=037f crc=1234abcd" (fadd st, st(1), 44 pairs).
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdbool.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <math.h>
#include <stdlib.h>

#include "guest.h"

#define CODE_ADDR 0x20000000u

typedef struct {
    uint64_t mant;
    uint16_t sexp;
} __attribute__((packed)) F80;

static F80 g_a, g_b;
static uint16_t g_cw;
static uint32_t g_flags, g_flags_out;
static uint8_t g_img[108];
static uint8_t g_mem[16] __attribute__((aligned(16)));
static int g_verbose;

static const F80 values[] = {
    {0, 0},                                 /* +0 */
    {0, 0x8000},                            /* -0 */
    {0x8000000000000000ull, 0x3fff},        /* 1 */
    {0xc000000000000000ull, 0xbfff},        /* -1.5 */
    {0xaaaaaaaaaaaaaaabull, 0x3ffd},        /* 1/3 rounded */
    {0xc90fdaa22168c235ull, 0x4000},        /* pi */
    {0x8000000000000000ull, 0x0001},        /* smallest normal */
    {0x0000000000000001ull, 0x0000},        /* smallest denormal */
    {0x8000000000000001ull, 0x0000},        /* pseudo-denormal */
    {0xffffffffffffffffull, 0x7ffe},        /* largest finite */
    {0x8000000000000000ull, 0x7fff},        /* +inf */
    {0x8000000000000000ull, 0xffff},        /* -inf */
    {0xc000000000001234ull, 0x7fff},        /* QNaN with payload */
    {0x8000000000005678ull, 0xffff},        /* -SNaN with payload */
    {0x4000000000000000ull, 0x4000},        /* unnormal */
    {0x4000000000000000ull, 0x7fff},        /* pseudo-NaN */
    {0x0000000000000000ull, 0x7fff},        /* pseudo-infinity */
    {0xffffffffffffffffull, 0x403e},        /* 2^64 - 1 */
    {0x8000000000000401ull, 0x3fff},        /* 1 + ulp53 tie area */
    {0xfffffe0000000001ull, 0x407e},        /* near float max */
    {0x8000000000000001ull, 0x3f80},        /* float denormal range */
    {0xb8aa3b295c17f0bcull, 0x3fff},        /* log2(e) */
    {0xc000000000000000ull, 0x4040},        /* 2^65 * 1.5 */
    {0x9c40000000000000ull, 0x400c},        /* 10000 */
};
#define NVAL (sizeof(values) / sizeof(values[0]))

static const uint16_t cws[] = {0x037f, 0x077f, 0x0b7f, 0x0f7f, 0x007f, 0x027f, 0x0340};
#define NCW (sizeof(cws) / sizeof(cws[0]))

/* ---- the code buffer ---- */

static uint8_t *emit(uint8_t *p, const void *bytes, size_t n)
{
    memcpy(p, bytes, n);
    return p + n;
}

static uint8_t *emit_abs(uint8_t *p, uint8_t op, uint8_t modrm_reg, const void *addr)
{
    uint32_t a = (uint32_t)(uintptr_t)addr;
    *p++ = op;
    *p++ = (uint8_t)(modrm_reg << 3 | 5);
    memcpy(p, &a, 4);
    return p + 4;
}

/* Build: prologue, `insn` (n bytes), epilogue. nload = values pushed. */
static void build(const uint8_t *insn, size_t n, int nload)
{
    uint8_t *p = (uint8_t *)CODE_ADDR;
    static const uint8_t fninit[] = {0xdb, 0xe3};
    p = emit(p, fninit, 2);
    p = emit_abs(p, 0xd9, 5, &g_cw);          /* fldcw */
    p = emit_abs(p, 0xff, 6, &g_flags);       /* push [flags] */
    *p++ = 0x9d;                              /* popf */
    if (nload >= 2)
        p = emit_abs(p, 0xdb, 5, &g_b);       /* fld tbyte [b] */
    if (nload >= 1)
        p = emit_abs(p, 0xdb, 5, &g_a);
    p = emit(p, insn, n);
    *p++ = 0x9c;                              /* pushf */
    p = emit_abs(p, 0x8f, 0, &g_flags_out);   /* pop [flags_out] */
    p = emit_abs(p, 0xdd, 6, g_img);          /* fnsave */
    *p++ = 0xc3;
}

static void run(void)
{
    ((void (*)(void))CODE_ADDR)();
}

static void dump_f80(const uint8_t *p)
{
    uint64_t m;
    uint16_t e;
    memcpy(&m, p, 8);
    memcpy(&e, p + 8, 2);
    printf(" %04x:%016llx", e, (unsigned long long)m);
}

/* Hash (and with -v print) the state after one case. */
static uint32_t record(uint32_t crc, const char *what)
{
    uint16_t sw, tw;
    memcpy(&sw, g_img + 4, 2);
    memcpy(&tw, g_img + 8, 2);
    uint32_t fl = g_flags_out & 0x8d5;
    /* AMD CPUs save FIP/FOP/FDP only while an exception is pending, so a
     * context switch clears them: compare them only when ES is set */
    if (!(sw & 0x80))
        memset(g_img + 12, 0, 16);
    /* a 64-bit kernel's context switch (xsave64) drops FCS and FDS */
    memset(g_img + 16, 0, 2);
    memset(g_img + 24, 0, 2);
    crc = g_crc32(crc, g_img, sizeof(g_img));
    crc = g_crc32(crc, &fl, 4);
    crc = g_crc32(crc, g_mem, sizeof(g_mem));
    if (g_verbose) {
        printf("  %s sw=%04x tw=%04x fl=%03x fop=%03x", what, sw, tw, fl,
               (unsigned)(g_img[18] | (g_img[19] & 7) << 8));
        int top = (sw >> 11) & 7;
        for (int i = 0; i < 8; i++)
            if (((tw >> (2 * ((top + i) & 7))) & 3) != 3)
                dump_f80(g_img + 28 + 10 * i);
        printf(" env=");
        for (int i = 0; i < 28; i++)
            printf("%02x", g_img[i]);
        printf(" regs=%08x", g_crc32(0, g_img + 28, 80));
        printf(" mem=");
        for (int i = 0; i < 10; i++)
            printf("%02x", g_mem[i]);
        printf("\n");
    }
    return crc;
}

/* ---- register forms ---- */

static const uint8_t reg_defined[8][8] = {
    {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff},
    {0xff, 0xff, 0x01, 0xff, 0x33, 0x7f, 0xff, 0xff},
    {0xff, 0xff, 0xff, 0xff, 0x00, 0x02, 0x00, 0x00},
    {0xff, 0xff, 0xff, 0xff, 0x1f, 0xff, 0xff, 0x00},
    {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff},
    {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00},
    {0xff, 0xff, 0xff, 0x02, 0xff, 0xff, 0xff, 0xff},
    {0xff, 0xff, 0xff, 0xff, 0x01, 0xff, 0xff, 0x00},
};

static void test_reg_forms(void)
{
    for (int esc = 0; esc < 8; esc++) {
        for (int modrm = 0xc0; modrm <= 0xff; modrm++) {
            int reg = (modrm >> 3) & 7, rm = modrm & 7;
            if (!((reg_defined[esc][reg] >> rm) & 1))
                continue;
            bool d9misc = esc == 1 && modrm >= 0xe0;
            if (!d9misc && rm > 2 && !(esc == 2 || esc == 3))
                continue; /* st(0), st(1), st(2) (empty) are enough */
            if ((esc == 2 || esc == 3) && modrm < 0xe0 && rm > 2)
                continue;
            uint8_t insn[2] = {(uint8_t)(0xd8 + esc), (uint8_t)modrm};
            build(insn, 2, 2);
            /* rounding and precision matter to arithmetic only */
            bool arith = esc == 0 || esc == 4 || esc == 6 || d9misc;
            for (size_t c = 0; c < NCW; c += arith ? 1 : NCW - 1) {
                uint32_t crc = 0;
                g_cw = cws[c];
                if (g_verbose)
                    printf("%02x %02x cw=%04x\n", insn[0], insn[1], g_cw);
                for (size_t i = 0; i < NVAL; i++) {
                    /* ST(2) is empty: its value does not matter */
                    size_t step = (d9misc || esc == 2 || esc == 3) ? 5 : rm == 2 ? NVAL : 2;
                    for (size_t j = i & 1; j < NVAL; j += step) {
                        g_a = values[i];
                        g_b = values[j];
                        g_flags = (i + j) & 1 ? 0x0c5 : 0x800; /* fcmov conditions */
                        if (j % 3 == 2)
                            g_flags = 0x001;
                        memset(g_mem, 0, sizeof(g_mem));
                        run();
                        char what[32];
                        snprintf(what, sizeof(what), "a%zu b%zu", i, j);
                        crc = record(crc, what);
                    }
                }
                printf("%02x %02x cw=%04x crc=%08x\n", insn[0], insn[1], g_cw, crc);
            }
        }
    }
}

/* ---- memory forms ---- */

static const uint32_t mem32[] = {0, 0x80000000, 0x3f800000, 0x00000001, 0x007fffff, 0x7f800000,
                                 0xff800000, 0x7fc00001, 0x7f800001, 0x7f7fffff, 0x4b800001,
                                 0xcf000000, 0x7fffffff, 0x12345678};
static const uint64_t mem64[] = {0, 0x8000000000000000ull, 0x3ff0000000000000ull, 1,
                                 0x000fffffffffffffull, 0x7ff0000000000000ull,
                                 0x7ff8000000000001ull, 0x7ff0000000000001ull,
                                 0x7fefffffffffffffull, 0x43e0000000000000ull,
                                 0xffffffffffffffffull, 0x7fffffffffffffffull,
                                 0x0123456789abcdefull};

static void test_mem_forms(void)
{
    for (int esc = 0; esc < 8; esc++) {
        for (int reg = 0; reg < 8; reg++) {
            bool ctl = (esc == 1 && reg >= 4) || (esc == 5 && reg >= 4) || (esc == 1 && reg == 1) ||
                       (esc == 3 && (reg == 4 || reg == 6));
            if (ctl)
                continue;
            uint8_t insn[6];
            emit_abs(insn, (uint8_t)(0xd8 + esc), (uint8_t)reg, g_mem);
            /* loads push onto one value; others work on two */
            bool load = (esc & 1) && (reg == 0 || (esc == 3 && reg == 5) || (esc == 7 && (reg == 4 || reg == 5)));
            bool store = (esc & 1) && !load;
            build(insn, 6, load ? 1 : 2);
            for (size_t c = 0; c < NCW; c++) {
                uint32_t crc = 0;
                g_cw = cws[c];
                if (g_verbose)
                    printf("%02x /%d cw=%04x\n", insn[0], reg, g_cw);
                size_t nm = store ? 1 : 14;
                for (size_t i = c & 1; i < NVAL; i += load ? 3 : 2) {
                    for (size_t k = 0; k < nm; k++) {
                        g_a = values[i];
                        g_b = values[(i + 5) % NVAL];
                        g_flags = 0;
                        memset(g_mem, store ? 0xcc : 0, sizeof(g_mem));
                        if (!store) {
                            if (k < 13)
                                memcpy(g_mem, &mem64[k], 8);
                            else
                                memcpy(g_mem, &values[i], 10);
                            if ((esc == 0 || esc == 1 || esc == 2 || esc == 3) && k < 14)
                                memcpy(g_mem, &mem32[k], 4);
                        }
                        run();
                        char what[32];
                        snprintf(what, sizeof(what), "a%zu m%zu", i, k);
                        crc = record(crc, what);
                    }
                }
                printf("%02x /%d cw=%04x crc=%08x\n", insn[0], reg, g_cw, crc);
            }
        }
    }
}

/* ---- stack overflow, constants per RC, environment images ---- */

static void test_stack_and_env(void)
{
    static uint8_t env28[28], save[108];
    static uint8_t fx[512] __attribute__((aligned(16)));
    uint16_t cw, sw;
    for (size_t c = 0; c < NCW; c++) {
        g_cw = cws[c];
        /* nine pushes: the ninth overflows */
        __asm__ volatile("fninit; fldcw %2; fld1; fldpi; fldl2t; fldl2e; fldlg2; fldln2; fldz; fld1;"
                         "fldpi; fnstsw %0; fnsave %1"
                         : "=m"(sw), "=m"(save) : "m"(g_cw));
        printf("overflow cw=%04x sw=%04x crc=%08x\n", g_cw, sw, g_crc32(0, save, sizeof(save)));
        /* constants under each rounding mode */
        __asm__ volatile("fninit; fldcw %1; fldpi; fldl2t; fldl2e; fldlg2; fldln2; fnsave %0"
                         : "=m"(save) : "m"(g_cw));
        printf("consts cw=%04x:", g_cw);
        for (int i = 0; i < 5; i++)
            dump_f80(save + 28 + 10 * i);
        printf("\n");
    }
    /* fnstenv masks exceptions; fldenv/frstor round trip; 16-bit forms */
    g_cw = 0x0360;
    __asm__ volatile("fninit; fldcw %2; fld1; fldz; fnstenv %0; fnstcw %1; fninit"
                     : "=m"(env28), "=m"(cw) : "m"(g_cw));
    printf("fnstenv cw=%04x img:", cw);
    for (int i = 0; i < 28; i++)
        printf("%02x", env28[i]);
    printf("\n");
    __asm__ volatile("fninit; fldenv %1; fnstsw %%ax; fnstenv %0; fninit" : "=m"(env28) : "m"(env28) : "eax");
    printf("fldenv round trip:");
    for (int i = 0; i < 28; i++)
        printf("%02x", env28[i]);
    printf("\n");
    __asm__ volatile("fninit; fld1; fldpi; data16 fnstenv %0; fninit" : "=m"(env28));
    printf("fnstenv16:");
    for (int i = 0; i < 14; i++)
        printf("%02x", env28[i]);
    printf("\n");
    __asm__ volatile("fninit; fld1; fldpi; fnsave %0; frstor %0; fchs; fnsave %0" : "+m"(save));
    printf("frstor fchs crc=%08x\n", g_crc32(0, save, sizeof(save)));
    memset(fx, 0x5a, sizeof(fx));
    __asm__ volatile("fninit; fld1; fldpi; fldz; fxsave %0; fninit; fxrstor %0; fsqrt; fxsave %0"
                     : "+m"(fx));
    printf("fxsave:");
    for (int i = 0; i < 160; i++)
        printf("%02x", fx[i]);
    printf(" tail crc=%08x\n", g_crc32(0, fx + 288, 512 - 288));
}

/* ---- unmasked exceptions: SIGFPE at the next waiting instruction ---- */

static sigjmp_buf g_jmp;
static volatile uint32_t g_fault_eip;
static volatile int g_fault_code;

static void on_fpe(int sig, siginfo_t *si, void *uc_)
{
    ucontext_t *uc = uc_;
    g_fault_code = si->si_code;
    g_fault_eip = (uint32_t)uc->uc_mcontext.gregs[REG_EIP];
    siglongjmp(g_jmp, 1);
}

static void test_sigfpe(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_fpe;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigaction(SIGFPE, &sa, NULL);
    /* cw unmasking one exception; a, b; op = raw instruction */
    static const struct { uint16_t cw; int ia, ib; uint8_t op[2]; const char *name; } cases[] = {
        {0x037e, 0, 0, {0xd8, 0xf1}, "IE 0/0"},
        {0x037b, 2, 0, {0xd8, 0xf1}, "ZE 1/0"},
        {0x0377, 9, 9, {0xd8, 0xc1}, "OE max+max"},
        {0x036f, 6, 4, {0xd8, 0xc9}, "UE min*1/3"},
        {0x035f, 2, 4, {0xd8, 0xf1}, "PE 1/(1/3)"},
        {0x037d, 7, 2, {0xd8, 0xc1}, "DE den+1"},
        {0x037e, 13, 2, {0xd8, 0xc1}, "IE snan+1"},
    };
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        g_cw = cases[k].cw;
        g_a = values[cases[k].ia];
        g_b = values[cases[k].ib];
        uint8_t code[3] = {cases[k].op[0], cases[k].op[1], 0x9b}; /* op; fwait */
        build(code, 3, 2);
        g_fault_code = -1;
        if (sigsetjmp(g_jmp, 1) == 0) {
            run();
            printf("sigfpe %s: no signal\n", cases[k].name);
        } else {
            __asm__ volatile("fninit");
            uint32_t off = g_fault_eip - CODE_ADDR;
            printf("sigfpe %s: si_code=%d eip=+%u\n", cases[k].name, g_fault_code, off);
        }
    }
    signal(SIGFPE, SIG_DFL);
    /* Linux gives a handler zeroed x87 registers; leave the same stale
     * register contents natively and under emulation */
    __asm__ volatile("fninit; fldz; fldz; fldz; fldz; fldz; fldz; fldz; fldz; fninit");
}

/* ---- libm and printf through x87 ---- */

static void test_libm(void)
{
    volatile double x = 0.7, y = 2.5;
    printf("libm %f %f %f %f %f %.17g %.17g\n", sin(x), cos(x), tan(x), exp(x), log(y), pow(x, y),
           atan2(x, y));
    printf("printf %f %e %g %.30Lf %a\n", 1e300 * 10, 1.0 / 3, 123456789.0, 1.0L / 7, 0.1);
    printf("strtod %.17g %d %lld\n", strtod("3.14159265358979", NULL), (int)(y * 3.3),
           (long long)(x * 1e15));
}

int main(int argc, char **argv)
{
    g_verbose = argc > 1 && !strcmp(argv[1], "-v");
    if (mmap((void *)CODE_ADDR, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
             MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) != (void *)CODE_ADDR) {
        printf("mmap failed\n");
        return 1;
    }
    test_libm();
    test_stack_and_env();
    test_sigfpe();
    test_reg_forms();
    test_mem_forms();
    return 0;
}
