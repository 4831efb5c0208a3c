/* SPDX-License-Identifier: MIT */
/*
 * The floor libxml2 puts under reading a file of host <cpu> elements: the
 * time of its SAX2 parser alone, with callbacks that do nothing, over the
 * file as `level` reads it (the elements as the content of one root, the
 * parser options of libvirt-xml.h).  No reader that hands its bytes to
 * libxml2 can be faster than this, whatever it does with the events.
 *
 *   libxml2-floor FILE REPEATS
 *
 * Prints the median in ms of REPEATS parses on one CPU, and whether the
 * document was well-formed (a check that the parse really ran).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libxml/parser.h>

#include "libxl_cpuid/libvirt/libvirt-xml.h"

static void on_start(void *ctx, const xmlChar *local, const xmlChar *prefix,
                     const xmlChar *uri, int nb_ns, const xmlChar **ns,
                     int nb_attrs, int nb_defaulted, const xmlChar **attrs)
{
    (void)ctx, (void)local, (void)prefix, (void)uri, (void)nb_ns, (void)ns;
    (void)nb_attrs, (void)nb_defaulted, (void)attrs;
}

static void on_end(void *ctx, const xmlChar *local, const xmlChar *prefix,
                   const xmlChar *uri)
{
    (void)ctx, (void)local, (void)prefix, (void)uri;
}

static void on_text(void *ctx, const xmlChar *s, int len)
{
    (void)ctx, (void)s, (void)len;
}

static double now_ms(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

/* One parse of the file, pushed in 64 KiB chunks: well-formed or not. */
static int parse_once(FILE *f)
{
    static char buf[64 << 10];
    static const char open_root[] = "<r>", close_root[] = "</r>";
    xmlSAXHandler sax;
    xmlParserCtxtPtr ctxt;
    size_t n;
    int wf;

    memset(&sax, 0, sizeof(sax));
    sax.initialized = XML_SAX2_MAGIC;
    sax.startElementNs = on_start;
    sax.endElementNs = on_end;
    sax.characters = on_text;
    sax.ignorableWhitespace = on_text;
    ctxt = xmlCreatePushParserCtxt(&sax, NULL, open_root,
                                   (int)sizeof(open_root) - 1, "floor");
    if (!ctxt)
        return -1;
    xmlCtxtUseOptions(ctxt, XLC_XML_PARSE_OPTIONS);
    rewind(f);
    while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
        xmlParseChunk(ctxt, buf, (int)n, 0);
    xmlParseChunk(ctxt, close_root, (int)sizeof(close_root) - 1, 1);
    wf = ctxt->wellFormed;
    xmlFreeParserCtxt(ctxt);
    return wf;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    int repeats = argc > 2 ? atoi(argv[2]) : 0, wf = 0;
    FILE *f = argc > 1 ? fopen(argv[1], "rb") : NULL;
    double *t;

    if (!f || repeats < 1 || !(t = calloc((size_t)repeats, sizeof(*t)))) {
        fprintf(stderr, "usage: libxml2-floor FILE REPEATS\n");
        return 1;
    }
    for (int i = 0; i < repeats; i++) {
        double t0 = now_ms();

        wf = parse_once(f);
        t[i] = now_ms() - t0;
    }
    qsort(t, (size_t)repeats, sizeof(*t), cmp);
    printf("%.3f %s\n", t[repeats / 2], wf == 1 ? "well-formed" : "FAILED");
    fclose(f);
    free(t);
    return wf == 1 ? 0 : 1;
}
