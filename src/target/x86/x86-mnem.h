/*
 * x86-mnem.h - instruction families the decoder can name, one DEF per line.
 * The decoder tables (decode_tables.c) map opcodes to these; the translator
 * has one function per family (translate_*.c), found through a table
 * indexed by this enum.  Conditional families (Jcc, SETcc, CMOVcc) carry the
 * condition in X86Insn.cond.  Size variants (CBW/CWDE, MOVSB/MOVSD ...) are
 * one family; the operand size is in X86Insn.opsize / operand sizes.
 */
DEF(INVALID)    /* undefined encoding: SIGILL */
/* ALU group, in /r order of opcodes 0x80-0x83 */
DEF(ADD) DEF(OR) DEF(ADC) DEF(SBB) DEF(AND) DEF(SUB) DEF(XOR) DEF(CMP)
DEF(TEST) DEF(INC) DEF(DEC) DEF(NEG) DEF(NOT)
DEF(MUL) DEF(IMUL) DEF(DIV) DEF(IDIV)          /* IMUL: 1, 2 or 3 operands (nops) */
/* shift group, in /r order of opcodes 0xC0/0xD0 (/6 is SAL = SHL) */
DEF(ROL) DEF(ROR) DEF(RCL) DEF(RCR) DEF(SHL) DEF(SHR) DEF(SAR)
DEF(SHLD) DEF(SHRD)
DEF(BT) DEF(BTS) DEF(BTR) DEF(BTC) DEF(BSF) DEF(BSR) DEF(BSWAP)
DEF(XADD) DEF(XCHG) DEF(CMPXCHG) DEF(CMPXCHG8B)
DEF(SETCC) DEF(CMOVCC) DEF(JCC)
DEF(JMP)        /* op[0]: IMM (relative target already resolved to absolute) or REG/MEM */
DEF(JMPF) DEF(CALLF) DEF(RETF) DEF(IRET)       /* far transfers: SIGSEGV in user mode */
DEF(CALL)       /* like JMP */
DEF(RET)        /* op[0] optional IMM = bytes to pop */
DEF(LOOP) DEF(LOOPE) DEF(LOOPNE) DEF(JCXZ)     /* JCXZ: CX or ECX by address size */
DEF(ENTER) DEF(LEAVE)
DEF(PUSH) DEF(POP) DEF(PUSHA) DEF(POPA) DEF(PUSHF) DEF(POPF)
DEF(LAHF) DEF(SAHF)
DEF(CBW)        /* CBW / CWDE by operand size */
DEF(CWD)        /* CWD / CDQ by operand size */
DEF(MOV) DEF(MOVSX) DEF(MOVZX) DEF(XLAT) DEF(LEA)
DEF(MOVS) DEF(CMPS) DEF(STOS) DEF(LODS) DEF(SCAS)  /* element size = op size; rep in prefixes */
DEF(INS) DEF(OUTS) DEF(IN) DEF(OUT)            /* I/O: SIGSEGV in user mode */
DEF(DAA) DEF(DAS) DEF(AAA) DEF(AAS) DEF(AAM) DEF(AAD)  /* AAM/AAD: op[0] IMM base */
DEF(SALC)
DEF(CPUID) DEF(RDTSC) DEF(RDTSCP) DEF(RDPMC)
DEF(NOP)        /* 0x90, 0F 1F /0, F3 90 (pause), hint nops 0F 18-1F */
DEF(INT)        /* op[0] IMM vector */
DEF(INT3) DEF(INTO) DEF(INT1)
DEF(UD)         /* ud0/ud1/ud2: SIGILL */
DEF(HLT)
DEF(CLI) DEF(STI)
DEF(CLC) DEF(STC) DEF(CMC) DEF(CLD) DEF(STD)
DEF(BOUND) DEF(ARPL)
DEF(LDS) DEF(LES) DEF(LFS) DEF(LGS) DEF(LSS)
DEF(MOVSEG)     /* mov Sreg, Ew (op[0] SEG) or mov Ev, Sreg (op[1] SEG) */
DEF(PUSHSEG) DEF(POPSEG)                       /* op[0] is a SEG register */
DEF(PRIV)       /* privileged in user mode (lgdt, mov crN, wbinvd, rdmsr ...): SIGSEGV */
DEF(SYSENTER) DEF(SYSCALL)
DEF(SGDT) DEF(SIDT) DEF(SLDT) DEF(STR) DEF(SMSW) DEF(LAR) DEF(LSL) DEF(VERR) DEF(VERW)
DEF(XGETBV)
DEF(FENCE)      /* lfence, mfence, sfence: ordering only */
DEF(FXSAVE)     /* 0F AE /0 fxsave, /1 fxrstor (m512) */
/* not yet translated groups: decoded for length only */
DEF(X87)        /* D8-DF escape */
DEF(SSE)        /* MMX/SSE/SSE2/... (0F 10-7F, C2-C6, D0-FF, 0F 38, 0F 3A, ...) */
DEF(SYS)        /* other 0F-map system instructions (fxsave, clflush, ...) */
