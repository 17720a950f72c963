/*
 * syscall_fs.c - file, directory and descriptor system calls.
 *
 * Guest file descriptors are host file descriptors, so most calls pass
 * through after their pointers are checked (lu_guest_ptr / copy_*_guest;
 * a bad pointer gives -EFAULT, never a host fault) and their i386 structures
 * converted (stat64, statfs64, flock, linux_dirent, iovec).  Paths naming
 * the running program through /proc/self/exe are redirected to the guest
 * executable.
 */
#include "linux-user/lu-internal.h"
#include "linux-user/lu-syscalls.h"
#include "util/bytes.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <termios.h>
#include <unistd.h>

#include "util/log.h"

long lu_errno_ret(long r)
{
    return r < 0 ? -errno : r;
}

static bool is_self_exe(const char *p)
{
    char own[32];
    snprintf(own, sizeof(own), "/proc/%d/exe", (int)getpid());
    return !strcmp(p, "/proc/self/exe") || !strcmp(p, "/proc/thread-self/exe") || !strcmp(p, own);
}

/* A host path as the guest sees it: under -L, the prefix taken off paths
 * inside it (getcwd, readlink of /proc/self/exe), like a chroot would. */
static void strip_prefix(char *p)
{
    size_t l = lu_ld_prefix ? strlen(lu_ld_prefix) : 0;
    while (l && lu_ld_prefix[l - 1] == '/')
        l--;
    if (!l || strncmp(p, lu_ld_prefix, l) || (p[l] != '/' && p[l] != 0))
        return;
    if (p[l] == 0)
        strcpy(p, "/");
    else
        memmove(p, p + l, strlen(p + l) + 1);
}

int lu_get_str(uint32_t gaddr, char *buf, size_t size, int too_long)
{
    long n = guest_strnlen(gaddr, size);
    if (n < 0)
        return guest_strnlen(gaddr, size + 1) < 0 && guest_access_ok(gaddr, 1, PAGE_READ)
                   ? -too_long
                   : -EFAULT;
    memcpy(buf, g2h(gaddr), (size_t)n + 1);
    return 0;
}

int lu_get_path(uint32_t gaddr, char *buf, size_t size)
{
    int e = lu_get_str(gaddr, buf, size, ENAMETOOLONG);
    if (e)
        return e;
    if (is_self_exe(buf) && lu_exe_path && strlen(lu_exe_path) < size)
        strcpy(buf, lu_exe_path);
    /* -L: absolute paths that exist under the prefix are taken from there
     * (the guest's libraries, its /etc/ld.so.cache ...); the kernel's
     * /proc, /dev and /sys are always the host's */
    if (lu_ld_prefix && buf[0] == '/' && strncmp(buf, "/proc/", 6) && strncmp(buf, "/dev/", 5) &&
        strncmp(buf, "/sys/", 5)) {
        char alt[PATH_MAX];
        int k = snprintf(alt, sizeof(alt), "%s%s", lu_ld_prefix, buf);
        if (k > 0 && (size_t)k < size && access(alt, F_OK) == 0)
            memcpy(buf, alt, (size_t)k + 1);
    }
    return 0;
}

/* Accessible prefix of [addr, addr+len): reads and writes that run off the
 * end of a mapping transfer what fits, as the kernel's partial copies do. */
static uint32_t guest_span(uint32_t addr, uint32_t len, int prot)
{
    uint32_t done = 0;
    while (done < len) {
        uint32_t a = addr + done;
        uint32_t chunk = GUEST_PAGE_SIZE - (a & (GUEST_PAGE_SIZE - 1));
        if (chunk > len - done)
            chunk = len - done;
        if (!lu_guest_ptr(a, chunk, prot))
            break;
        done += chunk;
    }
    return done;
}

#define PATH_ARG(var, g)                                                                           \
    char var[PATH_MAX];                                                                            \
    do {                                                                                           \
        int e_ = lu_get_path((g), var, sizeof(var));                                               \
        if (e_)                                                                                    \
            return e_;                                                                             \
    } while (0)

/* ---- read / write ---------------------------------------------------- */

long lu_sys_read(CPUX86State *env, const uint32_t *a)
{
    uint32_t n = guest_span(a[1], a[2], PAGE_WRITE);
    if (!n && a[2])
        return -EFAULT;
    return lu_errno_ret(read((int)a[0], g2h(a[1]), n));
}

long lu_sys_write(CPUX86State *env, const uint32_t *a)
{
    uint32_t n = guest_span(a[1], a[2], PAGE_READ);
    if (!n && a[2])
        return -EFAULT;
    return lu_errno_ret(write((int)a[0], g2h(a[1]), n));
}

static uint64_t off64(uint32_t lo, uint32_t hi)
{
    return (uint64_t)hi << 32 | lo;
}

long lu_sys_pread64(CPUX86State *env, const uint32_t *a)
{
    void *p = lu_guest_ptr(a[1], a[2], PAGE_WRITE);
    if (!p && a[2])
        return -EFAULT;
    return lu_errno_ret(pread((int)a[0], p, a[2], (off_t)off64(a[3], a[4])));
}

long lu_sys_pwrite64(CPUX86State *env, const uint32_t *a)
{
    void *p = lu_guest_ptr(a[1], a[2], PAGE_READ);
    if (!p && a[2])
        return -EFAULT;
    return lu_errno_ret(pwrite((int)a[0], p, a[2], (off_t)off64(a[3], a[4])));
}

