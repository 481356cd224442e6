"""test_crm_funnel.py — voronka.crm.funnel.get / .compare, voronka.crm.kanban.headers and
crm.stagehistory.list against the real binary: every number a funnel shows is checked against
what the deals and leads created through crm.deal.add / crm.lead.add imply, also after moves
between stages, amount changes and deletes, in several pipelines, with and without a filter."""
import math, os, sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from harness import Server, test, run, check  # noqa: E402

srv = Server()


ok = srv.ok  # the whole envelope


fails = srv.fails


def pipeline(name):
    """A new deal pipeline: (id, its stages in order as crm.dealcategory.stage.list gives them)."""
    cid = ok("crm.category.add", {"entityTypeId": 2, "fields": {"name": name}})["result"]["category"]["id"]
    stages = ok("crm.dealcategory.stage.list", {"id": cid})["result"]
    return cid, stages


def deal(cid, stage, amount, **extra):
    fields = {"TITLE": f"Сделка {stage} {amount}", "CATEGORY_ID": cid, "STAGE_ID": stage, "OPPORTUNITY": amount}
    fields.update(extra)
    return ok("crm.deal.add", {"fields": fields})["result"]


def funnel(cid=0, **params):
    return ok("voronka.crm.funnel.get", dict({"entityTypeId": 2, "categoryId": cid}, **params))["result"]


def pct(n, total):
    """A percentage rounded half up to two decimals, as the server rounds it."""
    return math.floor(n * 10000 / total + 0.5) / 100 if total else 0


def sem(stage):
    return stage.get("SEMANTICS") or "P"


def expected(stages, deals):
    """What a funnel must show for deals = [(stage_id, amount)], from first principles."""
    total = len(deals)
    per = {s["STATUS_ID"]: [0, 0] for s in stages}
    for sid, amount in deals:
        per[sid][0] += 1
        per[sid][1] += round(amount * 100)
    rows = []
    for i, s in enumerate(stages):
        n, cents = per[s["STATUS_ID"]]
        if sem(s) == "P":  # itself, every later in-progress stage, the won ones
            reach = [x for j, x in enumerate(stages) if (j >= i and sem(x) == "P") or sem(x) == "S"]
        else:
            reach = [s]
        rn = sum(per[x["STATUS_ID"]][0] for x in reach)
        rc = sum(per[x["STATUS_ID"]][1] for x in reach)
        rows.append({"STATUS_ID": s["STATUS_ID"], "NAME": s["NAME"], "SEMANTICS": sem(s), "count": n,
                     "sum": cents / 100, "share": pct(n, total),
                     "reached": rn, "reachedSum": rc / 100, "reachedShare": pct(rn, total)})
    return rows


def check_funnel(got, stages, deals, mode="classic"):
    want = expected(stages, deals)
    check([s["STATUS_ID"] for s in got["stages"]] == [s["STATUS_ID"] for s in want], got["stages"])
    for g, w in zip(got["stages"], want):
        for k in ("NAME", "SEMANTICS", "count", "share"):
            check(g[k] == w[k], k, g, w)
        check(abs(g["sum"] - w["sum"]) < 1e-9, "sum", g, w)
        if mode == "conversion":
            check(g["reached"] == w["reached"] and g["reachedShare"] == w["reachedShare"], g, w)
            check(abs(g["reachedSum"] - w["reachedSum"]) < 1e-9, g, w)
        else:
            check("reached" not in g, g)
    by = {s["STATUS_ID"]: sem(s) for s in stages}
    for key, want_sem in (("inWork", "P"), ("won", "S"), ("lost", "F")):
        part = [a for sid, a in deals if by[sid] == want_sem]
        check(got[key]["count"] == len(part), key, got[key], part)
        check(abs(got[key]["sum"] - sum(round(a * 100) for a in part) / 100) < 1e-9, key, got[key])
    check(got["total"]["count"] == len(deals), got["total"])
    check(abs(got["total"]["sum"] - sum(round(a * 100) for _, a in deals) / 100) < 1e-9, got["total"])
    won = len([1 for sid, _ in deals if by[sid] == "S"])
    check(got["conversion"] == pct(won, len(deals)), got["conversion"])
    check(got["mode"] == mode, got["mode"])


