#!/bin/bash
# tests/bench/pii_bench.sh -- PII engine throughput per core, beside a plain
# memchr pass over the same bytes in the same run. Prints figures only (no
# pass/fail): the design goal is an engine at >= 1/3 of memchr on PII-free text.
#
#   tests/bench/pii_bench.sh            ~1 GB text mix, 1 GB PII-free look-alikes, 256 MB PII-dense CSV/NDJSON
#   PII_BENCH_MB=256 PII_BENCH_DENSE_MB=64 tests/bench/pii_bench.sh   smaller
#   KEEP=1 ...                           keep the generated files in $BENCH_DIR
#
# The text mix is /usr/share/doc (gzip'd files decompressed) plus installed
# JavaScript (tests/pii/node_modules, /usr/lib/node_modules,
# /usr/share/javascript), repeated to size, generated on the fly into /tmp.
# The dense files repeat rows of the labelled corpus (tests/pii/data).
set -euo pipefail
cd "$(dirname "$0")/../.."
MB=${PII_BENCH_MB:-1024}
DENSE_MB=${PII_BENCH_DENSE_MB:-256}
DIR=${BENCH_DIR:-/tmp/bw_pii_bench}
B=build/release
make --no-print-directory "$B/tools/pii_bench_io" >/dev/null
TOOL=$B/tools/pii_bench_io
mkdir -p "$DIR"
[ "${KEEP:-0}" = 1 ] || trap 'rm -rf "$DIR"' EXIT

# repeat SEED into OUT until it is SIZE_MB long (doubling: log2 steps)
fill() {
    local seed=$1 out=$2 size=$(( $3 * 1024 * 1024 ))
    cat "$seed" >"$out"
    while [ "$(stat -c %s "$out")" -lt "$size" ]; do
        cat "$out" "$out" >"$out.tmp" && mv "$out.tmp" "$out"
    done
    truncate -s "$size" "$out"
}

if [ ! -s "$DIR/text_seed" ]; then
    {
        find /usr/share/doc -type f -name '*.gz' -print0 | xargs -0 -r zcat -f 2>/dev/null || true
        find /usr/share/doc -type f ! -name '*.gz' -size -4M -print0 |
            xargs -0 -r grep -lIZ '' 2>/dev/null | xargs -0 -r cat 2>/dev/null || true
        for d in tests/pii/node_modules /usr/lib/node_modules /usr/share/javascript; do
            [ -d "$d" ] && find "$d" -type f \( -name '*.js' -o -name '*.mjs' -o -name '*.cjs' -o -name '*.json' \) \
                -print0 | xargs -0 -r cat 2>/dev/null || true
        done
    } >"$DIR/text_seed"
fi
fill "$DIR/text_seed" "$DIR/text_mix" "$MB"

D=tests/pii/data
tail -n +2 "$D/customers_en_US.csv" >"$DIR/csv_rows"
fill "$DIR/csv_rows" "$DIR/dense_rows" "$DENSE_MB"
{ head -n 1 "$D/customers_en_US.csv"; cat "$DIR/dense_rows"; } >"$DIR/dense.csv"
rm -f "$DIR/dense_rows"
fill "$D/events_nl.ndjson" "$DIR/dense.ndjson" "$DENSE_MB"
# truly PII-free: /usr/share/doc changelogs and copyright files are full of
# real maintainers' addresses and names, so also time the look-alike corpus
cat "$D"/lookalike_access.log "$D"/lookalike_bundle.min.js "$D"/lookalike_base64.txt \
    "$D"/lookalike_metrics.ndjson >"$DIR/look_seed"
fill "$DIR/look_seed" "$DIR/lookalike_mix" "$MB"   # the PII-free text mix: as long as the text mix

echo "PII engine throughput (one core; $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'))"
echo "text mix seed: $(( $(stat -c %s "$DIR/text_seed") / 1024 / 1024 )) MB of /usr/share/doc + JavaScript, repeated to $MB MB"
"$TOOL" --type text --body 4 "$DIR/text_mix"
echo "PII-free text: look-alikes (logs, minified JS, base64, metrics; 4 MB bodies):"
"$TOOL" --type text --body 4 "$DIR/lookalike_mix"
echo "PII-dense (labelled corpus rows repeated; one body per file):"
"$TOOL" --type csv --body 1000000 "$DIR/dense.csv"
"$TOOL" --type json --body 1000000 "$DIR/dense.ndjson"
