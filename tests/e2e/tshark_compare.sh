# HTTP transactions against tshark as the reference, over ../shared/pcaps:
# at least 98% of tshark's responses in total, every difference explained.
# Release build only (the ASan pass has its own sweep); skipped without ../shared.
. tests/lib.sh
if [ ! -f "$SHARED/pcaps/MANIFEST.tsv" ]; then skip tshark_compare "$SHARED/pcaps absent"; exit 0; fi
if [ "${BW_VARIANT:-release}" != release ]; then skip tshark_compare "release build only"; exit 0; fi
python3 tests/compare/tshark_http.py --bin "$BW_BIN" --shared "$SHARED" >"$TMP/out" 2>&1
rc=$?
tail -n 1 "$TMP/out" >&2
if [ $rc -eq 0 ]; then
    pass "tshark_compare $(tail -n 1 "$TMP/out" | grep -o 'ratio [0-9.]*')"
else
    fail tshark_compare "$(tail -n 1 "$TMP/out")"
    grep -B1 -A1 UNEXPLAINED "$TMP/out" | head -20 >&2
fi
