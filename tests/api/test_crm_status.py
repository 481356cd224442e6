"""test_crm_status.py — crm.status.* (L1/L3) against the real binary: the default lists with their
Russian names, the record format (strings, SYSTEM Y/N, EXTRA for stages), list/get/fields,
entity.types/items, add/update/delete, and every refusal (unknown list, duplicate, system items,
the stage invariants)."""
import os, sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from harness import Server, test, run, check  # noqa: E402

srv = Server()


ok = srv.ok  # the whole envelope


fails = srv.fails


def items(entity):
    return ok("crm.status.list", {"filter": {"ENTITY_ID": entity}, "order": {"SORT": "ASC"}})["result"]


def find(entity, status_id):
    rows = [r for r in items(entity) if r["STATUS_ID"] == status_id]
    check(len(rows) == 1, entity, status_id, rows)
    return rows[0]


DEFAULTS = {
    "STATUS": ["NEW", "IN_PROCESS", "PROCESSED", "CONVERTED", "JUNK"],
    "SOURCE": ["CALL", "EMAIL", "WEB", "ADVERTISING", "PARTNER", "RECOMMENDATION", "TRADE_SHOW", "WEBFORM",
               "CALLBACK", "RC_GENERATOR", "STORE", "OTHER"],
    "CONTACT_TYPE": ["CLIENT", "SUPPLIER", "PARTNER", "OTHER"],
    "COMPANY_TYPE": ["CUSTOMER", "SUPPLIER", "COMPETITOR", "PARTNER", "OTHER"],
    "INDUSTRY": ["IT", "TELECOM", "MANUFACTURING", "BANKING", "CONSULTING", "FINANCE", "GOVERNMENT", "DELIVERY",
                 "ENTERTAINMENT", "NOTPROFIT", "OTHER"],
    "DEAL_TYPE": ["SALE", "COMPLEX", "GOODS", "SERVICES", "SERVICE"],
    "DEAL_STAGE": ["NEW", "PREPARATION", "PREPAYMENT_INVOICE", "EXECUTING", "FINAL_INVOICE", "WON", "LOSE",
                   "APOLOGY"],
    "EMPLOYEES": ["EMPLOYEES_1", "EMPLOYEES_2", "EMPLOYEES_3", "EMPLOYEES_4"],
    "HONORIFIC": ["HNR_RU_1", "HNR_RU_2"],
}


@test
def defaults():
    for entity, ids in DEFAULTS.items():
        rows = items(entity)
        check([r["STATUS_ID"] for r in rows] == ids, entity, rows)
        check([r["SORT"] for r in rows] == [str(10 * (i + 1)) for i in range(len(ids))], entity)
        check(all(r["SYSTEM"] == "Y" and r["NAME"] == r["NAME_INIT"] and r["NAME"] for r in rows), entity)
    check([r["NAME"] for r in items("STATUS")] ==
          ["Не обработан", "В работе", "Обработан", "Качественный лид", "Некачественный лид"])
    check([r["NAME"] for r in items("DEAL_STAGE")] ==
          ["Новая", "Подготовка документов", "Счёт на предоплату", "В работе", "Финальный счёт",
           "Сделка успешна", "Сделка провалена", "Анализ причины провала"])
    check([r["SEMANTICS"] for r in items("STATUS")] == [None, None, None, "S", "F"])
    check([r["EXTRA"]["SEMANTICS"] for r in items("DEAL_STAGE")] ==
          ["process"] * 5 + ["success", "failure", "apology"])


