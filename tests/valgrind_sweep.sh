#!/bin/bash
# tests/valgrind_sweep.sh [BUILD_DIR] -- every readable capture under
# ../shared/pcaps (SHARED to override) replayed by the release bleedwatch under
# valgrind memcheck, PII detection on, many -r files per process (the engine's
# start-up is the slow part under valgrind). Reports memory errors and definite
# leaks per batch; prints PASS/FAIL/SKIP lines and "N passed, N failed".
# First, helgrind on the project's own captures with 2 and 3 workers reading
# the files (the capture thread's rings use C11 atomics, which helgrind does
# not model: not run there).
# Run by `make valgrind` (it takes a few minutes: not part of make test).
set -u
cd "$(dirname "$0")/.."
B=${1:-build/release}
BIN=$B/bleedwatch
SHARED=${SHARED:-../shared}
BATCH=${VG_BATCH:-250}   # bleedwatch takes at most 256 -r inputs
pass=0; fail=0
report() { echo "$1 passed, $2 failed"; [ "$2" -eq 0 ]; }
if ! command -v valgrind >/dev/null; then echo "SKIP valgrind_sweep: valgrind not installed"; report 0 0; exit; fi
[ -x "$BIN" ] || { echo "FAIL valgrind_sweep: no $BIN (make first)"; report 0 1; exit; }
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT
head -c 32 /dev/urandom >"$TMP/key"; chmod 600 "$TMP/key"
for w in 2 3; do
    valgrind --tool=helgrind --log-file="$TMP/hg.$w" "$BIN" -q --workers "$w" --hash-key-file "$TMP/key" \
        --alerts "$TMP/alerts.$w" -r pcaps/demo.pcap -r pcaps/azurite.pcap 2>"$TMP/hgerr.$w"
    rc=$?
    if [ $rc -eq 0 ] && grep -q 'ERROR SUMMARY: 0 errors' "$TMP/hg.$w" && [ -s "$TMP/alerts.$w" ]; then
        echo "PASS helgrind_readers_w$w ($(wc -l <"$TMP/alerts.$w") alerts)"; pass=$((pass + 1))
    else
        echo "FAIL helgrind_readers_w$w: exit $rc; $(grep -m1 'ERROR SUMMARY' "$TMP/hg.$w")"
        grep -A8 'Possible data race' "$TMP/hg.$w" | head -30 | sed 's/^/    /'
        fail=$((fail + 1))
    fi
done
if [ ! -f "$SHARED/pcaps/MANIFEST.tsv" ]; then echo "SKIP valgrind_sweep: $SHARED/pcaps absent"; report $pass $fail; exit; fi
# files the manifest marks unreadable (file_error) are refused by design: left out
mapfile -t all < <(awk -F'\t' 'NR > 1 && $16 == "" {print $1}' "$SHARED/pcaps/MANIFEST.tsv" | sed "s|^|$SHARED/pcaps/|")
i=0; n=0; files=0
while [ $i -lt ${#all[@]} ]; do
    batch=("${all[@]:$i:$BATCH}")
    i=$((i + BATCH)); n=$((n + 1))
    while :; do
        args=()
        for f in "${batch[@]}"; do args+=(-r "$f"); done
        valgrind -q --error-exitcode=97 --leak-check=full --show-leak-kinds=definite \
            --suppressions=tests/valgrind.supp \
            --errors-for-leak-kinds=definite --log-file="$TMP/vg.$n" \
            "$BIN" -q --workers 1 --hash-key-file "$TMP/key" --alerts /dev/null --transactions /dev/null \
            "${args[@]}" >/dev/null 2>"$TMP/err.$n"
        rc=$?
        if [ $rc -eq 2 ]; then   # an input refused: drop the file it names, run the batch again
            badf=""
            for f in "${batch[@]}"; do grep -qF "$f" "$TMP/err.$n" && { badf=$f; break; }; done
            [ -n "$badf" ] || break
            nb=(); for f in "${batch[@]}"; do [ "$f" = "$badf" ] || nb+=("$f"); done
            batch=("${nb[@]}")
            continue
        fi
        break
    done
    files=$((files + ${#batch[@]}))
    errs=$(grep -c 'ERROR SUMMARY: [1-9]\|Invalid \|uninitialised\|definitely lost' "$TMP/vg.$n")
    if [ $rc -eq 0 ] && [ "$errs" -eq 0 ]; then
        echo "PASS valgrind_batch_$n (${#batch[@]} captures)"; pass=$((pass + 1))
    else
        echo "FAIL valgrind_batch_$n: exit $rc, ${errs} valgrind reports; first lines:"
        grep -v '^==[0-9]*== *$' "$TMP/vg.$n" | head -30 | sed 's/^/    /'
        tail -3 "$TMP/err.$n" | sed 's/^/    /'
        fail=$((fail + 1))
    fi
done
echo "valgrind: $files captures in $n processes"
report $pass $fail
