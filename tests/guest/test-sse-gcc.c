/*
 * test-sse-gcc.c - code as gcc -O2 -msse2 -mfpmath=sse (and its vectorizer)
 * writes it: scalar float/double arithmetic in xmm registers, int <-> float
 * conversions, compares feeding branches (comisd/ucomisd), sqrt, min/max
 * idioms, and auto-vectorized integer and float loops.  The pragmas below
 * give this one file those options; results print with %a and in hex.
 */
#pragma GCC optimize("O2")
#pragma GCC target("sse2,ssse3,fpmath=sse")
#include <math.h>

#include "guest.h"

#define N 256

static float fa[N], fb[N], fc[N];
static double da[N], db[N];
static int32_t ia[N], ib[N];
static uint8_t ua[N], ub[N];

__attribute__((noinline)) static double dot(const double *x, const double *y, int n)
{
    double s = 0;
    for (int i = 0; i < n; i++)
        s += x[i] * y[i];
    return s;
}

__attribute__((noinline)) static void saxpy(float a, const float *x, float *y, int n)
{
    for (int i = 0; i < n; i++)
        y[i] = a * x[i] + y[i];
}

__attribute__((noinline)) static void iops(int32_t *x, const int32_t *y, int n)
{
    for (int i = 0; i < n; i++)
        x[i] = (x[i] * 3 + y[i]) ^ (y[i] >> 2);
}

__attribute__((noinline)) static void bytes(uint8_t *x, const uint8_t *y, int n)
{
    for (int i = 0; i < n; i++)
        x[i] = (uint8_t)(x[i] > y[i] ? x[i] - y[i] : y[i] - x[i]);
}

__attribute__((noinline)) static int classify(double x)
{
    if (x != x)
        return 3;
    if (x < -1.0)
        return 0;
    if (x <= 1.0)
        return 1;
    return 2;
}

/* Newton iterations for sqrt, against the instruction */
__attribute__((noinline)) static double newton(double x)
{
    double g = x > 1 ? x / 2 : 1;
    for (int i = 0; i < 30; i++)
        g = 0.5 * (g + x / g);
    return g;
}

int main(void)
{
    for (int i = 0; i < N; i++) {
        uint32_t r = g_rand();
        fa[i] = (float)(int32_t)r / 65536.0f;
        fb[i] = (float)(r & 0xffff) * 1.25f - 3.0f;
        fc[i] = fb[i];
        da[i] = (double)(int32_t)g_rand() / 3.0;
        db[i] = (double)(i - 128) * 0.1;
        ia[i] = (int32_t)g_rand();
        ib[i] = (int32_t)g_rand();
        ua[i] = (uint8_t)g_rand();
        ub[i] = (uint8_t)(g_rand() >> 8);
    }
    printf("dot %a\n", dot(da, db, N));
    saxpy(1.5f, fa, fc, N);
    uint32_t h = 0;
    for (int i = 0; i < N; i++) {
        uint32_t bits;
        memcpy(&bits, &fc[i], 4);
        h = h * 31 + bits;
    }
    printf("saxpy %08x %a\n", h, (double)fc[7]);
    iops(ia, ib, N);
    bytes(ua, ub, N);
    printf("iops %08x bytes %08x\n", g_crc32(0, ia, sizeof ia), g_crc32(0, ua, sizeof ua));
    double vals[] = {-2.5, -1.0, 0.0, 0.5, 1.0, 7.25, NAN, INFINITY, -INFINITY, 1e-310};
    for (unsigned i = 0; i < sizeof vals / sizeof vals[0]; i++) {
        double v = vals[i];
        float f = (float)v;
        int32_t iv = (v == v && fabs(v) < 2e9) ? (int32_t)v : -1;
        printf("v%u class %d f %a i %d sqrt %a newton %a fmax %a lr %ld\n", i, classify(v),
               (double)f, iv, sqrt(fabs(v)), v > 0 && v < 1e300 ? newton(v) : 0.0, fmax(v, 0.5),
               v == v && fabs(v) < 1e9 ? lrint(v) : 0L);
    }
    return 0;
}
