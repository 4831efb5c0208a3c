/* SPDX-License-Identifier: MIT */
/*
 * Fuzz both cpuid= parsers (libxl form and xend form) on the same input.
 * Whatever the input: a refusal carries libxl's error number and a
 * message saying where (item number, or column); the list, accepted or
 * partly built, has 32-character CPUID masks and 64-character MSR masks
 * and gives JSON in libxl's shape; a libxl-form list holds only the mask
 * characters libxl writes.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "libxl_cpuid/xl/xl-cpuid.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_list(const struct xlc_xl_cpuid *l, bool libxl_form)
{
    struct xlc_buf b = XLC_BUF_INIT;

    for (size_t i = 0; i < l->nr_cpuid; i++)
        for (int r = 0; r < 4; r++) {
            const char *m = l->cpuid[i].policy[r];
            if (!m)
                continue;
            if (strlen(m) != XLC_XL_REG_CHARS)
                abort();
            if (libxl_form && strspn(m, "01xks") != XLC_XL_REG_CHARS)
                abort();
        }
    for (size_t i = 0; i < l->nr_msr; i++)
        if (strlen(l->msr[i].policy) != XLC_XL_MSR_CHARS ||
            strspn(l->msr[i].policy, "01xk") != XLC_XL_MSR_CHARS)
            abort();
    xlc_xl_cpuid_json(&b, l);
    if (!b.oom && (strncmp(b.s, "{\"cpuid\":[", 10) ||
                   strcmp(b.s + b.len - 2, "]}")))
        abort();
    xlc_buf_free(&b);
    xlc_xl_cpuid_text(&b, l);
    xlc_buf_free(&b);
}

static void check_libxl(const char *s)
{
    struct xlc_xl_cpuid l = { 0 };
    xlc_error err = { 0 };
    unsigned int item = 0;
    int rc = 0, r = xlc_xl_cpuid_parse(&l, s, &item, &rc, &err);

    if (r == 0 ? (rc || item) :
        r == -EINVAL ? (!rc || !item || !strstr(err.msg, "item")) :
        r == -E2BIG ? strlen(s) <= XLC_XL_CPUID_MAX_BYTES :
        r != -ENOMEM)
        abort();
    check_list(&l, true);
    xlc_xl_cpuid_free(&l);
}

static void check_xend(const char *s)
{
    struct xlc_xl_cpuid l = { 0 };
    xlc_error err = { 0 };
    int rc = 0, r = xlc_xl_cpuid_parse_xend(&l, s, &rc, &err);

    if (r == 0 ? rc != 0 :
        r == -EINVAL ? (rc < XLC_XEND_BAD_LEAF || rc > XLC_XEND_BAD_LENGTH ||
                        !strstr(err.msg, "column")) :
        r == -E2BIG ? strlen(s) <= XLC_XL_CPUID_MAX_BYTES :
        r != -ENOMEM)
        abort();
    check_list(&l, false);
    xlc_xl_cpuid_free(&l);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);

    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    check_libxl(s);
    check_xend(s);
    free(s);
    return 0;
}
