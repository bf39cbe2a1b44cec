#!/bin/bash
# make demo: start a throwaway redis-server on loopback, replay the bundled
# capture (pcaps/demo.pcap, made by pcaps/make_demo.py: an Azure Blob container
# open to anonymous reads, the BlueBleed shape) into it, print the alerts read
# back from Redis and the exposure ledger's distinct counts, stop the server.
set -eu
cd "$(dirname "$0")/.."
BW=${BW:-./bleedwatch}
PCAP=${PCAP:-pcaps/demo.pcap}
tmp=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cleanup() {
    [ -s "$tmp/redis.pid" ] && kill "$(cat "$tmp/redis.pid")" 2>/dev/null || true
    rm -rf "$tmp"
}
trap cleanup EXIT
redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$tmp" --daemonize yes \
    --pidfile "$tmp/redis.pid" --logfile "$tmp/redis.log"
for _ in $(seq 50); do redis-cli -p "$port" PING 2>/dev/null | grep -q PONG && break; sleep 0.1; done
R() { redis-cli -p "$port" "$@"; }

echo "== a throwaway redis-server on 127.0.0.1:$port; replaying $PCAP"
"$BW" -r "$PCAP" --sensor-name demo-sensor --hash-key-file "$tmp/hash.key" --spool-dir "$tmp/spool" \
    --redis "redis://127.0.0.1:$port" --transactions "$tmp/tx.jsonl" 2>"$tmp/stats" || { cat "$tmp/stats"; exit 1; }

echo "== HTTP transactions the sensor saw:"
python3 - "$tmp/tx.jsonl" <<'PY'
import json, sys
for l in open(sys.argv[1]):
    r = json.loads(l)
    st = r["bleedwatch"].get("storage", {})
    print(f'  {r["source"]["ip"]:>15} {r["http"]["request"].get("method","?"):5} {r["url"].get("path","")[:34]:34} '
          f'{r["http"]["response"].get("status_code","-")}  {st.get("provider","-")}  auth={r["bleedwatch"].get("auth",{}).get("state","-")}')
PY

echo "== alerts read back from Redis (LRANGE bleedwatch:alerts 0 -1):"
R --raw LRANGE bleedwatch:alerts 0 -1 > "$tmp/alerts.jsonl"
python3 - "$tmp/alerts.jsonl" <<'PY'
import json, sys
n = 0
for l in open(sys.argv[1]):
    if not l.strip():
        continue
    a = json.loads(l); n += 1
    p = a["bleedwatch"]["pii"]; s = a["bleedwatch"]["storage"]
    print(f'  [{a["event"]["id"]}] severity {a["event"]["severity"]}: {a["source"]["ip"]} received '
          f'{s["provider"]} {s.get("account","")}/{s.get("container","")}/{s.get("object","")} without a credential')
    for k, v in p["kinds"].items():
        print(f'      {k:14} {v["count"]:4} found, {v["distinct"]:4} distinct, e.g. {", ".join(v.get("samples", []))}')
    print(f'      {p["records"]} records, {p["organizations"]} organisations')
print(f"  {n} alerts")
PY

echo "== the exposure ledger (what the owner must answer: how many distinct people and companies):"
for ep in $(R --raw SMEMBERS bleedwatch:endpoints); do
    echo "  endpoint $ep:"
    for k in email phone person_name organizations clients; do
        printf '    %-14s %s distinct\n' "$k" "$(R --raw PFCOUNT "bleedwatch:exposed:$ep:$k")"
    done
    echo "    organisations to notify: $(R --raw ZREVRANGE "bleedwatch:exposed:$ep:domains" 0 -1 WITHSCORES | paste - - | awk '{printf "%s%s (%s)", (NR > 1 ? ", " : ""), $1, $2}')"
    echo "    served: $(R --raw HGET "bleedwatch:exposed:$ep" responses) responses, $(R --raw HGET "bleedwatch:exposed:$ep" bytes) bytes," \
         "first $(R --raw HGET "bleedwatch:exposed:$ep" first_seen), last $(R --raw HGET "bleedwatch:exposed:$ep" last_seen)"
done
echo "== sensor statistics:"
cat "$tmp/stats"
echo "== stopping the throwaway redis-server"
