#!/bin/bash
# bench/ui/run.sh — the deal kanban's first paint with 1,000,000 deals in the database (issue 4,
# item 10: "under 1 s, from Chromium's performance timing; no layout jumps"), against the same
# screen of an empty CRM measured in the same run (run apart from the tests: a few minutes, and it
# wants an otherwise idle machine).
#
# Two data folders, each served by its own voronka with the built UI (web/dist):
#   the million: `voronka seed --deals N --no-search`, seeded once and reused by later runs;
#   the baseline: a portal with no deals at all (the same shell, the same default pipeline).
# The administrator of each gets a known password (`voronka user passwd`); Debian's chromium,
# headless, driven by playwright-core (tests/ui's node_modules), signs in once per server and then
# opens /#/deal/kanban/0 in a fresh tab BENCH_RUNS times per server and mode, alternating servers:
# "cold" with the HTTP cache emptied, "warm" with the script and stylesheet cached. From the page
# (bench/ui/measure.mjs): navigation start → first contentful paint, → the first column's cards
# painted, and the cumulative layout shift until BENCH_SETTLE_MS after that; p50/p95 and the ratio
# million / empty.
# Knobs: VORONKA_BIN (default build/voronka, built if missing), BENCH_DEALS (1000000), BENCH_DATA
# (default $TMPDIR/voronka-bench-ui-N), BENCH_RUNS (15), BENCH_SETTLE_MS (1000), CHROMIUM
# (/usr/bin/chromium), BENCH_WEB_ROOT (the folder holding dist/; default web, built if missing),
# BENCH_SCREENS (the other screens measured with the million, as JSON [[name, hash, selector]];
# default the deal list and a deal's card slider: see measure.mjs).
# Exit status: 0 when every aim printed at the end was met.
set -u
cd "$(dirname "$0")/../.." || exit 1
ROOT=$(pwd)
BIN=${VORONKA_BIN:-build/voronka}
N=${BENCH_DEALS:-1000000}
DATA=${BENCH_DATA:-${TMPDIR:-/tmp}/voronka-bench-ui-$N}
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
WEB_ROOT=${BENCH_WEB_ROOT:-$ROOT/web}
LOGIN=admin@example.com
PASSWORD=Bench-ui-1

. bench/lib.sh
bench_setup voronka-bench-ui curl python3 node npm
[ -x "$CHROMIUM" ] || { echo "bench: no chromium at $CHROMIUM (scripts/install-deps.sh --test installs Debian's)"; exit 1; }
if [ ! -d tests/ui/node_modules/playwright-core ]; then
	(cd tests/ui && npm ci --no-audit --no-fund --loglevel=error) >/dev/null || { echo "bench: npm ci in tests/ui failed"; exit 1; }
fi
if [ ! -f "$WEB_ROOT/dist/index.html" ]; then
	(cd web && { [ -d node_modules/vite ] || npm ci --no-audit --no-fund --loglevel=error; } && npm run build) >/dev/null ||
		{ echo "bench: the web UI did not build"; exit 1; }
fi


# ---- the data: the million seeded once, then reused; the empty portal made every run ----
bench_seed "$DATA" "$N" "$LOGIN" "$PASSWORD" --no-search
EMPTY=$tmp/empty
"$BIN" init --data "$EMPTY" --admin-email "$LOGIN" --admin-password "$PASSWORD" >"$tmp/init-empty.log" 2>&1 ||
	{ cat "$tmp/init-empty.log"; exit 1; }
for d in "$DATA" "$EMPTY"; do # a known password, whatever the folder was made with
	"$BIN" user passwd --data "$d" --email "$LOGIN" --password "$PASSWORD" >"$tmp/passwd.log" 2>&1 ||
		{ cat "$tmp/passwd.log"; exit 1; }
done

serve() { # DATA → prints the base URL
	local port
	port=$(free_port)
	VORONKA_WEB_ROOT=$WEB_ROOT "$BIN" serve --data "$1" --listen "127.0.0.1:$port" >>"$tmp/voronka.log" 2>&1 &
	pids+=($!)
	wait_up "http://127.0.0.1:$port/healthz" "${pids[-1]}" || { echo "bench: voronka did not start"; tail "$tmp/voronka.log"; exit 1; }
	URL="http://127.0.0.1:$port"
}
serve "$DATA"
full=$URL
serve "$EMPTY"
empty=$URL

count=$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True).execute("SELECT COUNT(*) FROM crm_deal").fetchone()[0])' "$DATA/voronka.db")
echo "voronka $("$BIN" version | awk '{print $2}'), $count deals in $DATA against an empty portal; $(nproc) cores shared by chromium and both servers"
echo "UI: $WEB_ROOT/dist ($(du -ch "$WEB_ROOT"/dist/assets/index-*.js 2>/dev/null | tail -n 1 | cut -f1) of script)"
FULL_URL=$full EMPTY_URL=$empty BENCH_LOGIN=$LOGIN BENCH_PASSWORD=$PASSWORD CHROMIUM=$CHROMIUM \
	node bench/ui/measure.mjs
