/*
 * elfload.c - load a static i386 ELF program into guest memory and build
 * its initial stack (argv, envp, auxv) and registers, as Linux's execve
 * does for a 32-bit process.
 *
 * The loader trusts nothing in the file: every header field is checked
 * against the file size and the guest layout (lu-internal.h) before any
 * memory is touched, and each failure gives a one-line reason.  A segment
 * loaded from a file whose offset and address agree modulo the page size is
 * mmap'ed from the file (MAP_PRIVATE, as Linux does), so start-up touches
 * only the pages the program uses: copying made every page of a 700 KiB
 * static libc program a dirty anonymous page (about 180 page faults, 15% of
 * the run of a do-nothing program).  Other segments, and loads from a
 * buffer (the fuzzer), are copied into fresh anonymous guest pages.  The
 * ranges a load mapped are remembered so a failed load, or the next load,
 * removes them.
 *
 * Supported: ET_EXEC and ET_DYN (PIE, loaded at LU_PIE_BIAS), static or with
 * a PT_INTERP program interpreter, which is loaded from the -L prefix (or
 * the host's own path) at a free place of the mmap area; the guest then
 * starts in the interpreter, which maps the libraries itself.
 */
#include "linux-user/lu-internal.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#if defined(__has_include)
#if __has_include("target/x86/cpuid.h")
#include "target/x86/cpuid.h"
#else
uint32_t x86_cpu_hwcap(void);
#endif
#else
uint32_t x86_cpu_hwcap(void);
#endif

#define MAX_PHNUM 512 /* Linux refuses program headers over 64 KiB */

LuImage lu_image;
uint32_t lu_stack_low, lu_stack_start;
const char *lu_exe_path;
const char *lu_ld_prefix;
uint32_t lu_auxv[64];
uint32_t lu_auxv_size;
int lu_guest_argc;
char **lu_guest_argv;

/* Ranges mapped by the loads of this exec (program and interpreter):
 * [start, end) page aligned, and the host protection each was mapped with
 * (map_segments skips the mprotect to a protection already there). */
static uint32_t loaded_start[2 * MAX_PHNUM], loaded_end[2 * MAX_PHNUM];
static int loaded_hprot[2 * MAX_PHNUM];
static int nloaded;
static bool exec_stack;

static int fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (err && errlen)
        vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return XLAT_EXIT_BADFILE;
}

static void unload_image(void)
{
    for (int i = 0; i < nloaded; i++)
        lu_reserve_range(loaded_start[i], loaded_end[i] - loaded_start[i]);
    nloaded = 0;
}

static const struct {
    uint16_t em;
    const char *name;
} machine_names[] = {
    {EM_X86_64, "x86-64"},   {EM_ARM, "ARM"},
    {EM_AARCH64, "AArch64"}, {EM_MIPS, "MIPS"},
    {EM_PPC, "PowerPC"},     {EM_PPC64, "PowerPC64"},
    {EM_RISCV, "RISC-V"},    {EM_SPARC, "SPARC"},
    {EM_SPARCV9, "SPARC64"}, {EM_S390, "S/390"},
    {EM_IA_64, "IA-64"},     {EM_68K, "m68k"},
    {EM_SH, "SuperH"},       {EM_LOONGARCH, "LoongArch"},
    {EM_ALPHA, "Alpha"},
};

static const char *machine_name(unsigned em)
{
    for (size_t i = 0; i < sizeof(machine_names) / sizeof(machine_names[0]); i++) {
        if (machine_names[i].em == em)
            return machine_names[i].name;
    }
    return NULL;
}

static uint16_t rd16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

