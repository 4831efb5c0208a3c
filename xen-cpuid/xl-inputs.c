/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "xl-inputs.h"

/* Move every note of `from` to the end of `to`. */
static int take_notes(struct xlc_xl_notes *to, struct xlc_xl_notes *from)
{
    char **v;

    if (!from->nr)
        return 0;
    v = realloc(to->v, (to->nr + from->nr) * sizeof(*v));
    if (!v)
        return -ENOMEM;
    memcpy(v + to->nr, from->v, from->nr * sizeof(*v));
    to->v = v;
    to->nr += from->nr;
    free(from->v);
    from->v = NULL;
    from->nr = 0;
    return 0;
}

/* Notes on every libxl-form string, then on the xend entries together. */
static int collect_notes(struct xl_inputs *in, xlc_error *err)
{
    const char **xend = calloc(in->nr + 1, sizeof(*xend));
    struct xlc_xl_notes one = { 0 };
    size_t nr_xend = 0;
    int rc = xend ? 0 : -ENOMEM;

    for (size_t i = 0; !rc && i < in->nr; i++) {
        if (in->xend[i]) {
            xend[nr_xend++] = in->strings[i];
            continue;
        }
        rc = xlc_xl_notes_libxl(in->strings[i], &one, err);
        if (!rc)
            rc = take_notes(&in->notes, &one);
    }
    if (!rc && nr_xend)
        rc = xlc_xl_notes_xend(xend, nr_xend, &one, err);
    if (!rc)
        rc = take_notes(&in->notes, &one);
    xlc_xl_notes_free(&one);
    free(xend);
    return rc == -ENOMEM ? xlc_fail(err, ENOMEM, "out of memory") : rc;
}

static int from_arguments(struct tool *t, struct xl_inputs *in)
{
    in->strings = (const char **)t->argv;
    in->nr = (size_t)t->argc;
    in->xend = calloc(in->nr + 1, sizeof(*in->xend));
    if (!in->xend) {
        tool_err(t, "out of memory");
        return EXIT_INTERNAL;
    }
    for (size_t i = 0; i < in->nr; i++) {
        xlc_error err = { 0 };
        int rc;

        in->xend[i] = xlc_xl_cpuid_is_xend(in->strings[i]);
        rc = xlc_xl_cpuid_parse_any(&in->list, in->strings[i], &err);
        if (rc) {
            xlc_error_prefix(&err, "string %zu (%s form)", i + 1,
                             in->xend[i] ? "xend" : "libxl");
            return tool_fail(t, rc, &err);
        }
    }
    in->cpuid = &in->list;
    in->nested = XLC_GV_NESTED_AS_ASKED;
    return EXIT_OK;
}

/* A file, standard input, or (not a file, with a '=') the text itself. */
static int load_config(const char *arg, struct xlc_cfg_file *f,
                       xlc_error *err)
{
    struct stat st;

    if (!strcmp(arg, "-") || !stat(arg, &st) || !strchr(arg, '='))
        return xlc_cfg_file_load(arg, f, err);
    return xlc_cfg_file_parse("--config", arg, strlen(arg), f, err);
}

static int from_config(struct tool *t, struct xl_inputs *in)
{
    xlc_error err = { 0 };
    int rc;

    if (t->argc)
        return tool_usage(t, "--config and STRING arguments are "
                          "alternatives: the config's cpuid= is judged");
    if (t->type_given)
        return tool_usage(t, "--config and --type are alternatives: the "
                          "config's type= decides");
    in->from_config = true;
    rc = load_config(t->config, &in->file, &err);
    if (!rc)
        rc = xlc_xl_config_read(&in->file, &in->cfg, &err);
    if (!rc)
        rc = take_notes(&in->notes, &in->cfg.notes);
    if (rc)
        return tool_fail(t, rc, &err);
    in->strings = in->cfg.strings;
    in->nr = in->cfg.nr_strings;
    in->xend = calloc(in->nr + 1, sizeof(*in->xend));
    if (!in->xend) {
        tool_err(t, "out of memory");
        return EXIT_INTERNAL;
    }
    for (size_t i = 0; i < in->nr; i++)
        in->xend[i] = in->cfg.cpuid_xend;
    in->cpuid = &in->cfg.cpuid;
    in->nested = in->cfg.nested ? XLC_GV_NESTED_ON : XLC_GV_NESTED_OFF;
    return EXIT_OK;
}

int xl_inputs_read(struct tool *t, struct xl_inputs *in)
{
    xlc_error err = { 0 };
    int rc;

    memset(in, 0, sizeof(*in));
    if (!t->config && !t->argc)
        return tool_usage(t, "expected STRING... (\"host,NAME=VALUE,...\" or "
                          "\"LEAF[,SUB]:REG=MASK,...\") or --config FILE");
    rc = t->config ? from_config(t, in) : from_arguments(t, in);
    if (!rc && collect_notes(in, &err))
        rc = tool_fail(t, -err.code, &err);
    return rc;
}

void xl_inputs_free(struct xl_inputs *in)
{
    free(in->xend);
    xlc_xl_cpuid_free(&in->list);
    xlc_xl_notes_free(&in->notes);
    xlc_xl_config_free(&in->cfg);
    xlc_cfg_file_free(&in->file);
}
