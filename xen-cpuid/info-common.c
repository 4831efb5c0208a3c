/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <stdlib.h>

#include "featureset-print.h"
#include "info-common.h"

static int print_json(struct tool *t, const struct tool_featuresets *s,
                      const xlc_handle *h, bool detail)
{
    struct xlc_buf b = XLC_BUF_INIT;
    char *out;

    fsp_report_json(&b, s, h, detail);
    out = xlc_buf_take(&b);
    if (!out) {
        tool_err(t, "out of memory");
        return EXIT_INTERNAL;
    }
    fputs(out, stdout);
    free(out);
    return EXIT_OK;
}

int run_featureset_report(struct tool *t, bool detail)
{
    struct tool_featuresets s;
    xlc_handle *h;
    int rc;

    /* Operands after info/detail are ignored, as by Xen's tool. */
    rc = tool_open_handle(t, &h);
    if (rc)
        return rc;
    rc = tool_get_featuresets(t, h, &s);
    if (!rc) {
        if (t->json)
            rc = print_json(t, &s, h, detail);
        else
            fsp_report(stdout, &s,
                       t->show_backend ? xlc_backend_description(h) : NULL,
                       detail);
        tool_featuresets_free(&s);
    }
    xlc_close(h);
    return rc;    /* tool_output_done checks that stdout got it all */
}
