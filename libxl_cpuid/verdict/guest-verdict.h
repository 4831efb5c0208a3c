/* SPDX-License-Identifier: MIT */
/*
 * The guest verdict: may this guest run on that host, and as what?  The
 * one engine behind `model`, `xl-cpuid`, `record`, `restore-check` and
 * `level ... guest:SOURCE`: the same guest on the same host gets the same
 * answer whichever command asks.
 *
 * THE HOST (struct xlc_gv_host), for one guest type:
 *   full           the system policies (raw, host, the type's default and
 *                  max) of a simulated or real Xen, from a CPUID dump, the
 *                  live CPU or Xen itself;
 *   featureset     known only by the type's max featureset and perhaps a
 *                  vendor (a pool host given as a featureset, a libvirt
 *                  host <cpu>, a saved max policy): its default set is
 *                  taken to be that set, features and vendor are judged,
 *                  limits, XSAVE state and MSRs cannot be, and the verdict
 *                  says so (an "unchecked" change).
 *
 * THE GUEST (struct xlc_gv_guest), as the user has it, resolved against
 * the host the way the real toolstack resolves it:
 *   default        a domain with no CPUID settings: the type's default
 *                  policy (what xl gives a guest without cpuid=).
 *   featureset     exactly these features: the type's default policy with
 *                  the featureset written in and everything depending on
 *                  it recomputed (leaf limits, leaf 0xd); numeric limits
 *                  are the host's.  A featureset with features lacking
 *                  their prerequisites is bad input (Xen would drop them
 *                  silently; no Xen produces such a set).
 *   policy         a recorded policy (a policy file, a migration stream's
 *                  X86_CPUID_POLICY/X86_MSR_POLICY records): Xen 4.17's
 *                  restore, i.e. the entries written over the host's
 *                  default policy (entries not recorded keep it), leaves
 *                  past the limits dropped; a stream without a CPUID
 *                  record gets Xen 4.17's compatibility policy
 *                  (restore-check.h).  Limits, XSAVE layout and vendor are
 *                  the recorded ones, so they are judged too.
 *   libvirt        a libvirt <cpu>, with libvirt's guest semantics
 *                  (libvirt-translate.h): the mode's starting set,
 *                  force/require added and required to be available,
 *                  optional added only where available (else dropped,
 *                  said), disable cleared with its dependents, forbid
 *                  refused when the host provides the feature, vendor and
 *                  match='strict' checked; the result is then a featureset
 *                  guest.
 *   xl-cpuid       a parsed xl cpuid= list, applied to the default policy
 *                  as libxc's xc_cpuid_apply_policy() applies it
 *                  (xl-cpuid.h: '1' sets, '0' clears, 'k'/'s' take the
 *                  host's bit), dependents of cleared features cleared
 *                  (said), a feature set to 1 that lost a prerequisite
 *                  refused.
 *
 * THE RULE, for every form, in the order Xen applies things:
 *   1. the host must run guests of the type at all;
 *   2. the form's own resolution (above) and its refusals;
 *   3. every feature asked for must be one Xen lets a domain of the type
 *      hold (xfs_domain_allowed_features: the type's max set, plus HTT,
 *      X2APIC and CMP_LEGACY, VMX/SVM only as nested virtualisation);
 *   4. the policy the toolstack would hand Xen is recalculated as Xen does
 *      for every policy it sets (xfs_policy_recalc_domain, modelling
 *      recalculate_cpuid_policy): what the guest runs with;
 *   5. what was asked is judged against what the domain may hold
 *      (xlc_domain_judged, then xfs_policy_check_compat: vendor, leaf
 *      limits, features, MAXPHYSADDR/MAXLINADDR compared with what the
 *      recalculation gives this guest, XSAVE components, layout and size,
 *      PLATFORM_INFO bits).
 * Every reason is listed, not the first.  What the resolution or the
 * recalculation changed without it being a reason (an optional feature
 * the host lacks, dependents of a disabled feature, a platform bit kept,
 * the x87 bits Xen takes from the host, an address width Xen sets) is
 * listed as a change: nothing is dropped silently.
 *
 * WHERE IT FOLLOWS LIBVIRT: the meaning of each <feature> policy and of
 * match= and <vendor> (virCPUx86Compare / x86Compute: required features
 * the host lacks, forbidden features the host provides, a vendor
 * mismatch and match='strict' extras make a guest incompatible; optional
 * features never do; virCPUUpdate adds an optional feature only where
 * the host has it).  "The host" is the CPU as the hypervisor can present
 * it to the guest type (libvirt compares against the hypervisor's
 * host-model CPU when it starts a domain), i.e. Xen's max set.
 * WHERE IT FOLLOWS XEN: which features a guest type may hold and what a
 * domain's policy becomes (Xen 4.17's recalculate_cpuid_policy), the
 * restore merge (XEN_DOMCTL_set_cpu_policy over the default policy), the
 * compatibility policy, the per-domain MAXPHYSADDR raise.
 * WHERE IT IS STRICTER THAN BOTH: Xen 4.17's x86_cpu_policies_are_compatible
 * (what libxenguest's xc_cpu_policy_is_compatible answers) compares leaf
 * limits and PLATFORM_INFO only and lets the recalculation drop the rest
 * silently; here every feature, width and XSAVE detail the guest would
 * lose is a reason (a guest that loses a feature it saw crashes later).
 * libvirt's check='none' is not honoured: a guest is always checked.
 */
