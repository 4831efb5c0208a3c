/* SPDX-License-Identifier: MIT */
/*
 * Private to the stream code: fixed-endian loads and stores on byte
 * buffers, so that layouts never depend on the host or on struct padding.
 */
#ifndef LIBXL_CPUID_STREAM_BYTES_H
#define LIBXL_CPUID_STREAM_BYTES_H

#include <stdint.h>

static inline uint16_t xlc_le16(const uint8_t *p)
{
    return (uint16_t)(p[0] | (p[1] << 8));
}

static inline uint32_t xlc_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

static inline uint64_t xlc_le64(const uint8_t *p)
{
    return (uint64_t)xlc_le32(p) | (uint64_t)xlc_le32(p + 4) << 32;
}

static inline uint16_t xlc_be16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t xlc_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
           (uint32_t)p[3];
}

static inline uint64_t xlc_be64(const uint8_t *p)
{
    return (uint64_t)xlc_be32(p) << 32 | xlc_be32(p + 4);
}

static inline void xlc_put_le16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static inline void xlc_put_le32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static inline void xlc_put_le64(uint8_t *p, uint64_t v)
{
    xlc_put_le32(p, (uint32_t)v);
    xlc_put_le32(p + 4, (uint32_t)(v >> 32));
}

static inline void xlc_put_be16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static inline void xlc_put_be32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (24 - 8 * i));
}

static inline void xlc_put_be64(uint8_t *p, uint64_t v)
{
    xlc_put_be32(p, (uint32_t)(v >> 32));
    xlc_put_be32(p + 4, (uint32_t)v);
}

#endif /* LIBXL_CPUID_STREAM_BYTES_H */
