/* SPDX-License-Identifier: MIT */
/*
 * What a libvirt Xen driver does with libxl_cpuid, written from the
 * installed headers and the README alone (it includes nothing from this
 * tree; tests/tool/test_install_driver.c builds it against a staged
 * `make install` with pkg-config and checks its answers against the
 * tool's):
 *
 *   1. level a pool of two hosts, each known from a CPUID dump (in a real
 *      pool, `cpuid -r` output or libvirt's <cpudata> from each host):
 *      the guest CPU every host can give, as an xl cpuid= string and as a
 *      libvirt <cpu>;
 *   2. open the first host (the simulated Xen over its dump here; on a
 *      real dom0, XLC_BACKEND_AUTO asks the running hypervisor);
 *   3. turn <cpu> definitions held in memory (a domain's, and the pool's
 *      own <cpu>) into the guest's verdict on that host and, when it runs,
 *      a real libxl_cpuid_policy_list for libxl_domain_build_info.cpuid.
 *
 *     cc -std=c11 driver-example.c \
 *        $(pkg-config --cflags --libs libxl_cpuid xenlight)
 *     ./driver-example [--cpu-map DIR] HOST1-DUMP HOST2-DUMP
 */
#define _POSIX_C_SOURCE 200809L   /* strdup */

#include <libxl_cpuid/libxl-list.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A guest's CPU as the driver has it, straight from the domain XML. */
static const char domain_xml[] =
    "<domain type='xen'><name>demo</name>\n"
    "  <cpu mode='custom' match='exact'>\n"
    "    <model fallback='forbid'>Skylake-Server</model>\n"
    "    <feature policy='disable' name='avx512f'/>\n"
    "    <feature policy='optional' name='sha-ni'/>\n"
    "    <feature policy='require' name='pku'/>\n"
    "  </cpu>\n"
    "</domain>\n";

static int fail(const char *what, const xlc_error *err)
{
    fprintf(stderr, "driver-example: %s: %s\n", what, err->msg);
    return 1;
}

static void print_featureset(const char *label, const uint32_t *fs)
{
    char *text = xlc_featureset_format(fs, XFS_NR_WORDS);

    printf("%s%s\n", label, text ? text : "(out of memory)");
    free(text);
}

/* Step 1: the pool's guest CPU.  *cpu_xml: the pool's <cpu> (malloc'd). */
static int level_pool(const char *const dumps[2],
                      const struct xlc_cpu_map *map, char **cpu_xml)
{
    struct xlc_level_options opts = { .map = map };
    struct xlc_level_report *r = NULL;
    xlc_error err = { 0 };
    int rc = xlc_level_report_new(XLC_GUEST_HVM, &r, &err);

    for (int i = 0; !rc && i < 2; i++) {
        struct xlc_level_host h;
        char name[16];

        snprintf(name, sizeof(name), "host%d", i + 1);
        rc = xlc_level_host_from_dump(dumps[i], XLC_GUEST_HVM, &h, &err);
        if (!rc)
            rc = xlc_level_report_add_host(r, name, dumps[i], &h, &err);
    }
    if (!rc)
        rc = xlc_level_report_compute(r, &opts, &err);
    if (rc) {
        xlc_level_report_free(r);
        return fail("pool", &err);
    }
    printf("pool: %zu hosts, %s\n", xlc_pool_nr_hosts(r->pool),
           r->usable ? "usable" : "unusable");
    for (size_t i = 0; i < r->nr_why_unusable; i++)
        printf("  why: %s\n", r->why_unusable[i]);
    print_featureset("pool guest cpu: ", r->guest_cpu);
    printf("pool cpuid=: %s\n", r->xl_cpuid ? r->xl_cpuid : r->xl_why_not);
    *cpu_xml = r->lv_xml ? strdup(r->lv_xml) : NULL;
    xlc_level_report_free(r);
    if (!*cpu_xml) {
        fprintf(stderr, "driver-example: the pool has no <cpu>\n");
        return 1;
    }
    printf("pool <cpu>:\n%s", *cpu_xml);
    return 0;
}

