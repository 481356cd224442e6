#!/bin/bash
# bench/rest/run.sh — REST throughput of voronka against a bare libmicrohttpd baseline, with wrk on
# loopback (run apart from the tests: it takes about a minute and wants an otherwise idle machine).
#
#   bare               bench/rest/bare.c: MHD alone, same threading model as src/http/server.c,
#                      answering the bytes voronka answered to user.get?ID=1
#   bare, voronka pool the same with voronka's per-connection memory pool (max_header + 16 KiB,
#                      80 KiB by default; BENCH_POOL): MHD clears the whole pool between two
#                      requests of a keep-alive connection, so its size alone costs throughput
#   user.get ID=1      GET /rest/1/<secret>/user.get?ID=1 (the same bytes: ratio voronka/bare)
#   user.get list      GET …/user.get: the first page of 50 users of 61, with total and next
#   server.time        GET …/server.time: the transport alone (no database)
#
# It also checks that keep-alive holds: two requests on one connection, GET and POST.
# Knobs: VORONKA_BIN (default build/voronka, built if missing), BENCH_SECONDS (10),
# BENCH_THREADS (2), BENCH_CONNECTIONS (32), BENCH_TARGET (0.5: the least voronka/bare ratio).
# Exit status: 0 when keep-alive holds, every answer was 2xx and the ratio meets the target.
set -u
cd "$(dirname "$0")/../.." || exit 1
BIN=${VORONKA_BIN:-build/voronka}
SECONDS_EACH=${BENCH_SECONDS:-10}
THREADS=${BENCH_THREADS:-2}
CONNS=${BENCH_CONNECTIONS:-32}
TARGET=${BENCH_TARGET:-0.5}
POOL=${BENCH_POOL:-81920} # server.c: cfg.max_header (64 KiB by default) + 16 KiB
N_USERS=60

. bench/lib.sh
bench_setup voronka-bench wrk curl python3 cc pkg-config

# ---- the baseline server ----
# shellcheck disable=SC2046 # pkg-config prints several words on purpose
cc -O2 -Wall -Wextra -o "$tmp/bare" bench/rest/bare.c $(pkg-config --cflags --libs libmicrohttpd) ||
	{ echo "bench: cannot build bare.c"; exit 1; }

# ---- voronka with 61 users ----
data=$tmp/data
"$BIN" init --data "$data" --admin-email admin@example.com --admin-password Adm1n-secret >"$tmp/init.log" 2>&1 ||
	{ cat "$tmp/init.log"; exit 1; }
hook=$("$BIN" webhook add --data "$data" --user 1 2>&1 | grep -o '/rest/[0-9][0-9]*/[A-Za-z0-9][A-Za-z0-9]*' | head -n 1)
[ -n "$hook" ] || { echo "bench: webhook add printed no URL"; exit 1; }
vport=$(free_port)
"$BIN" serve --data "$data" --listen "127.0.0.1:$vport" >"$tmp/voronka.log" 2>&1 &
pids+=($!)
wait_up "http://127.0.0.1:$vport/healthz" "${pids[-1]}" || { echo "bench: voronka did not start"; tail "$tmp/voronka.log"; exit 1; }
base="http://127.0.0.1:$vport$hook"

seed() { # user.add through batch, 50 a request
	local from=$1 to=$2 cmd="" i
	for ((i = from; i < to; i++)); do
		cmd+="${cmd:+,}\"u$i\":\"user.add?EMAIL=bench-$i%40example.com&NAME=Bench&LAST_NAME=User+$i\""
	done
	curl -fsS -H 'Content-Type: application/json' -d "{\"halt\":1,\"cmd\":{$cmd}}" "$base/batch"
}
for ((from = 0; from < N_USERS; from += 50)); do
	to=$((from + 50 < N_USERS ? from + 50 : N_USERS))
	out=$(seed "$from" "$to") || { echo "bench: seeding users failed: $out"; exit 1; }
	case $out in *'"result_error":{}'* | *'"result_error":[]'*) ;; *) echo "bench: seeding users failed: ${out:0:400}"; exit 1 ;; esac
done
total=$(curl -fsS "$base/user.get" | python3 -c 'import json,sys; print(json.load(sys.stdin).get("total", 0))')
[ "$total" -gt 50 ] || { echo "bench: user.get sees $total users, want more than 50"; exit 1; }

curl -fsS -o "$tmp/body.json" "$base/user.get?ID=1" || { echo "bench: user.get?ID=1 failed"; exit 1; }
bport=$(free_port)
"$tmp/bare" "$bport" "$tmp/body.json" >"$tmp/bare.log" 2>&1 &
pids+=($!)
wait_up "http://127.0.0.1:$bport/" "${pids[-1]}" || { echo "bench: bare did not start"; cat "$tmp/bare.log"; exit 1; }
pport=$(free_port)
"$tmp/bare" "$pport" "$tmp/body.json" "$POOL" >"$tmp/bare-pool.log" 2>&1 &
pids+=($!)
wait_up "http://127.0.0.1:$pport/" "${pids[-1]}" || { echo "bench: bare did not start"; cat "$tmp/bare-pool.log"; exit 1; }
vbytes=$(wc -c <"$tmp/body.json")
bbytes=$(curl -fsS "http://127.0.0.1:$bport/" | wc -c)

