#!/bin/bash
# make bench: throughput of bleedwatch beside a bare libpcap read loop and
# ndpiReader, on the same capture, in the same run; then memory figures.
# Each figure is the median of RUNS runs (the throughput rows take turns,
# round by round). Figures only: nothing is asserted.
#
#   make bench                       # default capture (see below)
#   make bench BENCH_ARGS=FILE.pcap  # any capture
#   RUNS=5 make bench                # more runs per figure
#   BENCH_MEMORY=0 make bench        # throughput table only
#   IDLE_FLOWS=1000000 FLAT_SIZE=512M (defaults) size the memory runs (the
#   flat-RSS pair: S and 2S, i.e. 0.5 GB and 1 GB)
#
# Default capture: the 177 HTTP-rich captures listed in
# $SHARED/pcaps/bench-inputs.txt (SHARED defaults to ../shared), 20 copies
# with rewritten addresses and rebased times (tests/tools/pcapmix.c), built
# once into build/bench/mix.pcap; without $SHARED, a synthetic HTTP-heavy
# capture of 512 MB from tests/tools/loadgen.c (build/bench/synth.pcap).
#
# Rows: (1) libpcap-loop: pcap_next_ex over the file, nothing else; (2)
# bleedwatch --workers 1 (inline in the capture thread); (3) bleedwatch
# --workers N, N among nproc-1 (when >= 2), nproc and nproc+1, the fastest
# kept and named; (4) ndpiReader -q (classification only), when installed;
# (5) bleedwatch --workers 1 --pii-scan-cap 1: everything but the PII
# engine's reading of the bodies (capture, decoding, flows, reassembly, nDPI,
# HTTP, gzip, storage recognition), to show what the scan of the decoded
# bodies costs; the run's own statistics say how many body bytes it reads.
# ratio = (1)'s time / the row's time, i.e. the row's share of the floor.
# Each round also runs tests/tools/cpu_probe on all cores: what they give
# together over one core alone at that moment (the scaling's ceiling here).
set -eu
cd "$(dirname "$0")/../.."
RUNS=${RUNS:-3}
B=build/release
SHARED=${SHARED:-../shared}
IDLE_FLOWS=${IDLE_FLOWS:-1000000}
FLAT_SIZE=${FLAT_SIZE:-512M}
mkdir -p build/bench
. tests/bench/capture.sh
pcap=$(bench_capture "${1:-}") || exit 2

key=build/bench/hash.key
[ -s "$key" ] || { head -c 32 /dev/urandom >"$key"; chmod 600 "$key"; }
BW=(./bleedwatch -q --hash-key-file "$key" --sensor-name bench)

read -r _ packets _ bytes _ < <("$B/tools/pcap_loop" "$pcap")
size=$(stat -c %s "$pcap")
bench_warm "$pcap"   # every run reads from memory (capture.sh)

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

measure() {  # label, command...  ->  "label wall_s maxrss_kb cpu_s" (median of RUNS)
    local label=$1; shift
    for _ in $(seq "$RUNS"); do once "$label" "$@"; done
    summary "$label"
}

# One run of a row, appended to its figures (wall, rss, cpu per run).
declare -A WALLS RSS CPUS
once() {  # label, command...
    local label=$1; shift
    local line
    line=$("$B/tools/runstat" "$@" 2>/dev/null | grep '^runstat ')
    local st; st=$(awk '{print $7}' <<<"$line")
    [ "$st" = 0 ] || { echo "bench: $label exited $st" >&2; exit 1; }
    WALLS[$label]+="$(awk '{print $3}' <<<"$line") "
    RSS[$label]+="$(awk '{print $5}' <<<"$line") "
    CPUS[$label]+="$(awk '{print $9}' <<<"$line") "
}
summary() {  # label -> "label wall_s maxrss_kb cpu_s", medians
    local l=$1
    echo "$l $(tr ' ' '\n' <<<"${WALLS[$l]}" | grep . | median) $(tr ' ' '\n' <<<"${RSS[$l]}" | grep . | median)" \
         "$(tr ' ' '\n' <<<"${CPUS[$l]}" | grep . | median)"
}
# Each worker thread's CPU seconds in a round (the run's capture.worker_cpu_s):
# their sum and the largest, per round.
ST=$(mktemp -d)
trap 'rm -rf "$ST"' EXIT
declare -A WSUM WMAX
worker_cpu() {  # wN
    local c
    c=$(grep -o '"worker_cpu_s":\[[^]]*\]' "$ST/$1.json" | sed 's/.*\[//; s/\]//')
    WSUM[$1]+="$(awk -v c="$c" 'BEGIN {n = split(c, a, ","); s = 0; for (i = 1; i <= n; i++) s += a[i]; print s}') "
    WMAX[$1]+="$(awk -v c="$c" 'BEGIN {n = split(c, a, ","); m = 0; for (i = 1; i <= n; i++) if (a[i] > m) m = a[i]; print m}') "
}
cpu_median() { tr ' ' '\n' <<<"$1" | grep . | median; }
# The median over rounds of a/b, rows a and b measured in the same rounds.
paired() {
    paste <(tr ' ' '\n' <<<"${WALLS[$1]}" | grep .) <(tr ' ' '\n' <<<"${WALLS[$2]}" | grep .) |
        awk '{print $1 / $2}' | median
}

