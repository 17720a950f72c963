/*
 * test-x87-live.c - the x87 state while it lives in the host FPU.
 *
 * Under the x86-64 emitter guest x87 instructions run as host instructions
 * on state that is loaded into the host FPU before the first of them and
 * stored back when C code needs it (syscalls, signals, helpers such as
 * fnstenv or MMX ops, faults).  Each case crosses one of those boundaries
 * and prints what the guest can see, natively and under xlat:
 *   - a syscall between x87 instructions (int 0x80 getpid);
 *   - fnstenv after native ops: FIP/FOP/FDP of the last non-control
 *     instruction, also for an FS/GS-relative operand and after fninit;
 *   - an unmasked exception: SIGFPE at the next waiting instruction, with
 *     FIP, FOP and FDP of the faulting one in the signal frame;
 *   - a SIGSEGV from an x87 load, and the state the handler sees;
 *   - an asynchronous signal whose handler uses x87 while the interrupted
 *     loop keeps values on the x87 stack;
 *   - two threads with their own rounding modes;
 *   - MMX (helper) and x87 (native) alternating.
 * Example line: "syscall: 4000:c90fdaa22168c235 sw=0000"
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <ucontext.h>
#include <unistd.h>

static void dump80(const char *what, const uint8_t *p)
{
    uint64_t m;
    uint16_t e;
    memcpy(&m, p, 8);
    memcpy(&e, p + 8, 2);
    printf("%s%04x:%016llx", what, e, (unsigned long long)m);
}

/* ---- a syscall between x87 instructions ---- */
static void test_syscall(void)
{
    uint8_t r[10];
    uint16_t sw;
    int pid;
    __asm__ volatile("fninit; fld1; fldpi; fldl2e; movl $20, %%eax; int $0x80; faddp; fmulp;"
                     "fstpt %0; fnstsw %1"
                     : "=m"(r), "=m"(sw), "=a"(pid)
                     :
                     : "ebx", "ecx", "edx", "memory");
    dump80("syscall: ", r);
    printf(" sw=%04x pid-ok=%d\n", sw, pid == getpid());
}

/* ---- fnstenv: pointers of the last non-control instruction ---- */
extern char env_ins1[], env_ins2[], env_ins3[];
static float env_f = 3.0f;
static void print_env(const char *what, const uint8_t *e, uint32_t ip, uint32_t dp)
{
    uint32_t fip, fdp, fop_cs;
    memcpy(&fip, e + 12, 4);
    memcpy(&fop_cs, e + 16, 4);
    memcpy(&fdp, e + 20, 4);
    printf("%s: cw=%04x sw=%04x fip=%s fop=%03x fdp=%s\n", what, e[0] | e[1] << 8,
           e[4] | e[5] << 8, fip == ip ? "ok" : "BAD", (fop_cs >> 16) & 0x7ff,
           fdp == dp ? "ok" : "BAD");
}

static void test_fnstenv(void)
{
    uint8_t e[28];
    /* memory operand, then a register op: FDP stays the memory one */
    __asm__ volatile("fninit; env_ins1: flds env_f; fld1; .globl env_ins1\n"
                     "env_ins2: fadd %%st(1), %%st; .globl env_ins2\n fldcw %1; fnstenv %0; fninit"
                     : "=m"(e)
                     : "m"(*(const uint16_t[]){0x037f}));
    print_env("fnstenv reg-after-mem", e, (uint32_t)env_ins2, (uint32_t)&env_f);
    /* a GS-relative operand: FDP is the offset in the segment */
    __asm__ volatile("fninit; env_ins3: flds %%gs:0; .globl env_ins3\n fnstenv %0; fninit"
                     : "=m"(e));
    print_env("fnstenv gs", e, (uint32_t)env_ins3, 0);
    /* fninit clears them */
    __asm__ volatile("fninit; fld1; fninit; fnstenv %0; fninit" : "=m"(e));
    print_env("fnstenv after fninit", e, 0, 0);
}

/* ---- SIGFPE from an unmasked exception: the frame's pointers ---- */
extern char fpe_ins[], fpe_wait[];
static float fpe_zero = 0.0f;
static sigjmp_buf jb;
static volatile uint32_t got_eip, got_fip, got_fdp, got_fop, got_sw, got_code;

static void on_fpe(int sig, siginfo_t *si, void *ucv)
{
    (void)sig;
    ucontext_t *uc = ucv;
    struct _libc_fpstate *fp = uc->uc_mcontext.fpregs;
    got_code = (uint32_t)si->si_code;
    got_eip = (uint32_t)uc->uc_mcontext.gregs[REG_EIP];
    got_fip = (uint32_t)fp->ipoff;
    got_fdp = (uint32_t)fp->dataoff;
    got_fop = (uint32_t)(fp->cssel >> 16) & 0x7ff;
    got_sw = (uint32_t)fp->sw & 0xffff;
    siglongjmp(jb, 1);
}

