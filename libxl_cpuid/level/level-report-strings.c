/* SPDX-License-Identifier: MIT */
/*
 * The guest CPU as the two things people paste: one xl cpuid= string for
 * every host, and one libvirt <cpu>.  Both are withheld when the pool is
 * unusable (level-report.h): a string that would be wrong somewhere is
 * worse than none.
 *
 * The xl string acts on each host's own default set.  The report knows
 * every host's default, so it asks xlc_xl_cpuid_reverse_range for one
 * string taking any default between their intersection (lo) and union
 * (hi) to the guest CPU.  Inverted bits are left out of both outputs: Xen
 * shows none of them to guests, and a <cpu> may not require a host's
 * weakness of another host.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "level-report-int.h"
#include "../libvirt/libvirt-translate.h"
#include "../xl/xl-cpuid.h"

#define NW XFS_NR_WORDS

/* The guest CPU without inverted bits: what the outputs give. */
static void wanted(const struct xlc_level_report *r, uint32_t out[NW])
{
    xfs_andnot(out, NW, r->guest_cpu, NW,
               xfs_static_masks[XFS_MASK_INVERTED], NW);
}

/* "the pool is unusable: A; B" */
static char *unusable_text(const struct xlc_level_report *r)
{
    struct xlc_buf b = XLC_BUF_INIT;

    xlc_buf_puts(&b, "the pool is unusable: ");
    for (size_t i = 0; i < r->nr_why_unusable; i++)
        xlc_buf_printf(&b, "%s%s", i ? "; " : "", r->why_unusable[i]);
    return xlc_buf_take(&b);
}

static int xl_string(struct xlc_level_report *r)
{
    const uint32_t *inv = xfs_static_masks[XFS_MASK_INVERTED];
    uint32_t want[NW], lo[NW], hi[NW], d[NW];
    xlc_error err = { 0 };

    wanted(r, want);
    memset(lo, 0xff, sizeof(lo));
    memset(hi, 0, sizeof(hi));
    for (size_t id = 0; id < xlc_pool_nr_ids(r->pool); id++) {
        if (!xlc_pool_has(r->pool, id))
            continue;
        xlc_pool_host_default(r->pool, id, d);
        xfs_and(lo, NW, lo, NW, d, NW);
        xfs_or(hi, NW, hi, NW, d, NW);
    }
    xfs_andnot(lo, NW, lo, NW, inv, NW);
    xfs_andnot(hi, NW, hi, NW, inv, NW);
    if (xlc_xl_cpuid_reverse_range(want, lo, hi, &r->xl_cpuid, &err))
        r->xl_why_not = strdup(err.msg);
    return r->xl_cpuid || r->xl_why_not ? 0 : -ENOMEM;
}

static int lv_cpu(struct xlc_level_report *r,
                  const struct xlc_level_options *opts)
{
    const struct xlc_props_level *pl = &r->level.props;
    struct xlc_lv_decoded *dec;
    struct xlc_lv_host h;
    uint32_t want[NW];
    xlc_error err;

    if (!opts->map) {
        r->lv_why_not = strdup(opts->map_why_not ? opts->map_why_not
                                                 : "no cpu_map");
        return r->lv_why_not ? 0 : -ENOMEM;
    }
    memset(&h, 0, sizeof(h));
    if (pl->nr_known)
        memcpy(h.vendor, pl->value.vendor, sizeof(h.vendor));
    wanted(r, want);
    if (xlc_lv_decode(opts->map, &h, want, &dec, &err)) {
        r->lv_why_not = strdup(err.msg);
        return r->lv_why_not ? 0 : -ENOMEM;
    }
    r->lv_xml = xlc_lv_decoded_xml(dec);
    memcpy(r->lv_unnamed, dec->unnamed, sizeof(r->lv_unnamed));
    if (r->lv_xml && xlc_model_pins_add(&r->pins, opts->map, dec->model,
                                        &err)) {
        free(r->lv_xml);
        r->lv_xml = NULL;
    }
    xlc_lv_decoded_free(dec);
    return r->lv_xml ? 0 : -ENOMEM;
}

int xlc_level_report_strings(struct xlc_level_report *r,
                             const struct xlc_level_options *opts)
{
    if (!r->usable) {
        r->xl_why_not = unusable_text(r);
        r->lv_why_not = unusable_text(r);
        return r->xl_why_not && r->lv_why_not ? 0 : -ENOMEM;
    }
    if (xl_string(r))
        return -ENOMEM;
    return lv_cpu(r, opts);
}