ncpu=$(nproc)
echo "capture: $pcap ($((size / 1048576)) MB, $packets packets, $bytes wire bytes); median of $RUNS rounds"
echo "machine: $ncpu cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); load average $(cut -d' ' -f1-3 /proc/loadavg)"
# Rounds: every row once per round, in turn, so that a burst of load from
# elsewhere (a shared machine) falls on all rows alike, not on one.
rows=(libpcap-loop bleedwatch-w1)
wn=()
for n in $((ncpu - 1)) "$ncpu" $((ncpu + 1)); do [ "$n" -ge 2 ] && wn+=("$n"); done
for n in "${wn[@]}"; do rows+=("bleedwatch-w$n"); done
have_ndpi=false
if command -v ndpiReader >/dev/null 2>&1; then have_ndpi=true; rows+=(ndpiReader); fi
PROBES=()
for _ in $(seq "$RUNS"); do
    once libpcap-loop "$B/tools/pcap_loop" "$pcap"
    once bleedwatch-w1 "${BW[@]}" --workers 1 -r "$pcap" --stats "$ST/w1.json"
    worker_cpu w1
    for n in "${wn[@]}"; do
        once "bleedwatch-w$n" "${BW[@]}" --workers "$n" -r "$pcap" --stats "$ST/w$n.json"
        worker_cpu "w$n"
    done
    if $have_ndpi; then once ndpiReader ndpiReader -q -i "$pcap"; fi
    once w1-no-body-scan "${BW[@]}" --workers 1 --pii-scan-cap 1 -r "$pcap"
    # the machine's own ceiling this round (tests/tools/cpu_probe.c)
    PROBES+=("$("$B/tools/cpu_probe" "$ncpu" 1)")
done
results=("$(summary libpcap-loop)" "$(summary bleedwatch-w1)")
best=""
tried=()
for n in "${wn[@]}"; do
    r=$(summary "bleedwatch-w$n")
    tried+=("w$n=$(awk '{printf "%.3fs", $2}' <<<"$r")")
    if [ -z "$best" ] || awk -v a="$(awk '{print $2}' <<<"$r")" -v b="$(awk '{print $2}' <<<"$best")" 'BEGIN {exit !(a < b)}'; then
        best=$r
    fi
done
results+=("$best")
if $have_ndpi; then results+=("$(summary ndpiReader)"); else echo "(ndpiReader not installed: apt-get install libndpi-bin)"; fi
results+=("$(summary w1-no-body-scan)")
floor=$(awk '{print $2}' <<<"${results[0]}")
w1=$(awk '{print $2}' <<<"${results[1]}")
printf '%-16s %9s %10s %9s %10s %8s %9s\n' "run" "seconds" "Mpkt/s" "Gbit/s" "peakRSS" "ratio" "cpu_s"
for r in "${results[@]}"; do
    read -r label w rss cpu <<<"$r"
    awk -v l="$label" -v w="$w" -v p="$packets" -v b="$bytes" -v rss="$rss" -v f="$floor" -v c="$cpu" 'BEGIN {
        printf "%-16s %9.3f %10.3f %9.3f %8.1fMB %8.3f %9.3f\n", l, w, p / w / 1e6, b * 8 / w / 1e9, rss / 1024, f / w, c }'
