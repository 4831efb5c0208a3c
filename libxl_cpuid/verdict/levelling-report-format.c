/* SPDX-License-Identifier: MIT */
/* The leak report as text and JSON (levelling-report.h). */
#include <stdio.h>
#include <string.h>

#include "../names/featureset-text.h"
#include "levelling-report.h"

static const char *const cap_keys[XFS_LCAP_NR] = {
    "faulting", "1c", "1d", "e1c", "e1d", "Da1", "6c", "7a0", "7b0",
};

static const char *msr_name(uint32_t msr)
{
    return msr == XFS_MSR_PLATFORM_INFO ? "MSR_PLATFORM_INFO"
                                        : "MSR_MISC_FEATURES_ENABLES";
}

static void faulting_why(struct xlc_buf *b, const struct xfs_levelling *l)
{
    switch (l->faulting_why) {
    case XFS_FAULT_PRESENT:
        xlc_buf_puts(b, "MSR_PLATFORM_INFO bit 31 set, "
                        "MSR_MISC_FEATURES_ENABLES readable");
        break;
    case XFS_FAULT_NOT_PROBED_AMD:
        xlc_buf_puts(b, "Xen 4.17 probes it on AMD and Hygon only when "
                        "virtualised");
        if (l->cpuid_user_dis)
            xlc_buf_puts(b, " (this CPU has CpuidUserDis, which Xen 4.18 "
                            "and later use)");
        break;
    case XFS_FAULT_NOT_PROBED_P4:
        xlc_buf_puts(b, "Intel family 0xf has none");
        break;
    case XFS_FAULT_NOT_PROBED_VENDOR:
        xlc_buf_puts(b, "Xen 4.17 sets up no CPUID levelling for this "
                        "vendor");
        break;
    case XFS_FAULT_NO_PLATFORM_INFO:
    case XFS_FAULT_NO_MISC_ENABLES:
        xlc_buf_printf(b, "%s cannot be read", msr_name(l->faulting_msr));
        break;
    case XFS_FAULT_BIT_CLEAR:
        xlc_buf_puts(b, "MSR_PLATFORM_INFO bit 31 is clear");
        break;
    default:
        xlc_buf_printf(b, "MSR %#x (%s) is not in the CPUID data",
                       l->faulting_msr, msr_name(l->faulting_msr));
        break;
    }
}

static void cap_list(struct xlc_buf *b, uint32_t caps, bool json)
{
    bool first = true;

    for (unsigned int i = 0; i < XFS_LCAP_NR; i++)
        if (caps & (1u << i)) {
            xlc_buf_printf(b, json ? "%s\"%s\"" : "%s%s", first ? "" :
                           json ? "," : " ", cap_keys[i]);
            first = false;
        }
    if (first && !json)
        xlc_buf_puts(b, "none");
}

/* The features of word w, in our spelling: " a b" in text, "a","b" in
 * JSON (the caller writes the brackets). */
static void names(struct xlc_buf *b, unsigned int w, uint32_t bits, bool json)
{
    const struct xlc_bits_list l = { XLC_BIT_OURS, XLC_BITS_ALL,
                                     json ? "," : " ", json };

    if (!json && bits)
        xlc_buf_putc(b, ' ');
    xlc_featureset_word_bits(b, w, bits, &l);
}

static void text_caps(struct xlc_buf *b, const struct xlc_levelling *c)
{
    const struct xfs_levelling *l = &c->lv;

    xlc_buf_puts(b, "levelling caps:  present: ");
    cap_list(b, l->present, false);
    xlc_buf_puts(b, "; unknown: ");
    cap_list(b, l->unknown, false);
    xlc_buf_printf(b, " (%s)\n", c->from_xen
                   ? "XEN_SYSCTL_get_cpu_levelling_caps"
                   : "derived as Xen 4.17 would from the CPUID data");
    if (c->from_xen)
        return;
    xlc_buf_printf(b, "  faulting        %s: ", xlc_tristate_name(l->faulting));
    faulting_why(b, l);
    xlc_buf_putc(b, '\n');
    if (!l->nr_masks)
        xlc_buf_printf(b, "  masks           none for vendor %s family %#x "
                       "model %#x%s\n", xfs_vendor_name(l->vendor),
                       l->family, l->model,
                       l->faulting == XFS_YES ? " (not probed: faulting)"
                                              : "");
    for (unsigned int i = 0; i < l->nr_masks; i++) {
        xlc_buf_printf(b, "  mask MSR %#-10x ", l->masks[i].msr);
        cap_list(b, l->masks[i].caps, false);
        xlc_buf_printf(b, ": %s\n", l->masks[i].readable == XFS_YES
                       ? "in the CPUID data" : l->masks[i].readable == XFS_NO
                       ? "cannot be read" : "unknown: not in the CPUID data");
    }
}

