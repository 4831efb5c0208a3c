/* SPDX-License-Identifier: MIT */
/*
 * Internal to the cpu_map loader: what is kept between reading the files
 * and resolving the models (features may be defined after the models that
 * use them, as in libvirt).
 */
#ifndef LIBXL_CPUID_LIBVIRT_CPUMAP_INT_H
#define LIBXL_CPUID_LIBVIRT_CPUMAP_INT_H

#include <libxml/tree.h>

#include "libvirt-cpumap.h"

struct xlc_lv_name_slot;

/*
 * A file the map was read from, as stat() saw it just before it was read:
 * what the cache (libvirt-cpumap-cache.c) is keyed by.
 */
struct xlc_lv_file_id {
    char *name;              /* inside the map directory */
    uint64_t dev, ino, size;
    int64_t mtime_s, mtime_ns, ctime_s, ctime_ns;
};

struct xlc_cpu_map {
    char *dir;
    struct xlc_lv_file_id *files;  /* index.xml, then the includes read */
    size_t nr_files;
    /* Loaded from a cache: names, aliases, coordinates, files and the
     * models' lists live in this one block (see xlc_cpu_map_free). */
    void *arena;
    struct xlc_lv_vendor *vendors;
    size_t nr_vendors;
    struct xlc_lv_feature *features;
    size_t nr_features;
    struct xlc_lv_model *models;
    size_t nr_models;
    uint32_t nameable[XFS_NR_WORDS];
    /*
     * Every feature name and alias -> its feature, built once the map is
     * complete (NULL before, or when memory ran out: lookups then walk the
     * features).
     */
    struct xlc_lv_name_slot *index;
    size_t index_cap;        /* a power of two */
    /* The same for model names (built with it; a level looks up the
     * model of every host). */
    struct xlc_lv_name_slot *model_index;
    size_t model_index_cap;
};

/* Internal: not exported from libxl_cpuid.so. */
#pragma GCC visibility push(hidden)

/* A feature named inside a model, resolved once every file is read. */
struct lv_ref {
    char *name;
    long line;
    bool removed;
};

struct lv_raw_model {
    struct lv_ref *refs;
    size_t nr_refs, cap_refs;
    long parent_line, vendor_line;
};

struct lv_loader {
    struct xlc_cpu_map *map;
    size_t cap_vendors, cap_features, cap_models, cap_raw, cap_files;
    struct lv_raw_model *raw;      /* parallel to map->models */
};

int xlc_lv_parse_vendor(struct lv_loader *ld, const xmlNode *n,
                        xlc_error *err);
int xlc_lv_parse_feature(struct lv_loader *ld, const xmlNode *n,
                         xlc_error *err);
int xlc_lv_parse_model(struct lv_loader *ld, const xmlNode *n,
                       xlc_error *err);
/* Bind model references, follow parents, compute each model's bits. */
int xlc_lv_resolve_models(struct lv_loader *ld, xlc_error *err);

/*
 * Index the complete map's feature names and aliases for
 * xlc_cpu_map_feature(), and its model names for xlc_cpu_map_model().
 * Without memory there is no index, and lookups stay correct, only
 * slower.
 */
void xlc_cpu_map_build_index(struct xlc_cpu_map *m);

/* Fill f->xen / expressible / why from f->coords. Returns -ENOMEM or 0. */
int xlc_lv_map_coords(struct xlc_lv_feature *f);
/* The pieces of that mapping, for code that maps single bits (model
 * pins): the featureset word holding c's register, or -1; and the
 * featureset value of bit `bit` of word `word` when it is a feature Xen
 * knows, else -1 (word -1 included). */
int xlc_lv_coord_word(const struct xlc_lv_coord *c);
int xlc_lv_bit_value(int word, unsigned int bit);

/* xlc_lv_coord_str's text into out (NUL-terminated, never truncated);
 * returns its length.  The spelling's one home; no printf, as reports
 * spell thousands of coordinates (XLC_LV_COORD_MAX: libvirt-cpumap.h). */
size_t xlc_lv_coord_put(const struct xlc_lv_coord *c, unsigned int bit,
                        char out[XLC_LV_COORD_MAX]);

/* Record DIR/name's identity in map->files (before reading it): 0, or
 * -ENOMEM (a file that cannot be stat()ed is recorded as such and keeps
 * the map from being cached). */
int xlc_lv_record_file(struct lv_loader *ld, const char *name);
/* DIR/f[i].name is still the file recorded, for each of the n (stat()ed
 * and identical). */
bool xlc_lv_files_same(const char *dir, const struct xlc_lv_file_id *f,
                       size_t n);
/* Every file recorded in m is unchanged; false with *why otherwise. */
bool xlc_lv_files_unchanged(const struct xlc_cpu_map *m, const char **why);

/*
 * Decode a cpu_map cache image held in memory (header, checksum and every
 * structure check) into *out, without comparing the recorded files with
 * the files on disk: the cache's reader does that next.  dir: the map
 * directory the image must have been written for, NULL for any.  0, or
 * -EINVAL / -ENOMEM with *why saying what was wrong.
 */
int xlc_cpu_map_from_image_bytes(const char *dir, const unsigned char *img,
                                 size_t len, struct xlc_cpu_map **out,
                                 const char **why);
/* The checksum of an image's body, and an image's header made to fit its
 * body (this format, the body's length, its checksum): what the writer
 * puts there, for tests and fuzzing that alter a body. */
uint64_t xlc_cpu_map_image_sum(const unsigned char *body, size_t len);
void xlc_cpu_map_image_seal(unsigned char *img, size_t len);

void xlc_lv_feature_clear(struct xlc_lv_feature *f);
void xlc_lv_model_clear(struct xlc_lv_model *m);

#pragma GCC visibility pop

#endif /* LIBXL_CPUID_LIBVIRT_CPUMAP_INT_H */
