/*
 * test-decode.c - the x86 decoder against hand-written cases and against
 * Capstone over real code.
 *
 * Corpus: every executable section of every member of the i386 libc.a
 * (/usr/lib32/libc.a, or $XLAT_DECODE_CORPUS), walked instruction by
 * instruction with Capstone (CS_MODE_32, detail on).  Each instruction is
 * one case: our length must equal Capstone's, and for the integer families
 * the explicit operands must agree (kind, register, base/index/scale/disp,
 * immediate, size).  X87/SYS/PRIV families are checked for length only.
 * Where Capstone says "invalid" (data in text) the walk skips one byte.
 *
 * Prints the first 20 failures with bytes and both decodings, then
 * "N passed, N failed"; exits non-zero on any failure.
 */
/* Capstone's x86.h and our decode.h both name X86_OP_REG/IMM/MEM: rename
 * Capstone's (we use its generic CS_OP_* values instead). */
#define X86_OP_INVALID cs_x86_op_invalid
#define X86_OP_REG     cs_x86_op_reg
#define X86_OP_IMM     cs_x86_op_imm
#define X86_OP_MEM     cs_x86_op_mem
#include <capstone/capstone.h>
#undef X86_OP_INVALID
#undef X86_OP_REG
#undef X86_OP_IMM
#undef X86_OP_MEM
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "target/x86/decode.h"

static int n_pass, n_fail;

static void report_fail(const uint8_t *bytes, size_t n, uint32_t pc, const char *ours,
                        const char *theirs, const char *why)
{
    n_fail++;
    if (n_fail > (getenv("XLAT_DECODE_ALL") ? 100000 : 20))
        return;
    printf("FAIL at 0x%x [", pc);
    for (size_t i = 0; i < n && i < 15; i++)
        printf("%s%02x", i ? " " : "", bytes[i]);
    printf("]: %s\n  ours:     %s\n  expected: %s\n", why, ours, theirs);
}

/* ======================================================================
 * Hand-written cases
 * ====================================================================== */

typedef struct HandCase {
    const char *hex;  /* bytes, space separated */
    int rc;           /* expected x86_decode result */
    int len;          /* expected length (OK and INVALID), 0 = don't check */
    const char *text; /* expected x86_insn_format, NULL = don't check */
} HandCase;

