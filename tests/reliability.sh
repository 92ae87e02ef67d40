#!/bin/sh
# Reliability: what resgraph does with bad inputs, full disks, closed pipes and
# interrupted runs, and whether its graph outputs depend on input order.
#   1. a bad-input matrix for extract and a graph command (exact messages, exit codes)
#   2. faults: full disk, unwritable directory, SIGPIPE, SIGINT/SIGTERM mid-run
#   3. determinism: the same documents in any order or layout give the same bytes
# Big inputs are generated in a temporary directory.  Cases that need root
# (mount) or an unprivileged user (chmod 000) print a note and are skipped
# when that is not possible.
# usage: tests/reliability.sh build/resgraph
set -u
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
here=$(cd "$(dirname "$0")/.." && pwd)
seed=$here/tests/fixtures/A-C.1-78-L.11.zh.txt
ict=$here/tests/fixtures/ict
tmp=$(mktemp -d)
chmod 755 "$tmp" # the unprivileged user must reach the files it is given
mounted="" bgpids=""
cleanup() {
    for p in $bgpids; do kill -KILL "$p" 2>/dev/null; done
    for m in $mounted; do umount "$m" 2>/dev/null; done
    chmod -R u+rwx "$tmp" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

. "$(dirname "$0")/lib.sh"
note() { echo "note: $*"; }
# run COMMAND...: stdout, stderr and exit code in $tmp/out, $tmp/err, $rc
run() {
    "$@" >"$tmp/out" 2>"$tmp/err"
    rc=$?
}
code_is() { # WANT DESCRIPTION
    if [ "$rc" -eq "$1" ]; then ok; else bad "$2: exit $rc, expected $1 ($(head -c 300 "$tmp/err"))"; fi
}
# err_is DESCRIPTION <<EOF: stderr is exactly these lines (none: </dev/null)
err_is() {
    cat >"$tmp/want"
    if cmp -s "$tmp/want" "$tmp/err"; then ok; else
        bad "$1: stderr differs (- expected, + got):
$(diff "$tmp/want" "$tmp/err" | grep '^[<>]' | head -8 | sed 's/^</-/; s/^>/+/' | cut -c1-240)"
    fi
}
count_is() { # WANT FILE DESCRIPTION
    got=$(wc -l <"$2")
    if [ "$got" -eq "$1" ]; then ok; else bad "$3: $got records, expected $1"; fi
}
intact() { # FILE DESCRIPTION: the previous content "previous" is still there
    if [ "$(cat "$1" 2>/dev/null)" = previous ]; then ok; else bad "$2: previous $1 clobbered"; fi
}
no_temp() { # DIR DESCRIPTION: no hidden temporary output file left in DIR
    left=$(ls -A "$1" | grep '^\.' | tr '\n' ' ')
    if [ -z "$left" ]; then ok; else
        bad "$2: temporary file left in $1: $left"
        (cd "$1" && rm -f .??*) # so that the next case starts clean
    fi
}
# the two warnings the example's stale footnote links give
links() {
    echo "resgraph: warning: $1:235: link to A/77/275 matches no reference in the text"
    echo "resgraph: warning: $1:236: link to A/AC.292/2022/INF/4 matches no reference in the text"
}
# measure LABEL COMMAND...: runs it under /usr/bin/time -v; sets $secs and $rss_mb
measure() {
    label=$1
    shift
    secs=0 rss_mb=0
    if [ -x /usr/bin/time ]; then
        /usr/bin/time -v -o "$tmp/time" "$@" >"$tmp/out" 2>"$tmp/err"
        rc=$?
        secs=$(awk -F': ' '/Elapsed/ { n = split($2, t, ":"); s = 0
                                       for (i = 1; i <= n; i++) s = s * 60 + t[i]; print s }' "$tmp/time")
        rss_mb=$(awk -F': ' '/Maximum resident/ { printf "%d", $2 / 1024 }' "$tmp/time")
        echo "measure: $label: ${secs} s, peak RSS ${rss_mb} MB"
    else
        run "$@"
        note "/usr/bin/time missing: $label not measured"
    fi
}
py=python3
cat >"$tmp/rel.py" <<'PY'
import json, os, subprocess, sys

def records(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(l) for l in f]

cmd, args = sys.argv[1], sys.argv[2:]
if cmd == "big":  # OUT: one line of 100 MB, three citations, no line break before the end
    filler = "强调指出促进为和平目的使用信息和通信技术符合所有国家的利益，".encode()
    chunk = filler * ((100 * 1024 * 1024 // 3) // len(filler))
    with open(args[0], "wb") as f:
        for c in (" 大会，回顾其第 36/103 号决议，", "又回顾其第 43/78 H 号决议，", "并回顾第 77/36 号决议，"):
            f.write(c.encode()); f.write(chunk)
        f.write(b"\n")
elif cmd == "many":  # OUT N: one document, N recitals citing 36/103
    with open(args[0], "wb") as f:
        f.write(" 大会，\n".encode() + " 回顾其第 36/103 号决议，\n".encode() * int(args[1]))
elif cmd == "corpus":  # DIR N: a series, each text recalling the three before it
    for i in range(1, int(args[1]) + 1):
        sym = lambda j: (j // 1000 + 50, j % 1000 + 1)
        prev = "、".join("第 %d/%d 号" % sym(j) for j in range(max(1, i - 3), i)) or "第 36/103 号"
        with open(os.path.join(args[0], "d%05d.txt" % i), "w", encoding="utf-8") as f:
            f.write("A/RES/%d/%d\n\n 大会，\n\n 回顾其%s决议，\n\n 1. 决定继续审议这一问题。\n" % (sym(i) + (prev,)))
elif cmd == "citations":  # OUT N: N texts each citing three earlier ones
    with open(args[0], "w", encoding="utf-8") as f:
        for i in range(1, int(args[1]) + 1):
            for j in (i - 1, i - 7, i - 100):
                if j >= 1:
                    f.write('{"doc":"A/RES/%d/%d","id":"A/RES/%d/%d","surface":"第 %d/%d 号决议"}\n'
                            % (100 + i // 1000, i % 1000 + 1, 100 + j // 1000, j % 1000 + 1,
                               100 + j // 1000, j % 1000 + 1))
elif cmd == "surfaces":  # JSONL DATA ENC: the bytes at offset..offset+length, through iconv, are the surface
    data = open(args[1], "rb").read()
    bad = 0
    for r in records(args[0]):
        raw = data[r["offset"]:r["offset"] + r["length"]]
        p = subprocess.run(["iconv", "-f", args[2], "-t", "UTF-8"], input=raw, capture_output=True)
        got = p.stdout.decode("utf-8", "replace")
        if p.returncode or got != r["surface"]:
            bad += 1
            if bad <= 3:
                print("offset %d length %d: %r is not %r" % (r["offset"], r["length"], got, r["surface"]))
    sys.exit(1 if bad else 0)
elif cmd == "slices":  # JSONL DATA: same check for a big UTF-8 file, by seeking
    with open(args[1], "rb") as f:
        for r in records(args[0]):
            f.seek(r["offset"])
            got = f.read(r["length"]).decode("utf-8", "replace")
            if got != r["surface"]:
                print("offset %d: %r is not %r" % (r["offset"], got, r["surface"]))
                sys.exit(1)
elif cmd == "ids":  # JSONL: the cited ids and lines, in order
    print(" ".join("%s@%d" % (r["id"], r["line"]) for r in records(args[0])))
elif cmd == "same":  # A B: the same records but for file, offset and length
    a, b = records(args[0]), records(args[1])
    strip = lambda r: {k: v for k, v in r.items() if k not in ("file", "offset", "length")}
    if len(a) != len(b):
        print("%d records against %d" % (len(a), len(b))); sys.exit(1)
    for x, y in zip(a, b):
        if strip(x) != strip(y):
            print("%s differs from %s" % (strip(y), strip(x))); sys.exit(1)
elif cmd == "crlf":  # LF.jsonl CRLF.jsonl: same records, offsets shifted by one byte per line before
    a, b = records(args[0]), records(args[1])
    if len(a) != len(b):
        print("%d records against %d" % (len(a), len(b))); sys.exit(1)
    for x, y in zip(a, b):
        want = dict(x, file=y["file"], offset=x["offset"] + x["line"] - 1,
                    length=x["length"] + x["surface"].count("\n"),
                    surface=x["surface"].replace("\n", "\r\n"))
        if want != y:
            print("%s, expected %s" % (y, want)); sys.exit(1)
elif cmd == "col":  # FILE LINENO NEEDLE: the byte column just after NEEDLE on that line
    line = open(args[0], "rb").read().split(b"\n")[int(args[1]) - 1]
    print(line.index(args[2].encode()) + len(args[2].encode()) + 1)
elif cmd == "end":  # FILE LINENO: the byte column just past the end of that line
    print(len(open(args[0], "rb").read().split(b"\n")[int(args[1]) - 1]) + 1)
elif cmd == "nul":  # FILE: offset of the first NUL byte
    print(open(args[0], "rb").read().index(b"\0"))
PY
rel() { $py "$tmp/rel.py" "$@"; }

# Who can be denied a read: an unprivileged user (root reads anything).
unpriv=no
if [ "$(id -u)" -ne 0 ]; then
    asuser() { "$@"; }
    unpriv=yes
elif command -v setpriv >/dev/null &&
    setpriv --reuid=65534 --regid=65534 --clear-groups "$bin" --version >/dev/null 2>&1; then
    asuser() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
    unpriv=yes
elif su nobody -s /bin/sh -c "'$bin' --version" >/dev/null 2>&1; then
    asuser() { # quoting each argument for su -c
        c=""
        for a in "$@"; do c="$c '$(printf '%s' "$a" | sed "s/'/'\\\\''/g")'"; done
        su nobody -s /bin/sh -c "$c"
    }
    unpriv=yes
else
    note "no unprivileged user to run as: unreadable-file and unwritable-directory cases skipped"
fi
# mount_tmpfs DIR OPTIONS: a small file system, if this machine lets us mount one
mount_tmpfs() {
    mkdir -p "$1"
    if [ "$(id -u)" -eq 0 ] && mount -t tmpfs -o "$2" tmpfs "$1" 2>/dev/null; then
        mounted="$1 $mounted"
        return 0
    fi
    return 1
}

# ============ 1. bad inputs: extract, and export --format graphml -o FILE ============
g=$tmp/g.graphml
gone() { # DESCRIPTION: a failed graph command wrote no output
    if [ ! -e "$g" ]; then ok; else bad "$1: $g written"; rm -f "$g"; fi
}

# missing file
run "$bin" extract "$tmp/nope.txt"
code_is 3 "extract, missing file"
err_is "extract, missing file" <<EOF
resgraph: $tmp/nope.txt: cannot open: No such file or directory
EOF
run "$bin" export --format graphml -o "$g" "$tmp/nope.txt"
code_is 3 "export, missing file"
err_is "export, missing file" <<EOF
resgraph: $tmp/nope.txt: cannot open: No such file or directory
EOF
gone "export, missing file"
run "$bin" lineage "$tmp/nope.txt"
code_is 3 "lineage, missing file"
err_is "lineage, missing file" <<EOF
resgraph: $tmp/nope.txt: cannot open: No such file or directory
EOF

# a directory as FILE: empty, and holding one good file (two levels down)
mkdir -p "$tmp/emptydir" "$tmp/onedir/sub"
cp "$seed" "$tmp/onedir/sub/"
run "$bin" extract "$tmp/emptydir"
code_is 0 "extract, empty directory"
count_is 0 "$tmp/out" "extract, empty directory"
err_is "extract, empty directory" </dev/null
run "$bin" export --format graphml -o "$g" "$tmp/emptydir"
code_is 3 "export, empty directory"
err_is "export, empty directory" <<EOF
resgraph: no readable document among the inputs
EOF
gone "export, empty directory"
run "$bin" extract "$tmp/onedir"
code_is 0 "extract, directory with one file"
count_is 29 "$tmp/out" "extract, directory with one file"
links "$tmp/onedir/sub/A-C.1-78-L.11.zh.txt" >"$tmp/exp"
err_is "extract, directory with one file" <"$tmp/exp"
run "$bin" export --format graphml -o "$g" "$tmp/onedir"
code_is 0 "export, directory with one file"
links "$tmp/onedir/sub/A-C.1-78-L.11.zh.txt" >"$tmp/exp"
err_is "export, directory with one file" <"$tmp/exp"
n=$(grep -c '<node ' "$g" 2>/dev/null)
[ "$n" = 29 ] && ok || bad "export, directory with one file: $n nodes, expected 29"
rm -f "$g"

# an unreadable file, an unreadable subdirectory beside a good file
if [ "$unpriv" = yes ]; then
    cp "$seed" "$tmp/locked.txt" && chmod 000 "$tmp/locked.txt"
    run asuser "$bin" extract "$tmp/locked.txt"
    code_is 3 "extract, unreadable file"
    err_is "extract, unreadable file" <<EOF
resgraph: $tmp/locked.txt: cannot open: Permission denied
EOF
    run asuser "$bin" extract -q "$tmp/locked.txt" "$seed"
    code_is 3 "extract, unreadable file among good ones"
    count_is 29 "$tmp/out" "extract, unreadable file among good ones: the good one is still read"
    chmod 777 "$tmp" # for -o, as the other user
    run asuser "$bin" export --format graphml -o "$g" "$tmp/locked.txt"
    chmod 755 "$tmp"
    code_is 3 "export, unreadable file"
    err_is "export, unreadable file" <<EOF
resgraph: $tmp/locked.txt: cannot open: Permission denied
EOF
    gone "export, unreadable file"
    mkdir -p "$tmp/partdir/locked"
    cp "$seed" "$tmp/partdir/a.txt"
    cp "$seed" "$tmp/partdir/locked/b.txt"
    chmod 000 "$tmp/partdir/locked"
    run asuser "$bin" extract -q "$tmp/partdir"
    code_is 3 "extract, unreadable subdirectory"
    err_is "extract, unreadable subdirectory" <<EOF
resgraph: $tmp/partdir/locked: cannot open directory: Permission denied
EOF
    count_is 29 "$tmp/out" "extract, unreadable subdirectory: the readable file beside it is still read (README: exit 3, extract still writes the records of the others)"
    chmod 755 "$tmp/partdir/locked"
fi

# an empty file: a document that cites nothing
: >"$tmp/empty.txt"
run "$bin" extract "$tmp/empty.txt"
code_is 0 "extract, empty file"
count_is 0 "$tmp/out" "extract, empty file"
err_is "extract, empty file" </dev/null
run "$bin" export --format graphml -o "$g" "$tmp/empty.txt"
code_is 0 "export, empty file"
err_is "export, empty file" </dev/null
grep -q '<data key="id">empty</data>' "$g" && ok || bad "export, empty file: no node 'empty'"
rm -f "$g"

# binary files: a zip header, an ELF executable
printf 'PK\003\004\000\000binary' >"$tmp/x.zip"
cp /bin/true "$tmp/true.bin"
for f in x.zip true.bin; do
    off=$(rel nul "$tmp/$f")
    msg="resgraph: warning: $tmp/$f: binary file (NUL byte at offset $off), skipped; for UTF-16 without a byte-order mark give --encoding"
    run "$bin" extract "$tmp/$f"
    code_is 0 "extract, binary $f"
    count_is 0 "$tmp/out" "extract, binary $f"
    echo "$msg" >"$tmp/exp"
    err_is "extract, binary $f" <"$tmp/exp"
    run "$bin" export --format graphml -o "$g" "$tmp/$f"
    code_is 3 "export, binary $f"
    printf '%s\n%s\n' "$msg" "resgraph: no readable document among the inputs" >"$tmp/exp"
    err_is "export, binary $f" <"$tmp/exp"
    gone "export, binary $f"
done

# NUL bytes inside otherwise valid UTF-8 text: NUL is a valid character, the
# file is not binary.  Same result wherever the NUL stands (here at byte 300 and
# beyond the first 64 KiB).  A warning naming the byte is allowed.
{ head -c 300 "$seed"; printf '\000'; tail -c +301 "$seed"; } >"$tmp/nul-early.txt"
{ cat "$seed"; head -c 70000 /dev/zero | tr '\000' ' '; printf '\n\000\n'; } >"$tmp/nul-late.txt"
for f in nul-early nul-late; do
    off=$(rel nul "$tmp/$f.txt")
    for cmd in extract export; do
        if [ $cmd = extract ]; then run "$bin" extract "$tmp/$f.txt"; else
            run "$bin" export --format graphml -o "$g" "$tmp/$f.txt"; fi
        code_is 0 "$cmd, $f NUL byte"
        grep -v "^resgraph: warning: $tmp/$f.txt: byte $off: " "$tmp/err" >"$tmp/err2"
        mv "$tmp/err2" "$tmp/err"
        links "$tmp/$f.txt" >"$tmp/exp"
        err_is "$cmd, a NUL byte at offset $off in $f.txt (text, not binary)" <"$tmp/exp"
        if [ $cmd = extract ]; then count_is 29 "$tmp/out" "extract, $f NUL byte"; fi
        rm -f "$g"
    done
done

# invalid UTF-8 inside a reference: a warning with the byte offset; the rest is read
printf ' 大会，\n 回顾其第 36/\377103 号决议，\n 又回顾其第 43/78 H 号决议，\n' >"$tmp/bad-a.txt"
printf ' 大会，\n 回顾其第 36/103 号\377决议，\n 又回顾其第 43/78 H 号决议，\n' >"$tmp/bad-b.txt"
printf ' 大会，\n 回顾\377其第 36/103 号决议，\n 又回顾其第 43/78 H 号决议，\n' >"$tmp/bad-c.txt"
for c in "a 28" "b 35" "c 18"; do
    set -- $c
    f=$tmp/bad-$1.txt
    run "$bin" extract "$f"
    code_is 0 "extract, invalid UTF-8 ($1)"
    echo "resgraph: warning: $f: byte $2: invalid UTF-8, ignored" >"$tmp/exp"
    err_is "extract, invalid UTF-8 ($1)" <"$tmp/exp"
    grep -q '"id":"A/RES/43/78\[H\]".*"line":3,' "$tmp/out" && ok ||
        bad "extract, invalid UTF-8 ($1): the reference after it is not read"
    cp "$tmp/out" "$tmp/bad.jsonl"
    out=$(rel slices "$tmp/bad.jsonl" "$f") && ok || bad "extract, invalid UTF-8 ($1): $out"
    run "$bin" export --format graphml -o "$g" "$f"
    code_is 0 "export, invalid UTF-8 ($1)"
    echo "resgraph: warning: $f: byte $2: invalid UTF-8, ignored" >"$tmp/exp"
    err_is "export, invalid UTF-8 ($1)" <"$tmp/exp"
    grep -q '<data key="id">A/RES/43/78\[H\]</data>' "$g" && ok || bad "export, invalid UTF-8 ($1): 43/78 H missing"
    rm -f "$g"
done
grep -q '"id":"A/RES/36/103"' "$tmp/bad.jsonl" && ok || bad "invalid UTF-8 before a reference loses it"

# one line of 100 MB holding three citations
big=$tmp/big.txt
rel big "$big"
measure "extract, one 100 MB line" timeout 120 "$bin" extract "$big"
big_secs=$secs big_rss=$rss_mb
code_is 0 "extract, 100 MB line"
cp "$tmp/out" "$tmp/big.jsonl"
got=$(rel ids "$tmp/big.jsonl")
[ "$got" = "A/RES/36/103@1 A/RES/43/78[H]@1 A/RES/77/36@1" ] && ok || bad "100 MB line: records $got"
out=$(rel slices "$tmp/big.jsonl" "$big") && ok || bad "100 MB line: $out"
awk "BEGIN { exit !($big_secs < 30) }" && ok || bad "100 MB line: $big_secs s (more than 30)"
[ "$big_rss" -lt 1024 ] && ok || bad "100 MB line: peak RSS $big_rss MB (1 GB or more)"
measure "export, one 100 MB line" timeout 120 "$bin" export --format graphml -o "$g" "$big"
code_is 0 "export, 100 MB line"
n=$(grep -c '<node ' "$g" 2>/dev/null)
[ "$n" = 4 ] && ok || bad "export, 100 MB line: $n nodes, expected 4"
rm -f "$g" "$big"

# a million citations in one file
many=$tmp/many.txt
rel many "$many" 1000000
measure "extract, a million citations" timeout 120 "$bin" extract "$many"
many_secs=$secs
code_is 0 "extract, a million citations"
count_is 1000000 "$tmp/out" "extract, a million citations"
tail -1 "$tmp/out" | grep -q '"id":"A/RES/36/103".*"line":1000001,' && ok ||
    bad "a million citations: last record $(tail -1 "$tmp/out" | head -c 200)"
measure "export, a million citations" timeout 120 "$bin" export --format graphml -o "$g" "$many"
code_is 0 "export, a million citations"
grep -q '<data key="weight">1000000</data>' "$g" && ok || bad "a million citations: edge weight is not 1000000"
rm -f "$g" "$tmp/out"

# UTF-16 LE and BE with a byte-order mark, GB18030 (detected, and named)
run "$bin" extract "$seed"
cp "$tmp/out" "$tmp/utf8.jsonl"
{ printf '\377\376'; iconv -f UTF-8 -t UTF-16LE "$seed"; } >"$tmp/le.txt"
{ printf '\376\377'; iconv -f UTF-8 -t UTF-16BE "$seed"; } >"$tmp/be.txt"
iconv -f UTF-8 -t GB18030 "$seed" >"$tmp/gb.txt"
for c in "le UTF-16LE" "be UTF-16BE" "gb GB18030" "gb GB18030 --encoding GB18030"; do
    set -- $c
    f=$tmp/$1.txt enc=$2
    shift 2
    what="extract, $enc $*"
    run "$bin" extract "$@" "$f"
    code_is 0 "$what"
    links "$f" >"$tmp/exp"
    err_is "$what" <"$tmp/exp"
    cp "$tmp/out" "$tmp/enc.jsonl"
    out=$(rel same "$tmp/utf8.jsonl" "$tmp/enc.jsonl") && ok || bad "$what: not the UTF-8 records: $out"
    out=$(rel surfaces "$tmp/enc.jsonl" "$f" "$enc") && ok || bad "$what: offsets: $out"
done
# past the offset checkpoints: surrogate pairs, GB18030 four-byte characters
$py - "$tmp" <<'PY'
import sys
fill = "¥é€𠀀😀·—abc 说明，" * 30
t = " 大会，\n" + "".join(" %s\n 回顾其第 %d/10%d 号决议，\n" % (fill, 36 + i, i % 10) for i in range(40))
d = sys.argv[1] + "/mix"
open(d + ".utf8.txt", "w", encoding="utf-8").write(t)
open(d + ".le.txt", "wb").write(b"\xff\xfe" + t.encode("utf-16-le"))
open(d + ".be.txt", "wb").write(b"\xfe\xff" + t.encode("utf-16-be"))
open(d + ".gb.txt", "wb").write(t.encode("gb18030"))
PY
run "$bin" extract "$tmp/mix.utf8.txt"
cp "$tmp/out" "$tmp/mix.jsonl"
count_is 40 "$tmp/mix.jsonl" "extract, UTF-8 with astral characters"
for c in "le UTF-16LE" "be UTF-16BE" "gb GB18030"; do
    set -- $c
    run "$bin" extract "$tmp/mix.$1.txt"
    code_is 0 "extract, $2 with astral characters"
    err_is "extract, $2 with astral characters" </dev/null
    cp "$tmp/out" "$tmp/enc.jsonl"
    out=$(rel same "$tmp/mix.jsonl" "$tmp/enc.jsonl") && ok || bad "$2 with astral characters: $out"
    out=$(rel surfaces "$tmp/enc.jsonl" "$tmp/mix.$1.txt" "$2") && ok || bad "$2 with astral characters: offsets: $out"
done

# encodings named with --encoding, which iconv alone knows the characters of:
# offsets and lengths still point at the bytes (Big5: two-byte characters
# among ASCII; UTF-32LE: four bytes to every character, ASCII too)
$py - "$tmp" <<'PY'
import sys
fill = "說明·—abc，" * 200
t = " 大會，\n" + "".join(" %s\n 回顧其第 %d/10%d 號決議，\n" % (fill, 36 + i, i % 10) for i in range(40))
d = sys.argv[1] + "/trad"
open(d + ".utf8.txt", "w", encoding="utf-8").write(t)
open(d + ".big5.txt", "wb").write(t.encode("big5"))
open(d + ".u32.txt", "wb").write(t.encode("utf-32-le"))
PY
run "$bin" extract "$tmp/trad.utf8.txt"
cp "$tmp/out" "$tmp/trad.jsonl"
count_is 40 "$tmp/trad.jsonl" "extract, traditional characters in UTF-8"
for c in "big5 BIG5" "u32 UTF-32LE"; do
    set -- $c
    run "$bin" extract --encoding "$2" "$tmp/trad.$1.txt"
    code_is 0 "extract --encoding $2"
    cp "$tmp/out" "$tmp/enc.jsonl"
    out=$(rel same "$tmp/trad.jsonl" "$tmp/enc.jsonl") && ok || bad "--encoding $2: $out"
    out=$(rel surfaces "$tmp/enc.jsonl" "$tmp/trad.$1.txt" "$2") && ok || bad "--encoding $2: offsets: $out"
done
# neither UTF-8 nor GB18030: the message names where each fails
$py - "$tmp/gb.txt" "$tmp/gbbad.txt" <<'PY' >"$tmp/gbbad.at"
import sys
d = open(sys.argv[1], "rb").read()
d = d[:500] + b"\xff" + d[500:]
open(sys.argv[2], "wb").write(d)
for enc in ("utf-8", "gb18030"):
    try:
        d.decode(enc)
    except UnicodeDecodeError as e:
        print(e.start)
PY
run "$bin" extract "$tmp/gbbad.txt"
code_is 3 "extract, GB18030 with a bad byte in its opening"
echo "resgraph: $tmp/gbbad.txt: not UTF-8 (invalid byte at offset $(head -1 "$tmp/gbbad.at")) and not GB18030 either (invalid at offset $(tail -1 "$tmp/gbbad.at")); give --encoding" |
    err_is "extract, GB18030 with a bad byte in its opening"

# a decoder that holds a letter back for a mark that may follow (CP1258), and
# UTF-32 named with its byte-order mark: offsets still count the bytes
printf 'See A/RES/70/1 here.\n' >"$tmp/cp1258.txt"
run "$bin" extract --encoding CP1258 "$tmp/cp1258.txt"
grep -q '"offset":4,"length":10,' "$tmp/out" && ok || bad "--encoding CP1258: $(cat "$tmp/out")"
$py -c 'import sys; open(sys.argv[1], "wb").write("回顾第 36/103 号决议，\n".encode("utf-32"))' "$tmp/u32bom.txt"
run "$bin" extract --encoding UTF-32 "$tmp/u32bom.txt"
grep -q '"offset":12,"length":48,' "$tmp/out" && ok || bad "--encoding UTF-32: $(cat "$tmp/out")"

# CRLF line endings: the same records, offsets one byte later per line before
sed 's/$/\r/' "$seed" >"$tmp/crlf.txt"
run "$bin" extract "$tmp/crlf.txt"
code_is 0 "extract, CRLF"
links "$tmp/crlf.txt" >"$tmp/exp"
err_is "extract, CRLF" <"$tmp/exp"
cp "$tmp/out" "$tmp/crlf.jsonl"
out=$(rel crlf "$tmp/utf8.jsonl" "$tmp/crlf.jsonl") && ok || bad "CRLF: $out"
out=$(rel surfaces "$tmp/crlf.jsonl" "$tmp/crlf.txt" UTF-8) && ok || bad "CRLF: offsets: $out"

# citations files: every error names the file and the line
c=$tmp/cites.jsonl
cp "$tmp/utf8.jsonl" "$c"
run "$bin" lineage -q --citations "$c"
code_is 0 "lineage from a citations file"
grep -q "longest chain: 27 documents" "$tmp/out" && ok || bad "lineage from a citations file: $(head -3 "$tmp/out")"
head -c -40 "$c" >"$tmp/trunc.jsonl"
sed '3s/"line":[0-9]*/"line":"x"/' "$c" >"$tmp/type.jsonl"
sed '4s/"doc":"[^"]*",//' "$c" >"$tmp/nodoc.jsonl"
sed '5s/^{/{{/' "$c" >"$tmp/invalid.jsonl"
{ head -7 "$c"; echo 'resgraph was here'; } >"$tmp/text.jsonl"
col_type=$(rel col "$tmp/type.jsonl" 3 '"line":')
col_nodoc=$(rel end "$tmp/nodoc.jsonl" 4)
for cmd in lineage export; do
    for f in trunc type nodoc invalid text; do
        if [ $cmd = lineage ]; then run "$bin" lineage --citations "$tmp/$f.jsonl"; else
            run "$bin" export --format graphml -o "$g" --citations "$tmp/$f.jsonl"; fi
        code_is 3 "$cmd, citations file: $f"
        case $f in
        trunc) want="$tmp/trunc.jsonl:29: the last record is cut short (the file ends without a newline inside it)" ;;
        type) want="$tmp/type.jsonl:3:$col_type: field \"line\" must be a whole number" ;;
        nodoc) want="$tmp/nodoc.jsonl:4:$col_nodoc: record without \"doc\" (the citing document)" ;;
        invalid) want="$tmp/invalid.jsonl:5:2: field name expected" ;;
        text) want="$tmp/text.jsonl:8:1: not a JSON object" ;;
        esac
        echo "resgraph: $want" >"$tmp/exp"
        err_is "$cmd, citations file: $f" <"$tmp/exp"
        [ $cmd = export ] && gone "export, citations file: $f"
    done
done

# ============ 2. faults ============
# outputs for the fault cases: big enough not to fit in 64 KiB
rel many "$tmp/m40k.txt" 40000
mkdir -p "$tmp/series"
rel corpus "$tmp/series" 1900
wout() { # KIND OUT: the command writing KIND to OUT (argv in "$@" after set --)
    case $1 in
    extract) echo "extract -q -o $2 $tmp/m40k.txt" ;;
    graphml) echo "export -q --format graphml -o $2 $tmp/series" ;;
    svg) echo "render -q -o $2 $tmp/series" ;;
    dot) echo "render -q --format dot -o $2 $tmp/series" ;;
    lineage) echo "lineage -q --all --max-chains 5000 -o $2 $ict" ;;
    esac
}
# /dev/full: written in place, the failure named
if [ -w /dev/full ]; then
    for k in extract graphml svg dot lineage; do
        run "$bin" $(wout $k /dev/full)
        code_is 4 "$k to /dev/full"
        err_is "$k to /dev/full" <<EOF
