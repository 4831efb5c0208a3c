/* SPDX-License-Identifier: MIT */
/*
 * System and domain policies from the running Xen, through libxenguest,
 * on the handle's open backend (handle.c).  Each policy is fetched,
 * serialised by libxenguest and read back with our own
 * deserialiser, so anything Xen reports that this build cannot hold is
 * refused with the offending leaf rather than dropped.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <xenctrl.h>
#include <xenguest.h>

#include "../policy/cpu-policy.h"
#include "xen-backend.h"

/* Our index (the featureset numbering) -> Xen's sysctl policy index. */
static unsigned int xen_policy_index(unsigned int ours)
{
    switch (ours) {
    case XFS_SYSCTL_cpu_featureset_raw: return XEN_SYSCTL_cpu_policy_raw;
    case XFS_SYSCTL_cpu_featureset_host: return XEN_SYSCTL_cpu_policy_host;
    case XFS_SYSCTL_cpu_featureset_pv_max: return XEN_SYSCTL_cpu_policy_pv_max;
    case XFS_SYSCTL_cpu_featureset_hvm_max:
        return XEN_SYSCTL_cpu_policy_hvm_max;
    case XFS_SYSCTL_cpu_featureset_pv:
        return XEN_SYSCTL_cpu_policy_pv_default;
    default: return XEN_SYSCTL_cpu_policy_hvm_default;
    }
}

/*
 * The policy in xp as entries, serialised by libxenguest into room for
 * what a policy of this build holds.  0, -ENOMEM, or -ENOBUFS with
 * libxenguest's errno in *xc_err (it does not fit).
 */
static int xc_entries(xc_interface *xch, xc_cpu_policy_t *xp,
                      struct xlc_policy_entries *e, int *xc_err)
{
    uint32_t nr_leaves = XFS_POLICY_MAX_LEAVES, nr_msrs = XFS_POLICY_MAX_MSRS;

    if (xlc_policy_entries_alloc(e, nr_leaves, nr_msrs, NULL))
        return -ENOMEM;
    if (xc_cpu_policy_serialise(xch, xp, (xen_cpuid_leaf_t *)e->leaves,
                                &nr_leaves, (xen_msr_entry_t *)e->msrs,
                                &nr_msrs)) {
        *xc_err = errno;
        xlc_policy_entries_free(e);
        return -ENOBUFS;
    }
    e->nr_leaves = nr_leaves;
    e->nr_msrs = nr_msrs;
    return 0;
}

static int fetch_one(xc_interface *xch, xc_cpu_policy_t *xp, unsigned int i,
                     struct xlc_system_policies *s, xlc_error *err)
{
    struct xfs_cpu_policy *p = &s->pol.p[i];
    struct xlc_policy_entries e = { 0 };
    int rc, xc_err = 0;

    xfs_policy_zero(p);
    if (xc_cpu_policy_get_system(xch, xen_policy_index(i), xp)) {
        if (errno != EOPNOTSUPP)
            return xlc_fail(err, ENODEV, "Xen: %s policy: %s",
                            xlc_policy_name(i), strerror(errno));
        return 0;
    }
    rc = xc_entries(xch, xp, &e, &xc_err);
    if (rc == -ENOMEM)
        return xlc_fail(err, ENOMEM, "out of memory");
    if (rc)
        return xlc_fail(err, EINVAL, "Xen: %s policy does not fit %u leaves "
                        "and %u MSRs: %s", xlc_policy_name(i),
                        XFS_POLICY_MAX_LEAVES, XFS_POLICY_MAX_MSRS,
                        strerror(xc_err));
    rc = xlc_policy_deserialise(p, &e, err);
    xlc_policy_entries_free(&e);
    if (rc) {
        xlc_error_prefix(err, "Xen: %s policy", xlc_policy_name(i));
        return rc;
    }
    s->pol.served[i] = true;
    xfs_policy_to_featureset(p, s->fs.fs[i], XFS_NR_WORDS);
    return 0;
}

/*
 * Which guest types the host can run: physinfo's capabilities, as libxl
 * reads them.  A policy served is not enough: Xen 4.17 serves the HVM
 * policies (all zero) on a CPU without VMX or SVM.
 */
