/* SPDX-License-Identifier: MIT */
/*
 * libvirt <hyperv> (and <viridian/>, hypervclock, the Hyper-V panic
 * device) into Xen's viridian groups; see libvirt-hyperv.h for the table.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libvirt-hyperv.h"
#include "../libvirt/libvirt-xml.h"

#define G(x) XLC_VIRIDIAN_BIT(XLC_VIRIDIAN_##x)
#define BASE G(BASE)

/* What one element inside <hyperv mode='custom'> means for Xen. */
struct hv_feature {
    const char *name;
    xlc_viridian_set on, off;   /* groups for state='on' / 'off' */
    const char *refused;        /* on: why Xen cannot provide it */
    const char *stays;          /* off: what base keeps giving anyway */
    const char *attr;           /* the extra attribute it takes */
    const char *const *children; /* sub-elements it takes, all refused */
};

static const char *const stimer_children[] = { "direct", NULL };
static const char *const tlbflush_children[] = { "direct", "extended", NULL };

static const struct hv_feature features[] = {
    { "relaxed", BASE, 0, NULL,
      "Xen recommends relaxed timing whenever base is on", NULL, NULL },
    { "vapic", BASE | G(APIC_ASSIST), G(APIC_ASSIST), NULL,
      "the APIC access MSRs come with base and stay (only the assist "
      "page goes)", NULL, NULL },
    { "spinlocks", BASE, 0, NULL,
      "Xen reports a spinlock retry count whenever base is on", "retries",
      NULL },
    { "vpindex", BASE, 0, NULL,
      "the VP index MSR comes with base and stays", NULL, NULL },
    { "runtime", 0, 0, "Xen 4.17 has no VP runtime MSR", NULL, NULL, NULL },
    { "synic", BASE | G(SYNIC), G(SYNIC), NULL, NULL, NULL, NULL },
    { "stimer", BASE | G(STIMER), G(STIMER), NULL, NULL, NULL,
      stimer_children },
    { "reset", 0, 0, "Xen 4.17 has no reset MSR", NULL, NULL, NULL },
    { "vendor_id", BASE, 0, NULL, NULL, "value", NULL },
    { "frequencies", BASE | G(FREQ), G(FREQ), NULL, NULL, NULL, NULL },
    { "reenlightenment", 0, 0,
      "Xen 4.17 has no reenlightenment (TSC change notification) MSRs",
      NULL, NULL, NULL },
    { "tlbflush", BASE | G(HCALL_REMOTE_TLB_FLUSH) | G(EX_PROCESSOR_MASKS),
      G(HCALL_REMOTE_TLB_FLUSH), NULL, NULL, NULL, tlbflush_children },
    { "ipi", BASE | G(HCALL_IPI) | G(EX_PROCESSOR_MASKS), G(HCALL_IPI), NULL,
      NULL, NULL, NULL },
    { "evmcs", 0, 0, "Xen 4.17 has no enlightened VMCS", NULL, NULL, NULL },
    { "avic", 0, 0, "Xen 4.17 never recommends deprecating AutoEOI, which "
      "this enlightenment needs", NULL, NULL, NULL },
    { "emsr_bitmap", 0, 0, "Xen 4.17 has no enlightened MSR bitmap", NULL,
      NULL, NULL },
    { "xmm_input", 0, 0, "Xen 4.17 takes no hypercall input in XMM "
      "registers", NULL, NULL, NULL },
};
#define NR_FEATURES (sizeof(features) / sizeof(features[0]))

#define XEN_VENDOR_ID "Microsoft Hv"
#define LIBVIRT_MIN_RETRIES 4095u

struct parse {
    struct xlc_hyperv_translation *t;
    xlc_error *err;
};

const char *xlc_hyperv_outcome_name(enum xlc_hyperv_outcome o)
{
    switch (o) {
    case XLC_HYPERV_GIVEN: return "given";
    case XLC_HYPERV_NOTED: return "noted";
    case XLC_HYPERV_REFUSED: return "refused";
    }
    return "?";
}

static int oom(struct parse *p)
{
    return xlc_fail(p->err, ENOMEM, "out of memory");
}