resgraph: /dev/full: cannot write: No space left on device
EOF
    done
else
    note "no /dev/full: full-device cases skipped"
fi
# a full file system: exit 4, the path named, no temporary file, the previous file intact
small=$tmp/small
if mount_tmpfs "$small" size=64k; then
    for k in extract graphml svg dot lineage; do
        out=$small/out.$k
        echo previous >"$out"
        run "$bin" $(wout $k "$out")
        code_is 4 "$k to a full disk"
        err_is "$k to a full disk" <<EOF
resgraph: $out: cannot write: No space left on device
EOF
        intact "$out" "$k to a full disk"
        no_temp "$small" "$k to a full disk"
        rm -f "$out"
    done
else
    note "cannot mount a tmpfs here: full-disk (tmpfs) cases skipped"
fi
# an unwritable output directory
if [ "$unpriv" = yes ]; then
    mkdir -p "$tmp/ro"
    for k in extract graphml; do
        echo previous >"$tmp/ro/out.$k"
    done
    chmod 555 "$tmp/ro"
    for k in extract graphml; do
        out=$tmp/ro/out.$k
        run asuser "$bin" $(wout $k "$out")
        code_is 4 "$k into an unwritable directory"
        err_is "$k into an unwritable directory" <<EOF
resgraph: $out: cannot write: Permission denied
EOF
        intact "$out" "$k into an unwritable directory"
    done
    no_temp "$tmp/ro" "unwritable directory"
