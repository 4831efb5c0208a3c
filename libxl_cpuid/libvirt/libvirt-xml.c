/* SPDX-License-Identifier: MIT */
/*
 * The guarded libxml2 parse behind every libvirt reader.
 *
 * First the raw text is scanned against the limits (xlc_xml_scan), so
 * that libxml2 never starts on a document past one of them; then libxml2
 * builds the tree through its SAX2 callbacks, where we interpose on the
 * few that matter (element start/end, DOCTYPE, entity declarations, error
 * reporting) to keep exact lines, hand records over one by one, and keep
 * its messages.
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
    struct xlc_xml_stop stop;      /* first: a limit or a DOCTYPE */
    const char *name;
    startElementNsSAX2Func start;  /* libxml2's own SAX2 callbacks */
    endElementNsSAX2Func end;
    unsigned int depth;
    struct xlc_xml_first_error xml_err;  /* libxml2's first error */
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
void xlc_xml_stop_parse(xmlParserCtxtPtr ctxt, const char *fmt, ...)
{
    struct xlc_xml_stop *st = ctxt->_private;

    if (!st->stopped) {
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(st->why, sizeof(st->why), fmt, ap);
        va_end(ap);
        st->line = ctxt_line(ctxt);
        st->stopped = true;
    }
    xmlStopParser(ctxt);
}

static void on_start(void *ctx, const xmlChar *local, const xmlChar *prefix,
                     const xmlChar *uri, int nb_ns, const xmlChar **ns,
                     int nb_attrs, int nb_defaulted, const xmlChar **attrs)
{
    struct guard *g = guard_of(ctx);
    xmlParserCtxtPtr ctxt = ctx;
    int nr;

    /* The scan held every element to the limits before the parse. */
    g->depth++;
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
        xlc_xml_stop_parse(ctx, "out of memory");
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
    if (g->each && depth == 2 && !g->stop.stopped && !g->each_rc)
        hand_over(ctx, g);
}

void xlc_xml_guard_parser(xmlParserCtxtPtr ctxt,
                          xmlStructuredErrorFunc on_error)
{
    xmlCtxtUseOptions(ctxt, XLC_XML_PARSE_OPTIONS);
    ctxt->sax->internalSubset = xlc_xml_refuse_doctype;
    ctxt->sax->externalSubset = xlc_xml_refuse_doctype;
    ctxt->sax->entityDecl = xlc_xml_refuse_entity_decl;
    ctxt->sax->serror = on_error;
    ctxt->sax->warning = NULL;
    ctxt->sax->error = NULL;
    ctxt->sax->fatalError = NULL;
}

/* A DOCTYPE is the only way to declare entities: refuse it outright. */
void xlc_xml_refuse_doctype(void *ctx, const xmlChar *name,
                            const xmlChar *ext, const xmlChar *sys)
{
    (void)name, (void)ext, (void)sys;
    xlc_xml_stop_parse(ctx, "DOCTYPE declarations are not accepted (no DTDs "
                       "or entities)");
}

void xlc_xml_refuse_entity_decl(void *ctx, const xmlChar *name, int type,
                                const xmlChar *pub, const xmlChar *sys,
                                xmlChar *content)
{
    (void)type, (void)pub, (void)sys, (void)content;
    xlc_xml_stop_parse(ctx, "entity declaration '%s' is not accepted",
                       (const char *)name);
}

void xlc_xml_keep_first_error(struct xlc_xml_first_error *f, xmlErrorPtr e)
{
    size_t n;

    if (!e || e->level < XML_ERR_ERROR || f->have)
        return;
    snprintf(f->msg, sizeof(f->msg), "%s",
             e->message ? e->message : "malformed XML");
    /* libxml2 continues some messages on a second line. */
    for (char *nl = f->msg; (nl = strchr(nl, '\n'));)
        *nl = nl[1] ? ' ' : '\0';
    n = strlen(f->msg);
    while (n && (f->msg[n - 1] == '\n' || f->msg[n - 1] == ' '))
        f->msg[--n] = '\0';
    f->line = e->line;
    f->have = true;
}

/* libxml2's own errors: keep the first real one, print nothing. */
static void on_error(void *ctx, xmlErrorPtr e)
{
    xlc_xml_keep_first_error(&guard_of(ctx)->xml_err, e);
}

