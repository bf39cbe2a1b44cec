#!/usr/bin/env python3
"""check_mirror.py MANIFEST KEY BASE_PREFIX VARIANT_PREFIX

A mirror-feed variant (pcaps/make_mirror.py) against its plain base capture.
PREFIX.tx, PREFIX.alerts and PREFIX.stats are bleedwatch's transaction log,
alerts and --stats JSON for each run. Checks:
  - the variant's transactions and alerts equal the base's, in order, once
    bleedwatch.tunnel, network.vlan, bleedwatch.flow_id and the input name
    are set aside (community_id, event ids, timestamps, bodies, PII: equal);
  - for a tunnel variant, every record carries bleedwatch.tunnel with the
    type and id the capture was made with;
  - every counter the manifest lists has exactly its value in the stats.
Prints one line per problem; exit 1 if any.
"""
import json
import sys


def load(p):
    return [json.loads(l) for l in open(p) if l.strip()]


def strip(r):
    r = json.loads(json.dumps(r))
    bw = r.get("bleedwatch", {})
    for k in ("tunnel", "flow_id", "input"):
        bw.pop(k, None)
    r.get("network", {}).pop("vlan", None)
    r.pop("input", None)
    return json.dumps(r, sort_keys=True)


def main():
    man = json.load(open(sys.argv[1]))[sys.argv[2]]
    base, var = sys.argv[3], sys.argv[4]
    bad = []
    for kind in ("tx", "alerts"):
        b, v = load(f"{base}.{kind}"), load(f"{var}.{kind}")
        if len(b) != len(v):
            bad.append(f"{kind}: {len(v)} records, base has {len(b)}")
        for i, (rb, rv) in enumerate(zip(b, v)):
            if strip(rb) != strip(rv):
                sb, sv = strip(rb), strip(rv)
                at = next((k for k in range(min(len(sb), len(sv))) if sb[k] != sv[k]), 0)
                bad.append(f"{kind} #{i} differs: base ...{sb[max(0, at - 60):at + 60]}... variant ...{sv[max(0, at - 60):at + 60]}...")
            if man.get("tunnel"):
                want = {"type": man["tunnel"][0], "id": man["tunnel"][1]}
                got = rv.get("bleedwatch", {}).get("tunnel")
                if got != want:
                    bad.append(f"{kind} #{i}: bleedwatch.tunnel {got}, want {want}")
        if kind == "tx" and not b:
            bad.append("base has no transactions: nothing compared")
    stats = json.load(open(f"{var}.stats"))
    for path, want in man["stats"].items():
        v = stats
        for k in path.split("."):
            v = v.get(k) if isinstance(v, dict) else None
        if v != want:
            bad.append(f"stats {path} = {v}, want {want}")
    for line in bad[:8]:
        print(line)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
