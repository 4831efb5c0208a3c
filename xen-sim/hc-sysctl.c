/* SPDX-License-Identifier: MIT */
/*
 * __HYPERVISOR_sysctl: Xen 4.17's do_sysctl/arch_do_sysctl for the calls
 * a toolstack makes about CPUs and the host.  As in Xen: the struct is
 * copied in whole (-EFAULT), its interface version must match (-EACCES),
 * the CPU calls copy back only the fields they change, physinfo and
 * getdomaininfolist the whole struct.
 */
#include <stdint.h>
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include <xen/xen.h>
#include <xen/sysctl.h>

#include "../xen/arch/policy-guest.h"
#include "guest-mem.h"
#include "hc.h"

/* Copy one field of *op back into the guest's struct at u. */
#define COPY_FIELD_BACK(u, op, field)                                   \
    gm_copy_to((u) + offsetof(struct xen_sysctl, field), &(op)->field,  \
               sizeof((op)->field))

static void physinfo(const struct sim_machine *m,
                     struct xen_sysctl_physinfo *pi)
{
    const uint32_t *host = m->hv.sets.fs[XFS_SYSCTL_cpu_featureset_host];

    memset(pi, 0, sizeof(*pi));
    /* One socket of one core: the CPUID data says nothing of the rest. */
    pi->threads_per_core = 1;
    pi->cores_per_socket = 1;
    pi->nr_cpus = 1;
    pi->max_cpu_id = 0;
    pi->nr_nodes = 1;
    pi->max_node_id = 0;
    pi->cpu_khz = 0;
    pi->total_pages = pi->free_pages = SIM_HOST_PAGES;
    pi->max_mfn = pi->total_pages - 1;
    for (unsigned int i = 0; i < 8 && i < XFS_NR_WORDS; i++)
        pi->hw_cap[i] = host[i];
    pi->capabilities = XEN_SYSCTL_PHYSCAP_pv | XEN_SYSCTL_PHYSCAP_shadow |
                       XEN_SYSCTL_PHYSCAP_gnttab_v1 |
                       XEN_SYSCTL_PHYSCAP_gnttab_v2;
    if (m->hvm_usable)
        pi->capabilities |= XEN_SYSCTL_PHYSCAP_hvm;
    if (m->hap)
        pi->capabilities |= XEN_SYSCTL_PHYSCAP_hap;
}

static long featureset(struct sim_machine *m, uint64_t u,
                       struct xen_sysctl *op)
{
    struct xen_sysctl_cpu_featureset *f = &op->u.cpu_featureset;
    struct xfs_sysctl_cpu_featureset fo = {
        .index = f->index, .nr_features = f->nr_features,
    };
    long rc;

    fo.features.q = 0;
    fo.features.p = f->features.p;
    m->hv.copy_to_guest = gm_copy_words;
    rc = xfs_sysctl_get_cpu_featureset(&m->hv, &fo);
    if (rc && rc != -XFS_ENOBUFS)
        return rc;
    f->nr_features = fo.nr_features;
    if (COPY_FIELD_BACK(u, op, u.cpu_featureset.nr_features))
        return -EFAULT;
    return rc;
}

/* Xen's sysctl policy index -> ours; NULL where Xen's table is empty (the
 * guest type not built in).  A built-in type this host cannot run is
 * served as its policy: all zero. */
static const struct xfs_cpu_policy *system_policy(struct sim_machine *m,
                                                  unsigned int index)
{
    unsigned int ours = xlc_policy_order[index];

    return m->sys->pol.served[ours] ? &m->sys->pol.p[ours] : NULL;
}

static long cpu_policy(struct sim_machine *m, uint64_t u,
                       struct xen_sysctl *op)
{
    struct xen_sysctl_cpu_policy *c = &op->u.cpu_policy;
    const struct xfs_cpu_policy *p;
    long rc;

    if (c->_rsvd || c->index >= XFS_SYSCTL_cpu_featureset_nr)
        return -EINVAL;
    if (!(p = system_policy(m, c->index)))
        return -EOPNOTSUPP;
    if (!c->leaves.p)
        c->nr_leaves = XFS_POLICY_MAX_LEAVES;
    else if ((rc = xfs_guest_put_leaves(p, &gm_access,
                                        (uint64_t)(uintptr_t)c->leaves.p,
                                        &c->nr_leaves)))
        return rc;
    if (COPY_FIELD_BACK(u, op, u.cpu_policy.nr_leaves))
        return -EFAULT;
    if (!c->msrs.p)
        c->nr_msrs = XFS_POLICY_MAX_MSRS;
    else if ((rc = xfs_guest_put_msrs(p, &gm_access,
                                      (uint64_t)(uintptr_t)c->msrs.p,
                                      &c->nr_msrs)))
        return rc;
    if (COPY_FIELD_BACK(u, op, u.cpu_policy.nr_msrs))
        return -EFAULT;
    return 0;
}

/* Every domain from first_domain on, in id order, as Xen lists them. */
static long domaininfolist(struct sim_machine *m,
                           struct xen_sysctl_getdomaininfolist *l)
{
    uint64_t buf = (uint64_t)(uintptr_t)l->buffer.p;
    uint32_t n = 0, next = l->first_domain;
    struct sim_domain *d;

    while (n < l->max_domains && next < SIM_DOMID_FIRST_RESERVED &&
           (d = sim_domain_at_or_after(m, next))) {
        xen_domctl_getdomaininfo_t info;

        sim_domaininfo(d, &info);
        if (gm_copy_to(buf + (uint64_t)n * sizeof(info), &info,
                       sizeof(info)))
            return -EFAULT;
        n++;
        next = d->domid + 1;
    }
    l->num_domains = n;
    return 0;
}

long sim_sysctl(struct sim_machine *m, uint64_t u)
{
    struct xen_sysctl op;

    if (gm_copy_from(&op, u, sizeof(op)))
        return -EFAULT;
    if (op.interface_version != XEN_SYSCTL_INTERFACE_VERSION)
        return -EACCES;
    switch (op.cmd) {
    case XEN_SYSCTL_physinfo:
        physinfo(m, &op.u.physinfo);
        return gm_copy_to(u, &op, sizeof(op)) ? -EFAULT : 0;
    case XEN_SYSCTL_getdomaininfolist:
        if (domaininfolist(m, &op.u.getdomaininfolist))
            return -EFAULT;
        return gm_copy_to(u, &op, sizeof(op)) ? -EFAULT : 0;
    case XEN_SYSCTL_sched_id:
        return sim_sched_id(u, &op);
    case XEN_SYSCTL_cputopoinfo:
        return sim_cputopoinfo(u, &op);
    case XEN_SYSCTL_numainfo:
        return sim_numainfo(u, &op, SIM_HOST_PAGES * SIM_PAGE_SIZE);
    case XEN_SYSCTL_cpupool_op:
        return sim_cpupool_op(m, u, &op);
    case XEN_SYSCTL_get_cpu_levelling_caps:
        /* What the data proves; an unknown capability is not served. */
        op.u.cpu_levelling_caps.caps = m->lv.present;
        return COPY_FIELD_BACK(u, &op, u.cpu_levelling_caps.caps) ? -EFAULT
                                                                   : 0;
    case XEN_SYSCTL_get_cpu_featureset:
        return featureset(m, u, &op);
    case XEN_SYSCTL_get_cpu_policy:
        return cpu_policy(m, u, &op);
    default:
        return sim_not_simulated("sysctl", sim_sysctl_name(op.cmd), op.cmd);
    }
}