@test
def record_format():
    rec = find("DEAL_STAGE", "NEW")
    check(rec == {"ID": rec["ID"], "ENTITY_ID": "DEAL_STAGE", "STATUS_ID": "NEW", "NAME": "Новая",
                  "NAME_INIT": "Новая", "SORT": "10", "SYSTEM": "Y", "CATEGORY_ID": None, "COLOR": "#39A8EF",
                  "SEMANTICS": None, "EXTRA": {"SEMANTICS": "process", "COLOR": "#39A8EF"}}, rec)
    check(isinstance(rec["ID"], str) and rec["ID"].isdigit(), rec)
    # simple lists have no EXTRA
    check("EXTRA" not in find("SOURCE", "CALL"), find("SOURCE", "CALL"))
    # get by the numeric row id
    check(ok("crm.status.get", {"id": rec["ID"]})["result"] == rec)
    check(ok("crm.status.get", {"ID": int(rec["ID"])}, via="get")["result"] == rec)


@test
def get_errors():
    fails("crm.status.get", {}, "ERROR_ARGUMENT", mentions="ID")
    fails("crm.status.get", {"id": "abc"}, "ERROR_ARGUMENT", mentions="ID")
    fails("crm.status.get", {"id": 987654}, "NOT_FOUND", mentions="Not found")


@test
def list_filter_order():
    all_rows = ok("crm.status.list")["result"]
    check(len(all_rows) >= sum(len(v) for v in DEFAULTS.values()), len(all_rows))
    check("total" not in ok("crm.status.list"))  # the whole list, no paging
    desc = ok("crm.status.list", {"order": {"SORT": "DESC"}, "filter": {"ENTITY_ID": "STATUS"}})["result"]
    check(desc[0]["STATUS_ID"] == "JUNK", desc[0])
    fin = ok("crm.status.list", {"filter": {"ENTITY_ID": "DEAL_STAGE", "SEMANTICS": "F"}})["result"]
    check(sorted(r["STATUS_ID"] for r in fin) == ["APOLOGY", "LOSE"], fin)
    late = ok("crm.status.list", {"filter": {"SYSTEM": "Y", ">=SORT": 110}})["result"]
    check(sorted((r["ENTITY_ID"], r["STATUS_ID"]) for r in late) ==
          [("INDUSTRY", "OTHER"), ("SOURCE", "OTHER"), ("SOURCE", "STORE")], late)
    like = ok("crm.status.list", {"filter": {"%NAME": "счёт"}})["result"]
    check(sorted(r["STATUS_ID"] for r in like) == ["FINAL_INVOICE", "PREPAYMENT_INVOICE"], like)
    check(ok("crm.status.list", {"filter": {"ENTITY_ID": ["CONTACT_TYPE", "COMPANY_TYPE"]}}, via="form")
          ["result"].__len__() >= 9)
    fails("crm.status.list", {"filter": {"BOGUS": 1}}, "ERROR_ARGUMENT", mentions="BOGUS")
    fails("crm.status.list", {"order": {"BOGUS": "ASC"}}, "ERROR_ARGUMENT", mentions="BOGUS")


@test
def fields():
    f = ok("crm.status.fields")["result"]
    check(set(f) == {"ID", "ENTITY_ID", "STATUS_ID", "NAME", "NAME_INIT", "SORT", "SYSTEM", "CATEGORY_ID", "COLOR",
                     "SEMANTICS"}, f)
    check(f["ID"]["isReadOnly"] is True and f["ID"]["type"] == "integer", f["ID"])
    check(f["NAME"]["isRequired"] is True and f["NAME"]["type"] == "string", f["NAME"])
    check(f["ENTITY_ID"]["isImmutable"] is True and f["SYSTEM"]["type"] == "char", f)


@test
def entity_types():
    t = ok("crm.status.entity.types")["result"]
    check([x["ID"] for x in t] == list(DEFAULTS), t)
    by = {x["ID"]: x for x in t}
    check(by["SOURCE"] == {"ID": "SOURCE", "NAME": "Источники"}, by["SOURCE"])
    check(by["DEAL_STAGE"]["SEMANTIC_INFO"] == {"START_FIELD": "NEW", "FINAL_SUCCESS_FIELD": "WON",
                                                "FINAL_UNSUCCESS_FIELD": "LOSE", "FINAL_SORT": 60},
          by["DEAL_STAGE"])
    check(by["DEAL_STAGE"]["ENTITY_TYPE_ID"] == 2 and by["DEAL_STAGE"]["PREFIX"] == "", by["DEAL_STAGE"])
    check(by["STATUS"]["SEMANTIC_INFO"]["FINAL_SUCCESS_FIELD"] == "CONVERTED" and by["STATUS"]["ENTITY_TYPE_ID"] == 1)


