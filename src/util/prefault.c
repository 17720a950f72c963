/*
 * prefault.c - see prefault.h: populate the whole pages of a range for
 * writing with one madvise(MADV_POPULATE_WRITE), or for reading with
 * MADV_POPULATE_READ.  The contents stay as they are (fresh pages read as
 * zero), so callers may pass memory from calloc() or a zero-initialised
 * static array, and free it as usual afterwards.
 */
#include "util/prefault.h"

#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22 /* Linux 5.14 uapi values */
#endif
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

static void prefault(void *p, size_t len, int advice)
{
    uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
    uintptr_t a = ((uintptr_t)p + page - 1) & ~(page - 1);
    uintptr_t b = ((uintptr_t)p + len) & ~(page - 1);
    if (b > a)
        (void)madvise((void *)a, b - a, advice);
}

void prefault_write(void *p, size_t len)
{
    prefault(p, len, MADV_POPULATE_WRITE);
}

void prefault_read(void *p, size_t len)
{
    prefault(p, len, MADV_POPULATE_READ);
}
