#!/bin/bash
# bench/rights/run.sh — what CRM access rights cost a list (issue 5, item 8): crm.deal.list over a
# million deals for users whose role is F (own + department + sub-departments), against the
# administrator's same list, measured in the same run (run apart from the tests: a few minutes,
# and it wants an otherwise idle machine).
#
#   (a) crm.deal.list ordered by DATE_MODIFY DESC, start=-1 (a page of 50, no count)
#   (b) the same with start=0 (the page and `total`; the URL never changes and nothing is
#       written, so after the first answer the total comes from the page cache)
#   (c) start=0 with a random upper bound on DATE_MODIFY (a new count every request)
#   (d) the F page's SQL on raw SQLite: the plan SQLite picks against a scan of the date index
#
# Users: the seed's 30 are put into a department tree three levels deep (bench/rights/setup.py,
# through the REST API): the F user heading a division with two teams sees about 13 of 30 users'
# deals; a second F user heads one team (about 6 of 30). Each case runs for the administrator,
# then each F user, on the same server and data; the ratios are F / administrator.
#
# The data folder is seeded once (`voronka seed --deals N --no-search`, under a minute) and reused.
# Knobs: VORONKA_BIN (default build/voronka, built if missing), BENCH_DEALS (1000000), BENCH_DATA
# (default $TMPDIR/voronka-bench-rights-N), BENCH_SECONDS (10 each), BENCH_THREADS (2 wrk
# threads), BENCH_CONNECTIONS (4). wrk waits up to 10 s for an answer, so slow ones are measured,
# not dropped as timeouts.
# Exit status: 0 when every answer was 2xx, the F users' totals are what SQL counts over their
# departments' users, and the aims below were met.
set -u
cd "$(dirname "$0")/../.." || exit 1
BIN=${VORONKA_BIN:-build/voronka}
N=${BENCH_DEALS:-1000000}
DATA=${BENCH_DATA:-${TMPDIR:-/tmp}/voronka-bench-rights-$N}
SECONDS_EACH=${BENCH_SECONDS:-10}
THREADS=${BENCH_THREADS:-2}
CONNS=${BENCH_CONNECTIONS:-4}

. bench/lib.sh
bench_setup voronka-bench-rights wrk curl python3 sqlite3

# ---- the data: seeded once, then reused ----
db=$DATA/voronka.db
bench_seed "$DATA" "$N" admin@example.com Adm1n-secret --no-search

port=$(free_port)
"$BIN" serve --data "$DATA" --listen "127.0.0.1:$port" >"$tmp/voronka.log" 2>&1 &
pids+=($!)
wait_up "http://127.0.0.1:$port/healthz" "${pids[-1]}" || { echo "bench: voronka did not start"; tail "$tmp/voronka.log"; exit 1; }
root="http://127.0.0.1:$port"
hook=$(cat "$DATA/bench-hook" 2>/dev/null)
if [ -z "$hook" ] || ! curl -fsS -o /dev/null "$root$hook/server.time"; then
	hook=$("$BIN" webhook add --data "$DATA" --user 1 --title bench 2>&1 | grep -o '/rest/[0-9][0-9]*/[A-Za-z0-9][A-Za-z0-9]*' | head -n 1)
	[ -n "$hook" ] || { echo "bench: webhook add printed no URL"; exit 1; }
	hook="$hook/"
	echo "$hook" >"$DATA/bench-hook"
fi
setup=$(python3 bench/rights/setup.py "$BIN" "$DATA" "$root$hook") || { echo "bench: setup failed"; exit 1; }
eval "$setup"
count=$(sqlite3 "$db" "SELECT COUNT(*) FROM crm_deal")
div_count=$(sqlite3 "$db" "SELECT COUNT(*) FROM crm_deal WHERE assigned_by_id IN ($DIV_USERS)")
team_count=$(sqlite3 "$db" "SELECT COUNT(*) FROM crm_deal WHERE assigned_by_id IN ($TEAM_USERS)")
read -r lo hi <<<"$(sqlite3 -separator ' ' "$db" "SELECT CAST(strftime('%s', MIN(date_modify)) AS INTEGER), CAST(strftime('%s', MAX(date_modify)) AS INTEGER) FROM crm_deal")"

# ---- what each user is answered: the F users' totals are their departments' deals ----
problems=0
total_of() { # HOOK → the total of the unfiltered list
	curl -fsS "$root$1crm.deal.list?select%5B%5D=ID&start=0" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])'
}
for who in admin:"$hook":"$count" division:"$DIV_HOOK":"$div_count" team:"$TEAM_HOOK":"$team_count"; do
	IFS=: read -r name h want <<<"$who"
	got=$(total_of "$h")
	if [ "$got" != "$want" ]; then
		echo "  $name: crm.deal.list total $got, SQL counts $want"
		problems=$((problems + 1))
	fi
done

# ---- the wrk scripts ----
LIST="crm.deal.list?order%5BDATE_MODIFY%5D=DESC"
lua_script() { # NAME HOOK PATH-EXPRESSION (Lua, after the hook)
	cat >"$tmp/$1.lua" <<EOF
local counter = 0
function setup(thread)
	thread:set("tid", counter)
	counter = counter + 1
end
function init(args)
	math.randomseed(4242 + (tid or 0))
end
local lo, hi = $lo, $hi
local function upto() return os.date("!%Y-%m-%dT%H:%M:%S", math.random(lo, hi)) end
request = function() return wrk.format("GET", "$2" .. $3) end
EOF
}
for who in admin:"$hook" division:"$DIV_HOOK" team:"$TEAM_HOOK"; do
	IFS=: read -r name h <<<"$who"
	lua_script "page_$name" "$h" "\"$LIST&start=-1\""
	lua_script "count_$name" "$h" "\"$LIST&start=0\""
	lua_script "cold_$name" "$h" "\"$LIST&start=0&filter%5B%3C%3DDATE_MODIFY%5D=\" .. upto()"
