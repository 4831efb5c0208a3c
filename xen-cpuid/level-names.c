/* SPDX-License-Identifier: MIT */
/*
 * Naming bits and featuresets in `xen-cpuid level` output.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>

#include "../libxl_cpuid/strbuf.h"
#include "level-tool.h"

const char *level_feature_name(unsigned int bit, char buf[24])
{
    const struct xfs_feature_info *fi = xfs_feature_by_value(bit);
    size_t i = 0;

    if (!fi) {
        snprintf(buf, 24, "[%u*32+%u]", bit / 32, bit % 32);
        return buf;
    }
    for (; fi->name[i] && i < 23; i++)
        buf[i] = (char)tolower((unsigned char)fi->name[i]);
    buf[i] = '\0';
    return buf;
}

char *level_featureset_text(const uint32_t *fs, size_t nr)
{
    struct xlc_buf b = XLC_BUF_INIT;

    for (size_t w = 0; w < nr; w++)
        xlc_buf_printf(&b, "%s%08x", w ? ":" : "", fs[w]);
    return xlc_buf_take(&b);
}
