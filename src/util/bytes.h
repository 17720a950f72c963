/*
 * bytes.h - unaligned host-endian loads and stores of 16/32/64-bit values in
 * byte buffers (guest structures, FPU images, signal frames).  The host is
 * little-endian like the guest, so these are the guest's layout too.
 *
 * Example: put32(frame + 8, env->eip); uint16_t cw = get16(img);
 */
#ifndef XLAT_UTIL_BYTES_H
#define XLAT_UTIL_BYTES_H

#include <stdint.h>
#include <string.h>

static inline uint16_t get16(const uint8_t *p)
{
    uint16_t v;
    memcpy(&v, p, 2);
    return v;
}
static inline uint32_t get32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}
static inline uint64_t get64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}
static inline void put16(uint8_t *p, uint16_t v) { memcpy(p, &v, 2); }
static inline void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static inline void put64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }

#endif
