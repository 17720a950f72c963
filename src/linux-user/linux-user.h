/*
 * linux-user.h - what the rest of xlat uses from the Linux user-mode layer:
 * loading an i386 ELF program, building its stack, running its system calls
 * and giving it signals.
 */
#ifndef XLAT_LINUX_USER_LINUX_USER_H
#define XLAT_LINUX_USER_LINUX_USER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "target/x86/cpu.h"

/* Exit statuses of xlat-i386 itself (documented in README). */
#define XLAT_EXIT_BADFILE 1   /* not a loadable i386 ELF, bad option */
#define XLAT_EXIT_NOFILE 127  /* program not found */

/* Options that shape the guest process (filled by main from the command
 * line and XLAT_* variables). */
typedef struct LuOptions {
    const char *ld_prefix;    /* -L */
    uint32_t stack_size;      /* -s (bytes) */
    const char *argv0;        /* -0: argv[0] seen by the guest, or NULL */
    const char *exe_path;     /* the program file */
    int argc;
    char **argv;              /* guest argv (argv[0] replaced by argv0 if set) */
    char **envp;              /* guest environment (after -E / -U) */
} LuOptions;

/* The loaded image. */
typedef struct LuImage {
    uint32_t entry;           /* where the guest starts (interpreter's entry if any) */
    uint32_t exe_entry;       /* AT_ENTRY */
    uint32_t phdr, phnum, phent; /* AT_PHDR/AT_PHNUM/AT_PHENT */
    uint32_t load_bias;       /* for ET_DYN */
    uint32_t interp_base;     /* AT_BASE (0 if static) */
    uint32_t start_brk;       /* end of the highest PT_LOAD (page aligned) */
    uint32_t stack_top;
} LuImage;

/* Load the ELF program at path.  On failure returns XLAT_EXIT_BADFILE or
 * XLAT_EXIT_NOFILE and puts a one-line reason (without the file name) in
 * err; never crashes on bad input.  Returns 0 on success. */
int lu_load_elf(const char *path, const LuOptions *opt, LuImage *img, char *err, size_t errlen);
/* Load from a memory buffer (used by the ELF fuzzer); same contract. */
int lu_load_elf_buffer(const uint8_t *data, size_t size, const LuOptions *opt, LuImage *img,
                       char *err, size_t errlen);
/* Build the initial stack (argv, envp, auxv); sets env->regs[R_ESP] and
 * the initial register state of the process. */
bool lu_setup_process(CPUX86State *env, const LuOptions *opt, LuImage *img);

/* int 0x80 with the registers in env (EIP already past the int). */
void lu_do_syscall(CPUX86State *env);
/* Deliver env->exc_signo (a synchronous guest fault or trap) to the guest:
 * run its handler or take the default action (which may end the process with
 * that very signal, as natively). */
void lu_handle_exception(CPUX86State *env);
/* The exec loop saw env->exit_request set (and cleared it): deliver the
 * guest signals queued by host signal handlers, building their frames on the
 * guest stack at env->eip.  Does nothing if none is pending or all are
 * blocked (they stay queued).  May end the process (default actions). */
void lu_process_pending_signals(CPUX86State *env);

/* Install host handlers (SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP) that turn
 * faults in generated code into guest signals. */
void lu_signal_init(void);

/* The guest CPU of the calling host thread (for signal handlers). */
extern __thread CPUX86State *lu_thread_env;
/* Set while the thread runs guest code (generated code or helpers called from
 * it): a fault then belongs to the guest. */
extern __thread volatile int lu_in_guest;

/* End the process: exit status `code` after flushing logs and stats. */
_Noreturn void lu_exit(int code);

/* The base of the TLS descriptor that segment selector sel names (GDT
 * entries 6..8 set by set_thread_area, RPL 3, TI=0); false if sel is not
 * such a present entry.  Called by the translator's mov-to-segment helper. */
bool lu_tls_lookup(CPUX86State *env, uint16_t sel, uint32_t *base);

#endif
