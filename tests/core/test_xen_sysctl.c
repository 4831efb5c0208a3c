/* SPDX-License-Identifier: MIT */
/*
 * XEN_SYSCTL_get_cpu_featureset (xen/arch/sysctl-featureset.c): Xen's
 * order of checks and what reaches the caller in every case, and the ABI
 * of the struct against the installed Xen headers.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <xenctrl.h>
#include <xenguest.h>

#include "../helpers/xen-fake-cpu.h"
#include "xen/arch/sysctl.h"

#define N XFS_NR_WORDS
#define POISON 0xdeadbeefu
#define BUF 32

static void boot(struct xfs_hypervisor *hv, const struct xfs_hv_options *o)
{
    static struct xt_fake_cpu c;
    struct xfs_cpuid_reader rd;
    struct xfs_hv_options def;

    xt_fake_intel_server(&c);
    xt_fake_reader(&c, &rd, true);
    if (!o) {
        xfs_hv_options_default(&def);
        o = &def;
    }
    memset(hv, 0x5a, sizeof(*hv)); /* boot must initialise everything */
    xfs_hypervisor_boot(hv, &rd, o);
}

static void poison(uint32_t *buf)
{
    for (unsigned int i = 0; i < BUF; i++)
        buf[i] = POISON;
}

static int call(const struct xfs_hypervisor *hv, uint32_t index,
                uint32_t *nr, uint32_t *buf)
{
    struct xfs_sysctl_cpu_featureset op = { .index = index, .nr_features = *nr };
    int rc;

    op.features.p = buf;
    rc = xfs_sysctl_get_cpu_featureset(hv, &op);
    *nr = op.nr_features;
    return rc;
}

/* buf[0..n) is set `index`, the rest untouched. */
static void assert_copied(const struct xfs_hypervisor *hv, uint32_t index,
                          const uint32_t *buf, unsigned int n)
{
    for (unsigned int i = 0; i < BUF; i++) {
        uint32_t want = i < n ? hv->sets.fs[index][i] : POISON;

        if (buf[i] != want)
            fail_msg("index %u word %u: %08x, expected %08x", index, i,
                     buf[i], want);
    }
}

static void null_buffer_asks_for_the_size(void **state)
{
    struct xfs_hypervisor hv;
    uint32_t nr = 3;

    (void)state;
    boot(&hv, NULL);
    assert_int_equal(call(&hv, XFS_SYSCTL_cpu_featureset_host, &nr, NULL), 0);
    assert_int_equal(nr, N);
    /* Xen answers the size query before looking at the index. */
    nr = 0;
    assert_int_equal(call(&hv, 77, &nr, NULL), 0);
    assert_int_equal(nr, N);
}

static void caller_shorter_gets_enobufs_after_the_copy(void **state)
{
    struct xfs_hypervisor hv;
    uint32_t buf[BUF], nr;

    (void)state;
    boot(&hv, NULL);
    for (uint32_t idx = 0; idx < XFS_SYSCTL_cpu_featureset_nr; idx++) {
        for (uint32_t want = 0; want < N; want++) {
            poison(buf);
            nr = want;
            assert_int_equal(call(&hv, idx, &nr, buf), -XFS_ENOBUFS);
            assert_int_equal(nr, want);
            assert_copied(&hv, idx, buf, want);
        }
    }
}

static void caller_equal_or_longer_gets_everything(void **state)
{
    struct xfs_hypervisor hv;
    uint32_t buf[BUF], nr;

    (void)state;
    boot(&hv, NULL);
    for (uint32_t idx = 0; idx < XFS_SYSCTL_cpu_featureset_nr; idx++) {
        for (uint32_t have = N; have <= BUF; have++) {
            poison(buf);
            nr = have;
            assert_int_equal(call(&hv, idx, &nr, buf), 0);
            assert_int_equal(nr, N);
            assert_copied(&hv, idx, buf, N);
        }
    }
    /* A huge count is clipped, never trusted. */
    poison(buf);
    nr = UINT32_MAX;
    assert_int_equal(call(&hv, 1, &nr, buf), 0);
    assert_int_equal(nr, N);
    assert_copied(&hv, 1, buf, N);
}

