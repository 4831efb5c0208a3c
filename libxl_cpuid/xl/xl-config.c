/* SPDX-License-Identifier: MIT */
/*
 * The CPUID-related settings of an xl domain config, read as xl 4.17
 * reads them (xl-config.h has the rules).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/strbuf.h"
#include "xl-config.h"

const char *xlc_xl_domain_type_name(enum xlc_xl_domain_type t)
{
    switch (t) {
    case XLC_XL_DOMAIN_PV: return "pv";
    case XLC_XL_DOMAIN_PVH: return "pvh";
    case XLC_XL_DOMAIN_HVM: return "hvm";
    }
    return "?";
}

static int note(struct xlc_xl_config *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int note(struct xlc_xl_config *c, const char *fmt, ...)
{
    char **v = realloc(c->notes.v, (c->notes.nr + 1) * sizeof(*v));
    va_list ap;
    int n;

    if (!v)
        return -ENOMEM;
    c->notes.v = v;
    va_start(ap, fmt);
    n = vasprintf(&v[c->notes.nr], fmt, ap);
    va_end(ap);
    if (n < 0)
        return -ENOMEM;
    c->notes.nr++;
    return 0;
}

/* xl's prefix match: s is a prefix of word ("" and "h" are "hvm"). */
static bool prefix_of(const char *s, const char *word)
{
    return !strncmp(s, word, strlen(s));
}

/*
 * A setting xl reads with xlu_cfg_get_string: a list is only warned about
 * (and the setting ignored).  NULL when absent or a list (noted).
 */
static const struct xlc_cfg_setting *atom(const struct xlc_cfg_file *f,
                                          struct xlc_xl_config *c,
                                          const char *name, int *rc)
{
    const struct xlc_cfg_setting *s = xlc_cfg_file_get(f, name);

    *rc = 0;
    if (!s || s->value.kind == XLC_CFG_STRING)
        return s;
    *rc = note(c, "%s=: line %u: a list where xl wants a single value: xl "
               "warns and ignores it", name, s->line);
    return NULL;
}

static int read_type(const struct xlc_cfg_file *f, struct xlc_xl_config *c,
                     xlc_error *err)
{
    const struct xlc_cfg_setting *t, *b;
    enum xlc_xl_domain_type bt;
    int rc;

    c->domain_type = XLC_XL_DOMAIN_PV;      /* xl's default on x86 */
    t = atom(f, c, "type", &rc);
    if (!rc && t) {
        const char *v = t->value.string;

        if (prefix_of(v, "hvm"))
            c->domain_type = XLC_XL_DOMAIN_HVM;
        else if (prefix_of(v, "pv"))
            c->domain_type = XLC_XL_DOMAIN_PV;
        else if (prefix_of(v, "pvh"))
            c->domain_type = XLC_XL_DOMAIN_PVH;
        else
            return xlc_fail(err, EINVAL, "%s:%u: type=\"%s\": not a domain "
                            "type xl knows (hvm, pv or pvh, or a prefix of "
                            "one)", f->source, t->line, v);
        c->type_setting = "type";
        c->type_line = t->line;
    }
    b = rc ? NULL : atom(f, c, "builder", &rc);
    if (rc || !b)
        return rc;
    if (prefix_of(b->value.string, "hvm"))
        bt = XLC_XL_DOMAIN_HVM;
    else if (prefix_of(b->value.string, "generic"))
        bt = XLC_XL_DOMAIN_PV;
    else
        return xlc_fail(err, EINVAL, "%s:%u: builder=\"%s\": xl knows "
                        "\"hvm\" and \"generic\" (or a prefix of one)",
                        f->source, b->line, b->value.string);
    if (t && bt != c->domain_type)
        return xlc_fail(err, EINVAL, "%s:%u: builder=\"%s\" contradicts "
                        "type=\"%s\" (line %u): xl refuses both", f->source,
                        b->line, b->value.string, t->value.string, t->line);
    if (!t) {
        c->domain_type = bt;
        c->type_setting = "builder";
        c->type_line = b->line;
    }
    return 0;
}

/* xlu_cfg_get_long: the whole string a number (strtol, base 0). */
static int read_nested(const struct xlc_cfg_file *f, struct xlc_xl_config *c)
{
    const struct xlc_cfg_setting *s;
    char *end;
    long l;
    int rc;

    s = atom(f, c, "nestedhvm", &rc);
    if (rc || !s)
        return rc;
    c->nested_line = s->line;
    if (s->added)
        return note(c, "nestedhvm=: line %u: '+=' with a number: xl warns "
                    "and ignores it (nested virtualisation stays off)",
                    s->line);
    errno = 0;
    l = strtol(s->value.string, &end, 0);
    if (errno || *end || end == s->value.string)
        return note(c, "nestedhvm=\"%s\": line %u: not a number: xl warns "
                    "and ignores it (nested virtualisation stays off)",
                    s->value.string, s->line);
    c->nested = l != 0;
    if (c->domain_type == XLC_XL_DOMAIN_PV && c->nested) {
        c->nested = false;
        return note(c, "nestedhvm=%s: line %u: for HVM and PVH guests: "
                    "libxl ignores it for a PV guest", s->value.string,
                    s->line);
    }
    return 0;
}

