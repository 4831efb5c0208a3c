/* SPDX-License-Identifier: MIT */
/*
 * Safe XML reading for the libvirt readers (cpu_map, <cpu>/<domain>).
 *
 * Every document goes through xlc_xml_parse(), which:
 *  - never touches the network and never loads or expands a DTD or an
 *    entity (XML_PARSE_NONET, no NOENT/DTDLOAD/DTDATTR);
 *  - refuses a DOCTYPE (and with it every entity declaration) at the
 *    '<!' that opens it, so billion-laughs style documents cost nothing;
 *  - holds the document to its limits (struct xlc_xml_limits: size, line
 *    length, element depth, element count, attributes per element and
 *    attribute value length) with a scan of the raw text (xlc_xml_scan)
 *    that runs before libxml2 sees a byte: libxml2 2.9 compares each
 *    attribute of a start tag with every earlier one, so 400,000
 *    attributes cost it a minute, and the scan refuses the 33rd;
 *  - reads UTF-8 only (declared encodings are ignored; NUL bytes refused),
 *    so libxml2 never converts an encoding;
 *  - keeps libxml2 from printing anything: its messages are captured and
 *    returned in the xlc_error, prefixed "name:line:", and its generic and
 *    structured handlers are silenced for the whole parse.
 *
 * The document's URL is the name given, so node helpers can say where.
 *
 * A reader that feeds libxml2 itself (a streaming reader of host files)
 * keeps the same limits by passing every chunk through xlc_xml_scan()
 * before libxml2 gets it, parsing with XLC_XML_PARSE_OPTIONS and between
 * xlc_xml_quiet_begin() and xlc_xml_quiet_end().
 */
#ifndef LIBXL_CPUID_LIBVIRT_XML_H
#define LIBXL_CPUID_LIBVIRT_XML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "../util/error.h"

/* Internal: not exported from libxl_cpuid.so. */
#pragma GCC visibility push(hidden)

/* Every limit on an XML input, in one place (the man page's LIMITS). */
struct xlc_xml_limits {
    size_t max_bytes;           /* the whole document */
    size_t max_line;            /* one line, newline excluded */
    unsigned int max_depth;     /* element nesting */
    unsigned int max_elements;  /* elements (per record when per_record) */
    unsigned int max_attrs;     /* attributes and xmlns on one element */
    size_t max_attr_len;        /* one attribute value, raw bytes */
    bool per_record;            /* elements counted per child of the root */
};

/* The limits; libvirt's own files are far below every one of them. */
#define XLC_XML_MAX_BYTES (4u << 20)   /* whole document */
#define XLC_XML_MAX_LINE (1u << 20)    /* one line */
#define XLC_XML_MAX_DEPTH 32u          /* element nesting */
#define XLC_XML_MAX_ELEMENTS 100000u   /* elements in the document */
#define XLC_XML_MAX_ATTRS 32u          /* attributes on one element */
#define XLC_XML_MAX_ATTR_LEN 4096u     /* one attribute value, in bytes */

/*
 * A file of many records (hosts' <cpu> elements, one after another) is
 * read by xlc_xml_parse_each(): the element limit then applies to each
 * record, which is freed once handled, and the size limit to the whole
 * file.  1,000 host <cpu> elements are about 2.3 MB and 90,000 elements.
 */
#define XLC_XML_BATCH_MAX_BYTES (256u << 20)

/* A <cpu>, a <domain>, a cpu_map file, a <cpudata> CPUID dump
 * (xlc_xml_parse, xlc_xml_load). */
extern const struct xlc_xml_limits xlc_xml_doc_limits;
/* A file of records (xlc_xml_parse_each): XLC_XML_BATCH_MAX_BYTES. */
extern const struct xlc_xml_limits xlc_xml_batch_limits;

/* libxml2's options for every guarded parse: no network, no entity
 * substitution, no DTD, declared encodings ignored. */
