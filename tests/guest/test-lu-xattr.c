/*
 * test-lu-xattr.c - extended attributes: set, get (size query and value),
 * list, remove, through a path, a symlink (l*) and a descriptor (f*), and
 * the errors: no such attribute, a name too long (ERANGE), a bad buffer
 * (EFAULT), a buffer too small (ERANGE).  Natively and under xlat the
 * lines must be the same, whatever the file system supports (its errors
 * are printed too).
 * Example line: "getxattr size: 5"
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/xattr.h>
#include <unistd.h>

static void show(const char *what, long r)
{
    if (r < 0)
        printf("%s: -1 %s\n", what, strerrorname_np(errno));
    else
        printf("%s: %ld\n", what, r);
}

int main(void)
{
    char dir[] = "/tmp/xlat-xattr-XXXXXX";
    if (!mkdtemp(dir))
        return 1;
    char file[64], link[64];
    snprintf(file, sizeof file, "%s/f", dir);
    snprintf(link, sizeof link, "%s/l", dir);
    int fd = open(file, O_CREAT | O_RDWR, 0600);
    if (fd < 0 || symlink(file, link) != 0)
        return 1;
    char buf[64], longname[300];
    show("setxattr", setxattr(file, "user.xlat", "hello", 5, 0));
    show("setxattr create-exists", setxattr(file, "user.xlat", "x", 1, XATTR_CREATE));
    show("getxattr size", getxattr(file, "user.xlat", NULL, 0));
    memset(buf, 0, sizeof buf);
    long n = getxattr(file, "user.xlat", buf, sizeof buf);
    show("getxattr", n);
    printf("value: %.*s\n", n > 0 ? (int)n : 0, buf);
    show("getxattr small", getxattr(file, "user.xlat", buf, 2));
    show("lgetxattr link", lgetxattr(link, "user.xlat", buf, sizeof buf));
    show("getxattr via link", getxattr(link, "user.xlat", buf, sizeof buf));
    show("lgetxattr selinux", lgetxattr(file, "security.selinux", buf, sizeof buf));
    show("fsetxattr", fsetxattr(fd, "user.two", "2", 1, 0));
    show("fgetxattr", fgetxattr(fd, "user.two", buf, sizeof buf));
    show("listxattr size", listxattr(file, NULL, 0));
    memset(buf, 0, sizeof buf);
    n = flistxattr(fd, buf, sizeof buf);
    show("flistxattr", n);
    /* the order is the file system's: print the names sorted */
    if (n > 0) {
        char *a = buf, *b = buf + strlen(buf) + 1;
        if (b < buf + n && strcmp(a, b) > 0) {
            char *t = a;
            a = b;
            b = t;
        }
        printf("names: %s %s\n", a, b < buf + n ? b : "");
    }
    show("llistxattr", llistxattr(link, buf, sizeof buf));
    memset(longname, 'a', sizeof longname);
    memcpy(longname, "user.", 5);
    longname[sizeof longname - 1] = 0;
    show("getxattr long name", getxattr(file, longname, buf, sizeof buf));
    show("getxattr bad buffer", getxattr(file, "user.xlat", (void *)16, 64));
    show("getxattr bad name", getxattr(file, (const char *)16, buf, sizeof buf));
    show("removexattr", removexattr(file, "user.xlat"));
    show("removexattr again", removexattr(file, "user.xlat"));
    show("fremovexattr", fremovexattr(fd, "user.two"));
    show("lremovexattr", lremovexattr(link, "user.two"));
    show("getxattr gone", getxattr(file, "user.xlat", buf, sizeof buf));
    show("getxattr missing file", getxattr("/nonexistent/x", "user.a", buf, sizeof buf));
    close(fd);
    unlink(link);
    unlink(file);
    rmdir(dir);
    return 0;
}
