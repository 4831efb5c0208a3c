/* SPDX-License-Identifier: MIT */
/*
 * Reading a libxc stream for its policy records.  The framing of every
 * record is checked (header, length, zero padding, END last), records the
 * policy does not need are skipped, and the policy records are taken as
 * Xen 4.17's restore takes them (libxenguest's handle_x86_cpuid_policy /
 * handle_x86_msr_policy and x86_static_data_complete): an empty or ragged
 * record is refused, a second one replaces the first, one after
 * STATIC_DATA_END is read but never applied (both noted), and the entries
 * of the records that are applied are checked for what Xen refuses once
 * the whole stream is read.
 *
 * Input comes from a source that can read and skip, so a saved guest of
 * many gigabytes is walked without loading its memory.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../public/arch-x86/hvm-viridian.h"
#include "../../xen/lib/cpu-policy-limits.h"
#include "stream-bytes.h"
#include "stream-check.h"
#include "stream-src.h"
#include "stream.h"

/* ---- the parser ---- */

struct parser {
    struct xlc_src *src;
    uint64_t base;             /* offset of src->pos == 0 in messages */
    uint32_t version;
    struct xlc_stream_info *out;
    uint64_t sde_offset;       /* where STATIC_DATA_END was seen/inferred */
    /* Entries in the policy record Xen would apply, when more than it
     * takes (the body is then not kept); 0 otherwise. */
    uint32_t cpuid_too_many, msr_too_many;
    xlc_error *err;
};

static uint64_t here(const struct parser *p)
{
    return p->base + p->src->pos;
}

/* Read exactly n bytes or say what was being read and where it stopped. */
static int need(struct parser *p, void *dst, size_t n, const char *what)
{
    return xlc_src_take(p->src, p->base, dst, n, "stream", what, p->err);
}

static unsigned int min_version(uint32_t type)
{
    switch (type) {
#define XLC_REC_VER_(name, value, ver, desc) \
    case value: return ver;
    XFS_STREAM_RECORD_TYPES(XLC_REC_VER_)
#undef XLC_REC_VER_
    default: return 0;
    }
}

static int parse_image_header(struct parser *p)
{
    uint8_t h[XFS_STREAM_IHDR_SIZE];
    uint64_t marker, at = here(p);
    uint32_t id, version;
    uint16_t options;
    int rc = need(p, h, sizeof(h), "image header");

    if (rc)
        return rc;
    marker = xlc_be64(h);
    id = xlc_be32(h + 8);
    version = xlc_be32(h + 12);
    options = xlc_be16(h + 16);
    if (marker != XFS_STREAM_MARKER)
        return xlc_fail(p->err, EINVAL,
                        "offset %" PRIu64 ": image marker 0x%016" PRIx64 ", "
                        "expected 0x%016llx: not a libxc v2/v3 stream (a "
                        "legacy pre-4.6 image?)",
                        at, marker, XFS_STREAM_MARKER);
    if (id != XFS_STREAM_ID)
        return xlc_fail(p->err, EINVAL,
                        "offset %" PRIu64 ": image id 0x%08x, expected 0x%08x "
                        "(\"XENF\")",
                        at + 8, id, XFS_STREAM_ID);
    if (version < XFS_STREAM_VERSION_MIN || version > XFS_STREAM_VERSION)
        return xlc_fail(p->err, EINVAL,
                        "offset %" PRIu64 ": image version %u; versions %u to "
                        "%u are understood",
                        at + 12, version, XFS_STREAM_VERSION_MIN,
                        XFS_STREAM_VERSION);
    if (options & XFS_STREAM_OPT_RESERVED)
        return xlc_fail(p->err, EINVAL,
                        "offset %" PRIu64 ": reserved option bits 0x%04x set",
                        at + 16, options & XFS_STREAM_OPT_RESERVED);
    if (options & XFS_STREAM_OPT_BIG_ENDIAN)
        return xlc_fail(p->err, ENOTSUP,
                        "offset %" PRIu64 ": big-endian stream; only "
                        "little-endian (x86) streams are read",
                        at + 16);
    if (xlc_be16(h + 18) || xlc_be32(h + 20))
        return xlc_fail(p->err, EINVAL,
                        "offset %" PRIu64 ": reserved image header bytes are "
                        "not zero",
                        at + 18);
    p->version = p->out->version = version;
    return 0;
}

