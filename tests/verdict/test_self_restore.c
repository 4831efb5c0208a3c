/* SPDX-License-Identifier: MIT */
/*
 * A guest restores on the host it was recorded on.  For every CPU dump
 * in tests/data/cpuid (the 40 instlatx64 dumps and the `cpuid -r` file),
 * PV and HVM: the default guest `record` writes, through a real stream,
 * is accepted by restore-check on the same host, keeps its policy there,
 * is accepted by the guest verdict as a recorded policy and as `level`'s
 * guest:DUMP, and libxenguest's xc_cpu_policy_is_compatible agrees.
 *
 * The MAXPHYSADDR case: a host with 32 physical address bits (an old
 * Intel dump edited in memory).  Xen raises a PAE guest's width to 36
 * bits whatever the host has, so the recorded guest says 36; it must be
 * judged against the 36 bits this host gives it, not the host's 32
 * (refused as "guest 36 bits, host 32 bits" before issue 12).  A guest
 * asking for more than that is still refused.
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
#include "libxl_cpuid/policy/applied-policy.h"
#include "libxl_cpuid/verdict/guest-source.h"
#include "libxl_cpuid/migration/restore-check.h"

#define PV XFS_STREAM_DOM_X86_PV
#define HVM XFS_STREAM_DOM_X86_HVM

static enum xlc_guest_type type_of(uint32_t dom)
{
    return dom == PV ? XLC_GUEST_PV : XLC_GUEST_HVM;
}

/* What `record` writes: the default guest, as a parsed stream. */
static struct xlc_applied_policy *record(const struct xlc_system_policies *s,
                                         uint32_t dom,
                                         struct xlc_stream_info *info)
{
    const struct xlc_guest_settings dflt = { .kind = XLC_SETTINGS_DEFAULT };
    struct xlc_applied_policy *a;
    xlc_error err = { 0 };
    uint8_t *buf;
    size_t len;

    if (xlc_applied_policy(s, type_of(dom), &dflt, &a, &err) ||
        xlc_stream_write_standalone(dom, &a->entries, &buf, &len, &err) ||
        xlc_stream_parse(buf, len, info, &err))
        fail_msg("%s: %s", s->source, err.msg);
    assert_int_equal(a->refused.nr, 0);
    free(buf);
    return a;
}

static void libxenguest_agrees(const struct xlc_restore_dest *d,
                               const struct xlc_applied_policy *a)
{
    struct xlc_policy_entries h = { 0 };

    xt_serialise(&d->max, &h);
    assert_true(xt_xen_compatible(&h, &a->entries));
    xlc_policy_entries_free(&h);
}

/* level's guest:DUMP on the same host: the same guest, the same answer. */
static void level_guest_of_dump(const char *path,
                                const struct xlc_system_policies *s,
                                uint32_t dom)
{
    struct xlc_guest_verdict *v;
    struct xlc_gv_source *src;
    struct xlc_gv_host h;
    xlc_error err = { 0 };

    if (xlc_gv_source_load(path, type_of(dom), NULL, &src, &err))
        fail_msg("%s: %s", path, err.msg);
    assert_int_equal(src->guest.form, XLC_GV_POLICY);
    xlc_gv_host_from_system(&h, s, type_of(dom));
    if (xlc_guest_verdict(&h, &src->guest, &v, &err))
        fail_msg("%s: %s", path, err.msg);
    if (!v->runs)
        fail_msg("%s: guest:DUMP refused on itself: %s", path,
                 v->reasons[0].text);
    xlc_guest_verdict_free(v);
    xlc_gv_source_free(src);
}

static void self_restore(const char *path, unsigned int *pairs,
                         unsigned int *no_hvm)
{
    struct xlc_system_policies *s = xt_system_from_file(path);

    for (uint32_t dom = PV; dom <= HVM; dom++) {
        struct xlc_restore_dest *d = malloc(sizeof(*d));
        struct xlc_applied_policy *a;
        struct xlc_stream_info info;
        struct xlc_restore_verdict v;
        xlc_error err = { 0 };

        assert_non_null(d);
        xlc_restore_dest_from_system(s, dom, d);
        if (!d->usable) {
            /* Only a CPU without VMX/SVM, and only for HVM guests. */
            assert_int_equal(dom, HVM);
            (*no_hvm)++;
            free(d);
            continue;
        }
        a = record(s, dom, &info);
        if (xlc_restore_check(&info, d, &v, &err))
            fail_msg("%s: %s", path, err.msg);
        if (!v.accept)
            fail_msg("%s %s: refused on its own host: %s", xt_basename(path),
                     dom == PV ? "pv" : "hvm", v.reasons[0].text);
        /* Restored, the guest runs with exactly what it was recorded with. */
        assert_true(xfs_policy_equal(&v.guest, &a->policy));
        libxenguest_agrees(d, a);
        level_guest_of_dump(path, s, dom);
        (*pairs)++;
        xlc_restore_verdict_free(&v);
        xlc_stream_info_free(&info);
        xlc_applied_policy_free(a);
        free(d);
    }
    xlc_system_policies_free(s);
}

