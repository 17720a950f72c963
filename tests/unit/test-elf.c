/*
 * test-elf.c - the ELF loader and initial process setup (linux-user).
 *
 * 1. Every file of tests/fuzz/elf-corpus/ and tests/fuzz/crashers/ goes
 *    through lu_load_elf_buffer: no crash; files named ok-* must load,
 *    bad-* must be refused.
 * 2. Hand-made images, each broken in one way, must be refused with the
 *    expected one-line reason.
 * 3. A good image loads (contents, bss, protections, LuImage fields), loads
 *    again many times (the loader cleans up after itself), and gets a stack
 *    with argc/argv/envp/auxv laid out as Linux does.
 * Run from the repository root (or give the root as argv[1]).
 */
#include <dirent.h>
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "linux-user/guest-mem.h"
#include "linux-user/linux-user.h"

static int npass, nfail;

static void check(bool ok, const char *what, const char *detail)
{
    if (ok) {
        npass++;
    } else {
        nfail++;
        printf("FAIL %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    }
}

/* ---- building images ---------------------------------------------------- */

#define IMG_SIZE 0x3000
#define BASE     0x08048000u

typedef struct Img {
    uint8_t b[IMG_SIZE];
    size_t size;
    Elf32_Ehdr *eh;
    Elf32_Phdr *ph; /* up to 4 */
} Img;

/* A valid static ET_EXEC: text at BASE (file 0..0x1000), data+bss at
 * BASE+0x1000 (file 0x1000..0x1100, memsz 0x2000). */
static void make_good(Img *im)
{
    memset(im, 0, sizeof(*im));
    im->size = 0x1100;
    im->eh = (Elf32_Ehdr *)im->b;
    im->ph = (Elf32_Phdr *)(im->b + sizeof(Elf32_Ehdr));
    Elf32_Ehdr *eh = im->eh;
    memcpy(eh->e_ident, ELFMAG, SELFMAG);
    eh->e_ident[EI_CLASS] = ELFCLASS32;
    eh->e_ident[EI_DATA] = ELFDATA2LSB;
    eh->e_ident[EI_VERSION] = EV_CURRENT;
    eh->e_type = ET_EXEC;
    eh->e_machine = EM_386;
    eh->e_version = EV_CURRENT;
    eh->e_entry = BASE + 0x100;
    eh->e_phoff = sizeof(Elf32_Ehdr);
    eh->e_ehsize = sizeof(Elf32_Ehdr);
    eh->e_phentsize = sizeof(Elf32_Phdr);
    eh->e_phnum = 2;
    im->ph[0] = (Elf32_Phdr){PT_LOAD, 0, BASE, BASE, 0x1000, 0x1000, PF_R | PF_X, 0x1000};
    im->ph[1] = (Elf32_Phdr){PT_LOAD, 0x1000, BASE + 0x1000, BASE + 0x1000,
                             0x100,   0x2000, PF_R | PF_W,   0x1000};
    memset(im->b + 0x100, 0x90, 16);     /* "code" */
    memset(im->b + 0x1000, 0xab, 0x100); /* data */
}

static int load(const Img *im, char *err)
{
    LuImage img;
    LuOptions opt = {0};
    err[0] = 0;
    return lu_load_elf_buffer(im->b, im->size, &opt, &img, err, 256);
}

/* Expect the load to fail with a reason containing want. */
static void expect_fail(const Img *im, const char *name, const char *want)
{
    char err[256];
    int r = load(im, err);
    char what[128];
    snprintf(what, sizeof(what), "%s (wanted \"%s\")", name, want);
    check(r == XLAT_EXIT_BADFILE && strstr(err, want) != NULL, what, err);
}

/* ---- 1. corpus files ------------------------------------------------------ */

static uint8_t *read_file(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    uint8_t *b = malloc(cap);
    size_t k;
    while (b && (k = fread(b + n, 1, cap - n, f)) > 0) {
        n += k;
        if (n == cap)
            b = realloc(b, cap *= 2);
    }
    fclose(f);
    *size = n;
    return b;
}

static void run_dir(const char *root, const char *sub, bool must_exist)
{
    char dir[512];
    snprintf(dir, sizeof(dir), "%s/%s", root, sub);
    DIR *d = opendir(dir);
    if (!d) {
        check(!must_exist, "open corpus directory", dir);
        return;
    }
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char path[1024];
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        size_t size = 0;
        uint8_t *b = read_file(path, &size);
        if (!b)
            continue;
        LuImage img;
        LuOptions opt = {0};
        char err[256] = "";
        int r = lu_load_elf_buffer(b, size, &opt, &img, err, sizeof(err));
        if (!strncmp(e->d_name, "ok-", 3))
            check(r == 0, path, err);
        else if (!strncmp(e->d_name, "bad-", 4))
            check(r == XLAT_EXIT_BADFILE && err[0], path, "should be refused with a reason");
        else
            check(r == 0 || err[0], path, "refused without a reason");
        free(b);
    }
    closedir(d);
}

/* ---- 2. broken images ----------------------------------------------------- */

static void test_bad_images(void)
{
    Img im;
    make_good(&im);
    im.size = 0;
    expect_fail(&im, "empty file", "not an ELF file");
    make_good(&im);
    im.b[1] = 'X';
    expect_fail(&im, "bad magic", "not an ELF file");
    make_good(&im);
    im.size = 30;
    expect_fail(&im, "truncated header", "truncated ELF header");
    make_good(&im);
    im.eh->e_ident[EI_CLASS] = ELFCLASS64;
    expect_fail(&im, "ELF64 class", "wrong ELF class: ELF64");
    make_good(&im);
    im.eh->e_ident[EI_CLASS] = ELFCLASS64;
    im.eh->e_machine = EM_X86_64;
    expect_fail(&im, "x86-64 program", "wrong machine: x86-64 (expected i386)");
    make_good(&im);
    im.eh->e_machine = EM_ARM;
    expect_fail(&im, "ARM program", "wrong machine: ARM");
    make_good(&im);
    im.eh->e_machine = 0x7777;
    expect_fail(&im, "unknown machine", "wrong machine: 30583");
    make_good(&im);
    im.eh->e_ident[EI_DATA] = ELFDATA2MSB;
    expect_fail(&im, "big-endian", "big-endian");
    make_good(&im);
    im.eh->e_type = ET_REL;
    expect_fail(&im, "relocatable", "relocatable");
    make_good(&im);
    im.eh->e_type = ET_CORE;
    expect_fail(&im, "core", "core dump");
    make_good(&im);
    im.eh->e_phentsize = 40;
    expect_fail(&im, "phentsize", "program header size");
    make_good(&im);
    im.eh->e_phnum = 0;
    expect_fail(&im, "no phdrs", "no program headers");
    make_good(&im);
    im.eh->e_phoff = 0x10f0;
    expect_fail(&im, "phdrs past EOF", "program headers outside the file");
    make_good(&im);
    im.eh->e_phoff = 0xfffffff0;
    expect_fail(&im, "phoff overflow", "program headers outside the file");
    make_good(&im);
    im.eh->e_phnum = 0xffff;
    expect_fail(&im, "too many phdrs", "too many program headers");
    make_good(&im);
    im.ph[1].p_filesz = 0x3000;
    expect_fail(&im, "filesz > memsz", "larger than memory size");
    make_good(&im);
    im.ph[1].p_filesz = 0x200;
    expect_fail(&im, "segment past EOF", "outside the file");
    make_good(&im);
    im.ph[1].p_offset = 0xfffff000;
    im.ph[1].p_vaddr = BASE + 0x1000;
    expect_fail(&im, "segment offset overflow", "outside the file");
    make_good(&im);
    im.ph[1].p_align = 0x1800;
    expect_fail(&im, "bad alignment", "not a power of two");
    make_good(&im);
    im.ph[1].p_vaddr += 0x10;
    expect_fail(&im, "vaddr/offset incongruent", "modulo the page size");
    make_good(&im);
    im.ph[1].p_vaddr = 0xfffff000;
    im.ph[1].p_offset = 0x1000;
    expect_fail(&im, "segment beyond 4G", "does not fit");
    make_good(&im);
    im.ph[1].p_memsz = 0xffffffff;
    expect_fail(&im, "huge memsz", "does not fit");
    make_good(&im);
    im.ph[0].p_vaddr = 0x1000;
    im.eh->e_entry = 0x1100;
    expect_fail(&im, "below mmap_min_addr", "below the lowest mappable address");
    make_good(&im);
    im.ph[1].p_vaddr = BASE + 0x800;
    im.ph[1].p_offset = 0x800;
    expect_fail(&im, "overlapping", "overlap");
    make_good(&im);
    im.ph[1].p_vaddr = 0xbff00000;
    expect_fail(&im, "in the stack", "overlaps the stack");
    make_good(&im);
    im.ph[0].p_type = PT_NOTE;
    im.ph[1].p_type = PT_NULL;
    expect_fail(&im, "no PT_LOAD", "no loadable segments");
    make_good(&im);
    im.eh->e_entry = 0x12345678;
    expect_fail(&im, "entry outside", "entry point");
    make_good(&im);
    im.eh->e_phnum = 3;
    im.ph[2] = (Elf32_Phdr){PT_INTERP, 0x200, BASE + 0x200, 0, 20, 20, PF_R, 1};
    expect_fail(&im, "empty PT_INTERP", "bad PT_INTERP");
    strcpy((char *)im.b + 0x200, "/nonexistent/ld.so");
    im.ph[2].p_filesz = im.ph[2].p_memsz = 19;
    expect_fail(&im, "missing interpreter", "cannot load interpreter /nonexistent/ld.so");
    im.ph[2].p_filesz = 30;
    expect_fail(&im, "PT_INTERP with inner NUL", "bad PT_INTERP");
    im.ph[2].p_offset = 0x10f0;
    expect_fail(&im, "PT_INTERP past EOF", "bad PT_INTERP");
    make_good(&im);
    im.eh->e_phnum = 3;
    strcpy((char *)im.b + 0x200, "/proc/self/status");
    im.ph[2] = (Elf32_Phdr){PT_INTERP, 0x200, BASE + 0x200, 0, 18, 18, PF_R, 1};
    expect_fail(&im, "interpreter not ELF", "not an ELF file");
}

/* ---- 3. good images ------------------------------------------------------- */

static uint32_t rd32(uint32_t a)
{
    uint32_t v = 0;
    copy_from_guest(&v, a, 4);
    return v;
}

static void test_good_image(void)
{
    Img im;
    make_good(&im);
    LuImage img;
    LuOptions opt = {0};
    char err[256] = "";
    int r = lu_load_elf_buffer(im.b, im.size, &opt, &img, err, sizeof(err));
    check(r == 0, "good image loads", err);
    if (r)
        return;
    check(img.entry == BASE + 0x100 && img.exe_entry == img.entry, "entry", NULL);
    check(img.phdr == BASE + sizeof(Elf32_Ehdr) && img.phnum == 2 && img.phent == 32, "phdr", NULL);
    check(img.start_brk == BASE + 0x3000, "start_brk after bss", NULL);
    uint8_t b[16];
    check(copy_from_guest(b, BASE + 0x100, 16) && b[0] == 0x90 && b[15] == 0x90, "text", NULL);
    check(rd32(BASE + 0x1000) == 0xabababab && rd32(BASE + 0x10fc) == 0xabababab, "data", NULL);
    check(rd32(BASE + 0x1100) == 0 && rd32(BASE + 0x2ffc) == 0, "bss zero", NULL);
    check(guest_access_ok(BASE, 0x1000, PAGE_READ | PAGE_EXEC) &&
              !guest_access_ok(BASE, 4, PAGE_WRITE),
          "text protection", NULL);
    check(guest_access_ok(BASE + 0x1000, 0x2000, PAGE_READ | PAGE_WRITE) &&
              !guest_access_ok(BASE + 0x1000, 4, PAGE_EXEC),
          "data protection", NULL);
    check(!guest_access_ok(BASE + 0x3000, 1, PAGE_READ), "nothing after bss", NULL);

    /* load again and again: the previous image must go away each time */
    int bad = 0;
    for (int i = 0; i < 2000; i++)
        bad += lu_load_elf_buffer(im.b, im.size, &opt, &img, err, sizeof(err)) != 0;
    check(bad == 0, "2000 reloads", err);
    im.ph[1].p_filesz = 0x5000;
    check(load(&im, err) != 0 && !guest_access_ok(BASE, 1, PAGE_READ),
          "failed load leaves nothing mapped", err);

    /* static-pie: ET_DYN without PT_INTERP is placed at the fixed bias */
    make_good(&im);
    im.eh->e_type = ET_DYN;
    im.eh->e_entry = 0x100;
    im.ph[0].p_vaddr = 0;
    im.ph[1].p_vaddr = 0x1000;
    r = lu_load_elf_buffer(im.b, im.size, &opt, &img, err, sizeof(err));
    check(r == 0 && img.load_bias == 0x56555000 && img.entry == 0x56555100, "static-pie bias", err);
    check(rd32(0x56556000) == 0xabababab, "static-pie data", NULL);
}

static void test_stack(void)
{
    Img im;
    make_good(&im);
    LuImage img;
    char *argv[] = {"prog", "arg one", NULL};
    char *envp[] = {"A=1", "HOME=/x", NULL};
    LuOptions opt = {.exe_path = "/bin/prog", .argc = 2, .argv = argv, .envp = envp};
    char err[256] = "";
    if (lu_load_elf_buffer(im.b, im.size, &opt, &img, err, sizeof(err)) != 0) {
        check(false, "load for stack test", err);
        return;
    }
    static CPUX86State env;
    check(lu_setup_process(&env, &opt, &img), "setup_process", NULL);
    uint32_t sp = env.regs[R_ESP];
    check((sp & 15) == 0, "esp 16-byte aligned", NULL);
    check(env.eip == img.entry && env.df == 1 && env.regs[R_EAX] == 0 && env.regs[R_EDX] == 0,
          "initial registers", NULL);
    check(rd32(sp) == 2, "argc", NULL);
    char s[32] = "";
    long n = guest_strnlen(rd32(sp + 8), 31);
    if (n > 0)
        copy_from_guest(s, rd32(sp + 8), (size_t)n + 1);
    check(!strcmp(s, "arg one") && rd32(sp + 12) == 0, "argv", s);
    n = guest_strnlen(rd32(sp + 20), 31);
    if (n > 0)
        copy_from_guest(s, rd32(sp + 20), (size_t)n + 1);
    check(!strcmp(s, "HOME=/x") && rd32(sp + 24) == 0, "envp", s);
    uint32_t found = 0, pagesz = 0, entry = 0, random = 0, platform = 0, sysinfo = 0, ehdr = 0;
    for (uint32_t a = sp + 28; a < sp + 28 + 8 * 40; a += 8) {
        uint32_t t = rd32(a), v = rd32(a + 4);
        if (t == AT_NULL)
            break;
        found++;
        if (t == AT_PAGESZ)
            pagesz = v;
        if (t == AT_ENTRY)
            entry = v;
        if (t == AT_RANDOM)
            random = v;
        if (t == AT_PLATFORM)
            platform = v;
        if (t == AT_SYSINFO)
            sysinfo = v;
        if (t == AT_SYSINFO_EHDR)
            ehdr = v;
    }
    /* the vDSO (vdso.c): an ELF image, __kernel_vsyscall inside its page */
    check(ehdr && guest_access_ok(ehdr, 4096, PAGE_READ | PAGE_EXEC) &&
              !memcmp(g2h(ehdr), "\177ELF", 4),
          "AT_SYSINFO_EHDR", NULL);
    check(sysinfo > ehdr && sysinfo < ehdr + 4096, "AT_SYSINFO", NULL);
    check(found >= 17 && pagesz == 4096 && entry == img.entry, "auxv", NULL);
    check(random > sp && guest_access_ok(random, 16, PAGE_READ), "AT_RANDOM", NULL);
    check(platform && guest_strnlen(platform, 8) == 4 && !memcmp(g2h(platform), "i686", 4),
          "AT_PLATFORM", NULL);
}

static void test_files(void)
{
    LuImage img;
    LuOptions opt = {0};
    char err[256] = "";
    check(lu_load_elf("/nonexistent/xlat-test", &opt, &img, err, sizeof(err)) == XLAT_EXIT_NOFILE,
          "missing file gives 127", err);
    check(lu_load_elf("/", &opt, &img, err, sizeof(err)) == XLAT_EXIT_BADFILE &&
              strstr(err, "directory"),
          "directory refused", err);
}

int main(int argc, char **argv)
{
    /* The source tree: argv[1], else $XLAT_SRCDIR (scripts/check sets it
     * because tests run in a scratch directory), else the current one. */
    const char *root = argc > 1 ? argv[1] : getenv("XLAT_SRCDIR") ? getenv("XLAT_SRCDIR") : ".";
    run_dir(root, "tests/fuzz/elf-corpus", true);
    run_dir(root, "tests/fuzz/crashers", false);
    test_bad_images();
    test_good_image();
    test_stack();
    test_files();
    printf("%d passed, %d failed\n", npass, nfail);
    return nfail != 0;
}
