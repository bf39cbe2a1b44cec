# The Redis sink against a real redis-server: modes, outages, slow Redis,
# ledger HyperLogLogs from two writers, wrong password, full spool, heartbeat.
# Every count is computed from what the driver submitted (ids <prefix>-0..N-1)
# and what Redis holds at the end; nothing is mocked.
. tests/lib.sh

DRIVE_BIN=$BW_BUILD/tools/sinkdrive
DRIVE_BAD=0
# The driver; a crash or sanitizer report (exit 98/99/134...) is remembered.
DRIVE() {
    "$DRIVE_BIN" "$@"; local rc=$?
    if [ "$rc" -ne 0 ] && [ "$rc" -ne 2 ]; then DRIVE_BAD=$((DRIVE_BAD + 1)); echo "driver exited $rc: $*" >&2; fi
    return "$rc"
}
bgwait() {  # PID of a background DRIVE
    wait "$1"; local rc=$?
    [ "$rc" -eq 0 ] || DRIVE_BAD=$((DRIVE_BAD + 1))
}
if ! command -v redis-server >/dev/null || ! command -v redis-cli >/dev/null; then
    skip redis_sink "redis-server/redis-cli not installed"; exit 0
fi
if [ ! -x "$DRIVE_BIN" ]; then
    skip redis_sink "$DRIVE_BIN not built (make $BW_BUILD/tools/sinkdrive)"; exit 0
fi

. tests/redis_lib.sh

# json_field FILE NAME: a number from the driver's stats line.
json_field() { grep -o "\"$2\":[0-9]*" "$1" | head -1 | cut -d: -f2; }

# ids_check NAME IDS_FILE PREFIX N: every PREFIX-0..N-1 present, sets DUPS.
ids_check() {
    local name=$1 file=$2 prefix=$3 n=$4
    seq 0 $((n - 1)) | sed "s/^/$prefix-/" | sort >"$TMP/want"
    grep -o "\"id\":\"$prefix-[0-9]*\"" "$file" | cut -d'"' -f4 | sort >"$TMP/got_all"
    sort -u "$TMP/got_all" >"$TMP/got"
    local missing; missing=$(comm -23 "$TMP/want" "$TMP/got" | wc -l)
    local extra; extra=$(comm -13 "$TMP/want" "$TMP/got" | wc -l)
    DUPS=$(( $(wc -l <"$TMP/got_all") - $(wc -l <"$TMP/got") ))
    if [ "$missing" -eq 0 ] && [ "$extra" -eq 0 ]; then
        pass "$name"
    else
        fail "$name" "$missing of $n ids missing, $extra unexpected, $DUPS duplicates"
    fi
}

list_ids() { redis-cli -p "$1" "${RCLI_AUTH[@]}" --raw LRANGE "${2:-bleedwatch:alerts}" 0 -1; }

# ---- (1) list, stream and channel modes deliver exactly the N ids ----
P=$(free_port)
start_redis main "$P" --bind 127.0.0.1 -::1 --unixsocket "$TMP/main.sock" --unixsocketperm 700 \
    || { fail redis_start "cannot start redis-server on $P"; exit 1; }
URL=redis://127.0.0.1:$P/0

DRIVE --redis "$URL" --spool-dir "$TMP/sp1" --count 500 --id-prefix list >"$TMP/o1" 2>"$TMP/e1"
list_ids "$P" >"$TMP/ids1"
ids_check list_mode_all_ids "$TMP/ids1" list 500
check list_mode_no_duplicates [ "$DUPS" -eq 0 ]
check list_mode_order [ "$(head -1 "$TMP/ids1" | grep -o 'list-[0-9]*')" = list-0 ] 
check list_mode_stats_sent [ "$(json_field "$TMP/o1" sent)" -eq 500 ]
check list_mode_nothing_spooled [ "$(json_field "$TMP/o1" spooled)" -eq 0 ]

