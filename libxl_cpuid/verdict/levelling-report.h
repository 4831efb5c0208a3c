/* SPDX-License-Identifier: MIT */
/*
 * What leaks through: which CPUID words a host can keep a guest from
 * seeing, and what the guest's own CPUID instruction sees whatever its
 * policy says.
 *
 * HVM guests exit to Xen on every CPUID: nothing leaks through it.  A PV
 * guest's CPUID (its kernel's and its applications') runs on the
 * hardware, unless the host can make it fault (CPUID faulting: Xen then
 * answers from the guest's policy) or program a feature mask for that
 * word (the family's mask/override MSRs: the guest sees the hardware's
 * word ANDed with its policy, but a few bits Xen must forward from the
 * host: HTT, X2APIC, CMP_LEGACY, and the OSXSAVE/APIC bits the hardware
 * fast-forwards).  Every other CPUID word shows the hardware's value.  The
 * MSR words (ARCH_CAPABILITIES) never leak: reading an MSR traps.
 *
 * Some things no host can hide from any guest (Xen's feature-levelling
 * notes): 1 GiB superpages when the hardware has them (a guest that
 * probes page tables finds them: in Xen 4.17, an HVM guest under HAP; PV
 * guests and shadow paging get none whatever the policy), the hardware's
 * MXCSR_MASK (it shows in every FXSAVE image; CPUID data does not record
 * it) and the x87 exception pointer behaviour (FDP_EXCP_ONLY,
 * NO_FPU_SEL).
 *
 * The levelling capabilities come from the running Xen
 * (XEN_SYSCTL_get_cpu_levelling_caps: all known), or are derived from a
 * CPUID dump as Xen 4.17 would (xen/arch/levelling.h), where a capability
 * whose MSR the dump lacks is unknown and the words it covers are reported
 * as "unknown" with what they would leak, never guessed.
 */
#ifndef LIBXL_CPUID_LEVELLING_REPORT_H
#define LIBXL_CPUID_LEVELLING_REPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "../../xen/arch/levelling.h"
#include "../policy/cpu-policy.h"
#include "../sources/cpuid-dump.h"
#include "../util/error.h"
#include "../names/guest-type.h"
#include "../util/strbuf.h"
#include "../sources/handle.h"

struct xlc_levelling {
    struct xfs_levelling lv;     /* present/unknown; details when derived */
    bool from_xen;               /* the hypervisor said: nothing unknown */
};

/* Derive from a dump (or the live CPU's dump): MSRs it lacks are unknown. */
void xlc_levelling_from_dump(const struct xlc_cpuid_dump *d,
                             struct xlc_levelling *out);
/* The same from a reader over CPUID data without MSRs of its own (a dump's
 * reader, which reports an MSR the dump lacks as unreadable). */
void xlc_levelling_from_reader(const struct xfs_cpuid_reader *rd,
                               struct xlc_levelling *out);
/* What a hypervisor reported (XEN_SYSCTL_get_cpu_levelling_caps). */
void xlc_levelling_from_caps(uint32_t caps, struct xlc_levelling *out);
/*
 * The capabilities of a handle's host: what the running Xen reports
 * (xlc_handle_levelling_caps), else (the simulated Xen) derived from the
 * CPUID data it booted on.
 */
int xlc_levelling_of_handle(xlc_handle *h, struct xlc_levelling *out,
                            xlc_error *err);

enum xlc_word_control {
    XLC_WORD_FAULTED,   /* CPUID faults: Xen answers from the policy */
    XLC_WORD_MASKED,    /* a mask applies; `seen` are forwarded host bits */
    XLC_WORD_LEAKS,     /* the hardware's word, whatever the policy */
    XLC_WORD_UNKNOWN,   /* depends on a capability the data cannot tell */
    XLC_WORD_MSR,       /* an MSR word: reading it traps */
};

struct xlc_leak_word {
    enum xlc_word_control control;
    uint32_t seen;        /* LEAKS/UNKNOWN: the hardware's word (what would
                             leak); MASKED: the host bits forwarded */
    uint32_t beyond_max;  /* seen & ~(the type's max featureset word) */
};

