/* SPDX-License-Identifier: MIT */
/*
 * What leaks through on each host of a pool (level-report.h): each
 * host's leak report, taken with its input, measured against what the
 * guest's policy holds there -- the guest CPU, or guest:SOURCE as Xen
 * runs it on that host -- and the pool's counts.
 */
#include <string.h>

#include "../verdict/guest-verdict.h"
#include "level-input.h"
#include "level-report-int.h"

/* The guest's featureset on host `id`; NULL when it was not judged. */
static const uint32_t *guest_on(const struct xlc_level_report *r, size_t id)
{
    if (!r->have_guest)
        return r->guest_cpu;
    return r->guest_verdicts && r->guest_verdicts[id]
               ? r->guest_verdicts[id]->fs : NULL;
}

/* Why nothing is known of what leaks on a host read from `source`. */
static const char *no_data(const char *source)
{
    switch (xlc_input_kind(source)) {
    case XLC_INPUT_FEATURESET:
    case XLC_INPUT_FEATURESET_FILE:
        return "a featureset holds neither the host's CPUID nor its MSRs";
    case XLC_INPUT_STREAM:
    case XLC_INPUT_POLICY_FILE:
        return "a saved policy is a guest's, not the host's CPUID";
    case XLC_INPUT_LIBVIRT_CPU:
        return "a libvirt <cpu> names features, not the host's CPUID or "
               "MSRs";
    default:
        return "the input holds no CPUID data of the host";
    }
}

static void count(struct xlc_level_leak_counts *c,
                  const struct xlc_level_leaks *l)
{
    const struct xlc_guest_leaks *g;

    if (!l->known) {
        c->hosts_no_data++;
        return;
    }
    g = &l->of->guest;
    c->hosts_leaking += !xfs_empty(g->leaks, XFS_NR_WORDS);
    c->hosts_may_leak += !xfs_empty(g->may_leak, XFS_NR_WORDS);
    c->hosts_page1gb += g->page1gb;
    xfs_or(c->leaks, XFS_NR_WORDS, c->leaks, XFS_NR_WORDS, g->leaks,
           XFS_NR_WORDS);
    xfs_or(c->may_leak, XFS_NR_WORDS, c->may_leak, XFS_NR_WORDS,
           g->may_leak, XFS_NR_WORDS);
}

void xlc_level_report_leaks(struct xlc_level_report *r)
{
    /* The hosts of one file share one copy of its name: tell its kind
     * once, not once per host (telling reads the file). */
    const char *src = NULL, *why = NULL;

    memset(&r->leak_counts, 0, sizeof(r->leak_counts));
    for (size_t id = 0; id < xlc_pool_nr_ids(r->pool); id++) {
        struct xlc_level_leaks *l = &r->leaks[id];
        const uint32_t *g = guest_on(r, id);

        if (!xlc_pool_has(r->pool, id))
            continue;
        if (!l->known) {
            if (r->sources[id] != src || !why)
                why = no_data(src = r->sources[id]);
            l->why_unknown = why;
        }
        else if (!g) {
            l->known = false;
            l->why_unknown = "the guest could not be judged there";
        }
        if (l->known)
            xlc_guest_leaks_of(&l->of->host, g, &l->of->guest);
        count(&r->leak_counts, l);
    }
}
