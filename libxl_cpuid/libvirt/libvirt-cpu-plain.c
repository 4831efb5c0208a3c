/* SPDX-License-Identifier: MIT */
/*
 * The plain form of a file of host <cpu> elements, read without libxml2.
 *
 * Files of hosts are written by programs (`virsh capabilities` cut into
 * its <cpu> elements, our bench, pool scripts): <cpu> elements one after
 * another, each a list of empty or one-word children, in ASCII, one tag
 * a line.  libxml2's SAX parser alone costs more per host than the
 * whole read should, so such a file is read here first.
 *
 * The first pass reads the whole range without handing anything over,
 * and says whether it is plain: blanks and <cpu> elements only at the
 * top; printable ASCII, tab and LF only; no reference, comment, CDATA,
 * processing instruction or namespace; no newline inside a tag; inside a
 * <cpu>, children only, each empty, blank (a child read without a node,
 * see libvirt-cpu-batch.h) or one word of text; every limit of
 * xlc_xml_batch_limits kept with room to spare.  Only then does the
 * second pass build each host exactly as the SAX path does (the nodes it
 * builds, as libxml2's structures laid out here, the children it reads
 * without nodes, the same lines) and hand it to
 * xlc_lv_cpu_from_node_read() and the callback.  An error then is
 * the SAX path's too: it would read the same hosts before it, with
 * nothing refused on the way.  Anything not plain goes to the SAX path
 * untouched, which gives the one answer and message for it.
 *
 * A caller that keeps the hosts until the reading returns, and can drop
 * them (the parts of a split file, libvirt-cpu-batch.h), lets the range
 * be read once: hosts are built and handed over as they are read; after
 * an error the rest is only read for its form, and the error stands when
 * it is plain; when the range is not plain after all, the caller drops
 * what it was given and the SAX path reads the range.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>

#include "libvirt-cpu-batch.h"
#include "libvirt-xml.h"
#include "../util/escape.h"
#include "../util/strbuf.h"

/* Our root, a <cpu> and its children: three levels. */
_Static_assert(XLC_XML_MAX_DEPTH >= 3, "a host nests three levels");

/* Room kept below each limit: the SAX path counts from its own root. */
#define MARGIN 64u
/* A name longer than this is not plain (libvirt's are short). */
#define NAME_MAX_PLAIN 128u
/* The room for a host's source, as in libvirt-cpu-batch.c. */
/* Nor a <cpu> bigger than a document may be. */
#define ITEM_MAX XLC_XML_MAX_BYTES

/* A step of the reader: done, not plain, the window ends too soon, or
 * (at the top) the range is read. */
enum step { OK, NO, MORE, END };

struct attr {
    const char *name, *val;
    size_t name_len, val_len;
};

struct tag {
    const char *name;
    size_t len;
    struct attr attrs[XLC_XML_MAX_ATTRS];
    unsigned int nr;
    bool empty;               /* <x/> */
};

/* A block of the nodes of the host being built. */
#define BLOCK_BYTES (16u << 10)
struct block {
    struct block *next;
    size_t used, cap;
    max_align_t room[];
};

/*
 * Where a child read without a node has its values: in the window, which
 * holds the whole <cpu> while it is built (a <cpu> the window cut short
 * is read again).  Their quotes become NULs while the host is read.
 */
struct value_at {
    size_t at, len;           /* offset in the window; SIZE_MAX: absent */
    char quote;
};
struct read_at {
    struct value_at name, policy;
};

struct plain {
    const char *name;
    struct xlc_lv_source src;
    char *win;                /* the bytes not yet read, from a chunk on */
    size_t len, cap, pos;     /* pos: the start of the current item */
    const char *p, *end;      /* the cursor in the window */
    unsigned long line, item_line;
    size_t line_len;          /* bytes of the line being filled */
    bool eof, build, oom;
    size_t hosts;             /* <cpu> elements read */
    size_t handed;            /* hosts handed to fn */
    /* the host being built (second pass) */
    struct block *blocks, *block;  /* its nodes: see node() */
    xmlDoc *doc;
    xmlNode *cpu;
    long cpu_line;
    size_t children;          /* its element children in the tree */
    unsigned int elements;
    struct xlc_lv_child_read *read;
    struct read_at *at;
    size_t nr_read, cap_read, cap_at;
    const char *feature;      /* xlc_lv_read_element()'s "feature" */
    xlc_lv_cpu_each_fn fn;
    xlc_lv_cpu_drop_fn drop;  /* non-NULL: one pass, see below */
    void *ctx;
    xlc_error *err;
    int rc;
    /* The first error of a pass that read on for the form only. */
    int first_rc;
    unsigned long first_rc_line;
};

