#!/usr/bin/python3
"""Make a capture where one client's strong recognition of a server could
carry over to other clients: an S3 emulator's listing, then plain reads.

  make_hints.py OUT.pcap [CLIENTS]
  make_hints.py OUT.pcap --pairs N

The server (10.9.0.5:4569) answers like s3rver: S3's headers and a
ListBucketResult on the listing, none on object reads. Client 198.51.100.10
lists the bucket and then reads one CSV of people; CLIENTS other clients
(default 6, 203.0.113.1...) each read one such CSV, after the listing. What
the reads are known as must not depend on which worker met which client
first: tests/e2e/workers_same.sh replays it with 1 and 3 workers.

--pairs N: N clients (10.x.y.z) each list the bucket, all within a few
seconds, then each reads one CSV of people on a new connection a minute
later (N reads known as s3 by their own client's listing); and one more
client lists and reads 1,000 s later, past the time a hint lasts (a
generic_http read). N hints held at once, whatever table holds them, and
one that time ends: the same with 1 and 3 workers.
Deterministic: same arguments, same bytes. Run with /usr/bin/python3.
"""
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tcpcraft as tc  # noqa: E402
from make_alerts import pii_csv  # noqa: E402

SERVER = ("10.9.0.5", 4569)
HOST = "10.9.0.5:4569"
T0 = 1700000000.0


LISTING = (b'<?xml version="1.0" encoding="UTF-8"?>\n'
           b'<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>leaky</Name>'
           b'<Prefix></Prefix><KeyCount>1</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated>'
           b'<Contents><Key>people-0.csv</Key><Size>400</Size></Contents></ListBucketResult>')
S3 = {"x-amz-request-id": "4442587FB7D0A2F9", "x-amz-id-2": "c2lnbmF0dXJl", "Content-Type": "application/xml"}
PLAIN = {"Content-Type": "text/csv"}


def get(path):
    return tc.http_request("GET", path, HOST, {"User-Agent": "curl/8.1.2"})


def people_csv(k):
    return pii_csv(8 * k, 8 * k + 8)   # eight people a read, each read its own


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    random.seed(4569)   # tcpcraft draws the IPv4 ids: same arguments, same bytes
    if len(sys.argv) > 3 and sys.argv[2] == "--pairs":
        return many_pairs(sys.argv[1], int(sys.argv[3]))
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 6
    a = tc.Conversation(client=("198.51.100.10", 41000), server=SERVER, t0=T0, isn=(1000, 5000))
    a.add(get("/leaky/?list-type=2"), tc.http_response(LISTING, headers=S3))
    a.add(get("/leaky/people-0.csv"), tc.http_response(people_csv(0), headers=PLAIN))
    convs = [a]
    for k in range(1, n + 1):
        c = tc.Conversation(client=(f"203.0.113.{k}", 42000 + k), server=SERVER, t0=T0 + 1 + k * 0.01,
                            isn=(2000 * k, 7000 * k))
        c.add(get(f"/leaky/people-{k}.csv"), tc.http_response(people_csv(k), headers=PLAIN))
        convs.append(c)
    tc.write(sys.argv[1], convs)


def many_pairs(out, n):
    convs = []
    for k in range(n + 1):
        late = k == n
        client = f"10.{20 + k % 200}.{(k * 37) % 251}.{(k * 101) % 253 + 1}"   # spread, all distinct
        t_list = T0 + k * 0.01
        t_read = t_list + (1000.0 if late else 60.0)
        c = tc.Conversation(client=(client, 41000), server=SERVER, t0=t_list, isn=(1000 + k, 5000 + k))
        c.add(get("/leaky/?list-type=2"), tc.http_response(LISTING, headers=S3))
        r = tc.Conversation(client=(client, 51000), server=SERVER, t0=t_read, isn=(3000 + k, 9000 + k))
        r.add(get(f"/leaky/people-{k}.csv"), tc.http_response(people_csv(k), headers=PLAIN))
        convs += [c, r]
    tc.write(out, convs)


if __name__ == "__main__":
    main()
