#!/usr/bin/python3
"""make_hostile.py OUTDIR -- hostile-input captures for tests/e2e/hostile.sh.

One pcap per attack, each aimed at one cap (see the comment of each):
header flood, giant header, endless chunked body, chunk-size overflow, a huge
chunk-size, gzip bomb, deeply nested JSON and XML bodies, pipelining flood,
deep BSON and RESP replies, segment storm, SYN flood, port scan and many tiny
flows. Others are ordinary traffic that a cap set small on the command line
must hit and the default must not: an 8 KiB chunk, PII 10 levels down,
MongoDB and Redis replies of a few KB. The small ones use tcpcraft
(scapy); the flood ones are written as raw pcap records (scapy is too slow
for tens of thousands of packets). Run with /usr/bin/python3.
"""
import gzip, os, struct, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tcpcraft import Conversation, http_request, http_response, write  # noqa: E402
from scapy.all import Ether, IP, TCP, Raw, wrpcap  # noqa: E402

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
AZ = "acct.blob.core.windows.net"

def conv(req, resp, port=40000, close=True):
    return Conversation(client=("10.1.0.10", port), server=("10.2.0.20", 80), close=close).add(req, resp)

def ok_resp(body, ctype="application/json", extra=None):
    h = {"Content-Type": ctype, "x-ms-request-id": "r1", "x-ms-blob-type": "BlockBlob"}
    h.update(extra or {})
    return http_response(body, headers=h)

# header flood: 400 header lines (cap --http-max-headers 32 -> too_many_headers)
req = http_request("GET", "/c/a.json", AZ, headers={f"X-Flood-{i}": "v" for i in range(400)})
write(f"{out}/header_flood.pcap", [conv(req, ok_resp(b"{}"))])

# giant header: one 200 KB header value (cap --http-max-header-bytes 4096 -> head_too_big)
req = http_request("GET", "/c/a.json", AZ, headers={"X-Giant": "g" * 200000})
write(f"{out}/giant_header.pcap", [conv(req, ok_resp(b"{}"))])

# endless chunked body: 3 MB of chunks, never a last chunk, no FIN
# (cap --http-max-decoded 1048576 -> decoded_cap; the flow end truncates the body)
chunks = b"".join(b"400\r\n" + b"x" * 1024 + b"\r\n" for _ in range(3000))
resp = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n" + chunks
write(f"{out}/endless_chunked.pcap", [conv(http_request("GET", "/c/log.txt", AZ), resp, close=False)])

# chunk-size overflow: a chunk size of 2^80 (-> chunk_error)
resp = (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"100000000000000000000\r\n" + b"y" * 100 + b"\r\n0\r\n\r\n")
write(f"{out}/chunk_overflow.pcap", [conv(http_request("GET", "/c/a", AZ), resp)])

# gzip bomb: 64 MB of zeros in ~64 KB (caps --http-max-ratio 100 -> ratio_cap,
# or --http-max-decoded 1048576 with a large ratio -> decoded_cap)
bomb = gzip.compress(b"\0" * (64 << 20), 9)
resp = http_response(bomb, headers={"Content-Type": "application/json", "Content-Encoding": "gzip",
                                    "x-ms-request-id": "r2"})
write(f"{out}/gzip_bomb.pcap", [conv(http_request("GET", "/c/bomb.json", AZ), resp)])

# deeply nested JSON and XML (the PII engine's context depth cap -> pii_depth_capped)
deep = b'{"customers":' + b'[{"a":' * 5000 + b'"jane.roe@example.org"' + b'}]' * 5000 + b'}'
write(f"{out}/deep_json.pcap", [conv(http_request("GET", "/c/deep.json", AZ), ok_resp(deep))])
deepx = b"<?xml version=\"1.0\"?>" + b"<n>" * 5000 + b"jane.roe@example.org" + b"</n>" * 5000
write(f"{out}/deep_xml.pcap", [conv(http_request("GET", "/c/deep.xml", AZ), ok_resp(deepx, "application/xml"))])

# pipelining flood: 300 requests, no response (cap --http-max-pipeline 16 -> pipeline_overflow)
reqs = b"".join(http_request("GET", f"/c/{i}", AZ) for i in range(300))
write(f"{out}/pipeline_flood.pcap", [conv(reqs, b"")])

# one 8 KiB chunk: an ordinary body under the default (cap --http-max-chunk 4096 -> chunk_too_big)
body = b'{"rows":[' + b",".join(b'{"id":%d,"note":"%s"}' % (i, b"n" * 40) for i in range(150)) + b"]}"
body = body[:8192].ljust(8192, b" ")
resp = (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"2000\r\n" + body + b"\r\n0\r\n\r\n")
write(f"{out}/chunk_big.pcap", [conv(http_request("GET", "/c/rows.json", AZ), resp)])

