#!/usr/bin/python3
"""bleedwatch_consumer.py -- read bleedwatch alerts from a Redis stream with a
consumer group, hand each to a SIEM forwarder, and acknowledge it only then.

The sensor writes alerts with `--redis-mode stream` (XADD <prefix>:alerts * alert
<json>). A consumer group remembers, per consumer, every entry read and not yet
acknowledged (the pending entries list). So a forwarder that crashes between
reading an alert and acknowledging it loses nothing: on restart it first reads
its own pending entries again (XREADGROUP ... 0), and it can take over the
pending entries of a consumer that never came back (XAUTOCLAIM, --claim-idle-ms).
Delivery is at least once: an alert handed on just before a crash is handed on
again after it, with the same event.id (metadata.uid in OCSF) to drop duplicates.

Only the Python 3 standard library: RESP over a socket, no redis module.

  bleedwatch_consumer.py --redis redis://127.0.0.1:6379/0 --group siem --consumer fwd-1 \\
      --output /var/log/bleedwatch-consumer/forwarded.jsonl

Each alert is written as one JSON line to --output (default stdout), flushed and
fsync'd, then acknowledged (XACK). Replace deliver() to post to a SIEM instead.

Test hooks: --crash-after-read exits (status 75) right after a read, before
delivering or acknowledging anything; --pause-before-ack S sleeps S seconds
between delivering and acknowledging (for a kill -9 in between); --exit-when-idle
exits 0 once nothing is pending and no new entry arrives within --block-ms.
"""
import argparse
import json
import os
import signal
import socket
import sys
import time
import urllib.parse


class RespError(Exception):
    pass


class Redis:
    """A minimal RESP2 client: enough for streams and consumer groups."""

    def __init__(self, url, timeout=10.0):
        u = urllib.parse.urlparse(url)
        if u.scheme == "unix":
            self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            self.sock.settimeout(timeout)
            self.sock.connect(u.path)
            db = urllib.parse.parse_qs(u.query).get("db", ["0"])[0]
        elif u.scheme == "redis":
            self.sock = socket.create_connection((u.hostname or "127.0.0.1", u.port or 6379), timeout=timeout)
            db = (u.path or "/0").lstrip("/") or "0"
        else:
            raise ValueError("URL must be redis://[user:pass@]host[:port][/db] or unix:///path[?db=N]")
        self.f = self.sock.makefile("rb")
        password = urllib.parse.unquote(u.password) if u.password is not None else os.environ.get("REDISCLI_AUTH")
        if password is not None:
            user = urllib.parse.unquote(u.username) if u.username else None
            self.call("AUTH", user, password) if user else self.call("AUTH", password)
        if db != "0":
            self.call("SELECT", db)

    def call(self, *args):
        parts = [a if isinstance(a, bytes) else str(a).encode() for a in args]
        self.sock.sendall(b"*%d\r\n" % len(parts) + b"".join(b"$%d\r\n%s\r\n" % (len(p), p) for p in parts))
        return self._reply()

    def _reply(self):
        line = self.f.readline()
        if not line:
            raise ConnectionError("connection closed by Redis")
        kind, rest = line[:1], line[1:-2]
        if kind == b"+":
            return rest.decode()
        if kind == b"-":
            raise RespError(rest.decode())
        if kind == b":":
            return int(rest)
        if kind == b"$":
            n = int(rest)
            if n < 0:
                return None
            data = self.f.read(n + 2)
            return data[:-2]
        if kind == b"*":
            n = int(rest)
            return None if n < 0 else [self._reply() for _ in range(n)]
        raise RespError("bad reply from Redis: %r" % line[:40])


def deliver(out, entry_id, fields):
    """Hand one alert on. Here: one JSON line, flushed to disk before the ack."""
    alert = fields.get(b"alert")
    if alert is None:
        return
    try:
        json.loads(alert)
    except ValueError:
        sys.stderr.write("bleedwatch_consumer: entry %s is not JSON; acknowledged and skipped\n" % entry_id)
        return
    out.write(alert.decode("utf-8", "replace") + "\n")
    out.flush()
    if out is not sys.stdout:
        os.fsync(out.fileno())


def entries(reply):
    """XREADGROUP/XAUTOCLAIM entries as (id, {field: value})."""
    for item in reply or []:
        if item is None or item[1] is None:   # deleted by XTRIM/MAXLEN while pending
            yield (item[0].decode() if item else None), None
            continue
        flat = item[1]
        yield item[0].decode(), {flat[i]: flat[i + 1] for i in range(0, len(flat) - 1, 2)}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    ap.add_argument("--stream", default="bleedwatch:alerts", help="stream key (<prefix>:alerts)")
    ap.add_argument("--group", default="siem")
    ap.add_argument("--consumer", default=socket.gethostname())
    ap.add_argument("--output", default="-", help="append alerts as JSON lines here ('-' = stdout)")
    ap.add_argument("--count", type=int, default=100, help="entries per read")
    ap.add_argument("--block-ms", type=int, default=5000)
    ap.add_argument("--claim-idle-ms", type=int, default=-1,
                    help="take over other consumers' entries pending longer than this (XAUTOCLAIM); -1 = never")
    ap.add_argument("--exit-when-idle", action="store_true")
    ap.add_argument("--crash-after-read", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--pause-before-ack", type=float, default=0, help=argparse.SUPPRESS)
    a = ap.parse_args()

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    r = Redis(a.redis, timeout=max(10.0, a.block_ms / 1000 + 5))
    try:
        r.call("XGROUP", "CREATE", a.stream, a.group, "0", "MKSTREAM")
    except RespError as e:
        if "BUSYGROUP" not in str(e):
            raise
    out = sys.stdout if a.output == "-" else open(a.output, "a", encoding="utf-8")
    delivered = 0

    def handle(batch):
        nonlocal delivered
        if a.crash_after_read and batch:
            os._exit(75)          # read, not delivered, not acknowledged
        ids = []
        for eid, fields in batch:
            if eid is None:
                continue
            if fields is not None:
                deliver(out, eid, fields)
                delivered += 1
            ids.append(eid)
        if ids and a.pause_before_ack:
            time.sleep(a.pause_before_ack)
        if ids:
            r.call("XACK", a.stream, a.group, *ids)

    # 1. our own pending entries (read before a crash, never acknowledged)
    start = "0"
    while True:
        rep = r.call("XREADGROUP", "GROUP", a.group, a.consumer, "COUNT", a.count, "STREAMS", a.stream, start)
        batch = list(entries(rep[0][1])) if rep else []
        if not batch:
            break
        handle(batch)
        start = batch[-1][0] or start
    while True:
        # 2. entries other consumers read and left pending too long
        if a.claim_idle_ms >= 0:
            cursor = "0-0"
            while True:
                rep = r.call("XAUTOCLAIM", a.stream, a.group, a.consumer, a.claim_idle_ms, cursor, "COUNT", a.count)
                handle(list(entries(rep[1])))
                cursor = rep[0].decode()
                if cursor == "0-0":
                    break
        # 3. new entries
        rep = r.call("XREADGROUP", "GROUP", a.group, a.consumer, "COUNT", a.count, "BLOCK", a.block_ms,
                     "STREAMS", a.stream, ">")
        batch = list(entries(rep[0][1])) if rep else []
        if batch:
            handle(batch)
        elif a.exit_when_idle:
            break
    sys.stderr.write("bleedwatch_consumer: %d alerts delivered\n" % delivered)
    return 0


if __name__ == "__main__":
    sys.exit(main())
