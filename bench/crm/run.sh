#!/bin/bash
# bench/crm/run.sh — the CRM's read paths on a million deals, each against the same query run on
# raw SQLite in the same run (run apart from the tests: a few minutes, and it wants an otherwise
# idle machine).
#
#   (a) crm.deal.get by random IDs            vs the row read by sqlbench, and vs bench/crm/bare.c
#                                               (libmicrohttpd + SQLite answering the same shape)
#   (b) crm.deal.list STAGE_ID + ASSIGNED_BY_ID by DATE_MODIFY DESC, start=-1 (no count)
#   (c) the same with start=0 (page and total)
#   (d) crm.deal.list by ID, start=DEEP (500000) against start=0
#   (e) voronka.crm.kanban.headers of a random pipeline (per-stage counts and sums)
#   (f) voronka.crm.funnel.get of a random pipeline
#
# The data folder is seeded once (`voronka seed --deals N`, about a minute) and reused by later
# runs. Random parameters (ids, stages, managers, pipelines) come from the database; the HTTP load
# is wrk with a Lua script, the SQL load bench/crm/sqlbench.c with one thread per wrk connection.
# Knobs: VORONKA_BIN (default build/voronka, built if missing), BENCH_DEALS (1000000),
# BENCH_DATA (the data folder; default $TMPDIR/voronka-bench-crm-N), BENCH_SECONDS (10 each),
# BENCH_THREADS (2 wrk threads), BENCH_CONNECTIONS (4), BENCH_DEEP (N/2).
# Exit status: 0 when every answer was 2xx and every aim of the issue was met.
set -u
cd "$(dirname "$0")/../.." || exit 1
BIN=${VORONKA_BIN:-build/voronka}
N=${BENCH_DEALS:-1000000}
DATA=${BENCH_DATA:-${TMPDIR:-/tmp}/voronka-bench-crm-$N}
SECONDS_EACH=${BENCH_SECONDS:-10}
THREADS=${BENCH_THREADS:-2}
CONNS=${BENCH_CONNECTIONS:-4}
DEEP=${BENCH_DEEP:-$((N / 2))}

. bench/lib.sh
bench_setup voronka-bench-crm wrk curl python3 cc pkg-config

# ---- the baselines ----
# shellcheck disable=SC2046 # pkg-config prints several words on purpose
cc -O2 -Wall -Wextra -o "$tmp/sqlbench" bench/crm/sqlbench.c $(pkg-config --cflags --libs sqlite3) -lpthread ||
	{ echo "bench: cannot build sqlbench.c"; exit 1; }
# shellcheck disable=SC2046
cc -O2 -Wall -Wextra -o "$tmp/bare" bench/crm/bare.c $(pkg-config --cflags --libs libmicrohttpd jansson sqlite3) ||
	{ echo "bench: cannot build bare.c"; exit 1; }

# ---- the data: seeded once, then reused ----
db=$DATA/voronka.db
bench_seed "$DATA" "$N" admin@example.com Adm1n-secret
count=$("$tmp/sqlbench" "$db" count) || exit 1

vport=$(free_port)
"$BIN" serve --data "$DATA" --listen "127.0.0.1:$vport" >"$tmp/voronka.log" 2>&1 &
pids+=($!)
wait_up "http://127.0.0.1:$vport/healthz" "${pids[-1]}" || { echo "bench: voronka did not start"; tail "$tmp/voronka.log"; exit 1; }
hook=$(cat "$DATA/bench-hook" 2>/dev/null)
if [ -z "$hook" ] || ! curl -fsS -o /dev/null "http://127.0.0.1:$vport$hook/server.time"; then
	hook=$("$BIN" webhook add --data "$DATA" --user 1 --title bench 2>&1 | grep -o '/rest/[0-9][0-9]*/[A-Za-z0-9][A-Za-z0-9]*' | head -n 1)
	[ -n "$hook" ] || { echo "bench: webhook add printed no URL"; exit 1; }
	echo "$hook" >"$DATA/bench-hook"
fi
base="http://127.0.0.1:$vport$hook"
bport=$(free_port)
"$tmp/bare" "$bport" "$db" >"$tmp/bare.log" 2>&1 &
pids+=($!)
wait_up "http://127.0.0.1:$bport/?id=1" "${pids[-1]}" || { echo "bench: bare did not start"; cat "$tmp/bare.log"; exit 1; }

has_method() { # NAME: does the server know it?
	curl -fsS "$base/method.get?name=$1" | grep -q '"isExisting":true'
}

