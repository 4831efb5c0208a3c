/* SPDX-License-Identifier: MIT */
/*
 * The cpu_map cache: a loaded map written as a compact image, read back
 * instead of the XML while the files it came from are unchanged.
 *
 * Reading the XML (index.xml and sixty-odd included files) is most of the
 * fixed cost of every libvirt command; the image is a few tens of KiB
 * read in one go.  It keeps what the XML says (names, aliases,
 * coordinates, vendors, models with their own, removed and resolved
 * feature lists, signatures, files and lines) and nothing derived: each
 * feature's featureset bits, its reason when Xen cannot express it, each
 * model's bits and the nameable set are recomputed on load, exactly as a
 * load from XML computes them, so an image never carries another build's
 * idea of Xen's features.
 *
 * Layout, native byte order (the image is a cache of this machine):
 *   header   magic "xlcmap\0\0", u32 format, u32 byte-order mark,
 *            u32 body length, u32 spare, u64 checksum of the body
 *            (xlc_cpu_map_image_sum)
 *   body     str dir; u32 n, n x (str name, 7 x u64 identity) files;
 *            u32 n, n x (str name, str string) vendors;
 *            u32 n, n x feature; u32 n, n x model
 *   feature  str name, str file, u32 line, u8 migratable,
 *            u32 n, n x str alias, u32 n, n x 5 x u32 coordinate
 *   model    str name, str file, u32 line, u8 flags (vendor, parent,
 *            decode host, decode guest), [str vendor], [str parent],
 *            u32 n, n x (u32 family, u32 model, u8 any, u32 steppings),
 *            then own, removed and resolved features: u32 n, n x u32
 *   str      u32 length, the bytes (no NUL)
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "libvirt-cpumap-int.h"
#include "../util/atomic-file.h"
#include "../util/strbuf.h"

#define MAGIC "xlcmap\0\0"
#define FORMAT 2u            /* 1: the checksum was byte-wise FNV-1a */
#define BYTE_ORDER_MARK 0x01020304u
#define HEADER_LEN 32u
/* Far above any real map (about 60 KiB today). */
#define MAX_IMAGE (4u << 20)

static const char OOM[] = "out of memory";

/*
 * FNV-1a's step over 8-byte words (native order, as the whole image),
 * each product folded so that its high half reaches the low one, then the
 * last bytes one at a time.  Every step is a bijection of h, so a change
 * to any one word always changes the sum.  Every command that reads the
 * map sums the whole image: a word at a time is six times fewer
 * instructions than a byte at a time.
 */
uint64_t xlc_cpu_map_image_sum(const unsigned char *p, size_t n)
{
    uint64_t h = 1469598103934665603u;

    for (; n >= 8; p += 8, n -= 8) {
        uint64_t w;

        memcpy(&w, p, 8);
        h = (h ^ w) * 1099511628211u;
        h ^= h >> 32;
    }
    while (n--)
        h = (h ^ *p++) * 1099511628211u;
    return h;
}

void xlc_cpu_map_image_seal(unsigned char *img, size_t len)
{
    uint32_t format = FORMAT, body;
    uint64_t sum;

    if (len < HEADER_LEN || len - HEADER_LEN > UINT32_MAX)
        return;
    body = (uint32_t)(len - HEADER_LEN);
    sum = xlc_cpu_map_image_sum(img + HEADER_LEN, body);
    memcpy(img + 8, &format, 4);
    memcpy(img + 16, &body, 4);
    memcpy(img + 24, &sum, 8);
}

/* ---- writing ---- */

struct out {
    unsigned char *p;
    size_t len, cap;
    bool oom;
};

static void put(struct out *o, const void *data, size_t n)
{
    if (o->oom)
        return;
    if (o->len + n > o->cap) {
        size_t cap = o->cap ? 2 * o->cap : 65536;
        unsigned char *np;

        while (cap < o->len + n)
            cap *= 2;
        np = realloc(o->p, cap);
        if (!np) {
            o->oom = true;
            return;
        }
        o->p = np;
        o->cap = cap;
    }
    memcpy(o->p + o->len, data, n);
    o->len += n;
}

