/* SPDX-License-Identifier: MIT */
/*
 * Saved policies as pool hosts: a policy file (JSON) or a migration
 * stream, read with the stream/policy readers.
 */
#include <errno.h>
#include <string.h>

#include "../policy/cpu-policy.h"
#include "level-input.h"
#include "../policy/policy-json.h"
#include "../migration/stream-check.h"
#include "../migration/stream-src.h"
#include "../migration/stream.h"

static void entries_cpuid(void *ctx, uint32_t leaf, uint32_t subleaf,
                          struct xfs_cpuid_regs *out)
{
    const struct xlc_policy_entries *e = ctx;

    if (!xfs_leaf_has_subleaves(leaf))
        subleaf = XFS_CPUID_NO_SUBLEAF;
    *out = (struct xfs_cpuid_regs){ 0, 0, 0, 0 };
    /* The last entry for a leaf is the one Xen keeps. */
    for (size_t i = e->nr_leaves; i-- > 0;)
        if (e->leaves[i].leaf == leaf && e->leaves[i].subleaf == subleaf) {
            *out = (struct xfs_cpuid_regs){ e->leaves[i].a, e->leaves[i].b,
                                            e->leaves[i].c, e->leaves[i].d };
            return;
        }
}

/*
 * A saved policy states a featureset (what that guest, or that host's max
 * policy, offers) and the leaves beyond it: vendor and limits come from
 * those.  A policy saved for the other guest type cannot join the pool.
 */
static int from_policy(const char *what, const struct xlc_policy_entries *e,
                       const struct xlc_stream_info *s, uint32_t dom_type,
                       enum xlc_guest_type type, struct xlc_level_host *out,
                       xlc_error *err)
{
    struct xfs_cpuid_reader rd = { entries_cpuid, NULL, (void *)e };
    enum xlc_guest_type saved = xlc_guest_type_of_stream_domain(dom_type);
    int rc;

    if (dom_type && saved != type)
        return xlc_fail(err, EINVAL, "%s: a policy saved for a %s guest "
                        "cannot be levelled with %s guests", what,
                        xlc_guest_type_name(saved), xlc_guest_type_name(type));
    memset(out, 0, sizeof(*out));
    xlc_policy_featureset(e, out->fs);
    if (e->nr_leaves)
        xlc_host_props_from_cpuid(&rd, &out->props);
    out->usable = true;
    xfs_policy_zero(&out->policy);
    if (!e->nr_leaves)
        return 0;
    if (!s) {
        /* A policy file: the full policy when the entries make one. */
        out->has_policy = !xlc_policy_deserialise(&out->policy, e, NULL);
        return 0;
    }
    /* A stream: what Xen's restore makes of it, and its features. */
    rc = xlc_stream_apply_policy(s, &out->policy, NULL, err);
    if (rc) {
        xlc_error_prefix(err, "%s", what);
        return rc;
    }
    xfs_policy_to_featureset(&out->policy, out->fs, XFS_NR_WORDS);
    out->has_policy = true;
    return 0;
}

int xlc_level_host_from_policy_file(const char *path, enum xlc_guest_type type,
                            struct xlc_level_host *out, xlc_error *err)
{
    struct xlc_policy_entries e;
    uint32_t dom = 0;
    int rc = xlc_policy_json_load(path, &e, &dom, err);

    if (rc)
        return rc;
    rc = from_policy(path, &e, NULL, dom, type, out, err);
    xlc_policy_entries_free(&e);
    return rc;
}

/* A parsed stream (from a stream file or an xl save file) as a host. */
int xlc_level_host_from_stream_info(const char *path,
                                    const struct xlc_stream_info *s,
                                    enum xlc_guest_type type,
                                    struct xlc_level_host *out,
                                    xlc_error *err)
{
    if (!s->has_cpuid)
        return xlc_fail(err, EINVAL, "%s: the stream carries no CPUID "
                        "policy record, so no featureset to level", path);
    return from_policy(path, &s->policy, s, s->domain_type, type, out, err);
}

int xlc_level_host_from_stream(const char *path, enum xlc_guest_type type,
                       struct xlc_level_host *out, xlc_error *err)
{
    struct xlc_stream_info s;
    int rc = xlc_stream_load(path, &s, err);

    if (rc)
        return rc;
    rc = xlc_level_host_from_stream_info(path, &s, type, out, err);
    xlc_stream_info_free(&s);
    return rc;
}

bool xlc_level_is_stream(const char *head, size_t n)
{
    /* An xl save file holds one (xlc_stream_load reads both). */
    if (xlc_xl_save_magic(head, n))
        return true;
    /* A libxc stream opens with the 64-bit all-ones marker. */
    for (size_t i = 0; i < 8; i++)
        if (i >= n || (unsigned char)head[i] != 0xff)
            return false;
    return true;
}

/*
 * A featureset given as text: used as the host's featureset (raw, host or
 * the type's guest max, all level alike).  Nothing beyond feature bits is
 * known, and whether the type's guests can run there cannot be told.
 */
