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

# A text cut inside its last character (as `head -c` cuts one) gives the
# reference scan's records and warnings, for cuts at random places inside
# characters, and for a character cut right after a token of each kind (a
# reference, a closing word, a link, a date, a page footer: the cut is no line
# end).
python3 - "$f" "$tmp/cut" <<'PY'
import random, re, sys
t = open(sys.argv[1], "rb").read()[:400000]
rnd = random.Random(11)
inside = [i for i in range(1, len(t)) if t[i] & 0xC0 == 0x80]
texts = [t[:c] for c in rnd.sample(inside, 24)]
kinds = ["第".encode() + rb" ?\d+/\d+", "号".encode() + rb"|" + "决议".encode(), rb"https://\S+",
         "日".encode(), rb"\n *\d\d-\d{5}(?: \d+/\d+)? *"]
for k in kinds:
    ends = [m.end() for m in re.finditer(k, t)]
    for e in rnd.sample(ends, min(3, len(ends))):
        texts.append(t[:e] + "号".encode()[:2])
for n, x in enumerate(texts):
    open("%s%02d.txt" % (sys.argv[2], n), "wb").write(x)
PY
for c in "$tmp"/cut*.txt; do
    "$bin" extract -q "$c" >"$tmp/fast" 2>"$tmp/fast.err" || bad "extract $(basename "$c") failed"
    "$bin" extract -q --reference "$c" >"$tmp/ref" 2>"$tmp/ref.err" || bad "extract --reference $(basename "$c") failed"
    [ -s "$tmp/fast" ] && cmp -s "$tmp/fast" "$tmp/ref" && cmp -s "$tmp/fast.err" "$tmp/ref.err" && ok ||
        bad "$(basename "$c"), cut inside a character: the prefilter and the reference scan differ"
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

# A stream is cut only at quiet points that nothing reaches across: a link that
# backs the reference before it, an adoption after a date, a link line after
# any kind of space or a NUL, a clause end in page furniture.  Each text below
# stands where the first cut of a stream falls; piped, it gives the records
# (and the document's date) of the file read whole.
python3 - "$tmp/q" <<'PY'
import sys
snippets = [
    "回顾第 36/103 号决议。\n",
    "2000年1月1日,\n第93次全体会议\n",
    "2000年1月1日，\n 大会\n通过\n",
    "回顾第 36/103 号、\n\u2003https://undocs.org/A/RES/1/2!\n第 37/1 号决议\n",
    "回顾第 36/103 号、\n https://undocs.org/A/RES/1/2?\n第 37/1 号决议\n",
    "见 A/78/265,\nhttps://undocs.org/A/79/1 的内容\n",
    "见第 36/103 号决议：\nhttps://undocs.org/A/RES/36/103 全文\n",
    "第 36/103 号决议，\n(https://undocs.org/A/RES/36/103)\n",
    "人权理事会\n\0https://undocs.org/A/1/2,\n第 7/1 号决议\n",
]
fill = "这是一段没有标点的填充文字用于测试分段读取\n".encode()  # 64 bytes
for i, snip in enumerate(snippets):
    t = "大会\n".encode() + fill * 3125  # 200 KB
    t += snip.encode() + fill * 17200     # to 1.3 MB
    t += (fill * 2000 + "结束。\n".encode()) * 2
    open("%s%d.txt" % (sys.argv[1], i), "wb").write(t)
PY
for q in "$tmp"/q[0-9].txt; do
    for c in "extract" "export --format node-link"; do
        # shellcheck disable=SC2086
        "$bin" $c -q --doc-id T "$q" >"$tmp/whole" 2>/dev/null
        # shellcheck disable=SC2086,SC2002
        cat "$q" | "$bin" $c -q --doc-id T - | sed "s|\"file\":\"-\"|\"file\":\"$q\"|" >"$tmp/piped"
        cmp -s "$tmp/whole" "$tmp/piped" && ok ||
            bad "$(basename "$q") ($c): streamed, not the file's: $(diff "$tmp/whole" "$tmp/piped" | head -3)"
    done
done

