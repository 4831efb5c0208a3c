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

static int parse_backend(struct tool *t, enum xlc_backend *b)
{
    if (!t->backend || !strcmp(t->backend, "auto"))
        *b = XLC_BACKEND_AUTO;
    else if (!strcmp(t->backend, "xen"))
        *b = XLC_BACKEND_XEN;
    else if (!strcmp(t->backend, "sim"))
        *b = XLC_BACKEND_SIM;
    else {
        tool_err(t, "--backend '%s': expected auto, xen or sim", t->backend);
        return EXIT_USAGE;
    }
    if (*b == XLC_BACKEND_XEN &&
        (t->cpuid_file || t->no_hap || t->boot_cpuid)) {
        tool_err(t, "--cpuid, --no-hap and --boot-cpuid simulate a "
                 "hypervisor: they cannot be used with --backend xen");
        return EXIT_USAGE;
    }
    return EXIT_OK;
}

/* Library error -> exit code: unusable Xen, bad input, or our failure. */
static int exit_for(int rc)
{
    switch (-rc) {
    case ENODEV: return EXIT_BACKEND;
    case ENOMEM: return EXIT_INTERNAL;
    default: return EXIT_INPUT;
    }
}

int tool_open_handle(struct tool *t, xlc_handle **h)
{
    struct xlc_open_opts o = {
        .cpuid_file = t->cpuid_file,
        .no_hap = t->no_hap,
        .boot_cpuid = t->boot_cpuid,
    };
    xlc_error err = { 0 };
    int rc;

    rc = parse_backend(t, &o.backend);
    if (rc)
        return rc;
    rc = xlc_open(&o, h, &err);
    if (rc) {
        tool_err(t, "%s", err.msg);
        return exit_for(rc);
    }
    return EXIT_OK;
}

int tool_get_featuresets(struct tool *t, xlc_handle *h,
                         struct tool_featuresets *s)
{
    xlc_error err = { 0 };
    int rc;

    memset(s, 0, sizeof(*s));
    if (xlc_get_featureset_size(h, &s->nr, &err)) {
        tool_err(t, "%s", err.msg);
        return EXIT_BACKEND;
    }
    for (unsigned int i = 0; i < TOOL_NR_SETS; i++) {
        s->fs[i] = calloc(s->nr ? s->nr : 1, sizeof(uint32_t));
        if (!s->fs[i]) {
            tool_err(t, "out of memory");
            tool_featuresets_free(s);
            return EXIT_INTERNAL;
        }
        s->len[i] = s->nr;
        rc = xlc_get_featureset(h, i, &s->len[i], s->fs[i], &err);
        if (rc == -EOPNOTSUPP) {
            s->unsupported[i] = true;
            s->len[i] = 0;
        } else if (rc) {
            tool_err(t, "%s featureset: %s", tool_set_names[i], err.msg);
            tool_featuresets_free(s);
            return rc == -ENOMEM ? EXIT_INTERNAL : EXIT_BACKEND;
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
