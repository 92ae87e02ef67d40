#!/bin/sh
# Graph files for other tools: every export format of the example, and of a
# document whose file name (its id) is hostile text, read back by what people
# read them with: networkx, xmllint against the published schemas (offline,
# tests/schemas/), json and csv.  Output must be the same bytes every run.
# usage: tests/exports.sh build/resgraph
set -u
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
here=$(cd "$(dirname "$0")" && pwd)
seed=$here/../tests/fixtures/A-C.1-78-L.11.zh.txt
graphml_xsd=$here/schemas/graphml/graphml.xsd
gexf_rng=$here/schemas/gexf-1.3/gexf.rng
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/lib.sh"
py=python3
$py -c 'import networkx' 2>/dev/null || py=/usr/bin/python3

formats="graphml gml pajek gexf cytoscape node-link edgelist"

# export_all DIR FILE...: every format into DIR/g.FORMAT, Neo4j into DIR/neo4j/
export_all() {
    dir=$1
    shift
    mkdir -p "$dir"
    for f in $formats; do
        "$bin" export -q --format "$f" -o "$dir/g.$f" "$@" 2>"$tmp/err" && ok ||
            bad "export --format $f: $(head -c 300 "$tmp/err")"
    done
    "$bin" export -q --format neo4j -o "$dir/neo4j" "$@" 2>"$tmp/err" && ok ||
        bad "export --format neo4j: $(head -c 300 "$tmp/err")"
}

# valid DIR WHAT: GraphML against the GraphML XSD, GEXF against the GEXF 1.3
# RelaxNG (the published 1.3 XSD does not compile: gephi/gexf#19), no network
valid() {
    xmllint --noout --nonet --schema "$graphml_xsd" "$1/g.graphml" 2>"$tmp/err" && ok ||
        bad "$2: GraphML not valid: $(head -c 300 "$tmp/err")"
    xmllint --noout --nonet --relaxng "$gexf_rng" "$1/g.gexf" 2>"$tmp/err" && ok ||
        bad "$2: GEXF not valid: $(head -c 300 "$tmp/err")"
}

