/*
 * test-emit.c - checks the raw x86-64 encoder (src/host/x86_64/encode.c)
 * against Capstone: each instruction form the emitter uses is encoded and
 * must disassemble to exactly one instruction with the expected text.
 * Ends "N passed, N failed".
 */
#include <capstone/capstone.h>
#include <stdio.h>
#include <string.h>

#include "host/x86_64/encode.h"

static uint8_t buf[256];
static CodeBuf cb;
static csh cs;
static int npass, nfail;

static void start(void) { cb = (CodeBuf){buf, buf, buf + sizeof buf}; }

static void expect(const char *want)
{
    cs_insn *insn;
    size_t len = (size_t)(cb.p - buf);
    size_t n = cs_disasm(cs, buf, len, 0x1000, 0, &insn);
    char got[200] = "(undecodable)";
    if (n >= 1)
        snprintf(got, sizeof got, "%s%s%s", insn[0].mnemonic, insn[0].op_str[0] ? " " : "",
                 insn[0].op_str);
    if (n != 1 || insn[0].size != len || strcmp(got, want) != 0) {
        printf("FAIL: want \"%s\", got \"%s\" (%zu insns, %zu bytes:", want, got, n, len);
        for (size_t i = 0; i < len; i++)
            printf(" %02x", buf[i]);
        printf(")\n");
        nfail++;
    } else {
        npass++;
    }
    if (n)
        cs_free(insn, n);
    start();
}

static const char *r32[16] = {"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi",
                              "r8d", "r9d", "r10d", "r11d", "r12d", "r13d", "r14d", "r15d"};
static const char *r64[16] = {"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
                              "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15"};
static const char *r16[16] = {"ax", "cx", "dx", "bx", "sp", "bp", "si", "di",
                              "r8w", "r9w", "r10w", "r11w", "r12w", "r13w", "r14w", "r15w"};
static const char *r8[16] = {"al", "cl", "dl", "bl", "spl", "bpl", "sil", "dil",
                             "r8b", "r9b", "r10b", "r11b", "r12b", "r13b", "r14b", "r15b"};

