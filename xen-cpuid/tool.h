/* SPDX-License-Identifier: MIT */
/*
 * xen-cpuid internals: parsed options and the subcommand table.
 */
#ifndef XEN_CPUID_TOOL_H
#define XEN_CPUID_TOOL_H

#include <stdbool.h>
#include <stdio.h>

/* Exit codes (documented in the README and the man page). */
enum {
    EXIT_OK = 0,
    EXIT_USAGE = 1,     /* bad command line */
    EXIT_INPUT = 2,     /* bad input: unparsable file, string, name */
    EXIT_BACKEND = 3,   /* the requested backend (e.g. real Xen) is unusable */
    EXIT_REFUSED = 4,   /* a check said no: incompatible, not runnable */
    EXIT_INTERNAL = 5,  /* out of memory or an unexpected failure */
};

struct tool {
    /* common options */
    bool json;
    const char *backend;     /* --backend auto|xen|sim (default auto) */
    const char *cpuid_file;  /* --cpuid FILE: a CPUID dump, implies sim */
    bool no_hap;             /* --no-hap */
    const char *boot_cpuid;  /* --boot-cpuid no-NAME,... */
    const char *type;        /* --type pv|hvm */
    const char *cpu_map;     /* --cpu-map DIR */
    const char *output;      /* -o FILE */
    const char *xl_cpuid;    /* --xl-cpuid STR */
    const char *libvirt;     /* --libvirt FILE.xml */
    const char *with[8];     /* --with NAME[,NAME...], each time given */
    unsigned int nr_with;
    bool nomigrate;          /* --nomigrate */
    bool show_backend;       /* --show-backend */
    bool xen_invocation;     /* a command line of Xen's xen-cpuid */
    /* positional arguments after the subcommand */
    int argc;
    char **argv;
    const char *cmd;
};

struct subcommand {
    const char *name;
    const char *alias;       /* e.g. "-p" for policy, or NULL */
    int (*run)(struct tool *t);
    const char *usage;       /* one line: arguments */
    const char *help;        /* one line: what it does */
};

/* Our long options (getopt_long's table), and applying one of them:
 * false when c is not one of ours. */
struct option;
const struct option *tool_long_options(void);
bool tool_option(struct tool *t, int c);

/*
 * Xen's invocations (xen-invocation.c): the first operand as getopt
 * orders the command line (NULL if none), and running a command line of
 * Xen's xen-cpuid.  Returns the exit status.
 */
const char *tool_first_operand(int argc, char **argv);
int tool_xen_main(struct tool *t, int argc, char **argv);

/* Print "xen-cpuid: <cmd>: msg" to stderr. */
void tool_err(const struct tool *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

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