# a chunk-size of 2^48 - 1: well formed, no 64-bit overflow, no server sends it
# (the default --http-max-chunk -> chunk_too_big, not chunk_error)
resp = (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"ffffffffffff\r\n" + b"y" * 100 + b"\r\n0\r\n\r\n")
write(f"{out}/chunk_huge.pcap", [conv(http_request("GET", "/c/a", AZ), resp)])

# PII field context 10 levels down, JSON and XML: within the default depth
# (cap --pii-max-depth 4 -> pii_depth_capped)
inner = b'{"email":"jane.roe@example.org","phone":"+31 6 12345678"}'
nested = b'{"customers":[' + b'{"contact":' * 8 + inner + b"}" * 8 + b"]}"
nestx = (b'<?xml version="1.0"?><customers>' + b"<contact>" * 8 + b"<email>jane.roe@example.org</email>"
         + b"</contact>" * 8 + b"</customers>")
write(f"{out}/nested_pii.pcap", [conv(http_request("GET", "/c/n.json", AZ), ok_resp(nested)),
                                 conv(http_request("GET", "/c/n.xml", AZ), ok_resp(nestx, "application/xml"),
                                      port=40001)])

# ---- MongoDB and Redis, crafted on tcpcraft ----
def bson(d):
    """A BSON document from a dict (or a list, keyed "0", "1", ...)."""
    out = b""
    for k, v in (d.items() if isinstance(d, dict) else enumerate(d)):
        k = str(k).encode() + b"\0"
        if isinstance(v, bool):
            out += b"\x08" + k + (b"\x01" if v else b"\x00")
        elif isinstance(v, int):
            out += b"\x10" + k + struct.pack("<i", v)
        elif isinstance(v, float):
            out += b"\x01" + k + struct.pack("<d", v)
        elif isinstance(v, str):
            b = v.encode() + b"\0"
            out += b"\x02" + k + struct.pack("<i", len(b)) + b
        else:
            out += (b"\x03" if isinstance(v, dict) else b"\x04") + k + bson(v)
    return struct.pack("<i", len(out) + 5) + out + b"\0"

def op_msg(req_id, resp_to, doc):
    body = struct.pack("<I", 0) + b"\0" + bson(doc)
    return struct.pack("<iiii", 16 + len(body), req_id, resp_to, 2013) + body

def mongo(exchanges, port):
    c = Conversation(client=("10.1.0.10", port), server=("10.2.0.30", 27017))
    for req, resp in exchanges:
        c.add(req, resp)
    return c

customers = [{"name": f"Customer {i}", "email": f"customer{i}@example.org", "phone": "+44 20 7946 0%03d" % i,
              "address": {"street": f"{i} High Street", "city": "London"}} for i in range(20)]
find = {"find": "customers", "filter": {}, "$db": "shop"}
# two finds answered with 20 and 10 customers: messages of 3 KB and 1.5 KB,
# 5 levels, 145 and 75 elements, 3 KB and 1.5 KB of JSON; within every
# default (caps --mongodb-max-message 1024 -> too_big, --mongodb-max-json
# 1024 -> json_capped, --bson-max-depth 3 -> depth_capped,
# --bson-max-elements 50 -> elems_capped; each on both replies)
def cursor(docs):
    return {"cursor": {"firstBatch": docs, "id": 0, "ns": "shop.customers"}, "ok": 1.0}
write(f"{out}/mongo_caps.pcap", [mongo([(op_msg(1, 0, find), op_msg(101, 1, cursor(customers)))], 41000),
                                 mongo([(op_msg(3, 0, find), op_msg(103, 3, cursor(customers[:10])))], 41002)])

# BSON nested 150 deep (the default --bson-max-depth 100 -> depth_capped)
deep = {"email": "jane.roe@example.org"}
for _ in range(150):
    deep = {"a": deep}
write(f"{out}/mongo_deep.pcap", [mongo([(op_msg(2, 0, find), op_msg(102, 2, cursor([deep])))], 41001)])

def bulk(b):
    b = b if isinstance(b, bytes) else str(b).encode()
    return b"$%d\r\n%s\r\n" % (len(b), b)

def arr(items):
    return b"*%d\r\n" % len(items) + b"".join(items)

def cmd(*args):
    return arr([bulk(a) for a in args])

def redis(exchanges, port):
    c = Conversation(client=("10.1.0.10", port), server=("10.2.0.40", 6379))
    for req, resp in exchanges:
        c.add(req, resp)
    return c

fields = []
for k, v in customers[0].items():
    if isinstance(v, dict):
        for k2, v2 in v.items():
            fields += [bulk(k2), bulk(v2)]
    else:
        fields += [bulk(k), bulk(v)]