# check MODE DIR [ID]: runs the Python reader below; one line per check
check() {
    $py - "$@" >"$tmp/check" 2>&1 <<'PY'
import csv, json, sys
import networkx as nx
from networkx.readwrite import json_graph

mode, d = sys.argv[1], sys.argv[2]
gexf_versions = nx.readwrite.gexf.GEXF.versions
if "1.3" not in gexf_versions:  # networkx before 3.6 (Debian 12 has 2.8) reads GEXF up to 1.2
    gexf_versions["1.3"] = dict(gexf_versions["1.2draft"], NS_GEXF="http://gexf.net/1.3",
                                NS_VIZ="http://gexf.net/1.3/viz", VERSION="1.3")
INTS = {"session", "year", "weight", "line"}
NODE = ["label", "type", "body", "session", "date", "year", "url"]
EDGE = ["weight", "surface", "file", "line", "para", "verb"]

def check(name, fn):
    try:
        err = fn()
    except Exception as e:
        err = f"{type(e).__name__}: {e}"
    print(f"FAIL: {mode}: {name}: {err}" if err else "ok")

def node_link(path):
    data = json.load(open(path, encoding="utf-8"))
    try:
        return json_graph.node_link_graph(data, edges="edges")
    except TypeError:  # networkx before 3.4 names the keyword `link`
        return json_graph.node_link_graph(data, link="edges")

def cytoscape(path):
    els = json.load(open(path, encoding="utf-8"))["elements"]
    g = nx.MultiDiGraph()
    for n in els["nodes"]:
        g.add_node(n["data"]["id"], **{k: v for k, v in n["data"].items() if k != "id"})
    for e in els["edges"]:
        x = dict(e["data"])
        g.add_edge(x.pop("source"), x.pop("target"), **x)
    return g

def neo4j(path):
    with open(f"{path}/nodes.csv", newline="", encoding="utf-8") as f:
        nodes = list(csv.reader(f))
    with open(f"{path}/edges.csv", newline="", encoding="utf-8") as f:
        edges = list(csv.reader(f))
    assert nodes[0] == ["id:ID", "label", "type", "body", "session:int", "date", "year:int",
                        "url", ":LABEL"], nodes[0]
    assert edges[0] == [":START_ID", ":END_ID", ":TYPE", "weight:int", "surface", "file",
                        "line:int", "para", "verb", "form"], edges[0]
    g = nx.MultiDiGraph()
    for r in nodes[1:]:
        assert r[8] == r[2].capitalize(), r
        g.add_node(r[0], **{k.split(":")[0]: int(v) if k.endswith(":int") else v
                            for k, v in zip(nodes[0][1:8], r[1:8]) if v != ""})
    for r in edges[1:]:
        g.add_edge(r[0], r[1], kind=r[2].lower(),
                   **{k.split(":")[0]: int(v) if k.endswith(":int") else v
                      for k, v in zip(edges[0][3:], r[3:]) if v != ""})
    return g

def edgelist(path):
    lines = open(path, encoding="utf-8").read().split("\n")
    assert lines[0].startswith("#") and lines[-1] == "", lines[0]
    unesc = lambda s: s.replace("\\\\", "\0").replace("\\t", "\t").replace("\\n", "\n") \
                       .replace("\\r", "\r").replace("\0", "\\")
    g = nx.MultiDiGraph()
    for l in lines[1:-1]:
        src, dst, kind, w = l.split("\t")
        g.add_edge(unesc(src), unesc(dst), kind=kind, weight=int(w))
    return g

# Each reader gives a graph keyed by canonical id with the attributes as written.
def graphml(p):
    g = nx.read_graphml(p)
    return nx.relabel_nodes(g, {n: a["id"] for n, a in g.nodes(data=True)})
def gml(p):
    g = nx.read_gml(p)  # the canonical id is GML's label, the short label its name
    for _, a in g.nodes(data=True):
        a["label"] = a.pop("name")
    return g
def gexf(p):
    g = nx.read_gexf(p)
    for _, _, a in g.edges(data=True):
        a.pop("id")
    return g
readers = {"graphml": graphml, "gml": gml, "gexf": gexf, "node-link": node_link,
           "cytoscape": cytoscape, "neo4j": neo4j}
graphs = {}
for f, r in readers.items():
    check(f"read {f}", lambda: graphs.__setitem__(f, r(f"{d}/g.{f}" if f != "neo4j" else f"{d}/neo4j")))
graphs = {f: g for f, g in graphs.items()}

def nodes(g):
    return {n: {k: a[k] for k in NODE if k in a} for n, a in g.nodes(data=True)}
def edges(g, with_attrs=True):
    out = {}
    for u, v, a in g.edges(data=True):
        key = (u, v, a["kind"])
        assert key not in out, f"edge {key} twice"
        out[key] = {k: a[k] for k in EDGE if k in a} if with_attrs else {}
    return out

ref = graphs.get("graphml")
if mode == "example":
    want_n, want_e = 29, 53
    for f, g in graphs.items():
        check(f"{f} counts", lambda: None if (g.number_of_nodes(), g.number_of_edges()) == (want_n, want_e)
              else f"{g.number_of_nodes()} nodes, {g.number_of_edges()} edges")
    for f, g in graphs.items():
        def typed(g=g, f=f):
            for _, a in list(g.nodes(data=True)):
                for k in INTS & a.keys():
                    if type(a[k]) is not int:
                        return f"node {k} is {a[k]!r}"
            for _, _, a in g.edges(data=True):
                for k in INTS & a.keys():
                    if type(a[k]) is not int and not (f == "gexf" and k == "weight"):
                        return f"edge {k} is {a[k]!r}"
        check(f"{f} integers are integers", typed)
    def root():
        a = ref.nodes["A/RES/36/103"]
        assert (a["label"], a["date"], a["year"], a["session"]) == ("36/103", "1981-12-09", 1981, 36), a
        assert "date" not in ref.nodes["A/78/265"], "unknown date written"
        kinds = {k for _, _, k in ref.edges(data="kind")}
        assert kinds <= {"cites", "succeeds"} and "cites" in kinds, kinds
    check("graphml root attributes", root)
    for f, g in graphs.items():
        if f != "graphml":
            check(f"{f} nodes and attributes as GraphML's",
                  lambda g=g: None if nodes(g) == nodes(ref) else
                  str(sorted(set(map(str, nodes(g).items())) ^ set(map(str, nodes(ref).items())))[:300]))
            strip = f == "gexf"  # GEXF's own weight is a double
            check(f"{f} edges and attributes as GraphML's",
                  lambda g=g, strip=strip: None if edges(g) == {k: dict(v, weight=float(v["weight"])) if strip else v
                                                             for k, v in edges(ref).items()}
                  else str(sorted(set(edges(g)) ^ set(edges(ref))))[:300])
    def gexf_start():
        g = nx.read_gexf(f"{d}/g.gexf")
        for n, a in g.nodes(data=True):
            want = f"{ref.nodes[n]['year']:04d}-01-01" if "year" in ref.nodes[n] else None
            if a.get("start") != want:
                return f"{n} starts {a.get('start')!r}, its year is {ref.nodes[n].get('year')}"
    check("gexf nodes start in their year", gexf_start)
    def el():
        g = edgelist(f"{d}/g.edgelist")
        assert {k: v["weight"] for k, v in edges(g).items()} == \
               {k: v["weight"] for k, v in edges(ref).items()}
    check("edgelist edges as GraphML's", el)
    def pajek():
        raw = open(f"{d}/g.pajek", "rb").read()
        assert raw.startswith(b"\xef\xbb\xbf*Network"), raw[:20]
        # networkx keeps the byte-order mark on the first line, the *Network
        # line, which it then skips: the graph reads as is, without its name
        g = nx.read_pajek(f"{d}/g.pajek")
        assert (g.number_of_nodes(), g.number_of_edges()) == (want_n, want_e), g
        g = nx.read_pajek(f"{d}/g.pajek", encoding="utf-8-sig")
        assert g.graph["name"] == "resgraph"
        labels = {a["label"] for _, a in ref.nodes(data=True)}
        assert set(g) == labels, set(g) ^ labels
        lab = {n: a["label"] for n, a in ref.nodes(data=True)}
        got = sorted((u, v, a["l"], a["weight"]) for u, v, a in g.edges(data=True))
        want = sorted((lab[u], lab[v], a["kind"], float(a["weight"])) for u, v, a in ref.edges(data=True))
        assert got == want, set(got) ^ set(want)
    check("pajek with byte-order mark", pajek)
else:
    hostile = sys.argv[3]
    xml_id = "".join(c for c in hostile if c >= " " or c in "\t\n\r")  # XML 1.0 has no \x01
    pajek_id = "".join(" " if c < " " else "'" if c == '"' else "/" if c == "\\" else c for c in hostile)
    want = {"graphml": xml_id, "gexf": xml_id, "gml": hostile, "node-link": hostile,
            "cytoscape": hostile, "neo4j": hostile}
    for f, g in graphs.items():
        check(f"{f} keeps the hostile id",
              lambda g=g, f=f: None if set(g) == {want[f], "A/RES/36/103"}
              and g.has_edge(want[f], "A/RES/36/103") and g.number_of_edges() == 1 else repr(list(g)))
    check("edgelist keeps the hostile id",
          lambda: None if list(edgelist(f"{d}/g.edgelist").edges()) == [(hostile, "A/RES/36/103")] else "differs")
    check("pajek reads",
          lambda: None if set(nx.read_pajek(f"{d}/g.pajek", encoding="utf-8-sig")) == {pajek_id, "36/103"}
          else repr(list(nx.read_pajek(f"{d}/g.pajek", encoding="utf-8-sig"))))
PY
    grep -q . "$tmp/check" || bad "$1: the Python checks printed nothing"
    while IFS= read -r line; do
        case $line in
        ok) ok ;;
        *) bad "${line#FAIL: }" ;;
        esac
    done <"$tmp/check"
}

