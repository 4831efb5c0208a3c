/* SPDX-License-Identifier: MIT */
/*
 * Internal to the guest verdict (guest-verdict*.c): adding reasons and
 * changes to a verdict being built.
 */
#ifndef LIBXL_CPUID_GUEST_VERDICT_INT_H
#define LIBXL_CPUID_GUEST_VERDICT_INT_H

#include "guest-verdict.h"

/* Internal: not exported from libxl_cpuid.so. */
#pragma GCC visibility push(hidden)

struct gv_build {
    struct xlc_guest_verdict *v;
    size_t cap_reasons, cap_changes;
};

/* One verdict being made. */
struct gv_run {
    struct gv_build b;
    const struct xlc_gv_host *h;
    const struct xlc_gv_guest *g;
};

/* The host's system policies are known (else only its featuresets). */
bool gv_full(const struct xlc_gv_host *h);
/* -ENOMEM with a message. */
int gv_oom(xlc_error *err);

/*
 * Step 2 (guest-verdict-resolve.c): the guest in its form resolved on
 * the host: v->asked_fs, and on a full host v->asked (has_policy), with
 * the form's refusals as reasons and its notes as changes.  Returns 0,
 * 1 when the form's own resolution refused the guest, or an error.
 */
int gv_resolve(struct gv_run *r, xlc_error *err);

/* Each returns 0 or -ENOMEM.  feature: -1 for none; names may be NULL. */
int gv_reason(struct gv_build *b, enum xlc_gv_reason_kind kind,
              const char *tag, int feature, const char *xen, const char *lv,
              const char *fmt, ...) __attribute__((format(printf, 7, 8)));
int gv_change(struct gv_build *b, enum xlc_gv_change_kind kind,
              const char *tag, int feature, const char *xen, const char *lv,
              const char *fmt, ...) __attribute__((format(printf, 7, 8)));
/* A judged reason: its kind from the finding, text given. */
int gv_compat_reason(struct gv_build *b, const struct xfs_compat_reason *r,
                     char *text);

/* Xen's name of a feature, or NULL. */
const char *gv_xen_name(unsigned int feature);

#pragma GCC visibility pop

#endif /* LIBXL_CPUID_GUEST_VERDICT_INT_H */
