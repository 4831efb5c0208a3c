/* SPDX-License-Identifier: MIT */
/*
 * libvirt's Hyper-V elements for Xen and back (libvirt-hyperv.h), with
 * libvirt 9 itself (its test driver and schema, helpers/libvirt-oracle.h)
 * judging the XML: what we call bad input libvirt refuses too, what we
 * refuse for Xen's sake libvirt accepts, and every description we write
 * for a Xen setting is a domain libvirt defines, whose own rendering
 * translates back to the same enlightenments.
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

#include "../helpers/libvirt-oracle.h"
#include "libxl_cpuid/viridian/libvirt-hyperv.h"

#define G(x) XLC_VIRIDIAN_BIT(XLC_VIRIDIAN_##x)

/* (not inlined: gcc 12 then mistakes the result for a dangling pointer) */
__attribute__((noinline)) static char *domain(const char *features,
                                              const char *clock,
                                              const char *devices)
{
    static unsigned int n;
    char *s;

    assert_true(asprintf(&s, "<domain type='test'><name>viridian%u</name>"
                         "<memory>524288</memory><os><type>hvm</type></os>"
                         "%s<clock offset='utc'>%s</clock><devices>%s"
                         "</devices></domain>", n++, features, clock,
                         devices) > 0);
    return s;
}

static void translate(const char *xml, struct xlc_hyperv_translation *t)
{
    xlc_error err = { 0 };

    if (xlc_hyperv_translate("test.xml", xml, strlen(xml), t, &err))
        fail_msg("%s\n%s", err.msg, xml);
}

static void libvirt_accepts(const char *xml)
{
    char *out, *error;

    if (!lvt_define(xml, &out, &error))
        fail_msg("libvirt refuses: %s\n%s", error, xml);
    free(out);
}

static int setup(void **state)
{
    (void)state;
    return lvt_available() ? 0 : -1;
}

static const struct xlc_hyperv_entry *entry(
    const struct xlc_hyperv_translation *t, const char *element)
{
    for (size_t i = 0; i < t->nr_entries; i++)
        if (!strcmp(t->entries[i].element, element))
            return &t->entries[i];
    fail_msg("no entry for %s", element);
    return NULL;
}

/* A Windows guest as libvirt users write it for QEMU. */
static void test_windows_domain(void **state)
{
    char *xml = domain(
        "<features><hyperv mode='custom'><relaxed state='on'/>"
        "<vapic state='on'/><spinlocks state='on' retries='8191'/>"
        "<vpindex state='on'/><synic state='on'/><stimer state='on'/>"
        "<frequencies state='on'/><tlbflush state='on'/><ipi state='on'/>"
        "</hyperv></features>",
        "<timer name='hypervclock' present='yes'/>",
        "<panic model='hyperv'/>");
    struct xlc_hyperv_translation t;

    (void)state;
    libvirt_accepts(xml);
    translate(xml, &t);
    assert_int_equal(t.nr_refused, 0);
    assert_int_equal(t.groups, XLC_VIRIDIAN_KNOWN & ~G(NO_VP_LIMIT) &
                                   ~G(CPU_HOTPLUG));
    assert_int_equal(t.param, 0x7fd);
    assert_string_equal(t.xl_setting, "[\"base\", \"freq\", "
                        "\"time_ref_count\", \"reference_tsc\", "
                        "\"hcall_remote_tlb_flush\", \"apic_assist\", "
                        "\"crash_ctl\", \"synic\", \"stimer\", \"hcall_ipi\", "
                        "\"ex_processor_masks\"]");
    assert_int_equal(entry(&t, "hyperv/spinlocks")->outcome,
                     XLC_HYPERV_NOTED);
    assert_non_null(strstr(entry(&t, "hyperv/spinlocks")->text, "8191"));
    assert_int_equal(entry(&t, "hyperv/vapic")->outcome, XLC_HYPERV_GIVEN);
    xlc_hyperv_translation_free(&t);
    free(xml);
}

/* Valid for libvirt 9.0, impossible for Xen 4.17: refused by name. */
static const char *const unprovidable[] = {
    "<runtime state='on'/>", "<reset state='on'/>",
    "<reenlightenment state='on'/>", "<evmcs state='on'/>",
    "<avic state='on'/>", "<vendor_id state='on' value='KVMKVMKVM'/>",
    "<stimer state='on'><direct state='on'/></stimer>",
};

