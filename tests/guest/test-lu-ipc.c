/*
 * test-lu-ipc.c - System V IPC through the i386 ABI: a shared memory
 * segment attached twice (writes through one mapping show in the other),
 * IPC_STAT (segment size, attach count), shmdt; a semaphore set (SETVAL,
 * semop, GETVAL, SETALL/GETALL); a message queue (msgsnd/msgrcv with a
 * 32-bit mtype, selection by type); and removal of all three.
 * Example line:  shm: second mapping reads "through shm"
 */
#include "guest.h"

#include <errno.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <unistd.h>

union semun {
    int val;
    struct semid_ds *buf;
    unsigned short *array;
};

static void shm(void)
{
    int id = shmget(IPC_PRIVATE, 10000, IPC_CREAT | 0600);
    char *a = shmat(id, NULL, 0), *b = shmat(id, NULL, 0);
    if (a == (void *)-1 || b == (void *)-1) {
        printf("shm: attach failed\n");
        return;
    }
    strcpy(a, "through shm");
    printf("shm: distinct %d, second mapping reads \"%s\"\n", a != b, b);
    b[8191] = 'z';
    printf("shm: far byte %c\n", a[8191]);
    struct shmid_ds ds;
    shmctl(id, IPC_STAT, &ds);
    printf("shm: segsz %u nattch %u mode %o\n", (unsigned)ds.shm_segsz, (unsigned)ds.shm_nattch,
           ds.shm_perm.mode & 0777);
    pid_t pid = fork();
    if (pid == 0) {
        strcpy(a, "from child");
        _exit(0);
    }
    waitpid(pid, NULL, 0);
    printf("shm: after child \"%s\"\n", b);
    printf("shm: shmdt %d %d\n", shmdt(a), shmdt(b));
    errno = 0;
    printf("shm: shmdt again %d %s\n", shmdt(a), errno == EINVAL ? "EINVAL" : "?");
    printf("shm: rmid %d\n", shmctl(id, IPC_RMID, NULL));
}

static void sem(void)
{
    int id = semget(IPC_PRIVATE, 3, IPC_CREAT | 0600);
    union semun u = {.val = 5};
    printf("sem: setval %d\n", semctl(id, 1, SETVAL, u));
    struct sembuf ops[2] = {{1, -2, 0}, {2, 3, 0}};
    printf("sem: semop %d\n", semop(id, ops, 2));
    printf("sem: values %d %d %d\n", semctl(id, 0, GETVAL), semctl(id, 1, GETVAL),
           semctl(id, 2, GETVAL));
    unsigned short all[3] = {7, 8, 9}, back[3] = {0, 0, 0};
    u.array = all;
    semctl(id, 0, SETALL, u);
    u.array = back;
    semctl(id, 0, GETALL, u);
    printf("sem: getall %u %u %u\n", back[0], back[1], back[2]);
    struct sembuf nb = {0, -100, IPC_NOWAIT};
    errno = 0;
    printf("sem: would block %d %s\n", semop(id, &nb, 1), errno == EAGAIN ? "EAGAIN" : "?");
    printf("sem: rmid %d\n", semctl(id, 0, IPC_RMID));
}

static void msg(void)
{
    int id = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
    struct {
        long type;
        char text[32];
    } m = {2, "second type"}, m1 = {1, "first type"}, r;
    msgsnd(id, &m, strlen(m.text) + 1, 0);
    msgsnd(id, &m1, strlen(m1.text) + 1, 0);
    memset(&r, 0, sizeof(r));
    ssize_t n = msgrcv(id, &r, sizeof(r.text), 1, 0);
    printf("msg: by type 1: %d type %ld \"%s\"\n", (int)n, r.type, r.text);
    n = msgrcv(id, &r, sizeof(r.text), 0, 0);
    printf("msg: next: %d type %ld \"%s\"\n", (int)n, r.type, r.text);
    errno = 0;
    n = msgrcv(id, &r, sizeof(r.text), 0, IPC_NOWAIT);
    printf("msg: empty %d %s\n", (int)n, errno == ENOMSG ? "ENOMSG" : "?");
    printf("msg: rmid %d\n", msgctl(id, IPC_RMID, NULL));
}

int main(void)
{
    shm();
    sem();
    msg();
    return 0;
}