static const HandCase hand_cases[] = {
    /* the decode.h example */
    {"66 03 44 8b 04", X86_DEC_OK, 5, "add ax, word ptr [ebx + ecx*4 + 4]"},
    /* prefixes: redundant, repeated, segment (last wins), lock */
    {"66 66 66 01 c0", X86_DEC_OK, 5, "add ax, ax"},
    {"2e 3e 64 8b 00", X86_DEC_OK, 5, "mov eax, dword ptr fs:[eax]"},
    {"f0 01 03", X86_DEC_OK, 3, "lock add dword ptr [ebx], eax"},
    {"f0 01 c3", X86_DEC_INVALID, 0, NULL}, /* lock, register destination */
    {"f0 39 03", X86_DEC_INVALID, 0, NULL}, /* lock cmp */
    {"f0 8b 03", X86_DEC_INVALID, 0, NULL}, /* lock mov */
    {"f0 0f c7 0b", X86_DEC_OK, 4, "lock cmpxchg8b qword ptr [ebx]"},
    {"f0 87 03", X86_DEC_OK, 3, "lock xchg dword ptr [ebx], eax"},
    {"f0 0f ba 2b 05", X86_DEC_OK, 5, "lock bts dword ptr [ebx], 5"},
    {"f0 0f ba 23 05", X86_DEC_INVALID, 0, NULL}, /* lock bt */
    {"f3 a5", X86_DEC_OK, 2, "rep movsd"},
    {"f3 a4", X86_DEC_OK, 2, "rep movsb"},
    {"f2 ae", X86_DEC_OK, 2, "repne scasb"},
    {"66 f3 ab", X86_DEC_OK, 3, "rep stosw"},
    {"f3 90", X86_DEC_OK, 2, "nop"},
    /* 16-bit addressing */
    {"67 8b 00", X86_DEC_OK, 3, "mov eax, dword ptr [bx + si]"},
    {"67 8b 46 fe", X86_DEC_OK, 4, "mov eax, dword ptr [bp + 0xfffe]"},
    {"67 8b 06 34 12", X86_DEC_OK, 5, "mov eax, dword ptr [0x1234]"},
    {"67 8b 87 00 80", X86_DEC_OK, 5, "mov eax, dword ptr [bx + 0x8000]"},
    {"67 a1 78 56", X86_DEC_OK, 4, "mov eax, dword ptr [0x5678]"},
    {"a1 78 56 34 12", X86_DEC_OK, 5, "mov eax, dword ptr [0x12345678]"},
    {"66 67 8b 03", X86_DEC_OK, 4, "mov ax, word ptr [bp + di]"},
    /* 32-bit ModRM/SIB corner cases */
    {"8b 05 78 56 34 12", X86_DEC_OK, 6, "mov eax, dword ptr [0x12345678]"},
    {"8b 04 25 78 56 34 12", X86_DEC_OK, 7, "mov eax, dword ptr [0x12345678]"},
    {"8b 04 24", X86_DEC_OK, 3, "mov eax, dword ptr [esp]"},
    {"8b 44 24 04", X86_DEC_OK, 4, "mov eax, dword ptr [esp + 4]"},
    {"8b 45 f8", X86_DEC_OK, 3, "mov eax, dword ptr [ebp - 8]"},
    {"8b 04 8d 00 10 00 00", X86_DEC_OK, 7, "mov eax, dword ptr [ecx*4 + 0x1000]"},
    {"8b 44 65 00", X86_DEC_OK, 4, "mov eax, dword ptr [ebp]"}, /* index 4: none */
    /* immediates */
    {"83 c0 ff", X86_DEC_OK, 3, "add eax, 0xffffffff"},
    {"66 83 c0 ff", X86_DEC_OK, 4, "add ax, 0xffff"},
    {"6a ff", X86_DEC_OK, 2, "push 0xffffffff"},
    {"6b c0 fe", X86_DEC_OK, 3, "imul eax, eax, 0xfffffffe"},
    {"69 c0 00 01 00 00", X86_DEC_OK, 6, "imul eax, eax, 0x100"},
    {"0f af c1", X86_DEC_OK, 3, "imul eax, ecx"},
    {"f7 e9", X86_DEC_OK, 2, "imul ecx"},
    {"66 b8 34 12", X86_DEC_OK, 4, "mov ax, 0x1234"},
    {"c8 10 00 01", X86_DEC_OK, 4, "enter 0x10, 1"},
    {"c2 08 00", X86_DEC_OK, 3, "ret 8"},
    {"d1 e0", X86_DEC_OK, 2, "shl eax, 1"},
    {"d3 e0", X86_DEC_OK, 2, "shl eax, cl"},
    {"c1 e0 05", X86_DEC_OK, 3, "shl eax, 5"},
    {"d0 f0", X86_DEC_OK, 2, "shl al, 1"}, /* /6 = sal */
    {"0f a4 c8 04", X86_DEC_OK, 4, "shld eax, ecx, 4"},
    {"0f ad c8", X86_DEC_OK, 3, "shrd eax, ecx, cl"},
    {"d4 0a", X86_DEC_OK, 2, "aam 0xa"},
    {"d5 10", X86_DEC_OK, 2, "aad 0x10"},
    {"ec", X86_DEC_OK, 1, "in al, dx"},
    {"e7 40", X86_DEC_OK, 2, "out 0x40, eax"},
    /* branches, resolved (at pc 0x1000) */
    {"eb fe", X86_DEC_OK, 2, "jmp 0x1000"},
    {"e8 00 00 00 00", X86_DEC_OK, 5, "call 0x1005"},
    {"74 10", X86_DEC_OK, 2, "je 0x1012"},
    {"0f 85 f0 ff ff ff", X86_DEC_OK, 6, "jne 0xff6"},
    {"66 e9 00 f0", X86_DEC_OK, 4, "jmp 4"}, /* 16-bit target wraps */
    {"e3 00", X86_DEC_OK, 2, "jecxz 0x1002"},
    {"67 e2 00", X86_DEC_OK, 3, "loop 0x1003"},
    {"ea 78 56 34 12 10 00", X86_DEC_OK, 7, "ljmp 0x10:0x12345678"},
    {"66 9a 34 12 08 00", X86_DEC_OK, 6, "lcall 8:0x1234"},
    {"ff 2b", X86_DEC_OK, 2, "ljmp fword ptr [ebx]"},
    {"ff 20", X86_DEC_OK, 2, "jmp dword ptr [eax]"},
    {"ff d0", X86_DEC_OK, 2, "call eax"},
    {"ff e8", X86_DEC_INVALID, 0, NULL}, /* jmpf needs memory */
    {"ff f8", X86_DEC_INVALID, 2, NULL}, /* ff /7 */
    /* segment registers, far loads */
    {"8c d8", X86_DEC_OK, 2, "mov eax, ds"},
    {"8c 18", X86_DEC_OK, 2, "mov word ptr [eax], ds"},
    {"8e d8", X86_DEC_OK, 2, "mov ds, ax"},
    {"8e c8", X86_DEC_INVALID, 0, NULL}, /* mov cs, ax */
    {"8c f0", X86_DEC_INVALID, 0, NULL}, /* sreg 6 */
    {"0f a0", X86_DEC_OK, 2, "push fs"},
    {"1f", X86_DEC_OK, 1, "pop ds"},
    {"c5 03", X86_DEC_OK, 2, "lds eax, fword ptr [ebx]"},
    {"66 c4 03", X86_DEC_OK, 3, "les ax, dword ptr [ebx]"},
    {"0f b2 03", X86_DEC_OK, 3, "lss eax, fword ptr [ebx]"},
    {"0f b4 c0", X86_DEC_INVALID, 0, NULL},
    {"62 03", X86_DEC_OK, 2, "bound eax, qword ptr [ebx]"},
    {"62 c0", X86_DEC_INVALID, 0, NULL},
    {"8d c0", X86_DEC_INVALID, 0, NULL},
    {"8d 04 40", X86_DEC_OK, 3, "lea eax, dword ptr [eax + eax*2]"},
    {"0f c7 c8", X86_DEC_INVALID, 0, NULL}, /* cmpxchg8b register */
    {"63 c8", X86_DEC_OK, 2, "arpl ax, cx"},
    /* 0F map */
    {"0f 0b", X86_DEC_OK, 2, "ud"},
    {"0f b9 c0", X86_DEC_OK, 3, "ud eax, eax"},
    {"0f ff 00", X86_DEC_OK, 3, NULL},
    {"0f 05", X86_DEC_OK, 2, "syscall"},
    {"0f 34", X86_DEC_OK, 2, "sysenter"},
    {"0f a2", X86_DEC_OK, 2, "cpuid"},
    {"0f 31", X86_DEC_OK, 2, "rdtsc"},
    {"0f 01 f9", X86_DEC_OK, 3, "rdtscp"},
    {"0f 01 d0", X86_DEC_OK, 3, "xgetbv"},
    {"0f 01 d1", X86_DEC_OK, 3, "priv"},
    {"0f 01 f8", X86_DEC_INVALID, 0, NULL},              /* swapgs: 64-bit only */
    {"0f 01 10", X86_DEC_OK, 3, "priv fword ptr [eax]"}, /* lgdt */
    {"0f 01 00", X86_DEC_OK, 3, "sgdt fword ptr [eax]"},
    {"0f 01 e0", X86_DEC_OK, 3, "smsw eax"},
    {"0f 01 38", X86_DEC_OK, 3, "priv byte ptr [eax]"}, /* invlpg */
    {"0f 00 c0", X86_DEC_OK, 3, "sldt eax"},
    {"0f 00 d0", X86_DEC_OK, 3, "priv ax"}, /* lldt */
    {"0f 00 e0", X86_DEC_OK, 3, "verr ax"},
    {"0f 00 f0", X86_DEC_INVALID, 0, NULL},
    {"0f 02 c1", X86_DEC_OK, 3, "lar eax, ecx"},
    {"0f 20 c0", X86_DEC_OK, 3, "priv eax, cr0"},
    {"0f 22 18", X86_DEC_OK, 3, "priv cr3, eax"}, /* mod ignored */
    {"0f 20 c8", X86_DEC_INVALID, 0, NULL},       /* cr1 */
    {"0f 23 f8", X86_DEC_OK, 3, "priv dr7, eax"},
    {"0f 06", X86_DEC_OK, 2, "priv"},
    {"0f 09", X86_DEC_OK, 2, "priv"},
    {"0f 32", X86_DEC_OK, 2, "priv"},
    {"0f 33", X86_DEC_OK, 2, "rdpmc"},
    {"0f ae e8", X86_DEC_OK, 3, "fence"},
    {"0f ae f0", X86_DEC_OK, 3, "fence"},
    {"0f ae f8", X86_DEC_OK, 3, "fence"},
    {"0f ae c0", X86_DEC_INVALID, 0, NULL},
    {"0f ae 00", X86_DEC_OK, 3, NULL}, /* fxsave */
    {"0f ae 38", X86_DEC_OK, 3, NULL}, /* clflush */
    {"0f 1f 44 00 00", X86_DEC_OK, 5, "nop dword ptr [eax + eax]"},
    {"66 0f 1f 84 00 00 00 00 00", X86_DEC_OK, 9, NULL},
    {"0f 18 08", X86_DEC_OK, 3, NULL},
    {"0f 0d 08", X86_DEC_OK, 3, NULL},
    {"f3 0f 1e fb", X86_DEC_OK, 4, NULL}, /* endbr32 */
    {"0f c8", X86_DEC_OK, 2, "bswap eax"},
    {"0f cf", X86_DEC_OK, 2, "bswap edi"},
    {"0f b1 0b", X86_DEC_OK, 3, "cmpxchg dword ptr [ebx], ecx"},
    {"0f c0 c1", X86_DEC_OK, 3, "xadd cl, al"},
    {"0f bc c1", X86_DEC_OK, 3, "bsf eax, ecx"},
    {"f3 0f bc c1", X86_DEC_OK, 4, "bsf eax, ecx"}, /* tzcnt without BMI1: bsf */
    {"f3 0f bd c1", X86_DEC_OK, 4, "sse eax, ecx"}, /* lzcnt */
    {"f3 0f b8 c1", X86_DEC_OK, 4, "sse eax, ecx"}, /* popcnt */
    {"0f b8 c1", X86_DEC_INVALID, 0, NULL},
    {"0f be c1", X86_DEC_OK, 3, "movsx eax, cl"},
    {"66 0f b6 c1", X86_DEC_OK, 4, "movzx ax, cl"},
    {"0f b7 03", X86_DEC_OK, 3, "movzx eax, word ptr [ebx]"},
    {"0f 44 c1", X86_DEC_OK, 3, "cmove eax, ecx"},
    {"0f 9f c0", X86_DEC_OK, 3, "setg al"},
    {"0f a3 c8", X86_DEC_OK, 3, "bt eax, ecx"},
    {"0f ba e0 1f", X86_DEC_OK, 4, "bt eax, 0x1f"},
    {"0f ba c0 1f", X86_DEC_INVALID, 0, NULL},
    {"0f 04", X86_DEC_INVALID, 2, NULL},
    {"0f 24 c0", X86_DEC_INVALID, 0, NULL},
    {"0f a6", X86_DEC_INVALID, 0, NULL},
    /* one-byte map oddities */
    {"40", X86_DEC_OK, 1, "inc eax"},
    {"4f", X86_DEC_OK, 1, "dec edi"},
    {"82 c0 01", X86_DEC_OK, 3, "add al, 1"},
    {"d6", X86_DEC_OK, 1, "salc"},
    {"f1", X86_DEC_OK, 1, "int1"},
    {"cd 80", X86_DEC_OK, 2, "int 0x80"},
    {"d7", X86_DEC_OK, 1, "xlatb"},
    {"98", X86_DEC_OK, 1, "cwde"},
    {"66 99", X86_DEC_OK, 2, "cwd"},
    {"60", X86_DEC_OK, 1, "pushal"},
    {"93", X86_DEC_OK, 1, "xchg eax, ebx"},
    {"8f c0", X86_DEC_OK, 2, "pop eax"},
    {"8f c8", X86_DEC_INVALID, 0, NULL},
    {"c6 c0 05", X86_DEC_OK, 3, "mov al, 5"},
    {"c6 c8 05", X86_DEC_INVALID, 0, NULL},
    {"c6 f8 05", X86_DEC_OK, 3, NULL},          /* xabort */
    {"c7 f8 00 00 00 00", X86_DEC_OK, 6, NULL}, /* xbegin */
    {"c7 f9 00 00 00 00", X86_DEC_INVALID, 0, NULL},
    {"c7 00 01 00 00 00", X86_DEC_OK, 6, "mov dword ptr [eax], 1"},
    {"fe c8", X86_DEC_OK, 2, "dec al"},
    {"fe d0", X86_DEC_INVALID, 0, NULL},
    {"f6 d8", X86_DEC_OK, 2, "neg al"},
    {"f7 05 00 10 00 00 ff 00 00 00", X86_DEC_OK, 10, "test dword ptr [0x1000], 0xff"},
    {"a0 00 10 00 00", X86_DEC_OK, 5, "mov al, byte ptr [0x1000]"},
    {"64 a3 10 00 00 00", X86_DEC_OK, 6, "mov dword ptr fs:[0x10], eax"},
    /* x87 */
    {"d9 c0", X86_DEC_OK, 2, "x87 st(0)"},
    {"dd 05 00 10 00 00", X86_DEC_OK, 6, "x87 qword ptr [0x1000]"},
    {"db 2c 24", X86_DEC_OK, 3, "x87 xword ptr [esp]"},
    {"df e0", X86_DEC_OK, 2, NULL},
    {"d9 d1", X86_DEC_INVALID, 0, NULL},
    {"da e8", X86_DEC_INVALID, 0, NULL},
    {"d9 dc", X86_DEC_OK, 2, NULL}, /* fstp1 alias */
    {"d9 08", X86_DEC_INVALID, 0, NULL},
    {"9b", X86_DEC_OK, 1, NULL},
    /* SSE and friends: length */
    {"66 0f 6f 44 24 10", X86_DEC_OK, 6, NULL},
    {"66 0f 70 c1 1b", X86_DEC_OK, 5, NULL},
    {"66 0f 73 d8 04", X86_DEC_OK, 5, NULL},
    {"0f 77", X86_DEC_OK, 2, NULL},
    {"66 0f 38 00 c1", X86_DEC_OK, 5, NULL},
    {"66 0f 3a 0f c1 08", X86_DEC_OK, 6, NULL},
    {"66 0f 3a 0f 44 24 04 08", X86_DEC_OK, 8, NULL},
    {"0f 38 ff c0", X86_DEC_INVALID, 0, NULL},
    {"c5 f9 6f c1", X86_DEC_OK, 4, NULL},       /* vmovdqa xmm0, xmm1 */
    {"c4 e2 79 00 c1", X86_DEC_OK, 5, NULL},    /* vpshufb */
    {"c4 e3 79 0f c1 08", X86_DEC_OK, 6, NULL}, /* vpalignr */
    {"c5 f8 77", X86_DEC_OK, 3, NULL},          /* vzeroupper */
    /* the 15-byte limit */
    {"66 66 66 66 66 66 66 66 66 66 66 66 66 66 90", X86_DEC_OK, 15, "nop"},
    {"66 66 66 66 66 66 66 66 66 66 66 66 66 66 66 90", X86_DEC_TOO_LONG, 0, NULL},
    {"3e 3e 3e 3e 3e 3e 3e 3e 3e 3e 81 c0 00 00 00", X86_DEC_TOO_LONG, 0, NULL},
    {"3e 3e 3e 3e 3e 3e 3e 3e 3e 81 c0 00 00 00", X86_DEC_SHORT, 0, NULL},
    {"3e 3e 3e 3e 3e 3e 3e 3e 3e 81 c0 00 00 00 00", X86_DEC_OK, 15, "add eax, 0"},
    {"66 66 66 66 66 66 66 66 66 66 66 66 66 66 66", X86_DEC_TOO_LONG, 0, NULL},
    /* truncated input */
    {"", X86_DEC_SHORT, 0, NULL},
    {"66", X86_DEC_SHORT, 0, NULL},
    {"0f", X86_DEC_SHORT, 0, NULL},
    {"8b", X86_DEC_SHORT, 0, NULL},
    {"8b 44", X86_DEC_SHORT, 0, NULL},
    {"8b 44 24", X86_DEC_SHORT, 0, NULL},
    {"8b 80 00 00 00", X86_DEC_SHORT, 0, NULL},
    {"e8 00 00 00", X86_DEC_SHORT, 0, NULL},
    {"c8 00 00", X86_DEC_SHORT, 0, NULL},
    {"ea 00 00 00 00 00", X86_DEC_SHORT, 0, NULL},
    {"0f 38", X86_DEC_SHORT, 0, NULL},
    {"c4", X86_DEC_SHORT, 0, NULL},
    {"c5 f9 6f", X86_DEC_SHORT, 0, NULL},
};

