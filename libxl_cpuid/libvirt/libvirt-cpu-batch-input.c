/* SPDX-License-Identifier: MIT */
/*
 * What the two readers of host files (the SAX path, libvirt-cpu-batch.c,
 * and the plain reader, libvirt-cpu-plain.c) share: the bytes of a file's
 * range or a text, chunk by chunk, and which children of a <cpu> are read
 * without a node.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "libvirt-cpu-batch.h"
#include "libvirt-xml.h"
#include "../util/digits.h"
#include "../util/strbuf.h"

#define CHUNK XLC_LV_CHUNK

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
 * At the start of the file: a byte order mark is dropped and an XML
 * declaration (which may only open a document, not our root's content)
 * becomes its newlines, so that lines stay the file's.
 */
static void strip_start(struct xlc_lv_source *s)
{
    size_t decl, nl = 0;

    if (s->have >= 3 && !memcmp(s->buf, "\xef\xbb\xbf", 3))
        s->off = 3;
    decl = xml_decl_len(s->buf + s->off, s->have - s->off);
    for (size_t i = 0; i < decl; i++)
        nl += s->buf[s->off + i] == '\n';
    s->off += decl - nl;
    memset(s->buf + s->off, '\n', nl);
}

bool xlc_lv_source_fill(struct xlc_lv_source *s)
{
    size_t want = s->end - s->pos < CHUNK ? (size_t)(s->end - s->pos) : CHUNK;
    const char *nul;

    s->off = s->have = 0;
    if (!want)
        return false;
    if (s->fd < 0) {
        memcpy(s->buf, s->text + s->pos, want);
    } else {
        ssize_t n = pread(s->fd, s->buf, want, (off_t)s->pos);

        if (n <= 0) {
            s->io_error = true;
            s->io_errno = n < 0 ? errno : EIO;
            return false;
        }
        want = (size_t)n;
    }
    s->buf_at = s->pos;
    s->pos += want;
    s->have = want;
    nul = memchr(s->buf, '\0', want);
    if (nul) {
        s->nul = true;
        s->nul_at = s->buf_at + (uint64_t)(nul - s->buf);
        return false;
    }
    if (s->scan && (s->scan_rc = xlc_xml_scan(s->scan, s->buf, want,
                                              &s->scan_err)))
        return false;
    if (s->at_start) {
        s->at_start = false;
        strip_start(s);
    }
    return true;
}

const char *xlc_lv_read_element(const char *name, size_t len)
{
    static const char *const known[] = { "feature", "microcode", "signature",
                                         "counter", "pages", "cache", "numa",
                                         "maxphysaddr", NULL };

    for (int i = 0; known[i]; i++)
        if (name[0] == known[i][0] && !strncmp(name, known[i], len) &&
            !known[i][len])
            return known[i];
    return NULL;
}

void xlc_lv_cpu_describe(struct xlc_buf *b, const struct xlc_lv_cpu *c)
{
    const struct xlc_lv_topology *t = &c->topology;

    xlc_buf_printf(b, "%s@%ld mode=%d match=%d/%d check=%d mig=%d "
                      "model=%s@%ld fb=%d vid=%s vendor=%s@%ld arch=%s@%ld "
                      "topo=%d:%u,%u,%u,%u,%u@%ld\n",
                   c->source, c->line, c->mode, c->match, c->match_given,
                   c->check, c->migratable, c->model ? c->model : "-",
                   c->model_line, c->fallback,
                   c->vendor_id ? c->vendor_id : "-",
                   c->vendor ? c->vendor : "-", c->vendor_line,
                   c->arch ? c->arch : "-", c->arch_line, t->present,
                   t->sockets, t->dies, t->clusters, t->cores, t->threads,
                   t->line);
    for (size_t i = 0; i < c->nr_features; i++)
        xlc_buf_printf(b, " f %s %d/%d @%ld\n", c->features[i].name,
                       c->features[i].policy, c->features[i].policy_given,
                       c->features[i].line);
    for (size_t i = 0; i < c->nr_ignored; i++)
        xlc_buf_printf(b, " i %s\n", c->ignored[i]);
}

/* Put together by hand: formatting it was a tenth of reading a small
 * host. */
void xlc_lv_host_source(const char *name, long line,
                        char out[XLC_LV_SOURCE_MAX])
{
    static const char mid[] = " (<cpu> at line ";
    char tail[sizeof(mid) + 24], *t;
    size_t n = strnlen(name, XLC_LV_SOURCE_MAX - 1), nt;

    if (line < 0) {  /* (never: lines count from 1) */
        snprintf(out, XLC_LV_SOURCE_MAX, "%s%s%ld)", name, mid, line);
        return;
    }
    memcpy(tail, mid, sizeof(mid) - 1);
    t = xlc_put_dec(tail + sizeof(mid) - 1, (uint64_t)line);
    *t++ = ')';
    nt = (size_t)(t - tail);
    if (nt > XLC_LV_SOURCE_MAX - 1 - n)
        nt = XLC_LV_SOURCE_MAX - 1 - n;
    memcpy(out, name, n);
    memcpy(out + n, tail, nt);
    out[n + nt] = '\0';
}
