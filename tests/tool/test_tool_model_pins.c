/* SPDX-License-Identifier: MIT */
/*
 * Named models kept stable, as a user runs xen-cpuid ($XFS_TOOL): model,
 * host-model, level and record print each named model's pin; record
 * writes STREAM.pins.json beside a stream verify-stream-v2 still accepts;
 * `model --pinned` against the installed cpu_map and against an edited
 * copy made here (one model edited, one model's parent edited, one model
 * removed, a feature moved) names every change and exits 4; with
 * --explicit it gives back the CPU the guest had; `model --explicit`
 * prints a <cpu> that gives the same featureset as the named one.
 */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "../helpers/cpumap-edit.h"
#include "../helpers/lv-oracle.h"
#include "../helpers/shared-data.h"
#include "../helpers/stream-helpers.h"
#include "../helpers/tool-run.h"

/* Hosts (their dump paths): CLX runs Skylake-Server and Westmere-IBRS,
 * ROME runs Opteron_G3. */
static char *dir, *copy, *clx, *rome, out[1 << 20];

/* Run the tool in dir with a shell command line; stdout+stderr in out[]. */
static int vshell(bool tool, const char *fmt, va_list ap)
{
    char cmd[8192], *p = cmd, *text;
    int status;

    p += snprintf(p, sizeof(cmd), "cd %s && %s ", dir, tool ? tool_path()
                                                        : "");
    vsnprintf(p, sizeof(cmd) - (size_t)(p - cmd), fmt, ap);
    strncat(cmd, " 2>&1", sizeof(cmd) - strlen(cmd) - 1);
    status = tool_run_shell(cmd, &text, NULL);
    snprintf(out, sizeof(out), "%s", text);
    free(text);
    return status;
}

static int run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int run(const char *fmt, ...)
{
    va_list ap;
    int rc;

    va_start(ap, fmt);
    rc = vshell(true, fmt, ap);
    va_end(ap);
    return rc;
}

/* A plain shell command in dir. */
static int sh(const char *fmt, ...)
{
    va_list ap;
    int rc;

    va_start(ap, fmt);
    rc = vshell(false, fmt, ap);
    va_end(ap);
    return rc;
}

static void has(const char *want)
{
    if (!strstr(out, want))
        fail_msg("output lacks '%s':\n%s", want, out);
}

static void cpu_file(const char *name, const char *model)
{
    char text[256];

    snprintf(text, sizeof(text), "<domain><cpu mode='custom' "
             "match='exact'>\n<model>%s</model>\n</cpu></domain>\n", model);
    lvo_write(dir, name, text);
}

static int setup(void **state)
{
    (void)state;
    dir = lvo_tmpdir();
    copy = cm_edited_copy();
    clx = strdup(shared_dump("GenuineIntel0050657_CascadeLakeXeon"));
    rome = strdup(shared_dump("AuthenticAMD0830F10_K17_Rome"));
    cpu_file("skx.xml", "Skylake-Server");
    cpu_file("wsm.xml", "Westmere-IBRS");
    cpu_file("g3.xml", "Opteron_G3");
    cpu_file("hsw.xml", "Haswell");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    cm_remove(copy);
    lvo_rmdir(dir);
    free(clx);
    free(rome);
    return 0;
}

/* The "featureset: ..." line of model's text output. */
static void featureset_line(char *buf, size_t size)
{
    const char *f = strstr(out, "\nfeatureset: ");

    assert_non_null(f);
    snprintf(buf, size, "%.*s", (int)strcspn(f + 1, "\n"), f + 1);
}

/* ---- pins in the outputs ---- */

