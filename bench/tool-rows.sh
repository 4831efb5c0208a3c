#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Part of `make bench` (bench/run.sh sets SHARED TOOL OUT TMP RUNS
# have_python): xen-cpuid's everyday commands as whole processes, medians
# of RUNS runs (one warm-up), with virsh beside them where it does
# comparable work on the same input:
#
#   start-up         xen-cpuid --help           | virsh --version
#   info (live CPU)  xen-cpuid info (the simulated hypervisor over this CPU
#                    when no Xen runs)          | none: the test driver's
#                                                 host is canned, not read
#   info (one dump)  xen-cpuid info --cpuid DUMP | none
#   model            xen-cpuid model --cpuid DUMP CPU.xml: load the cpu_map,
#                    translate one <cpu>        | virsh cpu-baseline CPU.xml:
#                    load the cpu_map, read the same <cpu>, name its model
#                    (cpu-compare/hypervisor-cpu-compare are not supported
#                    by the test driver; cpu-models only lists names)
#   record           xen-cpuid record --type hvm -o FILE POLICY.json | none
#   restore-check    xen-cpuid restore-check --cpuid DUMP FILE      | none
#
# CPU.xml is the dump's host-model <cpu> written as a host <cpu> (with
# <arch>, as virsh requires; the same file for both).  POLICY.json is the
# dump's HVM default policy from `xen-cpuid policy --json`.
set -eu

DUMP=$SHARED/cpuid/instlatx64/GenuineIntel00C06F2_EmeraldRapids_01.xml
[ -f "$DUMP" ] || DUMP=$(ls "$SHARED"/cpuid/instlatx64/GenuineIntel*.xml | tail -1)
have_virsh=yes
command -v virsh >/dev/null || have_virsh=no

line() { printf '%-34s %12s   %-34s %12s %8s\n' "$@"; }

# median_ms OK_CODES CMD... -> the median, or "failed"
median() {
    codes=$1
    shift
    r=$("$OUT/timeit" "$RUNS" "$codes" -- "$@" 2>/dev/null) || {
        echo failed
        return 0
    }
    echo "${r%% *} ms"
}

ratio() { # ours peer -> "N.Nx" (peer time / ours)
    awk -v o="${1% ms}" -v p="${2% ms}" \
        'BEGIN { if (o > 0 && p > 0) printf "%.1fx", p / o; else print "-" }'
}

# row CASE OUR_CODES "OUR CMD" PEER_LABEL PEER_CODES "PEER CMD"
row() {
    ours=$(eval median "$2" $3)
    if [ "$4" = - ] || [ $have_virsh = no ]; then
        line "$1" "$ours" "-" "-" "-"
        return 0
    fi
    peer=$(eval median "$5" $6)
    line "$1" "$ours" "$4" "$peer" "$(ratio "$ours" "$peer")"
}

# Inputs, made by the tool itself from the dump.
# (its comments, the model pin among them, may span lines: dropped whole)
"$TOOL" host-model --type hvm --cpuid "$DUMP" |
    awk '/^<!--/ { c = 1 } !c { print } /-->$/ { c = 0 }' |
    sed -e "s/ mode='custom' match='exact'//" \
        -e "s/ fallback='forbid'//" -e "s/policy='require' //" \
        -e "/policy='disable'/d" -e "s|^<cpu>|<cpu>\n  <arch>x86_64</arch>|" \
    > "$TMP/one-cpu.xml"
if [ "$have_python" = yes ]; then
    "$TOOL" policy --cpuid "$DUMP" --json > "$TMP/policies.json"
    python3 - "$TMP/policies.json" "$TMP/policy.json" <<'EOF'
import json, sys
pol = [p for p in json.load(open(sys.argv[1]))["policies"]
       if p["name"] == "HVM Default"][0]
leaves = [dict(l, subleaf=l["subleaf"] if l["subleaf"] is not None
               else "0xffffffff") for l in pol["leaves"]]
json.dump({"format": "xen-cpu-policy", "version": 1, "type": "hvm",
           "cpuid": leaves, "msr": pol["msrs"]}, open(sys.argv[2], "w"))
EOF
    "$TOOL" record --type hvm -o "$TMP/guest.stream" "$TMP/policy.json" \
        > /dev/null
fi

echo "xen-cpuid commands (dump: $(basename "$DUMP")), medians of $RUNS runs"
line "case" "xen-cpuid" "peer" "peer" "peer/us"
line "----" "---------" "----" "----" "-------"
row "start-up (--help)" 0 '"$TOOL" --help' \
    "virsh --version" 0 'virsh --version'
row "info, live CPU (simulated Xen)" 0 '"$TOOL" info' - - -
row "info --cpuid DUMP" 0 '"$TOOL" info --cpuid "$DUMP"' - - -
row "model --cpuid DUMP CPU.xml" 0,4 \
    '"$TOOL" model --type hvm --cpuid "$DUMP" "$TMP/one-cpu.xml"' \
    "virsh cpu-baseline CPU.xml" 0 \
    'virsh -c test:///default cpu-baseline "$TMP/one-cpu.xml"'
if [ "$have_python" = yes ]; then
    row "record -o FILE POLICY.json" 0 \
        '"$TOOL" record --type hvm -o "$TMP/bench.stream" "$TMP/policy.json"' \
        - - -
    row "restore-check --cpuid DUMP FILE" 0,4 \
        '"$TOOL" restore-check --cpuid "$DUMP" "$TMP/guest.stream"' - - -
else
    echo "skipped: record / restore-check (python3 makes the policy file)"
fi
