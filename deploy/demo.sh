#!/bin/sh
# make demo: replay the bundled capture (pcaps/demo.pcap, made by
# pcaps/make_demo.py) and show what bleedwatch found in it.
set -eu
cd "$(dirname "$0")/.."
BW=${BW:-./bleedwatch}
PCAP=${PCAP:-pcaps/demo.pcap}
echo "== replaying $PCAP"
echo "== HTTP transactions (--transactions -):"
"$BW" -r "$PCAP" --transactions -
