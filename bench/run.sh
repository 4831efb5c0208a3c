#!/bin/sh
# SPDX-License-Identifier: MIT
#
# `make bench`: levelling and start-up benchmarks, each row with its
# target (issue 18).  Never part of `make test`.
#
#   1. levelling 10 / 1,000 / 1,000,000 featuresets held in memory
#      (bench/level-mem.c), per host time and peak RSS;
#   2. start-up plus `info --cpuid DUMP`, and 1,000 generated CPUID dump
#      files levelled end to end;
#   3. xen-cpuid level against `virsh -c test:///default cpu-baseline` on
#      the same file of 1,000 libvirt host <cpu> elements, both whole
#      processes, for three shapes of host (bench/gen-libvirt-cpus.py):
#        caps    as `virsh capabilities` prints a host CPU (a model, the
#                host's extra features, the host details)
#        sparse  a model and at most three features
#        486     the model 486 plus every feature the host has
#      with the per-host cost of our phases (bench/libvirt-phases.c):
#      parse (XML to <cpu>), map (names to featuresets, derivation) and
#      level (the pool and its report, before printing);
#   4. 100,000 capabilities-like hosts, text and --json: time and peak RSS,
#      and what libxml2's parser alone takes on that file
#      (bench/libxml2-floor.c), the floor of any reader built on it;
#   5. the tool's everyday commands (bench/tool-rows.sh).
# Medians over repeated runs (timeit: whole processes, one warm-up).
# Inputs are generated into a temporary directory from the shared dumps,
# deterministically (fixed seeds).  The load average is printed before
# and after: other work on the machine skews every row.  BENCH_INSTR=1
# adds callgrind's instruction counts for the main rows (reproducible
# whatever the load; needs valgrind).  BENCH_RUNS=N changes the runs.
set -eu

BUILD=${BUILD:-build}
CC=${CC:-cc}
SHARED=${XFS_DATA:-$(pwd)/tests/data}
BENCH=$(cd "$(dirname "$0")" && pwd)
OUT=$BUILD/bench
TOOL=$BUILD/xen-cpuid
CPU_MAP=/usr/share/libvirt/cpu_map
RUNS=${BENCH_RUNS:-11}
DUMP=$SHARED/cpuid/instlatx64/GenuineIntel00C06F2_EmeraldRapids_01.xml
[ -f "$DUMP" ] || DUMP=$(ls "$SHARED"/cpuid/instlatx64/GenuineIntel*.xml | tail -1)

mkdir -p "$OUT"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
# The tool's cpu_map cache lives here for the run (the first use writes it).
export XDG_CACHE_HOME="$tmp/cache"

# The Makefile passes its package flags; the same libraries as the tool.
for prog in level-mem libvirt-phases libxml2-floor; do
    $CC -O2 -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -I. ${PKG_CFLAGS:-} \
        -o "$OUT/$prog" "$BENCH/$prog.c" "$BUILD/libxl_cpuid.a" \
        ${PKG_LIBS:-} -lpthread
done
$CC -O2 -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror \
    -o "$OUT/timeit" "$BENCH/timeit.c"

row() { printf '%-44s %11s %11s %9s %9s  %s\n' "$@"; }
# below VALUE TARGET -> "ok" / "MISSED (by N%)"
below() {
    awk -v v="$1" -v t="$2" 'BEGIN {
        if (v <= t) print "ok";
        else printf "MISSED (+%.0f%%)\n", (v - t) * 100 / t }'
}
# ratio_ok PEER OURS MIN -> "N.Nx ok" / "N.Nx MISSED"
ratio_ok() {
    awk -v p="$1" -v o="$2" -v m="$3" 'BEGIN {
        r = p / o; printf "%.1fx %s\n", r, (r >= m ? "ok" : "MISSED") }'
}
per_host() { awk -v m="$1" -v n="$2" 'BEGIN { printf "%.2f us", m * 1000 / n }'; }
# Parse runs on one CPU, parse+map on every CPU (as level reads a file):
# map is not parse+map minus parse, so both are shown whole; +level is
# what the report adds on top of parse+map.
phases_row() {
    row "    per host: parse 1 CPU | parse+map | +level" \
        "$(awk -v a="$2" -v b="$3" -v c="$4" -v n="$1" 'BEGIN {
            printf "%.1f|%.1f|%.1f us", a * 1000 / n, b * 1000 / n,
                   (c - b) * 1000 / n }')" "" "" "" ""
}
mib() { echo "$(($1 / 1024)) MiB"; }
load() { cut -d' ' -f1-3 /proc/loadavg; }

