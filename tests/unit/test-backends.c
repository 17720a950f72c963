/*
 * test-backends.c - runs hand-built and random IR blocks under the x86-64
 * emitter and the interpreter from the same initial state (registers, CC,
 * guest memory) and compares registers, EIP, defined flags, exit reason and
 * memory.  The interpreter is the reference.  Ends "N passed, N failed".
 */
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>

#include "exec/exec.h"
#include "linux-user/guest-mem.h"
#include "ir/ir.h"
#include "target/x86/cpu.h"

/* stand-ins for the rest of xlat (weak: the library's win when linked) */
__attribute__((weak)) uintptr_t guest_base;
__attribute__((weak)) _Noreturn void cpu_raise(CPUX86State *env, int signo, int code, uint32_t addr)
{
    env->exc_signo = signo;
    env->exc_code = code;
    env->exc_addr = addr;
    siglongjmp(*(sigjmp_buf *)env->opaque, 1);
}

#define GMEM_SIZE 0x20000u   /* guest 0 .. 0x1ffff; 0x1f000 is PROT_NONE */
#define GMEM_RO 0x1e000u     /* read-only page */
static uint8_t *gmem;
static uint8_t mem_init[GMEM_SIZE], mem_ref[GMEM_SIZE];
static IRBlock blk;
static int npass, nfail;
static uint64_t rng = 88172645463325252ull;
static void *jcache[TB_JMP_CACHE_SIZE];

static uint32_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)rng;
}

/* ---- host fault handling ---- */
static const Backend *cur_backend;
static CPUX86State *fault_env;
static sigjmp_buf fault_jmp;
static void on_fault(int sig, siginfo_t *si, void *uctx)
{
    ucontext_t *uc = uctx;
    uintptr_t pc = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
    if (!cur_backend->fault_state(fault_env, uc, pc)) {
        fprintf(stderr, "fault outside generated code at %lx\n", (unsigned long)pc);
        _exit(2);
    }
    fault_env->exc_signo = sig;
    fault_env->exc_addr = sig == SIGSEGV ? (uint32_t)((uintptr_t)si->si_addr - (uintptr_t)gmem) : fault_env->eip;
    siglongjmp(fault_jmp, 1);
}

/* ---- building blocks ---- */
static void begin(void)
{
    ir_block_init(&blk, 0x1000);
    IROp *op = ir_emit(&blk, IR_insn_start, 0);
    op->aux[0] = 0x1000;
    op->aux[1] = 2;
}

static void insn(uint32_t pc)
{
    IROp *op = ir_emit(&blk, IR_insn_start, 0);
    op->aux[0] = pc;
    op->aux[1] = 2;
}

static IRVal K(uint32_t v) { return ir_const(&blk, v); }
static IRVal T(void) { return ir_temp(&blk); }

static void end_exit(void)
{
    IROp *op = ir_emit(&blk, IR_mov, 0);
    op->out[0] = IR_G_EIP;
    op->in[0] = K(0x2000);
    op = ir_emit(&blk, IR_exit_tb, 0);
    op->aux[0] = EXIT_NORMAL;
}

/* cc liveness for straight-line code with forward branches (reference
 * version for the tests; exits keep everything live) */
static uint16_t op_cc_def(const IROp *op)
{
    if (op->opc == IR_setcc)
        return (uint16_t)(op->aux[0] & CC_ALL);
    return ir_opdef[op->opc].cc_def;
}

static uint16_t op_cc_use(const IROp *op)
{
    if (ir_opdef[op->opc].flags & IR_F_COND)
        return ir_cond_cc_use(op->cond);
    if (op->opc == IR_call)
        return CC_ALL;
    if (ir_opdef[op->opc].flags & IR_F_MEM) /* a fault shows the flags (opt_cc.c) */
        return CC_ALL;
    return ir_opdef[op->opc].cc_use;
}

static void liveness(bool all)
{
    uint16_t label_live[IR_MAX_OPS];
    for (int i = 0; i < IR_MAX_OPS; i++)
        label_live[i] = CC_ALL;
    uint16_t live = CC_ALL;
    for (int i = blk.nops - 1; i >= 0; i--) {
        IROp *op = &blk.op[i];
        if (all) {
            op->cc_live = CC_ALL;
            continue;
        }
        if (ir_opdef[op->opc].flags & IR_F_END)
            live = CC_ALL;
        if (op->opc == IR_br)
            live = label_live[op->aux[0]];
        else if (ir_opdef[op->opc].flags & IR_F_BR)
            live |= label_live[op->aux[0]];
        op->cc_live = live;
        if (op->opc == IR_label)
            label_live[op->aux[0]] = live;
        live = (uint16_t)((live & ~op_cc_def(op)) | op_cc_use(op));
    }
}

/* ---- running ---- */
static void init_env(CPUX86State *env, uint32_t seed)
{
    rng = seed * 2654435761u + 1;
    memset(env, 0, sizeof(*env));
    for (int i = 0; i < 8; i++)
        env->regs[i] = (i == R_ESP || i == R_EBP || i == R_ESI) ? 0x1000 + (rnd() & 0xfffc)
                                                                 : (rnd() & 1 ? rnd() : rnd() & 0xff);
    env->eip = 0x1000;
    env->cc = rnd() & X86_CC_MASK;
    env->df = 1;
    for (int i = 0; i < X86_NSEG; i++)
        env->seg_base[i] = rnd();
    env->guest_base = (uint64_t)(uintptr_t)gmem;
    env->jmp_cache = jcache;
    env->jmp_probe = jcache; /* as cpu_exec sets it */
}