/* ---- the window over the range ---- */

/* Printable ASCII, tabs and LFs only: what a report prints as it is
 * (escape.h reads such runs sixteen or eight bytes at a time). */
static bool printable(const char *p, const char *end)
{
    size_t n = (size_t)(end - p);

    return xlc_escape_plain_len(p, n, XLC_ESCAPE_REPORT) == n;
}

/* Every line within the limit (less the margin): an LF in every run of
 * that many bytes, the line being filled counted from x->line_len. */
static bool lines_fit(struct plain *x, const char *p, const char *end)
{
    size_t room = XLC_XML_MAX_LINE - MARGIN - x->line_len;
    const char *nl;

    while ((size_t)(end - p) >= room) {
        nl = memrchr(p, '\n', room);
        if (!nl)
            return false;
        p = nl + 1;
        room = XLC_XML_MAX_LINE - MARGIN;
    }
    nl = memrchr(p, '\n', (size_t)(end - p));
    x->line_len = nl ? (size_t)(end - nl - 1) : x->line_len + (size_t)(end - p);
    return true;
}

/* The bytes of a chunk: printable ASCII, tab and LF, lines that fit. */
static bool bytes_plain(struct plain *x, const char *s, size_t n)
{
    return lines_fit(x, s, s + n) && printable(s, s + n);
}

/* Room for a chunk after what is left of the window. */
static bool make_room(struct plain *x)
{
    char *w;

    if (x->pos)               /* (no window yet: nothing to move) */
        memmove(x->win, x->win + x->pos, x->len - x->pos);
    x->len -= x->pos;
    x->pos = 0;
    if (x->cap - x->len >= XLC_LV_CHUNK)
        return true;
    if (x->len > ITEM_MAX)
        return false;
    w = realloc(x->win, x->len + XLC_LV_CHUNK);
    x->oom = !w;
    if (!w)
        return false;
    x->win = w;
    x->cap = x->len + XLC_LV_CHUNK;
    return true;
}

/* The next chunk of the range; false when there is none to be had. */
static bool refill(struct plain *x)
{
    struct xlc_lv_source *s = &x->src;
    size_t n;

    if (x->eof || !make_room(x))
        return false;
    s->buf = x->win + x->len;
    if (!xlc_lv_source_fill(s)) {
        x->eof = true;
        return !s->nul && !s->io_error;
    }
    /* What strip_start() dropped counts on the first line, to be safe. */
    x->line_len += s->off;
    n = s->have - s->off;
    memmove(s->buf, s->buf + s->off, n);
    if (!bytes_plain(x, s->buf, n))
        return false;
    x->len += n;
    return true;
}

/* The window ended: more of it, or (at the range's end) not plain. */
static enum step more(const struct plain *x)
{
    return x->eof ? NO : MORE;
}

/* ---- the grammar ---- */

/* The characters of a name, as a bitmap of ASCII in two words. */
#define BIT(c) (1ull << ((c) & 63))
#define SPAN(a, b) ((~0ull >> (63 - ((b) - (a)))) << ((a) & 63))
#define NAME_LOW (SPAN('-', '.') | SPAN('0', '9'))
#define NAME_HIGH (SPAN('A', 'Z') | BIT('_') | SPAN('a', 'z'))

/* What ends a run of a value: its end, the other quote, or what a plain
 * value may not hold ('<', '&', tab, LF: nothing to normalise). */
#define VALUE_STOP                                                            \
    (BIT('<') | BIT('&') | BIT('\t') | BIT('\n') | BIT('\'') | BIT('"'))

/* Both as a table of every byte, made from them at compile time. */
enum { C_NAME = 1, C_VALUE = 2 };
#define IS_NAME(u)                                                            \
    ((u) < 128 && ((((u) < 64 ? NAME_LOW : NAME_HIGH) >> ((u) & 63)) & 1))
