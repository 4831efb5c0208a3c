/* SPDX-License-Identifier: MIT */
/*
 * XSAVE layouts for dumps without leaf 0xd subleaves: the vendor's
 * documented layout stands in, only where it agrees with what the CPU
 * reported, and says so.
 *
 *  - Every shared dump that has the subleaves, with them taken away, gets
 *    back exactly the layout it reported, or nothing (never a wrong one):
 *    the table and the consistency check judged against real hardware.
 *  - Dumps that really lack them (Ice Lake, Ivy Bridge-E, Interlagos,
 *    Kabini...) get a layout, marked as assumed, carried into the derived
 *    policies.
 *  - The false refusal of issue 12 is gone (`level` Skylake + Ice Lake),
 *    a real layout difference is still refused, and the tool says when a
 *    layout was assumed.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "../helpers/policy-oracle.h"
#include "../helpers/shared-data.h"
#include "../helpers/tool-run.h"
#include "libxl_cpuid/policy/cpu-policy.h"
#include "libxl_cpuid/sources/cpuid-dump.h"

static const struct xfs_cpu_policy *raw_of(const struct xlc_system_policies *s)
{
    return &s->pol.p[XFS_SYSCTL_cpu_featureset_raw];
}

static struct xlc_system_policies *derive(const struct xlc_cpuid_dump *d)
{
    struct xlc_system_policies *s;
    struct xfs_hv_options o;
    xlc_error err = { 0 };

    xfs_hv_options_default(&o);
    if (xlc_system_policies_from_dump(d, &o, &s, &err))
        fail_msg("%s", err.msg);
    return s;
}

/* The dump without leaf 0xd subleaves 2 and up (a copy). */
static struct xlc_cpuid_dump *strip_xstate(const struct xlc_cpuid_dump *d)
{
    struct xlc_cpuid_dump *c = calloc(1, sizeof(*c));
    size_t n = 0;

    assert_non_null(c);
    c->leaves = calloc(d->nr_leaves, sizeof(*c->leaves));
    c->source = strdup("stripped");
    assert_non_null(c->leaves);
    for (size_t i = 0; i < d->nr_leaves; i++)
        if (d->leaves[i].leaf != 0xd || d->leaves[i].subleaf < 2)
            c->leaves[n++] = d->leaves[i];
    c->nr_leaves = n;
    return c;
}

struct tally {
    unsigned int dumps, restored, left_unknown;
};

static void one_dump(void *ctx, const char *path, const char *file)
{
    struct tally *t = ctx;
    struct xlc_cpuid_dump *d, *c;
    struct xlc_system_policies *real, *guess;
    const struct xfs_cpu_policy *rr, *gr;
    xlc_error err = { 0 };
    uint64_t xcr0;

    if (xlc_dump_load(path, &d, &err))
        fail_msg("%s", err.msg);
    real = derive(d);
    rr = raw_of(real);
    xcr0 = xfs_policy_xcr0(rr);
    /* Only components the dump really describes are a check. */
    if (rr->xstate_assumed || !(xcr0 >> 2)) {
        xlc_system_policies_free(real);
        xlc_dump_free(d);
        return;
    }
    c = strip_xstate(d);
    guess = derive(c);
    gr = raw_of(guess);
    t->dumps++;
    for (unsigned int i = 2; i < XFS_POLICY_NR_XSTATE; i++) {
        if (!((xcr0 >> i) & 1))
            continue;
        if ((gr->xstate_assumed >> i) & 1) {
            if (gr->xstate[i].a != rr->xstate[i].a ||
                gr->xstate[i].b != rr->xstate[i].b)
                fail_msg("%s: component %u assumed %u@%u, the CPU says "
                         "%u@%u", file, i, gr->xstate[i].a, gr->xstate[i].b,
                         rr->xstate[i].a, rr->xstate[i].b);
            t->restored++;
        } else {
            /* Not assumed: unknown, as before. */
            assert_int_equal(gr->xstate[i].a, 0);
            assert_int_equal(gr->xstate[i].b, 0);
            t->left_unknown++;
        }
    }
    /* What the CPU reported was kept: XCR0 and the area size. */
    assert_int_equal(gr->xstate[0].a, rr->xstate[0].a);
    assert_int_equal(gr->xstate[0].c, rr->xstate[0].c);
    xlc_system_policies_free(real);
    xlc_system_policies_free(guess);
    xlc_dump_free(c);
    xlc_dump_free(d);
}

