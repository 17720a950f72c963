/*
 * test-string.c - the string instructions: movs cmps stos lods scas in byte,
 * word and dword sizes, plain and with rep/repe/repne, DF=0 and DF=1, zero
 * counts and overlapping buffers.
 *
 * All pointers are printed as offsets from the start of one static arena, so
 * the output does not depend on where the program is loaded.
 */
#include "guest.h"

#define BASE 256 /* all offsets below are relative to arena + BASE */
static uint8_t arena[1024];

struct sregs {
    uint32_t esi, edi, ecx, eax, flags;
};

static void fill(void)
{
    for (int i = 0; i < (int)sizeof arena; i++)
        arena[i] = (uint8_t)(i * 7 + 1);
    /* some equal runs for cmps/scas to stop on */
    memcpy(arena + BASE + 300, arena + BASE + 100, 40);
    arena[BASE + 300 + 23] ^= 0x40;
}

/* One string instruction with the given prefix, with DF set from df. */
#define STROP(NAME, TEXT)                                                                    \
    static void NAME(struct sregs *r, int df)                                                \
    {                                                                                        \
        uint32_t fl;                                                                         \
        __asm__ volatile("push %[fi]\n\tpopf\n\t"                                            \
                         TEXT                                                                \
                         "\n\tpushf\n\tpop %[fo]\n\tcld"                                     \
                         : "+S"(r->esi), "+D"(r->edi), "+c"(r->ecx), "+a"(r->eax),           \
                           [fo] "=&r"(fl)                                                    \
                         : [fi] "r"(r->flags | (df ? F_DF : 0))                              \
                         : "cc", "memory");                                                  \
        r->flags = fl;                                                                       \
    }

STROP(s_movsb, "movsb")
STROP(s_movsw, "movsw")
STROP(s_movsl, "movsl")
STROP(s_rep_movsb, "rep movsb")
STROP(s_rep_movsw, "rep movsw")
STROP(s_rep_movsl, "rep movsl")
STROP(s_stosb, "stosb")
STROP(s_rep_stosb, "rep stosb")
STROP(s_rep_stosw, "rep stosw")
STROP(s_rep_stosl, "rep stosl")
STROP(s_lodsb, "lodsb")
STROP(s_lodsw, "lodsw")
STROP(s_lodsl, "lodsl")
STROP(s_rep_lodsb, "rep lodsb")
STROP(s_rep_lodsl, "rep lodsl")
STROP(s_cmpsb, "cmpsb")
STROP(s_cmpsl, "cmpsl")
STROP(s_repe_cmpsb, "repe cmpsb")
STROP(s_repe_cmpsw, "repe cmpsw")
STROP(s_repe_cmpsl, "repe cmpsl")
STROP(s_repne_cmpsb, "repne cmpsb")
STROP(s_repne_cmpsl, "repne cmpsl")
STROP(s_scasb, "scasb")
STROP(s_scasw, "scasw")
STROP(s_repe_scasb, "repe scasb")
STROP(s_repe_scasl, "repe scasl")
STROP(s_repne_scasb, "repne scasb")
STROP(s_repne_scasw, "repne scasw")
STROP(s_repne_scasl, "repne scasl")
/* 16-bit address size: si, di and cx (the 0x67 prefix); counts wrap at 64K. */
STROP(s_a16_rep_movsb, "addr16 rep movsb")

typedef void strop_fn(struct sregs *, int);

