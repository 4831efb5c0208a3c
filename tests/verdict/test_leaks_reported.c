/* SPDX-License-Identifier: MIT */
/*
 * What leaks through, as `level` and `restore-check` report it: the leak
 * report of each host (levelling-report.h), measured against the guest's
 * policy there -- the pool's guest CPU, or the policy a stream restores
 * to.
 *
 *   - every shared dump, alone in a pool of each type: the host's report
 *     is the one `xen-cpuid levelling` gives, the guest's leaks are
 *     exactly the hardware's words it cannot be kept from, minus what its
 *     policy holds; known or unknown as the data allows (an Intel dump
 *     without MSRs cannot tell CPUID faulting, so nothing is said to leak
 *     for sure; AMD bare metal never faults in Xen 4.17, so the words no
 *     mask covers leak for sure);
 *   - dumps with <msr> elements added: faulting proved (nothing leaks),
 *     faulting absent (every word leaks), masks recorded (masked words
 *     do not leak), a mask missing (unknown, naming the MSR);
 *   - a host known only by a featureset: unknown, and why;
 *   - 1 GiB pages: HVM guests under HAP, never PV;
 *   - hosts whose leak keys say "same" have the same line (level makes
 *     each distinct line once), and two loads of one dump say "same";
 *   - restore-check in text and JSON on those destinations, in-process
 *     and through libxenctrl under xen-sim.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "libxl_cpuid/level/level-report.h"
#include "libxl_cpuid/migration/restore-check.h"
#include "libxl_cpuid/migration/stream.h"
#include "libxl_cpuid/verdict/levelling-report.h"
#include "tests/helpers/shared-data.h"
#include "tests/helpers/tool-run.h"
#include "tests/helpers/xen-sim-run.h"

#define NW XFS_NR_WORDS
#define PV XLC_GUEST_PV
#define HVM XLC_GUEST_HVM

#define SKYLAKE "GenuineIntel0050654_SkylakeXeon"
#define SANDY "GenuineIntel00206D7_SandyBridgeE_00"
#define NEHALEM "GenuineIntel00106A2_Nehalem-EP"
#define ROME "AuthenticAMD0830F10_K17_Rome"

static struct xlc_system_policies *sys_of(const char *path)
{
    struct xlc_sim_opts o = { .cpuid_file = path };
    struct xlc_system_policies *s;
    xlc_error err = { 0 };

    if (xlc_system_policies_load(&o, &s, &err))
        fail_msg("%s", err.msg);
    return s;
}

static struct xlc_levelling caps_of(const char *path)
{
    struct xlc_cpuid_dump *d = NULL;
    struct xlc_levelling lv;

    assert_int_equal(xlc_dump_load(path, &d, NULL), 0);
    xlc_levelling_from_dump(d, &lv);
    xlc_dump_free(d);
    return lv;
}

/* The level report of hosts given by source (names = sources). */
static struct xlc_level_report *level(enum xlc_guest_type t,
                                      const char *const *src, size_t n)
{
    struct xlc_level_options o = { .map_why_not = "not needed here" };
    struct xlc_level_report *r;
    xlc_error err = { 0 };

    if (xlc_level_report_new(t, &r, &err))
        fail_msg("%s", err.msg);
    for (size_t i = 0; i < n; i++) {
        struct xlc_level_host *h = malloc(sizeof(*h));

        assert_non_null(h);
        if (xlc_level_host_load(src[i], t, h, &err) ||
            xlc_level_report_add_host(r, src[i], src[i], h, &err))
            fail_msg("%s: %s", src[i], err.msg);
        free(h);
    }
    if (xlc_level_report_compute(r, &o, &err))
        fail_msg("%s", err.msg);
    return r;
}

