"""tcpcraft: write TCP conversations (handshake, segmented data, ACKs, FIN) as pcap.

Used by the project's scripts to make test captures whose truth is known:
each Conversation holds (request, response) byte pairs; packets() yields
scapy packets with deterministic timestamps. Impairments for tests:
drop/duplicate/reorder segments by index, snaplen, VLAN tags, IPv6.

Run with Debian's python (/usr/bin/python3), which has python3-scapy.
"""
import random
from scapy.all import Ether, Dot1Q, IP, IPv6, TCP, Raw, wrpcap, PcapWriter  # noqa: F401

class Conversation:
    def __init__(self, client=("10.1.0.10", 40000), server=("10.2.0.20", 80),
                 t0=1700000000.0, mss=1400, vlan=None, isn=(1000, 5000),
                 handshake=True, close=True):
        self.client, self.server = client, server
        self.t = t0
        self.mss = mss
        self.vlan = vlan
        self.cseq, self.sseq = isn
        self.handshake, self.close = handshake, close
        self.exchanges = []
        self.v6 = ":" in client[0]

    def add(self, request: bytes, response: bytes):
        self.exchanges.append((request, response))
        return self

    def _pkt(self, src, dst, sport, dport, flags, seq, ack, payload=b""):
        ipl = (IPv6(src=src, dst=dst) if self.v6 else IP(src=src, dst=dst, id=random.randint(0, 65535)))
        p = ipl / TCP(sport=sport, dport=dport, flags=flags, seq=seq & 0xffffffff,
                      ack=ack & 0xffffffff, window=65535)
        if payload:
            p = p / Raw(load=payload)
        eth = Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02")
        if self.vlan is not None:
            for v in (self.vlan if isinstance(self.vlan, (list, tuple)) else [self.vlan]):
                eth = eth / Dot1Q(vlan=v)
        p = eth / p
        self.t += 0.0001
        p.time = self.t
        return p

    def _c2s(self, flags, payload=b""):
        (ca, cp), (sa, sp) = self.client, self.server
        p = self._pkt(ca, sa, cp, sp, flags, self.cseq, self.sseq, payload)
        self.cseq += len(payload) + (1 if "S" in flags or "F" in flags else 0)
        return p

    def _s2c(self, flags, payload=b""):
        (ca, cp), (sa, sp) = self.client, self.server
        p = self._pkt(sa, ca, sp, cp, flags, self.sseq, self.cseq, payload)
        self.sseq += len(payload) + (1 if "S" in flags or "F" in flags else 0)
        return p

    def packets(self):
        """List of (direction, packet, is_data) in wire order."""
        out = []
        if self.handshake:
            out.append(("c", self._c2s("S"), False))
            out.append(("s", self._s2c("SA"), False))
            out.append(("c", self._c2s("A"), False))
        for req, resp in self.exchanges:
            for i in range(0, len(req), self.mss):
                out.append(("c", self._c2s("PA", req[i:i + self.mss]), True))
            if req:
                out.append(("s", self._s2c("A"), False))
            for i in range(0, len(resp), self.mss):
                out.append(("s", self._s2c("PA", resp[i:i + self.mss]), True))
            if resp:
                out.append(("c", self._c2s("A"), False))
        if self.close:
            out.append(("c", self._c2s("FA"), False))
            out.append(("s", self._s2c("FA"), False))
            out.append(("c", self._c2s("A"), False))
        return out


def http_response(body: bytes, status="200 OK", headers=None, chunked=False):
    h = [f"HTTP/1.1 {status}"]
    for k, v in (headers or {}).items():
        h.append(f"{k}: {v}")
    if chunked:
        h.append("Transfer-Encoding: chunked")
        parts = [body[i:i + 1000] for i in range(0, len(body), 1000)]
        payload = b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in parts) + b"0\r\n\r\n"
    else:
        h.append(f"Content-Length: {len(body)}")
        payload = body
    return ("\r\n".join(h) + "\r\n\r\n").encode() + payload


def http_request(method, path, host, headers=None, body=b""):
    h = [f"{method} {path} HTTP/1.1", f"Host: {host}"]
    for k, v in (headers or {}).items():
        h.append(f"{k}: {v}")
    if body:
        h.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(h) + "\r\n\r\n").encode() + body


def write(path, convs, interleave=False, linktype=None):
    """Write conversations one after the other (or interleaved round-robin), sorted by time."""
    pkts = []
    for c in convs:
        pkts.extend(p for _, p, _ in c.packets())
    pkts.sort(key=lambda p: float(p.time))
    wrpcap(path, pkts, linktype=linktype)
    return pkts