/* ---- the limits, and the scan of the raw text ---- */

const struct xlc_xml_limits xlc_xml_doc_limits = {
    XLC_XML_MAX_BYTES, XLC_XML_MAX_LINE, XLC_XML_MAX_DEPTH,
    XLC_XML_MAX_ELEMENTS, XLC_XML_MAX_ATTRS, XLC_XML_MAX_ATTR_LEN, false,
};
const struct xlc_xml_limits xlc_xml_batch_limits = {
    XLC_XML_BATCH_MAX_BYTES, XLC_XML_MAX_LINE, XLC_XML_MAX_DEPTH,
    XLC_XML_MAX_ELEMENTS, XLC_XML_MAX_ATTRS, XLC_XML_MAX_ATTR_LEN, true,
};

/* The hot loop's few helpers: inlined, as a call costs more than they do. */
#define HOT __attribute__((always_inline)) inline

enum scan_state {
    SC_PROLOG,     /* before the first '<': a byte order mark, blanks */
    SC_TEXT,       /* character data */
    SC_LT,         /* after '<' */
    SC_BANG,       /* after '<!': a comment, CDATA, or a declaration */
    SC_COMMENT,
    SC_CDATA,
    SC_PI,
    SC_START,      /* in a start tag: its name, its attributes */
    SC_VALUE,      /* in a quoted attribute value */
    SC_END,        /* in an end tag */
};

/*
 * Byte classes, one table lookup a byte.  The low bits say what a byte
 * does in a start tag; the flags say which runs it ends.  A NUL and a
 * newline end every run: they go through one_byte().
 */
enum {
    C_NAME,                 /* part of a name (or of what is taken as one) */
    C_BLANK,
    C_SLASH,
    C_GT,
    C_EQ,
    C_QUOTE,
    C_LINE,                 /* NUL, newline */
    C_MASK = 7,
    F_TEXT = 0x08,          /* '<' ends character data */
    F_APOS = 0x10,          /* a value quoted with ' */
    F_QUOT = 0x20,          /* a value quoted with " */
    F_END = 0x40,           /* '>' ends an end tag */
    F_ALL = F_TEXT | F_APOS | F_QUOT | F_END,
};

static const unsigned char byte_class[256] = {
    ['\0'] = C_LINE | F_ALL, ['\n'] = C_LINE | F_ALL, ['<'] = F_TEXT,
    [' '] = C_BLANK, ['\t'] = C_BLANK, ['\r'] = C_BLANK, ['/'] = C_SLASH,
    ['>'] = C_GT | F_END, ['='] = C_EQ, ['\''] = C_QUOTE | F_APOS,
    ['"'] = C_QUOTE | F_QUOT,
};

/*
 * The offset of the first byte that makes a line starting at offset
 * start too long (a newline there ends the line instead).  Kept as an
 * offset, so that runs of bytes need no count of their own.
 */
static size_t line_stop_from(const struct xlc_xml_limits *lim, size_t start)
{
    return start > SIZE_MAX - lim->max_line ? SIZE_MAX
                                            : start + lim->max_line;
}

void xlc_xml_scan_init(struct xlc_xml_scan *s, const char *name,
                       const struct xlc_xml_limits *lim)
{
    memset(s, 0, sizeof(*s));
    s->name = name;
    s->lim = lim;
    s->line = 1;
    s->line_stop = line_stop_from(lim, 0);
    s->state = SC_PROLOG;
}

/*
 * r more bytes of a name as messages give it: the first size - 1 bytes,
 * or, once it is longer, its first size - 4 and "...".
 */
static void name_add(struct xlc_xml_scan_name *n, const unsigned char *p,
                     size_t r)
{
    size_t at = n->len, size = sizeof(n->text);

    for (size_t k = 0; k < r && at + k + 1 < size; k++)
        n->text[at + k] = (char)p[k];
    if (at < size && at + r >= size)
        memcpy(n->text + size - 4, "...", 3);
    n->len = at + r;
    n->text[n->len < size ? n->len : size - 1] = '\0';
}

