#!/bin/sh
# SPDX-License-Identifier: MIT
#
# object-cycles.sh OBJECT...
#
# Fails when the given object files depend on each other in a circle.
# Object A depends on object B when A uses a global symbol that B defines
# (as nm lists them).  A circle means neither file can be understood,
# tested or moved without the other: the concept they share wants one
# home that the others call.  Every strongly connected group of more than
# one object is printed with the symbols that tie it, and the exit status
# is 1; 0 when there is none, 2 when nm cannot read an object.
#
# `make test` runs it over the objects of $(CYCLE_DIRS); a test
# (tests/core/test_object_cycles.c) checks that it does fail on a circle.

if [ $# -eq 0 ]; then
    echo "usage: $0 OBJECT..." >&2
    exit 2
fi
syms=$(nm -A -- "$@") || { echo "$0: nm failed" >&2; exit 2; }

printf '%s\n' "$syms" | awk '
# nm -A lines: "file:address T name" (defined) or "file:   U name" (used).
{
    i = index($1, ":")
    if (i == 0 || NF < 2)
        next
    file = substr($1, 1, i - 1)
    type = $(NF - 1)
    name = $NF
    if (!(file in id)) {
        id[file] = ++nobj
        obj[nobj] = file
    }
    if (type == "U")
        used[++nused] = id[file] SUBSEP name
    else if (type ~ /^[A-TV-Z]$/)          # global, any section but U
        defs[name] = defs[name] " " id[file]
}

# The edges: a use of a symbol defined elsewhere in the set.
function add_edges(   k, parts, v, name, n, d, j, w) {
    for (k = 1; k <= nused; k++) {
        split(used[k], parts, SUBSEP)
        v = parts[1]; name = parts[2]
        if (!(name in defs))
            continue
        n = split(defs[name], d, " ")
        for (j = 1; j <= n; j++) {
            w = d[j] + 0
            if (w == v)
                continue
            if (!((v, w) in via))
                adj[v, ++nadj[v]] = w
            via[v, w] = via[v, w] " " name
        }
    }
}

# Tarjan: strongly connected components, the stack in global arrays.
function visit(v,   k, w) {
    index_of[v] = low[v] = ++counter
    stack[++sp] = v
    on_stack[v] = 1
    for (k = 1; k <= nadj[v]; k++) {
        w = adj[v, k]
        if (!(w in index_of)) {
            visit(w)
            if (low[w] < low[v])
                low[v] = low[w]
        } else if (on_stack[w] && index_of[w] < low[v]) {
            low[v] = index_of[w]
        }
    }
    if (low[v] == index_of[v])
        pop_component(v)
}

function pop_component(v,   n, w, i, j, t, names) {
    n = 0
    do {
        w = stack[sp--]
        on_stack[w] = 0
        member[++n] = w
    } while (w != v)
    if (n < 2)
        return
    # Members by name, so that the report reads the same every time.
    for (i = 2; i <= n; i++)
        for (j = i; j > 1 && obj[member[j - 1]] > obj[member[j]]; j--) {
            t = member[j]; member[j] = member[j - 1]; member[j - 1] = t
        }
    cycles++
    names = obj[member[1]]
    for (i = 2; i <= n; i++)
        names = names " <-> " obj[member[i]]
    print "dependency cycle: " names
    for (i = 1; i <= n; i++)
        for (j = 1; j <= n; j++)
            if ((member[i], member[j]) in via)
                print "  " obj[member[i]] " uses " obj[member[j]] ":" \
                      via[member[i], member[j]]
}

END {
    add_edges()
    for (v = 1; v <= nobj; v++)
        if (!(v in index_of))
            visit(v)
    if (cycles) {
        print cycles " dependency cycle(s) between " nobj " objects: " \
              "give the shared concept one file that the others call"
        exit 1
    }
    print "object-cycles: no dependency cycle between " nobj " objects"
}
' || exit 1