/* Build a host iovec array from the guest's i386 one. */
static long get_iovec(uint32_t giov, uint32_t cnt, int prot, struct iovec **out)
{
    if (cnt > IOV_MAX)
        return -EINVAL;
    struct iovec *v = calloc(cnt ? cnt : 1, sizeof(*v));
    uint8_t *g = lu_guest_ptr(giov, cnt * 8, PAGE_READ);
    if (!v)
        return -ENOMEM;
    if (!g && cnt) {
        free(v);
        return -EFAULT;
    }
    for (uint32_t i = 0; i < cnt; i++) {
        uint32_t base = get32(g + 8 * i), len = get32(g + 8 * i + 4);
        if ((int32_t)len < 0) {
            free(v);
            return -EINVAL;
        }
        v[i].iov_base = lu_guest_ptr(base, len, prot);
        v[i].iov_len = len;
        if (!v[i].iov_base && len) {
            free(v);
            return -EFAULT;
        }
    }
    *out = v;
    return 0;
}

static long do_rwv(const uint32_t *a, bool wr)
{
    struct iovec *v;
    long r = get_iovec(a[1], a[2], wr ? PAGE_READ : PAGE_WRITE, &v);
    if (r)
        return r;
    r = wr ? writev((int)a[0], v, (int)a[2]) : readv((int)a[0], v, (int)a[2]);
    r = lu_errno_ret(r);
    free(v);
    return r;
}

/* preadv/pwritev (fd, iov, cnt, pos_l, pos_h) and their "2" forms with
 * RWF_* flags in a[5], where offset -1 means the file position. */
static long do_prwv(const uint32_t *a, bool wr, int flags)
{
    struct iovec *v;
    long r = get_iovec(a[1], a[2], wr ? PAGE_READ : PAGE_WRITE, &v);
    if (r)
        return r;
    off_t off = (off_t)off64(a[3], a[4]);
    r = wr ? pwritev2((int)a[0], v, (int)a[2], off, flags)
           : preadv2((int)a[0], v, (int)a[2], off, flags);
    r = lu_errno_ret(r);
    free(v);
    return r;
}

long lu_sys_preadv(CPUX86State *env, const uint32_t *a)
{
    if ((int64_t)off64(a[3], a[4]) < 0)
        return -EINVAL; /* -1 means "the file position" only for preadv2 */
    return do_prwv(a, false, 0);
}
long lu_sys_pwritev(CPUX86State *env, const uint32_t *a)
{
    if ((int64_t)off64(a[3], a[4]) < 0)
        return -EINVAL;
    return do_prwv(a, true, 0);
}
long lu_sys_preadv2(CPUX86State *env, const uint32_t *a)
{
    return do_prwv(a, false, (int)a[5]);
}
long lu_sys_pwritev2(CPUX86State *env, const uint32_t *a)
{
    return do_prwv(a, true, (int)a[5]);
}

long lu_sys_readv(CPUX86State *env, const uint32_t *a)
{
    return do_rwv(a, false);
}
long lu_sys_writev(CPUX86State *env, const uint32_t *a)
{
    return do_rwv(a, true);
}

/* Directory offsets.  A 32-bit process on Linux gets 32-bit directory
 * cookies (ext4 and others hash to 32 bits for compat tasks), and glibc's
 * i386 readdir fails with EOVERFLOW on larger ones.  We get the host's 64-bit
 * cookies, so offsets that do not fit are replaced by small stand-ins
 * (DIR_COOKIE_BASE + index), translated back by lseek/_llseek. */
#define DIR_COOKIE_BASE 0x70000000u
#define DIR_MAX_FD      1024
typedef struct DirCookies {
    uint64_t *off;
    uint32_t n, cap;
} DirCookies;
static DirCookies dir_cookies[DIR_MAX_FD];

static uint64_t dir_cookie(int fd, uint64_t off)
{
    if (off <= INT32_MAX || fd < 0 || fd >= DIR_MAX_FD)
        return off;
    DirCookies *c = &dir_cookies[fd];
    for (uint32_t i = c->n; i-- > 0;) {
        if (c->off[i] == off)
            return DIR_COOKIE_BASE + i;
    }
    if (c->n == c->cap) {
        uint32_t cap = c->cap ? c->cap * 2 : 64;
        uint64_t *p = cap < 0x0fffffff ? realloc(c->off, cap * sizeof(*p)) : NULL;
        if (!p)
            return off;
        c->off = p;
        c->cap = cap;
    }
    c->off[c->n] = off;
    return DIR_COOKIE_BASE + c->n++;
}

static int64_t dir_seek_target(int fd, int64_t off, int whence)
{
    if (whence != SEEK_SET || fd < 0 || fd >= DIR_MAX_FD || off < DIR_COOKIE_BASE ||
        off - DIR_COOKIE_BASE >= dir_cookies[fd].n)
        return off;
    return (int64_t)dir_cookies[fd].off[off - DIR_COOKIE_BASE];
}

static void dir_forget(int fd)
{
    if (fd >= 0 && fd < DIR_MAX_FD) {
        free(dir_cookies[fd].off);
        memset(&dir_cookies[fd], 0, sizeof(dir_cookies[fd]));
    }
}

/* ---- open / close / seek --------------------------------------------- */

