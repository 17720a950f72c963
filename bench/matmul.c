/* matmul.c - dense double-precision matrix multiply (ikj loop order) and
 * a checksum (gcc -m32 -O2: x87 fld/fmul/fadd/fstp in the inner loop). */
#include "bench.h"

#define N 160

static double a[N][N], b[N][N], c[N][N];

int main(int argc, char **argv)
{
    unsigned rounds = 64 * bench_scale(argc, argv) / 100;
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            a[i][j] = (double)(bench_rand() % 1000) / 999.0 - 0.5;
            b[i][j] = (double)(bench_rand() % 1000) / 777.0 - 0.25;
        }
    double sum = 0;
    for (unsigned r = 0; r < rounds; r++) {
        memset(c, 0, sizeof c);
        for (int i = 0; i < N; i++)
            for (int k = 0; k < N; k++) {
                double aik = a[i][k];
                for (int j = 0; j < N; j++)
                    c[i][j] += aik * b[k][j];
            }
        for (int i = 0; i < N; i++)
            sum += c[i][(i * 7 + (int)r) % N];
        a[r % N][r % N] += 1e-3;
    }
    printf("matmul %.12e\n", sum);
    return 0;
}
