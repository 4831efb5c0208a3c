/* SPDX-License-Identifier: MIT */
/*
 * CPUID dumps, the front door: format detection (dispatching to the XML
 * or `cpuid -r` parser, which fill the builder in cpuid-dump-builder.c),
 * file loading, and the reader that serves a dump to the xen/ derivation
 * code.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpuid-dump-priv.h"
#include "../util/read-file.h"


/* The first few printable characters of the text, for error messages. */
static void first_token(const char *p, const char *end, char *tok, size_t n)
{
    size_t i = 0;

    while (p < end && i + 1 < n && *p > ' ' && *p < 0x7f)
        tok[i++] = *p++;
    tok[i] = '\0';
}

int xlc_dump_parse(const char *name, const char *text, size_t len,
                   struct xlc_cpuid_dump **out, xlc_error *err)
{
    const char *p = text, *end = text + len;
    char tok[24];

    *out = NULL;
    /* Skip a UTF-8 byte order mark and leading white space. */
    if (len >= 3 && !memcmp(p, "\xef\xbb\xbf", 3))
        p += 3;
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
        p++;
    if (p == end)
        return xlc_fail(err, EINVAL, "%s: empty file (expected a libvirt "
                        "<cpudata> XML dump or `cpuid -r` output)", name);
    if (*p == '<')
        return dump_parse_xml(name, text, len, out, err);
    if ((end - p >= 3 && !memcmp(p, "CPU", 3)) ||
        (end - p >= 2 && !memcmp(p, "0x", 2)))
        return dump_parse_cpuid_r(name, text, len, out, err);
    first_token(p, end, tok, sizeof(tok));
    return xlc_fail(err, EINVAL,
                    "%s: unrecognised format: expected a libvirt <cpudata> "
                    "XML dump or `cpuid -r` output, found '%s'", name, tok);
}

int xlc_dump_load(const char *path, struct xlc_cpuid_dump **out,
                  xlc_error *err)
{
    char *text = NULL;
    size_t len = 0;
    int rc;

    *out = NULL;
    rc = xlc_read_input(path, &xlc_dump_limits, &text, &len, err);
    if (rc)
        return rc;
    rc = xlc_dump_parse(path, text, len, out, err);
    free(text);
    return rc;
}

/* ---- the reader ---- */

static const struct xfs_cpuid_leaf *lookup(const struct xlc_cpuid_dump *d,
                                           uint32_t leaf, uint32_t subleaf)
{
    struct xfs_cpuid_leaf key = { .leaf = leaf, .subleaf = subleaf };

    if (!d->nr_leaves)
        return NULL;
    return bsearch(&key, d->leaves, d->nr_leaves, sizeof(key),
                   dump_leaf_cmp);
}

/* The first entry of `leaf` (its lowest subleaf), or NULL. */
static const struct xfs_cpuid_leaf *first_of(const struct xlc_cpuid_dump *d,
                                             uint32_t leaf)
{
    size_t lo = 0, hi = d->nr_leaves;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (d->leaves[mid].leaf < leaf)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < d->nr_leaves && d->leaves[lo].leaf == leaf ? &d->leaves[lo]
                                                          : NULL;
}

static void reader_cpuid(void *ctx, uint32_t leaf, uint32_t subleaf,
                         struct xfs_cpuid_regs *out)
{
    const struct xlc_cpuid_dump *d = ctx;
    const struct xfs_cpuid_leaf *l = lookup(d, leaf, subleaf);

    /*
     * The processor ignores ECX for leaves without subleaves: any entry of
     * such a leaf answers (a dump normally records it at subleaf 0).
     */
    if (!l && !xfs_leaf_has_subleaves(leaf))
        l = first_of(d, leaf);
    *out = l ? (struct xfs_cpuid_regs){ l->a, l->b, l->c, l->d }
             : (struct xfs_cpuid_regs){ 0, 0, 0, 0 };
}

static int reader_rdmsr(void *ctx, uint32_t index, uint64_t *val)
{
    const struct xlc_cpuid_dump *d = ctx;
    size_t lo = 0, hi = d->nr_msrs;

    /* Sorted by index (dump_builder_finish). */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (d->msrs[mid].idx == index) {
            *val = d->msrs[mid].val;
            return 0;
        }
        if (d->msrs[mid].idx < index)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

void xlc_dump_reader(const struct xlc_cpuid_dump *d,
                     struct xfs_cpuid_reader *rd)
{
    rd->cpuid = reader_cpuid;
    rd->rdmsr = reader_rdmsr;
    /* The reader interface takes a mutable context; we only read it. */
    rd->ctx = (void *)(uintptr_t)d;
}
