/*
 * helper_string.c - the string instructions (movs cmps stos lods scas) with
 * their rep/repe/repne forms, as C helpers called from translated code.
 *
 * Invariant: guest registers in env (ESI, EDI, ECX, EAX, CC) are updated
 * element by element, after the element's memory accesses, so a guest
 * fault in the middle (a host SIGSEGV on guest memory, which linux-user
 * turns into the guest's) leaves exactly the state hardware would.  The
 * fast paths for rep movs / rep stos with DF=+1 copy whole runs inside one
 * page pair at a time, after checking the pages with guest_access_ok; near
 * a bad page they fall back to the element loop, which faults at the exact
 * element.  Memory is reached through g2h; the source segment base
 * (FS/GS overrides) is added, the destination is ES.
 */
#include <string.h>

#include "linux-user/guest-mem.h"
#include "target/x86/translate.h"

typedef struct StrOp {
    int bytes;      /* element size */
    uint32_t amask; /* 0xffff or 0xffffffff: SI/DI/CX or ESI/EDI/ECX */
    int rep;        /* X86_STR_* */
    uint32_t src_base;
    uint32_t dst_base;
    int32_t step; /* +-bytes */
} StrOp;

static StrOp str_decode(const CPUX86State *env, uint32_t desc)
{
    StrOp s;
    s.bytes = (int)(desc & 15);
    s.amask = ((desc >> 4) & 15) == 2 ? 0xffffu : 0xffffffffu;
    s.rep = (int)((desc >> 8) & 15);
    s.src_base = env->seg_base[(desc >> 12) & 7];
    s.dst_base = env->seg_base[R_ES];
    s.step = env->df * s.bytes;
    return s;
}

static uint32_t reg_get(const CPUX86State *env, int r, uint32_t mask)
{
    return env->regs[r] & mask;
}

static void reg_set(CPUX86State *env, int r, uint32_t mask, uint32_t v)
{
    env->regs[r] = (env->regs[r] & ~mask) | (v & mask);
}

static void reg_step(CPUX86State *env, int r, const StrOp *s)
{
    reg_set(env, r, s->amask, reg_get(env, r, s->amask) + (uint32_t)s->step);
}

