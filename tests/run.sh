#!/bin/bash
# tests/run.sh BUILD_DIR [BUILD_DIR...]
# Runs every unit test binary (BUILD_DIR/tests/test_*) and every end-to-end
# script (tests/e2e/*.sh) once per build variant, counts the PASS/FAIL/SKIP
# lines they print, and ends with "N passed, N failed, N skipped".
# A binary or script that exits non-zero without printing a FAIL counts as one;
# one still running after TEST_TIMEOUT seconds (default 600) is stopped and
# counts as one.
#
# The variants run side by side (each one's tests one after another), which
# about halves the wall time on two cores: the first in this network
# namespace, each other one in a network namespace of its own (unshare, with
# its own loopback), since end-to-end scripts capture live on lo and create
# veth pairs of fixed names. That needs root; without it, or with
# BW_TEST_SERIAL=1, the variants run one after the other. The output is the
# same either way: each variant's lines, in the order of the arguments.
set -u
cd "$(dirname "$0")/.."

# --one OUT BUILD_DIR (internal): one variant; its lines to stdout, its counts
# to OUT/counts.VARIANT and its times to OUT/times.VARIANT.
if [ "${1:-}" = --one ]; then
    out=$2 b=$3
    v=$(basename "$b")
    pass=0; fail=0; skip=0
    run_one() {  # label, command...
        local label=$1; shift
        local log="$out/log.$v" err="$out/err.$v"
        local t0=$EPOCHREALTIME
        # a hang fails (exit 124) instead of holding CI for its whole budget
        timeout -k 10 "${TEST_TIMEOUT:-600}" "$@" >"$log" 2>"$err"
        local rc=$?
        [ "$rc" -eq 124 ] && echo "timed out after ${TEST_TIMEOUT:-600} s (TEST_TIMEOUT)" >>"$err"
        awk -v a="$t0" -v b="$EPOCHREALTIME" -v l="$label" 'BEGIN { printf "%s %.1f\n", l, b - a }' >>"$out/times.$v"
        local p f s
        p=$(grep -c '^PASS ' "$log"); f=$(grep -c '^FAIL ' "$log"); s=$(grep -c '^SKIP ' "$log")
        sed -E "s#^(PASS|FAIL|SKIP) #\1 [$label] #" "$log" | grep -E '^(PASS|FAIL|SKIP) '
        if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
            echo "FAIL [$label] exited $rc without a FAIL line; stderr tail:"
            tail -n 15 "$err" | sed 's/^/    /'
            f=1
        elif [ "$f" -ne 0 ]; then
            tail -n 15 "$err" | sed 's/^/    /'
        fi
        pass=$((pass + p)); fail=$((fail + f)); skip=$((skip + s))
    }
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
    echo "$pass $fail $skip" >"$out/counts.$v"
    exit 0
fi

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# Can a variant have a network namespace of its own (with its loopback up)?
own_netns() { [ "$(id -u)" -eq 0 ] && unshare --net -- ip link set lo up 2>/dev/null; }

if [ "$#" -gt 1 ] && [ "${BW_TEST_SERIAL:-0}" != 1 ] && own_netns; then
    echo "running the variants side by side ($*; each but the first in a network namespace of its own): their lines follow when all are done"
    first=1
    for b in "$@"; do
        v=$(basename "$b")
        if [ "$first" = 1 ]; then
            bash "$0" --one "$out" "$b" >"$out/out.$v" 2>&1 &
            first=0
        else
            unshare --net -- bash -c 'ip link set lo up && exec bash "$0" --one "$1" "$2"' \
                "$0" "$out" "$b" >"$out/out.$v" 2>&1 &
        fi
    done
    wait
    for b in "$@"; do cat "$out/out.$(basename "$b")"; done
else
    for b in "$@"; do bash "$0" --one "$out" "$b"; done
fi

pass=0; fail=0; skip=0
for b in "$@"; do
    v=$(basename "$b")
    if [ -s "$out/counts.$v" ]; then
        read -r p f s <"$out/counts.$v"
        pass=$((pass + p)); fail=$((fail + f)); skip=$((skip + s))
    else
        echo "FAIL [$v] the variant's run ended before its count"
        fail=$((fail + 1))
    fi
done
echo "slowest (seconds):" $(cat "$out"/times.* 2>/dev/null | sort -k3 -rn | head -8 | awk '{printf "%s/%s %.0f, ", $1, $2, $3}')
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
