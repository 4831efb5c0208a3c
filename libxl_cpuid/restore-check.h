/* SPDX-License-Identifier: MIT */
/*
 * Refusing unsafe restores: the policy a stream recorded against what the
 * destination can give a guest of that type.
 *
 * A restore is accepted exactly when every feature bit of the recorded
 * policy is in the destination's max featureset for the guest type and the
 * recorded leaf limits (basic max leaf, leaf 7 max subleaf, extended max
 * leaf) do not exceed the destination max policy's.  Every blocking reason
 * is listed, not just the first.  Inverted bits (XCF_INVERTED: set means
 * less capability, e.g. NO_FPU_SEL, RSBA) never block: a guest told of a
 * weakness the destination does not have only takes needless care.
 *
 * A stream without a CPUID policy record (Xen before 4.14) is what Xen
 * 4.17's restore path handles with a compatibility policy (libxl's
 * static_data_done callback -> xc_cpuid_apply_policy(restore=true)): the
 * destination's default policy for the type, RDRAND, HLE and RTM (and, for
 * HVM, MPX) taken from the host featureset, the basic max leaf clamped to
 * 0xd, leaf 7 to subleaf 0 and the extended max leaf to 0x8000001c.  The
 * check is then made on that policy, and the verdict says so.
 */
#ifndef LIBXL_CPUID_RESTORE_CHECK_H
#define LIBXL_CPUID_RESTORE_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../xen/arch/featuresets.h"
#include "../xen/lib/featureset.h"
#include "error.h"
#include "stream.h"

/* What Xen 4.17's compatibility policy clamps the leaf limits to. */
#define XLC_COMPAT_MAX_BASIC_LEAF   0xdu
#define XLC_COMPAT_MAX_FEAT_SUBLEAF 0u
#define XLC_COMPAT_MAX_EXTD_LEAF    0x8000001cu

/* The numeric limits a policy states in its leaves. */
struct xlc_leaf_limits {
    uint32_t basic;        /* CPUID.0.eax */
    uint32_t feat;         /* CPUID.7.0.eax */
    uint32_t extd;         /* CPUID.0x80000000.eax */
};

/* The destination, for one guest type. */
struct xlc_restore_dest {
    uint32_t domain_type;              /* XFS_STREAM_DOM_X86_PV / _HVM */
    bool usable;                       /* the type can run there at all */
    uint32_t max_fs[XFS_NR_WORDS];     /* pv_max / hvm_max */
    uint32_t def_fs[XFS_NR_WORDS];     /* pv / hvm default */
    uint32_t host_fs[XFS_NR_WORDS];
    struct xlc_leaf_limits max;        /* of the max policy */
    struct xlc_leaf_limits def;        /* of the default policy */
};

/*
 * Destination facts from the derived system featuresets.  The max policy's
 * limits are the policy object's capacity (Xen's guest max policies allow
 * any leaf within bounds); the default policy's are the host's, clamped.
 */
void xlc_restore_dest_from_system(const struct xfs_system_featuresets *sys,
                                  uint32_t domain_type,
                                  struct xlc_restore_dest *d);

enum xlc_reason_kind {
    XLC_REASON_FEATURE,    /* a known feature the destination lacks */
    XLC_REASON_UNKNOWN,    /* a bit no known feature uses */
    XLC_REASON_LIMIT,      /* a leaf limit above the destination's */
    XLC_REASON_TYPE,       /* the guest type cannot run there */
};

struct xlc_restore_reason {
    enum xlc_reason_kind kind;
    unsigned int value;        /* feature: word * 32 + bit */
    const char *name;          /* feature name, or limit name */
    uint32_t guest, dest;      /* limits */
};

struct xlc_restore_verdict {
    bool accept;
    bool compat_policy;        /* no CPUID record: compatibility policy used */
    bool msr_missing;          /* no MSR record: destination default MSRs */
    uint32_t domain_type;
    uint32_t guest_fs[XFS_NR_WORDS];   /* the policy that was checked */
    struct xlc_leaf_limits guest;
    size_t nr_reasons;
    struct xlc_restore_reason *reasons;
};

/* True for XCF_INVERTED bits, which the check does not hold against a
 * destination. */
bool xlc_bit_is_inverted(unsigned int feature);

/* The featureset words and leaf limits a serialised policy states. */
void xlc_policy_featureset(const struct xlc_policy_entries *e,
                           uint32_t fs[XFS_NR_WORDS]);
void xlc_policy_limits(const struct xlc_policy_entries *e,
                       struct xlc_leaf_limits *l);

/* Xen 4.17's compatibility policy for a stream without CPUID data. */
void xlc_compat_policy(const struct xlc_restore_dest *d,
                       uint32_t fs[XFS_NR_WORDS], struct xlc_leaf_limits *l);

/* Check a parsed stream against the destination for its guest type. */
int xlc_restore_check(const struct xlc_stream_info *s,
                      const struct xlc_restore_dest *d,
                      struct xlc_restore_verdict *v, xlc_error *err);
/* The same on a featureset and limits directly. */
int xlc_restore_check_fs(const uint32_t guest_fs[XFS_NR_WORDS],
                         const struct xlc_leaf_limits *guest,
                         const struct xlc_restore_dest *d,
                         struct xlc_restore_verdict *v, xlc_error *err);
void xlc_restore_verdict_free(struct xlc_restore_verdict *v);

/* One line per reason ("feature AVX512F (7b0 bit 16) ..."), for people. */
void xlc_restore_reason_text(const struct xlc_restore_verdict *v, size_t i,
                             char *buf, size_t size);
/* The verdict as a JSON object (malloc()ed), or NULL when out of memory. */
char *xlc_restore_verdict_json(const struct xlc_restore_verdict *v);

#endif /* LIBXL_CPUID_RESTORE_CHECK_H */
