/* SPDX-License-Identifier: MIT */
/*
 * xen-cpuid internals: the parsed command line, the subcommand table, how
 * errors become exit statuses.  Where each lives:
 *
 *   main.c            dispatch: Xen's command line or one of ours
 *   xen-invocation.c  Xen's command lines, read as Xen's tool reads them
 *   options.c         every option, applying one, per-subcommand parsing
 *                     and help, --version
 *   subcommands.c     the subcommand table: what each takes, `help`
 *   exit-status.c     error messages and the one errno -> exit mapping
 *   tool-handle.c     the backend the options ask for, opened once
 *   tool-output.c     results to stdout; featuresets and names in them
 *   libvirt-inputs.c  what --cpu-map and a libvirt file give
 *   cmd-*.c           one subcommand each (xl-inputs.c: what xl-cpuid
 *                     reads, STRINGs or an xl config)
 */
#ifndef XEN_CPUID_TOOL_H
#define XEN_CPUID_TOOL_H

#include <stdbool.h>
#include <stdio.h>

#include "../libxl_cpuid/names/guest-type.h"
#include "../libxl_cpuid/sources/handle.h"
#include "../libxl_cpuid/util/error.h"
#include "../libxl_cpuid/viridian/viridian.h"

/* Exit codes (documented in the README and the man page). */
enum {
    EXIT_OK = 0,
    EXIT_USAGE = 1,     /* bad command line */
    EXIT_INPUT = 2,     /* bad input: unparsable file, string, name, path */
    EXIT_BACKEND = 3,   /* the requested backend (e.g. real Xen) is unusable */
    EXIT_REFUSED = 4,   /* a check said no: incompatible, not runnable */
    EXIT_INTERNAL = 5,  /* out of memory, an I/O error, unexpected failure */
};

/* Every option of ours; a subcommand takes a set of them (TOOL_OPT). */
enum tool_opt {
    OPT_JSON, OPT_BACKEND, OPT_CPUID, OPT_NO_HAP, OPT_BOOT_CPUID, OPT_TYPE,
    OPT_CPU_MAP, OPT_CPU_MAP_CACHE, OPT_OUTPUT, OPT_XL_CPUID, OPT_LIBVIRT, OPT_CONFIG, OPT_WITH,
    OPT_NOMIGRATE, OPT_SHOW_BACKEND, OPT_VIRIDIAN, OPT_XEN_VERSION,
    OPT_PINNED, OPT_EXPLICIT, OPT_HELP, OPT_VERSION,
    TOOL_NR_OPTS
};
#define TOOL_OPT(o) (1u << (OPT_##o))
/* The options that choose and shape the hypervisor (tool-handle.c). */
#define TOOL_OPTS_BACKEND                                                     \
    (TOOL_OPT(BACKEND) | TOOL_OPT(CPUID) | TOOL_OPT(NO_HAP) |                 \
     TOOL_OPT(BOOT_CPUID))

struct tool {
    /* options, as options.c applies them */
    bool json;
    enum xlc_backend backend;    /* --backend (default auto) */
    bool backend_given;
    const char *cpuid_file;      /* --cpuid FILE: a CPUID dump, implies sim */
    bool no_hap;                 /* --no-hap */
    const char *boot_cpuid;      /* --boot-cpuid no-NAME,... */
    enum xlc_guest_type type;    /* --type, read by xlc_guest_type_parse */
    bool type_given;
    const char *cpu_map;         /* --cpu-map DIR */
    const char *cpu_map_cache;   /* --cpu-map-cache FILE|none */
    const char *output;          /* -o FILE */
    const char *xl_cpuid;        /* --xl-cpuid STR */
    const char *libvirt;         /* --libvirt FILE.xml */
    const char *config;          /* --config FILE (xl.cfg) */
    const char *with[8];         /* --with NAME[,NAME...], each time given */
    unsigned int nr_with;
    bool nomigrate;              /* --nomigrate */
    bool show_backend;           /* --show-backend */
    const char *viridian;        /* --viridian SETTING (xl's viridian=) */
    const char *xen_version;     /* --xen-version VER, as given */
    const struct xlc_viridian_release *xen; /* ... and its release */
    const char *pinned;          /* --pinned SAVED (model) */
    bool explicit_cpu;           /* --explicit (model) */
    bool xen_invocation;         /* a command line of Xen's xen-cpuid */
    /* positional arguments after the subcommand */
    int argc;
    char **argv;
    const char *cmd;
};