DRIVE --redis "$URL" --redis-mode stream --redis-prefix bws --redis-stream-maxlen 100000 \
    --spool-dir "$TMP/sp1" --count 500 --id-prefix stream >"$TMP/o1s" 2>"$TMP/e1s"
redis-cli -p "$P" --raw XRANGE bws:alerts - + >"$TMP/ids1s"
ids_check stream_mode_all_ids "$TMP/ids1s" stream 500
check stream_mode_no_duplicates [ "$DUPS" -eq 0 ]
check stream_mode_field_alert [ "$(grep -c '^alert$' "$TMP/ids1s")" -eq 500 ]

redis-cli -p "$P" --raw SUBSCRIBE bwc:alerts >"$TMP/ids1c" 2>/dev/null &
SUB=$!; PIDS+=("$SUB")
for _ in $(seq 50); do
    [ "$(redis-cli -p "$P" --raw PUBSUB NUMSUB bwc:alerts | tail -1)" = 1 ] && break; sleep 0.1
done
DRIVE --redis "$URL" --redis-mode channel --redis-prefix bwc --spool-dir "$TMP/sp1" --count 500 \
    --id-prefix chan >"$TMP/o1c" 2>"$TMP/e1c"
sleep 0.3; kill "$SUB" 2>/dev/null
ids_check channel_mode_all_ids "$TMP/ids1c" chan 500
check channel_mode_no_duplicates [ "$DUPS" -eq 0 ]
check channel_mode_all_heard [ "$(json_field "$TMP/o1c" unheard)" -eq 0 ]

# list cap: 300 alerts, keep 50; the trim is counted and keeps the newest
DRIVE --redis "$URL" --redis-prefix cap --redis-list-max 50 --spool-dir "$TMP/sp1" --count 300 \
    --id-prefix cap >"$TMP/o1t" 2>"$TMP/e1t"
check list_cap_length [ "$(redis-cli -p "$P" LLEN cap:alerts)" -eq 50 ]
check list_cap_counted [ "$(json_field "$TMP/o1t" list_trimmed)" -eq 250 ]
check list_cap_keeps_newest [ "$(list_ids "$P" cap:alerts | head -1 | grep -o 'cap-[0-9]*')" = cap-250 ]

# other address forms: a unix socket and an IPv6 literal, each with a db
DRIVE --redis "unix://$TMP/main.sock?db=2" --spool-dir "$TMP/sp1" --count 30 --id-prefix unix >"$TMP/o1u" 2>"$TMP/e1u"
redis-cli -p "$P" -n 2 --raw LRANGE bleedwatch:alerts 0 -1 >"$TMP/ids1u"
ids_check unix_socket_db2 "$TMP/ids1u" unix 30
if redis-cli -h ::1 -p "$P" PING 2>/dev/null | grep -q PONG; then
    DRIVE --redis "redis://[::1]:$P/3" --spool-dir "$TMP/sp1" --count 30 --id-prefix six >"$TMP/o1v" 2>"$TMP/e1v"
    redis-cli -p "$P" -n 3 --raw LRANGE bleedwatch:alerts 0 -1 >"$TMP/ids1v"
    ids_check ipv6_literal_db3 "$TMP/ids1v" six 30
else
    skip ipv6_literal_db3 "no IPv6 loopback here"
fi

# ---- (8) heartbeat hash with a TTL ----
DRIVE --redis "$URL" --spool-dir "$TMP/sp1" --count 7 --heartbeat --redis-heartbeat-ttl 30 \
    --id-prefix hb >"$TMP/o8" 2>"$TMP/e8"
check heartbeat_fields [ "$(redis-cli -p "$P" HGET bleedwatch:sensor:sinkdrive packets)" = 70 ]
ttl=$(redis-cli -p "$P" TTL bleedwatch:sensor:sinkdrive)
check heartbeat_ttl bash -c "[ '$ttl' -gt 0 ] && [ '$ttl' -le 30 ]"

