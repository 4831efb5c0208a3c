/* SPDX-License-Identifier: MIT */
/*
 * HVM_PARAM_VIRIDIAN in migration streams (the HVM_PARAMS record, Xen's
 * docs/specs/libxc-migration-stream.pandoc: u32 count, u32 reserved, then
 * count (u64 index, u64 value) pairs):
 *  - written as Xen's writer writes it (after STATIC_DATA_END, zero
 *    values and empty records left out) and read back, for every value
 *    Xen 4.17 holds; Xen 4.17's verify-stream-v2 accepts the streams;
 *  - the writer refuses what Xen's restore would refuse;
 *  - the reader refuses, with the byte offset, what Xen's restore (or its
 *    checker) refuses, entry by entry: a short or ragged body, a reserved
 *    field, an index past HVM_NR_PARAMS, a changed HVM_PARAM_VIRIDIAN, the
 *    record in a PV stream; and takes what Xen takes (other parameters,
 *    an empty record, a repeat of the same value).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <xen/hvm/params.h>

#include "libxl_cpuid/migration/stream.h"
#include "libxl_cpuid/viridian/viridian.h"
#include "tests/helpers/stream-helpers.h"

#define HVM XFS_STREAM_DOM_X86_HVM
#define PV  XFS_STREAM_DOM_X86_PV

static void write_param(uint32_t type, uint64_t param, uint8_t **buf,
                        size_t *len)
{
    struct xlc_hvm_param p = { XFS_HVM_PARAM_VIRIDIAN, param };
    struct xlc_policy_entries e;
    xlc_error err = { 0 };

    sample_policy(&e);
    if (xlc_stream_write_standalone_params(type, &e, &p, 1, buf, len, &err))
        fail_msg("writing 0x%llx: %s", (unsigned long long)param, err.msg);
    xlc_policy_entries_free(&e);
}

/* The ABI facts against Xen 4.17's own header. */
static void abi_numbers(void **state)
{
    (void)state;
    assert_int_equal(XFS_HVM_NR_PARAMS, HVM_NR_PARAMS);
    assert_int_equal(XFS_HVM_PARAM_VIRIDIAN, HVM_PARAM_VIRIDIAN);
    assert_int_equal(XFS_STREAM_REC_HVM_PARAMS, 0x0a);
}

/* Every value Xen 4.17 holds: base_freq with any of the other 12 bits. */
static void every_value_round_trips(void **state)
{
    unsigned int verified = 0;

    (void)state;
    for (uint64_t rest = 0; rest < (1u << 12); rest++) {
        uint64_t param = XFS_HVMPV_BASE_FREQ | rest << 1;
        struct xlc_stream_info s;
        xlc_error err = { 0 };
        uint8_t *buf;
        size_t len;
        char out[4096];

        write_param(HVM, param, &buf, &len);
        assert_int_equal(xlc_stream_parse(buf, len, &s, &err), 0);
        assert_true(s.has_viridian);
        assert_int_equal(s.viridian, param);
        assert_int_equal(s.nr_hvm_params_records, 1);
        assert_int_equal(s.nr_hvm_params, 1);
        /* header, count and reserved, then the entry's index and value;
         * END follows */
        assert_int_equal(s.viridian_offset, s.hvm_params_offset + 8 + 8);
        assert_int_equal(s.hvm_params_offset + 8 + 8 + 16 + 8, len);
        assert_int_equal(buf[s.viridian_offset], XFS_HVM_PARAM_VIRIDIAN);
        assert_true(s.static_data_end);
        xlc_stream_info_free(&s);
        /* Xen's checker is slow: a spread of values. */
        if (rest % 409 == 0 || rest == 0xfff) {
            if (xen_verify_stream(buf, len, out, sizeof(out)))
                fail_msg("verify-stream-v2 refuses 0x%llx:\n%s",
                         (unsigned long long)param, out);
            assert_non_null(strstr(out, "HVM params, length 24"));
            verified++;
        }
        free(buf);
    }
    assert_int_equal(verified, 12);
}

