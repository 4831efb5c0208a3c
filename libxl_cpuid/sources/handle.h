/* SPDX-License-Identifier: MIT */
/*
 * The handle on a hypervisor, real or simulated: the one place a backend
 * is opened.  Everything the toolstack asks a hypervisor goes through it:
 * featuresets, the system policies, a domain's policy, the levelling
 * capabilities, and the CPUID data the host's description comes from.
 *
 *   xen   the running Xen, through libxenctrl and libxenguest
 *         (xc_get_cpu_featureset, xc_cpu_policy_get_system,
 *         xc_cpu_policy_get_domain, xc_get_cpu_levelling_caps)
 *   sim   xen/ derivation code run in-process over a CPUID source (a dump
 *         file or the live CPU), with Xen's boot options
 *   auto  xen when libxenctrl answers (/dev/xen, or xen-sim standing in
 *         for libxencall), else sim over the live CPU
 */
#ifndef LIBXL_CPUID_HANDLE_H
#define LIBXL_CPUID_HANDLE_H

#include <stdbool.h>
#include <stdint.h>

#include "../../xen/arch/featuresets.h"
#include "../util/error.h"

struct xlc_cpuid_dump;
struct xlc_policy_entries;
struct xlc_system_policies;

enum xlc_backend { XLC_BACKEND_AUTO, XLC_BACKEND_XEN, XLC_BACKEND_SIM };

/* A boot cpuid= list longer than this is refused (-E2BIG). */
#define XLC_BOOT_CPUID_MAX_BYTES 4096u

struct xlc_open_opts {
    enum xlc_backend backend;
    const char *cpuid_file;      /* sim source: dump file; NULL = live CPU */
    bool no_hap;                 /* sim: hypervisor without HAP */
    const char *boot_cpuid;      /* sim: "no-NAME,..." or NULL */
    /*
     * xen: once the backend is open, let libxenctrl log to stderr as it
     * does for Xen's own tools (its stdio logger, XTL_PROGRESS and up),
     * e.g. "xc: error: Failed to obtain domain 7 policy ...".  For a
     * drop-in of Xen's xen-cpuid; otherwise libxenctrl stays quiet (the
     * library prints nothing) and its last message goes into errors.
     */
    bool xen_log_stderr;
};

typedef struct xlc_handle xlc_handle;

int xlc_open(const struct xlc_open_opts *opts, xlc_handle **out,
             xlc_error *err);
void xlc_close(xlc_handle *h);

/*
 * Open options: -EINVAL for a backend that is not one of the three, for
 * simulation options with XLC_BACKEND_XEN, and for a --boot-cpuid list
 * with a bad token (the token and its offset named).  -ENODEV when xen
 * was asked for and cannot be used; the dump's errors for sim.
 */

/* "auto", "xen" or "sim" -> the backend; -EINVAL naming the word. */
int xlc_backend_parse(const char *s, enum xlc_backend *out, xlc_error *err);

/* Which backend is in use, and a description ("sim: live CPU", ...). */
enum xlc_backend xlc_backend_in_use(const xlc_handle *h);
const char *xlc_backend_description(const xlc_handle *h);

/* Number of words the hypervisor knows. */
int xlc_get_featureset_size(xlc_handle *h, uint32_t *nr, xlc_error *err);

/*
 * Same contract as xc_get_cpu_featureset(): *nr in = words in `features`,
 * out = words written; -ENOBUFS (with the copy done) when the caller's
 * buffer is shorter than the hypervisor's; -EINVAL for a bad index.
 */
int xlc_get_featureset(xlc_handle *h, uint32_t index, uint32_t *nr,
                       uint32_t *features, xlc_error *err);

/*
 * The six system policies (policy/cpu-policy.h): from the running Xen
 * through libxenguest, each read back with our deserialiser (what this
 * build cannot hold is refused with the leaf); or derived by the
 * simulated Xen from its CPUID data and boot options.  Free with
 * xlc_system_policies_free().
 */
int xlc_handle_system_policies(xlc_handle *h,
                               struct xlc_system_policies **out,
                               xlc_error *err);

/*
 * One domain's CPU policy as entries (xc_cpu_policy_get_domain, serialised
 * by libxenguest; free with xlc_policy_entries_free).  Only a running Xen
 * has domains: -ENODEV on sim.  Otherwise the error Xen answered with
 * (-ESRCH: no such domain), or -ENOBUFS when the policy does not fit.
 */
int xlc_handle_domain_entries(xlc_handle *h, uint32_t domid,
                              struct xlc_policy_entries *out,
                              xlc_error *err);

/*
 * One HVM parameter of a domain (HVMOP_get_param; e.g. HVM_PARAM_VIRIDIAN,
 * its Hyper-V enlightenments).  -ENODEV on sim, like domains; otherwise
 * Xen's answer: -EINVAL for a PV domain or an index past HVM_NR_PARAMS,
 * -ESRCH for no such domain.
 */
int xlc_handle_domain_hvm_param(xlc_handle *h, uint32_t domid,
                                uint32_t index, uint64_t *value,
                                xlc_error *err);

/*
 * The hypervisor's CPUID levelling capabilities
 * (XEN_SYSCTL_get_cpu_levelling_caps).  -EOPNOTSUPP on sim: no hypervisor
 * reports them, derive them from xlc_handle_cpuid()'s data instead
 * (xlc_levelling_from_dump).  -ENODEV when Xen refuses the sysctl.
 */
int xlc_handle_levelling_caps(xlc_handle *h, uint32_t *caps, xlc_error *err);

/*
 * The CPUID data of the host: the simulated hypervisor's dump (the file
 * or the live CPU it booted on); on xen, this CPU read once on first use
 * (vendor and signature; dom0's view of the features is levelled).  Owned
 * by the handle.
 */
int xlc_handle_cpuid(xlc_handle *h, const struct xlc_cpuid_dump **out,
                     xlc_error *err);

#endif /* LIBXL_CPUID_HANDLE_H */
