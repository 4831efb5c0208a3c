/* SPDX-License-Identifier: MIT */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "escape.h"

/*
 * The length of the well-formed UTF-8 sequence at s (1 to 4) and its code
 * point, or 0 when the bytes there are not one: a stray continuation
 * byte, a truncated sequence, an overlong form, a surrogate, or a code
 * point past U+10FFFF.
 */
static size_t utf8_char(const unsigned char *s, size_t len, uint32_t *cp)
{
    static const uint32_t min[5] = { 0, 0, 0x80, 0x800, 0x10000 };
    size_t n;
    uint32_t c;

    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    if (s[0] >= 0xc2 && s[0] <= 0xdf) {
        n = 2;
        c = s[0] & 0x1f;
    } else if (s[0] >= 0xe0 && s[0] <= 0xef) {
        n = 3;
        c = s[0] & 0x0f;
    } else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
        n = 4;
        c = s[0] & 0x07;
    } else {
        return 0;
    }
    if (n > len)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        c = (c << 6) | (s[i] & 0x3f);
    }
    if (c < min[n] || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
        return 0;
    *cp = c;
    return n;
}

/* Code points that are valid but invisible or that reorder or break the
 * text around them on a terminal. */
static bool unsafe_code_point(uint32_t c)
{
    return (c >= 0x80 && c <= 0x9f) || (c >= 0x200b && c <= 0x200f) ||
           (c >= 0x2028 && c <= 0x202e) || (c >= 0x2060 && c <= 0x2069) ||
           c == 0x061c || c == 0xfeff;
}

/*
 * The escaped form of the character at s into out (at most 8 bytes, not
 * NUL-terminated): its length; *used gets the input bytes it stands for.
 */
static size_t piece(const unsigned char *s, size_t len, size_t *used,
                    enum xlc_escape_mode mode, const char *also, char *out)
{
    uint32_t cp;
    size_t n = utf8_char(s, len, &cp);

    *used = n ? n : 1;
    if (!n) /* not UTF-8: the byte's value, as text in both modes */
        return (size_t)sprintf(out, mode == XLC_ESCAPE_JSON ? "\\\\x%02x"
                                                            : "\\x%02x",
                               s[0]);
    if (mode == XLC_ESCAPE_JSON) {
        if (cp == '"' || cp == '\\')
            return (size_t)sprintf(out, "\\%c", (char)cp);
        if (cp < 0x20)
            return (size_t)sprintf(out, "\\u%04x", (unsigned int)cp);
    } else if (mode == XLC_ESCAPE_REPORT && (cp == '\n' || cp == '\t')) {
        /* kept as they are */
    } else if (cp < 0x20 || cp == 0x7f ||
               (cp < 0x80 && also && strchr(also, (int)cp))) {
        return (size_t)sprintf(out, "\\x%02x", (unsigned int)cp);
    } else if (unsafe_code_point(cp)) {
        return (size_t)sprintf(out, "\\u%04x", (unsigned int)cp);
    }
    memcpy(out, s, n);
    return n;
}

/* Plain ASCII that mode writes as it is. */
static bool plain(unsigned char c, enum xlc_escape_mode mode,
                  const char *also)
{
    if (mode == XLC_ESCAPE_REPORT && (c == '\n' || c == '\t'))
        return true;
    if (c < 0x20 || c >= 0x7f)
        return false;
    if (mode == XLC_ESCAPE_JSON)
        return c != '"' && c != '\\';
    return !also || !strchr(also, c);
}

#define ONES 0x0101010101010101ull
#define HIGH (0x80 * ONES)

/* The high bit of each byte of w that is c (exact: no carry between
 * bytes). */
static uint64_t bytes_eq(uint64_t w, unsigned char c)
{
    uint64_t x = w ^ (c * ONES);

    return ~(((x & (0x7f * ONES)) + 0x7f * ONES) | x) & HIGH;
}

/* Where the bytes of w a mode (never with `also`) cannot write as they
 * are have their high bit: controls (less tab and LF for a report), DEL,
 * bytes past ASCII, and for JSON the quote and the backslash. */
