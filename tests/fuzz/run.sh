#!/bin/bash
# tests/fuzz/run.sh SECONDS TARGET... -- run each libFuzzer target of
# build/fuzz/fuzz/ for SECONDS, starting from tests/fuzz/corpus/TARGET (read
# only: new inputs go to build/fuzz/corpus/TARGET). A crash, leak or timeout
# leaves its input in build/fuzz/crashes/; copy it to tests/fuzz/regress/TARGET/
# once fixed so that test_fuzz_regress replays it in make test.
# Prints one line per target and a summary; exits non-zero on any finding.
set -u
cd "$(dirname "$0")/../.."
secs=${1:-60}; shift
B=build/fuzz
mkdir -p "$B/crashes"
bad=0; ran=0
export ASAN_OPTIONS="detect_leaks=1:allocator_may_return_null=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
for t in "$@"; do
    bin=$B/fuzz/fuzz_$t
    [ -x "$bin" ] || { echo "fuzz $t: no binary $bin"; bad=$((bad + 1)); continue; }
    work=$B/corpus/$t
    mkdir -p "$work"
    seeds=tests/fuzz/corpus/$t
    regress=tests/fuzz/regress/$t
    dirs=("$work" "$seeds")
    [ -d "$regress" ] && dirs+=("$regress")
    log=$B/fuzz_$t.log
    "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
        -print_final_stats=1 -artifact_prefix="$B/crashes/$t-" "${dirs[@]}" >"$log" 2>&1
    rc=$?
    ran=$((ran + 1))
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$')
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
    if [ "$rc" -ne 0 ]; then
        bad=$((bad + 1))
        echo "fuzz $t: FOUND (exit $rc) after ${runs:-?} runs; artifact: $(ls -t "$B"/crashes/"$t"-* 2>/dev/null | head -1); log $log"
        grep -m3 -E 'ERROR|runtime error|SUMMARY' "$log" | sed 's/^/    /'
    else
        echo "fuzz $t: clean, ${runs:-?} runs in ${secs}s, ${cov:-cov ?}, corpus $(ls "$work" | wc -l) new"
    fi
done
echo "fuzz: $ran targets, $bad with findings"
[ "$bad" -eq 0 ]
