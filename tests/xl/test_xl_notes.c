/* SPDX-License-Identifier: MIT */
/*
 * Notes on what libxl accepts silently: each quirk a user could hit gives
 * its note (and the list really is what the note says, checked against
 * libxenlight's own JSON); a clean string gives none, refused items give
 * none (their error says it all).
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
#include "libxl_cpuid/xl/xl-cpuid-notes.h"
#include "libxl_cpuid/xl/xl-cpuid.h"

#define X32 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"

static void all_notes(const struct xlc_xl_notes *n, char *buf, size_t size)
{
    size_t used = 0;

    buf[0] = '\0';
    for (size_t i = 0; i < n->nr && used < size; i++)
        used += (size_t)snprintf(buf + used, size - used, "%s\n", n->v[i]);
}

/* Notes on s (libxl form) hold every expected piece, in order. */
static void libxl_notes(const char *s, const char *const *want, size_t nr)
{
    struct xlc_xl_notes n;
    xlc_error err = { 0 };
    char buf[4096], *at = buf;

    assert_int_equal(xlc_xl_notes_libxl(s, &n, &err), 0);
    all_notes(&n, buf, sizeof(buf));
    assert_int_equal(n.nr, nr);
    for (size_t i = 0; i < nr; i++) {
        char *p = strstr(at, want[i]);

        if (!p)
            fail_msg("'%s': no note '%s' in:\n%s", s, want[i], buf);
        at = p + strlen(want[i]);
    }
    xlc_xl_notes_free(&n);
}

static void xend_notes(const char *const *items, size_t nr_items,
                       const char *const *want, size_t nr)
{
    struct xlc_xl_notes n;
    xlc_error err = { 0 };
    char buf[4096];

    assert_int_equal(xlc_xl_notes_xend(items, nr_items, &n, &err), 0);
    all_notes(&n, buf, sizeof(buf));
    if (n.nr != nr)
        fail_msg("%zu notes, want %zu:\n%s", n.nr, nr, buf);
    for (size_t i = 0; i < nr; i++)
        if (!strstr(buf, want[i]))
            fail_msg("no note '%s' in:\n%s", want[i], buf);
    xlc_xl_notes_free(&n);
}

#define WANT(...) (const char *const[]){ __VA_ARGS__ }, \
    sizeof((const char *const[]){ __VA_ARGS__ }) / sizeof(const char *)

/* libxl's own list says what the note says. */
static void libxl_json_has(const char *s, const char *piece)
{
    struct xo_result r;

    xo_libxl_form(s, &r);
    assert_int_equal(r.rc, 0);
    if (!strstr(r.json, piece))
        fail_msg("'%s': libxl's list %s lacks %s", s, r.json, piece);
    free(r.json);
}

static void test_libxl_form(void **state)
{
    (void)state;
    libxl_notes("host,avx2=2", WANT("'avx2=2': 2 does not fit 1 bit; libxl "
                                    "keeps the low bits (0)"));
    libxl_json_has("host,avx2=2", "\"ebx\":\"xxxxxxxxxxxxxxxxxxxxxxxxxx0xxxxx\"");
    libxl_notes("host,avx2=1abc", WANT("libxl reads the number 1 and ignores "
                                       "'abc'"));
    libxl_notes("host,avx2=xyz", WANT("only the first character of the value "
                                      "counts ('x')"));
    libxl_notes("host,proccount=300", WANT("300 does not fit 8 bits; libxl "
                                           "keeps the low bits (44)"));
    libxl_json_has("host,proccount=300", "xxxxxxxx00101100xxxxxxxxxxxxxxxx");
    libxl_notes("host,family=130", WANT("libxl encodes this as family 258"));
    libxl_json_has("host,family=130", "xxxx11110011xxxxxxxx1111xxxxxxxx");
    libxl_notes("host,family=x", WANT("sets the extended family (eax[27:20]) "
                                      "to 0"));
    libxl_json_has("host,family=x", "xxxx00000000xxxxxxxxxxxxxxxxxxxx");
    libxl_notes("host,clflush=1", WANT("the CLFLUSH feature flag is 'clfsh'"));
    libxl_notes("host,avx2=0,avx2=1", WANT("'avx2=1' overrides the earlier "
                                           "'avx2=0'"));
    libxl_notes("host,sse4_1=0,sse4-1=1", WANT("overrides"));
    libxl_notes("host,family=6,family=7", WANT("overrides"));
    libxl_notes("host,brandid=1,clflush=8,proccount=2,localapicid=3", WANT(
                "the CLFLUSH feature flag is 'clfsh'"));
    libxl_notes("host,maxleaf=0x1ffffffff", WANT("does not fit 32 bits"));
    /* Quiet: exact values, distinct bits, MSR letters, refused items. */
    libxl_notes("host,avx2=0,sse3=1,family=0x17,model=0x5e,stepping=3,"
                "rdcl-no=s,its-no=0,lahfsahf=k,tm=x", NULL, 0);
    libxl_notes("host,bogus=2,avx2=q,rdcl-no=2", NULL, 0);
    libxl_notes("hostile,avx2=2", NULL, 0);
    libxl_notes("", NULL, 0);
}

static void test_xend_form(void **state)
{
    static const char *const octal[] = { "010:eax=" X32 };
    static const char *const wide[] = { "0x100000001:eax=" X32 };
    static const char *const end[] = { "-1:eax=" X32 };
    static const char *const nosub[] = { "7,-1:eax=" X32 };
    static const char *const junk[] = { "1:eax,ebx=" X32 };
    static const char *const twice[] = { "1:eax=" X32, "1:ebx=" X32,
                                         "1:eax=" X32 };
    static const char *const clean[] = {
        "1:ecx=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx0,edx=xx0xxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "0x80000001:ecx=" X32, "7,0:ebx=" X32 ", \n ecx=" X32 ",", "1:",
        "0:eax=" X32, "7,1:eax=" X32, "bad", "1:eax=short",
    };

    (void)state;
    xend_notes(octal, 1, WANT("the leaf '010' is octal to libxl (8)"));
    xend_notes(wide, 1, WANT("the leaf '0x100000001' is cut to 32 bits by "
                             "libxl (0x1)"));
    xend_notes(end, 1, WANT("cut to 32 bits", "leaf 0xffffffff is libxl's "
                            "end-of-list marker; libxl loses this entry"));
    xend_notes(nosub, 1, WANT("the subleaf '-1' is cut", "subleaf 0xffffffff "
                              "means 'no subleaf' to libxl"));
    xend_notes(junk, 1, WANT("libxl takes the register from 'eax' and "
                             "ignores ',ebx'"));
    xend_notes(twice, 3, WANT("eax was given before; libxl keeps the last "
                              "mask"));
    xend_notes(clean, sizeof(clean) / sizeof(*clean), NULL, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_libxl_form),
        cmocka_unit_test(test_xend_form),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
