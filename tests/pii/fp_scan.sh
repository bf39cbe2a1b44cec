#!/bin/bash
# tests/pii/fp_scan.sh -- false-positive survey of the PII engine on real,
# PII-free bytes. Not part of `make test` (it wants npm for node_modules and
# takes a minute); prints a table of findings per 100 MB per kind and source.
#
#   tests/pii/fp_scan.sh                 ~100 MB: JavaScript + /usr/share/doc + random bytes
#   FP_DOC_MB=40 FP_RANDOM_MB=8 tests/pii/fp_scan.sh
#
# Sources, each file scanned as one response body (type sniffed):
#   js      installed JavaScript/JSON: tests/pii/node_modules (after npm ci),
#           /usr/lib/node_modules, /usr/share/javascript
#   doc     /usr/share/doc text (gzip'd files decompressed), up to FP_DOC_MB
#   random  FP_RANDOM_MB of /dev/urandom in 1 MB bodies
# Expectation: zero payment cards, national ids and IBANs (exit 1 otherwise).
# Other kinds are printed for judgement: /usr/share/doc holds real maintainer
# e-mail addresses and names (copyright files), which are not false positives.
set -uo pipefail
cd "$(dirname "$0")/../.."
DOC_MB=${FP_DOC_MB:-64}
RANDOM_MB=${FP_RANDOM_MB:-16}
B=${BW_BUILD:-build/release}
make --no-print-directory "$B/tools/scan_main" >/dev/null || exit 2
SCAN=$B/tools/scan_main
W=$(mktemp -d /tmp/bw_fp_scan.XXXXXX)
trap 'rm -rf "$W"' EXIT

if [ ! -d tests/pii/node_modules ] && command -v npm >/dev/null; then
    (cd tests/pii && npm ci --no-audit --no-fund >/dev/null 2>&1) || echo "npm ci failed; js from system dirs only" >&2
fi

# ---- file lists ----
: >"$W/js.list"
for d in tests/pii/node_modules /usr/lib/node_modules /usr/share/javascript; do
    [ -d "$d" ] && find "$d" -type f \( -name '*.js' -o -name '*.mjs' -o -name '*.cjs' -o -name '*.json' \) \
        -size +0 -print >>"$W/js.list"
done

mkdir -p "$W/doc"
limit=$(( DOC_MB * 1024 * 1024 )); total=0; n=0
while IFS= read -r -d '' f; do
    [ "$total" -ge "$limit" ] && break
    n=$((n + 1)); out="$W/doc/$n"
    case "$f" in
        *.gz) zcat -f -- "$f" >"$out" 2>/dev/null || { rm -f "$out"; continue; } ;;
        *) cp -- "$f" "$out" 2>/dev/null || continue ;;
    esac
    # text only: skip binaries (images, compiled examples)
    if [ ! -s "$out" ] || ! grep -qI '' "$out"; then rm -f "$out"; continue; fi
    total=$(( total + $(stat -c %s "$out") ))
    printf '%s\t%s\n' "$out" "$f" >>"$W/doc.map"
done < <(find /usr/share/doc -type f -print0 | sort -z)
find "$W/doc" -type f >"$W/doc.list"

mkdir -p "$W/random"
for i in $(seq 1 "$RANDOM_MB"); do head -c 1048576 /dev/urandom >"$W/random/$i"; done
find "$W/random" -type f >"$W/random.list"

# ---- scan ----
for src in js doc random; do
    tr '\n' '\0' <"$W/$src.list" | xargs -0 -r -n 500 "$SCAN" >>"$W/$src.out" 2>>"$W/errors" || true
done

/usr/bin/python3 - "$W" <<'EOF'
import json, sys, os
W = sys.argv[1]
KINDS = ['email', 'phone', 'payment_card', 'national_id', 'iban', 'person_name',
         'date_of_birth', 'postal_address', 'email_message', 'credential']
HARD = ['payment_card', 'national_id', 'iban']
short = {'payment_card': 'card', 'national_id': 'natid', 'person_name': 'name',
         'date_of_birth': 'dob', 'postal_address': 'addr', 'email_message': 'msg', 'credential': 'cred'}
rows, worst, all_b, all_k = [], [], 0, dict.fromkeys(KINDS, 0)
origin = {}
if os.path.exists(os.path.join(W, 'doc.map')):
    for line in open(os.path.join(W, 'doc.map')):
        tmp, orig = line.rstrip('\n').split('\t', 1)
        origin[tmp] = orig
for src in ['js', 'doc', 'random']:
    b, nf, k = 0, 0, dict.fromkeys(KINDS, 0)
    for line in open(os.path.join(W, src + '.out')):
        o = json.loads(line)
        b += o['bytes']; nf += 1
        for kind, r in o['pii']['kinds'].items():
            k[kind] += r['count']
            worst.append((r['count'], kind, src, origin.get(o['file'], o['file']), r.get('samples', [])))
    rows.append((src, nf, b, k))
    all_b += b
    for kk in KINDS: all_k[kk] += k[kk]
rows.append(('all', sum(r[1] for r in rows), all_b, all_k))
print(f'PII false-positive survey: findings per 100 MB (raw counts in brackets)')
print(f'{"source":<8}{"files":>7}{"MB":>8}' + ''.join(f'{short.get(k, k):>16}' for k in KINDS))
for src, nf, b, k in rows:
    mb = b / 1e6
    cells = ''.join(f'{(k[kk] * 100 / mb if mb else 0):>9.1f}{"(" + str(k[kk]) + ")":>7}' for kk in KINDS)
    print(f'{src:<8}{nf:>7}{mb:>8.1f}{cells}')
errs = os.path.getsize(os.path.join(W, 'errors'))
if errs:
    print(f'(scan printed {errs} bytes of errors, e.g. unreadable files)')
hard = sum(all_k[k] for k in HARD)
# where the findings come from: the top files per kind, masked samples only
for kind in KINDS:
    top = sorted((w for w in worst if w[1] == kind), reverse=True)[:3 if kind not in HARD else 20]
    if top:
        print(f'top files for {kind}:')
        for c, _, src, f, s in top:
            print(f'  {c:>6} {src:<6} {f} {s}')
print('expectation (0 cards, 0 national ids, 0 IBANs):', 'met' if hard == 0 else f'NOT met ({hard})')
sys.exit(0 if hard == 0 else 1)
EOF
