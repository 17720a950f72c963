/*
 * test-interp.c - the interpreter backend against the host CPU.
 *
 * Every cc op at every size runs twice: as a one-op IR block in the
 * interpreter, and as the same x86 instruction on the host (x86-64 has the
 * same flag semantics for 8/16/32-bit ops), from the same input flags, over
 * edge operands and seeded random values, carry-in 0 and 1, and shift counts
 * 0..33.  Results and every flag the SDM defines must match; only flags the
 * SDM calls undefined are masked.  Then plain ops, memory (including the ldw
 * write probe on a read-only page), branches, chaining, calls and exits.
 * Ends with "N passed, N failed"; exits non-zero on failure.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "exec/exec.h"
#include "host/interp/flags.h"
#include "linux-user/guest-mem.h"

/* Stand-ins for the exec and linux-user layers when the test is linked
 * without them (the library's definitions win when present). */
__attribute__((weak)) uintptr_t guest_base;
__attribute__((weak)) _Noreturn void cpu_raise(CPUX86State *env, int signo, int code,
                                               uint32_t addr)
{
    env->exc_signo = signo;
    env->exc_code = code;
    env->exc_addr = addr;
    env->exit_reason = EXIT_EXCEPTION;
    siglongjmp(env->jmp_env, 1);
}

static int npass, nfail;

static void check(bool ok, const char *what)
{
    if (ok) {
        npass++;
    } else {
        nfail++;
        if (nfail < 40)
            printf("FAIL: %s\n", what);
    }
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint32_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)rng_state;
}

/* ------------------------------------------------------------------------ */
/* host side: one function per instruction and size.  a in eax (result),    */
/* b in edx, count in ecx; flags in and out through pushf/popf.            */

typedef struct HostRes {
    uint32_t r, hi, flags;
} HostRes;

#define HOST_FN(fname, insn)                                                                       \
    static HostRes fname(uint32_t a, uint32_t b, uint32_t c, uint32_t fl)                          \
    {                                                                                              \
        uint64_t f = fl | 0x2;                                                                     \
        uint64_t ra = a, rd = b, rc = c;                                                           \
        __asm__ volatile("push %[f]\n\tpopfq\n\t" insn "\n\tpushfq\n\tpop %[f]"                    \
                         : [f] "+r"(f), "+a"(ra), "+d"(rd), "+c"(rc)                               \
                         :                                                                         \
                         : "cc");                                                                  \
        return (HostRes){(uint32_t)ra, (uint32_t)rd, (uint32_t)f & X86_CC_MASK};                   \
    }