/* The identification and file header; 0 if it is an i386 executable. */
static int check_ehdr(const uint8_t *d, size_t size, Elf32_Ehdr *eh, char *err, size_t el)
{
    if (size < SELFMAG || memcmp(d, ELFMAG, SELFMAG) != 0)
        return fail(err, el, "not an ELF file");
    if (size < EI_NIDENT + 4)
        return fail(err, el, "truncated ELF header");
    if (d[EI_DATA] == ELFDATA2MSB)
        return fail(err, el, "wrong data encoding: big-endian (expected little-endian)");
    if (d[EI_DATA] != ELFDATA2LSB)
        return fail(err, el, "bad ELF data encoding %u", d[EI_DATA]);
    unsigned em = rd16(d + 18); /* same offset in ELF32 and ELF64 */
    if (em != EM_386) {
        const char *n = machine_name(em);
        if (n)
            return fail(err, el, "wrong machine: %s (expected i386)", n);
        return fail(err, el, "wrong machine: %u (expected i386)", em);
    }
    if (d[EI_CLASS] == ELFCLASS64)
        return fail(err, el, "wrong ELF class: ELF64 (expected ELF32)");
    if (d[EI_CLASS] != ELFCLASS32)
        return fail(err, el, "bad ELF class %u", d[EI_CLASS]);
    if (size < sizeof(Elf32_Ehdr))
        return fail(err, el, "truncated ELF header");
    memcpy(eh, d, sizeof(*eh));
    if (d[EI_VERSION] != EV_CURRENT || eh->e_version != EV_CURRENT)
        return fail(err, el, "bad ELF version %u", d[EI_VERSION]);
    if (eh->e_type == ET_REL)
        return fail(err, el, "not an executable (relocatable object)");
    if (eh->e_type == ET_CORE)
        return fail(err, el, "not an executable (core dump)");
    if (eh->e_type != ET_EXEC && eh->e_type != ET_DYN)
        return fail(err, el, "not an executable (ELF type %u)", eh->e_type);
    if (eh->e_phentsize != sizeof(Elf32_Phdr))
        return fail(err, el, "bad program header size %u", eh->e_phentsize);
    if (eh->e_phnum == 0)
        return fail(err, el, "no program headers");
    if (eh->e_phnum > MAX_PHNUM)
        return fail(err, el, "too many program headers (%u)", eh->e_phnum);
    if ((uint64_t)eh->e_phoff + (uint64_t)eh->e_phnum * sizeof(Elf32_Phdr) > size)
        return fail(err, el, "program headers outside the file (truncated?)");
    return 0;
}

/* One PT_LOAD: inside the file, sane sizes, inside the guest layout. */
static int check_load(const Elf32_Phdr *ph, int i, uint32_t bias, uint32_t stack_low, size_t size,
                      char *err, size_t el)
{
    if (ph->p_filesz > ph->p_memsz)
        return fail(err, el, "segment %d: file size 0x%x larger than memory size 0x%x", i,
                    ph->p_filesz, ph->p_memsz);
    if ((uint64_t)ph->p_offset + ph->p_filesz > size)
        return fail(err, el, "segment %d: data outside the file (truncated?)", i);
    if (ph->p_align > 1 && (ph->p_align & (ph->p_align - 1)))
        return fail(err, el, "segment %d: alignment 0x%x is not a power of two", i, ph->p_align);
    if ((ph->p_vaddr ^ ph->p_offset) & (GUEST_PAGE_SIZE - 1))
        return fail(err, el, "segment %d: address and file offset differ modulo the page size", i);
    uint64_t start = (uint64_t)ph->p_vaddr + bias, end = start + ph->p_memsz;
    if (end > LU_TASK_SIZE)
        return fail(err, el, "segment %d (0x%llx-0x%llx) does not fit in the guest address space",
                    i, (unsigned long long)start, (unsigned long long)end);
    if (start < LU_MMAP_MIN)
        return fail(err, el, "segment %d at 0x%llx is below the lowest mappable address 0x%x", i,
                    (unsigned long long)start, LU_MMAP_MIN);
    if (end > stack_low - GUEST_PAGE_SIZE && start < LU_STACK_TOP)
        return fail(err, el, "segment %d (0x%llx-0x%llx) overlaps the stack area", i,
                    (unsigned long long)start, (unsigned long long)end);
    return 0;
}

