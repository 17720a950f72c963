/*
 * test-guest-mem.c - the guest address space (guest-mem.c) and the memory
 * system calls behind it (mmap.c): mapping, protections, the copy helpers
 * on bad pointers (they must fail, never fault), the errors Linux gives for
 * bad mmap/munmap/mprotect/mremap requests, brk, and the write protection
 * of pages that hold translated code.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "linux-user/guest-mem.h"
#include "linux-user/linux-user.h"
#include "linux-user/lu-internal.h"

static int npass, nfail;

static void check_at(bool ok, const char *what, int line)
{
    if (ok) {
        npass++;
    } else {
        nfail++;
        printf("FAIL line %d: %s\n", line, what);
    }
}
#define CHECK(cond) check_at((cond), #cond, __LINE__)

static const int RW = PROT_READ | PROT_WRITE;
static const int ANON = MAP_PRIVATE | MAP_ANONYMOUS;

static void test_init(void)
{
    CHECK(guest_mem_init());
    uintptr_t b = guest_base;
    CHECK(guest_mem_init() && guest_base == b); /* idempotent */
    CHECK(guest_base != 0 && page_prot != NULL);
    CHECK(!guest_access_ok(0, 1, PAGE_READ));
    CHECK(guest_access_ok(0x1234, 0, PAGE_WRITE)); /* empty range */
}

static void test_copy(void)
{
    long a = lu_mmap(0, 2 * GUEST_PAGE_SIZE, RW, ANON, -1, 0);
    CHECK(a > 0 && (a & 0xfff) == 0);
    uint32_t g = (uint32_t)a;
    CHECK(guest_access_ok(g, 2 * GUEST_PAGE_SIZE, PAGE_READ | PAGE_WRITE));
    CHECK(!guest_access_ok(g, 2 * GUEST_PAGE_SIZE, PAGE_EXEC));
    char buf[64] = "hello";
    CHECK(copy_to_guest(g + GUEST_PAGE_SIZE - 3, buf, 6)); /* across the two pages */
    char out[8] = "";
    CHECK(copy_from_guest(out, g + GUEST_PAGE_SIZE - 3, 6) && !strcmp(out, "hello"));
    CHECK(guest_strnlen(g + GUEST_PAGE_SIZE - 3, 100) == 5);
    CHECK(guest_strnlen(g + GUEST_PAGE_SIZE - 3, 3) == -1);

    /* the end of the mapping: copies that run off it fail */
    uint32_t end = g + 2 * GUEST_PAGE_SIZE;
    CHECK(!copy_from_guest(out, end - 4, 8));
    CHECK(!copy_to_guest(end - 4, buf, 8));
    memset(g2h(end - 16), 'x', 16);
    CHECK(guest_strnlen(end - 16, 4096) == -1); /* no NUL before the hole */
    CHECK(!copy_from_guest(out, 0, 1));
    CHECK(!copy_to_guest(0x10, buf, 1));
    CHECK(!copy_from_guest(out, 0xfffffffc, 8)); /* wraps past 4 GiB */
    CHECK(guest_strnlen(0xffffffff, 10) == -1);

    /* read-only pages refuse writes */
    CHECK(lu_mprotect(g, GUEST_PAGE_SIZE, PROT_READ) == 0);
    CHECK(copy_from_guest(out, g, 4) && !copy_to_guest(g, buf, 4));
    CHECK(lu_mprotect(g, GUEST_PAGE_SIZE, PROT_NONE) == 0);
    CHECK(!copy_from_guest(out, g, 4) && guest_access_ok(g, 1, 0)); /* mapped, no access */
    CHECK(lu_munmap(g, 2 * GUEST_PAGE_SIZE) == 0);
    CHECK(!guest_access_ok(g, 1, 0));
}

