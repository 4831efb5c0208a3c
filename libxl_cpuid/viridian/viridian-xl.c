/* SPDX-License-Identifier: MIT */
/*
 * viridian= as xl 4.17 reads it and libxl 4.17 expands it (see
 * viridian.h for the rules, xl-cfg-value.h for the syntax).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "viridian.h"
#include "../util/escape.h"
#include "../xl/xl-cfg-value.h"

#define ALL_BITS (~(uint64_t)0)      /* libxl_bitmap_set_any on 64 bits */

static int add_note(struct xlc_viridian_xl *x, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int add_note(struct xlc_viridian_xl *x, const char *fmt, ...)
{
    va_list ap;
    int rc;

    va_start(ap, fmt);
    rc = xlc_strv_vaddf(&x->notes, &x->nr_notes, fmt, ap);
    va_end(ap);
    return rc;
}

/* xlu_cfg_get_defbool(): strtol over the whole value, else ignored. */
static int single_value(struct xlc_viridian_xl *x, const char *s,
                        xlc_error *err)
{
    char *end;
    long l;

    x->value = strdup(s);
    if (!x->value)
        return xlc_fail(err, ENOMEM, "out of memory");
    errno = 0;
    l = strtol(s, &end, 0);
    if (errno == ERANGE)
        return add_note(x, "xl ignores viridian=\"%s\" without a word: the "
                        "number is out of range, so libxl keeps its "
                        "default (no enlightenments)", s);
    if (end == s || *end)
        return add_note(x, "xl ignores viridian=\"%s\" without a word: it "
                        "is not a whole number (strtol), so libxl keeps "
                        "its default (no enlightenments); write 1 or 0",
                        s);
    x->viridian = l ? XLC_DEFBOOL_TRUE : XLC_DEFBOOL_FALSE;
    return 0;
}

static void known_names(char *buf, size_t n)
{
    size_t k = 0;

    buf[0] = '\0';
    for (unsigned int g = 0; g < XLC_VIRIDIAN_NR_GROUPS && k < n; g++)
        k += (size_t)snprintf(buf + k, n - k, "%s%s", g ? ", " : "",
                              xlc_viridian_group_name(g));
}

static int one_item(struct xlc_viridian_xl *x, struct xlc_viridian_item *it,
                    xlc_error *err)
{
    const char *name = it->text;
    char known[400];

    if (!strcmp(name, "all")) {
        it->kind = XLC_VIRIDIAN_ITEM_ALL;
        x->enable = ALL_BITS;
        return 0;
    }
    if (!strcmp(name, "defaults")) {
        it->kind = XLC_VIRIDIAN_ITEM_DEFAULTS;
        x->viridian = XLC_DEFBOOL_TRUE;
        return 0;
    }
    it->kind = XLC_VIRIDIAN_ITEM_GROUP;
    it->negated = name[0] == '!';
    name += it->negated;
    if (it->negated && (!strcmp(name, "all") || !strcmp(name, "defaults")))
        return xlc_fail(err, EINVAL, "'%s': %s cannot be negated (xl "
                        "refuses the config: unknown viridian enlightenment "
                        "'%s')", it->text, name, name);
    if (!xlc_viridian_group_lookup(name, &it->group)) {
        known_names(known, sizeof(known));
        return xlc_fail(err, EINVAL, "unknown viridian enlightenment '%s' "
                        "(xl refuses the config); groups: %s, and the "
                        "words all and defaults", name,
                        known);
    }
    if (it->negated) {
        x->disable |= XLC_VIRIDIAN_BIT(it->group);
        x->enable &= ~XLC_VIRIDIAN_BIT(it->group);
    } else {
        x->enable |= XLC_VIRIDIAN_BIT(it->group);
        x->disable &= ~XLC_VIRIDIAN_BIT(it->group);
    }
    return 0;
}

static int list_value(struct xlc_viridian_xl *x, const struct xlc_cfg_value *v,
                      size_t *item, xlc_error *err)
{
    x->list = true;
    x->items = calloc(v->nr_items ? v->nr_items : 1, sizeof(*x->items));
    if (!x->items)
        return xlc_fail(err, ENOMEM, "out of memory");
    x->bitmaps = v->nr_items > 0;
    for (size_t i = 0; i < v->nr_items; i++) {
        struct xlc_viridian_item *it = &x->items[i];
        int rc;

        it->column = v->items[i].offset + 1;
        if (item)
            *item = i + 1;
        if (v->items[i].kind == XLC_CFG_LIST)
            return xlc_fail(err, EINVAL, "item %zu (column %zu) is a list, "
                            "not a string: xl 4.17 cannot take it (it "
                            "crashes reading it)", i + 1, it->column);
        it->text = strdup(v->items[i].string);
        if (!it->text)
            return xlc_fail(err, ENOMEM, "out of memory");
        x->nr_items = i + 1;
        rc = one_item(x, it, err);
        if (rc) {
            xlc_error_prefix(err, "item %zu (column %zu)", i + 1,
                             it->column);
            return rc;
        }
    }
    if (item)
        *item = 0;
    if (!v->nr_items)
        return add_note(x, "an empty list: xl hands libxl nothing, so no "
                        "enlightenments (as viridian=0, but the defbool "
                        "stays at its default)");
    return 0;
}

int xlc_viridian_xl_parse(const char *setting, struct xlc_viridian_xl *out,
                          size_t *item, xlc_error *err)
{
    struct xlc_cfg_value v = { 0 };
    int rc;

    memset(out, 0, sizeof(*out));
    if (item)
        *item = 0;
    rc = xlc_cfg_value_parse(setting, &v, err);
    if (rc) {
        char shown[80 * 6 + 4];

        xlc_error_prefix(err, "viridian=%s: xl cannot read it",
                         xlc_quote(shown, sizeof(shown), setting,
                                   strlen(setting), 80, NULL));
        return rc;
    }
    if (v.kind == XLC_CFG_STRING)
        rc = single_value(out, v.string, err);
    else
        rc = list_value(out, &v, item, err);
    if (rc == -ENOMEM && err && !err->code)
        rc = xlc_fail(err, ENOMEM, "out of memory");
    xlc_cfg_value_free(&v);
    return rc;
}

void xlc_viridian_xl_free(struct xlc_viridian_xl *x)
{
    if (!x)
        return;
    for (size_t i = 0; i < x->nr_items; i++)
        free(x->items[i].text);
    free(x->items);
    xlc_strv_free(x->notes, x->nr_notes);
    free(x->value);
    memset(x, 0, sizeof(*x));
}

/* ---- JSON, as libxl_domain_build_info_gen_json() prints the fields ---- */

static void bitmap_json(struct xlc_buf *b, uint64_t bits)
{
    bool first = true;

    xlc_buf_putc(b, '[');
    for (unsigned int i = 0; i < 64; i++)
        if (bits >> i & 1) {
            xlc_buf_printf(b, "%s%u", first ? "" : ",", i);
            first = false;
        }
    xlc_buf_putc(b, ']');
}

void xlc_viridian_xl_json(struct xlc_buf *b, const struct xlc_viridian_xl *x)
{
    const char *sep = "";

    xlc_buf_putc(b, '{');
    if (x->viridian != XLC_DEFBOOL_DEFAULT) {
        xlc_buf_printf(b, "\"viridian\":\"%s\"",
                       x->viridian == XLC_DEFBOOL_TRUE ? "True" : "False");
        sep = ",";
    }
    if (x->bitmaps && x->enable) {
        xlc_buf_printf(b, "%s\"viridian_enable\":", sep);
        bitmap_json(b, x->enable);
        sep = ",";
    }
    if (x->bitmaps && x->disable) {
        xlc_buf_printf(b, "%s\"viridian_disable\":", sep);
        bitmap_json(b, x->disable);
    }
    xlc_buf_putc(b, '}');
}

/* ---- libxl's expansion ---- */

/* The last list item that put group g into enable (or disable). */
static size_t last_item(const struct xlc_viridian_xl *x, unsigned int g,
                        bool disable)
{
    for (size_t i = x->nr_items; i-- > 0;) {
        const struct xlc_viridian_item *it = &x->items[i];

        if (disable ? it->kind == XLC_VIRIDIAN_ITEM_GROUP && it->negated &&
                          it->group == g
                    : it->kind == XLC_VIRIDIAN_ITEM_ALL ||
                          (it->kind == XLC_VIRIDIAN_ITEM_GROUP &&
                           !it->negated && it->group == g))
            return i + 1;
    }
    return 0;
}

static int conflict(const struct xlc_viridian_xl *x, unsigned int g,
                    size_t *item, xlc_error *err)
{
    size_t on = last_item(x, g, false), off = last_item(x, g, true);

    if (item)
        *item = on;
    if (on && off)
        return xlc_fail(err, EINVAL, "libxl refuses: %s group both enabled "
                        "and disabled: item %zu '!%s' comes before item %zu "
                        "'%s', which sets every group again (put \"all\" "
                        "first)", xlc_viridian_group_name(g), off,
                        x->items[off - 1].text + 1, on, x->items[on - 1].text);
    return xlc_fail(err, EINVAL, "libxl refuses: %s group both enabled and "
                    "disabled", xlc_viridian_group_name(g));
}

/* The first list item that turned a group on (not "!NAME"). */
static size_t first_enabling(const struct xlc_viridian_xl *x)
{
    for (size_t i = 0; i < x->nr_items; i++)
        if (x->items[i].kind != XLC_VIRIDIAN_ITEM_GROUP ||
            !x->items[i].negated)
            return i + 1;
    return 0;
}

static int no_base(const struct xlc_viridian_xl *x, xlc_viridian_set groups,
                   size_t *item, xlc_error *err)
{
    size_t off = last_item(x, XLC_VIRIDIAN_BASE, true);
    size_t on = off ? 0 : first_enabling(x);
    struct xlc_buf b = XLC_BUF_INIT;
    int rc;

    xlc_viridian_set_names(&b, groups, false);
    if (item)
        *item = off ? off : on;
    if (off)
        rc = xlc_fail(err, EINVAL, "libxl refuses: base group not enabled "
                      "(item %zu '%s' disables it), but every other group "
                      "needs it; enabled: %s", off, x->items[off - 1].text,
                      b.s ? b.s : "?");
    else if (on)
        rc = xlc_fail(err, EINVAL, "libxl refuses: base group not enabled, "
                      "but item %zu '%s' enables a group, and every group "
                      "needs base; enabled: %s (add \"base\")", on,
                      x->items[on - 1].text, b.s ? b.s : "?");
    else
        rc = xlc_fail(err, EINVAL, "libxl refuses: base group not enabled, "
                      "but every other group needs it; enabled: %s",
                      b.s ? b.s : "?");
    xlc_buf_free(&b);
    return rc;
}

/* libxl's steps with the defaults and groups of one release. */
static int expand(const struct xlc_viridian_xl *x, xlc_viridian_set defaults,
                  xlc_viridian_set known, struct xlc_viridian_effective *out,
                  size_t *item, xlc_error *err)
{
    uint64_t both = x->enable & x->disable;
    xlc_viridian_set s = 0;

    memset(out, 0, sizeof(*out));
    if (item)
        *item = 0;
    out->defaults = x->viridian == XLC_DEFBOOL_TRUE;
    if (out->defaults)
        s = defaults;
    if (both)
        return conflict(x, (unsigned int)__builtin_ctzll(both), item, err);
    s |= x->enable & known;
    s &= ~(x->disable & known);
    if (s && !(s & XLC_VIRIDIAN_BIT(XLC_VIRIDIAN_BASE)))
        return no_base(x, s, item, err);
    out->groups = s;
    out->param = xlc_viridian_set_to_param(s);
    return 0;
}

int xlc_viridian_libxl_expand(const struct xlc_viridian_xl *x,
                              struct xlc_viridian_effective *out,
                              size_t *item, xlc_error *err)
{
    return expand(x, XLC_VIRIDIAN_DEFAULTS, XLC_VIRIDIAN_KNOWN, out, item,
                  err);
}

/* What the xl of release r refuses in a setting 4.17's xl read. */
static int older_xl(const struct xlc_viridian_xl *x,
                    const struct xlc_viridian_release *r, size_t *item,
                    xlc_error *err)
{
    if (x->list && !r->groups)
        return xlc_fail(err, EINVAL, "Xen %u.%u's xl takes viridian= as a "
                        "boolean only: a list gives no enlightenments there",
                        r->major, r->minor);
    for (size_t i = 0; i < x->nr_items; i++) {
        const struct xlc_viridian_item *it = &x->items[i];

        if (it->kind != XLC_VIRIDIAN_ITEM_GROUP ||
            (r->groups & XLC_VIRIDIAN_BIT(it->group)))
            continue;
        if (item)
            *item = i + 1;
        return xlc_fail(err, EINVAL, "Xen %u.%u's xl refuses item %zu "
                        "'%s': its libxl has no %s group", r->major,
                        r->minor, i + 1, it->text,
                        xlc_viridian_group_name(it->group));
    }
    return 0;
}

int xlc_viridian_expand_on(const struct xlc_viridian_xl *x,
                           const struct xlc_viridian_release *r,
                           bool from_json, struct xlc_viridian_effective *out,
                           size_t *item, xlc_error *err)
{
    int rc = from_json ? 0 : older_xl(x, r, item, err);

    if (rc) {
        memset(out, 0, sizeof(*out));
        return rc;
    }
    return expand(x, r->defaults, r->groups ? r->groups : r->defaults, out,
                  item, err);
}

char *xlc_viridian_xl_setting(xlc_viridian_set s)
{
    struct xlc_buf b = XLC_BUF_INIT;
    bool first = true;

    s &= XLC_VIRIDIAN_KNOWN;
    if (!s) {
        xlc_buf_puts(&b, "0");
        return xlc_buf_take(&b);
    }
    xlc_buf_putc(&b, '[');
    for (unsigned int g = 0; g < XLC_VIRIDIAN_NR_GROUPS; g++)
        if (s & XLC_VIRIDIAN_BIT(g)) {
            xlc_buf_printf(&b, "%s\"%s\"", first ? "" : ", ",
                           xlc_viridian_group_name(g));
            first = false;
        }
    xlc_buf_putc(&b, ']');
    return xlc_buf_take(&b);
}