#define IS_VALUE(u) ((u) >= 64 || !((VALUE_STOP >> ((u) & 63)) & 1))
#define CLASS(u) (IS_NAME(u) * C_NAME | IS_VALUE(u) * C_VALUE)
#define CLASS4(u) CLASS(u), CLASS((u) + 1), CLASS((u) + 2), CLASS((u) + 3)
#define CLASS16(u) CLASS4(u), CLASS4((u) + 4), CLASS4((u) + 8), CLASS4((u) + 12)
#define CLASS64(u)                                                            \
    CLASS16(u), CLASS16((u) + 16), CLASS16((u) + 32), CLASS16((u) + 48)
static const unsigned char char_class[256] = {
    CLASS64(0u), CLASS64(64u), CLASS64(128u), CLASS64(192u)
};

static bool name_char(char c)
{
    return char_class[(unsigned char)c] & C_NAME;
}

static bool name_start(char c)
{
    return c >= 'A' && name_char(c);
}

/* Spaces and tabs, inside a tag. */
static void tag_blanks(struct plain *x)
{
    const char *p = x->p, *end = x->end;

    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    x->p = p;
}

/* Blanks between elements, counting lines. */
static void blanks(struct plain *x)
{
    const char *p = x->p, *end = x->end;
    unsigned long line = x->line;

    if (p < end && *p == '<')
        return;               /* the usual case: none */

    for (; p < end && (*p == ' ' || *p == '\t' || *p == '\n'); p++)
        line += *p == '\n';
    x->p = p;
    x->line = line;
}

/* The names nearly every tag has, taken whole when they are there: the
 * length of the one at p, or 0. */
static size_t common_name(const char *p, const char *end)
{
    if (end - p > 7 && !memcmp(p, "feature", 7) && !name_char(p[7]))
        return 7;
    if (end - p > 4 && !memcmp(p, "name", 4) && !name_char(p[4]))
        return 4;
    return 0;
}

static enum step name(struct plain *x, const char **s, size_t *n)
{
    const char *p = x->p, *end = x->end;
    size_t common = common_name(p, end);

    *s = p;
    if (common) {
        *n = common;
        x->p = p + common;
        return OK;
    }
    if (p == end)
        return more(x);
    if (!name_start(*p))
        return NO;
    while (p < end && name_char(*p))
        p++;
    if (p == end)
        return more(x);
    *n = (size_t)(p - *s);
    x->p = p;
    return *n <= NAME_MAX_PLAIN ? OK : NO;
}

static bool value_char(char c)
{
    return char_class[(unsigned char)c] & C_VALUE;
}

/* A quoted value, within the length limit. */
static enum step value(struct plain *x, struct attr *a)
{
    const char *p = x->p, *end = x->end, *v;
    char quote;

    if (p == end)
        return more(x);
    if (*p != '\'' && *p != '"')
        return NO;
    quote = *p++;
    v = p;
    for (;;) {
        while (p < end && value_char(*p))
            p++;
        if (p == end)
            return more(x);
        if (*p == quote)
            break;
        if (*p != '\'' && *p != '"')
            return NO;
        p++;                  /* the other quote */
    }
    a->val = v;
    a->val_len = (size_t)(p - v);
    x->p = p + 1;
    return a->val_len < XLC_XML_MAX_ATTR_LEN - MARGIN ? OK : NO;
}

/* An attribute named like no other of the tag, and not xml* (reserved:
 * xmlns declares a namespace). */
static bool new_attr(const struct tag *t, const struct attr *a)
{
    if (a->name_len >= 3 && (a->name[0] | 0x20) == 'x' &&
        (a->name[1] | 0x20) == 'm' && (a->name[2] | 0x20) == 'l')
        return false;
    for (unsigned int i = 0; i < t->nr; i++)
        if (t->attrs[i].name_len == a->name_len &&
            !memcmp(t->attrs[i].name, a->name, a->name_len))
            return false;
    return true;
}

static enum step attribute(struct plain *x, struct tag *t)
{
    struct attr *a = &t->attrs[t->nr];
    enum step r;

    if (t->nr >= XLC_XML_MAX_ATTRS - 1)
        return NO;
    if ((r = name(x, &a->name, &a->name_len)))
        return r;
    if (!new_attr(t, a))
        return NO;
    tag_blanks(x);
    if (x->p == x->end)
        return more(x);
    if (*x->p++ != '=')
        return NO;
    tag_blanks(x);
    if ((r = value(x, a)))
        return r;
    t->nr++;
    return OK;
}

/* A start tag, at its '<': name, attributes, '>' or '/>' on one line. */
static enum step start_tag(struct plain *x, struct tag *t)
{
    enum step r;

