/* SPDX-License-Identifier: MIT */
/*
 * CPUID dumps: every shared libvirt dump and the shared `cpuid -r` file
 * load completely (leaf counts made independently from the file text),
 * broken inputs are refused with file:line and the problem, and the live
 * CPU agrees with the cpuid instruction.
 */
#include <cpuid.h>
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

#include "libxl_cpuid/sources/cpuid-dump.h"
#include "../helpers/shared-data.h"

static size_t count_substr(const char *text, const char *needle)
{
    size_t n = 0;

    for (const char *p = text; (p = strstr(p, needle)); p += strlen(needle))
        n++;
    return n;
}

static void vendor_of(const struct xlc_cpuid_dump *d, char vendor[13])
{
    struct xfs_cpuid_reader rd;
    struct xfs_cpuid_regs r;

    xlc_dump_reader(d, &rd);
    rd.cpuid(rd.ctx, 0, 0, &r);
    memcpy(vendor, &r.b, 4);
    memcpy(vendor + 4, &r.d, 4);
    memcpy(vendor + 8, &r.c, 4);
    vendor[12] = '\0';
}

/* ---- the shared libvirt dumps ---- */

static void check_dump(void *ctx, const char *path, const char *file)
{
    struct xlc_cpuid_dump *d = NULL;
    xlc_error err = { 0 };
    char vendor[13];
    char *text;
    int rc;

    (void)ctx;
    rc = xlc_dump_load(path, &d, &err);
    if (rc)
        fail_msg("%s: %s", file, err.msg);
    text = shared_read(path);
    /* Counted from the text, not by our parser. */
    assert_int_equal(d->nr_leaves, count_substr(text, "<cpuid "));
    assert_int_equal(d->nr_msrs, count_substr(text, "<msr "));
    assert_string_equal(d->source, path);
    /* The file name starts with the vendor string leaf 0 spells. */
    vendor_of(d, vendor);
    if (strncmp(file, vendor, 12))
        fail_msg("%s: leaf 0 vendor '%s'", file, vendor);
    free(text);
    xlc_dump_free(d);
}

static void instlatx64_dumps_load(void **state)
{
    (void)state;
    assert_int_equal(shared_each_dump(check_dump, NULL), 40);
}

static void xml_values_and_reader(void **state)
{
    static const char xml[] =
        "<!-- a comment -->\n"
        "<cpudata arch='x86'>\n"
        "  <cpuid eax_in='0x00000007' ecx_in='0x01' eax='0x11' ebx='0x22' "
        "ecx='0x33' edx='0x44'/>\n"
        "  <cpuid eax_in='0x00000007' ecx_in='0x00' eax='0x1' ebx='0xf1bf07ab'"
        " ecx='0x0' edx='0x10'/>\n"
        "  <cpuid eax_in='0x80000001' ecx_in='0x00' eax='0xa' ebx='0xb' "
        "ecx='0xc' edx='0xd'/>\n"
        "  <cpuid eax_in='0x00000001' eax='0x1' ebx='0x2' ecx='0x3' "
        "edx='0x4'/>\n"
        "  <msr index='0x10a' edx='0x00000001' eax='0x0000000c'/>\n"
        "</cpudata>\n";
    struct xlc_cpuid_dump *d;
    struct xfs_cpuid_reader rd;
    struct xfs_cpuid_regs r;
    xlc_error err = { 0 };
    uint64_t val = 0;

    (void)state;
    assert_int_equal(xlc_dump_parse("t.xml", xml, strlen(xml), &d, &err), 0);
    assert_int_equal(d->nr_leaves, 4);
    assert_int_equal(d->nr_msrs, 1);
    /* Sorted by (leaf, subleaf). */
    assert_int_equal(d->leaves[0].leaf, 1);
    assert_int_equal(d->leaves[1].leaf, 7);
    assert_int_equal(d->leaves[1].subleaf, 0);
    assert_int_equal(d->leaves[2].subleaf, 1);
    xlc_dump_reader(d, &rd);
    rd.cpuid(rd.ctx, 7, 1, &r);
    assert_int_equal(r.a, 0x11);
    assert_int_equal(r.d, 0x44);
    rd.cpuid(rd.ctx, 7, 0, &r);
    assert_int_equal(r.b, 0xf1bf07abu);
    /* No subleaves: ECX is ignored. */
    rd.cpuid(rd.ctx, 0x80000001u, 5, &r);
    assert_int_equal(r.c, 0xc);
    /* Absent: zeros. */
    rd.cpuid(rd.ctx, 7, 2, &r);
    assert_true(!r.a && !r.b && !r.c && !r.d);
    rd.cpuid(rd.ctx, 0xd, 0, &r);
    assert_true(!r.a && !r.b && !r.c && !r.d);
    assert_int_equal(rd.rdmsr(rd.ctx, 0x10a, &val), 0);
    assert_int_equal(val, 0x10000000cull);
    assert_int_not_equal(rd.rdmsr(rd.ctx, 0xce, &val), 0);
    xlc_dump_free(d);
}

