#!/bin/bash
# tests/e2e/pii_eval.sh -- the PII engine against the labelled corpus
# (tests/pii/data, truth.json), through `bleedwatch scan`, plus the scan
# sub-command's own contract (errors, hash key file, stdin).
#
# Per kind precision >= 0.99 and recall >= 0.95, exact distinct counts per
# file, zero cards/national ids/IBANs on the look-alike files, identical
# findings under random and byte-by-byte chunking (tests/pii/eval.py prints
# the table on stderr). stdout carries only PASS/FAIL/SKIP lines.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh

if [ -x "$BW_BIN" ] && "$BW_BIN" scan --help >/dev/null 2>&1; then
    SCAN=("$BW_BIN" scan)
elif [ -x "$BW_BUILD/tools/scan_main" ]; then
    SCAN=("$BW_BUILD/tools/scan_main")
else
    skip pii_eval "neither $BW_BIN scan nor $BW_BUILD/tools/scan_main is built"
    exit 0
fi
PY=/usr/bin/python3
[ -x "$PY" ] || { skip pii_eval "no /usr/bin/python3"; exit 0; }
DATA=tests/pii/data

# ---- the corpus: precision/recall, distinct, look-alikes, chunking ----
"$PY" tests/pii/eval.py "${SCAN[@]}" -- "$DATA"

# ---- the scan sub-command's contract ----
F=$DATA/customers_en_US.csv
KEY=$TMP/key

# a bad option: exit 2, one line on stderr, nothing on stdout
"${SCAN[@]}" --bogus "$F" >"$TMP/o" 2>"$TMP/e"; rc=$?
check scan_bad_option [ "$rc" -eq 2 -a ! -s "$TMP/o" -a "$(wc -l <"$TMP/e")" -eq 1 ]
"${SCAN[@]}" --type yaml "$F" >"$TMP/o" 2>"$TMP/e"; rc=$?
check scan_bad_type [ "$rc" -eq 2 -a "$(wc -l <"$TMP/e")" -eq 1 ]
"${SCAN[@]}" --disable nosuchkind "$F" >"$TMP/o" 2>"$TMP/e"; rc=$?
check scan_bad_kind [ "$rc" -eq 2 -a "$(wc -l <"$TMP/e")" -eq 1 ]

# a new key file: created with 32 bytes, mode 0600, and said so on stderr
"${SCAN[@]}" --hash-key-file "$KEY" "$F" >"$TMP/o" 2>"$TMP/e"; rc=$?
check scan_key_created [ "$rc" -eq 0 -a -f "$KEY" -a "$(stat -c %a "$KEY")" = 600 \
    -a "$(stat -c %s "$KEY")" -eq 32 -a "$(grep -c created "$TMP/e")" -eq 1 -a "$(wc -l <"$TMP/o")" -eq 1 ]
# the same key again: no message, same findings
cp "$TMP/o" "$TMP/o1"
"${SCAN[@]}" --hash-key-file "$KEY" "$F" >"$TMP/o" 2>"$TMP/e"; rc=$?
same=1; cmp -s "$TMP/o" "$TMP/o1" && same=0
check scan_key_reused [ "$rc" -eq 0 -a ! -s "$TMP/e" -a "$same" -eq 0 ]
# a key readable by others is refused
chmod 644 "$KEY"
"${SCAN[@]}" --hash-key-file "$KEY" "$F" >"$TMP/o" 2>"$TMP/e"; rc=$?
check scan_key_perms_refused [ "$rc" -eq 2 -a ! -s "$TMP/o" -a "$(grep -c 'group/other' "$TMP/e")" -eq 1 ]
chmod 600 "$KEY"

# an unreadable file: exit 2, one line naming it, the other files still scanned
"${SCAN[@]}" --hash-key-file "$KEY" "$TMP/nonexistent.csv" "$F" >"$TMP/o" 2>"$TMP/e"; rc=$?
check scan_missing_file [ "$rc" -eq 2 -a "$(wc -l <"$TMP/o")" -eq 1 -a "$(grep -c nonexistent.csv "$TMP/e")" -eq 1 ]

# standard input: the same findings as the file
"${SCAN[@]}" --hash-key-file "$KEY" - <"$F" >"$TMP/o" 2>"$TMP/e"; rc=$?
same_pii() {
    "$PY" -c 'import json,sys; a,b=[json.loads(open(p).readline())["pii"] for p in sys.argv[1:3]]; sys.exit(a!=b)' "$1" "$2"
}
same=1; [ "$rc" -eq 0 ] && same_pii "$TMP/o" "$TMP/o1" && same=0
check scan_stdin [ "$same" -eq 0 ]

# --pii-max-depth: a name five objects deep is judged by its field at depth 5
# and is only a string at depth 4 (the email needs no field); out of range: exit 2
printf '{"a":{"b":{"c":{"d":{"full_name":"Jane Doe","email":"jane.doe@example.org"}}}}}\n' >"$TMP/deep.json"
kinds() { "$PY" -c 'import json,sys; d=json.loads(sys.stdin.readline())["pii"]; print(" ".join(sorted(d.get("kinds", {}))))'; }
k5=$("${SCAN[@]}" --pii-max-depth 5 "$TMP/deep.json" | kinds)
k4=$("${SCAN[@]}" --pii-max-depth=4 "$TMP/deep.json" | kinds)
"${SCAN[@]}" --pii-max-depth 64 "$TMP/deep.json" >"$TMP/o" 2>"$TMP/e"; rc=$?
check scan_max_depth [ "$k5" = "email person_name" -a "$k4" = "email" -a "$rc" -eq 2 -a ! -s "$TMP/o" \
    -a "$(grep -c 'pii-max-depth' "$TMP/e")" -eq 1 ]

# --help: usage on stdout, exit 0
"${SCAN[@]}" --help >"$TMP/o" 2>"$TMP/e"; rc=$?
check scan_help [ "$rc" -eq 0 -a "$(grep -c 'usage: bleedwatch scan' "$TMP/o")" -eq 1 ]
