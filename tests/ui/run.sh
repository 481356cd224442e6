#!/bin/sh
# tests/ui/run.sh — the web UI in a real browser: playwright-core drives Debian's chromium
# (/usr/bin/chromium, headless) against a real voronka: `init --demo` in a temporary folder, served
# on a free loopback port with the built UI (web/dist), stopped at the end.
#   VORONKA_BIN     the binary (default build/voronka)
#   CHROMIUM        the browser (default /usr/bin/chromium)
#   UI_SCREENSHOTS  a folder for a screenshot of each main screen (docs/screenshots to refresh
#                   the README's); by default they go to the temporary folder and are dropped
#   UI_ONLY         run only the tests whose name contains this
#   UI_WEB_ROOT     the folder whose dist/ is served (default web/; its dist/ must be built)
# Runs `npm ci` here and builds web/ first when needed. The last line is "N passed, N failed".
set -u
cd "$(dirname "$0")" || exit 1
UI_DIR=$(pwd)
ROOT=$(cd ../.. && pwd)
BIN=${VORONKA_BIN:-$ROOT/build/voronka}
case $BIN in /*) ;; *) BIN=$ROOT/$BIN ;; esac
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}

pid=""
tmp=$(mktemp -d "${TMPDIR:-/tmp}/voronka-ui.XXXXXX")
cleanup() {
	[ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

fail_all() { # WHY: the suite could not run: one failure
	echo "FAIL $1"
	echo "0 passed, 1 failed"
	exit 1
}

[ -x "$BIN" ] || fail_all "no voronka binary at $BIN (make, or set VORONKA_BIN)"
command -v node >/dev/null 2>&1 || fail_all "node is not installed"
[ -x "$CHROMIUM" ] || fail_all "no chromium at $CHROMIUM (scripts/install-deps.sh installs Debian's)"
if [ ! -d node_modules/playwright-core ] || [ ! -d node_modules/axe-core ]; then
	npm ci --no-audit --no-fund --loglevel=error >"$tmp/npm.log" 2>&1 || { cat "$tmp/npm.log"; fail_all "npm ci"; }
fi
WEB_ROOT=${UI_WEB_ROOT:-$ROOT/web}
if [ -z "${UI_WEB_ROOT:-}" ] && [ ! -f "$ROOT/web/dist/index.html" ]; then
	(cd "$ROOT/web" && { [ -d node_modules/vite ] || npm ci --no-audit --no-fund --loglevel=error; } && npm run build) \
		>"$tmp/build.log" 2>&1 || { cat "$tmp/build.log"; fail_all "the web UI did not build"; }
fi

data=$tmp/data
"$BIN" init --data "$data" --admin-email admin@voronka.local --admin-password admin --demo >"$tmp/init.log" 2>&1 ||
	{ cat "$tmp/init.log"; fail_all "voronka init --demo"; }
out=$("$BIN" webhook add --data "$data" --user 1 2>&1) || { echo "$out"; fail_all "webhook add"; }
hook=$(echo "$out" | grep -o '/rest/[0-9][0-9]*/[A-Za-z0-9][A-Za-z0-9]*' | head -n 1)
[ -n "$hook" ] || fail_all "webhook add printed no URL: $out"
port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
VORONKA_WEB_ROOT=$WEB_ROOT "$BIN" serve --data "$data" --listen "127.0.0.1:$port" >"$data/server.log" 2>&1 &
pid=$!
i=0
until curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" 2>/dev/null; do
	i=$((i + 1))
	if [ $i -gt 200 ] || ! kill -0 "$pid" 2>/dev/null; then
		tail -n 30 "$data/server.log"
		fail_all "voronka serve did not answer /healthz"
	fi
	sleep 0.1
done

shots=${UI_SCREENSHOTS:-$tmp/shots}
# Every tests/ui/*.test.mjs runs against this one demo company, ui.test.mjs first: its screenshots
# show the demo as a new user finds it, before the other suites add their test data.
case $shots in /*) ;; *) shots=$ROOT/$shots ;; esac
mkdir -p "$shots"
VORONKA_URL="http://127.0.0.1:$port" VORONKA_HOOK="http://127.0.0.1:$port$hook" CHROMIUM="$CHROMIUM" \
	UI_SCREENSHOTS="$shots" sh -c 'rc=0; for f; do node "$f" || rc=1; done; exit $rc' sh "$UI_DIR/ui.test.mjs" \
	$(ls "$UI_DIR"/*.test.mjs | grep -v '/ui\.test\.mjs$') >"$tmp/out" 2>&1
rc=$?
grep -vE '^[0-9]+ passed, [0-9]+ failed' "$tmp/out" # the total comes last, once, below
line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$tmp/out" | awk '{ p += $1; f += $3 } END { if (NR) print p " passed, " f " failed" }')
if [ -z "$line" ]; then
	tail -n 30 "$data/server.log"
	fail_all "no result line (exit $rc)"
fi
p=$(echo "$line" | cut -d' ' -f1)
f=$(echo "$line" | cut -d' ' -f3)
if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
	echo "FAIL exit $rc with no failed test"
	f=1
fi
if [ "$f" -ne 0 ]; then
	echo "--- server log (tail)"
	tail -n 20 "$data/server.log"
fi
echo "$p passed, $f failed"
[ "$f" -eq 0 ]
