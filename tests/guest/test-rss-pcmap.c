/*
 * test-rss-pcmap.c - a fault at every memory access of long straight-line
 * blocks: the handler sees the exact guest state of the faulting
 * instruction (EIP, all GPRs, the arithmetic flags, ESP).
 *
 * Under xlat-i386 that state comes from the TB's pc map, which the x86-64
 * emitter stores packed after the host code (backend.c "pc map": deltas,
 * LEB128 host offsets, an escape for guest pc steps of 31 bytes or more).
 * The sequence below is shaped to reach every form of an entry: 45 bytes
 * of nops that emit no host code (an escaped pc step), an instruction whose
 * host code is long (a host offset step past 127: movsb, ~156 bytes), flags
 * set just before the fault (CC in the host flags) or left by pushad/popad,
 * cmpxchg8b or movsb (CC in env), and blocks of many entries (16 access
 * points, ~100 instructions, more than one block).
 *
 * For k = 0..15, pointer k of the table points to an unmapped page and the
 * others to a buffer; access k faults, and the handler prints, e.g.
 *   k  3: eip seq+134 eax 00001436 ecx 9abcf124 ... esp 0 flags O--A--
 * then resumes at rss_recover, which returns from rss_seq.  It guards the
 * packing (it passed with the malloc'd map before too): decoding the pc
 * escape, the LEB128 continuation or the CC bit wrongly changes these
 * lines (x87 and xmm entries: test-x87*, test-sse-dirty, test-signal-fp).
 */
#define _GNU_SOURCE
#include "guest.h"

#include <signal.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#define NPOINTS 16

extern char rss_recover[];
uint32_t rss_esp0; /* rss_seq's esp after its pushes (asm) */
int rss_seq(uint32_t *const *table);

/* One access point j: load pointer j, fillers, set the flags (or not:
 * POINT_NOCMP), then a load (even j) or a read-modify-write (odd j)
 * through it.  Fillers leave no address in a register (the output must
 * match natively). */
#define NOP15 ".byte 0x66,0x66,0x66,0x66,0x66,0x66,0x2e,0x0f,0x1f,0x84,0,0,0,0,0\n"
#define FILL0 "add %eax, %ecx\nadc $7, %edx\n"
#define FILL1 NOP15 NOP15 NOP15
#define FILL2 "imul $0x1234567, %ecx, %edx\nshl $3, %edi\n"
#define FILL3 "pushal\nxor $0x55aa, %ebp\npopal\nnot %ebp\n"
#define FILL4                                                                                      \
    "push %eax\npush %edx\nmov %edi, %eax\nxor %edx, %edx\nmov $13, %ebp\ndiv %ebp\n"              \
    "mov %edx, %ebp\npop %edx\npop %eax\n"
#define FILL5 "cmc\nsbb %ecx, %ebp\n"
#define FILL6                                                                                      \
    "push %eax\npush %edx\npush %ecx\npush %ebx\npush %edi\nlea 64(%ebx), %edi\n"                  \
    "mov (%edi), %eax\nmov 4(%edi), %edx\nmov $0x11, %ebx\nmov $0x22, %ecx\n"                      \
    "lock cmpxchg8b (%edi)\npop %edi\npop %ebx\npop %ecx\npop %edx\npop %eax\n"
#define FILL7 "lea 0x100(%ebp,%edi,4), %ebp\nbsr %edx, %ecx\n"
#define FILL8                                                                                      \
    "push %esi\npush %edi\nlea 72(%ebx), %esi\nlea 76(%ebx), %edi\npushf\npopf\nmovsb\n"           \
    "pop %edi\npop %esi\n"
#define POINT(j, fill, access) "mov " #j "*4(%ebx), %esi\n" fill "cmp %edx, %ecx\n" access "\n"
/* ... or with the flags of the filler at the fault */
#define POINT_NOCMP(j, fill, access) "mov " #j "*4(%ebx), %esi\n" fill access "\n"
#define LOAD                         "add (%esi), %eax"
#define RMW                          "add %ecx, 4(%esi)"

