/*
 * procfs.c - the /proc files whose host version would describe xlat rather
 * than the guest: /proc/{self,thread-self,<our pid>}/{maps,auxv,cmdline,exe}
 * and /proc/cpuinfo.  Opening one builds its text into a memfd and returns
 * that descriptor, so read/lseek/mmap/close work as on any file.
 *
 * maps: the host's /proc/self/maps entries inside the guest reservation,
 * cut and merged by the guest's page protections (page_prot), in Linux's
 * format, with the -L prefix taken off file names and [heap]/[stack]/[vdso]
 * named:
 *   08048000-08049000 r-xp 00000000 08:01 1234       /usr/bin/prog
 * Other /proc paths go to the host unchanged.
 */
#include "linux-user/lu-internal.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "target/x86/cpuid.h"

/* The part after "/proc/<self>/" if path names our own process, else NULL. */
static const char *proc_self_entry(const char *path)
{
    static const char *const selves[] = {"/proc/self/", "/proc/thread-self/"};
    for (size_t i = 0; i < sizeof(selves) / sizeof(selves[0]); i++) {
        size_t l = strlen(selves[i]);
        if (!strncmp(path, selves[i], l))
            return path + l;
    }
    char own[32];
    int l = snprintf(own, sizeof(own), "/proc/%d/", (int)getpid());
    if (!strncmp(path, own, (size_t)l))
        return path + l;
    return NULL;
}

/* One host mapping line, parsed. */
typedef struct HostMap {
    uint64_t start, end, off;
    char perms[5], dev[16];
    unsigned long inode;
    char path[512];
} HostMap;

static bool parse_host_map(const char *line, HostMap *m)
{
    int pos = 0;
    m->path[0] = 0;
    if (sscanf(line, "%" SCNx64 "-%" SCNx64 " %4s %" SCNx64 " %15s %lu %n", &m->start, &m->end,
               m->perms, &m->off, m->dev, &m->inode, &pos) < 6)
        return false;
    if (pos > 0)
        snprintf(m->path, sizeof(m->path), "%s", line + pos);
    m->path[strcspn(m->path, "\n")] = 0;
    return true;
}

/* The run being printed: merged while contiguous and alike. */
typedef struct MapRun {
    bool open;
    uint32_t start, end, off;
    int prot;
    char shared;
    char dev[16];
    unsigned long inode;
    const char *name;
} MapRun;

static void run_flush(FILE *out, MapRun *r)
{
    if (!r->open)
        return;
    int n = fprintf(out, "%08x-%08x %c%c%c%c %08x %s %lu ", r->start, r->end,
                    r->prot & PAGE_READ ? 'r' : '-', r->prot & PAGE_WRITE ? 'w' : '-',
                    r->prot & PAGE_EXEC ? 'x' : '-', r->shared, r->off, r->dev, r->inode);
    if (r->name[0])
        fprintf(out, "%*s%s", n < 73 ? 73 - n : 1, "", r->name);
    fputc('\n', out);
    r->open = false;
}

/*
 * The main stack is reserved and mapped whole (-s, 8 MiB by default), but
 * the kernel's [stack] VMA starts with the argument pages and 128 KiB
 * below, and grows down only as the program touches pages under it; glibc
 * (pthread_getattr_np) and programs read it.  So [stack] shows from the
 * lower of that first extent and the lowest page ever touched (the lowest
 * resident host page: a VMA never shrinks, and the stack's pages are not
 * given back), and the reserved pages below it are not shown at all.
 */
static uint32_t stack_shown_low;

static uint32_t stack_vma_start(void)
{
    uint32_t low = lu_stack_start;
    if (!lu_stack_low || low <= lu_stack_low)
        return low;
    size_t n = (low - lu_stack_low) / GUEST_PAGE_SIZE;
    unsigned char *vec = malloc(n);
    if (!vec)
        return lu_stack_low;
    if (mincore(g2h(lu_stack_low), low - lu_stack_low, vec) == 0) {
        for (size_t i = 0; i < n; i++) {
            if (vec[i] & 1) {
                low = lu_stack_low + (uint32_t)i * GUEST_PAGE_SIZE;
                break;
            }
        }
    } else {
        low = lu_stack_low;
    }
    free(vec);
    return low;
}

