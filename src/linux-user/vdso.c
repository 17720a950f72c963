/*
 * vdso.c - the guest's vDSO: one read+exec page that is a small but valid
 * ELF shared object, mapped once per process (a fork child inherits it with
 * the rest of guest memory; execve builds a new process and a new page) and
 * given to the guest as AT_SYSINFO_EHDR, as an x86-64 kernel does for a
 * 32-bit process.
 *
 * Why: a handler installed without SA_RESTORER (raw rt_sigaction/sigaction,
 * as static programs and runtimes do) returns to the address the kernel put
 * in the frame: the vDSO's __kernel_sigreturn (sigframe) or
 * __kernel_rt_sigreturn (rt_sigframe).  The retcode bytes inside the frame
 * are there only as a signature for debuggers and unwinders; the stack is
 * not executable, so they cannot be the return path.
 *
 * The page holds what a reader of a vDSO looks for: ELF header, PT_LOAD and
 * PT_DYNAMIC, a SysV hash table, dynamic symbols, SONAME linux-gate.so.1,
 * section headers, and the code; it is linked at address 0, as the kernel's
 * image is, so the dynamic pointers are offsets.  The guest's glibc parses
 * it at start-up (dynamic loader, or _dl_non_dynamic_init in static
 * programs) and looks up __vdso_clock_gettime and friends, which are not
 * here: glibc then makes the real system calls.  The symbols are
 *   __kernel_vsyscall      int $0x80; ret
 *   __kernel_sigreturn     popl %eax; movl $119, %eax; int $0x80
 *   __kernel_rt_sigreturn  movl $173, %eax; int $0x80
 * (the sigreturn ones with the kernel's instruction bytes, which libgcc's
 * unwinder recognises when it walks through a signal frame).  AT_SYSINFO
 * names __kernel_vsyscall as the kernel does: glibc takes AT_SYSINFO as its
 * system call entry whenever AT_SYSINFO_EHDR is there (it would call
 * address 0 without it), so the guest's glibc makes its system calls with
 * call *%gs:0x10 into this page.  The kernel's version enters with
 * sysenter; int $0x80 keeps the same registers.
 */
#include "linux-user/lu-internal.h"

#include <elf.h>
#include <string.h>
#include <sys/mman.h>

uint32_t lu_vdso_base;

/* Layout of the image (offsets = link addresses). */
enum {
    V_PHDR = sizeof(Elf32_Ehdr),
    V_NPHDR = 2,
    V_HASH = 0x0a0,
    V_DYNSYM = 0x0c0,
    V_DYNSTR = 0x100,
    V_DYNAMIC = 0x180,
    V_SHSTR = 0x1c0,
    V_SHDR = 0x200,
    V_NSHDR = 7,
    V_TEXT = 0x400,
    V_VSYSCALL = V_TEXT,
    V_SIGRETURN = V_TEXT + 0x10,
    V_RT_SIGRETURN = V_TEXT + 0x20,
    V_TEXT_END = V_TEXT + 0x30,
};

enum { SYM_VSYSCALL = 1, SYM_SIGRETURN, SYM_RT_SIGRETURN, V_NSYM };
enum { SH_HASH = 1, SH_DYNSYM, SH_DYNSTR, SH_DYNAMIC, SH_TEXT, SH_SHSTRTAB };

static const char dynstr[] = "\0linux-gate.so.1\0__kernel_vsyscall\0__kernel_sigreturn\0"
                             "__kernel_rt_sigreturn";
enum { STR_SONAME = 1, STR_VSYSCALL = 17, STR_SIGRETURN = 35, STR_RT_SIGRETURN = 54 };
static const char shstr[] = "\0.hash\0.dynsym\0.dynstr\0.dynamic\0.text\0.shstrtab";
enum { SN_HASH = 1, SN_DYNSYM = 7, SN_DYNSTR = 15, SN_DYNAMIC = 23, SN_TEXT = 32, SN_SHSTR = 38 };

