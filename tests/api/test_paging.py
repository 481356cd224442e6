"""test_paging.py — counted list pages (`start` = 0, 50, 100, …) over a few hundred deals, in
several orders with ties and NULLs: every page equals the same slice of the whole ordered list,
whether it is reached by walking page after page (keyset seeks from remembered anchors), by
jumping to it, or again after writes that shift the rows (the remembered anchors and counts
must never outlive a change)."""
import os, sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from harness import Server, test, run, check  # noqa: E402

srv = Server()
N = 260


def ok(method, params=None):
    st, body = srv.call(method, params)
    check(st == 200 and "result" in body, method, params, st, body)
    return body


def page(order, start, flt=None):
    b = ok("crm.deal.list", {"order": order, "filter": flt or {}, "select": ["ID"], "start": start})
    return [int(x["ID"]) for x in b["result"]], b["total"], b.get("next")


def walk(order, flt=None):
    ids, start = [], 0
    while True:
        got, total, nxt = page(order, start, flt)
        ids += got
        if nxt is None:
            return ids, total
        check(nxt == start + 50, nxt, start)
        start = nxt


def expected(rows, order):
    """The order Voronka promises: the terms given, then ID ascending; SQLite puts NULLs first
    ascending and last descending."""
    out = list(rows)
    keys = list(order.items()) + [("ID", "ASC")]
    for field, direction in reversed(keys):
        desc = direction.upper() == "DESC"
        nulls = [r for r in out if r[field] is None]
        vals = [r for r in out if r[field] is not None]
        vals.sort(key=lambda r: r[field], reverse=desc)
        out = vals + nulls if desc else nulls + vals
    return [r["ID"] for r in out]


def snapshot():
    rows, last = [], 0
    while True:
        b = ok("crm.deal.list", {"filter": {">ID": last}, "order": {"ID": "ASC"}, "start": -1,
                                 "select": ["ID", "TITLE", "OPPORTUNITY", "PROBABILITY", "STAGE_ID"]})["result"]
        if not b:
            return rows
        for r in b:
            rows.append({"ID": int(r["ID"]), "TITLE": r["TITLE"], "OPPORTUNITY": float(r["OPPORTUNITY"]),
                         "PROBABILITY": None if r["PROBABILITY"] is None else int(r["PROBABILITY"]),
                         "STAGE_ID": r["STAGE_ID"]})
        last = rows[-1]["ID"]


@test
def fill():
    stages = ["NEW", "PREPARATION", "EXECUTING", "WON", "LOSE"]
    for b in range(0, N, 50):
        cmd = {}
        for i in range(b, min(N, b + 50)):
            f = {"TITLE": f"Сделка {i % 37:02d}", "OPPORTUNITY": (i * 7919) % 13 * 1000,
                 "STAGE_ID": stages[i % 5]}
            if i % 3:
                f["PROBABILITY"] = (i * 31) % 10 * 10
            cmd[f"d{i}"] = "crm.deal.add?" + "&".join(f"fields[{k}]={v}" for k, v in f.items())
        r = ok("batch", {"halt": 1, "cmd": cmd})["result"]
        check(not r["result_error"], r["result_error"])
    check(page({}, 0)[1] == N)


ORDERS = [{}, {"ID": "DESC"}, {"TITLE": "ASC"}, {"OPPORTUNITY": "DESC", "TITLE": "ASC"},
          {"PROBABILITY": "DESC"}, {"PROBABILITY": "ASC", "OPPORTUNITY": "ASC"}]


@test
def walks_match_the_order():
    rows = snapshot()
    check(len(rows) == N, len(rows))
    for order in ORDERS:
        want = expected(rows, order)
        ids, total = walk(order)
        check(total == N and ids == want, order, ids[:12], want[:12])
        ids2, _ = walk(order)  # the second walk seeks from every anchor the first left
        check(ids2 == want, "second walk", order)


@test
def jumps_and_repeats():
    rows = snapshot()
    for order in ORDERS:
        want = expected(rows, order)
        for start in (200, 150, 200, 51, 250, 259):
            got, total, nxt = page(order, start)
            check(got == want[start:start + 50], order, start, got[:5], want[start:start + 5])
            check(nxt == (start + 50 if start + 50 < N else None), nxt)
        got, total, _ = page(order, 300)
        check(got == [] and total == N)


@test
def filtered_walk():
    rows = [r for r in snapshot() if r["STAGE_ID"] in ("NEW", "EXECUTING")]
    want = expected(rows, {"OPPORTUNITY": "DESC"})
    ids, total = walk({"OPPORTUNITY": "DESC"}, {"@STAGE_ID": ["NEW", "EXECUTING"]})
    check(total == len(rows) and ids == want, total, len(rows))


@test
def writes_invalidate_counts_and_anchors():
    order = {"TITLE": "ASC"}
    walk(order)  # leave anchors everywhere
    before = snapshot()
    victims = [expected(before, order)[i] for i in (10, 60, 120)]
    for v in victims:
        ok("crm.deal.delete", {"id": v})
    ok("crm.deal.add", {"fields": {"TITLE": "Сделка 00", "OPPORTUNITY": 5}})
    ok("crm.deal.update", {"id": expected(before, order)[200], "fields": {"TITLE": "Аааа первая"}})
    rows = snapshot()
    want = expected(rows, order)
    for start in (50, 100, 150, 200):
        got, total, _ = page(order, start)
        check(total == N - 2 and got == want[start:start + 50], start, total)
    ids, total = walk(order)
    check(ids == want and total == N - 2)


run()
