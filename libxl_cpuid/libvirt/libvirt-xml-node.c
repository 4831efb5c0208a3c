/* SPDX-License-Identifier: MIT */
/*
 * Small accessors over a parsed libvirt document.  Attribute values are
 * read in place (the guarded parse leaves them as single text nodes), so
 * nothing here allocates.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libvirt-xml.h"

const char *xlc_xml_name(const xmlNode *n)
{
    if (n && n->doc && n->doc->URL)
        return (const char *)n->doc->URL;
    return "<xml>";
}

long xlc_xml_line(const xmlNode *n)
{
    if (!n)
        return 0;
    /* The guarded parse keeps every element's exact line here. */
    if (n->type == XML_ELEMENT_NODE && n->_private)
        return (long)(uintptr_t)n->_private;
    return xmlGetLineNo((xmlNode *)n);
}

int xlc_xml_fail(xlc_error *err, int code, const xmlNode *n,
                 const char *fmt, ...)
{
    char msg[XLC_ERROR_MSG_MAX];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    return xlc_fail(err, code, "%s:%ld: %s", xlc_xml_name(n),
                    xlc_xml_line(n), msg);
}

bool xlc_xml_is(const xmlNode *n, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE && !n->ns &&
           (!name || !strcmp((const char *)n->name, name));
}

static const xmlNode *elem_from(const xmlNode *n)
{
    while (n && n->type != XML_ELEMENT_NODE)
        n = n->next;
    return n;
}

const xmlNode *xlc_xml_first(const xmlNode *parent)
{
    return parent ? elem_from(parent->children) : NULL;
}

const xmlNode *xlc_xml_next(const xmlNode *n)
{
    return n ? elem_from(n->next) : NULL;
}

const char *xlc_xml_attr_value(const xmlAttr *a)
{
    if (!a->children)
        return "";
    /* Without entity expansion a value is one text node. */
    if (a->children->type != XML_TEXT_NODE || a->children->next)
        return NULL;
    return (const char *)a->children->content;
}

const char *xlc_xml_attr(const xmlNode *n, const char *name)
{
    for (const xmlAttr *a = n->properties; a; a = a->next)
        if (!a->ns && !strcmp((const char *)a->name, name))
            return xlc_xml_attr_value(a);
    return NULL;
}

static bool in_list(const char *s, const char *const *list)
{
    for (; *list; list++)
        if (!strcmp(s, *list))
            return true;
    return false;
}

int xlc_xml_only_attrs(const xmlNode *n, const char *const *allowed,
                       xlc_error *err)
{
    for (const xmlAttr *a = n->properties; a; a = a->next) {
        if (a->ns)
            return xlc_xml_fail(err, EINVAL, n,
                                "<%s>: namespaced attribute %s not accepted",
                                (const char *)n->name,
                                (const char *)a->name);
        if (!in_list((const char *)a->name, allowed))
            return xlc_xml_fail(err, EINVAL, n,
                                "<%s>: unknown attribute %s",
                                (const char *)n->name,
                                (const char *)a->name);
    }
    return 0;
}

static bool blank(const xmlChar *s)
{
    for (; s && *s; s++)
        if (!isspace(*s))
            return false;
    return true;
}

int xlc_xml_no_content(const xmlNode *n, xlc_error *err)
{
    for (const xmlNode *c = n->children; c; c = c->next) {
        if (c->type == XML_ELEMENT_NODE)
            return xlc_xml_fail(err, EINVAL, c, "<%s> is not expected in <%s>",
                                (const char *)c->name, (const char *)n->name);
        if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) &&
            !blank(c->content))
            return xlc_xml_fail(err, EINVAL, n, "<%s> must be empty",
                                (const char *)n->name);
    }
    return 0;
}

int xlc_xml_text(const xmlNode *n, char *buf, size_t size, xlc_error *err)
{
    size_t len = 0, start = 0;

    for (const xmlNode *c = n->children; c; c = c->next) {
        size_t l;

        if (c->type == XML_ELEMENT_NODE)
            return xlc_xml_fail(err, EINVAL, c, "<%s> is not expected in <%s>",
                                (const char *)c->name, (const char *)n->name);
        if (c->type != XML_TEXT_NODE && c->type != XML_CDATA_SECTION_NODE)
            continue;
        l = strlen((const char *)c->content);
        if (len + l >= size)
            return xlc_xml_fail(err, EINVAL, n,
                                "<%s>: text longer than %zu bytes",
                                (const char *)n->name, size - 1);
        memcpy(buf + len, c->content, l);
        len += l;
    }
    buf[len] = '\0';
    while (len && isspace((unsigned char)buf[len - 1]))
        buf[--len] = '\0';
    while (isspace((unsigned char)buf[start]))
        start++;
    memmove(buf, buf + start, len - start + 1);
    return 0;
}

int xlc_xml_u32(const xmlNode *n, const char *attr, bool required,
                uint32_t *val, bool *present, xlc_error *err)
{
    const char *s = xlc_xml_attr(n, attr);
    unsigned long long v;
    char *end;

    if (present)
        *present = s != NULL;
    if (!s) {
        if (required)
            return xlc_xml_fail(err, EINVAL, n, "<%s>: missing attribute %s",
                                (const char *)n->name, attr);
        return 0;
    }
    /* strtoull accepts a sign and leading blanks: refuse both. */
    errno = 0;
    v = isdigit((unsigned char)*s) ? strtoull(s, &end, 0) : 0;
    if (!isdigit((unsigned char)*s) || *end || errno || v > UINT32_MAX)
        return xlc_xml_fail(err, EINVAL, n,
                            "<%s>: %s='%s' is not a 32-bit unsigned number",
                            (const char *)n->name, attr, s);
    *val = (uint32_t)v;
    return 0;
}

int xlc_xml_enum(const xmlNode *n, const char *attr,
                 const char *const *values, int dflt, int *idx,
                 xlc_error *err)
{
    const char *s = xlc_xml_attr(n, attr);
    char allowed[256] = "";

    if (!s) {
        *idx = dflt;
        return 0;
    }
    for (int i = 0; values[i]; i++) {
        if (!strcmp(s, values[i])) {
            *idx = i;
            return 0;
        }
        snprintf(allowed + strlen(allowed), sizeof(allowed) - strlen(allowed),
                 "%s%s", i ? ", " : "", values[i]);
    }
    return xlc_xml_fail(err, EINVAL, n, "<%s>: %s='%s' is not one of: %s",
                        (const char *)n->name, attr, s, allowed);
}
