# Deployment files: make install into a temporary DESTDIR, the systemd unit
# (systemd-analyze verify and the offline security score), the man page
# against --help, the example config (parsed and used for a real replay into
# Redis), the SIEM consumer configs (their tools where installed, else their
# syntax and the alert fields they use), and the container files (the docker
# engine and a Kubernetes API server are not available here: their YAML and
# references are checked, the build is not run, and the SKIP lines say so).
. tests/lib.sh

PY=/usr/bin/python3
D=$TMP/destdir
quiet() { "$@" >/dev/null 2>&1; }

# ---- make install ----
if make -s --no-print-directory install DESTDIR="$D" PREFIX=/usr/local >"$TMP/install.log" 2>&1; then
    pass install_runs
else
    fail install_runs "$(tail -3 "$TMP/install.log")"
fi
for f in usr/local/bin/bleedwatch usr/local/share/man/man8/bleedwatch.8 \
         usr/local/lib/systemd/system/bleedwatch.service etc/bleedwatch/bleedwatch.conf \
         usr/local/share/bleedwatch/consumer/bleedwatch_consumer.py usr/local/share/bleedwatch/siem/vector.toml; do
    check "install_has_$(basename "$f")" [ -f "$D/$f" ]
done
check install_binary_runs quiet "$D/usr/local/bin/bleedwatch" --version
check install_binary_mode [ "$(stat -c %a "$D/usr/local/bin/bleedwatch")" = 755 ]
check install_config_mode [ "$(stat -c %a "$D/etc/bleedwatch/bleedwatch.conf")" = 640 ]
check install_unit_execstart grep -q '^ExecStart=/usr/local/bin/bleedwatch -c /etc/bleedwatch/bleedwatch.conf' \
    "$D/usr/local/lib/systemd/system/bleedwatch.service"
echo "# edited by the admin" >>"$D/etc/bleedwatch/bleedwatch.conf"
make -s --no-print-directory install DESTDIR="$D" PREFIX=/usr/local >/dev/null 2>&1
check install_keeps_edited_config grep -q 'edited by the admin' "$D/etc/bleedwatch/bleedwatch.conf"
make -s --no-print-directory install DESTDIR="$TMP/d2" PREFIX=/usr SYSCONFDIR=/etc >/dev/null 2>&1
check install_prefix_usr grep -q '^ExecStart=/usr/bin/bleedwatch ' "$TMP/d2/usr/lib/systemd/system/bleedwatch.service"

# ---- the systemd unit ----
U=deploy/bleedwatch.service
check unit_user grep -q '^User=bleedwatch$' $U
check unit_caps_ambient grep -qx 'AmbientCapabilities=CAP_NET_RAW CAP_NET_ADMIN' $U
check unit_caps_bounding grep -qx 'CapabilityBoundingSet=CAP_NET_RAW CAP_NET_ADMIN' $U
check unit_protect_system grep -qx 'ProtectSystem=strict' $U
check unit_restart grep -qx 'Restart=on-failure' $U
check unit_config_dir grep -q -- '-c /etc/bleedwatch/bleedwatch.conf' $U
if command -v systemd-analyze >/dev/null; then
    # verify the installed unit with ExecStart pointing at the staged binary
    mkdir -p "$TMP/unit"
    sed "s#^ExecStart=/usr/local/bin/#ExecStart=$D/usr/local/bin/#" "$D/usr/local/lib/systemd/system/bleedwatch.service" \
        >"$TMP/unit/bleedwatch.service"
    if MANPATH="$D/usr/local/share/man" systemd-analyze verify "$TMP/unit/bleedwatch.service" >"$TMP/verify.out" 2>&1 &&
       [ ! -s "$TMP/verify.out" ]; then
        pass unit_systemd_analyze_verify
    else
        fail unit_systemd_analyze_verify "$(head -5 "$TMP/verify.out")"
    fi
    # the consumer's unit, its script path pointing at the staged copy
    sed "s#/usr/local/share/bleedwatch/#$D/usr/local/share/bleedwatch/#" \
        "$D/usr/local/lib/systemd/system/bleedwatch-consumer.service" >"$TMP/unit/bleedwatch-consumer.service"
    if MANPATH="$D/usr/local/share/man" systemd-analyze verify "$TMP/unit/bleedwatch-consumer.service" \
        >"$TMP/verify2.out" 2>&1 && [ ! -s "$TMP/verify2.out" ]; then
        pass consumer_unit_systemd_analyze_verify
    else
        fail consumer_unit_systemd_analyze_verify "$(head -5 "$TMP/verify2.out")"
    fi
    level=$(systemd-analyze security --offline=true "$TMP/unit/bleedwatch.service" 2>/dev/null |
            sed -n 's/.*Overall exposure level for bleedwatch.service: \([0-9.]*\).*/\1/p')
    check unit_security_exposure_low $PY -c "import sys; sys.exit(not ('$level' and float('$level') <= 3.0))"