static void every_dump_restores_on_itself(void **state)
{
    size_t n;
    char **paths = xt_dump_paths(&n);
    unsigned int pairs = 0, no_hvm = 0;

    (void)state;
    assert_true(n >= 40);
    for (size_t i = 0; i < n; i++)
        self_restore(paths[i], &pairs, &no_hvm);
    /* Of the shared dumps only the K8 has neither VMX nor SVM. */
    assert_int_equal(no_hvm, 1);
    self_restore(xt_live_dump_path(), &pairs, &no_hvm);
    assert_int_equal(pairs, 2 * (n + 1) - no_hvm);
    xt_free_paths(paths, n);
}

/* ---- MAXPHYSADDR 32 ---- */

#define MEROM "GenuineIntel00006F6_Merom"

/* The Merom dump with leaf 0x80000008 saying 32 physical bits. */
static char *merom_32_bits(void)
{
    char *text = shared_read(shared_dump(MEROM));
    char *at = strstr(text, "eax_in='0x80000008' ecx_in='0x00' "
                            "eax='0x00003024'");

    assert_non_null(at);
    memcpy(strstr(at, "3024"), "3020", 4);
    return text;
}

static struct xlc_system_policies *system_of(const char *text)
{
    struct xlc_system_policies *s;
    struct xlc_cpuid_dump *d;
    struct xfs_hv_options o;
    xlc_error err = { 0 };

    xfs_hv_options_default(&o);
    if (xlc_dump_parse("merom-32.xml", text, strlen(text), &d, &err) ||
        xlc_system_policies_from_dump(d, &o, &s, &err))
        fail_msg("%s", err.msg);
    xlc_dump_free(d);
    return s;
}

static bool has_kind(const struct xlc_restore_verdict *v,
                     enum xfs_compat_kind k)
{
    for (size_t i = 0; i < v->nr_reasons; i++)
        if (!v->reasons[i].guest_type && v->reasons[i].why.kind == k)
            return true;
    return false;
}

static void maxphysaddr_32(void **state)
{
    char *text = merom_32_bits();
    struct xlc_system_policies *s = system_of(text);

    (void)state;
    for (uint32_t dom = PV; dom <= HVM; dom++) {
        struct xlc_restore_dest *d = malloc(sizeof(*d));
        struct xlc_applied_policy *a;
        struct xlc_stream_info info;
        struct xlc_restore_verdict v;
        struct xfs_cpu_policy *wide = malloc(sizeof(*wide));
        xlc_error err = { 0 };

        assert_non_null(d);
        assert_non_null(wide);
        xlc_restore_dest_from_system(s, dom, d);
        assert_true(d->usable);
        assert_int_equal(d->max.extd[8].a & 0xff, 32);
        a = record(s, dom, &info);
        /* Xen gives the PAE guest 36 bits, and the stream says so... */
        assert_int_equal(a->policy.extd[8].a & 0xff, 36);
        /* ...which this host gives it again: accepted, nothing said of
         * MAXPHYSADDR. */
        assert_int_equal(xlc_restore_check(&info, d, &v, &err), 0);
        if (!v.accept)
            fail_msg("refused: %s", v.reasons[0].text);
        assert_int_equal(v.guest.extd[8].a & 0xff, 36);
        xlc_restore_verdict_free(&v);
        xlc_stream_info_free(&info);
        /* 40 bits is more than this host gives any guest: refused. */
        xfs_policy_copy(wide, &a->policy);
        wide->extd[8].a = (wide->extd[8].a & ~0xffu) | 40;
        assert_int_equal(xlc_restore_check_policy(wide, d, &v, &err), 0);
        assert_false(v.accept);
        assert_true(has_kind(&v, XFS_COMPAT_MAXPHYSADDR));
        assert_non_null(strstr(v.reasons[0].text, "guest 40 bits, host 36 "
                                                  "bits"));
        xlc_restore_verdict_free(&v);
        xlc_applied_policy_free(a);
        free(wide);
        free(d);
    }
    xlc_system_policies_free(s);
    free(text);
}

/* The same through the tool, as a user would: record, then restore-check
 * on the same (edited) dump. */
static void maxphysaddr_32_tool(void **state)
{
    char dump[] = "/tmp/test_self_restore_dump.XXXXXX";
    char stream[] = "/tmp/test_self_restore_stream.XXXXXX";
    char *text = merom_32_bits(), args[512], *out, *err;
    int fd = mkstemp(dump), fs = mkstemp(stream);
    FILE *f = fdopen(fd, "w");

    (void)state;
    assert_true(fd >= 0 && fs >= 0 && f);
    close(fs);
    fputs(text, f);
    fclose(f);
    snprintf(args, sizeof(args), "record --type pv --cpuid %s -o %s", dump,
             stream);
    assert_int_equal(tool_run(args, &out, &err), 0);
    free(out), free(err);
    snprintf(args, sizeof(args), "restore-check --cpuid %s %s", dump, stream);
    if (tool_run(args, &out, &err))
        fail_msg("%s\n%s%s", args, out, err);
    assert_non_null(strstr(out, "verdict: accept\n"));
    free(out), free(err);
    unlink(dump);
    unlink(stream);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_dump_restores_on_itself),
        cmocka_unit_test(maxphysaddr_32),
        cmocka_unit_test(maxphysaddr_32_tool),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
