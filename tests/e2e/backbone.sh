# Backbone end to end: captures made by pcaps/make_backbone.py (scapy), each
# with its truth; bleedwatch's transaction log must match it exactly.
. tests/lib.sh
if ! /usr/bin/python3 -c 'import scapy' 2>/dev/null; then skip backbone "python3-scapy missing"; exit 0; fi
/usr/bin/python3 pcaps/make_backbone.py "$TMP/bb" >/dev/null 2>&1 || { fail backbone_make "make_backbone.py failed"; exit 0; }
for truth in "$TMP"/bb/*.truth.json; do
    case=$(basename "$truth" .truth.json)
    # one worker: check_txlog.py reads the transactions in capture order
    "$BW_BIN" -q --workers 1 -r "$TMP/bb/$case.pcap" --transactions "$TMP/$case.jsonl" --stats "$TMP/$case.stats" 2>"$TMP/err"
    rc=$?
    if [ $rc -ne 0 ]; then fail "backbone_$case" "exit $rc: $(head -c 300 "$TMP/err")"; continue; fi
    if out=$(python3 tests/compare/check_txlog.py "$truth" "$TMP/$case.jsonl" 2>&1); then
        pass "backbone_$case"
    else
        fail "backbone_$case" "$(echo "$out" | head -5 | tr '\n' ';')"
    fi
done
# gap accounting: the dropped segment is 1000 bytes, reported as loss
check backbone_gap_bytes python3 -c "import json,sys; s=json.load(open('$TMP/gap.stats')); sys.exit(0 if s['reassembly']['gap_bytes_loss']==1000 else 1)"
check backbone_snaplen_counted python3 -c "import json,sys; s=json.load(open('$TMP/snaplen.stats')); sys.exit(0 if s['truncated_packets']>0 and s['reassembly']['gap_bytes_snaplen']>0 else 1)"
# capture health in the heartbeat hash of a real redis-server: the same figures
if command -v redis-server >/dev/null && command -v redis-cli >/dev/null; then
    . tests/redis_lib.sh
    port=$(free_port)
    if start_redis hb "$port"; then
        for case in gap snaplen; do
            "$BW_BIN" -q -r "$TMP/bb/$case.pcap" --redis "redis://127.0.0.1:$port" --sensor-name "bb-$case" \
                --hash-key-file "$TMP/key" --spool-dir "$TMP/spool-$case" 2>"$TMP/hb.err"
        done
        hb() { redis-cli -p "$port" HGET "bleedwatch:sensor:bb-$1" "$2"; }
        check backbone_heartbeat_gap_bytes [ "$(hb gap gap_bytes_loss)" = 1000 ]
        sn=$(python3 -c "import json; s=json.load(open('$TMP/snaplen.stats')); print(s['truncated_packets'], s['reassembly']['gap_bytes_snaplen'])")
        check backbone_heartbeat_snaplen [ "$(hb snaplen truncated_packets) $(hb snaplen gap_bytes_snaplen)" = "$sn" ]
        stop_redis hb
    else
        fail backbone_heartbeat "redis-server did not start"
    fi
else
    skip backbone_heartbeat "redis-server not installed"
fi
# worker threads: the same transactions whatever the number of workers
for case in manyflows keepalive pipelined; do
    "$BW_BIN" -q --workers 3 -r "$TMP/bb/$case.pcap" --transactions "$TMP/$case.w3.jsonl" 2>/dev/null
    if [ "$(sort "$TMP/$case.jsonl" | md5sum)" = "$(sort "$TMP/$case.w3.jsonl" | md5sum)" ]; then
        pass "backbone_workers3_same_$case"
    else
        fail "backbone_workers3_same_$case" "transaction logs differ between 1 and 3 workers"
    fi
done