static void put_u8(struct out *o, uint8_t v) { put(o, &v, 1); }
static void put_u32(struct out *o, uint32_t v) { put(o, &v, 4); }
static void put_u64(struct out *o, uint64_t v) { put(o, &v, 8); }

static void put_str(struct out *o, const char *s)
{
    size_t n = strlen(s);

    put_u32(o, (uint32_t)n);
    put(o, s, n);
}

static void put_idx(struct out *o, const size_t *v, size_t n)
{
    put_u32(o, (uint32_t)n);
    for (size_t i = 0; i < n; i++)
        put_u32(o, (uint32_t)v[i]);
}

static void put_feature(struct out *o, const struct xlc_lv_feature *f)
{
    put_str(o, f->name);
    put_str(o, f->file);
    put_u32(o, (uint32_t)f->line);
    put_u8(o, f->migratable);
    put_u32(o, (uint32_t)f->nr_aliases);
    for (size_t i = 0; i < f->nr_aliases; i++)
        put_str(o, f->aliases[i]);
    put_u32(o, (uint32_t)f->nr_coords);
    for (size_t i = 0; i < f->nr_coords; i++) {
        const struct xlc_lv_coord *c = &f->coords[i];

        put_u32(o, c->src);
        put_u32(o, c->leaf);
        put_u32(o, c->subleaf);
        put_u32(o, c->reg);
        put_u32(o, c->mask);
    }
}

static void put_model(struct out *o, const struct xlc_lv_model *m)
{
    put_str(o, m->name);
    put_str(o, m->file);
    put_u32(o, (uint32_t)m->line);
    put_u8(o, (uint8_t)((m->vendor ? 1 : 0) | (m->parent ? 2 : 0) |
                        (m->decode_host ? 4 : 0) |
                        (m->decode_guest ? 8 : 0)));
    if (m->vendor)
        put_str(o, m->vendor);
    if (m->parent)
        put_str(o, m->parent);
    put_u32(o, (uint32_t)m->nr_sigs);
    for (size_t i = 0; i < m->nr_sigs; i++) {
        put_u32(o, m->sigs[i].family);
        put_u32(o, m->sigs[i].model);
        put_u8(o, m->sigs[i].any_stepping);
        put_u32(o, m->sigs[i].steppings);
    }
    put_idx(o, m->own, m->nr_own);
    put_idx(o, m->removed, m->nr_removed);
    put_idx(o, m->features, m->nr_features);
}

/* The image of a map, header included; NULL when out of memory. */
static unsigned char *image_of(const struct xlc_cpu_map *m, size_t *len)
{
    struct out o = { 0 };

    put(&o, MAGIC, 8);
    put_u32(&o, FORMAT);
    put_u32(&o, BYTE_ORDER_MARK);
    put_u32(&o, 0);            /* body length, below */
    put_u32(&o, 0);
    put_u64(&o, 0);            /* checksum, below */
    put_str(&o, m->dir);
    put_u32(&o, (uint32_t)m->nr_files);
    for (size_t i = 0; i < m->nr_files; i++) {
        const struct xlc_lv_file_id *f = &m->files[i];

        put_str(&o, f->name);
        put_u64(&o, f->dev);
        put_u64(&o, f->ino);
        put_u64(&o, f->size);
        put_u64(&o, (uint64_t)f->mtime_s);
        put_u64(&o, (uint64_t)f->mtime_ns);
        put_u64(&o, (uint64_t)f->ctime_s);
        put_u64(&o, (uint64_t)f->ctime_ns);
    }
    put_u32(&o, (uint32_t)m->nr_vendors);
    for (size_t i = 0; i < m->nr_vendors; i++) {
        put_str(&o, m->vendors[i].name);
        put_str(&o, m->vendors[i].string);
    }
    put_u32(&o, (uint32_t)m->nr_features);
    for (size_t i = 0; i < m->nr_features; i++)
        put_feature(&o, &m->features[i]);
    put_u32(&o, (uint32_t)m->nr_models);
    for (size_t i = 0; i < m->nr_models; i++)
        put_model(&o, &m->models[i]);
    if (o.oom || o.len > MAX_IMAGE) {
        free(o.p);
        return NULL;
    }
    xlc_cpu_map_image_seal(o.p, o.len);
    *len = o.len;
    return o.p;
}

