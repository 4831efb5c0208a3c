/* SPDX-License-Identifier: MIT */
/*
 * The guarded libxml2 parse behind every libvirt reader.
 *
 * libxml2 builds the tree through its SAX2 callbacks; we interpose on the
 * few that matter (element start/end, DOCTYPE, entity declarations, error
 * reporting) so that a hostile document is stopped at its first offending
 * token instead of after libxml2 has done the work.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>

#include "libvirt-xml.h"
#include "../util/read-file.h"

struct guard {
    const char *name;
    startElementNsSAX2Func start;  /* libxml2's own SAX2 callbacks */
    endElementNsSAX2Func end;
    unsigned int depth, elements;
    bool stopped;                  /* a limit or a DOCTYPE stopped us */
    char why[512];
    long line;
    bool have_xml_err;             /* libxml2's first error */
    char xml_err[512];
    long xml_err_line;
    /* xlc_xml_parse_each(): the callback, the record being read, and the
     * callback's verdict (its message is already in *err). */
    xlc_xml_each_fn each;
    void *each_ctx;
    xlc_error *err;
    xmlNode *unit;
    int each_rc;
};

static struct guard *guard_of(void *ctx)
{
    return ((xmlParserCtxtPtr)ctx)->_private;
}

static long ctxt_line(xmlParserCtxtPtr ctxt)
{
    return ctxt->input ? ctxt->input->line : 0;
}