static void bad_index_is_einval_and_touches_nothing(void **state)
{
    static const uint32_t bad[] = { 6, 7, 255, 0x80000000u, UINT32_MAX };
    struct xfs_hypervisor hv;
    uint32_t buf[BUF], nr;

    (void)state;
    boot(&hv, NULL);
    for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        poison(buf);
        nr = 4;
        assert_int_equal(call(&hv, bad[i], &nr, buf), -XFS_EINVAL);
        assert_int_equal(nr, 4);
        assert_copied(&hv, 0, buf, 0);
    }
}

static void compiled_out_index_is_eopnotsupp(void **state)
{
    struct xfs_hypervisor hv;
    struct xfs_hv_options o;
    uint32_t buf[BUF], nr;

    (void)state;
    xfs_hv_options_default(&o);
    o.pv = false;
    boot(&hv, &o);
    nr = N;
    assert_int_equal(call(&hv, XFS_SYSCTL_cpu_featureset_pv, &nr, buf),
                     -XFS_EOPNOTSUPP);
    assert_int_equal(call(&hv, XFS_SYSCTL_cpu_featureset_pv_max, &nr, buf),
                     -XFS_EOPNOTSUPP);
    assert_int_equal(call(&hv, XFS_SYSCTL_cpu_featureset_hvm_max, &nr, buf), 0);

    o.pv = true;
    o.hvm = false;
    boot(&hv, &o);
    nr = N;
    assert_int_equal(call(&hv, XFS_SYSCTL_cpu_featureset_hvm, &nr, buf),
                     -XFS_EOPNOTSUPP);
    assert_int_equal(call(&hv, XFS_SYSCTL_cpu_featureset_hvm_max, &nr, buf),
                     -XFS_EOPNOTSUPP);
    assert_int_equal(call(&hv, XFS_SYSCTL_cpu_featureset_pv, &nr, buf), 0);
    assert_int_equal(call(&hv, XFS_SYSCTL_cpu_featureset_raw, &nr, buf), 0);
}

struct hook_log {
    unsigned int calls, last_nr;
    int result;
};

static int logging_copy(void *ctx, uint32_t *dst, const uint32_t *src,
                        unsigned int nr)
{
    struct hook_log *log = ctx;

    log->calls++;
    log->last_nr = nr;
    if (log->result)
        return log->result; /* fault before writing anything */
    memcpy(dst, src, nr * sizeof(*dst));
    return 0;
}

static void copy_fault_is_efault(void **state)
{
    struct xfs_hypervisor hv;
    struct hook_log log = { .result = 1 };
    uint32_t buf[BUF], nr;

    (void)state;
    boot(&hv, NULL);
    hv.copy_to_guest = logging_copy;
    hv.copy_ctx = &log;
    for (uint32_t want = 1; want <= BUF; want += 7) {
        poison(buf);
        nr = want;
        assert_int_equal(call(&hv, 0, &nr, buf), -XFS_EFAULT);
        assert_int_equal(nr, want); /* not written back on a fault */
        assert_int_equal(log.last_nr, want < N ? want : N);
    }
    /* Copying nothing touches no guest memory: no fault, just short. */
    log.calls = 0;
    nr = 0;
    assert_int_equal(call(&hv, 0, &nr, buf), -XFS_ENOBUFS);
    assert_int_equal(nr, 0);
    assert_int_equal(log.calls, 0);
    /* The size query never copies words, so cannot fault. */
    log.calls = 0;
    nr = 0;
    assert_int_equal(call(&hv, 0, &nr, NULL), 0);
    assert_int_equal(log.calls, 0);
    /* A bad index is found before any copy. */
    nr = N;
    assert_int_equal(call(&hv, 9, &nr, buf), -XFS_EINVAL);
    assert_int_equal(log.calls, 0);
}

