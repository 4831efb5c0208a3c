/* SPDX-License-Identifier: MIT */
/*
 * Fuzz the CPUID dump parsers (format detection, libvirt XML, cpuid -r
 * text).  Any input must either load, and then serve every leaf through
 * the reader, or be refused with a message naming the input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "libxl_cpuid/sources/cpuid-dump.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct xlc_cpuid_dump *d = NULL;
    struct xfs_cpuid_reader rd;
    struct xfs_cpuid_regs r;
    xlc_error err = { 0 };
    uint64_t val;

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
