/* SPDX-License-Identifier: MIT */
/*
 * Our parsed cpuid= list as a real libxl_cpuid_policy_list, built by the
 * installed libxenlight itself (for callers that hand the list to libxl,
 * and to check our parser and JSON against libxl's).  Includes Xen's
 * libxl.h, so it is not in libxl_cpuid.h: programs reach it through
 * <libxl_cpuid/libxl-list.h>, which says what they need.
 */
#ifndef LIBXL_CPUID_XEN_LIBXL_LIST_H
#define LIBXL_CPUID_XEN_LIBXL_LIST_H

#include <libxl.h>

#include "xl-cpuid.h"

/*
 * Replay a parsed list through libxenlight into *out (start it NULL):
 * every CPUID entry as one xend-form string (libxl_cpuid_parse_config_xend
 * keeps the masks as given), every MSR bit that is not 'x' as a libxl-form
 * "NAME=C" item (libxl_cpuid_parse_config; an all-'x' MSR entry as one of
 * its names "=x").  Refused (-EINVAL): leaf 0xffffffff (libxl's list
 * terminator) and MSR bits libxl has no name for.  On error *out is
 * disposed of and NULL.  Free with libxl_cpuid_dispose().
 */
int xlc_xl_libxl_list(const struct xlc_xl_cpuid *l,
                      libxl_cpuid_policy_list *out, xlc_error *err);

/*
 * The list libxl builds from the shortest libxl-form string turning def
 * into want (xlc_xl_cpuid_reverse), item by item through
 * libxl_cpuid_parse_config.  *str (may be NULL) receives the string,
 * malloc'd.
 */
int xlc_xl_libxl_list_from_featureset(const uint32_t want[XFS_NR_WORDS],
                                      const uint32_t def[XFS_NR_WORDS],
                                      libxl_cpuid_policy_list *out,
                                      char **str, xlc_error *err);

/* libxl_cpuid_policy_list_gen_json() of the list, malloc'd; NULL: ENOMEM. */
char *xlc_xl_libxl_list_json(libxl_cpuid_policy_list *l);

#endif /* LIBXL_CPUID_XEN_LIBXL_LIST_H */
