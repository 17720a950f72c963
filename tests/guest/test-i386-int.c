/*
 * test-i386-int.c - exhaustive test of the i386 integer instructions.
 *
 * Each instruction runs in inline asm with a known EFLAGS on entry (all six
 * arithmetic flags clear, or all set: "carry-in 0 and 1"), over edge operands
 * and a few seeded pseudo-random ones, in every operand size.  One line per
 * case prints the operands, the result and EFLAGS, with only the flags the
 * Intel SDM calls undefined for that instruction and count masked out.
 *
 * To keep the output a few MB, the other encodings of the same operation
 * (memory destination, memory source, by-CL vs immediate count, the 0xD1
 * by-1 form, the eax short form...) run too but print only when they differ
 * from the first form ("!mem=..."): natively they never do, so a difference
 * under xlat shows up as a changed line.
 *
 * Line format: "op<size> <operands> fi=<flags in> -> <result> f=<flags out>".
 */
#include "guest.h"

#define FLAGS_IN "push %[fi]\n\tpopf\n\t"
#define FLAGS_OUT "\n\tpushf\n\tpop %[fo]"

static const uint32_t edge_values[] = {
    0, 1, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x7fffffff, 0x80000000, 0xffffffff,
};
static const uint32_t flags_in_values[] = {0, F_ARITH};

/* Operand lists per size: edge values and random ones, truncated, deduped. */
static uint32_t vals[3][24];
static int nvals[3];
/* A shorter list for the many-count shift tests. */
static uint32_t svals[3][12];
static int nsvals[3];

static uint32_t size_mask(int bits)
{
    return bits == 32 ? 0xffffffffu : (1u << bits) - 1;
}

static int size_index(int bits)
{
    return bits == 8 ? 0 : bits == 16 ? 1 : 2;
}

static void add_val(uint32_t *list, int *n, uint32_t v)
{
    for (int i = 0; i < *n; i++)
        if (list[i] == v)
            return;
    list[(*n)++] = v;
}

static void init_values(void)
{
    uint32_t rnd[5];
    g_srand(12345);
    for (int i = 0; i < 5; i++)
        rnd[i] = g_rand();
    for (int s = 0; s < 3; s++) {
        int bits = 8 << s;
        uint32_t m = size_mask(bits);
        for (unsigned i = 0; i < sizeof edge_values / 4; i++)
            add_val(vals[s], &nvals[s], edge_values[i] & m);
        for (int i = 0; i < 5; i++)
            add_val(vals[s], &nvals[s], rnd[i] & m);
        static const uint32_t sv[] = {0, 1, 0x80, 0x7fffffff, 0x80000000, 0xffffffff};
        for (unsigned i = 0; i < sizeof sv / 4; i++)
            add_val(svals[s], &nsvals[s], sv[i] & m);
        add_val(svals[s], &nsvals[s], rnd[0] & m);
        add_val(svals[s], &nsvals[s], rnd[1] & m);
    }
}

/* Garbage for the register bits above the operand size: they must survive. */
static uint32_t upper(int bits, uint32_t v)
{
    if (bits == 8)
        return 0xa5c3e100u | (v & 0xff);
    if (bits == 16)
        return 0x5a3c0000u | (v & 0xffff);
    return v;
}

/* Appends " !tag=res/flags" when an alternative form disagrees. */
static void alt(const char *tag, uint32_t r0, uint32_t f0, uint32_t r1, uint32_t f1)
{
    if (r0 != r1 || f0 != f1)
        printf(" !%s=%x/%03x", tag, r1, f1);
}

/* ------------------------------------------------------------------ */
/* Binary ALU ops: reg,reg  mem,reg  reg,mem                           */

struct bres {
    uint32_t r, f;   /* reg,reg */
    uint32_t mr, mf; /* op reg -> mem */
    uint32_t sr, sf; /* op mem -> reg */
};

#define DEF_BINOP(NAME, INSN, SFX, MOD, CON, T)                                              \
    static void NAME(struct bres *o, uint32_t a, uint32_t b, uint32_t fi)                     \
    {                                                                                        \
        uint32_t ra = a, rs = a, fo;                                                         \
        T m = (T)a, mb = (T)b;                                                               \
        __asm__ volatile(FLAGS_IN INSN SFX " %" MOD "[b], %" MOD "[a]" FLAGS_OUT             \
                         : [a] "+" CON(ra), [fo] "=&r"(fo)                                   \
                         : [b] CON(b), [fi] "r"(fi)                                          \
                         : "cc");                                                            \
        o->r = ra, o->f = fo;                                                                \
        __asm__ volatile(FLAGS_IN INSN SFX " %" MOD "[b], %[m]" FLAGS_OUT                    \
                         : [m] "+m"(m), [fo] "=&r"(fo)                                       \
                         : [b] CON(b), [fi] "r"(fi)                                          \
                         : "cc");                                                            \
        o->mr = m, o->mf = fo;                                                               \
        __asm__ volatile(FLAGS_IN INSN SFX " %[mb], %" MOD "[a]" FLAGS_OUT                   \
                         : [a] "+" CON(rs), [fo] "=&r"(fo)                                   \
                         : [mb] "m"(mb), [fi] "r"(fi)                                        \
                         : "cc");                                                            \
        o->sr = rs, o->sf = fo;                                                              \
    }