/* ---- the shared cpuid -r file ---- */

/*
 * Independent count: data lines of the first CPU.  Every line names a
 * distinct (leaf, subleaf) and every one is kept, leaf 0x1b's two
 * subleaves included.
 */
static size_t count_cpuid_r_leaves(const char *text)
{
    size_t n = 0;

    for (const char *p = text; *p;) {
        const char *nl = strchr(p, '\n');

        if (!strncmp(p, "CPU", 3) && n)
            break;
        if (!strncmp(p, "   0x", 5))
            n++;
        p = nl ? nl + 1 : p + strlen(p);
    }
    return n;
}

static void cpuid_r_file_loads(void **state)
{
    char path[4096], vendor[13];
    struct xlc_cpuid_dump *d = NULL;
    struct xfs_cpuid_reader rd;
    struct xfs_cpuid_regs r;
    xlc_error err = { 0 };
    uint64_t val;
    char *text;

    (void)state;
    snprintf(path, sizeof(path), "%s/cpuid/live/this-machine-cpuid-r.txt",
             shared_dir());
    if (xlc_dump_load(path, &d, &err))
        fail_msg("%s", err.msg);
    text = shared_read(path);
    assert_int_equal(d->nr_leaves, count_cpuid_r_leaves(text));
    assert_int_equal(d->nr_msrs, 0);
    vendor_of(d, vendor);
    assert_string_equal(vendor, "AuthenticAMD");
    xlc_dump_reader(d, &rd);
    rd.cpuid(rd.ctx, 7, 1, &r);
    assert_int_equal(r.a, 0x20);
    rd.cpuid(rd.ctx, 0x8000001du, 3, &r);
    assert_int_equal(r.a, 0x4163);
    rd.cpuid(rd.ctx, 0x80000021u, 0, &r);
    assert_int_equal(r.a, 0x204);
    assert_int_not_equal(rd.rdmsr(rd.ctx, 0x10a, &val), 0);
    free(text);
    xlc_dump_free(d);
}

static void cpuid_r_takes_cpu0(void **state)
{
    static const char txt[] =
        "CPU 0:\n"
        "   0x00000000 0x00: eax=0x00000001 ebx=0x68747541 ecx=0x444d4163 "
        "edx=0x69746e65\n"
        "   0x0000001b 0x00: eax=0x00000005 ebx=0x0 ecx=0x0 edx=0x0\n"
        "   0x0000001b 0x01: eax=0x00000009 ebx=0x0 ecx=0x0 edx=0x0\n"
        "CPU 1:\n"
        "   0x00000000 0x00: eax=0x00000002 ebx=0x68747541 ecx=0x444d4163 "
        "edx=0x69746e65\n"
        "   0x00000001 0x00: eax=0x00000002 ebx=0x0 ecx=0x0 edx=0x0\n";
    struct xlc_cpuid_dump *d;
    xlc_error err = { 0 };

    (void)state;
    assert_int_equal(xlc_dump_parse("t.txt", txt, strlen(txt), &d, &err), 0);
    assert_int_equal(d->nr_leaves, 3);
    assert_int_equal(d->leaves[0].a, 1);
    /* Both subleaves of leaf 0x1b (PCONFIG takes one) are kept. */
    assert_int_equal(d->leaves[1].leaf, 0x1b);
    assert_int_equal(d->leaves[1].subleaf, 0);
    assert_int_equal(d->leaves[1].a, 5);
    assert_int_equal(d->leaves[2].leaf, 0x1b);
    assert_int_equal(d->leaves[2].subleaf, 1);
    assert_int_equal(d->leaves[2].a, 9);
    xlc_dump_free(d);
}

