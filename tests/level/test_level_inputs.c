/* SPDX-License-Identifier: MIT */
/*
 * Where a pool's hosts come from (level-input.h): the shared dumps and the
 * live CPU through the xen/arch derivation (max and default sets),
 * featureset text, batch loads, libvirt host <cpu> elements and saved
 * policies.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "../helpers/level_testdata.h"
#include "libxl_cpuid/cpumap/libvirt-cpumap.h"
#include "libxl_cpuid/libvirt/libvirt-translate.h"

#define NW XFS_NR_WORDS
#define HVM XLC_GUEST_HVM
#define PV XLC_GUEST_PV

/* HVM needs VMX/SVM: K8 Clawhammer and the virtualised EPYC cannot. */
static void hvm_usability_from_derivation(void **state)
{
    (void)state;
    assert_false(lvt_find("AuthenticAMD0000F4A")->as[HVM].usable);
    assert_false(lvt_find("this-machine")->as[HVM].usable);
    assert_true(lvt_find("this-machine")->as[PV].usable);
    assert_true(lvt_find("AuthenticAMD0A00F11")->as[HVM].usable);
    /* The derived HVM max set keeps Xen's synthesised HYPERVISOR bit. */
    assert_true(xfs_test(lvt_find("GenuineIntel00906EA")->as[HVM].fs, NW,
                         XFS_HYPERVISOR));
}

/* The live CPU as a host: vendor and MXCSR mask known. */
static void live_host(void **state)
{
    struct xlc_level_host h;
    xlc_error err;

    (void)state;
    if (xlc_level_host_live(PV, &h, &err))
        fail_msg("%s", err.msg);
    assert_true(h.usable);
    assert_true(h.props.vendor_known && h.props.limits_known);
    assert_true(h.props.mxcsr_known);
    /* Every SSE2-era CPU accepts at least the architectural 0xffbf. */
    assert_int_equal(h.props.mxcsr_mask & 0xffbf, 0xffbf);
    assert_true(xfs_test(h.fs, NW, XFS_SSE2));
}

/* Featureset text, as a string or in a file; other kinds said plainly. */
static void featureset_sources(void **state)
{
    char path[] = "/tmp/test_level_fs_XXXXXX";
    struct xlc_level_host h;
    xlc_error err;
    FILE *f;

    (void)state;
    assert_int_equal(xlc_level_host_load("178bfbff:00000001", PV, &h, &err),
                     0);
    assert_int_equal(h.fs[0], 0x178bfbff);
    assert_int_equal(h.fs[1], 1);
    assert_false(h.props.vendor_known || h.props.limits_known);
    assert_true(h.usable);
    /* Twenty words, a bit in the twentieth: refused, the bit named. */
    assert_int_equal(xlc_level_host_load(
                         "0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:00000004", PV,
                         &h, &err), -EINVAL);
    assert_int_equal(xlc_level_host_load(
                         "00000000:00000000:00000000:00000000:00000000:"
                         "00000000:00000000:00000000:00000000:00000000:"
                         "00000000:00000000:00000000:00000000:00000000:"
                         "00000000:00000000:00000000:00000000:00000004", PV,
                         &h, &err), -EINVAL);
    assert_non_null(strstr(err.msg, "bit 610"));
    f = fdopen(mkstemp(path), "w");
    assert_non_null(f);
    fputs("  0789fbff:f6fa3203\n", f);
    fclose(f);
    assert_int_equal(xlc_level_host_load(path, HVM, &h, &err), 0);
    assert_int_equal(h.fs[0], 0x0789fbff);
    f = fopen(path, "w");
    fputs("<cpu mode='host-model'/>\n", f);
    fclose(f);
    assert_int_equal(xlc_level_host_load(path, HVM, &h, &err), -ENOTSUP);
    assert_non_null(strstr(err.msg, "xlc_level_hosts_from_libvirt"));
    unlink(path);
}

/* A batch load gives each source's own outcome, in order, and tells the
 * libvirt <cpu> files it leaves to the caller. */
