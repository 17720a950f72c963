/*
 * test-pcache.c - the persistent translation cache's file format
 * (src/exec/pcache.c) and relocation checks (src/host/x86_64/persist.c).
 *
 *  - a record survives encode/decode, and every one-byte change, every
 *    truncation and every out-of-range field (with a good checksum) is
 *    refused;
 *  - relocations of an unknown kind, past the code or outside the shared
 *    code are refused;
 *  - a file survives writer/reader, a second writer merges the old file
 *    without the dropped records, the wrong key is refused, and no change
 *    of one byte or truncation of the file ever yields a record that is
 *    not one that was written;
 *  - the fuzzer's seeds and crashers (tests/fuzz/pcache-corpus/,
 *    tests/fuzz/pcache-crashers/) go through the reader without a crash.
 * Run from the source tree (scripts/check sets XLAT_SRCDIR).
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "exec/pcache.h"
#include "unit.h"

#define NREC 6

typedef struct Sample {
    uint8_t guest[64], pcmap[3 * PCACHE_PCMAP_BYTES], reloc[2 * PCACHE_RELOC_BYTES], code[64];
    PcacheRec rec;
} Sample;

static void put_reloc(uint8_t *p, int kind, uint32_t off, int64_t value)
{
    uint32_t ko = (uint32_t)kind << 24 | off;
    memcpy(p, &ko, 4);
    memcpy(p + 4, &value, 8);
}

/* A plausible record for pc: 10 guest bytes, 3 pc map entries, a rel32 into
 * the shared code (kind 1) and a TB pointer (kind 2), 64 bytes of code. */
static void make_sample(Sample *s, uint32_t pc, uint8_t seed)
{
    memset(s, 0, sizeof(*s));
    for (int i = 0; i < 64; i++) {
        s->guest[i] = (uint8_t)(seed + i);
        s->code[i] = (uint8_t)(seed * 3 + i);
    }
    for (uint32_t k = 0; k < 3; k++) {
        TBPcMap e = {k * 10, pc + k * 3, (uint8_t)(k & 1), 0, 0, 0};
        pcache_pcmap_put(s->pcmap + k * PCACHE_PCMAP_BYTES, &e);
    }
    put_reloc(s->reloc, 1, 40, 0);
    put_reloc(s->reloc + PCACHE_RELOC_BYTES, 2, 48, 0);
    PcacheRec *r = &s->rec;
    r->pc = pc;
    r->guest_size = 10;
    r->ninsns = 3;
    r->look_len = seed & 1 ? PCACHE_LOOKAHEAD : 0;
    r->probe_pc = pc + 0x40;
    r->probe_len = seed & 2 ? 4 : 0;
    r->host_size = 64;
    r->host_fast = 8;
    r->jmp_pc[0] = pc + 10;
    r->jmp_pc[1] = ~0u;
    r->jmp_patch[0] = 20;
    r->jmp_stub[0] = 24;
    r->npcmap = 3;
    r->nreloc = 2;
    r->guest = s->guest;
    r->pcmap = s->pcmap;
    r->reloc = s->reloc;
    r->code = s->code;
}

static bool same_rec(const PcacheRec *a, const PcacheRec *b)
{
    return a->pc == b->pc && a->guest_size == b->guest_size && a->ninsns == b->ninsns &&
           a->look_len == b->look_len && a->host_size == b->host_size &&
           a->probe_pc == b->probe_pc && a->probe_len == b->probe_len &&
           a->host_fast == b->host_fast && a->jmp_pc[0] == b->jmp_pc[0] &&
           a->jmp_patch[0] == b->jmp_patch[0] && a->jmp_stub[0] == b->jmp_stub[0] &&
           a->npcmap == b->npcmap && a->nreloc == b->nreloc &&
           !memcmp(a->guest, b->guest, a->guest_size + a->look_len + a->probe_len) &&
           !memcmp(a->pcmap, b->pcmap, a->npcmap * PCACHE_PCMAP_BYTES) &&
           !memcmp(a->reloc, b->reloc, a->nreloc * PCACHE_RELOC_BYTES) &&
           !memcmp(a->code, b->code, a->host_size);
}

