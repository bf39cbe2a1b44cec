# make demo's script works: throwaway Redis, alerts read back, ledger counts.
. tests/lib.sh
BW="$BW_BIN" deploy/demo.sh >"$TMP/out" 2>&1; rc=$?
check demo_exit0 [ $rc -eq 0 ]
check demo_two_alerts_from_redis grep -q "^  2 alerts$" "$TMP/out"
check demo_ledger_emails grep -qE "email +42 distinct" "$TMP/out"
check demo_orgs_to_notify grep -q "acme-logistics.com (7)" "$TMP/out"
check demo_no_raw_email_in_output [ "$(grep -c 'jane.doe@acme-logistics.com' "$TMP/out")" -eq 0 ]
