#!/bin/bash
# make bench-live: live capture with the capture thread against --fanout
# (a socket per worker in an AF_PACKET fanout group), on the same traffic:
# the bench capture (see bench.sh) put on one end of a veth pair by
# tests/tools/pcapsend, captured on the other. Needs root (a veth pair).
# Each figure is the median of RUNS rounds, the two modes taking turns.
# Figures only: nothing is asserted.
#
#   make bench-live                       # default capture, workers = nproc
#   make bench-live BENCH_ARGS=FILE.pcap  # any Ethernet capture
#   RUNS=5 WORKERS=3 make bench-live
#
# cpu_s is the sensor's user + system time for the whole capture (its
# reading, the kernel's copies into its socket buffers, the workers);
# frames are what the sensor got (fewer with --fanout when IPv4 fragments
# are in the traffic: the kernel reassembles them for the fanout choice);
# dropped is what the kernel's socket buffers lost.
set -eu
cd "$(dirname "$0")/../.."
RUNS=${RUNS:-3}
B=build/release
SHARED=${SHARED:-../shared}
WORKERS=${WORKERS:-$(nproc)}
if [ "$(id -u)" -ne 0 ]; then echo "bench-live: needs root (it makes a veth pair)" >&2; exit 2; fi
. tests/bench/capture.sh
pcap=$(bench_capture "${1:-}") || exit 2
key=build/bench/hash.key
[ -s "$key" ] || { head -c 32 /dev/urandom >"$key"; chmod 600 "$key"; }
bench_warm "$pcap"   # every run reads from memory (capture.sh)

A=bwbench0 Z=bwbench1
ip link del "$A" 2>/dev/null || true
ip link add "$A" type veth peer name "$Z"
trap 'ip link del "$A" 2>/dev/null || true; rm -rf "$T"' EXIT
T=$(mktemp -d)
for i in "$A" "$Z"; do ip link set "$i" mtu 65535; ip link set "$i" up; done

one() {  # mode (thread|fanout), round
    local mode=$1 out=$T/$1.$2 extra=()
    [ "$mode" = fanout ] && extra=(--fanout)
    "$B/tools/runstat" "$B/bleedwatch" -i "$A" -q --workers "$WORKERS" -B 256M \
        --hash-key-file "$key" --sensor-name bench-live --stats "$out.json" "${extra[@]}" >"$out.rs" 2>"$out.err" &
    local pid=$!
    for _ in $(seq 100); do grep -q 'capturing on' "$out.err" 2>/dev/null && break; sleep 0.1; done
    "$B/tools/pcapsend" "$Z" "$pcap" >"$out.sent"
    sleep 2   # what the sockets still hold
    pkill -TERM -P "$pid" bleedwatch
    wait "$pid"
}
for r in $(seq "$RUNS"); do one thread "$r"; one fanout "$r"; done

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
printf '%s: %s frames sent (%s), %s workers, %s rounds, median\n' "$pcap" \
    "$(awk '{print $2}' "$T/thread.1.sent")" "$(stat -c %s "$pcap" | numfmt --to=iec)" "$WORKERS" "$RUNS"
printf '%-8s %8s %10s %9s %12s %8s %10s\n' mode cpu_s frames dropped transactions alerts peak_rss
for mode in thread fanout; do
    rs() { for r in $(seq "$RUNS"); do awk -v k="$1" '/^runstat/ {for (i = 1; i < NF; i++) if ($i == k) print $(i + 1)}' "$T/$mode.$r.rs"; done | median; }
    cpu=$(rs cpu_s)
    rss=$(rs maxrss_kb)
    f() { for r in $(seq "$RUNS"); do /usr/bin/python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($1)" "$T/$mode.$r.json"; done | median; }
    printf '%-8s %8.3f %10s %9s %12s %8s %8.1f MB\n' "$mode" "$cpu" "$(f "d['packets']")" \
        "$(f "d['capture']['pcap_dropped']")" "$(f "d['transactions']")" "$(f "d['detection']['alerts']")" \
        "$(echo "$rss" | awk '{print $1 / 1024}')"
done