static uint32_t stack_size_of(const LuOptions *opt)
{
    uint32_t s = opt && opt->stack_size ? opt->stack_size : LU_DEFAULT_STACK;
    if (s > (1u << 30))
        s = 1u << 30;
    return lu_page_align(s < GUEST_PAGE_SIZE ? GUEST_PAGE_SIZE : s);
}

/* Lowest page and page-aligned span of the PT_LOADs (0 span if none). */
static uint32_t load_span(const Elf32_Ehdr *eh, const Elf32_Phdr *ph, uint32_t *min_page)
{
    uint64_t lo = UINT32_MAX, hi = 0;
    for (int i = 0; i < eh->e_phnum; i++) {
        if (ph[i].p_type != PT_LOAD || !ph[i].p_memsz)
            continue;
        if (ph[i].p_vaddr < lo)
            lo = ph[i].p_vaddr;
        if ((uint64_t)ph[i].p_vaddr + ph[i].p_memsz > hi)
            hi = (uint64_t)ph[i].p_vaddr + ph[i].p_memsz;
    }
    *min_page = (uint32_t)lo & GUEST_PAGE_MASK;
    if (hi <= lo || hi - *min_page > LU_TASK_SIZE)
        return 0;
    return lu_page_align((uint32_t)(hi - *min_page));
}

/* Validate the program headers; ET_DYN images are placed at dyn_base.
 * *interp gets the index of PT_INTERP, or -1. */
static int check_phdrs(const Elf32_Ehdr *eh, const Elf32_Phdr *ph, size_t size,
                       const LuOptions *opt, uint32_t dyn_base, uint32_t *biasp, int *interp,
                       char *err, size_t el)
{
    int nload = 0;
    uint32_t min_vaddr = UINT32_MAX;
    *interp = -1;
    for (int i = 0; i < eh->e_phnum; i++) {
        if (ph[i].p_type == PT_INTERP && *interp < 0)
            *interp = i;
        if (ph[i].p_type == PT_LOAD && ph[i].p_memsz) {
            nload++;
            if (ph[i].p_vaddr < min_vaddr)
                min_vaddr = ph[i].p_vaddr;
        }
    }
    if (!nload)
        return fail(err, el, "no loadable segments");
    uint32_t bias = 0;
    if (eh->e_type == ET_DYN)
        bias = dyn_base - (min_vaddr & GUEST_PAGE_MASK);
    uint32_t stack_low = LU_STACK_TOP - stack_size_of(opt);
    bool entry_ok = false;
    for (int i = 0; i < eh->e_phnum; i++) {
        const Elf32_Phdr *p = &ph[i];
        if (p->p_type != PT_LOAD || !p->p_memsz)
            continue;
        int r = check_load(p, i, bias, stack_low, size, err, el);
        if (r)
            return r;
        for (int j = 0; j < i; j++) {
            const Elf32_Phdr *q = &ph[j];
            if (q->p_type == PT_LOAD && q->p_memsz && p->p_vaddr < q->p_vaddr + q->p_memsz &&
                q->p_vaddr < p->p_vaddr + p->p_memsz)
                return fail(err, el, "segments %d and %d overlap", j, i);
        }
        if (eh->e_entry - p->p_vaddr < p->p_memsz)
            entry_ok = true;
    }
    if (!entry_ok)
        return fail(err, el, "entry point 0x%x is outside the loaded segments", eh->e_entry);
    *biasp = bias;
    return 0;
}

static int pf_to_page(uint32_t f)
{
    return ((f & PF_R) ? PAGE_READ : 0) | ((f & PF_W) ? PAGE_WRITE : 0) |
           ((f & PF_X) ? PAGE_EXEC : 0);
}

/* Map segment ph (at v = p_vaddr + bias, pages [start, end) all free) from
 * the file as Linux does: the pages holding file bytes are a private file
 * mapping and the rest of the bss is anonymous.  With a bss, the last file
 * page is zeroed from the end of the file bytes to the page end, not just
 * to p_memsz: ld.so's early malloc takes the rest of that page after its
 * bss as fresh zeroed memory.  Mapped with page protection prot (the
 * segment's own when no other segment shares its pages and it has no bss,
 * else writable until map_segments sets the final protections).  Returns
 * the host protection used, or -1 (nothing left mapped) if the host
 * refuses: the caller copies. */
