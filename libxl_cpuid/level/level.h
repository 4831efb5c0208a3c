/* SPDX-License-Identifier: MIT */
/*
 * Pool levelling: the CPU a guest may see on every host of a pool, and why.
 *
 * A pool holds hosts (a featureset each, plus what raw CPUID says beyond
 * feature bits when the input carried it) and per-bit host counts, so that
 * adding or removing a host updates the level without going over the other
 * hosts, and "what would the pool lose if this host joined?" is one call.
 *
 * Each host has two featuresets: its MAX set (given as `fs`: the raw/host
 * featureset or the guest max featureset Xen derived for the pool's guest
 * type; the level is always taken through the type's static max mask, an
 * intersection, so they agree) and its DEFAULT set (what Xen gives a
 * guest of the type that asks for nothing; when not given, the max set
 * through the type's static default mask, xlc_default_from_max).  So a
 * pool has two levels: the MAX level (what a guest may be given if it
 * asks) and the DEFAULT level, from which the guest level of a report is
 * made (level-report.h).  XCF_INVERTED bits pass regardless of the masks.
 * The bit-by-bit rules are in public/arch-x86/cpufeatureset.h
 * ("LEVELLING, BIT BY BIT").
 */
#ifndef LIBXL_CPUID_LEVEL_H
#define LIBXL_CPUID_LEVEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../../xen/lib/cpuid-leaves.h"
#include "../../xen/lib/level.h"
#include "../util/error.h"
#include "../names/guest-type.h"

/* The static max mask a type's level is taken through (HVM assumes HAP). */
const uint32_t *xlc_guest_mask(enum xlc_guest_type t);
/* The static default mask its default level is taken through. */
const uint32_t *xlc_guest_default_mask(enum xlc_guest_type t);
/*
 * The default of a host known only by its max set: max through the type's
 * static default mask, dependencies re-applied, max's inverted bits kept.
 */
void xlc_default_from_max(enum xlc_guest_type t,
                          const uint32_t max[XFS_NR_WORDS],
                          uint32_t def[XFS_NR_WORDS]);

/* ---- what a host is beyond feature bits ---- */

/* Numeric limits: the pool takes the minimum. */
enum xlc_limit {
    XLC_LIMIT_MAX_LEAF,     /* CPUID 0 EAX */
    XLC_LIMIT_MAX_EXT_LEAF, /* CPUID 0x80000000 EAX */
    XLC_LIMIT_MAXPHYSADDR,  /* CPUID 0x80000008 EAX[7:0] */
    XLC_LIMIT_MAXLINADDR,   /* CPUID 0x80000008 EAX[15:8] */
    XLC_LIMIT_XSAVE_SIZE,   /* CPUID 0xd.0 ECX: XSAVE area for all states */
    XLC_LIMIT_NR
};
extern const char *const xlc_limit_names[XLC_LIMIT_NR];

/* Values that cannot be levelled: differing ones are reported. */
enum xlc_prop {
    XLC_PROP_VENDOR,     /* differing: the pool is incompatible */
    XLC_PROP_MXCSR_MASK, /* differing: the pool is incompatible */
    XLC_PROP_FAMILY,     /* differing: reported (guests see one family) */
    XLC_PROP_MODEL,      /* differing: reported */
    XLC_PROP_NR
};
extern const char *const xlc_prop_names[XLC_PROP_NR];

/* What an input says besides features; each part may be unknown. */
struct xlc_host_props {
    bool vendor_known;           /* raw CPUID, saved policy, libvirt <cpu> */
    bool signature_known;        /* family/model: raw CPUID, saved policy */
    bool limits_known;           /* limit[]: raw CPUID, saved policy */
    char vendor[13];             /* "GenuineIntel", ... */
    uint32_t family, model, stepping;  /* display family/model */
    uint32_t limit[XLC_LIMIT_NR];
    bool mxcsr_known;            /* only a live host can say (FXSAVE) */
    uint32_t mxcsr_mask;
};

/* Fill props from raw CPUID (a dump, the live CPU, a test). */
void xlc_host_props_from_cpuid(const struct xfs_cpuid_reader *rd,
                               struct xlc_host_props *p);
/* Read this CPU's MXCSR mask with FXSAVE.  -ENOTSUP off x86. */
int xlc_host_props_live_mxcsr(struct xlc_host_props *p, xlc_error *err);
/* One property as text ("GenuineIntel", "0x6", "0x0000ffbf"). */
void xlc_host_prop_text(const struct xlc_host_props *p, enum xlc_prop which,
                        char buf[24]);

/* ---- the pool ---- */

typedef struct xlc_pool xlc_pool;