static int parse_domain_header(struct parser *p)
{
    uint8_t h[XFS_STREAM_DHDR_SIZE];
    uint64_t at = here(p);
    uint32_t type;
    uint16_t shift;
    int rc = need(p, h, sizeof(h), "domain header");

    if (rc)
        return rc;
    type = xlc_le32(h);
    shift = xlc_le16(h + 4);
    if (type != XFS_STREAM_DOM_X86_PV && type != XFS_STREAM_DOM_X86_HVM)
        return xlc_fail(p->err, EINVAL,
                        "offset %" PRIu64 ": domain type %u (%s); only x86 "
                        "PV (1) and x86 HVM (2) streams carry an x86 policy",
                        at, type,
                        xlc_stream_domain_name(type)
                            ? xlc_stream_domain_name(type) : "unknown");
    if (shift != XFS_STREAM_PAGE_SHIFT)
        return xlc_fail(p->err, EINVAL,
                        "offset %" PRIu64 ": page shift %u, expected %u",
                        at + 4, shift, XFS_STREAM_PAGE_SHIFT);
    if (xlc_le16(h + 6))
        return xlc_fail(p->err, EINVAL,
                        "offset %" PRIu64 ": reserved domain header bytes "
                        "are not zero",
                        at + 6);
    p->out->domain_type = type;
    p->out->xen_major = xlc_le32(h + 8);
    p->out->xen_minor = xlc_le32(h + 12);
    return 0;
}

/* One record's header, framing and name. */
struct rec {
    uint64_t at;               /* offset of the header */
    uint32_t type, length;
    const char *name;          /* NULL for unknown types */
    char label[48];            /* "X86_CPUID_POLICY record" or "record type 0x.." */
};

/* The zero padding after a body that has been read or skipped whole. */
static int take_padding(struct parser *p, const struct rec *r)
{
    uint64_t pad = (XFS_STREAM_ALIGN - r->length % XFS_STREAM_ALIGN) %
                   XFS_STREAM_ALIGN;
    uint64_t body_at = r->at + XFS_STREAM_RHDR_SIZE;
    uint8_t zeros[XFS_STREAM_ALIGN];
    uint64_t got = xlc_src_read(p->src, zeros, (size_t)pad);

    if (got < pad)
        return xlc_fail(p->err, EINVAL,
                        "offset %" PRIu64 ": %s is not padded to 8 bytes: the "
                        "stream ends %" PRIu64 " bytes short",
                        r->at, r->label, pad - got);
    for (uint64_t i = 0; i < pad; i++)
        if (zeros[i])
            return xlc_fail(p->err, EINVAL,
                            "offset %" PRIu64 ": %s has non-zero padding byte "
                            "0x%02x",
                            body_at + r->length + i, r->label, zeros[i]);
    return 0;
}

/* The body must be present and its padding zero; body bytes go to dst
 * (when non-NULL), otherwise they are skipped. */
static int take_body(struct parser *p, const struct rec *r, uint8_t *dst)
{
    uint64_t got;

    if (dst)
        got = xlc_src_read(p->src, dst, r->length);
    else
        got = xlc_src_skip(p->src, r->length);
    if (got < r->length)
        return xlc_fail(p->err, EINVAL,
                        "offset %" PRIu64 ": %s declares a %u byte body but "
                        "the stream ends after %" PRIu64,
                        r->at, r->label, r->length, got);
    return take_padding(p, r);
}

static int empty_record(struct parser *p, const struct rec *r)
{
    if (r->length)
        return xlc_fail(p->err, EINVAL,
                        "offset %" PRIu64 ": %s must be empty, body length "
                        "is %u",
                        r->at, r->label, r->length);
    return 0;
}

static int out_of_memory(struct parser *p)
{
    return xlc_fail(p->err, ENOMEM, "out of memory");
}