fi
if mount_tmpfs "$tmp/rofs" size=64k,ro; then
    for k in extract graphml; do
        run "$bin" $(wout $k "$tmp/rofs/out.$k")
        code_is 4 "$k into a read-only file system"
        err_is "$k into a read-only file system" <<EOF
resgraph: $tmp/rofs/out.$k: cannot write: Read-only file system
EOF
    done
else
    note "cannot mount a read-only tmpfs here: read-only file system cases skipped"
fi

# SIGPIPE: 'resgraph extract BIG | head -1' ends at once, quietly or with a clear message
rel many "$tmp/m200k.txt" 200000
rel citations "$tmp/cit.jsonl" 100000
piped() { # KIND COMMAND...: runs COMMAND | head -1; exit code in $rc, stderr in $tmp/err
    kind=$1
    shift
    { timeout 60 "$@" 2>"$tmp/err"; echo $? >"$tmp/rc"; } | head -1 >/dev/null
    rc=$(cat "$tmp/rc")
}
pipe_cmds() { # the commands with far more output than a pipe holds
    echo "extract $tmp/m200k.txt"
    echo "export --format graphml --citations $tmp/cit.jsonl"
    echo "render --format dot $tmp/series"
    echo "render $tmp/series"
    echo "lineage --all --max-chains 5000 $ict"
}
pipe_cmds >"$tmp/pipecmds"
while read -r cmd; do
    piped sigpipe "$bin" $cmd
    case $rc in
    141)
        note "'resgraph $cmd | head -1': exit 141 (killed by SIGPIPE)"
        err_is "$cmd | head -1" </dev/null
        ;;
    4)
        note "'resgraph $cmd | head -1': exit 4"
        err_is "$cmd | head -1" <<EOF