static size_t parse_hex(const char *s, uint8_t *out, size_t max)
{
    size_t n = 0;
    while (*s && n < max) {
        char *end;
        unsigned long v = strtoul(s, &end, 16);
        if (end == s)
            break;
        out[n++] = (uint8_t)v;
        s = end;
    }
    return n;
}

static void run_hand_case(const HandCase *c)
{
    uint8_t bytes[32];
    size_t n = parse_hex(c->hex, bytes, sizeof bytes);
    /* an exact-size copy, so a read past avail shows up under asan */
    uint8_t *buf = malloc(n ? n : 1);
    memcpy(buf, bytes, n);
    X86Insn insn;
    int rc = x86_decode(&insn, buf, n, 0x1000);
    char text[128], why[160];
    x86_insn_format(&insn, text, sizeof text);
    why[0] = 0;
    if (rc != c->rc)
        snprintf(why, sizeof why, "result %d, expected %d", rc, c->rc);
    else if (c->len && (rc == X86_DEC_OK || rc == X86_DEC_INVALID) && insn.len != c->len)
        snprintf(why, sizeof why, "length %d, expected %d", insn.len, c->len);
    else if (rc == X86_DEC_OK && c->text && strcmp(text, c->text) != 0)
        snprintf(why, sizeof why, "text differs");
    if (why[0])
        report_fail(bytes, n, 0x1000, text, c->text ? c->text : "-", why);
    else
        n_pass++;
    free(buf);
}

