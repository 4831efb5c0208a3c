/* SPDX-License-Identifier: MIT */
/*
 * Safe XML reading for the libvirt readers (cpu_map, <cpu>/<domain>).
 *
 * Every document goes through xlc_xml_parse(), which:
 *  - never touches the network and never loads or expands a DTD or an
 *    entity (XML_PARSE_NONET, no NOENT/DTDLOAD/DTDATTR);
 *  - refuses a DOCTYPE (and with it every entity declaration) the moment
 *    the parser meets it, so billion-laughs style documents cost nothing;
 *  - caps the document size, element depth, element count, attributes per
 *    element and attribute value length, stopping the parser at the first
 *    violation;
 *  - reads UTF-8 only (declared encodings are ignored; NUL bytes refused);
 *  - keeps libxml2 from printing anything: its messages are captured and
 *    returned in the xlc_error, prefixed "name:line:".
 *
 * The document's URL is the name given, so node helpers can say where.
 */
#ifndef LIBXL_CPUID_LIBVIRT_XML_H
#define LIBXL_CPUID_LIBVIRT_XML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libxml/tree.h>

#include "../util/error.h"

/* Internal: not exported from libxl_cpuid.so. */
#pragma GCC visibility push(hidden)

/* Limits; libvirt's own files are far below every one of them. */
#define XLC_XML_MAX_BYTES (4u << 20)   /* whole document */
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
