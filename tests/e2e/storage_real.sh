# Captures from real servers and clients (pcaps/real/make_captures.sh: Azurite,
# s3rver, curl, the Azure and AWS SDKs), replayed: every anonymous read of
# personal data alerts with the right provider and resource; no authenticated
# read, refusal or PII-free response alerts; no output holds a raw credential
# or PII value.
. tests/lib.sh
found=0
for exp in pcaps/*.expected.json; do
    [ -f "$exp" ] || continue
    name=$(basename "$exp" .expected.json)
    found=1
    # one worker: the expected transactions are listed in capture order
    "$BW_BIN" --workers 1 -r "pcaps/$name.pcap" --hash-key-file "$TMP/key" --transactions "$TMP/$name.tx" \
        --alerts "$TMP/$name.alerts" --stats "$TMP/$name.stats" 2>"$TMP/$name.err"
    rc=$?
    if [ $rc -ne 0 ]; then fail "storage_real_$name" "exit $rc"; continue; fi
    secrets=()
    [ -f "pcaps/$name.secrets.txt" ] && secrets=("pcaps/$name.secrets.txt" "$TMP/$name.tx" "$TMP/$name.alerts" "$TMP/$name.err" "$TMP/$name.stats")
    if out=$(python3 tests/compare/check_expected.py "$exp" "$TMP/$name.tx" "$TMP/$name.alerts" "${secrets[@]}" 2>&1); then
        pass "storage_real_$name $(wc -l <"$TMP/$name.alerts") alerts"
    else
        fail "storage_real_$name" "$(echo "$out" | head -6 | tr '\n' ';')"
    fi
done
[ $found -eq 1 ] || skip storage_real "no pcaps/*.expected.json"
