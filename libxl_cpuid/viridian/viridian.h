/* SPDX-License-Identifier: MIT */
/*
 * Hyper-V ("viridian") enlightenments as xl and libxl handle them.
 *
 * THE SET.  libxl names groups of enlightenments with its enumeration
 * libxl_viridian_enlightenment (4.17: base=0 ... cpu_hotplug=12); a set of
 * groups is a 64-bit mask, bit g for group g, the width of libxl's
 * viridian_enable / viridian_disable bitmaps.  A set turns into the
 * HVM_PARAM_VIRIDIAN value Xen keeps (public/arch-x86/hvm-viridian.h) as
 * libxl's hvm_set_viridian_features() does it:
 *   base                  -> HVMPV_base_freq, plus HVMPV_no_freq unless
 *                            freq is in the set too
 *   freq                  -> (only through base, above)
 *   stimer                -> HVMPV_stimer | HVMPV_synic | HVMPV_time_ref_count
 *   every other group g   -> its own HVMPV bit
 *   the empty set         -> 0 (libxl leaves the parameter unset)
 *
 * XL (xl_parse.c, 4.17).  viridian= takes
 *   a list of strings   each item, in order:
 *       "all"       every bit of viridian_enable set (all 64; libxl later
 *                   ignores those that name no group)
 *       "defaults"  the viridian defbool set to true
 *       "NAME"      NAME's bit set in enable and cleared in disable
 *       "!NAME"     NAME's bit set in disable and cleared in enable
 *     "all" and "defaults" are matched exactly (strcmp); NAME as libxl's
 *     enum parser does (ASCII case-insensitive: "BASE", "Stimer");
 *     "!all", "!defaults", an unknown NAME: xl refuses the whole config.
 *     A non-empty list makes xl allocate both bitmaps (64 bits).
 *   a single value      the viridian defbool, true when strtol(value, 0)
 *     reads a whole non-zero number ("1", "0x10", "-1", " 1"), false for
 *     zero; anything else ("true", "1 ", "08", an overflow) is ignored by
 *     xl WITHOUT a message (the defbool stays at its default, i.e. off).
 * The result is what xl hands libxl: the defbool and the two bitmaps.
 *
 * LIBXL (libxl_x86.c hvm_set_viridian_features, 4.17).
 *   1. defbool true: start from the defaults base, freq, time_ref_count,
 *      apic_assist, crash_ctl, no_vp_limit, cpu_hotplug (note: xl.cfg(5)
 *      also lists stimer; libxl 4.17's code does not set it);
 *   2. a bit both in enable and disable: refused ("G group both enabled
 *      and disabled"; only "!G" before "all" can cause it);
 *   3. add enable's bits that name a group, remove disable's;
 *   4. a non-empty set without base: refused ("base group not enabled").
 * Then the parameter (above).  Xen itself refuses a parameter with an
 * unknown bit or without base (xfs_viridian_param_valid).
 */
#ifndef LIBXL_CPUID_VIRIDIAN_H
#define LIBXL_CPUID_VIRIDIAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../../public/arch-x86/hvm-viridian.h"
#include "../../xen/arch/viridian-leaves.h"
#include "../util/error.h"
#include "../util/strbuf.h"

enum xlc_viridian_group {
    XLC_VIRIDIAN_BASE,
    XLC_VIRIDIAN_FREQ,
    XLC_VIRIDIAN_TIME_REF_COUNT,
    XLC_VIRIDIAN_REFERENCE_TSC,
    XLC_VIRIDIAN_HCALL_REMOTE_TLB_FLUSH,
    XLC_VIRIDIAN_APIC_ASSIST,
    XLC_VIRIDIAN_CRASH_CTL,
    XLC_VIRIDIAN_SYNIC,
    XLC_VIRIDIAN_STIMER,
    XLC_VIRIDIAN_HCALL_IPI,
    XLC_VIRIDIAN_EX_PROCESSOR_MASKS,
    XLC_VIRIDIAN_NO_VP_LIMIT,
    XLC_VIRIDIAN_CPU_HOTPLUG,
    XLC_VIRIDIAN_NR_GROUPS
};

typedef uint64_t xlc_viridian_set;

