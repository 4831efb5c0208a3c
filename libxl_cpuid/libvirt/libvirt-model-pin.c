/* SPDX-License-Identifier: MIT */
/*
 * A model's pin from a loaded cpu_map: the expansion, the canonical text
 * and its hash, the parent chain, the libvirt version (the rules are in
 * libvirt-model-pin.h).
 */
#include <errno.h>
#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../cpumap/libvirt-cpumap-int.h"
#include "../util/digits.h"
#include "libvirt-model-pin.h"

static int oom(xlc_error *err)
{
    return xlc_fail(err, ENOMEM, "out of memory");
}

/* ---- one feature's bits ---- */

/* How many bits a map feature sets, and those bits into out, in the order
 * of its coordinates, lowest bit first. */
static size_t nr_bits_of(const struct xlc_lv_feature *f)
{
    size_t n = 0;

    for (size_t i = 0; i < f->nr_coords; i++)
        n += (size_t)__builtin_popcount(f->coords[i].mask);
    return n;
}

static size_t bits_of(const struct xlc_lv_feature *f, struct xlc_pin_bit *out)
{
    size_t n = 0;

    for (size_t i = 0; i < f->nr_coords; i++) {
        const struct xlc_lv_coord *c = &f->coords[i];

        for (uint32_t mask = c->mask; mask; mask &= mask - 1)
            out[n++] = (struct xlc_pin_bit){
                c->src, c->leaf, c->subleaf, c->reg,
                (unsigned int)__builtin_ctz(mask) };
    }
    return n;
}

int xlc_pin_feature_from_map(const struct xlc_lv_feature *f,
                             struct xlc_pin_feature *out)
{
    out->name = strdup(f->name);
    out->bits = calloc(nr_bits_of(f) + 1, sizeof(*out->bits));
    if (!out->name || !out->bits)
        return -ENOMEM;
    out->nr_bits = bits_of(f, out->bits);
    return 0;
}

void xlc_pin_feature_clear(struct xlc_pin_feature *f)
{
    free(f->name);
    free(f->bits);
    memset(f, 0, sizeof(*f));
}

/* ---- the canonical text ---- */

static const char *const reg_word[] = {
    [XFS_EAX] = "eax", [XFS_EBX] = "ebx", [XFS_ECX] = "ecx",
    [XFS_EDX] = "edx", [XFS_MSR_LO] = "eax", [XFS_MSR_HI] = "edx",
};

#define LINE_MAX_LEN 32   /* "cpuid 80000008 00000000 ebx 31\n" is 31 */

/*
 * A bit's canonical line as a number that sorts as the line does: the
 * lines are fixed-width fields ("cpuid" before "msr", then eight hex
 * digits, eight hex digits (cpuid only), a register "e?x" told apart by
 * its second letter, two decimal digits), so comparing (kind, leaf,
 * subleaf, register letter, bit) compares the lines bytewise, and equal
 * keys are equal lines.  Sorting keys instead of text: a pin is made for
 * every model a report names.
 */
struct line_key {
    uint64_t hi, lo;   /* msr << 32 | leaf; subleaf << 8 | reg << 5 | bit */
};

static struct line_key key_of(const struct xlc_pin_bit *b)
{
    bool msr = b->src == XFS_SRC_MSR;
    uint32_t sub = msr || b->subleaf == XFS_NO_SUBLEAF ? 0 : b->subleaf;

    return (struct line_key){
        (uint64_t)msr << 32 | b->leaf,
        (uint64_t)sub << 8 | (uint64_t)(reg_word[b->reg][1] - 'a') << 5 |
            (b->bit & 31) };
}

static int key_cmp(const struct line_key *a, const struct line_key *b)
{
    if (a->hi != b->hi)
        return a->hi < b->hi ? -1 : 1;
    return a->lo < b->lo ? -1 : a->lo > b->lo;
}

