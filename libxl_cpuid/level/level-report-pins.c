/* SPDX-License-Identifier: MIT */
/*
 * The models a guest:SOURCE <cpu> relied on, host by host, pinned in the
 * report (the libvirt <cpu>'s own model is pinned where it is decoded,
 * level-report-strings.c).
 */
#include "level-report-int.h"
#include "../verdict/guest-source.h"

int xlc_level_report_pins(struct xlc_level_report *r, xlc_error *err)
{
    const struct xlc_cpu_map *map =
        r->guest_src ? r->guest_src->guest.map : NULL;
    int rc = 0;

    for (size_t id = 0; map && r->guest_verdicts && !rc &&
                        id < xlc_pool_nr_ids(r->pool); id++) {
        const struct xlc_guest_verdict *v = r->guest_verdicts[id];

        if (v && v->lv && v->lv->model)
            rc = xlc_model_pins_add(&r->pins, map, v->lv->model, err);
    }
    return rc;
}
