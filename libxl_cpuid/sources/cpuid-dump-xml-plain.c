/* SPDX-License-Identifier: MIT */
/*
 * The plain form of a <cpudata> dump, read without libxml2.
 *
 * Nearly every dump is written by a program (libvirt's cpu-data.py, our
 * own tools, the bench): comments, <cpudata arch='x86'>, then <cpuid .../>
 * and <msr .../> elements whose values are hex digits, in ASCII.  Building
 * a libxml2 tree of such a file, and scanning it for the limits first,
 * cost ten times what reading it costs here.
 *
 * This reader accepts only a subset of XML whose meaning is plain (no
 * XML or DOCTYPE declaration, no processing instruction, CDATA, entity or
 * character reference, no byte outside printable ASCII, tab, CR and LF,
 * no element or attribute it does not know, no repeated attribute, every
 * value hex, within every limit of xlc_xml_doc_limits) and hands the
 * builder exactly the leaves and MSRs the tree reader would, in the same
 * order.  Anything else, and every error (a conflicting repeat, an empty
 * dump, running out of memory), is "not plain": the caller then reads the
 * text with the tree reader, which gives the one answer and the one
 * message for it.  So this path never fails an input; it only answers
 * sooner for the inputs it is sure of.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "cpuid-dump-priv.h"
#include "../libvirt/libvirt-xml.h"

/* A record is a root and its children: two levels. */
_Static_assert(XLC_XML_MAX_DEPTH >= 2, "a dump nests two levels");

struct plain {
    const char *p, *end;
    const struct xlc_xml_limits *lim;
    unsigned int elements;
};

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Skip white space; true if there was some.  (Local pointers: a char
 * read through x->p could alias x->p, which the compiler would reload.) */
static bool blanks(struct plain *x)
{
    const char *p = x->p, *end = x->end;

    while (p < end && is_blank(*p))
        p++;
    if (p == x->p)
        return false;
    x->p = p;
    return true;
}

static bool take(struct plain *x, const char *lit, size_t n)
{
    if ((size_t)(x->end - x->p) < n || *x->p != *lit ||
        memcmp(x->p, lit, n))
        return false;
    x->p += n;
    return true;
}

/*
 * A comment, "<!--" already taken: printable ASCII, tab, CR and LF up to
 * the first "--", which must close it ("--" inside a comment, or a '-'
 * just before the closing "-->", is not XML).
 */
static bool comment(struct plain *x)
{
    for (; x->p < x->end; x->p++) {
        char c = *x->p;

        if (c == '-' && x->end - x->p >= 2 && x->p[1] == '-') {
            if (x->end - x->p < 3 || x->p[2] != '>')
                return false;
            x->p += 3;
            return true;
        }
        if (!is_blank(c) && (c < 0x20 || c > 0x7e))
            return false;
    }
    return false;
}

/* White space and comments (before and after the root, between records). */
static bool misc(struct plain *x)
{
    for (;;) {
        blanks(x);
        if (!take(x, "<!--", 4))
            return true;
        if (!comment(x))
            return false;
    }
}

/* One more element, within the limit. */
static bool element(struct plain *x)
{
    return ++x->elements <= x->lim->max_elements;
}

static bool name_char(char c)
{
    return (c >= 'a' && c <= 'z') || c == '_';
}

static bool alnum(char c)
{
    return (unsigned char)(c - '0') < 10 ||
           (unsigned char)((c | 0x20) - 'a') < 26;
}

/*
 * Which of names[] the n bytes at s are (nr: none).  Programs write the
 * attributes in one order: names[first] (the one after the last found)
 * is tried first.
 */
static size_t name_index(const char *const *names, size_t nr, size_t first,
                         const char *s, size_t n)
{
    for (size_t j = 0; j < nr; j++) {
        size_t i = (first + j) % nr;
        const char *t = names[i];
        size_t k = 0;

        while (k < n && t[k] == s[k])
            k++;
        if (k == n && !t[k])
            return i;
    }
    return nr;
}

/*
 * One attribute, the white space before it taken: its name (one of
 * names[], not seen before; *which, the last one found, in and out) and
 * its quoted value: ASCII letters and digits only, so that it needs no
 * normalising and no references.
 */
static bool attribute_text(struct plain *x, const char *const *names,
                           size_t nr, bool *seen, size_t *which,
                           const char **val, size_t *len)
{
    const char *p = x->p, *end = x->end, *name = p, *v;
    size_t i;
    char quote;

    while (p < end && name_char(*p))
        p++;
    i = name_index(names, nr, *which + 1, name, (size_t)(p - name));
    if (i == nr || seen[i])
        return false;
    seen[i] = true;
    *which = i;
    while (p < end && is_blank(*p))
        p++;
    if (p == end || *p++ != '=')
        return false;
    while (p < end && is_blank(*p))
        p++;
    if (p == end || (*p != '\'' && *p != '"'))
        return false;
    quote = *p++;
    v = p;
    while (p < end && alnum(*p))
        p++;
    if (p == end || *p != quote || (size_t)(p - v) > x->lim->max_attr_len)
        return false;
    x->p = p + 1;
    *val = v;
    *len = (size_t)(p - v);
    return true;
}

