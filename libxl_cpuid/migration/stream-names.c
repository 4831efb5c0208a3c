/* SPDX-License-Identifier: MIT */
#include "stream.h"

const char *xlc_stream_record_name(uint32_t type)
{
    switch (type) {
#define XLC_REC_NAME_(name, value, ver, desc) \
    case value: return #name;
    XFS_STREAM_RECORD_TYPES(XLC_REC_NAME_)
#undef XLC_REC_NAME_
    default: return NULL;
    }
}

const char *xlc_stream_domain_name(uint32_t type)
{
    switch (type) {
    case XFS_STREAM_DOM_X86_PV: return "x86 PV";
    case XFS_STREAM_DOM_X86_HVM: return "x86 HVM";
    case XFS_STREAM_DOM_X86_PVH: return "x86 PVH";
    case XFS_STREAM_DOM_ARM: return "ARM";
    default: return NULL;
    }
}
