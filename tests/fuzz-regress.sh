#!/bin/sh
# tests/fuzz-regress.sh BUILD_DIR - the fuzz targets as an ordinary test, without libFuzzer.
#
# Builds tests/fuzz/fuzz_{extract,text,citations}.c with tests/fuzz/replay.c against
# BUILD_DIR/libresgraph.a, with the compiler and flags the Makefile uses (CC and CFLAGS
# from the environment; the asan build passes its sanitizer flags this way), and feeds them
# every input of tests/fuzz/regress/NAME/ (what the fuzzer once broke) and the seed inputs
# (tests/fuzz/make-seeds.sh: the extract cases, the example, the ICT fixture, and for
# citations BUILD_DIR/resgraph's extract of them).  Each input runs in a child process; a
# trap, a crash or a sanitizer report fails it.  Prints the failures, then
# "N passed, N failed" over all inputs; exits 1 when any failed.
set -eu

build=${1:?usage: tests/fuzz-regress.sh BUILD_DIR}
cd "$(dirname "$0")/.."
[ -f "$build/libresgraph.a" ] || { echo "fuzz-regress: $build/libresgraph.a not found" >&2; exit 2; }

CC=${CC:-cc}
CFLAGS=${CFLAGS:--O2 -g}
PKGS="igraph libpcre2-8 libcgraph libgvc gmp"
# shellcheck disable=SC2086
pkg_cflags=$(pkg-config --cflags $PKGS)
# shellcheck disable=SC2086
pkg_libs=$(pkg-config --libs $PKGS)
out=$build/fuzz-replay
mkdir -p "$out"

resgraph=
[ -x "$build/resgraph" ] && resgraph=$build/resgraph

total_pass=0
total_fail=0
status=0
for t in fuzz_extract fuzz_text fuzz_citations; do
    # shellcheck disable=SC2086
    $CC -std=c11 -D_POSIX_C_SOURCE=200809L $CFLAGS $pkg_cflags -Isrc -pthread \
        -o "$out/replay-$t" "tests/fuzz/$t.c" tests/fuzz/replay.c "$build/libresgraph.a" \
        $pkg_libs -pthread -lm
    seeds=$out/seeds-$t
    rm -rf "$seeds"
    tests/fuzz/make-seeds.sh "$t" "$seeds" "$resgraph"
    # make-seeds.sh copies tests/fuzz/regress/$t/ in with the seeds
    set +e
    res=$(ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} \
        LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$(pwd)/tests/lsan.supp:print_suppressions=0} \
        UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
        "$out/replay-$t" "$seeds"/* 2>"$out/replay-$t.log")
    rc=$?
    set -e
    printf '%s\n' "$res" | grep '^FAIL' | sed "s|^FAIL |$t: FAIL |" || true
    line=$(printf '%s\n' "$res" | tail -n 1)
    p=$(echo "$line" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1/p')
    f=$(echo "$line" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
    if [ -z "$p" ] || [ -z "$f" ]; then
        echo "$t: the replay did not finish (exit $rc); see $out/replay-$t.log"
        p=0
        f=1
    fi
    echo "$t: $p passed, $f failed"
    [ "$f" -eq 0 ] && [ "$rc" -eq 0 ] || status=1
    [ "$f" -eq 0 ] || echo "  (sanitizer reports: $out/replay-$t.log)"
    total_pass=$((total_pass + p))
    total_fail=$((total_fail + f))
done
echo "$total_pass passed, $total_fail failed"
exit $status