@test
def entity_items():
    r = ok("crm.status.entity.items", {"entityId": "DEAL_TYPE"})["result"]
    check(r[0] == {"NAME": "Продажа", "SORT": "10", "STATUS_ID": "SALE"}, r)
    check([x["STATUS_ID"] for x in r] == DEFAULTS["DEAL_TYPE"], r)
    check(ok("crm.status.entity.items", {"ENTITYID": "INDUSTRY"}, via="get")["result"][0]["STATUS_ID"] == "IT")
    check(ok("crm.status.entity.items", {"entityId": "NO_SUCH"})["result"] == [])
    fails("crm.status.entity.items", {}, "ERROR_ARGUMENT", mentions="entityId")


@test
def add_update_delete_simple():
    sid = ok("crm.status.add", {"fields": {"ENTITY_ID": "SOURCE", "STATUS_ID": "TELEGRAM", "NAME": "Телеграм",
                                           "SORT": 55, "COLOR": "#112233"}})["result"]
    check(isinstance(sid, int) and sid > 0, sid)
    rec = ok("crm.status.get", {"id": sid})["result"]
    check(rec == {"ID": str(sid), "ENTITY_ID": "SOURCE", "STATUS_ID": "TELEGRAM", "NAME": "Телеграм",
                  "NAME_INIT": "", "SORT": "55", "SYSTEM": "N", "CATEGORY_ID": None, "COLOR": "#112233",
                  "SEMANTICS": None}, rec)
    # default SORT 10; lower-case field names
    sid2 = ok("crm.status.add", {"fields": {"entity_id": "INDUSTRY", "status_id": "AGRO", "name": "Агро"}},
              via="form")["result"]
    check(ok("crm.status.get", {"id": sid2})["result"]["SORT"] == "10")
    check(ok("crm.status.update", {"id": sid, "fields": {"NAME": "Telegram", "STATUS_ID": "TG", "SORT": 65,
                                                         "COLOR": ""}})["result"] is True)
    rec = ok("crm.status.get", {"id": sid})["result"]
    check(rec["NAME"] == "Telegram" and rec["STATUS_ID"] == "TG" and rec["SORT"] == "65" and rec["COLOR"] is None,
          rec)
    check(ok("crm.status.delete", {"id": sid})["result"] is True)
    check(ok("crm.status.delete", {"id": sid2}, via="get")["result"] is True)
    fails("crm.status.get", {"id": sid}, "NOT_FOUND")
    fails("crm.status.delete", {"id": sid}, "NOT_FOUND")
    fails("crm.status.update", {"id": sid, "fields": {"NAME": "x"}}, "NOT_FOUND")
    fails("crm.status.delete", {}, "ERROR_ARGUMENT", mentions="ID")
    fails("crm.status.update", {"fields": {"NAME": "x"}}, "ERROR_ARGUMENT", mentions="ID")


