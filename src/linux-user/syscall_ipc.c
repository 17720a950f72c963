/*
 * syscall_ipc.c - System V IPC: the ipc(2) multiplexer of i386 and the
 * direct calls (semget..msgctl, 393..402).  Identifiers are the host's.
 *
 * Converted: struct msgbuf (mtype is a 32-bit long on i386), struct ipc_kludge
 * of old msgrcv, the semun argument (a 32-bit value or guest pointer),
 * struct sembuf (same 6 bytes on both, passes through) and struct
 * shmid64_ds for IPC_STAT (84 bytes on i386).  shmat maps the segment into
 * the guest reservation (SHM_REMAP over the reserved range) and records it
 * so that shmdt knows the length.  Example: ipc(SHMAT, id, flags, &raddr,
 * addr) stores the guest address at raddr and returns 0.
 */
#include "linux-user/lu-internal.h"
#include "linux-user/lu-syscalls.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <time.h>
#include <unistd.h>

#define LU_IPC_64 0x100

/* ---- shared memory ------------------------------------------------------ */

#define SHM_SLOTS 64
static struct {
    uint32_t addr, len;
} shm_maps[SHM_SLOTS];

long lu_sys_shmget(CPUX86State *env, const uint32_t *a)
{
    return lu_errno_ret(shmget((key_t)a[0], a[1], (int)a[2]));
}

static long do_shmat(uint32_t id, uint32_t gaddr, uint32_t flags)
{
    struct shmid_ds ds;
    if (shmctl((int)id, IPC_STAT, &ds) < 0)
        return -errno;
    uint32_t len = lu_page_align((uint32_t)ds.shm_segsz);
    if (gaddr) {
        if (flags & SHM_RND)
            gaddr &= GUEST_PAGE_MASK;
        if (gaddr & (GUEST_PAGE_SIZE - 1))
            return -EINVAL;
        if (!(flags & SHM_REMAP) && lu_range_any_valid(gaddr, len))
            return -EINVAL;
    } else {
        gaddr = lu_mmap_find_free(len);
        if (!gaddr)
            return -ENOMEM;
    }
    int slot = -1;
    for (int i = 0; i < SHM_SLOTS && slot < 0; i++)
        slot = shm_maps[i].len ? -1 : i;
    if (slot < 0)
        return -EMFILE;
    lu_mmap_prepare(gaddr, len);
    void *p = shmat((int)id, g2h(gaddr), (int)(flags & (SHM_RDONLY | SHM_EXEC)) | SHM_REMAP);
    if (p == (void *)-1)
        return -errno;
    int pp = PAGE_VALID | PAGE_READ | ((flags & SHM_RDONLY) ? 0 : PAGE_WRITE) |
             ((flags & SHM_EXEC) ? PAGE_EXEC : 0);
    lu_mmap_note(gaddr, len, pp);
    lu_atomic_begin(); /* shared with other processes */
    shm_maps[slot].addr = gaddr;
    shm_maps[slot].len = len;
    return (long)gaddr;
}

long lu_sys_shmat(CPUX86State *env, const uint32_t *a)
{
    return do_shmat(a[0], a[1], a[2]);
}

long lu_sys_shmdt(CPUX86State *env, const uint32_t *a)
{
    for (int i = 0; i < SHM_SLOTS; i++) {
        if (shm_maps[i].len && shm_maps[i].addr == a[0]) {
            uint32_t len = shm_maps[i].len;
            if (shmdt(g2h(a[0])) < 0)
                return -errno;
            lu_mmap_prepare(a[0], len);
            lu_reserve_range(a[0], len);
            lu_mmap_note(a[0], len, 0);
            shm_maps[i].len = 0;
            return 0;
        }
    }
    return -EINVAL;
}

/* struct shmid64_ds of i386 (84 bytes) from the host's. */
static bool put_shmid64(uint32_t g, const struct shmid_ds *d)
{
    uint32_t w[21] = {0};
    w[0] = (uint32_t)d->shm_perm.__key;
    w[1] = d->shm_perm.uid;
    w[2] = d->shm_perm.gid;
    w[3] = d->shm_perm.cuid;
    w[4] = d->shm_perm.cgid;
    w[5] = d->shm_perm.mode & 0xffff;
    w[6] = d->shm_perm.__seq & 0xffff;
    w[9] = (uint32_t)d->shm_segsz;
    w[10] = (uint32_t)d->shm_atime;
    w[12] = (uint32_t)d->shm_dtime;
    w[14] = (uint32_t)d->shm_ctime;
    w[16] = (uint32_t)d->shm_cpid;
    w[17] = (uint32_t)d->shm_lpid;
    w[18] = (uint32_t)d->shm_nattch;
    return copy_to_guest(g, w, sizeof(w));
}

