#!/usr/bin/python3
"""Captures for the backbone's end-to-end tests, each with its truth.

  make_backbone.py OUTDIR

writes OUTDIR/<case>.pcap and OUTDIR/<case>.truth.json: the list of
transactions bleedwatch must log for the capture, in order, as
{method, path, status, resp_body (decoded bytes), flags_expected (list)}.
Cases: plain keep-alive, pipelined, chunked+gzip, VLAN/QinQ, IPv6,
reordered and duplicated segments, a lost segment inside a body (gap),
mid-stream pickup (no handshake, first request missing), snaplen cut,
HTTP on an odd port, SLL2 and raw-IP link types, many flows.
"""
import gzip
import json
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tcpcraft as tc  # noqa: E402
from scapy.all import wrpcap, Ether, IP, IPv6, CookedLinuxV2, raw  # noqa: E402

random.seed(7)
OUT = sys.argv[1] if len(sys.argv) > 1 else "/tmp/bb"
os.makedirs(OUT, exist_ok=True)


def body(n, seed):
    r = random.Random(seed)
    words = ["alpha", "beta", "gamma", "delta", "storage", "blob", "record", "value"]
    out = []
    while sum(len(w) + 1 for w in out) < n:
        out.append(r.choice(words))
    return (" ".join(out))[:n].encode()


def txn(method, path, status, resp_body, flags=()):
    return {"method": method, "path": path, "status": status, "resp_body": len(resp_body) if resp_body is not None else None,
            "flags": list(flags)}


def save(name, pkts, truth, linktype=None):
    wrpcap(os.path.join(OUT, name + ".pcap"), pkts, linktype=linktype)
    with open(os.path.join(OUT, name + ".truth.json"), "w") as f:
        json.dump(truth, f, indent=1)


def conv_packets(c):
    return [p for _, p, _ in c.packets()]


# 1. keep-alive: 3 transactions, bodies of several sizes
c = tc.Conversation()
truth = []
for i, n in enumerate([0, 5000, 70000]):
    b = body(n, i)
    c.add(tc.http_request("GET", f"/obj/{i}", "store.example"), tc.http_response(b))
    truth.append(txn("GET", f"/obj/{i}", 200, b))
save("keepalive", conv_packets(c), truth)

# 2. pipelined: all requests first, then all responses in one stream
c = tc.Conversation()
reqs = b"".join(tc.http_request("GET", f"/p/{i}", "store.example") for i in range(4))
resps = b"".join(tc.http_response(body(1000 * (i + 1), 10 + i)) for i in range(4))
c.add(reqs, resps)
save("pipelined", conv_packets(c), [txn("GET", f"/p/{i}", 200, body(1000 * (i + 1), 10 + i)) for i in range(4)])

# 3. chunked + gzip, and a 304 and a HEAD on the same connection
c = tc.Conversation()
raw_body = body(30000, 3)
gz = gzip.compress(raw_body, mtime=0)
c.add(tc.http_request("GET", "/gz", "store.example", {"Accept-Encoding": "gzip"}),
      tc.http_response(gz, headers={"Content-Encoding": "gzip", "Content-Type": "text/plain"}, chunked=True))
c.add(tc.http_request("GET", "/nm", "store.example"), b"HTTP/1.1 304 Not Modified\r\nETag: x\r\n\r\n")
c.add(tc.http_request("HEAD", "/h", "store.example"), b"HTTP/1.1 200 OK\r\nContent-Length: 12345\r\n\r\n")
save("chunked_gzip", conv_packets(c), [txn("GET", "/gz", 200, raw_body), txn("GET", "/nm", 304, b""),
                                       txn("HEAD", "/h", 200, b"")])

# 4. VLAN and QinQ
pk = []
t = []
for k, v in enumerate([100, [200, 300]]):
    c = tc.Conversation(client=("10.1.0.%d" % (k + 1), 40000 + k), vlan=v, t0=1700000000 + k)
    b = body(2000, 40 + k)
    c.add(tc.http_request("GET", f"/v/{k}", "store.example"), tc.http_response(b))
    pk += conv_packets(c)
    t.append(txn("GET", f"/v/{k}", 200, b))
save("vlan", sorted(pk, key=lambda p: float(p.time)), t)

# 5. IPv6
c = tc.Conversation(client=("2001:db8::10", 40000), server=("2001:db8::20", 80))
b = body(9000, 5)
c.add(tc.http_request("GET", "/six", "[2001:db8::20]"), tc.http_response(b))
save("ipv6", conv_packets(c), [txn("GET", "/six", 200, b)])