static inline __attribute__((always_inline)) uint64_t
not_plain8(uint64_t w, enum xlc_escape_mode mode)
{
    /* Bytes below 0x20 (a high bit of w's own is refused anyway). */
    uint64_t below = ~((w & (0x7f * ONES)) + 0x60 * ONES) & HIGH;

    if (mode == XLC_ESCAPE_REPORT)
        below &= ~bytes_eq(w, '\t') & ~bytes_eq(w, '\n');
    else if (mode == XLC_ESCAPE_JSON)
        below |= bytes_eq(w, '"') | bytes_eq(w, '\\');
    return (below | w | bytes_eq(w, 0x7f)) & HIGH;
}

#ifdef __SSE2__
/* Sixteen bytes at a time where the CPU has SSE2 (every x86-64 does);
 * inlined with mode a constant, one loop per mode. */
static inline __attribute__((always_inline)) size_t
plain_blocks(const unsigned char *p, size_t len, enum xlc_escape_mode mode)
{
    const __m128i space = _mm_set1_epi8(0x20), del = _mm_set1_epi8(0x7f);
    const __m128i tab = _mm_set1_epi8('\t'), lf = _mm_set1_epi8('\n');
    const __m128i quote = _mm_set1_epi8('"'), bs = _mm_set1_epi8('\\');
    size_t i = 0;

    for (; len - i >= 16; i += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
        /* Signed: bytes past ASCII are negative, below the space too. */
        __m128i bad = _mm_or_si128(_mm_cmplt_epi8(v, space),
                                   _mm_cmpeq_epi8(v, del));

        if (mode == XLC_ESCAPE_REPORT)
            bad = _mm_andnot_si128(_mm_or_si128(_mm_cmpeq_epi8(v, tab),
                                                _mm_cmpeq_epi8(v, lf)),
                                   bad);
        else if (mode == XLC_ESCAPE_JSON)
            bad = _mm_or_si128(bad, _mm_or_si128(_mm_cmpeq_epi8(v, quote),
                                                 _mm_cmpeq_epi8(v, bs)));
        if (_mm_movemask_epi8(bad))
            break;
    }
    return i;
}
#else
static inline size_t plain_blocks(const unsigned char *p, size_t len,
                                  enum xlc_escape_mode mode)
{
    (void)p, (void)len, (void)mode;
    return 0;
}
#endif

/* Whole words of eight plain bytes from p on: what most text is. */
static inline __attribute__((always_inline)) size_t
plain_words(const unsigned char *p, size_t len, enum xlc_escape_mode mode)
{
    size_t i = plain_blocks(p, len, mode);

    for (; len - i >= 8; i += 8) {
        uint64_t w;

        memcpy(&w, p + i, 8);
        if (not_plain8(w, mode))
            break;
    }
    return i;
}

/* How many bytes from p on mode writes as they are: a tight loop per
 * mode, since every line the tool prints comes through here. */
static size_t plain_run(const unsigned char *p, size_t len,
                        enum xlc_escape_mode mode, const char *also)
{
    size_t i = 0;

    if (also) {
        while (i < len && plain(p[i], mode, also))
            i++;
        return i;
    }
    if (mode == XLC_ESCAPE_JSON) {
        i = plain_words(p, len, XLC_ESCAPE_JSON);
        while (i < len && p[i] >= 0x20 && p[i] < 0x7f && p[i] != '"' &&
               p[i] != '\\')
            i++;
    } else if (mode == XLC_ESCAPE_REPORT) {
        i = plain_words(p, len, XLC_ESCAPE_REPORT);
        while (i < len && ((p[i] >= 0x20 && p[i] < 0x7f) || p[i] == '\n' ||
                           p[i] == '\t'))
            i++;
    } else {
        i = plain_words(p, len, XLC_ESCAPE_TEXT);
        while (i < len && p[i] >= 0x20 && p[i] < 0x7f)
            i++;
    }
    return i;
}

void xlc_buf_escape(struct xlc_buf *b, const char *s, size_t len,
                    enum xlc_escape_mode mode, const char *also)
{
    const unsigned char *p = (const unsigned char *)s;
    char out[8];

