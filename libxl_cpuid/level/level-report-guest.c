/* SPDX-License-Identifier: MIT */
/*
 * From the default level to the guest CPU: what cannot migrate, why each
 * max-level feature is held back, and the opt-ins asked for (the rules are
 * in level-report.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../names/feature-names.h"
#include "level-report-int.h"
#include "../cpumap/libvirt-cpumap.h"
#include "../util/strbuf.h"

#define NW XFS_NR_WORDS

static const uint32_t *inverted(void)
{
    return xfs_static_masks[XFS_MASK_INVERTED];
}

void xlc_level_nomigrate_sets(const struct xlc_cpu_map *map,
                              uint32_t xen[NW], uint32_t libvirt[NW])
{
    memset(xen, 0, NW * sizeof(*xen));
    memset(libvirt, 0, NW * sizeof(*libvirt));
    for (unsigned int i = 0; i < xfs_nr_features; i++)
        if (xfs_features[i].flags & XCF_NOMIGRATE)
            xfs_set(xen, NW, xfs_features[i].value);
    for (size_t i = 0; map && i < xlc_cpu_map_nr_features(map); i++) {
        const struct xlc_lv_feature *f = xlc_cpu_map_feature_at(map, i);

        if (!f->migratable && f->expressible)
            xfs_or(libvirt, NW, libvirt, NW, f->xen, NW);
    }
}

/*
 * The max mask without what Xen says cannot migrate (unless nomigrate).
 * libvirt's migratable='no' flags do not take a feature off the guest
 * level: they describe QEMU's migration, and a default Xen gives every
 * guest (xsaves) migrates with Xen's own state records.  They gate opt-ins
 * only, and the report notes a default they flag (default_nomigrate_note).
 */
static void guest_mask(const struct xlc_level_report *r, uint32_t out[NW])
{
    const uint32_t *d = xlc_guest_mask(r->type);

    for (unsigned int w = 0; w < NW; w++)
        out[w] = d[w] & (r->nomigrate ? ~0u : ~r->nomigrate_xen[w]);
}

void xlc_level_report_guest_of(const struct xlc_level_report *r,
                               const struct xlc_level *l,
                               struct xfs_level_sets *guest,
                               uint32_t cpu[NW], uint32_t *lacking)
{
    uint32_t mask[NW];

    guest_mask(r, mask);
    xfs_level_compute(l->every_def, l->any, mask, guest);
    xfs_copy(cpu, NW, guest->level, NW);
    if (lacking)
        memset(lacking, 0, NW * sizeof(*lacking));
    for (size_t i = 0; i < r->nr_optins; i++) {
        const struct xlc_level_optin *o = &r->optins[i];

        if (o->state != XLC_OPTIN_GRANTED)
            continue;
        if (xfs_subset(o->added, NW, l->sets.level, NW))
            xfs_or(cpu, NW, cpu, NW, o->added, NW);
        else if (lacking)
            xfs_or(lacking, NW, lacking, NW, o->added, NW);
    }
    xfs_apply_deep_deps(cpu, NW);
}

/* Why each ordinary feature of the max level is not on the guest level. */
static void held_reasons(struct xlc_level_report *r)
{
    const uint32_t *d = xlc_guest_default_mask(r->type), *inv = inverted();
    const struct xlc_level *l = &r->level;

    memset(r->held, 0, sizeof(r->held));
    for (unsigned int w = 0; w < NW; w++) {
        uint32_t left = l->sets.level[w] & ~r->guest_sets.level[w] & ~inv[w];
        uint32_t nomig = r->nomigrate ? 0 : r->nomigrate_xen[w];

        r->held[XLC_HELD_NOMIGRATE][w] = left & nomig;
        left &= ~nomig;
        /* Not in every default: opt-in for Xen, or one host's choice. */
        r->held[XLC_HELD_OPTIN][w] = left & ~l->every_def[w] & ~d[w];
        r->held[XLC_HELD_NOT_DEFAULT][w] = left & ~l->every_def[w] & d[w];
        r->held[XLC_HELD_PREREQ][w] = left & l->every_def[w];
    }
}