# ---- (5) ledger: two writers, overlapping hash sets, PFCOUNT within 2% ----
DRIVE --redis "$URL" --spool-dir "$TMP/sp5a" --count 0 --ledger azure_blob/acct/pub \
    --hashes 0:6000 --per-update 100 >"$TMP/o5a" 2>"$TMP/e5a" &
D1=$!
DRIVE --redis "$URL" --spool-dir "$TMP/sp5b" --count 0 --ledger azure_blob/acct/pub \
    --hashes 3000:9000 --per-update 100 >"$TMP/o5b" 2>"$TMP/e5b" &
D2=$!
bgwait "$D1"; bgwait "$D2"
EP=bleedwatch:exposed:azure_blob/acct/pub
pf=$(redis-cli -p "$P" PFCOUNT "$EP:email")
echo "ledger: PFCOUNT $pf for 9000 distinct hashes"
check ledger_pfcount_within_2pct [ $((pf > 9000 ? pf - 9000 : 9000 - pf)) -le 180 ]
check ledger_responses [ "$(redis-cli -p "$P" HGET "$EP" responses)" -eq 120 ]
check ledger_bytes [ "$(redis-cli -p "$P" HGET "$EP" bytes)" -eq 120000 ]
check ledger_domains [ "$(redis-cli -p "$P" ZSCORE "$EP:domains" acme.example)" = 240 ]
check ledger_orgs [ "$(redis-cli -p "$P" PFCOUNT "$EP:organizations")" -eq 2 ]
check ledger_clients [ "$(redis-cli -p "$P" PFCOUNT "$EP:clients")" -eq 1 ]
check ledger_endpoint_set [ "$(redis-cli -p "$P" SISMEMBER bleedwatch:endpoints azure_blob/acct/pub)" -eq 1 ]
check ledger_first_seen [ -n "$(redis-cli -p "$P" HGET "$EP" first_seen)" ]
# first_seen/last_seen are the earliest and the latest time whatever the
# order of arrival (workers, sensors, a replay of an older capture): one
# writer goes back in time, the other forward, at once
DRIVE --redis "$URL" --spool-dir "$TMP/sp5c" --count 0 --ledger azure_blob/acct/seen \
    --hashes 0:1000 --per-update 100 --ledger-time 1663578000:-60 >"$TMP/o5c" 2>"$TMP/e5c" &
D1=$!
DRIVE --redis "$URL" --spool-dir "$TMP/sp5d" --count 0 --ledger azure_blob/acct/seen \
    --hashes 0:1000 --per-update 100 --ledger-time 1663570000:60 >"$TMP/o5d" 2>"$TMP/e5d" &
D2=$!
bgwait "$D1"; bgwait "$D2"
EPS=bleedwatch:exposed:azure_blob/acct/seen
check ledger_seen_min_max [ "$(redis-cli -p "$P" HGET "$EPS" first_seen) $(redis-cli -p "$P" HGET "$EPS" last_seen)" = \
    "2022-09-19T06:46:40.000000Z 2022-09-19T09:00:00.000000Z" ]
check ledger_seen_responses [ "$(redis-cli -p "$P" HGET "$EPS" responses)" -eq 20 ]

# ---- (9) "not now" replies: OOM until maxmemory is lifted; nothing lost ----
redis-cli -p "$P" CONFIG SET maxmemory-policy noeviction >/dev/null
redis-cli -p "$P" CONFIG SET maxmemory 1 >/dev/null
DRIVE --redis "$URL" --redis-prefix oom --spool-dir "$TMP/sp9" --count 200 --rate 100 \
    --id-prefix oom >"$TMP/o9" 2>"$TMP/e9" &
D=$!
sleep 1
redis-cli -p "$P" CONFIG SET maxmemory 0 >/dev/null
bgwait "$D"
list_ids "$P" oom:alerts >"$TMP/ids9"
ids_check oom_all_ids "$TMP/ids9" oom 200
check oom_no_duplicates [ "$DUPS" -eq 0 ]
check oom_counted_transient [ "$(json_field "$TMP/o9" err_transient)" -gt 0 ]
check oom_logged_once [ "$(grep -c 'OOM' "$TMP/e9")" -eq 1 ]

