/* SPDX-License-Identifier: MIT */
/*
 * Our cpuid= parsers against the installed libxenlight: same accept or
 * reject, same error number (and failing item), same JSON byte for byte,
 * for every name libxl accepts with each value, the man page's xend
 * examples, and generated strings (valid and broken, fixed seed).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../helpers/xl-oracle.h"
#include "libxl_cpuid/xl/xl-cpuid.h"

static unsigned long compared, accepted;

static void check_same(const char *what, struct xo_result *want,
                       struct xo_result *got)
{
    compared++;
    if (want->rc == 0)
        accepted++;
    if (want->rc != got->rc || want->item_no != got->item_no ||
        !want->json || !got->json || strcmp(want->json, got->json) != 0) {
        print_error("%s\n libxl: rc %d item %u %s\n ours:  rc %d item %u %s\n",
                    what, want->rc, want->item_no, want->json, got->rc,
                    got->item_no, got->json);
        fail();
    }
    free(want->json);
    free(got->json);
}

static void same_libxl(const char *str)
{
    struct xo_result a, b;
    xo_libxl_form(str, &a);
    xo_ours_libxl_form(str, &b);
    check_same(str, &a, &b);
}

static void same_xend(const char *const *strs, size_t nr)
{
    struct xo_result a, b;
    xo_xend_form(strs, nr, &a);
    xo_ours_xend_form(strs, nr, &b);
    check_same(strs[0], &a, &b);
}

/* ---- names ---- */

static bool name_char(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '.' || c == '+';
}

/* Call fn on every NUL-delimited run of name characters in the file. */
static size_t for_each_string(const char *path, void (*fn)(const char *))
{
    FILE *f = fopen(path, "rb");
    char word[48];
    size_t n = 0, count = 0;
    bool ok = true;
    int c;

    assert_non_null(f);
    while ((c = fgetc(f)) != EOF) {
        if (c == 0) {
            if (ok && n >= 2) {
                word[n] = '\0';
                fn(word);
                count++;
            }
            n = 0;
            ok = true;
        } else if (!name_char(c) || n + 1 >= sizeof(word)) {
            ok = false;
        } else {
            word[n++] = (char)c;
        }
    }
    fclose(f);
    return count;
}

static unsigned long libxl_names;

static void try_name(const char *name)
{
    static const char *const vals[] = { "0", "1", "x", "k", "s" };
    char buf[96];
    struct xo_result r;

    snprintf(buf, sizeof(buf), "host,%s=1", name);
    xo_libxl_form(buf, &r);
    free(r.json);
    if (r.rc == 0)
        libxl_names++;
    for (size_t v = 0; v < 5; v++) {
        snprintf(buf, sizeof(buf), "host,%s=%s", name, vals[v]);
        same_libxl(buf);
    }
}

/* Every string in libxenlight's binary, every table row, every feature. */
static void every_name_every_value(void **state)
{
    char buf[64];
    (void)state;

    char *so = xo_libxenlight_path();
    assert_non_null(so);
    size_t n = for_each_string(so, try_name);
    free(so);
    for (size_t i = 0; i < xlc_xl_nr_names; i++)
        try_name(xlc_xl_names[i].name);
    for (unsigned int i = 0; i < xfs_nr_features; i++)
        if (xlc_xl_feature_name(xfs_features[i].value, buf, sizeof(buf)))
            try_name(buf);
    /* libxl must have accepted at least our table and feature list. */
    assert_true(libxl_names >= xlc_xl_nr_names + xfs_nr_features);
    print_message("names: %zu strings from libxenlight, %lu accepted names "
                  "compared with 5 values each\n", n, libxl_names);
}

