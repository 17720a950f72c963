/*
 * test-sse-fault.c - SSE faults with exact state: unmasked SIMD exceptions
 * (SIGFPE with si_code per exception, at the faulting instruction, no result
 * written, MXCSR flags as the CPU sets them), misaligned movaps/movdqa
 * (#GP: SIGSEGV, SI_KERNEL, addr 0), ldmxcsr with reserved bits (#GP), and
 * 16-byte accesses that cross into an inaccessible page (SIGSEGV at the
 * first bad byte, nothing of the store written).
 *
 * The handler records si_code, si_addr and the faulting EIP relative to the
 * instruction's label, then resumes after the instruction.
 * Built without -msse (see test-sse-int.c): the asm lists no xmm clobbers.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <sys/mman.h>
#include <ucontext.h>

#include "guest.h"

/* globals, not static: the asm names them */
volatile uint32_t insn_pc, resume_pc, addr;
static volatile int got_sig, got_code;
static volatile uint32_t got_addr, got_eip;

static void handler(int sig, siginfo_t *si, void *uc_)
{
    ucontext_t *uc = uc_;
    got_sig = sig;
    got_code = si->si_code;
    got_addr = (uint32_t)(uintptr_t)si->si_addr;
    got_eip = (uint32_t)uc->uc_mcontext.gregs[REG_EIP];
    uc->uc_mcontext.gregs[REG_EIP] = (greg_t)resume_pc;
}

static void report(const char *name, uint32_t base)
{
    if (!got_sig) {
        printf("%s: no signal", name);
        return;
    }
    /* SIGFPE reports the instruction's address; SIGSEGV the data address */
    uint32_t rel = got_sig == SIGFPE ? insn_pc : base;
    printf("%s: sig %d code %d addr %s%x eip %+d", name, got_sig, got_code,
           got_addr == 0       ? ""
           : got_sig == SIGFPE ? "insn+"
                               : "base+",
           got_addr ? got_addr - rel : 0, (int)(got_eip - insn_pc));
    got_sig = got_code = 0;
    got_addr = got_eip = 0;
}

typedef struct {
    uint8_t b[16];
} __attribute__((aligned(16))) V;

V va, vb, vout;
uint32_t csr_in, csr_out, gpr_out, flags_out;

/* xmm0 = va, xmm1 = vb, MXCSR = csr_in; run insn (labels 0/1 around it);
 * then vout = xmm0, csr_out = MXCSR, gpr_out = eax, flags_out = EFLAGS */
#define RUN(insn)                                                                                  \
    __asm__ volatile("movdqu va, %%xmm0\n\tmovdqu vb, %%xmm1\n\tldmxcsr csr_in\n\t"                \
                     "movl $0f, insn_pc\n\tmovl $1f, resume_pc\n\tmovl $0x11111111, %%eax\n\t"     \
                     "cmp %%eax, %%eax\n\t"                                                        \
                     "0: " insn "\n1:\n\tpushf\n\tpopl flags_out\n\tmovl %%eax, gpr_out\n\t"       \
                     "stmxcsr csr_out\n\tmovdqu %%xmm0, vout\n\tldmxcsr csr_default" ::            \
                         : "eax", "memory")

uint32_t csr_default = 0x1f80;
uint32_t bad_csr = 0x10000 | 0x1f80;

static void set_f32(V *v, uint32_t a, uint32_t b, uint32_t c, uint32_t d)
{
    uint32_t w[4] = {a, b, c, d};
    memcpy(v->b, w, 16);
}

static void show(void)
{
    uint32_t w[4];
    memcpy(w, vout.b, 16);
    printf(" xmm0 %08x%08x%08x%08x mxcsr %04x eax %08x zf %d\n", w[3], w[2], w[1], w[0], csr_out,
           gpr_out, (flags_out >> 6) & 1);
}