    for (size_t i = 0, used; i < len; i += used) {
        size_t n;

        /* A run of plain text in one append. */
        used = plain_run(p + i, len - i, mode, also);
        if (used) {
            xlc_buf_put(b, s + i, used);
            continue;
        }
        n = piece(p + i, len - i, &used, mode, also, out);
        xlc_buf_put(b, out, n);
    }
}

size_t xlc_escape_plain_len(const char *s, size_t len,
                            enum xlc_escape_mode mode)
{
    return plain_run((const unsigned char *)s, len, mode, NULL);
}

size_t xlc_utf8_incomplete_tail(const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;

    for (size_t back = 1; back <= 3 && back <= len; back++) {
        unsigned char c = u[len - back];
        size_t need = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef
                      ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;

        if ((c & 0xc0) == 0x80)
            continue;           /* a continuation byte: look further back */
        return need > back ? back : 0;
    }
    return 0;
}

/* Declared in strbuf.h, where the library's writers look for it. */
void xlc_buf_json_str(struct xlc_buf *b, const char *s)
{
    size_t len = strlen(s);
    size_t plain = plain_run((const unsigned char *)s, len, XLC_ESCAPE_JSON,
                             NULL);

    /* Names and words, nearly always: quoted in one append. */
    if (plain == len && len < 254) {
        char q[256];

        q[0] = '"';
        memcpy(q + 1, s, len);
        q[len + 1] = '"';
        xlc_buf_put(b, q, len + 2);
        return;
    }
    xlc_buf_putc(b, '"');
    xlc_buf_escape(b, s, len, XLC_ESCAPE_JSON, NULL);
    xlc_buf_putc(b, '"');
}

/* Escape s[0..len) into buf[0..size), whole pieces only; the length. */
static size_t escape_into(char *buf, size_t size, const char *s, size_t len,
                          const char *also, size_t *consumed)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t k = 0, i = 0, used;
    char out[8];

    while (i < len) {
        size_t n = piece(p + i, len - i, &used, XLC_ESCAPE_TEXT, also, out);

        if (k + n + 1 > size)
            break;
        memcpy(buf + k, out, n);
        k += n;
        i += used;
    }
    buf[k] = '\0';
    *consumed = i;
    return k;
}

const char *xlc_quote(char *buf, size_t size, const char *s, size_t len,
                      size_t show, const char *also)
{
    size_t consumed, k;

    if (!size)
        return buf;
    if (show > len)
        show = len;
    /* Cut between characters, not inside one. */
    for (int back = 0; back < 3 && show && show < len &&
                       ((unsigned char)s[show] & 0xc0) == 0x80; back++)
        show--;
    k = escape_into(buf, size > 3 ? size - 3 : size, s, show, also,
                    &consumed);
    if (consumed < len && size > 3)
        memcpy(buf + k, "...", 4);
    return buf;
}

bool xlc_escape_clean(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t used;
    char out[8];

    for (size_t i = 0; i < len; i += used) {
        size_t n;

        if (p[i] >= 0x20 && p[i] < 0x7f) {
            used = 1;
            continue;
        }
        n = piece(p + i, len - i, &used, XLC_ESCAPE_TEXT, NULL, out);
        if (n != used || memcmp(out, p + i, n))
            return false;
    }
    return true;
}

void xlc_escape_in_place(char *buf, size_t size)
{
    char tmp[4096];
    size_t len = strnlen(buf, size), consumed;

    if (xlc_escape_clean(buf, len))
        return;
    if (size > sizeof(tmp))
        size = sizeof(tmp);
    escape_into(tmp, size, buf, len, NULL, &consumed);
    memcpy(buf, tmp, strlen(tmp) + 1);
}

void xlc_buf_json_strv(struct xlc_buf *b, char *const *v, size_t n,
                       const char *sep)
{
    xlc_buf_putc(b, '[');
    for (size_t i = 0; i < n; i++) {
        xlc_buf_puts(b, i ? sep : "");
        xlc_buf_json_str(b, v[i]);
    }
    xlc_buf_putc(b, ']');
}