# ---- (10) a command Redis rejects (WRONGTYPE): counted, logged once, not retried ----
redis-cli -p "$P" SET wt:alerts not-a-list >/dev/null
DRIVE --redis "$URL" --redis-prefix wt --spool-dir "$TMP/sp10" --count 50 --id-prefix wt >"$TMP/o10" 2>"$TMP/e10"
check wrongtype_counted [ "$(json_field "$TMP/o10" err_rejected)" -eq 50 ]
check wrongtype_logged_once [ "$(grep -c 'WRONGTYPE' "$TMP/e10")" -eq 1 ]
check wrongtype_not_spooled [ "$(json_field "$TMP/o10" spooled)" -eq 0 ]

# ---- (4) slow Redis: SIGSTOP for 3 s; the producer does not wait ----
DRIVE --redis "$URL" --redis-prefix slow --spool-dir "$TMP/sp4" --count 400 --rate 100 \
    --id-prefix slow >"$TMP/o4" 2>"$TMP/e4" &
D=$!
sleep 0.5
RPID=$(cat "$TMP/main/redis.pid")
kill -STOP "$RPID"; sleep 3; kill -CONT "$RPID"
bgwait "$D"
el=$(json_field "$TMP/o4" elapsed_ms); mx=$(json_field "$TMP/o4" max_submit_us); sm=$(json_field "$TMP/o4" submit_ms)
echo "slow redis: 400 alerts at 100/s took ${el} ms to submit (3 s stall), ${sm} ms inside sink_alert, slowest call ${mx} us"
check slow_redis_rate_unaffected [ "$el" -lt 4600 ]
check slow_redis_no_blocking_call [ "$mx" -lt 200000 ]
list_ids "$P" slow:alerts >"$TMP/ids4"
ids_check slow_redis_all_ids "$TMP/ids4" slow 400

# ---- (4b) a stall longer than --redis-timeout-ms: timeouts, spool, resend ----
# The batches in flight at each timeout reach Redis when it wakes up AND are
# sent again from the spool: the documented at-least-once duplicates.
DRIVE --redis "$URL" --redis-prefix tmo --redis-timeout-ms 300 --spool-dir "$TMP/sp4b" --count 200 \
    --rate 100 --id-prefix tmo >"$TMP/o4b" 2>"$TMP/e4b" &
D=$!
sleep 0.3
kill -STOP "$RPID"; sleep 1.2; kill -CONT "$RPID"
bgwait "$D"
list_ids "$P" tmo:alerts >"$TMP/ids4b"
ids_check timeout_all_ids "$TMP/ids4b" tmo 200
to=$(json_field "$TMP/o4b" timeouts)
echo "reply timeouts: $to timeout(s), $DUPS duplicate(s), slowest submit $(json_field "$TMP/o4b" max_submit_us) us"
check timeout_counted [ "$to" -gt 0 ]
check timeout_duplicates_only_inflight [ "$DUPS" -le $(( (to + $(json_field "$TMP/o4b" io_errors)) * 256 )) ]
stop_redis main

# ---- (2) outage: kill -9 mid-run, restart on the same port ----
# This Redis keeps what it acknowledged (AOF, fsync always), so the count
# checks the sink, not Redis's own persistence.
P2=$(free_port)
start_redis out "$P2" --appendonly yes --appendfsync always || fail outage_start "redis on $P2"
DRIVE --redis "redis://127.0.0.1:$P2" --spool-dir "$TMP/sp2" --count 400 --rate 120 \
    --redis-drain-timeout 10 --id-prefix out >"$TMP/o2" 2>"$TMP/e2" &
