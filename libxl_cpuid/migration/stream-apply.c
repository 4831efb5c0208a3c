/* SPDX-License-Identifier: MIT */
/*
 * A stream's policy records as Xen 4.17's restore applies them
 * (libxenguest's x86_static_data_complete -> xc_set_domain_cpu_policy ->
 * XEN_DOMCTL_set_cpu_policy): the freestanding core does what Xen does
 * (xfs_policy_deserialise_as_xen); this turns each change it reports, and
 * each refusal, into words at the byte offset of the entry concerned.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../policy/cpu-policy.h"
#include "../util/strbuf.h"
#include "stream-check.h"
#include "stream.h"

void xlc_stream_notes_free(struct xlc_stream_notes *n)
{
    if (!n)
        return;
    for (size_t i = 0; i < n->n; i++)
        free(n->v[i].text);
    free(n->v);
    n->v = NULL;
    n->n = 0;
}

int xlc_stream_note_add(struct xlc_stream_notes *n, uint64_t offset,
                        const char *fmt, ...)
{
    struct xlc_stream_note *v;
    va_list ap;
    char *text;
    int len;

    if (n->n > XLC_STREAM_MAX_NOTES)
        return 0;
    if (n->n == XLC_STREAM_MAX_NOTES) {
        len = asprintf(&text, "more than %u changes: the rest are not "
                       "listed", XLC_STREAM_MAX_NOTES);
    } else {
        va_start(ap, fmt);
        len = vasprintf(&text, fmt, ap);
        va_end(ap);
    }
    if (len < 0)
        return -ENOMEM;
    v = realloc(n->v, (n->n + 1) * sizeof(*v));
    if (!v) {
        free(text);
        return -ENOMEM;
    }
    n->v = v;
    n->v[n->n++] = (struct xlc_stream_note){ offset, text };
    return 0;
}

/* What the core reports, with the containers' offsets to place it. */
struct apply_ctx {
    const struct xlc_entries_origin *leaves_at, *msrs_at;
    const struct xlc_policy_entries *e;
    struct xlc_stream_notes *notes;
    int rc;                           /* -ENOMEM once a note was lost */
};

static uint64_t offset_of(const struct xlc_entries_origin *o, uint32_t i,
                          unsigned int size)
{
    return o->has_offset ? o->body + (uint64_t)i * size : 0;
}

/* "X86_CPUID_POLICY record entry 3" (and its offset, when known). */
static void put_entry(struct xlc_buf *b, const struct xlc_entries_origin *o,
                      uint32_t i, unsigned int size)
{
    xlc_buf_printf(b, "%s entry %" PRIu32, o->what, i);
    if (o->has_offset)
        xlc_buf_printf(b, " (offset %" PRIu64 ")", offset_of(o, i, size));
}

static void put_key(struct xlc_buf *b, const struct xfs_cpuid_leaf *l)
{
    xlc_buf_printf(b, "leaf 0x%08" PRIx32, l->leaf);
    if (l->subleaf != XFS_CPUID_NO_SUBLEAF)
        xlc_buf_printf(b, " subleaf %" PRIu32, l->subleaf);
}

static bool same_leaf(const struct xfs_cpuid_leaf *a,
                      const struct xfs_cpuid_leaf *b)
{
    return a->a == b->a && a->b == b->b && a->c == b->c && a->d == b->d;
}

static void describe(struct apply_ctx *c, const struct xfs_policy_error *ch,
                     struct xlc_buf *b, uint64_t *at)
{
    const struct xlc_policy_entries *e = c->e;

    switch (ch->kind) {
    case XFS_PERR_DUPLICATE:
        *at = offset_of(c->leaves_at, ch->index, 24);
        put_key(b, &ch->leaf);
        xlc_buf_puts(b, " in ");
        put_entry(b, c->leaves_at, ch->index, 24);
        xlc_buf_printf(b, " repeats ");
        put_entry(b, c->leaves_at, ch->first_index, 24);
        xlc_buf_printf(b, " with %s value; the later one is used, as Xen's "
                          "restore does",
                       same_leaf(&e->leaves[ch->first_index], &ch->leaf)
                           ? "the same" : "a different");
        break;
    case XFS_PERR_MSR_DUPLICATE:
        *at = offset_of(c->msrs_at, ch->index, 16);
        xlc_buf_printf(b, "MSR 0x%08" PRIx32 " in ", ch->msr.idx);
        put_entry(b, c->msrs_at, ch->index, 16);
        xlc_buf_puts(b, " repeats ");
        put_entry(b, c->msrs_at, ch->first_index, 16);
        xlc_buf_printf(b, " with %s value; the later one is used, as Xen's "
                          "restore does",
                       e->msrs[ch->first_index].val == ch->msr.val
                           ? "the same" : "a different");
        break;
    case XFS_PERR_HV_VALUE:
        *at = offset_of(c->leaves_at, ch->index, 24);
        put_key(b, &ch->leaf);
        xlc_buf_puts(b, " in ");
        put_entry(b, c->leaves_at, ch->index, 24);
        xlc_buf_printf(b, " is %08" PRIx32 ":%08" PRIx32 ":%08" PRIx32
                          ":%08" PRIx32 "; Xen keeps only eax's low 8 bits "
                          "(a max leaf offset of 0x%02" PRIx32 ") and "
                          "ignores ebx, ecx and edx",
                       ch->leaf.a, ch->leaf.b, ch->leaf.c, ch->leaf.d,
                       ch->leaf.a & 0xff);
        break;
    case XFS_PERR_BEYOND_MAX:
    default:
        *at = offset_of(c->leaves_at, ch->index, 24);
        put_key(b, &ch->leaf);
        xlc_buf_puts(b, " in ");
        put_entry(b, c->leaves_at, ch->index, 24);
        xlc_buf_puts(b, " is ");
        xlc_policy_limit_text(ch, b);
        xlc_buf_puts(b, " and is dropped, as Xen's restore does");
        break;
    }
}

