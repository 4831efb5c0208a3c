/* SPDX-License-Identifier: MIT */
#include <inttypes.h>

#include "../names/featureset-text.h"
#include "restore-check.h"
#include "../util/strbuf.h"

static bool numeric(enum xfs_compat_kind k)
{
    switch (k) {
    case XFS_COMPAT_MAX_LEAF:
    case XFS_COMPAT_MAX_FEAT_SUBLEAF:
    case XFS_COMPAT_MAX_EXTD_LEAF:
    case XFS_COMPAT_MAXPHYSADDR:
    case XFS_COMPAT_MAXLINADDR:
    case XFS_COMPAT_XSAVE_SIZE:
    case XFS_COMPAT_MSR_BITS:
        return true;
    default:
        return false;
    }
}

static void put_feature(struct xlc_buf *b, const struct xfs_compat_reason *r)
{
    const struct xfs_feature_info *fi = xfs_feature_by_value(r->item);

    xlc_buf_puts(b, ", \"name\": ");
    if (fi)
        xlc_buf_json_str(b, fi->name);
    else
        xlc_buf_puts(b, "null");
    xlc_buf_printf(b, ", \"word\": \"%s\", \"bit\": %" PRIu32,
                   xfs_words[r->item / 32].key, r->item % 32);
}

static void put_reason(struct xlc_buf *b, const struct xlc_restore_reason *r)
{
    const struct xfs_compat_reason *w = &r->why;

    if (r->guest_type) {
        xlc_buf_puts(b, "{\"kind\": \"guest-type\"");
    } else if (r->viridian) {
        xlc_buf_puts(b, "{\"kind\": \"viridian\"");
    } else {
        xlc_buf_printf(b, "{\"kind\": \"%s\"", xlc_compat_kind_name(w->kind));
        if (w->kind == XFS_COMPAT_FEATURE)
            put_feature(b, w);
        if (w->kind == XFS_COMPAT_XSTATE_COMPONENT ||
            w->kind == XFS_COMPAT_XSTATE_LAYOUT)
            xlc_buf_printf(b, ", \"component\": %" PRIu32, w->item);
        if (numeric(w->kind))
            xlc_buf_printf(b, ", \"guest\": \"0x%" PRIx64 "\", "
                              "\"destination\": \"0x%" PRIx64 "\"",
                           w->guest, w->host);
    }
    xlc_buf_puts(b, ", \"text\": ");
    xlc_buf_json_str(b, r->text);
    xlc_buf_putc(b, '}');
}

char *xlc_restore_verdict_json(const struct xlc_restore_verdict *v)
{
    struct xlc_buf b = XLC_BUF_INIT;
    uint32_t fs[XFS_NR_WORDS];

    xfs_policy_to_featureset(&v->guest, fs, XFS_NR_WORDS);
    xlc_buf_printf(&b,
                   "{\"verdict\": \"%s\", \"guest_type\": \"%s\", "
                   "\"policy\": \"%s\", \"msr_policy\": \"%s\", "
                   "\"featureset\": \"",
                   v->accept ? "accept" : "refuse",
                   xlc_guest_type_name(
                       xlc_guest_type_of_stream_domain(v->domain_type)),
                   v->compat_policy ? "compatibility" : "recorded",
                   v->msr_missing ? "destination-default" : "recorded");
    xlc_featureset_put(&b, fs, XFS_NR_WORDS);
    xlc_buf_printf(&b,
                   "\", \"limits\": {\"basic\": \"0x%" PRIx32 "\", "
                   "\"leaf7\": \"0x%" PRIx32 "\", \"extended\": \"0x%" PRIx32
                   "\"}, \"reasons\": [",
                   xfs_policy_max_leaf(&v->guest),
                   xfs_policy_max_feat_subleaf(&v->guest),
                   xfs_policy_max_extd_leaf(&v->guest));
    for (size_t i = 0; i < v->nr_reasons; i++) {
        if (i)
            xlc_buf_puts(&b, ", ");
        put_reason(&b, &v->reasons[i]);
    }
    xlc_buf_puts(&b, "], \"notes\": ");
    xlc_buf_json_strv(&b, v->notes, v->nr_notes, ", ");
    xlc_buf_puts(&b, ", \"leaks\": ");
    xlc_guest_leaks_json(&b, v->leaks_known ? &v->leaks : NULL,
                         &v->guest_leaks, v->why_unknown);
    xlc_buf_puts(&b, ", \"viridian\": ");
    if (v->has_viridian)
        xlc_viridian_dest_json(&b, &v->viridian);
    else
        xlc_buf_puts(&b, "null");
    xlc_buf_putc(&b, '}');
    return xlc_buf_take(&b);
}