/* The guest's leaks follow from the host's report and the guest CPU. */
static void check_guest_leaks(const struct xlc_leak_report *h,
                              const struct xlc_guest_leaks *g,
                              const uint32_t *guest, const char *what)
{
    unsigned int n[XLC_WORD_MSR + 1] = { 0 };

    for (unsigned int w = 0; w < NW; w++) {
        const struct xlc_leak_word *lw = &h->words[w];
        uint32_t beyond = lw->seen & ~guest[w];

        n[lw->control]++;
        if (g->leaks[w] != (lw->control == XLC_WORD_LEAKS ? beyond : 0) ||
            g->may_leak[w] != (lw->control == XLC_WORD_UNKNOWN ? beyond : 0))
            fail_msg("%s: word %u (%s): leaks %08x may %08x, host %s %08x, "
                     "guest %08x", what, w, xfs_words[w].key, g->leaks[w],
                     g->may_leak[w], xlc_word_control_name(lw->control),
                     lw->seen, guest[w]);
    }
    assert_memory_equal(n, g->nr_words, sizeof(n));
    assert_int_equal(g->page1gb, h->page1gb_unhideable &&
                                 !xfs_test(guest, NW, XFS_PAGE1GB));
}

static void same_report(const struct xlc_leak_report *a,
                        const struct xlc_leak_report *b, const char *what)
{
    for (unsigned int w = 0; w < NW; w++)
        if (a->words[w].control != b->words[w].control ||
            a->words[w].seen != b->words[w].seen)
            fail_msg("%s: word %u differs from `levelling`'s", what, w);
    assert_int_equal(a->caps.lv.present, b->caps.lv.present);
    assert_int_equal(a->caps.lv.unknown, b->caps.lv.unknown);
    assert_int_equal(a->page1gb, b->page1gb);
    assert_int_equal(a->page1gb_unhideable, b->page1gb_unhideable);
}

/* One dump alone in a pool of type t. */
static void alone(const char *path, const char *file, enum xlc_guest_type t)
{
    struct xlc_system_policies *s = sys_of(path);
    struct xlc_levelling lv = caps_of(path);
    struct xlc_level_report *r;
    const struct xlc_level_leaks *l;
    const struct xlc_guest_leaks *g;
    struct xlc_leak_report want;

    if (xlc_leak_report(s, &lv, t, &want, NULL)) {
        /* A type the host cannot run (HVM without VMX/SVM): no pool. */
        assert_false(s->pol.present[xlc_policy_index_max(t)]);
        xlc_system_policies_free(s);
        return;
    }
    r = level(t, &path, 1);
    l = &r->leaks[0];
    if (!l->known)
        fail_msg("%s: leaks unknown: %s", file, l->why_unknown);
    g = &l->of->guest;
    same_report(&l->of->host, &want, file);
    check_guest_leaks(&l->of->host, g, r->guest_cpu, file);
    if (t == HVM) {
        assert_true(xfs_empty(g->leaks, NW) && xfs_empty(g->may_leak, NW));
        assert_int_equal(g->nr_words[XLC_WORD_FAULTED] +
                         g->nr_words[XLC_WORD_MSR], NW);
    } else {
        assert_false(g->page1gb);      /* Xen maps none for PV guests */
        /* Without MSR data an Intel dump cannot tell faulting: nothing
         * leaks for sure. */
        if (lv.lv.faulting == XFS_UNKNOWN)
            assert_int_equal(g->nr_words[XLC_WORD_LEAKS], 0);
        /* Known not to fault, nothing undecided: nothing is unknown. */
        if (lv.lv.faulting == XFS_NO && !lv.lv.unknown)
            assert_int_equal(g->nr_words[XLC_WORD_UNKNOWN], 0);
    }
    assert_int_equal(r->leak_counts.hosts_leaking,
                     !xfs_empty(g->leaks, NW));
    assert_int_equal(r->leak_counts.hosts_may_leak,
                     !xfs_empty(g->may_leak, NW));
    assert_int_equal(r->leak_counts.hosts_page1gb, g->page1gb);
    assert_int_equal(r->leak_counts.hosts_no_data, 0);
    xlc_system_policies_free(s);
    xlc_level_report_free(r);
}