/* ---- reading ---- */

/*
 * A cursor over the body, and the arena the map's strings and arrays go
 * to.  Every read is bounds-checked; the first failure sticks.
 */
struct in {
    const unsigned char *p, *end;
    char *arena;
    size_t used, cap;
    const char *bad;         /* why the image was refused */
};

static bool fail(struct in *in, const char *why)
{
    if (!in->bad)
        in->bad = why;
    return false;
}

static bool take(struct in *in, void *dst, size_t n)
{
    if (in->bad || (size_t)(in->end - in->p) < n)
        return fail(in, "truncated");
    memcpy(dst, in->p, n);
    in->p += n;
    return true;
}

static uint32_t get_u32(struct in *in)
{
    uint32_t v = 0;

    take(in, &v, 4);
    return v;
}

static uint64_t get_u64(struct in *in)
{
    uint64_t v = 0;

    take(in, &v, 8);
    return v;
}

static uint8_t get_u8(struct in *in)
{
    uint8_t v = 0;

    take(in, &v, 1);
    return v;
}

/* n bytes of the arena, 8-byte aligned; NULL once the image is bad. */
static void *alloc(struct in *in, size_t n)
{
    size_t at = (in->used + 7) & ~(size_t)7;

    if (in->bad)
        return NULL;
    if (at > in->cap || in->cap - at < n) {
        fail(in, "larger than its own bound");
        return NULL;
    }
    in->used = at + n;
    return in->arena + at;
}

/* A non-empty string without NUL bytes, into the arena. */
static char *get_str(struct in *in)
{
    uint32_t n = get_u32(in);
    char *s;

    if (in->bad)
        return NULL;
    if (!n || (size_t)(in->end - in->p) < n || memchr(in->p, '\0', n)) {
        fail(in, "a malformed name");
        return NULL;
    }
    s = alloc(in, (size_t)n + 1);
    if (s) {
        memcpy(s, in->p, n);
        s[n] = '\0';
        in->p += n;
    }
    return s;
}

/* A count of items of at least min_bytes each: no more than remain. */
static size_t get_count(struct in *in, size_t min_bytes)
{
    uint32_t n = get_u32(in);

    if (!in->bad && n > (size_t)(in->end - in->p) / min_bytes)
        fail(in, "a count beyond its end");
    return in->bad ? 0 : n;
}

/* A list of indices below `limit`, into the arena. */
static size_t *get_idx(struct in *in, size_t *nr, size_t limit)
{
    size_t n = get_count(in, 4);
    size_t *v = alloc(in, (n + 1) * sizeof(*v));

    *nr = 0;
    if (!v)
        return NULL;
    /* get_count saw the n words there: read them without a check each. */
    for (size_t i = 0; i < n; i++) {
        uint32_t x;

        memcpy(&x, in->p + 4 * i, 4);
        if (x >= limit) {
            fail(in, "an index out of range");
            return NULL;
        }
        v[i] = x;
    }
    in->p += 4 * n;
    *nr = n;
    return v;
}

static bool get_coord(struct in *in, struct xlc_lv_coord *c)
{
    uint32_t src = get_u32(in), reg;

    c->leaf = get_u32(in);
    c->subleaf = get_u32(in);
    reg = get_u32(in);
    c->mask = get_u32(in);
    if (in->bad)
        return false;
    if ((src != XFS_SRC_CPUID && src != XFS_SRC_MSR) || !c->mask ||
        (src == XFS_SRC_CPUID && reg > XFS_EDX) ||
        (src == XFS_SRC_MSR && reg != XFS_MSR_LO && reg != XFS_MSR_HI))
        return fail(in, "a malformed coordinate");
    c->src = (enum xfs_word_source)src;
    c->reg = (enum xfs_reg)reg;
    return true;
}