static void test_refused_by_name(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(unprovidable) / sizeof(*unprovidable);
         i++) {
        char inner[200], *xml;
        struct xlc_hyperv_translation t;
        size_t refused = 0;

        snprintf(inner, sizeof(inner), "<features><hyperv><vpindex "
                 "state='on'/>%s</hyperv></features>", unprovidable[i]);
        xml = domain(inner, "", "");
        libvirt_accepts(xml);
        translate(xml, &t);
        assert_int_equal(t.nr_refused, 1);
        for (size_t k = 0; k < t.nr_entries; k++)
            if (t.entries[k].outcome == XLC_HYPERV_REFUSED) {
                refused++;
                assert_non_null(strstr(unprovidable[i],
                                       strrchr(t.entries[k].element, '/') +
                                           1));
                assert_non_null(strstr(t.entries[k].text, "Xen"));
            }
        assert_int_equal(refused, 1);
        xlc_hyperv_translation_free(&t);
        free(xml);
    }
}

/* Off is always possible: nothing refused. */
static void test_off_never_refused(void **state)
{
    char *xml = domain("<features><hyperv><runtime state='off'/>"
                       "<reset state='off'/><evmcs state='off'/>"
                       "<avic state='off'/><relaxed state='off'/>"
                       "</hyperv></features>", "", "");
    struct xlc_hyperv_translation t;

    (void)state;
    libvirt_accepts(xml);
    translate(xml, &t);
    assert_int_equal(t.nr_refused, 0);
    assert_int_equal(t.groups, 0);
    assert_string_equal(t.xl_setting, "0");
    /* No base: relaxed off is simply true. */
    assert_int_equal(entry(&t, "hyperv/relaxed")->outcome, XLC_HYPERV_GIVEN);
    xlc_hyperv_translation_free(&t);
    free(xml);
}

static void test_noted(void **state)
{
    struct xlc_hyperv_translation t;

    (void)state;
    /* base keeps relaxed timing and the VP index MSR */
    translate("<hyperv><vpindex state='on'/><relaxed state='off'/>"
              "</hyperv>", &t);
    assert_int_equal(entry(&t, "hyperv/relaxed")->outcome,
                     XLC_HYPERV_NOTED);
    xlc_hyperv_translation_free(&t);
    /* stimer brings synic back */
    translate("<hyperv><stimer state='on'/><synic state='off'/></hyperv>",
              &t);
    assert_int_equal(t.groups, G(BASE) | G(STIMER));
    assert_true(t.param & XFS_HVMPV_SYNIC);
    assert_int_equal(entry(&t, "hyperv/synic")->outcome, XLC_HYPERV_NOTED);
    xlc_hyperv_translation_free(&t);
    /* <viridian/>: libxl's defaults; off elements take from them */
    translate("<features><viridian/><hyperv><frequencies state='off'/>"
              "<vapic state='off'/></hyperv></features>", &t);
    assert_true(t.viridian);
    assert_int_equal(t.groups, XLC_VIRIDIAN_DEFAULTS & ~G(FREQ) &
                                   ~G(APIC_ASSIST));
    xlc_hyperv_translation_free(&t);
    translate("<hyperv mode='passthrough'/>", &t);
    assert_int_equal(t.groups, XLC_VIRIDIAN_KNOWN);
    xlc_hyperv_translation_free(&t);
}

/* Bad input for us, and for libvirt too. */
static const char *const bad[] = {
    "<hyperv><foo state='on'/></hyperv>",
    "<hyperv><relaxed/></hyperv>",
    "<hyperv><relaxed state='yes'/></hyperv>",
    "<hyperv><relaxed state='on'/><relaxed state='on'/></hyperv>",
    "<hyperv><spinlocks state='on'/></hyperv>",
    "<hyperv><spinlocks state='on' retries='100'/></hyperv>",
    "<hyperv><vendor_id state='on'/></hyperv>",
    "<hyperv><vendor_id state='on' value='ThirteenChars'/></hyperv>",
    "<hyperv mode='passthrough'><relaxed state='on'/></hyperv>",
    "<hyperv mode='bogus'/>",
    "<hyperv><relaxed state='on' extra='1'/></hyperv>",
    "<hyperv><stimer state='on'><indirect state='on'/></stimer></hyperv>",
};

static void test_bad_input(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
        char features[300], *xml, *out, *error;
        struct xlc_hyperv_translation t;
        xlc_error err = { 0 };

        snprintf(features, sizeof(features), "<features>%s</features>",
                 bad[i]);
        xml = domain(features, "", "");
        if (xlc_hyperv_translate("bad.xml", xml, strlen(xml), &t, &err) !=
                -EINVAL ||
            !strstr(err.msg, "bad.xml:1"))
            fail_msg("accepted: %s (%s)", bad[i], err.msg);
        if (lvt_define(xml, &out, &error))
            fail_msg("libvirt accepts what we call bad input: %s", bad[i]);
        free(error);
        free(xml);
    }
}

static void test_not_a_definition(void **state)
{
    struct xlc_hyperv_translation t;
    xlc_error err = { 0 };
    const char *cpu = "<cpu><model>Haswell</model></cpu>";

    (void)state;
    assert_int_equal(xlc_hyperv_translate("x.xml", cpu, strlen(cpu), &t,
                                          &err), -EINVAL);
    assert_non_null(strstr(err.msg, "expected <domain>, <features> or "
                                    "<hyperv>"));
}

