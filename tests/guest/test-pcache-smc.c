/*
 * test-pcache-smc.c - self-modifying code in the program's own text, run
 * twice: the second phase (the program execs itself, and xlat writes its
 * translation cache before the exec) finds the first phase's translations
 * of these functions in the cache file (src/exec/pcache.c).  A block loaded
 * from the file must be watched for writes exactly as a translated one, and
 * bytes patched before the first call must not match a stored block.
 *  - smc_patch_after: called, patched, called again (a loaded block is
 *    invalidated by the write);
 *  - smc_patch_before: patched before its first call in each phase, with
 *    another value in each (the stored block is stale);
 *  - smc_loop: a loop calling a function whose immediate it changes.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

__asm__(".text\n"
        ".p2align 12\n"
        ".globl smc_patch_after\n"
        "smc_patch_after:\n"
        "    movl $0x1234, %eax\n"
        "    ret\n"
        ".p2align 4\n"
        ".globl smc_patch_before\n"
        "smc_patch_before:\n"
        "    movl $0x5555, %eax\n"
        "    ret\n"
        ".p2align 4\n"
        ".globl smc_counter\n"
        "smc_counter:\n"
        "    movl $0, %eax\n"
        "    addl 4(%esp), %eax\n"
        "    ret\n"
        ".p2align 12\n");

uint32_t smc_patch_after(void);
uint32_t smc_patch_before(void);
uint32_t smc_counter(uint32_t x);

static void set_imm(void *fn, uint32_t v)
{
    memcpy((uint8_t *)fn + 1, &v, 4);
}

static void check(int phase, const char *what, uint32_t got, uint32_t want)
{
    printf("phase %d %s: %s\n", phase, what, got == want ? "ok" : "WRONG");
}

static void run_phase(int phase)
{
    void *page = (void *)((uintptr_t)(void *)smc_patch_after & ~(uintptr_t)4095);
    if (mprotect(page, 4096, PROT_READ | PROT_WRITE | PROT_EXEC) != 0) {
        perror("mprotect");
        exit(1);
    }
    check(phase, "before patch", smc_patch_after(), 0x1234);
    set_imm((void *)smc_patch_after, 0x4321 + (uint32_t)phase);
    check(phase, "after patch", smc_patch_after(), 0x4321 + (uint32_t)phase);

    set_imm((void *)smc_patch_before, 0x7000 + (uint32_t)phase);
    check(phase, "patched before the first call", smc_patch_before(), 0x7000 + (uint32_t)phase);

    uint32_t sum = 0, want = 0;
    for (uint32_t i = 0; i < 100; i++) {
        set_imm((void *)smc_counter, i * 3);
        sum = sum * 7 + smc_counter(i);
        want = want * 7 + i * 4;
    }
    check(phase, "loop", sum, want);
    fflush(stdout);
}

int main(int argc, char **argv)
{
    int phase = argc > 1 ? atoi(argv[1]) : 0;
    run_phase(phase);
    if (phase == 0) {
        char *args[] = {argv[0], "1", NULL};
        execv("/proc/self/exe", args);
        perror("execv");
        return 1;
    }
    return 0;
}
