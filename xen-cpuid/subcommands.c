/* SPDX-License-Identifier: MIT */
/*
 * The subcommand table: each subcommand's arguments, what it does and the
 * options it takes (its help and the refusal of any other option come
 * from this row, options.c), and `help`, the whole usage.
 */
#include <stdio.h>
#include <string.h>

#include "tool.h"

#define O(x) TOOL_OPT(x)
/* info, detail and -p: what Xen's command lines accept beside Xen's own. */
#define XEN_LINE_OPTS (O(JSON) | TOOL_OPTS_BACKEND | O(SHOW_BACKEND))

static const struct subcommand subcommands[] = {
    { "info", cmd_info, "", "Xen's: static and dynamic featuresets (the "
      "default)", XEN_LINE_OPTS },
    { "detail", cmd_detail, "", "Xen's: the featuresets with feature names "
      "per word", XEN_LINE_OPTS },
    { "decode", cmd_decode, "FEATURESET...", "name the features set in each "
      "featureset string", O(JSON) },
    { "explain", cmd_explain, "NAME...", "show a feature's word, bit, "
      "attributes, masks and dependencies", O(JSON) },
    { "policy", cmd_policy, "[DOMID]", "the system CPU policies (or a "
      "domain's), as -p prints them", XEN_LINE_OPTS },
    { "xl-cpuid", cmd_xl_cpuid, "STRING... | --config FILE", "judge an xl "
      "cpuid= option (or a whole xl.cfg) on this host",
      O(JSON) | O(TYPE) | O(CONFIG) | TOOL_OPTS_BACKEND },
    { "model", cmd_model, "FILE.xml | --pinned SAVED [FILE.xml]",
      "translate a libvirt <cpu> for Xen, with a runnability verdict",
      O(JSON) | O(TYPE) | O(CPU_MAP) | O(CPU_MAP_CACHE) | O(PINNED) | O(EXPLICIT) |
      TOOL_OPTS_BACKEND },
    { "host-model", cmd_host_model, "", "describe the host as a libvirt "
      "<cpu> (model + features)",
      O(JSON) | O(TYPE) | O(CPU_MAP) | O(CPU_MAP_CACHE) | TOOL_OPTS_BACKEND },
    { "level", cmd_level, "HOST... [+CANDIDATE...] [guest:SOURCE]", "level "
      "a pool of hosts: what a guest may see on all of them",
      O(JSON) | O(TYPE) | O(CPU_MAP) | O(CPU_MAP_CACHE) | O(WITH) | O(NOMIGRATE) |
      O(VIRIDIAN) | O(XEN_VERSION) },
    { "record", cmd_record, "-o FILE [POLICY.json]", "write a migration "
      "stream with a guest's applied policy",
      O(JSON) | O(TYPE) | O(OUTPUT) | O(LIBVIRT) | O(CPU_MAP) |
      O(CPU_MAP_CACHE) | O(XL_CPUID) |
      O(VIRIDIAN) | TOOL_OPTS_BACKEND },
    { "restore-check", cmd_restore_check, "FILE", "check a stream's "
      "recorded policy against this host",
      O(JSON) | O(XEN_VERSION) | TOOL_OPTS_BACKEND },
    { "viridian", cmd_viridian, "SETTING | --libvirt FILE.xml", "xl's "
      "viridian= for a Windows guest: groups, HVM param, leaves",
      O(JSON) | O(LIBVIRT) | TOOL_OPTS_BACKEND },
    { "levelling", cmd_levelling, "", "what a guest's own CPUID sees "
      "whatever its policy", O(JSON) | O(TYPE) | TOOL_OPTS_BACKEND },
    { "help", cmd_help, "[SUBCOMMAND]", "this text, or a subcommand's", 0 },
};

#define NR_SUBCOMMANDS (sizeof(subcommands) / sizeof(subcommands[0]))

const struct subcommand *tool_subcommand(const char *name)
{
    for (size_t i = 0; i < NR_SUBCOMMANDS; i++)
        if (!strcmp(name, subcommands[i].name))
            return &subcommands[i];
    return NULL;
}

static void usage(FILE *f)
{
    fprintf(f, "Usage: xen-cpuid [OPTIONS] [info | detail | FEATURESET...]\n"
               "       xen-cpuid [OPTIONS] -i | -d | -v | -p [DOMID] | -h\n"
               "       xen-cpuid [OPTIONS] SUBCOMMAND [ARGS...]\n"
               "       xen-cpuid SUBCOMMAND --help | --version\n\n"
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
        fprintf(f, "  %-13s %-40s %s\n", subcommands[i].name,
                subcommands[i].usage, subcommands[i].help);
    fputs("\nEach subcommand takes the options its help lists (xen-cpuid "
          "SUBCOMMAND --help);\nany other is refused.\nOptions:\n", f);
    tool_print_options(f);
    fputs("\nExit codes: 0 ok, 1 usage, 2 bad input, 3 backend unusable, "
          "4 refused/incompatible, 5 internal error\n"
          "(Xen's invocations keep Xen's: -h and unknown options exit 0.)\n",
          f);
}

int cmd_help(struct tool *t)
{
    const struct subcommand *sc;

    if (t->argc > 1)
        return tool_usage(t, "unexpected argument '%s'", t->argv[1]);
    if (!t->argc) {
        usage(stdout);
    } else if ((sc = tool_subcommand(t->argv[0]))) {
        tool_print_subcommand_help(stdout, sc);
    } else {
        return tool_usage(t, "unknown subcommand '%s'", t->argv[0]);
    }
    return fflush(stdout) ? EXIT_INTERNAL : EXIT_OK;
}
