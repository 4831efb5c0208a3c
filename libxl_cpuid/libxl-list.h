/* SPDX-License-Identifier: MIT */
/*
 * libxl-list.h -- the whole API (libxl_cpuid.h) and the calls that build a
 * real libxl_cpuid_policy_list, the list libxl_domain_build_info.cpuid
 * holds (xl/xen-libxl-list.h).
 *
 *     #include <libxl_cpuid/libxl-list.h>
 *     cc prog.c $(pkg-config --cflags --libs libxl_cpuid xenlight)
 *
 * These calls take and fill libxenlight's own types, so this header
 * includes Xen's <libxl.h> (Debian package libxen-dev, pkg-config module
 * xenlight): a program using it is a libxl program, links libxenlight
 * itself and frees the lists with libxl_cpuid_dispose().  That is why it
 * is apart: libxl_cpuid.h includes no Xen header.  Both are strict C11.
 */
#ifndef LIBXL_CPUID_LIBXL_LIST_H
#define LIBXL_CPUID_LIBXL_LIST_H

#include "libxl_cpuid.h"
#include "xl/xen-libxl-list.h"

#endif /* LIBXL_CPUID_LIBXL_LIST_H */
