/* SPDX-License-Identifier: MIT */
/*
 * A pool's level report: everything `xen-cpuid level` shows, computed by
 * the library in one call (xlc_level_report_compute); a front end only
 * prints it.
 *
 * THE GUEST CPU OF A POOL
 *   max level      the hosts' MAX sets levelled (level.h): what a guest of
 *                  the pool may be given if it asks.
 *   default level  the hosts' DEFAULT sets levelled: what every host gives
 *                  a guest that asks for nothing.
 *   guest level    the default level, dependencies re-applied, without
 *                  what Xen says cannot migrate (XCF_NOMIGRATE in the
 *                  feature list: ITSC, which no default holds anyway): what
 *                  a MIGRATABLE guest of the pool gets by default, the
 *                  intersection of the hosts' default sets.  libvirt's
 *                  cpu_map flags (migratable='no': invtsc, xsaves) are
 *                  QEMU's migration rule: a default Xen gives every guest
 *                  and migrates itself (xsaves) stays, with a note.
 *   guest CPU      the guest level plus the opt-ins asked for (opts.with),
 *                  each with the prerequisites it needs.  Each must be on
 *                  the max level (every host's max set has it); one that
 *                  cannot migrate by Xen's or libvirt's rule also needs
 *                  opts.nomigrate.  The xl
 *                  cpuid= string and the libvirt <cpu> give exactly this on
 *                  every host, and the levelled policy holds it.
 * Inverted bits (XCF_INVERTED) are on every level, unioned: a guest must be
 * told of every host's weakness.  They are never in the xl string nor
 * required by the <cpu>: Xen shows none of them to guests itself, and a
 * weakness is never something a guest CPU may require of a host.
 *
 * THE POOL IS USABLE when every host was accepted (it can run guests of
 * the type), vendors and MXCSR masks agree, every opt-in asked for was
 * granted, and the levelled policy (when the inputs make one) is accepted
 * by every host's max policy.  Otherwise the xl string and the <cpu> are
 * withheld (their why_not says why), `why_unusable` lists every reason,
 * and no host verdict is "ok".
 */
#ifndef LIBXL_CPUID_LEVEL_REPORT_H
#define LIBXL_CPUID_LEVEL_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../libvirt/libvirt-model-pin.h"
#include "level-input.h"
#include "level.h"
#include "../verdict/levelling-report.h"

struct xlc_cpu_map;
struct xlc_gv_source;
struct xlc_guest_verdict;

/* A host the pool could not take, with the reason. */
struct xlc_level_refused {
    char *name;
    char *reason;
};

/* Why a feature of the max level is not on the guest level. */
enum xlc_held_reason {
    XLC_HELD_OPTIN,        /* not in the type's default mask: opt-in */
    XLC_HELD_NOMIGRATE,    /* cannot migrate (see nomigrate_xen/_libvirt) */
    XLC_HELD_NOT_DEFAULT,  /* some host's default set lacks it */
    XLC_HELD_PREREQ,       /* a prerequisite is held back */
    XLC_HELD_NR
};

/* What became of one --with name. */
enum xlc_optin_state {
    XLC_OPTIN_GRANTED,     /* on the guest CPU, with .added */
    XLC_OPTIN_ALREADY,     /* on the guest level already */
    XLC_OPTIN_REFUSED,     /* .why says why */
};

struct xlc_level_optin {
    char *asked;                    /* as spelled */
    unsigned int feature;
    enum xlc_optin_state state;
    uint32_t added[XFS_NR_WORDS];   /* it, and prerequisites added for it */
    char *why;                      /* REFUSED: the reason */
};

/* The levelled CPU policy, or why there is none. */
struct xlc_level_policy_out {
    struct xfs_cpu_policy *policy;  /* NULL: none */
    char *why_not;
    uint64_t layout_differs;        /* XSAVE components (bit i) */
    char **refusals;                /* "host: reason" */
    size_t nr_refusals;
};

