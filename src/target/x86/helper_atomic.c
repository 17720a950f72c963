/*
 * helper_atomic.c - LOCK-prefixed read-modify-write instructions and xchg
 * with memory, as host atomic operations (used once the guest has threads:
 * x86_atomic_mode).
 *
 * One helper does them all: helper_atomic(env, desc, ea, src) with desc =
 * X86_ATOMIC_DESC(op, bytes, reg).  It is HF_ALL: env (registers, CC, EIP at
 * the instruction) is exact when it runs, so a fault on the guest address is
 * the guest's fault with the state of the instruction.  The memory update is
 * a compare-and-swap loop (one lock cmpxchg on x86 hosts), so it is atomic
 * against every other guest thread; the CAS writes even when the value does
 * not change, so a read-only page faults as a write, as on x86.  Flags are
 * computed from the old value the successful CAS saw.
 *
 * Example: "lock xadd [ebx], eax" -> helper_atomic(env, DESC(XADD, 4, EAX),
 * ebx, eax): EAX = old, [ebx] = old + eax, flags of the add.
 */
#include <stdbool.h>
#include <string.h>

#include "linux-user/guest-mem.h"
#include "target/x86/translate.h"

bool x86_atomic_mode;

static uint32_t atomic_mask(int bits)
{
    return bits == 32 ? 0xffffffffu : (1u << bits) - 1;
}

/* x86 flags of a + b + carry and a - b - borrow at `bits` bits. */
static uint32_t atomic_cc_add(uint32_t a, uint32_t b, uint32_t c, int bits)
{
    uint32_t m = atomic_mask(bits);
    a &= m, b &= m;
    uint64_t wide = (uint64_t)a + b + c;
    uint32_t r = (uint32_t)wide & m;
    uint32_t cc = x86_cc_szp(r, bits) | ((a ^ b ^ r) & X86_AF);
    if (wide > m)
        cc |= X86_CF;
    if ((((a ^ r) & (b ^ r)) >> (bits - 1)) & 1)
        cc |= X86_OF;
    return cc;
}

static uint32_t atomic_cc_sub(uint32_t a, uint32_t b, uint32_t c, int bits)
{
    uint32_t m = atomic_mask(bits);
    a &= m, b &= m;
    uint32_t r = (a - b - c) & m;
    uint32_t cc = x86_cc_szp(r, bits) | ((a ^ b ^ r) & X86_AF);
    if ((uint64_t)a < (uint64_t)b + c)
        cc |= X86_CF;
    if ((((a ^ b) & (a ^ r)) >> (bits - 1)) & 1)
        cc |= X86_OF;
    return cc;
}

