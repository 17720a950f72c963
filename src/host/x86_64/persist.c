/*
 * persist.c - the x86-64 side of the persistent translation cache
 * (exec/pcache.c): what of a TB's host code depends on where things lie,
 * and putting stored code back in a later run.
 *
 * Position-dependent fields of a TB's code, as the encoder logged them
 * while the block was compiled (encode.h, relocation log):
 *  - rel32 jumps and calls out of the TB: always into the shared code at
 *    the start of the code buffer (epilogues, exit stubs, probes), stored
 *    as an offset from its start (R_SHARED).  A rel32 to anywhere else
 *    makes the block not storable.  Jumps inside the TB need nothing.
 *  - the TB pointer in each exit stub's data (isel.c): the new TB (R_TB).
 *  - 64-bit (or, in a non-PIE xlat, 32-bit) immediates that are addresses
 *    in xlat's own image (helper functions): stored relative to the image
 *    start (R_IMAGE*), so a PIE build (asan) relocates them; a -d stats
 *    counter of a helper (&exec_stats.helper_count[id], where id depends
 *    on the order helpers were first used) is stored as the helper
 *    (R_HCOUNT*) and gets this run's id.  Other immediates are constants.
 *  - the chaining slots (TB jmp_patch): stored unchained, jumping to their
 *    stubs, as a fresh compile leaves them.
 * Each stored relocation is 12 bytes: u32 (kind << 24 | offset), i64 value.
 *
 * Example: a block ending in `jmp epilogue_cc` stores {R_SHARED, offset of
 * the rel32, epilogue_cc - code_buf}; at load the rel32 is recomputed for
 * the block's new place.
 */
#include <stdlib.h>
#include <string.h>

#include "exec/pcache.h"
#include "host/x86_64/encode.h"
#include "host/x86_64/persist.h"
#include "ir/ir.h"

/* the linker's bounds of xlat's own image */
extern char __executable_start[], _end[];

enum { R_SHARED = 1, R_TB, R_IMAGE64, R_IMAGE32, R_HCOUNT64, R_HCOUNT32, R_NKINDS };
#define PMAP_MAX 4096

static TBPcMap pmap[PMAP_MAX]; /* under tb_lock */
static uint32_t seen[X64_RELOC_LOG_MAX];

static uintptr_t image_lo(void)
{
    return (uintptr_t)__executable_start;
}

static bool in_image(uint64_t v)
{
    return v >= (uintptr_t)__executable_start && v < (uintptr_t)_end;
}

static uint32_t reloc_width(int kind)
{
    return kind == R_SHARED || kind == R_IMAGE32 || kind == R_HCOUNT32 ? 4 : 8;
}

static void put_reloc(uint8_t *p, int kind, uint32_t off, int64_t value)
{
    uint32_t ko = (uint32_t)kind << 24 | off;
    memcpy(p, &ko, 4);
    memcpy(p + 4, &value, 8);
}

/* A new block: forget the last one's log. */
void x64_persist_block(void)
{
    x64_reloc_count = 0;
    x64_reloc_overflow = false;
}

void x64_persist_begin(void)
{
    x64_reloc_count = 0;
    x64_reloc_overflow = false;
    x64_reloc_logging = true;
}

size_t x64_persist_room(const TB *tb)
{
    return (size_t)PMAP_MAX * PCACHE_PCMAP_BYTES + (size_t)x64_reloc_count * PCACHE_RELOC_BYTES +
           tb->host_size;
}

/* ---- capture ------------------------------------------------------------ */

/* An immediate: a helper's -d stats counter, an address in our image, or
 * a constant (0). */
static int classify_imm(uint64_t v, int width, int64_t *value)
{
    uintptr_t hc = (uintptr_t)&exec_stats.helper_count[0];
    if (v >= hc && v < hc + sizeof(exec_stats.helper_count)) {
        uint64_t id = (v - hc) / sizeof(exec_stats.helper_count[0]);
        if ((v - hc) % sizeof(exec_stats.helper_count[0]) || id >= (uint64_t)ir_nhelpers ||
            !in_image((uintptr_t)ir_helpers[id]))
            return -1;
        *value = (int64_t)((uintptr_t)ir_helpers[id] - image_lo());
        return width == 8 ? R_HCOUNT64 : R_HCOUNT32;
    }
    if (in_image(v)) {
        *value = (int64_t)(v - image_lo());
        return width == 8 ? R_IMAGE64 : R_IMAGE32;
    }
    return 0;
}

/* The relocation of one logged field of tb: its kind (0: none needed) and
 * value, or -1 if the block cannot be stored. */