void xlc_leak_report_text(struct xlc_buf *b, const struct xlc_leak_report *r)
{
    text_caps(b, &r->caps);
    xlc_buf_printf(b, "%s guests: what their own CPUID instruction sees "
                   "whatever their policy says\n",
                   xlc_guest_type_name(r->type));
    for (unsigned int w = 0; w < XFS_NR_WORDS; w++) {
        const struct xlc_leak_word *lw = &r->words[w];

        xlc_buf_printf(b, "  [%02u] %-6s %-8s", w, xfs_words[w].key,
                       xlc_word_control_name(lw->control));
        if (lw->seen) {
            xlc_buf_puts(b, lw->control == XLC_WORD_MASKED ? " forwarded:"
                         : lw->control == XLC_WORD_UNKNOWN ? " would leak:"
                                                           : " leaks:");
            names(b, w, lw->seen, false);
        }
        if (lw->beyond_max) {
            xlc_buf_printf(b, "; beyond %s max:", xlc_guest_type_name(r->type));
            names(b, w, lw->beyond_max, false);
        }
        xlc_buf_putc(b, '\n');
    }
    xlc_buf_puts(b, "no host can hide from any guest:\n");
    xlc_buf_printf(b, "  1 GiB pages     %s\n", !r->page1gb
                   ? "the host has none"
                   : r->page1gb_unhideable
                   ? "the host has them: an HVM guest under HAP that probes "
                     "finds them, whatever its policy"
                   : r->type == XLC_GUEST_HVM
                   ? "the host has them; shadow paging maps none for guests"
                   : "the host has them; Xen maps none for PV guests");
    xlc_buf_puts(b, "  MXCSR_MASK      the hardware's, in every FXSAVE image "
                    "(not in CPUID data: unknown)\n");
    xlc_buf_printf(b, "  x87 pointers    fdp_excp_only %s, no_fpu_sel %s "
                   "(the hardware's behaviour)\n",
                   r->fdp_excp_only ? "yes" : "no",
                   r->no_fpu_sel ? "yes" : "no");
}

static void json_caps(struct xlc_buf *b, const struct xlc_levelling *c)
{
    const struct xfs_levelling *l = &c->lv;

    xlc_buf_printf(b, "\"caps\":{\"source\":\"%s\",\"value\":\"0x%03x\","
                   "\"present\":[", c->from_xen ? "hypervisor" : "derived",
                   l->present);
    cap_list(b, l->present, true);
    xlc_buf_puts(b, "],\"unknown\":[");
    cap_list(b, l->unknown, true);
    xlc_buf_puts(b, "]");
    if (!c->from_xen) {
        xlc_buf_printf(b, ",\"faulting\":\"%s\",\"faulting_reason\":",
                       xlc_tristate_name(l->faulting));
        {
            struct xlc_buf why = { 0 };

            faulting_why(&why, l);
            xlc_buf_json_str(b, why.s ? why.s : "");
            xlc_buf_free(&why);
        }
        xlc_buf_puts(b, ",\"masks\":[");
        for (unsigned int i = 0; i < l->nr_masks; i++) {
            xlc_buf_printf(b, "%s{\"msr\":\"0x%08x\",\"caps\":[", i ? "," : "",
                           l->masks[i].msr);
            cap_list(b, l->masks[i].caps, true);
            xlc_buf_printf(b, "],\"readable\":\"%s\"}",
                           xlc_tristate_name(l->masks[i].readable));
        }
        xlc_buf_puts(b, "]");
    }
    xlc_buf_puts(b, "}");
}

