#!/bin/sh
# make demo: replay the bundled capture (pcaps/demo.pcap, made by
# pcaps/make_demo.py: an Azure Blob container open to anonymous reads) and show
# what bleedwatch found in it.
set -eu
cd "$(dirname "$0")/.."
BW=${BW:-./bleedwatch}
PCAP=${PCAP:-pcaps/demo.pcap}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "== replaying $PCAP"
"$BW" -r "$PCAP" --hash-key-file "$tmp/hash.key" --transactions "$tmp/tx.jsonl" --alerts "$tmp/alerts.jsonl" 2>"$tmp/stats" || { cat "$tmp/stats"; exit 1; }
echo "== HTTP transactions seen:"
python3 - "$tmp/tx.jsonl" <<'PY'
import json, sys
for l in open(sys.argv[1]):
    r = json.loads(l)
    st = r["bleedwatch"].get("storage", {})
    print(f'  {r["source"]["ip"]:>15} {r["http"]["request"].get("method","?"):5} {r["url"].get("path","")[:40]:40} '
          f'{r["http"]["response"].get("status_code","-")}  {st.get("provider","-")}  auth={r["bleedwatch"].get("auth",{}).get("state","-")}')
PY
echo "== alerts:"
python3 - "$tmp/alerts.jsonl" <<'PY'
import json, sys
n = 0
for l in open(sys.argv[1]):
    a = json.loads(l); n += 1
    p = a["bleedwatch"]["pii"]; s = a["bleedwatch"]["storage"]
    kinds = ", ".join(f'{k} {v["count"]} ({v["distinct"]} distinct, e.g. {v.get("samples", ["-"])[0]})' for k, v in p["kinds"].items())
    print(f'  severity {a["event"]["severity"]:3}  {a["source"]["ip"]} <- {s["provider"]} {s.get("account","")}/{s.get("container","")}/{s.get("object","")}')
    print(f'      {p["total"]} values, {p["distinct"]} distinct, {p["records"]} records, {p["organizations"]} organisations: {kinds}')
print(f"  {n} alerts (full JSON: --alerts FILE)")
PY
echo "== sensor statistics:"
cat "$tmp/stats"
