/* SPDX-License-Identifier: MIT */
/*
 * The explicit <cpu> (libvirt-explicit-cpu.h): for every model of the
 * installed cpu_map, on every instlatx64 dump, for both guest types where
 * the dump can run them, the explicit form parses as libvirt syntax and
 * translates to the same verdict and the same featureset as the named
 * model; so do <cpu>s with feature policies and host-model's decode.  Its
 * base model is the smallest model within the target, and libvirt's own
 * parser (virsh, test driver) accepts what it prints.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "../helpers/lv-translate.h"
#include "../helpers/stream-helpers.h"
#include "../helpers/tool-run.h"
#include "libxl_cpuid/libvirt/libvirt-explicit-cpu.h"

#define W XFS_NR_WORDS

/* Every dump's host for both guest types (NULL where it cannot run one). */
struct hosts {
    size_t n;
    char **names;
    struct xlc_lv_host *h[2];   /* [0] pv, [1] hvm */
    bool *ok[2];
};

static struct hosts hosts;
static const enum xlc_guest_type types[2] = { XLC_GUEST_PV, XLC_GUEST_HVM };

static int setup(void **state)
{
    const char *dir = shared_dump_dir();
    char path[4096];

    if (lvtr_setup(state) || !dir)
        return -1;
    hosts.names = list_dumps(dir, &hosts.n);
    for (int t = 0; t < 2; t++) {
        hosts.h[t] = calloc(hosts.n, sizeof(*hosts.h[t]));
        hosts.ok[t] = calloc(hosts.n, sizeof(bool));
    }
    for (size_t i = 0; i < hosts.n; i++) {
        struct xlc_cpuid_dump *d;
        xlc_error err = { 0 };

        snprintf(path, sizeof(path), "%s/%s", dir, hosts.names[i]);
        if (xlc_dump_load(path, &d, &err))
            return -1;
        for (int t = 0; t < 2; t++)
            hosts.ok[t][i] =
                xlc_lv_host_from_dump(&hosts.h[t][i], types[t], d, NULL);
        xlc_dump_free(d);
    }
    return hosts.n >= 40 ? 0 : -1;
}

static int teardown(void **state)
{
    for (int t = 0; t < 2; t++) {
        free(hosts.h[t]);
        free(hosts.ok[t]);
    }
    free_names(hosts.names, hosts.n);
    return lvtr_teardown(state);
}

static struct xlc_lv_explicit *explicit_of(const struct xlc_lv_cpu *cpu,
                                           const struct xlc_lv_decoded *d)
{
    struct xlc_lv_explicit *e = NULL;
    xlc_error err = { 0 };

    if (xlc_lv_explicit(lvtr_map, cpu, d, &e, &err))
        fail_msg("%s: %s", cpu->source, err.msg);
    return e;
}

/* The named and the explicit <cpu> on one host: the same answer. */
static void same_answer(const char *named, const char *explicit_xml,
                        size_t i, int t)
{
    struct xlc_lv_translation *a = lvtr_eval(named, &hosts.h[t][i],
                                             types[t]);
    struct xlc_lv_translation *b = lvtr_eval(explicit_xml, &hosts.h[t][i],
                                             types[t]);
    bool ra = a->verdict != XLC_LV_INCOMPATIBLE;
    bool rb = b->verdict != XLC_LV_INCOMPATIBLE;

    if (ra != rb || (ra && !xfs_equal(a->fs, W, b->fs, W)))
        fail_msg("%s %s: named %s, explicit %s\n%s\n%s", hosts.names[i],
                 xlc_guest_type_name(types[t]), xlc_lv_verdict_name(a->verdict),
                 xlc_lv_verdict_name(b->verdict), named, explicit_xml);
    xlc_lv_translation_free(a);
    xlc_lv_translation_free(b);
}

/* One <cpu> text against every host it can be judged on. */
static size_t same_everywhere(const char *named)
{
    struct xlc_lv_cpu *cpu = lvtr_cpu(named);
    struct xlc_lv_explicit *e = explicit_of(cpu, NULL);
    size_t judged = 0;

    for (size_t i = 0; i < hosts.n; i++)
        for (int t = 0; t < 2; t++)
            if (hosts.ok[t][i]) {
                same_answer(named, e->xml, i, t);
                judged++;
            }
    xlc_lv_explicit_free(e);
    xlc_lv_cpu_free(cpu);
    return judged;
}

