# Hostile input: every attack capture of pcaps/make_hostile.py is replayed with
# a small cap, and the counter of that cap in the --stats JSON must show it was
# hit (and the run must end cleanly: under ASan+UBSan in make test too). The
# ordinary captures among them, and the real ones of pcaps/, must hit no cap
# under the defaults.
. tests/lib.sh
if ! /usr/bin/python3 -c 'import scapy' 2>/dev/null; then skip hostile "python3-scapy missing"; exit 0; fi
H=$TMP/h
/usr/bin/python3 pcaps/make_hostile.py "$H" >"$TMP/make.log" 2>&1 || { fail hostile_make "$(tail -3 "$TMP/make.log")"; exit 0; }
head -c 32 /dev/urandom >"$TMP/key"; chmod 600 "$TMP/key"

# run NAME PCAP OPTIONS... -> $TMP/NAME.stats; a crash or non-zero exit fails NAME_runs
# (PCAP: a file of $H, or a path with a slash)
run() {
    local name=$1 pcap=$2; shift 2
    case $pcap in */*) ;; *) pcap=$H/$pcap ;; esac
    "$BW_BIN" -q -r "$pcap" --hash-key-file "$TMP/key" --alerts "$TMP/$name.alerts" \
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
expect chunk_overflow dissectors.http.chunk_too_big -eq 0   # past 64 bits: a broken size, not a big one

# a chunk-size of 2^48 - 1: the default --http-max-chunk ends the body there
run chunk_huge chunk_huge.pcap
expect chunk_huge dissectors.http.chunk_too_big -eq 1
expect chunk_huge dissectors.http.chunk_error -eq 0
expect chunk_huge transactions -eq 1
# an 8 KiB chunk: too big only for a small cap
run chunk_big_default chunk_big.pcap
expect chunk_big_default dissectors.http.chunk_too_big -eq 0
run chunk_big chunk_big.pcap --http-max-chunk 4096
expect chunk_big dissectors.http.chunk_too_big -eq 1
expect chunk_big transactions -eq 1

run gzip_ratio gzip_bomb.pcap --http-max-ratio 100
expect gzip_ratio dissectors.http.ratio_cap -eq 1
expect gzip_ratio detection.body_bytes_scanned -le 6553600
run gzip_size gzip_bomb.pcap --http-max-decoded 1048576 --http-max-ratio 100000
expect gzip_size dissectors.http.decoded_cap -eq 1
expect gzip_size detection.body_bytes_scanned -le 1048576
# the same body counted as it came on the wire: the whole gzip stream, past the cap
bomb_len=$(/usr/bin/python3 -c 'import gzip; print(len(gzip.compress(b"\0" * (64 << 20), 9)))')
expect gzip_size detection.body_wire_bytes_scanned -eq "$bomb_len"

run deep_json deep_json.pcap
expect deep_json detection.bodies_scanned -eq 1
expect deep_json detection.pii_depth_capped -ge 1
run deep_xml deep_xml.pcap
expect deep_xml detection.bodies_scanned -eq 1
expect deep_xml detection.pii_depth_capped -ge 1

# PII 10 levels down: field context kept under the default depth, lost past a small one
run nested_pii_default nested_pii.pcap
expect nested_pii_default detection.pii_depth_capped -eq 0
run nested_pii nested_pii.pcap --pii-max-depth 4
expect nested_pii detection.pii_depth_capped -eq 2

# MongoDB replies of a few KB: every cap, none hit by default
M=dissectors.mongodb
run mongo_default mongo_caps.pcap
for c in too_big json_capped depth_capped elems_capped; do expect mongo_default $M.$c -eq 0; done
expect mongo_default $M.transactions -eq 2
run mongo_message mongo_caps.pcap --mongodb-max-message 1024
expect mongo_message $M.too_big -eq 2
expect mongo_message $M.unanswered -eq 2
run mongo_json mongo_caps.pcap --mongodb-max-json 1024
expect mongo_json $M.json_capped -eq 2
run bson_depth mongo_caps.pcap --bson-max-depth 3
expect bson_depth $M.depth_capped -eq 2
run bson_elements mongo_caps.pcap --bson-max-elements 50
expect bson_elements $M.elems_capped -eq 2
# BSON nested 150 deep: the default depth (100)
run mongo_deep mongo_deep.pcap
expect mongo_deep $M.depth_capped -eq 1
expect mongo_deep $M.transactions -eq 1

# Redis replies within the defaults: HGETALL (41 values), XRANGE (3 levels),
# a 3000-byte bulk in three segments, an error line of 65 bytes
R=dissectors.redis
run redis_default redis_caps.pcap
for c in too_big json_capped depth_capped elems_capped line_capped; do expect redis_default $R.$c -eq 0; done
expect redis_default $R.transactions -eq 5
run resp_elements redis_caps.pcap --resp-max-elements 20
expect resp_elements $R.elems_capped -eq 2
run resp_json redis_caps.pcap --resp-max-json 256
expect resp_json $R.json_capped -eq 2
run resp_depth redis_caps.pcap --resp-max-depth 2
expect resp_depth $R.depth_capped -eq 1
run resp_message redis_caps.pcap --resp-max-message 1024
expect resp_message $R.too_big -eq 1
expect resp_message $R.transactions -eq 5   # the big bulk skipped, its GET and the next one still paired
run resp_line redis_caps.pcap --resp-max-line 64
expect resp_line $R.line_capped -eq 1
# a reply nested 40 deep: the default depth (32)
run redis_deep redis_deep.pcap
expect redis_deep $R.depth_capped -eq 1

# the real MongoDB and Redis captures hit no cap under the defaults
run wire_mongodb pcaps/mongodb.pcap
for c in too_big json_capped depth_capped elems_capped; do expect wire_mongodb $M.$c -eq 0; done
expect wire_mongodb detection.pii_depth_capped -eq 0
run wire_redis pcaps/redis.pcap
for c in too_big json_capped depth_capped elems_capped line_capped; do expect wire_redis $R.$c -eq 0; done

# The same caps as config-file keys (-c), all at once, each on a flow where
# the others do not mask it; a value out of range names its line.
cat >"$TMP/caps.conf" <<'EOF'
http-max-chunk 4k
pii-max-depth 4
mongodb-max-message 2k
mongodb-max-json 512
bson-max-depth 4
bson-max-elements 30
resp-max-depth 2
resp-max-elements 30
resp-max-line 64
resp-max-message 1k
resp-max-json 64
EOF
"$BW_BIN" -q -c "$TMP/caps.conf" -r "$H/chunk_big.pcap" -r "$H/nested_pii.pcap" -r "$H/mongo_caps.pcap" \
    -r "$H/redis_caps.pcap" -r pcaps/redis.pcap --hash-key-file "$TMP/key" --stats "$TMP/conf.stats" 2>"$TMP/conf.err"
check hostile_config_caps_runs [ $? -eq 0 ]
for n in conf_http conf_mongodb conf_redis; do cp "$TMP/conf.stats" "$TMP/$n.stats"; done
expect conf_http dissectors.http.chunk_too_big -ge 1
expect conf_http detection.pii_depth_capped -ge 1
for c in too_big json_capped depth_capped elems_capped; do expect conf_mongodb $M.$c -ge 1; done
for c in too_big json_capped depth_capped elems_capped line_capped; do expect conf_redis $R.$c -ge 1; done
printf 'quiet\nresp-max-depth 33\n' >"$TMP/bad.conf"
"$BW_BIN" -c "$TMP/bad.conf" -r "$H/redis_deep.pcap" 2>"$TMP/bad.err"; rc=$?
check hostile_config_cap_range_exit2 [ $rc -eq 2 ]
check hostile_config_cap_range_names_line grep -q "bad.conf:2: --resp-max-depth: '33' is not a number from 1 to 32" "$TMP/bad.err"

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

# The heartbeat hash in Redis carries the caps hit (all kinds, summed: flow
# table, HTTP, and the MongoDB and Redis dissectors' caps).
if command -v redis-server >/dev/null && command -v redis-cli >/dev/null; then
    mkdir -p "$TMP/redis"
    redis-server --port 0 --unixsocket "$TMP/redis/r.sock" --unixsocketperm 700 --save '' --appendonly no \
        --dir "$TMP/redis" --daemonize yes --pidfile "$TMP/redis/pid" --logfile "$TMP/redis/log" >/dev/null
    for _ in $(seq 50); do redis-cli -s "$TMP/redis/r.sock" PING 2>/dev/null | grep -q PONG && break; sleep 0.1; done
    "$BW_BIN" -q -r "$H/header_flood.pcap" -r "$H/syn_flood.pcap" -r "$H/mongo_caps.pcap" -r "$H/redis_caps.pcap" \
        --http-max-headers 32 --max-flows 1000 -w 1 --bson-max-depth 3 --resp-max-line 64 \
        --hash-key-file "$TMP/key" --redis "unix://$TMP/redis/r.sock" --sensor-name hostile-hb \
        --spool-dir "$TMP/redis/spool" --stats "$TMP/hb.stats" 2>"$TMP/hb.err"
    got=$(redis-cli -s "$TMP/redis/r.sock" HGET bleedwatch:sensor:hostile-hb caps_hit 2>/dev/null)
    want=$(( $(stat hb dissectors.http.too_many_headers) + $(stat hb flows.evicted_table_full) +
             $(stat hb dissectors.mongodb.depth_capped) + $(stat hb dissectors.redis.line_capped) ))
    [ -s "$TMP/redis/pid" ] && kill "$(cat "$TMP/redis/pid")" 2>/dev/null
    wire=$(( $(stat hb dissectors.mongodb.depth_capped) + $(stat hb dissectors.redis.line_capped) ))
    if [ -n "$got" ] && [ "$want" -ge 19000 ] && [ "$wire" -ge 2 ] && [ "$got" -eq "$want" ]; then
        pass "hostile_heartbeat_caps_hit ($got)"
    else fail hostile_heartbeat_caps_hit "heartbeat caps_hit='$got', stats say $want: $(tail -2 "$TMP/hb.err")"; fi
else
    skip hostile_heartbeat_caps_hit "redis-server not installed"
fi