struct tally {
    unsigned int dumps, leak_known, may_leak;
};

static void each_dump(void *ctx, const char *path, const char *file)
{
    struct tally *t = ctx;
    struct xlc_levelling lv = caps_of(path);

    alone(path, file, PV);
    alone(path, file, HVM);
    t->dumps++;
    t->leak_known += lv.lv.faulting == XFS_NO;
    t->may_leak += lv.lv.faulting == XFS_UNKNOWN || lv.lv.unknown;
}

static void every_dump_alone(void **state)
{
    struct tally t = { 0 };

    (void)state;
    assert_true(shared_each_dump(each_dump, &t) >= 40);
    /* The data really holds both kinds: AMD, Hygon and Centaur dumps
     * leak for sure, Intel ones cannot tell. */
    assert_true(t.leak_known > 0 && t.may_leak > 0);
}

/* ---- dumps with <msr> elements added ---- */

static const char *faulting(void)
{
    return shared_dump_with_msrs(SKYLAKE,
                                 SHARED_MSR_PLATFORM_INFO("0x80000000")
                                 SHARED_MSR("0x140"));
}

static const char *not_faulting(void)
{
    return shared_dump_with_msrs(SKYLAKE, SHARED_MSR_PLATFORM_INFO("0x0"));
}

static unsigned int cpuid_words(void)
{
    unsigned int n = 0;

    for (unsigned int w = 0; w < NW; w++)
        n += xfs_words[w].src == XFS_SRC_CPUID;
    return n;
}

static char *tool_out(const char *args, int want_rc)
{
    char cmd[4096], *out = NULL, *err = NULL;
    int rc;

    snprintf(cmd, sizeof(cmd), "'%s' %s", tool_path(), args);
    rc = tool_run_shell(cmd, &out, &err);
    if (rc != want_rc)
        fail_msg("%s: exit %d: %s", cmd, rc, err);
    free(err);
    return out;
}

static void expect(const char *text, const char *want)
{
    if (!strstr(text, want))
        fail_msg("expected '%s' in:\n%s", want, text);
}

static void with_msr_data(void **state)
{
    const char *src[3];
    struct xlc_level_report *r;
    char args[1024], line[128], *out;

    (void)state;
    /* Faulting proved: Xen answers every CPUID of the guest. */
    src[0] = faulting();
    r = level(PV, src, 1);
    assert_true(r->leaks[0].known);
    assert_int_equal(r->leaks[0].of->guest.nr_words[XLC_WORD_FAULTED],
                     cpuid_words());
    assert_int_equal(r->leak_counts.hosts_leaking +
                     r->leak_counts.hosts_may_leak, 0);
    xlc_level_report_free(r);
    /* No faulting and no masks on Skylake: every word leaks, VMX among
     * what a PV guest's CPUID shows beyond the guest CPU. */
    src[0] = not_faulting();
    r = level(PV, src, 1);
    assert_int_equal(r->leaks[0].of->guest.nr_words[XLC_WORD_LEAKS],
                     cpuid_words());
    assert_true(xfs_test(r->leaks[0].of->guest.leaks, NW, XFS_VMX));
    assert_true(xfs_empty(r->leaks[0].of->guest.may_leak, NW));
    xlc_level_report_free(r);
    /* SandyBridge-E, two of its three masks recorded: 1cd and e1cd
     * masked, Da1 undecided (its MSR named), the rest leak. */
    src[0] = shared_dump_with_msrs(SANDY, SHARED_MSR_PLATFORM_INFO("0x0")
                                   SHARED_MSR("0x132") SHARED_MSR("0x133"));
    r = level(PV, src, 1);
    assert_int_equal(r->leaks[0].of->guest.nr_words[XLC_WORD_MASKED], 4);
    assert_int_equal(r->leaks[0].of->guest.nr_words[XLC_WORD_UNKNOWN], 1);
    assert_int_equal(r->leaks[0].of->guest.nr_words[XLC_WORD_LEAKS],
                     cpuid_words() - 5);
    xlc_level_report_free(r);
    snprintf(args, sizeof(args), "level --type pv '%s'", src[0]);
    out = tool_out(args, 0);
    snprintf(line, sizeof(line), "%u words leak, beyond the guest CPU: ",
             cpuid_words() - 5);
    expect(out, line);
    expect(out, "; 1 word unknown (mask MSRs 0x134: not in the CPUID "
                "data), ");
    free(out);
    /* AMD with its three mask pairs recorded: nothing undecided.  Five
     * words masked: 1d 1c e1d e1c 7b0 (7a0, leaf 7's max subleaf, is no
     * featureset word). */
    src[0] = shared_dump_with_msrs(ROME, SHARED_MSR("0xc0011004")
                                   SHARED_MSR("0xc0011005")
                                   SHARED_MSR("0xc0011002"));
    r = level(PV, src, 1);
    assert_int_equal(r->leaks[0].of->guest.nr_words[XLC_WORD_MASKED], 5);
    assert_int_equal(r->leaks[0].of->guest.nr_words[XLC_WORD_UNKNOWN], 0);
    xlc_level_report_free(r);
}

