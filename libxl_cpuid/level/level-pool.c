/* SPDX-License-Identifier: MIT */
/*
 * The pool object: host storage, names, and the incremental counts.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "level-internal.h"
#include "../names/featureset-text.h"
#include "../util/parts.h"
#include "../util/strbuf.h"

int xlc_pool_new(enum xlc_guest_type type, xlc_pool **out, xlc_error *err)
{
    xlc_pool *p;

    if (type != XLC_GUEST_PV && type != XLC_GUEST_HVM)
        return xlc_fail(err, EINVAL, "unknown guest type %d", (int)type);
    p = calloc(1, sizeof(*p));
    if (!p)
        return xlc_fail(err, ENOMEM, "out of memory creating a pool");
    p->type = type;
    xfs_counts_init(&p->counts);
    xfs_counts_init(&p->dcounts);
    xlc_props_level_init(&p->props_sum);
    xlc_props_level_finish(&p->props_sum);
    *out = p;
    return 0;
}

void xlc_pool_free(xlc_pool *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->nr_props_blocks; i++)
        free(p->props_blocks[i]);
    free(p->props_blocks);
    for (size_t i = 0; i < p->nr_chunks; i++)
        free(p->chunks[i]);
    free(p->chunks);
    free(p->props);
    free(p->def);
    free(p->fs);
    free(p->segs);
    free(p->name_off);
    free(p->present);
    free(p->names);
    free(p->hash);
    free(p);
}

enum xlc_guest_type xlc_pool_type(const xlc_pool *p)
{
    return p->type;
}

/* Grow one parallel array to `cap` elements of `size` bytes. */
static bool grow(void **arr, size_t cap, size_t size)
{
    void *n;

    if (cap > SIZE_MAX / size)
        return false;
    n = realloc(*arr, cap * size);
    if (!n)
        return false;
    *arr = n;
    return true;
}

int xlc_pool_reserve(xlc_pool *p, size_t n, xlc_error *err)
{
    size_t cap, old = p->cap;

    if (n > SIZE_MAX - p->nr_ids)
        return xlc_fail(err, EOVERFLOW, "pool: %zu more hosts is too many", n);
    if (p->nr_ids + n <= p->cap)
        return 0;
    cap = p->cap ? p->cap : 16;
    while (cap < p->nr_ids + n)
        cap = cap > SIZE_MAX / 2 ? p->nr_ids + n : cap * 2;
    if (!grow((void **)&p->fs, cap, sizeof(*p->fs)) ||
        (p->present && !grow((void **)&p->present, cap, sizeof(*p->present))) ||
        (p->name_off && !grow((void **)&p->name_off, cap, sizeof(uint32_t))) ||
        (p->props && !grow((void **)&p->props, cap, sizeof(*p->props))) ||
        (p->def && !grow((void **)&p->def, cap, sizeof(*p->def))))
        return xlc_fail(err, ENOMEM, "pool: out of memory for %zu hosts",
                        p->nr_ids + n);
    p->cap = cap;
    for (size_t i = old; p->name_off && i < cap; i++)
        p->name_off[i] = XLC_NO_NAME;
    if (p->props)
        memset(p->props + old, 0, (cap - old) * sizeof(*p->props));
    if (p->def)
        memset(p->def + old, 0, (cap - old) * sizeof(*p->def));
    return 0;
}

/* Allocate the name or props array the first time it is needed. */
static bool ensure_names(xlc_pool *p)
{
    if (p->name_off)
        return true;
    p->name_off = malloc((p->cap ? p->cap : 1) * sizeof(*p->name_off));
    for (size_t i = 0; p->name_off && i < p->cap; i++)
        p->name_off[i] = XLC_NO_NAME;
    return p->name_off != NULL;
}

static bool ensure_props(xlc_pool *p)
{
    if (!p->props)
        p->props = calloc(p->cap ? p->cap : 1, sizeof(*p->props));
    return p->props != NULL;
}

static bool ensure_def(xlc_pool *p)
{
    if (!p->def)
        p->def = calloc(p->cap ? p->cap : 1, sizeof(*p->def));
    return p->def != NULL;
}

