/*
 * fpstate.c - the guest's x87/MMX state and MXCSR live in the host FPU while
 * generated code runs, so that guest x87 instructions can run as the very
 * same host instructions (isel_fp.c): results, status and tag words, C0-C3,
 * stack faults, precision and rounding are the hardware's by construction.
 *
 * The state has two homes (cpu.h): env (fpr .. fpu_exc_pending, mxcsr) and
 * the host FPU.  env->fp_live says which one is the truth.
 *  - fill (generated code -> stub -> x64_fp_fill): env -> fxsave64 image ->
 *    fxrstor64; fp_live = 1.  Generated code calls *env->fp_enter before its
 *    first native FP instruction and after an x87/SSE helper call (HF_FP:
 *    those spill); fp_enter is a bare `ret` while the state is live.  A
 *    chained jump from one FP TB to another skips the call (isel_fp.c): the
 *    state is live at every exit of an FP TB, and only C code spills it.
 *  - spill (x86_fp_sync -> x64_fp_spill, from C code that needs env: x87 and
 *    SSE helpers, syscalls, signal delivery): fxsave64 -> env, then fninit
 *    and the default MXCSR, so C code meets the SysV ABI's FPU state again.
 *  - after a host fault in guest code (x64_fp_recover): the kernel saved the
 *    FPU state in the signal frame and gave the handler a clean one: take the
 *    frame's image.
 * The xmm registers are not part of this: env->xmm is their home, and an
 * image's xmm area is ignored here.  Generated code keeps guest xmm values
 * in the host xmm registers within a run of SSE instructions and stores
 * them back before any C code or block exit (isel_sse.c); a fault in
 * between finds the registers still only in the host (the pc map's
 * xmm_dirty) and takes them from the signal frame (x64_fp_recover_xmm).
 *
 * FIP, FOP and FDP: the host x87 unit tracks them for the native
 * instructions, as host addresses.  The fill loads markers into the host
 * FIP and FDP (fldenv): the fill stub's address, and the host address of
 * guest address 0xffffffff (no guest access can start there).  At a spill
 * fnstenv gives their low 32 bits (fxsave64 hides them on this AMD host
 * unless an exception is pending): a FIP still equal to its marker means no
 * native non-control instruction ran since the fill, so env's values stand;
 * otherwise the FIP is inside generated code and maps back to the guest
 * instruction through the TB's pc map (which also keeps a memory form's
 * guest ModRM for FOP, and its segment), and an FDP that is not its marker
 * is guest_base + segment base + the guest offset.  fninit stays a helper
 * call, so the host FIP is never zero here.  After a fault the kernel's
 * image holds them instead: only with an exception pending (ES), as
 * natively on this host.
 *
 * Example: "fld qword [ebx]; fmul st, st(1)" after a syscall: the first
 * native op calls the fill stub (fp_live was 0), then both run on the host
 * x87 unit; the next syscall spills the result back into env->fpr.
 */
#include <stddef.h>
#include <string.h>

#include "host/x86_64/isel.h"
#include "target/x86/cpu.h"
#include "target/x86/x87.h"
#include "util/bytes.h"

const uint8_t *x64_fp_fill_stub, *x64_fp_ret_stub;

/* env's FIP, FOP, FDP and selectors into an fxsave image (32-bit layout) */
static void fp_ptrs_from_env(const CPUX86State *env, uint8_t *buf)
{
    put16(buf + 6, env->fop);
    put32(buf + 8, env->fip);
    put16(buf + 12, env->fcs);
    put16(buf + 14, 0);
    put32(buf + 16, env->fdp);
    put16(buf + 20, env->fds);
    put16(buf + 22, 0);
}

static uint32_t fip_marker(void)
{
    return (uint32_t)(uintptr_t)x64_fp_fill_stub;
}
static uint32_t fdp_marker(const CPUX86State *env)
{
    return (uint32_t)env->guest_base - 1;
}

/* The host's FIP, FOP and FDP (FIP and FDP: low 32 bits) -> the guest's,
 * into buf.  A memory form's host ModRM differs from the guest's: the pc
 * map entry of the instruction has the guest's, and its segment.
 *
 * fdp_lost: a host FDP of 0 after a register form is no host address.
 * This AMD host saves FIP/FDP only with an exception pending, so when the
 * kernel saves and restores the FPU state of the thread meanwhile (a
 * preemption, or a host signal that generated code resumes from: a write
 * to a page with translated code, an async signal), the pointers come
 * back as 0, the fill's markers with them.  Natively the guest loses them
 * the same way, so it sees 0: not env's, and not 0 minus the guest base
 * (test-sse-fpe-x87ptrs).  After a memory form the FDP is that operand's
 * host address, 0 or not. */
static void fp_ptrs_from_host(const CPUX86State *env, uint32_t fip, uint16_t fop, uint32_t fdp,
                              uint8_t *buf)
{
    fp_ptrs_from_env(env, buf);
    const TBPcMap *e = fip == fip_marker() ? NULL : x64_host_pcmap32(fip);
    if (!e)
        return; /* nothing native since the fill (or its TB is gone) */
    int seg = R_DS;
    if (e->x87_modrm) {
        fop = (uint16_t)((fop & 0x700) | e->x87_modrm);
        seg = e->x87_seg % X86_NSEG;
    }
    put16(buf + 6, fop & 0x7ff);
    put32(buf + 8, e->guest_pc);
    put16(buf + 12, env->seg_sel[R_CS]);
    if (fdp == 0 && !e->x87_modrm) {
        /* lost: see fdp_lost */
        put32(buf + 16, 0);
        put16(buf + 20, 0);
    } else if (fdp != fdp_marker(env)) {
        /* the segment is the FIP instruction's when that one has the memory
         * operand (the usual case), else DS */
        put32(buf + 16, fdp - (uint32_t)env->guest_base - env->seg_base[seg]);
        put16(buf + 20, env->seg_sel[seg]);
    }
}

