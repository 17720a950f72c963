/*
 * x87.h - what the x87 translator (translate_x87.c) needs from the x87
 * helpers (helper_x87.c), and the FPU reset used when a process starts.
 *
 * Each X87H_* helper takes (ea, fop, seg[, o16]) as described at the top of
 * helper_x87.c; x87_helper_id() registers it at first use.
 *
 * The image functions give the fxsave and fnsave memory layouts to other
 * parts (linux-user signal frames) so that the layout is written once.
 */
#ifndef XLAT_TARGET_X86_X87_H
#define XLAT_TARGET_X86_X87_H

#include <stdbool.h>

#include "target/x86/cpu.h"

enum {
    X87H_ARITH_MEM,  /* D8 DA DC DE memory forms */
    X87H_ARITH_REG,  /* D8 DC DE register forms */
    X87H_FLD_MEM,    /* fld fild fbld */
    X87H_FST_MEM,    /* fst(p) fist(p) fisttp fbstp */
    X87H_REG,        /* other register forms (D9 DA DB DD DF) */
    X87H_FCOMI,      /* fcomi fucomi fcomip fucomip: EFLAGS */
    X87H_FCMOV,      /* fcmovcc: reads EFLAGS */
    X87H_CTL_MEM,    /* fldcw fnstcw fnstsw m16 fldenv fnstenv frstor fnsave */
    X87H_FNSTSW_AX,  /* returns the status word */
    X87H_FWAIT,      /* 9B */
    X87H_FXSAVE,     /* 0F AE /0 /1: (ea, restore) */
    X87H_N
};

int x87_helper_id(int which);
/* The X87H_* helper a registered helper id is, or -1. */
int x87_helper_kind(int helper_id);

/* FNINIT state plus MXCSR = 0x1f80: a new process. */
void x87_reset(CPUX86State *env);

/* fxsave image: bytes 0..287 (legacy x87 and MXCSR, ST0..7, XMM0..7) */
#define X87_FXSAVE_USED 288
void x87_fxsave_image(const CPUX86State *env, uint8_t buf[X87_FXSAVE_USED]);
bool x87_fxrstor_image(CPUX86State *env, const uint8_t buf[X87_FXSAVE_USED]);

/* fnsave image, 32-bit operand size: 28-byte environment + ST0..7 */
#define X87_FNSAVE_SIZE 108
void x87_fnsave_image(const CPUX86State *env, uint8_t buf[X87_FNSAVE_SIZE]);
void x87_frstor_image(CPUX86State *env, const uint8_t buf[X87_FNSAVE_SIZE]);

#endif
