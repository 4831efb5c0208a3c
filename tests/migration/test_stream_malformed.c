/* SPDX-License-Identifier: MIT */
/*
 * Malformed migration streams: every case is its own row below, with the
 * exact message and byte offset it must produce; where the defect is one
 * of framing, Xen's verify-stream-v2 must refuse the same bytes (the cases
 * marked `xen_refuses`); every truncation of a valid stream is refused;
 * and a file says its name first.  Valid streams are read in test_stream_read.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "../helpers/stream-helpers.h"
#include "libxl_cpuid/migration/stream.h"
#include "xen/lib/cpu-policy-limits.h"

static char checker_out[65536];

/* A complete valid stream with the sample policy. */
static void valid(struct sbuild *s)
{
    sb_head(s);
    sb_sample_records(s);
    sb_tail(s);
}

/* ---- the malformed cases ---- */

static void c_empty(struct sbuild *s) { (void)s; }
static void c_short_ihdr(struct sbuild *s) { sb_bytes(s, "\xff\xff\xff", 3); }
static void c_marker(struct sbuild *s)
{
    valid(s);
    s->b[3] = 0xfe;
}
static void c_xl(struct sbuild *s)
{
    sb_bytes(s, "Xen saved domain, xl format\n \0 \r", 32);
}
static void c_id(struct sbuild *s)
{
    valid(s);
    s->b[11] = 'G';
}
static void c_version1(struct sbuild *s)
{
    valid(s);
    s->b[15] = 1;
}
static void c_version4(struct sbuild *s)
{
    valid(s);
    s->b[15] = 4;
}
static void c_opt_rsvd(struct sbuild *s)
{
    valid(s);
    s->b[16] = 0x80;
}
static void c_big_endian(struct sbuild *s)
{
    valid(s);
    s->b[17] = 1;
}
static void c_ihdr_rsvd(struct sbuild *s)
{
    valid(s);
    s->b[23] = 1;
}
static void c_short_dhdr(struct sbuild *s)
{
    sb_ihdr(s, 3, 0);
    sb_le32(s, 2);
}
static void c_dom_pvh(struct sbuild *s)
{
    valid(s);
    s->b[24] = 3;
}
static void c_dom_zero(struct sbuild *s)
{
    valid(s);
    s->b[24] = 0;
}
static void c_page_shift(struct sbuild *s)
{
    valid(s);
    s->b[28] = 13;
}
static void c_dhdr_rsvd(struct sbuild *s)
{
    valid(s);
    s->b[30] = 1;
}
static void c_no_end(struct sbuild *s)
{
    sb_head(s);
    sb_sample_records(s);
    sb_rec(s, XFS_STREAM_REC_STATIC_DATA_END, NULL, 0);
}
static void c_no_records(struct sbuild *s) { sb_head(s); }
static void c_partial_rhdr(struct sbuild *s)
{
    c_no_end(s);
    sb_bytes(s, "\0\0\0", 3);
}
static void c_body_past_end(struct sbuild *s)
{
    sb_head(s);
    sb_le32(s, XFS_STREAM_REC_HVM_CONTEXT);
    sb_le32(s, 4096);
    sb_bytes(s, "abcdefgh", 8);
}
static void c_padding_missing(struct sbuild *s)
{
    sb_head(s);
    sb_le32(s, XFS_STREAM_REC_HVM_CONTEXT);
    sb_le32(s, 5);
    sb_bytes(s, "abcde\0", 6);
}
static void c_padding_dirty(struct sbuild *s)
{
    sb_head(s);
    sb_rec(s, XFS_STREAM_REC_HVM_CONTEXT, "abcde", 5);
    s->b[s->len - 1] = 0x5a;
    sb_tail(s);
}
static void c_end_body(struct sbuild *s)
{
    sb_head(s);
    sb_sample_records(s);
    sb_rec(s, XFS_STREAM_REC_STATIC_DATA_END, NULL, 0);
    sb_rec(s, XFS_STREAM_REC_END, "12345678", 8);
}
static void c_after_end(struct sbuild *s)
{
    valid(s);
    sb_rec(s, XFS_STREAM_REC_VERIFY, NULL, 0);
}
static void c_unknown_mandatory(struct sbuild *s)
{
    sb_head(s);
    sb_rec(s, 0x13, "x", 1);
    sb_tail(s);
}
static void c_sde_v2(struct sbuild *s)
{
    sb_ihdr(s, 2, 0);
    sb_dhdr(s, XFS_STREAM_DOM_X86_HVM, 12);
    sb_tail(s);
}
static void c_cpuid_v2(struct sbuild *s)
{
    sb_ihdr(s, 2, 0);
    sb_dhdr(s, XFS_STREAM_DOM_X86_HVM, 12);
    sb_sample_records(s);
    sb_rec(s, XFS_STREAM_REC_END, NULL, 0);
}
static void c_cpuid_empty(struct sbuild *s)
{
    sb_head(s);
    sb_rec(s, XFS_STREAM_REC_X86_CPUID_POLICY, NULL, 0);
    sb_tail(s);
}
static void c_cpuid_partial_entry(struct sbuild *s)
{
    uint8_t body[25] = { 0 };

    sb_head(s);
    body[4] = 0xff, body[5] = 0xff, body[6] = 0xff, body[7] = 0xff;
    sb_rec(s, XFS_STREAM_REC_X86_CPUID_POLICY, body, sizeof(body));
    sb_tail(s);
}
static void c_msr_partial_entry(struct sbuild *s)
{
    uint8_t body[24] = { 0xce };

    sb_head(s);
    sb_rec(s, XFS_STREAM_REC_X86_MSR_POLICY, body, sizeof(body));
    sb_tail(s);
}
static void c_cpuid_too_many(struct sbuild *s)
{
    struct xfs_cpuid_leaf l[XFS_CPUID_MAX_SERIALISED_LEAVES + 1];

    memset(l, 0, sizeof(l));
    sb_head(s);
    sb_cpuid_rec(s, l, XFS_CPUID_MAX_SERIALISED_LEAVES + 1);
    sb_tail(s);
}
static void c_msr_too_many(struct sbuild *s)
{
    struct xfs_msr_entry m[3] = { { 0xce, 0, 0 }, { 0x10a, 0, 0 },
                                  { 0xce, 0, 0 } };

    sb_head(s);
    sb_msr_rec(s, m, 3);
    sb_tail(s);
}
static void c_msr_flags(struct sbuild *s)
{
    struct xfs_msr_entry m[2] = { { 0xce, 0, 0 }, { 0x10a, 4, 0 } };

    sb_head(s);
    sb_msr_rec(s, m, 2);
    sb_tail(s);
}
static void c_msr_unknown(struct sbuild *s)
{
    struct xfs_msr_entry m[1] = { { 0x48, 0, 0 } };

    sb_head(s);
    sb_msr_rec(s, m, 1);
    sb_tail(s);
}
static void c_leaf_range(struct sbuild *s)
{
    struct xfs_cpuid_leaf l[2] = { { 0, XFS_CPUID_NO_SUBLEAF, 0x14, 0, 0, 0 },
                                   { 0x14, XFS_CPUID_NO_SUBLEAF, 0, 0, 0, 0 } };

    sb_head(s);
    sb_cpuid_rec(s, l, 2);
    sb_tail(s);
}
static void c_subleaf_range(struct sbuild *s)
{
    struct xfs_cpuid_leaf l[1] = { { 1, 0, 0, 0, 0, 0 } };

    sb_head(s);
    sb_cpuid_rec(s, l, 1);
    sb_tail(s);
}
static void c_two_sde(struct sbuild *s)
{
    sb_head(s);
    sb_rec(s, XFS_STREAM_REC_STATIC_DATA_END, NULL, 0);
    sb_tail(s);
}
static void c_pages_before_sde(struct sbuild *s)
{
    uint8_t body[8 + 8] = { 1 }; /* one XTAB pfn: no page data follows */

    body[15] = 0xf0;
    sb_head(s);
    sb_rec(s, XFS_STREAM_REC_PAGE_DATA, body, sizeof(body));
    sb_tail(s);
}
static void c_sde_body(struct sbuild *s)
{
    sb_head(s);
    sb_rec(s, XFS_STREAM_REC_STATIC_DATA_END, "abc", 3);
    sb_rec(s, XFS_STREAM_REC_END, NULL, 0);
}

