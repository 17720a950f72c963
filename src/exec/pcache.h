/*
 * pcache.h - the persistent translation cache: host code of translated
 * blocks kept on disk from one run of a program to the next.
 *
 * A run translates a block, compiles it, and (x86-64 backend only) appends
 * a record of it to a journal: its guest bytes, the TB fields the backend
 * filled, the pc map, the host code in its unchained form and the list of
 * the fields that depend on where things lie (relocations, persist.c).  At
 * exit_group or execve the journal and the still-good records of the file
 * the run started from become the new file, written to a temporary name and
 * renamed, so a concurrent run sees the old file or the new one, never a
 * torn one.  A later run, on a translation miss, looks the pc up in the
 * file's index, reads the record, checks that every guest byte the
 * translation read is still the same and executable, relocates the code
 * into the code buffer and installs the TB as if it had just been compiled.
 *
 * Where: $XLAT_TCACHE_DIR, else $XDG_CACHE_HOME/xlat, else
 * $HOME/.cache/xlat; one file per (program, identity, xlat build, code
 * generation options), named by a hash of that key, which the file holds in
 * full.  Any failure to create, read or write makes the run go on without
 * the cache.
 *
 * File (little endian; everything validated on read, see pcache.c):
 *   header: magic "XLATPC\0\1", version, header_len, key hash, key_len,
 *           nrec, index_off, file_len, index checksum, header checksum, key
 *   records from header_len to index_off, each 8-aligned (PcacheRec, with
 *           its own checksum: a record is checked when it is read)
 *   index:  nrec x {u32 pc, u32 offset}, sorted by pc (newest first for
 *           equal pcs)
 */
#ifndef XLAT_EXEC_PCACHE_H
#define XLAT_EXEC_PCACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "exec/exec.h"

#define PCACHE_VERSION 3
#define PCACHE_FILE_MAX (64u << 20)  /* bytes per file */
#define PCACHE_DIR_MAX (512u << 20)  /* bytes of all files in the directory */
#define PCACHE_REC_MAX (1u << 20)    /* bytes per record */
#define PCACHE_LOOKAHEAD 15          /* guest bytes past a fall-through end */

/* ---- configuration (xlat-i386.c: --tcache, --tcache-dir) ---- */
enum { PCACHE_OFF, PCACHE_ON, PCACHE_VERIFY };
extern int pcache_mode;          /* PCACHE_ON by default */
extern const char *pcache_dir;   /* NULL: the default place */

/* -d stats */
typedef struct PcacheStats {
    uint64_t loaded, noted, saved_records, verified;
    uint64_t rej_bad, rej_stale, rej_mode, rej_reloc, rej_verify;
    uint64_t not_stored; /* translated but not storable */
    uint32_t file_records;
    int file_state; /* 0 off, 1 no file yet, 2 loaded, 3 bad file */
} PcacheStats;
extern PcacheStats pcache_stats;

/* Open the cache of the main program at host path exe (after the backend's
 * init and the options).  Off (silently) if anything is missing. */
void pcache_open(const char *exe);
/* Is the cache in use (for tb.c's hooks)? */
extern bool pcache_active;
/* tb_gen_code_locked: a stored translation of pc into tb (allocated, zero,
 * pc set), or false.  Fills what tb_alloc and compile would. */
bool pcache_load(CPUX86State *env, TB *tb);
/* tb_gen_code_locked: tb was just compiled; keep a record of it. */
void pcache_note(TB *tb);
/* Write the file (exit_group, exit, before execve).  Safe to call twice. */
void pcache_save(void);

/* ---- records (also for the tests and the fuzzer) ---- */

/* A record as the backend and the tests see it; the pointers point into
 * the record's bytes. */
typedef struct PcacheRec {
    uint32_t pc, guest_size, ninsns, extra_pc, extra_len, look_len;
    uint32_t probe_pc, probe_len; /* a call's target the translator looked at
                                     (for a PIC thunk): 4 bytes, or none */
    uint32_t host_size, host_fast, fp_body;
    uint32_t jmp_pc[2], jmp_patch[2], jmp_stub[2];
    uint32_t npcmap, nreloc;
    uint8_t jmp_via_ret, fp_check, flags;
    const uint8_t *guest;  /* guest_size, look_len, extra_len, probe_len bytes */
    const uint8_t *pcmap;  /* npcmap x PCACHE_PCMAP_BYTES */
    const uint8_t *reloc;  /* nreloc x PCACHE_RELOC_BYTES */
    const uint8_t *code;   /* host_size bytes */
} PcacheRec;
#define PCACHE_REC_FIXED 96
#define PCACHE_PCMAP_BYTES 12
#define PCACHE_RELOC_BYTES 12
#define PCACHE_FLAG_ATOMIC 1u /* translated with x86_atomic_mode */

