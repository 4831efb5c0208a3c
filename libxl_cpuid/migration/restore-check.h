/* SPDX-License-Identifier: MIT */
/*
 * Refusing unsafe restores: the guest policy a stream recorded against the
 * destination's max policy for the guest type.  The answer is the guest
 * verdict's (guest-verdict.h) for a recorded policy, so `model`, `record`,
 * `xl-cpuid` and `level guest:` say the same of the same guest; this
 * module restates it for streams.
 *
 * The guest policy is what Xen 4.17 makes of the stream: the recorded
 * CPUID leaves and MSRs applied on top of the destination's default policy
 * for the type (the policy a newly created domain has; entries the stream
 * does not carry keep it), leaves past the resulting limits dropped
 * (XEN_DOMCTL_set_cpu_policy).  A stream whose records a policy cannot
 * hold is bad input, not a refusal.
 *
 * Xen then recalculates the policy for the domain (xfs_policy_recalc_domain,
 * as on every policy it sets), silently dropping what the domain may not
 * hold; that recalculated policy is the guest's on the destination.  So
 * the check judges what the stream recorded against what the domain may
 * hold and keeps (xlc_domain_judged): MAXLINADDR is the one Xen sets (48
 * with LM), never the recorded one; HTT, X2APIC and CMP_LEGACY are always
 * allowed; a feature the recalculation takes from the guest all the same
 * (say XSAVE without leaf 0xd) is a reason like one the max policy lacks.
 * MAXPHYSADDR is compared like with like: Xen raises it to 36 bits for a
 * guest with PAE or PSE36 even on a host with fewer, so a guest recorded
 * with that raise fits a destination that gives it the same.
 *
 * A restore is accepted exactly when the destination runs guests of the
 * type and the recorded policy fits that (xfs_policy_check_compat):
 *   - the same CPU vendor;
 *   - every feature the guest sees is in the max policy, except
 *     XCF_INVERTED bits (set means less capability, e.g. NO_FPU_SEL,
 *     RSBA: a guest told of a weakness the destination lacks only takes
 *     needless care);
 *   - every numeric limit fits: max basic leaf, leaf 7 max subleaf, max
 *     extended leaf, MAXPHYSADDR (and MAXLINADDR as Xen sets it) no
 *     higher than the max policy's, the guest's XSAVE area (0xd:0 ecx) no smaller than the
 *     destination needs for the guest's components;
 *   - every XSAVE component the guest uses exists there, at the same
 *     offset and size; PLATFORM_INFO bits are a subset.
 * Every blocking reason is listed, not just the first.
 *
 * A stream without a CPUID policy record (Xen before 4.14) is what Xen
 * 4.17's restore path handles with a compatibility policy (libxl's
 * static_data_done callback -> xc_cpuid_apply_policy(restore=true)): the
 * destination's default policy for the type with RDRAND, HLE and RTM (and,
 * for HVM, MPX) taken from the host featureset, recomputed as a full
 * policy, then the basic max leaf clamped to 0xd, leaf 7 to subleaf 0 and
 * the extended max leaf to 0x8000001c.  Recorded MSRs, if any, are applied
 * on top.  The check is made on that policy, and the verdict says so.
 *
 * A stream that sets HVM_PARAM_VIRIDIAN (its HVM_PARAMS record: the
 * guest's Hyper-V enlightenments) is also judged for them on the
 * destination's Xen release (viridian.h, xlc_viridian_judge_dest): what
 * Xen would refuse there is a reason like the CPU policy's, and the
 * verdict carries the Hyper-V leaves the guest sees there.  Xen computes
 * those leaves from the parameter when the guest asks; they are not in
 * the stream's CPUID record (which holds only the hypervisor leaves'
 * limits, 0x40000000 and 0x40000100 eax).
 */
#ifndef LIBXL_CPUID_RESTORE_CHECK_H
#define LIBXL_CPUID_RESTORE_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../policy/cpu-policy.h"
#include "../util/error.h"
#include "../verdict/guest-verdict.h"
#include "../verdict/levelling-report.h"
#include "../viridian/viridian.h"
#include "stream.h"


/* The destination, for one guest type. */
struct xlc_restore_dest {
    uint32_t domain_type;              /* XFS_STREAM_DOM_X86_PV / _HVM */
    bool usable;                       /* the type can run there at all */
    struct xfs_cpu_policy max;         /* the type's max policy */
    struct xfs_cpu_policy def;         /* the type's default policy */
    struct xfs_cpu_policy raw;         /* XSAVE layout for recomputing */
    struct xfs_cpu_policy host;        /* for Xen's per-domain recalc */
    uint32_t host_fs[XFS_NR_WORDS];
    /* What leaks through there (levelling-report.h), once the levelling
     * capabilities are given (xlc_restore_dest_levelling). */
    bool has_leaks;
    struct xlc_leak_report leaks;
    /* For the Hyper-V enlightenments: the host facts, and the Xen release
     * it runs (NULL: Xen 4.17, the release modelled). */
    struct xlc_viridian_host_info viridian_host;
    const struct xlc_viridian_release *xen;
};

