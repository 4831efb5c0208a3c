/* SPDX-License-Identifier: MIT */
/*
 * gen-deep-deps: turn the direct dependency table (xen/lib/deep-deps-table.h)
 * into its transitive closure, written to stdout as a C header of constant
 * tables that xen/lib/deep-deps.c includes.  Runs on the build machine, so
 * the freestanding core carries only data computed here and no state of its
 * own.  Built with xen/lib/featureset-ops.c for the bitmap operations.
 *
 * The build fails (exit 1, one line per problem on stderr) when the table
 * is not a dependency order: a feature that needs itself through a chain of
 * rows, a parent listed twice, or a child that names no feature bit.
 *
 * DEEP_DEPS_TABLE may name another table header (the tests use it to check
 * that a cycle is refused).
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "xen/lib/featureset.h"
#ifndef DEEP_DEPS_TABLE
#define DEEP_DEPS_TABLE "xen/lib/deep-deps-table.h"
#endif
#include DEEP_DEPS_TABLE

#define NR_ROWS (sizeof(xfs_deps_direct) / sizeof(xfs_deps_direct[0]))
#define NR_BITS XFS_NR_FEATURE_BITS

static uint32_t closure[NR_ROWS][XFS_NR_WORDS];
static int row_of[NR_BITS]; /* row index + 1, 0 = none */

/* The direct relation, checked: every name is a bit of this build. */
static int load_direct(void)
{
    int bad = 0;

    for (unsigned int r = 0; r < NR_ROWS; r++) {
        const struct xfs_dep_row *d = &xfs_deps_direct[r];

        if (d->parent >= NR_BITS || row_of[d->parent]) {
            fprintf(stderr, "gen-deep-deps: row %u: parent %u %s\n", r,
                    d->parent, d->parent >= NR_BITS ? "is not a feature bit"
                                                    : "has two rows");
            bad = 1;
            continue;
        }
        row_of[d->parent] = (int)r + 1;
        for (unsigned int i = 0; d->child[i]; i++) {
            unsigned int c = d->child[i];

            if (c >= XFS_DEP_WHOLE_WORD && c - XFS_DEP_WHOLE_WORD < XFS_NR_WORDS)
                closure[r][c - XFS_DEP_WHOLE_WORD] = ~0u;
            else if (c < NR_BITS)
                xfs_set(closure[r], XFS_NR_WORDS, c);
            else {
                fprintf(stderr, "gen-deep-deps: row %u: child %#x is not a "
                        "feature bit or whole word\n", r, c);
                bad = 1;
            }
        }
    }
    return bad;
}

/* Fixed point: fold each dependent's closure into its parent's. */
static void close_over(void)
{
    bool changed = true;

    while (changed) {
        changed = false;
        for (unsigned int r = 0; r < NR_ROWS; r++)
            for (unsigned int s = 0; s < NR_ROWS; s++) {
                if (!xfs_test(closure[r], XFS_NR_WORDS, xfs_deps_direct[s].parent))
                    continue;
                if (xfs_subset(closure[s], XFS_NR_WORDS, closure[r],
                               XFS_NR_WORDS))
                    continue;
                xfs_or(closure[r], XFS_NR_WORDS, closure[r], XFS_NR_WORDS,
                       closure[s], XFS_NR_WORDS);
                changed = true;
            }
    }
}

/* A feature in its own closure needs itself: name the chain back to it. */
static int check_acyclic(void)
{
    int bad = 0;

    for (unsigned int r = 0; r < NR_ROWS; r++) {
        unsigned int p = xfs_deps_direct[r].parent, at = p;

        if (!xfs_test(closure[r], XFS_NR_WORDS, p))
            continue;
        fprintf(stderr, "gen-deep-deps: dependency cycle: %u", p);
        /* Walk direct edges that stay inside the cycle until back at p. */
        for (unsigned int guard = 0; guard < NR_ROWS; guard++) {
            const struct xfs_dep_row *d = &xfs_deps_direct[row_of[at] - 1];
            unsigned int next = p;

            for (unsigned int i = 0; d->child[i]; i++) {
                unsigned int c = d->child[i];

                if (c < NR_BITS && row_of[c] &&
                    xfs_test(closure[row_of[c] - 1], XFS_NR_WORDS, p)) {
                    next = c;
                    break;
                }
            }
            fprintf(stderr, " -> %u", next);
            if (next == p)
                break;
            at = next;
        }
        fputc('\n', stderr);
        bad = 1;
    }
    return bad;
}