/* Compare-and-swap of `bytes` bytes at host p; *old gets the value seen. */
static bool atomic_cas(void *p, int bytes, uint32_t *old, uint32_t val)
{
    switch (bytes) {
    case 1: {
        uint8_t e = (uint8_t)*old;
        bool ok = __atomic_compare_exchange_n((uint8_t *)p, &e, (uint8_t)val, false,
                                              __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
        *old = e;
        return ok;
    }
    case 2: {
        uint16_t e = (uint16_t)*old;
        bool ok = __atomic_compare_exchange_n((uint16_t *)p, &e, (uint16_t)val, false,
                                              __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
        *old = e;
        return ok;
    }
    default: {
        uint32_t e = *old;
        bool ok = __atomic_compare_exchange_n((uint32_t *)p, &e, val, false, __ATOMIC_SEQ_CST,
                                              __ATOMIC_SEQ_CST);
        *old = e;
        return ok;
    }
    }
}

static uint32_t atomic_load(const void *p, int bytes)
{
    switch (bytes) {
    case 1:
        return __atomic_load_n((const uint8_t *)p, __ATOMIC_RELAXED);
    case 2:
        return __atomic_load_n((const uint16_t *)p, __ATOMIC_RELAXED);
    default:
        return __atomic_load_n((const uint32_t *)p, __ATOMIC_RELAXED);
    }
}

/* Write `bytes` of v to GPR reg (size-1 numbers 4..7 are AH..BH). */
static void atomic_reg_write(CPUX86State *env, int reg, int bytes, uint32_t v)
{
    if (bytes == 4)
        env->regs[reg] = v;
    else if (bytes == 2)
        env->regs[reg] = (env->regs[reg] & 0xffff0000u) | (v & 0xffff);
    else if (reg < 4)
        env->regs[reg] = (env->regs[reg] & 0xffffff00u) | (v & 0xff);
    else
        env->regs[reg - 4] = (env->regs[reg - 4] & 0xffff00ffu) | ((v & 0xff) << 8);
}

/* New memory value and new CC for op on old value o and source s. */
static uint32_t atomic_compute(int op, uint32_t o, uint32_t s, int bits, uint32_t cc_in,
                               uint32_t *cc)
{
    uint32_t carry = cc_in & X86_CF, bit = 1u << (s & (bits - 1));
    switch (op) {
    case X86_ATOMIC_ADD:
    case X86_ATOMIC_XADD:
        *cc = atomic_cc_add(o, s, 0, bits);
        return o + s;
    case X86_ATOMIC_ADC:
        *cc = atomic_cc_add(o, s, carry, bits);
        return o + s + carry;
    case X86_ATOMIC_SUB:
        *cc = atomic_cc_sub(o, s, 0, bits);
        return o - s;
    case X86_ATOMIC_SBB:
        *cc = atomic_cc_sub(o, s, carry, bits);
        return o - s - carry;
    case X86_ATOMIC_AND:
        *cc = x86_cc_szp(o & s, bits);
        return o & s;
    case X86_ATOMIC_OR:
        *cc = x86_cc_szp(o | s, bits);
        return o | s;
    case X86_ATOMIC_XOR:
        *cc = x86_cc_szp(o ^ s, bits);
        return o ^ s;
    case X86_ATOMIC_INC:
        *cc = (atomic_cc_add(o, 1, 0, bits) & ~X86_CF) | carry;
        return o + 1;
    case X86_ATOMIC_DEC:
        *cc = (atomic_cc_sub(o, 1, 0, bits) & ~X86_CF) | carry;
        return o - 1;
    case X86_ATOMIC_NEG:
        *cc = atomic_cc_sub(0, o, 0, bits);
        return 0 - o;
    case X86_ATOMIC_NOT:
        *cc = cc_in;
        return ~o;
    case X86_ATOMIC_BTS:
    case X86_ATOMIC_BTR:
    case X86_ATOMIC_BTC:
        *cc = (cc_in & ~X86_CF) | ((o & bit) ? X86_CF : 0);
        return op == X86_ATOMIC_BTS ? o | bit : op == X86_ATOMIC_BTR ? o & ~bit : o ^ bit;
    default: /* XCHG */
        *cc = cc_in;
        return s;
    }
}

static uint32_t helper_atomic(CPUX86State *env, uint32_t desc, uint32_t ea, uint32_t src,
                              uint32_t unused)
{
    (void)unused;
    int op = (int)(desc & 0xff), bytes = (int)((desc >> 8) & 0xf), reg = (int)(desc >> 12) & 7;
    int bits = bytes * 8;
    void *p = g2h(ea);
    uint32_t old, val, cc = env->cc;

    if (op == X86_ATOMIC_CMPXCHG) {
        uint32_t acc = env->regs[R_EAX] & atomic_mask(bits);
        old = acc;
        if (!atomic_cas(p, bytes, &old, src)) {
            /* x86 writes the destination back either way; a failed CAS
             * wrote nothing, so store the old value to get the write fault
             * on a read-only page */
            uint32_t seen = old;
            atomic_cas(p, bytes, &seen, old);
        }
        env->cc = atomic_cc_sub(acc, old, 0, bits);
        if (old != acc)
            atomic_reg_write(env, R_EAX, bytes, old);
        return 0;
    }
    old = atomic_load(p, bytes);
    do {
        val = atomic_compute(op, old, src, bits, env->cc, &cc);
    } while (!atomic_cas(p, bytes, &old, val));
    env->cc = cc;
    if (op == X86_ATOMIC_XADD || op == X86_ATOMIC_XCHG)
        atomic_reg_write(env, reg, bytes, old);
    return 0;
}

/* cmpxchg8b m64 with a 64-bit CAS. */
static uint32_t helper_atomic_cmpxchg8b(CPUX86State *env, uint32_t ea, uint32_t a1, uint32_t a2,
                                        uint32_t a3)
{
    (void)a1, (void)a2, (void)a3;
    uint64_t *p = g2h(ea);
    uint64_t acc = (uint64_t)env->regs[R_EDX] << 32 | env->regs[R_EAX];
    uint64_t nv = (uint64_t)env->regs[R_ECX] << 32 | env->regs[R_EBX];
    uint64_t old = acc;
    if (__atomic_compare_exchange_n(p, &old, nv, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
        env->cc |= X86_ZF;
    } else {
        uint64_t again = old;
        __atomic_compare_exchange_n(p, &again, old, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
        env->cc &= ~X86_ZF;
        env->regs[R_EAX] = (uint32_t)old;
        env->regs[R_EDX] = (uint32_t)(old >> 32);
    }
    return 0;
}

static const IRHelper x86_atomic_helpers[2] = {
    {"atomic", helper_atomic, 3, 0, HF_ALL},
    {"atomic_cmpxchg8b", helper_atomic_cmpxchg8b, 1, 0, HF_ALL},
};

int x86_helper_atomic_id(int which)
{
    static int ids[2] = {-1, -1};
    if (ids[which] < 0)
        ids[which] = ir_helper_register(&x86_atomic_helpers[which]);
    return ids[which];
}
