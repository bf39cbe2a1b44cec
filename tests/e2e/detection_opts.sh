# Detection options change outcomes as documented, on the demo capture
# (2 alerts by default: customers.csv and a stored e-mail).
. tests/lib.sh
run() { "$BW_BIN" -q -r pcaps/demo.pcap --hash-key-file "$TMP/k" --alerts "$TMP/a" "$@" 2>"$TMP/err"; wc -l <"$TMP/a"; }
check default_two_alerts [ "$(run)" -eq 2 ]
check public_ok_silences [ "$(run --public-ok azure_blob:bluebleed/exports)" -eq 0 ]
check public_ok_other_prefix_keeps [ "$(run --public-ok azure_blob:bluebleed/other)" -eq 2 ]
check pii_disable_silences [ "$(run --pii-disable email,phone,person_name,email_message)" -eq 0 ]
check distinct_threshold [ "$(run --alert-distinct-min 100)" -eq 1 ]
sev() { python3 -c "import json,sys; print(max(json.loads(l)['event']['severity'] for l in open('$TMP/a')))"; }
run >/dev/null; outside=$(sev)
run --home-net 203.0.113.0/24 >/dev/null; inside=$(sev)
check home_net_lowers_severity [ "$inside" -lt "$outside" ]
# field context from the command line: digits in a "handynummer" column are phones
/usr/bin/python3 - "$TMP/ctx.pcap" <<'PY'
import sys; sys.path.insert(0, 'pcaps')
import tcpcraft as t
body = b"id,handynummer\n1,0612345678\n2,0687654321\n3,0611112222\n"
c = t.Conversation().add(t.http_request('GET', '/c/x.csv', 'acct.blob.core.windows.net'),
                         t.http_response(body, headers={'Content-Type': 'text/csv', 'x-ms-request-id': '1',
                                                        'x-ms-version': '2021-08-06', 'Server': 'Windows-Azure-Blob/1.0'}))
t.write(sys.argv[1], [c])
PY
n0=$("$BW_BIN" -q -r "$TMP/ctx.pcap" --hash-key-file "$TMP/k" --alerts - | wc -l)
n1=$("$BW_BIN" -q -r "$TMP/ctx.pcap" --hash-key-file "$TMP/k" --alerts - --pii-context phone:handynummer | grep -c '"phone":{"count":3')
check pii_context_needed [ "$n0" -eq 0 ]
check pii_context_applies [ "$n1" -eq 1 ]
"$BW_BIN" -q -r pcaps/demo.pcap --pii-context nosuchkind:x 2>"$TMP/err"; rc=$?
check pii_context_bad_kind [ $rc -eq 2 ]
# a config file typo names the line
printf 'alerts %s\nno-such-key 1\n' "$TMP/x" >"$TMP/c.conf"
"$BW_BIN" -r pcaps/demo.pcap -c "$TMP/c.conf" 2>"$TMP/err"; rc=$?
check config_unknown_key_exit2 [ $rc -eq 2 ]
check config_unknown_key_names_line grep -q "c.conf:2: unknown key 'no-such-key'" "$TMP/err"