/* A host fxsave64 image -> env: x87 state and MXCSR.  env->xmm stays (the
 * host xmm registers are scratch).  `fenv`: the host's fnstenv image, for
 * the pointers; NULL after a fault, where the image has them (zero unless
 * an exception is pending: then the native frame has them too). */
static void fp_image_to_env(CPUX86State *env, const uint8_t *img, const uint8_t *fenv)
{
    uint8_t buf[X87_FXSAVE_USED];
    memcpy(buf, img, sizeof(buf));
    if (fenv)
        fp_ptrs_from_host(env, get32(fenv + 12), (uint16_t)(fenv[18] | fenv[19] << 8),
                          get32(fenv + 20), buf);
    else if (img[2] & 0x80)
        fp_ptrs_from_host(env, (uint32_t)get64(img + 8), (uint16_t)(img[6] | img[7] << 8),
                          (uint32_t)get64(img + 16), buf);
    else
        memset(buf + 6, 0, 18);
    memcpy(buf + 160, env->xmm, sizeof(env->xmm));
    x87_fxrstor_image(env, buf); /* MXCSR came from the host: always valid */
}

static void fp_set_live(CPUX86State *env, bool live)
{
    env->fp_live = live;
    env->fp_enter = live ? x64_fp_ret_stub : x64_fp_fill_stub;
}

/* Called by the fill stub with every guest register saved. */
static void x64_fp_fill(CPUX86State *env)
{
    uint8_t *a = env->fp_area;
    memset(a, 0, sizeof(env->fp_area));
    x87_fxsave_image(env, a);
    uint8_t fenv[X87_FNSAVE_SIZE];
    x87_fnsave_image(env, fenv);
    put32(fenv + 12, fip_marker());
    put32(fenv + 20, fdp_marker(env));
    memset(a + 8, 0, 16); /* fxrstor64 may load the pointers too: the same */
    put32(a + 8, fip_marker());
    put32(a + 16, fdp_marker(env));
    /* fldenv first: it is a waiting instruction, and the host state is
     * clean here (fninit by the spill, or a fresh thread or signal handler),
     * while the guest's may hold a pending exception; fxrstor64 never traps */
    __asm__ volatile("fldenv %1\n\tfxrstor64 %0"
                     :
                     : "m"(*(const uint8_t(*)[512])a), "m"(*(const uint8_t(*)[28])fenv));
    fp_set_live(env, true);
}

void x64_fp_spill(CPUX86State *env)
{
    static const uint32_t host_mxcsr = 0x1f80;
    uint8_t *a = env->fp_area, fenv[28];
    __asm__ volatile("fxsave64 %0\n\tfnstenv %1\n\tfninit\n\tldmxcsr %2"
                     : "=m"(*(uint8_t(*)[512])a), "=m"(fenv)
                     : "m"(host_mxcsr));
    fp_set_live(env, false);
    fp_image_to_env(env, a, fenv);
}

void x64_fp_recover(CPUX86State *env, const void *img)
{
    if (!env->fp_live)
        return;
    fp_set_live(env, false);
    if (img)
        fp_image_to_env(env, img, NULL);
}

/* After a host fault in generated code: the guest xmm registers in `mask`
 * were newer in the host registers than in env (TBPcMap.xmm_dirty); the
 * kernel saved those in the frame's fxsave64 image, xmm0 at byte 160. */
void x64_fp_recover_xmm(CPUX86State *env, const void *img, unsigned mask)
{
    if (!img)
        return;
    for (int r = 0; r < 8; r++)
        if (mask & (1u << r))
            memcpy(&env->xmm[r], (const uint8_t *)img + 160 + 16 * r, sizeof(env->xmm[r]));
}

/* Once per CPU, before it runs generated code (Backend.attach_env). */
void x64_fp_attach(CPUX86State *env)
{
    if (!env->fp_enter)
        fp_set_live(env, false);
}

/* The shared stubs: `ret`, and the fill, which keeps every register the
 * generated code may hold (guest registers, temps, flags).  At the call
 * the host rsp is 16-byte aligned, as everywhere in generated code. */
void x64_fp_gen_stubs(CodeBuf *cb)
{
    static const int saved[] = {X64_RAX, X64_RCX, X64_RDX, X64_RSI, X64_RDI,
                                X64_R8,  X64_R9,  X64_R10, X64_R11};
    enum { NSAVED = sizeof(saved) / sizeof(saved[0]) };
    x64_fp_ret_stub = cb->p;
    x64_byte(cb, 0xc3);
    while ((uintptr_t)cb->p & 15)
        x64_byte(cb, 0xcc);
    x64_fp_fill_stub = cb->p;
    x64_byte(cb, 0x9c); /* pushfq: rsp 16-aligned again */
    for (int i = 0; i < NSAVED; i++)
        x64_push(cb, saved[i]);
    x64_rr(cb, 0x83 | P_REXW, ARITH_SUB, X64_RSP); /* 9 pushes: realign */
    x64_byte(cb, 8);
    x64_mov_rr64(cb, X64_RDI, HOST_REG_ENV);
    x64_call_abs(cb, (const void *)x64_fp_fill, X64_RAX);
    x64_rr(cb, 0x83 | P_REXW, ARITH_ADD, X64_RSP);
    x64_byte(cb, 8);
    for (int i = NSAVED - 1; i >= 0; i--)
        x64_pop(cb, saved[i]);
    x64_byte(cb, 0x9d); /* popfq */
    x64_byte(cb, 0xc3);
}
