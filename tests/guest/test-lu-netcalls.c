/*
 * test-lu-netcalls.c - calls Python's socket tests needed: a send of more
 * than 16 MiB (the kernel takes what fits; it was refused with EINVAL),
 * the interface requests on a socket (SIOCGIFINDEX, SIOCGIFNAME,
 * SIOCGIFFLAGS, SIOCGIFMTU: struct ifreq is 32 bytes here, 40 on x86-64),
 * if_nametoindex/if_indextoname, and sethostname/setdomainname (set to
 * their current values, so the machine keeps its names).
 * Example line: "SIOCGIFINDEX lo: 0 index 1"
 */
#define _GNU_SOURCE
#include "guest.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

static void big_send(void)
{
    int sv[2];
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    fcntl(sv[0], F_SETFL, O_NONBLOCK);
    size_t n = 20u << 20;
    char *buf = calloc(1, n);
    ssize_t r = send(sv[0], buf, n, 0);
    printf("send 20 MiB, non-blocking: %s\n", r > 0 ? "part sent" : strerrorname_np(errno));
    r = sendto(sv[0], buf, n, MSG_DONTWAIT, NULL, 0);
    printf("sendto 20 MiB again: %s\n", r > 0 ? "part sent" : strerrorname_np(errno));
    free(buf);
    close(sv[0]);
    close(sv[1]);
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv); /* room, so the pointer is read */
    r = send(sv[0], (void *)16, 100, 0);
    printf("send from a bad pointer: %s\n", r >= 0 ? "sent" : strerrorname_np(errno));
    close(sv[0]);
    close(sv[1]);
}

static void ifreqs(void)
{
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    struct ifreq ifr;
    memset(&ifr, 0, sizeof(ifr));
    strcpy(ifr.ifr_name, "lo");
    int r = ioctl(s, SIOCGIFINDEX, &ifr);
    int idx = ifr.ifr_ifindex;
    printf("SIOCGIFINDEX lo: %d index %d\n", r, idx);
    memset(&ifr, 0, sizeof(ifr));
    ifr.ifr_ifindex = idx;
    r = ioctl(s, SIOCGIFNAME, &ifr);
    printf("SIOCGIFNAME %d: %d [%s]\n", idx, r, ifr.ifr_name);
    strcpy(ifr.ifr_name, "lo");
    r = ioctl(s, SIOCGIFFLAGS, &ifr);
    printf("SIOCGIFFLAGS lo: %d loopback %d up %d\n", r, !!(ifr.ifr_flags & IFF_LOOPBACK),
           !!(ifr.ifr_flags & IFF_UP));
    strcpy(ifr.ifr_name, "lo");
    r = ioctl(s, SIOCGIFMTU, &ifr);
    printf("SIOCGIFMTU lo: %d mtu>0 %d\n", r, ifr.ifr_mtu > 0);
    strcpy(ifr.ifr_name, "no-such-if");
    r = ioctl(s, SIOCGIFINDEX, &ifr);
    printf("SIOCGIFINDEX no-such-if: %d %s\n", r, strerrorname_np(errno));
    r = ioctl(s, SIOCGIFINDEX, (void *)16);
    printf("SIOCGIFINDEX bad pointer: %d %s\n", r, strerrorname_np(errno));
    close(s);
    char name[IF_NAMESIZE];
    unsigned i = if_nametoindex("lo");
    printf("if_nametoindex lo: %u, back: %s\n", i, if_indextoname(i, name) ? name : "none");
}

static void uts_names(void)
{
    struct utsname u;
    uname(&u);
    errno = 0;
    int r = sethostname(u.nodename, strlen(u.nodename));
    printf("sethostname (same): %d %s\n", r, r ? strerrorname_np(errno) : "");
    r = (int)syscall(SYS_sethostname, u.nodename, 65);
    printf("sethostname 65 bytes: %d %s\n", r, strerrorname_np(errno));
    r = (int)syscall(SYS_sethostname, (void *)16, 4);
    printf("sethostname bad pointer: %d %s\n", r, strerrorname_np(errno));
    r = setdomainname(u.domainname, strlen(u.domainname));
    printf("setdomainname (same): %d %s\n", r, r ? strerrorname_np(errno) : "");
    struct utsname v;
    uname(&v);
    printf("names kept: %d\n",
           !strcmp(u.nodename, v.nodename) && !strcmp(u.domainname, v.domainname));
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    big_send();
    ifreqs();
    uts_names();
    return 0;
}