/* Zero: libxl sets nothing, Xen writes nothing. */
static void zero_writes_no_record(void **state)
{
    struct xlc_policy_entries e;
    uint8_t *with, *without;
    size_t lw, lo;
    struct xlc_stream_info s;

    (void)state;
    write_param(HVM, 0, &with, &lw);
    sample_policy(&e);
    assert_int_equal(xlc_stream_write_standalone(HVM, &e, &without, &lo,
                                                 NULL), 0);
    assert_int_equal(lw, lo);
    assert_memory_equal(with, without, lo);
    assert_int_equal(xlc_stream_parse(with, lw, &s, NULL), 0);
    assert_false(s.has_viridian);
    assert_int_equal(s.nr_hvm_params_records, 0);
    xlc_stream_info_free(&s);
    xlc_policy_entries_free(&e);
    free(with);
    free(without);
}

static void writer_refuses(void **state)
{
    struct xlc_hvm_param twice[] = { { 9, 1 }, { 9, 1 } };
    struct xlc_hvm_param past = { HVM_NR_PARAMS, 1 };
    struct xlc_policy_entries e;
    xlc_error err = { 0 };
    uint8_t *buf;
    size_t len;
    static const struct {
        uint32_t type;
        uint64_t param;
        const char *says;
    } bad[] = {
        { PV, XFS_HVMPV_BASE_FREQ, "PV stream" },
        { HVM, XFS_HVMPV_TIME_REF_COUNT, "refuses it" },
        { HVM, XFS_HVMPV_BASE_FREQ | 1u << 13, "refuses it" },
    };

    (void)state;
    sample_policy(&e);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct xlc_hvm_param p = { XFS_HVM_PARAM_VIRIDIAN, bad[i].param };

        assert_int_equal(xlc_stream_write_standalone_params(
                             bad[i].type, &e, &p, 1, &buf, &len, &err),
                         -EINVAL);
        assert_null(buf);
        assert_non_null(strstr(err.msg, bad[i].says));
    }
    assert_int_equal(xlc_stream_write_standalone_params(HVM, &e, twice, 2,
                                                        &buf, &len, &err),
                     -EINVAL);
    assert_non_null(strstr(err.msg, "given twice"));
    assert_int_equal(xlc_stream_write_standalone_params(HVM, &e, &past, 1,
                                                        &buf, &len, &err),
                     -EINVAL);
    assert_non_null(strstr(err.msg, "0 to 38"));
    xlc_policy_entries_free(&e);
}

/* ---- reading streams built byte by byte ---- */

/* An HVM_PARAMS body: count, reserved, then the pairs. */
static void params_rec(struct sbuild *s, uint32_t count, uint32_t reserved,
                       const uint64_t *pairs, size_t nr_pairs, uint32_t len)
{
    struct sbuild body = { 0 };

    sb_le32(&body, count);
    sb_le32(&body, reserved);
    for (size_t i = 0; i < 2 * nr_pairs; i++)
        sb_le64(&body, pairs[i]);
    sb_rec(s, XFS_STREAM_REC_HVM_PARAMS, body.b,
           len == UINT32_MAX ? (uint32_t)body.len : len);
    sb_free(&body);
}

struct parsed {
    int rc;
    char msg[XLC_ERROR_MSG_MAX];
    struct xlc_stream_info s;
    int checker;               /* verify-stream-v2's exit status */
};

static void parse(struct sbuild *s, struct parsed *p)
{
    xlc_error err = { 0 };
    char out[4096];

    p->rc = xlc_stream_parse(s->b, s->len, &p->s, &err);
    snprintf(p->msg, sizeof(p->msg), "%s", err.msg);
    p->checker = xen_verify_stream(s->b, s->len, out, sizeof(out));
    assert_true(p->checker >= 0);
}

/* head, sample records, STATIC_DATA_END, then the caller's HVM_PARAMS
 * records (added by fill), then END. */
static void build(struct sbuild *s, uint32_t type)
{
    memset(s, 0, sizeof(*s));
    sb_ihdr(s, 3, 0);
    sb_dhdr(s, type, 12);
    sb_sample_records(s);
    sb_rec(s, XFS_STREAM_REC_STATIC_DATA_END, NULL, 0);
}

static void end(struct sbuild *s)
{
    sb_rec(s, XFS_STREAM_REC_END, NULL, 0);
}

static void refused(struct sbuild *s, const char *says, uint64_t offset,
                    bool checker_too)
{
    struct parsed p;
    char at[48];

    parse(s, &p);
    snprintf(at, sizeof(at), "offset %llu:", (unsigned long long)offset);
    if (p.rc != -EINVAL || !strstr(p.msg, says) || !strstr(p.msg, at))
        fail_msg("expected -EINVAL with '%s' at %s, got %d: %s", says, at,
                 p.rc, p.msg);
    if (checker_too)
        assert_int_not_equal(p.checker, 0);
    else
        assert_int_equal(p.checker, 0);
    sb_free(s);
}

