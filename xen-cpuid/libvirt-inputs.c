/* SPDX-License-Identifier: MIT */
#include "libvirt-inputs.h"

int tool_load_cpu_map(const struct tool *t, struct xlc_cpu_map **map,
                      xlc_error *err)
{
    struct xlc_cpu_map_cache_info how;
    int rc = xlc_cpu_map_load_cached(t->cpu_map, t->cpu_map_cache, map, &how,
                                     err);

    /* The default cache is best effort; one the user named is not. */
    if (!rc && t->cpu_map_cache && how.use == XLC_CPU_MAP_CACHE_UNWRITTEN)
        tool_err(t, "note: cpu_map cache %s not written: %s", how.path,
                 how.why);
    return rc;
}

int tool_cpu_map(struct tool *t, struct xlc_cpu_map **map)
{
    xlc_error err = { 0 };
    int rc = tool_load_cpu_map(t, map, &err);

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
