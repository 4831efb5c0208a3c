/* SPDX-License-Identifier: MIT */
/*
 * The restore check: the guest policy a stream gives a guest on the
 * destination, against the destination's max policy for the guest type
 * (see restore-check.h for the rule and the no-policy case).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "applied-policy.h"
#include "restore-check.h"
#include "strbuf.h"

static uint32_t min32(uint32_t a, uint32_t b)
{
    return a < b ? a : b;
}

static enum xlc_guest_type guest_type_of(uint32_t domain_type)
{
    return domain_type == XFS_STREAM_DOM_X86_PV ? XLC_GUEST_PV
                                                : XLC_GUEST_HVM;
}

void xlc_restore_dest_from_system(const struct xlc_system_policies *sys,
                                  uint32_t domain_type,
                                  struct xlc_restore_dest *d)
{
    enum xlc_guest_type type = guest_type_of(domain_type);
    unsigned int max = xlc_policy_index_max(type);
    unsigned int def = xlc_policy_index_default(type);

    memset(d, 0, sizeof(*d));
    d->domain_type = domain_type;
    d->usable = sys->pol.present[max] && sys->pol.present[def];
    xfs_policy_copy(&d->max, &sys->pol.p[max]);
    xfs_policy_copy(&d->def, &sys->pol.p[def]);
    xfs_policy_copy(&d->raw, &sys->pol.p[XFS_SYSCTL_cpu_featureset_raw]);
    xfs_policy_copy(&d->host, &sys->pol.p[XFS_SYSCTL_cpu_featureset_host]);
    memcpy(d->host_fs, sys->fs.fs[XFS_SYSCTL_cpu_featureset_host],
           sizeof(d->host_fs));
}

/* Take one feature's bit from the host instead of the default policy. */
static void from_host(const struct xlc_restore_dest *d, uint32_t *fs,
                      unsigned int feature)
{
    if (xfs_test(d->host_fs, XFS_NR_WORDS, feature))
        xfs_set(fs, XFS_NR_WORDS, feature);
    else
        xfs_clear(fs, XFS_NR_WORDS, feature);
}

void xlc_compat_policy(const struct xlc_restore_dest *d,
                       struct xfs_cpu_policy *out)
{
    uint32_t fs[XFS_NR_WORDS];

    xfs_policy_to_featureset(&d->def, fs, XFS_NR_WORDS);
    /* Features Xen 4.13+ stopped offering by default: a guest from an older
     * Xen may have seen them, so they follow the host. */
    from_host(d, fs, XFS_RDRAND);
    from_host(d, fs, XFS_HLE);
    from_host(d, fs, XFS_RTM);
    if (d->domain_type == XFS_STREAM_DOM_X86_HVM)
        from_host(d, fs, XFS_MPX);
    xfs_policy_copy(out, &d->def);
    xfs_policy_apply_featureset(out, fs, &d->raw);
    /* Leaves such a guest saw under Xen 4.12 at most; what lies past the
     * new limits (leaf 7 subleaf 1, say) is gone with them. */
    out->basic[0].a = min32(out->basic[0].a, XLC_COMPAT_MAX_BASIC_LEAF);
    out->feat[0].a = XLC_COMPAT_MAX_FEAT_SUBLEAF;
    out->extd[0].a = min32(out->extd[0].a, XLC_COMPAT_MAX_EXTD_LEAF);
    xfs_policy_clear_unlisted(out);
}

int xlc_restore_merged_policy(const struct xlc_stream_info *s,
                              const struct xlc_restore_dest *d,
                              struct xfs_cpu_policy *out, xlc_error *err)
{
    int rc;

    if (s->has_cpuid)
        xfs_policy_copy(out, &d->def);
    else
        xlc_compat_policy(d, out);
    /* Without a CPUID record there are no leaves: only MSRs, if any.
     * Applied as Xen's restore applies them (stream.h). */
    rc = xlc_stream_apply_policy(s, out, NULL, err);
    if (rc) {
        xlc_error_prefix(err, "the stream's policy records");
        return rc;
    }
    xfs_policy_clear_unlisted(out);
    return 0;
}

static bool is_hvm(const struct xlc_restore_dest *d)
{
    return d->domain_type == XFS_STREAM_DOM_X86_HVM;
}

int xlc_restore_guest_policy(const struct xlc_stream_info *s,
                             const struct xlc_restore_dest *d,
                             struct xfs_cpu_policy *out, xlc_error *err)
{
    struct xfs_cpu_policy *merged = malloc(sizeof(*merged));
    int rc;