long lu_sys_shmctl(CPUX86State *env, const uint32_t *a)
{
    int cmd = (int)(a[1] & ~LU_IPC_64);
    struct shmid_ds d;
    switch (cmd) {
    case IPC_RMID:
        return lu_errno_ret(shmctl((int)a[0], IPC_RMID, NULL));
    case IPC_STAT:
    case SHM_STAT: {
        int r = shmctl((int)a[0], cmd, &d);
        if (r < 0)
            return -errno;
        return put_shmid64(a[2], &d) ? r : -EFAULT;
    }
    case IPC_SET: {
        uint32_t w[7];
        if (shmctl((int)a[0], IPC_STAT, &d) < 0)
            return -errno;
        if (!copy_from_guest(w, a[2], sizeof(w)))
            return -EFAULT;
        d.shm_perm.uid = w[1];
        d.shm_perm.gid = w[2];
        d.shm_perm.mode = (unsigned short)w[5];
        return lu_errno_ret(shmctl((int)a[0], IPC_SET, &d));
    }
    case SHM_LOCK:
    case SHM_UNLOCK:
        return lu_errno_ret(shmctl((int)a[0], cmd, NULL));
    default:
        return -EINVAL;
    }
}

/* ---- semaphores ------------------------------------------------------------ */

long lu_sys_semget(CPUX86State *env, const uint32_t *a)
{
    return lu_errno_ret(semget((key_t)a[0], (int)a[1], (int)a[2]));
}

static long do_semctl(uint32_t id, uint32_t num, uint32_t cmd_raw, uint32_t arg)
{
    int cmd = (int)(cmd_raw & ~LU_IPC_64);
    switch (cmd) {
    case IPC_RMID:
    case GETVAL:
    case GETPID:
    case GETNCNT:
    case GETZCNT:
        return lu_errno_ret(semctl((int)id, (int)num, cmd));
    case SETVAL:
        return lu_errno_ret(semctl((int)id, (int)num, cmd, (int)arg));
    case GETALL:
    case SETALL: {
        struct semid_ds ds;
        if (semctl((int)id, 0, IPC_STAT, &ds) < 0)
            return -errno;
        uint32_t bytes = (uint32_t)ds.sem_nsems * 2;
        void *p = lu_guest_ptr(arg, bytes, cmd == GETALL ? PAGE_WRITE : PAGE_READ);
        if (!p)
            return -EFAULT;
        return lu_errno_ret(semctl((int)id, 0, cmd, p));
    }
    default:
        return -EINVAL;
    }
}

long lu_sys_semctl(CPUX86State *env, const uint32_t *a)
{
    return do_semctl(a[0], a[1], a[2], a[3]);
}

static long do_semtimedop(uint32_t id, uint32_t gops, uint32_t n, uint32_t gts, bool t64)
{
    if (n > 500)
        return -E2BIG;
    struct sembuf *ops = lu_guest_ptr(gops, n * 6, PAGE_READ);
    if (!ops && n)
        return -EFAULT;
    struct timespec ts;
    if (gts && !lu_timespec_in(gts, t64, &ts))
        return -EFAULT;
    return lu_errno_ret(semtimedop((int)id, ops, n, gts ? &ts : NULL));
}

long lu_sys_semtimedop_time64(CPUX86State *env, const uint32_t *a)
{
    return do_semtimedop(a[0], a[1], a[2], a[3], true);
}

/* ---- message queues ---------------------------------------------------------- */

long lu_sys_msgget(CPUX86State *env, const uint32_t *a)
{
    return lu_errno_ret(msgget((key_t)a[0], (int)a[1]));
}