static bool get_feature(struct in *in, struct xlc_lv_feature *f)
{
    f->name = get_str(in);
    f->file = get_str(in);
    f->line = get_u32(in);
    f->migratable = get_u8(in) != 0;
    f->nr_aliases = get_count(in, 5);
    f->aliases = alloc(in, (f->nr_aliases + 1) * sizeof(char *));
    for (size_t i = 0; f->aliases && i < f->nr_aliases; i++)
        f->aliases[i] = get_str(in);
    f->nr_coords = get_count(in, 20);
    f->coords = alloc(in, (f->nr_coords + 1) * sizeof(*f->coords));
    for (size_t i = 0; f->coords && i < f->nr_coords; i++)
        get_coord(in, &f->coords[i]);
    if (!in->bad && !f->nr_coords)
        fail(in, "a feature without coordinates");
    return !in->bad;
}

static bool get_model(struct in *in, struct xlc_lv_model *m, size_t nf)
{
    uint8_t flags;

    m->name = get_str(in);
    m->file = get_str(in);
    m->line = get_u32(in);
    flags = get_u8(in);
    m->vendor = flags & 1 ? get_str(in) : NULL;
    m->parent = flags & 2 ? get_str(in) : NULL;
    m->decode_host = flags & 4;
    m->decode_guest = flags & 8;
    m->nr_sigs = get_count(in, 13);
    m->sigs = alloc(in, (m->nr_sigs + 1) * sizeof(*m->sigs));
    for (size_t i = 0; m->sigs && i < m->nr_sigs; i++) {
        m->sigs[i].family = get_u32(in);
        m->sigs[i].model = get_u32(in);
        m->sigs[i].any_stepping = get_u8(in) != 0;
        m->sigs[i].steppings = get_u32(in);
    }
    m->own = get_idx(in, &m->nr_own, nf);
    m->removed = get_idx(in, &m->nr_removed, nf);
    m->features = get_idx(in, &m->nr_features, nf);
    for (size_t i = 1; !in->bad && i < m->nr_features; i++)
        if (m->features[i] <= m->features[i - 1])
            fail(in, "a model's features out of order");
    return !in->bad;
}

/* The recorded files: names inside the map directory, identities as
 * written (from_image compares them with the files as they are now). */
static bool get_files(struct in *in, struct xlc_cpu_map *m)
{
    m->nr_files = get_count(in, 60);
    m->files = calloc(m->nr_files + 1, sizeof(*m->files));
    if (!m->files)
        return fail(in, OOM);
    for (size_t i = 0; i < m->nr_files; i++) {
        struct xlc_lv_file_id *f = &m->files[i];
        const char *name = get_str(in);

        f->dev = get_u64(in);
        f->ino = get_u64(in);
        f->size = get_u64(in);
        f->mtime_s = (int64_t)get_u64(in);
        f->mtime_ns = (int64_t)get_u64(in);
        f->ctime_s = (int64_t)get_u64(in);
        f->ctime_ns = (int64_t)get_u64(in);
        if (in->bad || !(f->name = strdup(name)))
            return fail(in, in->bad ? in->bad : OOM);
        if (strchr(name, '/') || name[0] == '.')
            return fail(in, "a file outside the map directory");
    }
    if (!in->bad && !m->nr_files)
        return fail(in, "no files recorded");
    return !in->bad;
}

static bool get_vendors(struct in *in, struct xlc_cpu_map *m)
{
    m->nr_vendors = get_count(in, 10);
    m->vendors = calloc(m->nr_vendors + 1, sizeof(*m->vendors));
    if (!m->vendors)
        return fail(in, OOM);
    for (size_t i = 0; !in->bad && i < m->nr_vendors; i++) {
        const char *s;

        m->vendors[i].name = get_str(in);
        s = get_str(in);
        if (s && strlen(s) != 12)
            return fail(in, "a vendor string that is not 12 characters");
        if (s)
            memcpy(m->vendors[i].string, s, 13);
    }
    return !in->bad;
}

