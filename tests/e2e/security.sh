# Security of the sensor itself: privilege drop, no raw PII or credential in
# any output, secret-file permissions, output file modes, hardened binary.
. tests/lib.sh
umask 022
head -c 32 /dev/urandom >"$TMP/key"; chmod 600 "$TMP/key"
mode() { stat -c %a "$1" 2>/dev/null; }

# ---- privilege drop: --user nobody, seen in /proc/PID/status while running ----
if [ "$(id -u)" -ne 0 ]; then
    skip security_user_drop "not root: nothing to drop"
elif ! getent passwd nobody >/dev/null; then
    skip security_user_drop "no user nobody"
else
    mkfifo "$TMP/fifo"
    chmod 755 "$TMP"
    touch "$TMP/drop.alerts"
    "$BW_BIN" -q -r - --user nobody --hash-key-file "$TMP/key" --alerts "$TMP/drop.alerts" \
        <"$TMP/fifo" >"$TMP/drop.out" 2>"$TMP/drop.err" &
    pid=$!
    exec 7>"$TMP/fifo"
    head -c 24 pcaps/demo.pcap >&7      # the pcap header: input open, outputs open, then the drop
    uid=""; gid=""
    for _ in $(seq 1 100); do
        uid=$(awk '/^Uid:/ {print $2, $3, $4, $5}' /proc/$pid/status 2>/dev/null)
        gid=$(awk '/^Gid:/ {print $2, $3, $4, $5}' /proc/$pid/status 2>/dev/null)
        [ "$uid" = "65534 65534 65534 65534" ] && break
        sleep 0.1
    done
    groups=$(awk '/^Groups:/ {$1=""; print}' /proc/$pid/status 2>/dev/null)
    tail -c +25 pcaps/demo.pcap >&7
    exec 7>&-
    wait $pid; rc=$?
    ngid=$(id -g nobody)
    check security_user_drop_uid [ "$uid" = "65534 65534 65534 65534" ]
    check security_user_drop_gid [ "$gid" = "$ngid $ngid $ngid $ngid" ]
    check security_user_drop_no_root_group bash -c "! grep -qw 0 <<<'$groups'"
    check security_user_drop_finishes [ "$rc" -eq 0 ]
    check security_user_drop_still_alerts [ -s "$TMP/drop.alerts" ]
fi

