// env: XLAT_TB_SIZE=64k
/*
 * test-thread-flush.c - full translation-cache flushes while other guest
 * threads run generated code.
 *
 * Under xlat the env line above shrinks the translation cache to 64 KiB;
 * natively it means nothing.  The program's code is bigger than that: 512
 * distinct functions (macro-made, each a small loop with its own
 * constants, ~150 bytes of host code each), so worker threads that walk
 * them in different orders translate continuously and the cache flushes
 * hundreds of times while the other workers are inside generated code
 * (often a long chained loop: spin()).  Meanwhile one thread sits blocked
 * in read() on a pipe and main in pthread_join (futex): a flush must not
 * wait for them.  Every worker's checksum is exact and printed, so code that
 * ran from a recycled buffer (a crash, or a wrong sum) shows up.
 * Output is deterministic: sums only, in thread order.
 */
#include <pthread.h>
#include <unistd.h>

#include "guest.h"

#define NWORKERS 4
#define ROUNDS   12

/* f_N: a few rounds of mixing with constants that differ per function, so
 * no two functions compile to the same code and none is inlined away. */
#define F(n)                                                                                       \
    static __attribute__((noinline)) uint32_t f_##n(uint32_t x)                                    \
    {                                                                                              \
        for (int i = 0; i < 3 + (n) % 5; i++)                                                      \
            x = (x ^ (x >> (1 + (n) % 13))) * (2654435761u + 2u * (n)) + (n);                      \
        return x;                                                                                  \
    }
#define F8(n)  F(n##0) F(n##1) F(n##2) F(n##3) F(n##4) F(n##5) F(n##6) F(n##7)
#define F64(n) F8(n##0) F8(n##1) F8(n##2) F8(n##3) F8(n##4) F8(n##5) F8(n##6) F8(n##7)
F64(1)
F64(2)
F64(3)
F64(4)
F64(5)
F64(6)
F64(7)
F64(8)

#define P(n)   f_##n,
#define P8(n)  P(n##0) P(n##1) P(n##2) P(n##3) P(n##4) P(n##5) P(n##6) P(n##7)
#define P64(n) P8(n##0) P8(n##1) P8(n##2) P8(n##3) P8(n##4) P8(n##5) P8(n##6) P8(n##7)
static uint32_t (*const funcs[])(uint32_t) = {P64(1) P64(2) P64(3) P64(4) P64(5) P64(6) P64(7)
                                                  P64(8)};
#define NFUNCS (sizeof(funcs) / sizeof(funcs[0]))

/* A long chained loop: keeps a thread inside generated code while another
 * one fills the cache. */
static __attribute__((noinline)) uint32_t spin(uint32_t x, int n)
{
    for (int i = 0; i < n; i++)
        x = x * 1103515245u + 12345u + (x >> 16);
    return x;
}

typedef struct Worker {
    int id;
    uint32_t sum;
} Worker;

static void *worker(void *arg)
{
    Worker *w = arg;
    uint32_t x = 0x9e3779b9u * (uint32_t)(w->id + 1);
    for (int r = 0; r < ROUNDS; r++) {
        /* each worker walks the functions with its own stride */
        uint32_t step = 2u * (uint32_t)w->id + 1u + 2u * (uint32_t)r;
        for (uint32_t k = 0, i = (uint32_t)w->id; k < NFUNCS; k++, i = (i + step) % NFUNCS) {
            x = funcs[i](x);
            if ((k & 63) == 0)
                x = spin(x, 2000);
        }
    }
    w->sum = x;
    return NULL;
}

/* Blocked in read() until main writes: a CPU in a system call. */
static void *reader(void *arg)
{
    int fd = *(int *)arg;
    char c = 0;
    ssize_t n = read(fd, &c, 1);
    return (void *)(intptr_t)(n == 1 ? c : -1);
}

int main(void)
{
    int p[2];
    if (pipe(p) != 0)
        return 1;
    pthread_t rt, wt[NWORKERS];
    Worker w[NWORKERS];
    pthread_create(&rt, NULL, reader, &p[0]);
    for (int i = 0; i < NWORKERS; i++) {
        w[i].id = i;
        pthread_create(&wt[i], NULL, worker, &w[i]);
    }
    for (int i = 0; i < NWORKERS; i++) {
        pthread_join(wt[i], NULL);
        printf("worker %d: %08x\n", i, (unsigned)w[i].sum);
    }
    if (write(p[1], "z", 1) != 1)
        return 1;
    void *got;
    pthread_join(rt, &got);
    printf("reader: %c\n", (char)(intptr_t)got);

    /* the same work on one thread, after the others: same sums */
    uint32_t again = 0;
    for (int i = 0; i < NWORKERS; i++) {
        Worker one = {i, 0};
        worker(&one);
        again |= one.sum ^ w[i].sum;
    }
    printf("single-thread sums %s\n", again ? "differ" : "match");
    return 0;
}