/* Structural checks that the format text does not show. */
static void check_fields(void)
{
    static const uint8_t enter[] = {0xc8, 0x10, 0x00, 0x03};
    static const uint8_t jmpf[] = {0xea, 0x78, 0x56, 0x34, 0x12, 0x10, 0x00};
    static const uint8_t ebp[] = {0x8b, 0x45, 0x08};
    static const uint8_t bp16[] = {0x67, 0x8b, 0x02}; /* [bp+si] */
    static const uint8_t jcc[] = {0x0f, 0x8e, 0x00, 0x00, 0x00, 0x00};
    static const uint8_t three8[] = {0x66, 0x0f, 0x38, 0x00, 0xc1};
    X86Insn i;
    struct {
        const char *what;
        bool ok;
    } checks[8];
    int n = 0;
    x86_decode(&i, enter, sizeof enter, 0);
    checks[n].what = "enter imm2";
    checks[n++].ok = i.op[0].imm == 0x10 && i.imm2 == 3 && i.imm2_size == 1;
    x86_decode(&i, jmpf, sizeof jmpf, 0);
    checks[n].what = "jmpf sel:off";
    checks[n++].ok = i.nops == 2 && i.op[0].imm == 0x10 && i.op[1].imm == 0x12345678 &&
                     i.imm2 == 0x10 && i.imm2_size == 2;
    x86_decode(&i, ebp, sizeof ebp, 0);
    checks[n].what = "ebp default ss";
    checks[n++].ok = i.op[1].seg == 2 /* R_SS */ && i.op[1].base == 5 && i.op[1].disp == 8;
    x86_decode(&i, bp16, sizeof bp16, 0);
    checks[n].what = "bp+si default ss";
    checks[n++].ok = i.adsize == 2 && i.op[1].seg == 2 && i.op[1].base == 5 && i.op[1].index == 6;
    x86_decode(&i, jcc, sizeof jcc, 0x100);
    checks[n].what = "jle cond";
    checks[n++].ok =
        i.mnem == X86_JCC && i.cond == 0xe && i.op[0].imm == 0x106 && i.opcode == 0x0f8e;
    x86_decode(&i, three8, sizeof three8, 0);
    checks[n].what = "0f38 opcode";
    checks[n++].ok = i.mnem == X86_SSE && i.opcode == 0x3800 && i.len == 5;
    for (int k = 0; k < n; k++) {
        if (checks[k].ok)
            n_pass++;
        else
            report_fail(NULL, 0, 0, "-", "-", checks[k].what);
    }
}

