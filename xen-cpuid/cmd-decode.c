/* SPDX-License-Identifier: MIT */
#include "tool.h"
int cmd_decode(struct tool *t) { tool_err(t, "not implemented yet"); return EXIT_INTERNAL; }
