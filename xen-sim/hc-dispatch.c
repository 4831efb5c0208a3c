/* SPDX-License-Identifier: MIT */
/* Hypercall numbers to handlers (hc.h). */
#include <stdint.h>
#include <xen/xen.h>

#include "hc.h"

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
    default:
        return sim_not_simulated("hypercall", sim_hypercall_name(op), op);
    }
}
