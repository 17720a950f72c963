/*
 * mmap.c - the guest's memory-map system calls: mmap/mmap2, munmap,
 * mprotect, mremap, madvise and brk, all inside the guest reservation.
 *
 * Every host mapping made here is MAP_FIXED at g2h(addr), replacing part of
 * the PROT_NONE reservation; unmapping puts the reservation back.  page_prot
 * changes together with the host mapping.  Ranges that held guest-executable
 * pages (or translated code) lose their translations (tb_invalidate_range)
 * whenever they are unmapped, remapped or change protection.
 *
 * Without MAP_FIXED and without a usable hint, mmap searches top-down from
 * mmap_top (just below the stack gap), like Linux's default layout.
 */
#include "linux-user/lu-internal.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "exec/exec.h"
#include "util/log.h"

#define NPAGES(len) ((len) >> GUEST_PAGE_BITS)

static uint32_t mmap_top = LU_STACK_TOP - LU_MMAP_MIN_GAP;
static uint32_t brk_start, brk_cur;

void lu_mmap_set_top(uint32_t top)
{
    mmap_top = top & GUEST_PAGE_MASK;
}

static void set_prot(uint32_t addr, uint32_t len, int pp)
{
    if (!(pp & PAGE_VALID))
        lu_unmap_gen++;
    memset(page_prot + (addr >> GUEST_PAGE_BITS), pp, NPAGES(len));
}

static void invalidate_if_code(uint32_t addr, uint32_t len)
{
    if (lu_range_has_code(addr, len)) {
        tb_invalidate_range(addr, (uint32_t)((uint64_t)addr + len - 1) + 1);
        for (uint32_t p = addr >> GUEST_PAGE_BITS; p < NPAGES((uint64_t)addr + len); p++)
            page_prot[p] &= ~PAGE_CODE;
    }
}

static bool range_free(uint32_t addr, uint32_t len)
{
    if (addr < LU_MMAP_MIN || (uint64_t)addr + len > LU_TASK_SIZE)
        return false;
    return !lu_range_any_valid(addr, len);
}

/*
 * The searches remember where the mapped pages at their start end: pages
 * [full_from, mmap_top) below the stack and [LU_STACK_TOP, up_from) above
 * it are all valid, so a process that fills its address space one mapping
 * at a time does not rescan all of it for each one (that took ~1 ms a call
 * and minutes for a full address space).  Anything that unmaps bumps
 * lu_unmap_gen, which forgets both marks.
 */
static uint32_t full_gen = ~0u, full_top, full_from, up_from;

static const uint64_t valid_word = 0x0101010101010101ull * PAGE_VALID;

/* The highest q <= p such that page q-1 is free, or lo: steps down over
 * mapped pages, whole words of them at once. */
static uint32_t skip_mapped_down(uint32_t p, uint32_t lo)
{
    while (p > lo && (p & 7) && (page_prot[p - 1] & PAGE_VALID))
        p--;
    uint64_t w;
    while (p >= lo + 8 && !(p & 7) && (memcpy(&w, page_prot + p - 8, 8), (w & valid_word) == valid_word))
        p -= 8;
    while (p > lo && (page_prot[p - 1] & PAGE_VALID))
        p--;
    return p;
}

/* The lowest q >= p such that page q is free, or hi. */
static uint32_t skip_mapped_up(uint32_t p, uint32_t hi)
{
    while (p < hi && (p & 7) && (page_prot[p] & PAGE_VALID))
        p++;
    uint64_t w;
    while (p + 8 <= hi && !(p & 7) && (memcpy(&w, page_prot + p, 8), (w & valid_word) == valid_word))
        p += 8;
    while (p < hi && (page_prot[p] & PAGE_VALID))
        p++;
    return p;
}

/* Highest free range of len bytes below mmap_top; 0 if none. */
static uint32_t find_free(uint32_t len)
{
    uint32_t need = NPAGES(len), run = 0, lo = NPAGES(LU_MMAP_MIN), top = NPAGES(mmap_top);
    uint32_t up_lo = NPAGES(LU_STACK_TOP), up_hi = NPAGES(LU_TASK_SIZE);
    if (full_gen != lu_unmap_gen || full_top != top) {
        full_gen = lu_unmap_gen;
        full_top = top;
        full_from = top;
        up_from = up_lo;
    }
    full_from = skip_mapped_down(full_from, lo);
    for (uint32_t p = full_from; p-- > lo;) {
        if (page_prot[p] & PAGE_VALID) {
            run = 0;
            p = skip_mapped_down(p, lo);
            continue;
        }
        if (++run == need)
            return p << GUEST_PAGE_BITS;
    }
    /* Nothing below: try above the stack, bottom-up. */
    run = 0;
    up_from = skip_mapped_up(up_from, up_hi);
    for (uint32_t p = up_from; p < up_hi; p++) {
        if (page_prot[p] & PAGE_VALID) {
            run = 0;
            p = skip_mapped_up(p, up_hi) - 1;
            continue;
        }
        if (++run == need)
            return (p + 1 - need) << GUEST_PAGE_BITS;
    }
    return 0;
}

