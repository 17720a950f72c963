/*
 * test-jit-string.c - rep movs / rep stos run as host string instructions by
 * the x86-64 emitter: faults in the middle, flags kept across them, the
 * forms that must stay exact on other paths (DF=1, overlap, ECX=0, a gs:
 * source, a copy into code that then runs).
 *
 * A fault prints what the guest's signal handler sees: the fault address
 * and ECX/ESI/EDI relative to the buffers, EIP relative to the faulting
 * instruction and the status flags, then siglongjmp()s out.  The native run
 * is the oracle.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>

static uint8_t *area; /* 4 pages: rw | rw | none | read-only */
static sigjmp_buf jb;
volatile uint32_t insn_at;

static void on_segv(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    greg_t *g = uc->uc_mcontext.gregs;
    uint32_t base = (uint32_t)(uintptr_t)area;
    printf("  SIGSEGV addr=area+%#x ecx=%u esi=area+%#x edi=area+%#x eip=insn%+d fl=%03x\n",
           (uint32_t)(uintptr_t)si->si_addr - base, (uint32_t)g[REG_ECX],
           (uint32_t)g[REG_ESI] - base, (uint32_t)g[REG_EDI] - base,
           (int)((uint32_t)g[REG_EIP] - insn_at), (uint32_t)g[REG_EFL] & 0x8d5);
    siglongjmp(jb, 1);
}

/* flags set by "cmp a, b" before the string instruction, read after */
#define STR_OP(name, insn)                                                                         \
    static uint32_t name(uint32_t ecx, uint32_t esi, uint32_t edi, uint32_t eax, uint32_t cmpa,    \
                         uint32_t *out)                                                            \
    {                                                                                              \
        uint32_t fl;                                                                               \
        __asm__ volatile("cmp %%edx, %[a]\n\t"                                                     \
                         "movl $1f, insn_at\n\t"                                                   \
                         "1: " insn "\n\t"                                                         \
                         "pushf\n\t"                                                               \
                         "pop %[fl]\n\t"                                                           \
                         : "+c"(ecx), "+S"(esi), "+D"(edi), [fl] "=&r"(fl)                         \
                         : "a"(eax), [a] "r"(cmpa), "d"(0x80000000u)                               \
                         : "memory", "cc");                                                        \
        out[0] = ecx;                                                                              \
        out[1] = esi;                                                                              \
        out[2] = edi;                                                                              \
        return fl & 0x8d5;                                                                         \
    }
STR_OP(op_movsb, "rep movsb")
STR_OP(op_movsw, "rep movsw")
STR_OP(op_movsd, "rep movsl")
STR_OP(op_stosb, "rep stosb")
STR_OP(op_stosw, "rep stosw")
STR_OP(op_stosd, "rep stosl")
STR_OP(op_movsd1, "movsl")
STR_OP(op_stosb1, "stosb")
STR_OP(op_movsb_std, "std\n\trep movsb\n\tcld")
STR_OP(op_movsb_gs, "rep movsb %%gs:(%%esi), %%es:(%%edi)")

typedef uint32_t (*str_fn)(uint32_t, uint32_t, uint32_t, uint32_t, uint32_t, uint32_t *);

static uint32_t sum(const uint8_t *p, size_t n)
{
    uint32_t h = 0;
    for (size_t i = 0; i < n; i++)
        h = h * 31 + p[i];
    return h;
}

static void run(const char *what, str_fn f, uint32_t ecx, uint32_t src, uint32_t dst, uint32_t cmpa)
{
    uint32_t base = (uint32_t)(uintptr_t)area, out[3];
    for (int i = 0; i < 0x2000; i++)
        area[i] = (uint8_t)(i * 7 + (i >> 8) * 13 + 3);
    printf("%s ecx=%u src=%#x dst=%#x\n", what, ecx, src, dst);
    if (sigsetjmp(jb, 1) == 0) {
        uint32_t fl = f(ecx, base + src, base + dst, 0x5a5b5c5d, cmpa, out);
        printf("  ok ecx=%u esi=area+%#x edi=area+%#x fl=%03x\n", out[0], out[1] - base,
               out[2] - base, fl);
    }
    printf("  memory %08x\n", sum(area, 0x2000));
}

