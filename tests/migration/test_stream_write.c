/* SPDX-License-Identifier: MIT */
/*
 * Writing the policy into migration streams: standalone streams for every
 * shared CPUID dump must pass Xen 4.17's own checker (verify-stream-v2),
 * spliced records must read back unchanged, and the writer must refuse
 * policies Xen's restore would refuse.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "../helpers/stream-helpers.h"
#include "libxl_cpuid/migration/stream.h"
#include "xen/lib/cpu-policy-limits.h"

static char checker_out[65536];

static void assert_entries_equal(const struct xlc_policy_entries *a,
                                 const struct xlc_policy_entries *b)
{
    assert_int_equal(a->nr_leaves, b->nr_leaves);
    assert_int_equal(a->nr_msrs, b->nr_msrs);
    for (size_t i = 0; i < a->nr_leaves; i++)
        assert_memory_equal(&a->leaves[i], &b->leaves[i], sizeof(a->leaves[i]));
    for (size_t i = 0; i < a->nr_msrs; i++)
        assert_memory_equal(&a->msrs[i], &b->msrs[i], sizeof(a->msrs[i]));
}

/* Write, have Xen's checker accept it, read it back. */
static void write_check_read(uint32_t type, const struct xlc_policy_entries *e,
                             const char *name)
{
    struct xlc_stream_info info;
    xlc_error err = { 0 };
    uint8_t *buf;
    size_t len;
    char want[64];
    int rc;

    rc = xlc_stream_write_standalone(type, e, &buf, &len, &err);
    if (rc)
        fail_msg("%s: write: %s", name, err.msg);
    rc = xen_verify_stream(buf, len, checker_out, sizeof(checker_out));
    if (rc)
        fail_msg("%s (%s): verify-stream-v2 exit %d:\n%s", name,
                 xlc_stream_domain_name(type), rc, checker_out);
    snprintf(want, sizeof(want), "Domain Header: %s from Xen 4.17",
             xlc_stream_domain_name(type));
    assert_non_null(strstr(checker_out, want));
    if (e->nr_leaves) {
        snprintf(want, sizeof(want), "x86 CPUID policy, length %zu",
                 e->nr_leaves * 24);
        if (!strstr(checker_out, want))
            fail_msg("%s: checker did not report '%s':\n%s", name, want,
                     checker_out);
    }
    if (xlc_stream_parse(buf, len, &info, &err))
        fail_msg("%s: read back: %s", name, err.msg);
    assert_int_equal(info.domain_type, type);
    assert_int_equal(info.version, 3);
    assert_true(info.static_data_end);
    assert_int_equal(info.has_cpuid, e->nr_leaves != 0);
    assert_int_equal(info.has_msr, e->nr_msrs != 0);
    assert_entries_equal(&info.policy, e);
    xlc_stream_info_free(&info);
    free(buf);
}

static void every_dump_passes_xen_checker(void **state)
{
    const char *dir = shared_dump_dir();
    size_t n;
    char **names;

    (void)state;
    assert_non_null(dir);
    names = list_dumps(dir, &n);
    if (n < 40)
        fail_msg("expected the 40 shared dumps in %s, found %zu", dir, n);
    for (size_t i = 0; i < n; i++) {
        struct xlc_policy_entries e;
        char path[4096];

        snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
        assert_int_equal(dump_policy_entries(path, &e), 0);
        assert_true(e.nr_leaves > 10);
        write_check_read(XFS_STREAM_DOM_X86_PV, &e, names[i]);
        write_check_read(XFS_STREAM_DOM_X86_HVM, &e, names[i]);
        xlc_policy_entries_free(&e);
    }
    free_names(names, n);
}

static void sample_and_empty_policies_pass(void **state)
{
    struct xlc_policy_entries e = { 0 };

    (void)state;
    /* No policy at all: headers, STATIC_DATA_END, END. */
    write_check_read(XFS_STREAM_DOM_X86_HVM, &e, "empty");
    sample_policy(&e);
    write_check_read(XFS_STREAM_DOM_X86_PV, &e, "sample");
    /* CPUID only, MSRs only. */
    e.nr_msrs = 0;
    write_check_read(XFS_STREAM_DOM_X86_HVM, &e, "cpuid only");
    e.nr_msrs = 2;
    e.nr_leaves = 0;
    write_check_read(XFS_STREAM_DOM_X86_HVM, &e, "msr only");
    xlc_policy_entries_free(&e);
}