void xlc_leak_report_json(struct xlc_buf *b, const struct xlc_leak_report *r)
{
    xlc_buf_printf(b, "{\"guest_type\":\"%s\",", xlc_guest_type_name(r->type));
    json_caps(b, &r->caps);
    xlc_buf_puts(b, ",\"words\":[");
    for (unsigned int w = 0; w < XFS_NR_WORDS; w++) {
        const struct xlc_leak_word *lw = &r->words[w];

        xlc_buf_printf(b, "%s{\"word\":%u,\"key\":\"%s\",\"control\":\"%s\","
                       "\"seen\":[", w ? "," : "", w, xfs_words[w].key,
                       xlc_word_control_name(lw->control));
        names(b, w, lw->seen, true);
        xlc_buf_puts(b, "],\"beyond_max\":[");
        names(b, w, lw->beyond_max, true);
        xlc_buf_puts(b, "]}");
    }
    xlc_buf_printf(b, "],\"unhideable\":{\"page1gb\":%s,"
                   "\"page1gb_usable_by_guests\":%s,\"mxcsr_mask\":null,"
                   "\"fdp_excp_only\":%s,\"no_fpu_sel\":%s}}\n",
                   r->page1gb ? "true" : "false",
                   r->page1gb_unhideable ? "true" : "false",
                   r->fdp_excp_only ? "true" : "false",
                   r->no_fpu_sel ? "true" : "false");
}

/* ---- one guest's leaks on one host ---- */

static void feature_names(struct xlc_buf *b, const uint32_t *fs, bool json)
{
    const struct xlc_bits_list l = { XLC_BIT_OURS, XLC_BITS_ALL,
                                     json ? "," : " ", json };

    xlc_featureset_bits(b, fs, XFS_NR_WORDS, &l);
}

/* What the data lacks to decide the words it cannot: the MSRs. */
static void undecided(struct xlc_buf *b, const struct xlc_levelling *c)
{
    const struct xfs_levelling *l = &c->lv;
    unsigned int masks = 0;

    if (l->faulting == XFS_UNKNOWN)
        xlc_buf_printf(b, "CPUID faulting (MSR %#x)", l->faulting_msr);
    for (unsigned int i = 0; i < l->nr_masks; i++) {
        if (l->masks[i].readable != XFS_UNKNOWN)
            continue;
        if (!masks++)
            xlc_buf_puts(b, l->faulting == XFS_UNKNOWN ? " and mask MSRs"
                                                       : "mask MSRs");
        xlc_buf_printf(b, " %#x", l->masks[i].msr);
    }
    xlc_buf_puts(b, ": not in the CPUID data");
}

void xlc_guest_leaks_text(struct xlc_buf *b, const struct xlc_leak_report *r,
                          const struct xlc_guest_leaks *g, const char *guest,
                          const char *why_unknown)
{
    const unsigned int *n = g->nr_words;
    bool said = false;

    if (!r) {
        xlc_buf_printf(b, "unknown: %s", why_unknown ? why_unknown : "?");
        return;
    }
    if (r->type == XLC_GUEST_HVM) {
        xlc_buf_puts(b, "nothing: HVM guests exit to Xen on every CPUID");
        said = true;
    } else if (!n[XLC_WORD_LEAKS] && !n[XLC_WORD_UNKNOWN]) {
        xlc_buf_puts(b, n[XLC_WORD_MASKED] ? "nothing: every CPUID word is "
                        "faulted or masked" : "nothing: CPUID faults");
        said = true;
    }
    if (!said && n[XLC_WORD_LEAKS]) {
        xlc_buf_printf(b, "%u word%s", n[XLC_WORD_LEAKS],
                       n[XLC_WORD_LEAKS] == 1 ? " leaks" : "s leak");
        if (!xfs_empty(g->leaks, XFS_NR_WORDS)) {
            xlc_buf_printf(b, ", beyond %s: ", guest);
            feature_names(b, g->leaks, false);
        } else {
            xlc_buf_printf(b, ", nothing beyond %s", guest);
        }
    }
    if (!said && n[XLC_WORD_UNKNOWN]) {
        xlc_buf_printf(b, "%s%u word%s unknown (", n[XLC_WORD_LEAKS] ? "; "
                       : "", n[XLC_WORD_UNKNOWN],
                       n[XLC_WORD_UNKNOWN] == 1 ? "" : "s");
        undecided(b, &r->caps);
        xlc_buf_putc(b, ')');
        if (!xfs_empty(g->may_leak, XFS_NR_WORDS)) {
            xlc_buf_printf(b, ", would leak beyond %s: ", guest);
            feature_names(b, g->may_leak, false);
        } else {
            xlc_buf_printf(b, ", nothing beyond %s", guest);
        }
    }
    if (g->page1gb)
        xlc_buf_printf(b, "; 1 GiB pages: the host has them, %s does not: a "
                       "guest that probes finds them", guest);
}

