/* SPDX-License-Identifier: MIT */
/*
 * xen-cpuid levelling [--type pv|hvm] [--backend B] [--cpuid DUMP]
 *                     [--no-hap] [--boot-cpuid L] [--json]
 *
 * What leaks through (libxl_cpuid/verdict/levelling-report.h): the host's CPUID
 * levelling capabilities (from the running Xen, or derived from the CPUID
 * data as Xen 4.17 would, saying what the data cannot tell), which CPUID
 * words a guest of the type (default pv) sees from the hardware whatever
 * its policy, and what no host can hide from any guest.  Our own
 * addition: Xen's xen-cpuid has no such report.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../libxl_cpuid/verdict/levelling-report.h"
#include "tool-handle.h"
#include "tool-output.h"

static int report(struct tool *t, xlc_handle *h, enum xlc_guest_type type)
{
    struct xlc_system_policies *s = NULL;
    struct xlc_buf b = XLC_BUF_INIT;
    struct xlc_leak_report r;
    struct xlc_levelling caps;
    xlc_error err = { 0 };
    int rc = tool_system_policies(t, h, &s);

    if (!rc && (rc = xlc_levelling_of_handle(h, &caps, &err)))
        rc = tool_fail(t, rc, &err);
    if (!rc) {
        rc = xlc_leak_report(s, &caps, type, &r, &err);
        if (rc)
            rc = tool_fail(t, rc, &err);
    }
    if (!rc) {
        if (t->json)
            xlc_leak_report_json(&b, &r);
        else
            xlc_leak_report_text(&b, &r);
        rc = tool_emit(t, &b);
    }
    xlc_system_policies_free(s);
    return rc;
}

int cmd_levelling(struct tool *t)
{
    xlc_handle *h;
    int rc;

    if (t->argc)
        return tool_usage(t, "unexpected argument '%s'", t->argv[0]);
    rc = tool_open_handle(t, &h);
    if (!rc)
        rc = report(t, h, t->type_given ? t->type : XLC_GUEST_PV);
    xlc_close(h);
    return rc;
}
