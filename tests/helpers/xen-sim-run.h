/* SPDX-License-Identifier: MIT */
/*
 * Running programs under build/xen-sim (the simulated hypervisor for Xen's
 * own tools), and Xen 4.17's tools themselves.  Failures to start fail
 * the current cmocka test.
 */
#ifndef TESTS_HELPERS_XEN_SIM_RUN_H
#define TESTS_HELPERS_XEN_SIM_RUN_H

#define XEN_TOOLS_DIR "/usr/lib/xen-4.17/bin"
#define XEN_XEN_CPUID XEN_TOOLS_DIR "/xen-cpuid"
#define XEN_XL        XEN_TOOLS_DIR "/xl"

/* build/xen-sim, beside the xen-cpuid the tests run. */
const char *xen_sim_path(void);

/*
 * Let sanitised programs (our ASan build of xen-cpuid, a test program)
 * run with the plain preload ahead of the sanitizer runtime: ASan's link
 * order check is switched off (ASAN_OPTIONS) when $XFS_SAN is set.
 */
void xen_sim_sanitizer_env(void);

/*
 * Run "xen-sim SIM_ARGS -- COMMAND" through the shell (both already
 * quoted); exit status returned, stdout in *out, stderr in *err (NULL:
 * left alone).  Both malloc'd.
 */
int xen_sim_run(const char *sim_args, const char *command, char **out,
                char **err);

/*
 * For a test program that must itself run under the simulation: unless
 * it already does, exec "xen-sim SIM_ARGV... -- argv[0]" (NULL-terminated
 * SIM_ARGV) and do not return.
 */
void xen_sim_reexec(char **argv, const char *const *sim_argv);

/*
 * Pin this process (and so every process it starts) to one CPU: the live
 * CPU's CPUID differs between CPUs (APIC IDs), and a comparison between
 * processes must read the same one.
 */
void xen_sim_pin_one_cpu(void);

/* $XFS_DATA/cpuid/live/this-machine-cpuid-r.txt */
const char *xen_sim_live_dump(void);

#endif