/* A pool: faulting, leaking, and a host known by its featureset only. */
static void pool_of_three(void **state)
{
    struct xlc_level_report *r;
    const char *src[3];
    char args[2048], *out;

    (void)state;
    src[0] = faulting();
    src[1] = not_faulting();
    src[2] = "178bfbff:80982201:28100000:00000001";
    r = level(PV, src, 3);
    assert_true(r->leaks[0].known && r->leaks[1].known);
    assert_false(r->leaks[2].known);
    expect(r->leaks[2].why_unknown, "featureset");
    assert_int_equal(r->leak_counts.hosts_leaking, 1);
    assert_int_equal(r->leak_counts.hosts_may_leak, 0);
    assert_int_equal(r->leak_counts.hosts_no_data, 1);
    assert_memory_equal(r->leak_counts.leaks, r->leaks[1].of->guest.leaks,
                        sizeof(r->leak_counts.leaks));
    xlc_level_report_free(r);

    snprintf(args, sizeof(args), "level --type pv '%s' '%s' %s", src[0],
             src[1], src[2]);
    out = tool_out(args, 0);
    expect(out, "what leaks through (a PV guest's own CPUID shows the "
                "hardware's word where the host can neither fault nor mask "
                "it, whatever the guest CPU says):\n");
    expect(out, " nothing: CPUID faults\n");
    expect(out, " unknown: a featureset holds neither the host's CPUID nor "
                "its MSRs\n");
    expect(out, "  hosts: 1 leak features beyond the guest CPU, 0 may (the "
                "data cannot tell), 1 unknown (no CPUID data)\n");
    expect(out, "not 1 GiB pages (Xen maps none for PV guests)\n");
    free(out);
    out = tool_out(strcat(args, " --json"), 0);
    expect(out, "\"leaks\":{\"hosts_leaking\":1,\"hosts_may_leak\":0,"
                "\"hosts_no_data\":1,\"hosts_page1gb\":0,");
    expect(out, "\"leaks\":{\"known\":false,\"why_unknown\":\"a featureset "
                "holds neither the host's CPUID nor its MSRs\"}");
    expect(out, "\"leaks\":{\"known\":true,\"guest_type\":\"pv\",\"caps\":"
                "{\"source\":\"derived\",\"value\":\"0x001\"");
    free(out);
}

/* ---- one line per kind of host (level's text makes each once) ---- */

struct paths {
    char *p[128];
    size_t n;
};

static void add_path(void *ctx, const char *path, const char *file)
{
    struct paths *ps = ctx;

    (void)file;
    if (ps->n < 128)
        assert_non_null(ps->p[ps->n++] = strdup(path));
}

