/* SPDX-License-Identifier: MIT */
/*
 * xen-cpuid info (the default; also -i, --info): the static masks and the
 * six dynamic featuresets, exactly as Xen's own xen-cpuid prints them.
 * Reached through Xen's invocations (xen-invocation.c).
 */

#include "info-common.h"

int cmd_info(struct tool *t)
{
    return run_featureset_report(t, false);
}