@test
def add_refusals():
    fails("crm.status.add", {"fields": {"ENTITY_ID": "NOPE", "STATUS_ID": "X", "NAME": "x"}}, "ERROR_ARGUMENT",
          mentions="NOPE")
    fails("crm.status.add", {"fields": {"STATUS_ID": "X", "NAME": "x"}}, "ERROR_ARGUMENT", mentions="ENTITY_ID")
    fails("crm.status.add", {"fields": {"ENTITY_ID": "SOURCE", "NAME": "x"}}, "ERROR_ARGUMENT", mentions="STATUS_ID")
    fails("crm.status.add", {"fields": {"ENTITY_ID": "SOURCE", "STATUS_ID": "X"}}, "ERROR_ARGUMENT", mentions="NAME")
    fails("crm.status.add", {"fields": {"ENTITY_ID": "SOURCE", "STATUS_ID": "CALL", "NAME": "Звонок 2"}},
          "ERROR_CORE", mentions="already exists")
    fails("crm.status.add", {"fields": {"ENTITY_ID": "DEAL_STAGE", "STATUS_ID": "BAD ID", "NAME": "x"}},
          "ERROR_ARGUMENT", mentions="STATUS_ID")
    fails("crm.status.add", {"fields": {"ENTITY_ID": "STATUS", "STATUS_ID": "A" * 22, "NAME": "x"}},
          "ERROR_ARGUMENT", mentions="21")
    fails("crm.status.add", {"fields": {"ENTITY_ID": "SOURCE", "STATUS_ID": "Y", "NAME": "x", "COLOR": "red"}},
          "ERROR_ARGUMENT", mentions="COLOR")
    fails("crm.status.add", {"fields": {"ENTITY_ID": "SOURCE", "STATUS_ID": "Y", "NAME": "x", "SEMANTICS": "S"}},
          "ERROR_ARGUMENT", mentions="SEMANTICS")
    fails("crm.status.add", {"fields": {"ENTITY_ID": "STATUS", "STATUS_ID": "Y", "NAME": "x", "SEMANTICS": "Q"}},
          "ERROR_ARGUMENT", mentions="SEMANTICS")
    fails("crm.status.add", {"fields": {"ENTITY_ID": "SOURCE", "STATUS_ID": "Y", "NAME": "x", "SORT": "abc"}},
          "ERROR_ARGUMENT", mentions="SORT")
    # a second success stage
    fails("crm.status.add", {"fields": {"ENTITY_ID": "DEAL_STAGE", "STATUS_ID": "WON2", "NAME": "x", "SORT": 65,
                                        "SEMANTICS": "S"}}, "ERROR_CORE", mentions="exactly one success")
    # a failure stage before the in-progress ones, and a stage out of order
    fails("crm.status.add", {"fields": {"ENTITY_ID": "DEAL_STAGE", "STATUS_ID": "EARLY_F", "NAME": "x", "SORT": 5,
                                        "SEMANTICS": "F"}}, "ERROR_CORE", mentions="first stage")
    fails("crm.status.add", {"fields": {"ENTITY_ID": "STATUS", "STATUS_ID": "LATE", "NAME": "x", "SORT": 100}},
          "ERROR_CORE", mentions="sorted")
    check([r["STATUS_ID"] for r in items("DEAL_STAGE")] == DEFAULTS["DEAL_STAGE"])
    check([r["STATUS_ID"] for r in items("STATUS")] == DEFAULTS["STATUS"])


@test
def stages_add_and_apology():
    sid = ok("crm.status.add", {"fields": {"ENTITY_ID": "DEAL_STAGE", "STATUS_ID": "NEGOTIATION",
                                           "NAME": "Переговоры", "SORT": 45, "COLOR": "#AABBCC"}})["result"]
    rec = ok("crm.status.get", {"id": sid})["result"]
    check(rec["EXTRA"] == {"SEMANTICS": "process", "COLOR": "#AABBCC"} and rec["SEMANTICS"] is None, rec)
    fid = ok("crm.status.add", {"fields": {"ENTITY_ID": "DEAL_STAGE", "STATUS_ID": "NO_BUDGET",
                                           "NAME": "Нет бюджета", "SORT": 90, "SEMANTICS": "F"}})["result"]
    check(ok("crm.status.get", {"id": fid})["result"]["EXTRA"]["SEMANTICS"] == "apology")
    check(ok("crm.status.delete", {"id": fid})["result"] is True)
    check(ok("crm.status.delete", {"id": sid})["result"] is True)


