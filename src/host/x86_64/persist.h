/*
 * persist.h - what the persistent translation cache's host side
 * (persist.c) needs from the x86-64 backend (backend.c): the shared code at
 * the start of the code buffer, which stored code jumps to, and placing a
 * stored block in the buffer as x64_compile places a new one.
 */
#ifndef XLAT_HOST_X86_64_PERSIST_H
#define XLAT_HOST_X86_64_PERSIST_H

#include <stdbool.h>
#include <stdint.h>

#include "exec/exec.h"

/* The shared code (prologue, epilogues, exit stubs, probes): its start and
 * length.  The same xlat binary with the same options lays it out the
 * same, so a rel32 into it is stored as an offset from its start. */
const uint8_t *x64_shared_code(uint32_t *len);

/* Put `size` bytes of code for tb in the buffer: fill(dst, arg) writes them
 * at dst, their final address, and may refuse (false).  Then tb gets
 * host_code, host_size and a copy of the pc map, as from x64_compile.
 * 0; -1 if the buffer is full; -2 if fill refused. */
int x64_import(TB *tb, uint32_t size, const TBPcMap *pcmap, uint32_t npcmap,
               bool (*fill)(uint8_t *dst, void *arg), void *arg);

/* tb's pc map, unpacked: the number of entries (max + 1: more than max). */
uint32_t x64_pcmap_entries(const TB *tb, TBPcMap *out, uint32_t max);

#endif
