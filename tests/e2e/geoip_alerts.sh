# GeoIP/ASN enrichment of alerts: test databases built by tests/geoip/make_mmdb.pl.
. tests/lib.sh
"$BW_BIN" -q -r pcaps/demo.pcap --hash-key-file "$TMP/k" --alerts "$TMP/a.jsonl" \
    --geoip tests/geoip/city.mmdb --geoip tests/geoip/asn.mmdb 2>"$TMP/err"
check geoip_run [ $? -eq 0 ]
check geoip_country python3 -c "
import json,sys
a=[json.loads(l) for l in open('$TMP/a.jsonl')]
ok = a and all(x['source']['geo']['country_iso_code']=='NL' and x['source']['as']['number']==64500 for x in a)
sys.exit(0 if ok else 1)"
# a missing database: one line, no geo, alerts still out
"$BW_BIN" -q -r pcaps/demo.pcap --hash-key-file "$TMP/k" --alerts "$TMP/b.jsonl" --geoip "$TMP/missing.mmdb" 2>"$TMP/err2"
rc=$?
check geoip_missing_db_not_fatal [ $rc -eq 0 ]
check geoip_missing_db_one_line [ "$(grep -c missing.mmdb "$TMP/err2")" -eq 1 ]
check geoip_missing_db_alerts_still [ "$(wc -l <"$TMP/b.jsonl")" -eq 2 ]
check geoip_missing_no_geo_fields [ "$(grep -c '"geo"' "$TMP/b.jsonl")" -eq 0 ]
