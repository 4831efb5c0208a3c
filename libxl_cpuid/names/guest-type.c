/* SPDX-License-Identifier: MIT */
/*
 * Guest types (guest-type.h): names, the parser, the system sets each
 * uses, their stream domain types.
 */
#include <errno.h>
#include <strings.h>

#include "guest-type.h"
#include "../../public/migration-stream.h"
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

uint32_t xlc_guest_type_stream_domain(enum xlc_guest_type type)
{
    return type == XLC_GUEST_PV ? XFS_STREAM_DOM_X86_PV
                                : XFS_STREAM_DOM_X86_HVM;
}

enum xlc_guest_type xlc_guest_type_of_stream_domain(uint32_t domain_type)
{
    return domain_type == XFS_STREAM_DOM_X86_PV ? XLC_GUEST_PV
                                                : XLC_GUEST_HVM;
}
