/* SPDX-License-Identifier: MIT */
/*
 * The simulated machine behind xen-sim: a host (a CPUID dump or the live
 * CPU) booted by the project's xen/ code, and its domains.
 *
 * The launcher builds one to check its options (and reports what is
 * wrong), then hands the options to the preloaded library through the
 * environment; the library builds the same machine in the command's
 * process on its first xencall_open.  Each process has its own machine:
 * a domain created in one is not seen by another.
 */
#ifndef XEN_SIM_SIM_STATE_H
#define XEN_SIM_SIM_STATE_H

#include <stdbool.h>
#include <stdint.h>

#include "../libxl_cpuid/policy/cpu-policy.h"
#include "../libxl_cpuid/util/error.h"
#include "../xen/arch/levelling.h"
#include "../xen/arch/sysctl.h"

/* The environment the launcher sets for the preloaded library. */
#define SIM_ENV_CPUID      "XEN_SIM_CPUID"       /* dump path, absolute */
#define SIM_ENV_NO_HAP     "XEN_SIM_NO_HAP"      /* "1" */
#define SIM_ENV_BOOT_CPUID "XEN_SIM_BOOT_CPUID"  /* no-NAME,... */
#define SIM_ENV_DOMAINS    "XEN_SIM_DOMAINS"     /* how many --domain */
#define SIM_ENV_DOMAIN     "XEN_SIM_DOMAIN_"     /* + index: the spec */
#define SIM_ENV_POLICY_DIR "XEN_SIM_POLICY_DIR"  /* policy-log.c */

#define SIM_MAX_DECLARED 64
#define SIM_MAX_DOMAINS  128
#define SIM_DOMID_FIRST_RESERVED 0x7ff0u

struct sim_config {
    const char *cpuid_file;        /* NULL: the live CPU */
    bool no_hap;
    const char *boot_cpuid;        /* NULL: nothing removed */
    const char *domains[SIM_MAX_DECLARED];  /* ID:pv|hvm[:cpuid=S|:policy=F] */
    unsigned int nr_domains;
    const char *policy_dir;        /* NULL: set policies are not logged */
};

struct sim_domain {
    uint32_t domid;
    bool hvm, hap;
    bool created;                  /* by XEN_DOMCTL_createdomain */
    bool finished;                 /* running: its policy is fixed */
    bool paused;
    uint32_t createflags;          /* XEN_DOMCTL_CDF_* given */
    uint32_t max_vcpus;
    uint64_t max_pages, tot_pages;
    uint8_t handle[16];
    uint64_t hvm_params[64];       /* HVMOP_{set,get}_param */
    struct xfs_cpu_policy policy;
};

struct sim_machine {
    struct xlc_cpuid_dump *dump;
    struct xfs_hypervisor hv;          /* the featureset sysctl */
    struct xlc_system_policies *sys;   /* the six system policies */
    struct xfs_levelling lv;
    bool hvm_usable, hap;
    char *commandline;                 /* Xen's, e.g. "cpuid=no-avx" */
    char *policy_dir;                  /* --policy-dir, or NULL */
    struct sim_domain doms[SIM_MAX_DOMAINS];
    unsigned int nr_doms;
};

/* Read the configuration the launcher put in the environment. */
int sim_config_from_env(struct sim_config *c, xlc_error *err);
/* Put it there (setenv); every path made absolute. */
int sim_config_to_env(const struct sim_config *c, xlc_error *err);

/*
 * Boot the machine: load the dump, derive featuresets, policies and
 * levelling caps, then create domain 0 (PV, default policy) and every
 * declared domain.  A declaration that does not parse is -EINVAL; one
 * whose policy this host cannot give unchanged is -EPERM with every
 * reason.
 */
int sim_machine_boot(const struct sim_config *c, struct sim_machine **out,
                     xlc_error *err);
void sim_machine_free(struct sim_machine *m);

/* ---- domains (sim-domains.c) ---- */

/* Parse and add a declared domain ("ID:pv|hvm[:cpuid=S|:policy=F]"). */
int sim_declare_domain(struct sim_machine *m, const char *spec,
                       xlc_error *err);
/* Add a domain with the type's default policy, recalculated. */
struct sim_domain *sim_domain_add(struct sim_machine *m, uint32_t domid,
                                  bool hvm, bool hap);
struct sim_domain *sim_domain_find(struct sim_machine *m, uint32_t domid);
/* The first domain whose id is >= domid (getdomaininfo), or NULL. */
struct sim_domain *sim_domain_at_or_after(struct sim_machine *m,
                                          uint32_t domid);
void sim_domain_remove(struct sim_machine *m, uint32_t domid);
/* Max / host policy for a domain of this kind. */
const struct xfs_cpu_policy *sim_max_policy(const struct sim_machine *m,
                                            bool hvm);
const struct xfs_cpu_policy *sim_host_policy(const struct sim_machine *m);
void sim_domain_opts(const struct sim_domain *d, struct xfs_domain_opts *o);

#endif /* XEN_SIM_SIM_STATE_H */