static int map_segment_file(int fd, const Elf32_Phdr *ph, uint32_t v, uint32_t start, uint32_t end,
                            int prot)
{
    uint32_t fend = lu_page_align(v + ph->p_filesz);
    int hprot = lu_host_prot(prot);
    void *p = mmap(g2h(start), fend - start, hprot, MAP_PRIVATE | MAP_FIXED, fd,
                   (off_t)(ph->p_offset - (v - start)));
    if (p == MAP_FAILED) {
        lu_reserve_range(start, fend - start);
        return -1;
    }
    lu_mmap_note(start, fend - start, PAGE_VALID | prot);
    if (ph->p_memsz > ph->p_filesz) {
        memset(g2h(v + ph->p_filesz), 0, fend - (v + ph->p_filesz));
        if (end > fend && !lu_map_anon_fixed(fend, end - fend, prot)) {
            lu_reserve_range(start, fend - start);
            return -1;
        }
    }
    return hprot;
}

/* Does another PT_LOAD of the image share a page with segment i? */
static bool shares_pages(const Elf32_Ehdr *eh, const Elf32_Phdr *ph, int i)
{
    uint32_t s = ph[i].p_vaddr & GUEST_PAGE_MASK, e = lu_page_align(ph[i].p_vaddr + ph[i].p_memsz);
    for (int j = 0; j < eh->e_phnum; j++) {
        if (j == i || ph[j].p_type != PT_LOAD || !ph[j].p_memsz)
            continue;
        uint32_t sj = ph[j].p_vaddr & GUEST_PAGE_MASK;
        uint32_t ej = lu_page_align(ph[j].p_vaddr + ph[j].p_memsz);
        if (sj < e && s < ej)
            return true;
    }
    return false;
}

/* Can segment ph be mapped from the file: file offset and address in the
 * same place of a page, with file bytes, on pages nothing else holds yet. */
static bool segment_mappable(int fd, const Elf32_Phdr *ph, uint32_t v, uint32_t start, uint32_t end)
{
    return fd >= 0 && ph->p_filesz && ((v - ph->p_offset) & (GUEST_PAGE_SIZE - 1)) == 0 &&
           !lu_range_any_valid(start, end - start);
}

/* Map, fill and protect the PT_LOADs (already validated); fd is the file d
 * came from, or -1. */
