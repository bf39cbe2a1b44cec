#!/usr/bin/env python3
"""check_txlog.py TRUTH.json TXLOG.jsonl -> exit 0 if the transaction log matches the truth.

Truth: list of {method, path, status, resp_body (decoded bytes or null), flags}.
The log's transactions (lines with a response) must match the truth one to one,
in order: method, url.path, status code, decoded body bytes (when given), and
every expected flag present; a truth entry with no flags expects complete=true.
Prints one line per mismatch.
"""
import json
import sys


def main():
    truth = json.load(open(sys.argv[1]))
    log = [json.loads(l) for l in open(sys.argv[2]) if l.strip()]
    got = [r for r in log if r["http"]["response"].get("status_code")]
    bad = 0
    if len(got) != len(truth):
        print(f"transactions: got {len(got)}, want {len(truth)}")
        bad += 1
    for i, (t, r) in enumerate(zip(truth, got)):
        where = f"#{i} {t['method']} {t['path']}"
        req = r["http"]["request"]
        if req.get("method", "") != t["method"]:
            print(f"{where}: method {req.get('method')!r}"); bad += 1
        if r.get("url", {}).get("path", "") != t["path"]:
            print(f"{where}: path {r.get('url', {}).get('path')!r}"); bad += 1
        if r["http"]["response"]["status_code"] != t["status"]:
            print(f"{where}: status {r['http']['response']['status_code']}"); bad += 1
        dec = r["http"]["response"]["body"]["decoded_bytes"]
        if t["resp_body"] is not None and dec != t["resp_body"]:
            print(f"{where}: decoded body {dec}, want {t['resp_body']}"); bad += 1
        flags = set(r["bleedwatch"].get("flags", []))
        for f in t["flags"]:
            if f not in flags:
                print(f"{where}: flag {f} missing (have {sorted(flags)})"); bad += 1
        if not t["flags"] and not r["bleedwatch"]["complete"]:
            print(f"{where}: complete=false, flags {sorted(flags)}"); bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
