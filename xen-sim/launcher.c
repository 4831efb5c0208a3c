/* SPDX-License-Identifier: MIT */
/*
 * xen-sim: run a command against the simulated hypervisor.
 *
 *   xen-sim [--cpuid FILE] [--no-hap] [--boot-cpuid no-NAME,...]
 *           [--domain ID:pv|hvm[:cpuid=STRING|:policy=FILE]]...
 *           [--] COMMAND [ARGS...]
 *
 * The options are checked here by booting the machine once (a dump that
 * does not load, a bad --boot-cpuid or a domain this host cannot give its
 * policy are reported before anything runs), then handed to the preloaded
 * library through the environment, and COMMAND is executed with
 * libxen-sim.so first in LD_PRELOAD.
 *
 * Exit status: COMMAND's; before it runs, 1 for a usage error, 2 for bad
 * input, 3 when the preload library cannot be found, 4 when a declared
 * domain cannot have its policy here, 126/127 when COMMAND cannot be
 * executed / found (as env(1)).
 */
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim-state.h"

#ifndef XEN_SIM_LIBDIR
#define XEN_SIM_LIBDIR "/usr/local/lib"
#endif
/* The compiler's multiarch name (x86_64-linux-gnu): Debian's LIBDIR is
 * PREFIX/lib/MULTIARCH. */
#ifndef XEN_SIM_MULTIARCH
#define XEN_SIM_MULTIARCH ""
#endif
#define PRELOAD_NAME "libxen-sim.so"

enum { X_USAGE = 1, X_INPUT = 2, X_NOLIB = 3, X_REFUSED = 4 };

static void usage(FILE *f)
{
    fprintf(f,
        "Usage: xen-sim [OPTIONS] [--] COMMAND [ARGS...]\n"
        "Run COMMAND (Xen's xen-cpuid, xl, a libxenctrl program) against a\n"
        "simulated Xen 4.17 hypervisor.\n\n"
        "Options:\n"
        "  --cpuid FILE         the host's CPUID: libvirt <cpudata> XML or "
        "`cpuid -r`\n"
        "                       (default: this machine's CPU)\n"
        "  --no-hap             a host without hardware-assisted paging\n"
        "  --boot-cpuid LIST    Xen's cpuid=no-NAME,... boot option\n"
        "  --domain SPEC        a running domain: ID:pv|hvm[:viridian=SETTING]"
        "\n                       [:cpuid=STRING|:policy=FILE]\n"
        "                       (repeatable; domain 0 is always there)\n"
        "  --policy-dir DIR     write every policy a toolstack sets for a "
        "domain\n"
        "                       to DIR/domain-ID.json (HVM_PARAM_VIRIDIAN "
        "to\n"
        "                       DIR/domain-ID.viridian)\n"
        "  -h, --help           this text\n\n"
        "Exit status: COMMAND's; else 1 usage, 2 bad input, 3 no preload "
        "library,\n4 a domain's policy refused, 126/127 COMMAND not "
        "executable / not found.\n");
}

static bool readable(const char *path)
{
    return access(path, R_OK) == 0;
}

/* Beside the binary (the build tree), then the installed layout relative
 * to it (LIBDIR = PREFIX/lib or PREFIX/lib/MULTIARCH, wherever PREFIX was
 * moved), then the LIBDIR it was built for. */
