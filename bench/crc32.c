/* crc32.c - table-driven CRC-32 (byte loads, table lookups, shifts). */
#include "bench.h"

static uint32_t table[256];
static uint8_t buf[1 << 20];

int main(int argc, char **argv)
{
    unsigned rounds = 180 * bench_scale(argc, argv) / 100;
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
        table[i] = c;
    }
    for (size_t i = 0; i < sizeof buf; i++)
        buf[i] = (uint8_t)bench_rand();
    uint32_t crc = 0;
    for (unsigned r = 0; r < rounds; r++) {
        uint32_t c = ~crc;
        for (size_t i = 0; i < sizeof buf; i++)
            c = table[(c ^ buf[i]) & 0xff] ^ (c >> 8);
        crc = ~c;
    }
    printf("crc32 %08x\n", crc);
    return 0;
}
