/* SPDX-License-Identifier: MIT */
#include "digits.h"

char *xlc_put_hex(char *o, uint32_t v, unsigned int width)
{
    static const char digits[] = "0123456789abcdef";
    unsigned int n = v ? (35u - (unsigned int)__builtin_clz(v)) / 4 : 1;

    if (n < width)
        n = width;
    for (unsigned int i = n; i-- > 0; v >>= 4)
        o[i] = digits[v & 15];
    return o + n;
}

char *xlc_put_dec(char *o, uint64_t v)
{
    char tmp[20];
    unsigned int n = 0;

    if (v < 10) {
        *o = (char)('0' + v);
        return o + 1;
    }
    do
        tmp[n++] = (char)('0' + v % 10);
    while ((v /= 10));
    while (n)
        *o++ = tmp[--n];
    return o;
}
