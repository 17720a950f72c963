/*
 * test-sse-fpe-x87ptrs.c - the x87 instruction and data pointers in the
 * signal frame of an SSE SIGFPE taken while an x87 exception is pending
 * (FSW.ES set: then the CPU saves FIP/FDP, and the frame shows them).
 *
 * An x87 divide by zero with ZM clear leaves ZE and ES pending (it traps
 * only at the next waiting x87 instruction); then an unmasked SSE divide by
 * zero raises SIGFPE at once.  The handler prints the frame's FSW, FIP and
 * FDP (legacy header: FIP at byte 12, FDP at 20) relative to labels: the
 * last x87 instruction is a register form (FDP as the CPU leaves it: 0 on
 * this host) or a memory form (FDP = its operand's address).  xlat runs the
 * x87 ops on the host unit with host addresses: a register form's FDP of 0
 * must not be taken for a host address and moved by the guest base.
 * Built without -msse (see test-sse-int.c): the asm lists no xmm clobbers.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <ucontext.h>

#include "guest.h"

/* globals, not static: the asm names them */
uint16_t cw_zm = 0x037b; /* x87: ZM clear */
uint16_t cw_pm = 0x035f; /* x87: PM clear */
uint32_t csr_zm = 0x1f80 & ~0x200, csr_default = 0x1f80;
uint32_t x87_pc, sse_pc;
double one = 1.0, zero = 0.0, two = 2.0;
float fzero[4] = {0, 0, 0, 0}, fone[4] = {1, 1, 1, 1};
static volatile uint32_t got_fip, got_fdp, got_eip;
static volatile uint16_t got_fsw;
static volatile int got_sig;
static sigjmp_buf jb;
static volatile int alarmed;
uint32_t victim_byte;

/* starts a page of its own, which the test writes to (the same bytes) */
__attribute__((noinline, aligned(4096))) static int victim(void)
{
    return alarmed;
}

static void on_alarm(int sig)
{
    (void)sig;
    alarmed = 1;
}

static void handler(int sig, siginfo_t *si, void *uc_)
{
    ucontext_t *uc = uc_;
    const uint8_t *fp = (const uint8_t *)uc->uc_mcontext.fpregs;
    got_sig = sig;
    got_eip = (uint32_t)uc->uc_mcontext.gregs[REG_EIP];
    memcpy((void *)&got_fsw, fp + 4, 2);
    memcpy((void *)&got_fip, fp + 12, 4);
    memcpy((void *)&got_fdp, fp + 20, 4);
    siglongjmp(jb, 1);
}

static void report(const char *name, uint32_t data)
{
    printf("%s: sig %d eip %s fsw %04x fip %s fdp ", name, got_sig,
           got_eip == sse_pc ? "=sse" : "?", got_fsw, got_fip == x87_pc ? "=x87" : "?");
    if (got_fdp == 0)
        printf("0\n");
    else if (got_fdp == data)
        printf("=operand\n");
    else
        printf("other\n");
    got_sig = 0;
    got_fsw = 0;
    got_fip = got_fdp = got_eip = 0;
}

