/* SPDX-License-Identifier: MIT */
/*
 * xen-cpuid: inspect featuresets and CPU policies, on real Xen or on the
 * simulated hypervisor.  Dispatch only: a command line is Xen's
 * (xen-invocation.c) unless its first operand names one of our own
 * subcommands (info and detail are Xen's); ours is read by options.c
 * against the subcommand's row of subcommands.c and run by its cmd-*.c.
 */
#include <string.h>

#include "tool.h"

int main(int argc, char **argv)
{
    struct tool t = { 0 };
    const struct subcommand *sc;
    const char *op = tool_first_operand(argc, argv);
    int rc;

    if (!op || !strcmp(op, "info") || !strcmp(op, "detail") ||
        !(sc = tool_subcommand(op)))
        return tool_xen_main(&t, argc, argv);
    rc = tool_parse_command_line(&t, sc, argc, argv);
    return rc ? rc : sc->run(&t);
}