static int classify(const X64RelocEntry *e, const TB *tb, int64_t *value)
{
    uintptr_t code = (uintptr_t)tb->host_code;
    uint32_t shared_len;
    uintptr_t shared = (uintptr_t)x64_shared_code(&shared_len);
    uint64_t tbp;
    switch (e->kind) {
    case X64_RELOC_REL32:
        if (e->value >= code && e->value <= code + tb->host_size)
            return 0;
        if (e->value >= shared && e->value < shared + shared_len) {
            *value = (int64_t)(e->value - shared);
            return R_SHARED;
        }
        return -1;
    case X64_RELOC_TB:
        memcpy(&tbp, e->field, 8);
        return tbp == (uintptr_t)tb ? (*value = 0, R_TB) : -1;
    case X64_RELOC_IMM32:
        return classify_imm(e->value, 4, value);
    case X64_RELOC_IMM64:
        return classify_imm(e->value, 8, value);
    default:
        return -1;
    }
}

static bool seen_before(uint32_t off, uint32_t *nseen)
{
    for (uint32_t k = 0; k < *nseen; k++)
        if (seen[k] == off)
            return true;
    seen[(*nseen)++] = off;
    return false;
}

/* The relocations of tb's code from the log, the last entry per field. */
static bool capture_relocs(const TB *tb, uint8_t *out, uint32_t *nrel)
{
    const uint8_t *code = tb->host_code;
    uint32_t nseen = 0;
    *nrel = 0;
    for (uint32_t i = x64_reloc_count; i-- > 0;) {
        const X64RelocEntry *e = &x64_reloc_log[i];
        if (e->start != code || e->field < code || e->field >= code + tb->host_size)
            continue;
        uint32_t off = (uint32_t)(e->field - code);
        if (seen_before(off, &nseen))
            continue;
        int64_t value = 0;
        int kind = classify(e, tb, &value);
        if (kind < 0 || (kind && off + reloc_width(kind) > tb->host_size) || off >= (1u << 24))
            return false;
        if (kind)
            put_reloc(out + (size_t)(*nrel)++ * PCACHE_RELOC_BYTES, kind, off, value);
    }
    return true;
}

bool x64_persist_capture(const TB *tb, PcacheRec *rec, uint8_t *out, size_t cap)
{
    const uint8_t *code = tb->host_code;
    const uint8_t *fast = tb->host_fast;
    if (!x64_reloc_logging || x64_reloc_overflow || cap < x64_persist_room(tb) ||
        fast < code || fast >= code + tb->host_size)
        return false;
    uint32_t n = x64_pcmap_entries(tb, pmap, PMAP_MAX);
    if (n > PMAP_MAX)
        return false;
    uint8_t *pm = out;
    for (uint32_t k = 0; k < n; k++)
        pcache_pcmap_put(pm + (size_t)k * PCACHE_PCMAP_BYTES, &pmap[k]);
    uint8_t *rl = pm + (size_t)n * PCACHE_PCMAP_BYTES;
    uint32_t nrel;
    if (!capture_relocs(tb, rl, &nrel))
        return false;
    uint8_t *cd = rl + (size_t)nrel * PCACHE_RELOC_BYTES;
    memcpy(cd, code, tb->host_size);
    for (int s = 0; s < 2; s++) { /* unchained: the slot's jump to its stub */
        if (tb->jmp_pc[s] == ~0u)
            continue;
        int32_t rel = (int32_t)(tb->jmp_stub[s] - (tb->jmp_patch[s] + 4));
        memcpy(cd + tb->jmp_patch[s], &rel, 4);
    }
    rec->host_size = tb->host_size;
    rec->host_fast = (uint32_t)(fast - code);
    rec->fp_body = tb->fp_body;
    rec->fp_check = tb->fp_check;
    rec->jmp_via_ret = tb->jmp_via_ret;
    for (int s = 0; s < 2; s++) {
        rec->jmp_pc[s] = tb->jmp_pc[s];
        rec->jmp_patch[s] = tb->jmp_patch[s];
        rec->jmp_stub[s] = tb->jmp_stub[s];
    }
    rec->npcmap = n;
    rec->nreloc = nrel;
    rec->pcmap = pm;
    rec->reloc = rl;
    rec->code = cd;
    return true;
}

/* ---- install ------------------------------------------------------------ */

/* This run's -d stats counter of helper h, or 0. */
static uintptr_t helper_counter(uintptr_t h)
{
    for (int id = 0; id < ir_nhelpers && id < EXEC_STATS_MAX_HELPERS; id++)
        if ((uintptr_t)ir_helpers[id] == h)
            return (uintptr_t)&exec_stats.helper_count[id];
    return 0; /* not used yet in this run: the block is translated */
}

