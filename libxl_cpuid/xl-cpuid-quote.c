/* SPDX-License-Identifier: MIT */
/* Quoting user text in messages without letting control bytes through. */
#include <stdio.h>
#include <string.h>

#include "xl-cpuid-priv.h"

const char *xlc_xl_quote(char *out, size_t n, const char *s, size_t len)
{
    size_t o = 0;

    for (size_t i = 0; i < len && s[i]; i++) {
        unsigned char c = (unsigned char)s[i];
        size_t need = (c >= 0x20 && c < 0x7f) ? 1 : 4;

        /* Keep room for "..." and the terminator. */
        if (o + need + 4 > n) {
            memcpy(out + o, "...", 3);
            o += 3;
            break;
        }
        if (need == 1)
            out[o++] = (char)c;
        else
            o += (size_t)snprintf(out + o, n - o, "\\x%02x", c);
    }
    out[o] = '\0';
    return out;
}
