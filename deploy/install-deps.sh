#!/bin/sh
# Install the Debian 12 packages bleedwatch needs to build, test and demo.
# Idempotent: installs only what is missing, and prints nothing when all is there.
# Usage: deploy/install-deps.sh [--runtime-only]
set -eu

BUILD="build-essential pkg-config clang libclang-rt-14-dev
  libpcap-dev libndpi-dev libmaxminddb-dev libhiredis-dev libhyperscan-dev
  zlib1g-dev libisal-dev libbrotli-dev libzstd-dev libssl-dev libxxhash-dev"
TEST="redis-server redis-tools tshark python3-scapy libmaxmind-db-writer-perl chromium
  tcpdump iproute2 curl libndpi-bin"

pkgs="$BUILD $TEST"
[ "${1:-}" = "--runtime-only" ] && pkgs="libpcap0.8 libndpi4.2 libmaxminddb0 libhiredis0.14 libhyperscan5 zlib1g libisal2 libbrotli1 libzstd1 libssl3 libxxhash0 redis-tools"

missing=""
for p in $pkgs; do
    st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    case "$st" in *"install ok installed"*) ;; *) missing="$missing $p" ;; esac
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
        echo "install-deps: missing packages:$missing (run as root to install them)" >&2
        exit 1
    fi
else SUDO=""; fi

echo "install-deps: installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; answer no without a prompt.
echo "wireshark-common wireshark-common/install-setuid boolean false" | $SUDO debconf-set-selections 2>/dev/null || true
$SUDO apt-get update -qq >/dev/null
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
