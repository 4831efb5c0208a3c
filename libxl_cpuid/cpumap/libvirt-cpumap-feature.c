/* SPDX-License-Identifier: MIT */
/*
 * <vendor> and <feature> elements of the cpu_map, and the mapping of a
 * feature's CPUID/MSR coordinates onto featureset words and bits.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libvirt-cpumap-int.h"
#include "../util/digits.h"
#include "../util/strbuf.h"
#include "../libvirt/libvirt-xml.h"

static int oom(xlc_error *err, const xmlNode *n)
{
    return xlc_xml_fail(err, ENOMEM, n, "out of memory");
}

int xlc_lv_parse_vendor(struct lv_loader *ld, const xmlNode *n,
                        xlc_error *err)
{
    static const char *const attrs[] = { "name", "string", NULL };
    struct xlc_cpu_map *m = ld->map;
    const char *name = xlc_xml_attr(n, "name");
    const char *str = xlc_xml_attr(n, "string");
    struct xlc_lv_vendor *v;
    int rc = xlc_xml_only_attrs(n, attrs, err);

    if (!rc)
        rc = xlc_xml_no_content(n, err);
    if (rc)
        return rc;
    if (!name || !*name || !str)
        return xlc_xml_fail(err, EINVAL, n, "<vendor> needs name and string");
    if (strlen(str) != 12)
        return xlc_xml_fail(err, EINVAL, n,
                            "vendor %s: string '%s' is not 12 characters",
                            name, str);
    if (xlc_cpu_map_vendor(m, name))
        return xlc_xml_fail(err, EINVAL, n, "vendor %s defined twice", name);
    if (xlc_grow(&m->vendors, &ld->cap_vendors, m->nr_vendors, sizeof(*v)))
        return oom(err, n);
    v = &m->vendors[m->nr_vendors];
    memset(v, 0, sizeof(*v));
    v->name = strdup(name);
    if (!v->name)
        return oom(err, n);
    memcpy(v->string, str, 13);
    m->nr_vendors++;
    return 0;
}

static int add_coord(struct xlc_lv_feature *f, size_t *cap,
                     const struct xlc_lv_coord *c)
{
    if (xlc_grow(&f->coords, cap, f->nr_coords, sizeof(*c)))
        return -ENOMEM;
    f->coords[f->nr_coords++] = *c;
    return 0;
}

/* <cpuid eax_in= [ecx_in=] [eax=] [ebx=] [ecx=] [edx=]/> */
static int parse_cpuid(struct xlc_lv_feature *f, size_t *cap,
                       const xmlNode *n, xlc_error *err)
{
    static const char *const attrs[] = { "eax_in", "ecx_in", "eax", "ebx",
                                         "ecx",    "edx",    NULL };
    static const char *const regs[] = { "eax", "ebx", "ecx", "edx" };
    struct xlc_lv_coord c = { .src = XFS_SRC_CPUID };
    bool have_sub, any = false;
    int rc = xlc_xml_only_attrs(n, attrs, err);

    if (!rc)
        rc = xlc_xml_u32(n, "eax_in", true, &c.leaf, NULL, err);
    if (!rc)
        rc = xlc_xml_u32(n, "ecx_in", false, &c.subleaf, &have_sub, err);
    if (rc)
        return rc;
    if (!have_sub)
        c.subleaf = XFS_NO_SUBLEAF;
    for (unsigned int r = 0; r < 4; r++) {
        uint32_t v = 0;

        rc = xlc_xml_u32(n, regs[r], false, &v, NULL, err);
        if (rc)
            return rc;
        if (!v)
            continue;
        c.reg = (enum xfs_reg)(XFS_EAX + r);
        c.mask = v;
        any = true;
        if (add_coord(f, cap, &c))
            return oom(err, n);
    }
    if (!any)
        return xlc_xml_fail(err, EINVAL, n, "feature %s: <cpuid> sets no bit",
                            f->name);
    return xlc_xml_no_content(n, err);
}

/* <msr index= edx= eax=/>: eax is the low half, edx the high half. */
static int parse_msr(struct xlc_lv_feature *f, size_t *cap, const xmlNode *n,
                     xlc_error *err)
{
    static const char *const attrs[] = { "index", "eax", "edx", NULL };
    struct xlc_lv_coord c = { .src = XFS_SRC_MSR, .subleaf = 0 };
    uint32_t lo = 0, hi = 0;
    int rc = xlc_xml_only_attrs(n, attrs, err);

    if (!rc)
        rc = xlc_xml_u32(n, "index", true, &c.leaf, NULL, err);
    if (!rc)
        rc = xlc_xml_u32(n, "eax", false, &lo, NULL, err);
    if (!rc)
        rc = xlc_xml_u32(n, "edx", false, &hi, NULL, err);
    if (!rc)
        rc = xlc_xml_no_content(n, err);
    if (rc)
        return rc;
    if (!lo && !hi)
        return xlc_xml_fail(err, EINVAL, n, "feature %s: <msr> sets no bit",
                            f->name);
    c.reg = XFS_MSR_LO, c.mask = lo;
    if (lo && add_coord(f, cap, &c))
        return oom(err, n);
    c.reg = XFS_MSR_HI, c.mask = hi;
    if (hi && add_coord(f, cap, &c))
        return oom(err, n);
    return 0;
}

