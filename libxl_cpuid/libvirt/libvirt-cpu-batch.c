/* SPDX-License-Identifier: MIT */
/*
 * Many libvirt <cpu> elements in one text, read with one XML parse.
 *
 * A file of hosts (the input of `virsh cpu-baseline`) is a sequence of
 * <cpu> elements, not one document: it is wrapped in a root of our own and
 * streamed through the guarded parser, which hands over each child of that
 * root as soon as it is complete and frees it after.  One parser context,
 * one dictionary of names, and memory for one host at a time, where a
 * parse per element paid the set-up and the tree each time.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libvirt-cpu.h"
#include "libvirt-xml.h"

#define WRAP_OPEN "<xlc-cpus>"
#define WRAP_CLOSE "</xlc-cpus>"

struct batch {
    const char *name;
    xlc_lv_cpu_each_fn fn;
    void *ctx;
    size_t count;
};

static int one_cpu(struct batch *b, xmlNode *n, xlc_error *err)
{
    char source[4200];
    struct xlc_lv_cpu *cpu;
    int rc;

    /* Messages say "FILE (<cpu> at line L):N: ...", N a line of FILE. */
    snprintf(source, sizeof(source), "%s (<cpu> at line %ld)", b->name,
             xlc_xml_line(n));
    if (xlc_xml_rename(n, source))
        return xlc_fail(err, ENOMEM, "%s: out of memory", source);
    rc = xlc_lv_cpu_from_node(source, n, &cpu, err);
    if (rc)
        return rc;
    rc = b->fn(b->ctx, cpu, err);
    xlc_lv_cpu_free(cpu);
    b->count++;
    return rc;
}

/*
 * <cpu> elements anywhere below `n` (a capabilities document has its host
 * <cpu> under <host>), not looking inside a <cpu>.
 */
static int find_cpus(struct batch *b, xmlNode *n, xlc_error *err)
{
    int rc = 0;

    if (xlc_xml_is(n, "cpu"))
        return one_cpu(b, n, err);
    for (xmlNode *c = n->children; !rc && c; c = c->next)
        if (c->type == XML_ELEMENT_NODE)
            rc = find_cpus(b, c, err);
    return rc;
}

static int on_child(void *ctx, xmlNode *child, xlc_error *err)
{
    return find_cpus(ctx, child, err);
}

/* Length of an XML declaration at the start of text, else 0. */
static size_t xml_decl_len(const char *text, size_t len)
{
    const char *end;

    if (len < 6 || strncmp(text, "<?xml", 5) || !strchr(" \t\r\n", text[5]))
        return 0;
    end = memmem(text, len, "?>", 2);
    return end ? (size_t)(end - text) + 2 : 0;
}

/*
 * WRAP_OPEN, first_line - 1 newlines (so lines are the file's), the text
 * with its XML declaration (which may only open a document) turned into
 * its newlines, WRAP_CLOSE.
 */
static char *wrap(const char *text, size_t len, unsigned long first_line,
                  size_t *out_len)
{
    size_t pad = first_line > 1 ? first_line - 1 : 0, decl, n = 0;
    char *buf;

    if (len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3)) {
        text += 3;
        len -= 3;
    }
    decl = xml_decl_len(text, len);
    buf = malloc(sizeof(WRAP_OPEN) + pad + len + sizeof(WRAP_CLOSE));
    if (!buf)
        return NULL;
    memcpy(buf, WRAP_OPEN, sizeof(WRAP_OPEN) - 1);
    n = sizeof(WRAP_OPEN) - 1;
    memset(buf + n, '\n', pad);
    n += pad;
    for (size_t i = 0; i < decl; i++)
        if (text[i] == '\n')
            buf[n++] = '\n';
    memcpy(buf + n, text + decl, len - decl);
    n += len - decl;
    memcpy(buf + n, WRAP_CLOSE, sizeof(WRAP_CLOSE));
    *out_len = n + sizeof(WRAP_CLOSE) - 1;
    return buf;
}

int xlc_lv_cpu_each(const char *name, const char *text, size_t len,
                    unsigned long first_line, xlc_lv_cpu_each_fn fn,
                    void *ctx, size_t *count, xlc_error *err)
{
    struct batch b = { name, fn, ctx, 0 };
    size_t wlen;
    char *w;
    int rc;

    if (count)
        *count = 0;
    if (memchr(text, '\0', len))
        return xlc_fail(err, EINVAL, "%s: NUL byte at offset %zu: only "
                        "UTF-8 XML is read", name,
                        (size_t)((const char *)memchr(text, '\0', len) -
                                 text));
    w = wrap(text, len, first_line, &wlen);
    if (!w)
        return xlc_fail(err, ENOMEM, "%s: out of memory", name);
    rc = xlc_xml_parse_each(name, w, wlen, on_child, &b, err);
    free(w);
    if (!rc && !b.count)
        rc = xlc_fail(err, EINVAL, "%s: no <cpu> element", name);
    if (count)
        *count = b.count;
    return rc;
}
