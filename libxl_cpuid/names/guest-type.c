/* SPDX-License-Identifier: MIT */
/*
 * Guest types (guest-type.h): names, the parser, the system sets each
 * uses.
 */
#include <errno.h>
#include <strings.h>

#include "guest-type.h"
#include "../../public/sysctl-featureset.h"

const char *xlc_guest_type_name(enum xlc_guest_type t)
{
    return t == XLC_GUEST_PV ? "pv" : "hvm";
}

int xlc_guest_type_parse(const char *s, enum xlc_guest_type *out,
                         xlc_error *err)
{
    if (s && !strcasecmp(s, "pv"))
        *out = XLC_GUEST_PV;
    else if (s && !strcasecmp(s, "hvm"))
        *out = XLC_GUEST_HVM;
    else
        return xlc_fail(err, EINVAL, "guest type '%s': expected pv or hvm",
                        s ? s : "");
    return 0;
}

unsigned int xlc_policy_index_default(enum xlc_guest_type type)
{
    return type == XLC_GUEST_PV ? XFS_SYSCTL_cpu_featureset_pv
                                : XFS_SYSCTL_cpu_featureset_hvm;
}

unsigned int xlc_policy_index_max(enum xlc_guest_type type)
{
    return type == XLC_GUEST_PV ? XFS_SYSCTL_cpu_featureset_pv_max
                                : XFS_SYSCTL_cpu_featureset_hvm_max;
}
