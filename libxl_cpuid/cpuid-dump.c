/* SPDX-License-Identifier: MIT */
/*
 * CPUID dumps: the leaf table builder, format detection, file loading and
 * the reader that serves a dump to the xen/ derivation code.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpuid-dump-priv.h"

/* A dump file larger than this is not a CPUID dump. */
#define DUMP_MAX_BYTES (64u << 20)

int dump_parse_hex32(const char *s, size_t len, uint32_t *v)
{
    uint64_t acc = 0;
    size_t i = 0;

    if (len >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
        i = 2;
    if (i == len)
        return -1;
    for (; i < len; i++) {
        char c = s[i];
        unsigned int digit;

        if (c >= '0' && c <= '9')
            digit = (unsigned int)(c - '0');
        else if (c >= 'a' && c <= 'f')
            digit = (unsigned int)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            digit = (unsigned int)(c - 'A' + 10);
        else
            return -1;
        acc = acc * 16 + digit;
        if (acc > UINT32_MAX)
            return -1;
    }
    *v = (uint32_t)acc;
    return 0;
}

int dump_builder_init(struct dump_builder *b, const char *source,
                      xlc_error *err)
{
    memset(b, 0, sizeof(*b));
    b->d = calloc(1, sizeof(*b->d));
    if (b->d)
        b->d->source = strdup(source);
    if (!b->d || !b->d->source) {
        dump_builder_discard(b);
        return xlc_fail(err, ENOMEM, "out of memory");
    }
    return 0;
}

void dump_builder_discard(struct dump_builder *b)
{
    xlc_dump_free(b->d);
    free(b->leaf_lines);
    free(b->msr_lines);
    memset(b, 0, sizeof(*b));
}

/* Grow an array and its parallel line array to hold one more entry. */
static int grow(void **arr, size_t elem, unsigned long **lines, size_t nr,
                size_t *cap)
{
    size_t ncap;
    void *na, *nl;

    if (nr < *cap)
        return 0;
    ncap = *cap ? *cap * 2 : 64;
    na = realloc(*arr, ncap * elem);
    if (!na)
        return -1;
    *arr = na;
    nl = realloc(*lines, ncap * sizeof(**lines));
    if (!nl)
        return -1;
    *lines = nl;
    *cap = ncap;
    return 0;
}

static size_t find_leaf(const struct xlc_cpuid_dump *d, uint32_t leaf,
                        uint32_t subleaf)
{
    for (size_t i = 0; i < d->nr_leaves; i++)
        if (d->leaves[i].leaf == leaf && d->leaves[i].subleaf == subleaf)
            return i;
    return d->nr_leaves;
}

int dump_builder_add_leaf(struct dump_builder *b, const char *name,
                          unsigned long line, uint32_t leaf, uint32_t subleaf,
                          const struct xfs_cpuid_regs *r, bool keep_first,
                          xlc_error *err)
{
    struct xlc_cpuid_dump *d = b->d;
    bool has_sub = xfs_leaf_has_subleaves(leaf);
    uint32_t stored = has_sub ? subleaf : 0;
    size_t prev = find_leaf(d, leaf, stored);

    if (prev < d->nr_leaves) {
        if (keep_first && !has_sub)
            return 0;
        if (!has_sub)
            return xlc_fail(err, EINVAL,
                            "%s:%lu: duplicate leaf 0x%08x (first at line "
                            "%lu; this leaf takes no subleaf, so ecx_in 0x%x "
                            "names the same entry)",
                            name, line, leaf, b->leaf_lines[prev], subleaf);
        return xlc_fail(err, EINVAL,
                        "%s:%lu: duplicate leaf 0x%08x subleaf 0x%x (first "
                        "at line %lu)",
                        name, line, leaf, subleaf, b->leaf_lines[prev]);
    }
    if (grow((void **)&d->leaves, sizeof(*d->leaves), &b->leaf_lines,
             d->nr_leaves, &b->leaf_cap))
        return xlc_fail(err, ENOMEM, "out of memory");
    d->leaves[d->nr_leaves] = (struct xfs_cpuid_leaf){
        .leaf = leaf, .subleaf = stored,
        .a = r->a, .b = r->b, .c = r->c, .d = r->d,
    };
    b->leaf_lines[d->nr_leaves++] = line;
    return 0;
}

int dump_builder_add_msr(struct dump_builder *b, const char *name,
                         unsigned long line, uint32_t idx, uint64_t val,
                         xlc_error *err)
{
    struct xlc_cpuid_dump *d = b->d;

    for (size_t i = 0; i < d->nr_msrs; i++)
        if (d->msrs[i].idx == idx)
            return xlc_fail(err, EINVAL,
                            "%s:%lu: duplicate MSR 0x%08x (first at line %lu)",
                            name, line, idx, b->msr_lines[i]);
    if (grow((void **)&d->msrs, sizeof(*d->msrs), &b->msr_lines, d->nr_msrs,
             &b->msr_cap))
        return xlc_fail(err, ENOMEM, "out of memory");
    d->msrs[d->nr_msrs] = (struct xfs_msr_entry){ .idx = idx, .val = val };
    b->msr_lines[d->nr_msrs++] = line;
    return 0;
}

static int cmp_leaf(const void *x, const void *y)
{
    const struct xfs_cpuid_leaf *a = x, *b = y;

    if (a->leaf != b->leaf)
        return a->leaf < b->leaf ? -1 : 1;
    if (a->subleaf != b->subleaf)
        return a->subleaf < b->subleaf ? -1 : 1;
    return 0;
}

static int cmp_msr(const void *x, const void *y)
{
    const struct xfs_msr_entry *a = x, *b = y;

    return a->idx < b->idx ? -1 : a->idx > b->idx;
}

int dump_builder_finish(struct dump_builder *b, struct xlc_cpuid_dump **out,
                        xlc_error *err)
{
    struct xlc_cpuid_dump *d = b->d;

    if (!d->nr_leaves) {
        int rc = xlc_fail(err, EINVAL, "%s: no CPUID leaves in the dump",
                          d->source);

        dump_builder_discard(b);
        return rc;
    }
    /* Sorted, so that the reader can binary-search and output is stable. */
    qsort(d->leaves, d->nr_leaves, sizeof(*d->leaves), cmp_leaf);
    if (d->nr_msrs)
        qsort(d->msrs, d->nr_msrs, sizeof(*d->msrs), cmp_msr);
    *out = d;
    b->d = NULL;
    dump_builder_discard(b);
    return 0;
}

void xlc_dump_free(struct xlc_cpuid_dump *d)
{
    if (!d)
        return;
    free(d->leaves);
    free(d->msrs);
    free(d->source);
    free(d);
}

/* The first few printable characters of the text, for error messages. */
static void first_token(const char *p, const char *end, char *tok, size_t n)
{
    size_t i = 0;

    while (p < end && i + 1 < n && *p > ' ' && *p < 0x7f)
        tok[i++] = *p++;
    tok[i] = '\0';
}

int xlc_dump_parse(const char *name, const char *text, size_t len,
                   struct xlc_cpuid_dump **out, xlc_error *err)
{
    const char *p = text, *end = text + len;
    char tok[24];

    *out = NULL;
    /* Skip a UTF-8 byte order mark and leading white space. */
    if (len >= 3 && !memcmp(p, "\xef\xbb\xbf", 3))
        p += 3;
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
        p++;
    if (p == end)
        return xlc_fail(err, EINVAL, "%s: empty file (expected a libvirt "
                        "<cpudata> XML dump or `cpuid -r` output)", name);
    if (*p == '<')
        return dump_parse_xml(name, text, len, out, err);
    if ((end - p >= 3 && !memcmp(p, "CPU", 3)) ||
        (end - p >= 2 && !memcmp(p, "0x", 2)))
        return dump_parse_cpuid_r(name, text, len, out, err);
    first_token(p, end, tok, sizeof(tok));
    return xlc_fail(err, EINVAL,
                    "%s: unrecognised format: expected a libvirt <cpudata> "
                    "XML dump or `cpuid -r` output, found '%s'", name, tok);
}

static int read_file(const char *path, char **buf, size_t *len,
                     xlc_error *err)
{
    FILE *f = fopen(path, "rb");
    size_t cap = 0, n = 0;
    char *b = NULL;

    if (!f) {
        int e = errno ? errno : EIO;

        return xlc_fail(err, e, "%s: cannot open: %s", path, strerror(e));
    }
    for (;;) {
        if (n == cap) {
            char *nb;

            if (cap >= DUMP_MAX_BYTES) {
                fclose(f);
                free(b);
                return xlc_fail(err, EFBIG, "%s: larger than %u MiB, not a "
                                "CPUID dump", path, DUMP_MAX_BYTES >> 20);
            }
            cap = cap ? cap * 2 : 65536;
            nb = realloc(b, cap + 1);
            if (!nb) {
                fclose(f);
                free(b);
                return xlc_fail(err, ENOMEM, "out of memory");
            }
            b = nb;
        }
        size_t got = fread(b + n, 1, cap - n, f);

        n += got;
        if (got == 0)
            break;
    }
    if (ferror(f)) {
        int e = errno ? errno : EIO;

        fclose(f);
        free(b);
        return xlc_fail(err, e, "%s: read error: %s", path, strerror(e));
    }
    fclose(f);
    b[n] = '\0';
    *buf = b;
    *len = n;
    return 0;
}

int xlc_dump_load(const char *path, struct xlc_cpuid_dump **out,
                  xlc_error *err)
{
    char *text = NULL;
    size_t len = 0;
    int rc;

    *out = NULL;
    rc = read_file(path, &text, &len, err);
    if (rc)
        return rc;
    rc = xlc_dump_parse(path, text, len, out, err);
    free(text);
    return rc;
}

/* ---- the reader ---- */

static const struct xfs_cpuid_leaf *lookup(const struct xlc_cpuid_dump *d,
                                           uint32_t leaf, uint32_t subleaf)
{
    struct xfs_cpuid_leaf key = { .leaf = leaf, .subleaf = subleaf };

    if (!d->nr_leaves)
        return NULL;
    return bsearch(&key, d->leaves, d->nr_leaves, sizeof(key), cmp_leaf);
}

static void reader_cpuid(void *ctx, uint32_t leaf, uint32_t subleaf,
                         struct xfs_cpuid_regs *out)
{
    const struct xlc_cpuid_dump *d = ctx;
    const struct xfs_cpuid_leaf *l;

    /* The processor ignores ECX for these leaves, and so do dumps. */
    if (!xfs_leaf_has_subleaves(leaf))
        subleaf = 0;
    l = lookup(d, leaf, subleaf);
    *out = l ? (struct xfs_cpuid_regs){ l->a, l->b, l->c, l->d }
             : (struct xfs_cpuid_regs){ 0, 0, 0, 0 };
}

static int reader_rdmsr(void *ctx, uint32_t index, uint64_t *val)
{
    const struct xlc_cpuid_dump *d = ctx;

    for (size_t i = 0; i < d->nr_msrs; i++)
        if (d->msrs[i].idx == index) {
            *val = d->msrs[i].val;
            return 0;
        }
    return -1;
}

void xlc_dump_reader(const struct xlc_cpuid_dump *d,
                     struct xfs_cpuid_reader *rd)
{
    rd->cpuid = reader_cpuid;
    rd->rdmsr = reader_rdmsr;
    /* The reader interface takes a mutable context; we only read it. */
    rd->ctx = (void *)(uintptr_t)d;
}