static uint32_t run(const Backend *be, CPUX86State *env, bool *faulted)
{
    static TB tb;
    memset(&tb, 0, sizeof(tb));
    tb.pc = blk.pc;
    if (be->compile(&tb, &blk) != 0) {
        printf("compile failed\n");
        return ~0u;
    }
    *faulted = false;
    fault_env = env;
    cur_backend = be;
    env->opaque = &fault_jmp;
    uint32_t r;
    if (sigsetjmp(fault_jmp, 1)) {
        *faulted = true;
        r = EXIT_EXCEPTION;
    } else {
        r = be->exec(env, &tb);
    }
    be->free_tb(&tb);
    return r;
}

static const char *cur_name;
static int cur_variant;

static void fail(const char *what, uint32_t want, uint32_t got)
{
    printf("FAIL %s [%d]: %s: interp %08x x86_64 %08x\n", cur_name, cur_variant, what, want, got);
}

/* Run the current block under both backends from state `seed`; compare. */
static bool compare(uint32_t seed, uint32_t cc_mask)
{
    CPUX86State e1, e2;
    bool f1, f2;
    init_env(&e1, seed);
    for (uint32_t i = 0; i < GMEM_RO; i++)
        mem_init[i] = (uint8_t)rnd();
    memcpy(gmem, mem_init, GMEM_RO);
    uint32_t r1 = run(&backend_interp, &e1, &f1);
    memcpy(mem_ref, gmem, GMEM_RO);
    init_env(&e2, seed);
    memcpy(gmem, mem_init, GMEM_RO);
    uint32_t r2 = run(&backend_x86_64, &e2, &f2);
    bool ok = true;
    if (r1 != r2 || f1 != f2)
        fail("exit", r1 | (uint32_t)f1 << 31, r2 | (uint32_t)f2 << 31), ok = false;
    for (int i = 0; i < 8; i++)
        if (e1.regs[i] != e2.regs[i]) {
            char n[16];
            snprintf(n, sizeof n, "reg %d", i);
            fail(n, e1.regs[i], e2.regs[i]);
            ok = false;
        }
    if (e1.eip != e2.eip)
        fail("eip", e1.eip, e2.eip), ok = false;
    if ((e1.cc ^ e2.cc) & cc_mask)
        fail("cc", e1.cc, e2.cc), ok = false;
    if (r1 == EXIT_CHAIN && (e1.exit_slot != e2.exit_slot || e1.exit_tb == NULL))
        fail("slot", e1.exit_slot, e2.exit_slot), ok = false;
    if (r1 == EXIT_EXCEPTION && !f1 &&
        (e1.exc_signo != e2.exc_signo || e1.exc_code != e2.exc_code || e1.exc_addr != e2.exc_addr))
        fail("exc", (uint32_t)e1.exc_signo, (uint32_t)e2.exc_signo), ok = false;
    if (f1 && e1.exc_signo != e2.exc_signo)
        fail("signal", (uint32_t)e1.exc_signo, (uint32_t)e2.exc_signo), ok = false;
    for (uint32_t i = 0; i < GMEM_RO; i++)
        if (mem_ref[i] != gmem[i]) {
            fail("memory", i, gmem[i]);
            ok = false;
            break;
        }
    return ok;
}

/* Check the current block with all flags live and with real liveness, from
 * several initial states. */
static void check(const char *name, uint32_t cc_mask)
{
    cur_name = name;
    bool ok = true;
    for (int variant = 0; variant < 2 && ok; variant++) {
        cur_variant = variant;
        liveness(variant == 0);
        /* with real liveness, flags dead at a fault may differ */
        uint32_t m = variant && strncmp(name, "fault", 5) == 0 ? 0 : cc_mask;
        for (uint32_t seed = 1; seed <= 8 && ok; seed++)
            ok = compare(seed * 7919 + (uint32_t)variant, m);
    }
    if (ok)
        npass++;
    else
        nfail++;
}

/* ---- operand sources ---- */
enum { SRC_GLOBAL, SRC_TEMP, SRC_CONST, SRC_MEMGLOBAL, NSRC };

static IRVal src(int kind, int salt)
{
    static const uint32_t consts[] = {0, 1, 2, 7, 8, 15, 16, 31, 0x7f, 0x80, 0xff, 0x7fff,
                                      0x8000, 0xffff, 0x7fffffff, 0x80000000, 0xffffffff, 0x12345678};
    switch (kind) {
    case SRC_GLOBAL: return (IRVal)(IR_G_EAX + salt % 8);
    case SRC_TEMP: {
        IRVal t = T();
        ir_op1(&blk, IR_mov, 32, t, (IRVal)(IR_G_EAX + (salt * 3 + 1) % 8));
        return t;
    }
    case SRC_CONST: return K(consts[salt % (int)(sizeof consts / sizeof consts[0])]);
    default: return (IRVal)(IR_G_ES_BASE + salt % 6);
    }
}

/* write a sized result into global g */
static void put(IRVal g, int size, IRVal t)
{
    if (size == 32)
        ir_op1(&blk, IR_mov, 32, g, t);
    else
        ir_op2(&blk, IR_dep, size, g, g, t);
}

static void name_it(char *buf, size_t n, const char *op, int size, int k0, int k1)
{
    snprintf(buf, n, "%s%d src%d,%d", op, size, k0, k1);
}

static const int sizes[3] = {8, 16, 32};

/* binary cc ops, every size and operand kind, result to a temp or a global */
static void test_cc_binops(void)
{
    static const IROpc opc[] = {IR_add_cc, IR_adc_cc, IR_sub_cc, IR_sbb_cc,
                                IR_and_cc, IR_or_cc,  IR_xor_cc};
    for (unsigned o = 0; o < sizeof opc / sizeof opc[0]; o++)
        for (int si = 0; si < 3; si++)
            for (int k0 = 0; k0 < NSRC; k0++)
                for (int k1 = 0; k1 < NSRC; k1++)
                    for (int direct = 0; direct < 2; direct++) {
                        int size = sizes[si];
                        char name[64];
                        name_it(name, sizeof name, ir_opdef[opc[o]].name, size, k0, k1);
                        begin();
                        IRVal a = src(k0, (int)o + k1), b = src(k1, (int)o * 5 + k0 + 3);
                        if (direct && size == 32) {
                            ir_op2(&blk, opc[o], size, IR_G_EBX, a, b);
                        } else {
                            IRVal t = T();
                            ir_op2(&blk, opc[o], size, t, a, b);
                            put(IR_G_EBX, size, t);
                        }
                        end_exit();
                        uint32_t m = opc[o] >= IR_and_cc ? CC_ALL & ~CC_A : CC_ALL;
                        check(name, m);
                    }
}