/* `n` consecutive rows of owned storage, zero-padded. */
static xlc_row *new_rows(xlc_pool *p, size_t n)
{
    xlc_row **chunks;

    if (p->chunk_cap - p->chunk_used < n) {
        size_t cap = n > 256 ? n : 256;

        chunks = realloc(p->chunks, (p->nr_chunks + 1) * sizeof(*chunks));
        if (!chunks)
            return NULL;
        p->chunks = chunks;
        if (cap > SIZE_MAX / sizeof(xlc_row))
            return NULL;
        p->chunks[p->nr_chunks] = malloc(cap * sizeof(xlc_row));
        if (!p->chunks[p->nr_chunks])
            return NULL;
        p->nr_chunks++;
        p->chunk_used = 0;
        p->chunk_cap = cap;
    }
    p->chunk_used += n;
    return p->chunks[p->nr_chunks - 1] + p->chunk_used - n;
}

/* ---- names: arena + open addressing, backward-shift deletion ---- */

static const char *stored_name(const xlc_pool *p, size_t id)
{
    if (!p->name_off || p->name_off[id] == XLC_NO_NAME)
        return NULL;
    return p->names + p->name_off[id];
}

/* Slot holding `name`, or the empty slot where it would go. */
static size_t hash_slot(const xlc_pool *p, const char *name)
{
    size_t mask = p->hash_cap - 1, i = xlc_str_hash(name) & mask;

    while (p->hash[i] && strcmp(stored_name(p, p->hash[i] - 1), name))
        i = (i + 1) & mask;
    return i;
}

static bool hash_grow(xlc_pool *p)
{
    size_t cap = p->hash_cap ? p->hash_cap * 2 : 64, *old = p->hash;
    size_t old_cap = p->hash_cap;

    p->hash = calloc(cap, sizeof(*p->hash));
    if (!p->hash) {
        p->hash = old;
        return false;
    }
    p->hash_cap = cap;
    for (size_t i = 0; i < old_cap; i++)
        if (old[i])
            p->hash[hash_slot(p, stored_name(p, old[i] - 1))] = old[i];
    free(old);
    return true;
}

static void hash_delete(xlc_pool *p, const char *name)
{
    size_t mask = p->hash_cap - 1, i = hash_slot(p, name), j = i;

    if (!p->hash[i])
        return;
    p->hash[i] = 0;
    /* Pull later members of the probe run back over the hole. */
    for (;;) {
        size_t home;

        j = (j + 1) & mask;
        if (!p->hash[j])
            break;
        home = xlc_str_hash(stored_name(p, p->hash[j] - 1)) & mask;
        if (((j - home) & mask) >= ((j - i) & mask)) {
            p->hash[i] = p->hash[j];
            p->hash[j] = 0;
            i = j;
        }
    }
    p->hash_used--;
}

int xlc_pool_find(const xlc_pool *p, const char *name, size_t *id)
{
    size_t i;

    if (!p->hash_cap)
        return -ENOENT;
    i = hash_slot(p, name);
    if (!p->hash[i])
        return -ENOENT;
    *id = p->hash[i] - 1;
    return 0;
}

/* Store the name of the host about to get id p->nr_ids. */
static int add_name(xlc_pool *p, const char *name, xlc_error *err)
{
    size_t len = strlen(name), id = p->nr_ids;

    if (!len)
        return xlc_fail(err, EINVAL, "pool: a host name may not be empty");
    if (xlc_pool_find(p, name, &(size_t){ 0 }) == 0)
        return xlc_fail(err, EEXIST, "pool: a host named '%s' is already in "
                        "the pool", name);
    if (p->names_len + len + 1 > UINT32_MAX - 1)
        return xlc_fail(err, EOVERFLOW, "pool: host names too long in all");
    if (p->names_len + len + 1 > p->names_cap) {
        size_t cap = (p->names_len + len + 1) * 2;

        if (!grow((void **)&p->names, cap, 1))
            return xlc_fail(err, ENOMEM, "pool: out of memory for names");
        p->names_cap = cap;
    }
    if (((p->hash_used + 1) * 2 > p->hash_cap && !hash_grow(p)) ||
        !ensure_names(p))
        return xlc_fail(err, ENOMEM, "pool: out of memory for names");
    memcpy(p->names + p->names_len, name, len + 1);
    p->name_off[id] = (uint32_t)p->names_len;
    p->names_len += len + 1;
    p->hash[hash_slot(p, name)] = id + 1;
    p->hash_used++;
    return 0;
}

/* ---- hosts ---- */

