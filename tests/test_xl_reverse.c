/* SPDX-License-Identifier: MIT */
/*
 * Featureset -> cpuid= text -> parse -> apply gives the featureset back,
 * for both forms:
 *  - synthetic hosts (the static masks) and 3,000 random wanted sets;
 *  - every shared dump, both guest types: the default, the max, random
 *    removals and random subsets of the max.
 * The libxl-form text is also fed to the installed libxenlight (through
 * xlc_xl_to_libxl and directly), which must build the same list.  And the
 * refusals: outside the max, prerequisites missing, MSR bits in the xend
 * form.
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
#include "helpers/xl-oracle.h"
#include "libxl_cpuid/xen-libxl-list.h"
#include "libxl_cpuid/xl-cpuid-apply.h"
#include "libxl_cpuid/xl-cpuid.h"

#define N XFS_NR_WORDS

const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
    return "leak:libxenlight.so\n";
}

static struct xh_host *hosts;
static int nr_hosts;
static unsigned int nr_libxl, nr_xend, nr_xend_msr;

static uint64_t rng_state = 0x7265766572736531ull; /* fixed: reproducible */

static uint64_t rnd(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dull;
}

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

/* libxenlight builds the same list from our text and from our list. */
static void libxl_agrees(const char *s, const struct xlc_xl_list *l)
{
    libxl_cpuid_policy_list via_list = NULL;
    xlc_error err = { 0 };
    char *ours = xlc_xl_list_json(l), *a, *b;
    xo_list *direct = xo_new();
    size_t n;

    assert_int_equal(xo_xl_string(direct, s, NULL, 0, &n), 0);
    a = xo_json(direct);
    if (xlc_xl_to_libxl(l, &via_list, &err))
        fail_msg("'%s': %s", s, err.msg);
    b = xo_json_of(&via_list);
    assert_string_equal(ours, a);
    assert_string_equal(ours, b);
    libxl_cpuid_dispose(&via_list);
    xo_free(direct);
    free(ours);
    free(a);
    free(b);
}

static void round_trip_libxl(const uint32_t want[N],
                             const struct xlc_xl_host *h)
{
    struct xlc_xl_list l = XLC_XL_LIST_INIT;
    struct xlc_xl_applied a;
    xlc_error err = { 0 };
    char *s;

    if (xlc_xl_reverse(want, h, &s, &err))
        fail_msg("reverse: %s", err.msg);
    if (xlc_xl_parse_string(&l, s, &err))
        fail_msg("'%s' does not parse: %s", s, err.msg);
    assert_int_equal(l.nr_notes, 0);
    if (xlc_xl_apply(&l, h, &a, &err))
        fail_msg("'%s' does not apply: %s", s, err.msg);
    if (memcmp(a.fs, want, sizeof(a.fs)))
        fail_msg("'%s' does not give the wanted featureset back", s);
    libxl_agrees(s, &l);
    xlc_xl_applied_free(&a);
    xlc_xl_list_free(&l);
    free(s);
    nr_libxl++;
}

static bool msr_words_differ(const uint32_t want[N], const uint32_t def[N])
{
    for (unsigned int w = 0; w < N; w++)
        if (xfs_words[w].src == XFS_SRC_MSR && want[w] != def[w])
            return true;
    return false;
}

