/* SPDX-License-Identifier: MIT */
/*
 * Xen's invocations: the command lines of Xen 4.17's own xen-cpuid
 * (`info`, `detail`, featureset arguments, -i, -d, -v, -p [DOMID], -h),
 * read by the same rules and answered with the same output, messages and
 * exit statuses, so that scripts written for that tool keep working when
 * ours comes first on PATH.
 *
 * The rules, as that tool has them:
 *  - getopt_long permutes: options may come anywhere; the last of -i, -d,
 *    -v, -p decides the mode, and the operands are then ignored.
 *  - -p takes its DOMID attached (-p5, --policy=5), or as the next
 *    argument unless that is empty or starts with '-'; strtol base 0, a
 *    value that does not convert is fatal (exit 1).
 *  - Without a mode option: no operand or "info" means info, "detail"
 *    means detail (later operands ignored), anything else is a featureset
 *    list (cmd-decode.c).
 *  - -h prints a one-line usage to stdout and exits 0; so does an unknown
 *    option, after getopt's own message and "Bad option '?'".
 *
 * Our own options that make sense here (--cpuid, --backend, --json, ...:
 * info's row in subcommands.c) are accepted beside Xen's, since Xen's
 * tool knows none of them; the rest are refused.  So is --version, which
 * Xen's tool does not know.  A command line whose first operand is one of
 * our own subcommands never comes here (main.c).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "info-common.h"
#include "tool.h"

/* Xen's short options; 'p' takes an optional attached argument. */
#define XEN_SHORT "hidvp::"
/* What the first-operand scan must know: Xen's and ours ("-o FILE"). */
#define ALL_SHORT "hidvp::o:"

static const struct option xen_long[] = {
    { "help", no_argument, NULL, 'h' },
    { "info", no_argument, NULL, 'i' },
    { "detail", no_argument, NULL, 'd' },
    { "verbose", no_argument, NULL, 'v' },
    { "policy", optional_argument, NULL, 'p' },
};
#define NR_XEN_LONG (sizeof(xen_long) / sizeof(xen_long[0]))

enum mode { MODE_UNKNOWN, MODE_INFO, MODE_DETAIL, MODE_DECODE, MODE_POLICY };

/* One of ours sharing its first letter with one of Xen's long options
 * would make Xen's shortest abbreviation (--p for --policy) ambiguous. */
static bool shadows_xen(const char *name)
{
    for (size_t i = 0; i < NR_XEN_LONG; i++)
        if (name[0] == xen_long[i].name[0])
            return true;
    return false;
}

/*
 * Xen's long options, then ours, then the end.  Not our --help (Xen's
 * means its usage) nor any of ours starting with "v" (--version,
 * --viridian): Xen's tool reads --v, --ve and --ver as --verbose, which
 * another "v" option would make ambiguous.  On a command line read as
 * Xen's (xen_line), none of ours that shares a first letter with one of
 * Xen's either (--pinned: Xen's --p is --policy); they are unknown options
 * there, as in Xen's tool.  The first-operand scan knows them all.
 */
static const struct option *all_long_for(bool xen_line)
{
    static struct option *tables[2];
    const struct option *ours = tool_long_options();
    struct option *table = tables[xen_line];
    size_t n = 0, k = NR_XEN_LONG;

    if (table)
        return table;
    while (ours[n].name)
        n++;
    table = calloc(NR_XEN_LONG + n + 1, sizeof(*table));
    if (!table) {
        fputs("xen-cpuid: out of memory\n", stderr);
        exit(EXIT_INTERNAL);
    }
    memcpy(table, xen_long, sizeof(xen_long));
    for (size_t i = 0; i < n; i++)
        if (strcmp(ours[i].name, "help") && ours[i].name[0] != 'v' &&
            !(xen_line && shadows_xen(ours[i].name)))
            table[k++] = ours[i];
    tables[xen_line] = table;
    return table;
}

static const struct option *all_long(void)
{
    return all_long_for(true);
}

/* -p's DOMID as the next argument, when Xen's tool would take it. */
static const char *separate_domid(int argc, char **argv)
{
    if (optind < argc && argv[optind] && argv[optind][0] &&
        argv[optind][0] != '-')
        return argv[optind++];
    return NULL;
}

const char *tool_first_operand(int argc, char **argv)
{
    char **copy = calloc((size_t)argc + 1, sizeof(*copy));
    const char *first = NULL;
    int saved = opterr, c;

    if (!copy)
        return NULL;
    memcpy(copy, argv, (size_t)argc * sizeof(*copy));
    opterr = 0;
    optind = 0;
    while ((c = getopt_long(argc, copy, ALL_SHORT, all_long_for(false),
                            NULL)) != -1)
        if (c == 'p' && !optarg)
            separate_domid(argc, copy);
    if (optind < argc)
        first = copy[optind];
    free(copy);
    opterr = saved;
    optind = 0;
    return first;
}

