/* SPDX-License-Identifier: MIT */
/*
 * A recorded stream's model pins (libvirt/libvirt-model-pin.h): what the
 * named libvirt model of the guest's <cpu> meant when the stream was
 * recorded.
 *
 * They live BESIDE the stream, in STREAM.pins.json, because the libxc
 * stream format has no record that both of Xen 4.17's readers pass over:
 * the format lets a restore skip an unknown record whose type has the
 * optional bit (0x80000000), but verify-stream-v2 refuses every record
 * type it does not know, optional or not ("Unrecognised record type");
 * it refuses the deprecated TOOLSTACK record too ("Found Toolstack
 * record in stream"); VERIFY, CHECKPOINT and STATIC_DATA_END must be
 * empty, and nothing may follow END.  So the stream record writes stays
 * exactly what it was.  The pin file says which stream it belongs to (the
 * stream's SHA-256), so a file left beside a stream recorded again is
 * refused, not believed:
 *
 *   {"format": "xen-cpuid model pins", "version": 1,
 *    "stream": "NAME", "stream_sha256": "HEX",
 *    "model_pins": [PIN, ...]}
 */
#ifndef LIBXL_CPUID_STREAM_PINS_H
#define LIBXL_CPUID_STREAM_PINS_H

#include "../libvirt/libvirt-model-pin.h"
#include "../util/error.h"

#define XLC_STREAM_PINS_SUFFIX ".pins.json"
#define XLC_STREAM_PINS_FORMAT "xen-cpuid model pins"

/* STREAM.pins.json (malloc'd, NULL without memory). */
char *xlc_stream_pins_path(const char *stream);

/* The SHA-256 of a whole file, read in blocks (any size). */
int xlc_file_sha256(const char *path, char out[XLC_SHA256_HEX],
                    xlc_error *err);

/*
 * Write the pins of the stream at `stream` (already written) beside it,
 * atomically; with no pins, remove a pin file left there (it would
 * describe another recording).  0 or a negative errno with the path.
 */
int xlc_stream_pins_write(const char *stream,
                          const struct xlc_model_pins *pins, xlc_error *err);

/*
 * The pins recorded beside the stream: -ENOENT when there is no pin file
 * (the message says why there may be none), -EINVAL when it is not valid
 * or belongs to another stream.
 */
int xlc_stream_pins_load(const char *stream, struct xlc_model_pins *out,
                         xlc_error *err);

#endif /* LIBXL_CPUID_STREAM_PINS_H */