#define XLC_VIRIDIAN_BIT(g) ((xlc_viridian_set)1 << (g))
/* Every group libxl 4.17 knows. */
#define XLC_VIRIDIAN_KNOWN \
    (XLC_VIRIDIAN_BIT(XLC_VIRIDIAN_NR_GROUPS) - 1)
/* What the defbool (viridian=1, "defaults") turns on in libxl 4.17. */
#define XLC_VIRIDIAN_DEFAULTS                                  \
    (XLC_VIRIDIAN_BIT(XLC_VIRIDIAN_BASE) |                     \
     XLC_VIRIDIAN_BIT(XLC_VIRIDIAN_FREQ) |                     \
     XLC_VIRIDIAN_BIT(XLC_VIRIDIAN_TIME_REF_COUNT) |           \
     XLC_VIRIDIAN_BIT(XLC_VIRIDIAN_APIC_ASSIST) |              \
     XLC_VIRIDIAN_BIT(XLC_VIRIDIAN_CRASH_CTL) |                \
     XLC_VIRIDIAN_BIT(XLC_VIRIDIAN_NO_VP_LIMIT) |              \
     XLC_VIRIDIAN_BIT(XLC_VIRIDIAN_CPU_HOTPLUG))

/* ---- groups and parameter bits (viridian.c) ---- */

/* libxl's name of group g ("base", "hcall_ipi"); NULL if none. */
const char *xlc_viridian_group_name(unsigned int g);
/* What the group gives a guest, in a few words. */
const char *xlc_viridian_group_help(unsigned int g);
/* libxl_viridian_enlightenment_from_string(): ASCII case-insensitive. */
bool xlc_viridian_group_lookup(const char *name, unsigned int *g);
/* Xen's name of HVMPV bit b ("base_freq", "no_freq", ...); NULL if none. */
const char *xlc_viridian_param_bit_name(unsigned int b);

/* The groups' names, space separated ("(none)" when empty); JSON: an array
 * of strings. */
void xlc_viridian_set_names(struct xlc_buf *b, xlc_viridian_set s,
                            bool json);
/* Xen's names of the parameter's bits, the same way. */
void xlc_viridian_param_names(struct xlc_buf *b, uint64_t param, bool json);

/* The parameter libxl computes for a set (bits of unknown groups are
 * ignored, as libxl ignores them). */
uint64_t xlc_viridian_set_to_param(xlc_viridian_set s);

/*
 * Back from a parameter (e.g. one read from a migration stream) to the
 * groups it holds: base for HVMPV_base_freq, freq for base_freq without
 * no_freq, each other bit its group.  Refuses (-EINVAL, naming them) bits
 * Xen 4.17 does not know, no_freq without base_freq, and any bit without
 * base_freq, as Xen refuses to hold such a value.  *exact tells whether
 * libxl can produce the parameter from a set (stimer without synic and
 * time_ref_count cannot come from libxl); may be NULL.  0 gives the empty
 * set.
 */
int xlc_viridian_param_to_set(uint64_t param, xlc_viridian_set *out,
                              bool *exact, xlc_error *err);

struct xlc_viridian_release;

/* ---- what xl hands libxl (viridian-xl.c) ---- */

enum xlc_defbool {
    XLC_DEFBOOL_DEFAULT,                /* "<default>" */
    XLC_DEFBOOL_FALSE,                  /* "False" */
    XLC_DEFBOOL_TRUE,                   /* "True" */
};

enum xlc_viridian_item_kind {
    XLC_VIRIDIAN_ITEM_GROUP,            /* "NAME" or "!NAME" */
    XLC_VIRIDIAN_ITEM_ALL,              /* "all" */
    XLC_VIRIDIAN_ITEM_DEFAULTS,         /* "defaults" */
};

struct xlc_viridian_item {
    enum xlc_viridian_item_kind kind;
    char *text;                         /* as xl read it (dequoted) */
    size_t column;                      /* 1-based, in the setting */
    bool negated;                       /* "!NAME" */
    unsigned int group;                 /* kind GROUP */
};

struct xlc_viridian_xl {
    bool list;                          /* a list (else a single value) */
    char *value;                        /* single value: as xl read it */
    struct xlc_viridian_item *items;    /* list: its items */
    size_t nr_items;
    /* What xl hands libxl. */
    enum xlc_defbool viridian;
    bool bitmaps;                       /* enable/disable allocated */
    uint64_t enable, disable;
    /* What xl accepted without a word (e.g. a value it ignored). */
    char **notes;
    size_t nr_notes;
};