static int add_entry(struct parse *p, const xmlNode *n, const char *element,
                     bool on, enum xlc_hyperv_outcome o,
                     xlc_viridian_set groups, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));

static int add_entry(struct parse *p, const xmlNode *n, const char *element,
                     bool on, enum xlc_hyperv_outcome o,
                     xlc_viridian_set groups, const char *fmt, ...)
{
    struct xlc_hyperv_translation *t = p->t;
    struct xlc_hyperv_entry *e;
    va_list ap;
    int rc;

    e = realloc(t->entries, (t->nr_entries + 1) * sizeof(*e));
    if (!e)
        return oom(p);
    t->entries = e;
    e += t->nr_entries;
    memset(e, 0, sizeof(*e));
    e->element = strdup(element);
    va_start(ap, fmt);
    rc = vasprintf(&e->text, fmt, ap);
    va_end(ap);
    if (!e->element || rc < 0) {
        free(e->element);
        return oom(p);
    }
    e->line = xlc_xml_line(n);
    e->on = on;
    e->outcome = o;
    e->groups = groups;
    t->nr_entries++;
    if (o == XLC_HYPERV_REFUSED)
        t->nr_refused++;
    if (on)
        t->on |= groups;
    else
        t->off |= groups;
    return 0;
}

/* state='on' or 'off', required. */
static int read_state(struct parse *p, const xmlNode *n, bool *on)
{
    static const char *const states[] = { "off", "on", NULL };
    int idx;

    if (!xlc_xml_attr(n, "state"))
        return xlc_xml_fail(p->err, EINVAL, n, "<%s> has no state "
                            "attribute (on or off)", (const char *)n->name);
    if (xlc_xml_enum(n, "state", states, 0, &idx, p->err))
        return -EINVAL;
    *on = idx == 1;
    return 0;
}

static int names_text(xlc_viridian_set s, char **out)
{
    struct xlc_buf b = XLC_BUF_INIT;

    xlc_viridian_set_names(&b, s, false);
    *out = xlc_buf_take(&b);
    return *out ? 0 : -ENOMEM;
}

static const struct hv_feature *find_feature(const char *name)
{
    for (size_t i = 0; i < NR_FEATURES; i++)
        if (!strcmp(features[i].name, name))
            return &features[i];
    return NULL;
}

/* <direct>/<extended> inside stimer or tlbflush: on is refused. */
static int sub_elements(struct parse *p, const xmlNode *n,
                        const struct hv_feature *f)
{
    unsigned int seen = 0;

    for (const xmlNode *c = xlc_xml_first(n); c; c = xlc_xml_next(c)) {
        static const char *const only_state[] = { "state", NULL };
        char element[64];
        unsigned int k;
        bool on;

        for (k = 0; f->children && f->children[k]; k++)
            if (xlc_xml_is(c, f->children[k]))
                break;
        if (!f->children || !f->children[k])
            return xlc_xml_fail(p->err, EINVAL, c, "<%s> inside <%s>: "
                                "libvirt knows no such element",
                                (const char *)c->name, f->name);
        if (seen & 1u << k)
            return xlc_xml_fail(p->err, EINVAL, c, "a second <%s> in <%s>",
                                f->children[k], f->name);
        seen |= 1u << k;
        if (xlc_xml_only_attrs(c, only_state, p->err) ||
            xlc_xml_no_content(c, p->err) || read_state(p, c, &on))
            return -EINVAL;
        snprintf(element, sizeof(element), "hyperv/%s/%s", f->name,
                 f->children[k]);
        if (add_entry(p, c, element, on,
                      on ? XLC_HYPERV_REFUSED : XLC_HYPERV_GIVEN, 0,
                      on ? "Xen 4.17 has no %s %s mode"
                         : "off: Xen 4.17 has no %s %s mode either",
                      f->name, f->children[k]))
            return -ENOMEM;
    }
    return 0;
}