static void test_cc_unops(void)
{
    static const IROpc opc[] = {IR_inc_cc, IR_dec_cc, IR_neg_cc};
    for (unsigned o = 0; o < 3; o++)
        for (int si = 0; si < 3; si++)
            for (int k = 0; k < NSRC; k++) {
                char name[64];
                name_it(name, sizeof name, ir_opdef[opc[o]].name, sizes[si], k, 0);
                begin();
                IRVal t = T();
                ir_op1(&blk, opc[o], sizes[si], t, src(k, (int)o + 2));
                put(IR_G_EDI, sizes[si], t);
                end_exit();
                check(name, CC_ALL);
            }
}

/* shifts and rotates with constant and variable counts */
static void test_shifts(void)
{
    static const IROpc opc[] = {IR_shl_cc, IR_shr_cc, IR_sar_cc, IR_rol_cc,
                                IR_ror_cc, IR_rcl_cc, IR_rcr_cc};
    static const uint32_t counts[] = {0, 1, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33};
    for (unsigned o = 0; o < 7; o++)
        for (int si = 0; si < 3; si++) {
            int size = sizes[si];
            for (unsigned ci = 0; ci < sizeof counts / sizeof counts[0]; ci++)
                for (int k = 0; k < 2; k++) {
                    char name[64];
                    snprintf(name, sizeof name, "%s%d const %u src%d", ir_opdef[opc[o]].name, size,
                             counts[ci], k);
                    begin();
                    IRVal t = T();
                    ir_op2(&blk, opc[o], size, t, src(k, 3), K(counts[ci]));
                    put(IR_G_EDX, size, t);
                    end_exit();
                    uint32_t n = counts[ci] & 31;
                    uint32_t m = CC_ALL & ~CC_A;
                    if (n != 1)
                        m &= ~CC_O;
                    if (n >= (uint32_t)size && o <= 2)
                        m &= ~CC_C;
                    check(name, m);
                }
            /* variable counts: from ECX, another global, a temp */
            for (int k = 0; k < 3; k++) {
                char name[64];
                snprintf(name, sizeof name, "%s%d var count %d", ir_opdef[opc[o]].name, size, k);
                begin();
                IRVal cnt = k == 0 ? IR_G_ECX : k == 1 ? IR_G_EBX : T();
                if (k == 2)
                    ir_op2(&blk, IR_and, 32, cnt, IR_G_ESI, K(0x1f));
                for (int outg = 0; outg < 2; outg++) {
                    IRVal t = T();
                    IRVal in = outg ? IR_G_ECX : IR_G_EAX;
                    ir_op2(&blk, opc[o], size, t, in, cnt);
                    put(outg ? IR_G_EDI : IR_G_EBP, size, t);
                }
                end_exit();
                check(name, CC_Z | CC_S | CC_P);
            }
        }
    /* shld/shrd */
    for (int left = 0; left < 2; left++)
        for (int size = 16; size <= 32; size += 16)
            for (int k = 0; k < 4; k++) {
                char name[64];
                snprintf(name, sizeof name, "sh%cd%d count kind %d", left ? 'l' : 'r', size, k);
                begin();
                if (size == 16 && k == 0)
                    continue;
                IRVal cnt = k == 0 ? IR_G_ECX : k == 1 ? K(5) : k == 2 ? K(0) : T();
                if (k == 3)
                    ir_op2(&blk, IR_and, 32, cnt, IR_G_EBX, K(15));
                IRVal t = T();
                ir_op3(&blk, left ? IR_shld_cc : IR_shrd_cc, size, t, IR_G_EAX,
                       k == 3 ? IR_G_ECX : IR_G_EDX, cnt);
                put(IR_G_EAX, size, t);
                end_exit();
                check(name, k == 1 || k == 2 ? CC_ALL & ~(CC_A | CC_O) : 0);
            }
}

static void test_muldiv(void)
{
    for (int si = 0; si < 3; si++)
        for (int sgn = 0; sgn < 2; sgn++)
            for (int k = 0; k < NSRC; k++) {
                int size = sizes[si];
                char name[64];
                snprintf(name, sizeof name, "mul%c%d src%d", sgn ? 's' : 'u', size, k);
                begin();
                IRVal lo = T(), hi = T();
                IROp *op = ir_op2(&blk, sgn ? IR_muls_cc : IR_mulu_cc, size, lo, IR_G_EAX,
                                  src(k, 5));
                op->out[1] = hi;
                put(IR_G_EAX, size, lo);
                put(size == 8 ? IR_G_EBX : IR_G_EDX, size, hi);
                end_exit();
                check(name, CC_C | CC_O);
                if (size == 32) { /* straight into the globals */
                    snprintf(name, sizeof name, "mul%c32 direct src%d", sgn ? 's' : 'u', k);
                    begin();
                    op = ir_op2(&blk, sgn ? IR_muls_cc : IR_mulu_cc, 32, IR_G_EAX, IR_G_EAX,
                                src(k, 6));
                    op->out[1] = IR_G_EDX;
                    end_exit();
                    check(name, CC_C | CC_O);
                }
            }
    /* divide: small dividends so most quotients fit; divisor 0 faults */
    for (int si = 0; si < 3; si++)
        for (int sgn = 0; sgn < 2; sgn++)
            for (int k = 0; k < 4; k++) {
                int size = sizes[si];
                char name[64];
                snprintf(name, sizeof name, "div%c%d kind%d", sgn ? 's' : 'u', size, k);
                begin();
                IRVal divisor = k == 0 ? K(7) : k == 1 ? IR_G_EBX : k == 2 ? K(0) : T();
                if (k == 3)
                    ir_op2(&blk, IR_or, 32, divisor, IR_G_ESI, K(0x100));
                ir_op2(&blk, IR_and, 32, IR_G_EDX, IR_G_EDX, K(size == 32 ? 3 : 0));
                insn(0x1002);
                IRVal q = T(), r = T();
                IROp *op = ir_op3(&blk, sgn ? IR_divs : IR_divu, size, q, IR_G_EAX, IR_G_EDX,
                                  divisor);
                op->out[1] = r;
                put(IR_G_EAX, size, q);
                put(size == 8 ? IR_G_EBX : IR_G_EDX, size, r);
                end_exit();
                check(name, 0);
            }
}