static bool get_body(struct in *in, struct xlc_cpu_map *m)
{
    m->nr_features = get_count(in, 20);
    m->features = calloc(m->nr_features + 1, sizeof(*m->features));
    if (!m->features)
        return fail(in, OOM);
    for (size_t i = 0; !in->bad && i < m->nr_features; i++)
        get_feature(in, &m->features[i]);
    m->nr_models = get_count(in, 30);
    m->models = calloc(m->nr_models + 1, sizeof(*m->models));
    if (!m->models)
        return fail(in, OOM);
    for (size_t i = 0; !in->bad && i < m->nr_models; i++)
        get_model(in, &m->models[i], m->nr_features);
    if (!in->bad && in->p != in->end)
        fail(in, "bytes after its end");
    return !in->bad;
}

/*
 * Every parent chain ends, as the XML loader ensures (it refuses loops;
 * the pin code walks chains).  Each walk marks the models it passes with
 * its own number and stops at a model already marked: marked by this walk,
 * the chain loops.  Linear in the number of models.
 */
static bool parents_end(struct in *in, const struct xlc_cpu_map *m)
{
    size_t *seen = calloc(m->nr_models + 1, sizeof(*seen));
    bool ok = true;

    if (!seen)
        return fail(in, OOM);
    for (size_t i = 0; ok && i < m->nr_models; i++) {
        const struct xlc_lv_model *q = &m->models[i];

        while (q && !seen[q - m->models]) {
            seen[q - m->models] = i + 1;
            q = q->parent ? xlc_cpu_map_model(m, q->parent) : NULL;
        }
        if (q && seen[q - m->models] == i + 1)
            ok = fail(in, "a model's parent chain that loops");
    }
    free(seen);
    return ok;
}

/* Names unique, references known: what a load from XML ensured. */
static bool consistent(struct in *in, struct xlc_cpu_map *m)
{
    for (size_t i = 0; i < m->nr_features; i++) {
        const struct xlc_lv_feature *f = &m->features[i];

        if (xlc_cpu_map_feature(m, f->name) != f)
            return fail(in, "a feature name used twice");
        for (size_t a = 0; a < f->nr_aliases; a++)
            if (xlc_cpu_map_feature(m, f->aliases[a]) != f)
                return fail(in, "a feature name used twice");
    }
    for (size_t i = 0; i < m->nr_vendors; i++)
        if (xlc_cpu_map_vendor(m, m->vendors[i].name) != &m->vendors[i])
            return fail(in, "a vendor defined twice");
    for (size_t i = 0; i < m->nr_models; i++) {
        const struct xlc_lv_model *mo = &m->models[i];

        if (xlc_cpu_map_model(m, mo->name) != mo ||
            (mo->vendor && !xlc_cpu_map_vendor(m, mo->vendor)) ||
            (mo->parent && !xlc_cpu_map_model(m, mo->parent)))
            return fail(in, "a model defined twice or naming an unknown "
                            "vendor or parent");
    }
    return parents_end(in, m);
}

/* What a load from XML computes: feature bits, model bits, nameable. */
static int derive(struct xlc_cpu_map *m)
{
    for (size_t i = 0; i < m->nr_features; i++)
        if (xlc_lv_map_coords(&m->features[i]))
            return -ENOMEM;
    for (size_t i = 0; i < m->nr_models; i++) {
        struct xlc_lv_model *mo = &m->models[i];

        for (size_t k = 0; k < mo->nr_features; k++)
            xfs_or(mo->xen, XFS_NR_WORDS, mo->xen, XFS_NR_WORDS,
                   m->features[mo->features[k]].xen, XFS_NR_WORDS);
    }
    for (size_t i = 0; i < m->nr_features; i++)
        xfs_or(m->nameable, XFS_NR_WORDS, m->nameable, XFS_NR_WORDS,
               m->features[i].xen, XFS_NR_WORDS);
    return 0;
}

