/* SPDX-License-Identifier: MIT */
/*
 * libxl_cpuid/xl/xen-libxl-list.h: the list libxenlight builds from our
 * parsed list, and from a featureset through xlc_xl_cpuid_reverse, gives
 * the same libxl_cpuid_policy_list_gen_json() as our xlc_xl_cpuid_json:
 * the man page's examples, MSR items, and the reverse strings of every
 * shared dump's default featureset (and its max, and one in between)
 * for both guest types.
 */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../helpers/xl-oracle.h"
#include "libxl_cpuid/policy/cpu-policy.h"
#include "libxl_cpuid/xl/xen-libxl-list.h"
#include "libxl_cpuid/xl/xl-cpuid-int.h"

static char *our_json(const struct xlc_xl_cpuid *l)
{
    struct xlc_buf b = XLC_BUF_INIT;
    char *s;

    xlc_xl_cpuid_json(&b, l);
    s = xlc_buf_take(&b);
    assert_non_null(s);
    return s;
}

/* Our list -> libxenlight's list: same JSON as ours (and returns it). */
static char *replayed_equals_ours(const struct xlc_xl_cpuid *l)
{
    libxl_cpuid_policy_list ll = NULL;
    xlc_error err = { 0 };
    char *ours = our_json(l), *theirs;

    if (xlc_xl_libxl_list(l, &ll, &err))
        fail_msg("%s", err.msg);
    theirs = xlc_xl_libxl_list_json(&ll);
    assert_non_null(theirs);
    assert_string_equal(theirs, ours);
    libxl_cpuid_dispose(&ll);
    free(theirs);
    return ours;
}

static void libxl_string(const char *s)
{
    struct xlc_xl_cpuid l = { 0 };
    struct xo_result direct;
    char *ours;

    assert_int_equal(xlc_xl_cpuid_parse(&l, s, NULL, NULL, NULL), 0);
    ours = replayed_equals_ours(&l);
    xo_libxl_form(s, &direct);          /* and libxl parsing s itself */
    assert_int_equal(direct.rc, 0);
    assert_string_equal(direct.json, ours);
    free(direct.json);
    free(ours);
    xlc_xl_cpuid_free(&l);
}

static void xend_strings(const char *const *v, size_t n)
{
    struct xlc_xl_cpuid l = { 0 };
    struct xo_result direct;
    char *ours;

    for (size_t i = 0; i < n; i++)
        assert_int_equal(xlc_xl_cpuid_parse_xend(&l, v[i], NULL, NULL), 0);
    ours = replayed_equals_ours(&l);
    xo_xend_form(v, n, &direct);
    assert_int_equal(direct.rc, 0);
    assert_string_equal(direct.json, ours);
    free(direct.json);
    free(ours);
    xlc_xl_cpuid_free(&l);
}

/* man xl.cfg's examples, both forms. */
static void man_page_examples(void **state)
{
    static const char *const man[] = {
        "1:ecx=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx0,"
        "edx=xx0xxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "0x80000001:ecx=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "7,0:ebx=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
    };

    (void)state;
    libxl_string("host,tm=0,sse3=0");
    for (size_t i = 0; i < 3; i++)
        xend_strings(&man[i], 1);
    xend_strings(man, 3);
}

/* Numeric fields, k/s, MSR bits (set, host, all-'x'), an empty entry. */
static void other_items(void **state)
{
    static const char *const empty[] = { "0xd,1:" };

    (void)state;
    libxl_string("host,family=0x1f,model=0x5e,stepping=3,avx512f=k,aes=s");
    libxl_string("host,rdcl-no=1,eibrs=s,avx=0,skip-l1dfl=0");
    libxl_string("host,rdcl-no=x");
    xend_strings(empty, 1);
}

/*
 * libxl cannot hold leaf 0xffffffff (its terminator): refused, said.  Our
 * parsers drop such an element as libxl does (quirk X2), so the list is
 * built by hand here.
 */
static void terminator_leaf_refused(void **state)
{
    struct xlc_xl_cpuid l = { 0 };
    libxl_cpuid_policy_list ll = NULL;
    xlc_error err = { 0 };

    (void)state;
    assert_non_null(xlc_xl_cpuid_entry_get(&l, XLC_XL_NO_SUBLEAF,
                                           XLC_XL_NO_SUBLEAF));
    assert_int_equal(xlc_xl_libxl_list(&l, &ll, &err), -EINVAL);
    assert_null(ll);
    assert_non_null(strstr(err.msg, "terminator"));
    xlc_xl_cpuid_free(&l);
}

