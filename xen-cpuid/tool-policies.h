/* SPDX-License-Identifier: MIT */
/*
 * Shared by the subcommands that need full system policies (policy,
 * record, restore-check): the running Xen (--backend xen), or the
 * simulated Xen over --cpuid DUMP or the live CPU (--backend sim); auto
 * tries the running Xen first unless an option asks for simulation.
 */
#ifndef XEN_CPUID_TOOL_POLICIES_H
#define XEN_CPUID_TOOL_POLICIES_H

#include "../libxl_cpuid/policy/cpu-policy.h"
#include "tool.h"

/*
 * Load the policies; *backend becomes "xen" or "sim".  Returns EXIT_OK, or
 * the exit code after reporting the error.
 */
int tool_system_policies(struct tool *t, struct xlc_system_policies **s,
                         const char **backend);

/*
 * "the running Xen" or "simulated Xen 4.17 over SOURCE" (static storage),
 * followed by the XSAVE note below when there is one.
 */
const char *tool_policies_description(const struct xlc_system_policies *s,
                                      const char *backend);

/*
 * When the CPUID source lacked leaf 0xd subleaves and the vendor's
 * documented XSAVE layout stood in (the raw policy's xstate_assumed):
 * "XSAVE layout of components 2 (AVX) 9 (PKRU) as the vendor documents
 * it, not read (...)".  Nothing otherwise.
 */
void tool_xstate_note(struct xlc_buf *b, const struct xlc_system_policies *s);
/* The same components as a JSON array of numbers ("[]" for none). */
void tool_xstate_note_json(struct xlc_buf *b,
                           const struct xlc_system_policies *s);

#endif /* XEN_CPUID_TOOL_POLICIES_H */