/* ---- refusals ---- */

struct bad_case {
    const char *name;
    const char *text;
    const char *want[3];    /* substrings the message must contain */
};

#define LEAF0 "eax='0x1' ebx='0x2' ecx='0x3' edx='0x4'"
#define LEAF1 "eax='0x1' ebx='0x2' ecx='0x3' edx='0x5'"
#define R0 " eax=0x00000001 ebx=0x00000002 ecx=0x00000003 edx=0x00000004"
#define R1 " eax=0x00000001 ebx=0x00000002 ecx=0x00000003 edx=0x00000005"

static const struct bad_case bad_cases[] = {
    { "t.xml", "<cpudata arch='x86'>\n"
      "<cpuid eax_in='0x0' ecx_in='0x0' eax='0x1' ebx='0x2' ecx='0x3'/>\n"
      "</cpudata>\n",
      { "t.xml:2:", "missing attribute 'edx'" } },
    { "t.xml", "<cpudata arch='x86'>\n\n"
      "<cpuid eax_in='0x0' ecx_in='0x0' eax='0xzz' ebx='0x2' ecx='0x3' "
      "edx='0'/>\n</cpudata>\n",
      { "t.xml:3:", "bad hex value '0xzz'", "attribute eax" } },
    { "t.xml", "<cpudata arch='x86'>\n"
      "<cpuid eax_in='0x100000000' " LEAF0 "/>\n</cpudata>\n",
      { "t.xml:2:", "bad hex value '0x100000000'", "eax_in" } },
    { "t.xml", "<cpudata arch='x86'>\n"
      "<cpuid eax_in='' " LEAF0 "/>\n</cpudata>\n",
      { "t.xml:2:", "bad hex value ''" } },
    { "t.xml", "<cpudata arch='x86'>\n"
      "<cpuid eax_in='0x1' ecx_in='0x0' " LEAF0 "/>\n"
      "<cpuid eax_in='0x1' ecx_in='0x0' " LEAF1 "/>\n</cpudata>\n",
      { "t.xml:3:", "leaf 0x00000001 subleaf 0x0 given twice with "
        "different values", "first at line 2" } },
    { "t.xml", "<cpudata arch='x86'>\n"
      "<cpuid eax_in='0x7' ecx_in='0x1' " LEAF0 "/>\n"
      "<cpuid eax_in='0x7' ecx_in='0x0' " LEAF0 "/>\n"
      "<cpuid eax_in='0x7' ecx_in='0x01' " LEAF1 "/>\n</cpudata>\n",
      { "t.xml:4:", "leaf 0x00000007 subleaf 0x1 given twice",
        "first at line 2: 00000001:00000002:00000003:00000004, here "
        "00000001:00000002:00000003:00000005" } },
    /* The earliest conflict in the file is the one reported. */
    { "t.xml", "<cpudata arch='x86'>\n"
      "<cpuid eax_in='0x28' ecx_in='0x1' " LEAF0 "/>\n"
      "<cpuid eax_in='0x28' ecx_in='0x0' " LEAF0 "/>\n"
      "<cpuid eax_in='0x28' ecx_in='0x0' " LEAF1 "/>\n"
      "<cpuid eax_in='0x28' ecx_in='0x1' " LEAF1 "/>\n</cpudata>\n",
      { "t.xml:4:", "leaf 0x00000028 subleaf 0x0", "first at line 3" } },
    { "t.xml", "<cpudata arch='x86'>\n"
      "<cpuid eax_in='0x0' " LEAF0 "/>\n"
      "<msr index='0x10a' edx='0x0' eax='0x1'/>\n"
      "<msr index='0x10a' edx='0x0' eax='0x2'/>\n</cpudata>\n",
      { "t.xml:4:", "MSR 0x0000010a given twice with different values",
        "first at line 3" } },
    { "t.xml", "<cpudata arch='x86'>\n"
      "<msr index='0x10a' eax='0x1'/>\n</cpudata>\n",
      { "t.xml:2:", "<msr> is missing attribute 'edx'" } },
    { "t.xml", "<?xml version='1.0'?>\n<cpu arch='x86'>\n</cpu>\n",
      { "t.xml:2:", "wrong root element", "found <cpu>" } },
    { "t.xml", "<cpudata arch='arm'>\n<cpuid eax_in='0x0' " LEAF0 "/>\n"
      "</cpudata>\n",
      { "t.xml:1:", "arch='arm'", "expected arch='x86'" } },
    { "t.xml", "<cpudata>\n<cpuid eax_in='0x0' " LEAF0 "/>\n</cpudata>\n",
      { "t.xml:1:", "missing attribute 'arch'" } },
    { "t.xml", "<cpudata arch='x86'>\n<cpuid eax_in='0x0' " LEAF0
      " ebx_in='0x1'/>\n</cpudata>\n",
      { "t.xml:2:", "unexpected attribute 'ebx_in'" } },
    { "t.xml", "<cpudata arch='x86'>\n<cpuid eax_in='0x0' " LEAF0 "/>\n"
      "  <feature name='sse'/>\n</cpudata>\n",
      { "t.xml:3:", "unexpected element <feature>" } },
    { "t.xml", "<cpudata arch='x86'>\n<cpuid eax_in='0x0' " LEAF0 "/>\n"
      "stray words\n</cpudata>\n",
      { "t.xml:3:", "unexpected text 'stray words'" } },
    { "t.xml", "<cpudata arch='x86'>\n<cpuid eax_in='0x0' " LEAF0 ">\n"
      "</cpudata>\n",
      { "t.xml:3:", "malformed XML" } },
    { "t.xml", "<cpudata arch='x86'>\n<cpuid eax_in='&foo;' " LEAF0 "/>\n"
      "</cpudata>\n",
      { "t.xml:2:", "malformed XML", "foo" } },
    { "t.xml", "<?xml version='1.0'?>\n"
      "<!DOCTYPE cpudata [\n<!ENTITY a 'aaaaaaaaaa'>\n"
      "<!ENTITY b '&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;'>\n]>\n"
      "<cpudata arch='x86'>&b;</cpudata>\n",
      { "t.xml:2:", "DOCTYPE declarations are not accepted" } },
    { "t.xml", "<!DOCTYPE cpudata SYSTEM \"http://example.invalid/x.dtd\">\n"
      "<cpudata arch='x86'/>\n",
      { "t.xml:1:", "DOCTYPE" } },
    { "t.xml", "<cpudata arch='x86'>\n</cpudata>\n",
      { "t.xml", "no CPUID leaves" } },
    { "t.txt", "CPU:\n   0x00000000 0x00:" R0 "\n"
      "   0x00000001 0x00: eax=0x1 ebx=0xQ ecx=0x3 edx=0x4\n",
      { "t.txt:3:", "expected 'ebx=0x...'", "found 'ebx=0xQ'" } },
    { "t.txt", "CPU:\n   0x00000000 0x00: eax=0x1 ebx=0x2 ecx=0x3\n",
      { "t.txt:2:", "expected 'edx=0x...'", "found end of line" } },
    { "t.txt", "CPU:\n   0x00000000 0x00:" R0 " extra\n",
      { "t.txt:2:", "found 'extra'" } },
    { "t.txt", "CPU:\n   0x00000000 0x00:" R0 "\nhello world\n",
      { "t.txt:3:", "found 'hello'" } },
    { "t.txt", "CPU:\n   0x00000000 0x00" R0 "\n",
      { "t.txt:2:", "subleaf", "found '0x00'" } },
    { "t.txt", "CPU 0:\n   0x00000004 0x01:" R0 "\n"
      "   0x00000004 0x01:" R1 "\n",
      { "t.txt:3:", "leaf 0x00000004 subleaf 0x1 given twice with "
        "different values", "first at line 2" } },
    /* No longer dropped: a leaf without subleaves repeated differently. */
    { "t.txt", "CPU 0:\n   0x00000001 0x00:" R0 "\n"
      "   0x00000006 0x00:" R0 "\n"
      "   0x00000001 0x00:" R1 "\n",
      { "t.txt:4:", "leaf 0x00000001 subleaf 0x0 given twice",
        "first at line 2" } },
    { "t.txt", "CPU 0:\n   0x00000000 0x00:" R0 "\nCPU 1:\n"
      "   0x00000000 0x00: eax=0x1 ebx=0x2 ecx=0x3 edx=0x4 x\n",
      { "t.txt:4:", "found 'x'" } },
    { "t.txt", "CPU 0:\n   0x00000000 0x00:" R0 "\nCPU 0:\n",
      { "t.txt:3:", "second CPU 0" } },
    { "t.txt", "CPU x:\n", { "t.txt:1:", "found 'x:'" } },
    { "t.txt", "CPU 1:\n   0x00000000 0x00:" R0 "\n",
      { "t.txt", "no CPUID leaves" } },
    { "t.bin", "\x7f" "ELF\x02\x01", { "t.bin", "unrecognised format",
      "found '" } },
    { "t.empty", "  \n\n", { "t.empty", "empty" } },
};

