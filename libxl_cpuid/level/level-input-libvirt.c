/* SPDX-License-Identifier: MIT */
/*
 * A libvirt host <cpu> element as a pool host: a model plus features,
 * resolved through the cpu_map, then derived as Xen would on that CPU.
 * Files of many such elements are read in level-input-libvirt-file.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "level-input-libvirt-int.h"
#include "../util/strbuf.h"
#include "../libvirt/libvirt-cpu.h"
#include "../libvirt/libvirt-cpu-batch.h"
#include "../cpumap/libvirt-cpumap.h"
#include "../../xen/arch/featuresets.h"
#include "../../xen/lib/cpu-policy.h"

static int unknown_name(xlc_error *err, const struct xlc_lv_cpu *cpu,
                        long line, const char *what, const char *name,
                        const char *nearest)
{
    return xlc_fail(err, EINVAL, "%s:%ld: unknown %s '%s'%s%s%s", cpu->source,
                    line, what, name, nearest ? " (did you mean '" : "",
                    nearest ? nearest : "", nearest ? "'?)" : "");
}

/* The vendor's CPUID string from <vendor>, else from the model. */
static int host_vendor(const struct xlc_cpu_map *map,
                       const struct xlc_lv_cpu *cpu,
                       const struct xlc_lv_model *m,
                       struct xlc_host_props *p, xlc_error *err)
{
    const char *name = cpu->vendor ? cpu->vendor : m ? m->vendor : NULL;
    const struct xlc_lv_vendor *v;

    if (!name)
        return 0;
    v = xlc_cpu_map_vendor(map, name);
    if (!v)
        return xlc_fail(err, EINVAL, "%s:%ld: unknown vendor '%s'",
                        cpu->source, cpu->vendor_line, name);
    memcpy(p->vendor, v->string, sizeof(p->vendor));
    p->vendor_known = true;
    return 0;
}

/*
 * Feature names seen so far -> the map's feature, by the hash the reader
 * computed (xlc_lv_cpu_name_hash(): the memo only sees cpus it read).  A file of many hosts
 * names the same hundred-odd features over and over; the map's own lookup
 * walks every feature and alias each time.
 */
#define MEMO_SIZE 1024 /* power of two, above any cpu_map's feature count */

/*
 * Derivations seen so far: raw features and vendor -> the type's sets.
 * Hosts of a pool are mostly alike, and deriving is most of a host's
 * cost once its features are read.  Entries are kept in the order they
 * come (memory grows only with distinct hosts), found through a small
 * hash index; when full, the memo starts over.
 */
#define DERIVED_MAX 2048
#define DERIVED_INDEX 4096 /* power of two, twice DERIVED_MAX */

struct derived {
    enum xfs_vendor vendor;
    enum xlc_guest_type type;
    uint32_t raw[XFS_NR_WORDS];
    uint32_t fs[XFS_NR_WORDS], def[XFS_NR_WORDS];
    bool usable;
};

/* The models named so far -> the map's model (the map walks its models
 * for each name). */
#define MODEL_MEMO 64 /* power of two */

struct xlc_lv_memo {
    const struct xlc_lv_model *model[MODEL_MEMO];
    char *model_name[MODEL_MEMO];        /* our copies */
    const struct xlc_lv_feature *f[MEMO_SIZE];
    char *owned[MEMO_SIZE];              /* our copies of the names */
    /* the words of f's set that are not zero: [lo, hi) (most features
     * are one bit: a host's hundred ORs need not walk every word) */
    uint8_t lo[MEMO_SIZE], hi[MEMO_SIZE];
    uint16_t index[DERIVED_INDEX];       /* entry + 1, 0: free */
    struct derived *derived;             /* DERIVED_MAX, NULL: none yet */
    size_t nr_derived;
};

struct xlc_lv_memo *xlc_lv_memo_new(void)
{
    return calloc(1, sizeof(struct xlc_lv_memo));
}


_Static_assert(XFS_NR_WORDS <= UINT8_MAX, "word indexes fit the memo");

