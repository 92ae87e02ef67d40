#!/bin/sh
# The command line as a user meets it: help, version, exit codes, messages,
# and outputs that are never left half-written.
# usage: tests/cli.sh build/resgraph
set -u
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
seed=$(pwd)/tests/fixtures/A-C.1-78-L.11.zh.txt
tmp=$(mktemp -d)
trap 'chmod -R u+w "$tmp"; rm -rf "$tmp"' EXIT

. "$(dirname "$0")/lib.sh"
# expect CODE DESCRIPTION -- COMMAND...: runs it, keeps stdout/stderr in $tmp/out, $tmp/err
expect() {
    want=$1 what=$2; shift 3
    "$@" >"$tmp/out" 2>"$tmp/err"
    got=$?
    if [ "$got" -eq "$want" ]; then ok; else bad "$what: exit $got, expected $want ($(head -c 300 "$tmp/err"))"; fi
}
contains() { # FILE TEXT DESCRIPTION
    if grep -qF -- "$2" "$1"; then ok; else bad "$3: no '$2' in $(head -c 300 "$1")"; fi
}

expect 0 "--help" -- "$bin" --help
contains "$tmp/out" "usage: resgraph" "--help"
contains "$tmp/out" "lineage" "--help lists the commands"
expect 0 "--version" -- "$bin" --version
contains "$tmp/out" "resgraph 0." "--version"
expect 2 "no arguments" -- "$bin"
expect 2 "unknown command" -- "$bin" frobnicate
contains "$tmp/err" "frobnicate" "unknown command named"
expect 2 "unknown option" -- "$bin" extract --bogus "$seed"
contains "$tmp/err" "--bogus" "unknown option named"
expect 2 "option without its value" -- "$bin" extract "$seed" --format
contains "$tmp/err" "option --format needs a value" "missing value named with the long option"
expect 2 "bad format" -- "$bin" extract --format xml "$seed"
# --doc-id names one document: with two files every graph command refuses it, as extract does
for cmd in extract check-links lineage render export; do
    fmt=; [ $cmd = export ] && fmt="--format gexf"
    # shellcheck disable=SC2086
    expect 2 "$cmd --doc-id with two files" -- "$bin" $cmd $fmt --doc-id A/X/1 "$seed" tests/fixtures/ict/A-RES-71-28.zh.txt
    contains "$tmp/err" "--doc-id names one document" "$cmd --doc-id with two files"
done
# text outputs: no line ends in spaces (the padding of a column with nothing after it)
expect 0 "lineage text" -- "$bin" lineage -q --all --main-path global "$seed"
! grep -q ' $' "$tmp/out" && ok || bad "lineage text: a line ends in spaces: $(grep -n ' $' "$tmp/out" | head -1)"
# an option of another command is named, not its value
expect 2 "option of another command" -- "$bin" extract --root A/RES/1/1 "$seed"
contains "$tmp/err" "option --root does not apply here" "option of another command named"
expect 2 "short option of another command" -- "$bin" extract -r A/RES/1/1 "$seed"
contains "$tmp/err" "option -r does not apply here" "short option of another command named"
expect 2 "no input" -- "$bin" lineage
for cmd in extract lineage render export check-links; do
    expect 0 "$cmd --help" -- "$bin" $cmd --help
    contains "$tmp/out" "usage: resgraph $cmd" "$cmd --help"
done
# each command's --help names every option it accepts, and only those
for cmd in extract lineage cites cited-by generations render export check-links; do
    "$bin" $cmd --help >"$tmp/help"
    for opt in --format=x -o=x --root=x --from=x -q --doc-id=x --encoding=x --citations=x --all \
        --max-chains=1 --main-path=x --reduce --focus=x --depth=1 --engine=x --reference --exact; do
        name=${opt%%=*}
        case $opt in *=*) set -- "$name" "${opt#*=}" ;; *) set -- "$name" ;; esac
        if "$bin" $cmd "$@" --help >/dev/null 2>&1; then accepted=yes; else accepted=no; fi
        if grep -qE -- "(^|[^-a-z])$name([^-a-z]|\$)" "$tmp/help"; then named=yes; else named=no; fi
        [ $accepted = $named ] && ok || bad "$cmd: $name accepted: $accepted, named in --help: $named"
    done
done