/* Encoded size of rec (8-aligned). */
size_t pcache_rec_size(const PcacheRec *rec);
/* Encode rec into out (pcache_rec_size bytes). */
void pcache_rec_encode(const PcacheRec *rec, uint8_t *out);
/* Decode and check a record of at most len bytes at buf; false if bad. */
bool pcache_rec_decode(const uint8_t *buf, size_t len, PcacheRec *rec);
/* pc map entries */
void pcache_pcmap_put(uint8_t *out, const TBPcMap *e);
void pcache_pcmap_get(const uint8_t *in, TBPcMap *e);
uint64_t pcache_hash(const void *p, size_t n, uint64_t seed);

/* A file being read: header and index checked, records read on demand. */
typedef struct PcacheReader {
    int fd;               /* or -1 and path: opened for each read */
    const char *path;
    dev_t dev;            /* ... and then it must still be this file */
    ino_t ino;
    bool lost;            /* it is not: no more reads */
    uint32_t nrec;
    uint32_t *index;      /* nrec x {pc, offset} */
    uint64_t index_off;   /* end of the records */
    struct {              /* two read windows, the least recently used */
        uint8_t *buf;     /* one refilled on a miss */
        uint64_t off;
        size_t len, cap;
    } win[2];
    int win_last;         /* the one used last */
} PcacheReader;
/* 0, or -1 if the file is not a good one for key. */
int pcache_reader_open(PcacheReader *r, int fd, const char *key, size_t key_len);
void pcache_reader_close(PcacheReader *r);
/* The first index entry for pc (then pc's others follow), or nrec. */
uint32_t pcache_reader_find(const PcacheReader *r, uint32_t pc);
/* Record of index entry i; false if unreadable or bad. */
bool pcache_reader_get(PcacheReader *r, uint32_t i, PcacheRec *rec);

/* A file being written: records appended to a temporary file in dir. */
typedef struct PcacheWriter {
    char tmp[4096];       /* the temporary file, opened for each write */
    bool created;
    uint64_t end;         /* file offset of the next record */
    uint8_t *buf;         /* records not yet written, from end - buf_len */
    size_t buf_len;
    uint32_t *ent;        /* nent x {pc, offset} */
    uint32_t nent, cap;
    bool failed;
    dev_t dev;            /* the temporary file's identity */
    ino_t ino;
} PcacheWriter;
int pcache_writer_open(PcacheWriter *w, const char *dir, size_t header_len);
bool pcache_writer_add(PcacheWriter *w, const PcacheRec *rec);
/* Copy the records of old (index entries not set in drop, a bitmap; may be
 * NULL) after the new ones, write index and header, rename to path. */
int pcache_writer_finish(PcacheWriter *w, PcacheReader *old, const uint8_t *drop,
                         const char *key, size_t key_len, const char *path);
void pcache_writer_abort(PcacheWriter *w);
size_t pcache_header_len(size_t key_len);

/* ---- the host side (host/x86_64/persist.c) ---- */
/* Start logging relocations (encode.h) for the blocks compiled from now. */
void x64_persist_begin(void);
/* A block is about to be translated: empty the log. */
void x64_persist_block(void);
/* Bytes x64_persist_capture needs for tb. */
size_t x64_persist_room(const TB *tb);
/* Fill rec's host part from a TB just compiled; relocs and code go to
 * out (reloc first, then code); false if the block cannot be stored. */
bool x64_persist_capture(const TB *tb, PcacheRec *rec, uint8_t *out, size_t cap);
/* Install rec's code into the code buffer for tb: 0, -1 buffer full,
 * -2 bad relocation. */
int x64_persist_install(TB *tb, const PcacheRec *rec);
/* Would rec's relocations apply (fuzzer, tests)? */
bool x64_persist_check(const PcacheRec *rec);
/* -tcache verify: rec relocated for fresh's place equals fresh's code. */
bool x64_persist_same(const TB *fresh, const PcacheRec *rec);

#endif
