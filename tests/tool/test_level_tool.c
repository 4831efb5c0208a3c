/* SPDX-License-Identifier: MIT */
/*
 * `xen-cpuid level` end to end: the built tool on the shared dumps,
 * featureset strings and stdin lists; exit codes, refusals, verdicts,
 * what-if, and the level fed back in as a host.
 */
#include <errno.h>
#include <libgen.h>
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

#include "libxl_cpuid/policy/cpu-policy.h"
#include "libxl_cpuid/names/featureset-text.h"
#include "libxl_cpuid/xl/xl-cpuid.h"
#include "../helpers/tool-run.h"

static char dumps[PATH_MAX];

struct result {
    int status;
    char *out; /* stdout and stderr together */
};

static struct result run(const char *fmt, ...)
{
    char args[8192], cmd[8192 + 2 * PATH_MAX + 32];
    struct result r = { -1, NULL };
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(args, sizeof(args), fmt, ap);
    va_end(ap);
    snprintf(cmd, sizeof(cmd), "cd %s && %s %s 2>&1", dumps, tool_path(),
             args);
    r.status = tool_run_shell(cmd, &r.out, NULL);
    return r;
}

static void expect(const struct result *r, int status, const char *text)
{
    if (r->status != status)
        fail_msg("exit %d, expected %d; output:\n%s", r->status, status,
                 r->out);
    if (text && !strstr(r->out, text))
        fail_msg("'%s' not in output:\n%s", text, r->out);
}

/* The featureset of a "LABEL (...): " line in text output. */
static char *set_line(const struct result *r, const char *label)
{
    const char *p = strstr(r->out, label);
    size_t n;

    assert_non_null(p);
    p = strstr(p, "): ");
    assert_non_null(p);
    p += 3;
    n = strcspn(p, "\n");
    return strndup(p, n);
}

static char *level_line(const struct result *r)
{
    return set_line(r, "max level (");
}

static int setup(void **state)
{
    const char *shared = getenv("XFS_DATA");

    (void)state;
    if (!shared)
        return -1;
    snprintf(dumps, sizeof(dumps), "%s/cpuid/instlatx64", shared);
    return access(tool_path(), X_OK);
}

static void same_vendor_pool_is_ok(void **state)
{
    struct result r = run("level GenuineIntel0050654_SkylakeXeon.xml "
                          "GenuineIntel0050657_CascadeLakeXeon.xml "
                          "+GenuineIntel00306F2_HaswellEP.xml");

    (void)state;
    expect(&r, 0, "pool: 2 hosts, hvm guests");
    expect(&r, 0, "fdp_excp_only        from GenuineIntel0050654_SkylakeXeon, "
                  "GenuineIntel0050657_CascadeLakeXeon");
    expect(&r, 0, "if GenuineIntel00306F2_HaswellEP joined:");
    expect(&r, 0, "GenuineIntel0050654_SkylakeXeon          ok");
    expect(&r, 0, "levelled policy: every host's max policy accepts it");
    expect(&r, 0, "Levelled policy: ");
    expect(&r, 0, "<model fallback='forbid'>Skylake-Server</model>");
    expect(&r, 0, "pool: usable: one guest CPU for every host");
    /* Was the max set; now the guest level, opt-ins held back. */
    expect(&r, 0, "xl cpuid= (the guest CPU on every host's default; "
                  "weaknesses left to each host): \"host,");
    expect(&r, 0, "  vmx                  opt-in: --with vmx\n");
    expect(&r, 0, "  itsc                 cannot migrate (Xen; libvirt's "
                  "cpu_map: migratable='no'): --nomigrate --with itsc\n");
    expect(&r, 0, "note: xsaves: libvirt's cpu_map marks it migratable='no' "
                  "(QEMU's rule); Xen gives it to every hvm guest by default");
    if (strstr(r.out, "name='vmx'") || strstr(r.out, "name='invtsc'"))
        fail_msg("opt-ins in the <cpu>:\n%s", r.out);
    free(r.out);
}

/* The xl cpuid= line, applied to each host's own default, gives the guest
 * level on every host (pv and hvm pools of three Intel dumps; it gave the
 * max level before the guest level existed). */