done
echo "(seconds: wall time, what the rates and ratios use; cpu_s: user + system time of all"
echo " threads, which on a busy machine says more about the work than the wall time does)"
read -r blabel bw _ <<<"$best"
echo "workers tried: ${tried[*]}; kept ${blabel#bleedwatch-}"
awk -v a="$w1" -v b="$bw" -v l="${blabel#bleedwatch-}" -v p="$(paired bleedwatch-w1 "$blabel")" \
    'BEGIN { printf "scaling: %s is %.2fx bleedwatch-w1 (median of the rounds'"'"' own ratios: %.2fx)\n", l, a / b, p }'
# What N cores give over one on this machine now: the probe's rounds, median
# by speed-up. A VM's cores need not be equal (one may share its physical
# core with a neighbour), and no program scales past this.
printf '%s\n' "${PROBES[@]}" | sort -g -k4 | awk -v n="${#PROBES[@]}" -v sc="$(paired bleedwatch-w1 "$blabel")" 'NR == int((n + 1) / 2) {
    t = $2; each = ""; cores = ""
    for (i = 6; i < 6 + t; i++) each = each (each == "" ? "" : ", ") $i
    for (i = 9 + t; i <= NF; i++) cores = cores (cores == "" ? "" : ", ") $i
    printf "machine ceiling: a branchy byte loop (tests/tools/cpu_probe.c) on %d threads at once gives %.2fx one thread alone on the fastest core (median of the rounds; each thread %s of that; alone on each core %s s); the workers'"'"' scaling (rounds'"'"' own) is %.2f of it\n", t, $4, each, cores, sc / $4 }'
if $have_ndpi; then
    awk -v p="$(paired "$blabel" ndpiReader)" -v l="${blabel#bleedwatch-}" \
        'BEGIN { printf "against ndpiReader: %s takes %.3f of its time (median of the rounds'"'"' own ratios)\n", l, p }'
fi
# What the PII engine reads: the decoded bodies of storage responses that
# could alert (gzip and chunking undone), counted by the 1-worker rounds.
scanned=$(grep -o '"body_bytes_scanned":[0-9]*' "$ST/w1.json" | cut -d: -f2)
scanned_wire=$(grep -o '"body_wire_bytes_scanned":[0-9]*' "$ST/w1.json" | cut -d: -f2)
# Where the N workers' wall time goes, from the rounds' own worker clocks
# (medians): the work they did together against the one worker's, and how
# much of the wall time the busiest one was running.
bn=${blabel#bleedwatch-}
awk -v one="$(cpu_median "${WSUM[w1]}")" -v sum="$(cpu_median "${WSUM[$bn]}")" -v max="$(cpu_median "${WMAX[$bn]}")" \
    -v wall="$bw" -v l="$bn" 'BEGIN {
    if (one <= 0 || wall <= 0) exit
    printf "where %s goes (medians of the rounds'"'"' worker clocks): its workers ran %.3f s of CPU together against 1 worker'"'"'s %.3f s (%+.1f%%: every reader reads and steers the whole file, and a core slower than the one 1 worker ran on counts more seconds for the same work: see the ceiling line); the busiest ran %.3f s of the %.3f s wall (the other %.3f s: start-up, a worker waiting for its nDPI module, the last worker'"'"'s tail, exit)\n",
        l, sum, one, (sum / one - 1) * 100, max, wall, wall - max }'
awk -v s="${scanned:-0}" -v sw="${scanned_wire:-0}" -v b="$bytes" -v w1="$w1" -v ns="$(summary w1-no-body-scan | awk '{print $2}')" \
    -v p="$(paired bleedwatch-w1 w1-no-body-scan)" 'BEGIN {
    printf "PII scan: 1 worker reads %.1f MB of decoded bodies (%.2f of the capture'"'"'s wire bytes), which came as %.1f MB on the wire (gzip undone: %.2fx); reading them takes %.3f s of its %.3f s (w1 is %.2fx w1-no-body-scan, rounds'"'"' own ratios), %.0f MB/s\n",
        s / 1e6, s / b, sw / 1e6, (sw > 0) ? s / sw : 0, w1 - ns, w1, p, (w1 > ns) ? s / 1e6 / (w1 - ns) : 0 }'

[ "${BENCH_MEMORY:-1}" = 0 ] && exit 0
RUNS=${MEM_RUNS:-1}   # peak RSS hardly varies; the idle replay is long