static void test_reg_forms(void)
{
    char want[128];
    static const char *arith[8] = {"add", "or", "adc", "sbb", "and", "sub", "xor", "cmp"};
    for (int a = 0; a < 16; a++)
        for (int b = 0; b < 16; b += 3) {
            if (a == X64_RSP || b == X64_RSP)
                continue;
            for (int e = 0; e < 8; e++) {
                x64_rr(&cb, OPC_ARITH_GvEv + (unsigned)(e << 3), a, b);
                snprintf(want, sizeof want, "%s %s, %s", arith[e], r32[a], r32[b]);
                expect(want);
            }
            x64_rr(&cb, OPC_ARITH_GbEb + (ARITH_ADD << 3), a, b);
            snprintf(want, sizeof want, "add %s, %s", r8[a], r8[b]);
            expect(want);
            x64_rr(&cb, (OPC_ARITH_GvEv | P_66) + (ARITH_SUB << 3), a, b);
            snprintf(want, sizeof want, "sub %s, %s", r16[a], r16[b]);
            expect(want);
            x64_mov_rr32(&cb, a, b);
            snprintf(want, sizeof want, "mov %s, %s", r32[a], r32[b]);
            expect(want);
            x64_mov_rr64(&cb, a, b);
            snprintf(want, sizeof want, "mov %s, %s", r64[a], r64[b]);
            expect(want);
            x64_rr(&cb, OPC_MOVZX_GvEb, a, b);
            snprintf(want, sizeof want, "movzx %s, %s", r32[a], r8[b]);
            expect(want);
            x64_rr(&cb, OPC_MOVSX_GvEw, a, b);
            snprintf(want, sizeof want, "movsx %s, %s", r32[a], r16[b]);
            expect(want);
            x64_rr(&cb, OPC_MOV_EbGb, b, a);
            snprintf(want, sizeof want, "mov %s, %s", r8[a], r8[b]);
            expect(want);
            x64_rr(&cb, OPC_CMOVcc_GvEv + 5, a, b);
            snprintf(want, sizeof want, "cmovne %s, %s", r32[a], r32[b]);
            expect(want);
            x64_rr(&cb, OPC_SHLD_EvGvCL, b, a);
            snprintf(want, sizeof want, "shld %s, %s, cl", r32[a], r32[b]);
            expect(want);
            x64_rr(&cb, OPC_BSF_GvEv | P_66, a, b);
            snprintf(want, sizeof want, "bsf %s, %s", r16[a], r16[b]);
            expect(want);
            x64_rr(&cb, OPC_BTS_EvGv, b, a);
            snprintf(want, sizeof want, "bts %s, %s", r32[a], r32[b]);
            expect(want);
            x64_rr(&cb, OPC_IMUL_GvEv, a, b);
            snprintf(want, sizeof want, "imul %s, %s", r32[a], r32[b]);
            expect(want);
        }
    for (int a = 0; a < 16; a++) {
        if (a == X64_RSP)
            continue;
        x64_rr(&cb, OPC_SETcc_Eb + 4, 0, a);
        snprintf(want, sizeof want, "sete %s", r8[a]);
        expect(want);
        x64_rr(&cb, OPC_SHIFT_EvCL, SHIFT_SAR, a);
        snprintf(want, sizeof want, "sar %s, cl", r32[a]);
        expect(want);
        x64_rr(&cb, OPC_SHIFT_EbIb, SHIFT_ROL, a);
        x64_byte(&cb, 3);
        snprintf(want, sizeof want, "rol %s, 3", r8[a]);
        expect(want);
        x64_rr(&cb, OPC_GRP3_Ev | P_66, GRP3_DIV, a);
        snprintf(want, sizeof want, "div %s", r16[a]);
        expect(want);
        x64_rr(&cb, OPC_GRP3_Eb, GRP3_IMUL, a);
        snprintf(want, sizeof want, "imul %s", r8[a]);
        expect(want);
        x64_rr(&cb, OPC_GRP4_Eb, GRP5_INC, a);
        snprintf(want, sizeof want, "inc %s", r8[a]);
        expect(want);
        x64_mov_ri32(&cb, a, 0x12345678);
        snprintf(want, sizeof want, "mov %s, 0x12345678", r32[a]);
        expect(want);
        x64_mov_ri64(&cb, a, 0x123456789abcull);
        snprintf(want, sizeof want, "movabs %s, 0x123456789abc", r64[a]);
        expect(want);
        x64_arith_ri(&cb, ARITH_AND, 32, a, 0x8d5);
        snprintf(want, sizeof want, "and %s, 0x8d5", r32[a]);
        expect(want);
        x64_arith_ri(&cb, ARITH_CMP, 16, a, 0xfff0);
        snprintf(want, sizeof want, "cmp %s, -0x10", r16[a]); /* imm8, sign-extended */
        expect(want);
        x64_arith_ri(&cb, ARITH_XOR, 8, a, 0x80);
        snprintf(want, sizeof want, "xor %s, 0x80", r8[a]);
        expect(want);
        x64_push(&cb, a);
        snprintf(want, sizeof want, "push %s", r64[a]);
        expect(want);
        x64_pop(&cb, a);
        snprintf(want, sizeof want, "pop %s", r64[a]);
        expect(want);
    }
}