static void every_model_on_every_dump(void **state)
{
    size_t judged = 0, runs = 0;
    char xml[512];

    (void)state;
    for (size_t m = 0; m < xlc_cpu_map_nr_models(lvtr_map); m++) {
        snprintf(xml, sizeof(xml), "<cpu mode='custom' match='exact'>"
                 "<model fallback='forbid'>%s</model></cpu>",
                 xlc_cpu_map_model_at(lvtr_map, m)->name);
        judged += same_everywhere(xml);
        for (size_t i = 0; i < hosts.n; i++) {
            struct xlc_lv_translation *t;

            if (!hosts.ok[1][i])
                continue;
            t = lvtr_eval(xml, &hosts.h[1][i], XLC_GUEST_HVM);
            runs += t->verdict != XLC_LV_INCOMPATIBLE;
            xlc_lv_translation_free(t);
        }
    }
    /* Both guest types on most dumps, and many models run somewhere. */
    assert_true(judged > xlc_cpu_map_nr_models(lvtr_map) * hosts.n * 3 / 2);
    assert_true(runs > xlc_cpu_map_nr_models(lvtr_map) * 5);
}

/* Feature policies are carried over: what they do stays the same. */
static void with_policies(void **state)
{
    static const char *const cpus[] = {
        /* disable takes avx2, fma, avx512* (model features) with it */
        "<cpu match='exact'><model>Skylake-Server</model>"
        "<feature policy='disable' name='avx'/>"
        "<feature policy='require' name='pcid'/></cpu>",
        "<cpu><model>Haswell-noTSX</model>"
        "<feature policy='forbid' name='rdrand'/>"
        "<feature policy='optional' name='invtsc'/>"
        "<feature policy='force' name='hypervisor'/></cpu>",
        "<cpu match='minimum'><model>Westmere</model>"
        "<feature policy='disable' name='sse4.2'/></cpu>",
        "<cpu><model>EPYC-Rome</model><topology sockets='1' cores='4' "
        "threads='2'/><feature policy='require' name='x2apic'/>"
        "<feature policy='disable' name='xsave'/></cpu>",
        "<cpu match='strict'><model>Nehalem</model></cpu>",
        "<cpu><model>Opteron_G3</model><vendor>AMD</vendor></cpu>",
    };

    (void)state;
    for (size_t k = 0; k < sizeof(cpus) / sizeof(cpus[0]); k++)
        assert_true(same_everywhere(cpus[k]) > hosts.n);
}

/* host-model: the decode on each host, spelled out, gives the same. */
static void host_model_decodes(void **state)
{
    const char *named = "<cpu mode='host-model'>"
                        "<feature policy='disable' name='avx2'/></cpu>";
    struct xlc_lv_cpu *cpu = lvtr_cpu(named);

    (void)state;
    for (size_t i = 0; i < hosts.n; i++)
        for (int t = 0; t < 2; t++) {
            struct xlc_lv_translation *a;
            struct xlc_lv_explicit *e;
            xlc_error err = { 0 };

            if (!hosts.ok[t][i])
                continue;
            if (xlc_lv_evaluate(lvtr_map, cpu, &hosts.h[t][i], types[t], &a,
                                &err))
                fail_msg("%s", err.msg);
            e = explicit_of(cpu, a->decoded);
            assert_non_null(strstr(e->xml, "host-model, decoded on this "
                                            "host as "));
            same_answer(named, e->xml, i, t);
            xlc_lv_explicit_free(e);
            xlc_lv_translation_free(a);
        }
    xlc_lv_cpu_free(cpu);
}