/* Bits past the words we know cannot be levelled: say which, refuse. */
int xlc_level_check_words(const char *what, const uint32_t *fs, size_t nr,
                          xlc_error *err)
{
    struct xlc_buf b = XLC_BUF_INIT;
    unsigned int n = 0;

    for (size_t w = XFS_NR_WORDS; w < nr; w++)
        for (unsigned int bit = 0; bit < 32; bit++)
            if ((fs[w] >> bit) & 1)
                xlc_buf_printf(&b, "%s%zu", n++ ? ", " : "", w * 32 + bit);
    if (!n) {
        xlc_buf_free(&b);
        return 0;
    }
    xlc_fail(err, EINVAL, "%s: feature bit%s %s lie%s beyond the %d "
             "words this build knows; the level could not account for "
             "them", what, n > 1 ? "s" : "",
             b.s ? b.s : "?", n > 1 ? "" : "s", XFS_NR_WORDS);
    xlc_buf_free(&b);
    return -EINVAL;
}

static void store_row(uint32_t *row, const uint32_t *fs, size_t nr)
{
    for (size_t w = 0; w < XFS_COUNT_WORDS; w++)
        row[w] = w < nr && w < XFS_NR_WORDS ? fs[w] : 0;
}

static bool same_props(const struct xlc_host_props *a,
                       const struct xlc_host_props *b)
{
    if (a->vendor_known != b->vendor_known ||
        a->signature_known != b->signature_known ||
        a->limits_known != b->limits_known ||
        a->mxcsr_known != b->mxcsr_known ||
        (a->vendor_known && memcmp(a->vendor, b->vendor, sizeof(a->vendor))) ||
        (a->signature_known &&
         (a->family != b->family || a->model != b->model ||
          a->stepping != b->stepping)) ||
        (a->mxcsr_known && a->mxcsr_mask != b->mxcsr_mask))
        return false;
    return !a->limits_known || !memcmp(a->limit, b->limit, sizeof(a->limit));
}

/* A copy of props in the pool's blocks (or the last one, when equal). */
static const struct xlc_host_props *keep_props(xlc_pool *p,
                                               const struct xlc_host_props *hp)
{
    enum { PER_BLOCK = 1024 };
    struct xlc_host_props **blocks, *to;

    if (p->last_props && same_props(p->last_props, hp))
        return p->last_props;
    if (!p->nr_props_blocks || p->props_used == PER_BLOCK) {
        blocks = realloc(p->props_blocks,
                         (p->nr_props_blocks + 1) * sizeof(*blocks));
        if (!blocks)
            return NULL;
        p->props_blocks = blocks;
        blocks[p->nr_props_blocks] = malloc(PER_BLOCK * sizeof(**blocks));
        if (!blocks[p->nr_props_blocks])
            return NULL;
        p->nr_props_blocks++;
        p->props_used = 0;
    }
    to = &p->props_blocks[p->nr_props_blocks - 1][p->props_used++];
    *to = *hp;
    p->last_props = to;
    return to;
}

static int store_props(xlc_pool *p, size_t id,
                       const struct xlc_host_props *props, xlc_error *err)
{
    if (!ensure_props(p) || !(p->props[id] = (struct xlc_host_props *)
                                  keep_props(p, props)))
        return xlc_fail(err, ENOMEM, "pool: out of memory");
    return 0;
}

/* Mark ids [first, first + n) present. */
static void commit_ids(xlc_pool *p, size_t first, size_t n)
{
    if (p->present)
        memset(p->present + first, 1, n);
    p->nr_ids += n;
    p->nr_present += n;
}

/* Bulk hosts bring no properties: they only count as unchecked. */
static void commit_bulk(xlc_pool *p, size_t first, size_t n)
{
    commit_ids(p, first, n);
    p->props_sum.nr_unknown += n;
}

/* ---- counting hosts added one at a time ---- */

/* The waiting hosts' rows (and given defaults) in aligned arrays. */
static void pending_rows(const xlc_pool *p, xlc_row *rows, size_t *n,
                         xlc_row *defs, size_t *nd)
{
    *n = *nd = 0;
    for (size_t id = p->nr_ids - p->nr_pend; id < p->nr_ids; id++) {
        memcpy(rows[(*n)++], p->fs[id], sizeof(xlc_row));
        if (p->def && p->def[id])
            memcpy(defs[(*nd)++], p->def[id], sizeof(xlc_row));
    }
}