#define HOST_3SIZES(base, i8, i16, i32)                                                            \
    HOST_FN(base##8, i8)                                                                           \
    HOST_FN(base##16, i16)                                                                         \
    HOST_FN(base##32, i32)

HOST_3SIZES(h_add, "add %%dl,%%al", "add %%dx,%%ax", "add %%edx,%%eax")
HOST_3SIZES(h_adc, "adc %%dl,%%al", "adc %%dx,%%ax", "adc %%edx,%%eax")
HOST_3SIZES(h_sub, "sub %%dl,%%al", "sub %%dx,%%ax", "sub %%edx,%%eax")
HOST_3SIZES(h_sbb, "sbb %%dl,%%al", "sbb %%dx,%%ax", "sbb %%edx,%%eax")
HOST_3SIZES(h_and, "and %%dl,%%al", "and %%dx,%%ax", "and %%edx,%%eax")
HOST_3SIZES(h_or, "or %%dl,%%al", "or %%dx,%%ax", "or %%edx,%%eax")
HOST_3SIZES(h_xor, "xor %%dl,%%al", "xor %%dx,%%ax", "xor %%edx,%%eax")
HOST_3SIZES(h_inc, "inc %%al", "inc %%ax", "inc %%eax")
HOST_3SIZES(h_dec, "dec %%al", "dec %%ax", "dec %%eax")
HOST_3SIZES(h_neg, "neg %%al", "neg %%ax", "neg %%eax")
HOST_3SIZES(h_shl, "shl %%cl,%%al", "shl %%cl,%%ax", "shl %%cl,%%eax")
HOST_3SIZES(h_shr, "shr %%cl,%%al", "shr %%cl,%%ax", "shr %%cl,%%eax")
HOST_3SIZES(h_sar, "sar %%cl,%%al", "sar %%cl,%%ax", "sar %%cl,%%eax")
HOST_3SIZES(h_rol, "rol %%cl,%%al", "rol %%cl,%%ax", "rol %%cl,%%eax")
HOST_3SIZES(h_ror, "ror %%cl,%%al", "ror %%cl,%%ax", "ror %%cl,%%eax")
HOST_3SIZES(h_rcl, "rcl %%cl,%%al", "rcl %%cl,%%ax", "rcl %%cl,%%eax")
HOST_3SIZES(h_rcr, "rcr %%cl,%%al", "rcr %%cl,%%ax", "rcr %%cl,%%eax")
/* mul/imul: 8-bit leaves the product in ax; move ah to dl as the high half */
HOST_3SIZES(h_mulu, "mul %%dl\n\tmovzbl %%ah,%%edx\n\tmovzbl %%al,%%eax", "mul %%dx",
            "mul %%edx")
HOST_3SIZES(h_muls, "imul %%dl\n\tmovzbl %%ah,%%edx\n\tmovzbl %%al,%%eax", "imul %%dx",
            "imul %%edx")
HOST_FN(h_shld16, "shld %%cl,%%dx,%%ax")
HOST_FN(h_shld32, "shld %%cl,%%edx,%%eax")
HOST_FN(h_shrd16, "shrd %%cl,%%dx,%%ax")
HOST_FN(h_shrd32, "shrd %%cl,%%edx,%%eax")
/* bsf/bsr: IR in0 = source (edx), in1 = old destination (eax) */
HOST_FN(h_bsf16, "bsf %%dx,%%ax")
HOST_FN(h_bsf32, "bsf %%edx,%%eax")
HOST_FN(h_bsr16, "bsr %%dx,%%ax")
HOST_FN(h_bsr32, "bsr %%edx,%%eax")
/* bit tests: value in eax, index in edx */
HOST_FN(h_bt16, "bt %%dx,%%ax")
HOST_FN(h_bt32, "bt %%edx,%%eax")
HOST_FN(h_bts16, "bts %%dx,%%ax")
HOST_FN(h_bts32, "bts %%edx,%%eax")
HOST_FN(h_btr16, "btr %%dx,%%ax")
HOST_FN(h_btr32, "btr %%edx,%%eax")
HOST_FN(h_btc16, "btc %%dx,%%ax")
HOST_FN(h_btc32, "btc %%edx,%%eax")

typedef HostRes (*HostFn)(uint32_t a, uint32_t b, uint32_t c, uint32_t fl);

/* ------------------------------------------------------------------------ */
/* the cases                                                                */

enum { K_BIN, K_UN, K_SHIFT, K_DSHIFT, K_MUL, K_BSX, K_BT };

typedef struct OpCase {
    const char *name;
    IROpc opc;
    int kind;
    HostFn host[3]; /* sizes 8, 16, 32 (NULL: size not tested) */
} OpCase;

static const OpCase cases[] = {
    {"add", IR_add_cc, K_BIN, {h_add8, h_add16, h_add32}},
    {"adc", IR_adc_cc, K_BIN, {h_adc8, h_adc16, h_adc32}},
    {"sub", IR_sub_cc, K_BIN, {h_sub8, h_sub16, h_sub32}},
    {"sbb", IR_sbb_cc, K_BIN, {h_sbb8, h_sbb16, h_sbb32}},
    {"and", IR_and_cc, K_BIN, {h_and8, h_and16, h_and32}},
    {"or", IR_or_cc, K_BIN, {h_or8, h_or16, h_or32}},
    {"xor", IR_xor_cc, K_BIN, {h_xor8, h_xor16, h_xor32}},
    {"inc", IR_inc_cc, K_UN, {h_inc8, h_inc16, h_inc32}},
    {"dec", IR_dec_cc, K_UN, {h_dec8, h_dec16, h_dec32}},
    {"neg", IR_neg_cc, K_UN, {h_neg8, h_neg16, h_neg32}},
    {"shl", IR_shl_cc, K_SHIFT, {h_shl8, h_shl16, h_shl32}},
    {"shr", IR_shr_cc, K_SHIFT, {h_shr8, h_shr16, h_shr32}},
    {"sar", IR_sar_cc, K_SHIFT, {h_sar8, h_sar16, h_sar32}},
    {"rol", IR_rol_cc, K_SHIFT, {h_rol8, h_rol16, h_rol32}},
    {"ror", IR_ror_cc, K_SHIFT, {h_ror8, h_ror16, h_ror32}},
    {"rcl", IR_rcl_cc, K_SHIFT, {h_rcl8, h_rcl16, h_rcl32}},
    {"rcr", IR_rcr_cc, K_SHIFT, {h_rcr8, h_rcr16, h_rcr32}},
    {"shld", IR_shld_cc, K_DSHIFT, {NULL, h_shld16, h_shld32}},
    {"shrd", IR_shrd_cc, K_DSHIFT, {NULL, h_shrd16, h_shrd32}},
    {"mulu", IR_mulu_cc, K_MUL, {h_mulu8, h_mulu16, h_mulu32}},
    {"muls", IR_muls_cc, K_MUL, {h_muls8, h_muls16, h_muls32}},
    {"bsf", IR_bsf_cc, K_BSX, {NULL, h_bsf16, h_bsf32}},
    {"bsr", IR_bsr_cc, K_BSX, {NULL, h_bsr16, h_bsr32}},
    {"bt", IR_bt_cc, K_BT, {NULL, h_bt16, h_bt32}},
    {"bts", IR_bts_cc, K_BT, {NULL, h_bts16, h_bts32}},
    {"btr", IR_btr_cc, K_BT, {NULL, h_btr16, h_btr32}},
    {"btc", IR_btc_cc, K_BT, {NULL, h_btc16, h_btc32}},
};

/* Flags the SDM leaves undefined for this case (never compared). */
static uint32_t undefined_flags(const OpCase *oc, unsigned size, uint32_t c,
                                bool *skip_result)
{
    uint32_t n = c & 31;
    *skip_result = false;
    switch (oc->opc) {
    case IR_and_cc: case IR_or_cc: case IR_xor_cc:
        return CC_A;
    case IR_shl_cc: case IR_shr_cc: case IR_sar_cc:
        if (n == 0)
            return 0;
        return CC_A | (n != 1 ? CC_O : 0) |
               (oc->opc != IR_sar_cc && n >= size ? CC_C : 0);
    case IR_rol_cc: case IR_ror_cc: case IR_rcl_cc: case IR_rcr_cc:
        return n > 1 ? CC_O : 0;
    case IR_shld_cc: case IR_shrd_cc:
        if (n == 0)
            return 0;
        if (n > size) {
            *skip_result = true;
            return CC_ALL;
        }
        return CC_A | (n != 1 ? CC_O : 0);
    case IR_mulu_cc: case IR_muls_cc:
        return CC_S | CC_Z | CC_A | CC_P;
    case IR_bsf_cc: case IR_bsr_cc:
        return CC_ALL & ~CC_Z;
    case IR_bt_cc: case IR_bts_cc: case IR_btr_cc: case IR_btc_cc:
        return CC_O | CC_S | CC_A | CC_P;
    default:
        return 0;
    }
}

/* One-op block: out = op(eax, edx[, ecx]); eax = out; edx = hi. */
static void build_case(IRBlock *b, IROpc opc, unsigned size, int kind)
{
    ir_block_init(b, 0x1000);
    IROp *op = ir_emit(b, IR_insn_start, 32);
    op->aux[0] = 0x1000;
    op->aux[1] = 3;
    IRVal t0 = ir_temp(b), t1 = ir_temp(b);
    switch (kind) {
    case K_UN: ir_op1(b, opc, (int)size, t0, IR_G_EAX); break;
    case K_SHIFT: ir_op2(b, opc, (int)size, t0, IR_G_EAX, IR_G_ECX); break;
    case K_DSHIFT: ir_op3(b, opc, (int)size, t0, IR_G_EAX, IR_G_EDX, IR_G_ECX); break;
    case K_BSX: ir_op2(b, opc, (int)size, t0, IR_G_EDX, IR_G_EAX); break;
    case K_BT:
        if (opc == IR_bt_cc) {
            op = ir_emit(b, opc, (int)size);
            op->in[0] = IR_G_EAX;
            op->in[1] = IR_G_EDX;
            ir_op1(b, IR_mov, 32, t0, IR_G_EAX);
        } else {
            ir_op2(b, opc, (int)size, t0, IR_G_EAX, IR_G_EDX);
        }
        break;
    case K_MUL:
        op = ir_op2(b, opc, (int)size, t0, IR_G_EAX, IR_G_EDX);
        op->out[1] = t1;
        break;
    default: ir_op2(b, opc, (int)size, t0, IR_G_EAX, IR_G_EDX); break;
    }
    ir_op1(b, IR_mov, 32, IR_G_EAX, t0);
    if (kind == K_MUL)
        ir_op1(b, IR_mov, 32, IR_G_EDX, t1);
    op = ir_emit(b, IR_exit_tb, 32);
    op->aux[0] = EXIT_NORMAL;
    for (int i = 0; i < b->nops; i++)
        b->op[i].cc_live = CC_ALL;
}

static CPUX86State cpu;
static IRBlock blk;

static void run_case(const OpCase *oc, unsigned size, TB *tb, uint32_t a, uint32_t b, uint32_t c,
                     uint32_t fl)
{
    HostRes h = oc->host[size / 16](a, b, c, fl);
    cpu.regs[R_EAX] = a;
    cpu.regs[R_EDX] = b;
    cpu.regs[R_ECX] = c;
    cpu.cc = fl;
    backend_interp.exec(&cpu, tb);
    bool skip;
    uint32_t und = undefined_flags(oc, size, c, &skip);
    uint32_t m = size == 32 ? ~0u : (1u << size) - 1;
    bool ok = (cpu.cc & ~und) == (h.flags & ~und);
    if (!skip)
        ok = ok && (cpu.regs[R_EAX] & m) == (h.r & m);
    if (oc->kind == K_MUL)
        ok = ok && (cpu.regs[R_EDX] & m) == (h.hi & m);
    if (!ok) {
        char msg[200];
        snprintf(msg, sizeof(msg),
                 "%s%u a=%#x b=%#x c=%#x fl=%#x: interp r=%#x hi=%#x cc=%#x, host r=%#x hi=%#x "
                 "cc=%#x (undef %#x)",
                 oc->name, size, a, b, c, fl, cpu.regs[R_EAX], cpu.regs[R_EDX], cpu.cc, h.r, h.hi,
                 h.flags, und);
        check(false, msg);
    } else {
        check(true, "");
    }
}

static const uint32_t edges[] = {0,      1,          0x7f,       0x80,      0xff,  0x7fff,
                                 0x8000, 0xffff,     0x7fffffff, 0x80000000, 0xffffffff};
#define NEDGES (sizeof(edges) / sizeof(edges[0]))
#define NRANDOM 12

static uint32_t operand(unsigned i)
{
    return i < NEDGES ? edges[i] : rnd();
}

/* The same op with its flags dead (INSN_NOCC paths): same result. */
static void test_nocc(const OpCase *oc, unsigned size, const TB *full)
{
    TB tb;
    memset(&tb, 0, sizeof(tb));
    for (int i = 0; i < blk.nops; i++)
        if (ir_opdef[blk.op[i].opc].flags & IR_F_CC)
            blk.op[i].cc_live = 0;
    backend_interp.compile(&tb, &blk);
    for (unsigned i = 0; i < NEDGES; i++) {
        for (unsigned j = 0; j < NEDGES; j++) {
            uint32_t a = edges[i], b = edges[j], c = (i * 7 + j) % 34, fl = rnd() & X86_CC_MASK;
            uint32_t res[2][2];
            for (int k = 0; k < 2; k++) {
                cpu.regs[R_EAX] = a;
                cpu.regs[R_EDX] = b;
                cpu.regs[R_ECX] = c;
                cpu.cc = fl;
                backend_interp.exec(&cpu, k ? &tb : (TB *)full);
                res[k][0] = cpu.regs[R_EAX];
                res[k][1] = cpu.regs[R_EDX];
            }
            char msg[120];
            snprintf(msg, sizeof(msg), "%s%u flags dead a=%#x b=%#x c=%u: %#x/%#x vs %#x/%#x", oc->name,
                     size, a, b, c, res[0][0], res[0][1], res[1][0], res[1][1]);
            check(res[0][0] == res[1][0] && res[0][1] == res[1][1], msg);
        }
    }
    backend_interp.free_tb(&tb);
    for (int i = 0; i < blk.nops; i++)
        blk.op[i].cc_live = CC_ALL;
}

static void test_cc_ops(void)
{
    static const unsigned sizes[3] = {8, 16, 32};
    for (size_t ci = 0; ci < sizeof(cases) / sizeof(cases[0]); ci++) {
        const OpCase *oc = &cases[ci];
        for (int si = 0; si < 3; si++) {
            if (!oc->host[si])
                continue;
            unsigned size = sizes[si];
            TB tb;
            memset(&tb, 0, sizeof(tb));
            build_case(&blk, oc->opc, size, oc->kind);
            if (backend_interp.compile(&tb, &blk) != 0) {
                check(false, "compile");
                continue;
            }
            test_nocc(oc, size, &tb);
            bool counted = oc->kind == K_SHIFT || oc->kind == K_DSHIFT;
            for (unsigned i = 0; i < NEDGES + NRANDOM; i++) {
                for (unsigned j = 0; j < NEDGES + NRANDOM; j++) {
                    uint32_t a = operand(i), b = operand(j);
                    for (int cin = 0; cin < 2; cin++) {
                        uint32_t fl = (rnd() & (X86_CC_MASK & ~X86_CF)) | (cin ? X86_CF : 0);
                        if (!counted) {
                            run_case(oc, size, &tb, a, b, 0, fl);
                            continue;
                        }
                        for (uint32_t n = 0; n <= 33; n++)
                            run_case(oc, size, &tb, a, b, n, fl);
                        if (oc->kind == K_SHIFT)
                            break; /* b is unused: one pass over it is enough */
                    }
                    if (oc->kind == K_SHIFT && j > 0)
                        break;
                }
            }
            backend_interp.free_tb(&tb);
        }
    }
}

/* ------------------------------------------------------------------------ */
/* whole blocks                                                             */

static void start_block(IRBlock *b, uint32_t pc)
{
    ir_block_init(b, pc);
    IROp *op = ir_emit(b, IR_insn_start, 32);
    op->aux[0] = pc;
    op->aux[1] = 1;
}

static void end_block(IRBlock *b, uint32_t reason)
{
    IROp *op = ir_emit(b, IR_exit_tb, 32);
    op->aux[0] = reason;
    for (int i = 0; i < b->nops; i++)
        b->op[i].cc_live = CC_ALL;
}

/* The TB of run_block: freed at the next run, so a run that unwinds with
 * siglongjmp leaks nothing. */
static TB run_tb;

static uint32_t run_block(IRBlock *b)
{
    backend_interp.free_tb(&run_tb);
    memset(&run_tb, 0, sizeof(run_tb));
    if (backend_interp.compile(&run_tb, b) != 0)
        return ~0u;
    return backend_interp.exec(&cpu, &run_tb);
}

static void test_plain_ops(void)
{
    static const struct {
        IROpc opc;
        int size;
        uint32_t a, b, c, want;
    } t[] = {
        {IR_add, 32, 0xffffffff, 2, 0, 1},         {IR_sub, 32, 1, 2, 0, 0xffffffff},
        {IR_mul, 32, 0x10001, 0x10001, 0, 0x20001}, {IR_shl, 32, 1, 33, 0, 2},
        {IR_shr, 32, 0x80000000, 31, 0, 1},        {IR_sar, 32, 0x80000000, 31, 0, 0xffffffff},
        {IR_not, 32, 0, 0, 0, 0xffffffff},         {IR_neg, 32, 1, 0, 0, 0xffffffff},
        {IR_bswap, 32, 0x11223344, 0, 0, 0x44332211}, {IR_zext, 8, 0x1ff, 0, 0, 0xff},
        {IR_zext, 16, 0x1ffff, 0, 0, 0xffff},      {IR_sext, 8, 0x80, 0, 0, 0xffffff80},
        {IR_sext, 16, 0x8000, 0, 0, 0xffff8000},   {IR_ext8hi, 32, 0x1234, 0, 0, 0x12},
        {IR_dep, 8, 0x11223344, 0xaabb, 0, 0x112233bb}, {IR_dep, 16, 0x11223344, 0xaabb, 0, 0x1122aabb},
        {IR_dep8hi, 32, 0x11223344, 0x1ff, 0, 0x1122ff44}, {IR_seteq, 32, 5, 5, 0, 1},
        {IR_setne, 32, 5, 5, 0, 0},                {IR_selnz, 32, 0, 7, 9, 9},
        {IR_selnz, 32, 3, 7, 9, 7},                {IR_and, 32, 0xf0f0, 0xff00, 0, 0xf000},
        {IR_or, 32, 0xf0f0, 0xff00, 0, 0xfff0},    {IR_xor, 32, 0xf0f0, 0xff00, 0, 0x0ff0},
    };
    for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        start_block(&blk, 0x2000);
        IRVal ca = ir_const(&blk, t[i].a), cb = ir_const(&blk, t[i].b), cc = ir_const(&blk, t[i].c);
        IRVal r = ir_temp(&blk);
        int nin = ir_opdef[t[i].opc].nin;
        IROp *op = ir_emit(&blk, t[i].opc, t[i].size);
        op->out[0] = r;
        op->in[0] = ca;
        if (nin > 1)
            op->in[1] = cb;
        if (nin > 2)
            op->in[2] = cc;
        ir_op1(&blk, IR_mov, 32, IR_G_EBX, r);
        end_block(&blk, EXIT_NORMAL);
        run_block(&blk);
        char msg[80];
        snprintf(msg, sizeof(msg), "plain %s%d -> %#x want %#x", ir_opdef[t[i].opc].name,
                 t[i].size, cpu.regs[R_EBX], t[i].want);
        check(cpu.regs[R_EBX] == t[i].want, msg);
    }
}

static uint8_t *guest_mem;
#define GMEM_SIZE 0x3000 /* page 0, 1 read-write; page 2 read-only */

static sigjmp_buf segv_jmp;
static volatile int segv_seen;
static void on_segv(int sig)
{
    (void)sig;
    segv_seen = 1;
    siglongjmp(segv_jmp, 1);
}

static void test_memory(void)
{
    guest_mem = mmap(NULL, GMEM_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    check(guest_mem != MAP_FAILED, "mmap");
    if (guest_mem == MAP_FAILED)
        return;
    guest_base = (uintptr_t)guest_mem;
    guest_mem[0x2000] = 0x5a;
    mprotect(guest_mem + 0x2000, 0x1000, PROT_READ);

    /* unaligned store and loads, zero- and sign-extending */
    start_block(&blk, 0x3000);
    IRVal t0 = ir_temp(&blk), t1 = ir_temp(&blk), t2 = ir_temp(&blk), t3 = ir_temp(&blk);
    ir_op2(&blk, IR_st, 32, IR_NOVAL, ir_const(&blk, 0x101), ir_const(&blk, 0x80c0ffee));
    ir_op1(&blk, IR_ld, 32, t0, ir_const(&blk, 0x101));
    ir_op1(&blk, IR_lds, 8, t1, ir_const(&blk, 0x104));
    ir_op1(&blk, IR_ld, 16, t2, ir_const(&blk, 0x103));
    ir_op1(&blk, IR_ldw, 8, t3, ir_const(&blk, 0x101));
    ir_op1(&blk, IR_mov, 32, IR_G_EAX, t0);
    ir_op1(&blk, IR_mov, 32, IR_G_EBX, t1);
    ir_op1(&blk, IR_mov, 32, IR_G_ECX, t2);
    ir_op1(&blk, IR_mov, 32, IR_G_EDX, t3);
    end_block(&blk, EXIT_NORMAL);
    run_block(&blk);
    check(cpu.regs[R_EAX] == 0x80c0ffee, "st/ld32 unaligned");
    check(cpu.regs[R_EBX] == 0xffffff80, "lds8");
    check(cpu.regs[R_ECX] == 0x80c0, "ld16");
    check(cpu.regs[R_EDX] == 0xee, "ldw8");

    /* ldw on a read-only page faults before anything changes; ld does not */
    struct sigaction sa, old;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_segv;
    sigaction(SIGSEGV, &sa, &old);
    for (int w = 0; w < 2; w++) {
        start_block(&blk, 0x4000);
        IRVal v = ir_temp(&blk);
        ir_op1(&blk, w ? IR_ldw : IR_ld, 32, v, ir_const(&blk, 0x1ffe));
        ir_op1(&blk, IR_mov, 32, IR_G_ESI, v);
        end_block(&blk, EXIT_NORMAL);
        cpu.regs[R_ESI] = 0x1234;
        segv_seen = 0;
        if (sigsetjmp(segv_jmp, 1) == 0)
            run_block(&blk);
        check(segv_seen == w, w ? "ldw faults on read-only page" : "ld reads read-only page");
        check(w ? cpu.regs[R_ESI] == 0x1234 : cpu.regs[R_ESI] == 0x005a0000,
              "register after ld/ldw");
        check(guest_mem[0x2000] == 0x5a, "ldw changed nothing");
        check(!w || cpu.eip == 0x4000, "eip at the faulting insn");
        check(!w || backend_interp.fault_state(&cpu, NULL, 0) != NULL, "fault_state names TB");
    }
    sigaction(SIGSEGV, &old, NULL);
}

/* The compiler's rewrites: displacement folded into memory ops, "op; mov G"
 * fused, the lazy pc store visible through the EIP global and at labels. */
static void test_compile_rewrites(void)
{
    start_block(&blk, 0x4100);
    IRVal t0 = ir_temp(&blk), t1 = ir_temp(&blk), t2 = ir_temp(&blk), t3 = ir_temp(&blk);
    ir_op2(&blk, IR_add, 32, t0, IR_G_EBX, ir_const(&blk, 8));
    ir_op2(&blk, IR_st, 32, IR_NOVAL, t0, IR_G_ECX);
    ir_op1(&blk, IR_ld, 16, t1, t0);
    ir_op1(&blk, IR_mov, 32, IR_G_EAX, t1);
    IROp *op = ir_emit(&blk, IR_insn_start, 32);
    op->aux[0] = 0x4105;
    op->aux[1] = 2;
    ir_op1(&blk, IR_mov, 32, t2, IR_G_EIP);
    ir_op2(&blk, IR_add, 32, t3, t2, t1);
    ir_op1(&blk, IR_mov, 32, IR_G_EDX, t3);
    end_block(&blk, EXIT_NORMAL);
    cpu.regs[R_EBX] = 0x200;
    cpu.regs[R_ECX] = 0x12345678;
    run_block(&blk);
    check(guest_mem[0x208] == 0x78 && guest_mem[0x20b] == 0x12, "st with folded displacement");
    check(cpu.regs[R_EAX] == 0x5678, "ld16 with folded displacement, fused mov");
    check(cpu.regs[R_EDX] == 0x4105 + 0x5678, "EIP global reads the insn pc");
    check(cpu.eip == 0x4105, "eip at exit");

    /* the branch path keeps the first insn's pc, the fall-through the second's */
    for (int k = 0; k < 2; k++) {
        start_block(&blk, 0x4200);
        int l = ir_new_label(&blk);
        ir_op1(&blk, IR_brz, 32, IR_NOVAL, IR_G_EBX)->aux[0] = (uint32_t)l;
        op = ir_emit(&blk, IR_insn_start, 32);
        op->aux[0] = 0x4202;
        op->aux[1] = 1;
        ir_op1(&blk, IR_mov, 32, IR_G_EAX, IR_G_EBX);
        ir_emit(&blk, IR_label, 32)->aux[0] = (uint32_t)l;
        op = ir_emit(&blk, IR_raise, 32);
        op->aux[0] = SIGTRAP;
        cpu.regs[R_EBX] = (uint32_t)k;
        run_block(&blk);
        check(cpu.eip == (k ? 0x4202u : 0x4200u), "pc on both paths into a label");
    }
}

static void test_branches(void)
{
    /* eax = (ebx == 0) ? 1 : (cmp ecx, 5; jl -> 2 : 3) */
    for (int k = 0; k < 3; k++) {
        start_block(&blk, 0x5000);
        int l_zero = ir_new_label(&blk), l_less = ir_new_label(&blk), l_end = ir_new_label(&blk);
        IROp *op = ir_op1(&blk, IR_brz, 32, IR_NOVAL, IR_G_EBX);
        op->aux[0] = (uint32_t)l_zero;
        ir_op2(&blk, IR_sub_cc, 32, IR_NOVAL, IR_G_ECX, ir_const(&blk, 5));
        op = ir_emit(&blk, IR_brcond, 32);
        op->cond = CC_COND_L;
        op->aux[0] = (uint32_t)l_less;
        ir_op1(&blk, IR_mov, 32, IR_G_EAX, ir_const(&blk, 3));
        ir_emit(&blk, IR_br, 32)->aux[0] = (uint32_t)l_end;
        ir_emit(&blk, IR_label, 32)->aux[0] = (uint32_t)l_zero;
        ir_op1(&blk, IR_mov, 32, IR_G_EAX, ir_const(&blk, 1));
        ir_emit(&blk, IR_br, 32)->aux[0] = (uint32_t)l_end;
        ir_emit(&blk, IR_label, 32)->aux[0] = (uint32_t)l_less;
        ir_op1(&blk, IR_mov, 32, IR_G_EAX, ir_const(&blk, 2));
        ir_emit(&blk, IR_label, 32)->aux[0] = (uint32_t)l_end;
        end_block(&blk, EXIT_NORMAL);
        cpu.regs[R_EBX] = k == 0 ? 0 : 1;
        cpu.regs[R_ECX] = k == 1 ? (uint32_t)-7 : 9;
        run_block(&blk);
        check(cpu.regs[R_EAX] == (uint32_t)(k + 1), "branches");
    }
}

static uint32_t helper_add3(CPUX86State *env, uint32_t a, uint32_t b, uint32_t c, uint32_t d)
{
    env->regs[R_EDI] = 0x77;
    return a + b + c + d;
}
static const IRHelper helper_add3_def = {"add3", helper_add3, 3, 1,
                                         HF_WRITE_GLOBALS | HF_READ_GLOBALS};

static void test_call_and_exits(void)
{
    int id = ir_helper_register(&helper_add3_def);
    start_block(&blk, 0x6000);
    IRVal r = ir_temp(&blk), r2 = ir_temp(&blk);
    IRVal args[3] = {ir_const(&blk, 1), ir_const(&blk, 2), ir_const(&blk, 3)};
    ir_call(&blk, id, r, 3, args);
    ir_op2(&blk, IR_add, 32, r2, r, IR_G_EDI); /* must see the helper's edi */
    ir_op1(&blk, IR_mov, 32, IR_G_EAX, r2);
    end_block(&blk, EXIT_SYSCALL);
    cpu.regs[R_EDI] = 0;
    uint32_t why = run_block(&blk);
    check(why == EXIT_SYSCALL && cpu.exit_reason == EXIT_SYSCALL, "exit_tb reason");
    check(cpu.regs[R_EAX] == 6 + 0x77, "call result and reloaded global");

    /* raise */
    start_block(&blk, 0x6100);
    IROp *op = ir_emit(&blk, IR_raise, 32);
    op->aux[0] = SIGILL;
    op->aux[1] = ILL_ILLOPN;
    why = run_block(&blk);
    check(why == EXIT_EXCEPTION && cpu.exc_signo == SIGILL && cpu.exc_code == ILL_ILLOPN &&
              cpu.exc_addr == 0x6100 && cpu.eip == 0x6100,
          "raise");

    /* divide error goes through cpu_raise with eip of the insn */
    for (int sgn = 0; sgn < 2; sgn++) {
        start_block(&blk, 0x6200);
        IRVal q = ir_temp(&blk), rem = ir_temp(&blk);
        op = ir_op3(&blk, sgn ? IR_divs : IR_divu, 32, q, IR_G_EAX, IR_G_EDX, IR_G_ECX);
        op->out[1] = rem;
        ir_op1(&blk, IR_mov, 32, IR_G_EAX, q);
        ir_op1(&blk, IR_mov, 32, IR_G_EDX, rem);
        end_block(&blk, EXIT_NORMAL);
        cpu.regs[R_EAX] = 100, cpu.regs[R_EDX] = 0, cpu.regs[R_ECX] = 7;
        run_block(&blk);
        check(cpu.regs[R_EAX] == 14 && cpu.regs[R_EDX] == 2, "div");
        cpu.regs[R_EAX] = 0, cpu.regs[R_EDX] = sgn ? 0x80000000 : 7, cpu.regs[R_ECX] = 7;
        cpu.exc_signo = 0;
        if (sigsetjmp(cpu.jmp_env, 1) == 0)
            run_block(&blk);
        check(cpu.exc_signo == SIGFPE && cpu.exc_code == FPE_INTDIV && cpu.eip == 0x6200 &&
                  cpu.regs[R_EAX] == 0,
              "div overflow raises SIGFPE");
    }
}

/* A helper that plays a guest write to the running TB's own code page. */
static uint32_t helper_smc(CPUX86State *env, uint32_t a, uint32_t b, uint32_t c, uint32_t d)
{
    run_tb.invalid = true;
    return 0;
}
static const IRHelper helper_smc_def = {"smc", helper_smc, 0, 0, 0};

static void test_self_modifying(void)
{
    int id = ir_helper_register(&helper_smc_def);
    start_block(&blk, 0x8000);
    ir_call(&blk, id, IR_NOVAL, 0, NULL);
    IROp *op = ir_emit(&blk, IR_insn_start, 32);
    op->aux[0] = 0x8002;
    op->aux[1] = 5;
    ir_op1(&blk, IR_mov, 32, IR_G_EAX, ir_const(&blk, 5));
    end_block(&blk, EXIT_SYSCALL);
    cpu.regs[R_EAX] = 1;
    uint32_t why = run_block(&blk);
    check(why == EXIT_NORMAL && cpu.eip == 0x8002 && cpu.regs[R_EAX] == 1,
          "invalidated TB left at the next instruction");
}

/* goto_tb chaining and goto_ptr through the jump cache. */
static void test_chaining(void)
{
    static TB *jc[TB_JMP_CACHE_SIZE];
    TB a, b;
    memset(&a, 0, sizeof(a));
    memset(&b, 0, sizeof(b));
    cpu.jmp_cache = jc;

    /* A: eax += 1; goto_tb 0 -> 0x7100.  B (0x7100): eax *= 3; eip = ebx; goto_ptr */
    start_block(&blk, 0x7000);
    IRVal t = ir_temp(&blk);
    ir_op2(&blk, IR_add, 32, t, IR_G_EAX, ir_const(&blk, 1));
    ir_op1(&blk, IR_mov, 32, IR_G_EAX, t);
    IROp *op = ir_emit(&blk, IR_goto_tb, 32);
    op->aux[0] = 0;
    op->aux[1] = 0x7100;
    backend_interp.compile(&a, &blk);
    a.pc = 0x7000;
    check(a.jmp_pc[0] == 0x7100 && a.jmp_pc[1] == ~0u, "jmp_pc");
    check(a.pcmap_size == 0, "no pc map: the interpreter keeps env exact");

    start_block(&blk, 0x7100);
    t = ir_temp(&blk);
    ir_op2(&blk, IR_mul, 32, t, IR_G_EAX, ir_const(&blk, 3));
    ir_op1(&blk, IR_mov, 32, IR_G_EAX, t);
    ir_op1(&blk, IR_mov, 32, IR_G_EIP, IR_G_EBX);
    ir_emit(&blk, IR_goto_ptr, 32);
    backend_interp.compile(&b, &blk);
    b.pc = 0x7100;

    cpu.regs[R_EAX] = 1;
    uint32_t why = backend_interp.exec(&cpu, &a);
    check(why == EXIT_CHAIN && cpu.exit_tb == &a && cpu.exit_slot == 0 && cpu.eip == 0x7100,
          "unchained goto_tb exits");
    backend_interp.chain(&a, 0, &b);
    cpu.regs[R_EAX] = 1;
    cpu.regs[R_EBX] = 0x9999;
    why = backend_interp.exec(&cpu, &a);
    check(why == EXIT_NORMAL && cpu.regs[R_EAX] == 6 && cpu.eip == 0x9999, "chained + goto_ptr miss");

    /* goto_ptr hit: B jumps to A (via cache), A to B ... until ebx changes: use a
     * helper-free loop bound: A's goto_tb slot unchained ends the run. */
    jc[tb_jmp_cache_hash(0x7000)] = &a;
    backend_interp.chain(&a, 0, NULL);
    cpu.regs[R_EAX] = 1;
    cpu.regs[R_EBX] = 0x7000;
    why = backend_interp.exec(&cpu, &b);
    check(why == EXIT_CHAIN && cpu.regs[R_EAX] == 4 && cpu.exit_tb == &a, "goto_ptr hit");
    check(backend_interp.fault_state(&cpu, NULL, 0) == NULL, "not running after exit");
    backend_interp.free_tb(&a);
    backend_interp.free_tb(&b);
    cpu.jmp_cache = NULL;
}

int main(void)
{
    test_cc_ops();
    test_plain_ops();
    test_memory();
    test_compile_rewrites();
    test_branches();
    test_call_and_exits();
    test_chaining();
    test_self_modifying();
    backend_interp.free_tb(&run_tb);
    printf("%d passed, %d failed\n", npass, nfail);
    return nfail ? 1 : 0;
}