    if (!merged)
        return xlc_fail(err, ENOMEM, "out of memory for a guest policy");
    rc = xlc_restore_merged_policy(s, d, merged, err);
    if (!rc)
        xlc_domain_policy(merged, &d->max, &d->host, is_hvm(d), out);
    free(merged);
    return rc;
}

static int reason_text(struct xlc_restore_reason *r, const char *type,
                       xlc_error *err)
{
    struct xlc_buf b = XLC_BUF_INIT;

    if (r->guest_type)
        xlc_buf_printf(&b, "the destination cannot run %s guests", type);
    else
        xlc_compat_reason_text(&r->why, &b);
    r->text = xlc_buf_take(&b);
    return r->text ? 0
                   : xlc_fail(err, ENOMEM, "out of memory for restore "
                                           "reasons");
}

/* v->guest: the merged policy recalculated; the reasons: what it asked
 * for against what the domain may hold and keeps. */
static int judge(const struct xfs_cpu_policy *merged,
                 const struct xlc_restore_dest *d,
                 struct xlc_restore_verdict *v,
                 struct xfs_compat_reason **why, unsigned int *n,
                 xlc_error *err)
{
    struct xfs_cpu_policy *p = malloc(2 * sizeof(*p));
    int rc;

    if (!p)
        return xlc_fail(err, ENOMEM, "out of memory for a guest policy");
    xlc_domain_policy(merged, &d->max, &d->host, is_hvm(d), &v->guest);
    xlc_domain_judged(merged, &v->guest, &d->max, is_hvm(d), &p[0], &p[1]);
    rc = xlc_policy_compat_reasons(&p[1], &p[0], why, n, err);
    free(p);
    return rc;
}

static int collect_reasons(const struct xfs_cpu_policy *guest,
                           const struct xlc_restore_dest *d,
                           struct xlc_restore_verdict *v, xlc_error *err)
{
    const char *type = d->domain_type == XFS_STREAM_DOM_X86_PV ? "PV"
                                                               : "HVM";
    struct xfs_compat_reason *why = NULL;
    unsigned int n = 1;
    int rc = 0;

    if (d->usable)
        rc = judge(guest, d, v, &why, &n, err);
    if (!rc && n) {
        v->reasons = calloc(n, sizeof(*v->reasons));
        if (!v->reasons)
            rc = xlc_fail(err, ENOMEM, "out of memory for restore reasons");
    }
    for (unsigned int i = 0; !rc && i < n; i++) {
        struct xlc_restore_reason *r = &v->reasons[i];

        r->guest_type = !d->usable;
        if (why)
            r->why = why[i];
        rc = reason_text(r, type, err);
        v->nr_reasons++;
    }
    free(why);
    return rc;
}

int xlc_restore_check_policy(const struct xfs_cpu_policy *guest,
                             const struct xlc_restore_dest *d,
                             struct xlc_restore_verdict *v, xlc_error *err)
{
    int rc;

    memset(v, 0, sizeof(*v));
    v->domain_type = d->domain_type;
    xfs_policy_copy(&v->guest, guest);
    rc = collect_reasons(guest, d, v, err);
    if (rc) {
        xlc_restore_verdict_free(v);
        return rc;
    }
    v->accept = v->nr_reasons == 0;
    return 0;
}

int xlc_restore_check(const struct xlc_stream_info *s,
                      const struct xlc_restore_dest *d,
                      struct xlc_restore_verdict *v, xlc_error *err)
{
    struct xfs_cpu_policy guest;
    int rc;

    if (s->domain_type != d->domain_type)
        return xlc_fail(err, EINVAL,
                        "the stream holds an %s guest but the destination "
                        "facts are for %s guests",
                        xlc_stream_domain_name(s->domain_type),
                        xlc_stream_domain_name(d->domain_type));
    xfs_policy_zero(&guest);
    /* A type the destination cannot run has no default to start from. */
    if (d->usable) {
        rc = xlc_restore_merged_policy(s, d, &guest, err);
        if (rc)
            return rc;
    }
    rc = xlc_restore_check_policy(&guest, d, v, err);
    if (!rc) {
        v->compat_policy = !s->has_cpuid;
        v->msr_missing = !s->has_msr;
    }
    return rc;
}

void xlc_restore_verdict_free(struct xlc_restore_verdict *v)
{
    if (!v)
        return;
    for (size_t i = 0; i < v->nr_reasons; i++)
        free(v->reasons[i].text);
    free(v->reasons);
    v->reasons = NULL;
    v->nr_reasons = 0;
}