static void on_change(void *ctx, const struct xfs_policy_error *ch)
{
    struct apply_ctx *c = ctx;
    struct xlc_buf b = XLC_BUF_INIT;
    uint64_t at = 0;

    if (!c->notes || c->rc)
        return;
    describe(c, ch, &b, &at);
    if (b.oom || xlc_stream_note_add(c->notes, at, "%s", b.s))
        c->rc = -ENOMEM;
    xlc_buf_free(&b);
}

/* A refusal: the core's words, placed at the entry. */
static int refused(const struct xfs_policy_error *e,
                   const struct apply_ctx *c, xlc_error *err)
{
    bool msr = e->kind >= XFS_PERR_MSR_TOO_MANY;
    const struct xlc_entries_origin *o = msr ? c->msrs_at : c->leaves_at;
    struct xlc_buf b = XLC_BUF_INIT;
    int code = EINVAL, rc;

    if (e->kind == XFS_PERR_TOO_MANY || e->kind == XFS_PERR_MSR_TOO_MANY)
        code = E2BIG;
    else if (e->kind == XFS_PERR_LEAF_RANGE ||
             e->kind == XFS_PERR_SUBLEAF_RANGE ||
             e->kind == XFS_PERR_MSR_UNKNOWN)
        code = ERANGE;
    else if (e->kind == XFS_PERR_MSR_VALUE)
        code = EOVERFLOW;
    if (e->kind != XFS_PERR_TOO_MANY && e->kind != XFS_PERR_MSR_TOO_MANY) {
        put_entry(&b, o, e->index, msr ? 16 : 24);
        xlc_buf_puts(&b, ": ");
    } else {
        xlc_buf_printf(&b, "%s: ", o->what);
    }
    xlc_policy_error_text(e, &b);
    xlc_buf_puts(&b, " (Xen's restore refuses it)");
    rc = b.oom ? xlc_fail(err, ENOMEM, "out of memory")
               : xlc_fail(err, code, "%s", b.s);
    xlc_buf_free(&b);
    return rc;
}

int xlc_entries_apply_as_xen(const struct xlc_policy_entries *e,
                             const struct xlc_entries_origin *leaves_at,
                             const struct xlc_entries_origin *msrs_at,
                             struct xfs_cpu_policy *p,
                             struct xlc_stream_notes *notes, xlc_error *err)
{
    struct apply_ctx c = { leaves_at, msrs_at, e, notes, 0 };
    struct xfs_policy_error pe;

    if (e->nr_leaves > UINT32_MAX || e->nr_msrs > UINT32_MAX)
        return xlc_fail(err, E2BIG, "%zu CPUID leaves and %zu MSRs: too "
                        "many", e->nr_leaves, e->nr_msrs);
    if (xfs_policy_deserialise_as_xen(p, e->leaves, (uint32_t)e->nr_leaves,
                                      e->msrs, (uint32_t)e->nr_msrs,
                                      on_change, &c, &pe))
        return refused(&pe, &c, err);
    if (c.rc)
        return xlc_fail(err, ENOMEM, "out of memory for stream notes");
    return 0;
}

static int copy_notes(const struct xlc_stream_notes *from,
                      struct xlc_stream_notes *to)
{
    for (size_t i = 0; i < from->n; i++)
        if (xlc_stream_note_add(to, from->v[i].offset, "%s",
                                from->v[i].text))
            return -ENOMEM;
    return 0;
}

int xlc_stream_apply_policy(const struct xlc_stream_info *s,
                            struct xfs_cpu_policy *p,
                            struct xlc_stream_notes *notes, xlc_error *err)
{
    const struct xlc_entries_origin leaves_at = {
        "X86_CPUID_POLICY record", true,
        s->cpuid_offset + XFS_STREAM_RHDR_SIZE, true,
    };
    const struct xlc_entries_origin msrs_at = {
        "X86_MSR_POLICY record", true,
        s->msr_offset + XFS_STREAM_RHDR_SIZE, true,
    };

    if (notes && copy_notes(&s->notes, notes))
        return xlc_fail(err, ENOMEM, "out of memory for stream notes");
    return xlc_entries_apply_as_xen(&s->policy, &leaves_at, &msrs_at, p,
                                    notes, err);
}