    x->p++;
    t->nr = 0;
    if ((r = name(x, &t->name, &t->len)))
        return r;
    for (;;) {
        const char *at = x->p;

        tag_blanks(x);
        if (x->p == x->end || (*x->p == '/' && x->end - x->p < 2))
            return more(x);
        if (*x->p == '>' || (x->p[0] == '/' && x->p[1] == '>')) {
            t->empty = *x->p == '/';
            x->p += 1 + t->empty;
            return OK;
        }
        if (x->p == at)
            return NO;        /* attributes are separated by blanks */
        if ((r = attribute(x, t)))
            return r;
    }
}

/*
 * The tag nearly every child is, <feature name='NAME'/> as programs write
 * it, at its '<': taken whole into t (as start_tag() would read it) when
 * it is there; false, with nothing read, for start_tag() to judge.
 */
static bool feature_tag(struct plain *x, struct tag *t)
{
    static const char head[] = "<feature name='";
    const char *p = x->p + sizeof(head) - 1, *end = x->end, *v = p;

    if (end - x->p < (ptrdiff_t)sizeof(head) + 2 ||
        memcmp(x->p, head, sizeof(head) - 1))
        return false;
    while (p < end && value_char(*p))
        p++;
    if (end - p < 3 || memcmp(p, "'/>", 3) ||
        (size_t)(p - v) >= XLC_XML_MAX_ATTR_LEN - MARGIN)
        return false;
    t->name = x->p + 1;
    t->len = 7;
    t->attrs[0] = (struct attr){ .name = x->p + 9, .name_len = 4, .val = v,
                                 .val_len = (size_t)(p - v) };
    t->nr = 1;
    t->empty = true;
    x->p = p + 3;
    return true;
}

/* "</NAME>", blanks before '>' allowed. */
static enum step end_tag(struct plain *x, const struct tag *t)
{
    if ((size_t)(x->end - x->p) < t->len + 3)
        return more(x);
    if (x->p[0] != '<' || x->p[1] != '/' ||
        memcmp(x->p + 2, t->name, t->len))
        return NO;
    x->p += 2 + t->len;
    tag_blanks(x);
    if (x->p == x->end)
        return more(x);
    return *x->p++ == '>' ? OK : NO;
}

/* One word of text, up to the '<' after it. */
static enum step word(struct plain *x, const char **s, size_t *n)
{
    const char *p = x->p, *end = x->end;

    *s = p;
    while (p < end && *p != '<') {
        if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '&' || *p == ']')
            return NO;
        p++;
    }
    if (p == end)
        return more(x);
    *n = (size_t)(p - *s);
    x->p = p;
    return OK;
}

/* ---- building a host (second pass) ---- */

static bool is(const struct tag *t, const char *name, size_t len)
{
    return t->len == len && !memcmp(t->name, name, len);
}

/* The static name of a child read without a node, or NULL: as read_as()
 * in libvirt-cpu-batch.c, a <feature> only with name= and policy=.  Most
 * children are features: x->feature is its name, looked up once. */
static const char *read_as(const struct plain *x, const struct tag *t)
{
    if (!is(t, "feature", 7))
        return xlc_lv_read_element(t->name, t->len);
    for (unsigned int i = 0; i < t->nr; i++) {
        const struct attr *a = &t->attrs[i];

        if (!(a->name_len == 4 && !memcmp(a->name, "name", 4)) &&
            !(a->name_len == 6 && !memcmp(a->name, "policy", 6)))
            return NULL;
    }
    return x->feature;
}

static struct value_at value_at(const struct plain *x, const struct attr *a)
{
    return (struct value_at){ (size_t)(a->val - x->win), a->val_len,
                              a->val[a->val_len] };
}

static bool read_child(struct plain *x, const char *element,
                       const struct tag *t, long line)
{
    struct xlc_lv_child_read *f;
    struct read_at *at;

    if ((x->nr_read == x->cap_read &&
         xlc_grow(&x->read, &x->cap_read, x->nr_read, sizeof(*x->read))) ||
        (x->nr_read == x->cap_at &&
         xlc_grow(&x->at, &x->cap_at, x->nr_read, sizeof(*x->at))))
        return false;
    f = &x->read[x->nr_read];
    at = &x->at[x->nr_read++];
    *f = (struct xlc_lv_child_read){ .element = element, .line = line,
                                     .after = x->children };
    at->name.at = at->policy.at = SIZE_MAX;
    for (unsigned int i = 0; element == x->feature && i < t->nr; i++) {
        const struct attr *a = &t->attrs[i];

        if (a->name[0] == 'n')
            at->name = value_at(x, a);
        else
            at->policy = value_at(x, a);
    }
    return true;
}