else
    skip unit_systemd_analyze_verify "systemd-analyze not installed"
fi

# The unit's privileges, emulated with setpriv (no systemd here): a non-root
# user holding only CAP_NET_RAW and CAP_NET_ADMIN (ambient, bounding set)
# captures live; without them the capture is refused.
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null && id nobody >/dev/null 2>&1; then
    C=$(mktemp -d /tmp/bw-caps.XXXXXX); chmod 755 "$C"; chown nobody "$C"
    cp "$BW_BIN" "$C/bleedwatch"; chmod 755 "$C/bleedwatch"
    CP=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    as_unit() {  # CAPS ("+net_raw,+net_admin" or "") then bleedwatch arguments
        local caps=$1; shift
        setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all$caps --ambient-caps=-all$caps \
            --bounding-set=-all$caps "$C/bleedwatch" "$@"
    }
    ( cd "$C" && exec timeout -s TERM 4 setpriv --reuid=nobody --regid=nogroup --clear-groups \
        --inh-caps=-all,+net_raw,+net_admin --ambient-caps=-all,+net_raw,+net_admin \
        --bounding-set=-all,+net_raw,+net_admin "$C/bleedwatch" -i lo --hash-key-file "$C/k" \
        --stats "$C/s.json" -q "tcp port $CP" ) 2>"$C/err" &
    LP=$!
    for _ in $(seq 30); do grep -q 'capturing on lo' "$C/err" 2>/dev/null && break; sleep 0.1; done
    $PY -c 'import socket,sys
try: socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=1)
except OSError: pass' "$CP"
    wait "$LP"
    check unit_caps_live_capture $PY -c 'import json,sys; sys.exit(not json.load(open(sys.argv[1]))["packets"] >= 1)' "$C/s.json"
    as_unit "" -i lo --hash-key-file "$C/k2" -q "tcp port $CP" >/dev/null 2>"$C/err2"
    check unit_no_caps_refused [ $? -eq 2 ]
    rm -rf "$C"
else
    skip unit_caps_live_capture "needs root and setpriv to emulate the unit's user and capabilities"
fi

# ---- the man page covers every option of --help ----
M=man/bleedwatch.8
missing=""
for o in $("$BW_BIN" --help | sed -n 's/^  *\(-[A-Za-z], \)\{0,1\}--\([a-z0-9-]*\).*/\2/p'); do
    grep -qF -- "\\fB\\-\\-$(echo "$o" | sed 's/-/\\-/g')\\fR" $M || missing="$missing $o"
done
n_checked=$("$BW_BIN" --help | grep -c '^  *\(-[A-Za-z], \)\{0,1\}--')
if [ -z "$missing" ] && [ "$n_checked" -gt 40 ]; then pass man_covers_every_option
else fail man_covers_every_option "not in $M:$missing"; fi
missing=""
for o in $("$BW_BIN" --help | sed -n 's/^  *\(-[A-Za-z], \)\{0,1\}--\([a-z0-9-]*\).*/\2/p'); do
    grep -qF -- "\`--$o" README.md || missing="$missing $o"
done
if [ -z "$missing" ]; then pass readme_covers_every_option; else fail readme_covers_every_option "not in README.md:$missing"; fi
check man_option_count [ "$(grep -c '^\.TP' $M)" -ge "$n_checked" ]
check man_renders man -l $M >/dev/null 2>&1
if command -v groff >/dev/null; then
    check man_no_groff_warnings [ -z "$(groff -man -Tutf8 -ww -z $M 2>&1)" ]
