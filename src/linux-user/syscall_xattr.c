/*
 * syscall_xattr.c - extended attributes: {,l,f}{set,get,list,remove}xattr
 * (i386 226-237), passed through to the host with the guest's strings and
 * buffers.  Paths go through lu_get_path (the -L prefix); attribute names
 * are copied as they are (XATTR_NAME_MAX 255).  A size of 0 asks for the
 * size only, so the buffer pointer is not looked at, as in Linux.
 *
 * Example: `ls -l` calls lgetxattr(path, "security.selinux", buf, 255) on
 * every file and prints a "." or "+" only from the error (ENODATA,
 * EOPNOTSUPP); an ENOSYS here made it print "Function not implemented".
 */
#include "linux-user/lu-internal.h"
#include "linux-user/lu-syscalls.h"

#include <errno.h>
#include <limits.h>
#include <string.h>
#include <sys/xattr.h>

#define XATTR_NAME_LEN 256 /* XATTR_NAME_MAX + 1 */

enum { XA_PATH, XA_LINK, XA_FD };

/* The attribute name: ERANGE when too long, as the kernel says. */
static int xattr_name(uint32_t g, char name[XATTR_NAME_LEN])
{
    return lu_get_str(g, name, XATTR_NAME_LEN, ERANGE);
}

/* The guest buffer of `size` bytes (NULL for size 0), or -EFAULT. */
static int xattr_buf(uint32_t g, uint32_t size, int prot, void **out)
{
    *out = NULL;
    if (size == 0)
        return 0;
    if (size > 65536) /* XATTR_SIZE_MAX: the kernel clamps */
        size = 65536;
    *out = lu_guest_ptr(g, size, prot);
    return *out ? 0 : -EFAULT;
}

static long xattr_set(int how, const uint32_t *a)
{
    char path[PATH_MAX], name[XATTR_NAME_LEN];
    int e = how == XA_FD ? 0 : lu_get_path(a[0], path, sizeof(path));
    if (e || (e = xattr_name(a[1], name)))
        return e;
    void *val;
    if ((e = xattr_buf(a[2], a[3], PAGE_READ, &val)))
        return e;
    int flags = (int)a[4];
    if (how == XA_FD)
        return lu_errno_ret(fsetxattr((int)a[0], name, val, a[3], flags));
    if (how == XA_LINK)
        return lu_errno_ret(lsetxattr(path, name, val, a[3], flags));
    return lu_errno_ret(setxattr(path, name, val, a[3], flags));
}

static long xattr_get(int how, const uint32_t *a)
{
    char path[PATH_MAX], name[XATTR_NAME_LEN];
    int e = how == XA_FD ? 0 : lu_get_path(a[0], path, sizeof(path));
    if (e || (e = xattr_name(a[1], name)))
        return e;
    void *val;
    if ((e = xattr_buf(a[2], a[3], PAGE_WRITE, &val)))
        return e;
    if (how == XA_FD)
        return lu_errno_ret(fgetxattr((int)a[0], name, val, a[3]));
    if (how == XA_LINK)
        return lu_errno_ret(lgetxattr(path, name, val, a[3]));
    return lu_errno_ret(getxattr(path, name, val, a[3]));
}

static long xattr_list(int how, const uint32_t *a)
{
    char path[PATH_MAX];
    int e = how == XA_FD ? 0 : lu_get_path(a[0], path, sizeof(path));
    if (e)
        return e;
    void *list;
    if ((e = xattr_buf(a[1], a[2], PAGE_WRITE, &list)))
        return e;
    if (how == XA_FD)
        return lu_errno_ret(flistxattr((int)a[0], list, a[2]));
    if (how == XA_LINK)
        return lu_errno_ret(llistxattr(path, list, a[2]));
    return lu_errno_ret(listxattr(path, list, a[2]));
}

static long xattr_remove(int how, const uint32_t *a)
{
    char path[PATH_MAX], name[XATTR_NAME_LEN];
    int e = how == XA_FD ? 0 : lu_get_path(a[0], path, sizeof(path));
    if (e || (e = xattr_name(a[1], name)))
        return e;
    if (how == XA_FD)
        return lu_errno_ret(fremovexattr((int)a[0], name));
    if (how == XA_LINK)
        return lu_errno_ret(lremovexattr(path, name));
    return lu_errno_ret(removexattr(path, name));
}

long lu_sys_setxattr(CPUX86State *env, const uint32_t *a)
{
    return xattr_set(XA_PATH, a);
}
long lu_sys_lsetxattr(CPUX86State *env, const uint32_t *a)
{
    return xattr_set(XA_LINK, a);
}
long lu_sys_fsetxattr(CPUX86State *env, const uint32_t *a)
{
    return xattr_set(XA_FD, a);
}
long lu_sys_getxattr(CPUX86State *env, const uint32_t *a)
{
    return xattr_get(XA_PATH, a);
}
long lu_sys_lgetxattr(CPUX86State *env, const uint32_t *a)
{
    return xattr_get(XA_LINK, a);
}
long lu_sys_fgetxattr(CPUX86State *env, const uint32_t *a)
{
    return xattr_get(XA_FD, a);
}
long lu_sys_listxattr(CPUX86State *env, const uint32_t *a)
{
    return xattr_list(XA_PATH, a);
}
long lu_sys_llistxattr(CPUX86State *env, const uint32_t *a)
{
    return xattr_list(XA_LINK, a);
}
long lu_sys_flistxattr(CPUX86State *env, const uint32_t *a)
{
    return xattr_list(XA_FD, a);
}
long lu_sys_removexattr(CPUX86State *env, const uint32_t *a)
{
    return xattr_remove(XA_PATH, a);
}
long lu_sys_lremovexattr(CPUX86State *env, const uint32_t *a)
{
    return xattr_remove(XA_LINK, a);
}
long lu_sys_fremovexattr(CPUX86State *env, const uint32_t *a)
{
    return xattr_remove(XA_FD, a);
}