long lu_sys_open(CPUX86State *env, const uint32_t *a)
{
    PATH_ARG(p, a[0]);
    int r = lu_proc_open(p, (int)a[1], (int)a[2]);
    if (r != LU_PROC_NOT_OURS)
        return r;
    return lu_errno_ret(open(p, (int)a[1], a[2]));
}

long lu_sys_openat(CPUX86State *env, const uint32_t *a)
{
    PATH_ARG(p, a[1]);
    int r = lu_proc_open(p, (int)a[2], (int)a[3]);
    if (r != LU_PROC_NOT_OURS)
        return r;
    return lu_errno_ret(openat((int)a[0], p, (int)a[2], a[3]));
}

long lu_sys_creat(CPUX86State *env, const uint32_t *a)
{
    PATH_ARG(p, a[0]);
    return lu_errno_ret(creat(p, a[1]));
}

long lu_sys_close(CPUX86State *env, const uint32_t *a)
{
    /* stdin/out/err may be closed by the guest; our log is on -D or stderr */
    dir_forget((int)a[0]);
    return lu_errno_ret(close((int)a[0]));
}

long lu_sys_lseek(CPUX86State *env, const uint32_t *a)
{
    off_t r = lseek((int)a[0], dir_seek_target((int)a[0], (int32_t)a[1], (int)a[2]), (int)a[2]);
    if (r < 0)
        return -errno;
    return r > INT32_MAX ? -EOVERFLOW : (long)r;
}

long lu_sys_llseek(CPUX86State *env, const uint32_t *a)
{
    off_t r = lseek((int)a[0], dir_seek_target((int)a[0], (int64_t)off64(a[2], a[1]), (int)a[4]),
                    (int)a[4]);
    if (r < 0)
        return -errno;
    uint64_t v = (uint64_t)r;
    return copy_to_guest(a[3], &v, 8) ? 0 : -EFAULT;
}

/* ---- stat family ----------------------------------------------------- */

/* struct stat64 on i386: 96 bytes, 4-byte aligned 64-bit fields. */
static long put_stat64(uint32_t g, const struct stat *st)
{
    uint8_t b[96] = {0};
    put64(b + 0, st->st_dev);
    put32(b + 12, (uint32_t)st->st_ino);
    put32(b + 16, st->st_mode);
    put32(b + 20, (uint32_t)st->st_nlink);
    put32(b + 24, st->st_uid);
    put32(b + 28, st->st_gid);
    put64(b + 32, st->st_rdev);
    put64(b + 44, (uint64_t)st->st_size);
    put32(b + 52, (uint32_t)st->st_blksize);
    put64(b + 56, (uint64_t)st->st_blocks);
    put32(b + 64, (uint32_t)st->st_atim.tv_sec);
    put32(b + 68, (uint32_t)st->st_atim.tv_nsec);
    put32(b + 72, (uint32_t)st->st_mtim.tv_sec);
    put32(b + 76, (uint32_t)st->st_mtim.tv_nsec);
    put32(b + 80, (uint32_t)st->st_ctim.tv_sec);
    put32(b + 84, (uint32_t)st->st_ctim.tv_nsec);
    put64(b + 88, st->st_ino);
    return copy_to_guest(g, b, sizeof(b)) ? 0 : -EFAULT;
}

static long stat_at(int dirfd, uint32_t gpath, uint32_t gbuf, int flags)
{
    PATH_ARG(p, gpath);
    struct stat st;
    if (fstatat(dirfd, p, &st, flags) != 0)
        return -errno;
    return put_stat64(gbuf, &st);
}

long lu_sys_stat64(CPUX86State *env, const uint32_t *a)
{
    return stat_at(AT_FDCWD, a[0], a[1], 0);
}
long lu_sys_lstat64(CPUX86State *env, const uint32_t *a)
{
    return stat_at(AT_FDCWD, a[0], a[1], AT_SYMLINK_NOFOLLOW);
}
long lu_sys_fstatat64(CPUX86State *env, const uint32_t *a)
{
    return stat_at((int)a[0], a[1], a[2], (int)a[3]);
}

long lu_sys_fstat64(CPUX86State *env, const uint32_t *a)
{
    struct stat st;
    if (fstat((int)a[0], &st) != 0)
        return -errno;
    return put_stat64(a[1], &st);
}

long lu_sys_statx(CPUX86State *env, const uint32_t *a)
{
    PATH_ARG(p, a[1]);
    void *buf = lu_guest_ptr(a[4], 256, PAGE_WRITE); /* same layout everywhere */
    if (!buf)
        return -EFAULT;
    return lu_errno_ret(syscall(SYS_statx, (int)a[0], p, (int)a[2], a[3], buf));
}

/* struct statfs64 on i386 (84 bytes, packed) */
static long put_statfs64(uint32_t g, uint32_t size, const struct statfs *s)
{
    uint8_t b[84] = {0};
    if (size != sizeof(b))
        return -EINVAL;
    put32(b + 0, (uint32_t)s->f_type);
    put32(b + 4, (uint32_t)s->f_bsize);
    put64(b + 8, s->f_blocks);
    put64(b + 16, s->f_bfree);
    put64(b + 24, s->f_bavail);
    put64(b + 32, s->f_files);
    put64(b + 40, s->f_ffree);
    memcpy(b + 48, &s->f_fsid, 8);
    put32(b + 56, (uint32_t)s->f_namelen);
    put32(b + 60, (uint32_t)s->f_frsize);
    put32(b + 64, (uint32_t)s->f_flags);
    return copy_to_guest(g, b, sizeof(b)) ? 0 : -EFAULT;
}

