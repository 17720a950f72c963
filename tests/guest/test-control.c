/*
 * test-control.c - control flow: jcc on every condition, loop/loope/loopne/
 * jecxz, call/ret/ret imm, indirect jumps and calls through tables and
 * function pointers, enter/leave at nesting levels 0-2, pusha/popa, deep
 * recursion, switch tables, setjmp/longjmp.
 */
#include <setjmp.h>

#include "guest.h"

/* jcc: for each flags combination, which of the 16 conditions jump. */
#define JCC(CC)                                                                              \
    __asm__ volatile("push %[fi]\n\tpopf\n\tmovl $0, %[t]\n\tj" CC " 1f\n\tmovl $1, %[t]\n1:"  \
                     : [t] "=&r"(t)                                                          \
                     : [fi] "r"(fi)                                                          \
                     : "cc");                                                                \
    taken |= (t == 0) << n++;

static void test_jcc(void)
{
    static const uint32_t fl[5] = {F_OF, F_SF, F_ZF, F_PF, F_CF};
    for (int combo = 0; combo < 32; combo++) {
        uint32_t fi = 0x202, t, taken = 0, n = 0;
        for (int b = 0; b < 5; b++)
            if (combo & (1 << b))
                fi |= fl[b];
        JCC("o") JCC("no") JCC("b") JCC("ae") JCC("e") JCC("ne") JCC("be") JCC("a")
        JCC("s") JCC("ns") JCC("p") JCC("np") JCC("l") JCC("ge") JCC("le") JCC("g")
        printf("jcc %s -> %04x\n", g_flags_str(fi), taken);
    }
    /* a long (rel32) conditional branch over a big block */
    uint32_t r = 0;
    __asm__ volatile("cmpl $5, %1\n\tje 1f\n\t.fill 300, 1, 0x90\n\tmovl $7, %0\n1:"
                     : "+r"(r) : "r"(5) : "cc");
    printf("jcc rel32 -> %u\n", r);
}

/* loop family: count iterations and final ecx. */
static void test_loop(void)
{
    static const uint32_t counts[] = {0, 1, 2, 5, 100};
    for (int i = 0; i < 5; i++) {
        uint32_t c = counts[i], n = 0;
        __asm__ volatile("jecxz 2f\n1:\n\tincl %1\n\tloop 1b\n2:" : "+c"(c), "+r"(n) : : "cc");
        printf("loop %u -> n=%u ecx=%u\n", counts[i], n, c);
        /* loope: stops when ZF becomes 0 (after the 3rd iteration here) */
        c = counts[i], n = 0;
        __asm__ volatile("1:\n\tincl %1\n\tcmpl $3, %1\n\tloope 1b" : "+c"(c), "+r"(n) : : "cc");
        printf("loope %u -> n=%u ecx=%u\n", counts[i], n, c);
        c = counts[i], n = 0;
        __asm__ volatile("1:\n\tincl %1\n\tcmpl $4, %1\n\tloopne 1b" : "+c"(c), "+r"(n) : : "cc");
        printf("loopne %u -> n=%u ecx=%u\n", counts[i], n, c);
        c = counts[i], n = 0;
        __asm__ volatile("jecxz 1f\n\tmovl $1, %1\n1:" : "+c"(c), "+r"(n) : : "cc");
        printf("jecxz %u -> %u\n", counts[i], n);
    }
    /* loop with ecx = 0 runs 2^32 times in 32-bit mode: use addr16 (cx) with
     * cx = 0 and a nonzero upper half instead: 65536 iterations. */
    uint32_t c = 0x00070000, n = 0;
    __asm__ volatile("1:\n\tincl %1\n\taddr16 loop 1b" : "+c"(c), "+r"(n) : : "cc");
    printf("loopw cx=0 -> n=%u ecx=%x\n", n, c);
}

/* call/ret/ret imm in raw asm. */
static void test_call_ret(void)
{
    uint32_t r, esp_diff;
    __asm__ volatile("movl %%esp, %%edx\n\t"
                     "pushl $11\n\tpushl $22\n\tcall 1f\n\tjmp 2f\n"
                     "1:\n\tmovl 4(%%esp), %%eax\n\taddl 8(%%esp), %%eax\n\tret $8\n"
                     "2:\n\tsubl %%esp, %%edx"
                     : "=&a"(r), "=&d"(esp_diff) : : "cc", "memory");
    printf("ret imm -> %u espdiff=%u\n", r, esp_diff);
    /* call to the next instruction (the get-pc idiom) */
    uint32_t pc1, pc2;
    __asm__ volatile("call 1f\n1:\n\tpopl %0\n\tmovl $1b, %1" : "=r"(pc1), "=r"(pc2));
    printf("getpc %s\n", pc1 == pc2 ? "ok" : "BAD");
    /* indirect call through a register and through memory */
    static void *target;
    uint32_t v = 0;
    __asm__ volatile("movl $1f, %1\n\tcall *%1\n\tcall *%1\n\tjmp 2f\n"
                     "1:\n\taddl $3, %0\n\tret\n2:"
                     : "+r"(v), "=&r"(pc1) : : "cc");
    target = (void *)0;
    __asm__ volatile("movl $1f, %1\n\tcall *%1\n\tjmp 2f\n1:\n\taddl $5, %0\n\tret\n2:"
                     : "+r"(v), "=m"(target) : : "cc");
    printf("indirect call -> %u\n", v);
}

