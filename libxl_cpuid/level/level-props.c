/* SPDX-License-Identifier: MIT */
/*
 * What a host is beyond its feature bits: vendor, family/model, the MXCSR
 * mask and numeric limits, and how they combine over several hosts.
 * Values cannot be levelled (a guest sees one vendor), so differing ones
 * are reported; limits can, by taking the smallest.  The pool folds its
 * hosts through these (level-pool.c); nothing here reads a pool.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "level-internal.h"

const char *const xlc_limit_names[XLC_LIMIT_NR] = {
    [XLC_LIMIT_MAX_LEAF] = "max_leaf",
    [XLC_LIMIT_MAX_EXT_LEAF] = "max_ext_leaf",
    [XLC_LIMIT_MAXPHYSADDR] = "maxphysaddr",
    [XLC_LIMIT_MAXLINADDR] = "maxlinaddr",
    [XLC_LIMIT_XSAVE_SIZE] = "xsave_size",
};

const char *const xlc_prop_names[XLC_PROP_NR] = {
    [XLC_PROP_VENDOR] = "vendor",
    [XLC_PROP_MXCSR_MASK] = "mxcsr_mask",
    [XLC_PROP_FAMILY] = "family",
    [XLC_PROP_MODEL] = "model",
};

static struct xfs_cpuid_regs leaf(const struct xfs_cpuid_reader *rd,
                                  uint32_t l, uint32_t sub)
{
    struct xfs_cpuid_regs r = { 0, 0, 0, 0 };

    rd->cpuid(rd->ctx, l, sub, &r);
    return r;
}

static void put_vendor(char out[13], const struct xfs_cpuid_regs *r)
{
    const uint32_t parts[3] = { r->b, r->d, r->c };

    for (unsigned int i = 0; i < 12; i++) {
        char ch = (char)(parts[i / 4] >> (8 * (i % 4)));

        /* Keep the string printable whatever a dump claims. */
        out[i] = ch >= 0x20 && ch < 0x7f ? ch : '?';
    }
    out[12] = '\0';
}

/* Display family/model: the extended fields count only for some families. */
static void put_signature(struct xlc_host_props *p, uint32_t eax)
{
    uint32_t fam = (eax >> 8) & 0xf, model = (eax >> 4) & 0xf;

    p->stepping = eax & 0xf;
    if (fam == 0xf || fam == 0x6)
        model |= ((eax >> 16) & 0xf) << 4;
    if (fam == 0xf)
        fam += (eax >> 20) & 0xff;
    p->family = fam;
    p->model = model;
}

void xlc_host_props_from_cpuid(const struct xfs_cpuid_reader *rd,
                               struct xlc_host_props *p)
{
    struct xfs_cpuid_regs r0 = leaf(rd, 0, 0), r1 = leaf(rd, 1, 0);
    uint32_t max_ext = leaf(rd, 0x80000000u, 0).a;

    memset(p, 0, sizeof(*p));
    p->vendor_known = p->signature_known = p->limits_known = true;
    put_vendor(p->vendor, &r0);
    put_signature(p, r1.a);
    p->limit[XLC_LIMIT_MAX_LEAF] = r0.a;
    /* Below 0x80000000 the value is not a leaf number: no extended leaves. */
    p->limit[XLC_LIMIT_MAX_EXT_LEAF] = max_ext >= 0x80000000u ? max_ext : 0;
    if (p->limit[XLC_LIMIT_MAX_EXT_LEAF] >= 0x80000008u) {
        uint32_t a = leaf(rd, 0x80000008u, 0).a;

        p->limit[XLC_LIMIT_MAXPHYSADDR] = a & 0xff;
        p->limit[XLC_LIMIT_MAXLINADDR] = (a >> 8) & 0xff;
    } else {
        /* Without the leaf: 36 bits with PSE36/PAE, else 32. */
        bool wide = (r1.d >> 17) & 1 || (r1.d >> 6) & 1;

        p->limit[XLC_LIMIT_MAXPHYSADDR] = wide ? 36 : 32;
        p->limit[XLC_LIMIT_MAXLINADDR] = 32;
    }
    if (r0.a >= 0xd && (r1.c >> 26) & 1)
        p->limit[XLC_LIMIT_XSAVE_SIZE] = leaf(rd, 0xd, 0).c;
}