have_python=yes
command -v python3 >/dev/null || have_python=no
have_virsh=yes
if ! command -v virsh >/dev/null || [ ! -d "$CPU_MAP" ]; then
    have_virsh=no
fi

echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-)"
echo "load average before: $(load) (other work skews every row)"
echo "medians of $RUNS runs (in-memory rows: more runs for the small sizes)"
echo
row "case" "median" "per host" "peak RSS" "target" "result"
row "----" "------" "--------" "--------" "------" "------"

# 1. In memory.
for spec in "10 1001 attach" "1000 201 attach" "1000 201 single" \
            "1000000 $RUNS attach" "1000000 $RUNS copy"; do
    set -- $spec
    r=$("$OUT/level-mem" "$SHARED" "$1" "$2" "$3")
    set -- $r
    target=-; result=-
    if [ "$1" = 1000000 ] && [ "$2" = attach ]; then
        target="10 ms"; result=$(below "$3" 10)
    fi
    row "in memory: $1 featuresets ($2)" "$3 ms" "$5 ns" "$(mib "$6")" \
        "$target" "$result"
done

# 2. Start-up, and 1,000 dump files end to end (`xen-cpuid level -`).
set -- $("$OUT/timeit" "$RUNS" 0 -- "$TOOL" info --cpuid "$DUMP")
row "start-up + info --cpuid DUMP" "$1 ms" "-" "$(mib "$4")" "2 ms" \
    "$(below "$1" 2)"
