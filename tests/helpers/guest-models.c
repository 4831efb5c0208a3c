/* SPDX-License-Identifier: MIT */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "guest-models.h"
#include "policy-oracle.h"
#include "libxl_cpuid/util/strbuf.h"

const struct gm_model gm_models[] = {
    { "skylake", "custom", "Skylake-Server",
      { { "disable", "avx512f" }, { "optional", "sha-ni" },
        { "require", "pku" } } },
    { "cascadelake", "custom", "Cascadelake-Server",
      { { "optional", "avx512vnni" }, { "optional", "spec-ctrl" },
        { "require", "avx512f" } } },
    { "haswell", "custom", "Haswell-noTSX",
      { { "optional", "avx512f" }, { "forbid", "svm" },
        { "disable", "x2apic" } } },
    { "westmere", "custom", "Westmere",
      { { "require", "aes" }, { "forbid", "avx512f" },
        { "force", "sse4.2" } } },
    { "epyc", "custom", "EPYC",
      { { "optional", "sha-ni" }, { "disable", "svm" },
        { "forbid", "avx512f" } } },
    { "opteron", "custom", "Opteron_G4",
      { { "optional", "fma" }, { "forbid", "vmx" } } },
    { "maximum", "maximum", NULL,
      { { "require", "sse4.2" }, { "disable", "avx" },
        { "optional", "avx512f" }, { "forbid", "rtm" } } },
    { "passthrough", "host-passthrough", NULL,
      { { "disable", "rdrand" }, { "optional", "sha-ni" } } },
    { "host-model", "host-model", NULL, { { NULL, NULL } } },
};
const size_t gm_nr_models = sizeof(gm_models) / sizeof(gm_models[0]);

const struct gm_model *gm_model(const char *label)
{
    for (size_t i = 0; i < gm_nr_models; i++)
        if (!strcmp(gm_models[i].label, label))
            return &gm_models[i];
    fail_msg("no test model %s", label);
    return NULL;
}

static const char *exact_policy(const struct gm_feature *f,
                                const struct xlc_cpu_map *map,
                                const uint32_t *on)
{
    const struct xlc_lv_feature *lf;

    if (!on)
        return f->policy;
    if (!strcmp(f->policy, "forbid"))
        return "disable";
    if (strcmp(f->policy, "optional"))
        return f->policy;
    lf = xlc_cpu_map_feature(map, f->name);
    assert_non_null(lf);
    return xfs_subset(lf->xen, XFS_NR_WORDS, on, XFS_NR_WORDS) ? "require"
                                                               : "disable";
}

char *gm_xml(const struct gm_model *m, const struct xlc_cpu_map *map,
             const uint32_t *exact_on)
{
    struct xlc_buf b = XLC_BUF_INIT;
    char *s;

    xlc_buf_printf(&b, "<cpu mode='%s'%s>", m->mode,
                   strcmp(m->mode, "custom") ? "" : " match='exact'");
    if (m->model)
        xlc_buf_printf(&b, "<model fallback='forbid'>%s</model>", m->model);
    for (size_t i = 0; i < 6 && m->f[i].policy; i++)
        xlc_buf_printf(&b, "<feature policy='%s' name='%s'/>",
                       exact_policy(&m->f[i], map, exact_on), m->f[i].name);
    xlc_buf_puts(&b, "</cpu>");
    s = xlc_buf_take(&b);
    assert_non_null(s);
    return s;
}

struct xlc_lv_cpu *gm_cpu(const char *xml)
{
    struct xlc_lv_cpu *cpu;
    xlc_error err = { 0 };

    if (xlc_lv_cpu_parse("guest.xml", xml, strlen(xml), &cpu, &err))
        fail_msg("%s", err.msg);
    return cpu;
}

void gm_pool_load(struct gm_pool *p)
{
    xlc_error err = { 0 };

    p->paths = xt_dump_paths(&p->n);
    p->sys = calloc(p->n, sizeof(*p->sys));
    assert_non_null(p->sys);
    for (size_t i = 0; i < p->n; i++)
        p->sys[i] = xt_system_from_file(p->paths[i]);
    if (xlc_cpu_map_load(NULL, &p->map, &err))
        fail_msg("%s", err.msg);
}

void gm_pool_free(struct gm_pool *p)
{
    for (size_t i = 0; i < p->n; i++)
        xlc_system_policies_free(p->sys[i]);
    free(p->sys);
    xt_free_paths(p->paths, p->n);
    xlc_cpu_map_free(p->map);
}

struct xlc_guest_verdict *gm_judge(const struct gm_pool *p, size_t i,
                                   enum xlc_guest_type t,
                                   const struct xlc_gv_guest *g)
{
    struct xlc_guest_verdict *v;
    struct xlc_gv_host h;
    xlc_error err = { 0 };

    xlc_gv_host_from_system(&h, p->sys[i], t);
    if (xlc_guest_verdict(&h, g, &v, &err))
        fail_msg("%s: %s", xt_basename(p->paths[i]), err.msg);
    assert_int_equal(v->runs, v->nr_reasons == 0);
    return v;
}

void gm_missing(const struct xlc_guest_verdict *v, uint32_t *fs)
{
    memset(fs, 0, XFS_NR_WORDS * sizeof(*fs));
    for (size_t i = 0; i < v->nr_reasons; i++)
        if (v->reasons[i].kind == XLC_GV_FEATURE &&
            v->reasons[i].feature >= 0)
            xfs_set(fs, XFS_NR_WORDS, (unsigned int)v->reasons[i].feature);
}

size_t gm_count(const struct xlc_guest_verdict *v, enum xlc_gv_reason_kind k)
{
    size_t n = 0;

    for (size_t i = 0; i < v->nr_reasons; i++)
        n += v->reasons[i].kind == k;
    return n;
}
