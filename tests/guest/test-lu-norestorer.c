/*
 * test-lu-norestorer.c - signal handlers installed with the raw
 * rt_sigaction / sigaction system calls and no SA_RESTORER, as static
 * programs and language runtimes do: the kernel then returns from the
 * handler through the vDSO's __kernel_sigreturn (sigframe, no SA_SIGINFO)
 * or __kernel_rt_sigreturn (rt_sigframe).  Checked: each handler returns
 * and the program goes on with its registers and mask; the return address
 * is not on the stack (the stack is not executable) and holds the kernel's
 * trampoline bytes, at the vDSO's symbol of that name (AT_SYSINFO_EHDR, a
 * [vdso] line in /proc/self/maps); nested handlers, handlers on a sigaltstack, a SIGSEGV
 * handler that repairs the fault, and the same after fork and execve.
 * Example line: "rt SIGUSR1: handled 1 code -6 ret-on-stack 0 ret b8 ad 00 00 00 cd 80"
 */
#define _GNU_SOURCE
#include "guest.h"

#include <elf.h>
#include <signal.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define K_SA_SIGINFO 0x4u
#define K_SA_ONSTACK 0x08000000u
#define K_SA_NODEFER 0x40000000u

/* the kernel's struct sigaction for rt_sigaction (i386) */
struct k_rt_sigaction {
    uint32_t handler, flags, restorer;
    uint32_t mask[2];
};
/* and for the old sigaction call */
struct k_old_sigaction {
    uint32_t handler, mask, flags, restorer;
};

static char altstack[64 << 10];
static uintptr_t stack_mark; /* an address on the main stack */
static volatile int handled, nested_depth, max_depth, code_seen;
static volatile uint32_t ret_addr;
static volatile int on_alt;
static char *fault_page;

static int rt_action(int sig, void *handler, uint32_t flags)
{
    struct k_rt_sigaction ka = {(uint32_t)(uintptr_t)handler, flags, 0, {0, 0}};
    return (int)syscall(SYS_rt_sigaction, sig, &ka, NULL, 8);
}

static int old_action(int sig, void *handler, uint32_t flags)
{
    struct k_old_sigaction ka = {(uint32_t)(uintptr_t)handler, 0, flags, 0};
    return (int)syscall(SYS_sigaction, sig, &ka, NULL);
}

static int on_stack(uint32_t a)
{
    uintptr_t alt = (uintptr_t)altstack;
    return (a - stack_mark < (1u << 20) || stack_mark - a < (1u << 20)) ||
           (a - alt < sizeof(altstack));
}

/* The address of a dynamic symbol of the vDSO (AT_SYSINFO_EHDR), read
 * through its PT_DYNAMIC, DT_SYMTAB, DT_STRTAB and DT_HASH; 0 if none. */
static uint32_t vdso_sym(const char *name)
{
    uintptr_t base = getauxval(AT_SYSINFO_EHDR);
    if (!base)
        return 0;
    const Elf32_Ehdr *eh = (const Elf32_Ehdr *)base;
    const Elf32_Phdr *ph = (const Elf32_Phdr *)(base + eh->e_phoff);
    uintptr_t load = 0;
    const Elf32_Dyn *dyn = NULL;
    for (int i = 0; i < eh->e_phnum; i++) {
        if (ph[i].p_type == PT_LOAD && !load)
            load = base - ph[i].p_vaddr;
        if (ph[i].p_type == PT_DYNAMIC)
            dyn = (const Elf32_Dyn *)(base + ph[i].p_offset);
    }
    const Elf32_Sym *sym = NULL;
    const char *str = NULL;
    const uint32_t *hash = NULL;
    for (; dyn && dyn->d_tag != DT_NULL; dyn++) {
        if (dyn->d_tag == DT_SYMTAB)
            sym = (const Elf32_Sym *)(load + dyn->d_un.d_ptr);
        if (dyn->d_tag == DT_STRTAB)
            str = (const char *)(load + dyn->d_un.d_ptr);
        if (dyn->d_tag == DT_HASH)
            hash = (const uint32_t *)(load + dyn->d_un.d_ptr);
    }
    if (!sym || !str || !hash)
        return 0;
    for (uint32_t i = 1; i < hash[1]; i++) {
        if (!strcmp(str + sym[i].st_name, name))
            return (uint32_t)(load + sym[i].st_value);
    }
    return 0;
}

