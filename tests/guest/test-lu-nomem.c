/*
 * test-lu-nomem.c - an exhausted address space gives the guest what the
 * kernel gives a 32-bit process: mmap fails with ENOMEM, brk stops
 * growing, malloc returns NULL; after munmap everything works again.
 * Example line:  mmap until full: ENOMEM, at least 2 GiB 1
 */
#include "guest.h"

#include <errno.h>
#include <sys/mman.h>
#include <unistd.h>

#define CHUNK (64u << 20)
#define MAXCHUNKS 64

static void *chunks[MAXCHUNKS];
static void *pages[1 << 20]; /* 4 GiB of pages at most */

int main(void)
{
    int n = 0, err = 0;
    while (n < MAXCHUNKS) {
        void *p = mmap(NULL, CHUNK, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (p == MAP_FAILED) {
            err = errno;
            break;
        }
        chunks[n++] = p;
    }
    printf("mmap until full: %s, at least 2 GiB %d\n", err == ENOMEM ? "ENOMEM" : "other",
           n * (CHUNK >> 20) >= 2048);

    /* fill the holes that are left with single pages (untouched: the
     * address space runs out, not the memory) */
    int npages = 0;
    err = 0;
    while (npages < (int)(sizeof(pages) / sizeof(pages[0]))) {
        void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) {
            err = errno;
            break;
        }
        pages[npages++] = p;
    }
    printf("page mmap when full: %s\n", err == ENOMEM ? "ENOMEM" : "other");

    void *b = sbrk(0);
    void *r = sbrk(1 << 20);
    printf("sbrk 1 MiB when full: %s, break unchanged %d\n",
           r == (void *)-1 ? (errno == ENOMEM ? "ENOMEM" : "other") : "ok", sbrk(0) == b);
    printf("malloc 64 KiB when full: %s\n", malloc(64 << 10) ? "ok" : "NULL");

    for (int i = 0; i < npages; i++)
        munmap(pages[i], 4096);
    for (int i = 0; i < n; i++)
        munmap(chunks[i], CHUNK);
    void *p = mmap(NULL, CHUNK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    printf("after munmap: mmap 64 MiB %s\n", p == MAP_FAILED ? "fails" : "works");
    if (p != MAP_FAILED) {
        memset(p, 1, 4096);
        munmap(p, CHUNK);
    }
    char *m = malloc(1 << 20);
    printf("after munmap: malloc %s\n", m ? "works" : "fails");
    return 0;
}
