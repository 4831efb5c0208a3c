/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "tool-policies.h"

static int exit_for(int rc)
{
    switch (rc) {
    case -ENOMEM: return EXIT_INTERNAL;
    case -ENODEV: return EXIT_BACKEND;
    default: return EXIT_INPUT;
    }
}

int tool_system_policies(struct tool *t, struct xlc_system_policies **s,
                         const char **backend)
{
    const char *want = t->backend ? t->backend : "auto";
    struct xlc_sim_opts o = { t->cpuid_file, t->no_hap, t->boot_cpuid };
    bool simulate = t->cpuid_file || t->no_hap || t->boot_cpuid;
    xlc_error err = { 0 };
    int rc;

    if (strcmp(want, "auto") && strcmp(want, "xen") && strcmp(want, "sim")) {
        tool_err(t, "--backend %s: expected auto, xen or sim", want);
        return EXIT_USAGE;
    }
    if (!strcmp(want, "xen") && simulate) {
        tool_err(t, "--cpuid, --no-hap and --boot-cpuid describe a simulated "
                    "Xen; they do not apply to --backend xen");
        return EXIT_USAGE;
    }
    if (!strcmp(want, "xen") || (!strcmp(want, "auto") && !simulate)) {
        *backend = "xen";
        rc = xlc_xen_system_policies(s, &err);
        if (!rc || strcmp(want, "auto") || rc != -ENODEV)
            goto done;
    }
    *backend = "sim";
    rc = xlc_system_policies_load(&o, s, &err);
done:
    if (rc) {
        tool_err(t, "%s", err.msg);
        return exit_for(rc);
    }
    return EXIT_OK;
}

const char *tool_policies_description(const struct xlc_system_policies *s,
                                      const char *backend)
{
    static char text[4200];

    if (!strcmp(backend, "xen"))
        return "the running Xen";
    snprintf(text, sizeof(text), "simulated Xen 4.17 over %s", s->source);
    return text;
}
