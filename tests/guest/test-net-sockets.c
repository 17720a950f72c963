/*
 * test-net-sockets.c - sockets through the i386 ABI: socketpair with
 * sendmsg/recvmsg carrying SCM_RIGHTS and SCM_CREDENTIALS control messages
 * (i386 cmsghdr layout), MSG_CTRUNC when the control buffer is short, TCP
 * over loopback (bind to port 0, getsockname, listen, connect, accept4,
 * getpeername, shutdown), UDP sendto/recvfrom, get/setsockopt with int and
 * timeval options, sendmmsg/recvmmsg, and EFAULT for bad pointers.
 * Example line:  scm_rights: got fd, reads "via fd"
 */
#define _GNU_SOURCE
#include "guest.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <unistd.h>

static void scm_rights(void)
{
    int sv[2], p[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) || pipe(p))
        return;
    if (write(p[1], "via fd", 6) != 6)
        return;
    char data[] = "x";
    struct iovec iov = {data, 1};
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } u;
    struct msghdr m = {0};
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    m.msg_control = u.buf;
    m.msg_controllen = sizeof(u.buf);
    struct cmsghdr *c = CMSG_FIRSTHDR(&m);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &p[0], sizeof(int));
    printf("sendmsg: %d (cmsg_len %u, controllen %u)\n", (int)sendmsg(sv[0], &m, 0),
           (unsigned)c->cmsg_len, (unsigned)m.msg_controllen);

    char rb[4] = {0};
    struct iovec riov = {rb, sizeof(rb)};
    union {
        char buf[64];
        struct cmsghdr align;
    } ru;
    struct msghdr rm = {0};
    rm.msg_iov = &riov;
    rm.msg_iovlen = 1;
    rm.msg_control = ru.buf;
    rm.msg_controllen = sizeof(ru.buf);
    ssize_t r = recvmsg(sv[1], &rm, 0);
    struct cmsghdr *rc = CMSG_FIRSTHDR(&rm);
    printf("recvmsg: %d data %c controllen %u flags %x\n", (int)r, rb[0],
           (unsigned)rm.msg_controllen, rm.msg_flags);
    if (rc && rc->cmsg_type == SCM_RIGHTS) {
        int fd;
        memcpy(&fd, CMSG_DATA(rc), sizeof(fd));
        char got[8] = {0};
        printf("scm_rights: level %d len %u, reads \"%.*s\"\n", rc->cmsg_level,
               (unsigned)rc->cmsg_len, (int)read(fd, got, 6), got);
        close(fd);
    }
    /* too small a control buffer: MSG_CTRUNC */
    memcpy(CMSG_DATA(c), &p[1], sizeof(int));
    sendmsg(sv[0], &m, 0);
    rm.msg_controllen = 4;
    r = recvmsg(sv[1], &rm, 0);
    printf("short control: %d ctrunc %d\n", (int)r, (rm.msg_flags & MSG_CTRUNC) != 0);
    /* credentials */
    int on = 1;
    setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &on, sizeof(on));
    if (write(sv[0], "c", 1) != 1)
        return;
    rm.msg_controllen = sizeof(ru.buf);
    r = recvmsg(sv[1], &rm, 0);
    rc = CMSG_FIRSTHDR(&rm);
    if (rc && rc->cmsg_type == SCM_CREDENTIALS) {
        struct ucred cr;
        memcpy(&cr, CMSG_DATA(rc), sizeof(cr));
        printf("scm_credentials: len %u pid-ok %d uid-ok %d\n", (unsigned)rc->cmsg_len,
               cr.pid == getpid(), cr.uid == getuid());
    }
    close(sv[0]);
    close(sv[1]);
    close(p[0]);
    close(p[1]);
}