static void fpe_tests(void)
{
    set_f32(&va, 0x3f800000, 0x40000000, 0x7f7fffff, 0xbf800000);
    set_f32(&vb, 0x3f800000, 0x00000000, 0x7f7fffff, 0x30000000);

    csr_in = 0x1f80 & ~0x200; /* ZM unmasked */
    RUN("divps %%xmm1, %%xmm0");
    report("divps/0 ZM", 0);
    show();
    csr_in = 0x1f80; /* all masked: the same op completes */
    RUN("divps %%xmm1, %%xmm0");
    report("divps/0 masked", 0);
    show();
    csr_in = 0x1f80 & ~0x400; /* OM unmasked */
    RUN("mulps %%xmm1, %%xmm0");
    report("mulps ovf OM", 0);
    show();
    csr_in = 0x1f80 & ~0x1000; /* PM unmasked */
    RUN("addss %%xmm1, %%xmm0");
    report("addss PM clean", 0);
    show();
    RUN("addps vb, %%xmm0");
    report("addps PM inexact", 0);
    show();
    csr_in = 0x1f80 & ~0x80; /* IM unmasked */
    RUN("sqrtps %%xmm0, %%xmm0");
    report("sqrtps -1 IM", 0);
    show();
    set_f32(&vb, 0x7fc00000, 0, 0, 0);
    RUN("comiss %%xmm1, %%xmm0");
    report("comiss qnan IM", 0);
    show();
    RUN("ucomiss %%xmm1, %%xmm0");
    report("ucomiss qnan IM", 0);
    show();
    RUN("cvttss2si %%xmm1, %%eax");
    report("cvttss2si nan IM", 0);
    show();
    csr_in = 0x1f80 & ~0x100; /* DM unmasked */
    set_f32(&vb, 0x00000001, 0x3f800000, 0, 0);
    RUN("mulss %%xmm1, %%xmm0");
    report("mulss denormal DM", 0);
    show();
    csr_in = (0x1f80 & ~0x100) | 0x40; /* DM unmasked, DAZ: no denormal */
    RUN("mulss %%xmm1, %%xmm0");
    report("mulss denormal DAZ", 0);
    show();
    csr_in = 0x1f80 & ~0x800; /* UM unmasked */
    set_f32(&va, 0x00800000, 0, 0, 0);
    set_f32(&vb, 0x3f000000, 0, 0, 0);
    RUN("mulss %%xmm1, %%xmm0");
    report("mulss underflow UM", 0);
    show();
    csr_in = (0x1f80 & ~0x800) | 0x8000; /* UM unmasked wins over FTZ */
    RUN("mulss %%xmm1, %%xmm0");
    report("mulss underflow UM+FTZ", 0);
    show();
    csr_in = 0x1f80 | 0x8000; /* FTZ, UM masked: flushed to +0, UE PE */
    RUN("mulss %%xmm1, %%xmm0");
    report("mulss underflow FTZ", 0);
    show();
    set_f32(&vb, 0x3e800001, 0, 0, 0); /* inexact tiny result */
    csr_in = 0x1f80 & ~0x800;
    RUN("mulss %%xmm1, %%xmm0");
    report("mulss inexact underflow UM", 0);
    show();
    set_f32(&va, 0x00800000, 0x3eaaaaab, 0x3f800000, 0x7f7fffff);
    set_f32(&vb, 0x3e800001, 0x3eaaaaab, 0x3f800000, 0x3f800000);
    RUN("mulps %%xmm1, %%xmm0"); /* packed: PE from the other inexact lane */
    report("mulps underflow UM", 0);
    show();
    csr_in = 0x1f80;
    RUN("ldmxcsr bad_csr");
    report("ldmxcsr reserved", 0);
    show();
}