@test
def empty_default_pipeline_in_order():
    f = funnel(0)
    stages = ok("crm.dealcategory.stage.list", {"id": 0})["result"]
    check([s["STATUS_ID"] for s in f["stages"]] ==
          ["NEW", "PREPARATION", "PREPAYMENT_INVOICE", "EXECUTING", "FINAL_INVOICE", "WON", "LOSE", "APOLOGY"], f)
    check(f["entityTypeId"] == 2 and f["categoryId"] == 0 and f["categoryName"] == "Общая", f)
    check(f["stages"][0]["NAME"] == "Новая" and f["stages"][0]["COLOR"] == "#39A8EF", f["stages"][0])
    check([s["SEMANTICS"] for s in f["stages"]] == ["P"] * 5 + ["S", "F", "F"], f)
    check(f["filtered"] is False and f["conversion"] == 0 and f["total"] == {"count": 0, "sum": 0}, f)
    check_funnel(f, stages, [])
    # the defaults: deals, pipeline 0, classic
    check(ok("voronka.crm.funnel.get")["result"]["stages"] == f["stages"])


@test
def classic_and_conversion_numbers():
    cid, stages = pipeline("Опт")
    ids = [s["STATUS_ID"] for s in stages]
    new, prep, inv, exe, fin, won, lose, apol = ids
    deals = [(new, 100), (new, 200), (new, 300.5), (prep, 50), (prep, 49.99), (exe, 1000), (won, 500),
             (won, 250.25), (lose, 70), (apol, 0)]
    for sid, amount in deals:
        deal(cid, sid, amount)
    f = funnel(cid)
    check_funnel(f, stages, deals)
    check(f["categoryId"] == cid and f["categoryName"] == "Опт", f)
    check(f["stages"][0]["count"] == 3 and f["stages"][0]["share"] == 30 and f["stages"][0]["sum"] == 600.5, f)
    check(f["conversion"] == 20 and f["won"] == {"count": 2, "sum": 750.25}, f)
    check(f["lost"] == {"count": 2, "sum": 70} and f["inWork"]["count"] == 6, f)
    c = funnel(cid, mode="conversion")
    check_funnel(c, stages, deals, "conversion")
    # the first stage holds every deal not lost; the column shrinks towards the success stage
    check(c["stages"][0]["reached"] == 8 and c["stages"][1]["reached"] == 5 and c["stages"][2]["reached"] == 3, c)
    check(c["stages"][5]["reached"] == 2 and c["stages"][6]["reached"] == 1, c)
    check(c["stages"][0]["reachedShare"] == 80 and c["stages"][0]["reachedSum"] == 2450.74, c["stages"][0])
    # the kanban headers: the same counts and sums per column
    h = ok("voronka.crm.kanban.headers", {"entityTypeId": 2, "categoryId": cid})["result"]
    check([(x["STATUS_ID"], x["count"], x["sum"]) for x in h] ==
          [(s["STATUS_ID"], s["count"], s["sum"]) for s in f["stages"]], h)
    check(h[0]["NAME"] == stages[0]["NAME"] and "share" not in h[0], h[0])
    # the default pipeline is untouched by another pipeline's deals
    check(funnel(0)["total"]["count"] == 0)


@test
def moves_amounts_and_deletes():
    cid, stages = pipeline("Розница")
    new, prep, inv, exe, fin, won, lose, apol = [s["STATUS_ID"] for s in stages]
    a = deal(cid, new, 100)
    b = deal(cid, new, 200)
    c = deal(cid, prep, 300)
    d = deal(cid, exe, 400)
    state = {a: [new, 100], b: [new, 200], c: [prep, 300], d: [exe, 400]}

    def again(mode="classic"):
        got = funnel(cid, mode=mode)
        check_funnel(got, stages, [tuple(v) for v in state.values()], mode)
        # the kept counts equal a recount from the items (a filter that lets everything through)
        recount = funnel(cid, mode=mode, filter={">=DATE_CREATE": "2000-01-01T00:00:00+00:00"})
        check(recount["filtered"] is True and recount["stages"] == got["stages"], recount, got)
        return got

    again()
    ok("crm.deal.update", {"id": a, "fields": {"STAGE_ID": prep}})
    state[a][0] = prep
    again("conversion")
    ok("crm.deal.update", {"id": b, "fields": {"OPPORTUNITY": 250.5}})
    state[b][1] = 250.5
    again()
    ok("crm.deal.update", {"id": c, "fields": {"STAGE_ID": won, "OPPORTUNITY": 333.33}})
    state[c] = [won, 333.33]
    again("conversion")
    ok("crm.deal.update", {"id": d, "fields": {"STAGE_ID": lose}})
    state[d][0] = lose
    f = again()
    check(f["won"]["count"] == 1 and f["lost"]["count"] == 1 and f["conversion"] == 25, f)
    ok("crm.deal.update", {"id": a, "fields": {"TITLE": "Только название"}})  # no stage or amount change
    again()
    ok("crm.deal.delete", {"id": c})
    del state[c]
    f = again("conversion")
    check(f["conversion"] == 0 and f["total"]["count"] == 3, f)
    for x in list(state):
        ok("crm.deal.delete", {"id": x})
        del state[x]
    f = again()
    check(f["total"] == {"count": 0, "sum": 0} and all(s["count"] == 0 for s in f["stages"]), f)


