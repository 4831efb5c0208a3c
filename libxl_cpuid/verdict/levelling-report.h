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
 * notes): 1 GiB superpages when the hardware has them (a guest that probes
 * page tables finds them), the hardware's MXCSR_MASK (it shows in every
 * FXSAVE image; CPUID data does not record it) and the x87 exception
 * pointer behaviour (FDP_EXCP_ONLY, NO_FPU_SEL).
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

struct xlc_levelling {
    struct xfs_levelling lv;     /* present/unknown; details when derived */
    bool from_xen;               /* the hypervisor said: nothing unknown */
};

/* Derive from a dump (or the live CPU's dump): MSRs it lacks are unknown. */
void xlc_levelling_from_dump(const struct xlc_cpuid_dump *d,
                             struct xlc_levelling *out);
/* What a hypervisor reported (XEN_SYSCTL_get_cpu_levelling_caps). */
void xlc_levelling_from_caps(uint32_t caps, struct xlc_levelling *out);
/* (The running Xen's capabilities come from its handle:
 * xlc_handle_levelling_caps in sources/handle.h.) */

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

/* "faulted", "masked", "leaks", "unknown", "msr". */
const char *xlc_word_control_name(enum xlc_word_control c);
/* "no", "yes", "unknown". */
const char *xlc_tristate_name(enum xfs_tristate t);

/* Human-readable and JSON layouts (levelling-report-format.c). */
void xlc_leak_report_text(struct xlc_buf *b, const struct xlc_leak_report *r);
void xlc_leak_report_json(struct xlc_buf *b, const struct xlc_leak_report *r);

#endif /* LIBXL_CPUID_LEVELLING_REPORT_H */