/* For mappings made outside lu_mmap (SysV shm): a free range, and the
 * bookkeeping of a range the caller mapped or unmapped itself. */
uint32_t lu_mmap_find_free(uint32_t len)
{
    return find_free(lu_page_align(len));
}

void lu_mmap_prepare(uint32_t addr, uint32_t len)
{
    invalidate_if_code(addr, len);
}

void lu_mmap_note(uint32_t addr, uint32_t len, int pp)
{
    set_prot(addr, lu_page_align(len), pp);
}

bool lu_map_anon_fixed(uint32_t addr, uint32_t len, int prot)
{
    /* NORESERVE: a huge bss or heap costs only the pages the guest touches */
    void *p = mmap(g2h(addr), len, lu_host_prot(prot),
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED)
        return false;
    set_prot(addr, len, PAGE_VALID | (prot & (PAGE_READ | PAGE_WRITE | PAGE_EXEC)));
    return true;
}

/* A read-only shared mapping exists, which mprotect may make writable. */
static bool have_shared_readonly;

/* Memory another process may write at the same time: from now on the
 * guest's LOCK-prefixed instructions must be atomic on the host, as they
 * are once it has threads (lu_atomic_begin).  Shared mappings that we
 * cannot write (gconv's cache, say) need nothing until mprotect. */
static void note_shared(int prot)
{
    if (prot & PROT_WRITE)
        lu_atomic_begin();
    else
        have_shared_readonly = true;
}

long lu_mmap(uint32_t addr, uint32_t len, int prot, int flags, int fd, uint64_t off)
{
    int type = flags & MAP_TYPE;
    if (len == 0 || (off & (GUEST_PAGE_SIZE - 1)) ||
        (type != MAP_SHARED && type != MAP_PRIVATE && type != MAP_SHARED_VALIDATE))
        return -EINVAL;
    if (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC))
        return -EINVAL;
    if ((uint64_t)len + GUEST_PAGE_SIZE - 1 > LU_TASK_SIZE)
        return -ENOMEM;
    len = lu_page_align(len);
    bool fixed = flags & (MAP_FIXED | MAP_FIXED_NOREPLACE);
    if (fixed) {
        if (addr & (GUEST_PAGE_SIZE - 1))
            return -EINVAL;
        if ((uint64_t)addr + len > LU_TASK_SIZE)
            return -ENOMEM;
        if (addr < LU_MMAP_MIN)
            return -EPERM;
        if ((flags & MAP_FIXED_NOREPLACE) && lu_range_any_valid(addr, len))
            return -EEXIST;
    } else {
        addr &= GUEST_PAGE_MASK;
        if (!addr || !range_free(addr, len))
            addr = find_free(len);
        if (!addr)
            return -ENOMEM;
    }
    int hflags = (flags & (MAP_TYPE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_POPULATE | MAP_NONBLOCK |
                           MAP_LOCKED | MAP_STACK)) |
                 MAP_FIXED;
    invalidate_if_code(addr, len);
    void *p = mmap(g2h(addr), len, lu_host_prot(prot), hflags, (flags & MAP_ANONYMOUS) ? -1 : fd,
                   (off_t)off);
    if (p == MAP_FAILED) {
        long err = -errno;
        if (!lu_range_any_valid(addr, len))
            lu_reserve_range(addr, len);
        return err;
    }
    set_prot(addr, len, PAGE_VALID | prot);
    if (type != MAP_PRIVATE)
        note_shared(prot);
    if (log_enabled(LOG_PAGE))
        xlat_log("mmap: 0x%08x-0x%08x prot %d flags 0x%x fd %d\n", addr, addr + len, prot, flags,
                 fd);
    return addr;
}

long lu_munmap(uint32_t addr, uint32_t len)
{
    if ((addr & (GUEST_PAGE_SIZE - 1)) || len == 0 || (uint64_t)addr + len > LU_TASK_SIZE)
        return -EINVAL;
    len = lu_page_align(len);
    invalidate_if_code(addr, len);
    if (!lu_reserve_range(addr, len))
        return -ENOMEM;
    if (log_enabled(LOG_PAGE))
        xlat_log("munmap: 0x%08x-0x%08x\n", addr, addr + len);
    return 0;
}

long lu_mprotect(uint32_t addr, uint32_t len, int prot)
{
    if (addr & (GUEST_PAGE_SIZE - 1))
        return -EINVAL;
    /* PROT_GROWSDOWN/UP only make sense on grows-down mappings we don't have. */
    if (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC | PROT_GROWSDOWN | PROT_GROWSUP))
        return -EINVAL;
    prot &= PROT_READ | PROT_WRITE | PROT_EXEC;
    if (len == 0)
        return 0;
    if ((uint64_t)addr + len > LU_TASK_SIZE)
        return -ENOMEM;
    len = lu_page_align(len);
    for (uint32_t p = NPAGES(addr); p < NPAGES(addr) + NPAGES(len); p++) {
        if (!(page_prot[p] & PAGE_VALID))
            return -ENOMEM;
    }
    invalidate_if_code(addr, len);
    if (mprotect(g2h(addr), len, lu_host_prot(prot)) != 0)
        return -errno;
    set_prot(addr, len, PAGE_VALID | prot);
    if ((prot & PROT_WRITE) && have_shared_readonly)
        lu_atomic_begin(); /* (we do not know which pages are shared) */
    return 0;
}

