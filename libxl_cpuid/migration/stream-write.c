/* SPDX-License-Identifier: MIT */
/*
 * Writing the applied policy as libxc stream records, alone or inside a
 * minimal standalone v3 stream (with an HVM_PARAMS record when HVM
 * parameters are given: a guest's Hyper-V enlightenments).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../public/arch-x86/hvm-viridian.h"
#include "../../xen/arch/viridian-leaves.h"
#include "../util/atomic-file.h"
#include "stream-bytes.h"
#include "stream.h"

static size_t padded(size_t n)
{
    return (n + XFS_STREAM_ALIGN - 1) & ~(size_t)(XFS_STREAM_ALIGN - 1);
}

static size_t record_size(size_t body)
{
    return XFS_STREAM_RHDR_SIZE + padded(body);
}

/* Header, body (written by the caller at the returned pointer), padding. */
static uint8_t *put_record(uint8_t *p, uint32_t type, size_t body)
{
    xlc_put_le32(p, type);
    xlc_put_le32(p + 4, (uint32_t)body);
    memset(p + XFS_STREAM_RHDR_SIZE, 0, padded(body));
    return p + XFS_STREAM_RHDR_SIZE;
}

static uint8_t *put_cpuid_record(uint8_t *p, const struct xlc_policy_entries *e)
{
    size_t body = e->nr_leaves * XFS_STREAM_CPUID_ENTRY_SIZE;
    uint8_t *q = put_record(p, XFS_STREAM_REC_X86_CPUID_POLICY, body);

    for (size_t i = 0; i < e->nr_leaves; i++, q += XFS_STREAM_CPUID_ENTRY_SIZE) {
        const struct xfs_cpuid_leaf *l = &e->leaves[i];

        xlc_put_le32(q, l->leaf);
        xlc_put_le32(q + 4, l->subleaf);
        xlc_put_le32(q + 8, l->a);
        xlc_put_le32(q + 12, l->b);
        xlc_put_le32(q + 16, l->c);
        xlc_put_le32(q + 20, l->d);
    }
    return p + record_size(body);
}

static uint8_t *put_msr_record(uint8_t *p, const struct xlc_policy_entries *e)
{
    size_t body = e->nr_msrs * XFS_STREAM_MSR_ENTRY_SIZE;
    uint8_t *q = put_record(p, XFS_STREAM_REC_X86_MSR_POLICY, body);

    for (size_t i = 0; i < e->nr_msrs; i++, q += XFS_STREAM_MSR_ENTRY_SIZE) {
        xlc_put_le32(q, e->msrs[i].idx);
        xlc_put_le32(q + 4, e->msrs[i].flags);
        xlc_put_le64(q + 8, e->msrs[i].val);
    }
    return p + record_size(body);
}

static size_t policy_records_size(const struct xlc_policy_entries *e)
{
    size_t n = 0;

    if (e->nr_leaves)
        n += record_size(e->nr_leaves * XFS_STREAM_CPUID_ENTRY_SIZE);
    if (e->nr_msrs)
        n += record_size(e->nr_msrs * XFS_STREAM_MSR_ENTRY_SIZE);
    return n;
}

static uint8_t *put_policy_records(uint8_t *p,
                                   const struct xlc_policy_entries *e)
{
    if (e->nr_leaves)
        p = put_cpuid_record(p, e);
    if (e->nr_msrs)
        p = put_msr_record(p, e);
    return p;
}

int xlc_stream_policy_records(const struct xlc_policy_entries *e,
                              uint8_t **buf, size_t *len, xlc_error *err)
{
    size_t n;
    int rc;

    *buf = NULL;
    *len = 0;
    /* Never write what Xen's restore would refuse. */
    rc = xlc_policy_entries_check(e, err);
    if (rc)
        return rc;
    n = policy_records_size(e);
    if (!n)
        return 0;
    *buf = malloc(n);
    if (!*buf)
        return xlc_fail(err, ENOMEM, "out of memory for %zu bytes of records",
                        n);
    put_policy_records(*buf, e);
    *len = n;
    return 0;
}

static uint8_t *put_image_header(uint8_t *p)
{
    memset(p, 0, XFS_STREAM_IHDR_SIZE);
    xlc_put_be64(p, XFS_STREAM_MARKER);
    xlc_put_be32(p + 8, XFS_STREAM_ID);
    xlc_put_be32(p + 12, XFS_STREAM_VERSION);
    xlc_put_be16(p + 16, 0); /* options: little-endian records */
    return p + XFS_STREAM_IHDR_SIZE;
}

static uint8_t *put_domain_header(uint8_t *p, uint32_t domain_type)
{
    memset(p, 0, XFS_STREAM_DHDR_SIZE);
    xlc_put_le32(p, domain_type);
    xlc_put_le16(p + 4, XFS_STREAM_PAGE_SHIFT);
    xlc_put_le32(p + 8, XFS_STREAM_XEN_MAJOR);
    xlc_put_le32(p + 12, XFS_STREAM_XEN_MINOR);
    return p + XFS_STREAM_DHDR_SIZE;
}

/* ---- HVM parameters ---- */

/* The entries Xen's writer would put in the record: non-zero values. */
static size_t nonzero_params(const struct xlc_hvm_param *v, size_t n)
{
    size_t k = 0;

    for (size_t i = 0; i < n; i++)
        k += v[i].value != 0;
    return k;
}