static void test_bits(void)
{
    for (int size = 16; size <= 32; size += 16)
        for (int fwd = 0; fwd < 2; fwd++)
            for (int k = 0; k < 3; k++) {
                char name[64];
                snprintf(name, sizeof name, "bs%c%d src%d", fwd ? 'f' : 'r', size, k);
                begin();
                IRVal t = T();
                IRVal s0 = k == 0 ? IR_G_ECX : k == 1 ? K(0) : T();
                if (k == 2)
                    ir_op2(&blk, IR_and, 32, s0, IR_G_EBX, K(0x1010));
                ir_op2(&blk, fwd ? IR_bsf_cc : IR_bsr_cc, size, t, s0, IR_G_EDX);
                put(IR_G_EDX, size, t);
                end_exit();
                check(name, CC_Z);
            }
    static const IROpc bt[] = {IR_bt_cc, IR_bts_cc, IR_btr_cc, IR_btc_cc};
    for (int o = 0; o < 4; o++)
        for (int size = 16; size <= 32; size += 16)
            for (int k = 0; k < 3; k++) {
                char name[64];
                snprintf(name, sizeof name, "%s%d idx%d", ir_opdef[bt[o]].name, size, k);
                begin();
                IRVal idx = k == 0 ? IR_G_ECX : k == 1 ? K(13) : T();
                if (k == 2)
                    ir_op2(&blk, IR_and, 32, idx, IR_G_EBX, K(size - 1));
                if (o == 0) {
                    ir_op2(&blk, IR_bt_cc, size, IR_NOVAL, IR_G_EAX, idx);
                } else {
                    IRVal t = T();
                    ir_op2(&blk, bt[o], size, t, IR_G_EAX, idx);
                    put(IR_G_EAX, size, t);
                }
                end_exit();
                check(name, CC_C | CC_Z);
            }
}

static void test_cc_access(void)
{
    for (int cond = 0; cond < 16; cond++) {
        char name[64];
        snprintf(name, sizeof name, "setcond/selcc %d", cond);
        begin();
        IRVal t = T();
        ir_op2(&blk, IR_sub_cc, 32, t, IR_G_EAX, IR_G_EBX);
        IRVal s1 = T(), s2 = T();
        IROp *op = ir_op1(&blk, IR_setcond, 32, s1, IR_NOVAL);
        op->cond = (uint8_t)cond;
        op->nin = 0;
        ir_op1(&blk, IR_mov, 32, IR_G_ECX, s1);
        op = ir_op2(&blk, IR_selcc, 32, s2, IR_G_ESI, K(0x55));
        op->cond = (uint8_t)cond;
        ir_op1(&blk, IR_mov, 32, IR_G_EDI, s2);
        op = ir_op2(&blk, IR_selcc, 32, IR_G_ESI, IR_G_EDX, IR_G_ESI);
        op->cond = (uint8_t)(cond ^ 1);
        end_exit();
        check(name, CC_ALL);
    }
    static const uint32_t masks[] = {CC_ALL, CC_C, CC_Z | CC_S, CC_O | CC_A | CC_P};
    for (int m = 0; m < 4; m++) {
        char name[64];
        snprintf(name, sizeof name, "getcc/setcc mask %x", masks[m]);
        begin();
        IRVal t = T(), g = T();
        ir_op2(&blk, IR_add_cc, 32, t, IR_G_EAX, IR_G_EBX);
        ir_op1(&blk, IR_getcc, 32, g, IR_NOVAL)->nin = 0;
        ir_op1(&blk, IR_mov, 32, IR_G_EAX, g);
        IROp *op = ir_op1(&blk, IR_setcc, 32, IR_NOVAL, IR_G_ECX);
        op->aux[0] = masks[m];
        op->nout = 0;
        IRVal c2 = T();
        ir_op2(&blk, IR_adc_cc, 32, c2, IR_G_EDX, K(0));
        ir_op1(&blk, IR_mov, 32, IR_G_EDX, c2);
        end_exit();
        check(name, CC_ALL);
    }
}

