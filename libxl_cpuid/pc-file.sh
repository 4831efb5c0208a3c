#!/bin/sh
# SPDX-License-Identifier: MIT
#
# pc-file.sh PREFIX LIBDIR INCLUDEDIR PKGCONFIGDIR VERSION LIBS_PRIVATE < .pc.in
#
# Writes libxl_cpuid.pc (stdout) for an install into those directories,
# relocatable: moved elsewhere as a whole, the tree still builds programs,
# with or without pkg-config --define-prefix.
#
# pkg-config's --define-prefix takes the prefix to be the directory two
# levels above the .pc file (PREFIX/lib/pkgconfig -> PREFIX) and rewrites
# the values that start with the prefix the file names.  So:
#   - when PKGCONFIGDIR is PREFIX/DIR/pkgconfig (LIBDIR = PREFIX/lib, the
#     default), the file is the usual one: prefix=PREFIX and the
#     directories below it as ${prefix}/...;
#   - otherwise (LIBDIR = PREFIX/lib/x86_64-linux-gnu, say), that rule
#     would find PREFIX/lib: the directories below PREFIX are written
#     relative to the file itself, ${pcfiledir}/..., which
#     --define-prefix leaves alone and which stay right wherever the tree
#     is moved.
# A directory outside PREFIX is written as it is (it cannot move with it).
#
# The libraries libxl_cpuid links (libxml2, libxenctrl, ...) are named in
# Libs.private, for static links, and not as Requires.private: pkg-config
# adds the Cflags of those packages to --cflags, and no public header
# needs theirs, so a program's include path gets nothing but ours.
set -eu

[ $# -eq 6 ] || { echo "usage: $0 PREFIX LIBDIR INCLUDEDIR PKGCONFIGDIR VERSION LIBS_PRIVATE" >&2; exit 1; }
prefix=$(realpath -m "$1")
libdir=$(realpath -m "$2")
includedir=$(realpath -m "$3")
pcdir=$(realpath -m "$4")

if [ "$(dirname "$(dirname "$pcdir")")" = "$prefix" ]; then
    base='${prefix}' from=$prefix top=$prefix
else
    base='${pcfiledir}' from=$pcdir
    top="\${pcfiledir}/$(realpath -m --relative-to="$pcdir" "$prefix")"
fi

# A directory as the .pc file says it.
dir() {
    case $1/ in
    "$prefix"/*) echo "$base/$(realpath -m --relative-to="$from" "$1")" | sed 's|/\.$||' ;;
    *) echo "$1" ;;
    esac
}

sed -e "s|@PREFIX@|$top|" -e "s|@LIBDIR@|$(dir "$libdir")|" \
    -e "s|@INCLUDEDIR@|$(dir "$includedir")|" -e "s|@VERSION@|$5|" \
    -e "s|@LIBS_PRIVATE@|$6|"
