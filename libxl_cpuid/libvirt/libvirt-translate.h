/* SPDX-License-Identifier: MIT */
/*
 * Translating a libvirt <cpu> into a Xen guest featureset, checking that
 * it can run (libvirt's CPU compare), and describing a host as a libvirt
 * model plus features (host-model).
 *
 * THE RULES (what the functions below implement)
 *
 * Input: the cpu_map, a parsed <cpu>, a guest type, and the host as three
 * featuresets: the host set, and the guest type's default and max sets
 * (as xfs_derive_featuresets() produces them), plus the CPUID vendor.
 *
 * Starting set, by mode:
 *   custom            the model's features, resolved through its parents
 *                     (only those Xen can express; the others are noted);
 *                     match='minimum' adds the type's default set;
 *                     no <model> and no <feature>: the type's default set.
 *                     Platform bits (XCF_PLATFORM in the feature list:
 *                     HYPERVISOR, X2APIC, HTT) are the type's default
 *                     set's, whatever the model lists: a model describes a
 *                     CPU, not the virtual platform (noted when the model
 *                     lacks one; an explicit disable still removes it).
 *   host-model        the host decoded (xlc_lv_decode on the type's
 *                     default set): the best model, plus its added and
 *                     minus its removed features; host features libvirt
 *                     cannot name are noted and not given.
 *   host-passthrough  the type's DEFAULT set: what Xen gives such a guest
 *                     with no cpuid= line, i.e. everything the host has
 *                     that Xen deems safe to show by default.
 *   maximum           the type's MAX set: every feature Xen can offer this
 *                     guest type, opt-in ones included.
 * Then each <feature>:
 *   force, require    added; must be available (below).
 *   optional          added when available, otherwise dropped with a
 *                     note, even when the model lists it (libvirt's
 *                     virCPUUpdate turns it into disable; x86Compute never
 *                     requires it); what needs it goes too (noted).
 *   disable           cleared with every feature that depends on it (deep
 *                     dependencies); the dependents cleared are noted.
 *   forbid            refused when the host PROVIDES the feature, as
 *                     libvirt's CPU compare refuses ("Host CPU provides
 *                     forbidden features", virCPUx86Compare, which libvirt
 *                     runs when it starts a domain with check='partial');
 *                     otherwise nothing to do (as disable).  The host
 *                     PROVIDES what the hypervisor can present to a guest of
 *                     the type: the type's max set (libvirt compares
 *                     against the hypervisor's host CPU model, not the bare
 *                     CPU), so a feature Xen never shows that guest type
 *                     cannot be a reason to refuse.
 * A feature FORCED by the host for a guest type is one Xen computes
 * itself rather than taking from the toolstack: it is XCF_SPECIAL in the
 * annotated list AND set in that type's default featureset AND either set
 * in the host featureset or synthesised by Xen for every guest
 * (xfs_guest_synth_mask, e.g. HYPERVISOR).  Disabling it is noted: Xen
 * may still show it.
 * AVAILABLE to a guest type means: what Xen lets a domain of the type
 * hold (xfs_domain_allowed_features over the type's max set: the max set,
 * plus HTT, X2APIC and CMP_LEGACY, which Xen lets the toolstack set for
 * topology whatever the host has).  The same rule decides for xl cpuid=
 * strings and for the guest verdict (guest-verdict.h).
 * Every model, force and require feature must be available, else the
 * translation is refused naming each missing feature by its libvirt and
 * its Xen name.  Features Xen's featureset cannot
 * express are noted when they come from a model or an optional/disable
 * policy, and refused when forced, required or forbidden.  Finally deep
 * dependencies are re-applied: what they clear is noted, and refused if
 * it was explicitly forced or required.  match='strict' also refuses when
 * the host's default set has features (that libvirt can name) the
 * definition does not give.
 *
 * Verdict (libvirt's CPU compare): INCOMPATIBLE when anything is refused
 * (every blocker listed); IDENTICAL when the result equals the type's
 * default set (restricted to what libvirt can name for model-based modes);
 * SUPERSET otherwise: the host can give more than asked, or gives opt-in
 * features asked for.
 */
