# Our capture-file reader (sensor/pcapfile.c) against libpcap on every
# capture of ../shared/pcaps, frame by frame (tests/tools/pcapfile_check.c:
# time to the microsecond, caplen, wirelen, link type, bytes). Where libpcap
# gives up (several link types or snapshot lengths in one pcapng file, a
# truncated record) ours must have returned at least every frame libpcap
# returned, identically. Skipped when ../shared is absent.
. tests/lib.sh
if [ ! -f "$SHARED/pcaps/MANIFEST.tsv" ]; then skip pcapfile_shared "$SHARED/pcaps absent"; exit 0; fi
tool="$BW_BUILD/tools/pcapfile_check"
if [ ! -x "$tool" ]; then fail pcapfile_shared "$tool not built"; exit 0; fi
"$tool" --root "$SHARED/pcaps" --list "$SHARED/pcaps/MANIFEST.tsv" >"$TMP/out" 2>"$TMP/err"
rc=$?
summary=$(tail -n 1 "$TMP/out")
case "$summary" in
files\ *) ;;
*) fail pcapfile_shared "exit $rc, no summary: $(head -c 300 "$TMP/err")"; exit 0 ;;
esac
if [ $rc -eq 0 ] && grep -q " mismatch 0 " "$TMP/out"; then
    pass "pcapfile_shared $summary"
else
    fail pcapfile_shared "$summary; $(grep '^mismatch ' "$TMP/out" | head -3 | cut -c1-300 | tr '\n' ';')"
fi
# the files only ours reads in full, for the record
grep '^ours_further ' "$TMP/out" | cut -d' ' -f1-4 | sed 's/^/    /' >&2