resgraph: cannot write to standard output: Broken pipe
EOF
        ;;
    124) bad "'resgraph $cmd | head -1' hangs" ;;
    *) bad "'resgraph $cmd | head -1': exit $rc ($(head -c 200 "$tmp/err"))" ;;
    esac
done <"$tmp/pipecmds"
# with SIGPIPE ignored (as under some CI runners and language runtimes): exit 4, a clear message
while read -r cmd; do
    (
        trap '' PIPE
        piped sigpipe "$bin" $cmd
    )
    rc=$(cat "$tmp/rc")
    code_is 4 "'resgraph $cmd | head -1' with SIGPIPE ignored"
    err_is "'resgraph $cmd | head -1' with SIGPIPE ignored" <<EOF
resgraph: cannot write to standard output: Broken pipe
EOF
done <"$tmp/pipecmds"

# interrupted runs: no temporary file left, the previous output intact
# A background job of sh starts with SIGINT ignored: env restores the default
# (and, exec-ing, keeps the pid $! names).
dfl="env --default-signal=INT,TERM,HUP"
env --default-signal=INT true 2>/dev/null || dfl=""
# interrupt SIG PAUSE OUT DESCRIPTION COMMAND...: starts it, waits for its temporary
# .OUT.*, then PAUSE seconds more (mid-run), and sends SIG
interrupt() {
    sig=$1 pause=$2 out=$3 what=$4
    shift 4
    echo previous >"$out"
    dir=$(dirname "$out") base=$(basename "$out")
    $dfl "$@" >/dev/null 2>"$tmp/err" &
    pid=$!
    bgpids="$bgpids $pid"
    caught=no i=0
    while kill -0 "$pid" 2>/dev/null && [ $i -lt 3000000 ]; do
        for t in "$dir/.$base".*; do [ -e "$t" ] && caught=yes; done
        [ $caught = yes ] && break
        i=$((i + 1))
    done
    stopped=yes
    if [ $caught = yes ]; then
        sleep "$pause"
        kill -"$sig" "$pid"
        i=0
        while kill -0 "$pid" 2>/dev/null && [ $i -lt 100 ]; do
            sleep 0.1
            i=$((i + 1))
        done
        kill -0 "$pid" 2>/dev/null && stopped=no
    fi
    kill -KILL "$pid" 2>/dev/null
    wait "$pid"
    rc=$?
    if [ $stopped = no ]; then
        bad "$what: still running 10 s after SIG$sig"
        return
    fi
    if [ $caught = no ]; then
        note "$what: the run ended before its temporary file was seen; not interrupted"
        return
    fi
    if [ "$rc" -eq 0 ]; then
        note "$what: the run ended before SIG$sig arrived; not interrupted"
        return
    fi
    ok
    intact "$out" "$what"
    no_temp "$dir" "$what"
}
mkdir -p "$tmp/intr"
mkfifo "$tmp/fifo"
for sig in INT TERM HUP; do
    # extract opens its output first, then blocks reading the FIFO: interrupted for sure
    interrupt $sig 0.2 "$tmp/intr/out.jsonl" "extract, SIG$sig while reading" \
        "$bin" extract -q -o "$tmp/intr/out.jsonl" "$tmp/fifo"