/* The words of f's set to OR in, [*lo, *hi). */
static void word_span(const struct xlc_lv_feature *f, unsigned int *lo,
                      unsigned int *hi)
{
    *lo = 0;
    *hi = XFS_NR_WORDS;
    while (*lo < *hi && !f->xen[*lo])
        ++*lo;
    while (*hi > *lo && !f->xen[*hi - 1])
        --*hi;
}

static const struct xlc_lv_feature *lookup(const struct xlc_cpu_map *map,
                                           struct xlc_lv_memo *memo,
                                           const char *name, size_t hash,
                                           unsigned int *lo, unsigned int *hi)
{
    const struct xlc_lv_feature *f;
    size_t i, probes = 0;

    *lo = 0;
    *hi = XFS_NR_WORDS;
    if (!memo)
        return xlc_cpu_map_feature(map, name);
    for (i = hash & (MEMO_SIZE - 1); memo->owned[i];
         i = (i + 1) & (MEMO_SIZE - 1))
        if (!strcmp(memo->owned[i], name)) {
            *lo = memo->lo[i];
            *hi = memo->hi[i];
            return memo->f[i];
        } else if (++probes == MEMO_SIZE / 2) {
            return xlc_cpu_map_feature(map, name); /* full: no memo */
        }
    f = xlc_cpu_map_feature(map, name);
    /* Unknown names are not remembered: they end the load anyway. */
    if (f && (memo->owned[i] = strdup(name))) {
        memo->f[i] = f;
        word_span(f, lo, hi);
        memo->lo[i] = (uint8_t)*lo;
        memo->hi[i] = (uint8_t)*hi;
    }
    return f;
}

/* xlc_cpu_map_model(), remembered in memo (may be NULL). */
static const struct xlc_lv_model *model_lookup(const struct xlc_cpu_map *map,
                                               struct xlc_lv_memo *memo,
                                               const char *name)
{
    const struct xlc_lv_model *m;
    size_t i, probes = 0;

    if (!memo)
        return xlc_cpu_map_model(map, name);
    for (i = xlc_str_hash(name) & (MODEL_MEMO - 1); memo->model_name[i];
         i = (i + 1) & (MODEL_MEMO - 1))
        if (!strcmp(memo->model_name[i], name))
            return memo->model[i];
        else if (++probes == MODEL_MEMO / 2)
            return xlc_cpu_map_model(map, name); /* full: no memo */
    m = xlc_cpu_map_model(map, name);
    if (m && (memo->model_name[i] = strdup(name)))
        memo->model[i] = m;
    return m;
}

void xlc_lv_memo_free(struct xlc_lv_memo *memo)
{
    for (size_t i = 0; memo && i < MODEL_MEMO; i++)
        free(memo->model_name[i]);
    for (size_t i = 0; memo && i < MEMO_SIZE; i++)
        free(memo->owned[i]);
    if (memo)
        free(memo->derived);
    free(memo);
}

int xlc_level_host_from_lv_cpu(const struct xlc_cpu_map *map,
                               const struct xlc_lv_cpu *cpu,
                               enum xlc_guest_type type,
                               struct xlc_level_host *out, xlc_error *err)
{
    /* A caller's host is all zero, its unused policy too. */
    memset(out, 0, sizeof(*out));
    return xlc_level_host_from_lv_cpu_memo(map, NULL, cpu, type, out, err);
}

/* Featuresets are x86's: another architecture's host cannot be levelled. */
static bool x86_arch(const char *arch)
{
    return !arch || !strcmp(arch, "x86_64") || !strcmp(arch, "i686");
}

/*
 * The features the <cpu> says the CPU has.  A host CPU (with <arch>, as
 * `virsh capabilities` prints it) has every feature it lists: libvirt
 * reads no policy on a host CPU's features, so one given is ignored and
 * counted.  A guest-form <cpu> (no <arch>) describes the CPU through its
 * policies: disable/forbid take a model's feature away.
 */
static int lv_raw(const struct xlc_cpu_map *map, struct xlc_lv_memo *memo,
                  const struct xlc_lv_cpu *cpu, uint32_t raw[XFS_NR_WORDS],
                  struct xlc_level_host *out, xlc_error *err)
{
    bool host_form = cpu->arch != NULL;