/* The first bytes are fixed by the format: check them literally. */
static void standalone_layout_bytes(void **state)
{
    static const uint8_t head[] = {
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, /* marker */
        'X', 'E', 'N', 'F', 0, 0, 0, 3,                 /* id, version */
        0, 0, 0, 0, 0, 0, 0, 0,                         /* options, rsvd */
        2, 0, 0, 0, 12, 0, 0, 0,                        /* HVM, shift */
        4, 0, 0, 0, 17, 0, 0, 0,                        /* Xen 4.17 */
        0x11, 0, 0, 0, 6 * 24, 0, 0, 0,                 /* CPUID record */
    };
    static const uint8_t tail[] = {
        0x12, 0, 0, 0, 32, 0, 0, 0,                     /* MSR record */
        0xce, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x80, 0, 0, 0, 0,
        0x0a, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0x80,
        0x10, 0, 0, 0, 0, 0, 0, 0,                      /* STATIC_DATA_END */
        0, 0, 0, 0, 0, 0, 0, 0,                         /* END */
    };
    struct xlc_policy_entries e;
    xlc_error err;
    uint8_t *buf;
    size_t len;

    (void)state;
    sample_policy(&e);
    assert_int_equal(xlc_stream_write_standalone(XFS_STREAM_DOM_X86_HVM, &e,
                                                 &buf, &len, &err), 0);
    assert_int_equal(len, sizeof(head) + 6 * 24 + sizeof(tail));
    assert_memory_equal(buf, head, sizeof(head));
    assert_memory_equal(buf + sizeof(head), "\0\0\0\0\xff\xff\xff\xff\x0d", 9);
    assert_memory_equal(buf + len - sizeof(tail), tail, sizeof(tail));
    free(buf);
    xlc_policy_entries_free(&e);
}

/*
 * Records made for splicing go into a stream someone else writes (here a
 * PV stream with X86_PV_INFO before them, as Xen orders its static data)
 * and come back out unchanged; alone they parse as a run of records.
 */
static void splice_records_round_trip(void **state)
{
    static const uint8_t pv_info[8] = { 8, 4 };
    struct xlc_policy_entries e;
    struct xlc_stream_info info;
    struct sbuild s = { 0 };
    xlc_error err = { 0 };
    uint8_t *recs;
    size_t len;

    (void)state;
    sample_policy(&e);
    assert_int_equal(xlc_stream_policy_records(&e, &recs, &len, &err), 0);
    assert_int_equal(len, 8 + 6 * 24 + 8 + 2 * 16);
    assert_int_equal(len % 8, 0);

    assert_int_equal(xlc_stream_parse_records(recs, len, 3, 1000, &info, &err),
                     0);
    assert_true(info.has_cpuid && info.has_msr);
    assert_int_equal(info.cpuid_offset, 1000);
    assert_int_equal(info.msr_offset, 1000 + 8 + 6 * 24);
    assert_entries_equal(&info.policy, &e);
    xlc_stream_info_free(&info);

    sb_ihdr(&s, 3, 0);
    sb_dhdr(&s, XFS_STREAM_DOM_X86_PV, 12);
    sb_rec(&s, XFS_STREAM_REC_X86_PV_INFO, pv_info, sizeof(pv_info));
    sb_bytes(&s, recs, len);
    sb_rec(&s, XFS_STREAM_REC_STATIC_DATA_END, NULL, 0);
    sb_rec(&s, XFS_STREAM_REC_END, NULL, 0);
    if (xen_verify_stream(s.b, s.len, checker_out, sizeof(checker_out)))
        fail_msg("spliced stream refused by verify-stream-v2:\n%s",
                 checker_out);
    assert_non_null(strstr(checker_out, "64bit guest, 4 levels"));
    assert_int_equal(xlc_stream_parse(s.b, s.len, &info, &err), 0);
    assert_int_equal(info.nr_records, 5);
    assert_int_equal(info.cpuid_offset, 40 + 16);
    assert_entries_equal(&info.policy, &e);
    xlc_stream_info_free(&info);

    sb_free(&s);
    free(recs);
    xlc_policy_entries_free(&e);

    /* An empty policy gives no records at all. */
    memset(&e, 0, sizeof(e));
    assert_int_equal(xlc_stream_policy_records(&e, &recs, &len, &err), 0);
    assert_null(recs);
    assert_int_equal(len, 0);
}

