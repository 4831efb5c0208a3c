/* SPDX-License-Identifier: MIT */
/*
 * The toolstack's view of full CPU policies (xen/lib/cpu-policy.h): the
 * serialised form with error messages, compatibility reports in words,
 * text/JSON layouts, and the six system policies of a (simulated)
 * hypervisor.
 */
#ifndef LIBXL_CPUID_CPU_POLICY_H
#define LIBXL_CPUID_CPU_POLICY_H

#include <stddef.h>
#include <stdint.h>

#include "../../xen/arch/policy-derive.h"
#include "../../xen/lib/cpu-policy.h"
#include "../sources/cpuid-dump.h"
#include "../util/error.h"
#include "../util/strbuf.h"

/* ---- the serialised form (policy-entries.c) ---- */

/*
 * A policy as the CPUID leaves and MSRs Xen serialises it into: what
 * xc_cpu_policy_serialise() gives, what a migration stream's
 * X86_CPUID_POLICY and X86_MSR_POLICY records hold, what a policy file
 * says.  The one serialised form every reader and writer uses; the arrays
 * are malloc()ed (zero-initialise; free with xlc_policy_entries_free).
 */
struct xlc_policy_entries {
    struct xfs_cpuid_leaf *leaves;
    size_t nr_leaves;
    struct xfs_msr_entry *msrs;
    size_t nr_msrs;
};

/* Arrays for nr_leaves and nr_msrs zeroed entries (*e overwritten). */
int xlc_policy_entries_alloc(struct xlc_policy_entries *e, size_t nr_leaves,
                             size_t nr_msrs, xlc_error *err);
/* Free the arrays and zero the struct. */
void xlc_policy_entries_free(struct xlc_policy_entries *e);
/* Deep copy (dst is overwritten, not freed). */
int xlc_policy_entries_copy(struct xlc_policy_entries *dst,
                            const struct xlc_policy_entries *src,
                            xlc_error *err);

/*
 * A policy's entries, in Xen's order (*out overwritten, not freed).
 * Returns 0, -ENOBUFS (more than XFS_POLICY_MAX_LEAVES / _MSRS: a policy
 * this build cannot serialise) or -ENOMEM.
 */
int xlc_policy_serialise(const struct xfs_cpu_policy *p,
                         struct xlc_policy_entries *out, xlc_error *err);

/*
 * Apply entries on top of *p.  Refuses, naming the entry (its position,
 * leaf/subleaf or MSR index): leaves a policy cannot hold, subleaves out
 * of range, duplicates, leaves past the policy's own max leaf/subleaf,
 * unknown MSRs, non-zero MSR flags, values too wide.  Returns 0 or
 * -EINVAL (-E2BIG for too many entries); *p is unchanged on error.
 */
int xlc_policy_deserialise(struct xfs_cpu_policy *p,
                           const struct xlc_policy_entries *e,
                           xlc_error *err);

/* The message for a core error (what xlc_policy_deserialise reports). */
void xlc_policy_error_text(const struct xfs_policy_error *e,
                           struct xlc_buf *b);
/* Which limit a BEYOND_MAX entry is past ("past the policy's max basic
 * leaf 0xd", ...). */
void xlc_policy_limit_text(const struct xfs_policy_error *e,
                           struct xlc_buf *b);

/*
 * Check entries as Xen 4.17's deserialiser would take them: counts within
 * xen/lib/cpu-policy-limits.h, every (leaf, subleaf) with a slot in the
 * policy, known MSRs with zero flags; and, stricter than Xen, no entry
 * repeated (Xen silently keeps the last).  The message names the entry.
 */
int xlc_policy_entries_check(const struct xlc_policy_entries *e,
                             xlc_error *err);

/*
 * The featureset words the entries state, read through the policy's word
 * table: a word whose leaf (or MSR) is absent reads as zero.  Tolerant:
 * entries a policy has no slot for are skipped, and leaves past the
 * entries' own limits still count (for inputs that only carry features).
 */
void xlc_policy_featureset(const struct xlc_policy_entries *e,
                           uint32_t fs[XFS_NR_WORDS]);

/* ---- compatibility (cpu-policy-compat.c) ---- */

/* One line per reason the guest cannot run on the host. */
struct xlc_compat_report {
    char **reasons;
    size_t nr;
};

/*
 * Fill *rep with every reason (nr = 0: compatible).  Returns 0, or
 * -ENOMEM.  Free with xlc_compat_report_free().
 */
