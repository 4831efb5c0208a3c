/* SPDX-License-Identifier: MIT */
/*
 * The built xen-cpuid's model and host-model subcommands ($XFS_TOOL):
 * host-model output fed back to model on the same host is identical,
 * verdicts map to exit codes, hostile or wrong input is refused on stderr
 * with exit 2, and --json carries the same facts.
 */
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

#include "../helpers/tool-run.h"
#include "../helpers/shared-data.h"

static char *write_tmp(const char *text)
{
    char *path = strdup("/tmp/test_tool_libvirt_xml.XXXXXX");
    int fd = mkstemp(path);
    FILE *f = fdopen(fd, "w");

    fputs(text, f);
    fclose(f);
    return path;
}

#define SKX "GenuineIntel0050654_SkylakeXeon"
#define ROME "AuthenticAMD0830F10_K17_Rome"

static void host_model_round_trip(void **state)
{
    static const char *const hosts[] = { SKX, ROME };
    static const char *const types[] = { "pv", "hvm" };

    (void)state;
    for (int i = 0; i < 2; i++)
        for (int k = 0; k < 2; k++) {
            char args[4500], *out, *err, *out2, *err2, *xml;

            snprintf(args, sizeof(args), "host-model --type %s --cpuid %s",
                     types[k], shared_dump(hosts[i]));
            assert_int_equal(tool_run(args, &out, &err), 0);
            assert_string_equal(err, "");
            assert_non_null(strstr(out, "<cpu mode='custom' match='exact'>"));
            xml = write_tmp(out);
            snprintf(args, sizeof(args), "model --type %s --cpuid %s %s",
                     types[k], shared_dump(hosts[i]), xml);
            if (tool_run(args, &out2, &err2))
                fail_msg("%s\n%s%s", args, out2, err2);
            assert_non_null(strstr(out2, "verdict:    identical\n"));
            unlink(xml);
            free(xml);
            free(out), free(err), free(out2), free(err2);
        }
}

static void verdicts_and_exit_codes(void **state)
{
    char *ok = write_tmp("<cpu><model>Westmere</model></cpu>");
    char *bad = write_tmp("<domain><cpu>\n<model>Icelake-Server</model>\n"
                          "</cpu></domain>");
    char args[4500], *out, *err;

    (void)state;
    snprintf(args, sizeof(args), "model --cpuid %s %s", shared_dump(SKX), ok);
    assert_int_equal(tool_run(args, &out, &err), 0);
    assert_non_null(strstr(out, "verdict:    superset\n"));
    assert_non_null(strstr(out, "featureset: "));
    free(out), free(err);
    snprintf(args, sizeof(args), "model --cpuid %s %s", shared_dump(SKX), bad);
    assert_int_equal(tool_run(args, &out, &err), 4);
    assert_non_null(strstr(out, "verdict:    incompatible\n"));
    assert_non_null(strstr(out, "[not-on-host] model feature 'avx512vbmi' "
                                "(Xen AVX512_VBMI): the host does not have "
                                "it"));
    assert_null(strstr(out, "featureset: "));
    free(out), free(err);
    snprintf(args, sizeof(args), "model --json --cpuid %s %s", shared_dump(SKX), bad);
    assert_int_equal(tool_run(args, &out, &err), 4);
    assert_non_null(strstr(out, "\"verdict\": \"incompatible\""));
    assert_non_null(strstr(out, "{\"kind\": \"not-on-host\", \"libvirt\": "
                                "\"avx512vbmi\", \"xen\": \"AVX512_VBMI\""));
    assert_non_null(strstr(out, "\"featureset\": null"));
    free(out), free(err);
    unlink(ok), unlink(bad);
    free(ok), free(bad);
}

static void bad_input(void **state)
{
    char *evil = write_tmp("<!DOCTYPE cpu [<!ENTITY x SYSTEM "
                           "'file:///etc/passwd'>]>\n<cpu>&x;</cpu>");
    char *typo = write_tmp("<cpu>\n<model>Skylake-Clinet</model></cpu>");
    char args[4500], *out, *err;

    (void)state;
    snprintf(args, sizeof(args), "model --cpuid %s %s", shared_dump(SKX), evil);
    assert_int_equal(tool_run(args, &out, &err), 2);
    assert_string_equal(out, "");
    assert_non_null(strstr(err, ":1: DOCTYPE declarations are not accepted"));
    free(out), free(err);
    snprintf(args, sizeof(args), "model --cpuid %s %s", shared_dump(SKX), typo);
    assert_int_equal(tool_run(args, &out, &err), 2);
    assert_non_null(strstr(err, ":2: unknown CPU model 'Skylake-Clinet' "
                                "(nearest known: 'Skylake-Client')"));
    free(out), free(err);
    snprintf(args, sizeof(args), "model --cpu-map /nonexistent %s", typo);
    assert_int_equal(tool_run(args, &out, &err), 2);
    assert_non_null(strstr(err, "/nonexistent/index.xml"));
    free(out), free(err);
    assert_int_equal(tool_run("model", &out, &err), 1);
    free(out), free(err);
    assert_int_equal(tool_run("host-model --type xen", &out, &err), 1);
    free(out), free(err);
    /* A CPU without SVM cannot run HVM guests: nothing to describe. */
    snprintf(args, sizeof(args), "host-model --cpuid %s",
             shared_dump("AuthenticAMD0000F4A_K8_Clawhammer"));
    assert_int_equal(tool_run(args, &out, &err), 4);
    assert_non_null(strstr(err, "cannot run hvm guests"));
    free(out), free(err);
    unlink(evil), unlink(typo);
    free(evil), free(typo);
}

static void host_model_json(void **state)
{
    char args[4500], *out, *err;

    (void)state;
    snprintf(args, sizeof(args), "host-model --json --cpuid %s", shared_dump(ROME));
    assert_int_equal(tool_run(args, &out, &err), 0);
    assert_non_null(strstr(out, "\"model\": \"EPYC-Rome\""));
    assert_non_null(strstr(out, "\"vendor\": \"AMD\""));
    assert_non_null(strstr(out, "\"cpuid_vendor\": \"AuthenticAMD\""));
    assert_non_null(strstr(out, "\"xml\": \"<cpu mode='custom'"));
    free(out), free(err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(host_model_round_trip),
        cmocka_unit_test(verdicts_and_exit_codes),
        cmocka_unit_test(bad_input),
        cmocka_unit_test(host_model_json),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
