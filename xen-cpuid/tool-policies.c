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

static uint64_t assumed(const struct xlc_system_policies *s)
{
    return s->pol.p[XFS_SYSCTL_cpu_featureset_raw].xstate_assumed;
}

void tool_xstate_note(struct xlc_buf *b, const struct xlc_system_policies *s)
{
    uint64_t m = assumed(s);

    if (!m)
        return;
    xlc_buf_puts(b, "XSAVE layout of component");
    xlc_buf_puts(b, m & (m - 1) ? "s" : "");
    for (unsigned int i = 0; i < 64; i++)
        if ((m >> i) & 1)
            xlc_buf_printf(b, " %u (%s)", i, xlc_xstate_component_name(i));
    xlc_buf_puts(b, " as the vendor documents it, not read (the CPUID data "
                    "has no leaf 0xd subleaf for ");
    xlc_buf_puts(b, m & (m - 1) ? "them" : "it");
    xlc_buf_puts(b, ", or an empty one)");
}

void tool_xstate_note_json(struct xlc_buf *b,
                           const struct xlc_system_policies *s)
{
    uint64_t m = assumed(s);
    const char *sep = "";

    xlc_buf_putc(b, '[');
    for (unsigned int i = 0; i < 64; i++)
        if ((m >> i) & 1) {
            xlc_buf_printf(b, "%s%u", sep, i);
            sep = ",";
        }
    xlc_buf_putc(b, ']');
}

const char *tool_policies_description(const struct xlc_system_policies *s,
                                      const char *backend)
{
    static char text[8192];
    struct xlc_buf note = XLC_BUF_INIT;

    if (!strcmp(backend, "xen"))
        return "the running Xen";
    tool_xstate_note(&note, s);
    snprintf(text, sizeof(text), "simulated Xen 4.17 over %s%s%s%s",
             s->source, note.s ? " (" : "", note.s ? note.s : "",
             note.s ? ")" : "");
    xlc_buf_free(&note);
    return text;
}
