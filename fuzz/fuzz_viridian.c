/* SPDX-License-Identifier: MIT */
/*
 * Fuzz the viridian readers: xl's viridian= right-hand side (first byte
 * even) and libvirt <hyperv> documents (first byte odd).  Any input must
 * be refused with a message, or give a result that holds together: a
 * parameter Xen would hold (or 0), an xl setting that reads back to the
 * same groups, a libvirt description that translates back.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "libxl_cpuid/viridian/libvirt-hyperv.h"
#include "libxl_cpuid/viridian/viridian.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The groups an xl setting gives, or abort. */
static xlc_viridian_set expand(const char *setting)
{
    struct xlc_viridian_xl x;
    struct xlc_viridian_effective e;

    if (xlc_viridian_xl_parse(setting, &x, NULL, NULL) ||
        xlc_viridian_libxl_expand(&x, &e, NULL, NULL))
        abort();
    xlc_viridian_xl_free(&x);
    return e.groups;
}

static void check_groups(xlc_viridian_set g)
{
    uint64_t p = xlc_viridian_set_to_param(g);
    char *setting = xlc_viridian_xl_setting(g);
    struct xlc_hyperv_description d;

    if (p && !xfs_viridian_param_valid(p))
        abort();
    if (!setting || expand(setting) != g)
        abort();
    free(setting);
    if (xlc_hyperv_describe(p, 2047, &d, NULL))
        abort();
    xlc_hyperv_description_free(&d);
}

static void xl_setting(const char *s)
{
    struct xlc_viridian_xl x;
    struct xlc_viridian_effective e;
    xlc_error err = { 0 };
    int rc = xlc_viridian_xl_parse(s, &x, NULL, &err);

    if (!rc)
        rc = xlc_viridian_libxl_expand(&x, &e, NULL, &err);
    xlc_viridian_xl_free(&x);
    if (rc) {
        if (!err.code || !err.msg[0])
            abort();
        return;
    }
    check_groups(e.groups);
}

static void libvirt_doc(const char *text, size_t len)
{
    struct xlc_hyperv_translation t;
    xlc_error err = { 0 };

    if (xlc_hyperv_translate("fuzz", text, len, &t, &err)) {
        if (!err.code || strncmp(err.msg, "fuzz", 4))
            abort();
        return;
    }
    if (t.param != xlc_viridian_set_to_param(t.groups) ||
        expand(t.xl_setting) != t.groups)
        abort();
    check_groups(t.groups);
    xlc_hyperv_translation_free(&t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s;

    if (!size)
        return 0;
    s = malloc(size);
    if (!s)
        return 0;
    memcpy(s, data + 1, size - 1);
    s[size - 1] = '\0';
    if (data[0] & 1)
        libvirt_doc(s, size - 1);
    else if (!memchr(data + 1, 0, size - 1))
        xl_setting(s);
    free(s);
    return 0;
}
