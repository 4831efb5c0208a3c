/* SPDX-License-Identifier: MIT */
/*
 * Fuzz the CPUID dump parsers (format detection, libvirt XML, cpuid -r
 * text).  Any input must either load, and then serve every leaf through
 * the reader, or be refused with a message naming the input.  And the
 * XML reader's fast path must agree with libxml2's tree: whatever the
 * plain reader takes, the tree reader takes too, as the same dump.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "libxl_cpuid/sources/cpuid-dump-priv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool same_dump(const struct xlc_cpuid_dump *a,
                      const struct xlc_cpuid_dump *b)
{
    return a->nr_leaves == b->nr_leaves && a->nr_msrs == b->nr_msrs &&
           !memcmp(a->leaves, b->leaves, a->nr_leaves * sizeof(*a->leaves)) &&
           !memcmp(a->msrs, b->msrs, a->nr_msrs * sizeof(*a->msrs));
}

/* The plain form, when it takes the text, reads what the tree reads. */
static void plain_agrees(const char *text, size_t len)
{
    struct xlc_cpuid_dump *p = NULL, *t = NULL;
    xlc_error err = { 0 };

    if (dump_parse_xml_plain("fuzz", text, len, &p) != 1)
        return;
    if (dump_parse_xml_tree("fuzz", text, len, &t, &err) || !same_dump(p, t))
        abort();
    xlc_dump_free(p);
    xlc_dump_free(t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct xlc_cpuid_dump *d = NULL;
    struct xfs_cpuid_reader rd;
    struct xfs_cpuid_regs r;
    xlc_error err = { 0 };
    uint64_t val;

    plain_agrees((const char *)data, size);
    if (xlc_dump_parse("fuzz", (const char *)data, size, &d, &err)) {
        if (d || !err.code || strncmp(err.msg, "fuzz", 4))
            abort();
        return 0;
    }
    if (!d->nr_leaves)
        abort();
    xlc_dump_reader(d, &rd);
    for (size_t i = 0; i < d->nr_leaves; i++) {
        rd.cpuid(rd.ctx, d->leaves[i].leaf, d->leaves[i].subleaf, &r);
        if (r.a != d->leaves[i].a || r.d != d->leaves[i].d)
            abort();
    }
    for (size_t i = 0; i < d->nr_msrs; i++)
        if (rd.rdmsr(rd.ctx, d->msrs[i].idx, &val) || val != d->msrs[i].val)
            abort();
    xlc_dump_free(d);
    return 0;
}