static void count_into(const xlc_pool *p, struct xfs_counts *c,
                       struct xfs_counts *dc)
{
    _Alignas(16) xlc_row rows[XLC_POOL_PEND], defs[XLC_POOL_PEND];
    size_t n, nd;

    pending_rows(p, rows, &n, defs, &nd);
    xfs_counts_add_rows(c, (const xlc_row *)rows, n);
    xfs_counts_add_rows(dc, (const xlc_row *)defs, nd);
}

/* Count the waiting hosts: before any change but adding one more. */
static void count_pending(xlc_pool *p)
{
    if (!p->nr_pend)
        return;
    count_into(p, &p->counts, &p->dcounts);
    p->nr_pend = 0;
}

void xlc_pool_counts(const xlc_pool *p, struct xfs_counts *c,
                     struct xfs_counts *dc)
{
    *c = p->counts;
    *dc = p->dcounts;
    if (p->nr_pend)
        count_into(p, c, dc);
}

/* Hosts counted or waiting to be. */
static size_t nr_counted(const xlc_pool *p)
{
    return p->counts.nr_hosts + p->nr_pend;
}

/*
 * A given default must lie within the max set (Xen derives it from max);
 * its inverted bits are the hardware's, the same as max's.
 */
static int check_default(const char *name, const uint32_t *max,
                         const uint32_t *def, size_t nr, xlc_error *err)
{
    static const struct xlc_bits_list names = { XLC_BIT_XEN, XLC_BITS_ALL,
                                                " ", false };
    const uint32_t *inv = xfs_static_masks[XFS_MASK_INVERTED];
    uint32_t out[XFS_NR_WORDS];
    struct xlc_buf b = XLC_BUF_INIT;
    int rc = xlc_level_check_words(name ? name : "host default", def, nr,
                                   err);

    if (rc)
        return rc;
    xfs_andnot(out, XFS_NR_WORDS, def, nr, max, nr);
    xfs_andnot(out, XFS_NR_WORDS, out, XFS_NR_WORDS, inv, XFS_NR_WORDS);
    if (xfs_empty(out, XFS_NR_WORDS))
        return 0;
    xlc_buf_putc(&b, ' ');
    xlc_featureset_bits(&b, out, XFS_NR_WORDS, &names);
    xlc_fail(err, EINVAL, "%s: the default set has features its max set "
             "lacks:%s", name ? name : "host", b.s ? b.s : " ?");
    xlc_buf_free(&b);
    return -EINVAL;
}

/* The default row: def's ordinary bits, max's inverted ones. */
static void store_default(uint32_t *row, const uint32_t *max,
                          const uint32_t *def, size_t nr)
{
    const uint32_t *inv = xfs_static_masks[XFS_MASK_INVERTED];

    store_row(row, def, nr);
    for (size_t w = 0; w < XFS_NR_WORDS; w++)
        row[w] = (row[w] & ~inv[w]) | ((w < nr ? max[w] : 0) & inv[w]);
}

int xlc_pool_add(xlc_pool *p, const char *name, const uint32_t *fs,
                 size_t nr, const struct xlc_host_props *props, size_t *id,
                 xlc_error *err)
{
    return xlc_pool_add_host(p, name, fs, NULL, nr, props, id, err);
}

int xlc_pool_add_host(xlc_pool *p, const char *name, const uint32_t *fs,
                      const uint32_t *def, size_t nr,
                      const struct xlc_host_props *props, size_t *id,
                      xlc_error *err)
{
    size_t new_id = p->nr_ids;
    xlc_row *row, *drow = NULL;
    int rc;

    rc = xlc_level_check_words(name ? name : "host", fs, nr, err);
    if (!rc && def)
        rc = check_default(name, fs, def, nr, err);
    if (!rc)
        rc = xlc_pool_reserve(p, 1, err);
    if (rc)
        return rc;
    if (nr_counted(p) == UINT32_MAX)
        return xlc_fail(err, EOVERFLOW, "pool: full (%u hosts)", UINT32_MAX);
    row = new_rows(p, 1);
    if (row && def && (!ensure_def(p) || !(drow = new_rows(p, 1))))
        row = NULL;
    if (!row)
        return xlc_fail(err, ENOMEM, "pool: out of memory");
    if (name && (rc = add_name(p, name, err)))
        return rc;
    if (props && (rc = store_props(p, new_id, props, err))) {
        if (name)
            hash_delete(p, name);
        return rc;
    }
    store_row(*row, fs, nr);
    p->fs[new_id] = *row;
    if (drow) {
        store_default(*drow, fs, def, nr);
        p->def[new_id] = *drow;
        p->nr_def++;
    }
    commit_ids(p, new_id, 1);
    if (++p->nr_pend == XLC_POOL_PEND)
        count_pending(p);
    xlc_props_level_fold(&p->props_sum, props, new_id);
    xlc_props_level_finish(&p->props_sum);
    if (id)
        *id = new_id;
    return 0;
}

