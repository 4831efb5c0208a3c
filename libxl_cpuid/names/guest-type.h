/* SPDX-License-Identifier: MIT */
/*
 * The two guest types featuresets are derived for: their names, the one
 * parser of a type as users type it, and which of Xen's system
 * featuresets and policies (public/sysctl-featureset.h) serve each.  Every
 * definition is in guest-type.c.
 */
#ifndef LIBXL_CPUID_GUEST_TYPE_H
#define LIBXL_CPUID_GUEST_TYPE_H

#include "../util/error.h"

enum xlc_guest_type { XLC_GUEST_PV, XLC_GUEST_HVM };

/* "pv" / "hvm". */
const char *xlc_guest_type_name(enum xlc_guest_type t);
/* "pv" / "hvm", any case.  Returns 0 or -EINVAL. */
int xlc_guest_type_parse(const char *s, enum xlc_guest_type *out,
                         xlc_error *err);

/*
 * The system featureset / policy index (XFS_SYSCTL_cpu_featureset_*) of
 * a type's default and max sets.
 */
unsigned int xlc_policy_index_default(enum xlc_guest_type type);
unsigned int xlc_policy_index_max(enum xlc_guest_type type);

#endif /* LIBXL_CPUID_GUEST_TYPE_H */
