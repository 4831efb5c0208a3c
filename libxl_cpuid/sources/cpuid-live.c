/* SPDX-License-Identifier: MIT */
/*
 * The live CPU as a dump: every basic and extended leaf, with the
 * subleaves of each leaf that has them enumerated the way that leaf
 * defines (a count in subleaf 0, a bitmap of valid subleaves, or a type
 * field that is zero past the last one).
 *
 * Hypervisor leaves (0x4000xxxx) are not read: they describe whoever runs
 * us, not the processor.  No MSR is read: rdmsr is privileged and the
 * msr driver needs root and a loaded module, so a live dump carries no
 * MSR values and the reader reports every MSR as unreadable.
 */
#include <cpuid.h>
#include <errno.h>

#include "cpuid-dump-priv.h"

/* Upper bounds against a broken or hostile (virtual) CPU. */
#define LIVE_MAX_BASIC    0xffu
#define LIVE_MAX_EXTENDED 0x800000ffu
#define LIVE_MAX_SUBLEAF  64u

enum sub_rule {
    SUB_MAX_IN_EAX,      /* subleaf 0 EAX = highest valid subleaf */
    SUB_CACHE_TYPE,      /* EAX[4:0] (cache type) 0 ends the list */
    SUB_LEVEL_TYPE,      /* ECX[15:8] (topology level type) 0 ends it */
    SUB_XSAVE,           /* 0, 1, then each supported state component */
    SUB_BITMAP_EAX,      /* subleaf 0 EAX bit n = subleaf n is valid */
    SUB_BITMAP_EBX,      /* subleaf 0 EBX bit n = subleaf n is valid */
    SUB_BITMAP_EDX,      /* subleaf 0 EDX bit n = subleaf n is valid */
    SUB_SGX,             /* 0, 1, then EAX[3:0] (type) 0 ends it */
    SUB_UNTIL_ZERO,      /* unknown layout: stop at an all-zero subleaf */
};

static enum sub_rule rule_for(uint32_t leaf)
{
    switch (leaf) {
    case 0x4: case 0x8000001du: return SUB_CACHE_TYPE;
    case 0xb: case 0x1f: case 0x80000026u: return SUB_LEVEL_TYPE;
    case 0xd: return SUB_XSAVE;
    case 0xf: return SUB_BITMAP_EDX;
    case 0x10: case 0x28: case 0x80000020u: return SUB_BITMAP_EBX;
    case 0x12: return SUB_SGX;
    case 0x23: return SUB_BITMAP_EAX;
    case 0x7: case 0x14: case 0x17: case 0x18: case 0x1d: case 0x20:
    case 0x24:
        return SUB_MAX_IN_EAX;
    default: return SUB_UNTIL_ZERO;
    }
}

static struct xfs_cpuid_regs cpuid(uint32_t leaf, uint32_t sub)
{
    unsigned int a, b, c, d;

    __cpuid_count(leaf, sub, a, b, c, d);
    return (struct xfs_cpuid_regs){ a, b, c, d };
}

static bool all_zero(const struct xfs_cpuid_regs *r)
{
    return !(r->a | r->b | r->c | r->d);
}

/* Is subleaf `s` (> 0) of `leaf` valid, given subleaves 0 and 1? */
static bool valid_sub(enum sub_rule rule, uint32_t s,
                      const struct xfs_cpuid_regs *s0,
                      const struct xfs_cpuid_regs *s1,
                      const struct xfs_cpuid_regs *r)
{
    uint64_t xsave;

    switch (rule) {
    case SUB_MAX_IN_EAX: return s <= s0->a;
    case SUB_CACHE_TYPE: return (r->a & 0x1f) != 0;
    case SUB_LEVEL_TYPE: return ((r->c >> 8) & 0xff) != 0;
    case SUB_XSAVE:
        /* XCR0-managed components (0.EDX:EAX) and XSS ones (1.EDX:ECX). */
        xsave = ((uint64_t)s0->d << 32 | s0->a) |
                ((uint64_t)s1->d << 32 | s1->c);
        return s == 1 || (s < 64 && (xsave >> s) & 1);
    case SUB_BITMAP_EAX: return s < 32 && (s0->a >> s) & 1;
    case SUB_BITMAP_EBX: return s < 32 && (s0->b >> s) & 1;
    case SUB_BITMAP_EDX: return s < 32 && (s0->d >> s) & 1;
    case SUB_SGX: return s == 1 || (r->a & 0xf) != 0;
    case SUB_UNTIL_ZERO: return !all_zero(r);
    }
    return false;
}

/* Rules where an invalid subleaf ends the list (rather than being a gap). */
static bool ends_list(enum sub_rule rule)
{
    return rule == SUB_CACHE_TYPE || rule == SUB_LEVEL_TYPE ||
           rule == SUB_SGX || rule == SUB_UNTIL_ZERO || rule == SUB_MAX_IN_EAX;
}

static int add_leaf(struct dump_builder *b, uint32_t leaf, xlc_error *err)
{
    struct xfs_cpuid_regs s0 = cpuid(leaf, 0), s1;
    enum sub_rule rule;
    int rc;

    rc = dump_builder_add_leaf(b, 0, leaf, 0, &s0, err);
    if (rc || !xfs_leaf_has_subleaves(leaf))
        return rc;
    rule = rule_for(leaf);
    s1 = cpuid(leaf, 1);
    for (uint32_t s = 1; s < LIVE_MAX_SUBLEAF; s++) {
        struct xfs_cpuid_regs r = s == 1 ? s1 : cpuid(leaf, s);

        if (!valid_sub(rule, s, &s0, &s1, &r)) {
            if (ends_list(rule))
                break;
            continue;
        }
        rc = dump_builder_add_leaf(b, 0, leaf, s, &r, err);
        if (rc)
            return rc;
    }
    return 0;
}

static int add_range(struct dump_builder *b, uint32_t first, uint32_t cap,
                     xlc_error *err)
{
    uint32_t max = cpuid(first, 0).a;
    int rc;

    /* A range that does not exist answers with garbage or zeros. */
    if (max < first || (max & 0xffff0000u) != (first & 0xffff0000u))
        return 0;
    if (max > cap)
        max = cap;
    for (uint32_t leaf = first; leaf <= max; leaf++) {
        rc = add_leaf(b, leaf, err);
        if (rc)
            return rc;
    }
    return 0;
}

int xlc_dump_live(struct xlc_cpuid_dump **out, xlc_error *err)
{
    struct dump_builder b;
    int rc;

    *out = NULL;
    if (!__get_cpuid_max(0, NULL))
        return xlc_fail(err, ENODEV, "live CPU: the cpuid instruction is "
                        "not available");
    rc = dump_builder_init(&b, "live CPU", err);
    if (!rc)
        rc = add_range(&b, 0, LIVE_MAX_BASIC, err);
    if (!rc)
        rc = add_range(&b, 0x80000000u, LIVE_MAX_EXTENDED, err);
    if (rc) {
        dump_builder_discard(&b);
        return rc;
    }
    return dump_builder_finish(&b, out, err);
}
