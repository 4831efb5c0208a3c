/* SPDX-License-Identifier: MIT */
/*
 * The simulated host's topology: one CPU (0) in one NUMA node (0), in
 * CPU pool 0 under Xen 4.17's default scheduler (credit2).  A CPUID dump
 * says nothing about how many sockets and cores a machine had, so the
 * simulation claims the least.  libxl's NUMA placement and vCPU affinity
 * calls get these answers; affinities given for the one CPU are
 * accepted and have no effect (nothing runs).
 */
#include <stdint.h>
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include <xen/xen.h>
#include <xen/sysctl.h>
#include <xen/domctl.h>

#include "guest-mem.h"
#include "hc.h"

#define FIELD_BACK(u, op, type, field) \
    gm_copy_to((u) + offsetof(type, field), &(op)->field, sizeof((op)->field))

/* A bitmap with only bit 0 set (or none), as many bytes as there is
 * room for. */
static long put_bitmap(const struct xenctl_bitmap *b, bool bit0)
{
    uint64_t at = (uint64_t)(uintptr_t)b->bitmap.p;
    uint32_t bytes = (b->nr_bits + 7) / 8;

    for (uint32_t i = 0; i < bytes; i++) {
        uint8_t v = bit0 && i == 0;

        if (gm_copy_to(at + i, &v, 1))
            return -EFAULT;
    }
    return 0;
}

long sim_sched_id(uint64_t u, struct xen_sysctl *op)
{
    op->u.sched_id.sched_id = XEN_SCHEDULER_CREDIT2;
    return gm_copy_to(u, op, sizeof(*op)) ? -EFAULT : 0;
}

long sim_cputopoinfo(uint64_t u, struct xen_sysctl *op)
{
    struct xen_sysctl_cputopoinfo *t = &op->u.cputopoinfo;
    uint32_t n = 1;

    if (t->cputopo.p) {
        struct xen_sysctl_cputopo cpu0 = { 0, 0, 0 };

        n = t->num_cpus < 1 ? t->num_cpus : 1;
        if (n && gm_copy_to((uint64_t)(uintptr_t)t->cputopo.p, &cpu0,
                            sizeof(cpu0)))
            return -EFAULT;
    }
    if (t->num_cpus != n) {
        t->num_cpus = n;
        if (FIELD_BACK(u, op, struct xen_sysctl, u.cputopoinfo.num_cpus))
            return -EFAULT;
    }
    return 0;
}

long sim_numainfo(uint64_t u, struct xen_sysctl *op, uint64_t bytes)
{
    struct xen_sysctl_numainfo *ni = &op->u.numainfo;
    uint32_t n = 1;

    if (ni->meminfo.p || ni->distance.p) {
        struct xen_sysctl_meminfo mem = { bytes, bytes };
        uint32_t distance = 10;     /* a node to itself */

        n = ni->num_nodes < 1 ? ni->num_nodes : 1;
        if (n && ni->meminfo.p &&
            gm_copy_to((uint64_t)(uintptr_t)ni->meminfo.p, &mem,
                       sizeof(mem)))
            return -EFAULT;
        if (n && ni->distance.p &&
            gm_copy_to((uint64_t)(uintptr_t)ni->distance.p, &distance,
                       sizeof(distance)))
            return -EFAULT;
    }
    if (ni->num_nodes != n) {
        ni->num_nodes = n;
        if (FIELD_BACK(u, op, struct xen_sysctl, u.numainfo.num_nodes))
            return -EFAULT;
    }
    return 0;
}

/* The queries: there is pool 0, holding CPU 0, and no free CPU. */
long sim_cpupool_op(struct sim_machine *m, uint64_t u, struct xen_sysctl *op)
{
    struct xen_sysctl_cpupool_op *c = &op->u.cpupool_op;
    long rc;

    if (c->op == XEN_SYSCTL_CPUPOOL_OP_FREEINFO) {
        rc = put_bitmap(&c->cpumap, false);
        return rc ? rc : gm_copy_to(u, op, sizeof(*op)) ? -EFAULT : 0;
    }
    if (c->op != XEN_SYSCTL_CPUPOOL_OP_INFO)
        return sim_not_simulated("cpupool_op", NULL, c->op);
    if (c->cpupool_id > 0)
        return -ENOENT;
    c->cpupool_id = 0;
    c->sched_id = XEN_SCHEDULER_CREDIT2;
    c->n_dom = m->nr_doms;
    rc = put_bitmap(&c->cpumap, true);
    if (!rc && gm_copy_to(u, op, sizeof(*op)))
        rc = -EFAULT;
    return rc;
}

/* vCPU and NUMA-node calls on a domain; -ENOSYS (noted) for the rest. */
long sim_vcpu_domctl(struct sim_domain *d, struct xen_domctl *op)
{
    switch (op->cmd) {
    case XEN_DOMCTL_getvcpuinfo: {
        struct xen_domctl_getvcpuinfo *v = &op->u.getvcpuinfo;

        if (v->vcpu >= d->max_vcpus)
            return -EINVAL;
        v->online = 1;
        v->blocked = v->running = 0;
        v->cpu_time = 0;
        v->cpu = 0;
        return 1;
    }
    case XEN_DOMCTL_setvcpuaffinity:
    case XEN_DOMCTL_getvcpuaffinity: {
        struct xen_domctl_vcpuaffinity *a = &op->u.vcpuaffinity;
        long rc = 0;

        if (a->vcpu >= d->max_vcpus)
            return -EINVAL;
        /* Whatever was asked, the vCPU can only be on CPU 0. */
        if (a->flags & XEN_VCPUAFFINITY_HARD)
            rc = put_bitmap(&a->cpumap_hard, true);
        if (!rc && (a->flags & XEN_VCPUAFFINITY_SOFT))
            rc = put_bitmap(&a->cpumap_soft, true);
        return rc;
    }
    case XEN_DOMCTL_setnodeaffinity:
        return 0;
    case XEN_DOMCTL_getnodeaffinity:
        return put_bitmap(&op->u.nodeaffinity.nodemap, true);
    default:
        return sim_not_simulated("domctl", sim_domctl_name(op->cmd),
                                 op->cmd);
    }
}