fi
check man_installed_same cmp -s $M "$D/usr/local/share/man/man8/bleedwatch.8"

# ---- the example config ----
check config_parses quiet "$BW_BIN" -c deploy/bleedwatch.conf --help
# every key is an option
bad=$(grep -v '^\s*#' deploy/bleedwatch.conf | awk 'NF {print $1}' | while read -r k; do
    "$BW_BIN" --help | grep -q -- "--$k\b" || echo "$k"; done)
if [ -z "$bad" ]; then pass config_keys_are_options; else fail config_keys_are_options "unknown keys: $bad"; fi
# a real replay with it: the live interface replaced by a capture file, Redis on a free port
if command -v redis-server >/dev/null && command -v redis-cli >/dev/null; then
    . tests/redis_lib.sh
    P=$(free_port)
    start_redis main "$P" || fail redis_start "cannot start redis-server on $P"
    sed -e '/^interface /d' -e '/^syslog/d' -e "s#^redis redis://127.0.0.1:6379/0#redis redis://127.0.0.1:$P/0#" \
        -e "s#/var/lib/bleedwatch/#$TMP/state/#" deploy/bleedwatch.conf >"$TMP/dry.conf"
    mkdir -p "$TMP/state"
    "$BW_BIN" -c "$TMP/dry.conf" -q -r pcaps/demo.pcap 2>"$TMP/dry.err"
    check config_dry_run_exit0 [ $? -eq 0 ]
    want=$("$BW_BIN" -q -r pcaps/demo.pcap --hash-key-file "$TMP/k2" --alerts - 2>/dev/null | wc -l)
    check config_dry_run_alerts_in_stream [ "$(redis-cli -p "$P" XLEN bleedwatch:alerts)" -eq "$want" ]
    check config_dry_run_ledger [ "$(redis-cli -p "$P" SCARD bleedwatch:endpoints)" -ge 1 ]
else
    skip config_dry_run "redis-server not installed"
fi

# ---- SIEM consumers ----
"$BW_BIN" -q -r pcaps/demo.pcap --hash-key-file "$TMP/k2" --alerts "$TMP/ecs.jsonl" 2>/dev/null
"$BW_BIN" -q -r pcaps/demo.pcap --hash-key-file "$TMP/k2" --alerts "$TMP/ocsf.jsonl" --schema ocsf 2>/dev/null
# the fields the configs read exist in real alerts
check siem_alert_fields $PY - "$TMP/ecs.jsonl" "$TMP/ocsf.jsonl" <<'PYEOF'
import json, sys
ecs = [json.loads(l) for l in open(sys.argv[1])]; ocsf = [json.loads(l) for l in open(sys.argv[2])]
ok = ecs and all("@timestamp" in a and a["event"]["id"] and isinstance(a["event"]["severity"], int) for a in ecs)
ok = ok and ocsf and all(a["class_uid"] == 2006 and isinstance(a["time"], int) and a["metadata"]["uid"] for a in ocsf)
sys.exit(not ok)
PYEOF
# why a tool cannot run: not in the configured apt sources, or just not installed
why_not() {
    if apt-cache policy "$1" 2>/dev/null | grep -q 'Candidate: [0-9]'; then echo "$1 is packaged but not installed"
    else echo "$1 is not packaged in Debian 12 (apt-cache policy $1: no candidate)"; fi
}
# Vector
check vector_toml_config $PY - deploy/siem/vector.toml <<'PYEOF'
import sys, tomllib
c = tomllib.load(open(sys.argv[1], "rb"))
src = c["sources"]["bleedwatch_redis"]
ok = src["type"] == "redis" and src["key"] == "bleedwatch:alerts" and src["data_type"] == "list" \
     and src["decoding"]["codec"] == "json" and src["list"]["method"] == "lpop"
names = set(c["sources"]) | set(c["transforms"])
for kind in ("transforms", "sinks"):
    for n, comp in c[kind].items():
        ok = ok and all(i.split(".")[0] in names for i in comp["inputs"])
