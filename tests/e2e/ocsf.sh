# --schema ocsf: the same alerts as OCSF Data Security Findings (class 2006),
# checked field by field against the ECS alerts of the same replay.
. tests/lib.sh

PY=/usr/bin/python3
# (one worker where alerts are compared in the order they were written)
"$BW_BIN" -q --workers 1 -r pcaps/demo.pcap -r pcaps/azurite.pcap -r pcaps/s3rver.pcap --hash-key-file "$TMP/k" \
    --alerts "$TMP/ecs.jsonl" 2>/dev/null
"$BW_BIN" -q -r pcaps/demo.pcap -r pcaps/azurite.pcap -r pcaps/s3rver.pcap --hash-key-file "$TMP/k" \
    --alerts "$TMP/ocsf.jsonl" --schema ocsf 2>/dev/null
check ocsf_same_alert_count [ "$(wc -l <"$TMP/ocsf.jsonl")" -eq "$(wc -l <"$TMP/ecs.jsonl")" ]
check ocsf_some_alerts [ "$(wc -l <"$TMP/ecs.jsonl")" -ge 3 ]
"$BW_BIN" -q --workers 1 -r pcaps/demo.pcap --hash-key-file "$TMP/k" --alerts "$TMP/ecs2.jsonl" --schema ecs 2>/dev/null
check ocsf_ecs_is_default cmp -s <(head -2 "$TMP/ecs.jsonl" | sed 's/"id":"[^"]*"//') <(sed 's/"id":"[^"]*"//' "$TMP/ecs2.jsonl")
"$BW_BIN" -q -r pcaps/demo.pcap --hash-key-file "$TMP/k" --schema cef >/dev/null 2>&1
check ocsf_bad_schema_exit2 [ $? -eq 2 ]

out=$($PY - "$TMP/ecs.jsonl" "$TMP/ocsf.jsonl" <<'PYEOF'
import json, sys, datetime
ecs = {}
for l in open(sys.argv[1]):
    a = json.loads(l); ecs[a["event"]["id"]] = a
bad = []
types = {"azure_blob": ("Azure Blob", 2), "s3": ("S3", 1), "gcs": ("GCP Bucket", 3)}
for l in open(sys.argv[2]):
    o = json.loads(l); uid = o["metadata"]["uid"]; e = ecs.get(uid)
    if not e: bad.append(f"{uid}: no ECS twin"); continue
    def want(cond, what):
        if not cond: bad.append(f"{uid}: {what}")
    want(o["class_uid"] == 2006 and o["category_uid"] == 2 and o["type_uid"] == 200601 and o["activity_id"] == 1, "class/type")
    want(o["class_name"] == "Data Security Finding", "class_name")
    want(o["data_security"]["data_lifecycle_state"] == "Data in-Transit" and o["data_security"]["data_lifecycle_state_id"] == 2, "lifecycle")
    st = e["bleedwatch"]["storage"]
    t = types.get(st["provider"], (st["provider"], 99))
    want(o["databucket"]["type"] == t[0] and o["databucket"]["type_id"] == t[1], "databucket type")
    want(o["databucket"]["is_public"] == (e["bleedwatch"]["auth"]["state"] == "none"), "is_public")
    ts = datetime.datetime.strptime(e["@timestamp"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc)
    want(o["time"] == int(ts.timestamp() * 1000 + 1e-6) or abs(o["time"] - ts.timestamp() * 1000) < 1, "time")
    kinds = e["bleedwatch"]["pii"]["kinds"]
    dd = {d["type"]: d["count"] for d in o["data_classification"]["discovery_details"]}
    want(dd == {k: v["count"] for k, v in kinds.items()}, f"discovery_details {dd}")
    want(o["data_classification"]["total"] == e["bleedwatch"]["pii"]["total"], "total")
    complete = e["bleedwatch"]["pii"]["complete"]
    want(o["data_classification"]["status_id"] == (1 if complete else 2) and
         o["data_classification"]["status"] == ("Complete" if complete else "Partial"), "classification status")
    want(o["data_classification"]["category_id"] == 1, "category Personal")
    want(o["src_endpoint"]["ip"] == e["source"]["ip"] and o["src_endpoint"]["port"] == e["source"]["port"], "src")
    want(o["dst_endpoint"]["ip"] == e["destination"]["ip"] and o["dst_endpoint"]["port"] == e["destination"]["port"], "dst")
    want(o["connection_info"]["community_uid"] == e["network"]["community_id"], "community id")
    want(o["risk_score"] == e["event"]["severity"] and 1 <= o["severity_id"] <= 5, "severity")
    want(o["unmapped"]["bleedwatch"]["pii"] == e["bleedwatch"]["pii"], "unmapped pii")
    want(o["unmapped"]["bleedwatch"]["storage"] == st, "unmapped storage")
    if "object" in st: want(o["file"]["path"] == st["object"] and o["file"]["size"] == e["http"]["response"]["body"]["bytes"], "file")
print("; ".join(bad[:5])); sys.exit(1 if bad else 0)
PYEOF
) && pass ocsf_fields_match_ecs || fail ocsf_fields_match_ecs "$out"
# nothing raw: the OCSF lines hold no value the captures' generators call secret
leaks=0
for s in pcaps/demo.secrets.txt pcaps/azurite.secrets.txt pcaps/s3rver.secrets.txt; do
    [ -f "$s" ] || continue
    while IFS= read -r v; do [ -n "$v" ] && grep -qF -- "$v" "$TMP/ocsf.jsonl" && leaks=$((leaks + 1)); done <"$s"
done
check ocsf_no_raw_values [ "$leaks" -eq 0 ]
exit 0