/* Each closure's non-zero words alone, as (word, bits) pairs: clearing
 * a whole pool's dependents walks a handful of words, not every row's
 * XFS_NR_WORDS.  Row r's pairs run from deep_dep_first[r] to
 * deep_dep_first[r + 1]. */
static void emit_words(void)
{
    unsigned int n = 0;

    printf("static const uint16_t deep_dep_first[XFS_DEEP_DEPS_ROWS + 1] = {\n");
    for (unsigned int r = 0; r < NR_ROWS; r++) {
        printf("    %u,\n", n);
        for (unsigned int w = 0; w < XFS_NR_WORDS; w++)
            n += closure[r][w] != 0;
    }
    printf("    %u,\n};\n\n", n);
    printf("static const struct { uint8_t word; uint32_t bits; } "
           "deep_dep_words[%u] = {\n", n ? n : 1);
    for (unsigned int r = 0; r < NR_ROWS; r++)
        for (unsigned int w = 0; w < XFS_NR_WORDS; w++)
            if (closure[r][w])
                printf("    { %u, 0x%08x },\n", w, closure[r][w]);
    printf("%s};\n\n", n ? "" : "    { 0, 0 },\n");
}

/* The parents by word, non-zero words alone: which rows apply to a set is
 * read off the set's words, a few at a time, not tested row by row. */
static void emit_parent_words(void)
{
    uint32_t mask[XFS_NR_WORDS] = { 0 };
    unsigned int n = 0;

    for (unsigned int r = 0; r < NR_ROWS; r++)
        mask[xfs_deps_direct[r].parent / 32] |=
            1u << (xfs_deps_direct[r].parent % 32);
    for (unsigned int w = 0; w < XFS_NR_WORDS; w++)
        n += mask[w] != 0;
    printf("#define XFS_DEEP_DEP_PARENT_WORDS %u\n", n);
    printf("static const struct { uint8_t word; uint32_t bits; } "
           "deep_dep_parent_words[%u] = {\n", n ? n : 1);
    for (unsigned int w = 0; w < XFS_NR_WORDS; w++)
        if (mask[w])
            printf("    { %u, 0x%08x },\n", w, mask[w]);
    printf("%s};\n\n", n ? "" : "    { 0, 0 },\n");
}

static void emit(void)
{
    printf("/* Generated by xen/tools/gen-deep-deps from %s: do not edit. */\n",
           DEEP_DEPS_TABLE);
    printf("#define XFS_DEEP_DEPS_ROWS %zu\n", NR_ROWS);
    printf("_Static_assert(XFS_NR_WORDS == %u, \"regenerate\");\n\n",
           (unsigned int)XFS_NR_WORDS);
    printf("static const uint16_t deep_dep_parent[XFS_DEEP_DEPS_ROWS] = {\n");
    for (unsigned int r = 0; r < NR_ROWS; r++)
        printf("    %u,\n", xfs_deps_direct[r].parent);
    printf("};\n\n");
    printf("static const uint32_t "
           "deep_dep_closure[XFS_DEEP_DEPS_ROWS][XFS_NR_WORDS] = {\n");
    for (unsigned int r = 0; r < NR_ROWS; r++) {
        printf("    {");
        for (unsigned int w = 0; w < XFS_NR_WORDS; w++)
            printf("%s0x%08x", w ? ", " : " ", closure[r][w]);
        printf(" },\n");
    }
    printf("};\n\n");
    emit_words();
    emit_parent_words();
    printf("/* Row index + 1 per feature bit, 0 when nothing depends on it. */\n");
    printf("static const uint8_t deep_dep_row_of[XFS_NR_FEATURE_BITS] = {\n");
    for (unsigned int b = 0; b < NR_BITS; b++)
        if (row_of[b])
            printf("    [%u] = %d,\n", b, row_of[b]);
    printf("};\n");
}

int main(void)
{
    _Static_assert(NR_ROWS < 255, "row_of holds row indexes in a byte");
    if (load_direct())
        return 1;
    close_over();
    if (check_acyclic())
        return 1;
    emit();
    return 0;
}
