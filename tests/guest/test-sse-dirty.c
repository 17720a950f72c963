/*
 * test-sse-dirty.c - faults in the middle of a run of SSE instructions that
 * changed several xmm registers: the signal frame's FP state must hold the
 * values of the faulting instruction's start, whatever an emulator keeps in
 * registers and writes back later (xlat's x86-64 emitter stores xmm results
 * to its CPU state only at the end of a run: a fault inside it must take
 * them from the host).
 *
 * Each case is one straight asm sequence (one guest basic block): load
 * xmm0..xmm7, change all of them with register arithmetic, then fault:
 *  - SIGSEGV from an SSE memory operand (movups from a PROT_NONE page),
 *  - SIGSEGV from an integer load after the SSE instructions,
 *  - SIGFPE from an unmasked divide by zero (divps, divsd; ZM clear),
 *  - SIGSEGV where the handler resumes after the instruction (new EIP,
 *    and a changed xmm7 in the frame) and the code goes on to store all
 *    registers: what sigreturn restores must be the same values.
 * The handler copies xmm0..7 and MXCSR from uc_mcontext.fpregs (struct
 * _fpstate_32: MXCSR at byte 136, _xmm[] at 272, magic 0 at 110 says they
 * are there) and siglongjmps out, or resumes.
 * Built without -msse (see test-sse-int.c): the asm lists no xmm clobbers.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <sys/mman.h>
#include <ucontext.h>

#include "guest.h"

typedef struct {
    uint32_t w[4];
} __attribute__((aligned(16))) V;

/* globals, not static: the asm names them */
V vin[8], vout[8], frame_xmm[8];
V patch7 = {{0xfeedf00d, 0x01234567, 0x89abcdef, 0x5555aaaa}};
uint32_t bad_addr, resume_pc, csr_zm = 0x1f80 & ~0x200, csr_default = 0x1f80;
static volatile uint32_t frame_mxcsr, frame_magic;
static volatile int got_sig, got_code, resume;
static sigjmp_buf jb;

static void handler(int sig, siginfo_t *si, void *uc_)
{
    ucontext_t *uc = uc_;
    const uint8_t *fp = (const uint8_t *)uc->uc_mcontext.fpregs;
    got_sig = sig;
    got_code = si->si_code;
    frame_magic = fp ? *(const uint16_t *)(fp + 110) : 0xdead;
    if (fp && frame_magic == 0) {
        frame_mxcsr = *(const uint32_t *)(fp + 136);
        memcpy(frame_xmm, fp + 272, sizeof(frame_xmm));
    }
    if (resume) {
        memcpy((uint8_t *)uc->uc_mcontext.fpregs + 272 + 7 * 16, &patch7, 16);
        uc->uc_mcontext.gregs[REG_EIP] = (greg_t)resume_pc;
        return;
    }
    siglongjmp(jb, 1);
}

static void show_vecs(const char *what, const V *v)
{
    printf("  %s\n", what);
    for (int r = 0; r < 8; r++)
        printf("    xmm%d %08x %08x %08x %08x\n", r, v[r].w[3], v[r].w[2], v[r].w[1], v[r].w[0]);
}

static void report(const char *name)
{
    printf("%s: sig %d code %d magic %04x mxcsr %04x\n", name, got_sig, got_code, frame_magic,
           frame_mxcsr);
    show_vecs("frame", frame_xmm);
    got_sig = got_code = 0;
    frame_mxcsr = frame_magic = 0;
    memset(frame_xmm, 0, sizeof(frame_xmm));
}

/* xmm0..7 = vin[0..7]: every register loaded (write-only destinations) */
#define LOAD_ALL                                                                                   \
    "movdqu vin, %%xmm0\n\tmovdqu vin+16, %%xmm1\n\tmovdqu vin+32, %%xmm2\n\t"                     \
    "movdqu vin+48, %%xmm3\n\tmovdqu vin+64, %%xmm4\n\tmovdqu vin+80, %%xmm5\n\t"                  \
    "movdqu vin+96, %%xmm6\n\tmovdqu vin+112, %%xmm7\n\t"
/* change every register with register-only arithmetic (packed float lanes
 * of vin are small and exact; xmm1 keeps lane 2 = 0.0 for divps) */