static int spinlock_retries(struct parse *p, const xmlNode *n, bool on,
                            uint32_t *retries)
{
    bool present;

    if (xlc_xml_u32(n, "retries", false, retries, &present, p->err))
        return -EINVAL;
    if (on && !present)
        return xlc_xml_fail(p->err, EINVAL, n, "<spinlocks state='on'> "
                            "needs retries= (libvirt refuses it too)");
    if (on && *retries < LIBVIRT_MIN_RETRIES)
        return xlc_xml_fail(p->err, EINVAL, n, "<spinlocks retries='%u'>: "
                            "libvirt requires at least %u", *retries,
                            LIBVIRT_MIN_RETRIES);
    return 0;
}

static int vendor_value(struct parse *p, const xmlNode *n, bool on,
                        const char **value)
{
    *value = xlc_xml_attr(n, "value");
    if (on && !*value)
        return xlc_xml_fail(p->err, EINVAL, n, "<vendor_id state='on'> "
                            "needs value= (libvirt refuses it too)");
    if (*value && (strlen(*value) > 12 || strchr(*value, ',')))
        return xlc_xml_fail(p->err, EINVAL, n, "<vendor_id value='%s'>: "
                            "libvirt takes at most 12 characters, no ','",
                            *value);
    return 0;
}

/* The entry for one feature element, its outcome and words. */
static int feature_entry(struct parse *p, const xmlNode *n,
                         const struct hv_feature *f, bool on)
{
    char element[64], *groups = NULL;
    uint32_t retries = 0;
    const char *value = NULL;
    xlc_viridian_set s = on ? f->on : f->off;
    int rc = 0;

    snprintf(element, sizeof(element), "hyperv/%s", f->name);
    if (f->attr && !strcmp(f->attr, "retries"))
        rc = spinlock_retries(p, n, on, &retries);
    else if (f->attr)
        rc = vendor_value(p, n, on, &value);
    if (rc || names_text(s, &groups))
        return rc ? rc : oom(p);
    if (on && f->refused)
        rc = add_entry(p, n, element, on, XLC_HYPERV_REFUSED, 0, "%s",
                       f->refused);
    else if (on && value && strcmp(value, XEN_VENDOR_ID))
        rc = add_entry(p, n, element, on, XLC_HYPERV_REFUSED, 0,
                       "Xen's leaves always say '%s', not '%s'",
                       XEN_VENDOR_ID, value);
    else if (on && retries)
        rc = add_entry(p, n, element, on, XLC_HYPERV_NOTED, s,
                       "groups %s; the guest sees Xen's host-wide count "
                       "(viridian-spinlock-retry-count, 2047 unless set), "
                       "not %u", groups, retries);
    else if (on || s)
        rc = add_entry(p, n, element, on, XLC_HYPERV_GIVEN, s, "%s %s", on
                       ? "groups" : "off:", groups);
    else
        rc = add_entry(p, n, element, on, XLC_HYPERV_GIVEN, 0, "off: %s",
                       f->refused ? "Xen does not give it anyway"
                                  : "nothing to turn off by itself");
    free(groups);
    return rc;
}

static int parse_feature(struct parse *p, const xmlNode *n,
                         unsigned int *seen)
{
    const struct hv_feature *f = find_feature((const char *)n->name);
    const char *attrs[] = { "state", f ? f->attr : NULL, NULL };
    bool on;

    if (!f)
        return xlc_xml_fail(p->err, EINVAL, n, "<%s> inside <hyperv>: not "
                            "a Hyper-V enlightenment libvirt knows",
                            (const char *)n->name);
    if (*seen & 1u << (f - features))
        return xlc_xml_fail(p->err, EINVAL, n, "a second <%s> in <hyperv>",
                            f->name);
    *seen |= 1u << (f - features);
    if (xlc_xml_only_attrs(n, attrs, p->err) || read_state(p, n, &on))
        return -EINVAL;
    if (!f->children && xlc_xml_no_content(n, p->err))
        return -EINVAL;
    if (feature_entry(p, n, f, on))
        return -EINVAL;
    return f->children ? sub_elements(p, n, f) : 0;
}

