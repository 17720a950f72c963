/*
 * syscall_net.c - sockets: the socketcall(2) multiplexer and the direct
 * socket system calls (359..373, recvmmsg, sendmmsg), which share handlers
 * because their arguments come in the same order.
 *
 * sockaddr, socklen_t, linger, ucred and the int options have the same
 * layout on i386 and x86-64 and pass through once their guest pointers are
 * checked.  Converted: struct msghdr (28 bytes on i386: seven 32-bit
 * fields), struct cmsghdr (12-byte header, 4-byte alignment on i386; 16 and
 * 8 on the host), struct mmsghdr, and the timeval of SO_RCVTIMEO/SO_SNDTIMEO.
 * Example: socketcall(SYS_SENDMSG, [fd, msg, flags]) -> lu_sys_sendmsg.
 */
#include "linux-user/lu-internal.h"
#include "linux-user/lu-syscalls.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "util/log.h"

#define G_CMSG_HDR 12u
static uint32_t g_cmsg_align(uint32_t n)
{
    return (n + 3u) & ~3u;
}

/* Guest (addr, len) for the kernel to read; NULL addr passes through. */
static int in_ptr(uint32_t g, uint32_t len, void **out)
{
    *out = NULL;
    if (!g)
        return 0;
    if (len > (1u << 24))
        return -EINVAL;
    *out = lu_guest_ptr(g, len ? len : 1, PAGE_READ);
    return *out ? 0 : -EFAULT;
}

/* Guest (addr, *lenp) the kernel fills: returns host pointers for both. */
static int out_addr(uint32_t gaddr, uint32_t glenp, void **addr, socklen_t **lenp)
{
    *addr = NULL;
    *lenp = NULL;
    if (!glenp)
        return gaddr ? -EFAULT : 0;
    *lenp = lu_guest_ptr(glenp, 4, PAGE_READ | PAGE_WRITE);
    if (!*lenp)
        return -EFAULT;
    if ((int)**lenp < 0)
        return -EINVAL;
    if (gaddr && **lenp) {
        *addr = lu_guest_ptr(gaddr, **lenp, PAGE_WRITE);
        if (!*addr)
            return -EFAULT;
    }
    return 0;
}

long lu_sys_socket(CPUX86State *env, const uint32_t *a)
{
    return lu_errno_ret(socket((int)a[0], (int)a[1], (int)a[2]));
}

long lu_sys_socketpair(CPUX86State *env, const uint32_t *a)
{
    int *sv = lu_guest_ptr(a[3], 8, PAGE_WRITE);
    if (!sv)
        return -EFAULT;
    return lu_errno_ret(socketpair((int)a[0], (int)a[1], (int)a[2], sv));
}

long lu_sys_bind(CPUX86State *env, const uint32_t *a)
{
    void *p;
    int e = in_ptr(a[1], a[2], &p);
    return e ? e : lu_errno_ret(bind((int)a[0], p, a[2]));
}

long lu_sys_connect(CPUX86State *env, const uint32_t *a)
{
    void *p;
    int e = in_ptr(a[1], a[2], &p);
    return e ? e : lu_errno_ret(connect((int)a[0], p, a[2]));
}

long lu_sys_listen(CPUX86State *env, const uint32_t *a)
{
    return lu_errno_ret(listen((int)a[0], (int)a[1]));
}

long lu_sys_accept4(CPUX86State *env, const uint32_t *a)
{
    void *addr;
    socklen_t *lenp;
    int e = out_addr(a[1], a[2], &addr, &lenp);
    return e ? e : lu_errno_ret(accept4((int)a[0], addr, lenp, (int)a[3]));
}

static long accept_plain(const uint32_t *a)
{
    uint32_t b[4] = {a[0], a[1], a[2], 0};
    return lu_sys_accept4(NULL, b);
}

long lu_sys_getsockname(CPUX86State *env, const uint32_t *a)
{
    void *addr;
    socklen_t *lenp;
    int e = out_addr(a[1], a[2], &addr, &lenp);
    return e ? e : lu_errno_ret(getsockname((int)a[0], addr, lenp));
}

long lu_sys_getpeername(CPUX86State *env, const uint32_t *a)
{
    void *addr;
    socklen_t *lenp;
    int e = out_addr(a[1], a[2], &addr, &lenp);
    return e ? e : lu_errno_ret(getpeername((int)a[0], addr, lenp));
}

