/* SPDX-License-Identifier: MIT */
/*
 * A guest as a user names it (what `xen-cpuid level ... guest:SOURCE`
 * takes), loaded as a guest of the guest verdict (guest-verdict.h), never
 * as a host:
 *   FILE.xml with a libvirt <cpu> (alone or in a <domain>)
 *                   the libvirt form: resolved on each host with libvirt's
 *                   guest semantics (optional = only where available,
 *                   forbid = refused where provided, ...);
 *   a migration stream, a policy file (JSON)
 *                   the policy form: a recorded guest, judged as Xen 4.17
 *                   restores it;
 *   a featureset (xxxxxxxx:..., or a file holding one)
 *                   the featureset form: exactly these features;
 *   a CPUID dump (either format), @live
 *                   the guest a domain of the type gets there with no
 *                   CPUID settings: that host's default policy, recorded
 *                   (what `record --cpuid DUMP` writes), in the policy
 *                   form.
 * A stream or policy file saved for the other guest type is refused.
 */
#ifndef LIBXL_CPUID_GUEST_SOURCE_H
#define LIBXL_CPUID_GUEST_SOURCE_H

#include "guest-verdict.h"

struct xlc_gv_source {
    struct xlc_gv_guest guest;     /* for xlc_guest_verdict(); points into
                                      this structure */
    const char *what;              /* "libvirt <cpu>", "migration stream",
                                      "policy file", "featureset",
                                      "CPUID dump", "live CPU" */
    /* What the guest points to. */
    uint32_t fs[XFS_NR_WORDS];
    struct xlc_policy_entries entries;
    struct xlc_lv_cpu *cpu;
};

/*
 * Load `source` for guests of `type`; map is needed (non-NULL) only when
 * the source is a libvirt <cpu>, else -EINVAL says so.  Returns 0 or a
 * negative errno with the file and what was wrong in err.
 */
int xlc_gv_source_load(const char *source, enum xlc_guest_type type,
                       const struct xlc_cpu_map *map,
                       struct xlc_gv_source **out, xlc_error *err);
/*
 * The system policies a level source has: a CPUID dump's (simulated Xen
 * with default options) or, for @live, the running Xen's (else the
 * simulated one over this CPU).  *sys is NULL for sources without CPUID
 * (featuresets, saved policies, libvirt host <cpu>s): such a host is
 * known only by its featureset (xlc_gv_host_from_featureset).  Returns 0
 * or -ENOMEM; a dump that does not load is taken as no facts.
 */
int xlc_gv_host_facts_load(const char *source,
                           struct xlc_system_policies **sys, xlc_error *err);

void xlc_gv_source_free(struct xlc_gv_source *s);

#endif /* LIBXL_CPUID_GUEST_SOURCE_H */
