/* SPDX-License-Identifier: MIT */
/*
 * xl save files: what `xl save DOMAIN FILE` writes (Xen 4.6 and later),
 * and what users have.  The layout (tools/xl's save header, then libxl's
 * domain image format, docs/specs/libxl-migration-stream.pandoc):
 *
 *   offset 0   magic, 32 bytes: "Xen saved domain, xl format\n \0 \r"
 *          32  byte order mark, u32 0x01020304 in the saving host's order
 *          36  mandatory flags, u32: bit 0 the config is JSON, bit 1 a
 *              libxl v2 stream follows (else a legacy, pre-4.6 image);
 *              xl refuses any other bit
 *          40  optional flags, u32 (xl reads and ignores them)
 *          44  optional data length, u32
 *          48  optional data: u32 config length, the domain config (JSON,
 *              NUL-terminated); xl ignores what follows it
 *   then the libxl stream: a 16-byte big-endian header ("LibxlFmt",
 *   version 2, options: bit 0 big-endian, bit 1 converted from a legacy
 *   image, the rest reserved), then records (u32 type, u32 length, body,
 *   zero padding to 8 bytes): LIBXC_CONTEXT (empty, the libxc stream
 *   follows it), EMULATOR_XENSTORE_DATA and EMULATOR_CONTEXT for HVM
 *   guests (an 8-byte emulator id and index, then data), END.
 *
 * Refused, with the byte offset: what xl or libxl refuse (wrong magic or
 * byte order, unknown mandatory flags, optional data too short for the
 * config it announces, a bad libxl header, an unknown record type,
 * checkpoint records outside a checkpointed stream, emulator records for
 * a PV guest) and what Xen's verify-stream-v2 refuses in the framing
 * (reserved header bits, non-zero padding, non-empty END or
 * LIBXC_CONTEXT, unknown emulator ids); a legacy (pre-4.6) image is not
 * read.  The libxc stream is read exactly as a bare one.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "stream-bytes.h"
#include "stream-src.h"

#define XL_HEADER_SIZE        48u
#define XL_BYTEORDER          0x01020304u
#define XL_FLAG_JSON          (1u << 0)
#define XL_FLAG_STREAMV2      (1u << 1)

#define LIBXL_HDR_SIZE        16u
#define LIBXL_IDENT           0x4c6962786c466d74ull   /* "LibxlFmt" */
#define LIBXL_VERSION         2u
#define LIBXL_OPT_BIG_ENDIAN  (1u << 0)
#define LIBXL_OPT_LEGACY      (1u << 1)

enum libxl_rec {
    LIBXL_REC_END,
    LIBXL_REC_LIBXC_CONTEXT,
    LIBXL_REC_EMULATOR_XENSTORE_DATA,
    LIBXL_REC_EMULATOR_CONTEXT,
    LIBXL_REC_CHECKPOINT_END,
    LIBXL_REC_CHECKPOINT_STATE,
};

/* Emulator ids: unknown (legacy streams), qemu-traditional, upstream. */
#define LIBXL_EMULATOR_MAX    2u

static const char xl_magic[] = "Xen saved domain, xl format\n \0 \r";

bool xlc_xl_save_magic(const void *head, size_t n)
{
    return n >= sizeof(xl_magic) - 1 &&
           !memcmp(head, xl_magic, sizeof(xl_magic) - 1);
}

struct xl_reader {
    struct xlc_src *src;
    struct xlc_xl_save_info info;
    struct xlc_stream_info *out;   /* the libxc stream, once read */
    bool have_libxc;
    uint32_t domain_type;
    xlc_error *err;
};

/* Exactly n bytes (dst NULL: skipped), or say what was being read and
 * where it stopped. */
static int need(struct xl_reader *r, void *dst, uint64_t n, const char *what)
{
    return xlc_src_take(r->src, 0, dst, n, "xl save file", what, r->err);
}

static int xl_header(struct xl_reader *r)
{
    uint8_t h[XL_HEADER_SIZE];
    uint32_t order, flags;
    int rc = need(r, h, sizeof(h), "xl header");

    if (rc)
        return rc;
    if (!xlc_xl_save_magic(h, sizeof(h)))
        return xlc_fail(r->err, EINVAL, "offset 0: not xl's save file magic");
    order = xlc_le32(h + 32);
    if (order == 0x04030201u)
        return xlc_fail(r->err, ENOTSUP,
                        "offset 32: saved on a big-endian host; only x86 "
                        "(little-endian) save files are read");
    if (order != XL_BYTEORDER)
        return xlc_fail(r->err, EINVAL,
                        "offset 32: byte order mark 0x%08x, expected "
                        "0x%08x (xl: \"wrong byte order\")",
                        order, XL_BYTEORDER);
    flags = xlc_le32(h + 36);
    if (flags & ~(XL_FLAG_JSON | XL_FLAG_STREAMV2))
        return xlc_fail(r->err, EINVAL,
                        "offset 36: mandatory flags 0x%08x not understood "
                        "(xl refuses the file: it needs a newer xl)",
                        flags & ~(XL_FLAG_JSON | XL_FLAG_STREAMV2));
    if (!(flags & XL_FLAG_STREAMV2))
        return xlc_fail(r->err, ENOTSUP,
                        "offset 36: a legacy (pre-Xen 4.6) save image, "
                        "without a libxl v2 stream; it is not read (Xen's "
                        "convert-legacy-stream turns it into one)");
    r->info.mandatory_flags = flags;
    r->info.optional_flags = xlc_le32(h + 40);
    r->info.optional_data_len = xlc_le32(h + 44);
    r->info.config_json = flags & XL_FLAG_JSON;
    return 0;
}

