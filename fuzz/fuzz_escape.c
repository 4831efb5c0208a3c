/* SPDX-License-Identifier: MIT */
/*
 * Fuzz the one escaping function (util/escape.h) and the text checks
 * every reader shares (util/read-file.h): whatever the bytes, text-mode
 * output is valid UTF-8 without a control byte, escaping it again changes
 * nothing, a JSON string of it parses (yajl) as valid UTF-8 and gives the
 * input back whenever the input was valid UTF-8, and a message recorded
 * with xlc_fail holds no control byte.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_tree.h>

#include "libxl_cpuid/util/error.h"
#include "libxl_cpuid/util/escape.h"
#include "libxl_cpuid/util/read-file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Well-formed UTF-8 (no overlong forms, surrogates, or past U+10FFFF). */
static int valid_utf8(const unsigned char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        unsigned char c = s[i];
        size_t k = c < 0x80 ? 1 : c >= 0xc2 && c <= 0xdf ? 2 :
                   c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4
                                                                       : 0;
        uint32_t cp = k == 1 ? c : k == 2 ? c & 0x1f : k == 3 ? c & 0x0f
                                                              : c & 0x07;

        if (!k || i + k > n)
            return 0;
        for (size_t j = 1; j < k; j++) {
            if ((s[i + j] & 0xc0) != 0x80)
                return 0;
            cp = cp << 6 | (s[i + j] & 0x3f);
        }
        if ((k == 3 && cp < 0x800) || (k == 4 && (cp < 0x10000 ||
                                                  cp > 0x10ffff)) ||
            (cp >= 0xd800 && cp <= 0xdfff))
            return 0;
        i += k;
    }
    return 1;
}

static void text_mode(const char *s, size_t n)
{
    struct xlc_buf b = XLC_BUF_INIT, again = XLC_BUF_INIT;
    char q[64];

    xlc_buf_escape(&b, s, n, XLC_ESCAPE_TEXT, "'");
    if (b.oom)
        goto out;
    for (size_t i = 0; i < b.len; i++)
        if ((unsigned char)b.s[i] < 0x20 || b.s[i] == 0x7f || b.s[i] == '\'')
            abort();
    if (b.len && !valid_utf8((const unsigned char *)b.s, b.len))
        abort();
    xlc_buf_escape(&again, b.s ? b.s : "", b.len, XLC_ESCAPE_TEXT, "'");
    if (!again.oom && (again.len != b.len ||
                       (b.len && memcmp(again.s, b.s, b.len))))
        abort();
    xlc_quote(q, sizeof(q), s, n, 16, NULL);
    if (strlen(q) >= sizeof(q) || !valid_utf8((const unsigned char *)q,
                                              strlen(q)))
        abort();
out:
    xlc_buf_free(&b);
    xlc_buf_free(&again);
}

static void json_mode(const char *s, size_t n)
{
    struct xlc_buf b = XLC_BUF_INIT;
    char *z = malloc(n + 1);
    yajl_val v;

    if (!z)
        return;
    memcpy(z, s, n);
    z[n] = '\0';
    xlc_buf_putc(&b, '[');
    xlc_buf_json_str(&b, z);
    xlc_buf_putc(&b, ']');
    if (b.oom)
        goto out;
    if (!valid_utf8((const unsigned char *)b.s, b.len))
        abort();
    v = yajl_tree_parse(b.s, NULL, 0);
    if (!v || !YAJL_IS_ARRAY(v) || v->u.array.len != 1 ||
        !YAJL_IS_STRING(v->u.array.values[0]))
        abort();
    if (valid_utf8((const unsigned char *)z, strlen(z)) &&
        strcmp(v->u.array.values[0]->u.string, z))
        abort();
    yajl_tree_free(v);
out:
    xlc_buf_free(&b);
    free(z);
}

static void message(const char *s, size_t n)
{
    static const struct xlc_input_limits lim = { "fuzz text", 1u << 20, 40 };
    xlc_error err = { 0 };

    xlc_fail(&err, 22, "'%.*s'", (int)n, s);
    for (const char *p = err.msg; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            abort();
    if (xlc_check_text("fuzz", s, n, &lim, &err) &&
        (strncmp(err.msg, "fuzz:", 5) || (!memchr(s, '\0', n) &&
                                          !strstr(err.msg, "limit"))))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;

    text_mode(s, size);
    json_mode(s, size);
    message(s, size);
    return 0;
}