/* ======================================================================
 * Random bytes: truncation and the never-read-past-avail rule
 * ====================================================================== */

static uint32_t rng_state = 12345;

static uint32_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return rng_state;
}

/* For random bytes whose full decode is OK with length L: every shorter
 * window must say X86_DEC_SHORT, and the exact window must give the same
 * instruction.  Windows are exact-size heap copies so asan catches reads
 * past avail.  One case per sequence. */
static void run_random_truncation(int count)
{
    static const uint8_t prefixes[] = {0x66, 0x67, 0xf2, 0xf3, 0xf0, 0x2e, 0x64, 0x0f};
    for (int k = 0; k < count; k++) {
        uint8_t b[16];
        for (int i = 0; i < 16; i++)
            b[i] = (uint8_t)rng();
        for (int i = 0; i < 3 && (rng() & 1); i++) /* bias towards prefixes and 0F */
            b[i] = prefixes[rng() & 7];
        X86Insn full, part;
        if (x86_decode(&full, b, sizeof b, 0x1000) != X86_DEC_OK) {
            n_pass++;
            continue;
        }
        const char *why = NULL;
        for (size_t avail = 0; avail <= full.len && !why; avail++) {
            uint8_t *buf = malloc(avail ? avail : 1);
            memcpy(buf, b, avail);
            int rc = x86_decode(&part, buf, avail, 0x1000);
            if (avail < full.len && rc != X86_DEC_SHORT)
                why = "shorter window not SHORT";
            if (avail == full.len && (rc != X86_DEC_OK || memcmp(&part, &full, sizeof full)))
                why = "exact window differs";
            free(buf);
        }
        if (why) {
            char text[128];
            x86_insn_format(&full, text, sizeof text);
            report_fail(b, full.len, 0x1000, text, "-", why);
        } else {
            n_pass++;
        }
    }
}