/* Hand-picked quirks (see xl-cpuid-parse.c and xl-cpuid-xend.c). */
static void quirks(void **state)
{
    static const char *const forms[] = {
        "host", "", ",,,", "host,,", "hosts,sse3=1", "HOST", ",host,sse3=0",
        "host,sse3", "host,sse3=", "host,sse3=z", "host,sse3=2",
        "host,sse3=3", "host,sse3=-1", "host,sse3= 1", "host,sse3=1abc",
        "host,sse3=xyz", "host,sse3=0x", "host,sse3=010", "host,SSE3=1",
        "host,sse4-1=1", "host,sse4_1=1,sse4.1=0", "host,=1", "host,a=b=c",
        "host,family=x", "host,family=15", "host,family=16",
        "host,family=31", "host,family=0x10f", "host,family=300",
        "host,family=-1", "host,model=0x5e", "host,model=k",
        "host,stepping=0x1f", "host,maxleaf=0xd", "host,maxhvleaf=0x1ff",
        "host,procpkg=63", "host,nc=7,apicidsize=4", "host,clflush=8",
        "host,clfsh=0", "host,rfds-no=1", "host,rfds-no=s",
        "host,rfds-no=10", "host,rfds-no=", "host,rfds-no=z,sse3=1",
        "host,arch-caps=1,rfds-no=0,gds-no=k,its-no=1",
        "host,tm=0,sse3=0", "host,sse3=0,sse3=1,pclmulqdq=k",
        "host,lfence+=1", "host,svm_npt=0", "host,arat=1,cntxid=1",
        "host,sse3=1,bogus=1,fma=1", "host,avx2=0,,,avx=0",
    };
    static const char *const xends[] = {
        "1:eax=zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz",
        "1:eaxjunk=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "1:eax,ebx=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx1",
        "-1:eax=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "0xffffffff:ebx=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx,efx=1",
        "7,-1:", "7,0:", "1:", "1:eax=1", "1:efx=1", "1,x:", "x", "1 :",
        " 1:", "+1:", "0x100000001:", "010:", "1:e", "1:ea", "1:eax",
        "1:ecx=0000000000000000000000000000000\"",
        "1:ecx=\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\",
        "1:ecx=\t\n\x01\x1f/\x7f\xc3\xa9xxxxxxxxxxxxxxxxxxxxxxx",
        "1:eax=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx,",
        "1:eax=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx, \n ebx=11111111111111111111111111111111",
        "1:eax=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx,\tebx=11111111111111111111111111111111",
        "1:eax=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx,eax=00000000000000000000000000000000",
        "1:eax=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx,ebx=0",
    };
    (void)state;
    for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++)
        same_libxl(forms[i]);
    for (size_t i = 0; i < sizeof(xends) / sizeof(xends[0]); i++)
        same_xend(&xends[i], 1);
    /* Two elements touching the same register: the later one wins. */
    const char *two[] = { "1:ecx=11111111111111111111111111111111",
                          "1:ecx=0000000000000000000000000000000k,"
                          "edx=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx1" };
    same_xend(two, 2);
    const char *bad2[] = { "7,0:ebx=11111111111111111111111111111111",
                           "7,0:ebx=1" };
    same_xend(bad2, 2);
}

/* man xl.cfg's xend examples. */
static void man_page_examples(void **state)
{
    static const char *const man[] = {
        "1:ecx=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx0,"
        "edx=xx0xxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "0x80000001:ecx=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "7,0:ebx=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
    };
    (void)state;
    for (size_t i = 0; i < sizeof(man) / sizeof(man[0]); i++)
        same_xend(&man[i], 1);
    same_xend(man, 3);
    same_libxl("host,tm=0,sse3=0");
}

/* ---- generated strings ---- */

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(uint32_t n)
{
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return (uint32_t)((rng * 0x2545f4914f6cdd1dull) >> 33) % n;
}

#define PICK(a) (a)[rnd(sizeof(a) / sizeof((a)[0]))]

static void random_name(char *out, size_t n)
{
    static const char *const extra[] = { "SSE3", "sse4-1", "bogus", "",
                                         "family ", "x", "sse3 " };
    char buf[40];
    int k = (int)rnd(10);

    if (k < 4)
        snprintf(out, n, "%s", xlc_xl_names[rnd(xlc_xl_nr_names)].name);
    else if (k < 9 && xlc_xl_feature_name(
                          xfs_features[rnd(xfs_nr_features)].value, buf,
                          sizeof(buf)))
        snprintf(out, n, "%s", buf);
    else
        snprintf(out, n, "%s", PICK(extra));
}

