/*
 * test-thread.c - guest threads: pthread create/join with exit values,
 * mutexes, condition variables, TLS per thread, and many threads hammering
 * shared counters with LOCK-prefixed instructions (add, xadd, cmpxchg,
 * xchg, inc, bts/btr, cmpxchg8b) and __atomic/__sync builtins; the totals
 * must be exact.  Output is deterministic (no tids, no timing).
 */
#include <pthread.h>
#include <unistd.h>

#include "guest.h"

#define NTHREADS 8
#define ITERS    20000

static volatile uint32_t c_add, c_xadd, c_cas, c_inc, c_b8, c_w16, c_sync, c_atomic;
static volatile uint64_t c_q;
static volatile uint32_t spin; /* xchg spin lock guarding c_plain */
static uint32_t c_plain;
static volatile uint32_t bits[NTHREADS];
static uint32_t xadd_sum; /* sum of every value xadd returned */
static __thread int tls_val = 7;

static void lock_add(volatile uint32_t *p, uint32_t v)
{
    __asm__ volatile("lock addl %1, %0" : "+m"(*p) : "ir"(v) : "cc");
}
static uint32_t lock_xadd(volatile uint32_t *p, uint32_t v)
{
    __asm__ volatile("lock xaddl %0, %1" : "+r"(v), "+m"(*p) : : "cc");
    return v;
}
static void lock_cas_inc(volatile uint32_t *p)
{
    uint32_t old = *p, seen;
    for (;;) {
        uint32_t nv = old + 1;
        __asm__ volatile("lock cmpxchgl %2, %1" : "=a"(seen), "+m"(*p) : "r"(nv), "0"(old) : "cc");
        if (seen == old)
            return;
        old = seen;
    }
}
static void lock_inc(volatile uint32_t *p)
{
    __asm__ volatile("lock incl %0" : "+m"(*p) : : "cc");
}
static void lock_addb(volatile uint32_t *p)
{
    __asm__ volatile("lock addb $1, %0" : "+m"(*(volatile uint8_t *)p) : : "cc");
}
static void lock_addw(volatile uint32_t *p)
{
    __asm__ volatile("lock addw $3, %0" : "+m"(*(volatile uint16_t *)p) : : "cc");
}
static void cas8b_inc(volatile uint64_t *p)
{
    uint64_t old = *p;
    for (;;) {
        uint64_t nv = old + 0x100000001ull;
        uint32_t lo = (uint32_t)old, hi = (uint32_t)(old >> 32);
        uint8_t ok;
        __asm__ volatile("lock cmpxchg8b %1; sete %0"
                         : "=q"(ok), "+m"(*p), "+a"(lo), "+d"(hi)
                         : "b"((uint32_t)nv), "c"((uint32_t)(nv >> 32))
                         : "cc");
        if (ok)
            return;
        old = (uint64_t)hi << 32 | lo;
    }
}
static void spin_lock(void)
{
    uint32_t v;
    do {
        v = 1;
        __asm__ volatile("xchgl %0, %1" : "+r"(v), "+m"(spin) : : "memory");
    } while (v);
}
static void spin_unlock(void)
{
    __atomic_store_n(&spin, 0, __ATOMIC_RELEASE);
}

static void *hammer(void *arg)
{
    int id = (int)(intptr_t)arg;
    uint32_t mysum = 0;
    tls_val = id * 100;
    for (int i = 0; i < ITERS; i++) {
        lock_add(&c_add, 2);
        mysum += lock_xadd(&c_xadd, 1);
        lock_cas_inc(&c_cas);
        lock_inc(&c_inc);
        lock_addb(&c_b8);
        lock_addw(&c_w16);
        if ((i & 15) == 0)
            cas8b_inc(&c_q);
        __sync_fetch_and_add(&c_sync, 5);
        __atomic_fetch_sub(&c_atomic, 1, __ATOMIC_SEQ_CST);
        spin_lock();
        c_plain++;
        spin_unlock();
        /* bts/btr on bit `id` of a word every thread shares */
        __asm__ volatile("lock btsl %1, %0" : "+m"(bits[0]) : "r"(id) : "cc");
        __asm__ volatile("lock btrl %1, %0" : "+m"(bits[0]) : "r"(id) : "cc");
    }
    __atomic_fetch_add(&xadd_sum, mysum, __ATOMIC_SEQ_CST);
    /* the TLS value survived the others' writes */
    return (void *)(intptr_t)(tls_val + 1);
}