/* plain ops while a flag result stays live until the exit */
static void test_plain(void)
{
    static const IROpc bin[] = {IR_add, IR_sub, IR_and, IR_or, IR_xor, IR_mul,
                                IR_shl, IR_shr, IR_sar, IR_seteq, IR_setne, IR_dep8hi};
    for (unsigned o = 0; o < sizeof bin / sizeof bin[0]; o++)
        for (int k0 = 0; k0 < NSRC; k0++)
            for (int k1 = 0; k1 < NSRC; k1++) {
                char name[64];
                name_it(name, sizeof name, ir_opdef[bin[o]].name, 32, k0, k1);
                begin();
                IRVal f = T();
                ir_op2(&blk, IR_add_cc, 32, f, IR_G_EAX, IR_G_EDX);
                IRVal t = T();
                ir_op2(&blk, bin[o], 32, t, src(k0, (int)o), src(k1, (int)o + 1));
                ir_op1(&blk, IR_mov, 32, IR_G_EBX, t);
                /* into a pinned global that is also an input */
                ir_op2(&blk, bin[o], 32, IR_G_ECX, src(k0, 2), IR_G_ECX);
                end_exit();
                check(name, CC_ALL);
            }
    static const IROpc un[] = {IR_mov, IR_not, IR_neg, IR_bswap, IR_ext8hi};
    for (unsigned o = 0; o < sizeof un / sizeof un[0]; o++)
        for (int k = 0; k < NSRC; k++) {
            char name[64];
            name_it(name, sizeof name, ir_opdef[un[o]].name, 32, k, 0);
            begin();
            IRVal f = T();
            ir_op2(&blk, IR_sub_cc, 32, f, IR_G_EAX, IR_G_EDX);
            IRVal t = T();
            ir_op1(&blk, un[o], 32, t, src(k, (int)o));
            ir_op1(&blk, IR_mov, 32, IR_G_EBP, t);
            ir_op1(&blk, un[o], 32, IR_G_EIP, src(k, (int)o + 1));
            ir_op1(&blk, IR_mov, 32, IR_G_ESI, IR_G_EIP);
            end_exit();
            check(name, CC_ALL);
        }
    for (int size = 8; size <= 32; size += 8 + (size == 16) * 0)
        for (int k = 0; k < NSRC; k++)
            for (int o = 0; o < 3; o++) {
                if (size == 24)
                    continue;
                IROpc opc = o == 0 ? IR_zext : o == 1 ? IR_sext : IR_dep;
                char name[64];
                name_it(name, sizeof name, ir_opdef[opc].name, size, k, 0);
                begin();
                IRVal f = T();
                ir_op2(&blk, IR_xor_cc, 32, f, IR_G_EAX, IR_G_EDX);
                IRVal t = T();
                if (opc == IR_dep) {
                    ir_op2(&blk, IR_dep, size, t, src(k, 1), src((k + 1) % NSRC, 2));
                    ir_op2(&blk, IR_dep, size, IR_G_ESI, IR_G_ESI, src(k, 4));
                    ir_op2(&blk, IR_dep8hi, 32, IR_G_EDI, IR_G_EDI, IR_G_ESI);
                } else {
                    ir_op1(&blk, opc, size, t, src(k, 1));
                }
                if (opc != IR_dep)
                    ir_op1(&blk, opc, size, IR_G_EDI, src(k, 3));
                ir_op1(&blk, IR_mov, 32, IR_G_EBX, t);
                end_exit();
                check(name, CC_ALL & ~CC_A);
            }
    for (int k = 0; k < NSRC; k++) {
        char name[64];
        name_it(name, sizeof name, "selnz", 32, k, 0);
        begin();
        IRVal f = T(), t = T();
        ir_op2(&blk, IR_sub_cc, 32, f, IR_G_EAX, IR_G_EDX);
        IRVal c0 = T();
        ir_op2(&blk, IR_and, 32, c0, IR_G_EBX, K(1));
        ir_op3(&blk, IR_selnz, 32, t, k == SRC_CONST ? K(0) : c0, src(k, 1), src(k, 2));
        ir_op1(&blk, IR_mov, 32, IR_G_EBX, t);
        ir_op3(&blk, IR_selnz, 32, IR_G_ECX, c0, IR_G_ECX, IR_G_EDX);
        end_exit();
        check(name, CC_ALL);
    }
}

static IRVal addr(int k, int salt)
{
    if (k == 0)
        return K(0x2000 + (uint32_t)salt * 4 + 1);
    IRVal t = T();
    ir_op2(&blk, IR_and, 32, t, (IRVal)(IR_G_EAX + salt % 8), K(0xfff0));
    return t;
}

