#!/bin/sh
# SPDX-License-Identifier: MIT
#
# make-streams.sh XEN_CPUID DUMP OUTDIR
#
# Writes the two sample files README.md's restore-check examples read,
# from the stream `xen-cpuid record --type hvm --cpuid DUMP` writes (the
# files in examples/ were made with DUMP = the Skylake Xeon dump in
# tests/data/cpuid/instlatx64/):
#
#   guest.xlsave   that stream as `xl save` (Xen 4.17) wraps it: xl's header
#                  (magic, byte order 0x01020304, mandatory flags JSON and
#                  STREAMv2, the domain config as optional data), then
#                  libxl's v2 stream: "LibxlFmt" version 2, LIBXC_CONTEXT,
#                  the libxc stream, one EMULATOR_CONTEXT record (a stand-in
#                  body: no device model ran), END.  The layout the tests
#                  build (tests/migration/test_xl_save_file.c) and Xen's
#                  verify-stream-v2 -f xl accepts.
#   twice.stream   the stream with its X86_CPUID_POLICY record given twice,
#                  the second with one more entry repeating leaf 7 subleaf 0
#                  without AVX512F: Xen 4.17's restore keeps the last record,
#                  and in it the last of the repeated entries.
set -eu

[ $# -eq 3 ] || { echo "usage: $0 XEN_CPUID DUMP OUTDIR" >&2; exit 1; }
tool=$1 dump=$2 out=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Bytes of 32-bit values, little- and big-endian.
le32() {
    printf "$(printf '\\%03o\\%03o\\%03o\\%03o' $(($1 & 255)) \
        $(($1 >> 8 & 255)) $(($1 >> 16 & 255)) $(($1 >> 24 & 255)))"
}
be32() {
    printf "$(printf '\\%03o\\%03o\\%03o\\%03o' $(($1 >> 24 & 255)) \
        $(($1 >> 16 & 255)) $(($1 >> 8 & 255)) $(($1 & 255)))"
}
# Bytes [from, from + n) of a file.
part() {
    tail -c +$(($2 + 1)) "$1" | head -c "$3"
}
# A 32-bit little-endian value at an offset of a file.
at32() {
    od -An -tu4 -j "$2" -N 4 "$1" | tr -d ' '
}

"$tool" record --type hvm --cpuid "$dump" -o "$tmp/s" > /dev/null
size=$(wc -c < "$tmp/s")

# The stream: a 40-byte header, then the X86_CPUID_POLICY record.
cpuid_type=$(at32 "$tmp/s" 40)
cpuid_len=$(at32 "$tmp/s" 44)
rest=$((48 + cpuid_len))
# Entries are 24 bytes: leaf, subleaf, eax, ebx, ecx, edx.
entry=48
while [ "$(at32 "$tmp/s" $entry)" != 7 ] || [ "$(at32 "$tmp/s" $((entry + 4)))" != 0 ]; do
    entry=$((entry + 24))
    [ $entry -lt $rest ] || { echo "$0: no leaf 7 in the stream" >&2; exit 1; }
done

{
    part "$tmp/s" 0 "$rest"
    le32 "$cpuid_type"; le32 $((cpuid_len + 24))
    part "$tmp/s" 48 "$cpuid_len"
    le32 7; le32 0; le32 "$(at32 "$tmp/s" $((entry + 8)))"
    le32 $(($(at32 "$tmp/s" $((entry + 12))) & ~(1 << 16)))   # AVX512F
    le32 "$(at32 "$tmp/s" $((entry + 16)))"; le32 "$(at32 "$tmp/s" $((entry + 20)))"
    part "$tmp/s" "$rest" $((size - rest))
} > "$tmp/twice"

config='{"c_info": {"type": "hvm", "name": "guest-hvm-01"}}'
{
    printf 'Xen saved domain, xl format\n \0 \r'
    le32 0x01020304; le32 3; le32 0
    le32 $((4 + ${#config} + 1)); le32 $((${#config} + 1)); printf '%s\0' "$config"
    printf 'LibxlFmt'; be32 2; be32 0
    le32 1; le32 0                                  # LIBXC_CONTEXT
    cat "$tmp/s"
    le32 3; le32 29; le32 2; le32 0                 # EMULATOR_CONTEXT
    printf 'QEVM stand-in context\0\0\0'
    le32 0; le32 0                                  # END
} > "$tmp/xl"

mv "$tmp/twice" "$out/twice.stream"
mv "$tmp/xl" "$out/guest.xlsave"
