/* SPDX-License-Identifier: MIT */
/*
 * One cpuid= string in whichever form it is written: xend entries name a
 * leaf before a ':' ("0x1:ecx=..."), libxl strings have no ':' ahead of
 * their first '=' ("host,avx=0").
 */
#include <string.h>

#include "xl-cpuid.h"

bool xlc_xl_cpuid_is_xend(const char *s)
{
    const char *colon = strchr(s, ':'), *eq = strchr(s, '=');

    return colon && (!eq || colon < eq);
}

int xlc_xl_cpuid_parse_any(struct xlc_xl_cpuid *l, const char *str,
                           xlc_error *err)
{
    if (xlc_xl_cpuid_is_xend(str))
        return xlc_xl_cpuid_parse_xend(l, str, NULL, err);
    return xlc_xl_cpuid_parse(l, str, NULL, NULL, err);
}
