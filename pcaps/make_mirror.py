#!/usr/bin/python3
"""Mirror-feed variants of plain captures, each with what it must yield.

  make_mirror.py OUTDIR BASE.pcap[:NAME[:VARIANT,...]] ...

For each base capture (Ethernet, e.g. pcaps/demo.pcap or the captures of
make_backbone.py) writes OUTDIR/NAME.VARIANT.pcap for every variant (all of
them when none are listed) and OUTDIR/manifest.json:

  {"NAME.VARIANT": {"base": NAME, "args": [extra bleedwatch options],
                    "stats": {"dotted.path.in.stats.json": exact value, ...}}}

A variant must yield exactly the base's transactions and alerts once
bleedwatch.tunnel and network.vlan are set aside (tests/e2e/mirror.sh). The
expected counters are computed here from the packets written: packets that
went through a tunnel, datagrams fragmented, duplicate copies, attack shapes.

Variants:
  tunnels     vxlan, vxlan_port (UDP 8472 with --vxlan-ports), geneve,
              gre_ip, gre_key (bridged Ethernet, keyed), erspan2, erspan3,
              mpls (two labels, IP), mpls_pw_cw, mpls_pw (Ethernet pseudowire
              with / without control word), pppoe, ipip (IP-in-IP or 6in4),
              nested (VXLAN inside keyed GRE behind a VLAN), vxlan_snap (every
              frame cut 200 bytes into the inner frame; compared with the plain
              capture cut at 200, written as NAME.snap.pcap)
  fragments   frag (in order), frag_ooo (last first), frag_overlap
              (overlapping with the same bytes), frag_outer (the VXLAN
              carrier fragmented), frag_outer_ooo (the same, last fragment
              first), frag_in_tunnel (fragments carried in
              VXLAN), frag_attack (in order, plus forged fragments that must
              change nothing: a conflicting copy after completion, tiny
              fragments, a datagram of too many fragments, one never completed)
  duplicates  dup (each packet again from another port: other MACs, a VLAN
              tag, TTL one lower), dup_mixed (the copy comes through VXLAN),
              aws_both (VXLAN, both ends mirrored in a session each: every
              packet twice, first under its sender's VNI; run with
              --no-tunnel-flow-key)

Fragments are made by hand (no scapy fragment()) so that offsets, overlap and
order are exactly what the manifest says. Needs Debian's python3-scapy.
"""
import json
import os
import struct
import sys

from scapy.all import rdpcap, wrpcap, Ether, Dot1Q, IP, IPv6, UDP, Raw, raw  # noqa: F401

OUT = sys.argv[1]
os.makedirs(OUT, exist_ok=True)

OUTER_SRC, OUTER_DST = "192.0.2.1", "192.0.2.2"
FRAG = 512           # fragment payload size (multiple of 8)
SNAP = 200           # snaplen of the cut variants
FRAG_MIN = 600       # IP payloads above this are fragmented


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def ip_of(p):
    """(ethertype, IP bytes) of an Ethernet packet, VLAN tags skipped."""
    if IP in p:
        return 0x0800, raw(p[IP])
    if IPv6 in p:
        return 0x86dd, raw(p[IPv6])
    return None, None


def frame(b, t, wirelen=None):
    p = Raw(b)   # written as is (a cut frame too), linktype given to wrpcap
    p.time = t
    if wirelen is not None:
        p.wirelen = wirelen
    return p


def eth_hdr(etype, src="02:00:00:00:aa:01", dst="02:00:00:00:aa:02"):
    return raw(Ether(src=src, dst=dst, type=etype))


def ipv4_hdr(proto, payload, ident=0, src=OUTER_SRC, dst=OUTER_DST):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident & 0xffff, 0, 64, proto, 0,
                    bytes(map(int, src.split("."))), bytes(map(int, dst.split("."))))
    return h[:10] + struct.pack("!H", csum(h)) + h[12:] + payload


def udp_outer(dport, payload, sport=49152, ident=0):
    u = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    return ipv4_hdr(17, u, ident)