ok = ok and '."@timestamp"' in c["transforms"]["bleedwatch_ecs"]["source"]
sys.exit(not ok)
PYEOF
if command -v vector >/dev/null; then
    check vector_validate quiet vector validate --no-environment deploy/siem/vector.toml
else
    skip vector_validate "$(why_not vector); TOML and references checked"
fi
# Logstash
check logstash_conf_syntax $PY - deploy/siem/logstash.conf <<'PYEOF'
import re, sys
t = re.sub(r'#.*', '', open(sys.argv[1]).read())
t2 = re.sub(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'', '""', t)
depth = 0
for ch in t2:
    depth += {"{": 1, "}": -1}.get(ch, 0)
    if depth < 0: sys.exit(1)
ok = depth == 0 and re.search(r'input\s*\{\s*redis\s*\{', t2) and 'key => "bleedwatch:alerts"' in t \
     and 'data_type => "list"' in t and re.search(r'codec\s*=>\s*json', t)
for sect in ("input", "filter", "output"):
    ok = ok and re.search(r'^%s\s*\{' % sect, t2, re.M)
sys.exit(not ok)
PYEOF
if command -v logstash >/dev/null || [ -x /usr/share/logstash/bin/logstash ]; then
    LS=$(command -v logstash || echo /usr/share/logstash/bin/logstash)
    check logstash_config_test quiet "$LS" --config.test_and_exit -f deploy/siem/logstash.conf
else
    skip logstash_config_test "$(why_not logstash); braces, sections and the redis input checked"
fi
# Fluent Bit
check fluentbit_conf_syntax $PY - deploy/siem/fluent-bit.conf deploy/siem/fluent-bit-parsers.conf <<'PYEOF'
import re, sys
def sections(path):
    out, cur = [], None
    for line in open(path):
        s = line.strip()
        if not s or s.startswith("#"): continue
        m = re.fullmatch(r"\[(SERVICE|INPUT|FILTER|OUTPUT|PARSER)\]", s)
        if m: cur = (m.group(1), {}); out.append(cur); continue
        if cur is None or not re.fullmatch(r"[A-Za-z_.]+\s+\S.*", s): sys.exit("bad line: " + s)
        k, v = s.split(None, 1); cur[1][k.lower()] = v
    return out
conf, parsers = sections(sys.argv[1]), sections(sys.argv[2])
names = {p["name"] for t, p in parsers if t == "PARSER"}
inputs = [p for t, p in conf if t == "INPUT"]
ok = inputs and all(p.get("parser", next(iter(names))) in names for p in inputs)
ok = ok and any(t == "OUTPUT" for t, _ in conf) and any(t == "SERVICE" for t, _ in conf)
ok = ok and all(p.get("time_key") == "@timestamp" for t, p in parsers)
sys.exit(not ok)
PYEOF
if command -v fluent-bit >/dev/null || [ -x /opt/fluent-bit/bin/fluent-bit ]; then
    FB=$(command -v fluent-bit || echo /opt/fluent-bit/bin/fluent-bit)
    check fluentbit_dry_run quiet "$FB" --dry-run -c deploy/siem/fluent-bit.conf
else
    skip fluentbit_dry_run "$(why_not fluent-bit); sections, keys and the parser reference checked"
fi
# the Fluent Bit parser's time format reads the alert's @timestamp
check fluentbit_time_format $PY -c '
import json, sys, datetime
ts = json.loads(open(sys.argv[1]).readline())["@timestamp"]
datetime.datetime.strptime(ts, "%Y-%m-%dT%H:%M:%S.%fZ")' "$TMP/ecs.jsonl"

