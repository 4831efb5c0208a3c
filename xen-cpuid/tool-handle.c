/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tool-handle.h"

const char *const tool_set_names[TOOL_NR_SETS] = {
    [XFS_SYSCTL_cpu_featureset_raw] = "Raw",
    [XFS_SYSCTL_cpu_featureset_host] = "Host",
    [XFS_SYSCTL_cpu_featureset_pv] = "PV Default",
    [XFS_SYSCTL_cpu_featureset_hvm] = "HVM Default",
    [XFS_SYSCTL_cpu_featureset_pv_max] = "PV Max",
    [XFS_SYSCTL_cpu_featureset_hvm_max] = "HVM Max",
};

int tool_open_handle(struct tool *t, xlc_handle **h)
{
    struct xlc_open_opts o = {
        .backend = t->backend,
        .cpuid_file = t->cpuid_file,
        .no_hap = t->no_hap,
        .boot_cpuid = t->boot_cpuid,
        /* Xen's invocations print what Xen's tool prints, libxenctrl's
         * own error lines included. */
        .xen_log_stderr = t->xen_invocation,
    };
    xlc_error err = { 0 };
    int rc;

    *h = NULL;
    if (t->backend == XLC_BACKEND_XEN &&
        (t->cpuid_file || t->no_hap || t->boot_cpuid))
        return tool_usage(t, "--cpuid, --no-hap and --boot-cpuid simulate "
                          "a hypervisor: they cannot be used with --backend "
                          "xen");
    rc = xlc_open(&o, h, &err);
    return rc ? tool_fail(t, rc, &err) : EXIT_OK;
}

int tool_system_policies(struct tool *t, xlc_handle *h,
                         struct xlc_system_policies **s)
{
    xlc_error err = { 0 };
    int rc = xlc_handle_system_policies(h, s, &err);

    return rc ? tool_fail(t, rc, &err) : EXIT_OK;
}

int tool_host_policies(struct tool *t, struct xlc_system_policies **s,
                       const char **host)
{
    xlc_handle *h;
    int rc = tool_open_handle(t, &h);

    *s = NULL;
    if (!rc)
        rc = tool_system_policies(t, h, s);
    if (!rc)
        *host = tool_policies_description(*s, h);
    xlc_close(h);
    return rc;
}

/*
 * A featureset query the hypervisor answered with an error: whatever it
 * was, no input of the user's is wrong; the backend is unusable.
 */
static int query_failed(int rc)
{
    return tool_exit_for(rc == -ENOMEM ? rc : -ENODEV);
}

int tool_get_featuresets(struct tool *t, xlc_handle *h,
                         struct tool_featuresets *s)
{
    xlc_error err = { 0 };
    int rc;

    memset(s, 0, sizeof(*s));
    rc = xlc_get_featureset_size(h, &s->nr, &err);
    if (rc) {
        tool_err(t, "%s", err.msg);
        return query_failed(rc);
    }
    for (unsigned int i = 0; i < TOOL_NR_SETS; i++) {
        s->fs[i] = calloc(s->nr ? s->nr : 1, sizeof(uint32_t));
        if (!s->fs[i]) {
            tool_err(t, "out of memory");
            tool_featuresets_free(s);
            return tool_exit_for(-ENOMEM);
        }
        s->len[i] = s->nr;
        rc = xlc_get_featureset(h, i, &s->len[i], s->fs[i], &err);
        if (rc == -EOPNOTSUPP) {
            s->unsupported[i] = true;
            s->len[i] = 0;
        } else if (rc) {
            tool_err(t, "%s featureset: %s", tool_set_names[i], err.msg);
            tool_featuresets_free(s);
            return query_failed(rc);
        }
    }
    return EXIT_OK;
}

void tool_featuresets_free(struct tool_featuresets *s)
{
    for (unsigned int i = 0; i < TOOL_NR_SETS; i++) {
        free(s->fs[i]);
        s->fs[i] = NULL;
    }
}

static const char *reg_name(enum xfs_reg r)
{
    static const char *const names[] = {
        [XFS_EAX] = "eax", [XFS_EBX] = "ebx", [XFS_ECX] = "ecx",
        [XFS_EDX] = "edx", [XFS_MSR_LO] = "lo", [XFS_MSR_HI] = "hi",
    };

    return (unsigned int)r < sizeof(names) / sizeof(*names) ? names[r] : "?";
}

void tool_word_label(unsigned int word, char *buf, size_t n)
{
    const struct xfs_word_info *w;

    if (word >= XFS_NR_WORDS) {
        snprintf(buf, n, "<UNKNOWN>");
        return;
    }
    w = &xfs_words[word];
    if (w->src == XFS_SRC_MSR && w->leaf == XFS_MSR_ARCH_CAPABILITIES)
        snprintf(buf, n, "MSR_ARCH_CAPS.%s", reg_name(w->reg));
    else if (w->src == XFS_SRC_MSR)
        snprintf(buf, n, "MSR 0x%08x.%s", w->leaf, reg_name(w->reg));
    else if (w->subleaf == XFS_NO_SUBLEAF)
        snprintf(buf, n, "CPUID 0x%08x.%s", w->leaf, reg_name(w->reg));
    else
        snprintf(buf, n, "CPUID 0x%08x:%u.%s", w->leaf, w->subleaf,
                 reg_name(w->reg));
}

/* ---- describing the system policies ---- */

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
                                      const xlc_handle *h)
{
    static char text[8192];
    struct xlc_buf note = XLC_BUF_INIT;

    if (xlc_backend_in_use(h) == XLC_BACKEND_XEN)
        return "the running Xen";
    tool_xstate_note(&note, s);
    snprintf(text, sizeof(text), "simulated Xen 4.17 over %s%s%s%s",
             s->source, note.s ? " (" : "", note.s ? note.s : "",
             note.s ? ")" : "");
    xlc_buf_free(&note);
    return text;
}
