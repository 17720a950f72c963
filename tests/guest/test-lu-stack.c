/*
 * test-lu-stack.c - the main thread's stack as /proc/self/maps shows it:
 * [stack] ends 8 bytes above the AT_EXECFN string (an x86-64 kernel's
 * layout for a 32-bit process),
 * covers what is in use (the kernel's initial 128 KiB margin plus the
 * argument pages at first, more once deep frames touched it), not the
 * whole rlimit-sized reservation; no [vdso] line unless AT_SYSINFO_EHDR
 * names one.  pthread_getattr_np, which parses that line, reports the
 * stack top above __libc_stack_end and a size that follows RLIMIT_STACK.
 * Example line:  initial [stack]: lines 1, ends 8 above execfn, 128k..1M 1, page aligned 1
 */
#define _GNU_SOURCE
#include "guest.h"

#include <pthread.h>
#include <sys/auxv.h>
#include <sys/resource.h>

static int read_stack_line(unsigned long *lo, unsigned long *hi, int *vdso)
{
    FILE *f = fopen("/proc/self/maps", "r");
    if (!f)
        return 0;
    char buf[512];
    int found = 0;
    *vdso = 0;
    while (fgets(buf, sizeof(buf), f)) {
        if (strstr(buf, "[vdso]"))
            *vdso = 1;
        if (strstr(buf, "[stack]") && sscanf(buf, "%lx-%lx", lo, hi) == 2)
            found++;
    }
    fclose(f);
    return found;
}

static void show(const char *what)
{
    unsigned long lo = 0, hi = 0;
    int vdso;
    int n = read_stack_line(&lo, &hi, &vdso);
    const char *execfn = (const char *)getauxval(AT_EXECFN);
    unsigned long fn_end = (unsigned long)execfn + strlen(execfn) + 1;
    unsigned long size = hi - lo;
    printf("%s [stack]: lines %d, ends %lu above execfn, 128k..1M %d, page aligned %d\n", what,
           n, hi - fn_end, size >= (128ul << 10) && size < (1ul << 20),
           !(lo & 4095) && !(hi & 4095));
    printf("%s [vdso] line matches AT_SYSINFO_EHDR: %d\n", what,
           vdso == (getauxval(AT_SYSINFO_EHDR) != 0));
}

/* Touch `depth` KiB of stack below us. */
static unsigned long __attribute__((noinline)) deep(int depth, volatile char *top)
{
    volatile char buf[1024];
    buf[0] = (char)depth;
    buf[1023] = (char)depth;
    if (depth > 1)
        return deep(depth - 1, top) + buf[0];
    unsigned long lo = 0, hi = 0;
    int vdso;
    read_stack_line(&lo, &hi, &vdso);
    printf("2 MiB deep: frame inside [stack] %d, size under 3M %d\n",
           (unsigned long)buf >= lo && (unsigned long)buf < hi, hi - lo < (3ul << 20));
    (void)top;
    return buf[1023];
}

static void getattr(const char *what)
{
    pthread_attr_t at;
    void *addr;
    size_t size;
    if (pthread_getattr_np(pthread_self(), &at) != 0) {
        printf("%s: pthread_getattr_np failed\n", what);
        return;
    }
    pthread_attr_getstack(&at, &addr, &size);
    pthread_attr_destroy(&at);
    unsigned long lo = 0, hi = 0;
    int vdso;
    read_stack_line(&lo, &hi, &vdso);
    struct rlimit rl;
    getrlimit(RLIMIT_STACK, &rl);
    /* glibc: the top is the page above __libc_stack_end's, the size the
     * rlimit less what lies between that top and the end of [stack] */
    extern void *__libc_stack_end;
    unsigned long top = ((unsigned long)__libc_stack_end & ~4095ul) + 4096;
    printf("%s: top above __libc_stack_end %d, size + (end - top) is rlimit %d (%lu KiB), "
           "local inside %d\n",
           what, (unsigned long)addr + size == top, size + (hi - top) == rl.rlim_cur,
           (unsigned long)rl.rlim_cur >> 10,
           (unsigned long)&at >= (unsigned long)addr && (unsigned long)&at < hi);
}

int main(void)
{
    show("initial");
    volatile char top;
    deep(2048, &top);
    getattr("getattr_np");
    struct rlimit rl;
    getrlimit(RLIMIT_STACK, &rl);
    struct rlimit big = {16ul << 20, rl.rlim_max};
    if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < big.rlim_cur)
        big.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_STACK, &big);
    getattr("getattr_np, rlimit 16M");
    struct rlimit small = {1ul << 20, rl.rlim_max};
    setrlimit(RLIMIT_STACK, &small);
    getattr("getattr_np, rlimit 1M");
    return 0;
}