/* A value of a child read, NUL-terminated in the window (NULL: absent). */
static const char *value_str(struct plain *x, const struct value_at *v)
{
    if (v->at == SIZE_MAX)
        return NULL;
    x->win[v->at + v->len] = '\0';
    return x->win + v->at;
}

/* Its quote back, once the host is read. */
static void value_end(struct plain *x, const struct value_at *v)
{
    if (v->at != SIZE_MAX)
        x->win[v->at + v->len] = v->quote;
}

/*
 * The nodes of the host being built are libxml2's structures, as its SAX2
 * handler builds them (an element, its attributes each with one text
 * node, a word of text as a text node), but laid out here in blocks
 * reused from host to host: the one <cpu> reader only reads them through
 * libvirt-xml.h's accessors, and nothing hands them to libxml2 to change
 * or free.  Allocating and freeing a dozen small pieces per node was a
 * tenth of reading a host.
 */
static void *room(struct plain *x, size_t n)
{
    struct block *b = x->block;
    void *p;

    n = (n + sizeof(max_align_t) - 1) & ~(sizeof(max_align_t) - 1);
    while (!b || b->cap - b->used < n) {
        struct block **next = b ? &b->next : &x->blocks;

        if (!*next || (*next)->cap < n) {
            size_t cap = n > BLOCK_BYTES ? n : BLOCK_BYTES;
            struct block *nb = malloc(sizeof(*nb) + cap);

            if (!nb)
                return NULL;
            nb->next = *next;
            nb->cap = cap;
            *next = nb;
        }
        b = *next;
        b->used = 0;
    }
    x->block = b;
    p = (char *)b->room + b->used;
    b->used += n;
    return p;
}

/* Every node of the host given up (the blocks stay for the next). */
static void nodes_reset(struct plain *x)
{
    x->block = NULL;
}

static void blocks_free(struct plain *x)
{
    while (x->blocks) {
        struct block *next = x->blocks->next;

        free(x->blocks);
        x->blocks = next;
    }
}

static xmlChar *str(struct plain *x, const char *s, size_t n)
{
    char *d = room(x, n + 1);

    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return (xmlChar *)d;
}

/* A text node of n bytes at s, child of parent. */
static xmlNode *text(struct plain *x, xmlNode *parent, const char *s,
                     size_t n)
{
    xmlNode *t = room(x, sizeof(*t));

    if (!t)
        return NULL;
    *t = (xmlNode){ .type = XML_TEXT_NODE, .name = xmlStringText,
                    .parent = parent, .doc = x->doc,
                    .content = str(x, s, n) };
    return t->content ? t : NULL;
}

static bool attr_node(struct plain *x, xmlNode *n, xmlAttr **tail,
                      const struct attr *a)
{
    xmlAttr *p = room(x, sizeof(*p));

    if (!p)
        return false;
    *p = (xmlAttr){ .type = XML_ATTRIBUTE_NODE, .parent = n, .doc = x->doc,
                    .name = str(x, a->name, a->name_len), .prev = *tail };
    p->children = p->last = text(x, (xmlNode *)p, a->val, a->val_len);
    if (!p->name || !p->children)
        return false;
    if (*tail)
        (*tail)->next = p;
    else
        n->properties = p;
    *tail = p;
    return true;
}

/* An element node with its attributes, child of parent (or none). */
static xmlNode *node(struct plain *x, xmlNode *parent, const struct tag *t,
                     long line)
{
    xmlNode *n = room(x, sizeof(*n));
    xmlAttr *tail = NULL;

    if (!n)
        return NULL;
    /* Exact lines, where the SAX path keeps them. */
    *n = (xmlNode){ .type = XML_ELEMENT_NODE, .parent = parent,
                    .doc = x->doc, .name = str(x, t->name, t->len),
                    ._private = (void *)(uintptr_t)line };
    if (!n->name)
        return NULL;
    for (unsigned int i = 0; i < t->nr; i++)
        if (!attr_node(x, n, &tail, &t->attrs[i]))
            return NULL;
    if (parent) {
        n->prev = parent->last;
        if (parent->last)
            parent->last->next = n;
        else
            parent->children = n;
        parent->last = n;
    }
    return n;
}