long lu_sys_statfs64(CPUX86State *env, const uint32_t *a)
{
    PATH_ARG(p, a[0]);
    struct statfs s;
    if (statfs(p, &s) != 0)
        return -errno;
    return put_statfs64(a[2], a[1], &s);
}

long lu_sys_fstatfs64(CPUX86State *env, const uint32_t *a)
{
    struct statfs s;
    if (fstatfs((int)a[0], &s) != 0)
        return -errno;
    return put_statfs64(a[2], a[1], &s);
}

/* ---- directories ----------------------------------------------------- */

long lu_sys_getdents64(CPUX86State *env, const uint32_t *a)
{
    void *p = lu_guest_ptr(a[1], a[2], PAGE_WRITE); /* same layout everywhere */
    if (!p)
        return -EFAULT;
    long n = syscall(SYS_getdents64, (int)a[0], p, a[2]);
    if (n < 0)
        return -errno;
    /* the guest buffer may be only 4-byte aligned: fields by memcpy */
    for (long i = 0; i < n;) {
        uint8_t *d = (uint8_t *)p + i;
        uint64_t off;
        uint16_t reclen;
        memcpy(&off, d + offsetof(struct dirent64, d_off), 8);
        memcpy(&reclen, d + offsetof(struct dirent64, d_reclen), 2);
        off = dir_cookie((int)a[0], off);
        memcpy(d + offsetof(struct dirent64, d_off), &off, 8);
        i += reclen ? reclen : n;
    }
    return n;
}

/* Old getdents: i386 struct linux_dirent {u32 ino, off; u16 reclen; name;
 * pad; u8 type}.  Each record is no larger than its dirent64, so one host
 * read always fits. */
long lu_sys_getdents(CPUX86State *env, const uint32_t *a)
{
    uint32_t count = a[2] > 65536 ? 65536 : a[2];
    uint8_t *out = lu_guest_ptr(a[1], count, PAGE_WRITE);
    if (!out)
        return -EFAULT;
    uint8_t *buf = malloc(count ? count : 1);
    if (!buf)
        return -ENOMEM;
    long n = syscall(SYS_getdents64, (int)a[0], buf, count);
    if (n < 0) {
        free(buf);
        return -errno;
    }
    uint32_t o = 0;
    for (long i = 0; i < n;) {
        struct dirent64 *d = (struct dirent64 *)(buf + i);
        size_t nl = strlen(d->d_name);
        uint32_t rl = (uint32_t)((10 + nl + 2 + 3) & ~3u);
        if (d->d_ino > UINT32_MAX) {
            free(buf);
            return -EOVERFLOW;
        }
        uint8_t *r = out + o;
        put32(r, (uint32_t)d->d_ino);
        put32(r + 4, (uint32_t)dir_cookie((int)a[0], (uint64_t)d->d_off));
        memcpy(r + 8, &rl, 2);
        memcpy(r + 10, d->d_name, nl + 1);
        r[rl - 1] = d->d_type;
        o += rl;
        i += d->d_reclen;
    }
    free(buf);
    return o;
}

long lu_sys_getcwd(CPUX86State *env, const uint32_t *a)
{
    char buf[PATH_MAX];
    if (!getcwd(buf, sizeof(buf)))
        return -errno;
    strip_prefix(buf);
    size_t n = strlen(buf) + 1;
    if (n > a[1])
        return -ERANGE;
    return copy_to_guest(a[0], buf, n) ? (long)n : -EFAULT;
}

long lu_sys_chdir(CPUX86State *env, const uint32_t *a)
{
    PATH_ARG(p, a[0]);
    return lu_errno_ret(chdir(p));
}

long lu_sys_fchdir(CPUX86State *env, const uint32_t *a)
{
    return lu_errno_ret(fchdir((int)a[0]));
}

long lu_sys_mkdir(CPUX86State *env, const uint32_t *a)
{
    PATH_ARG(p, a[0]);
    return lu_errno_ret(mkdir(p, a[1]));
}

long lu_sys_mkdirat(CPUX86State *env, const uint32_t *a)
{
    PATH_ARG(p, a[1]);
    return lu_errno_ret(mkdirat((int)a[0], p, a[2]));
}

long lu_sys_rmdir(CPUX86State *env, const uint32_t *a)
{
    PATH_ARG(p, a[0]);
    return lu_errno_ret(rmdir(p));
}

long lu_sys_unlink(CPUX86State *env, const uint32_t *a)
{
    PATH_ARG(p, a[0]);
    return lu_errno_ret(unlink(p));
}

long lu_sys_unlinkat(CPUX86State *env, const uint32_t *a)
{
    PATH_ARG(p, a[1]);
    return lu_errno_ret(unlinkat((int)a[0], p, (int)a[2]));
}

long lu_sys_rename(CPUX86State *env, const uint32_t *a)
{
    PATH_ARG(p, a[0]);
    PATH_ARG(q, a[1]);
    return lu_errno_ret(rename(p, q));
}