/* Judged against every shared CPU that reports its layout. */
static void documented_layout_matches_real_cpus(void **state)
{
    struct tally t = { 0 };

    (void)state;
    shared_each_dump(one_dump, &t);
    /* Intel, Sandy Bridge to Granite Rapids; AMD, Zen 3 to 5; Zhaoxin. */
    assert_true(t.dumps >= 25);
    assert_true(t.restored >= 80);
    print_message("%u dumps, %u component layouts restored, %u left "
                  "unknown\n", t.dumps, t.restored, t.left_unknown);
}

/* Zen 2 reports PKRU as 64 bytes at 832: the AMD table would be wrong,
 * and 0xd:0 ecx (0x380) says so, so PKRU stays unknown; AVX, which fits,
 * is assumed. */
static void zen2_pkru_not_guessed(void **state)
{
    struct xlc_cpuid_dump *d, *c;
    struct xlc_system_policies *s;
    xlc_error err = { 0 };

    (void)state;
    if (xlc_dump_load(shared_dump("AuthenticAMD0830F10_K17_Rome"), &d, &err))
        fail_msg("%s", err.msg);
    c = strip_xstate(d);
    s = derive(c);
    assert_int_equal(raw_of(s)->xstate_assumed, 1u << 2);
    assert_int_equal(raw_of(s)->xstate[2].b, 576);
    assert_int_equal(raw_of(s)->xstate[9].a, 0);
    assert_int_equal(raw_of(s)->xstate[9].b, 0);
    xlc_system_policies_free(s);
    xlc_dump_free(c);
    xlc_dump_free(d);
}

struct lacking {
    const char *dump;
    uint64_t assumed;     /* components assumed in the raw policy */
};

/* Shared dumps that really lack the subleaves. */
static void real_gaps_filled_and_marked(void **state)
{
    static const struct lacking cases[] = {
        { "GenuineIntel00606A6_ICX_04", (1u << 2) | (7u << 5) | (1u << 9) },
        { "GenuineIntel00306E4_IvyBridgeE", 1u << 2 },
        /* These two list 0xd:9, but empty. */
        { "GenuineIntel0050654_SkylakeXeon", 1u << 9 },
        { "GenuineIntel0050657_CascadeLakeXeon", 1u << 9 },
        { "AuthenticAMD0600F12_Interlagos", (1u << 2) | (1ull << 62) },
        { "AuthenticAMD0700F01_K16_Kabini", 1u << 2 },
    };

    (void)state;
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        struct xlc_system_policies *s = xt_system_from_file(
            shared_dump(cases[k].dump));
        const struct xfs_cpu_policy *raw = raw_of(s);
        const struct xfs_cpu_policy *hvm =
            &s->pol.p[XFS_SYSCTL_cpu_featureset_hvm_max];

        if (raw->xstate_assumed != cases[k].assumed)
            fail_msg("%s: assumed 0x%llx", cases[k].dump,
                     (unsigned long long)raw->xstate_assumed);
        /* Every XCR0 component now has its place, adding up to 0xd:0 ecx. */
        assert_int_equal(xfs_xstate_uncompressed_size(raw,
                                                      xfs_policy_xcr0(raw)),
                         raw->xstate[0].c);
        /* Carried, for what Xen gives guests, into the derived policies. */
        if (s->pol.present[XFS_SYSCTL_cpu_featureset_hvm_max])
            assert_int_equal(hvm->xstate_assumed,
                             raw->xstate_assumed &
                                 (xfs_policy_xcr0(hvm) | xfs_policy_xss(hvm)));
        xlc_system_policies_free(s);
    }
}

/* The table itself, component by component (SDM / APM values). */
static void table_values(void **state)
{
    struct xfs_cpuid_regs r;

    (void)state;
    assert_true(xfs_xstate_arch_layout(XFS_VENDOR_INTEL, 2, &r));
    assert_true(r.a == 256 && r.b == 576);
    assert_true(xfs_xstate_arch_layout(XFS_VENDOR_INTEL, 3, &r));
    assert_true(r.a == 64 && r.b == 960);
    assert_true(xfs_xstate_arch_layout(XFS_VENDOR_INTEL, 9, &r));
    assert_true(r.a == 8 && r.b == 2688);
    assert_true(xfs_xstate_arch_layout(XFS_VENDOR_INTEL, 18, &r));
    assert_true(r.a == 8192 && r.b == 2816 && r.c == XFS_XSTATE_ECX_ALIGN64);
    assert_true(xfs_xstate_arch_layout(XFS_VENDOR_AMD, 5, &r));
    assert_true(r.a == 64 && r.b == 832);
    assert_true(xfs_xstate_arch_layout(XFS_VENDOR_HYGON, 9, &r));
    assert_true(r.a == 8 && r.b == 2432);
    /* No MPX on AMD, no supervisor components, no unknown vendor. */
    assert_false(xfs_xstate_arch_layout(XFS_VENDOR_AMD, 3, &r));
    assert_false(xfs_xstate_arch_layout(XFS_VENDOR_INTEL, 8, &r));
    assert_false(xfs_xstate_arch_layout(XFS_VENDOR_UNKNOWN, 2, &r));
}

