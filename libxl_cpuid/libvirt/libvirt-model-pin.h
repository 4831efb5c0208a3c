/* SPDX-License-Identifier: MIT */
/*
 * Model pins: what a named libvirt CPU model meant when it was used, so
 * that a cpu_map update that changes the name's meaning is seen before a
 * guest restarts with a different CPU.
 *
 * A PIN records, for one model of a loaded cpu_map:
 *   model      its name;
 *   cpu_map    the directory it came from (its absolute path), and file,
 *              the model's file in it (relative to the directory);
 *   parents    the models it inherits from (<model name=.../> inside the
 *              model), nearest first;
 *   vendor     its vendor name, or none;
 *   libvirt    the libvirt version, when what libvirt installs beside the
 *              data says it (xlc_cpu_map_libvirt_version); advisory, never
 *              part of the hash or of a comparison;
 *   features   the EXPANSION: every feature of the model resolved through
 *              its parents and removals, by libvirt's name, each with the
 *              bits its definition in x86_features.xml sets: CPUID
 *              leaf/subleaf/register/bit, or MSR index/half/bit;
 *   sha256     the fingerprint: SHA-256 of the canonical text below.
 *
 * THE CANONICAL TEXT (version 1) is what the model gives a guest's CPUID,
 * nothing else: one line per bit of every feature of the expansion,
 *     "cpuid LLLLLLLL SSSSSSSS REG BB\n"   (REG eax, ebx, ecx or edx)
 *     "msr IIIIIIII HALF BB\n"             (HALF eax = low, edx = high
 *                                           32 bits, libvirt's names)
 * with L, S and I eight lower-case hex digits (a leaf without ecx_in has
 * subleaf 00000000, as libvirt reads it), BB the bit in two decimal
 * digits; the lines sorted bytewise, duplicates once, after the header
 * line "xen-cpuid model pin 1\n".  So the hash changes when a feature is
 * added to or removed from the model (directly or through a parent) or
 * when a feature the model uses gets other coordinates in
 * x86_features.xml; it does not change when only names, files, parents,
 * the vendor, signatures or decode hints change: those do not change what
 * a guest sees (Xen always shows the host's vendor).  Anyone can recompute
 * it from a pin's JSON (`sha256sum` of the text).
 */
#ifndef LIBXL_CPUID_LIBVIRT_MODEL_PIN_H
#define LIBXL_CPUID_LIBVIRT_MODEL_PIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../../xen/lib/featureset.h"
#include "../util/error.h"
#include "../util/sha256.h"
#include "../util/strbuf.h"
#include "../cpumap/libvirt-cpumap.h"

#define XLC_PIN_CANONICAL_HEADER "xen-cpuid model pin 1\n"

/* One bit of a feature's definition. */
struct xlc_pin_bit {
    enum xfs_word_source src;  /* CPUID or MSR */
    uint32_t leaf;             /* CPUID leaf, or MSR index */
    uint32_t subleaf;          /* XFS_NO_SUBLEAF when ecx_in is not given */
    enum xfs_reg reg;          /* EAX..EDX, or MSR_LO / MSR_HI */
    unsigned int bit;          /* 0..31 */
};

struct xlc_pin_feature {
    char *name;                /* libvirt's canonical name */
    struct xlc_pin_bit *bits;  /* in definition order */
    size_t nr_bits;
};

struct xlc_model_pin {
    char *model;
    char *cpu_map;
    char *file;
    char **parents;
    size_t nr_parents;
    char *vendor;                  /* NULL: none */
    char *libvirt_version;         /* NULL: the data does not say */
    char *libvirt_version_from;    /* the file that said it */
    char sha256[XLC_SHA256_HEX];
    struct xlc_pin_feature *features;  /* sorted by name */
    size_t nr_features;
    void *arena;   /* made from a map: the features' names and bits */
    size_t model_hash;  /* xlc_str_hash(model), set as a set takes it */
};

/* One feature of a map as a pin holds it (-ENOMEM or 0; clear it). */
int xlc_pin_feature_from_map(const struct xlc_lv_feature *f,
                             struct xlc_pin_feature *out);
void xlc_pin_feature_clear(struct xlc_pin_feature *f);

/* The pin of model m of map (m must be one of map's models). */
int xlc_model_pin_make(const struct xlc_cpu_map *map,
                       const struct xlc_lv_model *m,
                       struct xlc_model_pin **out, xlc_error *err);
void xlc_model_pin_free(struct xlc_model_pin *p);

