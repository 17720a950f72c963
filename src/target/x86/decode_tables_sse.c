/*
 * decode_tables_sse.c - the MMX/SSE..SSE4.2 rows of the opcode maps, one row
 * per (opcode, mandatory prefix), transcribed from the Intel SDM Vol. 2
 * Appendix A (tables two-byte map, A-6 groups 12-14, A-4 three-byte
 * maps) and the instruction pages.
 *
 * Invariants:
 *  - column [0] is "no prefix" (mostly the MMX or packed-single form), [1]
 *    66, [2] F3, [3] F2; a zero row is undefined (SIGILL);
 *  - every row is family X86_SSE; the translator (translate_sse.c) names
 *    the instruction from (map, opcode, prefix), so these rows only fix the
 *    operands: register classes, memory sizes, Ib, and memory-only /
 *    register-only forms (XF_MEM / XF_REG);
 *  - the shift-by-immediate groups 0F 71-73 select by ModRM.reg: decode.c
 *    rejects the reg values that are not defined (sse_group_ok()).
 * Example: 66 0F 58 /r is x86_sse_0f[0x58][1] = {Vx, Wx}: addpd xmm, xmm/m128.
 */
#include "target/x86/decode_tables.h"

#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

/* clang-format off */
#define R(...) {X86_SSE, {__VA_ARGS__}}
#define RM(...) {X86_SSE, {__VA_ARGS__}, XF_MEM}
#define RR(...) {X86_SSE, {__VA_ARGS__}, XF_REG}
#define NONE {0}
/* packed integer op with MMX (Pq,Qq) and SSE2 (Vx,Wx) forms */
#define PINT {R(Pq, Qq), R(Vx, Wx)}
/* packed/scalar float op: ps, pd, ss, sd */
#define PFLT {R(Vx, Wx), R(Vx, Wx), R(Vx, Wd), R(Vx, Wq)}
/* packed float op without scalar forms: ps, pd */
#define PFLT2 {R(Vx, Wx), R(Vx, Wx)}