/* What Xen's restore refuses in any policy record, applied or not. */
static int policy_record_framing(struct parser *p, const struct rec *r,
                                 unsigned int entry_size)
{
    if (!r->length)
        return xlc_fail(p->err, EINVAL,
                        "offset %" PRIu64 ": empty %s (Xen never writes one "
                        "and its restore refuses it)",
                        r->at, r->label);
    if (r->length % entry_size)
        return xlc_fail(p->err, EINVAL,
                        "offset %" PRIu64 ": %s body length %u is not a whole "
                        "number of %u-byte entries",
                        r->at, r->label, r->length, entry_size);
    return 0;
}

/*
 * A policy record after STATIC_DATA_END: Xen's restore applied the policy
 * there, and only stores this one.  Noted and skipped.
 */
static int late_policy_record(struct parser *p, const struct rec *r)
{
    if (xlc_stream_note_add(&p->out->notes, r->at,
                            "%s after STATIC_DATA_END (offset %" PRIu64 ") "
                            "is ignored: Xen's restore applies the policy at "
                            "STATIC_DATA_END",
                            r->label, p->sde_offset))
        return out_of_memory(p);
    return take_body(p, r, NULL);
}

/* A second record of a type: it replaces the first, as in Xen. */
static int replacing(struct parser *p, const struct rec *r, bool seen,
                     uint64_t first_at)
{
    if (seen && xlc_stream_note_add(&p->out->notes, r->at,
                                    "%s replaces the one at offset %" PRIu64
                                    ": Xen's restore keeps the last",
                                    r->label, first_at))
        return out_of_memory(p);
    return 0;
}

static int read_policy_body(struct parser *p, const struct rec *r,
                            uint8_t **body)
{
    *body = malloc(r->length);
    if (!*body)
        return xlc_fail(p->err, ENOMEM, "out of memory for a %u byte record",
                        r->length);
    return take_body(p, r, *body);
}

static int cpuid_record(struct parser *p, const struct rec *r)
{
    struct xlc_stream_info *o = p->out;
    size_t n = r->length / XFS_STREAM_CPUID_ENTRY_SIZE;
    uint8_t *body = NULL;
    int rc = policy_record_framing(p, r, XFS_STREAM_CPUID_ENTRY_SIZE);

    if (!rc && o->static_data_end)
        return late_policy_record(p, r);
    if (!rc)
        rc = replacing(p, r, o->has_cpuid, o->cpuid_offset);
    if (rc)
        return rc;
    free(o->policy.leaves);
    o->policy.leaves = NULL;
    o->policy.nr_leaves = 0;
    o->has_cpuid = true;
    o->cpuid_offset = r->at;
    /* Judged at the end, if it is still the one applied; not kept. */
    p->cpuid_too_many = n > XFS_CPUID_MAX_SERIALISED_LEAVES ? (uint32_t)n : 0;
    if (p->cpuid_too_many)
        return take_body(p, r, NULL);
    rc = read_policy_body(p, r, &body);
    if (!rc && !(o->policy.leaves = calloc(n, sizeof(*o->policy.leaves))))
        rc = xlc_fail(p->err, ENOMEM, "out of memory for %zu leaves", n);
    for (size_t i = 0; !rc && i < n; i++) {
        const uint8_t *e = body + i * XFS_STREAM_CPUID_ENTRY_SIZE;
        struct xfs_cpuid_leaf *l = &o->policy.leaves[i];

        l->leaf = xlc_le32(e);
        l->subleaf = xlc_le32(e + 4);
        l->a = xlc_le32(e + 8);
        l->b = xlc_le32(e + 12);
        l->c = xlc_le32(e + 16);
        l->d = xlc_le32(e + 20);
    }
    free(body);
    if (!rc)
        o->policy.nr_leaves = n;
    return rc;
}

