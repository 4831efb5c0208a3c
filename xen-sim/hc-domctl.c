/* SPDX-License-Identifier: MIT */
/*
 * __HYPERVISOR_domctl: Xen 4.17's do_domctl for the simulated domains.
 * As in Xen: the struct is copied in whole (-EFAULT), the interface
 * version must match (-EACCES), a missing domain is -ESRCH, and the whole
 * struct is copied back only by the calls Xen copies back for.
 *
 * Domains exist as records: an id, a type, limits and a CPU policy.  There
 * is no memory, no vCPU and nothing runs; calls that would need them are
 * not simulated (-ENOSYS with a note).
 */
#include <stdint.h>
#include <errno.h>
#include <string.h>

#include <xen/xen.h>
#include <xen/domctl.h>

#include "../xen/arch/policy-guest.h"
#include "guest-mem.h"
#include "hc.h"

void sim_domaininfo(const struct sim_domain *d,
                    struct xen_domctl_getdomaininfo *i)
{
    memset(i, 0, sizeof(*i));
    i->domain = (domid_t)d->domid;
    i->flags = (d->hvm ? XEN_DOMINF_hvm_guest : 0) |
               (d->hap ? XEN_DOMINF_hap : 0) |
               (d->paused ? XEN_DOMINF_paused : 0) |
               (d->finished && !d->paused ? XEN_DOMINF_running : 0);
    i->tot_pages = d->tot_pages;
    i->max_pages = d->max_pages;
    i->nr_online_vcpus = d->max_vcpus;
    i->max_vcpu_id = d->max_vcpus ? d->max_vcpus - 1 : XEN_INVALID_MAX_VCPU_ID;
    memcpy(i->handle, d->handle, sizeof(i->handle));
    i->gpaddr_bits = 52;
}

static long getdomaininfo(struct sim_machine *m, struct xen_domctl *op)
{
    struct sim_domain *d = sim_domain_find(m, op->domain);

    if (!d) {
        if (op->domain >= SIM_DOMID_FIRST_RESERVED)
            return -EINVAL;
        d = sim_domain_at_or_after(m, op->domain);
        if (!d)
            return -ESRCH;
    }
    sim_domaininfo(d, &op->u.getdomaininfo);
    op->domain = (domid_t)d->domid;
    return 1;       /* copy back */
}

static uint32_t free_domid(struct sim_machine *m)
{
    static uint32_t rover;

    for (uint32_t dom = rover + 1; dom != rover; dom++) {
        if (dom >= SIM_DOMID_FIRST_RESERVED)
            dom = 1;
        if (!sim_domain_find(m, dom))
            return rover = dom;
    }
    return 0;
}

static long createdomain(struct sim_machine *m, struct xen_domctl *op)
{
    const struct xen_domctl_createdomain *c = &op->u.createdomain;
    bool hvm = c->flags & XEN_DOMCTL_CDF_hvm;
    bool hap = c->flags & XEN_DOMCTL_CDF_hap;
    uint32_t dom = op->domain;
    struct sim_domain *d;

    /* Xen's sanitise_domain_config, for what the simulation can tell. */
    if (c->flags & ~(XEN_DOMCTL_CDF_MAX * 2 - 1))
        return -EINVAL;
    if ((hvm && !m->hvm_usable) || (hap && (!hvm || !m->hap)))
        return -EINVAL;
    if (!c->max_vcpus)
        return -EINVAL;
    if (dom > 0 && dom < SIM_DOMID_FIRST_RESERVED) {
        if (sim_domain_find(m, dom))
            return -EEXIST;
    } else if (!(dom = free_domid(m))) {
        return -ENOMEM;
    }
    d = sim_domain_add(m, dom, hvm, hap);
    if (!d)
        return -ENOMEM;
    d->created = true;
    d->paused = true;
    d->createflags = c->flags;
    d->max_vcpus = c->max_vcpus;
    d->max_pages = d->tot_pages = 0;
    memcpy(d->handle, c->handle, sizeof(d->handle));
    op->domain = (domid_t)dom;
    return 1;
}

