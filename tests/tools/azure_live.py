#!/usr/bin/env python3
"""A stand-in for an Azure Blob endpoint open to anonymous reads, and its
client, for live-capture tests on the loopback interface.

  azure_live.py serve PORT            serve until killed: GET /<container>/<blob>
                                      answers a CSV of five people (names,
                                      e-mails, phones) with Azure's headers
  azure_live.py fetch PORT N          N anonymous GETs, each on its own
                                      connection (its own source port);
                                      prints the number answered 200

Deterministic: blob K always holds the same five people.
"""
import http.client
import http.server
import sys

HOST = "fanout.blob.core.windows.net"


def csv_for(k):
    rows = ["id,first_name,last_name,email,phone"]
    for i in range(5):
        n = k * 5 + i
        rows.append(f"{n},Person{n},Tester{n},person{n}.tester@example-corp{k % 7}.com,+31 6 {1000 + n:04d} {5000 + n:04d}")
    return ("\n".join(rows) + "\n").encode()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        try:
            k = int(self.path.rsplit("-", 1)[1].split(".")[0])
        except (IndexError, ValueError):
            k = 0
        body = csv_for(k)
        self.send_response(200)
        self.send_header("Server", "Windows-Azure-Blob/1.0 Microsoft-HTTPAPI/2.0")
        self.send_header("x-ms-request-id", "9d2c5c4e-0001-0042-7a1b-%012d" % k)
        self.send_header("x-ms-version", "2021-08-06")
        self.send_header("x-ms-blob-type", "BlockBlob")
        self.send_header("Content-Type", "text/csv")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def main():
    if sys.argv[1] == "serve":
        http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[2])), Handler).serve_forever()
    elif sys.argv[1] == "fetch":
        ok = 0
        for k in range(int(sys.argv[3])):
            c = http.client.HTTPConnection("127.0.0.1", int(sys.argv[2]), timeout=5)
            c.request("GET", f"/customers/export-{k}.csv", headers={"Host": HOST, "User-Agent": "fanout-test"})
            r = c.getresponse()
            r.read()
            ok += r.status == 200
            c.close()
        print(ok)


if __name__ == "__main__":
    main()