@test
def system_items():
    new = find("DEAL_STAGE", "NEW")
    won = find("DEAL_STAGE", "WON")
    junk = find("STATUS", "JUNK")
    # renamed and recoloured
    check(ok("crm.status.update", {"id": new["ID"], "fields": {"NAME": "Первичный контакт", "COLOR": "#000000"}})
          ["result"] is True)
    rec = ok("crm.status.get", {"id": new["ID"]})["result"]
    check(rec["NAME"] == "Первичный контакт" and rec["NAME_INIT"] == "Новая" and rec["COLOR"] == "#000000" and
          rec["EXTRA"]["COLOR"] == "#000000", rec)
    # the same STATUS_ID is accepted; another is refused
    ok("crm.status.update", {"id": new["ID"], "fields": {"STATUS_ID": "NEW", "NAME": "Новая"}})
    fails("crm.status.update", {"id": new["ID"], "fields": {"STATUS_ID": "START"}}, "ERROR_CORE",
          mentions="STATUS_ID cannot be changed")
    # finals keep their semantics
    fails("crm.status.update", {"id": won["ID"], "fields": {"SEMANTICS": "F"}}, "ERROR_CORE", mentions="SEMANTICS")
    fails("crm.status.update", {"id": junk["ID"], "fields": {"SEMANTICS": ""}}, "ERROR_CORE", mentions="SEMANTICS")
    ok("crm.status.update", {"id": won["ID"], "fields": {"SEMANTICS": "S", "NAME": "Успех"}})
    # never deleted
    for r in (new, won, junk, find("SOURCE", "CALL")):
        fails("crm.status.delete", {"id": r["ID"], "params": {"FORCED": "Y"}}, "ERROR_CORE", mentions="system")
    ok("crm.status.update", {"id": won["ID"], "fields": {"NAME": "Сделка успешна"}})
    ok("crm.status.update", {"id": new["ID"], "fields": {"COLOR": "#39A8EF"}})


@test
def stage_invariants_on_update_and_delete():
    # the first stage must stay an in-progress one
    new = find("STATUS", "NEW")
    fails("crm.status.update", {"id": find("STATUS", "CONVERTED")["ID"], "fields": {"SORT": 1}}, "ERROR_CORE",
          mentions="first stage")
    # an added stage turned into a second success
    sid = ok("crm.status.add", {"fields": {"ENTITY_ID": "STATUS", "STATUS_ID": "CALLED", "NAME": "Дозвонились",
                                           "SORT": 35}})["result"]
    fails("crm.status.update", {"id": sid, "fields": {"SEMANTICS": "S"}}, "ERROR_CORE", mentions="exactly one")
    # NEW made a failure would leave a failure first by sort
    fails("crm.status.update", {"id": new["ID"], "fields": {"SEMANTICS": "F"}}, "ERROR_CORE", mentions="first stage")
    # a failure cannot come before the success stage
    fails("crm.status.update", {"id": find("STATUS", "JUNK")["ID"], "fields": {"SORT": 39}}, "ERROR_CORE",
          mentions="sorted")
    ok("crm.status.delete", {"id": sid})
    check([r["STATUS_ID"] for r in items("STATUS")] == DEFAULTS["STATUS"])


@test
def last_process_stage():
    # a list whose system process stages are all made failures except an added one, then delete it
    ids = {r["STATUS_ID"]: r["ID"] for r in items("DEAL_STAGE")}
    only = ok("crm.status.add", {"fields": {"ENTITY_ID": "DEAL_STAGE", "STATUS_ID": "ONLY", "NAME": "Единственная",
                                            "SORT": 1}})["result"]
    # move the system process stages after the success stage as failures (allowed: not factory finals)
    for i, s in enumerate(["NEW", "PREPARATION", "PREPAYMENT_INVOICE", "EXECUTING", "FINAL_INVOICE"]):
        ok("crm.status.update", {"id": ids[s], "fields": {"SEMANTICS": "F", "SORT": 100 + i}})
    fails("crm.status.delete", {"id": only}, "ERROR_CORE", mentions="at least one in-progress")
    check(ok("crm.status.get", {"id": only})["result"]["STATUS_ID"] == "ONLY")
    for i, s in enumerate(["NEW", "PREPARATION", "PREPAYMENT_INVOICE", "EXECUTING", "FINAL_INVOICE"]):
        ok("crm.status.update", {"id": ids[s], "fields": {"SEMANTICS": "", "SORT": 10 * (i + 1)}})
    ok("crm.status.delete", {"id": only})
    check([r["STATUS_ID"] for r in items("DEAL_STAGE")] == DEFAULTS["DEAL_STAGE"])


