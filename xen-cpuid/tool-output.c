/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <stdlib.h>

#include "../libxl_cpuid/names/featureset-text.h"
#include "../xen/lib/featureset.h"
#include "tool-output.h"

int tool_emit(const struct tool *t, struct xlc_buf *b)
{
    char *s = xlc_buf_take(b);

    if (!s) {
        tool_err(t, "out of memory");
        return EXIT_INTERNAL;
    }
    fputs(s, stdout);
    free(s);
    if (fflush(stdout)) {
        tool_err(t, "error writing output");
        return EXIT_INTERNAL;
    }
    return EXIT_OK;
}

void tool_buf_featureset(struct xlc_buf *b, const uint32_t *fs)
{
    char *s = xlc_featureset_format(fs, XFS_NR_WORDS);

    if (!s)
        b->oom = true;
    else
        xlc_buf_puts(b, s);
    free(s);
}

void tool_buf_names(struct xlc_buf *b, const uint32_t *fs, bool json)
{
    bool first = true;

    if (json)
        xlc_buf_putc(b, '[');
    for (unsigned int i = 0; i < xfs_nr_features; i++) {
        const struct xfs_feature_info *fi = &xfs_features[i];

        if (!xfs_test(fs, XFS_NR_WORDS, fi->value))
            continue;
        xlc_buf_puts(b, first ? "" : json ? ", " : " ");
        if (json)
            xlc_buf_json_str(b, fi->name);
        else
            xlc_buf_puts(b, fi->name);
        first = false;
    }
    if (json)
        xlc_buf_putc(b, ']');
}
