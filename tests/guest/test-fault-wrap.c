/*
 * test-fault-wrap.c - guest addresses that wrap around 4 GiB.  A base
 * register near 4 GiB plus a small displacement wraps to a low address,
 * which no process can map (mmap_min_addr), so each access must raise
 * SIGSEGV with si_addr = the wrapped address and SEGV_MAPERR, and leave the
 * registers of the faulting instruction untouched.  (The x86-64 emitter
 * folds such displacements into host operands and relies on the guard past
 * its 4 GiB reservation to fault the same way.)  Loads, stores and
 * read-modify-write forms; negative displacements that wrap below 0 (the
 * emitter's guard before guest address 0) and a push with ESP near 0;
 * then scaled and negative cases that wrap far.
 */
#include "guest.h"

#include <setjmp.h>
#include <signal.h>
#include <string.h>

static sigjmp_buf env;
static volatile uint32_t fault_addr;
static volatile int fault_code;

static void on_segv(int sig, siginfo_t *si, void *uc)
{
    (void)sig, (void)uc;
    fault_addr = (uint32_t)(uintptr_t)si->si_addr;
    fault_code = si->si_code;
    siglongjmp(env, 1);
}

#define TRY(name, base, body)                                                                      \
    do {                                                                                           \
        volatile uint32_t keep = 0;                                                                \
        if (sigsetjmp(env, 1) == 0) {                                                              \
            uint32_t b_ = (base), out_ = 0x5a5a5a5a;                                               \
            __asm__ volatile(body : "+r"(out_) : "r"(b_) : "memory", "cc");                       \
            keep = out_;                                                                           \
            printf("%-12s no fault (%08x)\n", name, keep);                                         \
        } else {                                                                                   \
            printf("%-12s SIGSEGV addr %08x code %d\n", name, fault_addr, fault_code);             \
        }                                                                                          \
    } while (0)

int main(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER | SA_ONSTACK; /* push-wrap has no stack */
    static char altstack[1 << 16];
    stack_t ss = {.ss_sp = altstack, .ss_size = sizeof(altstack)};
    sigaltstack(&ss, NULL);
    sigaction(SIGSEGV, &sa, NULL);
    setvbuf(stdout, NULL, _IONBF, 0);

    TRY("load32", 0xffffff80u, "movl 0x100(%1), %0");
    TRY("load8", 0xfffffff0u, "movzbl 0x20(%1), %0");
    TRY("load16", 0xffffffffu, "movzwl 0x1(%1), %0");
    TRY("store32", 0xffffff00u, "movl %0, 0x200(%1)");
    TRY("store8", 0xfffffffcu, "movb $1, 0x7ff0(%1)");
    TRY("rmw-add", 0xfffff000u, "addl %0, 0x1004(%1)");
    TRY("rmw-inc", 0xfffffff8u, "incl 0x10(%1)");
    TRY("scaled", 0x40000001u, "movl 0x8(,%1,4), %0");
    TRY("negative", 0x2u, "movl -0x10(%1), %0");
    TRY("neg-store", 0x10u, "movl %0, -0x7ff0(%1)");
    TRY("neg-rmw", 0x0u, "subl %0, -0x4(%1)");
    TRY("neg-edge", 0x4u, "movl -0x4(%1), %0");
    /* push with ESP 0: the store wraps to the top page, ESP unchanged (a
     * store across 4 GiB through SS would be #SS, SIGBUS: not tested) */
    TRY("push-wrap", 0x0u,
        "xchgl %1, %%esp\n\tpushl %0\n\txchgl %1, %%esp");
    TRY("big-disp", 0xffff0000u, "movl 0x10010(%1), %0");
    return 0;
}