static char *temp_copy_with(const char *src, const char *from, const char *to)
{
    char *text = shared_read(src), *at = strstr(text, from), *path;
    FILE *f;
    int fd;

    assert_non_null(at);
    path = strdup("/tmp/xfs-xstate-XXXXXX.xml");
    fd = mkstemps(path, 4);
    assert_true(fd >= 0);
    f = fdopen(fd, "w");
    fwrite(text, 1, (size_t)(at - text), f);
    fputs(to, f);
    fputs(at + strlen(from), f);
    assert_int_equal(fclose(f), 0);
    free(text);
    return path;
}

/* The tool: the pool levels; a real difference is refused. */
static void level_refuses_only_real_differences(void **state)
{
    char skx[4096], icx[4096], args[12000], *out, *err, *bad;

    (void)state;
    snprintf(skx, sizeof(skx), "%s",
             shared_dump("GenuineIntel0050654_SkylakeXeon"));
    snprintf(icx, sizeof(icx), "%s",
             shared_dump("GenuineIntel00606A6_ICX_04"));
    snprintf(args, sizeof(args), "level --type hvm %s %s", skx, icx);
    assert_int_equal(tool_run(args, &out, &err), 0);
    assert_null(strstr(out, "layout differs"));
    assert_non_null(strstr(out, "levelled policy: every host's max policy "
                                "accepts it"));
    free(out);
    free(err);
    /* Tiger Lake (every subleaf reported) levels with Ice Lake as it is;
     * with its PKRU moved, the layout differs for real. */
    snprintf(args, sizeof(args), "level --type hvm %s %s",
             shared_dump("GenuineIntel00806C1_TigerLake_01"), icx);
    assert_int_equal(tool_run(args, &out, &err), 0);
    free(out);
    free(err);
    bad = temp_copy_with(shared_dump("GenuineIntel00806C1_TigerLake_01"),
                         "ecx_in='0x09' eax='0x00000008' ebx='0x00000a80'",
                         "ecx_in='0x09' eax='0x00000008' ebx='0x00000a90'");
    snprintf(args, sizeof(args), "level --type hvm %s %s", bad, icx);
    assert_int_equal(tool_run(args, &out, &err), 4);
    assert_non_null(strstr(out, "XSAVE component 9 (PKRU) layout differs"));
    assert_null(strstr(out, "component 2 (AVX) layout differs"));
    free(out);
    free(err);
    unlink(bad);
    free(bad);
}

/* `policy` says which layouts were assumed, in text and JSON. */
static void tool_says_when_assumed(void **state)
{
    char args[8192], *out, *err;

    (void)state;
    /* Xen's -p layout has no room for it: it comes with the backend line. */
    snprintf(args, sizeof(args), "-p --show-backend --cpuid %s",
             shared_dump("GenuineIntel00606A6_ICX_04"));
    assert_int_equal(tool_run(args, &out, &err), 0);
    assert_non_null(strstr(out, "note: XSAVE layout of components 2 (AVX) 5 "
                                "(AVX-512 opmask) 6 (AVX-512 ZMM_Hi256) 7 "
                                "(AVX-512 Hi16_ZMM) 9 (PKRU) as the vendor "
                                "documents it, not read (the CPUID data "
                                "has no leaf 0xd subleaf for them, or an "
                                "empty one)"));
    free(out);
    free(err);
    snprintf(args, sizeof(args), "-p --json --cpuid %s",
             shared_dump("GenuineIntel00606A6_ICX_04"));
    assert_int_equal(tool_run(args, &out, &err), 0);
    assert_non_null(strstr(out, "\"xstate_layout_assumed\":[2,5,6,7,9]"));
    free(out);
    free(err);
    /* A dump with every subleaf: no note. */
    snprintf(args, sizeof(args), "-p --show-backend --cpuid %s",
             shared_dump("GenuineIntel00806C1_TigerLake_01"));
    assert_int_equal(tool_run(args, &out, &err), 0);
    assert_null(strstr(out, "XSAVE layout of"));
    free(out);
    free(err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(documented_layout_matches_real_cpus),
        cmocka_unit_test(zen2_pkru_not_guessed),
        cmocka_unit_test(real_gaps_filled_and_marked),
        cmocka_unit_test(table_values),
        cmocka_unit_test(level_refuses_only_real_differences),
        cmocka_unit_test(tool_says_when_assumed),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
