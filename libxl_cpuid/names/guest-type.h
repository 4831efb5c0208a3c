/* SPDX-License-Identifier: MIT */
/*
 * The two guest types featuresets are derived for.  One definition shared
 * by the libvirt translation and pool levelling.
 */
#ifndef LIBXL_CPUID_GUEST_TYPE_H
#define LIBXL_CPUID_GUEST_TYPE_H

#include "../util/error.h"

enum xlc_guest_type { XLC_GUEST_PV, XLC_GUEST_HVM };

/* "pv" / "hvm" (defined in libvirt-host.c). */
const char *xlc_guest_type_name(enum xlc_guest_type t);
/* "pv" / "hvm", any case.  Returns 0 or -EINVAL (guest-type.c). */
int xlc_guest_type_parse(const char *s, enum xlc_guest_type *out,
                         xlc_error *err);

#endif /* LIBXL_CPUID_GUEST_TYPE_H */
