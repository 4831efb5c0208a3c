/* SPDX-License-Identifier: MIT */
/*
 * What the subcommands that use a named libvirt model say about it
 * (libxl_cpuid/libvirt/libvirt-model-pin.h): its pin in their output,
 * `model --pinned` (a recorded pin against today's cpu_map) and
 * `model --explicit` (the <cpu> with the model spelled out).
 */
#ifndef XEN_CPUID_MODEL_PINS_H
#define XEN_CPUID_MODEL_PINS_H

#include "../libxl_cpuid/libvirt/libvirt-model-pin.h"
#include "../libxl_cpuid/verdict/guest-verdict.h"
#include "tool.h"

/*
 * The pins as the outputs print them: text blocks (each line starting
 * with lead, one blank line before each pin), or `"model_pins": [...]`
 * after a comma and newline (JSON, indent for the pins' members).
 */
void tool_pins_text(struct xlc_buf *b, const struct xlc_model_pins *s,
                    const char *lead);
void tool_pins_json(struct xlc_buf *b, const struct xlc_model_pins *s,
                    const char *indent);

/* model --pinned SAVED [FILE.xml]: exit 0 same, 4 changed or removed. */
int model_pinned(struct tool *t);

/*
 * model --explicit FILE.xml: print the explicit form of cpu (v: its
 * verdict on the host h, named `host`), after checking that it gives the
 * same answer there.  Exit code.
 */
int model_explicit(struct tool *t, const struct xlc_cpu_map *map,
                   const struct xlc_lv_cpu *cpu, const struct xlc_gv_host *h,
                   const char *host, const struct xlc_guest_verdict *v);

#endif /* XEN_CPUID_MODEL_PINS_H */