for i in range(15):
    fields += [bulk(f"note{i}"), bulk("regular customer since 20%02d" % i)]
stream = arr([arr([bulk(f"1700000000000-{i}"), arr([bulk("email"), bulk(f"customer{i}@example.org"),
                                                      bulk("amount"), bulk(str(10 * i))])]) for i in range(3)])
# Redis replies within every default: HGETALL of 20 fields (41 values, 1 KB
# of JSON), XRANGE (3 levels), a 3000-byte bulk that arrives in three
# segments, an error line of 65 bytes (caps --resp-max-elements 20, --resp-max-json
# 256, --resp-max-depth 2, --resp-max-message 1024, --resp-max-line 64 -> the
# counters elems_capped, json_capped, depth_capped, too_big, line_capped)
wrongtype = b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"
write(f"{out}/redis_caps.pcap", [
    redis([(cmd("HGETALL", "customer:1"), arr(fields))], 42000),
    redis([(cmd("XRANGE", "orders", "-", "+"), stream)], 42001),
    redis([(cmd("GET", "customer:1:bio"), bulk("b" * 3000)), (cmd("GET", "k"), bulk("v"))], 42002),
    redis([(cmd("GET", "customer:1"), wrongtype)], 42003),
])

# a Redis reply nested 40 deep (the default --resp-max-depth 32 -> depth_capped)
write(f"{out}/redis_deep.pcap", [redis([(cmd("EVAL", "return x", "0"), b"*1\r\n" * 40 + b":1\r\n")], 42004)])

# ---- raw pcap writer for the floods ----
def pcap_open(path):
    f = open(path, "wb")
    f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
    return f

def csum(b):
    if len(b) % 2: b += b"\0"
    s = sum(struct.unpack(f"!{len(b)//2}H", b))
    while s >> 16: s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff

def frame(src, dst, sport, dport, seq, ack, flags, payload=b""):
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq & 0xffffffff, ack & 0xffffffff, 0x50, flags, 65535, 0, 0) + payload
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 1, 0, 64, 6, 0, src, dst)
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    return b"\x02\0\0\0\0\x02\x02\0\0\0\0\x01\x08\x00" + ip + tcp

def rec(f, t, fr):
    f.write(struct.pack("<IIII", int(t), int((t % 1) * 1e6), len(fr), len(fr)) + fr)

SYN, ACK, PSH = 0x02, 0x10, 0x08
def ip4(n): return struct.pack("!I", n)

# segment storm: one flow, then 4000 tiny out-of-order segments (every other
# 8-byte slot missing) (caps --ooo-segs-per-flow 64 --ooo-bytes-per-flow 4096 -> cap_flow_hits)
with pcap_open(f"{out}/segment_storm.pcap") as f:
    c, s, t = ip4(0x0a01000a), ip4(0x0a020014), 1700000000.0
    rec(f, t, frame(c, s, 40000, 80, 1000, 0, SYN))
    rec(f, t, frame(s, c, 80, 40000, 5000, 1001, SYN | ACK))
    rec(f, t, frame(c, s, 40000, 80, 1001, 5001, ACK))
    rec(f, t, frame(c, s, 40000, 80, 1001, 5001, ACK | PSH, b"GET / HTTP/1.1\r\n"))
    for i in range(4000):
        t += 0.00001
        rec(f, t, frame(c, s, 40000, 80, 1001 + 16 + 16 * i + 8, 5001, ACK | PSH, b"z" * 8))

# SYN flood: 20000 SYNs from distinct sources to one server port
with pcap_open(f"{out}/syn_flood.pcap") as f:
    t = 1700000000.0
    for i in range(20000):
        t += 0.00001
        rec(f, t, frame(ip4(0x0b000000 + i), ip4(0x0a020014), 1024 + i % 60000, 80, i * 7919, 0, SYN))

# port scan: one source, SYN to 20000 ports
with pcap_open(f"{out}/port_scan.pcap") as f:
    t = 1700000000.0
    for i in range(20000):
        t += 0.00001
        rec(f, t, frame(ip4(0x0b0000fe), ip4(0x0a020014), 55555, 1 + i, 12345, 0, SYN))

# tiny flows: 20000 flows of SYN + one data segment each
with pcap_open(f"{out}/tiny_flows.pcap") as f:
    t = 1700000000.0
    for i in range(20000):
        t += 0.00001
        src = ip4(0x0c000000 + i)
        rec(f, t, frame(src, ip4(0x0a020014), 30000 + i % 30000, 80, 100, 0, SYN))
        rec(f, t, frame(src, ip4(0x0a020014), 30000 + i % 30000, 80, 101, 0, ACK | PSH, b"GET /x HTTP/1.1\r\n\r\n"))