/* want -> reverse string -> libxl's list; JSON == ours of the string. */
static void featureset_equals(const uint32_t *want, const uint32_t *def,
                              const char *what)
{
    libxl_cpuid_policy_list ll = NULL;
    struct xlc_xl_cpuid l = { 0 };
    xlc_error err = { 0 };
    char *str, *ours, *theirs;

    if (xlc_xl_libxl_list_from_featureset(want, def, &ll, &str, &err))
        fail_msg("%s: %s", what, err.msg);
    if (xlc_xl_cpuid_parse(&l, str, NULL, NULL, &err))
        fail_msg("%s: %s: %s", what, str, err.msg);
    ours = our_json(&l);
    theirs = xlc_xl_libxl_list_json(&ll);
    assert_non_null(theirs);
    if (strcmp(ours, theirs))
        fail_msg("%s: %s:\n ours   %s\n libxl  %s", what, str, ours, theirs);
    free(replayed_equals_ours(&l));
    libxl_cpuid_dispose(&ll);
    xlc_xl_cpuid_free(&l);
    free(ours);
    free(theirs);
    free(str);
}

/* Max, and max with every 5th default feature dropped (deps closed). */
static void wanted(const uint32_t *def, const uint32_t *max, int k,
                   uint32_t *out)
{
    memcpy(out, k == 0 ? def : max, XFS_NR_WORDS * sizeof(*out));
    if (k == 2)
        for (unsigned int v = 0, n = 0; v < XFS_NR_FEATURE_BITS; v++)
            if (xfs_test(def, XFS_NR_WORDS, v) && n++ % 5 == 0)
                xfs_clear_with_dependents(out, XFS_NR_WORDS, v);
    xfs_apply_deep_deps(out, XFS_NR_WORDS);
}

static void every_dump(void **state)
{
    const char *shared = getenv("XFS_DATA");
    char dir[512], path[1024], what[1200];
    unsigned int dumps = 0, lists = 0;
    struct dirent *de;
    DIR *d;

    (void)state;
    assert_non_null(shared);
    snprintf(dir, sizeof(dir), "%s/cpuid/instlatx64", shared);
    d = opendir(dir);
    assert_non_null(d);
    while ((de = readdir(d))) {
        struct xlc_sim_opts o = { .cpuid_file = path };
        struct xlc_system_policies *s;
        xlc_error err;

        if (!strstr(de->d_name, ".xml"))
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
        if (xlc_system_policies_load(&o, &s, &err))
            fail_msg("%s: %s", path, err.msg);
        dumps++;
        for (int t = XLC_GUEST_PV; t <= XLC_GUEST_HVM; t++) {
            unsigned int di = t == XLC_GUEST_PV ? XFS_SYSCTL_cpu_featureset_pv
                                                : XFS_SYSCTL_cpu_featureset_hvm;
            unsigned int mi = t == XLC_GUEST_PV
                                  ? XFS_SYSCTL_cpu_featureset_pv_max
                                  : XFS_SYSCTL_cpu_featureset_hvm_max;
            uint32_t want[XFS_NR_WORDS];

            if (!s->pol.present[di])
                continue;
            for (int k = 0; k < 3; k++, lists++) {
                wanted(s->fs.fs[di], s->fs.fs[mi], k, want);
                snprintf(what, sizeof(what), "%s %s #%d", de->d_name,
                         t == XLC_GUEST_PV ? "pv" : "hvm", k);
                /* the default against nothing: every feature named */
                if (k == 0) {
                    uint32_t none[XFS_NR_WORDS] = { 0 };
                    featureset_equals(want, none, what);
                }
                featureset_equals(want, s->fs.fs[di], what);
            }
        }
        xlc_system_policies_free(s);
    }
    closedir(d);
    print_message("%u dumps, %u featuresets through libxenlight\n", dumps,
                  lists);
    assert_true(dumps >= 40);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(man_page_examples),
        cmocka_unit_test(other_items),
        cmocka_unit_test(terminator_leaf_refused),
        cmocka_unit_test(every_dump),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
