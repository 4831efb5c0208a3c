/* SPDX-License-Identifier: MIT */
/*
 * The JSON policy file: exact round trips with the binary stream records
 * for every shared dump, and one row per malformed file with the location
 * its message must give.
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

#include "../helpers/stream-helpers.h"
#include "libxl_cpuid/policy/policy-json.h"
#include "libxl_cpuid/migration/stream.h"
#include "xen/lib/cpu-policy-limits.h"

static void assert_entries_equal(const struct xlc_policy_entries *a,
                                 const struct xlc_policy_entries *b)
{
    assert_int_equal(a->nr_leaves, b->nr_leaves);
    assert_int_equal(a->nr_msrs, b->nr_msrs);
    if (a->nr_leaves)
        assert_memory_equal(a->leaves, b->leaves,
                            a->nr_leaves * sizeof(*a->leaves));
    if (a->nr_msrs)
        assert_memory_equal(a->msrs, b->msrs, a->nr_msrs * sizeof(*a->msrs));
}

/* entries -> JSON -> entries -> stream -> entries -> JSON: all equal. */
static void round_trip(const struct xlc_policy_entries *e, uint32_t type,
                       const char *name)
{
    struct xlc_policy_entries back;
    struct xlc_stream_info info;
    xlc_error err = { 0 };
    uint32_t type_back = 99;
    char *json = xlc_policy_json(e, type), *json2;
    uint8_t *stream;
    size_t len;

    assert_non_null(json);
    if (xlc_policy_json_parse(name, json, strlen(json), &back, &type_back,
                              &err))
        fail_msg("%s: %s\n%s", name, err.msg, json);
    assert_int_equal(type_back, type);
    assert_entries_equal(&back, e);
    assert_int_equal(xlc_stream_write_standalone(type ? type : 2, &back,
                                                 &stream, &len, &err), 0);
    assert_int_equal(xlc_stream_parse(stream, len, &info, &err), 0);
    json2 = xlc_policy_json(&info.policy, type);
    assert_string_equal(json, json2);
    free(json2);
    free(stream);
    xlc_stream_info_free(&info);
    xlc_policy_entries_free(&back);
    free(json);
}

static void every_dump_round_trips(void **state)
{
    const char *dir = shared_dump_dir();
    size_t n;
    char **names;

    (void)state;
    assert_non_null(dir);
    names = list_dumps(dir, &n);
    assert_true(n >= 40);
    for (size_t i = 0; i < n; i++) {
        struct xlc_policy_entries e;
        char path[4096];

        snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
        assert_int_equal(dump_policy_entries(path, &e), 0);
        round_trip(&e, XFS_STREAM_DOM_X86_HVM, names[i]);
        round_trip(&e, XFS_STREAM_DOM_X86_PV, names[i]);
        xlc_policy_entries_free(&e);
    }
    free_names(names, n);
}

static void sample_and_empty_round_trip(void **state)
{
    struct xlc_policy_entries e = { 0 }, back;
    xlc_error err = { 0 };
    char *json;

    (void)state;
    /* An empty policy is written, but refused when read back: a policy
     * file without leaves states no policy (it used to be taken as one
     * without CPUID, recorded as a pre-4.14 guest's stream). */
    json = xlc_policy_json(&e, 0);
    assert_int_equal(xlc_policy_json_parse("empty", json, strlen(json),
                                           &back, NULL, &err), -EINVAL);
    assert_non_null(strstr(err.msg, "empty: no CPUID leaves (\"cpuid\" is "
                                    "empty)"));
    free(json);
    sample_policy(&e);
    round_trip(&e, 0, "sample");
    json = xlc_policy_json(&e, XFS_STREAM_DOM_X86_HVM);
    /* The layout people read: one entry a line, hex everywhere. */
    assert_non_null(strstr(json, "  \"type\": \"hvm\",\n"));
    assert_non_null(strstr(json,
                           "    { \"leaf\": \"0x00000007\", \"subleaf\": "
                           "\"0x00000000\", \"eax\": \"0x00000000\", \"ebx\": "
                           "\"0x009c6fbb\", \"ecx\": \"0x40000000\", \"edx\": "
                           "\"0xbc000400\" },\n"));
    assert_non_null(strstr(json, "    { \"index\": \"0x0000010a\", "
                                 "\"value\": \"0x8000000000000001\" }\n  ]\n}\n"));
    free(json);
    xlc_policy_entries_free(&e);
}

