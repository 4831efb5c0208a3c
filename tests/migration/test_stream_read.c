/* SPDX-License-Identifier: MIT */
/*
 * Reading policy records out of valid migration streams: real ones,
 * which Xen's verify-stream-v2 must accept too, streams without policy
 * records, runs of records, and record names.  Malformed streams (also
 * as files) are in test_stream_malformed.c.
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

static void realistic_streams(void **state)
{
    static const uint8_t tsc[24] = { 0 };
    static const uint8_t params[8 + 16] = { 1, 0, 0, 0, 0, 0, 0, 0, 1 };
    static const uint8_t pv_info[8] = { 8, 4 };
    static const uint8_t p2m[16] = { 0 };
    uint8_t *pages = calloc(1, 16 + 4096);
    struct xlc_stream_info info;
    struct sbuild s = { 0 };
    xlc_error err = { 0 };

    (void)state;
    assert_non_null(pages);
    pages[0] = 1; /* one normal page, pfn 0 */
    sb_head(&s);
    sb_sample_records(&s);
    sb_rec(&s, XFS_STREAM_REC_STATIC_DATA_END, NULL, 0);
    sb_rec(&s, XFS_STREAM_REC_PAGE_DATA, pages, 16 + 4096);
    sb_rec(&s, XFS_STREAM_REC_X86_TSC_INFO, tsc, sizeof(tsc));
    sb_rec(&s, XFS_STREAM_REC_HVM_PARAMS, params, sizeof(params));
    sb_rec(&s, XFS_STREAM_REC_HVM_CONTEXT, "ctx", 3);
    sb_rec(&s, XFS_STREAM_REC_OPTIONAL | 0x42, "optional", 8);
    sb_rec(&s, XFS_STREAM_REC_END, NULL, 0);
    assert_int_equal(xlc_stream_parse(s.b, s.len, &info, &err), 0);
    assert_int_equal(info.nr_records, 9);
    assert_true(info.has_cpuid && info.has_msr);
    assert_int_equal(info.policy.nr_leaves, 6);
    assert_int_equal(info.policy.msrs[1].val, 0x8000000000000001ull);
    xlc_stream_info_free(&info);
    /* Xen's checker knows no optional types: drop that one for it. */
    sb_free(&s);
    sb_head(&s);
    sb_sample_records(&s);
    sb_rec(&s, XFS_STREAM_REC_STATIC_DATA_END, NULL, 0);
    sb_rec(&s, XFS_STREAM_REC_PAGE_DATA, pages, 16 + 4096);
    sb_rec(&s, XFS_STREAM_REC_X86_TSC_INFO, tsc, sizeof(tsc));
    sb_rec(&s, XFS_STREAM_REC_HVM_PARAMS, params, sizeof(params));
    sb_rec(&s, XFS_STREAM_REC_HVM_CONTEXT, "ctx", 3);
    sb_rec(&s, XFS_STREAM_REC_END, NULL, 0);
    assert_int_equal(xlc_stream_parse(s.b, s.len, &info, &err), 0);
    xlc_stream_info_free(&info);
    if (xen_verify_stream(s.b, s.len, checker_out, sizeof(checker_out)))
        fail_msg("verify-stream-v2:\n%s", checker_out);
    sb_free(&s);

    /* A v2 PV stream from before policy records: read fine, no policy. */
    sb_ihdr(&s, 2, 0);
    sb_dhdr(&s, XFS_STREAM_DOM_X86_PV, 12);
    sb_rec(&s, XFS_STREAM_REC_X86_PV_INFO, pv_info, sizeof(pv_info));
    sb_rec(&s, XFS_STREAM_REC_X86_PV_P2M_FRAMES, p2m, sizeof(p2m));
    sb_rec(&s, XFS_STREAM_REC_PAGE_DATA, pages, 16 + 4096);
    sb_rec(&s, XFS_STREAM_REC_END, NULL, 0);
    assert_int_equal(xlc_stream_parse(s.b, s.len, &info, &err), 0);
    assert_int_equal(info.version, 2);
    assert_int_equal(info.domain_type, XFS_STREAM_DOM_X86_PV);
    assert_false(info.has_cpuid);
    assert_false(info.has_msr);
    assert_true(info.static_data_end); /* inferred at the p2m frames */
    assert_null(info.policy.leaves);
    if (xen_verify_stream(s.b, s.len, checker_out, sizeof(checker_out)))
        fail_msg("verify-stream-v2:\n%s", checker_out);
    sb_free(&s);
    free(pages);
}

/* No policy records: not an error, reported as absent. */
static void absence_is_reported(void **state)
{
    struct xlc_stream_info info;
    struct sbuild s = { 0 };
    xlc_error err = { 0 };

    (void)state;
    sb_head(&s);
    sb_tail(&s);
    assert_int_equal(xlc_stream_parse(s.b, s.len, &info, &err), 0);
    assert_false(info.has_cpuid);
    assert_false(info.has_msr);
    assert_int_equal(info.policy.nr_leaves, 0);
    assert_int_equal(info.nr_records, 2);
    sb_free(&s);
}

/* Runs of records (splicing): END is optional, offsets count from base. */
static void record_runs(void **state)
{
    struct xlc_stream_info info;
    struct sbuild s = { 0 };
    xlc_error err = { 0 };

    (void)state;
    sb_sample_records(&s);
    assert_int_equal(xlc_stream_parse_records(s.b, s.len, 3, 4096, &info,
                                              &err), 0);
    assert_int_equal(info.cpuid_offset, 4096);
    xlc_stream_info_free(&info);
    sb_rec(&s, XFS_STREAM_REC_END, NULL, 0);
    sb_rec(&s, XFS_STREAM_REC_END, NULL, 0);
    assert_int_equal(xlc_stream_parse_records(s.b, s.len, 3, 4096, &info,
                                              &err), -EINVAL);
    assert_non_null(strstr(err.msg, "offset 4296: data after the END record"));
    assert_int_equal(xlc_stream_parse_records(s.b, 8, 3, 0, &info, &err),
                     -EINVAL);
    assert_non_null(strstr(err.msg, "offset 0: X86_CPUID_POLICY record "
                                    "declares a 144 byte body"));
    assert_int_equal(xlc_stream_parse_records(s.b, s.len, 2, 0, &info, &err),
                     -EINVAL);
    assert_non_null(strstr(err.msg, "in a version 2 stream"));
    assert_int_equal(xlc_stream_parse_records(s.b, s.len, 5, 0, &info, &err),
                     -EINVAL);
    sb_free(&s);
}

static void names(void **state)
{
    (void)state;
    assert_string_equal(xlc_stream_record_name(0x11), "X86_CPUID_POLICY");
    assert_string_equal(xlc_stream_record_name(0x12), "X86_MSR_POLICY");
    assert_string_equal(xlc_stream_record_name(0x0e), "CHECKPOINT");
    assert_string_equal(xlc_stream_record_name(0x10), "STATIC_DATA_END");
    assert_null(xlc_stream_record_name(0x13));
    assert_string_equal(xlc_stream_domain_name(2), "x86 HVM");
    assert_null(xlc_stream_domain_name(9));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(realistic_streams),
        cmocka_unit_test(absence_is_reported),
        cmocka_unit_test(record_runs),
        cmocka_unit_test(names),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