/* The optional data: the config's length and the config, which xl reads
 * (its "Savefile truncated" when they do not fit), then a tail it skips. */
static int xl_optional_data(struct xl_reader *r)
{
    uint32_t len = r->info.optional_data_len;
    uint8_t b[4];
    int rc;

    if (!len)
        return 0;
    if (len < 4)
        return xlc_fail(r->err, EINVAL,
                        "offset 44: %u bytes of optional data cannot hold "
                        "the 4-byte config length (xl: \"Savefile "
                        "truncated\")", len);
    rc = need(r, b, 4, "optional data");
    if (rc)
        return rc;
    r->info.config_len = xlc_le32(b);
    if (r->info.config_len > len - 4)
        return xlc_fail(r->err, EINVAL,
                        "offset 48: the config is %u bytes but the optional "
                        "data holds %u after its length (xl: \"Savefile "
                        "truncated\")", r->info.config_len, len - 4);
    return need(r, NULL, len - 4, "optional data (the saved domain config)");
}

static int libxl_header(struct xl_reader *r)
{
    uint8_t h[LIBXL_HDR_SIZE];
    uint64_t at = r->src->pos, ident;
    uint32_t version, options;
    int rc = need(r, h, sizeof(h), "libxl stream header");

    if (rc)
        return rc;
    r->info.libxl_offset = at;
    ident = xlc_be64(h);
    version = xlc_be32(h + 8);
    options = xlc_be32(h + 12);
    if (ident != LIBXL_IDENT)
        return xlc_fail(r->err, EINVAL,
                        "offset %" PRIu64 ": libxl stream ident 0x%016" PRIx64
                        ", expected 0x%016llx (\"LibxlFmt\")",
                        at, ident, LIBXL_IDENT);
    if (version != LIBXL_VERSION)
        return xlc_fail(r->err, EINVAL,
                        "offset %" PRIu64 ": libxl stream version %u, "
                        "expected %u",
                        at + 8, version, LIBXL_VERSION);
    if (options & LIBXL_OPT_BIG_ENDIAN)
        return xlc_fail(r->err, ENOTSUP,
                        "offset %" PRIu64 ": big-endian libxl stream; only "
                        "little-endian (x86) streams are read",
                        at + 12);
    if (options & ~(LIBXL_OPT_BIG_ENDIAN | LIBXL_OPT_LEGACY))
        return xlc_fail(r->err, EINVAL,
                        "offset %" PRIu64 ": reserved libxl option bits "
                        "0x%08x set",
                        at + 12, options & ~(LIBXL_OPT_BIG_ENDIAN |
                                             LIBXL_OPT_LEGACY));
    r->info.libxl_legacy = options & LIBXL_OPT_LEGACY;
    return 0;
}

/* One libxl record as read from its header. */
struct lrec {
    uint64_t at;
    uint32_t type, length;
    const char *name;
};

static int padding(struct xl_reader *r, const struct lrec *l)
{
    uint32_t pad = (8 - l->length % 8) % 8;
    uint8_t z[8];
    int rc = need(r, z, pad, "padding of a libxl record");

    for (uint32_t i = 0; !rc && i < pad; i++)
        if (z[i])
            rc = xlc_fail(r->err, EINVAL,
                          "offset %" PRIu64 ": libxl %s record has non-zero "
                          "padding byte 0x%02x",
                          l->at + 8 + l->length + i, l->name, z[i]);
    return rc;
}

static int empty(struct xl_reader *r, const struct lrec *l)
{
    if (l->length)
        return xlc_fail(r->err, EINVAL,
                        "offset %" PRIu64 ": libxl %s record must be empty, "
                        "body length is %u",
                        l->at, l->name, l->length);
    return 0;
}

static int libxc_context(struct xl_reader *r, const struct lrec *l)
{
    int rc = empty(r, l);

    if (rc)
        return rc;
    if (r->have_libxc)
        return xlc_fail(r->err, EINVAL,
                        "offset %" PRIu64 ": a second LIBXC_CONTEXT record "
                        "(a save file holds one guest image)",
                        l->at);
    rc = xlc_stream_parse_src(r->src, true, r->out, r->err);
    if (rc)
        return rc;
    r->have_libxc = true;
    r->domain_type = r->out->domain_type;
    return 0;
}