#define CHANGE_ALL                                                                                 \
    "addps %%xmm2, %%xmm0\n\tmulps %%xmm3, %%xmm2\n\tpaddd %%xmm4, %%xmm3\n\t"                     \
    "pxor %%xmm3, %%xmm4\n\tpshufd $0x1b, %%xmm5, %%xmm5\n\tpsubd %%xmm0, %%xmm6\n\t"              \
    "unpcklps %%xmm6, %%xmm7\n\tandps %%xmm0, %%xmm1\n\taddsd %%xmm2, %%xmm2\n\t"
#define STORE_ALL                                                                                  \
    "movdqu %%xmm0, vout\n\tmovdqu %%xmm1, vout+16\n\tmovdqu %%xmm2, vout+32\n\t"                  \
    "movdqu %%xmm3, vout+48\n\tmovdqu %%xmm4, vout+64\n\tmovdqu %%xmm5, vout+80\n\t"               \
    "movdqu %%xmm6, vout+96\n\tmovdqu %%xmm7, vout+112\n\t"

static void set_inputs(void)
{
    /* floats 1.0 .. 4.0 and small integers; xmm1 lane 2 is +0.0 */
    static const uint32_t f[4] = {0x3f800000, 0x40000000, 0x40400000, 0x40800000};
    for (int r = 0; r < 8; r++)
        for (int i = 0; i < 4; i++)
            vin[r].w[i] = (r & 1) ? (r == 1 && i == 2 ? 0 : f[(i + r) & 3])
                                  : 0x01010101u * (uint32_t)(r + 1) + (uint32_t)i;
    for (int i = 0; i < 4; i++) /* xmm2, xmm3: floats too (addps/mulps) */
        vin[2].w[i] = vin[0].w[i] = f[i], vin[3].w[i] = f[3 - i];
}

static void segv_sse_operand(void)
{
    if (sigsetjmp(jb, 1) == 0)
        __asm__ volatile("movl bad_addr, %%edx\n\t" LOAD_ALL CHANGE_ALL
                         "movups (%%edx), %%xmm7\n\t" ::
                             : "edx", "memory");
    report("segv movups m128");
}

static void segv_int_load(void)
{
    if (sigsetjmp(jb, 1) == 0)
        __asm__ volatile("movl bad_addr, %%edx\n\t" LOAD_ALL CHANGE_ALL
                         "addl $1, %%ecx\n\tmovl 4(%%edx), %%eax\n\t" ::
                             : "eax", "ecx", "edx", "memory");
    report("segv mov r32, m32");
}

static void fpe_divps(void)
{
    if (sigsetjmp(jb, 1) == 0)
        __asm__ volatile("ldmxcsr csr_zm\n\t" LOAD_ALL CHANGE_ALL "divps %%xmm1, %%xmm3\n\t" ::
                             : "memory");
    __asm__ volatile("ldmxcsr csr_default");
    report("fpe divps /0");
}

static void fpe_divsd(void)
{
    if (sigsetjmp(jb, 1) == 0)
        __asm__ volatile("ldmxcsr csr_zm\n\t" LOAD_ALL CHANGE_ALL
                         "pxor %%xmm6, %%xmm6\n\tmulsd %%xmm4, %%xmm5\n\t"
                         "divsd %%xmm6, %%xmm2\n\t" ::
                             : "memory");
    __asm__ volatile("ldmxcsr csr_default");
    report("fpe divsd /0");
}

/* the handler resumes after the faulting movups: the rest of the block
 * runs on the registers sigreturn restored (xmm7 as the handler set it) */
static void segv_resume(void)
{
    resume = 1;
    __asm__ volatile("movl bad_addr, %%edx\n\tmovl $1f, resume_pc\n\t" LOAD_ALL CHANGE_ALL
                     "movups (%%edx), %%xmm0\n1:\n\taddpd %%xmm2, %%xmm2\n\t" STORE_ALL ::
                         : "edx", "memory");
    resume = 0;
    report("segv resumed");
    show_vecs("after", vout);
}

int main(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = handler;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGFPE, &sa, NULL);
    uint8_t *p = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return 1;
    bad_addr = (uint32_t)(uintptr_t)p + 64;
    set_inputs();
    show_vecs("inputs", vin);
    segv_sse_operand();
    segv_int_load();
    fpe_divps();
    fpe_divsd();
    segv_resume();
    return 0;
}