/* enter/leave: enter $size, $level builds a frame with a display of
 * previous frame pointers. */
static void test_enter_leave(void)
{
    uint32_t d0, d1, d2, e0, e1, e2, x1, x2;
    __asm__ volatile("pushl %%ebp\n\tmovl %%esp, %%ecx\n\t"
                     "enter $16, $0\n\tmovl %%ecx, %%eax\n\tsubl %%esp, %%eax\n\t"
                     "movl %%ebp, %%edx\n\tsubl %%esp, %%edx\n\tleave\n\t"
                     "subl %%esp, %%ecx\n\tpopl %%ebp"
                     : "=&a"(d0), "=&d"(e0), "=&c"(x1) : : "memory");
    printf("enter 16,0 -> esp-=%u ebp-esp=%u after-leave=%u\n", d0, e0, x1);
    __asm__ volatile("pushl %%ebp\n\tmovl %%esp, %%ebp\n\tsubl $8, %%esp\n\tmovl %%esp, %%ecx\n\t"
                     "enter $8, $1\n\tmovl %%ecx, %%eax\n\tsubl %%esp, %%eax\n\t"
                     "movl %%ebp, %%edx\n\tsubl %%esp, %%edx\n\t"
                     "movl -4(%%ebp), %%ebx\n\tsubl %%ebp, %%ebx\n\t"
                     "leave\n\tmovl %%ebp, %%esp\n\tpopl %%ebp"
                     : "=&a"(d1), "=&d"(e1), "=&b"(x1) : : "ecx", "memory");
    printf("enter 8,1 -> esp-=%u ebp-esp=%u disp0=%d\n", d1, e1, (int)x1);
    __asm__ volatile("pushl %%ebp\n\tmovl %%esp, %%ebp\n\tsubl $12, %%esp\n\t"
                     "movl %%ebp, -4(%%ebp)\n\tmovl %%esp, %%ecx\n\t"
                     "enter $4, $2\n\tmovl %%ecx, %%eax\n\tsubl %%esp, %%eax\n\t"
                     "movl %%ebp, %%edx\n\tsubl %%esp, %%edx\n\t"
                     "movl -4(%%ebp), %%ebx\n\tsubl %%ebp, %%ebx\n\t"
                     "movl -8(%%ebp), %%esi\n\tsubl %%ebp, %%esi\n\t"
                     "leave\n\tmovl %%ebp, %%esp\n\tpopl %%ebp"
                     : "=&a"(d2), "=&d"(e2), "=&b"(x1), "=&S"(x2) : : "ecx", "memory");
    printf("enter 4,2 -> esp-=%u ebp-esp=%u disp=%d,%d\n", d2, e2, (int)x1, (int)x2);
}

static void test_pusha(void)
{
    uint32_t saved[14];
    uint32_t *p = saved;
    __asm__ volatile("pushl %%ebp\n\t"
                     "movl $0x11111111, %%eax\n\tmovl $0x22222222, %%ecx\n\t"
                     "movl $0x33333333, %%edx\n\tmovl $0x44444444, %%ebx\n\t"
                     "movl $0x66666666, %%ebp\n\tmovl $0x77777777, %%esi\n\t"
                     "pushl %%edi\n\tmovl $0x88888888, %%edi\n\t"
                     "pusha\n\tmovl 32(%%esp), %%edi\n\t"
                     "movl 0(%%esp), %%eax\n\tmovl %%eax, 0(%%edi)\n\t"
                     "movl 4(%%esp), %%eax\n\tmovl %%eax, 4(%%edi)\n\t"
                     "movl 8(%%esp), %%eax\n\tmovl %%eax, 8(%%edi)\n\t"
                     "movl 12(%%esp), %%eax\n\tleal 32(%%esp), %%ecx\n\tsubl %%ecx, %%eax\n\tmovl %%eax, 12(%%edi)\n\t"
                     "movl 16(%%esp), %%eax\n\tmovl %%eax, 16(%%edi)\n\t"
                     "movl 20(%%esp), %%eax\n\tmovl %%eax, 20(%%edi)\n\t"
                     "movl 24(%%esp), %%eax\n\tmovl %%eax, 24(%%edi)\n\t"
                     "movl 28(%%esp), %%eax\n\tmovl %%eax, 28(%%edi)\n\t"
                     "movl $0x12, 0(%%esp)\n\t" /* change saved edi: popa restores it */
                     "movl $0xdead, 12(%%esp)\n\t" /* esp slot: ignored by popa */
                     "popa\n\tmovl %%edi, %%ecx\n\tpopl %%edi\n\t"
                     "movl %%eax, 32(%%edi)\n\tmovl %%ecx, 36(%%edi)\n\tmovl %%edx, 40(%%edi)\n\t"
                     "movl %%ebx, 44(%%edi)\n\tmovl %%ebp, 48(%%edi)\n\tmovl %%esi, 52(%%edi)\n\t"
                     "popl %%ebp"
                     : "+D"(p) : : "eax", "ebx", "ecx", "edx", "esi", "memory");
    /* saved[0..7]: the pusha frame (edi first; esp slot as a difference);
     * saved[8..13]: eax ecx(=edi after popa) edx ebx ebp esi after popa */
    printf("pusha/popa:");
    for (int i = 0; i < 14; i++)
        printf(" %x", saved[i]);
    printf("\n");
}