static int parse_hyperv(struct parse *p, const xmlNode *n)
{
    static const char *const modes[] = { "custom", "passthrough", NULL };
    static const char *const attrs[] = { "mode", NULL };
    unsigned int seen = 0;
    int mode;

    if (xlc_xml_only_attrs(n, attrs, p->err) ||
        xlc_xml_enum(n, "mode", modes, 0, &mode, p->err))
        return -EINVAL;
    p->t->found = true;
    if (mode == 1) {
        if (xlc_xml_first(n))
            return xlc_xml_fail(p->err, EINVAL, xlc_xml_first(n),
                                "<hyperv mode='passthrough'> takes no "
                                "feature elements (libvirt's schema)");
        p->t->passthrough = true;
        return add_entry(p, n, "hyperv mode='passthrough'", true,
                         XLC_HYPERV_GIVEN, XLC_VIRIDIAN_KNOWN,
                         "every group Xen 4.17 has, as viridian=[\"all\"]");
    }
    for (const xmlNode *c = xlc_xml_first(n); c; c = xlc_xml_next(c))
        if (parse_feature(p, c, &seen))
            return -EINVAL;
    return 0;
}

static int once(struct parse *p, const xmlNode *n, bool *seen)
{
    if (*seen)
        return xlc_xml_fail(p->err, EINVAL, n, "a second <%s>",
                            (const char *)n->name);
    *seen = true;
    return 0;
}

static int parse_features(struct parse *p, const xmlNode *n)
{
    bool hyperv = false, viridian = false;

    for (const xmlNode *c = xlc_xml_first(n); c; c = xlc_xml_next(c)) {
        if (xlc_xml_is(c, "hyperv")) {
            if (once(p, c, &hyperv) || parse_hyperv(p, c))
                return -EINVAL;
        } else if (xlc_xml_is(c, "viridian")) {
            if (once(p, c, &viridian) || xlc_xml_no_content(c, p->err))
                return -EINVAL;
            p->t->found = p->t->viridian = true;
            if (add_entry(p, c, "features/viridian", true, XLC_HYPERV_GIVEN,
                          XLC_VIRIDIAN_DEFAULTS, "libxl's defaults, as "
                          "viridian=1 (libvirt's xl converter maps them so)"))
                return -ENOMEM;
        }
    }
    return 0;
}

/* <clock><timer name='hypervclock' present='yes|no'/>. */
static int parse_clock(struct parse *p, const xmlNode *n)
{
    static const xlc_viridian_set time = G(TIME_REF_COUNT) | G(REFERENCE_TSC);

    for (const xmlNode *c = xlc_xml_first(n); c; c = xlc_xml_next(c)) {
        const char *name = xlc_xml_attr(c, "name");
        const char *present = xlc_xml_attr(c, "present");

        if (!xlc_xml_is(c, "timer") || !name || strcmp(name, "hypervclock"))
            continue;
        p->t->found = true;
        if (present && strcmp(present, "yes") && strcmp(present, "no"))
            return xlc_xml_fail(p->err, EINVAL, c, "<timer name='hypervclock'"
                                " present='%s'>: expected yes or no", present);
        if (!present) {
            if (add_entry(p, c, "clock/timer hypervclock", false,
                          XLC_HYPERV_NOTED, 0, "no present='yes|no': no "
                          "effect"))
                return -ENOMEM;
        } else if (add_entry(p, c, "clock/timer hypervclock", *present == 'y',
                             XLC_HYPERV_GIVEN,
                             *present == 'y' ? BASE | time : time,
                             "%s time_ref_count reference_tsc",
                             *present == 'y' ? "groups base" : "off:")) {
            return -ENOMEM;
        }
    }
    return 0;
}

/* <devices><panic model='hyperv'/>: the crash MSRs. */
static int parse_devices(struct parse *p, const xmlNode *n)
{
    for (const xmlNode *c = xlc_xml_first(n); c; c = xlc_xml_next(c)) {
        const char *model = xlc_xml_attr(c, "model");

        if (!xlc_xml_is(c, "panic") || !model || strcmp(model, "hyperv"))
            continue;
        p->t->found = true;
        if (add_entry(p, c, "devices/panic hyperv", true, XLC_HYPERV_GIVEN,
                      BASE | G(CRASH_CTL), "groups base crash_ctl"))
            return -ENOMEM;
    }
    return 0;
}

