/*
 * guest-mem.h - the guest's 4 GiB address space.
 *
 * User mode reserves one host region of 4 GiB at guest_base, with a
 * PROT_NONE guard of GUEST_GUARD bytes on each side;
 * guest address a lives at host guest_base + a (a is 32-bit, so wrap-around
 * at 4 GiB is exact).  Unmapped guest pages are PROT_NONE on the host, so a
 * wild guest access faults on the host and becomes the guest's SIGSEGV.
 *
 * page_prot[] keeps the guest's view of each 4 KiB page (PROT_READ/WRITE/
 * EXEC plus PAGE_VALID); the host protection can differ: pages holding
 * translated code are write-protected on the host (PAGE_CODE) so that guest
 * writes invalidate the translations.
 */
#ifndef XLAT_LINUX_USER_GUEST_MEM_H
#define XLAT_LINUX_USER_GUEST_MEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GUEST_PAGE_BITS 12
#define GUEST_PAGE_SIZE (1u << GUEST_PAGE_BITS)
#define GUEST_PAGE_MASK (~(GUEST_PAGE_SIZE - 1))

/* Guards before guest address 0 and past 4 GiB: the emitter folds
 * displacements below 32 KiB (either sign) into host operands, so an access
 * that wraps lands in a guard and faults with the wrapped address. */
#define GUEST_GUARD (64u << 10)

#define PAGE_READ 0x1      /* = PROT_READ */
#define PAGE_WRITE 0x2     /* = PROT_WRITE */
#define PAGE_EXEC 0x4      /* = PROT_EXEC */
#define PAGE_VALID 0x8     /* mapped */
#define PAGE_CODE 0x10     /* holds translated code: host copy is read-only */

extern uintptr_t guest_base;
extern uint8_t *page_prot; /* 1 << 20 entries */

static inline void *g2h(uint32_t addr) { return (void *)(guest_base + addr); }
static inline uint32_t h2g(const void *p) { return (uint32_t)((uintptr_t)p - guest_base); }
/* Is host address p inside the guest region? */
static inline bool h_is_guest(uintptr_t p)
{
    return p >= guest_base && p - guest_base < (1ull << 32);
}

bool guest_mem_init(void);          /* reserve the region; false on failure */
/* true if every page of [addr, addr+len) has all of prot (PAGE_*) */
bool guest_access_ok(uint32_t addr, uint32_t len, int prot);
/* Mark pages holding code at [addr, addr+len) read-only on the host. */
void page_protect_code(uint32_t addr, uint32_t len);
/* The guest wrote to a PAGE_CODE page: invalidate and unprotect it.
 * Returns true if addr was such a page (the write can be retried). */
bool page_unprotect_code(uint32_t addr);
/* Copy from/to guest memory with permission checks; false (EFAULT) on a bad
 * pointer.  Never faults on the host. */
bool copy_from_guest(void *dst, uint32_t src, size_t len);
bool copy_to_guest(uint32_t dst, const void *src, size_t len);
/* Length of the NUL-terminated guest string at addr, or -1 if it runs into
 * an unreadable page before max bytes. */
long guest_strnlen(uint32_t addr, size_t max);

#endif