/* ======================================================================
 * Capstone comparison
 * ====================================================================== */

static csh cs;

typedef struct RegInfo {
    int cls, num, size; /* cls -1: unknown */
} RegInfo;

static RegInfo cs_reg_info(unsigned reg)
{
    static const char *const gpr[3][8] = {{"al", "cl", "dl", "bl", "ah", "ch", "dh", "bh"},
                                          {"ax", "cx", "dx", "bx", "sp", "bp", "si", "di"},
                                          {"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"}};
    static const char *const seg[6] = {"es", "cs", "ss", "ds", "fs", "gs"};
    RegInfo r = {-1, -1, 0};
    const char *name = cs_reg_name(cs, reg);
    if (!name)
        return r;
    for (int s = 0; s < 3; s++)
        for (int k = 0; k < 8; k++)
            if (!strcmp(name, gpr[s][k]))
                return (RegInfo){X86_RC_GPR, k, 1 << s};
    for (int k = 0; k < 6; k++)
        if (!strcmp(name, seg[k]))
            return (RegInfo){X86_RC_SEG, k, 2};
    if (!strncmp(name, "xmm", 3))
        return (RegInfo){X86_RC_XMM, atoi(name + 3), 16};
    if (!strncmp(name, "mm", 2))
        return (RegInfo){X86_RC_MMX, atoi(name + 2), 8};
    if (name[0] == 'c' && name[1] == 'r')
        return (RegInfo){X86_RC_CR, atoi(name + 2), 4};
    if (name[0] == 'd' && name[1] == 'r')
        return (RegInfo){X86_RC_DR, atoi(name + 2), 4};
    return r;
}

static int cs_gpr(unsigned reg)
{
    if (reg == X86_REG_INVALID)
        return -1;
    RegInfo r = cs_reg_info(reg);
    return r.cls == X86_RC_GPR ? r.num : -2;
}

static uint32_t size_mask(int size)
{
    return size >= 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
}

/* Families whose operands we compare with Capstone's. */
static bool operands_comparable(const X86Insn *insn)
{
    switch (insn->mnem) {
    case X86_X87:
    case X86_SYS:
    case X86_PRIV:
    case X86_UD:
    /* string ops and xlat: Capstone lists the implicit ESI/EDI/EBX operands */
    case X86_MOVS:
    case X86_CMPS:
    case X86_STOS:
    case X86_LODS:
    case X86_SCAS:
    case X86_INS:
    case X86_OUTS:
    case X86_XLAT:
        return false;
    default:
        return true;
    }
}

