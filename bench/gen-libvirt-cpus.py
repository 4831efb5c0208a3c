#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Write one file of N libvirt host <cpu> elements, deterministically.

Each element describes one of the shared Intel dumps (round robin; libvirt
refuses to baseline mixed vendors) by the features libvirt's own cpu_map
says its CPUID registers have, on top of the minimal model '486', with the
same firmware/microcode toggles as gen-dumps.py cleared at random (fixed
seed).  This is benchmark input only: the feature names come straight from
the installed cpu_map, not from our code.

usage: gen-libvirt-cpus.py SHARED_DIR CPU_MAP_DIR OUT_FILE N
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


def dump_regs(path):
    regs = {}
    with open(path) as f:
        for m in XML_LINE.finditer(f.read()):
            v = [int(x, 16) for x in m.groups()]
            regs[(v[0], v[1])] = dict(zip(("eax", "ebx", "ecx", "edx"), v[2:]))
    return regs


def present(feats, regs):
    out = []
    for name, leaf, sub, masks in feats:
        r = regs.get((leaf, sub))
        if r and all(r[k] & m == m for k, m in masks.items()):
            out.append(name)
    return out


def main():
    shared, cpu_map, out, n = sys.argv[1], sys.argv[2], sys.argv[3], \
        int(sys.argv[4])
    src = os.path.join(shared, "cpuid", "instlatx64")
    feats = cpu_map_features(cpu_map)
    bases = [present(feats, dump_regs(os.path.join(src, f)))
             for f in sorted(os.listdir(src))
             if f.startswith("GenuineIntel") and f.endswith(".xml")]
    rng = random.Random(20261121)
    with open(out, "w") as f:
        for i in range(n):
            names = [x for x in bases[i % len(bases)]
                     if x not in TOGGLED or rng.random() >= 1 / 8]
            f.write("<cpu>\n  <arch>x86_64</arch>\n  <model>486</model>\n"
                    "  <vendor>Intel</vendor>\n")
            for x in names:
                f.write(f"  <feature name='{x}'/>\n")
            f.write("</cpu>\n")


if __name__ == "__main__":
    main()
