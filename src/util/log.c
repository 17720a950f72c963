/*
 * log.c - the -d / -D debug log, with qemu-user habits.
 *
 * Each -d item is one bit of log_mask (see log.h); the table below is the
 * single place that names them, so `-d help`, the parser and the docs agree.
 * Everything goes to log_file, which is stderr unless -D named a file; the
 * file is line-buffered so that a guest crash loses little of the log.
 * log_disas() prints Capstone output as "0x%08x:  mnemonic operands" lines,
 * one per instruction; bytes Capstone cannot decode are shown as ".byte".
 */
#include "util/log.h"

#include <capstone/capstone.h>
#include <stdarg.h>
#include <string.h>

unsigned log_mask;
FILE *log_file;

typedef struct LogItem {
    const char *name;
    unsigned mask;
    const char *help;
} LogItem;

static const LogItem log_items[] = {
    {"in_asm", LOG_IN_ASM, "show guest code of each translated block"},
    {"op", LOG_OP, "show IR ops after translation"},
    {"op_opt", LOG_OP_OPT, "show IR ops after the optimizer"},
    {"out_asm", LOG_OUT_ASM, "show generated host code"},
    {"exec", LOG_EXEC, "show trace before each executed block"},
    {"unimp", LOG_UNIMP, "log unimplemented syscalls, ioctls and instructions"},
    {"strace", LOG_STRACE, "log every system call and its result"},
    {"stats", LOG_STATS, "print translation statistics at exit"},
    {"page", LOG_PAGE, "log guest memory map changes"},
};
#define LOG_NITEMS (sizeof(log_items) / sizeof(log_items[0]))

static FILE *log_out(void)
{
    return log_file ? log_file : stderr;
}

/* "all" is accepted too (every item), as qemu does with "-d all"-like sets. */
bool log_parse_items(const char *s, unsigned *mask, const char **bad)
{
    static char badbuf[64];
    unsigned m = 0;
    const char *p = s;

    while (*p) {
        size_t n = strcspn(p, ",");
        bool found = false;
        if (n == 3 && strncmp(p, "all", 3) == 0) {
            for (size_t i = 0; i < LOG_NITEMS; i++)
                m |= log_items[i].mask;
            found = true;
        }
        for (size_t i = 0; !found && i < LOG_NITEMS; i++) {
            if (strlen(log_items[i].name) == n && strncmp(p, log_items[i].name, n) == 0) {
                m |= log_items[i].mask;
                found = true;
            }
        }
        if (!found && n > 0) {
            snprintf(badbuf, sizeof(badbuf), "%.*s", (int)(n < 63 ? n : 63), p);
            if (bad)
                *bad = badbuf;
            return false;
        }
        p += n;
        if (*p == ',')
            p++;
    }
    *mask = m;
    return true;
}

void log_print_help(FILE *f)
{
    fprintf(f, "Log items (comma separated):\n");
    for (size_t i = 0; i < LOG_NITEMS; i++)
        fprintf(f, "%-10s %s\n", log_items[i].name, log_items[i].help);
    fprintf(f, "%-10s %s\n", "all", "every item above");
}

bool log_set_file(const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return false;
    setvbuf(f, NULL, _IOLBF, 0);
    if (log_file && log_file != stderr)
        fclose(log_file);
    log_file = f;
    return true;
}

void xlat_log(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(log_out(), fmt, ap);
    va_end(ap);
}

/* Fallback when Capstone is unusable or gives up on some bytes. */
static void log_disas_bytes(const uint8_t *p, size_t size, unsigned long addr)
{
    FILE *f = log_out();
    for (size_t i = 0; i < size; i++)
        fprintf(f, "0x%08lx:  .byte 0x%02x\n", addr + i, p[i]);
}

void log_disas(const void *code, size_t size, unsigned long addr, bool host64)
{
    FILE *f = log_out();
    const uint8_t *p = code;
    csh h;
    cs_insn *insn;

    if (cs_open(CS_ARCH_X86, host64 ? CS_MODE_64 : CS_MODE_32, &h) != CS_ERR_OK) {
        log_disas_bytes(p, size, addr);
        return;
    }
    insn = cs_malloc(h);
    while (size > 0) {
        const uint8_t *cur = p;
        size_t left = size;
        uint64_t a = addr;
        if (!cs_disasm_iter(h, &cur, &left, &a, insn)) {
            /* undecodable byte: show it and resynchronise on the next one */
            log_disas_bytes(p, 1, addr);
            p++, size--, addr++;
            continue;
        }
        fprintf(f, "0x%08lx:  %s%s%s\n", addr, insn->mnemonic, insn->op_str[0] ? " " : "",
                insn->op_str);
        size_t n = (size_t)(cur - p);
        p = cur, size -= n, addr += n;
    }
    fprintf(f, "\n");
    cs_free(insn, 1);
    cs_close(&h);
}
