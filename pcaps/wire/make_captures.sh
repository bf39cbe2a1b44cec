#!/bin/bash
# Regenerate pcaps/redis.pcap and pcaps/mongodb.pcap (+ .expected.json and
# .secrets.txt beside each) from real clients on lo:
#   redis: redis-server (Debian) without and with requirepass; redis-cli and
#          node "redis" 4.7 as clients; the sensor's own Redis sink too
#   mongodb: the official Node.js driver (mongodb 6.10) against mongo_server.js,
#          a small OP_MSG + SCRAM-SHA-256 test server (no MongoDB server is
#          installable here: see README.md)
# Run as root (tcpdump on lo):  pcaps/wire/make_captures.sh [--no-install]
# Env: OUTDIR (default pcaps/), BW (the bleedwatch binary, default build/release/bleedwatch).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
OUTDIR=${OUTDIR:-$ROOT/pcaps}
BW=${BW:-$ROOT/build/release/bleedwatch}
die() { echo "make_captures: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "must run as root (tcpdump on lo)"
for c in node npm tcpdump redis-server redis-cli; do command -v "$c" >/dev/null || die "$c not found"; done
[ -x "$BW" ] || die "no $BW (make bleedwatch first)"
cd "$HERE"
if [ "${1:-}" != --no-install ] || [ ! -d node_modules ]; then npm ci --no-audit --no-fund --loglevel=error; fi

WORK=$(mktemp -d)
PIDS=()
cleanup() {
    local p
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
    rm -rf "$WORK"
}
trap cleanup EXIT

free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close();});'; }
PASS=Wire-Test-Pass1

capture_start() { # file filter
    tcpdump -i lo -U -s 0 -w "$1" "$2" >/dev/null 2>&1 &
    TCPDUMP=$!
    PIDS+=("$TCPDUMP")
    sleep 1
}
capture_stop() { sleep 1; kill "$TCPDUMP"; wait "$TCPDUMP" 2>/dev/null || true; }

# ---- redis ----
R1=$(free_port); R2=$(free_port)
redis-server --port "$R1" --bind 127.0.0.1 --save '' --appendonly no --dir "$WORK" >"$WORK/r1.log" 2>&1 &
PIDS+=($!)
redis-server --port "$R2" --bind 127.0.0.1 --save '' --appendonly no --dir "$WORK" --requirepass "$PASS" >"$WORK/r2.log" 2>&1 &
PIDS+=($!)
sleep 1
node redis_client.js seed "$R1"
node redis_client.js seed "$R2" "$PASS"
capture_start "$WORK/redis.pcap" "tcp port $R1 or tcp port $R2"
redis-cli -p "$R1" HGETALL customer:1001 >/dev/null
redis-cli -p "$R1" GET config:theme >/dev/null
redis-cli -p "$R1" KEYS 'customer:*' >/dev/null
node redis_client.js open "$R1"
"$BW" -r "$ROOT/pcaps/demo.pcap" --hash-key-file "$WORK/key" --redis "redis://127.0.0.1:$R1" >/dev/null 2>&1
redis-cli -p "$R2" HGETALL customer:1001 >/dev/null
redis-cli -p "$R2" -a "$PASS" --no-auth-warning HGETALL customer:1001 >/dev/null
node redis_client.js auth "$R2" "$PASS"
redis-cli -p "$R2" -a wrong-password --no-auth-warning HGETALL customer:1001 >/dev/null 2>&1 || true
capture_stop
[ "$(redis-cli -p "$R1" LLEN bleedwatch:alerts)" -gt 0 ] || die "the sensor's sink wrote no alert to redis"
cp "$WORK/redis.pcap" "$OUTDIR/redis.pcap"
node expected.js redis "$R1" "$R2" "$OUTDIR/redis.expected.json" "$OUTDIR/redis.secrets.txt" "$PASS"

# ---- mongodb ----
M1=$(free_port); M2=$(free_port)
node mongo_server.js "$M1" >"$WORK/m1.log" 2>&1 &
PIDS+=($!)
node mongo_server.js "$M2" "app:$PASS" >"$WORK/m2.log" 2>&1 &
PIDS+=($!)
sleep 1
capture_start "$WORK/mongodb.pcap" "tcp port $M1 or tcp port $M2"
node mongo_client.js "$M1" "$M2" app "$PASS"
capture_stop
cp "$WORK/mongodb.pcap" "$OUTDIR/mongodb.pcap"
node expected.js mongodb "$M1" "$M2" "$OUTDIR/mongodb.expected.json" "$OUTDIR/mongodb.secrets.txt" "$PASS"

# ---- check ----
for name in redis mongodb; do
    "$BW" -r "$OUTDIR/$name.pcap" --hash-key-file "$WORK/key" --transactions "$WORK/$name.tx" --alerts "$WORK/$name.al" 2>/dev/null
    python3 "$ROOT/tests/compare/check_expected.py" "$OUTDIR/$name.expected.json" "$WORK/$name.tx" "$WORK/$name.al" \
        "$OUTDIR/$name.secrets.txt" "$WORK/$name.tx" "$WORK/$name.al" || die "$name.pcap does not give what $name.expected.json says"
done
echo "== wrote $OUTDIR/redis.pcap and $OUTDIR/mongodb.pcap (+ expected, secrets); both check out"