done
mkdir -p "$tmp/wide"
rel corpus "$tmp/wide" 3000
for sig in INT TERM; do
    interrupt $sig 0.2 "$tmp/intr/out.svg" "render, SIG$sig during the layout" \
        "$bin" render -q --engine sfdp -o "$tmp/intr/out.svg" "$tmp/wide"
done
interrupt TERM 0.05 "$tmp/intr/out.graphml" "export, SIGTERM while writing" \
    "$bin" export -q --format graphml -o "$tmp/intr/out.graphml" --citations "$tmp/cit.jsonl"
# A signal the moment the temporary file exists, before resgraph has noted it
# for removal: strace holds the run just after creating the file (at its fchmod).
if command -v strace >/dev/null && command -v pgrep >/dev/null &&
    strace -qq -o /dev/null -e trace=fchmod -e inject=fchmod:delay_exit=1 true 2>/dev/null; then
    out=$tmp/intr/race.jsonl
    echo previous >"$out"
    strace -qq -o /dev/null -e trace=fchmod -e inject=fchmod:delay_exit=1000000 \
        "$bin" extract -q -o "$out" "$seed" 2>/dev/null &
    spid=$!
    bgpids="$bgpids $spid"
    i=0
    while [ $i -lt 200 ] && [ -z "$(ls -A "$tmp/intr" | grep '^\.race')" ]; do
        sleep 0.01
        i=$((i + 1))
    done
    kill -TERM $(pgrep -P "$spid") 2>/dev/null
    wait "$spid" 2>/dev/null
    intact "$out" "extract, SIGTERM just after the temporary file is made"
    no_temp "$tmp/intr" "extract, SIGTERM just after the temporary file is made"
