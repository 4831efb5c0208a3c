/* SPDX-License-Identifier: MIT */
/*
 * xen/lib/cpu-policy.h -- a full CPU policy: every CPUID leaf Xen tracks for
 * a guest, plus the MSRs it carries, and its serialised (leaf/MSR array)
 * form.
 *
 * Freestanding: no allocation, no libc.  A policy is a plain value
 * (~2 KiB); callers own the storage.
 *
 * The array bounds are those of Xen 4.17 (checked against the installed
 * libxenguest, which rejects anything past them):
 *   basic leaves     0x0 .. 0xd
 *   leaf 0x4         subleaves 0 .. 5   (deterministic cache parameters)
 *   leaf 0x7         subleaves 0 .. 2   (structured features)
 *   leaf 0xb         subleaves 0 .. 1   (extended topology)
 *   leaf 0xd         subleaves 0 .. 62  (XSAVE components; bit 63 reserved)
 *   extended leaves  0x80000000 .. 0x80000021
 *   MSRs             0xce (PLATFORM_INFO, 32 bits as Xen keeps it),
 *                    0x10a (ARCH_CAPABILITIES)
 * plus the two hypervisor-leaf limits the toolstack may choose
 * (leaves 0x40000000 and 0x40000100, 8 bits each).
 */
#ifndef XEN_LIB_CPU_POLICY_H
#define XEN_LIB_CPU_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../../public/arch-x86/cpu-policy-abi.h"
#include "cpu-policy-limits.h"
#include "cpuid-leaves.h"
#include "featureset.h"

/* The capacities come from cpu-policy-limits.h, their one definition. */
#define XFS_POLICY_NR_BASIC   XFS_CPUID_NR_BASIC
#define XFS_POLICY_NR_CACHE   XFS_CPUID_NR_CACHE
#define XFS_POLICY_NR_FEAT    XFS_CPUID_NR_FEAT
#define XFS_POLICY_NR_TOPO    XFS_CPUID_NR_TOPO
#define XFS_POLICY_NR_XSTATE  XFS_CPUID_NR_XSTATE
#define XFS_POLICY_NR_EXTD    XFS_CPUID_NR_EXTD
#define XFS_POLICY_EXTD_BASE  XFS_CPUID_EXTD_BASE

#define XFS_HV_LIMIT_LEAF     XFS_CPUID_HV_LEAF
#define XFS_HV2_LIMIT_LEAF    XFS_CPUID_HV2_LEAF

/* Most leaves one policy serialises to, and its MSRs. */
#define XFS_POLICY_MAX_LEAVES XFS_CPUID_MAX_SERIALISED_LEAVES
#define XFS_POLICY_MAX_MSRS   XFS_MSR_MAX_SERIALISED_ENTRIES

/* PLATFORM_INFO as Xen stores it: CPUID faulting is bit 31 of its 32 bits. */
#define XFS_PLATFORM_INFO_CPUID_FAULTING (1u << 31)

struct xfs_cpu_policy {
    /* Slots 0x4, 0x7, 0xb and 0xd stay zero: their data is below. */
    struct xfs_cpuid_regs basic[XFS_POLICY_NR_BASIC];
    struct xfs_cpuid_regs cache[XFS_POLICY_NR_CACHE];   /* leaf 0x4 */
    struct xfs_cpuid_regs feat[XFS_POLICY_NR_FEAT];     /* leaf 0x7 */
    struct xfs_cpuid_regs topo[XFS_POLICY_NR_TOPO];     /* leaf 0xb */
    struct xfs_cpuid_regs xstate[XFS_POLICY_NR_XSTATE]; /* leaf 0xd */
    struct xfs_cpuid_regs extd[XFS_POLICY_NR_EXTD];     /* 0x800000xx */
    uint32_t platform_info;                             /* MSR 0xce */
    uint64_t arch_caps;                                 /* MSR 0x10a */
    uint8_t hv_limit, hv2_limit;
    enum xfs_vendor vendor;   /* from leaf 0; kept by xfs_policy_recalc */
    /*
     * Provenance, not CPUID data (never serialised, not compared by
     * xfs_policy_equal): the XSAVE components whose leaf 0xd layout the
     * source lacked and the vendor's documented layout supplied
     * (xfs_xstate_fill_architectural); carried with the layout.
     */
    uint64_t xstate_assumed;
};

/* ---- basic access (cpu-policy.c) ---- */

