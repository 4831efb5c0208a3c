/* SPDX-License-Identifier: MIT */
/* Hypercall numbers to handlers (hc.h), multicalls and memory_op. */
#include <stdint.h>
#include <errno.h>
#include <stddef.h>

#include <xen/xen.h>
#include <xen/memory.h>
#include <xen/event_channel.h>
#include <xen/hvm/hvm_op.h>
#include <xen/hvm/params.h>

#include "../xen/arch/viridian-leaves.h"
#include "guest-mem.h"
#include "hc.h"

/*
 * The memory_op sub-ops a toolstack asks about the host.  Xen 4.17 built
 * without CONFIG_MEM_SHARING (Debian's build) answers the sharing
 * counters with -ENOSYS, which libxl takes as "no sharing": the
 * simulation answers the same, silently, since it is Xen's answer.
 */
static long memory_op(struct sim_machine *m, uint64_t cmd, uint64_t arg)
{
    struct xen_foreign_memory_map map;

    switch (cmd) {
    case XENMEM_get_sharing_freed_pages:
    case XENMEM_get_sharing_shared_pages:
        return -ENOSYS;
    case XENMEM_set_memory_map:
        /* A domain's e820: recorded by Xen, used by nothing here. */
        if (gm_copy_from(&map, arg, sizeof(map)))
            return -EFAULT;
        return sim_domain_find(m, map.domid) ? 0 : -ESRCH;
    default:
        return sim_not_simulated("memory_op", NULL, cmd);
    }
}

/*
 * Event channels exist as numbers: libxl allocates the xenstore and
 * console ports of a new domain.  Nothing is ever delivered on them.
 */
static long event_channel_op(struct sim_machine *m, uint64_t cmd,
                             uint64_t arg)
{
    static evtchn_port_t next_port;
    evtchn_alloc_unbound_t a;

    if (cmd != EVTCHNOP_alloc_unbound)
        return sim_not_simulated("event_channel_op", NULL, cmd);
    if (gm_copy_from(&a, arg, sizeof(a)))
        return -EFAULT;
    if (!sim_domain_find(m, a.dom == DOMID_SELF ? 0 : a.dom))
        return -ESRCH;
    a.port = ++next_port;
    return gm_copy_to(arg, &a, sizeof(a)) ? -EFAULT : 0;
}

/*
 * Xen 4.17's checks on setting HVM_PARAM_VIRIDIAN (hvm_allow_set_param,
 * hvm_set_param): set once (a different value afterwards is -EEXIST),
 * then only a value with base_freq and no unknown bit (-EINVAL).  Other
 * parameters are taken as they come.
 */
static long viridian_param(const struct sim_domain *d, uint64_t value)
{
    uint64_t old = d->hvm_params[HVM_PARAM_VIRIDIAN];

    if (old && value != old)
        return -EEXIST;
    return xfs_viridian_param_valid(value) ? 0 : -EINVAL;
}

/*
 * HVM parameters of a domain: kept and given back, used by nothing (the
 * simulated domains do not run); HVM_PARAM_VIRIDIAN judged as Xen does
 * and written out with --policy-dir (policy-log.c).
 */
static long hvm_op(struct sim_machine *m, uint64_t cmd, uint64_t arg)
{
    struct sim_domain *d;
    xen_hvm_param_t a;

    if (cmd != HVMOP_set_param && cmd != HVMOP_get_param)
        return sim_not_simulated("hvm_op", NULL, cmd);
    if (gm_copy_from(&a, arg, sizeof(a)))
        return -EFAULT;
    if (a.index >= HVM_NR_PARAMS)
        return -EINVAL;
    d = sim_domain_find(m, a.domid == DOMID_SELF ? 0 : a.domid);
    if (!d)
        return -ESRCH;
    if (!d->hvm)
        return -EINVAL;
    if (cmd == HVMOP_set_param) {
        long rc = a.index == HVM_PARAM_VIRIDIAN ? viridian_param(d, a.value)
                                                : 0;

        if (rc)
            return rc;
        d->hvm_params[a.index] = a.value;
        if (a.index == HVM_PARAM_VIRIDIAN)
            sim_log_viridian(m, d);
        return 0;
    }
    a.value = d->hvm_params[a.index];
    return gm_copy_to(arg, &a, sizeof(a)) ? -EFAULT : 0;
}

/* Xen's do_multicall: each entry run in turn, its result written back. */
static long multicall(struct sim_machine *m, uint64_t list, uint64_t nr)
{
    for (uint64_t i = 0; i < nr; i++) {
        uint64_t at = list + i * sizeof(multicall_entry_t);
        multicall_entry_t e;
        uint64_t arg[5];

        if (gm_copy_from(&e, at, sizeof(e)))
            return -EFAULT;
        for (unsigned int a = 0; a < 5; a++)
            arg[a] = e.args[a];
        e.result = (xen_ulong_t)(e.op == __HYPERVISOR_multicall
                                     ? -EINVAL
                                     : sim_hypercall(m, (unsigned int)e.op,
                                                     arg));
        if (gm_copy_to(at + offsetof(multicall_entry_t, result), &e.result,
                       sizeof(e.result)))
            return -EFAULT;
    }
    return 0;
}

/*
 * Xen's XSM with the dummy module (no FLASK policy loaded, Xen's default)
 * answers xsm_op with -ENOSYS; toolstacks take that as "no XSM labels".
 */
static long xsm_op(void)
{
    return -ENOSYS;
}

long sim_hypercall(struct sim_machine *m, unsigned int op,
                   const uint64_t arg[5])
{
    switch (op) {
    case __HYPERVISOR_xen_version:
        return sim_xen_version(m, arg[0], arg[1]);
    case __HYPERVISOR_sysctl:
        return sim_sysctl(m, arg[0]);
    case __HYPERVISOR_domctl:
        return sim_domctl(m, arg[0]);
    case __HYPERVISOR_multicall:
        return multicall(m, arg[0], arg[1]);
    case __HYPERVISOR_xsm_op:
        return xsm_op();
    case __HYPERVISOR_memory_op:
        return memory_op(m, arg[0], arg[1]);
    case __HYPERVISOR_hvm_op:
        return hvm_op(m, arg[0], arg[1]);
    case __HYPERVISOR_event_channel_op:
        return event_channel_op(m, arg[0], arg[1]);
    default:
        return sim_not_simulated("hypercall", sim_hypercall_name(op), op);
    }
}