static void random_value(char *out, size_t n)
{
    static const char *const vals[] = {
        "0", "1", "x", "k", "s", "2", "3", "-1", " 1", "0x1f", "z", "",
        "1abc", "xyz", "010", "08", "0x", "16", "31", "255", "300",
        "0xffffffff", "99999999999999999999", "+7", "s1", "kk", "1 ",
        "\t0",
    };
    if (rnd(4) == 0)
        snprintf(out, n, "%u", rnd(1u << rnd(12)));
    else
        snprintf(out, n, "%s", PICK(vals));
}

static void gen_libxl_form(char *out, size_t n)
{
    static const char *const first[] = { "host", "host", "host", "host",
                                         "hosts", "", "HOST", "host,,," };
    size_t len = (size_t)snprintf(out, n, "%s", PICK(first));
    unsigned int items = rnd(6);

    for (unsigned int i = 0; i < items && len + 80 < n; i++) {
        char name[48], val[48];
        random_name(name, sizeof(name));
        random_value(val, sizeof(val));
        int shape = (int)rnd(12);
        if (shape == 0)   /* no '=' */
            len += (size_t)snprintf(out + len, n - len, ",%s", name);
        else if (shape == 1)
            len += (size_t)snprintf(out + len, n - len, ",,%s=%s", name, val);
        else
            len += (size_t)snprintf(out + len, n - len, ",%s=%s", name, val);
    }
}

static void random_mask(char *out, size_t n)
{
    static const char chars[] = "01xksxxx01";
    static const char odd[] = "z\"\\\n\t=: ";
    static const unsigned int lens[] = { 32, 32, 32, 32, 32, 31, 33, 0, 1 };
    unsigned int len = PICK(lens);

    if (len >= n)
        len = (unsigned int)n - 1;
    for (unsigned int i = 0; i < len; i++)
        out[i] = rnd(50) ? chars[rnd(sizeof(chars) - 1)]
                         : odd[rnd(sizeof(odd) - 1)];
    out[len] = '\0';
}

static void gen_xend(char *out, size_t n)
{
    static const char *const leaves[] = {
        "1", "0x1", "7,0", "7,1", "0xd,1", "0x80000001", "0x80000008", "6",
        "-1", "0xffffffff", "x", "1,", "1 ", " 1", "7,-1", "010", "1,0x",
        "0x40000000", "7, 0", "",
    };
    static const char *const regs[] = { "eax", "ebx", "ecx", "edx", "eax",
                                         "efx", "ea", "e", "fax", "eaxyz",
                                         "Eax", "edx " };
    static const char *const seps[] = { ",", ",", ", ", ",\n", ",\t", "" };
    size_t len = (size_t)snprintf(out, n, "%s%s", PICK(leaves),
                                  rnd(15) ? ":" : ";");
    unsigned int nr = rnd(4);

    for (unsigned int i = 0; i < nr && len + 100 < n; i++) {
        char mask[40];
        random_mask(mask, sizeof(mask));
        len += (size_t)snprintf(out + len, n - len, "%s%s%s%s",
                                i ? PICK(seps) : "", PICK(regs),
                                rnd(20) ? "=" : "", mask);
    }
    if (rnd(10) == 0 && len + 2 < n)
        snprintf(out + len, n - len, ",");
}

static void generated_strings(void **state)
{
    char a[512], b[512];
    (void)state;
    unsigned long before = compared, acc = accepted;

    for (int i = 0; i < 6000; i++) {
        gen_libxl_form(a, sizeof(a));
        same_libxl(a);
    }
    for (int i = 0; i < 6000; i++) {
        gen_xend(a, sizeof(a));
        if (rnd(4) == 0) {
            gen_xend(b, sizeof(b));
            const char *two[] = { a, b };
            same_xend(two, 2);
        } else {
            const char *one[] = { a };
            same_xend(one, 1);
        }
    }
    print_message("generated: %lu strings, %lu accepted by libxl\n",
                  compared - before, accepted - acc);
    assert_true(compared - before >= 10000);
    assert_true(accepted - acc >= 2000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_name_every_value),
        cmocka_unit_test(quirks),
        cmocka_unit_test(man_page_examples),
        cmocka_unit_test(generated_strings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
