#!/bin/sh
# The extractor on a generated corpus: the prefilter gives exactly the records of
# the reference scan of every byte, both equal the generator's ground truth, and
# streaming the text in segments through threads changes nothing.
# usage: tests/extract-corpus.sh build/resgraph
set -u
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/lib.sh"

for mode in "--files 300" "--single"; do
    # shellcheck disable=SC2086
    scripts/gen-corpus --out "$tmp/c" --size-mb 3 $mode --seed 7 --force >/dev/null 2>&1 ||
        { bad "gen-corpus $mode failed"; continue; }
    files=$(cd "$tmp/c" && find . -name '*.txt' | sort)
    # shellcheck disable=SC2086
    (cd "$tmp/c" && "$bin" extract -q $files) >"$tmp/fast" || bad "extract $mode failed"
    # shellcheck disable=SC2086
    (cd "$tmp/c" && "$bin" extract -q --reference $files) >"$tmp/ref" || bad "extract --reference $mode failed"
    [ -s "$tmp/fast" ] && cmp -s "$tmp/fast" "$tmp/ref" && ok ||
        bad "$mode: the prefilter and the reference scan differ ($(wc -l <"$tmp/fast") and $(wc -l <"$tmp/ref") records)"
    scripts/check-truth "$tmp/c" "$bin" >"$tmp/truth" 2>&1 && ok ||
        bad "$mode: records differ from the ground truth: $(tail -3 "$tmp/truth")"
done

# Through a pipe the corpus is streamed: cut into segments of a megabyte that
# worker threads read beside one another (a file redirected to standard input is
# read as a file: hence cat).  The records are those of the file
# read whole (but for the file name), with the prefilter and without.
f=$tmp/c/corpus.txt
for ref in "" "--reference"; do
    # shellcheck disable=SC2086
    (cd "$tmp/c" && "$bin" extract -q $ref corpus.txt) >"$tmp/whole" || bad "extract $ref corpus.txt failed"
    # shellcheck disable=SC2086
    # shellcheck disable=SC2002
    cat "$f" | "$bin" extract -q $ref - | sed 's/"file":"-"/"file":"corpus.txt"/' >"$tmp/piped" ||
        bad "extract $ref - failed"
    [ "$(wc -l <"$tmp/whole")" -gt 10000 ] && cmp -s "$tmp/whole" "$tmp/piped" && ok ||
        bad "streamed${ref:+ $ref}: the records differ from the file's ($(wc -l <"$tmp/piped") and $(wc -l <"$tmp/whole"))"
done

# -q leaves the hyperlinks out (their warnings would not be printed): the
# records are the same, and without -q every stale link that check-links finds
# is reported.
(cd "$tmp/c" && "$bin" extract corpus.txt) >"$tmp/loud" 2>"$tmp/warn" || bad "extract corpus.txt failed"
cmp -s "$tmp/whole" "$tmp/loud" && ok || bad "extract with and without -q gives different records"
(cd "$tmp/c" && "$bin" check-links corpus.txt) >"$tmp/links"
stale=$(grep -c 'matches no reference' "$tmp/links")
warned=$(grep -c 'link to .* matches no reference' "$tmp/warn")
[ "$stale" -gt 0 ] && [ "$stale" = "$warned" ] && ok ||
    bad "extract warned of $warned stale links, check-links found $stale"

finish