static void batch_load_in_order(void **state)
{
    const char *src[7];
    struct xlc_level_load res[7];
    char p0[8192], p1[8192], lv[] = "/tmp/test_level_batch_XXXXXX";
    int fd = mkstemp(lv);

    (void)state;
    snprintf(p0, sizeof(p0), "%s/cpuid/instlatx64/%s.xml",
             getenv("XFS_DATA"), lvt_hosts[0].name);
    snprintf(p1, sizeof(p1), "%s/cpuid/instlatx64/%s.xml",
             getenv("XFS_DATA"), lvt_hosts[1].name);
    src[0] = p0;
    src[1] = "nonexistent.xml";
    src[2] = p1;
    src[3] = "00000001:00000002";
    src[4] = p0;
    src[5] = lv;
    src[6] = "00000001:00000002:zz";
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "<cpu mode='host-model'/>\n", 25), 25);
    close(fd);
    assert_int_equal(xlc_level_load_many(src, 7, PV, 3, res), 0);
    assert_int_equal(res[0].rc, 0);
    assert_memory_equal(res[0].host.fs, lvt_hosts[0].as[PV].fs, NW * 4);
    assert_int_equal(res[1].rc, -ENOENT);
    assert_non_null(strstr(res[1].msg, "nonexistent.xml"));
    assert_memory_equal(res[2].host.fs, lvt_hosts[1].as[PV].fs, NW * 4);
    assert_int_equal(res[3].host.fs[1], 2);
    assert_memory_equal(res[4].host.fs, lvt_hosts[0].as[PV].fs, NW * 4);
    assert_int_equal(res[5].rc, -ENOTSUP);
    assert_true(res[5].libvirt);
    assert_int_not_equal(res[6].rc, 0);
    for (size_t i = 0; i < 7; i++)
        if (i != 5)
            assert_false(res[i].libvirt);
    xlc_level_loads_free(res, 7);
    unlink(lv);
}