#ifndef LIBXL_CPUID_GUEST_VERDICT_H
#define LIBXL_CPUID_GUEST_VERDICT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../policy/cpu-policy.h"
#include "../util/error.h"
#include "../libvirt/libvirt-translate.h"
#include "../migration/stream.h"
#include "../xl/xl-cpuid.h"

/* ---- the host ---- */

struct xlc_gv_host {
    enum xlc_guest_type type;
    bool usable;                      /* runs guests of the type at all */
    /* The type's featuresets (host, default, max), vendor, signature. */
    struct xlc_lv_host sets;
    /* The system policies; all NULL for a host known by a featureset. */
    const struct xfs_cpu_policy *raw, *host, *def, *max;
};

/* A full host from system policies (which must outlive the host). */
void xlc_gv_host_from_system(struct xlc_gv_host *h,
                             const struct xlc_system_policies *sys,
                             enum xlc_guest_type type);
/* A host known only by the type's max featureset; vendor may be NULL. */
void xlc_gv_host_from_featureset(struct xlc_gv_host *h,
                                 enum xlc_guest_type type,
                                 const uint32_t max[XFS_NR_WORDS],
                                 const char *vendor);

/* ---- the guest ---- */

enum xlc_gv_form {
    XLC_GV_DEFAULT,
    XLC_GV_FEATURESET,
    XLC_GV_POLICY,
    XLC_GV_LIBVIRT,
    XLC_GV_XL_CPUID,
};

/*
 * XL_CPUID on an HVM (or PVH) host: whether the domain has nested
 * virtualisation, i.e. xl's nestedhvm=.  libxc gives such a domain VMX and
 * SVM before the list applies (xc_cpuid_apply_policy's nested_virt; Xen
 * keeps the one the host's max policy has), and Xen lets only such a
 * domain hold them.
 */
enum xlc_gv_nested {
    XLC_GV_NESTED_AS_ASKED,  /* not said: a list setting vmx or svm to 1 is
                                taken to come with nestedhvm=1 */
    XLC_GV_NESTED_OFF,       /* nestedhvm=0 (or unset in a config): a list
                                setting vmx or svm to 1 is refused */
    XLC_GV_NESTED_ON,        /* nestedhvm=1 */
};

struct xlc_gv_guest {
    enum xlc_gv_form form;
    const uint32_t *fs;                   /* FEATURESET: nr_words words */
    size_t nr_words;
    const struct xlc_policy_entries *entries; /* POLICY: the records */
    bool no_cpuid;                        /* POLICY: no CPUID record */
    const struct xlc_stream_info *stream; /* POLICY: the stream the entries
                                             came from (byte offsets in
                                             messages), or NULL */
    const struct xfs_cpu_policy *policy;  /* POLICY: instead of entries, a
                                             policy already merged (what
                                             the toolstack hands Xen) */
    const struct xlc_cpu_map *map;        /* LIBVIRT */
    const struct xlc_lv_cpu *cpu;
    const struct xlc_xl_cpuid *xl;        /* XL_CPUID: a parsed list */
    enum xlc_gv_nested nested;            /* XL_CPUID: nestedhvm= */
};

/* What Xen 4.17's compatibility policy clamps the leaf limits to. */
#define XLC_COMPAT_MAX_BASIC_LEAF   0xdu
#define XLC_COMPAT_MAX_FEAT_SUBLEAF 0u
#define XLC_COMPAT_MAX_EXTD_LEAF    0x8000001cu

/*
 * Xen 4.17's compatibility policy for a stream without CPUID data (libxl's
 * static_data_done -> xc_cpuid_apply_policy(restore=true)): the default
 * policy with RDRAND, HLE and RTM (and, for HVM, MPX) taken from the host
 * featureset, recomputed, then the basic max leaf clamped to 0xd, leaf 7
 * to subleaf 0, the extended max leaf to 0x8000001c.  Full hosts only.
 */
void xlc_gv_compat_policy(const struct xlc_gv_host *h,
                          struct xfs_cpu_policy *out);
/*
 * What XEN_DOMCTL_set_cpu_policy audits on restore: recorded entries over
 * the default (or compatibility) policy, taken as Xen 4.17's restore takes
 * them (repeats: the last wins; hypervisor leaves: eax's low byte; leaves
 * past the limits dropped).  s, when the entries are a stream's, places
 * each entry in it for messages (may be NULL).  An error naming the entry
 * when Xen would refuse the records.
 */
