/* SPDX-License-Identifier: MIT */
/*
 * xen-cpuid info (the default): the static masks and the six dynamic
 * featuresets, laid out as Xen's own xen-cpuid prints them.
 */

#include "info-common.h"

int cmd_info(struct tool *t)
{
    return run_featureset_report(t, false);
}