# ---- the wrk scripts: one per case, over the parameter lists read from the database ----
"$tmp/sqlbench" "$db" lua >"$tmp/params.lua" || exit 1
lua_script() { # NAME PATH-EXPRESSION (Lua)
	{
		cat "$tmp/params.lua"
		cat <<'EOF'
local counter = 0
function setup(thread)
	thread:set("tid", counter)
	counter = counter + 1
end
function init(args)
	math.randomseed(4242 + (tid or 0))
end
local function pick(t) return t[math.random(#t)] end
local function enc(s)
	return (s:gsub("[^%w%-_%.~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end
EOF
		echo "request = function() return wrk.format(\"GET\", $2) end"
	} >"$tmp/$1.lua"
}
P="\"$hook/\""
lua_script get "$P .. \"crm.deal.get?id=\" .. math.random(1, maxid)"
lua_script bare_get "\"/rest/1/x/crm.deal.get?id=\" .. math.random(1, maxid)"
LIST="\"crm.deal.list?filter%5BSTAGE_ID%5D=\" .. enc(pick(stages)) .. \"&filter%5BASSIGNED_BY_ID%5D=\" .. pick(users) .. \"&order%5BDATE_MODIFY%5D=DESC&start="
lua_script page "$P .. $LIST-1\""
lua_script page_count "$P .. $LIST""0\""
lua_script kanban "$P .. \"voronka.crm.kanban.headers?entityTypeId=2&categoryId=\" .. pick(cats)"
lua_script funnel "$P .. \"voronka.crm.funnel.get?entityTypeId=2&categoryId=\" .. pick(cats)"

# ---- measuring ----
problems=0
to_ms() { # wrk's 1.23ms / 456.00us / 1.02s / 2.00m → milliseconds
	awk -v v="$1" 'BEGIN { n = v + 0; u = v; sub(/^[0-9.]+/, "", u);
		f = u == "us" ? 0.001 : u == "s" ? 1000 : u == "m" ? 60000 : 1; printf "%.3f", n * f }'
}
# run_wrk NAME URL [SCRIPT]: sets W_RPS, W_P50, W_P99 (ms)
run_wrk() {
	local name=$1 url=$2 script=${3:-} out non2xx errs
	local sargs=()
	[ -n "$script" ] && sargs=(-s "$tmp/$script.lua")
	wrk -t"$THREADS" -c"$CONNS" -d2s "${sargs[@]}" "$url" >/dev/null 2>&1 # warm-up: caches, statements, pages
	out=$(wrk -t"$THREADS" -c"$CONNS" -d"${SECONDS_EACH}s" --latency "${sargs[@]}" "$url" 2>&1)
	W_RPS=$(echo "$out" | awk '/^Requests\/sec:/ {print $2}')
	W_RPS=${W_RPS:-0}
	W_P50=$(to_ms "$(echo "$out" | awk '$1 == "50%" {print $2}')")
	W_P99=$(to_ms "$(echo "$out" | awk '$1 == "99%" {print $2}')")
	non2xx=$(echo "$out" | awk '/Non-2xx or 3xx responses:/ {print $5}')
	errs=$(echo "$out" | grep 'Socket errors' || true)
	if [ -n "$non2xx" ]; then
		echo "      $name: $non2xx answers were not 2xx"
		problems=$((problems + 1))
	fi
	[ -n "$errs" ] && echo "      $name: $errs"
}
# run_sql CASE [OFFSET]: sets S_RPS, S_P50, S_P99 (ms)
run_sql() {
	local out
	out=$("$tmp/sqlbench" "$db" "$SECONDS_EACH" "$CONNS" "$@") || { echo "bench: sqlbench $1 failed"; exit 1; }
	read -r S_RPS S_P50 S_P99 <<<"$out"
}
calc() { python3 -c "import sys; print(eval(sys.argv[1]))" "$1"; }
row() { # LABEL RPS P50 P99
	printf '  %-44s %9.0f/s  p50 %8.2f ms  p99 %8.2f ms\n' "$1" "$2" "$3" "$4"
}
ratio() { # LABEL VORONKA_RPS BASE_RPS
	printf '  %-44s %s\n' "$1" "$(calc "'%.2f' % ($2 / $3 if $3 else 0)")"
}
missed=0
aim() { # TEXT CONDITION(python)
	if [ "$(calc "1 if ($2) else 0")" = 1 ]; then
		printf '  aim: %-54s met\n' "$1"
	else
		printf '  aim: %-54s MISSED\n' "$1"
		missed=$((missed + 1))
	fi
}

echo "voronka $("$BIN" version | awk '{print $2}'), $count deals in $DATA"
echo "wrk: $THREADS threads, $CONNS connections; sqlbench: $CONNS threads; ${SECONDS_EACH} s each, after 2 s of warm-up;"
echo "127.0.0.1, $(nproc) cores shared by the load, the servers and SQLite"
echo

echo "(a) crm.deal.get by random ID"
run_wrk get "$base/" get
v_rps=$W_RPS v_p50=$W_P50 v_p99=$W_P99
row "voronka crm.deal.get" "$v_rps" "$v_p50" "$v_p99"
run_wrk bare_get "http://127.0.0.1:$bport/" bare_get
b_rps=$W_RPS
row "bare libmicrohttpd + SQLite, same shape" "$W_RPS" "$W_P50" "$W_P99"
run_sql get
row "raw SQLite: the row" "$S_RPS" "$S_P50" "$S_P99"
ratio "ratio voronka/bare (req/s)" "$v_rps" "$b_rps"
ratio "ratio voronka/raw SQLite (req/s)" "$v_rps" "$S_RPS"
aim "crm.deal.get >= 0.5 of the bare server" "$v_rps >= 0.5 * $b_rps"
echo

echo "(b) crm.deal.list, STAGE_ID + ASSIGNED_BY_ID, DATE_MODIFY DESC, start=-1 (no count)"
run_wrk page "$base/" page
row "voronka" "$W_RPS" "$W_P50" "$W_P99"
run_sql page
row "raw SQLite: the page (51 rows)" "$S_RPS" "$S_P50" "$S_P99"
ratio "ratio voronka/raw SQLite (req/s)" "$W_RPS" "$S_RPS"
aim "50-row page, start=-1: p99 <= 5 ms" "$W_P99 <= 5"
echo

echo "(c) the same with start=0 (page and total)"
run_wrk page_count "$base/" page_count
row "voronka" "$W_RPS" "$W_P50" "$W_P99"
run_sql page_count
row "raw SQLite: the page and its COUNT" "$S_RPS" "$S_P50" "$S_P99"
ratio "ratio voronka/raw SQLite (req/s)" "$W_RPS" "$S_RPS"
aim "with the count: p99 <= 25 ms" "$W_P99 <= 25"
echo

echo "(d) crm.deal.list by ID: start=$DEEP against start=0 (both with the total)"
run_wrk first "$base/crm.deal.list?order%5BID%5D=ASC&start=0"
f_rps=$W_RPS f_p50=$W_P50
row "voronka start=0" "$W_RPS" "$W_P50" "$W_P99"
run_wrk deep "$base/crm.deal.list?order%5BID%5D=ASC&start=$DEEP"
d_rps=$W_RPS d_p50=$W_P50
row "voronka start=$DEEP" "$W_RPS" "$W_P50" "$W_P99"
run_sql first
sf_rps=$S_RPS sf_p50=$S_P50
row "raw SQLite: OFFSET 0 and COUNT" "$S_RPS" "$S_P50" "$S_P99"
run_sql deep "$DEEP"
row "raw SQLite: OFFSET $DEEP and COUNT" "$S_RPS" "$S_P50" "$S_P99"
ratio "ratio voronka/raw SQLite, start=0 (req/s)" "$f_rps" "$sf_rps"
ratio "ratio voronka/raw SQLite, deep (req/s)" "$d_rps" "$S_RPS"
printf '  %-44s %s (raw SQLite: %s)\n' "deep page p50 / first page p50" "$(calc "'%.1f' % ($d_p50 / $f_p50)")" \
	"$(calc "'%.1f' % ($S_P50 / $sf_p50)")"
aim "deep page <= 2x the first (p50)" "$d_p50 <= 2 * $f_p50"
echo

echo "(e) kanban headers of a random pipeline (per-stage counts and sums)"
if has_method voronka.crm.kanban.headers; then
	run_wrk kanban "$base/" kanban
	k_p99=$W_P99
	row "voronka voronka.crm.kanban.headers" "$W_RPS" "$W_P50" "$W_P99"
	run_sql kanban
	row "raw SQLite: stage list + kept stats" "$S_RPS" "$S_P50" "$S_P99"
	ratio "ratio voronka/raw SQLite (req/s)" "$W_RPS" "$S_RPS"
else
	# Without the method: the per-stage totals of the default pipeline, a list per stage in a batch.
	cmd=$(curl -fsS "$base/crm.status.list?filter%5BENTITY_ID%5D=DEAL_STAGE" |
		python3 -c 'import json,sys,urllib.parse as u
r=json.load(sys.stdin)["result"]
print("&".join("cmd%%5B%s%%5D=%s" % (s["STATUS_ID"], u.quote("crm.deal.list?filter[STAGE_ID]=%s&select[]=ID&start=0" % s["STATUS_ID"], safe="")) for s in r))')
	run_wrk kanban "$base/batch?$cmd"
	k_p99=$W_P99
	row "voronka batch of crm.deal.list per stage" "$W_RPS" "$W_P50" "$W_P99"
fi
run_sql kanban_scan
row "raw SQLite: GROUP BY over the deals (no stats)" "$S_RPS" "$S_P50" "$S_P99"
aim "kanban headers: p99 <= 50 ms" "$k_p99 <= 50"
echo

echo "(f) the funnel of a random pipeline"
if has_method voronka.crm.funnel.get; then
	run_wrk funnel "$base/" funnel
	row "voronka voronka.crm.funnel.get" "$W_RPS" "$W_P50" "$W_P99"
	run_sql kanban
	row "raw SQLite: stage list + kept stats" "$S_RPS" "$S_P50" "$S_P99"
	ratio "ratio voronka/raw SQLite (req/s)" "$W_RPS" "$S_RPS"
else
	echo "  voronka.crm.funnel.get is not there: skipped"
fi
echo

[ "$problems" -eq 0 ] && [ "$missed" -eq 0 ] && echo "ok" || echo "$problems problem(s), $missed aim(s) missed"
[ "$problems" -eq 0 ] && [ "$missed" -eq 0 ]