static bool header_ok(const unsigned char *buf, size_t len, const char **why)
{
    uint32_t format, bom, body;
    uint64_t sum;

    if (len < HEADER_LEN || len > MAX_IMAGE || memcmp(buf, MAGIC, 8)) {
        *why = "not a cpu_map cache";
        return false;
    }
    memcpy(&format, buf + 8, 4);
    memcpy(&bom, buf + 12, 4);
    memcpy(&body, buf + 16, 4);
    memcpy(&sum, buf + 24, 8);
    if (format != FORMAT || bom != BYTE_ORDER_MARK) {
        *why = "another format version or byte order";
        return false;
    }
    if (body != len - HEADER_LEN ||
        xlc_cpu_map_image_sum(buf + HEADER_LEN, body) != sum) {
        *why = "truncated or corrupt (checksum)";
        return false;
    }
    return true;
}

int xlc_cpu_map_from_image_bytes(const char *dir, const unsigned char *img,
                                 size_t len, struct xlc_cpu_map **out,
                                 const char **why)
{
    struct in in = { img + HEADER_LEN, img + len, NULL, 0, 0, NULL };
    struct xlc_cpu_map *m;
    const char *d;

    *out = NULL;
    if (!header_ok(img, len, why))
        return -EINVAL;
    m = calloc(1, sizeof(*m));
    /* Each string or list grows at most twice (see the layout). */
    in.cap = 2 * len + 64;
    in.arena = malloc(in.cap);
    if (!m || !in.arena) {
        free(m);
        free(in.arena);
        *why = OOM;
        return -ENOMEM;
    }
    m->arena = in.arena;
    d = get_str(&in);
    m->dir = strdup(d ? d : "");
    if (!m->dir)
        fail(&in, OOM);
    else if (!in.bad && dir && strcmp(m->dir, dir))
        fail(&in, "written for another directory");
    if (!in.bad && get_files(&in, m) && get_vendors(&in, m) &&
        get_body(&in, m)) {
        xlc_cpu_map_build_index(m);
        if (!m->index)
            fail(&in, OOM);
        else if (consistent(&in, m) && derive(m))
            fail(&in, OOM);
    }
    if (in.bad) {
        *why = in.bad;
        xlc_cpu_map_free(m);
        return in.bad == OOM ? -ENOMEM : -EINVAL;
    }
    *out = m;
    return 0;
}

/*
 * The map of `dir` from an image; NULL with *why when it cannot be used
 * (malformed, another directory's, stale) or memory ran out.
 */
static struct xlc_cpu_map *from_image(const char *dir,
                                      const unsigned char *buf, size_t len,
                                      const char **why)
{
    struct xlc_cpu_map *m;

    if (xlc_cpu_map_from_image_bytes(dir, buf, len, &m, why))
        return NULL;
    if (!xlc_lv_files_same(m->dir, m->files, m->nr_files)) {
        *why = "stale: a cpu_map file changed since it was written";
        xlc_cpu_map_free(m);
        return NULL;
    }
    return m;
}

/* ---- the cache file ---- */

/* The image, when it is a regular file of ours nobody else may write. */
static unsigned char *read_image(const char *path, size_t *len,
                                 const char **why)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    unsigned char *buf = NULL;
    struct stat st;
    size_t got = 0;

    if (fd < 0) {
        *why = errno == ENOENT ? "no cache file yet" : "cannot open it";
        return NULL;
    }
    if (fstat(fd, &st) || !S_ISREG(st.st_mode))
        *why = "not a regular file";
    else if (st.st_uid != geteuid() || (st.st_mode & 022))
        *why = "not owned by this user, or writable by others";
    else if (st.st_size < (off_t)HEADER_LEN || st.st_size > (off_t)MAX_IMAGE)
        *why = "not a cpu_map cache (size)";
    else if (!(buf = malloc((size_t)st.st_size)))
        *why = "out of memory";
    while (buf && got < (size_t)st.st_size) {
        ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);

        if (n <= 0) {
            *why = "read error";
            free(buf);
            buf = NULL;
            break;
        }
        got += (size_t)n;
    }
    close(fd);
    *len = got;
    return buf;
}