@test
def several_pipelines_side_by_side():
    c1, s1 = pipeline("Сравнение 1")
    c2, s2 = pipeline("Сравнение 2")
    d1 = [(s1[0]["STATUS_ID"], 10), (s1[5]["STATUS_ID"], 20)]
    d2 = [(s2[1]["STATUS_ID"], 5), (s2[1]["STATUS_ID"], 6), (s2[6]["STATUS_ID"], 7)]
    for sid, a in d1:
        deal(c1, sid, a)
    for sid, a in d2:
        deal(c2, sid, a)
    r = ok("voronka.crm.funnel.compare", {"entityTypeId": 2, "categoryIds": [c2, c1], "mode": "conversion"})["result"]
    check([f["categoryId"] for f in r["funnels"]] == [c2, c1], r)
    check_funnel(r["funnels"][0], s2, d2, "conversion")
    check_funnel(r["funnels"][1], s1, d1, "conversion")
    check(r["funnels"][0]["categoryName"] == "Сравнение 2", r["funnels"][0])
    # form encoding; without categoryIds: every pipeline, the default first
    r = ok("voronka.crm.funnel.compare", {"categoryIds": [c1]}, via="form")["result"]
    check(len(r["funnels"]) == 1 and r["funnels"][0]["mode"] == "classic", r)
    check_funnel(r["funnels"][0], s1, d1)
    every = ok("voronka.crm.funnel.compare")["result"]["funnels"]
    check(every[0]["categoryId"] == 0 and {c1, c2} <= {f["categoryId"] for f in every}, every)
    fails("voronka.crm.funnel.compare", {"categoryIds": [c1, 987654]}, "NOT_FOUND", mentions="987654")
    fails("voronka.crm.funnel.compare", {"categoryIds": ["x"]}, "ERROR_ARGUMENT", mentions="categoryIds")
    fails("voronka.crm.funnel.compare", {"categoryIds": list(range(21))}, "ERROR_ARGUMENT", mentions="categoryIds")


@test
def filter_by_responsible_and_date():
    cid, stages = pipeline("Фильтры")
    uid = int(ok("user.add", {"EMAIL": "funnel.manager@example.com", "NAME": "Менеджер"})["result"])
    mine = [(stages[0]["STATUS_ID"], 10), (stages[5]["STATUS_ID"], 30)]
    theirs = [(stages[0]["STATUS_ID"], 100), (stages[1]["STATUS_ID"], 200), (stages[6]["STATUS_ID"], 1)]
    for sid, a in mine:
        deal(cid, sid, a, ASSIGNED_BY_ID=uid)
    for sid, a in theirs:
        deal(cid, sid, a, ASSIGNED_BY_ID=1)
    check_funnel(funnel(cid), stages, mine + theirs)
    f = funnel(cid, filter={"ASSIGNED_BY_ID": uid})
    check(f["filtered"] is True, f)
    check_funnel(f, stages, mine)
    check_funnel(funnel(cid, filter={"ASSIGNED_BY_ID": [1]}, mode="conversion"), stages, theirs, "conversion")
    check_funnel(funnel(cid, filter={"@ASSIGNED_BY_ID": [1, uid]}), stages, mine + theirs)
    check_funnel(funnel(cid, filter={"ASSIGNED_BY_ID": []}), stages, [])
    # dates: everything was created now
    check_funnel(funnel(cid, filter={">=DATE_CREATE": "2000-01-01", "<=DATE_CREATE": "2999-01-01T00:00:00+03:00"}),
                 stages, mine + theirs)
    check_funnel(funnel(cid, filter={">DATE_CREATE": "2999-01-01"}), stages, [])
    check_funnel(funnel(cid, filter={"<DATE_CREATE": "2000-01-01"}), stages, [])
    check_funnel(funnel(cid, filter={"ASSIGNED_BY_ID": uid, ">=DATE_CREATE": "2000-01-01"}), stages, mine)
    # form encoding of the same
    st, body = srv.call("voronka.crm.funnel.get", {"categoryId": cid, "filter": {"ASSIGNED_BY_ID": uid}}, via="form")
    check(st == 200 and body["result"]["total"]["count"] == 2, body)


