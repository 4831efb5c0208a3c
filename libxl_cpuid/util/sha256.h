/* SPDX-License-Identifier: MIT */
/*
 * SHA-256 (FIPS 180-4), for fingerprints that must mean the same on every
 * machine and in every release: the model pins (libvirt-model-pin.h) and
 * the stream a pin file belongs to.  Self-contained: Debian's libxml2 and
 * yajl offer no digest, and a fingerprint is not worth a new dependency.
 */
#ifndef LIBXL_CPUID_SHA256_H
#define LIBXL_CPUID_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define XLC_SHA256_BYTES 32
#define XLC_SHA256_HEX (2 * XLC_SHA256_BYTES + 1)   /* with the NUL */

struct xlc_sha256 {
    uint32_t h[8];
    uint64_t bytes;          /* message length so far */
    uint8_t block[64];
    size_t fill;             /* bytes waiting in block */
};

void xlc_sha256_init(struct xlc_sha256 *c);
void xlc_sha256_update(struct xlc_sha256 *c, const void *data, size_t len);
void xlc_sha256_final(struct xlc_sha256 *c, uint8_t out[XLC_SHA256_BYTES]);

/* The digest of one buffer, as bytes or as lower-case hex. */
void xlc_sha256(const void *data, size_t len, uint8_t out[XLC_SHA256_BYTES]);
void xlc_sha256_hex(const void *data, size_t len, char out[XLC_SHA256_HEX]);
/* A digest as lower-case hex (what xlc_sha256_hex writes). */
void xlc_sha256_digest_hex(const uint8_t d[XLC_SHA256_BYTES],
                           char out[XLC_SHA256_HEX]);

#endif /* LIBXL_CPUID_SHA256_H */