#define XLC_XML_PARSE_OPTIONS                                                 \
    (XML_PARSE_NONET | XML_PARSE_IGNORE_ENC | XML_PARSE_BIG_LINES |           \
     XML_PARSE_NOBLANKS | XML_PARSE_COMPACT)

/*
 * The raw-text scan that holds a document to its limits before libxml2
 * reads it, fed in chunks of any size.  It refuses, naming "name:line:":
 * a NUL byte, anything but '<' first (after a UTF-8 byte order mark and
 * blanks), a line, document or attribute value past its limit, an
 * element nested too deep, too many elements, an element's attribute
 * past the limit (at that attribute, before the rest of the tag is
 * read), and every '<!' declaration (DOCTYPE and what it may declare).
 * Comments, CDATA, processing instructions and quoted values are skipped
 * as XML defines them.
 */
struct xlc_xml_scan {
    const struct xlc_xml_limits *lim;
    const char *name;
    size_t bytes;               /* fed so far */
    unsigned long line;
    size_t line_stop;           /* offset where this line is too long */
    int state;
    bool started;               /* the first '<' was seen */
    char quote;                 /* in a quoted value: its quote */
    unsigned int run;           /* '-', ']' or '?' seen in a row; '<!' */
    char bang[8];               /* what follows '<!', until it is known */
    unsigned int depth, elements, attrs;
    size_t value_len;
    bool in_name, closing;      /* in a name token; a '/' before '>' */
    struct xlc_xml_scan_name {  /* the element's, the attribute's */
        char text[48];          /* as messages give it (cut) */
        size_t len;
        const unsigned char *more;  /* its bytes in the chunk being */
        size_t more_len;            /* scanned, not yet in text */
    } elem, attr;
};

void xlc_xml_scan_init(struct xlc_xml_scan *s, const char *name,
                       const struct xlc_xml_limits *lim);
/* Scan the next n bytes: 0, or -EINVAL / -EFBIG / -E2BIG with err. */
int xlc_xml_scan(struct xlc_xml_scan *s, const char *p, size_t n,
                 xlc_error *err);
/* After the last chunk: an empty (blank) document is refused. */
int xlc_xml_scan_end(struct xlc_xml_scan *s, xlc_error *err);

/*
 * libxml2 prints what it cannot attribute to a parser (encoding
 * conversions, I/O) through its generic and structured handlers: these
 * silence both for the calling thread until the matching end.
 */
struct xlc_xml_quiet {
    xmlGenericErrorFunc generic;
    void *generic_ctx;
    xmlStructuredErrorFunc structured;
    void *structured_ctx;
};
void xlc_xml_quiet_begin(struct xlc_xml_quiet *q);
void xlc_xml_quiet_end(const struct xlc_xml_quiet *q);

/*
 * libxml2's first real error of a parse, kept for the message (the
 * parsers' structured handlers hand every error here; nothing prints).
 */
struct xlc_xml_first_error {
    bool have;
    char msg[512];              /* one line */
    long line;
};
void xlc_xml_keep_first_error(struct xlc_xml_first_error *f, xmlErrorPtr e);

/*
 * Why a parse was stopped (a limit, a refused declaration): the first
 * reason and its line.  The SAX readers keep one as the FIRST member of
 * the struct their parser context's _private points to, so that the
 * handlers below find it.
 */
