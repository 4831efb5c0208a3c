#!/bin/sh
# SPDX-License-Identifier: MIT
#
# install-headers.sh DIR HEADER...   (run from the repository root)
#
# Installs the public headers (tree paths) under DIR, the directory users
# reach as <libxl_cpuid/...> ($(includedir)/libxl_cpuid), so that
# -I$(includedir) is all a program needs and no other top-level name
# (xen/, public/) enters its include path:
#
#   libxl_cpuid/X   ->  DIR/X           the library's own; the umbrella on top
#   xen/X           ->  DIR/xen/X       the freestanding core
#   public/X        ->  DIR/public/X    the ABI
#
# Moving libxl_cpuid/ up one level changes the relative path between its
# headers and the others, so every quoted #include is rewritten to name
# the same header at its installed place, relative to the including file
# (as in the tree: no include path is searched).  Nothing else changes.
# A quoted #include of a header that is not being installed is an error,
# naming both.
set -eu

[ $# -ge 2 ] || { echo "usage: $0 DIR HEADER..." >&2; exit 1; }
dir=$1
shift

for h in "$@"; do
    case $h in
    libxl_cpuid/*) rel=${h#libxl_cpuid/} ;;
    *) rel=$h ;;
    esac
    mkdir -p "$dir/$(dirname "$rel")"
    awk -v self="$h" -v list="$*" '
    # "a/b/../c/./d" -> "a/c/d" (tree paths never climb above the root).
    function norm(p,    n, i, parts, out, k) {
        n = split(p, parts, "/")
        k = 0
        for (i = 1; i <= n; i++) {
            if (parts[i] == "" || parts[i] == ".")
                continue
            if (parts[i] == "..") {
                if (k == 0)
                    return ""
                k--
            } else
                out[++k] = parts[i]
        }
        p = ""
        for (i = 1; i <= k; i++)
            p = p (i > 1 ? "/" : "") out[i]
        return p
    }
    function installed(p) {
        return p ~ /^libxl_cpuid\// ? substr(p, 13) : p
    }
    function dirof(p) {
        return p ~ /\// ? substr(p, 1, match(p, /\/[^\/]*$/) - 1) : ""
    }
    # The path of file `to` relative to directory `from` (both from the
    # same root).
    function relative(from, to,    nf, nt, f, t, i, k, r) {
        nf = from == "" ? 0 : split(from, f, "/")
        nt = split(to, t, "/")
        for (i = 1; i <= nf && i < nt && f[i] == t[i]; i++)
            ;
        r = ""
        for (k = i; k <= nf; k++)
            r = r "../"
        for (k = i; k <= nt; k++)
            r = r t[k] (k < nt ? "/" : "")
        return r
    }
    BEGIN {
        n = split(list, l, " ")
        for (i = 1; i <= n; i++)
            want[l[i]] = 1
        from = dirof(installed(self))
    }
    /^[ \t]*#[ \t]*include[ \t]*"[^"]*"/ {
        q1 = index($0, "\"")
        rest = substr($0, q1 + 1)
        q2 = index(rest, "\"")
        name = substr(rest, 1, q2 - 1)
        d = dirof(self)
        target = norm((d == "" ? "" : d "/") name)
        if (!(target in want)) {
            printf "install-headers: %s includes \"%s\" (%s), which is not installed\n", self, name, target > "/dev/stderr"
            exit 1
        }
        # Unchanged where the tree'"'"'s path already reaches it from here.
        if (norm((from == "" ? "" : from "/") name) != installed(target))
            name = relative(from, installed(target))
        print substr($0, 1, q1) name substr(rest, q2)
        next
    }
    { print }
    ' "$h" > "$dir/$rel.tmp" || { rm -f "$dir/$rel.tmp"; exit 1; }
    chmod 0644 "$dir/$rel.tmp"
    mv "$dir/$rel.tmp" "$dir/$rel"
done