static void expect_write_refused(const struct xlc_policy_entries *e,
                                 uint32_t type, int code, const char *msg)
{
    xlc_error err = { 0 };
    uint8_t *buf = (uint8_t *)1;
    size_t len = 1;

    assert_int_equal(xlc_stream_write_standalone(type, e, &buf, &len, &err),
                     -code);
    assert_null(buf);
    assert_int_equal(len, 0);
    if (!strstr(err.msg, msg))
        fail_msg("message '%s' lacks '%s'", err.msg, msg);
    if (type == XFS_STREAM_DOM_X86_HVM) {
        assert_int_equal(xlc_stream_policy_records(e, &buf, &len, &err),
                         -code);
        assert_null(buf);
    }
}

static void writer_refuses_what_xen_refuses(void **state)
{
    struct xlc_policy_entries e;
    struct xfs_cpuid_leaf *many;

    (void)state;
    sample_policy(&e);
    expect_write_refused(&e, XFS_STREAM_DOM_X86_PVH, EINVAL,
                         "only x86 PV (1) and x86 HVM (2)");
    expect_write_refused(&e, 0, EINVAL, "domain type 0");

    e.leaves[3].subleaf = 63; /* leaf 0xd has subleaves 0..62 */
    expect_write_refused(&e, XFS_STREAM_DOM_X86_HVM, ERANGE,
                         "entry 3: leaf 0x0000000d subleaf 0x0000003f has no "
                         "place");
    e.leaves[3].subleaf = 0;
    e.leaves[4].leaf = 0x80000001; /* now repeats entry 5 */
    expect_write_refused(&e, XFS_STREAM_DOM_X86_HVM, EINVAL,
                         "entry 5: leaf 0x80000001 subleaf 0xffffffff repeats "
                         "entry 4");
    e.leaves[4].leaf = 0x80000000;
    e.msrs[1].flags = 1;
    expect_write_refused(&e, XFS_STREAM_DOM_X86_PV, EINVAL,
                         "MSR 0x0000010a has flags 0x00000001");
    e.msrs[1].flags = 0;
    e.msrs[1].idx = 0x10b;
    expect_write_refused(&e, XFS_STREAM_DOM_X86_PV, ERANGE,
                         "MSR 0x0000010b is not part of Xen 4.17's CPU policy");
    e.msrs[1].idx = XFS_MSR_INTEL_PLATFORM_INFO;
    expect_write_refused(&e, XFS_STREAM_DOM_X86_PV, EINVAL, "repeats entry 0");
    e.msrs[1].idx = XFS_MSR_ARCH_CAPABILITIES_IDX;

    /* One leaf more than the policy object can hold. */
    many = calloc(XFS_CPUID_MAX_SERIALISED_LEAVES + 1, sizeof(*many));
    assert_non_null(many);
    free(e.leaves);
    e.leaves = many;
    e.nr_leaves = XFS_CPUID_MAX_SERIALISED_LEAVES + 1;
    expect_write_refused(&e, XFS_STREAM_DOM_X86_HVM, E2BIG,
                         "holds 121 CPUID entries; Xen 4.17 accepts at most "
                         "120");
    xlc_policy_entries_free(&e);
}

static void write_file_and_load(void **state)
{
    char path[] = "/tmp/xfs-stream-file-XXXXXX";
    struct xlc_policy_entries e;
    struct xlc_stream_info info;
    xlc_error err = { 0 };
    int fd = mkstemp(path);

    (void)state;
    assert_true(fd >= 0);
    close(fd);
    sample_policy(&e);
    assert_int_equal(xlc_stream_write_file(path, XFS_STREAM_DOM_X86_PV, &e,
                                           &err), 0);
    assert_int_equal(xlc_stream_load(path, &info, &err), 0);
    assert_entries_equal(&info.policy, &e);
    xlc_stream_info_free(&info);
    unlink(path);

    assert_int_equal(xlc_stream_load(path, &info, &err), -ENOENT);
    assert_non_null(strstr(err.msg, path));
    assert_int_equal(xlc_stream_write_file("/nonexistent/dir/s", 1, &e, &err),
                     -ENOENT);
    assert_non_null(strstr(err.msg, "/nonexistent/dir/s: cannot create"));
    xlc_policy_entries_free(&e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_dump_passes_xen_checker),
        cmocka_unit_test(sample_and_empty_policies_pass),
        cmocka_unit_test(standalone_layout_bytes),
        cmocka_unit_test(splice_records_round_trip),
        cmocka_unit_test(writer_refuses_what_xen_refuses),
        cmocka_unit_test(write_file_and_load),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
