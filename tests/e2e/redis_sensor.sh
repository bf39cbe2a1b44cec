# The whole sensor against a real redis-server: captures made by
# pcaps/make_alerts.py (whose truth file says how many alerts, people, phones
# and organisations they hold) are replayed by bleedwatch, and what lands in
# Redis is compared with that truth and with the sensor's own --alerts file.
# Modes, the exposure ledger from two sensors, outages, a stalled Redis, live
# capture on lo, bad inputs, and daemon behaviour (pidfile, signals, --user).
. tests/lib.sh

PY=/usr/bin/python3
if ! command -v redis-server >/dev/null || ! command -v redis-cli >/dev/null; then
    skip redis_sensor "redis-server/redis-cli not installed"; exit 0
fi
if ! "$PY" -c 'import scapy' 2>/dev/null; then
    skip redis_sensor "$PY has no scapy (apt-get install python3-scapy)"; exit 0
fi
if [ ! -x "$BW_BIN" ]; then
    skip redis_sensor "$BW_BIN not built"; exit 0
fi
. tests/redis_lib.sh
MNT=
cleanup_all() {
    [ -n "$MNT" ] && umount "$MNT" 2>/dev/null
    redis_cleanup
}
trap cleanup_all EXIT

HELP=$("$BW_BIN" --help 2>&1)
has_opt() { grep -q -- "--$1 " <<<"$HELP"; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
T_START=$(now_ms)
section() { echo "[$(( $(now_ms) - T_START )) ms] $1" >&2; }

# ---- captures (made in parallel; each a few seconds of scapy) ----
section "captures (made in parallel; each a few seconds of scapy)"
gen() { "$PY" pcaps/make_alerts.py "$TMP/$1" "${@:2}" >/dev/null 2>"$TMP/$1.gen.err" || echo "$1" >>"$TMP/gen.failed"; }
gen fast 40 2 &                                            # modes, bad inputs
gen led1 30 2 --people 0:600 &                             # ledger, sensor 1
gen led2 30 2 --people 400:1000 --offset 100 &             # ledger, sensor 2 (overlap 400..599)
wait
gen paced 40 8 --offset 200 &                              # outage, late Redis, signals
gen slow 35 7 --offset 300 &                               # stalled Redis (still replaying at t=4 s)
wait
if [ -s "$TMP/gen.failed" ]; then
    fail make_alerts "$(tr "\n" " " <"$TMP/gen.failed"): $(head -c 300 "$TMP"/*.gen.err)"; exit 1
fi
truth() { jq -r "$2" "$TMP/$1/alerts.truth.json"; }
N_FAST=$(truth fast .alerts); N_PACED=$(truth paced .alerts); N_SLOW=$(truth slow .alerts)

# ---- running the sensor ----
section "running the sensor"
BW_BAD=0
note_rc() {  # rc, what: a crash or sanitizer report (98/99/124/134...) is remembered
    case "$1" in 0|2) ;; *) BW_BAD=$((BW_BAD + 1)); echo "bleedwatch exited $1: $2" >&2 ;; esac
}
# bw NAME ARGS...: foreground run (bounded), outputs in $TMP/NAME.{alerts,stats,out,err}; sets RC.
# A leading "-c FILE" stays first on the command line.
bw() {
    local name=$1 pre=(); shift
    if [ "$1" = -c ]; then pre=(-c "$2"); shift 2; fi
    timeout -k 2 40 "$BW_BIN" "${pre[@]}" -q --hash-key-file "$TMP/hash.key" --sensor-name "$name" \
        --spool-dir "$TMP/spool-$name" --alerts "$TMP/$name.alerts" --stats "$TMP/$name.stats" "$@" \
        >"$TMP/$name.out" 2>"$TMP/$name.err"
    RC=$?; note_rc "$RC" "$name"
}
# bw_bg NAME ARGS...: the same in the background; BG is its pid (bleedwatch itself).
bw_bg() {
    local name=$1 pre=(); shift
    if [ "$1" = -c ]; then pre=(-c "$2"); shift 2; fi
    "$BW_BIN" "${pre[@]}" -q --hash-key-file "$TMP/hash.key" --sensor-name "$name" \
        --spool-dir "$TMP/spool-$name" --alerts "$TMP/$name.alerts" --stats "$TMP/$name.stats" "$@" \
        >"$TMP/$name.out" 2>"$TMP/$name.err" &
    BG=$!; PIDS+=("$BG")
}
# bw_wait PID SECONDS NAME: wait for a background run, kill -9 past the deadline; sets RC.
bw_wait() {
    local pid=$1 deadline=$(( $(now_ms) + $2 * 1000 ))
    while kill -0 "$pid" 2>/dev/null && [ "$(now_ms)" -lt "$deadline" ]; do sleep 0.05; done
    if kill -0 "$pid" 2>/dev/null; then kill -9 "$pid"; wait "$pid" 2>/dev/null; RC=124
    else wait "$pid"; RC=$?; fi
    note_rc "$RC" "$3"
}
stat_of() { jq -r "$2" "$TMP/$1.stats" 2>/dev/null; }
# wait_ready PID...: until each has its SIGHUP, SIGUSR1 and SIGTERM handlers
# (SigCgt in /proc; they are installed once inputs, outputs, pidfile and
# --user are done, right before the first packet), at most 30 s. READY[pid]
# is when it was first seen ready (ms); returns 1 if one exited first or
# was not ready in time.
declare -A READY
wait_ready() {
    local deadline=$(( $(now_ms) + 30000 )) left=$# p m
    for p in "$@"; do unset "READY[$p]"; done
    while [ "$left" -gt 0 ] && [ "$(now_ms)" -lt "$deadline" ]; do
        for p in "$@"; do
            [ -n "${READY[$p]:-}" ] && continue
            # gone or a zombie: it exited before it was ready
            m=$(awk '/^State:/ && $2 == "Z" {print "Z"; exit} /^SigCgt:/ {print $2}' "/proc/$p/status" 2>/dev/null)
            [ -z "$m" ] || [ "$m" = Z ] && return 1
            if [ -n "$m" ] && [ $(( 16#$m & 0x4201 )) -eq $(( 0x4201 )) ]; then READY[$p]=$(now_ms); left=$((left - 1)); fi
        done
        sleep 0.02
    done
    [ "$left" -eq 0 ]
}
# wait_exit PID...: until each has exited (at most 30 s); END[pid] = when (ms).
declare -A END
wait_exit() {
    local deadline=$(( $(now_ms) + 30000 )) left=$# p
    for p in "$@"; do unset "END[$p]"; done
    while [ "$left" -gt 0 ] && [ "$(now_ms)" -lt "$deadline" ]; do
        for p in "$@"; do
            [ -n "${END[$p]:-}" ] && continue
            kill -0 "$p" 2>/dev/null || { END[$p]=$(now_ms); left=$((left - 1)); }
        done
        sleep 0.02
    done
}
# at MS WHAT: sleep until MS after $t0; says on stderr when WHAT happens.
at() {
    local w=$(( $1 - ($(now_ms) - t0) ))
    [ "$w" -gt 0 ] && sleep "$(printf '%d.%03d' $((w / 1000)) $((w % 1000)))"
    echo "timeline: $2 at t=$(( $(now_ms) - t0 )) ms (planned $1)" >&2
}

# The checker: Redis's copy of the alerts (one JSON object per line among
# other lines) against the sensor's --alerts file(s) and the expected count.
cat >"$TMP/check.py" <<'EOF'
import json, re, sys
name, got_file = sys.argv[1], sys.argv[2]
want_n, max_dup = int(sys.argv[3] or -1), int(sys.argv[4])
files = sys.argv[5:]
def objs(path):
    out = []
    try:
        f = open(path, errors="replace")
    except OSError as e:
        print("%s: %s" % (name, e), file=sys.stderr)
        return out
    for line in f:
        line = line.strip()
        if line.startswith("{"):
            out.append(line)
    return out
def res(ok, what, msg=""):
    print(("PASS %s_%s" % (name, what)) if ok else ("FAIL %s_%s: %s" % (name, what, msg)))
got = objs(got_file)
bad, ids = [], []
leak = re.compile(r"[a-z]+\.[a-z]+\.[0-9]+@|\+31 6 1[0-9]{3} [0-9]{4}")
for line in got:
    try:
        a = json.loads(line)
        ev, pii = a["event"], a["bleedwatch"]["pii"]
        assert isinstance(a, dict) and ev["kind"] == "alert" and ev["id"]
        assert a["source"]["ip"] and a["bleedwatch"]["storage"]["provider"] == "azure_blob"
        assert a["bleedwatch"]["auth"]["state"] == "none", "auth state " + a["bleedwatch"]["auth"]["state"]
        # make_alerts.py's decoys: the owner's SharedKey reads, the PII-free stock lists
        assert a["source"]["ip"] != "10.20.0.5" and "/stock-" not in a["url"]["path"], "a decoy alerted"
        assert pii["kinds"]["email"]["count"] >= 1 and pii["kinds"]["phone"]["distinct"] >= 1
        for k in pii["kinds"].values():
            for s in k.get("samples", []):
                assert "*" in s, "unmasked sample " + s
        assert not leak.search(line), "raw PII in the alert"
        ids.append(ev["id"])
    except Exception as e:  # noqa: BLE001
        bad.append("%s: %s" % (type(e).__name__, e))
want = set()
for f in files:
    for line in objs(f):
        try:
            want.add(json.loads(line)["event"]["id"])
        except (ValueError, KeyError, TypeError):
            bad.append("bad line in " + f)
res(not bad, "alerts_well_formed", "%d of %d bad, first: %s" % (len(bad), len(got), bad[:1]))
have = set(ids)
dups = len(ids) - len(have)
res(len(want) == want_n, "sensor_alerted_all", "the sensor's own alert files hold %d ids, truth says %d" % (len(want), want_n))
res(have == want, "all_ids_in_redis", "%d missing, %d unexpected of %d" % (len(want - have), len(have - want), len(want)))
res(dups <= max_dup, "duplicates_bounded", "%d duplicates, at most %d allowed" % (dups, max_dup))
print("%s: %d alerts in Redis, %d distinct ids, %d duplicate(s)" % (name, len(ids), len(have), dups), file=sys.stderr)
EOF
# check_alerts NAME DUMP N MAXDUP ALERTFILE...
check_alerts() { "$PY" "$TMP/check.py" "$@" 2>&1; }
list_dump() { redis-cli -p "$1" "${RCLI_AUTH[@]}" --raw LRANGE "${2:-bleedwatch:alerts}" 0 -1; }

P=$(free_port)
start_redis main "$P" || { fail redis_start "cannot start redis-server on $P"; exit 1; }
URL=redis://127.0.0.1:$P

# ---- (1) list, stream and channel modes ----
section "(1) list, stream and channel modes"
# Three sensors at once (one per mode), and a fourth in list mode given two
# GeoIP databases it cannot use (absent; not a MaxMind DB): one log line,
# alerts still out.
redis-cli -p "$P" --raw SUBSCRIBE bleedwatch:alerts >"$TMP/chan.dump" 2>/dev/null &
SUB=$!; PIDS+=("$SUB")
for _ in $(seq 50); do
    [ "$(redis-cli -p "$P" --raw PUBSUB NUMSUB bleedwatch:alerts | tail -1)" = 1 ] && break; sleep 0.1
done
head -c 4096 /dev/urandom >"$TMP/junk.mmdb"
bw_bg list -r "$TMP/fast/alerts.pcap" --redis "$URL/1"; BLI=$BG
bw_bg stream -r "$TMP/fast/alerts.pcap" --redis "$URL/2" --redis-mode stream; BST=$BG
bw_bg chan -r "$TMP/fast/alerts.pcap" --redis "$URL" --redis-mode channel; BCH=$BG
bw_bg geo -r "$TMP/fast/alerts.pcap" --redis "$URL/7" --geoip "$TMP/no-such.mmdb" --geoip "$TMP/junk.mmdb"; BGE=$BG

bw_wait "$BLI" 40 list
check list_exit_0 [ "$RC" -eq 0 ]
redis-cli -p "$P" -n 1 --raw LRANGE bleedwatch:alerts 0 -1 >"$TMP/list.dump"
check_alerts list "$TMP/list.dump" "$N_FAST" 0 "$TMP/list.alerts"
check list_stats_sent [ "$(stat_of list .redis.sent)" -eq "$N_FAST" ]
check list_heartbeat [ "$(redis-cli -p "$P" -n 1 HGET bleedwatch:sensor:list packets)" = "$(stat_of list .packets)" ]
ttl=$(redis-cli -p "$P" -n 1 TTL bleedwatch:sensor:list)
check list_heartbeat_ttl [ "$(( ${ttl:-0} > 0 && ${ttl:-0} <= 60 ))" = 1 ]

bw_wait "$BST" 40 stream
check stream_exit_0 [ "$RC" -eq 0 ]
redis-cli -p "$P" -n 2 --raw XRANGE bleedwatch:alerts - + >"$TMP/stream.dump"
check_alerts stream "$TMP/stream.dump" "$N_FAST" 0 "$TMP/stream.alerts"
check stream_field_alert [ "$(grep -c '^alert$' "$TMP/stream.dump")" -eq "$N_FAST" ]

bw_wait "$BCH" 40 chan
check channel_exit_0 [ "$RC" -eq 0 ]
sleep 0.3; kill "$SUB" 2>/dev/null; wait "$SUB" 2>/dev/null
check_alerts channel "$TMP/chan.dump" "$N_FAST" 0 "$TMP/chan.alerts"

bw_wait "$BGE" 40 geo
check geoip_unusable_exit_0 [ "$RC" -eq 0 ]
check geoip_unusable_one_line [ "$(grep -ci 'geoip' "$TMP/geo.err")" -eq 1 ]
check geoip_unusable_names_both bash -c "grep -i geoip '$TMP/geo.err' | grep 'no-such.mmdb' | grep -q 'junk.mmdb'"
redis-cli -p "$P" -n 7 --raw LRANGE bleedwatch:alerts 0 -1 >"$TMP/geo.dump"
check_alerts geoip_unusable "$TMP/geo.dump" "$N_FAST" 0 "$TMP/geo.alerts"

# ---- (2) the ledger from two sensors, overlapping people ----
section "(2) the ledger from two sensors, overlapping people"
bw_bg led1 -r "$TMP/led1/alerts.pcap" --redis "$URL/3"; B1=$BG
bw_bg led2 -r "$TMP/led2/alerts.pcap" --redis "$URL/3"; B2=$BG
bw_wait "$B1" 30 led1; R1=$RC; bw_wait "$B2" 30 led2
check ledger_both_exit_0 [ "$R1$RC" = 00 ]
EP=bleedwatch:exposed:$(truth led1 .endpoint)
check ledger_same_endpoint [ "$(truth led1 .endpoint)" = "$(truth led2 .endpoint)" ]
# the truth of the union: people ranges, domains, clients of both captures
U=$(jq -s '{people: ([.[].people | range(.[0]; .[1])] | unique | length),
            domains: (map(.org_domains | to_entries) | add | group_by(.key)
                      | map({key: .[0].key, value: (map(.value) | add)}) | from_entries),
            clients: ([.[].client_ips[]] | unique | length),
            alerts: (map(.alerts) | add)}' "$TMP/led1/alerts.truth.json" "$TMP/led2/alerts.truth.json")
want_people=$(jq .people <<<"$U")
R="redis-cli -p $P -n 3"
for kind in email phone; do
    pf=$($R PFCOUNT "$EP:$kind")
    echo "ledger: PFCOUNT $EP:$kind = $pf, true distinct $want_people"
    check "ledger_${kind}_within_2pct" [ $(( (pf > want_people ? pf - want_people : want_people - pf) * 50 )) -le "$want_people" ]
done
check ledger_organizations [ "$($R PFCOUNT "$EP:organizations")" -eq "$(jq '.domains | length' <<<"$U")" ]
$R --raw ZRANGE "$EP:domains" 0 -1 WITHSCORES | paste - - | sort >"$TMP/zset"
jq -r '.domains | to_entries[] | "\(.key)\t\(.value)"' <<<"$U" | sort >"$TMP/zwant"
check ledger_domains_zset diff "$TMP/zwant" "$TMP/zset"
check ledger_clients [ "$($R PFCOUNT "$EP:clients")" -eq "$(jq .clients <<<"$U")" ]
check ledger_responses [ "$($R HGET "$EP" responses)" -eq "$(jq .alerts <<<"$U")" ]
check ledger_endpoint_listed [ "$($R SISMEMBER bleedwatch:endpoints "$(truth led1 .endpoint)")" -eq 1 ]
check ledger_two_heartbeats [ "$($R --raw KEYS 'bleedwatch:sensor:led*' | wc -l)" -eq 2 ]

# ---- (3) outages and (4) a stalled Redis, during paced replays ----
section "(3) outages and (4) a stalled Redis, during paced replays"
# Four paced replays at once on one timeline (t = seconds from their start):
#   outage: its own Redis, killed (-9) at t=2, restarted on the same port at t=5;
#   late:   its own Redis, absent until t=3;
#   slow:   the main Redis, SIGSTOPped from t=1 to t=4;
#   slow0:  the same capture to a Redis of its own that is never stopped (the
#           baseline wall time, under the same load).
# The outage server keeps what it acknowledged (AOF, fsync always), so the
# counts check the sensor, not Redis's own persistence. With --redis-batch 8
# the documented duplicates (the batch in flight at the break) are at most 8.
if has_opt pace; then
    PO=$(free_port); PL=$(free_port); PB=$(free_port)
    RPID=$(cat "$TMP/main/redis.pid")
    start_redis out "$PO" --appendonly yes --appendfsync always || fail outage_start "redis on $PO"
    start_redis base "$PB" || fail base_start "redis on $PB"
    LS=$(now_ms); bw_bg slow -r "$TMP/slow/alerts.pcap" --pace 1 --redis "$URL/5"; BS=$BG
    LS0=$(now_ms); bw_bg slow0 -r "$TMP/slow/alerts.pcap" --pace 1 --redis "redis://127.0.0.1:$PB"; BS0=$BG
    bw_bg outage -r "$TMP/paced/alerts.pcap" --pace 1 --redis "redis://127.0.0.1:$PO" --redis-batch 8; BO=$BG
    bw_bg late -r "$TMP/paced/alerts.pcap" --pace 1 --redis "redis://127.0.0.1:$PL"; BL=$BG
    wait_ready "$BS" "$BS0" "$BO" "$BL" || fail paced_ready "a sensor did not start within 30 s"
    t0=$(now_ms)
    # nothing here waits: a killed server can take a while to be reaped, and
    # a server starts in the background (its port is free once it is killed)
    at 1000 "SIGSTOP main Redis"; kill -STOP "$RPID"
    at 1300 "SIGUSR1 slow"; kill -USR1 "$BS"
    at 2000 "kill -9 outage Redis"; kill -9 "$(cat "$TMP/out/redis.pid")"; rm -f "$TMP/out/redis.pid"
    at 3000 "start late Redis"; start_redis late "$PL" & SL=$!
    at 3800 "SIGUSR1 slow"; kill -USR1 "$BS"
    at 4000 "SIGCONT main Redis"; kill -CONT "$RPID"
    at 5000 "restart outage Redis"; start_redis out "$PO" --appendonly yes --appendfsync always & SO=$!
    wait "$SL" || fail late_start "redis on $PL"
    wait "$SO" || fail outage_restart "redis on $PO"
    PIDS+=("$(cat "$TMP/late/redis.pid")" "$(cat "$TMP/out/redis.pid")")
    wait_exit "$BS" "$BS0"
    bw_wait "$BS" 1 slow; RS=$RC; stalled=$(( ${END[$BS]:-0} - LS ))
    bw_wait "$BS0" 1 slow0; RS0=$RC; base=$(( ${END[$BS0]:-0} - LS0 ))
    bw_wait "$BO" 30 outage; RO=$RC
    bw_wait "$BL" 30 late; RL=$RC

    check outage_exit_0 [ "$RO" -eq 0 ]
    list_dump "$PO" >"$TMP/outage.dump"
    check_alerts outage "$TMP/outage.dump" "$N_PACED" 8 "$TMP/outage.alerts"
    check outage_spooled [ "$(stat_of outage .redis.spooled)" -gt 0 ]
    check outage_replayed [ "$(stat_of outage .redis.replayed)" -gt 0 ]
    check outage_reconnected [ "$(stat_of outage .redis.connects)" -ge 2 ]
    stop_redis out

    check late_exit_0 [ "$RL" -eq 0 ]
    list_dump "$PL" >"$TMP/late.dump"
    check_alerts late "$TMP/late.dump" "$N_PACED" 0 "$TMP/late.alerts"
    check late_connect_failures_counted [ "$(stat_of late .redis.connect_failures)" -gt 0 ]
    check late_spooled_first [ "$(stat_of late .redis.spooled)" -gt 0 ]
    stop_redis late

    echo "slow redis: paced replay (launch to exit, side by side) took $base ms unstalled, $stalled ms with Redis stopped for 3 s"
    check slow_redis_exit_0 [ "$RS$RS0" = 00 ]
    check slow_redis_not_stretched [ "$stalled" -le $((base + 1000)) ]
    # the pipeline kept going while Redis was stopped: alerts made between
    # two SIGUSR1 statistics dumps taken 2.5 s apart inside the stall
    grep -o 'alerts [0-9]*' "$TMP/slow.err" | awk '{print $2}' >"$TMP/slow.usr1"
    a1=$(sed -n 1p "$TMP/slow.usr1"); a2=$(sed -n 2p "$TMP/slow.usr1")
    # at least half the capture's alert rate over those 2.5 s
    min=$(jq '(.alerts * 2.5 / (.last_ts - .first_ts) / 2) | floor' "$TMP/slow/alerts.truth.json")
    echo "slow redis: ${a1:-?} alerts at t=1.3 s, ${a2:-?} at t=3.8 s (Redis stopped from 1 s to 4 s; at least $min more expected)"
    check slow_redis_pipeline_ran_during_stall [ $(( ${a2:-0} - ${a1:-0} )) -ge "$min" ]
    redis-cli -p "$P" -n 5 --raw LRANGE bleedwatch:alerts 0 -1 >"$TMP/slow.dump"
    check_alerts slow "$TMP/slow.dump" "$N_SLOW" 0 "$TMP/slow.alerts"
    check_alerts slow_baseline <(list_dump "$PB") "$N_SLOW" 0 "$TMP/slow0.alerts"
    stop_redis base
else
    skip outage "--pace: feature not on main yet"
    skip late_redis "--pace: feature not on main yet"
    skip slow_redis "--pace: feature not on main yet"
fi

# ---- (5) live capture on lo: curl against a fake Azure Blob server ----
section "(5) live capture on lo: curl against a fake Azure Blob server"
LP=$(free_port)
cat >"$TMP/blob.py" <<'EOF'
import http.server, sys
rows = ["id,first_name,last_name,email,phone"]
rows += ["%d,Live,Person%d,live.person.%d@%s,+31 6 2%03d %04d" % (i, i, i, d, i, 1000 + i)
         for i, d in enumerate(["acme-logistics.com", "northwind.nl", "fabrikam.fr"] * 4)]
BODY = ("\n".join(rows) + "\n").encode()
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def version_string(self):
        return "Windows-Azure-Blob/1.0 Microsoft-HTTPAPI/2.0"
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/csv")
        self.send_header("Content-Length", str(len(BODY)))
        self.send_header("x-ms-request-id", "5e1f0c2a-0001-0042-7a1b-000000000001")
        self.send_header("x-ms-version", "2021-08-06")
        self.end_headers()
        self.wfile.write(BODY)
    def log_message(self, *a):
        pass
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
EOF
"$PY" "$TMP/blob.py" "$LP" 2>"$TMP/blob.err" &
BLOB=$!; PIDS+=("$BLOB")
bw_bg live -i lo --redis "$URL/6" "tcp port $LP"
# live_get PATH: one anonymous read through curl (retries until the server listens)
live_get() {
    curl -s -o "$TMP/curl.body" --max-time 5 --retry 10 --retry-delay 0 --retry-connrefused \
        --resolve "livetest.blob.core.windows.net:$LP:127.0.0.1" "http://livetest.blob.core.windows.net:$LP$1"
}
# wait_alerts N MS: until the list holds N alerts; prints the ms it took, or nothing
wait_alerts() {
    local t; t=$(now_ms)
    while [ $(( $(now_ms) - t )) -lt "$2" ]; do
        if [ "$(redis-cli -p "$P" -n 6 LLEN bleedwatch:alerts)" -ge "$1" ]; then echo $(( $(now_ms) - t )); return; fi
        sleep 0.02
    done
}
if ! wait_ready "$BG"; then
    bw_wait "$BG" 1 live
    if grep -qiE 'permi|not permitted|capability' "$TMP/live.err"; then
        skip live_capture "live capture on lo not permitted: $(head -1 "$TMP/live.err")"
    else
        fail live_capture "bleedwatch -i lo exited $RC: $(head -c 300 "$TMP/live.err")"
    fi
else
    # a first read warms up (the engine may still be starting); the second is timed
    live_get /people/warmup.csv
    w=$(wait_alerts 1 10000)
    check live_warmup_alert [ -n "$w" ]
    live_get /people/live.csv
    seen=$(wait_alerts 2 3000)
    echo "live: alert in Redis ${seen:-never (3 s)} ms after curl completed (polled every 20 ms)"
    check live_curl_got_body grep -q 'live.person.0@' "$TMP/curl.body"
    check live_alert_within_1s [ "${seen:-99999}" -le 1000 ]
    kill -TERM "$BG"; bw_wait "$BG" 15 live
    check live_sigterm_exit_0 [ "$RC" -eq 0 ]
    redis-cli -p "$P" -n 6 --raw LRANGE bleedwatch:alerts 0 -1 >"$TMP/live.dump"
    check live_alert_fields jq -s -e 'length == 2 and all(.[]; .event.kind == "alert" and .source.ip == "127.0.0.1"
        and .bleedwatch.storage.provider == "azure_blob" and .bleedwatch.storage.account == "livetest"
        and .bleedwatch.pii.kinds.email.count == 12)' "$TMP/live.dump" >/dev/null
fi

kill "$BLOB" 2>/dev/null; wait "$BLOB" 2>/dev/null

# ---- (6) bad inputs ----
section "(6) bad inputs"
# All at once: a bad URL, an unknown config key (with -c first, and after
# other options), a wrong password (its replay follows), and a full spool disk.
printf '# a comment\nredis-mode = list\nredis-url = redis://127.0.0.1:%s\n' "$P" >"$TMP/bad.conf"
PP=$(free_port)
RCLI_AUTH=(--no-auth-warning -a 'right-Pass-42')
start_redis pw "$PP" --requirepass 'right-Pass-42' || fail pw_start "redis on $PP"
RCLI_AUTH=()
bw_bg badurl -r "$TMP/fast/alerts.pcap" --redis 'nonsense://x'; BBU=$BG
bw_bg badconf -c "$TMP/bad.conf" -r "$TMP/fast/alerts.pcap"; BBC=$BG
bw_bg badconf2 -r "$TMP/fast/alerts.pcap" -c "$TMP/bad.conf"; BBC2=$BG
bw_bg pw1 -r "$TMP/fast/alerts.pcap" --redis "redis://:wrong-Pass-13@127.0.0.1:$PP" --redis-drain-timeout 1 \
    --spool-dir "$TMP/spool-pw"; BPW=$BG
BFU=
if [ "$(id -u)" -eq 0 ] && mkdir -p "$TMP/full" && mount -t tmpfs -o size=16k tmpfs "$TMP/full" 2>"$TMP/mount.err"; then
    MNT=$TMP/full
    bw_bg full -r "$TMP/fast/alerts.pcap" --redis "redis://127.0.0.1:$(free_port)" --redis-drain-timeout 1 \
        --spool-dir "$TMP/full/spool"; BFU=$BG
fi

bw_wait "$BBU" 40 badurl
check bad_url_exit_2 [ "$RC" -eq 2 ]
check bad_url_one_line [ "$(wc -l <"$TMP/badurl.err")" -eq 1 ]

# an unknown key on line 3 (a typo of "redis"): exit 2 naming file and line
bw_wait "$BBC" 40 badconf
check bad_config_exit_2 [ "$RC" -eq 2 ]
check bad_config_names_file_line grep -q "$TMP/bad.conf:3: unknown key 'redis-url'" "$TMP/badconf.err"
bw_wait "$BBC2" 40 badconf2
check bad_config_after_other_options_exit_2 [ "$RC" -eq 2 ]
check bad_config_after_other_options_names_file_line grep -q "$TMP/bad.conf:3: unknown key 'redis-url'" "$TMP/badconf2.err"

# wrong password: spooled; a second run with the right one (an empty capture) replays
bw_wait "$BPW" 40 pw1
check wrongpass_exit_0 [ "$RC" -eq 0 ]
check wrongpass_message grep -q 'authentication failed' "$TMP/pw1.err"
check wrongpass_masked_url grep -q 'redis://:\*\*\*@127.0.0.1' "$TMP/pw1.err"
check wrongpass_never_echoed bash -c "! grep -q 'wrong-Pass-13' '$TMP/pw1.err' '$TMP/pw1.stats'"
check wrongpass_nothing_sent [ "$(stat_of pw1 .redis.sent)" -eq 0 ]
check wrongpass_spooled [ "$(stat_of pw1 .redis.spooled)" -ge "$N_FAST" ]
check wrongpass_none_dropped [ "$(stat_of pw1 .redis.dropped)" -eq 0 ]
printf '\xd4\xc3\xb2\xa1\x02\x00\x04\x00\x00\x00\x00\x00\x00\x00\x00\x00\xff\xff\x00\x00\x01\x00\x00\x00' >"$TMP/empty.pcap"
bw pw2 -r "$TMP/empty.pcap" --redis "redis://:right-Pass-42@127.0.0.1:$PP" --spool-dir "$TMP/spool-pw"
check rightpass_exit_0 [ "$RC" -eq 0 ]
RCLI_AUTH=(--no-auth-warning -a 'right-Pass-42')
list_dump "$PP" >"$TMP/pw.dump"
RCLI_AUTH=()
check_alerts wrongpass_replayed "$TMP/pw.dump" "$N_FAST" 0 "$TMP/pw1.alerts"
stop_redis pw

# the spool's disk is full (16 KiB tmpfs) and Redis is away: drops counted and said
if [ -n "$BFU" ]; then
    bw_wait "$BFU" 40 full
    dr=$(stat_of full .redis.dropped); ldr=$(stat_of full .redis.ledger_dropped)
    echo "full spool: $(stat_of full .redis.spooled) spooled, $dr alerts and $ldr ledger commands dropped"
    check full_spool_exit_0 [ "$RC" -eq 0 ]
    check full_spool_alerts_in [ "$(stat_of full .redis.alerts_in)" -eq "$N_FAST" ]
    check full_spool_drops_counted [ "$dr" -gt 0 ]
    check full_spool_drops_said grep -qi 'dropped' "$TMP/full.err"
    umount "$MNT" && MNT=
else
    skip full_spool "cannot mount a 16k tmpfs (needs root): $(head -1 "$TMP/mount.err" 2>/dev/null)"
fi

# ---- (7) daemon behaviour: four paced replays at once, on the main Redis ----
section "(7) daemon behaviour: four paced replays at once, on the main Redis"
#   pid:    --pidfile; SIGUSR1 at t=1; SIGTERM at t=2.5 -> exit 0, pidfile gone,
#           what it processed so far is in Redis;
#   hup:    the alerts file moved away at t=3, then SIGHUP: it is reopened;
#   reload: -c FILE; at t=3 the file gains a public-ok rule for the endpoint
#           (reloadable) and a redis-batch (not: needs a restart), then SIGHUP;
#   user:   --user nobody (root only): uid/gid from /proc while it runs.
if has_opt pidfile && has_opt pace; then
    USER_OK=
    if [ "$(id -u)" -eq 0 ] && has_opt user && id nobody >/dev/null 2>&1; then
        USER_OK=1
        # $TMP is reachable (not listable) by nobody; the spool and the stats
        # file (written at exit) are nobody's
        chmod 711 "$TMP"; mkdir -p "$TMP/spool-user"; : >"$TMP/user.stats"
        chown nobody "$TMP/spool-user" "$TMP/user.stats"
    fi
    printf 'alert-distinct-min = 3\n' >"$TMP/reload.conf"
    bw_bg pid -r "$TMP/paced/alerts.pcap" --pace 1 --redis "$URL/8" --pidfile "$TMP/bw.pid"; BP=$BG
    bw_bg hup -r "$TMP/paced/alerts.pcap" --pace 1 --redis "$URL/9"; BH=$BG
    bw_bg reload -c "$TMP/reload.conf" -r "$TMP/paced/alerts.pcap" --pace 1 --redis "$URL/11"; BR=$BG
    BU=
    if [ -n "$USER_OK" ]; then bw_bg user -r "$TMP/paced/alerts.pcap" --pace 1 --redis "$URL/10" --user nobody; BU=$BG; fi
    wait_ready "$BP" "$BH" "$BR" $BU || fail daemon_ready "a sensor did not start within 30 s"
    t0=$(now_ms)
    at 1000 "pidfile, SIGUSR1 pid, /proc of user"
    check pidfile_holds_pid [ "$(cat "$TMP/bw.pid" 2>/dev/null)" = "$BP" ]
    kill -USR1 "$BP"
    if [ -n "$BU" ]; then
        uid=$(awk '/^Uid:/ {print $2 "," $3 "," $4 "," $5}' "/proc/$BU/status" 2>/dev/null)
        gid=$(awk '/^Gid:/ {print $2 "," $3 "," $4 "," $5}' "/proc/$BU/status" 2>/dev/null)
        nu=$(id -u nobody); ng=$(id -g nobody)
        check user_uid_is_nobody [ "$uid" = "$nu,$nu,$nu,$nu" ]
        check user_gid_is_nobody [ "$gid" = "$ng,$ng,$ng,$ng" ]
    fi
    at 2500 "SIGTERM pid"; kill -TERM "$BP"
    at 3000 "move hup.alerts, SIGHUP hup; rewrite reload.conf, SIGHUP reload"
    mv "$TMP/hup.alerts" "$TMP/hup.alerts.old"; kill -HUP "$BH"
    printf 'alert-distinct-min = 3\npublic-ok = azure_blob:%s\nredis-batch = 8\n' \
        "$(truth paced .endpoint | cut -d/ -f2-)" >"$TMP/reload.conf"
    kill -HUP "$BR"; hup_ms=$(( $(now_ms) - ${READY[$BR]:-t0} ))

    bw_wait "$BP" 15 pid
    check sigterm_exit_0 [ "$RC" -eq 0 ]
    check sigusr1_stats_logged grep -q 'transactions' "$TMP/pid.err"
    check pidfile_removed [ ! -e "$TMP/bw.pid" ]
    got=$(grep -c '^{' "$TMP/pid.alerts")
    echo "sigterm: $got of $N_PACED alerts processed before SIGTERM at 2.5 s"
    check sigterm_stopped_early [ "$got" -lt "$N_PACED" ]
    redis-cli -p "$P" -n 8 --raw LRANGE bleedwatch:alerts 0 -1 >"$TMP/pid.dump"
    check_alerts sigterm "$TMP/pid.dump" "$got" 0 "$TMP/pid.alerts"

    bw_wait "$BH" 30 hup
    check sighup_exit_0 [ "$RC" -eq 0 ]
    old=$(grep -c '^{' "$TMP/hup.alerts.old" 2>/dev/null); new=$(grep -c '^{' "$TMP/hup.alerts" 2>/dev/null)
    echo "sighup: ${old:-0} alerts before the HUP (moved file), ${new:-0} after (reopened file)"
    check sighup_old_file_kept [ "${old:-0}" -gt 0 ]
    check sighup_new_file_at_path [ "${new:-0}" -gt 0 ]
    redis-cli -p "$P" -n 9 --raw LRANGE bleedwatch:alerts 0 -1 >"$TMP/hup.dump"
    check_alerts sighup "$TMP/hup.dump" "$N_PACED" 0 "$TMP/hup.alerts.old" "$TMP/hup.alerts"

    bw_wait "$BR" 30 reload
    check reload_exit_0 [ "$RC" -eq 0 ]
    # alerts whose packet time is past the HUP (+0.5 s of slack) must be none
    first=$(truth paced .first_ts)
    late_alerts=$(jq -r --argjson cut "$(awk -v f="$first" -v h="$hup_ms" 'BEGIN {printf "%.3f", f + h / 1000 + 0.5}')" \
        '.["@timestamp"] | sub("\\.[0-9]+Z$"; "Z") | fromdate | select(. > $cut)' "$TMP/reload.alerts" | wc -l)
    rl=$(grep -c '^{' "$TMP/reload.alerts")
    echo "reload: $rl of $N_PACED alerts, $late_alerts after the HUP made the endpoint public-ok"
    check reload_public_ok_applied [ "$late_alerts" -eq 0 ]
    check reload_alerted_before [ "$rl" -gt 0 ]
    check reload_logged grep -q 'SIGHUP.*reloaded' "$TMP/reload.err"
    check reload_restart_keys_said grep -q 'restart' "$TMP/reload.err"

    if [ -n "$BU" ]; then
        bw_wait "$BU" 30 user
        check user_exit_0 [ "$RC" -eq 0 ]
        redis-cli -p "$P" -n 10 --raw LRANGE bleedwatch:alerts 0 -1 >"$TMP/user.dump"
        check_alerts user "$TMP/user.dump" "$N_PACED" 0 "$TMP/user.alerts"
    else
        skip user_nobody "needs root, --user and a 'nobody' account"
    fi
else
    skip daemon "--pidfile/--pace: feature not on main yet"
fi

section "done"
check sensor_exits_clean [ "$BW_BAD" -eq 0 ]
