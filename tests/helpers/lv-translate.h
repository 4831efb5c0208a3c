/* SPDX-License-Identifier: MIT */
/*
 * What the libvirt translation tests share: the installed cpu_map, loaded
 * once per test program (lvtr_setup / lvtr_teardown as the cmocka group
 * setup), hosts from the shared dumps, and questions about a translation.
 * Failures fail the current cmocka test.
 */
#ifndef TESTS_HELPERS_LV_TRANSLATE_H
#define TESTS_HELPERS_LV_TRANSLATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "libxl_cpuid/libvirt/libvirt-translate.h"

#define SKX "GenuineIntel0050654_SkylakeXeon"
#define HSW "GenuineIntel00306F2_HaswellEP"
#define ROME "AuthenticAMD0830F10_K17_Rome"

extern struct xlc_cpu_map *lvtr_map;
int lvtr_setup(void **state);
int lvtr_teardown(void **state);

/* The host of a shared dump (its name without .xml) for a guest type. */
void lvtr_host(const char *dump, enum xlc_guest_type type,
                struct xlc_lv_host *h);
/* A <cpu> parsed (as "g.xml"). */
struct xlc_lv_cpu *lvtr_cpu(const char *xml);
/* xlc_lv_evaluate of a <cpu> on a host. */
struct xlc_lv_translation *lvtr_eval(const char *xml,
                                      const struct xlc_lv_host *h,
                                      enum xlc_guest_type type);
/* xlc_lv_translate refuses it with -EINVAL, the message holding both. */
void lvtr_fails(const char *xml, const struct xlc_lv_host *h,
                           enum xlc_guest_type type, const char *want1,
                           const char *want2);

size_t lvtr_count_notes(const struct xlc_lv_translation *t,
                         enum xlc_lv_note_kind k);
/* The note of kind k about Xen feature `xen`, or NULL. */
const struct xlc_lv_note *lvtr_note_for(const struct xlc_lv_translation *t,
                                         enum xlc_lv_note_kind k,
                                         const char *xen);
/* A blocker of kind k naming lv and xen (NULL: any). */
bool lvtr_blocked(const struct xlc_lv_translation *t,
                   enum xlc_lv_block_kind k, const char *lv, const char *xen);

/* A model's Xen features. */
const uint32_t *lvtr_model_bits(const char *name);
/* A model's features plus the platform bits of the type's default set
 * (XCF_PLATFORM: a named model does not take them away). */
void lvtr_model_on(const char *name, const struct xlc_lv_host *h,
                    uint32_t want[XFS_NR_WORDS]);

#endif
