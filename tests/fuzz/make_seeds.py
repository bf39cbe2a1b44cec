#!/usr/bin/python3
"""make_seeds.py -- (re)write the fuzz seed corpora under tests/fuzz/corpus/.

Run from the project root with Debian's python (it has scapy):
    /usr/bin/python3 tests/fuzz/make_seeds.py
Seeds come from the project's captures (pcaps/*.pcap), its PII test data
(tests/pii/data, cut to 6 KB) and a few hand-made inputs in each target's
format (see the comment at the top of each tests/fuzz/fuzz_*.c). Small: the
whole corpus stays well under 2 MB.
"""
import gzip, os, struct, subprocess, zlib
from scapy.all import rdpcap, TCP, Raw

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")

def put(target, name, data):
    d = os.path.join(ROOT, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)

# ---- decode: [dlt index][frame]; index 0 = Ethernet ----
flows = {}
for cap in ("demo", "azurite", "s3rver"):
    pk = rdpcap(f"pcaps/{cap}.pcap")
    seen = 0
    for i, p in enumerate(pk):
        raw = bytes(p)
        if i < 12 or (i % 40 == 0 and seen < 20):
            put("decode", f"{cap}_{i}", b"\x00" + raw)
            seen += 1
        if TCP in p and Raw in p:
            t = p[TCP]
            key = tuple(sorted([(p.payload.src, t.sport), (p.payload.dst, t.dport)]))
            flows.setdefault((cap, key), []).append((t.dport in (80, 10000, 4568, 8080, 9000), bytes(p[Raw].load)))
# raw IPv4 (index 2 = DLT_RAW 12), with a VLAN tag pair, IPv6 in SLL
put("decode", "raw_ip", b"\x02" + bytes(rdpcap("pcaps/demo.pcap")[3].payload))
eth = bytes(rdpcap("pcaps/demo.pcap")[3])
put("decode", "vlan_qinq", b"\x00" + eth[:12] + b"\x88\xa8\x00\x64\x81\x00\x00\xc8" + eth[12:])

# ---- http1: [sel][ctl len bytes]... from the captures' TCP payloads ----
def http_records(chunks, sel=0):
    out = bytearray([sel])
    for to_server, data in chunks:
        d = 0 if to_server else 0x80
        for o in range(0, len(data), 255):
            part = data[o:o + 255]
            out += bytes([d, len(part)]) + part
    return bytes(out)

n = 0
for (cap, key), chunks in flows.items():
    if n >= 14: break
    size = sum(len(c) for _, c in chunks)
    if size > 60000: chunks = chunks[:12]
    put("http1", f"{cap}_{n}", http_records(chunks, n))
    n += 1
body = b'{"name":"Jane Roe","email":"jane@example.org"}' * 20
gz = gzip.compress(body, mtime=0)
resp = b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n" + \
       b"%x\r\n" % len(gz) + gz + b"\r\n0\r\n\r\n"