static void round_trip_xend(const uint32_t want[N],
                            const struct xlc_xl_host *h)
{
    struct xlc_xl_list l = XLC_XL_LIST_INIT;
    struct xlc_xl_applied a;
    xlc_error err = { 0 };
    char **items;
    size_t nr;
    int r = xlc_xl_reverse_xend(want, h, &items, &nr, &err);

    if (msr_words_differ(want, h->def)) {
        assert_int_equal(r, -EINVAL);
        assert_non_null(strstr(err.msg, "no syntax for MSR bits"));
        nr_xend_msr++;
        return;
    }
    if (r)
        fail_msg("reverse xend: %s", err.msg);
    if (xlc_xl_parse_xend_list(&l, (const char *const *)items, nr, &err))
        fail_msg("'%s'... does not parse: %s", items[0], err.msg);
    assert_int_equal(l.nr_notes, 0);
    if (xlc_xl_apply(&l, h, &a, &err))
        fail_msg("'%s'... does not apply: %s", items[0], err.msg);
    if (memcmp(a.fs, want, sizeof(a.fs)))
        fail_msg("'%s'... does not give the wanted featureset back", items[0]);
    xlc_xl_applied_free(&a);
    xlc_xl_list_free(&l);
    xlc_xl_free_items(items, nr);
    nr_xend++;
}

static void round_trip(const uint32_t want[N], const struct xlc_xl_host *h)
{
    round_trip_libxl(want, h);
    round_trip_xend(want, h);
}

/* A random closed subset of max, biased towards def. */
static void random_want(const struct xlc_xl_host *h, uint32_t want[N])
{
    unsigned int mode = (unsigned int)(rnd() % 3);

    for (unsigned int w = 0; w < N; w++) {
        uint32_t r = (uint32_t)rnd() | (uint32_t)rnd();

        if (mode == 0)      /* a few removals from the default */
            want[w] = h->def[w] & ~((uint32_t)rnd() & (uint32_t)rnd() &
                                    (uint32_t)rnd());
        else if (mode == 1) /* default plus some opt-ins */
            want[w] = h->def[w] | (h->max[w] & (uint32_t)rnd());
        else                /* anything within max */
            want[w] = h->max[w] & r;
    }
    xfs_apply_deep_deps(want, N);
}

static void test_synthetic(void **state)
{
    static const enum xfs_mask_kind kinds[][2] = {
        { XFS_MASK_PV_DEF, XFS_MASK_PV_MAX },
        { XFS_MASK_HVM_SHADOW_DEF, XFS_MASK_HVM_SHADOW_MAX },
        { XFS_MASK_HVM_HAP_DEF, XFS_MASK_HVM_HAP_MAX },
    };

    (void)state;
    for (unsigned int i = 0; i < 3000; i++) {
        uint32_t def[N], max[N], host[N], want[N];
        unsigned int k = i % 3;
        struct xlc_xl_host h = { k ? XLC_GUEST_HVM : XLC_GUEST_PV, def, max,
                                 host };

        memcpy(max, xfs_static_masks[kinds[k][1]], sizeof(max));
        memcpy(def, xfs_static_masks[kinds[k][0]], sizeof(def));
        xfs_apply_deep_deps(max, N);
        xfs_and(def, N, def, N, max, N);
        xfs_apply_deep_deps(def, N);
        memcpy(host, max, sizeof(host));
        random_want(&h, want);
        round_trip(want, &h);
    }
    assert_true(nr_xend > 100 && nr_xend_msr > 100);
}

static void test_every_dump(void **state)
{
    unsigned int before = nr_libxl;

    (void)state;
    for (int i = 0; i < nr_hosts; i++)
        for (int t = XLC_GUEST_PV; t <= XLC_GUEST_HVM; t++) {
            struct xlc_xl_host h;
            uint32_t want[N];
            char *s;
            xlc_error err = { 0 };

            xh_guest(&hosts[i], (enum xlc_guest_type)t, &h);
            if (xfs_empty(h.max, N))
                continue;
            /* The default itself is "host". */
            assert_int_equal(xlc_xl_reverse(h.def, &h, &s, &err), 0);
            assert_string_equal(s, "host");
            free(s);
            round_trip(h.def, &h);
            round_trip(h.max, &h);
            for (int k = 0; k < 20; k++) {
                random_want(&h, want);
                round_trip(want, &h);
            }
        }
    print_message("%u libxl-form and %u xend-form round trips\n", nr_libxl,
                  nr_xend);
    assert_true(nr_libxl - before >= (unsigned int)nr_hosts * 2 * 22 / 2);
}

