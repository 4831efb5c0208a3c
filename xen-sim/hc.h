/* SPDX-License-Identifier: MIT */
/*
 * The simulated hypercalls: what xencall0..5 reach.  Each handler takes
 * the raw hypercall arguments (guest addresses into hypercall buffers),
 * reads and writes guest memory only through guest-mem.h, and returns
 * what Xen's hypercall would: >= 0, or -errno.
 */
#ifndef XEN_SIM_HC_H
#define XEN_SIM_HC_H

#include <stdint.h>

#include "sim-state.h"

long sim_hypercall(struct sim_machine *m, unsigned int op,
                   const uint64_t arg[5]);

long sim_sysctl(struct sim_machine *m, uint64_t u_sysctl);
long sim_domctl(struct sim_machine *m, uint64_t u_domctl);
long sim_xen_version(struct sim_machine *m, uint64_t cmd, uint64_t arg);

/*
 * The one stderr line for anything not simulated:
 * "xen-sim: KIND NAME (NUMBER) is not simulated: -ENOSYS".  Written with
 * a single write(2); nothing else in the preload prints.
 */
long sim_not_simulated(const char *kind, const char *name, unsigned long nr);

/* XEN_DOMCTL_getdomaininfo's record of a domain. */
struct xen_domctl_getdomaininfo;
void sim_domaininfo(const struct sim_domain *d,
                    struct xen_domctl_getdomaininfo *info);

/* The one-CPU, one-node host (hc-topology.c). */
struct xen_sysctl;
struct xen_domctl;
long sim_cputopoinfo(uint64_t u, struct xen_sysctl *op);
long sim_sched_id(uint64_t u, struct xen_sysctl *op);
long sim_numainfo(uint64_t u, struct xen_sysctl *op, uint64_t bytes);
long sim_cpupool_op(struct sim_machine *m, uint64_t u, struct xen_sysctl *op);
/* >0: copy the domctl back (as hc-domctl.c's handlers). */
long sim_vcpu_domctl(struct sim_domain *d, struct xen_domctl *op);

/* The simulated host's memory: 4 GiB, all free. */
#define SIM_HOST_PAGES (4ull << 18)

/* --policy-dir: write the domain's policy out (policy-log.c). */
void sim_log_policy(const struct sim_machine *m, const struct sim_domain *d);
/* --policy-dir: the domain's HVM_PARAM_VIRIDIAN, once a toolstack set it
 * (DIR/domain-ID.viridian: "0x%llx\n"). */
void sim_log_viridian(const struct sim_machine *m,
                      const struct sim_domain *d);

/* Names for the notes ("sysctl" numbers and so on), or NULL. */
const char *sim_hypercall_name(unsigned int op);
const char *sim_sysctl_name(unsigned int cmd);
const char *sim_domctl_name(unsigned int cmd);

#endif /* XEN_SIM_HC_H */
