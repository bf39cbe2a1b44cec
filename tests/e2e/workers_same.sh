# Offline replay with one worker and with three (each reading the file
# itself, and fed by one capture thread: --capture-thread) gives the same
# alerts and transactions: the same event.id set, and byte-identical alert and
# transaction lines once sorted (only their order may differ). Inputs: the
# real-server captures, a loadgen capture (many interleaved keep-alive
# flows and an elephant), whose alert count must also equal the number of
# PII-bearing bodies loadgen reports writing, and, when $SHARED is there, a
# pcapmix of real captures (times not in order across them: flow ids and
# timeouts must follow the capture's clock, not each worker's).
. tests/lib.sh

KEY="$TMP/hash.key"
head -c 32 /dev/urandom >"$KEY"
chmod 600 "$KEY"
LOADGEN=$BW_BUILD/tools/loadgen

run() {  # input, workers, out-prefix, options...
    local in=$1 w=$2 out=$3; shift 3
    "$BW_BIN" -q -r "$in" --workers "$w" --sensor-name same --hash-key-file "$KEY" \
        --alerts "$out.alerts" --transactions "$out.tx" "$@" 2>"$out.err"
}

ids() {  # alerts file -> sorted event.id list
    grep -o '"event":{[^}]*"id":"[^"]*"' "$1" | sed 's/.*"id":"//; s/"$//' | sort
}

same() {  # name, input
    local name=$1 in=$2
    run "$in" 1 "$TMP/$name.w1"; local rc1=$?
    run "$in" 3 "$TMP/$name.w3"; local rc3=$?
    if [ "$rc1" -ne 0 ] || [ "$rc3" -ne 0 ]; then
        fail "${name}_runs" "exit $rc1/$rc3: $(head -c 300 "$TMP/$name.w3.err")"
        return
    fi
    local a1 a3 t1
    a1=$(wc -l <"$TMP/$name.w1.alerts")
    a3=$(wc -l <"$TMP/$name.w3.alerts")
    t1=$(wc -l <"$TMP/$name.w1.tx")
    check "${name}_has_transactions" [ "$t1" -gt 0 ]
    check "${name}_alert_count" [ "$a1" -eq "$a3" ]
    ids "$TMP/$name.w1.alerts" >"$TMP/$name.ids1"
    ids "$TMP/$name.w3.alerts" >"$TMP/$name.ids3"
    check "${name}_ids_counted" [ "$(wc -l <"$TMP/$name.ids1")" -eq "$a1" ]
    check "${name}_ids_unique" [ "$(sort -u "$TMP/$name.ids1" | wc -l)" -eq "$a1" ]
    check "${name}_event_ids_same" cmp -s "$TMP/$name.ids1" "$TMP/$name.ids3"
    check "${name}_alerts_same" cmp -s <(sort "$TMP/$name.w1.alerts") <(sort "$TMP/$name.w3.alerts")
    check "${name}_transactions_same" cmp -s <(sort "$TMP/$name.w1.tx") <(sort "$TMP/$name.w3.tx")
    # three workers fed by one capture thread over rings (--capture-thread),
    # not each reading the file: the same again
    run "$in" 3 "$TMP/$name.c3" --capture-thread
    check "${name}_capture_thread_alerts_same" cmp -s <(sort "$TMP/$name.w1.alerts") <(sort "$TMP/$name.c3.alerts")
    check "${name}_capture_thread_transactions_same" cmp -s <(sort "$TMP/$name.w1.tx") <(sort "$TMP/$name.c3.tx")
}

for p in azurite s3rver demo; do
    pc=pcaps/$p.pcap
    if [ ! -r "$pc" ]; then skip "$p" "no $pc"; continue; fi
    same "$p" "$pc"
    # exactly the alerts the captures' generators expect
    exp=pcaps/$p.expected.json
    if [ -r "$exp" ] && [ -s "$TMP/$p.w1.alerts" ]; then
        want=$(grep -c '"should_alert": true' "$exp")
        check "${p}_expected_alerts" [ "$(wc -l <"$TMP/$p.w1.alerts")" -eq "$want" ]
    fi
done

# One client's S3 listing, then plain reads from six other clients of the
# same emulator (pcaps/make_hints.py): what a server was recognised as
# carries over to that client's later responses only, so the readers' first
# meetings and the capture thread's spreading change nothing (per server,
# the capture-thread run gave 2 s3 and 5 generic_http alerts, 1 worker 7 s3)
prov() { grep -o '"provider":"[^"]*"' "$TMP/$1.w1.alerts" | sort | uniq -c | awk '{printf "%s%s %s", s, $1, $2; s=","}'; }
if /usr/bin/python3 pcaps/make_hints.py "$TMP/hints.pcap" 6 2>"$TMP/hints.err"; then
    same hints "$TMP/hints.pcap"
    check hints_listing_client_only [ "$(prov hints)" = '6 "provider":"generic_http",1 "provider":"s3"' ]
else
    skip hints "make_hints.py: $(tail -1 "$TMP/hints.err") (python3-scapy?)"
