/*
 * ir-opc.h - the table of IR ops.  Every op is defined here once:
 *
 *   DEF(name, nout, nin, naux, flags, cc_def, cc_use)
 *
 *   nout   outputs (0..2), op->out[0..nout-1]
 *   nin    inputs (0..4), op->in[0..nin-1]; any input may be a global,
 *          a temp or a constant value (see ir.h)
 *   naux   how many of op->aux[] the op uses (labels, pcs, helper ids, masks)
 *   flags  IR_F_* below
 *   cc_def status flags the op always writes when it executes (CC_* masks)
 *   cc_use status flags the op reads, including flags it may leave unchanged
 *          (a shift by a count that turns out to be zero keeps all flags, so
 *          it "uses" them; liveness must not treat it as a kill)
 *
 * The enum (IR_ADD ...), the name table and the metadata table ir_opdef[]
 * are all derived from this file; adding an op is one line here plus its
 * case in each backend and in the printer if it has aux arguments.
 *
 * SEMANTICS.  op->size is 8, 16 or 32 for ops marked IR_F_SIZED, otherwise
 * 32.  A sized op reads only the low `size` bits of its inputs, and defines
 * only the low `size` bits of its outputs: the upper bits of a sized op's
 * output are UNSPECIFIED (the emitter may leave host garbage there; the
 * interpreter zero-extends).  Consumers that need 32 bits use zext/sext/dep.
 * Constant shift/rotate counts are inputs like any other.
 *
 * Status flags (CC) follow x86 exactly for the defined flags; flags that the
 * Intel SDM calls undefined after an op may take any value (the emitter gives
 * what the host CPU gives, the interpreter a documented choice).
 *
 *   group "plain"      never touch CC
 *   group "cc"         x86 ALU semantics: compute out[0] and the x86 flags
 *   group "mem"        guest memory at host guest_base + zext32(addr); may fault
 *   group "control"    labels, branches, block exits
 */

/* ---- plain data movement and arithmetic (32-bit, no CC) ---- */
DEF(mov,     1, 1, 0, 0,                 0, 0)  /* out = in0 */
DEF(add,     1, 2, 0, IR_F_COMMUT,       0, 0)  /* out = in0 + in1 */
DEF(sub,     1, 2, 0, 0,                 0, 0)  /* out = in0 - in1 */
DEF(and,     1, 2, 0, IR_F_COMMUT,       0, 0)
DEF(or,      1, 2, 0, IR_F_COMMUT,       0, 0)
DEF(xor,     1, 2, 0, IR_F_COMMUT,       0, 0)
DEF(mul,     1, 2, 0, IR_F_COMMUT,       0, 0)  /* low 32 bits of product */
DEF(shl,     1, 2, 0, 0,                 0, 0)  /* out = in0 << (in1 & 31) */
DEF(shr,     1, 2, 0, 0,                 0, 0)  /* logical, count & 31 */
DEF(sar,     1, 2, 0, 0,                 0, 0)  /* arithmetic, count & 31 */
DEF(not,     1, 1, 0, 0,                 0, 0)
DEF(neg,     1, 1, 0, 0,                 0, 0)
DEF(bswap,   1, 1, 0, 0,                 0, 0)  /* 32-bit byte swap */
DEF(zext,    1, 1, 0, IR_F_SIZED,        0, 0)  /* zero-extend low size bits */
DEF(sext,    1, 1, 0, IR_F_SIZED,        0, 0)  /* sign-extend low size bits */
DEF(ext8hi,  1, 1, 0, 0,                 0, 0)  /* out = (in0 >> 8) & 0xff */
DEF(dep,     1, 2, 0, IR_F_SIZED,        0, 0)  /* out = in0 with low size bits replaced by in1's */
DEF(dep8hi,  1, 2, 0, 0,                 0, 0)  /* out = in0 with bits 8..15 replaced by in1 & 0xff */
DEF(seteq,   1, 2, 0, IR_F_COMMUT,       0, 0)  /* out = in0 == in1 (32-bit compare) */
DEF(setne,   1, 2, 0, IR_F_COMMUT,       0, 0)
DEF(selnz,   1, 3, 0, 0,                 0, 0)  /* out = in0 != 0 ? in1 : in2 */

/* ---- guest memory ---- */
DEF(ld,      1, 1, 0, IR_F_SIZED | IR_F_MEM,              0, 0)  /* out = zext(load size bits at in0) */
DEF(lds,     1, 1, 0, IR_F_SIZED | IR_F_MEM,              0, 0)  /* out = sext(load) */
DEF(ldw,     1, 1, 0, IR_F_SIZED | IR_F_MEM,              0, 0)  /* like ld, but faults as a write
                                                                    would if the page is not writable
                                                                    (first half of a read-modify-write) */