static int map_segments(const uint8_t *d, int fd, const Elf32_Ehdr *eh, const Elf32_Phdr *ph,
                        uint32_t bias, char *err, size_t el)
{
    int first = nloaded;
    for (int i = 0; i < eh->e_phnum; i++) {
        if (ph[i].p_type != PT_LOAD || !ph[i].p_memsz)
            continue;
        uint32_t v = ph[i].p_vaddr + bias;
        uint32_t start = v & GUEST_PAGE_MASK;
        uint32_t end = lu_page_align(v + ph[i].p_memsz);
        int final = ph[i].p_memsz == ph[i].p_filesz && !shares_pages(eh, ph, i);
        int hprot;
        if (segment_mappable(fd, &ph[i], v, start, end) &&
            (hprot = map_segment_file(fd, &ph[i], v, start, end,
                                      final ? pf_to_page(ph[i].p_flags)
                                            : PAGE_READ | PAGE_WRITE)) >= 0) {
            loaded_start[nloaded] = start;
            loaded_hprot[nloaded] = hprot;
            loaded_end[nloaded++] = end;
            continue;
        }
        /* Pages shared with an earlier segment are already mapped. */
        for (uint32_t a = start; a < end; a += GUEST_PAGE_SIZE) {
            if (page_prot[a >> GUEST_PAGE_BITS] & PAGE_VALID)
                continue;
            uint32_t b = a;
            while (b < end && !(page_prot[b >> GUEST_PAGE_BITS] & PAGE_VALID))
                b += GUEST_PAGE_SIZE;
            if (!lu_map_anon_fixed(a, b - a, PAGE_READ | PAGE_WRITE))
                return fail(err, el, "cannot map segment %d: %s", i, strerror(errno));
            loaded_start[nloaded] = a;
            loaded_hprot[nloaded] = lu_host_prot(PAGE_READ | PAGE_WRITE);
            loaded_end[nloaded++] = b;
            a = b - GUEST_PAGE_SIZE;
        }
        memcpy(g2h(v), d + ph[i].p_offset, ph[i].p_filesz);
    }
    /* Final protections: the union of the segments sharing each page. */
    for (int i = 0; i < eh->e_phnum; i++) {
        if (ph[i].p_type != PT_LOAD || !ph[i].p_memsz)
            continue;
        uint32_t v = ph[i].p_vaddr + bias;
        for (uint32_t a = v & GUEST_PAGE_MASK; a < lu_page_align(v + ph[i].p_memsz);
             a += GUEST_PAGE_SIZE)
            page_prot[a >> GUEST_PAGE_BITS] =
                (uint8_t)((page_prot[a >> GUEST_PAGE_BITS] & ~(PAGE_READ | PAGE_WRITE)) |
                          pf_to_page(ph[i].p_flags));
    }
    for (int i = first; i < nloaded; i++) {
        /* one mprotect per run of equal protection (huge bss stays cheap) */
        for (uint32_t a = loaded_start[i], b; a < loaded_end[i]; a = b) {
            uint8_t pp = page_prot[a >> GUEST_PAGE_BITS];
            for (b = a + GUEST_PAGE_SIZE;
                 b < loaded_end[i] && page_prot[b >> GUEST_PAGE_BITS] == pp;)
                b += GUEST_PAGE_SIZE;
            if (lu_host_prot(pp) != loaded_hprot[i])
                mprotect(g2h(a), b - a, lu_host_prot(pp));
        }
    }
    return 0;
}

static void fill_image(const Elf32_Ehdr *eh, const Elf32_Phdr *ph, uint32_t bias, LuImage *img)
{
    memset(img, 0, sizeof(*img));
    img->entry = img->exe_entry = eh->e_entry + bias;
    img->phnum = eh->e_phnum;
    img->phent = sizeof(Elf32_Phdr);
    img->load_bias = bias;
    img->stack_top = LU_STACK_TOP;
    uint32_t brk = 0;
    for (int i = 0; i < eh->e_phnum; i++) {
        if (ph[i].p_type == PT_PHDR)
            img->phdr = ph[i].p_vaddr + bias;
        if (ph[i].p_type != PT_LOAD || !ph[i].p_memsz)
            continue;
        uint32_t end = lu_page_align(ph[i].p_vaddr + bias + ph[i].p_memsz);
        if (end > brk)
            brk = end;
        /* No PT_PHDR: find the headers inside a loaded segment's file image. */
        if (!img->phdr && eh->e_phoff - ph[i].p_offset < ph[i].p_filesz)
            img->phdr = ph[i].p_vaddr + bias + (eh->e_phoff - ph[i].p_offset);
    }
    img->start_brk = brk;
}

static bool scan_exec_stack(const Elf32_Ehdr *eh, const Elf32_Phdr *ph)
{
    for (int i = 0; i < eh->e_phnum; i++) {
        if (ph[i].p_type == PT_GNU_STACK)
            return (ph[i].p_flags & PF_X) != 0;
    }
    return false;
}

/* The PT_INTERP path: inside the file, NUL-terminated, no NUL before. */
static int interp_path(const uint8_t *d, size_t size, const Elf32_Phdr *ip, char *out,
                       size_t outlen, char *err, size_t el)
{
    if ((uint64_t)ip->p_offset + ip->p_filesz > size || ip->p_filesz < 2 || ip->p_filesz >= outlen)
        return fail(err, el, "bad PT_INTERP");
    const char *p = (const char *)d + ip->p_offset;
    if (p[ip->p_filesz - 1] != 0 || strlen(p) != ip->p_filesz - 1)
        return fail(err, el, "bad PT_INTERP");
    memcpy(out, p, ip->p_filesz);
    return 0;
}

