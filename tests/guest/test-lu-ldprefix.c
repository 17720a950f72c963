// env: XLAT_LD_PREFIX=/
/*
 * test-lu-ldprefix.c - paths under -L (here XLAT_LD_PREFIX=/, so every
 * absolute path also exists under the prefix): a symlink stores its target
 * as the program wrote it, not the prefixed file it would find now
 * (Python's os.symlink test read back /ROOT/usr/lib/... under -L ROOT);
 * readlink of /proc/self/fd/N and of a link give the guest's paths.
 * Natively the variable means nothing.
 * Example line: "symlink /etc/passwd -> [/etc/passwd]"
 */
#define _GNU_SOURCE
#include "guest.h"

#include <fcntl.h>
#include <unistd.h>

static void show_link(const char *what, const char *link)
{
    char buf[256];
    ssize_t n = readlink(link, buf, sizeof(buf) - 1);
    buf[n > 0 ? n : 0] = 0;
    printf("%s -> [%s]\n", what, buf);
}

int main(void)
{
    symlink("/etc/passwd", "l1");
    show_link("symlink /etc/passwd", "l1");
    symlinkat("/etc", AT_FDCWD, "l2");
    show_link("symlinkat /etc", "l2");
    symlink("/no/such/file", "l3");
    show_link("symlink /no/such/file", "l3");
    symlink("relative/x", "l4");
    show_link("symlink relative/x", "l4");
    int fd = open("/etc/passwd", O_RDONLY);
    char p[64];
    snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
    show_link("/proc/self/fd of /etc/passwd", p);
    int dfd = open("/etc", O_RDONLY | O_DIRECTORY);
    char buf[256];
    ssize_t n = readlinkat(dfd, "../proc/self/fd/0", buf, sizeof(buf));
    printf("readlinkat relative: %s\n", n > 0 ? "ok" : "fail");
    printf("l1 opens: %d\n", open("l1", O_RDONLY) >= 0);
    return 0;
}