static void test_sigfpe(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_fpe;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigaction(SIGFPE, &sa, NULL);
    if (sigsetjmp(jb, 1) == 0) {
        __asm__ volatile("fninit; fldcw %0; fld1; fpe_ins: fdivs fpe_zero; .globl fpe_ins\n"
                         "fpe_wait: fwait; .globl fpe_wait\n"
                         :
                         : "m"(*(const uint16_t[]){0x037b}));
        printf("sigfpe: no signal\n");
    } else {
        __asm__ volatile("fninit");
        printf("sigfpe: code=%u eip=%s fip=%s fdp=%s fop=%03x sw=%04x\n", got_code,
               got_eip == (uint32_t)fpe_wait ? "ok" : "BAD",
               got_fip == (uint32_t)fpe_ins ? "ok" : "BAD",
               got_fdp == (uint32_t)&fpe_zero ? "ok" : "BAD", got_fop, got_sw);
    }
    signal(SIGFPE, SIG_DFL);
}

/* ---- SIGSEGV from an x87 load: the x87 stack the handler leaves ---- */
static void on_segv(int sig, siginfo_t *si, void *ucv)
{
    (void)sig;
    (void)si;
    ucontext_t *uc = ucv;
    struct _libc_fpstate *fp = uc->uc_mcontext.fpregs;
    got_sw = (uint32_t)fp->sw & 0xffff;
    got_fip = (uint32_t)fp->tag & 0xffff;
    siglongjmp(jb, 1);
}

static void test_sigsegv(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigaction(SIGSEGV, &sa, NULL);
    if (sigsetjmp(jb, 1) == 0) {
        __asm__ volatile("fninit; fld1; fldpi; flds 16" ::: "memory");
        printf("sigsegv: no signal\n");
    } else {
        uint16_t sw;
        __asm__ volatile("fnstsw %0; fninit" : "=m"(sw));
        printf("sigsegv: frame sw=%04x tag=%04x after sw=%04x\n", got_sw, got_fip, sw);
    }
    signal(SIGSEGV, SIG_DFL);
}

/* ---- an async signal handler using x87 during an x87 loop ---- */
static volatile int ticks;
static volatile double handler_sum;

static void on_alarm(int sig)
{
    (void)sig;
    double x = 2.0;
    for (int i = 0; i < 5; i++)
        __asm__ volatile("fldl %1; fsqrt; fld1; faddp; fstpl %0" : "=m"(x) : "m"(x));
    handler_sum += x;
    ticks++;
}

static void test_async(void)
{
    signal(SIGALRM, on_alarm);
    struct itimerval it = {{0, 2000}, {0, 2000}};
    setitimer(ITIMER_REAL, &it, NULL);
    uint8_t r[10];
    /* keep partial sums on the x87 stack across many iterations */
    for (int round = 0; ticks < 20 && round < 100000; round++) {
        __asm__ volatile("fninit; fldz; fld1; mov $2000, %%ecx;"
                         "1: fadd %%st(0), %%st(1); dec %%ecx; jnz 1b;"
                         "fstp %%st(0); fstpt %0"
                         : "=m"(r)
                         :
                         : "ecx", "memory");
    }
    struct itimerval off = {{0, 0}, {0, 0}};
    setitimer(ITIMER_REAL, &off, NULL);
    signal(SIGALRM, SIG_DFL);
    dump80("async: loop ", r);
    printf(" ticks>=20=%d handler=%.17g\n", ticks >= 20, handler_sum / ticks);
}

/* ---- threads with their own control words ---- */
static void *thread_fn(void *arg)
{
    uint16_t cw = (uint16_t)(uintptr_t)arg;
    static uint8_t out[2][10];
    uint8_t *r = out[cw == 0x037f ? 0 : 1];
    for (int k = 0; k < 2000; k++) {
        __asm__ volatile("fninit; fldcw %1; fld1; fldpi; fdivrp; fld1; fldl2t; fdivrp; faddp;"
                         "fstpt %0"
                         : "=m"(*(uint8_t(*)[10])r)
                         : "m"(cw));
        if ((k & 255) == 0)
            sched_yield();
    }
    return r;
}

static void test_threads(void)
{
    pthread_t a, b;
    void *ra, *rb;
    pthread_create(&a, NULL, thread_fn, (void *)(uintptr_t)0x037f);
    pthread_create(&b, NULL, thread_fn, (void *)(uintptr_t)0x0f7f);
    pthread_join(a, &ra);
    pthread_join(b, &rb);
    dump80("threads: nearest ", ra);
    dump80(" chop ", rb);
    printf("\n");
}

/* ---- MMX (emulated by helpers) between x87 instructions ---- */
static void test_mmx(void)
{
    uint8_t r[10];
    uint64_t q = 0x0102030405060708ull, q2;
    uint16_t tw_sw[2];
    __asm__ volatile("fninit; fld1; fldpi; fstpt %0; fstp %%st(0); movq %3, %%mm1; paddb %%mm1, %%mm1;"
                     "movq %%mm1, %1; fnstsw %2; emms; fldpi; fsqrt; fstpt %0"
                     : "=m"(r), "=m"(q2), "=m"(tw_sw[0])
                     : "m"(q));
    dump80("mmx: ", r);
    printf(" q=%016llx sw=%04x\n", (unsigned long long)q2, tw_sw[0]);
}

int main(void)
{
    test_syscall();
    test_fnstenv();
    test_sigfpe();
    test_sigsegv();
    test_async();
    test_threads();
    test_mmx();
    return 0;
}