static int add_string(struct xlc_xl_config *c, const char *s)
{
    const char **v = realloc(c->strings, (c->nr_strings + 1) * sizeof(*v));

    if (!v)
        return -ENOMEM;
    c->strings = v;
    v[c->nr_strings++] = s;
    return 0;
}

/* A list: one xend entry per item, as xl reads them. */
static int read_xend(const struct xlc_cfg_file *f,
                     const struct xlc_cfg_setting *s, struct xlc_xl_config *c,
                     xlc_error *err)
{
    for (size_t i = 0; i < s->value.nr_items; i++) {
        const struct xlc_cfg_value *it = &s->value.items[i];
        int rc;

        if (it->kind != XLC_CFG_STRING)
            return xlc_fail(err, EINVAL, "%s:%u: cpuid= item %zu is a list: "
                            "xl stops reading cpuid= there and drops it and "
                            "every later item", f->source, s->line, i + 1);
        rc = add_string(c, it->string);
        if (!rc)
            rc = xlc_xl_cpuid_parse_xend(&c->cpuid, it->string, NULL, err);
        if (rc == -ENOMEM)
            return xlc_fail(err, ENOMEM, "out of memory");
        if (rc) {
            xlc_error_prefix(err, "%s:%u: cpuid= item %zu (xend form)",
                             f->source, s->line, i + 1);
            return rc;
        }
    }
    return 0;
}

static int read_cpuid(const struct xlc_cfg_file *f, struct xlc_xl_config *c,
                      xlc_error *err)
{
    const struct xlc_cfg_setting *s = xlc_cfg_file_get(f, "cpuid");
    int rc;

    if (!s)
        return 0;
    c->cpuid_line = s->line;
    if (s->value.kind == XLC_CFG_LIST) {
        c->has_cpuid = true;
        c->cpuid_xend = true;
        return read_xend(f, s, c, err);
    }
    /* xl splits the string at ',' and finds no word in "" or ",,". */
    if (!s->value.string[strspn(s->value.string, ",")])
        return note(c, "cpuid=\"%s\": line %u: no item: xl ignores it",
                    s->value.string, s->line);
    c->has_cpuid = true;
    rc = add_string(c, s->value.string);
    if (!rc)
        rc = xlc_xl_cpuid_parse(&c->cpuid, s->value.string, NULL, NULL, err);
    if (rc == -ENOMEM)
        return xlc_fail(err, ENOMEM, "out of memory");
    if (rc)
        xlc_error_prefix(err, "%s:%u", f->source, s->line);
    return rc;
}

/* What else changes the guest's CPUID, said rather than silently left. */
static int not_judged(const struct xlc_cfg_file *f, struct xlc_xl_config *c)
{
    static const char *const names[] = {
        "hap", "pae", "tsc_mode", "nomigrate", "viridian",
    };
    int rc = 0;

    for (size_t i = 0; !rc && i < sizeof(names) / sizeof(*names); i++) {
        const struct xlc_cfg_setting *s = xlc_cfg_file_get(f, names[i]);

        if (s)
            rc = note(c, "%s=: line %u: also changes what the guest sees; "
                      "not judged here%s", names[i], s->line,
                      strcmp(names[i], "viridian") ? ""
                      : " (see xen-cpuid viridian)");
    }
    return rc;
}

int xlc_xl_config_read(const struct xlc_cfg_file *f,
                       struct xlc_xl_config *out, xlc_error *err)
{
    int rc;

    memset(out, 0, sizeof(*out));
    rc = read_type(f, out, err);
    out->guest_type = out->domain_type == XLC_XL_DOMAIN_PV ? XLC_GUEST_PV
                                                           : XLC_GUEST_HVM;
    if (!rc)
        rc = read_nested(f, out);
    if (!rc)
        rc = read_cpuid(f, out, err);
    if (!rc)
        rc = not_judged(f, out);
    if (rc == -ENOMEM && (!err || !err->code))
        rc = xlc_fail(err, ENOMEM, "out of memory");
    if (rc)
        xlc_xl_config_free(out);
    return rc;
}

void xlc_xl_config_free(struct xlc_xl_config *c)
{
    if (!c)
        return;
    free(c->strings);
    xlc_xl_cpuid_free(&c->cpuid);
    xlc_xl_notes_free(&c->notes);
    memset(c, 0, sizeof(*c));
}
