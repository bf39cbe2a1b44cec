#!/usr/bin/env python3
"""Compare bleedwatch's HTTP transaction log with tshark over ../shared/pcaps.

Reference: for every capture the MANIFEST lists with HTTP frames, the number of
final HTTP/1.x responses over TCP that tshark 4 dissects (`http.response && tcp`,
status >= 200: 1xx interim responses are not transactions). Those counts are
cached in tshark_http_responses.tsv beside this script (keyed by sha256 and the
tshark version), regenerated with --refresh or when a file is missing from it.

bleedwatch side: responses in its --transactions log (lines with
http.response.status_code), per input file.

Per file, matched = min(bleedwatch, tshark); the total ratio is
sum(matched) / sum(tshark). Every file where the two differ gets a reason,
worked out from evidence (bleedwatch's per-file stats and flags, tshark's
ports); a difference with no evidence is printed as UNEXPLAINED.

usage: tshark_http.py [--bin BLEEDWATCH] [--shared DIR] [--refresh] [--min RATIO] [--table]
exit: 0 ratio >= min and nothing unexplained, 1 otherwise, 77 when ../shared is absent.
"""
import argparse
import collections
import csv
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
CACHE = os.path.join(HERE, "tshark_http_responses.tsv")
# Ports tshark 4.0 decodes as HTTP by default (http.tcp.port range + heuristics off).
TSHARK_HTTP_PORTS = {80, 3128, 3132, 5985, 8080, 8088, 11371, 1900, 2869, 2710}


def tshark_version():
    try:
        out = subprocess.run(["tshark", "--version"], capture_output=True, text=True).stdout
        return out.splitlines()[0].split()[2] if out else "none"
    except FileNotFoundError:
        return "none"


def load_manifest(shared):
    rows = []
    with open(os.path.join(shared, "pcaps", "MANIFEST.tsv"), newline="") as f:
        for r in csv.DictReader(f, delimiter="\t"):
            try:
                if int(r["http_frames"] or 0) > 0:
                    rows.append(r)
            except ValueError:
                pass
    return rows


def tshark_count(path):
    p = subprocess.run(["tshark", "-n", "-r", path, "-Y", "http.response && tcp", "-T", "fields",
                        "-e", "http.response.code", "-e", "tcp.srcport"],
                       capture_output=True, text=True, timeout=600)
    final = interim = 0
    ports = set()
    for line in p.stdout.splitlines():
        parts = line.split("\t")
        for code in parts[0].split(","):
            if not code.strip().isdigit():
                continue
            if int(code) >= 200:
                final += 1
            else:
                interim += 1
        if len(parts) > 1 and parts[1].isdigit():
            ports.add(int(parts[1]))
    return final, interim, sorted(ports)


def load_cache():
    c = {}
    if os.path.exists(CACHE):
        with open(CACHE) as f:
            for r in csv.DictReader(f, delimiter="\t"):
                c[r["file"]] = r
    return c


def save_cache(c):
    with open(CACHE, "w") as f:
        w = csv.writer(f, delimiter="\t", lineterminator="\n")
        w.writerow(["file", "sha256", "tshark", "responses", "interim", "ports"])
        for k in sorted(c):
            r = c[k]
            w.writerow([k, r["sha256"], r["tshark"], r["responses"], r["interim"], r["ports"]])


def run_bleedwatch(binary, paths, workdir):
    """Run in batches; returns {path: [txlog records]} and {path: stats} for files run alone."""
    by_file = collections.defaultdict(list)
    unreadable = {}
    batch = list(paths)
    while batch:
        chunk, batch = batch[:200], batch[200:]
        while chunk:
            tx = os.path.join(workdir, "tx.jsonl")
            args = [binary, "-q", "--no-merge", "--transactions", tx]   # separate captures
            for p in chunk:
                args += ["-r", p]
            r = subprocess.run(args, capture_output=True, text=True, timeout=1800)
            if r.returncode == 2:
                bad = next((p for p in chunk if p in r.stderr), None)
                if bad is None:
                    raise SystemExit("bleedwatch usage error: " + r.stderr.strip())
                unreadable[bad] = r.stderr.strip()
                chunk = [p for p in chunk if p != bad]
                continue
            if r.returncode != 0:
                raise SystemExit(f"bleedwatch exited {r.returncode}: {r.stderr[-2000:]}")
            with open(tx) as f:
                for line in f:
                    rec = json.loads(line)
                    by_file[rec["bleedwatch"]["input"]["pcap"]].append(rec)
            break
    return by_file, unreadable


def file_stats(binary, path, workdir):
    st = os.path.join(workdir, "st.json")
    subprocess.run([binary, "-q", "-r", path, "--stats", st], capture_output=True, timeout=600)
    try:
        with open(st) as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}


TUNNEL_TAGS = {"ip-in-ip", "gre", "vxlan", "geneve", "erspan", "pppoe", "mpls", "gtp", "teredo", "nsh"}


