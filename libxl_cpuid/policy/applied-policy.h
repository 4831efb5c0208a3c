/* SPDX-License-Identifier: MIT */
/*
 * The applied policy: the full CPU policy a guest gets on a host, from the
 * host's system policies and the guest's settings, and its serialised form
 * (the leaves and MSRs a migration stream records, stream.h).  The guest
 * verdict (guest-verdict.h) decides; this is its answer as `record` needs
 * it (the steps below are the verdict's, restated for these settings).
 *
 * How it is built, whatever the settings:
 *   1. the guest featureset: the type's default featureset (no settings),
 *      a featureset given as is (e.g. one `level` computed for a pool),
 *      a libvirt <cpu> translated for this host (xlc_lv_translate), or an
 *      xl cpuid= string in either form (xlc_xl_cpuid_parse_any) applied to
 *      the default policy (xlc_xl_cpuid_apply; its numeric fields such
 *      as family are kept, the policy is built from that result);
 *   2. refused when it is not a set Xen could apply unchanged: bits in
 *      words this build does not know, or features whose prerequisites
 *      are absent (Xen would silently clear them; every one is named);
 *   3. the type's default policy with that featureset written into it and
 *      everything depending on the features recomputed
 *      (xfs_policy_apply_featureset: leaf limits, XSAVE leaf, ...), and
 *      the topology libxl gives every guest it builds
 *      (xlc_policy_toolstack_topology; for an xl cpuid= string before the
 *      string is applied, as libxl applies it after);
 *   4. recalculated as Xen does when it sets a domain's policy
 *      (xfs_policy_recalc_domain): `policy` is what the guest runs with;
 *   5. what was asked checked against what the domain may hold
 *      (xlc_domain_judged, xfs_policy_check_compat): every reason it does
 *      not fit is kept, see `refused`.
 * A libvirt <cpu> the host cannot honour (xlc_lv_evaluate's verdict
 * INCOMPATIBLE) is refused at step 1, its blockers the reasons; so is
 * an xl cpuid= string xlc_xl_cpuid_apply refuses (one reason per
 * problem, every feature named).
 */
#ifndef LIBXL_CPUID_APPLIED_POLICY_H
#define LIBXL_CPUID_APPLIED_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cpu-policy.h"
#include "../util/error.h"
#include "../libvirt/libvirt-translate.h"
#include "../migration/stream.h"

enum xlc_settings_kind {
    XLC_SETTINGS_DEFAULT,     /* the type's default policy */
    XLC_SETTINGS_FEATURESET,  /* a guest featureset */
    XLC_SETTINGS_LIBVIRT,     /* a libvirt <cpu> */
    XLC_SETTINGS_XL_CPUID,    /* an xl cpuid= string */
};

struct xlc_guest_settings {
    enum xlc_settings_kind kind;
    const uint32_t *fs;                 /* FEATURESET: nr_words words */
    size_t nr_words;
    const struct xlc_cpu_map *map;      /* LIBVIRT */
    const struct xlc_lv_cpu *cpu;
    const char *xl_cpuid;               /* XL_CPUID: libxl or xend form */
};

struct xlc_applied_policy {
    enum xlc_guest_type type;
    enum xlc_settings_kind from;
    uint32_t fs[XFS_NR_WORDS];           /* the guest featureset */
    struct xfs_cpu_policy policy;        /* the full guest policy */
    struct xlc_policy_entries entries;   /* its serialised form */
    struct xlc_lv_translation *lv;       /* LIBVIRT: notes, verdict */
    /*
     * Why this host cannot give the guest that policy: the libvirt
     * translation's blockers (the policy is then not built: all zero), or
     * every way the policy does not fit the type's max policy.  nr = 0:
     * the policy can be applied.
     */
    struct xlc_compat_report refused;
};

/* "default", "featureset", "libvirt", "xl-cpuid". */
const char *xlc_settings_kind_name(enum xlc_settings_kind k);