long lu_sys_renameat(CPUX86State *env, const uint32_t *a)
{
    PATH_ARG(p, a[1]);
    PATH_ARG(q, a[3]);
    return lu_errno_ret(renameat((int)a[0], p, (int)a[2], q));
}

long lu_sys_renameat2(CPUX86State *env, const uint32_t *a)
{
    PATH_ARG(p, a[1]);
    PATH_ARG(q, a[3]);
    return lu_errno_ret(syscall(SYS_renameat2, (int)a[0], p, (int)a[2], q, a[4]));
}

long lu_sys_link(CPUX86State *env, const uint32_t *a)
{
    PATH_ARG(p, a[0]);
    PATH_ARG(q, a[1]);
    return lu_errno_ret(link(p, q));
}

long lu_sys_linkat(CPUX86State *env, const uint32_t *a)
{
    PATH_ARG(p, a[1]);
    PATH_ARG(q, a[3]);
    return lu_errno_ret(linkat((int)a[0], p, (int)a[2], q, (int)a[4]));
}

/* A symlink's target is the link's content, stored as the guest wrote it
 * (it is resolved at each use, under -L as any guest path): not a path to
 * look up under the -L prefix now. */
long lu_sys_symlink(CPUX86State *env, const uint32_t *a)
{
    char p[PATH_MAX];
    int e = lu_get_str(a[0], p, sizeof(p), ENAMETOOLONG);
    if (e)
        return e;
    PATH_ARG(q, a[1]);
    return lu_errno_ret(symlink(p, q));
}

long lu_sys_symlinkat(CPUX86State *env, const uint32_t *a)
{
    char p[PATH_MAX];
    int e = lu_get_str(a[0], p, sizeof(p), ENAMETOOLONG);
    if (e)
        return e;
    PATH_ARG(q, a[2]);
    return lu_errno_ret(symlinkat(p, (int)a[1], q));
}

/* A host path given back as a link's target: without the -L prefix, cut to
 * the guest's buffer (readlink does not terminate it). */
static long link_out(char *out, uint32_t size, char *host)
{
    strip_prefix(host);
    size_t l = strlen(host);
    if (l > size)
        l = size;
    memcpy(out, host, l);
    return (long)l;
}

static long do_readlinkat(int dirfd, uint32_t gpath, uint32_t gbuf, uint32_t size)
{
    char p[PATH_MAX], tmp[PATH_MAX];
    long n = guest_strnlen(gpath, sizeof(p));
    if (n < 0)
        return -EFAULT;
    memcpy(p, g2h(gpath), (size_t)n + 1);
    if ((int32_t)size <= 0)
        return -EINVAL;
    void *out = lu_guest_ptr(gbuf, size, PAGE_WRITE);
    if (!out)
        return -EFAULT;
    if (is_self_exe(p) && lu_exe_path) {
        if (!realpath(lu_exe_path, tmp))
            return -errno;
        return link_out(out, size, tmp);
    }
    /* the link itself is looked up as any guest path (under -L, the
     * root's own links) */
    int e = lu_get_path(gpath, p, sizeof(p));
    if (e)
        return e;
    if (strncmp(p, "/proc/", 6))
        return lu_errno_ret(readlinkat(dirfd, p, out, size));
    /* /proc/self/fd/N, cwd, root name host paths: as the guest sees them */
    ssize_t k = readlinkat(dirfd, p, tmp, sizeof(tmp) - 1);
    if (k < 0)
        return -errno;
    tmp[k] = 0;
    return link_out(out, size, tmp);
}

long lu_sys_readlink(CPUX86State *env, const uint32_t *a)
{
    return do_readlinkat(AT_FDCWD, a[0], a[1], a[2]);
}
long lu_sys_readlinkat(CPUX86State *env, const uint32_t *a)
{
    return do_readlinkat((int)a[0], a[1], a[2], a[3]);
}

long lu_sys_access(CPUX86State *env, const uint32_t *a)
{
    PATH_ARG(p, a[0]);
    return lu_errno_ret(access(p, (int)a[1]));
}

long lu_sys_faccessat(CPUX86State *env, const uint32_t *a)
{
    PATH_ARG(p, a[1]);
    return lu_errno_ret(syscall(SYS_faccessat, (int)a[0], p, (int)a[2]));
}

long lu_sys_faccessat2(CPUX86State *env, const uint32_t *a)
{
    PATH_ARG(p, a[1]);
    return lu_errno_ret(faccessat((int)a[0], p, (int)a[2], (int)a[3]));
}

/* ---- permissions, ownership, times, sizes ----------------------------- */

long lu_sys_chmod(CPUX86State *env, const uint32_t *a)
{
    PATH_ARG(p, a[0]);
    return lu_errno_ret(chmod(p, a[1]));
}

long lu_sys_fchmod(CPUX86State *env, const uint32_t *a)
{
    return lu_errno_ret(fchmod((int)a[0], a[1]));
}

long lu_sys_fchmodat(CPUX86State *env, const uint32_t *a)
{
    PATH_ARG(p, a[1]);
    return lu_errno_ret(syscall(SYS_fchmodat, (int)a[0], p, a[2]));
}

/* 16-bit ids: 0xffff means "unchanged" (-1) */
static uint32_t id16(uint32_t v)
{
    return (v & 0xffff) == 0xffff ? UINT32_MAX : (v & 0xffff);
}

