#!/bin/sh
# deploy/geoip-fetch.sh [DIR] -- fetch a free country database for --geoip.
#
# Gets the CC0 (public domain) country database of ip-location-db
# (https://github.com/sapics/ip-location-db, GeoFeed + Whois + ASN data) from
# the npm registry, package @ip-location-db/geo-whois-asn-country-mmdb, and
# puts its .mmdb files (IPv4, IPv6, and both in one) into DIR, default
# /var/lib/bleedwatch/geoip. Prints their paths, and the --geoip option to use.
#
# Idempotent: the package version is kept in DIR/.geo-whois-asn-country.version
# and nothing is downloaded when it is already the newest. Files are replaced
# by rename, so a running sensor keeps reading the old copy it has mapped.
#
# This database has the country only (top-level "country_code"). For city and
# AS fields give the sensor MaxMind's GeoLite2-City and GeoLite2-ASN too (free
# account and licence key; geoipupdate does that), before this one:
#   --geoip GeoLite2-City.mmdb --geoip GeoLite2-ASN.mmdb --geoip <these>
#
# Needs npm (Debian: apt-get install npm) and network access to the registry.
set -eu

PKG=@ip-location-db/geo-whois-asn-country-mmdb
DIR=${1:-/var/lib/bleedwatch/geoip}
STAMP=.geo-whois-asn-country.version

say() { echo "geoip-fetch: $*" >&2; }

if ! command -v npm >/dev/null 2>&1; then
    say "npm is not installed, so $PKG cannot be fetched."
    say "Install it (Debian: apt-get install npm) and run this again, or download the"
    say ".mmdb files of that package by hand (https://www.npmjs.com/package/$PKG) into $DIR."
    exit 1
fi

mkdir -p "$DIR" 2>/dev/null || { say "cannot create $DIR"; exit 1; }
[ -w "$DIR" ] || { say "cannot write to $DIR (run as a user who can, or give another DIR)"; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/bw-geoip.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
# A private npm cache: works without a HOME (cron, systemd) and leaves none behind.
export npm_config_cache="$tmp/npm-cache" npm_config_update_notifier=false npm_config_fund=false

if ! version=$(npm view "$PKG" version 2>"$tmp/err") || [ -z "$version" ]; then
    say "cannot ask the npm registry about $PKG:"
    sed 's/^/    /' "$tmp/err" >&2
    exit 1
fi

# Paths on stdout; the options to pass on stderr. The package has an IPv4
# file, an IPv6 file and one with both; the combined one is all a sensor needs.
print_result() {
    say "$PKG $version in $DIR"
    for f in "$DIR"/*.mmdb; do
        [ -f "$f" ] && echo "$f"
    done
    if [ -f "$DIR/geo-whois-asn-country.mmdb" ]; then
        say "use: --geoip $DIR/geo-whois-asn-country.mmdb"
    else
        opts=""
        for f in "$DIR"/*.mmdb; do
            [ -f "$f" ] && opts="$opts --geoip $f"
        done
        say "use:$opts"
    fi
}

if [ -f "$DIR/$STAMP" ] && [ "$(cat "$DIR/$STAMP")" = "$version" ] &&
   ls "$DIR"/*.mmdb >/dev/null 2>&1; then
    say "already up to date"
    print_result
    exit 0
fi

say "fetching $PKG@$version"
if ! (cd "$tmp" && npm pack --silent "$PKG@$version" >"$tmp/name" 2>"$tmp/err"); then
    say "npm pack $PKG@$version failed:"
    sed 's/^/    /' "$tmp/err" >&2
    exit 1
fi
tarball="$tmp/$(tail -n 1 "$tmp/name")"
[ -f "$tarball" ] || { say "npm pack made no tarball"; exit 1; }
mkdir "$tmp/x"
tar -xzf "$tarball" -C "$tmp/x"

n=0
for f in $(find "$tmp/x" -type f -name '*.mmdb' | sort); do
    base=$(basename "$f")
    # A MaxMind DB ends with its metadata, introduced by "\xAB\xCD\xEFMaxMind.com".
    if ! tail -c 131072 "$f" | grep -q 'MaxMind\.com'; then
        say "$base in the package is not a MaxMind DB; skipped"
        continue
    fi
    cp "$f" "$DIR/.$base.new"
    chmod 0644 "$DIR/.$base.new"
    mv -f "$DIR/.$base.new" "$DIR/$base"
    n=$((n + 1))
done
if [ "$n" -eq 0 ]; then
    say "no .mmdb file in $PKG@$version; the package layout may have changed:"
    (cd "$tmp/x" && find . -type f) | sed 's/^/    /' >&2
    exit 1
fi
echo "$version" >"$DIR/.$STAMP.new" && mv -f "$DIR/.$STAMP.new" "$DIR/$STAMP"
print_result