static void test_record(void)
{
    Sample s;
    make_sample(&s, 0x08048000, 1);
    size_t n = pcache_rec_size(&s.rec);
    uint8_t *buf = malloc(n);
    pcache_rec_encode(&s.rec, buf);
    PcacheRec r;
    check(pcache_rec_decode(buf, n, &r) && same_rec(&r, &s.rec), "record round trip");
    check(x64_persist_check(&r), "its relocations apply");
    bool all = true;
    for (size_t i = 0; i < n; i++) {
        for (int bit = 0; bit < 8; bit += 3) {
            buf[i] ^= (uint8_t)(1u << bit);
            if (pcache_rec_decode(buf, n, &r))
                all = false;
            buf[i] ^= (uint8_t)(1u << bit);
        }
    }
    check(all, "every one-bit change of a record is refused");
    all = true;
    for (size_t len = 0; len < n; len++)
        if (pcache_rec_decode(buf, len, &r))
            all = false;
    check(all, "every truncated record is refused");
    free(buf);
}

/* A field out of range, with a good checksum: refused. */
static bool refused(void (*bad)(PcacheRec *, Sample *))
{
    Sample s;
    make_sample(&s, 0x1000, 2);
    bad(&s.rec, &s);
    size_t n = pcache_rec_size(&s.rec);
    uint8_t *buf = malloc(n);
    pcache_rec_encode(&s.rec, buf);
    PcacheRec r;
    bool ok = !pcache_rec_decode(buf, n, &r) || !x64_persist_check(&r);
    free(buf);
    return ok;
}

static void bad_fast(PcacheRec *r, Sample *s) { (void)s, r->host_fast = 64; }
static void bad_patch(PcacheRec *r, Sample *s) { (void)s, r->jmp_patch[0] = 61; }
static void bad_stub(PcacheRec *r, Sample *s) { (void)s, r->jmp_stub[0] = 64; }
static void bad_guest0(PcacheRec *r, Sample *s) { (void)s, r->guest_size = 0; }
static void bad_guestbig(PcacheRec *r, Sample *s) { (void)s, r->guest_size = 64 * 15 + 1; }
static void bad_look(PcacheRec *r, Sample *s) { (void)s, r->look_len = 7; }
static void bad_insns(PcacheRec *r, Sample *s) { (void)s, r->ninsns = 65; }
static void bad_extra(PcacheRec *r, Sample *s) { (void)s, r->extra_len = 65; }
static void bad_flags(PcacheRec *r, Sample *s) { (void)s, r->flags = 2; }
static void bad_via(PcacheRec *r, Sample *s) { (void)s, r->jmp_via_ret = 4; }
static void bad_fpbody(PcacheRec *r, Sample *s) { (void)s, r->fp_body = 64; }
static void bad_pcmap_order(PcacheRec *r, Sample *s)
{
    (void)r;
    TBPcMap e = {5, 0, 0, 0, 0, 0}; /* entry 2 before entry 1 */
    pcache_pcmap_put(s->pcmap + 2 * PCACHE_PCMAP_BYTES, &e);
}
static void bad_pcmap_off(PcacheRec *r, Sample *s)
{
    (void)r;
    TBPcMap e = {65, 0, 0, 0, 0, 0};
    pcache_pcmap_put(s->pcmap + 2 * PCACHE_PCMAP_BYTES, &e);
}
static void bad_cc(PcacheRec *r, Sample *s)
{
    (void)r;
    TBPcMap e = {30, 0, 2, 0, 0, 0};
    pcache_pcmap_put(s->pcmap + 2 * PCACHE_PCMAP_BYTES, &e);
}
static void bad_kind(PcacheRec *r, Sample *s) { (void)r, put_reloc(s->reloc, 0, 40, 0); }
static void bad_kind2(PcacheRec *r, Sample *s) { (void)r, put_reloc(s->reloc, 99, 40, 0); }
static void bad_roff(PcacheRec *r, Sample *s) { (void)r, put_reloc(s->reloc, 1, 61, 0); }
static void bad_roff8(PcacheRec *r, Sample *s) { (void)r, put_reloc(s->reloc, 2, 57, 0); }
static void bad_shared(PcacheRec *r, Sample *s) { (void)r, put_reloc(s->reloc, 1, 40, 1 << 30); }
static void bad_shneg(PcacheRec *r, Sample *s) { (void)r, put_reloc(s->reloc, 1, 40, -1); }
static void bad_image(PcacheRec *r, Sample *s) { (void)r, put_reloc(s->reloc, 3, 40, -4096); }
static void bad_helper(PcacheRec *r, Sample *s) { (void)r, put_reloc(s->reloc, 5, 40, 0); }
static void bad_nreloc(PcacheRec *r, Sample *s) { (void)s, r->nreloc = 65; }
static void bad_probe(PcacheRec *r, Sample *s) { (void)s, r->probe_len = 3; }

