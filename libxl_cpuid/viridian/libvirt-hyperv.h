/* SPDX-License-Identifier: MIT */
/*
 * libvirt's Hyper-V enlightenments (<features><hyperv>) for Xen, and back.
 *
 * libvirt 9's own Xen driver maps none of <hyperv> (its xl converter only
 * maps viridian=1 to <features><viridian/>), so the mapping below is ours,
 * element by element, from what each enlightenment puts in the Hyper-V
 * leaves (QEMU's hv-* semantics, which libvirt's elements name) and what
 * Xen 4.17's groups put there (xen/arch/viridian-leaves.h).
 *
 *   element            on: Xen groups                        off
 *   relaxed            base (Xen always recommends relaxed   noted: stays
 *                      timing)
 *   vapic              base, apic_assist                     !apic_assist
 *   spinlocks          base (retries: noted, Xen's count is  noted: stays
 *                      host-wide, viridian-spinlock-retry-count)
 *   vpindex            base                                  noted: stays
 *   synic              base, synic                           !synic
 *   stimer             base, stimer (libxl adds synic and    !stimer
 *                      time_ref_count); <direct> refused
 *   frequencies        base, freq                            !freq
 *   tlbflush           base, hcall_remote_tlb_flush,         !hcall_remote_
 *                      ex_processor_masks; <direct>,          tlb_flush
 *                      <extended> refused
 *   ipi                base, hcall_ipi, ex_processor_masks   !hcall_ipi
 *   vendor_id          base if value is "Microsoft Hv" (what Xen always
 *                      says), else refused
 *   runtime, reset, reenlightenment, evmcs, avic, emsr_bitmap, xmm_input
 *                      refused: Xen 4.17 cannot provide them
 *   <hyperv mode='passthrough'>   every group Xen 4.17 has (as "all")
 *   <features><viridian/>         libxl's defaults (as viridian=1)
 *   <clock><timer name='hypervclock' present='yes'/>
 *                      base, time_ref_count, reference_tsc   (present='no':
 *                                                             both off)
 *   <devices><panic model='hyperv'/>   base, crash_ctl
 * The groups: (defaults if <viridian/>) | every "on", minus every "off".
 * An element refused makes the translation refused (every one named);
 * one noted is accepted with a note saying what the guest gets instead.
 *
 * Bad input (-EINVAL, file:line and element named): not a <domain>,
 * <features> or <hyperv>; an element libvirt 9 does not know inside
 * <hyperv>; a second copy of one; state missing or not on/off; spinlocks
 * on without retries or with retries below 4095, vendor_id on without a
 * value or with more than 12 characters (libvirt refuses those too);
 * feature elements under mode='passthrough'.
 */
#ifndef LIBXL_CPUID_LIBVIRT_HYPERV_H
#define LIBXL_CPUID_LIBVIRT_HYPERV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../util/error.h"
#include "viridian.h"

enum xlc_hyperv_outcome {
    XLC_HYPERV_GIVEN,           /* Xen gives what the element asks */
    XLC_HYPERV_NOTED,           /* accepted; the guest gets something else */
    XLC_HYPERV_REFUSED,         /* Xen cannot provide it */
};

struct xlc_hyperv_entry {
    char *element;              /* "hyperv/vapic", "clock/timer", ... */
    long line;
    bool on;
    enum xlc_hyperv_outcome outcome;
    xlc_viridian_set groups;    /* the groups it turns on (or off) */
    char *text;                 /* what happens, in words */
};

struct xlc_hyperv_translation {
    bool found;                 /* any element above was present */
    bool viridian;              /* <features><viridian/> */
    bool passthrough;           /* <hyperv mode='passthrough'> */
    xlc_viridian_set on, off;
    xlc_viridian_set groups;    /* the result (meaningless if refused) */
    uint64_t param;             /* HVM_PARAM_VIRIDIAN for groups */
    char *xl_setting;           /* viridian= right-hand side for groups */
    struct xlc_hyperv_entry *entries;
    size_t nr_entries;
    size_t nr_refused;
};

const char *xlc_hyperv_outcome_name(enum xlc_hyperv_outcome o);

/* Translate a document (a <domain>, a <features> or a <hyperv>).  0 with
 * the translation filled (check nr_refused), or -EINVAL on bad input. */
int xlc_hyperv_translate(const char *name, const char *text, size_t len,
                         struct xlc_hyperv_translation *out, xlc_error *err);
int xlc_hyperv_translate_file(const char *path,
                              struct xlc_hyperv_translation *out,
                              xlc_error *err);
void xlc_hyperv_translation_free(struct xlc_hyperv_translation *t);

/*
 * The reverse: libvirt elements describing a guest whose parameter is
 * `param`, on a Xen whose viridian-spinlock-retry-count is
 * spinlock_retries.  features: "<features>...</features>" (with a <hyperv
 * mode='custom'> inside when base is on); clock_timer / panic: the
 * <timer> for <clock> and the <panic> for <devices>, or NULL.  notes: what
 * libvirt cannot say (no_vp_limit, cpu_hotplug, Xen's spinlock count
 * below libvirt's 4095 minimum, ...).  param_expressible: the parameter
 * translating the elements back gives.  -EINVAL for a parameter Xen would
 * not hold (see xlc_viridian_param_to_set).
 */
struct xlc_hyperv_description {
    char *features;
    char *clock_timer;
    char *panic;
    char **notes;
    size_t nr_notes;
    uint64_t param_expressible;
};

int xlc_hyperv_describe(uint64_t param, uint32_t spinlock_retries,
                        struct xlc_hyperv_description *out, xlc_error *err);
void xlc_hyperv_description_free(struct xlc_hyperv_description *d);

#endif /* LIBXL_CPUID_LIBVIRT_HYPERV_H */