/*
 * Build the applied policy.  Returns 0 with *out set (check
 * (*out)->refused), or a negative errno: -EOPNOTSUPP when the host cannot
 * run the guest type at all, -EINVAL for settings that cannot be applied
 * (the message names every offending feature; an xl cpuid= string that
 * does not parse: the item or column), -ENOMEM.
 */
int xlc_applied_policy(const struct xlc_system_policies *sys,
                       enum xlc_guest_type type,
                       const struct xlc_guest_settings *g,
                       struct xlc_applied_policy **out, xlc_error *err);
void xlc_applied_policy_free(struct xlc_applied_policy *a);

/* 0 when the policy fits; else -EINVAL with every reason in err. */
int xlc_applied_policy_check(const struct xlc_applied_policy *a,
                             xlc_error *err);

/*
 * Step 2 on its own (featureset-apply.c): 0 when fs can be applied unchanged, else -EINVAL
 * naming bits in unknown words or every feature without a prerequisite.
 */
int xlc_featureset_check_applicable(const uint32_t *fs, size_t nr_words,
                                    xlc_error *err);
/*
 * Steps 2 and 3 on their own: `def` with featureset fs applied (raw gives
 * the XSAVE layout).  Returns 0 or -EINVAL naming what cannot be applied.
 */
int xlc_policy_with_featureset(const struct xfs_cpu_policy *def,
                               const struct xfs_cpu_policy *raw,
                               const uint32_t *fs, size_t nr_words,
                               struct xfs_cpu_policy *out, xlc_error *err);

/*
 * The topology libxl gives every guest it builds (guest-topology.c): what
 * Xen 4.17's xc_cpuid_apply_policy does once the features are chosen,
 * before the policy is set (and before an xl cpuid= list is applied on
 * top).  PV (the guest sees the host's topology): HTT and CMP_LEGACY as
 * in host_fs.  HVM (vLAPIC ID = vCPU ID x 2): HTT set, CMP_LEGACY clear,
 * leaf 1 EBX[23:16] doubled, Intel leaf 4 EAX[31:26] = 2n+1 and
 * EAX[25:14] = 0, AMD/Hygon 0x80000008 ECX NumberOfCores 2n+1 and
 * ApicIdCoreSize + 1, each within its field as libxenguest bounds it.
 */
void xlc_policy_toolstack_topology(struct xfs_cpu_policy *p, bool hvm,
                                   const uint32_t host_fs[XFS_NR_WORDS]);

/*
 * The domain's side of it (domain-policy.c).  Xen recalculates every
 * policy it sets for a domain (xfs_policy_recalc_domain): what the guest
 * runs with is `asked` recalculated against the type's max and the host
 * policy.  The recalculation silently drops what the domain may not have,
 * so a check must judge what was asked, not what is kept:
 *   *seen  = asked, with the MAXLINADDR Xen sets whatever was asked;
 *   *limit = max, its features those the domain may hold
 *            (xfs_domain_max_featureset) less those the recalculation
 *            took from this guest all the same, and the MAXPHYSADDR
 *            the recalculation gives this guest when that is more than
 *            max's (36 bits for a PAE guest on a 32-bit host).
 * xfs_policy_check_compat(limit, seen) then names every feature the guest
 * asked for (or saw) and does not keep, and every limit that does not fit.
 */
void xlc_domain_opts_for(const struct xfs_cpu_policy *asked, bool hvm,
                         struct xfs_domain_opts *o);
void xlc_domain_policy(const struct xfs_cpu_policy *asked,
                       const struct xfs_cpu_policy *max,
                       const struct xfs_cpu_policy *host, bool hvm,
                       struct xfs_cpu_policy *out);
void xlc_domain_judged(const struct xfs_cpu_policy *asked,
                       const struct xfs_cpu_policy *kept,
                       const struct xfs_cpu_policy *max, bool hvm,
                       struct xfs_cpu_policy *seen,
                       struct xfs_cpu_policy *limit);

#endif /* LIBXL_CPUID_APPLIED_POLICY_H */
