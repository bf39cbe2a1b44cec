#!/bin/bash
# make bench: throughput of bleedwatch beside a bare libpcap read loop, on the
# same capture, in the same run. Each figure is the median of RUNS runs.
#
#   make bench                       # default capture: the ~500 MB mix (see below)
#   make bench BENCH_ARGS=FILE.pcap  # any capture
#   RUNS=5 make bench
#
# Default capture: the 177 HTTP-rich captures listed in
# ../shared/pcaps/bench-inputs.txt, 20 copies with rewritten addresses and
# rebased times (tests/tools/pcapmix.c), built once into build/bench/mix.pcap.
set -eu
cd "$(dirname "$0")/../.."
RUNS=${RUNS:-3}
B=build/release
SHARED=${SHARED:-../shared}
pcap=${1:-}
if [ -z "$pcap" ]; then
    pcap=build/bench/mix.pcap
    if [ ! -s "$pcap" ]; then
        if [ ! -f "$SHARED/pcaps/bench-inputs.txt" ]; then
            echo "bench: $SHARED/pcaps is absent; give a capture: make bench BENCH_ARGS=FILE.pcap" >&2
            exit 2
        fi
        mkdir -p build/bench
        echo "bench: building $pcap from $SHARED/pcaps/bench-inputs.txt (20 copies)..." >&2
        mapfile -t files < <(sed "s|^|$SHARED/pcaps/|" "$SHARED/pcaps/bench-inputs.txt")
        "$B/tools/pcapmix" -o "$pcap" -k 20 "${files[@]}"
    fi
fi
[ -r "$pcap" ] || { echo "bench: cannot read $pcap" >&2; exit 2; }

read -r _ packets _ bytes _ < <("$B/tools/pcap_loop" "$pcap")
size=$(stat -c %s "$pcap")
# warm the page cache so every run reads from memory
cat "$pcap" >/dev/null

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

measure() {  # label, command...
    local label=$1; shift
    local walls=() rss=()
    for _ in $(seq "$RUNS"); do
        local line
        line=$("$B/tools/runstat" "$@" 2>/dev/null | grep '^runstat ')
        walls+=("$(awk '{print $3}' <<<"$line")")
        rss+=("$(awk '{print $5}' <<<"$line")")
        local st; st=$(awk '{print $7}' <<<"$line")
        [ "$st" = 0 ] || { echo "bench: $label exited $st" >&2; exit 1; }
    done
    local w r
    w=$(printf '%s\n' "${walls[@]}" | median)
    r=$(printf '%s\n' "${rss[@]}" | median)
    echo "$label $w $r"
}

echo "capture: $pcap ($((size / 1048576)) MB, $packets packets, $bytes wire bytes); median of $RUNS runs"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
results=()
results+=("$(measure "libpcap-loop" "$B/tools/pcap_loop" "$pcap")")
results+=("$(measure "bleedwatch" ./bleedwatch -q -r "$pcap")")
if command -v ndpiReader >/dev/null 2>&1; then
    results+=("$(measure "ndpiReader" ndpiReader -q -i "$pcap")")
fi
floor=$(awk '{print $2}' <<<"${results[0]}")
printf '%-14s %9s %10s %9s %10s %8s\n' "run" "seconds" "Mpkt/s" "Gbit/s" "peakRSS" "ratio"
for r in "${results[@]}"; do
    read -r label w rss <<<"$r"
    awk -v l="$label" -v w="$w" -v p="$packets" -v b="$bytes" -v rss="$rss" -v f="$floor" 'BEGIN {
        printf "%-14s %9.3f %10.3f %9.3f %8.1fMB %8.3f\n", l, w, p / w / 1e6, b * 8 / w / 1e9, rss / 1024, f / w }'
done
