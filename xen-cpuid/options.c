/* SPDX-License-Identifier: MIT */
/*
 * Our options: the one table of them (name, argument, what it does),
 * applying one to struct tool, reading the command line of one of our
 * subcommands (each takes the options its row in subcommands.c lists:
 * any other is refused, naming it), per-subcommand help and --version.
 * Xen's command lines are read by xen-invocation.c with the same table.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tool.h"

#ifndef XFS_VERSION
#define XFS_VERSION "unknown"
#endif

struct opt_def {
    const char *name;            /* the long name */
    char letter;                 /* the short one, or 0 */
    int has_arg;
    const char *arg;             /* the argument in help, or NULL */
    const char *help;
};

static const struct opt_def defs[TOOL_NR_OPTS] = {
    [OPT_JSON] = { "json", 0, no_argument, NULL,
                   "machine-readable output" },
    [OPT_BACKEND] = { "backend", 0, required_argument, "B",
                      "auto (default), xen or sim" },
    [OPT_CPUID] = { "cpuid", 0, required_argument, "FILE",
                    "CPUID dump (libvirt XML or cpuid -r); implies sim" },
    [OPT_NO_HAP] = { "no-hap", 0, no_argument, NULL,
                     "simulate a hypervisor without HAP" },
    [OPT_BOOT_CPUID] = { "boot-cpuid", 0, required_argument, "LIST",
                         "simulate Xen's cpuid=no-NAME,... option" },
    [OPT_TYPE] = { "type", 0, required_argument, "pv|hvm",
                   "guest type (any case)" },
    [OPT_CPU_MAP] = { "cpu-map", 0, required_argument, "DIR",
                      "libvirt cpu_map directory" },
    [OPT_CPU_MAP_CACHE] = { "cpu-map-cache", 0, required_argument, "FILE",
                            "the cpu_map's compiled cache ('none': no "
                            "cache)" },
    [OPT_OUTPUT] = { "output", 'o', required_argument, "FILE",
                     "output file (written atomically)" },
    [OPT_XL_CPUID] = { "xl-cpuid", 0, required_argument, "STR",
                       "an xl cpuid= string" },
    [OPT_LIBVIRT] = { "libvirt", 0, required_argument, "FILE.xml",
                      "a libvirt <cpu> (viridian: <hyperv>) definition" },
    [OPT_CONFIG] = { "config", 0, required_argument, "FILE",
                     "xl-cpuid: an xl.cfg file (cpuid=, type=, "
                     "nestedhvm=)" },
    [OPT_WITH] = { "with", 0, required_argument, "NAME[,NAME]",
                   "level: opt-in features for the guest CPU" },
    [OPT_NOMIGRATE] = { "nomigrate", 0, no_argument, NULL,
                        "level: the guest never migrates" },
    [OPT_SHOW_BACKEND] = { "show-backend", 0, no_argument, NULL,
                           "info, detail, -p: end with where the data came "
                           "from" },
    [OPT_VIRIDIAN] = { "viridian", 0, required_argument, "SETTING",
                       "xl's viridian= (1, 0, '[\"base\",...]') of the "
                       "guest" },
    [OPT_XEN_VERSION] = { "xen-version", 0, required_argument, "VER",
                          "the Xen release (4.4 to 4.20) of the "
                          "destination, or of hosts without @VER" },
    [OPT_PINNED] = { "pinned", 0, required_argument, "SAVED",
                     "model: recorded model pins against today's cpu_map" },
    [OPT_EXPLICIT] = { "explicit", 0, no_argument, NULL,
                       "model: print the <cpu> with its model spelled out" },
    [OPT_HELP] = { "help", 'h', no_argument, NULL,
                   "this help" },
    [OPT_VERSION] = { "version", 0, no_argument, NULL,
                      "print the version" },
};

/* getopt_long's value for an option: its letter, else 256 + id. */
static int opt_val(int id)
{
    return defs[id].letter ? defs[id].letter : 256 + id;
}

int tool_option_id(int c)
{
    for (int id = 0; id < TOOL_NR_OPTS; id++)
        if (opt_val(id) == c)
            return id;
    return -1;
}

const struct option *tool_long_options(void)
{
    static struct option table[TOOL_NR_OPTS + 1];

    if (!table[0].name)
        for (int id = 0; id < TOOL_NR_OPTS; id++)
            table[id] = (struct option){ defs[id].name, defs[id].has_arg,
                                         NULL, opt_val(id) };
    return table;
}

const char *tool_option_name(int id)
{
    static char names[TOOL_NR_OPTS][32];

    if (id < 0 || id >= TOOL_NR_OPTS)
        return "?";
    if (!names[id][0])
        snprintf(names[id], sizeof(names[id]), "--%s", defs[id].name);
    return names[id];
}

/* A value option.c reads for the library (--type, --backend). */
static bool value_error(struct tool *t, int id, const xlc_error *err)
{
    tool_usage(t, "%s: %s", tool_option_name(id), err->msg);
    return false;
}

