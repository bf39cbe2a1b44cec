#!/usr/bin/python3
"""Make the capture of tests/e2e/report.sh and the truth about it.

Two Azure Blob containers open to anonymous reads (the BlueBleed shape, built
with pcaps/tcpcraft.py like pcaps/make_demo.py): leakyacct/exports holds
customers.csv and staff.csv (disjoint people), leakyacct/backup holds
old.csv. Four scrapers from different addresses download them at different
times, some objects several times; the owner's application reads with
SharedKey (authenticated: no alert, not in the report).

Writes OUT.pcap and OUT.truth.json: per endpoint the responses, bytes,
first/last seen, distinct emails, phones, organisation domains and clients of
the anonymous downloads, computed here from the bodies served.

Run: /usr/bin/python3 tests/report/make_capture.py OUT_BASE
"""
import json
import os
import random
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "pcaps"))
import tcpcraft as tc  # noqa: E402

random.seed(72)
FIRST = ["Jane", "John", "Maria", "Pieter", "Sofia", "Lukas", "Emma", "Noah", "Olivia", "Liam"]
LAST = ["Doe", "Smith", "Jansen", "Vries", "Rossi", "Garcia", "Muller", "Dubois", "Bakker", "Visser"]
ORGS = ["acme-logistics.com", "northwind.nl", "contoso-retail.de", "fabrikam.fr", "tailspin.io",
        "wingtip-toys.co.uk", "adventure-works.es", "litware.it", "proseware.be", "lucerne-pub.ch"]
ACCT = "leakyacct"
HOST = ACCT + ".blob.core.windows.net"
AZ = {"Server": "Windows-Azure-Blob/1.0 Microsoft-HTTPAPI/2.0", "x-ms-request-id": "0b1d2c5c-0001-0042-7a1b-000000000000",
      "x-ms-version": "2021-08-06", "Content-Type": "text/csv"}
SRV = ("20.60.40.9", 80)
used_phones = set()


def people_csv(tag, n, orgs):
    rows = ["id,first_name,last_name,email,phone,company"]
    for i in range(n):
        f, l = random.choice(FIRST), random.choice(LAST)
        org = random.choice(orgs)
        while True:
            phone = "+31 6 %04d %04d" % (random.randint(1000, 9999), random.randint(1000, 9999))
            if phone not in used_phones:
                used_phones.add(phone)
                break
        rows.append(f"{i + 1},{f},{l},{f.lower()}.{l.lower()}.{tag}{i}@{org},{phone},{org.split('.')[0]}")
    return ("\n".join(rows) + "\n").encode()


OBJECTS = {
    ("exports", "customers.csv"): people_csv("c", 60, ORGS[:6]),
    ("exports", "staff.csv"): people_csv("s", 25, ORGS[4:8]),
    ("backup", "old.csv"): people_csv("o", 30, ORGS[8:]),
}

# (seconds after t0, client ip, container, object): the anonymous downloads
T0 = 1663578000.0
DOWNLOADS = [
    (0, "198.51.100.7", "exports", "customers.csv"),
    (60, "198.51.100.7", "exports", "staff.csv"),
    (600, "203.0.113.45", "exports", "customers.csv"),
    (1800, "192.0.2.33", "exports", "staff.csv"),
    (3600, "203.0.113.45", "exports", "customers.csv"),
    (4000, "192.0.2.33", "backup", "old.csv"),
    (7200, "198.51.100.99", "backup", "old.csv"),
]


def main():
    base = sys.argv[1]
    convs = []
    for n, (dt, ip, cont, obj) in enumerate(DOWNLOADS):
        c = tc.Conversation(client=(ip, 41000 + n), server=SRV, t0=T0 + dt, isn=(1000 + n * 7919, 5000 + n * 104729))
        c.add(tc.http_request("GET", f"/{cont}/{obj}", HOST, {"User-Agent": "python-requests/2.31"}),
              tc.http_response(OBJECTS[(cont, obj)], headers=AZ))
        convs.append(c)
    app = tc.Conversation(client=("10.20.0.5", 40100), server=SRV, t0=T0 + 30)
    app.add(tc.http_request("GET", "/exports/customers.csv", HOST,
                            {"Authorization": "SharedKey leakyacct:c2lnbmF0dXJlLW5vdC1yZWFsLWZvci1kZW1v",
                             "x-ms-date": "Mon, 19 Sep 2022 09:13:00 GMT", "x-ms-version": "2021-08-06"}),
            tc.http_response(OBJECTS[("exports", "customers.csv")], headers=AZ))
    convs.append(app)
    tc.write(base + ".pcap", convs)

    email_re = re.compile(rb"[a-z.0-9]+@[a-z.-]+")
    phone_re = re.compile(rb"\+31 6 \d{4} \d{4}")
    truth = {}
    for dt, ip, cont, obj in DOWNLOADS:
        ep = f"azure_blob/{ACCT}/{cont}"
        t = truth.setdefault(ep, {"responses": 0, "bytes": 0, "emails": set(), "phones": set(), "orgs": set(),
                                  "clients": set(), "first": dt, "last": dt, "objects": {}})
        body = OBJECTS[(cont, obj)]
        t["responses"] += 1
        t["bytes"] += len(body)
        emails = set(email_re.findall(body))
        t["emails"] |= emails
        t["phones"] |= set(phone_re.findall(body))
        t["orgs"] |= {e.split(b"@")[1] for e in emails}
        t["clients"].add(ip)
        t["first"], t["last"] = min(t["first"], dt), max(t["last"], dt)
        t["objects"][obj] = t["objects"].get(obj, 0) + len(body)
    out = {ep: {"responses": t["responses"], "bytes": t["bytes"], "email": len(t["emails"]),
                "phone": len(t["phones"]), "organizations": len(t["orgs"]),
                "domains": sorted(d.decode() for d in t["orgs"]), "clients": len(t["clients"]),
                "client_ips": sorted(t["clients"]), "first_seen": T0 + t["first"], "last_seen": T0 + t["last"],
                "objects": t["objects"]}
           for ep, t in truth.items()}
    with open(base + ".truth.json", "w") as f:
        json.dump(out, f, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
