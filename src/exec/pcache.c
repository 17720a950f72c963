/*
 * pcache.c - the persistent translation cache (see pcache.h): the file
 * format (records, reader, writer), the cache key and directory, and the
 * hooks the translation cache calls (load on a miss, note after a compile,
 * save at exit and execve).
 *
 * Invariants:
 *  - A loaded block is what translating it now would give: the key holds
 *    everything code generation depends on besides the guest bytes (xlat's
 *    build id, -cpu's CPUID, --fpu, -d stats, the host CPU's CPUID, the
 *    format version); each record holds the guest bytes its translation
 *    read (the block, the bytes past a fall-through end that the decoder
 *    looked at, an inlined PIC thunk) and the atomic mode it was made in,
 *    and is loaded only if all of them are the same and executable now.
 *  - The file is untrusted: header, key and index are checked at open, a
 *    record (own checksum, sizes, offsets) when read; persist.c checks the
 *    relocations.  Anything bad is skipped, never trusted.
 *  - Memory: the index (8 bytes per block) and a 32 KiB read buffer; the
 *    records of this run go to the temporary file through a 32 KiB buffer,
 *    with 8 bytes per block for its index.
 *  - No descriptor of ours stays open while the guest runs (programs list
 *    theirs): the files are opened for each read or write and checked to
 *    be the same file (dev, inode) each time.
 *  - Under tb_lock (tb_gen_code_locked, pcache_save).  A fork child writes
 *    a journal of its own; a vfork child (our memory) neither records nor
 *    saves.
 *
 * Example: `xlat-i386 /bin/true` twice: the first run translates ~2,000
 * blocks and writes ~/.cache/xlat/<hash>.xpc at exit_group; the second
 * loads them all and translates none (-d stats shows both counts).
 */
#include "exec/pcache.h"

#include <cpuid.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <link.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "exec/exec-internal.h"
#include "linux-user/guest-mem.h"
#include "target/x86/cpuid.h"
#include "target/x86/decode.h"
#include "target/x86/helper_sse.h"
#include "target/x86/fpu/fpu.h"
#include "util/log.h"

int pcache_mode = PCACHE_ON;
const char *pcache_dir;
bool pcache_active;
PcacheStats pcache_stats;

static const char pcache_magic[8] = {'X', 'L', 'A', 'T', 'P', 'C', 0, 1};
#define REC_MAGIC 0x31524254u /* "TBR1" */
#define HDR_FIXED 64
#define RBUF_SIZE (128u << 10) /* a read window; aligned to half of it */
#define WBUF_SIZE (32u << 10)
#define MAX_CANDIDATES 4 /* records tried per pc */

/* ==================== bytes ==================== */

static void put32(uint8_t *p, uint32_t v)
{
    memcpy(p, &v, 4);
}
static void put64(uint8_t *p, uint64_t v)
{
    memcpy(p, &v, 8);
}
static uint32_t get32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}
static uint64_t get64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

/* A 64-bit mixing hash: catches corrupted bytes, not an adversary.  Four
 * lanes of 8 bytes each, so the multiplies of one 32-byte step run side by
 * side: a warm run hashes every record it loads (740 KB for /bin/true). */
uint64_t pcache_hash(const void *p, size_t n, uint64_t seed)
{
    const uint8_t *b = p;
    uint64_t h = seed ^ (n * 0x9e3779b97f4a7c15ull);
    uint64_t l[4] = {h, h ^ 0x243f6a8885a308d3ull, h ^ 0x13198a2e03707344ull,
                     h ^ 0xa4093822299f31d0ull};
    for (; n >= 32; n -= 32, b += 32) {
        for (int k = 0; k < 4; k++) {
            l[k] = (l[k] ^ get64(b + 8 * k)) * 0xbf58476d1ce4e5b9ull;
            l[k] ^= l[k] >> 31;
        }
    }
    for (int k = 0; k < 4; k++)
        h = (h ^ l[k]) * 0x94d049bb133111ebull;
    for (; n >= 8; n -= 8, b += 8) {
        h = (h ^ get64(b)) * 0xbf58476d1ce4e5b9ull;
        h ^= h >> 31;
    }
    uint64_t t = 0;
    memcpy(&t, b, n);
    h = (h ^ t ^ n) * 0x94d049bb133111ebull;
    return h ^ (h >> 29);
}

static size_t align8(size_t n)
{
    return (n + 7) & ~(size_t)7;
}

/* ==================== records ==================== */

void pcache_pcmap_put(uint8_t *out, const TBPcMap *e)
{
    put32(out, e->host_off);
    put32(out + 4, e->guest_pc);
    out[8] = e->cc_where;
    out[9] = e->x87_modrm;
    out[10] = e->x87_seg;
    out[11] = e->xmm_dirty;
}

void pcache_pcmap_get(const uint8_t *in, TBPcMap *e)
{
    e->host_off = get32(in);
    e->guest_pc = get32(in + 4);
    e->cc_where = in[8];
    e->x87_modrm = in[9];
    e->x87_seg = in[10];
    e->xmm_dirty = in[11];
}

static size_t rec_guest_len(const PcacheRec *r)
{
    return (size_t)r->guest_size + r->look_len + r->extra_len + r->probe_len;
}

size_t pcache_rec_size(const PcacheRec *r)
{
    return align8(PCACHE_REC_FIXED + rec_guest_len(r) + (size_t)r->npcmap * PCACHE_PCMAP_BYTES +
                  (size_t)r->nreloc * PCACHE_RELOC_BYTES + r->host_size);
}

/* The fixed part after the length, magic and checksum, in file order:
 * 19 u32 fields, then jmp_via_ret, fp_check, flags and a zero byte. */
#define REC_NFIELDS 19
_Static_assert(16 + REC_NFIELDS * 4 + 4 == PCACHE_REC_FIXED, "record layout");