static const char *compare_operand(const X86Insn *insn, const X86Operand *o, const cs_x86_op *c)
{
    static char detail[64];
    switch ((int)c->type) {
    case CS_OP_REG: {
        RegInfo r = cs_reg_info(c->reg);
        if (o->kind != X86_OP_REG)
            return "operand kind (reg)";
        if (r.cls != o->reg_class || r.num != o->reg || r.size != o->size)
            return "register";
        return NULL;
    }
    case CS_OP_IMM: {
        if (o->kind != X86_OP_IMM)
            return "operand kind (imm)";
        uint32_t m = size_mask(o->size);
        if (((uint32_t)c->imm & m) != (o->imm & m))
            return "immediate value";
        if (c->size != o->size) {
            snprintf(detail, sizeof detail, "immediate size %d, Capstone %d", o->size, c->size);
            return detail;
        }
        return NULL;
    }
    case CS_OP_MEM: {
        if (o->kind != X86_OP_MEM)
            return "operand kind (mem)";
        uint32_t dm = insn->adsize == 2 ? 0xffff : 0xffffffff;
        if (cs_gpr(c->mem.base) != o->base || cs_gpr(c->mem.index) != o->index)
            return "base/index";
        if (o->index >= 0 && c->mem.scale != o->scale)
            return "scale";
        if (((uint32_t)c->mem.disp & dm) != ((uint32_t)o->disp & dm))
            return "displacement";
        if (c->mem.segment != X86_REG_INVALID) {
            RegInfo s = cs_reg_info(c->mem.segment);
            if (s.cls != X86_RC_SEG || s.num != o->seg)
                return "segment";
        }
        if (c->size != o->size) {
            snprintf(detail, sizeof detail, "memory size %d, Capstone %d", o->size, c->size);
            return detail;
        }
        return NULL;
    }
    default:
        return "operand kind";
    }
}

/* Capstone 4.0.2 differs from the SDM here; the reason is in each line. */
static bool capstone_exception(const X86Insn *insn, const cs_insn *ci, const char *why)
{
    const cs_x86 *x = &ci->detail->x86;
    /* Capstone gives the constant 1 of D0-D3 shifts, int's vector and
     * ret's byte count the instruction's operand size; we give the size of
     * the immediate as the instruction uses it (count byte, imm8, imm16). */
    if (!strncmp(why, "immediate size", 14) &&
        (insn->opcode == 0xd0 || insn->opcode == 0xd1 || insn->opcode == 0xcd ||
         insn->opcode == 0xc2 || insn->opcode == 0xca))
        return true;
    /* ...and likewise in/out's port byte and enter's imm16, imm8. */
    if (!strncmp(why, "immediate size", 14) &&
        ((insn->opcode >= 0xe4 && insn->opcode <= 0xe7) || insn->opcode == 0xc8))
        return true;
    /* Far pointers in memory (m16:16, m16:32): Capstone's size is 4 or
     * missing; ours counts the selector too (4 or 6). */
    if (!strncmp(why, "memory size", 11) &&
        (insn->mnem == X86_LDS || insn->mnem == X86_LES || insn->mnem == X86_LSS ||
         insn->mnem == X86_LFS || insn->mnem == X86_LGS || insn->mnem == X86_JMPF ||
         insn->mnem == X86_CALLF))
        return true;
    /* mov Sreg, r32: the SDM's operand is r/m16 (only 16 bits are read);
     * Capstone shows the full register. */
    if (insn->mnem == X86_MOVSEG && !strcmp(why, "register") && insn->op[1].kind == X86_OP_REG &&
        x->operands[1].size == insn->opsize)
        return true;
    /* 0F 18, 0F 0D (prefetch hints): Capstone names prefetchNTA.. with a
     * byte operand; for us it is the NOP family with Ev. */
    if ((insn->opcode == 0x0f18 || insn->opcode == 0x0f0d) && !strncmp(why, "memory size", 11))
        return true;
    /* 0F 19-1E reserved NOPs: Capstone shows "nop Ev, Gv"; the SDM "nop Ev". */
    if (insn->opcode >= 0x0f19 && insn->opcode <= 0x0f1e && !strcmp(why, "operand count"))
        return true;
    /* lar/lsl read r32/m16: Capstone sizes the memory operand as r32. */
    if ((insn->mnem == X86_LAR || insn->mnem == X86_LSL) && !strncmp(why, "memory size", 11))
        return true;
    /* aam/aad with the default base 10: Capstone shows no operand. */
    if ((insn->mnem == X86_AAM || insn->mnem == X86_AAD) && insn->op[0].imm == 10 &&
        x->op_count == 0)
        return true;
    /* A 67 prefix on a relative branch: Capstone truncates the target to 16
     * bits; the SDM truncates by operand size, not address size. */
    if ((insn->prefixes & X86_PFX_ADSZ) && insn->opsize == 4 && !strcmp(why, "immediate value"))
        return true;
    /* ud1 (0F B9) and ud0 (0F FF) take a ModRM byte in the current SDM;
     * Capstone 4 decodes them as two bytes. */
    if ((insn->opcode == 0x0fb9 || insn->opcode == 0x0fff) && !strcmp(why, "length"))
        return true;
    return false;
}

