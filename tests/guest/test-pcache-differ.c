/*
 * test-pcache-differ.c - code at the same guest address differs from one
 * run to the next: a run must never execute what an earlier run stored
 * for other bytes (xlat's persistent translation cache, src/exec/pcache.c).
 *
 * The program runs in two phases: phase 0 builds code in a fixed RWX
 * mapping, runs it, then execs itself (xlat writes its cache file before
 * the exec) into phase 1, which builds different code at the same
 * addresses; the new xlat finds the first phase's blocks in the file.  What
 * differs:
 *  - a block's own bytes (mov eax, imm32; ret with another immediate);
 *  - only the bytes of an inlined PIC thunk on another page (mov eax, [esp]
 *    vs mov ecx, [esp]) that a call in an unchanged block reaches;
 *  - whether the page after a block that ends with an instruction spilling
 *    into it is executable (a fault in one phase, a result in the other);
 *  - the target of a call that ends a block: "mov eax, [esp]; nop; ret"
 *    in phase 0, a PIC thunk in phase 1 (which the translator inlines into
 *    the calling block: the same result, other code; tests/unit/
 *    test-pcache.sh runs this program with --tcache=verify).
 * Each check prints only whether the result is the one the bytes ask for.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define BASE 0x30000000u

static sigjmp_buf fault_jmp;

static void on_segv(int sig)
{
    (void)sig;
    siglongjmp(fault_jmp, 1);
}

/* mov eax, imm32; ret */
static void put_mov_ret(uint8_t *p, uint32_t imm)
{
    p[0] = 0xb8;
    memcpy(p + 1, &imm, 4);
    p[5] = 0xc3;
}

static void check_immediate(uint8_t *code, int phase)
{
    uint32_t want = 0x11110000u + (uint32_t)phase * 0x1234u;
    put_mov_ret(code, want);
    uint32_t got = ((uint32_t(*)(void))(void *)code)();
    printf("phase %d immediate: %s\n", phase, got == want ? "ok" : "STALE CODE");
}

/* xor eax, eax; xor ecx, ecx; call thunk; ret - the thunk (next page)
 * loads the return address into eax in phase 0, into ecx in phase 1. */
static void check_thunk(uint8_t *code, int phase)
{
    uint8_t *f = code + 0x100, *thunk = code + 0x1000;
    static const uint8_t body[] = {0x31, 0xc0, 0x31, 0xc9, 0xe8, 0, 0, 0, 0, 0xc3};
    memcpy(f, body, sizeof(body));
    int32_t rel = (int32_t)(thunk - (f + 9));
    memcpy(f + 5, &rel, 4);
    thunk[0] = 0x8b;
    thunk[1] = phase == 0 ? 0x04 : 0x0c; /* eax : ecx */
    thunk[2] = 0x24;
    thunk[3] = 0xc3;
    uint32_t got = ((uint32_t(*)(void))(void *)f)();
    uint32_t want = phase == 0 ? (uint32_t)(uintptr_t)(f + 9) : 0;
    printf("phase %d thunk: %s\n", phase, got == want ? "ok" : "STALE CODE");
}

/* mov eax, 1 at the end of page 2, then mov eax, 0x12345678 spilling
 * into page 3 and a ret there; page 3 is executable only in phase 0.  Run
 * from its start, and from the spilling instruction (whose block is a
 * fetch fault in phase 1, and must not be one in phase 0). */
static void check_spill(uint8_t *code, int phase, int from)
{
    uint8_t *p2 = code + 0x2000, *p3 = code + 0x3000;
    mprotect(p3, 4096, PROT_READ | PROT_WRITE | PROT_EXEC);
    uint8_t *f = p3 - 6;
    static const uint8_t body[] = {0xb8, 1, 0, 0, 0, 0xb8, 0x78, 0x56, 0x34, 0x12, 0xc3};
    memcpy(f, body, sizeof(body));
    (void)p2;
    mprotect(p3, 4096, phase == 0 ? PROT_READ | PROT_EXEC : PROT_READ);
    signal(SIGSEGV, on_segv);
    const char *res;
    if (sigsetjmp(fault_jmp, 1)) {
        res = phase == 1 ? "ok (fault)" : "WRONG (fault)";
    } else {
        uint32_t got = ((uint32_t(*)(void))(void *)(f + from))();
        res = phase == 0 && got == 0x12345678 ? "ok" : "WRONG (no fault)";
    }
    signal(SIGSEGV, SIG_DFL);
    printf("phase %d spill from +%d: %s\n", phase, from, res);
}

/* mov eax, 7; call target; ret - target returns eax = its return address */
static void check_call_target(uint8_t *code, int phase)
{
    uint8_t *f = code + 0x200, *target = code + 0x300;
    static const uint8_t body[] = {0xb8, 7, 0, 0, 0, 0xe8, 0, 0, 0, 0, 0xc3};
    memcpy(f, body, sizeof(body));
    int32_t rel = (int32_t)(target - (f + 10));
    memcpy(f + 6, &rel, 4);
    static const uint8_t plain[] = {0x8b, 0x04, 0x24, 0x90, 0xc3}, thunk[] = {0x8b, 0x04, 0x24, 0xc3};
    memset(target, 0xcc, 8);
    if (phase == 0)
        memcpy(target, plain, sizeof(plain));
    else
        memcpy(target, thunk, sizeof(thunk));
    uint32_t got = ((uint32_t(*)(void))(void *)f)();
    printf("phase %d call target: %s\n", phase,
           got == (uint32_t)(uintptr_t)(f + 10) ? "ok" : "WRONG");
}

static void run_phase(int phase)
{
    uint8_t *code = mmap((void *)(uintptr_t)BASE, 0x4000, PROT_READ | PROT_WRITE | PROT_EXEC,
                         MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    if (code == MAP_FAILED) {
        perror("mmap");
        exit(1);
    }
    check_immediate(code, phase);
    check_thunk(code, phase);
    check_spill(code, phase, 0);
    check_spill(code, phase, 5);
    check_call_target(code, phase);
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
