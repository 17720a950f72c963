/*
 * xlat-i386.c - the main program: run a static 32-bit x86 Linux program.
 *
 *   xlat-i386 [options] program [args...]
 *
 * Options follow qemu-user (qemu-i386) habits: single or double dash, each
 * with a matching XLAT_* environment variable.  The environment is read
 * first and the command line overrides it; parsing stops at the first
 * argument that is not an option (the program), so the guest's own options
 * are left alone.  Every error is one line "xlat-i386: ..." and exit 1,
 * except a program that does not exist (127, as a shell would).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exec/exec.h"
#include "exec/pcache.h"
#include "linux-user/guest-mem.h"
#include "linux-user/linux-user.h"
#include "target/x86/cpuid.h"
#include "target/x86/fpu/fpu.h"
#include "target/x86/x87.h"
#include "util/log.h"

#define XLAT_VERSION       "0.1.0"
#define XLAT_DEFAULT_STACK (8u << 20)

extern char **environ;

/* ---- errors and help --------------------------------------------------- */

static _Noreturn void die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static _Noreturn void die(const char *fmt, ...)
{
    va_list ap;
    fputs("xlat-i386: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(XLAT_EXIT_BADFILE);
}

static void usage(FILE *f)
{
    fprintf(f, "usage: xlat-i386 [options] program [arguments...]\n"
               "Linux i386 user-mode emulator (dynamic binary translation), "
               "version " XLAT_VERSION "\n\n"
               "Option         Variable            Meaning\n"
               "-h, -help, --help                  print this help\n"
               "-version, --version                print the version\n"
               "-L path        XLAT_LD_PREFIX      prefix for the ELF interpreter\n"
               "-s size        XLAT_STACK_SIZE     guest stack size (k, m, g suffixes; 8M)\n"
               "-cpu model     XLAT_CPU            CPU model (-cpu help lists them)\n"
               "-d item[,...]  XLAT_LOG            log items (-d help lists them)\n"
               "-D logfile     XLAT_LOG_FILENAME   write the log to logfile, not stderr\n"
               "-strace        XLAT_STRACE         log system calls (as -d strace)\n"
               "-E var=value   XLAT_SET_ENV        set guest environment variables\n"
               "-U var         XLAT_UNSET_ENV      unset guest environment variables\n"
               "-0 argv0       XLAT_ARGV0          argv[0] seen by the program\n"
               "--backend=NAME XLAT_BACKEND        x86_64 (default) or interp;\n"
               "                                   also -backend NAME\n"
               "--fpu=NAME     XLAT_FPU            x87 arithmetic: host (default) or soft\n"
               "--tb-size=SIZE XLAT_TB_SIZE        translation cache size (k, m suffixes;\n"
               "                                   a bare number is MiB, as qemu's\n"
               "                                   tb-size; 64k..1g; default 64m)\n"
               "-perfmap       XLAT_PERFMAP        write /tmp/perf-PID.map for perf\n"
               "                                   (names generated code guest_PC)\n"
               "--tcache=MODE  XLAT_TCACHE         persistent translation cache: on\n"
               "                                   (default), off, or verify (translate\n"
               "                                   anyway and compare with the stored)\n"
               "--tcache-dir=DIR XLAT_TCACHE_DIR   its directory (default\n"
               "                                   $XDG_CACHE_HOME/xlat or ~/.cache/xlat)\n"
               "\n"
               "Options take one or two dashes; -E, -U and their variables take\n"
               "comma-separated lists.  The command line overrides the environment.\n"
               "Exit status: the program's; 1 for a bad option or a file that is not\n"
               "an i386 ELF program; 127 when the program does not exist.\n");
}

/* ---- the guest environment ---------------------------------------------- */

typedef struct EnvList {
    char **v;
    size_t n, cap;
} EnvList;

static void env_init(EnvList *e)
{
    e->n = 0;
    e->cap = 16;
    for (char **p = environ; p && *p; p++)
        e->cap++;
    e->v = calloc(e->cap, sizeof(char *));
    if (!e->v)
        die("out of memory");
    for (char **p = environ; p && *p; p++)
        e->v[e->n++] = *p;
}

static size_t env_find(const EnvList *e, const char *name, size_t len)
{
    for (size_t i = 0; i < e->n; i++)
        if (strncmp(e->v[i], name, len) == 0 && e->v[i][len] == '=')
            return i;
    return e->n;
}

static void env_unset(EnvList *e, const char *name)
{
    size_t i = env_find(e, name, strlen(name));
    if (i < e->n) {
        memmove(&e->v[i], &e->v[i + 1], (e->n - i - 1) * sizeof(char *));
        e->n--;
    }
}

static void env_set(EnvList *e, char *assign)
{
    char *eq = strchr(assign, '=');
    if (!eq || eq == assign)
        die("bad environment assignment '%s' (want VAR=value)", assign);
    size_t i = env_find(e, assign, (size_t)(eq - assign));
    if (i < e->n) {
        e->v[i] = assign;
        return;
    }
    if (e->n + 1 >= e->cap) {
        e->cap *= 2;
        e->v = realloc(e->v, e->cap * sizeof(char *));
        if (!e->v)
            die("out of memory");
    }
    e->v[e->n++] = assign;
    e->v[e->n] = NULL;
}

/* -E and -U take comma-separated lists, like qemu's QEMU_SET_ENV. */
static void env_apply_list(EnvList *e, const char *list, bool set)
{
    char *copy = strdup(list), *p = copy, *tok;
    if (!copy)
        die("out of memory");
    while ((tok = strsep(&p, ",")) != NULL) {
        if (!*tok)
            continue;
        if (set)
            env_set(e, tok);
        else
            env_unset(e, tok);
    }
    /* copy stays allocated: the guest environment points into it */
}

/* ---- option values ------------------------------------------------------ */

typedef struct Config {
    LuOptions lu;
    EnvList env;
    const char *cpu_model;
    const char *log_items;
    const char *log_filename;
    const char *backend_name;
    bool strace;
} Config;

static uint32_t parse_size(const char *s)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno || end == s || *s == '-')
        die("invalid stack size '%s'", s);
    switch (*end) {
    case 'k':
    case 'K':
        v <<= 10;
        end++;
        break;
    case 'm':
    case 'M':
        v <<= 20;
        end++;
        break;
    case 'g':
    case 'G':
        v <<= 30;
        end++;
        break;
    default:
        break;
    }
    if (*end || v == 0 || v > 0xc0000000ull)
        die("invalid stack size '%s'", s);
    return (uint32_t)v;
}