static const char *compare_insn(const X86Insn *insn, const cs_insn *ci)
{
    const cs_x86 *x = &ci->detail->x86;
    if (!operands_comparable(insn))
        return NULL;
    if (insn->nops != x->op_count)
        return "operand count";
    for (int k = 0; k < insn->nops; k++) {
        const char *why = compare_operand(insn, &insn->op[k], &x->operands[k]);
        if (why)
            return why;
    }
    return NULL;
}

static void check_one(const uint8_t *p, size_t avail, uint32_t pc, const cs_insn *ci)
{
    X86Insn insn;
    int rc = x86_decode(&insn, p, avail, pc);
    const char *why = NULL;
    if (rc != X86_DEC_OK)
        why = "decoder result";
    else if (insn.len != ci->size)
        why = "length";
    else
        why = compare_insn(&insn, ci);
    if (why && capstone_exception(&insn, ci, why))
        why = NULL;
    if (!why) {
        n_pass++;
        return;
    }
    char ours[128], theirs[256];
    x86_insn_format(&insn, ours, sizeof ours);
    if (rc != X86_DEC_OK)
        snprintf(ours + strlen(ours), sizeof ours - strlen(ours), " (rc %d len %d)", rc, insn.len);
    snprintf(theirs, sizeof theirs, "%s %s (len %d)", ci->mnemonic, ci->op_str, ci->size);
    report_fail(p, ci->size, pc, ours, theirs, why);
}

static long walk_section(const uint8_t *code, size_t size, cs_insn *ci)
{
    long skipped = 0;
    size_t off = 0;
    while (off < size) {
        const uint8_t *p = code + off;
        size_t left = size - off;
        uint64_t addr = off;
        const uint8_t *it = p;
        size_t itleft = left;
        if (!cs_disasm_iter(cs, &it, &itleft, &addr, ci)) {
            off++; /* data in text, or something Capstone does not know */
            skipped++;
            continue;
        }
        check_one(p, left, (uint32_t)off, ci);
        off += ci->size;
    }
    return skipped;
}

/* Executable sections of one ELF32 relocatable object. */
static void walk_elf(const uint8_t *obj, size_t size, cs_insn *ci, long *skipped)
{
    Elf32_Ehdr eh;
    if (size < sizeof eh || memcmp(obj, ELFMAG, SELFMAG) != 0)
        return;
    memcpy(&eh, obj, sizeof eh);
    if (eh.e_ident[EI_CLASS] != ELFCLASS32 || eh.e_machine != EM_386)
        return;
    for (unsigned k = 0; k < eh.e_shnum; k++) {
        Elf32_Shdr sh;
        size_t at = eh.e_shoff + (size_t)k * eh.e_shentsize;
        if (at + sizeof sh > size)
            return;
        memcpy(&sh, obj + at, sizeof sh);
        if (sh.sh_type != SHT_PROGBITS || !(sh.sh_flags & SHF_EXECINSTR))
            continue;
        if ((size_t)sh.sh_offset + sh.sh_size > size)
            continue;
        *skipped += walk_section(obj + sh.sh_offset, sh.sh_size, ci);
    }
}

static int run_corpus(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        printf("note: no corpus %s, Capstone comparison skipped\n", path);
        return 0;
    }
    fseek(f, 0, SEEK_END);
    long fsize = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *ar = malloc((size_t)fsize);
    if (!ar || fread(ar, 1, (size_t)fsize, f) != (size_t)fsize || memcmp(ar, "!<arch>\n", 8)) {
        printf("note: %s is not an ar archive\n", path);
        fclose(f);
        free(ar);
        return 0;
    }
    fclose(f);
    if (cs_open(CS_ARCH_X86, CS_MODE_32, &cs) != CS_ERR_OK)
        return -1;
    cs_option(cs, CS_OPT_DETAIL, CS_OPT_ON);
    cs_insn *ci = cs_malloc(cs);
    long skipped = 0, members = 0;
    int before = n_pass + n_fail;
    for (size_t off = 8; off + 60 <= (size_t)fsize;) {
        const uint8_t *hdr = ar + off;
        size_t msize = (size_t)strtoul((const char *)hdr + 48, NULL, 10);
        const uint8_t *body = hdr + 60;
        if (off + 60 + msize > (size_t)fsize)
            break;
        walk_elf(body, msize, ci, &skipped); /* ignores the symbol and name tables */
        members++;
        off += 60 + msize + (msize & 1);
    }
    printf("corpus %s: %ld objects, %d instructions, %ld bytes skipped\n", path, members,
           n_pass + n_fail - before, skipped);
    cs_free(ci, 1);
    cs_close(&cs);
    free(ar);
    return 0;
}

int main(void)
{
    for (size_t k = 0; k < sizeof hand_cases / sizeof hand_cases[0]; k++)
        run_hand_case(&hand_cases[k]);
    check_fields();
    run_random_truncation(20000);
    const char *corpus = getenv("XLAT_DECODE_CORPUS");
    run_corpus(corpus ? corpus : "/usr/lib32/libc.a");
    printf("%d passed, %d failed\n", n_pass, n_fail);
    return n_fail != 0;
}
