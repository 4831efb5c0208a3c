/* SPDX-License-Identifier: MIT */
/*
 * Many libvirt <cpu> elements in one file, read streaming.
 *
 * A file of hosts (the input of `virsh cpu-baseline`) is a sequence of
 * <cpu> elements, not one document: it is read as the content of a root
 * of our own, in chunks, by libxml2's SAX parser.  Memory holds one chunk
 * and the host being read, whatever the size of the file.
 *
 * Most of a host is <feature name='...'/> children, and the host details
 * `virsh capabilities` adds (<microcode>, <pages>, ...).  Those are read
 * straight from the parser's events (name, policy, line, and anything
 * found inside), without building their nodes; the few other elements of
 * a host are built as usual, and the <cpu> element (its tree plus the
 * children read) goes to xlc_lv_cpu_from_node_read(), which applies the
 * checks of a single <cpu> document in document order.  A <feature> with
 * anything unusual about its start tag (another attribute, a namespace,
 * an entity in a value) is built as a node too, so that the one <cpu>
 * reader judges it.
 *
 * The guards are those of the tree reader (libvirt-xml.c), with its
 * constants: network and entity loading off, DOCTYPE and entity
 * declarations refused when met, element depth, elements per host,
 * attributes per element and attribute length capped when libxml2 hands
 * the element over, UTF-8 only (NUL bytes refused), libxml2's messages
 * captured, never printed.  Messages say FILE:LINE (the parser's, or a
 * host's "FILE (<cpu> at line L):LINE" for what is wrong inside it).
 *
 * A file in the plain form programs write is read without libxml2 first
 * (libvirt-cpu-plain.c): it builds the same hosts, and declines whatever
 * it is not sure of, which then comes here.
 */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>

#include "libvirt-cpu-batch.h"
#include "libvirt-cpu.h"
#include "libvirt-xml.h"
#include "../util/strbuf.h"

#define WRAP_OPEN "<xlc-cpus>"
#define WRAP_CLOSE "</xlc-cpus>"
#define CHUNK XLC_LV_CHUNK

/* ---- the bytes: a file's range or a text, wrapped in our root ---- */

static int put(char *out, int len, const char *what, size_t n)
{
    n = n < (size_t)len ? n : (size_t)len;
    memcpy(out, what, n);
    return (int)n;
}

/* libxml2's read callback: our root, the body, our root's end. */
static int read_cb(void *ctx, char *out, int len)
{
    struct xlc_lv_source *s = ctx;

    for (;;) {
        switch (s->stage) {
        case 0:
            s->stage = 1;
            return put(out, len, WRAP_OPEN, sizeof(WRAP_OPEN) - 1);
        case 1:
            if (s->pad) {
                int n = (int)(s->pad < (unsigned long)len ? s->pad
                                                          : (unsigned long)len);

                memset(out, '\n', (size_t)n);
                s->pad -= (unsigned long)n;
                return n;
            }
            s->stage = 2;
            break;
        case 2:
            if (s->off < s->have) {
                int n = put(out, len, s->buf + s->off, s->have - s->off);

                s->off += (size_t)n;
                return n;
            }
            if (xlc_lv_source_fill(s))
                break;
            if (s->nul || s->io_error || s->scan_rc)
                return -1;
            s->stage = 3;
            break;
        case 3:
            s->stage = 4;
            return put(out, len, WRAP_CLOSE, sizeof(WRAP_CLOSE) - 1);
        default:
            return 0;
        }
    }
}

static int close_cb(void *ctx)
{
    (void)ctx;
    return 0;
}

/* ---- the parse ---- */

/* Where a child read without a node keeps its strings, in reader.strs. */
struct read_at {
    size_t name, policy, inner;   /* NO_STR: none */
};
#define NO_STR SIZE_MAX

struct reader {
    struct xlc_xml_stop stop;     /* first: a limit or a DOCTYPE */
    const char *name;             /* the file, for messages */
    xlc_lv_cpu_each_fn fn;
    void *ctx;
    size_t count;
    xlc_error *err;
    int rc;                       /* a host's error (in *err) */
    /* libxml2's own SAX2 callbacks, for the nodes we do build */
    startElementNsSAX2Func start;
    endElementNsSAX2Func end;
    charactersSAXFunc characters;
    cdataBlockSAXFunc cdata;
    /* guards, as libvirt-xml.c keeps them */
    unsigned int depth, elements;
    struct xlc_xml_first_error xml_err;
    /* the host being read */
    unsigned int cpu_depth;       /* 0: outside any <cpu> */
    xmlNode *cpu;
    long cpu_line;
    size_t children;              /* its element children in the tree */
    unsigned int skip_depth;      /* inside a child read without a node */
    struct xlc_lv_child_read *read;
    struct read_at *at;
    size_t nr_read, cap_read, cap_at;
    char *strs;
    size_t strs_len, strs_cap;
};

