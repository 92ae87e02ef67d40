#!/bin/sh
# The rendered example outputs in graphs/: up to date (output is deterministic,
# so regenerating gives the same bytes), valid, and readable by the tools
# analysts use.
# usage: tests/graph-files.sh build/resgraph
set -u
bin=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/lib.sh"

for d in a b; do
    scripts/make-graphs "$bin" "$tmp/$d" A-C.1-78-L.11 tests/fixtures/A-C.1-78-L.11.zh.txt >/dev/null &&
        scripts/make-graphs "$bin" "$tmp/$d" ict-series tests/fixtures/ict/*.txt >/dev/null ||
        bad "make-graphs failed"
done
for f in "$tmp"/a/*; do
    name=$(basename "$f")
    cmp -s "$f" "$tmp/b/$name" && ok || bad "$name differs between two runs"
    if cmp -s "$f" "graphs/$name"; then ok; else bad "graphs/$name is stale: run 'make graphs'"; fi
done
for f in graphs/*.svg graphs/*.graphml; do
    xmllint --noout "$f" && ok || bad "$f is not valid XML"
done
for f in graphs/*.dot; do
    dot -Tsvg "$f" >/dev/null 2>"$tmp/dot.err" && [ ! -s "$tmp/dot.err" ] && ok ||
        bad "dot cannot read $f: $(cat "$tmp/dot.err")"
done

# networkx reads the GraphML back with the same nodes and edges
py=python3
$py -c 'import networkx' 2>/dev/null || py=/usr/bin/python3
for f in graphs/*.graphml; do
    nodes=$(xmllint --xpath 'count(//*[local-name()="node"])' "$f")
    edges=$(xmllint --xpath 'count(//*[local-name()="edge"])' "$f")
    got=$($py - "$f" <<'PY'
import sys, networkx as nx
g = nx.read_graphml(sys.argv[1])
kinds = sorted({d["kind"] for _, _, d in g.edges(data=True)})
ids = {d["id"] for _, d in g.nodes(data=True)}
print(g.number_of_nodes(), g.number_of_edges(), ",".join(kinds), "A/RES/36/103" in ids)
PY
)
    [ "$got" = "$nodes $edges cites,succeeds True" ] && ok ||
        bad "networkx read $f as '$got', the file has $nodes nodes and $edges edges"
done
# the seed's own figures
[ "$(xmllint --xpath 'count(//*[local-name()="node"])' graphs/A-C.1-78-L.11.graphml)" = 29 ] && ok || bad "seed graph: 29 nodes expected"
grep -q "longest chain: 27 documents" graphs/A-C.1-78-L.11.lineage.txt && ok || bad "seed lineage: 27 documents expected"

finish
