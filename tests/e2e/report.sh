# bleedwatch report: a capture made by the project's generator (tcpcraft,
# tests/report/make_capture.py) is replayed into an alerts JSONL (ECS and OCSF)
# and into a real redis-server; the report from each source must give the
# figures the generator computed from the bodies it served (responses, bytes,
# first/last seen, distinct emails/phones/organisations/clients, domains, top
# objects). The HTML page is rendered in headless Chromium: it must load
# without errors, fetch nothing, and show the timeline and the tables.
. tests/lib.sh

PY=/usr/bin/python3
if ! $PY -c 'import scapy' 2>/dev/null; then skip report "python3-scapy not installed"; exit 0; fi
$PY tests/report/make_capture.py "$TMP/cap" || { fail report_capture "generator failed"; exit 1; }
KEY=$TMP/hash.key
GEO=(--geoip tests/geoip/city.mmdb --geoip tests/geoip/asn.mmdb)   # test databases of documentation ranges

"$BW_BIN" -q -r "$TMP/cap.pcap" --alerts "$TMP/ecs.jsonl" --hash-key-file "$KEY" "${GEO[@]}" 2>/dev/null
"$BW_BIN" -q -r "$TMP/cap.pcap" --alerts "$TMP/ocsf.jsonl" --schema ocsf --hash-key-file "$KEY" "${GEO[@]}"
WANT_ALERTS=$($PY -c 'import json,sys; print(sum(v["responses"] for v in json.load(open(sys.argv[1])).values()))' "$TMP/cap.truth.json")
check report_alerts_written [ "$(wc -l <"$TMP/ecs.jsonl")" -eq "$WANT_ALERTS" ]
check report_ocsf_alerts_written [ "$(grep -c '"class_uid":2006' "$TMP/ocsf.jsonl")" -eq "$WANT_ALERTS" ]

# compare SOURCE_NAME REPORT_JSON TOLERANCE: every figure against the truth;
# TOLERANCE is the relative error allowed on distinct values (0 = exact).
compare() {
    $PY - "${4:-$TMP/cap.truth.json}" "$2" "$3" <<'PYEOF'
import json, sys, datetime, math
truth = json.load(open(sys.argv[1])); rep = json.load(open(sys.argv[2])); tol = float(sys.argv[3])
eps = {e["endpoint"]: e for e in rep["endpoints"]}
bad = []
def iso(t): return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
def near(got, want):
    return abs(got - want) <= (math.ceil(want * tol) if tol else 0)
if sorted(eps) != sorted(truth): bad.append(f"endpoints {sorted(eps)} != {sorted(truth)}")
for name, t in truth.items():
    e = eps.get(name)
    if not e: continue
    for k in ("responses", "bytes"):
        if e[k] != t[k]: bad.append(f"{name} {k} {e[k]} != {t[k]}")
    if e["first_seen"] != iso(t["first_seen"]) or e["last_seen"] != iso(t["last_seen"]):
        bad.append(f"{name} seen {e['first_seen']}..{e['last_seen']} != {iso(t['first_seen'])}..{iso(t['last_seen'])}")
    for k in ("email", "phone"):
        if not near(e["distinct"].get(k, 0), t[k]): bad.append(f"{name} distinct {k} {e['distinct'].get(k)} != {t[k]}")
    if not near(e["organizations"], t["organizations"]): bad.append(f"{name} organizations {e['organizations']} != {t['organizations']}")
    if sorted(d["domain"] for d in e["domains"]) != t["domains"]: bad.append(f"{name} domains {e['domains']} != {t['domains']}")
    if not near(e["clients_distinct"], t["clients"]): bad.append(f"{name} clients {e['clients_distinct']} != {t['clients']}")
    if sorted(c["ip"] for c in e["clients"]) != t["client_ips"]: bad.append(f"{name} client ips")
    objs = {o["object"]: o["bytes"] for o in e["top_objects"]}
    if objs != t["objects"]: bad.append(f"{name} objects {objs} != {t['objects']}")
print("; ".join(bad))
sys.exit(1 if bad else 0)
PYEOF
}

# geo_ok REPORT_JSON: each client's country and AS are those its alerts carry
geo_ok() {
    $PY - "$TMP/ecs.jsonl" "$1" <<'PYEOF'
import json, sys
want = {}
for l in open(sys.argv[1]):
    a = json.loads(l); s = a["source"]
    want[s["ip"]] = (s.get("geo", {}).get("country_iso_code"), s.get("as", {}).get("number"))
got = {c["ip"]: (c.get("country"), c.get("asn")) for e in json.load(open(sys.argv[2]))["endpoints"] for c in e["clients"]}
sys.exit(not (got == want and any(v[0] for v in want.values()) and any(v[1] for v in want.values())))
PYEOF
}

