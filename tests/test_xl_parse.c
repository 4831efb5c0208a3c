/* SPDX-License-Identifier: MIT */
/*
 * The libxl quirks our parsers reproduce, one by one, with the list each
 * one yields (as libxl's JSON), the note recorded for the surprising ones
 * and the message for the refused ones.  test_xl_differential.c checks
 * the same behaviour against libxenlight wholesale; this file pins it
 * down so that a change is visible by name.
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

#include "libxl_cpuid/xl-cpuid.h"

#define X32 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
#define X64 X32 X32

struct outcome {
    int r, rc;
    char *json;
    char msg[XLC_ERROR_MSG_MAX];
    char notes[2048];
};

static void collect(struct outcome *o, struct xlc_xl_list *l, int r,
                    const xlc_error *err)
{
    size_t used = 0;

    o->r = r;
    o->json = xlc_xl_list_json(l);
    snprintf(o->msg, sizeof(o->msg), "%s", r ? err->msg : "");
    o->notes[0] = '\0';
    for (size_t i = 0; i < l->nr_notes; i++)
        used += (size_t)snprintf(o->notes + used, sizeof(o->notes) - used,
                                 "%s%s", i ? "\n" : "", l->notes[i]);
    xlc_xl_list_free(l);
}

static struct outcome item(const char *s)
{
    struct xlc_xl_list l = XLC_XL_LIST_INIT;
    xlc_error err = { 0 };
    struct outcome o;
    int r = xlc_xl_parse_config(&l, s, &o.rc, &err);

    collect(&o, &l, r, &err);
    return o;
}

static struct outcome xend(const char *s)
{
    struct xlc_xl_list l = XLC_XL_LIST_INIT;
    xlc_error err = { 0 };
    struct outcome o;
    int r = xlc_xl_parse_config_xend(&l, s, &o.rc, &err);

    collect(&o, &l, r, &err);
    return o;
}

static struct outcome string(const char *s)
{
    struct xlc_xl_list l = XLC_XL_LIST_INIT;
    xlc_error err = { 0 };
    struct outcome o;
    int r = xlc_xl_parse_string(&l, s, &err);

    o.rc = -1;
    collect(&o, &l, r, &err);
    return o;
}

/* Check verdict, libxl's number, JSON, and a piece of message or note. */
#define CHECK(o, want_rc, want_json, want_text)                               \
    do {                                                                      \
        struct outcome o_ = (o);                                              \
        if (o_.rc >= 0)                                                       \
            assert_int_equal(o_.rc, (want_rc));                               \
        assert_int_equal(o_.r, (want_rc) ? -EINVAL : 0);                      \
        assert_string_equal(o_.json, (want_json));                            \
        if (*(want_text) && !strstr(o_.msg, (want_text)) &&                   \
            !strstr(o_.notes, (want_text)))                                   \
            fail_msg("'%s' in neither '%s' nor '%s'", (want_text), o_.msg,    \
                     o_.notes);                                               \
        if (!*(want_text))                                                    \
            assert_string_equal(o_.notes, "");                                \
        free(o_.json);                                                        \
    } while (0)

#define EMPTY "{\"cpuid\":[],\"msr\":[]}"
#define L7(ebx) "{\"cpuid\":[{\"leaf\":7,\"subleaf\":0" ebx "}],\"msr\":[]}"
#define L1(reg, m) "{\"cpuid\":[{\"leaf\":1,\"" reg "\":\"" m "\"}],\"msr\":[]}"
#define MSR(p) "{\"cpuid\":[],\"msr\":[{\"index\":266,\"policy\":\"" p "\"}]}"
#define AVX2(c) L7(",\"ebx\":\"xxxxxxxxxxxxxxxxxxxxxxxxxx" c "xxxxx\"")

