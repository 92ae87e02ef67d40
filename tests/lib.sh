# tests/lib.sh - what every shell test shares: its counts and its last line.
# Sourced by the tests (. tests/lib.sh); each ends with `finish`.
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
# prints "N passed, N failed"; the script's status: 1 when any failed
finish() {
    echo "$pass passed, $fail failed"
    [ "$fail" -eq 0 ]
}
