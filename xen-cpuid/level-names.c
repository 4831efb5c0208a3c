/* SPDX-License-Identifier: MIT */
/*
 * Naming bits and featuresets in `xen-cpuid level` output.
 */
#include <stdio.h>

#include "../libxl_cpuid/names/featureset-text.h"
#include "level-tool.h"

const char *level_feature_name(unsigned int bit,
                               char buf[XLC_FEATURE_NAME_MAX])
{
    /* A bit no feature names is still shown, never dropped. */
    if (!xlc_feature_name_lower(bit, buf))
        snprintf(buf, XLC_FEATURE_NAME_MAX, "[%u*32+%u]", bit / 32, bit % 32);
    return buf;
}

char *level_featureset_text(const uint32_t *fs, size_t nr)
{
    return xlc_featureset_format(fs, nr);
}
