# tests/bench/capture.sh -- sourced by the bench scripts: bench_capture
# [FILE] prints the capture to measure: FILE, or the default one, built once
# (see bench.sh). Needs B and SHARED set.
bench_capture() {
    local pcap=${1:-}
    if [ -z "$pcap" ]; then
        if [ -f "$SHARED/pcaps/bench-inputs.txt" ]; then
            pcap=build/bench/mix.pcap
            if [ ! -s "$pcap" ]; then
                echo "bench: building $pcap from $SHARED/pcaps/bench-inputs.txt (20 copies)..." >&2
                mapfile -t files < <(sed "s|^|$SHARED/pcaps/|" "$SHARED/pcaps/bench-inputs.txt")
                "$B/tools/pcapmix" -o "$pcap" -k 20 "${files[@]}" >&2
            fi
        else
            pcap=build/bench/synth.pcap
            if [ ! -s "$pcap" ]; then
                echo "bench: $SHARED/pcaps is absent: synthetic capture $pcap (loadgen, 512 MB)..." >&2
                "$B/tools/loadgen" -o "$pcap" --size 512M >&2
            fi
        fi
    fi
    [ -r "$pcap" ] || { echo "bench: cannot read $pcap" >&2; exit 2; }
    echo "$pcap"
}