static void mem_tests(void)
{
    uint8_t *p = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    uint32_t base = (uint32_t)(uintptr_t)p;
    memset(p, 0xcc, 3 * 4096);
    mprotect(p + 4096, 4096, PROT_NONE);
    munmap(p + 8192, 4096);
    set_f32(&va, 0x01020304, 0x05060708, 0x090a0b0c, 0x0d0e0f10);
    csr_in = 0x1f80;
    static const int offs[] = {4096 - 16, 4096 - 8, 4096 - 4, 4096 - 1, 8192 - 4, 8192 - 12};
    for (int k = 0; k < 6; k++) {
        addr = base + (uint32_t)offs[k];
        if (offs[k] > 4096)
            mprotect(p + 4096, 4096, PROT_READ); /* read-only, then unmapped */
        __asm__ volatile("movl addr, %%edx\n\tmovdqu va, %%xmm0\n\tmovl $0f, insn_pc\n\t"
                         "movl $1f, resume_pc\n0: movups %%xmm0, (%%edx)\n1:" ::
                             : "edx", "memory");
        report("movups store", base);
        __asm__ volatile("movl addr, %%edx\n\tmovdqu va, %%xmm0\n\tmovl $0f, insn_pc\n\t"
                         "movl $1f, resume_pc\n0: movsd %%xmm0, (%%edx)\n1:" ::
                             : "edx", "memory");
        report(" movsd store", base);
        __asm__ volatile("movl addr, %%edx\n\tmovdqu va, %%xmm0\n\tmovl $0f, insn_pc\n\t"
                         "movl $1f, resume_pc\n0: movdqu (%%edx), %%xmm0\n1:\n\t"
                         "movdqu %%xmm0, vout" ::
                             : "edx", "memory");
        report(" movdqu load", base);
        uint32_t sum = 0;
        for (int i = 0; i < 4096; i++)
            sum = sum * 31 + p[i];
        printf(" page0 %08x\n", sum);
        if (offs[k] > 4096)
            mprotect(p + 4096, 4096, PROT_NONE);
    }
    /* clflush: faults like a one-byte load */
    static const int coffs[] = {100, 4096 + 5, 8192 + 64};
    for (int k = 0; k < 3; k++) {
        addr = base + (uint32_t)coffs[k];
        __asm__ volatile("movl addr, %%edx\n\tmovl $0f, insn_pc\n\t"
                         "movl $1f, resume_pc\n0: clflush (%%edx)\n1:" ::
                             : "edx", "memory");
        report("clflush", base);
        printf("\n");
    }
    /* alignment: #GP before any page check */
    static const int aoffs[] = {8, 4096 - 8, 4096 + 8, 16};
    for (int k = 0; k < 4; k++) {
        addr = base + (uint32_t)aoffs[k];
        __asm__ volatile("movl addr, %%edx\n\tmovdqu va, %%xmm0\n\tmovl $0f, insn_pc\n\t"
                         "movl $1f, resume_pc\n0: movaps (%%edx), %%xmm0\n1:\n\t"
                         "movdqu %%xmm0, vout" ::
                             : "edx", "memory");
        report("movaps load", base);
        __asm__ volatile("movl addr, %%edx\n\tmovdqu va, %%xmm0\n\tmovl $0f, insn_pc\n\t"
                         "movl $1f, resume_pc\n0: movdqa %%xmm0, (%%edx)\n1:" ::
                             : "edx", "memory");
        report(" movdqa store", base);
        __asm__ volatile("movl addr, %%edx\n\tmovdqu va, %%xmm0\n\tmovl $0f, insn_pc\n\t"
                         "movl $1f, resume_pc\n0: paddb (%%edx), %%xmm0\n1:" ::
                             : "edx", "memory");
        report(" paddb load", base);
        __asm__ volatile("movl addr, %%edx\n\tmovl $0f, insn_pc\n\t"
                         "movl $1f, resume_pc\n0: pcmpistri $0, (%%edx), %%xmm0\n1:" ::
                             : "ecx", "edx", "memory");
        report(" pcmpistri load", base);
        printf("\n");
    }
}

int main(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = handler;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGFPE, &sa, NULL);
    sigaction(SIGSEGV, &sa, NULL);
    fpe_tests();
    mem_tests();
    return 0;
}