@test
def admin_and_scope():
    st, body = srv.call("methods", {"scope": "crm"})
    names = body.get("result", [])
    for m in ("crm.status.add", "crm.status.list", "crm.status.entity.types", "crm.status.entity.items"):
        check(m in names, m, names)
    check(ok("crm.status.list", {"filter": {"ENTITY_ID": "STATUS"}}, via="get")["result"][0]["STATUS_ID"] == "NEW")
    # a batch sees the same methods
    b = ok("batch", {"cmd": {"t": "crm.status.entity.types", "i": "crm.status.entity.items?entityId=STATUS"}})
    check(b["result"]["result"]["i"][0]["STATUS_ID"] == "NEW", b)


@test
def non_admin_and_scope():
    uid = ok("user.add", {"EMAIL": "status.reader@example.com"})["result"]
    wurl = ok("voronka.webhook.add", {"USER_ID": uid})["result"]["URL"]
    call = lambda m, p=None: srv.call(m, p, path=wurl + m)  # noqa: E731
    st, body = call("crm.status.list", {"filter": {"ENTITY_ID": "SOURCE"}})
    check(st == 200 and body["result"][0]["STATUS_ID"] == "CALL", st, body)
    call_id = find("SOURCE", "CALL")["ID"]
    for m, p in (("crm.status.add", {"fields": {"ENTITY_ID": "SOURCE", "STATUS_ID": "X", "NAME": "x"}}),
                 ("crm.status.update", {"id": call_id, "fields": {"NAME": "x"}}),
                 ("crm.status.delete", {"id": call_id})):
        st, body = call(m, p)
        check(st == 403 and body.get("error") == "ACCESS_DENIED", m, st, body)
    check(find("SOURCE", "CALL")["NAME"] == "Звонок")
    user_only = ok("voronka.webhook.add", {"SCOPE": "user"})["result"]["URL"]
    st, body = srv.call("crm.status.list", path=user_only + "crm.status.list")
    check(st == 403 and body.get("error") == "insufficient_scope", st, body)


@test
def update_refusals():
    a = ok("crm.status.add", {"fields": {"ENTITY_ID": "CONTACT_TYPE", "STATUS_ID": "VIP", "NAME": "VIP"}})["result"]
    fails("crm.status.update", {"id": a, "fields": {"STATUS_ID": "CLIENT"}}, "ERROR_CORE", mentions="already exists")
    fails("crm.status.update", {"id": a, "fields": {"NAME": ""}}, "ERROR_ARGUMENT", mentions="NAME")
    fails("crm.status.update", {"id": a, "fields": {"COLOR": "#12345"}}, "ERROR_ARGUMENT", mentions="COLOR")
    fails("crm.status.update", {"id": a, "fields": {"SEMANTICS": "F"}}, "ERROR_ARGUMENT", mentions="SEMANTICS")
    fails("crm.status.update", {"id": a, "fields": {"SORT": "x"}}, "ERROR_ARGUMENT", mentions="SORT")
    # ENTITY_ID is immutable: ignored, as legacy updates ignore what they cannot change
    ok("crm.status.update", {"id": a, "fields": {"ENTITY_ID": "SOURCE", "NAME": "ВИП"}})
    rec = ok("crm.status.get", {"id": a})["result"]
    check(rec["ENTITY_ID"] == "CONTACT_TYPE" and rec["NAME"] == "ВИП" and rec["STATUS_ID"] == "VIP", rec)
    ok("crm.status.delete", {"id": a})


run()