DEF(st,      0, 2, 0, IR_F_SIZED | IR_F_MEM | IR_F_SIDE,  0, 0)  /* store low size bits of in1 at in0 */

/* ---- x86 ALU ops with flags (sized) ---- */
DEF(add_cc,  1, 2, 0, IR_F_SIZED | IR_F_CC, CC_ALL, 0)
DEF(adc_cc,  1, 2, 0, IR_F_SIZED | IR_F_CC, CC_ALL, CC_C)
DEF(sub_cc,  1, 2, 0, IR_F_SIZED | IR_F_CC, CC_ALL, 0)   /* also cmp (out unused) */
DEF(sbb_cc,  1, 2, 0, IR_F_SIZED | IR_F_CC, CC_ALL, CC_C)
DEF(and_cc,  1, 2, 0, IR_F_SIZED | IR_F_CC, CC_ALL, 0)   /* also test; AF undefined */
DEF(or_cc,   1, 2, 0, IR_F_SIZED | IR_F_CC, CC_ALL, 0)
DEF(xor_cc,  1, 2, 0, IR_F_SIZED | IR_F_CC, CC_ALL, 0)
DEF(inc_cc,  1, 1, 0, IR_F_SIZED | IR_F_CC, CC_ALL & ~CC_C, 0)
DEF(dec_cc,  1, 1, 0, IR_F_SIZED | IR_F_CC, CC_ALL & ~CC_C, 0)
DEF(neg_cc,  1, 1, 0, IR_F_SIZED | IR_F_CC, CC_ALL, 0)
/* Shifts and rotates: out = in0 shifted by in1, count masked as x86 does
 * (& 31; rcl/rcr then mod size+1 for 8/16 bits; rol/ror rotate by count mod
 * size for the value, but flags follow the masked count).  A masked count of
 * zero leaves out = in0 and all flags unchanged, hence cc_use = CC_ALL. */
DEF(shl_cc,  1, 2, 0, IR_F_SIZED | IR_F_CC, 0, CC_ALL)
DEF(shr_cc,  1, 2, 0, IR_F_SIZED | IR_F_CC, 0, CC_ALL)
DEF(sar_cc,  1, 2, 0, IR_F_SIZED | IR_F_CC, 0, CC_ALL)
DEF(rol_cc,  1, 2, 0, IR_F_SIZED | IR_F_CC, 0, CC_ALL)   /* writes CF, OF only */
DEF(ror_cc,  1, 2, 0, IR_F_SIZED | IR_F_CC, 0, CC_ALL)
DEF(rcl_cc,  1, 2, 0, IR_F_SIZED | IR_F_CC, 0, CC_ALL)
DEF(rcr_cc,  1, 2, 0, IR_F_SIZED | IR_F_CC, 0, CC_ALL)
/* shld/shrd (size 16 or 32): out = in0 shifted by in2 (& 31), filling from
 * in1.  Count 0: nothing changes.  Count > size (16-bit only): result and
 * flags undefined by the SDM. */
DEF(shld_cc, 1, 3, 0, IR_F_SIZED | IR_F_CC, 0, CC_ALL)
DEF(shrd_cc, 1, 3, 0, IR_F_SIZED | IR_F_CC, 0, CC_ALL)
/* Widening multiply: out[0] = low half, out[1] = high half of in0 * in1
 * (each `size` bits).  CF = OF = high half is significant; SF ZF AF PF
 * undefined. */
DEF(mulu_cc, 2, 2, 0, IR_F_SIZED | IR_F_CC | IR_F_COMMUT, CC_ALL, 0)
DEF(muls_cc, 2, 2, 0, IR_F_SIZED | IR_F_CC | IR_F_COMMUT, CC_ALL, 0)
/* Divide: dividend is in0 (size 8: the 16 bits of AX; 16: low 16 of in0
 * with in1 as the high 16; 32: in1:in0 as 64 bits), divisor in2.
 * out[0] = quotient, out[1] = remainder.  Divisor 0 or a quotient that does
 * not fit: the guest gets SIGFPE (FPE_INTDIV) at the current instruction.
 * All flags undefined afterwards. */