/*
 * Read viridian=SETTING as xl does (SETTING: the right-hand side, see
 * xl-cfg-value.h for the syntax).  On what xl refuses -EINVAL, err says
 * why and *item (may be NULL) is the 1-based list item blamed (0: the
 * syntax).  Free with xlc_viridian_xl_free (also after a failure).
 */
int xlc_viridian_xl_parse(const char *setting, struct xlc_viridian_xl *out,
                          size_t *item, xlc_error *err);
void xlc_viridian_xl_free(struct xlc_viridian_xl *x);

/*
 * The three fields as libxl_domain_build_info's JSON prints them (yajl,
 * compact): {"viridian":"True","viridian_enable":[0,1],
 * "viridian_disable":[8]}; a field at its default (defbool default, empty
 * bitmap) is left out, as libxl leaves it out.
 */
void xlc_viridian_xl_json(struct xlc_buf *b, const struct xlc_viridian_xl *x);

/* libxl's result for what xl handed it. */
struct xlc_viridian_effective {
    bool defaults;                      /* the defbool added the defaults */
    xlc_viridian_set groups;            /* the enabled groups */
    uint64_t param;                     /* HVM_PARAM_VIRIDIAN (0: unset) */
};

/*
 * libxl's hvm_set_viridian_features() up to setting the parameter.
 * -EINVAL on what libxl refuses, naming the groups and (when x came from
 * xlc_viridian_xl_parse) the list items responsible; *item as above.
 */
int xlc_viridian_libxl_expand(const struct xlc_viridian_xl *x,
                              struct xlc_viridian_effective *out,
                              size_t *item, xlc_error *err);

/*
 * The same by the xl and libxl of an older (or newer) release r, with its
 * defaults and group names: a list item naming a group r's libxl lacks is
 * refused, as r's xl refuses it (a list at all on 4.4, whose viridian= is
 * a boolean).  from_json: the setting reaches r's libxl as a saved or
 * migrated configuration (libxl_domain_config JSON: bitmaps), where bits
 * naming no group of r are ignored instead.
 */
int xlc_viridian_expand_on(const struct xlc_viridian_xl *x,
                           const struct xlc_viridian_release *r,
                           bool from_json, struct xlc_viridian_effective *out,
                           size_t *item, xlc_error *err);

/* An xl right-hand side turning exactly `s` on ("0" for the empty set,
 * else a list of names).  malloc'd. */
char *xlc_viridian_xl_setting(xlc_viridian_set s);

/* ---- the leaves in words (viridian-text.c) ---- */

/* The TLFS name of a bit Xen 4.17 may set in leaf 0x40000000 + leaf
 * (register 0..3 = eax..edx); NULL for others. */
const char *xlc_viridian_leaf_bit_name(unsigned int leaf, unsigned int reg,
                                       unsigned int bit);
/* One line about Hyper-V leaf 0x40000000 + i (bits by name, "*" after a
 * host-dependent value), and about Xen's leaf xen_base + i. */
void xlc_viridian_leaf_text(struct xlc_buf *b,
                            const struct xfs_viridian_leaves *l,
                            unsigned int i);
void xlc_viridian_xen_leaf_text(struct xlc_buf *b,
                                const struct xfs_viridian_leaves *l,
                                unsigned int i);
/* Every leaf, one line each (leaf, registers, the line above), `indent`
 * first, then a line on what "*" means. */
void xlc_viridian_leaves_table(struct xlc_buf *b,
                               const struct xfs_viridian_leaves *l,
                               const char *indent);
/* Every leaf as a JSON array of {"leaf", "eax".."edx" (hex strings),
 * "host_dependent"}; `indent` prefixes the lines. */
void xlc_viridian_leaves_json(struct xlc_buf *b,
                              const struct xfs_viridian_leaves *l,
                              const char *indent);

/* ---- Xen releases, migration, pools (viridian-versions.c) ---- */

/*
 * What a Xen release knows: the HVMPV bits its hypervisor accepts, the
 * group names its libxl takes, and the groups viridian=1 means there.
 * Releases 4.4 to 4.20 (before 4.4 the parameter was a plain boolean whose
 * 1 meant base WITHOUT the frequency MSRs: not modelled).
 */
