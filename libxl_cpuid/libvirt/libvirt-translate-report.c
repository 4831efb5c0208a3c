/* SPDX-License-Identifier: MIT */
/*
 * Notes and blockers of a translation: adding, naming, freeing.  The
 * steps of a translation (libvirt-translate*.c) call in here.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libvirt-translate-int.h"
#include "../names/feature-names.h"
#include "../util/strbuf.h"

int xlc_lv_note(struct lv_tr *tr, enum xlc_lv_note_kind kind, const char *lv,
                const char *xen, const char *fmt, ...)
{
    struct xlc_lv_translation *t = tr->t;
    struct xlc_lv_note *n;
    va_list ap;

    if (xlc_grow(&t->notes, &tr->cap_notes, t->nr_notes, sizeof(*n)))
        return -ENOMEM;
    n = &t->notes[t->nr_notes];
    va_start(ap, fmt);
    n->text = xlc_vformat(fmt, ap);
    va_end(ap);
    if (!n->text)
        return -ENOMEM;
    n->kind = kind, n->lv_name = lv, n->xen_name = xen;
    t->nr_notes++;
    return 0;
}

int xlc_lv_block(struct lv_tr *tr, enum xlc_lv_block_kind kind,
                 const char *lv, const char *xen, const char *fmt, ...)
{
    struct xlc_lv_translation *t = tr->t;
    struct xlc_lv_blocker *b;
    va_list ap;

    if (xlc_grow(&t->blockers, &tr->cap_blockers, t->nr_blockers,
                 sizeof(*b)))
        return -ENOMEM;
    b = &t->blockers[t->nr_blockers];
    va_start(ap, fmt);
    b->text = xlc_vformat(fmt, ap);
    va_end(ap);
    if (!b->text)
        return -ENOMEM;
    b->kind = kind, b->lv_name = lv, b->xen_name = xen;
    t->nr_blockers++;
    return 0;
}

void xlc_lv_bit_names(const struct lv_tr *tr, unsigned int bit,
                      const char **lv, const char **xen)
{
    const struct xfs_feature_info *fi = xfs_feature_by_value(bit);
    const struct xlc_lv_feature *f = xlc_cpu_map_feature_for_xen(tr->map, bit);

    *xen = fi ? fi->name : NULL;
    *lv = f ? f->name : NULL;
}

const char *xlc_lv_label(char *buf, size_t size, const char *lv,
                         const char *xen)
{
    if (lv && xen)
        snprintf(buf, size, "'%s' (Xen %s)", lv, xen);
    else if (xen)
        snprintf(buf, size, "Xen %s (no libvirt name)", xen);
    else
        snprintf(buf, size, "'%s' (no Xen name)", lv ? lv : "?");
    return buf;
}

void xlc_lv_bit_label(const struct lv_tr *tr, unsigned int bit,
                      const char **lv, const char **xen, char *buf,
                      size_t size)
{
    char text[XLC_BIT_TEXT_MAX];

    xlc_lv_bit_names(tr, bit, lv, xen);
    if (*lv || *xen)
        xlc_lv_label(buf, size, *lv, *xen);
    else
        snprintf(buf, size, "%s (no libvirt or Xen name)",
                 xlc_bit_text(bit, XLC_BIT_XEN, text));
}

void xlc_lv_translation_free(struct xlc_lv_translation *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->nr_notes; i++)
        free(t->notes[i].text);
    for (size_t i = 0; i < t->nr_blockers; i++)
        free(t->blockers[i].text);
    free(t->notes);
    free(t->blockers);
    xlc_lv_decoded_free(t->decoded);
    free(t);
}