static void rec_put_fields(uint8_t *p, const PcacheRec *r)
{
    const uint32_t f[REC_NFIELDS] = {
        r->pc,         r->guest_size, r->ninsns,     r->extra_pc,   r->extra_len,   r->look_len,
        r->host_size,  r->host_fast,  r->fp_body,    r->jmp_pc[0],  r->jmp_pc[1],   r->jmp_patch[0],
        r->jmp_patch[1], r->jmp_stub[0], r->jmp_stub[1], r->npcmap, r->nreloc,
        r->probe_pc,   r->probe_len};
    memcpy(p, f, sizeof(f)); /* little-endian host */
    p[76] = r->jmp_via_ret;
    p[77] = r->fp_check;
    p[78] = r->flags;
}

static void rec_get_fields(const uint8_t *p, PcacheRec *r)
{
    uint32_t f[REC_NFIELDS];
    memcpy(f, p, sizeof(f));
    r->pc = f[0], r->guest_size = f[1], r->ninsns = f[2], r->extra_pc = f[3];
    r->extra_len = f[4], r->look_len = f[5], r->host_size = f[6], r->host_fast = f[7];
    r->fp_body = f[8], r->jmp_pc[0] = f[9], r->jmp_pc[1] = f[10], r->jmp_patch[0] = f[11];
    r->jmp_patch[1] = f[12], r->jmp_stub[0] = f[13], r->jmp_stub[1] = f[14];
    r->npcmap = f[15], r->nreloc = f[16], r->probe_pc = f[17], r->probe_len = f[18];
    r->jmp_via_ret = p[76];
    r->fp_check = p[77];
    r->flags = p[78];
}

void pcache_rec_encode(const PcacheRec *rec, uint8_t *out)
{
    PcacheRec r = *rec;
    size_t size = pcache_rec_size(&r);
    memset(out, 0, size);
    put32(out, (uint32_t)size);
    put32(out + 4, REC_MAGIC);
    rec_put_fields(out + 16, &r);
    uint8_t *p = out + PCACHE_REC_FIXED;
    memcpy(p, r.guest, rec_guest_len(&r));
    p += rec_guest_len(&r);
    memcpy(p, r.pcmap, (size_t)r.npcmap * PCACHE_PCMAP_BYTES);
    p += (size_t)r.npcmap * PCACHE_PCMAP_BYTES;
    memcpy(p, r.reloc, (size_t)r.nreloc * PCACHE_RELOC_BYTES);
    p += (size_t)r.nreloc * PCACHE_RELOC_BYTES;
    memcpy(p, r.code, r.host_size);
    put64(out + 8, pcache_hash(out + 16, size - 16, REC_MAGIC));
}

/* Offsets into the host code must lie inside it (relocation offsets and
 * their kinds are persist.c's to check). */
static bool rec_offsets_ok(const PcacheRec *r)
{
    uint32_t hs = r->host_size;
    if (r->host_fast >= hs || r->fp_body >= hs || r->fp_check >= hs)
        return false;
    for (int s = 0; s < 2; s++) {
        if (r->jmp_pc[s] == ~0u)
            continue;
        if (r->jmp_patch[s] > hs - 4 || hs < 4 || r->jmp_stub[s] >= hs)
            return false;
    }
    uint32_t prev = 0;
    for (uint32_t k = 0; k < r->npcmap; k++) {
        uint32_t off = get32(r->pcmap + k * PCACHE_PCMAP_BYTES);
        if (off > hs || off < prev || r->pcmap[k * PCACHE_PCMAP_BYTES + 8] > 1)
            return false;
        prev = off;
    }
    return true;
}

bool pcache_rec_decode(const uint8_t *buf, size_t len, PcacheRec *r)
{
    if (len < PCACHE_REC_FIXED)
        return false;
    uint32_t size = get32(buf);
    if (size < PCACHE_REC_FIXED || size > len || size > PCACHE_REC_MAX || (size & 7) ||
        get32(buf + 4) != REC_MAGIC || get64(buf + 8) != pcache_hash(buf + 16, size - 16, REC_MAGIC))
        return false;
    rec_get_fields(buf + 16, r);
    /* the translator's limits: 64 instructions of at most 15 bytes */
    if (r->guest_size == 0 || r->guest_size > 64 * 15 || r->ninsns == 0 || r->ninsns > 64 ||
        (r->look_len != 0 && r->look_len != PCACHE_LOOKAHEAD) || r->extra_len > 64 ||
        (r->probe_len != 0 && r->probe_len != 4) ||
        r->host_size == 0 || r->host_size > PCACHE_REC_MAX || r->npcmap > r->host_size + 1 ||
        r->nreloc > r->host_size || r->jmp_via_ret > 3 || (r->flags & ~PCACHE_FLAG_ATOMIC) ||
        buf[95] != 0 || pcache_rec_size(r) != size)
        return false;
    const uint8_t *p = buf + PCACHE_REC_FIXED;
    r->guest = p;
    p += rec_guest_len(r);
    r->pcmap = p;
    p += (size_t)r->npcmap * PCACHE_PCMAP_BYTES;
    r->reloc = p;
    p += (size_t)r->nreloc * PCACHE_RELOC_BYTES;
    r->code = p;
    return rec_offsets_ok(r);
}

/* ==================== reading a file ==================== */

size_t pcache_header_len(size_t key_len)
{
    return align8(HDR_FIXED + key_len);
}