struct xlc_viridian_release {
    unsigned int major, minor;
    uint64_t hvmpv_mask;
    xlc_viridian_set groups;
    xlc_viridian_set defaults;
};

extern const struct xlc_viridian_release xlc_viridian_releases[];
extern const size_t xlc_viridian_nr_releases;

/* "4.17", "4.17.3", "4.17.0-rc1": the release (patch level ignored);
 * -ENOENT naming the known ones otherwise. */
int xlc_viridian_release_lookup(const char *version,
                                const struct xlc_viridian_release **out,
                                xlc_error *err);

/*
 * Can a host running release `dst` hold a guest whose parameter is
 * `param` (Xen refuses the value on restore otherwise)?  Returns the
 * HVMPV bits it lacks: 0 means yes.
 */
uint64_t xlc_viridian_param_missing(uint64_t param,
                                    const struct xlc_viridian_release *dst);

/* The same as a verdict with a message naming every missing bit and the
 * groups behind them: 0, or -EOPNOTSUPP. */
int xlc_viridian_check_destination(uint64_t param,
                                   const struct xlc_viridian_release *dst,
                                   xlc_error *err);

/* For a pool: the HVMPV bits and group names every release accepts, and
 * the groups viridian=1 gives on every one of them. */
struct xlc_viridian_level {
    uint64_t hvmpv_mask;
    xlc_viridian_set groups;
    xlc_viridian_set common_defaults;
};
void xlc_viridian_level(const struct xlc_viridian_release *const *rel,
                        size_t nr, struct xlc_viridian_level *out);

/* Xen 4.17, the release this project models (the leaves, the parser). */
const struct xlc_viridian_release *xlc_viridian_release_modelled(void);

/*
 * Before 4.15 libxl set HVM_PARAM_VIRIDIAN from the guest's configuration
 * on a restore or an incoming migration too, before reading the stream,
 * whose own value Xen then refuses unless it is the same (-EEXIST): the
 * restore works only when the configuration expands to the stream's value
 * on that host.  4.15 (commit 25ee478662, not backported) sets it only
 * for new domains.
 */
bool xlc_viridian_release_sets_on_restore(
    const struct xlc_viridian_release *r);

/* ---- hosts and destinations (viridian-host.c) ---- */

struct xlc_system_policies;

/*
 * What Xen knows about a host when it answers a guest's Hyper-V leaves,
 * from the host's system policies: VT-x or SVM from the vendor (VT-x
 * controls are not in CPUID: a VT-x host is taken to have APIC-register
 * virtualisation, virtualised APIC accesses and MSR bitmaps, as every
 * Xeon since Ivy Bridge-EP), HAP as the hypervisor was started, Xen's
 * defaults for viridian-version= and viridian-spinlock-retry-count=,
 * and whether Xen can trust the TSC (an invariant TSC: Xen sets
 * TSC_RELIABLE from ITSC, and only a warp found at boot clears it).
 */
struct xlc_viridian_host_info {
    struct xfs_viridian_host facts;
    bool hvm;                       /* HVM guests can run there */
    bool invariant_tsc;             /* ITSC in the host featureset */
    const char *cpu;                /* VT-x / SVM and what is assumed */
};
void xlc_viridian_host_from_system(const struct xlc_system_policies *sys,
                                   struct xlc_viridian_host_info *out);

/*
 * A guest's HVM_PARAM_VIRIDIAN (read from a stream) on a destination
 * running release `rel` with host facts `h`.  Judged:
 *   refused  a value Xen refuses on every release (no base_freq: a zero
 *            entry too), and bits the destination's release does not
 *            hold: its Xen fails the restore with -EINVAL;
 *   notes    a release before 4.15 sets the parameter from the guest's
 *            configuration first (xlc_viridian_release_sets_on_restore:
 *            the setting that gives the same value there is named);
 *            reference_tsc on a host without an invariant TSC, where Xen
 *            keeps the enlightenment but marks the TSC page invalid, and
 *            the guest falls back to the reference counter (time_ref_count)
 *            or its other clocks.
 * Not judged: the TSC frequency (Xen also invalidates the TSC page when the
 * guest's differs and the host cannot scale it), Xen's viridian boot
 * options and VT-x controls (the leaves mark what they decide as
 * host-dependent).  Every other group is software in Xen: no host lacks it.
 * out->leaves: what the guest sees there (Xen 4.17's computation).
 */