_Static_assert(sizeof(dynstr) <= V_DYNAMIC - V_DYNSTR, "dynstr overlaps .dynamic");
_Static_assert(sizeof(shstr) <= V_SHDR - V_SHSTR, "shstrtab overlaps the section headers");
_Static_assert(V_SHDR + V_NSHDR * sizeof(Elf32_Shdr) <= V_TEXT, "section headers overlap .text");
_Static_assert(V_DYNSYM + V_NSYM * sizeof(Elf32_Sym) <= V_DYNSTR, "dynsym overlaps dynstr");

static void put_ehdr(uint8_t *p)
{
    Elf32_Ehdr eh = {
        .e_ident = {ELFMAG0, ELFMAG1, ELFMAG2, ELFMAG3, ELFCLASS32, ELFDATA2LSB, EV_CURRENT,
                    ELFOSABI_SYSV},
        .e_type = ET_DYN,
        .e_machine = EM_386,
        .e_version = EV_CURRENT,
        .e_entry = V_VSYSCALL,
        .e_phoff = V_PHDR,
        .e_shoff = V_SHDR,
        .e_ehsize = sizeof(Elf32_Ehdr),
        .e_phentsize = sizeof(Elf32_Phdr),
        .e_phnum = V_NPHDR,
        .e_shentsize = sizeof(Elf32_Shdr),
        .e_shnum = V_NSHDR,
        .e_shstrndx = SH_SHSTRTAB,
    };
    memcpy(p, &eh, sizeof(eh));
}

static void put_phdrs(uint8_t *p)
{
    Elf32_Phdr ph[V_NPHDR] = {
        {.p_type = PT_LOAD,
         .p_filesz = GUEST_PAGE_SIZE,
         .p_memsz = GUEST_PAGE_SIZE,
         .p_flags = PF_R | PF_X,
         .p_align = GUEST_PAGE_SIZE},
        {.p_type = PT_DYNAMIC,
         .p_offset = V_DYNAMIC,
         .p_vaddr = V_DYNAMIC,
         .p_paddr = V_DYNAMIC,
         .p_filesz = 7 * sizeof(Elf32_Dyn),
         .p_memsz = 7 * sizeof(Elf32_Dyn),
         .p_flags = PF_R,
         .p_align = 4},
    };
    memcpy(p + V_PHDR, ph, sizeof(ph));
}

/* One bucket: every name hashes to it, and the chain visits each symbol. */
static void put_hash(uint8_t *p)
{
    uint32_t h[2 + 1 + V_NSYM] = {1, V_NSYM, SYM_VSYSCALL};
    for (uint32_t s = SYM_VSYSCALL; s + 1 < V_NSYM; s++)
        h[3 + s] = s + 1;
    memcpy(p + V_HASH, h, sizeof(h));
}

static void put_dynsym(uint8_t *p)
{
    uint8_t func = ELF32_ST_INFO(STB_GLOBAL, STT_FUNC);
    Elf32_Sym sym[V_NSYM] = {
        [SYM_VSYSCALL] = {STR_VSYSCALL, V_VSYSCALL, 3, func, 0, SH_TEXT},
        [SYM_SIGRETURN] = {STR_SIGRETURN, V_SIGRETURN, 9, func, 0, SH_TEXT},
        [SYM_RT_SIGRETURN] = {STR_RT_SIGRETURN, V_RT_SIGRETURN, 8, func, 0, SH_TEXT},
    };
    memcpy(p + V_DYNSYM, sym, sizeof(sym));
    memcpy(p + V_DYNSTR, dynstr, sizeof(dynstr));
}

static void put_dynamic(uint8_t *p)
{
    Elf32_Dyn d[7] = {
        {DT_HASH, {V_HASH}},
        {DT_STRTAB, {V_DYNSTR}},
        {DT_SYMTAB, {V_DYNSYM}},
        {DT_STRSZ, {sizeof(dynstr)}},
        {DT_SYMENT, {sizeof(Elf32_Sym)}},
        {DT_SONAME, {STR_SONAME}},
        {DT_NULL, {0}},
    };
    memcpy(p + V_DYNAMIC, d, sizeof(d));
}

