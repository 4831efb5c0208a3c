/* SPDX-License-Identifier: MIT */
/*
 * Fuzz the scan that holds XML to its limits before libxml2 reads it
 * (xlc_xml_scan), with small limits so that short inputs reach each one:
 * fed in chunks of any size it must decide exactly as it does fed whole
 * (a streaming reader feeds it chunks), and name the input when it
 * refuses.  Then the guarded parse (the library's own limits) takes the
 * same text: a document or a refusal naming the input.  The first two
 * bytes choose the chunk size.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "libxl_cpuid/libvirt/libvirt-xml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Small limits, so that short inputs reach every one of them. */
static const struct xlc_xml_limits small = {
    .max_bytes = 3000, .max_line = 200, .max_depth = 5, .max_elements = 40,
    .max_attrs = 4, .max_attr_len = 30, .per_record = false,
};

static int scan(const char *p, size_t n, size_t step, xlc_error *err)
{
    struct xlc_xml_scan s;
    int rc = 0;

    xlc_xml_scan_init(&s, "fuzz", &small);
    for (size_t at = 0; !rc && at < n; at += step)
        rc = xlc_xml_scan(&s, p + at, n - at < step ? n - at : step, err);
    return rc ? rc : xlc_xml_scan_end(&s, err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    xlc_error whole = { 0 }, parts = { 0 };
    const char *text = (const char *)data + 2;
    size_t len, step;
    int a, b;
    xmlDocPtr doc;

    if (size < 2)
        return 0;
    len = size - 2;
    step = 1 + (data[0] | (size_t)data[1] << 8) % 97;
    a = scan(text, len, len ? len : 1, &whole);
    b = scan(text, len, step, &parts);
    if (a != b || strcmp(whole.msg, parts.msg))
        abort();
    if (a && strncmp(whole.msg, "fuzz", 4))
        abort();
    /* The library's own limits: what it parses, it parsed within them. */
    if (!xlc_xml_parse("fuzz", text, len, &doc, &whole)) {
        if (!doc)
            abort();
        xlc_xml_free(doc);
    } else if (strncmp(whole.msg, "fuzz", 4)) {
        abort();
    }
    return 0;
}
