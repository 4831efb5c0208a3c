/* SPDX-License-Identifier: MIT */
/*
 * A libxl_cpuid_policy_list built by libxenlight from our parsed list
 * (xen-libxl-list.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_gen.h>

#include "xen-libxl-list.h"

/* Exported by libxenlight; its header (libxl_json.h) wants yajl 1 macros. */
yajl_gen_status libxl_cpuid_policy_list_gen_json(yajl_gen hand,
                                                 libxl_cpuid_policy_list *p);

static const char *const reg_names[4] = { "eax", "ebx", "ecx", "edx" };

/* "LEAF[,SUB]:eax=MASK,..." for one entry (nothing after ':' if empty). */
static char *entry_xend(const struct xlc_xl_cpuid_entry *e)
{
    struct xlc_buf b = XLC_BUF_INIT;
    bool first = true;

    if (e->subleaf == XLC_XL_NO_SUBLEAF)
        xlc_buf_printf(&b, "0x%x:", e->leaf);
    else
        xlc_buf_printf(&b, "0x%x,0x%x:", e->leaf, e->subleaf);
    for (int r = 0; r < 4; r++)
        if (e->policy[r]) {
            xlc_buf_printf(&b, "%s%s=%s", first ? "" : ",", reg_names[r],
                           e->policy[r]);
            first = false;
        }
    return xlc_buf_take(&b);
}

static int replay_entry(const struct xlc_xl_cpuid_entry *e,
                        libxl_cpuid_policy_list *out, xlc_error *err)
{
    char *s;
    int rc;

    if (e->leaf == XLC_XL_NO_SUBLEAF)
        return xlc_fail(err, EINVAL, "leaf 0x%x is libxl's list terminator: "
                        "libxl cannot hold it", e->leaf);
    s = entry_xend(e);
    if (!s)
        return xlc_fail(err, ENOMEM, "out of memory");
    rc = libxl_cpuid_parse_config_xend(out, s);
    if (rc)
        rc = xlc_fail(err, EINVAL, "libxenlight refused '%s' (error %d)", s,
                      rc);
    free(s);
    return rc;
}

/* libxl's name for bit `bit` (0..63) of MSR `index`, into buf. */
static const char *msr_bit_name(uint32_t index, unsigned int bit, char *buf,
                                size_t n)
{
    struct xlc_xl_field f;

    for (unsigned int i = 0; i < xfs_nr_features; i++) {
        unsigned int v = xfs_features[i].value;
        if (xlc_xl_feature_name(v, buf, n) &&
            xlc_xl_name_lookup(buf, strlen(buf), &f) && f.msr &&
            f.msr_index == index && f.f.bit == bit)
            return buf;
    }
    return NULL;
}

static int replay_msr_bit(const struct xlc_xl_msr_entry *e, unsigned int bit,
                          char c, libxl_cpuid_policy_list *out,
                          xlc_error *err)
{
    char name[48], item[64];
    int rc;

    if (!msr_bit_name(e->index, bit, name, sizeof(name)))
        return xlc_fail(err, EINVAL, "MSR 0x%x bit %u: libxl has no name "
                        "for it", e->index, bit);
    snprintf(item, sizeof(item), "%s=%c", name, c);
    rc = libxl_cpuid_parse_config(out, item);
    if (rc)
        return xlc_fail(err, EINVAL, "libxenlight refused '%s' (error %d)",
                        item, rc);
    return 0;
}

static int replay_msr(const struct xlc_xl_msr_entry *e,
                      libxl_cpuid_policy_list *out, xlc_error *err)
{
    char name[48];
    int rc = 0;
    bool any = false;

    for (unsigned int i = 0; !rc && i < XLC_XL_MSR_CHARS; i++)
        if (e->policy[i] != 'x') {
            rc = replay_msr_bit(e, XLC_XL_MSR_CHARS - 1 - i, e->policy[i],
                                out, err);
            any = true;
        }
    if (rc || any)
        return rc;
    /* An all-'x' entry: any of its names with "=x" creates it. */
    for (unsigned int bit = 0; bit < XLC_XL_MSR_CHARS; bit++)
        if (msr_bit_name(e->index, bit, name, sizeof(name)))
            return replay_msr_bit(e, bit, 'x', out, err);
    return xlc_fail(err, EINVAL, "MSR 0x%x: libxl has no name for any of "
                    "its bits", e->index);
}

int xlc_xl_libxl_list(const struct xlc_xl_cpuid *l,
                      libxl_cpuid_policy_list *out, xlc_error *err)
{
    int rc = 0;

    *out = NULL;
    for (size_t i = 0; !rc && i < l->nr_cpuid; i++)
        rc = replay_entry(&l->cpuid[i], out, err);
    for (size_t i = 0; !rc && i < l->nr_msr; i++)
        rc = replay_msr(&l->msr[i], out, err);
    if (rc) {
        libxl_cpuid_dispose(out);
        *out = NULL;
    }
    return rc;
}

/* The items of a "host,..." string (empty words skipped) into libxl. */
static int replay_items(const char *str, libxl_cpuid_policy_list *out,
                        xlc_error *err)
{
    char *copy = strdup(str), *save = NULL, *w;
    int rc = 0;

    if (!copy)
        return xlc_fail(err, ENOMEM, "out of memory");
    w = strtok_r(copy, ",", &save);       /* "host" */
    while (!rc && (w = strtok_r(NULL, ",", &save)))
        if (libxl_cpuid_parse_config(out, w))
            rc = xlc_fail(err, EINVAL, "libxenlight refused item '%s'", w);
    free(copy);
    return rc;
}

int xlc_xl_libxl_list_from_featureset(const uint32_t want[XFS_NR_WORDS],
                                      const uint32_t def[XFS_NR_WORDS],
                                      libxl_cpuid_policy_list *out,
                                      char **str, xlc_error *err)
{
    char *s;
    int rc = xlc_xl_cpuid_reverse(want, def, &s, err);

    *out = NULL;
    if (str)
        *str = NULL;
    if (rc)
        return rc;
    rc = replay_items(s, out, err);
    if (rc) {
        libxl_cpuid_dispose(out);
        *out = NULL;
    }
    if (!rc && str)
        *str = s;
    else
        free(s);
    return rc;
}

char *xlc_xl_libxl_list_json(libxl_cpuid_policy_list *l)
{
    yajl_gen g = yajl_gen_alloc(NULL);
    const unsigned char *buf;
    size_t n;
    char *out = NULL;

    if (!g)
        return NULL;
    if (libxl_cpuid_policy_list_gen_json(g, l) == yajl_gen_status_ok &&
        yajl_gen_get_buf(g, &buf, &n) == yajl_gen_status_ok &&
        (out = malloc(n + 1))) {
        memcpy(out, buf, n);
        out[n] = '\0';
    }
    yajl_gen_free(g);
    return out;
}