const X86OpcodeRow x86_sse_0f[256][4] = {
    [0x10] = {R(Vx, Wx), R(Vx, Wx), R(Vx, Wd), R(Vx, Wq)},   /* movups movupd movss movsd */
    [0x11] = {R(Wx, Vx), R(Wx, Vx), R(Wd, Vx), R(Wq, Vx)},
    [0x12] = {R(Vx, Wq), RM(Vx, Wq), R(Vx, Wx), R(Vx, Wq)},  /* movlps/movhlps movlpd movsldup movddup */
    [0x13] = {RM(Wq, Vx), RM(Wq, Vx)},                       /* movlps movlpd */
    [0x14] = PFLT2,                                          /* unpcklps unpcklpd */
    [0x15] = PFLT2,                                          /* unpckhps unpckhpd */
    [0x16] = {R(Vx, Wq), RM(Vx, Wq), R(Vx, Wx)},             /* movhps/movlhps movhpd movshdup */
    [0x17] = {RM(Wq, Vx), RM(Wq, Vx)},                       /* movhps movhpd */
    [0x28] = PFLT2,                                          /* movaps movapd */
    [0x29] = {R(Wx, Vx), R(Wx, Vx)},
    [0x2a] = {R(Vx, Qq), R(Vx, Qq), R(Vx, Ed), R(Vx, Ed)},   /* cvtpi2ps cvtpi2pd cvtsi2ss cvtsi2sd */
    [0x2b] = {RM(Wx, Vx), RM(Wx, Vx)},                       /* movntps movntpd */
    [0x2c] = {R(Pq, Wq), R(Pq, Wx), R(Gd, Wd), R(Gd, Wq)},   /* cvtt{ps2pi,pd2pi,ss2si,sd2si} */
    [0x2d] = {R(Pq, Wq), R(Pq, Wx), R(Gd, Wd), R(Gd, Wq)},   /* cvt{ps2pi,pd2pi,ss2si,sd2si} */
    [0x2e] = {R(Vx, Wd), R(Vx, Wq)},                         /* ucomiss ucomisd */
    [0x2f] = {R(Vx, Wd), R(Vx, Wq)},                         /* comiss comisd */

    [0x50] = {RR(Gd, Wx), RR(Gd, Wx)},                       /* movmskps movmskpd */
    [0x51] = PFLT,                                           /* sqrt */
    [0x52] = {R(Vx, Wx), NONE, R(Vx, Wd)},                   /* rsqrtps rsqrtss */
    [0x53] = {R(Vx, Wx), NONE, R(Vx, Wd)},                   /* rcpps rcpss */
    [0x54] = PFLT2, [0x55] = PFLT2, [0x56] = PFLT2, [0x57] = PFLT2,   /* and andn or xor */
    [0x58] = PFLT, [0x59] = PFLT,                            /* add mul */
    [0x5a] = {R(Vx, Wq), R(Vx, Wx), R(Vx, Wd), R(Vx, Wq)},   /* cvtps2pd cvtpd2ps cvtss2sd cvtsd2ss */
    [0x5b] = {R(Vx, Wx), R(Vx, Wx), R(Vx, Wx)},              /* cvtdq2ps cvtps2dq cvttps2dq */
    [0x5c] = PFLT, [0x5d] = PFLT, [0x5e] = PFLT, [0x5f] = PFLT,   /* sub min div max */

    [0x60] = {R(Pq, Qd), R(Vx, Wx)}, [0x61] = {R(Pq, Qd), R(Vx, Wx)},
    [0x62] = {R(Pq, Qd), R(Vx, Wx)},                         /* punpckl{bw,wd,dq} */
    [0x63] = PINT, [0x64] = PINT, [0x65] = PINT, [0x66] = PINT, [0x67] = PINT,
    [0x68] = PINT, [0x69] = PINT, [0x6a] = PINT, [0x6b] = PINT,
    [0x6c] = {NONE, R(Vx, Wx)}, [0x6d] = {NONE, R(Vx, Wx)}, /* punpck{l,h}qdq */
    [0x6e] = {R(Pq, Ed), R(Vx, Ed)},                         /* movd */
    [0x6f] = {R(Pq, Qq), R(Vx, Wx), R(Vx, Wx)},              /* movq movdqa movdqu */
    [0x70] = {R(Pq, Qq, Ib), R(Vx, Wx, Ib), R(Vx, Wx, Ib), R(Vx, Wx, Ib)},   /* pshufw/d/hw/lw */
    [0x71] = {RR(Qq, Ib), RR(Wx, Ib)},                       /* group 12: psrlw psraw psllw */
    [0x72] = {RR(Qq, Ib), RR(Wx, Ib)},                       /* group 13: psrld psrad pslld */
    [0x73] = {RR(Qq, Ib), RR(Wx, Ib)},                       /* group 14: psrlq psrldq psllq pslldq */
    [0x74] = PINT, [0x75] = PINT, [0x76] = PINT,             /* pcmpeq{b,w,d} */
    [0x77] = {{X86_SSE}},                                    /* emms */
    [0x7c] = {NONE, R(Vx, Wx), NONE, R(Vx, Wx)},             /* haddpd haddps */
    [0x7d] = {NONE, R(Vx, Wx), NONE, R(Vx, Wx)},             /* hsubpd hsubps */
    [0x7e] = {R(Ed, Pq), R(Ed, Vx), R(Vx, Wq)},              /* movd movd movq */
    [0x7f] = {R(Qq, Pq), R(Wx, Vx), R(Wx, Vx)},              /* movq movdqa movdqu */

    [0xc2] = {R(Vx, Wx, Ib), R(Vx, Wx, Ib), R(Vx, Wd, Ib), R(Vx, Wq, Ib)},   /* cmp */
    [0xc3] = {RM(Ed, Gd)},                                   /* movnti */
    [0xc4] = {R(Pq, EdMw, Ib), R(Vx, EdMw, Ib)},             /* pinsrw */
    [0xc5] = {RR(Gd, Qq, Ib), RR(Gd, Wx, Ib)},               /* pextrw */
    [0xc6] = {R(Vx, Wx, Ib), R(Vx, Wx, Ib)},                 /* shufps shufpd */

    [0xd0] = {NONE, R(Vx, Wx), NONE, R(Vx, Wx)},             /* addsubpd addsubps */
    [0xd1] = PINT, [0xd2] = PINT, [0xd3] = PINT, [0xd4] = PINT, [0xd5] = PINT,
    [0xd6] = {NONE, R(Wq, Vx), RR(Vx, Qq), RR(Pq, Wx)},      /* movq movq2dq movdq2q */
    [0xd7] = {RR(Gd, Qq), RR(Gd, Wx)},                       /* pmovmskb */
    [0xd8] = PINT, [0xd9] = PINT, [0xda] = PINT, [0xdb] = PINT,
    [0xdc] = PINT, [0xdd] = PINT, [0xde] = PINT, [0xdf] = PINT,
    [0xe0] = PINT, [0xe1] = PINT, [0xe2] = PINT, [0xe3] = PINT,
    [0xe4] = PINT, [0xe5] = PINT,
    [0xe6] = {NONE, R(Vx, Wx), R(Vx, Wq), R(Vx, Wx)},        /* cvttpd2dq cvtdq2pd cvtpd2dq */
    [0xe7] = {RM(Qq, Pq), RM(Wx, Vx)},                       /* movntq movntdq */
    [0xe8] = PINT, [0xe9] = PINT, [0xea] = PINT, [0xeb] = PINT,
    [0xec] = PINT, [0xed] = PINT, [0xee] = PINT, [0xef] = PINT,
    [0xf0] = {NONE, NONE, NONE, RM(Vx, Wx)},                 /* lddqu */
    [0xf1] = PINT, [0xf2] = PINT, [0xf3] = PINT, [0xf4] = PINT,
    [0xf5] = PINT, [0xf6] = PINT,
    [0xf7] = {RR(Pq, Qq), RR(Vx, Wx)},                       /* maskmovq maskmovdqu */
    [0xf8] = PINT, [0xf9] = PINT, [0xfa] = PINT, [0xfb] = PINT,
    [0xfc] = PINT, [0xfd] = PINT, [0xfe] = PINT,
};

