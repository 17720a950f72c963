/*
 * test-qsort.c - qsort and bsearch with comparators (indirect calls from
 * libc into the program), on ints, strings and structs.
 */
#include "guest.h"

struct rec {
    int key;
    unsigned seq;
    char name[12];
};

static unsigned ncalls;

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    ncalls++;
    return (x > y) - (x < y);
}

static int cmp_rec(const void *a, const void *b)
{
    const struct rec *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int arr[20000];
static struct rec recs[3000];

int main(void)
{
    g_srand(7);
    static const int sizes[] = {0, 1, 2, 3, 10, 100, 1000, 20000};
    for (unsigned s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        int n = sizes[s];
        for (int i = 0; i < n; i++)
            arr[i] = (int)(g_rand() % 2001) - 1000;
        qsort(arr, n, sizeof arr[0], cmp_int);
        int sorted = 1;
        for (int i = 1; i < n; i++)
            sorted &= arr[i - 1] <= arr[i];
        printf("n=%d sorted=%d crc=%08x", n, sorted, g_crc32(0, arr, n * sizeof arr[0]));
        if (n > 0) {
            int key = arr[n / 2];
            int *hit = bsearch(&key, arr, n, sizeof arr[0], cmp_int);
            printf(" bsearch=%d", hit && *hit == key);
        }
        printf("\n");
    }
    for (int i = 0; i < 3000; i++) {
        recs[i].key = (int)(g_rand() % 50);
        recs[i].seq = i;
        snprintf(recs[i].name, sizeof recs[i].name, "r%u", g_rand() % 100000);
    }
    qsort(recs, 3000, sizeof recs[0], cmp_rec);
    uint32_t h = 0;
    for (int i = 0; i < 3000; i++)
        h = h * 31 + recs[i].key * 7 + recs[i].seq;
    printf("recs first %d/%u/%s last %d/%u/%s hash %08x\n", recs[0].key, recs[0].seq, recs[0].name,
           recs[2999].key, recs[2999].seq, recs[2999].name, h);
    char *names[3000];
    for (int i = 0; i < 3000; i++)
        names[i] = recs[i].name;
    qsort(names, 3000, sizeof names[0], cmp_str);
    printf("names: %s %s %s ... %s\n", names[0], names[1], names[2], names[2999]);
    printf("comparator calls > 0: %d\n", ncalls > 0);
    return 0;
}