/* Destination facts from a host's system policies (simulated or real).
 * What leaks through there is not known until xlc_restore_dest_levelling. */
void xlc_restore_dest_from_system(const struct xlc_system_policies *sys,
                                  uint32_t domain_type,
                                  struct xlc_restore_dest *d);
/*
 * The destination's levelling capabilities (the running Xen's, or
 * derived from the simulated host's CPUID: xlc_levelling_of_handle), for
 * the verdict to say what leaks through there.  sys: the same policies
 * the destination came from.  Nothing is set for a guest type the host
 * cannot run.
 */
void xlc_restore_dest_levelling(struct xlc_restore_dest *d,
                                const struct xlc_system_policies *sys,
                                const struct xlc_levelling *caps);

struct xlc_restore_reason {
    bool guest_type;                   /* the type cannot run there at all;
                                          `why` is then unused */
    bool viridian;                     /* HVM_PARAM_VIRIDIAN: Xen there
                                          refuses it; `why` unused */
    struct xfs_compat_reason why;
    char *text;                        /* in words */
};

struct xlc_restore_verdict {
    bool accept;
    bool compat_policy;        /* no CPUID record: compatibility policy used */
    bool msr_missing;          /* no MSR record: destination default MSRs */
    uint32_t domain_type;
    struct xfs_cpu_policy guest;       /* what the guest runs with there */
    size_t nr_reasons;
    struct xlc_restore_reason *reasons;
    /* What Xen normalises without it being a reason (guest-verdict.h's
     * changes): each in words. */
    size_t nr_notes;
    char **notes;
    /*
     * What leaks through on the destination, beyond the guest's policy
     * there (levelling-report.h): for a PV guest where the host can
     * neither fault nor mask a CPUID word, the features its own CPUID
     * shows whatever the policy says; what may (the data cannot tell);
     * 1 GiB pages.  Not a reason: Xen restores the guest all the same.
     * leaks_known is false when the destination's levelling capabilities
     * were not given or the guest has no policy there; why_unknown says
     * which.
     */
    bool leaks_known;
    const char *why_unknown;
    struct xlc_leak_report leaks;      /* the destination's */
    struct xlc_guest_leaks guest_leaks;
    /* The stream sets HVM_PARAM_VIRIDIAN: the enlightenments there. */
    bool has_viridian;
    struct xlc_viridian_dest viridian;
};

/* The destination as the guest verdict's host (d must outlive h). */
void xlc_restore_dest_host(const struct xlc_restore_dest *d,
                           struct xlc_gv_host *h);

/* Xen 4.17's compatibility policy for a stream without CPUID data. */
void xlc_compat_policy(const struct xlc_restore_dest *d,
                       struct xfs_cpu_policy *out);

/*
 * What XEN_DOMCTL_set_cpu_policy audits: the stream's records over the
 * destination's default (or compatibility) policy, leaves past the limits
 * dropped.  -EINVAL naming the entry when the records cannot be applied.
 */
int xlc_restore_merged_policy(const struct xlc_stream_info *s,
                              const struct xlc_restore_dest *d,
                              struct xfs_cpu_policy *out, xlc_error *err);
/*
 * The guest policy a parsed stream gives a guest on the destination: the
 * merged policy recalculated as Xen does once it sets it
 * (xlc_domain_policy).
 */
int xlc_restore_guest_policy(const struct xlc_stream_info *s,
                             const struct xlc_restore_dest *d,
                             struct xfs_cpu_policy *out, xlc_error *err);

/* Check a parsed stream against the destination for its guest type. */
int xlc_restore_check(const struct xlc_stream_info *s,
                      const struct xlc_restore_dest *d,
                      struct xlc_restore_verdict *v, xlc_error *err);
/* The same on a merged guest policy directly (v->guest: recalculated). */
int xlc_restore_check_policy(const struct xfs_cpu_policy *guest,
                             const struct xlc_restore_dest *d,
                             struct xlc_restore_verdict *v, xlc_error *err);
void xlc_restore_verdict_free(struct xlc_restore_verdict *v);

/* The verdict as a JSON object (malloc()ed), or NULL when out of memory. */
char *xlc_restore_verdict_json(const struct xlc_restore_verdict *v);

#endif /* LIBXL_CPUID_RESTORE_CHECK_H */