long lu_sys_chown32(CPUX86State *env, const uint32_t *a)
{
    PATH_ARG(p, a[0]);
    return lu_errno_ret(chown(p, a[1], a[2]));
}

long lu_sys_lchown32(CPUX86State *env, const uint32_t *a)
{
    PATH_ARG(p, a[0]);
    return lu_errno_ret(lchown(p, a[1], a[2]));
}

long lu_sys_fchown32(CPUX86State *env, const uint32_t *a)
{
    return lu_errno_ret(fchown((int)a[0], a[1], a[2]));
}

long lu_sys_chown16(CPUX86State *env, const uint32_t *a)
{
    PATH_ARG(p, a[0]);
    return lu_errno_ret(chown(p, id16(a[1]), id16(a[2])));
}

long lu_sys_lchown16(CPUX86State *env, const uint32_t *a)
{
    PATH_ARG(p, a[0]);
    return lu_errno_ret(lchown(p, id16(a[1]), id16(a[2])));
}

long lu_sys_fchown16(CPUX86State *env, const uint32_t *a)
{
    return lu_errno_ret(fchown((int)a[0], id16(a[1]), id16(a[2])));
}

long lu_sys_fchownat(CPUX86State *env, const uint32_t *a)
{
    PATH_ARG(p, a[1]);
    return lu_errno_ret(fchownat((int)a[0], p, a[2], a[3], (int)a[4]));
}

static long do_utimensat(const uint32_t *a, bool time64)
{
    struct timespec ts[2], *tp = NULL;
    if (a[2]) {
        if (time64) {
            int64_t g[4];
            if (!copy_from_guest(g, a[2], sizeof(g)))
                return -EFAULT;
            for (int i = 0; i < 2; i++)
                ts[i] = (struct timespec){.tv_sec = g[2 * i], .tv_nsec = (long)g[2 * i + 1]};
        } else {
            int32_t g[4];
            if (!copy_from_guest(g, a[2], sizeof(g)))
                return -EFAULT;
            for (int i = 0; i < 2; i++)
                ts[i] = (struct timespec){.tv_sec = g[2 * i], .tv_nsec = g[2 * i + 1]};
        }
        tp = ts;
    }
    char p[PATH_MAX];
    const char *pp = NULL;
    if (a[1]) {
        int e = lu_get_path(a[1], p, sizeof(p));
        if (e)
            return e;
        pp = p;
    }
    /* a NULL path means the fd itself (the syscall allows it, glibc does not) */
    return lu_errno_ret(syscall(SYS_utimensat, (int)a[0], pp, tp, (int)a[3]));
}

long lu_sys_utimensat(CPUX86State *env, const uint32_t *a)
{
    return do_utimensat(a, false);
}
long lu_sys_utimensat_time64(CPUX86State *env, const uint32_t *a)
{
    return do_utimensat(a, true);
}

long lu_sys_fsync(CPUX86State *env, const uint32_t *a)
{
    return lu_errno_ret(fsync((int)a[0]));
}
long lu_sys_fdatasync(CPUX86State *env, const uint32_t *a)
{
    return lu_errno_ret(fdatasync((int)a[0]));
}

long lu_sys_ftruncate(CPUX86State *env, const uint32_t *a)
{
    return lu_errno_ret(ftruncate((int)a[0], (int32_t)a[1]));
}

long lu_sys_ftruncate64(CPUX86State *env, const uint32_t *a)
{
    return lu_errno_ret(ftruncate((int)a[0], (off_t)off64(a[1], a[2])));
}

long lu_sys_truncate(CPUX86State *env, const uint32_t *a)
{
    PATH_ARG(p, a[0]);
    return lu_errno_ret(truncate(p, (int32_t)a[1]));
}

long lu_sys_truncate64(CPUX86State *env, const uint32_t *a)
{
    PATH_ARG(p, a[0]);
    return lu_errno_ret(truncate(p, (off_t)off64(a[1], a[2])));
}

/* ---- descriptors ----------------------------------------------------- */

long lu_sys_dup(CPUX86State *env, const uint32_t *a)
{
    return lu_errno_ret(dup((int)a[0]));
}
long lu_sys_dup2(CPUX86State *env, const uint32_t *a)
{
    return lu_errno_ret(dup2((int)a[0], (int)a[1]));
}
long lu_sys_dup3(CPUX86State *env, const uint32_t *a)
{
    return lu_errno_ret(dup3((int)a[0], (int)a[1], (int)a[2]));
}

long lu_sys_pipe2(CPUX86State *env, const uint32_t *a)
{
    int fds[2];
    if (!guest_access_ok(a[0], 8, PAGE_WRITE))
        return -EFAULT;
    if (pipe2(fds, (int)a[1]) != 0)
        return -errno;
    copy_to_guest(a[0], fds, sizeof(fds));
    return 0;
}

long lu_sys_pipe(CPUX86State *env, const uint32_t *a)
{
    uint32_t b[2] = {a[0], 0};
    return lu_sys_pipe2(env, b);
}

long lu_sys_flock(CPUX86State *env, const uint32_t *a)
{
    return lu_errno_ret(flock((int)a[0], (int)a[1]));
}

/* struct flock (i386): short type, whence; then off/len 32 or 64 bits and
 * pid, with 4-byte alignment; 16 or 24 bytes. */
