/* SPDX-License-Identifier: MIT */
/*
 * Per-bit host counts, bit-sliced (see level.h).
 *
 * Counting one host is adding a one-plane number to a 32-plane number:
 * the carry usually dies within a plane or two, so the loop stops early.
 * Counting many hosts goes through carry-save adders (the usual
 * positional-popcount tricks): running ones..eights planes that let only
 * one plane in sixteen hosts reach the counter (add_many_hs), or eight
 * hosts compressed into a four-plane number, which cost far less per host
 * than separate ripples.
 *
 * Planes are XFS_COUNT_WORDS (a multiple of four) words, handled four at a
 * time through GCC/clang vector types: plain C bit operations, no libc, no
 * instruction-set assumptions beyond what the compiler targets anyway.
 */
#include "level.h"

#define CW XFS_COUNT_WORDS
#define NV (CW / 4) /* vectors per plane */

typedef uint32_t v4u __attribute__((vector_size(16)));

_Static_assert(CW % 4 == 0, "planes must hold whole vectors");

/* Word w of a featureset of nr words, zero past its end or past ours. */
static inline uint32_t word_of(const uint32_t *fs, size_t nr, size_t w)
{
    return w < nr && w < XFS_NR_WORDS ? fs[w] : 0;
}

static inline uint32_t lanes_or(v4u v)
{
    return v[0] | v[1] | v[2] | v[3];
}

static inline v4u *vplane(struct xfs_counts *c, unsigned int p)
{
    return (v4u *)c->plane[p];
}

void xfs_counts_init(struct xfs_counts *c)
{
    c->nr_hosts = 0;
    for (unsigned int p = 0; p < XFS_COUNT_PLANES; p++)
        for (unsigned int w = 0; w < CW; w++)
            c->plane[p][w] = 0;
}

/*
 * counts += addend * 2^q, where addend is a k-plane number (plane i has
 * weight 2^i).  The caller has checked that no count can exceed 2^32 - 1.
 */
static void add_planes_at(struct xfs_counts *c, const v4u (*addend)[NV],
                          unsigned int k, unsigned int q)
{
    v4u carry[NV] = { { 0 } };

    for (unsigned int p = q; p < XFS_COUNT_PLANES; p++) {
        v4u *x = vplane(c, p), more = { 0 };

        for (unsigned int v = 0; v < NV; v++) {
            v4u a = p - q < k ? addend[p - q][v] : (v4u){ 0 };
            v4u old = x[v], s = old ^ a;

            x[v] = s ^ carry[v];
            carry[v] = (old & a) | (s & carry[v]);
            more |= carry[v];
        }
        if (p + 1 >= q + k && !lanes_or(more))
            break;
    }
}

static void add_planes(struct xfs_counts *c, const v4u (*addend)[NV],
                       unsigned int k)
{
    add_planes_at(c, addend, k, 0);
}

static bool room_for(const struct xfs_counts *c, size_t count)
{
    return count <= (size_t)(UINT32_MAX - c->nr_hosts);
}

int xfs_counts_add(struct xfs_counts *c, const uint32_t *fs, size_t nr)
{
    _Alignas(16) uint32_t one[CW];

    if (!room_for(c, 1))
        return -1;
    for (unsigned int w = 0; w < CW; w++)
        one[w] = word_of(fs, nr, w);
    add_planes(c, (const v4u(*)[NV])one, 1);
    c->nr_hosts++;
    return 0;
}

/* Full adder on 128 lanes: a + b + d = 2 * *hi + *lo. */
static inline void csa(v4u *hi, v4u *lo, v4u a, v4u b, v4u d)
{
    v4u u = a ^ b;

    *hi = (a & b) | (u & d);
    *lo = u ^ d;
}

/* Sum eight padded rows into a four-plane number (0..8 per bit). */
static void sum8(const v4u (*row)[NV], v4u out[4][NV])
{
    for (unsigned int v = 0; v < NV; v++) {
        v4u c1, s1, c2, s2, c3, s3, d1, t, h;

        csa(&c1, &s1, row[0][v], row[1][v], row[2][v]);
        csa(&c2, &s2, row[3][v], row[4][v], row[5][v]);
        csa(&c3, &s3, s1, s2, row[6][v]);
        out[0][v] = s3 ^ row[7][v];
        h = s3 & row[7][v];
        csa(&d1, &t, c1, c2, c3); /* the four weight-2 bits: c1 c2 c3 h */
        out[1][v] = t ^ h;
        out[2][v] = d1 ^ (t & h);
        out[3][v] = d1 & t & h;
    }
}

/* Rows of CW words, 16-byte aligned, whole multiple of eight of them. */
static void add_rows8(struct xfs_counts *c, const uint32_t (*rows)[CW],
                      size_t count)
{
    v4u num[4][NV];

    for (size_t i = 0; i < count; i += 8) {
        sum8((const v4u(*)[NV])rows[i], num);
        add_planes(c, (const v4u(*)[NV])num, 4);
    }
}

static size_t add_many_hs(struct xfs_counts *c, const uint32_t *fs,
                          size_t stride, size_t count);