static void test_fields(void)
{
    static void (*const bad[])(PcacheRec *, Sample *) = {
        bad_fast,  bad_patch,     bad_stub,      bad_guest0, bad_guestbig, bad_look,
        bad_insns, bad_extra,     bad_flags,     bad_via,    bad_fpbody,   bad_pcmap_order,
        bad_pcmap_off, bad_cc,    bad_kind,      bad_kind2,  bad_roff,     bad_roff8,
        bad_shared, bad_shneg,    bad_image,     bad_helper, bad_nreloc,   bad_probe};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char what[64];
        snprintf(what, sizeof(what), "bad field %zu refused", i);
        check(refused(bad[i]), what);
    }
}

static const char key[] = "xlat pcache test key\n";

static char dir[] = "/tmp/test-pcache.XXXXXX";

static void path_of(char *out, size_t n, const char *name)
{
    snprintf(out, n, "%s/%s", dir, name);
}

/* Write records pc 0x1000 * (i + 1) for i in [from, to). */
static int write_file(const char *path, uint32_t from, uint32_t to, PcacheReader *old,
                      const uint8_t *drop)
{
    PcacheWriter w;
    if (pcache_writer_open(&w, dir, pcache_header_len(sizeof(key) - 1)) < 0)
        return -1;
    for (uint32_t i = from; i < to; i++) {
        Sample s;
        make_sample(&s, 0x1000 * (i + 1), (uint8_t)i);
        if (!pcache_writer_add(&w, &s.rec))
            return -1;
    }
    return pcache_writer_finish(&w, old, drop, key, sizeof(key) - 1, path);
}

/* Every record the reader returns is one of those written (pc i -> sample
 * i); returns how many it returned. */
static int read_all(PcacheReader *r, bool *wrong)
{
    int n = 0;
    for (uint32_t i = 0; i < r->nrec; i++) {
        PcacheRec rec;
        if (!pcache_reader_get(r, i, &rec))
            continue;
        Sample s;
        uint32_t k = rec.pc / 0x1000 - 1;
        make_sample(&s, rec.pc, (uint8_t)k);
        if (rec.pc % 0x1000 || k >= 2 * NREC || !same_rec(&rec, &s.rec))
            *wrong = true;
        n++;
    }
    return n;
}

static int open_reader(PcacheReader *r, const char *path, const char *k)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    if (pcache_reader_open(r, fd, k, strlen(k)) < 0) {
        close(fd);
        return -1;
    }
    return 0;
}

static void test_file(void)
{
    char a[256], b[256];
    path_of(a, sizeof(a), "a.xpc");
    path_of(b, sizeof(b), "b.xpc");
    check(write_file(a, 0, NREC, NULL, NULL) == 0, "file written");
    PcacheReader r;
    bool wrong = false;
    check(open_reader(&r, a, key) == 0, "file read back");
    check(r.nrec == NREC && read_all(&r, &wrong) == NREC && !wrong, "all records back");
    check(pcache_reader_find(&r, 0x3000) < r.nrec && pcache_reader_find(&r, 0x3001) == r.nrec,
          "lookup by pc");
    /* merge: records 0..NREC-1 old, record 2 dropped, NREC..2*NREC-1 new */
    uint8_t drop[1] = {1u << 2};
    check(write_file(b, NREC, 2 * NREC, &r, drop) == 0, "merged file written");
    pcache_reader_close(&r);
    check(open_reader(&r, b, key) == 0 && r.nrec == 2 * NREC - 1, "merged file has old and new");
    check(pcache_reader_find(&r, 0x3000) == r.nrec && pcache_reader_find(&r, 0x1000) < r.nrec &&
              pcache_reader_find(&r, 0x1000 * (NREC + 1)) < r.nrec,
          "the dropped record is gone, the others are there");
    wrong = false;
    check(read_all(&r, &wrong) == 2 * NREC - 1 && !wrong, "merged records intact");
    pcache_reader_close(&r);
    check(open_reader(&r, a, "another key\n") < 0, "another key is refused");
}

/* Every one-byte change and truncation of a file: refused, or only good
 * records come back. */
