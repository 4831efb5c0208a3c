/* SPDX-License-Identifier: MIT */
/*
 * Reading libvirt <cpu> definitions: every attribute and child libvirt
 * documents, inside <domain> or alone, and errors that name the line and
 * the offending element or value.
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

#include "libxl_cpuid/libvirt/libvirt-cpu.h"

static struct xlc_lv_cpu *parse_ok(const char *xml)
{
    struct xlc_lv_cpu *cpu = NULL;
    xlc_error err = { 0 };

    if (xlc_lv_cpu_parse("t.xml", xml, strlen(xml), &cpu, &err))
        fail_msg("parse failed: %s\n%s", err.msg, xml);
    return cpu;
}

static void parse_bad(const char *xml, const char *want1, const char *want2)
{
    struct xlc_lv_cpu *cpu = NULL;
    xlc_error err = { 0 };

    assert_int_equal(xlc_lv_cpu_parse("t.xml", xml, strlen(xml), &cpu, &err),
                     -EINVAL);
    assert_null(cpu);
    if (!strstr(err.msg, want1) || (want2 && !strstr(err.msg, want2)))
        fail_msg("error '%s' lacks '%s' / '%s'", err.msg, want1,
                 want2 ? want2 : "");
}

static void full_custom_cpu(void **state)
{
    struct xlc_lv_cpu *cpu = parse_ok(
        "<cpu mode='custom' match='minimum' check='partial'>\n"
        "  <model fallback='allow' vendor_id='GenuineIotel'>Skylake-Client"
        "</model>\n"
        "  <vendor>Intel</vendor>\n"
        "  <topology sockets='2' dies='1' clusters='1' cores='4' "
        "threads='2'/>\n"
        "  <cache level='3' mode='emulate'/>\n"
        "  <maxphysaddr mode='emulate' bits='42'/>\n"
        "  <feature policy='force' name='a'/>\n"
        "  <feature policy='require' name='b'/>\n"
        "  <feature policy='optional' name='c'/>\n"
        "  <feature policy='disable' name='d'/>\n"
        "  <feature policy='forbid' name='e'/>\n"
        "  <feature name='f'/>\n"
        "  <numa><cell id='0' cpus='0-3' memory='512' unit='MiB'/></numa>\n"
        "</cpu>\n");
    static const enum xlc_lv_policy want[] = {
        XLC_LV_FORCE,   XLC_LV_REQUIRE, XLC_LV_OPTIONAL,
        XLC_LV_DISABLE, XLC_LV_FORBID,  XLC_LV_REQUIRE,
    };

    (void)state;
    assert_int_equal(cpu->mode, XLC_LV_MODE_CUSTOM);
    assert_int_equal(cpu->match, XLC_LV_MATCH_MINIMUM);
    assert_true(cpu->match_given);
    assert_int_equal(cpu->check, XLC_LV_CHECK_PARTIAL);
    assert_string_equal(cpu->model, "Skylake-Client");
    assert_int_equal(cpu->model_line, 2);
    assert_int_equal(cpu->fallback, 1);
    assert_string_equal(cpu->vendor_id, "GenuineIotel");
    assert_string_equal(cpu->vendor, "Intel");
    assert_true(cpu->topology.present);
    assert_int_equal(cpu->topology.sockets, 2);
    assert_int_equal(cpu->topology.cores, 4);
    assert_int_equal(cpu->topology.threads, 2);
    assert_int_equal(cpu->nr_features, 6);
    for (size_t i = 0; i < 6; i++) {
        assert_int_equal(cpu->features[i].policy, want[i]);
        assert_int_equal(cpu->features[i].line, 7 + (long)i);
    }
    assert_int_equal(cpu->nr_ignored, 3);
    assert_non_null(strstr(cpu->ignored[2], "<numa> (line 13)"));
    xlc_lv_cpu_free(cpu);
}

static void modes_and_defaults(void **state)
{
    static const struct {
        const char *xml;
        enum xlc_lv_mode mode;
    } cases[] = {
        { "<cpu><model>qemu64</model></cpu>", XLC_LV_MODE_CUSTOM },
        { "<cpu mode='host-model'><model fallback='forbid'/></cpu>",
          XLC_LV_MODE_HOST_MODEL },
        { "<cpu mode='host-passthrough' migratable='on'/>",
          XLC_LV_MODE_HOST_PASSTHROUGH },
        { "<cpu mode='maximum'><feature policy='disable' name='x'/></cpu>",
          XLC_LV_MODE_MAXIMUM },
        { "<cpu><topology sockets='1' cores='2' threads='1'/></cpu>",
          XLC_LV_MODE_CUSTOM },
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct xlc_lv_cpu *cpu = parse_ok(cases[i].xml);

        assert_int_equal(cpu->mode, cases[i].mode);
        assert_int_equal(cpu->match, XLC_LV_MATCH_EXACT);
        assert_false(cpu->match_given);
        assert_int_equal(cpu->check, XLC_LV_CHECK_DEFAULT);
        xlc_lv_cpu_free(cpu);
    }
}

static void inside_a_domain(void **state)
{
    struct xlc_lv_cpu *cpu = parse_ok(
        "<domain type='xen' xmlns:qemu='http://libvirt.org/schemas/domain/"
        "qemu/1.0'>\n"
        "  <name>guest</name>\n"
        "  <memory unit='KiB'>1048576</memory>\n"
        "  <qemu:commandline><qemu:arg value='-x'/></qemu:commandline>\n"
        "  <cpu mode='custom' match='strict'>\n"
        "    <model>Haswell</model>\n"
        "    <feature policy='disable' name='rtm'/>\n"
        "  </cpu>\n"
        "  <devices><disk type='file'/></devices>\n"
        "</domain>\n");

    (void)state;
    assert_int_equal(cpu->line, 5);
    assert_int_equal(cpu->match, XLC_LV_MATCH_STRICT);
    assert_string_equal(cpu->model, "Haswell");
    assert_int_equal(cpu->nr_features, 1);
    assert_int_equal(cpu->features[0].line, 7);
    xlc_lv_cpu_free(cpu);
}

static void errors_name_line_and_value(void **state)
{
    (void)state;
    parse_bad("<cpu\n mode='host-modle'/>", "t.xml:2:", "mode='host-modle'");
    parse_bad("<cpu>\n<model>x</model>\n<feature policy='forbit' name='a'/>"
              "</cpu>",
              "t.xml:3:", "policy='forbit' is not one of: force, require");
    parse_bad("<cpu match='loose'/>", "t.xml:1:", "match='loose'");
    parse_bad("<cpu check='sometimes'/>", "t.xml:1:", "check='sometimes'");
    parse_bad("<cpu>\n<model>x</model>\n<feature name='a'/>\n"
              "<feature policy='disable' name='a'/></cpu>",
              "t.xml:4:", "feature 'a' listed twice (first at line 3)");
    parse_bad("<cpu>\n<model>x</model><model>y</model></cpu>", "t.xml:2:",
              "second <model>");
    parse_bad("<cpu>\n\n<modle>x</modle></cpu>", "t.xml:3:",
              "unknown element <modle>");
    parse_bad("<cpu><model vendor_id='Intel'>x</model></cpu>", "t.xml:1:",
              "vendor_id='Intel'");
    parse_bad("<cpu>\n<topology sockets='two'/></cpu>", "t.xml:2:",
              "sockets='two'");
    parse_bad("<cpu>\n<topology sockets='0'/></cpu>", "t.xml:2:",
              "sockets='0'");
    parse_bad("<cpu><model>x</model><feature policy='require'/></cpu>",
              "t.xml:1:", "<feature> without a name");
    parse_bad("<cpu><model>x</model><feature nmae='a'/></cpu>", "t.xml:1:",
              "unknown attribute nmae");
    parse_bad("<cpu><feature name='a'/></cpu>", "t.xml:1:",
              "names no <model>");
    parse_bad("<cpu mode='custom' migratable='on'><model>x</model></cpu>",
              "t.xml:1:", "migratable=");
    parse_bad("<cpu><model><b>x</b></model></cpu>", "t.xml:1:",
              "<b> is not expected in <model>");
    parse_bad("<domain><name>x</name></domain>", "t.xml:1:",
              "<domain> has no <cpu>");
    parse_bad("<domain><cpu/>\n<cpu/></domain>", "t.xml:2:",
              "second <cpu>");
    parse_bad("<guest><cpu/></guest>", "t.xml:1:", "expected <cpu> or");
    parse_bad("<cpu><model>x</model>", "t.xml:1:", "malformed XML");
    parse_bad("<cpu xmlns:x='urn:x'><x:model>y</x:model></cpu>", "t.xml:1:",
              "unknown element <model>");
}

static void load_from_file(void **state)
{
    struct xlc_lv_cpu *cpu = NULL;
    xlc_error err = { 0 };
    char path[] = "/tmp/xfs-cpu-XXXXXX";
    int fd = mkstemp(path);
    FILE *f = fdopen(fd, "w");

    (void)state;
    fputs("<cpu mode='host-passthrough'/>\n", f);
    fclose(f);
    assert_int_equal(xlc_lv_cpu_load(path, &cpu, &err), 0);
    assert_string_equal(cpu->source, path);
    xlc_lv_cpu_free(cpu);
    remove(path);
    assert_int_equal(xlc_lv_cpu_load(path, &cpu, &err), -ENOENT);
    assert_non_null(strstr(err.msg, path));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(full_custom_cpu),
        cmocka_unit_test(modes_and_defaults),
        cmocka_unit_test(inside_a_domain),
        cmocka_unit_test(errors_name_line_and_value),
        cmocka_unit_test(load_from_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
