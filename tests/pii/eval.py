#!/usr/bin/python3
"""eval.py -- the PII engine against the labelled corpus, through `bleedwatch scan`.

    eval.py SCAN_CMD... -- DATA_DIR

SCAN_CMD is how to run the scan sub-command (e.g. build/release/tools/scan_main
or build/release/bleedwatch scan). Prints PASS/FAIL/SKIP lines on stdout and the
per-kind precision/recall table plus diagnostics on stderr.

Precision and recall from counts. The engine reports per kind how many
occurrences it found, not where, so findings are matched to the truth per file
and kind by count:
    TP = min(found, truth)   FP = max(0, found - truth)   FN = max(0, truth - found)
summed over files. This cannot see an engine that misses one value and
invents another in the same file and kind (that nets to zero), which is why
distinct counts are also checked exactly per file and kind, look-alike files
must be clean, and every labelled kind must be found in every file with the
kind's exact count for the precision/recall to be 1.
"""
import json
import os
import subprocess
import sys
import tempfile

KINDS = ['email', 'phone', 'payment_card', 'national_id', 'iban', 'person_name',
         'date_of_birth', 'postal_address', 'email_message', 'credential']
MIN_PRECISION = 0.99
MIN_RECALL = 0.95
ZERO_ON_LOOKALIKE = ['payment_card', 'national_id', 'iban']
STRUCTURED = {'csv', 'json', 'ndjson', 'xml', 'eml'}
SCAN_TYPE = {'csv': 'csv', 'json': 'json', 'ndjson': 'ndjson', 'xml': 'xml', 'eml': 'eml',
             'text': 'text', 'bin': 'text'}
CHUNK_SEEDS = [(1, 4096), (7, 4096), (424242, 4096), (99, 16)]   # (seed, largest piece)
BYTEWISE_MAX = 64 * 1024

n_fail = 0


def out(status, name, detail=''):
    global n_fail
    if status == 'FAIL':
        n_fail += 1
    print(f'{status} {name}' + (f': {detail}' if detail else ''), flush=True)


def err(*a):
    print(*a, file=sys.stderr, flush=True)


def run_scan(cmd, args, files, expect_rc=0):
    """Run scan over files; return {path: object} and the summary if any."""
    p = subprocess.run(cmd + args + files, capture_output=True)
    if p.returncode != expect_rc:
        raise RuntimeError(f'scan {" ".join(args)} exited {p.returncode}: '
                           f'{p.stderr.decode(errors="replace").strip()[:500]}')
    res, summary = {}, None
    for line in p.stdout.decode().splitlines():
        o = json.loads(line)
        if 'summary' in o:
            summary = o['summary']
        else:
            res[o['file']] = o
    return res, summary


def by_type(truth, data):
    groups = {}
    for name, t in truth['files'].items():
        groups.setdefault(SCAN_TYPE[t['type']], []).append(os.path.join(data, name))
    return groups


def scan_all(cmd, truth, data, extra):
    res = {}
    for typ, files in sorted(by_type(truth, data).items()):
        r, _ = run_scan(cmd, ['--type', typ] + extra, files)
        res.update(r)
    return {os.path.basename(k): v for k, v in res.items()}


def found(res, f, k):
    kk = res[f]['pii']['kinds'].get(k)
    return (kk['count'], kk['distinct']) if kk else (0, 0)