static void xen_usage(const char *argv0)
{
    printf("Usage: %s [ info | detail | <featureset>* ]\n", argv0);
}

/* -p [DOMID]: Xen's strtol, Xen's message and status when it fails. */
static int policy_domid(int argc, char **argv, int *domid)
{
    const char *arg = optarg ? optarg : separate_domid(argc, argv);
    char *end;
    long v;

    if (!arg)
        return EXIT_OK;
    errno = 0;
    v = strtol(arg, &end, 0);
    if (errno || end == arg) {
        fprintf(stderr, "%s: strtol(%s,,): %s\n",
                program_invocation_short_name, arg, strerror(errno));
        return 1;
    }
    *domid = (int)v; /* Xen's tool keeps an int: 4294967295 is -1 */
    return EXIT_OK;
}

/*
 * One of our options on Xen's command line: used when info's row of the
 * subcommand table (subcommands.c) lists it, refused otherwise.
 */
static int our_option(struct tool *t, int c, int index)
{
    const char *name = index >= 0 ? all_long()[index].name : "?";
    int id = tool_option_id(c);

    if (id >= 0 && (tool_subcommand("info")->opts & (1u << id)))
        return tool_option(t, id, optarg) ? EXIT_OK : EXIT_USAGE;
    fprintf(stderr, "xen-cpuid: --%s does not apply to info, detail, -p or "
                    "featureset arguments\n", name);
    return EXIT_USAGE;
}

/*
 * --version (or --vers, --versi, --versio: what Xen's tool cannot take for
 * --verbose) among the options, before any -h or option Xen's tool would
 * stop at: ours, where Xen's tool would only say it does not know it.
 */
static bool wants_version(int argc, char **argv)
{
    char **copy = calloc((size_t)argc + 1, sizeof(*copy));
    int saved = opterr, c;
    bool found = false;

    if (!copy)
        return false;
    memcpy(copy, argv, (size_t)argc * sizeof(*copy));
    opterr = 0;
    optind = 0;
    while (!found &&
           (c = getopt_long(argc, copy, XEN_SHORT, all_long(), NULL)) != -1) {
        const char *a = copy[optind - 1];
        size_t len = strlen(a);

        if (c == 'p' && !optarg)
            separate_domid(argc, copy);
        else if (c == '?' && !optopt && len >= 6 &&
                 !strncmp(a, "--version", len))
            found = true;
        else if (c == '?' || c == 'h')
            break;      /* Xen's tool acts on that first */
    }
    free(copy);
    opterr = saved;
    optind = 0;
    return found;
}

/* After the options: the mode from the first operand, as Xen's tool does. */
static enum mode operand_mode(int argc, char **argv)
{
    if (optind == argc)
        return MODE_INFO;
    if (!strcmp(argv[optind], "info")) {
        optind++;
        return MODE_INFO;
    }
    if (!strcmp(argv[optind], "detail")) {
        optind++;
        return MODE_DETAIL;
    }
    return MODE_DECODE;
}

static int run_mode(struct tool *t, enum mode mode, int domid, int argc,
                    char **argv)
{
    switch (mode) {
    case MODE_POLICY:
        t->cmd = "policy";
        return run_policy_report(t, domid != -1, domid);
    case MODE_DECODE:
        t->cmd = "decode";
        if (t->json) {
            tool_err(t, "--json: featureset arguments are decoded in Xen's "
                        "layout only; use 'xen-cpuid decode --json'");
            return EXIT_USAGE;
        }
        return xen_decode_args(argc - optind, argv + optind);
    case MODE_DETAIL:
        t->cmd = "detail";
        return cmd_detail(t);
    default:
        t->cmd = "info";
        return cmd_info(t);
    }
}

int tool_xen_main(struct tool *t, int argc, char **argv)
{
    enum mode mode = MODE_UNKNOWN;
    int domid = -1, c, index, rc;

    t->xen_invocation = true;
    if (wants_version(argc, argv))
        return tool_print_version();
    optind = 0;
    for (;;) {
        index = -1;
        c = getopt_long(argc, argv, XEN_SHORT, all_long(), &index);
        if (c == -1)
            break;
        switch (c) {
        case 'h':
            xen_usage(argv[0]);
            return EXIT_OK;
        case 'i':
            mode = MODE_INFO;
            break;
        case 'd':
        case 'v':
            mode = MODE_DETAIL;
            break;
        case 'p':
            mode = MODE_POLICY;
            rc = policy_domid(argc, argv, &domid);
            if (rc)
                return rc;
            break;
        case '?':
            /* One of ours without its argument: getopt said so. */
            if (optopt >= 256)
                return EXIT_USAGE;
            printf("Bad option '%c'\n", c);
            xen_usage(argv[0]);
            return EXIT_OK;
        default:
            rc = our_option(t, c, index);
            if (rc)
                return rc;
        }
    }
    if (mode == MODE_UNKNOWN)
        mode = operand_mode(argc, argv);
    return run_mode(t, mode, domid, argc, argv);
}
