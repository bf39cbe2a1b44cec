# deploy/geoip-fetch.sh against a fake npm (no network): first fetch, idempotent
# re-run, update, offline with and without a copy, bad packages, no npm at all.
. tests/lib.sh

FETCH=deploy/geoip-fetch.sh
PKGNAME=geo-whois-asn-country
SRC=tests/geoip/plain-country-ipv4.mmdb
mkdir -p "$TMP/bin"
# The fake npm answers "view PKG version" with $FAKE_VERSION (fails when
# $FAKE_OFFLINE is set) and "pack PKG@VER" with a tarball shaped like the
# real package (package/*.mmdb), or with $FAKE_LAYOUT variations.
cat >"$TMP/bin/npm" <<'NPM'
#!/bin/sh
case "$1" in
view)
    [ -n "${FAKE_OFFLINE:-}" ] && { echo "npm error code ENOTFOUND" >&2; exit 1; }
    echo "$FAKE_VERSION" ;;
pack)
    echo x >>"$FAKE_COUNT"
    ver=${3##*@}
    rm -rf package && mkdir package
    case "${FAKE_LAYOUT:-good}" in
    good)
        for f in geo-whois-asn-country geo-whois-asn-country-ipv4 geo-whois-asn-country-ipv6; do
            cp "$FAKE_SRC" "package/$f.mmdb"
        done ;;
    none) echo "nothing" >package/README.md ;;
    junk) echo "not a database" >package/geo-whois-asn-country.mmdb ;;
    esac
    echo '{}' >package/package.json
    tar -czf "ip-location-db-geo-whois-asn-country-mmdb-$ver.tgz" package
    rm -rf package
    echo "ip-location-db-geo-whois-asn-country-mmdb-$ver.tgz" ;;
*) exit 1 ;;
esac
NPM
chmod +x "$TMP/bin/npm"
export FAKE_SRC="$PWD/$SRC" FAKE_COUNT="$TMP/count"
: >"$FAKE_COUNT"
today=$(date -u +%Y%m%d)00
D="$TMP/geo"
run() {  # env assignments are the caller's; stdout/stderr to files
    PATH="$TMP/bin:$PATH" sh "$FETCH" "$@" >"$TMP/out" 2>"$TMP/err"
}
packs() { wc -l <"$FAKE_COUNT"; }

# no npm at all: one clear message, nothing created
env PATH=/nonexistent /bin/sh "$FETCH" "$D" >"$TMP/out" 2>"$TMP/err"; rc=$?
check fetch_no_npm_fails [ "$rc" -eq 1 ]
check fetch_no_npm_says_so grep -q "npm is not installed" "$TMP/err"
check fetch_no_npm_creates_nothing [ ! -e "$D" ]

# first fetch
FAKE_VERSION=2.3.$today run "$D"; rc=$?
check fetch_first_ok [ "$rc" -eq 0 ]
check fetch_first_one_pack [ "$(packs)" -eq 1 ]
check fetch_first_lists_three [ "$(grep -c "^$D/$PKGNAME.*\.mmdb$" "$TMP/out")" -eq 3 ]
check fetch_first_same_bytes cmp -s "$SRC" "$D/$PKGNAME.mmdb"
check fetch_first_stamp [ "$(cat "$D/.$PKGNAME-mmdb.version")" = "2.3.$today" ]
check fetch_first_use_line grep -qx "geoip-fetch: use: --geoip $D/$PKGNAME.mmdb" "$TMP/err"
check fetch_fresh_no_warning sh -c "! grep -q warning '$TMP/err'"
check fetch_no_temp_left sh -c "! ls -a '$D' | grep -q '\.new$'"

# same version again: nothing downloaded, file untouched
ino=$(stat -c %i "$D/$PKGNAME.mmdb")
FAKE_VERSION=2.3.$today run "$D"; rc=$?
check fetch_again_ok [ "$rc" -eq 0 ]
check fetch_again_no_pack [ "$(packs)" -eq 1 ]
check fetch_again_says_up_to_date grep -q "already up to date" "$TMP/err"
check fetch_again_same_file [ "$(stat -c %i "$D/$PKGNAME.mmdb")" = "$ino" ]

# another version (an old build, to see the age warning): fetched, replaced
# by rename, stamp updated
FAKE_VERSION=2.3.2020010100 run "$D"; rc=$?
check fetch_update_ok [ "$rc" -eq 0 ]
check fetch_update_packs [ "$(packs)" -eq 2 ]
check fetch_update_stamp [ "$(cat "$D/.$PKGNAME-mmdb.version")" = "2.3.2020010100" ]
check fetch_update_renamed [ "$(stat -c %i "$D/$PKGNAME.mmdb")" != "$ino" ]
check fetch_old_data_warns grep -q "warning: this data is old" "$TMP/err"

# offline: keep the copy there; with none, fail
FAKE_OFFLINE=1 run "$D"; rc=$?
check fetch_offline_keeps [ "$rc" -eq 0 ]
check fetch_offline_says_so grep -q "keeping what is there" "$TMP/err"
check fetch_offline_lists [ "$(grep -c '\.mmdb$' "$TMP/out")" -eq 3 ]
FAKE_OFFLINE=1 run "$TMP/empty"; rc=$?
check fetch_offline_empty_fails [ "$rc" -eq 1 ]
check fetch_offline_shows_npm_error grep -q "ENOTFOUND" "$TMP/err"

# a package with no database, or a broken one
FAKE_VERSION=1.0.0 FAKE_LAYOUT=none run "$TMP/none"; rc=$?
check fetch_no_mmdb_fails [ "$rc" -eq 1 ]
check fetch_no_mmdb_lists_package grep -q "README.md" "$TMP/err"
FAKE_VERSION=1.0.0 FAKE_LAYOUT=junk run "$TMP/junk"; rc=$?
check fetch_junk_fails [ "$rc" -eq 1 ]
check fetch_junk_skipped grep -q "not a MaxMind DB; skipped" "$TMP/err"
check fetch_junk_not_installed [ ! -e "$TMP/junk/$PKGNAME.mmdb" ]