struct xlc_xml_stop {
    bool stopped;
    char why[512];
    long line;
};
/* Record the reason (the first one only) and stop the parser. */
void xlc_xml_stop_parse(xmlParserCtxtPtr ctxt, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* SAX handlers: a DOCTYPE (the only way to declare entities) or an entity
 * declaration stops the parse. */
void xlc_xml_refuse_doctype(void *ctx, const xmlChar *name,
                            const xmlChar *ext, const xmlChar *sys);
void xlc_xml_refuse_entity_decl(void *ctx, const xmlChar *name, int type,
                                const xmlChar *pub, const xmlChar *sys,
                                xmlChar *content);
/*
 * The guards every SAX reader installs on its parser: XLC_XML_PARSE_OPTIONS,
 * DOCTYPE and entity declarations refused, libxml2's errors to on_error
 * (which keeps the first, xlc_xml_keep_first_error), never printed.
 * ctxt->_private must already point to the reader's state.
 */
void xlc_xml_guard_parser(xmlParserCtxtPtr ctxt,
                          xmlStructuredErrorFunc on_error);

int xlc_xml_parse(const char *name, const char *text, size_t len,
                  xmlDocPtr *out, xlc_error *err);
/* Read a file (at most XLC_XML_MAX_BYTES) and parse it; name = path. */
int xlc_xml_load(const char *path, xmlDocPtr *out, xlc_error *err);
void xlc_xml_free(xmlDocPtr doc);

/*
 * One parse for many records.  Called with each child element of the root
 * as soon as its end tag is read; the child (with the text and comments
 * around it) is freed when the call returns, so memory holds one record
 * at a time.  A non-zero return stops the parse and is returned as is
 * (the callback fills err).  The callback may rename the document (see
 * xlc_xml_rename) so that its messages name the record.
 */
typedef int (*xlc_xml_each_fn)(void *ctx, xmlNode *child, xlc_error *err);

/*
 * Parse with every guard of xlc_xml_parse(), except that the size limit is
 * XLC_XML_BATCH_MAX_BYTES and the element limit counts the elements of one
 * child of the root (and those between two children).  The root itself is
 * not checked: the caller knows what it wraps.  Returns 0 only when the
 * whole document was well formed and every callback returned 0.
 */
int xlc_xml_parse_each(const char *name, const char *text, size_t len,
                       xlc_xml_each_fn each, void *ctx, xlc_error *err);

/* Change the name messages give for a node's document. 0 or -ENOMEM. */
int xlc_xml_rename(xmlNode *n, const char *name);

/* ---- helpers on a parsed tree ---- */

/* The document name and the node's line, for messages. */
const char *xlc_xml_name(const xmlNode *n);
long xlc_xml_line(const xmlNode *n);

/* Record an error prefixed with "name:line: ". Returns -code. */
int xlc_xml_fail(xlc_error *err, int code, const xmlNode *n,
                 const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* True for an element without a namespace called `name` (NULL: any). */
bool xlc_xml_is(const xmlNode *n, const char *name);
/* First / next sibling element (any namespace), or NULL. */
const xmlNode *xlc_xml_first(const xmlNode *parent);
const xmlNode *xlc_xml_next(const xmlNode *n);

/* Value of an attribute without namespace, or NULL when absent. */
const char *xlc_xml_attr(const xmlNode *n, const char *name);
/* The value of one attribute node, read in place as xlc_xml_attr does. */
const char *xlc_xml_attr_value(const xmlAttr *a);
/* Refuse any attribute not in the NULL-terminated list `allowed`. */
int xlc_xml_only_attrs(const xmlNode *n, const char *const *allowed,
                       xlc_error *err);
/* Refuse element children and non-blank text (for empty elements). */
int xlc_xml_no_content(const xmlNode *n, xlc_error *err);
/*
 * The element's text with surrounding blanks trimmed, into buf.  Refuses
 * child elements and text longer than size - 1.
 */
int xlc_xml_text(const xmlNode *n, char *buf, size_t size, xlc_error *err);
/*
 * An unsigned attribute (0x-prefixed hex or decimal).  *present (may be
 * NULL) says whether it was there; a missing required one is an error.
 */
int xlc_xml_u32(const xmlNode *n, const char *attr, bool required,
                uint32_t *val, bool *present, xlc_error *err);
/* An attribute that must be one of `values` (NULL-terminated); *idx = its
 * position, or dflt when absent. */
int xlc_xml_enum(const xmlNode *n, const char *attr,
                 const char *const *values, int dflt, int *idx,
                 xlc_error *err);

#pragma GCC visibility pop

#endif /* LIBXL_CPUID_LIBVIRT_XML_H */
