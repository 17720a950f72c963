/*
 * test-lu-shared-atomic.c - LOCK-prefixed instructions are atomic between
 * processes too: single-threaded processes that share memory (MAP_SHARED
 * anonymous or file mappings made before fork, System V shared memory)
 * increment, add and compare-and-swap the same words at once, and no
 * update is lost.  A multiprocessing Barrier or a process-shared semaphore
 * in Python is built on exactly this (glibc's sem_post is a lock add).
 * Example line: "MAP_SHARED anonymous: lock inc 1 lock xadd 1 lock cmpxchg 1"
 */
#define _GNU_SOURCE
#include "guest.h"

#include <fcntl.h>
#include <stdbool.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <unistd.h>

#define NPROC  3
#define ROUNDS 300000

typedef struct Shared {
    volatile uint32_t inc, add, cas;
} Shared;

static void work(Shared *s)
{
    for (int i = 0; i < ROUNDS; i++) {
        __asm__ volatile("lock incl %0" : "+m"(s->inc));
        __atomic_fetch_add(&s->add, 3, __ATOMIC_SEQ_CST); /* lock xadd or lock add */
        uint32_t old = s->cas;
        while (!__atomic_compare_exchange_n(&s->cas, &old, old + 1, false, __ATOMIC_SEQ_CST,
                                            __ATOMIC_SEQ_CST))
            ;
    }
}

static void run(const char *what, Shared *s)
{
    memset((void *)s, 0, sizeof(*s));
    pid_t kids[NPROC];
    for (int k = 0; k < NPROC; k++) {
        kids[k] = fork();
        if (kids[k] == 0) {
            work(s);
            _exit(0);
        }
    }
    work(s);
    for (int k = 0; k < NPROC; k++)
        waitpid(kids[k], NULL, 0);
    uint32_t n = (NPROC + 1) * ROUNDS;
    printf("%s: lock inc %d lock xadd %d lock cmpxchg %d\n", what, s->inc == n, s->add == 3 * n,
           s->cas == n);
}

/* Each kind of sharing in a fresh process (exec), so each must switch on
 * atomic operations by itself. */
static void one_case(const char *kind)
{
    if (!strcmp(kind, "anon")) {
        Shared *a = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        run("MAP_SHARED anonymous", a);
    } else if (!strcmp(kind, "file")) {
        int fd = open("shared.bin", O_RDWR | O_CREAT | O_TRUNC, 0600);
        ftruncate(fd, 4096);
        Shared *f = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        run("MAP_SHARED file", f);
        close(fd);
        unlink("shared.bin");
    } else if (!strcmp(kind, "mprotect")) {
        int fd = open("shared.bin", O_RDWR | O_CREAT | O_TRUNC, 0600);
        ftruncate(fd, 4096);
        Shared *f = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
        mprotect(f, 4096, PROT_READ | PROT_WRITE);
        run("MAP_SHARED read-only, then mprotect", f);
        close(fd);
        unlink("shared.bin");
    } else {
        int id = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
        Shared *m = shmat(id, NULL, 0);
        shmctl(id, IPC_RMID, NULL);
        run("shmat", m);
    }
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc > 1) {
        one_case(argv[1]);
        return 0;
    }
    const char *kinds[] = {"anon", "file", "mprotect", "shm"};
    for (int i = 0; i < 4; i++) {
        pid_t p = fork();
        if (p == 0) {
            execl("/proc/self/exe", argv[0], kinds[i], (char *)NULL);
            _exit(127);
        }
        int st;
        waitpid(p, &st, 0);
    }
    return 0;
}
