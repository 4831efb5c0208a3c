/* SPDX-License-Identifier: MIT */
/*
 * Building a libxl_cpuid_policy_list with libxenlight from our list.
 *
 * libxl appends an entry the first time an item touches its (leaf,
 * subleaf) or MSR, so feeding our entries in order rebuilds the same
 * order.  A CPUID entry goes over as one xend item carrying its masks
 * verbatim ("LEAF[,SUBLEAF]:" alone for an entry without masks, which
 * libxl accepts and keeps).  MSR masks have no xend syntax: every
 * character that is not 'x' goes over as NAME=CHAR, and an entry with
 * none (libxl made it before refusing a value) as NAME=x for its first
 * named bit.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../xen/lib/featureset.h"
#include "cpu-policy.h"
#include "strbuf.h"
#include "xen-libxl-list.h"

static int send_xend(libxl_cpuid_policy_list *out, const char *item,
                     xlc_error *err)
{
    int rc = libxl_cpuid_parse_config_xend(out, item);

    if (rc)
        return xlc_fail(err, EINVAL, "libxl refused '%s' (error %d)", item,
                        rc);
    return 0;
}

static int send_leaf(libxl_cpuid_policy_list *out,
                     const struct xlc_xl_cpuid_entry *e,
                     xlc_error *err)
{
    struct xlc_buf b = XLC_BUF_INIT;
    const char *sep = "";
    char *item;
    int r;

    xlc_buf_printf(&b, "%u", e->leaf);
    if (e->subleaf != XLC_XL_NO_SUBLEAF)
        xlc_buf_printf(&b, ",%u", e->subleaf);
    xlc_buf_putc(&b, ':');
    for (int reg = XFS_EAX; reg <= XFS_EDX; reg++) {
        if (!e->policy[reg])
            continue;
        xlc_buf_printf(&b, "%s%s=%s", sep, xlc_reg_name((enum xfs_reg)reg),
                       e->policy[reg]);
        sep = ",";
    }
    item = xlc_buf_take(&b);
    if (!item)
        return xlc_fail(err, ENOMEM, "out of memory");
    r = send_xend(out, item, err);
    free(item);
    return r;
}

#define NAME_MAX_ 48

/* The libxl name of bit `bit` (0..63) of MSR `index`, or NULL. */
static const char *msr_bit_name(uint32_t index, unsigned int bit, char *buf)
{
    enum xfs_reg half = bit < 32 ? XFS_MSR_LO : XFS_MSR_HI;

    for (unsigned int w = 0; w < XFS_NR_WORDS; w++)
        if (xfs_words[w].src == XFS_SRC_MSR && xfs_words[w].leaf == index &&
            xfs_words[w].reg == half)
            return xlc_xl_feature_name(w * 32 + bit % 32, buf, NAME_MAX_);
    return NULL;
}

static int send_msr_bit(libxl_cpuid_policy_list *out, uint32_t index,
                        unsigned int bit, char c, xlc_error *err)
{
    char name[NAME_MAX_], item[NAME_MAX_ + 4];
    int rc;

    if (!msr_bit_name(index, bit, name))
        return xlc_fail(err, EINVAL, "MSR 0x%x bit %u has no libxl name: "
                        "libxl cannot be given this mask", index, bit);
    snprintf(item, sizeof(item), "%s=%c", name, c);
    rc = libxl_cpuid_parse_config(out, item);
    if (rc)
        return xlc_fail(err, EINVAL, "libxl refused '%s' (error %d)", item,
                        rc);
    return 0;
}

static int send_msr(libxl_cpuid_policy_list *out,
                    const struct xlc_xl_msr_entry *m,
                    xlc_error *err)
{
    bool sent = false;
    int r = 0;

    for (unsigned int i = 0; i < XLC_XL_MSR_CHARS && !r; i++) {
        if (m->policy[i] == 'x')
            continue;
        r = send_msr_bit(out, m->index, XLC_XL_MSR_CHARS - 1 - i,
                         m->policy[i], err);
        sent = true;
    }
    /* An all-'x' entry: touch any named bit with 'x' to create it. */
    for (unsigned int bit = 0; !sent && !r && bit < XLC_XL_MSR_CHARS; bit++) {
        char name[NAME_MAX_];

        if (!msr_bit_name(m->index, bit, name))
            continue;
        r = send_msr_bit(out, m->index, bit, 'x', err);
        sent = true;
    }
    if (!sent && !r)
        r = xlc_fail(err, EINVAL, "MSR 0x%x has no bit libxl can name",
                     m->index);
    return r;
}

int xlc_xl_to_libxl(const struct xlc_xl_cpuid *l,
                    libxl_cpuid_policy_list *out, xlc_error *err)
{
    int r = 0;

    for (size_t i = 0; i < l->nr_cpuid && !r; i++)
        r = send_leaf(out, &l->cpuid[i], err);
    for (size_t i = 0; i < l->nr_msr && !r; i++)
        r = send_msr(out, &l->msr[i], err);
    return r;
}

int xlc_xl_libxl_from_string(const char *s, libxl_cpuid_policy_list *out,
                             xlc_error *err)
{
    struct xlc_xl_cpuid l = { 0 };
    int r = xlc_xl_cpuid_parse(&l, s, NULL, NULL, err);

    if (!r)
        r = xlc_xl_to_libxl(&l, out, err);
    xlc_xl_cpuid_free(&l);
    return r;
}

int xlc_xl_libxl_from_xend(const char *const *items, size_t nr,
                           libxl_cpuid_policy_list *out, xlc_error *err)
{
    struct xlc_xl_cpuid l = { 0 };
    int r = 0;

    for (size_t i = 0; i < nr && !r; i++)
        r = xlc_xl_cpuid_parse_xend(&l, items[i], NULL, err);
    if (!r)
        r = xlc_xl_to_libxl(&l, out, err);
    xlc_xl_cpuid_free(&l);
    return r;
}