def main():
    if '--' not in sys.argv:
        sys.exit('usage: eval.py SCAN_CMD... -- DATA_DIR')
    i = sys.argv.index('--')
    cmd, data = sys.argv[1:i], sys.argv[i + 1]
    with open(os.path.join(data, 'truth.json')) as fh:
        truth = json.load(fh)
    files = truth['files']

    tmp = tempfile.mkdtemp()
    keyfile = os.path.join(tmp, 'key')
    with open(os.open(keyfile, os.O_WRONLY | os.O_CREAT, 0o600), 'wb') as fh:
        fh.write(bytes(range(32)))
    key = ['--hash-key-file', keyfile]

    # ---- whole-file scan with the labelled type ----
    try:
        whole = scan_all(cmd, truth, data, key)
    except RuntimeError as e:
        out('FAIL', 'scan_runs', str(e))
        return
    missing = [f for f in files if f not in whole]
    if missing:
        out('FAIL', 'scan_outputs', f'no output for {missing[:5]}')
        return
    out('PASS', 'scan_outputs')

    # ---- sniffing: the type scan picks on its own ----
    auto, _ = run_scan(cmd, key, [os.path.join(data, f) for f in files if files[f]['type'] != 'bin'])
    bad = [f'{os.path.basename(p)}: {o["type"]} != {files[os.path.basename(p)]["type"]}'
           for p, o in auto.items() if o['type'] != files[os.path.basename(p)]['type']]
    out('FAIL' if bad else 'PASS', 'sniff_types', '; '.join(bad[:5]))

    # ---- precision / recall per kind ----
    tp = dict.fromkeys(KINDS, 0); fp = dict.fromkeys(KINDS, 0); fn = dict.fromkeys(KINDS, 0)
    diffs = {k: [] for k in KINDS}
    for f, t in files.items():
        for k in KINDS:
            want = t['kinds'].get(k, {}).get('count', 0)
            got, _ = found(whole, f, k)
            tp[k] += min(got, want)
            fp[k] += max(0, got - want)
            fn[k] += max(0, want - got)
            if got != want:
                diffs[k].append(f'{f} {got}/{want}')
    err('')
    err(f'{"kind":<16}{"truth":>7}{"found":>7}{"TP":>7}{"FP":>6}{"FN":>6}{"precision":>11}{"recall":>8}')
    for k in KINDS:
        T = tp[k] + fn[k]
        P = tp[k] / (tp[k] + fp[k]) if tp[k] + fp[k] else (1.0 if T == 0 else 0.0)
        R = tp[k] / T if T else 1.0
        err(f'{k:<16}{T:>7}{tp[k] + fp[k]:>7}{tp[k]:>7}{fp[k]:>6}{fn[k]:>6}{P:>11.4f}{R:>8.4f}')
        name = f'kind_{k}'
        detail = f'precision={P:.4f} (min {MIN_PRECISION}) recall={R:.4f} (min {MIN_RECALL})'
        if T == 0 and fp[k] == 0:
            out('SKIP', name, 'no labelled occurrences')
        elif P >= MIN_PRECISION and R >= MIN_RECALL:
            out('PASS', name + f' precision={P:.4f} recall={R:.4f}')
        else:
            out('FAIL', name, detail + '; files found/truth: ' + ', '.join(diffs[k][:6]))
    err('')
    for k in KINDS:
        if diffs[k]:
            err(f'  {k} count differs in: ' + ', '.join(diffs[k]))

    # ---- exact distinct counts, records, organisations per labelled file ----
    for f, t in files.items():
        if t['lookalike']:
            continue
        bad = []
        for k, kt in t['kinds'].items():
            c, d = found(whole, f, k)
            if d != kt['distinct']:
                bad.append(f'{k} distinct {d} != {kt["distinct"]}')
        p = whole[f]['pii']
        if p['organizations'] != t['organizations']:
            bad.append(f'organizations {p["organizations"]} != {t["organizations"]}')
        if t['type'] in STRUCTURED and p['records'] != t['records']:
            bad.append(f'records {p["records"]} != {t["records"]}')
        if not p['complete']:
            bad.append('complete=false on a whole file')
        out('FAIL' if bad else 'PASS', f'exact {f}', '; '.join(bad))

    # ---- look-alikes: zero cards, national ids, IBANs ----
    for f, t in files.items():
        if not t['lookalike']:
            continue
        hits = {k: found(whole, f, k)[0] for k in KINDS if found(whole, f, k)[0]}
        hard = {k: v for k, v in hits.items() if k in ZERO_ON_LOOKALIKE}
        if hits:
            err(f'  look-alike {f}: findings {hits}')
        out('FAIL' if hard else 'PASS', f'lookalike_clean {f}', f'findings {hard}' if hard else '')

    # ---- nothing raw in the output ----
    text = json.dumps(whole, ensure_ascii=False).lower()
    leaked = []
    for f, t in files.items():
        for k, kt in t['kinds'].items():
            if k in ('email_message', 'date_of_birth'):
                continue
            for v in set(kt['values']):
                if len(v) >= 6 and v in text:
                    leaked.append(f'{f} {k}')
                    break
    out('FAIL' if leaked else 'PASS', 'no_raw_values_in_output', ', '.join(leaked[:5]))
    unmasked = [f'{f} {k}' for f, o in whole.items() for k, r in o['pii']['kinds'].items()
                for smp in r.get('samples', []) if '*' not in smp and k != 'email_message']
    out('FAIL' if unmasked else 'PASS', 'samples_masked', ', '.join(unmasked[:5]))

    # ---- streaming: random chunking and byte-by-byte give identical findings ----
    for seed, biggest in CHUNK_SEEDS:
        try:
            ch = scan_all(cmd, truth, data, key + ['--chunk-random', f'{seed}:{biggest}'])
        except RuntimeError as e:
            out('FAIL', f'chunk_random seed={seed} max={biggest}', str(e))
            continue
        bad = [f for f in files if ch.get(f, {}).get('pii') != whole[f]['pii']]
        for f in bad[:3]:
            err(f'  chunk seed {seed} {f}:\n    whole {json.dumps(whole[f]["pii"])[:600]}\n'
                f'    chunk {json.dumps(ch.get(f, {}).get("pii"))[:600]}')
        out('FAIL' if bad else 'PASS', f'chunk_random seed={seed} max={biggest}', f'differs: {bad[:5]}' if bad else '')
    small = {f: t for f, t in files.items() if os.path.getsize(os.path.join(data, f)) <= BYTEWISE_MAX}
    try:
        bw = scan_all(cmd, {'files': small}, data, key + ['--chunk', '1'])
        bad = [f for f in small if bw.get(f, {}).get('pii') != whole[f]['pii']]
        out('FAIL' if bad else 'PASS', f'chunk_bytewise ({len(small)} files)',
            f'differs: {bad[:5]}' if bad else '')
    except RuntimeError as e:
        out('FAIL', 'chunk_bytewise', str(e))

    # ---- --summary totals across files ----
    groups = by_type(truth, data)
    typ = 'csv'
    r, s = run_scan(cmd, ['--type', typ, '--summary'] + key, groups[typ])
    if not s:
        out('FAIL', 'summary', 'no summary object')
    else:
        sp = s['pii']
        tot = sum(o['pii']['total'] for o in r.values())
        rec = sum(o['pii']['records'] for o in r.values())
        dmax = max(o['pii']['distinct'] for o in r.values())
        dsum = sum(o['pii']['distinct'] for o in r.values())
        ok = (s['files'] == len(groups[typ]) and sp['total'] == tot and sp['records'] == rec
              and dmax <= sp['distinct'] <= dsum
              and s['bytes'] == sum(os.path.getsize(p) for p in groups[typ]))
        for k in KINDS:
            ck = sum(o['pii']['kinds'].get(k, {}).get('count', 0) for o in r.values())
            if sp['kinds'].get(k, {}).get('count', 0) != ck:
                ok = False
        out('PASS' if ok else 'FAIL', 'summary_totals',
            '' if ok else f'summary {json.dumps(s)[:300]} vs total={tot} records={rec} distinct {dmax}..{dsum}')

    # ---- --disable removes a kind, --scan-cap makes the result incomplete ----
    f = os.path.join(data, 'customers_en_US.csv')
    r, _ = run_scan(cmd, key + ['--disable', 'email,phone'], [f])
    o = r[f]['pii']['kinds']
    ok = 'email' not in o and 'phone' not in o and 'person_name' in o
    out('PASS' if ok else 'FAIL', 'disable_kinds', '' if ok else f'kinds {list(o)}')
    r, _ = run_scan(cmd, key + ['--scan-cap', '1000'], [f])
    p = r[f]['pii']
    ok = p['complete'] is False and 0 < p['total'] < whole['customers_en_US.csv']['pii']['total']
    out('PASS' if ok else 'FAIL', 'scan_cap_incomplete', '' if ok else json.dumps(p)[:300])


if __name__ == '__main__':
    try:
        main()
    except Exception as e:  # a crash is one FAIL line, not a silent pass
        out('FAIL', 'eval_crashed', repr(e))
    sys.exit(1 if n_fail else 0)
