# Every capture under ../shared/pcaps through bleedwatch (the variant under
# test: the ASan+UBSan build in the asan pass): no crash, no hang, no sanitizer
# report. Unreadable files must be refused with exit 2 and one clear line.
# Skipped when ../shared is absent.
. tests/lib.sh
if [ ! -f "$SHARED/pcaps/MANIFEST.tsv" ]; then skip shared_sweep "$SHARED/pcaps absent"; exit 0; fi

mapfile -t all < <(awk -F'\t' 'NR > 1 {print $1}' "$SHARED/pcaps/MANIFEST.tsv" | sed "s|^|$SHARED/pcaps/|")
bad=0; refused=0; crashed=""
i=0
while [ $i -lt ${#all[@]} ]; do
    batch=("${all[@]:$i:150}")
    i=$((i + 150))
    while [ ${#batch[@]} -gt 0 ]; do
        args=()
        for f in "${batch[@]}"; do args+=(-r "$f"); done
        timeout 600 "$BW_BIN" -q --transactions /dev/null "${args[@]}" >/dev/null 2>"$TMP/err"
        rc=$?
        if [ $rc -eq 2 ]; then
            # refused input: must name the file in one line; drop it and go on
            badf=""
            for f in "${batch[@]}"; do grep -qF "$f" "$TMP/err" && { badf=$f; break; }; done
            if [ -z "$badf" ] || [ "$(wc -l <"$TMP/err")" -ne 1 ]; then
                crashed="$crashed usage-error-without-file:$(head -c 200 "$TMP/err")"; bad=$((bad + 1)); break
            fi
            refused=$((refused + 1))
            nb=()
            for f in "${batch[@]}"; do [ "$f" = "$badf" ] || nb+=("$f"); done
            batch=("${nb[@]}")
            continue
        fi
        if [ $rc -ne 0 ]; then
            # find the culprit(s) one by one
            for f in "${batch[@]}"; do
                timeout 120 "$BW_BIN" -q --transactions /dev/null -r "$f" >/dev/null 2>"$TMP/err1"
                r1=$?
                if [ $r1 -ne 0 ] && [ $r1 -ne 2 ]; then
                    bad=$((bad + 1)); crashed="$crashed $f(rc=$r1)"
                    grep -m3 -E 'ERROR|runtime error|SUMMARY' "$TMP/err1" | sed 's/^/    /' >&2
                fi
            done
        fi
        break
    done
done
if [ $bad -eq 0 ]; then
    pass "shared_sweep ${#all[@]} captures, $refused refused with a message"
else
    fail shared_sweep "$bad captures failed:$crashed"
fi