struct xlc_leak_report {
    enum xlc_guest_type type;
    struct xlc_levelling caps;
    struct xlc_leak_word words[XFS_NR_WORDS];
    bool page1gb;                      /* the host has 1 GiB pages */
    /* Guests of the type can map them whatever their policy: HVM guests
     * under HAP, whose page tables the hardware walks.  Xen 4.17 refuses
     * 1 GiB mappings to PV guests (L3 PSE) and shadow paging has none. */
    bool page1gb_unhideable;
    bool fdp_excp_only, no_fpu_sel;    /* the host's x87 behaviour */
};

/*
 * The report for guests of `type` on the host whose system policies are
 * `sys`.  -EOPNOTSUPP when the host cannot run the type.
 */
int xlc_leak_report(const struct xlc_system_policies *sys,
                    const struct xlc_levelling *caps,
                    enum xlc_guest_type type, struct xlc_leak_report *out,
                    xlc_error *err);

/* The features a guest's native CPUID shows whatever its policy: every
 * bit of the words that leak. */
void xlc_leak_report_leaking(const struct xlc_leak_report *r,
                             uint32_t fs[XFS_NR_WORDS]);

/*
 * What one guest sees beyond its policy on the host of a leak report: the
 * features its own CPUID instruction shows although its policy (featureset
 * `guest`) lacks them.  `leaks` from the words that leak there, `may_leak`
 * from the words whose control the data cannot tell (what would leak if
 * the host can neither fault nor mask them).  Host bits Xen forwards into
 * a masked word (HTT, X2APIC, ...) are Xen's choice, not a leak.  And what
 * no host hides: 1 GiB pages the guest can map there (page1gb_unhideable)
 * although its policy lacks them.
 */
struct xlc_guest_leaks {
    uint32_t leaks[XFS_NR_WORDS];
    uint32_t may_leak[XFS_NR_WORDS];
    unsigned int nr_words[XLC_WORD_MSR + 1];   /* words by control */
    bool page1gb;
};

void xlc_guest_leaks_of(const struct xlc_leak_report *r,
                        const uint32_t guest[XFS_NR_WORDS],
                        struct xlc_guest_leaks *out);
/* Anything at all: a leak, a possible one, or 1 GiB pages. */
bool xlc_guest_leaks_any(const struct xlc_guest_leaks *g);

/* "faulted", "masked", "leaks", "unknown", "msr". */
const char *xlc_word_control_name(enum xlc_word_control c);
/* "no", "yes", "unknown". */
const char *xlc_tristate_name(enum xfs_tristate t);

/* Human-readable and JSON layouts (levelling-report-format.c). */
void xlc_leak_report_text(struct xlc_buf *b, const struct xlc_leak_report *r);
void xlc_leak_report_json(struct xlc_buf *b, const struct xlc_leak_report *r);

/*
 * One guest's leaks on one host, as one line without its newline:
 * "nothing: CPUID faults", "2 words leak, beyond the guest CPU: a b c",
 * "3 words unknown (CPUID faulting: MSR 0xce not in the CPUID data),
 * would leak beyond its policy: ...", with `guest` naming what the policy
 * is ("the guest CPU", "its policy").  r NULL: nothing is known of the
 * host, "unknown: " and why_unknown.
 */
void xlc_guest_leaks_text(struct xlc_buf *b, const struct xlc_leak_report *r,
                          const struct xlc_guest_leaks *g, const char *guest,
                          const char *why_unknown);
/*
 * What that line depends on, for reports that list a thousand hosts of a
 * few kinds: two hosts whose keys are the same have the same line (with
 * one guest name).  The hash is over what the key compares.
 */
bool xlc_guest_leaks_text_same(const struct xlc_leak_report *ra,
                               const struct xlc_guest_leaks *ga,
                               const char *why_a,
                               const struct xlc_leak_report *rb,
                               const struct xlc_guest_leaks *gb,
                               const char *why_b);
uint32_t xlc_guest_leaks_text_hash(const struct xlc_leak_report *r,
                                   const struct xlc_guest_leaks *g);
/* The same as a JSON object: "known", the host's capabilities (as in
 * xlc_leak_report_json), words by control, the features, page1gb and the
 * x87 behaviour; or "known":false and "why_unknown". */
void xlc_guest_leaks_json(struct xlc_buf *b, const struct xlc_leak_report *r,
                          const struct xlc_guest_leaks *g,
                          const char *why_unknown);

#endif /* LIBXL_CPUID_LEVELLING_REPORT_H */