int xlc_pool_new(enum xlc_guest_type type, xlc_pool **out, xlc_error *err);
void xlc_pool_free(xlc_pool *p);
enum xlc_guest_type xlc_pool_type(const xlc_pool *p);

/* Room for `n` more hosts without reallocation. */
int xlc_pool_reserve(xlc_pool *p, size_t n, xlc_error *err);

/*
 * Add one host.  name may be NULL ("host<id>"); names must be unique.
 * fs has nr words; bits in words this build does not know are refused
 * (-EINVAL, listed) rather than dropped.  props may be NULL.  *id (may be
 * NULL) receives the host's id, stable until it is removed.
 */
int xlc_pool_add(xlc_pool *p, const char *name, const uint32_t *fs,
                 size_t nr, const struct xlc_host_props *props, size_t *id,
                 xlc_error *err);
/*
 * The same with the host's default set (def, nr words; NULL: derived from
 * fs as xlc_default_from_max does).  A default with ordinary features its
 * max set lacks is refused (-EINVAL, listed); its inverted bits are taken
 * from fs.
 */
int xlc_pool_add_host(xlc_pool *p, const char *name, const uint32_t *fs,
                      const uint32_t *def, size_t nr,
                      const struct xlc_host_props *props, size_t *id,
                      xlc_error *err);
/*
 * Add `count` unnamed hosts whose featuresets are stored back to back,
 * `stride` words apart, each `nr` words (nr <= XFS_NR_WORDS).  Ids are
 * consecutive from *first (may be NULL).
 */
int xlc_pool_add_many(xlc_pool *p, const uint32_t *fs, size_t nr,
                      size_t stride, size_t count, size_t *first,
                      xlc_error *err);
/*
 * The same without copying: the pool points into `fs`, which must stay
 * unchanged until the pool is freed (for inventories already in memory).
 * Each featureset must be XFS_NR_WORDS words: stride >= XFS_NR_WORDS.
 */
int xlc_pool_attach_many(xlc_pool *p, const uint32_t *fs, size_t stride,
                         size_t count, size_t *first, xlc_error *err);
int xlc_pool_remove(xlc_pool *p, size_t id, xlc_error *err);

size_t xlc_pool_nr_hosts(const xlc_pool *p);  /* hosts present */
size_t xlc_pool_nr_ids(const xlc_pool *p);    /* ids ever handed out */
bool xlc_pool_has(const xlc_pool *p, size_t id);
/* -ENOENT when no present host has that name. */
int xlc_pool_find(const xlc_pool *p, const char *name, size_t *id);

#define XLC_HOST_NAME_BUF 32
/* The host's name, or "host<id>" written into buf for unnamed ones. */
const char *xlc_pool_host_name(const xlc_pool *p, size_t id,
                               char buf[XLC_HOST_NAME_BUF]);
/* XFS_NR_WORDS words: the host's max set. */
const uint32_t *xlc_pool_host_featureset(const xlc_pool *p, size_t id);
/* The host's default set (given, or derived from its max set). */
void xlc_pool_host_default(const xlc_pool *p, size_t id,
                           uint32_t out[XFS_NR_WORDS]);
/* NULL when the input carried no CPUID beyond the featureset. */
const struct xlc_host_props *xlc_pool_host_props(const xlc_pool *p,
                                                 size_t id);
/* How many present hosts have the bit (from the counts, O(1)). */
uint32_t xlc_pool_count(const xlc_pool *p, unsigned int bit);

/* ---- the level ---- */

struct xlc_props_level {
    size_t nr_known;             /* hosts whose vendor is known */
    size_t nr_unknown;           /* hosts whose vendor is not: unchecked */
    size_t nr_limits;            /* hosts whose limits are known */
    bool differs[XLC_PROP_NR];   /* values disagree among known hosts */
    bool compatible;             /* no vendor / MXCSR mask disagreement */
    /* Common values (blank where hosts differ) and minimum limits. */
    struct xlc_host_props value;
    size_t limit_host[XLC_LIMIT_NR]; /* a host holding each minimum */
};

struct xlc_level {
    enum xlc_guest_type type;
    size_t nr_hosts;
    uint32_t every[XFS_NR_WORDS];  /* bits every host's max has (unmasked) */
    uint32_t any[XFS_NR_WORDS];    /* bits some host's max has (unmasked) */
    struct xfs_level_sets sets;    /* .level is the MAX level */
    /* Ordinary bits some host's guest view has that the level lacks. */
    uint32_t lost[XFS_NR_WORDS];
    /* Inverted bits on the level (weaknesses guests are told about). */
    uint32_t weak[XFS_NR_WORDS];
    /* The DEFAULT level: bits every host's default has (unmasked), and
     * those through the type's max mask, dependencies re-applied (.level;
     * inverted bits as on the max level). */
    uint32_t every_def[XFS_NR_WORDS];
    struct xfs_level_sets def_sets;
    struct xlc_props_level props;
};