static bool in_main_stack(const HostMap *m, uint32_t a)
{
    return !m->inode && lu_stack_low && a >= lu_stack_low && a < LU_STACK_TOP;
}

static const char *guest_name(const HostMap *m, uint32_t a)
{
    uint32_t bs, bc;
    lu_brk_range(&bs, &bc);
    if (!m->inode && a >= lu_page_align(bs) && a < lu_page_align(bc))
        return "[heap]";
    if (in_main_stack(m, a))
        return "[stack]";
    if (!m->inode && lu_vdso_base && a == lu_vdso_base)
        return "[vdso]";
    const char *p = m->path;
    size_t pl = lu_ld_prefix ? strlen(lu_ld_prefix) : 0;
    if (pl && !strncmp(p, lu_ld_prefix, pl) && p[pl] == '/')
        p += pl;
    return p;
}

/* Pages [a, b) of host mapping m, cut by guest protection. */
static void emit_pages(FILE *out, MapRun *r, const HostMap *m, uint32_t a, uint32_t b)
{
    static __thread char names[2][512]; /* two threads may read maps at once */
    for (uint32_t p = a; p < b && p >= a; p += GUEST_PAGE_SIZE) {
        int pp = page_prot[p >> GUEST_PAGE_BITS];
        if (!(pp & PAGE_VALID) || (in_main_stack(m, p) && p < stack_shown_low)) {
            run_flush(out, r);
            continue;
        }
        int prot = pp & (PAGE_READ | PAGE_WRITE | PAGE_EXEC);
        const char *name = guest_name(m, p);
        uint32_t off = (uint32_t)(m->off + (p - (m->start - guest_base)));
        bool same = r->open && r->end == p && r->prot == prot && r->shared == m->perms[3] &&
                    !strcmp(r->name, name) && r->inode == m->inode &&
                    (!m->inode || r->off + (p - r->start) == off);
        if (same) {
            r->end = p + GUEST_PAGE_SIZE;
            continue;
        }
        run_flush(out, r);
        static __thread int slot;
        slot ^= 1;
        snprintf(names[slot], sizeof(names[slot]), "%s", name);
        *r = (MapRun){true, p, p + GUEST_PAGE_SIZE, m->inode ? off : 0, prot, m->perms[3], "",
                      m->inode, names[slot]};
        snprintf(r->dev, sizeof(r->dev), "%s", m->dev);
    }
}

static void write_maps(FILE *out)
{
    FILE *f = fopen("/proc/self/maps", "r");
    if (!f)
        return;
    char line[1024];
    MapRun r = {.open = false};
    stack_shown_low = stack_vma_start();
    while (fgets(line, sizeof(line), f)) {
        HostMap m;
        if (!parse_host_map(line, &m) || m.end <= guest_base ||
            m.start >= guest_base + (1ull << 32))
            continue;
        uint64_t s = m.start < guest_base ? guest_base : m.start;
        uint64_t e = m.end > guest_base + (1ull << 32) ? guest_base + (1ull << 32) : m.end;
        uint32_t gs = (uint32_t)(s - guest_base);
        uint32_t ge = (uint32_t)(e - guest_base - 1) + 1; /* 0 = 4 GiB */
        if (ge == 0)
            ge = LU_TASK_SIZE;
        emit_pages(out, &r, &m, gs, ge);
    }
    run_flush(out, &r);
    fclose(f);
}

/* /proc/cpuinfo from the guest CPU model's CPUID leaves. */
static const char *const edx_flags[32] = {
    "fpu", "vme", "de", "pse", "tsc", "msr", "pae", "mce", "cx8", "apic", NULL, "sep",
    "mtrr", "pge", "mca", "cmov", "pat", "pse36", "pn", "clflush", NULL, "dts", "acpi", "mmx",
    "fxsr", "sse", "sse2", "ss", "ht", "tm", "ia64", "pbe"};
static const char *const ecx_flags[32] = {
    "pni", "pclmulqdq", "dtes64", "monitor", "ds_cpl", "vmx", "smx", "est", "tm2", "ssse3",
    "cid", "sdbg", "fma", "cx16", "xtpr", "pdcm", NULL, "pcid", "dca", "sse4_1", "sse4_2",
    "x2apic", "movbe", "popcnt", "tsc_deadline_timer", "aes", "xsave", NULL, "avx", "f16c",
    "rdrand", "hypervisor"};