/* A child built as a node, with its word of text when it has one. */
static bool tree_child(struct plain *x, const struct tag *t, long line,
                       const char *s, size_t len)
{
    xmlNode *n = node(x, x->cpu, t, line);

    if (!n)
        return false;
    x->children++;
    if (len && !(n->children = n->last = text(x, n, s, len)))
        return false;
    return true;
}

/* The <cpu> read: checked, handed over, freed (as host_done()). */
static void host_done(struct plain *x)
{
    char source[XLC_LV_SOURCE_MAX];
    struct xlc_lv_cpu *cpu;
    int rc;

    for (size_t i = 0; i < x->nr_read; i++) {
        x->read[i].name = value_str(x, &x->at[i].name);
        x->read[i].policy = value_str(x, &x->at[i].policy);
    }
    xlc_lv_host_source(x->name, x->cpu_line, source);
    rc = xlc_xml_rename(x->cpu, source)
             ? xlc_fail(x->err, ENOMEM, "%s: out of memory", source)
             : xlc_lv_cpu_from_node_read(source, x->cpu, x->read, x->nr_read,
                                         &cpu, x->err);
    if (!rc) {
        rc = x->fn(x->ctx, cpu, x->err);
        xlc_lv_cpu_free(cpu);
        x->handed++;
    }
    for (size_t i = 0; i < x->nr_read; i++) {
        value_end(x, &x->at[i].name);
        value_end(x, &x->at[i].policy);
    }
    x->rc = rc;
}

/* Start a host afresh (a <cpu> is read again when the window was short). */
static void host_reset(struct plain *x)
{
    nodes_reset(x);
    x->cpu = NULL;
    x->children = x->nr_read = 0;
    x->elements = 0;
}

/* ---- the elements ---- */

/* The content of a child: blanks for one read without a node, else at
 * most one word; then its end tag. */
static enum step child_content(struct plain *x, const struct tag *t,
                               bool read, const char **text, size_t *len)
{
    enum step r;

    *len = 0;
    if (t->empty)
        return OK;
    if (read)
        blanks(x);
    else if (x->p < x->end && *x->p != '<' && (r = word(x, text, len)))
        return r;
    return end_tag(x, t);
}

static enum step child(struct plain *x)
{
    struct tag t;
    const char *element, *text = NULL;
    long line = (long)x->line;
    size_t len;
    enum step r;

    if (feature_tag(x, &t)) {
        element = x->feature;
    } else {
        if ((r = start_tag(x, &t)))
            return r;
        element = read_as(x, &t);
    }
    if (++x->elements >= XLC_XML_MAX_ELEMENTS - MARGIN)
        return NO;
    if ((r = child_content(x, &t, element != NULL, &text, &len)) ||
        !x->build)
        return r;
    if (element ? !read_child(x, element, &t, line)
                : !tree_child(x, &t, line, text, len))
        x->rc = xlc_fail(x->err, ENOMEM, "%s:%ld: out of memory", x->name,
                         line);
    return OK;
}

/* A <cpu> element, at its '<': read, and in the second pass handed over. */
static enum step cpu(struct plain *x)
{
    struct tag t;
    enum step r;

    host_reset(x);
    x->cpu_line = (long)x->line;
    if ((r = start_tag(x, &t)))
        return r;
    if (!is(&t, "cpu", 3))
        return NO;
    if (x->build && !(x->cpu = node(x, NULL, &t, x->cpu_line))) {
        x->rc = xlc_fail(x->err, ENOMEM, "%s: out of memory", x->name);
        return OK;
    }
    while (!t.empty) {
        blanks(x);
        if (x->end - x->p < 2)
            return more(x);
        if (*x->p != '<' || x->p[1] == '!' || x->p[1] == '?')
            return NO;
        if (x->p[1] == '/')
            break;
        if ((r = child(x)) || x->rc)
            return r;
    }
    if (!t.empty && (r = end_tag(x, &t)))
        return r;
    x->hosts++;
    if (x->build)
        host_done(x);
    return OK;
}

/* The next item at the top: a run of blanks or a <cpu>. */
static enum step item(struct plain *x)
{
    const char *at = x->p;

