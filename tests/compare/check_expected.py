#!/usr/bin/env python3
"""check_expected.py EXPECTED.json TXLOG.jsonl ALERTS.jsonl [SECRETS.txt OUTPUT...]

EXPECTED: the capture's transactions in order (pcaps/real/*), each with
method, path, status, provider, resource, auth, should_alert.
Checks: the transaction log holds them (same order, method/path/status, provider,
auth state); exactly the should_alert ones raised an alert, with the right
provider and resource; no output file contains any line of SECRETS.
Prints one line per problem; exit 1 if any.
"""
import json
import sys


def load(p):
    return [json.loads(l) for l in open(p) if l.strip()]


def main():
    exp = json.load(open(sys.argv[1]))
    tx = [r for r in load(sys.argv[2]) if r["http"]["response"].get("status_code")]
    alerts = load(sys.argv[3])
    bad = []
    if len(tx) != len(exp):
        bad.append(f"transactions: got {len(tx)}, want {len(exp)}")
    for i, (e, r) in enumerate(zip(exp, tx)):
        w = f"#{i} {e['method']} {e['path']}"
        if r["http"]["request"].get("method") != e["method"]:
            bad.append(f"{w}: method {r['http']['request'].get('method')}")
        if r["url"].get("path") != e["path"]:
            bad.append(f"{w}: path {r['url'].get('path')}")
        if r["http"]["response"]["status_code"] != e["status"]:
            bad.append(f"{w}: status {r['http']['response']['status_code']} want {e['status']}")
        st = r["bleedwatch"].get("storage", {})
        if e.get("provider") and st.get("provider") != e["provider"]:
            bad.append(f"{w}: provider {st.get('provider')} want {e['provider']}")
        auth = r["bleedwatch"].get("auth", {}).get("state")
        if e.get("auth") and auth != e["auth"]:
            bad.append(f"{w}: auth {auth} want {e['auth']}")
    want = [e for e in exp if e["should_alert"]]
    got = {(a["url"]["path"], a["http"]["request"]["method"]): a for a in alerts}
    if len(alerts) != len(want):
        bad.append(f"alerts: got {len(alerts)}, want {len(want)}: "
                   f"{sorted(a['url']['path'] for a in alerts)} vs {sorted(e['path'] for e in want)}")
    for e in want:
        a = got.get((e["path"], e["method"]))
        if not a:
            bad.append(f"no alert for {e['method']} {e['path']}")
            continue
        st = a["bleedwatch"]["storage"]
        if st.get("provider") != e["provider"]:
            bad.append(f"alert {e['path']}: provider {st.get('provider')}")
        for k, v in (e.get("resource") or {}).items():
            key = {"bucket": "container"}.get(k, k)
            if v and st.get(key) != v:
                bad.append(f"alert {e['path']}: {key} {st.get(key)!r} want {v!r}")
    if len(sys.argv) > 4:
        secrets = [s.strip() for s in open(sys.argv[4]) if len(s.strip()) >= 6]
        for out in sys.argv[5:]:
            text = open(out, errors="replace").read()
            for s in secrets:
                if s in text:
                    bad.append(f"{out} contains a raw secret/PII value ({len(s)} chars)")
    for b in bad:
        print(b)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
