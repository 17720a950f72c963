/*
 * guest-mem.c - the guest's 4 GiB address space on the host.
 *
 * One host reservation of 4 GiB plus a guard holds the whole guest space;
 * unmapped guest pages are PROT_NONE there, so wild guest accesses fault on
 * the host.  page_prot[] is the guest's view of each page and is the only
 * thing C code consults before touching guest memory: copy_*_guest and
 * guest_strnlen check it first and so never fault on the host.
 *
 * Invariants:
 *  - page_prot[p] == 0 <=> guest page p is reserved PROT_NONE on the host.
 *  - A PAGE_CODE page that the guest may write is read-only on the host;
 *    PAGE_CODE is cleared only together with tb_invalidate_range() of it.
 *  - Write, read or exec access by the guest implies read (as on x86).
 */
#include "linux-user/lu-internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "exec/exec.h"

#define GUEST_SPACE  (1ull << 32)
#define GUEST_NPAGES (1u << (32 - GUEST_PAGE_BITS))

uintptr_t guest_base;
uint8_t *page_prot;
uint32_t lu_unmap_gen;

bool guest_mem_init(void)
{
    if (guest_base)
        return true;
    /* guard | 4 GiB guest space | guard (guest-mem.h) */
    size_t size = GUEST_SPACE + 2 * (size_t)GUEST_GUARD;
    void *p = mmap(NULL, size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED)
        return false;
    page_prot = calloc(GUEST_NPAGES, 1);
    if (!page_prot) {
        munmap(p, size);
        return false;
    }
    guest_base = (uintptr_t)p + GUEST_GUARD;
    return true;
}

int lu_host_prot(int pp)
{
    int hp = PROT_NONE;
    if (pp & (PAGE_READ | PAGE_WRITE | PAGE_EXEC))
        hp |= PROT_READ;
    if ((pp & PAGE_WRITE) && !(pp & PAGE_CODE))
        hp |= PROT_WRITE;
    return hp;
}

bool lu_reserve_range(uint32_t addr, uint32_t len)
{
    if (!len)
        return true;
    void *p = mmap(g2h(addr), len, PROT_NONE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0);
    memset(page_prot + (addr >> GUEST_PAGE_BITS), 0, len >> GUEST_PAGE_BITS);
    lu_unmap_gen++; /* mmap's search must look at these pages again */
    return p != MAP_FAILED;
}

/* Does a page with guest protection pp allow every access in want? */
static bool page_allows(int pp, int want)
{
    if (!(pp & PAGE_VALID))
        return false;
    if (pp & (PAGE_WRITE | PAGE_EXEC))
        pp |= PAGE_READ;
    return (pp & want & (PAGE_READ | PAGE_WRITE | PAGE_EXEC)) ==
           (want & (PAGE_READ | PAGE_WRITE | PAGE_EXEC));
}

bool guest_access_ok(uint32_t addr, uint32_t len, int prot)
{
    if (!page_prot)
        return false;
    if (len == 0)
        return true;
    if ((uint64_t)addr + len > GUEST_SPACE)
        return false;
    uint32_t last = (uint32_t)(((uint64_t)addr + len - 1) >> GUEST_PAGE_BITS);
    for (uint32_t p = addr >> GUEST_PAGE_BITS; p <= last; p++) {
        if (!page_allows(page_prot[p], prot))
            return false;
    }
    return true;
}

bool lu_range_any_valid(uint32_t addr, uint32_t len)
{
    uint64_t end = ((uint64_t)addr + len + GUEST_PAGE_SIZE - 1) >> GUEST_PAGE_BITS;
    for (uint64_t p = addr >> GUEST_PAGE_BITS; p < end && p < GUEST_NPAGES; p++) {
        if (page_prot[p] & PAGE_VALID)
            return true;
    }
    return false;
}

bool lu_range_has_code(uint32_t addr, uint32_t len)
{
    uint64_t end = ((uint64_t)addr + len + GUEST_PAGE_SIZE - 1) >> GUEST_PAGE_BITS;
    for (uint64_t p = addr >> GUEST_PAGE_BITS; p < end && p < GUEST_NPAGES; p++) {
        if (page_prot[p] & (PAGE_EXEC | PAGE_CODE))
            return true;
    }
    return false;
}

void page_protect_code(uint32_t addr, uint32_t len)
{
    if (!page_prot || len == 0)
        return;
    uint64_t end = ((uint64_t)addr + len + GUEST_PAGE_SIZE - 1) >> GUEST_PAGE_BITS;
    for (uint64_t p = addr >> GUEST_PAGE_BITS; p < end && p < GUEST_NPAGES; p++) {
        uint8_t pp = page_prot[p];
        if (!(pp & PAGE_VALID) || (pp & PAGE_CODE))
            continue;
        page_prot[p] = pp | PAGE_CODE;
        if (pp & PAGE_WRITE)
            mprotect(g2h((uint32_t)(p << GUEST_PAGE_BITS)), GUEST_PAGE_SIZE,
                     lu_host_prot(pp | PAGE_CODE));
    }
}

bool page_unprotect_code(uint32_t addr)
{
    if (!page_prot)
        return false;
    uint32_t p = addr >> GUEST_PAGE_BITS;
    uint8_t pp = page_prot[p];
    if (!(pp & PAGE_CODE) || !(pp & PAGE_WRITE))
        return false;
    uint32_t start = p << GUEST_PAGE_BITS;
    /* Invalidate before the host page becomes writable again, so no TB of
     * this page can run on bytes the guest is about to change. */
    tb_invalidate_range(start, start + GUEST_PAGE_SIZE);
    page_prot[p] = pp & ~PAGE_CODE;
    mprotect(g2h(start), GUEST_PAGE_SIZE, lu_host_prot(page_prot[p]));
    return true;
}

void *lu_guest_ptr(uint32_t addr, uint32_t len, int prot)
{
    if (!guest_access_ok(addr, len, prot))
        return NULL;
    if ((prot & PAGE_WRITE) && len) {
        uint32_t last = (uint32_t)(((uint64_t)addr + len - 1) >> GUEST_PAGE_BITS);
        for (uint32_t p = addr >> GUEST_PAGE_BITS; p <= last; p++) {
            if (page_prot[p] & PAGE_CODE)
                page_unprotect_code(p << GUEST_PAGE_BITS);
        }
    }
    return g2h(addr);
}

bool copy_from_guest(void *dst, uint32_t src, size_t len)
{
    if (len > UINT32_MAX || !guest_access_ok(src, (uint32_t)len, PAGE_READ))
        return false;
    memcpy(dst, g2h(src), len);
    return true;
}

bool copy_to_guest(uint32_t dst, const void *src, size_t len)
{
    if (len > UINT32_MAX)
        return false;
    void *p = lu_guest_ptr(dst, (uint32_t)len, PAGE_WRITE);
    if (!p)
        return false;
    memcpy(p, src, len);
    return true;
}

long guest_strnlen(uint32_t addr, size_t max)
{
    size_t n = 0;
    while (n < max) {
        uint32_t a = addr + (uint32_t)n;
        if ((uint64_t)addr + n >= GUEST_SPACE || !guest_access_ok(a, 1, PAGE_READ))
            return -1;
        size_t chunk = GUEST_PAGE_SIZE - (a & (GUEST_PAGE_SIZE - 1));
        if (chunk > max - n)
            chunk = max - n;
        const char *z = memchr(g2h(a), 0, chunk);
        if (z)
            return (long)(n + (size_t)(z - (const char *)g2h(a)));
        n += chunk;
    }
    return -1;
}
