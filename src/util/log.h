/*
 * log.h - the -d / -D log (qemu-user habits).  Items are bits of log_mask;
 * xlat_log() writes to the -D file or stderr.
 */
#ifndef XLAT_UTIL_LOG_H
#define XLAT_UTIL_LOG_H

#include <stdbool.h>
#include <stdio.h>

enum {
    LOG_IN_ASM = 1u << 0,  /* guest code of each new TB (Capstone) */
    LOG_OP = 1u << 1,      /* IR after translation */
    LOG_OP_OPT = 1u << 2,  /* IR after the optimizer */
    LOG_OUT_ASM = 1u << 3, /* host code (Capstone) */
    LOG_EXEC = 1u << 4,    /* each TB executed (exec loop entries) */
    LOG_UNIMP = 1u << 5,   /* unimplemented syscalls, ioctls, instructions */
    LOG_STRACE = 1u << 6,  /* syscalls and results */
    LOG_STATS = 1u << 7,   /* translation statistics at exit */
    LOG_PAGE = 1u << 8,    /* guest memory map changes */
};

extern unsigned log_mask;
extern FILE *log_file;     /* stderr unless -D */

/* Parse "in_asm,op" into a mask; returns false and names the bad item. */
bool log_parse_items(const char *s, unsigned *mask, const char **bad);
void log_print_help(FILE *f);
bool log_set_file(const char *path);
void xlat_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static inline bool log_enabled(unsigned item) { return (log_mask & item) != 0; }

/* Disassemble with Capstone into the log: guest (i386) or host (x86-64). */
void log_disas(const void *code, size_t size, unsigned long addr, bool host64);

#endif