    for (size_t i = 0; i < cpu->nr_features; i++) {
        const struct xlc_lv_cpu_feature *cf = &cpu->features[i];
        unsigned int lo, hi;
        const struct xlc_lv_feature *f =
            lookup(map, memo, cf->name,
                   memo ? xlc_lv_cpu_name_hash(cpu, i) : 0, &lo, &hi);

        if (!f)
            return unknown_name(err, cpu, cf->line, "feature", cf->name,
                                xlc_cpu_map_nearest_feature(map, cf->name));
        if (host_form && cf->policy_given && !out->policies_ignored++)
            out->policy_ignored_line = cf->line;
        /* The bit operations of xfs_andnot/xfs_or on whole sets, in
         * line: a host lists a hundred features. */
        if (!host_form &&
            (cf->policy == XLC_LV_DISABLE || cf->policy == XLC_LV_FORBID))
            for (unsigned int w = lo; w < hi; w++)
                raw[w] &= ~f->xen[w];
        else
            for (unsigned int w = lo; w < hi; w++)
                raw[w] |= f->xen[w];
    }
    return 0;
}

/* The vendor string as leaf 0 would give it (EBX, EDX, ECX). */
static enum xfs_vendor vendor_of(const struct xlc_host_props *p)
{
    uint32_t b, c, d;

    if (!p->vendor_known)
        return XFS_VENDOR_UNKNOWN;
    memcpy(&b, p->vendor, 4);
    memcpy(&d, p->vendor + 4, 4);
    memcpy(&c, p->vendor + 8, 4);
    return xfs_vendor_from_leaf0(b, c, d);
}

/*
 * What Xen would derive on a CPU with these raw features: the same
 * xen/arch steps as for a CPUID dump (host set, then the type's max and
 * default), so vendor rules (SEP on AMD) and emulated bits come out the
 * same.  A <cpu> lists features, not leaves: every leaf is taken as
 * enumerated (XSAVE's leaf 0xd, the ARCH_CAPS MSR) -- the CPU libvirt
 * described had them to report the features at all.
 */
static void lv_derive(const uint32_t raw[XFS_NR_WORDS],
                      enum xlc_guest_type type, struct xlc_level_host *out)
{
    const uint32_t *inv = xfs_static_masks[XFS_MASK_INVERTED];
    struct xfs_raw_info info = {
        .vendor = vendor_of(&out->props),
        .max_basic = UINT32_MAX,
        .max_ext = 0x8000ffffu,
        .max_subleaf7 = UINT32_MAX,
        .arch_caps_read = true,
    };
    uint32_t host[XFS_NR_WORDS];
    struct xfs_hv_options opts;

    xfs_hv_options_default(&opts);
    xfs_host_featureset(raw, &info, &opts, host);
    if (type == XLC_GUEST_PV) {
        xfs_pv_featuresets(host, &opts, out->fs, out->def);
        out->usable = true;
    } else {
        xfs_hvm_featuresets(raw, host, &info, &opts, out->fs, out->def);
        out->usable = xfs_hvm_usable(host, &opts);
    }
    for (unsigned int w = 0; w < XFS_NR_WORDS; w++) {
        out->fs[w] |= raw[w] & inv[w];
        out->def[w] |= raw[w] & inv[w];
    }
}

static size_t derived_hash(const uint32_t raw[XFS_NR_WORDS],
                           enum xfs_vendor vendor)
{
    uint64_t h = 1469598103934665603u ^ (uint64_t)vendor;

    for (unsigned int w = 0; w < XFS_NR_WORDS; w++)
        h = (h ^ raw[w]) * 1099511628211u;
    return (size_t)(h ^ h >> 29);
}

/* The memo's index slot for this key: its entry, or where it would go. */
static uint16_t *derived_slot(struct xlc_lv_memo *memo,
                              const uint32_t raw[XFS_NR_WORDS],
                              enum xfs_vendor vendor,
                              enum xlc_guest_type type)
{
    size_t i = derived_hash(raw, vendor) & (DERIVED_INDEX - 1);