static void bad_inputs_refused(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
        const struct bad_case *c = &bad_cases[i];
        struct xlc_cpuid_dump *d = (void *)1;
        xlc_error err = { 0 };
        int rc = xlc_dump_parse(c->name, c->text, strlen(c->text), &d, &err);

        if (rc != -EINVAL || err.code != EINVAL || d)
            fail_msg("case %zu: rc %d code %d (%s)", i, rc, err.code,
                     err.msg);
        for (size_t k = 0; k < 3 && c->want[k]; k++)
            if (!strstr(err.msg, c->want[k]))
                fail_msg("case %zu: message '%s' lacks '%s'", i, err.msg,
                         c->want[k]);
    }
}

static void missing_file(void **state)
{
    struct xlc_cpuid_dump *d;
    xlc_error err = { 0 };

    (void)state;
    assert_int_equal(xlc_dump_load("/nonexistent/dump.xml", &d, &err),
                     -ENOENT);
    assert_null(d);
    assert_non_null(strstr(err.msg, "/nonexistent/dump.xml"));
}

/* A NULL error pointer is allowed: the return code still tells. */
static void null_err(void **state)
{
    struct xlc_cpuid_dump *d;

    (void)state;
    assert_int_equal(xlc_dump_parse("x", "<x/>", 4, &d, NULL), -EINVAL);
}

