/* SPDX-License-Identifier: MIT */
/*
 * Bitmap operations on variable-length featuresets.  A word past the end
 * of an operand reads as zero; that single rule gives the zero-extension
 * the featureset contract promises.
 */
#include "featureset.h"

static inline uint32_t word_at(const uint32_t *fs, size_t nr, size_t i)
{
    return i < nr ? fs[i] : 0;
}

/*
 * Operands of our full length are the common case (every host's sets,
 * thousands of times a run): four words at a time through GCC/clang
 * vector types, then the last few -- a loop of a variable length, or one
 * whose operands may be one another, the compiler leaves word by word.
 * Each word of the result reads only that word of the operands, so the
 * result may be an operand.
 */
typedef uint32_t v4 __attribute__((vector_size(16), aligned(4)));
#define VEC_WORDS (XFS_NR_WORDS / 4 * 4)
#define FULL(nd, na) ((nd) == XFS_NR_WORDS && (na) >= XFS_NR_WORDS)
#define FULL_LOOP(expr)                                                       \
    do {                                                                      \
        for (size_t i = 0; i < VEC_WORDS; i += 4) {                           \
            typedef v4 w_t;                                                   \
            *(v4 *)&dst[i] = (expr);                                          \
        }                                                                     \
        for (size_t i = VEC_WORDS; i < XFS_NR_WORDS; i++) {                   \
            typedef uint32_t w_t;                                             \
            dst[i] = (expr);                                                  \
        }                                                                     \
    } while (0)
#define AT(p) (*(const w_t *)&(p)[i])

/* Plain C rather than a builtin, which may need a libgcc helper. */
static unsigned int popcount32(uint32_t x)
{
    x = x - ((x >> 1) & 0x55555555u);
    x = (x & 0x33333333u) + ((x >> 2) & 0x33333333u);
    x = (x + (x >> 4)) & 0x0f0f0f0fu;
    return (x * 0x01010101u) >> 24;
}

bool xfs_test(const uint32_t *fs, size_t nr, unsigned int feature)
{
    return (word_at(fs, nr, feature / 32) >> (feature % 32)) & 1;
}

int xfs_set(uint32_t *fs, size_t nr, unsigned int feature)
{
    if (feature / 32 >= nr)
        return -1;
    fs[feature / 32] |= 1u << (feature % 32);
    return 0;
}

void xfs_clear(uint32_t *fs, size_t nr, unsigned int feature)
{
    if (feature / 32 < nr)
        fs[feature / 32] &= ~(1u << (feature % 32));
}

void xfs_and(uint32_t *dst, size_t nd, const uint32_t *a, size_t na,
             const uint32_t *b, size_t nb)
{
    if (FULL(nd, na) && nb >= nd) {
        FULL_LOOP(AT(a) & AT(b));
        return;
    }
    for (size_t i = 0; i < nd; i++)
        dst[i] = word_at(a, na, i) & word_at(b, nb, i);
}

void xfs_or(uint32_t *dst, size_t nd, const uint32_t *a, size_t na,
            const uint32_t *b, size_t nb)
{
    if (FULL(nd, na) && nb >= nd) {
        FULL_LOOP(AT(a) | AT(b));
        return;
    }
    for (size_t i = 0; i < nd; i++)
        dst[i] = word_at(a, na, i) | word_at(b, nb, i);
}

void xfs_andnot(uint32_t *dst, size_t nd, const uint32_t *a, size_t na,
                const uint32_t *b, size_t nb)
{
    if (FULL(nd, na) && nb >= nd) {
        FULL_LOOP(AT(a) & ~AT(b));
        return;
    }
    for (size_t i = 0; i < nd; i++)
        dst[i] = word_at(a, na, i) & ~word_at(b, nb, i);
}

void xfs_copy(uint32_t *dst, size_t nd, const uint32_t *src, size_t ns)
{
    if (FULL(nd, ns)) {
        FULL_LOOP(AT(src));
        return;
    }
    for (size_t i = 0; i < nd; i++)
        dst[i] = word_at(src, ns, i);
}

bool xfs_subset(const uint32_t *a, size_t na, const uint32_t *b, size_t nb)
{
    for (size_t i = 0; i < na; i++)
        if (a[i] & ~word_at(b, nb, i))
            return false;
    return true;
}

bool xfs_equal(const uint32_t *a, size_t na, const uint32_t *b, size_t nb)
{
    size_t n = na > nb ? na : nb;

    for (size_t i = 0; i < n; i++)
        if (word_at(a, na, i) != word_at(b, nb, i))
            return false;
    return true;
}

bool xfs_empty(const uint32_t *a, size_t na)
{
    uint32_t any = 0;

    /* No early exit: reports ask it of mostly empty sets. */
    if (na == XFS_NR_WORDS) {
        v4 v = { 0 };

        for (size_t i = 0; i < VEC_WORDS; i += 4)
            v |= *(const v4 *)&a[i];
        any = v[0] | v[1] | v[2] | v[3];
        for (size_t i = VEC_WORDS; i < XFS_NR_WORDS; i++)
            any |= a[i];
        return !any;
    }
    for (size_t i = 0; i < na; i++)
        any |= a[i];
    return !any;
}

unsigned int xfs_popcount(const uint32_t *a, size_t na)
{
    unsigned int n = 0;

    for (size_t i = 0; i < na; i++)
        n += popcount32(a[i]);
    return n;
}
