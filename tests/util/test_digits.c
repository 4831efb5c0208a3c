/* SPDX-License-Identifier: MIT */
/*
 * util/digits.h against printf: "%0*x" and "%u" for the edges of every
 * digit count and a spread of other values, each written into a buffer
 * whose bytes after the text must stay untouched (no NUL is written).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "libxl_cpuid/util/digits.h"

/* Every power of 2 and 10, one either side, and a pseudo-random spread. */
static size_t values(uint32_t *v, size_t cap)
{
    size_t n = 0;
    uint32_t x = 18;

    for (unsigned int b = 0; b < 32; b++) {
        uint32_t p = 1u << b;

        v[n++] = p - 1;
        v[n++] = p;
        v[n++] = p + 1;
    }
    for (uint64_t p = 1; p <= UINT32_MAX; p *= 10) {
        v[n++] = (uint32_t)p - 1;
        v[n++] = (uint32_t)p;
        v[n++] = (uint32_t)p + 1;
    }
    v[n++] = UINT32_MAX;
    while (n < cap) {
        x = x * 1103515245u + 12345u;
        v[n++] = x >> (x & 31);
    }
    return n;
}

static void check(const char *want, char *buf, const char *end)
{
    size_t len = strlen(want);

    assert_int_equal(end - buf, (ptrdiff_t)len);
    assert_memory_equal(buf, want, len);
    assert_int_equal(buf[len], '#');
}

static void hex_as_printf(void **state)
{
    uint32_t v[400];
    size_t n = values(v, 400);

    (void)state;
    for (size_t i = 0; i < n; i++)
        for (unsigned int width = 0; width <= 9; width++) {
            char want[32], buf[32];

            snprintf(want, sizeof(want), "%0*x", (int)width, v[i]);
            memset(buf, '#', sizeof(buf));
            check(want, buf, xlc_put_hex(buf, v[i], width));
        }
}

static void dec_as_printf(void **state)
{
    uint32_t v[400];
    size_t n = values(v, 400);

    (void)state;
    for (size_t i = 0; i < n; i++) {
        char want[32], buf[32];

        snprintf(want, sizeof(want), "%u", v[i]);
        memset(buf, '#', sizeof(buf));
        check(want, buf, xlc_put_dec(buf, v[i]));
    }
    /* Past 32 bits too (line numbers, host counts): up to 2^64 - 1. */
    for (unsigned int s = 0; s < 64; s++)
        for (uint64_t d = 0; d < 3; d++) {
            uint64_t x = ((uint64_t)1 << s) - 1 + d;
            char want[32], buf[32];

            if (s == 63 && d == 2)
                x = UINT64_MAX;
            snprintf(want, sizeof(want), "%llu", (unsigned long long)x);
            memset(buf, '#', sizeof(buf));
            check(want, buf, xlc_put_dec(buf, x));
        }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hex_as_printf),
        cmocka_unit_test(dec_as_printf),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
