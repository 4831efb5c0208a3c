/* SPDX-License-Identifier: MIT */
/*
 * SHA-256 as FIPS 180-4 specifies it: 64-byte blocks, big-endian words,
 * the message padded with 0x80, zeros and its length in bits.
 */
#include <stdatomic.h>
#include <stdbool.h>
#include <string.h>

#include "digits.h"
#include "sha256.h"
#include "sha256-int.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#include <immintrin.h>
#endif

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

#if defined(__x86_64__) || defined(__i386__)
/*
 * The same compression with the SHA extensions (Intel since Goldmont and
 * Ice Lake, AMD since Zen), used when the CPU has them: about twenty
 * times fewer instructions a block.  The state is kept as the
 * instructions want it, ABEF and CDGH; each SHA256RNDS2 does two rounds,
 * SHA256MSG1/MSG2 extend the message schedule four words at a time.
 */
__attribute__((target("sha,sse4.1"))) static void
compress_ni(uint32_t hs[8], const uint8_t *p)
{
    const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bll,
                                         0x0405060700010203ll);
    __m128i dcba = _mm_loadu_si128((const __m128i *)&hs[0]);
    __m128i hgfe = _mm_loadu_si128((const __m128i *)&hs[4]);
    __m128i cdab = _mm_shuffle_epi32(dcba, 0xb1);
    __m128i efgh = _mm_shuffle_epi32(hgfe, 0x1b);
    __m128i abef = _mm_alignr_epi8(cdab, efgh, 8);
    __m128i cdgh = _mm_blend_epi16(efgh, cdab, 0xf0);
    __m128i abef0 = abef, cdgh0 = cdgh, w[4];

    for (int i = 0; i < 16; i++) {
        __m128i *wi = &w[i % 4], wk;

        if (i < 4)
            *wi = _mm_shuffle_epi8(
                _mm_loadu_si128((const __m128i *)(p + 16 * i)), bswap);
        else
            *wi = _mm_sha256msg2_epu32(
                _mm_add_epi32(_mm_sha256msg1_epu32(*wi, w[(i + 1) % 4]),
                              _mm_alignr_epi8(w[(i + 3) % 4],
                                              w[(i + 2) % 4], 4)),
                w[(i + 3) % 4]);
        wk = _mm_add_epi32(*wi, _mm_loadu_si128((const __m128i *)&k[4 * i]));
        cdgh = _mm_sha256rnds2_epu32(cdgh, abef, wk);
        abef = _mm_sha256rnds2_epu32(abef, cdgh,
                                     _mm_shuffle_epi32(wk, 0x0e));
    }
    abef = _mm_add_epi32(abef, abef0);
    cdgh = _mm_add_epi32(cdgh, cdgh0);
    /* Back to a..h in order. */
    efgh = _mm_shuffle_epi32(abef, 0x1b);
    cdgh = _mm_shuffle_epi32(cdgh, 0xb1);
    _mm_storeu_si128((__m128i *)&hs[0], _mm_blend_epi16(efgh, cdgh, 0xf0));
    _mm_storeu_si128((__m128i *)&hs[4], _mm_alignr_epi8(cdgh, efgh, 8));
}

/* CPUID itself (leaf 7 EBX bit 29, leaf 1 ECX bit 19): older compilers'
 * __builtin_cpu_supports does not know "sha". */
static bool ask_cpuid(void)
{
    unsigned int a, b, c, d;

    if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & (1u << 19)))
        return false;
    return __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & (1u << 29));
}

/* Asked once per process: in a virtual machine every CPUID instruction
 * traps to the hypervisor (a microsecond or two), which cost more than
 * the block it chose the code for.  Threads that race both store the
 * same answer. */
static bool have_ni(void)
{
    static atomic_int known; /* 0 not asked, 1 no, 2 yes */
    int v = atomic_load_explicit(&known, memory_order_relaxed);

    if (!v) {
        v = ask_cpuid() ? 2 : 1;
        atomic_store_explicit(&known, v, memory_order_relaxed);
    }
    return v == 2;
}
#else
static void compress_ni(uint32_t hs[8], const uint8_t *p)
{
    compress(hs, p);
}

static bool have_ni(void)
{
    return false;
}
#endif

void xlc_sha256_block(uint32_t h[8], const uint8_t block[64], bool fast)
{
    if (fast && have_ni())
        compress_ni(h, block);
    else
        compress(h, block);
}

static void block(uint32_t h[8], const uint8_t *p)
{
    xlc_sha256_block(h, p, true);
}

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
            block(c->h, p);
            p += 64;
            len -= 64;
            continue;
        }

        memcpy(c->block + c->fill, p, n);
        c->fill += n;
        p += n;
        len -= n;
        if (c->fill == 64) {
            block(c->h, c->block);
            c->fill = 0;
        }
    }
}

void xlc_sha256_final(struct xlc_sha256 *c, uint8_t out[XLC_SHA256_BYTES])
{
    static const uint8_t pad[64] = { 0x80 };
    uint64_t bits = c->bytes * 8;
    uint8_t len[8];

    for (int i = 0; i < 8; i++)
        len[i] = (uint8_t)(bits >> (56 - 8 * i));
    /* 0x80, then zeros up to 56 bytes into a block, at once. */
    xlc_sha256_update(c, pad, (c->fill < 56 ? 56 : 120) - c->fill);
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

void xlc_sha256_digest_hex(const uint8_t d[XLC_SHA256_BYTES],
                           char out[XLC_SHA256_HEX])
{
    char *o = out;

    for (int i = 0; i < XLC_SHA256_BYTES; i++)
        o = xlc_put_hex(o, d[i], 2);
    *o = '\0';
}

void xlc_sha256_hex(const void *data, size_t len, char out[XLC_SHA256_HEX])
{
    uint8_t d[XLC_SHA256_BYTES];

    xlc_sha256(data, len, d);
    xlc_sha256_digest_hex(d, out);
}
