/* SPDX-License-Identifier: MIT */
/*
 * Fuzz Xen's cpuid= boot option parser.  Any string is either accepted,
 * adding only named features to boot_clear, or refused at the start of a
 * token inside the string with the options left untouched.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xen/arch/featuresets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int same(const struct xfs_hv_options *a, const struct xfs_hv_options *b)
{
    return a->hap == b->hap && a->pv == b->pv && a->hvm == b->hvm &&
           xfs_equal(a->boot_clear, XFS_NR_WORDS, b->boot_clear, XFS_NR_WORDS);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct xfs_hv_options o, before;
    unsigned int pos = ~0u;
    char *arg = malloc(size + 1);

    if (!arg)
        return 0;
    memcpy(arg, data, size);
    arg[size] = '\0';
    xfs_hv_options_default(&o);
    xfs_set(o.boot_clear, XFS_NR_WORDS, XFS_FPU); /* something to keep */
    before = o;
    if (xfs_parse_boot_cpuid(arg, &o, &pos)) {
        if (pos > strlen(arg) || (pos && arg[pos - 1] != ','))
            abort();
        if (!same(&o, &before))
            abort();
    } else {
        if (!xfs_subset(o.boot_clear, XFS_NR_WORDS,
                        xfs_static_masks[XFS_MASK_KNOWN], XFS_NR_WORDS) ||
            !xfs_test(o.boot_clear, XFS_NR_WORDS, XFS_FPU))
            abort();
        /* Parsing the same string again changes nothing. */
        before = o;
        if (xfs_parse_boot_cpuid(arg, &o, &pos) ||
            !same(&o, &before))
            abort();
    }
    free(arg);
    return 0;
}
