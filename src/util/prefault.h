/*
 * prefault.h - fault in, in one system call, host memory that is about to be
 * written all over.
 *
 * A fresh anonymous page costs a page fault on its first write (on this VM
 * about 1 us: the trap, the allocation, the zeroing).  Tables indexed by a
 * hash (the jump cache, the TB hash table) get their pages touched in random
 * order by even the shortest guest run, so xlat-i386 paid ~190 such faults
 * per start-up for them.  MADV_POPULATE_WRITE (Linux 5.14) maps them all at
 * once, without the traps.  Example:
 *
 *   TB **cache = calloc(TB_JMP_CACHE_SIZE, sizeof(TB *));
 *   prefault_write(cache, TB_JMP_CACHE_SIZE * sizeof(TB *));
 *
 * Only whole pages inside [p, p + len) are touched; the call is advice, so
 * an older kernel's refusal changes nothing but the time.
 */
#ifndef XLAT_UTIL_PREFAULT_H
#define XLAT_UTIL_PREFAULT_H

#include <stddef.h>

void prefault_write(void *p, size_t len);
/* The same for reading only: untouched anonymous pages map the shared zero
 * page (no memory is used), so that a table mostly read where it is empty
 * takes no faults there; the first write to a page still takes one. */
void prefault_read(void *p, size_t len);

#endif
