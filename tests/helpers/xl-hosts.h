/* SPDX-License-Identifier: MIT */
/*
 * Every shared CPUID dump (the instlatx64 XML files and the live text under
 * $XFS_SHARED/cpuid) run through the hypervisor-side derivation, for tests
 * that need real default/max/host featuresets.
 */
#ifndef TESTS_HELPERS_XL_HOSTS_H
#define TESTS_HELPERS_XL_HOSTS_H

#include <stddef.h>

#include "libxl_cpuid/xl-cpuid-apply.h"
#include "xen/arch/featuresets.h"

struct xh_host {
    char name[256];  /* the dump's file name */
    char path[1024];
    struct xfs_system_featuresets sets;
};

/*
 * Load and derive every dump, sorted by name.  Returns the number of
 * hosts (> 0), or -1 with a message on stderr.  free() *out.
 */
int xh_load_all(struct xh_host **out);

/* The featuresets of one guest type, pointing into h. */
void xh_guest(const struct xh_host *h, enum xlc_guest_type type,
              struct xlc_xl_host *out);

#endif