int xlc_gv_merged_policy(const struct xlc_gv_host *h,
                         const struct xlc_policy_entries *e, bool no_cpuid,
                         const struct xlc_stream_info *s,
                         struct xfs_cpu_policy *out, xlc_error *err);

/* ---- the verdict ---- */

enum xlc_gv_reason_kind {
    XLC_GV_NO_GUEST_TYPE,  /* the host runs no guests of the type */
    XLC_GV_FEATURE,        /* a feature the guest needs, not given here */
    XLC_GV_FORBIDDEN,      /* libvirt forbid: the host provides it */
    XLC_GV_VENDOR,         /* the CPU vendor differs */
    XLC_GV_LIMIT,          /* a leaf limit or address width is lower */
    XLC_GV_XSAVE,          /* XSAVE components, layout or size */
    XLC_GV_MSR,            /* MSR bits the host lacks */
    XLC_GV_SETTINGS,       /* the settings cannot be honoured as written:
                              conflicts, what Xen cannot express,
                              match='strict' extras, bad cpuid= entries */
};

struct xlc_gv_reason {
    enum xlc_gv_reason_kind kind;
    const char *tag;          /* finer kind: the libvirt blocker kind, the
                                 compatibility check's kind, "xl" */
    int feature;              /* feature number, or -1 */
    const char *xen_name, *lv_name;   /* static strings; may be NULL */
    bool has_compat;          /* judged (step 5): `compat` is the finding */
    struct xfs_compat_reason compat;
    char *text;
};

enum xlc_gv_change_kind {
    XLC_GV_DROPPED,      /* asked for only if available, and it is not */
    XLC_GV_CLEARED,      /* cleared with a disabled feature or prerequisite */
    XLC_GV_KEPT,         /* a platform bit the CPU model does not take */
    XLC_GV_NORMALISED,   /* Xen's recalculation set it its own way */
    XLC_GV_COMPAT,       /* no CPUID record: the compatibility policy */
    XLC_GV_NOTE,         /* accepted without effect on the features */
    XLC_GV_UNCHECKED,    /* a featureset host: what could not be judged */
};

struct xlc_gv_change {
    enum xlc_gv_change_kind kind;
    const char *tag;
    int feature;
    const char *xen_name, *lv_name;
    char *text;
};

struct xlc_guest_verdict {
    enum xlc_guest_type type;
    enum xlc_gv_form form;
    bool runs;                         /* no reason */
    struct xlc_gv_reason *reasons;
    size_t nr_reasons;
    struct xlc_gv_change *changes;
    size_t nr_changes;
    /* The guest featureset as asked (after resolution) and as it runs
     * (after Xen's recalculation; the asked one on a featureset host). */
    uint32_t asked_fs[XFS_NR_WORDS];
    uint32_t fs[XFS_NR_WORDS];
    /* Full hosts, once resolved: the policy handed to Xen and the one the
     * guest runs with. */
    bool has_policy;
    struct xfs_cpu_policy asked, policy;
    struct xlc_lv_translation *lv;     /* LIBVIRT: the translation */
    struct xlc_xl_applied *xl;         /* XL_CPUID: the list applied */
};

/*
 * Judge guest g on host h.  Returns 0 with *out set (runs or not), or a
 * negative errno for input that cannot be judged at all: an unknown
 * libvirt model/feature/vendor name (-EINVAL, nearest name given), a
 * featureset with bits in words this build does not know, policy entries
 * a policy cannot hold, an xl cpuid= list on a featureset host (-EINVAL),
 * -ENOMEM.
 */
int xlc_guest_verdict(const struct xlc_gv_host *h,
                      const struct xlc_gv_guest *g,
                      struct xlc_guest_verdict **out, xlc_error *err);
void xlc_guest_verdict_free(struct xlc_guest_verdict *v);

/* "runs" / "refused", and short names for kinds and forms. */
const char *xlc_gv_form_name(enum xlc_gv_form f);
const char *xlc_gv_reason_kind_name(enum xlc_gv_reason_kind k);
const char *xlc_gv_change_kind_name(enum xlc_gv_change_kind k);

/* Every reason's text joined by "; " (malloc'd), or NULL (no memory). */
char *xlc_guest_verdict_reasons_text(const struct xlc_guest_verdict *v);

/*
 * The verdict as a JSON object (malloc'd, NULL when out of memory):
 * {"verdict": "runs"|"refused", "form": ..., "reasons": [{"kind", "tag",
 * "xen", "libvirt", "text"}...], "changes": [...]}.
 */
char *xlc_guest_verdict_json(const struct xlc_guest_verdict *v);

#endif /* LIBXL_CPUID_GUEST_VERDICT_H */