static void hook_sees_the_clipped_count(void **state)
{
    struct xfs_hypervisor hv;
    struct hook_log log = { .result = 0 };
    uint32_t buf[BUF], nr = BUF;

    (void)state;
    boot(&hv, NULL);
    hv.copy_to_guest = logging_copy;
    hv.copy_ctx = &log;
    poison(buf);
    assert_int_equal(call(&hv, 3, &nr, buf), 0);
    assert_int_equal(log.calls, 1);
    assert_int_equal(log.last_nr, N);
    assert_copied(&hv, 3, buf, N);
}

/* A hypervisor that knows fewer words (an older Xen) reports its own size. */
static void older_hypervisor_knows_fewer_words(void **state)
{
    struct xfs_hypervisor hv;
    uint32_t buf[BUF], nr = 0;

    (void)state;
    boot(&hv, NULL);
    hv.nr_words = 16;
    assert_int_equal(call(&hv, 1, &nr, NULL), 0);
    assert_int_equal(nr, 16);
    poison(buf);
    nr = N;
    assert_int_equal(call(&hv, 1, &nr, buf), 0);
    assert_int_equal(nr, 16);
    assert_copied(&hv, 1, buf, 16);
    nr = 15;
    assert_int_equal(call(&hv, 1, &nr, buf), -XFS_ENOBUFS);
}

static void abi_matches_installed_xen(void **state)
{
    (void)state;
    assert_int_equal(sizeof(struct xfs_sysctl_cpu_featureset),
                     sizeof(struct xen_sysctl_cpu_featureset));
    assert_int_equal(offsetof(struct xfs_sysctl_cpu_featureset, index),
                     offsetof(struct xen_sysctl_cpu_featureset, index));
    assert_int_equal(offsetof(struct xfs_sysctl_cpu_featureset, nr_features),
                     offsetof(struct xen_sysctl_cpu_featureset, nr_features));
    assert_int_equal(offsetof(struct xfs_sysctl_cpu_featureset, features),
                     offsetof(struct xen_sysctl_cpu_featureset, features));
    assert_int_equal(XFS_SYSCTL_cpu_featureset_raw, XEN_SYSCTL_cpu_featureset_raw);
    assert_int_equal(XFS_SYSCTL_cpu_featureset_host, XEN_SYSCTL_cpu_featureset_host);
    assert_int_equal(XFS_SYSCTL_cpu_featureset_pv, XEN_SYSCTL_cpu_featureset_pv);
    assert_int_equal(XFS_SYSCTL_cpu_featureset_hvm, XEN_SYSCTL_cpu_featureset_hvm);
    assert_int_equal(XFS_SYSCTL_cpu_featureset_pv_max,
                     XEN_SYSCTL_cpu_featureset_pv_max);
    assert_int_equal(XFS_SYSCTL_cpu_featureset_hvm_max,
                     XEN_SYSCTL_cpu_featureset_hvm_max);
    assert_int_equal(XFS_EFAULT, EFAULT);
    assert_int_equal(XFS_EINVAL, EINVAL);
    assert_int_equal(XFS_EOPNOTSUPP, EOPNOTSUPP);
    assert_int_equal(XFS_ENOBUFS, ENOBUFS);
    /* libxenguest's idea of the words a hypervisor knows. */
    assert_int_equal(xc_get_cpu_featureset_size(), N);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(null_buffer_asks_for_the_size),
        cmocka_unit_test(caller_shorter_gets_enobufs_after_the_copy),
        cmocka_unit_test(caller_equal_or_longer_gets_everything),
        cmocka_unit_test(bad_index_is_einval_and_touches_nothing),
        cmocka_unit_test(compiled_out_index_is_eopnotsupp),
        cmocka_unit_test(copy_fault_is_efault),
        cmocka_unit_test(hook_sees_the_clipped_count),
        cmocka_unit_test(older_hypervisor_knows_fewer_words),
        cmocka_unit_test(abi_matches_installed_xen),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