bool tool_option(struct tool *t, int id, const char *arg)
{
    xlc_error err = { 0 };

    switch (id) {
    case OPT_JSON: t->json = true; break;
    case OPT_BACKEND:
        t->backend_given = true;
        if (xlc_backend_parse(arg, &t->backend, &err))
            return value_error(t, id, &err);
        break;
    case OPT_CPUID: t->cpuid_file = arg; break;
    case OPT_NO_HAP: t->no_hap = true; break;
    case OPT_BOOT_CPUID: t->boot_cpuid = arg; break;
    case OPT_TYPE:
        t->type_given = true;
        if (xlc_guest_type_parse(arg, &t->type, &err))
            return value_error(t, id, &err);
        break;
    case OPT_CPU_MAP: t->cpu_map = arg; break;
    case OPT_CPU_MAP_CACHE: t->cpu_map_cache = arg; break;
    case OPT_OUTPUT: t->output = arg; break;
    case OPT_XL_CPUID: t->xl_cpuid = arg; break;
    case OPT_LIBVIRT: t->libvirt = arg; break;
    case OPT_CONFIG: t->config = arg; break;
    case OPT_WITH:
        if (t->nr_with == sizeof(t->with) / sizeof(t->with[0])) {
            tool_usage(t, "--with given too often: list the names with "
                          "commas");
            return false;
        }
        t->with[t->nr_with++] = arg;
        break;
    case OPT_NOMIGRATE: t->nomigrate = true; break;
    case OPT_SHOW_BACKEND: t->show_backend = true; break;
    case OPT_VIRIDIAN: t->viridian = arg; break;
    case OPT_XEN_VERSION:
        t->xen_version = arg;
        if (xlc_viridian_release_lookup(arg, &t->xen, &err))
            return value_error(t, id, &err);
        break;
    case OPT_PINNED: t->pinned = arg; break;
    case OPT_EXPLICIT: t->explicit_cpu = true; break;
    default: return false;
    }
    return true;
}

/* ---- help ---- */

static void print_option(FILE *f, int id)
{
    char left[64];
    const struct opt_def *d = &defs[id];

    if (d->letter)
        snprintf(left, sizeof(left), "-%c, --%s%s%s", d->letter, d->name,
                 d->arg ? " " : "", d->arg ? d->arg : "");
    else
        snprintf(left, sizeof(left), "--%s%s%s", d->name, d->arg ? " " : "",
                 d->arg ? d->arg : "");
    fprintf(f, "  %-24s %s\n", left, d->help);
}

void tool_print_options(FILE *f)
{
    for (int id = 0; id < TOOL_NR_OPTS; id++)
        if (id != OPT_HELP)
            print_option(f, id);
}

void tool_print_subcommand_help(FILE *f, const struct subcommand *sc)
{
    fprintf(f, "Usage: xen-cpuid %s%s%s%s\n%s\n\nOptions:\n", sc->name,
            sc->opts ? " [OPTIONS]" : "", sc->usage[0] ? " " : "", sc->usage,
            sc->help);
    for (int id = 0; id < TOOL_NR_OPTS; id++)
        if (sc->opts & (1u << id))
            print_option(f, id);
    print_option(f, OPT_HELP);
    print_option(f, OPT_VERSION);
    fputs("\nExit codes: 0 ok, 1 usage, 2 bad input, 3 backend unusable, "
          "4 refused/incompatible, 5 internal error.  More in "
          "xen-cpuid(1).\n", f);
}

int tool_print_version(void)
{
    printf("xen-cpuid %s\n", XFS_VERSION);
    return fflush(stdout) ? EXIT_INTERNAL : EXIT_OK;
}

/* ---- reading one of our command lines ---- */

/* The name of a long option as written ("--cpu" of "--cpu=x"). */
static const char *written(const char *arg, char *buf, size_t n)
{
    size_t len = strcspn(arg, "=");

    snprintf(buf, n, "%.*s", (int)(len < n ? len : n - 1), arg);
    return buf;
}

/* An option getopt did not accept ('?'): say which and why. */
static int refuse(struct tool *t, char **argv)
{
    const char *arg = argv[optind - 1];
    char name[64], also[256] = "";
    int id = tool_option_id(optopt), matches = 0;
    size_t len;

    if (optopt && strncmp(arg, "--", 2))
        return tool_usage(t, "unknown option '-%c'", optopt);
    written(arg, name, sizeof(name));
    if (id >= 0)
        return tool_usage(t, "option '%s' takes no argument",
                          tool_option_name(id));
    len = strlen(name + 2);
    for (id = 0; id < TOOL_NR_OPTS && len; id++)
        if (!strncmp(defs[id].name, name + 2, len)) {
            size_t used = strlen(also);

            snprintf(also + used, sizeof(also) - used, "%s--%s",
                     matches++ ? ", " : "", defs[id].name);
        }
    if (matches > 1)
        return tool_usage(t, "ambiguous option '%s': %s", name, also);
    return tool_usage(t, "unknown option '%s'", name);
}

int tool_parse_command_line(struct tool *t, const struct subcommand *sc,
                            int argc, char **argv)
{
    const struct option *lo = tool_long_options();
    int c, id, index, saved = opterr;
    char shortname[3];

    t->cmd = sc->name;
    optind = 0;
    opterr = 0;
    while ((index = -1,
            c = getopt_long(argc, argv, ":ho:", lo, &index)) != -1) {
        if (c == '?' || c == ':') {
            opterr = saved;
            return c == '?' ? refuse(t, argv)
                            : tool_usage(t, "option '%s' needs an argument",
                                         tool_option_name(
                                             tool_option_id(optopt)));
        }
        id = tool_option_id(c);
        if (id == OPT_HELP) {
            tool_print_subcommand_help(stdout, sc);
            exit(fflush(stdout) ? EXIT_INTERNAL : EXIT_OK);
        }
        if (id == OPT_VERSION)
            exit(tool_print_version());
        snprintf(shortname, sizeof(shortname), "-%c", c);
        if (!(sc->opts & (1u << id)))
            return tool_usage(t, "option '%s' does not apply to %s",
                              index < 0 ? shortname : tool_option_name(id),
                              sc->name);
        if (!tool_option(t, id, optarg))
            return EXIT_USAGE;
    }
    opterr = saved;
    /* The operands, in order: the subcommand's name, then its arguments. */
    t->argc = argc - optind - 1;
    t->argv = argv + optind + 1;
    return EXIT_OK;
}