static struct reader *reader_of(void *ctx)
{
    return ((xmlParserCtxtPtr)ctx)->_private;
}

static long ctxt_line(xmlParserCtxtPtr ctxt)
{
    return ctxt->input ? ctxt->input->line : 0;
}

/* A host's error (r->rc) already stopped it: nothing more to say. */
static void stop(xmlParserCtxtPtr ctxt, const char *why)
{
    struct reader *r = ctxt->_private;

    if (r->rc)
        xmlStopParser(ctxt);
    else
        xlc_xml_stop_parse(ctxt, "%s", why);
}

/* The limits of libvirt-xml.c, checked as it checks them. */
static const char *over_limits(struct reader *r, const xmlChar *local,
                               int nb_attrs, const xmlChar **attrs,
                               char *buf, size_t size)
{
    if (++r->depth > XLC_XML_MAX_DEPTH) {
        snprintf(buf, size, "elements nested deeper than %u (at <%s>)",
                 XLC_XML_MAX_DEPTH, (const char *)local);
        return buf;
    }
    if (++r->elements > XLC_XML_MAX_ELEMENTS) {
        snprintf(buf, size, "more than %u elements in one record",
                 XLC_XML_MAX_ELEMENTS);
        return buf;
    }
    if (nb_attrs > (int)XLC_XML_MAX_ATTRS) {
        snprintf(buf, size, "<%s> has %d attributes (limit %u)",
                 (const char *)local, nb_attrs, XLC_XML_MAX_ATTRS);
        return buf;
    }
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

/* A copy of n bytes in r->strs: its offset, or NO_STR without memory. */
static size_t keep(struct reader *r, const xmlChar *s, size_t n)
{
    size_t at = r->strs_len;

    if (r->strs_len + n + 1 > r->strs_cap) {
        size_t cap = r->strs_cap ? 2 * r->strs_cap : 4096;
        char *ns;

        while (cap < r->strs_len + n + 1)
            cap *= 2;
        ns = realloc(r->strs, cap);
        if (!ns)
            return NO_STR;
        r->strs = ns;
        r->strs_cap = cap;
    }
    memcpy(r->strs + at, s, n);
    r->strs[at + n] = '\0';
    r->strs_len += n + 1;
    return at;
}

/*
 * The children of a <cpu> read without a node, by name (NULL: build it):
 * a <feature> start tag with name= and policy= only, no namespace and no
 * entity in a value; a host detail or an ignored child without a
 * namespace (their attributes mean nothing).
 */
static const char *read_as(const xmlChar *local, const xmlChar *uri,
                           int nb_ns, int nb_attrs, int nb_defaulted,
                           const xmlChar **attrs)
{
    const char *name = (const char *)local;
    const char *element = xlc_lv_read_element(name, strlen(name));

    if (!element || uri || nb_ns || nb_defaulted)
        return NULL;
    for (int i = 0; !strcmp(element, "feature") && i < nb_attrs; i++) {
        const char *an = (const char *)attrs[5 * i];
        const xmlChar *v = attrs[5 * i + 3], *e = attrs[5 * i + 4];

        if (attrs[5 * i + 2] || (strcmp(an, "name") && strcmp(an, "policy")) ||
            memchr(v, '&', (size_t)(e - v)))
            return NULL;
    }
    return element;
}

static bool read_child(xmlParserCtxtPtr ctxt, struct reader *r,
                       const char *element, int nb_attrs,
                       const xmlChar **attrs)
{
    struct xlc_lv_child_read *f;
    struct read_at *at;
    bool feature = !strcmp(element, "feature");

    if (xlc_grow(&r->read, &r->cap_read, r->nr_read, sizeof(*r->read)) ||
        xlc_grow(&r->at, &r->cap_at, r->nr_read, sizeof(*r->at)))
        return false;
    f = &r->read[r->nr_read];
    at = &r->at[r->nr_read];
    *f = (struct xlc_lv_child_read){ .element = element,
                                     .line = ctxt_line(ctxt),
                                     .after = r->children };
    *at = (struct read_at){ NO_STR, NO_STR, NO_STR };
    for (int i = 0; feature && i < nb_attrs; i++) {
        const xmlChar *v = attrs[5 * i + 3];
        size_t k = keep(r, v, (size_t)(attrs[5 * i + 4] - v));

        if (k == NO_STR)
            return false;
        if (!strcmp((const char *)attrs[5 * i], "name"))
            at->name = k;
        else
            at->policy = k;
    }
    r->nr_read++;
    return true;
}

/* An element inside a child read without a node: noted, not built. */
static void inside_child(xmlParserCtxtPtr ctxt, struct reader *r,
                           const xmlChar *local)
{
    struct xlc_lv_child_read *f = &r->read[r->nr_read - 1];
    struct read_at *at = &r->at[r->nr_read - 1];

    if (r->depth != r->skip_depth + 1 || f->text || at->inner != NO_STR)
        return;
    at->inner = keep(r, local, strlen((const char *)local));
    f->inner_line = ctxt_line(ctxt);
    if (at->inner == NO_STR)
        stop(ctxt, "out of memory");
}

static void on_start(void *ctx, const xmlChar *local, const xmlChar *prefix,
                     const xmlChar *uri, int nb_ns, const xmlChar **ns,
                     int nb_attrs, int nb_defaulted, const xmlChar **attrs)
{
    xmlParserCtxtPtr ctxt = ctx;
    struct reader *r = reader_of(ctx);
    char buf[256];
    const char *why = over_limits(r, local, nb_attrs, attrs, buf,
                                  sizeof(buf)), *element;
    int nr;

    if (why) {
        stop(ctxt, why);
        return;
    }
    if (r->skip_depth) {
        inside_child(ctxt, r, local);
        return;
    }
    if (r->cpu_depth && r->depth == r->cpu_depth + 1 &&
        (element = read_as(local, uri, nb_ns, nb_attrs, nb_defaulted,
                           attrs))) {
        if (!read_child(ctxt, r, element, nb_attrs, attrs))
            stop(ctxt, "out of memory");
        r->skip_depth = r->depth;
        return;
    }
    nr = ctxt->nodeNr;
    r->start(ctx, local, prefix, uri, nb_ns, ns, nb_attrs, nb_defaulted,
             attrs);
    if (ctxt->nodeNr != nr + 1 || !ctxt->node)
        return; /* libxml2 ran out of memory; it stops by itself */
    /* Exact lines (libxml2 keeps 16 bits of them in the node). */
    ctxt->node->_private = (void *)(uintptr_t)ctxt_line(ctxt);
    if (!r->cpu_depth && r->depth > 1 && !uri &&
        !strcmp((const char *)local, "cpu")) {
        r->cpu_depth = r->depth;
        r->cpu = ctxt->node;
        r->cpu_line = ctxt_line(ctxt);
        r->children = r->nr_read = r->strs_len = 0;
    } else if (r->cpu_depth && r->depth == r->cpu_depth + 1) {
        r->children++;
    }
}

/* A host is complete: read it and hand it over. */
static void host_done(xmlParserCtxtPtr ctxt, struct reader *r)
{
    char source[XLC_LV_SOURCE_MAX];
    struct xlc_lv_cpu *cpu;
    xmlNode *n = r->cpu;
    int rc;

    r->cpu_depth = 0;
    r->cpu = NULL;
    for (size_t i = 0; i < r->nr_read; i++) {
        struct xlc_lv_child_read *f = &r->read[i];
        const struct read_at *at = &r->at[i];

        f->name = at->name == NO_STR ? NULL : r->strs + at->name;
        f->policy = at->policy == NO_STR ? NULL : r->strs + at->policy;
        f->inner = at->inner == NO_STR ? NULL : r->strs + at->inner;
    }
    /* Messages say "FILE (<cpu> at line L):N: ...", N a line of FILE. */
    xlc_lv_host_source(r->name, r->cpu_line, source);
    rc = xlc_xml_rename(n, source)
             ? xlc_fail(r->err, ENOMEM, "%s: out of memory", source)
             : xlc_lv_cpu_from_node_read(source, n, r->read, r->nr_read, &cpu,
                                         r->err);
    if (!rc) {
        rc = r->fn(r->ctx, cpu, r->err);
        xlc_lv_cpu_free(cpu);
        r->count++;
    }
    /* Its nodes go when the child of our root holding it ends (a host
     * <cpu> is usually that child): unlinking it earlier would leave
     * libxml2's text coalescing pointing at a sibling it did not make. */
    if (rc) {
        r->rc = rc;
        xmlStopParser(ctxt);
    }
}

static void on_end(void *ctx, const xmlChar *local, const xmlChar *prefix,
                   const xmlChar *uri)
{
    xmlParserCtxtPtr ctxt = ctx;
    struct reader *r = reader_of(ctx);
    unsigned int depth = r->depth;

    if (r->depth)
        r->depth--;
    if (r->skip_depth) {
        if (depth == r->skip_depth)
            r->skip_depth = 0;
        return;
    }
    r->end(ctx, local, prefix, uri);
    if (r->stop.stopped || r->rc)
        return;
    if (r->cpu_depth && depth == r->cpu_depth)
        host_done(ctxt, r);
    /* A child of our root is complete: nothing of it is needed. */
    if (depth == 2 && ctxt->node && !r->rc) {
        xmlFreeNodeList(ctxt->node->children);
        ctxt->node->children = ctxt->node->last = NULL;
        r->elements = 0;
    }
}

static bool blank(const xmlChar *s, int len)
{
    for (int i = 0; i < len; i++)
        if (!isspace(s[i]))
            return false;
    return true;
}

/* Text inside a child read without a node makes it non-empty. */
static bool text_in_child(struct reader *r, const xmlChar *ch, int len)
{
    if (!r->skip_depth)
        return false;
    if (r->depth == r->skip_depth && !blank(ch, len) &&
        r->at[r->nr_read - 1].inner == NO_STR)
        r->read[r->nr_read - 1].text = true;
    return true;
}

static void on_characters(void *ctx, const xmlChar *ch, int len)
{
    struct reader *r = reader_of(ctx);

    if (!text_in_child(r, ch, len))
        r->characters(ctx, ch, len);
}

static void on_cdata(void *ctx, const xmlChar *ch, int len)
{
    struct reader *r = reader_of(ctx);

    if (!text_in_child(r, ch, len))
        r->cdata(ctx, ch, len);
}

static void on_error(void *ctx, xmlErrorPtr e)
{
    xlc_xml_keep_first_error(&reader_of(ctx)->xml_err, e);
}

static xmlParserCtxtPtr make_ctxt(struct xlc_lv_source *s, struct reader *r)
{
    xmlParserCtxtPtr ctxt =
        xmlCreateIOParserCtxt(NULL, NULL, read_cb, close_cb, s,
                              XML_CHAR_ENCODING_UTF8);

    if (!ctxt)
        return NULL;
    /* As libvirt-xml.c: no network, no entities or DTDs, UTF-8 only,
     * blank text between elements dropped, exact lines. */
    ctxt->_private = r;
    xlc_xml_guard_parser(ctxt, on_error);
    r->start = ctxt->sax->startElementNs;
    r->end = ctxt->sax->endElementNs;
    r->characters = ctxt->sax->characters;
    r->cdata = ctxt->sax->cdataBlock;
    ctxt->sax->startElementNs = on_start;
    ctxt->sax->endElementNs = on_end;
    ctxt->sax->characters = on_characters;
    ctxt->sax->cdataBlock = on_cdata;
    return ctxt;
}

/* The first NUL byte of the whole source, when there is one. */
static bool find_nul(const struct xlc_lv_source *s, uint64_t from, uint64_t *at)
{
    struct xlc_lv_source t = *s;

    t.pos = from;
    t.at_start = false;
    t.nul = false;
    t.scan = NULL;
    while (xlc_lv_source_fill(&t))
        ;
    *at = t.nul_at;
    return t.nul;
}

static int verdict(xmlParserCtxtPtr ctxt, struct reader *r,
                   const struct xlc_lv_source *s, uint64_t start)
{
    uint64_t nul_at;

    /* The scan stopped the parse at the first limit, in byte order. */
    if (s->scan_rc) {
        *r->err = s->scan_err;
        return s->scan_rc;
    }
    /* As the tree reader, which looks for one before parsing. */
    if ((r->rc || r->stop.stopped || !ctxt->wellFormed || s->nul) &&
        find_nul(s, start, &nul_at))
        return xlc_fail(r->err, EINVAL, "%s: NUL byte at offset %llu: only "
                        "UTF-8 XML is read", r->name,
                        (unsigned long long)nul_at);
    if (r->rc)
        return r->rc;
    if (r->stop.stopped)
        return xlc_fail(r->err, EINVAL, "%s:%ld: %s", r->name, r->stop.line,
                        r->stop.why);
    if (s->io_error)
        return xlc_fail(r->err, s->io_errno, "%s: read error: %s", r->name,
                        strerror(s->io_errno));
    if (!ctxt->wellFormed)
        return xlc_fail(r->err, EINVAL, "%s:%ld: malformed XML: %s", r->name,
                        r->xml_err.have ? r->xml_err.line : ctxt_line(ctxt),
                        r->xml_err.have ? r->xml_err.msg : "parse failed");
    if (!r->count)
        return xlc_fail(r->err, EINVAL, "%s: no <cpu> element", r->name);
    return 0;
}

static int sax(const char *name, struct xlc_lv_source *s,
               xlc_lv_cpu_each_fn fn, void *ctx, size_t *count,
               unsigned long *end_line, xlc_error *err)
{
    struct reader r = { .name = name, .fn = fn, .ctx = ctx, .err = err };
    struct xlc_xml_scan scan;
    uint64_t start = s->pos;
    struct xlc_xml_quiet quiet;
    xmlParserCtxtPtr ctxt;
    int rc;

    xlc_xml_scan_init(&scan, name, &xlc_xml_batch_limits);
    scan.line = s->pad + 1;     /* a part of a file starts at its line */
    s->scan = &scan;
    s->buf = malloc(CHUNK);
    if (!s->buf)
        return xlc_fail(err, ENOMEM, "%s: out of memory", name);
    xlc_xml_quiet_begin(&quiet);
    ctxt = make_ctxt(s, &r);
    if (!ctxt) {
        rc = xlc_fail(err, ENOMEM, "%s: cannot create an XML parser", name);
    } else {
        xmlParseDocument(ctxt);
        rc = verdict(ctxt, &r, s, start);
        if (end_line)
            *end_line = (unsigned long)ctxt_line(ctxt);
        xmlFreeDoc(ctxt->myDoc);
        ctxt->myDoc = NULL;
        xmlFreeParserCtxt(ctxt);
    }
    xlc_xml_quiet_end(&quiet);
    free(s->buf);
    free(r.read);
    free(r.at);
    free(r.strs);
    if (count)
        *count = r.count;
    return rc;
}

/* The plain reader first (most files are in its form), else libxml2. */
static int each(enum xlc_lv_each_path via, const char *name,
                struct xlc_lv_source *s, xlc_lv_cpu_each_fn fn,
                xlc_lv_cpu_drop_fn drop, void *ctx, size_t *count,
                unsigned long *end_line, xlc_error *err)
{
    int rc;

    if (count)
        *count = 0;
    if (via != XLC_LV_EACH_SAX &&
        xlc_lv_cpu_plain(name, s, fn, drop, ctx, count, end_line, &rc,
                         err))
        return rc;
    if (via == XLC_LV_EACH_PLAIN)
        return XLC_LV_NOT_PLAIN;
    return sax(name, s, fn, ctx, count, end_line, err);
}

int xlc_lv_cpu_each_fd_via(enum xlc_lv_each_path via, const char *name,
                           int fd, uint64_t start, uint64_t end,
                           unsigned long first_line, xlc_lv_cpu_each_fn fn,
                           xlc_lv_cpu_drop_fn drop, void *ctx, size_t *count,
                           unsigned long *end_line, xlc_error *err)
{
    struct xlc_lv_source s = { .fd = fd, .pos = start, .end = end,
                               .pad = first_line > 1 ? first_line - 1 : 0,
                               .at_start = start == 0 };

    return each(via, name, &s, fn, drop, ctx, count, end_line, err);
}

int xlc_lv_cpu_each_fd(const char *name, int fd, uint64_t start,
                       uint64_t end, unsigned long first_line,
                       xlc_lv_cpu_each_fn fn, void *ctx, size_t *count,
                       unsigned long *end_line, xlc_error *err)
{
    return xlc_lv_cpu_each_fd_via(XLC_LV_EACH_BEST, name, fd, start, end,
                                  first_line, fn, NULL, ctx, count, end_line,
                                  err);
}

int xlc_lv_cpu_each_via(enum xlc_lv_each_path via, const char *name,
                        const char *text, size_t len,
                        unsigned long first_line, xlc_lv_cpu_each_fn fn,
                        xlc_lv_cpu_drop_fn drop, void *ctx, size_t *count,
                        unsigned long *end_line, xlc_error *err)
{
    struct xlc_lv_source s = { .fd = -1, .text = text, .pos = 0, .end = len,
                               .pad = first_line > 1 ? first_line - 1 : 0,
                               .at_start = true };

    if (count)
        *count = 0;
    if (len > XLC_XML_BATCH_MAX_BYTES)
        return xlc_fail(err, EFBIG, "%s: document is %zu bytes (limit %u)",
                        name, len, XLC_XML_BATCH_MAX_BYTES);
    return each(via, name, &s, fn, drop, ctx, count, end_line, err);
}

int xlc_lv_cpu_each(const char *name, const char *text, size_t len,
                    unsigned long first_line, xlc_lv_cpu_each_fn fn,
                    void *ctx, size_t *count, xlc_error *err)
{
    return xlc_lv_cpu_each_via(XLC_LV_EACH_BEST, name, text, len, first_line,
                               fn, NULL, ctx, count, NULL, err);
}