# extract
expect 0 "extract the seed" -- "$bin" extract "$seed"
[ "$(wc -l <"$tmp/out")" -eq 29 ] && ok || bad "extract: $(wc -l <"$tmp/out") records, expected 29"
contains "$tmp/out" '"doc":"A/C.1/78/L.11","id":"A/RES/36/103","type":"resolution","body":"GA","date":"1981-12-09"' "first record"
python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' "$tmp/out" && ok || bad "extract output is not JSON Lines"
contains "$tmp/err" "link to A/77/275 matches no reference" "stale link warned"
expect 0 "extract tsv" -- "$bin" extract --format tsv -q "$seed"
[ "$(wc -l <"$tmp/out")" -eq 30 ] && ok || bad "tsv: header and 29 records expected"
head -1 "$tmp/out" | grep -q '^doc	id	type	body	date	file	line	col	offset	length	surface' && ok || bad "tsv header"
[ ! -s "$tmp/err" ] && ok || bad "--quiet still printed: $(cat "$tmp/err")"
expect 0 "extract from stdin" -- sh -c "'$bin' extract -q - < '$seed'"
[ "$(wc -l <"$tmp/out")" -eq 29 ] && ok || bad "stdin: 29 records expected"

# missing, empty, binary inputs
expect 3 "missing file" -- "$bin" extract "$tmp/nope.txt"
contains "$tmp/err" "$tmp/nope.txt" "missing file named"
expect 3 "missing file among good ones" -- "$bin" extract -q "$seed" "$tmp/nope.txt"
[ "$(wc -l <"$tmp/out")" -eq 29 ] && ok || bad "the readable file is still extracted"
: >"$tmp/empty.txt"
expect 0 "empty file" -- "$bin" extract "$tmp/empty.txt"
[ ! -s "$tmp/out" ] && ok || bad "empty file gave records"
printf 'PK\003\004\000\000binary' >"$tmp/x.zip"
expect 0 "binary file skipped" -- "$bin" extract "$tmp/x.zip"
contains "$tmp/err" "x.zip: binary file" "binary file named"
expect 3 "lineage of a missing file" -- "$bin" lineage "$tmp/nope.txt"
contains "$tmp/err" "$tmp/nope.txt" "lineage names the missing file"

# a directory is read recursively
mkdir -p "$tmp/corpus/sub" && cp "$seed" "$tmp/corpus/sub/"
expect 0 "directory input" -- "$bin" extract -q "$tmp/corpus"
[ "$(wc -l <"$tmp/out")" -eq 29 ] && ok || bad "directory: 29 records expected"

# lineage
expect 0 "lineage" -- "$bin" lineage -q "$seed"
contains "$tmp/out" "longest chain: 27 documents" "lineage length"
contains "$tmp/out" "distinct chains: 26" "chain count"
expect 0 "lineage json, short root" -- "$bin" lineage -q --format json --root 43/78H "$seed"
contains "$tmp/out" '"root":"A/RES/43/78[H]","length":26,"chains":"25","chains_exact":true' "json lineage"
expect 1 "root not reached" -- "$bin" lineage -q --from A/78/265 "$seed"
contains "$tmp/err" "A/78/265 does not lead back to A/RES/36/103" "unreached root explained"
expect 1 "root not in graph" -- "$bin" lineage -q --root 12/34 "$seed"
contains "$tmp/err" "A/RES/12/34 is not in the graph" "unknown root explained"
expect 2 "root that is no id" -- "$bin" lineage -q --root banana "$seed"

