#!/bin/bash
# tests/pii/regen.sh [--check]
# Regenerates the labelled PII corpus tests/pii/data/ (and truth.json) with the
# pinned generator (npm ci from package-lock.json; needs the npm registry).
# The output is deterministic: --check generates into a temporary directory
# and fails if anything differs from the committed data.
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -d node_modules/@faker-js/faker ]; then
    npm ci --no-audit --no-fund >&2
fi
if [ "${1:-}" = "--check" ]; then
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    node gen.js "$tmp" 2>/dev/null
    if diff -r "$tmp" data >/dev/null; then
        echo "tests/pii/data is up to date (generator is deterministic)"
    else
        diff -rq "$tmp" data || true
        echo "tests/pii/data differs from a fresh generation: run tests/pii/regen.sh" >&2
        exit 1
    fi
else
    node gen.js data
    echo "wrote tests/pii/data ($(ls data | wc -l) files, $(du -sh data | cut -f1))" >&2
fi