static int find_preload(char *out, size_t n)
{
    const char *env = getenv("XEN_SIM_PRELOAD");
    char self[PATH_MAX], *dir;
    ssize_t len;

    if (env && *env) {
        snprintf(out, n, "%s", env);
        return readable(out) ? 0 : -1;
    }
    len = readlink("/proc/self/exe", self, sizeof(self) - 1);
    if (len > 0) {
        self[len] = '\0';
        dir = dirname(self);
        snprintf(out, n, "%s/%s", dir, PRELOAD_NAME);
        if (readable(out))
            return 0;
        snprintf(out, n, "%s/../lib/xen-sim/%s", dir, PRELOAD_NAME);
        if (readable(out))
            return 0;
        if (*XEN_SIM_MULTIARCH) {
            snprintf(out, n, "%s/../lib/%s/xen-sim/%s", dir,
                     XEN_SIM_MULTIARCH, PRELOAD_NAME);
            if (readable(out))
                return 0;
        }
    }
    snprintf(out, n, "%s/xen-sim/%s", XEN_SIM_LIBDIR, PRELOAD_NAME);
    return readable(out) ? 0 : -1;
}

static int set_preload(const char *lib)
{
    const char *old = getenv("LD_PRELOAD");
    char *v;
    int rc;

    if (asprintf(&v, "%s%s%s", lib, old && *old ? ":" : "",
                 old ? old : "") < 0)
        return -1;
    rc = setenv("LD_PRELOAD", v, 1);
    free(v);
    return rc;
}

static int parse(int argc, char **argv, struct sim_config *c)
{
    static const struct option opts[] = {
        { "cpuid", required_argument, NULL, 'c' },
        { "no-hap", no_argument, NULL, 'n' },
        { "boot-cpuid", required_argument, NULL, 'b' },
        { "domain", required_argument, NULL, 'd' },
        { "policy-dir", required_argument, NULL, 'p' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int ch;

    opterr = 0;
    while ((ch = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
        switch (ch) {
        case 'c': c->cpuid_file = optarg; break;
        case 'n': c->no_hap = true; break;
        case 'b': c->boot_cpuid = optarg; break;
        case 'd':
            if (c->nr_domains == SIM_MAX_DECLARED) {
                fprintf(stderr, "xen-sim: at most %u --domain options\n",
                        SIM_MAX_DECLARED);
                return -1;
            }
            c->domains[c->nr_domains++] = optarg;
            break;
        case 'p': c->policy_dir = optarg; break;
        case 'h': usage(stdout); exit(0);
        default:
            fprintf(stderr, "xen-sim: %s '%s'\n",
                    optopt ? "option needs an argument:" : "unknown option",
                    argv[optind - 1]);
            return -1;
        }
    }
    return optind;
}

int main(int argc, char **argv)
{
    struct sim_config c = { 0 };
    struct sim_machine *m;
    xlc_error err = { 0 };
    char lib[PATH_MAX];
    int first = parse(argc, argv, &c);

    if (first < 0 || first >= argc) {
        if (first >= 0)
            fprintf(stderr, "xen-sim: no COMMAND given\n");
        fprintf(stderr, "Try 'xen-sim --help'.\n");
        return X_USAGE;
    }
    if (c.policy_dir && access(c.policy_dir, W_OK | X_OK)) {
        fprintf(stderr, "xen-sim: --policy-dir %s: %s\n", c.policy_dir,
                strerror(errno));
        return X_INPUT;
    }
    if (sim_machine_boot(&c, &m, &err)) {
        fprintf(stderr, "xen-sim: %s\n", err.msg);
        return err.code == EPERM ? X_REFUSED : X_INPUT;
    }
    sim_machine_free(m);
    if (find_preload(lib, sizeof(lib))) {
        fprintf(stderr, "xen-sim: cannot find %s (looked beside the binary "
                "and in %s/xen-sim; set XEN_SIM_PRELOAD)\n", PRELOAD_NAME,
                XEN_SIM_LIBDIR);
        return X_NOLIB;
    }
    if (sim_config_to_env(&c, &err) || set_preload(lib)) {
        fprintf(stderr, "xen-sim: %s\n", err.msg[0] ? err.msg
                                                     : strerror(errno));
        return X_INPUT;
    }
    execvp(argv[first], argv + first);
    fprintf(stderr, "xen-sim: %s: %s\n", argv[first], strerror(errno));
    return errno == ENOENT ? 127 : 126;
}
