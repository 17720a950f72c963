/*
 * test-signal-faults.c - synchronous signals caught by SA_SIGINFO handlers:
 * SIGSEGV (MAPERR on an unmapped page, ACCERR on a read-only page, read and
 * write), SIGBUS (a file mapping beyond the end of the file), SIGFPE (integer
 * divide by zero), SIGILL (ud2), SIGTRAP (int3).
 *
 * Each fault sits at a global asm label; the handler prints si_signo,
 * si_code, si_addr relative to the mapping (or to the label), the faulting
 * EIP relative to the label, trapno and the page-fault error code, then
 * resumes at a second label by editing the ucontext (so sigreturn must
 * honour a changed EIP).  Example line:
 *   segv-write-ro: signo 11 code 2 addr +0x10 eip label+0 trapno 14 err 7
 */
#define _GNU_SOURCE
#include "guest.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

extern char lbl_load[], lbl_load_end[], lbl_store[], lbl_store_end[];
extern char lbl_div[], lbl_div_end[], lbl_ud2[], lbl_ud2_end[];
extern char lbl_int3[], lbl_int3_end[];

static const char *volatile cur_name;
static char *volatile cur_label, *volatile cur_resume;
static volatile uintptr_t cur_base;
static volatile int handled;

static void on_fault(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    greg_t *g = uc->uc_mcontext.gregs;
    long addr_off = (long)((uintptr_t)si->si_addr - cur_base);
    printf("%s: signo %d code %d addr %s0x%lx eip label+%ld", cur_name, si->si_signo, si->si_code,
           addr_off < 0 ? "-" : "+", addr_off < 0 ? -addr_off : addr_off,
           (long)(g[REG_EIP] - (greg_t)(uintptr_t)cur_label));
    if (sig == SIGSEGV)
        printf(" trapno %d err %d", (int)g[REG_TRAPNO], (int)g[REG_ERR]);
    printf("\n");
    handled++;
    g[REG_EIP] = (greg_t)(uintptr_t)cur_resume;
}

static void arm(const char *name, char *label, char *resume, uintptr_t base)
{
    cur_name = name;
    cur_label = label;
    cur_resume = resume;
    cur_base = base;
}

static __attribute__((noinline)) void load_at(uintptr_t p)
{
    uint32_t v;
    __asm__ volatile(".globl lbl_load\nlbl_load: movl (%1), %0\n"
                     "jmp 1f\n.globl lbl_load_end\nlbl_load_end: movl $0, %0\n1:"
                     : "=r"(v)
                     : "r"(p)
                     : "memory");
}

static __attribute__((noinline)) void store_at(uintptr_t p)
{
    __asm__ volatile(".globl lbl_store\nlbl_store: addl $5, (%0)\n"
                     ".globl lbl_store_end\nlbl_store_end:"
                     :
                     : "r"(p)
                     : "memory");
}

static void test_segv(void)
{
    char *m = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    munmap(m + 4096, 4096);
    mprotect(m, 4096, PROT_READ);
    arm("segv-read-unmapped", lbl_load, lbl_load_end, (uintptr_t)m);
    load_at((uintptr_t)m + 4096 + 0x24);
    arm("segv-write-unmapped", lbl_store, lbl_store_end, (uintptr_t)m);
    store_at((uintptr_t)m + 4096 + 0x30);
    arm("segv-write-ro", lbl_store, lbl_store_end, (uintptr_t)m);
    store_at((uintptr_t)m + 0x10);
    printf("ro page still %d\n", m[0x10]);
    mprotect(m, 4096, PROT_NONE);
    arm("segv-read-none", lbl_load, lbl_load_end, (uintptr_t)m);
    load_at((uintptr_t)m + 8);
    arm("segv-null", lbl_load, lbl_load_end, 0);
    load_at(0);
    munmap(m, 4096);
}

static void test_bus(void)
{
    int fd = open("bus.dat", O_RDWR | O_CREAT | O_TRUNC, 0600);
    if (fd < 0 || write(fd, "0123456789", 10) != 10) {
        printf("bus setup failed\n");
        return;
    }
    char *m = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    printf("in file: %c%c\n", m[0], m[9]);
    printf("tail of page: %d\n", m[4095]);
    arm("bus-read", lbl_load, lbl_load_end, (uintptr_t)m);
    load_at((uintptr_t)m + 4096 + 0x40);
    arm("bus-write", lbl_store, lbl_store_end, (uintptr_t)m);
    store_at((uintptr_t)m + 2 * 4096 + 4);
    munmap(m, 3 * 4096);
    close(fd);
    unlink("bus.dat");
}

static __attribute__((noinline)) void test_fpe_ill_trap(void)
{
    uint32_t q = 0;
    arm("fpe-div0", lbl_div, lbl_div_end, (uintptr_t)lbl_div);
    __asm__ volatile("xorl %%ecx, %%ecx\nmovl $7, %%eax\ncltd\n"
                     ".globl lbl_div\nlbl_div: idivl %%ecx\n"
                     ".globl lbl_div_end\nlbl_div_end:"
                     : "=a"(q)
                     :
                     : "ecx", "edx");
    arm("ill-ud2", lbl_ud2, lbl_ud2_end, (uintptr_t)lbl_ud2);
    __asm__ volatile(".globl lbl_ud2\nlbl_ud2: ud2\n.globl lbl_ud2_end\nlbl_ud2_end:");
    arm("trap-int3", lbl_int3, lbl_int3_end, 0);
    __asm__ volatile(".globl lbl_int3\nlbl_int3: int3\nnop\n.globl lbl_int3_end\nlbl_int3_end:");
}

int main(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    int sigs[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP};
    for (int i = 0; i < 5; i++)
        sigaction(sigs[i], &sa, NULL);
    test_segv();
    test_bus();
    test_fpe_ill_trap();
    printf("handled %d\n", handled);
    return 0;
}