    blanks(x);
    if (x->p != at)
        return OK;
    if (x->p == x->end)
        return x->eof ? END : MORE;
    return *x->p == '<' ? cpu(x) : NO;
}

/* The whole range, item by item; false when it is not plain. */
static bool range(struct plain *x)
{
    for (;;) {
        enum step r;

        x->line = x->item_line;
        if (!x->win) {
            /* Nothing read yet: no window to point into. */
            r = x->eof ? END : MORE;
        } else {
            x->p = x->win + x->pos;
            x->end = x->win + x->len;
            r = item(x);
        }
        if (r == MORE) {
            if (!refill(x))
                return false;
            continue;
        }
        if (r != OK)
            return r == END;
        x->pos = (size_t)(x->p - x->win);
        x->item_line = x->line;
        if (x->rc && !x->drop)
            return true;
        if (x->rc) {
            /* One pass: the error stands if the rest is plain too. */
            x->first_rc = x->rc;
            x->first_rc_line = x->line;
            x->rc = 0;
            x->build = false;
        }
    }
}

/* One pass over the range: plain or not (the first); the hosts (the
 * second). */
static bool pass(struct plain *x, const struct xlc_lv_source *s)
{
    x->src = *s;
    x->src.scan = NULL;
    x->src.buf = NULL;
    x->len = x->pos = x->line_len = 0;
    x->eof = false;
    x->line = x->item_line = s->pad + 1;
    x->hosts = x->handed = 0;
    x->rc = 0;
    return range(x);
}

static void plain_free(struct plain *x)
{
    host_reset(x);
    blocks_free(x);
    xmlFreeDoc(x->doc);
    free(x->win);
    free(x->read);
    free(x->at);
}

/* The hosts handed over: the first error, as the SAX path would give it;
 * or why the range did not read again as it did the first time. */
static int second_pass(struct plain *x, const struct xlc_lv_source *s)
{
    if (pass(x, s))
        return x->rc;
    if (x->oom)
        return xlc_fail(x->err, ENOMEM, "%s: out of memory", x->name);
    if (x->src.io_error)
        return xlc_fail(x->err, x->src.io_errno, "%s: read error: %s",
                        x->name, strerror(x->src.io_errno));
    return xlc_fail(x->err, EIO, "%s: changed while read", x->name);
}

/* Ready to build: libxml2's globals set up before any node is made, as
 * the SAX path's parser does (a caller may read from several threads). */
static bool build_start(struct plain *x)
{
    x->build = true;
    xmlInitParser();
    x->doc = xmlNewDoc(NULL);
    if (!x->doc)
        x->rc = xlc_fail(x->err, ENOMEM, "%s: out of memory", x->name);
    return x->doc != NULL;
}

/* Two passes: the whole range plain first, then built and handed over. */
static bool twice(struct plain *x, const struct xlc_lv_source *s, int *rc)
{
    if (!pass(x, s) || !x->hosts)
        return false;
    *rc = build_start(x) ? second_pass(x, s) : x->rc;
    return true;
}

/* One pass, building as it reads: the hosts handed over are dropped when
 * the range is not plain after all. */
static bool once(struct plain *x, const struct xlc_lv_source *s, int *rc)
{
    bool plain;

    if (!build_start(x))
        return false;         /* the SAX path says it */
    plain = pass(x, s) && x->hosts;
    if (!plain) {
        if (x->handed)
            x->drop(x->ctx);
        x->handed = 0;
        return false;
    }
    *rc = x->first_rc;
    if (x->first_rc)
        x->line = x->first_rc_line;
    return true;
}

bool xlc_lv_cpu_plain(const char *name, const struct xlc_lv_source *s,
                      xlc_lv_cpu_each_fn fn, xlc_lv_cpu_drop_fn drop,
                      void *ctx, size_t *count, unsigned long *end_line,
                      int *rc, xlc_error *err)
{
    struct plain x = { .name = name, .fn = fn, .drop = drop, .ctx = ctx,
                       .err = err,
                       .feature = xlc_lv_read_element("feature", 7) };
    bool plain = s->end - s->pos < XLC_XML_BATCH_MAX_BYTES - MARGIN &&
                 (drop ? once(&x, s, rc) : twice(&x, s, rc));

    if (plain) {
        if (count)
            *count = x.handed;
        if (end_line)
            *end_line = x.line;
    }
    plain_free(&x);
    return plain;
}
