#!/bin/sh
# SPDX-License-Identifier: MIT
# callgraph.sh - the file-level call graph of core/ and its circles.
#
# Compiles every core source file on its own (no optimization, no LTO, so
# each call to another file stays an undefined symbol), reads with nm what
# each object defines and what it uses, and prints the strongly connected
# components: groups of files that reach each other through calls. A
# reference to another file's function or table counts as a call, since a
# table of function pointers is how core calls through subsystems.
#
#   mk/callgraph.sh            the circles and a summary
#   mk/callgraph.sh -e         also every file-to-file edge and its symbols
#   mk/callgraph.sh -l FILE    also check the files against the layers FILE
#                              lists (core/README): each line that starts
#                              with "  name.c ...:" is one layer, lowest
#                              first, and "* name.c ...:" one of the
#                              reclaim loop's. A call from a file to one on
#                              a later line is a call up: allowed only
#                              between two loop files. Every call up, every
#                              file the list misses and every name it has
#                              that is no file are printed; exits 1 if any.
#
# Must never: write outside its temporary directory.
set -eu

edges=0
layers=""
while getopts el: opt; do
	case "$opt" in
	e) edges=1 ;;
	l) layers=$OPTARG ;;
	*) echo "usage: $0 [-e] [-l layers-file]" >&2; exit 2 ;;
	esac
done

# The layers file is named from where the caller stands.
[ -n "$layers" ] && layers="$(cd "$(dirname "$layers")" && pwd)/${layers##*/}"
cd "$(dirname "$0")/.."
CC=${CC:-cc}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

# One "file type symbol" line per symbol of every object.
find core -name '*.c' | sort | while read -r src; do
	name=${src#core/}
	obj="$tmp/$(echo "$name" | tr / _).o"
	$CC -std=c11 -D_GNU_SOURCE -I. -O0 -c "$src" -o "$obj"
	nm -P "$obj" | awk -v f="$name" '{ print f, $2, $1 }'
done >"$tmp/syms"

# One "rank loop name" line per file the layers file lists.
: >"$tmp/layers"
[ -n "$layers" ] && awk '
/^[* ] [a-z_\/]+\.c[ a-z_\/.]*:/ {
	loop = substr($0, 1, 1) == "*"
	names = substr($0, 3, index($0, ":") - 3)
	n = split(names, f, " ")
	rank++
	for (i = 1; i <= n; i++)
		print rank, loop, f[i]
}' "$layers" >"$tmp/layers"

awk -v show_edges="$edges" -v layers_file="$tmp/layers" '
# Tarjan: index[], low[] and the stack find each component in one pass.
function strongconnect(v,    i, w, c) {
	idx[v] = low[v] = ++counter
	stack[++sp] = v
	onstack[v] = 1
	for (i = 1; i <= deg[v]; i++) {
		w = adj[v, i]
		if (!(w in idx)) {
			strongconnect(w)
			if (low[w] < low[v])
				low[v] = low[w]
		} else if (onstack[w] && idx[w] < low[v]) {
			low[v] = idx[w]
		}
	}
	if (low[v] == idx[v]) {
		c = ++ncomp
		do {
			w = stack[sp--]
			onstack[w] = 0
			comp[w] = c
			members[c] = members[c] " " w
			size[c]++
		} while (w != v)
	}
}
BEGIN {
	while ((getline line < layers_file) > 0) {
		split(line, l, " ")
		rank[l[3]] = l[1]
		loop[l[3]] = l[2]
		nlayers++
	}
}
{
	file[$1] = 1
	if ($2 == "U")
		use[++nuse] = $1 SUBSEP $3
	else if ($2 ~ /^[TDRBVWG]$/)
		def[$3] = $1
}
END {
	for (i = 1; i <= nuse; i++) {
		split(use[i], p, SUBSEP)
		if (!(p[2] in def) || def[p[2]] == p[1])
			continue
		e = p[1] SUBSEP def[p[2]]
		if (!(e in why)) {
			adj[p[1], ++deg[p[1]]] = def[p[2]]
			nedges++
		}
		why[e] = why[e] " " p[2]
	}
	for (f in file)
		if (!(f in idx))
			strongconnect(f)
	for (c = 1; c <= ncomp; c++)
		if (size[c] > 1) {
			ncircles++
			incircle += size[c]
			printf "circle of %d:%s\n", size[c], members[c]
		}
	nfiles = 0
	for (f in file)
		nfiles++
	printf "%d files, %d file-to-file edges, %d circles holding %d files\n",
	       nfiles, nedges, ncircles + 0, incircle + 0
	if (show_edges)
		for (e in why) {
			split(e, p, SUBSEP)
			printf "%s -> %s:%s\n", p[1], p[2], why[e]
		}
	for (e in why) {
		split(e, p, SUBSEP)
		if (!(p[1] in rank) || !(p[2] in rank) ||
		    rank[p[2]] <= rank[p[1]] || (loop[p[1]] && loop[p[2]]))
			continue
		printf "upward: %s -> %s:%s\n", p[1], p[2], why[e]
		upward++
	}
	if (nlayers) {
		for (f in file)
			if (!(f in rank)) {
				printf "not in the layers: %s\n", f
				upward++
			}
		for (f in rank)
			if (!(f in file)) {
				printf "in the layers but no file: %s\n", f
				upward++
			}
		printf "%d problems with the layers\n", upward + 0
	}
	exit upward > 0
}' "$tmp/syms"