static int check_many(xlc_pool *p, size_t count, xlc_error *err)
{
    count_pending(p);
    if (count > (size_t)(UINT32_MAX - p->counts.nr_hosts))
        return xlc_fail(err, EOVERFLOW, "pool: %zu more hosts is too many",
                        count);
    return xlc_pool_reserve(p, count, err);
}

int xlc_pool_add_many(xlc_pool *p, const uint32_t *fs, size_t nr,
                      size_t stride, size_t count, size_t *first,
                      xlc_error *err)
{
    /* Copy and count a block at a time, while the rows are in cache. */
    enum { BLOCK = 1024 };
    size_t base = p->nr_ids;
    xlc_row *rows;
    int rc;

    if (nr > XFS_NR_WORDS)
        return xlc_fail(err, EINVAL, "pool: featuresets of %zu words, this "
                        "build knows %d", nr, XFS_NR_WORDS);
    if ((rc = check_many(p, count, err)))
        return rc;
    if (!count)
        goto done;
    rows = new_rows(p, count);
    if (!rows)
        return xlc_fail(err, ENOMEM, "pool: out of memory for %zu hosts",
                        count);
    for (size_t i = 0; i < count; i += BLOCK) {
        size_t n = count - i < BLOCK ? count - i : BLOCK;

        for (size_t j = i; j < i + n; j++) {
            store_row(rows[j], fs + j * stride, nr);
            p->fs[base + j] = rows[j];
        }
        xfs_counts_add_rows(&p->counts, (const xlc_row *)rows + i, n);
    }
    commit_bulk(p, base, count);
done:
    if (first)
        *first = base;
    return 0;
}

/* ---- counting many hosts on every CPU ---- */

/* Below this, a thread costs more than it saves. */
#define SPLIT_MIN_HOSTS 65536u

struct count_job {
    struct xfs_counts counts;
    const uint32_t *fs;
    size_t stride, count;
};

static void *count_job(void *arg)
{
    struct count_job *j = arg;

    xfs_counts_add_many(&j->counts, j->fs, XFS_NR_WORDS, j->stride,
                        j->count);
    return NULL;
}

/*
 * xfs_counts_add_many() of full-length featuresets (the caller checked
 * the room), split over the CPUs when there are many: each part counted
 * apart, the counts then merged -- the same counts as one pass.  Memory
 * bandwidth, not the adds, bounds a pass over millions of hosts.
 */
void xlc_pool_count_many(struct xfs_counts *c, const uint32_t *fs,
                         size_t stride, size_t count)
{
    size_t parts = xlc_parts(count, SPLIT_MIN_HOSTS), each;
    struct count_job *jobs = parts > 1 ? calloc(parts, sizeof(*jobs)) : NULL;

    if (!jobs) {
        xfs_counts_add_many(c, fs, XFS_NR_WORDS, stride, count);
        return;
    }
    each = count / parts;
    for (size_t k = 0; k < parts; k++) {
        jobs[k].fs = fs + k * each * stride;
        jobs[k].stride = stride;
        jobs[k].count = k + 1 < parts ? each : count - k * each;
        xfs_counts_init(&jobs[k].counts);
    }
    xlc_run_parts(count_job, jobs, sizeof(*jobs), parts);
    for (size_t k = 0; k < parts; k++)
        xfs_counts_merge(c, &jobs[k].counts);
    free(jobs);
}

