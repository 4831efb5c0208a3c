/* SPDX-License-Identifier: MIT */
/* Shared by the preloaded entry points. */
#ifndef XEN_SIM_PRELOAD_H
#define XEN_SIM_PRELOAD_H

#include "sim-state.h"

/* The process's machine, booted on first use; NULL (errno set) when it
 * cannot boot. */
struct sim_machine *sim_preload_machine(void);

/* "xen-sim: FUNCTION is not simulated: -ENOSYS" on stderr; sets errno
 * to ENOSYS. */
void sim_note_function(const char *function);

#endif /* XEN_SIM_PRELOAD_H */