static void test_memory(void)
{
    for (int si = 0; si < 3; si++)
        for (int k = 0; k < 2; k++) {
            int size = sizes[si];
            char name[64];
            snprintf(name, sizeof name, "ld/lds/st%d addr%d", size, k);
            begin();
            IRVal f = T();
            ir_op2(&blk, IR_add_cc, 32, f, IR_G_EAX, IR_G_EDX);
            IRVal a = addr(k, 3), t1 = T(), t2 = T();
            ir_op1(&blk, IR_ld, size, t1, a);
            ir_op1(&blk, IR_lds, size, t2, addr(k, 5));
            ir_op1(&blk, IR_mov, 32, IR_G_EBX, t1);
            ir_op1(&blk, IR_mov, 32, IR_G_ECX, t2);
            ir_op2(&blk, IR_st, size, IR_NOVAL, addr(k, 6), IR_G_ESI);
            ir_op2(&blk, IR_st, size, IR_NOVAL, addr(k, 7), K(0x89abcdef));
            ir_op2(&blk, IR_st, size, IR_NOVAL, a, t2);
            end_exit();
            check(name, CC_ALL);
        }
    /* read-modify-write, fused and not */
    static const IROpc rmw[] = {IR_add_cc, IR_adc_cc, IR_sub_cc, IR_sbb_cc, IR_and_cc,
                                IR_or_cc,  IR_xor_cc, IR_inc_cc, IR_dec_cc, IR_neg_cc};
    for (unsigned o = 0; o < sizeof rmw / sizeof rmw[0]; o++)
        for (int si = 0; si < 3; si++)
            for (int k = 0; k < 6; k++) {
                int size = sizes[si];
                char name[64];
                snprintf(name, sizeof name, "rmw %s%d kind%d", ir_opdef[rmw[o]].name, size, k);
                begin();
                IRVal a = k == 5 ? K(GMEM_RO + 8) : addr(k & 1, 4);
                IRVal t = T(), t2 = T();
                ir_op1(&blk, IR_ldw, size, t, a);
                IRVal x = k < 2 ? IR_G_ECX : k < 4 ? K(0x1234567) : IR_G_ESI;
                if (o >= 7)
                    ir_op1(&blk, rmw[o], size, t2, t);
                else if (k == 2)
                    ir_op2(&blk, rmw[o], size, t2, x, t); /* operands swapped */
                else
                    ir_op2(&blk, rmw[o], size, t2, t, x);
                ir_op2(&blk, IR_st, size, IR_NOVAL, a, t2);
                if (k == 3) /* t used again: no fusion */
                    put(IR_G_EBX, size, t);
                end_exit();
                check(name, rmw[o] >= IR_and_cc && rmw[o] <= IR_xor_cc ? CC_ALL & ~CC_A : CC_ALL);
            }
    /* faults: the state is that of the faulting instruction */
    for (int k = 0; k < 4; k++) {
        char name[64];
        snprintf(name, sizeof name, "fault kind%d", k);
        begin();
        IRVal f = T();
        ir_op2(&blk, IR_add_cc, 32, f, IR_G_EAX, IR_G_EDX);
        ir_op1(&blk, IR_mov, 32, IR_G_EAX, f);
        insn(0x1004);
        IRVal t = T();
        if (k == 0)
            ir_op1(&blk, IR_ld, 32, t, K(0x1f010));
        else if (k == 1)
            ir_op2(&blk, IR_st, 16, IR_NOVAL, K(GMEM_RO + 2), IR_G_EBX);
        else
            ir_op1(&blk, IR_ldw, 8, t, K(GMEM_RO + 2));
        if (k != 1) {
            IRVal t2 = T();
            ir_op2(&blk, IR_add_cc, k == 1 ? 16 : 8, t2, t, IR_G_ECX);
            ir_op2(&blk, IR_st, 8, IR_NOVAL, K(GMEM_RO + 2), k == 3 ? K(1) : t2);
        }
        end_exit();
        check(name, CC_ALL);
    }
}

/* ---- helper calls ---- */
static uint32_t helper_mix(CPUX86State *env, uint32_t a, uint32_t b, uint32_t c, uint32_t d)
{
    return a * 3 + b * 5 + c * 7 + d * 11 + env->regs[R_EBX] + env->cc;
}
static uint32_t helper_write(CPUX86State *env, uint32_t a, uint32_t b, uint32_t c, uint32_t d)
{
    env->regs[R_EAX] += a;
    env->regs[R_ESI] ^= b;
    env->regs[R_ESP] -= 4;
    env->cc = (env->cc ^ CC_C ^ CC_Z) & X86_CC_MASK;
    return env->eip;
}
static uint32_t helper_fault(CPUX86State *env, uint32_t a, uint32_t b, uint32_t c, uint32_t d)
{
    if (a & 1)
        cpu_raise(env, SIGILL, 0, env->eip);
    return a;
}
static const IRHelper h_mix = {"mix", helper_mix, 4, 1, HF_READ_GLOBALS | HF_READ_CC};
static const IRHelper h_write = {"write", helper_write, 2, 1, HF_ALL};
static const IRHelper h_fault = {"fault", helper_fault, 1, 1, HF_SYNC | HF_READ_GLOBALS};

static void test_calls(void)
{
    int mix = ir_helper_register(&h_mix), wr = ir_helper_register(&h_write);
    int fl = ir_helper_register(&h_fault);
    for (int k = 0; k < 4; k++) {
        char name[64];
        snprintf(name, sizeof name, "call kind%d", k);
        begin();
        IRVal f = T();
        ir_op2(&blk, IR_add_cc, 32, f, IR_G_EAX, IR_G_EDX);
        IRVal keep[6];
        for (int i = 0; i < 6; i++) {
            keep[i] = T();
            ir_op2(&blk, IR_add, 32, keep[i], (IRVal)(IR_G_EAX + i), K((uint32_t)i * 0x111));
        }
        IRVal r = T();
        IRVal args[4] = {src(k, 1), keep[0], src((k + 1) % NSRC, 2), keep[5]};
        if (k == 3)
            args[0] = IR_G_EDI, args[2] = IR_G_ECX;
        ir_call(&blk, mix, r, 4, args);
        IRVal r2 = T();
        IRVal a2[2] = {r, keep[2]};
        ir_call(&blk, wr, k == 2 ? IR_G_EBP : r2, 2, a2);
        if (k == 1) {
            insn(0x1006);
            IRVal r3 = T();
            IRVal a3[1] = {IR_G_EDX};
            ir_call(&blk, fl, r3, 1, a3);
            ir_op1(&blk, IR_mov, 32, IR_G_EDX, r3);
        }
        IRVal sum = keep[0];
        for (int i = 1; i < 6; i++) {
            IRVal s2 = T();
            ir_op2(&blk, IR_add, 32, s2, sum, keep[i]);
            sum = s2;
        }
        ir_op1(&blk, IR_mov, 32, IR_G_EBX, sum);
        if (k != 2)
            ir_op1(&blk, IR_mov, 32, IR_G_EDI, r2);
        IRVal c2 = T();
        ir_op2(&blk, IR_adc_cc, 32, c2, IR_G_ECX, r);
        ir_op1(&blk, IR_mov, 32, IR_G_ECX, c2);
        end_exit();
        check(name, CC_ALL);
    }
}

/* ---- control flow ---- */
static IROp *brc(int cond, int label)
{
    IROp *op = ir_emit(&blk, IR_brcond, 0);
    op->cond = (uint8_t)cond;
    op->aux[0] = (uint32_t)label;
    return op;
}

static void label(int l) { ir_emit(&blk, IR_label, 0)->aux[0] = (uint32_t)l; }

