/*
 * test-syscalls.c - the Linux system calls a typical program makes: files in
 * a temporary directory, directories and links, descriptors and pipes,
 * memory mappings and brk, random bytes, clocks and sleeps, uname, pids,
 * argv/envp and the auxiliary vector.
 *
 * Only deterministic facts are printed (sizes, contents, relations), never
 * pids, times, addresses or the temporary directory's name.  Run with the
 * arguments and environment below (scripts/check reads these lines):
 */
// args: one "two words" 3
// env: GUEST_ALPHA=a GUEST_BETA=b=c
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>
#include <elf.h>

#include "guest.h"

#define CHECK(cond) g_check((cond), #cond)

static char dir[64];

static char *path(const char *name)
{
    static char buf[4][128];
    static int k;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
    return buf[k];
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* List the directory with raw getdents64, sorted. */
static void list_dir(const char *what)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    char buf[1024], *names[32];
    int n = 0;
    long len;
    while ((len = syscall(SYS_getdents64, fd, buf, sizeof buf)) > 0) {
        for (long pos = 0; pos < len;) {
            struct {
                uint64_t ino;
                int64_t off;
                unsigned short reclen;
                unsigned char type;
                char name[];
            } *d = (void *)(buf + pos);
            if (n < 32)
                names[n++] = strdup(d->name);
            pos += d->reclen;
        }
    }
    close(fd);
    qsort(names, n, sizeof names[0], cmp_str);
    printf("%s:", what);
    for (int i = 0; i < n; i++) {
        printf(" %s", names[i]);
        free(names[i]);
    }
    printf("\n");
}

static void test_files(void)
{
    strcpy(dir, "/tmp/xlat-sys-XXXXXX");
    CHECK(mkdtemp(dir) != NULL);
    int fd = open(path("a.txt"), O_CREAT | O_RDWR | O_TRUNC, 0644);
    CHECK(fd >= 0);
    CHECK(write(fd, "hello, world\n", 13) == 13);
    CHECK(lseek(fd, 0, SEEK_CUR) == 13);
    CHECK(lseek(fd, 7, SEEK_SET) == 7);
    char buf[64] = {0};
    CHECK(read(fd, buf, sizeof buf) == 6);
    printf("read after seek: %s", buf);
    CHECK(pwrite(fd, "W", 1, 7) == 1);
    memset(buf, 0, sizeof buf);
    CHECK(pread(fd, buf, 5, 7) == 5);
    printf("pread: %s\n", buf);
    CHECK(lseek(fd, 0, SEEK_CUR) == 13); /* pread/pwrite keep the offset */
    CHECK(lseek(fd, 100, SEEK_END) == 113);
    CHECK(write(fd, "!", 1) == 1);
    struct stat st;
    CHECK(fstat(fd, &st) == 0);
    printf("fstat size=%ld reg=%d mode=%o\n", (long)st.st_size, S_ISREG(st.st_mode),
           st.st_mode & 0777);
    CHECK(pread(fd, buf, 4, 50) == 4 && memcmp(buf, "\0\0\0\0", 4) == 0); /* hole */

    /* dup, dup2, fcntl */
    int fd2 = dup(fd);
    CHECK(fd2 > fd);
    CHECK(lseek(fd2, 0, SEEK_SET) == 0 && lseek(fd, 0, SEEK_CUR) == 0); /* shared offset */
    CHECK(dup2(fd, 20) == 20);
    CHECK(fcntl(20, F_GETFD) == 0);
    CHECK(fcntl(20, F_SETFD, FD_CLOEXEC) == 0 && fcntl(20, F_GETFD) == FD_CLOEXEC);
    int fd3 = fcntl(fd, F_DUPFD, 30);
    CHECK(fd3 >= 30);
    CHECK((fcntl(fd, F_GETFL) & O_ACCMODE) == O_RDWR);
    CHECK(fcntl(fd, F_SETFL, O_APPEND) == 0 && (fcntl(fd, F_GETFL) & O_APPEND));
    close(fd2);
    close(fd3);
    close(20);
    CHECK(close(20) == -1 && errno == EBADF);
    close(fd);

    /* stat, lstat, symlink, readlink, rename, mkdir, rmdir, unlink */
    CHECK(stat(path("a.txt"), &st) == 0 && st.st_size == 114);
    CHECK(stat(path("missing"), &st) == -1 && errno == ENOENT);
    CHECK(symlink("a.txt", path("link")) == 0);
    CHECK(lstat(path("link"), &st) == 0 && S_ISLNK(st.st_mode));
    CHECK(stat(path("link"), &st) == 0 && S_ISREG(st.st_mode));
    char lbuf[64];
    ssize_t ln = readlink(path("link"), lbuf, sizeof lbuf);
    CHECK(ln == 5);
    if (ln > 0)
        printf("readlink: %.*s\n", (int)ln, lbuf);
    CHECK(mkdir(path("sub"), 0755) == 0);
    CHECK(mkdir(path("sub"), 0755) == -1 && errno == EEXIST);
    CHECK(stat(path("sub"), &st) == 0 && S_ISDIR(st.st_mode));
    CHECK(rename(path("a.txt"), path("b.txt")) == 0);
    int fd4 = open(path("sub/c"), O_CREAT | O_WRONLY, 0600);
    CHECK(fd4 >= 0);
    close(fd4);
    list_dir("dir");
    CHECK(open(path("a.txt"), O_RDONLY) == -1 && errno == ENOENT);
    CHECK(rmdir(path("sub")) == -1 && errno == ENOTEMPTY);
    CHECK(unlink(path("sub/c")) == 0);
    CHECK(rmdir(path("sub")) == 0);
    CHECK(unlink(path("link")) == 0);
    CHECK(unlink(path("b.txt")) == 0);
    list_dir("dir after");
    CHECK(rmdir(dir) == 0);

    /* readdir through libc too (same syscall, different buffer use) */
    DIR *d = opendir("/");
    int seen_tmp = 0;
    struct dirent *e;
    while (d && (e = readdir(d)))
        if (strcmp(e->d_name, "tmp") == 0)
            seen_tmp = 1;
    if (d)
        closedir(d);
    CHECK(seen_tmp);
}

