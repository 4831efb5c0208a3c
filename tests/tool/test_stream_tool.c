/* SPDX-License-Identifier: MIT */
/*
 * xen-cpuid record / restore-check as a user runs them: exit codes, what
 * they print, and the stream checked by Xen's verify-stream-v2.  The tool
 * is $XFS_TOOL, or else found next to this test program.
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
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <yajl/yajl_tree.h>

#include "../helpers/policy-oracle.h"
#include "../helpers/stream-helpers.h"
#include "../helpers/tool-run.h"

static char dir[] = "/tmp/xfs-tool-XXXXXX", out[1 << 16];

/* Run the tool with a shell command line; stdout+stderr into out[]. */
static int run(const char *fmt, ...)
{
    char cmd[8192], *p = cmd, *text;
    va_list ap;
    int status;

    p += snprintf(p, sizeof(cmd), "cd %s && %s ", dir, tool_path());
    va_start(ap, fmt);
    vsnprintf(p, sizeof(cmd) - (size_t)(p - cmd), fmt, ap);
    va_end(ap);
    strncat(cmd, " 2>&1", sizeof(cmd) - strlen(cmd) - 1);
    status = tool_run_shell(cmd, &text, NULL);
    snprintf(out, sizeof(out), "%s", text);
    free(text);
    return status;
}