#define DEF_BINOP3(name, insn)                                                               \
    DEF_BINOP(name##8, insn, "b", "b", "q", uint8_t)                                         \
    DEF_BINOP(name##16, insn, "w", "w", "r", uint16_t)                                       \
    DEF_BINOP(name##32, insn, "l", "k", "r", uint32_t)

DEF_BINOP3(op_add, "add")
DEF_BINOP3(op_adc, "adc")
DEF_BINOP3(op_sub, "sub")
DEF_BINOP3(op_sbb, "sbb")
DEF_BINOP3(op_and, "and")
DEF_BINOP3(op_or, "or")
DEF_BINOP3(op_xor, "xor")
DEF_BINOP3(op_cmp, "cmp")
DEF_BINOP3(op_test, "test")

typedef void binop_fn(struct bres *, uint32_t, uint32_t, uint32_t);
struct binop {
    const char *name;
    binop_fn *fn[3];
    uint32_t undef; /* undefined flags */
    int has_src_mem;
};

static const struct binop binops[] = {
    {"add", {op_add8, op_add16, op_add32}, 0, 1},
    {"adc", {op_adc8, op_adc16, op_adc32}, 0, 1},
    {"sub", {op_sub8, op_sub16, op_sub32}, 0, 1},
    {"sbb", {op_sbb8, op_sbb16, op_sbb32}, 0, 1},
    {"and", {op_and8, op_and16, op_and32}, F_AF, 1},
    {"or", {op_or8, op_or16, op_or32}, F_AF, 1},
    {"xor", {op_xor8, op_xor16, op_xor32}, F_AF, 1},
    {"cmp", {op_cmp8, op_cmp16, op_cmp32}, 0, 1},
    {"test", {op_test8, op_test16, op_test32}, F_AF, 0}, /* test mem,reg == test reg,mem */
};

static void test_binops(void)
{
    for (unsigned k = 0; k < sizeof binops / sizeof binops[0]; k++) {
        const struct binop *op = &binops[k];
        for (int s = 0; s < 3; s++) {
            int bits = 8 << s;
            uint32_t m = size_mask(bits), fm = F_ARITH & ~op->undef;
            for (int i = 0; i < nvals[s]; i++)
                for (int j = 0; j < nvals[s]; j++)
                    for (int c = 0; c < 2; c++) {
                        uint32_t a = upper(bits, vals[s][i]), b = vals[s][j];
                        uint32_t fi = flags_in_values[c];
                        struct bres o;
                        op->fn[s](&o, a, b, fi);
                        printf("%s%d %x %x fi=%03x -> %x f=%03x", op->name, bits, a & m, b, fi,
                               o.r, o.f & fm);
                        alt("mem", o.r & m, o.f & fm, o.mr & m, o.mf & fm);
                        if (op->has_src_mem)
                            alt("src", o.r, o.f & fm, o.sr, o.sf & fm);
                        printf("\n");
                    }
        }
    }
}

/* xchg: no flags; both operands swap, upper bits kept. */
static void xc8(struct bres *, uint32_t, uint32_t, uint32_t);
static void xc16(struct bres *, uint32_t, uint32_t, uint32_t);
static void xc32(struct bres *, uint32_t, uint32_t, uint32_t);

static void test_xchg(void)
{
    binop_fn *fn[3] = {xc8, xc16, xc32};
    for (int s = 0; s < 3; s++) {
        int bits = 8 << s;
        uint32_t m = size_mask(bits);
        for (int i = 0; i < nvals[s]; i += 2)
            for (int j = 1; j < nvals[s]; j += 3) {
                uint32_t a = upper(bits, vals[s][i]), b = upper(bits, ~vals[s][j]);
                struct bres o;
                fn[s](&o, a, b, F_ARITH);
                printf("xchg%d %x %x -> %x %x f=%03x", bits, a, b, o.r, o.sr, o.f & F_ARITH);
                alt("mem", o.r & m, o.f, o.mr & m, o.mf);
                alt("memsrc", o.sr, 0, o.sf, 0);
                printf("\n");
            }
    }
}

/* ------------------------------------------------------------------ */
/* Binary ops with immediates: op $imm, reg / $imm, mem / $imm, eax     */

#define DEF_IMMOP(NAME, INSN, SFX, MOD, CON, T, IMM)                                         \
    static void NAME(struct bres *o, uint32_t a, uint32_t fi)                                 \
    {                                                                                        \
        uint32_t ra = a, rs = a, fo;                                                         \
        T m = (T)a;                                                                          \
        __asm__ volatile(FLAGS_IN INSN SFX " $" #IMM ", %" MOD "[a]" FLAGS_OUT               \
                         : [a] "+" CON(ra), [fo] "=&r"(fo)                                   \
                         : [fi] "r"(fi)                                                      \
                         : "cc");                                                            \
        o->r = ra, o->f = fo;                                                                \
        __asm__ volatile(FLAGS_IN INSN SFX " $" #IMM ", %[m]" FLAGS_OUT                      \
                         : [m] "+m"(m), [fo] "=&r"(fo)                                       \
                         : [fi] "r"(fi)                                                      \
                         : "cc");                                                            \
        o->mr = m, o->mf = fo;                                                               \
        __asm__ volatile(FLAGS_IN INSN SFX " $" #IMM ", %" MOD "[a]" FLAGS_OUT               \
                         : [a] "+a"(rs), [fo] "=&r"(fo)                                      \
                         : [fi] "r"(fi)                                                      \
                         : "cc");                                                            \
        o->sr = rs, o->sf = fo;                                                              \
    }

/* imm8 sign-extended forms (0x83) and full immediates (0x81, eax short form). */
#define DEF_IMMOPS(name, insn)                                                               \
    DEF_IMMOP(name##8_a, insn, "b", "b", "q", uint8_t, 0x7f)                                 \
    DEF_IMMOP(name##8_b, insn, "b", "b", "q", uint8_t, 0x81)                                 \
    DEF_IMMOP(name##16_a, insn, "w", "w", "r", uint16_t, -1)                                 \
    DEF_IMMOP(name##16_b, insn, "w", "w", "r", uint16_t, 0x8001)                             \
    DEF_IMMOP(name##32_a, insn, "l", "k", "r", uint32_t, -128)                               \
    DEF_IMMOP(name##32_b, insn, "l", "k", "r", uint32_t, 0x12345678)                         \
    static void (*const name##_fns[6])(struct bres *, uint32_t, uint32_t) = {               \
        name##8_a, name##8_b, name##16_a, name##16_b, name##32_a, name##32_b};

DEF_IMMOPS(imm_add, "add")
DEF_IMMOPS(imm_adc, "adc")
DEF_IMMOPS(imm_sub, "sub")
DEF_IMMOPS(imm_sbb, "sbb")
DEF_IMMOPS(imm_and, "and")
DEF_IMMOPS(imm_or, "or")
DEF_IMMOPS(imm_xor, "xor")
DEF_IMMOPS(imm_cmp, "cmp")
DEF_IMMOPS(imm_test, "test")

static void test_immops(void)
{
    static const struct {
        const char *name;
        void (*const *fns)(struct bres *, uint32_t, uint32_t);
        uint32_t undef;
    } ops[] = {
        {"add", imm_add_fns, 0}, {"adc", imm_adc_fns, 0},     {"sub", imm_sub_fns, 0},
        {"sbb", imm_sbb_fns, 0}, {"and", imm_and_fns, F_AF}, {"or", imm_or_fns, F_AF},
        {"xor", imm_xor_fns, F_AF}, {"cmp", imm_cmp_fns, 0}, {"test", imm_test_fns, F_AF},
    };
    static const char *imms[6] = {"7f", "81", "-1", "8001", "-128", "12345678"};
    for (unsigned k = 0; k < sizeof ops / sizeof ops[0]; k++)
        for (int v = 0; v < 6; v++) {
            int s = v / 2, bits = 8 << s;
            uint32_t m = size_mask(bits), fm = F_ARITH & ~ops[k].undef;
            for (int i = 0; i < nvals[s]; i++)
                for (int c = 0; c < 2; c++) {
                    uint32_t a = upper(bits, vals[s][i]), fi = flags_in_values[c];
                    struct bres o;
                    ops[k].fns[v](&o, a, fi);
                    printf("%si%d %x $%s fi=%03x -> %x f=%03x", ops[k].name, bits, a & m,
                           imms[v], fi, o.r, o.f & fm);
                    alt("mem", o.r & m, o.f & fm, o.mr & m, o.mf & fm);
                    alt("eax", o.r, o.f & fm, o.sr, o.sf & fm);
                    printf("\n");
                }
        }
}

/* ------------------------------------------------------------------ */
/* Unary ops: inc dec neg not, reg and mem                              */

#define DEF_UNOP(NAME, INSN, SFX, MOD, CON, T)                                               \
    static void NAME(struct bres *o, uint32_t a, uint32_t fi)                                 \
    {                                                                                        \
        uint32_t ra = a, fo;                                                                 \
        T m = (T)a;                                                                          \
        __asm__ volatile(FLAGS_IN INSN SFX " %" MOD "[a]" FLAGS_OUT                          \
                         : [a] "+" CON(ra), [fo] "=&r"(fo)                                   \
                         : [fi] "r"(fi)                                                      \
                         : "cc");                                                            \
        o->r = ra, o->f = fo;                                                                \
        __asm__ volatile(FLAGS_IN INSN SFX " %[m]" FLAGS_OUT                                 \
                         : [m] "+m"(m), [fo] "=&r"(fo)                                       \
                         : [fi] "r"(fi)                                                      \
                         : "cc");                                                            \
        o->mr = m, o->mf = fo;                                                               \
    }

#define DEF_UNOP3(name, insn)                                                                \
    DEF_UNOP(name##8, insn, "b", "b", "q", uint8_t)                                          \
    DEF_UNOP(name##16, insn, "w", "w", "r", uint16_t)                                        \
    DEF_UNOP(name##32, insn, "l", "k", "r", uint32_t)

DEF_UNOP3(un_inc, "inc")
DEF_UNOP3(un_dec, "dec")
DEF_UNOP3(un_neg, "neg")
DEF_UNOP3(un_not, "not")

static void test_unops(void)
{
    static const struct {
        const char *name;
        void (*fn[3])(struct bres *, uint32_t, uint32_t);
    } ops[] = {
        {"inc", {un_inc8, un_inc16, un_inc32}},
        {"dec", {un_dec8, un_dec16, un_dec32}},
        {"neg", {un_neg8, un_neg16, un_neg32}},
        {"not", {un_not8, un_not16, un_not32}},
    };
    for (unsigned k = 0; k < 4; k++)
        for (int s = 0; s < 3; s++) {
            int bits = 8 << s;
            uint32_t m = size_mask(bits);
            for (int i = 0; i < nvals[s]; i++)
                for (int c = 0; c < 2; c++) {
                    uint32_t a = upper(bits, vals[s][i]), fi = flags_in_values[c];
                    struct bres o;
                    ops[k].fn[s](&o, a, fi);
                    printf("%s%d %x fi=%03x -> %x f=%03x", ops[k].name, bits, a & m, fi, o.r,
                           o.f & F_ARITH);
                    alt("mem", o.r & m, o.f & F_ARITH, o.mr & m, o.mf & F_ARITH);
                    printf("\n");
                }
        }
}

/* ------------------------------------------------------------------ */
/* Shifts and rotates: counts 0..33; imm (0xC0/0xC1 even for 1), by-1    */
/* (0xD0/0xD1), by-CL (0xD2/0xD3), reg and mem.                          */

struct sres {
    uint32_t r, f;     /* reg, imm count (0xC1 encoding) */
    uint32_t mr, mf;   /* mem, imm count */
    uint32_t cr, cf;   /* reg, cl */
    uint32_t cmr, cmf; /* mem, cl */
    uint32_t or_, of;  /* reg, by-1 (0xD1), only for count 1 */
};

#define REP34(M, ...)                                                                        \
    M(0, __VA_ARGS__) M(1, __VA_ARGS__) M(2, __VA_ARGS__) M(3, __VA_ARGS__)                  \
    M(4, __VA_ARGS__) M(5, __VA_ARGS__) M(6, __VA_ARGS__) M(7, __VA_ARGS__)                  \
    M(8, __VA_ARGS__) M(9, __VA_ARGS__) M(10, __VA_ARGS__) M(11, __VA_ARGS__)                \
    M(12, __VA_ARGS__) M(13, __VA_ARGS__) M(14, __VA_ARGS__) M(15, __VA_ARGS__)              \
    M(16, __VA_ARGS__) M(17, __VA_ARGS__) M(18, __VA_ARGS__) M(19, __VA_ARGS__)              \
    M(20, __VA_ARGS__) M(21, __VA_ARGS__) M(22, __VA_ARGS__) M(23, __VA_ARGS__)              \
    M(24, __VA_ARGS__) M(25, __VA_ARGS__) M(26, __VA_ARGS__) M(27, __VA_ARGS__)              \
    M(28, __VA_ARGS__) M(29, __VA_ARGS__) M(30, __VA_ARGS__) M(31, __VA_ARGS__)              \
    M(32, __VA_ARGS__) M(33, __VA_ARGS__)

/* The register form is hand-encoded on %eax/%ax/%al so that count 1 keeps the
 * 0xC1 encoding (gas would pick 0xD1). */
#define SHIFT_IMM_CASE(N, INSN, SFX, PFX, OPC, MODRM, T)                                      \
    case N:                                                                                  \
        __asm__ volatile(FLAGS_IN PFX ".byte " OPC ", " MODRM ", " #N FLAGS_OUT               \
                         : "+a"(ra), [fo] "=&r"(fo)                                          \
                         : [fi] "r"(fi)                                                      \
                         : "cc");                                                            \
        o->r = ra, o->f = fo;                                                                \
        __asm__ volatile(FLAGS_IN INSN SFX " $" #N ", %[m]" FLAGS_OUT                         \
                         : [m] "+m"(m), [fo] "=&r"(fo)                                       \
                         : [fi] "r"(fi)                                                      \
                         : "cc");                                                            \
        o->mr = m, o->mf = fo;                                                               \
        break;

#define DEF_SHIFT(NAME, INSN, SFX, MOD, CON, PFX, OPC_IMM, OPC_1, MODRM, T)                        \
    static void NAME(struct sres *o, uint32_t a, unsigned n, uint32_t fi)                     \
    {                                                                                        \
        uint32_t ra = a, fo;                                                                 \
        T m = (T)a;                                                                          \
        switch (n) { REP34(SHIFT_IMM_CASE, INSN, SFX, PFX, OPC_IMM, MODRM, T) }              \
        ra = a;                                                                              \
        __asm__ volatile(FLAGS_IN INSN SFX " %%cl, %" MOD "[a]" FLAGS_OUT                    \
                         : [a] "+" CON(ra), [fo] "=&r"(fo)                                   \
                         : "c"(n), [fi] "r"(fi)                                              \
                         : "cc");                                                            \
        o->cr = ra, o->cf = fo;                                                              \
        m = (T)a;                                                                            \
        __asm__ volatile(FLAGS_IN INSN SFX " %%cl, %[m]" FLAGS_OUT                           \
                         : [m] "+m"(m), [fo] "=&r"(fo)                                       \
                         : "c"(n), [fi] "r"(fi)                                              \
                         : "cc");                                                            \
        o->cmr = m, o->cmf = fo;                                                             \
        ra = a;                                                                              \
        __asm__ volatile(FLAGS_IN PFX ".byte " OPC_1 ", " MODRM FLAGS_OUT                    \
                         : "+a"(ra), [fo] "=&r"(fo)                                          \
                         : [fi] "r"(fi)                                                      \
                         : "cc");                                                            \
        o->or_ = ra, o->of = fo;                                                             \
    }

/* MODRM is 0xC0 | ext << 3 (register eax). */
#define DEF_SHIFT3(name, insn, modrm)                                                        \
    DEF_SHIFT(name##8, insn, "b", "b", "q", "", "0xc0", "0xd0", modrm, uint8_t)              \
    DEF_SHIFT(name##16, insn, "w", "w", "r", ".byte 0x66\n\t", "0xc1", "0xd1", modrm, uint16_t) \
    DEF_SHIFT(name##32, insn, "l", "k", "r", "", "0xc1", "0xd1", modrm, uint32_t)

DEF_SHIFT3(sh_rol, "rol", "0xc0")
DEF_SHIFT3(sh_ror, "ror", "0xc8")
DEF_SHIFT3(sh_rcl, "rcl", "0xd0")
DEF_SHIFT3(sh_rcr, "rcr", "0xd8")
DEF_SHIFT3(sh_shl, "shl", "0xe0")
DEF_SHIFT3(sh_shr, "shr", "0xe8")
DEF_SHIFT3(sh_sar, "sar", "0xf8")

enum { K_ROL, K_ROR, K_RCL, K_RCR, K_SHL, K_SHR, K_SAR };

static uint32_t shift_undef(int kind, int bits, unsigned n)
{
    unsigned c = n & 31;
    uint32_t u = 0;
    if (c == 0)
        return 0; /* flags unaffected: all defined */
    if (c != 1)
        u |= F_OF;
    if (kind >= K_SHL) {
        u |= F_AF;
        if (kind != K_SAR && c >= (unsigned)bits)
            u |= F_CF;
    }
    return u;
}

static void test_shifts(void)
{
    static const struct {
        const char *name;
        int kind;
        void (*fn[3])(struct sres *, uint32_t, unsigned, uint32_t);
    } ops[] = {
        {"rol", K_ROL, {sh_rol8, sh_rol16, sh_rol32}}, {"ror", K_ROR, {sh_ror8, sh_ror16, sh_ror32}},
        {"rcl", K_RCL, {sh_rcl8, sh_rcl16, sh_rcl32}}, {"rcr", K_RCR, {sh_rcr8, sh_rcr16, sh_rcr32}},
        {"shl", K_SHL, {sh_shl8, sh_shl16, sh_shl32}}, {"shr", K_SHR, {sh_shr8, sh_shr16, sh_shr32}},
        {"sar", K_SAR, {sh_sar8, sh_sar16, sh_sar32}},
    };
    for (unsigned k = 0; k < sizeof ops / sizeof ops[0]; k++)
        for (int s = 0; s < 3; s++) {
            int bits = 8 << s;
            uint32_t m = size_mask(bits);
            for (int i = 0; i < nsvals[s]; i++)
                for (unsigned n = 0; n <= 33; n++)
                    for (int c = 0; c < 2; c++) {
                        uint32_t a = upper(bits, svals[s][i]), fi = flags_in_values[c];
                        uint32_t fm = F_ARITH & ~shift_undef(ops[k].kind, bits, n);
                        struct sres o;
                        ops[k].fn[s](&o, a, n, fi);
                        printf("%s%d %x,%u fi=%03x -> %x f=%03x", ops[k].name, bits, a & m, n, fi,
                               o.r, o.f & fm);
                        alt("mem", o.r & m, o.f & fm, o.mr & m, o.mf & fm);
                        alt("cl", o.r, o.f & fm, o.cr, o.cf & fm);
                        alt("clmem", o.r & m, o.f & fm, o.cmr & m, o.cmf & fm);
                        if (n == 1)
                            alt("d1", o.r, o.f & fm, o.or_, o.of & fm);
                        printf("\n");
                    }
        }
}

/* ------------------------------------------------------------------ */
/* shld / shrd                                                          */

#define SHD_IMM_CASE(N, INSN, SFX, MOD)                                                      \
    case N:                                                                                  \
        __asm__ volatile(FLAGS_IN INSN SFX " $" #N ", %" MOD "[b], %" MOD "[a]" FLAGS_OUT     \
                         : [a] "+r"(ra), [fo] "=&r"(fo)                                      \
                         : [b] "r"(b), [fi] "r"(fi)                                          \
                         : "cc");                                                            \
        o->r = ra, o->f = fo;                                                                \
        __asm__ volatile(FLAGS_IN INSN SFX " $" #N ", %" MOD "[b], %[m]" FLAGS_OUT            \
                         : [m] "+m"(m), [fo] "=&r"(fo)                                       \
                         : [b] "r"(b), [fi] "r"(fi)                                          \
                         : "cc");                                                            \
        o->mr = m, o->mf = fo;                                                               \
        break;

#define DEF_SHD(NAME, INSN, SFX, MOD, T)                                                     \
    static void NAME(struct sres *o, uint32_t a, uint32_t b, unsigned n, uint32_t fi)         \
    {                                                                                        \
        uint32_t ra = a, fo;                                                                 \
        T m = (T)a;                                                                          \
        switch (n) { REP34(SHD_IMM_CASE, INSN, SFX, MOD) }                                   \
        ra = a;                                                                              \
        __asm__ volatile(FLAGS_IN INSN SFX " %%cl, %" MOD "[b], %" MOD "[a]" FLAGS_OUT        \
                         : [a] "+r"(ra), [fo] "=&r"(fo)                                      \
                         : [b] "r"(b), "c"(n), [fi] "r"(fi)                                  \
                         : "cc");                                                            \
        o->cr = ra, o->cf = fo;                                                              \
        m = (T)a;                                                                            \
        __asm__ volatile(FLAGS_IN INSN SFX " %%cl, %" MOD "[b], %[m]" FLAGS_OUT               \
                         : [m] "+m"(m), [fo] "=&r"(fo)                                       \
                         : [b] "r"(b), "c"(n), [fi] "r"(fi)                                  \
                         : "cc");                                                            \
        o->cmr = m, o->cmf = fo;                                                             \
    }

DEF_SHD(shd_shld16, "shld", "w", "w", uint16_t)
DEF_SHD(shd_shld32, "shld", "l", "k", uint32_t)
DEF_SHD(shd_shrd16, "shrd", "w", "w", uint16_t)
DEF_SHD(shd_shrd32, "shrd", "l", "k", uint32_t)

static void test_shd(void)
{
    static const struct {
        const char *name;
        int bits;
        void (*fn)(struct sres *, uint32_t, uint32_t, unsigned, uint32_t);
    } ops[] = {
        {"shld", 16, shd_shld16}, {"shld", 32, shd_shld32},
        {"shrd", 16, shd_shrd16}, {"shrd", 32, shd_shrd32},
    };
    static const uint32_t bv[] = {0, 0xffffffff, 0x80000001, 0x12345678};
    for (unsigned k = 0; k < 4; k++) {
        int bits = ops[k].bits, s = size_index(bits);
        uint32_t m = size_mask(bits);
        for (int i = 0; i < nsvals[s]; i++)
            for (unsigned j = 0; j < 4; j++)
                for (unsigned n = 0; n <= 33; n++)
                    for (int c = 0; c < 2; c++) {
                        uint32_t a = upper(bits, svals[s][i]), b = upper(bits, bv[j]);
                        uint32_t fi = flags_in_values[c], fm = F_ARITH, rm = 0xffffffff;
                        unsigned cnt = n & 31;
                        if (cnt != 0) {
                            fm &= ~F_AF;
                            if (cnt != 1)
                                fm &= ~F_OF;
                        }
                        if (bits == 16 && cnt > 16)
                            fm = 0, rm = 0xffff0000; /* result and flags undefined */
                        struct sres o;
                        ops[k].fn(&o, a, b, n, fi);
                        printf("%s%d %x %x,%u fi=%03x -> %x f=%03x", ops[k].name, bits, a & m,
                               b & m, n, fi, o.r & rm, o.f & fm);
                        alt("mem", o.r & m & rm, o.f & fm, o.mr & m & rm, o.mf & fm);
                        alt("cl", o.r & rm, o.f & fm, o.cr & rm, o.cf & fm);
                        alt("clmem", o.r & m & rm, o.f & fm, o.cmr & m & rm, o.cmf & fm);
                        printf("\n");
                    }
    }
}

/* ------------------------------------------------------------------ */
/* mul / imul / div / idiv                                              */

struct mres {
    uint32_t lo, hi, f;
    uint32_t mlo, mhi, mf; /* memory operand */
};

#define DEF_MUL1(NAME, INSN, SFX, MOD, T)                                                    \
    static void NAME(struct mres *o, uint32_t a, uint32_t d, uint32_t b, uint32_t fi)         \
    {                                                                                        \
        uint32_t ra = a, rd = d, fo;                                                         \
        T m = (T)b;                                                                          \
        __asm__ volatile(FLAGS_IN INSN SFX " %" MOD "[b]" FLAGS_OUT                          \
                         : "+a"(ra), "+d"(rd), [fo] "=&r"(fo)                                \
                         : [b] "q"(b), [fi] "r"(fi)                                          \
                         : "cc");                                                            \
        o->lo = ra, o->hi = rd, o->f = fo;                                                   \
        ra = a, rd = d;                                                                      \
        __asm__ volatile(FLAGS_IN INSN SFX " %[m]" FLAGS_OUT                                 \
                         : "+a"(ra), "+d"(rd), [fo] "=&r"(fo)                                \
                         : [m] "m"(m), [fi] "r"(fi)                                          \
                         : "cc");                                                            \
        o->mlo = ra, o->mhi = rd, o->mf = fo;                                                \
    }

DEF_MUL1(m_mul8, "mul", "b", "b", uint8_t)
DEF_MUL1(m_mul16, "mul", "w", "w", uint16_t)
DEF_MUL1(m_mul32, "mul", "l", "k", uint32_t)
DEF_MUL1(m_imul8, "imul", "b", "b", uint8_t)
DEF_MUL1(m_imul16, "imul", "w", "w", uint16_t)
DEF_MUL1(m_imul32, "imul", "l", "k", uint32_t)
DEF_MUL1(m_div8, "div", "b", "b", uint8_t)
DEF_MUL1(m_div16, "div", "w", "w", uint16_t)
DEF_MUL1(m_div32, "div", "l", "k", uint32_t)
DEF_MUL1(m_idiv8, "idiv", "b", "b", uint8_t)
DEF_MUL1(m_idiv16, "idiv", "w", "w", uint16_t)
DEF_MUL1(m_idiv32, "idiv", "l", "k", uint32_t)

/* imul r, r/m (2-operand) and imul r, r/m, imm (3-operand). */
#define DEF_IMUL2(NAME, SFX, MOD, T, IMM)                                                    \
    static void NAME(struct mres *o, uint32_t a, uint32_t b, uint32_t fi)                     \
    {                                                                                        \
        uint32_t ra = a, rb = b, fo;                                                         \
        T m = (T)b;                                                                          \
        __asm__ volatile(FLAGS_IN "imul" SFX " %" MOD "[b], %" MOD "[a]" FLAGS_OUT            \
                         : [a] "+r"(ra), [fo] "=&r"(fo)                                      \
                         : [b] "r"(b), [fi] "r"(fi)                                          \
                         : "cc");                                                            \
        o->lo = ra, o->f = fo;                                                               \
        ra = a;                                                                              \
        __asm__ volatile(FLAGS_IN "imul" SFX " %[m], %" MOD "[a]" FLAGS_OUT                  \
                         : [a] "+r"(ra), [fo] "=&r"(fo)                                      \
                         : [m] "m"(m), [fi] "r"(fi)                                          \
                         : "cc");                                                            \
        o->mlo = ra, o->mf = fo;                                                             \
        ra = a;                                                                              \
        __asm__ volatile(FLAGS_IN "imul" SFX " $" #IMM ", %" MOD "[b], %" MOD "[a]" FLAGS_OUT \
                         : [a] "+r"(ra), [fo] "=&r"(fo)                                      \
                         : [b] "r"(rb), [fi] "r"(fi)                                         \
                         : "cc");                                                            \
        o->hi = ra, o->mhi = fo;                                                             \
    }

DEF_IMUL2(m_imul2_16a, "w", "w", uint16_t, -3)
DEF_IMUL2(m_imul2_16b, "w", "w", uint16_t, 0x4001)
DEF_IMUL2(m_imul2_32a, "l", "k", uint32_t, 127)
DEF_IMUL2(m_imul2_32b, "l", "k", uint32_t, -0x12345)

static void test_mul(void)
{
    static const struct {
        const char *name;
        void (*fn[3])(struct mres *, uint32_t, uint32_t, uint32_t, uint32_t);
    } ops[] = {
        {"mul", {m_mul8, m_mul16, m_mul32}},
        {"imul", {m_imul8, m_imul16, m_imul32}},
    };
    const uint32_t fm = F_OF | F_CF;
    for (int k = 0; k < 2; k++)
        for (int s = 0; s < 3; s++) {
            int bits = 8 << s;
            uint32_t m = size_mask(bits);
            for (int i = 0; i < nvals[s]; i++)
                for (int j = 0; j < nvals[s]; j++) {
                    uint32_t a = upper(bits, vals[s][i]), b = vals[s][j];
                    struct mres o;
                    ops[k].fn[s](&o, a, 0xdeadbeef, b, (i + j) & 1 ? F_ARITH : 0);
                    printf("%s%d %x %x -> %x:%x f=%03x", ops[k].name, bits, a & m, b, o.hi, o.lo,
                           o.f & fm);
                    if (o.lo != o.mlo || o.hi != o.mhi || (o.f & fm) != (o.mf & fm))
                        printf(" !mem=%x:%x/%03x", o.mhi, o.mlo, o.mf & fm);
                    printf("\n");
                }
        }
    static const struct {
        int bits;
        const char *imm;
        void (*fn)(struct mres *, uint32_t, uint32_t, uint32_t);
    } i2[] = {
        {16, "-3", m_imul2_16a}, {16, "4001", m_imul2_16b},
        {32, "127", m_imul2_32a}, {32, "-12345", m_imul2_32b},
    };
    for (int k = 0; k < 4; k++) {
        int bits = i2[k].bits, s = size_index(bits);
        uint32_t m = size_mask(bits);
        for (int i = 0; i < nvals[s]; i++)
            for (int j = 0; j < nvals[s]; j++) {
                uint32_t a = upper(bits, vals[s][i]), b = upper(bits, vals[s][j]);
                struct mres o;
                i2[k].fn(&o, a, b, (i + j) & 1 ? F_ARITH : 0);
                printf("imul2_%d %x %x -> %x f=%03x", bits, a & m, b & m, o.lo, o.f & fm);
                alt("mem", o.lo, o.f & fm, o.mlo, o.mf & fm);
                if (j == 0 || j == 3 || j == 8 || j == nvals[s] - 1) {
                    /* 3-operand form: imm * b -> a */
                    printf(" imm%s*%x -> %x f=%03x", i2[k].imm, b & m, o.hi, o.mhi & fm);
                }
                printf("\n");
            }
    }
}

/* Would this divide fault (#DE)?  dividend = hi:lo (2*bits wide). */
static int div_faults(int sgn, int bits, uint32_t hi, uint32_t lo, uint32_t b)
{
    uint32_t m = size_mask(bits);
    b &= m;
    if (b == 0)
        return 1;
    uint64_t dv = bits == 8 ? (lo & 0xffff) : ((uint64_t)(hi & m) << bits) | (lo & m);
    if (!sgn)
        return dv / b > m;
    int64_t sdv, sb;
    if (bits == 8)
        sdv = (int16_t)dv, sb = (int8_t)b;
    else if (bits == 16)
        sdv = (int32_t)dv, sb = (int16_t)b;
    else
        sdv = (int64_t)dv, sb = (int32_t)b;
    if (sdv == INT64_MIN)
        return 1;
    int64_t q = sdv / sb;
    int64_t lim = (int64_t)1 << (bits - 1);
    return q < -lim || q >= lim;
}

static void test_div(void)
{
    static const struct {
        const char *name;
        int sgn;
        void (*fn[3])(struct mres *, uint32_t, uint32_t, uint32_t, uint32_t);
    } ops[] = {
        {"div", 0, {m_div8, m_div16, m_div32}},
        {"idiv", 1, {m_idiv8, m_idiv16, m_idiv32}},
    };
    static const uint32_t hiv[] = {0, 1, 0x7f, 0xffffffff, 0x12345};
    for (int k = 0; k < 2; k++)
        for (int s = 0; s < 3; s++) {
            int bits = 8 << s;
            for (unsigned h = 0; h < 5; h++)
                for (int i = 0; i < nvals[s]; i++)
                    for (int j = 0; j < nvals[s]; j++) {
                        uint32_t hi = hiv[h], lo = upper(bits, vals[s][i]), b = vals[s][j];
                        if (bits == 8) {
                            /* dividend is ax: use hi as ah */
                            lo = (lo & 0xffff00ff) | ((hi & 0xff) << 8);
                        }
                        if (div_faults(ops[k].sgn, bits, hi, lo, b))
                            continue;
                        struct mres o;
                        ops[k].fn[s](&o, lo, hi, b, (h + j) & 1 ? F_ARITH : 0);
                        printf("%s%d %x:%x / %x -> %x:%x", ops[k].name, bits, hi, lo, b, o.hi,
                               o.lo);
                        if (o.lo != o.mlo || o.hi != o.mhi)
                            printf(" !mem=%x:%x", o.mhi, o.mlo);
                        printf("\n");
                    }
        }
}

/* ------------------------------------------------------------------ */
/* bt bts btr btc                                                       */

#define DEF_BT(NAME, INSN, SFX, MOD)                                                         \
    static void NAME(struct bres *o, uint32_t a, uint32_t b, uint32_t fi)                     \
    {                                                                                        \
        uint32_t ra = a, fo;                                                                 \
        __asm__ volatile(FLAGS_IN INSN SFX " %" MOD "[b], %" MOD "[a]" FLAGS_OUT              \
                         : [a] "+r"(ra), [fo] "=&r"(fo)                                      \
                         : [b] "r"(b), [fi] "r"(fi)                                          \
                         : "cc");                                                            \
        o->r = ra, o->f = fo;                                                                \
        ra = a;                                                                              \
        __asm__ volatile(FLAGS_IN INSN SFX " $13, %" MOD "[a]" FLAGS_OUT                      \
                         : [a] "+r"(ra), [fo] "=&r"(fo)                                      \
                         : [fi] "r"(fi)                                                      \
                         : "cc");                                                            \
        o->mr = ra, o->mf = fo;                                                              \
        ra = a;                                                                              \
        __asm__ volatile(FLAGS_IN INSN SFX " $36, %" MOD "[a]" FLAGS_OUT                      \
                         : [a] "+r"(ra), [fo] "=&r"(fo)                                      \
                         : [fi] "r"(fi)                                                      \
                         : "cc");                                                            \
        o->sr = ra, o->sf = fo;                                                              \
    }

DEF_BT(bt_bt16, "bt", "w", "w")
DEF_BT(bt_bts16, "bts", "w", "w")
DEF_BT(bt_btr16, "btr", "w", "w")
DEF_BT(bt_btc16, "btc", "w", "w")
DEF_BT(bt_bt32, "bt", "l", "k")
DEF_BT(bt_bts32, "bts", "l", "k")
DEF_BT(bt_btr32, "btr", "l", "k")
DEF_BT(bt_btc32, "btc", "l", "k")

/* Memory bit strings: the register offset is signed and may reach far
 * outside the addressed word. */
#define DEF_BTMEM(NAME, INSN, SFX, MOD)                                                      \
    static uint32_t NAME(void *p, int32_t off, uint32_t fi)                                  \
    {                                                                                        \
        uint32_t fo;                                                                         \
        __asm__ volatile(FLAGS_IN INSN SFX " %" MOD "[b], (%[p])" FLAGS_OUT                   \
                         : [fo] "=&r"(fo)                                                    \
                         : [b] "r"(off), [p] "r"(p), [fi] "r"(fi)                            \
                         : "cc", "memory");                                                  \
        return fo;                                                                           \
    }

DEF_BTMEM(btm_bt16, "bt", "w", "w")
DEF_BTMEM(btm_bts16, "bts", "w", "w")
DEF_BTMEM(btm_btr16, "btr", "w", "w")
DEF_BTMEM(btm_btc16, "btc", "w", "w")
DEF_BTMEM(btm_bt32, "bt", "l", "k")
DEF_BTMEM(btm_bts32, "bts", "l", "k")
DEF_BTMEM(btm_btr32, "btr", "l", "k")
DEF_BTMEM(btm_btc32, "btc", "l", "k")

#define DEF_BTMEMI(NAME, INSN, SFX, IMM)                                                     \
    static uint32_t NAME(void *p, uint32_t fi)                                               \
    {                                                                                        \
        uint32_t fo;                                                                         \
        __asm__ volatile(FLAGS_IN INSN SFX " $" #IMM ", (%[p])" FLAGS_OUT                     \
                         : [fo] "=&r"(fo)                                                    \
                         : [p] "r"(p), [fi] "r"(fi)                                          \
                         : "cc", "memory");                                                  \
        return fo;                                                                           \
    }

DEF_BTMEMI(btmi_bts16, "bts", "w", 21) /* imm offset is taken mod 16 */
DEF_BTMEMI(btmi_btc32, "btc", "l", 45) /* mod 32 */
DEF_BTMEMI(btmi_bt32, "bt", "l", 7)
DEF_BTMEMI(btmi_btr32, "btr", "l", 31)

static uint8_t btbuf[256];

static void test_bt(void)
{
    const uint32_t fm = F_CF | F_ZF;
    static const struct {
        const char *name;
        int bits;
        void (*fn)(struct bres *, uint32_t, uint32_t, uint32_t);
        uint32_t (*mfn)(void *, int32_t, uint32_t);
    } ops[] = {
        {"bt", 16, bt_bt16, btm_bt16},    {"bts", 16, bt_bts16, btm_bts16},
        {"btr", 16, bt_btr16, btm_btr16}, {"btc", 16, bt_btc16, btm_btc16},
        {"bt", 32, bt_bt32, btm_bt32},    {"bts", 32, bt_bts32, btm_bts32},
        {"btr", 32, bt_btr32, btm_btr32}, {"btc", 32, bt_btc32, btm_btc32},
    };
    static const uint32_t offs[] = {0, 1, 5, 15, 16, 17, 31, 32, 33, 63, 100, 0xffffffff, 0x80000007};
    for (int k = 0; k < 8; k++) {
        int bits = ops[k].bits, s = size_index(bits);
        for (int i = 0; i < nvals[s]; i += 2)
            for (unsigned j = 0; j < sizeof offs / 4; j++)
                for (int c = 0; c < 2; c++) {
                    uint32_t a = upper(bits, vals[s][i]), fi = flags_in_values[c];
                    struct bres o;
                    ops[k].fn(&o, a, offs[j], fi);
                    printf("%s%d %x,%x fi=%03x -> %x f=%03x", ops[k].name, bits,
                           a & size_mask(bits), offs[j], fi, o.r, o.f & fm);
                    if (j == 0)
                        printf(" i13 %x/%03x i36 %x/%03x", o.mr, o.mf & fm, o.sr, o.sf & fm);
                    printf("\n");
                }
    }
    /* memory forms with large and negative offsets */
    static const int32_t moffs[] = {0, 3, 15, 16, 31, 32, 100, 511, -1, -16, -17, -33, -500, 777};
    for (int k = 0; k < 8; k++)
        for (unsigned j = 0; j < sizeof moffs / 4; j++)
            for (int c = 0; c < 2; c++) {
                for (int i = 0; i < 256; i++)
                    btbuf[i] = (uint8_t)(i * 37 + 11);
                uint32_t f = ops[k].mfn(btbuf + 128, moffs[j], flags_in_values[c]);
                printf("%sm%d %d fi=%03x -> f=%03x crc=%08x\n", ops[k].name, ops[k].bits,
                       moffs[j], flags_in_values[c], f & fm, g_crc32(0, btbuf, sizeof btbuf));
            }
    uint32_t (*ifn[4])(void *, uint32_t) = {btmi_bts16, btmi_btc32, btmi_bt32, btmi_btr32};
    for (int k = 0; k < 4; k++)
        for (int c = 0; c < 2; c++) {
            for (int i = 0; i < 256; i++)
                btbuf[i] = (uint8_t)(i * 91 + 3);
            uint32_t f = ifn[k](btbuf + 128, flags_in_values[c]);
            printf("btmi%d fi=%03x -> f=%03x crc=%08x\n", k, flags_in_values[c], f & fm,
                   g_crc32(0, btbuf, sizeof btbuf));
        }
}

/* ------------------------------------------------------------------ */
/* bsf bsr bswap                                                        */

#define DEF_BSX(NAME, INSN, SFX, MOD)                                                        \
    static void NAME(struct bres *o, uint32_t a, uint32_t b, uint32_t fi)                     \
    {                                                                                        \
        uint32_t ra = a, fo;                                                                 \
        __asm__ volatile(FLAGS_IN INSN SFX " %" MOD "[b], %" MOD "[a]" FLAGS_OUT              \
                         : [a] "+r"(ra), [fo] "=&r"(fo)                                      \
                         : [b] "r"(b), [fi] "r"(fi)                                          \
                         : "cc");                                                            \
        o->r = ra, o->f = fo;                                                                \
    }

DEF_BSX(bs_bsf16, "bsf", "w", "w")
DEF_BSX(bs_bsr16, "bsr", "w", "w")
DEF_BSX(bs_bsf32, "bsf", "l", "k")
DEF_BSX(bs_bsr32, "bsr", "l", "k")

static void test_bsx(void)
{
    static const struct {
        const char *name;
        int bits;
        void (*fn)(struct bres *, uint32_t, uint32_t, uint32_t);
    } ops[] = {
        {"bsf", 16, bs_bsf16}, {"bsr", 16, bs_bsr16}, {"bsf", 32, bs_bsf32}, {"bsr", 32, bs_bsr32},
    };
    for (int k = 0; k < 4; k++) {
        int bits = ops[k].bits, s = size_index(bits);
        for (int i = 0; i < nvals[s]; i++)
            for (int c = 0; c < 2; c++) {
                uint32_t b = vals[s][i];
                struct bres o;
                ops[k].fn(&o, 0x11223344, b, flags_in_values[c]);
                /* destination undefined when the source is zero */
                uint32_t r = b ? o.r : 0;
                printf("%s%d %x fi=%03x -> %x f=%03x\n", ops[k].name, bits, b, flags_in_values[c],
                       r, o.f & F_ZF);
            }
    }
    for (int i = 0; i < nvals[2]; i++) {
        uint32_t v = vals[2][i];
        __asm__("bswap %0" : "+r"(v));
        printf("bswap %x -> %x\n", vals[2][i], v);
    }
}

/* ------------------------------------------------------------------ */
/* xadd cmpxchg cmpxchg8b                                               */

#define DEF_XADD(NAME, INSN, SFX, MOD, CON, T)                                                     \
    static void NAME(struct bres *o, uint32_t a, uint32_t b, uint32_t fi)                     \
    {                                                                                        \
        uint32_t ra = a, rb = b, fo;                                                         \
        T m = (T)a;                                                                          \
        __asm__ volatile(FLAGS_IN INSN SFX " %" MOD "[b], %" MOD "[a]" FLAGS_OUT            \
                         : [a] "+" CON(ra), [b] "+" CON(rb), [fo] "=&r"(fo)                  \
                         : [fi] "r"(fi)                                                      \
                         : "cc");                                                            \
        o->r = ra, o->sr = rb, o->f = fo;                                                    \
        rb = b;                                                                              \
        __asm__ volatile(FLAGS_IN INSN SFX " %" MOD "[b], %[m]" FLAGS_OUT                   \
                         : [m] "+m"(m), [b] "+" CON(rb), [fo] "=&r"(fo)                      \
                         : [fi] "r"(fi)                                                      \
                         : "cc");                                                            \
        o->mr = m, o->sf = rb, o->mf = fo;                                                   \
    }

DEF_XADD(xa8, "xadd", "b", "b", "q", uint8_t)
DEF_XADD(xa16, "xadd", "w", "w", "r", uint16_t)
DEF_XADD(xa32, "xadd", "l", "k", "r", uint32_t)
DEF_XADD(xc8, "xchg", "b", "b", "q", uint8_t)
DEF_XADD(xc16, "xchg", "w", "w", "r", uint16_t)
DEF_XADD(xc32, "xchg", "l", "k", "r", uint32_t)

/* cmpxchg dest, src with eax as the comparand. */
#define DEF_CMPXCHG(NAME, SFX, MOD, CON, T)                                                  \
    static void NAME(struct bres *o, uint32_t *eax, uint32_t a, uint32_t b, uint32_t fi)      \
    {                                                                                        \
        uint32_t ra = a, re = *eax, fo;                                                      \
        T m = (T)a;                                                                          \
        __asm__ volatile(FLAGS_IN "cmpxchg" SFX " %" MOD "[b], %" MOD "[a]" FLAGS_OUT         \
                         : [a] "+" CON(ra), "+a"(re), [fo] "=&r"(fo)                         \
                         : [b] CON(b), [fi] "r"(fi)                                          \
                         : "cc");                                                            \
        o->r = ra, o->sr = re, o->f = fo;                                                    \
        re = *eax;                                                                           \
        __asm__ volatile(FLAGS_IN "cmpxchg" SFX " %" MOD "[b], %[m]" FLAGS_OUT                \
                         : [m] "+m"(m), "+a"(re), [fo] "=&r"(fo)                             \
                         : [b] CON(b), [fi] "r"(fi)                                          \
                         : "cc");                                                            \
        o->mr = m, o->sf = re, o->mf = fo;                                                   \
    }

DEF_CMPXCHG(cx8, "b", "b", "q", uint8_t)
DEF_CMPXCHG(cx16, "w", "w", "r", uint16_t)
DEF_CMPXCHG(cx32, "l", "k", "r", uint32_t)

static void test_xadd_cmpxchg(void)
{
    void (*xa[3])(struct bres *, uint32_t, uint32_t, uint32_t) = {xa8, xa16, xa32};
    void (*cx[3])(struct bres *, uint32_t *, uint32_t, uint32_t, uint32_t) = {cx8, cx16, cx32};
    for (int s = 0; s < 3; s++) {
        int bits = 8 << s;
        uint32_t m = size_mask(bits);
        for (int i = 0; i < nvals[s]; i++)
            for (int j = 0; j < nvals[s]; j += 2) {
                uint32_t a = upper(bits, vals[s][i]), b = upper(bits, vals[s][j]);
                uint32_t fi = (i + j) & 1 ? F_ARITH : 0;
                struct bres o;
                xa[s](&o, a, b, fi);
                printf("xadd%d %x %x -> %x %x f=%03x", bits, a & m, b & m, o.r, o.sr,
                       o.f & F_ARITH);
                alt("mem", o.r & m, o.f & F_ARITH, o.mr & m, o.mf & F_ARITH);
                alt("memsrc", o.sr, 0, o.sf, 0);
                printf("\n");
                for (int eq = 0; eq < 2; eq++) {
                    uint32_t eax = eq ? upper(bits, a) : 0xcafe0000u | (~a & m);
                    cx[s](&o, &eax, a, b, fi);
                    printf("cmpxchg%d eax=%x %x %x -> %x eax=%x f=%03x", bits, eax, a & m, b & m,
                           o.r, o.sr, o.f & F_ARITH);
                    alt("mem", o.r & m, o.f & F_ARITH, o.mr & m, o.mf & F_ARITH);
                    alt("memeax", o.sr, 0, o.sf, 0);
                    printf("\n");
                }
            }
    }
    /* cmpxchg8b: only ZF changes. */
    static const uint64_t q[] = {0, 0x123456789abcdef0ull, 0xffffffffffffffffull, 0x8000000000000000ull};
    for (int i = 0; i < 4; i++)
        for (int eq = 0; eq < 2; eq++)
            for (int c = 0; c < 2; c++) {
                uint64_t m = q[i];
                uint32_t lo = eq ? (uint32_t)q[i] : 0x5555, hi = eq ? (uint32_t)(q[i] >> 32) : 7;
                uint32_t fi = flags_in_values[c], fo;
                uint32_t bl = 0x11111111 * (i + 1), ch = 0x01020304;
                __asm__ volatile(FLAGS_IN "cmpxchg8b %[m]" FLAGS_OUT
                                 : [m] "+m"(m), "+a"(lo), "+d"(hi), [fo] "=&r"(fo)
                                 : "b"(bl), "c"(ch), [fi] "r"(fi)
                                 : "cc");
                printf("cmpxchg8b %llx eq=%d fi=%03x -> mem=%llx edx:eax=%x:%x f=%03x\n",
                       (unsigned long long)q[i], eq, fi, (unsigned long long)m, hi, lo, fo & F_ARITH);
            }
}

/* ------------------------------------------------------------------ */
/* setcc / cmovcc over all 32 combinations of OF SF ZF PF CF            */

#define SETCC(CC)                                                                            \
    __asm__ volatile("push %[fi]\n\tpopf\n\tset" CC " %[r]\n\tset" CC " %[m]"                \
                     : [r] "=q"(r), [m] "=m"(mm)                                             \
                     : [fi] "r"(fi)                                                          \
                     : "cc");                                                                \
    bits |= (uint32_t)r << n, mbits |= (uint32_t)mm << n, n++;

#define CMOV(CC)                                                                             \
    rv = 0x1111, rw = 0x22220000;                                                            \
    __asm__ volatile("push %[fi]\n\tpopf\n\tcmov" CC "l %[s], %[d]\n\tcmov" CC "w %[ms], %w[e]" \
                     : [d] "+r"(rv), [e] "+r"(rw)                                            \
                     : [s] "r"(0x7777u), [ms] "m"(m16), [fi] "r"(fi)                          \
                     : "cc");                                                                \
    cbits |= (uint32_t)(rv == 0x7777) << n2, cbits2 |= (uint32_t)(rw == 0x22223333) << n2, n2++;

static void test_setcc_cmov(void)
{
    static const uint32_t fl[5] = {F_OF, F_SF, F_ZF, F_PF, F_CF};
    for (int combo = 0; combo < 32; combo++) {
        uint32_t fi = 0x202; /* IF and reserved bit 1, as popf leaves them */
        for (int b = 0; b < 5; b++)
            if (combo & (1 << b))
                fi |= fl[b];
        uint8_t r, mm;
        uint16_t m16 = 0x3333;
        uint32_t bits = 0, mbits = 0, n = 0, cbits = 0, cbits2 = 0, n2 = 0, rv, rw;
        SETCC("o") SETCC("no") SETCC("b") SETCC("ae") SETCC("e") SETCC("ne") SETCC("be")
        SETCC("a") SETCC("s") SETCC("ns") SETCC("p") SETCC("np") SETCC("l") SETCC("ge")
        SETCC("le") SETCC("g")
        CMOV("o") CMOV("no") CMOV("b") CMOV("ae") CMOV("e") CMOV("ne") CMOV("be") CMOV("a")
        CMOV("s") CMOV("ns") CMOV("p") CMOV("np") CMOV("l") CMOV("ge") CMOV("le") CMOV("g")
        printf("setcc %s -> %04x mem %04x cmov %04x %04x\n", g_flags_str(fi), bits, mbits, cbits,
               cbits2);
    }
}

/* ------------------------------------------------------------------ */
/* BCD: daa das aaa aas aam aad                                          */

#define DEF_BCD(NAME, INSN, UNDEF)                                                           \
    static void NAME(void)                                                                   \
    {                                                                                        \
        for (uint32_t al = 0; al < 256; al++)                                                \
            for (uint32_t c = 0; c < 4; c++) {                                               \
                uint32_t fi = (c & 1 ? F_CF : 0) | (c & 2 ? F_AF : 0), fo;                   \
                uint32_t a = 0x12345600 | al;                                                \
                __asm__ volatile(FLAGS_IN INSN FLAGS_OUT                                     \
                                 : "+a"(a), [fo] "=&r"(fo)                                   \
                                 : [fi] "r"(fi)                                              \
                                 : "cc");                                                    \
                printf(INSN " %02x %s -> %x f=%03x\n", al, c == 0 ? "--" : c == 1 ? "-C" : c == 2 ? "A-" : "AC", \
                       a, fo & (F_ARITH & ~(UNDEF)));                                         \
            }                                                                                \
    }

DEF_BCD(bcd_daa, "daa", F_OF)
DEF_BCD(bcd_das, "das", F_OF)
DEF_BCD(bcd_aaa, "aaa", F_OF | F_SF | F_ZF | F_PF)
DEF_BCD(bcd_aas, "aas", F_OF | F_SF | F_ZF | F_PF)

#define AAM_AAD(INSN, BASE)                                                                  \
    for (uint32_t v = 0; v < 256; v += (INSN[2] == 'm' ? 1 : 3)) {                           \
        uint32_t a = INSN[2] == 'm' ? 0xabcd0000u | v : 0xabcd0000u | (v << 8) | ((v * 7) & 0xff), fo; \
        uint32_t a0 = a;                                                                     \
        __asm__ volatile(FLAGS_IN INSN " $" #BASE FLAGS_OUT : "+a"(a), [fo] "=&r"(fo)        \
                         : [fi] "r"(v & 1 ? F_ARITH : 0u) : "cc");                          \
        printf(INSN " %s %x -> %x f=%03x\n", #BASE, a0, a, fo & (F_SF | F_ZF | F_PF));       \
    }

static void test_bcd(void)
{
    bcd_daa();
    bcd_das();
    bcd_aaa();
    bcd_aas();
    AAM_AAD("aam", 10)
    AAM_AAD("aam", 7)
    AAM_AAD("aad", 10)
    AAM_AAD("aad", 16)
}

/* ------------------------------------------------------------------ */
/* Conversions and moves: cbw cwde cwd cdq movsx movzx                  */

static void test_conv(void)
{
    for (int i = 0; i < nvals[2]; i++) {
        uint32_t v = vals[2][i], a, d;
        a = v;
        __asm__("cbw" : "+a"(a));
        printf("cbw %x -> %x", v, a);
        a = v;
        __asm__("cwde" : "+a"(a));
        printf(" cwde %x", a);
        a = v, d = 0x55555555;
        __asm__("cwd" : "+a"(a), "+d"(d));
        printf(" cwd %x:%x", d, a);
        a = v, d = 0x55555555;
        __asm__("cdq" : "+a"(a), "+d"(d));
        printf(" cdq %x:%x\n", d, a);
        uint32_t r1, r2, r3, r4, r5, r6, r7 = 0xeeeeeeee, r8 = 0xeeeeeeee;
        uint8_t m8 = (uint8_t)v;
        uint16_t m16 = (uint16_t)v;
        __asm__("movsbl %b1, %0" : "=r"(r1) : "q"(v));
        __asm__("movzbl %b1, %0" : "=r"(r2) : "q"(v));
        __asm__("movswl %w1, %0" : "=r"(r3) : "r"(v));
        __asm__("movzwl %w1, %0" : "=r"(r4) : "r"(v));
        __asm__("movsbl %1, %0" : "=r"(r5) : "m"(m8));
        __asm__("movzwl %1, %0" : "=r"(r6) : "m"(m16));
        __asm__("movsbw %b1, %w0" : "+r"(r7) : "q"(v));
        __asm__("movzbw %1, %w0" : "+r"(r8) : "m"(m8));
        printf("movx %x -> %x %x %x %x %x %x %x %x\n", v, r1, r2, r3, r4, r5, r6, r7, r8);
        /* high-byte registers */
        uint32_t ah = 0x11223344, bh = upper(8, v) << 8 | 0x99;
        __asm__ volatile("movb %h1, %h0\n\taddb %b1, %h0\n\txorb %h0, %b0" : "+Q"(ah) : "Q"(bh) : "cc");
        printf("hibyte %x -> %x\n", bh, ah);
    }
}

/* ------------------------------------------------------------------ */
/* lea, 32- and 16-bit addressing                                       */

static void test_lea(void)
{
    static const uint32_t bases[] = {0, 0x1234, 0xfffffff0, 0x80000000};
    for (int i = 0; i < 4; i++) {
        uint32_t b = bases[i], x = 0x1001 * (i + 1) + 0xfff0, r[16];
        __asm__("leal (%1), %0" : "=r"(r[0]) : "r"(b));
        __asm__("leal 0x10(%1), %0" : "=r"(r[1]) : "r"(b));
        __asm__("leal -0x80(%1), %0" : "=r"(r[2]) : "r"(b));
        __asm__("leal 0x12345678(%1), %0" : "=r"(r[3]) : "r"(b));
        __asm__("leal (%1,%2), %0" : "=r"(r[4]) : "r"(b), "r"(x));
        __asm__("leal 7(%1,%2,2), %0" : "=r"(r[5]) : "r"(b), "r"(x));
        __asm__("leal -9(%1,%2,4), %0" : "=r"(r[6]) : "r"(b), "r"(x));
        __asm__("leal 0x7fffffff(%1,%2,8), %0" : "=r"(r[7]) : "r"(b), "r"(x));
        __asm__("leal 0x100(,%1,4), %0" : "=r"(r[8]) : "r"(x));
        __asm__("leal 0x55aa, %0" : "=r"(r[9]));
        __asm__("leal (%1,%1,2), %0" : "=r"(r[10]) : "r"(b));
        __asm__("leaw 0x20(%1,%2,2), %w0" : "=r"(r[11]) : "r"(b), "r"(x), "0"(0xdddddddd));
        printf("lea32 %x %x -> %x %x %x %x %x %x %x %x %x %x %x %x\n", b, x, r[0], r[1], r[2],
               r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11]);
        /* 16-bit addressing: bx si di bp, wrapping at 64K. */
        uint32_t rb = b ^ 0xabcd, rsi = x, rdi = x * 3, o[8];
        __asm__("addr16 leal (%%bx,%%si), %0" : "=r"(o[0]) : "b"(rb), "S"(rsi));
        __asm__("addr16 leal 0x7f(%%bx,%%di), %0" : "=r"(o[1]) : "b"(rb), "D"(rdi));
        __asm__("addr16 leal -0x2(%%si), %0" : "=r"(o[2]) : "S"(rsi));
        __asm__("addr16 leal 0x8001(%%di), %0" : "=r"(o[3]) : "D"(rdi));
        __asm__("addr16 leal (%%bx), %0" : "=r"(o[4]) : "b"(rb));
        __asm__("addr16 leal 0x1234, %0" : "=r"(o[5]));
        __asm__("addr16 leaw 0xfff0(%%bx,%%si), %w0" : "=r"(o[6]) : "b"(rb), "S"(rsi), "0"(0x77777777));
        uint32_t bp = rdi;
        __asm__("xchg %%ebp, %1\n\taddr16 leal 0x10(%%bp,%%si), %0\n\txchg %%ebp, %1"
                : "=&r"(o[7]), "+r"(bp) : "S"(rsi));
        printf("lea16 %x %x %x -> %x %x %x %x %x %x %x %x\n", rb, rsi, rdi, o[0], o[1], o[2], o[3],
               o[4], o[5], o[6], o[7]);
    }
}

/* ------------------------------------------------------------------ */
/* xlat, lahf/sahf, pushf/popf, clc/stc/cmc                             */

static void test_misc(void)
{
    static uint8_t table[256];
    for (int i = 0; i < 256; i++)
        table[i] = (uint8_t)(i * 13 + 5);
    uint32_t acc = 0;
    for (uint32_t i = 0; i < 256; i += 7) {
        uint32_t a = 0xabcdef00 | i;
        __asm__("xlatb" : "+a"(a) : "b"(table));
        acc = acc * 31 + a;
        printf("%s%x", i ? " " : "xlat ", a & 0xff);
    }
    printf(" acc=%x\n", acc);
    for (uint32_t v = 0; v < 256; v += 5) {
        uint32_t a = 0x1234 | (v << 8), f, ah;
        __asm__ volatile("sahf\n\tpushf\n\tpop %1\n\tmovl $0, %%eax\n\tlahf\n\tmovl %%eax, %2"
                         : "+a"(a), "=&r"(f), "=&r"(ah) : : "cc");
        printf("sahf %02x -> f=%03x lahf=%x\n", v, f & F_ARITH, ah);
    }
    static const uint32_t pf[] = {0, F_ARITH, F_CF | F_ZF, F_OF | F_SF, 0x8d5 | F_DF, 0x200cd5};
    for (int i = 0; i < 6; i++) {
        uint32_t f, g, h, k;
        __asm__ volatile("push %4\n\tpopf\n\tpushf\n\tpop %0\n\t"
                         "clc\n\tpushf\n\tpop %1\n\t"
                         "stc\n\tpushf\n\tpop %2\n\t"
                         "cmc\n\tcmc\n\tcmc\n\tpushf\n\tpop %3\n\tcld"
                         : "=&r"(f), "=&r"(g), "=&r"(h), "=&r"(k) : "r"(pf[i]) : "cc");
        /* mask TF/IF/ID/AC/VIF/VIP (system-dependent or unsupported bits) */
        const uint32_t mk = F_ARITH | F_DF | 0x2;
        __asm__ volatile("cld");
        printf("popf %x -> %x clc %x stc %x cmc3 %x\n", pf[i], f & mk, g & mk, h & mk, k & mk);
    }
}

int main(void)
{
    init_values();
    test_binops();
    test_xchg();
    test_immops();
    test_unops();
    test_shifts();
    test_shd();
    test_mul();
    test_div();
    test_bt();
    test_bsx();
    test_xadd_cmpxchg();
    test_setcc_cmov();
    test_bcd();
    test_conv();
    test_lea();
    test_misc();
    printf("done\n");
    return 0;
}