static void outputs_carry_pins(void **state)
{
    (void)state;
    assert_int_equal(run("model --cpuid %s skx.xml", clx), 0);
    has("\nmodel pin: Skylake-Server\n"
        "  file:     x86_Skylake-Server.xml in /usr/share/libvirt/cpu_map\n");
    has("\n  sha256:   ");
    has("\n    erms          CPUID 0x7.0 EBX bit 9        Xen ERMS\n");
    has("\n    arat          CPUID 0x6 EAX bit 2          (Xen cannot "
        "express it)\n");
    assert_int_equal(run("model --json --cpuid %s skx.xml > skx.json",
                         clx), 0);
    assert_int_equal(sh("cat skx.json"), 0);
    has("\"model_pins\": [{\n    \"model\": \"Skylake-Server\"");
    has("{\"name\": \"erms\", \"xen\": \"ERMS\", \"bits\": [{\"cpuid\": "
        "\"0x00000007\", \"subleaf\": \"0x0\", \"reg\": \"ebx\", "
        "\"bit\": 9}]}");
    /* host-model: the decoded model, in a comment and in the JSON */
    assert_int_equal(run("host-model --cpuid %s", rome), 0);
    has("<!-- model pin: EPYC-Rome\n       file:     x86_EPYC-Rome.xml");
    assert_int_equal(run("host-model --json --cpuid %s", rome),
                     0);
    has("\"model_pins\": [{\n    \"model\": \"EPYC-Rome\"");
    /* host-passthrough names no model: no pin */
    lvo_write(dir, "pt.xml", "<cpu mode='host-passthrough'/>");
    assert_int_equal(run("model --json --cpuid %s pt.xml", clx),
                     0);
    has("\"model_pins\": []");
}

static void level_pins(void **state)
{
    (void)state;
    run("level --json %s %s guest:wsm.xml > level.json", clx,
        rome);
    assert_int_equal(sh("cat level.json"), 0);
    has("\"model_pins\":[{");
    has("\"model\": \"Westmere-IBRS\"");
    run("level %s guest:wsm.xml", clx);
    has("named models, pinned (xen-cpuid model --pinned checks them "
        "against a later cpu_map):\n  model pin: ");
    /* The level's pins, checked: the guest's model changed. */
    assert_int_equal(run("model --pinned level.json --cpu-map %s", copy), 4);
    has("model Westmere-IBRS: changed\n");
    assert_int_equal(run("model --pinned level.json"), 0);
    has("verdict: identical: every pinned model means what it meant\n");
    /* Hosts described by libvirt <cpu>s: their models are pinned too. */
    lvo_write(dir, "hosts.xml", "<cpus>\n<cpu><arch>x86_64</arch><model>"
              "Cascadelake-Server</model><vendor>Intel</vendor><feature "
              "name='vmx'/></cpu>\n<cpu><arch>x86_64</arch><model>"
              "Opteron_G3</model><vendor>AMD</vendor><feature name='svm'/>"
              "</cpu>\n</cpus>\n");
    run("level --json hosts.xml > hosts.json");
    assert_int_equal(sh("cat hosts.json"), 0);
    has("\"model\": \"Cascadelake-Server\"");
    has("\"model\": \"Opteron_G3\"");
    assert_int_equal(run("model --pinned hosts.json --cpu-map %s", copy), 4);
    has("model Opteron_G3: removed\n");
}

/* ---- model --pinned ---- */