const char *xlc_held_reason_name(enum xlc_held_reason reason)
{
    static const char *const names[XLC_HELD_NR] = {
        [XLC_HELD_OPTIN] = "opt-in",
        [XLC_HELD_NOMIGRATE] = "not-migratable",
        [XLC_HELD_NOT_DEFAULT] = "not-default-everywhere",
        [XLC_HELD_PREREQ] = "prerequisite-held-back",
    };

    return reason < XLC_HELD_NR ? names[reason] : "?";
}

/* ---- opt-ins ---- */

/* Features f needs (deep dependencies run from prerequisite to user). */
static void prerequisites(unsigned int f, uint32_t out[NW])
{
    memset(out, 0, NW * sizeof(*out));
    for (unsigned int g = 0; g < XFS_NR_FEATURE_BITS; g++) {
        const uint32_t *deps = xfs_lookup_deep_deps(g);

        if (deps && xfs_test(deps, NW, f))
            xfs_set(out, NW, g);
    }
}

/* Why bit b, needed for the opt-in, is not on the max level. */
static void not_on_max(const struct xlc_level_report *r, unsigned int b,
                       struct xlc_buf *why)
{
    size_t ids = xlc_pool_nr_ids(r->pool), *lack, n;
    char name[XLC_HOST_NAME_BUF];

    if (!xfs_test(xlc_guest_mask(r->type), NW, b)) {
        xlc_buf_printf(why, "Xen offers it to no %s guest",
                       xlc_guest_type_name(r->type));
        return;
    }
    lack = malloc((ids ? ids : 1) * sizeof(*lack));
    n = lack ? xlc_pool_hosts_with(r->pool, b, false, lack, ids) : 0;
    xlc_buf_puts(why, "not on the max level: lacking on ");
    for (size_t i = 0; i < n; i++)
        xlc_buf_printf(why, "%s%s", i ? ", " : "",
                       xlc_pool_host_name(r->pool, lack[i], name));
    if (!n)
        xlc_buf_puts(why, "(the level's dependencies)");
    free(lack);
}

/* Why bit b may not be added to the guest CPU; false when it may. */
static bool refuse_bit(const struct xlc_level_report *r, unsigned int b,
                       struct xlc_buf *why)
{
    bool xen = xfs_test(r->nomigrate_xen, NW, b);
    bool lv = xfs_test(r->nomigrate_libvirt, NW, b);
    char n[XLC_BIT_TEXT_MAX];

    if (!xfs_test(r->level.sets.level, NW, b)) {
        not_on_max(r, b, why);
        return true;
    }
    if (r->nomigrate || (!xen && !lv))
        return false;
    xlc_buf_printf(why, "%s cannot migrate (%s%s%s): a guest given it must "
                   "never migrate (--nomigrate)",
                   xlc_bit_text(b, XLC_BIT_OURS, n),
                   xen ? "Xen" : "", xen && lv ? "; " : "",
                   lv ? "libvirt's cpu_map: migratable='no'" : "");
    return true;
}

/* The first reason to refuse adding `add` for feature f, or nothing. */
static void check_optin(const struct xlc_level_report *r, unsigned int f,
                        const uint32_t add[NW], struct xlc_buf *why)
{
    char n[XLC_BIT_TEXT_MAX];

    for (unsigned int b = 0; b < XFS_NR_FEATURE_BITS; b++) {
        struct xlc_buf one = XLC_BUF_INIT;

        if (!xfs_test(add, NW, b) || !refuse_bit(r, b, &one)) {
            xlc_buf_free(&one);
            continue;
        }
        if (b != f)
            xlc_buf_printf(why, "needs %s: ",
                           xlc_bit_text(b, XLC_BIT_OURS, n));
        xlc_buf_puts(why, one.s ? one.s : "out of memory");
        xlc_buf_free(&one);
        return;
    }
}

static int judge_optin(const struct xlc_level_report *r,
                       struct xlc_level_optin *o)
{
    struct xlc_buf why = XLC_BUF_INIT;
    uint32_t pre[NW];