if [ $have_python = yes ]; then
    python3 "$BENCH/gen-dumps.py" "$SHARED" "$tmp/dumps" 1000
    ls "$tmp"/dumps/* > "$tmp/dumps.list"
    set -- $("$OUT/timeit" "$RUNS" 0,4 "<$tmp/dumps.list" -- \
             "$TOOL" level --type pv -)
    row "xen-cpuid level: 1,000 dump files" "$1 ms" "$(per_host "$1" 1000)" \
        "$(mib "$4")" "40 ms" "$(below "$1" 40)"
else
    echo "skipped: 1,000 dump files (python3 not found to generate them)"
fi

# 3. Against virsh cpu-baseline on 1,000 host <cpu> elements, by shape.
shape_rows() {
    shape=$1
    file=$tmp/$shape-1000.xml
    python3 "$BENCH/gen-libvirt-cpus.py" "$SHARED" "$CPU_MAP" "$file" 1000 \
        "$shape"
    # Ours must read the file first: if it cannot, say so, never fake a row.
    status=0
    "$TOOL" level --type pv "$file" > "$tmp/ours.out" 2> "$tmp/ours.err" \
        || status=$?
    if [ $status -ne 0 ] && [ $status -ne 4 ]; then
        row "level $shape: 1,000 <cpu>" "skipped" "-" "-" ">= 10x" "not run"
        echo "  (xen-cpuid could not read the file: $(cat "$tmp/ours.err"))"
        return 0
    fi
    set -- $("$OUT/timeit" "$RUNS" 0 -- virsh -c test:///default \
             cpu-baseline "$file")
    virsh_ms=$1
    row "  virsh cpu-baseline ($shape, $(($(wc -c < "$file") / 1024)) KiB)" \
        "$1 ms" "$(per_host "$1" 1000)" "$(mib "$4")" "-" "-"
    set -- $("$OUT/timeit" "$RUNS" 0,4 -- "$TOOL" level --type pv "$file")
    row "  xen-cpuid level ($shape)" "$1 ms" "$(per_host "$1" 1000)" \
        "$(mib "$4")" ">= 10x" "$(ratio_ok "$virsh_ms" "$1" 10)"
    set -- $("$OUT/libvirt-phases" "$file" "$RUNS")
    phases_row "$@"
    echo "    models: virsh baseline $(virsh -c test:///default cpu-baseline \
        "$file" | sed -n "s:.*<model[^>]*>\(.*\)</model>.*:\1:p"), xen-cpuid" \
        "guest CPU $(sed -n "s:.*<model[^>]*>\(.*\)</model>.*:\1:p" \
        "$tmp/ours.out" | grep . || echo "none (level exit $status)")"
}
if [ $have_python = yes ] && [ $have_virsh = yes ]; then
    echo "libvirt host files, 1,000 <cpu> each: virsh cpu-baseline and" \
         "xen-cpuid level (phases: bench/libvirt-phases.c, one CPU for parse)"
    for shape in caps sparse 486; do
        shape_rows $shape
    done
else
    echo "skipped: virsh comparison (needs python3, virsh and $CPU_MAP;" \
         "apt-get install libvirt-clients libvirt-daemon)"
fi

# 4. 100,000 capabilities-like hosts.
if [ $have_python = yes ] && [ -d "$CPU_MAP" ]; then
    big=$tmp/caps-100000.xml
    python3 "$BENCH/gen-libvirt-cpus.py" "$SHARED" "$CPU_MAP" "$big" 100000 \
        caps
    size=$(($(wc -c < "$big") / 1048576))
    big_runs=$(( RUNS < 5 ? RUNS : 5 ))
    for json in "" --json; do
        set -- $("$OUT/timeit" "$big_runs" 0,4 -- "$TOOL" level $json \
                 --type pv "$big")
        row "level $json 100,000 caps hosts ($size MiB)" "$1 ms" \
            "$(per_host "$1" 100000)" "$(mib "$4")" "600 ms" \
            "$(below "$1" 600), RSS $(below "$4" 65536)"
    done
    set -- $("$OUT/libvirt-phases" "$big" 1)
    phases_row "$@"
    # What libxml2 alone costs on the file: a floor for any reader built
    # on it, the time shared out over every CPU as if perfectly parallel.
    set -- $("$OUT/libxml2-floor" "$big" 3)
    row "    libxml2 SAX alone, no-op callbacks" "$1 ms" \
        "$(per_host "$1" 100000)" "-" "1 CPU" \
        "$(awk -v t="$1" -v c="$(nproc)" 'BEGIN {
            printf "floor %.0f ms on %d CPUs", t / c, c }')"
fi

# Instruction counts, reproducible whatever else runs.
if [ "${BENCH_INSTR:-0}" = 1 ] && command -v valgrind >/dev/null; then
    echo
    echo "instructions (callgrind, all threads):"
    instr() {
        valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" \
            2>&1 >/dev/null | sed -n 's/.*refs: *//p'
    }
    echo "  start-up + info --cpuid DUMP  $(instr "$TOOL" info --cpuid "$DUMP")"
    if [ $have_python = yes ]; then
        echo "  level, 1,000 dump files       $(instr "$TOOL" level \
            --type pv - < "$tmp/dumps.list")"
        for shape in caps sparse 486; do
            [ -f "$tmp/$shape-1000.xml" ] &&
                echo "  level, 1,000 <cpu> ($shape)  $(instr "$TOOL" level \
                    --type pv "$tmp/$shape-1000.xml")"
        done
    fi
fi

# 5. Everyday commands, one table.
echo
SHARED="$SHARED" TOOL="$TOOL" OUT="$OUT" TMP="$tmp" RUNS="$RUNS" \
    have_python=$have_python sh "$BENCH/tool-rows.sh"
echo
echo "load average after: $(load)"
