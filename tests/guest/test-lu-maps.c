/*
 * test-lu-maps.c - /proc/self/maps (and /proc/<pid>/maps) as the guest's
 * kernel shows it: a file mapping at an offset names its file with the
 * device and inode fstat gives and the right offset, also after mprotect
 * splits it; the program's own segments name the executable; anonymous
 * memory has no name; [heap] and [stack] are where brk and a local are.
 * Only facts that do not depend on addresses are printed.
 * Example line:  file map: perms r--p, offset 0x1000, dev 1, inode 1, path 1, size 8192
 */
#define _GNU_SOURCE
#include "guest.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

typedef struct Line {
    unsigned long start, end, off, inode;
    char perms[8];
    unsigned maj, min;
    char name[512];
    int name_col;
} Line;

static int read_maps(const char *file, Line *v, int max)
{
    FILE *f = fopen(file, "r");
    if (!f)
        return 0;
    char buf[1024];
    int n = 0;
    while (n < max && fgets(buf, sizeof(buf), f)) {
        Line *l = &v[n];
        int pos = 0;
        buf[strcspn(buf, "\n")] = 0;
        if (sscanf(buf, "%lx-%lx %7s %lx %x:%x %lu %n", &l->start, &l->end, l->perms, &l->off,
                   &l->maj, &l->min, &l->inode, &pos) < 7)
            continue;
        l->name_col = buf[pos] ? pos : 0;
        snprintf(l->name, sizeof(l->name), "%s", buf + pos);
        n++;
    }
    fclose(f);
    return n;
}

static Line maps[512];
static int nmaps;

static const Line *line_at(unsigned long a)
{
    for (int i = 0; i < nmaps; i++) {
        if (a >= maps[i].start && a < maps[i].end)
            return &maps[i];
    }
    return NULL;
}

static void show_file_line(const char *what, const Line *l, const struct stat *st, const char *path)
{
    if (!l) {
        printf("%s: missing\n", what);
        return;
    }
    printf("%s: perms %s, offset 0x%lx, dev %d, inode %d, path %d, size %lu, name column %d\n",
           what, l->perms, l->off, l->maj == major(st->st_dev) && l->min == minor(st->st_dev),
           l->inode == st->st_ino, !strcmp(l->name, path), l->end - l->start, l->name_col);
}

static void file_mapping(void)
{
    char tmpl[] = "/tmp/xlat-maps-XXXXXX";
    int fd = mkstemp(tmpl);
    char page[4096];
    for (int i = 0; i < 3; i++) {
        memset(page, 'a' + i, sizeof(page));
        if (write(fd, page, sizeof(page)) != (ssize_t)sizeof(page))
            printf("write failed\n");
    }
    struct stat st;
    fstat(fd, &st);
    char path[512], link[64];
    snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
    ssize_t k = readlink(link, path, sizeof(path) - 1);
    path[k > 0 ? k : 0] = 0;
    char *p = mmap(NULL, 8192, PROT_READ, MAP_PRIVATE, fd, 4096);
    nmaps = read_maps("/proc/self/maps", maps, 512);
    show_file_line("file map", line_at((unsigned long)p), &st, path);
    printf("file map contents: %c %c\n", p[0], p[4096]);
    mprotect(p + 4096, 4096, PROT_READ | PROT_WRITE);
    nmaps = read_maps("/proc/self/maps", maps, 512);
    show_file_line("after mprotect, page 0", line_at((unsigned long)p), &st, path);
    show_file_line("after mprotect, page 1", line_at((unsigned long)p + 4096), &st, path);
    char own[64];
    snprintf(own, sizeof(own), "/proc/%d/maps", (int)getpid());
    nmaps = read_maps(own, maps, 512);
    show_file_line("via /proc/<pid>/maps", line_at((unsigned long)p), &st, path);
    char *s = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 8192);
    nmaps = read_maps("/proc/self/maps", maps, 512);
    show_file_line("shared map", line_at((unsigned long)s), &st, path);
    munmap(s, 4096);
    munmap(p, 8192);
    nmaps = read_maps("/proc/self/maps", maps, 512);
    printf("after munmap: %s\n", line_at((unsigned long)p) ? "still there" : "gone");
    close(fd);
    unlink(tmpl);
}

static void own_program(void)
{
    char exe[512];
    ssize_t k = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    exe[k > 0 ? k : 0] = 0;
    struct stat st;
    stat(exe, &st);
    nmaps = read_maps("/proc/self/maps", maps, 512);
    const Line *code = line_at((unsigned long)&own_program);
    show_file_line("program code", code, &st, exe);
    int n = 0, first_off0 = 0;
    for (int i = 0; i < nmaps; i++) {
        if (!strcmp(maps[i].name, exe)) {
            if (!n)
                first_off0 = maps[i].off == 0;
            n++;
        }
    }
    printf("program lines: some %d, first at offset 0: %d\n", n > 0, first_off0);
}

static void anon_heap_stack(void)
{
    char *a = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    char *brk0 = sbrk(0);
    sbrk(8192);
    int local = 0;
    nmaps = read_maps("/proc/self/maps", maps, 512);
    const Line *l = line_at((unsigned long)a);
    printf("anon: %s offset %lx dev %02x:%02x inode %lu name '%s'\n", l ? l->perms : "?",
           l ? l->off : 1, l ? l->maj : 1, l ? l->min : 1, l ? l->inode : 1, l ? l->name : "?");
    l = line_at((unsigned long)brk0 + 4096);
    printf("heap: %s '%s'\n", l ? l->perms : "?", l ? l->name : "missing");
    l = line_at((unsigned long)&local);
    printf("stack: %s '%s'\n", l ? l->perms : "?", l ? l->name : "missing");
    munmap(a, 3 * 4096);
}

int main(void)
{
    file_mapping();
    own_program();
    anon_heap_stack();
    return 0;
}
