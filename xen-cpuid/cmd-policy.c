/* SPDX-License-Identifier: MIT */
/*
 * xen-cpuid policy (-p): the six system CPU policies as CPUID leaves and
 * MSRs, in the layout of Xen's `xen-cpuid -p`, or as JSON.
 *
 * Source: --cpuid FILE (a dump; simulated Xen), the running Xen
 * (--backend xen), or with --backend auto/sim and no file the live CPU
 * through the simulated Xen (auto tries the running Xen first).
 */
#include <stdio.h>
#include <stdlib.h>

#include "tool-policies.h"

static void text(struct xlc_buf *b, const struct xlc_system_policies *s,
                 const char *backend)
{
    xlc_buf_printf(b, "%s (%s): a policy holds at most %u leaves and %u "
                      "MSRs\n",
                   backend, s->source, XFS_POLICY_MAX_LEAVES,
                   XFS_POLICY_MAX_MSRS);
    if (s->pol.p[XFS_SYSCTL_cpu_featureset_raw].xstate_assumed) {
        xlc_buf_puts(b, "note: ");
        tool_xstate_note(b, s);
        xlc_buf_putc(b, '\n');
    }
    for (unsigned int k = 0; k < XFS_SYSCTL_cpu_featureset_nr; k++) {
        unsigned int i = xlc_policy_order[k];

        if (!s->pol.present[i])
            xlc_buf_printf(b, "%s policy not supported by Xen\n",
                           xlc_policy_name(i));
        else
            xlc_policy_format_text(b, xlc_policy_name(i), &s->pol.p[i]);
    }
}

static void json(struct xlc_buf *b, const struct xlc_system_policies *s,
                 const char *backend)
{
    xlc_buf_puts(b, "{\"backend\":");
    xlc_buf_json_str(b, backend);
    xlc_buf_puts(b, ",\"source\":");
    xlc_buf_json_str(b, s->source);
    xlc_buf_puts(b, ",\"xstate_layout_assumed\":");
    tool_xstate_note_json(b, s);
    xlc_buf_printf(b, ",\"max_leaves\":%u,\"max_msrs\":%u,\"policies\":[",
                   XFS_POLICY_MAX_LEAVES, XFS_POLICY_MAX_MSRS);
    for (unsigned int k = 0; k < XFS_SYSCTL_cpu_featureset_nr; k++) {
        unsigned int i = xlc_policy_order[k];

        if (k)
            xlc_buf_putc(b, ',');
        if (s->pol.present[i]) {
            xlc_policy_format_json(b, xlc_policy_name(i), &s->pol.p[i]);
            continue;
        }
        xlc_buf_puts(b, "{\"name\":");
        xlc_buf_json_str(b, xlc_policy_name(i));
        xlc_buf_puts(b, ",\"supported\":false}");
    }
    xlc_buf_puts(b, "]}\n");
}

int cmd_policy(struct tool *t)
{
    struct xlc_system_policies *s = NULL;
    struct xlc_buf b = XLC_BUF_INIT;
    const char *backend = "sim";
    int rc;

    if (t->argc) {
        tool_err(t, "unexpected argument '%s' (domain policies need a "
                    "running Xen and are not supported)", t->argv[0]);
        return EXIT_USAGE;
    }
    rc = tool_system_policies(t, &s, &backend);
    if (rc)
        return rc;
    if (t->json)
        json(&b, s, backend);
    else
        text(&b, s, backend);
    xlc_system_policies_free(s);
    if (b.oom) {
        tool_err(t, "out of memory");
        xlc_buf_free(&b);
        return EXIT_INTERNAL;
    }
    fputs(b.s, stdout);
    xlc_buf_free(&b);
    return EXIT_OK;
}
