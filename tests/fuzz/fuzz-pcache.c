/*
 * fuzz-pcache.c - libFuzzer harness for the persistent translation cache's
 * file reader (src/exec/pcache.c) and relocation checks (persist.c).
 *
 * Each input is a cache file for the key "xlat pcache fuzz key\n": the
 * reader must refuse it or hand out only records that decode, and every
 * record's relocations are tried (into a scratch copy); nothing may crash,
 * hang or leak.  Seeds: tests/fuzz/pcache-corpus/ (written by
 * `o/release/tests/unit/test-pcache --seeds DIR`); inputs that once crashed
 * go to tests/fuzz/pcache-crashers/.  tests/unit/test-pcache.c replays both.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "exec/pcache.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int fd = -1;
    const char *key = "xlat pcache fuzz key\n";
    if (fd < 0)
        fd = memfd_create("fuzz-pcache", 0);
    if (fd < 0 || ftruncate(fd, 0) < 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
        return 0;
    PcacheReader r;
    int dup_fd = dup(fd); /* the reader closes its descriptor */
    if (dup_fd < 0)
        return 0;
    if (pcache_reader_open(&r, dup_fd, key, strlen(key)) < 0) {
        close(dup_fd);
        return 0;
    }
    for (uint32_t i = 0; i < r.nrec; i++) {
        PcacheRec rec;
        if (pcache_reader_get(&r, i, &rec))
            (void)x64_persist_check(&rec);
    }
    pcache_reader_close(&r);
    return 0;
}
