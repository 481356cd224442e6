"""test_crm_category.py — deal pipelines (D1–D4) against the real binary: crm.dealcategory.* and
crm.category.* (entityTypeId 2), the default pipeline 0 (renamed, never deleted), the stage list
DEAL_STAGE_{n} a pipeline gets and loses, and crm.status.* on those lists."""
import os, sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from harness import Server, test, run, check  # noqa: E402

srv = Server()

FACTORY = ["NEW", "PREPARATION", "PREPAYMENT_INVOICE", "EXECUTING", "FINAL_INVOICE", "WON", "LOSE", "APOLOGY"]


ok = srv.ok  # the whole envelope


fails = srv.fails


def stages(entity):
    return ok("crm.status.list", {"filter": {"ENTITY_ID": entity}, "order": {"SORT": "ASC"}})["result"]


@test
def default_pipeline():
    d = ok("crm.dealcategory.default.get")["result"]
    check(d == {"ID": 0, "NAME": "Общая"}, d)
    cats = ok("crm.category.list", {"entityTypeId": 2})
    check(cats["total"] == len(cats["result"]["categories"]), cats)
    first = cats["result"]["categories"][0]
    check(first == {"id": 0, "name": "Общая", "sort": 0, "entityTypeId": 2, "isDefault": "Y", "originId": "",
                    "originatorId": ""}, first)
    check(ok("crm.category.get", {"entityTypeId": 2, "id": 0})["result"] == {"category": first})
    rec = ok("crm.dealcategory.get", {"id": 0})["result"]
    check(rec["ID"] == "0" and rec["NAME"] == "Общая" and rec["IS_LOCKED"] == "N" and rec["SORT"] == "0", rec)
    # the legacy list shows only added pipelines
    check(all(r["ID"] != "0" for r in ok("crm.dealcategory.list")["result"]))
    # its stages are DEAL_STAGE
    st = ok("crm.dealcategory.stage.list", {"id": 0})["result"]
    check([r["STATUS_ID"] for r in st] == FACTORY, st)


@test
def add_creates_stages():
    cid = ok("crm.dealcategory.add", {"fields": {"NAME": "Опт", "SORT": 200}})["result"]
    check(isinstance(cid, int) and cid > 0, cid)
    rec = ok("crm.dealcategory.get", {"ID": cid})["result"]
    check(rec["ID"] == str(cid) and rec["NAME"] == "Опт" and rec["SORT"] == "200" and rec["IS_LOCKED"] == "N", rec)
    check(rec["CREATED_DATE"].startswith("20"), rec)
    rows = stages("DEAL_STAGE_%d" % cid)
    check([r["STATUS_ID"] for r in rows] == ["C%d:%s" % (cid, s) for s in FACTORY], rows)
    check(all(r["CATEGORY_ID"] == str(cid) and r["SYSTEM"] == "Y" for r in rows), rows)
    check([r["EXTRA"]["SEMANTICS"] for r in rows] == ["process"] * 5 + ["success", "failure", "apology"], rows)
    check(ok("crm.dealcategory.stage.list", {"id": cid})["result"] == rows)
    # entity.types lists the pipeline's stage list
    types = {t["ID"]: t for t in ok("crm.status.entity.types")["result"]}
    t = types.get("DEAL_STAGE_%d" % cid)
    check(t and t["PREFIX"] == "C%d" % cid and t["CATEGORY_ID"] == str(cid) and t["ENTITY_TYPE_ID"] == 2 and
          t["PARENT_ID"] == "DEAL_STAGE" and t["FIELD_ATTRIBUTE_SCOPE"] == "category_%d" % cid, t)
    check(t["SEMANTIC_INFO"]["START_FIELD"] == "C%d:NEW" % cid and
          t["SEMANTIC_INFO"]["FINAL_SUCCESS_FIELD"] == "C%d:WON" % cid and
          t["SEMANTIC_INFO"]["FINAL_UNSUCCESS_FIELD"] == "C%d:LOSE" % cid, t)
    # the legacy list and its filter
    lst = ok("crm.dealcategory.list", {"filter": {"NAME": "Опт"}})
    check([r["ID"] for r in lst["result"]] == [str(cid)] and lst["total"] == 1, lst)
    # the default stage list is untouched
    check([r["STATUS_ID"] for r in stages("DEAL_STAGE")] == FACTORY)


