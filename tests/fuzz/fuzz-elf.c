/*
 * fuzz-elf.c - libFuzzer harness for the i386 ELF loader (linux-user).
 *
 * Each input is handed to lu_load_elf_buffer, which must either load it or
 * refuse it with a reason, never crash, hang or leak guest mappings (it
 * removes the previous image itself, so millions of calls are fine).  A
 * successful load must leave its entry point executable.  Build and run
 * with scripts/fuzz; seeds are in tests/fuzz/elf-corpus/, and inputs that
 * once crashed it go to tests/fuzz/crashers/ (tests/unit/test-elf.c replays
 * both).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "linux-user/guest-mem.h"
#include "linux-user/linux-user.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    LuOptions opt;
    LuImage img;
    char err[256];
    memset(&opt, 0, sizeof(opt));
    err[0] = 0;
    int r = lu_load_elf_buffer(data, size, &opt, &img, err, sizeof(err));
    /* loaded: the entry point is mapped (maybe PROT_NONE, as a segment
     * without flags gives; the guest then faults, as natively) */
    if (r == 0 && !guest_access_ok(img.entry, 1, 0))
        abort();
    if (r != 0 && (err[0] == 0 || (r != XLAT_EXIT_BADFILE && r != XLAT_EXIT_NOFILE)))
        abort(); /* refused without a reason */
    return 0;
}
