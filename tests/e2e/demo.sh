# make demo's script works: throwaway Redis, alerts read back, ledger counts.
. tests/lib.sh
BW="$BW_BIN" deploy/demo.sh >"$TMP/out" 2>&1; rc=$?
check demo_exit0 [ $rc -eq 0 ]
check demo_two_alerts_from_redis grep -q "^  2 alerts$" "$TMP/out"
# 42 distinct emails in the capture; PFCOUNT is a HyperLogLog estimate (the key is new each run)
n=$(grep -oE "email +[0-9]+ distinct" "$TMP/out" | grep -oE "[0-9]+")
check demo_ledger_emails [ "${n:-0}" -ge 41 -a "${n:-0}" -le 43 ]
check demo_orgs_to_notify grep -q "acme-logistics.com (7)" "$TMP/out"
check demo_no_raw_email_in_output [ "$(grep -c 'jane.doe@acme-logistics.com' "$TMP/out")" -eq 0 ]
