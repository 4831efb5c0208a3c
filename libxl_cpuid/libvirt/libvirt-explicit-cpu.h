/* SPDX-License-Identifier: MIT */
/*
 * A libvirt <cpu> made explicit: the named model's features spelled out,
 * so that what the guest gets no longer depends on that model's entry in
 * cpu_map.  libvirt's own answer to a model changing meaning is the same
 * (its expanded CPU, `virsh hypervisor-cpu-baseline --features`: every
 * feature of the model listed with policy='require'); but libvirt refuses
 * a custom <cpu> with features and no <model> ("Non-empty feature list
 * specified without CPU model"), and keeping the named model would let a
 * later cpu_map ADD features to the guest through it.  So:
 *
 *   <model>   the BASE model: of the map's models whose vendor is the
 *             target's (or none), the one with the fewest features outside
 *             the target, then the fewest features, then the first name.
 *             For a named model that is the smallest model within it (the
 *             model itself at worst); a host-model decode may have none,
 *             and then the base's features outside the target are
 *             disabled -- never a platform feature (the named model gets
 *             the host's default for those), and never with match=
 *             'minimum' or 'strict' (where the host's default set counts):
 *             such a base is not taken.  The base's features are
 *             required below too, so a later map can only add to the
 *             guest through the few features of the base.
 *   <feature policy='require'>
 *             every feature of the target that Xen's featureset can
 *             express, sorted by name, except those the <cpu> names
 *             itself, those its disable/forbid take away (the translation
 *             clears them with the disabled feature) and those missing a
 *             prerequisite in the target (the translation clears them).
 *   <feature policy='disable'>  the base's features outside the target.
 *   the <cpu>'s own <feature>s, as written, after those; its <vendor>,
 *   check= and <topology> are kept; match= is kept for custom mode;
 *   <model vendor_id=> is kept; fallback='forbid'.
 *
 * The target: the named model's features (custom), or host-model's
 * decode on this host (its model, plus its added, minus its removed
 * features: libvirt turns host-model into exactly such a custom <cpu>
 * when it starts a guest), or the expansion of a pin (model pins: the
 * pinned meaning, with today's names; see xlc_lv_explicit_pin).
 * Features Xen cannot express are not given (Xen alone decides them; a
 * require would be refused): the result lists them in a comment.
 * Elements with no effect on features (<cache>, <numa>, ...) are not
 * carried over and listed in the comment too.
 *
 * The promise: translated on any host for either guest type, the explicit
 * <cpu> gives the same verdict and the same featureset as the named one.
 * A <cpu> with an optional feature that model features depend on cannot
 * keep it (whether they go depends on each host): refused, naming them.
 */
#ifndef LIBXL_CPUID_LIBVIRT_EXPLICIT_CPU_H
#define LIBXL_CPUID_LIBVIRT_EXPLICIT_CPU_H

#include "libvirt-cpu.h"
#include "../cpumap/libvirt-cpumap.h"
#include "libvirt-model-pin.h"
#include "libvirt-translate.h"

struct xlc_lv_explicit {
    const char *spelled;                 /* the model spelled out */
    const struct xlc_lv_model *base;     /* the model the output names */
    const struct xlc_lv_feature **required;  /* sorted by name */
    size_t nr_required;
    const struct xlc_lv_feature **unsaid;    /* Xen cannot express them */
    size_t nr_unsaid;
    const struct xlc_lv_feature **disabled;  /* the base's, outside the
                                                target */
    size_t nr_disabled;
    char *xml;                           /* comment line, then the <cpu> */
};

/*
 * The explicit form of cpu: custom mode with a model, or host-model with
 * its decode on the host (decoded: the translation's).  Other modes name
 * no model: -EINVAL says so, as it does for an unknown name.
 */
int xlc_lv_explicit(const struct xlc_cpu_map *map,
                    const struct xlc_lv_cpu *cpu,
                    const struct xlc_lv_decoded *decoded,
                    struct xlc_lv_explicit **out, xlc_error *err);

/*
 * The pinned meaning with today's map: the target is, for each pinned
 * feature, today's feature with exactly its bits (whatever its name now);
 * -ENOENT names pinned features no feature of today's map defines.
 * cpu (may be NULL) gives the rest of the <cpu> as above.
 */
int xlc_lv_explicit_pin(const struct xlc_cpu_map *map,
                        const struct xlc_model_pin *pin,
                        const struct xlc_lv_cpu *cpu,
                        struct xlc_lv_explicit **out, xlc_error *err);

void xlc_lv_explicit_free(struct xlc_lv_explicit *e);

#endif /* LIBXL_CPUID_LIBVIRT_EXPLICIT_CPU_H */