"$BW_BIN" report --format json "$TMP/ecs.jsonl" >"$TMP/r_ecs.json"
check report_jsonl_exit0 [ $? -eq 0 ]
out=$(compare jsonl "$TMP/r_ecs.json" 0) && pass report_jsonl_matches_truth || fail report_jsonl_matches_truth "$out"
check report_jsonl_client_geo geo_ok "$TMP/r_ecs.json"
"$BW_BIN" report --format json --alerts "$TMP/ocsf.jsonl" >"$TMP/r_ocsf.json"
out=$(compare ocsf "$TMP/r_ocsf.json" 0) && pass report_ocsf_jsonl_matches_truth || fail report_ocsf_jsonl_matches_truth "$out"
check report_ocsf_client_geo geo_ok "$TMP/r_ocsf.json"
# pcaps/demo.pcap, against what pcaps/make_demo.py served
$PY tests/report/demo_truth.py >"$TMP/demo.truth.json"
"$BW_BIN" -q -r pcaps/demo.pcap --alerts "$TMP/demo.jsonl" --hash-key-file "$KEY" 2>/dev/null
"$BW_BIN" report --format json "$TMP/demo.jsonl" >"$TMP/r_demo.json"
out=$(compare demo "$TMP/r_demo.json" 0 "$TMP/demo.truth.json") && pass report_demo_matches_truth || fail report_demo_matches_truth "$out"
"$BW_BIN" report "$TMP/ecs.jsonl" >"$TMP/r_ecs.txt"
check report_text_names_endpoints grep -q '^== azure_blob/leakyacct/backup ==' "$TMP/r_ecs.txt"

# usage and source errors
"$BW_BIN" report --format pdf "$TMP/ecs.jsonl" >/dev/null 2>&1; check report_bad_format_exit2 [ $? -eq 2 ]
"$BW_BIN" report >/dev/null 2>&1; check report_no_source_exit2 [ $? -eq 2 ]
"$BW_BIN" report "$TMP/missing.jsonl" >/dev/null 2>&1; check report_missing_file_exit1 [ $? -eq 1 ]
{ echo '{"not":"an alert"}'; echo '{broken'; head -1 "$TMP/ecs.jsonl"; } >"$TMP/mixed.jsonl"
"$BW_BIN" report --format json "$TMP/mixed.jsonl" >"$TMP/r_mixed.json"
check report_bad_lines_counted $PY -c 'import json,sys; r=json.load(open(sys.argv[1])); sys.exit(not (r["alerts_read"]==3 and r["alerts_unreadable"]==2 and len(r["endpoints"])==1))' "$TMP/r_mixed.json"

# ---- from the Redis ledger ----
if command -v redis-server >/dev/null && command -v redis-cli >/dev/null; then
    . tests/redis_lib.sh
    P=$(free_port)
    start_redis main "$P" || fail redis_start "cannot start redis-server on $P"
    "$BW_BIN" -q -r "$TMP/cap.pcap" --redis "redis://127.0.0.1:$P/0" --redis-mode stream \
        --spool-dir "$TMP/spool" --hash-key-file "$KEY" "${GEO[@]}"
    "$BW_BIN" report --format json --redis "redis://127.0.0.1:$P/0" >"$TMP/r_redis.json"
    check report_redis_exit0 [ $? -eq 0 ]
    check report_redis_from_ledger $PY -c 'import json,sys; r=json.load(open(sys.argv[1])); sys.exit(not (r["from_ledger"] and all(e["distinct_exact"] for e in r["endpoints"])))' "$TMP/r_redis.json"
    # HyperLogLog: Redis's standard error is 0.81%; allow 5% (about 6 sigma)
    out=$(compare redis "$TMP/r_redis.json" 0.05) && pass report_redis_matches_truth || fail report_redis_matches_truth "$out"
    check report_redis_client_geo geo_ok "$TMP/r_redis.json"
    # list mode into another prefix gives the same report
    "$BW_BIN" -q -r "$TMP/cap.pcap" --redis "redis://127.0.0.1:$P/0" --redis-prefix lst \
        --spool-dir "$TMP/spool" --hash-key-file "$KEY" "${GEO[@]}"
    "$BW_BIN" report --format json --redis "redis://127.0.0.1:$P/0" --redis-prefix lst >"$TMP/r_list.json"
    out=$(compare list "$TMP/r_list.json" 0.05) && pass report_redis_list_matches_truth || fail report_redis_list_matches_truth "$out"
    "$BW_BIN" -q -r pcaps/demo.pcap --redis "redis://127.0.0.1:$P/0" --redis-prefix demo \
        --spool-dir "$TMP/spool" --hash-key-file "$KEY"
    "$BW_BIN" report --format json --redis "redis://127.0.0.1:$P/0" --redis-prefix demo >"$TMP/r_demo_redis.json"
    out=$(compare demo "$TMP/r_demo_redis.json" 0.05 "$TMP/demo.truth.json") && pass report_demo_redis_matches_truth ||
        fail report_demo_redis_matches_truth "$out"
    "$BW_BIN" report --format html --redis "redis://127.0.0.1:$P/0" -o "$TMP/report.html"
    "$BW_BIN" report --redis "redis://127.0.0.1:1/0" >/dev/null 2>&1; check report_redis_down_exit1 [ $? -eq 1 ]
