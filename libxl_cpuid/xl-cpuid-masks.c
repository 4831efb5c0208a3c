/* SPDX-License-Identifier: MIT */
/*
 * Mask strings to bit masks, with libxenguest's check of every character
 * (the parsers accept any character in an xend mask, as libxl does; the
 * refusal comes here, where libxenguest would make it).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xl-cpuid-apply.h"
#include "xl-cpuid-priv.h"

/*
 * One mask of n characters (32 or 64; character 0 is the top bit) into
 * the register masks r[0] (bits 31:0) and r[1] (63:32).  Returns the
 * offending position, or -1.
 */
static int decode(const char *mask, unsigned int n, bool msr,
                  struct xlc_xl_regmask *r)
{
    for (unsigned int i = 0; i < n; i++) {
        unsigned int bit = n - 1 - i;
        struct xlc_xl_regmask *m = &r[bit / 32];
        uint32_t b = 1u << (bit % 32);

        switch (mask[i]) {
        case '1': m->one |= b; break;
        case '0': m->zero |= b; break;
        case 'x': break;
        case 'k': m->keep |= b; break;
        case 's':
            /* libxenguest knows 's' only in CPUID masks. */
            if (msr)
                return (int)i;
            m->keep |= b;
            break;
        default:
            return (int)i;
        }
    }
    return -1;
}

static int bad_char(xlc_error *err, const char *where, const char *mask,
                    int pos, unsigned int n)
{
    char q[16];

    return xlc_fail(err, EINVAL,
                    "%s: bad character '%s' at position %d of the mask "
                    "(bit %u): libxenguest accepts only 0, 1, x, k%s and "
                    "refuses the whole cpuid list",
                    where, xlc_xl_quote(q, sizeof(q), mask + pos, 1), pos + 1,
                    n - 1 - (unsigned int)pos, n == 32 ? ", s" : "");
}

static int leaf_masks(const struct xlc_xl_leaf *e, struct xlc_xl_leafmask *m,
                      xlc_error *err)
{
    m->leaf = e->leaf;
    m->subleaf = e->subleaf;
    for (int r = XFS_EAX; r <= XFS_EDX; r++) {
        struct xlc_xl_regmask *rm = &m->r[r];
        int pos;

        rm->word = xlc_xl_word_of(e->leaf, e->subleaf, (enum xfs_reg)r);
        if (!e->reg[r][0])
            continue;
        rm->present = true;
        pos = decode(e->reg[r], XLC_XL_REG_CHARS, false, rm);
        if (pos >= 0) {
            char where[64];

            if (e->subleaf == XLC_XL_NO_SUBLEAF)
                snprintf(where, sizeof(where), "leaf 0x%x %s", e->leaf,
                         xlc_xl_reg_name((enum xfs_reg)r));
            else
                snprintf(where, sizeof(where), "leaf 0x%x subleaf %u %s",
                         e->leaf, e->subleaf,
                         xlc_xl_reg_name((enum xfs_reg)r));
            return bad_char(err, where, e->reg[r], pos, XLC_XL_REG_CHARS);
        }
    }
    return 0;
}

static int msr_masks(const struct xlc_xl_msr *e, struct xlc_xl_msrmask *m,
                     xlc_error *err)
{
    int pos;

    m->index = e->index;
    m->r[0].present = m->r[1].present = true;
    m->r[0].word = xlc_xl_word_of(e->index, 0, XFS_MSR_LO);
    m->r[1].word = xlc_xl_word_of(e->index, 0, XFS_MSR_HI);
    pos = decode(e->policy, XLC_XL_MSR_CHARS, true, m->r);
    if (pos >= 0) {
        char where[32];

        snprintf(where, sizeof(where), "MSR 0x%x", e->index);
        return bad_char(err, where, e->policy, pos, XLC_XL_MSR_CHARS);
    }
    return 0;
}

int xlc_xl_masks_from_list(const struct xlc_xl_list *l,
                           struct xlc_xl_masks *out, xlc_error *err)
{
    int r = 0;

    memset(out, 0, sizeof(*out));
    out->leaves = calloc(l->nr_leaves + 1, sizeof(*out->leaves));
    out->msrs = calloc(l->nr_msrs + 1, sizeof(*out->msrs));
    if (!out->leaves || !out->msrs) {
        xlc_xl_masks_free(out);
        return xlc_fail(err, ENOMEM, "out of memory");
    }
    out->nr_leaves = l->nr_leaves;
    out->nr_msrs = l->nr_msrs;
    for (size_t i = 0; i < l->nr_leaves && !r; i++)
        r = leaf_masks(&l->leaves[i], &out->leaves[i], err);
    for (size_t i = 0; i < l->nr_msrs && !r; i++)
        r = msr_masks(&l->msrs[i], &out->msrs[i], err);
    if (r)
        xlc_xl_masks_free(out);
    return r;
}

void xlc_xl_masks_free(struct xlc_xl_masks *m)
{
    free(m->leaves);
    free(m->msrs);
    memset(m, 0, sizeof(*m));
}