# render and export; outputs never half-written
expect 0 "render svg" -- "$bin" render -q -o "$tmp/seed.svg" "$seed"
xmllint --noout "$tmp/seed.svg" && ok || bad "SVG is not valid XML"
contains "$tmp/seed.svg" 'xlink:href="https://undocs.org/ch/A/RES/36/103"' "nodes link to undocs.org"
contains "$tmp/seed.svg" 'stroke-dasharray' "inferred edges dashed"
mkdir "$tmp/out.d"
expect 0 "render into a directory" -- "$bin" render -q -o "$tmp/out.d/" "$seed"
[ -s "$tmp/out.d/A-C.1-78-L.11.svg" ] && ok || bad "render -o DIR/ should name the file after the document"
expect 0 "render dot to stdout" -- "$bin" render -q --format dot "$seed"
for cmd in render:dot export:edgelist; do
    fmt=${cmd#*:} cmd=${cmd%:*}
    expect 2 "$cmd --depth without --focus" -- "$bin" $cmd -q --depth 2 --format $fmt -o "$tmp/d.out" "$seed"
    contains "$tmp/err" "--depth needs --focus" "$cmd --depth without --focus"
done
expect 2 "render in a format Graphviz lacks" -- "$bin" render -q --format xyz -o "$tmp/x.xyz" "$seed"
[ "$(wc -l <"$tmp/err")" -eq 1 ] && contains "$tmp/err" "renderer for xyz is unavailable (svg" \
    "Graphviz's message on the line of resgraph's" || bad "render --format xyz: not one line: $(cat "$tmp/err")"
dot -Tsvg "$tmp/out" >/dev/null && ok || bad "dot cannot read the DOT"
expect 4 "unwritable output path" -- "$bin" render -q -o "$tmp/no/such/dir/x.svg" "$seed"
contains "$tmp/err" "$tmp/no/such/dir/x.svg" "unwritable path named"
mkdir "$tmp/ro" && chmod a-w "$tmp/ro"
if [ "$(id -u)" -ne 0 ]; then
    expect 4 "read-only directory" -- "$bin" export --format graphml -o "$tmp/ro/g.graphml" "$seed"
    [ -z "$(ls -A "$tmp/ro")" ] && ok || bad "files left in read-only dir"
fi
echo "previous" >"$tmp/keep.svg"
expect 3 "failed run keeps the previous output" -- "$bin" render -q -o "$tmp/keep.svg" "$tmp/nope.txt"
[ "$(cat "$tmp/keep.svg")" = previous ] && ok || bad "previous output clobbered"
expect 1 "render with a root not in the graph" -- "$bin" render -q --root 12/34 -o "$tmp/keep.svg" "$seed"
[ "$(cat "$tmp/keep.svg")" = previous ] && ok || bad "previous output clobbered by a failed render"
echo "previous" >"$tmp/keep.jsonl"
expect 3 "extract with no readable input keeps the previous output" -- \
    "$bin" extract -q -o "$tmp/keep.jsonl" "$tmp/nope.txt"
[ "$(cat "$tmp/keep.jsonl")" = previous ] && ok || bad "previous output clobbered by extract"
# bad bytes: the first five are told with their offsets, then one line counts the rest,
# whether the text is UTF-8 or converted, read whole or streamed
printf '大会回顾其关于信息和电信领域的发展的各项决议，\377\377\377\377\377\377\377 第 36/103 号决议\n' \
    >"$tmp/bad-utf8.txt"
for input in "utf-8 $tmp/bad-utf8.txt" "big5 $seed" "big5 -"; do
    enc=${input%% *} file=${input#* }
    if [ "$enc" = utf-8 ]; then set -- extract -o "$tmp/w.jsonl" "$file"
    else set -- extract -o "$tmp/w.jsonl" --encoding "$enc" "$file"; fi
    "$bin" "$@" <"$seed" 2>"$tmp/err" >/dev/null
    grep -v 'link to' "$tmp/err" >"$tmp/bad"
    n=$(grep -c ': byte [0-9]*: invalid' "$tmp/bad")
    more=$(grep -c ': [0-9]* more invalid' "$tmp/bad")
    [ "$n" -eq 5 ] && [ "$more" -eq 1 ] && [ "$(wc -l <"$tmp/bad")" -eq 6 ] && ok ||
        bad "$enc $file: 5 bad bytes told and one line for the rest expected: $(head -c 600 "$tmp/bad")"
done
expect 2 "extract in an unknown encoding keeps the previous output" -- \
    "$bin" extract -q --encoding no-such-encoding -o "$tmp/keep.jsonl" "$seed"
[ "$(cat "$tmp/keep.jsonl")" = previous ] && ok || bad "previous output clobbered by extract"
[ -z "$(ls -A "$tmp" | grep '^\.')" ] && ok || bad "temporary files left: $(ls -A "$tmp")"
if [ -w /dev/full ]; then
    expect 4 "full disk" -- "$bin" extract -q -o /dev/full "$seed"
fi
expect 0 "export graphml" -- "$bin" export -q --format graphml -o "$tmp/g.graphml" "$seed"
xmllint --noout "$tmp/g.graphml" && ok || bad "GraphML is not valid XML"
expect 2 "export without format" -- "$bin" export "$seed"

# check-links: the seed's footnote links point to last year's documents
expect 1 "check-links finds the stale links" -- "$bin" check-links "$seed"
contains "$tmp/out" "link to A/77/275 matches no reference" "stale link A/77/275"
contains "$tmp/out" "link to A/AC.292/2022/INF/4 matches no reference" "stale link INF/4"
contains "$tmp/out" "30 links, 28 matching a reference, 2 not" "link summary"
# a stale link is reported at its own line, even with citations after it
printf '%s\n' '大会，' '回顾其第 70/1 号决议，' 'https://undocs.org/ch/A/70/999' '' \
    '又回顾其第 71/2 号决议，' '还回顾其第 72/3 号决议，' >"$tmp/links.txt"
expect 1 "check-links, a stale link before citations" -- "$bin" check-links "$tmp/links.txt"
contains "$tmp/out" "links.txt:3: link to A/70/999 matches no reference" "stale link line"

finish
