/* SPDX-License-Identifier: MIT */
/*
 * SHA-256 as FIPS 180-4 specifies it: 64-byte blocks, big-endian words,
 * the message padded with 0x80, zeros and its length in bits.
 */
#include <string.h>

#include "sha256.h"

/* The first 32 bits of the fractional parts of the cube roots of the
 * first 64 primes (FIPS 180-4, 4.2.2). */
static const uint32_t k[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
    0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
    0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
    0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
    0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
    0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
    0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
    0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
    0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static uint32_t ror(uint32_t x, unsigned int n)
{
    return x >> n | x << (32 - n);
}

/*
 * One round on the working variables a..h named in rotated order, so that
 * no round moves them (the spec's shuffle is the renaming of the next
 * call): model pins hash a few KiB per model of every report.
 */
#define ROUND(a, b, c, d, e, f, g, h, i)                                    \
    do {                                                                    \
        uint32_t t1 = h + (ror(e, 6) ^ ror(e, 11) ^ ror(e, 25)) +           \
                      (g ^ (e & (f ^ g))) + k[i] + w[i];                    \
        uint32_t t2 = (ror(a, 2) ^ ror(a, 13) ^ ror(a, 22)) +               \
                      ((a & b) | (c & (a | b)));                            \
        d += t1;                                                            \
        h = t1 + t2;                                                        \
    } while (0)

static void compress(uint32_t hs[8], const uint8_t *p)
{
    uint32_t w[64];
    uint32_t a = hs[0], b = hs[1], c = hs[2], d = hs[3];
    uint32_t e = hs[4], f = hs[5], g = hs[6], h = hs[7];

    for (int i = 0; i < 16; i++)
        w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
               (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
    for (int i = 16; i < 64; i++) {
        uint32_t s0 = ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^ w[i - 15] >> 3;
        uint32_t s1 = ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^ w[i - 2] >> 10;

        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    for (int i = 0; i < 64; i += 8) {
        ROUND(a, b, c, d, e, f, g, h, i);
        ROUND(h, a, b, c, d, e, f, g, i + 1);
        ROUND(g, h, a, b, c, d, e, f, i + 2);
        ROUND(f, g, h, a, b, c, d, e, i + 3);
        ROUND(e, f, g, h, a, b, c, d, i + 4);
        ROUND(d, e, f, g, h, a, b, c, i + 5);
        ROUND(c, d, e, f, g, h, a, b, i + 6);
        ROUND(b, c, d, e, f, g, h, a, i + 7);
    }
    hs[0] += a;
    hs[1] += b;
    hs[2] += c;
    hs[3] += d;
    hs[4] += e;
    hs[5] += f;
    hs[6] += g;
    hs[7] += h;
}

#undef ROUND

void xlc_sha256_init(struct xlc_sha256 *c)
{
    /* The first 32 bits of the fractional parts of the square roots of
     * the first 8 primes (FIPS 180-4, 5.3.3). */
    static const uint32_t h0[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372,
                                    0xa54ff53a, 0x510e527f, 0x9b05688c,
                                    0x1f83d9ab, 0x5be0cd19 };

    memcpy(c->h, h0, sizeof(h0));
    c->bytes = 0;
    c->fill = 0;
}

void xlc_sha256_update(struct xlc_sha256 *c, const void *data, size_t len)
{
    const uint8_t *p = data;

    c->bytes += len;
    while (len) {
        size_t n = 64 - c->fill < len ? 64 - c->fill : len;

        /* Whole blocks straight from the data, not through c->block. */
        if (!c->fill && len >= 64) {
            compress(c->h, p);
            p += 64;
            len -= 64;
            continue;
        }

        memcpy(c->block + c->fill, p, n);
        c->fill += n;
        p += n;
        len -= n;
        if (c->fill == 64) {
            compress(c->h, c->block);
            c->fill = 0;
        }
    }
}

void xlc_sha256_final(struct xlc_sha256 *c, uint8_t out[XLC_SHA256_BYTES])
{
    uint64_t bits = c->bytes * 8;
    uint8_t len[8];

    for (int i = 0; i < 8; i++)
        len[i] = (uint8_t)(bits >> (56 - 8 * i));
    xlc_sha256_update(c, "\x80", 1);
    while (c->fill != 56)
        xlc_sha256_update(c, "", 1);
    xlc_sha256_update(c, len, 8);
    for (int i = 0; i < 8; i++)
        for (int b = 0; b < 4; b++)
            out[4 * i + b] = (uint8_t)(c->h[i] >> (24 - 8 * b));
}

void xlc_sha256(const void *data, size_t len, uint8_t out[XLC_SHA256_BYTES])
{
    struct xlc_sha256 c;

    xlc_sha256_init(&c);
    xlc_sha256_update(&c, data, len);
    xlc_sha256_final(&c, out);
}

void xlc_sha256_hex(const void *data, size_t len, char out[XLC_SHA256_HEX])
{
    static const char hex[] = "0123456789abcdef";
    uint8_t d[XLC_SHA256_BYTES];

    xlc_sha256(data, len, d);
    for (int i = 0; i < XLC_SHA256_BYTES; i++) {
        out[2 * i] = hex[d[i] >> 4];
        out[2 * i + 1] = hex[d[i] & 15];
    }
    out[2 * XLC_SHA256_BYTES] = '\0';
}
