#!/bin/sh
# Lineage analysis against golden outputs: the ICT series fixture (chains, counts,
# splits and merges, main paths, the backbone, generations), exact counts on
# generated series, cycles, and citations files.
# usage: tests/lineage.sh build/resgraph
set -u
bin=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/lib.sh"
golden() { # NAME COMMAND...: the command's output equals tests/golden/ict/NAME
    name=$1; shift
    "$@" >"$tmp/out" 2>"$tmp/err" || { bad "$name: exit $? ($(head -c 300 "$tmp/err"))"; return; }
    if cmp -s "$tmp/out" "tests/golden/ict/$name"; then ok; else
        bad "$name differs from tests/golden/ict/$name:"; diff "tests/golden/ict/$name" "$tmp/out" | head -10
    fi
}
ict=$(ls tests/fixtures/ict/*.txt)

# shellcheck disable=SC2086
{
golden lineage.txt "$bin" lineage -q $ict
golden lineage.jsonl "$bin" lineage -q --format json $ict
golden chains-76-19-to-71-28.txt "$bin" lineage -q --root 71/28 --from 76/19 --all $ict
golden backbone.tsv "$bin" export -q --reduce --format edgelist $ict
golden generations.tsv "$bin" generations -q $ict
"$bin" lineage -q --from A/78/265 --main-path global $ict | sed -n '/^main path/,$p' >"$tmp/g"
cmp -s "$tmp/g" tests/golden/ict/main-path-global.txt && ok || bad "global main path differs"
"$bin" lineage -q --from A/78/265 --main-path local $ict | sed -n '/^main path/,$p' >"$tmp/l"
cmp -s "$tmp/l" tests/golden/ict/main-path-local.txt && ok || bad "local main path differs"

# the same graph from a citations file written by extract
"$bin" extract -q $ict >"$tmp/ict.jsonl"
# (records do not carry the citing texts' own adoption dates: compare without dates)
"$bin" lineage -q --citations "$tmp/ict.jsonl" >"$tmp/out"
nodates() { grep -v '^splits\|^  20' "$1" | sed -E 's/ [0-9]{4}(-[0-9]{2}-[0-9]{2})?( |$)/ /g; s/ +/ /g; s/ $//'; }
nodates "$tmp/out" >"$tmp/a"; nodates tests/golden/ict/lineage.txt >"$tmp/b"
cmp -s "$tmp/a" "$tmp/b" && ok || bad "lineage from a citations file differs from lineage from the texts"
"$bin" export -q --reduce --format edgelist --citations "$tmp/ict.jsonl" >"$tmp/out"
cmp -s "$tmp/out" tests/golden/ict/backbone.tsv && ok || bad "backbone from a citations file differs"
}

# the splits and merges of the real series
grep -q "after 71/28 the line splits: 73/27, 73/266" tests/golden/ict/lineage.txt && ok || bad "2018 split"
grep -q "76/19 joins 75/32 and 75/240" tests/golden/ict/lineage.txt && ok || bad "2021 merge"
grep -q "after 76/19 the line splits: 77/36, 77/37" tests/golden/ict/lineage.txt && ok || bad "2022 split"

# exact counts: n texts each citing all earlier ones have 2^(n-2) chains
if [ -x scripts/gen-series ]; then
    scripts/gen-series -n 30 -k 29 -o "$tmp/s30.jsonl"
    "$bin" lineage -q --citations "$tmp/s30.jsonl" --from A/RES/S/30 --root A/RES/S/1 >"$tmp/out"
    grep -qx "distinct chains: 268435456" "$tmp/out" && ok || bad "30 texts: 2^28 chains expected"
    scripts/gen-series -n 100 -k 99 -o "$tmp/s100.jsonl"
    "$bin" lineage -q --citations "$tmp/s100.jsonl" --from A/RES/S/100 --root A/RES/S/1 >"$tmp/out"
    grep -qx "distinct chains: 316912650057057350374175801344" "$tmp/out" && ok ||
        bad "100 texts: 2^98 chains expected, got $(grep distinct "$tmp/out")"
    "$bin" lineage -q --citations "$tmp/s100.jsonl" --from A/RES/S/100 --root A/RES/S/1 --all \
        --max-chains 1000 >"$tmp/out"
    grep -q "316912650057057350374175801344 chains: more than --max-chains 1000, not listed" "$tmp/out" &&
        ok || bad "--all beyond --max-chains must say so"
    # past 2^1024 the count is approximate, and says so; --exact gives every digit
    scripts/gen-series -n 1300 -k 3 -o "$tmp/s1300.jsonl"
    "$bin" lineage -q --citations "$tmp/s1300.jsonl" --from A/RES/S/1300 --root A/RES/S/1 >"$tmp/out"
    approx=$(sed -n 's/^distinct chains: ~\([0-9.]*\)e+\([0-9]*\) (approximately.*/\1 \2/p' "$tmp/out")
    [ -n "$approx" ] && ok || bad "a count past 2^1024 must be marked approximate: $(grep distinct "$tmp/out")"
    "$bin" lineage -q --exact --citations "$tmp/s1300.jsonl" --from A/RES/S/1300 --root A/RES/S/1 >"$tmp/out"
    exact=$(sed -n 's/^distinct chains: \([0-9]*\)$/\1/p' "$tmp/out")
    python3 -c "
import sys
m, e = sys.argv[1].split(); x = int(sys.argv[2])
# the recurrence t(i) = t(i-1) + t(i-2) + t(i-3) from one text
t = [0, 1, 1, 2]
while len(t) <= 1300: t.append(t[-1] + t[-2] + t[-3])
assert x == t[1300], 'exact count differs from the recurrence'
assert len(str(x)) - 1 == int(e) and abs(float(m) - x / 10**int(e)) < 1e-3, 'approximation off'
" "$approx" "$exact" && ok || bad "--exact count or its approximation is wrong"
    "$bin" lineage -q --citations "$tmp/s30.jsonl" --from A/RES/S/6 --root A/RES/S/1 --all >"$tmp/out"
    [ "$(grep -c ' → ' "$tmp/out")" -eq 16 ] && ok || bad "6 texts: 16 chains listed expected"
    # a generated series has neither dates nor years: JSON says null, not 0 or ""
    "$bin" lineage -q --citations "$tmp/s30.jsonl" --from A/RES/S/3 --root A/RES/S/1 --format json \
        >"$tmp/out"
    python3 -c "
import json, sys
d = json.load(open(sys.argv[1]))
assert all(n['date'] is None and n['year'] is None for n in d['chain']), d['chain']
" "$tmp/out" && ok || bad "lineage JSON: an unknown year must be null: $(head -c 300 "$tmp/out")"
    "$bin" cites -q --format json A/RES/S/3 --citations "$tmp/s30.jsonl" >"$tmp/out"
    python3 -c "
import json, sys
d = json.load(open(sys.argv[1]))
assert len(d) == 2 and all(n['date'] is None and n['year'] is None for n in d), d
" "$tmp/out" && ok || bad "cites JSON: an unknown date and year must be null: $(head -c 300 "$tmp/out")"
fi

# a document known by its year only: JSON gives the year, and no date
"$bin" cited-by -q --format json 77/36 tests/fixtures/A-C.1-78-L.11.zh.txt >"$tmp/out"
grep -qx '\[{"id":"A/C.1/78/L.11","label":"A/C.1/78/L.11","date":null,"year":2023}\]' "$tmp/out" &&
    ok || bad "cited-by JSON: a year is not a date: $(cat "$tmp/out")"

# a cycle is reported, the rest analysed
cat >"$tmp/a.txt" <<'T'
A/RES/80/1

 回顾其第 80/2 号和第 36/103 号决议，
T
cat >"$tmp/b.txt" <<'T'
A/RES/80/2

 回顾其第 80/1 号决议，
T
"$bin" lineage --from 80/1 "$tmp/a.txt" "$tmp/b.txt" >"$tmp/out" 2>"$tmp/err"
rc=$?
grep -q "cycle among 2 documents: A/RES/80/1 A/RES/80/2" "$tmp/err" && ok || bad "cycle not reported: $(cat "$tmp/err")"
[ $rc -eq 0 ] && grep -q "longest chain: 2 documents" "$tmp/out" && ok || bad "analysis after a cycle (exit $rc)"

finish
