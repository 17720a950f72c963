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