static void test_control(void)
{
    /* jcc-like: brcond, two goto_tb */
    for (int cond = 0; cond < 16; cond++) {
        char name[64];
        snprintf(name, sizeof name, "brcond %d goto_tb", cond);
        begin();
        IRVal f = T();
        ir_op2(&blk, IR_sub_cc, 32, f, IR_G_EAX, IR_G_ECX);
        int l = ir_new_label(&blk);
        brc(cond, l);
        IROp *op = ir_emit(&blk, IR_goto_tb, 0);
        op->aux[0] = 0, op->aux[1] = 0x3000;
        label(l);
        op = ir_emit(&blk, IR_goto_tb, 0);
        op->aux[0] = 1, op->aux[1] = 0x4000;
        check(name, CC_ALL);
    }
    /* in-block diamond with temps live across the label and a flag-
     * clobbering op on one side */
    for (int kind = 0; kind < 6; kind++) {
        char name[64];
        snprintf(name, sizeof name, "diamond %d", kind);
        begin();
        IRVal f = T(), live = T();
        ir_op2(&blk, IR_add, 32, live, IR_G_ESI, K(12345));
        ir_op2(&blk, IR_add_cc, 32, f, IR_G_EAX, IR_G_EBX);
        int l = ir_new_label(&blk), l2 = ir_new_label(&blk);
        if (kind == 0)
            brc(CC_COND_S, l);
        else if (kind == 1 || kind == 4)
            ir_op1(&blk, kind == 1 ? IR_brz : IR_brnz, 32, IR_NOVAL, IR_G_EDX)->aux[0] = (uint32_t)l;
        else if (kind == 2)
            ir_emit(&blk, IR_br, 0)->aux[0] = (uint32_t)l;
        else
            ir_op1(&blk, IR_brnz, 32, IR_NOVAL, live)->aux[0] = (uint32_t)l;
        IRVal t = T();
        ir_op2(&blk, IR_xor, 32, t, IR_G_EAX, live);
        ir_op1(&blk, IR_mov, 32, IR_G_EAX, t);
        if (kind == 5) {
            IRVal g = T();
            ir_op2(&blk, IR_or_cc, 32, g, IR_G_ECX, K(0));
            ir_op1(&blk, IR_brz, 32, IR_NOVAL, IR_G_EDI)->aux[0] = (uint32_t)l2;
            ir_op1(&blk, IR_mov, 32, IR_G_EDI, K(99));
            label(l2);
        }
        label(l);
        IRVal t2 = T();
        ir_op2(&blk, IR_adc_cc, 32, t2, live, IR_G_EDX);
        ir_op1(&blk, IR_mov, 32, IR_G_EDX, t2);
        end_exit();
        check(name, CC_ALL);
    }
    /* exits */
    for (int kind = 0; kind < 5; kind++) {
        char name[64];
        snprintf(name, sizeof name, "exit kind %d", kind);
        begin();
        IRVal f = T();
        ir_op2(&blk, IR_sbb_cc, 16, f, IR_G_EAX, IR_G_ECX);
        ir_op1(&blk, IR_mov, 32, IR_G_EIP, K(0x5555));
        IROp *op;
        if (kind == 0) {
            ir_emit(&blk, IR_goto_ptr, 0);
        } else if (kind == 1) {
            op = ir_emit(&blk, IR_exit_tb, 0);
            op->aux[0] = EXIT_SYSCALL;
        } else if (kind == 2) {
            op = ir_emit(&blk, IR_raise, 0);
            op->aux[0] = SIGILL, op->aux[1] = 2;
        } else if (kind == 3) {
            op = ir_emit(&blk, IR_raise, 0);
            op->aux[0] = SIGTRAP, op->aux[1] = 1;
        } else {
            op = ir_emit(&blk, IR_exit_tb, 0);
            op->aux[0] = EXIT_EXCEPTION, op->aux[1] = SIGSEGV;
        }
        check(name, CC_ALL);
    }
}

/* more live temps than registers */
static void test_pressure(void)
{
    for (int n = 4; n <= 24; n += 5) {
        char name[64];
        snprintf(name, sizeof name, "pressure %d", n);
        begin();
        IRVal v[32];
        for (int i = 0; i < n; i++) {
            v[i] = T();
            ir_op2(&blk, i & 1 ? IR_xor : IR_add, 32, v[i], (IRVal)(IR_G_EAX + i % 8),
                   i ? v[i - 1] : K(1));
        }
        IRVal acc = v[n - 1];
        for (int i = 0; i < n - 1; i++) {
            IRVal a2 = T();
            ir_op2(&blk, i % 3 ? IR_add_cc : IR_sub_cc, 32, a2, acc, v[i]);
            acc = a2;
        }
        ir_op1(&blk, IR_mov, 32, IR_G_EBX, acc);
        end_exit();
        check(name, CC_ALL);
    }
}

/* ---- random blocks ---- */
static IRVal pick(IRVal *vals, int n)
{
    uint32_t r = rnd() % 10;
    if (r < 2)
        return K(r == 0 ? rnd() : rnd() & 0xff);
    if (r < 4)
        return (IRVal)(IR_G_EAX + rnd() % 8);
    if (r < 5)
        return (IRVal)(IR_G_ES_BASE + rnd() % 6);
    return vals[rnd() % (uint32_t)n];
}