# ---- tunnel headers ----

def vxlan(vni, inner_frame):
    return struct.pack("!BBHI", 0x08, 0, 0, vni << 8) + inner_frame


def geneve(vni, inner_frame):
    opt = struct.pack("!HBB", 0x0104, 0x01, 1) + b"\xde\xad\xbe\xef"   # one 8-byte option
    return struct.pack("!BBHI", len(opt) // 4, 0, 0x6558, vni << 8) + opt + inner_frame


def gre(proto, payload, key=None, seq=None):
    flags = (0x2000 if key is not None else 0) | (0x1000 if seq is not None else 0)
    h = struct.pack("!HH", flags, proto)
    if key is not None:
        h += struct.pack("!I", key)
    if seq is not None:
        h += struct.pack("!I", seq)
    return h + payload


def erspan2(session, inner_frame, index):
    return struct.pack("!HHI", 1 << 12, session & 0x3ff, index & 0xfffff) + inner_frame


def erspan3(session, inner_frame, ts):
    return struct.pack("!HHIHH", 2 << 12, session & 0x3ff, ts & 0xffffffff, 0, 0) + inner_frame


def mpls(labels, payload):
    out = b""
    for i, lab in enumerate(labels):
        out += struct.pack("!I", lab << 12 | (0x100 if i == len(labels) - 1 else 0) | 64)
    return out + payload


def pppoe(session, etype, ipb):
    proto = 0x0021 if etype == 0x0800 else 0x0057
    return struct.pack("!BBHHH", 0x11, 0, session, len(ipb) + 2, proto) + ipb


# ---- fragmentation ----

def fragment(ipb, pieces, ident):
    """Fragments of IP datagram ipb covering the byte ranges `pieces` of its
    payload (IPv4 header, or IPv6 + fragment header), in the order given."""
    out = []
    if ipb[0] >> 4 == 4:
        hl = (ipb[0] & 15) * 4
        pay = ipb[hl:]
        for s, e in pieces:
            mf = 0x2000 if e < len(pay) else 0
            h = bytearray(ipb[:hl])
            struct.pack_into("!HHH", h, 2, hl + e - s, ident & 0xffff, mf | s // 8)
            h[10:12] = b"\0\0"
            h[10:12] = struct.pack("!H", csum(bytes(h)))
            out.append(bytes(h) + pay[s:e])
    else:
        nh = ipb[6]
        pay = ipb[40:]
        for s, e in pieces:
            m = 1 if e < len(pay) else 0
            h = bytearray(ipb[:40])
            h[6] = 44
            struct.pack_into("!H", h, 4, 8 + e - s)
            fh = struct.pack("!BBHI", nh, 0, s | m, ident)
            out.append(bytes(h) + fh + pay[s:e])
    return out


def cuts(n, overlap=False):
    pieces = []
    for s in range(0, n, FRAG):
        e = min(n, s + FRAG + (256 if overlap else 0))
        pieces.append((s, e))
        if e == n:   # an overlapping piece may reach the end early
            break
    return pieces


def ip_payload_len(ipb):
    return len(ipb) - ((ipb[0] & 15) * 4 if ipb[0] >> 4 == 4 else 40)


def link_of(p):
    """Ethernet header (with its VLAN tags) of p, and its length."""
    b = raw(p)
    etype, ipb = ip_of(p)
    return b[:len(b) - len(ipb)] if ipb is not None else b


# ---- variants ----

class Variant:
    def __init__(self):
        self.pkts = []
        self.stats = {}
        self.args = []

    def add(self, b, t, wirelen=None):
        self.pkts.append(frame(b, t, wirelen))

    def count(self, key, n=1):
        self.stats[key] = self.stats.get(key, 0) + n


def simple_tunnel(name, base):
    v = Variant()
    tun = None
    for i, p in enumerate(base):
        t = float(p.time)
        fr = raw(p)
        etype, ipb = ip_of(p)
        if name == "vxlan":
            v.add(eth_hdr(0x0800) + udp_outer(4789, vxlan(5001, fr), ident=i), t); tun = "vxlan"
        elif name == "vxlan_port":
            v.add(eth_hdr(0x0800) + udp_outer(8472, vxlan(5002, fr), ident=i), t); tun = "vxlan"
            v.args = ["--vxlan-ports", "4789,8472"]
        elif name == "geneve":
            v.add(eth_hdr(0x0800) + udp_outer(6081, geneve(6001, fr), ident=i), t); tun = "geneve"
        elif name == "gre_ip":
            if ipb is None:
                continue
            v.add(eth_hdr(0x0800) + ipv4_hdr(47, gre(etype, ipb), i), t); tun = "gre"
        elif name == "gre_key":
            v.add(eth_hdr(0x0800) + ipv4_hdr(47, gre(0x6558, fr, key=0x00abcd01), i), t); tun = "gre"
        elif name == "erspan2":
            v.add(eth_hdr(0x0800) + ipv4_hdr(47, gre(0x88be, erspan2(7, fr, i), seq=i), i), t); tun = "erspan2"
        elif name == "erspan3":
            v.add(eth_hdr(0x0800) + ipv4_hdr(47, gre(0x22eb, erspan3(9, fr, i), seq=i), i), t); tun = "erspan3"
        elif name == "mpls":
            if ipb is None:
                continue
            v.add(eth_hdr(0x8847) + mpls([1000, 2000], ipb), t); tun = "mpls"
        elif name == "mpls_pw_cw":
            v.add(eth_hdr(0x8847) + mpls([16, 3000], b"\0\0\0\0" + fr), t); tun = "mpls"
        elif name == "mpls_pw":
            v.add(eth_hdr(0x8847) + mpls([3001], fr), t); tun = "mpls"
        elif name == "pppoe":
            if ipb is None:
                continue
            v.add(eth_hdr(0x8864) + pppoe(0x1234, etype, ipb), t); tun = "pppoe"
        elif name == "ipip":
            if ipb is None:
                continue
            v.add(eth_hdr(0x0800) + ipv4_hdr(4 if etype == 0x0800 else 41, ipb, i), t)
            tun = "ipip" if etype == 0x0800 else "ip6ip"
        elif name == "snap":   # the reference for vxlan_snap: every frame cut at SNAP bytes
            v.add(fr[:SNAP], t, wirelen=len(fr))
            continue
        elif name == "vxlan_snap":   # the same cut, SNAP bytes of the inner frame
            full = eth_hdr(0x0800) + udp_outer(4789, vxlan(5003, fr), ident=i)
            v.add(full[:SNAP + len(full) - len(fr)], t, wirelen=len(full)); tun = "vxlan"
        elif name == "nested":
            inner = udp_outer(4789, vxlan(77, fr), ident=i)
            outer = raw(Ether(src="02:00:00:00:bb:01", dst="02:00:00:00:bb:02") / Dot1Q(vlan=10, type=0x0800))
            v.add(outer + ipv4_hdr(47, gre(0x0800, inner, key=5), i, src="198.51.100.1", dst="198.51.100.2"), t)
            tun = "vxlan"
        else:
            raise SystemExit("unknown variant " + name)
        v.count("mirror.tunnels." + tun)
    return v


TUNNEL_OF = {"vxlan": ("vxlan", 5001), "vxlan_port": ("vxlan", 5002), "geneve": ("geneve", 6001),
             "gre_ip": ("gre", 0), "gre_key": ("gre", 0xabcd01), "erspan2": ("erspan2", 7),
             "erspan3": ("erspan3", 9), "mpls": ("mpls", 2000), "mpls_pw_cw": ("mpls", 3000),
             "mpls_pw": ("mpls", 3001), "pppoe": ("pppoe", 0x1234), "nested": ("vxlan", 77),
             "frag_outer": ("vxlan", 4242), "frag_outer_ooo": ("vxlan", 4243), "frag_in_tunnel": ("vxlan", 31), "vxlan_snap": ("vxlan", 5003)}


def frag_variant(name, base):
    v = Variant()
    for k in ("overlap_same", "overlap_conflict", "tiny", "too_many", "too_big", "inconsistent",
              "timeout", "evicted", "dropped_fragments", "truncated", "in_flight", "fragments", "reassembled"):
        v.stats["mirror.fragments." + k] = 0
    ident = 1
    for i, p in enumerate(base):
        t = float(p.time)
        etype, ipb = ip_of(p)
        link = link_of(p)
        if name in ("frag_outer", "frag_outer_ooo"):
            carrier = udp_outer(4789, vxlan(TUNNEL_OF[name][1], raw(p)), ident=0)
            v.count("mirror.tunnels.vxlan")
            if ip_payload_len(carrier) > FRAG_MIN:
                pieces = cuts(ip_payload_len(carrier))
                if name == "frag_outer_ooo":   # last first: the inner addresses come last
                    pieces = pieces[::-1]
                for f in fragment(carrier, pieces, ident):
                    v.add(eth_hdr(0x0800) + f, t)
                    v.count("mirror.fragments.fragments")
                v.count("mirror.fragments.reassembled")
                ident += 1
            else:
                v.add(eth_hdr(0x0800) + carrier, t)
            continue
        pieces = cuts(ip_payload_len(ipb), overlap=(name == "frag_overlap")) if ipb is not None else []
        if len(pieces) < 2 or ip_payload_len(ipb) <= FRAG_MIN:   # one piece would be the whole datagram
            v.add(raw(p), t)
            if name == "frag_in_tunnel":
                v.pkts[-1] = frame(eth_hdr(0x0800) + udp_outer(4789, vxlan(31, raw(p)), ident=i), t)
                v.count("mirror.tunnels.vxlan")
            continue
        if name == "frag_in_tunnel":
            v.count("mirror.tunnels.vxlan")   # the reassembled datagram, once
        if name == "frag_ooo":
            pieces = pieces[::-1]
        frags = fragment(ipb, pieces, ident)
        ident += 1
        for f in frags:
            fr = link + f
            if name == "frag_in_tunnel":
                fr = eth_hdr(0x0800) + udp_outer(4789, vxlan(31, fr), ident=i)
            v.add(fr, t)
            v.count("mirror.fragments.fragments")
        v.count("mirror.fragments.reassembled")
        if name == "frag_overlap":
            v.count("mirror.fragments.overlap_same", len(frags) - 1)
        if name == "frag_attack":
            # a forged, conflicting copy of the second fragment after the
            # datagram completed: a new datagram that never completes
            forged = bytearray(fragment(ipb, [pieces[1]], ident - 1)[0])
            for k in range(len(forged) - 40, len(forged)):
                forged[k] ^= 0x5a
            v.add(link + bytes(forged), t)
            v.count("mirror.fragments.fragments")
    if name == "frag_attack" and base:
        t = float(base[-1].time)
        link = link_of(base[0])
        fake = ipv4_hdr(6, bytes(range(256)) * 40, 0, src="10.66.0.1", dst="10.66.0.2")
        pay = ip_payload_len(fake)
        tiny = fragment(fake, [(0, 16), (16, 40)], 60001)             # tiny fragments, the rest missing
        many = fragment(fake, [(k * 64, k * 64 + 64) for k in range(130)], 60002)   # too many
        never = fragment(fake, [(0, 1024), (2048, pay)], 60003)      # a hole: never completes
        for f in tiny + many + never:
            v.add(link + f, t)
            v.count("mirror.fragments.fragments")
        v.stats["mirror.fragments.tiny"] = 1
        v.stats["mirror.fragments.too_many"] = 1
        v.stats["mirror.fragments.dropped_fragments"] = 130 - 128 - 1   # the 129th drops it
        # in flight at the end: the forged copies and the never-completed one
        v.stats["mirror.fragments.in_flight"] = v.stats["mirror.fragments.reassembled"] + 3
    return v


def dup_variant(name, base):
    v = Variant()
    client = base[0][IP].src if base and IP in base[0] else (base[0][IPv6].src if base and IPv6 in base[0] else None)
    if name == "aws_both":
        # both ends mirrored, one session (VNI) each: a packet is seen leaving
        # its sender under the sender's VNI, then arriving under the other's
        v.args = ["--no-tunnel-flow-key"]
        for i, p in enumerate(base):
            t = float(p.time)
            etype, ipb = ip_of(p)
            src = p[IP].src if IP in p else (p[IPv6].src if IPv6 in p else None)
            first, second = (101, 202) if src == client else (202, 101)
            v.add(eth_hdr(0x0800) + udp_outer(4789, vxlan(first, raw(p)), ident=2 * i), t)
            v.add(eth_hdr(0x0800) + udp_outer(4789, vxlan(second, raw(p)), ident=2 * i + 1), t + 0.00002)
            v.count("mirror.tunnels.vxlan")
            v.count("mirror.duplicates")
        return v
    for i, p in enumerate(base):
        t = float(p.time)
        etype, ipb = ip_of(p)
        v.add(raw(p), t)
        if ipb is None:
            continue
        if name == "dup":
            c = bytearray(ipb)
            if etype == 0x0800:
                c[8] -= 1
                c[10:12] = b"\0\0"
                hl = (c[0] & 15) * 4
                c[10:12] = struct.pack("!H", csum(bytes(c[:hl])))
            else:
                c[7] -= 1
            copy = raw(Ether(src="02:00:00:00:cc:01", dst="02:00:00:00:cc:02") / Dot1Q(vlan=99, type=etype)) + bytes(c)
        else:
            copy = eth_hdr(0x0800) + udp_outer(4789, vxlan(8, raw(p)), ident=i)
        v.add(copy, t + 0.00003)
        v.count("mirror.duplicates")
    return v


TUNNELS = ["vxlan", "vxlan_port", "geneve", "gre_ip", "gre_key", "erspan2", "erspan3", "mpls",
           "mpls_pw_cw", "mpls_pw", "pppoe", "ipip", "nested", "vxlan_snap"]
FRAGS = ["frag", "frag_ooo", "frag_overlap", "frag_outer", "frag_outer_ooo", "frag_in_tunnel", "frag_attack"]
DUPS = ["dup", "dup_mixed", "aws_both"]
ALL = TUNNELS + FRAGS + DUPS


def make(name, base):
    if name in TUNNELS:
        return simple_tunnel(name, base)
    if name in FRAGS:
        return frag_variant(name, base)
    if name in DUPS:
        return dup_variant(name, base)
    raise SystemExit("unknown variant " + name)


def main():
    manifest = {}
    for spec in sys.argv[2:]:
        parts = spec.split(":")
        path = parts[0]
        bname = parts[1] if len(parts) > 1 and parts[1] else os.path.splitext(os.path.basename(path))[0]
        variants = parts[2].split(",") if len(parts) > 2 and parts[2] else ALL
        base = rdpcap(path)
        for vn in variants:
            v = make(vn, base)
            key = f"{bname}.{vn}"
            wrpcap(os.path.join(OUT, key + ".pcap"), v.pkts, linktype=1)
            v.stats.setdefault("mirror.duplicates", 0)
            manifest[key] = {"base": bname, "base_pcap": path, "args": v.args, "stats": v.stats,
                             "tunnel": TUNNEL_OF.get(vn)}
            if vn == "vxlan_snap":   # compared with the plain capture cut the same way
                snap = simple_tunnel("snap", base)
                wrpcap(os.path.join(OUT, bname + ".snap.pcap"), snap.pkts, linktype=1)
                manifest[key]["base"] = bname + ".snap"
                manifest[key]["base_pcap"] = os.path.join(OUT, bname + ".snap.pcap")
    with open(os.path.join(OUT, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1, sort_keys=True)
    print("wrote", len(manifest), "captures to", OUT)


if __name__ == "__main__":
    main()