static size_t params_record_size(const struct xlc_hvm_param *v, size_t n)
{
    size_t k = nonzero_params(v, n);

    return k ? record_size(XFS_STREAM_HVM_PARAMS_HDR_SIZE +
                           k * XFS_STREAM_HVM_PARAM_ENTRY_SIZE)
             : 0;
}

static uint8_t *put_params_record(uint8_t *p, const struct xlc_hvm_param *v,
                                  size_t n)
{
    size_t k = nonzero_params(v, n);
    size_t body = XFS_STREAM_HVM_PARAMS_HDR_SIZE +
                  k * XFS_STREAM_HVM_PARAM_ENTRY_SIZE;
    uint8_t *q;

    if (!k)
        return p;
    q = put_record(p, XFS_STREAM_REC_HVM_PARAMS, body);
    xlc_put_le32(q, (uint32_t)k);
    xlc_put_le32(q + 4, 0);
    q += XFS_STREAM_HVM_PARAMS_HDR_SIZE;
    for (size_t i = 0; i < n; i++) {
        if (!v[i].value)
            continue;
        xlc_put_le64(q, v[i].index);
        xlc_put_le64(q + 8, v[i].value);
        q += XFS_STREAM_HVM_PARAM_ENTRY_SIZE;
    }
    return p + record_size(body);
}

/* Never write what Xen's restore would refuse. */
static int check_params(uint32_t domain_type, const struct xlc_hvm_param *v,
                        size_t n, xlc_error *err)
{
    if (n && domain_type != XFS_STREAM_DOM_X86_HVM)
        return xlc_fail(err, EINVAL, "HVM parameters in a PV stream: Xen's "
                        "PV restore fails on an HVM_PARAMS record");
    for (size_t i = 0; i < n; i++) {
        if (v[i].index >= XFS_HVM_NR_PARAMS)
            return xlc_fail(err, EINVAL, "HVM parameter %llu: Xen 4.17 has "
                            "parameters 0 to %u only",
                            (unsigned long long)v[i].index,
                            XFS_HVM_NR_PARAMS - 1);
        for (size_t j = 0; j < i; j++)
            if (v[j].index == v[i].index)
                return xlc_fail(err, EINVAL, "HVM parameter %llu given "
                                "twice", (unsigned long long)v[i].index);
        if (v[i].index == XFS_HVM_PARAM_VIRIDIAN && v[i].value &&
            !xfs_viridian_param_valid(v[i].value))
            return xlc_fail(err, EINVAL, "HVM_PARAM_VIRIDIAN 0x%llx: Xen "
                            "4.17 refuses it (bits it does not know, or no "
                            "base_freq)", (unsigned long long)v[i].value);
    }
    return 0;
}

int xlc_stream_write_standalone_params(uint32_t domain_type,
                                       const struct xlc_policy_entries *e,
                                       const struct xlc_hvm_param *params,
                                       size_t nr_params, uint8_t **buf,
                                       size_t *len, xlc_error *err)
{
    size_t n;
    uint8_t *p;
    int rc;

    *buf = NULL;
    *len = 0;
    if (domain_type != XFS_STREAM_DOM_X86_PV &&
        domain_type != XFS_STREAM_DOM_X86_HVM)
        return xlc_fail(err, EINVAL,
                        "domain type %u: only x86 PV (1) and x86 HVM (2) "
                        "streams are written",
                        domain_type);
    rc = xlc_policy_entries_check(e, err);
    if (!rc)
        rc = check_params(domain_type, params, nr_params, err);
    if (rc)
        return rc;
    n = XFS_STREAM_IHDR_SIZE + XFS_STREAM_DHDR_SIZE + policy_records_size(e) +
        params_record_size(params, nr_params) +
        2 * XFS_STREAM_RHDR_SIZE; /* STATIC_DATA_END and END, both empty */
    p = *buf = malloc(n);
    if (!p)
        return xlc_fail(err, ENOMEM, "out of memory for a %zu byte stream", n);
    p = put_image_header(p);
    p = put_domain_header(p, domain_type);
    p = put_policy_records(p, e);
    put_record(p, XFS_STREAM_REC_STATIC_DATA_END, 0);
    p = put_params_record(p + XFS_STREAM_RHDR_SIZE, params, nr_params);
    put_record(p, XFS_STREAM_REC_END, 0);
    *len = n;
    return 0;
}

int xlc_stream_write_standalone(uint32_t domain_type,
                                const struct xlc_policy_entries *e,
                                uint8_t **buf, size_t *len, xlc_error *err)
{
    return xlc_stream_write_standalone_params(domain_type, e, NULL, 0, buf,
                                              len, err);
}

int xlc_stream_write_file_params(const char *path, uint32_t domain_type,
                                 const struct xlc_policy_entries *e,
                                 const struct xlc_hvm_param *params,
                                 size_t nr_params, xlc_error *err)
{
    uint8_t *buf;
    size_t len;
    int rc = xlc_stream_write_standalone_params(domain_type, e, params,
                                                nr_params, &buf, &len, err);

    if (rc)
        return rc;
    rc = xlc_file_write_atomic(path, buf, len, err);
    free(buf);
    return rc;
}

int xlc_stream_write_file(const char *path, uint32_t domain_type,
                          const struct xlc_policy_entries *e, xlc_error *err)
{
    return xlc_stream_write_file_params(path, domain_type, e, NULL, 0, err);
}
