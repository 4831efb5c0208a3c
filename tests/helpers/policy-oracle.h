/* SPDX-License-Identifier: MIT */
/*
 * libxenguest (Xen 4.17) as an oracle for full CPU policies, and the
 * shared dumps as inputs.
 *
 * libxenguest's policy calls report failures through the xc handle; the
 * children use a dummy one (XC_OPENFLAG_DUMMY, no hypervisor needed).
 * Every call still runs in a child process that sends its answer back
 * through a pipe, so that a crash inside libxenguest cannot take the test
 * suite with it: a crash or a failure both mean "libxenguest refused".
 */
#ifndef TESTS_HELPERS_POLICY_ORACLE_H
#define TESTS_HELPERS_POLICY_ORACLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "libxl_cpuid/policy/cpu-policy.h"
#include "libxl_cpuid/migration/stream.h"

/* What libxenguest made of a list of leaves and MSRs. */
struct xt_xen_result {
    bool accepted;            /* update_cpuid and update_msrs succeeded */
    /* Its serialisation, if accepted (free with xlc_policy_entries_free;
     * zeroed when not accepted). */
    struct xlc_policy_entries out;
};

/*
 * xc_cpu_policy_init, xc_cpu_policy_update_cpuid, xc_cpu_policy_update_msrs,
 * xc_cpu_policy_serialise.  Fails the test if the child cannot be run.
 */
void xt_xen_roundtrip(const struct xfs_cpuid_leaf *leaves, uint32_t nr,
                      const struct xfs_msr_entry *msrs, uint32_t nr_msrs,
                      struct xt_xen_result *res);

/*
 * xc_cpu_policy_is_compatible on two policies given as serialised lists.
 * Returns true when libxenguest says the guest fits the host.
 */
bool xt_xen_compatible(const struct xlc_policy_entries *host,
                       const struct xlc_policy_entries *guest);

/* Serialise p into *out, freeing what *out held (zero-initialise it
 * first); fails the test when it cannot. */
void xt_serialise(const struct xfs_cpu_policy *p,
                  struct xlc_policy_entries *out);

/* The shared dumps: sorted paths of $XFS_DATA/cpuid/instlatx64/ *.xml
 * (free with xt_free_paths), and the `cpuid -r` file of this machine. */
char **xt_dump_paths(size_t *nr);
void xt_free_paths(char **paths, size_t nr);
const char *xt_live_dump_path(void);

/* Every shared dump's system policies, loaded once (for a group setup). */
struct xt_pool {
    struct xlc_system_policies **sys;
    char **paths;
    size_t n;
};
/* 0, or -1 when the dumps cannot be loaded or are fewer than 40. */
int xt_pool_load(struct xt_pool *p);
void xt_pool_free(struct xt_pool *p);
/* The index of a dump by its short name; fails the test when absent. */
size_t xt_pool_index(const struct xt_pool *p, const char *name);

/* policy (NULL: none) -> a standalone stream of domain type `type` ->
 * parsed: what restore-check reads.  Fails the test on any error. */
void xt_stream_of(uint32_t type, const struct xfs_cpu_policy *p,
                  struct xlc_stream_info *info);

/* Derive the system policies of a dump with default options. */
struct xlc_system_policies *xt_system_from_file(const char *path);

/* Short name of a dump path ("GenuineIntel0050654_SkylakeXeon"). */
const char *xt_basename(const char *path);

#endif