/* Is the page at a the [vdso] line of /proc/self/maps? */
static int in_vdso_line(uint32_t a)
{
    FILE *f = fopen("/proc/self/maps", "r");
    char line[512];
    int found = 0;
    while (f && fgets(line, sizeof(line), f)) {
        unsigned long lo, hi;
        if (strstr(line, "[vdso]") && sscanf(line, "%lx-%lx", &lo, &hi) == 2)
            found = a >= lo && a < hi;
    }
    if (f)
        fclose(f);
    return found;
}

static void print_ret(void)
{
    const uint8_t *p = (const uint8_t *)(uintptr_t)ret_addr;
    int n = p[0] == 0x58 ? 8 : 7; /* popl %eax first: __kernel_sigreturn */
    const char *name = n == 8 ? "__kernel_sigreturn" : "__kernel_rt_sigreturn";
    printf(" ret-is-%s %d", name + 9, ret_addr == vdso_sym(name));
    printf(" ret-on-stack %d ret", on_stack(ret_addr));
    for (int i = 0; i < n; i++)
        printf(" %02x", p[i]);
    printf("\n");
}

static void note_alt(void)
{
    char here;
    on_alt = (uintptr_t)&here - (uintptr_t)altstack < sizeof(altstack);
}

static void h_rt(int sig, siginfo_t *si, void *uc)
{
    handled++;
    code_seen = si->si_code;
    ret_addr = (uint32_t)(uintptr_t)__builtin_return_address(0);
    (void)uc;
    (void)sig;
    note_alt();
}

static void h_plain(int sig)
{
    handled++;
    ret_addr = (uint32_t)(uintptr_t)__builtin_return_address(0);
    (void)sig;
    note_alt();
}

/* rt handler that raises SIGUSR2 (a sigframe handler) inside itself */
static void h_outer(int sig, siginfo_t *si, void *uc)
{
    (void)sig;
    (void)si;
    (void)uc;
    nested_depth++;
    if (nested_depth > max_depth)
        max_depth = nested_depth;
    raise(SIGUSR2);
    handled++;
    nested_depth--;
}

static void h_inner(int sig)
{
    (void)sig;
    nested_depth++;
    if (nested_depth > max_depth)
        max_depth = nested_depth;
    handled++;
    nested_depth--;
}

static void h_segv(int sig, siginfo_t *si, void *uc)
{
    (void)sig;
    (void)uc;
    handled++;
    code_seen = si->si_code;
    ret_addr = (uint32_t)(uintptr_t)__builtin_return_address(0);
    mprotect(fault_page, 4096, PROT_READ | PROT_WRITE);
}

static int blocked(int sig)
{
    sigset_t cur;
    sigprocmask(SIG_SETMASK, NULL, &cur);
    return sigismember(&cur, sig);
}

/* A value computed across the signal: registers must survive the return. */
static uint32_t work(uint32_t x, int sig)
{
    uint32_t a = x * 3 + 1, b = x ^ 0x5a5a, c = x << 3;
    raise(sig);
    return a + b * 7 + c;
}

static void case_rt(void)
{
    handled = 0;
    rt_action(SIGUSR1, (void *)h_rt, K_SA_SIGINFO);
    uint32_t v = work(1234, SIGUSR1);
    printf("rt SIGUSR1: handled %d code %d value %u blocked-after %d", handled, code_seen, v,
           blocked(SIGUSR1));
    print_ret();
}

static void case_rt_nosiginfo(void)
{
    handled = 0;
    rt_action(SIGUSR1, (void *)h_plain, 0);
    uint32_t v = work(99, SIGUSR1);
    printf("rt_sigaction, no SA_SIGINFO: handled %d value %u", handled, v);
    print_ret();
}