static void upgrade_checked(void **state)
{
    (void)state;
    assert_int_equal(run("model --json --cpuid %s wsm.xml > wsm.json",
                         clx), 0);
    assert_int_equal(run("model --json --cpuid %s g3.xml > g3.json",
                         rome), 0);
    if (access("skx.json", F_OK))
        assert_int_equal(run("model --json --cpuid %s skx.xml > skx.json",
                             clx), 0);
    /* Today's map is the one pinned: nothing changed. */
    assert_int_equal(run("model --pinned skx.json skx.xml"), 0);
    has("model Skylake-Server: identical\n");
    /* One model edited (and a feature it uses moved). */
    assert_int_equal(run("model --pinned skx.json --cpu-map %s skx.xml",
                         copy), 4);
    has("model Skylake-Server: changed\n");
    has("\n  removed: clwb (CPUID 0x7.0 EBX bit 24, Xen CLWB): a guest "
        "started today lacks it\n");
    has("\n  added: avx512vnni (CPUID 0x7.0 ECX bit 11, Xen AVX512_VNNI): a "
        "guest started today gains it\n");
    has("\n  coordinates changed: erms: CPUID 0x7.0 EBX bit 9, Xen ERMS "
        "(pinned) -> CPUID 0x7.0 EBX bit 6, Xen FDP_EXCP_ONLY (today)\n");
    has("\n  Xen features lost:   ERMS CLWB\n");
    has("\nverdict: changed: a guest defined with a changed model would "
        "start with another CPU than it had\n");
    /* One model's parent edited. */
    assert_int_equal(run("model --pinned wsm.json --cpu-map %s", copy), 4);
    has("\n  parent changed: none (pinned) -> Nehalem (today)\n");
    has("\n  removed: spec-ctrl (CPUID 0x7.0 EDX bit 26, Xen IBRSB)");
    /* One model removed. */
    assert_int_equal(run("model --pinned g3.json --cpu-map %s", copy), 4);
    has("model Opteron_G3: removed\n");
    has("  model removed: Opteron_G3 is not in ");
    has("verdict: removed: a guest defined with a removed model cannot "
        "start\n");
    /* JSON: each change by kind and name */
    assert_int_equal(run("model --json --pinned skx.json --cpu-map %s",
                         copy), 4);
    has("\"verdict\": \"changed\"");
    has("{\"kind\": \"removed\", \"feature\": \"clwb\", \"xen\": true");
    has("{\"kind\": \"coordinates\", \"feature\": \"erms\", \"xen\": true");
}

static void pinned_usage_and_input(void **state)
{
    (void)state;
    if (access("skx.json", F_OK))
        assert_int_equal(run("model --json --cpuid %s skx.xml > skx.json",
                             clx), 0);
    assert_int_equal(run("model --pinned skx.json hsw.xml"), 2);
    has("hsw.xml:2: skx.json has no pin of model Haswell (it pins: "
        "Skylake-Server)");
    assert_int_equal(run("model --pinned skx.json --cpuid %s",
                         clx), 1);
    has("--pinned compares cpu_map definitions");
    assert_int_equal(run("model --pinned hsw.xml"), 2);
    has("hsw.xml: not JSON with model pins or a migration stream");
    lvo_write(dir, "empty.json", "{\"model\": 1}");
    assert_int_equal(run("model --pinned empty.json"), 2);
    has("empty.json: model_pins: missing");
    assert_int_equal(run("model --pinned skx.json skx.xml extra.xml"), 1);
}

/* The pinned meaning with today's map: the CPU the guest had. */
static void explicit_gives_back(void **state)
{
    char named[4096], back[4096], *xml, *end;

    (void)state;
    if (access("g3.json", F_OK))
        assert_int_equal(run("model --json --cpuid %s g3.xml > g3.json",
                             rome), 0);
    assert_int_equal(run("model --cpuid %s g3.xml", rome), 0);
    featureset_line(named, sizeof(named));
    assert_int_equal(run("model --pinned g3.json --explicit --cpu-map %s",
                         copy), 4);
    has("  the pinned meaning with today's map:\n<!-- xen-cpuid model, "
        "explicit: Opteron_G3 as pinned");
    xml = strstr(out, "<cpu ");
    end = strstr(out, "</cpu>\n");
    assert_non_null(xml);
    assert_non_null(end);
    end[7] = '\0';
    lvo_write(dir, "g3-back.xml", xml);
    assert_int_equal(run("model --cpu-map %s --cpuid %s g3-back.xml", copy,
                         rome), 0);
    featureset_line(back, sizeof(back));
    assert_string_equal(named, back);
    /* A pinned feature no feature of today's map defines: said why. */
    assert_int_equal(run("model --pinned skx.json --explicit --cpu-map %s",
                         copy), 4);
    has("  no explicit <cpu>: Skylake-Server: no feature of ");
    has(" has the bits of the pinned erms");
}

/* ---- record ---- */