/* --tb-size: k/m/g suffixes, a bare number in MiB (qemu's tb-size unit). */
static void set_tb_size(const char *s)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno || end == s || *s == '-')
        die("invalid translation cache size '%s'", s);
    unsigned shift = 20;
    if (*end == 'k' || *end == 'K')
        shift = 10, end++;
    else if (*end == 'm' || *end == 'M')
        end++;
    else if (*end == 'g' || *end == 'G')
        shift = 30, end++;
    if (*end || v > (TB_SIZE_MAX >> shift) || (v << shift) < TB_SIZE_MIN)
        die("invalid translation cache size '%s' (64k to 1g)", s);
    tb_size_limit = (uint32_t)(v << shift);
}

static void set_backend(Config *c, const char *name)
{
    if (strcmp(name, "x86_64") != 0 && strcmp(name, "interp") != 0)
        die("unknown backend '%s' (x86_64 or interp)", name);
    c->backend_name = name;
}

/* --tcache=on|off|verify */
static void set_tcache(const char *mode)
{
    if (!strcmp(mode, "on"))
        pcache_mode = PCACHE_ON;
    else if (!strcmp(mode, "off"))
        pcache_mode = PCACHE_OFF;
    else if (!strcmp(mode, "verify"))
        pcache_mode = PCACHE_VERIFY;
    else
        die("unknown translation cache mode '%s' (on, off or verify)", mode);
}