static void case_old(void)
{
    handled = 0;
    old_action(SIGUSR2, (void *)h_plain, 0);
    uint32_t v = work(777, SIGUSR2);
    printf("sigaction SIGUSR2: handled %d value %u blocked-after %d", handled, v, blocked(SIGUSR2));
    print_ret();
}

static void case_nested(void)
{
    handled = 0;
    max_depth = 0;
    rt_action(SIGUSR1, (void *)h_outer, K_SA_SIGINFO);
    old_action(SIGUSR2, (void *)h_inner, 0);
    uint32_t v = work(4242, SIGUSR1);
    printf("nested: handled %d depth %d value %u blocked-after %d %d\n", handled, max_depth, v,
           blocked(SIGUSR1), blocked(SIGUSR2));
}

static void case_altstack(void)
{
    stack_t ss = {.ss_sp = altstack, .ss_size = sizeof(altstack), .ss_flags = 0};
    sigaltstack(&ss, NULL);
    handled = 0;
    on_alt = 0;
    rt_action(SIGUSR1, (void *)h_rt, K_SA_SIGINFO | K_SA_ONSTACK);
    uint32_t v = work(5, SIGUSR1);
    printf("altstack rt: handled %d on-alt %d value %u", handled, on_alt, v);
    print_ret();
    handled = 0;
    on_alt = 0;
    old_action(SIGUSR2, (void *)h_plain, K_SA_ONSTACK);
    v = work(6, SIGUSR2);
    printf("altstack sigframe: handled %d on-alt %d value %u", handled, on_alt, v);
    print_ret();
    /* nested on the alternate stack: the inner frame goes below the outer */
    handled = 0;
    max_depth = 0;
    rt_action(SIGUSR1, (void *)h_outer, K_SA_SIGINFO | K_SA_ONSTACK);
    old_action(SIGUSR2, (void *)h_inner, K_SA_ONSTACK);
    v = work(7, SIGUSR1);
    printf("altstack nested: handled %d depth %d value %u\n", handled, max_depth, v);
    ss.ss_flags = SS_DISABLE;
    sigaltstack(&ss, NULL);
}

static void case_segv(void)
{
    handled = 0;
    fault_page = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    rt_action(SIGSEGV, (void *)h_segv, K_SA_SIGINFO);
    fault_page[100] = 42; /* faults once; the handler makes it writable */
    printf("SIGSEGV repaired: handled %d code %d byte %d", handled, code_seen, fault_page[100]);
    print_ret();
    munmap(fault_page, 4096);
    rt_action(SIGSEGV, (void *)SIG_DFL, 0);
}

static void run_all(const char *who)
{
    printf("--- %s\n", who);
    uint32_t ehdr = (uint32_t)getauxval(AT_SYSINFO_EHDR);
    printf("vDSO: AT_SYSINFO_EHDR %d [vdso] line %d ELF %d\n", ehdr != 0, in_vdso_line(ehdr),
           ehdr && !memcmp((void *)(uintptr_t)ehdr, ELFMAG, SELFMAG));
    case_rt();
    case_rt_nosiginfo();
    case_old();
    case_nested();
    case_altstack();
    case_segv();
    rt_action(SIGUSR1, (void *)SIG_DFL, 0);
    rt_action(SIGUSR2, (void *)SIG_DFL, 0);
}

int main(int argc, char **argv)
{
    char mark;
    stack_mark = (uintptr_t)&mark;
    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc > 1 && strcmp(argv[1], "exec") == 0) {
        run_all("after execve");
        return 0;
    }
    run_all("process");
    pid_t pid = fork();
    if (pid == 0) {
        run_all("fork child");
        _exit(3);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    printf("fork child exit %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -WTERMSIG(st));
    pid = fork();
    if (pid == 0) {
        execl("/proc/self/exe", argv[0], "exec", (char *)NULL);
        _exit(127);
    }
    waitpid(pid, &st, 0);
    printf("exec child exit %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -WTERMSIG(st));
    return 0;
}