static int msr_record(struct parser *p, const struct rec *r)
{
    struct xlc_stream_info *o = p->out;
    size_t n = r->length / XFS_STREAM_MSR_ENTRY_SIZE;
    uint8_t *body = NULL;
    int rc = policy_record_framing(p, r, XFS_STREAM_MSR_ENTRY_SIZE);

    if (!rc && o->static_data_end)
        return late_policy_record(p, r);
    if (!rc)
        rc = replacing(p, r, o->has_msr, o->msr_offset);
    if (rc)
        return rc;
    free(o->policy.msrs);
    o->policy.msrs = NULL;
    o->policy.nr_msrs = 0;
    o->has_msr = true;
    o->msr_offset = r->at;
    p->msr_too_many = n > XFS_MSR_MAX_SERIALISED_ENTRIES ? (uint32_t)n : 0;
    if (p->msr_too_many)
        return take_body(p, r, NULL);
    rc = read_policy_body(p, r, &body);
    if (!rc && !(o->policy.msrs = calloc(n, sizeof(*o->policy.msrs))))
        rc = xlc_fail(p->err, ENOMEM, "out of memory for %zu MSRs", n);
    for (size_t i = 0; !rc && i < n; i++) {
        const uint8_t *e = body + i * XFS_STREAM_MSR_ENTRY_SIZE;

        o->policy.msrs[i].idx = xlc_le32(e);
        o->policy.msrs[i].flags = xlc_le32(e + 4);
        o->policy.msrs[i].val = xlc_le64(e + 8);
    }
    free(body);
    if (!rc)
        o->policy.nr_msrs = n;
    return rc;
}

/*
 * The policy records Xen's restore applies, judged as it judges them
 * (x86_cpuid_copy_from_buffer, x86_msr_copy_from_buffer): too many
 * entries, a leaf or MSR with no place, flags, values too wide.  Repeats
 * are Xen's to resolve (xlc_stream_apply_policy).
 */
static int judge_applied_records(struct parser *p)
{
    const struct xlc_stream_info *o = p->out;
    const struct xlc_entries_origin leaves_at = {
        "X86_CPUID_POLICY record", true,
        o->cpuid_offset + XFS_STREAM_RHDR_SIZE, true,
    };
    const struct xlc_entries_origin msrs_at = {
        "X86_MSR_POLICY record", true,
        o->msr_offset + XFS_STREAM_RHDR_SIZE, true,
    };
    int rc;

    if (p->cpuid_too_many)
        return xlc_fail(p->err, E2BIG,
                        "offset %" PRIu64 ": X86_CPUID_POLICY record holds %u "
                        "entries; Xen 4.17 accepts at most %u",
                        o->cpuid_offset, p->cpuid_too_many,
                        XFS_CPUID_MAX_SERIALISED_LEAVES);
    if (p->msr_too_many)
        return xlc_fail(p->err, E2BIG,
                        "offset %" PRIu64 ": X86_MSR_POLICY record holds %u "
                        "entries; Xen 4.17 accepts at most %u",
                        o->msr_offset, p->msr_too_many,
                        XFS_MSR_MAX_SERIALISED_ENTRIES);
    rc = xlc_check_cpuid_entries(o->policy.leaves, o->policy.nr_leaves,
                                 &leaves_at, p->err);
    return rc ? rc : xlc_check_msr_entries(o->policy.msrs, o->policy.nr_msrs,
                                           &msrs_at, p->err);
}

/* ---- HVM_PARAMS ---- */

/* One entry, as Xen's restore sets it (HVMOP_set_param). */
static int hvm_param_entry(struct parser *p, const struct rec *r,
                           uint64_t at, uint64_t index, uint64_t value)
{
    struct xlc_stream_info *o = p->out;

    if (index >= XFS_HVM_NR_PARAMS)
        return xlc_fail(p->err, EINVAL,
                        "offset %" PRIu64 ": %s sets HVM parameter %" PRIu64
                        "; Xen 4.17 has parameters 0 to %u and refuses it "
                        "(the restore fails)",
                        at, r->label, index, XFS_HVM_NR_PARAMS - 1);
    if (index != XFS_HVM_PARAM_VIRIDIAN)
        return 0;
    if (o->has_viridian && o->viridian != value)
        return xlc_fail(p->err, EINVAL,
                        "offset %" PRIu64 ": HVM_PARAM_VIRIDIAN set again, "
                        "to 0x%" PRIx64 " after 0x%" PRIx64 " at offset %"
                        PRIu64 ": Xen sets it once and refuses a change "
                        "(-EEXIST; the restore fails)",
                        at, value, o->viridian, o->viridian_offset);
    if (!o->has_viridian) {
        o->has_viridian = true;
        o->viridian = value;
        o->viridian_offset = at;
    }
    return 0;
}