/* Which sets libvirt can say exactly (see libvirt-hyperv.h); s is what
 * the parameter holds (stimer comes with synic and time_ref_count). */
static bool expressible(xlc_viridian_set s)
{
    bool ex = s & G(EX_PROCESSOR_MASKS), time = s & G(TIME_REF_COUNT);
    bool tsc = s & G(REFERENCE_TSC);

    if (s & (G(NO_VP_LIMIT) | G(CPU_HOTPLUG)))
        return false;
    if (ex != !!(s & (G(HCALL_REMOTE_TLB_FLUSH) | G(HCALL_IPI))))
        return false;
    if (s & (G(HCALL_REMOTE_TLB_FLUSH) | G(HCALL_IPI)) && !ex)
        return false;
    if (tsc && !time)
        return false;
    return !(time && !tsc && !(s & G(STIMER)));
}

/* The part of a domain() after its numbered name. */
static const char *key(const char *xml)
{
    return strchr(xml + strlen("<domain type='test'><name>viridian"), '<');
}

static void test_describe_every_set(void **state)
{
    char **seen = calloc(XLC_VIRIDIAN_KNOWN + 1, sizeof(*seen));
    size_t nr_seen = 0;

    (void)state;
    for (xlc_viridian_set s = 0; s <= XLC_VIRIDIAN_KNOWN; s++) {
        uint64_t p = xlc_viridian_set_to_param(s);
        xlc_viridian_set held;
        struct xlc_hyperv_description d;
        struct xlc_hyperv_translation t;
        char *xml, *out, *error;
        bool known = false;

        if (s && !(s & G(BASE)))
            continue;
        assert_int_equal(xlc_viridian_param_to_set(p, &held, NULL, NULL), 0);
        assert_int_equal(xlc_hyperv_describe(p, 2047, &d, NULL), 0);
        xml = domain(d.features, d.clock_timer ? d.clock_timer : "",
                     d.panic ? d.panic : "");
        translate(xml, &t);
        assert_int_equal(t.nr_refused, 0);
        assert_int_equal(t.param, d.param_expressible);
        assert_int_equal(d.param_expressible == p, expressible(held));
        assert_int_equal(d.nr_notes > 1, !expressible(held));
        for (size_t i = 0; i < nr_seen && !known; i++)
            known = !strcmp(seen[i], key(xml));
        if (!known) {
            /* libvirt defines it, and its rendering means the same. */
            struct xlc_hyperv_translation back;

            if (!lvt_define(xml, &out, &error))
                fail_msg("libvirt refuses our description: %s\n%s", error,
                         xml);
            translate(out, &back);
            assert_int_equal(back.param, d.param_expressible);
            xlc_hyperv_translation_free(&back);
            free(out);
            seen[nr_seen++] = strdup(key(xml));
        }
        xlc_hyperv_translation_free(&t);
        xlc_hyperv_description_free(&d);
        free(xml);
    }
    print_message("%zu distinct descriptions checked by libvirt\n", nr_seen);
    for (size_t i = 0; i < nr_seen; i++)
        free(seen[i]);
    free(seen);
}

static void test_spinlock_count(void **state)
{
    struct xlc_hyperv_description d;
    struct xlc_hyperv_translation t;
    char *xml;

    (void)state;
    assert_int_equal(xlc_hyperv_describe(3, 8191, &d, NULL), 0);
    assert_non_null(strstr(d.features, "retries='8191'"));
    xml = domain(d.features, "", "");
    libvirt_accepts(xml);
    translate(xml, &t);
    assert_int_equal(t.param, 3);
    xlc_hyperv_translation_free(&t);
    xlc_hyperv_description_free(&d);
    free(xml);
    assert_int_equal(xlc_hyperv_describe(3, 2047, &d, NULL), 0);
    assert_null(strstr(d.features, "spinlocks"));
    assert_int_equal(d.nr_notes, 1);
    assert_non_null(strstr(d.notes[0], "4095"));
    xlc_hyperv_description_free(&d);
    /* Nothing at all, and what Xen would not hold. */
    assert_int_equal(xlc_hyperv_describe(0, 2047, &d, NULL), 0);
    assert_string_equal(d.features, "<features/>");
    xlc_hyperv_description_free(&d);
    assert_int_equal(xlc_hyperv_describe(2, 2047, &d, NULL), -EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_windows_domain),
        cmocka_unit_test(test_refused_by_name),
        cmocka_unit_test(test_off_never_refused),
        cmocka_unit_test(test_noted),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_not_a_definition),
        cmocka_unit_test(test_describe_every_set),
        cmocka_unit_test(test_spinlock_count),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
