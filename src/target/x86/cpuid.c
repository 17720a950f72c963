/*
 * cpuid.c - CPU models for -cpu and the CPUID leaves they report.
 *
 * Leaves: 0 (max basic leaf, vendor), 1 (signature, features), 0x80000000
 * (max extended leaf), 0x80000001 (extended features), 0x80000002-4 (brand
 * string).  Every other leaf reads as zeros.  Adding a feature xlat has
 * learnt is one bit in the model table.
 */
#include "target/x86/cpuid.h"

#include <string.h>

typedef struct X86CpuModel {
    const char *name;
    const char *desc;
    uint8_t family, model, stepping;
    uint32_t edx1;    /* CPUID.1:EDX */
    uint32_t ecx1;    /* CPUID.1:ECX */
    uint32_t ext_edx; /* CPUID.80000001:EDX */
} X86CpuModel;

/* x87 (with FCMOV when CMOV is also there) and fxsave/fxrstor */
#define X86_X87_EDX (CPUID_FPU | (1u << 24) /* FXSR */)

static const X86CpuModel x86_cpu_models[] = {
    {"max", "everything xlat implements (default)", 6, 15, 1,
     CPUID_TSC | CPUID_CX8 | CPUID_CMOV | X86_X87_EDX | X86_SIMD_EDX, X86_SIMD_ECX, 0},
    {"pentium", "Intel Pentium (no cmov)", 5, 2, 11, CPUID_FPU | CPUID_TSC | CPUID_CX8, 0, 0},
    {"pentiumpro", "Intel Pentium Pro", 6, 1, 9,
     CPUID_FPU | CPUID_TSC | CPUID_CX8 | CPUID_CMOV, 0, 0},
    {"i686", "generic i686", 6, 1, 9, CPUID_FPU | CPUID_TSC | CPUID_CX8 | CPUID_CMOV, 0, 0},
    {"i486", "Intel 486 (no tsc, cx8, cmov)", 4, 8, 0, CPUID_FPU, 0, 0},
};

static const X86CpuModel *x86_cpu = &x86_cpu_models[0];

bool x86_cpu_select(const char *name)
{
    for (size_t i = 0; i < sizeof(x86_cpu_models) / sizeof(x86_cpu_models[0]); i++) {
        if (strcmp(name, x86_cpu_models[i].name) == 0) {
            x86_cpu = &x86_cpu_models[i];
            return true;
        }
    }
    return false;
}

void x86_cpu_list(FILE *f)
{
    fprintf(f, "Available CPUs:\n");
    for (size_t i = 0; i < sizeof(x86_cpu_models) / sizeof(x86_cpu_models[0]); i++)
        fprintf(f, "  %-12s %s\n", x86_cpu_models[i].name, x86_cpu_models[i].desc);
}

uint32_t x86_cpu_hwcap(void)
{
    return x86_cpu->edx1;
}

bool x86_cpu_has_rdtscp(void)
{
    return (x86_cpu->ext_edx & CPUID_EXT_RDTSCP) != 0;
}

/* Four little-endian characters as a register value. */
static uint32_t chars4(const char *s)
{
    return (uint32_t)(uint8_t)s[0] | (uint32_t)(uint8_t)s[1] << 8 | (uint32_t)(uint8_t)s[2] << 16 |
           (uint32_t)(uint8_t)s[3] << 24;
}

static void cpuid_brand(uint32_t part, uint32_t out[4])
{
    static const char brand[48] = "xlat virtual CPU";
    for (int i = 0; i < 4; i++)
        out[i] = chars4(brand + part * 16 + (uint32_t)i * 4);
}

void x86_cpuid(uint32_t leaf, uint32_t subleaf, uint32_t out[4])
{
    const X86CpuModel *m = x86_cpu;
    (void)subleaf;
    memset(out, 0, 4 * sizeof(uint32_t));
    switch (leaf) {
    case 0:
        out[0] = 1;
        out[1] = chars4("Genu");
        out[3] = chars4("ineI");
        out[2] = chars4("ntel");
        break;
    case 1:
        out[0] = m->stepping | (uint32_t)(m->model & 15) << 4 | (uint32_t)m->family << 8 |
                 (uint32_t)(m->model >> 4) << 16;
        out[1] = 1u << 16; /* one logical processor */
        if (m->edx1 & CPUID_CLFSH)
            out[1] |= 8u << 8; /* clflush line: 8 x 8 = 64 bytes */
        out[2] = m->ecx1;
        out[3] = m->edx1;
        break;
    case 0x80000000:
        out[0] = 0x80000004;
        break;
    case 0x80000001:
        out[3] = m->ext_edx;
        /* lzcnt is implemented with popcnt: a model has both or neither */
        out[2] = (m->ecx1 & CPUID_ECX_POPCNT) ? CPUID_EXT_ECX_ABM : 0;
        break;
    case 0x80000002:
    case 0x80000003:
    case 0x80000004:
        cpuid_brand(leaf - 0x80000002, out);
        break;
    default:
        break;
    }
}