int main(void)
{
    area = mmap(NULL, 0x4000, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (area == MAP_FAILED)
        return 1;
    mprotect(area + 0x2000, 0x1000, PROT_NONE);
    mprotect(area + 0x3000, 0x1000, PROT_READ);
    stack_t ss = {.ss_sp = malloc(0x10000), .ss_size = 0x10000};
    sigaltstack(&ss, NULL);
    struct sigaction sa = {.sa_sigaction = on_segv, .sa_flags = SA_SIGINFO | SA_ONSTACK};
    sigaction(SIGSEGV, &sa, NULL);

    static const struct {
        const char *name;
        str_fn f;
    } ops[] = {{"rep movsb", op_movsb}, {"rep movsw", op_movsw}, {"rep movsd", op_movsd}};
    static const struct {
        const char *name;
        str_fn f;
    } sto[] = {{"rep stosb", op_stosb}, {"rep stosw", op_stosw}, {"rep stosd", op_stosd}};
    for (int k = 0; k < 3; k++) {
        uint32_t cmpa = k == 1 ? 0x80000000u : k;
        run(ops[k].name, ops[k].f, 100, 0x10, 0x1000, cmpa);          /* plain */
        run(ops[k].name, ops[k].f, 0, 0x10, 0x1000, cmpa);            /* ecx 0 */
        run(ops[k].name, ops[k].f, 1000, 0x1f00, 0x100, cmpa);        /* source runs into none */
        run(ops[k].name, ops[k].f, 1000, 0x100, 0x1f01, cmpa);        /* dest runs into none */
        run(ops[k].name, ops[k].f, 50, 0x100, 0x3000, cmpa);          /* dest read-only */
        run(ops[k].name, ops[k].f, 300, 0x200, 0x201, cmpa);          /* overlap forward */
        run(sto[k].name, sto[k].f, 100, 0, 0x1003, cmpa);
        run(sto[k].name, sto[k].f, 3000, 0, 0x1803, cmpa);            /* into none */
        run(sto[k].name, sto[k].f, 10, 0, 0x3004, cmpa);              /* read-only */
    }
    run("movsd", op_movsd1, 7, 0x10, 0x20, 1);
    run("movsd into none", op_movsd1, 7, 0x10, 0x1ffe, 1);
    run("stosb", op_stosb1, 7, 0, 0x20, 1);
    run("std rep movsb", op_movsb_std, 100, 0x300, 0x280, 2);
    run("std rep movsb from none", op_movsb_std, 100, 0x2010, 0x280, 2);
    /* gs: is the TLS segment; copy 16 bytes of it (the same under both) */
    uint32_t gs0;
    __asm__ volatile("mov %%gs:0, %0" : "=r"(gs0));
    uint32_t out[3];
    uint8_t tls[16];
    op_movsb_gs(16, 0, (uint32_t)(uintptr_t)tls, 0, 0, out);
    uint32_t first;
    memcpy(&first, tls, 4);
    printf("gs: copy: %s, ecx=%u\n", first == gs0 ? "tcb self pointer" : "wrong", out[0]);

    /* a rep movs that writes code, which then runs */
    uint8_t *code = mmap(NULL, 0x1000, PROT_READ | PROT_WRITE | PROT_EXEC,
                         MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    static const uint8_t ret1[] = {0xb8, 1, 0, 0, 0, 0xc3}, ret2[] = {0xb8, 2, 0, 0, 0, 0xc3};
    memcpy(area, ret1, sizeof(ret1));
    memcpy(area + 0x40, ret2, sizeof(ret2));
    for (int i = 0; i < 3; i++) {
        op_movsb(6, (uint32_t)(uintptr_t)(area + (i == 1 ? 0x40 : 0)), (uint32_t)(uintptr_t)code,
                 0, 0, out);
        printf("code after copy %d returns %d\n", i, ((int (*)(void))(uintptr_t)code)());
    }
    return 0;
}