int xfs_counts_add_rows(struct xfs_counts *c, const uint32_t (*rows)[CW],
                        size_t count)
{
    size_t whole;

    if (!room_for(c, count))
        return -1;
    if ((uintptr_t)rows % 16 || count >= 16)
        return xfs_counts_add_many(c, rows[0], CW, CW, count);
    whole = count - count % 8;
    add_rows8(c, rows, whole);
    c->nr_hosts += (uint32_t)whole;
    for (size_t i = whole; i < count; i++)
        xfs_counts_add(c, rows[i], CW);
    return 0;
}

/*
 * One featureset into an aligned row.  Full-length ones are the common
 * case: whole vectors while they fit inside the featureset, then words.
 */
static inline void stage_row(uint32_t row[CW], const uint32_t *fs, size_t nr)
{
    typedef uint32_t v4u_unaligned __attribute__((vector_size(16), aligned(4)));
    unsigned int w = 0;

    if (nr >= XFS_NR_WORDS)
        for (; w + 4 <= XFS_NR_WORDS; w += 4)
            *(v4u *)&row[w] = *(const v4u_unaligned *)&fs[w];
    for (; w < CW; w++)
        row[w] = word_of(fs, nr, w);
}

/*
 * Vector v of a full-length featureset read in place: the words past
 * XFS_NR_WORDS (the padding of the last vector) read as zero, so nothing
 * is read beyond the featureset.  v is a constant where it is inlined.
 */
static inline __attribute__((always_inline)) v4u
load_vec(const uint32_t *fs, unsigned int v)
{
    typedef uint32_t v4u_unaligned __attribute__((vector_size(16), aligned(4)));
    unsigned int w = 4 * v;

    if (w + 4 <= XFS_NR_WORDS)
        return *(const v4u_unaligned *)&fs[w];
    return (v4u){ w < XFS_NR_WORDS ? fs[w] : 0,
                  w + 1 < XFS_NR_WORDS ? fs[w + 1] : 0,
                  w + 2 < XFS_NR_WORDS ? fs[w + 2] : 0,
                  w + 3 < XFS_NR_WORDS ? fs[w + 3] : 0 };
}

/*
 * Sixteen featuresets' vector v into the running ones..eights planes
 * (st[0..3]): what carries out of the eights, the sixteens.  The planes
 * stay in registers for the sixteen; each featureset's vector is read
 * once, straight into the adders.
 */
static inline __attribute__((always_inline)) v4u
csa16(const uint32_t *row, size_t stride, unsigned int v, v4u st[][NV])
{
    v4u ones = st[0][v], twos = st[1][v], fours = st[2][v];
    v4u eights = st[3][v], twos_a, twos_b, fours_a, fours_b, eights_a;
    v4u eights_b, out;

#define LD(r) load_vec(row + (r) * stride, v)
    csa(&twos_a, &ones, ones, LD(0), LD(1));
    csa(&twos_b, &ones, ones, LD(2), LD(3));
    csa(&fours_a, &twos, twos, twos_a, twos_b);
    csa(&twos_a, &ones, ones, LD(4), LD(5));
    csa(&twos_b, &ones, ones, LD(6), LD(7));
    csa(&fours_b, &twos, twos, twos_a, twos_b);
    csa(&eights_a, &fours, fours, fours_a, fours_b);
    csa(&twos_a, &ones, ones, LD(8), LD(9));
    csa(&twos_b, &ones, ones, LD(10), LD(11));
    csa(&fours_a, &twos, twos, twos_a, twos_b);
    csa(&twos_a, &ones, ones, LD(12), LD(13));
    csa(&twos_b, &ones, ones, LD(14), LD(15));
    csa(&fours_b, &twos, twos, twos_a, twos_b);
    csa(&eights_b, &fours, fours, fours_a, fours_b);
    csa(&out, &eights, eights, eights_a, eights_b);
#undef LD
    st[0][v] = ones;
    st[1][v] = twos;
    st[2][v] = fours;
    st[3][v] = eights;
    return out;
}

/* Sixty-four featuresets' vector v: into st[0..5], out the sixty-fours. */
static inline __attribute__((always_inline)) v4u
csa64(const uint32_t *row, size_t stride, unsigned int v, v4u st[][NV])
{
    v4u s16[4], t32_a, t32_b, out;

    for (unsigned int b = 0; b < 4; b++)
        s16[b] = csa16(row + 16 * b * stride, stride, v, st);
    csa(&t32_a, &st[4][v], st[4][v], s16[0], s16[1]);
    csa(&t32_b, &st[4][v], st[4][v], s16[2], s16[3]);
    csa(&out, &st[5][v], st[5][v], t32_a, t32_b);
    return out;
}

/*
 * Full-length featuresets, many of them: the Harley-Seal scheme.  Carry-
 * save adders keep running ones..thirty-twos planes; every 64
 * featuresets come out as one sixty-fours plane, added to the counts at
 * plane 6 (every sixteen, for what is left, a sixteens plane at plane 4).
 * About five vector operations per featureset and vector; the ripple
 * into the big counter, whose carries run as long as any lane's do, only
 * once in 64.  The vectors are spelled out one by one so that each is a
 * constant (the last, partial one read word by word).
 */