/* The base: the fewest features within the target, vendor-compatible. */
static void base_models(void **state)
{
    static const struct { const char *model, *base; } cases[] = {
        { "Skylake-Server", "486" }, { "Westmere", "pentiumpro" },
        { "Opteron_G2", "pentiumpro" }, { "486", "486" },
        { "pentiumpro", "pentiumpro" },
    };

    (void)state;
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        char xml[256];
        struct xlc_lv_cpu *cpu;
        struct xlc_lv_explicit *e;
        const struct xlc_lv_model *m =
            xlc_cpu_map_model(lvtr_map, cases[k].model);

        snprintf(xml, sizeof(xml), "<cpu><model>%s</model></cpu>",
                 cases[k].model);
        cpu = lvtr_cpu(xml);
        e = explicit_of(cpu, NULL);
        assert_string_equal(e->base->name, cases[k].base);
        /* Every expressible feature is required, the others listed. */
        assert_int_equal(e->nr_required + e->nr_unsaid, m->nr_features);
        for (size_t i = 0; i < e->nr_unsaid; i++)
            assert_false(e->unsaid[i]->expressible);
        xlc_lv_explicit_free(e);
        xlc_lv_cpu_free(cpu);
    }
}

static void refusals(void **state)
{
    static const struct { const char *xml, *want1, *want2; } cases[] = {
        { "<cpu mode='host-passthrough'/>", "names no CPU model", NULL },
        { "<cpu><model>Skylake-Clinet</model></cpu>",
          "unknown CPU model 'Skylake-Clinet'", "Skylake-Client" },
        { "<cpu><model>Haswell</model>\n<feature policy='require' "
          "name='avx3'/></cpu>", "g.xml:2: unknown feature 'avx3'", NULL },
        /* avx2 and fma go with avx on one host and stay on another */
        { "<cpu><model>Haswell</model>\n<feature policy='optional' "
          "name='avx'/></cpu>", "g.xml:2: optional 'avx' cannot be kept",
          "avx2" },
    };

    (void)state;
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        struct xlc_lv_cpu *cpu = lvtr_cpu(cases[k].xml);
        struct xlc_lv_explicit *e = NULL;
        xlc_error err = { 0 };

        assert_int_equal(xlc_lv_explicit(lvtr_map, cpu, NULL, &e, &err),
                         -EINVAL);
        assert_null(e);
        if (!strstr(err.msg, cases[k].want1) ||
            (cases[k].want2 && !strstr(err.msg, cases[k].want2)))
            fail_msg("'%s' lacks '%s'", err.msg, cases[k].want1);
        xlc_lv_cpu_free(cpu);
    }
}

/* libvirt itself (virsh on the test driver) accepts the explicit <cpu>. */
static void libvirt_accepts_it(void **state)
{
    struct xlc_lv_cpu *cpu = lvtr_cpu("<cpu><model>Cascadelake-Server"
                                      "</model><topology sockets='1' "
                                      "cores='2' threads='1'/></cpu>");
    struct xlc_lv_explicit *e = explicit_of(cpu, NULL);
    char path[] = "/tmp/test_explicit_cpu.XXXXXX", cmd[8192], *out, *err;
    FILE *f;
    int fd = mkstemp(path);

    (void)state;
    assert_true(fd >= 0);
    f = fdopen(fd, "w");
    fprintf(f, "<domain type='test'><name>explicit</name>"
               "<memory>131072</memory><vcpu>2</vcpu><os><type "
               "arch='x86_64'>hvm</type></os>%s</domain>\n",
            strchr(e->xml, '\n') + 1);
    fclose(f);
    if (access("/usr/bin/virsh", X_OK)) {
        unlink(path);
        skip();
    }
    snprintf(cmd, sizeof(cmd), "virsh -q -c test:///default 'define %s; "
             "dumpxml explicit'", path);
    if (tool_run_shell(cmd, &out, &err))
        fail_msg("virsh refused it: %s", err);
    assert_non_null(strstr(out, "<model fallback='forbid'>486</model>"));
    assert_non_null(strstr(out, "<feature policy='require' "
                                "name='avx512vnni'/>"));
    free(out);
    free(err);
    unlink(path);
    xlc_lv_explicit_free(e);
    xlc_lv_cpu_free(cpu);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_model_on_every_dump),
        cmocka_unit_test(with_policies),
        cmocka_unit_test(host_model_decodes),
        cmocka_unit_test(base_models),
        cmocka_unit_test(refusals),
        cmocka_unit_test(libvirt_accepts_it),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
