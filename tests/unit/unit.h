/*
 * unit.h - the pass/fail bookkeeping shared by C unit tests in tests/unit/.
 *
 * A unit test counts its checks and ends with the line scripts/check reads,
 * "N passed, N failed", exiting non-zero on any failure.  One test is one
 * .c file plus this header, so everything here is static.
 *
 * Example:
 *     check(ir_validate(&b, err, sizeof(err)), "block validates");
 *     ...
 *     return unit_summary();
 */
#ifndef XLAT_TESTS_UNIT_UNIT_H
#define XLAT_TESTS_UNIT_UNIT_H

#include <stdbool.h>
#include <stdio.h>

static int npass, nfail;

static void check(bool ok, const char *what)
{
    if (ok) {
        npass++;
    } else {
        nfail++;
        printf("FAIL: %s\n", what);
    }
}

/* Print the summary line; the exit status for main. */
static int unit_summary(void)
{
    printf("%d passed, %d failed\n", npass, nfail);
    return nfail ? 1 : 0;
}

#endif