DEF(divu,    2, 3, 0, IR_F_SIZED | IR_F_MEM | IR_F_CC, CC_ALL, 0)
DEF(divs,    2, 3, 0, IR_F_SIZED | IR_F_MEM | IR_F_CC, CC_ALL, 0)
/* bsf/bsr: in0 = source, in1 = old destination.  Source 0: ZF=1, out = in1;
 * else ZF=0, out = index.  Other flags undefined. */
DEF(bsf_cc,  1, 2, 0, IR_F_SIZED | IR_F_CC, CC_ALL, 0)
DEF(bsr_cc,  1, 2, 0, IR_F_SIZED | IR_F_CC, CC_ALL, 0)
/* bit test: in0 = value, in1 = bit index (masked to size-1 by the op).
 * CF = old bit.  bts/btr/btc: out = value with the bit set/cleared/flipped.
 * OF SF AF PF undefined, ZF unchanged (so ZF is "used"). */
DEF(bt_cc,   0, 2, 0, IR_F_SIZED | IR_F_CC, CC_ALL & ~CC_Z, CC_Z)
DEF(bts_cc,  1, 2, 0, IR_F_SIZED | IR_F_CC, CC_ALL & ~CC_Z, CC_Z)
DEF(btr_cc,  1, 2, 0, IR_F_SIZED | IR_F_CC, CC_ALL & ~CC_Z, CC_Z)
DEF(btc_cc,  1, 2, 0, IR_F_SIZED | IR_F_CC, CC_ALL & ~CC_Z, CC_Z)

/* ---- reading and writing CC ---- */
DEF(getcc,   1, 0, 0, IR_F_CC, 0, CC_ALL)            /* out = CC & X86_CC_MASK */
DEF(setcc,   0, 1, 1, IR_F_CC, 0, CC_ALL)            /* CC bits in aux[0] (a CC mask) = in0's;
                                                        cc_def is computed from aux[0] */
DEF(setcond, 1, 0, 0, IR_F_CC | IR_F_COND, 0, 0)     /* out = cond(op->cond) ? 1 : 0; cc_use from cond */
DEF(selcc,   1, 2, 0, IR_F_CC | IR_F_COND, 0, 0)     /* out = cond ? in0 : in1 (cmovcc) */

/* ---- control ---- */
DEF(insn_start, 0, 0, 2, IR_F_SIDE, 0, 0)   /* aux[0] = guest pc, aux[1] = guest insn length */
DEF(label,   0, 0, 1, IR_F_SIDE, 0, 0)      /* aux[0] = label id; only forward branches */
DEF(br,      0, 0, 1, IR_F_SIDE | IR_F_BR, 0, 0)              /* goto label aux[0] */
DEF(brcond,  0, 0, 1, IR_F_SIDE | IR_F_BR | IR_F_CC | IR_F_COND, 0, 0)  /* if cond(CC) goto aux[0] */
DEF(brz,     0, 1, 1, IR_F_SIDE | IR_F_BR, 0, 0)              /* if in0 == 0 goto aux[0] */
DEF(brnz,    0, 1, 1, IR_F_SIDE | IR_F_BR, 0, 0)              /* if in0 != 0 goto aux[0] */
/* Leave the block towards guest pc aux[1] through chain slot aux[0] (0 or 1).
 * Sets EIP.  The backend chains directly to the next block when it can. */
DEF(goto_tb, 0, 0, 2, IR_F_SIDE | IR_F_END, 0, 0)
/* Indirect jump: EIP already holds the target; look it up in the jump cache
 * and continue there, or return to the exec loop. */
DEF(goto_ptr, 0, 0, 0, IR_F_SIDE | IR_F_END, 0, 0)
/* Return to the exec loop with exit reason aux[0] (enum x86_exit).
 * EIP must have been written.  EXIT_EXCEPTION also takes aux[1] = signo
 * and sets exc_code from aux[... see ir_exc_* in ir.h]. */
DEF(exit_tb, 0, 0, 2, IR_F_SIDE | IR_F_END, 0, 0)
/* Guest signal at this instruction (ud2 -> SIGILL, int3 -> SIGTRAP, hlt ->
 * SIGSEGV ...): aux[0] = signo, aux[1] = si_code.  EIP must hold the pc the
 * guest must see. Ends the block. */
DEF(raise,   0, 0, 2, IR_F_SIDE | IR_F_END, 0, 0)
/* Call helper aux[0] (index in ir_helpers[]) with the env pointer and up to
 * 4 inputs; out[0] (if the helper returns a value) is its result.  What the
 * helper may read or write (globals, CC, memory) is in its HF_* flags. */
DEF(call,    1, 4, 1, IR_F_SIDE | IR_F_CALL, 0, 0)