/*
 * The attributes of an empty element up to its "/>", values into vals[]
 * (indexed like names[]); every name is required but optional's.
 */
static bool empty_element(struct plain *x, const char *const *names,
                          size_t nr, size_t optional, uint32_t *vals)
{
    bool seen[8] = { false };
    unsigned int attrs = 0;
    size_t which = nr - 1;

    for (;;) {
        bool sep = blanks(x);
        const char *val;
        size_t len;

        if (take(x, "/>", 2))
            break;
        if (!sep || ++attrs > x->lim->max_attrs ||
            !attribute_text(x, names, nr, seen, &which, &val, &len) ||
            dump_parse_hex32(val, len, &vals[which]))
            return false;
    }
    for (size_t i = 0; i < nr; i++)
        if (!seen[i] && i != optional)
            return false;
    return element(x);
}

static bool leaf_element(struct plain *x, struct dump_builder *b, xlc_error *err)
{
    static const char *const names[] = {
        "eax_in", "ecx_in", "eax", "ebx", "ecx", "edx",
    };
    uint32_t v[6] = { 0 };
    struct xfs_cpuid_regs r;

    /* ecx_in may be left out: subleaf 0, as the tree reader has it. */
    if (!empty_element(x, names, 6, 1, v))
        return false;
    r = (struct xfs_cpuid_regs){ v[2], v[3], v[4], v[5] };
    return !dump_builder_add_leaf(b, 0, v[0], v[1], &r, err);
}

static bool msr_element(struct plain *x, struct dump_builder *b, xlc_error *err)
{
    static const char *const names[] = { "index", "edx", "eax" };
    uint32_t v[3] = { 0 };

    if (!empty_element(x, names, 3, SIZE_MAX, v))
        return false;
    return !dump_builder_add_msr(b, 0, v[0], ((uint64_t)v[1] << 32) | v[2],
                                 err);
}

/* <cpudata arch='x86'>, "<cpudata" taken: arch, its one attribute. */
static bool root(struct plain *x)
{
    static const char *const names[] = { "arch" };
    bool seen[1] = { false };
    const char *val;
    size_t which = 0, len;

    if (!blanks(x) || !attribute_text(x, names, 1, seen, &which, &val, &len))
        return false;
    blanks(x);
    return len == 3 && !memcmp(val, "x86", 3) && take(x, ">", 1) &&
           element(x);
}

/* A child of the root, or false when it is none the plain form has. */
static bool child(struct plain *x, struct dump_builder *b, xlc_error *err)
{
    const char *at = x->p;

    if (take(x, "<cpuid", 6) && x->p < x->end && is_blank(*x->p))
        return leaf_element(x, b, err);
    x->p = at;
    if (take(x, "<msr", 4) && x->p < x->end && is_blank(*x->p))
        return msr_element(x, b, err);
    return false;
}

/* The whole document, into the builder. */
static bool document(struct plain *x, struct dump_builder *b, xlc_error *err)
{
    if (!misc(x) || !take(x, "<cpudata", 8) || !root(x))
        return false;
    for (;;) {
        blanks(x);
        if (take(x, "<!--", 4)) {
            if (!comment(x))
                return false;
        } else if (take(x, "</cpudata", 9)) {
            break;
        } else if (!child(x, b, err)) {
            return false;
        }
    }
    blanks(x);
    return take(x, ">", 1) && misc(x) && x->p == x->end;
}

/* Every line within the limit (libxml2 and the scan count only LF). */
static bool lines_fit(const char *p, const char *end, size_t max)
{
    while ((size_t)(end - p) > max) {
        const char *nl = memchr(p, '\n', max + 1);

        if (!nl)
            return false;
        p = nl + 1;
    }
    return true;
}

int dump_parse_xml_plain(const char *name, const char *text, size_t len,
                         struct xlc_cpuid_dump **out)
{
    const struct xlc_xml_limits *lim = &xlc_xml_doc_limits;
    struct plain x = { text, text + len, lim, 0 };
    struct dump_builder b;
    xlc_error err;

    *out = NULL;
    if (len > lim->max_bytes || len > INT32_MAX ||
        !lines_fit(text, text + len, lim->max_line) ||
        dump_builder_init(&b, name, &err))
        return 0;
    if (!document(&x, &b, &err)) {
        dump_builder_discard(&b);
        return 0;
    }
    /* finish discards the builder when it fails. */
    return !dump_builder_finish(&b, out, &err);
}
