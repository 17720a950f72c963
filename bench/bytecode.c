/* bytecode.c - a stack-machine bytecode interpreter with switch dispatch
 * (indirect jumps through a table), running a small program of loops. */
#include "bench.h"

enum { PUSH, LOAD, STORE, ADD, SUB, MUL, XOR, SHR, DUP, JNZ, JMP, DEC, HALT, AND, SWAP, POP };

/* vars: v0 = outer counter, v1 = acc, v2 = inner counter */
static const int prog[] = {
    /* 0 */ PUSH, 0, STORE, 1,
    /* 4 */ LOAD, 0, STORE, 2,
    /* 8: inner loop */
    LOAD, 1, PUSH, 31, MUL, LOAD, 2, XOR, PUSH, 7, SHR, LOAD, 1, ADD, PUSH, 0xffffff, AND, STORE, 1,
    /* 27 */ LOAD, 2, DEC, DUP, STORE, 2, JNZ, 8,
    /* 35 */ LOAD, 0, DEC, DUP, STORE, 0, JNZ, 4,
    /* 43 */ HALT,
};

static int32_t run(int32_t n)
{
    int32_t stack[64], vars[4] = {n, 0, 0, 0};
    int sp = 0, pc = 0;
    for (;;) {
        switch (prog[pc++]) {
        case PUSH: stack[sp++] = prog[pc++]; break;
        case LOAD: stack[sp++] = vars[prog[pc++]]; break;
        case STORE: vars[prog[pc++]] = stack[--sp]; break;
        case ADD: sp--; stack[sp - 1] += stack[sp]; break;
        case SUB: sp--; stack[sp - 1] -= stack[sp]; break;
        case MUL: sp--; stack[sp - 1] *= stack[sp]; break;
        case XOR: sp--; stack[sp - 1] ^= stack[sp]; break;
        case AND: sp--; stack[sp - 1] &= stack[sp]; break;
        case SHR: sp--; stack[sp - 1] = (int32_t)((uint32_t)stack[sp - 1] >> stack[sp]); break;
        case DUP: stack[sp] = stack[sp - 1]; sp++; break;
        case SWAP: { int32_t t = stack[sp - 1]; stack[sp - 1] = stack[sp - 2]; stack[sp - 2] = t; break; }
        case POP: sp--; break;
        case DEC: stack[sp - 1]--; break;
        case JNZ: if (stack[--sp]) pc = prog[pc]; else pc++; break;
        case JMP: pc = prog[pc]; break;
        case HALT: return vars[1];
        }
    }
}

int main(int argc, char **argv)
{
    int32_t n = (int32_t)(4800 * bench_scale(argc, argv) / 100);
    printf("bytecode %08x\n", (uint32_t)run(n));
    return 0;
}