static void put_shdrs(uint8_t *p)
{
    Elf32_Shdr sh[V_NSHDR] = {
        [SH_HASH] = {SN_HASH, SHT_HASH, SHF_ALLOC, V_HASH, V_HASH, (2 + 1 + V_NSYM) * 4, SH_DYNSYM,
                     0, 4, 4},
        [SH_DYNSYM] = {SN_DYNSYM, SHT_DYNSYM, SHF_ALLOC, V_DYNSYM, V_DYNSYM,
                       V_NSYM * sizeof(Elf32_Sym), SH_DYNSTR, 1, 4, sizeof(Elf32_Sym)},
        [SH_DYNSTR] = {SN_DYNSTR, SHT_STRTAB, SHF_ALLOC, V_DYNSTR, V_DYNSTR, sizeof(dynstr), 0, 0,
                       1, 0},
        [SH_DYNAMIC] = {SN_DYNAMIC, SHT_DYNAMIC, SHF_ALLOC, V_DYNAMIC, V_DYNAMIC,
                        7 * sizeof(Elf32_Dyn), SH_DYNSTR, 0, 4, sizeof(Elf32_Dyn)},
        [SH_TEXT] = {SN_TEXT, SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, V_TEXT, V_TEXT,
                     V_TEXT_END - V_TEXT, 0, 0, 16, 0},
        [SH_SHSTRTAB] = {SN_SHSTR, SHT_STRTAB, 0, 0, V_SHSTR, sizeof(shstr), 0, 0, 1, 0},
    };
    memcpy(p + V_SHDR, sh, sizeof(sh));
    memcpy(p + V_SHSTR, shstr, sizeof(shstr));
}

/* The kernel's instruction bytes (arch/x86 vdso32 sigreturn), each
 * followed by a nop as there. */
static void put_text(uint8_t *p)
{
    static const uint8_t vsyscall[] = {0xcd, 0x80, 0xc3};
    static const uint8_t sigreturn[] = {0x58, 0xb8, 119, 0, 0, 0, 0xcd, 0x80, 0x90};
    static const uint8_t rt_sigreturn[] = {0xb8, 173, 0, 0, 0, 0xcd, 0x80, 0x90};
    memset(p + V_TEXT, 0x90, V_TEXT_END - V_TEXT);
    memcpy(p + V_VSYSCALL, vsyscall, sizeof(vsyscall));
    memcpy(p + V_SIGRETURN, sigreturn, sizeof(sigreturn));
    memcpy(p + V_RT_SIGRETURN, rt_sigreturn, sizeof(rt_sigreturn));
}

static void build_image(uint8_t *p)
{
    memset(p, 0, GUEST_PAGE_SIZE);
    put_ehdr(p);
    put_phdrs(p);
    put_hash(p);
    put_dynsym(p);
    put_dynamic(p);
    put_shdrs(p);
    put_text(p);
}

/* Map the page at a free place of the mmap area (where the kernel would
 * put it: top-down, after the program and its interpreter). */
bool lu_vdso_map(void)
{
    lu_vdso_base = 0;
    uint32_t a = lu_mmap_find_free(GUEST_PAGE_SIZE);
    if (!a || !lu_map_anon_fixed(a, GUEST_PAGE_SIZE, PAGE_READ | PAGE_WRITE))
        return false;
    build_image(g2h(a));
    if (lu_mprotect(a, GUEST_PAGE_SIZE, PROT_READ | PROT_EXEC) != 0)
        return false;
    lu_vdso_base = a;
    return true;
}

uint32_t lu_vdso_vsyscall(void)
{
    return lu_vdso_base ? lu_vdso_base + V_VSYSCALL : 0;
}

uint32_t lu_vdso_sigreturn(bool rt)
{
    if (!lu_vdso_base)
        return 0;
    return lu_vdso_base + (rt ? V_RT_SIGRETURN : V_SIGRETURN);
}
