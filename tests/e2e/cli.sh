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

# the default --workers counts the cores this process may use: its CPU
# affinity and a CPU quota of its cgroup (a container's --cpuset-cpus, --cpus)
# (every core when the workers read the files themselves, one fewer where a
# capture thread reads for them: live, stdin, --capture-thread)
cores_said() { sed -n 's/^here: \([0-9]*\) usable cores\{0,1\}, so --workers defaults to \([0-9]*\) reading files, \([0-9]*\) live or with a capture thread$/\1 \2 \3/p'; }
read -r c1 d1 l1 < <(taskset -c 0 "$BW_BIN" --help | cores_said)
check cores_affinity_one [ "${c1:-x} ${d1:-x} ${l1:-x}" = "1 1 1" ]
read -r cn dn ln < <("$BW_BIN" --help | cores_said)
check cores_default_reading_files_is_cores [ "${cn:-0}" -ge 1 -a "${cn:-0}" -le "$(nproc --all)" -a "${dn:-x}" = "${cn:-0}" ]
check cores_default_live_is_cores_minus_one [ "${ln:-x}" = "$(( ${cn:-0} > 1 ? ${cn:-0} - 1 : 1 ))" ]
workers_run() { /usr/bin/python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["capture"]["worker_packets"]))' "$1"; }
"$BW_BIN" -q -r pcaps/demo.pcap --stats "$TMP/st.json" 2>/dev/null
check cores_default_workers_run [ "$(workers_run "$TMP/st.json")" = "$dn" ]
# stdin cannot be read by every worker: the capture thread reads it, and the
# default leaves it its core
"$BW_BIN" -q -r - --stats "$TMP/st2.json" <pcaps/demo.pcap 2>/dev/null
check cores_default_workers_stdin [ "$(workers_run "$TMP/st2.json")" = "$ln" ]
"$BW_BIN" -q -r pcaps/demo.pcap --capture-thread --stats "$TMP/st3.json" 2>/dev/null
check cores_default_workers_capture_thread [ "$(workers_run "$TMP/st3.json")" = "$ln" ]
# a quota of half a core in a cgroup of our own (v1 or v2): 1 usable core,
# whatever the affinity; 2.5 cores where the affinity allows 2: 2
# A cgroup of our own for one controller (v2 where the controller is
# enabled there, else its v1 hierarchy), made under the one we are in: its
# path, or nothing where none can be made (not root, read-only cgroupfs).
own_cgroup() {  # controller, name
    local c=""
    [ "$(id -u)" = 0 ] || return 0
    if [ -f /sys/fs/cgroup/cgroup.controllers ] && grep -qw "$1" /sys/fs/cgroup/cgroup.subtree_control 2>/dev/null; then
        c=/sys/fs/cgroup$(sed -n 's/^0:://p' /proc/self/cgroup)/$2-$$
    elif [ -d "/sys/fs/cgroup/$1" ]; then
        c=/sys/fs/cgroup/$1$(sed -n "s/^[0-9]*:\([^:]*,\)\{0,1\}$1\(,[^:]*\)\{0,1\}:\(.*\)\$/\3/p" /proc/self/cgroup)/$2-$$
        c=${c/\/\//\/}
    fi
    [ -n "$c" ] && mkdir "$c" 2>/dev/null && echo "$c"
}
cg=""
[ "$(nproc)" -ge 2 ] && cg=$(own_cgroup cpu bw-cores)
if [ -n "$cg" ] && ! { if [ -f "$cg/cpu.max" ]; then echo "50000 100000" >"$cg/cpu.max"
                       else echo 100000 >"$cg/cpu.cfs_period_us" && echo 50000 >"$cg/cpu.cfs_quota_us"; fi; } 2>/dev/null; then
    rmdir "$cg"
    cg=""
fi
if [ -n "$cg" ]; then
    read -r cq dq _ < <(bash -c 'echo $$ >"$1/cgroup.procs" && exec "$2" --help' _ "$cg" "$BW_BIN" | cores_said)
    if [ -f "$cg/cpu.max" ]; then echo "250000 100000" >"$cg/cpu.max"; else echo 250000 >"$cg/cpu.cfs_quota_us"; fi
    read -r cq2 _ < <(bash -c 'echo $$ >"$1/cgroup.procs" && exec taskset -c 0,1 "$2" --help' _ "$cg" "$BW_BIN" | cores_said)
    rmdir "$cg" 2>/dev/null
    check cores_cgroup_quota [ "${cq:-x} ${dq:-x} ${cq2:-x}" = "1 1 2" ]
else
    skip cores_cgroup_quota "no cgroup of our own can be made here (not root, read-only cgroupfs, or 1 core)"
fi

# --workers stops at 256 (a claim word holds the worker in 16 bits; each
# worker costs ~4 MB and ~30 ms of nDPI set-up); 300 once ran, with reader
# 255 and up writing into the claim table's pair bits
usage_error workers_past_cap --workers 257 -r pcaps/demo.pcap
check workers_cap_in_help bash -c '"$1" --help | grep -q -- "--workers N .*at most 256"' _ "$BW_BIN"
# a thread the system will not give (a pids cgroup limit, as a container's
# --pids-limit) ends the run with one clear line and status 1, not abort()
pg=$(own_cgroup pids bw-pids)
if [ -n "$pg" ] && ! echo 4 >"$pg/pids.max" 2>/dev/null; then rmdir "$pg"; pg=""; fi
if [ -n "$pg" ]; then
    # (no leak check: LeakSanitizer needs a task of its own at exit, and the
    # limit is spent by then)
    ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
        bash -c 'echo $$ >"$1/cgroup.procs" && exec "$2" -q --workers 8 -r pcaps/demo.pcap --alerts "$3"' \
        _ "$pg" "$BW_BIN" "$TMP/pids.jsonl" >"$TMP/out" 2>"$TMP/err"; rc=$?
    rmdir "$pg" 2>/dev/null
    said=$(grep -c "cannot start worker thread [0-9]* of 8: .*try fewer --workers" "$TMP/err")
    check workers_thread_limit_message [ "$rc" -eq 1 -a "$said" -eq 1 -a "$(wc -l <"$TMP/err")" -eq 1 ]
else
    skip workers_thread_limit_message "no pids cgroup of our own can be made here"
fi