static int map_file(const char *path, uint8_t **map, size_t *size, int *fdp, char *err, size_t el);

/* Load the program interpreter (ld.so, from the -L prefix if it is there)
 * somewhere free in the mmap area. */
static int load_interp(const char *path, const LuOptions *opt, LuImage *img, char *err, size_t el)
{
    char full[PATH_MAX + 256];
    const char *use = path;
    if (opt && opt->ld_prefix && path[0] == '/') {
        snprintf(full, sizeof(full), "%s%s", opt->ld_prefix, path);
        if (access(full, F_OK) == 0)
            use = full;
    }
    uint8_t *d;
    size_t size;
    int fd;
    char why[200];
    if (map_file(use, &d, &size, &fd, why, sizeof(why)))
        return fail(err, el, "cannot load interpreter %s: %s", use, why);
    Elf32_Ehdr eh;
    static Elf32_Phdr ph[MAX_PHNUM];
    int r = check_ehdr(d, size, &eh, why, sizeof(why)), nested;
    if (!r && eh.e_type != ET_DYN)
        r = fail(why, sizeof(why), "not a shared object");
    uint32_t min_page = 0, span = 0, bias = 0;
    if (!r) {
        memcpy(ph, d + eh.e_phoff, (size_t)eh.e_phnum * sizeof(Elf32_Phdr));
        span = load_span(&eh, ph, &min_page);
        long base = span ? lu_mmap(0, span, 0, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) : -ENOMEM;
        if (base < 0)
            r = fail(why, sizeof(why), "no room in the address space");
        else
            lu_munmap((uint32_t)base, span);
        if (!r)
            r = check_phdrs(&eh, ph, size, opt, (uint32_t)base, &bias, &nested, why, sizeof(why));
        if (!r && nested >= 0)
            r = fail(why, sizeof(why), "it has an interpreter itself");
        if (!r)
            r = map_segments(d, fd, &eh, ph, bias, why, sizeof(why));
    }
    if (!r) {
        img->entry = eh.e_entry + bias;
        img->interp_base = min_page + bias;
    }
    munmap(d, size);
    close(fd);
    return r ? fail(err, el, "interpreter %s: %s", use, why) : 0;
}

/* Load from data (size bytes), which is the content of file fd, or -1. */
static int load_image(const uint8_t *data, size_t size, int fd, const LuOptions *opt, LuImage *img,
                      char *err, size_t errlen)
{
    if (!guest_mem_init())
        return fail(err, errlen, "cannot reserve the guest address space: %s", strerror(errno));
    unload_image();
    lu_ld_prefix = opt && opt->ld_prefix && opt->ld_prefix[0] ? opt->ld_prefix : NULL;
    lu_mmap_set_top(lu_mmap_top_for(stack_size_of(opt)));
    Elf32_Ehdr eh;
    int r = check_ehdr(data, size, &eh, err, errlen);
    if (r)
        return r;
    static Elf32_Phdr ph[MAX_PHNUM];
    memcpy(ph, data + eh.e_phoff, (size_t)eh.e_phnum * sizeof(Elf32_Phdr));
    uint32_t bias = 0;
    int interp = -1;
    char ipath[PATH_MAX];
    r = check_phdrs(&eh, ph, size, opt, LU_PIE_BIAS, &bias, &interp, err, errlen);
    if (!r && interp >= 0)
        r = interp_path(data, size, &ph[interp], ipath, sizeof(ipath), err, errlen);
    if (!r)
        r = map_segments(data, fd, &eh, ph, bias, err, errlen);
    LuImage im;
    if (!r) {
        exec_stack = scan_exec_stack(&eh, ph);
        fill_image(&eh, ph, bias, &im);
        if (interp >= 0)
            r = load_interp(ipath, opt, &im, err, errlen);
    }
    if (r) {
        unload_image();
        return r;
    }
    *img = lu_image = im;
    lu_brk_init(img->start_brk);
    return 0;
}