static const struct {
    const char *name;
    strop_fn *fn;
} ops[] = {
    {"movsb", s_movsb},
    {"movsw", s_movsw},
    {"movsl", s_movsl},
    {"rep movsb", s_rep_movsb},
    {"rep movsw", s_rep_movsw},
    {"rep movsl", s_rep_movsl},
    {"stosb", s_stosb},
    {"rep stosb", s_rep_stosb},
    {"rep stosw", s_rep_stosw},
    {"rep stosl", s_rep_stosl},
    {"lodsb", s_lodsb},
    {"lodsw", s_lodsw},
    {"lodsl", s_lodsl},
    {"rep lodsb", s_rep_lodsb},
    {"rep lodsl", s_rep_lodsl},
    {"cmpsb", s_cmpsb},
    {"cmpsl", s_cmpsl},
    {"repe cmpsb", s_repe_cmpsb},
    {"repe cmpsw", s_repe_cmpsw},
    {"repe cmpsl", s_repe_cmpsl},
    {"repne cmpsb", s_repne_cmpsb},
    {"repne cmpsl", s_repne_cmpsl},
    {"scasb", s_scasb},
    {"scasw", s_scasw},
    {"repe scasb", s_repe_scasb},
    {"repe scasl", s_repe_scasl},
    {"repne scasb", s_repne_scasb},
    {"repne scasw", s_repne_scasw},
    {"repne scasl", s_repne_scasl},
};

static uint32_t off(uint32_t p)
{
    return p - (uint32_t)(uintptr_t)(arena + BASE);
}

static void run(int k, uint32_t src, uint32_t dst, uint32_t count, uint32_t eax, int df)
{
    struct sregs r;
    fill();
    r.esi = (uint32_t)(uintptr_t)(arena + BASE + src);
    r.edi = (uint32_t)(uintptr_t)(arena + BASE + dst);
    r.ecx = count;
    r.eax = eax;
    r.flags = df & 2 ? F_ARITH : 0; /* flags in: must survive movs/stos/lods */
    ops[k].fn(&r, df & 1);
    printf("%-12s src=%u dst=%u n=%u eax=%x df=%d fi=%d -> esi=%d edi=%d ecx=%u eax=%x f=%03x "
           "crc=%08x\n",
           ops[k].name, src, dst, count, eax, df & 1, df >> 1, (int)off(r.esi), (int)off(r.edi),
           r.ecx, r.eax, r.flags & (F_ARITH | F_DF), g_crc32(0, arena, sizeof arena));
}

int main(void)
{
    static const uint32_t counts[] = {0, 1, 2, 3, 7, 16, 33};
    /* (src, dst) pairs: disjoint, overlapping both ways, identical, equal runs */
    static const uint32_t pairs[][2] = {
        {100, 300}, {100, 104}, {104, 100}, {101, 102}, {200, 200}, {300, 100}, {260, 250},
    };
    for (int k = 0; k < (int)(sizeof ops / sizeof ops[0]); k++)
        for (unsigned p = 0; p < sizeof pairs / sizeof pairs[0]; p++)
            for (unsigned c = 0; c < sizeof counts / 4; c++)
                for (int df = 0; df < 4; df++) {
                    uint32_t eax = 0x5a000000u | arena[BASE + pairs[p][1] + 5] | (c & 1 ? 0 : 0x6600);
                    if (c == 3)
                        eax = 0x7d7d7d7du; /* a value not in the buffer */
                    run(k, pairs[p][0], pairs[p][1], counts[c], eax, df);
                }
    /* show one copy in full */
    fill();
    struct sregs r = {(uint32_t)(uintptr_t)(arena + 10), (uint32_t)(uintptr_t)(arena + 13), 20, 0, 0};
    s_rep_movsb(&r, 0);
    g_hexdump("overlap fwd", arena, 40);
    fill();
    r = (struct sregs){(uint32_t)(uintptr_t)(arena + 33), (uint32_t)(uintptr_t)(arena + 36), 20, 0, 0};
    s_rep_movsb(&r, 1);
    g_hexdump("overlap bwd", arena, 40);

    /* 16-bit address size: the count is cx alone, so ecx = 0x12340000 copies
     * nothing (and keeps the upper half). */
    fill();
    r = (struct sregs){(uint32_t)(uintptr_t)arena, (uint32_t)(uintptr_t)arena, 0x12340000, 0, 0};
    s_a16_rep_movsb(&r, 0); /* cx = 0: nothing happens */
    printf("a16 rep movsb cx=0 -> esi=%d edi=%d ecx=%x\n", (int)off(r.esi), (int)off(r.edi), r.ecx);
    printf("done\n");
    return 0;
}