int xlc_host_props_live_mxcsr(struct xlc_host_props *p, xlc_error *err)
{
#if defined(__x86_64__) || defined(__i386__)
    struct {
        _Alignas(16) uint8_t b[512];
    } area;
    uint32_t mask;

    (void)err;
    memset(&area, 0, sizeof(area));
    __asm__ volatile("fxsave %0" : "=m"(area));
    memcpy(&mask, area.b + 28, sizeof(mask));
    /* Zero means the processor predates the field: the default applies. */
    p->mxcsr_mask = mask ? mask : 0x0000ffbfu;
    p->mxcsr_known = true;
    return 0;
#else
    (void)p;
    return xlc_fail(err, ENOTSUP, "MXCSR mask: not an x86 processor");
#endif
}

void xlc_host_prop_text(const struct xlc_host_props *p, enum xlc_prop which,
                        char buf[24])
{
    switch (which) {
    case XLC_PROP_VENDOR: snprintf(buf, 24, "%s", p->vendor); break;
    case XLC_PROP_FAMILY: snprintf(buf, 24, "0x%x", p->family); break;
    case XLC_PROP_MODEL: snprintf(buf, 24, "0x%x", p->model); break;
    case XLC_PROP_MXCSR_MASK:
        if (p->mxcsr_known)
            snprintf(buf, 24, "0x%08x", p->mxcsr_mask);
        else
            snprintf(buf, 24, "unknown");
        break;
    default: snprintf(buf, 24, "?"); break;
    }
}

/* ---- combining hosts ---- */

void xlc_props_level_init(struct xlc_props_level *pl)
{
    memset(pl, 0, sizeof(*pl));
}

static void fold_signature(struct xlc_props_level *pl,
                           const struct xlc_host_props *hp)
{
    if (!hp->signature_known)
        return;
    if (!pl->value.signature_known) {
        pl->value.signature_known = true;
        pl->value.family = hp->family;
        pl->value.model = hp->model;
        return;
    }
    pl->differs[XLC_PROP_FAMILY] |= hp->family != pl->value.family;
    pl->differs[XLC_PROP_MODEL] |= hp->model != pl->value.model;
}

static void fold_limits(struct xlc_props_level *pl,
                        const struct xlc_host_props *hp, size_t id)
{
    if (!hp->limits_known)
        return;
    for (unsigned int l = 0; l < XLC_LIMIT_NR; l++)
        if (!pl->nr_limits || hp->limit[l] < pl->value.limit[l]) {
            pl->value.limit[l] = hp->limit[l];
            pl->limit_host[l] = id;
        }
    pl->value.limits_known = true;
    pl->nr_limits++;
}

void xlc_props_level_fold(struct xlc_props_level *pl,
                          const struct xlc_host_props *hp, size_t id)
{
    if (!hp || !hp->vendor_known) {
        pl->nr_unknown++;
        return;
    }
    if (!pl->nr_known++) {
        pl->value.vendor_known = true;
        memcpy(pl->value.vendor, hp->vendor, sizeof(pl->value.vendor));
    } else {
        pl->differs[XLC_PROP_VENDOR] |= strcmp(pl->value.vendor, hp->vendor) != 0;
    }
    if (hp->mxcsr_known) {
        if (pl->value.mxcsr_known)
            pl->differs[XLC_PROP_MXCSR_MASK] |=
                hp->mxcsr_mask != pl->value.mxcsr_mask;
        else
            pl->value.mxcsr_mask = hp->mxcsr_mask;
        pl->value.mxcsr_known = true;
    }
    fold_signature(pl, hp);
    fold_limits(pl, hp, id);
}

void xlc_props_level_finish(struct xlc_props_level *pl)
{
    /* A value hosts disagree on has no common value: blank it. */
    if (pl->differs[XLC_PROP_VENDOR])
        memset(pl->value.vendor, 0, sizeof(pl->value.vendor));
    if (pl->differs[XLC_PROP_FAMILY])
        pl->value.family = 0;
    if (pl->differs[XLC_PROP_MODEL])
        pl->value.model = 0;
    if (pl->differs[XLC_PROP_MXCSR_MASK])
        pl->value.mxcsr_mask = 0;
    pl->value.stepping = 0; /* never compared, so never common */
    pl->compatible =
        !pl->differs[XLC_PROP_VENDOR] && !pl->differs[XLC_PROP_MXCSR_MASK];
}