D=$!
sleep 0.8
stop_redis out 9
sleep 1.2
start_redis out "$P2" --appendonly yes --appendfsync always || fail outage_restart "redis on $P2"
bgwait "$D"
list_ids "$P2" >"$TMP/ids2"
ids_check outage_all_ids "$TMP/ids2" out 400
inflight=$(( ($(json_field "$TMP/o2" io_errors) + $(json_field "$TMP/o2" timeouts)) * 256 ))
echo "outage: $DUPS duplicate(s) (documented: only the batch in flight at the break), spooled $(json_field "$TMP/o2" spooled), replayed $(json_field "$TMP/o2" replayed)"
check outage_duplicates_only_inflight [ "$DUPS" -le "$inflight" ]
check outage_spooled_and_replayed [ "$(json_field "$TMP/o2" replayed)" -gt 0 ]
check outage_logged_once [ "$(grep -c 'alerts go to the spool' "$TMP/e2")" -eq 1 ]
stop_redis out

# ---- (3) Redis absent at the start, started during the run ----
P3=$(free_port)
DRIVE --redis "redis://127.0.0.1:$P3" --spool-dir "$TMP/sp3" --count 200 --rate 100 \
    --redis-drain-timeout 10 --id-prefix late >"$TMP/o3" 2>"$TMP/e3" &
D=$!
sleep 1
start_redis late "$P3" || fail late_start "redis on $P3"
bgwait "$D"
list_ids "$P3" >"$TMP/ids3"
ids_check late_redis_all_ids "$TMP/ids3" late 200
check late_redis_no_duplicates [ "$DUPS" -eq 0 ]
check late_redis_spooled_first [ "$(json_field "$TMP/o3" spooled)" -gt 0 ]
check late_redis_failures_counted [ "$(json_field "$TMP/o3" connect_failures)" -gt 0 ]

# ---- (6) wrong password: clear message, spooled, replayed by a second run ----
redis-cli -p "$P3" CONFIG SET requirepass 'right-Pass-42' >/dev/null
DRIVE --redis "redis://:wrong-Pass-13@127.0.0.1:$P3/0" --spool-dir "$TMP/sp6" --count 100 \
    --redis-drain-timeout 1 --id-prefix pw >"$TMP/o6" 2>"$TMP/e6"
check wrongpass_message grep -q 'authentication failed' "$TMP/e6"
check wrongpass_never_echoed bash -c "! grep -q 'wrong-Pass-13' '$TMP/e6' '$TMP/o6'"
check wrongpass_masked_url grep -q 'redis://:\*\*\*@127.0.0.1' "$TMP/e6"
check wrongpass_all_spooled [ "$(json_field "$TMP/o6" spooled)" -eq 100 ]
check wrongpass_counted [ "$(json_field "$TMP/o6" auth_failures)" -gt 0 ]
printf 'right-Pass-42\n' >"$TMP/pw"; chmod 644 "$TMP/pw"
DRIVE --redis "redis://127.0.0.1:$P3/0" --redis-password-file "$TMP/pw" --spool-dir "$TMP/sp6" \
    --count 0 >"$TMP/o6b" 2>"$TMP/e6b"; rc=$?
check password_file_mode_refused bash -c "[ $rc -eq 2 ] && grep -q 'refused, mode 0644' '$TMP/e6b'"
chmod 600 "$TMP/pw"
DRIVE --redis "redis://127.0.0.1:$P3/0" --redis-password-file "$TMP/pw" --spool-dir "$TMP/sp6" \
    --count 0 >"$TMP/o6c" 2>"$TMP/e6c"
RCLI_AUTH=(--no-auth-warning -a 'right-Pass-42')
list_ids "$P3" >"$TMP/ids6"
ids_check wrongpass_replayed_all "$TMP/ids6" pw 100
check wrongpass_replayed_no_duplicates [ "$DUPS" -eq 0 ]
check wrongpass_spool_emptied [ "$(json_field "$TMP/o6c" spool_pending)" -eq 0 ]
REDISCLI_AUTH='right-Pass-42' DRIVE --redis "redis://127.0.0.1:$P3/0" --spool-dir "$TMP/sp6" \
    --count 20 --id-prefix env >"$TMP/o6d" 2>"$TMP/e6d"