static void test_mem_forms(void)
{
    char want[128];
    static const int32_t disps[] = {0, 8, -4, 0x100, -0x1000};
    for (int base = 0; base < 16; base++)
        for (unsigned d = 0; d < sizeof disps / sizeof disps[0]; d++) {
            if (base == X64_RSP && d == 0)
                continue;
            char mem[64];
            int32_t disp = disps[d];
            if (disp == 0)
                snprintf(mem, sizeof mem, "[%s]", r64[base]);
            else
                snprintf(mem, sizeof mem, (disp < 10 && disp > -10) ? "[%s %c %d]" : "[%s %c 0x%x]",
                         r64[base], disp < 0 ? '-' : '+', disp < 0 ? -disp : disp);
            x64_load32(&cb, X64_R9, x64_mem(base, disp));
            snprintf(want, sizeof want, "mov r9d, dword ptr %s", mem);
            expect(want);
            x64_store64(&cb, x64_mem(base, disp), X64_RSI);
            snprintf(want, sizeof want, "mov qword ptr %s, rsi", mem);
            expect(want);
            x64_rm(&cb, OPC_MOV_EbGb, X64_RDI, x64_mem(base, disp));
            snprintf(want, sizeof want, "mov byte ptr %s, dil", mem);
            expect(want);
            x64_store_i32(&cb, x64_mem(base, disp), 7);
            snprintf(want, sizeof want, "mov dword ptr %s, 7", mem);
            expect(want);
        }
    /* guest memory: [r15 + index] */
    for (int idx = 0; idx < 16; idx++) {
        if (idx == X64_RSP)
            continue;
        X64Mem m = x64_mem_idx(X64_R15, idx, 1, 0);
        x64_rm(&cb, OPC_MOVZX_GvEw, X64_R8, m);
        snprintf(want, sizeof want, "movzx r8d, word ptr [r15 + %s]", r64[idx]);
        expect(want);
        x64_rm(&cb, (OPC_ARITH_EvGv | P_66) + (ARITH_ADC << 3), X64_RCX, m);
        snprintf(want, sizeof want, "adc word ptr [r15 + %s], cx", r64[idx]);
        expect(want);
        x64_rm(&cb, OPC_ARITH_EbIb | P_LOCK, ARITH_OR, m);
        x64_byte(&cb, 0);
        snprintf(want, sizeof want, "lock or byte ptr [r15 + %s], 0", r64[idx]);
        expect(want);
        x64_rm(&cb, OPC_GRP5_Ev, GRP5_DEC, m);
        snprintf(want, sizeof want, "dec dword ptr [r15 + %s]", r64[idx]);
        expect(want);
        x64_lea32(&cb, X64_RAX, x64_mem_idx(idx == X64_RBP ? X64_RBX : X64_RBP, idx, 1, 0x10));
        snprintf(want, sizeof want, "lea eax, [%s + %s + 0x10]",
                 idx == X64_RBP ? "rbx" : "rbp", r64[idx]);
        expect(want);
    }
    x64_load64(&cb, X64_R10, x64_mem_idx(X64_R10, X64_R9, 8, 0));
    expect("mov r10, qword ptr [r10 + r9*8]");
}

static void test_misc(void)
{
    x64_jmp32(&cb, buf + 0x40);
    expect("jmp 0x1040");
    x64_jcc32(&cb, 0xc, buf + 0x80);
    expect("jl 0x1080");
    x64_rr(&cb, OPC_GRP5_Ev, GRP5_CALL, X64_RAX);
    expect("call rax");
    x64_rm(&cb, OPC_GRP5_Ev, GRP5_JMP, x64_mem(X64_R10, 8));
    expect("jmp qword ptr [r10 + 8]");
    x64_byte(&cb, 0x9c);
    expect("pushfq");
    x64_byte(&cb, 0x9d);
    expect("popfq");
    x64_rr(&cb, OPC_BTx_EvIb, BTX_BTC, X64_R13);
    x64_byte(&cb, 5);
    expect("btc r13d, 5");
    x64_rr(&cb, OPC_TEST_EvGv | P_REXW, X64_R10, X64_R10);
    expect("test r10, r10");
}

int main(void)
{
    if (cs_open(CS_ARCH_X86, CS_MODE_64, &cs) != CS_ERR_OK) {
        printf("capstone unavailable\n0 passed, 1 failed\n");
        return 1;
    }
    start();
    test_reg_forms();
    test_mem_forms();
    test_misc();
    cs_close(&cs);
    printf("%d passed, %d failed\n", npass, nfail);
    return nfail != 0;
}
