#!/bin/bash
# Run every test suite and total them. Each suite prints its own "N passed, N failed" as its last
# line; this script adds them up and ends with the grand total. Suites:
#   unit     build/tests/test_*            C unit tests of parsers, filter engine, store, jobs
#   api      tests/api/test_*.py           the real binary on a loopback port, spoken to over HTTP
#   asan     a dozen tests/api suites (transport, users, CRM writes, events, notifications, …) against
#            build-asan/voronka (ASan + UBSan)
#   sdk      tests/sdk/run.sh              the official npm clients, unchanged, against the server
#   ui       tests/ui/run.sh               the web UI in Debian's chromium (playwright-core)
#   fuzz     build-fuzz/fuzz/fuzz_*        each libFuzzer target for FUZZ_SECONDS (default 15)
# SUITES="unit api" limits the run; TEST_ONLY=name runs matching API tests only.
cd "$(dirname "$0")/.."
SUITES=${SUITES:-"unit api asan sdk ui fuzz"}
FUZZ_SECONDS=${FUZZ_SECONDS:-15}
total_pass=0
total_fail=0
log=$(mktemp -d)
trap 'rm -rf "$log"' EXIT

# run NAME CMD…: run one suite, echo its output, add its last "N passed, N failed" line.
run() {
	local name=$1
	shift
	echo "=== $name"
	local out="$log/out"
	"$@" >"$out" 2>&1
	local rc=$?
	cat "$out"
	local line
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$out" | tail -n 1)
	if [ -z "$line" ]; then
		echo "--- $name: no result line (exit $rc): counted as 1 failed"
		total_fail=$((total_fail + 1))
		return
	fi
	local p f
	p=$(echo "$line" | cut -d' ' -f1)
	f=$(echo "$line" | cut -d' ' -f3)
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "--- $name: exit $rc with no failed test: counted as 1 failed"
		f=1
	fi
	total_pass=$((total_pass + p))
	total_fail=$((total_fail + f))
}

fuzz_one() { # a fuzz target runs for a while; a crash fails it
	local bin=$1
	local corpus="$log/corpus-$(basename "$bin")"
	mkdir -p "$corpus"
	[ -d "tests/fuzz/corpus/$(basename "$bin")" ] && cp -r "tests/fuzz/corpus/$(basename "$bin")/." "$corpus/"
	if "$bin" -max_total_time="$FUZZ_SECONDS" -rss_limit_mb=2048 -timeout=10 "$corpus" >"$log/fuzz.log" 2>&1; then
		echo "ok   $(basename "$bin") ($(grep -o 'Done [0-9]* runs' "$log/fuzz.log" | tail -n 1))"
		echo "1 passed, 0 failed"
	else
		tail -n 40 "$log/fuzz.log"
		echo "FAIL $(basename "$bin")"
		echo "0 passed, 1 failed"
	fi
}

for suite in $SUITES; do
	case $suite in
	unit)
		for t in build/tests/test_*; do [ -x "$t" ] && run "unit $(basename "$t")" "$t"; done ;;
	api)
		for t in tests/api/test_*.py; do run "api $(basename "$t")" python3 "$t"; done ;;
	asan)
		if [ -x build-asan/voronka ]; then
			for t in tests/api/test_transport.py tests/api/test_user.py tests/api/test_crm_items.py \
				tests/api/test_crm_convert.py tests/api/test_crm_item.py tests/api/test_events.py \
				tests/api/test_crm_timeline.py tests/api/test_crm_import.py tests/api/test_user_option.py \
				tests/api/test_im_notify.py; do
				[ -f "$t" ] && run "asan $(basename "$t")" env VORONKA_BIN=build-asan/voronka \
					ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
					python3 "$t"
			done
		fi ;;
	sdk)
		[ -x tests/sdk/run.sh ] && run "sdk" tests/sdk/run.sh ;;
	ui)
		[ -x tests/ui/run.sh ] && run "ui" tests/ui/run.sh ;;
	fuzz)
		for b in build-fuzz/fuzz/fuzz_*; do [ -x "$b" ] && run "fuzz $(basename "$b")" fuzz_one "$b"; done ;;
	esac
done
echo
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