# --- the example: 29 documents, 53 citations -------------------------------------------
export_all "$tmp/a" "$seed"
export_all "$tmp/b" "$seed"
for f in $formats; do
    cmp -s "$tmp/a/g.$f" "$tmp/b/g.$f" && ok || bad "$f differs between two runs"
done
for f in nodes edges; do
    cmp -s "$tmp/a/neo4j/$f.csv" "$tmp/b/neo4j/$f.csv" && ok || bad "neo4j $f.csv differs between two runs"
done
valid "$tmp/a" example
check example "$tmp/a"
# export --help names every attribute the files carry
"$bin" export --help | tr -s ' \n' '  ' >"$tmp/help"
for key in $(sed -n 's/.*<key id="\([a-z]*\)" for="\(node\|edge\)".*/\1/p' "$tmp/a/g.graphml"); do
    grep -qE "(^|[ (,;])$key[ ,;.)]" "$tmp/help" && ok || bad "export --help does not name the attribute $key"
done

# the schemas bite: an edge to a node that is not there, an attribute value without value
sed 's/target="n0"/target="n999"/' "$tmp/a/g.graphml" >"$tmp/bad.graphml"
xmllint --noout --nonet --schema "$graphml_xsd" "$tmp/bad.graphml" 2>/dev/null &&
    bad "the GraphML schema takes an edge to a missing node" || ok