static int by_key(const void *a, const void *b)
{
    return key_cmp(a, b);
}

/* A model's lines are a few dozen, mostly in runs already in order:
 * insertion sort with the comparison inline beats qsort's calls there. */
static void sort_keys(struct line_key *k, size_t n)
{
    if (n > 128) {
        qsort(k, n, sizeof(*k), by_key);
        return;
    }
    for (size_t i = 1; i < n; i++) {
        struct line_key x = k[i];
        size_t j = i;

        for (; j && key_cmp(&k[j - 1], &x) > 0; j--)
            k[j] = k[j - 1];
        k[j] = x;
    }
}

/* The line of a key (the documented format), its length. */
static size_t key_line(const struct line_key *k, char *line)
{
    bool msr = k->hi >> 32;
    unsigned int reg = (unsigned int)(k->lo >> 5 & 3), bit = k->lo & 31;
    char *o = line;

    memcpy(o, msr ? "msr " : "cpuid ", msr ? 4 : 6);
    o = xlc_put_hex(o + (msr ? 4 : 6), (uint32_t)k->hi, 8);
    *o++ = ' ';
    if (!msr) {
        o = xlc_put_hex(o, (uint32_t)(k->lo >> 8), 8);
        *o++ = ' ';
    }
    *o++ = 'e';
    *o++ = (char)('a' + reg);
    *o++ = 'x';
    *o++ = ' ';
    *o++ = (char)('0' + bit / 10);
    *o++ = (char)('0' + bit % 10);
    *o++ = '\n';
    return (size_t)(o - line);
}

char *xlc_pin_canonical(const struct xlc_pin_feature *f, size_t n)
{
    size_t total = 0, k = 0, len = sizeof(XLC_PIN_CANONICAL_HEADER) - 1;
    struct line_key *keys;
    char *text;

    for (size_t i = 0; i < n; i++)
        total += f[i].nr_bits;
    keys = malloc((total + 1) * sizeof(*keys));
    text = keys ? malloc(len + total * LINE_MAX_LEN + 1) : NULL;
    if (!text) {
        free(keys);
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < f[i].nr_bits; j++)
            keys[k++] = key_of(&f[i].bits[j]);
    sort_keys(keys, total);
    memcpy(text, XLC_PIN_CANONICAL_HEADER, len);
    for (size_t i = 0; i < total; i++)
        if (!i || key_cmp(&keys[i], &keys[i - 1]))
            len += key_line(&keys[i], text + len);
    text[len] = '\0';
    free(keys);
    return text;
}

int xlc_pin_hash(const struct xlc_pin_feature *f, size_t n,
                 char out[XLC_SHA256_HEX])
{
    char *text = xlc_pin_canonical(f, n);

    if (!text)
        return -ENOMEM;
    xlc_sha256_hex(text, strlen(text), out);
    free(text);
    return 0;
}

/* ---- what Xen makes of it: through the loader's one mapping ---- */

/* The featureset value of one bit, or -1 (xlc_lv_map_coords' rule). */
static int bit_value(const struct xlc_pin_bit *b)
{
    struct xlc_lv_coord c = { b->src, b->leaf, b->subleaf, b->reg,
                              1u << b->bit };

    return xlc_lv_bit_value(xlc_lv_coord_word(&c), b->bit);
}

bool xlc_pin_feature_xen(const struct xlc_pin_feature *f,
                         uint32_t fs[XFS_NR_WORDS])
{
    uint32_t mine[XFS_NR_WORDS] = { 0 };

    if (!f->nr_bits)
        return false;
    /* All or nothing: a part of a feature is not the feature. */
    for (size_t i = 0; i < f->nr_bits; i++) {
        int v = bit_value(&f->bits[i]);

        if (v < 0)
            return false;
        mine[v / 32] |= 1u << (v % 32);
    }
    xfs_or(fs, XFS_NR_WORDS, fs, XFS_NR_WORDS, mine, XFS_NR_WORDS);
    return true;
}