static int emulator(struct xl_reader *r, const struct lrec *l)
{
    uint8_t h[8];
    uint32_t id;
    int rc;

    if (r->have_libxc && r->domain_type != XFS_STREAM_DOM_X86_HVM)
        return xlc_fail(r->err, EINVAL,
                        "offset %" PRIu64 ": libxl %s record for a PV guest "
                        "(libxl refuses it: only HVM guests have an "
                        "emulator)",
                        l->at, l->name);
    if (l->length < sizeof(h))
        return xlc_fail(r->err, EINVAL,
                        "offset %" PRIu64 ": libxl %s record of %u bytes "
                        "cannot hold its 8-byte emulator header",
                        l->at, l->name, l->length);
    rc = need(r, h, sizeof(h), "emulator header");
    if (rc)
        return rc;
    id = xlc_le32(h);
    if (id > LIBXL_EMULATOR_MAX)
        return xlc_fail(r->err, EINVAL,
                        "offset %" PRIu64 ": unknown emulator id %u in a "
                        "libxl %s record",
                        l->at + 8, id, l->name);
    r->info.emulator_records++;
    rc = need(r, NULL, l->length - sizeof(h), "emulator data");
    return rc ? rc : padding(r, l);
}

static const char *lrec_name(uint32_t type)
{
    switch (type) {
    case LIBXL_REC_END: return "END";
    case LIBXL_REC_LIBXC_CONTEXT: return "LIBXC_CONTEXT";
    case LIBXL_REC_EMULATOR_XENSTORE_DATA: return "EMULATOR_XENSTORE_DATA";
    case LIBXL_REC_EMULATOR_CONTEXT: return "EMULATOR_CONTEXT";
    case LIBXL_REC_CHECKPOINT_END: return "CHECKPOINT_END";
    case LIBXL_REC_CHECKPOINT_STATE: return "CHECKPOINT_STATE";
    default: return NULL;
    }
}

static int one_record(struct xl_reader *r, bool *done)
{
    uint8_t h[8];
    struct lrec l = { .at = r->src->pos };
    int rc = xlc_src_within_limit(r->src, 0, "the xl save file is", r->err);

    if (!rc)
        rc = need(r, h, sizeof(h), "libxl record header");
    if (rc)
        return rc;
    l.type = xlc_le32(h);
    l.length = xlc_le32(h + 4);
    l.name = lrec_name(l.type);
    r->info.libxl_records++;
    switch (l.type) {
    case LIBXL_REC_END:
        *done = true;
        return empty(r, &l);
    case LIBXL_REC_LIBXC_CONTEXT:
        return libxc_context(r, &l);
    case LIBXL_REC_EMULATOR_XENSTORE_DATA:
    case LIBXL_REC_EMULATOR_CONTEXT:
        return emulator(r, &l);
    case LIBXL_REC_CHECKPOINT_END:
    case LIBXL_REC_CHECKPOINT_STATE:
        return xlc_fail(r->err, EINVAL,
                        "offset %" PRIu64 ": libxl %s record: only "
                        "checkpointed (Remus, COLO) streams carry one, and "
                        "libxl refuses it anywhere else",
                        l.at, l.name);
    default:
        return xlc_fail(r->err, EINVAL,
                        "offset %" PRIu64 ": unknown libxl record type "
                        "0x%08x (libxl refuses the stream)",
                        l.at, l.type);
    }
}

static int libxl_records(struct xl_reader *r)
{
    bool done = false;
    int rc;

    while (!done) {
        if (xlc_src_at_end(r->src))
            return xlc_fail(r->err, EINVAL,
                            "offset %" PRIu64 ": the libxl stream ends "
                            "without an END record",
                            r->src->pos);
        rc = one_record(r, &done);
        if (rc)
            return rc;
    }
    if (!xlc_src_at_end(r->src))
        return xlc_fail(r->err, EINVAL,
                        "offset %" PRIu64 ": data after the libxl END record",
                        r->src->pos);
    if (!r->have_libxc)
        return xlc_fail(r->err, EINVAL,
                        "offset %" PRIu64 ": the libxl stream has no "
                        "LIBXC_CONTEXT record, so no guest image",
                        r->info.libxl_offset);
    return 0;
}

int xlc_xl_save_parse_src(struct xlc_src *s, struct xlc_stream_info *out,
                          xlc_error *err)
{
    struct xl_reader r = { .src = s, .out = out, .err = err };
    int rc;

    memset(out, 0, sizeof(*out));
    rc = xl_header(&r);
    if (!rc)
        rc = xl_optional_data(&r);
    if (!rc)
        rc = libxl_header(&r);
    if (!rc)
        rc = libxl_records(&r);
    if (rc) {
        xlc_stream_info_free(out);
        memset(out, 0, sizeof(*out));
        return rc;
    }
    out->xl_save = true;
    out->xl = r.info;
    return 0;
}
