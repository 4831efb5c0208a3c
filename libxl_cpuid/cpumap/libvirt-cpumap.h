/* SPDX-License-Identifier: MIT */
/*
 * libvirt's x86 CPU map (index.xml and the files it includes), read into
 * memory and mapped onto Xen's featureset.
 *
 * A libvirt feature is defined by CPUID or MSR coordinates (leaf, subleaf,
 * register, bit mask).  We map it to featureset bits through those
 * coordinates only: the word whose leaf/subleaf/register match, and for
 * each bit the feature Xen knows at that position.  Names are never
 * compared.  A feature is "expressible" when every one of its bits lands
 * on a feature Xen knows; the others are kept, with the reason, so callers
 * can list what Xen's featureset cannot say.
 */
#ifndef LIBXL_CPUID_LIBVIRT_CPUMAP_H
#define LIBXL_CPUID_LIBVIRT_CPUMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../../xen/lib/featureset.h"
#include "../util/error.h"

#define XLC_CPU_MAP_DEFAULT_DIR "/usr/share/libvirt/cpu_map"

/* One <cpuid> or <msr> register of a feature definition. */
struct xlc_lv_coord {
    enum xfs_word_source src;  /* CPUID or MSR */
    uint32_t leaf;             /* eax_in, or the MSR index */
    uint32_t subleaf;          /* ecx_in; XFS_NO_SUBLEAF when not given */
    enum xfs_reg reg;          /* EAX..EDX, or MSR_LO (eax) / MSR_HI (edx) */
    uint32_t mask;             /* the bits, never 0 */
};

struct xlc_lv_feature {
    char *name;
    char **aliases;            /* <alias name=...> */
    size_t nr_aliases;
    struct xlc_lv_coord *coords;
    size_t nr_coords;
    bool migratable;           /* false for migratable='no' */
    bool expressible;          /* every bit is a feature Xen knows */
    char *why;                 /* when not expressible: the reason */
    uint32_t xen[XFS_NR_WORDS];/* the featureset bits (expressible ones) */
    char *file;                /* where it was defined */
    long line;
};

struct xlc_lv_signature {
    uint32_t family, model;
    bool any_stepping;
    uint32_t steppings;        /* bit s set: stepping s matches (s < 32) */
};

struct xlc_lv_model {
    char *name;
    char *vendor;              /* libvirt vendor name (map->vendors), or NULL */
    char *parent;              /* <model name=.../> inside the model, or NULL */
    bool decode_host, decode_guest; /* <decode host= guest=> (default on) */
    struct xlc_lv_signature *sigs;
    size_t nr_sigs;
    size_t *own;               /* features listed here (map indices) */
    size_t nr_own;
    size_t *removed;           /* <feature removed='yes'>: not in the model */
    size_t nr_removed;
    /* Resolved through the parents: every feature of the model, sorted. */
    size_t *features;
    size_t nr_features;
    uint32_t xen[XFS_NR_WORDS];/* bits of its expressible features */
    char *file;
    long line;
};

struct xlc_lv_vendor {
    char *name;                /* "Intel" */
    char string[13];           /* "GenuineIntel" */
};

/*
 * The loaded map, opaque: read it through the accessors below.  Features
 * and models are numbered in map order (a model's features[] are such
 * numbers); what the accessors return lives as long as the map.
 */
struct xlc_cpu_map;

/* Load DIR/index.xml and its x86 includes; dir NULL = the default. */
int xlc_cpu_map_load(const char *dir, struct xlc_cpu_map **out,
                     xlc_error *err);
/*
 * One document held in memory, a <cpus> element with <vendor>, <feature>
 * and <model> children (the content of the x86 include files together);
 * `name` is used in messages.  For tests and fuzzing.
 */
int xlc_cpu_map_parse(const char *name, const char *text, size_t len,
                      struct xlc_cpu_map **out, xlc_error *err);
void xlc_cpu_map_free(struct xlc_cpu_map *map);

/*
 * The same map through a cache file: the map compiled into a compact
 * image, read instead of the XML while every file the map was read from
 * (index.xml and its includes) is the same file as when the image was
 * made -- same device, inode, size, modification and change times, all
 * recorded in it.  The image is checked before use (format, checksum,
 * every name, count and index within bounds, names unique); the bits of
 * every feature and model are recomputed from its coordinates, as a load
 * from XML does, so an image written by another build is still right.  A
 * cache file that is missing, stale, not a regular file, not owned by the
 * caller, writable by others or malformed is ignored: the map is read
 * from the XML and the image written (atomically) for next time, when the
 * files did not change during the read.  Failing to write is not an
 * error.
 *
 * cache: the file; NULL: xlc_cpu_map_cache_default(dir); "none": no
 * cache (a plain xlc_cpu_map_load).  *how (may be NULL) says what
 * happened, with the reason when the cache could not be used or written.
 */