@test
def lead_funnel():
    stages = ok("crm.status.list", {"filter": {"ENTITY_ID": "STATUS"}, "order": {"SORT": "ASC"}})["result"]
    leads = [("NEW", 10), ("NEW", 0), ("IN_PROCESS", 5.5), ("PROCESSED", 1), ("CONVERTED", 100), ("JUNK", 3)]
    ids = [ok("crm.lead.add", {"fields": {"TITLE": "Лид", "STATUS_ID": sid, "OPPORTUNITY": a}})["result"]
           for sid, a in leads]
    f = ok("voronka.crm.funnel.get", {"entityTypeId": 1})["result"]
    check(f["entityTypeId"] == 1 and f["categoryName"] is None, f)
    check_funnel(f, stages, leads)
    check_funnel(ok("voronka.crm.funnel.get", {"entityTypeId": 1, "mode": "conversion"})["result"], stages, leads,
                 "conversion")
    ok("crm.lead.update", {"id": ids[0], "fields": {"STATUS_ID": "JUNK"}})
    leads[0] = ("JUNK", 10)
    ok("crm.lead.delete", {"id": ids[4]})
    del leads[4]
    check_funnel(ok("voronka.crm.funnel.get", {"entityTypeId": 1})["result"], stages, leads)
    h = ok("voronka.crm.kanban.headers", {"entityTypeId": 1})["result"]
    check([x["STATUS_ID"] for x in h] == ["NEW", "IN_PROCESS", "PROCESSED", "CONVERTED", "JUNK"], h)
    check(h[4]["count"] == 2 and h[4]["sum"] == 13, h[4])


@test
def refusals():
    fails("voronka.crm.funnel.get", {"entityTypeId": 3}, "ERROR_ARGUMENT", mentions="entityTypeId")
    fails("voronka.crm.funnel.get", {"entityTypeId": "deal"}, "ERROR_ARGUMENT", mentions="entityTypeId")
    fails("voronka.crm.funnel.get", {"categoryId": 987654}, "NOT_FOUND", mentions="987654")
    fails("voronka.crm.funnel.get", {"categoryId": "x"}, "ERROR_ARGUMENT", mentions="categoryId")
    fails("voronka.crm.funnel.get", {"entityTypeId": 1, "categoryId": 1}, "ERROR_ARGUMENT", mentions="categoryId")
    fails("voronka.crm.funnel.get", {"mode": "pyramid"}, "ERROR_ARGUMENT", mentions="mode")
    fails("voronka.crm.funnel.get", {"mode": ["classic"]}, "ERROR_ARGUMENT", mentions="mode")
    fails("voronka.crm.funnel.get", {"filter": "ASSIGNED_BY_ID=1"}, "ERROR_ARGUMENT", mentions="filter")
    fails("voronka.crm.funnel.get", {"filter": {"TITLE": "x"}}, "ERROR_ARGUMENT", mentions="TITLE")
    fails("voronka.crm.funnel.get", {"filter": {"ASSIGNED_BY_ID": "abc"}}, "ERROR_ARGUMENT", mentions="ASSIGNED_BY_ID")
    fails("voronka.crm.funnel.get", {"filter": {"ASSIGNED_BY_ID": list(range(51))}}, "ERROR_ARGUMENT",
          mentions="ASSIGNED_BY_ID")
    fails("voronka.crm.funnel.get", {"filter": {">=DATE_CREATE": "вчера"}}, "ERROR_ARGUMENT", mentions="DATE_CREATE")
    fails("voronka.crm.kanban.headers", {"entityTypeId": 4}, "ERROR_ARGUMENT", mentions="entityTypeId")
    fails("voronka.crm.kanban.headers", {"categoryId": 987654}, "NOT_FOUND")
    # an empty filter is no filter
    check(ok("voronka.crm.funnel.get", {"filter": []})["result"]["filtered"] is False)


