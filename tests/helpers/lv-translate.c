/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lv-translate.h"
#include "shared-data.h"

#define W XFS_NR_WORDS

struct xlc_cpu_map *lvtr_map;

int lvtr_setup(void **state)
{
    xlc_error err = { 0 };

    (void)state;
    return xlc_cpu_map_load(NULL, &lvtr_map, &err);
}

int lvtr_teardown(void **state)
{
    (void)state;
    xlc_cpu_map_free(lvtr_map);
    lvtr_map = NULL;
    return 0;
}

void lvtr_host(const char *dump, enum xlc_guest_type type,
                struct xlc_lv_host *h)
{
    struct xlc_cpuid_dump *d;
    xlc_error err = { 0 };
    char path[4096];

    snprintf(path, sizeof(path), "%s/cpuid/instlatx64/%s.xml", shared_dir(),
             dump);
    if (xlc_dump_load(path, &d, &err))
        fail_msg("%s", err.msg);
    assert_true(xlc_lv_host_from_dump(h, type, d, NULL));
    xlc_dump_free(d);
}

struct xlc_lv_cpu *lvtr_cpu(const char *xml)
{
    struct xlc_lv_cpu *cpu;
    xlc_error err = { 0 };

    if (xlc_lv_cpu_parse("g.xml", xml, strlen(xml), &cpu, &err))
        fail_msg("%s", err.msg);
    return cpu;
}

struct xlc_lv_translation *lvtr_eval(const char *xml,
                                      const struct xlc_lv_host *h,
                                      enum xlc_guest_type type)
{
    struct xlc_lv_cpu *cpu = lvtr_cpu(xml);
    struct xlc_lv_translation *t;
    xlc_error err = { 0 };

    if (xlc_lv_evaluate(lvtr_map, cpu, h, type, &t, &err))
        fail_msg("%s", err.msg);
    xlc_lv_cpu_free(cpu);
    return t;
}

void lvtr_fails(const char *xml, const struct xlc_lv_host *h,
                           enum xlc_guest_type type, const char *want1,
                           const char *want2)
{
    struct xlc_lv_cpu *cpu = lvtr_cpu(xml);
    struct xlc_lv_translation *t = NULL;
    xlc_error err = { 0 };

    assert_int_equal(xlc_lv_translate(lvtr_map, cpu, h, type, &t, &err),
                     -EINVAL);
    assert_null(t);
    if (!strstr(err.msg, want1) || (want2 && !strstr(err.msg, want2)))
        fail_msg("error '%s' lacks '%s' / '%s'", err.msg, want1,
                 want2 ? want2 : "");
    xlc_lv_cpu_free(cpu);
}

size_t lvtr_count_notes(const struct xlc_lv_translation *t,
                         enum xlc_lv_note_kind k)
{
    size_t n = 0;

    for (size_t i = 0; i < t->nr_notes; i++)
        n += t->notes[i].kind == k;
    return n;
}

const struct xlc_lv_note *lvtr_note_for(const struct xlc_lv_translation *t,
                                         enum xlc_lv_note_kind k,
                                         const char *xen)
{
    for (size_t i = 0; i < t->nr_notes; i++)
        if (t->notes[i].kind == k && t->notes[i].xen_name &&
            !strcmp(t->notes[i].xen_name, xen))
            return &t->notes[i];
    return NULL;
}

bool lvtr_blocked(const struct xlc_lv_translation *t,
                   enum xlc_lv_block_kind k, const char *lv, const char *xen)
{
    for (size_t i = 0; i < t->nr_blockers; i++) {
        const struct xlc_lv_blocker *b = &t->blockers[i];

        if (b->kind == k && (!lv || (b->lv_name && !strcmp(b->lv_name, lv))) &&
            (!xen || (b->xen_name && !strcmp(b->xen_name, xen))))
            return true;
    }
    return false;
}

const uint32_t *lvtr_model_bits(const char *name)
{
    const struct xlc_lv_model *m = xlc_cpu_map_model(lvtr_map, name);

    assert_non_null(m);
    return m->xen;
}

void lvtr_model_on(const char *name, const struct xlc_lv_host *h,
                    uint32_t want[W])
{
    xfs_and(want, W, h->def, W, xfs_static_masks[XFS_MASK_PLATFORM], W);
    xfs_or(want, W, want, W, lvtr_model_bits(name), W);
}
