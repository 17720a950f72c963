/*
 * guest.h - helpers shared by the guest test programs in tests/guest/.
 *
 * Guest tests are static i386 programs whose stdout must be identical when
 * run natively and under xlat-i386, so everything printed here is
 * deterministic: no addresses, times or pids.  All helpers are static (a
 * guest test is one .c file plus this header); unused ones cost nothing.
 */
#ifndef XLAT_TESTS_GUEST_GUEST_H
#define XLAT_TESTS_GUEST_GUEST_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#define GUEST_UNUSED __attribute__((unused))

/* EFLAGS bits the integer tests look at. */
#define F_CF 0x0001u
#define F_PF 0x0004u
#define F_AF 0x0010u
#define F_ZF 0x0040u
#define F_SF 0x0080u
#define F_DF 0x0400u
#define F_OF 0x0800u
#define F_ARITH (F_OF | F_SF | F_ZF | F_AF | F_PF | F_CF)

/* Seeded pseudo-random numbers (xorshift32): the same sequence everywhere. */
static uint32_t g_rand_state = 2463534242u;

static GUEST_UNUSED void g_srand(uint32_t seed)
{
    g_rand_state = seed ? seed : 2463534242u;
}

static GUEST_UNUSED uint32_t g_rand(void)
{
    uint32_t x = g_rand_state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return g_rand_state = x;
}

/* CRC-32 (IEEE, reflected), bitwise: a checksum for buffers in test output. */
static GUEST_UNUSED uint32_t g_crc32(uint32_t crc, const void *data, size_t n)
{
    const uint8_t *p = data;
    crc = ~crc;
    while (n--) {
        crc ^= *p++;
        for (int k = 0; k < 8; k++)
            crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1)));
    }
    return ~crc;
}

/* Print n bytes as hex on one line, after a label. */
static GUEST_UNUSED void g_hexdump(const char *label, const void *data, size_t n)
{
    const uint8_t *p = data;
    printf("%s:", label);
    for (size_t i = 0; i < n; i++)
        printf(i % 4 == 0 ? " %02x" : "%02x", p[i]);
    printf("\n");
}

/* Flags as letters, e.g. "O.SZ.P.C"-style: "OSZAPC" with '-' for clear. */
static GUEST_UNUSED const char *g_flags_str(uint32_t f)
{
    static char buf[8];
    static const struct { uint32_t bit; char c; } tab[] = {
        {F_OF, 'O'}, {F_SF, 'S'}, {F_ZF, 'Z'}, {F_AF, 'A'}, {F_PF, 'P'}, {F_CF, 'C'},
    };
    for (int i = 0; i < 6; i++)
        buf[i] = (f & tab[i].bit) ? tab[i].c : '-';
    buf[6] = 0;
    return buf;
}

/* Test bookkeeping for programs that check facts rather than print values. */
static int g_failures;

static GUEST_UNUSED void g_check(int ok, const char *what)
{
    printf("%s %s\n", ok ? "ok" : "FAILED", what);
    if (!ok)
        g_failures++;
}

/* Read EFLAGS. */
static GUEST_UNUSED uint32_t g_get_eflags(void)
{
    uint32_t f;
    __asm__ volatile("pushf\n\tpop %0" : "=r"(f));
    return f;
}

/* SIGALRM to handler every usec microseconds (SA_RESTART, so blocking
 * calls in between go on); usec 0 stops the timer. */
static GUEST_UNUSED void g_alarm_every(void (*handler)(int), long usec)
{
    if (usec) {
        struct sigaction sa;
        memset(&sa, 0, sizeof(sa));
        sa.sa_handler = handler;
        sa.sa_flags = SA_RESTART;
        sigaction(SIGALRM, &sa, NULL);
    }
    struct itimerval it = {{0, usec}, {0, usec}};
    setitimer(ITIMER_REAL, &it, NULL);
}

#endif