static bool pread_all(int fd, void *buf, size_t len, uint64_t off)
{
    uint8_t *p = buf;
    while (len) {
        ssize_t n = pread(fd, p, len, (off_t)off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        p += n, len -= (size_t)n, off += (uint64_t)n;
    }
    return true;
}

static bool pwrite_all(int fd, const void *buf, size_t len, uint64_t off)
{
    const uint8_t *p = buf;
    while (len) {
        ssize_t n = pwrite(fd, p, len, (off_t)off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        p += n, len -= (size_t)n, off += (uint64_t)n;
    }
    return true;
}

static uint64_t header_checksum(const uint8_t *hdr, size_t len)
{
    uint8_t tmp[HDR_FIXED];
    memcpy(tmp, hdr, HDR_FIXED);
    put64(tmp + 56, 0);
    return pcache_hash(hdr + HDR_FIXED, len - HDR_FIXED, pcache_hash(tmp, HDR_FIXED, 1));
}

/* Header and index of the file on fd, checked against key; the index stays
 * in memory, records are read when asked for. */
int pcache_reader_open(PcacheReader *r, int fd, const char *key, size_t key_len)
{
    memset(r, 0, sizeof(*r));
    r->fd = -1;
    struct stat st;
    size_t hlen = pcache_header_len(key_len);
    if (fstat(fd, &st) < 0 || (uint64_t)st.st_size < hlen || st.st_size > PCACHE_FILE_MAX ||
        hlen > 8192)
        return -1;
    uint8_t hdr[8192];
    if (!pread_all(fd, hdr, hlen, 0) || memcmp(hdr, pcache_magic, 8) ||
        get32(hdr + 8) != PCACHE_VERSION || get32(hdr + 12) != hlen ||
        get32(hdr + 24) != key_len || memcmp(hdr + HDR_FIXED, key, key_len) ||
        get64(hdr + 16) != pcache_hash(key, key_len, 0) ||
        get64(hdr + 56) != header_checksum(hdr, hlen))
        return -1;
    uint32_t nrec = get32(hdr + 28);
    uint64_t ioff = get64(hdr + 32), flen = get64(hdr + 40);
    if (flen != (uint64_t)st.st_size || ioff < hlen || (ioff & 7) || ioff > flen ||
        (flen - ioff) != (uint64_t)nrec * 8)
        return -1;
    uint32_t *index = malloc(nrec ? (size_t)nrec * 8 : 8);
    if (!index || !pread_all(fd, index, (size_t)nrec * 8, ioff) ||
        pcache_hash(index, (size_t)nrec * 8, 2) != get64(hdr + 48)) {
        free(index);
        return -1;
    }
    for (uint32_t i = 0; i < nrec; i++) {
        uint32_t pc = index[2 * i], off = index[2 * i + 1];
        if (off < hlen || (off & 7) || (uint64_t)off + PCACHE_REC_FIXED > ioff ||
            (i > 0 && pc < index[2 * i - 2])) {
            free(index);
            return -1;
        }
    }
    r->fd = fd;
    r->nrec = nrec;
    r->index = index;
    r->index_off = ioff;
    return 0;
}

void pcache_reader_close(PcacheReader *r)
{
    free(r->index);
    free(r->win[0].buf);
    free(r->win[1].buf);
    if (r->fd >= 0)
        close(r->fd);
    memset(r, 0, sizeof(*r));
    r->fd = -1;
}

uint32_t pcache_reader_find(const PcacheReader *r, uint32_t pc)
{
    uint32_t lo = 0, hi = r->nrec;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (r->index[2 * mid] < pc)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < r->nrec && r->index[2 * lo] == pc ? lo : r->nrec;
}

/* Read from the file: through r->fd, or (r->path set, pcache_open) by
 * opening the file for the read only, so that no descriptor of ours is
 * open while the guest runs (programs list their open descriptors: Python's
 * test_subprocess); a file that is no longer the one opened (another run
 * renamed its own over it) makes r->lost and every read fail. */
static bool reader_pread(PcacheReader *r, void *buf, size_t len, uint64_t off)
{
    if (!r->path)
        return pread_all(r->fd, buf, len, off);
    if (r->lost)
        return false;
    int fd = open(r->path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    bool ok = fd >= 0 && fstat(fd, &st) == 0 && st.st_dev == r->dev && st.st_ino == r->ino &&
              pread_all(fd, buf, len, off);
    if (fd >= 0)
        close(fd);
    r->lost = !ok;
    return ok;
}

/* Bytes [off, off + len) of the file through the read windows: records are
 * mostly asked for in the order the run that wrote them made them, so a
 * window read at a miss serves the next ones; the second window keeps the
 * previous one for the runs that step back into it (a /bin/true run reads
 * its 740 KB file in 7 reads).  A window starts on a multiple of half its
 * size, so it holds at least RBUF_SIZE / 2 bytes from off on. */
static const uint8_t *reader_bytes(PcacheReader *r, uint64_t off, size_t len)
{
    for (int k = 0; k < 2; k++) {
        if (r->win[k].buf && off >= r->win[k].off && off + len <= r->win[k].off + r->win[k].len) {
            r->win_last = k;
            return r->win[k].buf + (off - r->win[k].off);
        }
    }
    int k = !r->win_last;
    uint64_t start = off & ~(uint64_t)(RBUF_SIZE / 2 - 1);
    size_t want = RBUF_SIZE;
    if (off + len > start + want) { /* a record larger than the window */
        start = off;
        want = len;
    }
    if (want > r->index_off - start)
        want = (size_t)(r->index_off - start);
    if (start + want < off + len)
        return NULL;
    if (want > r->win[k].cap) {
        uint8_t *nb = realloc(r->win[k].buf, want);
        if (!nb)
            return NULL;
        r->win[k].buf = nb;
        r->win[k].cap = want;
    }
    r->win[k].len = 0;
    if (!reader_pread(r, r->win[k].buf, want, start))
        return NULL;
    r->win[k].off = start;
    r->win[k].len = want;
    r->win_last = k;
    return r->win[k].buf + (off - start);
}

bool pcache_reader_get(PcacheReader *r, uint32_t i, PcacheRec *rec)
{
    if (i >= r->nrec)
        return false;
    uint64_t off = r->index[2 * i + 1];
    const uint8_t *head = reader_bytes(r, off, PCACHE_REC_FIXED);
    if (!head)
        return false;
    uint32_t size = get32(head);
    if (size < PCACHE_REC_FIXED || size > PCACHE_REC_MAX || off + size > r->index_off)
        return false;
    const uint8_t *p = reader_bytes(r, off, size);
    return p && pcache_rec_decode(p, size, rec) && rec->pc == r->index[2 * i];
}

/* ==================== writing a file ==================== */

/* The temporary file is opened for each write only (see reader_pread);
 * it must still be the file we made. */
static bool writer_write(PcacheWriter *w, const void *buf, size_t len, uint64_t off)
{
    int fd = w->failed ? -1 : open(w->tmp, O_WRONLY | O_CLOEXEC);
    struct stat st;
    bool ok = fd >= 0 && fstat(fd, &st) == 0 && st.st_dev == w->dev && st.st_ino == w->ino &&
              pwrite_all(fd, buf, len, off);
    if (fd >= 0)
        close(fd);
    if (!ok)
        w->failed = true;
    return ok;
}

int pcache_writer_open(PcacheWriter *w, const char *dir, size_t header_len)
{
    memset(w, 0, sizeof(*w));
    snprintf(w->tmp, sizeof(w->tmp), "%s/.tmp-%d-XXXXXX", dir, (int)getpid());
    int fd = mkostemp(w->tmp, O_CLOEXEC);
    w->buf = malloc(WBUF_SIZE);
    struct stat st;
    w->created = fd >= 0;
    bool ok = fd >= 0 && w->buf && fstat(fd, &st) == 0;
    if (fd >= 0)
        close(fd);
    if (!ok) {
        pcache_writer_abort(w);
        return -1;
    }
    w->dev = st.st_dev;
    w->ino = st.st_ino;
    w->end = header_len;
    return 0;
}

static bool writer_flush(PcacheWriter *w)
{
    if (w->buf_len)
        writer_write(w, w->buf, w->buf_len, w->end - w->buf_len);
    w->buf_len = 0;
    return !w->failed;
}

static bool writer_entry(PcacheWriter *w, uint32_t pc, uint64_t off)
{
    if (w->nent == w->cap) {
        /* a mapping of its own that grows in place or moves without a copy
         * (mremap): realloc's copies would stay in the heap, in the RSS */
        uint32_t cap = w->cap ? w->cap * 2 : 1024;
        void *e = w->ent ? mremap(w->ent, (size_t)w->cap * 8, (size_t)cap * 8, MREMAP_MAYMOVE)
                         : mmap(NULL, (size_t)cap * 8, PROT_READ | PROT_WRITE,
                                MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (e == MAP_FAILED)
            return false;
        w->ent = e;
        w->cap = cap;
    }
    w->ent[2 * w->nent] = pc;
    w->ent[2 * w->nent + 1] = (uint32_t)off;
    w->nent++;
    return true;
}

bool pcache_writer_add(PcacheWriter *w, const PcacheRec *rec)
{
    size_t size = pcache_rec_size(rec);
    /* this run's records come first, the old file's fill what is left;
     * records are at least 88 bytes, index entries 8 */
    if (w->failed || size > PCACHE_REC_MAX || w->end + size > PCACHE_FILE_MAX / 8 * 7)
        return false;
    if (w->buf_len + size > WBUF_SIZE && !writer_flush(w))
        return false;
    uint8_t *out = size <= WBUF_SIZE ? w->buf + w->buf_len : malloc(size);
    if (!out || !writer_entry(w, rec->pc, w->end)) {
        if (out && size > WBUF_SIZE)
            free(out);
        return false;
    }
    pcache_rec_encode(rec, out);
    if (size > WBUF_SIZE) { /* a huge block: straight to the file */
        writer_write(w, out, size, w->end);
        free(out);
    } else {
        w->buf_len += size;
    }
    w->end += size;
    return !w->failed;
}

void pcache_writer_abort(PcacheWriter *w)
{
    if (w->created)
        unlink(w->tmp); /* our mkostemp name */
    free(w->buf);
    if (w->ent)
        munmap(w->ent, (size_t)w->cap * 8);
    memset(w, 0, sizeof(*w));
}

static const uint32_t *order_index; /* for cmp_by_offset (under tb_lock) */

static int cmp_by_offset(const void *a, const void *b)
{
    uint32_t x = order_index[2 * *(const uint32_t *)a + 1];
    uint32_t y = order_index[2 * *(const uint32_t *)b + 1];
    return x < y ? -1 : x > y;
}

/* The old file's records that are not dropped, after ours, in their order
 * in the old file (the order a run asks for them); the index entries for
 * them are added with their new offsets. */
static bool writer_copy_old(PcacheWriter *w, PcacheReader *old, const uint8_t *drop)
{
    uint32_t *order = malloc((size_t)old->nrec * 4 + 4);
    if (!order)
        return true; /* the new records alone */
    for (uint32_t i = 0; i < old->nrec; i++)
        order[i] = i;
    order_index = old->index;
    qsort(order, old->nrec, 4, cmp_by_offset);
    bool ok = true;
    for (uint32_t k = 0; k < old->nrec && ok; k++) {
        uint32_t i = order[k];
        PcacheRec rec;
        if ((drop && (drop[i / 8] >> (i % 8) & 1)) || !pcache_reader_get(old, i, &rec))
            continue;
        if (!pcache_writer_add(w, &rec) && w->failed)
            ok = false;
    }
    free(order);
    return ok;
}

/* Index entries {pc, offset} by pc, for one pc this run's records
 * (written first) first; in place (heapsort): qsort's merge sort would
 * take a copy, a few hundred KiB at the peak of a run's memory. */
static bool entry_less(const uint64_t *e, size_t a, size_t b)
{
    uint32_t pa = (uint32_t)e[a], pb = (uint32_t)e[b]; /* little endian: pc first */
    return pa != pb ? pa < pb : (e[a] >> 32) < (e[b] >> 32);
}

static void sift_down(uint64_t *e, size_t root, size_t n)
{
    for (size_t child; (child = 2 * root + 1) < n; root = child) {
        if (child + 1 < n && entry_less(e, child, child + 1))
            child++;
        if (!entry_less(e, root, child))
            return;
        uint64_t t = e[root];
        e[root] = e[child];
        e[child] = t;
    }
}

static void sort_entries(uint32_t *ent, size_t n)
{
    uint64_t *e = (uint64_t *)(void *)ent;
    for (size_t i = n / 2; i-- > 0;)
        sift_down(e, i, n);
    for (size_t end = n; end > 1; end--) {
        uint64_t t = e[0];
        e[0] = e[end - 1];
        e[end - 1] = t;
        sift_down(e, 0, end - 1);
    }
}

int pcache_writer_finish(PcacheWriter *w, PcacheReader *old, const uint8_t *drop,
                         const char *key, size_t key_len, const char *path)
{
    size_t hlen = pcache_header_len(key_len);
    if (old && old->index && !writer_copy_old(w, old, drop))
        goto fail;
    if (!writer_flush(w))
        goto fail;
    sort_entries(w->ent, w->nent);
    uint64_t ioff = w->end;
    size_t ilen = (size_t)w->nent * 8;
    if (ilen && !writer_write(w, w->ent, ilen, ioff))
        goto fail;
    uint8_t hdr[8192];
    if (hlen > sizeof(hdr))
        goto fail;
    memset(hdr, 0, hlen);
    memcpy(hdr, pcache_magic, 8);
    put32(hdr + 8, PCACHE_VERSION);
    put32(hdr + 12, (uint32_t)hlen);
    put64(hdr + 16, pcache_hash(key, key_len, 0));
    put32(hdr + 24, (uint32_t)key_len);
    put32(hdr + 28, w->nent);
    put64(hdr + 32, ioff);
    put64(hdr + 40, ioff + ilen);
    put64(hdr + 48, pcache_hash(w->ent, ilen, 2));
    memcpy(hdr + HDR_FIXED, key, key_len);
    put64(hdr + 56, header_checksum(hdr, hlen));
    if (!writer_write(w, hdr, hlen, 0) || rename(w->tmp, path) < 0)
        goto fail;
    w->created = false; /* renamed: nothing to remove */
    pcache_writer_abort(w);
    return 0;
fail:
    pcache_writer_abort(w);
    return -1;
}

/* ==================== the key and the directory ==================== */

static char *pc_key;         /* the cache key, text */
static size_t pc_key_len;
static char pc_dirpath[PATH_MAX];
static char pc_path[PATH_MAX + 64];
static PcacheReader pc_rd = {.fd = -1};
static uint8_t *pc_drop;     /* old records found stale or bad this run */
static bool pc_dropped;      /* some bit of pc_drop is set */
static PcacheWriter pc_w;
static bool pc_w_open;
static pid_t pc_w_pid;       /* the process the journal belongs to */
static uint8_t *pc_scratch;  /* capture buffer */
static size_t pc_scratch_cap;
static int pc_verify_index = -1; /* PCACHE_VERIFY: the record to compare */
static pid_t pc_owner;       /* the process whose memory this is */

/* A fork child has memory of its own (fork runs this); a vfork child
 * (linux-user's clone with CLONE_VM) runs on its parent's, and must leave
 * the journal and the file to it. */
static void pcache_atfork_child(void)
{
    pc_owner = getpid();
}

static bool in_vfork_child(void)
{
    return pc_owner && getpid() != pc_owner;
}

static int build_id_cb(struct dl_phdr_info *info, size_t size, void *arg)
{
    (void)size;
    char *out = arg;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type != PT_NOTE)
            continue;
        const uint8_t *p = (const uint8_t *)(info->dlpi_addr + ph->p_vaddr), *end = p + ph->p_memsz;
        while (p + 12 <= end) {
            uint32_t namesz = get32(p), descsz = get32(p + 4), type = get32(p + 8);
            const uint8_t *desc = p + 12 + ((namesz + 3) & ~3u);
            if (type == NT_GNU_BUILD_ID && namesz == 4 && !memcmp(p + 12, "GNU", 4) &&
                desc + descsz <= end) {
                for (uint32_t k = 0; k < descsz && k < 64; k++)
                    sprintf(out + 2 * k, "%02x", desc[k]);
                return 1;
            }
            p = desc + ((descsz + 3) & ~3u);
        }
    }
    return 1; /* the first object is the program itself */
}

/* xlat's own identity: its build id, else its file's. */
static void self_identity(char *out, size_t size)
{
    char id[160] = "";
    dl_iterate_phdr(build_id_cb, id);
    struct stat st;
    if (id[0])
        snprintf(out, size, "build-id %s", id);
    else if (stat("/proc/self/exe", &st) == 0)
        snprintf(out, size, "exe %llu %llu %lld %lld.%09ld", (unsigned long long)st.st_dev,
                 (unsigned long long)st.st_ino, (long long)st.st_size,
                 (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
    else
        snprintf(out, size, "unknown");
}

/* Everything code generation depends on, besides guest bytes. */
static bool make_key(const char *exe)
{
    char real[PATH_MAX], self[256];
    struct stat st;
    if (!realpath(exe, real) || stat(real, &st) < 0)
        return false;
    self_identity(self, sizeof(self));
    uint32_t g1[4], g7[4], ge[4], h1[4] = {0}, h7[4] = {0};
    x86_cpuid(1, 0, g1);
    x86_cpuid(7, 0, g7);
    x86_cpuid(0x80000001u, 0, ge);
    __cpuid(1, h1[0], h1[1], h1[2], h1[3]);
    __cpuid_count(7, 0, h7[0], h7[1], h7[2], h7[3]);
    size_t cap = strlen(real) + 1024;
    pc_key = malloc(cap);
    if (!pc_key)
        return false;
    int n = snprintf(pc_key, cap,
                     "xlat pcache %d\n%s\nexe %llu %llu %lld %lld.%09ld %s\n"
                     "guest cpuid %08x %08x %08x %08x %08x %08x %08x\n"
                     "host cpuid %08x %08x %08x %08x %08x\nfpu %s\nstats %d\n",
                     PCACHE_VERSION, self, (unsigned long long)st.st_dev,
                     (unsigned long long)st.st_ino, (long long)st.st_size,
                     (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec, real, g1[0], g1[2], g1[3],
                     g7[1], g7[2], ge[2], ge[3], h1[0], h1[2], h1[3] & ~(0xffu << 24), h7[1],
                     h7[2], fpu_impl->name, log_enabled(LOG_STATS) ? 1 : 0);
    if (n < 0 || (size_t)n >= cap)
        return false;
    pc_key_len = (size_t)n;
    return true;
}

static bool mkdir_one(const char *d)
{
    return mkdir(d, 0700) == 0 || errno == EEXIST;
}

/* $XLAT_TCACHE_DIR (pcache_dir), else $XDG_CACHE_HOME/xlat, else
 * $HOME/.cache/xlat; created if missing (not its parents' parents). */
static bool find_dir(void)
{
    const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
    int n;
    if (pcache_dir && *pcache_dir) {
        n = snprintf(pc_dirpath, sizeof(pc_dirpath), "%s", pcache_dir);
    } else if (xdg && xdg[0] == '/') {
        n = snprintf(pc_dirpath, sizeof(pc_dirpath), "%s/xlat", xdg);
    } else if (home && home[0] == '/') {
        char parent[PATH_MAX];
        if (snprintf(parent, sizeof(parent), "%s/.cache", home) >= (int)sizeof(parent) ||
            !mkdir_one(parent))
            return false;
        n = snprintf(pc_dirpath, sizeof(pc_dirpath), "%s/xlat", parent);
    } else {
        return false;
    }
    if (n <= 0 || (size_t)n >= sizeof(pc_dirpath) || !mkdir_one(pc_dirpath))
        return false;
    return access(pc_dirpath, W_OK | X_OK) == 0;
}

/* The -d items that must see every translation happen. */
static bool logging_translation(void)
{
    return log_enabled(LOG_IN_ASM) || log_enabled(LOG_OP) || log_enabled(LOG_OP_OPT) ||
           log_enabled(LOG_OUT_ASM) || log_enabled(LOG_UNIMP);
}

void pcache_open(const char *exe)
{
    pcache_active = false;
    if (pcache_mode == PCACHE_OFF || backend != &backend_x86_64 || logging_translation() ||
        !find_dir() || !make_key(exe))
        return;
    snprintf(pc_path, sizeof(pc_path), "%s/%016llx.xpc", pc_dirpath,
             (unsigned long long)pcache_hash(pc_key, pc_key_len, 0));
    /* helper_sse's opcode index is built by the first translation of an
     * SSE instruction (x86_sse_find); loaded code may call the helper
     * before any such translation */
    (void)x86_sse_find(0x0f58, 0);
    pcache_active = true;
    pcache_stats.file_state = 1;
    pc_owner = getpid();
    pthread_atfork(NULL, NULL, pcache_atfork_child);
    x64_persist_begin();
    int fd = open(pc_path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return;
    struct stat st;
    if (fstat(fd, &st) < 0 || pcache_reader_open(&pc_rd, fd, pc_key, pc_key_len) < 0) {
        close(fd);
        pcache_stats.file_state = 3; /* replaced at the end of the run */
        pc_dropped = true;
        return;
    }
    pc_drop = calloc(pc_rd.nrec / 8 + 1, 1);
    if (!pc_drop) {
        pcache_reader_close(&pc_rd);
        return;
    }
    /* from now on opened for each read only (reader_pread) */
    close(pc_rd.fd);
    pc_rd.fd = -1;
    pc_rd.path = pc_path;
    pc_rd.dev = st.st_dev;
    pc_rd.ino = st.st_ino;
    pcache_stats.file_state = 2;
    pcache_stats.file_records = pc_rd.nrec;
}

/* ==================== load ==================== */

static void drop_old(uint32_t i)
{
    pc_drop[i / 8] |= (uint8_t)(1u << (i % 8));
    pc_dropped = true;
}

/* The guest bytes the record's translation read are there, executable and
 * the same. */
static bool guest_same(const PcacheRec *r)
{
    uint32_t end = r->pc + r->guest_size;
    if (!guest_access_ok(r->pc, r->guest_size + r->look_len, PAGE_EXEC) ||
        (r->extra_len && !guest_access_ok(r->extra_pc, r->extra_len, PAGE_EXEC)))
        return false;
    if (r->probe_len && !guest_access_ok(r->probe_pc, r->probe_len, PAGE_EXEC))
        return false;
    const uint8_t *g = r->guest;
    if (memcmp(g2h(r->pc), g, r->guest_size + r->look_len))
        return false;
    (void)end;
    g += r->guest_size + r->look_len;
    if (r->extra_len && memcmp(g2h(r->extra_pc), g, r->extra_len))
        return false;
    g += r->extra_len;
    return !r->probe_len || !memcmp(g2h(r->probe_pc), g, r->probe_len);
}

/* The TB fields a translation would have set (tb_alloc, compile). */
static void tb_from_rec(TB *tb, const PcacheRec *r)
{
    tb->guest_size = r->guest_size;
    tb->ninsns = r->ninsns;
    tb->extra_pc = r->extra_pc;
    tb->extra_len = r->extra_len;
    tb->fp_body = r->fp_body;
    tb->fp_check = r->fp_check;
    tb->jmp_via_ret = r->jmp_via_ret;
    for (int s = 0; s < 2; s++) {
        tb->jmp_pc[s] = r->jmp_pc[s];
        tb->jmp_patch[s] = r->jmp_patch[s];
        tb->jmp_stub[s] = r->jmp_stub[s];
    }
}

static bool rec_usable(const PcacheRec *r, uint32_t i)
{
    if ((r->flags & PCACHE_FLAG_ATOMIC) != (x86_atomic_mode ? PCACHE_FLAG_ATOMIC : 0)) {
        pcache_stats.rej_mode++; /* good in another mode: kept */
        return false;
    }
    if (!guest_same(r)) {
        pcache_stats.rej_stale++;
        drop_old(i);
        return false;
    }
    return true;
}

bool pcache_load(CPUX86State *env, TB *tb)
{
    (void)env;
    x64_persist_block();
    if (!pc_rd.index)
        return false;
    uint32_t i = pcache_reader_find(&pc_rd, tb->pc);
    for (int k = 0; k < MAX_CANDIDATES && i < pc_rd.nrec && pc_rd.index[2 * i] == tb->pc;
         k++, i++) {
        PcacheRec r;
        if (pc_drop[i / 8] >> (i % 8) & 1)
            continue;
        if (!pcache_reader_get(&pc_rd, i, &r)) {
            if (pc_rd.lost)
                return false; /* the file went away: no verdict on its records */
            pcache_stats.rej_bad++;
            drop_old(i);
            continue;
        }
        if (!rec_usable(&r, i))
            continue;
        if (pcache_mode == PCACHE_VERIFY) {
            pc_verify_index = (int)i; /* compared with the translation (pcache_note) */
            return false;
        }
        tb_from_rec(tb, &r);
        int rc = x64_persist_install(tb, &r);
        if (rc == -1)
            return false; /* buffer full: the translation path flushes */
        if (rc < 0) {
            pcache_stats.rej_reloc++;
            drop_old(i);
            continue;
        }
        pcache_stats.loaded++;
        return true;
    }
    return false;
}

/* ==================== note ==================== */

/* A journal of this process's own: a fork child leaves its parent's. */
static bool journal_ready(void)
{
    pid_t me = getpid();
    if (pc_w_open && pc_w_pid != me) {
        /* the temporary file is the parent's, which renames it */
        free(pc_w.buf);
        if (pc_w.ent)
            munmap(pc_w.ent, (size_t)pc_w.cap * 8);
        memset(&pc_w, 0, sizeof(pc_w));
        pc_w_open = false;
    }
    if (!pc_w_open) {
        if (pcache_writer_open(&pc_w, pc_dirpath, pcache_header_len(pc_key_len)) < 0) {
            pcache_active = false;
            return false;
        }
        pc_w_open = true;
        pc_w_pid = me;
    }
    return !pc_w.failed;
}

static void verify_against(const TB *tb)
{
    PcacheRec r;
    uint32_t i = (uint32_t)pc_verify_index;
    pc_verify_index = -1;
    if (!pcache_reader_get(&pc_rd, i, &r) || r.pc != tb->pc)
        return;
    if (x64_persist_same(tb, &r)) {
        pcache_stats.verified++;
    } else {
        pcache_stats.rej_verify++;
        drop_old(i);
        fprintf(stderr, "xlat-i386: tcache verify: stored block at 0x%08x differs\n", tb->pc);
    }
}

/* Does tb's translation depend on whether the bytes after its end can be
 * fetched?  Only if the decoder looked at the next instruction and stopped
 * before it (it was cut short, or an enter deep in a full block), i.e. the
 * block falls through to its end on the same page with room for more
 * instructions; then those bytes are part of what is checked. */
static uint32_t lookahead_len(const TB *tb)
{
    uint32_t end = tb->pc + tb->guest_size;
    bool falls_through = tb->jmp_pc[0] == end && tb->jmp_pc[1] == ~0u;
    bool same_page = ((end ^ tb->pc) & GUEST_PAGE_MASK) == 0;
    return falls_through && same_page && tb->ninsns < 64 ? PCACHE_LOOKAHEAD : 0;
}

static uint8_t *scratch(size_t n)
{
    if (n > pc_scratch_cap) {
        free(pc_scratch);
        pc_scratch = malloc(n);
        pc_scratch_cap = pc_scratch ? n : 0;
    }
    return pc_scratch;
}

/* The guest side of tb's record; false if it cannot be stored. */
static bool capture_guest(const TB *tb, PcacheRec *r, uint8_t *g)
{
    r->pc = tb->pc;
    r->guest_size = tb->guest_size;
    r->ninsns = tb->ninsns;
    r->extra_pc = tb->extra_pc;
    r->extra_len = tb->extra_len;
    r->look_len = lookahead_len(tb);
    r->flags = x86_atomic_mode ? PCACHE_FLAG_ATOMIC : 0;
    /* a block whose fetch faulted, or that read bytes it may not execute */
    if (!guest_access_ok(tb->pc, r->guest_size + r->look_len, PAGE_EXEC) ||
        (r->extra_len && !guest_access_ok(r->extra_pc, r->extra_len, PAGE_EXEC)))
        return false;
    memcpy(g, g2h(tb->pc), r->guest_size + r->look_len);
    if (r->extra_len)
        memcpy(g + r->guest_size + r->look_len, g2h(r->extra_pc), r->extra_len);
    r->guest = g;
    return true;
}

/* Decode the block's bytes (g: guest_size, then the look-ahead) as the
 * translator did.  A block whose instruction is cut short (its fetch
 * faulted on the next page: the translation depends on that page not
 * being executable) is not stored.  A block ending in a direct call read 4
 * bytes at the call's target (a PIC thunk would have been inlined,
 * translate_ctl.c gen_CALL): they are checked too. */
static bool capture_probe(const TB *tb, PcacheRec *r, const uint8_t *g, uint8_t *probe)
{
    uint32_t end = tb->pc + tb->guest_size;
    r->probe_len = 0;
    /* nothing to find (most blocks): no instruction can have been cut
     * short when 15 executable bytes follow, and a call rel32 ends with
     * e8 and 4 bytes */
    if (guest_access_ok(end, 15, PAGE_EXEC) &&
        (tb->guest_size < 5 || g[tb->guest_size - 5] != 0xe8))
        return true;
    uint32_t off = 0;
    X86Insn insn;
    memset(&insn, 0, sizeof(insn));
    for (uint32_t n = 0; n < tb->ninsns && off < tb->guest_size; n++) {
        size_t avail = tb->guest_size + r->look_len - off;
        int rc = x86_decode(&insn, g + off, avail < 15 ? avail : 15, tb->pc + off);
        if (rc == X86_DEC_SHORT)
            return false; /* a fetch fault: it depends on bytes it could not read */
        if (rc != X86_DEC_OK || insn.len == 0) { /* #UD or #GP: the block's end */
            r->probe_len = 0;
            return true;
        }
        if (off + insn.len >= tb->guest_size)
            break;
        off += insn.len;
    }
    r->probe_len = 0;
    if (insn.mnem != X86_CALL || insn.op[0].kind != X86_OP_IMM || tb->jmp_pc[0] == ~0u)
        return true;
    r->probe_pc = tb->jmp_pc[0];
    r->probe_len = 4;
    if (!guest_access_ok(r->probe_pc, 4, PAGE_EXEC))
        return false; /* rare: not worth recording that it was not */
    memcpy(probe, g2h(r->probe_pc), 4);
    return true;
}

/* An old record for tb's pc that this run did not reject already holds it. */
static bool old_has(const PcacheRec *mine)
{
    if (!pc_rd.index)
        return false;
    uint32_t i = pcache_reader_find(&pc_rd, mine->pc);
    for (; i < pc_rd.nrec && pc_rd.index[2 * i] == mine->pc; i++) {
        PcacheRec r;
        if (!(pc_drop[i / 8] >> (i % 8) & 1) && pcache_reader_get(&pc_rd, i, &r) &&
            r.guest_size == mine->guest_size && r.look_len == mine->look_len &&
            r.extra_len == mine->extra_len && r.extra_pc == mine->extra_pc &&
            r.probe_len == mine->probe_len && r.probe_pc == mine->probe_pc &&
            r.flags == mine->flags && !memcmp(r.guest, mine->guest, rec_guest_len(&r)))
            return true;
    }
    return false;
}

static void note_block(TB *tb);

void pcache_note(TB *tb)
{
    if (pc_verify_index >= 0)
        verify_against(tb);
    if (!in_vfork_child() && journal_ready())
        note_block(tb);
    x64_persist_block();
}

static void note_block(TB *tb)
{
    PcacheRec r;
    memset(&r, 0, sizeof(r));
    size_t guest_room = 64 * 15 + PCACHE_LOOKAHEAD + 64 + 4;
    size_t need = guest_room + x64_persist_room(tb);
    uint8_t *buf = scratch(need);
    if (!buf || !capture_guest(tb, &r, buf) ||
        !x64_persist_capture(tb, &r, buf + guest_room, need - guest_room) ||
        !capture_probe(tb, &r, buf, buf + r.guest_size + r.look_len + r.extra_len)) {
        pcache_stats.not_stored++;
        return;
    }
    if (old_has(&r))
        return;
    if (pcache_writer_add(&pc_w, &r))
        pcache_stats.noted++;
}

/* ==================== save ==================== */

/* Keep the directory under PCACHE_DIR_MAX: the least recently written
 * files go first; temporary files of runs that died go after a day. */
static void bound_dir(void)
{
    DIR *d = opendir(pc_dirpath);
    if (!d)
        return;
    struct { char name[64]; time_t mtime; off_t size; } f[256];
    int n = 0;
    uint64_t total = 0;
    time_t now = time(NULL);
    struct dirent *de;
    while ((de = readdir(d))) {
        struct stat st;
        size_t len = strlen(de->d_name);
        bool tmp = !strncmp(de->d_name, ".tmp-", 5), ours = len > 4 && !strcmp(de->d_name + len - 4, ".xpc");
        if ((!tmp && !ours) || len >= sizeof(f[0].name) ||
            fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(st.st_mode))
            continue;
        if (tmp) {
            if (now - st.st_mtime > 86400)
                unlinkat(dirfd(d), de->d_name, 0);
            continue;
        }
        total += (uint64_t)st.st_size;
        if (n < 256) {
            memcpy(f[n].name, de->d_name, len + 1);
            f[n].mtime = st.st_mtime;
            f[n].size = st.st_size;
            n++;
        }
    }
    while (total > PCACHE_DIR_MAX && n > 0) {
        int old = 0;
        for (int i = 1; i < n; i++)
            if (f[i].mtime < f[old].mtime)
                old = i;
        unlinkat(dirfd(d), f[old].name, 0);
        total -= (uint64_t)f[old].size;
        f[old] = f[--n];
    }
    closedir(d);
}

void pcache_save(void)
{
    if (!pcache_active || in_vfork_child())
        return;
    tb_lock();
    bool mine = pc_w_open && pc_w_pid == getpid();
    if (mine && (pc_w.nent || pc_dropped)) {
        pcache_stats.saved_records = pc_w.nent;
        if (pcache_writer_finish(&pc_w, pc_rd.index ? &pc_rd : NULL, pc_drop, pc_key, pc_key_len,
                                 pc_path) == 0)
            bound_dir();
    } else if (mine) {
        pcache_writer_abort(&pc_w);
    }
    pc_w_open = false;
    tb_unlock();
}
