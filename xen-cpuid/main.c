/* SPDX-License-Identifier: MIT */
/*
 * xen-cpuid: inspect featuresets and CPU policies, on real Xen or on the
 * simulated hypervisor.  Option parsing and subcommand dispatch only; each
 * subcommand is in its own cmd-*.c file, and the command lines of Xen's
 * own xen-cpuid are handled by xen-invocation.c.
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tool.h"

static int cmd_help(struct tool *t);

static const struct subcommand subcommands[] = {
    { "info", NULL, cmd_info, "",
      "Xen's: static and dynamic featuresets (the default)" },
    { "detail", NULL, cmd_detail, "",
      "Xen's: the featuresets with feature names per word" },
    { "decode", NULL, cmd_decode, "FEATURESET...",
      "name the features set in each featureset string" },
    { "explain", NULL, cmd_explain, "NAME...",
      "show a feature's word, bit, attributes, masks and dependencies" },
    { "policy", NULL, cmd_policy, "[DOMID]",
      "the system CPU policies (or a domain's), as -p prints them" },
    { "xl-cpuid", NULL, cmd_xl_cpuid, "STRING...",
      "parse an xl cpuid= string and show what it does to a guest" },
    { "model", NULL, cmd_model, "FILE.xml",
      "translate a libvirt <cpu> for Xen, with a runnability verdict" },
    { "host-model", NULL, cmd_host_model, "",
      "describe the host as a libvirt <cpu> (model + features)" },
    { "level", NULL, cmd_level, "HOST...",
      "level a pool of hosts: what a guest may see on all of them" },
    { "record", NULL, cmd_record, "-o FILE [POLICY.json]",
      "write a migration stream with a guest's applied policy (--type, "
      "--libvirt)" },
    { "restore-check", NULL, cmd_restore_check, "FILE",
      "check a stream's recorded policy against this host" },
    { "viridian", NULL, cmd_viridian, "SETTING | --libvirt FILE.xml",
      "xl's viridian= for a Windows guest: groups, HVM param, leaves" },
    { "levelling", NULL, cmd_levelling, "",
      "what a guest's own CPUID sees whatever its policy (--type)" },
    { "help", NULL, cmd_help, "", "this text" },
};

#define NR_SUBCOMMANDS (sizeof(subcommands) / sizeof(subcommands[0]))

void tool_err(const struct tool *t, const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "xen-cpuid: %s: ", t->cmd ? t->cmd : "error");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

static void usage(FILE *f)
{
    fprintf(f, "Usage: xen-cpuid [OPTIONS] [info | detail | FEATURESET...]\n"
               "       xen-cpuid [OPTIONS] -i | -d | -v | -p [DOMID] | -h\n"
               "       xen-cpuid [OPTIONS] SUBCOMMAND [ARGS...]\n\n"
               "Xen's invocations, output as Xen 4.17's xen-cpuid prints it:"
               "\n"
               "  FEATURESET...        name the bits of hex words joined by "
               "':'\n"
               "  -i, --info           as info (the default)\n"
               "  -d, --detail         as detail\n"
               "  -v, --verbose        as detail\n"
               "  -p, --policy [DOMID] the system CPU policies, or a "
               "domain's\n"
               "  -h, --help           Xen's one-line usage\n\n"
               "Subcommands:\n");
    for (size_t i = 0; i < NR_SUBCOMMANDS; i++)
        fprintf(f, "  %-12s %-28s %s\n", subcommands[i].name,
                subcommands[i].usage, subcommands[i].help);
    fprintf(f,
            "\nOptions:\n"
            "  --json               machine-readable output\n"
            "  --backend B          auto (default), xen or sim\n"
            "  --cpuid FILE         CPUID dump (libvirt XML or cpuid -r); "
            "implies sim\n"
            "  --no-hap             simulate a hypervisor without HAP\n"
            "  --boot-cpuid LIST    simulate Xen's cpuid=no-NAME,... option\n"
            "  --type pv|hvm        guest type\n"
            "  --cpu-map DIR        libvirt cpu_map directory\n"
            "  -o FILE              output file\n"
            "  --xl-cpuid STR       an xl cpuid= string\n"
            "  --libvirt FILE.xml   a libvirt <cpu> definition\n"
            "  --with NAME[,NAME]   level: opt-in features for the guest CPU\n"
            "  --nomigrate          level: the guest never migrates\n"
            "  --show-backend       info, detail, -p: end with where the "
            "data came from\n"
            "\nExit codes: 0 ok, 1 usage, 2 bad input, 3 backend unusable, "
            "4 refused/incompatible, 5 internal error\n"
            "(Xen's invocations keep Xen's: -h and unknown options exit 0.)"
            "\n");
}

static int cmd_help(struct tool *t)
{
    (void)t;
    usage(stdout);
    return EXIT_OK;
}

static const struct subcommand *find_subcommand(const char *name)
{
    for (size_t i = 0; i < NR_SUBCOMMANDS; i++)
        if (!strcmp(name, subcommands[i].name) ||
            (subcommands[i].alias && !strcmp(name, subcommands[i].alias)))
            return &subcommands[i];
    return NULL;
}

enum {
    OPT_JSON = 256, OPT_BACKEND, OPT_CPUID, OPT_NO_HAP, OPT_BOOT_CPUID,
    OPT_TYPE, OPT_CPU_MAP, OPT_XL_CPUID, OPT_LIBVIRT, OPT_WITH,
    OPT_NOMIGRATE, OPT_SHOW_BACKEND,
};

static const struct option long_opts[] = {
    { "json", no_argument, NULL, OPT_JSON },
    { "backend", required_argument, NULL, OPT_BACKEND },
    { "cpuid", required_argument, NULL, OPT_CPUID },
    { "no-hap", no_argument, NULL, OPT_NO_HAP },
    { "boot-cpuid", required_argument, NULL, OPT_BOOT_CPUID },
    { "type", required_argument, NULL, OPT_TYPE },
    { "cpu-map", required_argument, NULL, OPT_CPU_MAP },
    { "xl-cpuid", required_argument, NULL, OPT_XL_CPUID },
    { "libvirt", required_argument, NULL, OPT_LIBVIRT },
    { "with", required_argument, NULL, OPT_WITH },
    { "nomigrate", no_argument, NULL, OPT_NOMIGRATE },
    { "show-backend", no_argument, NULL, OPT_SHOW_BACKEND },
    { "output", required_argument, NULL, 'o' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
};

const struct option *tool_long_options(void)
{
    return long_opts;
}

bool tool_option(struct tool *t, int c)
{
    switch (c) {
        case OPT_JSON: t->json = true; break;
        case OPT_BACKEND: t->backend = optarg; break;
        case OPT_CPUID: t->cpuid_file = optarg; break;
        case OPT_NO_HAP: t->no_hap = true; break;
        case OPT_BOOT_CPUID: t->boot_cpuid = optarg; break;
        case OPT_TYPE: t->type = optarg; break;
        case OPT_CPU_MAP: t->cpu_map = optarg; break;
        case OPT_XL_CPUID: t->xl_cpuid = optarg; break;
        case OPT_LIBVIRT: t->libvirt = optarg; break;
        case OPT_WITH:
            if (t->nr_with == sizeof(t->with) / sizeof(t->with[0])) {
                fprintf(stderr, "xen-cpuid: --with given too often: "
                                "list the names with commas\n");
                return false;
            }
            t->with[t->nr_with++] = optarg;
            break;
        case OPT_NOMIGRATE: t->nomigrate = true; break;
        case 'o': t->output = optarg; break;
        case OPT_SHOW_BACKEND: t->show_backend = true; break;
        default: return false;
    }
    return true;
}

/*
 * Options may come before the subcommand (parsing stops at its name) and
 * anywhere after it (getopt permutes them ahead of the positionals).
 */
