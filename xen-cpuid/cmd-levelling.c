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
#include "tool-policies.h"

static int caps_of(struct tool *t, const char *backend,
                   struct xlc_levelling *caps)
{
    struct xlc_cpuid_dump *d = NULL;
    xlc_error err = { 0 };
    uint32_t v;
    int rc;

    if (!strcmp(backend, "xen")) {
        rc = xlc_xen_levelling_caps(&v, &err);
        if (!rc)
            xlc_levelling_from_caps(v, caps);
    } else {
        rc = t->cpuid_file ? xlc_dump_load(t->cpuid_file, &d, &err)
                           : xlc_dump_live(&d, &err);
        if (!rc)
            xlc_levelling_from_dump(d, caps);
        xlc_dump_free(d);
    }
    if (!rc)
        return EXIT_OK;
    tool_err(t, "%s", err.msg);
    return rc == -ENODEV ? EXIT_BACKEND : rc == -ENOMEM ? EXIT_INTERNAL
                                                        : EXIT_INPUT;
}

static int print(struct tool *t, const struct xlc_leak_report *r)
{
    struct xlc_buf b = XLC_BUF_INIT;

    if (t->json)
        xlc_leak_report_json(&b, r);
    else
        xlc_leak_report_text(&b, r);
    if (b.oom) {
        xlc_buf_free(&b);
        tool_err(t, "out of memory");
        return EXIT_INTERNAL;
    }
    fputs(b.s, stdout);
    xlc_buf_free(&b);
    return EXIT_OK;
}

int cmd_levelling(struct tool *t)
{
    struct xlc_system_policies *s = NULL;
    enum xlc_guest_type type = XLC_GUEST_PV;
    struct xlc_leak_report r;
    struct xlc_levelling caps;
    const char *backend = "sim";
    xlc_error err = { 0 };
    int rc;

    if (t->argc) {
        tool_err(t, "unexpected argument '%s'", t->argv[0]);
        return EXIT_USAGE;
    }
    if (t->type && xlc_guest_type_parse(t->type, &type, &err)) {
        tool_err(t, "%s", err.msg);
        return EXIT_USAGE;
    }
    rc = tool_system_policies(t, &s, &backend);
    if (!rc)
        rc = caps_of(t, backend, &caps);
    if (!rc && xlc_leak_report(s, &caps, type, &r, &err)) {
        tool_err(t, "%s", err.msg);
        rc = EXIT_REFUSED;
    }
    if (!rc)
        rc = print(t, &r);
    xlc_system_policies_free(s);
    return rc;
}
