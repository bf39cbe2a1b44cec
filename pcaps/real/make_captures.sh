#!/bin/bash
# Regenerate pcaps/azurite.pcap and pcaps/s3rver.pcap (+ .expected.json and
# .secrets.txt beside each) from real servers and clients:
#   Azurite 3.35 (blob) + @azure/storage-blob + curl
#   s3rver 3.7 + @aws-sdk/client-s3 / s3-request-presigner + curl
# Run by hand as root (tcpdump on lo):  pcaps/real/make_captures.sh [--no-install]
# Re-check the committed files only (no servers, no root):  pcaps/real/make_captures.sh --check
# Env: OUTDIR (default: pcaps/ of this checkout), KEEP_WORK=1 (keep the tmp dir), AZURITE_PORT (10000), S3RVER_PORT (4569);
# a preferred port that is busy is replaced by a free one (the expected files carry it).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
OUTDIR=${OUTDIR:-$(cd "$HERE/.." && pwd)}
INSTALL=1
CHECK=0
case "${1:-}" in
    --no-install) INSTALL=0 ;;
    --check) CHECK=1 ;;
    "") ;;
    *) echo "usage: $0 [--no-install | --check]" >&2; exit 2 ;;
esac

die() { echo "make_captures: $*" >&2; exit 1; }

# --check: re-verify the committed captures against their expected and
# secrets files (tshark + node only, no servers, no npm packages, no root).
if [ "$CHECK" = 1 ]; then
    for c in node tshark; do command -v "$c" >/dev/null || die "$c not found"; done
    tmp=$(mktemp)
    trap 'rm -f "$tmp"' EXIT
    for name in azurite s3rver; do
        port=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1]))[0].server_port)' \
            "$OUTDIR/$name.expected.json")
        node "$HERE/verify.js" "$OUTDIR/$name.pcap" "$port" "$OUTDIR/$name.expected.json" - "$tmp" \
            || die "$name.pcap does not match $name.expected.json"
        cmp -s "$tmp" "$OUTDIR/$name.secrets.txt" || die "$name.secrets.txt differs from what $name.pcap holds"
    done
    echo "== committed captures check out"
    exit 0
fi

[ "$(id -u)" = 0 ] || die "must run as root (tcpdump on lo)"
for c in node npm tcpdump tshark curl; do command -v "$c" >/dev/null || die "$c not found"; done
node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)' || die "Node.js >= 20 needed"

cd "$HERE"
if [ "$INSTALL" = 1 ] || [ ! -d node_modules ]; then
    echo "== npm ci"
    npm ci --no-audit --no-fund --loglevel=error
fi

WORK=$(mktemp -d)
export REALCAP_TMP=$WORK
PIDS=()
cleanup() {
    local p
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
    if [ -n "${KEEP_WORK:-}" ]; then echo "work dir kept: $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port_busy() { ss -Hltn "sport = :$1" | grep -q .; }
pick_port() {
    local p=$1
    if port_busy "$p"; then
        p=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close();});')
    fi
    echo "$p"
}

wait_http() { # port name
    local i
    for i in $(seq 1 60); do
        if [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$1/" || true)" != 000 ]; then return 0; fi
        sleep 0.5
    done
    die "$2 did not come up on port $1"
}

TCPDUMP_PID=
start_capture() { # file port
    : > "$WORK/tcpdump.err"
    tcpdump -i lo -w "$1" -s 0 -U --immediate-mode -n "tcp port $2" 2> "$WORK/tcpdump.err" &
    TCPDUMP_PID=$!
    PIDS+=("$TCPDUMP_PID")
    local i
    for i in $(seq 1 50); do
        grep -q "listening on" "$WORK/tcpdump.err" && return 0
        kill -0 "$TCPDUMP_PID" 2>/dev/null || { cat "$WORK/tcpdump.err" >&2; die "tcpdump failed"; }
        sleep 0.1
    done
    die "tcpdump not ready"
}
stop_capture() {
    sleep 1  # let the last FIN/ACKs through
    kill -INT "$TCPDUMP_PID"
    wait "$TCPDUMP_PID" || true
}
stop_server() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

publish() { # name port
    local name=$1
    node verify.js "$WORK/$name.pcap" "$2" "$WORK/$name.expected.json" "$WORK/$name.meta.json" \
        "$WORK/$name.secrets.txt" || die "$name.pcap does not match its expected list"
    local size
    size=$(stat -c %s "$WORK/$name.pcap")
    [ "$size" -lt 307200 ] || die "$name.pcap is $size bytes (cap 300 KB)"
    cp "$WORK/$name.pcap" "$WORK/$name.expected.json" "$WORK/$name.secrets.txt" "$OUTDIR/"
    echo "  wrote $OUTDIR/$name.pcap ($size bytes), $name.expected.json, $name.secrets.txt"
}

# ---------------------------------------------------------------- Azurite
AZ_PORT=$(pick_port "${AZURITE_PORT:-10000}")
echo "== azurite on 127.0.0.1:$AZ_PORT"
mkdir -p "$WORK/azurite"
node_modules/.bin/azurite-blob --blobHost 127.0.0.1 --blobPort "$AZ_PORT" --location "$WORK/azurite" \
    --disableTelemetry --skipApiVersionCheck --loose > "$WORK/azurite.log" 2>&1 &
AZ_PID=$!
PIDS+=("$AZ_PID")
wait_http "$AZ_PORT" azurite
node azure.js setup "$AZ_PORT"
start_capture "$WORK/azurite.pcap" "$AZ_PORT"
node azure.js run "$AZ_PORT" "$WORK/azurite.expected.json" "$WORK/azurite.meta.json" || die "azure scenarios failed"
stop_capture
stop_server "$AZ_PID"
publish azurite "$AZ_PORT"

# ---------------------------------------------------------------- s3rver
S3_PORT=$(pick_port "${S3RVER_PORT:-4569}")
echo "== s3rver on 127.0.0.1:$S3_PORT"
mkdir -p "$WORK/s3rver"
node_modules/.bin/s3rver -d "$WORK/s3rver" -a 127.0.0.1 -p "$S3_PORT" --silent > "$WORK/s3rver.log" 2>&1 &
S3_PID=$!
PIDS+=("$S3_PID")
wait_http "$S3_PORT" s3rver
node s3.js setup "$S3_PORT"
start_capture "$WORK/s3rver.pcap" "$S3_PORT"
node s3.js run "$S3_PORT" "$WORK/s3rver.expected.json" "$WORK/s3rver.meta.json" || die "s3 scenarios failed"
stop_capture
stop_server "$S3_PID"
publish s3rver "$S3_PORT"

echo "== done"