static void record_pins_beside_stream(void **state)
{
    char *bytes, path[PATH_MAX], msg[4096];
    size_t len;

    (void)state;
    assert_int_equal(run("record --type hvm --cpuid %s --libvirt skx.xml -o "
                         "g.stream", clx), 0);
    has("model pins: g.stream.pins.json, beside the stream (xen-cpuid model "
        "--pinned g.stream checks them)\n");
    has("\nmodel pin: Skylake-Server\n");
    snprintf(path, sizeof(path), "%s/g.stream", dir);
    bytes = shared_read(path);
    assert_int_equal(sh("wc -c < g.stream"), 0);
    len = strtoul(out, NULL, 10);
    if (xen_verify_stream(bytes, len, msg, sizeof(msg)))
        fail_msg("verify-stream-v2 refused it: %s", msg);
    free(bytes);
    assert_int_equal(run("model --pinned g.stream"), 0);
    has("model Skylake-Server: identical\n");
    assert_int_equal(run("model --pinned g.stream --cpu-map %s", copy), 4);
    has("removed: clwb (");
    /* --json summary names the pin file */
    assert_int_equal(run("record --json --type hvm --cpuid %s --libvirt "
                         "wsm.xml -o w.stream", clx), 0);
    has("\"model_pins_file\": \"w.stream.pins.json\"");
    /* A pin file beside another recording is not believed. */
    assert_int_equal(sh("cp w.stream.pins.json g.stream.pins.json"), 0);
    assert_int_equal(run("model --pinned g.stream"), 2);
    has("g.stream.pins.json belongs to another stream");
    /* Recorded again without a named model: the old pins go. */
    assert_int_equal(run("record --type hvm --cpuid %s -o w.stream",
                         clx), 0);
    assert_int_equal(sh("test -e w.stream.pins.json"), 1);
    assert_int_equal(run("model --pinned w.stream"), 2);
    has("w.stream: no model pins beside this stream");
}

/* ---- model --explicit ---- */

static void explicit_cpu(void **state)
{
    static const char *const types[] = { "pv", "hvm" };
    char named[4096], spelled[4096];

    (void)state;
    /* pv: both refused (no VME, PSE, ... for PV guests); hvm: both run */
    for (int k = 0; k < 2; k++) {
        int rc = run("model --type %s --cpuid %s skx.xml", types[k], clx);

        assert_int_equal(rc, k ? 0 : 4);
        if (!rc)
            featureset_line(named, sizeof(named));
        assert_int_equal(run("model --explicit --type %s --cpuid %s skx.xml "
                             "> skx-explicit.xml", types[k], clx), 0);
        assert_int_equal(run("model --type %s --cpuid %s skx-explicit.xml",
                             types[k], clx), rc);
        if (!rc) {
            featureset_line(spelled, sizeof(spelled));
            assert_string_equal(named, spelled);
        }
    }
    assert_int_equal(sh("cat skx-explicit.xml"), 0);
    has("spelled out over the base model 486 (69 features required); not "
        "given, Xen cannot express them: arat -->\n"
        "<cpu mode='custom' match='exact'>\n"
        "  <model fallback='forbid'>486</model>\n"
        "  <feature policy='require' name='3dnowprefetch'/>\n");
    assert_int_equal(run("model --explicit --json --cpuid %s skx.xml",
                         clx), 0);
    has("\"model\": \"Skylake-Server\", \"base\": \"486\"");
    has("\"not_given\": [\"arat\"]");
    lvo_write(dir, "pt.xml", "<cpu mode='host-passthrough'/>");
    assert_int_equal(run("model --explicit --cpuid %s pt.xml",
                         clx), 2);
    has("names no CPU model: nothing to spell out");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(outputs_carry_pins),
        cmocka_unit_test(level_pins),
        cmocka_unit_test(upgrade_checked),
        cmocka_unit_test(pinned_usage_and_input),
        cmocka_unit_test(explicit_gives_back),
        cmocka_unit_test(record_pins_beside_stream),
        cmocka_unit_test(explicit_cpu),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