static char *line_of(const struct xlc_level_report *r, size_t id)
{
    static const struct xlc_guest_leaks none;
    const struct xlc_level_leaks *l = &r->leaks[id];
    struct xlc_buf b = XLC_BUF_INIT;

    xlc_guest_leaks_text(&b, l->known ? &l->of->host : NULL,
                         l->known ? &l->of->guest : &none, "the guest CPU",
                         l->why_unknown);
    assert_false(b.oom);
    assert_non_null(b.s);
    return b.s;
}

static bool same_line(const struct xlc_level_report *r, size_t a, size_t b)
{
    const struct xlc_level_leaks *la = &r->leaks[a], *lb = &r->leaks[b];
    static const struct xlc_guest_leaks none;
    const struct xlc_leak_report *ha = la->known ? &la->of->host : NULL;
    const struct xlc_leak_report *hb = lb->known ? &lb->of->host : NULL;
    const struct xlc_guest_leaks *ga = la->known ? &la->of->guest : &none;
    const struct xlc_guest_leaks *gb = lb->known ? &lb->of->guest : &none;
    bool same = xlc_guest_leaks_text_same(ha, ga, la->why_unknown, hb, gb,
                                          lb->why_unknown);

    if (same)
        assert_int_equal(xlc_guest_leaks_text_hash(ha, ga),
                         xlc_guest_leaks_text_hash(hb, gb));
    return same;
}

/* Every dump twice, the MSR variants, featuresets: hosts whose keys say
 * "same" have the same line, and each dump's two loads say "same". */
static void leak_lines_keyed(void **state)
{
    struct paths ps = { .n = 0 };
    size_t dumps;

    (void)state;
    shared_each_dump(add_path, &ps);
    dumps = ps.n;
    for (size_t i = 0; i < dumps; i++)
        assert_non_null(ps.p[ps.n++] = strdup(ps.p[i]));
    assert_non_null(ps.p[ps.n++] = strdup(faulting()));
    assert_non_null(ps.p[ps.n++] = strdup(not_faulting()));
    assert_non_null(ps.p[ps.n++] = strdup(shared_dump_with_msrs(
                        SANDY, SHARED_MSR_PLATFORM_INFO("0x0")
                        SHARED_MSR("0x132") SHARED_MSR("0x133"))));
    assert_non_null(ps.p[ps.n++] = strdup("178bfbff:80982201:28100000:00000001"));
    assert_non_null(ps.p[ps.n++] = strdup("178bfbff:80982201"));
    for (int t = PV; t <= HVM; t++) {
        struct xlc_level_options o = { .map_why_not = "not needed here" };
        struct xlc_level_report *r;
        xlc_error err = { 0 };
        size_t pairs = 0;
        char **lines = calloc(ps.n, sizeof(*lines));

        assert_non_null(lines);
        assert_int_equal(xlc_level_report_new(t, &r, &err), 0);
        for (size_t i = 0; i < ps.n; i++) {
            struct xlc_level_host *h = malloc(sizeof(*h));
            char name[32];

            assert_non_null(h);
            snprintf(name, sizeof(name), "h%zu", i);
            if (xlc_level_host_load(ps.p[i], t, h, &err))
                fail_msg("%s: %s", ps.p[i], err.msg);
            /* HVM: hosts without VMX/SVM are refused, not pool hosts. */
            xlc_level_report_add_host(r, name, ps.p[i], h, &err);
            free(h);
        }
        if (xlc_level_report_compute(r, &o, &err))
            fail_msg("%s", err.msg);
        for (size_t i = 0; i < xlc_pool_nr_ids(r->pool); i++)
            lines[i] = line_of(r, i);
        for (size_t i = 0; i < xlc_pool_nr_ids(r->pool); i++)
            for (size_t j = 0; j < xlc_pool_nr_ids(r->pool); j++) {
                if (!same_line(r, i, j))
                    continue;
                if (strcmp(lines[i], lines[j]))
                    fail_msg("hosts %zu and %zu: same key, lines\n%s\n%s",
                             i, j, lines[i], lines[j]);
                pairs += i != j;
            }
        /* Each dump's second load matches its first (both ways). */
        assert_true(pairs >= xlc_pool_nr_ids(r->pool) - 5);
        for (size_t i = 0; i < xlc_pool_nr_ids(r->pool); i++)
            free(lines[i]);
        free(lines);
        xlc_level_report_free(r);
    }
    for (size_t i = 0; i < ps.n; i++)
        free(ps.p[i]);
}