/* ---- mutex + condition variable: a bounded queue ---- */
static pthread_mutex_t qm = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t q_nonempty = PTHREAD_COND_INITIALIZER, q_nonfull = PTHREAD_COND_INITIALIZER;
static int q[4], q_n, q_head;

static void *producer(void *arg)
{
    (void)arg;
    for (int i = 1; i <= 1000; i++) {
        pthread_mutex_lock(&qm);
        while (q_n == 4)
            pthread_cond_wait(&q_nonfull, &qm);
        q[(q_head + q_n++) % 4] = i;
        pthread_cond_signal(&q_nonempty);
        pthread_mutex_unlock(&qm);
    }
    return NULL;
}

static void test_condvar(void)
{
    pthread_t th;
    long sum = 0;
    pthread_create(&th, NULL, producer, NULL);
    for (int i = 0; i < 1000; i++) {
        pthread_mutex_lock(&qm);
        while (q_n == 0)
            pthread_cond_wait(&q_nonempty, &qm);
        sum += q[q_head];
        q_head = (q_head + 1) % 4;
        q_n--;
        pthread_cond_signal(&q_nonfull);
        pthread_mutex_unlock(&qm);
    }
    pthread_join(th, NULL);
    printf("condvar queue sum %ld\n", sum);
}

static void test_hammer(void)
{
    pthread_t th[NTHREADS];
    for (int i = 0; i < NTHREADS; i++)
        pthread_create(&th[i], NULL, hammer, (void *)(intptr_t)i);
    for (int i = 0; i < NTHREADS; i++) {
        void *ret;
        pthread_join(th[i], &ret);
        printf("thread %d returned %d\n", i, (int)(intptr_t)ret);
    }
    uint32_t n = NTHREADS * ITERS;
    printf("lock add %u (want %u)\n", c_add, 2 * n);
    printf("lock xadd %u (want %u), returned values sum %u (want %u)\n", c_xadd, n, xadd_sum,
           (uint32_t)((uint64_t)n * (n - 1) / 2));
    printf("lock cmpxchg %u, lock inc %u (want %u)\n", c_cas, c_inc, n);
    printf("lock addb %u (want %u), lock addw %u (want %u)\n", c_b8 & 0xff, n & 0xff,
           c_w16 & 0xffff, (3 * n) & 0xffff);
    printf("cmpxchg8b %08x:%08x\n", (uint32_t)(c_q >> 32), (uint32_t)c_q);
    printf("__sync %u, __atomic %d, xchg spin lock %u\n", c_sync, (int)c_atomic, c_plain);
    printf("bits left %08x, tls in main %d\n", bits[0], tls_val);
}

/* flags of a locked op are those of the plain one */
static void test_flags(void)
{
    static volatile uint32_t v = 0x7fffffff;
    uint32_t fl;
    __asm__ volatile("lock addl $1, %1; pushfl; popl %0" : "=r"(fl), "+m"(v) : : "cc");
    printf("lock add flags %03x value %08x\n", fl & F_ARITH, v);
    __asm__ volatile("lock subl $0x80000001, %1; pushfl; popl %0" : "=r"(fl), "+m"(v) : : "cc");
    printf("lock sub flags %03x value %08x\n", fl & F_ARITH, v);
    uint32_t acc = 5, src = 9;
    __asm__ volatile("lock cmpxchgl %3, %1; pushfl; popl %0"
                     : "=r"(fl), "+m"(v), "+a"(acc)
                     : "r"(src)
                     : "cc");
    printf("lock cmpxchg miss flags %03x eax %08x value %08x\n", fl & F_ARITH, acc, v);
    uint8_t b = 0x80;
    __asm__ volatile("lock negb %1; pushfl; popl %0" : "=r"(fl), "+m"(b) : : "cc");
    printf("lock neg flags %03x value %02x\n", fl & F_ARITH, b);
    uint16_t w = 0xffff, r = 1;
    __asm__ volatile("lock xaddw %2, %1; pushfl; popl %0" : "=r"(fl), "+m"(w), "+r"(r) : : "cc");
    printf("lock xaddw flags %03x value %04x old %04x\n", fl & F_ARITH, w, r);
    __asm__ volatile("lock decw %1; pushfl; popl %0" : "=r"(fl), "+m"(w) : : "cc");
    printf("lock dec flags %03x value %04x\n", fl & (F_ARITH & ~F_CF), w);
}

int main(void)
{
    test_flags(); /* single-threaded (plain RMW) ... */
    test_condvar();
    test_hammer();
    test_flags(); /* ... and atomic translations give the same flags */
    return 0;
}