/* Stop parsing now, remembering the first reason only. */
static void stop(xmlParserCtxtPtr ctxt, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void stop(xmlParserCtxtPtr ctxt, const char *fmt, ...)
{
    struct guard *g = ctxt->_private;

    if (!g->stopped) {
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(g->why, sizeof(g->why), fmt, ap);
        va_end(ap);
        g->line = ctxt_line(ctxt);
        g->stopped = true;
    }
    xmlStopParser(ctxt);
}

/* Returns a reason to stop, or NULL when the element is within limits. */
static const char *check_element(struct guard *g, const xmlChar *local,
                                 int nb_attrs, const xmlChar **attrs,
                                 char *buf, size_t size)
{
    if (++g->depth > XLC_XML_MAX_DEPTH) {
        snprintf(buf, size, "elements nested deeper than %u (at <%s>)",
                 XLC_XML_MAX_DEPTH, (const char *)local);
        return buf;
    }
    if (++g->elements > XLC_XML_MAX_ELEMENTS) {
        snprintf(buf, size, "more than %u elements%s", XLC_XML_MAX_ELEMENTS,
                 g->each ? " in one record" : "");
        return buf;
    }
    if (nb_attrs > (int)XLC_XML_MAX_ATTRS) {
        snprintf(buf, size, "<%s> has %d attributes (limit %u)",
                 (const char *)local, nb_attrs, XLC_XML_MAX_ATTRS);
        return buf;
    }
    /* attrs holds 5 pointers per attribute: name, prefix, URI, value, end. */
    for (int i = 0; i < nb_attrs; i++) {
        size_t len = (size_t)(attrs[5 * i + 4] - attrs[5 * i + 3]);

        if (len > XLC_XML_MAX_ATTR_LEN) {
            snprintf(buf, size,
                     "attribute %s of <%s> is %zu bytes long (limit %u)",
                     (const char *)attrs[5 * i], (const char *)local, len,
                     XLC_XML_MAX_ATTR_LEN);
            return buf;
        }
    }
    return NULL;
}

static void on_start(void *ctx, const xmlChar *local, const xmlChar *prefix,
                     const xmlChar *uri, int nb_ns, const xmlChar **ns,
                     int nb_attrs, int nb_defaulted, const xmlChar **attrs)
{
    struct guard *g = guard_of(ctx);
    char buf[256];
    const char *why =
        check_element(g, local, nb_attrs, attrs, buf, sizeof(buf));

    xmlParserCtxtPtr ctxt = ctx;
    int nr;

    if (why) {
        stop(ctx, "%s", why);
        return;
    }
    nr = ctxt->nodeNr;
    g->start(ctx, local, prefix, uri, nb_ns, ns, nb_attrs, nb_defaulted,
             attrs);
    if (ctxt->nodeNr != nr + 1 || !ctxt->node)
        return; /* libxml2 ran out of memory; it stops by itself */
    /*
     * libxml2 keeps element lines in 16 bits and guesses beyond 65535; a
     * file of many hosts is longer than that.  Keep the exact line.
     */
    ctxt->node->_private = (void *)(uintptr_t)ctxt_line(ctxt);
    if (g->each && g->depth == 1 && xlc_xml_rename(ctxt->node, g->name))
        stop(ctx, "out of memory");
    if (g->each && g->depth == 2)
        g->unit = ctxt->node;
}

/* A record is complete: hand it over, then free it and what surrounds it. */
static void hand_over(xmlParserCtxtPtr ctxt, struct guard *g)
{
    xmlNode *root = ctxt->node, *unit = g->unit;

    g->unit = NULL;
    if (!unit || !root)
        return;
    g->each_rc = g->each(g->each_ctx, unit, g->err);
    /* Everything under the root is complete: the parser holds none of it. */
    xmlFreeNodeList(root->children);
    root->children = root->last = NULL;
    g->elements = 0;
    if (g->each_rc)
        xmlStopParser(ctxt);
}

static void on_end(void *ctx, const xmlChar *local, const xmlChar *prefix,
                   const xmlChar *uri)
{
    struct guard *g = guard_of(ctx);
    unsigned int depth = g->depth;

    if (g->depth)
        g->depth--;
    g->end(ctx, local, prefix, uri);
    if (g->each && depth == 2 && !g->stopped && !g->each_rc)
        hand_over(ctx, g);
}

/* A DOCTYPE is the only way to declare entities: refuse it outright. */
static void on_doctype(void *ctx, const xmlChar *name, const xmlChar *ext,
                       const xmlChar *sys)
{
    (void)name, (void)ext, (void)sys;
    stop(ctx, "DOCTYPE declarations are not accepted (no DTDs or entities)");
}

static void on_entity_decl(void *ctx, const xmlChar *name, int type,
                           const xmlChar *pub, const xmlChar *sys,
                           xmlChar *content)
{
    (void)type, (void)pub, (void)sys, (void)content;
    stop(ctx, "entity declaration '%s' is not accepted", (const char *)name);
}

/* libxml2's own errors: keep the first real one, print nothing. */
static void on_error(void *ctx, xmlErrorPtr e)
{
    struct guard *g = guard_of(ctx);
    size_t n;

    if (!e || e->level < XML_ERR_ERROR || g->have_xml_err)
        return;
    snprintf(g->xml_err, sizeof(g->xml_err), "%s",
             e->message ? e->message : "malformed XML");
    n = strlen(g->xml_err);
    while (n && (g->xml_err[n - 1] == '\n' || g->xml_err[n - 1] == ' '))
        g->xml_err[--n] = '\0';
    g->xml_err_line = e->line;
    g->have_xml_err = true;
}

static void silent_generic(void *ctx, const char *msg, ...)
{
    (void)ctx, (void)msg;
}

static void silent_structured(void *ctx, xmlErrorPtr e)
{
    (void)ctx, (void)e;
}

/*
 * Refuse what the guarded parser cannot vouch for before it starts:
 * oversize input, NUL bytes (UTF-16/32 and binary), and anything that does
 * not start with '<' after an optional UTF-8 BOM and blanks (EBCDIC, ...).
 */
static int precheck(const char *name, const char *text, size_t len,
                    size_t max, xlc_error *err)
{
    size_t i = 0;
    const char *nul;

    if (len > max)
        return xlc_fail(err, EFBIG, "%s: document is %zu bytes (limit %zu)",
                        name, len, max);
    nul = memchr(text, '\0', len);
    if (nul)
        return xlc_fail(err, EINVAL,
                        "%s: NUL byte at offset %zu: only UTF-8 XML is read",
                        name, (size_t)(nul - text));
    if (len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3))
        i = 3;
    while (i < len && strchr(" \t\r\n", text[i]))
        i++;
    if (i == len)
        return xlc_fail(err, EINVAL, "%s: empty document", name);
    if (text[i] != '<')
        return xlc_fail(err, EINVAL,
                        "%s: does not start with '<': only UTF-8 XML is read",
                        name);
    return 0;
}

static xmlParserCtxtPtr make_ctxt(const char *text, size_t len,
                                  struct guard *g)
{
    xmlParserCtxtPtr ctxt = xmlCreateMemoryParserCtxt(text, (int)len);

    if (!ctxt)
        return NULL;
    /* Network off; no entity substitution, no DTD loading or defaults. */
    /*
     * Blank text between elements is dropped (the readers skip it anyway)
     * and small strings live in their nodes: fewer allocations, which were
     * most of the cost of reading a file of many hosts.  Lines do not
     * depend on the text nodes: on_start keeps them.
     */
    xmlCtxtUseOptions(ctxt, XML_PARSE_NONET | XML_PARSE_IGNORE_ENC |
                                XML_PARSE_BIG_LINES | XML_PARSE_NOBLANKS |
                                XML_PARSE_COMPACT);
    ctxt->_private = g;
    g->start = ctxt->sax->startElementNs;
    g->end = ctxt->sax->endElementNs;
    ctxt->sax->startElementNs = on_start;
    ctxt->sax->endElementNs = on_end;
    ctxt->sax->internalSubset = on_doctype;
    ctxt->sax->externalSubset = on_doctype;
    ctxt->sax->entityDecl = on_entity_decl;
    ctxt->sax->serror = on_error;
    ctxt->sax->warning = NULL;
    ctxt->sax->error = NULL;
    ctxt->sax->fatalError = NULL;
    xmlSwitchEncoding(ctxt, XML_CHAR_ENCODING_UTF8);
    return ctxt;
}