struct bad_case {
    const char *name;
    void (*build)(struct sbuild *s);
    int code;
    const char *msg;     /* must appear in the message, offset included */
    bool xen_refuses;    /* verify-stream-v2 refuses it too */
};

static const struct bad_case bad_cases[] = {
    { "empty", c_empty, EINVAL,
      "offset 0: stream truncated in the image header (0 of 24 bytes", true },
    { "short image header", c_short_ihdr, EINVAL,
      "offset 0: stream truncated in the image header (3 of 24", true },
    { "marker", c_marker, EINVAL,
      "offset 0: image marker 0xfffffffeffffffff, expected", true },
    /* An xl save file is read (tests/migration/test_xl_save_file.c): its header
     * alone is a truncated one. */
    { "xl save file", c_xl, EINVAL,
      "offset 0: xl save file truncated in the xl header (32 of 48 bytes "
      "present)", true },
    { "image id", c_id, EINVAL, "offset 8: image id 0x58454e47", true },
    { "version 1", c_version1, EINVAL, "offset 12: image version 1;", true },
    { "version 4", c_version4, EINVAL, "offset 12: image version 4;", true },
    { "reserved options", c_opt_rsvd, EINVAL,
      "offset 16: reserved option bits 0x8000 set", true },
    /* verify-stream-v2 tests the endianness bit with a zero mask, so it
     * never notices a big-endian stream: ours is the only refusal. */
    { "big endian", c_big_endian, ENOTSUP, "offset 16: big-endian stream",
      false },
    { "reserved image header", c_ihdr_rsvd, EINVAL,
      "offset 18: reserved image header bytes are not zero", true },
    { "short domain header", c_short_dhdr, EINVAL,
      "offset 24: stream truncated in the domain header (4 of 16", true },
    { "domain PVH", c_dom_pvh, EINVAL, "offset 24: domain type 3 (x86 PVH)",
      true },
    { "domain 0", c_dom_zero, EINVAL, "offset 24: domain type 0 (unknown)",
      true },
    { "page shift", c_page_shift, EINVAL, "offset 28: page shift 13", true },
    { "reserved domain header", c_dhdr_rsvd, EINVAL,
      "offset 30: reserved domain header bytes", true },
    { "no END", c_no_end, EINVAL,
      "offset 240: the stream ends without an END record", true },
    { "no records", c_no_records, EINVAL,
      "offset 40: the stream ends without an END record", true },
    { "partial record header", c_partial_rhdr, EINVAL,
      "offset 240: stream truncated in the record header (3 of 8", true },
    { "body past end", c_body_past_end, EINVAL,
      "offset 40: HVM_CONTEXT record declares a 4096 byte body but the "
      "stream ends after 8", true },
    { "padding missing", c_padding_missing, EINVAL,
      "offset 40: HVM_CONTEXT record is not padded to 8 bytes: the stream "
      "ends 2 bytes short", true },
    { "padding not zero", c_padding_dirty, EINVAL,
      "offset 55: HVM_CONTEXT record has non-zero padding byte 0x5a", true },
    { "END with a body", c_end_body, EINVAL,
      "offset 240: END record must be empty, body length is 8", true },
    { "data after END", c_after_end, EINVAL,
      "offset 248: data after the END record", false },
    { "unknown mandatory record", c_unknown_mandatory, EINVAL,
      "offset 40: unknown mandatory record type 0x00000013", true },
    { "STATIC_DATA_END in v2", c_sde_v2, EINVAL,
      "offset 40: STATIC_DATA_END record in a version 2 stream", true },
    { "CPUID policy in v2", c_cpuid_v2, EINVAL,
      "offset 40: X86_CPUID_POLICY record in a version 2 stream", true },
    { "empty CPUID record", c_cpuid_empty, EINVAL,
      "offset 40: empty X86_CPUID_POLICY record", true },
    { "CPUID body not whole entries", c_cpuid_partial_entry, EINVAL,
      "offset 40: X86_CPUID_POLICY record body length 25 is not a whole "
      "number of 24-byte entries", true },
    { "MSR body not whole entries", c_msr_partial_entry, EINVAL,
      "offset 40: X86_MSR_POLICY record body length 24 is not a whole "
      "number of 16-byte entries", true },
    { "too many leaves", c_cpuid_too_many, E2BIG,
      "offset 40: X86_CPUID_POLICY record holds 121 entries; Xen 4.17 "
      "accepts at most 120", false },
    { "too many MSRs", c_msr_too_many, E2BIG,
      "offset 40: X86_MSR_POLICY record holds 3 entries; Xen 4.17 accepts "
      "at most 2", false },
    { "MSR flags", c_msr_flags, EINVAL,
      "X86_MSR_POLICY record entry 1 at offset 64: MSR 0x0000010a has flags "
      "0x00000004", false },
    { "unknown MSR", c_msr_unknown, ERANGE,
      "X86_MSR_POLICY record entry 0 at offset 48: MSR 0x00000048 is not part",
      false },
    { "leaf out of range", c_leaf_range, ERANGE,
      "X86_CPUID_POLICY record entry 1 at offset 72: leaf 0x00000014 subleaf "
      "0xffffffff has no place", false },
    { "subleaf on a plain leaf", c_subleaf_range, ERANGE,
      "entry 0 at offset 48: leaf 0x00000001 subleaf 0x00000000 has no place",
      false },
    { "two STATIC_DATA_END", c_two_sde, EINVAL,
      "offset 48: second STATIC_DATA_END record (the first is at offset 40)",
      false },
    { "PAGE_DATA before STATIC_DATA_END", c_pages_before_sde, EINVAL,
      "offset 40: PAGE_DATA record before STATIC_DATA_END", false },
    { "STATIC_DATA_END with a body", c_sde_body, EINVAL,
      "offset 40: STATIC_DATA_END record must be empty, body length is 3",
      true },
};