# ---- containers ----
check compose_yaml $PY - deploy/compose.yaml <<'PYEOF'
import sys, yaml, os
c = yaml.safe_load(open(sys.argv[1]))
s, r = c["services"]["sensor"], c["services"]["redis"]
ok = s["network_mode"] == "host" and s["cap_drop"] == ["ALL"] and sorted(s["cap_add"]) == ["NET_ADMIN", "NET_RAW"]
ok = ok and "--appendonly" in r["command"] and r["command"][r["command"].index("--appendonly") + 1] == "yes"
ok = ok and any(v.endswith(":/data") for v in r["volumes"]) and "redis-data" in c["volumes"]
base = os.path.dirname(sys.argv[1])
ok = ok and os.path.isfile(os.path.join(base, s["build"]["context"], s["build"]["dockerfile"]))
ok = ok and all(os.path.exists(os.path.join(base, v.split(":")[0])) for v in s["volumes"] if v.startswith("./"))
sys.exit(not ok)
PYEOF
check k8s_daemonset_yaml $PY - deploy/k8s/daemonset.yaml <<'PYEOF'
import sys, yaml
docs = {d["kind"]: d for d in yaml.safe_load_all(open(sys.argv[1]))}
ds = docs["DaemonSet"]; spec = ds["spec"]["template"]["spec"]; c = spec["containers"][0]
ok = ds["apiVersion"] == "apps/v1" and spec["hostNetwork"] is True
ok = ok and ds["spec"]["selector"]["matchLabels"].items() <= ds["spec"]["template"]["metadata"]["labels"].items()
ok = ok and c["securityContext"]["capabilities"] == {"drop": ["ALL"], "add": ["NET_RAW", "NET_ADMIN"]}
ok = ok and spec["securityContext"]["runAsNonRoot"] is True and c["securityContext"]["readOnlyRootFilesystem"]
vols = {v["name"] for v in spec["volumes"]}
ok = ok and all(m["name"] in vols for m in c["volumeMounts"])
ok = ok and docs["ConfigMap"]["metadata"]["name"] == next(v["configMap"]["name"] for v in spec["volumes"] if "configMap" in v)
sys.exit(not ok)
PYEOF
# every key of the ConfigMap's config is an option
$PY -c 'import yaml,sys; d=[x for x in yaml.safe_load_all(open("deploy/k8s/daemonset.yaml")) if x["kind"]=="ConfigMap"][0]; sys.stdout.write(d["data"]["bleedwatch.conf"])' >"$TMP/k8s.conf"
check k8s_config_parses quiet "$BW_BIN" -c "$TMP/k8s.conf" --help
check dockerfile_refs $PY - deploy/Dockerfile <<'PYEOF'
import sys, os, re
lines = [l.strip() for l in open(sys.argv[1]) if l.strip() and not l.startswith("#")]
ok = sum(l.startswith("FROM ") for l in lines) == 2 and any(l == "USER bleedwatch" for l in lines)
for l in lines:
    m = re.match(r"COPY (?!--from)(\S+) ", l)
    if m and not os.path.exists(m.group(1)): ok = False
ok = ok and 'ENTRYPOINT ["/usr/bin/bleedwatch"]' in lines and any("PREFIX=/usr" in l for l in lines)
sys.exit(not ok)
PYEOF
# the image's runtime packages (install-deps.sh --runtime-only) exist in
# Debian 12 under these names (the image cannot be built here: no engine)
if command -v apt-cache >/dev/null; then
    # one apt-cache call (each costs ~0.7 s): a package line, then its Candidate
    pkgs=$(sed -n 's/.*--runtime-only" \] \&\& pkgs="\(.*\)"/\1/p' deploy/install-deps.sh)
    # shellcheck disable=SC2086
    have=$(apt-cache policy $pkgs 2>/dev/null | awk '/^[^ ].*:$/ {p = substr($0, 1, length($0) - 1)} /Candidate: [0-9]/ {print p}')
    missing=""
    for p in $pkgs; do grep -qx "$p" <<<"$have" || missing="$missing $p"; done
    if [ -z "$missing" ]; then pass runtime_packages_exist; else fail runtime_packages_exist "no such package:$missing"; fi
fi
if docker info >/dev/null 2>&1; then
    check docker_build quiet docker build -q -f deploy/Dockerfile -t bleedwatch:test .
else
    skip docker_build "no docker engine here (client only): Dockerfile references and compose YAML checked, image not built"
fi
if kubectl version --request-timeout=2s >/dev/null 2>&1; then
    check k8s_server_dry_run quiet kubectl apply --dry-run=server -f deploy/k8s/daemonset.yaml
else
    skip k8s_server_dry_run "no Kubernetes API server here: manifest structure checked with python3-yaml"
fi
exit 0
