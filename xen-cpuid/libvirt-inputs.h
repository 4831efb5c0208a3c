/* SPDX-License-Identifier: MIT */
/*
 * What the libvirt options give the subcommands that read libvirt
 * definitions (model, host-model, record --libvirt): the cpu_map of
 * --cpu-map DIR (or libvirt's own), and a <cpu> definition file.
 */
#ifndef XEN_CPUID_LIBVIRT_INPUTS_H
#define XEN_CPUID_LIBVIRT_INPUTS_H

#include "../libxl_cpuid/libvirt/libvirt-cpu.h"
#include "../libxl_cpuid/cpumap/libvirt-cpumap.h"
#include "tool.h"

/*
 * --cpu-map DIR or the default, through --cpu-map-cache FILE (default:
 * the user's cache directory, see xlc_cpu_map_load_cached).  The library
 * call's result; says on stderr when a cache named with --cpu-map-cache
 * could not be written (the map is loaded all the same).
 */
int tool_load_cpu_map(const struct tool *t, struct xlc_cpu_map **map,
                      xlc_error *err);
/* The same, EXIT_OK or the exit code after saying why not. */
int tool_cpu_map(struct tool *t, struct xlc_cpu_map **map);

/* A libvirt <cpu> (alone, or in a <domain>) from path.  Exit code. */
int tool_lv_cpu(struct tool *t, const char *path, struct xlc_lv_cpu **cpu);

#endif /* XEN_CPUID_LIBVIRT_INPUTS_H */