/* Integers and short hex are accepted; comments too (yajl's tree mode). */
static void lenient_values(void **state)
{
    static const char text[] =
        "// hand-written\n"
        "{ \"version\": 1, \"format\": \"xen-cpu-policy\",\n"
        "  \"cpuid\": [ { \"leaf\": 7, \"subleaf\": 0, \"eax\": \"0x0\",\n"
        "      \"ebx\": 4294967295, \"ecx\": \"0XfF\", \"edx\": 0 } ],\n"
        "  \"msr\": [ { \"index\": 266, \"value\": 18446744073709551615 } ] }";
    struct xlc_policy_entries e;
    xlc_error err = { 0 };
    uint32_t type = 9;

    (void)state;
    if (xlc_policy_json_parse("t.json", text, strlen(text), &e, &type, &err))
        fail_msg("%s", err.msg);
    assert_int_equal(type, 0);
    assert_int_equal(e.nr_leaves, 1);
    assert_int_equal(e.leaves[0].leaf, 7);
    assert_int_equal(e.leaves[0].b, 0xffffffffu);
    assert_int_equal(e.leaves[0].c, 0xff);
    /* ARCH_CAPABILITIES: Xen keeps all 64 bits (PLATFORM_INFO only 32,
     * and a wider value is refused as Xen's restore refuses it). */
    assert_int_equal(e.msrs[0].idx, 0x10a);
    assert_true(e.msrs[0].val == UINT64_MAX);
    xlc_policy_entries_free(&e);
}

struct bad_json {
    const char *name;
    const char *text;
    int code;
    const char *msg;
};

#define HDR "{ \"format\": \"xen-cpu-policy\", \"version\": 1, "
#define LEAF(l, s) \
    "{ \"leaf\": \"" l "\", \"subleaf\": \"" s "\", \"eax\": \"0x0\", " \
    "\"ebx\": \"0x0\", \"ecx\": \"0x0\", \"edx\": \"0x0\" }"

static const struct bad_json bad_cases[] = {
    { "empty", "", EINVAL, "f.json:1:1: " },
    { "syntax", "{\n  \"format\": \"xen-cpu-policy\",\n  \"version\" 1 }",
      EINVAL, "f.json:3:14: parse error" },
    { "truncated", HDR "\"cpuid\": [", EINVAL, "f.json:1:55: parse error: premature EOF" },
    { "not an object", "[]", EINVAL, "f.json: top level: expected an object" },
    { "no format", "{ \"version\": 1 }", EINVAL,
      "f.json: top level.format: missing" },
    { "wrong format", "{ \"format\": \"x\", \"version\": 1 }", EINVAL,
      "f.json: format: expected \"xen-cpu-policy\"" },
    { "version 2", "{ \"format\": \"xen-cpu-policy\", \"version\": 2 }",
      EINVAL, "f.json: version: only version 1 is understood" },
    { "unknown key", HDR "\"cpuids\": [] }", EINVAL,
      "f.json: top level.cpuids: unknown key" },
    { "repeated key", HDR "\"cpuid\": [], \"cpuid\": [] }", EINVAL,
      "f.json: top level.cpuid: key given twice" },
    { "bad type", HDR "\"type\": \"pvh\" }", EINVAL,
      "f.json: type: expected \"pv\" or \"hvm\"" },
    { "cpuid not array", HDR "\"cpuid\": {} }", EINVAL,
      "f.json: cpuid: expected an array" },
    { "entry not object", HDR "\"cpuid\": [ 1 ] }", EINVAL,
      "f.json: cpuid[0]: expected an object" },
    { "missing register", HDR "\"cpuid\": [ { \"leaf\": 1, \"subleaf\": 0 } ] }",
      EINVAL, "f.json: cpuid[0].eax: missing" },
    { "extra register", HDR "\"cpuid\": [ { \"leaf\": 1, \"subleaf\": 0, "
      "\"eax\": 0, \"ebx\": 0, \"ecx\": 0, \"edx\": 0, \"esx\": 0 } ] }",
      EINVAL, "f.json: cpuid[0].esx: unknown key" },
    { "value too wide", HDR "\"cpuid\": [ " LEAF("0x123456789", "0x0") " ] }",
      EINVAL, "f.json: cpuid[0].leaf: expected a 32-bit value" },
    { "integer too big", HDR "\"msr\": [ { \"index\": 4294967296, "
      "\"value\": 0 } ] }", EINVAL, "f.json: msr[0].index: expected a 32-bit" },
    { "negative", HDR "\"msr\": [ { \"index\": 206, \"value\": -1 } ] }",
      EINVAL, "f.json: msr[0].value: expected a 64-bit value" },
    { "fraction", HDR "\"msr\": [ { \"index\": 206.0, \"value\": 1 } ] }",
      EINVAL, "f.json: msr[0].index: expected a 32-bit value" },
    { "not hex", HDR "\"cpuid\": [ " LEAF("0xg", "0x0") " ] }", EINVAL,
      "f.json: cpuid[0].leaf: expected" },
    { "no 0x", HDR "\"cpuid\": [ " LEAF("7", "0x0") " ] }", EINVAL,
      "f.json: cpuid[0].leaf: expected" },
    { "out of range", HDR "\"cpuid\": [ " LEAF("0x0", "0xffffffff") ", "
      LEAF("0x14", "0xffffffff") " ] }", ERANGE,
      "f.json: entry 1: leaf 0x00000014 subleaf 0xffffffff has no place" },
    { "repeated leaf", HDR "\"cpuid\": [ " LEAF("0x7", "0x0") ", "
      LEAF("0x7", "0x0") " ] }", EINVAL,
      "f.json: entry 1: leaf 0x00000007 subleaf 0x00000000 repeats entry 0" },
    { "unknown msr", HDR "\"msr\": [ { \"index\": \"0x48\", \"value\": 1 } ] }",
      ERANGE, "f.json: entry 0: MSR 0x00000048 is not part" },
    { "too many msrs", HDR "\"msr\": [ {}, {}, {} ] }", E2BIG,
      "f.json: msr: 3 entries; Xen 4.17's policy holds at most 2" },
};