static void xl_string_gives_the_level(void **state)
{
    static const char *const hosts[] = {
        "GenuineIntel0050654_SkylakeXeon.xml",
        "GenuineIntel0050657_CascadeLakeXeon.xml",
        "GenuineIntel00306F2_HaswellEP.xml",
    };
    static const char *const types[] = { "pv", "hvm" };

    (void)state;
    for (int t = 0; t < 2; t++) {
        struct result r = run("level --type %s %s %s %s", types[t], hosts[0],
                              hosts[1], hosts[2]);
        const char *key = "xl cpuid= (the guest CPU on every host's "
                          "default; weaknesses left to each host): \"";
        const uint32_t *inv = xfs_static_masks[XFS_MASK_INVERTED];
        const char *p = strstr(r.out, key);
        char *level = set_line(&r, "guest level ("), *str;
        uint32_t *want;
        size_t nw;

        assert_non_null(p);
        p += strlen(key);
        str = strndup(p, strcspn(p, "\""));
        assert_int_equal(xlc_featureset_parse(level, &want, &nw, NULL), 0);
        for (int h = 0; h < 3; h++) {
            char path[2 * PATH_MAX];
            struct xlc_sim_opts o = { .cpuid_file = path };
            struct xlc_system_policies *sys;
            struct xlc_xl_cpuid l = { 0 };
            struct xlc_xl_applied *ap = malloc(sizeof(*ap));
            xlc_error err;

            assert_non_null(ap);
            snprintf(path, sizeof(path), "%s/%s", dumps, hosts[h]);
            assert_int_equal(xlc_system_policies_load(&o, &sys, &err), 0);
            assert_int_equal(xlc_xl_cpuid_parse(&l, str, NULL, NULL, &err),
                             0);
            if (xlc_xl_cpuid_apply(sys, t ? XLC_GUEST_HVM : XLC_GUEST_PV, &l,
                                   ap, &err))
                fail_msg("%s %s: %s: %s", types[t], hosts[h], str, err.msg);
            /* weakness bits are the host's own */
            for (unsigned int w = 0; w < XFS_NR_WORDS && w < nw; w++)
                if ((ap->fs[w] ^ want[w]) & ~inv[w])
                    fail_msg("%s %s: %s does not give the level %s (word "
                             "%u)", types[t], hosts[h], str, level, w);
            xlc_xl_cpuid_free(&l);
            xlc_system_policies_free(sys);
            free(ap);
        }
        free(want);
        free(str);
        free(level);
        free(r.out);
    }
}

/* No xl string, no <cpu>, no "ok" verdict: an unusable pool says why. */
static void expect_unusable(const struct result *r, const char *why)
{
    expect(r, 4, "pool: UNUSABLE: no guest CPU is given:\n");
    expect(r, 4, why);
    expect(r, 4, "xl cpuid=: none: the pool is unusable: ");
    expect(r, 4, "libvirt <cpu>: none: the pool is unusable: ");
    if (strstr(r->out, "xl cpuid= (") || strstr(r->out, "<cpu mode="))
        fail_msg("a guest string for an unusable pool:\n%s", r->out);
    if (strstr(r->out, " ok\n"))
        fail_msg("an ok verdict in an unusable pool:\n%s", r->out);
}

/*
 * A real XSAVE layout difference refuses the levelled policy, the output
 * says which check fails, and no host of the unusable pool reads "ok".
 */
/* Tiger Lake with its PKRU moved 16 bytes up: a real layout difference. */
static char *moved_pkru_dump(void)
{
    static const char from[] = "ecx_in='0x09' eax='0x00000008' "
                               "ebx='0x00000a80'";
    char src[PATH_MAX + 64], *path = strdup("/tmp/xfs-tgl-XXXXXX.xml");
    FILE *in, *out;
    char line[512];
    int fd;

    snprintf(src, sizeof(src), "%s/GenuineIntel00806C1_TigerLake_01.xml",
             dumps);
    in = fopen(src, "r");
    fd = mkstemps(path, 4);
    assert_non_null(in);
    assert_true(fd >= 0);
    out = fdopen(fd, "w");
    while (fgets(line, sizeof(line), in)) {
        char *at = strstr(line, from);

        if (at)
            memcpy(at + strlen(from) - 5, "0a90", 4); /* ...0a80' */
        fputs(line, out);
    }
    fclose(in);
    assert_int_equal(fclose(out), 0);
    return path;
}