# ---- memory ----
# Idle flows (loadgen --mix idle), never closed: "handshake" = handshake
# only (flow table and reassembly state); "keep-alive" = one small HTTP
# request answered, then idle between transactions (the HTTP dissector's
# state); "request" = one small request left unanswered (that state and the
# pending request, its head included). Base: the same with 1,000 flows.
# Bytes per flow = the difference of peak RSS over the difference of flows.
echo
maxf=$((IDLE_FLOWS + IDLE_FLOWS / 10))
# per_flow WHAT IDLE BASE: peak RSS of the two replays, and the bytes per flow
per_flow() {
    local ri rb
    ri=$(measure idle "${BW[@]}" --workers 1 --max-flows "$maxf" -r "$2")
    rb=$(measure base "${BW[@]}" --workers 1 --max-flows "$maxf" -r "$3")
    awk -v i="$(awk '{print $3}' <<<"$ri")" -v b="$(awk '{print $3}' <<<"$rb")" -v n="$IDLE_FLOWS" -v m="$maxf" \
        -v t="$(awk '{print $2}' <<<"$ri")" -v k="$1" 'BEGIN {
        printf "memory: %d concurrent idle %s (--max-flows %d, 1 worker): peak RSS %.1f MB, base (1,000) %.1f MB: %.0f bytes per flow beyond the base (%.1f s)\n",
            n, k, m, i / 1024, b / 1024, (i - b) * 1024 / (n - 1000), t }'
}
for kind in handshake keep-alive request; do
    case $kind in handshake) req=no ;; keep-alive) req=answered ;; *) req=yes ;; esac
    idle=build/bench/idle-$kind-$IDLE_FLOWS.pcap
    base=build/bench/idle-$kind-1000.pcap
    [ -s "$idle" ] || "$B/tools/loadgen" -o "$idle" --mix idle --idle-flows "$IDLE_FLOWS" --idle-request $req 2>/dev/null
    [ -s "$base" ] || "$B/tools/loadgen" -o "$base" --mix idle --idle-flows 1000 --idle-request $req 2>/dev/null
    per_flow "TCP flows ($kind)" "$idle" "$base"
done
# Pooled database connections (tests/tools/flowgen): one command answered
# each (Redis PING, a MongoDB OP_MSG ping), then idle, as a client's pool
# keeps them.
for proto in redis mongodb; do
    idle=build/bench/pool-$proto-$IDLE_FLOWS.pcap
    base=build/bench/pool-$proto-1000.pcap
    [ -s "$idle" ] || "$B/tools/flowgen" "$idle" "$IDLE_FLOWS" 4 $proto
    [ -s "$base" ] || "$B/tools/flowgen" "$base" 1000 4 $proto
    per_flow "$proto connections (one command answered)" "$idle" "$base"
done

# Flat RSS: a capture of size S and one of 2S (same mix, more flows), 100 us
# between packets so that both run well past the flow timeouts (S = 512 MB
# is ~160 s of capture time; closed flows linger 10 s, idle ones 300 s): peak
# RSS must not grow with the capture's length.
s1=build/bench/flat100us-$FLAT_SIZE.pcap
s2=build/bench/flat100us-2x$FLAT_SIZE.pcap
bytes1=$(numfmt --from=iec "$FLAT_SIZE")
[ -s "$s1" ] || "$B/tools/loadgen" -o "$s1" --size "$bytes1" --gap-us 100 2>/dev/null
[ -s "$s2" ] || "$B/tools/loadgen" -o "$s2" --size $((2 * bytes1)) --seed 2 --gap-us 100 2>/dev/null
r1=$(measure S "${BW[@]}" --workers 1 -r "$s1")
r2=$(measure 2S "${BW[@]}" --workers 1 -r "$s2")
awk -v a="$(awk '{print $3}' <<<"$r1")" -v b="$(awk '{print $3}' <<<"$r2")" -v s="$FLAT_SIZE" \
    -v z1="$(stat -c %s "$s1")" -v z2="$(stat -c %s "$s2")" 'BEGIN {
    printf "flat RSS: %s capture (%d MB) peak %.1f MB; 2x (%d MB) peak %.1f MB; growth %+.1f MB (%+.1f%%)\n",
        s, z1 / 1048576, a / 1024, z2 / 1048576, b / 1024, (b - a) / 1024, (b - a) * 100 / a }'