else
    note "no strace with fault injection: the signal race case is skipped"
fi

# ============ 3. determinism ============
# The example and the ICT series, given in different orders and layouts; paths
# are relative to a work directory so that the file names in the outputs agree.
names=$(cd "$ict" && ls)
mk_flat() { # DIR forward|reverse: corpus/ with entries created in that order
    mkdir -p "$1/corpus"
    if [ "$2" = forward ]; then list="$names"; else list=$(echo "$names" | sort -r); fi
    [ "$2" = reverse ] && cp "$seed" "$1/corpus/"
    for f in $list; do cp "$ict/$f" "$1/corpus/"; done
    [ "$2" = forward ] && cp "$seed" "$1/corpus/"
}
det=$tmp/det
mkdir -p "$det"
mount_tmpfs "$det" size=64m || note "no tmpfs: directory entry order may not vary"
mk_flat "$det/a" forward
mk_flat "$det/b" reverse
mkdir -p "$det/c/corpus/g1" "$det/c/corpus/g2/deep" "$det/d/corpus"
i=0
for f in $names A-C.1-78-L.11.zh.txt; do
    i=$((i + 1))
    src=$ict/$f
    [ -f "$src" ] || src=$seed
    case $((i % 3)) in
    0) cp "$src" "$det/c/corpus/g1/" ;;
    1) cp "$src" "$det/c/corpus/g2/" ;;
    2) cp "$src" "$det/c/corpus/g2/deep/" ;;
    esac
    name=${f%.zh.txt}
    mkdir -p "$det/d/corpus/$name"
    cp "$src" "$det/d/corpus/$name/"