static void policy_refusal_is_named(void **state)
{
    /* Skylake and Ice Lake lay XSAVE out alike: Ice Lake's dump lacks the
     * subleaves and the documented layout stands in (issue 12). */
    struct result r = run("level skx=GenuineIntel0050654_SkylakeXeon.xml "
                          "icx=GenuineIntel00606A6_ICX_04.xml");
    char *tgl = moved_pkru_dump();

    (void)state;
    expect(&r, 0, "levelled policy: every host's max policy accepts it");
    free(r.out);
    r = run("level tgl=%s icx=GenuineIntel00606A6_ICX_04.xml", tgl);
    expect(&r, 4, "levelled policy: REFUSED by 1 check:");
    expect(&r, 4, "  icx: XSAVE component 9 (PKRU) layout differs (leaf "
                  "0xd:9): guest size 8 offset 2704, host size 8 offset 2688");
    expect(&r, 4, "  icx                                      incompatible; "
                  "refuses the levelled policy; the pool is unusable");
    expect_unusable(&r, "  the levelled policy is refused by 1 check\n");
    free(r.out);
    unlink(tgl);
    free(tgl);
}

static void mixed_vendors_are_refused(void **state)
{
    struct result r = run("level --type pv GenuineIntel0050654_SkylakeXeon.xml "
                          "AuthenticAMD0A00F11_K19_Milan_02.xml");

    (void)state;
    expect(&r, 4, "properties (INCOMPATIBLE pool)");
    expect(&r, 4, "vendor         DIFFERS (pool incompatible): GenuineIntel "
                  "(GenuineIntel0050654_SkylakeXeon); AuthenticAMD "
                  "(AuthenticAMD0A00F11_K19_Milan_02)");
    expect_unusable(&r, "  the hosts' vendors differ: a guest sees one\n");
    free(r.out);
}

static void host_without_hvm_is_refused(void **state)
{
    struct result r = run("level --type hvm AuthenticAMD0000F4A_K8_Clawhammer.xml "
                          "AuthenticAMD0100F42_K10_Shanghai.xml");

    (void)state;
    expect(&r, 4, "refused: AuthenticAMD0000F4A_K8_Clawhammer: no VMX/SVM");
    expect(&r, 4, "pool: 1 host, hvm guests");
    expect_unusable(&r, "  host AuthenticAMD0000F4A_K8_Clawhammer refused: "
                        "no VMX/SVM");
    free(r.out);
    r = run("level --type hvm AuthenticAMD0000F4A_K8_Clawhammer.xml");
    expect(&r, 4, "no host can run hvm guests");
    free(r.out);
}

/* This machine, through the handle (real Xen when present). */
static void live_host(void **state)
{
    struct result r = run("level --type pv me=@live");

    (void)state;
    expect(&r, 0, "pool: 1 host, pv guests");
    expect(&r, 0, "  me                                       ok");
    free(r.out);
}

static void bad_input_is_named(void **state)
{
    struct result r = run("level GenuineIntel0050654_SkylakeXeon.xml "
                          "0789fbff:f6fa3g03");

    (void)state;
    expect(&r, 2, "featureset word 2 'f6fa3g03'");
    free(r.out);
    r = run("level no-such-file.xml");
    expect(&r, 2, "'no-such-file.xml': no such file");
    free(r.out);
    r = run("level --type vm x.xml");
    expect(&r, 1, "expected pv or hvm");
    free(r.out);
}

/* "-" reads the same hosts from stdin: the same output. */
static void stdin_list_equals_arguments(void **state)
{
    char list[] = "/tmp/test_level_tool_XXXXXX";
    int fd = mkstemp(list);
    FILE *f = fdopen(fd, "w");
    struct result a, b;

    (void)state;
    assert_non_null(f);
    fprintf(f, "# a comment\n\nGenuineIntel00906EA_Coffeelake.xml\n"
               "  b=GenuineIntel0050657_CascadeLakeXeon.xml  \n");
    fclose(f);
    a = run("level --json - < %s", list);
    b = run("level --json GenuineIntel00906EA_Coffeelake.xml "
            "b=GenuineIntel0050657_CascadeLakeXeon.xml");
    unlink(list);
    expect(&a, 0, "\"name\":\"b\"");
    expect(&b, 0, NULL);
    assert_string_equal(a.out, b.out);
    free(a.out);
    free(b.out);
}