# ---- keep-alive: two requests on one connection ----
problems=0
keepalive() { # NAME "CODE CODE" curl-args…: curl -v with two URLs must re-use the connection
	local name=$1 want=$2
	shift 2
	local out codes
	codes=$(curl -sv -o /dev/null -o /dev/null -w '%{http_code} ' "$@" 2>"$tmp/curl.err")
	codes=${codes% }
	out=$(cat "$tmp/curl.err")
	if echo "$out" | grep -q 'Re-using existing connection' && [ "$codes" = "$want" ]; then
		printf '  %-40s yes (%s on one connection)\n' "$name" "$codes"
	else
		printf '  %-40s NO (statuses: %s)\n' "$name" "$codes"
		echo "$out" | grep -E '^[*<] (Connected|Re-using|Closing|Connection|HTTP)' | sed 's/^/      /'
		problems=$((problems + 1))
	fi
}
echo "keep-alive (curl, one process, two URLs):"
keepalive "GET  user.get?ID=1" "200 200" "$base/user.get?ID=1" "$base/user.get?ID=1"
keepalive "POST user.get (JSON body)" "200 200" -H 'Content-Type: application/json' -d '{"ID":1}' "$base/user.get" "$base/user.get"
keepalive "POST user.get (form body)" "200 200" -d 'ID=1' "$base/user.get" "$base/user.get"
keepalive "GET  an error answer, then server.time" "404 200" "$base/no.such.method" "$base/server.time"
echo

# ---- wrk ----
declare -A rps
run_wrk() { # NAME URL
	local name=$1 url=$2 out r non2xx errs
	wrk -t"$THREADS" -c"$CONNS" -d2s "$url" >/dev/null 2>&1 # warm-up: caches, statements, pools
	out=$(wrk -t"$THREADS" -c"$CONNS" -d"${SECONDS_EACH}s" --latency "$url" 2>&1)
	r=$(echo "$out" | awk '/^Requests\/sec:/ {print $2}')
	non2xx=$(echo "$out" | awk '/Non-2xx or 3xx responses:/ {print $5}')
	errs=$(echo "$out" | grep 'Socket errors' || true)
	rps[$name]=${r:-0}
	local p50 p99
	p50=$(echo "$out" | awk '$1 == "50%" {print $2}')
	p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
	printf '  %-34s %10.0f req/s   p50 %-8s p99 %-8s\n' "$name" "${r:-0}" "$p50" "$p99"
	if [ -n "$non2xx" ]; then
		echo "      $non2xx answers were not 2xx"
		problems=$((problems + 1))
	fi
	[ -n "$errs" ] && echo "      $errs"
}
echo "wrk: $THREADS threads, $CONNS connections, ${SECONDS_EACH} s each, 127.0.0.1, $(nproc) cores shared with the servers"
run_wrk "bare MHD (same bytes as ID=1)" "http://127.0.0.1:$bport/rest/1/x/user.get?ID=1"
run_wrk "bare MHD, voronka's pool ($((POOL / 1024)) KiB)" "http://127.0.0.1:$pport/rest/1/x/user.get?ID=1"
run_wrk "voronka user.get?ID=1" "$base/user.get?ID=1"
run_wrk "voronka user.get (50 of $total)" "$base/user.get"
run_wrk "voronka server.time" "$base/server.time"
echo

bare_rps=${rps["bare MHD (same bytes as ID=1)"]}
ratio() { python3 -c "import sys; b=float(sys.argv[2]); print('%.2f' % (float(sys.argv[1]) / b if b else 0))" "$1" "$bare_rps"; }
r_id=$(ratio "${rps["voronka user.get?ID=1"]}")
echo "ratio voronka/bare:"
echo "  user.get?ID=1 (same $vbytes bytes; bare sent $bbytes)   $r_id   (target >= $TARGET)"
echo "  user.get list of 50                       $(ratio "${rps["voronka user.get (50 of $total)"]}")   (a bigger answer: for scale only)"
echo "  server.time                               $(ratio "${rps["voronka server.time"]}")"
echo "  (bare with voronka's pool / bare           $(ratio "${rps["bare MHD, voronka's pool ($((POOL / 1024)) KiB)"]}"))"
ok=$(python3 -c "import sys; print(1 if float(sys.argv[1]) >= float(sys.argv[2]) else 0)" "$r_id" "$TARGET")
if [ "$ok" -ne 1 ]; then
	echo "BELOW TARGET: voronka/bare $r_id < $TARGET"
	problems=$((problems + 1))
fi
[ "$problems" -eq 0 ] && echo "ok" || echo "$problems problem(s)"
[ "$problems" -eq 0 ]
