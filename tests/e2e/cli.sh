# CLI behaviour: help, version, and one clear line + exit 2 for every usage error.
. tests/lib.sh

"$BW_BIN" --help >"$TMP/out" 2>&1; rc=$?
check help_exit0 [ "$rc" -eq 0 ]
check help_mentions_read grep -q -- "--read FILE" "$TMP/out"
check help_mentions_interface grep -q -- "--interface IFACE" "$TMP/out"
for o in "pii-max-depth N" "http-max-chunk BYTES" "mongodb-max-message BYTES" "mongodb-max-json BYTES" \
         "bson-max-depth N" "bson-max-elements N" "resp-max-depth N" "resp-max-elements N" "resp-max-line BYTES" \
         "resp-max-message BYTES" "resp-max-json BYTES"; do
    check "help_mentions_${o%% *}" grep -q -- "--$o " "$TMP/out"
done
"$BW_BIN" --version >"$TMP/out" 2>&1; rc=$?
check version_exit0 [ "$rc" -eq 0 ]
check version_text grep -q "^bleedwatch [0-9]" "$TMP/out"

usage_error() {  # name, args...
    local name=$1; shift
    "$BW_BIN" "$@" >"$TMP/out" 2>"$TMP/err"; local rc=$?
    local lines; lines=$(wc -l <"$TMP/err")
    if [ "$rc" -eq 2 ] && [ "$lines" -eq 1 ] && grep -q "^bleedwatch: " "$TMP/err"; then
        pass "$name"
    else
        fail "$name" "rc=$rc lines=$lines: $(head -c 300 "$TMP/err")"
    fi
}
usage_error unknown_long_flag --no-such-flag -r pcaps/demo.pcap
usage_error unknown_short_flag -Z -r pcaps/demo.pcap
usage_error missing_argument -r
usage_error no_input
usage_error unreadable_file -r /nonexistent/file.pcap
usage_error not_a_pcap -r README.md
usage_error bad_filter -r pcaps/demo.pcap "tcp port"
usage_error bad_filter_words -r pcaps/demo.pcap this is not bpf
usage_error bad_number -r pcaps/demo.pcap --max-flows 12x
usage_error zero_flows -r pcaps/demo.pcap --max-flows 0
# caps on hostile input take no 0, and the depth caps stop at their state's width
usage_error zero_cap -r pcaps/demo.pcap --resp-max-message 0
usage_error zero_chunk_cap -r pcaps/demo.pcap --http-max-chunk 0
usage_error pii_depth_too_deep -r pcaps/demo.pcap --pii-max-depth 64
usage_error resp_depth_too_deep -r pcaps/demo.pcap --resp-max-depth 33
usage_error bson_depth_too_deep -r pcaps/demo.pcap --bson-max-depth 1001
usage_error both_r_and_i -r pcaps/demo.pcap -i lo
usage_error bad_interface -i no-such-iface0
usage_error stdin_twice -r - -r -

# a good filter works and filters: port 9 matches nothing
"$BW_BIN" -q -r pcaps/demo.pcap --transactions "$TMP/tx" "tcp port 9" 2>"$TMP/err"; rc=$?
check good_filter_runs [ "$rc" -eq 0 ]
check good_filter_filters [ "$(wc -l <"$TMP/tx")" -eq 0 ]
"$BW_BIN" -q -r pcaps/demo.pcap --transactions "$TMP/tx" tcp port 80 2>"$TMP/err"
check filter_words_joined [ "$(wc -l <"$TMP/tx")" -eq 5 ]
# stdin
"$BW_BIN" -q -r - --transactions "$TMP/tx2" <pcaps/demo.pcap 2>"$TMP/err"; rc=$?
check stdin_read_ok [ "$rc" -eq 0 ]
check stdin_read_count [ "$(wc -l <"$TMP/tx2")" -eq 5 ]
# output file mode
check txlog_mode_0640 [ "$(stat -c %a "$TMP/tx2")" = 640 ]
