/* SPDX-License-Identifier: MIT */
/* Naming featureset bits in messages, the way a cpuid= user spells them. */
#include <stdio.h>

#include "xl-cpuid-priv.h"
#include "xen/lib/featureset.h"

const char *xlc_xl_feature_label(unsigned int value, char *buf, size_t n)
{
    char name[XLC_XL_NAME_MAX];

    if (xlc_xl_name_for_feature(value, name))
        snprintf(buf, n, "%s", name);
    else
        snprintf(buf, n, "word %u bit %u", value / 32, value % 32);
    return buf;
}

void xlc_xl_list_bits(struct xlc_buf *b, const uint32_t *bits)
{
    bool first = true;

    for (unsigned int v = 0; v < XFS_NR_WORDS * 32; v++) {
        char label[64];

        if (!xfs_test(bits, XFS_NR_WORDS, v))
            continue;
        xlc_buf_printf(b, "%s%s", first ? "" : ", ",
                       xlc_xl_feature_label(v, label, sizeof(label)));
        first = false;
    }
}