const char *xlc_pin_feature_xen_name(const struct xlc_pin_feature *f)
{
    const struct xfs_feature_info *fi;
    int lowest = -1;

    /* The lowest featureset value of an expressible feature. */
    for (size_t i = 0; i < f->nr_bits; i++) {
        int v = bit_value(&f->bits[i]);

        if (v < 0)
            return NULL;
        lowest = lowest < 0 || v < lowest ? v : lowest;
    }
    fi = lowest < 0 ? NULL : xfs_feature_by_value((unsigned int)lowest);
    return fi ? fi->name : NULL;
}

void xlc_model_pin_xen(const struct xlc_model_pin *p,
                       uint32_t fs[XFS_NR_WORDS])
{
    memset(fs, 0, XFS_NR_WORDS * sizeof(*fs));
    for (size_t i = 0; i < p->nr_features; i++)
        xlc_pin_feature_xen(&p->features[i], fs);
}

size_t xlc_pin_bit_put(const struct xlc_pin_bit *b, char *out)
{
    struct xlc_lv_coord c = { b->src, b->leaf, b->subleaf, b->reg,
                              1u << b->bit };

    return xlc_lv_coord_put(&c, b->bit, out);
}

const char *xlc_pin_bit_str(const struct xlc_pin_bit *b, char *buf,
                            size_t size)
{
    struct xlc_lv_coord c = { b->src, b->leaf, b->subleaf, b->reg,
                              1u << b->bit };

    return xlc_lv_coord_str(&c, b->bit, buf, size);
}

static bool has_bit(const struct xlc_pin_feature *f,
                    const struct xlc_pin_bit *b)
{
    struct line_key want = key_of(b);

    for (size_t i = 0; i < f->nr_bits; i++) {
        struct line_key got = key_of(&f->bits[i]);

        if (!key_cmp(&want, &got))
            return true;
    }
    return false;
}

bool xlc_pin_feature_same_bits(const struct xlc_pin_feature *a,
                               const struct xlc_pin_feature *b)
{
    for (size_t i = 0; i < a->nr_bits; i++)
        if (!has_bit(b, &a->bits[i]))
            return false;
    for (size_t i = 0; i < b->nr_bits; i++)
        if (!has_bit(a, &b->bits[i]))
            return false;
    return true;
}

/* ---- the libvirt version ---- */

/* "libvirt.so.0.9000.0" -> "9.0.0"; false for any other name. */
static bool version_of(const char *path, char *out, size_t size)
{
    const char *base = strrchr(path, '/');
    unsigned long mm, micro;
    char tail;

    base = base ? base + 1 : path;
    if (sscanf(base, "libvirt.so.0.%lu.%lu%c", &mm, &micro, &tail) != 2 ||
        mm < 1000)
        return false;
    snprintf(out, size, "%lu.%lu.%lu", mm / 1000, mm % 1000, micro);
    return true;
}

/* This build's multiarch library directory (Debian's layout). */
#if defined(__x86_64__)
#define MULTIARCH "x86_64-linux-gnu"
#elif defined(__i386__)
#define MULTIARCH "i386-linux-gnu"
#elif defined(__aarch64__)
#define MULTIARCH "aarch64-linux-gnu"
#else
#define MULTIARCH ""
#endif

/*
 * The library's soname link names its real file (libvirt.so.0 ->
 * libvirt.so.0.9000.0): one readlink, where a glob would read the whole
 * library directory (thousands of entries, most of a small level's time).
 */