static void malformed_streams_refused(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
        const struct bad_case *c = &bad_cases[i];
        struct sbuild s = { 0 };
        struct xlc_stream_info info;
        xlc_error err = { 0 };
        int rc, xrc;

        c->build(&s);
        rc = xlc_stream_parse(s.b, s.len, &info, &err);
        if (rc != -c->code)
            fail_msg("%s: rc %d, expected %d (%s)", c->name, rc, -c->code,
                     err.msg);
        if (!strstr(err.msg, c->msg))
            fail_msg("%s: message '%s' lacks '%s'", c->name, err.msg, c->msg);
        assert_null(info.policy.leaves);
        xrc = xen_verify_stream(s.b, s.len, checker_out, sizeof(checker_out));
        assert_true(xrc >= 0);
        if (c->xen_refuses && xrc == 0)
            fail_msg("%s: verify-stream-v2 accepted it:\n%s", c->name,
                     checker_out);
        sb_free(&s);
    }
}

/* Every strict prefix of a valid stream is refused, and leaks nothing. */
static void every_truncation_refused(void **state)
{
    struct sbuild s = { 0 };

    (void)state;
    valid(&s);
    for (size_t n = 0; n < s.len; n++) {
        struct xlc_stream_info info;
        xlc_error err = { 0 };

        if (xlc_stream_parse(s.b, n, &info, &err) != -EINVAL)
            fail_msg("prefix of %zu/%zu bytes: %s", n, s.len, err.msg);
        assert_non_null(strstr(err.msg, "offset "));
    }
    sb_free(&s);
}