static int hvm_params_record(struct parser *p, const struct rec *r)
{
    struct xlc_stream_info *o = p->out;
    uint8_t h[XFS_STREAM_HVM_PARAMS_HDR_SIZE];
    uint8_t e[XFS_STREAM_HVM_PARAM_ENTRY_SIZE];
    uint64_t at = r->at + XFS_STREAM_RHDR_SIZE, count;
    int rc;

    if (o->domain_type != XFS_STREAM_DOM_X86_HVM)
        return xlc_fail(p->err, EINVAL,
                        "offset %" PRIu64 ": %s in an %s stream: Xen's "
                        "restore handles it for HVM guests only (the "
                        "restore fails)",
                        r->at, r->label,
                        xlc_stream_domain_name(o->domain_type));
    if (r->length < sizeof(h))
        return xlc_fail(p->err, EINVAL,
                        "offset %" PRIu64 ": %s body length %u is shorter "
                        "than its %zu byte header",
                        r->at, r->label, r->length, sizeof(h));
    rc = need(p, h, sizeof(h), "HVM_PARAMS header");
    if (rc)
        return rc;
    count = xlc_le32(h);
    if (r->length != sizeof(h) + count * XFS_STREAM_HVM_PARAM_ENTRY_SIZE)
        return xlc_fail(p->err, EINVAL,
                        "offset %" PRIu64 ": %s says %" PRIu64 " entries "
                        "(%" PRIu64 " bytes) but its body is %u bytes",
                        at, r->label, count,
                        sizeof(h) + count * XFS_STREAM_HVM_PARAM_ENTRY_SIZE,
                        r->length);
    if (xlc_le32(h + 4))
        return xlc_fail(p->err, EINVAL,
                        "offset %" PRIu64 ": %s reserved field is 0x%08x, "
                        "not zero",
                        at + 4, r->label, xlc_le32(h + 4));
    o->nr_hvm_params_records++;
    o->hvm_params_offset = r->at;
    at += sizeof(h);
    for (uint64_t i = 0; i < count; i++, at += sizeof(e)) {
        rc = need(p, e, sizeof(e), "HVM_PARAMS entries");
        if (!rc)
            rc = hvm_param_entry(p, r, at, xlc_le64(e), xlc_le64(e + 8));
        if (rc)
            return rc;
        o->nr_hvm_params++;
    }
    return take_padding(p, r);
}

static int static_data_end(struct parser *p, const struct rec *r)
{
    int rc = empty_record(p, r);

    if (rc)
        return rc;
    if (p->out->static_data_end)
        return xlc_fail(p->err, EINVAL,
                        "offset %" PRIu64 ": second STATIC_DATA_END record "
                        "(the first is at offset %" PRIu64 ")",
                        r->at, p->sde_offset);
    p->out->static_data_end = true;
    p->sde_offset = r->at;
    return 0;
}

/*
 * Memory must follow the static data.  A v3 stream says where that ends;
 * for v2 Xen infers it at the first PAGE_DATA (HVM) or X86_PV_P2M_FRAMES.
 */
static int memory_record(struct parser *p, const struct rec *r)
{
    if (p->out->static_data_end)
        return take_body(p, r, NULL);
    if (p->version >= 3)
        return xlc_fail(p->err, EINVAL,
                        "offset %" PRIu64 ": %s before STATIC_DATA_END; Xen's "
                        "restore refuses a v3 stream without it",
                        r->at, r->label);
    p->out->static_data_end = true;
    p->sde_offset = r->at;
    return take_body(p, r, NULL);
}

static int dispatch(struct parser *p, const struct rec *r)
{
    switch (r->type) {
    case XFS_STREAM_REC_END:
    case XFS_STREAM_REC_VERIFY:
    case XFS_STREAM_REC_CHECKPOINT:
        return empty_record(p, r);
    case XFS_STREAM_REC_STATIC_DATA_END:
        return static_data_end(p, r);
    case XFS_STREAM_REC_X86_CPUID_POLICY:
        return cpuid_record(p, r);
    case XFS_STREAM_REC_X86_MSR_POLICY:
        return msr_record(p, r);
    case XFS_STREAM_REC_X86_PV_P2M_FRAMES:
        if (p->out->domain_type == XFS_STREAM_DOM_X86_PV)
            return memory_record(p, r);
        return take_body(p, r, NULL);
    case XFS_STREAM_REC_PAGE_DATA:
        return memory_record(p, r);
    case XFS_STREAM_REC_HVM_PARAMS:
        return hvm_params_record(p, r);
    default:
        return take_body(p, r, NULL);
    }
}

