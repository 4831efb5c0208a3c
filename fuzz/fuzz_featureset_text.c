/* SPDX-License-Identifier: MIT */
/*
 * Fuzz the featureset text parser and the feature-name lookup.  A parsed
 * featureset must format back to the same text (modulo case and outer
 * white space) and parse again to the same words; a refusal must say
 * which word.  A name either resolves to a named feature or is refused
 * with a message quoting it.
 */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "libxl_cpuid/names/feature-names.h"
#include "libxl_cpuid/names/featureset-text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_featureset(const char *s)
{
    xlc_error err = { 0 };
    uint32_t *w = NULL, *w2 = NULL;
    size_t n = 0, n2 = 0;
    char *text;

    if (xlc_featureset_parse(s, &w, &n, &err)) {
        if (w)
            abort();
        /* Past the size limit: refused before anything is read. */
        if (strlen(s) > XLC_FEATURESET_MAX_BYTES) {
            if (err.code != E2BIG || !strstr(err.msg, "the limit"))
                abort();
            return;
        }
        if (err.code != EINVAL ||
            (strncmp(err.msg, "featureset word ", 16) &&
             strncmp(err.msg, "empty featureset", 16)))
            abort();
        return;
    }
    text = xlc_featureset_format(w, n);
    if (!text || strlen(text) != n * 9 - 1 || !strcasestr(s, text))
        abort();
    if (xlc_featureset_parse(text, &w2, &n2, &err) || n2 != n ||
        memcmp(w, w2, n * sizeof(*w)))
        abort();
    free(text);
    free(w);
    free(w2);
}

static void check_name(const char *s)
{
    xlc_error err = { 0 };
    char buf[XLC_FEATURE_NAME_MAX];
    unsigned int v;
    int r = xlc_feature_lookup(s, &v, &err);

    /* Found: a feature, or a bit Xen's xen-cpuid names. */
    if (r == 0) {
        if (!xlc_feature_name(v) && !xlc_xen_tool_name(v, buf))
            abort();
    } else if (r == -EINVAL) {
        if (*s && strncmp(err.msg, "feature name '", 14))
            abort();
    } else if (r != -ENOENT || strncmp(err.msg, "unknown feature '", 17))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);

    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    check_featureset(s);
    check_name(s);
    free(s);
    return 0;
}
