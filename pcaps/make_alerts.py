#!/usr/bin/python3
"""Make a capture of N anonymous Azure-Blob reads that each serve personal data.

  make_alerts.py OUTDIR N SECONDS [--offset K] [--people A:B]

Writes OUTDIR/alerts.pcap and OUTDIR/alerts.truth.json. The capture holds:

  - N anonymous GETs of a CSV blob, each on its own TCP connection, started
    evenly over SECONDS of packet time, from a few client IPs. The people
    A..B-1 (default 0:10*N) are split into N contiguous slices, one per read;
    person i is "First Last", first.last.i@<one of 20 company domains>, and
    the phone +31 6 1xxx xxxx (a valid E.164 Dutch mobile, unique per i).
  - decoys that must not alert, among the reads: GETs of PII-free CSVs
    (about one per 10 reads, at least 1) and SharedKey-authenticated GETs of
    a PII CSV (likewise), from the owner's application address.

--offset K shifts packet time by K seconds and client ports by K, so that
captures made with different offsets are different flows (with different
event ids) even when they serve the same people.

The truth file: {"alerts": N, "distinct_emails", "distinct_phones",
"org_domains": {domain: email occurrences}, "clients" and "client_ips" (the
distinct client IPs of the alerting reads), "people": [A, B], "decoys" (reads
that must not alert), "endpoint": "azure_blob/<account>/<container>",
"packets", "first_ts", "last_ts"}.
Deterministic: same arguments, same bytes.
Run with /usr/bin/python3 (python3-scapy).
"""
import argparse
import json
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tcpcraft as tc  # noqa: E402

FIRST = ["Jane", "John", "Maria", "Pieter", "Sofia", "Lukas", "Emma", "Noah", "Olivia", "Liam",
         "Ines", "Hugo", "Chloe", "Mateo", "Yara", "Daan", "Lotte", "Finn", "Mila", "Sem", "Ava"]
LAST = ["Doe", "Smith", "Jansen", "Vries", "Rossi", "Garcia", "Muller", "Dubois", "Bakker", "Visser",
        "Martin", "Lopez", "Bianchi", "Schmidt", "Peeters", "Meijer", "Moreau", "Romano", "Fischer"]
DOMAINS = ["acme-logistics.com", "northwind.nl", "contoso-retail.de", "fabrikam.fr", "tailspin.io",
           "wingtip-toys.co.uk", "adventure-works.es", "litware.it", "proseware.com", "lucerne-publishing.com",
           "margies-travel.com", "fourth-coffee.nl", "woodgrove-bank.com", "coho-winery.fr", "alpine-ski.at",
           "blue-yonder.se", "graphic-design.be", "humongous-insurance.com", "trey-research.net", "wide-world.dk"]
CLIENTS = ["198.51.100.17", "198.51.100.42", "203.0.113.9", "203.0.113.200"]
OWNER_APP = "10.20.0.5"
SERVER = ("20.60.40.4", 80)
ACCOUNT, CONTAINER = "hrexports", "people"
HOST = f"{ACCOUNT}.blob.core.windows.net"
T0 = 1700000000.0