/* One host's verdict on the guest CPU (or the guest:SOURCE featureset). */
struct xlc_level_verdict {
    enum xlc_verdict_kind kind;     /* the final word: for the guest CPU
                                       never OK when the pool is unusable
                                       or its policy is refused here; for
                                       guest:SOURCE the guest verdict's */
    struct xlc_verdict fs;          /* the featureset check alone */
    bool policy_refused;            /* its max policy refuses the policy */
    bool pool_unusable;
};

/* "+HOST": everything joining would change. */
struct xlc_level_candidate {
    char *name;
    struct xlc_level_host host;
    struct xlc_level after;
    struct xlc_level_change chg;    /* max and default levels */
    uint32_t guest_lost[XFS_NR_WORDS];   /* the guest CPU */
    uint32_t guest_gained[XFS_NR_WORDS];
    uint32_t optins_lacking[XFS_NR_WORDS]; /* granted opt-ins its max lacks */
    /* The levelled policy with it: refused by some host (or by it). */
    bool policy_known;              /* every input had a policy */
    struct xlc_level_policy_out policy;
    bool becomes_unusable;          /* the pool is usable now, not after */
};

/*
 * What leaks through on one host of the pool (levelling-report.h): for
 * PV guests on a host that can neither fault nor mask a CPUID word, the
 * guest's own CPUID instruction shows the hardware's word whatever its
 * policy; no host hides its 1 GiB pages.  `guest` is measured against the
 * guest CPU (or guest:SOURCE as it runs there).  Known only when the
 * host's input held its own CPUID (a dump, @live); what the data cannot
 * decide (an MSR a dump lacks) is reported as such, never guessed.
 */
struct xlc_level_host_leaks {
    struct xlc_leak_report host;
    struct xlc_guest_leaks guest;
};

struct xlc_level_leaks {
    bool known;
    const char *why_unknown;      /* !known: why, in words (static) */
    /* Set when the input held the host's CPUID (owned by the report);
     * NULL otherwise, so that a pool of host <cpu>s, which never hold
     * it, keeps nothing per host.  Read it only when known. */
    struct xlc_level_host_leaks *of;
};

/* The pool's hosts by what leaks there (present hosts only). */
struct xlc_level_leak_counts {
    size_t hosts_leaking;    /* some feature beyond the guest leaks */
    size_t hosts_may_leak;   /* some feature beyond the guest may leak */
    size_t hosts_page1gb;    /* 1 GiB pages the guest does not have */
    size_t hosts_no_data;    /* inputs without the host's CPUID */
    uint32_t leaks[XFS_NR_WORDS];     /* union over the hosts */
    uint32_t may_leak[XFS_NR_WORDS];
};

struct xlc_level_options {
    const char *with;               /* "NAME[,NAME...]" or NULL */
    bool nomigrate;
    /* libvirt's cpu_map: the <cpu> and its migratable flags.  NULL: no
     * <cpu> (map_why_not says why), Xen's non-migratable rule only. */
    const struct xlc_cpu_map *map;
    const char *map_why_not;
};