static void test_mmap_errors(void)
{
    CHECK(lu_mmap(0, 0, RW, ANON, -1, 0) == -EINVAL);
    CHECK(lu_mmap(0, 4096, RW, MAP_ANONYMOUS, -1, 0) == -EINVAL); /* no type */
    CHECK(lu_mmap(0, 4096, RW, ANON, -1, 123) == -EINVAL);        /* unaligned offset */
    CHECK(lu_mmap(0x10001000, 4096, RW, ANON | MAP_FIXED, -1, 0) == 0x10001000);
    CHECK(lu_mmap(0x10001000, 4096, RW, ANON | MAP_FIXED_NOREPLACE, -1, 0) == -EEXIST);
    CHECK(lu_mmap(0x10001001, 4096, RW, ANON | MAP_FIXED, -1, 0) == -EINVAL);
    CHECK(lu_mmap(0, 4096, RW, ANON | MAP_FIXED, -1, 0) == -EPERM);
    CHECK(lu_mmap(0xfffff000, 4096, RW, ANON | MAP_FIXED, -1, 0) == -ENOMEM);
    CHECK(lu_mmap(0, 0xfffff000, RW, ANON, -1, 0) == -ENOMEM);
    CHECK(lu_mmap(0, 4096, RW, ANON, 12345, 0) > 0); /* fd ignored for anonymous */
    CHECK(lu_mmap(0, 4096, RW, MAP_PRIVATE, 12345, 0) == -EBADF);
    /* a hint that is free is honoured */
    CHECK(lu_mmap(0x20000000, 8192, RW, ANON, -1, 0) == 0x20000000);
    CHECK(lu_munmap(0x20000001, 4096) == -EINVAL);
    CHECK(lu_munmap(0x20000000, 0) == -EINVAL);
    CHECK(lu_mprotect(0x20000000, 3 * 4096, PROT_READ) == -ENOMEM); /* runs into a hole */
    CHECK(lu_mprotect(0x20000001, 4096, PROT_READ) == -EINVAL);
    CHECK(lu_munmap(0x20000000, 8192) == 0);
    CHECK(lu_munmap(0x20000000, 8192) == 0); /* unmapping a hole is fine */
    CHECK(lu_munmap(0x10001000, 4096) == 0);
}

static void test_mremap_brk(void)
{
    long a = lu_mmap(0x30000000, 8192, RW, ANON | MAP_FIXED, -1, 0);
    CHECK(a == 0x30000000);
    CHECK(copy_to_guest(0x30001000, "abc", 4));
    CHECK(lu_mremap(0x30000000, 8192, 65536, 0, 0) == 0x30000000); /* grows in place */
    CHECK(guest_access_ok(0x30000000, 65536, PAGE_WRITE));
    lu_mmap(0x30010000, 4096, RW, ANON | MAP_FIXED, -1, 0); /* block further growth */
    CHECK(lu_mremap(0x30000000, 65536, 131072, 0, 0) == -ENOMEM);
    long b = lu_mremap(0x30000000, 65536, 131072, MREMAP_MAYMOVE, 0);
    char s[4] = "";
    CHECK(b > 0 && b != 0x30000000 && copy_from_guest(s, (uint32_t)b + 0x1000, 4) &&
          !strcmp(s, "abc"));
    CHECK(!guest_access_ok(0x30000000, 1, 0));
    CHECK(lu_mremap((uint32_t)b, 131072, 4096, 0, 0) == b); /* shrink */
    CHECK(!guest_access_ok((uint32_t)b + 4096, 1, 0));
    lu_munmap((uint32_t)b, 4096);
    lu_munmap(0x30010000, 4096);

    lu_brk_init(0x08100000);
    CHECK(lu_brk(0) == 0x08100000);
    CHECK(lu_brk(0x08100010) == 0x08100010);
    CHECK(guest_access_ok(0x08100000, 0x10, PAGE_WRITE));
    CHECK(lu_brk(0x08123456) == 0x08123456 && guest_access_ok(0x08123000, 0x456, PAGE_WRITE));
    CHECK(lu_brk(0x08000000) == 0x08123456); /* below the start: unchanged */
    lu_mmap(0x08200000, 4096, RW, ANON | MAP_FIXED, -1, 0);
    CHECK(lu_brk(0x08300000) == 0x08123456); /* collides: unchanged */
    CHECK(lu_brk(0x08100000) == 0x08100000 && !guest_access_ok(0x08100000, 1, 0));
    lu_munmap(0x08200000, 4096);
}

static void test_code_pages(void)
{
    lu_signal_init(); /* the host write fault on a code page is resolved there */
    CHECK(lu_mmap(0x40000000, 4096, RW | PROT_EXEC, ANON | MAP_FIXED, -1, 0) == 0x40000000);
    page_protect_code(0x40000000, 16);
    CHECK(page_prot[0x40000] & PAGE_CODE);
    CHECK(guest_access_ok(0x40000000, 4, PAGE_WRITE)); /* the guest's view is unchanged */
    CHECK(copy_to_guest(0x40000000, "x", 1));          /* unprotects first */
    CHECK(!(page_prot[0x40000] & PAGE_CODE));
    page_protect_code(0x40000000, 16);
    *(volatile char *)g2h(0x40000008) = 'y'; /* host fault -> unprotect -> retried */
    CHECK(!(page_prot[0x40000] & PAGE_CODE) && *(char *)g2h(0x40000008) == 'y');
    CHECK(!page_unprotect_code(0x40000000)); /* nothing left to do */
    lu_munmap(0x40000000, 4096);
}

int main(void)
{
    test_init();
    test_copy();
    test_mmap_errors();
    test_mremap_brk();
    test_code_pages();
    printf("%d passed, %d failed\n", npass, nfail);
    return nfail != 0;
}
