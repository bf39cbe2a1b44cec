# deploy/consumer/bleedwatch_consumer.py against a real redis-server: the
# sensor XADDs alerts (stream mode); a consumer that dies between reading and
# acknowledging (--crash-after-read, then a real kill -9 while it waits to ack)
# gets its pending alerts again on restart, and a second consumer can claim the
# alerts of one that never comes back. Every alert the stream holds must reach
# the output, and nothing may stay pending.
. tests/lib.sh

PY=/usr/bin/python3
CONSUMER=deploy/consumer/bleedwatch_consumer.py
if ! command -v redis-server >/dev/null || ! command -v redis-cli >/dev/null; then
    skip consumer "redis-server/redis-cli not installed"; exit 0
fi
if ! $PY -c 'import scapy' 2>/dev/null; then skip consumer "python3-scapy not installed"; exit 0; fi
. tests/redis_lib.sh
P=$(free_port)
start_redis main "$P" || { fail consumer_redis_start "cannot start redis-server on $P"; exit 1; }
URL=redis://127.0.0.1:$P/0
R() { redis-cli -p "$P" "$@"; }

# alerts from two captures made by the project's generators
$PY tests/report/make_capture.py "$TMP/cap" || { fail consumer_capture "generator failed"; exit 1; }
"$BW_BIN" -q -r "$TMP/cap.pcap" -r pcaps/demo.pcap --redis "$URL" --redis-mode stream --spool-dir "$TMP/spool" \
    --hash-key-file "$TMP/key" 2>/dev/null
N=$(R XLEN bleedwatch:alerts)
check consumer_stream_filled [ "$N" -ge 5 ]
# the truth: every event.id the stream holds
R --raw XRANGE bleedwatch:alerts - + | grep -o '"id":"[^"]*"' | sort >"$TMP/want"
check consumer_ids_unique [ "$(sort -u "$TMP/want" | wc -l)" -eq "$N" ]
ids() { grep -o '"id":"[^"]*"' "$1" | sort; }
pending() { R XPENDING bleedwatch:alerts "$1" | head -1; }
run() { timeout 60 $PY "$CONSUMER" --redis "$URL" --group "$G" --block-ms 300 "$@"; }

# (1) crash between read and ack: nothing delivered, 3 pending; restart delivers all, acks all
G=siem
run --consumer fwd-1 --count 3 --crash-after-read --output "$TMP/out1" 2>/dev/null
check consumer_crash_exit75 [ $? -eq 75 ]
check consumer_crash_left_pending [ "$(pending $G)" -eq 3 ]
check consumer_crash_delivered_nothing [ ! -s "$TMP/out1" ]
run --consumer fwd-1 --count 3 --exit-when-idle --output "$TMP/out1" 2>/dev/null
check consumer_restart_exit0 [ $? -eq 0 ]
check consumer_restart_all_delivered cmp -s "$TMP/want" <(ids "$TMP/out1" | sort -u)
check consumer_restart_no_duplicates [ "$(ids "$TMP/out1" | wc -l)" -eq "$N" ]
check consumer_restart_nothing_pending [ "$(pending $G)" -eq 0 ]

# (2) a real kill -9 after delivering, before acknowledging: at least once, ids kept
G=siem2
run --consumer fwd-2 --count 4 --pause-before-ack 30 --output "$TMP/out2" 2>/dev/null &
CP=$!; PIDS+=("$CP")
for _ in $(seq 100); do [ "$(pending $G 2>/dev/null)" = 4 ] && [ -s "$TMP/out2" ] && break; sleep 0.1; done
kill -9 "$CP" 2>/dev/null; wait "$CP" 2>/dev/null
check consumer_kill_left_pending [ "$(pending $G)" -eq 4 ]
run --consumer fwd-2 --exit-when-idle --output "$TMP/out2" 2>/dev/null
check consumer_kill_all_delivered cmp -s "$TMP/want" <(ids "$TMP/out2" | sort -u)
check consumer_kill_redelivered_once [ "$(ids "$TMP/out2" | wc -l)" -eq $((N + 4)) ]
check consumer_kill_nothing_pending [ "$(pending $G)" -eq 0 ]

# (3) the crashed consumer never returns: another one claims its pending alerts
G=siem3
run --consumer dead --count 2 --crash-after-read --output "$TMP/out3" 2>/dev/null
run --consumer heir --claim-idle-ms 0 --exit-when-idle --output "$TMP/out3" 2>/dev/null
check consumer_claim_all_delivered cmp -s "$TMP/want" <(ids "$TMP/out3" | sort -u)
check consumer_claim_nothing_pending [ "$(pending $G)" -eq 0 ]

# (4) new alerts after a restart are read from where the group stands
G=siem
"$BW_BIN" -q -r pcaps/demo.pcap --redis "$URL" --redis-mode stream --spool-dir "$TMP/spool" \
    --hash-key-file "$TMP/key" 2>/dev/null
run --consumer fwd-1 --exit-when-idle --output "$TMP/out1" 2>/dev/null
check consumer_follow_new [ "$(ids "$TMP/out1" | wc -l)" -eq "$(R XLEN bleedwatch:alerts)" ]
exit 0