static void malformed_files_refused(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
        const struct bad_json *c = &bad_cases[i];
        struct xlc_policy_entries e;
        xlc_error err = { 0 };
        int rc = xlc_policy_json_parse("f.json", c->text, strlen(c->text), &e,
                                       NULL, &err);

        if (rc != -c->code)
            fail_msg("%s: rc %d, expected %d (%s)", c->name, rc, -c->code,
                     err.msg);
        if (!strstr(err.msg, c->msg))
            fail_msg("%s: message '%s' lacks '%s'", c->name, err.msg, c->msg);
        assert_null(e.leaves);
        assert_null(e.msrs);
    }
}

static void too_many_leaves_and_nul(void **state)
{
    struct xlc_policy_entries e;
    xlc_error err = { 0 };
    char *text = malloc(200000), *p = text;

    (void)state;
    assert_non_null(text);
    p += sprintf(p, HDR "\"cpuid\": [");
    for (unsigned i = 0; i <= XFS_CPUID_MAX_SERIALISED_LEAVES; i++)
        p += sprintf(p, "%s{}", i ? "," : "");
    sprintf(p, "] }");
    assert_int_equal(xlc_policy_json_parse("f.json", text, strlen(text), &e,
                                           NULL, &err), -E2BIG);
    assert_non_null(strstr(err.msg, "f.json: cpuid: 121 entries; Xen 4.17's "
                                    "policy holds at most 120"));
    assert_int_equal(xlc_policy_json_parse("f.json", "{}\0{}", 5, &e, NULL,
                                           &err), -EINVAL);
    assert_non_null(strstr(err.msg, "f.json:1: NUL byte at byte offset 2"));
    free(text);
}

static void files(void **state)
{
    char path[] = "/tmp/xfs-policy-json-XXXXXX";
    struct xlc_policy_entries e, back;
    xlc_error err = { 0 };
    uint32_t type;
    int fd = mkstemp(path);
    char *json;

    (void)state;
    assert_true(fd >= 0);
    sample_policy(&e);
    json = xlc_policy_json(&e, XFS_STREAM_DOM_X86_PV);
    assert_int_equal(write(fd, json, strlen(json)), (ssize_t)strlen(json));
    close(fd);
    assert_int_equal(xlc_policy_json_load(path, &back, &type, &err), 0);
    assert_int_equal(type, XFS_STREAM_DOM_X86_PV);
    assert_entries_equal(&back, &e);
    xlc_policy_entries_free(&back);
    unlink(path);
    assert_int_equal(xlc_policy_json_load(path, &back, &type, &err), -ENOENT);
    assert_non_null(strstr(err.msg, path));
    free(json);
    xlc_policy_entries_free(&e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_dump_round_trips),
        cmocka_unit_test(sample_and_empty_round_trip),
        cmocka_unit_test(lenient_values),
        cmocka_unit_test(malformed_files_refused),
        cmocka_unit_test(too_many_leaves_and_nul),
        cmocka_unit_test(files),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
