#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Write one file of N libvirt host <cpu> elements, deterministically.

Each element describes one of the shared Intel dumps (round robin; libvirt
refuses to baseline mixed vendors) by the features libvirt's own cpu_map
says its CPUID registers have, with the same firmware/microcode toggles as
gen-dumps.py cleared at random (fixed seed).  Three shapes:

  486     the minimal model '486' plus every feature the host has (the
          bench's first shape: long hosts, one model for all);
  caps    as `virsh capabilities` prints a host CPU: the model libvirt's
          host decoding picks (of the vendor's models with host decoding
          on and no feature the host lacks: a matching signature first,
          then the fewest features left to list), the host's features
          that model lacks, and the host details (microcode, signature,
          counter, topology, maxphysaddr, pages);
  sparse  that model and at most three of those features, nothing else.

This is benchmark input only: the feature names and models come straight
from the installed cpu_map, not from our code.

usage: gen-libvirt-cpus.py SHARED_DIR CPU_MAP_DIR OUT_FILE N [SHAPE]
"""
import os
import random
import re
import sys
import xml.etree.ElementTree as ET

TOGGLED = ["vmx", "x2apic", "aes", "rdrand", "sgx", "hle", "rtm", "mpx",
           "md-clear", "spec-ctrl", "stibp", "ssbd"]
XML_LINE = re.compile(r"<cpuid eax_in='(0x[0-9a-f]+)' ecx_in='(0x[0-9a-f]+)'"
                      r" eax='(0x[0-9a-f]+)' ebx='(0x[0-9a-f]+)'"
                      r" ecx='(0x[0-9a-f]+)' edx='(0x[0-9a-f]+)'/>")


def cpu_map_features(cpu_map):
    """[(name, leaf, subleaf, {reg: mask})] for every CPUID feature."""
    feats = []
    for f in ET.parse(os.path.join(cpu_map, "x86_features.xml")).getroot():
        c = f.find("cpuid")
        if f.tag != "feature" or c is None:
            continue
        masks = {r: int(c.get(r), 16) for r in ("eax", "ebx", "ecx", "edx")
                 if c.get(r)}
        feats.append((f.get("name"), int(c.get("eax_in"), 16),
                      int(c.get("ecx_in", "0"), 16), masks))
    return feats


def cpu_map_models(cpu_map):
    """{name: (vendor, decode_host, [(family, model)], set(features))},
    parents resolved, in index.xml order (a list of names beside)."""
    raw, order = {}, []
    index = ET.parse(os.path.join(cpu_map, "index.xml")).getroot()
    x86 = [a for a in index if a.get("name") == "x86"][0]
    for inc in x86.iter("include"):
        for m in ET.parse(os.path.join(cpu_map, inc.get("filename"))
                          ).getroot().iter("model"):
            if m.get("name") is None:
                continue
            raw[m.get("name")] = m
            order.append(m.get("name"))
    done = {}

    def resolve(name):
        if name in done:
            return done[name]
        m = raw[name]
        parent = m.find("model")
        vendor, host, sigs, feats = None, True, [], set()
        if parent is not None:
            vendor, host, sigs, feats = resolve(parent.get("name"))
            feats = set(feats)
        if m.find("vendor") is not None:
            vendor = m.find("vendor").get("name")
        if m.find("decode") is not None:
            host = m.find("decode").get("host", "on") == "on"
        own = [(int(s.get("family")), int(s.get("model")))
               for s in m.findall("signature")]
        sigs = own or sigs
        for f in m.findall("feature"):
            if f.get("removed") == "yes":
                feats.discard(f.get("name"))
            else:
                feats.add(f.get("name"))
        done[name] = (vendor, host, sigs, feats)
        return done[name]

    return {n: resolve(n) for n in order}, order


def dump_regs(path):
    regs = {}
    with open(path) as f:
        for m in XML_LINE.finditer(f.read()):
            v = [int(x, 16) for x in m.groups()]
            regs[(v[0], v[1])] = dict(zip(("eax", "ebx", "ecx", "edx"), v[2:]))
    return regs


def signature(regs):
    eax = regs.get((1, 0), {}).get("eax", 0)
    family = (eax >> 8) & 0xf
    model = (eax >> 4) & 0xf
    if family == 0xf:
        family += (eax >> 20) & 0xff
    if family >= 6:
        model |= ((eax >> 16) & 0xf) << 4
    return family, model, eax & 0xf


def present(feats, regs):
    out = []
    for name, leaf, sub, masks in feats:
        r = regs.get((leaf, sub))
        if r and all(r[k] & m == m for k, m in masks.items()):
            out.append(name)
    return out


def decode(models, order, names, sig):
    """The model libvirt's host decoding would name (see the top)."""
    have, best = set(names), None
    for n in order:
        vendor, host, sigs, feats = models[n]
        if vendor not in (None, "Intel") or not host or not feats <= have:
            continue
        key = ((sig[0], sig[1]) in sigs, -len(have - feats))
        if best is None or key >= best[0]:
            best = (key, n)
    return best[1]


def details(rng, sig):
    fam, model, step = sig
    return [f"<microcode version='{rng.randrange(1, 0x1000)}'/>",
            f"<signature family='{fam}' model='{model}' stepping='{step}'/>",
            f"<counter name='tsc' frequency='{rng.randrange(2, 4)}"
            f"{rng.randrange(100, 999)}000000' scaling='no'/>",
            f"<topology sockets='1' dies='1' clusters='1' "
            f"cores='{rng.choice((4, 8, 16, 32))}' threads='2'/>",
            "<maxphysaddr mode='emulate' bits='46'/>"]


PAGES = ["<pages unit='KiB' size='4'/>", "<pages unit='KiB' size='2048'/>",
         "<pages unit='KiB' size='1048576'/>"]


def main():
    shared, cpu_map, out, n = sys.argv[1], sys.argv[2], sys.argv[3], \
        int(sys.argv[4])
    shape = sys.argv[5] if len(sys.argv) > 5 else "486"
    if shape not in ("486", "caps", "sparse"):
        sys.exit(f"unknown shape {shape}: 486, caps or sparse")
    src = os.path.join(shared, "cpuid", "instlatx64")
    feats = cpu_map_features(cpu_map)
    models, order = cpu_map_models(cpu_map)
    bases = []
    for f in sorted(os.listdir(src)):
        if f.startswith("GenuineIntel") and f.endswith(".xml"):
            regs = dump_regs(os.path.join(src, f))
            bases.append((present(feats, regs), signature(regs)))
    rng = random.Random(20261121)
    with open(out, "w") as f:
        for i in range(n):
            base, sig = bases[i % len(bases)]
            names = [x for x in base
                     if x not in TOGGLED or rng.random() >= 1 / 8]
            lines = ["<arch>x86_64</arch>"]
            if shape == "486":
                lines += ["<model>486</model>", "<vendor>Intel</vendor>"]
                lines += [f"<feature name='{x}'/>" for x in names]
            else:
                # SYSCALL is only reported in 64-bit mode; some dumps were
                # taken in 32-bit mode.  A host libvirt runs on has it.
                if "lm" in names and "syscall" not in names:
                    names.append("syscall")
                model = decode(models, order, names, sig)
                extra = sorted(set(names) - models[model][3])
                lines += [f"<model>{model}</model>", "<vendor>Intel</vendor>"]
                if shape == "caps":
                    lines += details(rng, sig)
                else:
                    extra = rng.sample(extra, min(len(extra),
                                                  rng.randrange(4)))
                lines += [f"<feature name='{x}'/>" for x in extra]
                if shape == "caps":
                    lines += PAGES
            f.write("<cpu>\n" + "".join(f"  {x}\n" for x in lines) +
                    "</cpu>\n")


if __name__ == "__main__":
    main()
