/* SPDX-License-Identifier: MIT */
/*
 * libvirt's <cpudata arch='x86'> CPUID dump format:
 *
 *   <cpudata arch='x86'>
 *     <cpuid eax_in='0x7' ecx_in='0x0' eax='..' ebx='..' ecx='..' edx='..'/>
 *     <msr index='0x10a' edx='..' eax='..'/>
 *   </cpudata>
 *
 * Values are hex with an optional 0x prefix.  ecx_in may be left out (it
 * then means subleaf 0, as in libvirt); every (eax_in, ecx_in) pair is
 * kept as written, known leaf or not.  Every other attribute is required
 * and unknown attributes or elements are refused, so a typo cannot
 * silently zero a register.
 *
 * Safety: the document goes through the guarded parse every XML input
 * takes (libvirt/libvirt-xml.h): its limits are checked on the raw text
 * before libxml2 reads it, the network, DTDs and entities stay off, a
 * DOCTYPE is refused at its '<!', only UTF-8 is read and libxml2 prints
 * nothing.
 *
 * A dump in the plain form programs write is read without libxml2 first
 * (cpuid-dump-xml-plain.c); whatever that reader is not sure of, errors
 * included, is read here.
 */
#include <errno.h>
#include <string.h>

#include <libxml/tree.h>

#include "cpuid-dump-priv.h"
#include "../libvirt/libvirt-xml.h"

struct xml_state {
    const char *name;
};

static unsigned long line_of(xmlNodePtr n)
{
    long l = xlc_xml_line(n);

    return l > 0 ? (unsigned long)l : 0;
}

/*
 * An attribute's value.  Without entity expansion a value is nearly
 * always one text node, read in place (a dump has hundreds of values:
 * a copy of each was a tenth of the load); anything else is joined into
 * *owned, which the caller frees with xmlFree.
 */
static const char *attr_value(xmlAttrPtr a, xmlChar **owned)
{
    *owned = NULL;
    if (!a->children)
        return "";
    if (a->children->type == XML_TEXT_NODE && !a->children->next &&
        a->children->content)
        return (const char *)a->children->content;
    *owned = xmlNodeListGetString(a->doc, a->children, 1);
    return (const char *)*owned;
}

struct attr_spec {
    const char *name;
    bool required;
};

/*
 * Read the attributes of an element into vals[] (indexed like specs),
 * refusing unknown, malformed and missing ones.
 */
static int read_attrs(const struct xml_state *s, xmlNodePtr n,
                      const struct attr_spec *specs, size_t nr,
                      const char *expected, uint32_t *vals, xlc_error *err)
{
    bool seen[8] = { false };
    unsigned long line = line_of(n);

    for (xmlAttrPtr a = n->properties; a; a = a->next) {
        size_t i;
        xmlChar *owned;
        const char *v;
        int bad;

        for (i = 0; i < nr; i++)
            if (!strcmp((const char *)a->name, specs[i].name))
                break;
        if (i == nr)
            return xlc_fail(err, EINVAL, "%s:%lu: unexpected attribute '%s' "
                            "on <%s> (expected %s)", s->name, line,
                            (const char *)a->name, (const char *)n->name,
                            expected);
        v = attr_value(a, &owned);
        if (!v)
            return xlc_fail(err, ENOMEM, "out of memory");
        bad = dump_parse_hex32(v, strlen(v), &vals[i]);
        if (bad) {
            int rc = xlc_fail(err, EINVAL, "%s:%lu: bad hex value '%s' for "
                              "attribute %s of <%s> (expected 0x followed by "
                              "up to 8 hex digits)", s->name, line, v,
                              specs[i].name, (const char *)n->name);

            xmlFree(owned);
            return rc;
        }
        xmlFree(owned);
        seen[i] = true;
    }
    for (size_t i = 0; i < nr; i++)
        if (specs[i].required && !seen[i])
            return xlc_fail(err, EINVAL, "%s:%lu: <%s> is missing attribute "
                            "'%s'", s->name, line, (const char *)n->name,
                            specs[i].name);
    return 0;
}

static int do_cpuid(struct dump_builder *b, const struct xml_state *s,
                    xmlNodePtr n, xlc_error *err)
{
    static const struct attr_spec specs[] = {
        { "eax_in", true }, { "ecx_in", false }, { "eax", true },
        { "ebx", true },    { "ecx", true },     { "edx", true },
    };
    uint32_t v[6] = { 0 };
    struct xfs_cpuid_regs r;
    int rc;

    rc = read_attrs(s, n, specs, 6, "eax_in, ecx_in, eax, ebx, ecx, edx", v,
                    err);
    if (rc)
        return rc;
    r = (struct xfs_cpuid_regs){ v[2], v[3], v[4], v[5] };
    return dump_builder_add_leaf(b, line_of(n), v[0], v[1], &r, err);
}

static int do_msr(struct dump_builder *b, const struct xml_state *s,
                  xmlNodePtr n, xlc_error *err)
{
    static const struct attr_spec specs[] = {
        { "index", true }, { "edx", true }, { "eax", true },
    };
    uint32_t v[3] = { 0 };
    int rc;

    rc = read_attrs(s, n, specs, 3, "index, edx, eax", v, err);
    if (rc)
        return rc;
    return dump_builder_add_msr(b, line_of(n), v[0],
                                ((uint64_t)v[1] << 32) | v[2], err);
}

