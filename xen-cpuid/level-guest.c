/* SPDX-License-Identifier: MIT */
/*
 * `level ... guest:SOURCE`: the guest is loaded as a guest (a libvirt
 * <cpu> with libvirt's guest semantics, a recorded policy, a featureset,
 * a host's default guest; libxl_cpuid/guest-source.h) and judged on every
 * pool host by the guest verdict, so each host's answer is the one
 * `model`, `restore-check` and `record` give for it there.  A host whose
 * input carries CPUID (a dump, @live) is judged in full; one known only by
 * a featureset is judged on features and vendor, and the verdict says
 * what could not be checked.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../libxl_cpuid/guest-source.h"
#include "level-tool.h"

struct level_guest {
    struct xlc_gv_source *src;
    struct xlc_guest_verdict **v;       /* per pool id */
};

int level_guest_set(struct level_run *r, char *name, const char *source,
                    xlc_error *err)
{
    const struct xlc_cpu_map *map = NULL;
    struct level_guest *g;
    int rc;

    if (r->have_guest) {
        free(name);
        return xlc_fail(err, EINVAL, "only one guest:SOURCE may be given");
    }
    if (xlc_gv_source_is_libvirt(source) && !(map = level_cpu_map(r, err))) {
        free(name);
        return -EINVAL;
    }
    g = calloc(1, sizeof(*g));
    rc = g ? xlc_gv_source_load(source, r->type, map, &g->src, err)
           : xlc_fail(err, ENOMEM, "out of memory");
    if (rc) {
        free(g);
        free(name);
        return rc;
    }
    r->have_guest = true;
    r->guest_name = name;
    r->gsrc = g;
    return 0;
}

/* The pool host `id` as the verdict's host; *sys holds its policies. */
static int host_of(const struct level_run *r, size_t id,
                   struct xlc_system_policies **sys, struct xlc_gv_host *h,
                   xlc_error *err)
{
    const struct xlc_host_props *p = xlc_pool_host_props(r->pool, id);
    int rc = xlc_gv_host_facts_load(r->sources[id], sys, err);

    if (rc)
        return rc;
    if (*sys)
        xlc_gv_host_from_system(h, *sys, r->type);
    else
        xlc_gv_host_from_featureset(h, r->type,
                                    xlc_pool_host_featureset(r->pool, id),
                                    p && p->vendor_known ? p->vendor : NULL);
    return 0;
}

/*
 * The verdict as the pool's per-host summary: ok or incompatible, the
 * missing features, the vendor.  Never "untold-weakness": the verdict has
 * recalculated the guest as Xen does, which tells it every weakness Xen
 * tells any guest (FDP_EXCP_ONLY, NO_FPU_SEL from the host); one Xen tells
 * no guest cannot be held against this one.
 */
static void summarise(const struct xlc_guest_verdict *v, struct xlc_verdict *s)
{
    memset(s, 0, sizeof(*s));
    for (size_t i = 0; i < v->nr_reasons; i++) {
        const struct xlc_gv_reason *x = &v->reasons[i];

        if (x->kind == XLC_GV_FEATURE && x->feature >= 0)
            xfs_set(s->missing, XFS_NR_WORDS, (unsigned int)x->feature);
        if (x->kind == XLC_GV_VENDOR)
            s->vendor_differs = true;
    }
    s->kind = v->runs ? XLC_VERDICT_OK : XLC_VERDICT_INCOMPATIBLE;
}

int level_guest_judge(struct level_run *r, xlc_error *err)
{
    struct level_guest *g = r->gsrc;
    size_t n = xlc_pool_nr_ids(r->pool);
    int rc = 0;

    g->v = calloc(n ? n : 1, sizeof(*g->v));
    if (!g->v)
        return xlc_fail(err, ENOMEM, "out of memory");
    for (size_t id = 0; !rc && id < n; id++) {
        struct xlc_system_policies *sys = NULL;
        struct xlc_gv_host h;

        if (!xlc_pool_has(r->pool, id))
            continue;
        rc = host_of(r, id, &sys, &h, err);
        if (!rc)
            rc = xlc_guest_verdict(&h, &g->src->guest, &g->v[id], err);
        if (!rc)
            summarise(g->v[id], &r->verdicts[id]);
        else
            xlc_error_prefix(err, "guest %s on %s", r->guest_name,
                             r->sources[id]);
        xlc_system_policies_free(sys);
    }
    return rc;
}

void level_guest_text_head(FILE *out, const struct level_run *r)
{
    static const char *const how[] = {
        [XLC_GV_DEFAULT] = "the default guest",
        [XLC_GV_FEATURESET] = "exactly these features",
        [XLC_GV_POLICY] = "a recorded policy, as Xen 4.17 restores it",
        [XLC_GV_LIBVIRT] = "libvirt's guest semantics, resolved on each "
                           "host",
        [XLC_GV_XL_CPUID] = "an xl cpuid= list",
    };
    const struct xlc_gv_source *s = r->gsrc->src;
    bool dump = s->guest.form == XLC_GV_POLICY &&
                (!strcmp(s->what, "CPUID dump") ||
                 !strcmp(s->what, "live CPU"));

    fprintf(out, "  (a %s%s: %s)\n", s->what,
            dump ? ", its default guest" : "", how[s->guest.form]);
}

void level_guest_text(FILE *out, const struct level_run *r, size_t id)
{
    const struct xlc_guest_verdict *v = r->gsrc->v[id];

    for (size_t i = 0; v && i < v->nr_reasons; i++)
        fprintf(out, "    - %s\n", v->reasons[i].text);
    for (size_t i = 0; v && i < v->nr_changes; i++)
        fprintf(out, "    note: %s\n", v->changes[i].text);
}

void level_guest_json(struct xlc_buf *b, const struct level_run *r,
                      size_t id)
{
    const struct xlc_guest_verdict *v = r->gsrc->v[id];
    char *j = v ? xlc_guest_verdict_json(v) : NULL;

    xlc_buf_puts(b, ",\"guest_verdict\":");
    if (v && !j)
        b->oom = true;
    xlc_buf_puts(b, j ? j : "null");
    free(j);
}

void level_guest_free(struct level_run *r)
{
    struct level_guest *g = r->gsrc;

    if (!g)
        return;
    for (size_t id = 0; g->v && id < xlc_pool_nr_ids(r->pool); id++)
        xlc_guest_verdict_free(g->v[id]);
    free(g->v);
    xlc_gv_source_free(g->src);
    free(g);
    r->gsrc = NULL;
}
