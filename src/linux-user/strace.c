/*
 * strace.c - -strace / -d strace output in qemu's style:
 *     PID name(arg,arg,...) = result
 * Arguments are printed by the kinds in the syscall table (strings quoted
 * and cut at 64 bytes, flags in hex); errors print "-1 errno=N (text)".
 * Both halves go to the log in one line unless the call itself writes to
 * the log (then they simply follow each other).
 */
#include "linux-user/lu-internal.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "util/log.h"

#define STR_MAX 64

static const char *last_name = "";

static void print_string(char *out, size_t n, uint32_t g)
{
    long len = guest_strnlen(g, 4096);
    if (len < 0) {
        snprintf(out, n, "0x%08x", g);
        return;
    }
    char buf[STR_MAX * 4 + 8];
    size_t o = 0;
    buf[o++] = '"';
    for (long i = 0; i < len && i < STR_MAX; i++) {
        unsigned char c = ((const unsigned char *)g2h(g))[i];
        if (c == '\n') {
            buf[o++] = '\\';
            buf[o++] = 'n';
        } else if (c == '"' || c == '\\') {
            buf[o++] = '\\';
            buf[o++] = (char)c;
        } else if (c < 32 || c > 126) {
            o += (size_t)snprintf(buf + o, sizeof(buf) - o, "\\%03o", c);
        } else {
            buf[o++] = (char)c;
        }
    }
    buf[o++] = '"';
    buf[o] = 0;
    snprintf(out, n, "%s%s", buf, len > STR_MAX ? "..." : "");
}

static void print_arg(char *out, size_t n, char kind, uint32_t v)
{
    switch (kind) {
    case 'd':
        snprintf(out, n, "%d", (int32_t)v);
        break;
    case 'u':
        snprintf(out, n, "%u", v);
        break;
    case 'o':
        snprintf(out, n, "0%o", v);
        break;
    case 's':
        print_string(out, n, v);
        break;
    case 'p':
        snprintf(out, n, v ? "0x%08x" : "NULL", v);
        break;
    default:
        snprintf(out, n, "0x%x", v);
        break;
    }
}

void lu_strace_enter(CPUX86State *env, int nr, const char *name, const char *kinds,
                     const uint32_t *a)
{
    char line[1024];
    size_t o = (size_t)snprintf(line, sizeof(line), "%d %s(", getpid(), name);
    if (!strcmp(name, "?"))
        o = (size_t)snprintf(line, sizeof(line), "%d syscall_%d(", getpid(), nr);
    for (int i = 0; kinds[i] && i < 6 && o < sizeof(line); i++) {
        char arg[STR_MAX * 4 + 16];
        print_arg(arg, sizeof(arg), kinds[i], a[i]);
        o += (size_t)snprintf(line + o, sizeof(line) - o, "%s%s", i ? "," : "", arg);
    }
    last_name = name;
    xlat_log("%s)", line);
}

/* Calls whose result is an address print it in hex. */
static bool returns_address(const char *name)
{
    static const char *const names[] = {"brk", "mmap", "mmap2", "mremap"};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (!strcmp(names[i], name))
            return true;
    }
    return false;
}

void lu_strace_exit(long ret)
{
    if (ret == LU_RET_NOREG)
        xlat_log(" = ?\n");
    else if (ret < 0 && ret >= -4095)
        xlat_log(" = -1 errno=%ld (%s)\n", -ret, strerror((int)-ret));
    else if (returns_address(last_name))
        xlat_log(" = 0x%08lx\n", ret);
    else
        xlat_log(" = %ld\n", ret);
}