static bool blank(const xmlChar *t)
{
    for (; t && *t; t++)
        if (*t != ' ' && *t != '\t' && *t != '\r' && *t != '\n')
            return false;
    return true;
}

/*
 * libxml2 gives a text node the line where the text ends; step back over
 * trailing blank lines to the line of the offending words, and quote them.
 */
static int bad_text(const struct xml_state *s, xmlNodePtr n, xlc_error *err)
{
    const char *t = (const char *)n->content;
    size_t end = strlen(t), start = 0, len;
    unsigned long line = line_of(n);

    while (end && strchr(" \t\r\n", t[end - 1])) {
        if (t[end - 1] == '\n' && line > 1)
            line--;
        end--;
    }
    while (start < end && strchr(" \t\r\n", t[start]))
        start++;
    len = end - start > 40 ? 40 : end - start;
    return xlc_fail(err, EINVAL, "%s:%lu: unexpected text '%.*s%s' in "
                    "<cpudata> (expected only <cpuid> and <msr> elements)",
                    s->name, line, (int)len, t + start,
                    end - start > len ? "..." : "");
}

static int do_child(struct dump_builder *b, const struct xml_state *s,
                    xmlNodePtr n, xlc_error *err)
{
    switch (n->type) {
    case XML_ELEMENT_NODE:
        if (!strcmp((const char *)n->name, "cpuid"))
            return do_cpuid(b, s, n, err);
        if (!strcmp((const char *)n->name, "msr"))
            return do_msr(b, s, n, err);
        return xlc_fail(err, EINVAL, "%s:%lu: unexpected element <%s> in "
                        "<cpudata> (expected <cpuid> or <msr>)", s->name,
                        line_of(n), (const char *)n->name);
    case XML_TEXT_NODE:
    case XML_CDATA_SECTION_NODE:
        if (blank(n->content))
            return 0;
        return bad_text(s, n, err);
    case XML_COMMENT_NODE:
    case XML_PI_NODE:
        return 0;
    default:
        return xlc_fail(err, EINVAL, "%s:%lu: unexpected node in <cpudata>",
                        s->name, line_of(n));
    }
}

static int check_root(const struct xml_state *s, xmlNodePtr root,
                      xlc_error *err)
{
    xmlChar *arch;
    int rc = 0;

    if (strcmp((const char *)root->name, "cpudata"))
        return xlc_fail(err, EINVAL, "%s:%lu: wrong root element: expected "
                        "<cpudata arch='x86'>, found <%s>", s->name,
                        line_of(root), (const char *)root->name);
    for (xmlAttrPtr a = root->properties; a; a = a->next)
        if (strcmp((const char *)a->name, "arch"))
            return xlc_fail(err, EINVAL, "%s:%lu: unexpected attribute '%s' "
                            "on <cpudata> (expected arch)", s->name,
                            line_of(root), (const char *)a->name);
    arch = xmlGetProp(root, (const xmlChar *)"arch");
    if (!arch)
        return xlc_fail(err, EINVAL, "%s:%lu: <cpudata> is missing attribute "
                        "'arch' (expected arch='x86')", s->name,
                        line_of(root));
    if (strcmp((const char *)arch, "x86"))
        rc = xlc_fail(err, EINVAL, "%s:%lu: <cpudata> has arch='%s', "
                      "expected arch='x86'", s->name, line_of(root),
                      (const char *)arch);
    xmlFree(arch);
    return rc;
}

static int walk(const struct xml_state *s, xmlDocPtr doc,
                struct xlc_cpuid_dump **out, xlc_error *err)
{
    xmlNodePtr root = xmlDocGetRootElement(doc);
    struct dump_builder b;
    int rc;

    if (!root)
        return xlc_fail(err, EINVAL, "%s: no root element (expected "
                        "<cpudata arch='x86'>)", s->name);
    rc = check_root(s, root, err);
    if (rc)
        return rc;
    rc = dump_builder_init(&b, s->name, err);
    if (rc)
        return rc;
    for (xmlNodePtr n = root->children; n; n = n->next) {
        rc = do_child(&b, s, n, err);
        if (rc) {
            dump_builder_discard(&b);
            return rc;
        }
    }
    return dump_builder_finish(&b, out, err);
}

int dump_parse_xml_tree(const char *name, const char *text, size_t len,
                        struct xlc_cpuid_dump **out, xlc_error *err)
{
    struct xml_state s = { .name = name };
    xmlDocPtr doc;
    int rc;

    *out = NULL;
    rc = xlc_xml_parse(name, text, len, &doc, err);
    if (rc)
        return rc;
    rc = walk(&s, doc, out, err);
    xmlFreeDoc(doc);
    return rc;
}

int dump_parse_xml(const char *name, const char *text, size_t len,
                   struct xlc_cpuid_dump **out, xlc_error *err)
{
    /* The common plain form first; everything else, and every error, from
     * the tree. */
    if (dump_parse_xml_plain(name, text, len, out))
        return 0;
    return dump_parse_xml_tree(name, text, len, out, err);
}