/* Make the directory holding path (and its parents), mode 0700. */
static void make_parent(const char *path)
{
    char dir[4096];

    if ((size_t)snprintf(dir, sizeof(dir), "%s", path) >= sizeof(dir))
        return;
    for (char *p = dir + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        mkdir(dir, 0700);
        *p = '/';
    }
}

static void write_image(const struct xlc_cpu_map *m,
                        struct xlc_cpu_map_cache_info *how)
{
    const char *why = NULL;
    unsigned char *img;
    xlc_error err;
    size_t len;

    how->use = XLC_CPU_MAP_CACHE_UNWRITTEN;
    if (!xlc_lv_files_unchanged(m, &why)) {
        snprintf(how->why, sizeof(how->why), "%s", why);
        return;
    }
    img = image_of(m, &len);
    if (!img) {
        snprintf(how->why, sizeof(how->why), "out of memory");
        return;
    }
    make_parent(how->path);
    if (xlc_file_write_atomic_mode(how->path, img, len, 0644, &err))
        snprintf(how->why, sizeof(how->why), "%.500s", err.msg);
    else
        how->use = XLC_CPU_MAP_CACHE_WRITTEN;
    free(img);
}

bool xlc_cpu_map_cache_default(const char *dir, char *buf, size_t size)
{
    const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
    size_t h = xlc_str_hash(dir ? dir : XLC_CPU_MAP_DEFAULT_DIR);
    int n;

    if (xdg && xdg[0] == '/')
        n = snprintf(buf, size, "%s/xen-cpuid/cpu_map-%016llx.bin", xdg,
                     (unsigned long long)h);
    else if (home && home[0] == '/')
        n = snprintf(buf, size, "%s/.cache/xen-cpuid/cpu_map-%016llx.bin",
                     home, (unsigned long long)h);
    else
        n = -1;
    if (n < 0 || (size_t)n >= size) {
        if (size)
            buf[0] = '\0';
        return false;
    }
    return true;
}

int xlc_cpu_map_load_cached(const char *dir, const char *cache,
                            struct xlc_cpu_map **out,
                            struct xlc_cpu_map_cache_info *how,
                            xlc_error *err)
{
    struct xlc_cpu_map_cache_info mine;
    const char *why = NULL;
    unsigned char *img;
    size_t len;
    int rc;

    if (!how)
        how = &mine;
    memset(how, 0, sizeof(*how));
    *out = NULL;
    if (!dir)
        dir = XLC_CPU_MAP_DEFAULT_DIR;
    if (cache && !strcmp(cache, "none"))
        return xlc_cpu_map_load(dir, out, err);
    if (cache)
        snprintf(how->path, sizeof(how->path), "%s", cache);
    else if (!xlc_cpu_map_cache_default(dir, how->path, sizeof(how->path))) {
        snprintf(how->why, sizeof(how->why), "no cache directory "
                 "($XDG_CACHE_HOME and $HOME unset)");
        return xlc_cpu_map_load(dir, out, err);
    }
    img = read_image(how->path, &len, &why);
    if (img) {
        *out = from_image(dir, img, len, &why);
        free(img);
        if (*out) {
            how->use = XLC_CPU_MAP_CACHE_HIT;
            return 0;
        }
    }
    rc = xlc_cpu_map_load(dir, out, err);
    if (rc)
        return rc;
    write_image(*out, how);
    if (how->use == XLC_CPU_MAP_CACHE_WRITTEN || !how->why[0])
        snprintf(how->why, sizeof(how->why), "%s", why ? why : "");
    return 0;
}
