/* SPDX-License-Identifier: MIT */
#include "libvirt-inputs.h"

int tool_cpu_map(struct tool *t, struct xlc_cpu_map **map)
{
    xlc_error err = { 0 };
    int rc = xlc_cpu_map_load(t->cpu_map, map, &err);

    if (rc)
        xlc_error_prefix(&err, "cpu map");
    return rc ? tool_fail(t, rc, &err) : EXIT_OK;
}

int tool_lv_cpu(struct tool *t, const char *path, struct xlc_lv_cpu **cpu)
{
    xlc_error err = { 0 };
    int rc = xlc_lv_cpu_load(path, cpu, &err);

    return rc ? tool_fail(t, rc, &err) : EXIT_OK;
}
