# A pcapng file with four link types in two sections of opposite byte order
# (pcaps/multilink.pcapng, made by pcaps/make_multilink.py from demo.pcap):
# libpcap refuses it, our reader must not. Its transactions and alerts must be
# demo.pcap's once the input name is set aside (flow ids, community ids,
# times, PII: equal), from a file, from stdin, with several workers, and
# through a BPF filter compiled for each link type.
. tests/lib.sh
ML=pcaps/multilink.pcapng
head -c 32 /dev/urandom >"$TMP/key"; chmod 600 "$TMP/key"

# one worker: outputs are compared in the order they were written (stdin,
# read by a capture thread, against files, read by the workers themselves)
bw() {  # input, output prefix, extra options...
    local in=$1 out=$2; shift 2
    "$BW_BIN" -q --workers 1 -r "$in" --transactions "$out.tx" --alerts "$out.alerts" --stats "$out.stats" \
        --hash-key-file "$TMP/key" --sensor-name multilink "$@" 2>"$out.err"
}
PY=python3; [ -x /usr/bin/python3 ] && PY=/usr/bin/python3
# base and variant runs: the same transactions and alerts once the input name
# is set aside (in order, or sorted when several workers interleave them)
same() {  # name, base prefix, variant prefix [sort]
    local name=$1 out
    if out=$("$PY" - "$2" "$3" "${4:-}" <<'PYEOF'
import json, sys
base, var, srt = sys.argv[1:4]
def load(p):
    rows = []
    for line in open(p):
        r = json.loads(line)
        r.get("bleedwatch", {}).pop("input", None)
        rows.append(json.dumps(r, sort_keys=True))
    return sorted(rows) if srt else rows
bad = []
for kind in ("tx", "alerts"):
    a, b = load(f"{base}.{kind}"), load(f"{var}.{kind}")
    if kind == "tx" and not a:
        bad.append("the base run has no transactions: nothing compared")
    if a != b:
        i = next((k for k in range(min(len(a), len(b))) if a[k] != b[k]), min(len(a), len(b)))
        bad.append(f"{kind}: {len(b)} records (base {len(a)}), #{i} differs: "
                   f"{(b[i] if i < len(b) else '(none)')[:200]}")
print("; ".join(bad))
sys.exit(1 if bad else 0)
PYEOF
); then pass "$name"; else fail "$name" "$out"; fi
}

if /usr/bin/python3 -c 'import scapy' 2>/dev/null; then
    /usr/bin/python3 pcaps/make_multilink.py "$TMP/regen.pcapng" >/dev/null 2>&1
    check multilink_regenerates cmp -s "$TMP/regen.pcapng" "$ML"
else
    skip multilink_regenerates "python3-scapy missing"
fi

bw pcaps/demo.pcap "$TMP/demo"; rc1=$?
bw "$ML" "$TMP/ml"; rc2=$?
check multilink_exit0 [ "$rc1" -eq 0 -a "$rc2" -eq 0 -a ! -s "$TMP/ml.err" ]
same multilink_same_as_demo "$TMP/demo" "$TMP/ml"
check multilink_alerts [ "$(wc -l <"$TMP/ml.alerts")" -eq 2 ]
# every frame decoded: the same packet count, nothing counted unsupported or malformed
check multilink_stats "$PY" - "$TMP/demo.stats" "$TMP/ml.stats" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
sys.exit(0 if a["packets"] == b["packets"] == 42 and a.get("decode") == b.get("decode")
         and a["transactions"] == b["transactions"] else 1)
PY

# pcapng on stdin
"$BW_BIN" -q --workers 1 -r - --transactions "$TMP/stdin.tx" --alerts "$TMP/stdin.alerts" \
    --hash-key-file "$TMP/key" --sensor-name multilink <"$ML" 2>"$TMP/stdin.err"
check multilink_stdin_exit0 [ $? -eq 0 ]
same multilink_stdin_same "$TMP/demo" "$TMP/stdin"

# several workers: each frame's link type travels with it through the rings
bw "$ML" "$TMP/w3" --workers 3
same multilink_workers3_same "$TMP/demo" "$TMP/w3" sort

# a filter is compiled for each of the four link types
bw pcaps/demo.pcap "$TMP/demo_f" "tcp port 80 and host 203.0.113.45"
bw "$ML" "$TMP/ml_f" "tcp port 80 and host 203.0.113.45"
same multilink_filter_same "$TMP/demo_f" "$TMP/ml_f"
bw "$ML" "$TMP/ml_none" "tcp port 9"; rc=$?
check multilink_filter_nothing [ "$rc" -eq 0 -a ! -s "$TMP/ml_none.tx" ]
# SYN packets alone, whatever link header precedes them
bw "$ML" "$TMP/ml_syn" "tcp[tcpflags] & tcp-syn != 0"
check multilink_filter_syn "$PY" -c "import json,sys; s=json.load(open('$TMP/ml_syn.stats')); sys.exit(0 if 0 < s['packets'] < 42 else 1)"