list_ids "$P3" >"$TMP/ids6d"
ids_check password_from_env "$TMP/ids6d" env 20
RCLI_AUTH=()
stop_redis late

# ---- (7) spool full with Redis down: drops counted and reported ----
P7=$(free_port)
DRIVE --redis "redis://:sekrit-77@127.0.0.1:$P7" --spool-dir "$TMP/sp7" --spool-max-bytes 4096 \
    --redis-queue-max 20 --redis-drain-timeout 1 --count 300 --id-prefix full >"$TMP/o7" 2>"$TMP/e7"
sp=$(json_field "$TMP/o7" spooled); dr=$(json_field "$TMP/o7" dropped)
echo "spool full: $sp spooled, $dr dropped of 300"
check spool_full_accounted [ $((sp + dr)) -eq 300 ]
check spool_full_drops_counted [ "$dr" -gt 0 ]
check spool_full_reported grep -q 'dropped' "$TMP/e7"
check spool_full_cap_counted [ "$(json_field "$TMP/o7" spool_full)" -gt 0 ]
check spool_size_within_cap [ "$(du -sb "$TMP/sp7" | cut -f1)" -lt $((4096 + 8192)) ]
check unreachable_password_never_echoed bash -c "! grep -q 'sekrit-77' '$TMP/e7' '$TMP/o7'"

# ---- (11) the sensor dies (kill -9) while Redis is away; the next run replays ----
# What the first run accepted before it died was spooled at once (Redis being
# away): the replay must deliver an unbroken prefix drop-0..k-1, no gaps.
P11=$(free_port)
"$DRIVE_BIN" --redis "redis://127.0.0.1:$P11" --spool-dir "$TMP/sp11" --count 1000 --rate 100 \
    --id-prefix crash >"$TMP/o11" 2>"$TMP/e11" &
D=$!
sleep 1.5
kill -9 "$D"; wait "$D" 2>/dev/null
start_redis crash "$P11" || fail crash_start "redis on $P11"
DRIVE --redis "redis://127.0.0.1:$P11" --spool-dir "$TMP/sp11" --count 0 >"$TMP/o11b" 2>"$TMP/e11b"
list_ids "$P11" >"$TMP/ids11"
k=$(grep -c '"id":"crash-' "$TMP/ids11")
echo "crash: $k alerts accepted before kill -9 were replayed by the next run"
check crash_replayed_something [ "$k" -gt 50 ]
ids_check crash_replay_unbroken_prefix "$TMP/ids11" crash "$k"
check crash_replay_said_so grep -q 'from an earlier run' "$TMP/e11b"
check crash_spool_emptied [ "$(json_field "$TMP/o11b" spool_pending)" -eq 0 ]
stop_redis crash

# ---- bad inputs: one clear line, exit 2 ----
bad_input() {  # name, expected text, args...
    local name=$1 want=$2; shift 2
    DRIVE --spool-dir "$TMP/spb" --count 0 "$@" >"$TMP/ob" 2>"$TMP/eb"; local rc=$?
    if [ "$rc" -eq 2 ] && [ "$(wc -l <"$TMP/eb")" -eq 1 ] && grep -q -- "$want" "$TMP/eb" \
        && ! grep -q 'hunter2' "$TMP/eb"; then
        pass "$name"
    else
        fail "$name" "rc=$rc: $(head -c 200 "$TMP/eb")"
    fi
}
bad_input bad_url_scheme 'must start with redis://' --redis 'http://:hunter2@localhost'
bad_input bad_url_port 'port must be' --redis 'redis://:hunter2@localhost:99999'
bad_input bad_mode "unknown mode 'queue'" --redis "redis://127.0.0.1:$P7" --redis-mode queue
bad_input bad_fsync "unknown policy" --redis "redis://127.0.0.1:$P7" --spool-fsync sometimes
bad_input bad_spool_dir "cannot create" --redis "redis://127.0.0.1:$P7" --spool-dir /proc/nope/spool

check drivers_exit_clean [ "$DRIVE_BAD" -eq 0 ]