/* The canonical text of a feature list (malloc'd, NULL without memory),
 * and its SHA-256 in hex (-ENOMEM or 0). */
char *xlc_pin_canonical(const struct xlc_pin_feature *f, size_t n);
int xlc_pin_hash(const struct xlc_pin_feature *f, size_t n,
                 char out[XLC_SHA256_HEX]);

/*
 * What Xen's featureset makes of a feature (this build's feature list):
 * its bits into fs (OR-ed), true when every bit of it is a feature Xen
 * knows; false (fs untouched) when Xen cannot express it, as the cpu_map
 * loader decides for the map's own features.
 */
bool xlc_pin_feature_xen(const struct xlc_pin_feature *f,
                         uint32_t fs[XFS_NR_WORDS]);
/* The Xen name of an expressible feature (its first bit), or NULL. */
const char *xlc_pin_feature_xen_name(const struct xlc_pin_feature *f);
/* Every expressible feature's bits: what the model gives Xen's guest. */
void xlc_model_pin_xen(const struct xlc_model_pin *p,
                       uint32_t fs[XFS_NR_WORDS]);
/* "CPUID 0x7.0 EBX bit 9", "CPUID 0x1 EDX bit 0", "MSR 0x10a EAX bit 0"
 * (the cpu_map loader's spelling, xlc_lv_coord_str). */
const char *xlc_pin_bit_str(const struct xlc_pin_bit *b, char *buf,
                            size_t size);
/* The same into out (XLC_LV_COORD_MAX bytes), never truncated; returns
 * its length. */
size_t xlc_pin_bit_put(const struct xlc_pin_bit *b, char *out);
/* Two features with the same bits (order and a given-vs-absent subleaf 0
 * aside): the same meaning. */
bool xlc_pin_feature_same_bits(const struct xlc_pin_feature *a,
                               const struct xlc_pin_feature *b);

/*
 * The libvirt version of a cpu_map directory, when what libvirt installs
 * says it.  cpu_map files carry no version, and a package manager's
 * version describes a package, not these files.  What does: the library
 * libvirt installs under the same prefix, whose real name carries
 * libvirt's version (libvirt.so.0.MMMmmm.u for M.m.u, MMMmmm = M * 1000 +
 * m).  So for DIR = PREFIX/share/libvirt/cpu_map the first of
 * PREFIX/lib/TRIPLET/libvirt.so.0.*, PREFIX/lib64/... and PREFIX/lib/...
 * gives it; any other directory (a copy) has none.  *version and *from
 * are malloc'd, or both NULL (returns 0); -ENOMEM.
 */
int xlc_cpu_map_libvirt_version(const char *dir, char **version,
                                char **from);

/* ---- sets of pins: the named models one output relied on ---- */

struct xlc_pin_origin;

struct xlc_model_pins {
    struct xlc_model_pin **v;
    size_t n;
    char *stream_sha256;       /* a stream's pin file: the stream's hash */
    /* Where the last map pinned lives (its resolved directory and libvirt
     * version, found once for the set): private to _add. */
    struct xlc_pin_origin *origin;
};

/* Pin m into s unless a pin of that name is there already. */
int xlc_model_pins_add(struct xlc_model_pins *s, const struct xlc_cpu_map *map,
                       const struct xlc_lv_model *m, xlc_error *err);
/* Take ownership of p (freed on failure). */
int xlc_model_pins_take(struct xlc_model_pins *s, struct xlc_model_pin *p,
                        xlc_error *err);
const struct xlc_model_pin *xlc_model_pins_find(const struct xlc_model_pins *s,
                                                const char *model);
void xlc_model_pins_free(struct xlc_model_pins *s);

/* ---- the JSON and text forms (libvirt-model-pin-json.c) ---- */

/*
 * A pin as a JSON object (the format the reader takes back):
 *   {"model": S, "cpu_map": S, "file": S, "parents": [S...],
 *    "vendor": S|null, "libvirt_version": S|null,
 *    "libvirt_version_from": S|null, "sha256": S,
 *    "featureset": "xxxxxxxx:...",      (what Xen makes of it; advisory)
 *    "features": [{"name": S, "xen": S|null,
 *                  "bits": [{"cpuid": "0x00000007", "subleaf": "0x0"|null,
 *                            "reg": "ebx", "bit": 9}
 *                         | {"msr": "0x0000010a", "half": "low"|"high",
 *                            "bit": 0}, ...]}, ...]}
 * indent: the indentation of the lines inside the object.
 */