/* Deep recursion, mutual recursion, indirect calls. */
static int depth(int n)
{
    volatile char pad[40];
    pad[n % 40] = (char)n;
    return n == 0 ? 0 : 1 + depth(n - 1) + (pad[n % 40] == (char)n ? 0 : 1000);
}

static unsigned ack(unsigned m, unsigned n)
{
    if (m == 0)
        return n + 1;
    if (n == 0)
        return ack(m - 1, 1);
    return ack(m - 1, ack(m, n - 1));
}

static int is_even(unsigned n);
static int is_odd(unsigned n)
{
    return n == 0 ? 0 : is_even(n - 1);
}
static int is_even(unsigned n)
{
    return n == 0 ? 1 : is_odd(n - 1);
}

static uint32_t f_add(uint32_t a, uint32_t b) { return a + b; }
static uint32_t f_sub(uint32_t a, uint32_t b) { return a - b; }
static uint32_t f_mul(uint32_t a, uint32_t b) { return a * b; }
static uint32_t f_xor(uint32_t a, uint32_t b) { return a ^ b; }
static uint32_t f_rot(uint32_t a, uint32_t b) { return (a << (b & 31)) | (a >> ((32 - b) & 31)); }

static uint32_t (*volatile const fns[5])(uint32_t, uint32_t) = {f_add, f_sub, f_mul, f_xor, f_rot};

/* A switch that gcc turns into a jump table. */
static uint32_t sw(uint32_t op, uint32_t x)
{
    switch (op) {
    case 0: return x + 1;
    case 1: return x * 3;
    case 2: return x ^ 0x5555;
    case 3: return x >> 1;
    case 4: return x << 2;
    case 5: return ~x;
    case 6: return x - 7;
    case 7: return x * x;
    case 8: return x | 0x100;
    case 9: return x & 0xff00ff;
    case 10: return x + 0x1234567;
    case 11: return x / 3;
    default: return x;
    }
}

static jmp_buf jb;
static int jcount;

static void deep_longjmp(int n)
{
    if (n == 0)
        longjmp(jb, ++jcount);
    deep_longjmp(n - 1);
}

int main(void)
{
    test_jcc();
    test_loop();
    test_call_ret();
    test_enter_leave();
    test_pusha();
    printf("depth %d\n", depth(100000));
    printf("ack(2,3)=%u ack(3,5)=%u\n", ack(2, 3), ack(3, 5));
    printf("even(10001)=%d odd(77777)=%d\n", is_even(10001), is_odd(77777));
    uint32_t acc = 1;
    for (uint32_t i = 0; i < 100000; i++)
        acc = fns[(acc ^ i) % 5](acc, i) + 1;
    printf("fnptr acc=%x\n", acc);
    acc = 7;
    for (uint32_t i = 0; i < 100000; i++)
        acc = sw((acc + i) % 13, acc);
    printf("switch acc=%x\n", acc);
    /* computed goto (indirect jmp through a table) */
    static void *labels[] = {&&l0, &&l1, &&l2, &&l3};
    uint32_t pc = 0, steps = 0, v = 1;
    goto *labels[0];
l0: v = v * 5 + 1; pc = v % 4; if (++steps < 1000) goto *labels[pc]; goto done;
l1: v ^= v >> 3; pc = (v + 1) % 4; if (++steps < 1000) goto *labels[pc]; goto done;
l2: v += 0x9e3779b9; pc = (v >> 7) % 4; if (++steps < 1000) goto *labels[pc]; goto done;
l3: v = v * 3; pc = (v >> 3) % 4; if (++steps < 1000) goto *labels[pc]; goto done;
done:
    printf("goto table v=%x\n", v);
    volatile int round = 0;
    int r = setjmp(jb);
    printf("setjmp -> %d\n", r);
    if (++round < 4)
        deep_longjmp(round * 100);
    printf("done\n");
    return 0;
}