static long get_cpu_policy(struct sim_domain *d, struct xen_domctl *op)
{
    struct xen_domctl_cpu_policy *c = &op->u.cpu_policy;
    long rc;

    if (!c->leaves.p)
        c->nr_leaves = XFS_POLICY_MAX_LEAVES;
    else if ((rc = xfs_guest_put_leaves(&d->policy, &gm_access,
                                        (uint64_t)(uintptr_t)c->leaves.p,
                                        &c->nr_leaves)))
        return rc;
    if (!c->msrs.p)
        c->nr_msrs = XFS_POLICY_MAX_MSRS;
    else if ((rc = xfs_guest_put_msrs(&d->policy, &gm_access,
                                      (uint64_t)(uintptr_t)c->msrs.p,
                                      &c->nr_msrs)))
        return rc;
    return 1;
}

/* update_domain_cpu_policy: on failure err_* are copied back. */
static long set_cpu_policy(struct sim_machine *m, struct sim_domain *d,
                           struct xen_domctl *op, bool *copyback)
{
    struct xen_domctl_cpu_policy *c = &op->u.cpu_policy;
    struct xfs_set_policy_err e;
    struct xfs_domain_opts o;
    long rc;

    if (d->domid == 0)      /* the caller's own domain: Xen says no */
        return -EINVAL;
    if (d->finished)
        return -EEXIST;     /* no changing once the domain runs */
    sim_domain_opts(d, &o);
    rc = xfs_domain_set_policy(&d->policy, sim_max_policy(m, d->hvm),
                               sim_host_policy(m), &o, &gm_access,
                               (uint64_t)(uintptr_t)c->leaves.p,
                               c->nr_leaves, (uint64_t)(uintptr_t)c->msrs.p,
                               c->nr_msrs, &e);
    if (!rc)
        sim_log_policy(m, d);
    if (rc) {
        c->err_leaf = e.leaf;
        c->err_subleaf = e.subleaf;
        c->err_msr = e.msr;
        *copyback = true;
    }
    return rc;
}

/* The calls on an existing domain; >0 asks for the struct copied back. */
static long on_domain(struct sim_machine *m, struct sim_domain *d,
                      struct xen_domctl *op, bool *copyback)
{
    switch (op->cmd) {
    case XEN_DOMCTL_get_cpu_policy:
        return get_cpu_policy(d, op);
    case XEN_DOMCTL_set_cpu_policy:
        return set_cpu_policy(m, d, op, copyback);
    case XEN_DOMCTL_pausedomain:
        d->paused = true;
        return 0;
    case XEN_DOMCTL_unpausedomain:
        /* Running from now on: Xen's creation_finished. */
        d->paused = false;
        d->finished = true;
        return 0;
    case XEN_DOMCTL_destroydomain:
        if (d->domid == 0)
            return -EINVAL;
        sim_domain_remove(m, d->domid);
        return 0;
    case XEN_DOMCTL_max_vcpus:
        /* Xen accepts it once, before vCPUs exist; fewer than created is
         * -EINVAL. */
        if (op->u.max_vcpus.max != d->max_vcpus)
            return -EINVAL;
        return 0;
    case XEN_DOMCTL_max_mem:
        d->max_pages = op->u.max_mem.max_memkb >> 2;
        return 0;
    case XEN_DOMCTL_settscinfo:
    case XEN_DOMCTL_set_paging_mempool_size:
        /* The TSC mode, the paging pool: settings Xen keeps for a guest
         * that runs; nothing runs here. */
        return 0;
    case XEN_DOMCTL_setdomainhandle:
        memcpy(d->handle, op->u.setdomainhandle.handle, sizeof(d->handle));
        return 0;
    default:
        return sim_vcpu_domctl(d, op);
    }
}

long sim_domctl(struct sim_machine *m, uint64_t u)
{
    struct xen_domctl op;
    struct sim_domain *d;
    bool copyback = false;
    long rc;

    if (gm_copy_from(&op, u, sizeof(op)))
        return -EFAULT;
    if (op.interface_version != XEN_DOMCTL_INTERFACE_VERSION)
        return -EACCES;
    if (op.cmd == XEN_DOMCTL_getdomaininfo)
        rc = getdomaininfo(m, &op);
    else if (op.cmd == XEN_DOMCTL_createdomain)
        rc = createdomain(m, &op);
    else if (!(d = sim_domain_find(m, op.domain)))
        return -ESRCH;
    else
        rc = on_domain(m, d, &op, &copyback);
    if (rc > 0) {
        copyback = true;
        rc = 0;
    }
    if (copyback && gm_copy_to(u, &op, sizeof(op)))
        rc = -EFAULT;
    return rc;
}