/* one random op; tracks which flags are defined */
static void random_op(IRVal *vals, int *n, uint16_t *def)
{
    static const IROpc cc2[] = {IR_add_cc, IR_adc_cc, IR_sub_cc, IR_sbb_cc,
                                IR_and_cc, IR_or_cc,  IR_xor_cc};
    static const IROpc pl2[] = {IR_add, IR_sub, IR_and, IR_or, IR_xor, IR_mul,
                                IR_shl, IR_shr, IR_sar, IR_seteq, IR_setne, IR_dep8hi};
    static const IROpc pl1[] = {IR_not, IR_neg, IR_bswap, IR_ext8hi, IR_mov};
    int size = sizes[rnd() % 3];
    IRVal t = T();
    uint32_t r = rnd() % 16;
    if (r < 4) {
        IROpc o = cc2[rnd() % 7];
        if ((o == IR_adc_cc || o == IR_sbb_cc) && !(*def & CC_C))
            o = IR_add_cc;
        ir_op2(&blk, o, size, t, pick(vals, *n), pick(vals, *n));
        *def = o >= IR_and_cc ? CC_ALL & ~CC_A : CC_ALL;
        IRVal z = T();
        ir_op1(&blk, IR_zext, size, z, t);
        t = z;
    } else if (r < 5) {
        IROpc o = (IROpc)(IR_inc_cc + rnd() % 3);
        ir_op1(&blk, o, size, t, pick(vals, *n));
        *def = o == IR_neg_cc ? CC_ALL : (uint16_t)((*def & CC_C) | (CC_ALL & ~CC_C));
        IRVal z = T();
        ir_op1(&blk, IR_sext, size, z, t);
        t = z;
    } else if (r < 6) {
        uint32_t c = 1 + rnd() % 7;
        IROpc o = (IROpc)(IR_shl_cc + rnd() % 5);
        ir_op2(&blk, o, size, t, pick(vals, *n), K(c));
        if (o <= IR_sar_cc)
            *def = (uint16_t)(CC_ALL & ~CC_A & ~(c == 1 ? 0 : CC_O));
        else
            *def = (uint16_t)((*def & ~(CC_C | CC_O)) | CC_C | (c == 1 ? CC_O : 0));
        IRVal z = T();
        ir_op1(&blk, IR_zext, size, z, t);
        t = z;
    } else if (r < 10) {
        IROpc o = pl2[rnd() % (sizeof pl2 / sizeof pl2[0])];
        ir_op2(&blk, o, 32, t, pick(vals, *n), pick(vals, *n));
    } else if (r < 11) {
        ir_op1(&blk, pl1[rnd() % 5], 32, t, pick(vals, *n));
    } else if (r < 12) {
        IRVal a = T();
        ir_op2(&blk, IR_and, 32, a, pick(vals, *n), K(0xfffc));
        ir_op1(&blk, rnd() & 1 ? IR_ld : IR_lds, size, t, a);
    } else if (r < 13) {
        IRVal a = T();
        ir_op2(&blk, IR_and, 32, a, pick(vals, *n), K(0xfffc));
        ir_op2(&blk, IR_st, size, IR_NOVAL, a, pick(vals, *n));
        ir_op1(&blk, IR_mov, 32, t, a);
    } else if (r < 14) {
        int cond = (int)(rnd() % 16);
        if ((ir_cond_cc_use(cond) & *def) != ir_cond_cc_use(cond))
            cond = CC_COND_E;
        if (!(*def & CC_Z)) {
            ir_op1(&blk, IR_mov, 32, t, pick(vals, *n));
        } else {
            IROp *op = ir_op2(&blk, rnd() & 1 ? IR_selcc : IR_setcond, 32, t, pick(vals, *n),
                              pick(vals, *n));
            op->cond = (uint8_t)cond;
        }
    } else if (r < 15) {
        ir_op3(&blk, IR_selnz, 32, t, pick(vals, *n), pick(vals, *n), pick(vals, *n));
    } else {
        ir_op1(&blk, IR_mov, 32, (IRVal)(IR_G_EAX + rnd() % 8), pick(vals, *n));
        ir_op1(&blk, IR_mov, 32, t, pick(vals, *n));
    }
    if (*n < 64)
        vals[(*n)++] = t;
    else
        vals[rnd() % 64] = t;
}

static void test_random(int count)
{
    for (int i = 0; i < count; i++) {
        char name[64];
        snprintf(name, sizeof name, "random %d", i);
        rng = (uint64_t)i * 0x9e3779b97f4a7c15ull + 12345;
        begin();
        IRVal vals[64];
        int n = 0;
        for (int g = 0; g < 8; g++)
            vals[n++] = (IRVal)(IR_G_EAX + g);
        uint16_t def = 0;
        int len = 5 + (int)(rnd() % 40);
        for (int k = 0; k < len; k++) {
            if (rnd() % 8 == 0)
                insn(0x1000 + (uint32_t)k * 2);
            random_op(vals, &n, &def);
        }
        for (int g = 0; g < 8; g++)
            if (rnd() & 1)
                ir_op1(&blk, IR_mov, 32, (IRVal)(IR_G_EAX + g), vals[rnd() % (uint32_t)n]);
        end_exit();
        check(name, def);
    }
}

int main(int argc, char **argv)
{
    int nrandom = argc > 1 ? atoi(argv[1]) : 400;
    /* like guest-mem.c: a PROT_NONE guard before guest address 0, since the
     * emitter folds negative displacements into [r15 + reg - disp] */
    uint8_t *res = mmap(NULL, GUEST_GUARD + GMEM_SIZE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (res == MAP_FAILED)
        return 1;
    gmem = res + GUEST_GUARD;
    if (mprotect(gmem, GMEM_SIZE, PROT_READ | PROT_WRITE) != 0)
        return 1;
    mprotect(gmem + GMEM_RO, 0x1000, PROT_READ);
    mprotect(gmem + GMEM_SIZE - 0x1000, 0x1000, PROT_NONE);
    guest_base = (uintptr_t)gmem;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGFPE, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);
    backend_interp.init();
    backend_x86_64.init();
    test_cc_binops();
    test_cc_unops();
    test_shifts();
    test_muldiv();
    test_bits();
    test_cc_access();
    test_plain();
    test_memory();
    test_calls();
    test_control();
    test_pressure();
    test_random(nrandom);
    printf("%d passed, %d failed\n", npass, nfail);
    return nfail != 0;
}