# Memory does not grow with the input, even where no line ends a clause (the
# quiet points where a stream is cut): there the text is cut at a line start,
# or inside a line, with a warning.  Records still point at their surfaces:
# offset and length give the surface, line and col its place.
sed 's/[，。；,;:：!！?？|][ \t\r]*$//' "$f" >"$tmp/noquiet.txt"
tr -d '\n' <"$f" >"$tmp/oneline.txt"
# (under AddressSanitizer, whose shadow memory and quarantine add their own,
# memory is not measured: ASAN_OPTIONS is set for that run)
limit=100 reps="1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16" # 16 copies of 3 MB
[ -n "${ASAN_OPTIONS:-}" ] && limit=100000 reps="1 2"
peak() { # peak RSS in MB of the shell command $1
    python3 -c 'import resource, subprocess, sys
subprocess.run(sys.argv[1], shell=True)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024)' "$1"
}
for t in noquiet oneline; do
    mb=$(peak "for i in $reps; do cat '$tmp/$t.txt'; done |
              '$bin' extract - >'$tmp/$t.jsonl' 2>'$tmp/$t.err'")
    [ "$mb" -lt $limit ] && ok || bad "$t: 48 MB through a pipe took $mb MB"
    grep -q 'no line ends a clause in 2 MB of text; the text is cut there' "$tmp/$t.err" && ok ||
        bad "$t: no warning of the cuts: $(head -3 "$tmp/$t.err")"
    python3 - "$tmp/$t.txt" "$tmp/$t.jsonl" <<'PY' && ok || bad "$t: records do not point at their surfaces"
import json, sys
data = open(sys.argv[1], 'rb').read() * 2  # the first two copies: cuts enough
n = at = lines = col = 0  # records come in text order: counted from one to the next
for line in open(sys.argv[2], encoding='utf-8'):
    r = json.loads(line)
    o, l = r['offset'], r['length']
    if o + l > len(data):
        break
    nl = data.rfind(b'\n', at, o)
    if nl >= 0:
        lines += data.count(b'\n', at, o)
        at, col = nl + 1, 0
    col += len(data[at:o].decode())
    at = o
    where = (data[o:o + l].decode(), lines + 1, col + 1)
    if where != (r['surface'], r['line'], r['col']):
        sys.exit('%s: %s, not %s' % (sys.argv[2], where, (r['surface'], r['line'], r['col'])))
    n += 1
sys.exit(0 if n > 10000 else 'only %d records' % n)
PY
done

# A large file found in a directory is streamed in its place, like one named
# on the command line (the directory's files are not measured before they are
# read): memory stays bounded, and the records are those of the files named.
mkdir "$tmp/dir"
cp "$tmp/q0.txt" "$tmp/dir/a.txt"
for i in $reps; do cat "$f"; done >"$tmp/dir/b.txt"
cp "$tmp/q1.txt" "$tmp/dir/c.txt"
# (streamed, it takes about 20 MB; held whole with its records, about 75 MB)
dirlimit=50
[ -n "${ASAN_OPTIONS:-}" ] && dirlimit=100000
mb=$(peak "cd '$tmp' && '$bin' extract -q dir >'$tmp/dir.jsonl'")
[ "$mb" -lt $dirlimit ] && ok || bad "a directory with a 48 MB file took $mb MB"
(cd "$tmp" && "$bin" extract -q dir/a.txt dir/b.txt dir/c.txt) >"$tmp/named.jsonl"
[ "$(wc -l <"$tmp/named.jsonl")" -gt 10000 ] && cmp -s "$tmp/dir.jsonl" "$tmp/named.jsonl" && ok ||
    bad "a directory's records are too few or differ from its files' ($(wc -l <"$tmp/dir.jsonl") and $(wc -l <"$tmp/named.jsonl"))"
rm -r "$tmp/dir"

# Whether the records of the first two copies of the text $1 (records: $2,
# the text's encoding for Python: $3) point at their surfaces.
surfaces() {
    python3 - "$1" "$2" "$3" <<'PY'
import json, sys
data = open(sys.argv[1], 'rb').read() * 2  # the first two copies: cuts enough
n = 0
for line in open(sys.argv[2], encoding='utf-8'):
    r = json.loads(line)
    if r['offset'] + r['length'] > len(data):
        break
    if data[r['offset']:r['offset'] + r['length']].decode(sys.argv[3]) != r['surface']:
        sys.exit('%s: %r' % (sys.argv[2], r))
    n += 1
sys.exit(0 if n > 10000 else 'only %d records' % n)
PY
}

# A converted stream (GB18030, UTF-16) is read in segments too: piped, each
# gives the records of the file read whole, and 48 MB of GB18030 through a
# pipe stay under the bound.  A bad byte further on is a warning at its place.
python3 - "$f" "$tmp/conv" <<'PY'
import sys
t = open(sys.argv[1], encoding="utf-8").read()
open(sys.argv[2] + ".gb18030.txt", "wb").write(t.encode("gb18030"))
open(sys.argv[2] + ".utf16le.txt", "wb").write(b"\xff\xfe" + t.encode("utf-16-le"))
open(sys.argv[2] + ".utf16be.txt", "wb").write(b"\xfe\xff" + t.encode("utf-16-be"))
b = t.encode("gb18030")
at = b.index(b"\n", 2000000) + 1
open(sys.argv[2] + ".bad.txt", "wb").write(b[:at] + b"\xff" + b[at:])
print(at, file=open(sys.argv[2] + ".bad.at", "w"))
PY
for e in gb18030 utf16le utf16be; do
    c=$tmp/conv.$e.txt
    "$bin" extract -q "$c" >"$tmp/whole" || bad "extract $e failed"
    # shellcheck disable=SC2002
    cat "$c" | "$bin" extract -q - | sed "s|\"file\":\"-\"|\"file\":\"$c\"|" >"$tmp/piped"
    [ "$(wc -l <"$tmp/whole")" -gt 10000 ] && cmp -s "$tmp/whole" "$tmp/piped" && ok ||
        bad "$e streamed: the records differ from the file's ($(wc -l <"$tmp/piped") and $(wc -l <"$tmp/whole"))"
done
mb=$(peak "for i in $reps; do cat '$tmp/conv.gb18030.txt'; done |
          '$bin' extract -q - >/dev/null")
[ "$mb" -lt $limit ] && ok || bad "48 MB of GB18030 through a pipe took $mb MB"
# The same when the stream's first megabyte ends inside a character: that
# opening still reads as GB18030 up to its last line break, and the stream is
# read in segments, not whole.
python3 - "$f" "$tmp/gbcut.txt" <<'PY'
import sys
t = open(sys.argv[1], encoding="utf-8").read()
starts, off = set(), 0
for ch in t:
    n = len(ch.encode("gb18030"))
    if n > 1:
        starts.add(off)
    off += n
    if off > (1 << 20) + 8:
        break
k = next(k for k in range(8) if (1 << 20) - 1 - k in starts)
open(sys.argv[2], "wb").write(b" " * k + t.encode("gb18030"))
PY
"$bin" extract -q "$tmp/gbcut.txt" >"$tmp/whole"
# shellcheck disable=SC2002
cat "$tmp/gbcut.txt" | "$bin" extract -q - | sed "s|\"file\":\"-\"|\"file\":\"$tmp/gbcut.txt\"|" >"$tmp/piped"
[ "$(wc -l <"$tmp/whole")" -gt 10000 ] && cmp -s "$tmp/whole" "$tmp/piped" && ok ||
    bad "GB18030 cut inside a character at 1 MB: the records differ from the file's"
mb=$(peak "for i in $reps; do cat '$tmp/gbcut.txt'; done | '$bin' extract -q - >/dev/null")
[ "$mb" -lt $limit ] && ok || bad "48 MB of GB18030 cut inside a character at 1 MB took $mb MB"
# shellcheck disable=SC2002
cat "$tmp/conv.bad.txt" | "$bin" extract - 2>&1 >/dev/null | grep -v 'link to' >"$tmp/bad.err"
[ "$(cat "$tmp/bad.err")" = "resgraph: warning: -: byte $(cat "$tmp/conv.bad.at"): invalid GB18030 sequence, replaced by U+FFFD" ] &&
    ok || bad "a bad byte in a GB18030 stream: $(head -3 "$tmp/bad.err")"
# (the same file read whole: its opening makes it GB18030 too)
"$bin" extract "$tmp/conv.bad.txt" 2>&1 >/dev/null | grep -v 'link to' >"$tmp/bad.err"
[ "$(cat "$tmp/bad.err")" = "resgraph: warning: $tmp/conv.bad.txt: byte $(cat "$tmp/conv.bad.at"): invalid GB18030 sequence, replaced by U+FFFD" ] &&
    ok || bad "a bad byte in a GB18030 file: $(head -3 "$tmp/bad.err")"
# GB18030 with no line break after its first line: cut all the same, at whole
# characters, and records still point at their surfaces
{ echo "标题"; cat "$tmp/oneline.txt"; } | iconv -f UTF-8 -t GB18030 >"$tmp/gbline.txt"
mb=$(peak "for i in $reps; do cat '$tmp/gbline.txt'; done |
          '$bin' extract -q - >'$tmp/gbline.jsonl'")
[ "$mb" -lt $limit ] && ok || bad "48 MB of GB18030 on one line through a pipe took $mb MB"
surfaces "$tmp/gbline.txt" "$tmp/gbline.jsonl" gb18030 && ok ||
    bad "GB18030 on one line: records do not point at their surfaces"

# Other encodings that write ASCII as itself, named with --encoding (CP936, the
# GBK of Windows, here), are read in segments too: cut after line breaks, or
# where there are none, between two ASCII bytes.  Encodings with shift states
# (ISO-2022-JP-2) are still read whole.
python3 - "$f" "$tmp/oneline.txt" "$tmp/cp936" <<'PY'
import sys
def enc(t):  # what GBK lacks (U+00A0 ...) becomes a space
    out = bytearray()
    for ch in t:
        try:
            out += ch.encode("gbk")
        except UnicodeEncodeError:
            out += b" "
    return bytes(out)
open(sys.argv[3] + ".txt", "wb").write(enc(open(sys.argv[1], encoding="utf-8").read()))
open(sys.argv[3] + ".line.txt", "wb").write(enc("标题\n" + open(sys.argv[2], encoding="utf-8").read()))
# ISO-2022-JP-2 whose lines go on in GB2312 from the line before: a piece cut
# after a line break would read them as ASCII
gb = lambda t: bytes(b & 0x7F for b in t.encode("gb2312"))
line = gb("大会回顾第") + b"\x1b(B 36/103 \x1b$A" + gb("号决议，") + b"\n"
open(sys.argv[3] + ".iso.txt", "wb").write(b"\x1b$A" + line * ((3 << 20) // len(line)))
PY
for e in CP936 ISO-2022-JP-2; do
    c=$tmp/cp936.txt
    [ $e = ISO-2022-JP-2 ] && c=$tmp/cp936.iso.txt
    "$bin" extract -q --doc-id T --encoding $e "$c" >"$tmp/whole" || bad "extract --encoding $e failed"
    # shellcheck disable=SC2002
    cat "$c" | "$bin" extract -q --doc-id T --encoding $e - | sed "s|\"file\":\"-\"|\"file\":\"$c\"|" >"$tmp/piped"
    [ "$(wc -l <"$tmp/whole")" -gt 10000 ] && cmp -s "$tmp/whole" "$tmp/piped" && ok ||
        bad "$e streamed: the records differ from the file's ($(wc -l <"$tmp/piped") and $(wc -l <"$tmp/whole"))"
done
for t in cp936 cp936.line; do
    mb=$(peak "for i in $reps; do cat '$tmp/$t.txt'; done |
              '$bin' extract -q --encoding CP936 - >'$tmp/$t.jsonl'")
    [ "$mb" -lt $limit ] && ok || bad "$t: 48 MB of CP936 through a pipe took $mb MB"
    surfaces "$tmp/$t.txt" "$tmp/$t.jsonl" gbk && ok || bad "$t: records do not point at their surfaces"
done

# One long enumeration, a reference every 35 bytes and no clause end: cut every
# 2 MB, each segment takes 30 MB with its records, and the segments in flight
# stay few enough whatever the number of processors (66 MB; 95 MB on two and
# 239 MB on eight when only their text was counted; tests/unit.c checks the
# same after an opening of ordinary text).
python3 - "$tmp/dense.txt" <<'PY'
import random, sys
random.seed(3)
t = "".join("大会回顾第 %d/%d 号决议、\n" % (random.randint(1, 78), random.randint(1, 300))
            for _ in range(80000))
open(sys.argv[1], "w", encoding="utf-8").write(t)
PY
mb=$(peak "for i in $reps; do cat '$tmp/dense.txt'; done | '$bin' extract -q - >/dev/null")
[ "$mb" -lt $limit ] && ok || bad "48 MB of references in one enumeration through a pipe took $mb MB"

# A slow reader of the records does not make the documents read ahead pile up
# (each file read whole holds its records until they are written).
mkdir "$tmp/many"
for i in 01 02 03 04 05 06 07 08 09 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24; do
    cp "$f" "$tmp/many/$i.txt"
done
mb=$(peak "'$bin' extract -q '$tmp/many' | (sleep 2; cat >/dev/null)")
[ "$mb" -lt $limit ] && ok || bad "24 files of 3 MB, written slowly, took $mb MB"

finish
