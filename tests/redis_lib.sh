# tests/redis_lib.sh -- sourced by end-to-end scripts that need a real
# redis-server (after tests/lib.sh, which sets $TMP). Every server started
# here runs daemonized in $TMP/<name>, on 127.0.0.1, without persistence
# unless asked, and is killed at exit with anything else put in PIDS; $TMP is
# removed then, unless BW_KEEP_TMP is set (for a look after a failure).

PIDS=()
RCLI_AUTH=()     # extra redis-cli arguments (e.g. -a PASSWORD) for start_redis's PING
redis_cleanup() {
    for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null; done
    if [ -n "${BW_KEEP_TMP:-}" ]; then echo "kept $TMP" >&2; else rm -rf "$TMP"; fi
}
trap redis_cleanup EXIT

# free_port: a TCP port on 127.0.0.1 nobody listens on right now.
free_port() {
    /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# start_redis NAME PORT [redis-server args...]: daemon in $TMP/NAME, waits for PING.
start_redis() {
    local name=$1 port=$2; shift 2
    mkdir -p "$TMP/$name"
    redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$TMP/$name" \
        --daemonize yes --pidfile "$TMP/$name/redis.pid" --logfile "$TMP/$name/redis.log" "$@" || return 1
    for _ in $(seq 50); do
        if [ -s "$TMP/$name/redis.pid" ] && redis-cli -p "$port" "${RCLI_AUTH[@]}" PING 2>/dev/null | grep -q PONG; then
            PIDS+=("$(cat "$TMP/$name/redis.pid")")
            return 0
        fi
        sleep 0.1
    done
    return 1
}

# stop_redis NAME [signal]: signal (default KILL) the server and wait for it to go.
stop_redis() {
    local pid; pid=$(cat "$TMP/$1/redis.pid" 2>/dev/null) || return 0
    kill "-${2:-9}" "$pid" 2>/dev/null
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    rm -f "$TMP/$1/redis.pid"
}