/* A stream shaped like a real one: every record type the policy does not
 * need is skipped, and the policy is found in the middle of them. */
/* Files: same answers, messages prefixed with the file name. */
static void files(void **state)
{
    char path[] = "/tmp/xfs-stream-read-XXXXXX";
    struct xlc_stream_info info;
    struct sbuild s = { 0 };
    xlc_error err = { 0 };
    int fd = mkstemp(path);

    (void)state;
    assert_true(fd >= 0);
    c_padding_dirty(&s);
    assert_int_equal(write(fd, s.b, s.len), (ssize_t)s.len);
    close(fd);
    assert_int_equal(xlc_stream_load(path, &info, &err), -EINVAL);
    assert_non_null(strstr(err.msg, path));
    assert_non_null(strstr(err.msg, ": offset 55: HVM_CONTEXT record has "
                                    "non-zero padding"));
    sb_free(&s);

    fd = open(path, O_WRONLY | O_TRUNC);
    c_body_past_end(&s);
    assert_int_equal(write(fd, s.b, s.len), (ssize_t)s.len);
    close(fd);
    assert_int_equal(xlc_stream_load(path, &info, &err), -EINVAL);
    assert_non_null(strstr(err.msg, "declares a 4096 byte body but the "
                                    "stream ends after 8"));
    sb_free(&s);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(malformed_streams_refused),
        cmocka_unit_test(every_truncation_refused),
        cmocka_unit_test(files),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
