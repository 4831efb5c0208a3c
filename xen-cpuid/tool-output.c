/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    /* tool_output_done says why. */
    return fflush(stdout) ? EXIT_INTERNAL : EXIT_OK;
}

int tool_output_done(const struct tool *t, int rc)
{
    errno = 0;
    if (!fflush(stdout) && !ferror(stdout))
        return rc;
    if (errno)
        tool_err(t, "error writing output: %s", strerror(errno));
    else
        tool_err(t, "error writing output");
    return EXIT_INTERNAL;
}

void tool_bit_names(struct xlc_buf *b, const uint32_t *fs, bool json)
{
    const struct xlc_bits_list l = { XLC_BIT_XEN, XLC_BITS_ALL,
                                     json ? ", " : " ", json };

    if (json)
        xlc_buf_putc(b, '[');
    xlc_featureset_bits(b, fs, XFS_NR_WORDS, &l);
    if (json)
        xlc_buf_putc(b, ']');
}