/* The max level, fed back as a featureset host, changes neither level. */
static void level_fed_back_is_a_fixed_point(void **state)
{
    const char *hosts = "--type pv GenuineIntel00306E4_IvyBridgeE.xml "
                        "GenuineIntel0050654_SkylakeXeon.xml "
                        "GenuineIntel0030678_Silvermont.xml";
    struct result a = run("level %s", hosts), b;
    char *l1 = level_line(&a), *l2, *g1 = set_line(&a, "guest level ("), *g2;

    (void)state;
    expect(&a, 0, NULL);
    b = run("level %s L=%s", hosts, l1);
    expect(&b, 0, NULL);
    l2 = level_line(&b);
    g2 = set_line(&b, "guest level (");
    assert_string_equal(l1, l2);
    assert_string_equal(g1, g2);
    free(l1);
    free(l2);
    free(g1);
    free(g2);
    free(a.out);
    free(b.out);
}

/* A guest made on a newer host does not fit the older one: listed. */
static void guest_verdicts(void **state)
{
    struct result r = run("level --type pv GenuineIntel00306E4_IvyBridgeE.xml "
                          "GenuineIntel00306F2_HaswellEP.xml "
                          "guest:GenuineIntel00306F2_HaswellEP.xml");

    (void)state;
    expect(&r, 4, "verdicts (guest: GenuineIntel00306F2_HaswellEP)");
    expect(&r, 4, "GenuineIntel00306E4_IvyBridgeE           incompatible; "
                  "missing: fma");
    expect(&r, 4, "GenuineIntel00306F2_HaswellEP            ok");
    free(r.out);
}

static void json_has_every_part(void **state)
{
    /* "level" became max_level and guest_level; not_in_this_build (never
     * filled) is gone. */
    static const char *const keys[] = {
        "{\"type\":\"pv\"", "\"max_level\":\"", "\"max_level_features\":[",
        "\"guest_level\":\"", "\"guest_level_features\":[",
        "\"guest_cpu\":\"", "\"held_back\":[{\"feature\":",
        "\"reason\":\"opt-in\"", "\"optins\":[]", "\"nomigrate\":false",
        "\"lost\":[{\"feature\":", "\"missing_on\":[", "\"weaknesses\":[",
        "\"properties\":{\"compatible\":true", "\"limits\":{\"max_leaf\"",
        "\"hosts\":[{\"name\":", "\"verdict\":\"ok\"", "\"candidates\":[",
        "\"usable\":true", "\"why_unusable\":[]", "\"notes\":[]",
        "\"xl_cpuid\":\"host,", "\"xl_cpuid_why_not\":null",
        "\"libvirt_cpu\":\"<cpu mode='custom'",
    };
    struct result r = run("level --json --type pv GenuineIntel0050654_SkylakeXeon.xml "
                          "GenuineIntel00906EA_Coffeelake.xml");

    (void)state;
    expect(&r, 0, NULL);
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
        expect(&r, 0, keys[i]);
    free(r.out);
}

/* A file of libvirt host <cpu> elements: one host each; <cpu> out. */
static void libvirt_file(void **state)
{
    char path[] = "/tmp/test_level_tool_lv_XXXXXX";
    FILE *f = fdopen(mkstemp(path), "w");
    struct result r;

    (void)state;
    assert_non_null(f);
    /* vmx: a host <cpu> is derived like a dump, HVM needs it */
    fputs("<cpu><arch>x86_64</arch><model>Haswell</model>"
          "<vendor>Intel</vendor><feature name='vmx'/></cpu>\n"
          "<cpu><arch>x86_64</arch><model>Skylake-Client</model>"
          "<vendor>Intel</vendor><feature name='vmx'/></cpu>\n", f);
    fclose(f);
    r = run("level --type hvm dc=%s", path);
    unlink(path);
    expect(&r, 0, "pool: 2 hosts, hvm guests");
    expect(&r, 0, "  dc#1                                     ok");
    /* hle is opt-in: the guest CPU is Haswell without TSX's HLE */
    expect(&r, 0, "<model fallback='forbid'>Haswell-noTSX</model>");
    expect(&r, 0, "  hle                  opt-in: --with hle\n");
    expect(&r, 0, "xsavec               missing on 1 of 2: dc#1");
    free(r.out);
}

#define SKX "skx=GenuineIntel0050654_SkylakeXeon.xml "
#define CLX "clx=GenuineIntel0050657_CascadeLakeXeon.xml "

/*
 * --with: an unknown name is bad input; a feature not on every host's max
 * set is refused naming the host; itsc needs --nomigrate; granted ones are
 * in the xl string.  Other subcommands refuse the options.
 */
