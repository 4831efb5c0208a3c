#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Write N CPUID dump files derived from the shared dumps, deterministically.

Each output is one of the shared dumps (round robin, both formats: libvirt
<cpudata> XML and `cpuid -r` text) with some of the bits that firmware and
microcode really do switch off cleared at random (fixed seed): VMX/SVM
disabled in the BIOS, TSX and SGX off, AES-NI locked off, speculation
controls missing from old microcode.

usage: gen-dumps.py SHARED_DIR OUT_DIR N
"""
import os
import random
import re
import sys

# (leaf, subleaf, register index into eax/ebx/ecx/edx) -> toggled bits
TOGGLED = {
    (0x1, 0, 2): [5, 21, 25, 30],            # VMX, x2APIC, AES-NI, RDRAND
    (0x7, 0, 1): [2, 4, 11, 14],             # SGX, HLE, RTM, MPX
    (0x7, 0, 3): [10, 26, 27, 31],           # MD_CLEAR, IBRS, STIBP, SSBD
    (0x80000001, 0, 2): [2],                 # SVM
}
XML_LINE = re.compile(r"<cpuid eax_in='(0x[0-9a-f]+)' ecx_in='(0x[0-9a-f]+)'"
                      r" eax='(0x[0-9a-f]+)' ebx='(0x[0-9a-f]+)'"
                      r" ecx='(0x[0-9a-f]+)' edx='(0x[0-9a-f]+)'/>")


def load(path):
    leaves = []
    with open(path) as f:
        for m in XML_LINE.finditer(f.read()):
            leaves.append([int(x, 16) for x in m.groups()])
    return leaves


def vary(leaves, rng):
    out = []
    for leaf, sub, *regs in leaves:
        for r in range(4):
            for bit in TOGGLED.get((leaf, sub, r), []):
                if rng.random() < 1 / 8:
                    regs[r] &= ~(1 << bit)
        out.append([leaf, sub] + regs)
    return out


def write_xml(path, name, leaves):
    with open(path, "w") as f:
        f.write(f"<!-- bench variation of {name} -->\n<cpudata arch='x86'>\n")
        for leaf, sub, a, b, c, d in leaves:
            f.write(f"  <cpuid eax_in='0x{leaf:08x}' ecx_in='0x{sub:02x}' "
                    f"eax='0x{a:08x}' ebx='0x{b:08x}' ecx='0x{c:08x}' "
                    f"edx='0x{d:08x}'/>\n")
        f.write("</cpudata>\n")


def write_text(path, leaves):
    with open(path, "w") as f:
        f.write("CPU 0:\n")
        for leaf, sub, a, b, c, d in leaves:
            f.write(f"   0x{leaf:08x} 0x{sub:02x}: eax=0x{a:08x} ebx=0x{b:08x}"
                    f" ecx=0x{c:08x} edx=0x{d:08x}\n")


def main():
    shared, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    src = os.path.join(shared, "cpuid", "instlatx64")
    names = sorted(f for f in os.listdir(src) if f.endswith(".xml"))
    bases = [(f[:-4], load(os.path.join(src, f))) for f in names]
    rng = random.Random(20261121)
    os.makedirs(out, exist_ok=True)
    for i in range(n):
        name, leaves = bases[i % len(bases)]
        leaves = vary([list(x) for x in leaves], rng)
        if i % 4 == 3:
            write_text(os.path.join(out, f"h{i:04d}-{name}.txt"), leaves)
        else:
            write_xml(os.path.join(out, f"h{i:04d}-{name}.xml"), name, leaves)


if __name__ == "__main__":
    main()