long lu_sys_msgsnd(CPUX86State *env, const uint32_t *a)
{
    uint8_t *g = lu_guest_ptr(a[1], 4 + a[2], PAGE_READ);
    if (!g)
        return -EFAULT;
    long *m = malloc(sizeof(long) + a[2] + 1);
    if (!m)
        return -ENOMEM;
    int32_t type;
    memcpy(&type, g, 4);
    m[0] = type;
    memcpy(m + 1, g + 4, a[2]);
    long r = lu_errno_ret(msgsnd((int)a[0], m, a[2], (int)a[3]));
    free(m);
    return r;
}

static long do_msgrcv(uint32_t id, uint32_t gmsg, uint32_t size, int32_t type, uint32_t flags)
{
    uint8_t *g = lu_guest_ptr(gmsg, 4 + size, PAGE_WRITE);
    if (!g)
        return -EFAULT;
    long *m = malloc(sizeof(long) + size + 1);
    if (!m)
        return -ENOMEM;
    ssize_t r = msgrcv((int)id, m, size, type, (int)flags);
    if (r >= 0) {
        int32_t t = (int32_t)m[0];
        memcpy(g, &t, 4);
        memcpy(g + 4, m + 1, (size_t)r);
    }
    long ret = r < 0 ? -errno : r;
    free(m);
    return ret;
}

long lu_sys_msgrcv(CPUX86State *env, const uint32_t *a)
{
    return do_msgrcv(a[0], a[1], a[2], (int32_t)a[3], a[4]);
}

long lu_sys_msgctl(CPUX86State *env, const uint32_t *a)
{
    int cmd = (int)(a[1] & ~LU_IPC_64);
    if (cmd == IPC_RMID)
        return lu_errno_ret(msgctl((int)a[0], IPC_RMID, NULL));
    return -EINVAL; /* IPC_STAT/IPC_SET layouts not converted yet */
}

/* ---- ipc(call, first, second, third, ptr, fifth) ------------------------ */

long lu_sys_ipc(CPUX86State *env, const uint32_t *a)
{
    uint32_t call = a[0] & 0xffff, version = a[0] >> 16;
    uint32_t first = a[1], second = a[2], third = a[3], ptr = a[4], fifth = a[5];
    switch (call) {
    case 1: /* SEMOP */
        return do_semtimedop(first, ptr, second, 0, false);
    case 2: /* SEMGET */
        return lu_errno_ret(semget((key_t)first, (int)second, (int)third));
    case 3: { /* SEMCTL: ptr points to the semun */
        uint32_t arg = 0;
        if (ptr && !copy_from_guest(&arg, ptr, 4))
            return -EFAULT;
        return do_semctl(first, second, third, arg);
    }
    case 4: /* SEMTIMEDOP */
        return do_semtimedop(first, ptr, second, fifth, false);
    case 11: { /* MSGSND */
        uint32_t b[4] = {first, ptr, second, third};
        return lu_sys_msgsnd(env, b);
    }
    case 12: /* MSGRCV */
        if (version == 0) {
            uint32_t k[2]; /* struct ipc_kludge { msgp, msgtyp } */
            if (!copy_from_guest(k, ptr, 8))
                return -EFAULT;
            return do_msgrcv(first, k[0], second, (int32_t)k[1], third);
        }
        return do_msgrcv(first, ptr, second, (int32_t)fifth, third);
    case 13: /* MSGGET */
        return lu_errno_ret(msgget((key_t)first, (int)second));
    case 14: { /* MSGCTL */
        uint32_t b[3] = {first, second, ptr};
        return lu_sys_msgctl(env, b);
    }
    case 21: { /* SHMAT: the address goes to *third */
        if (version == 1)
            return -EINVAL;
        long r = do_shmat(first, ptr, second);
        if (r < 0 && r > -4096)
            return r;
        uint32_t addr = (uint32_t)r;
        return copy_to_guest(third, &addr, 4) ? 0 : -EFAULT;
    }
    case 22: { /* SHMDT */
        uint32_t b[1] = {ptr};
        return lu_sys_shmdt(env, b);
    }
    case 23: /* SHMGET */
        return lu_errno_ret(shmget((key_t)first, second, (int)third));
    case 24: { /* SHMCTL */
        uint32_t b[3] = {first, second, ptr};
        return lu_sys_shmctl(env, b);
    }
    default:
        return -ENOSYS;
    }
}