done
graph_cmds() {
    echo "export --format graphml"
    echo "render --format dot"
    echo "lineage"
    echo "lineage --format json --all --main-path global"
    echo "export --format gexf"
}
graph_cmds >"$tmp/graphcmds"
# same_bytes DESCRIPTION DIR ARGS...: the output equals $tmp/ref
same_bytes() {
    what=$1 d=$2
    shift 2
    (cd "$d" && "$bin" $cmd -q "$@") >"$tmp/got" 2>"$tmp/err"
    if cmp -s "$tmp/ref" "$tmp/got"; then ok; else
        bad "$cmd: $what gives other bytes: $(diff "$tmp/ref" "$tmp/got" | head -4 | cut -c1-240)"
    fi
}
while read -r cmd; do
    (cd "$det/a" && "$bin" $cmd -q corpus) >"$tmp/ref" 2>"$tmp/err" || bad "$cmd on the corpus: $(cat "$tmp/err")"
    files=$(cd "$det/a" && ls corpus/*)
    same_bytes "the files in name order" "$det/a" $files
    same_bytes "the files in reverse order" "$det/a" $(echo "$files" | sort -r)
    same_bytes "the files shuffled" "$det/a" $(echo "$files" | awk '{ print (NR * 7) % 13, $0 }' | sort -n | cut -d' ' -f2)
    same_bytes "entries created in reverse order" "$det/b" corpus
    same_bytes "a trailing slash" "$det/a" corpus/
    # the nested layout: its own reference, then the same files reached otherwise
    (cd "$det/c" && "$bin" $cmd -q corpus) >"$tmp/ref" 2>/dev/null
    same_bytes "subdirectories in reverse order" "$det/c" corpus/g2 corpus/g1
    same_bytes "files and subdirectories mixed" "$det/c" corpus/g2/deep $(cd "$det/c" &&
        ls -r corpus/g1/* && find corpus/g2 -maxdepth 1 -type f | sort -r)
done <"$tmp/graphcmds"
# one file per directory against the flat layout: the same graph but for the paths
for cmd in "export --format graphml" "lineage"; do
    (cd "$det/a" && "$bin" $cmd -q corpus) >"$tmp/ref"
    (cd "$det/d" && "$bin" $cmd -q corpus) | sed 's#corpus/\([^/<"]*\)/\1#corpus/\1#g' >"$tmp/got"
    cmp -s "$tmp/ref" "$tmp/got" && ok ||
        bad "$cmd: a directory per file gives another graph: $(diff "$tmp/ref" "$tmp/got" | head -4 | cut -c1-240)"
done
# extract over a directory: the same records whatever order its entries were created in
(cd "$det/a" && "$bin" extract -q corpus) >"$tmp/ref"
(cd "$det/b" && "$bin" extract -q corpus) >"$tmp/got"
cmp -s "$tmp/ref" "$tmp/got" && ok || bad "extract: directory entry order changes the records"
count_is 29 "$tmp/utf8.jsonl" "extract, the example"
n=$(wc -l <"$tmp/ref")
[ "$n" -gt 29 ] && ok || bad "extract over the corpus: $n records"
# the same text twice (a re-issue with another adoption date): the graph must not
# depend on which file comes last
mkdir -p "$det/e/corpus"
cp "$ict"/*.txt "$det/e/corpus/"
sed 's/2022年12月7日/2022年12月8日/' "$ict/A-RES-77-36.zh.txt" >"$det/e/corpus/reissue-77-36.txt"
files=$(cd "$det/e" && ls corpus/*)
while read -r cmd; do
    (cd "$det/e" && "$bin" $cmd -q $files) >"$tmp/ref" 2>/dev/null
    same_bytes "a text given twice, in reverse order" "$det/e" $(echo "$files" | sort -r)
done <"$tmp/graphcmds"

finish