int xlc_policy_compat_report(const struct xfs_cpu_policy *host_max,
                             const struct xfs_cpu_policy *guest,
                             struct xlc_compat_report *rep, xlc_error *err);
void xlc_compat_report_free(struct xlc_compat_report *rep);

/*
 * 0 when compatible; otherwise -EINVAL (what Xen answers for a policy it
 * will not apply) with every reason in err, separated by "; ".
 */
int xlc_policy_check_compatible(const struct xfs_cpu_policy *host_max,
                                const struct xfs_cpu_policy *guest,
                                xlc_error *err);

/*
 * Every reason, as the core reports them, in its order: *out is calloc()ed
 * (NULL when there is none), *nr their number.  Returns 0 or -ENOMEM.
 */
int xlc_policy_compat_reasons(const struct xfs_cpu_policy *host_max,
                              const struct xfs_cpu_policy *guest,
                              struct xfs_compat_reason **out,
                              unsigned int *nr, xlc_error *err);

/* A short name for a kind of reason ("feature", "max-leaf", ...). */
const char *xlc_compat_kind_name(enum xfs_compat_kind k);

/* "feature NAME (word W KEY bit B, leaf L[:S] REG)": where it lives. */
void xlc_feature_where_text(unsigned int feature, struct xlc_buf *b);

/* One reason in words. */
void xlc_compat_reason_text(const struct xfs_compat_reason *r,
                            struct xlc_buf *b);

/* Names for things the messages mention. */
const char *xlc_xstate_component_name(unsigned int component);
const char *xlc_reg_name(enum xfs_reg reg);

/* ---- layouts (cpu-policy-format.c) ---- */

/*
 * The layout of Xen's `xen-cpuid -p` for one policy: a header line, the
 * CPUID leaves as "leaf:subleaf -> eax:ebx:ecx:edx" (all-zero leaves
 * skipped), then the MSRs as "index -> value".
 */
void xlc_policy_format_text(struct xlc_buf *b, const char *name,
                            const struct xfs_cpu_policy *p);
/*
 * A JSON object: name, vendor, max leaves, every serialised leaf (zero
 * ones included, with "subleaf": null for leaves without one) and MSR,
 * numbers as "0x%08x" strings.
 */
void xlc_policy_format_json(struct xlc_buf *b, const char *name,
                            const struct xfs_cpu_policy *p);

/* ---- the system policies of a simulated Xen (cpu-policy-system.c) ---- */

struct xlc_system_policies {
    struct xfs_hv_options opts;
    struct xfs_system_featuresets fs;
    struct xfs_system_policies pol;
    char *source;                  /* dump file name, or "live CPU" */
};

/* Options for the simulated hypervisor, as the tool's flags give them. */
struct xlc_sim_opts {
    const char *cpuid_file;        /* dump file; NULL = the live CPU */
    bool no_hap;                   /* Xen on hardware without HAP */
    const char *boot_cpuid;        /* Xen's cpuid= "no-NAME,..." or NULL */
};

/* Derive everything from a loaded dump. */
int xlc_system_policies_from_dump(const struct xlc_cpuid_dump *d,
                                  const struct xfs_hv_options *opts,
                                  struct xlc_system_policies **out,
                                  xlc_error *err);
/*
 * Shorthands for a handle (sources/handle.h) opened only for its system
 * policies: the simulated Xen over the dump (or the live CPU) with these
 * options; the running Xen (-ENODEV when it cannot be reached).  Both are
 * implemented in handle.c, where every backend is opened.
 */
int xlc_system_policies_load(const struct xlc_sim_opts *o,
                             struct xlc_system_policies **out,
                             xlc_error *err);
int xlc_xen_system_policies(struct xlc_system_policies **out,
                            xlc_error *err);
void xlc_system_policies_free(struct xlc_system_policies *s);

/*
 * The six policies in the order Xen's sysctl numbers them (and
 * `xen-cpuid -p` prints them): raw, host, pv max, hvm max, pv default,
 * hvm default.  Each entry is an index into pol.p[] / fs.fs[].
 */
extern const unsigned int xlc_policy_order[XFS_SYSCTL_cpu_featureset_nr];
/* "Raw", "Host", "PV Max", "HVM Max", "PV Default", "HVM Default". */
const char *xlc_policy_name(unsigned int index);

#endif /* LIBXL_CPUID_CPU_POLICY_H */
