/* SPDX-License-Identifier: MIT */
/*
 * `xen-cpuid level` and libvirt: the cpu_map for <cpu> inputs, and the
 * level described as a libvirt <cpu> (the libvirt helper's host decode:
 * best model plus added and removed features).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "level-tool.h"

const struct xlc_cpu_map *level_cpu_map(struct level_run *r, xlc_error *err)
{
    xlc_error mine;

    if (r->map_rc == 1) {
        r->map_rc = xlc_cpu_map_load(r->t->cpu_map, &r->map, &mine);
        if (r->map_rc)
            r->map_error = strdup(mine.msg);
    }
    if (r->map_rc)
        xlc_fail(err, -r->map_rc, "%s",
                 r->map_error ? r->map_error : "cpu_map: out of memory");
    return r->map_rc ? NULL : r->map;
}

static void why_not(struct level_run *r, const char *msg)
{
    r->lv_why_not = strdup(msg);
}

void level_libvirt_output(struct level_run *r)
{
    const struct xlc_props_level *pl = &r->level.props;
    const struct xlc_cpu_map *map;
    struct xlc_lv_decoded *dec;
    struct xlc_lv_host h;
    xlc_error err;

    if (pl->differs[XLC_PROP_VENDOR]) {
        why_not(r, "the pool mixes vendors; one <cpu> cannot describe it");
        return;
    }
    map = level_cpu_map(r, &err);
    if (!map) {
        why_not(r, err.msg);
        return;
    }
    memset(&h, 0, sizeof(h));
    if (pl->nr_known)
        memcpy(h.vendor, pl->value.vendor, sizeof(h.vendor));
    if (xlc_lv_decode(map, &h, r->level.sets.level, &dec, &err)) {
        why_not(r, err.msg);
        return;
    }
    r->lv_xml = xlc_lv_decoded_xml(dec);
    memcpy(r->lv_unnamed, dec->unnamed, sizeof(r->lv_unnamed));
    xlc_lv_decoded_free(dec);
    if (!r->lv_xml)
        why_not(r, "out of memory");
}