void xfs_policy_zero(struct xfs_cpu_policy *p);
/* Field-by-field copy (a struct assignment may become a memcpy call). */
void xfs_policy_copy(struct xfs_cpu_policy *dst,
                     const struct xfs_cpu_policy *src);
bool xfs_policy_equal(const struct xfs_cpu_policy *a,
                      const struct xfs_cpu_policy *b);

/* Leaves whose policy data depends on the subleaf: 0x4, 0x7, 0xb, 0xd. */
bool xfs_policy_leaf_has_subleaves(uint32_t leaf);

enum xfs_slot_status {
    XFS_SLOT_OK,
    XFS_SLOT_BAD_LEAF,     /* the policy has no room for this leaf */
    XFS_SLOT_BAD_SUBLEAF,  /* leaf known, subleaf out of range (or given
                              for a leaf that takes none, or missing) */
};

/*
 * Where (leaf, subleaf) lives in the policy, or NULL.  Leaves without
 * subleaves take XFS_CPUID_NO_SUBLEAF.  The hypervisor-limit leaves have
 * no register block and report XFS_SLOT_BAD_LEAF here.
 */
struct xfs_cpuid_regs *xfs_policy_slot(struct xfs_cpu_policy *p,
                                       uint32_t leaf, uint32_t subleaf,
                                       enum xfs_slot_status *why);
const struct xfs_cpuid_regs *xfs_policy_slot_c(const struct xfs_cpu_policy *p,
                                               uint32_t leaf,
                                               uint32_t subleaf);

/* The policy's own limits, straight from the registers. */
uint32_t xfs_policy_max_leaf(const struct xfs_cpu_policy *p);
uint32_t xfs_policy_max_feat_subleaf(const struct xfs_cpu_policy *p);
uint32_t xfs_policy_max_extd_leaf(const struct xfs_cpu_policy *p);
/* Index of the last extended leaf serialised (max & 0xffff, clamped). */
unsigned int xfs_policy_last_extd(const struct xfs_cpu_policy *p);
/* Leaf 0x4 eax[4:0] / leaf 0xb ecx[15:8] zero: the subleaf ending the list. */
bool xfs_cache_subleaf_null(const struct xfs_cpuid_regs *r);
bool xfs_topo_subleaf_null(const struct xfs_cpuid_regs *r);
/* XCR0-valid components (0xd:0 eax/edx) and XSS ones (0xd:1 ecx/edx). */
uint64_t xfs_policy_xcr0(const struct xfs_cpu_policy *p);
uint64_t xfs_policy_xss(const struct xfs_cpu_policy *p);

enum xfs_vendor xfs_vendor_from_leaf0(uint32_t ebx, uint32_t ecx,
                                      uint32_t edx);
const char *xfs_vendor_name(enum xfs_vendor v);
/* Recompute what is derived from the registers (the vendor). */
void xfs_policy_recalc(struct xfs_cpu_policy *p);

/* ---- featureset <-> policy (cpu-policy-featureset.c) ---- */

/*
 * Read the featureset words out of the policy's registers.  nr words are
 * written; words this build does not know are written as zero.
 */
void xfs_policy_to_featureset(const struct xfs_cpu_policy *p, uint32_t *fs,
                              size_t nr);
/*
 * Write a featureset's words into the registers that hold them, touching
 * nothing else.  Words missing from a short featureset count as zero.
 * Returns 0, or -1 when fs has bits set in words this build cannot place
 * (those bits are not written anywhere).
 */
int xfs_policy_from_featureset(struct xfs_cpu_policy *p, const uint32_t *fs,
                               size_t nr);

/* ---- visiting leaves in serialisation order (cpu-policy-serialise.c) ---- */

/*
 * Calls fn for every leaf the policy serialises to, in the order of Xen's
 * x86_cpuid_copy_to_buffer: basic leaves up to the max leaf (leaf 0x4 up to
 * and including its first null subleaf, leaf 0x7 up to its max subleaf,
 * leaf 0xb like 0x4, leaf 0xd subleaves 0, 1, then up to the highest
 * XCR0|XSS component), the two hypervisor limits, then the extended leaves
 * up to the extended max.  Stops and returns fn's value when non-zero.
 */
typedef int (*xfs_leaf_visit_fn)(void *ctx, uint32_t leaf, uint32_t subleaf,
                                 const struct xfs_cpuid_regs *r);
int xfs_policy_for_each_leaf(const struct xfs_cpu_policy *p,
                             xfs_leaf_visit_fn fn, void *ctx);
