/*
 * stats.c - counters of the translation cache and exec loop, printed at exit
 * with -d stats.  The counters are plain increments on the hot paths (no
 * atomics: one guest thread for now); helper_calls is counted by backends
 * that choose to.  exec_stats_print() prints once, whoever calls it first.
 */
#include "exec/exec.h"
#include "exec/pcache.h"
#include "util/log.h"

ExecStats exec_stats;

/* The persistent translation cache (pcache.c): blocks loaded instead of
 * translated, and the stored ones it did not use, by reason. */
static void exec_stats_print_pcache(void)
{
    static const char *const state[] = {"off", "no file yet", "file", "bad file (replaced)"};
    const PcacheStats *p = &pcache_stats;
    xlat_log("  translation cache file: %s", state[p->file_state & 3]);
    if (p->file_state == 2)
        xlat_log(" (%u blocks)", p->file_records);
    xlat_log("\n");
    if (!p->file_state)
        return;
    xlat_log("  blocks loaded      %llu\n", (unsigned long long)p->loaded);
    xlat_log("  stored not used    stale %llu, bad %llu, other mode %llu, relocation %llu\n",
             (unsigned long long)p->rej_stale, (unsigned long long)p->rej_bad,
             (unsigned long long)p->rej_mode, (unsigned long long)p->rej_reloc);
    if (p->verified || p->rej_verify)
        xlat_log("  verified           %llu same, %llu differ\n", (unsigned long long)p->verified,
                 (unsigned long long)p->rej_verify);
    xlat_log("  blocks to store    %llu (%llu not storable)\n", (unsigned long long)p->noted,
             (unsigned long long)p->not_stored);
}

void exec_stats_print(void)
{
    static bool printed;
    const ExecStats *s = &exec_stats;

    /* main's atexit hook and lu_exit may both ask: print once */
    if (printed)
        return;
    printed = true;
    uint64_t ntb = s->tbs_translated ? s->tbs_translated : 1;
    uint64_t gb = s->guest_bytes ? s->guest_bytes : 1;

    xlat_log("Translation statistics (backend %s):\n", backend ? backend->name : "none");
    xlat_log("  blocks translated  %llu\n", (unsigned long long)s->tbs_translated);
    xlat_log("  guest bytes        %llu (%llu per block)\n", (unsigned long long)s->guest_bytes,
             (unsigned long long)(s->guest_bytes / ntb));
    xlat_log("  host bytes         %llu (%llu.%02llu per guest byte)\n",
             (unsigned long long)s->host_bytes, (unsigned long long)(s->host_bytes / gb),
             (unsigned long long)(s->host_bytes * 100 / gb % 100));
    xlat_log("  translation time   %llu.%03llu ms (%llu ns per block)\n",
             (unsigned long long)(s->translate_ns / 1000000),
             (unsigned long long)(s->translate_ns / 1000 % 1000),
             (unsigned long long)(s->translate_ns / ntb));
    xlat_log("  guest insns        %llu (%llu.%02llu per block)\n",
             (unsigned long long)s->guest_insns, (unsigned long long)(s->guest_insns / ntb),
             (unsigned long long)(s->guest_insns * 100 / ntb % 100));
    exec_stats_print_pcache();
    xlat_log("  exits to the loop  %llu\n", (unsigned long long)s->exits);
    static const char *const why[] = {"normal (indirect miss, exit request)", "chain", "syscall",
                                      "exception", "halt"};
    for (unsigned r = 0; r < sizeof(why) / sizeof(why[0]); r++)
        if (s->exit_reason[r])
            xlat_log("    %-36s %llu\n", why[r], (unsigned long long)s->exit_reason[r]);
    xlat_log("  exit requests      %llu\n", (unsigned long long)s->exit_requests);
    uint64_t probes = s->loop_jc_hits + s->loop_jc_misses;
    xlat_log("  loop jump cache    %llu hits of %llu (%llu%%)\n",
             (unsigned long long)s->loop_jc_hits, (unsigned long long)probes,
             (unsigned long long)(probes ? s->loop_jc_hits * 100 / probes : 0));
    xlat_log("  chains             %llu\n", (unsigned long long)s->chains);
    xlat_log("  flushes            %llu (%llu with other threads stopped)\n",
             (unsigned long long)s->flushes, (unsigned long long)s->flush_stops);
    xlat_log("  invalidations      %llu\n", (unsigned long long)s->invalidations);
    uint64_t calls = s->helper_calls;
    for (int h = 0; h < ir_nhelpers && h < EXEC_STATS_MAX_HELPERS; h++)
        calls += s->helper_count[h];
    xlat_log("  helper calls       %llu\n", (unsigned long long)calls);
    for (int h = 0; h < ir_nhelpers && h < EXEC_STATS_MAX_HELPERS; h++)
        if (s->helper_count[h])
            xlat_log("    %-20s %llu\n", ir_helpers[h]->name,
                     (unsigned long long)s->helper_count[h]);
}