static char *write_temp(const char *text)
{
    static char path[64];
    int fd;
    FILE *f;

    snprintf(path, sizeof(path), "/tmp/test_level_lv_XXXXXX");
    fd = mkstemp(path);
    f = fdopen(fd, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return path;
}

/*
 * Host <cpu> elements through the installed cpu_map, then Xen's
 * derivation.  A host CPU (with <arch>, as `virsh capabilities` prints
 * it) has every feature it lists: a policy= there is ignored, as libvirt
 * does, and counted for a note.  A guest-form <cpu> (no <arch>) is read
 * with its policies.
 */
static void libvirt_host_cpus(void **state)
{
    static const char text[] =
        "<!-- <cpu> in a comment is not an element -->\n"
        "<cpu>\n  <arch>x86_64</arch>\n  <model>Haswell</model>\n"
        "  <vendor>Intel</vendor>\n  <microcode version='1'/>\n"
        "  <feature name='vmx'/>\n"
        "  <feature policy='disable' name='avx2'/>\n"
        "</cpu>\n"
        "<cpu>\n  <model>Haswell</model>\n  <vendor>Intel</vendor>\n"
        "  <feature name='avx512f'/>\n"
        "  <feature policy='disable' name='avx2'/>\n</cpu>\n";
    struct xlc_cpu_map *map;
    struct xlc_level_host *h;
    xlc_error err;
    size_t n;
    char *path;

    (void)state;
    if (xlc_cpu_map_load(NULL, &map, &err))
        fail_msg("%s", err.msg);
    path = write_temp(text);
    if (xlc_level_hosts_from_libvirt(path, map, HVM, &h, &n, &err))
        fail_msg("%s", err.msg);
    assert_int_equal(n, 2);
    assert_string_equal(h[0].props.vendor, "GenuineIntel");
    assert_true(h[0].props.vendor_known);
    assert_false(h[0].props.limits_known);
    /* host form: the disable is ignored, and counted */
    assert_int_equal(h[0].policies_ignored, 1);
    assert_int_equal(h[0].policy_ignored_line, 8);
    assert_true(xfs_test(h[0].fs, NW, XFS_AVX2));
    assert_true(xfs_test(h[0].def, NW, XFS_AVX2));
    /* vmx listed: HVM guests can run; nested virt is opt-in */
    assert_true(h[0].usable);
    assert_true(xfs_test(h[0].fs, NW, XFS_VMX));
    assert_false(xfs_test(h[0].def, NW, XFS_VMX));
    /* guest form without vmx: no HVM guests */
    assert_int_equal(h[1].policies_ignored, 0);
    assert_false(h[1].usable);
    assert_true(xfs_empty(h[1].fs, NW));
    assert_true(xfs_subset(h[0].def, NW, h[0].fs, NW));
    free(h);
    /* ... and for PV: disable takes avx2 away, and avx512f with it (deep
     * dependencies) */
    if (xlc_level_hosts_from_libvirt(path, map, PV, &h, &n, &err))
        fail_msg("%s", err.msg);
    assert_true(h[1].usable);
    assert_false(xfs_test(h[1].fs, NW, XFS_AVX2));
    assert_false(xfs_test(h[1].fs, NW, XFS_AVX512F));
    assert_true(xfs_test(h[1].fs, NW, XFS_AVX));
    assert_true(xfs_test(h[0].fs, NW, XFS_AVX2));
    free(h);
    unlink(path);

    /* Unknown names and guest-only modes are refused, and say where. */
    path = write_temp("<cpu>\n<model>Haswell</model>\n"
                      "<feature name='avx5l2f'/>\n</cpu>\n");
    assert_int_equal(xlc_level_hosts_from_libvirt(path, map, HVM, &h, &n,
                                                  &err), -EINVAL);
    assert_non_null(strstr(err.msg, "unknown feature 'avx5l2f'"));
    assert_non_null(strstr(err.msg, "(<cpu> at line 1):3"));
    unlink(path);
    path = write_temp("<cpu mode='host-model'/>\n");
    assert_int_equal(xlc_level_hosts_from_libvirt(path, map, HVM, &h, &n,
                                                  &err), -EINVAL);
    assert_non_null(strstr(err.msg, "mode='host-model'"));
    unlink(path);
    xlc_cpu_map_free(map);
}

/*
 * Vendor rules come from Xen's derivation, not from the map: an AMD host
 * <cpu> has SEP (libvirt lists it), Xen clears it for PV guests on AMD
 * and gives it back to HVM ones -- exactly as for the same CPU's dump.
 */
static void libvirt_amd_sep(void **state)
{
    const struct lvt_host *rome = lvt_find("AuthenticAMD0830F10");
    struct xlc_cpu_map *map;
    struct xlc_level_host *pv, *hvm;
    xlc_error err;
    size_t n;
    char *path;

    (void)state;
    if (xlc_cpu_map_load(NULL, &map, &err))
        fail_msg("%s", err.msg);
    path = write_temp("<cpu>\n  <arch>x86_64</arch>\n"
                      "  <model>EPYC-Rome</model>\n  <vendor>AMD</vendor>\n"
                      "  <feature name='svm'/>\n</cpu>\n");
    if (xlc_level_hosts_from_libvirt(path, map, PV, &pv, &n, &err) ||
        xlc_level_hosts_from_libvirt(path, map, HVM, &hvm, &n, &err))
        fail_msg("%s", err.msg);
    assert_true(xfs_test(xlc_cpu_map_model(map, "EPYC-Rome")->xen, NW,
                         XFS_SEP));
    assert_false(xfs_test(rome->as[PV].fs, NW, XFS_SEP));
    assert_false(xfs_test(pv[0].fs, NW, XFS_SEP));
    assert_false(xfs_test(pv[0].def, NW, XFS_SEP));
    assert_true(xfs_test(rome->as[HVM].def, NW, XFS_SEP));
    assert_true(xfs_test(hvm[0].def, NW, XFS_SEP));
    free(pv);
    free(hvm);
    unlink(path);
    xlc_cpu_map_free(map);
}

/*
 * Every input has a default within its max set; for the dumps it is the
 * derivation's own default set (the one the sysctl serves), which for a
 * raw input with the type's usual features is the max set through the
 * static default mask plus Xen's synthesised bits.
 */
static void defaults_of_inputs(void **state)
{
    const uint32_t *d[2] = { xfs_static_masks[XFS_MASK_PV_DEF],
                             xfs_static_masks[XFS_MASK_HVM_HAP_DEF] };
    const uint32_t *synth = xfs_guest_synth_mask;
    struct xlc_level_host h;
    xlc_error err;

    (void)state;
    for (size_t i = 0; i < lvt_nr_hosts; i++)
        for (int t = 0; t < 2; t++) {
            const struct xlc_level_host *x = &lvt_hosts[i].as[t];

            if (!xfs_subset(x->def, NW, x->fs, NW))
                fail_msg("%s: default outside max", lvt_hosts[i].name);
            for (unsigned int w = 0; w < NW; w++)
                if (x->def[w] & ~(d[t][w] | synth[w] |
                                  xfs_static_masks[XFS_MASK_INVERTED][w]))
                    fail_msg("%s %s: default has a bit outside the default "
                             "mask (word %u)", lvt_hosts[i].name,
                             t ? "hvm" : "pv", w);
        }
    /* featureset text: through the static default mask, deps closed */
    if (xlc_level_host_load("178bfbff:84000001:00000000:00000000:00000000:"
                            "00004000", HVM, &h, &err))
        fail_msg("%s", err.msg);
    assert_true(xfs_test(h.fs, NW, XFS_MPX));
    assert_false(xfs_test(h.def, NW, XFS_MPX));  /* opt-in */
    assert_true(xfs_test(h.def, NW, XFS_HYPERVISOR));
    assert_true(xfs_deps_closed(h.def, NW));
}

/* A saved policy (policy file) as a host: featureset and leaves. */
static void saved_policy_host(void **state)
{
    struct xlc_level_host h;
    xlc_error err;
    char *path;

    (void)state;
    path = write_temp(
        "{\"format\": \"xen-cpu-policy\", \"version\": 1, \"type\": \"pv\",\n"
        " \"cpuid\": [\n"
        "  {\"leaf\": \"0x00000000\", \"subleaf\": \"0xffffffff\",\n"
        "   \"eax\": \"0x0000000d\", \"ebx\": \"0x756e6547\",\n"
        "   \"ecx\": \"0x6c65746e\", \"edx\": \"0x49656e69\"},\n"
        "  {\"leaf\": \"0x00000001\", \"subleaf\": \"0xffffffff\",\n"
        "   \"eax\": \"0x00050654\", \"ebx\": \"0x00000000\",\n"
        "   \"ecx\": \"0x00000201\", \"edx\": \"0x00000001\"}]}\n");
    if (xlc_level_host_load(path, PV, &h, &err))
        fail_msg("%s", err.msg);
    assert_int_equal(h.fs[0], 0x00000001);
    assert_int_equal(h.fs[1], 0x00000201);
    assert_string_equal(h.props.vendor, "GenuineIntel");
    assert_int_equal(h.props.family, 6);
    assert_int_equal(h.props.model, 0x55);
    assert_int_equal(h.props.limit[XLC_LIMIT_MAX_LEAF], 0xd);
    /* Saved for a PV guest: not levelled with HVM guests. */
    assert_int_equal(xlc_level_host_load(path, HVM, &h, &err), -EINVAL);
    assert_non_null(strstr(err.msg, "saved for a pv guest"));
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hvm_usability_from_derivation),
        cmocka_unit_test(live_host),
        cmocka_unit_test(featureset_sources),
        cmocka_unit_test(batch_load_in_order),
        cmocka_unit_test(libvirt_host_cpus),
        cmocka_unit_test(libvirt_amd_sep),
        cmocka_unit_test(defaults_of_inputs),
        cmocka_unit_test(saved_policy_host),
    };

    return cmocka_run_group_tests(tests, lvt_setup, lvt_teardown);
}