@test
def stage_history():
    cid, stages = pipeline("История")
    new, prep = stages[0]["STATUS_ID"], stages[1]["STATUS_ID"]
    won = stages[5]["STATUS_ID"]
    d = deal(cid, new, 10)
    ok("crm.deal.update", {"id": d, "fields": {"STAGE_ID": prep}})
    ok("crm.deal.update", {"id": d, "fields": {"TITLE": "без смены стадии"}})
    ok("crm.deal.update", {"id": d, "fields": {"STAGE_ID": won}})
    body = ok("crm.stagehistory.list", {"entityTypeId": 2, "filter": {"OWNER_ID": d}, "order": {"ID": "ASC"}})
    items = body["result"]["items"]
    check(body["total"] == 3 and len(items) == 3, body)
    check([i["TYPE_ID"] for i in items] == [1, 2, 3], items)  # created, in-progress stage, final stage
    check([i["STAGE_ID"] for i in items] == [new, prep, won], items)
    check([i["STAGE_SEMANTIC_ID"] for i in items] == ["P", "P", "S"], items)
    check(all(i["OWNER_ID"] == d and i["CATEGORY_ID"] == cid and isinstance(i["ID"], int) for i in items), items)
    check(set(items[0]) == {"ID", "TYPE_ID", "OWNER_ID", "CREATED_TIME", "CATEGORY_ID", "STAGE_SEMANTIC_ID", "STAGE_ID"},
          items[0])
    check(len(items[0]["CREATED_TIME"]) == 25 and items[0]["CREATED_TIME"][10] == "T", items[0])
    # order, select, filter operators
    desc = ok("crm.stagehistory.list", {"entityTypeId": 2, "filter": {"OWNER_ID": d}, "order": {"ID": "DESC"},
                                        "select": ["ID", "STAGE_ID"]})["result"]["items"]
    check([i["STAGE_ID"] for i in desc] == [won, prep, new] and set(desc[0]) == {"ID", "STAGE_ID"}, desc)
    final = ok("crm.stagehistory.list", {"entityTypeId": 2, "filter": {"OWNER_ID": d, "TYPE_ID": 3}})["result"]
    check([i["STAGE_ID"] for i in final["items"]] == [won], final)
    check(ok("crm.stagehistory.list", {"entityTypeId": 2, "filter": {"OWNER_ID": d, ">ID": items[0]["ID"]}})
          ["total"] == 2)
    check(ok("crm.stagehistory.list", {"entityTypeId": 2, "filter": {"CATEGORY_ID": cid, "STAGE_ID": [new, prep]}})
          ["total"] == 2)
    # leads: STATUS_ID and STATUS_SEMANTIC_ID, no CATEGORY_ID; the deals are not among them
    lid = ok("crm.lead.add", {"fields": {"TITLE": "История лида", "STATUS_ID": "NEW"}})["result"]
    ok("crm.lead.update", {"id": lid, "fields": {"STATUS_ID": "JUNK"}})
    li = ok("crm.stagehistory.list", {"entityTypeId": 1, "filter": {"OWNER_ID": lid}})["result"]["items"]
    check([(i["TYPE_ID"], i["STATUS_ID"], i["STATUS_SEMANTIC_ID"]) for i in li] == [(1, "NEW", "P"), (3, "JUNK", "F")], li)
    check("CATEGORY_ID" not in li[0] and "STAGE_ID" not in li[0], li[0])
    # paging: 50 a page with next
    for _ in range(26):
        ok("crm.deal.update", {"id": d, "fields": {"STAGE_ID": prep}})
        ok("crm.deal.update", {"id": d, "fields": {"STAGE_ID": new}})
    p1 = ok("crm.stagehistory.list", {"entityTypeId": 2, "filter": {"OWNER_ID": d}})
    check(p1["total"] == 55 and p1["next"] == 50 and len(p1["result"]["items"]) == 50, p1.get("total"))
    p2 = ok("crm.stagehistory.list", {"entityTypeId": 2, "filter": {"OWNER_ID": d}, "start": 50})
    check(len(p2["result"]["items"]) == 5 and "next" not in p2, p2)
    # refusals
    fails("crm.stagehistory.list", {}, "ERROR_ARGUMENT", mentions="entityTypeId")
    fails("crm.stagehistory.list", {"entityTypeId": 3}, "ERROR_ARGUMENT", mentions="entityTypeId")
    fails("crm.stagehistory.list", {"entityTypeId": 2, "filter": {"BOGUS": 1}}, "ERROR_ARGUMENT", mentions="BOGUS")
    fails("crm.stagehistory.list", {"entityTypeId": 2, "filter": {"ENTITY_TYPE_ID": 1}}, "ERROR_ARGUMENT")
    fails("crm.stagehistory.list", {"entityTypeId": 1, "filter": {"STAGE_ID": "NEW"}}, "ERROR_ARGUMENT",
          mentions="STAGE_ID")
    fails("crm.stagehistory.list", {"entityTypeId": 2, "order": {"BOGUS": "ASC"}}, "ERROR_ARGUMENT", mentions="BOGUS")


run()
