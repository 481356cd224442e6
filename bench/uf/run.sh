#!/bin/bash
# bench/uf/run.sh — filtering and ordering by a custom field (issue 6) on a million deals, against
# the same query on a standard field (OPPORTUNITY), measured in the same run:
#
#   (a) crm.deal.list filter {">F": x} order {F: ASC}, start=-1 (a page, no count)
#   (b) the same with start=0 (the page and the total)
#   (c) crm.deal.list filter {"F": x} (equality), start=-1
#   for F = UF_CRM_BENCH_INT (an integer custom field), UF_CRM_BENCH_STR (a string one),
#   OPPORTUNITY (the standard field asked for: it has no index of its own) and DATE_MODIFY (a
#   standard field with an index, the fair baseline); x drawn at random per request from the
#   values of the field (the three first hold the same values).
#
# Also: how long creating a custom field takes on that many deals (ALTER TABLE + CREATE INDEX) and
# deleting it (DROP INDEX + DROP COLUMN, a rewrite of the table), and SQLite's plan for (a).
#
# The data folder is seeded once (`voronka seed --deals N`) and reused by later runs; the two
# fields are made through the REST API and filled once with the sqlite3 module of Python (a
# million REST updates would take long and measure something else). Requests are sent one after
# another over one keep-alive connection; p50/p99 of their latency are printed with the ratio of
# each custom field's p50 to OPPORTUNITY's.
# Knobs: VORONKA_BIN (default build/voronka, built if missing), BENCH_DEALS (1000000),
# BENCH_DATA (default $TMPDIR/voronka-bench-uf-N), BENCH_REQUESTS (300 per case).
set -u
cd "$(dirname "$0")/../.." || exit 1
BIN=${VORONKA_BIN:-build/voronka}
N=${BENCH_DEALS:-1000000}
DATA=${BENCH_DATA:-${TMPDIR:-/tmp}/voronka-bench-uf-$N}
REQUESTS=${BENCH_REQUESTS:-300}

. bench/lib.sh
bench_setup voronka-bench-uf curl python3

bench_seed "$DATA" "$N" admin@example.com Adm1n-secret --no-search

port=$(free_port)
"$BIN" serve --data "$DATA" --listen "127.0.0.1:$port" >"$tmp/voronka.log" 2>&1 &
pid=$!
pids+=("$pid")
wait_up "http://127.0.0.1:$port/healthz" "$pid" || { echo "bench: voronka did not start"; tail "$tmp/voronka.log"; exit 1; }
hook=$("$BIN" webhook add --data "$DATA" --user 1 --title bench-uf 2>&1 | grep -o '/rest/[0-9][0-9]*/[A-Za-z0-9][A-Za-z0-9]*' | head -n 1)
[ -n "$hook" ] || { echo "bench: webhook add printed no URL"; exit 1; }

PORT=$port HOOK=$hook DB="$DATA/voronka.db" REQUESTS=$REQUESTS BIN_VERSION="$("$BIN" version | awk '{print $2}')" \
	python3 - <<'EOF'
import http.client, json, os, random, sqlite3, statistics, sys, time, urllib.parse

port, hook, db, nreq = int(os.environ["PORT"]), os.environ["HOOK"], os.environ["DB"], int(os.environ["REQUESTS"])
conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)

def call(method, params=None):
    body = json.dumps(params or {}).encode()
    conn.request("POST", f"{hook}/{method}", body, {"Content-Type": "application/json"})
    r = conn.getresponse()
    data = json.loads(r.read())
    if r.status != 200:
        sys.exit(f"bench: {method} answered {r.status}: {data}")
    return data

def field(name, utype):
    have = call("crm.deal.userfield.list", {"filter": {"FIELD_NAME": name}})["result"]
    if have:
        return False
    call("crm.deal.userfield.add", {"fields": {"FIELD_NAME": name, "USER_TYPE_ID": utype}})
    return True

# the two fields, filled once: values spread over 0..999999 like the amounts
made = field("UF_CRM_BENCH_INT", "integer") | field("UF_CRM_BENCH_STR", "string")
sq = sqlite3.connect(db, timeout=60)
filled = sq.execute("SELECT COUNT(*) FROM crm_deal WHERE uf_crm_bench_int IS NOT NULL").fetchone()[0]
total = sq.execute("SELECT COUNT(*) FROM crm_deal").fetchone()[0]
if made or filled < total:
    t0 = time.time()
    sq.execute("UPDATE crm_deal SET uf_crm_bench_int = CAST(opportunity AS INTEGER), "
               "uf_crm_bench_str = printf('v%07d', CAST(opportunity AS INTEGER))")
    sq.commit()
    print(f"filled both fields on {total} deals in {time.time() - t0:.1f} s (from OPPORTUNITY, so the three "
          f"fields hold the same distribution)")