static void put_file(const char *name, const char *text)
{
    char path[PATH_MAX];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static int setup(void **state)
{
    (void)state;
    if (!mkdtemp(dir))
        return -1;
    return access(tool_path(), X_OK);
}

static int teardown(void **state)
{
    char cmd[PATH_MAX + 16];

    (void)state;
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    return system(cmd);
}

/* A Haswell-class HVM guest policy without MPX or SYSCALL. */
static const char guest_json[] =
    "{ \"format\": \"xen-cpu-policy\", \"version\": 1, \"type\": \"hvm\",\n"
    "  \"cpuid\": [\n"
    "    { \"leaf\": \"0x0\", \"subleaf\": \"0xffffffff\", \"eax\": \"0xd\","
    " \"ebx\": \"0x756e6547\", \"ecx\": \"0x6c65746e\", \"edx\": \"0x49656e69\" },\n"
    "    { \"leaf\": \"0x1\", \"subleaf\": \"0xffffffff\", \"eax\": \"0x306f2\","
    " \"ebx\": \"0x800\", \"ecx\": \"0xf6fa3203\", \"edx\": \"0x1789cbf5\" },\n"
    "    { \"leaf\": \"0x7\", \"subleaf\": \"0x0\", \"eax\": \"0x0\","
    " \"ebx\": \"0x000027ab\", \"ecx\": \"0x0\", \"edx\": \"0x0\" },\n"
    "    { \"leaf\": \"0x80000000\", \"subleaf\": \"0xffffffff\","
    " \"eax\": \"0x80000008\", \"ebx\": 0, \"ecx\": 0, \"edx\": 0 }\n"
    "  ] }\n";

#define DUMPS "$XFS_DATA/cpuid/instlatx64/"

static void record_then_check(void **state)
{
    char path[PATH_MAX];
    struct sbuild s = { 0 };
    uint8_t buf[4096];
    size_t n;
    FILE *f;

    (void)state;
    put_file("guest.json", guest_json);
    assert_int_equal(run("record -o guest.stream guest.json"), 0);
    assert_non_null(strstr(out, "guest.stream: x86 HVM stream, 4 CPUID "
                                "leaves, 0 MSRs"));
    snprintf(path, sizeof(path), "%s/guest.stream", dir);
    f = fopen(path, "rb");
    assert_non_null(f);
    n = fread(buf, 1, sizeof(buf), f);
    fclose(f);
    sb_bytes(&s, buf, n);
    if (xen_verify_stream(s.b, s.len, out, sizeof(out)))
        fail_msg("verify-stream-v2 refused the recorded stream:\n%s", out);
    sb_free(&s);

    assert_int_equal(run("restore-check --cpuid " DUMPS
                         "GenuineIntel00806F8_SapphireRapids_05.xml "
                         "guest.stream"), 0);
    assert_non_null(strstr(out, "policy: 4 CPUID leaves (record at offset "
                                "40), no MSR record"));
    assert_non_null(strstr(out, "verdict: accept\n"));

    assert_int_equal(run("restore-check --cpuid " DUMPS
                         "GenuineIntel00206C2_Gulftown.xml guest.stream"), 4);
    assert_non_null(strstr(out, "verdict: refuse ("));
    assert_non_null(strstr(out, "  - feature AVX2 (word 5 7b0 bit 5, leaf "
                                "0x00000007:0 ebx) missing on host\n"));
}

static void json_output(void **state)
{
    yajl_val top, v;

    (void)state;
    put_file("guest.json", guest_json);
    assert_int_equal(run("record -o guest.stream guest.json"), 0);
    assert_int_equal(run("restore-check --json --cpuid " DUMPS
                         "GenuineIntel00206C2_Gulftown.xml guest.stream"), 4);
    top = yajl_tree_parse(out, NULL, 0);
    assert_non_null(top);
    v = yajl_tree_get(top, (const char *[]){ "result", "verdict", NULL },
                      yajl_t_string);
    assert_string_equal(YAJL_GET_STRING(v), "refuse");
    v = yajl_tree_get(top, (const char *[]){ "stream", "cpuid_leaves", NULL },
                      yajl_t_number);
    assert_int_equal(YAJL_GET_INTEGER(v), 4);
    yajl_tree_free(top);

    /* record --json prints the policy file it recorded. */
    assert_int_equal(run("record --json -o again.stream guest.json"), 0);
    assert_non_null(strstr(out, "\"format\": \"xen-cpu-policy\""));
    assert_non_null(strstr(out, "\"ebx\": \"0x000027ab\""));
}

/* A stream without CPUID records: what a Xen before 4.14 saved. */
static void put_old_stream(const char *name)
{
    struct xlc_policy_entries none = { 0 };
    char path[PATH_MAX];
    xlc_error err = { 0 };
    uint8_t *buf;
    size_t len;
    FILE *f;

    assert_int_equal(xlc_stream_write_standalone(XFS_STREAM_DOM_X86_PV,
                                                 &none, &buf, &len, &err), 0);
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    f = fopen(path, "w");
    assert_non_null(f);
    assert_int_equal(fwrite(buf, 1, len, f), len);
    fclose(f);
    free(buf);
}

static void no_policy_stream(void **state)
{
    (void)state;
    /* A policy file without leaves is refused (it was recorded as such a
     * stream, which a restore then took for an old guest's). */
    put_file("none.json",
             "{ \"format\": \"xen-cpu-policy\", \"version\": 1 }");
    assert_int_equal(run("record --type pv -o old.stream none.json"), 2);
    assert_non_null(strstr(out, "none.json: no CPUID leaves (\"cpuid\" is "
                                "missing)"));
    assert_int_equal(run("level none.json"), 2);
    assert_non_null(strstr(out, "none.json: no CPUID leaves"));
    put_old_stream("old.stream");
    assert_int_equal(run("restore-check --cpuid " DUMPS
                         "AuthenticAMD0A10F11_K19_Genoa_01.xml old.stream"), 0);
    assert_non_null(strstr(out, "policy: no CPUID record: checked with Xen "
                                "4.17's compatibility policy"));
    assert_non_null(strstr(out, "verdict: accept"));
}

static void errors_and_exit_codes(void **state)
{
    (void)state;
    put_file("guest.json", guest_json);
    put_file("bad.json", "{ \"format\": \"xen-cpu-policy\",\n \"version\": 1,"
                         "\n \"cpuid\": [ { \"leaf\": 1 } ] }");
    assert_int_equal(run("record -o x.stream"), 1);
    assert_int_equal(run("record --type pvh -o x.stream guest.json"), 1);
    assert_int_equal(run("record --type pv -o x.stream guest.json"), 1);
    assert_non_null(strstr(out, "--type pv, but guest.json says \"type\": "
                                "\"hvm\""));
    assert_int_equal(run("record --type hvm --cpuid x.xml -o x.stream"), 2);
    assert_non_null(strstr(out, "x.xml"));
    assert_int_equal(run("record --type hvm --cpuid x.xml -o x.stream "
                         "guest.json"), 1);
    assert_non_null(strstr(out, "a policy file is recorded as it is"));
    assert_int_equal(run("record --cpuid x.xml -o x.stream"), 1);
    assert_non_null(strstr(out, "--type pv|hvm is required"));
    assert_int_equal(run("record -o x.stream bad.json"), 2);
    assert_non_null(strstr(out, "bad.json: cpuid[0].subleaf: missing"));
    assert_int_equal(run("record -o x.stream missing.json"), 2);

    assert_int_equal(run("record -o g.stream guest.json"), 0);
    assert_int_equal(run("restore-check"), 1);
    assert_int_equal(run("restore-check nothing.stream"), 2);
    assert_non_null(strstr(out, "nothing.stream: cannot open"));
    put_file("short.stream", "\xff\xff\xff\xff");
    assert_int_equal(run("restore-check short.stream"), 2);
    assert_non_null(strstr(out, "short.stream: offset 0: stream truncated in "
                                "the image header"));
    assert_int_equal(run("restore-check --backend xen g.stream"), 3);
}

/* ---- record: the applied policy of a host ---- */

/* A file of the scratch directory, malloc()ed; *len set. */
static uint8_t *slurp(const char *name, size_t *len)
{
    char path[PATH_MAX];
    uint8_t *buf = malloc(1 << 16);
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    f = fopen(path, "rb");
    assert_non_null(f);
    assert_non_null(buf);
    *len = fread(buf, 1, 1 << 16, f);
    fclose(f);
    return buf;
}

/* Xen's own stream checker takes the file. */
static void xen_verifies(const char *name)
{
    static char report[1 << 14];
    size_t len;
    uint8_t *buf = slurp(name, &len);

    if (xen_verify_stream(buf, len, report, sizeof(report)))
        fail_msg("verify-stream-v2 refused %s:\n%s", name, report);
    free(buf);
}

/* The stream's CPUID and MSR records, through libxenguest and back:
 * accepted, and serialised again to exactly the same entries. */
static void xen_roundtrips(const char *name)
{
    struct xt_xen_result *xen = calloc(1, sizeof(*xen));
    struct xlc_stream_info s;
    xlc_error err = { 0 };
    char path[PATH_MAX];

    assert_non_null(xen);
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    if (xlc_stream_load(path, &s, &err))
        fail_msg("%s", err.msg);
    assert_true(s.has_cpuid && s.has_msr);
    xt_xen_roundtrip(s.policy.leaves, (uint32_t)s.policy.nr_leaves,
                     s.policy.msrs, (uint32_t)s.policy.nr_msrs, xen);
    if (!xen->accepted)
        fail_msg("%s: libxenguest refused the records", name);
    assert_int_equal(xen->out.nr_leaves, s.policy.nr_leaves);
    assert_memory_equal(xen->out.leaves, s.policy.leaves,
                        s.policy.nr_leaves * sizeof(*s.policy.leaves));
    assert_int_equal(xen->out.nr_msrs, s.policy.nr_msrs);
    assert_memory_equal(xen->out.msrs, s.policy.msrs,
                        s.policy.nr_msrs * sizeof(*s.policy.msrs));
    xlc_stream_info_free(&s);
    xlc_policy_entries_free(&xen->out);
    free(xen);
}

/* A clearly older CPU of the same vendor (or, for the vendors with one
 * dump, an Intel one); NULL for the old CPUs themselves. */
static const char *older_cpu(const char *name, const char *type)
{
    const char *intel = "GenuineIntel00006F6_Merom";
    const char *amd = strcmp(type, "pv") ? "AuthenticAMD0100F42_K10_Shanghai"
                                         : "AuthenticAMD0000F4A_K8_Clawhammer";
    const char *old = strncmp(name, "AuthenticAMD", 12) ? intel : amd;

    return strcmp(name, old) ? old : NULL;
}

static void record_one(const char *path, const char *type, size_t *refused)
{
    const char *name = xt_basename(path);
    const char *old = older_cpu(name, type);
    char stream[512], old_path[PATH_MAX];

    snprintf(stream, sizeof(stream), "%s.%s.stream", name, type);
    if (run("record --type %s --cpuid %s -o %s", type, path, stream))
        fail_msg("record %s %s:\n%s", name, type, out);
    xen_verifies(stream);
    xen_roundtrips(stream);
    if (run("restore-check --cpuid %s %s", path, stream) ||
        !strstr(out, "verdict: accept\n"))
        fail_msg("%s %s on itself:\n%s", name, type, out);
    if (!old)
        return;
    snprintf(old_path, sizeof(old_path), "%s", path);
    snprintf(strrchr(old_path, '/') + 1,
             sizeof(old_path) - (size_t)(strrchr(old_path, '/') + 1 - old_path),
             "%s.xml", old);
    if (run("restore-check --cpuid %s %s", old_path, stream) != 4 ||
        !strstr(out, "verdict: refuse (") || !strstr(out, "\n  - "))
        fail_msg("%s %s on %s:\n%s", name, type, old, out);
    (*refused)++;
}

/*
 * Every shared dump, PV and HVM: `record` writes the host's applied
 * default policy; Xen's checker takes the stream, libxenguest takes its
 * records back unchanged, restore-check accepts it on the same CPU and
 * refuses it, with reasons, on a clearly older one.  HVM is skipped only
 * where the CPU has neither VMX nor SVM, and record says so.
 */
static void record_every_dump(void **state)
{
    size_t nr, refused = 0, no_hvm = 0;
    char **paths = xt_dump_paths(&nr);

    (void)state;
    assert_true(nr >= 40);
    for (size_t i = 0; i < nr; i++) {
        char stream[512];

        record_one(paths[i], "pv", &refused);
        snprintf(stream, sizeof(stream), "%s.hvm.stream",
                 xt_basename(paths[i]));
        if (run("record --type hvm --cpuid %s -o %s", paths[i], stream) == 4) {
            assert_non_null(strstr(out, "this host cannot run HVM guests: "
                                        "the CPU has neither VMX nor SVM"));
            assert_string_equal(xt_basename(paths[i]),
                                "AuthenticAMD0000F4A_K8_Clawhammer");
            no_hvm++;
            continue;
        }
        record_one(paths[i], "hvm", &refused);
    }
    assert_int_equal(no_hvm, 1);
    /* Every CPU but the old ones themselves was refused on an old one. */
    assert_int_equal(refused, 2 * nr - 1 - 4);
    xt_free_paths(paths, nr);
}

static void record_summary_json(void **state)
{
    yajl_val top, v;

    (void)state;
    assert_int_equal(run("record --json --type hvm --cpuid " DUMPS
                         "GenuineIntel0050654_SkylakeXeon.xml -o skx.stream"),
                     0);
    top = yajl_tree_parse(out, NULL, 0);
    assert_non_null(top);
    v = yajl_tree_get(top, (const char *[]){ "from", NULL }, yajl_t_string);
    assert_string_equal(YAJL_GET_STRING(v), "default");
    v = yajl_tree_get(top, (const char *[]){ "guest_type", NULL },
                      yajl_t_string);
    assert_string_equal(YAJL_GET_STRING(v), "hvm");
    v = yajl_tree_get(top, (const char *[]){ "policy", "cpuid", NULL },
                      yajl_t_array);
    assert_non_null(v);
    assert_int_equal(YAJL_GET_INTEGER(yajl_tree_get(
                         top, (const char *[]){ "cpuid_leaves", NULL },
                         yajl_t_number)),
                     YAJL_GET_ARRAY(v)->len);
    v = yajl_tree_get(top, (const char *[]){ "features", NULL },
                      yajl_t_array);
    assert_non_null(v);
    assert_true(YAJL_GET_ARRAY(v)->len > 50);
    yajl_tree_free(top);
    xen_verifies("skx.stream");
}

static const char host_model_xml[] = "<cpu mode='host-model'/>\n";
static const char skylake_xml[] =
    "<cpu mode='custom' match='exact'>\n"
    "  <model fallback='forbid'>Skylake-Server</model>\n"
    "  <feature policy='disable' name='avx512f'/>\n"
    "  <feature policy='disable' name='mpx'/>\n"
    "  <feature policy='disable' name='syscall'/>\n"
    "</cpu>\n";

/* record --libvirt: the <cpu> translated for this host, then applied. */
static void record_libvirt(void **state)
{
    yajl_val top, v;

    (void)state;
    put_file("hm.xml", host_model_xml);
    put_file("skl.xml", skylake_xml);
    assert_int_equal(run("record --type hvm --libvirt hm.xml --cpuid " DUMPS
                         "GenuineIntel00806F8_SapphireRapids_05.xml "
                         "-o hm.stream"), 0);
    assert_non_null(strstr(out, "policy: the libvirt <cpu> of hm.xml "
                                "(host-model, "));
    xen_verifies("hm.stream");
    xen_roundtrips("hm.stream");
    assert_int_equal(run("restore-check --cpuid " DUMPS
                         "GenuineIntel00806F8_SapphireRapids_05.xml "
                         "hm.stream"), 0);

    /* A model recorded on a newer CPU restores on an older one that has
     * the model's features, but not if the physical width shrinks.  The
     * linear width is no longer a reason: Xen's recalculation gives any
     * 64-bit guest 48 bits, so the record and the restore both have 48,
     * not Sapphire Rapids' 57. */
    assert_int_equal(run("record --json --type hvm --libvirt skl.xml --cpuid "
                         DUMPS "GenuineIntel00806F8_SapphireRapids_05.xml "
                         "-o skl.stream"), 0);
    top = yajl_tree_parse(out, NULL, 0);
    assert_non_null(top);
    v = yajl_tree_get(top, (const char *[]){ "libvirt", "model", NULL },
                      yajl_t_string);
    assert_string_equal(YAJL_GET_STRING(v), "Skylake-Server");
    v = yajl_tree_get(top, (const char *[]){ "from", NULL }, yajl_t_string);
    assert_string_equal(YAJL_GET_STRING(v), "libvirt");
    yajl_tree_free(top);
    xen_verifies("skl.stream");
    assert_int_equal(run("restore-check --cpuid " DUMPS
                         "GenuineIntel00806F8_SapphireRapids_05.xml "
                         "skl.stream"), 0);
    assert_int_equal(run("restore-check --cpuid " DUMPS
                         "GenuineIntel0050654_SkylakeXeon.xml skl.stream"), 4);
    assert_non_null(strstr(out, "verdict: refuse (1 blocking reason)\n"
                                "  - MAXPHYSADDR (leaf 0x80000008 eax[7:0]) "
                                "lower on host: guest 52 bits, host 46 bits\n"));

    /* The host cannot give that model: every reason, exit 4. */
    assert_int_equal(run("record --type hvm --libvirt skl.xml --cpuid " DUMPS
                         "GenuineIntel00306F2_HaswellEP.xml -o no.stream"), 4);
    assert_non_null(strstr(out, "refused: this host cannot give an hvm guest "
                                "that policy ("));
    assert_non_null(strstr(out, "  - model feature 'aes' (Xen AESNI): the "
                                "host does not have it\n"));
    assert_int_equal(run("record --type hvm --libvirt skl.xml --xl-cpuid "
                         "avx=0 -o no.stream"), 1);
}

/*
 * An xl cpuid= string (libxl form, then xend form) recorded for a shared
 * dump: Xen's verify-stream-v2 accepts the stream, its records go through
 * libxenguest and back unchanged, restore-check accepts it on the same
 * CPU and refuses it, naming the feature, on one without AVX2.  A string
 * that does not parse is exit 2, one the host refuses exit 4.
 * (Replaces the test of the "not available yet" refusal, exit 1.)
 */
static void record_xl_cpuid(void **state)
{
    (void)state;
    assert_int_equal(run("record --type hvm --xl-cpuid host,avx512f=0,"
                         "rdrand=0 --cpuid " DUMPS
                         "GenuineIntel0050654_SkylakeXeon.xml -o xl.stream"),
                     0);
    assert_non_null(strstr(out, "policy: xl cpuid=\"host,avx512f=0,rdrand=0\""
                                " on the HVM default policy of simulated"));
    xen_verifies("xl.stream");
    xen_roundtrips("xl.stream");
    assert_int_equal(run("restore-check --cpuid " DUMPS
                         "GenuineIntel0050654_SkylakeXeon.xml xl.stream"), 0);
    assert_non_null(strstr(out, "verdict: accept\n"));
    assert_int_equal(run("restore-check --cpuid " DUMPS
                         "GenuineIntel00206C2_Gulftown.xml xl.stream"), 4);
    assert_non_null(strstr(out, "  - feature AVX2 (word 5 7b0 bit 5, leaf "
                                "0x00000007:0 ebx) missing on host\n"));

    assert_int_equal(run("record --type pv --xl-cpuid "
                         "'0x7,0:ebx=xxxxxxxxxxxxxxxxxxxxxxxxxx0xxxxx' "
                         "--cpuid " DUMPS "GenuineIntel00806C1_TigerLake_01.xml "
                         "-o xend.stream"), 0);
    xen_verifies("xend.stream");
    xen_roundtrips("xend.stream");
    assert_int_equal(run("restore-check --cpuid " DUMPS
                         "GenuineIntel00806C1_TigerLake_01.xml xend.stream"),
                     0);

    assert_int_equal(run("record --type hvm --xl-cpuid host,avx=q --cpuid "
                         DUMPS "GenuineIntel0050654_SkylakeXeon.xml "
                         "-o xl2.stream"), 2);
    assert_non_null(strstr(out, "cpuid= item 2: 'avx': bad value 'q'"));
    assert_int_equal(run("record --type hvm --xl-cpuid host,avx=0,avx2=1,"
                         "serialize=1 --cpuid " DUMPS
                         "GenuineIntel0050654_SkylakeXeon.xml -o xl2.stream"),
                     4);
    assert_non_null(strstr(out, "(2 reasons):\n  - set to 1 but a "
                                "prerequisite was cleared: avx2\n  - not in "
                                "the hvm max policy: serialize\n"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(record_then_check),
        cmocka_unit_test(json_output),
        cmocka_unit_test(no_policy_stream),
        cmocka_unit_test(errors_and_exit_codes),
        cmocka_unit_test(record_every_dump),
        cmocka_unit_test(record_summary_json),
        cmocka_unit_test(record_libvirt),
        cmocka_unit_test(record_xl_cpuid),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