static bool move_pages(uint32_t from, uint32_t oldlen, uint32_t to, uint32_t newlen)
{
    void *p = mremap(g2h(from), oldlen, newlen, MREMAP_MAYMOVE | MREMAP_FIXED, g2h(to));
    if (p == MAP_FAILED)
        return false;
    uint8_t pp = page_prot[NPAGES(from)];
    invalidate_if_code(from, oldlen);
    /* The source is now a host hole: put the reservation back. */
    lu_reserve_range(from, oldlen);
    set_prot(to, newlen, pp & ~PAGE_CODE);
    return true;
}

long lu_mremap(uint32_t old, uint32_t oldlen, uint32_t newlen, int flags, uint32_t newaddr)
{
    if ((old & (GUEST_PAGE_SIZE - 1)) || newlen == 0 ||
        (flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED)) ||
        ((flags & MREMAP_FIXED) && !(flags & MREMAP_MAYMOVE)))
        return -EINVAL;
    if ((uint64_t)newlen + GUEST_PAGE_SIZE - 1 > LU_TASK_SIZE ||
        (uint64_t)oldlen + GUEST_PAGE_SIZE - 1 > LU_TASK_SIZE)
        return -ENOMEM;
    oldlen = lu_page_align(oldlen);
    newlen = lu_page_align(newlen);
    if (oldlen == 0 || !guest_access_ok(old, oldlen, 0))
        return -EFAULT;
    if (flags & MREMAP_FIXED) {
        if ((newaddr & (GUEST_PAGE_SIZE - 1)) || (uint64_t)newaddr + newlen > LU_TASK_SIZE ||
            newaddr < LU_MMAP_MIN)
            return -EINVAL;
        if (newaddr < old + oldlen && old < newaddr + newlen)
            return -EINVAL;
        lu_munmap(newaddr, newlen);
        return move_pages(old, oldlen, newaddr, newlen) ? (long)newaddr : -ENOMEM;
    }
    if (newlen <= oldlen) {
        if (newlen < oldlen)
            lu_munmap(old + newlen, oldlen - newlen);
        return old;
    }
    if (range_free(old + oldlen, newlen - oldlen)) {
        /* Grow in place: open a host hole after the mapping and extend into it. */
        munmap(g2h(old + oldlen), newlen - oldlen);
        if (mremap(g2h(old), oldlen, newlen, 0) != MAP_FAILED) {
            set_prot(old + oldlen, newlen - oldlen, page_prot[NPAGES(old)] & ~PAGE_CODE);
            return old;
        }
        lu_reserve_range(old + oldlen, newlen - oldlen);
    }
    if (!(flags & MREMAP_MAYMOVE))
        return -ENOMEM;
    uint32_t to = find_free(newlen);
    if (!to || !move_pages(old, oldlen, to, newlen))
        return -ENOMEM;
    return to;
}

long lu_madvise(uint32_t addr, uint32_t len, int advice)
{
    if (addr & (GUEST_PAGE_SIZE - 1))
        return -EINVAL;
    if (len == 0)
        return 0;
    if ((uint64_t)addr + len > LU_TASK_SIZE)
        return -ENOMEM;
    len = lu_page_align(len);
    if (!guest_access_ok(addr, len, 0))
        return -ENOMEM;
    /* Only DONTNEED has a visible effect (zero-fill of private pages). */
    if (advice == MADV_DONTNEED) {
        invalidate_if_code(addr, len);
        if (madvise(g2h(addr), len, MADV_DONTNEED) != 0)
            return -errno;
    }
    return 0;
}

void lu_brk_range(uint32_t *start, uint32_t *cur)
{
    *start = brk_start;
    *cur = brk_cur;
}

void lu_brk_init(uint32_t start_brk)
{
    brk_start = brk_cur = start_brk;
}

/* Like the kernel: returns the new break, or the old one if it cannot move. */
long lu_brk(uint32_t newbrk)
{
    if (newbrk < brk_start || newbrk > LU_TASK_SIZE)
        return brk_cur;
    uint32_t old_end = lu_page_align(brk_cur), new_end = lu_page_align(newbrk);
    if (new_end > old_end) {
        if (!range_free(old_end, new_end - old_end) ||
            !lu_map_anon_fixed(old_end, new_end - old_end, PAGE_READ | PAGE_WRITE))
            return brk_cur;
    } else if (new_end < old_end) {
        lu_munmap(new_end, old_end - new_end);
    }
    brk_cur = newbrk;
    return brk_cur;
}
