# Live capture with --fanout: each worker reads its own socket of an AF_PACKET
# fanout group (the kernel's symmetric flow hash), no capture thread. Real
# traffic on the loopback interface (an Azure-Blob-like server open to
# anonymous reads, 40 downloads on 40 connections) is captured twice, with
# --fanout and with the capture thread; both runs must see every download,
# alert on each, and agree. The fanout run must spread the flows over both
# workers (their packet counts); a tunnelled feed gets a warning once; and a
# fanout group whose interface goes away must end the run with the read
# error counted, not hang.
. tests/lib.sh

check fanout_needs_live sh -c '"$1" --fanout -r pcaps/demo.pcap 2>"$2"; [ $? -eq 2 ] && grep -q "fanout is for live capture" "$2"' _ "$BW_BIN" "$TMP/usage.err"

if [ "$(id -u)" -ne 0 ]; then
    skip fanout_live "needs root to capture on lo"
    exit 0
fi
PY=/usr/bin/python3
KEY="$TMP/hash.key"
head -c 32 /dev/urandom >"$KEY"
chmod 600 "$KEY"
P=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
$PY tests/tools/azure_live.py serve "$P" &
SRV=$!
trap 'kill $SRV 2>/dev/null; rm -rf "$TMP"' EXIT
for _ in $(seq 50); do $PY -c 'import socket,sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1)' "$P" 2>/dev/null && break; sleep 0.1; done

live() {  # out-prefix, extra options...
    local out=$1; shift
    "$BW_BIN" -i lo --workers 2 --sensor-name fanout --hash-key-file "$KEY" --alerts "$out.alerts" \
        --transactions "$out.tx" --stats "$out.json" "$@" "tcp port $P" 2>"$out.err" &
    local pid=$!
    for _ in $(seq 100); do grep -q 'capturing on lo' "$out.err" 2>/dev/null && break; sleep 0.1; done
    $PY tests/tools/azure_live.py fetch "$P" 40 >"$out.fetched"
    sleep 1   # the last packets: the kernel hands blocks over within 100 ms
    kill -TERM "$pid"
    wait "$pid"
    echo $? >"$out.rc"
}
live "$TMP/fan" --fanout
live "$TMP/thr"

stat() { $PY -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$@"; }
paths() { grep -o '"url":{[^}]*"path":"[^"]*"' "$1" | sed 's/.*"path":"//; s/"$//' | sort; }

check fanout_fetched_all [ "$(cat "$TMP/fan.fetched")" = 40 ]
check fanout_exit_0 [ "$(cat "$TMP/fan.rc")" = 0 ]
check fanout_said_so grep -q 'each reading its own socket (AF_PACKET fanout)' "$TMP/fan.err"
check fanout_transactions [ "$(wc -l <"$TMP/fan.tx")" -eq 40 ]
check fanout_alert_per_download [ "$(wc -l <"$TMP/fan.alerts")" -eq 40 ]
check fanout_same_as_capture_thread cmp -s <(paths "$TMP/fan.alerts") <(paths "$TMP/thr.alerts")
check fanout_capture_thread_run_saw_all [ "$(wc -l <"$TMP/thr.alerts")" -eq 40 ]
check fanout_spread_over_workers [ "$(stat "$TMP/fan.json" "min(d['capture']['worker_packets'])")" -gt 0 ]
check fanout_worker_packets_add_up [ "$(stat "$TMP/fan.json" "sum(d['capture']['worker_packets']) == d['packets']")" = True ]
check fanout_pcap_counters [ "$(stat "$TMP/fan.json" "d['capture']['pcap_received'] >= d['packets'] and d['capture']['pcap_dropped'] == 0")" = True ]

check fanout_plain_no_tunnel_warning sh -c '! grep -q "tunnelled packets" "$1"' _ "$TMP/fan.err"

# a tunnelled feed (demo.pcap in VXLAN, put on a veth pair): --fanout says
# once that the kernel's hash may split its flows
if /usr/bin/python3 -c 'import scapy' 2>/dev/null && [ -x "$BW_BUILD/tools/pcapsend" ] &&
   ip link add bwtun0 type veth peer name bwtun1 2>/dev/null; then
    ip link set bwtun0 up; ip link set bwtun1 up
    /usr/bin/python3 pcaps/make_mirror.py "$TMP/m" pcaps/demo.pcap:demo:vxlan >/dev/null 2>&1
    "$BW_BIN" -i bwtun0 --fanout --workers 2 --hash-key-file "$KEY" --stats "$TMP/tun.json" -q 2>"$TMP/tun.err" &
    pid=$!
    for _ in $(seq 100); do grep -q 'capturing on bwtun0' "$TMP/tun.err" 2>/dev/null && break; sleep 0.1; done
    "$BW_BUILD/tools/pcapsend" bwtun1 "$TMP/m/demo.vxlan.pcap" >/dev/null
    sleep 1
    kill -TERM $pid; wait $pid
    ip link del bwtun0
    check fanout_tunnel_seen [ "$(stat "$TMP/tun.json" "d['mirror']['tunnels'].get('vxlan', 0) > 0")" = True ]
    check fanout_tunnel_warning [ "$(grep -c 'tunnelled packets' "$TMP/tun.err")" -eq 1 ]
else
    skip fanout_tunnel_warning "needs python3-scapy, tools/pcapsend and a veth pair"
fi

# the interface goes away under a fanout group: the workers' reads fail,
# the run ends (no hang) with the error said and counted
if ip link add bwfan0 type veth peer name bwfan1 2>/dev/null; then
    ip link set bwfan0 up
    "$BW_BIN" -i bwfan0 --fanout --workers 2 --hash-key-file "$KEY" --stats "$TMP/gone.json" 2>"$TMP/gone.err" &
    pid=$!
    for _ in $(seq 100); do grep -q 'capturing on bwfan0' "$TMP/gone.err" 2>/dev/null && break; sleep 0.1; done
    ip link del bwfan0
    for _ in $(seq 100); do kill -0 $pid 2>/dev/null || break; sleep 0.1; done
    if kill -0 $pid 2>/dev/null; then
        kill -KILL $pid
        fail fanout_interface_gone_ends "still running 10 s after its interface went away"
    else
        wait $pid
        check fanout_interface_gone_ends [ $? -eq 0 ]
        check fanout_interface_gone_said grep -q 'read stopped' "$TMP/gone.err"
        check fanout_interface_gone_counted [ "$(stat "$TMP/gone.json" "d['capture']['read_errors']")" -ge 1 ]
    fi
else
    skip fanout_interface_gone_ends "cannot create a veth pair here"
fi