static void read_environment(Config *c)
{
    const char *v;
    if ((v = getenv("XLAT_LD_PREFIX")))
        c->lu.ld_prefix = v;
    if ((v = getenv("XLAT_STACK_SIZE")))
        c->lu.stack_size = parse_size(v);
    if ((v = getenv("XLAT_CPU")))
        c->cpu_model = v;
    if ((v = getenv("XLAT_LOG")))
        c->log_items = v;
    if ((v = getenv("XLAT_LOG_FILENAME")))
        c->log_filename = v;
    if ((v = getenv("XLAT_STRACE")))
        c->strace = true;
    if ((v = getenv("XLAT_ARGV0")))
        c->lu.argv0 = v;
    if ((v = getenv("XLAT_BACKEND")))
        set_backend(c, v);
    if ((v = getenv("XLAT_TB_SIZE")))
        set_tb_size(v);
    if ((v = getenv("XLAT_PERFMAP")) && *v && strcmp(v, "0") != 0)
        tb_perfmap = true;
    if ((v = getenv("XLAT_FPU")) && !fpu_select(v))
        die("unknown or unavailable fpu '%s' (host or soft)", v);
    if ((v = getenv("XLAT_TCACHE")) && *v)
        set_tcache(v);
    if ((v = getenv("XLAT_TCACHE_DIR")) && *v)
        pcache_dir = v;
    if ((v = getenv("XLAT_SET_ENV")))
        env_apply_list(&c->env, v, true);
    if ((v = getenv("XLAT_UNSET_ENV")))
        env_apply_list(&c->env, v, false);
}

/* ---- the command line ---------------------------------------------------- */

/* Returns the index of the program argument. */
static int parse_args(Config *c, int argc, char **argv)
{
    int i = 1;
    while (i < argc && argv[i][0] == '-' && argv[i][1]) {
        const char *opt = argv[i] + 1;
        if (*opt == '-')
            opt++;
        i++;
        if (*opt == 0) /* "--" ends the options */
            break;
        if (!strcmp(opt, "h") || !strcmp(opt, "help")) {
            usage(stdout);
            exit(0);
        }
        if (!strcmp(opt, "version")) {
            printf("xlat-i386 version " XLAT_VERSION "\n");
            exit(0);
        }
        if (!strcmp(opt, "strace")) {
            c->strace = true;
            continue;
        }
        if (!strcmp(opt, "perfmap")) {
            tb_perfmap = true;
            continue;
        }
        if (!strncmp(opt, "backend=", 8)) {
            set_backend(c, opt + 8);
            continue;
        }
        if (!strncmp(opt, "tcache=", 7)) {
            set_tcache(opt + 7);
            continue;
        }
        if (!strncmp(opt, "tcache-dir=", 11)) {
            pcache_dir = opt + 11;
            continue;
        }
        if (!strncmp(opt, "tb-size=", 8)) {
            set_tb_size(opt + 8);
            continue;
        }
        if (!strncmp(opt, "fpu=", 4)) {
            if (!fpu_select(opt + 4))
                die("unknown or unavailable fpu '%s' (host or soft)", opt + 4);
            continue;
        }
        static const char *const with_arg[] = {"L", "s", "cpu", "d",       "D",
                                               "E", "U", "0",   "backend", "tb-size"};
        size_t k, nk = sizeof(with_arg) / sizeof(with_arg[0]);
        for (k = 0; k < nk && strcmp(opt, with_arg[k]) != 0; k++)
            ;
        if (k == nk)
            die("unknown option '%s' (see -h)", argv[i - 1]);
        if (i >= argc)
            die("option '%s' needs an argument", argv[i - 1]);
        const char *arg = argv[i++];
        switch (k) {
        case 0:
            c->lu.ld_prefix = arg;
            break;
        case 1:
            c->lu.stack_size = parse_size(arg);
            break;
        case 2:
            c->cpu_model = arg;
            break;
        case 3:
            c->log_items = arg;
            break;
        case 4:
            c->log_filename = arg;
            break;
        case 5:
            env_apply_list(&c->env, arg, true);
            break;
        case 6:
            env_apply_list(&c->env, arg, false);
            break;
        case 7:
            c->lu.argv0 = arg;
            break;
        case 8:
            set_backend(c, arg);
            break;
        default:
            set_tb_size(arg);
            break;
        }
    }
    return i;
}

