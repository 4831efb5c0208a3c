/* SPDX-License-Identifier: MIT */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "libvirt-util.h"

/* The array pointer is moved with memcpy: it may be any T *. */
int xlc_grow(void *arr, size_t *cap, size_t nr, size_t size)
{
    void *old, *n;
    size_t want;

    if (nr < *cap)
        return 0;
    want = *cap ? 2 * *cap : 8;
    memcpy(&old, arr, sizeof(old));
    n = realloc(old, want * size);
    if (!n)
        return -1;
    memcpy(arr, &n, sizeof(n));
    *cap = want;
    return 0;
}

char *xlc_strdup(const char *s, int *oom)
{
    char *d;

    if (!s)
        return NULL;
    d = strdup(s);
    if (!d)
        *oom = 1;
    return d;
}

/* Two-row Levenshtein; names are short, longer ones are simply capped. */
unsigned int xlc_edit_distance(const char *a, const char *b, unsigned int cap)
{
    enum { MAXLEN = 64 };
    unsigned int row[2][MAXLEN + 1];
    size_t la = strlen(a), lb = strlen(b);

    if (la > MAXLEN || lb > MAXLEN)
        return cap;
    for (size_t j = 0; j <= lb; j++)
        row[0][j] = (unsigned int)j;
    for (size_t i = 1; i <= la; i++) {
        unsigned int *prev = row[(i - 1) & 1], *cur = row[i & 1];

        cur[0] = (unsigned int)i;
        for (size_t j = 1; j <= lb; j++) {
            unsigned int sub = prev[j - 1] +
                               (tolower((unsigned char)a[i - 1]) !=
                                tolower((unsigned char)b[j - 1]));
            unsigned int del = prev[j] + 1, ins = cur[j - 1] + 1;

            cur[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
        }
    }
    return row[la & 1][lb] < cap ? row[la & 1][lb] : cap;
}