def explain(path, ts, bw, recs, stats, ts_ports, linktype, unreadable, tags=()):
    """Reasons for a difference, from evidence only."""
    why = []
    tun = sorted(TUNNEL_TAGS.intersection(tags))
    if tun and bw < ts:
        why.append("HTTP inside a tunnel the manifest names (" + ",".join(tun) + ")")
    if path in unreadable:
        why.append("capture file unreadable: " + unreadable[path].split(": ", 1)[-1][:80])
    if stats:
        if stats.get("capture", {}).get("read_errors"):
            why.append("capture file truncated/corrupt: reading stopped early (as tshark's does)")
        ra = stats.get("reassembly", {})
        lost = ra.get("gap_bytes_loss", 0) + ra.get("gap_bytes_snaplen", 0)
        if lost:
            why.append(f"TCP gaps: {lost} bytes never captured")
        dec = stats.get("decode", {})
        if dec.get("unsupported_link"):
            why.append(f"link type {linktype} not decoded")
        if dec.get("fragment"):
            why.append(f"{dec['fragment']} IP fragments (reassembly arrives with the mirror-port issue)")
        errs = {k: v for k, v in dec.items() if k not in ("ok", "other_l4", "not_ip", "fragment", "unsupported_link")}
        if errs:
            why.append("malformed packets: " + ", ".join(f"{k} {v}" for k, v in errs.items()))
        if ra.get("retrans_bytes") and bw < ts:
            why.append(f"segments repeated in the capture ({ra['retrans_bytes']} bytes): tshark dissects a "
                       "retransmitted response again, bleedwatch keeps the first copy")
        h = stats.get("dissectors", {}).get("http", {})
        if bw < ts and (h.get("resync") or h.get("bad_head")):
            why.append(f"HTTP heads bleedwatch rejects as malformed (resync {h.get('resync', 0)}, "
                       f"bad_head {h.get('bad_head', 0)})")
        trunc = stats.get("truncated_packets", 0)
        if trunc:
            why.append(f"{trunc} snaplen-truncated packets")
    bw_ports = {r["destination"]["port"] for r in recs} | {r["source"]["port"] for r in recs}
    if bw > ts:
        off = sorted(p for p in bw_ports if p not in TSHARK_HTTP_PORTS)
        if off:
            why.append(f"HTTP on ports tshark does not decode as HTTP: {off[:6]}")
    flags = collections.Counter(f for r in recs for f in r["bleedwatch"].get("flags", []))
    if flags.get("request_missing"):
        why.append(f"{flags['request_missing']} responses without their request (capture starts mid-stream)")
    if flags.get("resync"):
        why.append(f"{flags['resync']} transactions after a resync")
    return why


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="./bleedwatch")
    ap.add_argument("--shared", default=os.path.join(HERE, "..", "..", "..", "shared"))
    ap.add_argument("--refresh", action="store_true")
    ap.add_argument("--min", type=float, default=0.98)
    ap.add_argument("--table", action="store_true", help="print every file, not only differing ones")
    a = ap.parse_args()
    shared = os.path.normpath(a.shared)
    if not os.path.exists(os.path.join(shared, "pcaps", "MANIFEST.tsv")):
        print(f"skipped: {shared}/pcaps absent")
        return 77
    rows = load_manifest(shared)
    cache = {} if a.refresh else load_cache()
    ver = tshark_version()
    changed = False
    for r in rows:
        c = cache.get(r["file"])
        if c and c["sha256"] == r["sha256"]:
            continue
        if ver == "none":
            raise SystemExit(f"tshark not installed and {r['file']} not in {CACHE}")
        final, interim, ports = tshark_count(os.path.join(shared, "pcaps", r["file"]))
        cache[r["file"]] = {"sha256": r["sha256"], "tshark": ver, "responses": str(final),
                            "interim": str(interim), "ports": ",".join(map(str, ports))}
        changed = True
    if changed:
        save_cache(cache)
    ref = {r["file"]: int(cache[r["file"]]["responses"]) for r in rows if int(cache[r["file"]]["responses"]) > 0}
    paths = {os.path.join(shared, "pcaps", f): f for f in ref}
    with tempfile.TemporaryDirectory() as wd:
        by_file, unreadable = run_bleedwatch(a.bin, sorted(paths), wd)
        tot_ts = tot_match = tot_bw = 0
        unexplained = 0
        lines = []
        for path, f in sorted(paths.items(), key=lambda kv: kv[1]):
            ts = ref[f]
            recs = [x for x in by_file.get(path, []) if x["http"]["response"].get("status_code")]
            bw = len(recs)
            tot_ts += ts
            tot_bw += bw
            tot_match += min(ts, bw)
            if bw == ts and not a.table:
                continue
            why = []
            if bw != ts:
                row = next((r for r in rows if r["file"] == f), {})
                why = explain(path, ts, bw, recs, file_stats(a.bin, path, wd), cache[f]["ports"],
                              row.get("linktype", "?"), unreadable, row.get("tags", "").split(","))
                if not why:
                    why = ["UNEXPLAINED"]
                    unexplained += 1
            lines.append(f"{ts:6d} {bw:6d} {bw - ts:+6d}  {f}\n{'':22}" + "; ".join(why) if why else
                         f"{ts:6d} {bw:6d} {bw - ts:+6d}  {f}")
    print(f"{'tshark':>6} {'bw':>6} {'diff':>6}  file (reason where they differ)")
    for l in lines:
        print(l)
    ratio = tot_match / tot_ts if tot_ts else 1.0
    print(f"\nfiles with tshark responses: {len(ref)}; tshark responses {tot_ts}, bleedwatch {tot_bw}, "
          f"matched {tot_match}; ratio {ratio:.4f} (min {a.min}); unexplained {unexplained}")
    return 0 if ratio >= a.min and unexplained == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