    for (;; i = (i + 1) & (DERIVED_INDEX - 1)) {
        const struct derived *d;

        if (!memo->index[i])
            return &memo->index[i];
        d = &memo->derived[memo->index[i] - 1];
        if (d->vendor == vendor && d->type == type &&
            !memcmp(d->raw, raw, sizeof(d->raw)))
            return &memo->index[i];
    }
}

/* lv_derive(), remembered in memo (may be NULL). */
static void lv_derive_memo(struct xlc_lv_memo *memo,
                           const uint32_t raw[XFS_NR_WORDS],
                           enum xlc_guest_type type,
                           struct xlc_level_host *out)
{
    enum xfs_vendor vendor = vendor_of(&out->props);
    struct derived *d;
    uint16_t *slot;

    if (memo && !memo->derived)
        memo->derived = malloc(DERIVED_MAX * sizeof(*memo->derived));
    if (!memo || !memo->derived) {
        lv_derive(raw, type, out);
        return;
    }
    slot = derived_slot(memo, raw, vendor, type);
    if (*slot) {
        d = &memo->derived[*slot - 1];
        memcpy(out->fs, d->fs, sizeof(out->fs));
        memcpy(out->def, d->def, sizeof(out->def));
        out->usable = d->usable;
        return;
    }
    lv_derive(raw, type, out);
    if (memo->nr_derived == DERIVED_MAX) {
        /* Full: start over (a pool of more distinct hosts than this). */
        memset(memo->index, 0, sizeof(memo->index));
        memo->nr_derived = 0;
        slot = derived_slot(memo, raw, vendor, type);
    }
    d = &memo->derived[memo->nr_derived++];
    *d = (struct derived){ .vendor = vendor, .type = type,
                           .usable = out->usable };
    memcpy(d->raw, raw, sizeof(d->raw));
    memcpy(d->fs, out->fs, sizeof(d->fs));
    memcpy(d->def, out->def, sizeof(d->def));
    *slot = (uint16_t)memo->nr_derived;
}

int xlc_level_host_from_lv_cpu_memo(const struct xlc_cpu_map *map,
                                    struct xlc_lv_memo *memo,
                                    const struct xlc_lv_cpu *cpu,
                                    enum xlc_guest_type type,
                                    struct xlc_level_host *out,
                                    xlc_error *err)
{
    const struct xlc_lv_model *m = NULL;
    uint32_t raw[XFS_NR_WORDS] = { 0 };
    int rc;

    xlc_level_host_clear(out);
    if (!x86_arch(cpu->arch))
        return xlc_fail(err, EINVAL, "%s:%ld: <arch>%s</arch>: only x86 "
                        "hosts (x86_64, i686) have featuresets", cpu->source,
                        cpu->arch_line, cpu->arch);
    if (cpu->mode != XLC_LV_MODE_CUSTOM)
        return xlc_fail(err, EINVAL, "%s:%ld: mode='%s' describes a guest "
                        "relative to a host; a host <cpu> names a model and "
                        "features", cpu->source, cpu->line,
                        xlc_lv_mode_name(cpu->mode));
    if (cpu->model) {
        m = model_lookup(map, memo, cpu->model);
        if (!m)
            return unknown_name(err, cpu, cpu->model_line, "model",
                                cpu->model,
                                xlc_cpu_map_nearest_model(map, cpu->model));
        xfs_copy(raw, XFS_NR_WORDS, m->xen, XFS_NR_WORDS);
    }
    rc = lv_raw(map, memo, cpu, raw, out, err);
    out->lv_model = m;
    if (!rc)
        rc = host_vendor(map, cpu, m, &out->props, err);
    if (!rc)
        lv_derive_memo(memo, raw, type, out);
    return rc;
}

/* ---- files of <cpu> elements ---- */

bool xlc_level_is_libvirt_cpu(const char *head)
{
    return strstr(head, "<cpu") && !strstr(head, "<cpudata");
}