static int parse_alias(struct xlc_lv_feature *f, size_t *cap,
                       const xmlNode *n, xlc_error *err)
{
    static const char *const attrs[] = { "name", "source", NULL };
    const char *name = xlc_xml_attr(n, "name");
    int rc = xlc_xml_only_attrs(n, attrs, err);

    if (!rc)
        rc = xlc_xml_no_content(n, err);
    if (rc)
        return rc;
    if (!name || !*name)
        return xlc_xml_fail(err, EINVAL, n, "<alias> without a name");
    if (xlc_grow(&f->aliases, cap, f->nr_aliases, sizeof(char *)))
        return oom(err, n);
    f->aliases[f->nr_aliases] = strdup(name);
    if (!f->aliases[f->nr_aliases])
        return oom(err, n);
    f->nr_aliases++;
    return 0;
}

static int parse_feature_children(struct xlc_lv_feature *f, const xmlNode *n,
                                  xlc_error *err)
{
    size_t cap_coords = 0, cap_aliases = 0;
    int rc = 0;

    for (const xmlNode *c = xlc_xml_first(n); c && !rc; c = xlc_xml_next(c)) {
        if (xlc_xml_is(c, "cpuid"))
            rc = parse_cpuid(f, &cap_coords, c, err);
        else if (xlc_xml_is(c, "msr"))
            rc = parse_msr(f, &cap_coords, c, err);
        else if (xlc_xml_is(c, "alias"))
            rc = parse_alias(f, &cap_aliases, c, err);
        else
            rc = xlc_xml_fail(err, EINVAL, c,
                              "feature %s: unknown element <%s>", f->name,
                              (const char *)c->name);
    }
    if (!rc && !f->nr_coords)
        rc = xlc_xml_fail(err, EINVAL, n,
                          "feature %s has no <cpuid> or <msr> definition",
                          f->name);
    return rc;
}

/* A name (or alias) may only be used once across all features. */
static int check_unique(const struct xlc_cpu_map *m,
                        const struct xlc_lv_feature *f, const xmlNode *n,
                        xlc_error *err)
{
    const char *clash = xlc_cpu_map_feature(m, f->name) ? f->name : NULL;

    for (size_t i = 0; !clash && i < f->nr_aliases; i++)
        if (xlc_cpu_map_feature(m, f->aliases[i]))
            clash = f->aliases[i];
    if (clash)
        return xlc_xml_fail(err, EINVAL, n, "feature name %s defined twice",
                            clash);
    return 0;
}

int xlc_lv_parse_feature(struct lv_loader *ld, const xmlNode *n,
                         xlc_error *err)
{
    static const char *const attrs[] = { "name", "migratable", NULL };
    static const char *const yesno[] = { "no", "yes", NULL };
    struct xlc_cpu_map *m = ld->map;
    struct xlc_lv_feature f = { .line = xlc_xml_line(n) };
    const char *name = xlc_xml_attr(n, "name");
    int migratable = 1, rc = xlc_xml_only_attrs(n, attrs, err);

    if (!rc)
        rc = xlc_xml_enum(n, "migratable", yesno, 1, &migratable, err);
    if (rc)
        return rc;
    if (!name || !*name)
        return xlc_xml_fail(err, EINVAL, n, "<feature> without a name");
    f.migratable = migratable;
    f.name = strdup(name);
    f.file = strdup(xlc_xml_name(n));
    rc = (!f.name || !f.file) ? oom(err, n) : 0;
    if (!rc)
        rc = parse_feature_children(&f, n, err);
    if (!rc)
        rc = check_unique(m, &f, n, err);
    if (!rc && xlc_lv_map_coords(&f))
        rc = oom(err, n);
    if (!rc && xlc_grow(&m->features, &ld->cap_features, m->nr_features,
                        sizeof(f)))
        rc = oom(err, n);
    if (rc) {
        xlc_lv_feature_clear(&f);
        return rc;
    }
    m->features[m->nr_features++] = f;
    return 0;
}

/* ---- coordinates -> featureset ---- */