#ifndef LIBXL_CPUID_LIBVIRT_TRANSLATE_H
#define LIBXL_CPUID_LIBVIRT_TRANSLATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../../xen/arch/featuresets.h"
#include "../sources/cpuid-dump.h"
#include "../util/error.h"
#include "libvirt-cpu.h"
#include "../cpumap/libvirt-cpumap.h"

#include "../names/guest-type.h" /* enum xlc_guest_type, xlc_guest_type_name() */

struct xfs_cpu_policy;
struct xlc_system_policies;

struct xlc_lv_host {
    char vendor[13];          /* CPUID vendor string; "" when unknown */
    bool has_signature;
    uint32_t family, model, stepping; /* display values from leaf 1 */
    uint32_t host[XFS_NR_WORDS];      /* the host featureset */
    uint32_t def[XFS_NR_WORDS];       /* the guest type's default set */
    uint32_t max[XFS_NR_WORDS];       /* the guest type's max set */
};

/* host/def/max from derived system featuresets for guest type t. */
void xlc_lv_host_from_sets(struct xlc_lv_host *h, enum xlc_guest_type t,
                           const struct xfs_system_featuresets *s);
/*
 * Everything from a CPUID dump through the simulated hypervisor
 * (xfs_derive_featuresets with `opts`, NULL = defaults).  Returns false
 * when the host cannot run guest type t at all (e.g. HVM without VMX/SVM:
 * its sets are then empty).
 */
bool xlc_lv_host_from_dump(struct xlc_lv_host *h, enum xlc_guest_type t,
                           const struct xlc_cpuid_dump *d,
                           const struct xfs_hv_options *opts);
/* Vendor and signature from CPUID leaves 0 and 1. */
void xlc_lv_host_identify(struct xlc_lv_host *h,
                          const struct xfs_cpuid_reader *rd);
/*
 * The host as the libvirt translation sees it, from system policies: the
 * three featuresets of the type, vendor and signature from the raw
 * policy.  False when the host cannot run the type.
 */
bool xlc_lv_host_from_policies(struct xlc_lv_host *h, enum xlc_guest_type t,
                               const struct xlc_system_policies *sys);
/* Vendor and signature only, from a raw policy's leaves 0 and 1. */
void xlc_lv_host_identify_raw(struct xlc_lv_host *h,
                              const struct xfs_cpu_policy *raw);

/* ---- host decode (host-model) ---- */

/*
 * The best model for a featureset.  Candidates: models with
 * <decode host='on'> whose vendor is the host's (models without a vendor
 * always qualify).  A libvirt feature is present when all its bits are
 * set; only features Xen can express are considered.  For each candidate:
 * added = present features not in the model, removed = model features not
 * present.  Best = least |added| + 2 * |removed| (removing a model
 * feature is worse than adding one: the guest then differs from the real
 * CPU the model describes); ties go to a model whose signature matches
 * the host, then to the alphabetically first name.
 */
struct xlc_lv_decoded {
    const struct xlc_lv_model *model;
    const struct xlc_lv_vendor *vendor;  /* host vendor in the map, or NULL */
    const struct xlc_lv_feature **added; /* sorted by name */
    size_t nr_added;
    const struct xlc_lv_feature **removed;
    size_t nr_removed;
    unsigned int cost;
    bool signature_match;
    uint32_t unnamed[XFS_NR_WORDS];      /* set bits libvirt cannot name */
};

int xlc_lv_decode(const struct xlc_cpu_map *map, const struct xlc_lv_host *h,
                  const uint32_t fs[XFS_NR_WORDS],
                  struct xlc_lv_decoded **out, xlc_error *err);
void xlc_lv_decoded_free(struct xlc_lv_decoded *d);
/* The decode as a guest <cpu mode='custom' match='exact'> element. */
char *xlc_lv_decoded_xml(const struct xlc_lv_decoded *d);

/* ---- translation ---- */