/* HVM guests: no CPUID leak; 1 GiB pages under HAP where the guest CPU
 * lacks them (Nehalem-EP has none, so the pool's guest CPU has none). */
static void hvm_page1gb(void **state)
{
    const char *src[2];
    struct xlc_level_report *r;
    char sky[2048], neh[2048], args[8192], *out;

    (void)state;
    snprintf(sky, sizeof(sky), "%s", shared_dump(SKYLAKE));
    snprintf(neh, sizeof(neh), "%s", shared_dump(NEHALEM));
    src[0] = sky;
    src[1] = neh;
    r = level(HVM, src, 2);
    assert_false(xfs_test(r->guest_cpu, NW, XFS_PAGE1GB));
    assert_true(r->leaks[0].of->guest.page1gb);
    assert_false(r->leaks[1].of->guest.page1gb);
    assert_int_equal(r->leak_counts.hosts_page1gb, 1);
    assert_int_equal(r->leak_counts.hosts_leaking +
                     r->leak_counts.hosts_may_leak, 0);
    xlc_level_report_free(r);
    snprintf(args, sizeof(args), "level --type hvm '%s' '%s'", src[0],
             src[1]);
    out = tool_out(args, 0);
    expect(out, "what leaks through: nothing through CPUID (HVM guests exit "
                "to Xen on every CPUID)\n");
    expect(out, " nothing: HVM guests exit to Xen on every CPUID; 1 GiB "
                "pages: the host has them, the guest CPU does not: a guest "
                "that probes finds them\n");
    expect(out, "1 GiB pages under HAP (on 1 host, not on the guest CPU)\n");
    free(out);
    out = tool_out(strcat(args, " --json"), 0);
    expect(out, "\"hosts_page1gb\":1,");
    free(out);
}

/* ---- restore-check ---- */

static char stream_path[64];

static void remove_stream(void)
{
    unlink(stream_path);
}

/* A PV guest recorded on Skylake (default policy). */
static const char *pv_stream(void)
{
    char args[4096];
    char *out;

    if (stream_path[0])
        return stream_path;
    snprintf(stream_path, sizeof(stream_path), "/tmp/xfs-leaks-%ld.rec",
             (long)getpid());
    atexit(remove_stream);
    snprintf(args, sizeof(args), "record --type pv --cpuid '%s' -o %s",
             shared_dump(SKYLAKE), stream_path);
    out = tool_out(args, 0);
    free(out);
    return stream_path;
}

static void restore_library(void **state)
{
    const char *dest = not_faulting();
    struct xlc_system_policies *s = sys_of(dest);
    struct xlc_levelling lv = caps_of(dest);
    struct xlc_restore_dest *d = malloc(sizeof(*d));
    struct xlc_restore_verdict v;
    struct xlc_stream_info info;
    uint32_t fs[NW];
    xlc_error err = { 0 };

    (void)state;
    assert_non_null(d);
    if (xlc_stream_load(pv_stream(), &info, &err))
        fail_msg("%s", err.msg);
    /* Without the levelling capabilities: unknown, and said so. */
    xlc_restore_dest_from_system(s, info.domain_type, d);
    assert_int_equal(xlc_restore_check(&info, d, &v, &err), 0);
    assert_true(v.accept);
    assert_false(v.leaks_known);
    expect(v.why_unknown, "levelling capabilities were not given");
    xlc_restore_verdict_free(&v);
    /* With them: every word leaks, measured against the guest there. */
    xlc_restore_dest_levelling(d, s, &lv);
    assert_int_equal(xlc_restore_check(&info, d, &v, &err), 0);
    assert_true(v.leaks_known);
    xfs_policy_to_featureset(&v.guest, fs, NW);
    check_guest_leaks(&v.leaks, &v.guest_leaks, fs, "restore");
    assert_int_equal(v.guest_leaks.nr_words[XLC_WORD_LEAKS], cpuid_words());
    assert_true(xfs_test(v.guest_leaks.leaks, NW, XFS_VMX));
    xlc_restore_verdict_free(&v);
    xlc_stream_info_free(&info);
    xlc_system_policies_free(s);
    free(d);
}