static int finish(xmlParserCtxtPtr ctxt, const char *name, xmlDocPtr *out,
                  xlc_error *err)
{
    struct guard *g = ctxt->_private;
    xmlDocPtr doc = ctxt->myDoc;
    int rc = 0;

    ctxt->myDoc = NULL;
    if (g->each_rc)
        rc = g->each_rc;
    else if (g->stopped)
        rc = xlc_fail(err, EINVAL, "%s:%ld: %s", name, g->line, g->why);
    else if (!ctxt->wellFormed || !doc)
        rc = xlc_fail(err, EINVAL, "%s:%ld: malformed XML: %s", name,
                      g->have_xml_err ? g->xml_err_line : ctxt_line(ctxt),
                      g->have_xml_err ? g->xml_err : "parse failed");
    else if (doc->intSubset || doc->extSubset)
        rc = xlc_fail(err, EINVAL, "%s: DOCTYPE declarations are not accepted",
                      name);
    else if (!xmlDocGetRootElement(doc))
        rc = xlc_fail(err, EINVAL, "%s: no root element", name);
    if (rc || !out) {
        xmlFreeDoc(doc);
        return rc;
    }
    xmlFree((xmlChar *)doc->URL);
    doc->URL = xmlStrdup((const xmlChar *)name);
    if (!doc->URL) {
        xmlFreeDoc(doc);
        return xlc_fail(err, ENOMEM, "%s: out of memory", name);
    }
    *out = doc;
    return 0;
}

/* The guarded parse; out NULL when g->each takes the records. */
static int run(struct guard *g, const char *text, size_t len, size_t max,
               xmlDocPtr *out, xlc_error *err)
{
    const char *name = g->name;
    xmlGenericErrorFunc old_generic;
    void *old_generic_ctx, *old_structured_ctx;
    xmlStructuredErrorFunc old_structured;
    xmlParserCtxtPtr ctxt;
    int rc;

    rc = precheck(name, text, len, max, err);
    if (rc)
        return rc;
    xmlInitParser();
    /* Errors raised without a parser context would otherwise be printed. */
    old_generic = xmlGenericError;
    old_generic_ctx = xmlGenericErrorContext;
    old_structured = xmlStructuredError;
    old_structured_ctx = xmlStructuredErrorContext;
    xmlSetGenericErrorFunc(NULL, silent_generic);
    xmlSetStructuredErrorFunc(NULL, silent_structured);

    ctxt = make_ctxt(text, len, g);
    if (!ctxt) {
        rc = xlc_fail(err, ENOMEM, "%s: cannot create an XML parser", name);
    } else {
        xmlParseDocument(ctxt);
        rc = finish(ctxt, name, out, err);
        xmlFreeParserCtxt(ctxt);
    }
    xmlSetGenericErrorFunc(old_generic_ctx, old_generic);
    xmlSetStructuredErrorFunc(old_structured_ctx, old_structured);
    return rc;
}

int xlc_xml_parse(const char *name, const char *text, size_t len,
                  xmlDocPtr *out, xlc_error *err)
{
    struct guard g = { .name = name };

    *out = NULL;
    return run(&g, text, len, XLC_XML_MAX_BYTES, out, err);
}

int xlc_xml_parse_each(const char *name, const char *text, size_t len,
                       xlc_xml_each_fn each, void *ctx, xlc_error *err)
{
    struct guard g = { .name = name, .each = each, .each_ctx = ctx,
                       .err = err };

    return run(&g, text, len, XLC_XML_BATCH_MAX_BYTES, NULL, err);
}

int xlc_xml_rename(xmlNode *n, const char *name)
{
    xmlChar *url = xmlStrdup((const xmlChar *)name);

    if (!url)
        return -ENOMEM;
    xmlFree((xmlChar *)n->doc->URL);
    n->doc->URL = url;
    return 0;
}

int xlc_xml_load(const char *path, xmlDocPtr *out, xlc_error *err)
{
    char *buf;
    size_t len;
    int rc = xlc_read_file(path, XLC_XML_MAX_BYTES, &buf, &len, err);

    *out = NULL;
    if (rc == -EFBIG)
        return xlc_fail(err, EFBIG, "%s: document is over %u bytes (limit "
                        "%u)", path, XLC_XML_MAX_BYTES, XLC_XML_MAX_BYTES);
    if (rc)
        return rc;
    rc = xlc_xml_parse(path, buf, len, out, err);
    free(buf);
    return rc;
}

void xlc_xml_free(xmlDocPtr doc)
{
    if (doc)
        xmlFreeDoc(doc);
}