static int linked_library(const char *prefix, char **version, char **from)
{
    /* Parenthesised: one string, not a missing comma (clang asks). */
    static const char *const dirs[] = { ("lib/" MULTIARCH), "lib64", "lib" };
    char link[PATH_MAX + 64], target[256], ver[64];

    for (size_t d = 0; d < sizeof(dirs) / sizeof(dirs[0]); d++) {
        ssize_t n;

        if ((size_t)snprintf(link, sizeof(link), "%s/%s/libvirt.so.0",
                             prefix, dirs[d]) >= sizeof(link))
            continue;
        n = readlink(link, target, sizeof(target) - 1);
        if (n <= 0)
            continue;
        target[n] = '\0';
        if (strchr(target, '/') || !version_of(target, ver, sizeof(ver)))
            continue;
        if ((size_t)snprintf(link, sizeof(link), "%s/%s/%s", prefix, dirs[d],
                             target) >= sizeof(link))
            continue;
        *version = strdup(ver);
        *from = strdup(link);
        return *version && *from ? 0 : -ENOMEM;
    }
    return 0;
}

static int first_library(const char *prefix, char **version, char **from)
{
    static const char *const where[] = { "lib/*/libvirt.so.0.*",
                                         "lib64/libvirt.so.0.*",
                                         "lib/libvirt.so.0.*" };
    char pattern[PATH_MAX + 64], ver[64];
    int rc = 0;

    for (size_t w = 0; !rc && !*version && w < 3; w++) {
        glob_t g;

        snprintf(pattern, sizeof(pattern), "%s/%s", prefix, where[w]);
        if (glob(pattern, 0, NULL, &g))
            continue;
        for (size_t i = 0; !*version && i < g.gl_pathc; i++) {
            if (!version_of(g.gl_pathv[i], ver, sizeof(ver)))
                continue;
            *version = strdup(ver);
            *from = strdup(g.gl_pathv[i]);
            if (!*version || !*from)
                rc = -ENOMEM;
        }
        globfree(&g);
    }
    return rc;
}

/* The same for a directory already resolved (realpath). */
static int libvirt_version_real(const char *resolved, char **version,
                                char **from)
{
    static const char tail[] = "/share/libvirt/cpu_map";
    char real[PATH_MAX];
    size_t n = strlen(resolved);
    int rc;

    *version = *from = NULL;
    if (n >= sizeof(real))
        return 0;
    memcpy(real, resolved, n + 1);
    if (n < sizeof(tail) - 1 || strcmp(real + n - (sizeof(tail) - 1), tail))
        return 0;
    real[n - (sizeof(tail) - 1)] = '\0';
    rc = linked_library(real, version, from);
    if (!rc && !*version)
        rc = first_library(real, version, from);
    if (rc) {
        free(*version);
        free(*from);
        *version = *from = NULL;
    }
    return rc;
}

int xlc_cpu_map_libvirt_version(const char *dir, char **version,
                                char **from)
{
    char real[PATH_MAX];

    *version = *from = NULL;
    return realpath(dir, real) ? libvirt_version_real(real, version, from)
                               : 0;
}

/* ---- a model's pin ---- */

/*
 * Where a map lives, as its pins say it: the directory resolved, and the
 * libvirt version of that directory.  Found once per set of pins (each
 * finding walks the path with readlink), not once per model.
 */
struct xlc_pin_origin {
    char *dir;               /* the map's directory as loaded: the key */
    char *cpu_map;           /* resolved, or dir when that fails */
    char *version, *from;    /* xlc_cpu_map_libvirt_version's */
};

static void origin_free(struct xlc_pin_origin *o)
{
    if (!o)
        return;
    free(o->dir);
    free(o->cpu_map);
    free(o->version);
    free(o->from);
    free(o);
}

static struct xlc_pin_origin *origin_of(const struct xlc_cpu_map *map)
{
    struct xlc_pin_origin *o = calloc(1, sizeof(*o));
    char real[PATH_MAX];
    bool resolved;