static void test_file_damage(void)
{
    char a[256], c[256];
    path_of(a, sizeof(a), "a.xpc");
    path_of(c, sizeof(c), "c.xpc");
    FILE *f = fopen(a, "rb");
    static uint8_t data[1 << 16];
    size_t n = f ? fread(data, 1, sizeof(data), f) : 0;
    if (f)
        fclose(f);
    check(n > 0 && n < sizeof(data), "file size");
    bool wrong = false, hdr_ok = true;
    size_t hlen = pcache_header_len(sizeof(key) - 1);
    for (size_t i = 0; i < n; i++) {
        for (int pass = 0; pass < 2; pass++) {
            data[i] ^= pass ? 0x80 : 0x01;
            f = fopen(c, "wb");
            fwrite(data, 1, n, f);
            fclose(f);
            data[i] ^= pass ? 0x80 : 0x01;
            PcacheReader r;
            if (open_reader(&r, c, key) == 0) {
                if (i < hlen)
                    hdr_ok = false; /* the header and key are all checked */
                read_all(&r, &wrong);
                pcache_reader_close(&r);
            }
        }
    }
    check(!wrong, "a changed byte never yields a bad record");
    check(hdr_ok, "a changed header byte makes the file refused");
    bool trunc_ok = true;
    for (size_t len = 0; len < n; len++) {
        f = fopen(c, "wb");
        fwrite(data, 1, len, f);
        fclose(f);
        PcacheReader r;
        if (open_reader(&r, c, key) == 0) {
            trunc_ok = false;
            pcache_reader_close(&r);
        }
    }
    check(trunc_ok, "every truncated file is refused");
    unlink(c);
}

/* As tests/fuzz/fuzz-pcache.c does with each input. */
static void replay_one(const uint8_t *data, size_t size)
{
    int fd = memfd_create("pcache", 0);
    if (fd < 0 || write(fd, data, size) != (ssize_t)size) {
        if (fd >= 0)
            close(fd);
        return;
    }
    PcacheReader r;
    const char *k = "xlat pcache fuzz key\n";
    if (pcache_reader_open(&r, fd, k, strlen(k)) < 0) {
        close(fd);
        return;
    }
    for (uint32_t i = 0; i < r.nrec; i++) {
        PcacheRec rec;
        if (pcache_reader_get(&r, i, &rec))
            (void)x64_persist_check(&rec);
    }
    pcache_reader_close(&r);
}

static void replay_dir(const char *root, const char *sub)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", root, sub);
    DIR *d = opendir(path);
    int n = 0;
    struct dirent *de;
    while (d && (de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        char file[8192];
        snprintf(file, sizeof(file), "%s/%s", path, de->d_name);
        FILE *f = fopen(file, "rb");
        static uint8_t buf[1 << 20];
        size_t len = f ? fread(buf, 1, sizeof(buf), f) : 0;
        if (f)
            fclose(f);
        replay_one(buf, len);
        n++;
    }
    if (d)
        closedir(d);
    char what[256];
    snprintf(what, sizeof(what), "replayed %d inputs of %s without a crash", n, sub);
    check(true, what);
}

/* --seeds DIR: write the fuzzer's seed files (valid files for its key). */
static int write_seeds(const char *out)
{
    PcacheWriter w;
    const char *k = "xlat pcache fuzz key\n";
    for (int nrec = 1; nrec <= 3; nrec++) {
        if (pcache_writer_open(&w, out, pcache_header_len(strlen(k))) < 0)
            return 1;
        for (int i = 0; i < nrec; i++) {
            Sample s;
            make_sample(&s, 0x1000u * (uint32_t)(i + 1), (uint8_t)i);
            pcache_writer_add(&w, &s.rec);
        }
        char path[4096];
        snprintf(path, sizeof(path), "%s/seed-%d.xpc", out, nrec);
        if (pcache_writer_finish(&w, NULL, NULL, k, strlen(k), path) < 0)
            return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 3 && !strcmp(argv[1], "--seeds"))
        return write_seeds(argv[2]);
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    test_record();
    test_fields();
    test_file();
    test_file_damage();
    const char *root = getenv("XLAT_SRCDIR");
    replay_dir(root ? root : ".", "tests/fuzz/pcache-corpus");
    replay_dir(root ? root : ".", "tests/fuzz/pcache-crashers");
    char cmd[256];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    if (system(cmd) != 0)
        printf("could not remove %s\n", dir);
    return unit_summary();
}
