/* SPDX-License-Identifier: MIT */
/* Booting the simulated machine (sim-state.h). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim-state.h"

static int env_index(const char *v, unsigned int *out, xlc_error *err)
{
    char *end;
    unsigned long n;

    errno = 0;
    n = strtoul(v, &end, 10);
    if (errno || end == v || *end || n > SIM_MAX_DECLARED)
        return xlc_fail(err, EINVAL, "%s=%s: expected a count up to %u",
                        SIM_ENV_DOMAINS, v, SIM_MAX_DECLARED);
    *out = (unsigned int)n;
    return 0;
}

int sim_config_from_env(struct sim_config *c, xlc_error *err)
{
    const char *v;
    char name[64];
    int rc;

    memset(c, 0, sizeof(*c));
    c->cpuid_file = getenv(SIM_ENV_CPUID);
    v = getenv(SIM_ENV_NO_HAP);
    c->no_hap = v && !strcmp(v, "1");
    c->boot_cpuid = getenv(SIM_ENV_BOOT_CPUID);
    c->policy_dir = getenv(SIM_ENV_POLICY_DIR);
    v = getenv(SIM_ENV_DOMAINS);
    if (!v)
        return 0;
    rc = env_index(v, &c->nr_domains, err);
    for (unsigned int i = 0; !rc && i < c->nr_domains; i++) {
        snprintf(name, sizeof(name), "%s%u", SIM_ENV_DOMAIN, i);
        c->domains[i] = getenv(name);
        if (!c->domains[i])
            rc = xlc_fail(err, EINVAL, "%s is not set", name);
    }
    return rc;
}

static int put(const char *name, const char *value, xlc_error *err)
{
    int rc = value ? setenv(name, value, 1) : unsetenv(name);

    return rc ? xlc_fail(err, errno, "setenv %s: %s", name, strerror(errno))
              : 0;
}

/* Domain specs carry policy=FILE: make the file absolute too. */
static int absolute_spec(const char *spec, char **out, xlc_error *err)
{
    const char *f = strstr(spec, ":policy=");
    char path[PATH_MAX];

    *out = NULL;
    if (!f)
        return 0;
    if (!realpath(f + strlen(":policy="), path))
        return xlc_fail(err, errno, "%s: %s", f + strlen(":policy="),
                        strerror(errno));
    if (asprintf(out, "%.*s:policy=%s", (int)(f - spec), spec, path) < 0)
        return xlc_fail(err, ENOMEM, "out of memory");
    return 0;
}

int sim_config_to_env(const struct sim_config *c, xlc_error *err)
{
    char path[PATH_MAX], name[64], count[16];
    int rc = 0;

    if (c->cpuid_file && !realpath(c->cpuid_file, path))
        return xlc_fail(err, errno, "%s: %s", c->cpuid_file,
                        strerror(errno));
    rc = put(SIM_ENV_CPUID, c->cpuid_file ? path : NULL, err);
    if (!rc)
        rc = put(SIM_ENV_NO_HAP, c->no_hap ? "1" : NULL, err);
    if (!rc)
        rc = put(SIM_ENV_BOOT_CPUID, c->boot_cpuid, err);
    if (!rc && c->policy_dir && !realpath(c->policy_dir, path))
        return xlc_fail(err, errno, "--policy-dir %s: %s", c->policy_dir,
                        strerror(errno));
    if (!rc)
        rc = put(SIM_ENV_POLICY_DIR, c->policy_dir ? path : NULL, err);
    snprintf(count, sizeof(count), "%u", c->nr_domains);
    if (!rc)
        rc = put(SIM_ENV_DOMAINS, c->nr_domains ? count : NULL, err);
    for (unsigned int i = 0; !rc && i < c->nr_domains; i++) {
        char *abs;

        snprintf(name, sizeof(name), "%s%u", SIM_ENV_DOMAIN, i);
        rc = absolute_spec(c->domains[i], &abs, err);
        if (!rc)
            rc = put(name, abs ? abs : c->domains[i], err);
        free(abs);
    }
    return rc;
}

static int hv_options(const struct sim_config *c, struct xfs_hv_options *o,
                      xlc_error *err)
{
    unsigned int bad = 0;

    xfs_hv_options_default(o);
    o->hap = !c->no_hap;
    if (c->boot_cpuid && xfs_parse_boot_cpuid(c->boot_cpuid, o, &bad))
        return xlc_fail(err, EINVAL, "--boot-cpuid '%s': bad entry at "
                        "offset %u ('%s'): expected no-NAME with a feature "
                        "name Xen knows", c->boot_cpuid, bad,
                        c->boot_cpuid + bad);
    return 0;
}

static int boot_host(struct sim_machine *m, const struct sim_config *c,
                     xlc_error *err)
{
    struct xfs_hv_options o;
    struct xfs_cpuid_reader rd;
    int rc = hv_options(c, &o, err);

    if (!rc)
        rc = c->cpuid_file ? xlc_dump_load(c->cpuid_file, &m->dump, err)
                           : xlc_dump_live(&m->dump, err);
    if (!rc)
        rc = xlc_system_policies_from_dump(m->dump, &o, &m->sys, err);
    if (rc)
        return rc;
    xlc_dump_reader(m->dump, &rd);
    xfs_hypervisor_boot(&m->hv, &rd, &o);
    /* A dump that lacks an MSR does not say the CPU lacks it. */
    xfs_levelling_derive(&rd, XFS_MSR_FAIL_UNKNOWN, &m->lv);
    m->hvm_usable = m->sys->fs.hvm_usable;
    m->hap = m->hvm_usable && o.hap;
    if (c->policy_dir && !(m->policy_dir = strdup(c->policy_dir)))
        return xlc_fail(err, ENOMEM, "out of memory");
    if (asprintf(&m->commandline, "%s%s", c->boot_cpuid ? "cpuid=" : "",
                 c->boot_cpuid ? c->boot_cpuid : "") < 0)
        return xlc_fail(err, ENOMEM, "out of memory");
    return 0;
}

int sim_machine_boot(const struct sim_config *c, struct sim_machine **out,
                     xlc_error *err)
{
    struct sim_machine *m = calloc(1, sizeof(*m));
    int rc;

    *out = NULL;
    if (!m)
        return xlc_fail(err, ENOMEM, "out of memory");
    rc = boot_host(m, c, err);
    /* Domain 0: the PV control domain every Xen has. */
    if (!rc && !sim_domain_add(m, 0, false, false))
        rc = xlc_fail(err, ENOMEM, "out of memory");
    if (!rc)
        sim_domain_find(m, 0)->finished = true;
    for (unsigned int i = 0; !rc && i < c->nr_domains; i++)
        rc = sim_declare_domain(m, c->domains[i], err);
    if (rc) {
        sim_machine_free(m);
        return rc;
    }
    *out = m;
    return 0;
}

void sim_machine_free(struct sim_machine *m)
{
    if (!m)
        return;
    xlc_system_policies_free(m->sys);
    xlc_dump_free(m->dump);
    free(m->commandline);
    free(m->policy_dir);
    free(m);
}