static uint32_t mem_rd(uint32_t a, int bytes)
{
    uint8_t *p = g2h(a);
    if (bytes == 1)
        return *p;
    if (bytes == 2) {
        uint16_t v;
        memcpy(&v, p, 2);
        return v;
    }
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

static void mem_wr(uint32_t a, int bytes, uint32_t v)
{
    uint8_t *p = g2h(a);
    if (bytes == 1)
        *p = (uint8_t)v;
    else if (bytes == 2)
        memcpy(p, &(uint16_t){(uint16_t)v}, 2);
    else
        memcpy(p, &v, 4);
}

static uint32_t src_addr(const CPUX86State *env, const StrOp *s)
{
    return s->src_base + reg_get(env, R_ESI, s->amask);
}

static uint32_t dst_addr(const CPUX86State *env, const StrOp *s)
{
    return s->dst_base + reg_get(env, R_EDI, s->amask);
}

static uint32_t acc_get(const CPUX86State *env, int bytes)
{
    return bytes == 4 ? env->regs[R_EAX] : env->regs[R_EAX] & ((1u << (bytes * 8)) - 1);
}

/* ---- one element of each instruction ---- */

static void movs_one(CPUX86State *env, const StrOp *s)
{
    mem_wr(dst_addr(env, s), s->bytes, mem_rd(src_addr(env, s), s->bytes));
    reg_step(env, R_ESI, s);
    reg_step(env, R_EDI, s);
}

static void stos_one(CPUX86State *env, const StrOp *s)
{
    mem_wr(dst_addr(env, s), s->bytes, acc_get(env, s->bytes));
    reg_step(env, R_EDI, s);
}

static void lods_one(CPUX86State *env, const StrOp *s)
{
    uint32_t v = mem_rd(src_addr(env, s), s->bytes);
    reg_set(env, R_EAX, s->bytes == 4 ? 0xffffffffu : (1u << (s->bytes * 8)) - 1, v);
    reg_step(env, R_ESI, s);
}

static void cmps_one(CPUX86State *env, const StrOp *s)
{
    uint32_t a = mem_rd(src_addr(env, s), s->bytes);
    uint32_t b = mem_rd(dst_addr(env, s), s->bytes);
    env->cc = x86_cc_sub(a, b, s->bytes * 8);
    reg_step(env, R_ESI, s);
    reg_step(env, R_EDI, s);
}

static void scas_one(CPUX86State *env, const StrOp *s)
{
    uint32_t b = mem_rd(dst_addr(env, s), s->bytes);
    env->cc = x86_cc_sub(acc_get(env, s->bytes), b, s->bytes * 8);
    reg_step(env, R_EDI, s);
}

/* ---- fast paths (DF=+1, 32-bit addresses) ---- */

/* Elements of `bytes` that fit from a to the end of its page. */
static uint32_t page_elems(uint32_t a, int bytes)
{
    return (GUEST_PAGE_SIZE - (a & ~GUEST_PAGE_MASK)) / (uint32_t)bytes;
}

/* Copy as many whole elements as lie in checked pages; returns false when
 * the element loop must take the next element. */
static bool movs_chunk(CPUX86State *env, const StrOp *s)
{
    uint32_t n = env->regs[R_ECX];
    uint32_t src = src_addr(env, s), dst = dst_addr(env, s);
    uint32_t k = page_elems(src, s->bytes), kd = page_elems(dst, s->bytes);
    if (kd < k)
        k = kd;
    if (n < k)
        k = n;
    uint32_t len = k * (uint32_t)s->bytes;
    /* an overlapping forward copy (dst inside the source run) must repeat
     * the pattern element by element, which memmove does not do */
    if (k == 0 || (dst - src) < len)
        return false;
    if (!guest_access_ok(src, len, PAGE_READ) || !guest_access_ok(dst, len, PAGE_WRITE))
        return false;
    memmove(g2h(dst), g2h(src), len);
    env->regs[R_ESI] += len;
    env->regs[R_EDI] += len;
    env->regs[R_ECX] -= k;
    return true;
}

static bool stos_chunk(CPUX86State *env, const StrOp *s)
{
    uint32_t n = env->regs[R_ECX];
    uint32_t dst = dst_addr(env, s);
    uint32_t k = page_elems(dst, s->bytes);
    if (n < k)
        k = n;
    uint32_t len = k * (uint32_t)s->bytes;
    if (k == 0 || !guest_access_ok(dst, len, PAGE_WRITE))
        return false;
    uint32_t v = acc_get(env, s->bytes);
    uint8_t *p = g2h(dst);
    if (s->bytes == 1) {
        memset(p, (int)v, len);
    } else {
        for (uint32_t i = 0; i < k; i++)
            mem_wr(dst + i * (uint32_t)s->bytes, s->bytes, v);
    }
    env->regs[R_EDI] += len;
    env->regs[R_ECX] -= k;
    return true;
}

/* ---- the rep loop ---- */

typedef void (*StrOne)(CPUX86State *env, const StrOp *s);
typedef bool (*StrChunk)(CPUX86State *env, const StrOp *s);

/* cmps/scas stop early under repe (ZF=0) or repne (ZF=1). */
static uint32_t str_run(CPUX86State *env, uint32_t desc, StrOne one, StrChunk chunk, bool cond_stop)
{
    StrOp s = str_decode(env, desc);
    if (s.rep == X86_STR_NOREP) {
        one(env, &s);
        return 0;
    }
    bool fast = chunk && s.step > 0 && s.amask == 0xffffffffu;
    while (reg_get(env, R_ECX, s.amask) != 0) {
        if (fast && chunk(env, &s))
            continue;
        one(env, &s);
        reg_set(env, R_ECX, s.amask, reg_get(env, R_ECX, s.amask) - 1);
        if (cond_stop) {
            bool zf = env->cc & X86_ZF;
            if ((s.rep == X86_STR_REP && !zf) || (s.rep == X86_STR_REPNE && zf))
                break;
        }
    }
    return 0;
}

static uint32_t helper_movs(CPUX86State *env, uint32_t desc, uint32_t a1, uint32_t a2, uint32_t a3)
{
    return str_run(env, desc, movs_one, movs_chunk, false);
}

static uint32_t helper_stos(CPUX86State *env, uint32_t desc, uint32_t a1, uint32_t a2, uint32_t a3)
{
    return str_run(env, desc, stos_one, stos_chunk, false);
}

static uint32_t helper_lods(CPUX86State *env, uint32_t desc, uint32_t a1, uint32_t a2, uint32_t a3)
{
    return str_run(env, desc, lods_one, NULL, false);
}

static uint32_t helper_cmps(CPUX86State *env, uint32_t desc, uint32_t a1, uint32_t a2, uint32_t a3)
{
    return str_run(env, desc, cmps_one, NULL, true);
}

static uint32_t helper_scas(CPUX86State *env, uint32_t desc, uint32_t a1, uint32_t a2, uint32_t a3)
{
    return str_run(env, desc, scas_one, NULL, true);
}

static const IRHelper x86_string_helpers[] = {
    {"movs", helper_movs, 1, 0, HF_ALL}, {"stos", helper_stos, 1, 0, HF_ALL},
    {"lods", helper_lods, 1, 0, HF_ALL}, {"cmps", helper_cmps, 1, 0, HF_ALL},
    {"scas", helper_scas, 1, 0, HF_ALL},
};

int x86_helper_string_id(int mnem)
{
    static int ids[5] = {-1, -1, -1, -1, -1};
    int i;
    switch (mnem) {
    case X86_MOVS:
        i = 0;
        break;
    case X86_STOS:
        i = 1;
        break;
    case X86_LODS:
        i = 2;
        break;
    case X86_CMPS:
        i = 3;
        break;
    default:
        i = 4;
        break;
    }
    if (ids[i] < 0)
        ids[i] = ir_helper_register(&x86_string_helpers[i]);
    return ids[i];
}
