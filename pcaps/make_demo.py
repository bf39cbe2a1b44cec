#!/usr/bin/python3
"""Make pcaps/demo.pcap: what a mirror port sees when an Azure Blob container
is open to anonymous reads (the BlueBleed shape).

  1. an anonymous client lists the container (EnumerationResults),
  2. downloads customers.csv (names, emails, phones) anonymously,
  3. downloads a stored e-mail (.eml) anonymously, gzip-encoded,
  4. the owner's application reads the same blob with SharedKey (authenticated),
  5. an anonymous read of another container is refused (409 PublicAccessNotPermitted).

Deterministic (fixed seed). Run: /usr/bin/python3 pcaps/make_demo.py [OUT]
"""
import gzip
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tcpcraft as tc  # noqa: E402

random.seed(2022)
FIRST = ["Jane", "John", "Maria", "Pieter", "Sofia", "Lukas", "Emma", "Noah", "Olivia", "Liam",
         "Ines", "Hugo", "Chloe", "Mateo", "Yara", "Daan", "Lotte", "Finn", "Mila", "Sem"]
LAST = ["Doe", "Smith", "Jansen", "de Vries", "Rossi", "Garcia", "Muller", "Dubois", "Bakker", "Visser",
        "Martin", "Lopez", "Bianchi", "Schmidt", "Peeters", "Meijer", "Moreau", "Romano", "Fischer", "Janssens"]
ORGS = ["acme-logistics.com", "northwind.nl", "contoso-retail.de", "fabrikam.fr", "tailspin.io",
        "wingtip-toys.co.uk", "adventure-works.es", "litware.it"]

HOST = "bluebleed.blob.core.windows.net"
AZ = {"Server": "Windows-Azure-Blob/1.0 Microsoft-HTTPAPI/2.0", "x-ms-request-id": "9d2c5c4e-0001-0042-7a1b-000000000000",
      "x-ms-version": "2021-08-06"}


SECRETS = ["c2lnbmF0dXJlLW5vdC1yZWFsLWZvci1kZW1v"]


def customers(n=40):
    rows = ["id,first_name,last_name,email,phone,company"]
    for i in range(n):
        f, l = random.choice(FIRST), random.choice(LAST)
        org = random.choice(ORGS)
        email = f"{f.lower()}.{l.lower().replace(' ', '')}{i}@{org}"
        phone = "+31 6 %04d %04d" % (random.randint(1000, 9999), random.randint(1000, 9999))
        rows.append(f"{i + 1},{f},{l},{email},{phone},{org.split('.')[0]}")
        SECRETS.extend([email, phone, phone.replace(" ", "")])
    return ("\n".join(rows) + "\n").encode()


def eml():
    return (b"From: \"Jane Doe\" <jane.doe@acme-logistics.com>\r\n"
            b"To: \"Pieter Jansen\" <pieter.jansen@northwind.nl>\r\n"
            b"Subject: Q3 shipment and invoice\r\n"
            b"Date: Mon, 19 Sep 2022 09:12:44 +0200\r\n"
            b"Message-ID: <20220919091244.1234@acme-logistics.com>\r\n\r\n"
            b"Hi Pieter,\r\nplease call me on +31 20 555 0134 about the invoice.\r\nJane\r\n")


def listing(names):
    blobs = "".join(f"<Blob><Name>{n}</Name><Properties><Content-Length>100</Content-Length></Properties></Blob>"
                    for n in names)
    return (f'<?xml version="1.0" encoding="utf-8"?><EnumerationResults ServiceEndpoint="https://{HOST}/" '
            f'ContainerName="exports"><Blobs>{blobs}</Blobs><NextMarker /></EnumerationResults>').encode()


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "demo.pcap")
    csv = customers()
    convs = []
    t = 1663578000.0
    scraper = ("203.0.113.45", 51234)
    srv = ("20.60.40.4", 80)
    c = tc.Conversation(client=scraper, server=srv, t0=t)
    c.add(tc.http_request("GET", "/exports?restype=container&comp=list", HOST, {"User-Agent": "curl/8.1.2"}),
          tc.http_response(listing(["customers.csv", "mail/0001.eml"]), headers=dict(AZ, **{"Content-Type": "application/xml"})))
    c.add(tc.http_request("GET", "/exports/customers.csv", HOST, {"User-Agent": "curl/8.1.2"}),
          tc.http_response(csv, headers=dict(AZ, **{"Content-Type": "text/csv"})))
    gz = gzip.compress(eml(), mtime=0)
    c.add(tc.http_request("GET", "/exports/mail/0001.eml", HOST, {"User-Agent": "curl/8.1.2", "Accept-Encoding": "gzip"}),
          tc.http_response(gz, headers=dict(AZ, **{"Content-Type": "message/rfc822", "Content-Encoding": "gzip"})))
    convs.append(c)
    app = tc.Conversation(client=("10.20.0.5", 40100), server=srv, t0=t + 5)
    app.add(tc.http_request("GET", "/exports/customers.csv", HOST,
                            {"Authorization": "SharedKey bluebleed:c2lnbmF0dXJlLW5vdC1yZWFsLWZvci1kZW1v",
                             "x-ms-date": "Mon, 19 Sep 2022 09:13:00 GMT", "x-ms-version": "2021-08-06"}),
            tc.http_response(csv, headers=dict(AZ, **{"Content-Type": "text/csv"})))
    convs.append(app)
    ref = tc.Conversation(client=scraper, server=srv, t0=t + 8, isn=(77000, 88000))
    ref.client = (scraper[0], 51240)
    err = b'<?xml version="1.0" encoding="utf-8"?><Error><Code>PublicAccessNotPermitted</Code><Message>Public access is not permitted on this storage account.</Message></Error>'
    ref.add(tc.http_request("GET", "/private/payroll.csv", HOST, {"User-Agent": "curl/8.1.2"}),
            tc.http_response(err, status="409 Public access is not permitted on this storage account.",
                             headers=dict(AZ, **{"Content-Type": "application/xml", "x-ms-error-code": "PublicAccessNotPermitted"})))
    convs.append(ref)
    tc.write(out, convs)
    az = {"provider": "azure_blob"}
    exp = [
        dict(az, method="GET", path="/exports", status=200, auth="none", should_alert=False,
             resource={"account": "bluebleed", "container": "exports"}),
        dict(az, method="GET", path="/exports/customers.csv", status=200, auth="none", should_alert=True,
             resource={"account": "bluebleed", "container": "exports", "object": "customers.csv"}),
        dict(az, method="GET", path="/exports/mail/0001.eml", status=200, auth="none", should_alert=True,
             resource={"account": "bluebleed", "container": "exports", "object": "mail/0001.eml"}),
        dict(az, method="GET", path="/exports/customers.csv", status=200, auth="present", should_alert=False,
             resource={"account": "bluebleed", "container": "exports", "object": "customers.csv"}),
        dict(az, method="GET", path="/private/payroll.csv", status=409, auth="none", should_alert=False,
             resource={"account": "bluebleed", "container": "private", "object": "payroll.csv"}),
    ]
    base = os.path.splitext(out)[0]
    import json
    with open(base + ".expected.json", "w") as f:
        json.dump(exp, f, indent=1)
    with open(base + ".secrets.txt", "w") as f:
        f.write("\n".join(SECRETS + ["jane.doe@acme-logistics.com", "pieter.jansen@northwind.nl", "+31 20 555 0134"]) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