static void test_pipe(void)
{
    int p[2];
    CHECK(pipe(p) == 0);
    CHECK(write(p[1], "through the pipe", 16) == 16);
    char buf[32] = {0};
    CHECK(read(p[0], buf, sizeof buf) == 16);
    printf("pipe: %s\n", buf);
    close(p[1]);
    CHECK(read(p[0], buf, sizeof buf) == 0); /* EOF */
    close(p[0]);
    CHECK(write(-1, "x", 1) == -1 && errno == EBADF);
}

static void test_memory(void)
{
    long pg = sysconf(_SC_PAGESIZE);
    printf("pagesize %ld\n", pg);
    uint8_t *m = mmap(NULL, 3 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(m != MAP_FAILED);
    CHECK(((uintptr_t)m & (pg - 1)) == 0);
    CHECK(m[0] == 0 && m[3 * pg - 1] == 0);
    for (long i = 0; i < 3 * pg; i++)
        m[i] = (uint8_t)(i * 3);
    CHECK(mprotect(m + pg, pg, PROT_READ) == 0);
    CHECK(m[pg + 5] == (uint8_t)((pg + 5) * 3));
    CHECK(mprotect(m + pg, pg, PROT_READ | PROT_WRITE) == 0);
    m[pg + 5] = 1;
    uint32_t crc = g_crc32(0, m, 3 * pg);
    uint8_t *m2 = mremap(m, 3 * pg, 64 * pg, MREMAP_MAYMOVE);
    CHECK(m2 != MAP_FAILED);
    CHECK(g_crc32(0, m2, 3 * pg) == crc);
    CHECK(m2[64 * pg - 1] == 0);
    m2[64 * pg - 1] = 9;
    uint8_t *m3 = mremap(m2, 64 * pg, 2 * pg, 0); /* shrink in place */
    CHECK(m3 == m2);
    CHECK(munmap(m3, 2 * pg) == 0);
    CHECK(munmap(m3, 2 * pg) == 0); /* unmapping unmapped memory is fine */

    /* file mapping */
    strcpy(dir, "/tmp/xlat-map-XXXXXX");
    int fd = mkstemp(dir);
    CHECK(fd >= 0);
    CHECK(write(fd, "mapped file contents", 20) == 20);
    char *fm = mmap(NULL, pg, PROT_READ, MAP_PRIVATE, fd, 0);
    CHECK(fm != MAP_FAILED && memcmp(fm, "mapped file", 11) == 0 && fm[20] == 0);
    munmap(fm, pg);
    close(fd);
    unlink(dir);

    /* brk */
    uintptr_t b0 = (uintptr_t)syscall(SYS_brk, 0);
    CHECK(b0 != 0);
    uintptr_t b1 = (uintptr_t)syscall(SYS_brk, b0 + 100000);
    CHECK(b1 == b0 + 100000);
    memset((void *)b0, 0x5a, 100000);
    CHECK(((uint8_t *)b0)[99999] == 0x5a);
    uintptr_t b2 = (uintptr_t)syscall(SYS_brk, b0 + 50000);
    CHECK(b2 == b0 + 50000);
    CHECK(((uint8_t *)b0)[49999] == 0x5a);
    syscall(SYS_brk, b0);

    /* malloc of a large block (mmap'd by libc) */
    char *big = malloc(10 << 20);
    CHECK(big != NULL);
    memset(big, 1, 10 << 20);
    free(big);
}

static void test_misc(void)
{
    struct utsname u;
    CHECK(uname(&u) == 0);
    printf("sysname %s\n", u.sysname);
    int x86 = strcmp(u.machine, "x86_64") == 0 ||
              (u.machine[0] == 'i' && strcmp(u.machine + 2, "86") == 0);
    CHECK(x86);
    CHECK(getpid() > 0);
    CHECK(getppid() > 0);
    CHECK(getpid() == syscall(SYS_gettid));
    CHECK(getuid() == geteuid());

    unsigned char rnd[40];
    CHECK(syscall(SYS_getrandom, rnd, sizeof rnd, 0) == 40);

    struct timespec t0, t1, t2;
    CHECK(clock_gettime(CLOCK_MONOTONIC, &t0) == 0);
    struct timespec req = {0, 2000000}; /* 2 ms */
    CHECK(nanosleep(&req, NULL) == 0);
    CHECK(clock_gettime(CLOCK_MONOTONIC, &t1) == 0);
    int64_t ns = (int64_t)(t1.tv_sec - t0.tv_sec) * 1000000000 + (t1.tv_nsec - t0.tv_nsec);
    CHECK(ns >= 2000000);
    CHECK(ns < 2000000000);
    CHECK(clock_gettime(CLOCK_REALTIME, &t2) == 0 && t2.tv_sec > 1500000000);
    /* time() reads the kernel's coarse clock, which may lag CLOCK_REALTIME
     * by one tick: at a second boundary it can still show the last second */
    CHECK(time(NULL) >= t2.tv_sec - 1);

    char cwd[256];
    CHECK(getcwd(cwd, sizeof cwd) != NULL && cwd[0] == '/');
}

extern char _start[];

static void test_auxv(void)
{
    printf("AT_PAGESZ %lu\n", getauxval(AT_PAGESZ));
    CHECK(getauxval(AT_RANDOM) != 0);
    CHECK(getauxval(AT_ENTRY) != 0);
    CHECK(getauxval(AT_ENTRY) == (unsigned long)_start);
    CHECK(getauxval(AT_PHDR) != 0);
    printf("AT_PHNUM %lu AT_PHENT %lu\n", getauxval(AT_PHNUM), getauxval(AT_PHENT));
    CHECK(getauxval(AT_UID) == getuid());
    CHECK(getauxval(AT_EXECFN) != 0);
}

int main(int argc, char **argv, char **envp)
{
    const char *base = strrchr(argv[0], '/');
    printf("argc %d argv0 %s\n", argc, base ? base + 1 : argv[0]);
    for (int i = 1; i < argc; i++)
        printf("argv[%d] '%s'\n", i, argv[i]);
    CHECK(argv[argc] == NULL);
    for (char **e = envp; *e; e++)
        if (strncmp(*e, "GUEST_", 6) == 0)
            printf("env %s\n", *e);
    printf("getenv GUEST_BETA=%s\n", getenv("GUEST_BETA") ? getenv("GUEST_BETA") : "(null)");
    test_files();
    test_pipe();
    test_memory();
    test_misc();
    test_auxv();
    printf("%d failures\n", g_failures);
    return g_failures != 0;
}
