# Hostile input: every attack capture of pcaps/make_hostile.py is replayed with
# a small cap, and the counter of that cap in the --stats JSON must show it was
# hit (and the run must end cleanly: under ASan+UBSan in make test too).
. tests/lib.sh
if ! /usr/bin/python3 -c 'import scapy' 2>/dev/null; then skip hostile "python3-scapy missing"; exit 0; fi
H=$TMP/h
/usr/bin/python3 pcaps/make_hostile.py "$H" >"$TMP/make.log" 2>&1 || { fail hostile_make "$(tail -3 "$TMP/make.log")"; exit 0; }
head -c 32 /dev/urandom >"$TMP/key"; chmod 600 "$TMP/key"

# run NAME PCAP OPTIONS... -> $TMP/NAME.stats; a crash or non-zero exit fails NAME_runs
run() {
    local name=$1 pcap=$2; shift 2
    "$BW_BIN" -q -r "$H/$pcap" --hash-key-file "$TMP/key" --alerts "$TMP/$name.alerts" \
        --stats "$TMP/$name.stats" "$@" >"$TMP/$name.out" 2>"$TMP/$name.err"
    local rc=$?
    if [ "$rc" -eq 0 ] && [ -s "$TMP/$name.stats" ]; then pass "hostile_${name}_runs"
    else fail "hostile_${name}_runs" "exit $rc: $(tail -3 "$TMP/$name.err")"; fi
}
# stat NAME PATH.TO.KEY -> the number (or -1)
stat() {
    python3 -c "
import json,sys
try:
    v=json.load(open(sys.argv[1]))
    for k in sys.argv[2].split('.'): v=v[k]
    print(int(v))
except Exception: print(-1)" "$TMP/$1.stats" "$2"
}
# expect NAME KEY OP VALUE: the counter compared with VALUE (bash test operator)
expect() {
    local name=$1 key=$2 op=$3 want=$4 got
    got=$(stat "$name" "$key")
    if [ "$got" -ge 0 ] && [ "$got" "$op" "$want" ]; then pass "hostile_${name}_${key##*.}"
    else fail "hostile_${name}_${key##*.}" "$key = $got, expected $op $want"; fi
}

run header_flood header_flood.pcap --http-max-headers 32
expect header_flood dissectors.http.too_many_headers -ge 1
expect header_flood dissectors.http.requests -eq 1

run giant_header giant_header.pcap --http-max-header-bytes 4096
expect giant_header dissectors.http.head_too_big -ge 1

run endless_chunked endless_chunked.pcap --http-max-decoded 1048576
expect endless_chunked dissectors.http.decoded_cap -eq 1
expect endless_chunked transactions -eq 1
# the scan reads at most the cap, not the 3 MB sent
expect endless_chunked detection.body_bytes_scanned -le 1048576

run chunk_overflow chunk_overflow.pcap
expect chunk_overflow dissectors.http.chunk_error -ge 1

run gzip_ratio gzip_bomb.pcap --http-max-ratio 100
expect gzip_ratio dissectors.http.ratio_cap -eq 1
expect gzip_ratio detection.body_bytes_scanned -le 6553600
run gzip_size gzip_bomb.pcap --http-max-decoded 1048576 --http-max-ratio 100000
expect gzip_size dissectors.http.decoded_cap -eq 1
expect gzip_size detection.body_bytes_scanned -le 1048576

run deep_json deep_json.pcap
expect deep_json detection.bodies_scanned -eq 1
expect deep_json detection.pii_depth_capped -ge 1
run deep_xml deep_xml.pcap
expect deep_xml detection.bodies_scanned -eq 1
expect deep_xml detection.pii_depth_capped -ge 1

run pipeline_flood pipeline_flood.pcap --http-max-pipeline 16
expect pipeline_flood dissectors.http.pipeline_overflow -ge 1

run segment_storm segment_storm.pcap --ooo-segs-per-flow 64 --ooo-bytes-per-flow 4096
expect segment_storm reassembly.cap_flow_hits -ge 1
expect segment_storm reassembly.ooo_bytes_peak -le 4096
run segment_total segment_storm.pcap --ooo-segs-per-flow 100000 --ooo-bytes-per-flow 1048576 --ooo-bytes-total 2048
expect segment_total reassembly.cap_total_hits -ge 1
expect segment_total reassembly.ooo_bytes_peak -le 2048

for f in syn_flood port_scan tiny_flows; do
    run $f $f.pcap --max-flows 1000 -w 1
    expect $f flows.created -eq 20000
    expect $f flows.evicted_table_full -ge 19000
    expect $f flows.peak -le 1000
done

# Bounded memory under a flow flood (release only: ASan's own memory hides it).
if [ "${BW_VARIANT:-release}" = release ] && [ -x "$BW_BUILD/tools/runstat" ]; then
    rss() { "$BW_BUILD/tools/runstat" "$BW_BIN" -q -r "$H/tiny_flows.pcap" --hash-key-file "$TMP/key" "$@" 2>/dev/null |
            sed -n 's/.*maxrss_kb \([0-9]*\).*/\1/p'; }
    small=$(rss --max-flows 1000 -w 1)
    big=$(rss --max-flows 1000000 -w 1)
    # 19000 flows fewer held must show: the capped run needs less memory
    if [ -n "$small" ] && [ -n "$big" ] && [ "$small" -lt "$big" ]; then pass "hostile_tiny_flows_rss_bounded"
    else fail "hostile_tiny_flows_rss_bounded" "maxrss capped=${small}kB uncapped=${big}kB"; fi
else
    skip hostile_tiny_flows_rss_bounded "peak RSS is measured in the release variant only (ASan pads every allocation)"
fi

# The heartbeat hash in Redis carries the caps hit (all kinds, summed).
if command -v redis-server >/dev/null && command -v redis-cli >/dev/null; then
    mkdir -p "$TMP/redis"
    redis-server --port 0 --unixsocket "$TMP/redis/r.sock" --unixsocketperm 700 --save '' --appendonly no \
        --dir "$TMP/redis" --daemonize yes --pidfile "$TMP/redis/pid" --logfile "$TMP/redis/log" >/dev/null
    for _ in $(seq 50); do redis-cli -s "$TMP/redis/r.sock" PING 2>/dev/null | grep -q PONG && break; sleep 0.1; done
    "$BW_BIN" -q -r "$H/header_flood.pcap" -r "$H/syn_flood.pcap" --http-max-headers 32 --max-flows 1000 -w 1 \
        --hash-key-file "$TMP/key" --redis "unix://$TMP/redis/r.sock" --sensor-name hostile-hb \
        --spool-dir "$TMP/redis/spool" --stats "$TMP/hb.stats" 2>"$TMP/hb.err"
    got=$(redis-cli -s "$TMP/redis/r.sock" HGET bleedwatch:sensor:hostile-hb caps_hit 2>/dev/null)
    want=$(( $(stat hb dissectors.http.too_many_headers) + $(stat hb flows.evicted_table_full) ))
    [ -s "$TMP/redis/pid" ] && kill "$(cat "$TMP/redis/pid")" 2>/dev/null
    if [ -n "$got" ] && [ "$want" -ge 19000 ] && [ "$got" -eq "$want" ]; then pass "hostile_heartbeat_caps_hit ($got)"
    else fail hostile_heartbeat_caps_hit "heartbeat caps_hit='$got', stats say $want: $(tail -2 "$TMP/hb.err")"; fi
else
    skip hostile_heartbeat_caps_hit "redis-server not installed"
fi
