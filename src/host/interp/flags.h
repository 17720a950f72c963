/*
 * flags.h - exact x86 status-flag computation in portable C, used by the
 * interpreter backend (and usable by helpers and tests).
 *
 * Every function computes one x86 ALU operation of `size` bits (8, 16 or 32)
 * on the low `size` bits of its inputs, returns the result zero-extended to
 * 32 bits, and updates *cc (EFLAGS layout, only X86_CC_MASK bits): flags the
 * instruction defines get their x86 value, flags it leaves unchanged keep
 * theirs, and flags the Intel SDM calls undefined get the deterministic value
 * documented in flags.c.  Counts are masked as the instruction masks them.
 */
#ifndef XLAT_HOST_INTERP_FLAGS_H
#define XLAT_HOST_INTERP_FLAGS_H

#include <stdbool.h>
#include <stdint.h>

uint32_t interp_cc_add(unsigned size, uint32_t a, uint32_t b, uint32_t *cc);
uint32_t interp_cc_adc(unsigned size, uint32_t a, uint32_t b, uint32_t *cc);
uint32_t interp_cc_sub(unsigned size, uint32_t a, uint32_t b, uint32_t *cc);
uint32_t interp_cc_sbb(unsigned size, uint32_t a, uint32_t b, uint32_t *cc);
uint32_t interp_cc_and(unsigned size, uint32_t a, uint32_t b, uint32_t *cc);
uint32_t interp_cc_or(unsigned size, uint32_t a, uint32_t b, uint32_t *cc);
uint32_t interp_cc_xor(unsigned size, uint32_t a, uint32_t b, uint32_t *cc);
uint32_t interp_cc_inc(unsigned size, uint32_t a, uint32_t *cc);
uint32_t interp_cc_dec(unsigned size, uint32_t a, uint32_t *cc);
uint32_t interp_cc_neg(unsigned size, uint32_t a, uint32_t *cc);

/* shifts and rotates by count (masked & 31 here) */
uint32_t interp_cc_shl(unsigned size, uint32_t a, uint32_t count, uint32_t *cc);
uint32_t interp_cc_shr(unsigned size, uint32_t a, uint32_t count, uint32_t *cc);
uint32_t interp_cc_sar(unsigned size, uint32_t a, uint32_t count, uint32_t *cc);
uint32_t interp_cc_rol(unsigned size, uint32_t a, uint32_t count, uint32_t *cc);
uint32_t interp_cc_ror(unsigned size, uint32_t a, uint32_t count, uint32_t *cc);
uint32_t interp_cc_rcl(unsigned size, uint32_t a, uint32_t count, uint32_t *cc);
uint32_t interp_cc_rcr(unsigned size, uint32_t a, uint32_t count, uint32_t *cc);
/* shld/shrd: a shifted by count, filling from b (size 16 or 32) */
uint32_t interp_cc_shld(unsigned size, uint32_t a, uint32_t b, uint32_t count, uint32_t *cc);
uint32_t interp_cc_shrd(unsigned size, uint32_t a, uint32_t b, uint32_t count, uint32_t *cc);

/* widening multiply: *hi gets the high half (zero-extended); returns low */
uint32_t interp_cc_mulu(unsigned size, uint32_t a, uint32_t b, uint32_t *hi, uint32_t *cc);
uint32_t interp_cc_muls(unsigned size, uint32_t a, uint32_t b, uint32_t *hi, uint32_t *cc);
/* divide as the divu/divs ops define the dividend (see ir-opc.h); returns
 * false on divide error (divisor 0 or quotient overflow).  Flags: unchanged. */
bool interp_divu(unsigned size, uint32_t lo, uint32_t hi, uint32_t d, uint32_t *q, uint32_t *r);
bool interp_divs(unsigned size, uint32_t lo, uint32_t hi, uint32_t d, uint32_t *q, uint32_t *r);

/* bsf/bsr: src 0 -> ZF=1 and returns old */
uint32_t interp_cc_bsf(unsigned size, uint32_t src, uint32_t old, uint32_t *cc);
uint32_t interp_cc_bsr(unsigned size, uint32_t src, uint32_t old, uint32_t *cc);
/* bit test: kind 0 bt, 1 bts, 2 btr, 3 btc; returns the new value */
uint32_t interp_cc_bt(unsigned size, int kind, uint32_t v, uint32_t idx, uint32_t *cc);

#endif
