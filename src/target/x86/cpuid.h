/*
 * cpuid.h - the guest CPU models (-cpu) and what CPUID reports for them.
 *
 * A model advertises only what xlat implements; the default "max" is the
 * richest such model.  The selected model is process-wide (chosen once at
 * start-up, before any guest code runs).
 */
#ifndef XLAT_TARGET_X86_CPUID_H
#define XLAT_TARGET_X86_CPUID_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* CPUID.1:EDX feature bits */
#define CPUID_FPU  (1u << 0)
#define CPUID_TSC  (1u << 4)
#define CPUID_CX8  (1u << 8)
#define CPUID_CMOV (1u << 15)
#define CPUID_CLFSH (1u << 19)
#define CPUID_MMX  (1u << 23)
#define CPUID_SSE  (1u << 25)
#define CPUID_SSE2 (1u << 26)
/* CPUID.1:ECX feature bits */
#define CPUID_ECX_SSE3   (1u << 0)
#define CPUID_ECX_PCLMUL (1u << 1)
#define CPUID_ECX_SSSE3  (1u << 9)
#define CPUID_ECX_SSE41  (1u << 19)
#define CPUID_ECX_SSE42  (1u << 20)
#define CPUID_ECX_MOVBE  (1u << 22)
#define CPUID_ECX_POPCNT (1u << 23)
#define CPUID_ECX_AES    (1u << 25)
/* The SIMD groups xlat implements (translate_sse.c), for the "max" model. */
#define X86_SIMD_EDX (CPUID_CLFSH | CPUID_MMX | CPUID_SSE | CPUID_SSE2)
#define X86_SIMD_ECX                                                                               \
    (CPUID_ECX_SSE3 | CPUID_ECX_PCLMUL | CPUID_ECX_SSSE3 | CPUID_ECX_SSE41 | CPUID_ECX_SSE42 |     \
     CPUID_ECX_MOVBE | CPUID_ECX_POPCNT | CPUID_ECX_AES)
/* CPUID.80000001:ECX: LZCNT (ABM).  BMI1 (TZCNT) is not implemented: F3 0F BC
 * runs as bsf, as on CPUs without BMI1. */
#define CPUID_EXT_ECX_ABM (1u << 5)
/* CPUID.80000001:EDX */
#define CPUID_EXT_RDTSCP (1u << 27)

/* Select a model by name; false if unknown. */
bool x86_cpu_select(const char *name);
/* List the models, one per line (-cpu help). */
void x86_cpu_list(FILE *f);
/* CPUID.1:EDX of the selected model, for AT_HWCAP. */
uint32_t x86_cpu_hwcap(void);
/* CPUID leaf/subleaf of the selected model: out = EAX, EBX, ECX, EDX. */
void x86_cpuid(uint32_t leaf, uint32_t subleaf, uint32_t out[4]);
bool x86_cpu_has_rdtscp(void);

#endif