/* Only roots are written: what their clearing takes along is not. */
static void test_shortest(void **state)
{
    unsigned int checked = 0;

    (void)state;
    for (int i = 0; i < nr_hosts; i++) {
        struct xlc_xl_host h;
        uint32_t want[N];
        xlc_error err = { 0 };
        char *s;

        xh_guest(&hosts[i], XLC_GUEST_HVM, &h);
        if (!xfs_test(h.def, N, XFS_AVX2))
            continue;
        memcpy(want, h.def, sizeof(want));
        xfs_clear_with_dependents(want, N, XFS_AVX);
        xfs_clear_with_dependents(want, N, XFS_XSAVE);
        assert_int_equal(xlc_xl_reverse(want, &h, &s, &err), 0);
        /* XSAVE takes AVX (and AVX2, FMA, ...) along: one item. */
        assert_string_equal(s, "host,xsave=0");
        free(s);
        memcpy(want, h.def, sizeof(want));
        xfs_clear_with_dependents(want, N, XFS_AVX2);
        xfs_clear(want, N, XFS_CLFLUSH);
        xfs_apply_deep_deps(want, N);
        assert_int_equal(xlc_xl_reverse(want, &h, &s, &err), 0);
        assert_true(!strncmp(s, "host,clfsh=0,", 13));
        assert_non_null(strstr(s, "avx2=0"));
        free(s);
        checked++;
    }
    assert_true(checked > 5);
}

static void test_refusals(void **state)
{
    struct xlc_xl_host h;
    uint32_t want[N];
    xlc_error err = { 0 };
    char *s, **items;
    size_t nr;

    (void)state;
    xh_guest(&hosts[0], XLC_GUEST_PV, &h);
    /* Outside the max: named. */
    memcpy(want, h.def, sizeof(want));
    xfs_set(want, N, XFS_VMX);
    xfs_set(want, N, XFS_RDCL_NO);
    assert_int_equal(xlc_xl_reverse(want, &h, &s, &err), -ENOTSUP);
    assert_string_equal(err.msg, "the pv max featureset lacks: vmx, rdcl-no");
    assert_int_equal(xlc_xl_reverse_xend(want, &h, &items, &nr, &err),
                     -ENOTSUP);
    /* A feature without its prerequisite: named. */
    xh_guest(&hosts[0], XLC_GUEST_HVM, &h);
    memcpy(want, h.def, sizeof(want));
    if (xfs_test(want, N, XFS_SSE2)) {
        xfs_clear(want, N, XFS_SSE2);
        assert_int_equal(xlc_xl_reverse(want, &h, &s, &err), -EINVAL);
        assert_non_null(strstr(err.msg, "without their prerequisites: "));
        assert_non_null(strstr(err.msg, "sse3"));
    }
    /* MSR bits have no xend syntax. */
    {
        uint32_t def[N], max[N];
        struct xlc_xl_host g = { XLC_GUEST_HVM, def, max, max };

        memcpy(max, xfs_static_masks[XFS_MASK_HVM_HAP_MAX], sizeof(max));
        xfs_apply_deep_deps(max, N);
        memcpy(def, max, sizeof(def));
        memcpy(want, def, sizeof(want));
        xfs_clear(want, N, XFS_RDCL_NO);
        xfs_clear(want, N, XFS_ITS_NO);
        assert_int_equal(xlc_xl_reverse_xend(want, &g, &items, &nr, &err),
                         -EINVAL);
        assert_non_null(strstr(err.msg, ": rdcl-no, its-no"));
        assert_int_equal(xlc_xl_reverse(want, &g, &s, &err), 0);
        assert_string_equal(s, "host,rdcl-no=0,its-no=0");
        free(s);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_synthetic),
        cmocka_unit_test(test_every_dump),
        cmocka_unit_test(test_shortest),
        cmocka_unit_test(test_refusals),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