/*
 * The level of the present hosts.  -EINVAL for an empty pool.  Costs the
 * same whatever the number of hosts: the feature part comes from the
 * per-bit counts, the vendor/limits part from a summary the pool keeps as
 * hosts join (rebuilt only when a host with CPUID properties leaves).
 */
int xlc_pool_level(const xlc_pool *p, struct xlc_level *out, xlc_error *err);

/*
 * Present hosts that have (has=true) or lack the bit: up to `max` ids into
 * ids (may be NULL), returns how many there are in all.
 */
size_t xlc_pool_hosts_with(const xlc_pool *p, unsigned int bit, bool has,
                           size_t *ids, size_t max);
/* The same over the hosts' default sets. */
size_t xlc_pool_hosts_with_default(const xlc_pool *p, unsigned int bit,
                                   bool has, size_t *ids, size_t max);

/*
 * For a bit in l->sets.dep_lost (every host has it, the level cannot): the
 * nearest prerequisite missing from the level, or -1.
 */
int xlc_level_missing_prereq(const struct xlc_level *l, unsigned int bit);
/* The same against any level featureset (e.g. a report's guest level). */
int xlc_missing_prereq(const uint32_t level[XFS_NR_WORDS], unsigned int bit);

/* Hosts grouped by one property's value (known hosts only). */
struct xlc_prop_group {
    char value[24];
    size_t nr;
    size_t *ids;
};
int xlc_pool_prop_groups(const xlc_pool *p, enum xlc_prop which,
                         struct xlc_prop_group **groups, size_t *nr,
                         xlc_error *err);
void xlc_prop_groups_free(struct xlc_prop_group *groups, size_t nr);

/* ---- what-if ---- */

struct xlc_level_change {
    uint32_t lost[XFS_NR_WORDS];   /* on the max level before, not after */
    uint32_t gained[XFS_NR_WORDS]; /* on the max level after, not before */
    uint32_t def_lost[XFS_NR_WORDS];   /* the same for the default level */
    uint32_t def_gained[XFS_NR_WORDS];
    bool becomes_incompatible;     /* vendor / MXCSR mask conflict appears */
    bool limits_drop;              /* some numeric limit would go down */
};

/* The level if a host with fs/props joined, without changing the pool. */
int xlc_pool_what_if_add(const xlc_pool *p, const uint32_t *fs, size_t nr,
                         const struct xlc_host_props *props,
                         struct xlc_level *after,
                         struct xlc_level_change *chg, xlc_error *err);
/* The same for a host with a default set (def NULL: derived from fs). */
int xlc_pool_what_if_add_host(const xlc_pool *p, const uint32_t *fs,
                              const uint32_t *def, size_t nr,
                              const struct xlc_host_props *props,
                              struct xlc_level *after,
                              struct xlc_level_change *chg, xlc_error *err);
/* The level if host `id` left. */
int xlc_pool_what_if_remove(const xlc_pool *p, size_t id,
                            struct xlc_level *after,
                            struct xlc_level_change *chg, xlc_error *err);
void xlc_level_diff(const struct xlc_level *before,
                    const struct xlc_level *after,
                    struct xlc_level_change *chg);

/* ---- may this guest featureset run on that host? ---- */

enum xlc_verdict_kind {
    XLC_VERDICT_OK,           /* runs, and knows every weakness there */
    XLC_VERDICT_UNTOLD,       /* runs, but is not told of a host weakness */
    XLC_VERDICT_INCOMPATIBLE, /* features missing, or vendor/MXCSR differ */
};

struct xlc_verdict {
    enum xlc_verdict_kind kind;
    uint32_t missing[XFS_NR_WORDS]; /* guest has, host's guest view lacks */
    uint32_t untold[XFS_NR_WORDS];  /* inverted: host has, guest lacks */
    bool vendor_differs;            /* both known and different */
    bool mxcsr_differs;
};

/*
 * Judge guest featureset g (nr words) against host `id`.  guest_props may
 * be NULL (vendor unchecked) -- typically the level's props.value.
 */
int xlc_pool_verdict(const xlc_pool *p, size_t id, const uint32_t *g,
                     size_t nr, const struct xlc_host_props *guest_props,
                     struct xlc_verdict *v, xlc_error *err);
const char *xlc_verdict_name(enum xlc_verdict_kind k);

#endif /* LIBXL_CPUID_LEVEL_H */