long lu_sys_sendto(CPUX86State *env, const uint32_t *a)
{
    /* the data may be any size (the kernel sends what fits; Python sends
     * 16 MiB at once); only the address has in_ptr's bound */
    void *buf = a[2] ? lu_guest_ptr(a[1], a[2], PAGE_READ) : NULL, *to;
    if (a[2] && !buf)
        return -EFAULT;
    int e = in_ptr(a[4], a[5], &to);
    if (e)
        return e;
    return lu_errno_ret(sendto((int)a[0], buf, a[2], (int)a[3], to, a[5]));
}

long lu_sys_recvfrom(CPUX86State *env, const uint32_t *a)
{
    void *buf = a[2] ? lu_guest_ptr(a[1], a[2], PAGE_WRITE) : NULL;
    if (a[2] && !buf)
        return -EFAULT;
    void *addr;
    socklen_t *lenp;
    int e = out_addr(a[4], a[5], &addr, &lenp);
    return e ? e : lu_errno_ret(recvfrom((int)a[0], buf, a[2], (int)a[3], addr, lenp));
}

long lu_sys_shutdown(CPUX86State *env, const uint32_t *a)
{
    return lu_errno_ret(shutdown((int)a[0], (int)a[1]));
}

static bool is_timeval_opt(uint32_t level, uint32_t name)
{
    return level == SOL_SOCKET && (name == SO_RCVTIMEO || name == SO_SNDTIMEO);
}

long lu_sys_setsockopt(CPUX86State *env, const uint32_t *a)
{
    if (is_timeval_opt(a[1], a[2])) {
        int32_t g[2];
        if (a[4] < 8)
            return -EINVAL;
        if (!copy_from_guest(g, a[3], 8))
            return -EFAULT;
        struct timeval tv = {g[0], g[1]};
        return lu_errno_ret(setsockopt((int)a[0], (int)a[1], (int)a[2], &tv, sizeof(tv)));
    }
    void *p;
    int e = in_ptr(a[3], a[4], &p);
    return e ? e : lu_errno_ret(setsockopt((int)a[0], (int)a[1], (int)a[2], p, a[4]));
}

long lu_sys_getsockopt(CPUX86State *env, const uint32_t *a)
{
    socklen_t *lenp = lu_guest_ptr(a[4], 4, PAGE_READ | PAGE_WRITE);
    if (!lenp)
        return -EFAULT;
    if (is_timeval_opt(a[1], a[2])) {
        struct timeval tv;
        socklen_t l = sizeof(tv);
        if (getsockopt((int)a[0], (int)a[1], (int)a[2], &tv, &l) < 0)
            return -errno;
        int32_t g[2] = {(int32_t)tv.tv_sec, (int32_t)tv.tv_usec};
        uint32_t n = *lenp < 8 ? *lenp : 8;
        if (!copy_to_guest(a[3], g, n))
            return -EFAULT;
        *lenp = n;
        return 0;
    }
    void *p = *lenp ? lu_guest_ptr(a[3], *lenp, PAGE_WRITE) : NULL;
    if (*lenp && !p)
        return -EFAULT;
    return lu_errno_ret(getsockopt((int)a[0], (int)a[1], (int)a[2], p, lenp));
}

/* ---- sendmsg / recvmsg ----------------------------------------------- */

/* A host msghdr built from the guest's; owns iov and control. */
typedef struct HostMsg {
    struct msghdr m;
    struct iovec *iov;
    void *control;
    uint32_t g[7]; /* name namelen iov iovlen control controllen flags */
} HostMsg;

static void hmsg_free(HostMsg *h)
{
    free(h->iov);
    free(h->control);
}

