/* SPDX-License-Identifier: MIT */
/*
 * The real-Xen backend of the handle, behind an interface free of Xen's
 * headers so that handle.c stays strict C11.  Implemented over
 * libxenctrl/libxenguest in xen-backend.c (featuresets), xen-policy.c
 * (system and domain policies) and xen-levelling.c.  Only handle.c calls
 * these: it is where a backend is opened.
 */
#ifndef LIBXL_CPUID_XEN_BACKEND_H
#define LIBXL_CPUID_XEN_BACKEND_H

#include <stdbool.h>
#include <stdint.h>

#include "../util/error.h"

/* Internal: not exported from libxl_cpuid.so. */
#pragma GCC visibility push(hidden)

struct xlc_xen;

/*
 * Open libxenctrl and check that the get_cpu_featureset sysctl answers.
 * Nothing is printed: libxenctrl's log messages are captured and quoted in
 * the error.  Fails with -ENODEV when Xen is not usable from here.  With
 * log_stderr, once open, libxenctrl's messages also go to stderr through
 * its own stdio logger, as for Xen's tools (xlc_open_opts).
 */
int xlc_xen_open(struct xlc_xen **out, bool log_stderr, xlc_error *err);
void xlc_xen_close(struct xlc_xen *x);

/* Words the running hypervisor knows (its answer to a size query). */
uint32_t xlc_xen_featureset_size(const struct xlc_xen *x);
/* xc_get_cpu_featureset_size(): the words this libxenguest knows. */
uint32_t xlc_xen_toolstack_words(void);

/* The open (quiet) libxenctrl handle, an xc_interface *, for the other
 * xen-*.c files (xen-policy.c). */
struct xc_interface_core;
struct xc_interface_core *xlc_xen_xch(struct xlc_xen *x);

/* xc_get_cpu_featureset() with errors turned into -errno + message. */
int xlc_xen_get_featureset(struct xlc_xen *x, uint32_t index, uint32_t *nr,
                           uint32_t *features, xlc_error *err);

struct xlc_policy_entries;
struct xlc_system_policies;

/* The six system policies (xen-policy.c). */
int xlc_xen_policies(struct xlc_xen *x, struct xlc_system_policies **out,
                     xlc_error *err);
/* One domain's policy as entries, serialised by libxenguest
 * (xc_cpu_policy_get_domain; xen-policy.c).  The error Xen answered with
 * (-ESRCH: no such domain), or -ENOBUFS when the policy does not fit. */
int xlc_xen_domain_entries(struct xlc_xen *x, uint32_t domid,
                           struct xlc_policy_entries *out, xlc_error *err);
/* xc_hvm_param_get(): -EINVAL for a PV domain, -ESRCH for none. */
int xlc_xen_hvm_param(struct xlc_xen *x, uint32_t domid, uint32_t index,
                      uint64_t *value, xlc_error *err);
/* XEN_SYSCTL_get_cpu_levelling_caps (xen-levelling.c). */
int xlc_xen_levelling_caps(struct xlc_xen *x, uint32_t *caps,
                           xlc_error *err);

#pragma GCC visibility pop

#endif /* LIBXL_CPUID_XEN_BACKEND_H */
