/* SPDX-License-Identifier: MIT */
/*
 * Fuzz the libvirt XML readers: every input is read both as a <cpu> (or
 * <domain>) definition and as a one-document cpu_map.  Whatever reads is
 * then translated / decoded, and the results must keep their promises:
 * a runnable translation only holds available features and is closed
 * under deep dependencies; every refusal has a message naming the input.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libxl_cpuid/libvirt/libvirt-translate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define W XFS_NR_WORDS

static struct xlc_cpu_map *installed;
static struct xlc_lv_host everything;

static void init(void)
{
    static int done;
    xlc_error err = { 0 };

    if (done)
        return;
    done = 1;
    /* Without an installed map only the readers are fuzzed. */
    if (xlc_cpu_map_load(NULL, &installed, &err))
        installed = NULL;
    memcpy(everything.vendor, "GenuineIntel", 13);
    memcpy(everything.host, xfs_static_masks[XFS_MASK_KNOWN],
           sizeof(everything.host));
    memcpy(everything.def, xfs_static_masks[XFS_MASK_HVM_HAP_DEF],
           sizeof(everything.def));
    memcpy(everything.max, xfs_static_masks[XFS_MASK_HVM_HAP_MAX],
           sizeof(everything.max));
}

static void refused_well(int rc, const xlc_error *err)
{
    if (rc >= 0 || !err->code || strncmp(err->msg, "fuzz", 4))
        abort();
}

static void check(const struct xlc_lv_translation *t)
{
    uint32_t avail[W];

    if (t->verdict == XLC_LV_INCOMPATIBLE) {
        if (!t->nr_blockers)
            abort();
        return;
    }
    xlc_lv_host_available(&everything, avail);
    if (t->nr_blockers || !xfs_subset(t->fs, W, avail, W) ||
        !xfs_deps_closed(t->fs, W))
        abort();
}

static void as_cpu(const char *text, size_t len)
{
    struct xlc_lv_translation *t;
    struct xlc_lv_cpu *cpu;
    xlc_error err = { 0 };
    int rc = xlc_lv_cpu_parse("fuzz", text, len, &cpu, &err);

    if (rc) {
        refused_well(rc, &err);
        return;
    }
    if (installed && !xlc_lv_evaluate(installed, cpu, &everything,
                                      XLC_GUEST_HVM, &t, &err)) {
        check(t);
        xlc_lv_translation_free(t);
    }
    xlc_lv_cpu_free(cpu);
}

static void as_map(const char *text, size_t len)
{
    struct xlc_lv_decoded *d;
    struct xlc_cpu_map *m;
    xlc_error err = { 0 };
    int rc = xlc_cpu_map_parse("fuzz", text, len, &m, &err);

    if (rc) {
        refused_well(rc, &err);
        return;
    }
    for (size_t i = 0; i < xlc_cpu_map_nr_models(m) && i < 8; i++) {
        const char *name = xlc_cpu_map_model_at(m, i)->name;
        struct xlc_lv_translation *t;
        struct xlc_lv_cpu *cpu;
        char xml[256];

        if (strlen(name) > 128 || strpbrk(name, "<&"))
            continue;
        snprintf(xml, sizeof(xml), "<cpu><model>%s</model></cpu>",
                 name);
        if (xlc_lv_cpu_parse("fuzz", xml, strlen(xml), &cpu, &err))
            continue;
        if (!xlc_lv_evaluate(m, cpu, &everything, XLC_GUEST_HVM, &t, &err)) {
            check(t);
            xlc_lv_translation_free(t);
        }
        xlc_lv_cpu_free(cpu);
    }
    if (!xlc_lv_decode(m, &everything, everything.def, &d, &err)) {
        free(xlc_lv_decoded_xml(d));
        xlc_lv_decoded_free(d);
    }
    xlc_cpu_map_free(m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    init();
    as_cpu((const char *)data, size);
    as_map((const char *)data, size);
    return 0;
}
