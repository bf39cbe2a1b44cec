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

# bench_warm FILE: put FILE in the page cache the way a capture read from
# disk sits there, then read it once, so that every run reads from memory.
# A file just written (the mix built a moment ago) stays cached as its writer
# left it, and reading it back cost this VM's kernel far more: 2 workers took
# 1.02 s (their CPU +33% over 1 worker's) on the mix just built, 0.83 s
# (+12%) on the same file dropped and read back. So: write it out, drop its
# clean pages (dd's nocache, posix_fadvise DONTNEED: no root needed), read it.
bench_warm() {
    sync "$1" 2>/dev/null || sync
    dd if="$1" iflag=nocache count=0 status=none 2>/dev/null || true
    cat "$1" >/dev/null
}
