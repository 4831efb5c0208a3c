/* SPDX-License-Identifier: MIT */
/*
 * xen-cpuid: inspect featuresets and CPU policies, on real Xen or on the
 * simulated hypervisor.  Dispatch only: a command line is Xen's
 * (xen-invocation.c) unless its first operand names one of our own
 * subcommands (info and detail are Xen's); ours is read by options.c
 * against the subcommand's row of subcommands.c and run by its cmd-*.c.
 */
#include <signal.h>
#include <string.h>

#include "tool-output.h"
#include "tool.h"

int main(int argc, char **argv)
{
    struct tool t = { 0 };
    const struct subcommand *sc;
    const char *op = tool_first_operand(argc, argv);
    int rc;

    /* Past the file size limit, a write fails (and -o says so) instead of
     * killing the tool with its temporary file left behind. */
    signal(SIGXFSZ, SIG_IGN);
    tool_escape_stdout();
    if (!op || !strcmp(op, "info") || !strcmp(op, "detail") ||
        !(sc = tool_subcommand(op)))
        return tool_output_done(&t, tool_xen_main(&t, argc, argv));
    rc = tool_parse_command_line(&t, sc, argc, argv);
    return tool_output_done(&t, rc ? rc : sc->run(&t));
}
