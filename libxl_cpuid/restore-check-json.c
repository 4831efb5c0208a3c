/* SPDX-License-Identifier: MIT */
#include "restore-check.h"
#include "strbuf.h"

static const char *kind_name(enum xlc_reason_kind k)
{
    switch (k) {
    case XLC_REASON_FEATURE: return "feature";
    case XLC_REASON_UNKNOWN: return "unknown-bit";
    case XLC_REASON_LIMIT: return "limit";
    case XLC_REASON_TYPE: return "guest-type";
    }
    return "?";
}

static void put_reason(struct xlc_buf *b, const struct xlc_restore_verdict *v,
                       size_t i)
{
    const struct xlc_restore_reason *r = &v->reasons[i];
    char text[256];

    xlc_buf_printf(b, "{\"kind\": \"%s\"", kind_name(r->kind));
    if (r->kind == XLC_REASON_FEATURE || r->kind == XLC_REASON_UNKNOWN)
        xlc_buf_printf(b, ", \"word\": \"%s\", \"bit\": %u",
                       xfs_words[r->value / 32].key, r->value % 32);
    if (r->kind == XLC_REASON_FEATURE) {
        xlc_buf_puts(b, ", \"name\": ");
        xlc_buf_json_str(b, r->name);
    }
    if (r->kind == XLC_REASON_LIMIT) {
        xlc_buf_puts(b, ", \"name\": ");
        xlc_buf_json_str(b, r->name);
        xlc_buf_printf(b, ", \"guest\": \"0x%x\", \"destination\": \"0x%x\"",
                       r->guest, r->dest);
    }
    xlc_restore_reason_text(v, i, text, sizeof(text));
    xlc_buf_puts(b, ", \"text\": ");
    xlc_buf_json_str(b, text);
    xlc_buf_putc(b, '}');
}

char *xlc_restore_verdict_json(const struct xlc_restore_verdict *v)
{
    struct xlc_buf b = XLC_BUF_INIT;

    xlc_buf_printf(&b,
                   "{\"verdict\": \"%s\", \"guest_type\": \"%s\", "
                   "\"policy\": \"%s\", \"msr_policy\": \"%s\", "
                   "\"featureset\": \"",
                   v->accept ? "accept" : "refuse",
                   v->domain_type == XFS_STREAM_DOM_X86_PV ? "pv" : "hvm",
                   v->compat_policy ? "compatibility" : "recorded",
                   v->msr_missing ? "destination-default" : "recorded");
    for (unsigned int w = 0; w < XFS_NR_WORDS; w++)
        xlc_buf_printf(&b, "%s%08x", w ? ":" : "", v->guest_fs[w]);
    xlc_buf_printf(&b,
                   "\", \"limits\": {\"basic\": \"0x%x\", \"leaf7\": \"0x%x\", "
                   "\"extended\": \"0x%x\"}, \"reasons\": [",
                   v->guest.basic, v->guest.feat, v->guest.extd);
    for (size_t i = 0; i < v->nr_reasons; i++) {
        if (i)
            xlc_buf_puts(&b, ", ");
        put_reason(&b, v, i);
    }
    xlc_buf_puts(&b, "]}");
    return xlc_buf_take(&b);
}
