#!/bin/sh
# Install what building, running and testing Voronka needs on Debian 12, from Debian's packages.
# Idempotent: does nothing (and asks no network) when everything is already there.
set -e
PKGS="build-essential pkg-config libmicrohttpd-dev libjansson-dev libsqlite3-dev libsodium-dev
libgnutls28-dev zlib1g-dev libxlsxwriter-dev sqlite3 python3 curl clang libclang-rt-14-dev wrk nodejs npm"
# --test: also what only the tests need: Debian's chromium, which the web UI's tests drive.
[ "${1:-}" = "--test" ] && PKGS="$PKGS chromium"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
# Node.js may come from outside Debian's packages (the CI image has v20): accept any node >= 18.
if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
	missing=$(echo "$missing" | tr ' ' '\n' | grep -vx 'nodejs' | grep -vx 'npm' | tr '\n' ' ')
fi
missing=$(echo $missing)
[ -z "$missing" ] && exit 0
echo "installing: $missing"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq $missing