struct xlc_viridian_dest {
    uint64_t param;
    xlc_viridian_set groups;          /* 0: no value Xen 4.17 holds */
    bool exact;                       /* libxl can produce the value */
    const struct xlc_viridian_release *rel;
    bool ok;                          /* no reason */
    uint64_t missing;                 /* HVMPV bits rel lacks */
    char **reasons;
    size_t nr_reasons;
    char **notes;
    size_t nr_notes;
    struct xfs_viridian_leaves leaves;
};
int xlc_viridian_judge_dest(uint64_t param,
                            const struct xlc_viridian_release *rel,
                            const struct xlc_viridian_host_info *h,
                            struct xlc_viridian_dest *out, xlc_error *err);
void xlc_viridian_dest_free(struct xlc_viridian_dest *d);
/* As a JSON object: param, bits, groups, release, verdict, reasons,
 * notes, leaves. */
void xlc_viridian_dest_json(struct xlc_buf *b,
                            const struct xlc_viridian_dest *d);

/* ---- pools of hosts running different releases (viridian-pool.c) ---- */

/*
 * A setting judged across a pool.  A guest created on host A gets the
 * parameter A's xl and libxl make of the setting (xlc_viridian_expand_on);
 * it can move to host B when B's Xen holds that value and, for B before
 * 4.15, when B's libxl makes the same value of the migrated configuration
 * (xlc_viridian_release_sets_on_restore).  The setting is safe when it can
 * be created on every host and every move works.
 */
struct xlc_viridian_pool_host {
    char *name;
    const struct xlc_viridian_release *rel;
    bool assumed;                     /* no version given: 4.17 assumed */
};
struct xlc_viridian_verdict {
    char *setting;                    /* the xl right-hand side judged */
    bool safe;
    bool *created;                    /* per host: xl and libxl take it */
    uint64_t *param;                  /* ... and the value they set there */
    char **why;                       /* what goes wrong, in words: one
                                         line per creating release */
    size_t nr_why;
};
struct xlc_viridian_pool {
    struct xlc_viridian_pool_host *hosts;
    size_t nr, cap;
    struct xlc_viridian_level level;
    /* viridian=1, the level's defaults as an explicit list (safe), every
     * group every host holds as an explicit list (safe), and the user's
     * setting when one is given. */
    struct xlc_viridian_verdict one, safe, most, given;
    bool has_given;
    /* A saved guest's parameter (xlc_viridian_pool_guest): which hosts'
     * Xen can restore it.  `setting` holds "HVM_PARAM_VIRIDIAN 0x...". */
    struct xlc_viridian_verdict guest;
    bool has_guest;
};
/* Is host i the first of its release?  (The pool's releases in host
 * order: reports go release by release.) */
bool xlc_viridian_pool_first_of_release(const struct xlc_viridian_pool *p,
                                        size_t i);
/* The names of the hosts running r, ", " between, appended to b. */
void xlc_viridian_pool_hosts_of(struct xlc_buf *b,
                                const struct xlc_viridian_pool *p,
                                const struct xlc_viridian_release *r);
/* Hosts first, then xlc_viridian_pool_compute (setting may be NULL). */
int xlc_viridian_pool_add(struct xlc_viridian_pool *p, const char *name,
                          const struct xlc_viridian_release *rel,
                          bool assumed, xlc_error *err);
/* -EINVAL when `setting` does not parse as xl reads it (the message says
 * why); what libxl or an older xl refuses is a verdict, not an error. */
int xlc_viridian_pool_compute(struct xlc_viridian_pool *p,
                              const char *setting, xlc_error *err);
/* A saved guest's HVM_PARAM_VIRIDIAN judged on every host's release
 * (after xlc_viridian_pool_compute): refused where Xen lacks a bit or the
 * value has no base_freq. */
int xlc_viridian_pool_guest(struct xlc_viridian_pool *p, uint64_t param,
                            xlc_error *err);
void xlc_viridian_pool_free(struct xlc_viridian_pool *p);

#endif /* LIBXL_CPUID_VIRIDIAN_H */