void xlc_model_pin_json(struct xlc_buf *b, const struct xlc_model_pin *p,
                        const char *indent);
/* "[pin, ...]" (indent as above, for the pins). */
void xlc_model_pins_json(struct xlc_buf *b, const struct xlc_model_pins *s,
                         const char *indent);
/*
 * A pin in words, every line starting with `lead`:
 *   model pin: NAME
 *     file:     FILE in DIR
 *     libvirt:  VERSION (from PATH) | not stated by the data
 *     parents:  A <- B | none
 *     sha256:   HEX
 *     features: N (M Xen can express):
 *       NAME  CPUID 0x7.0 EBX bit 9  Xen ERMS
 */
void xlc_model_pin_text(struct xlc_buf *b, const struct xlc_model_pin *p,
                        const char *lead);

/*
 * Read the pins of a JSON document: any object whose top level has a
 * "model_pins" array (what `model`, `host-model`, `level` and `record
 * --json` print, and a stream's pin file); "stream_sha256" is read when
 * present.  Each pin is checked: known keys only, at most 256 pins, 4096
 * features, 64 bits a feature, and its sha256 recomputed (a pin whose
 * features do not give its sha256 is refused).  Messages name the
 * document and the JSON path.
 */
int xlc_model_pins_parse(const char *name, const char *text, size_t len,
                         struct xlc_model_pins *out, xlc_error *err);
/* The same from a file (at most 64 MiB). */
int xlc_model_pins_load(const char *path, struct xlc_model_pins *out,
                        xlc_error *err);

/* ---- comparing a pin with today's cpu_map (libvirt-model-pin-compare.c) ---- */

/*
 * What changed in a pinned model's meaning.  Features are matched by
 * name; one whose name is gone while a feature new to the model has the
 * same bits is renamed, not removed and added.
 */
enum xlc_pin_change_kind {
    XLC_PIN_MODEL_GONE,      /* the model is not in today's map */
    XLC_PIN_ADDED,           /* today's model has a feature it lacked */
    XLC_PIN_REMOVED,         /* it lacks a feature it had */
    XLC_PIN_MOVED,           /* a feature's coordinates changed */
    XLC_PIN_RENAMED,         /* the same bits under another name */
    XLC_PIN_PARENT,          /* the parent chain changed */
    XLC_PIN_FILE,            /* defined in another file */
    XLC_PIN_VENDOR,          /* another vendor */
};

struct xlc_pin_change {
    enum xlc_pin_change_kind kind;
    char *feature;           /* the libvirt feature (renamed: the pinned
                                name), or NULL */
    char *text;              /* the change in words */
    bool xen;                /* it changes what a Xen guest sees */
};

/*
 * The verdict: IDENTICAL when the hash is the same (the guest's CPU is
 * too; names, files, parents may still have changed); SAME_FOR_XEN when
 * only features Xen's featureset cannot express changed (Xen alone
 * decides those); CHANGED when a guest of the model would start with
 * other Xen features than it had; GONE when the model is not in today's
 * map (a guest defined with it cannot start).
 */
enum xlc_pin_verdict {
    XLC_PIN_IDENTICAL,
    XLC_PIN_SAME_FOR_XEN,
    XLC_PIN_CHANGED,
    XLC_PIN_GONE,
};

struct xlc_pin_diff {
    const struct xlc_model_pin *then;   /* the pin compared (borrowed) */
    struct xlc_model_pin *now;          /* today's pin, NULL when GONE */
    char *nearest;                      /* GONE: today's nearest model */
    enum xlc_pin_verdict verdict;
    uint32_t lost[XFS_NR_WORDS];        /* Xen features the pin had and
                                           today's model lacks */
    uint32_t gained[XFS_NR_WORDS];      /* and the other way round */
    struct xlc_pin_change *changes;     /* in the order above: model,
                                           parent/file/vendor, features by
                                           name */
    size_t nr_changes;
};

int xlc_model_pin_compare(const struct xlc_model_pin *then,
                          const struct xlc_cpu_map *today,
                          struct xlc_pin_diff **out, xlc_error *err);
void xlc_pin_diff_free(struct xlc_pin_diff *d);
/* "identical", "same-for-xen", "changed", "removed". */
const char *xlc_pin_verdict_name(enum xlc_pin_verdict v);
/* "model-removed", "added", "removed", "coordinates", "renamed",
 * "parent", "file", "vendor". */
const char *xlc_pin_change_kind_name(enum xlc_pin_change_kind k);

#endif /* LIBXL_CPUID_LIBVIRT_MODEL_PIN_H */
