/* SPDX-License-Identifier: MIT */
/*
 * xen-cpuid -p [DOMID] (Xen's) and xen-cpuid policy [DOMID] (ours): the
 * six system CPU policies, or one domain's, as CPUID leaves and MSRs in
 * the layout of Xen 4.17's `xen-cpuid -p`, or as JSON.
 *
 * System policies come from --cpuid FILE (a dump; simulated Xen), the
 * running Xen (--backend xen), or with --backend auto/sim and no file the
 * live CPU through the simulated Xen (auto tries the running Xen first).
 * A domain's policy only exists on a running Xen (libxenctrl).  For an
 * HVM domain `policy DOMID` (ours, not Xen's -p) goes on with its Hyper-V
 * enlightenments: HVM_PARAM_VIRIDIAN and the leaves Xen answers the guest
 * from it, which are not part of the CPU policy (its 0x40000000 entry
 * holds only a limit).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../libxl_cpuid/viridian/viridian.h"
#include "info-common.h"
#include "tool-handle.h"
#include "tool-output.h"

static void text(struct xlc_buf *b, const struct xlc_system_policies *s)
{
    xlc_buf_printf(b, "Xen reports there are maximum %u leaves and %u MSRs\n",
                   XFS_POLICY_MAX_LEAVES, XFS_POLICY_MAX_MSRS);
    for (unsigned int k = 0; k < XFS_SYSCTL_cpu_featureset_nr; k++) {
        unsigned int i = xlc_policy_order[k];

        /* As Xen: a built-in type the host cannot run is served, all
         * zero; only a type not built in is unsupported. */
        if (!s->pol.served[i])
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
        if (s->pol.served[i]) {
            xlc_policy_format_json(b, xlc_policy_name(i), &s->pol.p[i]);
            continue;
        }
        xlc_buf_puts(b, "{\"name\":");
        xlc_buf_json_str(b, xlc_policy_name(i));
        xlc_buf_puts(b, ",\"supported\":false}");
    }
    xlc_buf_puts(b, "]}\n");
}

static int system_report(struct tool *t, xlc_handle *h)
{
    struct xlc_system_policies *s = NULL;
    struct xlc_buf b = XLC_BUF_INIT;
    const char *backend = xlc_backend_in_use(h) == XLC_BACKEND_XEN ? "xen"
                                                                  : "sim";
    int rc = tool_system_policies(t, h, &s);

    if (rc)
        return rc;
    if (t->json)
        json(&b, s, backend);
    else
        text(&b, s);
    if (!t->json && t->show_backend) {
        xlc_buf_printf(&b, "\nBackend: %s\n",
                       tool_policies_description(s, h));
        /* Xen's layout has no room for it: with the backend line. */
        if (s->pol.p[XFS_SYSCTL_cpu_featureset_raw].xstate_assumed) {
            xlc_buf_puts(&b, "note: ");
            tool_xstate_note(&b, s);
            xlc_buf_putc(&b, '\n');
        }
    }
    xlc_system_policies_free(s);
    return tool_emit(t, &b);
}

/* Xen's refusal: Xen's tool's words and status on a Xen invocation. */
static int domain_refused(struct tool *t, int domid, int rc,
                          const xlc_error *err)
{
    if (!t->xen_invocation)
        return tool_fail(t, rc, err);
    if (rc == -ENOBUFS)
        fprintf(stderr, "%s: xc_cpu_policy_serialise: %s\n",
                program_invocation_short_name, strerror(ENOBUFS));
    else
        fprintf(stderr, "%s: xc_cpu_policy_get_domain(, %d, ): %s\n",
                program_invocation_short_name, domid, strerror(-rc));
    return 1;
}

/* The domain's HVM_PARAM_VIRIDIAN: *has false for a PV domain. */
static int domain_viridian(struct tool *t, xlc_handle *h, int domid,
                           bool *has, uint64_t *param,
                           struct xfs_viridian_leaves *l)
{
    struct xlc_system_policies *s = NULL;
    struct xlc_viridian_host_info host;
    xlc_error err = { 0 };
    int rc = xlc_handle_domain_hvm_param(h, (uint32_t)domid,
                                         XFS_HVM_PARAM_VIRIDIAN, param, &err);

    *has = false;
    if (rc == -EINVAL)
        return EXIT_OK;         /* a PV domain has no HVM parameters */
    if (rc)
        return tool_fail(t, rc, &err);
    rc = tool_system_policies(t, h, &s);
    if (rc)
        return rc;
    xlc_viridian_host_from_system(s, &host);
    xlc_system_policies_free(s);
    xfs_viridian_leaves(*param, &host.facts, XFS_VIRIDIAN_OS_ID_WINDOWS, l);
    *has = true;
    return EXIT_OK;
}

