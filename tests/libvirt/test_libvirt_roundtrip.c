/* SPDX-License-Identifier: MIT */
/*
 * host-model round trip on every shared CPUID dump: the host's default
 * featureset decoded into a libvirt <cpu>, that XML parsed and translated
 * back, gives exactly the host's featureset restricted to what libvirt can
 * name.  Also: the decode is deterministic and picks a cheapest model by
 * the documented rule, and a host that is exactly a model decodes to it.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../helpers/lv-translate.h"
#include "../helpers/shared-data.h"

#define W XFS_NR_WORDS

/* The rule, computed here from the map's own data. */
static unsigned int rule_cost(const struct xlc_lv_model *m,
                              const uint32_t *fs)
{
    unsigned int cost = 0;

    for (size_t f = 0; f < xlc_cpu_map_nr_features(lvtr_map); f++) {
        const struct xlc_lv_feature *feat =
            xlc_cpu_map_feature_at(lvtr_map, f);
        bool listed = false, has;

        if (!feat->expressible)
            continue;
        for (size_t i = 0; i < m->nr_features; i++)
            listed = listed || m->features[i] == f;
        has = xfs_subset(feat->xen, W, fs, W);
        cost += (has && !listed) ? 1 : (!has && listed) ? 2 : 0;
    }
    return cost;
}

static void check_best(const struct xlc_lv_decoded *d, const uint32_t *fs)
{
    assert_int_equal(d->cost, rule_cost(d->model, fs));
    for (size_t i = 0; i < xlc_cpu_map_nr_models(lvtr_map); i++) {
        const struct xlc_lv_model *m = xlc_cpu_map_model_at(lvtr_map, i);

        if (!m->decode_host ||
            (m->vendor && (!d->vendor || strcmp(m->vendor, d->vendor->name))))
            continue;
        if (rule_cost(m, fs) < d->cost)
            fail_msg("%s costs %u, less than chosen %s (%u)", m->name,
                     rule_cost(m, fs), d->model->name, d->cost);
    }
}

static void round_trip(const char *path, enum xlc_guest_type type,
                       unsigned int *done)
{
    struct xlc_lv_translation *t;
    struct xlc_lv_decoded *d, *again;
    struct xlc_cpuid_dump *dump;
    struct xlc_lv_cpu *cpu;
    struct xlc_lv_host h;
    xlc_error err = { 0 };
    uint32_t want[W];
    char *xml, *xml2;

    if (xlc_dump_load(path, &dump, &err))
        fail_msg("%s", err.msg);
    if (!xlc_lv_host_from_dump(&h, type, dump, NULL)) {
        /* Only HVM can be unusable: a CPU without VMX or SVM. */
        assert_int_equal(type, XLC_GUEST_HVM);
        assert_false(xfs_test(h.host, W, XFS_VMX));
        assert_false(xfs_test(h.host, W, XFS_SVM));
        assert_true(xfs_empty(h.def, W));
        (*done)++;
        xlc_dump_free(dump);
        return;
    }
    if (xlc_lv_decode(lvtr_map, &h, h.def, &d, &err))
        fail_msg("%s (%s): %s", path, xlc_guest_type_name(type), err.msg);
    check_best(d, h.def);
    assert_int_equal(xlc_lv_decode(lvtr_map, &h, h.def, &again, &err), 0);
    xml = xlc_lv_decoded_xml(d);
    xml2 = xlc_lv_decoded_xml(again);
    assert_string_equal(xml, xml2);
    if (xlc_lv_cpu_parse("host-model.xml", xml, strlen(xml), &cpu, &err))
        fail_msg("%s: %s", path, err.msg);
    if (xlc_lv_translate(lvtr_map, cpu, &h, type, &t, &err))
        fail_msg("%s (%s): %s\n%s", path, xlc_guest_type_name(type),
                 err.msg, xml);
    xfs_and(want, W, h.def, W, xlc_cpu_map_nameable(lvtr_map), W);
    if (!xfs_equal(t->fs, W, want, W))
        fail_msg("%s (%s): round trip differs\n%s", path,
                 xlc_guest_type_name(type), xml);
    assert_int_equal(t->verdict, XLC_LV_IDENTICAL);
    (*done)++;
    xlc_lv_translation_free(t);
    xlc_lv_cpu_free(cpu);
    free(xml);
    free(xml2);
    xlc_lv_decoded_free(d);
    xlc_lv_decoded_free(again);
    xlc_dump_free(dump);
}

static void round_trip_both(void *ctx, const char *path, const char *file)
{
    (void)file;
    round_trip(path, XLC_GUEST_PV, ctx);
    round_trip(path, XLC_GUEST_HVM, ctx);
}

static void every_dump_round_trips(void **state)
{
    unsigned int files, done = 0;

    (void)state;
    files = shared_each_dump(round_trip_both, &done);
    assert_int_equal(files, 40);
    assert_int_equal(done, 2 * files);
}

/* A host that is exactly a model decodes to a model with its bits. */
static void models_decode_to_themselves(void **state)
{
    (void)state;
    for (size_t i = 0; i < xlc_cpu_map_nr_models(lvtr_map); i++) {
        const struct xlc_lv_model *m = xlc_cpu_map_model_at(lvtr_map, i);
        const struct xlc_lv_vendor *v =
            m->vendor ? xlc_cpu_map_vendor(lvtr_map, m->vendor) : NULL;
        struct xlc_lv_host h = { .vendor = "" };
        struct xlc_lv_decoded *d;
        xlc_error err = { 0 };

        if (!m->decode_host)
            continue;
        if (v)
            memcpy(h.vendor, v->string, sizeof(h.vendor));
        if (xlc_lv_decode(lvtr_map, &h, m->xen, &d, &err))
            fail_msg("%s: %s", m->name, err.msg);
        assert_int_equal(d->cost, 0);
        if (!xfs_equal(d->model->xen, W, m->xen, W))
            fail_msg("%s decoded as %s", m->name, d->model->name);
        xlc_lv_decoded_free(d);
    }
}

static void empty_set_is_refused(void **state)
{
    struct xlc_lv_host h = { .vendor = "GenuineIntel" };
    struct xlc_lv_decoded *d;
    xlc_error err = { 0 };

    (void)state;
    assert_true(xlc_lv_decode(lvtr_map, &h, h.def, &d, &err) < 0);
    assert_non_null(strstr(err.msg, "empty"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_dump_round_trips),
        cmocka_unit_test(models_decode_to_themselves),
        cmocka_unit_test(empty_set_is_refused),
    };
    return cmocka_run_group_tests(tests, lvtr_setup, lvtr_teardown);
}