else
    skip report_redis "redis-server/redis-cli not installed"
    "$BW_BIN" report --format html "$TMP/ecs.jsonl" -o "$TMP/report.html"
fi

# ---- the HTML page ----
# nothing to fetch: no src, no href but in-page anchors, no CSS import or url()
check report_html_self_contained [ "$(grep -ciP '(src|href)\s*=\s*"(?!#)|@import|url\(' "$TMP/report.html")" -eq 0 ]
check report_html_overview [ "$(grep -c '<a href="#ep' "$TMP/report.html")" -eq 2 ]
CHROME=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$CHROME" ]; then
    skip report_html_render "chromium not installed (deploy/install-deps.sh installs it)"
    exit 0
fi
chrome() {
    timeout 90 "$CHROME" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync --enable-logging=stderr --v=0 \
        --user-data-dir="$(mktemp -d -p "$TMP")" "$@"
}
chrome --screenshot="$TMP/report.png" --window-size=1200,1600 "file://$TMP/report.html" >/dev/null 2>"$TMP/shot.err"
check report_png_written $PY -c 'import sys; d=open(sys.argv[1],"rb").read(); sys.exit(not (d[:8]==b"\x89PNG\r\n\x1a\n" and int.from_bytes(d[16:20],"big")==1200 and len(d)>20000))' "$TMP/report.png"
chrome --dump-dom "file://$TMP/report.html" >"$TMP/dom.html" 2>"$TMP/dom.err"
check report_page_no_errors [ "$(grep -ciE 'CONSOLE|Refused to|Uncaught|ERR_' "$TMP/dom.err" "$TMP/shot.err" | awk -F: '{s+=$NF} END {print s+0}')" -eq 0 ]
out=$($PY - "$TMP/dom.html" "$TMP/cap.truth.json" <<'PYEOF'
import sys, json, re, html
dom = open(sys.argv[1]).read(); truth = json.load(open(sys.argv[2])); bad = []
secs = re.split(r'<section class="ep"', dom)[1:]
if len(secs) != len(truth): bad.append(f"{len(secs)} endpoint sections, want {len(truth)}")
for sec in secs:
    name = html.unescape(re.search(r'data-endpoint="([^"]*)"', sec).group(1)); t = truth.get(name)
    if not t: bad.append(f"unexpected {name}"); continue
    def field(f):
        m = re.search(r'data-field="%s">([^<]*)<' % f, sec); return m.group(1) if m else None
    for f, want in (("responses", t["responses"]), ("bytes", t["bytes"]), ("clients", t["clients"]),
                    ("organizations", t["organizations"])):
        if field(f) != str(want): bad.append(f"{name} {f} {field(f)} != {want}")
    for k in ("email", "phone"):
        got = field("distinct-" + k)
        if got is None or abs(int(got) - t[k]) > max(1, round(t[k] * 0.05)): bad.append(f"{name} {k} {got} != {t[k]}")
    if '<svg class="timeline"' not in sec: bad.append(f"{name}: no timeline")
    if len(re.findall(r'<polyline class="series"', sec)) != t["clients"]: bad.append(f"{name}: series != clients")
    for ip in t["client_ips"]:
        if f'<td class="ip">{ip}</td>' not in sec: bad.append(f"{name}: client {ip} missing")
    for d in t["domains"]:
        if f'<td class="domain">{d}</td>' not in sec: bad.append(f"{name}: domain {d} missing")
    for o in t["objects"]:
        if f'<td class="obj">{o}</td>' not in sec: bad.append(f"{name}: object {o} missing")
print("; ".join(bad)); sys.exit(1 if bad else 0)
PYEOF
) && pass report_html_dom_figures || fail report_html_dom_figures "$out"
[ -n "${REPORT_PNG_KEEP:-}" ] && cp "$TMP/report.png" "$REPORT_PNG_KEEP"
exit 0