/* The capabilities undecided() names, compared. */
static bool same_undecided(const struct xfs_levelling *a,
                           const struct xfs_levelling *b)
{
    if (a->faulting != b->faulting || a->nr_masks != b->nr_masks ||
        (a->faulting == XFS_UNKNOWN && a->faulting_msr != b->faulting_msr))
        return false;
    for (unsigned int i = 0; i < a->nr_masks && i < XFS_MAX_MASK_PROBES; i++)
        if (a->masks[i].readable != b->masks[i].readable ||
            a->masks[i].msr != b->masks[i].msr)
            return false;
    return true;
}

/* Every field xlc_guest_leaks_text() reads, and a few more: a key that
 * says "same" too seldom costs time, one that says it too often would
 * print a wrong line. */
bool xlc_guest_leaks_text_same(const struct xlc_leak_report *ra,
                               const struct xlc_guest_leaks *ga,
                               const char *why_a,
                               const struct xlc_leak_report *rb,
                               const struct xlc_guest_leaks *gb,
                               const char *why_b)
{
    if (!ra || !rb)
        return !ra && !rb && why_a && why_b && !strcmp(why_a, why_b);
    if (ra->type != rb->type || ga->page1gb != gb->page1gb ||
        memcmp(ga->nr_words, gb->nr_words, sizeof(ga->nr_words)) ||
        memcmp(ga->leaks, gb->leaks, sizeof(ga->leaks)) ||
        memcmp(ga->may_leak, gb->may_leak, sizeof(ga->may_leak)))
        return false;
    return same_undecided(&ra->caps.lv, &rb->caps.lv);
}

uint32_t xlc_guest_leaks_text_hash(const struct xlc_leak_report *r,
                                   const struct xlc_guest_leaks *g)
{
    uint32_t h = 2166136261u;

    if (!r)
        return h;
    h = (h ^ (uint32_t)r->type) * 16777619u;
    for (unsigned int w = 0; w < XFS_NR_WORDS; w++)
        h = (h ^ g->leaks[w] ^ (g->may_leak[w] << 1)) * 16777619u;
    for (unsigned int c = 0; c <= XLC_WORD_MSR; c++)
        h = (h ^ g->nr_words[c]) * 16777619u;
    return h;
}

void xlc_guest_leaks_json(struct xlc_buf *b, const struct xlc_leak_report *r,
                          const struct xlc_guest_leaks *g,
                          const char *why_unknown)
{
    if (!r) {
        xlc_buf_puts(b, "{\"known\":false,\"why_unknown\":");
        xlc_buf_json_str(b, why_unknown ? why_unknown : "?");
        xlc_buf_putc(b, '}');
        return;
    }
    xlc_buf_printf(b, "{\"known\":true,\"guest_type\":\"%s\",",
                   xlc_guest_type_name(r->type));
    json_caps(b, &r->caps);
    xlc_buf_puts(b, ",\"words\":{");
    for (unsigned int c = XLC_WORD_FAULTED; c <= XLC_WORD_MSR; c++)
        xlc_buf_printf(b, "%s\"%s\":%u", c ? "," : "",
                       xlc_word_control_name((enum xlc_word_control)c),
                       g->nr_words[c]);
    xlc_buf_puts(b, "},\"beyond_guest\":[");
    feature_names(b, g->leaks, true);
    xlc_buf_puts(b, "],\"may_leak_beyond_guest\":[");
    feature_names(b, g->may_leak, true);
    xlc_buf_printf(b, "],\"page1gb\":%s,\"page1gb_usable_by_guests\":%s,"
                   "\"page1gb_beyond_guest\":%s,"
                   "\"fdp_excp_only\":%s,\"no_fpu_sel\":%s}",
                   r->page1gb ? "true" : "false",
                   r->page1gb_unhideable ? "true" : "false",
                   g->page1gb ? "true" : "false",
                   r->fdp_excp_only ? "true" : "false",
                   r->no_fpu_sel ? "true" : "false");
}
