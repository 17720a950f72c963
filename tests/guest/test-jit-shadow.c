/*
 * test-jit-shadow.c - guest calls and returns that do not pair up, for the
 * x86-64 emitter's return prediction (a shadow stack of host calls, which
 * must never change what the guest sees):
 *  - recursion deeper than the shadow stack (4095 entries), direct and
 *    through function pointers, with results checked at every level;
 *  - longjmp out of deep recursion, then ordinary calls again;
 *  - a function that returns to another address than its caller's;
 *  - calls that never return (the callee drops its return address and
 *    jumps back), many more than the shadow stack holds;
 *  - a signal handler that runs and returns in the middle of recursion;
 *  - two threads recursing at once.
 */
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static volatile int sink;

__attribute__((noinline)) static uint32_t rec(uint32_t n)
{
    if (n == 0)
        return 1;
    uint32_t r = rec(n - 1);
    return r * 31 + n + (uint32_t)sink;
}

typedef uint32_t (*recfn)(uint32_t, const void *);
__attribute__((noinline)) static uint32_t rec_ptr(uint32_t n, const void *self)
{
    if (n == 0)
        return 7;
    recfn f = (recfn)self;
    return f(n - 1, self) ^ (n * 2654435761u);
}

static jmp_buf jb;
__attribute__((noinline)) static void rec_jump(int n)
{
    if (n == 0)
        longjmp(jb, 1);
    rec_jump(n - 1);
    sink++;
}

/* returns to the address after `elsewhere`'s call site: the caller's own
 * return address is replaced by the one of the caller's caller */
extern uint32_t skip_frame(void);
extern uint32_t call_skip(void);
__asm__(".text\n"
        "call_skip:\n"
        "  call skip_frame\n"
        "  mov $111, %eax\n" /* skipped */
        "  ret\n"
        "skip_frame:\n"
        "  add $4, %esp\n" /* drop our return address: return to call_skip's caller */
        "  mov $222, %eax\n"
        "  ret\n");

/* a call that never returns: the callee pops its return address and
 * jumps back; n times in a loop, then one ordinary call */
extern uint32_t no_return_loop(uint32_t n);
__asm__(".text\n"
        "no_return_loop:\n"
        "  mov 4(%esp), %ecx\n"
        "  xor %eax, %eax\n"
        "1:\n"
        "  call 2f\n"
        "  jmp 3f\n"
        "2:\n"
        "  add $4, %esp\n"
        "  add $3, %eax\n"
        "  loop 1b\n"
        "  ret\n"
        "3:\n"
        "  mov $-1, %eax\n" /* never reached */
        "  ret\n");

static volatile int in_handler;
static void on_usr1(int sig)
{
    in_handler = rec(50) & 0xff;
}

__attribute__((noinline)) static uint32_t rec_signal(uint32_t n)
{
    if (n == 0) {
        raise(SIGUSR1);
        return (uint32_t)in_handler;
    }
    return rec_signal(n - 1) + n;
}

static void *thread_main(void *arg)
{
    uintptr_t k = (uintptr_t)arg;
    uint32_t r = 0;
    for (int i = 0; i < 20; i++)
        r += rec(9000 + (uint32_t)k * 100);
    return (void *)(uintptr_t)r;
}

int main(void)
{
    for (uint32_t n = 1000; n <= 30000; n += 7250)
        printf("rec(%u) = %08x\n", n, rec(n));
    printf("rec_ptr(20000) = %08x\n", rec_ptr(20000, (const void *)rec_ptr));
    for (int i = 0; i < 5; i++) {
        if (!setjmp(jb))
            rec_jump(3000 + i * 2000);
        printf("longjmp %d: rec(100) = %08x\n", i, rec(100));
    }
    for (int i = 0; i < 3; i++)
        printf("skip_frame: %u\n", call_skip());
    printf("no_return_loop(10000) = %u, then rec(10) = %08x\n", no_return_loop(10000), rec(10));
    printf("no_return_loop(3) = %u\n", no_return_loop(3));
    signal(SIGUSR1, on_usr1);
    printf("rec_signal(5000) = %u\n", rec_signal(5000));
    pthread_t th[2];
    for (uintptr_t k = 0; k < 2; k++)
        pthread_create(&th[k], NULL, thread_main, (void *)k);
    for (int k = 0; k < 2; k++) {
        void *r;
        pthread_join(th[k], &r);
        printf("thread %d: %08x\n", k, (uint32_t)(uintptr_t)r);
    }
    return 0;
}