/* Act on -cpu, -d, -D, -strace once all sources are read. */
static void apply_config(Config *c)
{
    if (c->cpu_model && !strcmp(c->cpu_model, "help")) {
        x86_cpu_list(stdout);
        exit(0);
    }
    if (c->cpu_model && !x86_cpu_select(c->cpu_model))
        die("unknown CPU model '%s' (see -cpu help)", c->cpu_model);
    if (c->log_items) {
        const char *bad = NULL;
        unsigned mask;
        if (!strcmp(c->log_items, "help")) {
            log_print_help(stdout);
            exit(0);
        }
        if (!log_parse_items(c->log_items, &mask, &bad))
            die("unknown log item '%s' (see -d help)", bad ? bad : c->log_items);
        log_mask |= mask;
    }
    if (c->strace)
        log_mask |= LOG_STRACE;
    if (c->log_filename && !log_set_file(c->log_filename))
        die("cannot open log file %s: %s", c->log_filename, strerror(errno));
    backend =
        (c->backend_name && !strcmp(c->backend_name, "interp")) ? &backend_interp : &backend_x86_64;
}

/* Guest argv: the program's arguments, argv[0] replaced by -0 if given. */
static void set_guest_args(Config *c, int argc, char **argv, int prog)
{
    int n = argc - prog;
    char **gargv = calloc((size_t)n + 1, sizeof(char *));
    if (!gargv)
        die("out of memory");
    for (int k = 0; k < n; k++)
        gargv[k] = argv[prog + k];
    if (c->lu.argv0)
        gargv[0] = (char *)c->lu.argv0;
    c->lu.exe_path = argv[prog];
    c->lu.argc = n;
    c->lu.argv = gargv;
    c->lu.envp = c->env.v;
}

static CPUX86State *cpu_create(void)
{
    /* the struct asks for 64-byte alignment (fp_area), more than calloc's */
    size_t size = (sizeof(CPUX86State) + 63) & ~(size_t)63;
    CPUX86State *env = aligned_alloc(64, size);
    if (env)
        memset(env, 0, size);
    if (!env || !(env->jmp_cache = calloc(TB_JMP_CACHE_SIZE, sizeof(TB *))))
        die("out of memory");
    tb_jmp_cache_prefault(env->jmp_cache); /* in one go: see tb.c */
    env->guest_base = guest_base;
    env->df = 1;
    x87_reset(env);
    return env;
}

/* -d stats also when the guest ends through exit() rather than lu_exit */
static void print_stats_at_exit(void)
{
    exec_stats_print();
}

int main(int argc, char **argv)
{
    static Config c;
    LuImage img;
    char err[256] = "";

    log_file = stderr;
    c.lu.stack_size = XLAT_DEFAULT_STACK;
    env_init(&c.env);
    read_environment(&c);
    int prog = parse_args(&c, argc, argv);
    apply_config(&c);
    if (prog >= argc)
        die("no program given (see -h)");
    set_guest_args(&c, argc, argv, prog);

    if (!guest_mem_init())
        die("cannot reserve the 4 GiB guest address space");
    lu_signal_init();
    memset(&img, 0, sizeof(img));
    int rc = lu_load_elf(c.lu.exe_path, &c.lu, &img, err, sizeof(err));
    if (rc != 0) {
        fprintf(stderr, "xlat-i386: %s: %s\n", c.lu.exe_path, err[0] ? err : "cannot load");
        return rc;
    }
    CPUX86State *env = cpu_create();
    lu_thread_env = env;
    if (!lu_setup_process(env, &c.lu, &img))
        die("%s: cannot set up the process", c.lu.exe_path);
    if (log_enabled(LOG_STATS))
        atexit(print_stats_at_exit);
    tb_init();
    backend->init();
    pcache_open(c.lu.exe_path);
    cpu_exec(env);
    lu_exit(0);
}