req = b"GET /c/o.json HTTP/1.1\r\nHost: acct.blob.core.windows.net\r\n\r\n"
put("http1", "gzip_chunked", http_records([(True, req), (False, resp)], 0))
put("http1", "gzip_caps", http_records([(True, req), (False, resp)], 0x1f))
pipe = b"".join(b"GET /%d HTTP/1.1\r\nHost: h\r\n\r\n" % i for i in range(6))
put("http1", "pipeline", http_records([(True, pipe), (False, b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok" * 6)], 4))
put("http1", "gap", http_records([(True, req)], 0) + b"\x7f\x10" + http_records([(False, resp)], 0)[1:])

# ---- codec: [layers][seed][encoded] ----
text = open("tests/pii/data/customers_en_US.csv", "rb").read()[:4000]
put("codec", "gzip", b"\x00\x11" + gzip.compress(text, mtime=0))
put("codec", "zlib", b"\x01\x22" + zlib.compress(text))
co = zlib.compressobj(9, zlib.DEFLATED, -15)
put("codec", "raw_deflate", b"\x01\x33" + co.compress(text) + co.flush())
put("codec", "gzip_bomb", b"\x00\x44" + gzip.compress(b"\x00" * (8 << 20), 9, mtime=0))
put("codec", "gzip_gzip", b"\x80\x55" + gzip.compress(gzip.compress(text, mtime=0), mtime=0))
try:
    z = subprocess.run(["zstd", "-q", "-c"], input=text, capture_output=True, check=True).stdout
    put("codec", "zstd", b"\x03\x66" + z)
except (OSError, subprocess.CalledProcessError):
    pass

# ---- storage: METHOD\nURI\nSTATUS\n> req / < resp headers\n\nbody ----
def stx(method, uri, status, req, resp, body):
    h = "".join(f"> {k}: {v}\n" for k, v in req) + "".join(f"< {k}: {v}\n" for k, v in resp)
    return f"{method}\n{uri}\n{status}\n{h}\n".encode() + body

azlist = (b'<?xml version="1.0" encoding="utf-8"?><EnumerationResults ContainerName="c"><Blobs>' +
          b"".join(b"<Blob><Name>f%d.csv</Name></Blob>" % i for i in range(8)) + b"</Blobs><NextMarker /></EnumerationResults>")
put("storage", "azure_list", stx("GET", "/c?restype=container&comp=list", 200,
    [("Host", "acct.blob.core.windows.net")], [("x-ms-request-id", "1"), ("Content-Type", "application/xml")], azlist))
put("storage", "azure_sas", stx("GET", "/c/a.csv?sv=2021&sig=abc%2F&se=2030", 200,
    [("Host", "acct.blob.core.windows.net")], [("x-ms-blob-type", "BlockBlob")], b"a,b\n1,2\n"))
s3list = (b'<?xml version="1.0"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>b</Name>' +
          b"".join(b"<Contents><Key>k%d</Key></Contents>" % i for i in range(8)) + b"<IsTruncated>true</IsTruncated></ListBucketResult>")
put("storage", "s3_list", stx("GET", "/?list-type=2", 200, [("Host", "b.s3.amazonaws.com")],
    [("x-amz-request-id", "X"), ("Server", "AmazonS3")], s3list))
put("storage", "s3_denied", stx("GET", "/b/k", 403, [("Host", "s3.eu-west-1.amazonaws.com"),
    ("Authorization", "AWS4-HMAC-SHA256 Credential=AKIA/x")], [("Server", "AmazonS3")],
    b"<Error><Code>AccessDenied</Code></Error>"))
put("storage", "gcs", stx("GET", "/storage/v1/b/bk/o?alt=json", 200, [("Host", "storage.googleapis.com")],
    [("x-guploader-uploadid", "u"), ("Content-Type", "application/json")], b'{"kind":"storage#objects","items":[{"name":"a"},{"name":"b"}]}'))
put("storage", "elastic", stx("GET", "/idx/_search", 200, [("Host", "10.0.0.1:9200")],
    [("X-elastic-product", "Elasticsearch"), ("Content-Type", "application/json")], b'{"hits":{"total":{"value":2},"hits":[{"_id":"1"},{"_id":"2"}]}}'))
put("storage", "couchdb", stx("GET", "/db/_all_docs", 200, [("Host", "h:5984")],
    [("Server", "CouchDB/3.3.2 (Erlang OTP/24)")], b'{"total_rows":2,"rows":[{"id":"a"},{"id":"b"}]}'))
put("storage", "firebase", stx("GET", "/users.json", 200, [("Host", "x-default-rtdb.firebaseio.com")],
    [("Content-Type", "application/json")], b'{"u1":{"email":"a@b.c"}}'))
put("storage", "solr", stx("GET", "/solr/core/select?q=*:*", 200, [("Host", "h:8983")],
    [("Content-Type", "application/json")], b'{"responseHeader":{"status":0},"response":{"numFound":2,"docs":[{},{}]}}'))

# ---- pii: [doc type][seed][body] ----
types = {".json": 2, ".ndjson": 2, ".csv": 3, ".tsv": 3, ".xml": 4, ".eml": 5, ".vcf": 1, ".txt": 1, ".log": 1}
dd = "tests/pii/data"
for i, fn in enumerate(sorted(os.listdir(dd))):
    ext = os.path.splitext(fn)[1]
    if ext not in types or i % 2: continue
    data = open(os.path.join(dd, fn), "rb").read()[:6000]
    put("pii", fn, bytes([types[ext] | (0x80 if i % 4 == 0 else 0), i]) + data)
    put("pii", fn + ".auto", bytes([0, i + 1]) + data[:3000])
put("pii", "deep_json", b"\x02\x09" + b'{"a":' * 300 + b'"x@y.org"' + b"}" * 300)
put("pii", "deep_arr", b"\x02\x0a" + b'[' * 300 + b'"+44 20 7946 0958"' + b"]" * 300)
put("pii", "deep_xml", b"\x04\x0b" + b"<a>" * 300 + b"jane@example.org" + b"</a>" * 300)

# ---- config ----
put("config", "basic", b"# sensor\nmax-flows 1000\nhttp-max-headers = 16\nquiet\nalerts /tmp/a.json\n")
put("config", "sizes", b"ooo-bytes-total 64m\nhttp-max-decoded 1g\ngeoip a.mmdb\ngeoip b.mmdb\nread x.pcap\n")
put("config", "bad", b"max-flows -1\n")
put("config", "bool", b"syslog yes\nquiet = false\n")
put("config", "caps", b"http-max-chunk 4k\npii-max-depth 63\nmongodb-max-message 2k\nbson-max-depth 1001\n"
                      b"resp-max-depth = 0\nresp-max-line 64\n")

# ---- stream: base(4) then [dir<<7|flags][seq:2][ack:2][len][payload] ----
def seg(d, flags, seq, ack, payload=b""):
    return bytes([(d << 7) | flags]) + struct.pack(">HH", seq & 0xffff, ack & 0xffff) + bytes([len(payload)]) + payload
SYN, ACK, FIN, RST, PSH = 0x02, 0x10, 0x01, 0x04, 0x08
hs = seg(0, SYN, 0, 0) + seg(1, SYN | ACK, 0, 1) + seg(0, ACK, 1, 1)
req = b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"
put("stream", "in_order", b"\x00\x00\x10\x00" + hs + seg(0, ACK | PSH, 1, 1, req) + seg(1, ACK, 1, 1 + len(req), b"HTTP/1.1 200 OK\r\n\r\n") + seg(0, FIN | ACK, 1 + len(req), 20))
ooo = b"".join(seg(0, ACK, 1 + 10 * i, 1, bytes([65 + i]) * 10) for i in (3, 1, 4, 0, 2, 6, 5))
put("stream", "reorder", b"\xff\xff\xff\xf0" + hs + ooo + seg(0, FIN | ACK, 71, 1))
storm = b"".join(seg(0, ACK, 1 + 20 * i + 10, 1, b"z" * 5) for i in range(40))
put("stream", "storm", b"\x00\x00\x00\x01" + hs + storm + seg(1, ACK, 1, 900))
put("stream", "midstream", b"\x12\x34\x56\x78" + seg(1, ACK, 100, 5, b"x" * 50) + seg(1, ACK, 160, 5, b"y" * 30) + seg(0, RST, 5, 0))

# ---- frag: [dlt index][time step][len:2][frame]... (index 0 = Ethernet) ----
from scapy.all import Ether, IP, IPv6, IPv6ExtHdrFragment, UDP, fragment, fragment6  # noqa: E402
def frag_records(frames, step=0):
    return b"".join(bytes([0, step]) + struct.pack(">H", len(f)) + f for f in frames)
base = Ether() / IP(src="10.0.0.1", dst="10.0.0.2", id=77) / TCP(sport=4000, dport=80, flags="PA") / (b"GET /" + b"a" * 3000 + b" HTTP/1.1\r\n\r\n")
fr = [bytes(f) for f in fragment(base, fragsize=800)]
put("frag", "v4_in_order", frag_records(fr))
put("frag", "v4_reversed", frag_records(list(reversed(fr)), 1))
put("frag", "v4_dup_overlap", frag_records([fr[0], fr[1], fr[1], fr[0]] + fr[2:]))
put("frag", "v4_timeout", frag_records(fr[:2], 200))
b6 = Ether() / IPv6(src="fd00::1", dst="fd00::2") / IPv6ExtHdrFragment(id=9) / UDP(sport=53, dport=5353) / (b"x" * 2500)
put("frag", "v6", frag_records([bytes(f) for f in fragment6(b6, 1000)]))
vx = Ether() / IP(src="192.0.2.1", dst="192.0.2.2") / UDP(sport=5555, dport=4789) / (b"\x08\0\0\0\0\0\x01\0" + bytes(base)[:600])
put("decode", "vxlan", b"\x00" + bytes(vx))
put("frag", "vxlan_inner_frags", frag_records([bytes(Ether() / IP(src="192.0.2.1", dst="192.0.2.2") / UDP(sport=5555, dport=4789) / (b"\x08\0\0\0\0\0\x01\0" + f)) for f in fr]))

# ---- bson: [limits][document] ----
def bson_doc(items):
    body = b""
    for k, v in items:
        kb = k.encode() + b"\0"
        if isinstance(v, bool): body += b"\x08" + kb + (b"\x01" if v else b"\x00")
        elif isinstance(v, int): body += b"\x10" + kb + struct.pack("<i", v)
        elif isinstance(v, float): body += b"\x01" + kb + struct.pack("<d", v)
        elif isinstance(v, str): s = v.encode() + b"\0"; body += b"\x02" + kb + struct.pack("<i", len(s)) + s
        elif isinstance(v, list): body += b"\x04" + kb + bson_doc([(str(i), x) for i, x in enumerate(v)])
        elif isinstance(v, dict): body += b"\x03" + kb + bson_doc(list(v.items()))
        elif v is None: body += b"\x0a" + kb
    return struct.pack("<i", len(body) + 5) + body + b"\0"
put("bson", "find_reply", b"\x00" + bson_doc([("cursor", {"firstBatch": [{"name": "Jane Roe", "email": "jane@example.org", "age": 41},
    {"name": "John Doe", "phone": "+44 20 7946 0958", "ok": True}], "id": 0, "ns": "db.users"}), ("ok", 1.0)]))
put("bson", "find_cmd", b"\x01" + bson_doc([("find", "users"), ("filter", {}), ("limit", 10), ("$db", "shop")]))
deepd = {"x": None}
for _ in range(120): deepd = {"d": deepd}
put("bson", "deep", b"\x00" + bson_doc(list(deepd.items())))
put("bson", "many", b"\x02" + bson_doc([("a", list(range(200)))]))
# ---- resp: [mode|piece][RESP] ----
put("resp", "array", b"\x08*3\r\n$3\r\nSET\r\n$5\r\nuser1\r\n$24\r\n{\"email\":\"a@example.org\"}\r\n")
put("resp", "hgetall", b"\x01*4\r\n$5\r\nemail\r\n$13\r\njane@ex.co.uk\r\n$5\r\nphone\r\n$12\r\n+31612345678\r\n")
put("resp", "resp3_map", b"\x10%2\r\n+name\r\n$8\r\nJane Roe\r\n+age\r\n:41\r\n")
put("resp", "stream", b"\x02*1\r\n*2\r\n$15\r\n1700000000000-0\r\n*2\r\n$4\r\nuser\r\n$3\r\nbob\r\n")
put("resp", "named", b"\x03*2\r\n$1\r\na\r\n$-1\r\n")
put("resp", "error", b"\x00-WRONGTYPE Operation against a key\r\n")
put("resp", "inline", b"\x05GET user:1\r\n")
put("resp", "deep", b"\x00" + b"*1\r\n" * 40 + b":1\r\n")