int main(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = handler;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigaction(SIGFPE, &sa, NULL);

    if (sigsetjmp(jb, 1) == 0)
        __asm__ volatile("fninit\n\tfldcw cw_zm\n\tldmxcsr csr_zm\n\t"
                         "movl $0f, x87_pc\n\tmovl $1f, sse_pc\n\t"
                         "fld1\n\tfldz\n\t"
                         "0: fdivrp %%st, %%st(1)\n\t" /* st(1) = 1 / 0: ZE pending */
                         "movups fone, %%xmm0\n\tmovups fzero, %%xmm1\n\t"
                         "1: divps %%xmm1, %%xmm0\n\t" ::
                             : "memory");
    __asm__ volatile("fninit\n\tldmxcsr csr_default");
    report("fdivrp st(1), st (register form)", 0);

    if (sigsetjmp(jb, 1) == 0)
        __asm__ volatile("fninit\n\tfldcw cw_zm\n\tldmxcsr csr_zm\n\t"
                         "movl $0f, x87_pc\n\tmovl $1f, sse_pc\n\t"
                         "fld1\n\t"
                         "0: fdivl zero\n\t" /* 1 / 0.0 from memory: ZE pending */
                         "movups fone, %%xmm0\n\tmovups fzero, %%xmm1\n\t"
                         "1: divps %%xmm1, %%xmm0\n\t" ::
                             : "memory");
    __asm__ volatile("fninit\n\tldmxcsr csr_default");
    report("fdiv m64 (memory form)", (uint32_t)(uintptr_t)&zero);

    /* fsincos and fsqrt with PM clear: PE pending; this host's FDP after
     * them, whatever an earlier memory operand had left there */
    if (sigsetjmp(jb, 1) == 0)
        __asm__ volatile("fninit\n\tfldcw cw_pm\n\tldmxcsr csr_zm\n\t"
                         "movl $0f, x87_pc\n\tmovl $1f, sse_pc\n\t"
                         "fldl one\n\t"
                         "0: fsincos\n\t"
                         "movups fone, %%xmm0\n\tmovups fzero, %%xmm1\n\t"
                         "1: divps %%xmm1, %%xmm0\n\t" ::
                             : "memory");
    __asm__ volatile("fninit\n\tldmxcsr csr_default");
    report("fsincos after fld m64", (uint32_t)(uintptr_t)&one);
    if (sigsetjmp(jb, 1) == 0)
        __asm__ volatile("fninit\n\tfldcw cw_pm\n\tldmxcsr csr_zm\n\t"
                         "movl $0f, x87_pc\n\tmovl $1f, sse_pc\n\t"
                         "fldl two\n\t"
                         "0: fsqrt\n\t"
                         "movups fone, %%xmm0\n\tmovups fzero, %%xmm1\n\t"
                         "1: divps %%xmm1, %%xmm0\n\t" ::
                             : "memory");
    __asm__ volatile("fninit\n\tldmxcsr csr_default");
    report("fsqrt after fld m64", (uint32_t)(uintptr_t)&two);

    /* the same with a SIGALRM between fld and fsqrt: without an exception
     * pending, this host's FP state save and restore around the handler
     * does not keep FIP/FDP (they read 0 afterwards) */
    struct sigaction sal;
    memset(&sal, 0, sizeof(sal));
    sal.sa_handler = on_alarm;
    sigaction(SIGALRM, &sal, NULL);
    struct itimerval it = {{0, 0}, {0, 2000}};
    alarmed = 0;
    if (sigsetjmp(jb, 1) == 0) {
        __asm__ volatile("fninit\n\tfldcw cw_pm\n\tldmxcsr csr_zm\n\t"
                         "fldl two" ::
                             : "memory");
        setitimer(ITIMER_REAL, &it, NULL);
        while (!alarmed)
            ;
        __asm__ volatile("movl $0f, x87_pc\n\tmovl $1f, sse_pc\n\t"
                         "0: fsqrt\n\t"
                         "movups fone, %%xmm0\n\tmovups fzero, %%xmm1\n\t"
                         "1: divps %%xmm1, %%xmm0\n\t" ::
                             : "memory");
    }
    __asm__ volatile("fninit\n\tldmxcsr csr_default");
    report("fsqrt after fld m64 and a signal", (uint32_t)(uintptr_t)&two);

    /* a store into a page that holds (already run) code, between fld and
     * fsqrt: natively a plain store; an emulator that write-protects pages
     * with translated code takes a host fault there and resumes, and the
     * host's FP state save and restore may lose FIP/FDP as above.  FDP is
     * then the operand or 0, never anything else. */
    uintptr_t page = (uintptr_t)victim & ~(uintptr_t)4095;
    mprotect((void *)page, 4096, PROT_READ | PROT_WRITE | PROT_EXEC);
    victim();
    victim_byte = (uint32_t)page + 2048;
    if (sigsetjmp(jb, 1) == 0)
        __asm__ volatile("fninit\n\tfldcw cw_pm\n\tldmxcsr csr_zm\n\t"
                         "movl victim_byte, %%edx\n\tmovb (%%edx), %%al\n\t"
                         "movl $0f, x87_pc\n\tmovl $1f, sse_pc\n\t"
                         "fldl two\n\t"
                         "movb %%al, (%%edx)\n\t" /* the same byte back */
                         "0: fsqrt\n\t"
                         "movups fone, %%xmm0\n\tmovups fzero, %%xmm1\n\t"
                         "1: divps %%xmm1, %%xmm0\n\t" ::
                             : "eax", "edx", "memory");
    __asm__ volatile("fninit\n\tldmxcsr csr_default");
    /* FDP may be either: print which of the two only as "0 or operand" */
    if (got_fdp == 0)
        got_fdp = (uint32_t)(uintptr_t)&two;
    report("fsqrt after fld m64 and a store to a code page (fdp 0 counts as =operand)",
           (uint32_t)(uintptr_t)&two);
    return 0;
}