struct xlc_level_report {
    enum xlc_guest_type type;
    /* ---- inputs ---- */
    xlc_pool *pool;
    char **sources;                 /* per pool id: where the host came from */
    struct xfs_cpu_policy **pols;   /* per pool id: max policy, or NULL */
    struct xlc_level_refused *refused;
    size_t nr_refused;
    struct xlc_level_candidate *cand;
    size_t nr_cand;
    bool have_guest;                /* guest:SOURCE, judged on every host */
    char *guest_name;
    struct xlc_gv_source *guest_src; /* guest-source.h */
    char **notes;                   /* about the inputs and the map */
    size_t nr_notes;
    /* ---- the levels ---- */
    bool nomigrate;
    struct xlc_level level;         /* max and default levels */
    uint32_t nomigrate_xen[XFS_NR_WORDS];     /* XCF_NOMIGRATE */
    uint32_t nomigrate_libvirt[XFS_NR_WORDS]; /* migratable='no' */
    struct xfs_level_sets guest_sets;         /* .level: the guest level */
    uint32_t held[XLC_HELD_NR][XFS_NR_WORDS]; /* max level minus guest level */
    struct xlc_level_optin *optins;
    size_t nr_optins;
    uint32_t guest_cpu[XFS_NR_WORDS];
    /* ---- what the pool can be given ---- */
    bool usable;
    char **why_unusable;
    size_t nr_why_unusable;
    struct xlc_level_policy_out policy;
    char *xl_cpuid, *xl_why_not;
    char *lv_xml, *lv_why_not;
    uint32_t lv_unnamed[XFS_NR_WORDS];  /* guest CPU bits libvirt cannot name */
    struct xlc_level_verdict *verdicts; /* per pool id */
    /* guest:SOURCE: the guest verdict on each host (per pool id; NULL for
     * ids no longer present), the one `model`, `restore-check`, `record`
     * and `xl-cpuid` give there (guest-verdict.h). */
    struct xlc_guest_verdict **guest_verdicts;
    /* ---- what leaks through ---- */
    struct xlc_level_leaks *leaks;      /* per pool id */
    struct xlc_level_leak_counts leak_counts;
    /* The named libvirt models the report relied on, pinned (their
     * expansion and fingerprint, libvirt-model-pin.h): the libvirt <cpu>'s
     * model, and the models a guest:SOURCE <cpu> uses on the hosts
     * (host-model: each host's decode); a caller reading libvirt host
     * <cpu>s adds their models (xlc_level_host.lv_model). */
    struct xlc_model_pins pins;
};

int xlc_level_report_new(enum xlc_guest_type type,
                         struct xlc_level_report **out, xlc_error *err);
void xlc_level_report_free(struct xlc_level_report *r);

/*
 * A host of the pool (name unique; source recorded).  A host that cannot
 * run guests of the type is not added but recorded as refused.  Notes
 * about the input (policies a host <cpu> carried) are recorded.
 */
int xlc_level_report_add_host(struct xlc_level_report *r, const char *name,
                              const char *source,
                              const struct xlc_level_host *h, xlc_error *err);
int xlc_level_report_add_candidate(struct xlc_level_report *r,
                                   const char *name,
                                   const struct xlc_level_host *h,
                                   xlc_error *err);
/*
 * A guest judged on every host instead of the guest CPU: `source` is read
 * as a guest (guest-source.h: a libvirt <cpu> with libvirt's guest
 * semantics, a recorded policy, a featureset, a host's default guest),
 * never as a host.  map is needed only for a libvirt <cpu>.
 */
int xlc_level_report_set_guest(struct xlc_level_report *r, const char *name,
                               const char *source,
                               const struct xlc_cpu_map *map,
                               xlc_error *err);

/*
 * Everything, once the inputs are in.  -EINVAL when no host was accepted
 * or a --with name is unknown (the message names it); -ENOMEM.  Refusals
 * are results, not errors: see usable and the verdicts.
 */
int xlc_level_report_compute(struct xlc_level_report *r,
                             const struct xlc_level_options *opts,
                             xlc_error *err);

const char *xlc_held_reason_name(enum xlc_held_reason reason);

/* ---- parts, for callers that need one (level-report-*.c) ---- */

/*
 * Features that cannot migrate: XCF_NOMIGRATE ones into xen[], the map's
 * migratable='no' ones (map may be NULL) into libvirt[].
 */
void xlc_level_nomigrate_sets(const struct xlc_cpu_map *map,
                              uint32_t xen[XFS_NR_WORDS],
                              uint32_t libvirt[XFS_NR_WORDS]);
/*
 * The levelled policy of n hosts' max policies (names for the refusals),
 * holding featureset fs, checked against each.
 */
int xlc_level_policy_build(const struct xfs_cpu_policy *const *pols,
                           const char *const *names, size_t n,
                           const uint32_t fs[XFS_NR_WORDS],
                           struct xlc_level_policy_out *out);
void xlc_level_policy_out_free(struct xlc_level_policy_out *p);

#endif /* LIBXL_CPUID_LEVEL_REPORT_H */
