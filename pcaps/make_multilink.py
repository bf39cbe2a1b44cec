#!/usr/bin/python3
"""Make pcaps/multilink.pcapng: the packets of pcaps/demo.pcap spread over
four interfaces of four link types, in two pcapng sections of opposite byte
orders. libpcap refuses such a file ("an interface has a type ... different
from the type of the first interface"); bleedwatch's own reader
(sensor/pcapfile.c) must read it and yield exactly demo.pcap's transactions
(tests/e2e/multilink.sh).

  section 1, little-endian, packets 0..20      section 2, big-endian, packets 21..
    IDB 0  Ethernet     (DLT 1)     usec          IDB 0  Linux SLL  ns
    IDB 1  raw IP       (DLT 101)   usec          IDB 1  Ethernet   usec
    IDB 2  Linux SLL    (DLT 113)   ns            IDB 2  NULL       usec, if_tsoffset
    IDB 3  BSD loopback (DLT 0)     usec,         IDB 3  raw IP     usec
           if_tsoffset 1600000000 s
  packet i goes to the interface of kind i % 4 (Ethernet, raw, SLL, NULL), so
  every TCP flow crosses all four link types. A Name Resolution Block, an
  Interface Statistics Block and a custom block sit between the packets (to
  be skipped); some EPBs carry an opt_comment.

The pcapng bytes are written here with struct (scapy writes one link type
per file); scapy only reads demo.pcap. Deterministic.
Run: /usr/bin/python3 pcaps/make_multilink.py [OUT]
"""
import os
import struct
import sys

from scapy.utils import RawPcapReader

HERE = os.path.dirname(os.path.abspath(__file__))
ETHERNET, RAW, SLL, NULL = 1, 101, 113, 0
TSOFFSET = 1600000000


def pad4(b):
    return b + b"\0" * (-len(b) % 4)


def block(e, btype, body):
    body = pad4(body)
    n = 12 + len(body)
    return struct.pack(e + "II", btype, n) + body + struct.pack(e + "I", n)


def opt(e, code, value):
    return struct.pack(e + "HH", code, len(value)) + pad4(value)


def opt_end(e):
    return struct.pack(e + "HH", 0, 0)


def shb(e):
    body = struct.pack(e + "IHHq", 0x1A2B3C4D, 1, 0, -1)
    body += opt(e, 4, b"make_multilink.py") + opt_end(e)   # shb_userappl
    return block(e, 0x0A0D0D0A, body)


def idb(e, linktype, name, ns=False, tsoffset=0):
    body = struct.pack(e + "HHI", linktype, 0, 65535)
    body += opt(e, 2, name.encode())                        # if_name
    if ns:
        body += opt(e, 9, bytes([9]))                       # if_tsresol: 10^-9
    if tsoffset:
        body += opt(e, 14, struct.pack(e + "q", tsoffset))  # if_tsoffset
    return block(e, 1, body + opt_end(e))


def epb(e, ifid, ticks, data, wirelen, comment=None):
    body = struct.pack(e + "IIIII", ifid, ticks >> 32, ticks & 0xFFFFFFFF, len(data), wirelen)
    body += pad4(data)
    if comment:
        body += opt(e, 1, comment.encode()) + opt_end(e)
    return block(e, 6, body)


def nrb(e):
    rec = struct.pack(e + "HH", 1, 4 + len(b"bluebleed.blob.core.windows.net\0")) + pad4(
        bytes([20, 60, 40, 4]) + b"bluebleed.blob.core.windows.net\0")
    return block(e, 4, rec + struct.pack(e + "HH", 0, 0))


def isb(e, ifid):
    return block(e, 5, struct.pack(e + "III", ifid, 0, 0) + opt_end(e))


def custom(e):
    return block(e, 0x40000BAD, struct.pack(e + "I", 32473) + b"skip me!")


def reframe(kind, frame, e):
    """An Ethernet frame as the given link type saw it."""
    eth_type = frame[12:14]
    payload = frame[14:]
    if kind == ETHERNET:
        return frame
    if kind == RAW:
        return payload
    if kind == SLL:
        # packet type (0: to us), ARPHRD_ETHER, address length, sender's address, protocol
        return struct.pack(">HHH", 0, 1, 6) + frame[6:12] + b"\0\0" + eth_type + payload
    family = 2 if eth_type == b"\x08\x00" else 24   # AF_INET / AF_INET6 (BSD)
    return struct.pack(e + "I", family) + payload      # NULL: the writer's byte order


def main():
    src = os.path.join(HERE, "demo.pcap")
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "multilink.pcapng")
    pkts = []
    for data, meta in RawPcapReader(src):
        pkts.append((meta.sec, meta.usec, data, meta.wirelen))
    half = (len(pkts) + 1) // 2
    # per section: interface numbers of (Ethernet, raw, SLL, NULL) and the IDBs
    sections = [
        ("<", {ETHERNET: 0, RAW: 1, SLL: 2, NULL: 3},
         [(ETHERNET, "eth0", False, 0), (RAW, "tun0", False, 0), (SLL, "any", True, 0),
          (NULL, "lo0", False, TSOFFSET)]),
        (">", {SLL: 0, ETHERNET: 1, NULL: 2, RAW: 3},
         [(SLL, "any", True, 0), (ETHERNET, "eth1", False, 0), (NULL, "lo1", False, TSOFFSET),
          (RAW, "tun1", False, 0)]),
    ]
    kinds = [ETHERNET, RAW, SLL, NULL]
    blob = b""
    for s, (e, ifnum, idbs) in enumerate(sections):
        blob += shb(e)
        for lt, name, ns, off in idbs:
            blob += idb(e, lt, name, ns, off)
        blob += nrb(e) if s == 0 else custom(e)
        chunk = pkts[:half] if s == 0 else pkts[half:]
        base = 0 if s == 0 else half
        for j, (sec, usec, data, wirelen) in enumerate(chunk):
            i = base + j
            kind = kinds[i % 4]
            ifid = ifnum[kind]
            _, _, ns, off = idbs[ifid]
            sec -= off
            ticks = sec * 1000000000 + usec * 1000 if ns else sec * 1000000 + usec
            frame = reframe(kind, data, e)
            wire = wirelen - len(data) + len(frame)
            blob += epb(e, ifid, ticks, frame, wire, f"packet {i}" if i % 5 == 0 else None)
            if s == 0 and j == 10:
                blob += isb(e, 0)
    with open(out, "wb") as f:
        f.write(blob)
    print(f"{out}: {len(pkts)} packets, {len(blob)} bytes")


if __name__ == "__main__":
    main()
