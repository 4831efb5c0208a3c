/* SPDX-License-Identifier: MIT */
/* Placeholder until this subcommand lands. */
#include "tool.h"
int cmd_detail(struct tool *t) { tool_err(t, "not implemented yet"); return EXIT_INTERNAL; }
