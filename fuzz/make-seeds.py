#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Write the seed inputs that take each fuzz target to its readers' limits.

Every limit gets an input just within it and one just past it (named
seed-<what>-ok / seed-<what>-over), plus the hostile shapes each class of
reader met (deep nesting, many attributes, NUL bytes, declarations, long
lines, repeated records).  Run from the top of the tree: it rewrites
fuzz/corpus/<target>/seed-* only.  The limits are the library's
(libvirt-xml.h, cpuid-dump.h, policy-json.h, featureset-text.h,
xl-cpuid.h, xl-cfg-value.h, stream-check.h); fuzz/README.md lists them.
"""
import os
import struct

KiB = 1024
XML_ATTRS, XML_DEPTH, XML_ATTR_LEN = 32, 32, 4096
DUMP_LINE = 4096
JSON_DEPTH, JSON_LINE = 8, 64 * KiB
FS_MAX = 64 * KiB
XL_MAX = 64 * KiB
CFG_LINE, CFG_DEPTH = 64 * KiB, 64
NOTES = 64


def put(target, name, data):
    d = os.path.join("fuzz", "corpus", target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogateescape")
    with open(os.path.join(d, "seed-" + name), "wb") as f:
        f.write(data)


def attrs(n, value="1"):
    return " ".join("a%d='%s'" % (i, value) for i in range(n))


LEAF0 = "eax='0xd' ebx='0x756e6547' ecx='0x6c65746e' edx='0x49656e69'"
R = " eax=0x0000000d ebx=0x756e6547 ecx=0x6c65746e edx=0x49656e69"


def dump_seeds():
    t = "fuzz_cpuid_dump"
    line = "   0x00000000 0x00:" + R
    put(t, "line-ok", "CPU 0:\n" + line + " " * (DUMP_LINE - len(line)) + "\n")
    put(t, "line-over",
        "CPU 0:\n" + line + " " * (DUMP_LINE + 1 - len(line)) + "\n")
    put(t, "nul", "CPU 0:\n" + line + "\n\0   0x00000001 0x00:" + R + "\n")
    put(t, "conflict", "CPU 0:\n" + line + "\n   0x00000000 0x00:" +
        R.replace("0xd ", "0xe ") + "\n")
    put(t, "xml-attrs-over",
        "<cpudata arch='x86'><cpuid eax_in='0' %s %s/></cpudata>" %
        (LEAF0, attrs(XML_ATTRS - 4)))
    put(t, "xml-depth-over",
        "<cpudata arch='x86'>" + "<a>" * XML_DEPTH + "</a>" * XML_DEPTH +
        "</cpudata>")
    put(t, "xml-doctype",
        "<!DOCTYPE cpudata [<!ENTITY a 'b'>]>\n<cpudata arch='x86'/>")
    put(t, "xml-encoding",
        "<?xml version='1.0' encoding='Shift_JIS'?>\n<cpudata arch='x86'>"
        "<cpuid eax_in='0x0' eax='0x\x82\xff' ebx='0' ecx='0' edx='0'/>"
        "</cpudata>")


def libvirt_seeds():
    t = "fuzz_libvirt_xml"
    put(t, "attrs-ok", "<cpu %s/>" % attrs(XML_ATTRS))
    put(t, "attrs-over", "<cpu %s/>" % attrs(XML_ATTRS + 1))
    put(t, "xmlns-over", "<cpu %s/>" % " ".join(
        "xmlns:n%d='u%d'" % (i, i) for i in range(XML_ATTRS + 1)))
    put(t, "depth-ok", "<cpu>" + "<a>" * (XML_DEPTH - 1) +
        "</a>" * (XML_DEPTH - 1) + "</cpu>")
    put(t, "depth-over", "<cpu>" + "<a>" * XML_DEPTH)
    put(t, "attr-len-ok", "<cpu mode='%s'/>" % ("x" * XML_ATTR_LEN))
    put(t, "attr-len-over", "<cpu mode='%s'/>" % ("x" * (XML_ATTR_LEN + 1)))
    put(t, "markup", "<?xml version='1.0'?><!-- a='1' b='2' > -->"
        "<cpu mode='custom'><![CDATA[ x='1' <a> ]]><?pi a='1'?>"
        "<model fallback='allow'>qemu64</model></cpu>")
    put(t, "doctype", "<!DOCTYPE cpu [<!ENTITY e SYSTEM '/etc/passwd'>]>"
        "<cpu><model>&e;</model></cpu>")
    put(t, "utf16", "\xff\xfe<\0c\0p\0u\0/\0>\0")
    t = "fuzz_libvirt_batch"
    host = ("<cpu>\n  <arch>x86_64</arch>\n  <model>Skylake-Client-IBRS"
            "</model>\n  <vendor>Intel</vendor>\n  <feature policy='require'"
            " name='vmx'/>\n</cpu>\n")
    put(t, "two", host + host)
    put(t, "attrs-over", host + "<cpu %s/>\n" % attrs(XML_ATTRS + 1))
    put(t, "depth-over", host + "<cpu>" + "<a>" * XML_DEPTH)
    put(t, "declared", "<?xml version='1.0'?>\n" + host)
    put(t, "doctype", "<!DOCTYPE cpu>\n" + host)


def scan_seeds():
    # fuzz_xml_scan: two bytes of chunk size, then the text; its small
    # limits are 3000 bytes, 200-byte lines, depth 5, 40 elements, 4
    # attributes, 30-byte values.
    t = "fuzz_xml_scan"
    pre = b"\x07\x00"
    put(t, "ok", pre + b"<a x='1' y=\"2\"><!-- -- > --><b/><![CDATA[<c>]]>"
        b"<?p ?></a>")
    put(t, "bytes-over", pre + b"<a>" + b" " * 3000 + b"</a>")
    put(t, "line-over", pre + b"<a>" + b"x" * 200 + b"</a>")
    put(t, "depth-over", pre + b"<a><a><a><a><a><a/></a></a></a></a></a>")
    put(t, "elements-over", pre + b"<a>" + b"<b/>" * 40 + b"</a>")
    put(t, "attrs-over", pre + b"<a b='1' c='1' d='1' e='1' f='1'/>")
    put(t, "value-over", pre + b"<a b='" + b"v" * 31 + b"'/>")
    put(t, "bom", pre + b"\xef\xbb\xbf <a/>")
    put(t, "not-xml", pre + b" x<a/>")
    put(t, "nul", pre + b"<a>\0</a>")
    put(t, "declaration", pre + b"<!ENTITY a 'b'><a/>")


def json_seeds():
    t = "fuzz_policy_json"
    hdr = '{"format": "xen-cpu-policy", "version": 1, '
    leaf = ('{"leaf": "0x00000000", "subleaf": "0xffffffff", "eax": "0xd", '
            '"ebx": "0x0", "ecx": "0x0", "edx": "0x0"}')
    put(t, "no-leaves", hdr + '"cpuid": []}')
    put(t, "no-cpuid", hdr[:-2] + "}")
    put(t, "depth-ok", hdr + '"x": ' + "[" * (JSON_DEPTH - 1) +
        "]" * (JSON_DEPTH - 1) + "}")
    put(t, "depth-over", hdr + '"x": ' + "[" * JSON_DEPTH +
        "]" * JSON_DEPTH + "}")
    put(t, "deep", "[" * 100000)
    put(t, "line-over", hdr + '"cpuid": [' + leaf + "]" +
        " " * JSON_LINE + "}")
    put(t, "nul", hdr + '"cpuid": [' + leaf + "]}\0")


def text_seeds():
    put("fuzz_featureset_text", "size-ok",
        (":".join(["0000000f"] * (FS_MAX // 9)))[:FS_MAX - 8] + "")
    put("fuzz_featureset_text", "size-over", ":".join(
        ["0000000f"] * (FS_MAX // 9 + 2)))
    put("fuzz_xl_cpuid", "libxl-over", "host," + ",".join(
        ["avx=0"] * (XL_MAX // 6 + 1)))
    put("fuzz_xl_cpuid", "xend-over", "0x1:eax=" + "x" * XL_MAX)
    put("fuzz_viridian", "xl-over", "\0" + ",".join(
        ["base"] * (XL_MAX // 5 + 1)))
    t = "fuzz_xl_config"
    put(t, "line-ok", 'a="%s"\n' % ("x" * (CFG_LINE - 4)))
    put(t, "line-over", 'a="%s"\n' % ("x" * (CFG_LINE - 3)))
    put(t, "depth-over", "a=" + "[" * (CFG_DEPTH + 1) + "]" *
        (CFG_DEPTH + 1) + "\n")
    put(t, "cpuid", 'type="hvm"\nnestedhvm=1\ncpuid=["0x1:ecx=x0xxxxxx'
        'xxxxxxxxxxxxxxxxxxxxxxxxxx", "0x7,0:ebx=xxxxxxxxxxxxxxxxxxxxxxxx'
        'xxxxxxx0"]\n')
    put(t, "nul", 'cpuid="host,avx=0"\n\0\n')
    t = "fuzz_escape"
    put(t, "controls", "a\x1b[31mred\x07\x7f\tb\r\nc")
    put(t, "c1-bidi", "x\xc2\x85y\xe2\x80\xaez\xe2\x80\xa8\xef\xbb\xbf")
    put(t, "invalid", "\xff\xfe\xc0\xaf\xed\xa0\x80\xf4\x90\x80\x80\xe2\x82")
    put(t, "long-line", "x" * 41 + "\n" + "y" * 10)


def stream_seeds():
    # A v3 HVM stream whose CPUID record is repeated past the note limit.
    def rec(rtype, body):
        pad = (8 - len(body) % 8) % 8
        return struct.pack("<II", rtype, len(body)) + body + b"\0" * pad

    ihdr = struct.pack(">QIIHHI", 0xffffffffffffffff, 0x58454e46, 3, 0, 0,
                       0)
    dhdr = struct.pack("<IHHII", 2, 12, 0, 4, 17)
    leaf = struct.pack("<6I", 0, 0xffffffff, 0xd, 0x756e6547, 0x6c65746e,
                       0x49656e69)
    body = b"".join(rec(0x11, leaf) for _ in range(NOTES + 2))
    end = rec(0x10, b"") + rec(0, b"")
    put("fuzz_stream", "notes-over", ihdr + dhdr + body + end)
    put("fuzz_restore_check", "notes-over", ihdr + dhdr + body + end)


def cpumap_seeds():
    # Small cpu_map cache images in the layout libvirt-cpumap-cache.c
    # writes (native byte order, as the cache is): a sound one, and the
    # same with a model that is its own grandparent.  The real map's image
    # (seed-image) comes from the tool: see README.md.
    def u32(v):
        return struct.pack("=I", v)

    def s(text):
        return u32(len(text)) + text.encode()

    def image(body):
        # The checksum: FNV-1a's step over native 8-byte words, each
        # product folded, then the last bytes one at a time (format 2).
        h, full = 1469598103934665603, len(body) // 8 * 8
        for i in range(0, full, 8):
            h = ((h ^ struct.unpack_from("=Q", body, i)[0]) *
                 1099511628211) % (1 << 64)
            h ^= h >> 32
        for b in body[full:]:
            h = ((h ^ b) * 1099511628211) % (1 << 64)
        return (b"xlcmap\0\0" + struct.pack("=IIII", 2, 0x01020304,
                                             len(body), 0) +
                struct.pack("=Q", h) + body)

    def feature(name, bit, aliases=()):
        return (s(name) + s("x86_features.xml") + u32(3) + b"\1" +
                u32(len(aliases)) + b"".join(s(a) for a in aliases) +
                u32(1) + struct.pack("=5I", 0, 1, 0xffffffff, 3, 1 << bit))

    def model(name, parent, own, resolved):
        flags = 1 | (2 if parent else 0) | 4 | 8
        return (s(name) + s("x86_" + name + ".xml") + u32(2) +
                bytes([flags]) + s("Intel") + (s(parent) if parent else b"") +
                u32(1) + struct.pack("=IIBI", 6, 85, 1, 0) +
                u32(len(own)) + b"".join(u32(i) for i in own) + u32(0) +
                u32(len(resolved)) + b"".join(u32(i) for i in resolved))

    def body(parent_of_a):
        return (s("/usr/share/libvirt/cpu_map") + u32(1) + s("index.xml") +
                struct.pack("=7Q", 1, 2, 3, 4, 5, 6, 7) +
                u32(1) + s("Intel") + s("GenuineIntel") +
                u32(2) + feature("fpu", 0) + feature("sse2", 26, ["sse2a"]) +
                u32(2) + model("a", parent_of_a, [0], [0]) +
                model("b", "a", [1], [0, 1]))

    put("fuzz_cpumap_cache", "small", image(body(None)))
    put("fuzz_cpumap_cache", "parent-loop", image(body("b")))


if __name__ == "__main__":
    dump_seeds()
    libvirt_seeds()
    scan_seeds()
    json_seeds()
    text_seeds()
    stream_seeds()
    cpumap_seeds()