/* Guest cmsgs -> host cmsgs (sendmsg). */
static int cmsgs_to_host(HostMsg *h)
{
    uint32_t glen = h->g[5];
    uint8_t *gc = glen ? lu_guest_ptr(h->g[4], glen, PAGE_READ) : NULL;
    if (glen && !gc)
        return -EFAULT;
    size_t cap = 2 * (size_t)glen + 64, used = 0;
    uint8_t *hc = calloc(1, cap);
    if (!hc)
        return -ENOMEM;
    for (uint32_t off = 0; off + G_CMSG_HDR <= glen;) {
        uint32_t len;
        int32_t level, type;
        memcpy(&len, gc + off, 4);
        memcpy(&level, gc + off + 4, 4);
        memcpy(&type, gc + off + 8, 4);
        if (len < G_CMSG_HDR || len > glen - off)
            break;
        size_t dlen = len - G_CMSG_HDR;
        struct cmsghdr *c = (struct cmsghdr *)(hc + used);
        c->cmsg_len = CMSG_LEN(dlen);
        c->cmsg_level = level;
        c->cmsg_type = type;
        memcpy(CMSG_DATA(c), gc + off + G_CMSG_HDR, dlen);
        used += CMSG_SPACE(dlen);
        off += g_cmsg_align(len);
    }
    h->control = hc;
    h->m.msg_control = used ? hc : NULL;
    h->m.msg_controllen = used;
    return 0;
}

/* Host cmsgs -> guest (recvmsg); sets MSG_CTRUNC when they do not fit. */
static void cmsgs_to_guest(HostMsg *h, uint32_t gmsg)
{
    uint32_t cap = h->g[5], used = 0;
    uint8_t *gc = cap ? lu_guest_ptr(h->g[4], cap, PAGE_WRITE) : NULL;
    int flags = h->m.msg_flags;
    for (struct cmsghdr *c = h->m.msg_controllen ? CMSG_FIRSTHDR(&h->m) : NULL; c;
         c = CMSG_NXTHDR(&h->m, c)) {
        uint32_t dlen = (uint32_t)(c->cmsg_len - CMSG_LEN(0));
        if (!gc || used + G_CMSG_HDR + dlen > cap) {
            flags |= MSG_CTRUNC;
            break;
        }
        uint32_t w[3] = {G_CMSG_HDR + dlen, (uint32_t)c->cmsg_level, (uint32_t)c->cmsg_type};
        memcpy(gc + used, w, 12);
        memcpy(gc + used + G_CMSG_HDR, CMSG_DATA(c), dlen);
        used += g_cmsg_align(G_CMSG_HDR + dlen);
        if (used > cap)
            used = cap;
    }
    uint32_t out[3] = {(uint32_t)h->m.msg_namelen, 0, 0};
    copy_to_guest(gmsg + 4, &out[0], 4);
    copy_to_guest(gmsg + 20, &used, 4);
    copy_to_guest(gmsg + 24, &flags, 4);
}

static int hmsg_get(HostMsg *h, uint32_t gmsg, bool recv)
{
    memset(h, 0, sizeof(*h));
    if (!copy_from_guest(h->g, gmsg, sizeof(h->g)))
        return -EFAULT;
    if (h->g[0]) {
        h->m.msg_name = lu_guest_ptr(h->g[0], h->g[1] ? h->g[1] : 1, recv ? PAGE_WRITE : PAGE_READ);
        if (!h->m.msg_name)
            return -EFAULT;
        h->m.msg_namelen = h->g[1];
    }
    if (h->g[3] > 1024)
        return -EMSGSIZE;
    h->iov = calloc(h->g[3] + 1, sizeof(struct iovec));
    if (!h->iov)
        return -ENOMEM;
    for (uint32_t i = 0; i < h->g[3]; i++) {
        uint32_t v[2];
        if (!copy_from_guest(v, h->g[2] + 8 * i, 8))
            return -EFAULT;
        h->iov[i].iov_len = v[1];
        h->iov[i].iov_base = v[1] ? lu_guest_ptr(v[0], v[1], recv ? PAGE_WRITE : PAGE_READ) : NULL;
        if (v[1] && !h->iov[i].iov_base)
            return -EFAULT;
    }
    h->m.msg_iov = h->iov;
    h->m.msg_iovlen = h->g[3];
    if (!recv)
        return cmsgs_to_host(h);
    if (h->g[5]) {
        size_t cap = 2 * (size_t)h->g[5] + 64;
        h->control = calloc(1, cap);
        if (!h->control)
            return -ENOMEM;
        h->m.msg_control = h->control;
        h->m.msg_controllen = cap;
    }
    return 0;
}