    o->state = XLC_OPTIN_GRANTED;
    if (xfs_test(inverted(), NW, o->feature)) {
        xlc_buf_puts(&why, "a host weakness (XCF_INVERTED), not a feature "
                           "a guest asks for: the level carries it when any "
                           "host has it");
    } else if (xfs_test(r->guest_sets.level, NW, o->feature)) {
        o->state = XLC_OPTIN_ALREADY;
        return 0;
    } else {
        prerequisites(o->feature, pre);
        xfs_set(pre, NW, o->feature);
        xfs_andnot(o->added, NW, pre, NW, r->guest_sets.level, NW);
        check_optin(r, o->feature, o->added, &why);
    }
    if (!why.len && !why.oom)
        return 0;
    o->state = XLC_OPTIN_REFUSED;
    memset(o->added, 0, sizeof(o->added));
    o->why = xlc_buf_take(&why);
    return o->why ? 0 : -ENOMEM;
}

/* "a,b , c": each name looked up leniently; an unknown one is an error. */
static int parse_optins(struct xlc_level_report *r, const char *with,
                        xlc_error *err)
{
    const char *p = with;

    while (p && *p) {
        size_t len = strcspn(p, ","), lead = strspn(p, " \t");
        struct xlc_level_optin *o;
        char *name;
        unsigned int f;
        int rc;

        while (len > lead && strchr(" \t", p[len - 1]))
            len--;
        name = strndup(p + lead, len > lead ? len - lead : 0);
        if (!name)
            return xlc_fail(err, ENOMEM, "out of memory");
        rc = *name ? xlc_feature_lookup(name, &f, err)
                   : xlc_fail(err, EINVAL, "--with '%s': an empty name",
                              with);
        if (rc) {
            if (*name)
                xlc_error_prefix(err, "--with");
            free(name);
            return rc < 0 ? rc : -EINVAL;
        }
        o = realloc(r->optins, (r->nr_optins + 1) * sizeof(*o));
        if (!o) {
            free(name);
            return xlc_fail(err, ENOMEM, "out of memory");
        }
        r->optins = o;
        o = &o[r->nr_optins++];
        memset(o, 0, sizeof(*o));
        o->asked = name;
        o->feature = f;
        p += strcspn(p, ",");
        p += *p == ',';
    }
    return 0;
}

/* A default of the guest level that libvirt's cpu_map calls unmigratable. */
static int default_nomigrate_note(struct xlc_level_report *r, xlc_error *err)
{
    char n[XLC_BIT_TEXT_MAX];

    for (unsigned int b = 0; b < XFS_NR_FEATURE_BITS; b++) {
        if (!xfs_test(r->guest_sets.level, NW, b) ||
            !xfs_test(r->nomigrate_libvirt, NW, b))
            continue;
        if (xlc_strv_addf(&r->notes, &r->nr_notes,
                          "%s: libvirt's cpu_map marks it migratable='no' "
                          "(QEMU's rule); Xen gives it to every %s guest by "
                          "default and migrates its state, so it stays on "
                          "the guest level",
                          xlc_bit_text(b, XLC_BIT_OURS, n),
                          xlc_guest_type_name(r->type)))
            return xlc_fail(err, ENOMEM, "out of memory");
    }
    return 0;
}

int xlc_level_report_guest(struct xlc_level_report *r,
                           const struct xlc_level_options *opts,
                           xlc_error *err)
{
    uint32_t mask[NW];
    int rc;

    xlc_level_nomigrate_sets(opts->map, r->nomigrate_xen,
                             r->nomigrate_libvirt);
    guest_mask(r, mask);
    xfs_level_compute(r->level.every_def, r->level.any, mask, &r->guest_sets);
    held_reasons(r);
    rc = default_nomigrate_note(r, err);
    if (!rc)
        rc = parse_optins(r, opts->with, err);
    for (size_t i = 0; !rc && i < r->nr_optins; i++)
        if (judge_optin(r, &r->optins[i]))
            rc = xlc_fail(err, ENOMEM, "out of memory");
    if (!rc)
        xlc_level_report_guest_of(r, &r->level, &r->guest_sets, r->guest_cpu,
                                  NULL);
    return rc;
}