/* ---- the live CPU ---- */

static void live_cpu(void **state)
{
    struct xlc_cpuid_dump *d = NULL;
    struct xfs_cpuid_reader rd;
    struct xfs_cpuid_regs r;
    unsigned int a, b, c, e;
    xlc_error err = { 0 };
    uint64_t val;

    (void)state;
    if (xlc_dump_live(&d, &err))
        fail_msg("%s", err.msg);
    assert_string_equal(d->source, "live CPU");
    assert_int_equal(d->nr_msrs, 0);
    xlc_dump_reader(d, &rd);
    __cpuid(0, a, b, c, e);
    rd.cpuid(rd.ctx, 0, 0, &r);
    assert_int_equal(r.a, a);
    assert_int_equal(r.b, b);
    assert_int_equal(r.c, c);
    assert_int_equal(r.d, e);
    /* Every basic leaf up to the maximum is there. */
    for (uint32_t l = 0; l <= a && l <= 0xff; l++) {
        size_t i;

        for (i = 0; i < d->nr_leaves; i++)
            if (d->leaves[i].leaf == l)
                break;
        if (i == d->nr_leaves)
            fail_msg("leaf 0x%x missing", l);
    }
    if (a >= 7) {
        unsigned int max7;

        __cpuid_count(7, 0, max7, b, c, e);
        rd.cpuid(rd.ctx, 7, 0, &r);
        assert_int_equal(r.b, b);
        for (unsigned int s = 1; s <= max7 && s < 64; s++) {
            __cpuid_count(7, s, a, b, c, e);
            rd.cpuid(rd.ctx, 7, s, &r);
            assert_int_equal(r.a, a);
            assert_int_equal(r.d, e);
        }
    }
    __cpuid(0x80000000u, a, b, c, e);
    if (a >= 0x80000001u) {
        __cpuid(0x80000001u, a, b, c, e);
        rd.cpuid(rd.ctx, 0x80000001u, 0, &r);
        assert_int_equal(r.c, c);
        assert_int_equal(r.d, e);
    }
    assert_int_not_equal(rd.rdmsr(rd.ctx, 0x10a, &val), 0);
    xlc_dump_free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(instlatx64_dumps_load),
        cmocka_unit_test(xml_values_and_reader),
        cmocka_unit_test(cpuid_r_file_loads),
        cmocka_unit_test(cpuid_r_takes_cpu0),
        cmocka_unit_test(bad_inputs_refused),
        cmocka_unit_test(missing_file),
        cmocka_unit_test(null_err),
        cmocka_unit_test(live_cpu),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