done

# ---- measuring (the helpers of bench/crm/run.sh) ----
to_ms() { # wrk's 1.23ms / 456.00us / 1.02s / 2.00m → milliseconds
	awk -v v="$1" 'BEGIN { n = v + 0; u = v; sub(/^[0-9.]+/, "", u);
		f = u == "us" ? 0.001 : u == "s" ? 1000 : u == "m" ? 60000 : 1; printf "%.3f", n * f }'
}
# run_wrk NAME SCRIPT: sets W_RPS, W_P50, W_P99 (ms)
run_wrk() {
	local name=$1 script=$2 out non2xx errs
	wrk -t"$THREADS" -c"$CONNS" -d2s --timeout 10s -s "$tmp/$script.lua" "$root/" >/dev/null 2>&1 # warm-up
	out=$(wrk -t"$THREADS" -c"$CONNS" -d"${SECONDS_EACH}s" --timeout 10s --latency -s "$tmp/$script.lua" "$root/" 2>&1)
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
calc() { python3 -c "import sys; print(eval(sys.argv[1]))" "$1"; }
row() { # LABEL RPS P50 P99
	printf '  %-44s %9.0f/s  p50 %8.2f ms  p99 %8.2f ms\n' "$1" "$2" "$3" "$4"
}
ratios() { # LABEL RPS P50 P99 BASE_RPS BASE_P50 BASE_P99
	printf '  %-44s req/s %s  p50 %s  p99 %s\n' "$1" "$(calc "'%.2f' % ($2 / $5 if $5 else 0)")" \
		"$(calc "'%.2f' % ($3 / $6 if $6 else 0)")" "$(calc "'%.2f' % ($4 / $7 if $7 else 0)")"
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
# one case: the administrator, then both F users, and the ratios to the administrator
measure() { # CASE
	run_wrk "$1 admin" "$1_admin"
	local a_rps=$W_RPS a_p50=$W_P50 a_p99=$W_P99
	row "administrator (every deal)" "$a_rps" "$a_p50" "$a_p99"
	run_wrk "$1 division" "$1_division"
	D_RPS=$W_RPS D_P50=$W_P50 D_P99=$W_P99
	row "F, division head ($div_count deals)" "$W_RPS" "$W_P50" "$W_P99"
	run_wrk "$1 team" "$1_team"
	T_RPS=$W_RPS T_P50=$W_P50 T_P99=$W_P99
	row "F, team head ($team_count deals)" "$W_RPS" "$W_P50" "$W_P99"
	ratios "ratio division head / administrator" "$D_RPS" "$D_P50" "$D_P99" "$a_rps" "$a_p50" "$a_p99"
	ratios "ratio team head / administrator" "$T_RPS" "$T_P50" "$T_P99" "$a_rps" "$a_p50" "$a_p99"
}

echo "voronka $("$BIN" version | awk '{print $2}'), $count deals in $DATA"
echo "rights: role F (own + department + sub-departments) for the division head (user $DIV_USER: users $DIV_USERS)"
echo "        and the team head (user $TEAM_USER: users $TEAM_USERS); the administrator sees everything"
echo "wrk: $THREADS threads, $CONNS connections, ${SECONDS_EACH} s each after 2 s of warm-up; 127.0.0.1, $(nproc) cores"
echo

echo "(a) crm.deal.list, DATE_MODIFY DESC, start=-1 (a page of 50, no count)"
measure page
aim "F page, start=-1: p99 <= 5 ms (bench/crm's aim)" "$D_P99 <= 5 and $T_P99 <= 5"
echo

echo "(b) the same with start=0 (page and total; the total is kept by the page cache)"
measure count
aim "F page with the count: p99 <= 25 ms (bench/crm's aim)" "$D_P99 <= 25 and $T_P99 <= 25"
echo

echo "(c) start=0 with a random filter[<=DATE_MODIFY] (a new count every request)"
measure cold
echo

echo "(d) raw SQLite, one connection: the F page's query as SQLite plans it, and over the DATE_MODIFY index"
python3 - "$db" "$DIV_USERS" "$TEAM_USERS" <<'PY'
import sqlite3, statistics, sys, time
db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
for name, users in (("division head", sys.argv[2]), ("team head", sys.argv[3])):
    for how, hint in (("SQLite's plan", ""), ("INDEXED BY crm_deal_modify", " INDEXED BY crm_deal_modify")):
        q = (f"SELECT * FROM crm_deal{hint} WHERE assigned_by_id IN ({users}) "
             "ORDER BY date_modify DESC, id ASC LIMIT 51")
        plan = "; ".join(r[3] for r in db.execute("EXPLAIN QUERY PLAN " + q))
        runs = []
        for _ in range(5):
            t = time.perf_counter()
            db.execute(q).fetchall()
            runs.append((time.perf_counter() - t) * 1000)
        print(f"  {name + ', ' + how:44s} p50 {statistics.median(runs):8.2f} ms  ({plan})")
PY
echo

[ "$problems" -eq 0 ] && [ "$missed" -eq 0 ] && echo "ok" || echo "$problems problem(s), $missed aim(s) missed"
[ "$problems" -eq 0 ] && [ "$missed" -eq 0 ]
