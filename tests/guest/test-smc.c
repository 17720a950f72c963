/*
 * test-smc.c - self-modifying code and code generated at run time.
 *
 * A guest JIT writes instructions into memory and runs them; xlat must
 * notice every write to a page it has translated (write-protection and
 * invalidation) and every mprotect/munmap, and run the new code.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "guest.h"

typedef uint32_t (*fn_t)(uint32_t);

/* mov eax, imm32; add eax, [esp+4]; ret */
static void emit_add_imm(uint8_t *p, uint32_t imm)
{
    p[0] = 0xb8;
    memcpy(p + 1, &imm, 4);
    p[5] = 0x03, p[6] = 0x44, p[7] = 0x24, p[8] = 0x04;
    p[9] = 0xc3;
}

/* A loop in code that patches its own immediate: the store lands in the
 * block being run, so the next iteration must see the new value. */
static uint32_t patch_self(uint8_t *code)
{
    /* code:  mov eax, imm32 (at +0, imm at +1); ret */
    uint32_t sum = 0;
    fn_t f = (fn_t)(void *)code;
    for (uint32_t i = 0; i < 50; i++) {
        code[0] = 0xb8;
        memcpy(code + 1, &i, 4);
        code[5] = 0xc3;
        sum = sum * 31 + f(0);
    }
    return sum;
}

int main(void)
{
    uint8_t *code = mmap(NULL, 8192, PROT_READ | PROT_WRITE | PROT_EXEC,
                         MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (code == MAP_FAILED) {
        printf("mmap failed\n");
        return 1;
    }
    /* 1. rewrite the same function many times */
    uint32_t acc = 0;
    for (uint32_t k = 0; k < 200; k++) {
        emit_add_imm(code, k * 7);
        acc = acc * 33 + ((fn_t)(void *)code)(k);
    }
    printf("rewrite: %08x\n", acc);

    /* 2. two functions on one page, only one rewritten */
    emit_add_imm(code, 1000);
    emit_add_imm(code + 64, 2000);
    uint32_t a = ((fn_t)(void *)code)(1), b = ((fn_t)(void *)(code + 64))(1);
    emit_add_imm(code + 64, 3000);
    uint32_t c = ((fn_t)(void *)code)(1), d = ((fn_t)(void *)(code + 64))(1);
    printf("neighbours: %u %u %u %u\n", a, b, c, d);

    /* 3. code crossing a page boundary, second page rewritten */
    uint8_t *x = code + 4096 - 3;
    emit_add_imm(x, 5);
    uint32_t e = ((fn_t)(void *)x)(10);
    emit_add_imm(x, 6);
    uint32_t g = ((fn_t)(void *)x)(10);
    printf("straddle: %u %u\n", e, g);

    /* 4. W^X style: write, mprotect to RX, run, back to RW, rewrite */
    mprotect(code, 8192, PROT_READ | PROT_WRITE);
    emit_add_imm(code, 42);
    mprotect(code, 8192, PROT_READ | PROT_EXEC);
    uint32_t h = ((fn_t)(void *)code)(0);
    mprotect(code, 8192, PROT_READ | PROT_WRITE);
    emit_add_imm(code, 43);
    mprotect(code, 8192, PROT_READ | PROT_EXEC);
    uint32_t i = ((fn_t)(void *)code)(0);
    printf("wx: %u %u\n", h, i);

    /* 5. munmap and map new code at the same address */
    munmap(code, 8192);
    uint8_t *code2 = mmap(code, 8192, PROT_READ | PROT_WRITE | PROT_EXEC,
                          MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    emit_add_imm(code2, 77);
    printf("remap: %u\n", ((fn_t)(void *)code2)(1));

    /* 6. patching the running function's own page */
    printf("self: %08x\n", patch_self(code2 + 256));
    return 0;
}