/* True when (leaf, subleaf) is among the leaves the policy serialises to. */
bool xfs_policy_leaf_is_listed(const struct xfs_cpu_policy *p, uint32_t leaf,
                               uint32_t subleaf);

/* ---- serialisation and its errors ---- */

enum xfs_policy_err {
    XFS_PERR_OK = 0,
    XFS_PERR_NOBUFS,          /* serialise: the caller's array is too short */
    XFS_PERR_TOO_MANY,        /* more leaves than any policy holds */
    XFS_PERR_LEAF_RANGE,      /* leaf the policy cannot describe */
    XFS_PERR_SUBLEAF_RANGE,   /* subleaf out of range for its leaf */
    XFS_PERR_DUPLICATE,       /* same leaf/subleaf twice */
    XFS_PERR_BEYOND_MAX,      /* describable, but past the policy's own max
                                 leaf/subleaf: it would be silently lost */
    XFS_PERR_HV_VALUE,        /* hypervisor limit leaf Xen cannot hold */
    XFS_PERR_MSR_TOO_MANY,    /* more MSRs than any policy holds */
    XFS_PERR_MSR_UNKNOWN,     /* MSR the policy does not carry */
    XFS_PERR_MSR_FLAGS,       /* non-zero flags (reserved, must be zero) */
    XFS_PERR_MSR_DUPLICATE,
    XFS_PERR_MSR_VALUE,       /* value wider than the MSR Xen keeps */
};

/* Which of the policy's own limits a BEYOND_MAX leaf is past. */
enum xfs_limit_kind {
    XFS_LIMIT_MAX_LEAF,       /* limit = max basic leaf (leaf 0 eax) */
    XFS_LIMIT_MAX_SUBLEAF,    /* limit = leaf 7 max subleaf (7:0 eax) */
    XFS_LIMIT_NULL_SUBLEAF,   /* limit = the null subleaf ending 0x4/0xb */
    XFS_LIMIT_XSTATE,         /* limit = XCR0|XSS components */
    XFS_LIMIT_MAX_EXTD,       /* limit = max extended leaf */
};

/* The offending entry, for the toolstack to turn into a message. */
struct xfs_policy_error {
    enum xfs_policy_err kind;
    uint32_t index;          /* position in the leaf (or MSR) array */
    uint32_t first_index;    /* duplicates: where the entry first appeared */
    uint32_t nr;             /* TOO_MANY: entries given; NOBUFS: needed */
    uint32_t max;            /* TOO_MANY: most allowed; NOBUFS: room */
    enum xfs_limit_kind limit_kind;  /* BEYOND_MAX */
    uint64_t limit;
    struct xfs_cpuid_leaf leaf;
    struct xfs_msr_entry msr;
};

/* Clear *err (may be NULL) and set its kind. */
void xfs_policy_error_init(struct xfs_policy_error *err,
                           enum xfs_policy_err kind);

/*
 * Serialise into leaves[*nr] / msrs[*nr].  *nr in: room; out: entries
 * written (on NOBUFS: entries the policy needs).  Returns 0 or
 * XFS_PERR_NOBUFS (err may be NULL).
 */
int xfs_policy_serialise_leaves(const struct xfs_cpu_policy *p,
                                struct xfs_cpuid_leaf *leaves, uint32_t *nr,
                                struct xfs_policy_error *err);
int xfs_policy_serialise_msrs(const struct xfs_cpu_policy *p,
                              struct xfs_msr_entry *msrs, uint32_t *nr,
                              struct xfs_policy_error *err);

/*
 * Apply serialised leaves and MSRs on top of *p (entries not given keep
 * their value, as with xc_cpu_policy_update_cpuid).  Either array may be
 * empty.  Returns 0, or an xfs_policy_err with *err naming the first
 * offending entry; on error *p is unchanged.  Strict: a repeated entry, a
 * hypervisor limit Xen cannot hold and a leaf past the policy's own
 * limits are errors.
 */
int xfs_policy_deserialise(struct xfs_cpu_policy *p,
                           const struct xfs_cpuid_leaf *leaves,
                           uint32_t nr_leaves,
                           const struct xfs_msr_entry *msrs, uint32_t nr_msrs,
                           struct xfs_policy_error *err);

/*
 * A change Xen 4.17 makes to entries it accepts: kind DUPLICATE or
 * MSR_DUPLICATE (index replaces first_index: the last one wins), HV_VALUE
 * (only eax's low 8 bits are kept), BEYOND_MAX (the leaf is past the
 * policy's limits and is cleared; leaf, limit_kind and limit say which).
 */