@test
def category_api():
    c = ok("crm.category.add", {"entityTypeId": 2, "fields": {"name": "Сервис"}})["result"]["category"]
    check(c["name"] == "Сервис" and c["sort"] == 500 and c["isDefault"] == "N" and c["entityTypeId"] == 2, c)
    cid = c["id"]
    u = ok("crm.category.update", {"entityTypeId": 2, "id": cid, "fields": {"name": "Сервис 2", "sort": 10}})
    check(u["result"]["category"]["name"] == "Сервис 2" and u["result"]["category"]["sort"] == 10, u)
    names = [x["name"] for x in ok("crm.category.list", {"entityTypeId": 2})["result"]["categories"]]
    check("Сервис 2" in names, names)
    f = ok("crm.category.fields", {"entityTypeId": 2})["result"]["fields"]
    check(f["name"]["isRequired"] is True and f["id"]["isReadOnly"] is True, f)
    check(len(stages("DEAL_STAGE_%d" % cid)) == 8)
    check(ok("crm.category.delete", {"entityTypeId": 2, "id": cid})["result"] is None)
    check(stages("DEAL_STAGE_%d" % cid) == [])
    fails("crm.category.get", {"entityTypeId": 2, "id": cid}, "NOT_FOUND")
    check("DEAL_STAGE_%d" % cid not in [t["ID"] for t in ok("crm.status.entity.types")["result"]])
    # other kinds, missing parameters
    fails("crm.category.list", {"entityTypeId": 1}, "ERROR_ARGUMENT", mentions="entityTypeId")
    fails("crm.category.list", {}, "ERROR_ARGUMENT", mentions="entityTypeId")
    fails("crm.category.add", {"entityTypeId": 2, "fields": {"sort": 5}}, "ERROR_ARGUMENT", mentions="NAME")


@test
def default_rename_never_delete():
    ok("crm.dealcategory.default.set", {"NAME": "Продажи"})
    check(ok("crm.dealcategory.default.get")["result"]["NAME"] == "Продажи")
    ok("crm.category.update", {"entityTypeId": 2, "id": 0, "fields": {"name": "Основная"}})
    check(ok("crm.dealcategory.default.get")["result"]["NAME"] == "Основная")
    fails("crm.dealcategory.delete", {"id": 0}, "ERROR_CORE", mentions="default pipeline")
    fails("crm.category.delete", {"entityTypeId": 2, "id": 0}, "ERROR_CORE", mentions="default pipeline")
    check(ok("crm.dealcategory.get", {"id": 0})["result"]["NAME"] == "Основная")
    check([r["STATUS_ID"] for r in stages("DEAL_STAGE")] == FACTORY)
    fails("crm.dealcategory.default.set", {}, "ERROR_ARGUMENT")
    ok("crm.dealcategory.default.set", {"NAME": "Общая"})


@test
def update_delete_legacy():
    cid = ok("crm.dealcategory.add", {"fields": {"NAME": "Временная"}})["result"]
    check(ok("crm.dealcategory.update", {"id": cid, "fields": {"NAME": "Другая", "SORT": 7}})["result"] is True)
    rec = ok("crm.dealcategory.get", {"id": cid})["result"]
    check(rec["NAME"] == "Другая" and rec["SORT"] == "7", rec)
    check(ok("crm.dealcategory.delete", {"id": cid})["result"] is True)
    fails("crm.dealcategory.get", {"id": cid}, "NOT_FOUND")
    fails("crm.dealcategory.delete", {"id": cid}, "NOT_FOUND")
    fails("crm.dealcategory.update", {"id": cid, "fields": {"NAME": "x"}}, "NOT_FOUND")
    fails("crm.dealcategory.stage.list", {"id": cid}, "NOT_FOUND")
    check(stages("DEAL_STAGE_%d" % cid) == [])
    fails("crm.dealcategory.add", {"fields": {"NAME": ""}}, "ERROR_ARGUMENT", mentions="NAME")
    fails("crm.dealcategory.add", {"fields": {"NAME": "x" * 300}}, "ERROR_ARGUMENT", mentions="NAME")
    fails("crm.dealcategory.update", {"id": 0, "fields": {"NAME": ""}}, "ERROR_ARGUMENT")
    fails("crm.dealcategory.get", {"id": "abc"}, "ERROR_ARGUMENT")
    fails("crm.dealcategory.get", {}, "ERROR_ARGUMENT")
    f = ok("crm.dealcategory.fields")["result"]
    check(sorted(f) == ["CREATED_DATE", "ID", "IS_LOCKED", "NAME", "SORT"], f)
    check(f["NAME"]["isRequired"] is True and f["ID"]["isReadOnly"] is True, f)