sed 's/<attvalue for="2" value="[^"]*"/<attvalue for="2"/' "$tmp/a/g.gexf" >"$tmp/bad.gexf"
xmllint --noout --nonet --relaxng "$gexf_rng" "$tmp/bad.gexf" 2>/dev/null &&
    bad "the GEXF schema takes an attribute value without value" || ok
# two nodes with the same short label (36/103): Pajek names them by id, or
# networkx, which names vertices by label, would merge them
printf '{"doc":"36/103","id":"A/RES/36/103"}\n' >"$tmp/same-label.jsonl"
"$bin" export -q --format pajek -o "$tmp/same-label.net" --citations "$tmp/same-label.jsonl" &&
    $py -c 'import sys, networkx as nx; sys.exit(len(nx.read_pajek(sys.argv[1], encoding="utf-8-sig")) != 2)' \
        "$tmp/same-label.net" && ok || bad "pajek: two nodes with one short label merge"
"$bin" export -q --format dot "$seed" >/dev/null 2>&1
[ $? -eq 2 ] && ok || bad "an unknown export format is not a usage error"

# --- hostile text: a document whose id falls back to its file name --------------------
# quotes, backslash, <, >, &, a tab, a control character and a byte that is no UTF-8
name=$(printf 'h"q'"'"'\\<a&b>c\td\001e\377f')
mkdir "$tmp/h"
printf '回顾其第 36/103 号决议，\n' >"$tmp/h/$name.txt"
id=$("$bin" extract -q "$tmp/h/$name.txt" | $py -c 'import json,sys; print(json.loads(sys.stdin.readline())["doc"], end="")')
[ -n "$id" ] && ok || bad "hostile document: extract gave no id"
export_all "$tmp/ha" "$tmp/h/$name.txt"
valid "$tmp/ha" hostile
for f in cytoscape node-link; do
    $py -c 'import json,sys; json.load(open(sys.argv[1], encoding="utf-8"))' "$tmp/ha/g.$f" && ok ||
        bad "hostile: $f is not JSON"
done
check hostile "$tmp/ha" "$id"

finish
