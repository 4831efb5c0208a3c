/* SPDX-License-Identifier: MIT */
/*
 * The guest verdict's parts (guest-verdict.h): hosts, the lists of
 * reasons and changes, names, text and JSON forms.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../policy/applied-policy.h"
#include "guest-verdict-int.h"
#include "../util/strbuf.h"

void xlc_gv_host_from_system(struct xlc_gv_host *h,
                             const struct xlc_system_policies *sys,
                             enum xlc_guest_type type)
{
    memset(h, 0, sizeof(*h));
    h->type = type;
    h->usable = xlc_lv_host_from_policies(&h->sets, type, sys) &&
                sys->pol.present[xlc_policy_index_default(type)];
    h->raw = &sys->pol.p[XFS_SYSCTL_cpu_featureset_raw];
    h->host = &sys->pol.p[XFS_SYSCTL_cpu_featureset_host];
    h->def = &sys->pol.p[xlc_policy_index_default(type)];
    h->max = &sys->pol.p[xlc_policy_index_max(type)];
}

void xlc_gv_host_from_featureset(struct xlc_gv_host *h,
                                 enum xlc_guest_type type,
                                 const uint32_t max[XFS_NR_WORDS],
                                 const char *vendor)
{
    memset(h, 0, sizeof(*h));
    h->type = type;
    h->usable = !xfs_empty(max, XFS_NR_WORDS);
    memcpy(h->sets.host, max, sizeof(h->sets.host));
    memcpy(h->sets.def, max, sizeof(h->sets.def));
    memcpy(h->sets.max, max, sizeof(h->sets.max));
    if (vendor && strlen(vendor) == 12)
        memcpy(h->sets.vendor, vendor, 13);
}

bool gv_full(const struct xlc_gv_host *h)
{
    return h->def && h->max && h->host && h->raw;
}

int gv_oom(xlc_error *err)
{
    return xlc_fail(err, ENOMEM, "out of memory judging a guest");
}

const char *gv_xen_name(unsigned int feature)
{
    const struct xfs_feature_info *fi = xfs_feature_by_value(feature);

    return fi ? fi->name : NULL;
}

int gv_reason(struct gv_build *b, enum xlc_gv_reason_kind kind,
              const char *tag, int feature, const char *xen, const char *lv,
              const char *fmt, ...)
{
    struct xlc_guest_verdict *v = b->v;
    struct xlc_gv_reason *r;
    va_list ap;

    if (xlc_grow(&v->reasons, &b->cap_reasons, v->nr_reasons, sizeof(*r)))
        return -ENOMEM;
    r = &v->reasons[v->nr_reasons];
    memset(r, 0, sizeof(*r));
    va_start(ap, fmt);
    r->text = xlc_vformat(fmt, ap);
    va_end(ap);
    if (!r->text)
        return -ENOMEM;
    r->kind = kind, r->tag = tag, r->feature = feature;
    r->xen_name = xen, r->lv_name = lv;
    v->nr_reasons++;
    return 0;
}

int gv_change(struct gv_build *b, enum xlc_gv_change_kind kind,
              const char *tag, int feature, const char *xen, const char *lv,
              const char *fmt, ...)
{
    struct xlc_guest_verdict *v = b->v;
    struct xlc_gv_change *c;
    va_list ap;

    if (xlc_grow(&v->changes, &b->cap_changes, v->nr_changes, sizeof(*c)))
        return -ENOMEM;
    c = &v->changes[v->nr_changes];
    va_start(ap, fmt);
    c->text = xlc_vformat(fmt, ap);
    va_end(ap);
    if (!c->text)
        return -ENOMEM;
    c->kind = kind, c->tag = tag, c->feature = feature;
    c->xen_name = xen, c->lv_name = lv;
    v->nr_changes++;
    return 0;
}

static enum xlc_gv_reason_kind kind_of(enum xfs_compat_kind k)
{
    switch (k) {
    case XFS_COMPAT_VENDOR: return XLC_GV_VENDOR;
    case XFS_COMPAT_FEATURE: return XLC_GV_FEATURE;
    case XFS_COMPAT_XSTATE_COMPONENT:
    case XFS_COMPAT_XSTATE_LAYOUT:
    case XFS_COMPAT_XSAVE_SIZE: return XLC_GV_XSAVE;
    case XFS_COMPAT_MSR_BITS: return XLC_GV_MSR;
    default: return XLC_GV_LIMIT;
    }
}

int gv_compat_reason(struct gv_build *b, const struct xfs_compat_reason *r,
                     char *text)
{
    bool feature = r->kind == XFS_COMPAT_FEATURE;
    int rc;

    if (!text)
        return -ENOMEM;
    rc = gv_reason(b, kind_of(r->kind), xlc_compat_kind_name(r->kind),
                   feature ? (int)r->item : -1,
                   feature ? gv_xen_name(r->item) : NULL, NULL, "%s", text);
    free(text);
    if (!rc) {
        b->v->reasons[b->v->nr_reasons - 1].has_compat = true;
        b->v->reasons[b->v->nr_reasons - 1].compat = *r;
    }
    return rc;
}

void xlc_guest_verdict_free(struct xlc_guest_verdict *v)
{
    if (!v)
        return;
    for (size_t i = 0; i < v->nr_reasons; i++)
        free(v->reasons[i].text);
    for (size_t i = 0; i < v->nr_changes; i++)
        free(v->changes[i].text);
    free(v->reasons);
    free(v->changes);
    xlc_lv_translation_free(v->lv);
    free(v->xl);
    free(v);
}

const char *xlc_gv_form_name(enum xlc_gv_form f)
{
    static const char *const n[] = { "default", "featureset", "policy",
                                     "libvirt", "xl-cpuid" };

    return (unsigned int)f < sizeof(n) / sizeof(n[0]) ? n[f] : "?";
}

const char *xlc_gv_reason_kind_name(enum xlc_gv_reason_kind k)
{
    static const char *const n[] = { "guest-type", "feature", "forbidden",
                                     "vendor", "limit", "xsave", "msr",
                                     "settings" };

    return (unsigned int)k < sizeof(n) / sizeof(n[0]) ? n[k] : "?";
}

const char *xlc_gv_change_kind_name(enum xlc_gv_change_kind k)
{
    static const char *const n[] = { "dropped", "cleared", "kept",
                                     "normalised", "compat-policy", "note",
                                     "unchecked" };

    return (unsigned int)k < sizeof(n) / sizeof(n[0]) ? n[k] : "?";
}

char *xlc_guest_verdict_reasons_text(const struct xlc_guest_verdict *v)
{
    struct xlc_buf b = XLC_BUF_INIT;

    xlc_buf_puts(&b, "");
    for (size_t i = 0; i < v->nr_reasons; i++)
        xlc_buf_printf(&b, "%s%s", i ? "; " : "", v->reasons[i].text);
    return xlc_buf_take(&b);
}

static void json_opt(struct xlc_buf *b, const char *s)
{
    if (s)
        xlc_buf_json_str(b, s);
    else
        xlc_buf_puts(b, "null");
}

static void json_item(struct xlc_buf *b, const char *kind, const char *tag,
                      const char *xen, const char *lv, const char *text)
{
    xlc_buf_puts(b, "{\"kind\": ");
    xlc_buf_json_str(b, kind);
    xlc_buf_puts(b, ", \"tag\": ");
    json_opt(b, tag);
    xlc_buf_puts(b, ", \"xen\": ");
    json_opt(b, xen);
    xlc_buf_puts(b, ", \"libvirt\": ");
    json_opt(b, lv);
    xlc_buf_puts(b, ", \"text\": ");
    xlc_buf_json_str(b, text);
    xlc_buf_putc(b, '}');
}

char *xlc_guest_verdict_json(const struct xlc_guest_verdict *v)
{
    struct xlc_buf b = XLC_BUF_INIT;

    xlc_buf_printf(&b, "{\"verdict\": \"%s\", \"type\": \"%s\", "
                       "\"form\": \"%s\", \"reasons\": [",
                   v->runs ? "runs" : "refused", xlc_guest_type_name(v->type),
                   xlc_gv_form_name(v->form));
    for (size_t i = 0; i < v->nr_reasons; i++) {
        const struct xlc_gv_reason *r = &v->reasons[i];

        xlc_buf_puts(&b, i ? ", " : "");
        json_item(&b, xlc_gv_reason_kind_name(r->kind), r->tag, r->xen_name,
                  r->lv_name, r->text);
    }
    xlc_buf_puts(&b, "], \"changes\": [");
    for (size_t i = 0; i < v->nr_changes; i++) {
        const struct xlc_gv_change *c = &v->changes[i];

        xlc_buf_puts(&b, i ? ", " : "");
        json_item(&b, xlc_gv_change_kind_name(c->kind), c->tag, c->xen_name,
                  c->lv_name, c->text);
    }
    xlc_buf_puts(&b, "]}");
    return xlc_buf_take(&b);
}