/* The value a relocation puts at its field for code at `at` of TB tb. */
static bool reloc_value(int kind, int64_t value, uint32_t off, const uint8_t *at, const TB *tb,
                        uint64_t *out)
{
    static uint32_t shared_len;
    static const uint8_t *shared; /* fixed once the backend is up */
    if (!shared)
        shared = x64_shared_code(&shared_len);
    uint64_t v;
    switch (kind) {
    case R_SHARED: {
        if (value < 0 || value >= shared_len)
            return false;
        int64_t rel = (int64_t)((intptr_t)(shared + value) - (intptr_t)(at + off + 4));
        if (rel < INT32_MIN || rel > INT32_MAX)
            return false;
        *out = (uint64_t)(uint32_t)(int32_t)rel;
        return true;
    }
    case R_TB:
        *out = (uintptr_t)tb;
        return true;
    case R_IMAGE64:
    case R_IMAGE32:
        v = image_lo() + (uint64_t)value;
        *out = v;
        return in_image(v) && (kind == R_IMAGE64 || v <= UINT32_MAX);
    case R_HCOUNT64:
    case R_HCOUNT32:
        v = helper_counter(image_lo() + (uint64_t)value);
        *out = v;
        return v && (kind == R_HCOUNT64 || v <= UINT32_MAX);
    default:
        return false;
    }
}

/* rec's code, relocated for address `at` and TB tb, into dst. */
static bool relocate(uint8_t *dst, const uint8_t *at, const PcacheRec *r, const TB *tb)
{
    memcpy(dst, r->code, r->host_size);
    for (uint32_t k = 0; k < r->nreloc; k++) {
        const uint8_t *p = r->reloc + (size_t)k * PCACHE_RELOC_BYTES;
        uint32_t ko;
        int64_t value;
        uint64_t v;
        memcpy(&ko, p, 4);
        memcpy(&value, p + 4, 8);
        int kind = (int)(ko >> 24);
        uint32_t off = ko & 0xffffff;
        if (kind <= 0 || kind >= R_NKINDS || off + reloc_width(kind) > r->host_size ||
            !reloc_value(kind, value, off, at, tb, &v))
            return false;
        memcpy(dst + off, &v, reloc_width(kind)); /* little endian: the low bytes */
    }
    return true;
}

typedef struct FillArg {
    const PcacheRec *rec;
    TB *tb;
} FillArg;

static bool fill_in_place(uint8_t *dst, void *arg)
{
    FillArg *a = arg;
    return relocate(dst, dst, a->rec, a->tb);
}

static bool unpack_pcmap(const PcacheRec *r)
{
    if (r->npcmap > PMAP_MAX)
        return false;
    for (uint32_t k = 0; k < r->npcmap; k++)
        pcache_pcmap_get(r->pcmap + (size_t)k * PCACHE_PCMAP_BYTES, &pmap[k]);
    return true;
}

int x64_persist_install(TB *tb, const PcacheRec *r)
{
    if (!unpack_pcmap(r))
        return -2;
    FillArg a = {r, tb};
    int rc = x64_import(tb, r->host_size, pmap, r->npcmap, fill_in_place, &a);
    if (rc == 0)
        tb->host_fast = (uint8_t *)tb->host_code + r->host_fast;
    return rc;
}

/* --tcache=verify: the record, relocated for the fresh translation's place,
 * is the fresh translation, byte for byte and field for field. */
bool x64_persist_same(const TB *fresh, const PcacheRec *r)
{
    if (r->host_size != fresh->host_size ||
        r->host_fast != (uint32_t)((const uint8_t *)fresh->host_fast -
                                   (const uint8_t *)fresh->host_code) ||
        r->fp_body != fresh->fp_body || r->fp_check != fresh->fp_check ||
        r->jmp_via_ret != fresh->jmp_via_ret || r->guest_size != fresh->guest_size ||
        r->ninsns != fresh->ninsns || r->extra_pc != fresh->extra_pc ||
        r->extra_len != fresh->extra_len)
        return false;
    for (int s = 0; s < 2; s++)
        if (r->jmp_pc[s] != fresh->jmp_pc[s] || r->jmp_patch[s] != fresh->jmp_patch[s] ||
            r->jmp_stub[s] != fresh->jmp_stub[s])
            return false;
    uint32_t n = x64_pcmap_entries(fresh, pmap, PMAP_MAX);
    if (n != r->npcmap)
        return false;
    for (uint32_t k = 0; k < n; k++) {
        TBPcMap e;
        pcache_pcmap_get(r->pcmap + (size_t)k * PCACHE_PCMAP_BYTES, &e);
        if (memcmp(&e, &pmap[k], sizeof(e)))
            return false;
    }
    uint8_t *tmp = malloc(r->host_size);
    bool same = tmp && relocate(tmp, fresh->host_code, r, fresh) &&
                !memcmp(tmp, fresh->host_code, r->host_size);
    free(tmp);
    return same;
}

/* The fuzzer and the tests: would rec's relocations apply?  (Into a
 * scratch copy, for a TB of no consequence.) */
bool x64_persist_check(const PcacheRec *r)
{
    static TB dummy;
    uint32_t len;
    const uint8_t *at = x64_shared_code(&len) + len; /* where the first TB goes */
    uint8_t *tmp = malloc(r->host_size ? r->host_size : 1);
    bool ok = tmp && relocate(tmp, at, r, &dummy);
    free(tmp);
    return ok;
}