/*
 * Read one record.  *done is set at END.  Returns 0, or an error when the
 * record is malformed, unknown and mandatory, or out of place.
 */
static int parse_record(struct parser *p, bool *done)
{
    uint8_t h[XFS_STREAM_RHDR_SIZE];
    struct rec r = { .at = here(p) };
    int rc = xlc_src_within_limit(p->src, p->base, "the stream is", p->err);

    if (!rc)
        rc = need(p, h, sizeof(h), "record header");
    if (rc)
        return rc;
    r.type = xlc_le32(h);
    r.length = xlc_le32(h + 4);
    r.name = xlc_stream_record_name(r.type);
    if (r.name)
        snprintf(r.label, sizeof(r.label), "%s record", r.name);
    else
        snprintf(r.label, sizeof(r.label), "record type 0x%08x", r.type);
    p->out->nr_records++;
    if (!r.name && !(r.type & XFS_STREAM_REC_OPTIONAL))
        return xlc_fail(p->err, EINVAL,
                        "offset %" PRIu64 ": unknown mandatory record type "
                        "0x%08x (Xen's restore would fail)",
                        r.at, r.type);
    if (r.name && min_version(r.type) > p->version)
        return xlc_fail(p->err, EINVAL,
                        "offset %" PRIu64 ": %s in a version %u stream (it "
                        "exists from version %u)",
                        r.at, r.label, p->version, min_version(r.type));
    rc = dispatch(p, &r);
    *done = !rc && r.type == XFS_STREAM_REC_END;
    return rc;
}

/*
 * Records until END; without `whole`, the input may also just run out.
 * `nested`: the stream sits in a container whose records follow END.
 */
static int parse_records(struct parser *p, bool whole, bool nested)
{
    bool done = false;
    int rc;

    while (!done) {
        if (xlc_src_at_end(p->src)) {
            if (!whole)
                return judge_applied_records(p);
            return xlc_fail(p->err, EINVAL,
                            "offset %" PRIu64 ": the stream ends without an "
                            "END record",
                            here(p));
        }
        rc = parse_record(p, &done);
        if (rc)
            return rc;
    }
    if (!nested && !xlc_src_at_end(p->src))
        return xlc_fail(p->err, EINVAL,
                        "offset %" PRIu64 ": data after the END record",
                        here(p));
    return judge_applied_records(p);
}

int xlc_stream_parse_src(struct xlc_src *s, bool nested,
                         struct xlc_stream_info *out, xlc_error *err)
{
    struct parser p = { .src = s, .out = out, .err = err };
    int rc;

    memset(out, 0, sizeof(*out));
    out->libxc_offset = s->pos;
    rc = parse_image_header(&p);
    if (!rc)
        rc = parse_domain_header(&p);
    if (!rc)
        rc = parse_records(&p, true, nested);
    if (rc)
        xlc_stream_info_free(out);
    return rc;
}

int xlc_stream_parse_records(const void *buf, size_t len, uint32_t version,
                             uint64_t base, struct xlc_stream_info *out,
                             xlc_error *err)
{
    struct xlc_src s;
    struct parser p = { .src = &s, .base = base, .out = out, .err = err };
    int rc;

    xlc_src_mem(&s, buf, len);
    memset(out, 0, sizeof(*out));
    if (version < XFS_STREAM_VERSION_MIN || version > XFS_STREAM_VERSION)
        return xlc_fail(err, EINVAL, "stream version %u is not %u to %u",
                        version, XFS_STREAM_VERSION_MIN, XFS_STREAM_VERSION);
    p.version = out->version = version;
    rc = parse_records(&p, false, false);
    if (rc)
        xlc_stream_info_free(out);
    return rc;
}

void xlc_stream_info_free(struct xlc_stream_info *s)
{
    if (!s)
        return;
    xlc_policy_entries_free(&s->policy);
    xlc_stream_notes_free(&s->notes);
}
