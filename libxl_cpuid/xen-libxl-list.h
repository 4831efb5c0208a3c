/* SPDX-License-Identifier: MIT */
/*
 * Our parsed cpuid= list as a real libxl_cpuid_policy_list, built by the
 * installed libxenlight itself, for callers that hand it on to libxl (a
 * libxl_domain_build_info's cpuid field).  Includes <libxl.h>: only files
 * built as gnu11 (libxl_cpuid/xen-*.c, tests/) may include this header.
 */
#ifndef LIBXL_CPUID_XEN_LIBXL_LIST_H
#define LIBXL_CPUID_XEN_LIBXL_LIST_H

#include <libxl.h>

#include "error.h"
#include "xl-cpuid.h"

/*
 * Feed the list to libxenlight, entry by entry (one xend item per CPUID
 * entry, NAME=VALUE items for the MSR bits), so that its list equals ours
 * (same entries, order and masks; tests compare the JSON).  *out must be
 * NULL or a list to extend; the caller disposes of it with
 * libxl_cpuid_dispose().  Fails with -EINVAL when libxl refuses an item
 * (naming it) or an MSR bit has no libxl name; *out may then hold a
 * partial list, still the caller's to dispose of.
 */
int xlc_xl_to_libxl(const struct xlc_xl_cpuid *l,
                    libxl_cpuid_policy_list *out, xlc_error *err);

/*
 * A cpuid= string (libxl form) or one xend item per element of `items`,
 * parsed by us (so the first mistake is refused with a message, where xl
 * would warn and carry on) and then built by libxenlight.
 */
int xlc_xl_libxl_from_string(const char *s, libxl_cpuid_policy_list *out,
                             xlc_error *err);
int xlc_xl_libxl_from_xend(const char *const *items, size_t nr,
                           libxl_cpuid_policy_list *out, xlc_error *err);

#endif /* LIBXL_CPUID_XEN_LIBXL_LIST_H */
