/* SPDX-License-Identifier: MIT */
/*
 * cpuid= lists applied to the featuresets Xen derives for every shared
 * dump: defaults kept by 'x', clears taking their dependents along (and
 * reported), features outside the max refused by name, features whose
 * prerequisite is cleared refused, 'k' limited to the max, bits that are
 * not featureset bits left to the policy, libxenguest's refusals (bad
 * mask characters, a featureset leaf without its subleaf) reproduced.
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

#include "helpers/xl-hosts.h"
#include "libxl_cpuid/strbuf.h"
#include "libxl_cpuid/xl-cpuid-apply.h"
#include "libxl_cpuid/xl-cpuid.h"

#define N XFS_NR_WORDS
#define X32 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"

static struct xh_host *hosts;
static int nr_hosts;

static int setup(void **state)
{
    (void)state;
    nr_hosts = xh_load_all(&hosts);
    return nr_hosts > 0 ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    free(hosts);
    return 0;
}

/* Parse s (libxl form, or one xend item) and apply it. */
static int apply(const char *s, const struct xlc_xl_host *h,
                 struct xlc_xl_applied *a, xlc_error *err)
{
    struct xlc_xl_list l = XLC_XL_LIST_INIT;
    int r = xlc_xl_is_libxl_form(s)
                ? xlc_xl_parse_string(&l, s, err)
                : xlc_xl_parse_xend_list(&l, &s, 1, err);

    if (r)
        fail_msg("'%s' does not parse: %s", s, err->msg);
    r = xlc_xl_apply(&l, h, a, err);
    xlc_xl_list_free(&l);
    return r;
}

static void each_guest(void (*fn)(const struct xh_host *,
                                  const struct xlc_xl_host *))
{
    for (int i = 0; i < nr_hosts; i++)
        for (int t = XLC_GUEST_PV; t <= XLC_GUEST_HVM; t++) {
            struct xlc_xl_host g;

            xh_guest(&hosts[i], (enum xlc_guest_type)t, &g);
            if (!xfs_empty(g.max, N))
                fn(&hosts[i], &g);
        }
}

static void defaults_kept(const struct xh_host *x, const struct xlc_xl_host *g)
{
    static const char *const lists[] = {
        "host", "", "host,avx2=x,sse3=x,rdcl-no=x,family=x",
        "7,0:ebx=" X32 ",ecx=" X32 ",edx=" X32, "1:eax=" X32,
    };
    (void)x;
    for (size_t i = 0; i < sizeof(lists) / sizeof(*lists); i++) {
        struct xlc_xl_applied a;
        xlc_error err = { 0 };

        assert_int_equal(apply(lists[i], g, &a, &err), 0);
        assert_memory_equal(a.fs, g->def, sizeof(a.fs));
        assert_true(xfs_empty(a.dependents, N));
        xlc_xl_applied_free(&a);
    }
}

static void test_x_keeps_default(void **state)
{
    (void)state;
    each_guest(defaults_kept);
}

static unsigned int nr_avx_clears;

static void clear_avx(const struct xh_host *x, const struct xlc_xl_host *g)
{
    uint32_t want[N], deps[N];
    struct xlc_xl_applied a;
    xlc_error err = { 0 };

    (void)x;
    if (!xfs_test(g->def, N, XFS_AVX))
        return;
    memcpy(want, g->def, sizeof(want));
    xfs_clear_with_dependents(want, N, XFS_AVX);
    xfs_andnot(deps, N, g->def, N, want, N);
    xfs_clear(deps, N, XFS_AVX);
    assert_int_equal(apply("host,avx=0", g, &a, &err), 0);
    assert_memory_equal(a.fs, want, sizeof(want));
    assert_memory_equal(a.dependents, deps, sizeof(deps));
    assert_int_equal(xfs_popcount(a.forced_off, N), 1);
    assert_true(xfs_test(a.forced_off, N, XFS_AVX));
    /* AVX2 and FMA need AVX: reported as dependents when present. */
    if (xfs_test(g->def, N, XFS_AVX2))
        assert_true(xfs_test(a.dependents, N, XFS_AVX2));
    if (xfs_test(g->def, N, XFS_FMA))
        assert_true(xfs_test(a.dependents, N, XFS_FMA));
    xlc_xl_applied_free(&a);
    nr_avx_clears++;
}