static void write_cpuinfo(FILE *out)
{
    uint32_t r[4], name[12];
    char vendor[13];
    x86_cpuid(0, 0, r);
    memcpy(vendor, &r[1], 4);
    memcpy(vendor + 4, &r[3], 4);
    memcpy(vendor + 8, &r[2], 4);
    vendor[12] = 0;
    for (uint32_t i = 0; i < 3; i++)
        x86_cpuid(0x80000002u + i, 0, name + 4 * i);
    char model_name[49];
    memcpy(model_name, name, 48);
    model_name[48] = 0;
    uint32_t level = r[0];
    x86_cpuid(1, 0, r);
    uint32_t fam = (r[0] >> 8) & 0xf, model = (r[0] >> 4) & 0xf;
    if (fam == 0xf)
        fam += (r[0] >> 20) & 0xff;
    if (fam >= 6)
        model |= ((r[0] >> 16) & 0xf) << 4;
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    for (long c = 0; c < (ncpu > 0 ? ncpu : 1); c++) {
        fprintf(out,
                "processor\t: %ld\nvendor_id\t: %s\ncpu family\t: %u\nmodel\t\t: %u\n"
                "model name\t: %s\nstepping\t: %u\nfpu\t\t: yes\nfpu_exception\t: yes\n"
                "cpuid level\t: %u\nwp\t\t: yes\nflags\t\t:",
                c, vendor, fam, model, model_name, r[0] & 0xf, level);
        for (int i = 0; i < 32; i++) {
            if ((r[3] >> i & 1) && edx_flags[i])
                fprintf(out, " %s", edx_flags[i]);
        }
        for (int i = 0; i < 32; i++) {
            if ((r[2] >> i & 1) && ecx_flags[i])
                fprintf(out, " %s", ecx_flags[i]);
        }
        fprintf(out, "\nbogomips\t: 4000.00\nclflush size\t: 64\ncache_alignment\t: 64\n"
                     "address sizes\t: 36 bits physical, 32 bits virtual\npower management:\n\n");
    }
}

static void write_cmdline(FILE *out)
{
    for (int i = 0; i < lu_guest_argc && lu_guest_argv; i++)
        fwrite(lu_guest_argv[i], 1, strlen(lu_guest_argv[i]) + 1, out);
}

/* Text into an anonymous file, positioned at its start. */
static int memfd_of(void (*fill)(FILE *))
{
    int fd = memfd_create("xlat-proc", MFD_CLOEXEC);
    if (fd < 0)
        return -errno;
    int fd2 = dup(fd);
    FILE *out = fd2 >= 0 ? fdopen(fd2, "w") : NULL;
    if (!out) {
        close(fd);
        return -ENOMEM;
    }
    fill(out);
    fclose(out);
    lseek(fd, 0, SEEK_SET);
    /* the guest sees no close-on-exec unless it asked for it */
    fcntl(fd, F_SETFD, 0);
    return fd;
}

static void write_auxv(FILE *out)
{
    fwrite(lu_auxv, 1, lu_auxv_size, out);
}

int lu_proc_open(const char *path, int flags, int mode)
{
    void (*fill)(FILE *) = NULL;
    const char *e = proc_self_entry(path);
    if (e) {
        if (!strcmp(e, "maps"))
            fill = write_maps;
        else if (!strcmp(e, "auxv"))
            fill = write_auxv;
        else if (!strcmp(e, "cmdline"))
            fill = write_cmdline;
        else if (!strcmp(e, "exe") && lu_exe_path) {
            int fd = open(lu_exe_path, flags, mode);
            return fd < 0 ? -errno : fd;
        }
    } else if (!strcmp(path, "/proc/cpuinfo")) {
        fill = write_cpuinfo;
    }
    if (!fill)
        return LU_PROC_NOT_OURS;
    if ((flags & O_ACCMODE) != O_RDONLY)
        return -EACCES;
    int fd = memfd_of(fill);
    if (fd >= 0 && (flags & O_CLOEXEC))
        fcntl(fd, F_SETFD, FD_CLOEXEC);
    return fd;
}