    if (!o)
        return NULL;
    /* Where the map was, said so that it still means something later. */
    resolved = realpath(map->dir, real) != NULL;
    o->dir = strdup(map->dir);
    o->cpu_map = strdup(resolved ? real : map->dir);
    if (!o->dir || !o->cpu_map ||
        (resolved && libvirt_version_real(real, &o->version, &o->from))) {
        origin_free(o);
        return NULL;
    }
    return o;
}

static int by_name(const void *a, const void *b)
{
    const struct xlc_lv_feature *const *fa = a, *const *fb = b;

    return strcmp((*fa)->name, (*fb)->name);
}

static int pin_parents(const struct xlc_cpu_map *map,
                       const struct xlc_lv_model *m, struct xlc_model_pin *p)
{
    /* The loader refuses loops, so the chain ends; bounded all the same. */
    for (const struct xlc_lv_model *q = m;
         q->parent && p->nr_parents < map->nr_models;
         q = xlc_cpu_map_model(map, q->parent)) {
        char **v = realloc(p->parents, (p->nr_parents + 1) * sizeof(*v));

        if (!v)
            return -ENOMEM;
        p->parents = v;
        if (!(v[p->nr_parents] = strdup(q->parent)))
            return -ENOMEM;
        p->nr_parents++;
        if (!xlc_cpu_map_model(map, q->parent))
            break;
    }
    return 0;
}

/* The model's file relative to the map directory, as the loader read it. */
static const char *relative_file(const struct xlc_cpu_map *map,
                                 const struct xlc_lv_model *m)
{
    size_t n = strlen(map->dir);

    if (!strncmp(m->file, map->dir, n) && m->file[n] == '/')
        return m->file + n + 1;
    return m->file;
}

/* One map feature into a pin feature whose name and bits go to *names and
 * *bits (the pin's block); advances both. */
static void feature_into(const struct xlc_lv_feature *f,
                         struct xlc_pin_feature *out, char **names,
                         struct xlc_pin_bit **bits)
{
    size_t len = strlen(f->name) + 1;

    out->name = memcpy(*names, f->name, len);
    *names += len;
    out->bits = *bits;
    out->nr_bits = bits_of(f, out->bits);
    *bits += out->nr_bits;
}

/*
 * The expansion, sorted by name, its names and bits in one block (the
 * pin's arena): a report pins every model its hosts name.
 */
static int pin_features(const struct xlc_cpu_map *map,
                        const struct xlc_lv_model *m, struct xlc_model_pin *p)
{
    const struct xlc_lv_feature **src = calloc(m->nr_features + 1,
                                               sizeof(*src));
    size_t nr_bits = 0, name_bytes = 0;
    struct xlc_pin_bit *bits;
    char *names;

    p->features = calloc(m->nr_features + 1, sizeof(*p->features));
    if (!src || !p->features) {
        free(src);
        return -ENOMEM;
    }
    for (size_t i = 0; i < m->nr_features; i++) {
        src[i] = &map->features[m->features[i]];
        name_bytes += strlen(src[i]->name) + 1;
        nr_bits += nr_bits_of(src[i]);
    }
    p->arena = malloc(nr_bits * sizeof(*bits) + name_bytes + 1);
    if (!p->arena) {
        free(src);
        return -ENOMEM;
    }
    qsort(src, m->nr_features, sizeof(*src), by_name);
    bits = p->arena;
    names = (char *)(bits + nr_bits);
    for (size_t i = 0; i < m->nr_features; i++)
        feature_into(src[i], &p->features[p->nr_features++], &names, &bits);
    free(src);
    return 0;
}