static int guest_types(xc_interface *xch, struct xlc_system_policies *s,
                       xlc_error *err)
{
    static const unsigned int pv[] = { XFS_SYSCTL_cpu_featureset_pv,
                                       XFS_SYSCTL_cpu_featureset_pv_max };
    static const unsigned int hvm[] = { XFS_SYSCTL_cpu_featureset_hvm,
                                        XFS_SYSCTL_cpu_featureset_hvm_max };
    xc_physinfo_t pi = { 0 };
    bool can_pv, can_hvm;

    if (xc_physinfo(xch, &pi))
        return xlc_fail(err, ENODEV, "Xen: physinfo: %s", strerror(errno));
    can_pv = pi.capabilities & XEN_SYSCTL_PHYSCAP_pv;
    can_hvm = pi.capabilities & XEN_SYSCTL_PHYSCAP_hvm;
    s->pol.present[XFS_SYSCTL_cpu_featureset_raw] = true;
    s->pol.present[XFS_SYSCTL_cpu_featureset_host] = true;
    for (unsigned int k = 0; k < 2; k++) {
        s->pol.present[pv[k]] = s->pol.served[pv[k]] && can_pv;
        s->pol.present[hvm[k]] = s->pol.served[hvm[k]] && can_hvm;
    }
    xfs_hv_options_default(&s->opts);
    s->opts.pv = s->pol.served[XFS_SYSCTL_cpu_featureset_pv_max];
    s->opts.hvm = s->pol.served[XFS_SYSCTL_cpu_featureset_hvm_max];
    s->opts.hap = pi.capabilities & XEN_SYSCTL_PHYSCAP_hap;
    s->fs.hvm_usable = s->pol.present[XFS_SYSCTL_cpu_featureset_hvm_max];
    return 0;
}

int xlc_xen_policies(struct xlc_xen *x, struct xlc_system_policies **out,
                     xlc_error *err)
{
    struct xlc_system_policies *s = calloc(1, sizeof(*s));
    xc_cpu_policy_t *xp = NULL;
    int rc = 0;

    *out = NULL;
    if (s)
        s->source = strdup("Xen");
    if (!s || !s->source) {
        xlc_system_policies_free(s);
        return xlc_fail(err, ENOMEM, "out of memory");
    }
    if (!(xp = xc_cpu_policy_init()))
        rc = xlc_fail(err, ENOMEM, "out of memory");
    for (unsigned int i = 0; !rc && i < XFS_SYSCTL_cpu_featureset_nr; i++)
        rc = fetch_one(xlc_xen_xch(x), xp, i, s, err);
    xc_cpu_policy_destroy(xp);
    if (!rc)
        rc = guest_types(xlc_xen_xch(x), s, err);
    if (rc) {
        xlc_system_policies_free(s);
        return rc;
    }
    *out = s;
    return 0;
}

int xlc_xen_domain_entries(struct xlc_xen *x, uint32_t domid,
                           struct xlc_policy_entries *out, xlc_error *err)
{
    xc_cpu_policy_t *xp = xc_cpu_policy_init();
    int rc = 0, e;

    memset(out, 0, sizeof(*out));
    if (!xp)
        return xlc_fail(err, ENOMEM, "out of memory");
    if (xc_cpu_policy_get_domain(xlc_xen_xch(x), domid, xp)) {
        e = errno ? errno : EIO;
        rc = xlc_fail(err, e, "Xen: domain %u: %s", domid, strerror(e));
    }
    if (!rc) {
        int xc_err;

        rc = xc_entries(xlc_xen_xch(x), xp, out, &xc_err);
        if (rc == -ENOMEM)
            rc = xlc_fail(err, ENOMEM, "out of memory");
        else if (rc)
            rc = xlc_fail(err, ENOBUFS, "Xen: domain %u policy does not "
                          "fit %u leaves and %u MSRs", domid,
                          XFS_POLICY_MAX_LEAVES, XFS_POLICY_MAX_MSRS);
    }
    xc_cpu_policy_destroy(xp);
    return rc;
}