/* The name's bytes still in the chunk, into its text. */
static void name_settle(struct xlc_xml_scan_name *n)
{
    if (n->more)
        name_add(n, n->more, n->more_len);
    n->more = NULL;
}

/*
 * r more bytes of a name, from the chunk being scanned: only noted, as
 * most names are never in a message; the text gets them when a message
 * may need it or the chunk is done (name_settle).
 */
HOT static void name_defer(struct xlc_xml_scan_name *n, const unsigned char *p,
                           size_t r)
{
    if (n->more && n->more + n->more_len == p) {
        n->more_len += r;
        return;
    }
    name_settle(n);
    n->more = p;
    n->more_len = r;
}

static void name_clear(struct xlc_xml_scan_name *n)
{
    n->len = 0;
    n->text[0] = '\0';
    n->more = NULL;
}

static void names_settle(struct xlc_xml_scan *s)
{
    name_settle(&s->elem);
    name_settle(&s->attr);
}

static int scan_fail(struct xlc_xml_scan *s, int code, xlc_error *err,
                     const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static int scan_fail(struct xlc_xml_scan *s, int code, xlc_error *err,
                     const char *fmt, ...)
{
    char why[256];
    va_list ap;

    names_settle(s);            /* a message may give them */
    va_start(ap, fmt);
    vsnprintf(why, sizeof(why), fmt, ap);
    va_end(ap);
    return xlc_fail(err, code, "%s:%lu: %s", s->name, s->line, why);
}

static bool blank(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* The start tag's name is complete: one element more, one level deeper. */
HOT static int element_named(struct xlc_xml_scan *s, xlc_error *err)
{
    const struct xlc_xml_limits *lim = s->lim;

    s->in_name = false;
    if (++s->depth > lim->max_depth)
        return scan_fail(s, EINVAL, err, "elements nested deeper than %u "
                         "(at <%s>)", lim->max_depth, s->elem.text);
    if (++s->elements > lim->max_elements)
        return scan_fail(s, EINVAL, err, "more than %u elements%s",
                         lim->max_elements,
                         lim->per_record ? " in one record" : "");
    s->attrs = 0;
    return 0;
}

/* An element ends: one level up; a record (a child of the root) done. */
static void element_closed(struct xlc_xml_scan *s)
{
    if (s->depth)
        s->depth--;
    if (s->lim->per_record && s->depth == 1)
        s->elements = 0;
    s->state = SC_TEXT;
}

/* What follows '<!', as far as it is known. */
static int bang(struct xlc_xml_scan *s, unsigned char c, xlc_error *err)
{
    static const char comment[] = "--", cdata[] = "[CDATA[";
    size_t n = s->run;

    s->bang[n] = (char)c;
    s->bang[n + 1] = '\0';
    s->run++;
    if (!strcmp(s->bang, comment) || !strcmp(s->bang, cdata)) {
        s->state = s->bang[0] == '-' ? SC_COMMENT : SC_CDATA;
        s->run = 0;
        return 0;
    }
    if (!strncmp(comment, s->bang, n + 1) || !strncmp(cdata, s->bang, n + 1))
        return 0;
    if (s->bang[0] == 'D')
        return scan_fail(s, EINVAL, err, "DOCTYPE declarations are not "
                         "accepted (no DTDs or entities)");
    return scan_fail(s, EINVAL, err, "declarations ('<!') are not accepted "
                     "(no DTDs or entities)");
}

/*
 * r name bytes in a start tag: the element's name, or an attribute's
 * ('run' is 'n' while a name goes on; any other byte ends it, and the
 * next name byte starts a new attribute name).  From the chunk when
 * deferred, else copied now.
 */
HOT static void name_bytes(struct xlc_xml_scan *s, const unsigned char *p,
                           size_t r, bool defer)
{
    struct xlc_xml_scan_name *n = s->in_name ? &s->elem : &s->attr;

    if (!s->in_name && s->run != 'n')
        name_clear(n);
    if (defer) {
        name_defer(n, p, r);
    } else {
        name_settle(n);
        name_add(n, p, r);
    }
    s->closing = false;
    s->run = 'n';
}

/* One byte of a start tag.  A name ends at any byte but a name byte. */
HOT static int start_tag(struct xlc_xml_scan *s, unsigned char c,
                         xlc_error *err)
{
    unsigned int k = byte_class[c] & C_MASK;
    int rc;

    if (k == C_NAME) {
        name_bytes(s, &c, 1, false);
        return 0;
    }
    if (s->in_name && (rc = element_named(s, err)))
        return rc;
    if (k == C_GT) {
        /* "/>" closes the element; the '/' must come right before. */
        if (s->closing)
            element_closed(s);
        else
            s->state = SC_TEXT;
        return 0;
    }
    s->closing = k == C_SLASH;
    s->run = 0;
    if (k == C_EQ && ++s->attrs > s->lim->max_attrs)
        return scan_fail(s, EINVAL, err, "<%s> has more than %u "
                         "attributes (the limit)", s->elem.text,
                         s->lim->max_attrs);
    if (k == C_QUOTE) {
        s->quote = (char)c;
        s->value_len = 0;
        s->state = SC_VALUE;
    }
    return 0;
}

static int value(struct xlc_xml_scan *s, unsigned char c, xlc_error *err)
{
    if (c == (unsigned char)s->quote) {
        s->state = SC_START;
        s->run = 0;
    } else if (++s->value_len > s->lim->max_attr_len) {
        return scan_fail(s, EINVAL, err, "attribute %s of <%s> is longer "
                         "than %zu bytes (the limit)", s->attr.text,
                         s->elem.text, s->lim->max_attr_len);
    }
    return 0;
}

/* After '<' and a name byte: a start tag, its name from that byte. */
HOT static void tag_open(struct xlc_xml_scan *s)
{
    s->run = 0;
    s->closing = false;
    s->state = SC_START;
    s->in_name = true;
    name_clear(&s->elem);
}

/* After '<': what kind of markup. */
static void markup(struct xlc_xml_scan *s, unsigned char c)
{
    s->run = 0;
    s->closing = false;
    switch (c) {
    case '!': s->state = SC_BANG; break;
    case '?': s->state = SC_PI; break;
    case '/': s->state = SC_END; break;
    default:
        tag_open(s);
        name_add(&s->elem, &c, 1);
    }
}

/* One byte, its line and size already counted. */
static int step(struct xlc_xml_scan *s, unsigned char c, xlc_error *err)
{
    switch (s->state) {
    case SC_PROLOG:
        if (c == '<') {
            s->started = true;
            s->state = SC_LT;
        } else if (!blank(c) && !(s->bytes == 1 && c == 0xef) &&
                   !(s->bytes == 2 && c == 0xbb) &&
                   !(s->bytes == 3 && c == 0xbf)) {
            return scan_fail(s, EINVAL, err, "does not start with '<': "
                             "only UTF-8 XML is read");
        }
        return 0;
    case SC_TEXT:
        if (c == '<')
            s->state = SC_LT;
        return 0;
    case SC_LT:
        markup(s, c);
        return 0;
    case SC_BANG:
        return bang(s, c, err);
    case SC_COMMENT:
    case SC_CDATA:
        if (c == '>' && s->run >= 2)
            s->state = SC_TEXT;
        s->run = c == (s->state == SC_COMMENT ? '-' : ']') ? s->run + 1 : 0;
        return 0;
    case SC_PI:
        if (c == '>' && s->run)
            s->state = SC_TEXT;
        s->run = c == '?';
        return 0;
    case SC_START:
        return start_tag(s, c, err);
    case SC_VALUE:
        return value(s, c, err);
    case SC_END:
        if (c == '>')
            element_closed(s);
        return 0;
    }
    return 0;
}

/* A newline at offset off: the next line starts after it. */
HOT static void newline(struct xlc_xml_scan *s, size_t off)
{
    s->line++;
    s->line_stop = line_stop_from(s->lim, off + 1);
}

/*
 * One byte through every check, in the order that decides which problem
 * is reported first: a NUL, then the line's length, then what the byte
 * means where it is.  The runs below take only bytes that pass all three.
 */
static int one_byte(struct xlc_xml_scan *s, unsigned char c, size_t off,
                    xlc_error *err)
{
    if (!c)
        return scan_fail(s, EINVAL, err, "NUL byte at offset %zu: only "
                         "UTF-8 XML is read", off);
    if (c == '\n')
        newline(s, off);
    else if (off >= s->line_stop)
        return scan_fail(s, E2BIG, err, "line longer than %zu bytes "
                         "(the limit)", s->lim->max_line);
    s->bytes = off + 1;         /* the prolog looks for a byte order mark */
    return step(s, c, err);
}

/* The bytes of a chunk that are within the size limit. */
struct span {
    const unsigned char *p;
    size_t base;                /* the offset of p[0] in the document */
    size_t m;
};

/* Where runs must stop: the end of the span, or the byte at which the
 * line would be too long (one_byte() decides that one). */
HOT static size_t span_end(const struct xlc_xml_scan *s,
                           const struct span *sp)
{
    size_t room = s->line_stop > sp->base ? s->line_stop - sp->base : 0;

    return room < sp->m ? room : sp->m;
}

/*
 * The index of the first byte from i whose class has a bit of stop (a
 * flag, or C_MASK for the end of a name), or end.  Four bytes a round
 * while four are left: the test of the end is much of a byte's cost.
 */
HOT static size_t run_to(const unsigned char *p, size_t i, size_t end,
                         unsigned char stop)
{
    for (; end - i >= 4; i += 4) {
        if (byte_class[p[i]] & stop)
            return i;
        if (byte_class[p[i + 1]] & stop)
            return i + 1;
        if (byte_class[p[i + 2]] & stop)
            return i + 2;
        if (byte_class[p[i + 3]] & stop)
            return i + 3;
    }
    while (i < end && !(byte_class[p[i]] & stop))
        i++;
    return i;
}

/*
 * A quoted value's bytes up to its quote, as far as its limit lets them
 * pass; the quote, or the byte past the limit, goes through value().
 * Returns the index after what it took.
 */
HOT static size_t value_run(struct xlc_xml_scan *s, const unsigned char *p,
                            size_t i, size_t end, int *rc, xlc_error *err)
{
    size_t room = s->lim->max_attr_len - s->value_len;
    size_t stop = end - i > room ? i + room : end;
    size_t j = run_to(p, i, stop, s->quote == '"' ? F_QUOT : F_APOS);

    s->value_len += j - i;
    if (j == end || (byte_class[p[j]] & C_MASK) == C_LINE)
        return j;
    *rc = value(s, p[j], err);
    return j + 1;
}

/*
 * After an attribute's name, its '=' and opening quote, taken together
 * as start_tag() takes each when neither can be refused: then the value
 * is next.
 */
HOT static bool attr_value_next(struct xlc_xml_scan *s,
                                const unsigned char *p, size_t i,
                                size_t end)
{
    if (s->in_name || end - i < 2 || p[i] != '=' ||
        (byte_class[p[i + 1]] & C_MASK) != C_QUOTE ||
        s->attrs >= s->lim->max_attrs)
        return false;
    s->attrs++;
    s->closing = false;
    s->run = 0;
    s->quote = (char)p[i + 1];
    s->value_len = 0;
    s->state = SC_VALUE;
    return true;
}

/*
 * A start tag's bytes up to its '>': names and values in runs, the rest
 * one by one through start_tag(); a NUL or a newline is left.
 */
HOT static size_t tag_run(struct xlc_xml_scan *s, const unsigned char *p,
                          size_t i, size_t end, int *rc, xlc_error *err)
{
    if (s->state == SC_VALUE) {
        i = value_run(s, p, i, end, rc, err);
        if (*rc || s->state == SC_VALUE)
            return i;
    }
    while (i < end) {
        unsigned int k = byte_class[p[i]] & C_MASK;

        if (k == C_NAME) {
            size_t j = run_to(p, i + 1, end, C_MASK);

            name_bytes(s, p + i, j - i, true);
            i = j;
            if (attr_value_next(s, p, i, end)) {
                i = value_run(s, p, i + 2, end, rc, err);
                if (*rc || s->state == SC_VALUE)
                    return i;
            }
            continue;
        }
        if (k == C_LINE)
            return i;
        if ((*rc = start_tag(s, p[i++], err)) || k == C_GT)
            return i;
        /* "/>": the '>' after a '/' can only close the element. */
        if (k == C_SLASH && i < end && p[i] == '>') {
            element_closed(s);
            return i + 1;
        }
        /* A value's quote: the value, up to its closing quote. */
        if (k == C_QUOTE && i < end) {
            i = value_run(s, p, i, end, rc, err);
            if (*rc || s->state == SC_VALUE)
                return i;
        }
    }
    return i;
}

/*
 * Character data and its newlines from i, up to a '<' (taken: the state
 * is then SC_LT), a NUL, or *end (which a newline moves on).
 */
HOT static size_t text_run(struct xlc_xml_scan *s, const struct span *sp,
                           size_t i, size_t *end)
{
    const unsigned char *p = sp->p;

    for (;;) {
        i = run_to(p, i, *end, F_TEXT);
        if (i == *end || p[i] != '\n')
            break;
        newline(s, sp->base + i++);
        *end = span_end(s, sp);
    }
    if (i < *end && p[i] == '<') {
        s->state = SC_LT;
        i++;
    }
    return i;
}

/*
 * The bytes from i as far as the common states take them in runs (and
 * newlines in character data); returns the index of the first byte left
 * for one_byte() (a NUL, a newline in markup, the byte at the line's
 * limit, a byte of a comment, CDATA, a PI or '<!'), or the span's end.
 * On a refusal, *rc and err, and the index after the byte refused.
 */
static size_t runs(struct xlc_xml_scan *s, const struct span *sp, size_t i,
                   int *rcp, xlc_error *err)
{
    const unsigned char *p = sp->p;
    size_t end = span_end(s, sp);
    int rc = 0;

    while (i < end && !rc) {
        switch (s->state) {
        case SC_TEXT:
            i = text_run(s, sp, i, &end);
            if (s->state != SC_LT)
                break;
            /* A start tag's name from its first byte is one run. */
            if (i < end && !(byte_class[p[i]] & C_MASK) && p[i] != '!' &&
                p[i] != '?')
                tag_open(s);
            continue;
        case SC_LT:
            if ((byte_class[p[i]] & C_MASK) == C_LINE)
                break;
            markup(s, p[i++]);
            continue;
        case SC_START:
        case SC_VALUE:
            i = tag_run(s, p, i, end, &rc, err);
            if (s->state == SC_START || s->state == SC_VALUE)
                break;
            continue;
        case SC_END:
            i = run_to(p, i, end, F_END);
            if (i == end || p[i] != '>')
                break;
            element_closed(s);
            i++;
            continue;
        }
        break;      /* a byte for one_byte(), or the end */
    }
    *rcp = rc;
    return i;
}

/* A span: runs, and one_byte() for every byte they leave. */
static int scan_span(struct xlc_xml_scan *s, const struct span *sp,
                     xlc_error *err)
{
    size_t i = 0;
    int rc = 0;

    while (!rc && i < sp->m) {
        i = runs(s, sp, i, &rc, err);
        if (!rc && i < sp->m)
            rc = one_byte(s, sp->p[i], sp->base + i, err), i++;
    }
    s->bytes = sp->base + i;
    return rc;
}

/*
 * The first problem is the one reported, whatever the chunks: the size
 * limit is the first check on a byte, so it cuts the chunk before the
 * rest of the checks see it.
 */
int xlc_xml_scan(struct xlc_xml_scan *s, const char *p, size_t n,
                 xlc_error *err)
{
    size_t max = s->lim->max_bytes;
    size_t room = s->bytes < max ? max - s->bytes : 0;
    struct span sp = { (const unsigned char *)p, s->bytes,
                       n < room ? n : room };
    int rc = scan_span(s, &sp, err);

    names_settle(s);            /* the chunk is the caller's again */

    if (rc || n <= room)
        return rc;
    s->bytes++;
    return xlc_fail(err, EFBIG, "%s: document is over %zu bytes (limit %zu)",
                    s->name, max, max);
}

int xlc_xml_scan_end(struct xlc_xml_scan *s, xlc_error *err)
{
    if (!s->started)
        return xlc_fail(err, EINVAL, "%s: empty document", s->name);
    return 0;
}

/* ---- libxml2 kept quiet ---- */

static void silent_generic(void *ctx, const char *msg, ...)
{
    (void)ctx, (void)msg;
}

static void silent_structured(void *ctx, xmlErrorPtr e)
{
    (void)ctx, (void)e;
}

void xlc_xml_quiet_begin(struct xlc_xml_quiet *q)
{
    xmlInitParser();
    q->generic = xmlGenericError;
    q->generic_ctx = xmlGenericErrorContext;
    q->structured = xmlStructuredError;
    q->structured_ctx = xmlStructuredErrorContext;
    xmlSetGenericErrorFunc(NULL, silent_generic);
    xmlSetStructuredErrorFunc(NULL, silent_structured);
}

void xlc_xml_quiet_end(const struct xlc_xml_quiet *q)
{
    xmlSetGenericErrorFunc(q->generic_ctx, q->generic);
    xmlSetStructuredErrorFunc(q->structured_ctx, q->structured);
}

/*
 * The whole text against the limits, before libxml2 reads a byte of it:
 * its size first (the message gives it), then the scan.
 */
static int precheck(const char *name, const char *text, size_t len,
                    const struct xlc_xml_limits *lim, xlc_error *err)
{
    struct xlc_xml_scan scan;
    int rc;

    if (len > lim->max_bytes || len > INT32_MAX)
        return xlc_fail(err, EFBIG, "%s: document is %zu bytes (limit %zu)",
                        name, len, lim->max_bytes);
    xlc_xml_scan_init(&scan, name, lim);
    rc = xlc_xml_scan(&scan, text, len, err);
    return rc ? rc : xlc_xml_scan_end(&scan, err);
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
    ctxt->_private = g;
    xlc_xml_guard_parser(ctxt, on_error);
    g->start = ctxt->sax->startElementNs;
    g->end = ctxt->sax->endElementNs;
    ctxt->sax->startElementNs = on_start;
    ctxt->sax->endElementNs = on_end;
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
    else if (g->stop.stopped)
        rc = xlc_fail(err, EINVAL, "%s:%ld: %s", name, g->stop.line, g->stop.why);
    else if (!ctxt->wellFormed || !doc)
        rc = xlc_fail(err, EINVAL, "%s:%ld: malformed XML: %s", name,
                      g->xml_err.have ? g->xml_err.line : ctxt_line(ctxt),
                      g->xml_err.have ? g->xml_err.msg : "parse failed");
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
static int run(struct guard *g, const char *text, size_t len,
               const struct xlc_xml_limits *lim, xmlDocPtr *out,
               xlc_error *err)
{
    const char *name = g->name;
    struct xlc_xml_quiet quiet;
    xmlParserCtxtPtr ctxt;
    int rc;

    rc = precheck(name, text, len, lim, err);
    if (rc)
        return rc;
    /* Errors raised without a parser context would otherwise be printed. */
    xlc_xml_quiet_begin(&quiet);
    ctxt = make_ctxt(text, len, g);
    if (!ctxt) {
        rc = xlc_fail(err, ENOMEM, "%s: cannot create an XML parser", name);
    } else {
        xmlParseDocument(ctxt);
        rc = finish(ctxt, name, out, err);
        xmlFreeParserCtxt(ctxt);
    }
    xlc_xml_quiet_end(&quiet);
    return rc;
}

int xlc_xml_parse(const char *name, const char *text, size_t len,
                  xmlDocPtr *out, xlc_error *err)
{
    struct guard g = { .name = name };

    *out = NULL;
    return run(&g, text, len, &xlc_xml_doc_limits, out, err);
}

int xlc_xml_parse_each(const char *name, const char *text, size_t len,
                       xlc_xml_each_fn each, void *ctx, xlc_error *err)
{
    struct guard g = { .name = name, .each = each, .each_ctx = ctx,
                       .err = err };

    return run(&g, text, len, &xlc_xml_batch_limits, NULL, err);
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
    if (!len) {
        free(buf);
        return xlc_fail(err, EINVAL, "%s: empty file (expected an XML "
                        "document)", path);
    }
    rc = xlc_xml_parse(path, buf, len, out, err);
    free(buf);
    return rc;
}

void xlc_xml_free(xmlDocPtr doc)
{
    if (doc)
        xmlFreeDoc(doc);
}