static int pin_fill(const struct xlc_cpu_map *map,
                    const struct xlc_lv_model *m,
                    const struct xlc_pin_origin *o, struct xlc_model_pin *p)
{
    int rc;

    p->model = strdup(m->name);
    p->cpu_map = strdup(o->cpu_map);
    p->file = strdup(relative_file(map, m));
    p->vendor = m->vendor ? strdup(m->vendor) : NULL;
    p->libvirt_version = o->version ? strdup(o->version) : NULL;
    p->libvirt_version_from = o->from ? strdup(o->from) : NULL;
    if (!p->model || !p->cpu_map || !p->file || (m->vendor && !p->vendor) ||
        (o->version && !p->libvirt_version) ||
        (o->from && !p->libvirt_version_from))
        return -ENOMEM;
    rc = pin_features(map, m, p);
    if (!rc)
        rc = pin_parents(map, m, p);
    if (!rc)
        rc = xlc_pin_hash(p->features, p->nr_features, p->sha256);
    return rc;
}

static int pin_make(const struct xlc_cpu_map *map,
                    const struct xlc_lv_model *m,
                    const struct xlc_pin_origin *o,
                    struct xlc_model_pin **out, xlc_error *err)
{
    struct xlc_model_pin *p = calloc(1, sizeof(*p));

    *out = NULL;
    if (!p)
        return oom(err);
    if (pin_fill(map, m, o, p)) {
        xlc_model_pin_free(p);
        return oom(err);
    }
    *out = p;
    return 0;
}

int xlc_model_pin_make(const struct xlc_cpu_map *map,
                       const struct xlc_lv_model *m,
                       struct xlc_model_pin **out, xlc_error *err)
{
    struct xlc_pin_origin *o = origin_of(map);
    int rc;

    *out = NULL;
    if (!o)
        return oom(err);
    rc = pin_make(map, m, o, out, err);
    origin_free(o);
    return rc;
}

void xlc_model_pin_free(struct xlc_model_pin *p)
{
    if (!p)
        return;
    free(p->model);
    free(p->cpu_map);
    free(p->file);
    xlc_strv_free(p->parents, p->nr_parents);
    free(p->vendor);
    free(p->libvirt_version);
    free(p->libvirt_version_from);
    /* A pin made from a map holds its features' names and bits in one
     * block; one read back from JSON holds each on its own. */
    for (size_t i = 0; !p->arena && i < p->nr_features; i++)
        xlc_pin_feature_clear(&p->features[i]);
    free(p->arena);
    free(p->features);
    free(p);
}

/* ---- sets ---- */

const struct xlc_model_pin *xlc_model_pins_find(const struct xlc_model_pins *s,
                                                const char *model)
{
    size_t h = xlc_str_hash(model);

    /* A level asks once per host: the hashes spare most comparisons. */
    for (size_t i = 0; i < s->n; i++)
        if (s->v[i]->model_hash == h && !strcmp(s->v[i]->model, model))
            return s->v[i];
    return NULL;
}

int xlc_model_pins_take(struct xlc_model_pins *s, struct xlc_model_pin *p,
                        xlc_error *err)
{
    struct xlc_model_pin **v = realloc(s->v, (s->n + 1) * sizeof(*v));

    if (!v) {
        xlc_model_pin_free(p);
        return oom(err);
    }
    s->v = v;
    p->model_hash = xlc_str_hash(p->model);
    s->v[s->n++] = p;
    return 0;
}

int xlc_model_pins_add(struct xlc_model_pins *s, const struct xlc_cpu_map *map,
                       const struct xlc_lv_model *m, xlc_error *err)
{
    struct xlc_model_pin *p;
    int rc;

    if (xlc_model_pins_find(s, m->name))
        return 0;
    if (!s->origin || strcmp(s->origin->dir, map->dir)) {
        origin_free(s->origin);
        if (!(s->origin = origin_of(map)))
            return oom(err);
    }
    rc = pin_make(map, m, s->origin, &p, err);
    return rc ? rc : xlc_model_pins_take(s, p, err);
}

void xlc_model_pins_free(struct xlc_model_pins *s)
{
    for (size_t i = 0; i < s->n; i++)
        xlc_model_pin_free(s->v[i]);
    free(s->v);
    free(s->stream_sha256);
    origin_free(s->origin);
    memset(s, 0, sizeof(*s));
}