struct subcommand {
    const char *name;
    int (*run)(struct tool *t);
    const char *usage;           /* one line: its arguments */
    const char *help;            /* one line: what it does */
    unsigned int opts;           /* the options it takes (TOOL_OPT bits) */
};

/* ---- subcommands.c ---- */

/* The subcommand of that name, or NULL. */
const struct subcommand *tool_subcommand(const char *name);
/* `help`: the whole usage; `help SUBCOMMAND`: that subcommand's. */
int cmd_help(struct tool *t);

/* ---- options.c ---- */

struct option;
/* getopt_long's table of all our options (-h/--help included). */
const struct option *tool_long_options(void);
/* The option a getopt_long return value stands for, or -1. */
int tool_option_id(int c);
/*
 * Apply option `id` with its argument; false after printing why not (a
 * --type or --backend value that does not parse, --with too often).
 */
bool tool_option(struct tool *t, int id, const char *arg);
/* "--type" or "-o": the option's name for messages. */
const char *tool_option_name(int id);
/*
 * Read the whole command line of our subcommand sc (options may come
 * before and after its name): options it does not take are refused,
 * --help prints sc's help and --version the version (both exit 0).  The
 * positional arguments after the name go to t->argc/argv.  Returns
 * EXIT_OK, or EXIT_USAGE after a one-line message with a hint.
 */
int tool_parse_command_line(struct tool *t, const struct subcommand *sc,
                            int argc, char **argv);
/* A subcommand's usage, its options and what they do. */
void tool_print_subcommand_help(FILE *f, const struct subcommand *sc);
/* The "Options:" list of the whole usage. */
void tool_print_options(FILE *f);
/* "xen-cpuid VERSION" on stdout. */
int tool_print_version(void);

/* ---- exit-status.c ---- */

/* Print "xen-cpuid: <cmd>: msg" to stderr. */
void tool_err(const struct tool *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/*
 * A usage error: "xen-cpuid: <cmd>: msg (xen-cpuid <cmd> --help)", one
 * line.  Returns EXIT_USAGE.
 */
int tool_usage(const struct tool *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/*
 * The one mapping from a library error (-errno, or errno) to an exit
 * status: 0 -> 0; ENOMEM, EIO, ENOSPC, EDQUOT -> 5; ENODEV -> 3 (the
 * backend or the live CPU cannot be used); EOPNOTSUPP -> 4 (the host
 * cannot do it); anything else -> 2 (the input is wrong: a file, path,
 * string or name).
 */
int tool_exit_for(int rc);
/* Print err's message, return tool_exit_for(rc). */
int tool_fail(const struct tool *t, int rc, const xlc_error *err);

/*
 * Xen's invocations (xen-invocation.c): the first operand as getopt
 * orders the command line (NULL if none), and running a command line of
 * Xen's xen-cpuid.  Returns the exit status.
 */
const char *tool_first_operand(int argc, char **argv);
int tool_xen_main(struct tool *t, int argc, char **argv);

/* Each subcommand lives in cmd-<name>.c. */
int cmd_info(struct tool *t);
int cmd_detail(struct tool *t);
int cmd_decode(struct tool *t);
int cmd_explain(struct tool *t);
int cmd_policy(struct tool *t);
int cmd_xl_cpuid(struct tool *t);
int cmd_model(struct tool *t);
int cmd_host_model(struct tool *t);
int cmd_level(struct tool *t);
int cmd_record(struct tool *t);
int cmd_restore_check(struct tool *t);
int cmd_viridian(struct tool *t);
int cmd_levelling(struct tool *t);

#endif /* XEN_CPUID_TOOL_H */