def person(i):
    first, last = FIRST[i % len(FIRST)], LAST[(i // len(FIRST)) % len(LAST)]
    u = ((i * 2654435761) % (1 << 32)) / (1 << 32)      # skewed: some domains far more common
    domain = DOMAINS[int(len(DOMAINS) * u * u)]
    email = f"{first.lower()}.{last.lower()}.{i}@{domain}"
    phone = "+31 6 1%03d %04d" % (i // 10000 % 1000, i % 10000)
    return first, last, email, phone, domain


def pii_csv(lo, hi):
    rows = ["id,first_name,last_name,email,phone"]
    for i in range(lo, hi):
        first, last, email, phone, _ = person(i)
        rows.append(f"{i},{first},{last},{email},{phone}")
    return ("\n".join(rows) + "\n").encode()


def plain_csv(k):
    rows = ["sku,warehouse,quantity,unit_price"]
    rows += [f"SKU-{k:03d}-{j:04d},WH{j % 7},{(j * 37) % 500},{(j * 13) % 90}.{j % 100:02d}" for j in range(40)]
    return ("\n".join(rows) + "\n").encode()


def azure_headers(n, ctype="text/csv"):
    return {"Server": "Windows-Azure-Blob/1.0 Microsoft-HTTPAPI/2.0",
            "x-ms-request-id": "9d2c5c4e-0001-0042-7a1b-%012d" % n,
            "x-ms-version": "2021-08-06", "Content-Type": ctype}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("outdir")
    ap.add_argument("n", type=int)
    ap.add_argument("seconds", type=float)
    ap.add_argument("--offset", type=int, default=0)
    ap.add_argument("--people", default=None, help="A:B, people A..B-1 (default 0:10*N)")
    a = ap.parse_args()
    if a.n < 1 or a.seconds < 0 or not 0 <= a.offset < 20000:
        ap.error("N >= 1, SECONDS >= 0, 0 <= offset < 20000")
    try:
        lo, hi = (0, 10 * a.n) if a.people is None else map(int, a.people.split(":"))
    except ValueError:
        ap.error("--people wants A:B, two integers")
    if hi - lo < a.n or lo < 0:
        ap.error("need at least one person per read (B - A >= N)")
    random.seed(1700 + a.offset)
    t0 = T0 + a.offset
    n_plain = max(1, a.n // 10)
    n_auth = max(1, a.n // 10)
    total = a.n + n_plain + n_auth
    step = a.seconds / total if total > 1 else 0.0
    if 20000 + a.offset + 2 * total > 65535:
        ap.error("too many reads for the client port range (20000 + offset + 2 per read)")
    # The decoys sit evenly among the reads; slots more than 1 apart, so distinct.
    n_decoy = n_plain + n_auth
    kinds = ["pii"] * total
    for k in range(n_decoy):
        kinds[int((k + 0.5) * total / n_decoy)] = "plain" if k % 2 == 0 else "auth"
    decoys = [j for j, k in enumerate(kinds) if k != "pii"]
    assert len(decoys) == n_decoy and kinds.count("pii") == a.n

    convs, clients, org = [], set(), {}
    emails, phones = set(), set()
    read = 0
    for j, kind in enumerate(kinds):
        t = t0 + j * step
        port = 20000 + a.offset + j * 2
        if kind == "pii":
            s_lo = lo + (hi - lo) * read // a.n
            s_hi = lo + (hi - lo) * (read + 1) // a.n
            client = CLIENTS[read % len(CLIENTS)]
            clients.add(client)
            for i in range(s_lo, s_hi):
                _, _, email, phone, domain = person(i)
                emails.add(email)
                phones.add(phone)
                org[domain] = org.get(domain, 0) + 1
            path = f"/{CONTAINER}/export-{s_lo:06d}-{s_hi:06d}.csv"
            req = tc.http_request("GET", path, HOST, {"User-Agent": "curl/8.1.2"})
            resp = tc.http_response(pii_csv(s_lo, s_hi), headers=azure_headers(j))
            c = tc.Conversation(client=(client, port), server=SERVER, t0=t,
                                isn=(random.randrange(1 << 31), random.randrange(1 << 31)))
            read += 1
        elif kind == "plain":
            req = tc.http_request("GET", f"/{CONTAINER}/stock-{j:04d}.csv", HOST, {"User-Agent": "curl/8.1.2"})
            resp = tc.http_response(plain_csv(j), headers=azure_headers(j))
            c = tc.Conversation(client=(CLIENTS[j % len(CLIENTS)], port), server=SERVER, t0=t,
                                isn=(random.randrange(1 << 31), random.randrange(1 << 31)))
        else:
            req = tc.http_request("GET", f"/{CONTAINER}/export-{lo:06d}-{lo + 5:06d}.csv", HOST,
                                  {"Authorization": "SharedKey %s:c2lnbmF0dXJlLW5vdC1yZWFsLWZvci10ZXN0cw==" % ACCOUNT,
                                   "x-ms-date": "Tue, 14 Nov 2023 22:13:20 GMT", "x-ms-version": "2021-08-06"})
            resp = tc.http_response(pii_csv(lo, lo + 5), headers=azure_headers(j))
            c = tc.Conversation(client=(OWNER_APP, port), server=SERVER, t0=t,
                                isn=(random.randrange(1 << 31), random.randrange(1 << 31)))
        c.add(req, resp)
        convs.append(c)

    os.makedirs(a.outdir, exist_ok=True)
    pkts = tc.write(os.path.join(a.outdir, "alerts.pcap"), convs)
    truth = {"alerts": a.n, "distinct_emails": len(emails), "distinct_phones": len(phones),
             "org_domains": dict(sorted(org.items())), "clients": len(clients),
             "client_ips": sorted(clients), "decoys": len(decoys),
             "endpoint": f"azure_blob/{ACCOUNT}/{CONTAINER}", "people": [lo, hi],
             "packets": len(pkts), "first_ts": float(pkts[0].time), "last_ts": float(pkts[-1].time)}
    with open(os.path.join(a.outdir, "alerts.truth.json"), "w") as f:
        json.dump(truth, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