static long do_lock(int fd, int hostcmd, uint32_t g, bool wide)
{
    uint8_t b[24];
    size_t sz = wide ? 24 : 16;
    if (!copy_from_guest(b, g, sz))
        return -EFAULT;
    struct flock fl;
    memset(&fl, 0, sizeof(fl));
    memcpy(&fl.l_type, b, 2);
    memcpy(&fl.l_whence, b + 2, 2);
    if (wide) {
        int64_t s, l;
        memcpy(&s, b + 4, 8);
        memcpy(&l, b + 12, 8);
        fl.l_start = s;
        fl.l_len = l;
        memcpy(&fl.l_pid, b + 20, 4);
    } else {
        fl.l_start = (int32_t)get32(b + 4);
        fl.l_len = (int32_t)get32(b + 8);
        memcpy(&fl.l_pid, b + 12, 4);
    }
    if (fcntl(fd, hostcmd, &fl) != 0)
        return -errno;
    if (hostcmd != F_GETLK && hostcmd != F_OFD_GETLK)
        return 0;
    memcpy(b, &fl.l_type, 2);
    memcpy(b + 2, &fl.l_whence, 2);
    if (wide) {
        put64(b + 4, (uint64_t)fl.l_start);
        put64(b + 12, (uint64_t)fl.l_len);
        memcpy(b + 20, &fl.l_pid, 4);
    } else {
        if (fl.l_start > INT32_MAX || fl.l_len > INT32_MAX)
            return -EOVERFLOW;
        put32(b + 4, (uint32_t)fl.l_start);
        put32(b + 8, (uint32_t)fl.l_len);
        memcpy(b + 12, &fl.l_pid, 4);
    }
    return copy_to_guest(g, b, sz) ? 0 : -EFAULT;
}

long lu_sys_fcntl64(CPUX86State *env, const uint32_t *a)
{
    int fd = (int)a[0], cmd = (int)a[1];
    switch (cmd) {
    case 5:
        return do_lock(fd, F_GETLK, a[2], false); /* F_GETLK */
    case 6:
        return do_lock(fd, F_SETLK, a[2], false); /* F_SETLK */
    case 7:
        return do_lock(fd, F_SETLKW, a[2], false); /* F_SETLKW */
    case 12:
        return do_lock(fd, F_GETLK, a[2], true); /* F_GETLK64 */
    case 13:
        return do_lock(fd, F_SETLK, a[2], true); /* F_SETLK64 */
    case 14:
        return do_lock(fd, F_SETLKW, a[2], true); /* F_SETLKW64 */
    case F_OFD_GETLK:
    case F_OFD_SETLK:
    case F_OFD_SETLKW:
        return do_lock(fd, cmd, a[2], true);
    case F_DUPFD:
    case F_DUPFD_CLOEXEC:
    case F_GETFD:
    case F_SETFD:
    case F_GETFL:
    case F_SETFL:
    case F_GETOWN:
    case F_SETOWN:
    case F_SETSIG:
    case F_GETSIG:
    case F_SETLEASE:
    case F_GETLEASE:
    case F_NOTIFY:
    case F_SETPIPE_SZ:
    case F_GETPIPE_SZ:
    case F_ADD_SEALS:
    case F_GET_SEALS:
        return lu_errno_ret(fcntl(fd, cmd, (int)a[2]));
    default:
        if (log_enabled(LOG_UNIMP))
            xlat_log("unimplemented fcntl command %d\n", cmd);
        return -EINVAL;
    }
}

/* ---- ioctl ----------------------------------------------------------- */

enum { IO_INT, IO_NONE, IO_IN, IO_OUT }; /* arg is: value, unused, read by, written by kernel */
static const struct {
    uint32_t cmd;
    uint8_t dir;
    uint16_t size;
} ioctls[] = {
    {TCGETS, IO_OUT, 36},
    {TCSETS, IO_IN, 36},
    {TCSETSW, IO_IN, 36},
    {TCSETSF, IO_IN, 36},
    {TIOCGWINSZ, IO_OUT, 8},
    {TIOCSWINSZ, IO_IN, 8},
    {FIONREAD, IO_OUT, 4},
    {TIOCGPGRP, IO_OUT, 4},
    {TIOCSPGRP, IO_IN, 4},
    {FIONBIO, IO_IN, 4},
    {FIOCLEX, IO_NONE, 0},
    {FIONCLEX, IO_NONE, 0},
    {TCFLSH, IO_INT, 0},
    {TCXONC, IO_INT, 0},
    {TCSBRK, IO_INT, 0},
    {TIOCGSID, IO_OUT, 4},
    {TIOCOUTQ, IO_OUT, 4},
    {FIOASYNC, IO_IN, 4},
    {TIOCSCTTY, IO_INT, 0},
    {TIOCNOTTY, IO_NONE, 0},
    /* pseudo-terminals (posix_openpt, grantpt, unlockpt, ptsname) */
    {TIOCGPTN, IO_OUT, 4},
    {TIOCSPTLCK, IO_IN, 4},
    {TIOCGPTLCK, IO_OUT, 4},
    {TIOCGPTPEER, IO_INT, 0},
    {TIOCPKT, IO_IN, 4},
    {TIOCGPKT, IO_OUT, 4},
    /* line control, modem lines, exclusive mode, line discipline */
    {TIOCSBRK, IO_NONE, 0},
    {TIOCCBRK, IO_NONE, 0},
    {TCSBRKP, IO_INT, 0},
    {TIOCMGET, IO_OUT, 4},
    {TIOCMSET, IO_IN, 4},
    {TIOCMBIS, IO_IN, 4},
    {TIOCMBIC, IO_IN, 4},
    {TIOCEXCL, IO_NONE, 0},
    {TIOCNXCL, IO_NONE, 0},
    {TIOCGEXCL, IO_OUT, 4},
    {TIOCGETD, IO_OUT, 4},
    {TIOCSETD, IO_IN, 4},
    {TIOCSTI, IO_IN, 1},
    /* struct termios2 (44 bytes on i386 and x86-64 alike) */
    {0x802c542a, IO_OUT, 44},
    {0x402c542b, IO_IN, 44},
    {0x402c542c, IO_IN, 44},
    {0x402c542d, IO_IN, 44}, /* TCGETS2, TCSETS2, TCSETSW2, TCSETSF2 */
    {FIOQSIZE, IO_OUT, 8},
};

