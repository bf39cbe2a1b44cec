# tests/lib.sh -- sourced by end-to-end scripts.
# BW_BIN (the bleedwatch binary of the variant under test) and BW_BUILD come
# from tests/run.sh; a script run by hand falls back to the release build.
: "${BW_BUILD:=build/release}"
: "${BW_BIN:=$BW_BUILD/bleedwatch}"
SHARED=${SHARED:-../shared}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: ${2:-}"; }
skip() { echo "SKIP $1: ${2:-}"; }
check() {  # name, condition words...
    local name=$1; shift
    if "$@"; then pass "$name"; else fail "$name" "$*"; fi
}
# python3 is Debian's interpreter where it is there: the same 3.11 as a pyenv
# shim would find, without the shim's ~0.3 s per call (tests call it hundreds
# of times).
if [ -x /usr/bin/python3 ]; then python3() { /usr/bin/python3 "$@"; }; fi