/* The featureset word holding this register, or -1. */
int xlc_lv_coord_word(const struct xlc_lv_coord *c)
{
    for (unsigned int w = 0; w < XFS_NR_WORDS; w++) {
        const struct xfs_word_info *wi = &xfs_words[w];
        /* libvirt omits ecx_in for subleaf 0. */
        uint32_t sub = c->subleaf == XFS_NO_SUBLEAF ? 0 : c->subleaf;

        if (wi->src != c->src || wi->leaf != c->leaf || wi->reg != c->reg)
            continue;
        /* The CPU ignores ECX for a leaf without subleaves. */
        if (wi->src == XFS_SRC_MSR || wi->subleaf == XFS_NO_SUBLEAF ||
            wi->subleaf == sub)
            return (int)w;
    }
    return -1;
}

static const char *const reg_names[] = {
    [XFS_EAX] = "EAX", [XFS_EBX] = "EBX", [XFS_ECX] = "ECX",
    [XFS_EDX] = "EDX", [XFS_MSR_LO] = "EAX", [XFS_MSR_HI] = "EDX",
};

size_t xlc_lv_coord_put(const struct xlc_lv_coord *c, unsigned int bit,
                        char out[XLC_LV_COORD_MAX])
{
    bool msr = c->src == XFS_SRC_MSR;
    char *o = out;

    memcpy(o, msr ? "MSR 0x" : "CPUID 0x", msr ? 6 : 8);
    o = xlc_put_hex(o + (msr ? 6 : 8), c->leaf, 0);
    if (!msr && c->subleaf != XFS_NO_SUBLEAF) {
        *o++ = '.';
        o = xlc_put_dec(o, c->subleaf);
    }
    *o++ = ' ';
    memcpy(o, reg_names[c->reg], 3);
    memcpy(o + 3, " bit ", 5);
    o = xlc_put_dec(o + 8, bit);
    *o = '\0';
    return (size_t)(o - out);
}

const char *xlc_lv_coord_str(const struct xlc_lv_coord *c, unsigned int bit,
                             char *buf, size_t size)
{
    char full[XLC_LV_COORD_MAX];
    size_t n = xlc_lv_coord_put(c, bit, full);

    if (size) {
        n = n < size - 1 ? n : size - 1;
        memcpy(buf, full, n);
        buf[n] = '\0';
    }
    return buf;
}

/* Record why a bit cannot be expressed (the first reason only). */
/* src at o; returns where it ends (the pieces of a reason). */
static char *put_str(char *o, const char *src)
{
    size_t n = strlen(src);

    memcpy(o, src, n);
    return o + n;
}

/* Record why a bit cannot be expressed (the first reason only).  Every
 * load derives these, so pieces are put together rather than formatted. */
static int not_expressible(struct xlc_lv_feature *f,
                           const struct xlc_lv_coord *c, unsigned int bit,
                           int word)
{
    char why[XLC_LV_COORD_MAX + 128], *o;

    f->expressible = false;
    if (f->why)
        return 0;
    o = why + xlc_lv_coord_put(c, bit, why);
    if (word < 0) {
        o = put_str(o, ": no featureset word holds this register");
    } else {
        o = put_str(o, ": featureset word ");
        o = xlc_put_dec(o, (uint32_t)word);
        o = put_str(o, " (");
        o = put_str(o, xfs_words[word].key);
        o = put_str(o, ") bit ");
        o = xlc_put_dec(o, bit);
        o = put_str(o, " names no feature Xen knows");
    }
    *o = '\0';
    f->why = strdup(why);
    return f->why ? 0 : -ENOMEM;
}

int xlc_lv_bit_value(int word, unsigned int bit)
{
    unsigned int v = (unsigned int)word * 32 + bit;

    return word >= 0 && xfs_feature_by_value(v) ? (int)v : -1;
}

int xlc_lv_map_coords(struct xlc_lv_feature *f)
{
    memset(f->xen, 0, sizeof(f->xen));
    f->expressible = true;
    for (size_t i = 0; i < f->nr_coords; i++) {
        const struct xlc_lv_coord *c = &f->coords[i];
        int word = xlc_lv_coord_word(c);

        for (uint32_t mask = c->mask; mask; mask &= mask - 1) {
            unsigned int bit = (unsigned int)__builtin_ctz(mask);

            if (xlc_lv_bit_value(word, bit) >= 0)
                f->xen[word] |= 1u << bit;
            else if (not_expressible(f, c, bit, word))
                return -ENOMEM;
        }
    }
    /* All or nothing: a part of a feature is not the feature. */
    if (!f->expressible)
        memset(f->xen, 0, sizeof(f->xen));
    return 0;
}

void xlc_lv_feature_clear(struct xlc_lv_feature *f)
{
    free(f->name);
    for (size_t i = 0; i < f->nr_aliases; i++)
        free(f->aliases[i]);
    free(f->aliases);
    free(f->coords);
    free(f->why);
    free(f->file);
    memset(f, 0, sizeof(*f));
}