typedef void (*xfs_policy_note_fn)(void *ctx,
                                   const struct xfs_policy_error *change);

/*
 * The same as Xen 4.17 takes entries from a restored stream
 * (x86_cpuid_copy_from_buffer, x86_msr_copy_from_buffer, then the
 * set_cpu_policy domctl's x86_cpu_policy_clear_out_of_range_leaves): what
 * Xen refuses is an error as above; what it changes is done and reported
 * to note (may be NULL): a BEYOND_MAX note for every entry whose value
 * the clearing did not keep.
 */
int xfs_policy_deserialise_as_xen(struct xfs_cpu_policy *p,
                                  const struct xfs_cpuid_leaf *leaves,
                                  uint32_t nr_leaves,
                                  const struct xfs_msr_entry *msrs,
                                  uint32_t nr_msrs, xfs_policy_note_fn note,
                                  void *ctx, struct xfs_policy_error *err);

/* ---- compatibility (cpu-policy-compat.c) ---- */

enum xfs_compat_kind {
    XFS_COMPAT_VENDOR,            /* guest.vendor != host.vendor */
    XFS_COMPAT_MAX_LEAF,          /* guest max basic leaf > host's */
    XFS_COMPAT_MAX_FEAT_SUBLEAF,  /* guest leaf 7 max subleaf > host's */
    XFS_COMPAT_MAX_EXTD_LEAF,     /* guest max extended leaf > host's */
    XFS_COMPAT_FEATURE,           /* item = feature number host lacks */
    XFS_COMPAT_MAXPHYSADDR,       /* 0x80000008.eax[7:0] lower on host */
    XFS_COMPAT_MAXLINADDR,        /* 0x80000008.eax[15:8] lower on host */
    XFS_COMPAT_XSTATE_COMPONENT,  /* item = XSAVE component host lacks */
    XFS_COMPAT_XSTATE_LAYOUT,     /* item = component; values size<<32|off */
    XFS_COMPAT_XSAVE_SIZE,        /* guest's XSAVE area smaller than host's */
    XFS_COMPAT_MSR_BITS,          /* item = MSR; guest bits host lacks */
};

struct xfs_compat_reason {
    enum xfs_compat_kind kind;
    uint32_t leaf, subleaf;   /* where the value lives (MSR: index, 0) */
    uint32_t item;
    uint64_t guest, host;     /* the values compared */
};

/*
 * Can a guest with policy `guest` run on a host whose max policy is
 * `host`?  Stores up to max reasons and returns how many there are in all
 * (0 = compatible).  Every reason is found, not just the first.
 */
unsigned int xfs_policy_check_compat(const struct xfs_cpu_policy *host,
                                     const struct xfs_cpu_policy *guest,
                                     struct xfs_compat_reason *out,
                                     unsigned int max);

/* ---- XSAVE layout helpers (cpu-policy-xstate.c) ---- */

#define XFS_XSTATE_LEGACY_SIZE 576u   /* legacy region + XSAVE header */
#define XFS_XSTATE_ECX_XSS     (1u << 0)  /* subleaf i ecx: supervisor */
#define XFS_XSTATE_ECX_ALIGN64 (1u << 1)  /* subleaf i ecx: 64-byte align */

/*
 * Size of a non-compacted XSAVE area holding `components`, using the
 * component sizes and offsets in layout's leaf 0xd.
 */
uint32_t xfs_xstate_uncompressed_size(const struct xfs_cpu_policy *layout,
                                      uint64_t components);

/*
 * The vendor's documented standard-format layout of a user XSAVE
 * component (eax size, ebx offset, ecx flags), or false when there is
 * none for that vendor and component (cpu-policy-xstate.c has the table).
 */
bool xfs_xstate_arch_layout(enum xfs_vendor vendor, unsigned int component,
                            struct xfs_cpuid_regs *out);

/*
 * For every XCR0 component whose leaf 0xd subleaf is missing (all zero:
 * no CPU reports a supported component as empty), use the vendor's
 * documented layout -- each only when the result agrees with what the
 * CPU did report: no overlap with another component or the legacy area,
 * and the area size of 0xd:0 ecx (no larger while some component is still
 * unknown).  Sets and returns p->xstate_assumed.
 */
uint64_t xfs_xstate_fill_architectural(struct xfs_cpu_policy *p);

#endif /* XEN_LIB_CPU_POLICY_H */
