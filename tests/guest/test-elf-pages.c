/*
 * test-elf-pages.c - what the guest sees on the partial pages of its own
 * PT_LOAD segments, as Linux's ELF loader leaves them.
 *
 * Linux maps each segment's pages from the file, so the bytes before a
 * segment's start on its first page, and after its file bytes on its last
 * page, are whatever the file holds there (for a segment without bss);
 * with a bss, the rest of the last file page is zeroed up to the page end,
 * also past p_memsz (ld.so's early malloc relies on that).  xlat-i386 once
 * copied segments into zeroed pages (the leading bytes read 0 instead of
 * the file's), and its first file-mapping loader zeroed only to p_memsz.
 * Prints, per PT_LOAD, a checksum of the leading and trailing partial page
 * bytes, or for a segment with bss whether the bytes after it on its last
 * page are zero (the dynamic rootfs programs cover a bss that ends inside
 * the last file page: ld.so's).  Example line:
 *   load 3 RW-: lead 0xbec bytes sum 030e3644, past bss 0xf70 bytes zero 1
 */
#include "guest.h"

#include <elf.h>
#include <sys/auxv.h>

static uint32_t sum_bytes(const uint8_t *p, uint32_t n)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (uint32_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 16777619u;
    return h;
}

static int all_zero(const uint8_t *p, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        if (p[i])
            return 0;
    return 1;
}

static void show_load(int i, const Elf32_Phdr *ph, uint32_t bias)
{
    uint32_t v = ph->p_vaddr + bias;
    uint32_t page_start = v & ~0xfffu;
    uint32_t file_end = v + ph->p_filesz;
    uint32_t page_end = (file_end + 0xfffu) & ~0xfffu;
    char perms[4] = {ph->p_flags & PF_R ? 'R' : '-', ph->p_flags & PF_W ? 'W' : '-',
                     ph->p_flags & PF_X ? 'X' : '-', 0};
    printf("load %d %s: lead %#x bytes sum %08x", i, perms, v - page_start,
           sum_bytes((const uint8_t *)page_start, v - page_start));
    /* (the bss itself holds libc's data by now; past p_memsz nothing does) */
    uint32_t mem_end = v + ph->p_memsz;
    if (ph->p_memsz > ph->p_filesz)
        printf(", past bss %#x bytes zero %d\n", ((mem_end + 0xfffu) & ~0xfffu) - mem_end,
               all_zero((const uint8_t *)mem_end, ((mem_end + 0xfffu) & ~0xfffu) - mem_end));
    else
        printf(", tail %#x bytes sum %08x\n", page_end - file_end,
               sum_bytes((const uint8_t *)file_end, page_end - file_end));
}

int main(void)
{
    const Elf32_Phdr *ph = (const Elf32_Phdr *)getauxval(AT_PHDR);
    unsigned n = (unsigned)getauxval(AT_PHNUM);
    uint32_t bias = 0;
    for (unsigned i = 0; i < n; i++)
        if (ph[i].p_type == PT_PHDR)
            bias = (uint32_t)(uintptr_t)ph - ph[i].p_vaddr;
    int k = 0;
    for (unsigned i = 0; i < n; i++)
        if (ph[i].p_type == PT_LOAD)
            show_load(k++, &ph[i], bias);
    printf("%d loads\n", k);
    return 0;
}