static void test_values(void **state)
{
    (void)state;
    CHECK(item("avx2=0"), 0, AVX2("0"), "");
    CHECK(item("avx2=1"), 0, AVX2("1"), "");
    CHECK(item("avx2=x"), 0, AVX2("x"), "");
    CHECK(item("avx2=k"), 0, AVX2("k"), "");
    CHECK(item("avx2=s"), 0, AVX2("s"), "");
    /* A number: its low bit, whatever it is. */
    CHECK(item("avx2=2"), 0, AVX2("0"),
          "2 does not fit avx2's 1 bit; libxl keeps the low bits (0)");
    CHECK(item("avx2=3"), 0, AVX2("1"), "keeps the low bits (1)");
    CHECK(item("avx2=-1"), 0, AVX2("1"), "does not fit");
    CHECK(item("avx2=0x1"), 0, AVX2("1"), "");
    CHECK(item("avx2= 1"), 0, AVX2("1"), "");
    CHECK(item("avx2=1abc"), 0, AVX2("1"),
          "libxl reads the number 1 and ignores the rest");
    CHECK(item("avx2=xyz"), 0, AVX2("x"),
          "only the first character of the value counts ('x')");
    /* Refused values leave libxl's entry behind. */
    CHECK(item("avx2=X"), 3, L7(""), "bad value: expected 0, 1, x, k or s");
    CHECK(item("avx2="), 3, L7(""), "bad value");
    CHECK(item("avx2==1"), 3, L7(""), "bad value");
    CHECK(item("family=q"), 3, "{\"cpuid\":[{\"leaf\":1}],\"msr\":[]}",
          "expected a number, x, k or s");
}

static void test_names(void **state)
{
    (void)state;
    CHECK(item("avx2"), 1, EMPTY, "missing '=' (expected NAME=VALUE)");
    CHECK(item("=1"), 2, EMPTY, "unknown name");
    CHECK(item("AVX2=1"), 2, EMPTY, "did you mean 'avx2'?");
    CHECK(item(" avx2=1"), 2, EMPTY, "unknown name");
    CHECK(item("avx2 =1"), 2, EMPTY, "unknown name");
    CHECK(item("pni=1"), 2, EMPTY, "did you mean 'sse3'?");
    CHECK(item("lahf_lm=0"), 2, EMPTY, "did you mean 'lahf-lm'?");
    /* Legacy spellings next to Xen's. */
    CHECK(item("sse4_1=0"), 0, L1("ecx", "xxxxxxxxxxxx0xxxxxxxxxxxxxxxxxxx"),
          "");
    CHECK(item("sse4.1=0"), 0, L1("ecx", "xxxxxxxxxxxx0xxxxxxxxxxxxxxxxxxx"),
          "");
    CHECK(item("sse4-1=0"), 0, L1("ecx", "xxxxxxxxxxxx0xxxxxxxxxxxxxxxxxxx"),
          "");
    /* "clflush" is the line size field; the flag is "clfsh". */
    CHECK(item("clflush=8"), 0, L1("ebx", "xxxxxxxxxxxxxxxx00001000xxxxxxxx"),
          "the CLFLUSH feature flag is 'clfsh'");
    CHECK(item("clfsh=0"), 0, L1("edx", "xxxxxxxxxxxx0xxxxxxxxxxxxxxxxxxx"),
          "");
}

static void test_fields(void **state)
{
    (void)state;
    CHECK(item("family=6"), 0, L1("eax", "xxxx00000000xxxxxxxx0110xxxxxxxx"),
          "");
    CHECK(item("family=15"), 0, L1("eax", "xxxx00000000xxxxxxxx1111xxxxxxxx"),
          "");
    CHECK(item("family=0x17"), 0,
          L1("eax", "xxxx00001000xxxxxxxx1111xxxxxxxx"), "");
    /* Bit 7 of the value leaks into the extended family. */
    CHECK(item("family=130"), 0, L1("eax", "xxxx11110011xxxxxxxx1111xxxxxxxx"),
          "libxl encodes this as family 258");
    CHECK(item("family=x"), 0, L1("eax", "xxxx00000000xxxxxxxxxxxxxxxxxxxx"),
          "also sets the extended family (eax[27:20]) to 0");
    CHECK(item("model=0x5e"), 0, L1("eax", "xxxxxxxxxxxx0101xxxxxxxx1110xxxx"),
          "");
    CHECK(item("stepping=0x13"), 0,
          L1("eax", "xxxxxxxxxxxxxxxxxxxxxxxxxxxx0011"), "does not fit");
    CHECK(item("proccount=300"), 0,
          L1("ebx", "xxxxxxxx00101100xxxxxxxxxxxxxxxx"),
          "300 does not fit proccount's 8 bits; libxl keeps the low bits "
          "(44)");
    CHECK(item("maxleaf=0xd"), 0,
          "{\"cpuid\":[{\"leaf\":0,\"eax\":\"00000000000000000000000000001101\"}"
          "],\"msr\":[]}", "");
    CHECK(item("procpkg=k"), 0,
          "{\"cpuid\":[{\"leaf\":4,\"subleaf\":0,\"eax\":\"kkkkkk"
          "xxxxxxxxxxxxxxxxxxxxxxxxxx\"}],\"msr\":[]}", "");
}