@test
def status_on_pipeline_stages():
    cid = ok("crm.dealcategory.add", {"fields": {"NAME": "Стадии"}})["result"]
    ent = "DEAL_STAGE_%d" % cid
    # the prefix is added when missing, kept when given
    a = ok("crm.status.add", {"fields": {"ENTITY_ID": ent, "STATUS_ID": "CHECK", "NAME": "Проверка", "SORT": 45}})
    b = ok("crm.status.add", {"fields": {"ENTITY_ID": ent, "STATUS_ID": "C%d:MEET" % cid, "NAME": "Встреча",
                                         "SORT": 46}})
    ga = ok("crm.status.get", {"id": a["result"]})["result"]
    check(ga["STATUS_ID"] == "C%d:CHECK" % cid and ga["CATEGORY_ID"] == str(cid) and ga["SYSTEM"] == "N" and
          ga["EXTRA"]["SEMANTICS"] == "process", ga)
    check(ok("crm.status.get", {"id": b["result"]})["result"]["STATUS_ID"] == "C%d:MEET" % cid)
    fails("crm.status.add", {"fields": {"ENTITY_ID": ent, "STATUS_ID": "CHECK", "NAME": "x", "SORT": 47}},
          "ERROR_CORE", mentions="already exists")
    fails("crm.status.add", {"fields": {"ENTITY_ID": ent, "STATUS_ID": "BAD ID", "NAME": "x", "SORT": 47}},
          "ERROR_ARGUMENT")
    # the stage invariants hold on the pipeline's list
    won = [r for r in stages(ent) if r["STATUS_ID"] == "C%d:WON" % cid][0]
    fails("crm.status.update", {"id": won["ID"], "fields": {"SEMANTICS": ""}}, "ERROR_CORE")
    fails("crm.status.delete", {"id": won["ID"]}, "ERROR_CORE", mentions="system")
    ok("crm.status.update", {"id": won["ID"], "fields": {"NAME": "Оплачено"}})
    ok("crm.status.update", {"id": a["result"], "fields": {"STATUS_ID": "CHECK2"}})
    check(ok("crm.status.get", {"id": a["result"]})["result"]["STATUS_ID"] == "C%d:CHECK2" % cid)
    ok("crm.status.delete", {"id": b["result"]})
    items = ok("crm.status.entity.items", {"entityId": ent})["result"]
    check([i["STATUS_ID"] for i in items][:5] == ["C%d:%s" % (cid, s) for s in FACTORY[:4]] + ["C%d:CHECK2" % cid],
          items)
    # lists of pipelines that do not exist are refused
    for bad in ("DEAL_STAGE_999", "DEAL_STAGE_0", "DEAL_STAGE_x"):
        fails("crm.status.add", {"fields": {"ENTITY_ID": bad, "STATUS_ID": "X", "NAME": "x"}}, "ERROR_ARGUMENT",
              mentions="not a known list")
    # deleting the pipeline removes its stages, added ones included
    ok("crm.dealcategory.delete", {"id": cid})
    check(stages(ent) == [])
    fails("crm.status.add", {"fields": {"ENTITY_ID": ent, "STATUS_ID": "X", "NAME": "x"}}, "ERROR_ARGUMENT")


@test
def rights_and_batch():
    uid = ok("user.add", {"EMAIL": "pipeline.reader@example.com"})["result"]
    wurl = ok("voronka.webhook.add", {"USER_ID": uid})["result"]["URL"]
    call = lambda m, p=None: srv.call(m, p, path=wurl + m)  # noqa: E731
    st, body = call("crm.category.list", {"entityTypeId": 2})
    check(st == 200 and body["result"]["categories"][0]["id"] == 0, st, body)
    for m, p in (("crm.dealcategory.add", {"fields": {"NAME": "x"}}),
                 ("crm.dealcategory.default.set", {"NAME": "x"}),
                 ("crm.category.add", {"entityTypeId": 2, "fields": {"name": "x"}}),
                 ("crm.category.delete", {"entityTypeId": 2, "id": 0})):
        st, body = call(m, p)
        check(st == 403 and body.get("error") == "ACCESS_DENIED", m, st, body)
    names = ok("methods", {"scope": "crm"})["result"]
    for m in ("crm.category.list", "crm.dealcategory.list", "crm.dealcategory.stage.list",
              "crm.dealcategory.default.get"):
        check(m in names, m)
    b = ok("batch", {"cmd": {"a": "crm.dealcategory.add?fields[NAME]=Пакет",
                             "s": "crm.dealcategory.stage.list?id=$result[a]"}})
    cid = b["result"]["result"]["a"]
    check(b["result"]["result"]["s"][0]["STATUS_ID"] == "C%d:NEW" % cid, b)
    ok("crm.dealcategory.delete", {"id": cid})


run()