# ---- no raw PII or credential in any output of the real-server captures ----
for cap in pcaps/*.pcap; do
    name=$(basename "$cap" .pcap)
    sec=pcaps/$name.secrets.txt
    [ -f "$sec" ] || continue
    o=$TMP/out_$name
    mkdir -p "$o"
    # not quiet: the stats summary on stderr counts as an output too
    "$BW_BIN" -r "$cap" --hash-key-file "$TMP/key" --alerts "$o/alerts" --transactions "$o/txlog" \
        --stats "$o/stats" >"$o/stdout" 2>"$o/stderr"
    rc=$?
    check "security_${name}_runs" [ "$rc" -eq 0 ]
    n_alerts=$(wc -l <"$o/alerts")
    check "security_${name}_alerts_made" [ "$n_alerts" -gt 0 ]
    grep -v '^\s*$' "$sec" >"$TMP/sec"
    # the values are really in the traffic (else the grep below proves nothing)
    check "security_${name}_secrets_in_capture" [ "$(grep -a -F -o -f "$TMP/sec" "$cap" | sort -u | wc -l)" -gt 0 ]
    leaks=$(cat "$o"/* | grep -F -o -f "$TMP/sec" | sort -u | head -5 | tr '\n' ' ')
    if [ -z "$leaks" ]; then pass "security_${name}_no_raw_pii ($(wc -l <"$TMP/sec") values, $n_alerts alerts)"
    else fail "security_${name}_no_raw_pii" "found in outputs: $leaks"; fi
    check "security_${name}_alerts_0640" [ "$(mode "$o/alerts")" = 640 ]
    check "security_${name}_txlog_0640" [ "$(mode "$o/txlog")" = 640 ]
    check "security_${name}_stats_0640" [ "$(mode "$o/stats")" = 640 ]
done

# ---- the hash key file ----
"$BW_BIN" -q -r pcaps/demo.pcap --hash-key-file "$TMP/new.key" --alerts "$TMP/a1" 2>"$TMP/err"; rc=$?
check security_hash_key_created_runs [ "$rc" -eq 0 ]
check security_hash_key_created [ -s "$TMP/new.key" ]
check security_hash_key_created_0600 [ "$(mode "$TMP/new.key")" = 600 ]
cp "$TMP/key" "$TMP/open.key"; chmod 644 "$TMP/open.key"
"$BW_BIN" -q -r pcaps/demo.pcap --hash-key-file "$TMP/open.key" --alerts "$TMP/a2" 2>"$TMP/err"; rc=$?
check security_hash_key_0644_refused [ "$rc" -ne 0 ]
check security_hash_key_0644_says_why grep -q "open.key" "$TMP/err"
check security_hash_key_0644_no_alerts [ ! -s "$TMP/a2" ]
# sensors started together with one new key file: one key, whole, for all
mkdir -p "$TMP/race"
for i in $(seq 16); do
    (while [ ! -e "$TMP/race.go" ]; do sleep 0.01; done   # all at once
     "$BW_BIN" -q -r pcaps/demo.pcap --hash-key-file "$TMP/race/shared.key" --alerts "$TMP/race/a$i" 2>/dev/null
     echo $? >"$TMP/race/rc$i") &
done
sleep 0.5
touch "$TMP/race.go"
wait
check security_hash_key_race_all_ran [ "$(cat "$TMP"/race/rc* | sort -u)" = 0 ]
check security_hash_key_race_one_key [ "$(ls "$TMP/race" | grep -c key)" = 1 -a "$(mode "$TMP/race/shared.key")" = 600 ]
check security_hash_key_race_same_hashes [ "$(md5sum "$TMP"/race/a* | awk '{print $1}' | sort -u | wc -l)" = 1 -a -s "$TMP/race/a1" ]

# ---- the Redis password file ----
printf 'not-the-password-%s\n' "$$" >"$TMP/redis.pw"; chmod 640 "$TMP/redis.pw"
timeout 20 "$BW_BIN" -q -r pcaps/demo.pcap --hash-key-file "$TMP/key" --redis redis://127.0.0.1:1/0 \
    --redis-password-file "$TMP/redis.pw" --spool-dir "$TMP/spool0" 2>"$TMP/err"; rc=$?
check security_redis_pw_0640_refused [ "$rc" -ne 0 ]
check security_redis_pw_0640_refused_at_start [ "$rc" -ne 124 ]
check security_redis_pw_says_why grep -q "redis.pw" "$TMP/err"
check security_redis_pw_not_echoed bash -c "! grep -q 'not-the-password' '$TMP/err'"

# ---- spool files (Redis unreachable: alerts go to the spool) are 0600 ----
chmod 600 "$TMP/redis.pw"
timeout 60 "$BW_BIN" -q -r pcaps/demo.pcap --hash-key-file "$TMP/key" --redis redis://127.0.0.1:1/0 \
    --redis-password-file "$TMP/redis.pw" --redis-timeout-ms 200 --redis-drain-timeout 1 \
    --spool-dir "$TMP/spool" --stats "$TMP/spool.stats" 2>"$TMP/err"; rc=$?
nfiles=$(find "$TMP/spool" -type f 2>/dev/null | wc -l)
badmode=$(find "$TMP/spool" -type f ! -perm 600 2>/dev/null | head -3 | tr '\n' ' ')
check security_spool_runs [ "$rc" -eq 0 ]
check security_spool_files_made [ "$nfiles" -gt 0 ]
check security_spool_files_0600 [ -z "$badmode" ]
check security_spool_no_password bash -c "! grep -rq 'not-the-password' '$TMP/spool' '$TMP/spool.stats' '$TMP/err'"

# ---- hardening of the release binary ----
if [ "${BW_VARIANT:-release}" != release ]; then
    skip security_hardening "sanitizer build: hardening flags are off by design (checked on release)"
elif ! command -v readelf >/dev/null; then
    skip security_hardening "no readelf"
else
    readelf -d "$BW_BIN" >"$TMP/dyn"; readelf -lW "$BW_BIN" >"$TMP/seg"; readelf -hW "$BW_BIN" >"$TMP/hdr"
    readelf --dyn-syms -W "$BW_BIN" >"$TMP/syms"
    check security_pie grep -q 'Type:.*DYN' "$TMP/hdr"
    check security_pie_flag grep -q 'FLAGS_1.*PIE' "$TMP/dyn"
    check security_relro grep -q GNU_RELRO "$TMP/seg"
    check security_bind_now grep -Eq 'BIND_NOW|FLAGS.*NOW' "$TMP/dyn"
    check security_stack_protector grep -q __stack_chk_fail "$TMP/syms"
    check security_fortify grep -Eq '__[a-z]+_chk' "$TMP/syms"
    check security_nx_stack bash -c "grep GNU_STACK '$TMP/seg' | grep -vq RWE"
fi
