/* SPDX-License-Identifier: MIT */
/*
 * The reports of Xen's invocations (xen-invocation.c), shared with our own
 * subcommands of the same name: each prints exactly what Xen 4.17's
 * xen-cpuid prints on a Xen host with the same featuresets and policies.
 */
#ifndef XEN_CPUID_INFO_COMMON_H
#define XEN_CPUID_INFO_COMMON_H

#include <stdbool.h>

#include "tool.h"

/* info and detail: open the backend, fetch the sets, print.  Exit code. */
int run_featureset_report(struct tool *t, bool detail);

/* -p: the system policies, or (domain) the policy of domid (cmd-policy.c). */
int run_policy_report(struct tool *t, bool domain, int domid);

/* Featureset arguments, read and decoded as Xen's tool does (cmd-decode.c).
 * Always 0, as there. */
int xen_decode_args(int argc, char **argv);

#endif /* XEN_CPUID_INFO_COMMON_H */