/* 66-only SSE4.1 form */
#define X66(...) {NONE, R(__VA_ARGS__)}

const X86OpcodeRow x86_sse_0f38[256][4] = {
    /* SSSE3: pshufb phaddw phaddd phaddsw pmaddubsw phsubw phsubd phsubsw
     * psignb psignw psignd pmulhrsw ... pabsb pabsw pabsd */
    [0x00] = PINT, [0x01] = PINT, [0x02] = PINT, [0x03] = PINT,
    [0x04] = PINT, [0x05] = PINT, [0x06] = PINT, [0x07] = PINT,
    [0x08] = PINT, [0x09] = PINT, [0x0a] = PINT, [0x0b] = PINT,
    [0x1c] = PINT, [0x1d] = PINT, [0x1e] = PINT,
    /* SSE4.1 */
    [0x10] = X66(Vx, Wx), [0x14] = X66(Vx, Wx), [0x15] = X66(Vx, Wx),   /* pblendvb blendvps/pd */
    [0x17] = X66(Vx, Wx),                                               /* ptest */
    [0x20] = X66(Vx, Wq), [0x21] = X66(Vx, Wd), [0x22] = X66(Vx, Ww),   /* pmovsx bw bd bq */
    [0x23] = X66(Vx, Wq), [0x24] = X66(Vx, Wd), [0x25] = X66(Vx, Wq),   /* pmovsx wd wq dq */
    [0x28] = X66(Vx, Wx), [0x29] = X66(Vx, Wx),                         /* pmuldq pcmpeqq */
    [0x2a] = {NONE, RM(Vx, Wx)}, [0x2b] = X66(Vx, Wx),                  /* movntdqa packusdw */
    [0x30] = X66(Vx, Wq), [0x31] = X66(Vx, Wd), [0x32] = X66(Vx, Ww),   /* pmovzx bw bd bq */
    [0x33] = X66(Vx, Wq), [0x34] = X66(Vx, Wd), [0x35] = X66(Vx, Wq),   /* pmovzx wd wq dq */
    [0x37] = X66(Vx, Wx),                                               /* pcmpgtq */
    [0x38] = X66(Vx, Wx), [0x39] = X66(Vx, Wx), [0x3a] = X66(Vx, Wx), [0x3b] = X66(Vx, Wx),
    [0x3c] = X66(Vx, Wx), [0x3d] = X66(Vx, Wx), [0x3e] = X66(Vx, Wx), [0x3f] = X66(Vx, Wx),
    [0x40] = X66(Vx, Wx), [0x41] = X66(Vx, Wx),                         /* pmulld phminposuw */
    /* AES-NI */
    [0xdb] = X66(Vx, Wx), [0xdc] = X66(Vx, Wx), [0xdd] = X66(Vx, Wx),
    [0xde] = X66(Vx, Wx), [0xdf] = X66(Vx, Wx),
    /* movbe (no prefix or 66), crc32 (F2; 66 F2 gives crc32 r32, r/m16) */
    [0xf0] = {RM(Gv, Ev), RM(Gv, Ev), NONE, R(Gd, Eb)},
    [0xf1] = {RM(Ev, Gv), RM(Ev, Gv), NONE, R(Gd, Ev)},
};

const X86OpcodeRow x86_sse_0f3a[256][4] = {
    [0x08] = X66(Vx, Wx, Ib), [0x09] = X66(Vx, Wx, Ib),   /* roundps roundpd */
    [0x0a] = X66(Vx, Wd, Ib), [0x0b] = X66(Vx, Wq, Ib),   /* roundss roundsd */
    [0x0c] = X66(Vx, Wx, Ib), [0x0d] = X66(Vx, Wx, Ib),   /* blendps blendpd */
    [0x0e] = X66(Vx, Wx, Ib),                             /* pblendw */
    [0x0f] = {R(Pq, Qq, Ib), R(Vx, Wx, Ib)},              /* palignr */
    [0x14] = X66(EdMb, Vx, Ib), [0x15] = X66(EdMw, Vx, Ib),   /* pextrb pextrw */
    [0x16] = X66(Ed, Vx, Ib), [0x17] = X66(Ed, Vx, Ib),       /* pextrd extractps */
    [0x20] = X66(Vx, EdMb, Ib), [0x21] = X66(Vx, Wd, Ib),     /* pinsrb insertps */
    [0x22] = X66(Vx, Ed, Ib),                                 /* pinsrd */
    [0x40] = X66(Vx, Wx, Ib), [0x41] = X66(Vx, Wx, Ib),   /* dpps dppd */
    [0x42] = X66(Vx, Wx, Ib), [0x44] = X66(Vx, Wx, Ib),   /* mpsadbw pclmulqdq */
    [0x60] = X66(Vx, Wx, Ib), [0x61] = X66(Vx, Wx, Ib),   /* pcmpestrm pcmpestri */
    [0x62] = X66(Vx, Wx, Ib), [0x63] = X66(Vx, Wx, Ib),   /* pcmpistrm pcmpistri */
    [0xdf] = X66(Vx, Wx, Ib),                             /* aeskeygenassist */
};
/* clang-format on */