/* Step 3: one <cpu> held in memory, on the host. */
static int start_guest(const char *name, const char *xml,
                       const struct xlc_gv_host *host,
                       const struct xlc_cpu_map *map)
{
    struct xlc_lv_cpu *cpu = NULL;
    struct xlc_guest_verdict *v = NULL;
    libxl_cpuid_policy_list list = NULL;
    xlc_error err = { 0 };
    char *cpuid = NULL, *json;
    int rc;

    rc = xlc_lv_cpu_parse(name, xml, strlen(xml), &cpu, &err);
    if (!rc) {
        struct xlc_gv_guest guest = {
            .form = XLC_GV_LIBVIRT, .map = map, .cpu = cpu,
        };

        rc = xlc_guest_verdict(host, &guest, &v, &err);
    }
    if (rc) {
        xlc_lv_cpu_free(cpu);
        return fail(name, &err);
    }
    printf("%s: %s\n", name, v->runs ? "runs" : "refused");
    for (size_t i = 0; i < v->nr_reasons; i++)
        printf("  reason: %s\n", v->reasons[i].text);
    if (v->runs) {
        /* What the domain asks for, over the host's default for the type:
         * the list libxl applies when it builds the domain. */
        rc = xlc_xl_libxl_list_from_featureset(v->asked_fs, host->sets.def,
                                               &list, &cpuid, &err);
        if (rc) {
            rc = fail(name, &err);
        } else {
            print_featureset("  featureset: ", v->asked_fs);
            printf("  cpuid=: %s\n", cpuid);
            json = xlc_xl_libxl_list_json(&list);
            printf("  libxl list: %s\n", json ? json : "(out of memory)");
            free(json);
            /* Here a driver sets b_info->cpuid = list and lets libxl own
             * it; this example has no domain to give it to. */
            libxl_cpuid_dispose(&list);
            free(cpuid);
        }
    }
    xlc_guest_verdict_free(v);
    xlc_lv_cpu_free(cpu);
    return rc;
}

int main(int argc, char **argv)
{
    const char *map_dir = NULL;   /* NULL: /usr/share/libvirt/cpu_map */
    struct xlc_open_opts opts = { .backend = XLC_BACKEND_SIM };
    struct xlc_system_policies *sys = NULL;
    struct xlc_cpu_map *map = NULL;
    xlc_handle *xen = NULL;
    struct xlc_gv_host host;
    xlc_error err = { 0 };
    char *pool_cpu = NULL;
    int rc;

    if (argc > 2 && !strcmp(argv[1], "--cpu-map")) {
        map_dir = argv[2];
        argc -= 2;
        argv += 2;
    }
    if (argc != 3) {
        fprintf(stderr, "usage: driver-example [--cpu-map DIR] "
                        "HOST1-DUMP HOST2-DUMP\n");
        return 1;
    }
    if (xlc_cpu_map_load(map_dir, &map, &err))
        return fail("cpu_map", &err);

    rc = level_pool((const char *const *)argv + 1, map, &pool_cpu);

    /* Step 2: the host the guest starts on. */
    opts.cpuid_file = argv[1];
    if (!rc && (xlc_open(&opts, &xen, &err) ||
                xlc_handle_system_policies(xen, &sys, &err)))
        rc = fail(argv[1], &err);
    if (!rc) {
        xlc_gv_host_from_system(&host, sys, XLC_GUEST_HVM);
        printf("host: %s\n", xlc_backend_description(xen));
        rc = start_guest("domain.xml", domain_xml, &host, map);
        if (!rc)
            rc = start_guest("pool-cpu.xml", pool_cpu, &host, map);
    }
    free(pool_cpu);
    xlc_system_policies_free(sys);
    xlc_close(xen);
    xlc_cpu_map_free(map);
    return rc;
}
