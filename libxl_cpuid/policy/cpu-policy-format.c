/* SPDX-License-Identifier: MIT */
/*
 * Policies as text (the layout of Xen's `xen-cpuid -p`) and as JSON.
 * Both walk the serialised form, so what is shown is exactly what a
 * migration stream or a domctl would carry.
 */
#include <errno.h>
#include <inttypes.h>

#include "cpu-policy.h"

static bool leaf_is_zero(const struct xfs_cpuid_leaf *l)
{
    return !l->a && !l->b && !l->c && !l->d;
}

void xlc_policy_format_text(struct xlc_buf *b, const char *name,
                            const struct xfs_cpu_policy *p)
{
    struct xlc_policy_entries r;
    xlc_error err = { 0 };

    if (xlc_policy_serialise(p, &r, &err)) {
        b->oom |= err.code == ENOMEM;
        xlc_buf_printf(b, "%s policy: cannot be serialised\n", name);
        return;
    }
    xlc_buf_printf(b, "%s policy: %zu leaves, %zu MSRs\n", name,
                   r.nr_leaves, r.nr_msrs);
    xlc_buf_puts(b, " CPUID:\n");
    xlc_buf_printf(b, "  %-8s %-8s -> %-8s %-8s %-8s %-8s\n", "leaf",
                   "subleaf", "eax", "ebx", "ecx", "edx");
    for (size_t i = 0; i < r.nr_leaves; i++) {
        const struct xfs_cpuid_leaf *l = &r.leaves[i];

        if (leaf_is_zero(l))     /* counted above, not worth a line */
            continue;
        xlc_buf_printf(b, "  %08" PRIx32 ":%08" PRIx32 " -> %08" PRIx32
                          ":%08" PRIx32 ":%08" PRIx32 ":%08" PRIx32 "\n",
                       l->leaf, l->subleaf, l->a, l->b, l->c, l->d);
    }
    xlc_buf_puts(b, " MSRs:\n");
    xlc_buf_printf(b, "  %-8s -> %-16s\n", "index", "value");
    for (size_t i = 0; i < r.nr_msrs; i++)
        xlc_buf_printf(b, "  %08" PRIx32 " -> %016" PRIx64 "\n",
                       r.msrs[i].idx, r.msrs[i].val);
    xlc_policy_entries_free(&r);
}

static void json_leaf(struct xlc_buf *b, const struct xfs_cpuid_leaf *l)
{
    xlc_buf_printf(b, "{\"leaf\":\"0x%08" PRIx32 "\",\"subleaf\":", l->leaf);
    if (l->subleaf == XFS_CPUID_NO_SUBLEAF)
        xlc_buf_puts(b, "null");
    else
        xlc_buf_printf(b, "%" PRIu32, l->subleaf);
    xlc_buf_printf(b, ",\"eax\":\"0x%08" PRIx32 "\",\"ebx\":\"0x%08" PRIx32
                      "\",\"ecx\":\"0x%08" PRIx32 "\",\"edx\":\"0x%08" PRIx32
                      "\"}",
                   l->a, l->b, l->c, l->d);
}

void xlc_policy_format_json(struct xlc_buf *b, const char *name,
                            const struct xfs_cpu_policy *p)
{
    struct xlc_policy_entries r = { 0 };
    xlc_error err = { 0 };

    if (xlc_policy_serialise(p, &r, &err))
        b->oom |= err.code == ENOMEM;
    xlc_buf_puts(b, "{\"name\":");
    xlc_buf_json_str(b, name);
    xlc_buf_puts(b, ",\"vendor\":");
    xlc_buf_json_str(b, xfs_vendor_name(xfs_vendor_from_leaf0(
                            p->basic[0].b, p->basic[0].c, p->basic[0].d)));
    xlc_buf_printf(b, ",\"max_leaf\":\"0x%08" PRIx32 "\",\"max_extd_leaf\":"
                      "\"0x%08" PRIx32 "\",\"leaves\":[",
                   xfs_policy_max_leaf(p), xfs_policy_max_extd_leaf(p));
    for (size_t i = 0; i < r.nr_leaves; i++) {
        if (i)
            xlc_buf_putc(b, ',');
        json_leaf(b, &r.leaves[i]);
    }
    xlc_buf_puts(b, "],\"msrs\":[");
    for (size_t i = 0; i < r.nr_msrs; i++)
        xlc_buf_printf(b, "%s{\"index\":\"0x%08" PRIx32 "\",\"value\":"
                          "\"0x%016" PRIx64 "\"}",
                       i ? "," : "", r.msrs[i].idx, r.msrs[i].val);
    xlc_buf_puts(b, "]}");
    xlc_policy_entries_free(&r);
}
