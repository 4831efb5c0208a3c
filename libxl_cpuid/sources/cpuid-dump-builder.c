/* SPDX-License-Identifier: MIT */
/*
 * The dump builder every reader fills (the XML and `cpuid -r` parsers,
 * the live CPU): leaves and MSRs collected as given, then sorted, exact
 * repeats merged and conflicts refused; and the dump's own lifetime.
 * The readers call in here; nothing here calls a reader back.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpuid-dump-priv.h"
#include "../util/strbuf.h"

/* The front door reads a file within them, the text parser its lines. */
const struct xlc_input_limits xlc_dump_limits = {
    "a CPUID dump (libvirt <cpudata> XML or `cpuid -r` text)",
    XLC_DUMP_MAX_BYTES,
    XLC_DUMP_MAX_LINE,
};

static int hex_digit(char c)
{
    unsigned int d = (unsigned char)c - '0';

    if (d < 10)
        return (int)d;
    d = ((unsigned char)c | 0x20) - 'a';
    return d < 6 ? (int)d + 10 : -1;
}

int dump_parse_hex32(const char *s, size_t len, uint32_t *v)
{
    uint32_t acc = 0;
    size_t i = 0;

    if (len >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
        i = 2;
    if (i == len)
        return -1;
    for (; i < len; i++) {
        int digit = hex_digit(s[i]);

        /* A fifth hex digit of 32 bits would not fit. */
        if (digit < 0 || acc > UINT32_MAX >> 4)
            return -1;
        acc = acc << 4 | (uint32_t)digit;
    }
    *v = acc;
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
    free(b->leaves);
    free(b->msrs);
    memset(b, 0, sizeof(*b));
}

int dump_builder_add_leaf(struct dump_builder *b, unsigned long line,
                          uint32_t leaf, uint32_t subleaf,
                          const struct xfs_cpuid_regs *r, xlc_error *err)
{
    if (xlc_grow(&b->leaves, &b->leaf_cap, b->nr_leaves, sizeof(*b->leaves)))
        return xlc_fail(err, ENOMEM, "out of memory");
    b->leaves[b->nr_leaves] = (struct dump_leaf_in){
        .l = { .leaf = leaf, .subleaf = subleaf,
               .a = r->a, .b = r->b, .c = r->c, .d = r->d },
        .line = line, .seq = b->nr_leaves,
    };
    b->nr_leaves++;
    return 0;
}

int dump_builder_add_msr(struct dump_builder *b, unsigned long line,
                         uint32_t idx, uint64_t val, xlc_error *err)
{
    if (xlc_grow(&b->msrs, &b->msr_cap, b->nr_msrs, sizeof(*b->msrs)))
        return xlc_fail(err, ENOMEM, "out of memory");
    b->msrs[b->nr_msrs] = (struct dump_msr_in){
        .m = { .idx = idx, .val = val }, .line = line, .seq = b->nr_msrs,
    };
    b->nr_msrs++;
    return 0;
}

int dump_leaf_cmp(const void *x, const void *y)
{
    const struct xfs_cpuid_leaf *a = x, *b = y;

    if (a->leaf != b->leaf)
        return a->leaf < b->leaf ? -1 : 1;
    if (a->subleaf != b->subleaf)
        return a->subleaf < b->subleaf ? -1 : 1;
    return 0;
}

/* By (leaf, subleaf), then arrival: the first of equal keys stays first. */
static int cmp_leaf_in(const void *x, const void *y)
{
    const struct dump_leaf_in *a = x, *b = y;
    int c = dump_leaf_cmp(&a->l, &b->l);

    return c ? c : a->seq < b->seq ? -1 : a->seq > b->seq;
}

static int cmp_msr_in(const void *x, const void *y)
{
    const struct dump_msr_in *a = x, *b = y;

    if (a->m.idx != b->m.idx)
        return a->m.idx < b->m.idx ? -1 : 1;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static bool same_regs(const struct xfs_cpuid_leaf *a,
                      const struct xfs_cpuid_leaf *b)
{
    return a->a == b->a && a->b == b->b && a->c == b->c && a->d == b->d;
}

/* "name:12: " or "name: " when the entry has no line (the live CPU). */
static void where(char *buf, size_t n, const char *name, unsigned long line)
{
    if (line)
        snprintf(buf, n, "%s:%lu", name, line);
    else
        snprintf(buf, n, "%s", name);
}

/*
 * Of all conflicting pairs, report the one whose later entry comes first
 * in the file: what a user fixing the file from the top meets first.
 */
static int leaf_conflict(const struct dump_leaf_in *first,
                         const struct dump_leaf_in *second, const char *name,
                         xlc_error *err)
{
    char at[4200];

    where(at, sizeof(at), name, second->line);
    return xlc_fail(err, EINVAL,
                    "%s: leaf 0x%08x subleaf 0x%x given twice with different "
                    "values (first at line %lu: %08x:%08x:%08x:%08x, here "
                    "%08x:%08x:%08x:%08x); a dump holds one value per leaf "
                    "and subleaf",
                    at, second->l.leaf, second->l.subleaf, first->line,
                    first->l.a, first->l.b, first->l.c, first->l.d,
                    second->l.a, second->l.b, second->l.c, second->l.d);
}

/* Sort, merge exact repeats, refuse conflicts; fills d->leaves. */
static int finish_leaves(struct dump_builder *b, xlc_error *err)
{
    struct xlc_cpuid_dump *d = b->d;
    const struct dump_leaf_in *bad1 = NULL, *bad2 = NULL;
    size_t n = 0, first = 0;

    if (b->nr_leaves)
        qsort(b->leaves, b->nr_leaves, sizeof(*b->leaves), cmp_leaf_in);
    d->leaves = malloc((b->nr_leaves ? b->nr_leaves : 1) *
                       sizeof(*d->leaves));
    if (!d->leaves)
        return xlc_fail(err, ENOMEM, "out of memory");
    for (size_t i = 0; i < b->nr_leaves; i++) {
        const struct dump_leaf_in *e = &b->leaves[i];

        /* The first of a key is kept; a repeat is compared with it. */
        if (!i || dump_leaf_cmp(&b->leaves[i - 1].l, &e->l)) {
            first = i;
            d->leaves[n++] = e->l;
        } else if (!same_regs(&b->leaves[first].l, &e->l) &&
                   (!bad2 || e->seq < bad2->seq)) {
            bad1 = &b->leaves[first];
            bad2 = e;
        }
    }
    d->nr_leaves = n;
    return bad2 ? leaf_conflict(bad1, bad2, d->source, err) : 0;
}

static int finish_msrs(struct dump_builder *b, xlc_error *err)
{
    struct xlc_cpuid_dump *d = b->d;
    const struct dump_msr_in *bad1 = NULL, *bad2 = NULL;
    size_t n = 0, first = 0;
    char at[4200];

    if (b->nr_msrs) /* qsort wants a non-null base even for none */
        qsort(b->msrs, b->nr_msrs, sizeof(*b->msrs), cmp_msr_in);
    d->msrs = malloc((b->nr_msrs ? b->nr_msrs : 1) * sizeof(*d->msrs));
    if (!d->msrs)
        return xlc_fail(err, ENOMEM, "out of memory");
    for (size_t i = 0; i < b->nr_msrs; i++) {
        const struct dump_msr_in *e = &b->msrs[i];

        if (!i || b->msrs[i - 1].m.idx != e->m.idx) {
            first = i;
            d->msrs[n++] = e->m;
        } else if (b->msrs[first].m.val != e->m.val &&
                   (!bad2 || e->seq < bad2->seq)) {
            bad1 = &b->msrs[first];
            bad2 = e;
        }
    }
    d->nr_msrs = n;
    if (!bad2)
        return 0;
    where(at, sizeof(at), d->source, bad2->line);
    return xlc_fail(err, EINVAL,
                    "%s: MSR 0x%08x given twice with different values "
                    "(first at line %lu: 0x%016llx, here 0x%016llx)",
                    at, bad2->m.idx, bad1->line,
                    (unsigned long long)bad1->m.val,
                    (unsigned long long)bad2->m.val);
}

int dump_builder_finish(struct dump_builder *b, struct xlc_cpuid_dump **out,
                        xlc_error *err)
{
    struct xlc_cpuid_dump *d = b->d;
    int rc = 0;

    if (!b->nr_leaves)
        rc = xlc_fail(err, EINVAL, "%s: no CPUID leaves in the dump",
                      d->source);
    if (!rc)
        rc = finish_leaves(b, err);
    if (!rc)
        rc = finish_msrs(b, err);
    if (rc) {
        dump_builder_discard(b);
        return rc;
    }
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