enum xlc_lv_note_kind {
    XLC_LV_NOTE_INEXPRESSIBLE,     /* Xen's featureset cannot express it */
    XLC_LV_NOTE_OPTIONAL_DROPPED,  /* optional, not available: dropped */
    XLC_LV_NOTE_DEPENDENT_CLEARED, /* cleared with a disabled feature */
    XLC_LV_NOTE_DEEP_DEP_CLEARED,  /* cleared: a prerequisite is absent */
    XLC_LV_NOTE_NOT_NAMEABLE,      /* host-model: host bit libvirt lacks */
    XLC_LV_NOTE_FORCED,            /* disabled, but the host forces it */
    XLC_LV_NOTE_IGNORED,           /* accepted, no effect on features */
    XLC_LV_NOTE_PLATFORM,          /* platform bit kept, model lacks it */
};

enum xlc_lv_block_kind {
    XLC_LV_BLOCK_NOT_ON_HOST,      /* not in the host featureset */
    XLC_LV_BLOCK_NOT_IN_MAX,       /* Xen never offers it to this type */
    XLC_LV_BLOCK_INEXPRESSIBLE,    /* forced/required/forbidden, can't say */
    XLC_LV_BLOCK_FORBIDDEN,        /* forbidden, but the host provides it */
    XLC_LV_BLOCK_CONFLICT,         /* required, yet cleared by a policy */
    XLC_LV_BLOCK_STRICT_EXTRA,     /* match='strict': host has more */
    XLC_LV_BLOCK_VENDOR,           /* <vendor> is not the host's */
};

/* lv_name / xen_name point into the map / Xen's tables; may be NULL. */
struct xlc_lv_note {
    enum xlc_lv_note_kind kind;
    const char *lv_name, *xen_name;
    char *text;
};

struct xlc_lv_blocker {
    enum xlc_lv_block_kind kind;
    const char *lv_name, *xen_name;
    char *text;
};

enum xlc_lv_verdict {
    XLC_LV_IDENTICAL,
    XLC_LV_SUPERSET,
    XLC_LV_INCOMPATIBLE,
};

struct xlc_lv_translation {
    enum xlc_guest_type type;
    enum xlc_lv_mode mode;
    const struct xlc_lv_model *model;  /* model used, or NULL */
    struct xlc_lv_decoded *decoded;    /* host-model: the decode */
    uint32_t fs[XFS_NR_WORDS];         /* the guest featureset */
    enum xlc_lv_verdict verdict;
    struct xlc_lv_note *notes;
    size_t nr_notes;
    struct xlc_lv_blocker *blockers;   /* empty unless INCOMPATIBLE */
    size_t nr_blockers;
};

const char *xlc_lv_verdict_name(enum xlc_lv_verdict v);
const char *xlc_lv_note_kind_name(enum xlc_lv_note_kind k);
const char *xlc_lv_block_kind_name(enum xlc_lv_block_kind k);

/* True when Xen recomputes `feature` for this host and guest type. */
bool xlc_lv_host_forces(const struct xlc_lv_host *h, unsigned int feature);
/* What a guest of this type can be given (see AVAILABLE above). */
void xlc_lv_host_available(const struct xlc_lv_host *h,
                           uint32_t avail[XFS_NR_WORDS]);

/*
 * Evaluate a <cpu> for a host: always returns the translation with its
 * verdict and blockers, unless the input itself is wrong (an unknown model,
 * feature or vendor name: -EINVAL naming it and the nearest known name).
 */
int xlc_lv_evaluate(const struct xlc_cpu_map *map,
                    const struct xlc_lv_cpu *cpu,
                    const struct xlc_lv_host *host, enum xlc_guest_type type,
                    struct xlc_lv_translation **out, xlc_error *err);

/* As evaluate, but blockers are an error (-EINVAL listing every one). */
int xlc_lv_translate(const struct xlc_cpu_map *map,
                     const struct xlc_lv_cpu *cpu,
                     const struct xlc_lv_host *host, enum xlc_guest_type type,
                     struct xlc_lv_translation **out, xlc_error *err);

void xlc_lv_translation_free(struct xlc_lv_translation *t);

#endif /* LIBXL_CPUID_LIBVIRT_TRANSLATE_H */
