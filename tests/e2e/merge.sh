# Several -r inputs are one stream, merged in packet-time order; a directory
# reads every capture file in it. A real capture is cut in two the ways it
# happens: by time (a rotated capture: flows run from one file into the next)
# and packet by packet (two mirror ports written to two files). Read back
# together, the parts must give exactly the transactions of the whole.
. tests/lib.sh
split() {  # split.py MODE IN OUT_A OUT_B: classic pcap, no scapy needed
    python3 - "$@" <<'PY'
import struct, sys
mode, src, out_a, out_b = sys.argv[1:]
data = open(src, 'rb').read()
hdr, off, recs = data[:24], 24, []
end = '<' if data[:4] in (b'\xd4\xc3\xb2\xa1', b'\x4d\x3c\xb2\xa1') else '>'
while off + 16 <= len(data):
    n = struct.unpack(end + 'I', data[off + 8:off + 12])[0]
    recs.append(data[off:off + 16 + n]); off += 16 + n
parts = ([recs[:len(recs) // 2], recs[len(recs) // 2:]] if mode == 'time'
         else [recs[0::2], recs[1::2]])
for out, rs in zip((out_a, out_b), parts):
    open(out, 'wb').write(hdr + b''.join(rs))
PY
}
# the transactions without the input file name
txns() { python3 -c "
import json, sys
for l in open(sys.argv[1]):
    d = json.loads(l); d['bleedwatch'].pop('input', None); print(json.dumps(d, sort_keys=True))" "$1" | sort; }

for cap in azurite s3rver; do
    "$BW_BIN" -q -r "pcaps/$cap.pcap" --transactions "$TMP/$cap.whole.jsonl" 2>/dev/null
    whole=$(txns "$TMP/$cap.whole.jsonl")
    n=$(echo "$whole" | wc -l)
    for mode in time alternate; do
        split $mode "pcaps/$cap.pcap" "$TMP/$cap.$mode.a.pcap" "$TMP/$cap.$mode.b.pcap"
        # given in the wrong order on purpose: packet time decides
        "$BW_BIN" -q -r "$TMP/$cap.$mode.b.pcap" -r "$TMP/$cap.$mode.a.pcap" -w 2 \
            --transactions "$TMP/$cap.$mode.jsonl" 2>"$TMP/err"
        if [ "$n" -gt 10 ] && [ "$(txns "$TMP/$cap.$mode.jsonl")" = "$whole" ]; then
            pass "merge_${cap}_$mode ($n transactions)"
        else
            fail "merge_${cap}_$mode" "$(txns "$TMP/$cap.$mode.jsonl" | wc -l) transactions, whole has $n: $(head -c 300 "$TMP/err")"
        fi
    done
    # --no-merge: separate captures, the flows cut at the file boundary are lost
    "$BW_BIN" -q --no-merge -r "$TMP/$cap.alternate.a.pcap" -r "$TMP/$cap.alternate.b.pcap" \
        --transactions "$TMP/$cap.nomerge.jsonl" 2>/dev/null
    check "merge_${cap}_no_merge_differs" [ "$(txns "$TMP/$cap.nomerge.jsonl")" != "$whole" ]
done

# a directory: every capture file in it, a stray file skipped and counted
mkdir -p "$TMP/dir"
cp "$TMP/azurite.time.a.pcap" "$TMP/dir/part-0001.pcap"
cp "$TMP/azurite.time.b.pcap" "$TMP/dir/part-0002.pcap"
echo "capture notes" >"$TMP/dir/README"
mkdir -p "$TMP/dir/sub"
"$BW_BIN" -q -r "$TMP/dir" --transactions "$TMP/dir.jsonl" --stats "$TMP/dir.stats" 2>"$TMP/dir.err"
rc=$?
check merge_dir_same [ $rc -eq 0 -a "$(txns "$TMP/dir.jsonl")" = "$(txns "$TMP/azurite.whole.jsonl")" ]
check merge_dir_skipped_counted python3 -c "import json,sys; s=json.load(open('$TMP/dir.stats'))['capture']; sys.exit(0 if s['files']==2 and s['files_skipped']==1 else 1)"
check merge_dir_skip_named grep -q "skipping.*README" "$TMP/dir.err"
mkdir -p "$TMP/empty"
"$BW_BIN" -q -r "$TMP/empty" 2>"$TMP/empty.err"
rc=$?
check merge_empty_dir_refused [ $rc -eq 2 -a "$(wc -l <"$TMP/empty.err")" -eq 1 ]
check merge_empty_dir_message grep -q "no capture file in directory" "$TMP/empty.err"

# the same capture from two mirror ports: merged, the copies are duplicates
"$BW_BIN" -q -r pcaps/azurite.pcap -r pcaps/azurite.pcap --transactions "$TMP/twice.jsonl" --stats "$TMP/twice.stats" 2>/dev/null
check merge_two_ports_deduplicated [ "$(txns "$TMP/twice.jsonl")" = "$(txns "$TMP/azurite.whole.jsonl")" ]

# a capture cut short (the usual damage): every whole frame read, the cut said
# and counted, exit 0
sz=$(stat -c %s pcaps/azurite.pcap)
head -c $((sz - 100)) pcaps/azurite.pcap >"$TMP/cut.pcap"
"$BW_BIN" -q -r "$TMP/cut.pcap" --transactions "$TMP/cut.jsonl" --stats "$TMP/cut.stats" 2>"$TMP/cut.err"
rc=$?
check merge_truncated_exit0 [ $rc -eq 0 ]
check merge_truncated_said grep -q "cut.pcap: .*truncated" "$TMP/cut.err"
check merge_truncated_counted python3 -c "import json,sys; sys.exit(0 if json.load(open('$TMP/cut.stats'))['capture']['read_errors']==1 else 1)"
check merge_truncated_frames_read [ "$(wc -l <"$TMP/cut.jsonl")" -ge $(( $(wc -l <"$TMP/azurite.whole.jsonl") - 1 )) ]

# A transaction ended by the end of the run (a body read until a close that
# never came) names the file its flow was in, not the last file read: a.pcap
# holds it, b.pcap (later) another flow; with 1 worker and with 3
if /usr/bin/python3 - "$TMP/a.pcap" "$TMP/b.pcap" <<'PY' 2>"$TMP/ab.err"
import sys
sys.path.insert(0, "pcaps")
import tcpcraft as tc
a = tc.Conversation(client=("10.1.0.10", 40001), server=("10.2.0.20", 80), t0=1700000000.0, close=False)
a.add(tc.http_request("GET", "/open", "files.example"),
      b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\nread until the close")
b = tc.Conversation(client=("10.1.0.11", 40002), server=("10.2.0.21", 80), t0=1700000010.0)
b.add(tc.http_request("GET", "/closed", "files.example"), tc.http_response(b"done"))
tc.write(sys.argv[1], [a])
tc.write(sys.argv[2], [b])
PY
then
    for w in 1 3; do
        "$BW_BIN" -q --workers $w -r "$TMP/a.pcap" -r "$TMP/b.pcap" --transactions "$TMP/ab$w.jsonl" 2>/dev/null
        check "merge_input_of_open_flow_w$w" python3 -c '
import json, sys
got = {json.loads(l)["url"]["path"]: json.loads(l)["bleedwatch"]["input"]["pcap"] for l in open(sys.argv[1])}
sys.exit(not (got.get("/open", "").endswith("/a.pcap") and got.get("/closed", "").endswith("/b.pcap")))' "$TMP/ab$w.jsonl"
    done
else
    skip merge_input_of_open_flow "tcpcraft: $(tail -1 "$TMP/ab.err") (python3-scapy?)"
fi