static int parse_domain(struct parse *p, const xmlNode *root)
{
    bool features = false;

    for (const xmlNode *c = xlc_xml_first(root); c; c = xlc_xml_next(c)) {
        int rc = 0;

        if (xlc_xml_is(c, "features"))
            rc = once(p, c, &features) ? -EINVAL : parse_features(p, c);
        else if (xlc_xml_is(c, "clock"))
            rc = parse_clock(p, c);
        else if (xlc_xml_is(c, "devices"))
            rc = parse_devices(p, c);
        if (rc)
            return rc;
    }
    return 0;
}

/* Off elements whose enlightenment base keeps giving, and groups libxl
 * brings back (stimer brings synic and time_ref_count). */
static void finish_notes(struct parse *p)
{
    struct xlc_hyperv_translation *t = p->t;
    bool base = t->groups & BASE;
    uint64_t param = t->param;

    for (size_t i = 0; i < t->nr_entries; i++) {
        struct xlc_hyperv_entry *e = &t->entries[i];
        const struct hv_feature *f = NULL;
        char *text = NULL;

        if (e->on || e->outcome != XLC_HYPERV_GIVEN)
            continue;
        if (!strncmp(e->element, "hyperv/", 7))
            f = find_feature(e->element + 7);
        if (base && f && f->stays)
            text = strdup(f->stays);
        else if (e->groups & G(SYNIC) && param & XFS_HVMPV_SYNIC)
            text = strdup("off, but stimer is on and libxl gives synic "
                          "with it");
        else if (e->groups & G(TIME_REF_COUNT) &&
                 param & XFS_HVMPV_TIME_REF_COUNT)
            text = strdup("off, but stimer is on and libxl gives "
                          "time_ref_count with it");
        if (text) {
            free(e->text);
            e->text = text;
            e->outcome = XLC_HYPERV_NOTED;
        }
    }
}

static int translate_root(struct parse *p, const xmlNode *root)
{
    struct xlc_hyperv_translation *t = p->t;
    int rc;

    if (xlc_xml_is(root, "domain"))
        rc = parse_domain(p, root);
    else if (xlc_xml_is(root, "features"))
        rc = parse_features(p, root);
    else if (xlc_xml_is(root, "hyperv"))
        rc = parse_hyperv(p, root);
    else
        rc = xlc_xml_fail(p->err, EINVAL, root, "root element is <%s>: "
                          "expected <domain>, <features> or <hyperv>",
                          (const char *)root->name);
    if (rc)
        return rc;
    t->groups = ((t->viridian ? XLC_VIRIDIAN_DEFAULTS : 0) | t->on) & ~t->off;
    t->param = xlc_viridian_set_to_param(t->groups);
    finish_notes(p);
    t->xl_setting = xlc_viridian_xl_setting(t->groups);
    return t->xl_setting ? 0 : oom(p);
}

static int translate_doc(const char *name, xmlDocPtr doc,
                         struct xlc_hyperv_translation *out, xlc_error *err)
{
    struct parse p = { .t = out, .err = err };
    int rc = translate_root(&p, xmlDocGetRootElement(doc));

    (void)name;
    xlc_xml_free(doc);
    if (rc)
        xlc_hyperv_translation_free(out);
    return rc;
}

int xlc_hyperv_translate(const char *name, const char *text, size_t len,
                         struct xlc_hyperv_translation *out, xlc_error *err)
{
    xmlDocPtr doc;
    int rc;

    memset(out, 0, sizeof(*out));
    rc = xlc_xml_parse(name, text, len, &doc, err);
    return rc ? rc : translate_doc(name, doc, out, err);
}

int xlc_hyperv_translate_file(const char *path,
                              struct xlc_hyperv_translation *out,
                              xlc_error *err)
{
    xmlDocPtr doc;
    int rc;

    memset(out, 0, sizeof(*out));
    rc = xlc_xml_load(path, &doc, err);
    return rc ? rc : translate_doc(path, doc, out, err);
}

void xlc_hyperv_translation_free(struct xlc_hyperv_translation *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->nr_entries; i++) {
        free(t->entries[i].element);
        free(t->entries[i].text);
    }
    free(t->entries);
    free(t->xl_setting);
    memset(t, 0, sizeof(*t));
}