int lu_load_elf_buffer(const uint8_t *data, size_t size, const LuOptions *opt, LuImage *img,
                       char *err, size_t errlen)
{
    return load_image(data, size, -1, opt, img, err, errlen);
}

/* Map a whole regular file read-only and keep it open in *fdp (the segments
 * are mapped from it); 0, or BADFILE/NOFILE with a reason. */
static int map_file(const char *path, uint8_t **map, size_t *size, int *fdp, char *err, size_t el)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        fail(err, el, "%s", strerror(e));
        return e == ENOENT || e == ENOTDIR ? XLAT_EXIT_NOFILE : XLAT_EXIT_BADFILE;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return fail(err, el, S_ISDIR(st.st_mode) ? "is a directory" : "not a regular file");
    }
    if (st.st_size < SELFMAG) {
        close(fd);
        return fail(err, el, "not an ELF file");
    }
    void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED) {
        int e = errno;
        close(fd);
        return fail(err, el, "cannot read: %s", strerror(e));
    }
    *map = p;
    *size = (size_t)st.st_size;
    *fdp = fd;
    return 0;
}

int lu_load_elf(const char *path, const LuOptions *opt, LuImage *img, char *err, size_t errlen)
{
    uint8_t *map;
    size_t size;
    int fd;
    int r = map_file(path, &map, &size, &fd, err, errlen);
    if (r)
        return r;
    r = load_image(map, size, fd, opt, img, err, errlen);
    munmap(map, size);
    close(fd);
    if (!r)
        lu_exe_path = path;
    return r;
}

/* ------------------------------------------------------------------ */
/* Initial stack and registers                                         */

typedef struct StackBuilder {
    uint32_t sp, low;
    bool ok;
} StackBuilder;

static uint32_t push_bytes(StackBuilder *sb, const void *p, uint32_t n)
{
    if (sb->sp - sb->low < n + 64) {
        sb->ok = false;
        return 0;
    }
    sb->sp -= n;
    memcpy(g2h(sb->sp), p, n);
    return sb->sp;
}

static uint32_t push_str(StackBuilder *sb, const char *s)
{
    return push_bytes(sb, s, (uint32_t)strlen(s) + 1);
}

static int count_strings(char **v)
{
    int n = 0;
    while (v && v[n])
        n++;
    return n;
}

static bool map_stack(const LuOptions *opt, uint32_t *low)
{
    uint32_t size = stack_size_of(opt);
    *low = LU_STACK_TOP - size;
    int prot = PAGE_READ | PAGE_WRITE | (exec_stack ? PAGE_EXEC : 0);
    if (lu_range_any_valid(*low - GUEST_PAGE_SIZE, size + GUEST_PAGE_SIZE) ||
        !lu_map_anon_fixed(*low, size, prot))
        return false;
    lu_mmap_set_top(lu_mmap_top_for(size));
    return true;
}

