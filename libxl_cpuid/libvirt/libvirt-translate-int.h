/* SPDX-License-Identifier: MIT */
/*
 * Internal state of one libvirt -> Xen translation.
 */
#ifndef LIBXL_CPUID_LIBVIRT_TRANSLATE_INT_H
#define LIBXL_CPUID_LIBVIRT_TRANSLATE_INT_H

#include "libvirt-translate.h"

/* Internal: not exported from libxl_cpuid.so. */
#pragma GCC visibility push(hidden)

/* A <feature> of the <cpu>, bound to the map. */
struct lv_policy_item {
    const struct xlc_lv_feature *f;
    enum xlc_lv_policy policy;
    long line;
};

struct lv_tr {
    const struct xlc_cpu_map *map;
    const struct xlc_lv_cpu *cpu;
    const struct xlc_lv_host *h;
    struct xlc_lv_translation *t;
    size_t cap_notes, cap_blockers;
    struct lv_policy_item *items;  /* one per <feature>, document order */
    uint32_t avail[XFS_NR_WORDS];  /* host & the type's max */
    uint32_t wanted[XFS_NR_WORDS]; /* the guest set being built */
    uint32_t req[XFS_NR_WORDS];    /* explicitly forced or required */
    uint32_t off[XFS_NR_WORDS];    /* cleared by disable/forbid, deps too */
    uint32_t asked_off[XFS_NR_WORDS]; /* named by disable/forbid */
    bool restricted;               /* start set limited to libvirt names */
};

int xlc_lv_note(struct lv_tr *tr, enum xlc_lv_note_kind kind, const char *lv,
                const char *xen, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
int xlc_lv_block(struct lv_tr *tr, enum xlc_lv_block_kind kind,
                 const char *lv, const char *xen, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* The libvirt and Xen names of one featureset bit (either may be NULL). */
void xlc_lv_bit_names(const struct lv_tr *tr, unsigned int bit,
                      const char **lv, const char **xen);
/* "'lv' (Xen XEN)" and the variants when a name is missing. */
const char *xlc_lv_label(char *buf, size_t size, const char *lv,
                         const char *xen);
/* xlc_lv_bit_names and its label; a bit neither names is written as
 * xlc_bit_text(XLC_BIT_XEN) gives it ("[1*32+16] (no libvirt or Xen
 * name)"). */
void xlc_lv_bit_label(const struct lv_tr *tr, unsigned int bit,
                      const char **lv, const char **xen, char *buf,
                      size_t size);

/* Fill tr->wanted (and model/decoded) from the <cpu> mode. */
int xlc_lv_start_set(struct lv_tr *tr, xlc_error *err);

#pragma GCC visibility pop

#endif /* LIBXL_CPUID_LIBVIRT_TRANSLATE_INT_H */