# 6. reordered + duplicated server segments
c = tc.Conversation(mss=500)
b = body(6000, 6)
c.add(tc.http_request("GET", "/ooo", "store.example"), tc.http_response(b))
seq = c.packets()
pk = [p for _, p, _ in seq]
data_idx = [i for i, (d, p, isdata) in enumerate(seq) if d == "s" and isdata]
a, b2 = data_idx[2], data_idx[5]
pk[a], pk[b2] = pk[b2], pk[a]               # swap two segments
pk.insert(data_idx[7], pk[data_idx[3]].copy())  # duplicate one
save("reorder_dup", pk, [txn("GET", "/ooo", 200, b)])

# 7. a lost segment inside a Content-Length body: gap, then the next transaction still parses
c = tc.Conversation(mss=1000)
b1, b3 = body(8000, 71), body(3000, 72)
c.add(tc.http_request("GET", "/lossy", "store.example"), tc.http_response(b1))
c.add(tc.http_request("GET", "/after", "store.example"), tc.http_response(b3))
seq = c.packets()
first_resp_data = [i for i, (d, p, isdata) in enumerate(seq) if d == "s" and isdata]
drop = first_resp_data[3]
pk = [p for i, (_, p, _) in enumerate(seq) if i != drop]
save("gap", pk, [txn("GET", "/lossy", 200, b"x" * (8000 - 1000), ["body_gap"]), txn("GET", "/after", 200, b3)])

# 8. mid-stream pickup: no handshake, capture starts in the middle of the first response
c = tc.Conversation(handshake=True, mss=1000)
bA, bB = body(5000, 81), body(4000, 82)
c.add(tc.http_request("GET", "/first", "store.example"), tc.http_response(bA))
c.add(tc.http_request("GET", "/second", "store.example"), tc.http_response(bB))
seq = c.packets()
# drop the handshake, the first request and the first two response segments
start = [i for i, (d, p, isdata) in enumerate(seq) if d == "s" and isdata][2]
pk = [p for i, (_, p, _) in enumerate(seq) if i >= start]
save("midstream", pk, [txn("GET", "/second", 200, bB)])

# 9. snaplen: every frame cut at 200 bytes
c = tc.Conversation(mss=1400)
b = body(4000, 9)
c.add(tc.http_request("GET", "/snap", "store.example"), tc.http_response(b))
from scapy.utils import PcapWriter  # noqa: E402
w = PcapWriter(os.path.join(OUT, "snaplen.pcap"), snaplen=200, linktype=1, sync=True)
for p in conv_packets(c):
    w.write(p)
w.close()
with open(os.path.join(OUT, "snaplen.truth.json"), "w") as f:
    json.dump([txn("GET", "/snap", 200, None, ["body_snaplen"])], f)

# 10. HTTP on an unusual port
c = tc.Conversation(server=("10.2.0.20", 31337))
b = body(3000, 10)
c.add(tc.http_request("GET", "/odd", "store.example:31337"), tc.http_response(b))
save("oddport", conv_packets(c), [txn("GET", "/odd", 200, b)])

# 11. Linux SLL2 ("any" captures) and raw IP link types
c = tc.Conversation()
b = body(2500, 11)
c.add(tc.http_request("GET", "/sll2", "store.example"), tc.http_response(b))
pk = []
for p in conv_packets(c):
    q = CookedLinuxV2(proto=0x0800) / p[IP]
    q.time = p.time
    pk.append(q)
save("sll2", pk, [txn("GET", "/sll2", 200, b)], linktype=276)
c = tc.Conversation()
c.add(tc.http_request("GET", "/raw", "store.example"), tc.http_response(b))
pk = []
for p in conv_packets(c):
    q = p[IP]
    q.time = p.time
    pk.append(q)
save("rawip", pk, [txn("GET", "/raw", 200, b)], linktype=101)

# 12. many short flows interleaved
pk = []
t = []
for k in range(50):
    c = tc.Conversation(client=("10.9.%d.%d" % (k // 200, k % 200 + 1), 20000 + k), t0=1700000000 + k * 0.001)
    b = body(100 + k * 10, 100 + k)
    c.add(tc.http_request("GET", f"/m/{k}", "store.example"), tc.http_response(b))
    pk += conv_packets(c)
    t.append(txn("GET", f"/m/{k}", 200, b))
pk.sort(key=lambda p: float(p.time))
save("manyflows", pk, t)
print("wrote", OUT)