fi
# 200 clients of that emulator each list the bucket, then read a CSV a
# minute later; one more reads 1,000 s after its listing, past the time a
# hint lasts. Every read but the late one is known as s3 by its own
# client's listing, whatever other pairs a worker holds (a 1,024-slot hint
# table lost 7 of 150 with 1 worker and 3 with 3 fed by a capture thread),
# and the late one is generic_http in every mode (with 1 worker it kept
# its hint, on another worker it had none).
if /usr/bin/python3 pcaps/make_hints.py "$TMP/hintpairs.pcap" --pairs 200 2>"$TMP/hintpairs.err"; then
    same hintpairs "$TMP/hintpairs.pcap"
    check hints_per_pair_and_time [ "$(prov hintpairs)" = '1 "provider":"generic_http",200 "provider":"s3"' ]
else
    skip hintpairs "make_hints.py: $(tail -1 "$TMP/hintpairs.err") (python3-scapy?)"
fi

if [ -x "$LOADGEN" ]; then
    "$LOADGEN" -o "$TMP/lg.pcap" --size 12M --concurrency 48 --elephant-bytes 2M --seed 7 2>"$TMP/lg.err"
    pii=$(sed -n 's/.* \([0-9]*\) bodies with PII.*/\1/p' "$TMP/lg.err")
    same loadgen "$TMP/lg.pcap"
    check loadgen_alert_per_pii_body [ "$(wc -l <"$TMP/loadgen.w1.alerts")" -eq "${pii:-x}" ]
    # cut inside a record, and a BPF filter: every worker reading the file
    # stops at the same frame, one warning and one read error for the run
    head -c 7000001 "$TMP/lg.pcap" >"$TMP/cut.pcap"
    for w in 1 3; do
        "$BW_BIN" -q -r "$TMP/cut.pcap" --workers "$w" --sensor-name same --hash-key-file "$KEY" \
            --alerts "$TMP/cut.w$w.alerts" --stats "$TMP/cut.w$w.json" "tcp" 2>"$TMP/cut.w$w.err"
    done
    check cut_alerts_same cmp -s <(sort "$TMP/cut.w1.alerts") <(sort "$TMP/cut.w3.alerts")
    check cut_has_alerts [ -s "$TMP/cut.w1.alerts" ]
    check cut_one_warning [ "$(grep -c 'truncated capture' "$TMP/cut.w3.err")" -eq 1 ]
    check cut_one_read_error python3 -c 'import json,sys; sys.exit(json.load(open(sys.argv[1]))["capture"]["read_errors"] != 1)' "$TMP/cut.w3.json"
    # capture.worker_cpu_s: each worker thread's own CPU time, one figure a
    # worker, none 0, together less than the whole process's (a process
    # clock in place of the threads' would give each the sum)
    for mode in "" --capture-thread; do
        rs=$("$BW_BUILD/tools/runstat" "$BW_BIN" -q -r "$TMP/lg.pcap" --workers 3 $mode --sensor-name same \
            --hash-key-file "$KEY" --stats "$TMP/cpu.json" 2>/dev/null | sed -n 's/^runstat .* cpu_s \([0-9.]*\).*/\1/p')
        check "worker_cpu_s${mode:+_capture_thread}" python3 -c '
import json, sys
c = json.load(open(sys.argv[1]))["capture"]["worker_cpu_s"]
print("worker_cpu_s", c, "process cpu_s", sys.argv[2])
sys.exit(not (len(c) == 3 and min(c) > 0 and sum(c) <= float(sys.argv[2])))' "$TMP/cpu.json" "${rs:-0}"
    done
    # --user: a capture only root may read, opened before the privileges
    # go; three workers still see all of it (the capture thread reads what
    # the run opened, the workers could not open it again)
    if [ "$(id -u)" -eq 0 ] && id nobody >/dev/null 2>&1; then
        cp "$TMP/lg.pcap" "$TMP/root-only.pcap"
        chmod 600 "$TMP/root-only.pcap"
        chmod 755 "$TMP"
        for u in "" nobody; do
            "$BW_BIN" -q -r "$TMP/root-only.pcap" --workers 3 ${u:+--user "$u"} --sensor-name same \
                --hash-key-file "$KEY" --alerts - >"$TMP/user.$u.alerts" 2>"$TMP/user.$u.err"
        done
        check user_workers_alerts_same cmp -s <(sort "$TMP/user..alerts") <(sort "$TMP/user.nobody.alerts")
        check user_workers_alerts_all [ "$(wc -l <"$TMP/user.nobody.alerts")" -eq "${pii:-x}" ]
    else
        skip user_workers_alerts_same "needs root and a user nobody"
    fi
else
    skip loadgen "no $LOADGEN (make tools)"
fi

PCAPMIX=$BW_BUILD/tools/pcapmix
if [ -x "$PCAPMIX" ] && [ -f "$SHARED/pcaps/bench-inputs.txt" ]; then
    mapfile -t files < <(sed "s|^|$SHARED/pcaps/|" "$SHARED/pcaps/bench-inputs.txt")
    "$PCAPMIX" -o "$TMP/mix.pcap" -k 1 "${files[@]}" 2>/dev/null
    # GRE carriers fragmented outside the tunnel, pcap seconds wrapping past
    # 2^31: the fragments must reach the inner flow's worker (engine.c steers
    # them), stale fragments expire on ticks as on packets.
    same sharedmix "$TMP/mix.pcap"
else
    skip sharedmix "no $SHARED/pcaps/bench-inputs.txt"
fi