static void test_clear_takes_dependents(void **state)
{
    (void)state;
    each_guest(clear_avx);
    assert_true(nr_avx_clears > 10);
}

/* Every feature the max lacks, set to 1 at once: all named. */
static void outside_max(const struct xh_host *x, const struct xlc_xl_host *g)
{
    struct xlc_buf b = XLC_BUF_INIT;
    struct xlc_xl_applied a;
    xlc_error err = { 0 };
    unsigned int n = 0;
    char *s;

    (void)x;
    xlc_buf_puts(&b, "host");
    for (unsigned int i = 0; i < xfs_nr_features; i++) {
        char name[XLC_XL_NAME_MAX];

        if (xfs_test(g->max, N, xfs_features[i].value))
            continue;
        xlc_buf_printf(&b, ",%s=1",
                       xlc_xl_name_for_feature(xfs_features[i].value, name));
        n++;
    }
    s = xlc_buf_take(&b);
    assert_int_equal(apply(s, g, &a, &err), -ENOTSUP);
    assert_non_null(strstr(err.msg, g->type == XLC_GUEST_PV ? "the pv max"
                                                            : "the hvm max"));
    for (unsigned int i = 0; i < xfs_nr_features; i++) {
        char name[XLC_XL_NAME_MAX], *p;
        size_t len;

        if (xfs_test(g->max, N, xfs_features[i].value))
            continue;
        xlc_xl_name_for_feature(xfs_features[i].value, name);
        len = strlen(name);
        /* Named as a whole item of the ", "-separated list. */
        for (p = strstr(err.msg, name); p; p = strstr(p + 1, name))
            if ((p[-1] == ' ') && (p[len] == ',' || !p[len]))
                break;
        if (!p)
            fail_msg("%s missing from: %s", name, err.msg);
    }
    assert_true(n > 0);
    free(s);
}

static void test_outside_max_refused(void **state)
{
    struct xlc_xl_applied a;
    struct xlc_xl_host g;
    xlc_error err = { 0 };

    (void)state;
    each_guest(outside_max);
    /* VMX is for HVM guests only. */
    xh_guest(&hosts[0], XLC_GUEST_PV, &g);
    assert_int_equal(apply("host,vmx=1", &g, &a, &err), -ENOTSUP);
    assert_non_null(strstr(err.msg, "lacks 1 feature the cpuid list sets to "
                                    "1: vmx"));
}

/* An opt-in feature (in max, not in default) can be had. */
static unsigned int nr_opt_ins;

static void opt_in(const struct xh_host *x, const struct xlc_xl_host *g)
{
    (void)x;
    for (unsigned int i = 0; i < xfs_nr_features; i++) {
        unsigned int v = xfs_features[i].value;
        uint32_t want[N];
        char s[64], name[XLC_XL_NAME_MAX];
        struct xlc_xl_applied a;
        xlc_error err = { 0 };

        if (!xfs_test(g->max, N, v) || xfs_test(g->def, N, v))
            continue;
        memcpy(want, g->def, sizeof(want));
        xfs_set(want, N, v);
        if (!xfs_deps_closed(want, N))
            continue;
        snprintf(s, sizeof(s), "host,%s=1",
                 xlc_xl_name_for_feature(v, name));
        assert_int_equal(apply(s, g, &a, &err), 0);
        assert_memory_equal(a.fs, want, sizeof(want));
        xlc_xl_applied_free(&a);
        nr_opt_ins++;
    }
}

static void test_opt_in_allowed(void **state)
{
    (void)state;
    each_guest(opt_in);
    assert_true(nr_opt_ins > 10);
}