static int parse_options(struct tool *t, int argc, char **argv,
                         const char *shortopts)
{
    int c;

    while ((c = getopt_long(argc, argv, shortopts, long_opts, NULL)) != -1) {
        if (c == 'h') {
            usage(stdout);
            exit(EXIT_OK);
        }
        if (!tool_option(t, c))
            return -1;
    }
    return optind;
}

int main(int argc, char **argv)
{
    struct tool t = { 0 };
    const struct subcommand *sc;
    const char *op;
    int first, second;

    /*
     * A command line is Xen's unless its first operand names one of our
     * own subcommands (info and detail are Xen's): see xen-invocation.c.
     */
    op = tool_first_operand(argc, argv);
    if (!op || !strcmp(op, "info") || !strcmp(op, "detail") ||
        !find_subcommand(op))
        return tool_xen_main(&t, argc, argv);
    first = parse_options(&t, argc, argv, "+ho:");
    if (first < 0) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (!t.cmd)
        t.cmd = first < argc ? argv[first++] : "info";
    sc = find_subcommand(t.cmd);
    if (!sc) {
        fprintf(stderr, "xen-cpuid: unknown subcommand '%s' (try --help)\n",
                t.cmd);
        return EXIT_USAGE;
    }
    /* Options after the subcommand name. */
    optind = 0;
    second = parse_options(&t, argc - first + 1, argv + first - 1, "ho:");
    if (second < 0) {
        usage(stderr);
        return EXIT_USAGE;
    }
    t.cmd = sc->name;
    /* Options only `level` reads are refused elsewhere, not ignored. */
    if ((t.nr_with || t.nomigrate) && strcmp(sc->name, "level")) {
        fprintf(stderr, "xen-cpuid: %s: --with and --nomigrate are options "
                        "of level only\n", sc->name);
        return EXIT_USAGE;
    }
    t.argc = argc - first + 1 - second;
    t.argv = argv + first - 1 + second;
    return sc->run(&t);
}
