#!/bin/bash
# tests/run.sh BUILD_DIR [BUILD_DIR...]
# Runs every unit test binary (BUILD_DIR/tests/test_*) and every end-to-end
# script (tests/e2e/*.sh) once per build variant, counts the PASS/FAIL/SKIP
# lines they print, and ends with "N passed, N failed, N skipped".
# A binary or script that exits non-zero without printing a FAIL counts as one;
# one still running after TEST_TIMEOUT seconds (default 600) is stopped and
# counts as one.
set -u
cd "$(dirname "$0")/.."
pass=0; fail=0; skip=0
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

run_one() {  # label, command...
    local label=$1; shift
    local log="$out/log"
    local t0=$EPOCHREALTIME
    # a hang fails (exit 124) instead of holding CI for its whole budget
    timeout -k 10 "${TEST_TIMEOUT:-600}" "$@" >"$log" 2>"$out/err"
    local rc=$?
    [ "$rc" -eq 124 ] && echo "timed out after ${TEST_TIMEOUT:-600} s (TEST_TIMEOUT)" >>"$out/err"
    awk -v a="$t0" -v b="$EPOCHREALTIME" -v l="$label" 'BEGIN { printf "%s %.1f\n", l, b - a }' >>"$out/times"
    local p f s
    p=$(grep -c '^PASS ' "$log"); f=$(grep -c '^FAIL ' "$log"); s=$(grep -c '^SKIP ' "$log")
    sed -E "s#^(PASS|FAIL|SKIP) #\1 [$label] #" "$log" | grep -E '^(PASS|FAIL|SKIP) '
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        echo "FAIL [$label] exited $rc without a FAIL line; stderr tail:"
        tail -n 15 "$out/err" | sed 's/^/    /'
        f=1
    elif [ "$f" -ne 0 ]; then
        tail -n 15 "$out/err" | sed 's/^/    /'
    fi
    pass=$((pass + p)); fail=$((fail + f)); skip=$((skip + s))
}

for b in "$@"; do
    v=$(basename "$b")
    export BW_BUILD="$b" BW_BIN="$b/bleedwatch" BW_VARIANT="$v"
    export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:halt_on_error=1:exitcode=99"
    export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:exitcode=98"
    for t in "$b"/tests/test_*; do
        [ -x "$t" ] || continue
        run_one "$v $(basename "$t")" "$t"
    done
    for s in tests/e2e/*.sh; do
        [ -f "$s" ] || continue
        run_one "$v $(basename "$s" .sh)" bash "$s"
    done
done
echo "slowest (seconds):" $(sort -k3 -rn "$out/times" | head -8 | awk '{printf "%s/%s %.0f, ", $1, $2, $3}')
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