/* Network interface requests: struct ifreq is 32 bytes on i386 and 40 on
 * x86-64 (its union holds a struct ifmap of longs), with the same layout
 * in the first 32: name[16], then the address, flags, index, mtu... */
static bool is_ifreq_ioctl(uint32_t cmd)
{
    static const uint16_t cmds[] = {
        0x8910, 0x8913, 0x8914, 0x8915, 0x8917, 0x8919, 0x891b,
        0x891d, 0x8921, 0x8927, 0x8933, 0x8942, /* SIOCGIFNAME, SIOCGIFFLAGS, SIOCSIFFLAGS,
                                                   SIOCGIFADDR, SIOCGIFDSTADDR, SIOCGIFBRDADDR,
                                                   SIOCGIFNETMASK, SIOCGIFMETRIC, SIOCGIFMTU,
                                                   SIOCGIFHWADDR, SIOCGIFINDEX, SIOCGIFTXQLEN */
    };
    for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
        if (cmds[i] == cmd)
            return true;
    }
    return false;
}

static long do_ifreq_ioctl(int fd, uint32_t cmd, uint32_t g)
{
    uint8_t req[40];
    memset(req, 0, sizeof(req));
    if (!copy_from_guest(req, g, 32))
        return -EFAULT;
    if (ioctl(fd, cmd, req) < 0)
        return -errno;
    return copy_to_guest(g, req, 32) ? 0 : -EFAULT;
}

long lu_sys_ioctl(CPUX86State *env, const uint32_t *a)
{
    if (is_ifreq_ioctl(a[1]))
        return do_ifreq_ioctl((int)a[0], a[1], a[2]);
    for (size_t i = 0; i < sizeof(ioctls) / sizeof(ioctls[0]); i++) {
        if (ioctls[i].cmd != a[1])
            continue;
        if (ioctls[i].dir == IO_INT || ioctls[i].dir == IO_NONE)
            return lu_errno_ret(ioctl((int)a[0], a[1], (unsigned long)a[2]));
        void *p =
            lu_guest_ptr(a[2], ioctls[i].size, ioctls[i].dir == IO_OUT ? PAGE_WRITE : PAGE_READ);
        if (!p)
            return -EFAULT;
        return lu_errno_ret(ioctl((int)a[0], a[1], p));
    }
    if (log_enabled(LOG_UNIMP))
        xlat_log("unimplemented ioctl 0x%x on fd %d\n", a[1], (int)a[0]);
    return -ENOTTY;
}

/* ---- poll / select --------------------------------------------------- */

long lu_sys_poll(CPUX86State *env, const uint32_t *a)
{
    if (a[1] > 65536)
        return -EINVAL;
    void *p = lu_guest_ptr(a[0], a[1] * 8, PAGE_WRITE); /* struct pollfd is the same */
    if (!p && a[1])
        return -EFAULT;
    return lu_errno_ret(poll(p, a[1], (int)a[2]));
}

/* _newselect: fd_set is a little-endian bit array on both; timeval is 32-bit. */
long lu_sys_newselect(CPUX86State *env, const uint32_t *a)
{
    int n = (int)a[0];
    if (n < 0 || n > FD_SETSIZE)
        return -EINVAL;
    uint32_t bytes = (uint32_t)(n + 31) / 32 * 4;
    fd_set sets[3];
    fd_set *sp[3] = {NULL, NULL, NULL};
    for (int i = 0; i < 3; i++) {
        FD_ZERO(&sets[i]);
        if (a[1 + i]) {
            if (!copy_from_guest(&sets[i], a[1 + i], bytes))
                return -EFAULT;
            sp[i] = &sets[i];
        }
    }
    struct timeval tv, *tvp = NULL;
    if (a[4]) {
        int32_t g[2];
        if (!copy_from_guest(g, a[4], 8))
            return -EFAULT;
        tv.tv_sec = g[0];
        tv.tv_usec = g[1];
        tvp = &tv;
    }
    int r = select(n, sp[0], sp[1], sp[2], tvp);
    if (r < 0)
        return -errno;
    for (int i = 0; i < 3; i++) {
        if (sp[i] && !copy_to_guest(a[1 + i], sp[i], bytes))
            return -EFAULT;
    }
    if (tvp) {
        int32_t g[2] = {(int32_t)tv.tv_sec, (int32_t)tv.tv_usec};
        copy_to_guest(a[4], g, 8);
    }
    return r;
}
