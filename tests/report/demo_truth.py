#!/usr/bin/python3
"""The truth about pcaps/demo.pcap's anonymous downloads, from its generator.

pcaps/make_demo.py seeds its random generator at import and draws the CSV
first, so importing it and calling customers() gives the very bodies the
capture serves. Prints the report's expected figures for the one exposed
endpoint as JSON (the format of tests/report/make_capture.py's truth).
"""
import json
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "pcaps"))
import make_demo as demo  # noqa: E402

csv, eml = demo.customers(), demo.eml()
bodies = [csv, eml]            # customers.csv and mail/0001.eml, both anonymous
emails = set()
phones = set()
for b in bodies:
    # a Message-ID has the shape of an address but names no one
    b = b"\n".join(l for l in b.split(b"\n") if not l.lower().startswith(b"message-id:"))
    emails |= set(re.findall(rb"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[a-z]{2,}", b))
    phones |= {re.sub(rb"\D", b"", p) for p in re.findall(rb"\+\d[\d ]{8,}\d", b)}
emails = {e.lower() for e in emails}
t0 = 1663578000.0
truth = {"azure_blob/bluebleed/exports": {
    "responses": len(bodies), "bytes": sum(len(b) for b in bodies),
    "email": len(emails), "phone": len(phones),
    "organizations": len({e.split(b"@")[1] for e in emails}),
    "domains": sorted({e.split(b"@")[1].decode() for e in emails}),
    "clients": 1, "client_ips": ["203.0.113.45"],
    "first_seen": t0, "last_seen": t0,
    "objects": {"customers.csv": len(csv), "mail/0001.eml": len(eml)},
}}
json.dump(truth, sys.stdout, indent=1, sort_keys=True)