bool lu_setup_process(CPUX86State *env, const LuOptions *opt, LuImage *img)
{
    StackBuilder sb = {.ok = true};
    if (!map_stack(opt, &sb.low)) {
        fprintf(stderr, "xlat-i386: cannot map the stack\n");
        return false;
    }
    /* a zero pointer at the very top: 8 bytes, as an x86-64 kernel
     * leaves for a 32-bit process too */
    sb.sp = LU_STACK_TOP - 8;
    int argc = count_strings(opt->argv), envc = count_strings(opt->envp);
    lu_guest_argc = argc;
    lu_guest_argv = opt->argv;
    const char *execfn = opt->exe_path ? opt->exe_path : (argc ? opt->argv[0] : "");
    uint32_t execfn_p = push_str(&sb, execfn);
    uint32_t *argp = calloc((size_t)argc + envc + 2, sizeof(uint32_t));
    if (!argp)
        return false;
    for (int i = envc; i-- > 0;)
        argp[argc + 1 + i] = push_str(&sb, opt->envp[i]);
    for (int i = argc; i-- > 0;)
        argp[i] = push_str(&sb, opt->argv[i]);
    uint32_t platform_p = push_str(&sb, "i686");
    uint8_t rnd[16];
    if (getrandom(rnd, sizeof(rnd), 0) != sizeof(rnd))
        memset(rnd, 0x5a, sizeof(rnd));
    uint32_t random_p = push_bytes(&sb, rnd, sizeof(rnd));
    if (!lu_vdso_map())
        fprintf(stderr, "xlat-i386: warning: no room for the vDSO page\n");

    uint32_t auxv[][2] = {
        {lu_vdso_base ? AT_SYSINFO : AT_IGNORE, lu_vdso_vsyscall()},
        {lu_vdso_base ? AT_SYSINFO_EHDR : AT_IGNORE, lu_vdso_base},
        {AT_PHDR, img->phdr},
        {AT_PHENT, img->phent},
        {AT_PHNUM, img->phnum},
        {AT_PAGESZ, GUEST_PAGE_SIZE},
        {AT_BASE, img->interp_base},
        {AT_FLAGS, 0},
        {AT_ENTRY, img->exe_entry},
        {AT_UID, (uint32_t)getuid()},
        {AT_EUID, (uint32_t)geteuid()},
        {AT_GID, (uint32_t)getgid()},
        {AT_EGID, (uint32_t)getegid()},
        {AT_SECURE, 0},
        {AT_RANDOM, random_p},
        {AT_HWCAP, x86_cpu_hwcap()},
        {AT_CLKTCK, 100},
        {AT_PLATFORM, platform_p},
        {AT_EXECFN, execfn_p},
        {AT_NULL, 0},
    };
    uint32_t nwords = 1 + (uint32_t)argc + 1 + (uint32_t)envc + 1 + 2 * (sizeof(auxv) / 8);
    if (sb.ok && sb.sp - sb.low > nwords * 4 + 64) {
        sb.sp = (sb.sp - nwords * 4) & ~15u;
        uint32_t w = sb.sp;
        uint32_t argc32 = (uint32_t)argc;
        memcpy(g2h(w), &argc32, 4);
        memcpy(g2h(w + 4), argp, 4 * ((size_t)argc + 1));
        memcpy(g2h(w + 8 + 4 * (uint32_t)argc), argp + argc + 1, 4 * ((size_t)envc + 1));
        memcpy(g2h(w + 12 + 4 * (uint32_t)(argc + envc)), auxv, sizeof(auxv));
        _Static_assert(sizeof(auxv) <= sizeof(lu_auxv), "lu_auxv too small");
        memcpy(lu_auxv, auxv, sizeof(auxv));
        lu_auxv_size = sizeof(auxv);
    } else {
        sb.ok = false;
    }
    free(argp);
    if (!sb.ok) {
        fprintf(stderr, "xlat-i386: argument list too long for the stack\n");
        return false;
    }

    lu_stack_low = sb.low;
    /* the kernel's first stack VMA: the argument pages and 128 KiB below */
    lu_stack_start = (sb.sp & GUEST_PAGE_MASK) - LU_STACK_EXPAND;
    if (lu_stack_start < sb.low)
        lu_stack_start = sb.low;
    memset(env->regs, 0, sizeof(env->regs));
    env->regs[R_ESP] = sb.sp;
    env->eip = img->entry;
    env->cc = 0;
    env->df = 1;
    env->eflags_rest = 0;
    memset(env->seg_base, 0, sizeof(env->seg_base));
    static const uint16_t sel[X86_NSEG] = {
        [R_ES] = 0x2b, [R_CS] = 0x23, [R_SS] = 0x2b, [R_DS] = 0x2b, [R_FS] = 0, [R_GS] = 0};
    memcpy(env->seg_sel, sel, sizeof(sel));
    env->guest_base = guest_base;
    env->tid = (uint32_t)getpid();
    lu_thread_env = env;
    lu_brk_init(img->start_brk);
    return true;
}