/* avx2=1 with avx=0 is a contradiction, in either order. */
static void orphan(const struct xh_host *x, const struct xlc_xl_host *g)
{
    static const char *const lists[] = { "host,avx=0,avx2=1",
                                         "host,avx2=1,avx=0" };

    (void)x;
    if (!xfs_test(g->max, N, XFS_AVX2))
        return;
    for (int i = 0; i < 2; i++) {
        struct xlc_xl_applied a;
        xlc_error err = { 0 };

        assert_int_equal(apply(lists[i], g, &a, &err), -ENOTSUP);
        assert_non_null(strstr(err.msg, "avx2 (needs avx)"));
    }
}

static void test_orphan_refused(void **state)
{
    (void)state;
    each_guest(orphan);
}

/* 'k' is the host's bit, limited to the max; what the max drops is told. */
static unsigned int nr_kept_absent;

static void keep(const struct xh_host *x, const struct xlc_xl_host *g)
{
    struct xlc_buf b = XLC_BUF_INIT;
    struct xlc_xl_applied a;
    xlc_error err = { 0 };
    uint32_t want[N], absent[N];
    char *s;

    (void)x;
    xlc_buf_puts(&b, "host");
    for (unsigned int i = 0; i < xfs_nr_features; i++) {
        char name[XLC_XL_NAME_MAX];

        xlc_buf_printf(&b, ",%s=%c",
                       xlc_xl_name_for_feature(xfs_features[i].value, name),
                       i % 2 ? 'k' : 's');
    }
    s = xlc_buf_take(&b);
    assert_int_equal(apply(s, g, &a, &err), 0);
    xfs_and(want, N, g->host, N, g->max, N);
    xfs_apply_deep_deps(want, N);
    assert_memory_equal(a.fs, want, sizeof(want));
    xfs_andnot(absent, N, g->host, N, g->max, N);
    assert_memory_equal(a.kept_absent, absent, sizeof(absent));
    nr_kept_absent += !xfs_empty(absent, N);
    /* Synthesised bits (HYPERVISOR) are not host bits: 'k' drops them. */
    assert_false(xfs_test(a.fs, N, XFS_HYPERVISOR));
    xlc_xl_applied_free(&a);
    free(s);
}

static void test_keep_is_host_within_max(void **state)
{
    (void)state;
    each_guest(keep);
    assert_true(nr_kept_absent > 0);
}

static void test_policy_bits(void **state)
{
    struct xlc_xl_applied a;
    struct xlc_xl_host g;
    xlc_error err = { 0 };

    (void)state;
    xh_guest(&hosts[0], XLC_GUEST_HVM, &g);
    assert_int_equal(apply("host,family=6,model=0x5e,stepping=3,arat=1,"
                           "svm_npt=0,maxleaf=0xd", &g, &a, &err), 0);
    assert_memory_equal(a.fs, g.def, sizeof(a.fs));
    /* leaf 1 eax, leaf 6 eax, leaf 0x8000000a edx, leaf 0 eax */
    assert_int_equal(a.nr_policy_regs, 4);
    for (size_t i = 0; i < a.masks.nr_leaves; i++)
        for (int r = XFS_EAX; r <= XFS_EDX; r++)
            if (a.masks.leaves[i].r[r].present)
                assert_int_equal(a.masks.leaves[i].r[r].word, -1);
    xlc_xl_applied_free(&a);
    /* A featureset register next to policy bits: both kinds kept. */
    assert_int_equal(apply("host,family=6,sse3=0", &g, &a, &err), 0);
    assert_int_equal(a.nr_policy_regs, 1);
    assert_false(xfs_test(a.fs, N, XFS_SSE3));
    xlc_xl_applied_free(&a);
}