static void test_msr_names(void **state)
{
    (void)state;
    CHECK(item("rdcl-no=1"), 0, MSR("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
                                    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx1"), "");
    /* 's' is stored as 'k', which libxc's MSR masks know. */
    CHECK(item("its-no=s"), 0, MSR("xkxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
                                   "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"), "");
    /* No numbers for MSR bits, and the all-'x' entry stays. */
    CHECK(item("rdcl-no=2"), 3, MSR(X64), "an MSR_ARCH_CAPS bit takes");
    CHECK(item("rdcl-no=0x1"), 3, MSR(X64), "exactly one character");
    CHECK(item("rdcl-no="), 3, MSR(X64), "");
}

#define XL(leaf, body) "{\"cpuid\":[{\"leaf\":" leaf body "}],\"msr\":[]}"

static void test_xend(void **state)
{
    (void)state;
    CHECK(xend("1:ecx=" X32 ",edx=" X32), 0,
          XL("1", ",\"ecx\":\"" X32 "\",\"edx\":\"" X32 "\""), "");
    CHECK(xend("0x80000001:ecx=" X32), 0,
          XL("2147483649", ",\"ecx\":\"" X32 "\""), "");
    CHECK(xend("7,0:ebx=" X32 ", \n ecx=" X32 ","), 0,
          XL("7", ",\"subleaf\":0,\"ebx\":\"" X32 "\",\"ecx\":\"" X32 "\""),
          "");
    /* Numbers as strtoul reads them. */
    CHECK(xend("010:eax=" X32), 0, XL("8", ",\"eax\":\"" X32 "\""),
          "leaf '010' is octal to libxl: 8");
    CHECK(xend("0x100000001:eax=" X32), 0, XL("1", ",\"eax\":\"" X32 "\""),
          "cut to 32 bits by libxl: 0x1");
    CHECK(xend("7,-1:eax=" X32), 0, XL("7", ",\"eax\":\"" X32 "\""),
          "subleaf 0xffffffff means 'no subleaf'");
    CHECK(xend("-1:eax=" X32), 0, EMPTY, "end-of-list marker; the entry is "
                                         "lost");
    CHECK(xend("  +1:eax=" X32), 0, XL("1", ",\"eax\":\"" X32 "\""), "");
    /* Entries appear before the registers are checked. */
    CHECK(xend("1:"), 0, XL("1", ""), "");
    CHECK(xend("1:eax=short"), 5, XL("1", ""),
          "the eax mask starting at position 7 is 5 characters long; it "
          "must be exactly 32");
    CHECK(xend("1:eax=" X32 ",efx=" X32), 4,
          XL("1", ",\"eax\":\"" X32 "\""),
          "bad register name at position 40: expected eax, ebx, ecx or edx");
    CHECK(xend("1:eax"), 4, XL("1", ""), "no '=' after the register name at "
                                         "position 3");
    CHECK(xend("1:e"), 4, XL("1", ""), "bad register name at position 3");
    CHECK(xend("1:EAX=" X32), 4, XL("1", ""), "bad register name");
    CHECK(xend("1:eax=" X32 ",,ebx=" X32), 4,
          XL("1", ",\"eax\":\"" X32 "\""), "position 40");
    CHECK(xend("1:eax= " X32), 5, XL("1", ""), "is 33 characters long");
    /* The register is read from 3 characters; up to '=' is skipped. */
    CHECK(xend("1:eax,ebx=" X32), 0, XL("1", ",\"eax\":\"" X32 "\""),
          "libxl takes the register from 'eax' and ignores the text up to "
          "the '=' at position 10");
    CHECK(xend("1:eax=" X32 ",eax=" "00000000000000000000000000000000"), 0,
          XL("1", ",\"eax\":\"00000000000000000000000000000000\""),
          "eax of leaf 0x1 was given before; the last mask wins");
    /* Mask characters are not checked by libxl. */
    CHECK(xend("1:eax=zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz"), 0,
          XL("1", ",\"eax\":\"zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz\""),
          "eax mask character 'z' at position 7 (bit 31) is not 0, 1, x, k "
          "or s: libxl keeps it, libxc refuses it");
    CHECK(xend("1:eax=\"\\\t\x01" "xxxxxxxxxxxxxxxxxxxxxxxxxxxx"), 0,
          XL("1", ",\"eax\":\"\\\"\\\\\\t\\u0001xxxxxxxxxxxxxxxxxxxxxxxxxxxx\""),
          "character '\"' at position 7");
    /* Refusals before the ':'. */
    CHECK(xend("1"), 3, EMPTY, "missing ':' after the leaf number: the item "
                               "ends at position 2");
    CHECK(xend("1;eax=" X32), 3, EMPTY, "found ';' at position 2");
    CHECK(xend("0x:eax=" X32), 3, EMPTY, "found 'x' at position 2");
    CHECK(xend("1 :eax=" X32), 3, EMPTY, "found ' ' at position 2");
    CHECK(xend(",1:eax=" X32), 1, EMPTY, "no leaf number at position 1");
    CHECK(xend(""), 1, EMPTY, "no leaf number");
    CHECK(xend("1,:eax=" X32), 2, EMPTY, "no subleaf number after the ',' at "
                                         "position 2");
}

static void test_strings(void **state)
{
    (void)state;
    CHECK(string(""), 0, EMPTY, "");
    CHECK(string(",,,"), 0, EMPTY, "");
    CHECK(string("host"), 0, EMPTY, "");
    CHECK(string(",host,,avx2=0,"), 0, AVX2("0"), "");
    CHECK(string("Host,avx2=0"), 2, EMPTY,
          "the first item must be 'host', not 'Host'");
    CHECK(string("avx2=0"), 2, EMPTY, "not 'avx2=0'");
    /* xl carries on after a refused item: so does the list. */
    CHECK(string("host,avx2=0, sse3=0,bogus,avx2=1"), 2, AVX2("1"),
          "2 items refused (xl would print a warning and build the guest "
          "without them):\n  item at offset 12: ' sse3=0': unknown name");
    CHECK(string("host,avx2=0, sse3=0,bogus,avx2=1"), 2, AVX2("1"),
          "item at offset 20: 'bogus': missing '='");
    /* Later items override earlier ones on the same bits. */
    CHECK(string("host,avx2=0,avx2=1"), 0, AVX2("1"),
          "'avx2=1' (offset 12) overrides 'avx2=0' (offset 5)");
    CHECK(string("host,sse4_1=0,sse4-1=1"), 0,
          L1("ecx", "xxxxxxxxxxxx1xxxxxxxxxxxxxxxxxxx"), "overrides");
    CHECK(string("host,family=6,model=0x5e"), 0,
          L1("eax", "xxxx000000000101xxxx01101110xxxx"), "overrides");
    assert_true(xlc_xl_is_libxl_form("host,avx=0"));
    assert_true(xlc_xl_is_libxl_form(",host"));
    assert_true(xlc_xl_is_libxl_form(""));
    assert_false(xlc_xl_is_libxl_form("hostile=1"));
    assert_false(xlc_xl_is_libxl_form("1:eax=" X32));
}

/* A list of several items keeps libxl's first-touch order. */
static void test_merge_order(void **state)
{
    struct xlc_xl_list l = XLC_XL_LIST_INIT, c;
    xlc_error err = { 0 };
    char *j;

    (void)state;
    assert_int_equal(xlc_xl_parse_string(&l, "host,rdcl-no=0,sse3=0,avx2=0,"
                                             "lahf-lm=0,fpu=1", &err), 0);
    j = xlc_xl_list_json(&l);
    assert_string_equal(j,
        "{\"cpuid\":[{\"leaf\":1,\"ecx\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx0\","
        "\"edx\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx1\"},{\"leaf\":7,"
        "\"subleaf\":0,\"ebx\":\"xxxxxxxxxxxxxxxxxxxxxxxxxx0xxxxx\"},"
        "{\"leaf\":2147483649,\"ecx\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx0\"}],"
        "\"msr\":[{\"index\":266,\"policy\":\"" X32
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx0\"}]}");
    free(j);
    assert_int_equal(xlc_xl_list_copy(&c, &l, &err), 0);
    j = xlc_xl_list_json(&c);
    assert_non_null(strstr(j, "2147483649"));
    assert_non_null(xlc_xl_list_find(&c, 7, 0));
    assert_null(xlc_xl_list_find(&c, 7, XLC_XL_NO_SUBLEAF));
    assert_non_null(xlc_xl_list_find_msr(&c, 0x10a));
    free(j);
    xlc_xl_list_free(&c);
    xlc_xl_list_free(&l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_values),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_fields),
        cmocka_unit_test(test_msr_names),
        cmocka_unit_test(test_xend),
        cmocka_unit_test(test_strings),
        cmocka_unit_test(test_merge_order),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