static long do_sendmsg(int fd, uint32_t gmsg, int flags)
{
    HostMsg h;
    int e = hmsg_get(&h, gmsg, false);
    long r = e ? e : lu_errno_ret(sendmsg(fd, &h.m, flags));
    hmsg_free(&h);
    return r;
}

static long do_recvmsg(int fd, uint32_t gmsg, int flags)
{
    HostMsg h;
    int e = hmsg_get(&h, gmsg, true);
    long r = e ? e : lu_errno_ret(recvmsg(fd, &h.m, flags));
    if (r >= 0)
        cmsgs_to_guest(&h, gmsg);
    hmsg_free(&h);
    return r;
}

long lu_sys_sendmsg(CPUX86State *env, const uint32_t *a)
{
    return do_sendmsg((int)a[0], a[1], (int)a[2]);
}

long lu_sys_recvmsg(CPUX86State *env, const uint32_t *a)
{
    return do_recvmsg((int)a[0], a[1], (int)a[2]);
}

/* struct mmsghdr on i386: msghdr (28) + msg_len (4). */
long lu_sys_sendmmsg(CPUX86State *env, const uint32_t *a)
{
    uint32_t n = a[2] > 1024 ? 1024 : a[2], i;
    for (i = 0; i < n; i++) {
        long r = do_sendmsg((int)a[0], a[1] + 32 * i, (int)a[3]);
        if (r < 0)
            return i ? (long)i : r;
        uint32_t len = (uint32_t)r;
        copy_to_guest(a[1] + 32 * i + 28, &len, 4);
    }
    return (long)i;
}

static long do_recvmmsg(const uint32_t *a)
{
    uint32_t n = a[2] > 1024 ? 1024 : a[2], i;
    for (i = 0; i < n; i++) {
        /* after the first message, take only what is already there */
        int flags = (int)a[3] | (i && (a[3] & MSG_WAITFORONE) ? MSG_DONTWAIT : 0);
        long r = do_recvmsg((int)a[0], a[1] + 32 * i, flags & ~MSG_WAITFORONE);
        if (r < 0)
            return i ? (long)i : r;
        uint32_t len = (uint32_t)r;
        copy_to_guest(a[1] + 32 * i + 28, &len, 4);
    }
    return (long)i;
}

long lu_sys_recvmmsg(CPUX86State *env, const uint32_t *a)
{
    return do_recvmmsg(a); /* timeout (a[4]) not modelled */
}

long lu_sys_recvmmsg_time64(CPUX86State *env, const uint32_t *a)
{
    return do_recvmmsg(a);
}

/* ---- socketcall ------------------------------------------------------- */

long lu_sys_socketcall(CPUX86State *env, const uint32_t *a)
{
    static const uint8_t nargs[21] = {0, 3, 3, 3, 2, 3, 3, 3, 4, 4, 4, 6, 6, 2, 5, 5, 3, 3, 4, 5, 4};
    uint32_t call = a[0], v[6] = {0};
    if (call < 1 || call > 20)
        return -EINVAL;
    if (!copy_from_guest(v, a[1], 4u * nargs[call]))
        return -EFAULT;
    switch (call) {
    case 1: return lu_sys_socket(env, v);
    case 2: return lu_sys_bind(env, v);
    case 3: return lu_sys_connect(env, v);
    case 4: return lu_sys_listen(env, v);
    case 5: return accept_plain(v);
    case 6: return lu_sys_getsockname(env, v);
    case 7: return lu_sys_getpeername(env, v);
    case 8: return lu_sys_socketpair(env, v);
    case 9: /* send(fd, buf, len, flags) = sendto(..., NULL, 0) */
    case 10: /* recv */
        v[4] = v[5] = 0;
        return call == 9 ? lu_sys_sendto(env, v) : lu_sys_recvfrom(env, v);
    case 11: return lu_sys_sendto(env, v);
    case 12: return lu_sys_recvfrom(env, v);
    case 13: return lu_sys_shutdown(env, v);
    case 14: return lu_sys_setsockopt(env, v);
    case 15: return lu_sys_getsockopt(env, v);
    case 16: return lu_sys_sendmsg(env, v);
    case 17: return lu_sys_recvmsg(env, v);
    case 18: return lu_sys_accept4(env, v);
    case 19: return lu_sys_recvmmsg(env, v);
    default: return lu_sys_sendmmsg(env, v);
    }
}