int xlc_pool_attach_many(xlc_pool *p, const uint32_t *fs, size_t stride,
                         size_t count, size_t *first, xlc_error *err)
{
    size_t base = p->nr_ids;
    int rc;

    if (stride < XFS_NR_WORDS)
        return xlc_fail(err, EINVAL, "pool: attached featuresets must be %d "
                        "words apart at least, not %zu", XFS_NR_WORDS,
                        stride);
    if ((rc = check_many(p, count, err)))
        return rc;
    if (count && xlc_grow(&p->segs, &p->cap_segs, p->nr_segs,
                          sizeof(*p->segs)))
        return xlc_fail(err, ENOMEM, "pool: out of memory");
    xlc_pool_count_many(&p->counts, fs, stride, count);
    if (count)
        p->segs[p->nr_segs++] = (struct xlc_pool_seg){ base, count, stride,
                                                       fs };
    commit_bulk(p, base, count);
    if (first)
        *first = base;
    return 0;
}

int xlc_pool_remove(xlc_pool *p, size_t id, xlc_error *err)
{
    if (!xlc_pool_has(p, id))
        return xlc_fail(err, ENOENT, "pool: no host with id %zu", id);
    if (!p->present) {
        /* The first removal: from now on, who is present is kept. */
        p->present = malloc(p->cap ? p->cap : 1);
        if (!p->present)
            return xlc_fail(err, ENOMEM, "pool: out of memory");
        memset(p->present, 1, p->nr_ids);
    }
    count_pending(p);
    if (xfs_counts_remove(&p->counts, xlc_pool_row(p, id), XFS_NR_WORDS))
        return xlc_fail(err, EINVAL, "pool: counts inconsistent removing "
                        "host %zu", id);
    if (stored_name(p, id)) {
        hash_delete(p, stored_name(p, id));
        p->name_off[id] = XLC_NO_NAME;
    }
    if (p->def && p->def[id]) {
        xfs_counts_remove(&p->dcounts, p->def[id], XFS_NR_WORDS);
        p->def[id] = NULL;
        p->nr_def--;
    }
    p->present[id] = 0;
    p->nr_present--;
    /* The props stay in the pool's blocks (others may share them). */
    if (p->props && p->props[id] && p->props[id]->vendor_known) {
        p->props[id] = NULL;
        xlc_props_level_of_pool(p, SIZE_MAX, &p->props_sum);
    } else {
        if (p->props)
            p->props[id] = NULL;
        p->props_sum.nr_unknown--;
    }
    return 0;
}

void xlc_props_level_of_pool(const xlc_pool *p, size_t skip,
                             struct xlc_props_level *pl)
{
    xlc_props_level_init(pl);
    for (size_t id = 0; id < p->nr_ids; id++)
        if (xlc_pool_present(p, id) && id != skip)
            xlc_props_level_fold(pl, xlc_pool_host_props(p, id), id);
    xlc_props_level_finish(pl);
}

size_t xlc_pool_nr_hosts(const xlc_pool *p)
{
    return p->nr_present;
}

size_t xlc_pool_nr_ids(const xlc_pool *p)
{
    return p->nr_ids;
}

bool xlc_pool_has(const xlc_pool *p, size_t id)
{
    return xlc_pool_present(p, id);
}

const char *xlc_pool_host_name(const xlc_pool *p, size_t id,
                               char buf[XLC_HOST_NAME_BUF])
{
    const char *s = id < p->nr_ids ? stored_name(p, id) : NULL;

    if (s)
        return s;
    snprintf(buf, XLC_HOST_NAME_BUF, "host%zu", id);
    return buf;
}

const uint32_t *xlc_pool_host_featureset(const xlc_pool *p, size_t id)
{
    return id < p->nr_ids ? xlc_pool_row(p, id) : NULL;
}

void xlc_pool_host_default(const xlc_pool *p, size_t id,
                           uint32_t out[XFS_NR_WORDS])
{
    if (id >= p->nr_ids)
        memset(out, 0, XFS_NR_WORDS * sizeof(*out));
    else if (p->def && p->def[id])
        xfs_copy(out, XFS_NR_WORDS, p->def[id], XFS_NR_WORDS);
    else
        xlc_default_from_max(p->type, xlc_pool_row(p, id), out);
}

const struct xlc_host_props *xlc_pool_host_props(const xlc_pool *p, size_t id)
{
    return p->props && id < p->nr_ids ? p->props[id] : NULL;
}

uint32_t xlc_pool_count(const xlc_pool *p, unsigned int bit)
{
    uint32_t n = xfs_counts_get(&p->counts, bit);

    for (size_t id = p->nr_ids - p->nr_pend; id < p->nr_ids; id++)
        n += xfs_test(p->fs[id], XFS_NR_WORDS, bit);
    return n;
}