static size_t add_many_hs(struct xfs_counts *c, const uint32_t *fs,
                          size_t stride, size_t count)
{
    v4u st[6][NV] = { { { 0 } } }; /* ones, twos, ..., thirty-twos */
    v4u top[1][NV];
    size_t i = 0;

    _Static_assert(NV == 5, "add_many_hs spells out five vectors");
    for (; i + 64 <= count; i += 64) {
        const uint32_t *row = fs + i * stride;

        top[0][0] = csa64(row, stride, 0, st);
        top[0][1] = csa64(row, stride, 1, st);
        top[0][2] = csa64(row, stride, 2, st);
        top[0][3] = csa64(row, stride, 3, st);
        top[0][4] = csa64(row, stride, 4, st);
        add_planes_at(c, (const v4u(*)[NV])top, 1, 6);
    }
    for (; i + 16 <= count; i += 16) {
        const uint32_t *row = fs + i * stride;

        top[0][0] = csa16(row, stride, 0, st);
        top[0][1] = csa16(row, stride, 1, st);
        top[0][2] = csa16(row, stride, 2, st);
        top[0][3] = csa16(row, stride, 3, st);
        top[0][4] = csa16(row, stride, 4, st);
        add_planes_at(c, (const v4u(*)[NV])top, 1, 4);
    }
    for (unsigned int q = 0; q < 6; q++)
        add_planes_at(c, (const v4u(*)[NV])&st[q], 1, q);
    c->nr_hosts += (uint32_t)i;
    return i;
}

int xfs_counts_add_many(struct xfs_counts *c, const uint32_t *fs, size_t nr,
                        size_t stride, size_t count)
{
    _Alignas(16) uint32_t stage[8][CW];
    size_t i = 0;

    if (!room_for(c, count))
        return -1;
    if (nr >= XFS_NR_WORDS && stride >= XFS_NR_WORDS)
        i = add_many_hs(c, fs, stride, count);
    /* Copy each block of eight into aligned, zero-padded rows first. */
    for (; i + 8 <= count; i += 8) {
        for (unsigned int r = 0; r < 8; r++)
            stage_row(stage[r], fs + (i + r) * stride, nr);
        add_rows8(c, (const uint32_t(*)[CW])stage, 8);
        c->nr_hosts += 8;
    }
    for (; i < count; i++)
        xfs_counts_add(c, fs + i * stride, nr);
    return 0;
}

int xfs_counts_merge(struct xfs_counts *c, const struct xfs_counts *more)
{
    if (!room_for(c, more->nr_hosts))
        return -1;
    add_planes(c, (const v4u(*)[NV])more->plane, XFS_COUNT_PLANES);
    c->nr_hosts += more->nr_hosts;
    return 0;
}

int xfs_counts_remove(struct xfs_counts *c, const uint32_t *fs, size_t nr)
{
    uint32_t any[XFS_NR_WORDS];
    _Alignas(16) uint32_t b[CW];
    v4u *borrow = (v4u *)b;

    if (!c->nr_hosts)
        return -1;
    xfs_counts_any(c, any);
    /* A bit nobody has cannot be uncounted: refuse before touching. */
    for (unsigned int w = 0; w < CW; w++) {
        b[w] = word_of(fs, nr, w);
        if (w < XFS_NR_WORDS && (b[w] & ~any[w]))
            return -1;
    }
    for (unsigned int p = 0; p < XFS_COUNT_PLANES; p++) {
        v4u *x = vplane(c, p), more = { 0 };

        for (unsigned int v = 0; v < NV; v++) {
            v4u old = x[v];

            x[v] = old ^ borrow[v];
            borrow[v] &= ~old;
            more |= borrow[v];
        }
        if (!lanes_or(more))
            break;
    }
    c->nr_hosts--;
    return 0;
}

uint32_t xfs_counts_get(const struct xfs_counts *c, unsigned int bit)
{
    uint32_t n = 0;

    if (bit >= XFS_NR_FEATURE_BITS)
        return 0;
    for (unsigned int p = 0; p < XFS_COUNT_PLANES; p++)
        n |= ((c->plane[p][bit / 32] >> (bit % 32)) & 1u) << p;
    return n;
}

void xfs_counts_every(const struct xfs_counts *c, uint32_t out[XFS_NR_WORDS])
{
    for (unsigned int w = 0; w < XFS_NR_WORDS; w++) {
        uint32_t eq = ~0u;

        /* count == n: every plane agrees with the matching bit of n. */
        for (unsigned int p = 0; p < XFS_COUNT_PLANES; p++)
            eq &= ((c->nr_hosts >> p) & 1u) ? c->plane[p][w] : ~c->plane[p][w];
        out[w] = eq;
    }
}

void xfs_counts_any(const struct xfs_counts *c, uint32_t out[XFS_NR_WORDS])
{
    for (unsigned int w = 0; w < XFS_NR_WORDS; w++) {
        uint32_t nz = 0;

        for (unsigned int p = 0; p < XFS_COUNT_PLANES; p++)
            nz |= c->plane[p][w];
        out[w] = nz;
    }
}
