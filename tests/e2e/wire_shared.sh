# The MongoDB and Redis captures of ../shared/pcaps (MANIFEST tags naming
# mongo or redis/resp) through bleedwatch: no crash, no sanitizer report, and
# no parse error counted by the wire dissectors, except in captures made to
# be hostile (suite:crash-repro, fuzz, "malicious", "almost", false-positive
# probes) or listed below with the reason. Skipped when ../shared is absent.
. tests/lib.sh
if [ ! -f "$SHARED/pcaps/MANIFEST.tsv" ]; then skip wire_shared "$SHARED/pcaps absent"; exit 0; fi

# Known not-quite-protocol content in otherwise ordinary captures.
#   attr.pcap: the server's RESP3 attribute reply is followed by a stray byte.
allowed_errors="zeek/testing/btest/Traces/redis/attr.pcap"

mapfile -t rows < <(awk -F'\t' 'NR > 1 && $12 ~ /(^|,)(name:)?(mongo|mongodb|redis|resp)[-*a-z]*(,|$)/ {print $1 "\t" $12}' \
    "$SHARED/pcaps/MANIFEST.tsv")
if [ ${#rows[@]} -eq 0 ]; then skip wire_shared "no mongo/redis captures in the MANIFEST"; exit 0; fi
n=0; bad=""; msgs=0; cmds=0; txns=0
for row in "${rows[@]}"; do
    f=${row%%$'\t'*}; tags=${row#*$'\t'}
    p="$SHARED/pcaps/$f"
    [ -f "$p" ] || continue
    n=$((n + 1))
    timeout 120 "$BW_BIN" -r "$p" --hash-key-file "$TMP/key" --transactions "$TMP/tx" --stats "$TMP/st" \
        >/dev/null 2>"$TMP/err"
    rc=$?
    if [ $rc -ne 0 ] || grep -qE 'runtime error|AddressSanitizer|LeakSanitizer' "$TMP/err"; then
        bad="$bad $f(rc=$rc)"
        continue
    fi
    hostile=0
    case "$tags,$f" in *suite:crash-repro*|*fuzz*|*malicious*|*almost*|*false_positive*) hostile=1 ;; esac
    case " $allowed_errors " in *" $f "*) hostile=1 ;; esac
    out=$(python3 - "$TMP/st" "$TMP/tx" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))["dissectors"]
m, r = d["mongodb"], d["redis"]
errs = sum(m[k] for k in ("bad_header", "malformed", "bson_malformed", "decompress_error", "unknown_compressor"))
errs += r["bad_command"] + r["bad_reply"]
tx = sum(1 for _ in open(sys.argv[2]))
print(errs, m["messages"], r["commands"], tx)
PY
    )
    read -r errs m c t <<<"$out"
    msgs=$((msgs + m)); cmds=$((cmds + c)); txns=$((txns + t))
    if [ "$errs" -ne 0 ] && [ $hostile -eq 0 ]; then bad="$bad $f(parse-errors=$errs)"; fi
done
if [ -n "$bad" ]; then
    fail wire_shared "$bad"
elif [ "$msgs" -eq 0 ] || [ "$cmds" -eq 0 ]; then
    fail wire_shared "the dissectors saw nothing: $msgs MongoDB messages, $cmds Redis commands in $n captures"
else
    pass "wire_shared $n captures: $msgs MongoDB messages, $cmds Redis commands, $txns transactions"
fi
