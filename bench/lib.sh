# bench/lib.sh — what every bench/*/run.sh does the same way, sourced (bash) once BIN is set:
#   bench_setup NAME TOOL…   the tools are there, BIN is built, $tmp is a fresh folder, and at
#                            exit every server whose pid is in $pids is stopped and $tmp removed
#   free_port                a free loopback port
#   wait_up URL PID          until URL answers (0), or the server died or 30 s passed (1)
#   bench_seed DATA N EMAIL PASSWORD [seed options]
#                            a portal with N seeded deals in DATA, made once and reused while its
#                            bench-seeded stamp says N (a new seed drops the files runs keep beside it)

bench_setup() {
	local name=$1 tool
	shift
	for tool; do
		command -v "$tool" >/dev/null 2>&1 || { echo "bench: $tool is missing (scripts/install-deps.sh installs it)"; exit 1; }
	done
	if [ ! -x "$BIN" ]; then
		make -j"$(nproc)" "$BIN" >/dev/null || { echo "bench: cannot build $BIN"; exit 1; }
	fi
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/$name.XXXXXX")
	pids=()
	trap bench_cleanup EXIT
	trap 'exit 130' INT TERM
}

bench_cleanup() {
	local p
	for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
	rm -rf "$tmp"
}

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

wait_up() { # URL PID
	for _ in $(seq 300); do
		curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
		kill -0 "$2" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

bench_seed() { # DATA N EMAIL PASSWORD [seed options]
	local data=$1 n=$2 email=$3 password=$4
	shift 4
	[ "$(cat "$data/bench-seeded" 2>/dev/null)" = "$n" ] && return 0
	echo "seeding $n deals into $data (once; later runs reuse it)"
	rm -rf "$data"
	"$BIN" init --data "$data" --admin-email "$email" --admin-password "$password" >"$tmp/init.log" 2>&1 ||
		{ cat "$tmp/init.log"; exit 1; }
	"$BIN" seed --data "$data" --deals "$n" "$@" | sed 's/^/  /' || { echo "bench: seeding failed"; exit 1; }
	echo "$n" >"$data/bench-seeded"
}
