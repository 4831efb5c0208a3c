/* SPDX-License-Identifier: MIT */
/*
 * Fuzz the cpu_map cache image reader.  The input is resealed (format,
 * body length and checksum) so that mutations get past the header to the
 * structure checks; the file-identity comparison is not reached (it
 * stat()s the map's files).  An image is refused with a reason, or gives a map whose
 * every reference holds and whose lookups find each entry again.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "libxl_cpuid/cpumap/libvirt-cpumap-int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_indices(const size_t *v, size_t n, size_t limit)
{
    for (size_t i = 0; i < n; i++)
        if (v[i] >= limit)
            abort();
}

static void check_features(const struct xlc_cpu_map *m)
{
    size_t nf = xlc_cpu_map_nr_features(m);

    for (size_t i = 0; i < nf; i++) {
        const struct xlc_lv_feature *f = xlc_cpu_map_feature_at(m, i);

        if (!f || !f->name || !f->file || !f->nr_coords ||
            xlc_cpu_map_feature(m, f->name) != f ||
            (!f->expressible && !f->why))
            abort();
        for (size_t a = 0; a < f->nr_aliases; a++)
            if (xlc_cpu_map_feature(m, f->aliases[a]) != f)
                abort();
    }
}

/* A model's parents end within the number of models (no loop). */
static void check_parents(const struct xlc_cpu_map *m,
                          const struct xlc_lv_model *mo)
{
    size_t steps = 0, nm = xlc_cpu_map_nr_models(m);

    for (const struct xlc_lv_model *q = mo; q->parent;
         q = xlc_cpu_map_model(m, q->parent))
        if (!xlc_cpu_map_model(m, q->parent) || ++steps > nm)
            abort();
}

static void check_models(const struct xlc_cpu_map *m)
{
    size_t nm = xlc_cpu_map_nr_models(m), nf = xlc_cpu_map_nr_features(m);

    for (size_t i = 0; i < nm; i++) {
        const struct xlc_lv_model *mo = xlc_cpu_map_model_at(m, i);

        if (!mo || !mo->name || !mo->file ||
            xlc_cpu_map_model(m, mo->name) != mo ||
            (mo->vendor && !xlc_cpu_map_vendor(m, mo->vendor)))
            abort();
        check_parents(m, mo);
        check_indices(mo->own, mo->nr_own, nf);
        check_indices(mo->removed, mo->nr_removed, nf);
        check_indices(mo->features, mo->nr_features, nf);
        for (size_t k = 1; k < mo->nr_features; k++)
            if (mo->features[k] <= mo->features[k - 1])
                abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned char *img = malloc(size + 1);
    struct xlc_cpu_map *m = (struct xlc_cpu_map *)1;
    const char *why = NULL;
    int rc;

    if (!img)
        return 0;
    memcpy(img, data, size);
    /* The header the writer would have put on this body (and this
     * format: older seeds still reach the structure checks). */
    xlc_cpu_map_image_seal(img, size);
    rc = xlc_cpu_map_from_image_bytes(NULL, img, size, &m, &why);
    free(img);
    if (rc) {
        if (m || !why || !why[0])
            abort();
        return 0;
    }
    if (!m || !xlc_cpu_map_dir(m))
        abort();
    for (size_t i = 0; i < xlc_cpu_map_nr_vendors(m); i++) {
        const struct xlc_lv_vendor *v = xlc_cpu_map_vendor_at(m, i);

        if (xlc_cpu_map_vendor(m, v->name) != v || strlen(v->string) != 12)
            abort();
    }
    check_features(m);
    check_models(m);
    xlc_cpu_map_free(m);
    return 0;
}
