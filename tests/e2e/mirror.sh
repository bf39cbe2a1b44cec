# Mirror feeds end to end: pcaps/make_mirror.py derives tunnelled, fragmented
# and duplicated variants of plain captures (demo.pcap and backbone ones);
# each must yield exactly the base's transactions and alerts (tunnel fields
# aside) and the counters its manifest computed (tests/compare/check_mirror.py).
. tests/lib.sh
if ! /usr/bin/python3 -c 'import scapy' 2>/dev/null; then skip mirror "python3-scapy missing"; exit 0; fi
/usr/bin/python3 pcaps/make_backbone.py "$TMP/bb" >/dev/null 2>&1 || { fail mirror_make "make_backbone.py failed"; exit 0; }
# demo.pcap (alerts) in every variant; the others (a 70 kB body, IPv6, VLAN
# and QinQ) in the variants where they differ
/usr/bin/python3 pcaps/make_mirror.py "$TMP/m" pcaps/demo.pcap \
    "$TMP/bb/keepalive.pcap:keepalive:vxlan,erspan3,mpls_pw_cw,vxlan_snap,frag,frag_ooo,frag_overlap,frag_outer,frag_outer_ooo,frag_attack,dup" \
    "$TMP/bb/ipv6.pcap:ipv6:vxlan,gre_ip,ipip,frag_ooo,frag_overlap,dup" \
    "$TMP/bb/vlan.pcap:vlan:vxlan,erspan2,frag,dup" >"$TMP/make.log" 2>&1 ||
    { fail mirror_make "make_mirror.py failed: $(tail -3 "$TMP/make.log" | tr '\n' ';')"; exit 0; }

# one worker: transactions and alerts are compared in the order they were
# written (workers_same.sh holds N workers to 1 worker's set)
bw() {  # input, output prefix, extra options...
    local in=$1 out=$2; shift 2
    "$BW_BIN" -q --workers 1 -r "$in" --transactions "$out.tx" --alerts "$out.alerts" --stats "$out.stats" \
        --hash-key-file "$TMP/key" --sensor-name mirror "$@" 2>"$out.err"
}

python3 - "$TMP/m/manifest.json" >"$TMP/list" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
for k in sorted(m):
    print(k, m[k]["base"], m[k]["base_pcap"], " ".join(m[k]["args"]))
PY
# the runs, two at a time (the machine is shared), then the checks
bw "$TMP/bb/keepalive.pcap" "$TMP/key_init" >/dev/null 2>&1   # creates the hash key once
declare -A based
n=0
while read -r key base bpcap args; do
    if [ -z "${based[$base]:-}" ]; then
        (bw "$bpcap" "$TMP/base_$base"; echo $? >"$TMP/base_$base.rc") &
        based[$base]=1
        n=$((n + 1))
    fi
    # shellcheck disable=SC2086
    (bw "$TMP/m/$key.pcap" "$TMP/var_$key" $args; echo $? >"$TMP/var_$key.rc") &
    n=$((n + 1))
    if [ $((n % 2)) -eq 0 ]; then wait; fi
done <"$TMP/list"
wait
for base in "${!based[@]}"; do
    rc=$(cat "$TMP/base_$base.rc")
    [ "$rc" = 0 ] || fail "mirror_base_$base" "exit $rc: $(head -c 300 "$TMP/base_$base.err")"
done
while read -r key base bpcap args; do
    rc=$(cat "$TMP/var_$key.rc")
    if [ "$rc" != 0 ]; then
        fail "mirror_$key" "exit $rc: $(head -c 300 "$TMP/var_$key.err")"
        continue
    fi
    if out=$(python3 tests/compare/check_mirror.py "$TMP/m/manifest.json" "$key" "$TMP/base_$base" "$TMP/var_$key" 2>&1); then
        pass "mirror_$key"
    else
        fail "mirror_$key" "$(echo "$out" | head -4 | tr '\n' ';')"
    fi
done <"$TMP/list"

# N workers: the fragments of a tunnel carrier go to the worker of the inner
# flow (its first fragment shows it, later ones wait for it): the same
# transactions as one worker, whatever the worker seed, whether each worker
# reads the file (the default) or one capture thread feeds them
for key in demo.frag_outer demo.frag_outer_ooo keepalive.frag_outer keepalive.frag_outer_ooo; do
    for mode in readers capture-thread; do
        opt=(); [ $mode = capture-thread ] && opt=(--capture-thread)
        same=1
        for i in 1 2; do
            bw "$TMP/m/$key.pcap" "$TMP/w3_${mode}_$key" --workers 3 "${opt[@]}"
            cmp -s <(sort "$TMP/var_$key.tx") <(sort "$TMP/w3_${mode}_$key.tx") || same=0
        done
        check "mirror_${key}_workers3_${mode}_same" [ $same = 1 -a -s "$TMP/var_$key.tx" ]
    done
done
for mode in readers capture-thread; do
    check mirror_frag_outer_ooo_held_$mode python3 -c "import json,sys; c=json.load(open('$TMP/w3_${mode}_keepalive.frag_outer_ooo.stats'))['capture']; sys.exit(0 if c['fragments_held']>0 else 1)"
done

# --no-dedup keeps the copies: tagged VLAN 99, they make flows of their own,
# and every transaction is seen twice
bw "$TMP/m/demo.dup.pcap" "$TMP/nodedup" --no-dedup
check mirror_no_dedup python3 -c "import json,sys; s=json.load(open('$TMP/nodedup.stats')); b=json.load(open('$TMP/base_demo.stats')); sys.exit(0 if s['mirror']['duplicates']==0 and s['transactions']==2*b['transactions']>0 else 1)"
# without --vxlan-ports the UDP 8472 variant is plain UDP: no transaction
bw "$TMP/m/demo.vxlan_port.pcap" "$TMP/noport"
check mirror_vxlan_port_needed [ ! -s "$TMP/noport.tx" ]
# option errors: one line, exit 2
"$BW_BIN" -q -r pcaps/demo.pcap --vxlan-ports 4789,99999 >/dev/null 2>"$TMP/err"; rc=$?
check mirror_vxlan_ports_error [ "$rc" -eq 2 -a "$(wc -l <"$TMP/err")" -eq 1 ]
"$BW_BIN" -q -r pcaps/demo.pcap --geneve-port 70000 >/dev/null 2>"$TMP/err"; rc=$?
check mirror_geneve_port_error [ "$rc" -eq 2 -a "$(wc -l <"$TMP/err")" -eq 1 ]