sq.execute("ANALYZE")
sq.commit()
values = [r[0] for r in sq.execute("SELECT CAST(opportunity AS INTEGER) FROM crm_deal ORDER BY random() LIMIT 2000")]
dates = [r[0].replace(" ", "T") + "Z" for r in
         sq.execute("SELECT date_modify FROM crm_deal ORDER BY random() LIMIT 2000")]
plan = sq.execute("EXPLAIN QUERY PLAN SELECT id, uf_crm_bench_int FROM crm_deal WHERE uf_crm_bench_int > ? "
                  "ORDER BY uf_crm_bench_int ASC, id ASC LIMIT 51", (values[0],)).fetchall()
sq.close()

print(f"voronka {os.environ['BIN_VERSION']}, {total} deals; {nreq} requests per case, one after another, "
      f"one keep-alive connection, after {nreq // 10} of warm-up")
print("SQLite's plan for (a) on the custom field: " + "; ".join(r[-1] for r in plan))
print()

def measure(make_params, start, pool):
    rnd = random.Random(4242)
    lat = []
    for i in range(nreq + nreq // 10):
        p = make_params(rnd.choice(pool))
        p["start"] = start
        t0 = time.perf_counter()
        call("crm.deal.list", p)
        if i >= nreq // 10:
            lat.append((time.perf_counter() - t0) * 1000)
    lat.sort()
    return statistics.median(lat), lat[int(len(lat) * 0.99) - 1]

fields = [("OPPORTUNITY", lambda v: v), ("DATE_MODIFY", lambda v: v), ("UF_CRM_BENCH_INT", lambda v: v),
          ("UF_CRM_BENCH_STR", lambda v: "v%07d" % v)]
cases = [
    ("(a) filter >F, order F ASC, start=-1", lambda f, conv: (lambda v: {"filter": {">" + f: conv(v)}, "order": {f: "ASC"},
                                                                          "select": ["ID", "TITLE", f]}), -1),
    ("(b) the same with start=0 (page + total)", lambda f, conv: (lambda v: {"filter": {">" + f: conv(v)}, "order": {f: "ASC"},
                                                                              "select": ["ID", "TITLE", f]}), 0),
    ("(c) filter F = x, start=-1", lambda f, conv: (lambda v: {"filter": {f: conv(v)}, "select": ["ID", "TITLE", f]}), -1),
]
worst = 0
for label, mk, start in cases:
    print(label)
    res = {}
    for f, conv in fields:
        p50, p99 = measure(mk(f, conv), start, dates if f == "DATE_MODIFY" else values)
        res[f] = (p50, p99)
        print(f"  {f:<18} p50 {p50:9.2f} ms  p99 {p99:9.2f} ms")
    base, indexed = res["OPPORTUNITY"][0], res["DATE_MODIFY"][0]
    for f in ("UF_CRM_BENCH_INT", "UF_CRM_BENCH_STR"):
        ratio = res[f][0] / base if base else 0
        worst = max(worst, ratio)
        print(f"  ratio {f}/OPPORTUNITY (p50): {ratio:.2f}   /DATE_MODIFY (p50): "
              f"{res[f][0] / indexed if indexed else 0:.2f}")
    print()

# what a definition change costs on this many deals
t0 = time.time()
call("crm.deal.userfield.add", {"fields": {"FIELD_NAME": "BENCH_TMP", "USER_TYPE_ID": "integer"}})
t_add = time.time() - t0
fid = call("crm.deal.userfield.list", {"filter": {"FIELD_NAME": "UF_CRM_BENCH_TMP"}})["result"][0]["ID"]
t0 = time.time()
call("crm.deal.userfield.delete", {"id": fid})
t_del = time.time() - t0
print(f"creating an integer field (ALTER TABLE + CREATE INDEX on {total} deals): {t_add:.2f} s")
print(f"deleting it (DROP INDEX + DROP COLUMN: the table is rewritten): {t_del:.2f} s")
print(f"aim: a custom field filters and sorts no slower than 1.5x the standard field: "
      f"{'met' if worst <= 1.5 else 'MISSED'} (worst p50 ratio {worst:.2f})")
sys.exit(0 if worst <= 1.5 else 2)
EOF