static void tcp(void)
{
    int ls = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    int one = 1;
    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (bind(ls, (struct sockaddr *)&a, sizeof(a)) || listen(ls, 4)) {
        printf("tcp: bind/listen failed\n");
        return;
    }
    socklen_t al = sizeof(a);
    getsockname(ls, (struct sockaddr *)&a, &al);
    printf("tcp: getsockname len %u port-nonzero %d\n", (unsigned)al, a.sin_port != 0);
    int c = socket(AF_INET, SOCK_STREAM, 0);
    printf("tcp: connect %d\n", connect(c, (struct sockaddr *)&a, sizeof(a)));
    struct sockaddr_in peer;
    socklen_t pl = sizeof(peer);
    int s = accept4(ls, (struct sockaddr *)&peer, &pl, SOCK_CLOEXEC);
    printf("tcp: accept4 ok %d cloexec %d peer-len %u\n", s >= 0, (fcntl(s, F_GETFD) & 1),
           (unsigned)pl);
    struct sockaddr_in pn;
    socklen_t pnl = sizeof(pn);
    getpeername(c, (struct sockaddr *)&pn, &pnl);
    printf("tcp: getpeername port match %d\n", pn.sin_port == a.sin_port);
    send(c, "hello tcp", 9, 0);
    shutdown(c, SHUT_WR);
    char buf[32] = {0};
    int n = 0, r;
    while ((r = (int)recv(s, buf + n, sizeof(buf) - 1 - n, 0)) > 0)
        n += r;
    printf("tcp: got \"%s\" then %d\n", buf, r);
    int nd = 1, v = 0;
    socklen_t vl = sizeof(v);
    setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &nd, sizeof(nd));
    getsockopt(c, IPPROTO_TCP, TCP_NODELAY, &v, &vl);
    printf("tcp: nodelay %d len %u\n", v != 0, (unsigned)vl);
    struct timeval tv = {3, 500000}, tv2 = {0, 0};
    socklen_t tl = sizeof(tv2);
    setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    getsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv2, &tl);
    printf("tcp: rcvtimeo %ld.%06ld len %u\n", (long)tv2.tv_sec, (long)tv2.tv_usec, (unsigned)tl);
    int type = 0;
    socklen_t tyl = sizeof(type);
    getsockopt(s, SOL_SOCKET, SO_TYPE, &type, &tyl);
    printf("tcp: so_type %d\n", type);
    close(c);
    close(s);
    close(ls);
}

static void udp(void)
{
    int a = socket(AF_INET, SOCK_DGRAM, 0), b = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    bind(b, (struct sockaddr *)&sa, sizeof(sa));
    socklen_t l = sizeof(sa);
    getsockname(b, (struct sockaddr *)&sa, &l);
    sendto(a, "dgram1", 6, 0, (struct sockaddr *)&sa, sizeof(sa));
    struct mmsghdr mm[2];
    struct iovec iov[2] = {{"dgram2", 6}, {"dgram3!", 7}};
    memset(mm, 0, sizeof(mm));
    for (int i = 0; i < 2; i++) {
        mm[i].msg_hdr.msg_iov = &iov[i];
        mm[i].msg_hdr.msg_iovlen = 1;
        mm[i].msg_hdr.msg_name = &sa;
        mm[i].msg_hdr.msg_namelen = sizeof(sa);
    }
    printf("udp: sendmmsg %d lens %u %u\n", sendmmsg(a, mm, 2, 0), mm[0].msg_len, mm[1].msg_len);
    char buf[16] = {0};
    struct sockaddr_in from;
    socklen_t fl = sizeof(from);
    int r = (int)recvfrom(b, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl);
    printf("udp: recvfrom %d \"%s\" fromlen %u\n", r, buf, (unsigned)fl);
    char b2[2][16];
    struct iovec riov[2] = {{b2[0], 16}, {b2[1], 16}};
    struct mmsghdr rm[2];
    memset(rm, 0, sizeof(rm));
    for (int i = 0; i < 2; i++) {
        rm[i].msg_hdr.msg_iov = &riov[i];
        rm[i].msg_hdr.msg_iovlen = 1;
    }
    r = recvmmsg(b, rm, 2, 0, NULL);
    printf("udp: recvmmsg %d lens %u %u\n", r, rm[0].msg_len, rm[1].msg_len);
    errno = 0;
    r = (int)sendto(a, (void *)16, 4, 0, (struct sockaddr *)&sa, sizeof(sa));
    printf("udp: bad buffer %d %s\n", r, errno == EFAULT ? "EFAULT" : "other");
    errno = 0;
    r = bind(a, (struct sockaddr *)16, sizeof(sa));
    printf("udp: bad address %d %s\n", r, errno == EFAULT ? "EFAULT" : "other");
    close(a);
    close(b);
}

int main(void)
{
    scm_rights();
    tcp();
    udp();
    return 0;
}