static void viridian_text(struct xlc_buf *b, const char *name, uint64_t p,
                          const struct xfs_viridian_leaves *l)
{
    xlc_viridian_set g = 0;

    if (!p) {
        xlc_buf_printf(b, "\n%s Hyper-V enlightenments: none "
                       "(HVM_PARAM_VIRIDIAN 0; Xen's own leaves stay at "
                       "0x40000000)\n", name);
        return;
    }
    xlc_buf_printf(b, "\n%s Hyper-V enlightenments: HVM_PARAM_VIRIDIAN "
                   "0x%llx (", name, (unsigned long long)p);
    xlc_viridian_param_names(b, p, false);
    xlc_buf_puts(b, ")\n");
    if (!xlc_viridian_param_to_set(p, &g, NULL, NULL)) {
        xlc_buf_puts(b, "  groups: ");
        xlc_viridian_set_names(b, g, false);
        xlc_buf_putc(b, '\n');
    }
    xlc_buf_puts(b, "  leaves as a Windows guest sees them (Xen computes "
                    "them from the parameter):\n");
    xlc_viridian_leaves_table(b, l, "    ");
}

static void viridian_json(struct xlc_buf *b, bool has, uint64_t p,
                          const struct xfs_viridian_leaves *l)
{
    xlc_viridian_set g = 0;

    xlc_buf_puts(b, ",\"viridian\":");
    if (!has) {
        xlc_buf_puts(b, "null");
        return;
    }
    xlc_viridian_param_to_set(p, &g, NULL, NULL);
    xlc_buf_printf(b, "{\"hvm_param_viridian\":%llu,\"bits\":",
                   (unsigned long long)p);
    xlc_viridian_param_names(b, p, true);
    xlc_buf_puts(b, ",\"groups\":");
    xlc_viridian_set_names(b, g, true);
    xlc_buf_puts(b, ",\"leaves\":");
    xlc_viridian_leaves_json(b, l, "");
    xlc_buf_putc(b, '}');
}

static int domain_report(struct tool *t, xlc_handle *h, int domid)
{
    struct xfs_viridian_leaves leaves;
    uint64_t vparam = 0;
    bool has_viridian = false;
    struct xlc_policy_entries r = { 0 };
    struct xfs_cpu_policy *p = calloc(1, sizeof(*p));
    struct xlc_buf b = XLC_BUF_INIT;
    xlc_error err = { 0 };
    char name[32];
    int rc = EXIT_INTERNAL;

    if (!p) {
        tool_err(t, "out of memory");
        goto out;
    }
    rc = xlc_handle_domain_entries(h, (uint32_t)domid, &r, &err);
    if (rc == -ENODEV || rc == -ENOMEM) {
        /* No running Xen (the simulated one has no domains), or no memory:
         * ours to say, on any command line. */
        rc = tool_fail(t, rc, &err);
        goto out;
    }
    if (rc) {
        rc = domain_refused(t, domid, rc, &err);
        goto out;
    }
    xfs_policy_zero(p);
    rc = xlc_policy_deserialise(p, &r, &err);
    if (rc) {
        xlc_error_prefix(&err, "domain %d: Xen's policy", domid);
        rc = tool_fail(t, rc, &err);
        goto out;
    }
    snprintf(name, sizeof(name), "Domain %d", domid);
    if (!t->xen_invocation) {
        rc = domain_viridian(t, h, domid, &has_viridian, &vparam, &leaves);
        if (rc)
            goto out;
    }
    if (t->json) {
        xlc_buf_printf(&b, "{\"backend\":\"xen\",\"domid\":%d,\"policy\":",
                       domid);
        xlc_policy_format_json(&b, name, p);
        viridian_json(&b, has_viridian, vparam, &leaves);
        xlc_buf_puts(&b, "}\n");
    } else {
        xlc_policy_format_text(&b, name, p);
        if (has_viridian)
            viridian_text(&b, name, vparam, &leaves);
        if (t->show_backend)
            xlc_buf_puts(&b, "\nBackend: the running Xen\n");
    }
    rc = tool_emit(t, &b);
out:
    xlc_policy_entries_free(&r);
    free(p);
    return rc;
}

int run_policy_report(struct tool *t, bool domain, int domid)
{
    xlc_handle *h;
    int rc;

    /* A domain exists only on a running Xen: auto means Xen for it, unless
     * simulation options ask for the simulated one (which says it has
     * none). */
    if (domain && !t->backend_given && !t->cpuid_file && !t->no_hap &&
        !t->boot_cpuid)
        t->backend = XLC_BACKEND_XEN;
    rc = tool_open_handle(t, &h);

    if (!rc)
        rc = domain ? domain_report(t, h, domid) : system_report(t, h);
    xlc_close(h);
    return rc;
}

/* Ours: `policy [DOMID]`, DOMID a plain decimal domain id. */
int cmd_policy(struct tool *t)
{
    char *end;
    long domid;

    if (t->argc > 1)
        return tool_usage(t, "unexpected argument '%s' (takes at most a "
                          "DOMID)", t->argv[1]);
    if (!t->argc)
        return run_policy_report(t, false, 0);
    errno = 0;
    domid = strtol(t->argv[0], &end, 10);
    if (errno || *end || end == t->argv[0] || domid < 0 ||
        domid > 0x7fef) {
        return tool_usage(t, "'%s': not a domain id (0 to 32751)",
                          t->argv[0]);
    }
    return run_policy_report(t, true, (int)domid);
}
