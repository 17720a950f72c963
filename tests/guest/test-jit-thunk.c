/*
 * test-jit-thunk.c - calls to PIC thunks ("mov reg, [esp]; ret", glibc's
 * __x86.get_pc_thunk.*), which the translator inlines at the call: the
 * caller's translation then depends on the thunk's bytes, on another page.
 *
 *  - the thunk is rewritten after the caller ran (once to another thunk
 *    register, once only its last byte): the caller must see the new code;
 *  - the same with the thunk on the caller's own page;
 *  - the stack bytes the call leaves below ESP are the return address;
 *  - a call whose push faults: SIGSEGV at the call, ESP unchanged;
 *  - "call next; pop reg", the older idiom.
 * Code is written into RWX mappings, so the native run is the oracle.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>

static uint8_t *page_a, *page_b;

/* caller at `at`: push ebx; xor ebx, ebx; call thunk; mov eax, ebx; pop ebx; ret
 * returns the thunk's ebx */
static void put_caller(uint8_t *at, const uint8_t *thunk)
{
    static const uint8_t head[] = {0x53, 0x31, 0xdb, 0xe8};
    memcpy(at, head, 4);
    int32_t rel = (int32_t)(thunk - (at + 8));
    memcpy(at + 4, &rel, 4);
    static const uint8_t tail[] = {0x89, 0xd8, 0x5b, 0xc3};
    memcpy(at + 8, tail, 4);
}

static uint32_t run(const uint8_t *caller)
{
    return ((uint32_t(*)(void))(uintptr_t)caller)();
}

static void put_bytes(uint8_t *at, const char *hex)
{
    unsigned v;
    while (sscanf(hex, "%2x", &v) == 1) {
        *at++ = (uint8_t)v;
        hex += 2;
        while (*hex == ' ')
            hex++;
    }
}

static void test_rewrite(const char *what, uint8_t *caller, uint8_t *thunk)
{
    put_bytes(thunk, "8b 1c 24 c3"); /* mov ebx, [esp]; ret */
    put_caller(caller, thunk);
    uint32_t ret = (uint32_t)(uintptr_t)(caller + 8);
    for (int i = 0; i < 3; i++)
        printf("%s: thunk ebx: ret%+d\n", what, (int)(run(caller) - ret));
    /* the stack below ESP holds the return address the thunk call pushed */
    uint32_t below;
    __asm__ volatile("call *%1\n\tmov -12(%%esp), %0"
                     : "=r"(below)
                     : "r"(caller)
                     : "eax", "ecx", "edx", "memory");
    printf("%s: left below esp: caller%+d\n", what, (int)(below - (uint32_t)(uintptr_t)caller));
    put_bytes(thunk, "bb 78 56 34 12 c3"); /* mov ebx, 0x12345678; ret */
    for (int i = 0; i < 2; i++)
        printf("%s: rewritten: 0x%08x\n", what, run(caller));
    put_bytes(thunk, "8b 1c 24 c3");
    printf("%s: back: ret%+d\n", what, (int)(run(caller) - ret));
    put_bytes(thunk + 3, "43 c3"); /* mov ebx, [esp]; inc ebx; ret */
    for (int i = 0; i < 2; i++)
        printf("%s: last byte: ret%+d\n", what, (int)(run(caller) - ret));
    put_bytes(thunk, "8b 0c 24 c3"); /* mov ecx, [esp]; ret: ebx stays 0 */
    printf("%s: other register: %u\n", what, run(caller));
}

static sigjmp_buf env_fault;

static void on_segv(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    printf("SIGSEGV: addr esp-4: %d, eip: stub+%d, esp: %s\n",
           (uint32_t)(uintptr_t)si->si_addr == 0xdead0000u - 4,
           (int)(uc->uc_mcontext.gregs[REG_EIP] - (uint32_t)(uintptr_t)(page_a + 0x800)),
           (uint32_t)uc->uc_mcontext.gregs[REG_ESP] == 0xdead0000u ? "unchanged" : "moved");
    siglongjmp(env_fault, 1);
}

/* stub: mov eax, [esp+4]; mov esp, eax; call thunk (push faults) */
static void test_fault(uint8_t *thunk)
{
    uint8_t *stub = page_a + 0x800;
    put_bytes(thunk, "8b 1c 24 c3");
    put_bytes(stub, "8b 44 24 04 89 c4 e8");
    int32_t rel = (int32_t)(thunk - (stub + 11));
    memcpy(stub + 7, &rel, 4);
    stack_t ss = {.ss_sp = page_b + 0x1000, .ss_size = 0x3000};
    sigaltstack(&ss, NULL);
    struct sigaction sa = {.sa_sigaction = on_segv, .sa_flags = SA_SIGINFO | SA_ONSTACK};
    sigaction(SIGSEGV, &sa, NULL);
    munmap((void *)0xdead0000u - 0x1000, 0x1000);
    if (!sigsetjmp(env_fault, 1))
        ((void (*)(uint32_t))(uintptr_t)stub)(0xdead0000u);
    signal(SIGSEGV, SIG_DFL);
}

/* call 1f; 1: pop eax; sub eax, (1b); ret -> 0 */
static void test_call_next(void)
{
    uint8_t *code = page_a + 0xc00;
    put_bytes(code, "e8 00 00 00 00 58 c3");
    uint32_t got = run(code);
    printf("call next: eax = code%+d\n", (int)(got - (uint32_t)(uintptr_t)code));
}

int main(void)
{
    int rwx = PROT_READ | PROT_WRITE | PROT_EXEC;
    page_a = mmap(NULL, 0x1000, rwx, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    page_b = mmap(NULL, 0x4000, rwx, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (page_a == MAP_FAILED || page_b == MAP_FAILED)
        return 1;
    test_rewrite("other page", page_a, page_b + 0x100);
    test_rewrite("same page", page_a + 0x200, page_a + 0x300);
    /* a thunk that straddles a page boundary is not inlined: still right */
    test_rewrite("straddling", page_a + 0x400, page_b + 0xffe);
    test_call_next();
    test_fault(page_b + 0x100);
    return 0;
}