enum xlc_cpu_map_cache_use {
    XLC_CPU_MAP_CACHE_OFF,       /* no cache asked for (or no path) */
    XLC_CPU_MAP_CACHE_HIT,       /* read from the image */
    XLC_CPU_MAP_CACHE_WRITTEN,   /* read from XML, image written */
    XLC_CPU_MAP_CACHE_UNWRITTEN, /* read from XML, image not written */
};
struct xlc_cpu_map_cache_info {
    enum xlc_cpu_map_cache_use use;
    char path[4096];             /* the cache file, when there is one */
    char why[512];               /* HIT: empty; else why not read/written */
};
int xlc_cpu_map_load_cached(const char *dir, const char *cache,
                            struct xlc_cpu_map **out,
                            struct xlc_cpu_map_cache_info *how,
                            xlc_error *err);
/*
 * The default cache file of a map directory (NULL: the default one):
 * $XDG_CACHE_HOME/xen-cpuid/cpu_map-HASH.bin, $XDG_CACHE_HOME defaulting
 * to $HOME/.cache, HASH a hash of the directory's name.  False (buf
 * empty) when neither variable gives an absolute directory.
 */
bool xlc_cpu_map_cache_default(const char *dir, char *buf, size_t size);

/* The directory it was loaded from (or the name given to _parse). */
const char *xlc_cpu_map_dir(const struct xlc_cpu_map *m);
size_t xlc_cpu_map_nr_vendors(const struct xlc_cpu_map *m);
const struct xlc_lv_vendor *xlc_cpu_map_vendor_at(const struct xlc_cpu_map *m,
                                                  size_t i);
size_t xlc_cpu_map_nr_features(const struct xlc_cpu_map *m);
const struct xlc_lv_feature *
xlc_cpu_map_feature_at(const struct xlc_cpu_map *m, size_t i);
size_t xlc_cpu_map_nr_models(const struct xlc_cpu_map *m);
const struct xlc_lv_model *xlc_cpu_map_model_at(const struct xlc_cpu_map *m,
                                                size_t i);
/* OR of the bits of every expressible feature: what libvirt can name
 * (XFS_NR_WORDS words). */
const uint32_t *xlc_cpu_map_nameable(const struct xlc_cpu_map *m);

/* Lookups by canonical name or alias (features), by name (models). */
const struct xlc_lv_feature *xlc_cpu_map_feature(const struct xlc_cpu_map *m,
                                                 const char *name);
const struct xlc_lv_model *xlc_cpu_map_model(const struct xlc_cpu_map *m,
                                             const char *name);
const struct xlc_lv_vendor *xlc_cpu_map_vendor(const struct xlc_cpu_map *m,
                                               const char *name);
const struct xlc_lv_vendor *
xlc_cpu_map_vendor_by_string(const struct xlc_cpu_map *m, const char *str);

/* The known name nearest to `name` (edit distance), for error messages. */
const char *xlc_cpu_map_nearest_feature(const struct xlc_cpu_map *m,
                                        const char *name);
const char *xlc_cpu_map_nearest_model(const struct xlc_cpu_map *m,
                                      const char *name);

/* The libvirt feature whose bits are exactly this Xen feature, or NULL. */
const struct xlc_lv_feature *
xlc_cpu_map_feature_for_xen(const struct xlc_cpu_map *m, unsigned int value);

/* Describe a coordinate, e.g. "CPUID 0x6 EAX bit 2" (buf >= 64 bytes;
 * the longest, "CPUID 0xffffffff.4294967295 EDX bit 4294967295", and its
 * NUL take XLC_LV_COORD_MAX). */
#define XLC_LV_COORD_MAX 48
const char *xlc_lv_coord_str(const struct xlc_lv_coord *c, unsigned int bit,
                             char *buf, size_t size);

/* Features Xen's featureset cannot express, in map order (caller frees the
 * array, not the features). */
int xlc_cpu_map_inexpressible(const struct xlc_cpu_map *m,
                              const struct xlc_lv_feature ***out, size_t *nr,
                              xlc_error *err);

#endif /* LIBXL_CPUID_LIBVIRT_CPUMAP_H */
