#!/bin/sh
# tests/sdk/run.sh — the two Bitrix24 npm clients, unchanged, against real voronka servers:
#   @bitrix24/b24jssdk  over HTTPS (it refuses anything else): a data folder made with
#                       `init --tls`, its self-signed certificate trusted via NODE_EXTRA_CA_CERTS
#   @2bad/bitrix        over plain HTTP on loopback (GET query strings, batch as GET)
# Each client gets its own server and data folder. The binary is $VORONKA_BIN or build/voronka.
# Runs `npm ci` first when node_modules is missing. The last line is "N passed, N failed".
set -u
cd "$(dirname "$0")" || exit 1
SDK_DIR=$(pwd)
ROOT=$(cd ../.. && pwd)
BIN=${VORONKA_BIN:-$ROOT/build/voronka}
case $BIN in /*) ;; *) BIN=$ROOT/$BIN ;; esac
ADMIN_EMAIL=admin@example.com
ADMIN_PASSWORD=Adm1n-secret

passed=0
failed=0
pids=""
tmp=$(mktemp -d "${TMPDIR:-/tmp}/voronka-sdk.XXXXXX")
cleanup() {
	for p in $pids; do
		kill -TERM "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

fail_suite() { # NAME WHY: a suite that could not run counts as one failure
	echo "FAIL $1: $2"
	failed=$((failed + 1))
}

if [ ! -x "$BIN" ]; then
	echo "FAIL no voronka binary at $BIN (make, or set VORONKA_BIN)"
	echo "0 passed, 1 failed"
	exit 1
fi
if ! command -v node >/dev/null 2>&1; then
	echo "FAIL node is not installed"
	echo "0 passed, 1 failed"
	exit 1
fi
if [ ! -d node_modules/@bitrix24/b24jssdk ] || [ ! -d node_modules/@2bad/bitrix ]; then
	npm ci --no-audit --no-fund --loglevel=error >"$tmp/npm.log" 2>&1 || {
		cat "$tmp/npm.log"
		echo "FAIL npm ci"
		echo "0 passed, 1 failed"
		exit 1
	}
fi

free_port() {
	node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# start_server NAME tls|plain: init a data folder, add a webhook, serve; sets HOOK_URL.
start_server() {
	name=$1
	mode=$2
	data=$tmp/$name
	if [ "$mode" = tls ]; then
		"$BIN" init --data "$data" --admin-email "$ADMIN_EMAIL" --admin-password "$ADMIN_PASSWORD" --tls \
			>"$tmp/$name-init.log" 2>&1 || { cat "$tmp/$name-init.log"; return 1; }
	else
		"$BIN" init --data "$data" --admin-email "$ADMIN_EMAIL" --admin-password "$ADMIN_PASSWORD" \
			>"$tmp/$name-init.log" 2>&1 || { cat "$tmp/$name-init.log"; return 1; }
	fi
	out=$("$BIN" webhook add --data "$data" --user 1 2>&1) || { echo "$out"; return 1; }
	path=$(echo "$out" | grep -o '/rest/[0-9][0-9]*/[A-Za-z0-9][A-Za-z0-9]*' | head -n 1)
	if [ -z "$path" ]; then
		echo "webhook add printed no URL: $out"
		return 1
	fi
	port=$(free_port)
	set -- serve --data "$data" --listen "127.0.0.1:$port"
	[ "$mode" = tls ] && [ -f "$data/voronka.conf" ] && set -- "$@" --config "$data/voronka.conf"
	"$BIN" "$@" >"$data/server.log" 2>&1 &
	pid=$!
	pids="$pids $pid"
	if [ "$mode" = tls ]; then
		scheme=https
		curl_tls="--cacert $data/tls-cert.pem"
	else
		scheme=http
		curl_tls=""
	fi
	i=0
	# shellcheck disable=SC2086 # curl_tls is two words on purpose
	until curl -fsS $curl_tls -o /dev/null "$scheme://127.0.0.1:$port/healthz" 2>/dev/null; do
		i=$((i + 1))
		if [ $i -gt 200 ] || ! kill -0 "$pid" 2>/dev/null; then
			echo "voronka serve did not answer /healthz:"
			tail -n 30 "$data/server.log"
			return 1
		fi
		sleep 0.1
	done
	HOOK_URL="$scheme://127.0.0.1:$port$path"
	SERVER_LOG=$data/server.log
}

# suite NAME SCRIPT [ENV=VALUE…]: run one node script, add its "N passed, N failed".
suite() {
	name=$1
	script=$2
	shift 2
	echo "--- $name"
	env "$@" VORONKA_HOOK_URL="$HOOK_URL" node "$SDK_DIR/$script" >"$tmp/out" 2>&1
	rc=$?
	cat "$tmp/out"
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$tmp/out" | tail -n 1)
	if [ -z "$line" ]; then
		fail_suite "$name" "no result line (exit $rc)"
		return
	fi
	p=$(echo "$line" | cut -d' ' -f1)
	f=$(echo "$line" | cut -d' ' -f3)
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
		echo "FAIL $name: exit $rc with no failed test"
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	if [ "$f" -ne 0 ]; then
		echo "--- $name: server log (tail)"
		tail -n 20 "$SERVER_LOG"
	fi
}

if start_server b24jssdk tls; then
	suite "@bitrix24/b24jssdk (https)" b24jssdk.test.mjs NODE_EXTRA_CA_CERTS="$tmp/b24jssdk/tls-cert.pem"
else
	fail_suite "@bitrix24/b24jssdk" "the TLS server did not start"
fi

if start_server bitrix2bad plain; then
	suite "@2bad/bitrix (http)" bitrix2bad.test.mjs
else
	fail_suite "@2bad/bitrix" "the server did not start"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
