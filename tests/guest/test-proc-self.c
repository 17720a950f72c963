/*
 * test-proc-self.c - the /proc views of the running program: /proc/self/exe
 * (readlink and open give this very program), /proc/self/maps (an mmap'ed
 * region cut in three by mprotect shows as three lines with the right
 * permissions; the page of main is r-xp), /proc/<pid>/maps the same,
 * /proc/self/auxv (AT_PAGESZ, AT_ENTRY, AT_PHNUM agree with getauxval),
 * /proc/self/cmdline (our argv) and /proc/cpuinfo (has processor, vendor_id,
 * flags lines).  Example line:  maps +0x1000-+0x3000 r-xp
 */
// args: first "second arg"
#include "guest.h"

#include <fcntl.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <unistd.h>

static char buf[1 << 16];
int main(int argc, char **argv);

static size_t slurp(const char *path)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return 0;
    size_t n = 0;
    ssize_t r;
    while ((r = read(fd, buf + n, sizeof(buf) - 1 - n)) > 0)
        n += (size_t)r;
    close(fd);
    buf[n] = 0;
    return n;
}

static void maps_of(const char *path, uintptr_t base, size_t len)
{
    slurp(path);
    for (char *l = strtok(buf, "\n"); l; l = strtok(NULL, "\n")) {
        unsigned long s, e;
        char perms[8];
        if (sscanf(l, "%lx-%lx %7s", &s, &e, perms) != 3)
            continue;
        if (s >= base && e <= base + len)
            printf("  +0x%lx-+0x%lx %s\n", s - base, e - base, perms);
        if (s <= (uintptr_t)main && (uintptr_t)main < e)
            printf("  main in %s\n", perms);
    }
}

int main(int argc, char **argv)
{
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    exe[n > 0 ? n : 0] = 0;
    const char *b1 = strrchr(exe, '/'), *b2 = strrchr(argv[0], '/');
    printf("exe basename matches argv0: %d\n", b1 && b2 && !strcmp(b1, b2));
    int fd = open("/proc/self/exe", O_RDONLY);
    char magic[4] = {0};
    if (fd >= 0 && read(fd, magic, 4) == 4)
        printf("exe magic %02x %c%c%c\n", magic[0], magic[1], magic[2], magic[3]);
    close(fd);

    char *m = mmap(NULL, 4 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    mprotect(m + 4096, 2 * 4096, PROT_READ | PROT_EXEC);
    printf("maps:\n");
    maps_of("/proc/self/maps", (uintptr_t)m, 4 * 4096);
    char path[64];
    snprintf(path, sizeof(path), "/proc/%d/maps", (int)getpid());
    munmap(m + 3 * 4096, 4096);
    printf("pid maps:\n");
    maps_of(path, (uintptr_t)m, 4 * 4096);

    size_t an = slurp("/proc/self/auxv");
    uint32_t *av = (uint32_t *)buf;
    int ok = 0, seen = 0;
    for (size_t i = 0; i + 1 < an / 4 && av[i]; i += 2) {
        if (av[i] == AT_PAGESZ || av[i] == AT_ENTRY || av[i] == AT_PHNUM || av[i] == AT_PHDR) {
            seen++;
            ok += av[i + 1] == getauxval(av[i]);
        }
    }
    printf("auxv: %d of %d entries agree, ends with AT_NULL %d\n", ok, seen,
           an >= 8 && av[an / 4 - 2] == 0);

    size_t cn = slurp("/proc/self/cmdline");
    printf("cmdline args:");
    for (size_t i = 0, k = 0; i < cn; i += strlen(buf + i) + 1, k++) {
        if (k > 0)
            printf(" [%s]", buf + i);
    }
    printf("\n");

    slurp("/proc/cpuinfo");
    printf("cpuinfo: processor %d vendor_id %d flags %d\n", strstr(buf, "processor\t: 0") != NULL,
           strstr(buf, "\nvendor_id\t: ") != NULL, strstr(buf, "\nflags\t\t: ") != NULL);
    return 0;
}