static void restore_tool(void **state)
{
    char args[4096], line[128], *out;

    (void)state;
    snprintf(args, sizeof(args), "restore-check --cpuid '%s' %s",
             faulting(), pv_stream());
    out = tool_out(args, 0);
    expect(out, "\nleaks through here: nothing: CPUID faults\n");
    free(out);
    snprintf(args, sizeof(args), "restore-check --cpuid '%s' %s",
             not_faulting(), pv_stream());
    out = tool_out(args, 0);
    snprintf(line, sizeof(line), "\nleaks through here: %u words leak, "
             "beyond its policy: ", cpuid_words());
    expect(out, line);
    free(out);
    out = tool_out(strcat(args, " --json"), 0);
    snprintf(line, sizeof(line), "\"words\":{\"faulted\":0,\"masked\":0,"
             "\"leaks\":%u,\"unknown\":0,\"msr\":%u}", cpuid_words(),
             NW - cpuid_words());
    expect(out, line);
    expect(out, "\"beyond_guest\":[");
    expect(out, "\"vmx\"");
    free(out);
    /* The plain dump cannot tell faulting: unknown, naming the MSR. */
    snprintf(args, sizeof(args), "restore-check --cpuid '%s' %s",
             shared_dump(SKYLAKE), pv_stream());
    out = tool_out(args, 0);
    snprintf(line, sizeof(line), "\nleaks through here: %u words unknown "
             "(CPUID faulting (MSR 0xce): not in the CPUID data), would "
             "leak beyond its policy: ", cpuid_words());
    expect(out, line);
    free(out);
}

/*
 * Through libxenctrl under xen-sim: Xen reports the capabilities the data
 * proves (none on the plain Skylake dump), so every word leaks for sure
 * -- what the in-process check says with PLATFORM_INFO bit 31 clear.
 */
static void restore_through_xen(void **state)
{
    char sim[4096], cmd[4096], args[4096], *out = NULL, *err = NULL;
    char *in_process;
    const char *a, *b;

    (void)state;
    snprintf(sim, sizeof(sim), "--cpuid '%s'", shared_dump(SKYLAKE));
    snprintf(cmd, sizeof(cmd), "'%s' --backend xen restore-check %s",
             tool_path(), pv_stream());
    if (xen_sim_run(sim, cmd, &out, &err))
        fail_msg("%s: %s", cmd, err);
    snprintf(args, sizeof(args), "restore-check --cpuid '%s' %s",
             not_faulting(), pv_stream());
    in_process = tool_out(args, 0);
    a = strstr(out, "\nleaks through here: ");
    b = strstr(in_process, "\nleaks through here: ");
    assert_non_null(a);
    assert_non_null(b);
    assert_string_equal(a, b);
    free(in_process);
    free(out);
    free(err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_dump_alone),
        cmocka_unit_test(with_msr_data),
        cmocka_unit_test(pool_of_three),
        cmocka_unit_test(hvm_page1gb),
        cmocka_unit_test(leak_lines_keyed),
        cmocka_unit_test(restore_library),
        cmocka_unit_test(restore_tool),
        cmocka_unit_test(restore_through_xen),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
