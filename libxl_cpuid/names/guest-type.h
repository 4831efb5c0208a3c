/* SPDX-License-Identifier: MIT */
/*
 * The two guest types featuresets are derived for: their names, the one
 * parser of a type as users type it, which of Xen's system featuresets
 * and policies (public/sysctl-featureset.h) serve each, and the domain
 * type a migration stream records for each (public/migration-stream.h).
 * Every definition is in guest-type.c.
 */
#ifndef LIBXL_CPUID_GUEST_TYPE_H
#define LIBXL_CPUID_GUEST_TYPE_H

#include <stdint.h>

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

/* A stream's domain type for a guest type (XFS_STREAM_DOM_X86_PV/_HVM). */
uint32_t xlc_guest_type_stream_domain(enum xlc_guest_type type);
/* The guest type a stream's domain type restores as: PV for x86 PV, HVM
 * for the HVM containers (HVM, PVH). */
enum xlc_guest_type xlc_guest_type_of_stream_domain(uint32_t domain_type);

#endif /* LIBXL_CPUID_GUEST_TYPE_H */