static void accepted(struct sbuild *s, bool has, uint64_t value,
                     unsigned int records, uint64_t entries)
{
    struct parsed p;

    parse(s, &p);
    if (p.rc)
        fail_msg("refused: %s", p.msg);
    assert_int_equal(p.checker, 0);
    assert_int_equal(p.s.has_viridian, has);
    if (has)
        assert_int_equal(p.s.viridian, value);
    assert_int_equal(p.s.nr_hvm_params_records, records);
    assert_int_equal(p.s.nr_hvm_params, entries);
    xlc_stream_info_free(&p.s);
    sb_free(s);
}

static void reader_rules(void **state)
{
    const uint64_t vir[] = { HVM_PARAM_VIRIDIAN, 0x1865 };
    const uint64_t vir2[] = { HVM_PARAM_VIRIDIAN, 0x65 };
    const uint64_t others[] = { HVM_PARAM_STORE_PFN, 0xfeffc,
                                HVM_PARAM_VIRIDIAN, 0x1865,
                                HVM_PARAM_CONSOLE_PFN, 0xfefff };
    const uint64_t past[] = { HVM_NR_PARAMS, 1 };
    struct sbuild s;
    size_t at;

    (void)state;
    /* Xen's own shape, other parameters beside it. */
    build(&s, HVM);
    params_rec(&s, 3, 0, others, 3, UINT32_MAX);
    end(&s);
    accepted(&s, true, 0x1865, 1, 3);
    /* An empty record: Xen's restore tolerates it, the checker warns. */
    build(&s, HVM);
    params_rec(&s, 0, 0, NULL, 0, UINT32_MAX);
    end(&s);
    accepted(&s, false, 0, 1, 0);
    /* A checkpoint repeats the same value: fine. */
    build(&s, HVM);
    params_rec(&s, 1, 0, vir, 1, UINT32_MAX);
    sb_rec(&s, XFS_STREAM_REC_CHECKPOINT, NULL, 0);
    params_rec(&s, 1, 0, vir, 1, UINT32_MAX);
    end(&s);
    accepted(&s, true, 0x1865, 2, 2);
    /* Before STATIC_DATA_END: Xen sets it there all the same. */
    memset(&s, 0, sizeof(s));
    sb_head(&s);
    params_rec(&s, 1, 0, vir, 1, UINT32_MAX);
    sb_sample_records(&s);
    sb_tail(&s);
    accepted(&s, true, 0x1865, 1, 1);

    /* A different value later: Xen refuses the change. */
    build(&s, HVM);
    params_rec(&s, 1, 0, vir, 1, UINT32_MAX);
    at = s.len;
    params_rec(&s, 1, 0, vir2, 1, UINT32_MAX);
    end(&s);
    refused(&s, "-EEXIST", at + 16, false);
    /* An index Xen does not have. */
    build(&s, HVM);
    at = s.len;
    params_rec(&s, 1, 0, past, 1, UINT32_MAX);
    end(&s);
    refused(&s, "parameters 0 to 38", at + 16, false);
    /* A non-zero reserved field: the checker refuses it too. */
    build(&s, HVM);
    at = s.len;
    params_rec(&s, 1, 7, vir, 1, UINT32_MAX);
    end(&s);
    refused(&s, "reserved field", at + 12, true);
    /* A count that is not the body's. */
    build(&s, HVM);
    at = s.len;
    params_rec(&s, 2, 0, vir, 1, UINT32_MAX);
    end(&s);
    refused(&s, "says 2 entries", at + 8, true);
    /* Shorter than its header. */
    build(&s, HVM);
    at = s.len;
    params_rec(&s, 1, 0, NULL, 0, 4);
    end(&s);
    refused(&s, "shorter than its 8 byte header", at, true);
    /* In a PV stream: Xen's PV restore fails on it (the checker only
     * checks the layout). */
    build(&s, PV);
    at = s.len;
    params_rec(&s, 1, 0, vir, 1, UINT32_MAX);
    end(&s);
    refused(&s, "HVM guests only", at, false);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(abi_numbers),
        cmocka_unit_test(every_value_round_trips),
        cmocka_unit_test(zero_writes_no_record),
        cmocka_unit_test(writer_refuses),
        cmocka_unit_test(reader_rules),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