static void with_option(void **state)
{
    struct result r = run("level --with avx5l2f " SKX);

    (void)state;
    expect(&r, 2, "unknown feature 'avx5l2f'");
    free(r.out);
    r = run("level --with vmx --with avx512-vnni " SKX CLX);
    expect(&r, 4, "  avx512_vnni          REFUSED: not on the max level: "
                  "lacking on skx\n");
    expect(&r, 4, "  vmx                  granted\n");
    expect_unusable(&r, "  --with avx512-vnni refused: ");
    free(r.out);
    r = run("level --with itsc " SKX CLX);
    expect(&r, 4, "itsc cannot migrate (Xen; libvirt's cpu_map: "
                  "migratable='no'): a guest given it must never migrate "
                  "(--nomigrate)");
    free(r.out);
    r = run("level --nomigrate --with itsc,vmx " SKX CLX);
    expect(&r, 0, "pool: 2 hosts, hvm guests that never migrate");
    expect(&r, 0, "  itsc                 granted\n");
    expect(&r, 0, ",vmx=1,");
    expect(&r, 0, ",itsc=1");
    expect(&r, 0, "<feature policy='require' name='invtsc'/>");
    free(r.out);
    r = run("model --with vmx x.xml");
    expect(&r, 1, "model: option '--with' does not apply to model "
                  "(xen-cpuid model --help)");
    free(r.out);
    r = run("model --nomigrate x.xml");
    expect(&r, 1, "model: option '--nomigrate' does not apply to model");
    free(r.out);
}

/* "+HOST" says what joining would change, the policy refusal included. */
static void candidate_changes(void **state)
{
    struct result r = run("level " SKX CLX
                          "+icx=GenuineIntel00606A6_ICX_04.xml");
    char *tgl;

    (void)state;
    expect(&r, 0, "if icx joined:\n");
    expect(&r, 0, "  max level would lose: xsaveopt xsavec xgetbv1 xsaves "
                  "mpx\n");
    expect(&r, 0, "  guest CPU would lose: xsaveopt xsavec xgetbv1 xsaves\n");
    /* Ice Lake's XSAVE layout is Skylake's: joining keeps the pool usable. */
    if (strstr(r.out, "would become UNUSABLE"))
        fail_msg("icx makes the pool unusable:\n%s", r.out);
    free(r.out);
    /* A host whose PKRU sits elsewhere would get the policy refused. */
    tgl = moved_pkru_dump();
    r = run("level " SKX CLX "+tgl=%s", tgl);
    expect(&r, 0, "if tgl joined:\n");
    expect(&r, 0, "  the levelled policy would be REFUSED by 2 checks:\n");
    expect(&r, 0, "  the pool would become UNUSABLE\n");
    free(r.out);
    unlink(tgl);
    free(tgl);
}

/* A host <cpu> with feature policies: read as libvirt does, and noted. */
static void host_cpu_policy_note(void **state)
{
    char path[] = "/tmp/test_level_tool_pol_XXXXXX";
    FILE *f = fdopen(mkstemp(path), "w");
    struct result r;

    (void)state;
    assert_non_null(f);
    fputs("<cpu>\n<arch>x86_64</arch><model>Haswell</model>\n"
          "<vendor>Intel</vendor><feature name='vmx'/>\n"
          "<feature policy='disable' name='avx2'/>\n</cpu>\n", f);
    fclose(f);
    r = run("level --type hvm hw=%s", path);
    unlink(path);
    expect(&r, 0, "note: hw: host <cpu>: policy= ignored on 1 feature "
                  "(first at line 4): libvirt reads a host CPU's features "
                  "without a policy");
    expect(&r, 0, " avx2 ");
    free(r.out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(same_vendor_pool_is_ok),
        cmocka_unit_test(xl_string_gives_the_level),
        cmocka_unit_test(policy_refusal_is_named),
        cmocka_unit_test(mixed_vendors_are_refused),
        cmocka_unit_test(host_without_hvm_is_refused),
        cmocka_unit_test(live_host),
        cmocka_unit_test(bad_input_is_named),
        cmocka_unit_test(stdin_list_equals_arguments),
        cmocka_unit_test(level_fed_back_is_a_fixed_point),
        cmocka_unit_test(guest_verdicts),
        cmocka_unit_test(json_has_every_part),
        cmocka_unit_test(libvirt_file),
        cmocka_unit_test(with_option),
        cmocka_unit_test(candidate_changes),
        cmocka_unit_test(host_cpu_policy_note),
    };

    return cmocka_run_group_tests(tests, setup, NULL);
}