/* clang-format off */
__asm__(".text\n"
        ".globl rss_seq\n"
        "rss_seq:\n"
        "push %ebx\npush %esi\npush %edi\npush %ebp\n"
        "mov %esp, rss_esp0\n"
        "mov 20(%esp), %ebx\n"
        "mov $0x1234, %eax\nmov $0x9abcdef0, %ecx\nmov $0x13579bdf, %edx\n"
        "mov $0x2468ace0, %edi\nmov $0x0f0f0f0f, %ebp\n"
        POINT(0, FILL0, LOAD) POINT(1, FILL1, RMW) POINT(2, FILL2, LOAD) POINT(3, FILL3, RMW)
        POINT(4, FILL4, LOAD) POINT(5, FILL5, RMW) POINT(6, FILL6, LOAD) POINT(7, FILL7, RMW)
        POINT(8, FILL8, LOAD) POINT_NOCMP(9, FILL3, RMW) POINT_NOCMP(10, FILL6, LOAD)
        POINT(11, FILL4, RMW) POINT(12, FILL2 FILL0, LOAD) POINT_NOCMP(13, FILL7 FILL5 FILL8, RMW)
        POINT_NOCMP(14, FILL0 FILL3 FILL1, LOAD) POINT(15, FILL6 FILL4, RMW)
        "pop %ebp\npop %edi\npop %esi\npop %ebx\n"
        "ret\n"
        ".globl rss_recover\n"
        "rss_recover:\n"
        "mov rss_esp0, %esp\n"
        "mov $-1, %eax\n"
        "pop %ebp\npop %edi\npop %esi\npop %ebx\n"
        "ret\n");
/* clang-format on */

static volatile int cur_k;
static uint32_t *const *volatile cur_table;

static void on_segv(int sig, siginfo_t *si, void *ucv)
{
    (void)sig, (void)si;
    greg_t *g = ((ucontext_t *)ucv)->uc_mcontext.gregs;
    printf("k %2d: eip seq+%ld eax %08x ecx %08x edx %08x ebx table%+ld esi ok %d edi %08x "
           "ebp %08x esp %ld flags %s\n",
           cur_k, (long)(g[REG_EIP] - (greg_t)(uintptr_t)rss_seq), (unsigned)g[REG_EAX],
           (unsigned)g[REG_ECX], (unsigned)g[REG_EDX],
           (long)(g[REG_EBX] - (greg_t)(uintptr_t)cur_table),
           (uint32_t)g[REG_ESI] == (uint32_t)(uintptr_t)si->si_addr ||
               (uint32_t)g[REG_ESI] + 4 == (uint32_t)(uintptr_t)si->si_addr,
           (unsigned)g[REG_EDI], (unsigned)g[REG_EBP], (long)(g[REG_ESP] - (greg_t)rss_esp0),
           g_flags_str((uint32_t)g[REG_EFL]));
    g[REG_EIP] = (greg_t)(uintptr_t)rss_recover;
}

int main(void)
{
    static uint32_t buf[NPOINTS][2];
    /* + the cmpxchg8b target at table + 64 bytes, movsb's at + 72 and 76 */
    uint32_t *table[NPOINTS + 32];
    char *bad = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    munmap(bad, 4096);

    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigaction(SIGSEGV, &sa, NULL);

    /* two rounds: the second runs the blocks already translated */
    for (int round = 0; round < 2; round++) {
        for (int k = 0; k <= NPOINTS; k++) { /* k = NPOINTS: no fault */
            memset(table, 0, sizeof(table));
            table[18] = (uint32_t *)0x5a;
            for (int j = 0; j < NPOINTS; j++) {
                buf[j][0] = 0x100u * (uint32_t)j + 1;
                buf[j][1] = 7;
                table[j] = j == k ? (uint32_t *)bad : buf[j];
            }
            cur_k = k;
            cur_table = table;
            int r = rss_seq(table);
            if (k == NPOINTS)
                printf("no fault: eax %08x buf crc %08x cmpxchg8b %08x:%08x movsb %08x\n",
                       (unsigned)r, g_crc32(0, buf, sizeof(buf)), (unsigned)(uintptr_t)table[16],
                       (unsigned)(uintptr_t)table[17], (unsigned)(uintptr_t)table[19]);
        }
    }
    return 0;
}