static void test_libxenguest_refusals(void **state)
{
    struct xlc_xl_applied a;
    struct xlc_xl_host g;
    xlc_error err = { 0 };

    (void)state;
    xh_guest(&hosts[0], XLC_GUEST_HVM, &g);
    /* libxl accepts any mask character; libxenguest does not. */
    assert_int_equal(apply("1:ecx=xxxxzxxxxxxxxxxxxxxxxxxxxxxxxxxx", &g, &a,
                           &err), -EINVAL);
    assert_string_equal(err.msg, "leaf 0x1 ecx: bad character 'z' at "
                                 "position 5 of the mask (bit 27): "
                                 "libxenguest accepts only 0, 1, x, k, s and "
                                 "refuses the whole cpuid list");
    assert_int_equal(apply("0x80000008:ebx=" X32 ",ecx=xxxxxxxxxxxxxxxxxxxxxxx"
                           "\x01xxxxxxxx", &g, &a, &err), -EINVAL);
    assert_non_null(strstr(err.msg, "'\\x01' at position 24"));
    /* Featureset leaves exist in one layout only. */
    assert_int_equal(apply("7:ebx=" X32, &g, &a, &err), -EINVAL);
    assert_non_null(strstr(err.msg, "leaf 0x7 needs a subleaf"));
    assert_non_null(strstr(err.msg, "'0x7,0:...'"));
    assert_int_equal(apply("1,0:ecx=" X32, &g, &a, &err), -EINVAL);
    assert_non_null(strstr(err.msg, "leaf 0x1 has no subleaves"));
    assert_int_equal(apply("0xd:eax=" X32, &g, &a, &err), -EINVAL);
    /* Other subleaves of those leaves are policy matters. */
    assert_int_equal(apply("0xd,0:eax=" X32, &g, &a, &err), 0);
    xlc_xl_applied_free(&a);
    assert_int_equal(apply("7,3:eax=1xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", &g, &a,
                           &err), 0);
    assert_int_equal(a.nr_policy_regs, 1);
    xlc_xl_applied_free(&a);
}

/*
 * The shared dumps carry no MSR values, so MSR_ARCH_CAPS bits are never in
 * their max: asking for one is refused.  A synthetic host (the static HVM
 * HAP masks) has them.
 */
static void test_msr_bits(void **state)
{
    uint32_t def[N], max[N], host[N];
    struct xlc_xl_host g = { XLC_GUEST_HVM, def, max, host };
    struct xlc_xl_applied a;
    xlc_error err = { 0 };

    (void)state;
    xh_guest(&hosts[0], XLC_GUEST_HVM, &g);
    assert_int_equal(apply("host,rdcl-no=1", &g, &a, &err), -ENOTSUP);
    assert_non_null(strstr(err.msg, "rdcl-no"));

    memcpy(max, xfs_static_masks[XFS_MASK_HVM_HAP_MAX], sizeof(max));
    memcpy(def, xfs_static_masks[XFS_MASK_HVM_HAP_DEF], sizeof(def));
    memcpy(host, max, sizeof(host));
    xfs_apply_deep_deps(max, N);
    xfs_apply_deep_deps(def, N);
    g = (struct xlc_xl_host){ XLC_GUEST_HVM, def, max, host };
    assert_true(xfs_test(def, N, XFS_RDCL_NO) && xfs_test(def, N, XFS_ITS_NO));
    assert_int_equal(apply("host,rdcl-no=0,its-no=0", &g, &a, &err), 0);
    assert_false(xfs_test(a.fs, N, XFS_RDCL_NO));
    assert_false(xfs_test(a.fs, N, XFS_ITS_NO));
    assert_int_equal(xfs_popcount(def, N) - xfs_popcount(a.fs, N), 2);
    xlc_xl_applied_free(&a);
    /* Clearing ARCH_CAPS (a CPUID bit) takes the whole MSR along. */
    assert_int_equal(apply("host,arch-caps=0", &g, &a, &err), 0);
    assert_true(xfs_test(a.dependents, N, XFS_RDCL_NO));
    assert_int_equal(a.fs[16] | a.fs[17], 0);
    xlc_xl_applied_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_x_keeps_default),
        cmocka_unit_test(test_clear_takes_dependents),
        cmocka_unit_test(test_outside_max_refused),
        cmocka_unit_test(test_opt_in_allowed),
        cmocka_unit_test(test_orphan_refused),
        cmocka_unit_test(test_keep_is_host_within_max),
        cmocka_unit_test(test_policy_bits),
        cmocka_unit_test(test_libxenguest_refusals),
        cmocka_unit_test(test_msr_bits),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
