#!/bin/sh
# make-seeds.sh NAME OUTDIR [RESGRAPH] - the seed inputs of fuzz target NAME
# (fuzz_extract, fuzz_text, fuzz_citations), from the project's own data, into OUTDIR.
#
#   fuzz_extract    the inputs of tests/extract/*.cases (each `--- input` section),
#                   tests/fixtures/*.txt, tests/fixtures/ict/*.txt
#   fuzz_text       the same texts with a first byte choosing the encoding option:
#                   as they are (detected, and named UTF-8), converted to UTF-16LE/BE
#                   and GB18030 (named, and detected: with a byte-order mark, or not)
#   fuzz_citations  `RESGRAPH extract` of each text, of the ICT series as a whole,
#                   and a small series from scripts/gen-series (when present)
#
# Files already in OUTDIR are kept (libFuzzer adds its own finds there).  Run from the
# top of the repository.  Needs iconv(1) for the fuzz_text conversions (skipped without it).
set -eu

name=${1:?usage: make-seeds.sh NAME OUTDIR [RESGRAPH]}
out=${2:?usage: make-seeds.sh NAME OUTDIR [RESGRAPH]}
resgraph=${3:-}
mkdir -p "$out"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/resgraph-seeds.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

# The plain texts, into $tmp/texts: one file per case input, and the sample documents.
mkdir "$tmp/texts"
for f in tests/extract/*.cases; do
    [ -f "$f" ] || continue
    base=$(basename "$f" .cases)
    awk -v dir="$tmp/texts" -v base="$base" '
        /^=== / { if (on) close(file); on = 0; next }
        /^--- input$/ { n++; file = sprintf("%s/case-%s-%03d.txt", dir, base, n); on = 1;
                        printf "" > file; next }
        /^--- / { if (on) close(file); on = 0; next }
        on { print >> file }
    ' "$f"
done
for f in tests/fixtures/*.txt tests/fixtures/ict/*.txt; do
    [ -f "$f" ] || continue
    cp "$f" "$tmp/texts/file-$(echo "$f" | tr '/' '_')"
done

case $name in
fuzz_extract)
    cp "$tmp/texts"/* "$out"/
    ;;
fuzz_text)
    # first byte: 0 none (detected), 1 UTF-16LE, 2 UTF-16BE, 3 GB18030, 4 UTF-8
    have_iconv=0
    command -v iconv >/dev/null 2>&1 && have_iconv=1
    for f in "$tmp/texts"/*; do
        b=$(basename "$f" .txt)
        { printf '\000'; cat "$f"; } >"$out/$b.auto"
        { printf '\004'; cat "$f"; } >"$out/$b.utf8"
        [ $have_iconv = 1 ] || continue
        if iconv -f UTF-8 -t UTF-16LE "$f" >"$tmp/le" 2>/dev/null &&
            iconv -f UTF-8 -t UTF-16BE "$f" >"$tmp/be" 2>/dev/null &&
            iconv -f UTF-8 -t GB18030 "$f" >"$tmp/gb" 2>/dev/null; then
            { printf '\001'; cat "$tmp/le"; } >"$out/$b.utf16le"
            { printf '\002'; cat "$tmp/be"; } >"$out/$b.utf16be"
            { printf '\003'; cat "$tmp/gb"; } >"$out/$b.gb18030"
            { printf '\000\377\376'; cat "$tmp/le"; } >"$out/$b.bom-utf16le"
            { printf '\000\376\377'; cat "$tmp/be"; } >"$out/$b.bom-utf16be"
            { printf '\000'; cat "$tmp/gb"; } >"$out/$b.auto-gb18030"
        fi
    done
    ;;
fuzz_citations)
    if [ -n "$resgraph" ] && [ -x "$resgraph" ]; then
        for f in "$tmp/texts"/*; do
            b=$(basename "$f" .txt)
            "$resgraph" extract -q "$f" >"$out/$b.jsonl" 2>/dev/null || true
            [ -s "$out/$b.jsonl" ] || rm -f "$out/$b.jsonl"
        done
        "$resgraph" extract -q tests/fixtures/ict/*.txt >"$out/ict-series.jsonl" 2>/dev/null || true
    else
        echo "make-seeds.sh: no resgraph binary given: citations seeds from extract skipped" >&2
    fi
    if [ -f scripts/gen-series ] && command -v python3 >/dev/null 2>&1; then
        python3 scripts/gen-series -n 12 -k 3 -o "$out/series-12-3.jsonl" || true
        python3 scripts/gen-series -n 30 -k 30 -o "$out/series-30-30.jsonl" || true
    fi
    # A few hand-written records for the optional fields and the inferred kind.
    printf '%s\n' \
        '{"doc":"A/RES/77/36","id":"A/RES/76/19","kind":"succeeds","date":"2021-12-06","list":1}' \
        '{"doc":"A/RES/77/36","id":"A/RES/75/240","type":"resolution","body":"GA","line":3,"col":5,"offset":40,"surface":"\u7b2c 75/240 \u53f7","para":"P2","verb":null,"extra":[1,{"a":true}]}' \
        >"$out/hand.jsonl"
    ;;
*)
    echo "make-seeds.sh: unknown target '$name'" >&2
    exit 2
    ;;
esac
# Inputs found earlier (crashes, timeouts), kept in the repository.
if [ -d "tests/fuzz/regress/$name" ]; then
    for f in "tests/fuzz/regress/$name"/*; do
        if [ -f "$f" ]; then cp "$f" "$out/"; fi
    done
fi
exit 0
